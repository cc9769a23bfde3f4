/*
 * system.c — the SAMD21 system blocks the way CircuitPython's port brings them up:
 *   clocks: OSC32K (or XOSC32K with -DUSE_XOSC32K) → GCLK1 → DFLL48M closed loop → GCLK0 48 MHz,
 *           or (-DUSE_USBCRM) DFLL48M in USB clock recovery as CircuitPython runs the CPX,
 *           NVM wait states, GENCTRL select-then-read;
 *   PORT:   PA17 toggled through OUTTGL and the IOBUS;
 *   RTC:    MODE0 at 16384 Hz, COMP0 interrupt, PER2 → EVSYS 1024 Hz tick interrupt;
 *   EIC:    rising edge on PA28 (EXTINT8), produced by switching its pull from down to up;
 *   NVMCTRL: erase a row and program a page of flash.
 * Results go to the RAM result block at 0x20007F00 (samd21.h); no semihosting on this chip.
 */
#include <stdint.h>
#include "samd21.h"

#define FAIL(bit) (RESULT->errors |= (1u << (bit)))
#define STEP(n) (RESULT->step = (n))

/* Waits for (reg & mask) == want with a bound; a timeout records error `bit`. */
#define WAIT(expr, bit) do { uint32_t n_ = 0; while (!(expr)) { if (++n_ > 4000000u) { FAIL(bit); break; } } } while (0)

static void gclk_sync(void) { WAIT(!(GCLK_STATUS & GCLK_STATUS_SYNCBUSY), 1); }
static void dfll_sync(void) { WAIT(SYSCTRL_PCLKSR & PCLKSR_DFLLRDY, 2); }
static void rtc_sync(void)  { WAIT(!(RTC_STATUS & RTC_STATUS_SYNCBUSY), 3); }

void RTC_Handler(void)
{
    if (RTC_INTFLAG & RTC_INT_CMP0) {
        RTC_INTFLAG = RTC_INT_CMP0;
        RTC_INTENCLR = RTC_INT_CMP0;
        RESULT->rtc_irqs++;
    }
}

void EVSYS_Handler(void)
{
    if (EVSYS_INTFLAG & EVSYS_EVD(0)) {
        EVSYS_INTFLAG = EVSYS_EVD(0) | 1u;
        RESULT->tick_irqs++;
    }
}

void EIC_Handler(void)
{
    uint32_t flags = EIC_INTFLAG;
    EIC_INTFLAG = flags;
    if (flags & (1u << 8)) RESULT->eic_irqs++;
}

