/*
 * periph_common.c — clock bring-up and helpers shared by the periph_* programs (see periph.h).
 */
#include "periph.h"

void periph_start(void)
{
    for (int i = 0; i < 64; i++) PR[i] = 0;
    PR[PR_MAGIC] = PERIPH_MAGIC;
}

void periph_done(void)
{
    PR[PR_MAGIC] = PERIPH_MAGIC | 0xFF;
}

static void gclk_sync(void) { WAIT(!(GCLK_STATUS & GCLK_STATUS_SYNCBUSY), 31); }
static void dfll_sync(void) { WAIT(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY, 31); }

void clocks_init(void)
{
    /* Two flash wait states (CircuitPython's port_init on the SAMD21), manual page writes. */
    NVMCTRL_CTRLB = NVMCTRL_CTRLB_RWS(2) | NVMCTRL_CTRLB_MANW;
    /* CPU and bus dividers 1 (16.8.3-16.8.6). */
    PM_CPUSEL = 0;
    PM_APBASEL = 0;
    PM_APBBSEL = 0;
    PM_APBCSEL = 0;

    /* OSC8M undivided (PRESC = 0): 8 MHz. */
    SYSCTRL_OSC8M &= ~(3u << 8);
    WAIT(SYSCTRL_PCLKSR & PCLKSR_OSC8MRDY, 31);

    /* OSC32K with its factory calibration (NVM software calibration row, bits 44:38). */
    uint32_t cal1 = REG32(0x00806024u);
    SYSCTRL_OSC32K = OSC32K_CALIB((cal1 >> 6) & 0x7f) | OSC32K_STARTUP(6) | OSC32K_EN32K | OSC32K_ENABLE;
    WAIT(SYSCTRL_PCLKSR & PCLKSR_OSC32KRDY, 31);

    /* DFLL48M in USB clock recovery mode, the CPX has no crystal (17.6.7.2). Errata: write
     * DFLLCTRL = 0 (ONDEMAND off) before the other DFLL registers. */
    uint32_t coarse = (cal1 >> 26) & 0x3f;
    if (coarse == 0x3f) coarse = 0x1f;
    SYSCTRL_DFLLCTRL = 0;
    dfll_sync();
    SYSCTRL_DFLLMUL = DFLLMUL_CSTEP(1) | DFLLMUL_FSTEP(1) | DFLLMUL_MUL(48000);
    dfll_sync();
    SYSCTRL_DFLLVAL = DFLLVAL_COARSE(coarse) | DFLLVAL_FINE(512);
    dfll_sync();
    SYSCTRL_DFLLCTRL = DFLLCTRL_ENABLE | DFLLCTRL_MODE | DFLLCTRL_USBCRM | DFLLCTRL_CCDIS;
    dfll_sync();
    dfll_sync();

    /* GCLK0 <- DFLL48M: 48 MHz CPU. */
    GCLK_GENDIV = GENDIV_ID(0) | GENDIV_DIV(1);
    gclk_sync();
    GCLK_GENCTRL = GENCTRL_ID(0) | GENCTRL_SRC(SRC_DFLL48M) | GENCTRL_GENEN | GENCTRL_IDC;
    gclk_sync();
    /* GCLK2 <- OSC32K (slow clocks), GCLK3 <- OSC8M (8 MHz peripherals). */
    GCLK_GENDIV = GENDIV_ID(2) | GENDIV_DIV(1);
    gclk_sync();
    GCLK_GENCTRL = GENCTRL_ID(2) | GENCTRL_SRC(SRC_OSC32K) | GENCTRL_GENEN;
    gclk_sync();
    GCLK_GENDIV = GENDIV_ID(3) | GENDIV_DIV(1);
    gclk_sync();
    GCLK_GENCTRL = GENCTRL_ID(3) | GENCTRL_SRC(SRC_OSC8M) | GENCTRL_GENEN;
    gclk_sync();
}

void gclk_channel(uint32_t id, uint32_t gen)
{
    GCLK_CLKCTRL = CLKCTRL_ID(id) | CLKCTRL_GEN(gen) | CLKCTRL_CLKEN;
    gclk_sync();
}

void pin_function(uint32_t g, uint32_t p, uint32_t fn, int input)
{
    uint8_t pmux = PORT_PMUX(g, p / 2);
    if (p & 1) pmux = (uint8_t)((pmux & 0x0F) | (fn << 4));
    else pmux = (uint8_t)((pmux & 0xF0) | fn);
    PORT_PMUX(g, p / 2) = pmux;
    PORT_PINCFG(g, p) = (uint8_t)(PINCFG_PMUXEN | (input ? PINCFG_INEN : 0));
}

void wait_for_host(uint32_t value)
{
    PR[PR_WAITING] = value;
    while (PR[PR_MAILBOX] != value) { }
    PR[PR_WAITING] = 0;
}
