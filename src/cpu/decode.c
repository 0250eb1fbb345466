/*
 * Decoder for RV64IMAFDC + Zicsr + Zifencei (see decode.h). Reserved and
 * illegal encodings, including the reserved RV64C ones, decode to
 * OP_ILLEGAL; the hart then reports the instruction bits as tval.
 */
#include <stdbool.h>
#include <string.h>

#include "cpu/decode.h"

#define BITS(x, hi, lo) (((x) >> (lo)) & ((1u << ((hi) - (lo) + 1)) - 1))
#define BIT(x, n) (((x) >> (n)) & 1u)

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void set(struct insn *d, enum op op, unsigned rd, unsigned rs1,
		unsigned rs2, int64_t imm)
{
	d->op = op;
	d->rd = rd;
	d->rs1 = rs1;
	d->rs2 = rs2;
	d->imm = imm;
}

static void decode_fp(struct insn *d, uint32_t b)
{
	unsigned f7 = BITS(b, 31, 25), f3 = BITS(b, 14, 12), rs2 = BITS(b, 24, 20);
	unsigned dbl = f7 & 1;
	int op = -1, kind = OP_FP_F;
	unsigned rm = f3;	/* overwritten with 0 for ops without rm */

	switch (f7 >> 2) {
	case 0x00: op = dbl ? FOP_ADD_D : FOP_ADD_S; break;
	case 0x01: op = dbl ? FOP_SUB_D : FOP_SUB_S; break;
	case 0x02: op = dbl ? FOP_MUL_D : FOP_MUL_S; break;
	case 0x03: op = dbl ? FOP_DIV_D : FOP_DIV_S; break;
	case 0x0b:
		if (rs2 == 0)
			op = dbl ? FOP_SQRT_D : FOP_SQRT_S;
		break;
	case 0x04:
		rm = 0;
		if (f3 <= 2)
			op = (dbl ? FOP_SGNJ_D : FOP_SGNJ_S) + f3;
		break;
	case 0x05:
		rm = 0;
		if (f3 <= 1)
			op = (dbl ? FOP_MIN_D : FOP_MIN_S) + f3;
		break;
	case 0x08:
		if (!dbl && rs2 == 1)
			op = FOP_CVT_S_D;
		else if (dbl && rs2 == 0)
			op = FOP_CVT_D_S;
		break;
	case 0x14:
		rm = 0;
		kind = OP_FP_X;
		if (f3 == 2) op = dbl ? FOP_EQ_D : FOP_EQ_S;
		else if (f3 == 1) op = dbl ? FOP_LT_D : FOP_LT_S;
		else if (f3 == 0) op = dbl ? FOP_LE_D : FOP_LE_S;
		break;
	case 0x18:
		kind = OP_FP_X;
		if (rs2 <= 3)
			op = (dbl ? FOP_CVT_W_D : FOP_CVT_W_S) + rs2;
		break;
	case 0x1a:
		kind = OP_FP_FX;
		if (rs2 <= 3)
			op = (dbl ? FOP_CVT_D_W : FOP_CVT_S_W) + rs2;
		break;
	case 0x1c:
		rm = 0;
		kind = OP_FP_X;
		if (rs2 == 0 && f3 == 0)
			op = dbl ? FOP_MV_X_D : FOP_MV_X_W;
		else if (rs2 == 0 && f3 == 1)
			op = dbl ? FOP_CLASS_D : FOP_CLASS_S;
		break;
	case 0x1e:
		rm = 0;
		kind = OP_FP_FX;
		if (rs2 == 0 && f3 == 0)
			op = dbl ? FOP_MV_D_X : FOP_MV_W_X;
		break;
	}
	if ((f7 & 2) || op < 0)
		return;		/* fmt 2/3 (H, Q) not implemented */
	set(d, kind, BITS(b, 11, 7), BITS(b, 19, 15), rs2, 0);
	d->aux = op;
	d->rm = rm;
}

