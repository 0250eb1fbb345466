/*
 * Two Linux guests in one process (the `make guest` kernel + initramfs),
 * each with a virtio-net NIC on one in-process hub and a virtio-balloon:
 * guest 1 fetches a page from guest 0's busybox httpd across the hub, and
 * the toolstack-side balloon API inflates guest 0 by 64 MiB and deflates it
 * again, with Linux's own drivers doing the guest side. Skipped without the
 * guest images. Environment: B (build dir; images in $B/guest or
 * $B/../guest).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "board/machine.h"
#include "virtio/virtio.h"
#include "virtio/virtio_devs.h"

static int failures;
#define CHECK(cond, ...) do { \
	if (cond) printf("ok - "); else { printf("not ok - "); failures++; } \
	printf(__VA_ARGS__); printf("\n"); fflush(stdout); } while (0)

#define CONBUF (1 << 20)

struct guest {
	struct machine *m;
	struct virtio_dev *balloon;
	pthread_t thread;
	int exit;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	char *out;			/* console transcript */
	size_t len, pos;		/* pos: expect() searches from here */
};

static void con_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct guest *g = opaque;
	pthread_mutex_lock(&g->lock);
	if (len > CONBUF - 1 - g->len)
		len = CONBUF - 1 - g->len;	/* full: later output is lost */
	memcpy(g->out + g->len, buf, len);
	g->len += len;
	g->out[g->len] = 0;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

