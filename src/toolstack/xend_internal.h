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
struct sched;
struct virtio_dev;
struct xs_handle;

enum dstate { DS_RUNNING, DS_SHUTDOWN, DS_CRASHED, DS_DEAD };

/* The control channel to the guest agent (xend_sched.c): a virtio-console
 * port in every domain, one text line per request and per answer
 * (docs/toolstack.md). Locks: tx_lock (pending requests) is taken before
 * the device's lock; rx_lock (answers) is taken under the device's lock
 * (the output callback), so neither is held while taking the other. */
#define CTL_TX 2048
#define CTL_LINE 128
#define CTL_LINES 32
struct ctlchan {
	pthread_mutex_t tx_lock;
	struct virtio_dev *dev;		/* this instance's port, NULL once the
					 * machine is gone (under tx_lock) */
	char tx[CTL_TX];		/* requests the guest has no buffer for yet */
	size_t tx_len;
	pthread_mutex_t rx_lock;
	char part[CTL_LINE];		/* the line being received */
	size_t part_len;
	char lines[CTL_LINES][CTL_LINE];	/* last answers, a ring */
	uint64_t nr_lines;		/* lines received so far */
	bool hello;			/* the agent said hello */
};

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
	/* This instance's virtio-blk / virtio-net devices (owned by d->m,
	 * valid while d->m is): xm top's I/O counters. */
	struct virtio_dev *vbd[CFG_MAX_DISKS];
	unsigned nr_vbd;
	struct virtio_dev *vif[CFG_MAX_VIFS];
	unsigned nr_vif;
	/* console */
	pthread_mutex_t con_lock;
	int log_fd;
	int pty_master, pty_slave;	/* the domain's pty; xend keeps the slave
					 * open so the master never reports HUP */
	char pty_path[64];
	int viewers[MAX_VIEWERS];
	char ring[CON_RING];
	size_t ring_len;
	struct ctlchan ctl;
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
	unsigned pcpus;			/* the scheduler's pool (xend config "pcpus") */
	unsigned dom0_cpus;		/* Domain-0's vCPUs (xend config "dom0-cpus";
					 * Domain-0 is the host: display only) */
	struct sched *sched;		/* one pool shared by every domain */
	unsigned vcpu_waiters;		/* xm vcpu-set threads (xend_sched.c) */
	char network_script[256], reloc_hosts[256];
	unsigned reloc_port;
	char xenstored[PATH_MAX];
	struct xs_handle *xs;
	pid_t xs_pid;
	char ring[MSG_RING];
	size_t ring_len;
	time_t boot;
	uint64_t gone_cpu_ns;		/* vCPU time of destroyed machines (xm top's
					 * Domain-0 = process CPU minus all guests') */
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

/* xend_info.c: xm info, the xm top sample */
void do_info(struct xend *x, struct obuf *o);
int do_top_sample(struct xend *x, struct obuf *o);

/* xend_sched.c: the credit scheduler's settings, vCPUs, the control
 * channel. ctl_* under x->lock except where noted. */
void ctl_init(struct ctlchan *c);
void ctl_fini(struct ctlchan *c);
/* A new control-channel port for the domain's next machine instance. */
int ctl_create(struct domain *d, struct virtio_dev **out);
/* Applies cfg weight/cap/affinity to d->m (after machine_create). */
int sched_apply_config(struct domain *d, char *err, size_t errlen);
int do_sched_credit(struct xend *x, char **argv, unsigned argc, struct obuf *o);
int do_vcpu_list(struct xend *x, char **argv, unsigned argc, struct obuf *o);
int do_vcpu_pin(struct xend *x, const char *dom, const char *vcpu, const char *cpus,
		struct obuf *o);
/* Under x->lock. Returns 1 when a thread took cfd over to wait for the
 * guest and reply (the main loop goes on). */
int do_vcpu_set(struct xend *x, const char *dom, const char *n, const char *wait_s,
		int cfd, struct obuf *o);

/* xend_ctl.c: control socket */
int open_control(struct xend *x);
void serve_client(struct xend *x, int cfd);

#endif
