/*
 * xend control socket (proto.h): listening, reading one request per
 * client and dispatching it; xm list / uptime / state output (info and
 * top-sample: xend_info.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "board/machine.h"
#include "toolstack/proto.h"
#include "toolstack/xend_internal.h"
#include "xenstore/xs_client.h"

static const char *state_str(const struct domain *d)
{
	switch (d->state) {
	case DS_RUNNING: return d->paused ? "--p---" : "r-----";
	case DS_SHUTDOWN: return "---s--";
	case DS_CRASHED: return "----c-";
	default: return "-----d";
	}
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

/* Time(s) of a domain, as Xen reports it: the host CPU time its vCPUs
 * have used (a paused or idle domain's stands still). Under x->lock. */
static double cpu_time(const struct domain *d)
{
	if (d->state != DS_RUNNING || !d->m)
		return 0;
	return machine_cpu_ns(d->m) / 1e9;
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
				(unsigned long long)x->dom0_mem_mib, x->dom0_cpus);
		else
			list_line(o->f, "Domain-0", 0, x->dom0_mem_mib, x->dom0_cpus, "r-----", cpu_seconds());
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
	} else if (!strcmp(cmd, "top-sample") && argc == 1) {
		r = do_top_sample(x, &o);
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
	} else if (!strcmp(cmd, "dump-core") && argc >= 3 && argc <= 4) {
		/* dump-core CRASH(0|1) DOM [ABSFILE] */
		r = do_dump_core(x, argv[2], argc == 4 ? argv[3] : NULL, !strcmp(argv[1], "1"), &o);
	} else if (!strcmp(cmd, "sched-credit")) {
		r = do_sched_credit(x, argv, argc, &o);
	} else if (!strcmp(cmd, "vcpu-list")) {
		r = do_vcpu_list(x, argv, argc, &o);
	} else if (!strcmp(cmd, "vcpu-set") && (argc == 3 || argc == 4)) {
		/* a thread waits for the guest and replies on cfd */
		r = do_vcpu_set(x, argv[1], argv[2], argc == 4 ? argv[3] : NULL, cfd, &o);
		if (r == 1)
			kept = 1;
	} else if (!strcmp(cmd, "vcpu-pin") && argc == 4) {
		r = do_vcpu_pin(x, argv[1], argv[2], argv[3], &o);
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

int open_control(struct xend *x)
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

void serve_client(struct xend *x, int cfd)
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
