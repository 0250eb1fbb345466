/*
 * virtio-net through the in-process hub between guests on separate buses
 * (delivery, MAC learning, backlog while no receive buffer is posted,
 * oversized frames, two vCPU-like threads sending at once), and through a
 * real TAP device inside a private network namespace when the process may
 * create one (skipped cleanly otherwise).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "vdrv.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_mmio.h"

#define QSZ 64
#define RXBUF (VIRTIO_NET_HDR_LEN + 1514)
#define ETYPE 0x88b5	/* IEEE local experimental */

static const uint64_t WANT = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
			     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |
			     VIRTIO_BIT(VIRTIO_NET_F_STATUS);

struct nic {
	struct vt_machine m;
	struct vt_dev v;
	uint8_t mac[6];
	uint64_t rxbufs[QSZ];
	uint64_t txbuf;
};

static int nic_up(struct nic *n, uint8_t id, struct net_backend *be)
{
	uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, id };
	memcpy(n->mac, mac, 6);
	struct virtio_dev *dev;
	int rc = vt_machine_init(&n->m, 8 << 20);
	if (rc < 0)
		return rc;
	rc = virtio_net_create(mac, be, &dev);
	if (rc < 0)
		return rc;
	rc = vt_dev_setup(&n->v, &n->m, VT_MMIO_BASE, dev, WANT, 2, QSZ);
	for (int i = 0; i < QSZ; i++)
		n->rxbufs[i] = vt_alloc(&n->m, RXBUF, 16);
	n->txbuf = vt_alloc(&n->m, VIRTIO_NET_HDR_LEN + NET_FRAME_MAX, 16);
	return rc;
}

static void nic_down(struct nic *n)
{
	vt_dev_destroy(&n->v);
	vt_machine_fini(&n->m);
}

/* Posts receive buffer i. */
static void nic_post_rx(struct nic *n, int i, uint32_t len)
{
	struct vt_buf b = { n->rxbufs[i % QSZ], len, true };
	vt_submit(&n->v, 0, &b, 1, false);
}

static size_t make_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint32_t seq, size_t payload)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = ETYPE >> 8;
	f[13] = ETYPE & 0xff;
	for (size_t i = 0; i < payload; i++)
		f[14 + i] = (uint8_t)(seq + i);
	memcpy(f + 14, &seq, 4);
	return 14 + payload;
}

/* Sends one frame from n (header + frame in one buffer). */
static void nic_send(struct nic *n, const uint8_t *dst, uint32_t seq, size_t payload)
{
	uint8_t *p = vt_ptr(&n->m, n->txbuf);
	memset(p, 0, VIRTIO_NET_HDR_LEN);
	size_t len = make_frame(p + VIRTIO_NET_HDR_LEN, dst, n->mac, seq, payload);
	struct vt_buf b = { n->txbuf, (uint32_t)(VIRTIO_NET_HDR_LEN + len), false };
	vt_submit(&n->v, 1, &b, 1, false);
	vt_kick(&n->v, 1);
	uint32_t id, l;
	while (vt_get_used(&n->v, 1, &id, &l))
		;
}

