/*
 * xm / xl: the command-line client of xend (one binary; "xl" is the same
 * program under its other name). Talks to $DOMUS_STATE/xend.sock with the
 * protocol of src/toolstack/proto.h; create -n and help work without xend.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "toolstack/config.h"
#include "toolstack/proto.h"
#include "toolstack/top.h"
#include "toolstack/xend.h"

struct xm {
	const char *prog;
	char state[PATH_MAX / 2];
};

struct cmd_help {
	const char *name, *args, *text;
};

static const struct cmd_help helps[] = {
	{ "console", "<Domain>", "Attach to <Domain>'s console (Ctrl-] detaches)." },
	{ "create", "<ConfigFile> [options] [vars]", "Create a domain based on <ConfigFile>.\n"
	  "  -c             connect to the console after creation\n"
	  "  -n, --dry-run  parse the configuration, print it as an S-expression, do not create\n"
	  "  -p             leave the domain paused after creation (xm unpause starts it)\n"
	  "  vars           KEY=VALUE settings overriding the file" },
	{ "delete", "<Domain>", "Remove a managed domain from xend's storage." },
	{ "destroy", "<Domain>", "Terminate a domain immediately." },
	{ "dmesg", "[-c]", "Read and/or clear xend's message buffer." },
	{ "dump-core", "[-L|--live] [-C|--crash] <Domain> [Filename]",
	  "Dump core for a specific domain (an ELF core file; default\n"
	  "  $DOMUS_STATE/dump/<time>-<name>.<domid>.core; -C: destroy it afterwards;\n"
	  "  the domain is paused while it dumps, -L is accepted and ignored)." },
	{ "domid", "<DomainName>", "Convert a domain name to domain id." },
	{ "domname", "<DomId>", "Convert a domain id to domain name." },
	{ "help", "[command]", "Display this message or help for one command." },
	{ "info", "", "Get information about the host." },
	{ "list", "[options] [Domain, ...]", "List information about all/some domains.\n"
	  "  -l, --long     output the full configuration as an S-expression" },
	{ "log", "", "Print the xend log." },
	{ "mem-max", "<Domain> <Mem>", "Set the maximum memory of a domain (Mem: number with b/k/m/g suffix,\n"
	  "  default MiB; at most what the domain was created with)." },
	{ "mem-set", "<Domain> <Mem>", "Set a running domain's memory through its balloon (Mem as mem-max;\n"
	  "  at least 32 MiB, at most its maximum)." },
	{ "new", "<ConfigFile> [vars]", "Add a managed domain to xend (kept across xend restarts)." },
	{ "pause", "<Domain>", "Pause execution of a domain." },
	{ "reboot", "<Domain> [-w]", "Reboot a domain (-w: wait for the new instance)." },
	{ "rename", "<Domain> <NewDomainName>", "Rename a domain." },
	{ "sched-credit", "[-d <Domain> [-w W] [-c C] | -s [-t T] [-r R]]",
	  "Get/set credit scheduler parameters.\n"
	  "  -d DOMAIN, --domain=DOMAIN  the domain (without -w/-c: show only it)\n"
	  "  -w WEIGHT, --weight=WEIGHT  its weight, 1-65535 (default 256): the share of\n"
	  "                              contended CPU time, relative to other domains\n"
	  "  -c CAP, --cap=CAP           its cap in percent of one pCPU (0: none; at most\n"
	  "                              100 per vCPU)\n"
	  "  -s, --schedparam            the pool-wide parameters instead:\n"
	  "  -t MS, --tslice_ms=MS       timeslice, 1-1000 ms (default 30)\n"
	  "  -r US, --ratelimit_us=US    shortest run before a preemption, 0 or\n"
	  "                              100-500000 us, at most the timeslice (default 1000)\n"
	  "  Without options: every domain's weight and cap." },
	{ "shutdown", "<Domain> [-w] | -a [-w]", "Shut down a domain (-w: wait; -a: all domains)." },
	{ "start", "<DomainName>", "Start a managed domain." },
	{ "sysrq", "<Domain> <letter>", "Send a sysrq to a domain." },
	{ "top", "[-d SEC] [-b] [-i N] [--sample]", "Monitor domains like xentop (also installed as xentop).\n"
	  "  -d, --delay SEC       seconds between updates (default 3)\n"
	  "  -b, --batch           plain tables on stdout, no terminal control\n"
	  "  -i, --iterations N    N updates, then exit\n"
	  "  --sample              print xend's raw snapshot once (format: docs/toolstack.md)\n"
	  "  keys: q quit, s next sort column, r reverse, i/n/c/m/d/w/t/x sort by\n"
	  "  id/name/CPU%/memory/VBD_RD/VBD_WR/NETTX/NETRX, +/- change the delay" },
	{ "unpause", "<Domain>", "Unpause a paused domain." },
	{ "uptime", "[Domain]", "Print uptime for domains." },
	{ "vcpu-list", "[Domain, ...]", "List the VCPUs for all/some domains.\n"
	  "  CPU: the pCPU a vCPU is on ('-' when none); State: r running, b blocked,\n"
	  "  p offline or paused; CPU Affinity: the pCPUs it may use ('any cpu': all)." },
	{ "vcpu-pin", "<Domain> <VCPU|all> <CPUs|all>", "Set which CPUs a VCPU can use.\n"
	  "  CPUs: a list like 0-3,5,^1 (ranges, ^ excludes) or all. A running vCPU\n"
	  "  moves at once; the pinning is kept across a restart of the domain." },
	{ "vcpu-set", "<Domain> <vCPUs>", "Set the number of active VCPUs of a domain (1 to maxvcpus).\n"
	  "  The guest takes CPUs offline/online through its agent (domus-agent on the\n"
	  "  control channel); waits until the hypervisor sees it, at most\n"
	  "  $DOMUS_VCPU_SET_WAIT seconds (default 10)." },
};

static void help_all(const struct xm *x, FILE *f)
{
	fprintf(f, "Usage: %s <subcommand> [args]\n\nControl, list, and manipulate Domus domains.\n\n", x->prog);
	for (unsigned k = 0; k < sizeof(helps) / sizeof(helps[0]); k++) {
		const char *nl = strchr(helps[k].text, '\n');
		int n = nl ? (int)(nl - helps[k].text) : (int)strlen(helps[k].text);
		fprintf(f, " %-10s %-32s %.*s\n", helps[k].name, helps[k].args, n, helps[k].text);
	}
	fprintf(f, "\n<Domain> can be a domain name or id. State: $DOMUS_STATE (now %s).\n", x->state);
}

static int help_cmd(const struct xm *x, const char *cmd, FILE *f)
{
	for (unsigned k = 0; k < sizeof(helps) / sizeof(helps[0]); k++)
		if (!strcmp(helps[k].name, cmd)) {
			fprintf(f, "Usage: %s %s %s\n\n%s\n", x->prog, cmd, helps[k].args, helps[k].text);
			return 0;
		}
	fprintf(stderr, "Error: Subcommand %s not found!\n", cmd);
	return 1;
}

static int xm_connect(const struct xm *x)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/xend.sock", x->state);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "Error: cannot create a socket\n");
		return -1;
	}
	strcpy(sa.sun_path, path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "Error: Unable to connect to xend: %s. Is xend running? "
			"Start it with 'xend start' (state directory %s).\n", strerror(errno), x->state);
		close(fd);
		return -1;
	}
	return fd;
}

/* One request; prints the reply (output to stdout, errors to stderr).
 * Returns the exit status; *out (if given) gets the reply text. */
