/*
 * Guest configuration parser (see config.h): a small lexer for the
 * Python-assignment dialect shared by xm and xl.cfg, a key table giving
 * each known key its type and whether Domus implements it, and the disk /
 * vif spec parsers. Every input byte is bounded: string and list sizes are
 * capped, messages are capped, and nothing aborts on bad input.
 */
#include "toolstack/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- diagnostics ---- */

enum diag_kind { D_ERROR, D_WARNING, D_NOTICE };

static void diag_add(struct cfg_diag *d, enum diag_kind k, const char *where,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void diag_add(struct cfg_diag *d, enum diag_kind k, const char *where,
		     const char *fmt, ...)
{
	static const char *const kname[] = { "error", "warning", "notice" };
	char msg[512];
	va_list ap;
	int n;

	if (k == D_ERROR)
		d->errors++;
	else if (k == D_WARNING)
		d->warnings++;
	else
		d->notices++;
	if (d->errors + d->warnings + d->notices > CFG_MAX_DIAG) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	n = snprintf(msg, sizeof(msg), "%s: %s: ", where, kname[k]);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	size_t ml = strlen(msg);
	if (d->len + ml + 2 > d->cap) {
		size_t nc = d->cap ? d->cap * 2 : 256;
		while (nc < d->len + ml + 2)
			nc *= 2;
		char *t = realloc(d->text, nc);
		if (!t)
			return;
		d->text = t;
		d->cap = nc;
	}
	memcpy(d->text + d->len, msg, ml);
	d->len += ml;
	d->text[d->len++] = '\n';
	d->text[d->len] = '\0';
}

void cfg_diag_free(struct cfg_diag *d)
{
	free(d->text);
	memset(d, 0, sizeof(*d));
}

/* ---- values and lexer ---- */

enum vtype { V_STR, V_INT, V_LIST };

struct val {
	enum vtype type;
	char *s;
	long long i;
	struct val *items;
	unsigned n;
	unsigned line, col;
};

static void val_free(struct val *v)
{
	if (!v)
		return;
	free(v->s);
	for (unsigned k = 0; k < v->n; k++)
		val_free(&v->items[k]);
	free(v->items);
	memset(v, 0, sizeof(*v));
}

enum tok {
	T_EOF, T_NL, T_IDENT, T_STR, T_INT, T_EQ, T_LBR, T_RBR, T_COMMA, T_SEMI,
	T_BAD,
};

struct lexer {
	const char *p;
	size_t len, pos;
	unsigned line, col;
	unsigned depth;		/* inside [ ]: newlines are blanks */
	const char *fname;
	struct cfg_diag *diag;
	/* current token */
	enum tok t;
	unsigned tline, tcol;
	char *s;		/* T_STR / T_IDENT text, malloc'd */
	long long i;
	int bad;		/* T_BAD: the byte */
	bool oom;
};

static int lx_peek(const struct lexer *lx, size_t off)
{
	return lx->pos + off < lx->len ? (unsigned char)lx->p[lx->pos + off] : -1;
}

static void lx_adv(struct lexer *lx)
{
	if (lx->pos >= lx->len)
		return;
	if (lx->p[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static void where_at(const struct lexer *lx, unsigned line, unsigned col, char *buf, size_t n)
{
	snprintf(buf, n, "%s:%u:%u", lx->fname, line, col);
}

static void lx_error(struct lexer *lx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void lx_error(struct lexer *lx, const char *fmt, ...)
{
	char where[300], msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	where_at(lx, lx->tline, lx->tcol, where, sizeof(where));
	diag_add(lx->diag, D_ERROR, where, "%s", msg);
}

/* Describes the current token for "got ..." */
static void tok_describe(const struct lexer *lx, char *buf, size_t n)
{
	switch (lx->t) {
	case T_EOF: snprintf(buf, n, "end of file"); break;
	case T_NL: snprintf(buf, n, "end of line"); break;
	case T_IDENT: snprintf(buf, n, "identifier '%.40s'", lx->s ? lx->s : ""); break;
	case T_STR: snprintf(buf, n, "string"); break;
	case T_INT: snprintf(buf, n, "integer %lld", lx->i); break;
	case T_EQ: snprintf(buf, n, "'='"); break;
	case T_LBR: snprintf(buf, n, "'['"); break;
	case T_RBR: snprintf(buf, n, "']'"); break;
	case T_COMMA: snprintf(buf, n, "','"); break;
	case T_SEMI: snprintf(buf, n, "';'"); break;
	case T_BAD:
		if (lx->bad >= 0x21 && lx->bad < 0x7f)
			snprintf(buf, n, "'%c'", lx->bad);
		else
			snprintf(buf, n, "byte 0x%02x", lx->bad & 0xff);
		break;
	}
}

/* Reads a quoted string (adjacent literals are joined, as in Python). */
static int lx_string(struct lexer *lx)
{
	size_t cap = 32, n = 0;
	char *b = malloc(cap);

	if (!b) {
		lx->oom = true;
		return -ENOMEM;
	}
	for (;;) {
		int q = lx_peek(lx, 0);
		lx_adv(lx);
		for (;;) {
			int c = lx_peek(lx, 0);
			if (c < 0 || c == '\n') {
				free(b);
				lx_error(lx, "expected closing %c, got %s", q,
					 c < 0 ? "end of file" : "end of line");
				return -EINVAL;
			}
			lx_adv(lx);
			if (c == q)
				break;
			if (c == '\\') {
				int e = lx_peek(lx, 0);
				if (e < 0)
					continue;
				lx_adv(lx);
				switch (e) {
				case 'n': c = '\n'; break;
				case 't': c = '\t'; break;
				case 'r': c = '\r'; break;
				case '\\': case '\'': case '"': c = e; break;
				case '\n': continue;	/* line continuation */
				default:
					/* Python keeps unknown escapes verbatim */
					if (n + 1 >= cap) {
						char *t = realloc(b, cap *= 2);
						if (!t) { free(b); lx->oom = true; return -ENOMEM; }
						b = t;
					}
					b[n++] = '\\';
					c = e;
				}
			}
			if (c == 0) {
				free(b);
				lx_error(lx, "expected text, got NUL byte inside string");
				return -EINVAL;
			}
			if (n + 2 >= cap) {
				if (cap >= CFG_MAX_STR) {
					free(b);
					lx_error(lx, "expected a string shorter than %d bytes, got a longer one", CFG_MAX_STR);
					return -EINVAL;
				}
				char *t = realloc(b, cap *= 2);
				if (!t) { free(b); lx->oom = true; return -ENOMEM; }
				b = t;
			}
			b[n++] = (char)c;
		}
		/* adjacent literal on the same line? */
		size_t save = lx->pos;
		unsigned sl = lx->line, sc = lx->col;
		for (;;) {
			if (lx_peek(lx, 0) == ' ' || lx_peek(lx, 0) == '\t') {
				lx_adv(lx);
			} else if (lx_peek(lx, 0) == '\\' && lx_peek(lx, 1) == '\n') {
				lx_adv(lx);
				lx_adv(lx);
			} else {
				break;
			}
		}
		int c = lx_peek(lx, 0);
		if (c != '\'' && c != '"') {
			lx->pos = save;
			lx->line = sl;
			lx->col = sc;
			break;
		}
	}
	b[n] = '\0';
	lx->s = b;
	lx->t = T_STR;
	return 0;
}

static int lx_next(struct lexer *lx)
{
	free(lx->s);
	lx->s = NULL;
	for (;;) {
		int c = lx_peek(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
			lx_adv(lx);
		} else if (c == '#') {
			while (lx_peek(lx, 0) >= 0 && lx_peek(lx, 0) != '\n')
				lx_adv(lx);
		} else if (c == '\\' && lx_peek(lx, 1) == '\n') {
			lx_adv(lx);
			lx_adv(lx);
		} else if (c == '\n' && lx->depth > 0) {
			lx_adv(lx);
		} else {
			break;
		}
	}
	lx->tline = lx->line;
	lx->tcol = lx->col;
	int c = lx_peek(lx, 0);
	if (c < 0) {
		lx->t = T_EOF;
		return 0;
	}
	switch (c) {
	case '\n': lx_adv(lx); lx->t = T_NL; return 0;
	case '=': lx_adv(lx); lx->t = T_EQ; return 0;
	case '[': lx_adv(lx); lx->t = T_LBR; return 0;
	case ']': lx_adv(lx); lx->t = T_RBR; return 0;
	case ',': lx_adv(lx); lx->t = T_COMMA; return 0;
	case ';': lx_adv(lx); lx->t = T_SEMI; return 0;
	case '\'': case '"': return lx_string(lx);
	}
	if (isalpha(c) || c == '_') {
		size_t st = lx->pos;
		while (lx_peek(lx, 0) >= 0 && (isalnum(lx_peek(lx, 0)) || lx_peek(lx, 0) == '_'))
			lx_adv(lx);
		size_t n = lx->pos - st;
		if (n > 64) {
			lx_error(lx, "expected a name of at most 64 characters, got %zu", n);
			lx->t = T_BAD;
			lx->bad = c;
			return -EINVAL;
		}
		lx->s = strndup(lx->p + st, n);
		if (!lx->s) {
			lx->oom = true;
			return -ENOMEM;
		}
		lx->t = T_IDENT;
		return 0;
	}
	if (isdigit(c) || ((c == '-' || c == '+') && lx_peek(lx, 1) >= 0 && isdigit(lx_peek(lx, 1)))) {
		bool neg = c == '-';
		if (c == '-' || c == '+')
			lx_adv(lx);
		int base = 10;
		if (lx_peek(lx, 0) == '0' && (lx_peek(lx, 1) == 'x' || lx_peek(lx, 1) == 'X')) {
			base = 16;
			lx_adv(lx);
			lx_adv(lx);
		}
		unsigned long long v = 0;
		bool any = false, over = false;
		for (;;) {
			int d = lx_peek(lx, 0), dv;
			if (d >= '0' && d <= '9')
				dv = d - '0';
			else if (base == 16 && isxdigit(d))
				dv = tolower(d) - 'a' + 10;
			else
				break;
			if (v > (ULLONG_MAX - dv) / base)
				over = true;
			else
				v = v * base + dv;
			any = true;
			lx_adv(lx);
		}
		int d = lx_peek(lx, 0);
		if (!any || (d >= 0 && (isalnum(d) || d == '_' || d == '.'))) {
			lx->t = T_BAD;
			lx->bad = d >= 0 ? d : c;
			lx_error(lx, "expected an integer, got '%c' inside a number", d >= 0x20 && d < 0x7f ? d : '?');
			return -EINVAL;
		}
		if (over || v > (unsigned long long)LLONG_MAX) {
			lx_error(lx, "expected an integer in range, got one too large");
			lx->t = T_BAD;
			lx->bad = c;
			return -EINVAL;
		}
		lx->i = neg ? -(long long)v : (long long)v;
		lx->t = T_INT;
		return 0;
	}
	lx_adv(lx);
	lx->t = T_BAD;
	lx->bad = c;
	return 0;
}

/* Parses a value at the current token; leaves the token after it current. */
static int parse_value(struct lexer *lx, struct val *v, bool in_list)
{
	char got[80];
	int r;

	memset(v, 0, sizeof(*v));
	v->line = lx->tline;
	v->col = lx->tcol;
	switch (lx->t) {
	case T_STR:
		v->type = V_STR;
		v->s = lx->s;
		lx->s = NULL;
		return lx_next(lx);
	case T_INT:
		v->type = V_INT;
		v->i = lx->i;
		return lx_next(lx);
	case T_IDENT:
		if (!strcmp(lx->s, "True") || !strcmp(lx->s, "False")) {
			v->type = V_INT;
			v->i = lx->s[0] == 'T';
			return lx_next(lx);
		}
		break;
	case T_LBR:
		if (in_list)
			break;
		v->type = V_LIST;
		lx->depth++;
		if ((r = lx_next(lx)))
			return r;
		while (lx->t != T_RBR) {
			if (v->n >= CFG_MAX_LIST) {
				lx_error(lx, "expected at most %d list items, got more", CFG_MAX_LIST);
				return -EINVAL;
			}
			struct val *it = realloc(v->items, (v->n + 1) * sizeof(*it));
			if (!it) {
				lx->oom = true;
				return -ENOMEM;
			}
			v->items = it;
			r = parse_value(lx, &v->items[v->n], true);
			v->n++;
			if (r)
				return r;
			if (lx->t == T_COMMA) {
				if ((r = lx_next(lx)))
					return r;
			} else if (lx->t != T_RBR) {
				tok_describe(lx, got, sizeof(got));
				lx_error(lx, "expected ',' or ']', got %s", got);
				return -EINVAL;
			}
		}
		lx->depth--;
		return lx_next(lx);
	default:
		break;
	}
	tok_describe(lx, got, sizeof(got));
	lx_error(lx, "expected %s, got %s",
		 in_list ? "a string or an integer" : "a value (string, integer or list)", got);
	return -EINVAL;
}

/* ---- key table ---- */

enum key_type { KT_STR, KT_INT, KT_BOOL, KT_STRLIST, KT_CPUS, KT_ANY };
enum key_id {
	K_NAME, K_UUID, K_MEMORY, K_MAXMEM, K_VCPUS, K_MAXVCPUS, K_CPUS,
	K_CPU_WEIGHT, K_CAP, K_KERNEL, K_RAMDISK, K_CMDLINE, K_ROOT, K_EXTRA,
	K_FIRMWARE, K_DISK, K_VIF, K_ON_POWEROFF, K_ON_REBOOT, K_ON_CRASH,
	K_SECLABEL, K_VFB, K_AUTOSTART, K_TYPE, K_OTHER,
};

struct key_desc {
	const char *name;
	enum key_type type;
	enum key_id id;
	const char *unimplemented;	/* NULL, or what Domus does instead */
};

static const struct key_desc key_table[] = {
	{ "name", KT_STR, K_NAME, NULL },
	{ "uuid", KT_STR, K_UUID, NULL },
	{ "memory", KT_INT, K_MEMORY, NULL },
	{ "maxmem", KT_INT, K_MAXMEM, NULL },
	{ "vcpus", KT_INT, K_VCPUS, NULL },
	{ "maxvcpus", KT_INT, K_MAXVCPUS, NULL },
	{ "cpus", KT_CPUS, K_CPUS, NULL },
	{ "cpu_weight", KT_INT, K_CPU_WEIGHT, NULL },
	{ "cap", KT_INT, K_CAP, NULL },
	{ "kernel", KT_STR, K_KERNEL, NULL },
	{ "ramdisk", KT_STR, K_RAMDISK, NULL },
	{ "cmdline", KT_STR, K_CMDLINE, NULL },
	{ "root", KT_STR, K_ROOT, NULL },
	{ "extra", KT_STR, K_EXTRA, NULL },
	{ "firmware", KT_STR, K_FIRMWARE, NULL },
	{ "bios", KT_STR, K_FIRMWARE, NULL },
	{ "disk", KT_STRLIST, K_DISK, NULL },
	{ "vif", KT_STRLIST, K_VIF, NULL },
	{ "on_poweroff", KT_STR, K_ON_POWEROFF, NULL },
	{ "on_reboot", KT_STR, K_ON_REBOOT, NULL },
	{ "on_crash", KT_STR, K_ON_CRASH, NULL },
	{ "seclabel", KT_STR, K_SECLABEL, "security labels (XSM) are not implemented yet; value ignored" },
	{ "vfb", KT_STRLIST, K_VFB, "virtual framebuffers are not implemented yet; value ignored" },
	{ "autostart", KT_BOOL, K_AUTOSTART, NULL },
	{ "type", KT_STR, K_TYPE, NULL },
	{ "builder", KT_STR, K_TYPE, NULL },
	{ "bootloader", KT_STR, K_OTHER, "bootloaders are not supported; use kernel/ramdisk" },
	{ "on_watchdog", KT_STR, K_OTHER, "watchdogs are not implemented yet; value ignored" },
	{ "pci", KT_STRLIST, K_OTHER, "PCI passthrough is not implemented; value ignored" },
	{ "vnc", KT_ANY, K_OTHER, "VNC is not implemented; value ignored" },
	{ "sdl", KT_ANY, K_OTHER, "SDL is not implemented; value ignored" },
};

static const char *const action_names[] = {
	[CFG_ACT_DESTROY] = "destroy", [CFG_ACT_RESTART] = "restart",
	[CFG_ACT_PRESERVE] = "preserve", [CFG_ACT_RENAME_RESTART] = "rename-restart",
	[CFG_ACT_COREDUMP_DESTROY] = "coredump-destroy",
	[CFG_ACT_COREDUMP_RESTART] = "coredump-restart",
};

const char *cfg_action_name(enum cfg_action a)
{
	return (unsigned)a < sizeof(action_names) / sizeof(action_names[0]) ? action_names[a] : "?";
}

int cfg_action_parse(const char *s, enum cfg_action *out)
{
	for (unsigned k = 0; k < sizeof(action_names) / sizeof(action_names[0]); k++)
		if (!strcmp(s, action_names[k])) {
			*out = k;
			return 0;
		}
	return -EINVAL;
}

bool cfg_uuid_valid(const char *s)
{
	static const int dash[] = { 8, 13, 18, 23 };
	if (strlen(s) != 36)
		return false;
	for (int k = 0, d = 0; k < 36; k++) {
		if (d < 4 && k == dash[d]) {
			if (s[k] != '-')
				return false;
			d++;
		} else if (!isxdigit((unsigned char)s[k])) {
			return false;
		}
	}
	return true;
}

/* Xen's CPU list: items N, N-M, ^N, ^N-M or "all", separated by commas,
 * applied in order ("0-3,^1" is 0,2,3; "0-3,^1,1" is 0-3). */
int cfg_cpus_parse(const char *s, uint64_t *mask, char *err, size_t errlen)
{
	uint64_t m = 0;
	const char *p = s;

	for (;;) {
		while (*p == ' ')
			p++;
		bool neg = *p == '^';
		if (neg)
			p++;
		uint64_t bits;
		if (!strncmp(p, "all", 3) && !neg) {
			bits = ~0ULL;
			p += 3;
		} else {
			char *e;
			if (!isdigit((unsigned char)*p))
				goto bad;
			unsigned long a = strtoul(p, &e, 10), b = a;
			p = e;
			if (*p == '-') {
				if (!isdigit((unsigned char)p[1]))
					goto bad;
				b = strtoul(p + 1, &e, 10);
				p = e;
			}
			if (a >= CFG_MAX_PCPUS || b >= CFG_MAX_PCPUS) {
				snprintf(err, errlen, "expected CPU numbers 0 to %d in '%.80s'",
					 CFG_MAX_PCPUS - 1, s);
				return -EINVAL;
			}
			if (b < a) {
				snprintf(err, errlen, "expected an ascending CPU range in '%.80s'", s);
				return -EINVAL;
			}
			bits = (b == 63 ? ~0ULL : (1ULL << (b + 1)) - 1) & ~((1ULL << a) - 1);
		}
		m = neg ? m & ~bits : m | bits;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p++ != ',')
			goto bad;
	}
	if (!m) {
		snprintf(err, errlen, "expected at least one CPU in '%.80s'", s);
		return -EINVAL;
	}
	*mask = m;
	return 0;
bad:
	snprintf(err, errlen, "expected a CPU list like '0-3,^1' or 'all', got '%.80s'", s);
	return -EINVAL;
}

int cfg_cpus_format(uint64_t mask, char *buf, size_t n)
{
	size_t o = 0;
	buf[0] = 0;
	for (unsigned c = 0; c < CFG_MAX_PCPUS;) {
		if (!(mask >> c & 1)) {
			c++;
			continue;
		}
		unsigned e = c;
		while (e + 1 < CFG_MAX_PCPUS && (mask >> (e + 1) & 1))
			e++;
		int w = e == c ? snprintf(buf + o, n - o, "%s%u", o ? "," : "", c)
			       : snprintf(buf + o, n - o, "%s%u-%u", o ? "," : "", c, e);
		if (w < 0 || (size_t)w >= n - o)
			return -ENOSPC;
		o += w;
		c = e + 1;
	}
	return 0;
}

uint64_t domain_config_affinity(const struct domain_config *dc, unsigned vcpu)
{
	if (!dc->nr_cpumasks)
		return ~0ULL;
	if (!dc->cpus_per_vcpu)
		return dc->cpumask[0];
	return vcpu < dc->nr_cpumasks ? dc->cpumask[vcpu] : ~0ULL;
}

void domain_config_init(struct domain_config *dc)
{
	memset(dc, 0, sizeof(*dc));
	dc->memory_mib = 128;
	dc->vcpus = 1;
	dc->cpu_weight = 256;
	dc->on_poweroff = CFG_ACT_DESTROY;
	dc->on_reboot = CFG_ACT_RESTART;
	dc->on_crash = CFG_ACT_RESTART;
}

void cfg_disk_free(struct cfg_disk *d)
{
	free(d->target);
	free(d->vdev);
	memset(d, 0, sizeof(*d));
}

void cfg_vif_free(struct cfg_vif *v)
{
	free(v->bridge);
	free(v->ip);
	free(v->script);
	free(v->vifname);
	free(v->rate);
	free(v->model);
	memset(v, 0, sizeof(*v));
}

void domain_config_free(struct domain_config *dc)
{
	free(dc->name);
	free(dc->cpus);
	free(dc->kernel);
	free(dc->ramdisk);
	free(dc->cmdline);
	free(dc->root);
	free(dc->extra);
	free(dc->firmware);
	free(dc->seclabel);
	for (unsigned k = 0; k < dc->nr_disks; k++)
		cfg_disk_free(&dc->disks[k]);
	for (unsigned k = 0; k < dc->nr_vifs; k++)
		cfg_vif_free(&dc->vifs[k]);
	memset(dc, 0, sizeof(*dc));
}

/* ---- disk and vif specs ---- */

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static bool is_format(const char *s)
{
	static const char *const f[] = { "raw", "qcow", "qcow2", "vhd", "qed" };
	for (unsigned k = 0; k < sizeof(f) / sizeof(f[0]); k++)
		if (!strcmp(s, f[k]))
			return true;
	return false;
}

static bool vdev_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 16 || !islower((unsigned char)s[0]))
		return false;
	for (size_t k = 0; k < n; k++)
		if (!islower((unsigned char)s[k]) && !isdigit((unsigned char)s[k]))
			return false;
	return true;
}

static int set_str(char **dst, const char *v)
{
	char *t = strdup(v);
	if (!t)
		return -ENOMEM;
	free(*dst);
	*dst = t;
	return 0;
}

/* Deprecated target prefixes (xm's file:/phy:/tap:aio: and friends). */
static int disk_prefix(struct cfg_disk *d, const char *where, struct cfg_diag *diag)
{
	static const struct { const char *p, *backend, *format; } pre[] = {
		{ "tap:aio:", "tap", "raw" }, { "tap2:aio:", "tap", "raw" },
		{ "tap:qcow2:", "tap", "qcow2" }, { "tap:qcow:", "tap", "qcow" },
		{ "tap:vhd:", "tap", "vhd" }, { "tap2:vhd:", "tap", "vhd" },
		{ "phy:", "phy", "raw" }, { "file:", "", "raw" }, { "aio:", "tap", "raw" },
		{ "raw:", "", "raw" }, { "qcow2:", "", "qcow2" }, { "qcow:", "", "qcow" },
		{ "vhd:", "", "vhd" }, { "qed:", "", "qed" },
	};
	const char *t = d->target;
	for (unsigned k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
		size_t n = strlen(pre[k].p);
		if (!strncmp(t, pre[k].p, n)) {
			snprintf(d->backendtype, sizeof(d->backendtype), "%s", pre[k].backend);
			snprintf(d->format, sizeof(d->format), "%s", pre[k].format);
			memmove(d->target, t + n, strlen(t + n) + 1);
			return 0;
		}
	}
	if (!strncmp(t, "tap:", 4) || !strncmp(t, "tap2:", 5)) {
		diag_add(diag, D_ERROR, where,
			 "disk spec: expected tap:aio:, tap:qcow:, tap:qcow2: or tap:vhd:, got '%.40s'", t);
		return -EINVAL;
	}
	return 0;
}

int cfg_disk_parse(const char *spec, const char *where, struct cfg_disk *d,
		   struct cfg_diag *diag)
{
	enum { P_TARGET, P_FORMAT, P_VDEV, P_ACCESS, P_END };
	char *copy = strdup(spec), *save = NULL, *tok, *target = NULL;
	bool have[P_END] = { false };
	char *access = NULL;
	unsigned pos = P_TARGET;
	int r = 0;

	memset(d, 0, sizeof(*d));
	if (!copy)
		return -ENOMEM;
	/* "target=" swallows the rest of the spec (it may hold commas). */
	char *tk = strstr(copy, "target=");
	if (tk && (tk == copy || tk[-1] == ',' || tk[-1] == ' ')) {
		target = tk + 7;
		*tk = '\0';
	}
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *t = trim(tok), *eq = strchr(t, '=');
		if (eq) {
			*eq = '\0';
			char *k = trim(t), *v = trim(eq + 1);
			if (!strcmp(k, "format")) {
				if (!is_format(v)) goto bad_format;
				snprintf(d->format, sizeof(d->format), "%s", v);
				have[P_FORMAT] = true;
			} else if (!strcmp(k, "vdev")) {
				if ((r = set_str(&d->vdev, v))) goto out;
				have[P_VDEV] = true;
			} else if (!strcmp(k, "access")) {
				access = v;
				have[P_ACCESS] = true;
			} else if (!strcmp(k, "devtype")) {
				if (strcmp(v, "cdrom") && strcmp(v, "disk")) {
					diag_add(diag, D_ERROR, where, "disk spec: expected devtype cdrom or disk, got '%.40s'", v);
					r = -EINVAL;
					goto out;
				}
				d->cdrom = !strcmp(v, "cdrom");
			} else if (!strcmp(k, "backendtype")) {
				if (strcmp(v, "phy") && strcmp(v, "tap") && strcmp(v, "qdisk")) {
					diag_add(diag, D_ERROR, where, "disk spec: expected backendtype phy, tap or qdisk, got '%.40s'", v);
					r = -EINVAL;
					goto out;
				}
				snprintf(d->backendtype, sizeof(d->backendtype), "%s", v);
			} else if (!strcmp(k, "backend") || !strcmp(k, "script")) {
				diag_add(diag, D_NOTICE, where, "disk spec: '%s' is not implemented yet; ignored", k);
			} else {
				diag_add(diag, D_WARNING, where, "disk spec: unknown key '%.40s' ignored", k);
			}
		} else if (!strcmp(t, "cdrom")) {
			d->cdrom = true;
		} else if (!strcmp(t, "discard") || !strcmp(t, "no-discard") ||
			   !strcmp(t, "direct-io-safe")) {
			/* accepted; virtio-blk decides */
		} else {
			while (pos < P_END && have[pos])
				pos++;
			if (pos == P_FORMAT && *t && !is_format(t))
				pos = P_VDEV;	/* legacy "target,vdev,access" */
			while (pos < P_END && have[pos])
				pos++;
			if (pos >= P_END) {
				diag_add(diag, D_ERROR, where, "disk spec: expected at most 4 positional parameters, got extra '%.40s'", t);
				r = -EINVAL;
				goto out;
			}
			have[pos] = true;
			if (!*t) {
				pos++;
				continue;	/* empty: default */
			}
			switch (pos) {
			case P_TARGET:
				if ((r = set_str(&d->target, t))) goto out;
				break;
			case P_FORMAT:
				snprintf(d->format, sizeof(d->format), "%s", t);
				break;
			case P_VDEV:
				if ((r = set_str(&d->vdev, t))) goto out;
				break;
			case P_ACCESS:
				access = t;
				break;
			}
			pos++;
		}
	}
	if (target && (r = set_str(&d->target, trim(target))))
		goto out;
	if (d->target && (r = disk_prefix(d, where, diag)))
		goto out;
	if (d->vdev) {
		char *c = strchr(d->vdev, ':');
		if (c) {
			if (!strcmp(c, ":cdrom"))
				d->cdrom = true;
			else if (strcmp(c, ":disk")) {
				diag_add(diag, D_ERROR, where, "disk spec: expected vdev suffix :cdrom or :disk, got '%.40s'", c);
				r = -EINVAL;
				goto out;
			}
			*c = '\0';
		}
	}
	if (!d->vdev || !*d->vdev) {
		diag_add(diag, D_ERROR, where, "disk spec: expected a vdev (e.g. xvda), got none in '%.60s'", spec);
		r = -EINVAL;
		goto out;
	}
	if (!vdev_valid(d->vdev)) {
		diag_add(diag, D_ERROR, where, "disk spec: expected a vdev such as xvda or hdc, got '%.40s'", d->vdev);
		r = -EINVAL;
		goto out;
	}
	if ((!d->target || !*d->target) && !d->cdrom) {
		diag_add(diag, D_ERROR, where, "disk spec: expected a target path, got none in '%.60s'", spec);
		r = -EINVAL;
		goto out;
	}
	if (access) {
		if (!strcmp(access, "r") || !strcmp(access, "ro"))
			d->readonly = true;
		else if (!strcmp(access, "w") || !strcmp(access, "rw") || !strcmp(access, "w!"))
			d->readonly = false;
		else {
			diag_add(diag, D_ERROR, where, "disk spec: expected access r, ro, w or rw, got '%.40s'", access);
			r = -EINVAL;
			goto out;
		}
	}
	if (d->cdrom)
		d->readonly = true;
	if (!d->format[0])
		snprintf(d->format, sizeof(d->format), "raw");
	if (strcmp(d->format, "raw"))
		diag_add(diag, D_NOTICE, where, "disk format %s is not implemented yet; only raw images work", d->format);
	goto done;
bad_format:
	diag_add(diag, D_ERROR, where, "disk spec: expected format raw, qcow, qcow2, vhd or qed, got '%.40s'", tok);
	r = -EINVAL;
out:
	if (r)
		cfg_disk_free(d);
done:
	free(copy);
	return r;
}

static bool mac_valid(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int k = 0; k < 17; k++)
		if (k % 3 == 2 ? s[k] != ':' : !isxdigit((unsigned char)s[k]))
			return false;
	return true;
}

