/*
 * RISC-V F and D computational instructions, bit-exact (see fpu.h).
 *
 * Strategy:
 *  - NaN operands are dealt with first, in integer code: sNaN -> NV, every
 *    NaN result is the canonical NaN, single operands are unboxed.
 *  - Sign injection, moves, classify and all conversions from integers and
 *    from double to single are integer code around round_pack(), which
 *    implements the five rounding modes and the flags with tininess
 *    detected after rounding, as RISC-V specifies. Compares, min/max and
 *    conversions to integer work on exactly widened doubles.
 *  - add/sub/mul/div/sqrt/fma in RNE/RTZ/RDN/RUP run on the host (SSE,
 *    FMA3) with MXCSR set to the rounding mode; x86 also detects tininess
 *    after rounding, so its flags are used as they are.
 *  - RMM (which x86 lacks), and FMA on hosts without FMA3, go through
 *    binary128: the operation is done there truncating (products of two
 *    doubles are exact in 113 bits), the inexact flag becomes a sticky bit
 *    ("round to odd"; 113 >= 53 + 2, so no double rounding) and
 *    round_pack() performs the one real rounding.
 *
 * Every path that uses host FP first puts the host environment into the
 * default state (round to nearest, exceptions masked, no FTZ/DAZ; on x86
 * one cheap ldmxcsr) and leaves it so, possibly with flags set. Reading
 * the flags back (stmxcsr) is the expensive part, so add/sub/mul/div/sqrt/
 * fma have fast paths that work out NX without it: in RNE from the exact
 * rounding error (Fast2Sum, FMA residuals, products in double), in the
 * other host modes and for FMA by comparing the RDN and RUP results. Near
 * overflow/underflow they fall back to reading MXCSR.
 * Non-x86 hosts use <fenv.h> and long double (binary128) instead.
 */
#include "cpu/fpu.h"

#include <stdbool.h>
#include <string.h>

#if defined(__x86_64__)
#define FPU_X86 1
#else
#define FPU_X86 0
#include <fenv.h>
#include <float.h>
#endif

#if defined(__SIZEOF_FLOAT128__) && FPU_X86
typedef __float128 f128;
#elif defined(__LDBL_MANT_DIG__) && __LDBL_MANT_DIG__ == 113
typedef long double f128;
#else
#error "fpu.c needs an IEEE binary128 type"
#endif

/* Description of a binary format. */
struct fmt {
	int p;          /* precision incl. hidden bit */
	int emin, emax; /* unbiased exponent range of normal numbers */
	int sbit;       /* sign bit position */
	uint64_t inf;   /* +inf bit pattern */
	uint64_t qnan;  /* canonical NaN */
	uint64_t quiet; /* quiet bit */
};

static const struct fmt FMT_S = { 24, -126, 127, 31, 0x7f800000ull, 0x7fc00000ull,
				  0x00400000ull };
static const struct fmt FMT_D = { 53, -1022, 1023, 63, 0x7ff0000000000000ull,
				  0x7ff8000000000000ull, 0x0008000000000000ull };

#define BOX_HI 0xffffffff00000000ull

/* ---- bit-level helpers ---- */

static inline uint64_t unbox_s(uint64_t a)
{
	return (a & BOX_HI) == BOX_HI ? (uint32_t)a : FMT_S.qnan;
}

static inline uint64_t box_s(uint64_t v)
{
	return BOX_HI | (uint32_t)v;
}

static inline uint64_t sign_of(const struct fmt *f, uint64_t u)
{
	return (u >> f->sbit) & 1;
}

static inline uint64_t mag_of(const struct fmt *f, uint64_t u)
{
	return u & ((1ull << f->sbit) - 1);
}

static inline bool is_nan(const struct fmt *f, uint64_t u)
{
	return mag_of(f, u) > f->inf;
}

static inline bool is_snan(const struct fmt *f, uint64_t u)
{
	return is_nan(f, u) && !(u & f->quiet);
}

static inline bool is_inf(const struct fmt *f, uint64_t u)
{
	return mag_of(f, u) == f->inf;
}

static inline bool is_zero(const struct fmt *f, uint64_t u)
{
	return mag_of(f, u) == 0;
}

static inline double d_of(uint64_t u)
{
	double d;
	memcpy(&d, &u, sizeof(d));
	return d;
}

static inline uint64_t u_of_d(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u;
}

static inline float f_of(uint64_t u)
{
	uint32_t w = (uint32_t)u;
	float f;
	memcpy(&f, &w, sizeof(f));
	return f;
}

static inline uint64_t u_of_f(float f)
{
	uint32_t w;
	memcpy(&w, &f, sizeof(w));
	return w;
}

/* Biased exponent fields. */
static inline unsigned exp_s(float v)
{
	return (unsigned)(u_of_f(v) >> 23) & 0xff;
}

static inline unsigned exp_d(double v)
{
	return (unsigned)(u_of_d(v) >> 52) & 0x7ff;
}

/* Value of an operand widened exactly to double (operands are unboxed). */
static inline double widen(const struct fmt *f, uint64_t u)
{
	return f == &FMT_S ? (double)f_of(u) : d_of(u);
}

/* ---- rounding ---- */

static bool round_inc(unsigned rm, bool sign, uint64_t kept, uint64_t rem, uint64_t half)
{
	switch (rm) {
	case RM_RNE: return rem > half || (rem == half && (kept & 1));
	case RM_RDN: return rem && sign;
	case RM_RUP: return rem && !sign;
	case RM_RMM: return rem >= half;
	default:     return false; /* RTZ */
	}
}

