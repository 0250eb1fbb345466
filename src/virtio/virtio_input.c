/*
 * virtio-input (virtio 1.2 section 5.8) as the machine's power buttons: a
 * keyboard that has exactly two keys, KEY_POWER and KEY_RESTART. The
 * toolstack presses them (xm shutdown / xm reboot); an unmodified guest
 * kernel reports them on /dev/input/eventN, where busybox acpid or
 * systemd-logind turn them into a clean power-off or reboot.
 *
 * Config space: the driver writes select/subsel, the device answers with
 * size and the union u (name, device ids, event-type bitmaps). eventq
 * (queue 0) carries struct virtio_input_event {le16 type, code; le32 value}
 * to the driver in buffers it posted; statusq (queue 1) brings LED and
 * similar status from the driver, which we consume and ignore. Events for
 * which the driver has no buffer wait in a small bounded FIFO.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

#define EVENTQ 0
#define STATUSQ 1
#define CFG_SELECT 0
#define CFG_SUBSEL 1
#define CFG_SIZE 2
#define CFG_U 8			/* the union starts after 5 reserved bytes */
#define CFG_U_MAX 128
#define EVENT_SIZE 8
#define BUS_VIRTUAL 0x06	/* linux/input.h bus type */

struct input_event_le {
	uint16_t type, code;
	uint32_t value;
};

struct virtio_input {
	struct virtio_dev dev;
	struct input_event_le pending[VIRTIO_INPUT_PENDING_MAX];
	unsigned head, count;
	struct virtq_elem elem;
};

static const uint16_t input_keys[] = { VIRTIO_INPUT_KEY_POWER, VIRTIO_INPUT_KEY_RESTART };

static bool key_known(unsigned code)
{
	for (size_t i = 0; i < sizeof(input_keys) / sizeof(input_keys[0]); i++)
		if (input_keys[i] == code)
			return true;
	return false;
}

/* Fills size and u for the current select/subsel (lock held). */
static void input_config_update(struct virtio_dev *d)
{
	uint8_t sel = d->config[CFG_SELECT], sub = d->config[CFG_SUBSEL];
	uint8_t *u = d->config + CFG_U;
	unsigned size = 0;
	memset(u, 0, CFG_U_MAX);
	switch (sel) {
	case VIRTIO_INPUT_CFG_ID_NAME:
		if (sub == 0) {
			size = sizeof(VIRTIO_INPUT_NAME) - 1;
			memcpy(u, VIRTIO_INPUT_NAME, size);
		}
		break;
	case VIRTIO_INPUT_CFG_ID_DEVIDS:
		if (sub == 0) {
			/* struct virtio_input_devids: bustype, vendor, product, version */
			const uint16_t ids[4] = { BUS_VIRTUAL, 0, 1, 1 };
			memcpy(u, ids, sizeof(ids));
			size = sizeof(ids);
		}
		break;
	case VIRTIO_INPUT_CFG_EV_BITS:
		if (sub == VIRTIO_INPUT_EV_KEY) {
			for (size_t i = 0; i < sizeof(input_keys) / sizeof(input_keys[0]); i++) {
				unsigned k = input_keys[i];
				u[k / 8] |= (uint8_t)(1u << (k % 8));
				if (k / 8 + 1 > size)
					size = k / 8 + 1;
			}
		}
		break;
	default:		/* ID_SERIAL, PROP_BITS, ABS_INFO, UNSET: nothing */
		break;
	}
	d->config[CFG_SIZE] = (uint8_t)size;
}

/* Only select and subsel are writable. */
static void input_config_write(struct virtio_dev *d, unsigned off, unsigned size, uint64_t val)
{
	bool touched = false;
	for (unsigned i = 0; i < size; i++) {
		if (off + i == CFG_SELECT || off + i == CFG_SUBSEL) {
			d->config[off + i] = (uint8_t)(val >> (8 * i));
			touched = true;
		}
	}
	if (touched)
		input_config_update(d);
}

