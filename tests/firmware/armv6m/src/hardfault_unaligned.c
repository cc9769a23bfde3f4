/*
 * hardfault_unaligned — unaligned word LDR, halfword STRH and LDM on
 * ARMv6-M all raise HardFault without touching memory.  The handler prints
 * the stacked PC (checked against the faulting instruction's label) and the
 * stacked base register; the first two faults are resumed past the faulting
 * instruction, the third (LDM) makes the handler exit with status 9.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "m0.h"

extern uint32_t unaligned_ldr(const void *p);
extern void unaligned_strh(void *p, uint32_t v);
extern void unaligned_ldm(const void *p);
extern char ldr_site[], strh_site[], ldm_site[];

static volatile uint32_t buf[4] = {0x11223344u, 0x55667788u, 0x99AABBCCu, 0xDDEEFF00u};
static volatile int faults;

static const char *site_name(uint32_t pc)
{
    if (pc == ((uintptr_t)ldr_site & ~1u)) return "ldr_site";
    if (pc == ((uintptr_t)strh_site & ~1u)) return "strh_site";
    if (pc == ((uintptr_t)ldm_site & ~1u)) return "ldm_site";
    return "unknown";
}

void hardfault_report(uint32_t *frame, uint32_t excret);
void hardfault_report(uint32_t *frame, uint32_t excret)
{
    uint32_t pc = frame[6];
    const char *site = site_name(pc);
    uint32_t base = site[1] == 'd' && site[2] == 'r' ? frame[1] : frame[0];
    faults++;
    printf("HardFault #%d: stacked pc %08lx = %s, instruction %04x, "
           "base register = buf+%ld, EXC_RETURN %08lx\n", faults, (unsigned long)pc,
           site, *(const uint16_t *)pc,
           (long)(base - (uint32_t)(uintptr_t)buf), (unsigned long)excret);
    if (faults < 3) {
        frame[6] = pc + 2;
        return;
    }
    printf("buffer unchanged: %s\n",
           buf[0] == 0x11223344u && buf[1] == 0x55667788u ? "yes" : "no");
    printf("exiting from the HardFault handler with status 9\n");
    exit(9);
}

int main(void)
{
    printf("hardfault_unaligned\n");
    printf("aligned ldr: %08lx\n", (unsigned long)unaligned_ldr((const char *)buf + 4));
    uint32_t v = unaligned_ldr((const char *)buf + 2);
    printf("after unaligned ldr: r0 kept %08lx\n", (unsigned long)v);
    unaligned_strh((char *)buf + 1, 0xFFFF);
    printf("after unaligned strh: buf[0] = %08lx\n", (unsigned long)buf[0]);
    unaligned_ldm((const char *)buf + 6);
    printf("not reached\n");
    return 1;
}