/*
 * Round sign * sig * 2^(exp - 63) to format f, where bit 63 of sig is set and
 * bit 0 is sticky (ORed with everything below). Returns the bit pattern and
 * ORs OF/UF/NX into *fl.
 */
static uint64_t round_pack(const struct fmt *f, bool sign, int exp, uint64_t sig,
			   unsigned rm, uint32_t *fl)
{
	uint64_t sgn = (uint64_t)sign << f->sbit;
	int shift = 64 - f->p;
	uint64_t bits, rem, kept;

	if (exp > f->emax + 1)
		goto overflow;
	if (exp >= f->emin) {
		kept = sig >> shift;
		rem = sig & ((1ull << shift) - 1);
		if (round_inc(rm, sign, kept, rem, 1ull << (shift - 1)))
			kept++;
		bits = ((uint64_t)(exp - f->emin) << (f->p - 1)) + kept;
		if (bits >= f->inf)
			goto overflow;
		if (rem)
			*fl |= FFLAG_NX;
		return sgn | bits;
	}

	/* Below the normal range. Tiny unless rounding to p bits with an
	 * unbounded exponent carries up to 2^emin. */
	bool tiny = true;
	if (exp == f->emin - 1) {
		kept = sig >> shift;
		rem = sig & ((1ull << shift) - 1);
		if (kept == (1ull << f->p) - 1 &&
		    round_inc(rm, sign, kept, rem, 1ull << (shift - 1)))
			tiny = false;
	}
	int s = shift + (f->emin - exp);
	if (s >= 64) {
		/* nothing survives; bit 63 is the half bit only when s == 64 */
		kept = 0;
		rem = s == 64 ? sig : sig != 0;
		if (round_inc(rm, sign, kept, rem, 1ull << 63))
			kept++;
	} else {
		kept = sig >> s;
		rem = sig & ((1ull << s) - 1);
		if (round_inc(rm, sign, kept, rem, 1ull << (s - 1)))
			kept++;
	}
	if (rem)
		*fl |= tiny ? FFLAG_NX | FFLAG_UF : FFLAG_NX;
	return sgn | kept;

overflow:
	*fl |= FFLAG_OF | FFLAG_NX;
	if (rm == RM_RTZ || (rm == RM_RDN && !sign) || (rm == RM_RUP && sign))
		return sgn | (f->inf - 1);
	return sgn | f->inf;
}

/* Normalise a nonzero magnitude m * 2^e0 into round_pack's convention. */
static uint64_t pack_uint(const struct fmt *f, bool sign, uint64_t m, int e0,
			  unsigned rm, uint32_t *fl)
{
	if (!m)
		return (uint64_t)sign << f->sbit;
	int lz = __builtin_clzll(m);
	return round_pack(f, sign, e0 + 63 - lz, m << lz, rm, fl);
}

/* ---- host FP environment ---- */

#if FPU_X86
static const unsigned x86_rc[5] = { 0, 3, 1, 2, 0 }; /* RNE RTZ RDN RUP (RMM unused) */
#define MXCSR_DEFAULT 0x1f80u

static inline void env_set(unsigned rm)
{
	uint32_t v = MXCSR_DEFAULT | x86_rc[rm] << 13;
	__asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}

/* Default environment: round to nearest, flags clear, no FTZ/DAZ. */
static inline void env_reset(void)
{
	env_set(RM_RNE);
}

static inline uint32_t env_get(unsigned rm)
{
	uint32_t v, def = MXCSR_DEFAULT;
	__asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
	if (rm != RM_RNE)
		__asm__ volatile("ldmxcsr %0" : : "m"(def) : "memory");
	return (v & 0x01 ? FFLAG_NV : 0) | (v & 0x04 ? FFLAG_DZ : 0) |
	       (v & 0x08 ? FFLAG_OF : 0) | (v & 0x10 ? FFLAG_UF : 0) |
	       (v & 0x20 ? FFLAG_NX : 0);
}
#else
static inline void env_set(unsigned rm)
{
	static const int modes[5] = { FE_TONEAREST, FE_TOWARDZERO, FE_DOWNWARD, FE_UPWARD,
				      FE_TONEAREST };
	fesetround(modes[rm]);
	feclearexcept(FE_ALL_EXCEPT);
}

static inline void env_reset(void)
{
	fesetround(FE_TONEAREST);
}

static inline uint32_t env_get(unsigned rm)
{
	int e = fetestexcept(FE_ALL_EXCEPT);
	if (rm != RM_RNE)
		fesetround(FE_TONEAREST);
	return (e & FE_INVALID ? FFLAG_NV : 0) | (e & FE_DIVBYZERO ? FFLAG_DZ : 0) |
	       (e & FE_OVERFLOW ? FFLAG_OF : 0) | (e & FE_UNDERFLOW ? FFLAG_UF : 0) |
	       (e & FE_INEXACT ? FFLAG_NX : 0);
}
#endif

/* Keep the compiler from moving arithmetic across env_set/env_get: values
 * pass through an opaque volatile asm (kept in order with the MXCSR ones). */
#if FPU_X86
#define FENCE(x) __asm__ volatile("" : "+x"(x))
#else
#define FENCE(x) __asm__ volatile("" : "+m"(x))
#endif

/* ---- arithmetic ---- */

