/*
 * xend core: domains (one struct machine each, run by a runner thread that
 * applies on_poweroff/on_reboot/on_crash), Domain-0, the Xen XenStore
 * layout kept through the xenstored we start, managed domains on disk, the
 * control socket (proto.h), console viewers, the log and the message ring.
 *
 * Locking: x->lock guards the domain list, every domain's state and the
 * XenStore handle. A domain's console (viewers, ring, log fd) has its own
 * lock because vCPU threads write to it.
 */
#include "toolstack/xend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "board/machine.h"
#include "toolstack/config.h"
#include "toolstack/proto.h"
#include "virtio/virtio_devs.h"
#include "xenstore/xs_client.h"
#include "xenstore/xs_wire.h"

#define MAX_VIEWERS 8
#define CON_RING 16384
#define MSG_RING 65536

enum dstate { DS_RUNNING, DS_SHUTDOWN, DS_CRASHED, DS_DEAD };

struct xend;

struct domain {
	struct xend *x;
	struct domain *next;
	unsigned id;
	char name[80];
	char uuid[37];
	struct domain_config cfg;	/* cfg.memory_mib: the current balloon
					 * target; cfg.maxmem_mib: mem-max */
	uint64_t ram_mib;		/* RAM the running instance was built with */
	struct machine *m;
	pthread_t thread;
	bool thread_started;
	enum dstate state;
	bool destroy_req;
	bool paused;			/* by xm pause / create -p (boolean, as
					 * Xen's pause by the system controller) */
	struct timespec started;	/* this instance */
	double start_wall;
	/* console */
	pthread_mutex_t con_lock;
	int log_fd;
	int pty_master, pty_slave;	/* the domain's pty; xend keeps the slave
					 * open so the master never reports HUP */
	char pty_path[64];
	int viewers[MAX_VIEWERS];
	char ring[CON_RING];
	size_t ring_len;
};

struct xend {
	char state[PATH_MAX / 2];
	char sock_path[PATH_MAX], pid_path[PATH_MAX], xs_sock[PATH_MAX];
	int listen_fd, lock_fd, log_fd, sig_fd;
	pthread_mutex_t lock;
	pthread_mutex_t log_lock;
	struct domain *doms;
	unsigned next_domid;
	uint64_t dom0_mem_mib, guest_mem_mib;
	unsigned pcpus;
	char network_script[256], reloc_hosts[256];
	unsigned reloc_port;
	char xenstored[PATH_MAX];
	struct xs_handle *xs;
	pid_t xs_pid;
	char ring[MSG_RING];
	size_t ring_len;
	time_t boot;
};

/* ---- logging ---- */

static void xlog(struct xend *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void xlog(struct xend *x, const char *fmt, ...)
{
	char line[1024], ts[40];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S", &tm);
	int n = snprintf(line, sizeof(line), "[%s %d] ", ts, (int)getpid());
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	size_t l = strlen(line);
	line[l++] = '\n';
	pthread_mutex_lock(&x->log_lock);
	if (x->log_fd >= 0 && write(x->log_fd, line, l) < 0) {
		/* nowhere left to report it */
	}
	/* message ring: drop the oldest half when full */
	if (x->ring_len + l > MSG_RING) {
		size_t drop = x->ring_len / 2 + l;
		if (drop > x->ring_len)
			drop = x->ring_len;
		memmove(x->ring, x->ring + drop, x->ring_len - drop);
		x->ring_len -= drop;
	}
	if (l <= MSG_RING - x->ring_len) {
		memcpy(x->ring + x->ring_len, line, l);
		x->ring_len += l;
	}
	pthread_mutex_unlock(&x->log_lock);
}

/* ---- text buffer for replies ---- */

struct obuf {
	char *b;
	size_t len;
	FILE *f;
};

static int ob_open(struct obuf *o)
{
	o->b = NULL;
	o->len = 0;
	o->f = open_memstream(&o->b, &o->len);
	return o->f ? 0 : -ENOMEM;
}

static void ob_close(struct obuf *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
}

/* ---- XenStore ---- */

static void xsw(struct xend *x, const char *val, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void xsw(struct xend *x, const char *val, const char *fmt, ...)
{
	char path[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	if (x->xs && xs_write(x->xs, XS_NO_TXN, path, val, strlen(val)) < 0)
		xlog(x, "xenstore: write %s failed", path);
}

static void xs_owner(struct xend *x, unsigned owner, unsigned reader, const char *path)
{
	struct xs_perm p[2] = { { owner, 0 }, { reader, 0 } };
	char s[16];
	if (!x->xs)
		return;
	snprintf(s, sizeof(s), "n%u", owner);
	xs_perm_parse(s, &p[0]);
	snprintf(s, sizeof(s), "r%u", reader);
	xs_perm_parse(s, &p[1]);
	xs_set_perms(x->xs, XS_NO_TXN, path, p, owner == reader ? 1 : 2);
}

/* Xen's virtual device numbers: xvdX 202, hdX 3/22, sdX 8. */
static unsigned vbd_devid(const char *vdev, unsigned idx)
{
	size_t n = strlen(vdev);
	char c = n ? vdev[n - 1] : 0;
	if (c < 'a' || c > 'z')
		return 51712 + idx * 16;
	unsigned d = c - 'a';
	if (!strncmp(vdev, "xvd", 3) && n == 4)
		return (202 << 8) | (d << 4);
	if (!strncmp(vdev, "sd", 2) && n == 3)
		return (8 << 8) | (d << 4);
	if (!strncmp(vdev, "hd", 2) && n == 3 && d < 4)
		return ((d < 2 ? 3 : 22) << 8) | ((d & 1) << 6);
	return 51712 + idx * 16;
}

static void xs_domain_write(struct xend *x, struct domain *d)
{
	char v[512], dp[64], vm[64];
	struct domain_config *c = &d->cfg;

	if (!x->xs)
		return;
	snprintf(dp, sizeof(dp), "/local/domain/%u", d->id);
	snprintf(vm, sizeof(vm), "/vm/%s", d->uuid);
	/* the domain owns its subtree (children inherit), Domain-0 keeps
	 * /vm and the backends, which the domain may read */
	xs_mkdir(x->xs, XS_NO_TXN, dp);
	xs_owner(x, d->id, d->id, dp);
	xs_mkdir(x->xs, XS_NO_TXN, vm);
	xs_owner(x, 0, d->id, vm);
	xsw(x, d->name, "%s/name", dp);
	snprintf(v, sizeof(v), "%u", d->id);
	xsw(x, v, "%s/domid", dp);
	xsw(x, vm, "%s/vm", dp);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->memory_mib * 1024);
	xsw(x, v, "%s/memory/target", dp);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->maxmem_mib * 1024);
	xsw(x, v, "%s/memory/static-max", dp);
	for (unsigned k = 0; k < c->vcpus; k++)
		xsw(x, "online", "%s/cpu/%u/availability", dp, k);
	xsw(x, "xenconsoled", "%s/console/type", dp);
	if (d->pty_path[0])
		xsw(x, d->pty_path, "%s/console/tty", dp);
	xsw(x, "1048576", "%s/console/limit", dp);
	snprintf(v, sizeof(v), "/local/domain/0/backend/console/%u/0", d->id);
	xsw(x, v, "%s/console/backend", dp);
	xsw(x, "0", "%s/console/backend-id", dp);
	xsw(x, "", "%s/control/shutdown", dp);
	xsw(x, "1", "%s/control/platform-feature-multiprocessor-suspend", dp);
	xsw(x, "", "%s/data", dp);
	/* console backend */
	snprintf(v, sizeof(v), "%s/console", dp);
	xsw(x, v, "/local/domain/0/backend/console/%u/0/frontend", d->id);
	snprintf(v, sizeof(v), "%u", d->id);
	xsw(x, v, "/local/domain/0/backend/console/%u/0/frontend-id", d->id);
	xsw(x, "4", "/local/domain/0/backend/console/%u/0/state", d->id);
	xsw(x, "ioemu", "/local/domain/0/backend/console/%u/0/protocol", d->id);
	for (unsigned k = 0; k < c->nr_disks; k++) {
		const struct cfg_disk *dk = &c->disks[k];
		unsigned devid = vbd_devid(dk->vdev, k);
		char fe[96], be[96];
		snprintf(fe, sizeof(fe), "%s/device/vbd/%u", dp, devid);
		snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u/%u", d->id, devid);
		xsw(x, be, "%s/backend", fe);
		xsw(x, "0", "%s/backend-id", fe);
		xsw(x, "4", "%s/state", fe);
		snprintf(v, sizeof(v), "%u", devid);
		xsw(x, v, "%s/virtual-device", fe);
		xsw(x, dk->cdrom ? "cdrom" : "disk", "%s/device-type", fe);
		xsw(x, fe, "%s/frontend", be);
		snprintf(v, sizeof(v), "%u", d->id);
		xsw(x, v, "%s/frontend-id", be);
		xsw(x, dk->target ? dk->target : "", "%s/params", be);
		xsw(x, dk->readonly ? "r" : "w", "%s/mode", be);
		xsw(x, dk->backendtype[0] ? dk->backendtype : "file", "%s/type", be);
		xsw(x, dk->vdev, "%s/dev", be);
		xsw(x, "4", "%s/state", be);
		xsw(x, "1", "%s/online", be);
		xs_owner(x, 0, d->id, be);
	}
	for (unsigned k = 0; k < c->nr_vifs; k++) {
		const struct cfg_vif *vf = &c->vifs[k];
		char fe[96], be[96], mac[18];
		snprintf(fe, sizeof(fe), "%s/device/vif/%u", dp, k);
		snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u/%u", d->id, k);
		if (vf->mac[0])
			snprintf(mac, sizeof(mac), "%s", vf->mac);
		else
			snprintf(mac, sizeof(mac), "00:16:3e:%02x:%02x:%02x", d->id & 0x7f, (d->id >> 7) & 0xff, k & 0xff);
		xsw(x, be, "%s/backend", fe);
		xsw(x, "0", "%s/backend-id", fe);
		xsw(x, "4", "%s/state", fe);
		snprintf(v, sizeof(v), "%u", k);
		xsw(x, v, "%s/handle", fe);
		xsw(x, mac, "%s/mac", fe);
		xsw(x, fe, "%s/frontend", be);
		snprintf(v, sizeof(v), "%u", d->id);
		xsw(x, v, "%s/frontend-id", be);
		xsw(x, mac, "%s/mac", be);
		xsw(x, vf->bridge ? vf->bridge : "xenbr0", "%s/bridge", be);
		xsw(x, vf->script ? vf->script : x->network_script, "%s/script", be);
		if (vf->ip)
			xsw(x, vf->ip, "%s/ip", be);
		if (vf->vifname)
			xsw(x, vf->vifname, "%s/vifname", be);
		if (vf->rate)
			xsw(x, vf->rate, "%s/rate", be);
		xsw(x, "4", "%s/state", be);
		xsw(x, "1", "%s/online", be);
		xs_owner(x, 0, d->id, be);
	}
	/* /vm/<uuid> */
	xsw(x, d->name, "%s/name", vm);
	xsw(x, d->uuid, "%s/uuid", vm);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->memory_mib);
	xsw(x, v, "%s/memory", vm);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)c->maxmem_mib);
	xsw(x, v, "%s/maxmem", vm);
	snprintf(v, sizeof(v), "%u", c->vcpus);
	xsw(x, v, "%s/vcpus", vm);
	xsw(x, v, "%s/vcpu_avail", vm);
	xsw(x, cfg_action_name(c->on_poweroff), "%s/on_poweroff", vm);
	xsw(x, cfg_action_name(c->on_reboot), "%s/on_reboot", vm);
	xsw(x, cfg_action_name(c->on_crash), "%s/on_crash", vm);
	snprintf(v, sizeof(v), "%.2f", d->start_wall);
	xsw(x, v, "%s/start_time", vm);
	xsw(x, c->kernel ? c->kernel : "", "%s/image/kernel", vm);
	if (c->ramdisk)
		xsw(x, c->ramdisk, "%s/image/ramdisk", vm);
	if (c->cmdline)
		xsw(x, c->cmdline, "%s/image/cmdline", vm);
	if (xs_introduce(x->xs, d->id, 0, 0) < 0)
		xlog(x, "xenstore: introduce of domain %u failed", d->id);
}

