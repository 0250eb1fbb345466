/*
 * xend's information requests: `xm info` (host, hypervisor and xend
 * configuration, Xen's field names and layout) and `top-sample`, the
 * machine-readable snapshot `xm top` renders (format in docs/toolstack.md
 * and src/toolstack/top.h). Both run under x->lock.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "board/layout.h"
#include "board/machine.h"
#include "hv/sched.h"
#include "toolstack/top.h"
#include "toolstack/xend_internal.h"
#include "virtio/virtio_devs.h"

/* Domus's own version, reported in Xen's xen_major/minor/extra fields. */
#define DOMUS_MAJOR 0
#define DOMUS_MINOR 1
#define DOMUS_EXTRA "-domus"
/* Build facts passed by tests/toolstack/module.mk (absent: unknown). */
#ifndef DOMUS_CHANGESET
#define DOMUS_CHANGESET "unavailable"
#endif
#ifndef DOMUS_COMPILE_BY
#define DOMUS_COMPILE_BY "unknown"
#endif
#ifdef __clang__
#define CC_NAME "clang version " __clang_version__
#else
#define CC_NAME "gcc version " __VERSION__
#endif

/* First line of a small text file, newline stripped; -errno if unreadable. */
static int read_line(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	char *p = fgets(buf, (int)n, f);
	fclose(f);
	if (!p)
		return -EIO;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* Number of CPUs in a sysfs cpu list ("0-3,8,10-11"); 0 if unreadable. */
static unsigned cpulist_count(const char *path)
{
	char buf[512];
	if (read_line(path, buf, sizeof(buf)) < 0)
		return 0;
	unsigned n = 0;
	for (char *p = buf; *p;) {
		char *end;
		unsigned long a = strtoul(p, &end, 10), b = a;
		if (end == p)
			break;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				break;
		}
		n += (unsigned)(b - a + 1);
		p = end;
		if (*p == ',')
			p++;
	}
	return n;
}

/* Host figures for xm info, read from sysfs and /proc. */
struct host_info {
	unsigned nodes, cores_per_socket, threads_per_core;
	unsigned cpu_mhz;
};

/* The CPU clock in MHz: /proc/cpuinfo's "cpu MHz" (x86), else cpufreq's
 * maximum; 0 if the host says neither. */
static unsigned host_cpu_mhz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	double mhz = 0;
	if (f) {
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "cpu MHz", 7)) {
				char *c = strchr(line, ':');
				if (c)
					mhz = strtod(c + 1, NULL);
				break;
			}
		fclose(f);
	}
	if (mhz < 1 && read_line("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", line,
				 sizeof(line)) == 0)
		mhz = strtod(line, NULL) / 1000;	/* kHz */
	return mhz > 0 && mhz < 1e6 ? (unsigned)(mhz + 0.5) : 0;
}

static void host_info_read(struct host_info *h)
{
	h->nodes = 0;
	DIR *d = opendir("/sys/devices/system/node");
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (!strncmp(e->d_name, "node", 4) && e->d_name[4] >= '0' && e->d_name[4] <= '9')
				h->nodes++;
		closedir(d);
	}
	if (!h->nodes)
		h->nodes = 1;
	const char *topo = "/sys/devices/system/cpu/cpu0/topology";
	char p[128];
	snprintf(p, sizeof(p), "%s/thread_siblings_list", topo);
	h->threads_per_core = cpulist_count(p);
	if (!h->threads_per_core)
		h->threads_per_core = 1;
	snprintf(p, sizeof(p), "%s/package_cpus_list", topo);
	unsigned pkg = cpulist_count(p);
	if (!pkg) {
		snprintf(p, sizeof(p), "%s/core_siblings_list", topo);
		pkg = cpulist_count(p);
	}
	h->cores_per_socket = pkg >= h->threads_per_core ? pkg / h->threads_per_core : 1;
	h->cpu_mhz = host_cpu_mhz();
}

