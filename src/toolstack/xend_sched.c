/*
 * xend: the credit scheduler's settings and vCPU management. xm
 * sched-credit (per domain weight/cap, global tslice/ratelimit), xm
 * vcpu-list / vcpu-pin / vcpu-set, applying a configuration's cpu_weight,
 * cap and cpus= to a new machine, and the control channel to the guest
 * agent (a virtio-console port; guest/rootfs/usr/sbin/domus-agent) through
 * which vcpu-set asks the guest to take CPUs offline or online. Protocol
 * and output formats: docs/toolstack.md.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/machine.h"
#include "toolstack/proto.h"
#include "hv/sched.h"
#include "toolstack/xend_internal.h"
#include "virtio/virtio_devs.h"
#include "xenstore/xs_client.h"

#define VCPU_SET_WAIT_DEFAULT 10	/* seconds xm vcpu-set waits for the guest */
#define VCPU_SET_WAIT_MAX 600

/* ---- the control channel ------------------------------------------- */

void ctl_init(struct ctlchan *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->tx_lock, NULL);
	pthread_mutex_init(&c->rx_lock, NULL);
}

void ctl_fini(struct ctlchan *c)
{
	pthread_mutex_destroy(&c->tx_lock);
	pthread_mutex_destroy(&c->rx_lock);
}

/* Guest output (the device's lock is held): split into lines. */
static void ctl_output(void *opaque, const uint8_t *buf, size_t len)
{
	struct ctlchan *c = &((struct domain *)opaque)->ctl;
	pthread_mutex_lock(&c->rx_lock);
	for (size_t k = 0; k < len; k++) {
		uint8_t ch = buf[k];
		if (ch == '\n') {
			c->part[c->part_len] = 0;
			memcpy(c->lines[c->nr_lines % CTL_LINES], c->part, c->part_len + 1);
			c->nr_lines++;
			if (!strncmp(c->part, "hello domus-agent", 17))
				c->hello = true;
			c->part_len = 0;
		} else if (ch >= ' ' && ch < 0x7f && c->part_len < CTL_LINE - 1) {
			c->part[c->part_len++] = (char)ch;	/* longer lines are cut */
		}
	}
	pthread_mutex_unlock(&c->rx_lock);
}

/* Hands pending requests to the guest's receive buffers. tx_lock held. */
static void ctl_flush(struct ctlchan *c)
{
	if (!c->dev || !c->tx_len)
		return;
	size_t n = virtio_console_input(c->dev, (const uint8_t *)c->tx, c->tx_len);
	memmove(c->tx, c->tx + n, c->tx_len - n);
	c->tx_len -= n;
}

static void ctl_rx_ready(void *opaque)
{
	struct ctlchan *c = &((struct domain *)opaque)->ctl;
	pthread_mutex_lock(&c->tx_lock);
	ctl_flush(c);
	pthread_mutex_unlock(&c->tx_lock);
}

static void ctl_release(void *opaque)
{
	struct ctlchan *c = &((struct domain *)opaque)->ctl;
	pthread_mutex_lock(&c->tx_lock);
	c->dev = NULL;
	c->tx_len = 0;
	pthread_mutex_unlock(&c->tx_lock);
}

int ctl_create(struct domain *d, struct virtio_dev **out)
{
	struct ctlchan *c = &d->ctl;
	const struct virtio_console_io io = {
		.output = ctl_output, .rx_ready = ctl_rx_ready, .release = ctl_release, .opaque = d,
	};
	pthread_mutex_lock(&c->rx_lock);
	c->part_len = 0;
	c->hello = false;
	pthread_mutex_unlock(&c->rx_lock);
	int r = virtio_console_create(&io, out);
	pthread_mutex_lock(&c->tx_lock);
	c->dev = r < 0 ? NULL : *out;
	c->tx_len = 0;
	pthread_mutex_unlock(&c->tx_lock);
	return r;
}

/* Queues one request line; -ENODEV without a channel, -ENOSPC if the
 * guest has not taken earlier requests. */