static void xs_domain_remove(struct xend *x, struct domain *d, bool keep_vm)
{
	char p[96];
	if (!x->xs)
		return;
	xs_release(x->xs, d->id);
	snprintf(p, sizeof(p), "/local/domain/%u", d->id);
	xs_rm(x->xs, XS_NO_TXN, p);
	const char *kinds[] = { "vbd", "vif", "console" };
	for (unsigned k = 0; k < 3; k++) {
		snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u", kinds[k], d->id);
		xs_rm(x->xs, XS_NO_TXN, p);
	}
	if (!keep_vm) {
		snprintf(p, sizeof(p), "/vm/%s", d->uuid);
		xs_rm(x->xs, XS_NO_TXN, p);
	}
}

/* ---- consoles ---- */

static void con_write(void *opaque, const uint8_t *buf, size_t len)
{
	struct domain *d = opaque;

	pthread_mutex_lock(&d->con_lock);
	if (d->log_fd >= 0 && write(d->log_fd, buf, len) < 0) {
		/* a full disk must not stop the guest */
	}
	if (len >= CON_RING) {
		memcpy(d->ring, buf + len - CON_RING, CON_RING);
		d->ring_len = CON_RING;
	} else {
		if (d->ring_len + len > CON_RING) {
			size_t drop = d->ring_len + len - CON_RING;
			memmove(d->ring, d->ring + drop, d->ring_len - drop);
			d->ring_len -= drop;
		}
		memcpy(d->ring + d->ring_len, buf, len);
		d->ring_len += len;
	}
	if (d->pty_master >= 0 && write(d->pty_master, buf, len) < 0) {
		/* nobody reads the pty: its buffer keeps the latest output */
	}
	for (unsigned k = 0; k < MAX_VIEWERS; k++) {
		if (d->viewers[k] < 0)
			continue;
		/* slow viewers lose output rather than stall the vCPU */
		if (send(d->viewers[k], buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EWOULDBLOCK) {
			close(d->viewers[k]);
			d->viewers[k] = -1;
		}
	}
	pthread_mutex_unlock(&d->con_lock);
}

static void con_close_viewers(struct domain *d)
{
	pthread_mutex_lock(&d->con_lock);
	for (unsigned k = 0; k < MAX_VIEWERS; k++)
		if (d->viewers[k] >= 0) {
			close(d->viewers[k]);
			d->viewers[k] = -1;
		}
	pthread_mutex_unlock(&d->con_lock);
}

/* A raw pty for the domain's console (its path goes to console/tty). */
static void pty_open(struct domain *d)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (m < 0)
		return;
	const char *name = NULL;
	if (grantpt(m) || unlockpt(m) || !(name = ptsname(m)) ||
	    strlen(name) >= sizeof(d->pty_path)) {
		close(m);
		return;
	}
	int sl = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (sl < 0) {
		close(m);
		return;
	}
	struct termios t;
	if (tcgetattr(sl, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(sl, TCSANOW, &t);
	}
	snprintf(d->pty_path, sizeof(d->pty_path), "%s", name);
	chmod(name, 0600);
	d->pty_master = m;
	d->pty_slave = sl;
}

/* ---- domains ---- */

static double now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double since(const struct timespec *t)
{
	struct timespec n;
	clock_gettime(CLOCK_MONOTONIC, &n);
	return (n.tv_sec - t->tv_sec) + (n.tv_nsec - t->tv_nsec) / 1e9;
}

static void uuid_random(char out[37])
{
	uint8_t b[16] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, b, sizeof(b)) != sizeof(b))
			memset(b, 0x5a, sizeof(b));
		close(fd);
	}
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

