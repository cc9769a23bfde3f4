/*
 * systick — the SysTick timer with the processor clock (CLKSOURCE=1):
 * RVR is 24 bits wide, writing CVR clears it, COUNTFLAG is set on wrap and
 * cleared by reading CSR, the interrupt fires every RVR+1 clocks and is
 * counted (the handler stops counting at 10, main sleeps in WFI until
 * then), ICSR.PENDSTSET pends the handler by software even with the timer
 * off, and nothing fires once the timer is disabled.
 */
#include <stdio.h>
#include <stdint.h>
#include "m0.h"

static volatile uint32_t ticks, extra_ticks, last_ipsr;

void SysTick_Handler(void)
{
    last_ipsr = get_ipsr();
    if (ticks < 10)
        ticks++;
    else
        extra_ticks++;
}

int main(void)
{
    printf("systick\n");
    SYST_CSR = 0;
    SYST_RVR = 0xFFFFFFFFu;
    printf("RVR after writing 0xffffffff: %08lx\n", (unsigned long)SYST_RVR);
    SYST_CVR = 12345;
    printf("CVR after a write (timer off): %lu\n", (unsigned long)SYST_CVR);

    /* COUNTFLAG without interrupts.  The period is long enough (100000
     * clocks) and the timer is stopped right after COUNTFLAG is seen, so
     * that a second wrap cannot sneak in before the re-read even on QEMU,
     * whose SysTick follows host time. */
    SYST_RVR = 100000 - 1;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
    printf("CSR reads %lx (ENABLE|CLKSOURCE)\n", (unsigned long)(SYST_CSR & 7));
    while (!(SYST_CSR & SYST_CSR_COUNTFLAG))
        ;
    SYST_CSR = SYST_CSR_CLKSOURCE;            /* stop */
    uint32_t again = SYST_CSR & SYST_CSR_COUNTFLAG;
    printf("COUNTFLAG seen set, then cleared by the read: %s\n", again ? "no" : "yes");
    uint32_t cvr = SYST_CVR;
    printf("CVR within [0, RVR]: %s\n", cvr <= 99999 ? "yes" : "no");
    SYST_CSR = 0;

    /* interrupt counting */
    SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (0x80u << 24);
    printf("SysTick priority reads %02lx\n", (unsigned long)(SCB_SHPR3 >> 24));
    ticks = 0;
    SYST_RVR = 4800 - 1;          /* 100 us at 48 MHz */
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;
    while (ticks < 10)
        wfi();                    /* the timer keeps running: WFI always wakes */
    SYST_CSR = 0;
    SCB_ICSR = ICSR_PENDSTCLR;    /* drop a tick that may have wrapped meanwhile */
    printf("counted %lu SysTick interrupts, IPSR in handler %lu\n",
           (unsigned long)ticks, (unsigned long)last_ipsr);

    /* disabled: nothing more arrives */
    uint32_t before = ticks + extra_ticks;
    for (volatile int i = 0; i < 20000; i++)
        ;
    printf("after disable, new interrupts: %lu\n",
           (unsigned long)(ticks + extra_ticks - before));

    /* software pend with the timer off */
    ticks = 5;
    SCB_ICSR = ICSR_PENDSTSET;
    dsb();
    isb();
    printf("PENDSTSET ran the handler: ticks %lu\n", (unsigned long)ticks);

    /* pend while masked, then clear with PENDSTCLR: must not run */
    irq_disable();
    SCB_ICSR = ICSR_PENDSTSET;
    uint32_t pend = SCB_ICSR >> 26 & 1;
    SCB_ICSR = ICSR_PENDSTCLR;
    uint32_t pend2 = SCB_ICSR >> 26 & 1;
    irq_enable();
    isb();
    printf("PENDSTSET reads %lu, after PENDSTCLR %lu, ticks %lu\n", (unsigned long)pend,
           (unsigned long)pend2, (unsigned long)ticks);
    return 0;
}