static int xm_call(const struct xm *x, const char *const *argv, unsigned argc, char **out, bool quiet)
{
	fflush(stdout);
	int fd = xm_connect(x);
	char *buf = NULL;
	size_t len;
	if (fd < 0)
		return 1;
	int r = proto_send_request(fd, argv, argc);
	if (r == 0)
		r = proto_recv_frame(fd, &buf, &len);
	close(fd);
	if (r < 0 || len < 1) {
		fprintf(stderr, "Error: xend closed the connection: %s\n", strerror(r < 0 ? -r : EPROTO));
		free(buf);
		return 1;
	}
	int st = buf[0] ? 1 : 0;
	if (!quiet && len > 1) {
		FILE *f = st ? stderr : stdout;
		fwrite(buf + 1, 1, len - 1, f);
		if (buf[len - 1] != '\n')
			fputc('\n', f);
	}
	if (out) {
		memmove(buf, buf + 1, len);
		*out = buf;
	} else {
		free(buf);
	}
	return st;
}

static int read_file(const char *path, char **text)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	char *b = malloc(PROTO_MAX_FRAME / 2 + 1);
	if (!b) {
		fclose(f);
		return -ENOMEM;
	}
	size_t n = fread(b, 1, PROTO_MAX_FRAME / 2, f);
	fclose(f);
	if (memchr(b, 0, n)) {
		free(b);
		return -EINVAL;
	}
	b[n] = 0;
	*text = b;
	return 0;
}

