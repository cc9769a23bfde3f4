/*
 * gclk_main.c — GCLK generator 0 is GCLK_MAIN, the CPU's clock (data sheet 15.6.2.3); clearing its
 * GENEN disables and gates it (15.6.2.5), so the CPU stops there. What CircuitPython's
 * disable_clock_generator(0) writes (GENCTRL = ID 0: SRC 0, GENEN 0), reached by a PDMIn whose
 * construction failed (its deinit disables self->gclk, still 0).
 * Result block words at 0x20007F00: magic, then one word per step, written after it:
 *   [1] GENCTRL after an 8-bit select of generator 0 (a read, not a write: 0x00010600 at reset);
 *   [2] 1 after generator 0 is written again with its reset value (OSC8M, GENEN): it keeps running;
 *   [3] 1 after generator 3 is disabled (any other generator may be);
 *   [4] 1 after generator 0 is disabled: never written, the CPU has no clock any more.
 */
#include <stdint.h>
#include "samd21.h"

#define R ((volatile uint32_t *)0x20007F00u)

static void sync(void) { while (GCLK_STATUS & GCLK_STATUS_SYNCBUSY) { } }

int main(void)
{
    R[0] = 0x6C0C0000u;
    R[1] = R[2] = R[3] = R[4] = 0;
    GCLK_GENCTRL_ID = 0;                           /* select generator 0 */
    R[1] = GCLK_GENCTRL;
    GCLK_GENCTRL = 0x00010600u;                  /* ID 0, SRC OSC8M, GENEN */
    sync();
    R[2] = 1;
    GCLK_GENCTRL = 3u;                           /* ID 3: SRC 0, GENEN 0 */
    sync();
    R[3] = 1;
    GCLK_GENCTRL = 0u;                           /* ID 0: SRC 0, GENEN 0 */
    sync();
    R[4] = 1;
    for (;;) { }
}
