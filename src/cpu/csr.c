/*
 * Control and status registers: access checks (privilege, read-only,
 * counter enables, TVM, FS), WARL legalisation, and the sstatus/sie/sip
 * views of their M-mode counterparts.
 */
#include "cpu/cpu_internal.h"

enum {
	CSR_FFLAGS = 0x001, CSR_FRM = 0x002, CSR_FCSR = 0x003,
	CSR_CYCLE = 0xc00, CSR_TIME = 0xc01, CSR_INSTRET = 0xc02,
	CSR_HPM3 = 0xc03, CSR_HPM31 = 0xc1f,
	CSR_SSTATUS = 0x100, CSR_SIE = 0x104, CSR_STVEC = 0x105,
	CSR_SCOUNTEREN = 0x106, CSR_SENVCFG = 0x10a, CSR_SSCRATCH = 0x140,
	CSR_SEPC = 0x141, CSR_SCAUSE = 0x142, CSR_STVAL = 0x143, CSR_SIP = 0x144,
	CSR_SATP = 0x180,
	CSR_MVENDORID = 0xf11, CSR_MARCHID = 0xf12, CSR_MIMPID = 0xf13,
	CSR_MHARTID = 0xf14, CSR_MCONFIGPTR = 0xf15,
	CSR_MSTATUS = 0x300, CSR_MISA = 0x301, CSR_MEDELEG = 0x302,
	CSR_MIDELEG = 0x303, CSR_MIE = 0x304, CSR_MTVEC = 0x305,
	CSR_MCOUNTEREN = 0x306, CSR_MENVCFG = 0x30a, CSR_MCOUNTINHIBIT = 0x320,
	CSR_MHPMEVENT3 = 0x323, CSR_MHPMEVENT31 = 0x33f,
	CSR_MSCRATCH = 0x340, CSR_MEPC = 0x341, CSR_MCAUSE = 0x342,
	CSR_MTVAL = 0x343, CSR_MIP = 0x344,
	CSR_PMPCFG0 = 0x3a0, CSR_PMPCFG15 = 0x3af,
	CSR_PMPADDR0 = 0x3b0, CSR_PMPADDR63 = 0x3ef,
	CSR_MCYCLE = 0xb00, CSR_MINSTRET = 0xb02,
	CSR_TSELECT = 0x7a0, CSR_TDATA1 = 0x7a1, CSR_TDATA2 = 0x7a2, CSR_TDATA3 = 0x7a3,
	CSR_TINFO = 0x7a4,
	CSR_MHPM3 = 0xb03, CSR_MHPM31 = 0xb1f,
};

#define MSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | \
			  MSTATUS_SPP | MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | \
			  MSTATUS_SUM | MSTATUS_MXR | MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define SSTATUS_VIEW (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_UBE | MSTATUS_SPP | \
		      MSTATUS_VS | MSTATUS_FS | MSTATUS_XS | MSTATUS_SUM | MSTATUS_MXR | \
		      MSTATUS_UXL | MSTATUS_SD)
#define SSTATUS_WRITABLE (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | \
			  MSTATUS_SUM | MSTATUS_MXR)
#define MEDELEG_MASK 0xb3ffULL
#define MIDELEG_MASK (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIE_MASK (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)

static uint64_t mip_value(struct hart *h)
{
	return atomic_load_explicit(&h->mip, memory_order_relaxed) | h->timer_ip;
}

/* Counter access from S/U is gated by mcounteren (and scounteren for U). */
static bool counter_allowed(const struct hart *h, unsigned idx)
{
	if (h->priv == PRV_M)
		return true;
	if (!((h->mcounteren >> idx) & 1))
		return false;
	if (h->priv == PRV_U && !((h->scounteren >> idx) & 1))
		return false;
	return true;
}