static void clocks_init(void)
{
    /* 48 MHz needs one flash wait state at 3.3 V (electrical characteristics, NVM). */
    NVMCTRL_CTRLB = NVMCTRL_CTRLB_RWS(1) | NVMCTRL_CTRLB_MANW;

    uint32_t cal1 = REG32(0x00806024u);
#ifdef USE_XOSC32K
    SYSCTRL_XOSC32K = XOSC32K_STARTUP(2) | XOSC32K_XTALEN | XOSC32K_EN32K;
    SYSCTRL_XOSC32K |= XOSC32K_ENABLE;
    WAIT(SYSCTRL_PCLKSR & PCLKSR_XOSC32KRDY, 4);
    const uint32_t src32k = SRC_XOSC32K;
#else
    uint32_t osc32k_cal = (cal1 >> 6) & 0x7f;
    SYSCTRL_OSC32K = OSC32K_CALIB(osc32k_cal) | OSC32K_STARTUP(6) | OSC32K_EN32K | OSC32K_ENABLE;
    WAIT(SYSCTRL_PCLKSR & PCLKSR_OSC32KRDY, 4);
    const uint32_t src32k = SRC_OSC32K;
#endif

    uint32_t coarse = (cal1 >> 26) & 0x3f;
    if (coarse == 0x3f) coarse = 0x1f;
#ifdef USE_USBCRM
    /* DFLL48M in USB clock recovery (CircuitPython on crystal-less boards such as the CPX): the
     * reference is the USB SOF, so the lock bits are not waited for (17.6.7.2). */
    SYSCTRL_DFLLCTRL = 0;
    dfll_sync();
    SYSCTRL_DFLLMUL = DFLLMUL_CSTEP(1) | DFLLMUL_FSTEP(1) | DFLLMUL_MUL(48000);
    dfll_sync();
    SYSCTRL_DFLLVAL = DFLLVAL_COARSE(coarse) | DFLLVAL_FINE(512);
    dfll_sync();
    SYSCTRL_DFLLCTRL = DFLLCTRL_ENABLE | DFLLCTRL_MODE | DFLLCTRL_USBCRM | DFLLCTRL_CCDIS;
    dfll_sync();
#else
    /* GCLK1 <- 32 kHz, the DFLL48M reference */
    GCLK_GENDIV = GENDIV_ID(1) | GENDIV_DIV(0);
    gclk_sync();
    GCLK_GENCTRL = GENCTRL_ID(1) | GENCTRL_SRC(src32k) | GENCTRL_GENEN;
    gclk_sync();
    GCLK_CLKCTRL = CLKCTRL_ID(GCLK_ID_DFLL48M_REF) | CLKCTRL_GEN(1) | CLKCTRL_CLKEN;

    /* DFLL48M closed loop (17.6.7.1.2); errata: clear ONDEMAND before touching the DFLL */
    SYSCTRL_DFLLCTRL = 0;
    dfll_sync();
    SYSCTRL_DFLLMUL = DFLLMUL_CSTEP(31) | DFLLMUL_FSTEP(511) | DFLLMUL_MUL(48000000u / 32768u);
    dfll_sync();
    SYSCTRL_DFLLVAL = DFLLVAL_COARSE(coarse) | DFLLVAL_FINE(512);
    dfll_sync();
    SYSCTRL_DFLLCTRL = DFLLCTRL_MODE | DFLLCTRL_ENABLE;
    dfll_sync();
    WAIT((SYSCTRL_PCLKSR & (PCLKSR_DFLLLCKC | PCLKSR_DFLLLCKF)) == (PCLKSR_DFLLLCKC | PCLKSR_DFLLLCKF), 5);
#endif

    /* GCLK0 <- DFLL48M: the CPU at 48 MHz; OSC8M to 8 MHz for the peripherals */
    GCLK_GENDIV = GENDIV_ID(0) | GENDIV_DIV(1);
    gclk_sync();
    GCLK_GENCTRL = GENCTRL_ID(0) | GENCTRL_SRC(SRC_DFLL48M) | GENCTRL_GENEN | GENCTRL_IDC;
    gclk_sync();
    SYSCTRL_OSC8M &= ~(3u << 8);
    WAIT(SYSCTRL_PCLKSR & PCLKSR_OSC8MRDY, 6);

    /* GCLK2 <- 32 kHz for the RTC */
    GCLK_GENDIV = GENDIV_ID(2) | GENDIV_DIV(0);
    gclk_sync();
    GCLK_GENCTRL = GENCTRL_ID(2) | GENCTRL_SRC(src32k) | GENCTRL_GENEN;
    gclk_sync();

    /* select-then-read: which source does generator 0 use now? */
    GCLK_GENCTRL_ID = 0;
    RESULT->genctrl0 = GCLK_GENCTRL;
    if (((RESULT->genctrl0 >> 8) & 0x1f) != SRC_DFLL48M) FAIL(7);
    RESULT->pclksr = SYSCTRL_PCLKSR;
}

static void gpio_toggle(void)
{
    PORT_DIRSET(0) = 1u << 17;
    for (int i = 0; i < 10; i++) { PORT_OUTTGL(0) = 1u << 17; RESULT->toggles++; }
    for (int i = 0; i < 10; i++) { IOBUS_OUTTGL(0) = 1u << 17; RESULT->toggles++; }
    PORT_OUTSET(0) = 1u << 17;   /* leave the LED on */
}

static void rtc_init(void)
{
    GCLK_CLKCTRL = CLKCTRL_ID(GCLK_ID_RTC) | CLKCTRL_GEN(2) | CLKCTRL_CLKEN;
    GCLK_CLKCTRL_ID = GCLK_ID_RTC;
    RESULT->clkctrl_rtc = GCLK_CLKCTRL;
    RTC_CTRL = RTC_CTRL_SWRST;
    WAIT(!(RTC_CTRL & RTC_CTRL_SWRST), 8);
    rtc_sync();
    RTC_EVCTRL = 1u << 2;                         /* PEREO2: 32768 / 32 = 1024 Hz */
    rtc_sync();
    RTC_CTRL = RTC_CTRL_PRESCALER(1) | RTC_CTRL_ENABLE;   /* MODE0, COUNT at 16384 Hz */
    rtc_sync();
    RTC_READREQ = 0xC010;                         /* RREQ | RCONT | COUNT */
    rtc_sync();
}

