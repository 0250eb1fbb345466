/*
 * Unit tests of the guest configuration parser (src/toolstack/config.c):
 * the dialect, typed keys, disk and vif specs, overrides, diagnostics, and
 * every malformed file in tests/data/ against its .expect line.
 * Run from the repository root. TAP output.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/config.h"

static int failures, count;

static void ok(int cond, const char *name, const char *detail)
{
	count++;
	if (cond) {
		printf("ok - %s\n", name);
	} else {
		failures++;
		printf("not ok - %s\n", name);
		if (detail)
			printf("# %s\n", detail);
	}
}

static int parse(const char *text, const char *const *ov, unsigned nov,
		 struct domain_config *dc, struct cfg_diag *d)
{
	memset(d, 0, sizeof(*d));
	return domain_config_parse(text, strlen(text), "t.cfg", ov, nov, dc, d);
}

static void test_full(void)
{
	static const char text[] =
		"# A Running Xen style config\n"
		"name = \"web1\"   # trailing comment\n"
		"uuid = '6B2B1C1E-7F3A-4c3b-9a2d-0123456789ab'\n"
		"memory = 256\n"
		"maxmem=512\n"
		"vcpus = 2\n"
		"kernel = '/boot/Image'\n"
		"ramdisk = \"/boot/initrd\"\n"
		"root = '/dev/xvda1 ro'\n"
		"extra = 'console=hvc0'\n"
		"disk = [ 'phy:/dev/vg/web1,xvda,w',\n"
		"         'file:/srv/web1-swap.img,xvdb,w',   # swap\n"
		"         'tap:aio:/srv/data.img,xvdc,r',\n"
		"         '/root/image.iso,,hdc,cdrom',\n"
		"         'format=raw, vdev=xvdd, access=rw, target=/srv/a,b.img',\n"
		"       ]\n"
		"vif = [ 'mac=00:16:3e:00:00:01, bridge=xenbr0, ip=10.0.0.2, rate=10Mb/s@20ms',\n"
		"        'model=virtio,vifname=web1.1,script=vif-bridge' ]\n"
		"on_poweroff = 'destroy'; on_reboot = \"restart\"\n"
		"on_crash = 'preserve'\n"
		"autostart = True\n";
	struct domain_config dc;
	struct cfg_diag d;
	int r = parse(text, NULL, 0, &dc, &d);

	ok(r == 0 && d.errors == 0, "full config parses", d.text);
	ok(dc.name && !strcmp(dc.name, "web1"), "name", NULL);
	ok(!strcmp(dc.uuid, "6b2b1c1e-7f3a-4c3b-9a2d-0123456789ab"), "uuid lower-cased", dc.uuid);
	ok(dc.memory_mib == 256 && dc.maxmem_mib == 512 && dc.vcpus == 2 && dc.maxvcpus == 2,
	   "memory/maxmem/vcpus", NULL);
	ok(dc.kernel && !strcmp(dc.kernel, "/boot/Image") && dc.ramdisk && !strcmp(dc.ramdisk, "/boot/initrd"),
	   "kernel/ramdisk", NULL);
	ok(dc.cmdline && !strcmp(dc.cmdline, "root=/dev/xvda1 ro console=hvc0"), "root+extra -> cmdline",
	   dc.cmdline);
	ok(dc.nr_disks == 5, "five disks (trailing comma, comment inside list)", NULL);
	if (dc.nr_disks == 5) {
		ok(!strcmp(dc.disks[0].target, "/dev/vg/web1") && !strcmp(dc.disks[0].vdev, "xvda") &&
		   !strcmp(dc.disks[0].backendtype, "phy") && !dc.disks[0].readonly, "phy: disk", NULL);
		ok(!strcmp(dc.disks[1].target, "/srv/web1-swap.img") && !strcmp(dc.disks[1].vdev, "xvdb"),
		   "file: disk", NULL);
		ok(!strcmp(dc.disks[2].target, "/srv/data.img") && dc.disks[2].readonly &&
		   !strcmp(dc.disks[2].backendtype, "tap"), "tap:aio: disk read-only", NULL);
		ok(!strcmp(dc.disks[3].vdev, "hdc") && dc.disks[3].cdrom && dc.disks[3].readonly,
		   "positional cdrom flag", NULL);
		ok(!strcmp(dc.disks[4].target, "/srv/a,b.img") && !strcmp(dc.disks[4].vdev, "xvdd"),
		   "key=value disk, target= keeps commas", dc.disks[4].target);
	}
	ok(dc.nr_vifs == 2, "two vifs", NULL);
	if (dc.nr_vifs == 2) {
		ok(!strcmp(dc.vifs[0].mac, "00:16:3e:00:00:01") && !strcmp(dc.vifs[0].bridge, "xenbr0") &&
		   !strcmp(dc.vifs[0].ip, "10.0.0.2") && !strcmp(dc.vifs[0].rate, "10Mb/s@20ms"),
		   "vif 0 keys", NULL);
		ok(!strcmp(dc.vifs[1].model, "virtio") && !strcmp(dc.vifs[1].vifname, "web1.1") &&
		   !strcmp(dc.vifs[1].script, "vif-bridge"), "vif 1 keys", NULL);
	}
	ok(dc.on_poweroff == CFG_ACT_DESTROY && dc.on_reboot == CFG_ACT_RESTART &&
	   dc.on_crash == CFG_ACT_PRESERVE, "on_* actions, ';' separator", NULL);
	ok(dc.autostart, "autostart True", NULL);
	ok(d.notices == 0, "maxmem is implemented: no not-implemented notice", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);
}

static void test_overrides(void)
{
	const char *ov[] = { "name=other", "memory=64", "vcpus=3", "extra='quiet x=\"1\"'",
			     "vif=['bridge=br1']", "kernel=/k2" };
	struct domain_config dc;
	struct cfg_diag d;
	int r = parse("name='a'\nkernel='/k'\nmemory=128\n", ov, 6, &dc, &d);

	ok(r == 0, "overrides parse", d.text);
	ok(dc.name && !strcmp(dc.name, "other"), "override bare string", NULL);
	ok(dc.memory_mib == 64 && dc.vcpus == 3, "override integers", NULL);
	ok(dc.cmdline && !strcmp(dc.cmdline, "quiet x=\"1\""), "override quoted", dc.cmdline);
	ok(dc.nr_vifs == 1 && !strcmp(dc.vifs[0].bridge, "br1"), "override list", NULL);
	ok(dc.kernel && !strcmp(dc.kernel, "/k2"), "override path", NULL);
	domain_config_free(&dc);
	cfg_diag_free(&d);

	const char *bad[] = { "memory=lots", "novalue" };
	r = parse("name='a'\nkernel='/k'\n", bad, 2, &dc, &d);
	ok(r == -22 && d.text && strstr(d.text, "<command line>:1:8: error: expected an integer for 'memory', got string") &&
	   strstr(d.text, "<command line>: error: expected KEY=VALUE, got 'novalue'"),
	   "bad overrides reported", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);
}

static void test_diagnostics(void)
{
	struct domain_config dc;
	struct cfg_diag d;
	int r = parse("name='a'\nkernel='/k'\nfrobnicate = 3\non_watchdog = 'reset'\n"
		      "seclabel='x'\nvfb=['vnc=1']\n", NULL, 0, &dc, &d);

	ok(r == 0, "unknown key is not an error", d.text);
	ok(d.warnings == 1 && d.text && strstr(d.text, "t.cfg:3:1: warning: unknown key 'frobnicate' ignored"),
	   "unknown key warning with position", d.text);
	ok(d.text && strstr(d.text, "t.cfg:4:1: notice: 'on_watchdog' is parsed but not implemented") &&
	   strstr(d.text, "t.cfg:5:1: notice: 'seclabel'") && strstr(d.text, "t.cfg:6:1: notice: 'vfb'"),
	   "not-implemented notices", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);

	/* several errors in one file, recovery after each */
	r = parse("name='a'\nkernel='/k'\nmemory = [1]\nvcpus = 'two'\n@\nmemory = 32\n", NULL, 0, &dc, &d);
	ok(r == -22 && d.errors == 3 && dc.memory_mib == 32, "three errors, parsing continues", d.text);
	ok(d.text && strstr(d.text, "t.cfg:5:1: error: expected a key name, got '@'"), "stray character", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);

	/* line continuation, hex, adjacent literals, empty lists */
	r = parse("name = 'a' \\\n  'b'\nkernel='/k'\nmemory = 0x40\ndisk = []\nvif=['']\n", NULL, 0, &dc, &d);
	ok(r == 0 && dc.name && !strcmp(dc.name, "ab") && dc.memory_mib == 64 && dc.nr_disks == 0 &&
	   dc.nr_vifs == 1, "continuation, hex, literal join, empty vif", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);

	/* name rules */
	r = parse("name='123'\nkernel='/k'\n", NULL, 0, &dc, &d);
	ok(r == -22 && d.text && strstr(d.text, "t.cfg:1:6: error: expected a domain name"), "numeric name refused", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);
	r = parse("name='Domain-0'\nkernel='/k'\n", NULL, 0, &dc, &d);
	ok(r == -22, "Domain-0 refused", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);

	/* NUL bytes and huge inputs do not confuse the lexer */
	static const char nul[] = "name='a\0b'\nkernel='/k'\n";
	memset(&d, 0, sizeof(d));
	r = domain_config_parse(nul, sizeof(nul) - 1, "t.cfg", NULL, 0, &dc, &d);
	ok(r == -22, "NUL in string refused", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);

	size_t big = 300000;
	char *s = malloc(big + 32);
	if (s) {
		strcpy(s, "x = '");
		memset(s + 5, 'a', big);
		strcpy(s + 5 + big, "'\n");
		memset(&d, 0, sizeof(d));
		r = domain_config_parse(s, strlen(s), "t.cfg", NULL, 0, &dc, &d);
		ok(r == -22 && d.text && strstr(d.text, "expected a string shorter than"), "string cap", d.text);
		domain_config_free(&dc);
		cfg_diag_free(&d);
		/* many errors: message count capped */
		memset(s, '@', big);
		s[big] = 0;
		for (size_t k = 1; k < big; k += 2)
			s[k] = '\n';
		memset(&d, 0, sizeof(d));
		r = domain_config_parse(s, strlen(s), "t.cfg", NULL, 0, &dc, &d);
		ok(r == -22 && d.dropped > 0 && d.len < 64 * 512, "diagnostics capped", NULL);
		domain_config_free(&dc);
		cfg_diag_free(&d);
		free(s);
	}
}

