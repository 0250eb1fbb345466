/*
 * The credit scheduler (see sched.h and docs/scheduler.md): pCPU worker
 * threads, per-pCPU run queues (BOOST/UNDER/OVER lists), the ticker thread
 * (10 ms accounting tick, 30 ms credit period, timeslice and ratelimit
 * preemption, wake deadlines of blocked units in a min-heap), work
 * stealing and the pause/park/affinity rules.
 *
 * Locking: one mutex per struct sched guards every field below that is not
 * _Atomic. Dispatch decisions are a few list operations, and pCPUs are few
 * (host CPUs), so one lock costs less than the ordering rules of several.
 * Run functions are called with the lock dropped.
 */
#include "hv/sched.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_MS 1000000ULL
#define NS_PER_US 1000ULL
#define TICK_NS (SCHED_TICK_MS * NS_PER_MS)
#define TICKS_PER_ACCT 3			/* credit period = 30 ms */
#define PERIOD_NS (TICKS_PER_ACCT * TICK_NS)
#define CREDIT_MAX ((int64_t)PERIOD_NS)		/* more is not kept */
#define CREDIT_MIN (-10 * (int64_t)PERIOD_NS)	/* safety bound on debt */

enum prio { PRI_OVER = 0, PRI_UNDER = 1, PRI_BOOST = 2, NR_PRI = 3, PRI_NONE = -1 };

enum ustate {
	U_DONE,		/* never started, or the run function returned DONE */
	U_QUEUED,	/* on a pCPU's run queue */
	U_RUNNING,	/* in its run function on a pCPU */
	U_BLOCKED,
	U_OFFLINE,
	U_HELD,		/* runnable, but its domain is paused or parked */
};

struct sched_unit {
	struct sched *s;
	struct sched_dom *d;
	const struct sched_unit_ops *ops;
	void *opaque;
	struct sched_unit *dom_next, *dom_prev;	/* d->units */
	struct sched_unit *q_next, *q_prev;	/* run queue list */
	int q_pcpu, q_prio;			/* where it is queued */
	enum ustate state;
	bool boost, yielded, wake_pending, active;
	int pcpu, last_pcpu;
	uint64_t affinity;
	int64_t credit;				/* ns of pCPU time */
	uint64_t period_used;			/* ns charged this period */
	uint64_t cpu_ns;
	uint64_t deadline;			/* heap key while in the heap */
	size_t heap_idx;			/* SIZE_MAX: not in the heap */
	_Atomic bool should_yield;
};

struct sched_dom {
	struct sched *s;
	struct sched_dom *next, *prev;		/* s->doms */
	struct sched_unit *units;
	unsigned weight, cap;
	bool paused, dying, parked;
	unsigned on_pcpu;			/* units in their run function */
	uint64_t cap_used;			/* ns against the cap, with debt */
};

struct pcpu {
	struct sched *s;
	unsigned id;
	pthread_t thread;
	bool started;
	pthread_cond_t cond;
	bool sleeping;
	struct sched_unit *q[NR_PRI], *q_tail[NR_PRI];
	unsigned q_len;
	struct sched_unit *curr;
	uint64_t run_start;			/* CLOCK_MONOTONIC at dispatch */
	uint64_t charged_cpu;			/* worker CPU clock charged so far */
	uint64_t cpu_at_finish;			/* the clock read when the last run ended */
	bool slept;				/* waited on cond since then */
	clockid_t clk;				/* the worker's CPU clock */
	bool clk_valid;
	uint64_t preempt_at;			/* deferred by the ratelimit, or 0 */
};

