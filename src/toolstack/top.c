/*
 * xm top / xentop, client side: parsing xend's top-sample text, the table
 * (columns as xentop's, CPU % from two samples), sorting, batch output and
 * the full-screen display with its keys. Format in top.h.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "toolstack/top.h"

void top_sample_free(struct top_sample *s)
{
	free(s->dom);
	memset(s, 0, sizeof(*s));
}

/* One "dom ..." line (without the keyword) into *d. */
static int parse_dom(const char *p, struct top_dom *d)
{
	unsigned long long v[16];
	int used = 0;
	char state[8];
	if (sscanf(p, " %u %7s %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu%n",
		   &d->id, state, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9],
		   &v[10], &v[11], &v[12], &v[13], &v[14], &used) < 17 || !used)
		return -EINVAL;
	if (v[3] > TOP_MAX_DOMS || v[4] > 64 || v[9] > 64)	/* vcpus, nets, vbds: sane bounds */
		return -EINVAL;
	snprintf(d->state, sizeof(d->state), "%s", state);
	d->cpu_ns = v[0];
	d->mem_kib = v[1];
	d->maxmem_kib = v[2];
	d->vcpus = (unsigned)v[3];
	d->nets = (unsigned)v[4];
	d->tx_bytes = v[5];
	d->tx_pkts = v[6];
	d->rx_bytes = v[7];
	d->rx_pkts = v[8];
	d->vbds = (unsigned)v[9];
	d->vbd_oo = v[10];
	d->vbd_rd = v[11];
	d->vbd_wr = v[12];
	d->vbd_rsect = v[13];
	d->vbd_wsect = v[14];
	const char *name = p + used;
	if (*name != ' ')
		return -EINVAL;
	while (*name == ' ')	/* spaces only: the name is on this line */
		name++;
	size_t n = strcspn(name, "\n");
	if (!n)
		return -EINVAL;
	snprintf(d->name, sizeof(d->name), "%.*s", (int)n, name);
	return 0;
}

int top_sample_parse(const char *text, struct top_sample *s)
{
	memset(s, 0, sizeof(*s));
	size_t ml = strlen(TOP_SAMPLE_MAGIC);
	if (strncmp(text, TOP_SAMPLE_MAGIC, ml) || text[ml] != '\n')
		return -EINVAL;
	unsigned cap = 0, end = ~0u;
	bool host = false, tm = false;
	int r = -EINVAL;
	for (const char *p = text + ml + 1; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (!strncmp(p, "host ", 5)) {
			unsigned long long t, f;
			char ver[32];
			if (sscanf(p + 5, "%u %u %llu %llu %31s", &s->nr_cpus, &s->cpu_mhz, &t, &f, ver) != 5)
				goto fail;
			s->total_kib = t;
			s->free_kib = f;
			snprintf(s->version, sizeof(s->version), "%s", ver);
			host = true;
		} else if (!strncmp(p, "time ", 5)) {
			unsigned long long t;
			if (sscanf(p + 5, "%llu", &t) != 1)
				goto fail;
			s->time_ns = t;
			tm = true;
		} else if (!strncmp(p, "dom ", 4)) {
			if (s->n == TOP_MAX_DOMS)
				goto fail;
			if (s->n == cap) {
				unsigned nc = cap ? cap * 2 : 16;
				struct top_dom *nd = realloc(s->dom, nc * sizeof(*nd));
				if (!nd) {
					r = -ENOMEM;
					goto fail;
				}
				s->dom = nd;
				cap = nc;
			}
			memset(&s->dom[s->n], 0, sizeof(s->dom[0]));
			if (parse_dom(p + 4, &s->dom[s->n]) < 0)
				goto fail;
			s->n++;
		} else if (!strncmp(p, "end ", 4)) {
			if (sscanf(p + 4, "%u", &end) != 1)
				goto fail;
			break;
		}
		/* other lines: newer fields, ignored */
	}
	if (!host || !tm || end != s->n || !s->n)
		goto fail;
	return 0;
fail:
	top_sample_free(s);
	return r;
}

struct top_row {
	const struct top_dom *d;
	double cpu_pct;
};