/* Moves queued events into posted buffers (lock held). */
static void input_flush(struct virtio_input *in)
{
	struct virtio_dev *d = &in->dev;
	struct virtq *vq = &d->vq[EVENTQ];
	bool pushed = false;
	while (in->count && virtio_dev_queue_live(d, EVENTQ)) {
		int rc = virtq_pop(vq, &in->elem);
		if (rc == 0 && vq->event_idx && virtq_enable_notify(vq))
			rc = virtq_pop(vq, &in->elem);
		if (rc == 0)
			break;
		if (rc < 0) {
			virtio_dev_fail(d, EVENTQ, vq->err);
			return;
		}
		uint32_t written = 0;
		if (in->elem.in_len >= EVENT_SIZE) {
			const struct input_event_le *ev = &in->pending[in->head];
			uint8_t raw[EVENT_SIZE];
			memcpy(raw, &ev->type, 2);
			memcpy(raw + 2, &ev->code, 2);
			memcpy(raw + 4, &ev->value, 4);
			written = (uint32_t)virtq_elem_write(&in->elem, 0, raw, sizeof(raw));
			in->head = (in->head + 1) % VIRTIO_INPUT_PENDING_MAX;
			in->count--;
		}
		/* A buffer too small for an event goes back empty; each one
		 * is used once, so a hostile ring cannot make us loop. */
		if (virtq_push(vq, in->elem.head, written) < 0) {
			virtio_dev_fail(d, EVENTQ, vq->err);
			return;
		}
		pushed = true;
	}
	if (pushed)
		virtio_dev_used(d, EVENTQ);
}

/* Status (LED) buffers: consumed and given back unread. */
static int64_t input_status(struct virtio_dev *d, unsigned q, struct virtq_elem *e, void *ctx)
{
	(void)d, (void)q, (void)e, (void)ctx;
	return 0;
}

static void input_queue_notify(struct virtio_dev *d, unsigned q)
{
	struct virtio_input *in = (struct virtio_input *)d;
	if (q == STATUSQ) {
		virtio_queue_drain(d, STATUSQ, &in->elem, input_status, NULL);
		return;
	}
	/* Buffers wait here for events: validate them now, so that a garbage
	 * ring is reported at the driver's notification, not at a key press. */
	if (virtq_check_avail(&d->vq[EVENTQ], &in->elem) < 0) {
		virtio_dev_fail(d, EVENTQ, d->vq[EVENTQ].err);
		return;
	}
	input_flush(in);
}

static void input_reset(struct virtio_dev *d)
{
	/* Queued key presses survive a driver reset (Linux resets the device
	 * while probing it): a press made during boot is seen afterwards. */
	d->config[CFG_SELECT] = d->config[CFG_SUBSEL] = 0;
	input_config_update(d);
}

static void input_driver_ok(struct virtio_dev *d)
{
	input_flush((struct virtio_input *)d);
}

static void input_destroy(struct virtio_dev *d)
{
	virtio_dev_fini(d);
	free(d);
}

static const struct virtio_dev_ops input_ops = {
	.name = "input",
	.device_id = VIRTIO_ID_INPUT,
	.num_queues = 2,
	.queue_notify = input_queue_notify,
	.config_write = input_config_write,
	.reset = input_reset,
	.driver_ok = input_driver_ok,
	.destroy = input_destroy,
};

int virtio_input_create(struct virtio_dev **out)
{
	struct virtio_input *in = calloc(1, sizeof(*in));
	if (!in)
		return -ENOMEM;
	int rc = virtio_dev_init(&in->dev, &input_ops);
	if (rc < 0) {
		free(in);
		return rc;
	}
	in->dev.config_len = CFG_U + CFG_U_MAX;
	input_config_update(&in->dev);
	*out = &in->dev;
	return 0;
}

static void input_queue_event(struct virtio_input *in, uint16_t type, uint16_t code, uint32_t value)
{
	unsigned tail = (in->head + in->count) % VIRTIO_INPUT_PENDING_MAX;
	in->pending[tail] = (struct input_event_le){ type, code, value };
	in->count++;
}

int virtio_input_key(struct virtio_dev *d, unsigned code)
{
	struct virtio_input *in = (struct virtio_input *)d;
	if (!key_known(code))
		return -EINVAL;
	int rc = 0;
	pthread_mutex_lock(&d->lock);
	if (in->count + 4 > VIRTIO_INPUT_PENDING_MAX) {
		rc = -ENOSPC;
	} else {
		input_queue_event(in, VIRTIO_INPUT_EV_KEY, (uint16_t)code, 1);
		input_queue_event(in, VIRTIO_INPUT_EV_SYN, 0, 0);
		input_queue_event(in, VIRTIO_INPUT_EV_KEY, (uint16_t)code, 0);
		input_queue_event(in, VIRTIO_INPUT_EV_SYN, 0, 0);
		input_flush(in);
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

unsigned virtio_input_pending(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	unsigned n = ((struct virtio_input *)d)->count;
	pthread_mutex_unlock(&d->lock);
	return n;
}

bool virtio_input_driver_ready(struct virtio_dev *d)
{
	pthread_mutex_lock(&d->lock);
	bool r = virtio_dev_queue_live(d, EVENTQ);
	pthread_mutex_unlock(&d->lock);
	return r;
}
