/*
 * Shared runtime of the Domus ISA test programs (included by every
 * tests/isa/src/*.S before anything else).
 *
 * Conventions
 *  - The program starts in M-mode at _start, which installs the M-mode trap
 *    handler, a stack, and jumps to `test_main` (the file's code).
 *  - s11 holds the current test number (TEST n). On failure the program
 *    writes (n << 1) | 1 to tohost, so the runner's exit status is n; keep
 *    n in 1..255. PASS writes 1.
 *  - CHECK* macros clobber t4, t5, t6 (only t4 on the failure path).
 *  - Traps: a test that expects a trap executes ARM first. The handler then
 *    records cause/epc/tval/previous privilege in trap_* variables, disarms,
 *    and resumes at trap_resume (if set) or after the faulting instruction
 *    (length taken from the parcel at the physical address mepc; tests that
 *    trap with a non-identity virtual pc must set trap_resume). Interrupts
 *    are recorded too; the handler then clears mie (sie for the S handler)
 *    and returns to the interrupted instruction. A trap while disarmed fails
 *    the test and prints cause, epc and tval through the HTIF console.
 *  - TO_M (ecall with a7 = TO_M_MAGIC from U or S) returns to M-mode at the
 *    next instruction with mstatus.MIE = 0 (also when ecall-from-U is delegated: the S handler
 *    forwards it, so ecall-from-S must not be delegated then). The M handler clears mstatus.MPRV on entry so that its
 *    own memory accesses are physical.
 *  - The S-mode handler (stvec = s_trap) mirrors the M one for delegated
 *    traps; it runs with whatever translation is active, so page-table tests
 *    identity-map the image for S.
 */
#ifndef DOMUS_ISA_TEST_H
#define DOMUS_ISA_TEST_H

#define TO_M_MAGIC 0x70bad

#define MSTATUS_SIE  (1 << 1)
#define MSTATUS_MIE  (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP  (1 << 8)
#define MSTATUS_MPP  (3 << 11)
#define MSTATUS_FS   (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM  (1 << 18)
#define MSTATUS_MXR  (1 << 19)
#define MSTATUS_TVM  (1 << 20)
#define MSTATUS_TW   (1 << 21)
#define MSTATUS_TSR  (1 << 22)
#define MSTATUS_SD   (1 << 63)

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define CAUSE_MISALIGNED_FETCH 0
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_MISALIGNED_LOAD 4
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_MISALIGNED_STORE 6
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_U 8
#define CAUSE_ECALL_S 9
#define CAUSE_ECALL_M 11
#define CAUSE_FETCH_PAGE 12
#define CAUSE_LOAD_PAGE 13
#define CAUSE_STORE_PAGE 15
#define IRQ(n) ((1 << 63) | (n))
#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

#define CLINT_MSIP     0x02000000
#define CLINT_MTIMECMP 0x02004000
#define CLINT_MTIME    0x0200bff8

/* Page-table entry bits */
#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)

/* An address that is neither RAM nor a device on either machine. */
#define UNMAPPED_PA 0x7ff00000

	.macro TEST n
	li s11, \n
	.endm

	/* CHECK reg, imm: fail unless reg == imm (64-bit compare). */
	.macro CHECK reg, val
	mv t5, \reg
	li t6, \val
	beq t5, t6, 8f
	jal t4, fail_check
8:
	.endm

	/* CHECKR reg, reg2: fail unless reg == reg2 */
	.macro CHECKR reg, reg2
	mv t5, \reg
	mv t6, \reg2
	beq t5, t6, 8f
	jal t4, fail_check
8:
	.endm

	/* CHECKF freg, imm: fail unless the 64 raw bits of freg == imm */
	.macro CHECKF freg, val
	fmv.x.d t5, \freg
	li t6, \val
	beq t5, t6, 8f
	jal t4, fail_check
8:
	.endm

	/* CHECKM sym, imm: fail unless the doubleword at sym == imm */
	.macro CHECKM sym, val
	la t5, \sym
	ld t5, 0(t5)
	li t6, \val
	beq t5, t6, 8f
	jal t4, fail_check