/* The host's CPU feature words: on x86 CPUID leaf 1 EDX, 0x80000001 EDX,
 * leaf 1 ECX and leaf 7 EBX (Xen's hw_caps starts with the same words);
 * elsewhere the ELF AT_HWCAP / AT_HWCAP2 words. */
static void hw_caps(FILE *f)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d, w[4] = { 0 };
	if (__get_cpuid(1, &a, &b, &c, &d))
		w[0] = d, w[2] = c;
	if (__get_cpuid(0x80000001, &a, &b, &c, &d))
		w[1] = d;
	if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
		w[3] = b;
	fprintf(f, "%08x:%08x:%08x:%08x\n", w[0], w[1], w[2], w[3]);
#else
	unsigned long h = getauxval(AT_HWCAP), h2 = getauxval(AT_HWCAP2);
	fprintf(f, "%08lx:%08lx:%08lx\n", h & 0xffffffffUL, h >> 16 >> 16, h2 & 0xffffffffUL);
#endif
}

static uint64_t mem_free_mib(struct xend *x)
{
	uint64_t used = mem_used(x);
	return x->guest_mem_mib > used ? x->guest_mem_mib - used : 0;
}

void do_info(struct xend *x, struct obuf *o)
{
	struct utsname u;
	struct host_info h;
	if (uname(&u) < 0)
		memset(&u, 0, sizeof(u));
	host_info_read(&h);
	FILE *f = o->f;
#define F(k) fprintf(f, "%-23s: ", k)
	F("host"); fprintf(f, "%s\n", u.nodename);
	F("release"); fprintf(f, "%s\n", u.release);
	F("version"); fprintf(f, "%s\n", u.version);
	F("machine"); fprintf(f, "%s\n", u.machine);
	F("nr_cpus"); fprintf(f, "%u\n", x->pcpus);
	F("nr_nodes"); fprintf(f, "%u\n", h.nodes);
	F("cores_per_socket"); fprintf(f, "%u\n", h.cores_per_socket);
	F("threads_per_core"); fprintf(f, "%u\n", h.threads_per_core);
	F("cpu_mhz"); fprintf(f, "%u\n", h.cpu_mhz);
	F("hw_caps"); hw_caps(f);
	/* Guests are interpreted: no hardware virtualization is used. */
	F("virt_caps"); fprintf(f, "pv\n");
	F("total_memory"); fprintf(f, "%llu\n", (unsigned long long)(x->dom0_mem_mib + x->guest_mem_mib));
	F("free_memory"); fprintf(f, "%llu\n", (unsigned long long)mem_free_mib(x));
	F("free_cpus"); fprintf(f, "0\n");	/* every pCPU is in xend's one pool */
	F("xen_major"); fprintf(f, "%d\n", DOMUS_MAJOR);
	F("xen_minor"); fprintf(f, "%d\n", DOMUS_MINOR);
	F("xen_extra"); fprintf(f, "%s\n", DOMUS_EXTRA);
	/* pv: a kernel started in S-mode with Domus as its SBI firmware;
	 * fw: an M-mode firmware image (OpenSBI, U-Boot) runs first. */
	F("xen_caps"); fprintf(f, "rv64gc-pv rv64gc-fw\n");
	F("xen_scheduler"); fprintf(f, "credit\n");
	F("xen_pagesize"); fprintf(f, "4096\n");
	F("platform_params"); fprintf(f, "ram_start=0x%llx timebase_hz=%llu max_vcpus=%u\n",
				      VIRT_RAM_BASE, VIRT_TIMEBASE_HZ, VIRT_MAX_HARTS);
	F("xen_changeset"); fprintf(f, "%s\n", DOMUS_CHANGESET);
	F("cc_compiler"); fprintf(f, "%s\n", CC_NAME);
	F("cc_compile_by"); fprintf(f, "%s\n", DOMUS_COMPILE_BY);
	F("cc_compile_date"); fprintf(f, "%s %s\n", __DATE__, __TIME__);
	F("xend_config_format"); fprintf(f, "4\n");
	/* xend's configuration (xend.conf) and state */
	F("xend_state_dir"); fprintf(f, "%s\n", x->state);
	F("xend_uptime"); fprintf(f, "%ld\n", (long)(time(NULL) - x->boot));
	F("xend_dom0_memory"); fprintf(f, "%llu\n", (unsigned long long)x->dom0_mem_mib);
	F("xend_guest_memory"); fprintf(f, "%llu\n", (unsigned long long)x->guest_mem_mib);
	F("xend_pcpus"); fprintf(f, "%u\n", x->pcpus);
	F("xend_dom0_cpus"); fprintf(f, "%u\n", x->dom0_cpus);
	F("xend_network_script"); fprintf(f, "%s\n", x->network_script);
	F("xend_relocation_port"); fprintf(f, "%u\n", x->reloc_port);
	F("xend_relocation_hosts"); fprintf(f, "%s\n", x->reloc_hosts);
	F("xenstored"); fprintf(f, "%s\n", x->xenstored);
#undef F
}

