/*
 * eic_remux.c — what the EIC sees while a pad is re-muxed and its pull changed, in the order
 * CircuitPython's countio/rotaryio/PulseIn do it when they reuse a channel: the EIC enabled and
 * clocked, the channel's CONFIG still holding a sense, then PMUXEN and PULLEN written.
 * Edge detection compares successive samples of the EXTINT pin (data sheet 21.6.2.3): connecting
 * or disconnecting the pad (PMUX, 23.6.3) is no transition of the pin, and a pad left floating
 * keeps its level (nothing charges or discharges it), while a pull that moves the pad is an edge.
 * PA28 = EXTINT8 (CONFIG1.SENSE0), filter on as CircuitPython sets it, GCLK_EIC = GCLK0.
 * Result block words at 0x20007F00: magic, then INTFLAG (bit 8) after each step:
 *   [1] pull-up on the pad, not muxed to the EIC (sense RISE)        -> 0
 *   [2] the pad (high) muxed to function A (sense RISE)               -> 0: re-muxing is no edge
 *   [3] the pull removed, the pad floating (sense BOTH)               -> 0: it stays high
 *   [4] PORT IN of the floating pad                                   -> 1
 *   [5] pull-down (sense BOTH)                                        -> bit 8: a real fall
 *   [6] flag cleared, the pad (low) taken off function A              -> 0
 *   [7] pull-up while not muxed (the pad rises, sense BOTH)           -> 0: the EIC does not see it
 *   [8] muxed again (high)                                            -> 0
 *   [9] 1: done
 */
#include <stdint.h>
#include "samd21.h"

#define R ((volatile uint32_t *)0x20007F00u)
#define BIT (1u << 28)
#define FLAG (1u << 8)
#define SENSE_BOTH 3u
#define FILTEN 8u

static void settle(void) { for (volatile int i = 0; i < 50; i++) { } }
static uint32_t flag(void) { settle(); return EIC_INTFLAG & FLAG; }

int main(void)
{
    R[0] = 0xE1C00000u;
    for (int i = 1; i < 10; i++) R[i] = 0xFFFFFFFFu;
    GCLK_CLKCTRL = CLKCTRL_ID(GCLK_ID_EIC) | CLKCTRL_GEN(0) | CLKCTRL_CLKEN;
    EIC_CONFIG(1) = (EIC_SENSE_RISE | FILTEN) << 0;
    EIC_CTRL = 2;                                  /* ENABLE */
    while (EIC_STATUS & 0x80) { }
    PORT_PMUX(0, 14) = (PORT_PMUX(0, 14) & 0xF0) | 0x0;   /* PA28 (even): function A when PMUXEN */

    PORT_OUTSET(0) = BIT;
    PORT_PINCFG(0, 28) = PINCFG_INEN | PINCFG_PULLEN;      /* GPIO input, pull-up */
    R[1] = flag();
    PORT_PINCFG(0, 28) = PINCFG_PMUXEN | PINCFG_INEN | PINCFG_PULLEN;
    R[2] = flag();
    EIC_CONFIG(1) = (SENSE_BOTH | FILTEN) << 0;
    PORT_PINCFG(0, 28) = PINCFG_PMUXEN | PINCFG_INEN;      /* pull off: floating */
    R[3] = flag();
    R[4] = (PORT_IN(0) & BIT) ? 1 : 0;
    PORT_OUTCLR(0) = BIT;
    PORT_PINCFG(0, 28) = PINCFG_PMUXEN | PINCFG_INEN | PINCFG_PULLEN;   /* pull-down */
    R[5] = flag();
    EIC_INTFLAG = FLAG;
    PORT_PINCFG(0, 28) = PINCFG_INEN | PINCFG_PULLEN;      /* off function A */
    R[6] = flag();
    PORT_OUTSET(0) = BIT;                                  /* pull-up while not muxed */
    R[7] = flag();
    PORT_PINCFG(0, 28) = PINCFG_PMUXEN | PINCFG_INEN | PINCFG_PULLEN;
    R[8] = flag();
    R[9] = 1;
    for (;;) { }
}