static int ctl_send(struct ctlchan *c, const char *line)
{
	size_t n = strlen(line);
	int r = 0;
	pthread_mutex_lock(&c->tx_lock);
	if (!c->dev)
		r = -ENODEV;
	else if (n + 1 > CTL_TX - c->tx_len)
		r = -ENOSPC;
	else {
		memcpy(c->tx + c->tx_len, line, n);
		c->tx[c->tx_len + n] = '\n';
		c->tx_len += n + 1;
		ctl_flush(c);
	}
	pthread_mutex_unlock(&c->tx_lock);
	return r;
}

static uint64_t ctl_mark(struct ctlchan *c)
{
	pthread_mutex_lock(&c->rx_lock);
	uint64_t n = c->nr_lines;
	pthread_mutex_unlock(&c->rx_lock);
	return n;
}

/* The first answer since mark "<word> cpu K ..." (word: ok or error) for
 * a vCPU K in `cpus` (copied to buf): answers to earlier requests for
 * other vCPUs do not count. Lines older than the ring are lost. */
static bool ctl_find(struct ctlchan *c, uint64_t mark, const char *word, uint64_t cpus,
		     char *buf, size_t n)
{
	bool found = false;
	size_t wl = strlen(word);
	pthread_mutex_lock(&c->rx_lock);
	if (c->nr_lines > mark + CTL_LINES)
		mark = c->nr_lines - CTL_LINES;
	for (uint64_t k = mark; k < c->nr_lines && !found; k++) {
		const char *l = c->lines[k % CTL_LINES];
		unsigned cpu;
		if (strncmp(l, word, wl) || strncmp(l + wl, " cpu ", 5) ||
		    sscanf(l + wl + 5, "%u", &cpu) != 1 || cpu >= 64 || !(cpus >> cpu & 1))
			continue;
		snprintf(buf, n, "%s", l);
		found = true;
	}
	pthread_mutex_unlock(&c->rx_lock);
	return found;
}

/* ---- helpers --------------------------------------------------------- */

static bool is_dom0(const char *s)
{
	return !strcmp(s, "0") || !strcmp(s, "Domain-0");
}

/* A decimal integer, optionally negative, nothing else. */
static bool parse_long(const char *s, long *out)
{
	char *e;
	if (!*s)
		return false;
	errno = 0;
	long v = strtol(s, &e, 10);
	if (*e || errno)
		return false;
	*out = v;
	return true;
}

static uint64_t pool_mask(const struct xend *x)
{
	unsigned n = sched_nr_pcpus(x->sched);
	return n >= 64 ? ~0ULL : (1ULL << n) - 1;
}

/* A running domain with a machine, or NULL with the error in o. */
static struct domain *running_domain(struct xend *x, const char *dom, struct obuf *o, int *r)
{
	struct domain *d = domain_find(x, dom);
	if (!d) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		*r = -ENOENT;
		return NULL;
	}
	if (d->state != DS_RUNNING || !d->m) {
		fprintf(o->f, "Error: Domain '%s' is not running.", dom);
		*r = -EINVAL;
		return NULL;
	}
	return d;
}

/* The cap the pool accepts: a cap above all its pCPUs is no limit. */
static unsigned pool_cap(const struct xend *x, long cap)
{
	unsigned max = 100 * sched_nr_pcpus(x->sched);
	return cap > (long)max ? max : (unsigned)cap;
}

int sched_apply_config(struct domain *d, char *err, size_t errlen)
{
	struct xend *x = d->x;
	struct domain_config *c = &d->cfg;
	uint64_t pool = pool_mask(x);
	int r = sched_dom_set(machine_sched_dom(d->m), (unsigned)c->cpu_weight, pool_cap(x, c->cap));
	if (r < 0) {
		snprintf(err, errlen, "cannot set weight %ld cap %ld: %s", c->cpu_weight, c->cap,
			 strerror(-r));
		return r;
	}
	for (unsigned k = 0; k < c->maxvcpus; k++) {
		uint64_t aff = domain_config_affinity(c, k) & pool;
		if (!aff) {
			char buf[200];
			cfg_cpus_format(domain_config_affinity(c, k), buf, sizeof(buf));
			snprintf(err, errlen, "cpus: vCPU %u: no CPU of '%s' exists on this host "
				 "(pCPUs 0-%u)", k, buf, sched_nr_pcpus(x->sched) - 1);
			return -EINVAL;
		}
		r = sched_unit_set_affinity(machine_vcpu_unit(d->m, k), aff);
		if (r < 0) {
			snprintf(err, errlen, "cannot pin vCPU %u: %s", k, strerror(-r));
			return r;
		}
	}
	return 0;
}

