/*
 * xend domain lifecycle: building a domain's machine from its config, the
 * runner thread that applies on_poweroff/on_reboot/on_crash, create, xm new
 * (managed domains kept on disk), destroy, shutdown/reboot buttons, pause,
 * sysrq, and reaping finished domains.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend/backend.h"
#include "board/machine.h"
#include "toolstack/coredump.h"
#include "toolstack/proto.h"
#include "toolstack/xend_internal.h"
#include "virtio/virtio_devs.h"
#include "xenstore/xs_client.h"

static double now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double since(const struct timespec *t)
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

/* Creates and loads d->m from d->cfg: maxvcpus vCPUs, of which the
 * kernel brings up only `vcpus` (maxcpus= on its command line; the rest
 * stay HSM-stopped until xm vcpu-set), on xend's scheduler pool with the
 * configured weight, cap and affinity, and the control channel to the
 * guest agent. Under x->lock. */
static int domain_build(struct domain *d, char *err, size_t errlen)
{
	struct domain_config *c = &d->cfg;
	char *append = NULL;
	if (c->vcpus < c->maxvcpus) {
		size_t n = (c->cmdline ? strlen(c->cmdline) : 0) + 32;
		if (!(append = malloc(n)))
			return -ENOMEM;
		snprintf(append, n, "%s%smaxcpus=%u", c->cmdline ? c->cmdline : "",
			 c->cmdline && *c->cmdline ? " " : "", c->vcpus);
	}
	/* The machine gets maxmem of RAM; the balloon holds the rest. */
	struct machine_config mc = {
		.ram_size = c->maxmem_mib << 20,
		.nr_harts = c->maxvcpus,
		.kernel = c->kernel, .initrd = c->ramdisk, .append = append ? append : c->cmdline,
		.bios = c->firmware, .detect_panic = true,
		.console = { .write = con_write, .opaque = d },
		.sched = d->x->sched,
	};
	struct machine *m = NULL;
	struct virtio_dev *dev;
	int r;

	err[0] = 0;
	if ((r = machine_create(&mc, &m)) < 0)
		goto out;
	d->m = m;
	d->nr_vbd = d->nr_vif = 0;
	if ((r = sched_apply_config(d, err, errlen)) < 0)
		goto fail;
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
		d->vbd[d->nr_vbd++] = dev;	/* xm top's counters (xend_info.c) */
	}
	if ((r = virtio_rng_create(&dev)) < 0 || (r = machine_add_virtio(m, dev)) < 0)
		goto fail;
	if ((r = machine_add_balloon(m, (c->maxmem_mib - c->memory_mib) << 20)) < 0)
		goto fail;
	/* The control channel, if a slot is left besides the buttons'. */
	if (VIRT_VIRTIO_SLOTS - __builtin_popcount(m->virtio_slots) >= 2) {
		if ((r = ctl_create(d, &dev)) < 0 || (r = machine_add_virtio(m, dev)) < 0)
			goto fail;
	} else {
		xlog(d->x, "(XEN) domain %s: no virtio slot left for the control channel: "
		     "xm vcpu-set will not work", d->name);
	}
	if ((r = machine_load(m, &mc)) < 0)
		goto fail;
	d->ram_mib = c->maxmem_mib;
	clock_gettime(CLOCK_MONOTONIC, &d->started);
	d->start_wall = now_wall();
	r = 0;
	goto out;
fail:
	d->m = NULL;
	machine_destroy(m);
out:
	free(append);
	return r;
}

/* $DOMUS_STATE/dump/<time>-<name>.<domid>.core, as Xen's xm dump-core
 * default (/var/xen/dump/%Y-%m%d-%H%M.%S-<name>.<domid>.core). Creates the
 * directory. */
static int dump_default_path(struct xend *x, const struct domain *d, char *buf, size_t n,
			     char *err, size_t errlen)
{
	char dir[PATH_MAX], ts[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m%d-%H%M.%S", &tm);
	snprintf(dir, sizeof(dir), "%s/dump", x->state);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		int r = -errno;
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(-r));
		return r;
	}
	int w = snprintf(buf, n, "%s/%s-%s.%u.core", dir, ts, d->name, d->id);
	if (w < 0 || (size_t)w >= n) {
		snprintf(err, errlen, "cannot write core dump %s/...: %s", dir, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	return 0;
}

/* on_*=rename-restart, as Xen's xend: the old instance is not destroyed
 * but kept (listed in its final state, s or c, holding its memory) under
 * a new name "Domain-<uuid>" and a new uuid, and keeps its domid; the
 * restarted instance (d) keeps the name, uuid and configuration. The kept
 * domain has no console or machine; xm destroy removes it. Under x->lock,
 * d->m already destroyed. */
static struct domain *preserve_renamed(struct xend *x, struct domain *d, enum machine_exit e)
{
	struct domain *o = calloc(1, sizeof(*o));
	if (!o)
		goto fail;
	o->x = x;
	o->log_fd = -1;
	o->pty_master = o->pty_slave = -1;
	for (unsigned k = 0; k < MAX_VIEWERS; k++)
		o->viewers[k] = -1;
	pthread_mutex_init(&o->con_lock, NULL);
	ctl_init(&o->ctl);
	o->id = d->id;
	uuid_random(o->uuid);
	snprintf(o->name, sizeof(o->name), "Domain-%s", o->uuid);
	/* the configuration's numbers; its strings and devices stay with d */
	o->cfg.memory_mib = d->cfg.memory_mib;
	o->cfg.maxmem_mib = d->cfg.maxmem_mib;
	o->cfg.vcpus = d->cfg.vcpus;
	o->cfg.maxvcpus = d->cfg.maxvcpus;
	o->cfg.cpu_weight = d->cfg.cpu_weight;
	o->cfg.cap = d->cfg.cap;
	o->cfg.on_poweroff = d->cfg.on_poweroff;
	o->cfg.on_reboot = d->cfg.on_reboot;
	o->cfg.on_crash = d->cfg.on_crash;
	memcpy(o->cfg.uuid, o->uuid, sizeof(o->uuid));
	o->cfg.name = strdup(o->name);
	if (!o->cfg.name) {
		ctl_fini(&o->ctl);
		pthread_mutex_destroy(&o->con_lock);
		free(o);
		goto fail;
	}
	o->ram_mib = d->ram_mib;
	o->started = d->started;
	o->start_wall = d->start_wall;
	o->state = e == MACHINE_EXIT_CRASH || e == MACHINE_EXIT_ERROR ? DS_CRASHED : DS_SHUTDOWN;
	o->next = x->doms;
	x->doms = o;
	xlog(x, "(XEN) renaming dead domain %s (%u) to %s", d->name, d->id, o->name);
	return o;
fail:
	xlog(x, "(XEN) domain %s: cannot keep the old instance: %s", d->name, strerror(ENOMEM));
	return NULL;
}

static void *domain_thread(void *arg)
{
	struct domain *d = arg;
	struct xend *x = d->x;

	for (;;) {
		enum machine_exit e = machine_run(d->m);
		pthread_mutex_lock(&x->lock);
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
		if (act == CFG_ACT_COREDUMP_DESTROY || act == CFG_ACT_COREDUMP_RESTART) {
			/* machine_run has returned: no vCPU runs, no pause needed */
			char path[PATH_MAX], err[PATH_MAX + 128];
			if (dump_default_path(x, d, path, sizeof(path), err, sizeof(err)) < 0 ||
			    coredump_machine(d->m, path, 0, err, sizeof(err)) < 0)
				xlog(x, "(XEN) domain %u (%s): Error: %s", d->id, d->name, err);
			else
				xlog(x, "(XEN) domain %u (%s): core dumped to %s", d->id, d->name, path);
		}
		x->gone_cpu_ns += machine_cpu_ns(d->m);	/* xm top: Domain-0's share */
		machine_destroy(d->m);
		d->m = NULL;
		struct domain *kept = act == CFG_ACT_RENAME_RESTART ? preserve_renamed(x, d, e) : NULL;
		if (act == CFG_ACT_RESTART || act == CFG_ACT_RENAME_RESTART ||
		    act == CFG_ACT_COREDUMP_RESTART) {
			xs_domain_remove(x, d, true);
			/* the kept domain: its own entries under the old domid and
			 * its new /vm/<uuid> */
			if (kept)
				xs_domain_write(x, kept);
			d->id = x->next_domid++;
			d->paused = false;	/* the new instance runs */
			pthread_mutex_lock(&d->con_lock);
			d->ring_len = 0;	/* a new instance, a new console */
			pthread_mutex_unlock(&d->con_lock);
			char err[256];
			int r = domain_build(d, err, sizeof(err));
			if (r == 0) {
				xs_domain_write(x, d);
				xlog(x, "(XEN) domain %s restarted as %u", d->name, d->id);
				pthread_mutex_unlock(&x->lock);
				continue;
			}
			xlog(x, "(XEN) domain %s: restart failed: %s", d->name, err[0] ? err : strerror(-r));
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
	ctl_fini(&d->ctl);
	domain_config_free(&d->cfg);
	free(d);
}

/* Joins and frees finished domains. Not under x->lock. */
void reap(struct xend *x)
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

struct domain *domain_find(struct xend *x, const char *s)
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

int managed_path(struct xend *x, const char *name, char *buf, size_t n)
{
	int r = snprintf(buf, n, "%s/domains/%s.req", x->state, name);
	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

/* create args: CWD FNAME TEXT [KEY=VAL...]; out gets the reply text. */
int do_create(struct xend *x, char **argv, unsigned argc, struct obuf *o, bool start,
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
	ctl_init(&d->ctl);
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
	char err[256];
	if ((r = domain_build(d, err, sizeof(err))) < 0) {
		fprintf(o->f, "Error: cannot build domain %s: %s", d->name, err[0] ? err : strerror(-r));
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

int read_managed(struct xend *x, const char *name, char **buf, size_t *len,
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

/* xm pause / unpause: boolean per domain on top of the machine's count. */
int do_pause(struct xend *x, const char *dom, bool pause, struct obuf *o)
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
int do_sysrq(struct xend *x, const char *dom, const char *key, struct obuf *o)
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

int do_destroy(struct xend *x, const char *dom, struct obuf *o)
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

int do_control(struct xend *x, const char *dom, const char *what, struct obuf *o)
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

/* xm dump-core [-C] DOM [FILE]: pauses the domain for the dump, then
 * unpauses it (or with crash, destroys it, as Xen's -C). file: absolute
 * (xm makes it so) or NULL for the default under $DOMUS_STATE/dump. Under
 * x->lock. */
int do_dump_core(struct xend *x, const char *dom, const char *file, bool crash, struct obuf *o)
{
	char path[PATH_MAX], err[PATH_MAX + 128];
	struct domain *d = domain_find(x, dom);
	int r;

	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	if (d->state != DS_RUNNING || !d->m) {
		fprintf(o->f, "Error: Domain '%s' is not running.", dom);
		return -EINVAL;
	}
	if (file && *file) {
		if (snprintf(path, sizeof(path), "%s", file) >= (int)sizeof(path)) {
			fprintf(o->f, "Error: cannot write core dump %s: %s", file, strerror(ENAMETOOLONG));
			return -ENAMETOOLONG;
		}
	} else if ((r = dump_default_path(x, d, path, sizeof(path), err, sizeof(err))) < 0) {
		fprintf(o->f, "Error: %s", err);
		return r;
	}
	if ((r = coredump_machine(d->m, path, 1, err, sizeof(err))) < 0) {
		fprintf(o->f, "Error: %s", err);
		xlog(x, "(XEN) domain %u (%s): dump-core: %s", d->id, d->name, err);
		return r;
	}
	xlog(x, "(XEN) domain %u (%s): core dumped to %s", d->id, d->name, path);
	fprintf(o->f, "Dumping core of domain %s to %s\n", d->name, path);
	if (crash) {
		/* the runner thread finishes it as xm destroy does */
		d->destroy_req = true;
		machine_stop(d->m, MACHINE_EXIT_QUIT);
		fprintf(o->f, "Destroying domain %s\n", d->name);
	}
	return 0;
}
