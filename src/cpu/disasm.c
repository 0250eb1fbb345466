/*
 * Disassembler for decoded instructions (used by --trace and debugging).
 * Prints the canonical form of each instruction with ABI register names;
 * a few common pseudo-instructions (li, mv, nop, j, ret) are used where
 * they are unambiguous.
 */
#include <stdio.h>

#include "cpu/cpu_internal.h"
#include "cpu/decode.h"

static const char *const xnames[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
	"a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};
static const char *const fnames[32] = {
	"ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0",
	"fa1", "fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5",
	"fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

const char *reg_name(unsigned r)
{
	return xnames[r & 31];
}

const char *freg_name(unsigned r)
{
	return fnames[r & 31];
}

static const char *rm_name(unsigned rm)
{
	static const char *const n[8] = { "rne", "rtz", "rdn", "rup", "rmm", "rm5", "rm6", "dyn" };
	return n[rm & 7];
}

/* Which register file each FP operand uses, from the op. */
static int fp_nsrc(enum fpu_op op)
{
	switch (op) {
	case FOP_MADD_S: case FOP_MSUB_S: case FOP_NMSUB_S: case FOP_NMADD_S:
	case FOP_MADD_D: case FOP_MSUB_D: case FOP_NMSUB_D: case FOP_NMADD_D:
		return 3;
	case FOP_SQRT_S: case FOP_SQRT_D: case FOP_CLASS_S: case FOP_CLASS_D:
	case FOP_CVT_W_S: case FOP_CVT_WU_S: case FOP_CVT_L_S: case FOP_CVT_LU_S:
	case FOP_CVT_S_W: case FOP_CVT_S_WU: case FOP_CVT_S_L: case FOP_CVT_S_LU:
	case FOP_MV_X_W: case FOP_MV_W_X:
	case FOP_CVT_W_D: case FOP_CVT_WU_D: case FOP_CVT_L_D: case FOP_CVT_LU_D:
	case FOP_CVT_D_W: case FOP_CVT_D_WU: case FOP_CVT_D_L: case FOP_CVT_D_LU:
	case FOP_MV_X_D: case FOP_MV_D_X: case FOP_CVT_S_D: case FOP_CVT_D_S:
		return 1;
	default:
		return 2;
	}
}

int insn_disasm(const struct insn *d, uint32_t bits, uint64_t pc, char *buf,
		unsigned len)
{
	const char *n = insn_name(d);
	const char *rd = xnames[d->rd], *r1 = xnames[d->rs1], *r2 = xnames[d->rs2];
	long long imm = d->imm;
	unsigned long long tgt = pc + d->imm;

	switch (d->op) {
	case OP_ILLEGAL:
		return snprintf(buf, len, "illegal 0x%x", d->len == 2 ? bits & 0xffff : bits);
	case OP_LUI: case OP_AUIPC:
		return snprintf(buf, len, "%s %s, 0x%llx", n, rd,
				(unsigned long long)(imm >> 12) & 0xfffff);
	case OP_JAL:
		if (d->rd == 0)
			return snprintf(buf, len, "j 0x%llx", tgt);
		return snprintf(buf, len, "jal %s, 0x%llx", rd, tgt);
	case OP_JALR:
		if (d->rd == 0 && d->rs1 == 1 && imm == 0)
			return snprintf(buf, len, "ret");
		return snprintf(buf, len, "jalr %s, %lld(%s)", rd, imm, r1);
	case OP_BEQ: case OP_BNE: case OP_BLT: case OP_BGE: case OP_BLTU: case OP_BGEU:
		return snprintf(buf, len, "%s %s, %s, 0x%llx", n, r1, r2, tgt);
	case OP_LB: case OP_LH: case OP_LW: case OP_LD: case OP_LBU: case OP_LHU: case OP_LWU:
		return snprintf(buf, len, "%s %s, %lld(%s)", n, rd, imm, r1);
	case OP_SB: case OP_SH: case OP_SW: case OP_SD:
		return snprintf(buf, len, "%s %s, %lld(%s)", n, r2, imm, r1);
	case OP_FLW: case OP_FLD:
		return snprintf(buf, len, "%s %s, %lld(%s)", n, fnames[d->rd], imm, r1);
	case OP_FSW: case OP_FSD:
		return snprintf(buf, len, "%s %s, %lld(%s)", n, fnames[d->rs2], imm, r1);
	case OP_ADDI:
		if (d->rd == 0 && d->rs1 == 0 && imm == 0)
			return snprintf(buf, len, "nop");
		if (d->rs1 == 0)
			return snprintf(buf, len, "li %s, %lld", rd, imm);
		if (imm == 0)
			return snprintf(buf, len, "mv %s, %s", rd, r1);
		/* fall through */
	case OP_SLTI: case OP_SLTIU: case OP_XORI: case OP_ORI: case OP_ANDI:
	case OP_SLLI: case OP_SRLI: case OP_SRAI: case OP_ADDIW: case OP_SLLIW:
	case OP_SRLIW: case OP_SRAIW:
		return snprintf(buf, len, "%s %s, %s, %lld", n, rd, r1, imm);
	case OP_FENCE: case OP_FENCE_I: case OP_ECALL: case OP_EBREAK: case OP_MRET:
	case OP_SRET: case OP_WFI:
		return snprintf(buf, len, "%s", n);
	case OP_SFENCE_VMA:
		return snprintf(buf, len, "%s %s, %s", n, r1, r2);
	case OP_CSRRW: case OP_CSRRS: case OP_CSRRC:
		return snprintf(buf, len, "%s %s, 0x%03llx, %s", n, rd, imm & 0xfff, r1);
	case OP_CSRRWI: case OP_CSRRSI: case OP_CSRRCI:
		return snprintf(buf, len, "%s %s, 0x%03llx, %u", n, rd, imm & 0xfff, d->rs1);
	case OP_LR_W: case OP_LR_D:
		return snprintf(buf, len, "%s %s, (%s)", n, rd, r1);
	case OP_SC_W: case OP_SC_D: case OP_AMO_W: case OP_AMO_D:
		return snprintf(buf, len, "%s %s, %s, (%s)", n, rd, r2, r1);
	case OP_FP_F: case OP_FP_X: case OP_FP_FX: {
		enum fpu_op op = (enum fpu_op)d->aux;
		const char *dst = d->op == OP_FP_X ? xnames[d->rd] : fnames[d->rd];
		const char *s1 = d->op == OP_FP_FX ? xnames[d->rs1] : fnames[d->rs1];
		int k = fp_nsrc(op);
		int w;
		if (k == 3)
			w = snprintf(buf, len, "%s %s, %s, %s, %s", n, dst, s1,
				     fnames[d->rs2], fnames[d->rs3]);
		else if (k == 2)
			w = snprintf(buf, len, "%s %s, %s, %s", n, dst, s1, fnames[d->rs2]);
		else
			w = snprintf(buf, len, "%s %s, %s", n, dst, s1);
		if (d->rm != 0 && d->rm != RM_DYN && w > 0 && (unsigned)w < len)
			w += snprintf(buf + w, len - w, ", %s", rm_name(d->rm));
		return w;
	}
	case OP_ADD:
		if (d->rs1 == 0)	/* c.mv expands to add rd, x0, rs2 */
			return snprintf(buf, len, "mv %s, %s", rd, r2);
		return snprintf(buf, len, "%s %s, %s, %s", n, rd, r1, r2);
	default:
		return snprintf(buf, len, "%s %s, %s, %s", n, rd, r1, r2);
	}
}
