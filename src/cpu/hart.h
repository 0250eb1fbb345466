/*
 * One RV64GC hart: all architectural state in one struct, and the small
 * interface the rest of Domus uses to run it.
 *
 * Threading: a hart is run by exactly one host thread at a time (its vCPU
 * thread or a scheduler worker). Other threads may only use the functions
 * marked "any thread" below: they post work through atomics and kick.
 *
 * Two kinds of machine use a hart:
 *  - firmware/bare mode: the guest owns M-mode (OpenSBI, bare-metal tests);
 *  - paravirtual mode: the hypervisor is the M-mode firmware. The guest
 *    starts in S-mode, ECALLs from S-mode go to env->ecall (SBI, our
 *    hypercall interface) instead of trapping into M-mode, and the S-mode
 *    timer is driven by h->stimecmp (set through SBI set_timer).
 */
#ifndef DOMUS_CPU_HART_H
#define DOMUS_CPU_HART_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>

#include "cpu/bus.h"

enum { PRV_U = 0, PRV_S = 1, PRV_M = 3 };

struct hart;

/* What the machine around the hart provides. */
struct hart_env {
	/* Paravirtual firmware: handle an ECALL from S-mode (SBI). Return
	 * true if handled (the core then advances pc past the ecall); false
	 * to raise the exception normally. NULL in firmware/bare mode. */
	bool (*ecall)(struct hart *h, void *opaque);
	/* Current value of mtime (timebase ticks). */
	uint64_t (*read_time)(void *opaque);
	/* Optional: called by hart_kick (any thread) after it woke
	 * hart_wait, so a scheduler can make a blocked vCPU runnable. */
	void (*kick)(void *opaque);
	void *opaque;
};

/* Why hart_run returned. */
enum hart_exit {
	HART_EXIT_BUDGET = 0,	/* instruction budget used up */
	HART_EXIT_WFI,		/* idle in WFI: sleep until kicked or deadline */
	HART_EXIT_STOP,		/* hart_request_exit() from another thread */
	HART_EXIT_HALT,		/* h->halt was set (power off, HTIF exit, ...) */
	HART_EXIT_DOUBLE_FAULT,	/* trap loop: pc and cause repeat */
	HART_EXIT_PAUSE,	/* spin-wait: h->pause_streak consecutive slices
				 * ended at a PAUSE hint; the caller should let
				 * other vCPUs (the lock holder) run before
				 * calling hart_run again */
};

#define HART_TLB_SIZE 1024

struct tlb_entry {
	uint64_t vpn_r;		/* virtual page tag valid for reads, or ~0 */
	uint64_t vpn_w;		/* ... for writes */
	uint64_t vpn_x;		/* ... for instruction fetch */
	uintptr_t addend;	/* host address = guest vaddr + addend */
};

struct hart {
	/* --- architectural state --- */
	uint64_t x[32];
	uint64_t pc;
	uint64_t f[32];		/* NaN-boxed floating-point registers */
	uint8_t priv;
	uint32_t fflags;	/* fcsr.fflags (5 bits) */
	uint32_t frm;		/* fcsr.frm (3 bits) */

	/* CSRs */
	uint64_t mstatus;
	uint64_t misa;
	uint64_t medeleg, mideleg;
	uint64_t mie;
	_Atomic uint64_t mip;	/* devices set/clear bits from any thread */
	uint64_t mtvec, stvec;
	uint64_t mepc, sepc;
	uint64_t mcause, scause;
	uint64_t mtval, stval;
	uint64_t mscratch, sscratch;
	uint64_t satp;
	uint32_t mcounteren, scounteren, mcountinhibit;
	uint64_t menvcfg, senvcfg;
	uint64_t mhartid;
	uint64_t pmpcfg[2];	/* pmpcfg0, pmpcfg2 (RV64: even ones only) */
	uint64_t pmpaddr[16];
	/* mcycle/minstret are derived from retired (hart_mcycle/hart_minstret
	 * in cpu_internal.h), so retiring an instruction is one increment:
	 * counter = retired + off while counting, off itself while inhibited.
	 * minstret counts retired instructions exactly. */
	uint64_t mcycle_off, minstret_off;
	uint64_t steps;		/* instructions stepped: retired + trapped (budget) */
	uint64_t retired;	/* instructions retired (not inhibitable) */

	/* Timers: the interrupt is pending while time >= cmp. */
	uint64_t mtimecmp;	/* CLINT, drives MTIP */
	uint64_t stimecmp;	/* paravirtual SBI timer, drives STIP */

	/* LR/SC reservation */
	uint64_t resv_addr;	/* physical address, valid if resv_valid */
	uint64_t resv_val;	/* value observed by LR (SC is a CAS on it) */
	bool resv_valid;