/* ---- xm sched-credit ---------------------------------------------------- */

static void credit_line(FILE *f, const char *name, unsigned id, unsigned weight, unsigned cap)
{
	fprintf(f, "%-32s %5u %6u %4u\n", name, id, weight, cap);
}

static void credit_get(const struct domain *d, unsigned *w, unsigned *cap)
{
	*w = (unsigned)d->cfg.cpu_weight;
	*cap = (unsigned)d->cfg.cap;
}

/* sched-credit                 every domain
 * sched-credit -d DOM          one
 * sched-credit -d DOM W C      set (W or C "" = unchanged)
 * sched-credit -s              global parameters
 * sched-credit -s T R          set them (T or R "" = unchanged) */
int do_sched_credit(struct xend *x, char **argv, unsigned argc, struct obuf *o)
{
	unsigned ts, rl, w, cap;
	long v;

	if (argc >= 2 && !strcmp(argv[1], "-s")) {
		sched_get_params(x->sched, &ts, &rl);
		if (argc == 2) {
			fprintf(o->f, "Cpupool Pool-0: tslice=%ums ratelimit=%uus\n", ts, rl);
			return 0;
		}
		if (argc != 4)
			goto usage;
		if (*argv[2]) {
			if (!parse_long(argv[2], &v) || v < SCHED_TSLICE_MIN_MS || v > SCHED_TSLICE_MAX_MS) {
				fprintf(o->f, "Error: invalid tslice '%s': expected %d to %d (ms).", argv[2],
					SCHED_TSLICE_MIN_MS, SCHED_TSLICE_MAX_MS);
				return -EINVAL;
			}
			ts = (unsigned)v;
		}
		if (*argv[3]) {
			if (!parse_long(argv[3], &v) || (v != 0 && (v < SCHED_RATELIMIT_MIN_US ||
								    v > SCHED_RATELIMIT_MAX_US))) {
				fprintf(o->f, "Error: invalid ratelimit '%s': expected 0 or %d to %d (us).",
					argv[3], SCHED_RATELIMIT_MIN_US, SCHED_RATELIMIT_MAX_US);
				return -EINVAL;
			}
			rl = (unsigned)v;
		}
		if ((uint64_t)rl > (uint64_t)ts * 1000) {
			fprintf(o->f, "Error: ratelimit %uus is longer than the tslice (%ums).", rl, ts);
			return -EINVAL;
		}
		int r = sched_set_params(x->sched, ts, rl);
		if (r < 0) {
			fprintf(o->f, "Error: cannot set tslice %ums ratelimit %uus: %s", ts, rl, strerror(-r));
			return r;
		}
		xlog(x, "(XEN) credit scheduler: tslice %u ms, ratelimit %u us", ts, rl);
		return 0;
	}
	const char *dom = NULL;
	if (argc >= 3 && !strcmp(argv[1], "-d"))
		dom = argv[2];
	else if (argc != 1)
		goto usage;
	if (argc == 5) {
		if (is_dom0(dom)) {
			fprintf(o->f, "Error: Domain-0 is the host; its scheduling parameters are fixed.");
			return -EINVAL;
		}
		struct domain *d = domain_find(x, dom);
		if (!d) {
			fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
			return -ENOENT;
		}
		credit_get(d, &w, &cap);
		if (*argv[3]) {
			if (!parse_long(argv[3], &v) || v < 1 || v > SCHED_WEIGHT_MAX) {
				fprintf(o->f, "Error: invalid weight '%s': expected 1 to %d.", argv[3],
					SCHED_WEIGHT_MAX);
				return -EINVAL;
			}
			w = (unsigned)v;
		}
		if (*argv[4]) {
			long max = 100L * d->cfg.maxvcpus;
			if (!parse_long(argv[4], &v) || v < 0 || v > max) {
				fprintf(o->f, "Error: invalid cap '%s': expected 0 to %ld (100 per vCPU, %u vCPUs; 0: no cap).",
					argv[4], max, d->cfg.maxvcpus);
				return -EINVAL;
			}
			cap = (unsigned)v;
		}
		if (d->m) {
			int r = sched_dom_set(machine_sched_dom(d->m), w, pool_cap(x, cap));
			if (r < 0) {
				fprintf(o->f, "Error: cannot set weight %u cap %u: %s", w, cap, strerror(-r));
				return r;
			}
		}
		d->cfg.cpu_weight = w;
		d->cfg.cap = cap;
		xlog(x, "(XEN) domain %u (%s): weight %u cap %u", d->id, d->name, w, cap);
		return 0;
	}
	if (argc != 1 && argc != 3)
		goto usage;
	struct domain *only = NULL;
	if (dom && !is_dom0(dom) && !(only = domain_find(x, dom))) {
		fprintf(o->f, "Error: Domain '%s' does not exist.", dom);
		return -ENOENT;
	}
	fprintf(o->f, "%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
	if (!dom || is_dom0(dom))
		credit_line(o->f, "Domain-0", 0, SCHED_WEIGHT_DEFAULT, 0);
	if (dom && is_dom0(dom))
		return 0;
	unsigned last = 0;
	for (;;) {	/* ascending domid */
		struct domain *best = NULL;
		for (struct domain *d = x->doms; d; d = d->next)
			if (d->state != DS_DEAD && d->id > last && (!best || d->id < best->id))
				best = d;
		if (!best)
			break;
		last = best->id;
		if (only && best != only)
			continue;
		credit_get(best, &w, &cap);
		credit_line(o->f, best->name, best->id, w, cap);
	}
	return 0;
usage:
	fprintf(o->f, "Error: sched-credit: wrong arguments");
	return -EINVAL;
}

/* ---- xm vcpu-list ------------------------------------------------------- */

static void affinity_str(const struct xend *x, uint64_t mask, char *buf, size_t n)
{
	uint64_t pool = pool_mask(x);
	if ((mask & pool) == pool)
		snprintf(buf, n, "any cpu");
	else if (!(mask & pool) || cfg_cpus_format(mask & pool, buf, n) < 0)
		snprintf(buf, n, "no cpus");
}

/* Seconds of host CPU time per CPU (/proc/stat), for Domain-0's lines. */
static double host_cpu_seconds(unsigned cpu)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[512], want[16];
	double s = 0;
	long hz = sysconf(_SC_CLK_TCK);
	if (!f)
		return 0;
	snprintf(want, sizeof(want), "cpu%u ", cpu);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long u, ni, sy, id, io, irq, sirq;
		if (strncmp(line, want, strlen(want)))
			continue;
		if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu", &u, &ni, &sy, &id,
			   &io, &irq, &sirq) == 7)
			s = (double)(u + ni + sy + irq + sirq) / (hz > 0 ? hz : 100);
		break;
	}
	fclose(f);
	return s;
}