enum arith { AR_ADD, AR_SUB, AR_MUL, AR_DIV, AR_SQRT, AR_FMA };

/* Sign, exponent and sticky 64-bit significand (round_pack's convention)
 * of a finite binary128 value. */
static void f128_split(f128 v, bool *sign, int *exp, uint64_t *sig, bool *zero)
{
	unsigned __int128 u;
	memcpy(&u, &v, sizeof(u));
	*sign = (bool)(u >> 127);
	unsigned e = (unsigned)(u >> 112) & 0x7fff;
	unsigned __int128 frac = u & (((unsigned __int128)1 << 112) - 1);
	*zero = e == 0 && frac == 0;
	frac |= (unsigned __int128)1 << 112;
	*sig = (uint64_t)(frac >> 49) | ((frac & ((1ull << 49) - 1)) != 0);
	*exp = (int)e - 16383;
}

/*
 * Inputs are non-NaN. Computes the op in binary128 with truncation, turns
 * inexactness into a sticky bit and rounds once to f in mode rm.
 */
static uint64_t arith_soft(const struct fmt *f, enum arith k, double x, double y, double z,
			   unsigned rm, uint32_t *fl)
{
	f128 a = x, b = y, c = z, r;
	uint32_t e;

	env_set(RM_RTZ);
	FENCE(a);
	FENCE(b);
	FENCE(c);
	switch (k) {
	case AR_ADD: r = a + b; break;
	case AR_SUB: r = a - b; break;
	case AR_MUL: r = a * b; break;
	case AR_DIV: r = a / b; break;
	default:     r = a * b + c; break; /* FMA (sqrt never comes here): a*b is exact */
	}
	FENCE(r);
	e = env_get(RM_RTZ);
	*fl |= e & (FFLAG_NV | FFLAG_DZ);

	bool sign, zero;
	int exp;
	uint64_t sig;
	if (r != r)
		return f->qnan;
	f128_split(r, &sign, &exp, &sig, &zero);
	if (zero) {
		/* Exact zero sums are +0 except in RDN, unless both addends
		 * were zeros of the same sign (the truncated result has that). */
		bool sum = k == AR_ADD || k == AR_SUB || k == AR_FMA;
		if (sum && rm == RM_RDN) {
			double p = k == AR_FMA ? x * y : x;
			double q = k == AR_SUB ? -y : k == AR_FMA ? z : y;
			sign = !(p == 0 && q == 0 && !__builtin_signbit(p) &&
				 !__builtin_signbit(q));
		}
		return (uint64_t)sign << f->sbit;
	}
	if (exp > 16383 - 1)    /* infinity, exact */
		return ((uint64_t)sign << f->sbit) | f->inf;
	if (e & FFLAG_NX)
		sig |= 1;
	return round_pack(f, sign, exp, sig, rm, fl);
}

static uint64_t arith_host_d(enum arith k, double x, double y, double z, unsigned rm,
			     uint32_t *fl)
{
	double r;
	env_set(rm);
	FENCE(x);
	FENCE(y);
	FENCE(z);
	switch (k) {
	case AR_ADD: r = x + y; break;
	case AR_SUB: r = x - y; break;
	case AR_MUL: r = x * y; break;
	case AR_DIV: r = x / y; break;
	default:     r = __builtin_sqrt(x); break; /* FMA never comes here */
	}
	FENCE(r);
	*fl |= env_get(rm);
	return r != r ? FMT_D.qnan : u_of_d(r);
}

static uint64_t arith_host_s(enum arith k, float x, float y, float z, unsigned rm,
			     uint32_t *fl)
{
	float r;
	env_set(rm);
	FENCE(x);
	FENCE(y);
	FENCE(z);
	switch (k) {
	case AR_ADD: r = x + y; break;
	case AR_SUB: r = x - y; break;
	case AR_MUL: r = x * y; break;
	case AR_DIV: r = x / y; break;
	default:     r = __builtin_sqrtf(x); break; /* FMA never comes here */
	}
	FENCE(r);
	*fl |= env_get(rm);
	return r != r ? FMT_S.qnan : u_of_f(r);
}

#if FPU_X86
/*
 * Flags without reading MXCSR (loading it is cheap, storing it is not): the
 * result in mode rm is inexact iff the RDN and RUP results differ. An
 * inexact result with 2^(emin+1) <= |r| < 2^emax can neither overflow nor
 * be tiny, so NX is then the only flag; an exact finite result raises none.
 * Anything else (inf/NaN, possible OF/UF) returns false: general path.
 * EXPR (of x, y, z) is evaluated once per rounding mode.
 */
#define LOHI_FAST(T, EXPR, EXP, EMAXF, BITS)                                    \
	T r, lo, hi;                                                            \
	env_set(rm);                                                            \
	FENCE(x);                                                               \
	FENCE(y);                                                               \
	FENCE(z);                                                               \
	r = (EXPR);                                                             \
	FENCE(r);                                                               \
	env_set(RM_RDN);                                                        \
	FENCE(x);                                                               \
	lo = (EXPR);                                                            \
	FENCE(lo);                                                              \
	env_set(RM_RUP);                                                        \
	FENCE(x);                                                               \
	hi = (EXPR);                                                            \
	FENCE(hi);                                                              \
	env_reset();                                                            \
	unsigned e = EXP(r);                                                    \
	if (e > EMAXF)                                                          \
		return false; /* inf or NaN */                                  \
	if (lo != hi) {                                                         \
		if (e < 2 || e == EMAXF)                                        \
			return false;                                           \
		*fl |= FFLAG_NX;                                                \
	}                                                                       \
	*res = BITS(r);                                                         \
	return true

