/*
 * The paravirtual firmware: SBI v2.0 as Domus's hypercall interface for
 * guests running in S-mode. Extensions: BASE, TIME, IPI, RFENCE, HSM, SRST,
 * DBCN and the legacy (v0.1) calls 0x00-0x08. Facts from the RISC-V SBI
 * specification v2.0; dispatch through a const table of extensions.
 *
 * Implementation id: 0x444d ("DM", Domus) -- not in the SBI spec's list of
 * registered implementation ids (0..10 at v2.0).
 */
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "board/machine.h"

#define SBI_SPEC_VERSION ((2u << 24) | 0u)	/* v2.0 */
#define SBI_IMPL_ID 0x444d
#define SBI_IMPL_VERSION 1

enum {
	SBI_SUCCESS = 0, SBI_ERR_FAILED = -1, SBI_ERR_NOT_SUPPORTED = -2,
	SBI_ERR_INVALID_PARAM = -3, SBI_ERR_DENIED = -4,
	SBI_ERR_INVALID_ADDRESS = -5, SBI_ERR_ALREADY_AVAILABLE = -6,
	SBI_ERR_ALREADY_STARTED = -7, SBI_ERR_ALREADY_STOPPED = -8,
};

#define EXT_BASE 0x10
#define EXT_TIME 0x54494D45
#define EXT_IPI 0x735049
#define EXT_RFENCE 0x52464E43
#define EXT_HSM 0x48534D
#define EXT_SRST 0x53525354
#define EXT_DBCN 0x4442434E

#define A0 10	/* x10 */

struct sbiret {
	int64_t error;
	uint64_t value;
};

typedef struct sbiret (*sbi_fn)(struct vcpu *v, uint64_t fid, const uint64_t *a);

static struct sbiret ret_err(int64_t e)
{
	return (struct sbiret){ .error = e };
}

static struct sbiret ret_val(uint64_t v)
{
	return (struct sbiret){ .error = SBI_SUCCESS, .value = v };
}

/* ---- hart masks ---------------------------------------------------- */

/* Calls fn for every hart selected by (mask, base); SBI v2.0: base -1
 * selects all harts; any selected id that does not exist is an error and
 * nothing is done. */
static int64_t for_each_hart(struct machine *m, uint64_t mask, uint64_t base,
			     void (*fn)(struct vcpu *self, struct vcpu *t, uint64_t arg),
			     struct vcpu *self, uint64_t arg)
{
	if (base == UINT64_MAX) {
		for (unsigned i = 0; i < m->nr_harts; i++)
			fn(self, &m->vcpus[i], arg);
		return SBI_SUCCESS;
	}
	for (unsigned b = 0; b < 64; b++)
		if ((mask >> b & 1) && (base >= m->nr_harts || b >= m->nr_harts - base))
			return SBI_ERR_INVALID_PARAM;
	for (unsigned b = 0; b < 64; b++)
		if (mask >> b & 1)
			fn(self, &m->vcpus[base + b], arg);
	return SBI_SUCCESS;
}

static void do_ipi(struct vcpu *self, struct vcpu *t, uint64_t arg)
{
	hart_set_mip(&t->hart, MIP_SSIP);	/* also kicks a sleeping target */
}

/* Post a flush request and wait until the target has taken it, unless it
 * is outside hart_run (it then handles the request before it executes
 * another instruction). While waiting we are not "running" ourselves, so
 * two harts fencing each other cannot deadlock. */
static void do_fence(struct vcpu *self, struct vcpu *t, uint64_t bit)
{
	struct hart *th = &t->hart;

	hart_request(th, (uint32_t)bit);
	if (t == self)
		return;
	for (unsigned spin = 0; atomic_load(&t->running) &&
	     (atomic_load(&th->req) & (uint32_t)bit); spin++) {
		if (atomic_load(&self->m->stopping))
			break;
		if (spin > 64)
			sched_yield();
	}
}

static struct sbiret fence_harts(struct vcpu *v, uint64_t mask, uint64_t base, uint32_t bit)
{
	int64_t e;

	atomic_store(&v->running, false);
	e = for_each_hart(v->m, mask, base, do_fence, v, bit);
	atomic_store(&v->running, true);
	return ret_err(e);
}

/* ---- BASE ---------------------------------------------------------- */

static bool ext_present(uint64_t eid);

