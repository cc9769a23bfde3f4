/*
 * nvm_cache.c — the NVM cache's effect on instruction fetches, timed with SysTick (CPU clock).
 *
 * Two loops, each aligned to 64 bytes (the 8 lines × 64 bits of the cache, data sheet 22.6.7,
 * so the first line of each lands in cache line 0):
 *   loop_short: subs; bne — one 32-bit fetch word, one 8-byte line;
 *   loop_long:  46 nops; subs; bne — 96 bytes, 24 fetch words over 12 lines, so the last 4 lines
 *               evict the first 4 (direct-mapped) on every pass: 8 misses and 16 hits a pass.
 * Each is timed for two iteration counts, each time from an empty cache (the INVALL command);
 * the difference of the two times is
 * (difference of counts) × (cycles per iteration), free of the call and SysTick read overheads
 * and of the misses of the first pass. The test (tests/samd21/nvm-cache.test.ts) predicts those
 * from the Cortex-M0+ TRM (nop 1, subs 1, taken bne 2) and the data sheet's CTRLB fields.
 *
 * Configurations (CTRLB, 22.8.2), in result order:
 *   0: RWS 0, CACHEDIS          (the TRM's zero-wait-state counts)
 *   1: RWS 2, CACHEDIS          (RWS on every fetch word)
 *   2: RWS 2, NO_MISS_PENALTY   (CircuitPython's CTRLB = 0x84: hits free, a miss RWS)
 *   3: RWS 2, LOW_POWER         (a miss RWS + 1)
 *   4: RWS 2, DETERMINISTIC     (hit or miss RWS)
 * Result block at 0x20007F00: magic, configurations done, then per configuration the two
 * differences (short, long).
 */
#include <stdint.h>
#include "samd21.h"

#define R ((volatile uint32_t *)0x20007F00u)
#define MAGIC 0xCAC4E000u
#define CTRLB_READMODE(m) ((uint32_t)(m) << 16)
#define CTRLB_CACHEDIS    (1u << 18)

void loop_short(uint32_t n);
void loop_long(uint32_t n);

__asm__(
    ".syntax unified\n"
    ".text\n"
    ".thumb_func\n"
    ".global loop_short\n"
    ".balign 64\n"
    "loop_short:\n"
    "1:  subs r0, #1\n"
    "    bne 1b\n"
    "    bx lr\n"
    ".thumb_func\n"
    ".global loop_long\n"
    ".balign 64\n"
    "loop_long:\n"
    "1:  .rept 46\n"
    "    nop\n"
    "    .endr\n"
    "    subs r0, #1\n"
    "    bne 1b\n"
    "    bx lr\n"
    ".syntax divided\n");

static const uint32_t configs[] = {
    NVMCTRL_CTRLB_RWS(0) | NVMCTRL_CTRLB_MANW | CTRLB_CACHEDIS,
    NVMCTRL_CTRLB_RWS(2) | NVMCTRL_CTRLB_MANW | CTRLB_CACHEDIS,
    NVMCTRL_CTRLB_RWS(2) | NVMCTRL_CTRLB_MANW | CTRLB_READMODE(0),
    NVMCTRL_CTRLB_RWS(2) | NVMCTRL_CTRLB_MANW | CTRLB_READMODE(1),
    NVMCTRL_CTRLB_RWS(2) | NVMCTRL_CTRLB_MANW | CTRLB_READMODE(2),
};

/* INVALL first: every timing starts from the same (empty) cache, so the two runs of a loop
 * differ only by their extra passes. */
static uint32_t __attribute__((noinline)) timed(void (*loop)(uint32_t), uint32_t n)
{
    NVMCTRL_CTRLA = NVMCTRL_CMD(0x46);  /* INVALL */
    uint32_t start = SYST_CVR;
    loop(n);
    return (start - SYST_CVR) & 0xFFFFFFu;
}

int main(void)
{
    R[0] = MAGIC;
    R[1] = 0;
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u;                  /* ENABLE | CLKSOURCE (the CPU clock), no interrupt */
    for (uint32_t k = 0; k < sizeof configs / sizeof configs[0]; k++) {
        NVMCTRL_CTRLB = configs[k];
        R[2 + 2 * k] = timed(loop_short, 1100) - timed(loop_short, 100);
        R[3 + 2 * k] = timed(loop_long, 200) - timed(loop_long, 100);
        R[1] = k + 1;
    }
    R[0] = MAGIC | 0xFFu;
    return 0;
}
