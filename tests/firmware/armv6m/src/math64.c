/*
 * math64 — 64-bit integer arithmetic on a 32-bit core: add/sub with carry
 * chains, 64x64 multiply, __aeabi_ldivmod/__aeabi_uldivmod, variable shifts
 * (__aeabi_llsl/llsr/lasr), comparisons, and printf of 64-bit values.
 * Portable C: the host build must print exactly the same.
 */
#include <stdio.h>
#include <stdint.h>
#include <inttypes.h>

static volatile int64_t vals[] = {
    0, 1, -1, 2, -2, 3, 10, -10, 1000000007, -1000000007,
    INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, (int64_t)UINT32_MAX + 1,
    -(int64_t)UINT32_MAX - 1, 0x123456789ABCDEF0ll, -0x123456789ABCDEF0ll,
    INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1,
    0x5555555555555555ll, (int64_t)0xAAAAAAAAAAAAAAAAull, 1ll << 32,
    (1ll << 32) - 1, 1ll << 62, 999999999999ll,
};
#define NV (sizeof vals / sizeof vals[0])

static uint64_t hash = 14695981039346656037ull;
static void mix(uint64_t v)
{
    hash ^= v;
    hash *= 1099511628211ull;    /* FNV-1a 64 prime */
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* digit-by-digit integer square root (no division, no overflow) */
static uint64_t isqrt64(uint64_t n)
{
    uint64_t res = 0, bit = 1ull << 62;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= res + bit) {
            n -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return res;
}

int main(void)
{
    printf("math64: %u values\n", (unsigned)NV);

    static const int64_t pairs[][2] = {
        {7, 2}, {-7, 2}, {7, -2}, {INT64_MAX, 3}, {INT64_MIN, 3},
        {INT64_MIN, INT64_MAX}, {0x123456789ABCDEF0ll, 0x12345678},
        {-0x123456789ABCDEF0ll, 1000000007}, {1ll << 40, (1ll << 20) + 1},
        {999999999999ll, 1000}, {(int64_t)UINT32_MAX * 3, (int64_t)UINT32_MAX},
    };
    for (unsigned i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        volatile int64_t a = pairs[i][0], b = pairs[i][1];
        printf("%" PRId64 " / %" PRId64 " = %" PRId64 " rem %" PRId64 "\n",
               a, b, a / b, a % b);
        uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
        printf("  unsigned %" PRIu64 " / %" PRIu64 " = %" PRIu64 " rem %" PRIu64 "\n",
               ua, ub, ua / ub, ua % ub);
        printf("  product %016" PRIx64 "\n", ua * ub);
    }

    unsigned divs = 0;
    for (unsigned i = 0; i < NV; i++) {
        for (unsigned j = 0; j < NV; j++) {
            int64_t a = vals[i], b = vals[j];
            uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
            mix(ua + ub);
            mix(ua - ub);
            mix(ua * ub);
            if (b != 0) {
                mix(ua / ub);
                mix(ua % ub);
                if (!(a == INT64_MIN && b == -1)) {
                    mix((uint64_t)(a / b));
                    mix((uint64_t)(a % b));
                    divs++;
                }
            }
            mix((uint64_t)(a < b) | (uint64_t)(ua < ub) << 1 |
                (uint64_t)(a == b) << 2 | (uint64_t)(a >= b) << 3);
        }
    }
    printf("pairwise hash %016" PRIx64 " (%u signed divisions)\n", hash, divs);

    /* variable shifts 0..63 */
    {
        volatile uint64_t u = 0x8000000000000001ull;
        volatile int64_t s = -0x123456789ABCDEFll;
        uint64_t h = 0;
        for (volatile unsigned n = 0; n < 64; n++) {
            h = h * 31 + (u << n);
            h = h * 31 + (u >> n);
            h = h * 31 + (uint64_t)(s >> n);
        }
        printf("shift hash %016" PRIx64 "\n", h);
        volatile unsigned n32 = 32;
        printf("1<<32 = %" PRIu64 ", (2^63)>>32 = %" PRIx64 ", -1>>63 = %" PRId64 "\n",
               (uint64_t)1 << n32, (uint64_t)0x8000000000000000ull >> n32,
               (int64_t)-1 >> (n32 + 31));
    }

    /* 32x32->64 widening multiplies */
    {
        volatile uint32_t a = 0xFFFFFFFFu, b = 0xFFFFFFFFu;
        volatile int32_t c = INT32_MIN, d = INT32_MAX;
        printf("u32*u32 = %" PRIu64 "\n", (uint64_t)a * b);
        printf("s32*s32 = %" PRId64 "\n", (int64_t)c * d);
        printf("s32*s32 = %" PRId64 "\n", (int64_t)c * c);
    }

    /* factorials, fibonacci, powers */
    {
        uint64_t f = 1;
        for (volatile unsigned i = 1; i <= 20; i++)
            f *= i;
        printf("20! = %" PRIu64 "\n", f);
        uint64_t a = 0, b = 1;
        for (volatile unsigned i = 0; i < 90; i++) {
            uint64_t t = a + b;
            a = b;
            b = t;
        }
        printf("fib(90) = %" PRIu64 "\n", a);
        uint64_t p = 1;
        for (volatile unsigned i = 0; i < 40; i++)
            p *= 3;
        printf("3^40 = %" PRIu64 "\n", p);
        printf("isqrt(2^62) = %" PRIu64 ", isqrt(10^18) = %" PRIu64
               ", isqrt(UINT64_MAX) = %" PRIu64 "\n",
               isqrt64(1ull << 62), isqrt64(1000000000000000000ull),
               isqrt64(UINT64_MAX));
    }

    /* a PRNG stream and its checksum */
    {
        uint64_t st = 42, sum = 0, x = 0;
        for (volatile unsigned i = 0; i < 1000; i++) {
            x = splitmix64(&st);
            sum += x % 1000003;
        }
        printf("splitmix64 last %016" PRIx64 " sum %" PRIu64 "\n", x, sum);
    }

    /* printf corner cases for 64-bit */
    printf("%lld %llu %llx %llX %#llo\n", (long long)INT64_MIN,
           (unsigned long long)UINT64_MAX, 0xDEADBEEFCAFEBABEull,
           0xDEADBEEFCAFEBABEull, 0777777777777ull);
    printf("[%20lld] [%-20lld] [%+lld] [%020llu]\n", -1234567890123ll,
           1234567890123ll, 42ll, 9876543210ull);
    return 0;
}