static struct sbiret sbi_base(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	switch (fid) {
	case 0: return ret_val(SBI_SPEC_VERSION);
	case 1: return ret_val(SBI_IMPL_ID);
	case 2: return ret_val(SBI_IMPL_VERSION);
	case 3: return ret_val(ext_present(a[0]) ? 1 : 0);
	case 4: return ret_val(0);	/* mvendorid: not a JEDEC-registered vendor */
	case 5: return ret_val(0);	/* marchid */
	case 6: return ret_val(0);	/* mimpid */
	}
	return ret_err(SBI_ERR_NOT_SUPPORTED);
}

/* ---- TIME ---------------------------------------------------------- */

static void set_timer(struct vcpu *v, uint64_t when)
{
	v->hart.stimecmp = when;
	/* Pending again only once time reaches the new compare value; the
	 * core raises STIP from stimecmp. */
	hart_clear_mip(&v->hart, MIP_STIP);
}

static struct sbiret sbi_time(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	if (fid != 0)
		return ret_err(SBI_ERR_NOT_SUPPORTED);
	set_timer(v, a[0]);
	return ret_val(0);
}

/* ---- IPI, RFENCE --------------------------------------------------- */

static struct sbiret sbi_ipi(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	if (fid != 0)
		return ret_err(SBI_ERR_NOT_SUPPORTED);
	return ret_err(for_each_hart(v->m, a[0], a[1], do_ipi, v, 0));
}

static struct sbiret sbi_rfence(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	switch (fid) {
	case 0:		/* remote_fence_i */
		return fence_harts(v, a[0], a[1], HART_REQ_FENCEI);
	case 1:		/* remote_sfence_vma(start, size): full flush */
	case 2:		/* remote_sfence_vma_asid(start, size, asid) */
		return fence_harts(v, a[0], a[1], HART_REQ_TLB);
	}
	return ret_err(SBI_ERR_NOT_SUPPORTED);	/* hfence: no H extension */
}

/* ---- HSM ----------------------------------------------------------- */

static bool ram_addr(struct machine *m, uint64_t pa)
{
	return bus_ram_ptr(&m->bus, pa, 2) != NULL;
}

static struct sbiret sbi_hsm(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	struct machine *m = v->m;
	struct vcpu *t;
	int expect;
	uint32_t type;

	switch (fid) {
	case 0:		/* hart_start(hartid, start_addr, opaque) */
		if (a[0] >= m->nr_harts)
			return ret_err(SBI_ERR_INVALID_PARAM);
		if (!ram_addr(m, a[1]))
			return ret_err(SBI_ERR_INVALID_ADDRESS);
		t = &m->vcpus[a[0]];
		pthread_mutex_lock(&t->lock);
		expect = HSM_STOPPED;
		if (!atomic_compare_exchange_strong(&t->hsm, &expect, HSM_START_PENDING)) {
			pthread_mutex_unlock(&t->lock);
			return ret_err(SBI_ERR_ALREADY_AVAILABLE);
		}
		t->start_addr = a[1];
		t->start_opaque = a[2];
		pthread_mutex_unlock(&t->lock);
		/* Offline unit -> runnable; if it is still on its way off a
		 * pCPU the scheduler keeps the wake. */
		sched_unit_wake(t->unit);
		return ret_val(0);
	case 1:		/* hart_stop */
		atomic_store(&v->hsm, HSM_STOP_PENDING);
		v->hart.halt = true;	/* vcpu_run: offline until hart_start */
		return ret_val(0);
	case 2:		/* hart_get_status(hartid) */
		if (a[0] >= m->nr_harts)
			return ret_err(SBI_ERR_INVALID_PARAM);
		return ret_val((uint64_t)atomic_load(&m->vcpus[a[0]].hsm));
	case 3:		/* hart_suspend(type, resume_addr, opaque) */
		type = (uint32_t)a[0];
		if (a[0] >> 32)
			return ret_err(SBI_ERR_INVALID_PARAM);
		if (type == 0x00000000 || type == 0x80000000) {
			bool nonret = type != 0;
			if (nonret && !ram_addr(m, a[1]))
				return ret_err(SBI_ERR_INVALID_ADDRESS);
			pthread_mutex_lock(&v->lock);
			v->suspend_nonret = nonret;
			v->start_addr = a[1];
			v->start_opaque = a[2];
			pthread_mutex_unlock(&v->lock);
			atomic_store(&v->hsm, HSM_SUSPEND_PENDING);
			v->hart.halt = true;
			return ret_val(0);
		}
		if ((type >= 0x10000000 && type <= 0x7fffffff) || type >= 0x90000000)
			return ret_err(SBI_ERR_NOT_SUPPORTED);	/* platform-specific */
		return ret_err(SBI_ERR_INVALID_PARAM);		/* reserved */
	}
	return ret_err(SBI_ERR_NOT_SUPPORTED);
}