static void test_specs(void)
{
	struct cfg_diag d = { 0 };
	struct cfg_disk k;
	struct cfg_vif v;

	ok(cfg_disk_parse("/dev/vg/guest-volume,raw,hda,rw", "w", &k, &d) == 0 &&
	   !strcmp(k.target, "/dev/vg/guest-volume") && !strcmp(k.vdev, "hda") && !k.readonly,
	   "disk 4 positional", d.text);
	cfg_disk_free(&k);
	ok(cfg_disk_parse("raw:/root/image.iso,hdc:cdrom,ro", "w", &k, &d) == 0 &&
	   !strcmp(k.target, "/root/image.iso") && !strcmp(k.vdev, "hdc") && k.cdrom && k.readonly,
	   "deprecated raw: prefix and :cdrom", d.text);
	cfg_disk_free(&k);
	ok(cfg_disk_parse("/root/image.iso,raw,hdc,devtype=cdrom", "w", &k, &d) == 0 && k.cdrom,
	   "devtype=cdrom", d.text);
	cfg_disk_free(&k);
	ok(cfg_disk_parse("/img", "w", &k, &d) == -22 && strstr(d.text, "w: error: disk spec: expected a vdev"),
	   "disk without vdev", d.text);
	ok(cfg_disk_parse("tap:foo:/img,xvda", "w", &k, &d) == -22, "unknown tap type", d.text);
	ok(cfg_disk_parse("/a,raw,xvda,w,extra", "w", &k, &d) == -22, "five positionals", d.text);
	ok(cfg_disk_parse("/a,xvda,w,format=zip", "w", &k, &d) == -22, "bad format", d.text);
	ok(cfg_disk_parse("/a,XVDA", "w", &k, &d) == -22, "bad vdev", d.text);
	ok(cfg_vif_parse("bridge=xenbr0,rate=5MB/s", "w", &v, &d) == 0 && !strcmp(v.rate, "5MB/s"), "vif", d.text);
	cfg_vif_free(&v);
	ok(cfg_vif_parse("rate=fast", "w", &v, &d) == -22, "vif bad rate", d.text);
	ok(cfg_vif_parse("xenbr0", "w", &v, &d) == -22, "vif bare word", d.text);
	unsigned w = d.warnings;
	ok(cfg_vif_parse("colour=blue", "w", &v, &d) == 0 && d.warnings == w + 1, "vif unknown key warns", d.text);
	cfg_vif_free(&v);
	cfg_diag_free(&d);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *b;
	if (!f)
		return NULL;
	b = calloc(1, 4096);
	if (b && fread(b, 1, 4095, f) == 0) {
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

static void test_data_dir(void)
{
	DIR *dir = opendir("tests/data");
	struct dirent *e;
	unsigned n = 0;

	if (!dir) {
		ok(0, "tests/data readable (run from the repository root)", NULL);
		return;
	}
	while ((e = readdir(dir))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strcmp(e->d_name + l - 4, ".cfg") || strncmp(e->d_name, "bad-", 4))
			continue;
		char cfg[512], exp[512], name[600];
		snprintf(cfg, sizeof(cfg), "tests/data/%s", e->d_name);
		snprintf(exp, sizeof(exp), "tests/data/%.*s.expect", (int)(l - 4), e->d_name);
		snprintf(name, sizeof(name), "malformed %s", e->d_name);
		char *want = slurp(exp);
		if (want)
			want[strcspn(want, "\n")] = 0;
		struct domain_config dc;
		struct cfg_diag d = { 0 };
		int r = domain_config_load(cfg, NULL, 0, &dc, &d);
		char detail[1200];
		snprintf(detail, sizeof(detail), "want: %s | got: %s", want ? want : "(no .expect)",
			 d.text ? d.text : "");
		ok(r == -22 && want && d.text && strstr(d.text, want), name, detail);
		free(want);
		domain_config_free(&dc);
		cfg_diag_free(&d);
		n++;
	}
	closedir(dir);
	ok(n >= 8, "at least 8 malformed files checked", NULL);
}

/* cpus= / cpu_weight / cap / maxvcpus (the credit scheduler's keys). */
static void test_sched_keys(void)
{
	struct domain_config dc;
	struct cfg_diag d;
	char buf[64], err[160];
	uint64_t m = 0;

	int r = parse("name='a'\nkernel='/k'\nvcpus=2\nmaxvcpus=4\ncpus='0-3,^1'\n"
		      "cpu_weight=512\ncap=350\n", NULL, 0, &dc, &d);
	ok(r == 0 && !d.text && dc.vcpus == 2 && dc.maxvcpus == 4 && dc.cpu_weight == 512 &&
	   dc.cap == 350 && domain_config_affinity(&dc, 3) == 0xd, "sched keys, no notice", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);
	r = parse("name='a'\nkernel='/k'\nvcpus=3\ncpus=['1', '0,2']\n", NULL, 0, &dc, &d);
	ok(r == 0 && domain_config_affinity(&dc, 0) == 2 && domain_config_affinity(&dc, 1) == 5 &&
	   domain_config_affinity(&dc, 2) == ~0ULL && dc.cpus && !strcmp(dc.cpus, "[\"1\", \"0,2\"]"),
	   "cpus list: one per vCPU", dc.cpus);
	domain_config_free(&dc);
	cfg_diag_free(&d);
	const char *ov[] = { "name=bad", "memory=0x40" };
	r = parse("name='a'\nkernel='/k'\n", ov, 2, &dc, &d);
	ok(r == 0 && dc.name && !strcmp(dc.name, "bad") && dc.memory_mib == 64,
	   "override: a bare word of hex letters is a string, 0x40 a number", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);
	r = parse("name='a'\nkernel='/k'\ncpus='all'\n", NULL, 0, &dc, &d);
	ok(r == 0 && domain_config_affinity(&dc, 5) == ~0ULL, "cpus all", d.text);
	domain_config_free(&dc);
	cfg_diag_free(&d);
	static const struct { const char *text, *want; } bad[] = {
		{ "cpus='0-'", "t.cfg:3:6: error: expected a CPU list like '0-3,^1' or 'all', got '0-'" },
		{ "cpus='3-1'", "t.cfg:3:6: error: expected an ascending CPU range in '3-1'" },
		{ "cpus='64'", "t.cfg:3:6: error: expected CPU numbers 0 to 63 in '64'" },
		{ "cpus='1,^1'", "t.cfg:3:6: error: expected at least one CPU in '1,^1'" },
		{ "cpus=['0', 'x']", "t.cfg:3:12: error: expected a CPU list like" },
		{ "cpus=['0','1']\nvcpus=1", "t.cfg: error: expected at most 1 CPU lists in 'cpus'" },
		{ "cpu_weight=0", "t.cfg:3:12: error: expected cpu_weight between 1 and 65535, got 0" },
		{ "cpu_weight=70000", "t.cfg:3:12: error: expected cpu_weight between 1 and 65535" },
		{ "cap=-1", "t.cfg:3:5: error: expected cap between 0 and 6400, got -1" },
		{ "vcpus=2\ncap=201", "t.cfg:4:5: error: expected cap between 0 and 200 (100 per vCPU, 2 vCPUs), got 201" },
		{ "maxvcpus=65", "t.cfg:3:10: error: expected maxvcpus between 1 and 64, got 65" },
	};
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		char text[200], name[120];
		snprintf(text, sizeof(text), "name='a'\nkernel='/k'\n%s\n", bad[k].text);
		r = parse(text, NULL, 0, &dc, &d);
		snprintf(name, sizeof(name), "bad sched key: %s", bad[k].text);
		for (char *c = name; *c; c++)
			if (*c == '\n')
				*c = ';';
		ok(r == -22 && d.text && strstr(d.text, bad[k].want), name, d.text);
		domain_config_free(&dc);
		cfg_diag_free(&d);
	}
	ok(cfg_cpus_parse("0-3,^1,1", &m, err, sizeof(err)) == 0 && m == 0xf, "order of items", err);
	ok(cfg_cpus_format(0x2b, buf, sizeof(buf)) == 0 && !strcmp(buf, "0-1,3,5"), "format 0-1,3,5", buf);
	ok(cfg_cpus_format(~0ULL, buf, sizeof(buf)) == 0 && !strcmp(buf, "0-63"), "format 0-63", buf);
}

int main(void)
{
	test_full();
	test_overrides();
	test_diagnostics();
	test_sched_keys();
	test_specs();
	test_data_dir();
	printf("# %d/%d passed\n", count - failures, count);
	return failures != 0;
}