static bool pmp_locked(const struct hart *h, unsigned i)
{
	unsigned cfg = (h->pmpcfg[i / 8] >> ((i % 8) * 8)) & 0xff;
	if (cfg & 0x80)
		return true;
	if (i + 1 < 16) {
		unsigned next = (h->pmpcfg[(i + 1) / 8] >> (((i + 1) % 8) * 8)) & 0xff;
		if ((next & 0x80) && ((next >> 3) & 3) == 1)
			return true;	/* top of a locked TOR range */
	}
	return false;
}

int csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
	if (((csr >> 8) & 3) > h->priv)
		return -1;
	switch (csr) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if (!(h->mstatus & MSTATUS_FS))
			return -1;
		*val = csr == CSR_FFLAGS ? h->fflags : csr == CSR_FRM ? h->frm
		       : (h->frm << 5) | h->fflags;
		return 0;
	case CSR_CYCLE:
		if (!counter_allowed(h, 0))
			return -1;
		*val = hart_mcycle(h);
		return 0;
	case CSR_TIME:
		if (!counter_allowed(h, 1))
			return -1;
		*val = hart_read_time(h);
		return 0;
	case CSR_INSTRET:
		if (!counter_allowed(h, 2))
			return -1;
		*val = hart_minstret(h);
		return 0;
	case CSR_SSTATUS: *val = h->mstatus & SSTATUS_VIEW; return 0;
	case CSR_SIE: *val = h->mie & h->mideleg; return 0;
	case CSR_STVEC: *val = h->stvec; return 0;
	case CSR_SCOUNTEREN: *val = h->scounteren; return 0;
	case CSR_SENVCFG: *val = h->senvcfg; return 0;
	case CSR_SSCRATCH: *val = h->sscratch; return 0;
	case CSR_SEPC: *val = h->sepc; return 0;
	case CSR_SCAUSE: *val = h->scause; return 0;
	case CSR_STVAL: *val = h->stval; return 0;
	case CSR_SIP: *val = mip_value(h) & h->mideleg; return 0;
	case CSR_SATP:
		if (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM))
			return -1;
		*val = h->satp;
		return 0;
	case CSR_MVENDORID: case CSR_MARCHID: case CSR_MIMPID: case CSR_MCONFIGPTR:
		*val = 0;
		return 0;
	case CSR_MHARTID: *val = h->mhartid; return 0;
	case CSR_MSTATUS: *val = h->mstatus; return 0;
	case CSR_MISA: *val = h->misa; return 0;
	case CSR_MEDELEG: *val = h->medeleg; return 0;
	case CSR_MIDELEG: *val = h->mideleg; return 0;
	case CSR_MIE: *val = h->mie; return 0;
	case CSR_MTVEC: *val = h->mtvec; return 0;
	case CSR_MCOUNTEREN: *val = h->mcounteren; return 0;
	case CSR_MENVCFG: *val = h->menvcfg; return 0;
	case CSR_MCOUNTINHIBIT: *val = h->mcountinhibit; return 0;
	case CSR_MSCRATCH: *val = h->mscratch; return 0;
	case CSR_MEPC: *val = h->mepc; return 0;
	case CSR_MCAUSE: *val = h->mcause; return 0;
	case CSR_MTVAL: *val = h->mtval; return 0;
	case CSR_MIP: *val = mip_value(h); return 0;
	case CSR_MCYCLE: *val = hart_mcycle(h); return 0;
	case CSR_MINSTRET: *val = hart_minstret(h); return 0;
	/* Trigger module with no triggers: tselect reads 0, tdata1 reads
	 * type 0 ("no trigger at this index"), tinfo says only type 0.
	 * Software (riscv-tests, firmware) probes these and moves on. */
	case CSR_TSELECT: case CSR_TDATA1: case CSR_TDATA2: case CSR_TDATA3:
		*val = 0;
		return 0;
	case CSR_TINFO: *val = 1; return 0;
	}
	if (csr >= CSR_HPM3 && csr <= CSR_HPM31) {
		if (!counter_allowed(h, csr - CSR_CYCLE))
			return -1;
		*val = 0;
		return 0;
	}
	if ((csr >= CSR_MHPM3 && csr <= CSR_MHPM31) ||
	    (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31)) {
		*val = 0;
		return 0;
	}
	if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
		unsigned n = csr - CSR_PMPCFG0;
		if (n & 1)
			return -1;	/* odd pmpcfg do not exist on RV64 */
		*val = n < 4 ? h->pmpcfg[n / 2] : 0;
		return 0;
	}
	if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
		unsigned n = csr - CSR_PMPADDR0;
		*val = n < 16 ? h->pmpaddr[n] : 0;
		return 0;
	}
	return -1;
}