/* Creates and loads d->m from d->cfg. Under x->lock. */
static int domain_build(struct domain *d)
{
	struct domain_config *c = &d->cfg;
	/* The machine gets maxmem of RAM; the balloon holds the rest. */
	struct machine_config mc = {
		.ram_size = c->maxmem_mib << 20,
		.nr_harts = c->vcpus,
		.kernel = c->kernel, .initrd = c->ramdisk, .append = c->cmdline,
		.bios = c->firmware, .detect_panic = true,
		.console = { .write = con_write, .opaque = d },
	};
	struct machine *m = NULL;
	struct virtio_dev *dev;
	int r;

	if ((r = machine_create(&mc, &m)) < 0)
		return r;
	for (unsigned k = 0; k < c->nr_disks; k++) {
		struct blk_backend *be;
		if (!c->disks[k].target || !*c->disks[k].target)
			continue;	/* empty cdrom drive */
		if ((r = blk_raw_open(c->disks[k].target, c->disks[k].readonly, &be)) < 0)
			goto fail;
		if ((r = virtio_blk_create(be, &dev)) < 0) {
			blk_backend_destroy(be);
			goto fail;
		}
		if ((r = machine_add_virtio(m, dev)) < 0)
			goto fail;
	}
	if ((r = virtio_rng_create(&dev)) < 0 || (r = machine_add_virtio(m, dev)) < 0)
		goto fail;
	if ((r = machine_add_balloon(m, (c->maxmem_mib - c->memory_mib) << 20)) < 0)
		goto fail;
	if ((r = machine_load(m, &mc)) < 0)
		goto fail;
	d->m = m;
	d->ram_mib = c->maxmem_mib;
	clock_gettime(CLOCK_MONOTONIC, &d->started);
	d->start_wall = now_wall();
	return 0;
fail:
	machine_destroy(m);
	return r;
}

static void *domain_thread(void *arg)
{
	struct domain *d = arg;
	struct xend *x = d->x;

	for (;;) {
		enum machine_exit e = machine_run(d->m);
		pthread_mutex_lock(&x->lock);
		machine_destroy(d->m);
		d->m = NULL;
		enum cfg_action act;
		const char *why;
		switch (e) {
		case MACHINE_EXIT_POWEROFF: act = d->cfg.on_poweroff; why = "poweroff"; break;
		case MACHINE_EXIT_REBOOT: act = d->cfg.on_reboot; why = "reboot"; break;
		case MACHINE_EXIT_QUIT: act = CFG_ACT_DESTROY; why = "destroy"; break;
		default: act = d->cfg.on_crash; why = "crash"; break;
		}
		if (d->destroy_req)
			act = CFG_ACT_DESTROY, why = "destroy";
		xlog(x, "(XEN) domain %u (%s): %s -> %s", d->id, d->name, why, cfg_action_name(act));
		if (act == CFG_ACT_RESTART || act == CFG_ACT_RENAME_RESTART ||
		    act == CFG_ACT_COREDUMP_RESTART) {
			xs_domain_remove(x, d, true);
			d->id = x->next_domid++;
			d->paused = false;	/* the new instance runs */
			pthread_mutex_lock(&d->con_lock);
			d->ring_len = 0;	/* a new instance, a new console */
			pthread_mutex_unlock(&d->con_lock);
			int r = domain_build(d);
			if (r == 0) {
				xs_domain_write(x, d);
				xlog(x, "(XEN) domain %s restarted as %u", d->name, d->id);
				pthread_mutex_unlock(&x->lock);
				continue;
			}
			xlog(x, "(XEN) domain %s: restart failed: %s", d->name, strerror(-r));
			d->state = DS_DEAD;
			xs_domain_remove(x, d, false);
		} else if (act == CFG_ACT_PRESERVE) {
			d->state = e == MACHINE_EXIT_CRASH || e == MACHINE_EXIT_ERROR ? DS_CRASHED : DS_SHUTDOWN;
		} else {
			d->state = DS_DEAD;
			xs_domain_remove(x, d, false);
		}
		pthread_mutex_unlock(&x->lock);
		con_close_viewers(d);
		return NULL;
	}
}

static void domain_free(struct domain *d)
{
	con_close_viewers(d);
	if (d->log_fd >= 0)
		close(d->log_fd);
	if (d->pty_master >= 0)
		close(d->pty_master);
	if (d->pty_slave >= 0)
		close(d->pty_slave);
	pthread_mutex_destroy(&d->con_lock);
	domain_config_free(&d->cfg);
	free(d);
}

/* Joins and frees finished domains. Not under x->lock. */
static void reap(struct xend *x)
{
	for (;;) {
		struct domain *dead = NULL;
		pthread_mutex_lock(&x->lock);
		for (struct domain **pp = &x->doms; *pp; pp = &(*pp)->next)
			if ((*pp)->state == DS_DEAD) {
				dead = *pp;
				*pp = dead->next;
				break;
			}
		pthread_mutex_unlock(&x->lock);
		if (!dead)
			return;
		if (dead->thread_started)
			pthread_join(dead->thread, NULL);
		xlog(x, "(XEN) domain %s released", dead->name);
		domain_free(dead);
	}
}

static struct domain *domain_find(struct xend *x, const char *s)
{
	char *end;
	unsigned long id = strtoul(s, &end, 10);
	bool numeric = *s && !*end;
	for (struct domain *d = x->doms; d; d = d->next) {
		if (d->state == DS_DEAD)
			continue;
		if (numeric ? d->id == id : !strcmp(d->name, s))
			return d;
	}
	return NULL;
}

static uint64_t mem_used(struct xend *x)
{
	uint64_t u = 0;
	for (struct domain *d = x->doms; d; d = d->next)
		if (d->state != DS_DEAD)
			u += d->cfg.memory_mib;
	return u;
}

/* What the domain holds now: its RAM less what the guest's balloon driver
 * reports as given back; the target while it is not running. */
static uint64_t mem_current(const struct domain *d)
{
	if (!d->m)
		return d->cfg.memory_mib;
	uint64_t back = machine_balloon_actual(d->m) >> 20;
	return d->ram_mib > back ? d->ram_mib - back : 0;
}

/* Makes relative paths absolute against the client's cwd. */
static int absolutize(char **p, const char *cwd)
{
	if (!*p || (*p)[0] == '/' || !**p)
		return 0;
	size_t n = strlen(cwd) + strlen(*p) + 2;
	char *a = malloc(n);
	if (!a)
		return -ENOMEM;
	snprintf(a, n, "%s/%s", cwd, *p);
	free(*p);
	*p = a;
	return 0;
}