static void vcpu_line(FILE *f, const char *name, unsigned id, unsigned vcpu, const char *cpu,
		      const char *state, double t, const char *aff)
{
	fprintf(f, "%-32s %5u %5u %5s %5s  %8.1f %s\n", name, id, vcpu, cpu, state, t, aff);
}

static void vcpu_lines(struct xend *x, struct domain *d, FILE *f)
{
	if (d->state != DS_RUNNING || !d->m)
		return;		/* no vCPUs while shut down (as Xen's halted domains) */
	for (unsigned k = 0; k < d->m->nr_harts; k++) {
		struct sched_unit_info in;
		char cpu[16], aff[200];
		const char *st;
		sched_unit_get_info(machine_vcpu_unit(d->m, k), &in);
		snprintf(cpu, sizeof(cpu), "-");
		switch (in.state) {
		case 'r':
			st = in.pcpu >= 0 ? "r--" : "---";
			break;
		case 'b': st = "-b-"; break;
		default: st = "--p"; break;	/* offline ('-') or paused ('p') */
		}
		if (in.pcpu >= 0 && in.state != '-')
			snprintf(cpu, sizeof(cpu), "%d", in.pcpu);
		affinity_str(x, in.affinity, aff, sizeof(aff));
		vcpu_line(f, d->name, d->id, k, cpu, st, in.cpu_ns / 1e9, aff);
	}
}