static inline double op_d(enum arith k, double x, double y)
{
	switch (k) {
	case AR_ADD: return x + y;
	case AR_SUB: return x - y;
	case AR_MUL: return x * y;
	case AR_DIV: return x / y;
	default:     return __builtin_sqrt(x);
	}
}

static inline float op_s(enum arith k, float x, float y)
{
	switch (k) {
	case AR_ADD: return x + y;
	case AR_SUB: return x - y;
	case AR_MUL: return x * y;
	case AR_DIV: return x / y;
	default:     return __builtin_sqrtf(x);
	}
}

/* Non-FMA ops in RTZ/RDN/RUP (and RNE doubles without FMA3). */
static bool lohi_d(enum arith k, double x, double y, unsigned rm, uint64_t *res, uint32_t *fl)
{
	double z = 0;
	LOHI_FAST(double, op_d(k, x, y), exp_d, 0x7feu, u_of_d);
}

static bool lohi_s(enum arith k, float x, float y, unsigned rm, uint64_t *res, uint32_t *fl)
{
	float z = 0;
	LOHI_FAST(float, op_s(k, x, y), exp_s, 0xfeu, u_of_f);
}
#endif

/* FPU_NO_HW_FMA (a test knob) forces the binary128 FMA path. */
#if defined(__x86_64__) && !defined(FPU_NO_HW_FMA)
static bool host_has_fma(void)
{
	return __builtin_cpu_supports("fma");
}

__attribute__((target("fma")))
static bool fma_fast_d(double x, double y, double z, unsigned rm, uint64_t *res, uint32_t *fl)
{
	LOHI_FAST(double, __builtin_fma(x, y, z), exp_d, 0x7feu, u_of_d);
}

__attribute__((target("fma")))
static bool fma_fast_s(float x, float y, float z, unsigned rm, uint64_t *res, uint32_t *fl)
{
	LOHI_FAST(float, __builtin_fmaf(x, y, z), exp_s, 0xfeu, u_of_f);
}

__attribute__((target("fma")))
static uint64_t fma_hw_d(double x, double y, double z, unsigned rm, uint32_t *fl)
{
	double r;
	env_set(rm);
	FENCE(x);
	FENCE(y);
	FENCE(z);
	r = __builtin_fma(x, y, z);
	FENCE(r);
	*fl |= env_get(rm);
	return r != r ? FMT_D.qnan : u_of_d(r);
}

__attribute__((target("fma")))
static uint64_t fma_hw_s(float x, float y, float z, unsigned rm, uint32_t *fl)
{
	float r;
	env_set(rm);
	FENCE(x);
	FENCE(y);
	FENCE(z);
	r = __builtin_fmaf(x, y, z);
	FENCE(r);
	*fl |= env_get(rm);
	return r != r ? FMT_S.qnan : u_of_f(r);
}
#endif

/*
 * RNE fast paths. The host result is right; what costs is reading MXCSR for
 * the flags (stmxcsr waits for the FP pipeline and is slower than the
 * operation). Inside the windows checked here nothing can overflow or be
 * tiny and the rounding error is exactly computable, so the only flag is
 * NX = (error != 0). Outside them (and for NaN/inf results) these return
 * false and the general path runs. Operands are non-NaN.
 */
static bool fast_s(enum arith k, uint64_t a, uint64_t b, uint64_t *res, uint32_t *fl)
{
	float x = f_of(a), y = f_of(b), r;
	bool nx, zero_ok;
	switch (k) {
	case AR_ADD:
	case AR_SUB: {
		if (k == AR_SUB)
			y = -y;
		if (exp_s(x) > 0xfd || exp_s(y) > 0xfd)
			return false;
		if (__builtin_fabsf(x) < __builtin_fabsf(y)) {
			float t = x;
			x = y;
			y = t;
		}
		r = x + y;
		nx = y - (r - x) != 0; /* Fast2Sum (|x| >= |y|): exact error */
		zero_ok = true;   /* zero sums are exact */
		break;
	}
	case AR_MUL: {
		double d = (double)x * (double)y; /* exact */
		r = (float)d;
		nx = (double)r != d;
		zero_ok = d == 0;
		break;
	}
	case AR_DIV:
		r = x / y;
		nx = (double)r * (double)y != (double)x; /* product exact */
		zero_ok = x == 0 && y != 0;
		break;
	case AR_SQRT:
		r = __builtin_sqrtf(x);
		nx = (double)r * (double)r != (double)x;
		zero_ok = x == 0;
		break;
	default:
		return false;
	}
	unsigned e = exp_s(r);
	if (e < 2 || e > 0xfe) {
		if (!(r == 0 && zero_ok))
			return false;
		nx = false;
	}
	*res = u_of_f(r);
	if (nx)
		*fl |= FFLAG_NX;
	return true;
}