static void mark_fs_dirty(struct hart *h)
{
	h->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

static void write_mstatus(struct hart *h, uint64_t val, uint64_t mask)
{
	uint64_t old = h->mstatus;
	uint64_t nv = (old & ~mask) | (val & mask);
	if (((nv & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) == 2)
		nv = (nv & ~MSTATUS_MPP) | (old & MSTATUS_MPP);	/* reserved: keep */
	nv &= ~(MSTATUS_SD | MSTATUS_UXL | MSTATUS_SXL);
	nv |= (2ULL << 32) | (2ULL << 34);	/* UXL = SXL = 64 */
	if ((nv & MSTATUS_FS) == MSTATUS_FS)
		nv |= MSTATUS_SD;
	h->mstatus = nv;
	if ((old ^ nv) & (MSTATUS_MPRV | MSTATUS_MPP | MSTATUS_SUM | MSTATUS_MXR))
		tlb_flush(h);
	hart_update_dprv(h);
	h->slice_end = true;	/* interrupt enables may have changed */
}

int csr_write(struct hart *h, unsigned csr, uint64_t val)
{
	if (((csr >> 8) & 3) > h->priv || (csr >> 10) == 3)
		return -1;
	switch (csr) {
	case CSR_FFLAGS:
	case CSR_FRM:
	case CSR_FCSR:
		if (!(h->mstatus & MSTATUS_FS))
			return -1;
		if (csr == CSR_FFLAGS)
			h->fflags = val & 0x1f;
		else if (csr == CSR_FRM)
			h->frm = val & 7;
		else {
			h->fflags = val & 0x1f;
			h->frm = (val >> 5) & 7;
		}
		mark_fs_dirty(h);
		return 0;
	case CSR_SSTATUS: write_mstatus(h, val, SSTATUS_WRITABLE); return 0;
	case CSR_SIE:
		h->mie = (h->mie & ~h->mideleg) | (val & h->mideleg & MIE_MASK);
		h->slice_end = true;
		return 0;
	case CSR_STVEC: h->stvec = val & ~2ULL; return 0;
	case CSR_SCOUNTEREN: h->scounteren = (uint32_t)val; return 0;
	case CSR_SENVCFG: h->senvcfg = val & 1; return 0;
	case CSR_SSCRATCH: h->sscratch = val; return 0;
	case CSR_SEPC: h->sepc = val & ~1ULL; return 0;
	case CSR_SCAUSE: h->scause = val; return 0;
	case CSR_STVAL: h->stval = val; return 0;
	case CSR_SIP:
		if (h->mideleg & MIP_SSIP) {
			if (val & MIP_SSIP)
				atomic_fetch_or(&h->mip, MIP_SSIP);
			else
				atomic_fetch_and(&h->mip, ~MIP_SSIP);
		}
		h->slice_end = true;
		return 0;
	case CSR_SATP: {
		if (h->priv == PRV_S && (h->mstatus & MSTATUS_TVM))
			return -1;
		unsigned mode = val >> 60;
		if (mode != 0 && mode != 8 && mode != 9)
			return 0;	/* unsupported mode: write ignored */
		/* ASID: 16 bits; PPN: 44 bits */
		h->satp = val & ((0xfULL << 60) | (0xffffULL << 44) | ((1ULL << 44) - 1));
		tlb_flush(h);
		return 0;
	}
	case CSR_MSTATUS: write_mstatus(h, val, MSTATUS_WRITABLE); return 0;
	case CSR_MISA: return 0;	/* fixed rv64imafdcsu */
	case CSR_MEDELEG: h->medeleg = val & MEDELEG_MASK; return 0;
	case CSR_MIDELEG: h->mideleg = val & MIDELEG_MASK; h->slice_end = true; return 0;
	case CSR_MIE: h->mie = val & MIE_MASK; h->slice_end = true; return 0;
	case CSR_MTVEC: h->mtvec = val & ~2ULL; return 0;
	case CSR_MCOUNTEREN: h->mcounteren = (uint32_t)val; return 0;
	case CSR_MENVCFG: h->menvcfg = val & 1; return 0;
	case CSR_MCOUNTINHIBIT: {
		uint64_t cy = hart_mcycle(h), ir = hart_minstret(h);
		h->mcountinhibit = val & 5;	/* CY, IR; HPM counters are zero */
		h->cy_inc = !(val & 1);
		h->ir_inc = !(val & 4);
		/* Keep the values; a counter enabled here counts this
		 * instruction's own retirement, one inhibited freezes now. */
		h->mcycle_off = h->cy_inc ? cy - h->retired : cy;
		h->minstret_off = h->ir_inc ? ir - h->retired : ir;
		return 0;
	}
	case CSR_MSCRATCH: h->mscratch = val; return 0;
	case CSR_MEPC: h->mepc = val & ~1ULL; return 0;
	case CSR_MCAUSE: h->mcause = val; return 0;
	case CSR_MTVAL: h->mtval = val; return 0;
	case CSR_MIP: {
		uint64_t m = MIP_SSIP | MIP_SEIP | (h->env.ecall ? 0 : MIP_STIP);
		uint64_t cur = atomic_load(&h->mip);
		while (!atomic_compare_exchange_weak(&h->mip, &cur, (cur & ~m) | (val & m)))
			;
		h->slice_end = true;
		return 0;
	}
	/* The retiring instruction's own increment must not show: */
	case CSR_TSELECT: case CSR_TDATA1: case CSR_TDATA2: case CSR_TDATA3:
	case CSR_TINFO:
		return 0;	/* no triggers: writes ignored */
	case CSR_MCYCLE: h->mcycle_off = val - (h->cy_inc ? h->retired + 1 : 0); return 0;
	case CSR_MINSTRET: h->minstret_off = val - (h->ir_inc ? h->retired + 1 : 0); return 0;
	}
	if ((csr >= CSR_MHPM3 && csr <= CSR_MHPM31) ||
	    (csr >= CSR_MHPMEVENT3 && csr <= CSR_MHPMEVENT31))
		return 0;
	if (csr >= CSR_PMPCFG0 && csr <= CSR_PMPCFG15) {
		unsigned n = csr - CSR_PMPCFG0;
		if (n & 1)
			return -1;
		if (n >= 4)
			return 0;
		uint64_t old = h->pmpcfg[n / 2], nv = 0;
		for (unsigned i = 0; i < 8; i++) {
			unsigned o = (old >> (8 * i)) & 0xff, b = (val >> (8 * i)) & 0xff;
			if (o & 0x80)
				b = o;		/* locked */
			else {
				b &= 0x9f;	/* bits 5-6 reserved */
				if ((b & 3) == 2)
					b &= ~2u;	/* W without R is reserved */
			}
			nv |= (uint64_t)b << (8 * i);
		}
		h->pmpcfg[n / 2] = nv;
		tlb_flush(h);
		return 0;
	}
	if (csr >= CSR_PMPADDR0 && csr <= CSR_PMPADDR63) {
		unsigned n = csr - CSR_PMPADDR0;
		if (n < 16 && !pmp_locked(h, n)) {
			h->pmpaddr[n] = val & ((1ULL << 54) - 1);
			tlb_flush(h);
		}
		return 0;
	}
	return -1;
}