/* rate: NUMBER[KMG]?(b|B)/s, optionally @NUMBER(s|ms|us). */
static bool rate_valid(const char *s)
{
	const char *p = s;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == 'K' || *p == 'M' || *p == 'G')
		p++;
	if (*p != 'b' && *p != 'B')
		return false;
	p++;
	if (strncmp(p, "/s", 2))
		return false;
	p += 2;
	if (!*p)
		return true;
	if (*p++ != '@' || !isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	return !strcmp(p, "s") || !strcmp(p, "ms") || !strcmp(p, "us");
}

int cfg_vif_parse(const char *spec, const char *where, struct cfg_vif *v,
		  struct cfg_diag *diag)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int r = 0;

	memset(v, 0, sizeof(*v));
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *t = trim(tok), *eq = strchr(t, '=');
		if (!*t)
			continue;
		if (!eq) {
			diag_add(diag, D_ERROR, where, "vif spec: expected KEY=VALUE, got '%.40s'", t);
			r = -EINVAL;
			goto out;
		}
		*eq = '\0';
		char *k = trim(t), *val = trim(eq + 1);
		char **dst = NULL;
		if (!strcmp(k, "mac")) {
			if (!mac_valid(val)) {
				diag_add(diag, D_ERROR, where, "vif spec: expected mac=xx:xx:xx:xx:xx:xx, got '%.40s'", val);
				r = -EINVAL;
				goto out;
			}
			snprintf(v->mac, sizeof(v->mac), "%s", val);
			continue;
		} else if (!strcmp(k, "rate")) {
			if (!rate_valid(val)) {
				diag_add(diag, D_ERROR, where, "vif spec: expected rate like 10Mb/s or 1MB/s@20ms, got '%.40s'", val);
				r = -EINVAL;
				goto out;
			}
			dst = &v->rate;
		} else if (!strcmp(k, "bridge")) {
			dst = &v->bridge;
		} else if (!strcmp(k, "ip")) {
			dst = &v->ip;
		} else if (!strcmp(k, "script")) {
			dst = &v->script;
		} else if (!strcmp(k, "vifname")) {
			dst = &v->vifname;
		} else if (!strcmp(k, "model")) {
			dst = &v->model;
		} else if (!strcmp(k, "type") || !strcmp(k, "backend")) {
			diag_add(diag, D_NOTICE, where, "vif spec: '%s' is not implemented yet; ignored", k);
			continue;
		} else {
			diag_add(diag, D_WARNING, where, "vif spec: unknown key '%.40s' ignored", k);
			continue;
		}
		if ((r = set_str(dst, val)))
			goto out;
	}
