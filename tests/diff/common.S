/*
 * Shared runtime of the differential tester, linked into both builds:
 * diff_dump_state saves the whole architectural state visible to the block
 * (x1..x31, f0..f31, fcsr) into the save area below sp, lets dump.c print
 * it on a private stack, then restores everything and returns. The block
 * calls it as
 *	sd ra, -1024+8(sp); call diff_dump_state; .word ID; ld ra, -1024+8(sp)
 * so that no register the block can see is changed by a dump; the routine
 * reads the dump id from the word at its return address and skips it.
 * diff_dump_final does the same but never returns (final state + memory).
 */
#include "diff.h"

#define S(off)	(-DIFF_SAVE + (off))(sp)

	.option norvc
	.text
	.balign 4
	.globl diff_dump_state
diff_dump_state:
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd x\n, S(DIFF_SAVE_X + 8 * \n)
	.endr
	sd x2, S(DIFF_SAVE_X + 16)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd f\n, S(DIFF_SAVE_F + 8 * \n)
	.endr
	frcsr t0
	sd t0, S(DIFF_SAVE_FCSR)
	lwu t0, 0(ra)
	sd t0, S(DIFF_SAVE_ID)
	addi ra, ra, 4
	sd ra, S(DIFF_SAVE_RET)
	addi a0, sp, -DIFF_SAVE
	la sp, diff_stack_top
	call diff_report
	la sp, diff_scratch
	ld t0, S(DIFF_SAVE_FCSR)
	fscsr t0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld f\n, S(DIFF_SAVE_F + 8 * \n)
	.endr
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld x\n, S(DIFF_SAVE_X + 8 * \n)
	.endr
	ld ra, S(DIFF_SAVE_RET)
	ret

	/* End of the block: ra already saved by the caller sequence. */
	.globl diff_dump_final
diff_dump_final:
	.irp n, 3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd x\n, S(DIFF_SAVE_X + 8 * \n)
	.endr
	sd x2, S(DIFF_SAVE_X + 16)
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd f\n, S(DIFF_SAVE_F + 8 * \n)
	.endr
	frcsr t0
	sd t0, S(DIFF_SAVE_FCSR)
	addi a0, sp, -DIFF_SAVE
	la sp, diff_stack_top
	call diff_final
1:	j 1b

	.bss
	.balign 16
diff_stack:
	.space 16384
diff_stack_top:
