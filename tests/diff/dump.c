/*
 * Printing half of the differential tester's runtime (freestanding, built
 * for riscv64 and linked into both the user-mode and the bare build).
 *
 * Output is line-oriented text, identical on a correct CPU and on QEMU:
 *   @N H         dump N (N = random units executed before it in program
 *                order): H = hash of x1..x31, f0..f31, fcsr and the
 *                scratch buffer (compact mode, the default)
 *   @N           followed by x1..x31/f0..f31/fcsr/mem/mOFF lines (full
 *                mode, for dumps with N >= the generator's --full-from;
 *                a full dump with N > --stop-after ends the program)
 *   xI V / fI V  register I, 16 hex digits
 *   fcsr V       fcsr, 2 hex digits
 *   mem V        hash of the scratch buffer
 *   mOFF B...    32 bytes of scratch from OFF (full and final dumps)
 *   TRAP ...     an unexpected trap (bare build only)
 *   END          the program ran to completion
 * The stubs provide diff_write(buf, len) and diff_exit(code).
 */
#include <stdint.h>
#include "diff.h"

void diff_write(const char *buf, unsigned long len);
void diff_exit(int code) __attribute__((noreturn));
void diff_report(uint64_t *save);
void diff_final(uint64_t *save) __attribute__((noreturn));
void diff_trap(uint64_t cause, uint64_t epc, uint64_t tval) __attribute__((noreturn));

extern uint8_t diff_scratch[];

struct line {
	char buf[128];
	unsigned len;
};

static void line_ch(struct line *l, char c)
{
	if (l->len < sizeof(l->buf))
		l->buf[l->len++] = c;
}

static void line_str(struct line *l, const char *s)
{
	while (*s)
		line_ch(l, *s++);
}

static void line_hex(struct line *l, uint64_t v, int digits)
{
	for (int i = digits - 1; i >= 0; i--)
		line_ch(l, "0123456789abcdef"[(v >> (4 * i)) & 15]);
}

static void line_dec(struct line *l, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		line_ch(l, tmp[--n]);
}

static void line_end(struct line *l)
{
	line_ch(l, '\n');
	diff_write(l->buf, l->len);
	l->len = 0;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x100000001b3ULL;
	return h ^ (h >> 29);
}

static uint64_t mem_hash(void)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const uint64_t *w = (const uint64_t *)diff_scratch;

	for (unsigned i = 0; i < DIFF_SCRATCH / 8; i++)
		h = mix(h, w[i]);
	return h;
}

static void print_full(struct line *l, const uint64_t *save)
{
	for (int i = 1; i < 32; i++) {
		line_ch(l, 'x');
		line_dec(l, (uint64_t)i);
		line_ch(l, ' ');
		line_hex(l, save[DIFF_SAVE_X / 8 + i], 16);
		line_end(l);
	}
	for (int i = 0; i < 32; i++) {
		line_ch(l, 'f');
		line_dec(l, (uint64_t)i);
		line_ch(l, ' ');
		line_hex(l, save[DIFF_SAVE_F / 8 + i], 16);
		line_end(l);
	}
	line_str(l, "fcsr ");
	line_hex(l, save[DIFF_SAVE_FCSR / 8], 2);
	line_end(l);
	line_str(l, "mem ");
	line_hex(l, mem_hash(), 16);
	line_end(l);
}

static void print_mem(struct line *l)
{
	for (unsigned off = 0; off < DIFF_SCRATCH; off += 32) {
		line_ch(l, 'm');
		line_hex(l, off, 3);
		line_ch(l, ' ');
		for (unsigned i = 0; i < 32; i++)
			line_hex(l, diff_scratch[off + i], 2);
		line_end(l);
	}
}

void diff_report(uint64_t *save)
{
	struct line l;

	l.len = 0;
	uint64_t n = save[DIFF_SAVE_ID / 8];

	save[DIFF_SAVE_COUNT / 8]++;
	line_ch(&l, '@');
	line_dec(&l, n);
	if (n >= save[DIFF_SAVE_FULL / 8]) {
		line_end(&l);
		print_full(&l, save);
		print_mem(&l);
		if (n > save[DIFF_SAVE_STOP / 8]) {
			line_str(&l, "END");
			line_end(&l);
			diff_exit(0);
		}
		return;
	}
	uint64_t h = mem_hash();
	for (int i = 1; i < 32; i++)
		h = mix(h, save[DIFF_SAVE_X / 8 + i]);
	for (int i = 0; i < 32; i++)
		h = mix(h, save[DIFF_SAVE_F / 8 + i]);
	h = mix(h, save[DIFF_SAVE_FCSR / 8]);
	line_ch(&l, ' ');
	line_hex(&l, h, 16);
	line_end(&l);
}

void diff_final(uint64_t *save)
{
	struct line l;

	l.len = 0;

	line_str(&l, "@final");
	line_end(&l);
	print_full(&l, save);
	print_mem(&l);
	line_str(&l, "END");
	line_end(&l);
	diff_exit(0);
}

void diff_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
	struct line l;

	l.len = 0;

	line_str(&l, "TRAP cause=");
	line_hex(&l, cause, 16);
	line_str(&l, " epc=");
	line_hex(&l, epc, 16);
	line_str(&l, " tval=");
	line_hex(&l, tval, 16);
	line_end(&l);
	diff_exit(3);
}
