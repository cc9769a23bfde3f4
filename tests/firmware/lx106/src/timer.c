/* CCOMPARE0 timer interrupt (line 6) and the software interrupt (line 7), as level-1 interrupts. */
#include "sim.h"

#define PERIOD 20000
static volatile int ticks, soft, other;
static volatile uint32_t cause4;

void __exception(struct xt_frame *f)
{
  if (f->exccause != 4) {
    printf("unexpected exception %u at %08x\n", (unsigned)f->exccause, (unsigned)f->pc);
    exit(1);
  }
  cause4++;
  uint32_t pending = RSR(interrupt) & RSR(intenable);
  if (pending & (1u << 6)) {
    ticks++;
    if (ticks < 5) WSR(ccompare0, RSR(ccount) + PERIOD); /* also clears the timer interrupt */
    else WSR(intenable, RSR(intenable) & ~(1u << 6));
  }
  if (pending & (1u << 7)) {
    soft++;
    WSR(intclear, 1u << 7);
  }
  if (!(pending & 0xc0)) other++;
}

int main(void)
{
  WSR(ccompare0, RSR(ccount) + PERIOD);
  WSR(intenable, 1u << 6);
  while (ticks < 5) __asm__ volatile("waiti 0" ::: "memory");
  printf("timer ticks=%d\n", ticks);
  uint32_t before = RSR(ccount);
  for (volatile int i = 0; i < 1000; i++) {
  }
  uint32_t after = RSR(ccount);
  printf("ccount advances: %s\n", after != before ? "yes" : "no");
  WSR(intenable, 1u << 7);
  WSR(intset, 1u << 7);
  printf("software interrupt taken=%d\n", soft);
  uint32_t old;
  __asm__ volatile("rsil %0, 1" : "=r"(old));
  WSR(intset, 1u << 7);
  int masked = soft;
  __asm__ volatile("wsr %0, ps; rsync" : : "r"(old) : "memory");
  printf("masked by rsil: %s, then taken=%d\n", masked == 1 ? "yes" : "no", soft);
  printf("level-1 interrupts=%u other=%d\n", (unsigned)cause4, other);
  return 0;
}