static void decode32(struct insn *d, uint32_t b)
{
	unsigned rd = BITS(b, 11, 7), rs1 = BITS(b, 19, 15), rs2 = BITS(b, 24, 20);
	unsigned f3 = BITS(b, 14, 12), f7 = BITS(b, 31, 25);
	int64_t imm_i = (int32_t)b >> 20;
	int64_t imm_s = sext(((b >> 25) << 5) | BITS(b, 11, 7), 12);
	int64_t imm_b = sext((BIT(b, 31) << 12) | (BIT(b, 7) << 11) |
			     (BITS(b, 30, 25) << 5) | (BITS(b, 11, 8) << 1), 13);
	int64_t imm_u = (int32_t)(b & 0xfffff000u);
	int64_t imm_j = sext((BIT(b, 31) << 20) | (BITS(b, 19, 12) << 12) |
			     (BIT(b, 20) << 11) | (BITS(b, 30, 21) << 1), 21);
	static const uint8_t br[8] = { OP_BEQ, OP_BNE, 0, 0, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU };
	static const uint8_t ld[8] = { OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU, 0 };
	static const uint8_t st[8] = { OP_SB, OP_SH, OP_SW, OP_SD, 0, 0, 0, 0 };
	static const uint8_t opi[8] = { OP_ADDI, 0, OP_SLTI, OP_SLTIU, OP_XORI, 0, OP_ORI, OP_ANDI };
	static const uint8_t opr0[8] = { OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND };
	static const uint8_t opm[8] = { OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU };
	static const uint8_t opmw[8] = { OP_MULW, 0, 0, 0, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW };
	static const uint8_t csr[8] = { 0, OP_CSRRW, OP_CSRRS, OP_CSRRC, 0, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI };

	switch (b & 0x7f) {
	case 0x37: set(d, OP_LUI, rd, 0, 0, imm_u); break;
	case 0x17: set(d, OP_AUIPC, rd, 0, 0, imm_u); break;
	case 0x6f: set(d, OP_JAL, rd, 0, 0, imm_j); break;
	case 0x67:
		if (f3 == 0)
			set(d, OP_JALR, rd, rs1, 0, imm_i);
		break;
	case 0x63:
		if (br[f3])
			set(d, br[f3], 0, rs1, rs2, imm_b);
		break;
	case 0x03:
		if (ld[f3])
			set(d, ld[f3], rd, rs1, 0, imm_i);
		break;
	case 0x23:
		if (st[f3])
			set(d, st[f3], 0, rs1, rs2, imm_s);
		break;
	case 0x13:
		if (opi[f3])
			set(d, opi[f3], rd, rs1, 0, imm_i);
		else if (f3 == 1 && (b >> 26) == 0)
			set(d, OP_SLLI, rd, rs1, 0, BITS(b, 25, 20));
		else if (f3 == 5 && (b >> 26) == 0)
			set(d, OP_SRLI, rd, rs1, 0, BITS(b, 25, 20));
		else if (f3 == 5 && (b >> 26) == 0x10)
			set(d, OP_SRAI, rd, rs1, 0, BITS(b, 25, 20));
		break;
	case 0x1b:
		if (f3 == 0)
			set(d, OP_ADDIW, rd, rs1, 0, imm_i);
		else if (f3 == 1 && f7 == 0)
			set(d, OP_SLLIW, rd, rs1, 0, rs2);
		else if (f3 == 5 && f7 == 0)
			set(d, OP_SRLIW, rd, rs1, 0, rs2);
		else if (f3 == 5 && f7 == 0x20)
			set(d, OP_SRAIW, rd, rs1, 0, rs2);
		break;
	case 0x33:
		if (f7 == 0)
			set(d, opr0[f3], rd, rs1, rs2, 0);
		else if (f7 == 1)
			set(d, opm[f3], rd, rs1, rs2, 0);
		else if (f7 == 0x20 && f3 == 0)
			set(d, OP_SUB, rd, rs1, rs2, 0);
		else if (f7 == 0x20 && f3 == 5)
			set(d, OP_SRA, rd, rs1, rs2, 0);
		break;
	case 0x3b:
		if (f7 == 0 && f3 == 0) set(d, OP_ADDW, rd, rs1, rs2, 0);
		else if (f7 == 0 && f3 == 1) set(d, OP_SLLW, rd, rs1, rs2, 0);
		else if (f7 == 0 && f3 == 5) set(d, OP_SRLW, rd, rs1, rs2, 0);
		else if (f7 == 0x20 && f3 == 0) set(d, OP_SUBW, rd, rs1, rs2, 0);
		else if (f7 == 0x20 && f3 == 5) set(d, OP_SRAW, rd, rs1, rs2, 0);
		else if (f7 == 1 && opmw[f3]) set(d, opmw[f3], rd, rs1, rs2, 0);
		break;
	case 0x0f:
		if (f3 == 0)
			set(d, OP_FENCE, rd, rs1, 0, imm_i);
		else if (f3 == 1)
			set(d, OP_FENCE_I, rd, rs1, 0, imm_i);
		break;
	case 0x73:
		if (f3 == 0) {
			if (b == 0x00000073) set(d, OP_ECALL, 0, 0, 0, 0);
			else if (b == 0x00100073) set(d, OP_EBREAK, 0, 0, 0, 0);
			else if (b == 0x30200073) set(d, OP_MRET, 0, 0, 0, 0);
			else if (b == 0x10200073) set(d, OP_SRET, 0, 0, 0, 0);
			else if (b == 0x10500073) set(d, OP_WFI, 0, 0, 0, 0);
			else if (f7 == 0x09 && rd == 0)
				set(d, OP_SFENCE_VMA, 0, rs1, rs2, 0);
		} else if (csr[f3]) {
			set(d, csr[f3], rd, rs1, 0, b >> 20);
		}
		break;
	case 0x2f: {
		unsigned f5 = b >> 27;
		if (f3 != 2 && f3 != 3)
			break;
		bool dw = f3 == 3;
		if (f5 == 0x02) {
			if (rs2 == 0)
				set(d, dw ? OP_LR_D : OP_LR_W, rd, rs1, 0, 0);
		} else if (f5 == 0x03) {
			set(d, dw ? OP_SC_D : OP_SC_W, rd, rs1, rs2, 0);
		} else if (f5 == AMO_ADD || f5 == AMO_SWAP || f5 == AMO_XOR ||
			   f5 == AMO_OR || f5 == AMO_AND || f5 == AMO_MIN ||
			   f5 == AMO_MAX || f5 == AMO_MINU || f5 == AMO_MAXU) {
			set(d, dw ? OP_AMO_D : OP_AMO_W, rd, rs1, rs2, 0);
			d->aux = f5;
		}
		break;
	}
	case 0x07:
		if (f3 == 2) set(d, OP_FLW, rd, rs1, 0, imm_i);
		else if (f3 == 3) set(d, OP_FLD, rd, rs1, 0, imm_i);
		break;
	case 0x27:
		if (f3 == 2) set(d, OP_FSW, 0, rs1, rs2, imm_s);
		else if (f3 == 3) set(d, OP_FSD, 0, rs1, rs2, imm_s);
		break;
	case 0x43: case 0x47: case 0x4b: case 0x4f: {
		unsigned fmt = BITS(b, 26, 25);
		static const uint8_t fs[4] = { FOP_MADD_S, FOP_MSUB_S, FOP_NMSUB_S, FOP_NMADD_S };
		static const uint8_t fd[4] = { FOP_MADD_D, FOP_MSUB_D, FOP_NMSUB_D, FOP_NMADD_D };
		unsigned k = BITS(b, 3, 2);
		if (fmt > 1)
			break;
		set(d, OP_FP_F, rd, rs1, rs2, 0);
		d->rs3 = b >> 27;
		d->aux = fmt ? fd[k] : fs[k];
		d->rm = f3;
		break;
	}
	case 0x53:
		decode_fp(d, b);
		break;
	}
}

