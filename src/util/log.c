/*
 * Leveled logging to stderr and small parsing helpers.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"

/* Process-wide logging configuration (not machine state). */
static _Atomic int log_level_cur = -1;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_set_level(enum log_level lvl)
{
	atomic_store(&log_level_cur, (int)lvl);
}

enum log_level log_get_level(void)
{
	int l = atomic_load_explicit(&log_level_cur, memory_order_relaxed);
	if (l < 0) {
		const char *e = getenv("DOMUS_LOG");
		l = LOG_WARN;
		for (int i = 0; e && i < 4; i++)
			if (!strcmp(e, level_names[i]))
				l = i;
		atomic_store(&log_level_cur, l);
	}
	return (enum log_level)l;
}

void log_vmsg(enum log_level lvl, const char *comp, const char *fmt, va_list ap)
{
	char buf[1024];
	if (lvl > log_get_level())
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	fprintf(stderr, "domus: %s: %s: %s\n", comp ? comp : "-",
		level_names[lvl <= LOG_DEBUG ? lvl : LOG_DEBUG], buf);
}

void log_msg(enum log_level lvl, const char *comp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vmsg(lvl, comp, fmt, ap);
	va_end(ap);
}

int parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v, mul = 1;
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': mul = 1ULL << 10; end++; break;
	case 'm': case 'M': mul = 1ULL << 20; end++; break;
	case 'g': case 'G': mul = 1ULL << 30; end++; break;
	case 0: break;
	default: return -EINVAL;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end == 'B')
		end++;
	if (*end)
		return -EINVAL;
	if (v > ~0ULL / mul)
		return -EINVAL;
	*out = v * mul;
	return 0;
}