#if defined(__x86_64__) && !defined(FPU_NO_HW_FMA)
__attribute__((target("fma")))
static bool fast_d(enum arith k, uint64_t a, uint64_t b, uint64_t *res, uint32_t *fl)
{
	double x = d_of(a), y = d_of(b), r;
	bool nx, zero_ok;
	unsigned emin_ok = 2;
	switch (k) {
	case AR_ADD:
	case AR_SUB: {
		if (k == AR_SUB)
			y = -y;
		if (exp_d(x) > 0x7fd || exp_d(y) > 0x7fd)
			return false;
		if (__builtin_fabs(x) < __builtin_fabs(y)) {
			double t = x;
			x = y;
			y = t;
		}
		r = x + y;
		nx = y - (r - x) != 0;
		zero_ok = true;
		break;
	}
	case AR_MUL:
		r = x * y;
		nx = __builtin_fma(x, y, -r) != 0; /* exact unless the product is tiny */
		zero_ok = x == 0 || y == 0;
		emin_ok = 0x40;
		break;
	case AR_DIV:
		if (exp_d(x) < 0x80)
			return false;
		r = x / y;
		nx = __builtin_fma(-r, y, x) != 0; /* exact remainder */
		zero_ok = false;
		emin_ok = 0x40;
		break;
	case AR_SQRT:
		if (x == 0) {
			*res = a;
			return true;
		}
		if (exp_d(x) < 0x80)
			return false;
		r = __builtin_sqrt(x);
		nx = __builtin_fma(-r, r, x) != 0;
		zero_ok = false;
		break;
	default:
		return false;
	}
	unsigned e = exp_d(r);
	if (e < emin_ok || e > 0x7fe) {
		if (!(r == 0 && zero_ok))
			return false;
		nx = false;
	}
	*res = u_of_d(r);
	if (nx)
		*fl |= FFLAG_NX;
	return true;
}
#endif

/*
 * One arithmetic op on unboxed operands a, b, c of format f: NaN operands,
 * then the RNE fast paths, then host (MXCSR) or binary128 evaluation.
 */
static uint64_t arith(const struct fmt *f, enum arith k, uint64_t a, uint64_t b, uint64_t c,
		      unsigned rm, uint32_t *fl)
{
	int n = k == AR_SQRT ? 1 : k == AR_FMA ? 3 : 2;
	bool nan = is_nan(f, a) || (n > 1 && is_nan(f, b)) || (n > 2 && is_nan(f, c));
	if (nan) {
		if (is_snan(f, a) || (n > 1 && is_snan(f, b)) || (n > 2 && is_snan(f, c)))
			*fl |= FFLAG_NV;
		/* inf * 0 + qNaN is invalid too */
		if (n > 2 && ((is_inf(f, a) && is_zero(f, b)) || (is_zero(f, a) && is_inf(f, b))))
			*fl |= FFLAG_NV;
		return f->qnan;
	}
	/* sqrt is never exactly halfway, so RMM equals RNE there. */
	if (k == AR_SQRT && rm == RM_RMM)
		rm = RM_RNE;
	env_reset(); /* fast paths and operand widening assume it (no DAZ) */
	bool soft = rm == RM_RMM;
	uint64_t r;
	if (k != AR_FMA && !soft) {
		bool fast_d_ok = false;
		(void)fast_d_ok;
		if (rm == RM_RNE && f == &FMT_S && fast_s(k, a, b, &r, fl))
			return r;
#if defined(__x86_64__) && !defined(FPU_NO_HW_FMA)
		fast_d_ok = host_has_fma();
		if (rm == RM_RNE && f == &FMT_D && fast_d_ok && fast_d(k, a, b, &r, fl))
			return r;
#endif
#if FPU_X86
		if ((rm != RM_RNE || (f == &FMT_D && !fast_d_ok)) &&
		    (f == &FMT_D ? lohi_d(k, d_of(a), d_of(b), rm, &r, fl)
				 : lohi_s(k, f_of(a), f_of(b), rm, &r, fl)))
			return r;
#endif
	}
#if defined(__x86_64__) && !defined(FPU_NO_HW_FMA)
	if (k == AR_FMA && !soft && host_has_fma()) {
		if (f == &FMT_D) {
			if (fma_fast_d(d_of(a), d_of(b), d_of(c), rm, &r, fl))
				return r;
			return fma_hw_d(d_of(a), d_of(b), d_of(c), rm, fl);
		}
		if (fma_fast_s(f_of(a), f_of(b), f_of(c), rm, &r, fl))
			return r;
		return fma_hw_s(f_of(a), f_of(b), f_of(c), rm, fl);
	}
#endif
	if (k == AR_FMA)
		soft = true;
	if (soft)
		return arith_soft(f, k, widen(f, a), widen(f, b), widen(f, c), rm, fl);
	if (f == &FMT_D)
		return arith_host_d(k, d_of(a), d_of(b), d_of(c), rm, fl);
	return arith_host_s(k, f_of(a), f_of(b), f_of(c), rm, fl);
}

static uint64_t fused(const struct fmt *f, enum fpu_op op, uint64_t a, uint64_t b,
		      uint64_t c, unsigned rm, uint32_t *fl)
{
	uint64_t sm = 1ull << f->sbit;
	bool neg_p = false, neg_c = false;
	switch (op) {
	case FOP_MSUB_S: case FOP_MSUB_D: neg_c = true; break;
	case FOP_NMSUB_S: case FOP_NMSUB_D: neg_p = true; break;
	case FOP_NMADD_S: case FOP_NMADD_D: neg_p = neg_c = true; break;
	default: break;
	}
	/* Negating a NaN operand changes nothing: NaNs are handled first. */
	if (neg_p && !is_nan(f, a))
		a ^= sm;
	if (neg_c && !is_nan(f, c))
		c ^= sm;
	return arith(f, AR_FMA, a, b, c, rm, fl);
}