static int managed_path(struct xend *x, const char *name, char *buf, size_t n)
{
	int r = snprintf(buf, n, "%s/domains/%s.req", x->state, name);
	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

/* create args: CWD FNAME TEXT [KEY=VAL...]; out gets the reply text. */
static int do_create(struct xend *x, char **argv, unsigned argc, struct obuf *o, bool start,
		     bool paused)
{
	struct domain_config dc;
	struct cfg_diag diag = { 0 };
	struct domain *d = NULL;
	int r;

	if (argc < 4) {
		fprintf(o->f, "Error: create needs CWD FILE TEXT");
		return -EINVAL;
	}
	r = domain_config_parse(argv[3], strlen(argv[3]), argv[2],
				(const char *const *)argv + 4, argc - 4, &dc, &diag);
	if (r) {
		fprintf(o->f, "%sError: %s: configuration not valid", diag.text ? diag.text : "", argv[2]);
		goto out_cfg;
	}
	if (absolutize(&dc.kernel, argv[1]) || absolutize(&dc.ramdisk, argv[1]) ||
	    absolutize(&dc.firmware, argv[1])) {
		r = -ENOMEM;
		goto out_cfg;
	}
	for (unsigned k = 0; k < dc.nr_disks; k++)
		if (absolutize(&dc.disks[k].target, argv[1])) {
			r = -ENOMEM;
			goto out_cfg;
		}
	struct domain *old = domain_find(x, dc.name);
	if (old) {
		fprintf(o->f, "Error: Domain '%s' already exists with ID '%u'", dc.name, old->id);
		r = -EEXIST;
		goto out_cfg;
	}
	if (!start) {
		/* xm new: keep the request on disk */
		char path[PATH_MAX], tmp[PATH_MAX + 8];
		if ((r = managed_path(x, dc.name, path, sizeof(path))))
			goto out_cfg;
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		FILE *f = fopen(tmp, "w");
		if (!f) {
			r = -errno;
			fprintf(o->f, "Error: cannot write %s: %s", tmp, strerror(-r));
			goto out_cfg;
		}
		for (unsigned k = 1; k < argc; k++)
			fwrite(argv[k], 1, strlen(argv[k]) + 1, f);
		if (fclose(f) || rename(tmp, path)) {
			r = -errno;
			fprintf(o->f, "Error: cannot write %s: %s", path, strerror(-r));
			goto out_cfg;
		}
		xlog(x, "managed domain %s defined", dc.name);
		fprintf(o->f, "%s", diag.text ? diag.text : "");
		r = 0;
		goto out_cfg;
	}
	uint64_t used = mem_used(x);
	uint64_t freem = x->guest_mem_mib > used ? x->guest_mem_mib - used : 0;
	if (dc.memory_mib > freem) {
		fprintf(o->f, "Error: Not enough free memory: need %llu MiB, %llu MiB free",
			(unsigned long long)dc.memory_mib, (unsigned long long)freem);
		r = -ENOMEM;
		goto out_cfg;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		r = -ENOMEM;
		goto out_cfg;
	}
	d->x = x;
	d->log_fd = -1;
	d->pty_master = d->pty_slave = -1;
	for (unsigned k = 0; k < MAX_VIEWERS; k++)
		d->viewers[k] = -1;
	pthread_mutex_init(&d->con_lock, NULL);
	d->cfg = dc;
	memset(&dc, 0, sizeof(dc));
	snprintf(d->name, sizeof(d->name), "%s", d->cfg.name);
	if (d->cfg.uuid[0])
		memcpy(d->uuid, d->cfg.uuid, 37);
	else
		uuid_random(d->uuid);
	char lp[PATH_MAX];
	snprintf(lp, sizeof(lp), "%s/console/%s.log", x->state, d->name);
	d->log_fd = open(lp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	pty_open(d);
	d->id = x->next_domid;
	if ((r = domain_build(d)) < 0) {
		fprintf(o->f, "Error: cannot build domain %s: %s", d->name, strerror(-r));
		domain_free(d);
		goto out_cfg;
	}
	x->next_domid++;
	d->state = DS_RUNNING;
	if (paused) {
		/* Before the vCPU threads exist: no guest instruction runs. */
		machine_pause(d->m);
		d->paused = true;
	}
	xs_domain_write(x, d);
	if ((r = -pthread_create(&d->thread, NULL, domain_thread, d)) < 0) {
		xs_domain_remove(x, d, false);
		machine_destroy(d->m);
		fprintf(o->f, "Error: cannot start domain %s: %s", d->name, strerror(-r));
		domain_free(d);
		goto out_cfg;
	}
	d->thread_started = true;
	d->next = x->doms;
	x->doms = d;
	xlog(x, "(XEN) domain %u (%s) created: %llu MiB, %u vCPUs", d->id, d->name,
	     (unsigned long long)d->cfg.memory_mib, d->cfg.vcpus);
	fprintf(o->f, "%sStarted domain %s (id=%u)\n", diag.text ? diag.text : "", d->name, d->id);
	r = 0;
out_cfg:
	domain_config_free(&dc);
	cfg_diag_free(&diag);
	return r;
}

static const char *state_str(const struct domain *d)
{
	switch (d->state) {
	case DS_RUNNING: return d->paused ? "--p---" : "r-----";
	case DS_SHUTDOWN: return "---s--";
	case DS_CRASHED: return "----c-";
	default: return "-----d";
	}
}

static int read_managed(struct xend *x, const char *name, char **buf, size_t *len,
			char **argv, unsigned *argc)
{
	char path[PATH_MAX];
	int r;
	if (strchr(name, '/') || (r = managed_path(x, name, path, sizeof(path))))
		return -ENOENT;
	FILE *f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	char *b = malloc(PROTO_MAX_FRAME + 1);
	if (!b) {
		fclose(f);
		return -ENOMEM;
	}
	size_t n = fread(b, 1, PROTO_MAX_FRAME, f);
	fclose(f);
	b[n] = 0;
	argv[0] = "create";
	if ((r = proto_split(b, n, argv + 1, PROTO_MAX_ARGS - 1, argc)) < 0) {
		free(b);
		return r;
	}
	(*argc)++;
	*buf = b;
	*len = n;
	return 0;
}

static void list_line(FILE *f, const char *name, long id, uint64_t mem, unsigned vcpus,
		      const char *state, double t)
{
	char ids[24];
	if (id < 0)
		snprintf(ids, sizeof(ids), " ");
	else
		snprintf(ids, sizeof(ids), "%ld", id);
	fprintf(f, "%-40s %5s %5llu %5u %10s %9.1f\n", name, ids, (unsigned long long)mem, vcpus,
		state, t);
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Time(s) of a domain: how long its vCPUs have been able to run (paused
 * time does not count). Under x->lock. */
static double cpu_time(const struct domain *d)
{
	if (d->state != DS_RUNNING || !d->m)
		return 0;
	double t = since(&d->started) - machine_paused_ns(d->m) / 1e9;
	return t > 0 ? t : 0;
}

/* xm pause / unpause: boolean per domain on top of the machine's count. */
static int do_pause(struct xend *x, const char *dom, bool pause, struct obuf *o)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	if (d->state != DS_RUNNING || !d->m) {
		fprintf(o->f, "Error: Domain '%s' is not running.", dom);
		return -EINVAL;
	}
	if (pause && !d->paused) {
		machine_pause(d->m);	/* returns with every vCPU parked */
		d->paused = true;
		xlog(x, "(XEN) domain %u (%s) paused", d->id, d->name);
	} else if (!pause && d->paused) {
		machine_unpause(d->m);
		d->paused = false;
		xlog(x, "(XEN) domain %u (%s) unpaused", d->id, d->name);
	}
	return 0;
}

/* xm sysrq: a serial BREAK then the key on the domain's UART (Linux's
 * 8250 driver with CONFIG_MAGIC_SYSRQ_SERIAL, console=ttyS0). */
static int do_sysrq(struct xend *x, const char *dom, const char *key, struct obuf *o)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	if (d->state != DS_RUNNING || !d->m) {
		fprintf(o->f, "Error: Domain '%s' is not running.", dom);
		return -EINVAL;
	}
	if (strlen(key) != 1 || key[0] <= ' ' || key[0] > '~') {
		fprintf(o->f, "Error: sysrq key must be one printable character.");
		return -EINVAL;
	}
	machine_sysrq(d->m, key[0]);
	xlog(x, "(XEN) domain %u (%s): sysrq '%c'", d->id, d->name, key[0]);
	return 0;
}

static int do_list(struct xend *x, char **argv, unsigned argc, struct obuf *o)
{
	bool l = false;
	unsigned first = 1;
	if (argc > 1 && (!strcmp(argv[1], "-l") || !strcmp(argv[1], "--long"))) {
		l = true;
		first = 2;
	}
	for (unsigned k = first; k < argc; k++)
		if (strcmp(argv[k], "0") && strcmp(argv[k], "Domain-0") && !domain_find(x, argv[k])) {
			fprintf(o->f, "Error: Domain '%s' does not exist.", argv[k]);
			return -ENOENT;
		}
	if (!l)
		fprintf(o->f, "%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem", "VCPUs", "State", "Time(s)");
	bool all = first == argc;
	bool want0 = all;
	for (unsigned k = first; k < argc; k++)
		if (!strcmp(argv[k], "0") || !strcmp(argv[k], "Domain-0"))
			want0 = true;
	if (want0) {
		if (l)
			fprintf(o->f, "(domain\n    (domid 0)\n    (uuid 00000000-0000-0000-0000-000000000000)\n"
				"    (name Domain-0)\n    (memory %llu)\n    (vcpus %u)\n    (state r-----)\n)\n",
				(unsigned long long)x->dom0_mem_mib, x->pcpus);
		else
			list_line(o->f, "Domain-0", 0, x->dom0_mem_mib, x->pcpus, "r-----", cpu_seconds());
	}
	/* ascending domid, as xm does */
	unsigned last = 0;
	for (;;) {
		struct domain *best = NULL;
		for (struct domain *d = x->doms; d; d = d->next)
			if (d->state != DS_DEAD && d->id > last && (!best || d->id < best->id))
				best = d;
		if (!best)
			break;
		last = best->id;
		bool want = all;
		for (unsigned k = first; k < argc; k++)
			if (domain_find(x, argv[k]) == best)
				want = true;
		if (!want)
			continue;
		if (l) {
			char *s = NULL;
			if (domain_config_sxp(&best->cfg, best->id, state_str(best), best->start_wall, &s) == 0) {
				/* the uuid xend chose */
				fputs(s, o->f);
				free(s);
			}
		} else {
			list_line(o->f, best->name, best->id, mem_current(best), best->cfg.vcpus,
				  state_str(best), cpu_time(best));
		}
	}
	/* inactive managed domains */
	char dp[PATH_MAX];
	snprintf(dp, sizeof(dp), "%s/domains", x->state);
	DIR *dir = opendir(dp);
	if (dir && all) {
		struct dirent *e;
		while ((e = readdir(dir))) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".req"))
				continue;
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)(n - 4), e->d_name);
			if (domain_find(x, name))
				continue;
			char *buf = NULL, *av[PROTO_MAX_ARGS];
			size_t len;
			unsigned ac = 0;
			if (read_managed(x, name, &buf, &len, av, &ac))
				continue;
			if (ac < 4) {
				free(buf);
				continue;
			}
			struct domain_config dc;
			struct cfg_diag dg = { 0 };
			domain_config_parse(av[3], strlen(av[3]), av[2], (const char *const *)av + 4,
					    ac - 4, &dc, &dg);
			if (l) {
				char *s = NULL;
				if (domain_config_sxp(&dc, -1, "------", 0, &s) == 0) {
					fputs(s, o->f);
					free(s);
				}
			} else {
				list_line(o->f, name, -1, dc.memory_mib, dc.vcpus, "------", 0);
			}
			domain_config_free(&dc);
			cfg_diag_free(&dg);
			free(buf);
		}
	}
	if (dir)
		closedir(dir);
	return 0;
}

