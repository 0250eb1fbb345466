/*
 * Unit test of xm top's client side (src/toolstack/top.c): the top-sample
 * parser (a valid sample, unknown records skipped, malformed ones refused
 * without leaking), and the table: CPU % from two samples, 0.0 without a
 * previous one, Domain-0 first under every sort order, sorting by CPU % and
 * by name, reverse, KiB columns, width truncation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/top.h"

static int failures;
#define CHECK(cond, ...) do { \
	printf("%s - ", (cond) ? "ok" : "not ok"); printf(__VA_ARGS__); printf("\n"); \
	if (!(cond)) failures++; } while (0)

/* A sample at time T with the CPU times of three domains (ns). */
static char *sample(unsigned long long t, unsigned long long c0, unsigned long long c1,
		    unsigned long long c2)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	fprintf(f, "%s\nhost 2 2596 1310720 983040 0.1-domus\ntime %llu\n", TOP_SAMPLE_MAGIC, t);
	fprintf(f, "dom 0 r----- %llu 262144 262144 2 0 0 0 0 0 0 0 0 0 0 0 Domain-0\n", c0);
	fprintf(f, "dom 3 r----- %llu 65536 131072 1 1 2048 4 1024 2 1 0 7 9 56 72 web\n", c1);
	fprintf(f, "dom 5 --p--- %llu 32768 65536 4 0 0 0 0 0 2 0 1 2 8 16 alpha beta\n", c2);
	fprintf(f, "ram 3 12000\nfuture-record 1 2 3\nram 5 100\nend 3\n");
	fclose(f);
	return s;
}

static char *render(const struct top_sample *cur, const struct top_sample *prev, int sort,
		    bool reverse, unsigned width)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	struct top_view v = { .sort = sort, .reverse = reverse, .width = width };
	top_render(f, cur, prev, &v);
	fclose(f);
	return s;
}

/* Names of the rows in output order, space separated. */
static void row_names(const char *out, char *buf, size_t n)
{
	buf[0] = 0;
	const char *p = strstr(out, "VBD_WSECT\n");
	if (!p)
		return;
	p += strlen("VBD_WSECT\n");
	while (*p) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char line[512];
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		char name[64];
		if (sscanf(line, "%63s", name) == 1)
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? " " : "", name);
		p += len + (e ? 1 : 0);
	}
}

/* Field k (1-based) of the row whose first field is name. */
static void field(const char *out, const char *name, int k, char *buf, size_t n)
{
	buf[0] = 0;
	char *copy = strdup(out), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *w = strtok_r(l, " ", &s2);
		if (!w || strcmp(w, name))
			continue;
		for (int i = 1; i < k && w; i++)
			w = strtok_r(NULL, " ", &s2);
		if (w)
			snprintf(buf, n, "%s", w);
		break;
	}
	free(copy);
}

static void test_parse(void)
{
	struct top_sample s;
	char *t = sample(1000000000ull, 5, 6, 7);
	int r = top_sample_parse(t, &s);
	CHECK(r == 0 && s.n == 3 && s.nr_cpus == 2 && s.cpu_mhz == 2596 && s.total_kib == 1310720 &&
	      s.free_kib == 983040 && !strcmp(s.version, "0.1-domus") && s.time_ns == 1000000000ull,
	      "parse: a valid sample (host, time, 3 domains; unknown records skipped)");
	CHECK(r == 0 && s.dom[1].id == 3 && !strcmp(s.dom[1].name, "web") && s.dom[1].nets == 1 &&
	      s.dom[1].tx_bytes == 2048 && s.dom[1].rx_bytes == 1024 && s.dom[1].vbd_rsect == 56 &&
	      s.dom[1].vbd_wsect == 72 && s.dom[1].maxmem_kib == 131072,
	      "parse: the fields of a dom line");
	CHECK(r == 0 && !strcmp(s.dom[2].name, "alpha beta") && !strcmp(s.dom[2].state, "--p---"),
	      "parse: the name is the rest of the line");
	top_sample_free(&s);
	free(t);

	static const char *bad[] = {
		"",
		"domus-top-sample 2\nhost 1 1 1 1 v\ntime 1\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 D\nend 1\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime 1\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 D\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime 1\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 D\nend 2\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime 1\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 D\nend 1\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime 1\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 \nend 1\n",
		"domus-top-sample 1\ntime 1\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 D\nend 1\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 D\nend 1\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime 1\ndom 0 r----- 0 0 0 99999 0 0 0 0 0 0 0 0 0 0 0 D\nend 1\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime 1\nend 0\n",
		"domus-top-sample 1\nhost 1 1 1 1 v\ntime x\ndom 0 r----- 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 D\nend 1\n",
	};
	int refused = 0;
	for (unsigned k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		if (top_sample_parse(bad[k], &s) < 0 && s.n == 0 && !s.dom)
			refused++;
		else
			printf("# accepted bad sample %u\n", k);
		top_sample_free(&s);
	}
	CHECK(refused == (int)(sizeof(bad) / sizeof(bad[0])),
	      "parse: %d of %zu malformed samples refused (magic, end count, short line, no name, "
	      "no host/time, absurd vCPUs, no domains)", refused, sizeof(bad) / sizeof(bad[0]));
}