struct sched {
	pthread_mutex_t lock;
	pthread_cond_t ticker_cond;		/* CLOCK_MONOTONIC */
	pthread_cond_t done_cond;		/* join and pause waiters */
	unsigned nr_pcpus;
	uint64_t pool_mask;
	struct pcpu *pcpus;
	pthread_t ticker;
	bool ticker_started;
	bool quit;
	unsigned tslice_ms, ratelimit_us;
	struct sched_dom *doms;
	struct sched_unit **heap;
	size_t heap_len, heap_cap, nr_units;
	_Atomic unsigned nr_queued;		/* units on run queues (a hint) */
	uint64_t next_tick;
	unsigned tick_count;
	uint64_t ticker_wake_at;		/* what the ticker sleeps until */
	/* Counters (DOMUS_SCHED_STATS=1 prints them at sched_destroy). */
	uint64_t n_dispatch, n_ret[SCHED_RUN_DONE + 1], n_wake, n_steal, n_preempt, n_tick;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t clock_ns(clockid_t clk)
{
	struct timespec ts;

	if (clock_gettime(clk, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

unsigned sched_host_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > SCHED_MAX_PCPUS ? SCHED_MAX_PCPUS : (unsigned)n;
}

/* ---- timers: min-heap of blocked units by deadline ------------------- */

static void heap_swap(struct sched *s, size_t a, size_t b)
{
	struct sched_unit *t = s->heap[a];

	s->heap[a] = s->heap[b];
	s->heap[b] = t;
	s->heap[a]->heap_idx = a;
	s->heap[b]->heap_idx = b;
}

static void heap_fix(struct sched *s, size_t i)
{
	while (i > 0 && s->heap[(i - 1) / 2]->deadline > s->heap[i]->deadline) {
		heap_swap(s, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->heap_len && s->heap[l]->deadline < s->heap[m]->deadline)
			m = l;
		if (r < s->heap_len && s->heap[r]->deadline < s->heap[m]->deadline)
			m = r;
		if (m == i)
			break;
		heap_swap(s, i, m);
		i = m;
	}
}

/* heap_cap >= nr_units always (grown in sched_unit_create), so no
 * allocation here. */
static void heap_add(struct sched *s, struct sched_unit *u, uint64_t deadline)
{
	u->deadline = deadline;
	u->heap_idx = s->heap_len;
	s->heap[s->heap_len++] = u;
	heap_fix(s, u->heap_idx);
}

static void heap_del(struct sched *s, struct sched_unit *u)
{
	size_t i = u->heap_idx;

	if (i == SIZE_MAX)
		return;
	u->heap_idx = SIZE_MAX;
	if (i != --s->heap_len) {
		s->heap[i] = s->heap[s->heap_len];
		s->heap[i]->heap_idx = i;
		heap_fix(s, i);
	}
}

/* ---- priorities and run queues ------------------------------------- */

static int unit_prio(const struct sched_unit *u)
{
	if (u->boost)
		return PRI_BOOST;
	return u->credit >= 0 ? PRI_UNDER : PRI_OVER;
}

static bool pcpu_allowed(const struct sched_unit *u, unsigned p)
{
	return (u->affinity >> p) & 1;
}

static void q_remove(struct sched *s, struct sched_unit *u)
{
	struct pcpu *pc = &s->pcpus[u->q_pcpu];
	int pr = u->q_prio;

	if (u->q_prev)
		u->q_prev->q_next = u->q_next;
	else
		pc->q[pr] = u->q_next;
	if (u->q_next)
		u->q_next->q_prev = u->q_prev;
	else
		pc->q_tail[pr] = u->q_prev;
	u->q_next = u->q_prev = NULL;
	u->q_pcpu = -1;
	pc->q_len--;
	atomic_fetch_sub_explicit(&s->nr_queued, 1, memory_order_relaxed);
}

static void q_append(struct sched *s, struct sched_unit *u, unsigned p)
{
	struct pcpu *pc = &s->pcpus[p];
	int pr = unit_prio(u);

	u->q_pcpu = (int)p;
	u->q_prio = pr;
	u->q_next = NULL;
	u->q_prev = pc->q_tail[pr];
	if (pc->q_tail[pr])
		pc->q_tail[pr]->q_next = u;
	else
		pc->q[pr] = u;
	pc->q_tail[pr] = u;
	pc->q_len++;
	atomic_fetch_add_explicit(&s->nr_queued, 1, memory_order_relaxed);
}

static int q_top_prio(const struct pcpu *pc)
{
	for (int pr = NR_PRI - 1; pr >= 0; pr--)
		if (pc->q[pr])
			return pr;
	return PRI_NONE;
}

static bool pcpu_idle(const struct pcpu *pc)
{
	return !pc->curr && !pc->q_len;
}

/* Wakes the ticker if it sleeps past `when`. */
static void ticker_need(struct sched *s, uint64_t when)
{
	if (when < s->ticker_wake_at)
		pthread_cond_signal(&s->ticker_cond);
}

static void unit_preempt(struct sched_unit *u)
{
	u->s->n_preempt++;
	atomic_store(&u->should_yield, true);
	if (u->ops->preempt)
		u->ops->preempt(u->opaque);
}

/* Preempt pc's current unit now, or when it has run for the ratelimit. */
static void pcpu_preempt(struct sched *s, struct pcpu *pc, uint64_t now, bool rate_limited)
{
	uint64_t rl = (uint64_t)s->ratelimit_us * NS_PER_US;

	if (!pc->curr || atomic_load(&pc->curr->should_yield))
		return;
	if (rate_limited && rl && now - pc->run_start < rl) {
		uint64_t at = pc->run_start + rl;
		if (!pc->preempt_at || at < pc->preempt_at)
			pc->preempt_at = at;
		ticker_need(s, at);
		return;
	}
	pc->preempt_at = 0;
	unit_preempt(pc->curr);
}

/* Puts a runnable unit on a run queue: an idle allowed pCPU first (its
 * last one preferred), else one running something of lower priority,
 * else its last pCPU (cache), else the shortest allowed queue. */
static void unit_enqueue(struct sched *s, struct sched_unit *u)
{
	int pr = unit_prio(u), best = -1, lower = -1, shortest = -1;
	uint64_t now;

	if (u->last_pcpu >= 0 && pcpu_allowed(u, (unsigned)u->last_pcpu) &&
	    pcpu_idle(&s->pcpus[u->last_pcpu]))
		best = u->last_pcpu;
	for (unsigned p = 0; p < s->nr_pcpus && best < 0; p++) {
		struct pcpu *pc = &s->pcpus[p];
		if (!pcpu_allowed(u, p))
			continue;
		if (pcpu_idle(pc)) {
			best = (int)p;
			break;
		}
		if (pc->curr && unit_prio(pc->curr) < pr && q_top_prio(pc) < pr &&
		    (lower < 0 || (int)p == u->last_pcpu))
			lower = (int)p;
		if (shortest < 0 || pc->q_len < s->pcpus[shortest].q_len)
			shortest = (int)p;
	}
	if (best < 0)
		best = lower;
	if (best < 0 && u->last_pcpu >= 0 && pcpu_allowed(u, (unsigned)u->last_pcpu))
		best = u->last_pcpu;
	if (best < 0)
		best = shortest;
	if (best < 0)
		best = __builtin_ctzll(u->affinity);	/* affinity is never empty */
	u->state = U_QUEUED;
	u->active = true;
	q_append(s, u, (unsigned)best);
	struct pcpu *pc = &s->pcpus[best];
	if (pc->sleeping)
		pthread_cond_signal(&pc->cond);
	now = mono_ns();
	if (pc->curr && pr > unit_prio(pc->curr))
		pcpu_preempt(s, pc, now, true);
	/* Something runs or waits: the ticker must tick. */
	ticker_need(s, s->next_tick);
}

static bool dom_held(const struct sched_dom *d)
{
	return !d->dying && (d->paused || d->parked);
}

/* A unit becomes runnable: queued, or held while its domain cannot run. */
static void unit_make_runnable(struct sched *s, struct sched_unit *u, bool boost)
{
	heap_del(s, u);
	u->wake_pending = false;
	if (boost && u->credit >= 0)
		u->boost = true;
	if (dom_held(u->d)) {
		u->state = U_HELD;
		return;
	}
	unit_enqueue(s, u);
}

/* Queues the domain's held units if it may run again. */
static void dom_release(struct sched *s, struct sched_dom *d)
{
	if (dom_held(d))
		return;
	for (struct sched_unit *u = d->units; u; u = u->dom_next)
		if (u->state == U_HELD)
			unit_enqueue(s, u);
}

/* Picks the next unit for pc: the head of its best list, or a unit of
 * higher priority queued on another pCPU (stealing, respecting
 * affinity). A unit that yielded and is alone on its queue lets an equal
 * one from elsewhere go first (the spin-waiter's lock holder). */
static struct sched_unit *pcpu_pick(struct sched *s, struct pcpu *pc)
{
	int top = q_top_prio(pc), steal_pr = PRI_NONE;
	struct sched_unit *u = top >= 0 ? pc->q[top] : NULL;
	struct sched_unit *steal = NULL;
	bool lone_yielder = u && u->yielded && pc->q_len == 1;
	int want = lone_yielder ? top : top + 1;	/* lowest priority worth stealing */

	for (unsigned k = 1; k < s->nr_pcpus && want < NR_PRI; k++) {
		struct pcpu *o = &s->pcpus[(pc->id + k) % s->nr_pcpus];
		for (int pr = NR_PRI - 1; pr >= want && pr > steal_pr; pr--) {
			struct sched_unit *c = o->q[pr];
			while (c && !pcpu_allowed(c, pc->id))
				c = c->q_next;
			if (c) {
				steal = c;
				steal_pr = pr;
				break;
			}
		}
	}
	if (steal) {
		u = steal;
		s->n_steal++;
	}
	if (u)
		q_remove(s, u);
	return u;
}

/* Charges what pc's worker used since the last charge to its unit. */
static void pcpu_charge(struct sched *s, struct pcpu *pc, uint64_t cpu_now)
{
	struct sched_unit *u = pc->curr;
	uint64_t delta;

	if (!u || cpu_now <= pc->charged_cpu) {
		if (cpu_now > pc->charged_cpu)
			pc->charged_cpu = cpu_now;
		return;
	}
	delta = cpu_now - pc->charged_cpu;
	pc->charged_cpu = cpu_now;
	u->cpu_ns += delta;
	u->period_used += delta;
	u->credit -= (int64_t)delta;
	if (u->credit < CREDIT_MIN)
		u->credit = CREDIT_MIN;
	u->active = true;
	struct sched_dom *d = u->d;
	if (d->cap) {
		d->cap_used += delta;
		uint64_t budget = (uint64_t)d->cap * PERIOD_NS / 100;
		if (d->cap_used >= budget && !d->parked) {
			d->parked = true;
			/* Parked: preempt its running units; queued ones are
			 * held when next picked (see worker). */
			for (unsigned p = 0; p < s->nr_pcpus; p++) {
				struct pcpu *o = &s->pcpus[p];
				if (o->curr && o->curr->d == d && !d->dying)
					unit_preempt(o->curr);
			}
		}
	}
}

/* ---- accounting (every 30 ms) -------------------------------------- */

static bool unit_wants_cpu(const struct sched_unit *u)
{
	return u->state == U_QUEUED || u->state == U_RUNNING || u->state == U_HELD;
}

static bool unit_open(const struct sched_unit *u)
{
	return u->active && u->credit < CREDIT_MAX;
}

static unsigned dom_open_units(const struct sched_dom *d)
{
	unsigned n = 0;

	for (struct sched_unit *u = d->units; u; u = u->dom_next)
		n += unit_open(u);
	return n;
}

/* Hands out the CPU time consumed in the period as credit, in proportion
 * to weight (a domain's weight split evenly among its active units),
 * water-filling up to each unit's headroom below CREDIT_MAX. Handing out
 * what was consumed (not the pool's nominal capacity) keeps the sum of
 * credits constant, so weights hold even when the host gives the pool
 * less than a full CPU per pCPU, or units are pinned to fewer pCPUs. */
static void sched_account(struct sched *s)
{
	uint64_t consumed = 0;

	for (struct sched_dom *d = s->doms; d; d = d->next) {
		for (struct sched_unit *u = d->units; u; u = u->dom_next) {
			consumed += u->period_used;
			u->period_used = 0;
			if (unit_wants_cpu(u))
				u->active = true;
		}
		/* Cap: one period's budget, the overshoot carried as debt. */
		if (d->cap) {
			uint64_t budget = (uint64_t)d->cap * PERIOD_NS / 100;
			d->cap_used = d->cap_used > budget ? d->cap_used - budget : 0;
			if (d->parked && d->cap_used < budget) {
				d->parked = false;
				dom_release(s, d);
			}
		} else if (d->parked) {
			d->parked = false;
			dom_release(s, d);
		}
	}

	int64_t left = (int64_t)consumed;
	for (int round = 0; round < 8 && left > 0; round++) {
		double total_w = 0;
		for (struct sched_dom *d = s->doms; d; d = d->next)
			if (dom_open_units(d))
				total_w += d->weight;
		if (total_w <= 0)
			break;
		/* Units whose share would pass CREDIT_MAX are filled and
		 * drop out; the rest share what is left next round. */
		int64_t filled = 0;
		for (struct sched_dom *d = s->doms; d; d = d->next) {
			unsigned n = dom_open_units(d);
			if (!n)
				continue;
			double share = (double)left * d->weight / total_w / n;
			for (struct sched_unit *u = d->units; u; u = u->dom_next) {
				if (unit_open(u) && share >= (double)(CREDIT_MAX - u->credit)) {
					filled += CREDIT_MAX - u->credit;
					u->credit = CREDIT_MAX;
				}
			}
		}
		if (filled) {
			left -= filled;
			continue;
		}
		for (struct sched_dom *d = s->doms; d; d = d->next) {
			unsigned n = dom_open_units(d);
			if (!n)
				continue;
			int64_t share = (int64_t)((double)left * d->weight / total_w / n);
			for (struct sched_unit *u = d->units; u; u = u->dom_next)
				if (unit_open(u))
					u->credit += share;
		}
		break;
	}

	/* Units that are not runnable now leave the active set (they get no
	 * credit while they sleep; charging makes them active again). */
	for (struct sched_dom *d = s->doms; d; d = d->next)
		for (struct sched_unit *u = d->units; u; u = u->dom_next)
			if (!unit_wants_cpu(u))
				u->active = false;
}

/* Re-sorts queued units whose priority changed (credit refill). */
static void sched_requeue_all(struct sched *s)
{
	for (unsigned p = 0; p < s->nr_pcpus; p++) {
		struct pcpu *pc = &s->pcpus[p];
		struct sched_unit *moved = NULL, **tail = &moved;
		for (int pr = 0; pr < NR_PRI; pr++) {
			struct sched_unit *u = pc->q[pr], *n;
			for (; u; u = n) {
				n = u->q_next;
				if (unit_prio(u) != pr || dom_held(u->d)) {
					q_remove(s, u);
					*tail = u;
					u->q_next = NULL;
					tail = &u->q_next;
				}
			}
		}
		while (moved) {
			struct sched_unit *u = moved;
			moved = u->q_next;
			u->q_next = NULL;
			if (dom_held(u->d))
				u->state = U_HELD;
			else
				q_append(s, u, p);
		}
	}
}

/* Best priority queued on other pCPUs that pc may run. */
static int steal_prio(const struct sched *s, const struct pcpu *pc)
{
	int best = PRI_NONE;

	for (unsigned k = 1; k < s->nr_pcpus; k++) {
		const struct pcpu *o = &s->pcpus[(pc->id + k) % s->nr_pcpus];
		for (int pr = NR_PRI - 1; pr > best; pr--)
			for (const struct sched_unit *c = o->q[pr]; c; c = c->q_next)
				if (pcpu_allowed(c, pc->id)) {
					best = pr;
					break;
				}
	}
	return best;
}

/* Per tick: charge running units, end BOOST for those that ran through
 * a tick, then preempt where a better or equal (timeslice over) unit
 * waits. */
static void sched_tick(struct sched *s, uint64_t now)
{
	uint64_t tslice = (uint64_t)s->tslice_ms * NS_PER_MS;

	for (unsigned p = 0; p < s->nr_pcpus; p++) {
		struct pcpu *pc = &s->pcpus[p];
		if (pc->curr && pc->clk_valid) {
			pcpu_charge(s, pc, clock_ns(pc->clk));
			pc->curr->boost = false;
		}
	}
	s->n_tick++;
	if (++s->tick_count % TICKS_PER_ACCT == 0)
		sched_account(s);
	sched_requeue_all(s);
	for (unsigned p = 0; p < s->nr_pcpus; p++) {
		struct pcpu *pc = &s->pcpus[p];
		if (!pc->curr) {
			if (pc->q_len && pc->sleeping)
				pthread_cond_signal(&pc->cond);
			continue;
		}
		int top = q_top_prio(pc), cp = unit_prio(pc->curr);
		int far = steal_prio(s, pc);
		/* Work waiting on a busy pCPU that an idle one may take. */
		for (unsigned o = 0; o < s->nr_pcpus && pc->q_len; o++) {
			if (!s->pcpus[o].sleeping)
				continue;
			for (int pr = 0; pr < NR_PRI; pr++)
				for (struct sched_unit *c = pc->q[pr]; c; c = c->q_next)
					if (pcpu_allowed(c, o)) {
						pthread_cond_signal(&s->pcpus[o].cond);
						goto next_o;
					}
next_o:;
		}
		/* A better unit waits here, or on a busier pCPU (this
		 * one then steals it: load balancing between busy pCPUs). */
		if (top > cp || far > cp)
			pcpu_preempt(s, pc, now, true);
		else if (top == cp && top != PRI_NONE && now - pc->run_start >= tslice)
			pcpu_preempt(s, pc, now, false);
	}
}

/* Ticks are needed while a unit runs or waits, or a parked domain waits
 * for its next period. */
static bool sched_busy(const struct sched *s)
{
	for (unsigned p = 0; p < s->nr_pcpus; p++)
		if (s->pcpus[p].curr || s->pcpus[p].q_len)
			return true;
	for (const struct sched_dom *d = s->doms; d; d = d->next)
		if (d->parked && !d->paused)
			return true;
	return false;
}

static void *ticker_main(void *arg)
{
	struct sched *s = arg;

	pthread_mutex_lock(&s->lock);
	s->next_tick = mono_ns() + TICK_NS;
	while (!s->quit) {
		uint64_t now = mono_ns();
		bool busy = sched_busy(s);
		if (busy && now >= s->next_tick + TICK_NS)
			s->next_tick = now + TICK_NS;	/* was idle: tick from now on */
		if (now >= s->next_tick) {
			if (busy)
				sched_tick(s, now);
			/* An idle pool does not tick; accounting resumes
			 * with the next busy tick. */
			s->next_tick += TICK_NS;
			if (s->next_tick <= now)
				s->next_tick = now + TICK_NS;
		}
		while (s->heap_len && s->heap[0]->deadline <= now) {
			struct sched_unit *u = s->heap[0];
			heap_del(s, u);
			unit_make_runnable(s, u, true);
		}
		uint64_t wake = UINT64_MAX;
		for (unsigned p = 0; p < s->nr_pcpus; p++) {
			struct pcpu *pc = &s->pcpus[p];
			if (pc->preempt_at && pc->preempt_at <= now) {
				pc->preempt_at = 0;
				if (pc->curr && (q_top_prio(pc) > unit_prio(pc->curr) ||
						 steal_prio(s, pc) > unit_prio(pc->curr)))
					pcpu_preempt(s, pc, now, false);
			}
			else if (pc->preempt_at && pc->preempt_at < wake)
				wake = pc->preempt_at;
		}
		if (sched_busy(s) && s->next_tick < wake)
			wake = s->next_tick;
		if (s->heap_len && s->heap[0]->deadline < wake)
			wake = s->heap[0]->deadline;
		s->ticker_wake_at = wake;
		if (wake == UINT64_MAX) {
			pthread_cond_wait(&s->ticker_cond, &s->lock);
		} else if (wake > mono_ns()) {
			struct timespec ts = { (time_t)(wake / 1000000000ULL),
					       (long)(wake % 1000000000ULL) };
			pthread_cond_timedwait(&s->ticker_cond, &s->lock, &ts);
		}
		s->ticker_wake_at = 0;	/* awake: nobody needs to signal */
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- workers ------------------------------------------------------- */

static void worker_finish(struct sched *s, struct pcpu *pc, struct sched_unit *u,
			  enum sched_run r, uint64_t deadline)
{
	struct sched_dom *d = u->d;
	uint64_t now;

	pc->cpu_at_finish = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	pc->slept = false;
	pcpu_charge(s, pc, pc->cpu_at_finish);
	s->n_dispatch++;
	if ((unsigned)r <= SCHED_RUN_DONE)
		s->n_ret[r]++;
	pc->curr = NULL;
	pc->preempt_at = 0;
	u->pcpu = -1;
	u->last_pcpu = (int)pc->id;
	atomic_store(&u->should_yield, false);
	if (--d->on_pcpu == 0)
		pthread_cond_broadcast(&s->done_cond);
	switch (r) {
	case SCHED_RUN_PREEMPTED:
	case SCHED_RUN_YIELD:
		u->boost = false;
		u->yielded = r == SCHED_RUN_YIELD;
		unit_make_runnable(s, u, false);
		break;
	case SCHED_RUN_BLOCK:
	case SCHED_RUN_OFFLINE:
		u->boost = false;
		u->yielded = false;
		now = mono_ns();
		if (u->wake_pending || deadline <= now) {
			unit_make_runnable(s, u, true);
			break;
		}
		u->state = r == SCHED_RUN_BLOCK ? U_BLOCKED : U_OFFLINE;
		if (deadline != UINT64_MAX) {
			heap_add(s, u, deadline);
			ticker_need(s, deadline);
		}
		break;
	default:	/* SCHED_RUN_DONE, or garbage from a buggy run function */
		u->boost = false;
		u->state = U_DONE;
		pthread_cond_broadcast(&s->done_cond);
		break;
	}
}

static void *worker_main(void *arg)
{
	struct pcpu *pc = arg;
	struct sched *s = pc->s;
	clockid_t clk;

	pthread_mutex_lock(&s->lock);
	if (pthread_getcpuclockid(pthread_self(), &clk) == 0) {
		pc->clk = clk;
		pc->clk_valid = true;
	}
	while (!s->quit) {
		struct sched_unit *u = pcpu_pick(s, pc);
		if (!u) {
			pc->sleeping = true;
			pthread_cond_wait(&pc->cond, &s->lock);
			pc->sleeping = false;
			pc->slept = true;
			continue;
		}
		if (dom_held(u->d)) {	/* paused/parked since it was queued */
			u->state = U_HELD;
			continue;
		}
		u->state = U_RUNNING;
		u->pcpu = (int)pc->id;
		u->wake_pending = false;
		u->active = true;
		atomic_store(&u->should_yield, false);
		pc->curr = u;
		pc->run_start = mono_ns();
		pc->preempt_at = 0;
		/* The clock read at the last run's end serves, unless the
		 * worker slept since (one syscall per dispatch, not two;
		 * the picking in between is charged to the new unit). */
		pc->charged_cpu = pc->slept || !pc->cpu_at_finish ?
				  clock_ns(CLOCK_THREAD_CPUTIME_ID) : pc->cpu_at_finish;
		u->d->on_pcpu++;
		pthread_mutex_unlock(&s->lock);

		uint64_t deadline = UINT64_MAX;
		enum sched_run r = u->ops->run(u->opaque, u, &deadline);

		pthread_mutex_lock(&s->lock);
		worker_finish(s, pc, u, r, deadline);
	}
	pc->clk_valid = false;
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* ---- the pool ------------------------------------------------------ */

static void sched_stop_threads(struct sched *s)
{
	pthread_mutex_lock(&s->lock);
	s->quit = true;
	pthread_cond_signal(&s->ticker_cond);
	for (unsigned p = 0; p < s->nr_pcpus; p++)
		pthread_cond_signal(&s->pcpus[p].cond);
	pthread_mutex_unlock(&s->lock);
	if (s->ticker_started)
		pthread_join(s->ticker, NULL);
	for (unsigned p = 0; p < s->nr_pcpus; p++)
		if (s->pcpus[p].started)
			pthread_join(s->pcpus[p].thread, NULL);
}

int sched_create(unsigned nr_pcpus, struct sched **out)
{
	struct sched *s;
	pthread_condattr_t ca;
	int rc = 0;

	*out = NULL;
	if (nr_pcpus == 0)
		nr_pcpus = sched_host_cpus();
	if (nr_pcpus > SCHED_MAX_PCPUS)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->pcpus = calloc(nr_pcpus, sizeof(*s->pcpus));
	if (!s->pcpus) {
		free(s);
		return -ENOMEM;
	}
	s->nr_pcpus = nr_pcpus;
	s->pool_mask = nr_pcpus == 64 ? UINT64_MAX : (1ULL << nr_pcpus) - 1;
	s->tslice_ms = SCHED_TSLICE_DEFAULT_MS;
	s->ratelimit_us = SCHED_RATELIMIT_DEFAULT_US;
	pthread_mutex_init(&s->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->ticker_cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&s->done_cond, NULL);
	for (unsigned p = 0; p < nr_pcpus; p++) {
		struct pcpu *pc = &s->pcpus[p];
		pc->s = s;
		pc->id = p;
		pthread_cond_init(&pc->cond, NULL);
	}
	/* The pool's threads take no signals: the process's own threads
	 * decide (domus-run reads SIGTERM from a signalfd, with it blocked
	 * in the threads that exist before it starts). */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (unsigned p = 0; p < nr_pcpus; p++) {
		if (pthread_create(&s->pcpus[p].thread, NULL, worker_main, &s->pcpus[p]) != 0) {
			rc = -EAGAIN;
			goto fail;
		}
		s->pcpus[p].started = true;
	}
	if (pthread_create(&s->ticker, NULL, ticker_main, s) != 0) {
		rc = -EAGAIN;
		goto fail;
	}
	s->ticker_started = true;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	*out = s;
	return 0;
fail:
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	sched_destroy(s);
	return rc;
}

void sched_destroy(struct sched *s)
{
	if (!s)
		return;
	sched_stop_threads(s);
	if (getenv("DOMUS_SCHED_STATS"))
		fprintf(stderr, "sched: %u pCPUs: %llu runs (preempted %llu, yield %llu, block %llu, "
			"offline %llu, done %llu), %llu wakes, %llu steals, %llu preemptions, %llu ticks\n",
			s->nr_pcpus, (unsigned long long)s->n_dispatch,
			(unsigned long long)s->n_ret[SCHED_RUN_PREEMPTED],
			(unsigned long long)s->n_ret[SCHED_RUN_YIELD],
			(unsigned long long)s->n_ret[SCHED_RUN_BLOCK],
			(unsigned long long)s->n_ret[SCHED_RUN_OFFLINE],
			(unsigned long long)s->n_ret[SCHED_RUN_DONE], (unsigned long long)s->n_wake,
			(unsigned long long)s->n_steal, (unsigned long long)s->n_preempt,
			(unsigned long long)s->n_tick);
	for (unsigned p = 0; p < s->nr_pcpus; p++)
		pthread_cond_destroy(&s->pcpus[p].cond);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->ticker_cond);
	pthread_cond_destroy(&s->done_cond);
	free(s->heap);
	free(s->pcpus);
	free(s);
}

unsigned sched_nr_pcpus(const struct sched *s)
{
	return s->nr_pcpus;
}

int sched_set_params(struct sched *s, unsigned tslice_ms, unsigned ratelimit_us)
{
	if (tslice_ms < SCHED_TSLICE_MIN_MS || tslice_ms > SCHED_TSLICE_MAX_MS)
		return -EINVAL;
	if (ratelimit_us && (ratelimit_us < SCHED_RATELIMIT_MIN_US ||
			     ratelimit_us > SCHED_RATELIMIT_MAX_US))
		return -EINVAL;
	if ((uint64_t)ratelimit_us > (uint64_t)tslice_ms * 1000)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	s->tslice_ms = tslice_ms;
	s->ratelimit_us = ratelimit_us;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void sched_get_params(const struct sched *s, unsigned *tslice_ms, unsigned *ratelimit_us)
{
	struct sched *w = (struct sched *)s;	/* the lock is not const */

	pthread_mutex_lock(&w->lock);
	if (tslice_ms)
		*tslice_ms = s->tslice_ms;
	if (ratelimit_us)
		*ratelimit_us = s->ratelimit_us;
	pthread_mutex_unlock(&w->lock);
}

/* ---- domains ------------------------------------------------------- */

int sched_dom_create(struct sched *s, struct sched_dom **out)
{
	struct sched_dom *d = calloc(1, sizeof(*d));

	*out = NULL;
	if (!d)
		return -ENOMEM;
	d->s = s;
	d->weight = SCHED_WEIGHT_DEFAULT;
	pthread_mutex_lock(&s->lock);
	d->next = s->doms;
	if (s->doms)
		s->doms->prev = d;
	s->doms = d;
	pthread_mutex_unlock(&s->lock);
	*out = d;
	return 0;
}

void sched_dom_destroy(struct sched_dom *d)
{
	struct sched *s;

	if (!d)
		return;
	s = d->s;
	pthread_mutex_lock(&s->lock);
	if (d->prev)
		d->prev->next = d->next;
	else
		s->doms = d->next;
	if (d->next)
		d->next->prev = d->prev;
	pthread_mutex_unlock(&s->lock);
	free(d);
}

int sched_dom_set(struct sched_dom *d, unsigned weight, unsigned cap)
{
	struct sched *s = d->s;

	if (weight < 1 || weight > SCHED_WEIGHT_MAX || cap > 100 * s->nr_pcpus)
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	d->weight = weight;
	if (cap != d->cap)
		d->cap_used = 0;
	d->cap = cap;
	if (!cap && d->parked) {
		d->parked = false;
		dom_release(s, d);
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void sched_dom_get(const struct sched_dom *d, unsigned *weight, unsigned *cap)
{
	struct sched *s = d->s;

	pthread_mutex_lock(&s->lock);
	if (weight)
		*weight = d->weight;
	if (cap)
		*cap = d->cap;
	pthread_mutex_unlock(&s->lock);
}

void sched_dom_pause(struct sched_dom *d)
{
	struct sched *s = d->s;

	pthread_mutex_lock(&s->lock);
	d->paused = true;
	if (!d->dying) {
		for (unsigned p = 0; p < s->nr_pcpus; p++)
			if (s->pcpus[p].curr && s->pcpus[p].curr->d == d)
				unit_preempt(s->pcpus[p].curr);
		sched_requeue_all(s);	/* queued units of d become held */
	}
	while (d->on_pcpu && !d->dying)
		pthread_cond_wait(&s->done_cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

void sched_dom_unpause(struct sched_dom *d)
{
	struct sched *s = d->s;

	pthread_mutex_lock(&s->lock);
	d->paused = false;
	dom_release(s, d);
	pthread_mutex_unlock(&s->lock);
}

void sched_dom_shutdown(struct sched_dom *d)
{
	struct sched *s = d->s;

	pthread_mutex_lock(&s->lock);
	d->dying = true;
	for (struct sched_unit *u = d->units; u; u = u->dom_next)
		if (u->state == U_BLOCKED || u->state == U_OFFLINE || u->state == U_HELD)
			unit_make_runnable(s, u, false);
	pthread_cond_broadcast(&s->done_cond);	/* pause waiters give up */
	pthread_mutex_unlock(&s->lock);
}

void sched_dom_revive(struct sched_dom *d)
{
	struct sched *s = d->s;

	pthread_mutex_lock(&s->lock);
	d->dying = false;
	sched_requeue_all(s);	/* paused again if it was */
	pthread_mutex_unlock(&s->lock);
}

static uint64_t unit_cpu_ns_locked(struct sched *s, struct sched_unit *u)
{
	uint64_t t = u->cpu_ns;

	if (u->state == U_RUNNING && u->pcpu >= 0) {
		struct pcpu *pc = &s->pcpus[u->pcpu];
		if (pc->clk_valid) {
			uint64_t now = clock_ns(pc->clk);
			if (now > pc->charged_cpu)
				t += now - pc->charged_cpu;
		}
	}
	return t;
}

uint64_t sched_dom_cpu_ns(struct sched_dom *d)
{
	struct sched *s = d->s;
	uint64_t t = 0;

	pthread_mutex_lock(&s->lock);
	for (struct sched_unit *u = d->units; u; u = u->dom_next)
		t += unit_cpu_ns_locked(s, u);
	pthread_mutex_unlock(&s->lock);
	return t;
}

/* ---- units --------------------------------------------------------- */

int sched_unit_create(struct sched_dom *d, const struct sched_unit_ops *ops, void *opaque,
		      struct sched_unit **out)
{
	struct sched *s = d->s;
	struct sched_unit *u;

	*out = NULL;
	if (!ops || !ops->run)
		return -EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->s = s;
	u->d = d;
	u->ops = ops;
	u->opaque = opaque;
	u->state = U_DONE;
	u->q_pcpu = -1;
	u->pcpu = -1;
	u->last_pcpu = -1;
	u->affinity = s->pool_mask;
	u->heap_idx = SIZE_MAX;
	pthread_mutex_lock(&s->lock);
	if (s->nr_units + 1 > s->heap_cap) {
		size_t cap = s->heap_cap ? 2 * s->heap_cap : 16;
		struct sched_unit **h = realloc(s->heap, cap * sizeof(*h));
		if (!h) {
			pthread_mutex_unlock(&s->lock);
			free(u);
			return -ENOMEM;
		}
		s->heap = h;
		s->heap_cap = cap;
	}
	s->nr_units++;
	u->dom_next = d->units;
	if (d->units)
		d->units->dom_prev = u;
	d->units = u;
	pthread_mutex_unlock(&s->lock);
	*out = u;
	return 0;
}

void sched_unit_destroy(struct sched_unit *u)
{
	struct sched *s;

	if (!u)
		return;
	s = u->s;
	pthread_mutex_lock(&s->lock);
	/* Precondition DONE; be safe anyway: off every structure. */
	if (u->state == U_QUEUED)
		q_remove(s, u);
	heap_del(s, u);
	if (u->dom_prev)
		u->dom_prev->dom_next = u->dom_next;
	else
		u->d->units = u->dom_next;
	if (u->dom_next)
		u->dom_next->dom_prev = u->dom_prev;
	s->nr_units--;
	pthread_mutex_unlock(&s->lock);
	free(u);
}

void sched_unit_start(struct sched_unit *u)
{
	struct sched *s = u->s;

	pthread_mutex_lock(&s->lock);
	if (u->state == U_DONE)
		unit_make_runnable(s, u, true);
	pthread_mutex_unlock(&s->lock);
}

void sched_unit_join(struct sched_unit *u)
{
	struct sched *s = u->s;

	pthread_mutex_lock(&s->lock);
	while (u->state != U_DONE)
		pthread_cond_wait(&s->done_cond, &s->lock);
	pthread_mutex_unlock(&s->lock);
}

void sched_unit_wake(struct sched_unit *u)
{
	struct sched *s = u->s;

	pthread_mutex_lock(&s->lock);
	switch (u->state) {
	case U_BLOCKED:
	case U_OFFLINE:
		s->n_wake++;
		unit_make_runnable(s, u, true);
		break;
	case U_RUNNING:
		u->wake_pending = true;
		break;
	default:
		break;
	}
	pthread_mutex_unlock(&s->lock);
}

bool sched_unit_contended(const struct sched_unit *u)
{
	return atomic_load_explicit(&u->s->nr_queued, memory_order_relaxed) != 0;
}

bool sched_unit_should_yield(const struct sched_unit *u)
{
	return atomic_load(&u->should_yield);
}

int sched_unit_set_affinity(struct sched_unit *u, uint64_t pcpu_mask)
{
	struct sched *s = u->s;

	if (!(pcpu_mask & s->pool_mask))
		return -EINVAL;
	pthread_mutex_lock(&s->lock);
	u->affinity = pcpu_mask & s->pool_mask;
	if (u->state == U_RUNNING && !pcpu_allowed(u, (unsigned)u->pcpu)) {
		unit_preempt(u);
	} else if (u->state == U_QUEUED && !pcpu_allowed(u, (unsigned)u->q_pcpu)) {
		q_remove(s, u);
		unit_enqueue(s, u);
	}
	if (u->last_pcpu >= 0 && !pcpu_allowed(u, (unsigned)u->last_pcpu))
		u->last_pcpu = -1;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

void sched_unit_get_info(struct sched_unit *u, struct sched_unit_info *info)
{
	struct sched *s = u->s;

	pthread_mutex_lock(&s->lock);
	info->pcpu = u->state == U_RUNNING ? u->pcpu : -1;
	switch (u->state) {
	case U_RUNNING:
	case U_QUEUED:
		info->state = 'r';
		break;
	case U_HELD:
		info->state = u->d->paused ? 'p' : 'r';
		break;
	case U_BLOCKED:
		info->state = u->d->paused ? 'p' : 'b';
		break;
	default:
		info->state = '-';
		break;
	}
	info->cpu_ns = unit_cpu_ns_locked(s, u);
	info->affinity = u->affinity;
	pthread_mutex_unlock(&s->lock);
}