8:
	.endm

	/* Arm the trap handler: the next trap is expected. Clobbers t5, t6. */
	.macro ARM
	la t6, trap_armed
	li t5, 1
	sd t5, 0(t6)
	la t6, trap_cause
	li t5, -1
	sd t5, 0(t6)
	.endm

	/* Like ARM, and resume at label after the trap. */
	.macro ARM_RESUME label
	ARM
	la t6, trap_resume
	la t5, \label
	sd t5, 0(t6)
	.endm

	/* Like ARM_RESUME, but the M handler resumes in M-mode (for traps
	 * that would repeat in the lower mode, e.g. fetch faults). */
	.macro ARM_RESUME_M label
	ARM_RESUME \label
	la t6, trap_to_m
	li t5, 1
	sd t5, 0(t6)
	.endm

	/* A trap with this cause was taken (and consumed the arming). */
	.macro CHECK_TRAP cause
	CHECKM trap_cause, \cause
	CHECKM trap_armed, 0
	.endm
	.macro CHECK_TVAL val
	CHECKM trap_tval, \val
	.endm
	/* No trap was taken since ARM; disarm. */
	.macro CHECK_NOTRAP
	CHECKM trap_cause, -1
	la t6, trap_armed
	sd zero, 0(t6)
	.endm

	/* From M: continue at the next instruction in privilege mode m
	 * (clobbers t0). */
	.macro ENTER_MODE m
	li t0, MSTATUS_MPP
	csrc mstatus, t0
	li t0, (\m << 11)
	csrs mstatus, t0
	la t0, 7f
	csrw mepc, t0
	mret
7:
	.endm

	/* From S or U: back to M at the next instruction (a7 ends 0). */
	.macro TO_M
	li a7, TO_M_MAGIC
	ecall
	li a7, 0
	.endm

	/* Execute the 32-bit word w expecting illegal instruction, tval = w. */
	.macro ILLW w
	ARM
	.word \w
	CHECK_TRAP CAUSE_ILLEGAL
	CHECK_TVAL \w
	.endm
#define CSRI(csr, rs1, f3, rd) (((csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73)

	.macro PASS
	j pass
	.endm

	/* t0 = PTE pointing at the address in register r with flags f */
	.macro MKPTE r, f
	srli t0, \r, 12
	slli t0, t0, 10
	ori t0, t0, \f
	.endm

	/* table[index] = PTE(addr-of-symbol/label target, flags). Clobbers t0-t2. */
	.macro SETPTE table, index, target, flags
	la t1, \target
	MKPTE t1, \flags
	la t2, \table
	li t1, 8 * (\index)
	add t2, t2, t1
	sd t0, 0(t2)
	.endm
	/* table[index] = leaf PTE for physical address pa (constant). */
	.macro SETPTE_PA table, index, pa, flags
	li t1, \pa
	srli t0, t1, 12
	slli t0, t0, 10
	li t1, \flags
	or t0, t0, t1
	la t2, \table
	li t1, 8 * (\index)
	add t2, t2, t1
	sd t0, 0(t2)
	.endm

/* ---------------------------------------------------------------- runtime */
	.section .text.init, "ax"
	.globl _start
_start:
	li x1, 0
	li x2, 0
	li x3, 0
	li x4, 0
	li x5, 0
	li x6, 0
	li x7, 0
	li x8, 0
	li x9, 0
	li x10, 0
	li x11, 0
	li x12, 0
	li x13, 0
	li x14, 0
	li x15, 0
	li x16, 0
	li x17, 0
	li x18, 0
	li x19, 0
	li x20, 0
	li x21, 0
	li x22, 0
	li x23, 0
	li x24, 0
	li x25, 0
	li x26, 0
	li x27, 0
	li x28, 0
	li x29, 0
	li x30, 0
	li x31, 0
	la t0, m_trap
	csrw mtvec, t0
	la sp, stack_top
	/* PMP entry 0 = everything RWX, so S/U may run; the PMP test redoes it. */
	li t0, -1
	csrw pmpaddr0, t0
	li t0, 0x1f
	csrw pmpcfg0, t0
	/* FP on (Initial) so programs may use it unless they test FS. */
	li t0, (1 << 13)
	csrs mstatus, t0
	csrwi fcsr, 0
	j test_main

	.text
	.balign 4