int do_vcpu_list(struct xend *x, char **argv, unsigned argc, struct obuf *o)
{
	for (unsigned k = 1; k < argc; k++)
		if (!is_dom0(argv[k]) && !domain_find(x, argv[k])) {
			fprintf(o->f, "Error: Domain '%s' does not exist.", argv[k]);
			return -ENOENT;
		}
	fprintf(o->f, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State",
		"Time(s)", "CPU Affinity");
	if (argc == 1) {
		/* Domain-0 is the host: one vCPU per host CPU, each on its CPU */
		for (unsigned k = 0; k < x->dom0_cpus; k++) {
			char cpu[16];
			snprintf(cpu, sizeof(cpu), "%u", k);
			vcpu_line(o->f, "Domain-0", 0, k, cpu, "r--", host_cpu_seconds(k), "any cpu");
		}
		unsigned last = 0;
		for (;;) {
			struct domain *best = NULL;
			for (struct domain *d = x->doms; d; d = d->next)
				if (d->state != DS_DEAD && d->id > last && (!best || d->id < best->id))
					best = d;
			if (!best)
				break;
			last = best->id;
			vcpu_lines(x, best, o->f);
		}
		return 0;
	}
	for (unsigned k = 1; k < argc; k++) {
		if (is_dom0(argv[k])) {
			for (unsigned c = 0; c < x->dom0_cpus; c++) {
				char cpu[16];
				snprintf(cpu, sizeof(cpu), "%u", c);
				vcpu_line(o->f, "Domain-0", 0, c, cpu, "r--", host_cpu_seconds(c), "any cpu");
			}
		} else {
			vcpu_lines(x, domain_find(x, argv[k]), o->f);
		}
	}
	return 0;
}

/* ---- xm vcpu-pin -------------------------------------------------------- */

/* Keeps the new affinity of vCPU k (or all, k < 0) in the domain's record,
 * so a restart keeps it and xm list -l shows it. */
static void pin_record(struct domain_config *c, int k, uint64_t mask)
{
	uint64_t cur[CFG_MAX_VCPUS];
	unsigned nr = c->maxvcpus < CFG_MAX_VCPUS ? c->maxvcpus : CFG_MAX_VCPUS;
	bool same = true;
	for (unsigned v = 0; v < nr; v++) {
		cur[v] = domain_config_affinity(c, v);
		if (k < 0 || (unsigned)k == v)
			cur[v] = mask;
		same = same && cur[v] == cur[0];
	}
	/* the text form: one list for every vCPU, or Xen's list form */
	char buf[1200], one[200];
	size_t n = 0;
	for (unsigned v = 0; v < (same ? 1 : nr) && n < sizeof(buf) - 1; v++) {
		if (cur[v] == ~0ULL)
			snprintf(one, sizeof(one), "all");
		else
			cfg_cpus_format(cur[v], one, sizeof(one));
		n += snprintf(buf + n, sizeof(buf) - n, same ? "%s%s" : "%s\"%s\"", v ? ", " : "", one);
	}
	char *s = NULL;
	if (!same || cur[0] != ~0ULL) {
		s = malloc(strlen(buf) + 3);
		if (!s)
			return;		/* the machine has the new affinity anyway */
		sprintf(s, same ? "%s" : "[%s]", buf);
	}
	free(c->cpus);
	c->cpus = s;
	memcpy(c->cpumask, cur, nr * sizeof(cur[0]));
	c->cpus_per_vcpu = !same;
	c->nr_cpumasks = same ? (cur[0] == ~0ULL ? 0 : 1) : nr;
}

int do_vcpu_pin(struct xend *x, const char *dom, const char *vcpu, const char *cpus,
		struct obuf *o)
{
	char err[200];
	long v = -1;
	uint64_t mask;
	int r = 0;