static int console_attach(const struct xm *x, const char *dom)
{
	const char *req[] = { "console", dom };
	int fd = xm_connect(x);
	char *buf = NULL;
	size_t len;
	if (fd < 0)
		return 1;
	if (proto_send_request(fd, req, 2) < 0 || proto_recv_frame(fd, &buf, &len) < 0 || len < 1) {
		fprintf(stderr, "Error: xend closed the connection\n");
		free(buf);
		close(fd);
		return 1;
	}
	if (buf[0]) {
		fprintf(stderr, "%.*s\n", (int)len - 1, buf + 1);
		free(buf);
		close(fd);
		return 1;
	}
	free(buf);
	struct termios saved, raw;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	bool in_open = true;
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			char b[4096];
			ssize_t n = read(fd, b, sizeof(b));
			if (n <= 0)
				break;
			if (write(STDOUT_FILENO, b, n) < 0)
				break;
		}
		if (p[1].revents) {
			char b[512];
			ssize_t n = read(STDIN_FILENO, b, sizeof(b));
			if (n <= 0) {
				in_open = false;
				continue;
			}
			char *ctl = memchr(b, 0x1d, n);	/* Ctrl-] */
			ssize_t m = ctl ? ctl - b : n;
			if (m > 0 && send(fd, b, m, MSG_NOSIGNAL) < 0)
				break;
			if (ctl)
				break;
		}
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	close(fd);
	return 0;
}

static int cmd_create(const struct xm *x, int argc, char **argv, bool create)
{
	bool console = false, dry = false, paused = false;
	const char *file = NULL;
	const char *ov[PROTO_MAX_ARGS];
	unsigned nov = 0;
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "-c"))
			console = true;
		else if (!strcmp(argv[k], "-n") || !strcmp(argv[k], "--dry-run"))
			dry = true;
		else if (!strcmp(argv[k], "-p") || !strcmp(argv[k], "--paused"))
			paused = true;
		else if (!strcmp(argv[k], "-h") || !strcmp(argv[k], "--help"))
			return help_cmd(x, argv[0], stdout);
		else if (strchr(argv[k], '=')) {
			if (nov >= PROTO_MAX_ARGS - 8) {
				fprintf(stderr, "Error: too many KEY=VALUE settings\n");
				return 1;
			}
			ov[nov++] = argv[k];
		} else if (!file)
			file = argv[k];
		else {
			fprintf(stderr, "Error: unexpected argument '%s'\n", argv[k]);
			return 1;
		}
	}
	if (!file) {
		help_cmd(x, argv[0], stderr);
		return 1;
	}
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s", file);
	if (stat(path, &st) && file[0] != '/') {
		snprintf(path, sizeof(path), "/etc/xen/%s", file);
		if (stat(path, &st))
			snprintf(path, sizeof(path), "%s", file);
	}
	char *text = NULL;
	int r = read_file(path, &text);
	if (r < 0) {
		fprintf(stderr, "Error: %s: %s\n", path, strerror(-r));
		return 1;
	}
	if (create)
		printf("Using config file \"%s\".\n", path);
	if (dry) {
		struct domain_config dc;
		struct cfg_diag d = { 0 };
		r = domain_config_parse(text, strlen(text), path, ov, nov, &dc, &d);
		if (d.text)
			fputs(d.text, stderr);
		if (r == 0) {
			char *s = NULL;
			if (domain_config_sxp(&dc, -1, NULL, 0, &s) == 0)
				fputs(s, stdout);
			free(s);
		}
		domain_config_free(&dc);
		cfg_diag_free(&d);
		free(text);
		return r ? 1 : 0;
	}
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	const char *req[PROTO_MAX_ARGS];
	unsigned n = 0;
	req[n++] = !create ? "new" : paused ? "create-paused" : "create";
	req[n++] = cwd;
	req[n++] = path;
	req[n++] = text;
	for (unsigned k = 0; k < nov; k++)
		req[n++] = ov[k];
	char *out = NULL;
	r = xm_call(x, req, n, &out, false);
	free(text);
	if (r == 0 && console && out) {
		char *p = strstr(out, "Started domain ");
		char name[128];
		if (p && sscanf(p, "Started domain %127s", name) == 1) {
			fflush(stdout);
			free(out);
			return console_attach(x, name);
		}
	}
	free(out);
	return r;
}

