/*
 * periph_nvm.c — NVMCTRL row erase and page write stall the CPU (the Feather M0 Basic's CIRCUITPY
 * lives in the chip's own flash, written this way by CircuitPython's internal_flash.c):
 *   clocks (periph_common.c): 48 MHz, RWS 2, MANW (manual page writes).
 *   SysTick counts CPU cycles (processor clock, no interrupt). The SAM D21 flash cannot be read
 *   while it is programmed (no read-while-write on the main array): the CPU, fetching this code
 *   from flash, waits until the command ends. So the SysTick cycles across the single store that
 *   issues the command and the next instruction cover the whole command, and the first INTFLAG
 *   read after it already sees READY.
 *   1. Row erase (ER) of the scratch row at 0x3E000 (junk in it first).
 *   2. Page buffer clear (PBC), 16 words loaded through the flash space, page write (WP).
 *   3. Read-back of the page and of the rest of the row (still erased).
 */
#include "periph.h"

enum {
    R_ERASE_CYCLES = 3,   /* SysTick cycles from the ER store to the next instruction */
    R_ERASE_READY,        /* INTFLAG right after it (READY = 1: the CPU waited) */
    R_WRITE_CYCLES,       /* the same for WP */
    R_WRITE_READY,
    R_PBC_CYCLES,         /* PBC: no flash array access, no wait */
    R_MISMATCH,           /* words of the page that differ from what was loaded */
    R_ERASED_AND,         /* AND of the rest of the row (0xFFFFFFFF) */
    R_STATUS,             /* NVMCTRL STATUS at the end (no PROGE / LOCKE / NVME) */
};

#define SCRATCH 0x3E000u
#define FLASH32(a) (*(volatile uint32_t *)(a))

/* Issues `cmd` at `addr` and returns the SysTick cycles it took to reach the next instruction.
 * The ready flag read right after is stored in *ready. */
static uint32_t timed_command(uint32_t cmd, uint32_t addr, uint32_t *ready)
{
    NVMCTRL_ADDR = addr >> 1;               /* ADDR counts 16-bit words (22.8.8) */
    uint32_t before = SYST_CVR;
    NVMCTRL_CTRLA = NVMCTRL_CMD(cmd);
    uint32_t after = SYST_CVR;
    *ready = NVMCTRL_INTFLAG & NVMCTRL_INTFLAG_READY;
    WAIT(NVMCTRL_INTFLAG & NVMCTRL_INTFLAG_READY, 4);
    return (before - after) & 0xFFFFFFu;   /* SysTick counts down, 24 bits */
}

int main(void)
{
    uint32_t ready;
    periph_start();
    STEP(1); clocks_init();
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 0x5;                         /* ENABLE, CLKSOURCE = processor clock */

    STEP(2);
    PR[R_ERASE_CYCLES] = timed_command(NVM_CMD_ER, SCRATCH, &ready);
    PR[R_ERASE_READY] = ready;

    STEP(3);
    PR[R_PBC_CYCLES] = timed_command(NVM_CMD_PBC, SCRATCH, &ready);
    for (uint32_t i = 0; i < 16; i++) FLASH32(SCRATCH + 4 * i) = 0xC0DE0000u | i;
    PR[R_WRITE_CYCLES] = timed_command(NVM_CMD_WP, SCRATCH, &ready);
    PR[R_WRITE_READY] = ready;

    STEP(4);
    uint32_t bad = 0;
    for (uint32_t i = 0; i < 16; i++) bad += FLASH32(SCRATCH + 4 * i) != (0xC0DE0000u | i);
    PR[R_MISMATCH] = bad;
    uint32_t and_all = 0xFFFFFFFFu;
    for (uint32_t a = SCRATCH + 64; a < SCRATCH + 256; a += 4) and_all &= FLASH32(a);
    PR[R_ERASED_AND] = and_all;
    PR[R_STATUS] = NVMCTRL_STATUS;
    if (bad) FAIL(5);

    STEP(5);
    periph_done();
    return 0;
}
