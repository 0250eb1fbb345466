/*
 * The hypervisor's vCPU scheduler: a fixed pool of pCPU worker threads
 * running scheduling units (vCPUs) in time slices chosen by a credit
 * scheduler modelled on Xen's credit1 (weights, caps, BOOST/UNDER/OVER,
 * timeslice, ratelimit, hard affinity, work stealing). docs/scheduler.md
 * describes the algorithm.
 *
 * Objects: one struct sched per process (its pool of pCPU threads and a
 * ticker thread), one struct sched_dom per domain (weight, cap, pause), one
 * struct sched_unit per vCPU. A unit knows nothing about harts: its owner
 * gives a run function (called on a pCPU thread) and a preempt hook.
 *
 * Unit life cycle: sched_unit_create (state DONE: on no queue) ->
 * sched_unit_start (runnable) -> the run function is called on a worker
 * again and again; each return says whether the unit is still runnable,
 * blocked (with an optional wake deadline) or done -> sched_unit_join waits
 * for DONE -> sched_unit_destroy. A unit may be started again after DONE
 * (reboot in place).
 *
 * Thread safety: every function may be called from any thread unless
 * noted. The run function is called without scheduler locks held and may
 * call sched_unit_wake (of any unit) and sched_dom_* setters, but not
 * sched_dom_pause of its own domain (that waits for itself).
 */
#ifndef DOMUS_HV_SCHED_H
#define DOMUS_HV_SCHED_H

#include <stdbool.h>
#include <stdint.h>

struct sched;
struct sched_dom;
struct sched_unit;

/* Xen's defaults and ranges (credit1: sched_credit_tslice_ms,
 * sched_ratelimit_us; weight and cap of a domain). */
#define SCHED_TSLICE_DEFAULT_MS 30
#define SCHED_TSLICE_MIN_MS 1
#define SCHED_TSLICE_MAX_MS 1000
#define SCHED_RATELIMIT_DEFAULT_US 1000
#define SCHED_RATELIMIT_MIN_US 100	/* or 0: no ratelimit */
#define SCHED_RATELIMIT_MAX_US 500000
#define SCHED_WEIGHT_DEFAULT 256
#define SCHED_WEIGHT_MAX 65535
#define SCHED_TICK_MS 10		/* accounting tick */
#define SCHED_MAX_PCPUS 64		/* affinity masks are uint64_t */

/* What a run function returns. */
enum sched_run {
	SCHED_RUN_PREEMPTED,	/* still runnable: it saw sched_unit_should_yield
				 * (or its preempt hook) and returned */
	SCHED_RUN_YIELD,	/* still runnable, but let others run first
				 * (a guest spin-wait: the lock holder should run) */
	SCHED_RUN_BLOCK,	/* blocked until sched_unit_wake or *deadline */
	SCHED_RUN_OFFLINE,	/* as BLOCK, shown '-' (HSM-stopped vCPU) */
	SCHED_RUN_DONE,		/* finished: on no queue until sched_unit_start */
};

struct sched_unit_ops {
	/* Runs the unit on the calling pCPU thread until it must return.
	 * For BLOCK/OFFLINE, *deadline_ns is preset to UINT64_MAX (no
	 * timeout); set it to a CLOCK_MONOTONIC time to be woken then.
	 * A sched_unit_wake that arrives while run is executing is not lost:
	 * a BLOCK/OFFLINE return then leaves the unit runnable. */
	enum sched_run (*run)(void *opaque, struct sched_unit *u, uint64_t *deadline_ns);
	/* Optional: ask a running unit to return soon. Called with scheduler
	 * locks held, from the ticker or a waker: it must only set a flag
	 * (e.g. atomic_fetch_or(&hart->req, HART_REQ_EXIT)), take no lock
	 * and call no sched_* function. sched_unit_should_yield() turns true
	 * at the same moment, for run functions that poll instead. */
	void (*preempt)(void *opaque);
};

/* Per-unit snapshot (xm vcpu-list). */
struct sched_unit_info {
	int pcpu;		/* -1 when not on a pCPU */
	char state;		/* 'r' running or runnable (a capped unit
				 * parked until the next accounting period
				 * too), 'b' blocked, 'p' domain paused, '-'
				 * offline (SCHED_RUN_OFFLINE; also before the
				 * first start and after DONE) */
	uint64_t cpu_ns;	/* host CPU time the unit's runs used */
	uint64_t affinity;	/* hard affinity (pCPU bitmask) */
};

/* ---- the pool ------------------------------------------------------ */

