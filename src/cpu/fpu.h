/*
 * F and D arithmetic as pure functions of register values.
 *
 * The core decodes, checks mstatus.FS and resolves the rounding mode
 * (dynamic rm -> frm; reserved rm, or dynamic with a reserved frm, is an
 * illegal instruction and never reaches here). The FPU computes the
 * result bit-exactly as the RISC-V spec requires and ORs the IEEE flags it
 * raises into *fflags (NV=0x10, DZ=0x08, OF=0x04, UF=0x02, NX=0x01).
 *
 * Operands are raw register contents: for an F-register operand of a
 * single-precision op the FPU itself checks NaN-boxing (an improperly
 * boxed value reads as the canonical NaN). Results destined for an
 * F register come back already NaN-boxed (single results have the upper
 * 32 bits set); results for an X register come back sign-extended as the
 * spec says (e.g. FMV.X.W, FCVT.W.S, FEQ). Loads/stores (FLW/FSW/FLD/FSD)
 * are the core's job: FLW boxes, FSW stores the low 32 bits.
 */
#ifndef DOMUS_CPU_FPU_H
#define DOMUS_CPU_FPU_H

#include <stdint.h>

enum fpu_rm { RM_RNE = 0, RM_RTZ = 1, RM_RDN = 2, RM_RUP = 3, RM_RMM = 4, RM_DYN = 7 };

#define FFLAG_NV 0x10
#define FFLAG_DZ 0x08
#define FFLAG_OF 0x04
#define FFLAG_UF 0x02
#define FFLAG_NX 0x01

/* One entry per computational instruction; _S single, _D double.
 * Integer operands/results: W = int32, WU = uint32, L = int64, LU = uint64. */
enum fpu_op {
	FOP_ADD_S, FOP_SUB_S, FOP_MUL_S, FOP_DIV_S, FOP_SQRT_S,
	FOP_MIN_S, FOP_MAX_S,
	FOP_MADD_S, FOP_MSUB_S, FOP_NMSUB_S, FOP_NMADD_S,
	FOP_SGNJ_S, FOP_SGNJN_S, FOP_SGNJX_S,
	FOP_EQ_S, FOP_LT_S, FOP_LE_S, FOP_CLASS_S,
	FOP_CVT_W_S, FOP_CVT_WU_S, FOP_CVT_L_S, FOP_CVT_LU_S,
	FOP_CVT_S_W, FOP_CVT_S_WU, FOP_CVT_S_L, FOP_CVT_S_LU,
	FOP_MV_X_W, FOP_MV_W_X,

	FOP_ADD_D, FOP_SUB_D, FOP_MUL_D, FOP_DIV_D, FOP_SQRT_D,
	FOP_MIN_D, FOP_MAX_D,
	FOP_MADD_D, FOP_MSUB_D, FOP_NMSUB_D, FOP_NMADD_D,
	FOP_SGNJ_D, FOP_SGNJN_D, FOP_SGNJX_D,
	FOP_EQ_D, FOP_LT_D, FOP_LE_D, FOP_CLASS_D,
	FOP_CVT_W_D, FOP_CVT_WU_D, FOP_CVT_L_D, FOP_CVT_LU_D,
	FOP_CVT_D_W, FOP_CVT_D_WU, FOP_CVT_D_L, FOP_CVT_D_LU,
	FOP_MV_X_D, FOP_MV_D_X,
	FOP_CVT_S_D, FOP_CVT_D_S,
	FOP__COUNT
};

/* a, b, c: operands in instruction order (rs1, rs2, rs3); unused ones are
 * ignored. rm is a resolved static rounding mode (0..4). */
uint64_t fpu_exec(enum fpu_op op, uint64_t a, uint64_t b, uint64_t c,
		  unsigned rm, uint32_t *fflags);

/* Name of an op, for traces and tests. */
const char *fpu_op_name(enum fpu_op op);

#endif
