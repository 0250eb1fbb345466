/* HTIF console and exit convention: device 1 command 1 writes
 * ((0x0101 << 48) | ch) print ch (run.sh compares the output with
 * htif_console.expect); the host acknowledges by clearing tohost; the
 * program then passes with tohost = 1. */
#include "test.h"
test_main:
	TEST 1
	la a0, msg
	jal ra, print_str
	TEST 2	/* the host cleared tohost after the last character */
	la t0, tohost
	ld a0, 0(t0)
	CHECK a0, 0
	PASS
	.section .rodata
msg:	.asciz "domus-htif-console-ok\n"
	.text