out:
	if (r)
		cfg_vif_free(v);
	free(copy);
	return r;
}

/* ---- applying assignments ---- */

static const char *vtype_name(const struct val *v)
{
	return v->type == V_STR ? "string" : v->type == V_INT ? "integer" : "list";
}

static const struct key_desc *key_find(const char *name)
{
	for (unsigned k = 0; k < sizeof(key_table) / sizeof(key_table[0]); k++)
		if (!strcmp(key_table[k].name, name))
			return &key_table[k];
	return NULL;
}

static bool name_valid(const char *s)
{
	size_t n = strlen(s);
	bool digits = true;
	if (n == 0 || n > 64)
		return false;
	for (size_t k = 0; k < n; k++) {
		unsigned char c = s[k];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return false;
		if (!isdigit(c))
			digits = false;
	}
	return !digits;
}

struct applier {
	const char *fname;
	struct domain_config *dc;
	struct cfg_diag *diag;
	bool oom;
	char cap_where[300];	/* FILE:LINE:COL of the last cap value */
};

static int apply(struct applier *a, const char *key, unsigned kline, unsigned kcol,
		 const struct val *v)
{
	char kw[300], vw[300];
	struct domain_config *dc = a->dc;
	const struct key_desc *kd = key_find(key);
	int r = 0;

	snprintf(kw, sizeof(kw), "%s:%u:%u", a->fname, kline, kcol);
	snprintf(vw, sizeof(vw), "%s:%u:%u", a->fname, v->line, v->col);
	if (!kd) {
		diag_add(a->diag, D_WARNING, kw, "unknown key '%s' ignored", key);
		return 0;
	}
	/* type check */
	bool ok;
	switch (kd->type) {
	case KT_STR: ok = v->type == V_STR; break;
	case KT_INT: case KT_BOOL: ok = v->type == V_INT; break;
	case KT_STRLIST:
		ok = v->type == V_LIST;
		for (unsigned k = 0; ok && k < v->n; k++)
			if (v->items[k].type != V_STR) {
				snprintf(vw, sizeof(vw), "%s:%u:%u", a->fname, v->items[k].line, v->items[k].col);
				diag_add(a->diag, D_ERROR, vw, "expected a string in '%s' list, got %s",
					 key, vtype_name(&v->items[k]));
				return -EINVAL;
			}
		break;
	default: ok = true;
	}
	if (!ok) {
		diag_add(a->diag, D_ERROR, vw, "expected %s for '%s', got %s", 
			 kd->type == KT_STR ? "a string" : kd->type == KT_STRLIST ? "a list of strings" :
			 "an integer", key, vtype_name(v));
		return -EINVAL;
	}
	if (kd->unimplemented)
		diag_add(a->diag, D_NOTICE, kw, "'%s' is parsed but not implemented by Domus: %s",
			 key, kd->unimplemented);

	switch (kd->id) {
	case K_NAME:
		if (!name_valid(v->s) || !strcmp(v->s, "Domain-0")) {
			diag_add(a->diag, D_ERROR, vw, "expected a domain name of 1-64 letters, digits, '-', '_', '.' (not all digits, not Domain-0), got '%.64s'", v->s);
			return -EINVAL;
		}
		r = set_str(&dc->name, v->s);
		break;
	case K_UUID:
		if (!cfg_uuid_valid(v->s)) {
			diag_add(a->diag, D_ERROR, vw, "expected a UUID like 01234567-89ab-cdef-0123-456789abcdef, got '%.40s'", v->s);
			return -EINVAL;
		}
		for (int k = 0; k < 37; k++)
			dc->uuid[k] = (char)tolower((unsigned char)v->s[k]);
		break;
	case K_MEMORY: case K_MAXMEM:
		if (v->i < 1 || v->i > (1 << 20)) {
			diag_add(a->diag, D_ERROR, vw, "expected %s in MiB between 1 and 1048576, got %lld", key, v->i);
			return -EINVAL;
		}
		if (kd->id == K_MEMORY)
			dc->memory_mib = v->i;
		else
			dc->maxmem_mib = v->i;
		break;
	case K_VCPUS: case K_MAXVCPUS:
		if (v->i < 1 || v->i > 64) {
			diag_add(a->diag, D_ERROR, vw, "expected %s between 1 and 64, got %lld", key, v->i);
			return -EINVAL;
		}
		if (kd->id == K_VCPUS)
			dc->vcpus = v->i;
		else
			dc->maxvcpus = v->i;
		break;
	case K_CPUS: {
		/* A string: one mask for every vCPU; a list: one per vCPU
		 * (item k for vCPU k), as Xen's xend. */
		char buf[1024], err[160];
		size_t n = 0;
		const struct val *items = v->type == V_LIST ? v->items : v;
		unsigned cnt = v->type == V_LIST ? v->n : 1;
		buf[0] = '\0';
		if (v->type == V_LIST && (cnt == 0 || cnt > CFG_MAX_VCPUS)) {
			diag_add(a->diag, D_ERROR, vw, "expected 1 to %d CPU lists in 'cpus', got %u",
				 CFG_MAX_VCPUS, cnt);
			return -EINVAL;
		}
		for (unsigned k = 0; k < cnt; k++) {
			const struct val *it = &items[k];
			char one[220];
			if (it->type == V_INT)
				snprintf(one, sizeof(one), "%lld", it->i);
			else if (it->type == V_STR)
				snprintf(one, sizeof(one), "%.200s", it->s);
			else {
				diag_add(a->diag, D_ERROR, vw, "expected a CPU list for 'cpus', got a nested list");
				return -EINVAL;
			}
			if (cfg_cpus_parse(one, &dc->cpumask[k], err, sizeof(err)) < 0) {
				snprintf(vw, sizeof(vw), "%s:%u:%u", a->fname, it->line, it->col);
				diag_add(a->diag, D_ERROR, vw, "%s", err);
				return -EINVAL;
			}
			/* the text (xm list -l): as written, the list form as
			 * ["1", "0,2"] */
			if (n < sizeof(buf) - 1)
				n += snprintf(buf + n, sizeof(buf) - n,
					      v->type == V_LIST ? "%s\"%s\"%s" : "%s%s%s",
					      k ? ", " : v->type == V_LIST ? "[" : "", one,
					      v->type == V_LIST && k + 1 == cnt ? "]" : "");
		}
		dc->nr_cpumasks = cnt;
		dc->cpus_per_vcpu = v->type == V_LIST;
		r = set_str(&dc->cpus, buf);
		break;
	}
	case K_CPU_WEIGHT:
		if (v->i < 1 || v->i > 65535) {
			diag_add(a->diag, D_ERROR, vw, "expected cpu_weight between 1 and 65535, got %lld", v->i);
			return -EINVAL;
		}
		dc->cpu_weight = v->i;
		break;
	case K_CAP:
		if (v->i < 0 || v->i > 100 * CFG_MAX_VCPUS) {
			diag_add(a->diag, D_ERROR, vw, "expected cap between 0 and %d, got %lld",
				 100 * CFG_MAX_VCPUS, v->i);
			return -EINVAL;
		}
		dc->cap = v->i;
		/* checked against maxvcpus once the whole file is read */
		snprintf(a->cap_where, sizeof(a->cap_where), "%s", vw);
		break;
	case K_KERNEL: r = set_str(&dc->kernel, v->s); break;
	case K_RAMDISK: r = set_str(&dc->ramdisk, v->s); break;
	case K_CMDLINE: r = set_str(&dc->cmdline, v->s); break;
	case K_ROOT: r = set_str(&dc->root, v->s); break;
	case K_EXTRA: r = set_str(&dc->extra, v->s); break;
	case K_FIRMWARE: r = set_str(&dc->firmware, v->s); break;
	case K_SECLABEL: r = set_str(&dc->seclabel, v->s); break;
	case K_DISK:
		for (unsigned k = 0; k < dc->nr_disks; k++)
			cfg_disk_free(&dc->disks[k]);
		dc->nr_disks = 0;
		for (unsigned k = 0; k < v->n; k++) {
			snprintf(vw, sizeof(vw), "%s:%u:%u", a->fname, v->items[k].line, v->items[k].col);
			if (dc->nr_disks >= CFG_MAX_DISKS) {
				diag_add(a->diag, D_ERROR, vw, "expected at most %d disks, got more", CFG_MAX_DISKS);
				return -EINVAL;
			}
			r = cfg_disk_parse(v->items[k].s, vw, &dc->disks[dc->nr_disks], a->diag);
			if (r)
				return r;
			for (unsigned j = 0; j < dc->nr_disks; j++)
				if (!strcmp(dc->disks[j].vdev, dc->disks[dc->nr_disks].vdev)) {
					diag_add(a->diag, D_ERROR, vw, "expected a new vdev, got '%s' twice", dc->disks[j].vdev);
					cfg_disk_free(&dc->disks[dc->nr_disks]);
					return -EINVAL;
				}
			dc->nr_disks++;
		}
		break;
	case K_VIF:
		for (unsigned k = 0; k < dc->nr_vifs; k++)
			cfg_vif_free(&dc->vifs[k]);
		dc->nr_vifs = 0;
		for (unsigned k = 0; k < v->n; k++) {
			snprintf(vw, sizeof(vw), "%s:%u:%u", a->fname, v->items[k].line, v->items[k].col);
			if (dc->nr_vifs >= CFG_MAX_VIFS) {
				diag_add(a->diag, D_ERROR, vw, "expected at most %d vifs, got more", CFG_MAX_VIFS);
				return -EINVAL;
			}
			r = cfg_vif_parse(v->items[k].s, vw, &dc->vifs[dc->nr_vifs], a->diag);
			if (r)
				return r;
			dc->nr_vifs++;
		}
		break;
	case K_ON_POWEROFF: case K_ON_REBOOT: case K_ON_CRASH: {
		enum cfg_action act;
		if (cfg_action_parse(v->s, &act)) {
			diag_add(a->diag, D_ERROR, vw, "expected destroy, restart, preserve, rename-restart, coredump-destroy or coredump-restart for '%s', got '%.40s'", key, v->s);
			return -EINVAL;
		}
		if (act == CFG_ACT_COREDUMP_DESTROY || act == CFG_ACT_COREDUMP_RESTART)
			diag_add(a->diag, D_NOTICE, vw, "core dumps are not implemented yet: %s acts as %s",
				 v->s, act == CFG_ACT_COREDUMP_DESTROY ? "destroy" : "restart");
		if (kd->id == K_ON_POWEROFF)
			dc->on_poweroff = act;
		else if (kd->id == K_ON_REBOOT)
			dc->on_reboot = act;
		else
			dc->on_crash = act;
		break;
	}
	case K_VFB: dc->vfb = v->n > 0; break;
	case K_AUTOSTART: dc->autostart = v->i != 0; break;
	case K_TYPE:
		if (strcmp(v->s, "pv") && strcmp(v->s, "linux") && strcmp(v->s, "pvh")) {
			diag_add(a->diag, D_ERROR, vw, "expected type pv (or builder linux), got '%.40s'", v->s);
			return -EINVAL;
		}
		break;
	case K_OTHER:
		break;
	}
	if (r == -ENOMEM)
		a->oom = true;
	return r;
}

