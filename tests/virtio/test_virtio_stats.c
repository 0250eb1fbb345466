/*
 * The I/O counters behind xm top (virtio_blk_get_stats, virtio_net_get_stats):
 * driven like a guest driver, a virtio-blk on a temp raw image counts
 * completed reads/writes and their sectors and failed requests; two
 * virtio-net NICs on an in-process hub count frames/bytes sent and
 * received (the guest's view) and drops; a device of the other type reads
 * as zeros.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend/backend.h"
#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

#define IMG_SIZE (1u << 20)
#define QSZ 16
#define RXBUF (VIRTIO_NET_HDR_LEN + 1514)

/* One blk request: header, optional data, status byte. Returns the status. */
static int blk_req(struct vt_dev *v, uint32_t type, uint64_t sector, uint32_t data_len, bool in)
{
	struct vt_machine *m = v->m;
	uint64_t hdr = vt_alloc(m, 16, 16), st = vt_alloc(m, 1, 1);
	uint64_t data = data_len ? vt_alloc(m, data_len, 512) : 0;
	struct { uint32_t type, reserved; uint64_t sector; } h = { type, 0, sector };
	memcpy(vt_ptr(m, hdr), &h, sizeof(h));
	*(uint8_t *)vt_ptr(m, st) = 0xff;
	struct vt_buf b[3];
	unsigned n = 0;
	b[n++] = (struct vt_buf){ hdr, 16, false };
	if (data_len)
		b[n++] = (struct vt_buf){ data, data_len, in };
	b[n++] = (struct vt_buf){ st, 1, true };
	vt_submit(v, 0, b, n, false);
	vt_kick(v, 0);
	uint32_t id, len;
	if (!vt_get_used(v, 0, &id, &len))
		return -1;
	return *(uint8_t *)vt_ptr(m, st);
}

static void test_blk(void)
{
	char path[] = "/tmp/domus-vstat-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, IMG_SIZE) < 0) {
		VT_CHECK(0, "blk-stats: temp image");
		return;
	}
	close(fd);
	struct vt_machine m;
	struct blk_backend *be;
	struct virtio_dev *dev;
	struct vt_dev v;
	uint64_t want = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	if (vt_machine_init(&m, 8 << 20) < 0 || blk_raw_open(path, false, &be) < 0 ||
	    virtio_blk_create(be, &dev) < 0 || vt_dev_setup(&v, &m, VT_MMIO_BASE, dev, want, 1, QSZ) < 0) {
		VT_CHECK(0, "blk-stats: device up");
		unlink(path);
		return;
	}
	struct virtio_blk_stats s;
	virtio_blk_get_stats(dev, &s);
	VT_CHECK(!s.rd_req && !s.wr_req && !s.rd_sect && !s.wr_sect && !s.err_req && !s.oo_req,
		 "blk-stats: a new device counts nothing");
	int st = 0;
	st |= blk_req(&v, VIRTIO_BLK_T_OUT, 0, 2048, false);	/* 4 sectors */
	st |= blk_req(&v, VIRTIO_BLK_T_OUT, 8, 512, false);	/* 1 */
	st |= blk_req(&v, VIRTIO_BLK_T_IN, 0, 4096, true);	/* 8 */
	st |= blk_req(&v, VIRTIO_BLK_T_FLUSH, 0, 0, false);
	VT_CHECK(st == VIRTIO_BLK_S_OK, "blk-stats: requests completed OK");
	int bad = blk_req(&v, VIRTIO_BLK_T_IN, IMG_SIZE / 512, 512, true);	/* past the end */
	VT_CHECK(bad == VIRTIO_BLK_S_IOERR, "blk-stats: out-of-range read fails");
	virtio_blk_get_stats(dev, &s);
	VT_CHECK(s.wr_req == 2 && s.wr_sect == 5, "blk-stats: writes 2 requests / 5 sectors (got %llu / %llu)",
		 (unsigned long long)s.wr_req, (unsigned long long)s.wr_sect);
	VT_CHECK(s.rd_req == 1 && s.rd_sect == 8, "blk-stats: reads 1 request / 8 sectors (got %llu / %llu)",
		 (unsigned long long)s.rd_req, (unsigned long long)s.rd_sect);
	VT_CHECK(s.err_req == 1 && s.oo_req == 0, "blk-stats: 1 failed request, OO 0 (got %llu, %llu)",
		 (unsigned long long)s.err_req, (unsigned long long)s.oo_req);
	struct virtio_net_stats ns;
	memset(&ns, 0xff, sizeof(ns));
	virtio_net_get_stats(dev, &ns);
	VT_CHECK(!ns.tx_pkts && !ns.rx_pkts && !ns.tx_bytes, "stats: net getter on a blk device reads zeros");
	vt_dev_destroy(&v);
	vt_machine_fini(&m);
	unlink(path);
}