static void test_render(void)
{
	struct top_sample a, b;
	char *ta = sample(1000000000ull, 0, 1000000000ull, 0);
	/* 2 s later: Domain-0 +0.1 s, web +1 s (50 %), alpha beta +3 s (150 %) */
	char *tb = sample(3000000000ull, 100000000ull, 2000000000ull, 3000000000ull);
	if (top_sample_parse(ta, &a) || top_sample_parse(tb, &b)) {
		CHECK(0, "render: samples parse");
		return;
	}
	char *o = render(&b, NULL, TOP_BY_ID, false, 0), f[64], names[256];
	field(o, "web", 4, f, sizeof(f));
	CHECK(!strcmp(f, "0.0"), "render: CPU(%%) 0.0 without a previous sample (got %s)", f);
	CHECK(strstr(o, "3 domains: 2 running, 0 blocked, 1 paused, 0 crashed, 0 dying, 0 shutdown\n") &&
	      strstr(o, "Mem: 1310720k total, 327680k used, 983040k free    CPUs: 2 @ 2596MHz\n"),
	      "render: header lines");
	free(o);
	o = render(&b, &a, TOP_BY_ID, false, 0);
	field(o, "web", 4, f, sizeof(f));
	CHECK(!strcmp(f, "50.0"), "render: CPU(%%) = CPU time delta / time delta: web 50.0 (got %s)", f);
	field(o, "Domain-0", 4, f, sizeof(f));
	CHECK(!strcmp(f, "5.0"), "render: Domain-0 5.0 (got %s)", f);
	field(o, "web", 3, f, sizeof(f));
	CHECK(!strcmp(f, "2"), "render: CPU(sec) whole seconds (got %s)", f);
	field(o, "web", 11, f, sizeof(f));
	char g[64];
	field(o, "web", 12, g, sizeof(g));
	CHECK(!strcmp(f, "2") && !strcmp(g, "1"), "render: NETTX/NETRX in KiB (got %s %s)", f, g);
	field(o, "web", 6, f, sizeof(f));
	CHECK(!strcmp(f, "5.0"), "render: MEM(%%) of Mem total (got %s)", f);
	row_names(o, names, sizeof(names));
	CHECK(!strcmp(names, "Domain-0 web alpha"), "render: domid order (got %s)", names);
	free(o);
	o = render(&b, &a, TOP_CPU_PCT, false, 0);
	row_names(o, names, sizeof(names));
	CHECK(!strcmp(names, "Domain-0 alpha web"), "render: by CPU %%, Domain-0 first (got %s)", names);
	free(o);
	o = render(&b, &a, TOP_CPU_PCT, true, 0);
	row_names(o, names, sizeof(names));
	CHECK(!strcmp(names, "Domain-0 web alpha"), "render: reversed, Domain-0 still first (got %s)", names);
	free(o);
	o = render(&b, &a, TOP_NAME, false, 0);
	row_names(o, names, sizeof(names));
	CHECK(!strcmp(names, "Domain-0 alpha web"), "render: by name (got %s)", names);
	free(o);
	o = render(&b, &a, TOP_BY_ID, false, 40);
	int longest = 0;
	for (char *p = o; *p;) {
		char *e = strchr(p, '\n');
		int len = e ? (int)(e - p) : (int)strlen(p);
		if (len > longest)
			longest = len;
		p += len + (e ? 1 : 0);
	}
	CHECK(longest == 40, "render: lines cut to the width (longest %d)", longest);
	free(o);
	top_sample_free(&a);
	top_sample_free(&b);
	free(ta);
	free(tb);
}

int main(void)
{
	test_parse();
	test_render();
	return failures ? 1 : 0;
}
