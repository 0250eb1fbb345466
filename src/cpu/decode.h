/*
 * Instruction decoder: 32-bit RV64GC encodings and every RV64C encoding
 * decode to one struct insn (compressed ones expanded to their base
 * equivalent). Decoding is a pure function of the instruction bits, so the
 * hart may memoise it by bits alone, and a block cache or JIT can reuse it.
 */
#ifndef DOMUS_CPU_DECODE_H
#define DOMUS_CPU_DECODE_H

#include <stdint.h>

#include "cpu/fpu.h"

enum op {
	OP_ILLEGAL = 0,
	OP_LUI, OP_AUIPC, OP_JAL, OP_JALR,
	OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU,
	OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU,
	OP_SB, OP_SH, OP_SW, OP_SD,
	OP_ADDI, OP_SLTI, OP_SLTIU, OP_XORI, OP_ORI, OP_ANDI,
	OP_SLLI, OP_SRLI, OP_SRAI,
	OP_ADD, OP_SUB, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_SRA, OP_OR, OP_AND,
	OP_ADDIW, OP_SLLIW, OP_SRLIW, OP_SRAIW,
	OP_ADDW, OP_SUBW, OP_SLLW, OP_SRLW, OP_SRAW,
	OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU, OP_DIV, OP_DIVU, OP_REM, OP_REMU,
	OP_MULW, OP_DIVW, OP_DIVUW, OP_REMW, OP_REMUW,
	OP_FENCE, OP_FENCE_I,
	OP_ECALL, OP_EBREAK, OP_MRET, OP_SRET, OP_WFI, OP_SFENCE_VMA,
	OP_CSRRW, OP_CSRRS, OP_CSRRC, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI,
	/* A: aux = funct5 (AMO kind); aq/rl are irrelevant to us (SC). */
	OP_LR_W, OP_SC_W, OP_AMO_W, OP_LR_D, OP_SC_D, OP_AMO_D,
	OP_FLW, OP_FLD, OP_FSW, OP_FSD,
	/* F/D computational: aux = enum fpu_op, rm = raw rm field. */
	OP_FP_F,	/* fd <- f(fs1, fs2, fs3) */
	OP_FP_X,	/* xd <- f(fs1, fs2) (compares, class, cvt to int, mv.x) */
	OP_FP_FX,	/* fd <- f(xs1)  (cvt from int, mv.w.x / mv.d.x) */
	OP__COUNT
};

/* PAUSE (Zihintpause) is FENCE with pred = W, succ = 0, fm = 0,
 * rd = rs1 = 0: its imm. */
#define PAUSE_IMM 0x010

/* AMO funct5 values */
enum {
	AMO_ADD = 0x00, AMO_SWAP = 0x01, AMO_XOR = 0x04, AMO_OR = 0x08,
	AMO_AND = 0x0c, AMO_MIN = 0x10, AMO_MAX = 0x14, AMO_MINU = 0x18,
	AMO_MAXU = 0x1c,
};

struct insn {
	uint8_t op;		/* enum op */
	uint8_t rd, rs1, rs2, rs3;
	uint8_t aux;		/* AMO funct5 or enum fpu_op */
	uint8_t rm;		/* FP rounding mode field */
	uint8_t len;		/* 2 or 4 */
	int64_t imm;		/* immediate; CSR number for CSR ops */
};

/* Instruction length from its low 16 bits (2 or 4). */
static inline unsigned insn_length(uint32_t lo16)
{
	return (lo16 & 3) == 3 ? 4 : 2;
}

/* Decode bits (a 16-bit C instruction in the low half if its low two bits
 * are not 11). Unknown/reserved encodings give op OP_ILLEGAL. */
void insn_decode(struct insn *d, uint32_t bits);

/* Mnemonic of an op (for FP ops, pass the insn to get the right name). */
const char *insn_name(const struct insn *d);

#endif
