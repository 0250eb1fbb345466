/*
 * Guest configuration files: Xen's xm / xl.cfg dialect (Python-style
 * assignments "key = value" with strings in either quote style, integers,
 * multi-line lists, comments), its disk specs (xl-disk-configuration,
 * positional and key=value, plus xm's file:/phy:/tap:aio: prefixes), vif
 * specs, on_* actions and KEY=VAL overrides from the command line.
 *
 * Diagnostics are collected as text lines "FILE:LINE:COL: error: expected
 * X, got Y" / "warning: ..." / "notice: ..." in a struct cfg_diag; nothing
 * in here prints or exits.
 */
#ifndef DOMUS_TOOLSTACK_CONFIG_H
#define DOMUS_TOOLSTACK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CFG_MAX_DISKS 8
#define CFG_MAX_VIFS 8
#define CFG_MAX_LIST 256	/* items in one list */
#define CFG_MAX_STR 65536	/* bytes in one string literal */
#define CFG_MAX_DIAG 64		/* messages kept */
#define CFG_MAX_VCPUS 64	/* vcpus, maxvcpus */
#define CFG_MAX_PCPUS 64	/* CPU numbers in cpus = / vcpu-pin */

struct cfg_diag {
	char *text;		/* malloc'd, lines ending in '\n' */
	size_t len, cap;
	unsigned errors, warnings, notices, dropped;
};

void cfg_diag_free(struct cfg_diag *d);

enum cfg_action {
	CFG_ACT_DESTROY, CFG_ACT_RESTART, CFG_ACT_PRESERVE,
	CFG_ACT_RENAME_RESTART, CFG_ACT_COREDUMP_DESTROY, CFG_ACT_COREDUMP_RESTART,
};
const char *cfg_action_name(enum cfg_action a);
int cfg_action_parse(const char *s, enum cfg_action *out);

struct cfg_disk {
	char *target;		/* path (prefix removed) */
	char *vdev;		/* xvda, hdc, ... */
	char format[8];		/* raw, qcow, qcow2, vhd, qed */
	char backendtype[8];	/* phy, tap, qdisk, or "" */
	bool readonly, cdrom;
};

struct cfg_vif {
	char mac[18];		/* "" or xx:xx:xx:xx:xx:xx */
	char *bridge, *ip, *script, *vifname, *rate, *model;
};

struct domain_config {
	char *name;
	char uuid[37];		/* "" when not given */
	uint64_t memory_mib, maxmem_mib;
	unsigned vcpus, maxvcpus;	/* online at boot, created */
	char *cpus;			/* as written (items joined by ',') */
	uint64_t cpumask[CFG_MAX_VCPUS];	/* parsed cpus: [0] for all vCPUs, */
	unsigned nr_cpumasks;		/* or one per vCPU (cpus_per_vcpu: */
	bool cpus_per_vcpu;		/* the list form); 0: no affinity */
	long cpu_weight, cap;		/* credit scheduler: 1..65535, 0..100*maxvcpus */
	char *kernel, *ramdisk, *cmdline, *root, *extra, *firmware;
	struct cfg_disk disks[CFG_MAX_DISKS];
	unsigned nr_disks;
	struct cfg_vif vifs[CFG_MAX_VIFS];
	unsigned nr_vifs;
	enum cfg_action on_poweroff, on_reboot, on_crash;
	char *seclabel;
	bool vfb;
	bool autostart;
};

void domain_config_init(struct domain_config *dc);
void domain_config_free(struct domain_config *dc);

/*
 * Parses text (len bytes, need not be NUL terminated) named fname in
 * messages, then applies overrides ("KEY=VAL" strings, VAL in the same
 * dialect, or a bare word taken as a string). Returns 0, or -EINVAL when at
 * least one error was reported in *diag (dc is then partially filled; free
 * it anyway), or -ENOMEM.
 */
int domain_config_parse(const char *text, size_t len, const char *fname,
			const char *const *overrides, unsigned nr_overrides,
			struct domain_config *dc, struct cfg_diag *diag);

/* Same, reading the file (at most 1 MiB). */
int domain_config_load(const char *path, const char *const *overrides,
		       unsigned nr_overrides, struct domain_config *dc,
		       struct cfg_diag *diag);

/* Single specs, as found in disk = [...] / vif = [...]; used by the above
 * and by tests. where = "FILE:LINE:COL" for messages. */
int cfg_disk_parse(const char *spec, const char *where, struct cfg_disk *out,
		   struct cfg_diag *diag);
int cfg_vif_parse(const char *spec, const char *where, struct cfg_vif *out,
		  struct cfg_diag *diag);
void cfg_disk_free(struct cfg_disk *d);
void cfg_vif_free(struct cfg_vif *v);

/* Xen's CPU list syntax ("0-3,^1", "all"; items applied in order) into a
 * mask of CPUs 0..63; -EINVAL with a message in err otherwise (also for an
 * empty result). cfg_cpus_format writes a mask back as "0-1,3". */
int cfg_cpus_parse(const char *s, uint64_t *mask, char *err, size_t errlen);
int cfg_cpus_format(uint64_t mask, char *buf, size_t n);
/* The hard affinity cpus = gives vCPU `vcpu` (~0 for all CPUs). */
uint64_t domain_config_affinity(const struct domain_config *dc, unsigned vcpu);

/* Parses memory-ish and uuid strings. */
bool cfg_uuid_valid(const char *s);



/* The configuration as Xen's S-expression (xm list -l, xm create -n);
 * domid < 0 and state NULL leave those out. *out malloc'd. */
int domain_config_sxp(const struct domain_config *dc, int domid, const char *state,
		      double start_time, char **out);
#endif
