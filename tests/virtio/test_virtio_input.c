/*
 * virtio-input (the power/restart buttons) driven as a guest driver would:
 * config space queries (name, device ids, EV_KEY bitmap with KEY_POWER and
 * KEY_RESTART, empty answers), key presses arriving as press/SYN/release/
 * SYN events, presses made before any buffer is posted held in the bounded
 * queue, the status queue consumed, and hostile rings (garbage event ring,
 * buffers too small for an event).
 */
#include <errno.h>
#include <string.h>

#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

static const uint64_t BASE_FEATURES = VIRTIO_BIT(VIRTIO_F_VERSION_1) |
				      VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX);

/* select/subsel, then size and the first bytes of u. */
static unsigned cfg_query(struct vt_dev *v, uint8_t sel, uint8_t sub, uint8_t *u, unsigned n)
{
	vt_wr(v, VIRTIO_MMIO_CONFIG, (uint32_t)sel | (uint32_t)sub << 8 | 0xff0000u);
	unsigned size = (vt_rd(v, VIRTIO_MMIO_CONFIG) >> 16) & 0xff;
	for (unsigned i = 0; i < n; i += 4) {
		uint32_t w = vt_rd(v, VIRTIO_MMIO_CONFIG + 8 + i);
		for (unsigned b = 0; b < 4 && i + b < n; b++)
			u[i + b] = (uint8_t)(w >> (8 * b));
	}
	return size;
}

struct ev {
	uint16_t type, code;
	uint32_t value;
};

/* Posts n event buffers of `len` bytes starting at pa. */
static void post_events(struct vt_dev *v, uint64_t pa, unsigned n, uint32_t len)
{
	for (unsigned i = 0; i < n; i++) {
		struct vt_buf b = { pa + 8 * i, len, true };
		vt_submit(v, 0, &b, 1, i & 1);
	}
	vt_kick(v, 0);
}

/* Collects up to max used events; returns how many. */
static unsigned take_events(struct vt_dev *v, struct vt_machine *m, uint64_t pa, struct ev *out, unsigned max)
{
	unsigned n = 0;
	uint32_t id, len;
	while (n < max && vt_get_used(v, 0, &id, &len)) {
		(void)id;
		if (len != 8)
			continue;
		memcpy(&out[n], vt_ptr(m, pa + 8 * n), 8);
		n++;
	}
	return n;
}

static bool is_press(const struct ev *e, unsigned code)
{
	return e[0].type == 1 && e[0].code == code && e[0].value == 1 && e[1].type == 0 && e[1].code == 0 &&
	       e[2].type == 1 && e[2].code == code && e[2].value == 0 && e[3].type == 0;
}

