/* SYSCALL from user mode (PS.UM = 1) enters the user vector with EXCCAUSE 1 and EPC1 at the SYSCALL. */
#include "sim.h"

extern char syscall_site[];
static volatile int calls;
static uint32_t seen_cause, seen_vector, seen_pc, seen_a2;

void __exception(struct xt_frame *f)
{
  if (f->exccause == 1) {
    calls++;
    seen_cause = f->exccause;
    seen_vector = f->vector;
    seen_pc = f->pc;
    seen_a2 = f->a[2];
    f->a[2] = f->a[2] * 2 + 1; /* the "system call" result */
    f->pc += 3;                /* SYSCALL does not advance EPC1 */
    return;
  }
  printf("unexpected exception %u\n", (unsigned)f->exccause);
  exit(1);
}

__attribute__((noinline)) static int do_syscall(int arg)
{
  register int a2 __asm__("a2") = arg;
  __asm__ volatile(".global syscall_site\nsyscall_site: syscall" : "+r"(a2) : : "memory");
  return a2;
}

int main(void)
{
  printf("ps.um=%u\n", (unsigned)((RSR(ps) >> 5) & 1));
  int r = do_syscall(20);
  printf("syscall returned %d, calls=%d, cause=%u, vector=%s, epc1 at syscall=%s, a2 in=%u\n", r, calls,
         (unsigned)seen_cause, seen_vector ? "user" : "kernel", seen_pc == (uint32_t)syscall_site ? "yes" : "no",
         (unsigned)seen_a2);
  r = do_syscall(r);
  printf("second: %d calls=%d\n", r, calls);
  return 0;
}
