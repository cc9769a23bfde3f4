/* CPU-bound benchmark: bitwise CRC-32 (ALU, branches, byte loads), 16x16 matrix multiply
   (MULL, word loads/stores), recursive Fibonacci (CALL0/RET, stack traffic) and a sieve
   (byte stores). Prints one checksum; ~107 million instructions. */
#include "sim.h"

#ifndef ROUNDS
#define ROUNDS 1100
#endif

static uint8_t data[1024];
static int32_t ma[16][16], mb[16][16], mc[16][16];
static uint8_t sieve[8192];

static uint32_t crc32(const uint8_t *p, int n, uint32_t crc)
{
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
  }
  return ~crc;
}

static void matmul(void)
{
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) {
      int32_t s = 0;
      for (int k = 0; k < 16; k++) s += ma[i][k] * mb[k][j];
      mc[i][j] = s;
    }
}

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static int primes(int n)
{
  int count = 0;
  memset(sieve, 1, n);
  for (int i = 2; i < n; i++) {
    if (!sieve[i]) continue;
    count++;
    for (int j = i * 2; j < n; j += i) sieve[j] = 0;
  }
  return count;
}

int main(void)
{
  uint32_t seed = 1;
  for (int i = 0; i < 1024; i++) {
    seed = seed * 1664525u + 1013904223u;
    data[i] = (uint8_t)(seed >> 24);
  }
  for (int i = 0; i < 16; i++)
    for (int j = 0; j < 16; j++) {
      ma[i][j] = i * 3 - j;
      mb[i][j] = (i ^ j) + 1;
    }
  uint32_t sum = 0;
  for (int round = 0; round < ROUNDS; round++) {
    sum = crc32(data, 256, sum);
    ma[round & 15][(round >> 4) & 15] += (int32_t)sum & 7;
    matmul();
    sum += (uint32_t)mc[round & 15][3];
    sum += (uint32_t)fib(12 + (round & 3));
    sum ^= (uint32_t)primes(2048 + (round & 7) * 64);
  }
  printf("bench checksum %08x after %d rounds\n", sum, ROUNDS);
  return 0;
}
