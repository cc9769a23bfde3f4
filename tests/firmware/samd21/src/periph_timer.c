/*
 * periph_timer.c — TCC2 PWM on the red LED and a TC3 overflow interrupt:
 *   TCC2 (31): GCLK0 48 MHz / DIV8 = 6 MHz, NPWM, PER = 5999 (1 kHz), CC1 = 1500 (25 % high);
 *   WO[1] reaches PA17 on function E (data sheet table 7-1). SYNCBUSY polled after each write.
 *   TC3 (30): COUNT16, MFRQ (TOP = CC0), 48 MHz / DIV64 = 750 kHz, CC0 = 749: OVF at 1 kHz,
 *   INTENSET.OVF, NVIC line 18. The handler counts overflows and timestamps the 1st and 21st with
 *   SysTick (a 24-bit down-counter at the 48 MHz core clock).
 * The PWM keeps running after the program ends (the reset handler's WFI loop).
 */
#include "periph.h"

enum {
    R_TC3_IRQS = 3,       /* overflow interrupts taken */
    R_TC3_ELAPSED,        /* SysTick cycles from the 1st to the 21st overflow (20 periods) */
    R_TC3_CTRLA,
    R_TCC2_PER,           /* registers read back */
    R_TCC2_CC1,
    R_TCC2_WAVE,
    R_TCC2_CTRLA,
    R_PA17_PMUX,          /* PMUX byte 8 of group A (PA17 = odd nibble) */
    R_TC3_INTFLAG_LEFT,   /* TC3 INTFLAG after the handler cleared OVF */
};

#define OVERFLOWS 21

static volatile uint32_t first_stamp;

void TC3_Handler(void)
{
    if (TC_INTFLAG(3) & TC_INT_OVF) {
        TC_INTFLAG(3) = TC_INT_OVF;
        uint32_t now = SYST_CVR;
        uint32_t n = ++PR[R_TC3_IRQS];
        if (n == 1) first_stamp = now;
        if (n == OVERFLOWS) {
            PR[R_TC3_ELAPSED] = (first_stamp - now) & 0xFFFFFFu;
            PR[R_TC3_INTFLAG_LEFT] = TC_INTFLAG(3);
        }
    }
}

static void tcc2_sync(uint32_t bits) { WAIT(!(TCC_SYNCBUSY(2) & bits), 1); }
static void tc3_sync(void) { WAIT(!(TC_STATUS(3) & TC_STATUS_SYNCBUSY), 2); }

static void pwm_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_TCC(2) | PM_APBCMASK_TC(3);
    gclk_channel(GCLK_ID_TCC2_TC3, 0);
    TCC_CTRLA(2) = TCC_CTRLA_SWRST;
    tcc2_sync(1u << 0);
    WAIT(!(TCC_CTRLA(2) & TCC_CTRLA_SWRST), 1);
    TCC_CTRLA(2) = TCC_CTRLA_PRESCALER(3);        /* DIV8 */
    TCC_WAVE(2) = TCC_WAVE_NPWM;
    tcc2_sync(1u << 6);
    TCC_PER(2) = 5999;
    tcc2_sync(1u << 7);
    TCC_CC(2, 1) = 1500;
    tcc2_sync(1u << 9);
    TCC_CTRLA(2) |= TCC_CTRLA_ENABLE;
    tcc2_sync(1u << 1);
    pin_function(0, 17, PMUX_E, 0);               /* PA17 <- TCC2/WO[1] */
    PR[R_TCC2_PER] = TCC_PER(2);
    PR[R_TCC2_CC1] = TCC_CC(2, 1);
    PR[R_TCC2_WAVE] = TCC_WAVE(2);
    PR[R_TCC2_CTRLA] = TCC_CTRLA(2);
    PR[R_PA17_PMUX] = PORT_PMUX(0, 8);
}

static void tc3_overflows(void)
{
    SYST_RVR = 0xFFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = (1u << 2) | (1u << 0);             /* CLKSOURCE = core clock, ENABLE */

    TC_CTRLA(3) = TC_CTRLA_SWRST;
    tc3_sync();
    WAIT(!(TC_CTRLA(3) & TC_CTRLA_SWRST), 2);
    TC_CTRLA(3) = TC_CTRLA_MODE_COUNT16 | TC_CTRLA_WAVEGEN(1) | TC_CTRLA_PRESCALER(5);
    tc3_sync();
    TC_CC16(3, 0) = 749;
    tc3_sync();
    TC_INTFLAG(3) = 0xFF;
    TC_INTENSET(3) = TC_INT_OVF;
    NVIC_ICPR = 1u << IRQ_TC(3);
    NVIC_ISER = 1u << IRQ_TC(3);
    TC_CTRLA(3) |= TC_CTRLA_ENABLE;
    tc3_sync();
    PR[R_TC3_CTRLA] = TC_CTRLA(3);
    uint32_t guard = 0;
    while (PR[R_TC3_IRQS] < OVERFLOWS && ++guard < 100000u) __asm volatile ("wfi");
    if (PR[R_TC3_IRQS] < OVERFLOWS) FAIL(3);
    NVIC_ICER = 1u << IRQ_TC(3);
    TC_INTENCLR(3) = TC_INT_OVF;
    TC_CTRLA(3) &= ~TC_CTRLA_ENABLE;
    tc3_sync();
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    STEP(2); pwm_init();
    STEP(3); tc3_overflows();
    STEP(4);
    periph_done();
    return 0;
}
