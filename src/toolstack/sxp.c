/* A domain configuration printed as Xen's S-expression (xm list -l). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/config.h"

/* Atoms with blanks, parentheses or quotes are quoted. */
static void atom(FILE *f, const char *s)
{
	if (*s && !strpbrk(s, " \t\n()'\"\\")) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

static void kv(FILE *f, const char *ind, const char *k, const char *v)
{
	if (!v)
		return;
	fprintf(f, "%s(%s ", ind, k);
	atom(f, v);
	fputs(")\n", f);
}

int domain_config_sxp(const struct domain_config *dc, int domid, const char *state,
		      double start_time, char **out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return -ENOMEM;
	fputs("(domain\n", f);
	if (domid >= 0)
		fprintf(f, "    (domid %d)\n", domid);
	kv(f, "    ", "uuid", dc->uuid[0] ? dc->uuid : NULL);
	kv(f, "    ", "name", dc->name);
	fprintf(f, "    (memory %llu)\n    (maxmem %llu)\n    (vcpus %u)\n    (online_vcpus %u)\n",
		(unsigned long long)dc->memory_mib, (unsigned long long)dc->maxmem_mib,
		dc->maxvcpus ? dc->maxvcpus : dc->vcpus, dc->vcpus);
	kv(f, "    ", "cpus", dc->cpus);
	fprintf(f, "    (cpu_weight %ld)\n    (cpu_cap %ld)\n", dc->cpu_weight, dc->cap);
	kv(f, "    ", "on_poweroff", cfg_action_name(dc->on_poweroff));
	kv(f, "    ", "on_reboot", cfg_action_name(dc->on_reboot));
	kv(f, "    ", "on_crash", cfg_action_name(dc->on_crash));
	kv(f, "    ", "state", state);
	if (start_time > 0)
		fprintf(f, "    (start_time %.2f)\n", start_time);
	fprintf(f, "    (autostart %d)\n", dc->autostart);
	fputs("    (image\n        (linux\n", f);
	kv(f, "            ", "kernel", dc->kernel);
	kv(f, "            ", "ramdisk", dc->ramdisk);
	kv(f, "            ", "args", dc->cmdline);
	kv(f, "            ", "firmware", dc->firmware);
	fputs("        )\n    )\n", f);
	for (unsigned k = 0; k < dc->nr_disks; k++) {
		const struct cfg_disk *d = &dc->disks[k];
		char uname[4200];
		snprintf(uname, sizeof(uname), "%s:%s",
			 !strcmp(d->backendtype, "phy") ? "phy" : !strcmp(d->backendtype, "tap") ? "tap:aio" : "file",
			 d->target ? d->target : "");
		fputs("    (device\n        (vbd\n", f);
		kv(f, "            ", "uname", uname);
		char dev[40];
		snprintf(dev, sizeof(dev), "%s%s", d->vdev, d->cdrom ? ":cdrom" : "");
		kv(f, "            ", "dev", dev);
		kv(f, "            ", "mode", d->readonly ? "r" : "w");
		fputs("        )\n    )\n", f);
	}
	for (unsigned k = 0; k < dc->nr_vifs; k++) {
		const struct cfg_vif *v = &dc->vifs[k];
		fputs("    (device\n        (vif\n", f);
		kv(f, "            ", "mac", v->mac[0] ? v->mac : NULL);
		kv(f, "            ", "bridge", v->bridge);
		kv(f, "            ", "ip", v->ip);
		kv(f, "            ", "script", v->script);
		kv(f, "            ", "vifname", v->vifname);
		kv(f, "            ", "rate", v->rate);
		kv(f, "            ", "model", v->model);
		fputs("        )\n    )\n", f);
	}
	fputs(")\n", f);
	if (fclose(f)) {
		free(buf);
		return -ENOMEM;
	}
	*out = buf;
	return 0;
}