struct nic {
	struct vt_machine m;
	struct vt_dev v;
	struct virtio_dev *dev;
	uint8_t mac[6];
	uint64_t txbuf;
};

static int nic_up(struct nic *n, uint8_t id, struct net_backend *be)
{
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x5a, id };
	memcpy(n->mac, mac, 6);
	uint64_t want = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC);
	int rc = vt_machine_init(&n->m, 8 << 20);
	if (rc == 0)
		rc = virtio_net_create(mac, be, &n->dev);
	if (rc == 0)
		rc = vt_dev_setup(&n->v, &n->m, VT_MMIO_BASE, n->dev, want, 2, QSZ);
	n->txbuf = vt_alloc(&n->m, VIRTIO_NET_HDR_LEN + NET_FRAME_MAX, 16);
	return rc;
}

/* Sends a frame of `len` bytes (runt: a chain shorter than the header). */
static void nic_send(struct nic *n, const uint8_t *dst, size_t len, bool runt)
{
	uint8_t *p = vt_ptr(&n->m, n->txbuf);
	memset(p, 0, VIRTIO_NET_HDR_LEN + len);
	memcpy(p + VIRTIO_NET_HDR_LEN, dst, 6);
	memcpy(p + VIRTIO_NET_HDR_LEN + 6, n->mac, 6);
	p[VIRTIO_NET_HDR_LEN + 12] = 0x88;
	p[VIRTIO_NET_HDR_LEN + 13] = 0xb5;
	struct vt_buf b = { n->txbuf, runt ? 4 : (uint32_t)(VIRTIO_NET_HDR_LEN + len), false };
	vt_submit(&n->v, 1, &b, 1, false);
	vt_kick(&n->v, 1);
	uint32_t id, l;
	while (vt_get_used(&n->v, 1, &id, &l))
		;
}

static void test_net(void)
{
	struct net_hub *hub;
	struct net_backend *pa, *pb;
	static struct nic a, b;
	if (net_hub_create(&hub) < 0 || net_hub_port(hub, &pa) < 0 || net_hub_port(hub, &pb) < 0 ||
	    (nic_up(&a, 1, pa) | nic_up(&b, 2, pb))) {
		VT_CHECK(0, "net-stats: two NICs on a hub");
		return;
	}
	for (int i = 0; i < 4; i++) {
		struct vt_buf r = { vt_alloc(&b.m, RXBUF, 16), RXBUF, true };
		vt_submit(&b.v, 0, &r, 1, false);
	}
	struct vt_buf small = { vt_alloc(&b.m, 64, 16), 64, true };	/* too small for 200 bytes */
	vt_submit(&b.v, 0, &small, 1, false);
	vt_kick(&b.v, 0);
	nic_send(&a, b.mac, 100, false);
	nic_send(&a, b.mac, 300, false);
	nic_send(&a, b.mac, 60, false);
	nic_send(&a, b.mac, 0, true);
	struct virtio_net_stats sa, sb;
	virtio_net_get_stats(a.dev, &sa);
	virtio_net_get_stats(b.dev, &sb);
	VT_CHECK(sa.tx_pkts == 3 && sa.tx_bytes == 460 && sa.tx_drop == 1,
		 "net-stats: A sent 3 frames / 460 bytes, 1 runt dropped (got %llu / %llu / %llu)",
		 (unsigned long long)sa.tx_pkts, (unsigned long long)sa.tx_bytes, (unsigned long long)sa.tx_drop);
	VT_CHECK(sb.rx_pkts == 3 && sb.rx_bytes == 460,
		 "net-stats: B received 3 frames / 460 bytes (got %llu / %llu)",
		 (unsigned long long)sb.rx_pkts, (unsigned long long)sb.rx_bytes);
	VT_CHECK(sa.rx_pkts == 0 && sb.tx_pkts == 0, "net-stats: nothing the other way");
	/* fill B's big buffers; the next frame meets the 64-byte buffer */
	nic_send(&a, b.mac, 100, false);
	nic_send(&a, b.mac, 200, false);
	virtio_net_get_stats(b.dev, &sb);
	VT_CHECK(sb.rx_pkts == 4 && sb.rx_drop >= 1,
		 "net-stats: a frame larger than the posted buffer counts as an RX drop (rx %llu drop %llu)",
		 (unsigned long long)sb.rx_pkts, (unsigned long long)sb.rx_drop);
	struct virtio_blk_stats bs;
	memset(&bs, 0xff, sizeof(bs));
	virtio_blk_get_stats(a.dev, &bs);
	VT_CHECK(!bs.rd_req && !bs.wr_req && !bs.oo_req, "stats: blk getter on a net device reads zeros");
	vt_dev_destroy(&a.v);
	vt_dev_destroy(&b.v);
	vt_machine_fini(&a.m);
	vt_machine_fini(&b.m);
	net_hub_destroy(hub);
}

int main(void)
{
	test_blk();
	test_net();
	return vt_failures ? 1 : 0;
}
