/*
 * xend internals shared by its files (not an interface of libtoolstack):
 * struct xend and struct domain, the reply buffer, and the functions one
 * part of xend calls in another. xend.c: log, startup and the main loop;
 * xend_domain.c: domain lifecycle and managed domains; xend_xs.c: the
 * XenStore layout; xend_mem.c: memory accounting and the balloon;
 * xend_console.c: consoles, ptys and viewers; xend_ctl.c: the control
 * socket and request dispatch.
 *
 * Locking: x->lock guards the domain list, every domain's state and the
 * XenStore handle. A domain's console (viewers, ring, log fd) has its own
 * lock because vCPU threads write to it.
 */
#ifndef DOMUS_TOOLSTACK_XEND_INTERNAL_H
#define DOMUS_TOOLSTACK_XEND_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "toolstack/config.h"

#define MAX_VIEWERS 8
#define CON_RING 16384
#define MSG_RING 65536

struct machine;
struct pollfd;
struct xs_handle;

enum dstate { DS_RUNNING, DS_SHUTDOWN, DS_CRASHED, DS_DEAD };

struct xend;

struct domain {
	struct xend *x;
	struct domain *next;
	unsigned id;
	char name[80];
	char uuid[37];
	struct domain_config cfg;	/* cfg.memory_mib: the current balloon
					 * target; cfg.maxmem_mib: mem-max */
	uint64_t ram_mib;		/* RAM the running instance was built with */
	struct machine *m;
	pthread_t thread;
	bool thread_started;
	enum dstate state;
	bool destroy_req;
	bool paused;			/* by xm pause / create -p (boolean, as
					 * Xen's pause by the system controller) */
	struct timespec started;	/* this instance */
	double start_wall;
	/* console */
	pthread_mutex_t con_lock;
	int log_fd;
	int pty_master, pty_slave;	/* the domain's pty; xend keeps the slave
					 * open so the master never reports HUP */
	char pty_path[64];
	int viewers[MAX_VIEWERS];
	char ring[CON_RING];
	size_t ring_len;
};

struct xend {
	char state[PATH_MAX / 2];
	char sock_path[PATH_MAX], pid_path[PATH_MAX], xs_sock[PATH_MAX];
	int listen_fd, lock_fd, log_fd, sig_fd;
	pthread_mutex_t lock;
	pthread_mutex_t log_lock;
	struct domain *doms;
	unsigned next_domid;
	uint64_t dom0_mem_mib, guest_mem_mib;
	unsigned pcpus;
	char network_script[256], reloc_hosts[256];
	unsigned reloc_port;
	char xenstored[PATH_MAX];
	struct xs_handle *xs;
	pid_t xs_pid;
	char ring[MSG_RING];
	size_t ring_len;
	time_t boot;
};

/* Text buffer for replies. */
struct obuf {
	char *b;
	size_t len;
	FILE *f;
};

/* xend.c: the log (file and message ring), reply buffers */
void xlog(struct xend *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ob_open(struct obuf *o);
void ob_close(struct obuf *o);

/* xend_xs.c: XenStore layout */
void xsw(struct xend *x, const char *val, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void xs_domain_write(struct xend *x, struct domain *d);
void xs_domain_remove(struct xend *x, struct domain *d, bool keep_vm);
void xs_dom0(struct xend *x);

/* xend_console.c: consoles, ptys, viewers */
void con_write(void *opaque, const uint8_t *buf, size_t len);
void con_close_viewers(struct domain *d);
void pty_open(struct domain *d);
int do_console(struct xend *x, const char *dom, int cfd, struct obuf *o);
void viewers_poll_setup(struct xend *x, struct pollfd *p, struct domain **owner,
			unsigned *n, unsigned max);
void viewer_input(struct xend *x, struct domain *d, int fd);

/* xend_domain.c: domain lifecycle, managed domains */
double since(const struct timespec *t);
void reap(struct xend *x);
struct domain *domain_find(struct xend *x, const char *s);
int managed_path(struct xend *x, const char *name, char *buf, size_t n);
int do_create(struct xend *x, char **argv, unsigned argc, struct obuf *o, bool start,
	      bool paused);
int read_managed(struct xend *x, const char *name, char **buf, size_t *len,
		 char **argv, unsigned *argc);
int do_pause(struct xend *x, const char *dom, bool pause, struct obuf *o);
int do_sysrq(struct xend *x, const char *dom, const char *key, struct obuf *o);
int do_destroy(struct xend *x, const char *dom, struct obuf *o);
int do_control(struct xend *x, const char *dom, const char *what, struct obuf *o);
int do_dump_core(struct xend *x, const char *dom, const char *file, bool crash, struct obuf *o);

/* xend_mem.c: memory accounting, balloon targets */
uint64_t mem_used(struct xend *x);
uint64_t mem_current(const struct domain *d);
int do_mem_set(struct xend *x, const char *dom, const char *size, struct obuf *o);
int do_mem_max(struct xend *x, const char *dom, const char *size, struct obuf *o);

/* xend_ctl.c: control socket */
int open_control(struct xend *x);
void serve_client(struct xend *x, int cfd);

#endif