/* Skips to the end of the current line (error recovery). */
static int lx_skip_line(struct lexer *lx)
{
	int r = 0;
	lx->depth = 0;
	while (lx->t != T_NL && lx->t != T_EOF && !lx->oom) {
		r = lx_next(lx);
		if (r && lx->t != T_BAD && !lx->oom) {
			/* lexer error: move on by hand */
			while (lx_peek(lx, 0) >= 0 && lx_peek(lx, 0) != '\n')
				lx_adv(lx);
			lx->t = T_NL;
			if (lx_peek(lx, 0) == '\n')
				lx_adv(lx);
			return 0;
		}
	}
	return lx->oom ? -ENOMEM : 0;
}

/* One "KEY = VALUE" statement list. */
static int parse_text(struct applier *a, const char *text, size_t len, const char *fname)
{
	struct lexer lx = { .p = text, .len = len, .line = 1, .col = 1, .fname = fname,
			    .diag = a->diag };
	char got[80];
	int r = lx_next(&lx);
	bool failed = false;

	for (;;) {
		if (lx.oom)
			break;
		if (r) {
			failed = true;
			if (lx_skip_line(&lx))
				break;
			r = lx_next(&lx);
			continue;
		}
		if (lx.t == T_EOF)
			break;
		if (lx.t == T_NL || lx.t == T_SEMI) {
			r = lx_next(&lx);
			continue;
		}
		if (lx.t != T_IDENT) {
			tok_describe(&lx, got, sizeof(got));
			lx_error(&lx, "expected a key name, got %s", got);
			r = -EINVAL;
			continue;
		}
		char *key = lx.s;
		unsigned kl = lx.tline, kc = lx.tcol;
		lx.s = NULL;
		if ((r = lx_next(&lx))) {
			free(key);
			continue;
		}
		if (lx.t != T_EQ) {
			tok_describe(&lx, got, sizeof(got));
			lx_error(&lx, "expected '=' after '%s', got %s", key, got);
			free(key);
			r = -EINVAL;
			continue;
		}
		if ((r = lx_next(&lx))) {
			free(key);
			continue;
		}
		struct val v;
		r = parse_value(&lx, &v, false);
		if (!r && lx.t != T_NL && lx.t != T_EOF && lx.t != T_SEMI) {
			tok_describe(&lx, got, sizeof(got));
			lx_error(&lx, "expected end of line after the value of '%s', got %s", key, got);
			r = -EINVAL;
		}
		if (!r && apply(a, key, kl, kc, &v))
			failed = true;
		val_free(&v);
		free(key);
	}
	free(lx.s);
	if (lx.oom || a->oom)
		return -ENOMEM;
	return failed || r ? -EINVAL : 0;
}

