/* Integer and 64-bit arithmetic: division, modulo, multiply, shifts, comparisons. */
#include "sim.h"

static volatile int32_t vs[] = {0, 1, -1, 7, -7, 100, -100, 12345, -98765, 0x7fffffff, (int32_t)0x80000000, 65536, -3};
static volatile uint32_t vu[] = {0, 1, 3, 10, 255, 65535, 0x80000000u, 0xffffffffu, 123456789u, 0xdeadbeefu};
static volatile int64_t v64[] = {0, 1, -1, 1000000007LL, -99999999999LL, 0x7fffffffffffffffLL, 0x123456789abcdefLL, -0x10000000000LL};

int main(void)
{
  uint32_t sum = 0;
  int n = sizeof vs / sizeof vs[0];
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      int32_t a = vs[i], b = vs[j];
      if (b == 0 || (a == (int32_t)0x80000000 && b == -1)) continue;
      int32_t q = a / b, r = a % b;
      sum = sum * 31 + (uint32_t)q + (uint32_t)r * 7;
      if (i == 3 || i == 4 || i == 7) printf("%d / %d = %d rem %d\n", a, b, q, r);
    }
  }
  printf("signed div checksum %08x\n", sum);
  sum = 0;
  int m = sizeof vu / sizeof vu[0];
  for (int i = 0; i < m; i++)
    for (int j = 0; j < m; j++) {
      uint32_t a = vu[i], b = vu[j];
      if (b == 0) continue;
      sum = sum * 33 + a / b + (a % b) * 3;
    }
  printf("unsigned div checksum %08x\n", sum);
  uint64_t s64 = 0;
  int k = sizeof v64 / sizeof v64[0];
  for (int i = 0; i < k; i++)
    for (int j = 0; j < k; j++) {
      int64_t a = v64[i], b = v64[j];
      s64 = s64 * 1000003 + (uint64_t)(a * b);
      if (b != 0 && !(b == -1 && a == (int64_t)0x8000000000000000LL)) {
        s64 ^= (uint64_t)(a / b) + ((uint64_t)(a % b) << 3);
        s64 += (uint64_t)a / (uint64_t)b + (uint64_t)a % (uint64_t)b;
      }
      s64 += (uint64_t)a >> (j * 7 % 64);
      s64 += (uint64_t)(a >> (i * 5 % 64));
      s64 += (uint64_t)a << (i * 3 % 64);
      s64 += a < b ? 1 : 0;
      s64 += (uint64_t)a < (uint64_t)b ? 2 : 0;
    }
  printf("64-bit checksum %016llx\n", (unsigned long long)s64);
  printf("%lld %lld %llu\n", (long long)v64[4] * 3, (long long)v64[4] / 7, (unsigned long long)v64[5] / 10);
  int32_t x = vs[8];
  printf("mul16 %d %d mull %d abs %d neg %d\n", (int16_t)x * (int16_t)vs[3], (uint16_t)x * (uint16_t)vs[7], x * vs[7],
         x < 0 ? -x : x, -x);
  printf("clz %d %d %d\n", __builtin_clz(vu[1]), __builtin_clz(vu[6]), __builtin_clz(vu[4]));
  uint32_t h = 2166136261u;
  for (uint32_t i = 0; i < 10000; i++) h = (h ^ (i & 0xff)) * 16777619u;
  printf("fnv %08x\n", h);
  return 0;
}