/* Waits (without x->lock) until the domain's runner thread has finished
 * with this instance, at most ms. */
static void wait_gone(struct xend *x, struct domain *d, unsigned id, int ms)
{
	for (int t = 0; t < ms; t += 20) {
		pthread_mutex_lock(&x->lock);
		bool found = false;
		for (struct domain *e = x->doms; e; e = e->next)
			if (e == d && e->id == id && e->m)
				found = true;
		pthread_mutex_unlock(&x->lock);
		if (!found)
			return;
		usleep(20000);
	}
}

static int do_destroy(struct xend *x, const char *dom, struct obuf *o)
{
	pthread_mutex_lock(&x->lock);
	struct domain *d = domain_find(x, dom);
	if (!d) {
		pthread_mutex_unlock(&x->lock);
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	unsigned id = d->id;
	d->destroy_req = true;
	if (d->m) {
		machine_stop(d->m, MACHINE_EXIT_QUIT);
	} else {
		d->state = DS_DEAD;
		xs_domain_remove(x, d, false);
	}
	pthread_mutex_unlock(&x->lock);
	wait_gone(x, d, id, 10000);
	xlog(x, "domain %u destroyed", id);
	return 0;
}

static int do_control(struct xend *x, const char *dom, const char *what, struct obuf *o)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	char p[96];
	snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", d->id);
	if (x->xs)
		xs_write(x->xs, XS_NO_TXN, p, what, strlen(what));
	/* As Xen's PV guests read control/shutdown, an unmodified guest
	 * honours a button: KEY_POWER / KEY_RESTART on the machine's
	 * virtio-input device (busybox acpid, systemd-logind); see
	 * docs/toolstack.md. The domain then follows on_poweroff/on_reboot. */
	int r = 0;
	if (d->m) {
		r = machine_press_button(d->m, strcmp(what, "reboot") ? MACHINE_BUTTON_POWER
								   : MACHINE_BUTTON_RESTART);
		if (r == -ENOSPC)
			fprintf(o->f, "Error: Domain '%s' is not reading its power button events.", dom);
		else if (r < 0)
			fprintf(o->f, "Error: Domain '%s' has no power button (%s).", dom, strerror(-r));
	}
	xlog(x, "domain %u (%s): %s requested%s", d->id, d->name, what,
	     r < 0 ? " (button not pressed)" : ", button pressed");
	return r;
}

/* ---- memory: xm mem-set / mem-max ---- */

#define MEM_FLOOR_MIB 32	/* below this a Linux guest stops being useful */

/* "SIZE[b|k|m|g]" (default MiB, as xm) -> whole MiB. -EINVAL if not a
 * positive size, -ERANGE if absurdly large. */
static int mem_parse_mib(const char *s, uint64_t *mib)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	unsigned shift;
	switch (*end) {
	case 'b': case 'B': shift = 0; end++; break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': case 0: shift = 20; end += *end != 0; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -EINVAL;
	}
	if (*end)
		return -EINVAL;
	if (v > (1ULL << 40) >> shift)	/* 1 TiB: the board's RAM limit */
		return -ERANGE;
	*mib = (v << shift) >> 20;
	return 0;
}

/* Under x->lock. */
static struct domain *mem_domain(struct xend *x, const char *dom, const char *size,
				 uint64_t *mib, struct obuf *o, int *r)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		*r = -ENOENT;
		return NULL;
	}
	if ((*r = mem_parse_mib(size, mib)) < 0) {
		fprintf(o->f, "Error: invalid memory size '%s' (a number with an optional b/k/m/g suffix; default MiB)", size);
		return NULL;
	}
	if (*mib < MEM_FLOOR_MIB) {
		fprintf(o->f, "Error: %llu MiB is below the minimum of %u MiB.", (unsigned long long)*mib,
			MEM_FLOOR_MIB);
		*r = -EINVAL;
		return NULL;
	}
	return d;
}

/* Sets the balloon so that the domain holds mib, and publishes the target. */
static void mem_target(struct xend *x, struct domain *d, uint64_t mib)
{
	char v[32];
	d->cfg.memory_mib = mib;
	if (d->m)
		machine_balloon_set(d->m, (d->ram_mib - mib) << 20);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mib * 1024);
	xsw(x, v, "/local/domain/%u/memory/target", d->id);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mib);
	xsw(x, v, "/vm/%s/memory", d->uuid);
}

static int do_mem_set(struct xend *x, const char *dom, const char *size, struct obuf *o)
{
	uint64_t mib;
	int r;
	struct domain *d = mem_domain(x, dom, size, &mib, o, &r);
	if (!d)
		return r;
	if (!d->m) {
		fprintf(o->f, "Error: Domain '%s' is not running.", dom);
		return -EINVAL;
	}
	if (mib > d->cfg.maxmem_mib) {
		fprintf(o->f, "Error: %llu MiB is above the maximum of domain '%s' (%llu MiB; see xm mem-max).",
			(unsigned long long)mib, dom, (unsigned long long)d->cfg.maxmem_mib);
		return -EINVAL;
	}
	uint64_t used = mem_used(x);
	uint64_t freem = x->guest_mem_mib > used ? x->guest_mem_mib - used : 0;
	if (mib > d->cfg.memory_mib && mib - d->cfg.memory_mib > freem) {
		fprintf(o->f, "Error: Not enough free memory: need %llu MiB, %llu MiB free",
			(unsigned long long)(mib - d->cfg.memory_mib), (unsigned long long)freem);
		return -ENOMEM;
	}
	xlog(x, "domain %u (%s): memory target %llu -> %llu MiB", d->id, d->name,
	     (unsigned long long)d->cfg.memory_mib, (unsigned long long)mib);
	mem_target(x, d, mib);
	return 0;
}

/* Xen's maxmem: the cap for mem-set; never above the RAM the domain was
 * built with (its balloon cannot give more). Lowering it below the current
 * target lowers the target too. */
static int do_mem_max(struct xend *x, const char *dom, const char *size, struct obuf *o)
{
	uint64_t mib;
	int r;
	struct domain *d = mem_domain(x, dom, size, &mib, o, &r);
	if (!d)
		return r;
	uint64_t ram = d->m ? d->ram_mib : d->cfg.maxmem_mib;
	if (mib > ram) {
		fprintf(o->f, "Error: %llu MiB is above the %llu MiB domain '%s' was created with.",
			(unsigned long long)mib, (unsigned long long)ram, dom);
		return -EINVAL;
	}
	xlog(x, "domain %u (%s): maxmem %llu -> %llu MiB", d->id, d->name,
	     (unsigned long long)d->cfg.maxmem_mib, (unsigned long long)mib);
	d->cfg.maxmem_mib = mib;
	char v[32];
	snprintf(v, sizeof(v), "%llu", (unsigned long long)mib);
	xsw(x, v, "/vm/%s/maxmem", d->uuid);
	if (d->cfg.memory_mib > mib)
		mem_target(x, d, mib);
	return 0;
}