/* Compressed register fields name x8..x15. */
#define CR(x) (8 + (x))

static void decode16(struct insn *d, uint32_t c)
{
	unsigned f3 = BITS(c, 15, 13);
	unsigned rd = BITS(c, 11, 7), rs2 = BITS(c, 6, 2);
	unsigned rdp = CR(BITS(c, 4, 2)), rs1p = CR(BITS(c, 9, 7));
	int64_t imm6 = sext((BIT(c, 12) << 5) | BITS(c, 6, 2), 6);
	unsigned uimm_d = (BITS(c, 12, 10) << 3) | (BITS(c, 6, 5) << 6);
	unsigned uimm_w = (BITS(c, 12, 10) << 3) | (BIT(c, 6) << 2) | (BIT(c, 5) << 6);
	unsigned sp_ld = (BIT(c, 12) << 5) | (BITS(c, 6, 5) << 3) | (BITS(c, 4, 2) << 6);
	unsigned sp_lw = (BIT(c, 12) << 5) | (BITS(c, 6, 4) << 2) | (BITS(c, 3, 2) << 6);
	unsigned sp_sd = (BITS(c, 12, 10) << 3) | (BITS(c, 9, 7) << 6);
	unsigned sp_sw = (BITS(c, 12, 9) << 2) | (BITS(c, 8, 7) << 6);

	switch ((c & 3) << 3 | f3) {
	/* quadrant 0 */
	case 000: {
		unsigned nz = (BITS(c, 12, 11) << 4) | (BITS(c, 10, 7) << 6) |
			      (BIT(c, 6) << 2) | (BIT(c, 5) << 3);
		if (nz)
			set(d, OP_ADDI, rdp, 2, 0, nz);
		break;
	}
	case 001: set(d, OP_FLD, rdp, rs1p, 0, uimm_d); break;
	case 002: set(d, OP_LW, rdp, rs1p, 0, uimm_w); break;
	case 003: set(d, OP_LD, rdp, rs1p, 0, uimm_d); break;
	case 005: set(d, OP_FSD, 0, rs1p, rdp, uimm_d); break;
	case 006: set(d, OP_SW, 0, rs1p, rdp, uimm_w); break;
	case 007: set(d, OP_SD, 0, rs1p, rdp, uimm_d); break;
	/* quadrant 1 */
	case 010: set(d, OP_ADDI, rd, rd, 0, imm6); break;
	case 011:
		if (rd)
			set(d, OP_ADDIW, rd, rd, 0, imm6);
		break;
	case 012: set(d, OP_ADDI, rd, 0, 0, imm6); break;
	case 013:
		if (rd == 2) {
			int64_t nz = sext((BIT(c, 12) << 9) | (BIT(c, 6) << 4) |
					  (BIT(c, 5) << 6) | (BITS(c, 4, 3) << 7) |
					  (BIT(c, 2) << 5), 10);
			if (nz)
				set(d, OP_ADDI, 2, 2, 0, nz);
		} else if (imm6) {
			set(d, OP_LUI, rd, 0, 0, (int64_t)((uint64_t)imm6 << 12));
		}
		break;
	case 014: {
		unsigned sh = (BIT(c, 12) << 5) | BITS(c, 6, 2);
		switch (BITS(c, 11, 10)) {
		case 0: set(d, OP_SRLI, rs1p, rs1p, 0, sh); break;
		case 1: set(d, OP_SRAI, rs1p, rs1p, 0, sh); break;
		case 2: set(d, OP_ANDI, rs1p, rs1p, 0, imm6); break;
		case 3: {
			static const uint8_t o[8] = { OP_SUB, OP_XOR, OP_OR, OP_AND,
						      OP_SUBW, OP_ADDW, 0, 0 };
			unsigned k = (BIT(c, 12) << 2) | BITS(c, 6, 5);
			if (o[k])
				set(d, o[k], rs1p, rs1p, rdp, 0);
			break;
		}
		}
		break;
	}
	case 015: {
		int64_t j = sext((BIT(c, 12) << 11) | (BIT(c, 11) << 4) |
				 (BITS(c, 10, 9) << 8) | (BIT(c, 8) << 10) |
				 (BIT(c, 7) << 6) | (BIT(c, 6) << 7) |
				 (BITS(c, 5, 3) << 1) | (BIT(c, 2) << 5), 12);
		set(d, OP_JAL, 0, 0, 0, j);
		break;
	}
	case 016: case 017: {
		int64_t o = sext((BIT(c, 12) << 8) | (BITS(c, 11, 10) << 3) |
				 (BITS(c, 6, 5) << 6) | (BITS(c, 4, 3) << 1) |
				 (BIT(c, 2) << 5), 9);
		set(d, f3 == 6 ? OP_BEQ : OP_BNE, 0, rs1p, 0, o);
		break;
	}
	/* quadrant 2 */
	case 020: set(d, OP_SLLI, rd, rd, 0, (BIT(c, 12) << 5) | BITS(c, 6, 2)); break;
	case 021: set(d, OP_FLD, rd, 2, 0, sp_ld); break;
	case 022:
		if (rd)
			set(d, OP_LW, rd, 2, 0, sp_lw);
		break;
	case 023:
		if (rd)
			set(d, OP_LD, rd, 2, 0, sp_ld);
		break;
	case 024:
		if (!BIT(c, 12)) {
			if (rs2 == 0) {
				if (rd)
					set(d, OP_JALR, 0, rd, 0, 0);
			} else {
				set(d, OP_ADD, rd, 0, rs2, 0);
			}
		} else {
			if (rd == 0 && rs2 == 0)
				set(d, OP_EBREAK, 0, 0, 0, 0);
			else if (rs2 == 0)
				set(d, OP_JALR, 1, rd, 0, 0);
			else
				set(d, OP_ADD, rd, rd, rs2, 0);
		}
		break;
	case 025: set(d, OP_FSD, 0, 2, rs2, sp_sd); break;
	case 026: set(d, OP_SW, 0, 2, rs2, sp_sw); break;
	case 027: set(d, OP_SD, 0, 2, rs2, sp_sd); break;
	}
}

