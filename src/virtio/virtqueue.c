/*
 * Split virtqueue, device side: validated descriptor-chain walking (direct
 * and indirect), used-ring updates and notification suppression.
 *
 * Memory ordering: the driver runs on other host threads. It fills
 * descriptors and the avail ring entry, then (after a write barrier)
 * bumps avail->idx; we load avail->idx with acquire semantics before
 * reading entries. We write used elements, then store used->idx with
 * release semantics. Around the "should we notify" and "re-enable
 * notifications" decisions a full fence orders our store against the
 * driver's stores we then read (the classic store-load race of event idx).
 */
#include <errno.h>
#include <string.h>

#include "cpu/bus.h"
#include "virtio/virtqueue.h"

#define AVAIL_FLAGS 0
#define AVAIL_IDX 2
#define AVAIL_RING 4
#define USED_FLAGS 0
#define USED_IDX 2
#define USED_RING 4

static uint64_t avail_size(uint16_t num) { return 6 + 2ull * num; }
static uint64_t used_size(uint16_t num) { return 6 + 8ull * num; }

void virtq_reset(struct virtq *vq)
{
	struct bus *b = vq->bus;
	memset(vq, 0, sizeof(*vq));
	vq->bus = b;
}

static int fail(struct virtq *vq, const char *why)
{
	vq->err = why;
	return -EINVAL;
}

int virtq_validate(struct virtq *vq)
{
	if (!vq->bus)
		return fail(vq, "queue has no memory");
	if (vq->num == 0 || vq->num > VIRTQ_NUM_MAX)
		return fail(vq, "bad queue size");
	if ((vq->desc_pa & 15) || (vq->avail_pa & 1) || (vq->used_pa & 3))
		return fail(vq, "misaligned ring");
	if (!bus_dma_ptr(vq->bus, vq->desc_pa, 16ull * vq->num, false) ||
	    !bus_dma_ptr(vq->bus, vq->avail_pa, avail_size(vq->num), false) ||
	    !bus_dma_ptr(vq->bus, vq->used_pa, used_size(vq->num), true))
		return fail(vq, "ring outside RAM");
	return 0;
}

/* Host pointer to a 16-bit field of a ring (validated at enable time, but
 * re-checked: it costs a compare and keeps us safe if RAM ever shrinks). */
static uint16_t *ring16(struct virtq *vq, uint64_t pa, bool write)
{
	return (uint16_t *)bus_dma_ptr(vq->bus, pa, 2, write);
}

static int load_avail_idx(struct virtq *vq, uint16_t *idx)
{
	uint16_t *p = ring16(vq, vq->avail_pa + AVAIL_IDX, false);
	if (!p)
		return fail(vq, "avail ring outside RAM");
	*idx = __atomic_load_n(p, __ATOMIC_ACQUIRE);
	return 0;
}

bool virtq_has_avail(struct virtq *vq)
{
	uint16_t idx;
	if (load_avail_idx(vq, &idx) < 0)
		return false;
	return idx != vq->last_avail;
}

static int read_desc(struct virtq *vq, uint64_t table, uint32_t i, struct virtq_desc *d)
{
	const uint8_t *p = bus_dma_ptr(vq->bus, table + 16ull * i, 16, false);
	if (!p)
		return fail(vq, "descriptor outside RAM");
	/* One snapshot; everything below looks only at the copy. */
	memcpy(d, p, sizeof(*d));
	return 0;
}

static int add_seg(struct virtq *vq, struct virtq_elem *e, const struct virtq_desc *d)
{
	bool w = d->flags & VIRTQ_DESC_F_WRITE;
	if (!w && e->n_in)
		return fail(vq, "readable descriptor after writable one");
	if (d->len == 0)
		return 0;
	if ((unsigned)e->n_out + e->n_in >= VIRTQ_MAX_SEGS)
		return fail(vq, "descriptor chain too long");
	uint8_t *p = bus_dma_ptr(vq->bus, d->addr, d->len, w);
	if (!p)
		return fail(vq, "buffer outside RAM");
	struct virtq_seg *s = &e->seg[e->n_out + e->n_in];
	s->p = p;
	s->len = d->len;
	if (w) {
		e->n_in++;
		e->in_len += d->len;
	} else {
		e->n_out++;
		e->out_len += d->len;
	}
	return 0;
}

/* Walks an indirect table: no nesting, next < entries, at most `entries`
 * descriptors (which also catches loops). */
static int walk_indirect(struct virtq *vq, struct virtq_elem *e, const struct virtq_desc *id)
{
	if (!vq->indirect)
		return fail(vq, "indirect descriptor not negotiated");
	if (id->flags & VIRTQ_DESC_F_NEXT)
		return fail(vq, "indirect descriptor with NEXT");
	if (id->len == 0 || id->len % 16)
		return fail(vq, "indirect table length not a multiple of 16");
	uint32_t entries = id->len / 16;
	if (entries > VIRTQ_MAX_INDIRECT)
		return fail(vq, "indirect table too large");
	if (!bus_dma_ptr(vq->bus, id->addr, id->len, false))
		return fail(vq, "indirect table outside RAM");
	uint32_t i = 0;
	for (uint32_t n = 0;; n++) {
		struct virtq_desc d;
		if (n >= entries)
			return fail(vq, "loop in indirect table");
		if (read_desc(vq, id->addr, i, &d) < 0)
			return -EINVAL;
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return fail(vq, "nested indirect table");
		if (add_seg(vq, e, &d) < 0)
			return -EINVAL;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= entries)
			return fail(vq, "indirect next index out of range");
		i = d.next;
	}
}

int virtq_pop(struct virtq *vq, struct virtq_elem *e)
{
	uint16_t idx;
	if (load_avail_idx(vq, &idx) < 0)
		return -EINVAL;
	uint16_t pending = (uint16_t)(idx - vq->last_avail);
	if (pending == 0)
		return 0;
	if (pending > vq->num)
		return fail(vq, "avail index jumped past queue size");
	uint16_t *slot = ring16(vq, vq->avail_pa + AVAIL_RING + 2ull * (vq->last_avail % vq->num), false);
	if (!slot)
		return fail(vq, "avail ring outside RAM");
	uint16_t head = __atomic_load_n(slot, __ATOMIC_RELAXED);
	if (head >= vq->num)
		return fail(vq, "head index out of range");

	e->head = head;
	e->n_out = e->n_in = 0;
	e->out_len = e->in_len = 0;
	uint16_t i = head;
	for (unsigned n = 0;; n++) {
		struct virtq_desc d;
		if (n >= vq->num)
			return fail(vq, "descriptor loop");
		if (read_desc(vq, vq->desc_pa, i, &d) < 0)
			return -EINVAL;
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (walk_indirect(vq, e, &d) < 0)
				return -EINVAL;
			break;
		}
		if (add_seg(vq, e, &d) < 0)
			return -EINVAL;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= vq->num)
			return fail(vq, "next index out of range");
		i = d.next;
	}
	vq->last_avail++;
	return 1;
}

int virtq_check_avail(struct virtq *vq, struct virtq_elem *scratch)
{
	uint16_t save = vq->last_avail;
	int rc;
	/* Resume after what an earlier call checked, if that is still ahead. */
	if ((uint16_t)(vq->checked - save) <= vq->num)
		vq->last_avail = vq->checked;
	while ((rc = virtq_pop(vq, scratch)) > 0)
		;
	vq->checked = vq->last_avail;
	vq->last_avail = save;
	return rc;
}

void virtq_unpop(struct virtq *vq)
{
	vq->last_avail--;
}

int virtq_push(struct virtq *vq, uint16_t head, uint32_t written)
{
	uint8_t *el = bus_dma_ptr(vq->bus, vq->used_pa + USED_RING + 8ull * (vq->used_idx % vq->num), 8, true);
	uint16_t *idx = ring16(vq, vq->used_pa + USED_IDX, true);
	if (!el || !idx)
		return fail(vq, "used ring outside RAM");
	uint32_t v[2] = { head, written };
	memcpy(el, v, sizeof(v));
	vq->used_idx++;
	__atomic_store_n(idx, vq->used_idx, __ATOMIC_RELEASE);
	return 0;
}

/* virtio 1.2 2.7.10: notify if new_idx has moved past event since old. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

bool virtq_should_notify(struct virtq *vq)
{
	/* Our used->idx store must be visible before we read the driver's
	 * suppression state, or we could miss its update. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx) {
		uint16_t *f = ring16(vq, vq->avail_pa + AVAIL_FLAGS, false);
		return !f || !(__atomic_load_n(f, __ATOMIC_RELAXED) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	uint16_t *ue = ring16(vq, vq->avail_pa + AVAIL_RING + 2ull * vq->num, false);
	uint16_t old = vq->signalled_used;
	bool valid = vq->signalled_valid;
	vq->signalled_used = vq->used_idx;
	vq->signalled_valid = true;
	if (!ue || !valid)
		return true;
	return need_event(__atomic_load_n(ue, __ATOMIC_RELAXED), vq->used_idx, old);
}

bool virtq_enable_notify(struct virtq *vq)
{
	if (vq->event_idx) {
		uint16_t *ae = ring16(vq, vq->used_pa + USED_RING + 8ull * vq->num, true);
		if (ae)
			__atomic_store_n(ae, vq->last_avail, __ATOMIC_RELAXED);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return virtq_has_avail(vq);
}

size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *buf, size_t len)
{
	size_t done = 0;
	for (unsigned i = 0; i < e->n_out && done < len; i++) {
		const struct virtq_seg *s = &e->seg[i];
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		size_t n = s->len - off;
		if (n > len - done)
			n = len - done;
		memcpy((uint8_t *)buf + done, s->p + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtq_elem_write(const struct virtq_elem *e, size_t off, const void *buf, size_t len)
{
	size_t done = 0;
	for (unsigned i = e->n_out; i < (unsigned)e->n_out + e->n_in && done < len; i++) {
		const struct virtq_seg *s = &e->seg[i];
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		size_t n = s->len - off;
		if (n > len - done)
			n = len - done;
		memcpy(s->p + off, (const uint8_t *)buf + done, n);
		done += n;
		off = 0;
	}
	return done;
}
