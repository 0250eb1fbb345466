/*
 * HTIF console/exit/syscall device (see htif.h for the convention).
 */
#include <errno.h>
#include <string.h>

#include "board/htif.h"

#define SYS_WRITE 64
#define SYS_EXIT 93

static uint64_t ram_read64(struct htif *t, uint64_t pa, bool *ok)
{
	uint64_t v = 0;
	*ok = bus_load(t->bus, pa, 8, &v) == 0;
	return v;
}

static void set_fromhost(struct htif *t, uint64_t v)
{
	uint8_t *p = t->has_fromhost ? bus_dma_ptr(t->bus, t->fromhost, 8, true) : NULL;
	if (p)
		memcpy(p, &v, 8);
}

static void request_exit(struct htif *t, int code)
{
	if (t->done)
		return;
	t->done = true;
	t->exit_code = code;
	if (t->on_exit)
		t->on_exit(t->opaque);
}

static uint64_t do_syscall(struct htif *t, uint64_t addr)
{
	bool ok1, ok2, ok3, ok4;
	uint64_t which = ram_read64(t, addr, &ok1);
	uint64_t a0 = ram_read64(t, addr + 8, &ok2);
	uint64_t a1 = ram_read64(t, addr + 16, &ok3);
	uint64_t a2 = ram_read64(t, addr + 24, &ok4);
	if (!(ok1 && ok2 && ok3 && ok4))
		return (uint64_t)-EFAULT;
	switch (which) {
	case SYS_WRITE: {
		uint8_t *buf = bus_dma_ptr(t->bus, a1, a2, false);
		if ((a0 != 1 && a0 != 2) || !buf)
			return (uint64_t)-EBADF;
		fwrite(buf, 1, a2, a0 == 1 ? t->out : stderr);
		fflush(a0 == 1 ? t->out : stderr);
		return a2;
	}
	case SYS_EXIT:
		t->exit_value = a0;
		t->exit_is_fail = a0 != 0;
		request_exit(t, (int)(a0 & 0xff));
		return 0;
	default:
		return (uint64_t)-ENOSYS;
	}
}

static void htif_notify(void *opaque, uint64_t pa, unsigned size)
{
	struct htif *t = opaque;
	uint8_t *p = bus_dma_ptr(t->bus, t->tohost, 8, false);
	uint64_t v;
	if (!p)
		return;
	memcpy(&v, p, 8);
	if (v == 0 || t->done)
		return;
	unsigned dev = v >> 56, cmd = (v >> 48) & 0xff;
	uint64_t payload = v & 0xffffffffffffULL;

	/* An RV32-style split write lands the low word first; wait for the
	 * store that completes the command (the high word, if nonzero). */
	if (pa == t->tohost && size < 8 && (v >> 32) == 0 && dev == 0 && !(payload & 1))
		return;
	memset(p, 0, 8);	/* consumed */
	if (dev == 0 && cmd == 0) {
		if (payload & 1) {
			uint64_t code = payload >> 1;
			t->exit_value = code;
			t->exit_is_fail = code != 0;
			request_exit(t, code == 0 ? 0 : code > 255 ? 255 : (int)code);
			return;
		}
		uint64_t ret = do_syscall(t, payload);
		uint8_t *m = bus_dma_ptr(t->bus, payload, 8, true);
		if (m)
			memcpy(m, &ret, 8);
		set_fromhost(t, 1);
	} else if (dev == 1 && cmd == 1) {
		fputc((int)(payload & 0xff), t->out);
		fflush(t->out);
		set_fromhost(t, (1ULL << 56) | (1ULL << 48) | 0x100 | (payload & 0xff));
	}
	/* Other devices/commands (e.g. console read) are consumed silently. */
}

int htif_init(struct htif *t, struct bus *b, uint64_t tohost, uint64_t fromhost,
	      bool has_fromhost, FILE *out)
{
	memset(t, 0, sizeof *t);
	t->bus = b;
	t->tohost = tohost;
	t->fromhost = fromhost;
	t->has_fromhost = has_fromhost && bus_ram_ptr(b, fromhost, 8);
	t->out = out ? out : stdout;
	if (!bus_ram_ptr(b, tohost, 8))
		return -EINVAL;
	return bus_add_watch(b, tohost, 8, htif_notify, t);
}