void insn_decode(struct insn *d, uint32_t bits)
{
	memset(d, 0, sizeof *d);
	if ((bits & 3) == 3) {
		d->len = 4;
		decode32(d, bits);
	} else {
		d->len = 2;
		decode16(d, bits & 0xffff);
	}
	if (d->op == OP_ILLEGAL)
		d->rd = d->rs1 = d->rs2 = d->rs3 = 0;
}

static const char *const op_names[OP__COUNT] = {
	[OP_ILLEGAL] = "illegal",
	[OP_LUI] = "lui", [OP_AUIPC] = "auipc", [OP_JAL] = "jal", [OP_JALR] = "jalr",
	[OP_BEQ] = "beq", [OP_BNE] = "bne", [OP_BLT] = "blt", [OP_BGE] = "bge",
	[OP_BLTU] = "bltu", [OP_BGEU] = "bgeu",
	[OP_LB] = "lb", [OP_LH] = "lh", [OP_LW] = "lw", [OP_LD] = "ld",
	[OP_LBU] = "lbu", [OP_LHU] = "lhu", [OP_LWU] = "lwu",
	[OP_SB] = "sb", [OP_SH] = "sh", [OP_SW] = "sw", [OP_SD] = "sd",
	[OP_ADDI] = "addi", [OP_SLTI] = "slti", [OP_SLTIU] = "sltiu", [OP_XORI] = "xori",
	[OP_ORI] = "ori", [OP_ANDI] = "andi", [OP_SLLI] = "slli", [OP_SRLI] = "srli",
	[OP_SRAI] = "srai",
	[OP_ADD] = "add", [OP_SUB] = "sub", [OP_SLL] = "sll", [OP_SLT] = "slt",
	[OP_SLTU] = "sltu", [OP_XOR] = "xor", [OP_SRL] = "srl", [OP_SRA] = "sra",
	[OP_OR] = "or", [OP_AND] = "and",
	[OP_ADDIW] = "addiw", [OP_SLLIW] = "slliw", [OP_SRLIW] = "srliw", [OP_SRAIW] = "sraiw",
	[OP_ADDW] = "addw", [OP_SUBW] = "subw", [OP_SLLW] = "sllw", [OP_SRLW] = "srlw",
	[OP_SRAW] = "sraw",
	[OP_MUL] = "mul", [OP_MULH] = "mulh", [OP_MULHSU] = "mulhsu", [OP_MULHU] = "mulhu",
	[OP_DIV] = "div", [OP_DIVU] = "divu", [OP_REM] = "rem", [OP_REMU] = "remu",
	[OP_MULW] = "mulw", [OP_DIVW] = "divw", [OP_DIVUW] = "divuw", [OP_REMW] = "remw",
	[OP_REMUW] = "remuw",
	[OP_FENCE] = "fence", [OP_FENCE_I] = "fence.i",
	[OP_ECALL] = "ecall", [OP_EBREAK] = "ebreak", [OP_MRET] = "mret", [OP_SRET] = "sret",
	[OP_WFI] = "wfi", [OP_SFENCE_VMA] = "sfence.vma",
	[OP_CSRRW] = "csrrw", [OP_CSRRS] = "csrrs", [OP_CSRRC] = "csrrc",
	[OP_CSRRWI] = "csrrwi", [OP_CSRRSI] = "csrrsi", [OP_CSRRCI] = "csrrci",
	[OP_LR_W] = "lr.w", [OP_SC_W] = "sc.w", [OP_AMO_W] = "amo.w",
	[OP_LR_D] = "lr.d", [OP_SC_D] = "sc.d", [OP_AMO_D] = "amo.d",
	[OP_FLW] = "flw", [OP_FLD] = "fld", [OP_FSW] = "fsw", [OP_FSD] = "fsd",
	[OP_FP_F] = "fp", [OP_FP_X] = "fp", [OP_FP_FX] = "fp",
};

