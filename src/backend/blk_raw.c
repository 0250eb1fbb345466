/*
 * Raw disk image backend for virtio-blk: positional vectored I/O on one
 * file descriptor (safe to use from several vCPU threads at once), flush
 * with fdatasync, discard with a punched hole.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"

#define RAW_IOV_MAX 1024

struct blk_raw {
	struct blk_backend be;
	int fd;
};

static struct blk_raw *to_raw(struct blk_backend *be)
{
	return (struct blk_raw *)be;
}

/* Runs preadv/pwritev until everything moved: they may return short. */
static int raw_rw(struct blk_raw *r, const struct iovec *iov, int cnt, uint64_t off, bool wr)
{
	struct iovec v[RAW_IOV_MAX];
	if (cnt < 0 || cnt > RAW_IOV_MAX)
		return -EINVAL;
	memcpy(v, iov, sizeof(*v) * (size_t)cnt);
	int i = 0;
	while (i < cnt) {
		if (v[i].iov_len == 0) {
			i++;
			continue;
		}
		ssize_t n = wr ? pwritev(r->fd, v + i, cnt - i, (off_t)off)
			       : preadv(r->fd, v + i, cnt - i, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			if (wr)
				return -EIO;
			/* The file shrank under us: the rest reads as zeroes. */
			for (; i < cnt; i++)
				memset(v[i].iov_base, 0, v[i].iov_len);
			return 0;
		}
		off += (uint64_t)n;
		while (n > 0 && i < cnt) {
			size_t k = (size_t)n < v[i].iov_len ? (size_t)n : v[i].iov_len;
			v[i].iov_base = (uint8_t *)v[i].iov_base + k;
			v[i].iov_len -= k;
			n -= (ssize_t)k;
			if (v[i].iov_len == 0)
				i++;
		}
	}
	return 0;
}

static int raw_readv(struct blk_backend *be, const struct iovec *iov, int cnt, uint64_t off)
{
	return raw_rw(to_raw(be), iov, cnt, off, false);
}

static int raw_writev(struct blk_backend *be, const struct iovec *iov, int cnt, uint64_t off)
{
	if (be->read_only)
		return -EROFS;
	return raw_rw(to_raw(be), iov, cnt, off, true);
}

static int raw_flush(struct blk_backend *be)
{
	if (be->read_only)
		return 0;
	return fdatasync(to_raw(be)->fd) < 0 ? -errno : 0;
}

static int raw_discard(struct blk_backend *be, uint64_t off, uint64_t len)
{
	if (be->read_only)
		return -EROFS;
	if (fallocate(to_raw(be)->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) < 0)
		return -errno;
	return 0;
}

static int raw_write_zeroes(struct blk_backend *be, uint64_t off, uint64_t len)
{
	if (be->read_only)
		return -EROFS;
	struct blk_raw *r = to_raw(be);
	if (fallocate(r->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	static const uint8_t zero[4096];
	while (len) {
		size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
		struct iovec v = { (void *)zero, n };
		int rc = raw_rw(r, &v, 1, off, true);
		if (rc < 0)
			return rc;
		off += n;
		len -= n;
	}
	return 0;
}

static void raw_destroy(struct blk_backend *be)
{
	struct blk_raw *r = to_raw(be);
	close(r->fd);
	free(r);
}

static const struct blk_backend_ops raw_ops = {
	.readv = raw_readv,
	.writev = raw_writev,
	.flush = raw_flush,
	.discard = raw_discard,
	.write_zeroes = raw_write_zeroes,
	.destroy = raw_destroy,
};

int blk_raw_open(const char *path, bool read_only, struct blk_backend **out)
{
	int rc;
	int fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	uint64_t size;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out_close;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
			rc = -errno;
			goto out_close;
		}
	} else if (S_ISREG(st.st_mode)) {
		size = (uint64_t)st.st_size;
	} else {
		rc = -EINVAL;
		goto out_close;
	}
	struct blk_raw *r = calloc(1, sizeof(*r));
	if (!r) {
		rc = -ENOMEM;
		goto out_close;
	}
	r->fd = fd;
	r->be.ops = &raw_ops;
	r->be.size = size & ~511ull;
	r->be.read_only = read_only;
	char id[21] = { 0 };
	snprintf(id, sizeof(id), "domus-%llx-%llx", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	memcpy(r->be.id, id, sizeof(r->be.id));
	*out = &r->be;
	return 0;
out_close:
	close(fd);
	return rc;
}

void blk_backend_destroy(struct blk_backend *be)
{
	if (be)
		be->ops->destroy(be);
}
