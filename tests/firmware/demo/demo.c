/*
 * The `npm start` demo for the test-m0 board: a tiny "console session" that shows the core
 * working — printf through semihosting, arithmetic, a SysTick interrupt as a heartbeat, and a
 * clean exit. Built with the ARMv6-M test programs' start-up code and linker script.
 */
#include <stdint.h>
#include <stdio.h>

#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define CPUID (*(volatile uint32_t *)0xE000ED00)

static volatile uint32_t ticks;

void SysTick_Handler(void) { ticks++; }

static int is_prime(uint32_t n) {
  if (n < 2) return 0;
  for (uint32_t d = 2; d * d <= n; d++)
    if (n % d == 0) return 0;
  return 1;
}

int main(void) {
  printf("circuitemu demo on test-m0 (Cortex-M0+, CPUID 0x%08lx)\n", (unsigned long)CPUID);
  SYST_RVR = 48000 - 1; /* 1 ms at 48 MHz */
  SYST_CVR = 0;
  SYST_CSR = 7;         /* enable, interrupt, core clock */
  for (int beat = 1; beat <= 5; beat++) {
    uint32_t count = 0, last = 0;
    for (uint32_t n = 0; n < 2000u * beat; n++)
      if (is_prime(n)) {
        count++;
        last = n;
      }
    printf("heartbeat %d at %lu ms: %lu primes below %d, the largest %lu\n", beat, (unsigned long)ticks,
           (unsigned long)count, 2000 * beat, (unsigned long)last);
  }
  uint64_t f = 1;
  for (int i = 1; i <= 20; i++) f *= (uint64_t)i;
  printf("20! = %llu\n", (unsigned long long)f);
  printf("%.6f is pi, more or less (%g ms of simulated time so far)\n", 355.0 / 113.0, (double)ticks);
  SYST_CSR = 0;
  puts("bye");
  return 0;
}