const char *insn_name(const struct insn *d)
{
	static const char *const amo_w[32] = {
		[AMO_ADD] = "amoadd.w", [AMO_SWAP] = "amoswap.w", [AMO_XOR] = "amoxor.w",
		[AMO_OR] = "amoor.w", [AMO_AND] = "amoand.w", [AMO_MIN] = "amomin.w",
		[AMO_MAX] = "amomax.w", [AMO_MINU] = "amominu.w", [AMO_MAXU] = "amomaxu.w",
	};
	static const char *const amo_d[32] = {
		[AMO_ADD] = "amoadd.d", [AMO_SWAP] = "amoswap.d", [AMO_XOR] = "amoxor.d",
		[AMO_OR] = "amoor.d", [AMO_AND] = "amoand.d", [AMO_MIN] = "amomin.d",
		[AMO_MAX] = "amomax.d", [AMO_MINU] = "amominu.d", [AMO_MAXU] = "amomaxu.d",
	};
	if (d->op >= OP__COUNT)
		return "?";
	if (d->op == OP_AMO_W || d->op == OP_AMO_D) {
		const char *n = (d->op == OP_AMO_W ? amo_w : amo_d)[d->aux & 31];
		return n ? n : "amo?";
	}
	if (d->op == OP_FP_F || d->op == OP_FP_X || d->op == OP_FP_FX)
		return d->aux < FOP__COUNT ? fpu_op_name((enum fpu_op)d->aux) : "fp?";
	return op_names[d->op];
}