static void test_config(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	if (vt_machine_init(&m, 4 << 20) < 0 || virtio_input_create(&dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES, 2, 16) < 0) {
		VT_CHECK(0, "input: setup");
		return;
	}
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_INPUT, "input: device id 18");
	uint8_t u[128];
	unsigned sz = cfg_query(&v, VIRTIO_INPUT_CFG_ID_NAME, 0, u, 32);
	VT_CHECK(sz == strlen(VIRTIO_INPUT_NAME) && memcmp(u, VIRTIO_INPUT_NAME, sz) == 0,
		 "input: ID_NAME \"%.*s\"", (int)sz, (const char *)u);
	sz = cfg_query(&v, VIRTIO_INPUT_CFG_ID_DEVIDS, 0, u, 8);
	VT_CHECK(sz == 8 && u[0] == 6 && u[1] == 0, "input: ID_DEVIDS, bus virtual");
	memset(u, 0, sizeof(u));
	sz = cfg_query(&v, VIRTIO_INPUT_CFG_EV_BITS, VIRTIO_INPUT_EV_KEY, u, 128);
	unsigned bits = 0;
	for (unsigned i = 0; i < 128 * 8; i++)
		bits += (u[i / 8] >> (i % 8)) & 1;
	VT_CHECK(sz == 0x198 / 8 + 1 && (u[116 / 8] & (1u << (116 % 8))) && (u[0x198 / 8] & (1u << (0x198 % 8))) &&
		 bits == 2, "input: EV_BITS/EV_KEY = {KEY_POWER, KEY_RESTART} (size %u)", sz);
	VT_CHECK(cfg_query(&v, VIRTIO_INPUT_CFG_EV_BITS, 2 /* EV_REL */, u, 4) == 0 &&
		 cfg_query(&v, VIRTIO_INPUT_CFG_ABS_INFO, 0, u, 4) == 0 &&
		 cfg_query(&v, VIRTIO_INPUT_CFG_ID_SERIAL, 0, u, 4) == 0 &&
		 cfg_query(&v, VIRTIO_INPUT_CFG_PROP_BITS, 0, u, 4) == 0 && cfg_query(&v, 0x77, 0, u, 4) == 0,
		 "input: other selections answer size 0");
	vt_wr(&v, VIRTIO_MMIO_CONFIG + 2, 0x55);	/* size is read-only */
	VT_CHECK(((vt_rd(&v, VIRTIO_MMIO_CONFIG) >> 16) & 0xff) == 0, "input: size not writable");
	/* Out of range config access: ignored, no crash. */
	vt_wr(&v, VIRTIO_MMIO_CONFIG + 200, 1);
	VT_CHECK(vt_rd(&v, VIRTIO_MMIO_CONFIG + 200) == 0, "input: config beyond 136 bytes reads 0");
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

