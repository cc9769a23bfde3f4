/*
 * CPU-bound benchmark workload for `npm run bench`: ALU, loads/stores, branches and calls.
 * Linked to run from SRAM at 0x20000000 so that the identical Thumb code runs both on
 * circuitemu (test-m0) and on rp2040js's Cortex-M0+ core (RP2040 SRAM is also at 0x20000000).
 * It touches no peripheral; it ends with semihosting SYS_EXIT (BKPT 0xAB) and leaves its
 * checksum in r1 for the harness.
 */
#include <stdint.h>

#define ITERATIONS 150

static uint32_t buffer[256];
static uint8_t bytes[1024];

static uint32_t crc32(const uint8_t *p, uint32_t n) {
  uint32_t crc = 0xffffffffu;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
  }
  return ~crc;
}

static uint32_t xorshift(uint32_t *state) {
  uint32_t x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

static void insertion_sort(uint32_t *a, int n) {
  for (int i = 1; i < n; i++) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t collatz_steps(uint32_t n) {
  uint32_t steps = 0;
  while (n != 1) {
    n = (n & 1) ? 3 * n + 1 : n >> 1;
    steps++;
  }
  return steps;
}

static uint32_t matmul(void) {
  static int32_t a[8][8], b[8][8], c[8][8];
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) {
      a[i][j] = i * 3 - j;
      b[i][j] = j * 5 - i;
    }
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) {
      int32_t s = 0;
      for (int k = 0; k < 8; k++) s += a[i][k] * b[k][j];
      c[i][j] = s;
    }
  uint32_t h = 0;
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++) h = h * 31 + (uint32_t)c[i][j];
  return h;
}

uint32_t bench(void) {
  uint32_t seed = 0x12345678u, sum = 0;
  for (int it = 0; it < ITERATIONS; it++) {
    for (int i = 0; i < 1024; i++) bytes[i] = (uint8_t)xorshift(&seed);
    sum += crc32(bytes, sizeof bytes);
    for (int i = 0; i < 256; i++) buffer[i] = xorshift(&seed);
    insertion_sort(buffer, 256);
    sum += buffer[0] ^ buffer[255];
    sum += fib(18);
    for (uint32_t n = 1; n < 300; n++) sum += collatz_steps(n);
    sum += matmul();
  }
  return sum;
}

__attribute__((naked, noreturn, section(".entry"))) void _start(void) {
  __asm__ volatile(
      "ldr r0, =0x20010000\n"
      "mov sp, r0\n"
      "bl bench\n"
      "mov r1, r0\n"      /* checksum for the harness */
      "ldr r0, =0x18\n"   /* SYS_EXIT */
      "bkpt 0xab\n"
      "b .\n");
}