static const struct {
	const char *title;
	int width;
} cols[TOP_NCOLS] = {
	[TOP_NAME] = { "NAME", 10 }, [TOP_STATE] = { "STATE", 6 },
	[TOP_CPU_S] = { "CPU(sec)", 10 }, [TOP_CPU_PCT] = { "CPU(%)", 6 },
	[TOP_MEM] = { "MEM(k)", 10 }, [TOP_MEM_PCT] = { "MEM(%)", 6 },
	[TOP_MAXMEM] = { "MAXMEM(k)", 10 }, [TOP_MAXMEM_PCT] = { "MAXMEM(%)", 9 },
	[TOP_VCPUS] = { "VCPUS", 5 }, [TOP_NETS] = { "NETS", 4 },
	[TOP_NETTX] = { "NETTX(k)", 8 }, [TOP_NETRX] = { "NETRX(k)", 8 },
	[TOP_VBDS] = { "VBDS", 4 }, [TOP_VBD_OO] = { "VBD_OO", 8 },
	[TOP_VBD_RD] = { "VBD_RD", 8 }, [TOP_VBD_WR] = { "VBD_WR", 8 },
	[TOP_VBD_RSECT] = { "VBD_RSECT", 10 }, [TOP_VBD_WSECT] = { "VBD_WSECT", 10 },
};

