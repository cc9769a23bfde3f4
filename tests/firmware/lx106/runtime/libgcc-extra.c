/*
 * The libgcc routines Debian's xtensa-lx106 libgcc.a leaves out (the ESP8266 mask ROM provides
 * them on the chip, see esp8266-facts.md §2): 32- and 64-bit division and 64-bit multiply.
 * Written with 32-bit operations only, so the compiler cannot turn them back into calls to
 * themselves. libgcc's own __udivmoddi4 does the 64-bit division.
 */
#include <stdint.h>

uint32_t __udivsi3(uint32_t n, uint32_t d);
int32_t __divsi3(int32_t n, int32_t d);
uint32_t __umodsi3(uint32_t n, uint32_t d);
uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
uint64_t __umulsidi3(uint32_t a, uint32_t b);
uint64_t __muldi3(uint64_t a, uint64_t b);

static uint32_t udivmod32(uint32_t n, uint32_t d, uint32_t *rem)
{
  if (d == 0) {
    /* Division by zero is undefined in C; return all ones like the ROM does not trap either. */
    if (rem) *rem = n;
    return 0xffffffffu;
  }
  uint32_t q = 0, r = 0;
  int shift = __builtin_clz(d) - (n ? __builtin_clz(n) : 32);
  if (shift < 0) {
    if (rem) *rem = n;
    return 0;
  }
  uint32_t dd = d << shift;
  r = n;
  for (int i = shift; i >= 0; i--) {
    q <<= 1;
    if (r >= dd) {
      r -= dd;
      q |= 1;
    }
    dd >>= 1;
  }
  if (rem) *rem = r;
  return q;
}

uint32_t __udivsi3(uint32_t n, uint32_t d) { return udivmod32(n, d, 0); }

uint32_t __umodsi3(uint32_t n, uint32_t d)
{
  uint32_t r;
  udivmod32(n, d, &r);
  return r;
}

int32_t __divsi3(int32_t n, int32_t d)
{
  uint32_t un = n < 0 ? 0u - (uint32_t)n : (uint32_t)n;
  uint32_t ud = d < 0 ? 0u - (uint32_t)d : (uint32_t)d;
  uint32_t q = udivmod32(un, ud, 0);
  return (n < 0) != (d < 0) ? (int32_t)(0u - q) : (int32_t)q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { return __udivmoddi4(n, d, 0); }

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
  uint64_t r;
  __udivmoddi4(n, d, &r);
  return r;
}

int64_t __divdi3(int64_t n, int64_t d)
{
  uint64_t un = n < 0 ? 0ull - (uint64_t)n : (uint64_t)n;
  uint64_t ud = d < 0 ? 0ull - (uint64_t)d : (uint64_t)d;
  uint64_t q = __udivmoddi4(un, ud, 0);
  return (n < 0) != (d < 0) ? (int64_t)(0ull - q) : (int64_t)q;
}

/* 32 x 32 -> 64 from four 16 x 16 -> 32 products. */
uint64_t __umulsidi3(uint32_t a, uint32_t b)
{
  uint32_t al = a & 0xffff, ah = a >> 16, bl = b & 0xffff, bh = b >> 16;
  uint32_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
  uint32_t mid = (ll >> 16) + (lh & 0xffff) + (hl & 0xffff);
  uint32_t lo = (ll & 0xffff) | (mid << 16);
  uint32_t hi = hh + (lh >> 16) + (hl >> 16) + (mid >> 16);
  union { uint64_t v; uint32_t w[2]; } r;
  r.w[0] = lo;
  r.w[1] = hi;
  return r.v;
}

uint64_t __muldi3(uint64_t a, uint64_t b)
{
  union { uint64_t v; uint32_t w[2]; } x, y, r;
  x.v = a;
  y.v = b;
  r.v = __umulsidi3(x.w[0], y.w[0]);
  r.w[1] += x.w[0] * y.w[1] + x.w[1] * y.w[0];
  return r.v;
}