/* "ID STATE" of a domain, or -1 if it is gone. */
static long dom_state(const struct xm *x, const char *dom, char *state, size_t n)
{
	const char *req[] = { "state", dom };
	char *out = NULL;
	if (xm_call(x, req, 2, &out, true)) {
		free(out);
		return -1;
	}
	long id = -1;
	char s[16] = "";
	if (out && sscanf(out, "%ld %15s", &id, s) < 1)
		id = -1;
	snprintf(state, n, "%s", s);
	free(out);
	return id;
}

static int wait_down(const struct xm *x, const char *dom, bool reboot, int secs)
{
	char st[16];
	long id0 = dom_state(x, dom, st, sizeof(st));
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		long id = dom_state(x, dom, st, sizeof(st));
		if (id < 0 && !reboot)
			return 0;
		if (id >= 0 && id != id0)
			return 0;
		if (id >= 0 && (strchr(st, 's') || strchr(st, 'c')) && !reboot)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= secs) {
			fprintf(stderr, "Error: Domain '%s' did not %s within %d s.\n", dom,
				reboot ? "reboot" : "shut down", secs);
			return 1;
		}
		usleep(200000);
	}
}

static int cmd_shutdown(const struct xm *x, int argc, char **argv, bool reboot)
{
	bool w = false, all = false;
	const char *dom = NULL;
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "-w") || !strcmp(argv[k], "--wait"))
			w = true;
		else if (!strcmp(argv[k], "-a") || !strcmp(argv[k], "--all"))
			all = true;
		else if (!dom)
			dom = argv[k];
	}
	const char *wait_env = getenv("DOMUS_SHUTDOWN_WAIT");
	int secs = wait_env ? atoi(wait_env) : 300;
	if (all) {
		const char *req[] = { "list" };
		char *out = NULL;
		if (xm_call(x, req, 1, &out, true)) {
			free(out);
			return 1;
		}
		int rc = 0;
		char *save = NULL;
		char *line = strtok_r(out, "\n", &save);	/* header */
		while ((line = strtok_r(NULL, "\n", &save))) {
			char name[128];
			long id;
			if (sscanf(line, "%127s %ld", name, &id) != 2 || id == 0)
				continue;
			const char *r2[] = { reboot ? "reboot" : "shutdown", name };
			rc |= xm_call(x, r2, 2, NULL, false);
			if (w)
				rc |= wait_down(x, name, reboot, secs);
		}
		free(out);
		return rc;
	}
	if (!dom) {
		help_cmd(x, argv[0], stderr);
		return 1;
	}
	const char *req[] = { reboot ? "reboot" : "shutdown", dom };
	int r = xm_call(x, req, 2, NULL, false);
	if (r == 0 && w)
		r = wait_down(x, dom, reboot, secs);
	return r;
}

/* xm sched-credit: options parsed here, sent as "sched-credit" [-d DOM
 * [W C]] | -s [T R] ("" = unchanged) for xend_sched.c. */
