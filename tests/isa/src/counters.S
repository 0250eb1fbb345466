/* Zicntr + M counters: cycle/instret readable in M; mcounteren gates S
 * and U, scounteren gates U (illegal otherwise); exact instret: consecutive reads differ
 * by the instructions retired in between; minstret/mcycle writable;
 * mcountinhibit.IR freezes minstret, .CY mcycle. (Under QEMU this needs -icount.)
 * The time CSR is in counters_strict.S. */
#include "test.h"
#define RD_CYCLE CSRI(0xc00, 0, 2, 10)
#define RD_TIME CSRI(0xc01, 0, 2, 10)
#define RD_INSTRET CSRI(0xc02, 0, 2, 10)
test_main:
	TEST 1	/* exact deltas */
	csrr a0, instret
	csrr a1, instret
	sub a2, a1, a0
	CHECK a2, 1
	csrr a0, minstret
	nop
	nop
	nop
	addi zero, zero, 0
	csrr a1, minstret
	sub a2, a1, a0
	CHECK a2, 5
	TEST 2	/* a loop: 3 instructions x 100 + setup */
	li t0, 100
	csrr a0, instret
1:	addi t0, t0, -1
	nop
	bnez t0, 1b
	csrr a1, instret
	sub a2, a1, a0
	CHECK a2, 301
	TEST 3	/* a trapping instruction does not retire; the handler's do */
	csrr a0, instret
	ARM
	ecall
	csrr a1, instret
	sub a2, a1, a0
	li t0, 20
	bltu a2, t0, fail_j	/* at least the handler's instructions */
	TEST 4	/* minstret write */
	li t0, 1000
	csrw minstret, t0
	csrr a0, minstret
	addi a0, a0, -1000
	li t0, 2
	bgeu a0, t0, fail_j	/* 1000 or 1001 */
	TEST 5	/* mcountinhibit.IR stops minstret */
	csrwi mcountinhibit, 4
	csrr a0, minstret
	nop
	nop
	csrr a1, minstret
	csrwi mcountinhibit, 0
	CHECKR a1, a0
	TEST 6	/* cycle advances (time: counters_strict.S) */
	csrr a0, cycle
	nop
	csrr a1, cycle
	bgeu a0, a1, fail_j
	TEST 7	/* mcounteren = 0: S and U cannot read */
	csrw mcounteren, zero
	csrw scounteren, zero
	ENTER_MODE PRV_S
	ILLW RD_CYCLE
	ILLW RD_INSTRET
	TO_M
	ENTER_MODE PRV_U
	ILLW RD_CYCLE
	ILLW RD_INSTRET
	TO_M
	TEST 8	/* mcounteren = 7, scounteren = 0: S reads, U cannot */
	csrwi mcounteren, 7
	csrr a0, mcounteren
	CHECK a0, 7
	ENTER_MODE PRV_S
	ARM
	rdcycle a0
	rdinstret a0
	CHECK_NOTRAP
	TO_M
	ENTER_MODE PRV_U
	ILLW RD_CYCLE
	TO_M
	TEST 9	/* per-bit: mcounteren = IR only, scounteren = IR: U reads
		 * instret, not cycle */
	csrwi mcounteren, 4
	csrwi scounteren, 4
	ENTER_MODE PRV_U
	ARM
	rdinstret a0
	CHECK_NOTRAP
	ILLW RD_CYCLE
	TO_M
	TEST 11	/* mcountinhibit.CY stops mcycle; mcycle is writable */
	csrwi mcountinhibit, 1
	li t0, 12345
	csrw mcycle, t0
	nop
	csrr a0, mcycle
	csrwi mcountinhibit, 0
	CHECK a0, 12345
	TEST 10	/* exact instret in U as well */
	csrwi mcounteren, 7
	csrwi scounteren, 7
	ENTER_MODE PRV_U
	rdinstret a0
	nop
	rdinstret a1
	TO_M
	sub a2, a1, a0
	CHECK a2, 2
	PASS
fail_j:	j fail