static double pct(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* A numeric column's value (sorting); NAME and STATE sort as text. */
static double col_value(const struct top_row *r, int c, const struct top_sample *s)
{
	const struct top_dom *d = r->d;
	switch (c) {
	case TOP_CPU_S: return (double)d->cpu_ns;
	case TOP_CPU_PCT: return r->cpu_pct;
	case TOP_MEM: case TOP_MEM_PCT: return (double)d->mem_kib;
	case TOP_MAXMEM: case TOP_MAXMEM_PCT: return (double)d->maxmem_kib;
	case TOP_VCPUS: return d->vcpus;
	case TOP_NETS: return d->nets;
	case TOP_NETTX: return (double)d->tx_bytes;
	case TOP_NETRX: return (double)d->rx_bytes;
	case TOP_VBDS: return d->vbds;
	case TOP_VBD_OO: return (double)d->vbd_oo;
	case TOP_VBD_RD: return (double)d->vbd_rd;
	case TOP_VBD_WR: return (double)d->vbd_wr;
	case TOP_VBD_RSECT: return (double)d->vbd_rsect;
	case TOP_VBD_WSECT: return (double)d->vbd_wsect;
	default: (void)s; return d->id;
	}
}

static void col_text(char *b, size_t n, const struct top_row *r, int c, const struct top_sample *s)
{
	const struct top_dom *d = r->d;
	switch (c) {
	case TOP_NAME: snprintf(b, n, "%s", d->name); break;
	case TOP_STATE: snprintf(b, n, "%s", d->state); break;
	case TOP_CPU_S: snprintf(b, n, "%llu", (unsigned long long)(d->cpu_ns / 1000000000u)); break;
	case TOP_CPU_PCT: snprintf(b, n, "%.1f", r->cpu_pct); break;
	case TOP_MEM_PCT: snprintf(b, n, "%.1f", pct(d->mem_kib, s->total_kib)); break;
	case TOP_MAXMEM_PCT: snprintf(b, n, "%.1f", pct(d->maxmem_kib, s->total_kib)); break;
	case TOP_NETTX: snprintf(b, n, "%llu", (unsigned long long)(d->tx_bytes >> 10)); break;
	case TOP_NETRX: snprintf(b, n, "%llu", (unsigned long long)(d->rx_bytes >> 10)); break;
	default: snprintf(b, n, "%.0f", col_value(r, c, s)); break;
	}
}

/* Sort context: qsort has none, so the rows carry what they need. */
struct sort_key {
	struct top_row row;
	const struct top_sample *s;
	int col;
	bool reverse;
};

static int row_cmp(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;
	if (a->row.d->id == 0 || b->row.d->id == 0)	/* Domain-0 first, as xentop */
		return (a->row.d->id != 0) - (b->row.d->id != 0);
	int r;
	if (a->col == TOP_NAME)
		r = strcmp(a->row.d->name, b->row.d->name);
	else if (a->col == TOP_STATE)
		r = strcmp(a->row.d->state, b->row.d->state);
	else if (a->col == TOP_BY_ID)
		r = (a->row.d->id > b->row.d->id) - (a->row.d->id < b->row.d->id);
	else {	/* numbers: largest first */
		double x = col_value(&a->row, a->col, a->s), y = col_value(&b->row, b->col, b->s);
		r = (x < y) - (x > y);
	}
	if (!r)
		r = (a->row.d->id > b->row.d->id) - (a->row.d->id < b->row.d->id);
	return a->reverse ? -r : r;
}

/* Writes s truncated to the view's width (counting visible characters). */
static void put_line(FILE *f, const char *s, const struct top_view *v)
{
	size_t n = strlen(s);
	if (v->width && n > v->width)
		n = v->width;
	fprintf(f, "%.*s%s\n", (int)n, s, v->highlight ? "\033[K" : "");
}

void top_render(FILE *f, const struct top_sample *cur, const struct top_sample *prev,
		const struct top_view *v)
{
	char line[1024];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(line, sizeof(line), "xm top - %02d:%02d:%02d   Domus %s", tm.tm_hour, tm.tm_min,
		 tm.tm_sec, cur->version);
	put_line(f, line, v);
	unsigned st[6] = { 0 };	/* running blocked paused crashed dying shutdown */
	static const char letters[6] = { 'r', 'b', 'p', 'c', 'd', 's' };
	for (unsigned i = 0; i < cur->n; i++)
		for (unsigned k = 0; k < 6; k++)
			if (strchr(cur->dom[i].state, letters[k]))
				st[k]++;
	snprintf(line, sizeof(line), "%u domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown",
		 cur->n, st[0], st[1], st[2], st[3], st[4], st[5]);
	put_line(f, line, v);
	uint64_t used = cur->total_kib > cur->free_kib ? cur->total_kib - cur->free_kib : 0;
	snprintf(line, sizeof(line), "Mem: %lluk total, %lluk used, %lluk free    CPUs: %u @ %uMHz",
		 (unsigned long long)cur->total_kib, (unsigned long long)used,
		 (unsigned long long)cur->free_kib, cur->nr_cpus, cur->cpu_mhz);
	put_line(f, line, v);

	/* Column titles; the sort column in reverse video on a terminal. */
	size_t len = 0;
	line[0] = 0;
	size_t vis = 0;
	for (int c = 0; c < TOP_NCOLS && len < sizeof(line) - 64; c++) {
		bool hl = v->highlight && c == v->sort;
		int w = snprintf(line + len, sizeof(line) - len, "%s%s%*s%s", c ? " " : "",
				 hl ? "\033[7m" : "", cols[c].width, cols[c].title, hl ? "\033[0m" : "");
		len += (size_t)w;
		vis += (c ? 1u : 0u) + ((size_t)cols[c].width > strlen(cols[c].title)
					 ? (size_t)cols[c].width : strlen(cols[c].title));
	}
	/* put_line counts bytes: give the escape bytes room */
	struct top_view tv = *v;
	if (tv.width)
		tv.width += (unsigned)(len - vis);
	put_line(f, line, &tv);

	struct sort_key *k = calloc(cur->n ? cur->n : 1, sizeof(*k));
	if (!k)
		return;
	double dt = prev && cur->time_ns > prev->time_ns ? (double)(cur->time_ns - prev->time_ns) : 0;
	for (unsigned i = 0; i < cur->n; i++) {
		k[i].row.d = &cur->dom[i];
		k[i].s = cur;
		k[i].col = v->sort;
		k[i].reverse = v->reverse;
		if (!prev || dt <= 0)
			continue;
		for (unsigned j = 0; j < prev->n; j++)
			if (prev->dom[j].id == cur->dom[i].id && !strcmp(prev->dom[j].name, cur->dom[i].name)) {
				if (cur->dom[i].cpu_ns > prev->dom[j].cpu_ns)
					k[i].row.cpu_pct = 100.0 * (double)(cur->dom[i].cpu_ns - prev->dom[j].cpu_ns) / dt;
				break;
			}
	}
	qsort(k, cur->n, sizeof(*k), row_cmp);
	unsigned rows = v->max_rows && v->max_rows < cur->n ? v->max_rows : cur->n;
	for (unsigned i = 0; i < rows; i++) {
		len = 0;
		for (int c = 0; c < TOP_NCOLS && len < sizeof(line) - 128; c++) {
			char cell[96];
			col_text(cell, sizeof(cell), &k[i].row, c, cur);
			len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%*s", c ? " " : "",
						cols[c].width, cell);
		}
		put_line(f, line, v);
	}
	free(k);
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fetches and parses one sample. */
static int sample_get(top_fetch_fn fetch, void *ctx, struct top_sample *s)
{
	char *text = NULL;
	if (fetch(ctx, &text)) {
		free(text);
		return -EIO;
	}
	int r = top_sample_parse(text ? text : "", s);
	free(text);
	if (r < 0)
		fprintf(stderr, "Error: xend sent a malformed top sample\n");
	return r;
}

static int run_batch(const struct top_opts *o, top_fetch_fn fetch, void *ctx)
{
	struct top_sample prev = { 0 }, cur;
	struct top_view v = { .sort = TOP_BY_ID };
	bool have_prev = false;
	for (long it = 0; !o->iterations || it < o->iterations; it++) {
		if (it) {
			struct timespec ts = { (time_t)o->delay, (long)((o->delay - (time_t)o->delay) * 1e9) };
			while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
				;
			putchar('\n');
		}
		if (sample_get(fetch, ctx, &cur) < 0) {
			top_sample_free(&prev);
			return 1;
		}
		top_render(stdout, &cur, have_prev ? &prev : NULL, &v);
		fflush(stdout);
		top_sample_free(&prev);
		prev = cur;
		have_prev = true;
	}
	top_sample_free(&prev);
	return 0;
}

/* Keys of the full-screen display. Returns false to quit. */
static bool top_key(struct top_view *v, struct top_opts *o, char c)
{
	switch (c) {
	case 'q': case 'Q': case 3: /* Ctrl-C (ISIG is off) */
		return false;
	case 's': case 'S':	/* next sort column (domid order, then each column) */
		v->sort = v->sort == TOP_BY_ID ? 0 : v->sort + 1 == TOP_NCOLS ? TOP_BY_ID : v->sort + 1;
		break;
	case 'r': case 'R': v->reverse = !v->reverse; break;
	case 'i': v->sort = TOP_BY_ID; break;
	case 'n': v->sort = TOP_NAME; break;
	case 'c': v->sort = TOP_CPU_PCT; break;
	case 'm': v->sort = TOP_MEM; break;
	case 'd': v->sort = TOP_VBD_RD; break;
	case 'w': v->sort = TOP_VBD_WR; break;
	case 't': v->sort = TOP_NETTX; break;
	case 'x': v->sort = TOP_NETRX; break;
	case '+': o->delay = o->delay < 60 ? o->delay + 1 : o->delay; break;
	case '-': o->delay = o->delay > 1.5 ? o->delay - 1 : o->delay; break;
	default: break;
	}
	return true;
}

static void screen_draw(const struct top_sample *cur, const struct top_sample *prev,
			struct top_view *v, const struct top_opts *o)
{
	struct winsize ws;
	v->width = 0;
	v->max_rows = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col) {
		v->width = ws.ws_col;
		v->max_rows = ws.ws_row > 6 ? ws.ws_row - 6u : 1;
	}
	fputs("\033[H", stdout);
	top_render(stdout, cur, prev, v);
	char help[160];
	snprintf(help, sizeof(help), "q quit  s next sort column  r reverse  "
		 "i/n/c/m/d/w/t/x sort by id/name/cpu/mem/rd/wr/tx/rx  +/- delay (%.1fs)", o->delay);
	printf("\033[J\n%.*s", v->width ? (int)v->width : (int)sizeof(help), help);
	fflush(stdout);
}

