/*
 * Contract between the generated random block (domus-diffgen output), the
 * shared runtime (common.S, dump.c) and the two startup stubs (user.S for
 * qemu-riscv64, bare.S for domus-run --bare / QEMU spike).
 *
 * Memory: sp (x2) is reserved by the block and always holds diff_scratch.
 * [sp, sp+DIFF_SCRATCH) is the scratch buffer random loads/stores use;
 * [sp-DIFF_SAVE, sp) is the save area (DIFF_SAVE_* offsets below).
 */
#ifndef DIFF_H
#define DIFF_H

#define DIFF_SCRATCH	2048
#define DIFF_SAVE	1024
#define DIFF_PAGE_OFF	1024	/* scratch offset of a 4 KiB page boundary */
/* save area layout, offsets from its start (= sp - DIFF_SAVE) */
#define DIFF_SAVE_X	0	/* x0..x31, 8 bytes each (x0 slot unused) */
#define DIFF_SAVE_F	256	/* f0..f31 raw bits */
#define DIFF_SAVE_FCSR	512
#define DIFF_SAVE_RET	520	/* return address of diff_dump_state */
#define DIFF_SAVE_COUNT	528	/* dumps done so far */
#define DIFF_SAVE_FULL	536	/* dumps with id >= this print the full state */
#define DIFF_SAVE_ID	544	/* id of the current dump (word after the call) */
#define DIFF_SAVE_STOP	552	/* a dump with id > this ends the program */

#endif
