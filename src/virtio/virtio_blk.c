/*
 * virtio-blk device model (virtio 1.2 section 5.2): one request queue,
 * read/write/flush/get-id/discard/write-zeroes onto a blk_backend.
 * Requests run synchronously on the notifying vCPU thread.
 * I/O counters (xm top) are relaxed atomics read by virtio_blk_get_stats.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "backend/backend.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

#define SECTOR 512u
#define BLK_HDR_LEN 16
#define BLK_MAX_DISCARD_SECTORS (1u << 22)	/* 2 GiB per segment */
/* Bound on one read/write: segments may alias the same guest RAM, so the
 * sum of their lengths is not bounded by RAM size. */
#define BLK_MAX_REQ_BYTES (128ull << 20)

struct virtio_blk {
	struct virtio_dev dev;		/* first: we are cast from it */
	struct blk_backend *be;
	uint64_t sectors;
	struct virtq_elem elem;
	struct iovec iov[VIRTQ_MAX_SEGS];
	/* Completed reads/writes and their sectors, failed requests. */
	_Atomic uint64_t rd_req, rd_sect, wr_req, wr_sect, err_req;
};

static void stat_add(_Atomic uint64_t *c, uint64_t v)
{
	atomic_fetch_add_explicit(c, v, memory_order_relaxed);
}