static int run_screen(const struct top_opts *opts, top_fetch_fn fetch, void *ctx)
{
	struct top_opts o = *opts;
	struct top_view v = { .sort = TOP_BY_ID, .highlight = true };
	struct top_sample prev = { 0 }, cur = { 0 };
	bool have_prev = false, have_cur = false;
	struct termios saved, raw;
	bool tty_in = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (tty_in) {
		raw = saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	fputs("\033[?1049h\033[?25l\033[H\033[2J", stdout);	/* alternate screen, no cursor */
	int rc = 0;
	bool run = true;
	for (long it = 0; run && (!o.iterations || it < o.iterations); it++) {
		if (sample_get(fetch, ctx, &cur) < 0) {
			rc = 1;
			break;
		}
		have_cur = true;
		screen_draw(&cur, have_prev ? &prev : NULL, &v, &o);
		if (o.iterations && it + 1 == o.iterations)
			break;
		double until = mono_s() + o.delay;
		while (run) {
			double left = until - mono_s();
			if (left <= 0)
				break;
			struct pollfd p = { .fd = tty_in ? STDIN_FILENO : -1, .events = POLLIN };
			int n = poll(&p, 1, (int)(left * 1000) + 1);
			if (n <= 0 || !(p.revents & POLLIN)) {
				if (n < 0 && errno != EINTR)
					break;
				continue;
			}
			char c;
			if (read(STDIN_FILENO, &c, 1) != 1) {
				tty_in = false;	/* EOF: just refresh */
				continue;
			}
			run = top_key(&v, &o, c);
			if (run)
				screen_draw(&cur, have_prev ? &prev : NULL, &v, &o);
		}
		top_sample_free(&prev);
		prev = cur;
		have_prev = true;
		have_cur = false;
		memset(&cur, 0, sizeof(cur));
	}
	if (have_cur)
		top_sample_free(&cur);
	top_sample_free(&prev);
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	if (tty_in)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return rc;
}

int top_run(const struct top_opts *o, top_fetch_fn fetch, void *ctx)
{
	if (o->batch || !isatty(STDOUT_FILENO))
		return run_batch(o, fetch, ctx);
	return run_screen(o, fetch, ctx);
}
