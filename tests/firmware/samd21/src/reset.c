/*
 * reset.c — reset causes as firmware sees them (PM.RCAUSE, data sheet 16.8.14), with the RAM
 * result block surviving every reset but the power-on one:
 *   boot 1 (power-on):        RCAUSE = POR; request a system reset through AIRCR.SYSRESETREQ;
 *   boot 2 (system reset):    RCAUSE = SYST; enable the WDT (8 GCLK_WDT cycles ≈ 7.8 ms) and spin;
 *   boot 3 (watchdog reset):  RCAUSE = WDT; done.
 * Result block words at 0x20007F00: magic, boots, rcause[3], wdt_ctrl_after_reset, done.
 */
#include <stdint.h>
#include "samd21.h"

#define R ((volatile uint32_t *)0x20007F00u)
#define MAGIC 0x7E5E7000u
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define WDT_CTRL   REG8(0x40001000u)
#define WDT_CONFIG REG8(0x40001001u)
#define WDT_STATUS REG8(0x40001007u)

int main(void)
{
    if (R[0] != MAGIC) {            /* RAM is cleared at power-on */
        R[0] = MAGIC;
        R[1] = 0;
    }
    uint32_t boot = R[1]++;
    if (boot < 3) R[2 + boot] = PM_RCAUSE;
    switch (boot) {
    case 0:
        SCB_AIRCR = 0x05FA0004u;    /* VECTKEY | SYSRESETREQ */
        for (;;) { }
    case 1:
        WDT_CONFIG = 0x00;          /* PER = 8 cycles */
        while (WDT_STATUS & 0x80) { }
        WDT_CTRL = 0x02;            /* ENABLE */
        for (;;) { }                /* never cleared */
    default:
        R[5] = WDT_CTRL;            /* disabled again by the reset */
        R[6] = 1;
        return 0;
    }
}