struct blk_discard_seg {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

/* iovecs for bytes [off, off+len) of the readable (in=false) or writable
 * part of e. Returns the count. */
static int elem_iov(const struct virtq_elem *e, bool in, size_t off, size_t len,
		    struct iovec *iov)
{
	unsigned first = in ? e->n_out : 0, end = in ? (unsigned)e->n_out + e->n_in : e->n_out;
	int cnt = 0;
	for (unsigned i = first; i < end && len; i++) {
		const struct virtq_seg *s = &e->seg[i];
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		size_t n = s->len - off;
		if (n > len)
			n = len;
		iov[cnt].iov_base = s->p + off;
		iov[cnt].iov_len = n;
		cnt++;
		len -= n;
		off = 0;
	}
	return cnt;
}

static bool range_ok(const struct virtio_blk *b, uint64_t sector, uint64_t nsect)
{
	return sector <= b->sectors && nsect <= b->sectors - sector;
}

static uint8_t do_discard(struct virtio_blk *b, const struct virtq_elem *e, uint32_t type)
{
	uint64_t len = e->out_len - BLK_HDR_LEN;
	if (len == 0 || len % sizeof(struct blk_discard_seg))
		return VIRTIO_BLK_S_IOERR;
	if (len / sizeof(struct blk_discard_seg) > VIRTIO_BLK_MAX_DISCARD_SEG)
		return VIRTIO_BLK_S_IOERR;
	if (b->be->read_only)
		return VIRTIO_BLK_S_IOERR;
	for (uint64_t off = BLK_HDR_LEN; off < e->out_len; off += sizeof(struct blk_discard_seg)) {
		struct blk_discard_seg s;
		virtq_elem_read(e, off, &s, sizeof(s));
		if (type == VIRTIO_BLK_T_DISCARD && s.flags)
			return VIRTIO_BLK_S_UNSUPP;
		if (type == VIRTIO_BLK_T_WRITE_ZEROES && (s.flags & ~1u))
			return VIRTIO_BLK_S_UNSUPP;
		if (s.num_sectors > BLK_MAX_DISCARD_SECTORS || !range_ok(b, s.sector, s.num_sectors))
			return VIRTIO_BLK_S_IOERR;
		int rc = type == VIRTIO_BLK_T_DISCARD
			 ? b->be->ops->discard(b->be, s.sector * SECTOR, (uint64_t)s.num_sectors * SECTOR)
			 : b->be->ops->write_zeroes(b->be, s.sector * SECTOR, (uint64_t)s.num_sectors * SECTOR);
		/* Discard is a hint: a filesystem without hole punching is fine. */
		if (rc < 0 && !(type == VIRTIO_BLK_T_DISCARD && rc == -EOPNOTSUPP))
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* Handles one request; returns bytes written into the guest's buffers. */
static uint32_t blk_request(struct virtio_blk *b, const struct virtq_elem *e)
{
	struct { uint32_t type, reserved; uint64_t sector; } hdr;
	uint8_t status = VIRTIO_BLK_S_IOERR;
	uint64_t data_in = e->in_len - 1;	/* writable bytes before the status */
	uint32_t written = 0;
	if (virtq_elem_read(e, 0, &hdr, sizeof(hdr)) != sizeof(hdr))
		goto done;
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN: {
		if (data_in % SECTOR || data_in > BLK_MAX_REQ_BYTES || !range_ok(b, hdr.sector, data_in / SECTOR))
			break;
		int cnt = elem_iov(e, true, 0, data_in, b->iov);
		if (b->be->ops->readv(b->be, b->iov, cnt, hdr.sector * SECTOR) == 0) {
			status = VIRTIO_BLK_S_OK;
			written = (uint32_t)data_in;
			stat_add(&b->rd_req, 1);
			stat_add(&b->rd_sect, data_in / SECTOR);
		}
		break;
	}
	case VIRTIO_BLK_T_OUT: {
		uint64_t len = e->out_len - BLK_HDR_LEN;
		if (b->be->read_only || len % SECTOR || len > BLK_MAX_REQ_BYTES ||
		    !range_ok(b, hdr.sector, len / SECTOR))
			break;
		int cnt = elem_iov(e, false, BLK_HDR_LEN, len, b->iov);
		if (b->be->ops->writev(b->be, b->iov, cnt, hdr.sector * SECTOR) == 0) {
			status = VIRTIO_BLK_S_OK;
			stat_add(&b->wr_req, 1);
			stat_add(&b->wr_sect, len / SECTOR);
		}
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		status = b->be->ops->flush(b->be) == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		size_t n = data_in < sizeof(b->be->id) ? (size_t)data_in : sizeof(b->be->id);
		written = (uint32_t)virtq_elem_write(e, 0, b->be->id, n);
		status = VIRTIO_BLK_S_OK;
		break;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = do_discard(b, e, hdr.type);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	if (status != VIRTIO_BLK_S_OK)
		stat_add(&b->err_req, 1);
	virtq_elem_write(e, data_in, &status, 1);
	return written + 1;
}

static int64_t blk_handle(struct virtio_dev *d, unsigned q, struct virtq_elem *e, void *ctx)
{
	(void)ctx;
	if (e->in_len == 0) {
		virtio_dev_fail(d, q, "request without a status byte");
		return -EINVAL;
	}
	return blk_request((struct virtio_blk *)d, e);
}

static void blk_queue_notify(struct virtio_dev *d, unsigned q)
{
	virtio_queue_drain(d, q, &((struct virtio_blk *)d)->elem, blk_handle, NULL);
}

static void blk_destroy(struct virtio_dev *d)
{
	struct virtio_blk *b = (struct virtio_blk *)d;
	blk_backend_destroy(b->be);
	virtio_dev_fini(d);
	free(b);
}

static const struct virtio_dev_ops blk_ops = {
	.name = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.num_queues = 1,
	.queue_notify = blk_queue_notify,
	.destroy = blk_destroy,
};

void virtio_blk_get_stats(struct virtio_dev *d, struct virtio_blk_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!d || d->ops != &blk_ops)
		return;
	struct virtio_blk *b = (struct virtio_blk *)d;
	s->rd_req = atomic_load_explicit(&b->rd_req, memory_order_relaxed);
	s->rd_sect = atomic_load_explicit(&b->rd_sect, memory_order_relaxed);
	s->wr_req = atomic_load_explicit(&b->wr_req, memory_order_relaxed);
	s->wr_sect = atomic_load_explicit(&b->wr_sect, memory_order_relaxed);
	s->err_req = atomic_load_explicit(&b->err_req, memory_order_relaxed);
	s->oo_req = 0;	/* requests run synchronously: none ever waits for room */
}

int virtio_blk_create(struct blk_backend *be, struct virtio_dev **out)
{
	struct virtio_blk *b = calloc(1, sizeof(*b));
	if (!b) {
		blk_backend_destroy(be);
		return -ENOMEM;
	}
	int rc = virtio_dev_init(&b->dev, &blk_ops);
	if (rc < 0) {
		blk_backend_destroy(be);
		free(b);
		return rc;
	}
	struct virtio_dev *d = &b->dev;
	b->be = be;
	b->sectors = be->size / SECTOR;
	d->host_features |= VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
			    VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (be->read_only)
		d->host_features |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	else
		d->host_features |= VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
				    VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	/* Config layout: virtio 1.2 5.2.4 struct virtio_blk_config. */
	virtio_config_put64(d, 0, b->sectors);			/* capacity */
	virtio_config_put32(d, 8, VIRTIO_BLK_SIZE_MAX);		/* size_max */
	virtio_config_put32(d, 12, VIRTQ_MAX_SEGS - 2);		/* seg_max: minus header, status */
	virtio_config_put32(d, 20, SECTOR);			/* blk_size */
	virtio_config_put32(d, 36, BLK_MAX_DISCARD_SECTORS);	/* max_discard_sectors */
	virtio_config_put32(d, 40, VIRTIO_BLK_MAX_DISCARD_SEG);	/* max_discard_seg */
	virtio_config_put32(d, 44, 8);				/* discard_sector_alignment: 4 KiB */
	virtio_config_put32(d, 48, BLK_MAX_DISCARD_SECTORS);	/* max_write_zeroes_sectors */
	virtio_config_put32(d, 52, VIRTIO_BLK_MAX_DISCARD_SEG);	/* max_write_zeroes_seg */
	d->config[56] = 1;					/* write_zeroes_may_unmap */
	d->config_len = 60;
	*out = d;
	return 0;
}