pass:
	fence
	li t0, 1
	la t1, tohost
	sd t0, 0(t1)
1:	j 1b

	/* Failure exit with test number s11. */
	.globl fail
fail:
	fence
	slli t0, s11, 1
	ori t0, t0, 1
	la t1, tohost
	sd t0, 0(t1)
1:	j 1b

	/* CHECK failure: t5 = got, t6 = expected, t4 = return address. */
fail_check:
	mv s0, t5
	mv s1, t6
	addi s2, t4, -4
	la a0, msg_fail
	jal ra, print_str
	mv a0, s11
	jal ra, print_hex
	la a0, msg_got
	jal ra, print_str
	mv a0, s0
	jal ra, print_hex
	la a0, msg_exp
	jal ra, print_str
	mv a0, s1
	jal ra, print_hex
	la a0, msg_pc
	jal ra, print_str
	mv a0, s2
	jal ra, print_hex
	li a0, '\n'
	jal ra, putchar
	j fail

	/* putchar(a0) through HTIF device 1 command 1. Clobbers t0-t2. */
putchar:
	li t0, 0x0101
	slli t0, t0, 48
	andi a0, a0, 0xff
	or t0, t0, a0
	la t1, tohost
	sd t0, 0(t1)
	li t2, 10000		/* the host clears tohost when done; bounded wait */
1:	ld t0, 0(t1)
	beqz t0, 2f
	addi t2, t2, -1
	bnez t2, 1b
2:	la t1, fromhost
	sd zero, 0(t1)
	ret

	/* print_str(a0 = NUL-terminated string). Clobbers t0-t3, a0, a1. */
print_str:
	mv t3, ra
	mv a1, a0
1:	lbu a0, 0(a1)
	beqz a0, 2f
	jal ra, putchar
	addi a1, a1, 1
	j 1b
2:	mv ra, t3
	ret

	/* print_hex(a0) as 0x + 16 digits. Clobbers t0-t3, a0, a1, a2. */
print_hex:
	mv t3, ra
	mv a1, a0
	li a0, '0'
	jal ra, putchar
	li a0, 'x'
	jal ra, putchar
	li a2, 60
1:	srl a0, a1, a2
	andi a0, a0, 15
	addi a0, a0, '0'
	li t0, '9'
	ble a0, t0, 2f
	addi a0, a0, 'a' - '9' - 1
2:	jal ra, putchar
	addi a2, a2, -4
	bgez a2, 1b
	mv ra, t3
	ret

	/* Trap handler body for privilege prefix p (m or s). */
	.macro TRAP_HANDLER p
	.balign 64
\p\()_trap:
	csrw \p\()scratch, t0
	la t0, trap_save
	sd t1, 0(t0)
	sd t2, 8(t0)
	sd t3, 16(t0)
	.ifc \p, m
	li t1, MSTATUS_MPRV
	csrc mstatus, t1
	.endif
	csrr t1, \p\()cause
	bltz t1, 5f
	.ifc \p, m
	/* ecall from U or S with the magic: back to M */
	li t2, CAUSE_ECALL_U
	beq t1, t2, 1f
	li t2, CAUSE_ECALL_S
	bne t1, t2, 5f
1:	li t2, TO_M_MAGIC
	bne a7, t2, 5f
	li t1, MSTATUS_MPP
	csrs mstatus, t1
	li t1, MSTATUS_MPIE	/* resume in M with MIE = 0 */
	csrc mstatus, t1
	csrr t1, mepc
	addi t1, t1, 4
	csrw mepc, t1
	j 9f
	.else
	/* ecall from U with the magic, delegated to S: forward it to M with an
	 * ecall from S (cause 9 must not be delegated), then leave to the user
	 * pc + 4 in M. */
	li t2, CAUSE_ECALL_U
	bne t1, t2, 5f
	li t2, TO_M_MAGIC
	bne a7, t2, 5f
	ecall
	csrr t0, sepc
	addi t0, t0, 4
	csrw mepc, t0
	li t0, MSTATUS_MPP
	csrs mstatus, t0
	li t0, MSTATUS_MPIE
	csrc mstatus, t0
	la t0, trap_save
	ld t1, 0(t0)
	ld t2, 8(t0)
	ld t3, 16(t0)
	csrr t0, sscratch
	mret
	.endif