static const uint8_t BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void test_hub(void)
{
	struct net_hub *hub;
	struct net_backend *pa, *pb, *pc;
	static struct nic a, b, c;
	if (net_hub_create(&hub) < 0 || net_hub_port(hub, &pa) < 0 || net_hub_port(hub, &pb) < 0 ||
	    net_hub_port(hub, &pc) < 0) {
		VT_CHECK(0, "hub: create");
		return;
	}
	int rc = nic_up(&a, 0xa, pa) | nic_up(&b, 0xb, pb) | nic_up(&c, 0xc, pc);
	VT_CHECK(rc == 0, "hub: three NICs up");
	if (rc)
		return;
	uint8_t cfg[8];
	for (int i = 0; i < 8; i++) {
		uint64_t x;
		bus_load(&a.m.bus, VT_MMIO_BASE + VIRTIO_MMIO_CONFIG + i, 1, &x);
		cfg[i] = (uint8_t)x;
	}
	VT_CHECK(memcmp(cfg, a.mac, 6) == 0 && cfg[6] == VIRTIO_NET_S_LINK_UP &&
		 vt_rd(&a.v, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_NET, "net: MAC and link status in config");

	/* B and C post buffers; A broadcasts: both get it. */
	for (int i = 0; i < 4; i++) {
		nic_post_rx(&b, i, RXBUF);
		nic_post_rx(&c, i, RXBUF);
	}
	vt_kick(&b.v, 0);
	vt_kick(&c.v, 0);
	nic_send(&a, BCAST, 1, 100);
	uint32_t id, len;
	int gb = vt_get_used(&b.v, 0, &id, &len);
	uint8_t *rx = vt_ptr(&b.m, b.rxbufs[id]);
	uint8_t want[200];
	size_t wl = make_frame(want, BCAST, a.mac, 1, 100);
	VT_CHECK(gb && len == VIRTIO_NET_HDR_LEN + wl && rx[10] == 1 && memcmp(rx + VIRTIO_NET_HDR_LEN, want, wl) == 0,
		 "hub: broadcast A -> B intact (len %u)", len);
	VT_CHECK(vt_get_used(&c.v, 0, &id, &len), "hub: broadcast A -> C");

	/* B answers A by unicast; A has no receive buffer yet: backlog. */
	nic_send(&b, a.mac, 2, 60);
	VT_CHECK(!vt_get_used(&a.v, 0, &id, &len), "hub: no buffer, nothing delivered yet");
	nic_post_rx(&a, 0, RXBUF);
	vt_kick(&a.v, 0);
	VT_CHECK(vt_get_used(&a.v, 0, &id, &len) && len == VIRTIO_NET_HDR_LEN + 74,
		 "hub: backlog delivered when the guest posts a buffer");
	VT_CHECK(!vt_get_used(&c.v, 0, &id, &len), "hub: learned unicast B -> A not flooded to C");

	/* Unicast to B (learned): C sees nothing. */
	nic_send(&a, b.mac, 3, 64);
	VT_CHECK(vt_get_used(&b.v, 0, &id, &len) && !vt_get_used(&c.v, 0, &id, &len),
		 "hub: unicast A -> B only");

	/* A frame larger than the posted buffer is dropped, the buffer kept. */
	nic_post_rx(&a, 1, 100);
	vt_kick(&a.v, 0);
	nic_send(&b, a.mac, 4, 500);
	VT_CHECK(!vt_get_used(&a.v, 0, &id, &len), "hub: oversized frame dropped");
	nic_send(&b, a.mac, 5, 50);
	VT_CHECK(vt_get_used(&a.v, 0, &id, &len) && len == VIRTIO_NET_HDR_LEN + 64,
		 "hub: small buffer still used for a fitting frame");
	VT_CHECK(!(vt_status(&a.v) & VIRTIO_STATUS_NEEDS_RESET) && !(vt_status(&b.v) & VIRTIO_STATUS_NEEDS_RESET),
		 "hub: devices healthy");

	/* Garbage in the receive ring is reported at the driver's kick, even
	 * with no frame arriving to consume it. */
	{
		struct vt_buf g = { 0x1000, 64, true };	/* below RAM */
		vt_submit(&c.v, 0, &g, 1, false);
		vt_kick(&c.v, 0);
		VT_CHECK(vt_status(&c.v) & VIRTIO_STATUS_NEEDS_RESET, "net: garbage RX ring -> NEEDS_RESET at kick");
		nic_send(&a, BCAST, 9, 60);	/* C is down now: frames to it are dropped */
		VT_CHECK(!(vt_status(&a.v) & VIRTIO_STATUS_NEEDS_RESET), "net: other NICs unaffected");
	}
	/* A runt TX chain (shorter than the header) is consumed and dropped. */
	{
		struct vt_buf t = { a.txbuf, 4, false };
		vt_submit(&a.v, 1, &t, 1, false);
		vt_kick(&a.v, 1);
		VT_CHECK(vt_get_used(&a.v, 1, &id, &len) && !(vt_status(&a.v) & VIRTIO_STATUS_NEEDS_RESET),
			 "net: runt TX frame dropped");
	}
	nic_down(&a);
	nic_down(&b);
	nic_down(&c);
	net_hub_destroy(hub);
}

/* Two "vCPUs" sending to each other at the same time. */
struct pingpong {
	struct nic *self, *peer;
	pthread_barrier_t *start;
	atomic_int *done;
	int sent, got;
};

static int pp_receive(struct pingpong *pp, uint16_t *posted)
{
	struct nic *n = pp->self;
	uint32_t id, len;
	int fresh = 0;
	while (vt_get_used(&n->v, 0, &id, &len)) {
		pp->got++;
		nic_post_rx(n, (*posted)++, RXBUF);
		fresh++;
	}
	if (fresh)
		vt_kick(&n->v, 0);
	return fresh;
}

static void *pp_thread(void *arg)
{
	struct pingpong *pp = arg;
	struct nic *n = pp->self;
	uint16_t posted = 0;
	for (; posted < QSZ / 2; posted++)
		nic_post_rx(n, posted, RXBUF);
	vt_kick(&n->v, 0);
	pthread_barrier_wait(pp->start);
	for (int i = 0; i < 2000; i++) {
		nic_send(n, pp->peer->mac, (uint32_t)i, 200);
		pp->sent++;
		pp_receive(pp, &posted);
		if (i % 16 == 0)
			sched_yield();
	}
	atomic_fetch_add(pp->done, 1);
	/* Keep receiving until both sides are done and the wire is quiet. */
	for (int quiet = 0, t = 0; quiet < 50 && t < 3000; t++) {
		if (pp_receive(pp, &posted) || atomic_load(pp->done) < 2)
			quiet = 0;
		else
			quiet++;
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	}
	return NULL;
}

static void test_threads(void)
{
	struct net_hub *hub;
	struct net_backend *pa, *pb;
	static struct nic a, b;
	if (net_hub_create(&hub) < 0 || net_hub_port(hub, &pa) < 0 || net_hub_port(hub, &pb) < 0 ||
	    nic_up(&a, 1, pa) < 0 || nic_up(&b, 2, pb) < 0) {
		VT_CHECK(0, "threads: setup");
		return;
	}
	pthread_barrier_t start;
	atomic_int done = 0;
	pthread_barrier_init(&start, NULL, 2);
	struct pingpong x = { &a, &b, &start, &done, 0, 0 }, y = { &b, &a, &start, &done, 0, 0 };
	pthread_t ta, tb;
	pthread_create(&ta, NULL, pp_thread, &x);
	pthread_create(&tb, NULL, pp_thread, &y);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	/* Drops are allowed (full rings, bounded backlog), but each side must
	 * have recycled buffers: more than the 32 it posted first. */
	VT_CHECK(x.sent == 2000 && y.sent == 2000 && x.got > QSZ / 2 && y.got > QSZ / 2 &&
		 !(vt_status(&a.v) & VIRTIO_STATUS_NEEDS_RESET),
		 "hub: concurrent senders finish, frames flow both ways (%d / %d received)", x.got, y.got);
	nic_down(&a);
	nic_down(&b);
	net_hub_destroy(hub);
}

static int if_up(const char *name)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0)
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return rc;
}

