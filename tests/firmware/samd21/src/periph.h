/*
 * periph.h — shared by the periph_* test programs (clocks as CircuitPython brings them up on the
 * CPX, pin multiplexing, bounded waits) and the layout of their RAM result block.
 *
 * Result block (0x20007F00, 64 words, read by tests/samd21/firmware-periph.test.ts):
 *   word 0   magic: PERIPH_MAGIC once started, PERIPH_MAGIC | 0xFF when done
 *   word 1   step: the last step reached
 *   word 2   errors: bit mask of failed checks / timed-out waits (bit n = check n)
 *   word 3.. program-specific values (see each program's PR_* indices)
 *   word 60  mailbox written by the test (host -> firmware)
 *   word 61  the value the firmware waits for in the mailbox (0 when not waiting)
 */
#ifndef PERIPH_H
#define PERIPH_H
#include <stdint.h>
#include "samd21.h"

#define PR ((volatile uint32_t *)0x20007F00u)
#define PERIPH_MAGIC 0x5E21C000u
#define PR_MAGIC   0
#define PR_STEP    1
#define PR_ERRORS  2
#define PR_MAILBOX 60
#define PR_WAITING 61

#define FAIL(bit) (PR[PR_ERRORS] |= (1u << (bit)))
#define STEP(n)   (PR[PR_STEP] = (n))

/* Waits until `expr` holds, at most ~4 M polls; a timeout records error `bit`.
 * Evaluates to the number of polls it took. */
#define WAIT(expr, bit) ({ uint32_t n_ = 0; while (!(expr)) { if (++n_ > 4000000u) { FAIL(bit); break; } } n_; })

void periph_start(void);
void periph_done(void);
/* OSC8M at 8 MHz, OSC32K, DFLL48M in USB clock recovery, NVM RWS = 2, GCLK0 = 48 MHz,
 * GCLK2 = OSC32K (32768 Hz), GCLK3 = OSC8M (8 MHz). Error bit 31 on a timeout. */
void clocks_init(void);
/* GCLK channel `id` <- generator `gen`, enabled. */
void gclk_channel(uint32_t id, uint32_t gen);
/* Pad (group g, pin p) to peripheral function `fn` (PMUX_A..H), PMUXEN = 1 (INEN too if asked). */
void pin_function(uint32_t g, uint32_t p, uint32_t fn, int input);
/* Reports `value` in PR_WAITING and spins until the test writes it into the mailbox. */
void wait_for_host(uint32_t value);
#endif