/* ---- min/max, compare, classify ---- */

static uint64_t minmax(const struct fmt *f, uint64_t a, uint64_t b, bool max, uint32_t *fl)
{
	bool na = is_nan(f, a), nb = is_nan(f, b);
	if (is_snan(f, a) || is_snan(f, b))
		*fl |= FFLAG_NV;
	if (na && nb)
		return f->qnan;
	if (na)
		return b;
	if (nb)
		return a;
	if (is_zero(f, a) && is_zero(f, b)) {
		/* -0 < +0 */
		bool neg = max ? sign_of(f, a) && sign_of(f, b) : sign_of(f, a) || sign_of(f, b);
		return (uint64_t)neg << f->sbit;
	}
	env_reset(); /* widening must not flush subnormals (DAZ) */
	double x = widen(f, a), y = widen(f, b);
	return (max ? x > y : x < y) ? a : b;
}

enum cmp { CMP_EQ, CMP_LT, CMP_LE };

static uint64_t compare(const struct fmt *f, uint64_t a, uint64_t b, enum cmp k, uint32_t *fl)
{
	if (is_nan(f, a) || is_nan(f, b)) {
		if (k != CMP_EQ || is_snan(f, a) || is_snan(f, b))
			*fl |= FFLAG_NV;
		return 0;
	}
	env_reset();
	double x = widen(f, a), y = widen(f, b);
	switch (k) {
	case CMP_EQ: return x == y;
	case CMP_LT: return x < y;
	default:     return x <= y;
	}
}

static uint64_t classify(const struct fmt *f, uint64_t a)
{
	bool neg = sign_of(f, a);
	uint64_t m = mag_of(f, a);
	if (m > f->inf)
		return is_snan(f, a) ? 1u << 8 : 1u << 9;
	if (m == f->inf)
		return neg ? 1u << 0 : 1u << 7;
	if (m == 0)
		return neg ? 1u << 3 : 1u << 4;
	if (m < (1ull << (f->p - 1)))
		return neg ? 1u << 2 : 1u << 5;
	return neg ? 1u << 1 : 1u << 6;
}

static uint64_t sgnj(const struct fmt *f, uint64_t a, uint64_t b, int kind)
{
	uint64_t sm = 1ull << f->sbit;
	uint64_t s = kind == 0 ? b & sm : kind == 1 ? ~b & sm : (a ^ b) & sm;
	return (a & ~sm) | s;
}

/* ---- conversions ---- */

/* Round a double to an integral double in mode rm (exact arithmetic only). */
static double round_integral(double x, unsigned rm)
{
	if (!(__builtin_fabs(x) < 4503599627370496.0)) /* 2^52: already integral */
		return x;
	double t = __builtin_trunc(x);
	double fr = x - t; /* exact */
	double one = x < 0 ? -1.0 : 1.0;
	double afr = __builtin_fabs(fr);
	switch (rm) {
	case RM_RNE:
		if (afr > 0.5 || (afr == 0.5 && ((int64_t)t & 1)))
			t += one;
		break;
	case RM_RMM:
		if (afr >= 0.5)
			t += one;
		break;
	case RM_RUP:
		if (fr > 0)
			t += 1.0;
		break;
	case RM_RDN:
		if (fr < 0)
			t -= 1.0;
		break;
	default:
		break;
	}
	return t;
}

enum ity { I_W, I_WU, I_L, I_LU };

/* Float (widened to double) to integer with saturation; result as the X
 * register sees it (32-bit results sign-extended). */
static uint64_t to_int(const struct fmt *f, uint64_t a, enum ity t, unsigned rm, uint32_t *fl)
{
	static const double lo[4] = { -2147483648.0, 0.0, -9223372036854775808.0, 0.0 };
	/* exclusive upper bounds */
	static const double hi[4] = { 2147483648.0, 4294967296.0, 9223372036854775808.0,
				      18446744073709551616.0 };
	static const uint64_t satmax[4] = { 0x7fffffffull, 0xffffffffffffffffull,
					    0x7fffffffffffffffull, 0xffffffffffffffffull };
	static const uint64_t satmin[4] = { 0xffffffff80000000ull, 0, 0x8000000000000000ull, 0 };

	if (is_nan(f, a)) {
		*fl |= FFLAG_NV;
		return satmax[t];
	}
	env_reset();
	double x = widen(f, a);
	double r = round_integral(x, rm);
	if (r < lo[t]) {
		*fl |= FFLAG_NV;
		return satmin[t];
	}
	if (r >= hi[t]) {
		*fl |= FFLAG_NV;
		return satmax[t];
	}
	if (r != x)
		*fl |= FFLAG_NX;
	switch (t) {
	case I_W:  return (uint64_t)(int64_t)(int32_t)r;
	case I_WU: return (uint64_t)(int64_t)(int32_t)(uint32_t)r;
	case I_L:  return (uint64_t)(int64_t)r;
	default:   return (uint64_t)r;
	}
}

static uint64_t from_int(const struct fmt *f, uint64_t v, enum ity t, unsigned rm, uint32_t *fl)
{
	bool neg = false;
	uint64_t m;
	switch (t) {
	case I_W:
		neg = (int32_t)v < 0;
		m = neg ? -(uint64_t)(int64_t)(int32_t)v : (uint32_t)v;
		break;
	case I_WU:
		m = (uint32_t)v;
		break;
	case I_L:
		neg = (int64_t)v < 0;
		m = neg ? -v : v;
		break;
	default:
		m = v;
		break;
	}
	return pack_uint(f, neg, m, 0, rm, fl);
}

