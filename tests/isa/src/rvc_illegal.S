/* RV64C reserved/illegal encodings raise illegal instruction with tval = the
 * 16-bit parcel: all-zero, c.addi4spn imm 0, c.lwsp/c.ldsp rd 0, c.addiw rd 0,
 * c.addi16sp imm 0, c.lui imm 0, c.jr rs1 0, the reserved Q1 ALU slots. */
#include "test.h"
	.macro ILL n, parcel
	TEST \n
	ARM
	.hword \parcel
	CHECK_TRAP CAUSE_ILLEGAL
	CHECK_TVAL \parcel
	.endm
test_main:
	ILL 1, 0x0000	/* all-zero parcel */
	ILL 2, 0x0004	/* c.addi4spn x9, sp, 0 */
	ILL 3, 0x4002	/* c.lwsp x0 */
	ILL 4, 0x6002	/* c.ldsp x0 */
	ILL 5, 0x2001	/* c.addiw x0 */
	ILL 6, 0x6101	/* c.addi16sp 0 */
	ILL 7, 0x6081	/* c.lui x1, 0 */
	ILL 8, 0x8002	/* c.jr x0 */
	ILL 9, 0x9c41	/* Q1 funct6 100111, funct2 10: reserved */
	ILL 10, 0x9c61	/* Q1 funct6 100111, funct2 11: reserved */
	ILL 11, 0x9000	/* Q0 funct3 100: reserved */
	PASS