static int expect(struct guest *g, const char *pat, int seconds)
{
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += seconds;
	int found = 0;
	pthread_mutex_lock(&g->lock);
	for (;;) {
		char *p = strstr(g->out + g->pos, pat);
		if (p) {
			g->pos = (size_t)(p - g->out) + strlen(pat);
			found = 1;
			break;
		}
		if (pthread_cond_timedwait(&g->cond, &g->lock, &dl) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&g->lock);
	return found;
}

static void type(struct guest *g, const char *s)
{
	machine_console_input(g->m, (const uint8_t *)s, strlen(s));
}

/* Runs a shell command; waits for its end marker. */
static int sh(struct guest *g, const char *cmd, int seconds)
{
	char line[512];
	snprintf(line, sizeof(line), "%s; echo @@E\"\"ND@@\n", cmd);
	type(g, line);
	return expect(g, "@@END@@", seconds);
}

static void *run_thread(void *arg)
{
	struct guest *g = arg;
	g->exit = machine_run(g->m);
	return NULL;
}

static const char *guest_dir(void)
{
	static char dir[4096];
	const char *b = getenv("B") ? getenv("B") : "build";
	snprintf(dir, sizeof(dir), "%s/guest", b);
	char img[4200];
	snprintf(img, sizeof(img), "%s/Image", dir);
	if (access(img, R_OK) == 0)
		return dir;
	snprintf(dir, sizeof(dir), "%s/../guest", b);
	snprintf(img, sizeof(img), "%s/Image", dir);
	return access(img, R_OK) == 0 ? dir : NULL;
}

int main(void)
{
	const char *gd = guest_dir();
	if (!gd) {
		printf("ok - linux pair: skipped, no guest images (make guest) # SKIP\n");
		return 0;
	}
	char kernel[4200], initrd[4200];
	snprintf(kernel, sizeof(kernel), "%s/Image", gd);
	snprintf(initrd, sizeof(initrd), "%s/initramfs.cpio.gz", gd);
	struct net_hub *hub;
	if (net_hub_create(&hub) < 0)
		return 1;
	static struct guest g[2];
	for (int i = 0; i < 2; i++) {
		struct guest *x = &g[i];
		pthread_mutex_init(&x->lock, NULL);
		pthread_cond_init(&x->cond, NULL);
		x->out = calloc(1, CONBUF);
		struct machine_config cfg = {
			.ram_size = 256ull << 20, .nr_harts = 1, .kernel = kernel, .initrd = initrd,
			.append = "console=ttyS0", .detect_panic = true,
			.console = { .write = con_write, .opaque = x },
		};
		struct net_backend *port;
		struct virtio_dev *nic;
		uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, (uint8_t)(i + 1) };
		int rc = machine_create(&cfg, &x->m);
		if (rc == 0)
			rc = net_hub_port(hub, &port);
		if (rc == 0 && (rc = virtio_net_create(mac, port, &nic)) == 0)
			rc = machine_add_virtio(x->m, nic);
		if (rc == 0 && (rc = virtio_balloon_create(&x->balloon)) == 0)
			rc = machine_add_virtio(x->m, x->balloon);
		if (rc == 0)
			rc = machine_load(x->m, &cfg);
		if (rc == 0)
			rc = -pthread_create(&x->thread, NULL, run_thread, x);
		CHECK(rc == 0, "linux pair: guest %d created (%s)", i, strerror(-rc));
		if (rc)
			return 1;
	}
	for (int i = 0; i < 2; i++)
		CHECK(expect(&g[i], "DOMUS-GUEST-READY", 300) && expect(&g[i], "# ", 60),
		      "linux pair: guest %d ready", i);

	/* Network across the hub: guest 0 serves, guest 1 fetches. */
	sh(&g[0], "ip link set eth0 up && ip addr add 10.9.0.1/24 dev eth0 && mkdir -p /www && "
		  "echo DOMUS-PAIR-OK > /www/index.html && httpd -p 80 -h /www", 60);
	sh(&g[1], "ip link set eth0 up && ip addr add 10.9.0.2/24 dev eth0", 60);
	type(&g[1], "wget -q -O - http://10.9.0.1/ | sed s/PAIR/PA-IR/\n");
	CHECK(expect(&g[1], "DOMUS-PA-IR-OK", 60), "linux pair: HTTP from guest 0 to guest 1 through the hub");

	/* Memory statistics from Linux's balloon driver. */
	uint64_t val[VIRTIO_BALLOON_S_NR];
	uint8_t valid[VIRTIO_BALLOON_S_NR];
	uint64_t n0 = virtio_balloon_stats(g[0].balloon, val, valid);
	int req = virtio_balloon_request_stats(g[0].balloon);
	uint64_t n1 = n0;
	for (int t = 0; t < 300 && n1 == n0; t++) {
		usleep(100000);
		n1 = virtio_balloon_stats(g[0].balloon, val, valid);
	}
	CHECK(req == 0 && n1 > n0 && valid[VIRTIO_BALLOON_S_MEMTOT] &&
	      val[VIRTIO_BALLOON_S_MEMTOT] > (128ull << 20) && val[VIRTIO_BALLOON_S_MEMTOT] <= (256ull << 20),
	      "linux pair: balloon stats from the guest (MemTotal %llu MiB, free %llu MiB)",
	      (unsigned long long)(val[VIRTIO_BALLOON_S_MEMTOT] >> 20),
	      (unsigned long long)(val[VIRTIO_BALLOON_S_MEMFREE] >> 20));

	/* Balloon guest 0 by 64 MiB and back. */
	virtio_balloon_set_target(g[0].balloon, 16384);
	int ok = 0;
	for (int t = 0; t < 600 && !ok; t++) {
		ok = virtio_balloon_actual(g[0].balloon) == 16384;
		usleep(100000);
	}
	CHECK(ok && virtio_balloon_held(g[0].balloon) >= 16384,
	      "linux pair: balloon inflated to 16384 pages (actual %u, held %llu)",
	      virtio_balloon_actual(g[0].balloon), (unsigned long long)virtio_balloon_held(g[0].balloon));
	sh(&g[0], "free -m", 60);
	virtio_balloon_set_target(g[0].balloon, 0);
	ok = 0;
	for (int t = 0; t < 600 && !ok; t++) {
		ok = virtio_balloon_actual(g[0].balloon) == 0;
		usleep(100000);
	}
	CHECK(ok && virtio_balloon_held(g[0].balloon) == 0, "linux pair: balloon deflated (held %llu)",
	      (unsigned long long)virtio_balloon_held(g[0].balloon));

	for (int i = 0; i < 2; i++) {
		type(&g[i], "poweroff\n");
		pthread_join(g[i].thread, NULL);
		CHECK(g[i].exit == MACHINE_EXIT_POWEROFF, "linux pair: guest %d powered off (%d)", i, g[i].exit);
		machine_destroy(g[i].m);
		free(g[i].out);
	}
	net_hub_destroy(hub);
	return failures ? 1 : 0;
}
