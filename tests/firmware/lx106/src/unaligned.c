/* Unaligned loads and stores raise LoadStoreAlignment (9) with EXCVADDR; unmapped addresses 15. */
#include "sim.h"

static uint32_t words[4] = {0x11223344, 0x55667788, 0x99aabbcc, 0xddeeff00};
static volatile int count;
static uint32_t last_cause, last_vaddr;

void __exception(struct xt_frame *f)
{
  count++;
  last_cause = f->exccause;
  last_vaddr = f->excvaddr;
  f->pc += 3;
}

int main(void)
{
  uintptr_t base = (uintptr_t)words;
  uint32_t v = 0xdead;
  __asm__ volatile("_l32i %0, %1, 0" : "+r"(v) : "r"(base + 1) : "memory");
  printf("l32i unaligned: count=%d cause=%u vaddr=base+%u value untouched=%s\n", count, (unsigned)last_cause,
         (unsigned)(last_vaddr - base), v == 0xdead ? "yes" : "no");
  __asm__ volatile("l16ui %0, %1, 0" : "+r"(v) : "r"(base + 3) : "memory");
  printf("l16ui unaligned: count=%d cause=%u vaddr=base+%u\n", count, (unsigned)last_cause, (unsigned)(last_vaddr - base));
  __asm__ volatile("_s32i %0, %1, 0" : : "r"(v), "r"(base + 2) : "memory");
  printf("s32i unaligned: count=%d cause=%u vaddr=base+%u words[0]=%08x\n", count, (unsigned)last_cause,
         (unsigned)(last_vaddr - base), (unsigned)words[0]);
  __asm__ volatile("l16si %0, %1, 0" : "=r"(v) : "r"(base + 6) : "memory");
  printf("aligned l16si ok: count=%d value=%d\n", count, (int)v);
  __asm__ volatile("_l32i %0, %1, 0" : "+r"(v) : "r"(0x12345678) : "memory");
  printf("unmapped load: count=%d cause=%u vaddr=%08x\n", count, (unsigned)last_cause, (unsigned)last_vaddr);
  return 0;
}