static uint64_t cvt_s_d(uint64_t a, unsigned rm, uint32_t *fl)
{
	const struct fmt *f = &FMT_D;
	bool neg = sign_of(f, a);
	uint64_t m = mag_of(f, a);
	if (is_nan(f, a)) {
		if (is_snan(f, a))
			*fl |= FFLAG_NV;
		return FMT_S.qnan;
	}
	if (m == f->inf)
		return ((uint64_t)neg << 31) | FMT_S.inf;
	int e = (int)(m >> 52);
	uint64_t frac = m & ((1ull << 52) - 1);
	if (e == 0)
		return pack_uint(&FMT_S, neg, frac, -1074, rm, fl);
	return pack_uint(&FMT_S, neg, frac | 1ull << 52, e - 1075, rm, fl);
}

static uint64_t cvt_d_s(uint64_t a, uint32_t *fl)
{
	if (is_nan(&FMT_S, a)) {
		if (is_snan(&FMT_S, a))
			*fl |= FFLAG_NV;
		return FMT_D.qnan;
	}
	env_reset();
	return u_of_d((double)f_of(a)); /* exact */
}

/* ---- dispatch ---- */

static const char *const op_names[FOP__COUNT] = {
	[FOP_ADD_S] = "fadd.s", [FOP_SUB_S] = "fsub.s", [FOP_MUL_S] = "fmul.s",
	[FOP_DIV_S] = "fdiv.s", [FOP_SQRT_S] = "fsqrt.s",
	[FOP_MIN_S] = "fmin.s", [FOP_MAX_S] = "fmax.s",
	[FOP_MADD_S] = "fmadd.s", [FOP_MSUB_S] = "fmsub.s",
	[FOP_NMSUB_S] = "fnmsub.s", [FOP_NMADD_S] = "fnmadd.s",
	[FOP_SGNJ_S] = "fsgnj.s", [FOP_SGNJN_S] = "fsgnjn.s", [FOP_SGNJX_S] = "fsgnjx.s",
	[FOP_EQ_S] = "feq.s", [FOP_LT_S] = "flt.s", [FOP_LE_S] = "fle.s",
	[FOP_CLASS_S] = "fclass.s",
	[FOP_CVT_W_S] = "fcvt.w.s", [FOP_CVT_WU_S] = "fcvt.wu.s",
	[FOP_CVT_L_S] = "fcvt.l.s", [FOP_CVT_LU_S] = "fcvt.lu.s",
	[FOP_CVT_S_W] = "fcvt.s.w", [FOP_CVT_S_WU] = "fcvt.s.wu",
	[FOP_CVT_S_L] = "fcvt.s.l", [FOP_CVT_S_LU] = "fcvt.s.lu",
	[FOP_MV_X_W] = "fmv.x.w", [FOP_MV_W_X] = "fmv.w.x",
	[FOP_ADD_D] = "fadd.d", [FOP_SUB_D] = "fsub.d", [FOP_MUL_D] = "fmul.d",
	[FOP_DIV_D] = "fdiv.d", [FOP_SQRT_D] = "fsqrt.d",
	[FOP_MIN_D] = "fmin.d", [FOP_MAX_D] = "fmax.d",
	[FOP_MADD_D] = "fmadd.d", [FOP_MSUB_D] = "fmsub.d",
	[FOP_NMSUB_D] = "fnmsub.d", [FOP_NMADD_D] = "fnmadd.d",
	[FOP_SGNJ_D] = "fsgnj.d", [FOP_SGNJN_D] = "fsgnjn.d", [FOP_SGNJX_D] = "fsgnjx.d",
	[FOP_EQ_D] = "feq.d", [FOP_LT_D] = "flt.d", [FOP_LE_D] = "fle.d",
	[FOP_CLASS_D] = "fclass.d",
	[FOP_CVT_W_D] = "fcvt.w.d", [FOP_CVT_WU_D] = "fcvt.wu.d",
	[FOP_CVT_L_D] = "fcvt.l.d", [FOP_CVT_LU_D] = "fcvt.lu.d",
	[FOP_CVT_D_W] = "fcvt.d.w", [FOP_CVT_D_WU] = "fcvt.d.wu",
	[FOP_CVT_D_L] = "fcvt.d.l", [FOP_CVT_D_LU] = "fcvt.d.lu",
	[FOP_MV_X_D] = "fmv.x.d", [FOP_MV_D_X] = "fmv.d.x",
	[FOP_CVT_S_D] = "fcvt.s.d", [FOP_CVT_D_S] = "fcvt.d.s",
};

const char *fpu_op_name(enum fpu_op op)
{
	if ((unsigned)op >= FOP__COUNT || !op_names[op])
		return "?";
	return op_names[op];
}