static void test_tap(void)
{
	if (unshare(CLONE_NEWNET) < 0) {
		printf("ok - tap: skipped, no private network namespace (%s) # SKIP\n", strerror(errno));
		return;
	}
	struct net_backend *be;
	char name[IFNAMSIZ];
	int rc = net_tap_open("dtap0", name, &be);
	if (rc < 0) {
		printf("ok - tap: skipped, /dev/net/tun unusable (%s) # SKIP\n", strerror(-rc));
		return;
	}
	static struct nic a;
	rc = nic_up(&a, 0x7, be);
	VT_CHECK(rc == 0 && strcmp(name, "dtap0") == 0 && if_up(name) == 0, "tap: NIC on dtap0 up");
	int ps = socket(AF_PACKET, SOCK_RAW, htons(ETYPE));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETYPE),
				   .sll_ifindex = (int)if_nametoindex(name) };
	if (ps < 0 || bind(ps, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		VT_CHECK(0, "tap: packet socket (%s)", strerror(errno));
		return;
	}
	/* Guest -> host. */
	nic_send(&a, BCAST, 42, 300);
	struct pollfd p = { ps, POLLIN, 0 };
	uint8_t buf[2048], want[2048];
	size_t wl = make_frame(want, BCAST, a.mac, 42, 300);
	ssize_t n = poll(&p, 1, 2000) == 1 ? recv(ps, buf, sizeof(buf), 0) : -1;
	VT_CHECK(n == (ssize_t)wl && memcmp(buf, want, wl) == 0, "tap: guest frame reaches the host (%zd bytes)", n);

	/* Host -> guest: skip the kernel's own chatter (IPv6 RS etc.). */
	for (int i = 0; i < 8; i++)
		nic_post_rx(&a, i, RXBUF);
	vt_kick(&a.v, 0);
	uint8_t hmac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	wl = make_frame(want, a.mac, hmac, 77, 200);
	n = send(ps, want, wl, 0);
	int found = 0;
	for (int t = 0; t < 8 && !found; t++) {
		uint32_t id, len;
		if (!vt_wait_used(&a.v, 0, &id, &len, 2000))
			break;
		uint8_t *rx = vt_ptr(&a.m, a.rxbufs[id]);
		found = len == VIRTIO_NET_HDR_LEN + wl && memcmp(rx + VIRTIO_NET_HDR_LEN, want, wl) == 0;
	}
	VT_CHECK(n == (ssize_t)wl && found, "tap: host frame reaches the guest");
	close(ps);
	nic_down(&a);
}

int main(void)
{
	test_hub();
	test_threads();
	test_tap();
	return vt_failures ? 1 : 0;
}