static int cmd_sched_credit(const struct xm *x, int argc, char **argv)
{
	const char *dom = NULL, *w = NULL, *c = NULL, *t = NULL, *r = NULL;
	bool s = false;
	for (int k = 1; k < argc; k++) {
		static const struct { const char *sh, *lo; } opt[] = {
			{ "-d", "--domain" }, { "-w", "--weight" }, { "-c", "--cap" },
			{ "-t", "--tslice_ms" }, { "-r", "--ratelimit_us" },
		};
		const char **dst[] = { &dom, &w, &c, &t, &r };
		const char *a = argv[k];
		if (!strcmp(a, "-s") || !strcmp(a, "--schedparam")) {
			s = true;
			continue;
		}
		unsigned j;
		const char *val = NULL;
		for (j = 0; j < sizeof(opt) / sizeof(opt[0]); j++) {
			size_t ll = strlen(opt[j].lo);
			if (!strcmp(a, opt[j].sh) || !strcmp(a, opt[j].lo)) {
				if (k + 1 >= argc) {
					fprintf(stderr, "Error: option %s requires an argument\n", a);
					return 1;
				}
				val = argv[++k];
				break;
			}
			if (!strncmp(a, opt[j].lo, ll) && a[ll] == '=') {
				val = a + ll + 1;
				break;
			}
			if (!strncmp(a, opt[j].sh, 2) && a[2]) {
				val = a + 2;
				break;
			}
		}
		if (j == sizeof(opt) / sizeof(opt[0])) {
			fprintf(stderr, "Error: unexpected argument '%s'\n", a);
			help_cmd(x, argv[0], stderr);
			return 1;
		}
		*dst[j] = val;
	}
	if (s && (dom || w || c)) {
		fprintf(stderr, "Error: -s cannot be combined with -d, -w or -c.\n");
		return 1;
	}
	if (!s && (t || r)) {
		fprintf(stderr, "Error: -t and -r need -s.\n");
		return 1;
	}
	if (!dom && (w || c)) {
		fprintf(stderr, "Error: No domain given.\n");
		return 1;
	}
	const char *req[5] = { "sched-credit" };
	unsigned n = 1;
	if (s) {
		req[n++] = "-s";
		if (t || r) {
			req[n++] = t ? t : "";
			req[n++] = r ? r : "";
		}
	} else if (dom) {
		req[n++] = "-d";
		req[n++] = dom;
		if (w || c) {
			req[n++] = w ? w : "";
			req[n++] = c ? c : "";
		}
	}
	return xm_call(x, req, n, NULL, false);
}

/* xm vcpu-set DOM N: xend waits for the guest, so the wait is ours too. */
static int cmd_vcpu_set(const struct xm *x, int argc, char **argv)
{
	if (argc != 3)
		return help_cmd(x, argv[0], stderr), 1;
	const char *w = getenv("DOMUS_VCPU_SET_WAIT");
	const char *req[] = { "vcpu-set", argv[1], argv[2], w && *w ? w : "" };
	return xm_call(x, req, 4, NULL, false);
}

/* xm dump-core [-C|--crash] [-L|--live] DOM [FILENAME]: FILENAME made
 * absolute here (xend has its own cwd). -L is accepted for Xen's syntax;
 * Domus always pauses the domain while it dumps (a consistent image). */
static int cmd_dump_core(const struct xm *x, int argc, char **argv)
{
	bool crash = false;
	const char *pos[2] = { NULL, NULL };
	unsigned np = 0;
	for (int k = 1; k < argc; k++) {
		if (!strcmp(argv[k], "-C") || !strcmp(argv[k], "--crash"))
			crash = true;
		else if (!strcmp(argv[k], "-L") || !strcmp(argv[k], "--live"))
			continue;
		else if (np < 2 && (argv[k][0] != '-' || !argv[k][1]))
			pos[np++] = argv[k];
		else
			return help_cmd(x, argv[0], stderr), 1;
	}
	if (np < 1)
		return help_cmd(x, argv[0], stderr), 1;
	char file[PATH_MAX] = "";
	if (pos[1]) {
		char cwd[PATH_MAX];
		if (pos[1][0] == '/')
			snprintf(file, sizeof(file), "%s", pos[1]);
		else if (!getcwd(cwd, sizeof(cwd)) ||
			 snprintf(file, sizeof(file), "%s/%s", cwd, pos[1]) >= (int)sizeof(file)) {
			fprintf(stderr, "Error: cannot resolve %s: %s\n", pos[1], strerror(errno ? errno : ENAMETOOLONG));
			return 1;
		}
	}
	const char *req[] = { "dump-core", crash ? "1" : "0", pos[0], file };
	return xm_call(x, req, pos[1] ? 4 : 3, NULL, false);
}

static int top_fetch(void *ctx, char **text)
{
	const char *req[] = { "top-sample" };
	int r = xm_call(ctx, req, 1, text, true);
	if (r && *text)
		fprintf(stderr, "%s\n", *text);
	return r;
}