static bool looks_like_literal(const char *v)
{
	if (*v == '\'' || *v == '"' || *v == '[')
		return true;
	if (*v == '-' || *v == '+')
		v++;
	if (!*v)
		return false;
	/* hex digits only after 0x: "name=bad" is a bare word */
	bool hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X') && v[2];
	if (hex)
		v += 2;
	for (; *v; v++)
		if (hex ? !isxdigit((unsigned char)*v) : !isdigit((unsigned char)*v))
			return false;
	return true;
}

/* "KEY=VAL" from the command line: VAL in the dialect, or a bare string. */
static int apply_override(struct applier *a, const char *ov)
{
	const char *eq = strchr(ov, '=');
	const char *where = "<command line>";
	int r;

	if (!eq || eq == ov) {
		diag_add(a->diag, D_ERROR, where, "expected KEY=VALUE, got '%.60s'", ov);
		return -EINVAL;
	}
	const char *val = eq + 1;
	if (looks_like_literal(val) && strcmp(val, "True") && strcmp(val, "False")) {
		return parse_text(a, ov, strlen(ov), where);
	}
	/* bare word: quote it ourselves */
	size_t kl = eq - ov, vl = strlen(val);
	char *buf = malloc(kl + vl * 2 + 8);
	if (!buf)
		return -ENOMEM;
	size_t n = kl;
	memcpy(buf, ov, kl);
	buf[n++] = '=';
	buf[n++] = '"';
	for (size_t k = 0; k < vl; k++) {
		if (val[k] == '"' || val[k] == '\\')
			buf[n++] = '\\';
		buf[n++] = val[k];
	}
	buf[n++] = '"';
	r = parse_text(a, buf, n, where);
	free(buf);
	return r;
}