static void test_keys(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	if (vt_machine_init(&m, 4 << 20) < 0 || virtio_input_create(&dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES, 2, 16) < 0) {
		VT_CHECK(0, "input keys: setup");
		return;
	}
	/* Pressed before the driver posted anything: held. */
	VT_CHECK(virtio_input_driver_ready(dev), "input: driver ready after DRIVER_OK");
	VT_CHECK(virtio_input_key(dev, VIRTIO_INPUT_KEY_POWER) == 0 && virtio_input_pending(dev) == 4,
		 "input: power key before buffers: 4 events held");
	VT_CHECK(virtio_input_key(dev, 30 /* KEY_A */) == -EINVAL, "input: unknown key -> -EINVAL");
	uint64_t evs = vt_alloc(&m, 8 * 16, 8);
	memset(vt_ptr(&m, evs), 0xee, 8 * 16);
	unsigned raises = atomic_load(&m.irq_raises);
	post_events(&v, evs, 2, 8);
	struct ev e[16];
	unsigned n = take_events(&v, &m, evs, e, 16);
	VT_CHECK(n == 2 && e[0].type == 1 && e[0].code == 116 && e[0].value == 1 && e[1].type == 0 &&
		 virtio_input_pending(dev) == 2 && atomic_load(&m.irq_raises) > raises,
		 "input: two buffers -> press + SYN delivered, interrupt, 2 still held");
	post_events(&v, evs, 2, 8);
	n = take_events(&v, &m, evs, e, 16);
	VT_CHECK(n == 2 && e[0].type == 1 && e[0].code == 116 && e[0].value == 0 && e[1].type == 0 &&
		 virtio_input_pending(dev) == 0, "input: release + SYN follow");

	/* Buffers posted first, then the restart key. */
	memset(vt_ptr(&m, evs), 0xee, 8 * 16);
	post_events(&v, evs, 8, 8);
	VT_CHECK(virtio_input_key(dev, VIRTIO_INPUT_KEY_RESTART) == 0, "input: restart key accepted");
	n = take_events(&v, &m, evs, e, 16);
	VT_CHECK(n == 4 && is_press(e, 0x198) && virtio_input_pending(dev) == 0,
		 "input: restart key: press, SYN, release, SYN");

	/* Status queue: consumed, ignored. */
	uint64_t st = vt_alloc(&m, 8, 8);
	struct vt_buf sb = { st, 8, false };
	vt_submit(&v, 1, &sb, 1, false);
	vt_kick(&v, 1);
	uint32_t id, len;
	VT_CHECK(vt_get_used(&v, 1, &id, &len) && len == 0, "input: status queue consumed");

	/* Bounded queue when the guest reads nothing (4 buffers remain). */
	int rc = 0, presses = 0;
	while ((rc = virtio_input_key(dev, VIRTIO_INPUT_KEY_POWER)) == 0 && presses < 100)
		presses++;
	VT_CHECK(rc == -ENOSPC && virtio_input_pending(dev) <= VIRTIO_INPUT_PENDING_MAX && presses == 17,
		 "input: queue bounded (%d presses, then -ENOSPC)", presses);

	/* Driver reset: held events survive and go out after bring-up. */
	vt_dev_restart(&v, BASE_FEATURES, 2, 16);
	uint64_t evs2 = vt_alloc(&m, 8 * 16, 8);
	post_events(&v, evs2, 16, 8);
	n = take_events(&v, &m, evs2, e, 16);
	VT_CHECK(n == 16 && is_press(e, 116) && is_press(e + 12, 116) && virtio_input_pending(dev) == 48,
		 "input: held events delivered after a driver reset (%u)", n);
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

static void test_hostile(void)
{
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	if (vt_machine_init(&m, 4 << 20) < 0 || virtio_input_create(&dev) < 0 ||
	    vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, BASE_FEATURES, 2, 16) < 0) {
		VT_CHECK(0, "input hostile: setup");
		return;
	}
	/* Too small buffers are returned empty; the event waits. */
	uint64_t evs = vt_alloc(&m, 8 * 16, 8);
	post_events(&v, evs, 3, 4);
	virtio_input_key(dev, VIRTIO_INPUT_KEY_POWER);
	uint32_t id, len;
	unsigned empty = 0;
	while (vt_get_used(&v, 0, &id, &len))
		empty += len == 0;
	VT_CHECK(empty == 3 && virtio_input_pending(dev) == 4 && !(vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET),
		 "input: 4-byte buffers returned empty, events kept");
	/* A buffer outside RAM: NEEDS_RESET at the kick, no crash at a press. */
	struct vt_buf g = { 0x7ff00000, 8, true };
	vt_submit(&v, 0, &g, 1, false);
	vt_kick(&v, 0);
	VT_CHECK(vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET, "input: garbage event ring -> NEEDS_RESET at kick");
	VT_CHECK(virtio_input_key(dev, VIRTIO_INPUT_KEY_RESTART) == 0 && virtio_input_pending(dev) == 8 &&
		 !virtio_input_driver_ready(dev), "input: presses on a broken device are held");
	/* Recovery: reset and bring-up, events arrive. */
	vt_dev_restart(&v, BASE_FEATURES, 2, 16);
	uint64_t evs2 = vt_alloc(&m, 8 * 16, 8);
	post_events(&v, evs2, 8, 8);
	struct ev e[8];
	unsigned n = 0;
	while (n < 8 && vt_get_used(&v, 0, &id, &len)) {
		memcpy(&e[n], vt_ptr(&m, evs2 + 8 * n), 8);
		n++;
	}
	VT_CHECK(n == 8 && is_press(e, 116) && is_press(e + 4, 0x198), "input: after reset, power then restart");
	/* A descriptor index beyond the ring. */
	uint16_t *avail = vt_ptr(&m, v.q[0].avail);
	avail[2 + (v.q[0].avail_idx % v.q[0].num)] = 999;
	v.q[0].avail_idx++;
	avail[1] = v.q[0].avail_idx;
	vt_kick(&v, 0);
	VT_CHECK(vt_status(&v) & VIRTIO_STATUS_NEEDS_RESET, "input: descriptor index out of range -> NEEDS_RESET");
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
}

int main(void)
{
	test_config();
	test_keys();
	test_hostile();
	return vt_failures ? 1 : 0;
}
