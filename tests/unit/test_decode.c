/*
 * Decoder unit test: every instruction class of RV64GC (built with small
 * encoders from the spec's formats), every RV64C encoding against its
 * expansion, and the reserved/illegal C encodings.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/hart.h"

static int fails, count;

#define ANY 0x7fffffff

static void check(const char *name, uint32_t bits, int op, int rd, int rs1, int rs2,
		  long long imm)
{
	struct insn d;
	insn_decode(&d, bits);
	count++;
	bool ok = d.op == op && (rd == ANY || d.rd == rd) && (rs1 == ANY || d.rs1 == rs1) &&
		  (rs2 == ANY || d.rs2 == rs2) && (imm == ANY || d.imm == imm);
	if (!ok) {
		fails++;
		printf("not ok - %s (0x%08x): op %d rd %d rs1 %d rs2 %d imm %lld\n", name, bits,
		       d.op, d.rd, d.rs1, d.rs2, (long long)d.imm);
	} else {
		printf("ok - %s\n", name);
	}
}

static uint32_t R(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t I(int imm, unsigned rs1, unsigned f3, unsigned rd, unsigned opc)
{
	return (uint32_t)(imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opc;
}
static uint32_t S(int imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned opc)
{
	return (uint32_t)((imm >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (uint32_t)(imm & 0x1f) << 7 | opc;
}
static uint32_t B(int imm, unsigned rs2, unsigned rs1, unsigned f3)
{
	uint32_t u = (uint32_t)imm;
	return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 |
	       f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}
static uint32_t J(int imm, unsigned rd)
{
	uint32_t u = (uint32_t)imm;
	return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
	       ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

static void test_base(void)
{
	check("lui", 0xfffff537, OP_LUI, 10, ANY, ANY, -4096);
	check("auipc", 0x00001497, OP_AUIPC, 9, ANY, ANY, 4096);
	check("jal +2046", J(2046, 1), OP_JAL, 1, ANY, ANY, 2046);
	check("jal -1MiB", J(-(1 << 20), 0), OP_JAL, 0, ANY, ANY, -(1 << 20));
	check("jalr", I(-4, 5, 0, 1, 0x67), OP_JALR, 1, 5, ANY, -4);
	check("jalr f3!=0 illegal", I(0, 5, 1, 1, 0x67), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	static const int br[6] = { OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU };
	static const unsigned brf3[6] = { 0, 1, 4, 5, 6, 7 };
	for (int i = 0; i < 6; i++)
		check("branch", B(-4096, 7, 6, brf3[i]), br[i], ANY, 6, 7, -4096);
	check("branch f3=2 illegal", B(8, 1, 1, 2), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	static const int ld[7] = { OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU };
	for (int i = 0; i < 7; i++)
		check("load", I(-2048, 3, i, 4, 0x03), ld[i], 4, 3, ANY, -2048);
	check("load f3=7 illegal", I(0, 3, 7, 4, 0x03), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	static const int st[4] = { OP_SB, OP_SH, OP_SW, OP_SD };
	for (int i = 0; i < 4; i++)
		check("store", S(-8, 10, 9, i, 0x23), st[i], ANY, 9, 10, -8);
	check("store imm 2047", S(2047, 10, 9, 3, 0x23), OP_SD, ANY, 9, 10, 2047);
	check("store f3=4 illegal", S(0, 1, 1, 4, 0x23), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("addi", I(10, 0, 0, 10, 0x13), OP_ADDI, 10, 0, ANY, 10);
	check("slti", I(-1, 1, 2, 2, 0x13), OP_SLTI, 2, 1, ANY, -1);
	check("sltiu", I(-1, 1, 3, 2, 0x13), OP_SLTIU, 2, 1, ANY, -1);
	check("xori", I(5, 1, 4, 2, 0x13), OP_XORI, 2, 1, ANY, 5);
	check("ori", I(5, 1, 6, 2, 0x13), OP_ORI, 2, 1, ANY, 5);
	check("andi", I(5, 1, 7, 2, 0x13), OP_ANDI, 2, 1, ANY, 5);
	check("slli 63", I(63, 1, 1, 2, 0x13), OP_SLLI, 2, 1, ANY, 63);
	check("srli 33", I(33, 1, 5, 2, 0x13), OP_SRLI, 2, 1, ANY, 33);
	check("srai 63", I(0x400 | 63, 1, 5, 2, 0x13), OP_SRAI, 2, 1, ANY, 63);
	check("slli bad funct6", I(0x800 | 3, 1, 1, 2, 0x13), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("addiw", I(-1, 1, 0, 2, 0x1b), OP_ADDIW, 2, 1, ANY, -1);
	check("slliw", I(31, 1, 1, 2, 0x1b), OP_SLLIW, 2, 1, ANY, 31);
	check("slliw shamt[5] illegal", I(32, 1, 1, 2, 0x1b), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("srliw", I(3, 1, 5, 2, 0x1b), OP_SRLIW, 2, 1, ANY, 3);
	check("sraiw", I(0x400 | 3, 1, 5, 2, 0x1b), OP_SRAIW, 2, 1, ANY, 3);
	static const int r0[8] = { OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND };
	static const int rm[8] = { OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU };
	for (int i = 0; i < 8; i++) {
		check("op", R(0, 3, 2, i, 1, 0x33), r0[i], 1, 2, 3, ANY);
		check("op-m", R(1, 3, 2, i, 1, 0x33), rm[i], 1, 2, 3, ANY);
	}
	check("sub", R(0x20, 3, 2, 0, 1, 0x33), OP_SUB, 1, 2, 3, ANY);
	check("sra", R(0x20, 3, 2, 5, 1, 0x33), OP_SRA, 1, 2, 3, ANY);
	check("op funct7 0x20 f3=1 illegal", R(0x20, 3, 2, 1, 1, 0x33), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("addw", R(0, 3, 2, 0, 1, 0x3b), OP_ADDW, 1, 2, 3, ANY);
	check("subw", R(0x20, 3, 2, 0, 1, 0x3b), OP_SUBW, 1, 2, 3, ANY);
	check("sllw", R(0, 3, 2, 1, 1, 0x3b), OP_SLLW, 1, 2, 3, ANY);
	check("srlw", R(0, 3, 2, 5, 1, 0x3b), OP_SRLW, 1, 2, 3, ANY);
	check("sraw", R(0x20, 3, 2, 5, 1, 0x3b), OP_SRAW, 1, 2, 3, ANY);
	check("mulw", R(1, 3, 2, 0, 1, 0x3b), OP_MULW, 1, 2, 3, ANY);
	check("divw", R(1, 3, 2, 4, 1, 0x3b), OP_DIVW, 1, 2, 3, ANY);
	check("divuw", R(1, 3, 2, 5, 1, 0x3b), OP_DIVUW, 1, 2, 3, ANY);
	check("remw", R(1, 3, 2, 6, 1, 0x3b), OP_REMW, 1, 2, 3, ANY);
	check("remuw", R(1, 3, 2, 7, 1, 0x3b), OP_REMUW, 1, 2, 3, ANY);
	check("mulhw does not exist", R(1, 3, 2, 1, 1, 0x3b), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("fence", 0x0ff0000f, OP_FENCE, ANY, ANY, ANY, ANY);
	check("fence.i", 0x0000100f, OP_FENCE_I, ANY, ANY, ANY, ANY);
	check("ecall", 0x00000073, OP_ECALL, ANY, ANY, ANY, ANY);
	check("ebreak", 0x00100073, OP_EBREAK, ANY, ANY, ANY, ANY);
	check("mret", 0x30200073, OP_MRET, ANY, ANY, ANY, ANY);
	check("sret", 0x10200073, OP_SRET, ANY, ANY, ANY, ANY);
	check("wfi", 0x10500073, OP_WFI, ANY, ANY, ANY, ANY);
	check("sfence.vma", R(9, 6, 5, 0, 0, 0x73), OP_SFENCE_VMA, ANY, 5, 6, ANY);
	check("sfence.vma rd!=0 illegal", R(9, 6, 5, 0, 1, 0x73), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("uret illegal", 0x00200073, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("csrrw", I(0x300, 5, 1, 6, 0x73), OP_CSRRW, 6, 5, ANY, 0x300);
	check("csrrs", I(0xc00, 0, 2, 6, 0x73), OP_CSRRS, 6, 0, ANY, 0xc00);
	check("csrrc", I(0x341, 5, 3, 6, 0x73), OP_CSRRC, 6, 5, ANY, 0x341);
	check("csrrwi", I(0x340, 31, 5, 6, 0x73), OP_CSRRWI, 6, 31, ANY, 0x340);
	check("csrrsi", I(0x340, 1, 6, 6, 0x73), OP_CSRRSI, 6, 1, ANY, 0x340);
	check("csrrci", I(0x340, 1, 7, 6, 0x73), OP_CSRRCI, 6, 1, ANY, 0x340);
	check("system f3=4 illegal", I(0x340, 1, 4, 6, 0x73), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	/* A */
	check("lr.w", R(0x02 << 2, 0, 5, 2, 6, 0x2f), OP_LR_W, 6, 5, ANY, ANY);
	check("lr.d aqrl", R(0x02 << 2 | 3, 0, 5, 3, 6, 0x2f), OP_LR_D, 6, 5, ANY, ANY);
	check("lr.w rs2!=0 illegal", R(0x02 << 2, 1, 5, 2, 6, 0x2f), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("sc.d", R(0x03 << 2, 7, 5, 3, 6, 0x2f), OP_SC_D, 6, 5, 7, ANY);
	static const unsigned amo[9] = { AMO_ADD, AMO_SWAP, AMO_XOR, AMO_OR, AMO_AND,
					 AMO_MIN, AMO_MAX, AMO_MINU, AMO_MAXU };
	for (int i = 0; i < 9; i++) {
		struct insn d;
		check("amo.w", R(amo[i] << 2, 7, 5, 2, 6, 0x2f), OP_AMO_W, 6, 5, 7, ANY);
		check("amo.d", R(amo[i] << 2, 7, 5, 3, 6, 0x2f), OP_AMO_D, 6, 5, 7, ANY);
		insn_decode(&d, R(amo[i] << 2, 7, 5, 3, 6, 0x2f));
		count++;
		if (d.aux != amo[i]) {
			fails++;
			printf("not ok - amo funct5 %u\n", amo[i]);
		}
	}
	check("amo funct5 0x05 illegal", R(0x05 << 2, 7, 5, 3, 6, 0x2f), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("amo.b illegal", R(0, 7, 5, 0, 6, 0x2f), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	/* F/D */
	check("flw", I(-4, 2, 2, 1, 0x07), OP_FLW, 1, 2, ANY, -4);
	check("fld", I(8, 2, 3, 1, 0x07), OP_FLD, 1, 2, ANY, 8);
	check("flh illegal", I(8, 2, 1, 1, 0x07), OP_ILLEGAL, ANY, ANY, ANY, ANY);
	check("fsw", S(4, 3, 2, 2, 0x27), OP_FSW, ANY, 2, 3, 4);
	check("fsd", S(-16, 3, 2, 3, 0x27), OP_FSD, ANY, 2, 3, -16);
	struct { const char *n; uint32_t b; int op; int fop; int rm; } fp[] = {
		{ "fadd.s", R(0x00, 2, 1, 7, 3, 0x53), OP_FP_F, FOP_ADD_S, 7 },
		{ "fsub.d", R(0x05, 2, 1, 1, 3, 0x53), OP_FP_F, FOP_SUB_D, 1 },
		{ "fmul.d", R(0x09, 2, 1, 0, 3, 0x53), OP_FP_F, FOP_MUL_D, 0 },
		{ "fdiv.s", R(0x0c, 2, 1, 0, 3, 0x53), OP_FP_F, FOP_DIV_S, 0 },
		{ "fsqrt.d", R(0x2d, 0, 1, 0, 3, 0x53), OP_FP_F, FOP_SQRT_D, 0 },
		{ "fsgnjx.d", R(0x11, 2, 1, 2, 3, 0x53), OP_FP_F, FOP_SGNJX_D, 0 },
		{ "fmax.s", R(0x14, 2, 1, 1, 3, 0x53), OP_FP_F, FOP_MAX_S, 0 },
		{ "fcvt.s.d", R(0x20, 1, 1, 7, 3, 0x53), OP_FP_F, FOP_CVT_S_D, 7 },
		{ "fcvt.d.s", R(0x21, 0, 1, 7, 3, 0x53), OP_FP_F, FOP_CVT_D_S, 7 },
		{ "feq.d", R(0x51, 2, 1, 2, 3, 0x53), OP_FP_X, FOP_EQ_D, 0 },
		{ "flt.s", R(0x50, 2, 1, 1, 3, 0x53), OP_FP_X, FOP_LT_S, 0 },
		{ "fle.s", R(0x50, 2, 1, 0, 3, 0x53), OP_FP_X, FOP_LE_S, 0 },
		{ "fcvt.lu.d", R(0x61, 3, 1, 1, 3, 0x53), OP_FP_X, FOP_CVT_LU_D, 1 },
		{ "fcvt.w.s", R(0x60, 0, 1, 4, 3, 0x53), OP_FP_X, FOP_CVT_W_S, 4 },
		{ "fcvt.d.l", R(0x69, 2, 1, 7, 3, 0x53), OP_FP_FX, FOP_CVT_D_L, 7 },
		{ "fmv.x.d", R(0x71, 0, 1, 0, 3, 0x53), OP_FP_X, FOP_MV_X_D, 0 },
		{ "fclass.s", R(0x70, 0, 1, 1, 3, 0x53), OP_FP_X, FOP_CLASS_S, 0 },
		{ "fmv.w.x", R(0x78, 0, 1, 0, 3, 0x53), OP_FP_FX, FOP_MV_W_X, 0 },
		{ "fmadd.d", (4u << 27) | R(0x01, 2, 1, 7, 3, 0x43), OP_FP_F, FOP_MADD_D, 7 },
		{ "fnmadd.s", (4u << 27) | R(0x00, 2, 1, 0, 3, 0x4f), OP_FP_F, FOP_NMADD_S, 0 },
		{ "fmsub.s", R(0x00, 2, 1, 0, 3, 0x47), OP_FP_F, FOP_MSUB_S, 0 },
		{ "fnmsub.d", R(0x01, 2, 1, 0, 3, 0x4b), OP_FP_F, FOP_NMSUB_D, 0 },
		{ "fadd.h illegal", R(0x02, 2, 1, 0, 3, 0x53), OP_ILLEGAL, 0, 0 },
		{ "fsqrt rs2!=0 illegal", R(0x2d, 1, 1, 0, 3, 0x53), OP_ILLEGAL, 0, 0 },
		{ "fsgnj f3=3 illegal", R(0x10, 2, 1, 3, 3, 0x53), OP_ILLEGAL, 0, 0 },
		{ "fmv.x.w f3=2 illegal", R(0x70, 0, 1, 2, 3, 0x53), OP_ILLEGAL, 0, 0 },
		{ "fcvt.w.s rs2=4 illegal", R(0x60, 4, 1, 0, 3, 0x53), OP_ILLEGAL, 0, 0 },
		{ "fmadd.q illegal", R(0x03, 2, 1, 0, 3, 0x43), OP_ILLEGAL, 0, 0 },
	};
	for (size_t i = 0; i < sizeof fp / sizeof fp[0]; i++) {
		struct insn d;
		insn_decode(&d, fp[i].b);
		count++;
		bool ok = d.op == fp[i].op &&
			  (fp[i].op == OP_ILLEGAL || (d.aux == fp[i].fop && d.rm == fp[i].rm &&
						      d.rd == 3 && d.rs1 == 1));
		if (fp[i].op != OP_ILLEGAL && (fp[i].b & 0x7f) != 0x53)
			ok = ok && d.rs3 == (fp[i].b >> 27) && d.rs2 == 2;
		printf("%s - %s\n", ok ? "ok" : "not ok", fp[i].n);
		fails += !ok;
	}
	check("all-ones illegal", 0xffffffff, OP_ILLEGAL, ANY, ANY, ANY, ANY);
}

static void c(const char *name, uint16_t bits, int op, int rd, int rs1, int rs2, long long imm)
{
	struct insn d;
	insn_decode(&d, bits);
	check(name, bits, op, rd, rs1, rs2, imm);
	if (d.len != 2) {
		fails++;
		printf("not ok - %s length %u\n", name, d.len);
	}
}

static void test_compressed(void)
{
	/* quadrant 0 */
	c("c.addi4spn", 0x0040, OP_ADDI, 8, 2, ANY, 4);
	c("c.addi4spn max", 0x1ffc, OP_ADDI, 15, 2, ANY, 1020);
	c("c.fld", 0x2000 | (1 << 10) | (3 << 7) | (2 << 2), OP_FLD, 10, 11, ANY, 8);
	c("c.lw", 0x4000 | (1 << 6) | (1 << 5), OP_LW, 8, 8, ANY, 68);
	c("c.ld", 0x6000 | (7 << 10) | (3 << 5), OP_LD, 8, 8, ANY, 248);
	c("c.fsd", 0xa000 | (2 << 2), OP_FSD, ANY, 8, 10, 0);
	c("c.sw", 0xc000 | (1 << 10) | (1 << 5), OP_SW, ANY, 8, 8, 72);
	c("c.sd", 0xe000 | (3 << 5), OP_SD, ANY, 8, 8, 192);
	/* quadrant 1 */
	c("c.nop", 0x0001, OP_ADDI, 0, 0, ANY, 0);
	c("c.addi -4", 0x1671, OP_ADDI, 12, 12, ANY, -4);
	c("c.addiw", 0x2085, OP_ADDIW, 1, 1, ANY, 1);
	c("c.li -2", 0x5579, OP_ADDI, 10, 0, ANY, -2);
	c("c.li 0", 0x4401, OP_ADDI, 8, 0, ANY, 0);
	c("c.addi16sp -512", 0x7101, OP_ADDI, 2, 2, ANY, -512);
	c("c.addi16sp 496", 0x617d, OP_ADDI, 2, 2, ANY, 496);
	c("c.lui", 0x6785, OP_LUI, 15, ANY, ANY, 0x1000);
	c("c.lui neg", 0x7ffd, OP_LUI, 31, ANY, ANY, -4096);
	c("c.srli", 0x8005 | (1 << 12), OP_SRLI, 8, 8, ANY, 33);
	c("c.srai", 0x8405, OP_SRAI, 8, 8, ANY, 1);
	c("c.andi", 0x987d, OP_ANDI, 8, 8, ANY, -1);
	c("c.sub", 0x8c05, OP_SUB, 8, 8, 9, ANY);
	c("c.xor", 0x8c25, OP_XOR, 8, 8, 9, ANY);
	c("c.or", 0x8c45, OP_OR, 8, 8, 9, ANY);
	c("c.and", 0x8c65, OP_AND, 8, 8, 9, ANY);
	c("c.subw", 0x9c05, OP_SUBW, 8, 8, 9, ANY);
	c("c.addw", 0x9c25, OP_ADDW, 8, 8, 9, ANY);
	c("c.j -2", 0xbffd, OP_JAL, 0, ANY, ANY, -2);
	c("c.j +2046", 0xaffd, OP_JAL, 0, ANY, ANY, 2046);
	c("c.beqz +26", 0xcd09, OP_BEQ, ANY, 10, 0, 26);
	c("c.bnez -256", 0xf001, OP_BNE, ANY, 8, 0, -256);
	/* quadrant 2 */
	c("c.slli 48", 0x19c2, OP_SLLI, 19, 19, ANY, 48);
	c("c.fldsp", 0x2082 | (1 << 12), OP_FLD, 1, 2, ANY, 32);
	c("c.lwsp", 0x4082 | (3 << 2), OP_LW, 1, 2, ANY, 192);
	c("c.ldsp", 0x6082 | (7 << 2), OP_LD, 1, 2, ANY, 448);
	c("c.jr", 0x8082, OP_JALR, 0, 1, ANY, 0);
	c("c.mv", 0x852e, OP_ADD, 10, 0, 11, ANY);
	c("c.ebreak", 0x9002, OP_EBREAK, ANY, ANY, ANY, ANY);
	c("c.jalr", 0x9582, OP_JALR, 1, 11, ANY, 0);
	c("c.add", 0x952e, OP_ADD, 10, 10, 11, ANY);
	c("c.fsdsp", 0xa006 | (1 << 10), OP_FSD, ANY, 2, 1, 8);
	c("c.swsp", 0xc006 | (1 << 9), OP_SW, ANY, 2, 1, 4);
	c("c.sdsp", 0xe006 | (1 << 7), OP_SD, ANY, 2, 1, 64);
	/* reserved / illegal */
	c("c all-zero illegal", 0x0000, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.addi4spn nzuimm=0 illegal", 0x0004, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c quadrant0 f3=4 reserved", 0x8000, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.addiw rd=0 reserved", 0x2001, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.addi16sp 0 reserved", 0x6101, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.lui 0 reserved", 0x6081, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.subw-space reserved 1", 0x9c41, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.subw-space reserved 2", 0x9c61, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.jr x0 reserved", 0x8002, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.lwsp rd=0 reserved", 0x4002, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	c("c.ldsp rd=0 reserved", 0x6002, OP_ILLEGAL, ANY, ANY, ANY, ANY);
	/* every 16-bit pattern decodes to something sane */
	unsigned bad = 0;
	for (uint32_t b = 0; b < 0x10000; b++) {
		struct insn d;
		if ((b & 3) == 3)
			continue;
		insn_decode(&d, b);
		if (d.len != 2 || d.op >= OP__COUNT || d.rd > 31 || d.rs1 > 31 || d.rs2 > 31)
			bad++;
		/* x2-relative stack loads/stores must use sp */
		if ((b & 3) == 2 && ((b >> 13) == 2 || (b >> 13) == 3) && d.op != OP_ILLEGAL && d.rs1 != 2)
			bad++;
	}
	count++;
	printf("%s - all 16-bit encodings decode sanely\n", bad ? "not ok" : "ok");
	fails += bad != 0;
}

static void dis(uint32_t bits, uint64_t pc, const char *want)
{
	char buf[96];
	hart_disasm(bits, pc, buf, sizeof buf);
	count++;
	bool ok = !strcmp(buf, want);
	printf("%s - disasm %s\n", ok ? "ok" : "not ok", want);
	if (!ok)
		printf("#   got \"%s\"\n", buf);
	fails += !ok;
}

static void test_disasm(void)
{
	dis(0x00a00513, 0, "li a0, 10");
	dis(0x00000417, 0x80000000, "auipc s0, 0x0");
	dis(0xfe029ee3, 0x80000028, "bne t0, zero, 0x80000024");
	dis(0x0004b283, 0, "ld t0, 0(s1)");
	dis(S(-8, 10, 9, 3, 0x23), 0, "sd a0, -8(s1)");
	dis(0x8082, 0, "ret");
	dis(0x852e, 0, "mv a0, a1");
	dis(0x952e, 0, "add a0, a0, a1");
	dis(0x19c2, 0, "slli s3, s3, 48");
	dis(0x30200073, 0, "mret");
	dis(I(0x300, 5, 1, 6, 0x73), 0, "csrrw t1, 0x300, t0");
	dis(R(0x1c << 2, 7, 5, 3, 6, 0x2f), 0, "amomaxu.d t1, t2, (t0)");
	dis(R(0x01, 2, 1, 7, 3, 0x53), 0, "fadd.d ft3, ft1, ft2");
	dis(R(0x61, 3, 1, 1, 10, 0x53), 0, "fcvt.lu.d a0, ft1, rtz");
	dis(0x0000, 0, "illegal 0x0");
}

/* --classify: read hex instruction words from stdin, print "<hex> <name>"
 * or "<hex> ILLEGAL" (for tests/unit/decode_vs_objdump.sh). */
static int classify(void)
{
	char line[64];
	while (fgets(line, sizeof line, stdin)) {
		struct insn d;
		uint32_t v = (uint32_t)strtoul(line, NULL, 16);
		insn_decode(&d, v);
		printf("%x %s\n", v, d.op == OP_ILLEGAL ? "ILLEGAL" : insn_name(&d));
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--classify"))
		return classify();
	test_base();
	test_compressed();
	test_disasm();
	printf("# %d checks, %d failed\n", count, fails);
	return fails != 0;
}
