/* sip/sie as S sees them: only delegated bits are visible; from S, only
 * SSIP is writable in sip (STIP and SEIP are read-only there and set by M
 * through mip); writes to sie only reach delegated bits of mie. */
#include "test.h"
test_main:
	csrw mie, zero
	li t0, (1 << IRQ_SSI) | (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrw mideleg, t0
	TEST 1	/* M sets STIP/SEIP in mip; S sees them in sip */
	li t0, (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrs mip, t0
	ENTER_MODE PRV_S
	csrr a0, sip
	andi a0, a0, 0x222
	CHECK a0, (1 << IRQ_STI) | (1 << IRQ_SEI)
	TEST 2	/* S cannot clear STIP/SEIP through sip */
	li t0, (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrc sip, t0
	csrr a0, sip
	andi a0, a0, 0x222
	CHECK a0, (1 << IRQ_STI) | (1 << IRQ_SEI)
	TEST 3	/* S can set and clear SSIP */
	csrsi sip, 1 << IRQ_SSI
	csrr a0, sip
	andi a0, a0, 0x222
	CHECK a0, 0x222
	csrci sip, 1 << IRQ_SSI
	TEST 4	/* sie reaches mie for delegated bits */
	li t0, 0x222
	csrw sie, t0
	csrr a0, sie
	CHECK a0, 0x222
	TO_M
	csrr a0, mie
	CHECK a0, 0x222
	TEST 5	/* undelegated bits vanish from S's views */
	li t0, 1 << IRQ_STI
	csrw mideleg, t0
	csrw mie, t0		/* SEIE off: SEI is now M-level and pending */
	ENTER_MODE PRV_S
	csrr a0, sip
	andi a0, a0, 0x222
	CHECK a0, 1 << IRQ_STI
	csrr a0, sie
	CHECK a0, 1 << IRQ_STI
	TO_M
	li t0, (1 << IRQ_STI) | (1 << IRQ_SEI)
	csrc mip, t0
	csrw mie, zero
	csrw mideleg, zero
	PASS
