/*
 * button_led.c — the smallest board behaviour a scenario can check through pins, with no USB and
 * no console: the red LED (PA17) follows button A (PA28, active high, input with the pull-down
 * enabled as CircuitPython does: PINCFG INEN + PULLEN with OUT = 0, data sheet 23.6.3.4), and
 * pin A1 (PA05) toggles every 1000 loop iterations, a square wave for waveform dumps. Runs on the
 * 1 MHz reset clock (no clock set-up).
 */
#include "samd21.h"

#define LED      17u   /* PA17 */
#define BUTTON_A 28u   /* PA28 */
#define A1       5u    /* PA05 */

int main(void)
{
    PORT_DIRSET(0) = (1u << LED) | (1u << A1);
    PORT_OUTCLR(0) = 1u << BUTTON_A;                 /* pull direction: down */
    PORT_PINCFG(0, BUTTON_A) = PINCFG_INEN | PINCFG_PULLEN;
    for (uint32_t n = 0;; n++) {
        if (PORT_IN(0) & (1u << BUTTON_A)) PORT_OUTSET(0) = 1u << LED;
        else PORT_OUTCLR(0) = 1u << LED;
        if (n % 1000u == 0) PORT_OUTTGL(0) = 1u << A1;
    }
}