/* ---- SRST ---------------------------------------------------------- */

static struct sbiret sbi_srst(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	uint32_t type = (uint32_t)a[0], reason = (uint32_t)a[1];
	enum machine_exit why;

	if (fid != 0)
		return ret_err(SBI_ERR_NOT_SUPPORTED);
	if ((a[0] >> 32) || (a[1] >> 32))
		return ret_err(SBI_ERR_INVALID_PARAM);
	if (type > 2)
		return ret_err(type >= 0xf0000000 ? SBI_ERR_NOT_SUPPORTED : SBI_ERR_INVALID_PARAM);
	if (reason > 1 && reason < 0xe0000000)
		return ret_err(SBI_ERR_INVALID_PARAM);
	why = type == 0 ? MACHINE_EXIT_POWEROFF : MACHINE_EXIT_REBOOT;
	if (reason == 1)	/* system failure */
		why = MACHINE_EXIT_CRASH;
	machine_stop(v->m, why);
	v->hart.halt = true;
	return ret_val(0);
}

/* ---- DBCN ---------------------------------------------------------- */

#define DBCN_MAX 4096	/* bytes per call; the guest loops on short counts */

static struct sbiret sbi_dbcn(struct vcpu *v, uint64_t fid, const uint64_t *a)
{
	struct machine *m = v->m;
	uint64_t n = a[0] > DBCN_MAX ? DBCN_MAX : a[0];
	uint8_t *p;
	uint64_t i;

	switch (fid) {
	case 0:		/* console_write(num_bytes, base_lo, base_hi) */
	case 1:		/* console_read */
		if (a[2] != 0)
			return ret_err(SBI_ERR_INVALID_PARAM);
		p = n ? bus_dma_ptr(&m->bus, a[1], n, fid == 1) : NULL;
		if (n && !p)
			return ret_err(SBI_ERR_INVALID_PARAM);
		if (fid == 0) {
			machine_console_output(m, p, n);
			return ret_val(n);
		}
		for (i = 0; i < n; i++) {
			int c = uart_rx_take(&m->uart);
			if (c < 0)
				break;
			p[i] = (uint8_t)c;
		}
		return ret_val(i);
	case 2: {	/* console_write_byte */
		uint8_t b = (uint8_t)a[0];
		machine_console_output(m, &b, 1);
		return ret_val(0);
	}
	}
	return ret_err(SBI_ERR_NOT_SUPPORTED);
}

/* ---- legacy v0.1 --------------------------------------------------- */

/* Reads one 64-bit word at an S-mode virtual address (legacy calls pass a
 * pointer to the hart mask). Page-table walk without A/D updates: Sv39,
 * Sv48, Sv57 (satp modes 8, 9, 10). */
static int guest_read_u64(struct hart *h, uint64_t va, uint64_t *out)
{
	unsigned mode = (unsigned)(h->satp >> 60);
	uint64_t pa = va;
	uint8_t *p;

	if (mode >= 8 && mode <= 10) {
		int levels = (int)mode - 5;
		uint64_t base = (h->satp & ((1ULL << 44) - 1)) << 12;
		for (int lvl = levels - 1;; lvl--) {
			uint64_t pte;
			p = bus_ram_ptr(h->bus, base + ((va >> (12 + 9 * lvl)) & 511) * 8, 8);
			if (!p)
				return -EFAULT;
			memcpy(&pte, p, 8);
			if (!(pte & 1))
				return -EFAULT;
			uint64_t ppn = (pte >> 10) & ((1ULL << 44) - 1);
			if (pte & 0xa) {	/* R or X: leaf */
				uint64_t off_mask = (1ULL << (12 + 9 * lvl)) - 1;
				pa = ((ppn << 12) & ~off_mask) | (va & off_mask);
				break;
			}
			if (lvl == 0)
				return -EFAULT;
			base = ppn << 12;
		}
	} else if (mode != 0) {
		return -EFAULT;
	}
	p = bus_ram_ptr(h->bus, pa, 8);
	if (!p)
		return -EFAULT;
	memcpy(out, p, 8);
	return 0;
}

