/*
 * xend [start|stop|status] [--foreground] [--state DIR] [--config FILE]
 *      [--xenstored PATH]: the Domus hypervisor daemon (src/toolstack/xend.c).
 * Without --foreground it forks, and the parent exits once the control
 * socket listens (status 0) or the child failed (status 1, its message on
 * stderr).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include "toolstack/xend.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: xend [start|stop|status] [options]\n"
		"  -f, --foreground       do not daemonize\n"
		"  -s, --state DIR        state directory (default $DOMUS_STATE, /var/lib/domus\n"
		"                         for root, ~/.local/state/domus otherwise)\n"
		"  -c, --config FILE      xend config (default STATE/xend.conf)\n"
		"  -x, --xenstored PATH   xenstored binary (default: next to xend)\n");
}

static int read_pid(const char *state)
{
	char p[PATH_MAX], buf[32] = "";
	snprintf(p, sizeof(p), "%s/xend.pid", state);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	int pid = atoi(buf);
	return pid > 0 && kill(pid, 0) == 0 ? pid : -1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "foreground", no_argument, NULL, 'f' }, { "state", required_argument, NULL, 's' },
		{ "config", required_argument, NULL, 'c' }, { "xenstored", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	char state[PATH_MAX / 2];
	struct xend_opts o = { 0 };
	bool fg = false;
	int c;

	xend_default_state(state, sizeof(state));
	while ((c = getopt_long(argc, argv, "fs:c:x:h", lo, NULL)) != -1) {
		switch (c) {
		case 'f': fg = true; break;
		case 's': snprintf(state, sizeof(state), "%s", optarg); break;
		case 'c': o.config = optarg; break;
		case 'x': o.xenstored = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	o.state_dir = state;
	const char *cmd = optind < argc ? argv[optind] : "start";
	if (!strcmp(cmd, "status")) {
		int pid = read_pid(state);
		if (pid > 0)
			printf("xend is running (pid %d, state %s)\n", pid, state);
		else
			printf("xend is not running (state %s)\n", state);
		return pid > 0 ? 0 : 3;
	}
	if (!strcmp(cmd, "stop")) {
		int pid = read_pid(state);
		if (pid <= 0) {
			fprintf(stderr, "xend: not running (state %s)\n", state);
			return 1;
		}
		kill(pid, SIGTERM);
		for (int t = 0; t < 300 && kill(pid, 0) == 0; t++)
			usleep(50000);
		return kill(pid, 0) == 0 ? 1 : 0;
	}
	if (strcmp(cmd, "start")) {
		usage(stderr);
		return 2;
	}
	if (fg)
		return xend_run(&o, -1) < 0 ? 1 : 0;

	int pp[2];
	if (pipe2(pp, O_CLOEXEC)) {
		perror("xend: pipe");
		return 1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("xend: fork");
		return 1;
	}
	if (pid == 0) {
		close(pp[0]);
		setsid();
		int dn = open("/dev/null", O_RDWR);
		if (dn >= 0) {
			dup2(dn, STDIN_FILENO);
			dup2(dn, STDOUT_FILENO);
			close(dn);
		}
		_exit(xend_run(&o, pp[1]) < 0 ? 1 : 0);
	}
	close(pp[1]);
	char b;
	ssize_t n;
	do
		n = read(pp[0], &b, 1);
	while (n < 0 && errno == EINTR);
	close(pp[0]);
	if (n == 1)
		return 0;
	int st;
	waitpid(pid, &st, 0);
	return 1;
}
