/*
 * domus-run: run a guest. For now the bare-metal mode (--bare ELF); the
 * board adds its own options (--kernel ...) to the table below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/bare.h"
#include "util/log.h"

struct run_opts {
	struct bare_opts bare;
	bool bare_mode;
};

struct option_def {
	const char *name;
	const char *arg;	/* argument name for --help, NULL if none */
	const char *help;
	int (*set)(struct run_opts *o, const char *arg);
};

static int opt_bare(struct run_opts *o, const char *a) { o->bare_mode = true; o->bare.elf = a; return 0; }
static int opt_trace(struct run_opts *o, const char *a) { o->bare.trace = true; return 0; }
static int opt_realtime(struct run_opts *o, const char *a) { o->bare.realtime = true; return 0; }

static int opt_mem(struct run_opts *o, const char *a)
{
	unsigned long long v;
	if (parse_size(a, &v) || v < 4096 || (v & 4095) || v > (1ULL << 40))
		return -EINVAL;
	o->bare.mem_size = v;
	return 0;
}

static int opt_max_insns(struct run_opts *o, const char *a)
{
	unsigned long long v;
	if (parse_size(a, &v))	/* accepts 10M etc. as well */
		return -EINVAL;
	o->bare.max_insns = v;
	return 0;
}

static const struct option_def options[] = {
	{ "--bare", "ELF", "run a static riscv64 ELF in M-mode at its link addresses "
	  "(RAM at 0x80000000, HTIF at tohost/fromhost, CLINT at 0x02000000)", opt_bare },
	{ "--mem", "SIZE", "guest RAM size, e.g. 128M (default 128M)", opt_mem },
	{ "--max-insns", "N", "stop after N instructions: exit status 124", opt_max_insns },
	{ "--trace", NULL, "print every retired instruction to stderr", opt_trace },
	{ "--realtime", NULL, "mtime follows host time at 10 MHz (default: mtime advances "
	  "1 tick per 100 retired instructions and WFI skips to the next timer deadline, "
	  "so runs are reproducible)", opt_realtime },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: domus-run --bare ELF [options]\n\noptions:\n");
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		fprintf(f, "  %s%s%-*s %s\n", options[i].name, options[i].arg ? " " : "",
			(int)(16 - strlen(options[i].name) - (options[i].arg ? 1 : 0)),
			options[i].arg ? options[i].arg : "", options[i].help);
	fprintf(f, "  --help             this text\n\n"
		"exit status: the guest's (HTIF: 0 = pass, N = failing test N, printed as\n"
		"\"FAIL test N\"), 124 instruction limit reached, 125 double fault (trap\n"
		"loop), 126 could not load or run, 2 usage error\n");
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			exit(0);
		}
		const char *eq = strchr(a, '=');
		size_t nlen = eq ? (size_t)(eq - a) : strlen(a);
		const struct option_def *d = NULL;
		for (size_t k = 0; k < sizeof options / sizeof options[0]; k++)
			if (strlen(options[k].name) == nlen && !strncmp(options[k].name, a, nlen))
				d = &options[k];
		if (!d) {
			fprintf(stderr, "domus-run: unknown option %s\n", a);
			return -EINVAL;
		}
		if (d->arg) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "domus-run: %s needs an argument\n", d->name);
				return -EINVAL;
			}
		}
		if (d->set(o, val) < 0) {
			fprintf(stderr, "domus-run: bad value for %s: %s\n", d->name, val ? val : "");
			return -EINVAL;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct run_opts o = { 0 };
	if (parse_args(argc, argv, &o) < 0 || !o.bare_mode) {
		usage(stderr);
		return 2;
	}
	return bare_run(&o.bare);
}