/* nr_pcpus 0: the host's online CPUs (at most SCHED_MAX_PCPUS). Starts
 * the worker threads and the ticker. -EINVAL (> SCHED_MAX_PCPUS),
 * -ENOMEM, -EAGAIN (thread creation). */
int sched_create(unsigned nr_pcpus, struct sched **out);
/* Stops the threads. Every domain must have been destroyed. */
void sched_destroy(struct sched *s);
unsigned sched_nr_pcpus(const struct sched *s);
/* Host online CPUs (capped at SCHED_MAX_PCPUS): the default pool size. */
unsigned sched_host_cpus(void);

/* Global parameters: tslice 1..1000 ms; ratelimit 0 or 100..500000 us
 * and ratelimit <= tslice. -EINVAL otherwise (nothing changed). */
int sched_set_params(struct sched *s, unsigned tslice_ms, unsigned ratelimit_us);
void sched_get_params(const struct sched *s, unsigned *tslice_ms, unsigned *ratelimit_us);

/* ---- domains ------------------------------------------------------- */

/* Weight SCHED_WEIGHT_DEFAULT, no cap, not paused. */
int sched_dom_create(struct sched *s, struct sched_dom **out);
/* Every unit of d must have been destroyed. NULL is a no-op. */
void sched_dom_destroy(struct sched_dom *d);
/* weight 1..65535, cap 0 (none) .. 100 * nr_pcpus (percent of one pCPU).
 * -EINVAL otherwise. */
int sched_dom_set(struct sched_dom *d, unsigned weight, unsigned cap);
void sched_dom_get(const struct sched_dom *d, unsigned *weight, unsigned *cap);
/* Pause (a flag, not a count: the owner counts): no unit of d is
 * dispatched any more; returns once none is on a pCPU. Not from a run
 * function of d's own units. Works on units not started yet. */
void sched_dom_pause(struct sched_dom *d);
void sched_dom_unpause(struct sched_dom *d);
/* The domain is ending: from now on its units are dispatched even when
 * paused (so they can see the end and return SCHED_RUN_DONE), and every
 * blocked unit is woken. Cleared by sched_dom_revive (reboot in place). */
void sched_dom_shutdown(struct sched_dom *d);
void sched_dom_revive(struct sched_dom *d);
/* Sum of cpu_ns of the domain's units (xm list Time(s)). */
uint64_t sched_dom_cpu_ns(struct sched_dom *d);

/* ---- units --------------------------------------------------------- */

/* A new unit of d, state DONE ('-'), affinity all pCPUs of the pool. ops
 * must outlive the unit. */
int sched_unit_create(struct sched_dom *d, const struct sched_unit_ops *ops, void *opaque,
		      struct sched_unit **out);
/* The unit must be DONE (never started, or joined). NULL is a no-op. */
void sched_unit_destroy(struct sched_unit *u);
/* DONE -> runnable (BOOST). No-op if the unit is not DONE. */
void sched_unit_start(struct sched_unit *u);
/* Blocks until the unit's run function has returned SCHED_RUN_DONE (at
 * once for a unit that is DONE). Not from a run function. */
void sched_unit_join(struct sched_unit *u);
/* Blocked/offline -> runnable (with BOOST when it has credit left; a
 * BOOST unit preempts a running lower-priority one, subject to the
 * ratelimit). While the unit is in its run function the wake is kept for
 * its next BLOCK return. Cheap on a runnable unit. Never blocks for
 * long: safe from device and interrupt paths (hart_env.kick). */
void sched_unit_wake(struct sched_unit *u);
/* True once the scheduler asked the running unit to return (slice over,
 * a higher-priority unit woke, pause, affinity change, cap). For run
 * functions that poll (the preempt hook is the push variant). */
bool sched_unit_should_yield(const struct sched_unit *u);
/* A hint for spin-waits (lock-free, may be stale): true if some unit of
 * the pool waits on a run queue, so returning SCHED_RUN_YIELD can let it
 * run. When false, the lock holder is already on a pCPU (or blocked):
 * yielding would only come back here. */
bool sched_unit_contended(const struct sched_unit *u);
/* Hard affinity: a pCPU bitmask (bit i = pCPU i; bits beyond the pool are
 * ignored). -EINVAL if no bit names a pCPU of the pool. A running unit outside its new mask is moved at
 * once (preempted and requeued on an allowed pCPU). */
int sched_unit_set_affinity(struct sched_unit *u, uint64_t pcpu_mask);
void sched_unit_get_info(struct sched_unit *u, struct sched_unit_info *info);

#endif
