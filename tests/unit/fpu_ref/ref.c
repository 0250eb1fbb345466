/*
 * Reference executor for the FPU comparison test: a static riscv64 Linux
 * program run under qemu-riscv64. Reads binary records (struct fref_in) on
 * stdin, executes the real F/D instruction with the dynamic rounding mode
 * set to rec.rm, and writes (struct fref_out): the raw destination register
 * (F registers read back with fmv.x.d, so NaN-boxing is visible) and fflags.
 */
#include <stdint.h>
#include <unistd.h>

#include "cpu/fpu.h"
#include "fref.h"

#define F3(insn)                                                                        \
	__asm__ volatile("fmv.d.x f1,%1\n\tfmv.d.x f2,%2\n\tfmv.d.x f3,%3\n\t" insn          \
			 " f0,f1,f2,f3\n\tfmv.x.d %0,f0"                                       \
			 : "=r"(r) : "r"(a), "r"(b), "r"(c) : "f0", "f1", "f2", "f3")
#define F2(insn)                                                                        \
	__asm__ volatile("fmv.d.x f1,%1\n\tfmv.d.x f2,%2\n\t" insn " f0,f1,f2\n\tfmv.x.d %0,f0" \
			 : "=r"(r) : "r"(a), "r"(b) : "f0", "f1", "f2")
#define F1(insn)                                                                        \
	__asm__ volatile("fmv.d.x f1,%1\n\t" insn " f0,f1\n\tfmv.x.d %0,f0"                  \
			 : "=r"(r) : "r"(a) : "f0", "f1")
#define X2(insn) /* F,F -> X */                                                         \
	__asm__ volatile("fmv.d.x f1,%1\n\tfmv.d.x f2,%2\n\t" insn " %0,f1,f2"               \
			 : "=r"(r) : "r"(a), "r"(b) : "f1", "f2")
#define X1(insn) /* F -> X */                                                           \
	__asm__ volatile("fmv.d.x f1,%1\n\t" insn " %0,f1" : "=r"(r) : "r"(a) : "f1")
#define FX(insn) /* X -> F */                                                           \
	__asm__ volatile(insn " f0,%1\n\tfmv.x.d %0,f0" : "=r"(r) : "r"(a) : "f0")

static uint64_t run(unsigned op, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t r = 0;
	switch (op) {
	case FOP_ADD_S: F2("fadd.s"); break;
	case FOP_SUB_S: F2("fsub.s"); break;
	case FOP_MUL_S: F2("fmul.s"); break;
	case FOP_DIV_S: F2("fdiv.s"); break;
	case FOP_SQRT_S: F1("fsqrt.s"); break;
	case FOP_MIN_S: F2("fmin.s"); break;
	case FOP_MAX_S: F2("fmax.s"); break;
	case FOP_MADD_S: F3("fmadd.s"); break;
	case FOP_MSUB_S: F3("fmsub.s"); break;
	case FOP_NMSUB_S: F3("fnmsub.s"); break;
	case FOP_NMADD_S: F3("fnmadd.s"); break;
	case FOP_SGNJ_S: F2("fsgnj.s"); break;
	case FOP_SGNJN_S: F2("fsgnjn.s"); break;
	case FOP_SGNJX_S: F2("fsgnjx.s"); break;
	case FOP_EQ_S: X2("feq.s"); break;
	case FOP_LT_S: X2("flt.s"); break;
	case FOP_LE_S: X2("fle.s"); break;
	case FOP_CLASS_S: X1("fclass.s"); break;
	case FOP_CVT_W_S: X1("fcvt.w.s"); break;
	case FOP_CVT_WU_S: X1("fcvt.wu.s"); break;
	case FOP_CVT_L_S: X1("fcvt.l.s"); break;
	case FOP_CVT_LU_S: X1("fcvt.lu.s"); break;
	case FOP_CVT_S_W: FX("fcvt.s.w"); break;
	case FOP_CVT_S_WU: FX("fcvt.s.wu"); break;
	case FOP_CVT_S_L: FX("fcvt.s.l"); break;
	case FOP_CVT_S_LU: FX("fcvt.s.lu"); break;
	case FOP_MV_X_W: X1("fmv.x.w"); break;
	case FOP_MV_W_X: FX("fmv.w.x"); break;
	case FOP_ADD_D: F2("fadd.d"); break;
	case FOP_SUB_D: F2("fsub.d"); break;
	case FOP_MUL_D: F2("fmul.d"); break;
	case FOP_DIV_D: F2("fdiv.d"); break;
	case FOP_SQRT_D: F1("fsqrt.d"); break;
	case FOP_MIN_D: F2("fmin.d"); break;
	case FOP_MAX_D: F2("fmax.d"); break;
	case FOP_MADD_D: F3("fmadd.d"); break;
	case FOP_MSUB_D: F3("fmsub.d"); break;
	case FOP_NMSUB_D: F3("fnmsub.d"); break;
	case FOP_NMADD_D: F3("fnmadd.d"); break;
	case FOP_SGNJ_D: F2("fsgnj.d"); break;
	case FOP_SGNJN_D: F2("fsgnjn.d"); break;
	case FOP_SGNJX_D: F2("fsgnjx.d"); break;
	case FOP_EQ_D: X2("feq.d"); break;
	case FOP_LT_D: X2("flt.d"); break;
	case FOP_LE_D: X2("fle.d"); break;
	case FOP_CLASS_D: X1("fclass.d"); break;
	case FOP_CVT_W_D: X1("fcvt.w.d"); break;
	case FOP_CVT_WU_D: X1("fcvt.wu.d"); break;
	case FOP_CVT_L_D: X1("fcvt.l.d"); break;
	case FOP_CVT_LU_D: X1("fcvt.lu.d"); break;
	case FOP_CVT_D_W: FX("fcvt.d.w"); break;
	case FOP_CVT_D_WU: FX("fcvt.d.wu"); break;
	case FOP_CVT_D_L: FX("fcvt.d.l"); break;
	case FOP_CVT_D_LU: FX("fcvt.d.lu"); break;
	case FOP_MV_X_D: X1("fmv.x.d"); break;
	case FOP_MV_D_X: FX("fmv.d.x"); break;
	case FOP_CVT_S_D: F1("fcvt.s.d"); break;
	case FOP_CVT_D_S: F1("fcvt.d.s"); break;
	default: break;
	}
	return r;
}

#define BATCH 4096

int main(void)
{
	static struct fref_in in[BATCH];
	static struct fref_out out[BATCH];
	for (;;) {
		size_t got = 0;
		while (got < sizeof(in)) {
			ssize_t n = read(0, (char *)in + got, sizeof(in) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		size_t cnt = got / sizeof(in[0]);
		if (!cnt)
			return 0;
		for (size_t i = 0; i < cnt; i++) {
			uint64_t rm = in[i].rm, fl;
			__asm__ volatile("fsrm %0\n\tfsflags zero" : : "r"(rm));
			out[i].result = run(in[i].op, in[i].a, in[i].b, in[i].c);
			__asm__ volatile("frflags %0" : "=r"(fl));
			out[i].fflags = (uint32_t)fl;
			out[i].pad = 0;
		}
		size_t len = cnt * sizeof(out[0]), done = 0;
		while (done < len) {
			ssize_t n = write(1, (char *)out + done, len - done);
			if (n <= 0)
				return 1;
			done += (size_t)n;
		}
		if (got < sizeof(in))
			return 0;
	}
}