	/* --- implementation state --- */
	struct bus *bus;
	struct hart_env env;
	struct tlb_entry tlb[HART_TLB_SIZE];
	uint64_t tlb_gen;	/* bus->gen this TLB was filled under */

	/* Cross-thread requests: set bits, then hart_kick(). */
	_Atomic uint32_t req;
#define HART_REQ_EXIT     (1u << 0)	/* return HART_EXIT_STOP */
#define HART_REQ_TLB      (1u << 1)	/* flush TLB (remote sfence.vma) */
#define HART_REQ_FENCEI   (1u << 2)	/* flush decoded-instruction caches */
#define HART_REQ_IRQ      (1u << 3)	/* re-evaluate interrupts */
	_Atomic uint64_t flush_ack;	/* bumped when TLB/fence requests are done */

	bool halt;		/* set by env callbacks to end hart_run */
	bool wfi;		/* in WFI */
	bool trace;		/* --trace: print every retired instruction */

	/* Sleep support for WFI (used by hart_wait). */
	pthread_mutex_t lock;
	pthread_cond_t cond;

	/* Double-fault detection. */
	uint64_t last_trap_pc, last_trap_cause;
	unsigned trap_repeat;

	/* --- internal to src/cpu (do not touch from outside) --- */
	uint8_t dprv;		/* privilege for data accesses (after MPRV) */
	uint64_t timer_ip;	/* MTIP/STIP derived from time vs. the compares */
	uint8_t cy_inc, ir_inc;	/* 1 unless mcountinhibit.CY / .IR */
	uint64_t exc_tval;	/* tval of the exception being raised */
	uint64_t last_trap_instret;
	int exit_code;		/* enum hart_exit pending from inside a slice, or -1 */
	bool slice_end;		/* leave the inner loop after this instruction */
	uint64_t walk_super;	/* size of the superpage the last walk ended in, or 0 */
	uint64_t super_lo, super_hi;	/* VA span of cached superpage pieces (lo > hi: none) */
	struct hart_icache *icache;	/* decoded blocks + decode memo (hart.c) */
	/* Handed over by host code (jit.c, run_slice): */
	uint64_t jit_pc;	/* jump target */
	uint64_t jit_bpc;	/* pc of the final block */
	uint64_t jit_left;	/* budget left */
	void *jit_slot;		/* chain slot to fill, or NULL */
	uintptr_t cv_base;	/* bus->code_ver, indexed by host address >> 12 */
	bool paused;		/* the slice ended at a PAUSE hint */
	uint32_t pause_streak;	/* consecutive slices ended by PAUSE (a spin-wait);
				 * readable by the caller after HART_EXIT_PAUSE */
};

/* Interrupt/exception numbers (mcause values without the interrupt bit). */
enum {
	IRQ_SSI = 1, IRQ_MSI = 3, IRQ_STI = 5, IRQ_MTI = 7, IRQ_SEI = 9, IRQ_MEI = 11,
};
#define MIP_SSIP (1ULL << IRQ_SSI)
#define MIP_MSIP (1ULL << IRQ_MSI)
#define MIP_STIP (1ULL << IRQ_STI)
#define MIP_MTIP (1ULL << IRQ_MTI)
#define MIP_SEIP (1ULL << IRQ_SEI)
#define MIP_MEIP (1ULL << IRQ_MEI)

/* Init in M-mode at pc 0 (firmware/bare mode) with the given hart id.
 * The caller then sets pc/priv/regs as its boot protocol requires. */
int hart_init(struct hart *h, struct bus *bus, uint64_t hartid,
	      const struct hart_env *env);
void hart_destroy(struct hart *h);
/* Architectural reset (keeps bus/env). */
void hart_reset(struct hart *h);

/* Run up to max_insns instructions (0 = no limit). */
enum hart_exit hart_run(struct hart *h, uint64_t max_insns);

/* Time at which a sleeping hart must wake (min of armed timer compares),
 * or UINT64_MAX. */
uint64_t hart_next_deadline(struct hart *h);
/* Block until kicked or until the time deadline (in mtime ticks, converted
 * by the caller-provided env->read_time). Returns when an interrupt may be
 * pending. */
void hart_wait(struct hart *h, uint64_t timeout_ns);

/* Any thread. */
void hart_kick(struct hart *h);
void hart_set_mip(struct hart *h, uint64_t bits);
void hart_clear_mip(struct hart *h, uint64_t bits);
void hart_request(struct hart *h, uint32_t req);

/* Let S/U-mode access all of physical memory through PMP entry 0
 * (what firmware does before starting a kernel). hart_init does this by
 * itself in paravirtual mode (env->ecall set). */
void hart_pmp_allow_all(struct hart *h);

/* Debug: fill buf with the disassembly of one instruction. */
int hart_disasm(uint32_t insn, uint64_t pc, char *buf, unsigned len);

#endif
