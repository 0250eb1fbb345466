/*
 * Logging helpers shared by every component: leveled messages to stderr
 * with a component prefix. Thread-safe (one fprintf per message).
 */
#ifndef DOMUS_UTIL_LOG_H
#define DOMUS_UTIL_LOG_H

#include <stdarg.h>

enum log_level { LOG_ERROR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* Messages above this level are dropped. Default LOG_WARN; DOMUS_LOG=debug
 * (or error/warn/info) in the environment overrides it at first use. */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);

void log_msg(enum log_level lvl, const char *comp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level lvl, const char *comp, const char *fmt, va_list ap);

#define log_error(comp, ...) log_msg(LOG_ERROR, comp, __VA_ARGS__)
#define log_warn(comp, ...)  log_msg(LOG_WARN, comp, __VA_ARGS__)
#define log_info(comp, ...)  log_msg(LOG_INFO, comp, __VA_ARGS__)
#define log_debug(comp, ...) \
	do { if (log_get_level() >= LOG_DEBUG) log_msg(LOG_DEBUG, comp, __VA_ARGS__); } while (0)

/* Parse a size such as "128M", "1G", "4096", "64k". Returns 0 or -EINVAL. */
int parse_size(const char *s, unsigned long long *out);

#endif