static void do_info(struct xend *x, struct obuf *o)
{
	struct utsname_lite { char s[256]; } host;
	if (gethostname(host.s, sizeof(host.s)))
		snprintf(host.s, sizeof(host.s), "localhost");
	uint64_t used = mem_used(x);
	fprintf(o->f, "host                   : %s\n", host.s);
	fprintf(o->f, "machine                : riscv64 (Domus interpreter)\n");
	fprintf(o->f, "nr_cpus                : %u\n", x->pcpus);
	fprintf(o->f, "total_memory           : %llu\n", (unsigned long long)(x->dom0_mem_mib + x->guest_mem_mib));
	fprintf(o->f, "free_memory            : %llu\n",
		(unsigned long long)(x->guest_mem_mib > used ? x->guest_mem_mib - used : 0));
	fprintf(o->f, "xen_major              : 0\nxen_minor              : 1\nxen_extra              : -domus\n");
	fprintf(o->f, "xen_caps               : riscv64-pv\n");
	fprintf(o->f, "xend_state_dir         : %s\n", x->state);
	fprintf(o->f, "xend_uptime            : %ld\n", (long)(time(NULL) - x->boot));
	fprintf(o->f, "xend_relocation_port   : %u\n", x->reloc_port);
}

static void do_uptime(struct xend *x, char **argv, unsigned argc, struct obuf *o)
{
	struct timespec ts;
	clock_gettime(CLOCK_BOOTTIME, &ts);
	fprintf(o->f, "%-32s %5s %s\n", "Name", "ID", "Uptime");
	long s = ts.tv_sec;
	if (argc < 2 || !strcmp(argv[1], "0") || !strcmp(argv[1], "Domain-0"))
		fprintf(o->f, "%-32s %5u %ld:%02ld:%02ld\n", "Domain-0", 0, s / 3600, s / 60 % 60, s % 60);
	for (struct domain *d = x->doms; d; d = d->next) {
		if (d->state == DS_DEAD || (argc >= 2 && domain_find(x, argv[1]) != d))
			continue;
		long t = d->state == DS_RUNNING ? (long)since(&d->started) : 0;
		fprintf(o->f, "%-32s %5u %ld:%02ld:%02ld\n", d->name, d->id, t / 3600, t / 60 % 60, t % 60);
	}
}

/* Console attach: the client fd becomes a viewer. Returns 1 if kept. */
static int do_console(struct xend *x, const char *dom, int cfd, struct obuf *o)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	pthread_mutex_lock(&d->con_lock);
	int slot = -1;
	for (unsigned k = 0; k < MAX_VIEWERS; k++)
		if (d->viewers[k] < 0) {
			slot = k;
			break;
		}
	if (slot < 0 || d->state != DS_RUNNING) {
		pthread_mutex_unlock(&d->con_lock);
		fprintf(o->f, slot < 0 ? "Error: too many console viewers on '%s'" :
			"Error: Domain '%s' is not running", dom);
		return -EBUSY;
	}
	if (proto_send_reply(cfd, 0, "", 0) < 0) {
		pthread_mutex_unlock(&d->con_lock);
		return -EPIPE;
	}
	/* what the guest printed while nobody watched */
	if (d->ring_len && send(cfd, d->ring, d->ring_len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* viewer gone already; the poll loop notices */
	}
	int fl = fcntl(cfd, F_GETFL);
	fcntl(cfd, F_SETFL, fl | O_NONBLOCK);
	d->viewers[slot] = cfd;
	pthread_mutex_unlock(&d->con_lock);
	return 1;
}

/* Dispatches one request. Returns 1 if cfd was kept (console viewer). */
static int handle_request(struct xend *x, int cfd, char **argv, unsigned argc)
{
	struct obuf o;
	int r = 0, kept = 0;
	const char *cmd = argv[0];

	if (ob_open(&o))
		return 0;
	reap(x);
	if (!strcmp(cmd, "destroy") && argc == 2) {
		r = do_destroy(x, argv[1], &o);
		reap(x);
		goto reply;
	}
	pthread_mutex_lock(&x->lock);
	if (!strcmp(cmd, "list")) {
		r = do_list(x, argv, argc, &o);
	} else if (!strcmp(cmd, "create") || !strcmp(cmd, "create-paused") || !strcmp(cmd, "new")) {
		r = do_create(x, argv, argc, &o, strcmp(cmd, "new") != 0,
			      !strcmp(cmd, "create-paused"));
	} else if (!strcmp(cmd, "start") && argc == 2) {
		char *buf = NULL, *av[PROTO_MAX_ARGS];
		size_t len;
		unsigned ac;
		if (read_managed(x, argv[1], &buf, &len, av, &ac) < 0) {
			fprintf(o.f, "Error: Domain '%s' is not a managed domain.", argv[1]);
			r = -ENOENT;
		} else {
			r = do_create(x, av, ac, &o, true, false);
			free(buf);
		}
	} else if (!strcmp(cmd, "delete") && argc == 2) {
		char path[PATH_MAX];
		if (domain_find(x, argv[1])) {
			fprintf(o.f, "Error: Domain '%s' is running; destroy it first.", argv[1]);
			r = -EBUSY;
		} else if (strchr(argv[1], '/') || managed_path(x, argv[1], path, sizeof(path)) ||
			   unlink(path)) {
			fprintf(o.f, "Error: Domain '%s' is not a managed domain.", argv[1]);
			r = -ENOENT;
		} else {
			xlog(x, "managed domain %s deleted", argv[1]);
		}
	} else if ((!strcmp(cmd, "shutdown") || !strcmp(cmd, "reboot")) && argc == 2) {
		r = do_control(x, argv[1], !strcmp(cmd, "shutdown") ? "poweroff" : "reboot", &o);
	} else if (!strcmp(cmd, "state") && argc == 2) {
		struct domain *d = domain_find(x, argv[1]);
		if (d)
			fprintf(o.f, "%u %s", d->id, state_str(d));
		else
			r = -ENOENT, fprintf(o.f, "Error: Domain '%s' does not exist.", argv[1]);
	} else if (!strcmp(cmd, "domid") && argc == 2) {
		struct domain *d = domain_find(x, argv[1]);
		if (!strcmp(argv[1], "Domain-0"))
			fprintf(o.f, "0\n");
		else if (d)
			fprintf(o.f, "%u\n", d->id);
		else
			r = -ENOENT, fprintf(o.f, "Error: Domain '%s' does not exist.", argv[1]);
	} else if (!strcmp(cmd, "domname") && argc == 2) {
		struct domain *d = domain_find(x, argv[1]);
		if (!strcmp(argv[1], "0"))
			fprintf(o.f, "Domain-0\n");
		else if (d)
			fprintf(o.f, "%s\n", d->name);
		else
			r = -ENOENT, fprintf(o.f, "Error: Domain '%s' does not exist.", argv[1]);
	} else if (!strcmp(cmd, "rename") && argc == 3) {
		struct domain *d = domain_find(x, argv[1]);
		if (!d) {
			r = -ENOENT, fprintf(o.f, "Error: Domain '%s' does not exist.", argv[1]);
		} else if (domain_find(x, argv[2])) {
			r = -EEXIST, fprintf(o.f, "Error: Domain '%s' already exists.", argv[2]);
		} else {
			char *nn = strdup(argv[2]);
			struct cfg_diag dg = { 0 };
			struct domain_config tmp;
			char line[200];
			snprintf(line, sizeof(line), "name=\"%.64s\"\nkernel='/'\n", argv[2]);
			if (!nn || domain_config_parse(line, strlen(line), "<rename>", NULL, 0, &tmp, &dg)) {
				r = -EINVAL, fprintf(o.f, "Error: '%s' is not a valid domain name.", argv[2]);
				free(nn);
			} else {
				free(d->cfg.name);
				d->cfg.name = nn;
				snprintf(d->name, sizeof(d->name), "%s", nn);
				char p[96];
				snprintf(p, sizeof(p), "/local/domain/%u/name", d->id);
				if (x->xs)
					xs_write(x->xs, XS_NO_TXN, p, nn, strlen(nn));
				snprintf(p, sizeof(p), "/vm/%s/name", d->uuid);
				if (x->xs)
					xs_write(x->xs, XS_NO_TXN, p, nn, strlen(nn));
			}
			domain_config_free(&tmp);
			cfg_diag_free(&dg);
		}
	} else if (!strcmp(cmd, "mem-set") && argc == 3) {
		r = do_mem_set(x, argv[1], argv[2], &o);
	} else if (!strcmp(cmd, "mem-max") && argc == 3) {
		r = do_mem_max(x, argv[1], argv[2], &o);
	} else if (!strcmp(cmd, "info")) {
		do_info(x, &o);
	} else if (!strcmp(cmd, "uptime")) {
		do_uptime(x, argv, argc, &o);
	} else if (!strcmp(cmd, "dmesg")) {
		pthread_mutex_lock(&x->log_lock);
		fwrite(x->ring, 1, x->ring_len, o.f);
		if (argc > 1 && !strcmp(argv[1], "-c"))
			x->ring_len = 0;
		pthread_mutex_unlock(&x->log_lock);
	} else if (!strcmp(cmd, "log")) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/log/xend.log", x->state);
		FILE *f = fopen(p, "r");
		if (f) {
			char buf[4096];
			size_t n;
			while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
				fwrite(buf, 1, n, o.f);
			fclose(f);
		}
	} else if (!strcmp(cmd, "console") && argc == 2) {
		r = do_console(x, argv[1], cfd, &o);
		if (r == 1)
			kept = 1;
	} else if ((!strcmp(cmd, "pause") || !strcmp(cmd, "unpause")) && argc == 2) {
		r = do_pause(x, argv[1], !strcmp(cmd, "pause"), &o);
	} else if (!strcmp(cmd, "sysrq") && argc == 3) {
		r = do_sysrq(x, argv[1], argv[2], &o);
	} else {
		r = -EINVAL;
		fprintf(o.f, "Error: unknown request '%s' (or wrong number of arguments)", cmd);
	}
	pthread_mutex_unlock(&x->lock);
