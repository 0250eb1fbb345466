/* syscon finisher register: see syscon.h. */
#include "board/syscon.h"

static int syscon_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	*val = 0;
	return 0;
}

static int syscon_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct syscon *s = opaque;
	uint32_t v = (uint32_t)val;

	if (off != 0 || size < 2 || !s->event)
		return 0;
	switch (v & 0xffff) {
	case SYSCON_POWEROFF:
		s->event(s->opaque, BOARD_EV_POWEROFF, 0);
		break;
	case SYSCON_REBOOT:
		s->event(s->opaque, BOARD_EV_REBOOT, 0);
		break;
	case SYSCON_FAIL:
		s->event(s->opaque, BOARD_EV_CRASH, v >> 16);
		break;
	}
	return 0;
}

const struct mmio_ops syscon_mmio_ops = {
	.name = "syscon",
	.read = syscon_read,
	.write = syscon_write,
};