/* xm top [-d SEC] [-b] [-i N] (xentop's options). */
static int cmd_top(const struct xm *x, int argc, char **argv)
{
	struct top_opts o = { .delay = 3 };
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k], *v = k + 1 < argc ? argv[k + 1] : NULL;
		char *end;
		if (!strcmp(a, "-b") || !strcmp(a, "--batch")) {
			o.batch = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {	/* xentop -h */
			return help_cmd(x, "top", stdout);
		} else if (!strcmp(a, "--sample")) {	/* the raw snapshot, for scripts */
			const char *req[] = { "top-sample" };
			return xm_call(x, req, 1, NULL, false);
		} else if ((!strcmp(a, "-d") || !strcmp(a, "--delay")) && v) {
			o.delay = strtod(v, &end);
			if (*end || !(o.delay >= 0.1 && o.delay <= 3600)) {
				fprintf(stderr, "Error: invalid delay '%s' (seconds, 0.1 to 3600)\n", v);
				return 1;
			}
			k++;
		} else if ((!strcmp(a, "-i") || !strcmp(a, "--iterations")) && v) {
			errno = 0;
			o.iterations = strtol(v, &end, 10);
			if (*end || errno || o.iterations < 1) {
				fprintf(stderr, "Error: invalid number of iterations '%s'\n", v);
				return 1;
			}
			k++;
		} else {
			help_cmd(x, "top", stderr);
			return 1;
		}
	}
	return top_run(&o, top_fetch, (void *)x);
}

int main(int argc, char **argv)
{
	struct xm x;
	const char *base = strrchr(argv[0], '/');
	x.prog = base ? base + 1 : argv[0];
	xend_default_state(x.state, sizeof(x.state));
	signal(SIGPIPE, SIG_IGN);

	if (!strcmp(x.prog, "xentop")) {	/* the same program as xentop */
		x.prog = "xm";	/* usage texts: "xm top" */
		return cmd_top(&x, argc, argv);
	}
	if (argc < 2) {
		help_all(&x, stderr);
		return 1;
	}
	const char *cmd = argv[1];
	int ac = argc - 1;
	char **av = argv + 1;

	if (!strcmp(cmd, "help") || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		if (ac > 1)
			return help_cmd(&x, av[1], stdout);
		help_all(&x, stdout);
		return 0;
	}
	for (int k = 1; k < ac; k++)
		if (!strcmp(av[k], "--help") || (!strcmp(av[k], "-h") && strcmp(cmd, "create")))
			return help_cmd(&x, cmd, stdout);
	if (!strcmp(cmd, "create"))
		return cmd_create(&x, ac, av, true);
	if (!strcmp(cmd, "new"))
		return cmd_create(&x, ac, av, false);
	if (!strcmp(cmd, "shutdown"))
		return cmd_shutdown(&x, ac, av, false);
	if (!strcmp(cmd, "reboot"))
		return cmd_shutdown(&x, ac, av, true);
	if (!strcmp(cmd, "dump-core"))
		return cmd_dump_core(&x, ac, av);
	if (!strcmp(cmd, "sched-credit"))
		return cmd_sched_credit(&x, ac, av);
	if (!strcmp(cmd, "vcpu-set"))
		return cmd_vcpu_set(&x, ac, av);
	if (!strcmp(cmd, "top"))
		return cmd_top(&x, ac, av);
	if (!strcmp(cmd, "console")) {
		if (ac != 2)
			return help_cmd(&x, cmd, stderr), 1;
		return console_attach(&x, av[1]);
	}
	static const struct { const char *name; int min, max; } simple[] = {
		{ "list", 0, 60 }, { "destroy", 1, 1 }, { "domid", 1, 1 }, { "domname", 1, 1 },
		{ "uptime", 0, 1 }, { "info", 0, 0 }, { "dmesg", 0, 1 }, { "log", 0, 0 },
		{ "pause", 1, 1 }, { "unpause", 1, 1 }, { "rename", 2, 2 }, { "start", 1, 1 },
		{ "delete", 1, 1 }, { "sysrq", 2, 2 }, { "mem-set", 2, 2 }, { "mem-max", 2, 2 },
		{ "vcpu-list", 0, 60 }, { "vcpu-pin", 3, 3 },
	};
	for (unsigned k = 0; k < sizeof(simple) / sizeof(simple[0]); k++) {
		if (strcmp(cmd, simple[k].name))
			continue;
		if (ac - 1 < simple[k].min || ac - 1 > simple[k].max) {
			help_cmd(&x, cmd, stderr);
			return 1;
		}
		return xm_call(&x, (const char *const *)av, ac, NULL, false);
	}
	fprintf(stderr, "Error: Subcommand %s not found!\nUsage: %s help\n", cmd, x.prog);
	return 1;
}