	if (is_dom0(dom)) {
		fprintf(o->f, "Error: Domain-0 is the host; its vCPUs cannot be pinned.");
		return -EINVAL;
	}
	struct domain *d = running_domain(x, dom, o, &r);
	if (!d)
		return r;
	unsigned nr = d->m->nr_harts;
	if (strcmp(vcpu, "all") && (!parse_long(vcpu, &v) || v < 0 || v >= (long)nr)) {
		fprintf(o->f, "Error: Invalid VCPU '%s': domain '%s' has vCPUs 0 to %u (or all).", vcpu,
			dom, nr - 1);
		return -EINVAL;
	}
	if (!strcmp(cpus, "all"))
		mask = ~0ULL;
	else if (cfg_cpus_parse(cpus, &mask, err, sizeof(err)) < 0) {
		fprintf(o->f, "Error: %s", err);
		return -EINVAL;
	}
	uint64_t pool = pool_mask(x);
	if (!(mask & pool)) {
		fprintf(o->f, "Error: CPU list '%s' names no pCPU of this host (0-%u).", cpus,
			sched_nr_pcpus(x->sched) - 1);
		return -EINVAL;
	}
	for (unsigned k = 0; k < nr; k++) {
		if (v >= 0 && (unsigned)v != k)
			continue;
		if ((r = sched_unit_set_affinity(machine_vcpu_unit(d->m, k), mask & pool)) < 0) {
			fprintf(o->f, "Error: cannot pin vCPU %u: %s", k, strerror(-r));
			return r;
		}
	}
	pin_record(&d->cfg, (int)v, (mask & pool) == pool ? ~0ULL : mask & pool);
	xlog(x, "(XEN) domain %u (%s): vCPU %s pinned to %s", d->id, d->name, vcpu, cpus);
	return 0;
}

/* ---- xm vcpu-set -------------------------------------------------------- */

/* Online as the hypervisor sees it: not HSM-stopped (the scheduler then
 * has the unit offline, '-' in xm vcpu-list). */
static bool vcpu_online(struct machine *m, unsigned k)
{
	int st = atomic_load(&m->vcpus[k].hsm);
	return st != HSM_STOPPED && st != HSM_START_PENDING;
}

static void vcpu_avail_write(struct xend *x, struct domain *d, unsigned n)
{
	char v[32];
	for (unsigned k = 0; k < d->cfg.maxvcpus; k++)
		xsw(x, k < n ? "online" : "offline", "/local/domain/%u/cpu/%u/availability", d->id, k);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)(n >= 64 ? ~0ULL : (1ULL << n) - 1));
	xsw(x, v, "/vm/%s/vcpu_avail", d->uuid);
}

/* One xm vcpu-set waiting for the guest, on its own thread (xend's main
 * loop keeps serving other requests); it owns the client's socket. */
struct vcpu_set_wait {
	struct xend *x;
	struct domain *d;
	unsigned id, max;
	long n, secs;
	uint64_t mark;
	uint64_t asked;		/* vCPUs the guest was asked about */
	int cfd;
	char dom[128];
};

/* Polls until the hypervisor sees vCPUs 0..n-1 online and the rest
 * offline, the agent reports an error, or the time is up. 0 or -errno
 * with the message in o. */
static int vcpu_set_wait(struct vcpu_set_wait *w, struct obuf *o)
{
	struct xend *x = w->x;
	struct domain *d = w->d;
	char ans[CTL_LINE] = "";
	bool answered = false, agent = false, hello = false;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pthread_mutex_lock(&x->lock);
		struct domain *e = x->doms;
		while (e && !(e == d && e->id == w->id && e->state == DS_RUNNING && e->m))
			e = e->next;
		if (!e) {
			pthread_mutex_unlock(&x->lock);
			fprintf(o->f, "Error: Domain '%s' went away during vcpu-set.", w->dom);
			return -ENOENT;
		}
		bool done = true;
		for (unsigned k = 0; k < w->max; k++)
			done = done && vcpu_online(d->m, k) == (k < (unsigned)w->n);
		answered = answered || ctl_find(&d->ctl, w->mark, "ok", w->asked, ans, sizeof(ans));
		bool failed = ctl_find(&d->ctl, w->mark, "error", w->asked, ans, sizeof(ans));
		agent = answered || failed;
		pthread_mutex_lock(&d->ctl.rx_lock);
		hello = d->ctl.hello;
		pthread_mutex_unlock(&d->ctl.rx_lock);
		pthread_mutex_unlock(&x->lock);
		if (done)
			return 0;
		if (failed) {
			fprintf(o->f, "Error: Domain '%s' refused vcpu-set %ld: guest agent: %s", w->dom,
				w->n, ans);
			return -EIO;
		}
		if (since(&t0) >= w->secs)
			break;
		usleep(50000);
	}
	fprintf(o->f, "Error: Domain '%s' did not reach %ld online vCPUs within %ld s (%s).", w->dom,
		w->n, w->secs, agent ? "the guest agent answered but the vCPUs did not follow"
			     : hello ? "no answer from the guest agent"
				     : "no guest agent on the control channel; is domus-agent running in the guest?");
	return -ETIMEDOUT;
}