reply:
	ob_close(&o);
	if (!kept)
		proto_send_reply(cfd, r < 0, o.b ? o.b : "", o.len);
	free(o.b);
	return kept;
}

/* ---- startup ---- */

static int mkdir_p(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0700) && errno != EEXIST)
				return -errno;
			*p = '/';
		}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static uint64_t host_mem_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[256];
	if (!f)
		return 2048;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb ? kb / 1024 : 2048;
}

/* xend config: "key value" per line, "(key value)" (xend-config.sxp
 * style) or "key = value"; '#' comments. */
static int load_config(struct xend *x, const char *path, bool must)
{
	FILE *f = fopen(path, "r");
	char line[512];
	unsigned ln = 0;
	if (!f) {
		if (must) {
			fprintf(stderr, "xend: %s: %s\n", path, strerror(errno));
			return -errno;
		}
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		ln++;
		char *h = strchr(line, '#');
		if (h)
			*h = 0;
		for (char *p = line; *p; p++)
			if (*p == '(' || *p == ')' || *p == '=' || *p == '\n' || *p == '\'' || *p == '"')
				*p = ' ';
		char k[128], v[384];
		int n = sscanf(line, " %127s %383[^\n]", k, v);
		if (n <= 0)
			continue;
		if (n == 1)
			v[0] = 0;
		size_t vl = strlen(v);
		while (vl && v[vl - 1] == ' ')
			v[--vl] = 0;
		unsigned long long num = strtoull(v, NULL, 10);
		if (!strcmp(k, "dom0-memory") || !strcmp(k, "dom0-min-mem"))
			x->dom0_mem_mib = num;
		else if (!strcmp(k, "guest-memory") || !strcmp(k, "total-available-memory"))
			x->guest_mem_mib = num;
		else if (!strcmp(k, "dom0-cpus") || !strcmp(k, "pcpus"))
			x->pcpus = num ? num : x->pcpus;
		else if (!strcmp(k, "xend-relocation-port"))
			x->reloc_port = num;
		else if (!strcmp(k, "xend-relocation-hosts-allow"))
			snprintf(x->reloc_hosts, sizeof(x->reloc_hosts), "%.255s", v);
		else if (!strcmp(k, "network-script"))
			snprintf(x->network_script, sizeof(x->network_script), "%.255s", v);
		else if (!strcmp(k, "xenstored"))
			snprintf(x->xenstored, sizeof(x->xenstored), "%s", v);
		else
			xlog(x, "%s:%u: unknown xend config key '%s' ignored", path, ln, k);
	}
	fclose(f);
	return 0;
}

static int start_xenstored(struct xend *x)
{
	char logp[PATH_MAX];
	snprintf(logp, sizeof(logp), "%s/log/xenstored.log", x->state);
	unlink(x->xs_sock);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, 0);
			dup2(dn, 1);
			dup2(dn, 2);
		}
		execl(x->xenstored, "xenstored", "-F", "-s", x->xs_sock, "-l", logp, (char *)NULL);
		_exit(127);
	}
	x->xs_pid = pid;
	for (int t = 0; t < 250; t++) {
		if (xs_open(x->xs_sock, &x->xs) == 0)
			return 0;
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			x->xs_pid = 0;
			return -ECHILD;
		}
		usleep(20000);
	}
	return -ETIMEDOUT;
}

static void xs_dom0(struct xend *x)
{
	char v[32];
	xsw(x, "Domain-0", "/local/domain/0/name");
	xsw(x, "0", "/local/domain/0/domid");
	xsw(x, "/vm/00000000-0000-0000-0000-000000000000", "/local/domain/0/vm");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)x->dom0_mem_mib * 1024);
	xsw(x, v, "/local/domain/0/memory/target");
	for (unsigned k = 0; k < x->pcpus && k < 64; k++)
		xsw(x, "online", "/local/domain/0/cpu/%u/availability", k);
	xsw(x, "Domain-0", "/vm/00000000-0000-0000-0000-000000000000/name");
	xsw(x, "00000000-0000-0000-0000-000000000000", "/vm/00000000-0000-0000-0000-000000000000/uuid");
	snprintf(v, sizeof(v), "%llu", (unsigned long long)x->dom0_mem_mib);
	xsw(x, v, "/vm/00000000-0000-0000-0000-000000000000/memory");
	snprintf(v, sizeof(v), "%u", x->pcpus);
	xsw(x, v, "/vm/00000000-0000-0000-0000-000000000000/vcpus");
}

static int open_control(struct xend *x)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(x->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, x->sock_path);
	unlink(x->sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	mode_t old = umask(0077);
	int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r || chmod(x->sock_path, 0600) || listen(fd, 16)) {
		r = -errno;
		close(fd);
		return r;
	}
	x->listen_fd = fd;
	return 0;
}

static void serve_client(struct xend *x, int cfd)
{
	struct timeval tv = { .tv_sec = 5 };
	char *buf = NULL, *argv[PROTO_MAX_ARGS];
	size_t len;
	unsigned argc;

	setsockopt(cfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(cfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (proto_recv_frame(cfd, &buf, &len) < 0 ||
	    proto_split(buf, len, argv, PROTO_MAX_ARGS, &argc) < 0) {
		free(buf);
		close(cfd);
		return;
	}
	if (!handle_request(x, cfd, argv, argc))
		close(cfd);
	free(buf);
}

/* Console input from viewers; drops viewers that hung up. */
static void viewers_poll_setup(struct xend *x, struct pollfd *p, struct domain **owner,
			       unsigned *n, unsigned max)
{
	pthread_mutex_lock(&x->lock);
	for (struct domain *d = x->doms; d; d = d->next) {
		pthread_mutex_lock(&d->con_lock);
		if (d->pty_master >= 0 && d->state == DS_RUNNING && *n < max) {
			p[*n] = (struct pollfd){ .fd = d->pty_master, .events = POLLIN };
			owner[*n] = d;
			(*n)++;
		}
		for (unsigned k = 0; k < MAX_VIEWERS && *n < max; k++)
			if (d->viewers[k] >= 0) {
				p[*n] = (struct pollfd){ .fd = d->viewers[k], .events = POLLIN };
				owner[*n] = d;
				(*n)++;
			}
		pthread_mutex_unlock(&d->con_lock);
	}
	pthread_mutex_unlock(&x->lock);
}

static void viewer_input(struct xend *x, struct domain *d, int fd)
{
	uint8_t buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));
	pthread_mutex_lock(&x->lock);
	bool alive = false;
	for (struct domain *e = x->doms; e; e = e->next)
		if (e == d)
			alive = true;
	if (alive && n > 0 && d->m)
		machine_console_input(d->m, buf, n);
	if (alive && fd == d->pty_master) {
		/* the pty stays; its errors only mean nobody is attached */
	} else if (alive && (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))) {
		pthread_mutex_lock(&d->con_lock);
		for (unsigned k = 0; k < MAX_VIEWERS; k++)
			if (d->viewers[k] == fd) {
				close(fd);
				d->viewers[k] = -1;
			}
		pthread_mutex_unlock(&d->con_lock);
	}
	pthread_mutex_unlock(&x->lock);
}

