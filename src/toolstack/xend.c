/*
 * xend core: the log and the message ring, reply buffers, startup (state
 * directory, pid lock, xend config, xenstored, autostart of managed
 * domains), the main poll loop and shutdown. Domains live in
 * xend_domain.c, the XenStore layout in xend_xs.c, memory in xend_mem.c,
 * consoles in xend_console.c, the control socket in xend_ctl.c; the shared
 * structures and locking rules in xend_internal.h.
 */
#include "toolstack/xend.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "board/machine.h"
#include "hv/sched.h"
#include "toolstack/proto.h"
#include "toolstack/xend_internal.h"
#include "xenstore/xs_client.h"


void xlog(struct xend *x, const char *fmt, ...)
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

int ob_open(struct obuf *o)
{
	o->b = NULL;
	o->len = 0;
	o->f = open_memstream(&o->b, &o->len);
	return o->f ? 0 : -ENOMEM;
}

void ob_close(struct obuf *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
}

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
		else if (!strcmp(k, "pcpus")) {
			/* the scheduler's pool of pCPU threads */
			if (num < 1 || num > SCHED_MAX_PCPUS) {
				fprintf(stderr, "xend: %s:%u: pcpus must be 1 to %d, got '%s'\n", path, ln,
					SCHED_MAX_PCPUS, v);
				fclose(f);
				return -EINVAL;
			}
			x->pcpus = num;
		} else if (!strcmp(k, "dom0-cpus"))
			/* Xen: the vCPUs of Domain-0 (0: all); ours is the host */
			x->dom0_cpus = num;
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
	x->pcpus = sched_host_cpus();
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
	if (!x->dom0_cpus || x->dom0_cpus > SCHED_MAX_PCPUS)
		x->dom0_cpus = x->pcpus;	/* Domain-0 (the host) shows one per pCPU */
	if ((r = sched_create(x->pcpus, &x->sched)) < 0) {
		fprintf(stderr, "xend: cannot start the scheduler's %u pCPUs: %s\n", x->pcpus, strerror(-r));
		goto out;
	}
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
	/* vcpu-set waiters see their domain gone and reply */
	for (int t = 0; t < 500; t++) {
		pthread_mutex_lock(&x->lock);
		unsigned w = x->vcpu_waiters;
		pthread_mutex_unlock(&x->lock);
		if (!w)
			break;
		usleep(20000);
	}
	if (x->sched) {
		/* every domain must be gone; else leave the pool to the exit */
		pthread_mutex_lock(&x->lock);
		bool empty = x->doms == NULL;
		pthread_mutex_unlock(&x->lock);
		if (empty)
			sched_destroy(x->sched);
	}
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