static uint64_t exec_s(enum fpu_op op, uint64_t ra, uint64_t rb, uint64_t rc, unsigned rm,
		       uint32_t *fl)
{
	const struct fmt *f = &FMT_S;
	uint64_t a = unbox_s(ra), b = unbox_s(rb), c = unbox_s(rc);
	switch (op) {
	case FOP_ADD_S:  return box_s(arith(f, AR_ADD, a, b, 0, rm, fl));
	case FOP_SUB_S:  return box_s(arith(f, AR_SUB, a, b, 0, rm, fl));
	case FOP_MUL_S:  return box_s(arith(f, AR_MUL, a, b, 0, rm, fl));
	case FOP_DIV_S:  return box_s(arith(f, AR_DIV, a, b, 0, rm, fl));
	case FOP_SQRT_S: return box_s(arith(f, AR_SQRT, a, 0, 0, rm, fl));
	case FOP_MIN_S:  return box_s(minmax(f, a, b, false, fl));
	case FOP_MAX_S:  return box_s(minmax(f, a, b, true, fl));
	case FOP_MADD_S: case FOP_MSUB_S: case FOP_NMSUB_S: case FOP_NMADD_S:
		return box_s(fused(f, op, a, b, c, rm, fl));
	case FOP_SGNJ_S:  return box_s(sgnj(f, a, b, 0));
	case FOP_SGNJN_S: return box_s(sgnj(f, a, b, 1));
	case FOP_SGNJX_S: return box_s(sgnj(f, a, b, 2));
	case FOP_EQ_S:    return compare(f, a, b, CMP_EQ, fl);
	case FOP_LT_S:    return compare(f, a, b, CMP_LT, fl);
	case FOP_LE_S:    return compare(f, a, b, CMP_LE, fl);
	case FOP_CLASS_S: return classify(f, a);
	case FOP_CVT_W_S:  return to_int(f, a, I_W, rm, fl);
	case FOP_CVT_WU_S: return to_int(f, a, I_WU, rm, fl);
	case FOP_CVT_L_S:  return to_int(f, a, I_L, rm, fl);
	case FOP_CVT_LU_S: return to_int(f, a, I_LU, rm, fl);
	case FOP_CVT_S_W:  return box_s(from_int(f, ra, I_W, rm, fl));
	case FOP_CVT_S_WU: return box_s(from_int(f, ra, I_WU, rm, fl));
	case FOP_CVT_S_L:  return box_s(from_int(f, ra, I_L, rm, fl));
	case FOP_CVT_S_LU: return box_s(from_int(f, ra, I_LU, rm, fl));
	case FOP_MV_X_W:   return (uint64_t)(int64_t)(int32_t)ra;
	case FOP_MV_W_X:   return box_s(ra);
	case FOP_CVT_S_D:  return box_s(cvt_s_d(ra, rm, fl));
	case FOP_CVT_D_S:  return cvt_d_s(a, fl);
	default: return 0;
	}
}

static uint64_t exec_d(enum fpu_op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
		       uint32_t *fl)
{
	const struct fmt *f = &FMT_D;
	switch (op) {
	case FOP_ADD_D:  return arith(f, AR_ADD, a, b, 0, rm, fl);
	case FOP_SUB_D:  return arith(f, AR_SUB, a, b, 0, rm, fl);
	case FOP_MUL_D:  return arith(f, AR_MUL, a, b, 0, rm, fl);
	case FOP_DIV_D:  return arith(f, AR_DIV, a, b, 0, rm, fl);
	case FOP_SQRT_D: return arith(f, AR_SQRT, a, 0, 0, rm, fl);
	case FOP_MIN_D:  return minmax(f, a, b, false, fl);
	case FOP_MAX_D:  return minmax(f, a, b, true, fl);
	case FOP_MADD_D: case FOP_MSUB_D: case FOP_NMSUB_D: case FOP_NMADD_D:
		return fused(f, op, a, b, c, rm, fl);
	case FOP_SGNJ_D:  return sgnj(f, a, b, 0);
	case FOP_SGNJN_D: return sgnj(f, a, b, 1);
	case FOP_SGNJX_D: return sgnj(f, a, b, 2);
	case FOP_EQ_D:    return compare(f, a, b, CMP_EQ, fl);
	case FOP_LT_D:    return compare(f, a, b, CMP_LT, fl);
	case FOP_LE_D:    return compare(f, a, b, CMP_LE, fl);
	case FOP_CLASS_D: return classify(f, a);
	case FOP_CVT_W_D:  return to_int(f, a, I_W, rm, fl);
	case FOP_CVT_WU_D: return to_int(f, a, I_WU, rm, fl);
	case FOP_CVT_L_D:  return to_int(f, a, I_L, rm, fl);
	case FOP_CVT_LU_D: return to_int(f, a, I_LU, rm, fl);
	case FOP_CVT_D_W:  return from_int(f, a, I_W, rm, fl);
	case FOP_CVT_D_WU: return from_int(f, a, I_WU, rm, fl);
	case FOP_CVT_D_L:  return from_int(f, a, I_L, rm, fl);
	case FOP_CVT_D_LU: return from_int(f, a, I_LU, rm, fl);
	case FOP_MV_X_D:   return a;
	case FOP_MV_D_X:   return a;
	default: return 0;
	}
}

uint64_t fpu_exec(enum fpu_op op, uint64_t a, uint64_t b, uint64_t c, unsigned rm,
		  uint32_t *fflags)
{
	uint32_t fl = 0;
	uint64_t r;
	if (rm > RM_RMM) /* the core never passes these; be safe anyway */
		rm = RM_RNE;

	if (op < FOP_ADD_D || op == FOP_CVT_S_D || op == FOP_CVT_D_S)
		r = exec_s(op, a, b, c, rm, &fl);
	else if (op < FOP__COUNT)
		r = exec_d(op, a, b, c, rm, &fl);
	else
		r = 0;
	*fflags |= fl;
	return r;
}
