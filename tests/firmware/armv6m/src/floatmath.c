/*
 * floatmath — soft-float single and double precision (libgcc's
 * __aeabi_fadd/fmul/fdiv/dadd/ddiv/..., conversions, comparisons), a few
 * libm functions, special values, and printf %f/%e/%g of doubles.
 * Results of + - * / sqrt and conversions are also printed as raw IEEE bit
 * patterns, which must be exact (round-to-nearest-even everywhere).
 * Portable C: the host build must print the same.
 */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <string.h>
#include <math.h>
#include <float.h>

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, 8);
    return u;
}

static volatile float fv[] = {
    0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 1.5f, 3.14159265f, -2.5e-3f, 1e10f,
    16777216.0f, 16777217.0f, FLT_MAX, FLT_MIN, 1e-40f /* subnormal */,
    123456.789f, -7.0f,
};
static volatile double dv[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 3.141592653589793, -2.5e-3, 1e100,
    9007199254740992.0, 9007199254740993.0, DBL_MAX, DBL_MIN, 5e-324,
    123456.789, -7.0, 2.0 / 3.0,
};
#define NF (sizeof fv / sizeof fv[0])
#define ND (sizeof dv / sizeof dv[0])

int main(void)
{
    printf("floatmath\n");

    /* exact bit patterns of basic float ops over all pairs */
    {
        uint32_t h = 0;
        for (unsigned i = 0; i < NF; i++)
            for (unsigned j = 0; j < NF; j++) {
                float a = fv[i], b = fv[j];
                h = h * 33 + fbits(a + b);
                h = h * 33 + fbits(a - b);
                h = h * 33 + fbits(a * b);
                if (b != 0.0f)
                    h = h * 33 + fbits(a / b);
                h = h * 33 + (uint32_t)((a < b) | (a == b) << 1 | (a >= b) << 2);
            }
        printf("float pair hash %08" PRIx32 "\n", h);
    }
    {
        uint64_t h = 0;
        for (unsigned i = 0; i < ND; i++)
            for (unsigned j = 0; j < ND; j++) {
                double a = dv[i], b = dv[j];
                h = h * 33 + dbits(a + b);
                h = h * 33 + dbits(a - b);
                h = h * 33 + dbits(a * b);
                if (b != 0.0)
                    h = h * 33 + dbits(a / b);
                h = h * 33 + (uint64_t)((a < b) | (a == b) << 1 | (a >= b) << 2);
            }
        printf("double pair hash %016" PRIx64 "\n", h);
    }

    /* individual results, readable */
    {
        volatile float a = 1.0f, b = 3.0f;
        float q = a / b;
        printf("1f/3f = %.9g (%08" PRIx32 ")\n", (double)q, fbits(q));
        volatile double c = 1.0, d = 3.0;
        double r = c / d;
        printf("1/3 = %.17g (%016" PRIx64 ")\n", r, dbits(r));
        volatile double x = 0.1, y = 0.2;
        printf("0.1+0.2 = %.17g, == 0.3: %d\n", x + y, x + y == 0.3);
        volatile float big = 16777216.0f;
        printf("16777216f + 1 = %.1f\n", (double)(big + 1.0f));
        printf("sqrt(2) = %.17g (%016" PRIx64 ")\n", sqrt(d - 1.0),
               dbits(sqrt(d - 1.0)));
        printf("sqrtf(2) = %.9g (%08" PRIx32 ")\n", (double)sqrtf(b - 1.0f),
               fbits(sqrtf(b - 1.0f)));
    }

    /* conversions */
    {
        static volatile double cv[] = {
            0.5, 1.5, 2.5, -0.5, -1.5, 2147483647.0, -2147483648.0,
            4294967295.0, 1e15, -1e15, 123.999, -123.999,
        };
        for (unsigned i = 0; i < sizeof cv / sizeof cv[0]; i++) {
            double v = cv[i];
            printf("%.3f -> int64 %" PRId64 ", float %.9g, llround %lld, "
                   "rint %.1f, floor %.1f, ceil %.1f, trunc %.1f\n",
                   v, (int64_t)v, (double)(float)v, llround(v), rint(v),
                   floor(v), ceil(v), trunc(v));
        }
        volatile int32_t i32 = 16777217;
        volatile uint32_t u32 = 0xFFFFFFFFu;
        volatile int64_t i64 = 9007199254740993ll;
        volatile uint64_t u64 = 0xFFFFFFFFFFFFFFFFull;
        printf("(float)16777217 = %.1f\n", (double)(float)i32);
        printf("(float)0xffffffffu = %.1f, (double) = %.1f\n",
               (double)(float)u32, (double)u32);
        printf("(double)9007199254740993 = %.1f\n", (double)i64);
        printf("(double)UINT64_MAX = %.1f, (float) = %.1f\n", (double)u64,
               (double)(float)u64);
        volatile double big = 3e9;
        printf("(uint32_t)3e9 = %" PRIu32 ", (int64_t)-3e9 = %" PRId64 "\n",
               (uint32_t)big, (int64_t)-big);
        volatile double dd = 1.0000001192092896;   /* 1 + 2^-23 */
        printf("(float)(1+2^-23) = %08" PRIx32 ", (float)(1+2^-24) = %08" PRIx32
               ", (float)(1+3*2^-25) = %08" PRIx32 "\n",
               fbits((float)dd), fbits((float)(1.0 + 0x1p-24)),
               fbits((float)(1.0 + 3 * 0x1p-25)));
    }

    /* special values */
    {
        volatile double zero = 0.0, one = 1.0, huge = 1e308;
        double inf = one / zero, ninf = -one / zero, nan_ = zero / zero;
        printf("1/0 = %f, -1/0 = %f, isnan(0/0) = %d, isinf = %d\n", inf, ninf,
               isnan(nan_), isinf(inf));
        printf("1e308*10 = %e, nan==nan: %d, nan!=nan: %d, nan<1: %d\n",
               huge * 10.0, nan_ == nan_, nan_ != nan_, nan_ < one);
        printf("-0.0 = %g, signbit = %d, 0.0 == -0.0: %d\n", -zero,
               signbit(-zero) != 0, zero == -zero);
        printf("DBL_MIN/2 = %g (subnormal: %d), 5e-324/2 = %g\n", DBL_MIN / 2,
               fpclassify(DBL_MIN / 2) == FP_SUBNORMAL, 5e-324 / (one + one));
        printf("FLT_MAX = %e, FLT_EPSILON = %e, DBL_EPSILON = %e\n",
               (double)FLT_MAX, (double)FLT_EPSILON, DBL_EPSILON);
    }

    /* libm (printed with modest precision) */
    {
        volatile double a = 0.5, b = 2.0, c = 10.0;
        printf("sin(0.5)=%.10f cos(0.5)=%.10f tan(0.5)=%.10f\n", sin(a), cos(a),
               tan(a));
        printf("exp(2)=%.10f log(10)=%.10f log10(2)=%.10f pow(2,10)=%.1f\n",
               exp(b), log(c), log10(b), pow(b, c));
        printf("atan2(1,2)=%.10f fmod(10,3)=%.1f hypot(3,4)=%.1f cbrt(27)=%.6f\n",
               atan2(1.0, b), fmod(c, 3.0), hypot(3.0, 4.0), cbrt(27.0));
        printf("sinf(0.5)=%.6f expf(2)=%.5f\n", (double)sinf((float)a),
               (double)expf((float)b));
        int e;
        double m = frexp(1000.0, &e);
        printf("frexp(1000) = %g * 2^%d, ldexp(1,-3) = %g, modf(3.75) int=",
               m, e, ldexp(1.0, -3));
        double ip;
        double fp = modf(3.75, &ip);
        printf("%g frac=%g\n", ip, fp);
    }

    /* numerical loops */
    {
        double s = 0.0;
        for (volatile int k = 1; k <= 1000; k++)
            s += 1.0 / ((double)k * k);
        printf("sum 1/k^2 (1000 terms) = %.15f\n", s);
        float fs = 0.0f;
        for (volatile int k = 0; k < 1000; k++)
            fs += 0.1f;
        printf("1000 * 0.1f summed = %.7f (%08" PRIx32 ")\n", (double)fs,
               fbits(fs));
        double pi = 0.0;
        for (volatile int k = 0; k < 2000; k++)
            pi += (k % 2 ? -4.0 : 4.0) / (2 * k + 1);
        printf("leibniz pi (2000 terms) = %.12f\n", pi);
    }

    /* printf formatting of doubles */
    {
        static const double pv[] = {0.0, 1.0, -1.5, 3.14159265358979, 1234567.891,
                                    1e-5, 123456789012.0, 0.000123456, 1e21, 2.5,
                                    0.125};
        for (unsigned i = 0; i < sizeof pv / sizeof pv[0]; i++) {
            double v = pv[i];
            printf("[%f] [%.2f] [%10.3f] [%-10.1f] [%e] [%.3E] [%g] [%.10g] [%G] [%+.0f] [%#.0f]\n",
                   v, v, v, v, v, v, v, v, v, v, v);
        }
        printf("[%.0f] [%.0f] [%.0f] [%.0f] [%.1f] [%.2f]\n", 0.5, 1.5, 2.5, 3.5,
               0.05, 0.125);
        printf("[%08.3f] [% f] [%+e] [%.20f]\n", -3.14159, 2.0, 12345.678, 0.1);
    }
    return 0;
}