static void *vcpu_set_thread(void *arg)
{
	struct vcpu_set_wait *w = arg;
	struct xend *x = w->x;
	struct obuf o;
	int r = -ENOMEM;
	if (ob_open(&o) == 0) {
		r = vcpu_set_wait(w, &o);
		ob_close(&o);
	}
	proto_send_reply(w->cfd, r < 0, o.b ? o.b : "", o.b ? o.len : 0);
	free(o.b);
	close(w->cfd);
	pthread_mutex_lock(&x->lock);
	x->vcpu_waiters--;
	pthread_mutex_unlock(&x->lock);
	free(w);
	return NULL;
}

/* xm vcpu-set DOM N [WAIT]: the request part under x->lock; the wait for
 * the guest runs on a thread that replies on cfd. Returns 1 when that
 * thread took cfd over, else 0 / -errno with the reply in o. */
int do_vcpu_set(struct xend *x, const char *dom, const char *nstr, const char *wait_s,
		int cfd, struct obuf *o)
{
	long n, secs = VCPU_SET_WAIT_DEFAULT;
	int r = 0;
	char line[64];

	if (wait_s && *wait_s && (!parse_long(wait_s, &secs) || secs < 0 || secs > VCPU_SET_WAIT_MAX))
		secs = VCPU_SET_WAIT_DEFAULT;
	if (is_dom0(dom)) {
		fprintf(o->f, "Error: Domain-0 is the host; its vCPUs cannot be changed.");
		return -EINVAL;
	}
	struct domain *d = running_domain(x, dom, o, &r);
	if (!d)
		return r;
	unsigned max = d->m->nr_harts;
	if (!parse_long(nstr, &n) || n < 1 || n > (long)max) {
		fprintf(o->f, "Error: invalid number of vCPUs '%s': domain '%s' may have 1 to %u (maxvcpus).",
			nstr, dom, max);
		return -EINVAL;
	}
	if (d->paused) {
		fprintf(o->f, "Error: Domain '%s' is paused; unpause it first (the guest must act).", dom);
		return -EBUSY;
	}
	struct vcpu_set_wait *w = calloc(1, sizeof(*w));
	if (!w) {
		fprintf(o->f, "Error: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	d->cfg.vcpus = (unsigned)n;
	vcpu_avail_write(x, d, (unsigned)n);
	uint64_t mark = ctl_mark(&d->ctl), asked = 0;
	/* online upwards, offline downwards (as a guest would do it by hand) */
	for (unsigned k = 1; k < max && r == 0; k++)
		if (k < n) {
			snprintf(line, sizeof(line), "cpu %u online", k);
			r = ctl_send(&d->ctl, line);
			asked |= 1ULL << k;
		}
	for (unsigned k = max; k-- > (unsigned)n && r == 0;) {
		snprintf(line, sizeof(line), "cpu %u offline", k);
		r = ctl_send(&d->ctl, line);
		asked |= 1ULL << k;
	}
	if (r < 0) {
		fprintf(o->f, "Error: Domain '%s': cannot reach the guest agent: %s.", dom,
			r == -ENODEV ? "the domain has no control channel" : "it is not reading requests");
		free(w);
		return r;
	}
	xlog(x, "(XEN) domain %u (%s): vcpu-set %ld requested", d->id, d->name, n);
	*w = (struct vcpu_set_wait){ .x = x, .d = d, .id = d->id, .max = max, .n = n, .secs = secs,
				     .mark = mark, .asked = asked, .cfd = cfd };
	snprintf(w->dom, sizeof(w->dom), "%s", dom);
	pthread_t t;
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	r = -pthread_create(&t, &at, vcpu_set_thread, w);
	pthread_attr_destroy(&at);
	if (r < 0) {
		fprintf(o->f, "Error: cannot wait for domain '%s': %s", dom, strerror(-r));
		free(w);
		return r;
	}
	x->vcpu_waiters++;
	return 1;
}
