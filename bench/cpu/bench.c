/*
 * bench/cpu: a CPU-bound bare-metal program (M-mode, no paging) with an
 * integer kernel (CRC32 + heap sort), a memory kernel (random pointer chase
 * over 4 MiB) and an FP kernel (64x64 double matmul). Prints per-kernel
 * retired-instruction counts (minstret), one checksum and the total count
 * through HTIF putchar, then exits through tohost (0 = checksum matched,
 * 1 = wrong checksum: an emulation bug).
 */
#include <stdint.h>
#include <stddef.h>

extern volatile uint64_t tohost, fromhost;
int bench_main(void);

#define CRC_BYTES (256u << 10)
#define CRC_PASSES 24
#define SORT_N (64u << 10)
#define CHASE_N ((4u << 20) / sizeof(uint32_t))
#define CHASE_STEPS (24u << 20)
#define MAT_N 64
#define MAT_REPS 40
/* Build with -DKERNELS=mask to run a subset (1 crc, 2 sort, 4 chase, 8 matmul). */
#ifndef KERNELS
#define KERNELS 15
#endif
#define EXPECTED_SUM 0xc0822536905aa269ull

static uint8_t crc_buf[CRC_BYTES];
static uint32_t sort_buf[SORT_N];
static uint32_t chase[CHASE_N];
static double ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static void putch(char c)
{
	tohost = (0x0101ull << 48) | (uint8_t)c;
	for (int i = 0; i < 10000 && tohost; i++)
		;
	fromhost = 0;
}

static void puts_(const char *s)
{
	while (*s)
		putch(*s++);
}

static void put_hex(uint64_t v)
{
	puts_("0x");
	for (int sh = 60; sh >= 0; sh -= 4)
		putch("0123456789abcdef"[(v >> sh) & 15]);
}

static void put_dec(uint64_t v)
{
	char b[24];
	int n = 0;
	do {
		b[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		putch(b[--n]);
}

static inline uint64_t instret(void)
{
	uint64_t v;
	__asm__ volatile("csrr %0, minstret" : "=r"(v));
	return v;
}

static uint64_t lcg(uint64_t *s)
{
	*s = *s * 6364136223846793005ull + 1442695040888963407ull;
	return *s >> 33;
}

static uint32_t crc_table[256];

static uint32_t kernel_crc(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	uint64_t s = 1;
	for (uint32_t i = 0; i < CRC_BYTES; i++)
		crc_buf[i] = (uint8_t)lcg(&s);
	uint32_t acc = 0;
	for (int p = 0; p < CRC_PASSES; p++) {
		uint32_t c = 0xffffffffu ^ (uint32_t)p;
		for (uint32_t i = 0; i < CRC_BYTES; i++)
			c = crc_table[(c ^ crc_buf[i]) & 0xff] ^ (c >> 8);
		acc ^= ~c;
	}
	return acc;
}

static void sift(uint32_t *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		uint32_t t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

static uint32_t kernel_sort(void)
{
	uint64_t s = 7;
	for (uint32_t i = 0; i < SORT_N; i++)
		sort_buf[i] = (uint32_t)lcg(&s);
	for (size_t i = SORT_N / 2; i-- > 0;)
		sift(sort_buf, i, SORT_N);
	for (size_t n = SORT_N; n > 1; n--) {
		uint32_t t = sort_buf[0];
		sort_buf[0] = sort_buf[n - 1];
		sort_buf[n - 1] = t;
		sift(sort_buf, 0, n - 1);
	}
	uint32_t h = 0;
	for (uint32_t i = 0; i < SORT_N; i++) {
		if (i && sort_buf[i - 1] > sort_buf[i])
			return 0xdeadu;
		h = h * 31 + sort_buf[i];
	}
	return h;
}

static uint32_t kernel_chase(void)
{
	/* Sattolo: one cycle through all slots */
	for (uint32_t i = 0; i < CHASE_N; i++)
		chase[i] = i;
	uint64_t s = 3;
	for (uint32_t i = CHASE_N - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(lcg(&s) % i);
		uint32_t t = chase[i];
		chase[i] = chase[j];
		chase[j] = t;
	}
	uint32_t p = 0, sum = 0;
	for (uint32_t k = 0; k < CHASE_STEPS; k++) {
		p = chase[p];
		sum += p;
	}
	return sum ^ p;
}

static uint64_t kernel_matmul(void)
{
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			ma[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
			mb[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0 - 1.5;
		}
	for (int r = 0; r < MAT_REPS; r++) {
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++) {
				double acc = 0.0;
				for (int k = 0; k < MAT_N; k++)
					acc += ma[i][k] * mb[k][j];
				mc[i][j] = acc;
			}
		/* feed back, scaled, so repetitions depend on each other */
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++)
				ma[i][j] = mc[i][j] * (1.0 / 64.0);
	}
	double sum = 0.0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			sum += mc[i][j] * (double)(i + 2 * j + 1);
	union { double d; uint64_t u; } cv = { .d = sum };
	return cv.u;
}

static uint64_t report(const char *name, uint64_t t0)
{
	uint64_t t1 = instret();
	puts_(name);
	put_dec(t1 - t0);
	putch('\n');
	return instret();
}

int bench_main(void)
{
	uint64_t start = instret(), t = start;
	uint32_t crc = 0, srt = 0, ch = 0;
	uint64_t mm = 0;
	if (KERNELS & 1) {
		crc = kernel_crc();
		t = report("crc32 insns ", t);
	}
	if (KERNELS & 2) {
		srt = kernel_sort();
		t = report("sort insns ", t);
	}
	if (KERNELS & 4) {
		ch = kernel_chase();
		t = report("chase insns ", t);
	}
	if (KERNELS & 8) {
		mm = kernel_matmul();
		t = report("matmul insns ", t);
	}
	uint64_t sum = ((uint64_t)crc << 32 ^ srt) * 0x9e3779b97f4a7c15ull ^ ch ^ mm;
	uint64_t total = instret() - start;
	puts_("checksum ");
	put_hex(sum);
	puts_("\ninsns ");
	put_dec(total);
	putch('\n');
	/* value from QEMU and Domus agreeing; a mismatch fails the run */
	if (KERNELS != 15)
		return 0;
	return sum == EXPECTED_SUM ? 0 : 1;
}
