/*
 * domus-run: run a guest. For now the bare-metal mode (--bare ELF); the
 * board adds its own options (--kernel ...) to the table below.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/bare.h"
#include "board/guest_run.h"
#include "hv/sched.h"
#include "util/log.h"

struct run_opts {
	struct bare_opts bare;
	bool bare_mode;
	struct guest_opts guest;	/* --kernel / --bios: a virt-board guest */
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
static int opt_stats(struct run_opts *o, const char *a) { o->bare.stats = true; return 0; }

static int opt_mem(struct run_opts *o, const char *a)
{
	unsigned long long v;
	if (parse_size(a, &v) || v < 4096 || (v & 4095) || v > (1ULL << 40))
		return -EINVAL;
	o->bare.mem_size = v;
	o->guest.mem = v;
	return 0;
}

/* Guest (virt board) options. */
static int opt_kernel(struct run_opts *o, const char *a) { o->guest.kernel = a; return 0; }
static int opt_initrd(struct run_opts *o, const char *a) { o->guest.initrd = a; return 0; }
static int opt_append(struct run_opts *o, const char *a) { o->guest.append = a; return 0; }
static int opt_bios(struct run_opts *o, const char *a) { o->guest.bios = a; return 0; }
static int opt_dump_dtb(struct run_opts *o, const char *a) { o->guest.dump_dtb = a; return 0; }
static int opt_reboot(struct run_opts *o, const char *a) { o->guest.reboot = true; return 0; }
static int opt_disk(struct run_opts *o, const char *a) { return guest_opts_add_disk(&o->guest, a); }
static int opt_net(struct run_opts *o, const char *a) { return guest_opts_set_net(&o->guest, a); }

static int opt_vcpus(struct run_opts *o, const char *a)
{
	char *end;
	unsigned long v = strtoul(a, &end, 10);
	if (*end || v < 1 || v > 64)
		return -EINVAL;
	o->guest.vcpus = (unsigned)v;
	return 0;
}

static int opt_pcpus(struct run_opts *o, const char *a)
{
	char *end;
	unsigned long v = strtoul(a, &end, 10);
	if (*end || v < 1 || v > SCHED_MAX_PCPUS)
		return -EINVAL;
	o->guest.pcpus = (unsigned)v;
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
	{ "--kernel", "IMAGE", "boot a Linux Image (or S-mode payload such as U-Boot) on the "
	  "virt board; Domus is the SBI firmware unless --bios is given", opt_kernel },
	{ "--initrd", "FILE", "initial ramdisk", opt_initrd },
	{ "--append", "STR", "kernel command line", opt_append },
	{ "--vcpus", "N", "number of vCPUs, 1..64 (default 1)", opt_vcpus },
	{ "--pcpus", "N", "pCPU threads the credit scheduler runs the vCPUs on, 1..64 "
	  "(default: the host's online CPUs)", opt_pcpus },
	{ "--disk", "PATH[,ro]", "raw disk image as virtio-blk (repeatable)", opt_disk },
	{ "--net", "tap=NAME|none", "virtio-net on a TAP device (default none)", opt_net },
	{ "--bios", "FILE", "M-mode firmware at 0x80000000 (OpenSBI fw_jump.bin / "
	  "fw_dynamic.bin); the kernel becomes its payload", opt_bios },
	{ "--dump-dtb", "FILE", "write the device tree blob and exit", opt_dump_dtb },
	{ "--reboot", NULL, "on guest reboot, restart in place instead of exiting 2", opt_reboot },
	{ "--mem", "SIZE", "guest RAM size, e.g. 128M (default 128M bare, 256M guest)", opt_mem },
	{ "--max-insns", "N", "stop after N instructions: exit status 124", opt_max_insns },
	{ "--trace", NULL, "print every retired instruction to stderr", opt_trace },
	{ "--realtime", NULL, "mtime follows host time at 10 MHz (default: mtime advances "
	  "1 tick per 100 retired instructions and WFI skips to the next timer deadline, "
	  "so runs are reproducible)", opt_realtime },
	{ "--stats", NULL, "--bare: print retired instructions, run time and MIPS at exit", opt_stats },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: domus-run --bare ELF [options]\n"
		"       domus-run --kernel IMAGE [--initrd F] [--append STR] [options]\n\noptions:\n");
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		fprintf(f, "  %s%s%-*s %s\n", options[i].name, options[i].arg ? " " : "",
			(int)(16 - strlen(options[i].name) - (options[i].arg ? 1 : 0)),
			options[i].arg ? options[i].arg : "", options[i].help);
	fprintf(f, "  --help             this text\n\n"
		"exit status: the guest's (HTIF: 0 = pass, N = failing test N, printed as\n"
		"\"FAIL test N\"), 124 instruction limit reached, 125 double fault (trap\n"
		"loop), 126 could not load or run, 2 usage error\n"
		"guest exit status: 0 power-off, 2 reboot, 3 crash (kernel panic, double\n"
		"fault, failure reset), 4 quit (Ctrl-a x), 1 could not load or run\n");
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
	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	bool guest_mode = o.guest.kernel || o.guest.bios;
	if (guest_mode && !o.bare_mode)
		return guest_run(&o.guest);
	if (!o.bare_mode || guest_mode) {
		usage(stderr);
		return 2;
	}
	return bare_run(&o.bare);
}