int domain_config_parse(const char *text, size_t len, const char *fname,
			const char *const *overrides, unsigned nr_overrides,
			struct domain_config *dc, struct cfg_diag *diag)
{
	struct applier a = { .fname = fname, .dc = dc, .diag = diag };
	int r, ret = 0;

	domain_config_init(dc);
	r = parse_text(&a, text, len, fname);
	if (r == -ENOMEM)
		return r;
	if (r)
		ret = -EINVAL;
	for (unsigned k = 0; k < nr_overrides; k++) {
		a.fname = "<command line>";
		r = apply_override(&a, overrides[k]);
		if (r == -ENOMEM)
			return r;
		if (r)
			ret = -EINVAL;
	}
	if (!dc->name) {
		diag_add(diag, D_ERROR, fname, "expected a 'name' key, got none");
		ret = -EINVAL;
	}
	if (!dc->kernel && !dc->firmware) {
		diag_add(diag, D_ERROR, fname, "expected a 'kernel' (or 'firmware') key, got none");
		ret = -EINVAL;
	}
	if (!dc->maxmem_mib || dc->maxmem_mib < dc->memory_mib)
		dc->maxmem_mib = dc->memory_mib;
	if (!dc->maxvcpus || dc->maxvcpus < dc->vcpus)
		dc->maxvcpus = dc->vcpus;
	if (dc->cap > 100L * dc->maxvcpus) {
		diag_add(diag, D_ERROR, a.cap_where[0] ? a.cap_where : fname,
			 "expected cap between 0 and %u (100 per vCPU, %u vCPUs), got %ld",
			 100 * dc->maxvcpus, dc->maxvcpus, dc->cap);
		ret = -EINVAL;
	}
	if (dc->cpus_per_vcpu && dc->nr_cpumasks > dc->maxvcpus) {
		diag_add(diag, D_ERROR, fname, "expected at most %u CPU lists in 'cpus' (one per vCPU), got %u",
			 dc->maxvcpus, dc->nr_cpumasks);
		ret = -EINVAL;
	}
	if (!dc->cmdline && (dc->root || dc->extra)) {
		size_t n = (dc->root ? strlen(dc->root) + 6 : 0) + (dc->extra ? strlen(dc->extra) : 0) + 2;
		dc->cmdline = malloc(n);
		if (!dc->cmdline)
			return -ENOMEM;
		snprintf(dc->cmdline, n, "%s%s%s%s", dc->root ? "root=" : "", dc->root ? dc->root : "",
			 dc->root && dc->extra ? " " : "", dc->extra ? dc->extra : "");
	}
	if (diag->errors)
		ret = -EINVAL;
	return ret;
}

int domain_config_load(const char *path, const char *const *overrides,
		       unsigned nr_overrides, struct domain_config *dc,
		       struct cfg_diag *diag)
{
	char *buf = NULL;
	struct stat st;
	int fd, r;

	domain_config_init(dc);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		diag_add(diag, D_ERROR, path, "cannot open: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (1 << 20)) {
		diag_add(diag, D_ERROR, path, "expected a regular file of at most 1 MiB");
		r = -EINVAL;
		goto out;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	r = domain_config_parse(buf, got, path, overrides, nr_overrides, dc, diag);
out:
	free(buf);
	close(fd);
	return r;
}