static void rtc_measure_and_sleep(void)
{
    /* 120000 x (subs 1 + bne 2) = 7.5 ms at 48 MHz: the loop's fetch word hits the NVM cache
     * (no wait state); with CTRLB.CACHEDIS, + 1 wait state per fetched word = 10 ms */
    uint32_t start = RTC_COUNT;
    uint32_t n = 120000;
    __asm volatile (".syntax unified\n1: subs %0, #1\n bne 1b\n.syntax divided" : "+l"(n));
    RESULT->rtc_elapsed = RTC_COUNT - start;
    RESULT->loop_iterations = 120000;

    RTC_COMP0 = RTC_COUNT + 160;                  /* ~10 ms */
    rtc_sync();
    RTC_INTFLAG = RTC_INT_CMP0;
    RTC_INTENSET = RTC_INT_CMP0;
    NVIC_ICPR = 1u << IRQ_RTC;
    NVIC_ISER = 1u << IRQ_RTC;
    uint32_t guard = 0;
    while (RESULT->rtc_irqs == 0 && ++guard < 1000) __asm volatile ("wfi");
    if (RESULT->rtc_irqs == 0) FAIL(9);
}

static void evsys_tick(void)
{
    PM_APBCMASK |= PM_APBCMASK_EVSYS;
    GCLK_CLKCTRL = CLKCTRL_ID(GCLK_ID_EVSYS_0) | CLKCTRL_GEN(0) | CLKCTRL_CLKEN;
    EVSYS_CTRL = 1;                               /* SWRST */
    EVSYS_CHANNEL = 0 | EVSYS_CHANNEL_EVGEN(EVGEN_RTC_PER(2)) | EVSYS_CHANNEL_PATH_RESYNC | EVSYS_CHANNEL_EDGSEL_RISING;
    EVSYS_INTENSET = EVSYS_EVD(0);
    NVIC_ISER = 1u << IRQ_EVSYS;
    uint32_t guard = 0;
    while (RESULT->tick_irqs < 10 && ++guard < 1000) __asm volatile ("wfi");
    if (RESULT->tick_irqs < 10) FAIL(10);
}

static void eic_edge(void)
{
    GCLK_CLKCTRL = CLKCTRL_ID(GCLK_ID_EIC) | CLKCTRL_GEN(0) | CLKCTRL_CLKEN;
    /* PA28 = EXTINT8 on function A; input with a pull-down first */
    PORT_OUTCLR(0) = 1u << 28;
    PORT_PMUX(0, 14) = (PORT_PMUX(0, 14) & 0xF0) | 0x0;
    PORT_PINCFG(0, 28) = PINCFG_PMUXEN | PINCFG_INEN | PINCFG_PULLEN;
    EIC_CONFIG(1) = EIC_SENSE_RISE << 0;          /* EXTINT8 = CONFIG1.SENSE0 */
    EIC_INTENSET = 1u << 8;
    EIC_CTRL = 2;
    WAIT(!(EIC_STATUS & 0x80), 11);
    NVIC_ISER = 1u << IRQ_EIC;
    PORT_OUTSET(0) = 1u << 28;                    /* pull-up: a rising edge */
    uint32_t guard = 0;
    while (RESULT->eic_irqs == 0 && ++guard < 100000) { }
    if (RESULT->eic_irqs != 1) FAIL(12);
    if (!(PORT_IN(0) & (1u << 28))) FAIL(13);
}

static void nvm_write(void)
{
    volatile uint32_t *page = (volatile uint32_t *)0x3FF00u;
    WAIT(NVMCTRL_INTFLAG & NVMCTRL_INTFLAG_READY, 14);
    NVMCTRL_ADDR = 0x3FF00u / 2;
    NVMCTRL_CTRLA = NVMCTRL_CMD(NVM_CMD_ER);
    WAIT(NVMCTRL_INTFLAG & NVMCTRL_INTFLAG_READY, 14);
    NVMCTRL_CTRLA = NVMCTRL_CMD(NVM_CMD_PBC);
    WAIT(NVMCTRL_INTFLAG & NVMCTRL_INTFLAG_READY, 14);
    for (uint32_t i = 0; i < 16; i++) page[i] = 0xC0DE0000u | i;
    NVMCTRL_CTRLA = NVMCTRL_CMD(NVM_CMD_WP);
    WAIT(NVMCTRL_INTFLAG & NVMCTRL_INTFLAG_READY, 14);
    RESULT->nvm_word = page[5];
    if (page[5] != 0xC0DE0005u || page[16] != 0xFFFFFFFFu) FAIL(15);
}

int main(void)
{
    RESULT->magic = RESULT_MAGIC;
    RESULT->did = DSU_DID;
    RESULT->rcause = PM_RCAUSE;
    STEP(1); clocks_init();
    STEP(2); gpio_toggle();
    STEP(3); rtc_init();
    STEP(4); rtc_measure_and_sleep();
    STEP(5); evsys_tick();
    STEP(6); eic_edge();
    STEP(7); nvm_write();
    STEP(8);
    RESULT->magic = RESULT_MAGIC | 0xFF;
    return 0;
}
