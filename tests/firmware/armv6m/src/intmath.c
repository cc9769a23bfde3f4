/*
 * intmath — 32-bit integer arithmetic: add/sub/mul, signed and unsigned
 * division and remainder (ARMv6-M has no divide instruction, so these go
 * through libgcc's __aeabi_idiv/__aeabi_uidivmod), shifts, overflow edges,
 * sign/zero extension and a few bit-twiddling builtins.
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>

/* volatile so the compiler cannot fold anything at compile time */
static volatile int32_t svals[] = {
    0, 1, -1, 2, -2, 3, -3, 7, -7, 10, -10, 255, 256, 1000, -1000,
    12345, -12345, 65535, 65536, -65536, 0x12345678, -0x12345678,
    INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 0x55555555,
    (int32_t)0xAAAAAAAAu,
};
#define NS (sizeof svals / sizeof svals[0])

static uint32_t hash;
static void mix(uint32_t v)
{
    hash ^= v;
    hash *= 16777619u;        /* FNV-1a style */
}

int main(void)
{
    printf("intmath: %u values\n", (unsigned)NS);

    /* a readable selection */
    static const int32_t pairs[][2] = {
        {7, 2}, {-7, 2}, {7, -2}, {-7, -2}, {1, 3}, {-1, 3}, {100, 7},
        {-100, 7}, {INT32_MAX, 2}, {INT32_MIN, 2}, {INT32_MIN, 3},
        {INT32_MIN, INT32_MAX}, {INT32_MAX, INT32_MIN}, {0x12345678, 0x1234},
        {-0x12345678, 10}, {1000000007, 97},
    };
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        volatile int32_t a = pairs[i][0], b = pairs[i][1];
        printf("%" PRId32 " / %" PRId32 " = %" PRId32 " rem %" PRId32 "\n",
               a, b, a / b, a % b);
        uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
        printf("  unsigned %" PRIu32 " / %" PRIu32 " = %" PRIu32 " rem %" PRIu32 "\n",
               ua, ub, ua / ub, ua % ub);
    }

    /* every pair: + - * / % for signed and unsigned, mixed into a hash */
    hash = 2166136261u;
    unsigned divs = 0;
    for (unsigned i = 0; i < NS; i++) {
        for (unsigned j = 0; j < NS; j++) {
            int32_t a = svals[i], b = svals[j];
            uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            mix(ua + ub);
            mix(ua - ub);
            mix(ua * ub);
            if (b != 0) {
                mix(ua / ub);
                mix(ua % ub);
                if (!(a == INT32_MIN && b == -1)) {
                    mix((uint32_t)(a / b));
                    mix((uint32_t)(a % b));
                    divs++;
                }
            }
            mix((uint32_t)(a < b) | (uint32_t)(ua < ub) << 1 |
                (uint32_t)(a == b) << 2);
        }
    }
    printf("pairwise hash %08" PRIx32 " (%u signed divisions)\n", hash, divs);

    /* division by constants (the compiler may use tricks or library calls) */
    {
        uint32_t sum = 0;
        for (unsigned i = 0; i < NS; i++) {
            uint32_t u = (uint32_t)svals[i];
            int32_t s = svals[i];
            sum += u / 3 + u / 10 + u % 7 + u / 1000;
            sum += (uint32_t)(s / 3) + (uint32_t)(s / 10) + (uint32_t)(s % 7);
            sum += (uint32_t)(s / 16) + (uint32_t)(s % 16);
        }
        printf("constant divisors sum %08" PRIx32 "\n", sum);
    }

    /* overflow edges, all well defined */
    {
        volatile uint32_t umax = UINT32_MAX, one = 1;
        volatile int32_t smax = INT32_MAX, smin = INT32_MIN;
        printf("UINT32_MAX+1 = %" PRIu32 "\n", umax + one);
        printf("0-1 unsigned = %" PRIu32 "\n", (uint32_t)0 - one);
        printf("INT32_MAX+1 (wrapped) = %" PRId32 "\n", (int32_t)((uint32_t)smax + one));
        printf("-INT32_MIN (wrapped) = %" PRId32 "\n", (int32_t)(0u - (uint32_t)smin));
        int32_t r;
        int ov = __builtin_add_overflow((int32_t)smax, (int32_t)1, &r);
        printf("add_overflow(INT32_MAX,1) = %d (%" PRId32 ")\n", ov, r);
        ov = __builtin_sub_overflow((int32_t)smin, (int32_t)1, &r);
        printf("sub_overflow(INT32_MIN,1) = %d (%" PRId32 ")\n", ov, r);
        ov = __builtin_mul_overflow((int32_t)65536, (int32_t)32768, &r);
        printf("mul_overflow(65536,32768) = %d (%" PRId32 ")\n", ov, r);
        ov = __builtin_mul_overflow((int32_t)46340, (int32_t)46340, &r);
        printf("mul_overflow(46340,46340) = %d (%" PRId32 ")\n", ov, r);
        uint32_t ur;
        ov = __builtin_add_overflow((uint32_t)umax, (uint32_t)one, &ur);
        printf("uadd_overflow(UINT32_MAX,1) = %d (%" PRIu32 ")\n", ov, ur);
        printf("INT32_MIN %% -1 via unsigned path = %" PRIu32 "\n",
               (uint32_t)smin % (uint32_t)-1);
    }

    /* shifts by every amount */
    {
        volatile uint32_t u = 0x80000001u;
        volatile int32_t s = -0x12345678;
        uint32_t h = 0;
        for (volatile unsigned n = 0; n < 32; n++) {
            h = h * 31 + (u << n);
            h = h * 31 + (u >> n);
            h = h * 31 + (uint32_t)(s >> n);   /* arithmetic shift (gcc) */
            h = h * 31 + ((u >> n) | (u << ((32 - n) & 31)));  /* rotate */
        }
        printf("shift hash %08" PRIx32 "\n", h);
        printf("-1 >> 31 = %" PRId32 ", 0x80000000u >> 31 = %" PRIu32 "\n",
               (int32_t)-1 >> 31, (uint32_t)0x80000000u >> 31);
    }

    /* narrowing and extension */
    {
        volatile int32_t v = 0x1234F0F0;
        printf("(int8_t)%08" PRIx32 " = %d, (uint8_t) = %u\n", (uint32_t)v,
               (int)(int8_t)v, (unsigned)(uint8_t)v);
        printf("(int16_t)%08" PRIx32 " = %d, (uint16_t) = %u\n", (uint32_t)v,
               (int)(int16_t)v, (unsigned)(uint16_t)v);
        volatile int8_t c = -128;
        volatile int16_t sh = -32768;
        printf("-(int8_t)-128 as int = %d, (int16_t)-32768 * -1 = %d\n",
               -(int)c, -(int)sh);
    }

    /* multiplication tables and bit tricks */
    {
        uint32_t prod = 1;
        for (volatile uint32_t i = 1; i <= 12; i++)
            prod *= i;
        printf("12! = %" PRIu32 ", 13! mod 2^32 = %" PRIu32 "\n", prod,
               prod * 13u);
        volatile uint32_t x = 0x00F0F000u;
        printf("clz=%d ctz=%d popcount=%d parity=%d bswap=%08" PRIx32 "\n",
               __builtin_clz(x), __builtin_ctz(x), __builtin_popcount(x),
               __builtin_parity(x), __builtin_bswap32(x));
        volatile int32_t m = -46340;
        printf("-46340 * 46341 = %" PRId32 "\n", m * 46341);
        div_t d = div(-17, 5);
        ldiv_t ld = ldiv(1000000L, -7L);
        printf("div(-17,5) = {%d, %d}, ldiv(1000000,-7) = {%ld, %ld}\n",
               d.quot, d.rem, ld.quot, ld.rem);
        printf("abs(-5)=%d labs(-70000)=%ld\n", abs(-5), labs(-70000L));
    }

    /* a small integer algorithm: gcd / primes */
    {
        unsigned primes = 0, last = 0;
        for (volatile unsigned n = 2; n < 3000; n++) {
            unsigned p = 1;
            for (unsigned d = 2; d * d <= n; d++)
                if (n % d == 0) { p = 0; break; }
            if (p) { primes++; last = n; }
        }
        printf("primes below 3000: %u (last %u)\n", primes, last);
        uint32_t a = 1071u * 1000003u, b = 462u * 1000003u;
        while (b) { uint32_t t = a % b; a = b; b = t; }
        printf("gcd = %" PRIu32 "\n", a);
    }
    return 0;
}