static void shutdown_all(struct xend *x)
{
	pthread_mutex_lock(&x->lock);
	for (struct domain *d = x->doms; d; d = d->next) {
		d->destroy_req = true;
		if (d->m)
			machine_stop(d->m, MACHINE_EXIT_QUIT);
		else
			d->state = DS_DEAD;
	}
	pthread_mutex_unlock(&x->lock);
	for (int t = 0; t < 500; t++) {
		reap(x);
		pthread_mutex_lock(&x->lock);
		bool empty = x->doms == NULL;
		pthread_mutex_unlock(&x->lock);
		if (empty)
			break;
		usleep(20000);
	}
}

int xend_run(const struct xend_opts *o, int ready_fd)
{
	struct xend *x = calloc(1, sizeof(*x));
	int r = 0;
	char p[PATH_MAX];

	if (!x)
		return -ENOMEM;
	x->listen_fd = x->lock_fd = x->log_fd = x->sig_fd = -1;
	pthread_mutex_init(&x->lock, NULL);
	pthread_mutex_init(&x->log_lock, NULL);
	x->boot = time(NULL);
	umask(0077);	/* state, logs and managed configs are private */
	x->next_domid = 1;
	snprintf(x->state, sizeof(x->state), "%s", o->state_dir);
	snprintf(x->network_script, sizeof(x->network_script), "vif-bridge");
	x->reloc_port = 8002;
	x->pcpus = sysconf(_SC_NPROCESSORS_ONLN) > 0 ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
	uint64_t host = host_mem_mib();
	x->dom0_mem_mib = host / 4;
	x->guest_mem_mib = host - host / 4;
	if (o->xenstored)
		snprintf(x->xenstored, sizeof(x->xenstored), "%s", o->xenstored);
	else {
		char exe[PATH_MAX - 16];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		char *sl = strrchr(exe, '/');
		if (sl)
			*sl = 0;
		snprintf(x->xenstored, sizeof(x->xenstored), "%s/xenstored", exe);
	}
	const char *subs[] = { "", "/log", "/console", "/domains" };
	for (unsigned k = 0; k < 4; k++) {
		snprintf(p, sizeof(p), "%s%s", x->state, subs[k]);
		if ((r = mkdir_p(p)) < 0) {
			fprintf(stderr, "xend: cannot create %s: %s\n", p, strerror(-r));
			goto out;
		}
	}
	snprintf(x->pid_path, sizeof(x->pid_path), "%s/xend.pid", x->state);
	snprintf(x->sock_path, sizeof(x->sock_path), "%s/xend.sock", x->state);
	snprintf(x->xs_sock, sizeof(x->xs_sock), "%s/xenstored.sock", x->state);
	x->lock_fd = open(x->pid_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (x->lock_fd < 0 || flock(x->lock_fd, LOCK_EX | LOCK_NB)) {
		r = -EEXIST;
		char pid[32] = "?";
		if (x->lock_fd >= 0) {
			ssize_t n = pread(x->lock_fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = 0;
			pid[strcspn(pid, "\n")] = 0;
		}
		fprintf(stderr, "xend: already running on %s (pid %s)\n", x->state, pid);
		goto out;
	}
	if (ftruncate(x->lock_fd, 0) == 0) {
		char pid[32];
		int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
		if (pwrite(x->lock_fd, pid, n, 0) != n)
			fprintf(stderr, "xend: cannot write %s\n", x->pid_path);
	}
	snprintf(p, sizeof(p), "%s/log/xend.log", x->state);
	x->log_fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (o->config)
		r = load_config(x, o->config, true);
	else {
		snprintf(p, sizeof(p), "%s/xend.conf", x->state);
		r = load_config(x, p, false);
	}
	if (r < 0)
		goto out;
	xlog(x, "xend starting: state %s, Domain-0 %llu MiB, %llu MiB for guests, %u pCPUs", x->state,
	     (unsigned long long)x->dom0_mem_mib, (unsigned long long)x->guest_mem_mib, x->pcpus);

	/* signals: blocked before any thread exists, read through signalfd */
	sigset_t ss;
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	x->sig_fd = signalfd(-1, &ss, SFD_CLOEXEC);

	if ((r = start_xenstored(x)) < 0) {
		fprintf(stderr, "xend: cannot start %s: %s\n", x->xenstored, strerror(-r));
		goto out;
	}
	xlog(x, "xenstored %d on %s", (int)x->xs_pid, x->xs_sock);
	xs_dom0(x);
	if ((r = open_control(x)) < 0) {
		fprintf(stderr, "xend: cannot listen on %s: %s\n", x->sock_path, strerror(-r));
		goto out;
	}
	xlog(x, "listening on %s", x->sock_path);
	if (ready_fd >= 0) {
		char c = 1;
		if (write(ready_fd, &c, 1) != 1)
			xlog(x, "cannot signal readiness");
		close(ready_fd);
		/* daemon: from now on only the log speaks */
		int dn = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (dn >= 0) {
			dup2(dn, STDERR_FILENO);
			close(dn);
		}
	}
	/* autostart managed domains */
	snprintf(p, sizeof(p), "%s/domains", x->state);
	DIR *dir = opendir(p);
	if (dir) {
		struct dirent *e;
		while ((e = readdir(dir))) {
			size_t n = strlen(e->d_name);
			if (n < 5 || strcmp(e->d_name + n - 4, ".req"))
				continue;
			char name[256], *buf = NULL, *av[PROTO_MAX_ARGS];
			size_t len;
			unsigned ac;
			snprintf(name, sizeof(name), "%.*s", (int)(n - 4), e->d_name);
			pthread_mutex_lock(&x->lock);
			if (read_managed(x, name, &buf, &len, av, &ac) == 0) {
				struct domain_config dc;
				struct cfg_diag dg = { 0 };
				if (ac >= 4 && domain_config_parse(av[3], strlen(av[3]), av[2],
							(const char *const *)av + 4, ac - 4, &dc, &dg) == 0 &&
				    dc.autostart) {
					struct obuf ob;
					if (ob_open(&ob) == 0) {
						do_create(x, av, ac, &ob, true, false);
						ob_close(&ob);
						xlog(x, "autostart %s: %s", name, ob.b ? ob.b : "");
						free(ob.b);
					}
				}
				domain_config_free(&dc);
				cfg_diag_free(&dg);
				free(buf);
			}
			pthread_mutex_unlock(&x->lock);
		}
		closedir(dir);
	}

	for (;;) {
		struct pollfd pf[2 + 64];
		struct domain *owner[2 + 64];
		unsigned n = 2;
		pf[0] = (struct pollfd){ .fd = x->listen_fd, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = x->sig_fd, .events = POLLIN };
		viewers_poll_setup(x, pf, owner, &n, 66);
		int pr = poll(pf, n, 250);
		reap(x);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		if (pf[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(x->sig_fd, &si, sizeof(si)) > 0)
				xlog(x, "signal %u: shutting down", si.ssi_signo);
			break;
		}
		if (pf[0].revents & POLLIN) {
			int cfd = accept4(x->listen_fd, NULL, NULL, SOCK_CLOEXEC);
			if (cfd >= 0)
				serve_client(x, cfd);
		}
		for (unsigned k = 2; k < n; k++)
			if (pf[k].revents)
				viewer_input(x, owner[k], pf[k].fd);
	}
	r = 0;
out:
	shutdown_all(x);
	if (x->xs)
		xs_close(x->xs);
	if (x->xs_pid > 0) {
		kill(x->xs_pid, SIGTERM);
		waitpid(x->xs_pid, NULL, 0);
	}
	if (x->listen_fd >= 0) {
		close(x->listen_fd);
		unlink(x->sock_path);
	}
	if (x->lock_fd >= 0) {
		if (r != -EEXIST)
			unlink(x->pid_path);
		close(x->lock_fd);
	}
	xlog(x, "xend stopped");
	if (x->log_fd >= 0)
		close(x->log_fd);
	if (x->sig_fd >= 0)
		close(x->sig_fd);
	free(x);
	return r;
}