/* xentop's state letters. A running domain is 'r' while one of its
 * vCPUs runs or waits for a pCPU, 'b' when all are blocked (WFI, or
 * offline), as Xen's domain flags. Under x->lock. */
static const char *top_state(const struct domain *d)
{
	switch (d->state) {
	case DS_RUNNING:
		if (d->paused)
			return "--p---";
		if (d->m)
			for (unsigned k = 0; k < d->m->nr_harts; k++) {
				struct sched_unit *u = machine_vcpu_unit(d->m, k);
				struct sched_unit_info in;
				if (!u)
					continue;
				sched_unit_get_info(u, &in);
				if (in.state == 'r')
					return "r-----";
			}
		return d->m ? "-b----" : "r-----";
	case DS_SHUTDOWN: return "---s--";
	case DS_CRASHED: return "----c-";
	default: return "-----d";
	}
}

static uint64_t ns_of(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Guest RAM pages resident in the host (mincore over the RAM mapping, in
 * chunks so that the vector stays small): what the guest has touched and
 * the balloon has not given back. */
static uint64_t ram_resident_kib(struct machine *m)
{
	enum { CHUNK_PAGES = 65536 };	/* 256 MiB of RAM per call */
	unsigned char *vec = malloc(CHUNK_PAGES);
	uint8_t *ram = m->bus.ram;
	uint64_t pages = m->bus.ram_size >> 12, res = 0;
	if (!vec || !ram)
		goto out;
	for (uint64_t p = 0; p < pages; p += CHUNK_PAGES) {
		uint64_t n = pages - p < CHUNK_PAGES ? pages - p : CHUNK_PAGES;
		if (mincore(ram + (p << 12), n << 12, vec) < 0)
			break;
		for (uint64_t k = 0; k < n; k++)
			res += vec[k] & 1;
	}
out:
	free(vec);
	return res << 2;
}

static void sample_line(FILE *f, const struct top_dom *t)
{
	fprintf(f, "dom %u %s %llu %llu %llu %u %u %llu %llu %llu %llu %u %llu %llu %llu %llu %llu %s\n",
		t->id, t->state, (unsigned long long)t->cpu_ns, (unsigned long long)t->mem_kib,
		(unsigned long long)t->maxmem_kib, t->vcpus, t->nets, (unsigned long long)t->tx_bytes,
		(unsigned long long)t->tx_pkts, (unsigned long long)t->rx_bytes,
		(unsigned long long)t->rx_pkts, t->vbds, (unsigned long long)t->vbd_oo,
		(unsigned long long)t->vbd_rd, (unsigned long long)t->vbd_wr,
		(unsigned long long)t->vbd_rsect, (unsigned long long)t->vbd_wsect, t->name);
}

int do_top_sample(struct xend *x, struct obuf *o)
{
	struct host_info h;
	host_info_read(&h);
	FILE *f = o->f;
	uint64_t total_kib = (x->dom0_mem_mib + x->guest_mem_mib) << 10;
	fprintf(f, "%s\n", TOP_SAMPLE_MAGIC);
	fprintf(f, "host %u %u %llu %llu %d.%d%s\n", x->pcpus, h.cpu_mhz, (unsigned long long)total_kib,
		(unsigned long long)(mem_free_mib(x) << 10), DOMUS_MAJOR, DOMUS_MINOR, DOMUS_EXTRA);
	/* Guests first, then the process: Domain-0's share (xend's own work,
	 * its backends, destroyed guests' past) may come out a hair high,
	 * never negative. */
	uint64_t guests_ns = x->gone_cpu_ns;
	struct top_dom t;
	unsigned n = 0;
	for (struct domain *d = x->doms; d; d = d->next)
		if (d->state != DS_DEAD && d->m)
			guests_ns += machine_cpu_ns(d->m);
	uint64_t now = ns_of(CLOCK_MONOTONIC);
	uint64_t proc = ns_of(CLOCK_PROCESS_CPUTIME_ID);
	fprintf(f, "time %llu\n", (unsigned long long)now);
	memset(&t, 0, sizeof(t));
	t.id = 0;
	snprintf(t.state, sizeof(t.state), "r-----");
	snprintf(t.name, sizeof(t.name), "Domain-0");
	t.cpu_ns = proc > guests_ns ? proc - guests_ns : 0;
	t.mem_kib = t.maxmem_kib = x->dom0_mem_mib << 10;
	t.vcpus = x->dom0_cpus;	/* as xm list */
	sample_line(f, &t);
	n++;
	for (struct domain *d = x->doms; d; d = d->next) {
		if (d->state == DS_DEAD)
			continue;
		memset(&t, 0, sizeof(t));
		t.id = d->id;
		snprintf(t.state, sizeof(t.state), "%s", top_state(d));
		snprintf(t.name, sizeof(t.name), "%s", d->name);
		t.vcpus = d->cfg.vcpus;
		t.maxmem_kib = d->cfg.maxmem_mib << 10;
		if (d->m) {
			t.cpu_ns = machine_cpu_ns(d->m);
			uint64_t ram = d->ram_mib << 20, back = machine_balloon_actual(d->m);
			t.mem_kib = (ram > back ? ram - back : 0) >> 10;
			t.vbds = d->nr_vbd;
			for (unsigned k = 0; k < d->nr_vbd; k++) {
				struct virtio_blk_stats s;
				virtio_blk_get_stats(d->vbd[k], &s);
				t.vbd_oo += s.oo_req;
				t.vbd_rd += s.rd_req;
				t.vbd_wr += s.wr_req;
				t.vbd_rsect += s.rd_sect;
				t.vbd_wsect += s.wr_sect;
			}
			t.nets = d->nr_vif;
			for (unsigned k = 0; k < d->nr_vif; k++) {
				struct virtio_net_stats s;
				virtio_net_get_stats(d->vif[k], &s);
				t.tx_bytes += s.tx_bytes;
				t.tx_pkts += s.tx_pkts;
				t.rx_bytes += s.rx_bytes;
				t.rx_pkts += s.rx_pkts;
			}
		} else {
			t.mem_kib = d->cfg.memory_mib << 10;	/* a kept dead domain holds its memory */
		}
		sample_line(f, &t);
		n++;
	}
	/* Extra records (xm top ignores them; `xm top --sample` shows them):
	 * guest RAM resident in the host per domain (bench/density.sh). */
	for (struct domain *d = x->doms; d; d = d->next)
		if (d->state != DS_DEAD && d->m)
			fprintf(f, "ram %u %llu\n", d->id, (unsigned long long)ram_resident_kib(d->m));
	fprintf(f, "end %u\n", n);
	return 0;
}