5:	/* record */
	la t0, trap_armed
	ld t2, 0(t0)
	beqz t2, \p\()_unexpected
	sd zero, 0(t0)
	la t0, trap_cause
	sd t1, 0(t0)
	csrr t2, \p\()epc
	la t0, trap_epc
	sd t2, 0(t0)
	csrr t2, \p\()tval
	la t0, trap_tval
	sd t2, 0(t0)
	csrr t2, \p\()status
	la t0, trap_status
	sd t2, 0(t0)
	la t0, trap_count
	ld t2, 0(t0)
	addi t2, t2, 1
	sd t2, 0(t0)
	la t0, trap_level
	.ifc \p, m
	li t2, PRV_M
	.else
	li t2, PRV_S
	.endif
	sd t2, 0(t0)
	bgez t1, 6f
	/* interrupt: mask them all and retry the interrupted instruction */
	csrw \p\()ie, zero
	j 9f
6:	la t0, trap_resume
	ld t2, 0(t0)
	beqz t2, 7f
	sd zero, 0(t0)
	csrw \p\()epc, t2
	.ifc \p, m
	la t0, trap_to_m	/* ARM_RESUME_M: resume in M, MIE = 0 */
	ld t2, 0(t0)
	beqz t2, 9f
	sd zero, 0(t0)
	li t2, MSTATUS_MPP
	csrs mstatus, t2
	li t2, MSTATUS_MPIE
	csrc mstatus, t2
	.endif
	j 9f
7:	csrr t2, \p\()epc
	lhu t3, 0(t2)
	andi t3, t3, 3
	addi t2, t2, 2
	li t1, 3
	bne t3, t1, 8f
	addi t2, t2, 2
8:	csrw \p\()epc, t2
9:	la t0, trap_save
	ld t1, 0(t0)
	ld t2, 8(t0)
	ld t3, 16(t0)
	csrr t0, \p\()scratch
	\p\()ret

\p\()_unexpected:
	la a0, msg_unexp
	jal ra, print_str
	csrr a0, \p\()cause
	jal ra, print_hex
	la a0, msg_epc
	jal ra, print_str
	csrr a0, \p\()epc
	jal ra, print_hex
	la a0, msg_tval
	jal ra, print_str
	csrr a0, \p\()tval
	jal ra, print_hex
	la a0, msg_test
	jal ra, print_str
	mv a0, s11
	jal ra, print_hex
	li a0, '\n'
	jal ra, putchar
	j fail
	.endm

	TRAP_HANDLER m
	TRAP_HANDLER s

	.section .rodata
msg_fail:	.asciz "FAIL test "
msg_got:	.asciz " got "
msg_exp:	.asciz " expected "
msg_pc:		.asciz " at pc "
msg_unexp:	.asciz "FAIL unexpected trap cause "
msg_epc:	.asciz " epc "
msg_tval:	.asciz " tval "
msg_test:	.asciz " in test "

	.section .tohost, "aw", @progbits
	.balign 64
	.globl tohost
tohost:	.dword 0
	.size tohost, 8
	.balign 64
	.globl fromhost
fromhost: .dword 0
	.size fromhost, 8

	.data
	.balign 8
	.globl trap_armed, trap_cause, trap_epc, trap_tval, trap_status
	.globl trap_count, trap_resume, trap_level
trap_armed:	.dword 0
trap_cause:	.dword -1
trap_epc:	.dword 0
trap_tval:	.dword 0
trap_status:	.dword 0
trap_count:	.dword 0
trap_resume:	.dword 0
trap_level:	.dword 0
trap_to_m:	.dword 0
trap_save:	.dword 0, 0, 0, 0

	.bss
	.balign 16
stack:	.skip 4096
stack_top:

	.text
#endif