static int64_t legacy_mask(struct vcpu *v, uint64_t ptr, uint64_t *mask, uint64_t *base)
{
	if (ptr == 0) {
		*base = UINT64_MAX;	/* NULL: all harts */
		*mask = 0;
		return 0;
	}
	*base = 0;
	return guest_read_u64(&v->hart, ptr, mask) ? SBI_ERR_INVALID_ADDRESS : 0;
}

/* Legacy calls return their value in a0 only. */
static bool sbi_legacy(struct vcpu *v, uint64_t eid, uint64_t *a, int64_t *ret)
{
	struct machine *m = v->m;
	uint64_t mask, base;
	uint8_t b;

	*ret = 0;
	switch (eid) {
	case 0x00:
		set_timer(v, a[0]);
		return true;
	case 0x01:
		b = (uint8_t)a[0];
		machine_console_output(m, &b, 1);
		return true;
	case 0x02:
		*ret = uart_rx_take(&m->uart);
		return true;
	case 0x03:
		hart_clear_mip(&v->hart, MIP_SSIP);
		return true;
	case 0x04:
		*ret = legacy_mask(v, a[0], &mask, &base);
		if (!*ret)
			*ret = for_each_hart(m, mask, base, do_ipi, v, 0);
		return true;
	case 0x05:
	case 0x06:
	case 0x07:
		*ret = legacy_mask(v, a[0], &mask, &base);
		if (!*ret)
			*ret = fence_harts(v, mask, base,
					   eid == 0x05 ? HART_REQ_FENCEI : HART_REQ_TLB).error;
		return true;
	case 0x08:
		machine_stop(m, MACHINE_EXIT_POWEROFF);
		v->hart.halt = true;
		return true;
	}
	return false;
}

/* ---- dispatch ------------------------------------------------------ */

static const struct {
	uint64_t eid;
	sbi_fn fn;
} sbi_exts[] = {
	{ EXT_BASE, sbi_base },
	{ EXT_TIME, sbi_time },
	{ EXT_IPI, sbi_ipi },
	{ EXT_RFENCE, sbi_rfence },
	{ EXT_HSM, sbi_hsm },
	{ EXT_SRST, sbi_srst },
	{ EXT_DBCN, sbi_dbcn },
};

static bool ext_present(uint64_t eid)
{
	if (eid <= 0x08)
		return true;
	for (size_t i = 0; i < sizeof(sbi_exts) / sizeof(sbi_exts[0]); i++)
		if (sbi_exts[i].eid == eid)
			return true;
	return false;
}

bool sbi_ecall(struct hart *h, void *opaque)
{
	struct vcpu *v = opaque;
	uint64_t *a = &h->x[A0];	/* a0..a7 = x10..x17 */
	uint64_t eid = a[7], fid = a[6];
	struct sbiret r = { .error = SBI_ERR_NOT_SUPPORTED };
	int64_t legacy;

	if (h->priv != PRV_S)
		return false;	/* U-mode ecall: the guest kernel's business */
	if (eid <= 0x08) {
		if (sbi_legacy(v, eid, a, &legacy))
			a[0] = (uint64_t)legacy;
		return true;
	}
	for (size_t i = 0; i < sizeof(sbi_exts) / sizeof(sbi_exts[0]); i++) {
		if (sbi_exts[i].eid == eid) {
			r = sbi_exts[i].fn(v, fid, a);
			break;
		}
	}
	a[0] = (uint64_t)r.error;
	a[1] = r.value;
	return true;
}

void sbi_enter_smode(struct hart *h, uint64_t pc, uint64_t a0, uint64_t a1)
{
	h->priv = PRV_S;
	h->pc = pc;
	h->x[10] = a0;
	h->x[11] = a1;
	h->satp = 0;
	h->mstatus &= ~(1ULL << 1);	/* sstatus.SIE = 0 */
	/* Data-access privilege follows priv outside M-mode (MPRV only acts
	 * in M); the core keeps it in h->dprv, which it recomputes only on
	 * its own privilege changes. */
	h->dprv = PRV_S;
	hart_request(h, HART_REQ_TLB);
}
