/* An exception inside the exception handler (PS.EXCM = 1) is a double exception: the
   double-exception vector of crt0.S exits with status 99. */
#include "sim.h"

void __exception(struct xt_frame *f)
{
  printf("first exception: cause %u\n", (unsigned)f->exccause);
  __asm__ volatile("ill");
  printf("not reached\n");
}

int main(void)
{
  __asm__ volatile("syscall");
  printf("not reached either\n");
  return 0;
}
