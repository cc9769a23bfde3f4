/* ILL, ILL.N and instructions the LX106 lacks (QUOS, MIN, ENTRY, SEXT) raise IllegalInstruction. */
#include "sim.h"

static volatile int count;
static uint32_t causes[8];

void __exception(struct xt_frame *f)
{
  causes[count++ & 7] = f->exccause;
  uint8_t op0 = *(volatile uint8_t *)f->pc & 15;
  f->pc += op0 >= 8 ? 2 : 3;
}

int main(void)
{
  __asm__ volatile("ill");
  printf("ill: count=%d cause=%u\n", count, (unsigned)causes[0]);
  __asm__ volatile("ill.n");
  printf("ill.n: count=%d cause=%u\n", count, (unsigned)causes[1]);
  __asm__ volatile(".byte 0x40, 0x23, 0xd2"); /* quos a2, a3, a4 */
  __asm__ volatile(".byte 0x40, 0x23, 0x43"); /* min a2, a3, a4 */
  __asm__ volatile(".byte 0x36, 0x41, 0x00"); /* entry a1, 32 */
  __asm__ volatile(".byte 0x40, 0x23, 0x23"); /* sext a2, a3, 11 */
  __asm__ volatile(".byte 0x00, 0x00, 0x00"); /* all-zero word = ill */
  printf("absent instructions: count=%d causes=%u,%u,%u,%u,%u\n", count, (unsigned)causes[2], (unsigned)causes[3],
         (unsigned)causes[4], (unsigned)causes[5], (unsigned)causes[6]);
  return count == 7 ? 0 : 1;
}
