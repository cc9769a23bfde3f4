/*
 * hardfault_udf — a HardFault handler catching UDF (permanently undefined,
 * which ARMv6-M escalates to HardFault).  The handler inspects the stacked
 * exception frame: stacked PC must be the address of the UDF instruction,
 * the UDF immediate is read back from it, stacked r0-r3/r12 hold the values
 * loaded before the fault.  The first fault is resumed past the UDF (stacked
 * PC += 2); the second one makes the handler exit with status 7.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "m0.h"

extern uint32_t do_udf(void);
extern void do_udf_final(void);
extern char udf_site[], udf_final_site[];

static volatile int faults;

void hardfault_report(uint32_t *frame, uint32_t excret);
void hardfault_report(uint32_t *frame, uint32_t excret)
{
    uint32_t pc = frame[6];
    uint16_t insn = *(const uint16_t *)pc;
    faults++;
    printf("HardFault #%d: IPSR %lu, EXC_RETURN %08lx, VECTACTIVE %lu\n", faults,
           (unsigned long)get_ipsr(), (unsigned long)excret,
           (unsigned long)(SCB_ICSR & ICSR_VECTACTIVE_MASK));
    printf("  stacked pc %08lx, instruction %04x (UDF #0x%02x)\n", (unsigned long)pc,
           insn, insn & 0xFF);
    if (faults == 1) {
        printf("  stacked pc is udf_site (%08lx): %s\n", (unsigned long)(uintptr_t)udf_site,
               pc == ((uintptr_t)udf_site & ~1u) ? "yes" : "no");
        printf("  stacked r0-r3 %08lx %08lx %08lx %08lx r12 %08lx, xPSR T bit %lu\n",
               (unsigned long)frame[0], (unsigned long)frame[1], (unsigned long)frame[2],
               (unsigned long)frame[3], (unsigned long)frame[4],
               (unsigned long)(frame[7] >> 24 & 1));
        frame[0] = 0x600D600Du;       /* becomes do_udf's return value */
        frame[6] = pc + 2;            /* resume after the 16-bit UDF */
        return;
    }
    printf("  stacked pc is udf_final_site (%08lx): %s\n",
           (unsigned long)(uintptr_t)udf_final_site,
           pc == ((uintptr_t)udf_final_site & ~1u) ? "yes" : "no");
    printf("exiting from the HardFault handler with status 7\n");
    exit(7);
}

int main(void)
{
    printf("hardfault_udf\n");
    uint32_t r = do_udf();
    printf("resumed after UDF, do_udf returned %08lx, IPSR %lu\n", (unsigned long)r,
           (unsigned long)get_ipsr());
    do_udf_final();
    printf("not reached\n");
    return 1;
}
