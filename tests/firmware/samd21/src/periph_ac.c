/*
 * periph_ac.c — the analog comparators (AC) on the CPX, against voltages the test puts on PA04
 * (AIN0, function B); CMP0 drives PA18 (function H). GCLK_AC_DIG = GCLK3 (OSC8M, 8 MHz).
 *   1. COMP0 enabled with GCLK_AC_DIG off: STATUSB.READY0 stays 0. Then the clock: READY0.
 *   2. Continuous AIN0 vs the VDD scaler (SCALER0 = 31: 3.3 V × 32 / 64 = 1.65 V), toggle
 *      interrupts: the handler records the test's millivolts (result word 59) at the first rising
 *      and first falling edge while the test sweeps 0 → 3.3 → 0 V in 10 mV steps.
 *   3. Window mode: COMP0 vs SCALER0 = 47 (2.475 V), COMP1 vs SCALER1 = 15 (0.825 V), WINTSEL
 *      INSIDE: the millivolts at the two entries into the window during the same sweep.
 *   4. Single-shot AIN0 vs the bandgap (1.1 V), EOC interrupts: START0 at 1.2 V, then a STATUSC
 *      read (which starts the comparison and stalls until it is done) at 1.0 V, timed by SysTick.
 *   5. COMP0 events (EVCTRL.COMPEO0) through EVSYS channel 0 (resynchronised, rising edges) to TC3
 *      counting events (EVACT COUNT): TC3 COUNT = the number of upward crossings the test made.
 */
#include "periph.h"

enum {
    R_NOCLK_STATUSB = 3,  /* STATUSB with COMP0 enabled and GCLK_AC_DIG off */
    R_READY_POLLS,        /* polls of READY0 once the clock runs */
    R_COMPCTRL0,          /* COMPCTRL0 read back */
    R_RISE_MV,            /* test millivolts at the first rising / falling toggle interrupt */
    R_FALL_MV,
    R_TOGGLES,            /* toggle interrupts during the sweep */
    R_WIN_IRQS,           /* WIN0 (INSIDE) interrupts */
    R_WIN_UP_MV,          /* millivolts at the first and second entry into the window */
    R_WIN_DOWN_MV,
    R_WSTATE_INSIDE,      /* STATUSA.WSTATE0 read in the first WIN0 handler */
    R_SINGLE_HIGH,        /* STATUSA after START0 at 1.2 V */
    R_SINGLE_LOW,         /* STATUSC at 1.0 V */
    R_STATUSC_CYCLES,     /* SysTick cycles across the STATUSC read */
    R_EOC_IRQS,           /* EOC interrupts */
    R_STATUSB_AFTER_START,/* STATUSB right after START0 (READY0 cleared) */
    R_TC3_COUNT,          /* TC3 COUNT after the test's crossings */
};
#define R_MV 59           /* written by the test: the millivolts on PA04 */

enum { MODE_NONE, MODE_TOGGLE, MODE_WINDOW, MODE_SINGLE };
static volatile uint32_t mode;

void AC_Handler(void)
{
    uint8_t flags = AC_INTFLAG;
    AC_INTFLAG = flags;
    uint32_t mv = PR[R_MV];
    if ((flags & AC_INT_COMP0) && mode == MODE_TOGGLE) {
        PR[R_TOGGLES]++;
        if (AC_STATUSA & AC_STATUSA_STATE0) { if (!PR[R_RISE_MV]) PR[R_RISE_MV] = mv; }
        else if (!PR[R_FALL_MV]) PR[R_FALL_MV] = mv;
    }
    if ((flags & AC_INT_COMP0) && mode == MODE_SINGLE) PR[R_EOC_IRQS]++;
    if ((flags & AC_INT_WIN0) && mode == MODE_WINDOW) {
        uint32_t n = ++PR[R_WIN_IRQS];
        if (n == 1) { PR[R_WIN_UP_MV] = mv; PR[R_WSTATE_INSIDE] = AC_STATUSA_WSTATE0(AC_STATUSA); }
        if (n == 2) PR[R_WIN_DOWN_MV] = mv;
    }
}

static void ac_sync(void) { WAIT(!(AC_STATUSB & AC_STATUSB_SYNCBUSY), 1); }
static void tc3_sync(void) { WAIT(!(TC_STATUS(3) & TC_STATUS_SYNCBUSY), 2); }

static void comp(uint32_t n, uint32_t value)
{
    AC_COMPCTRL(n) = value;
    ac_sync();
}

#define CONTINUOUS(neg) (AC_COMPCTRL_ENABLE | AC_COMPCTRL_SPEED_HIGH | AC_COMPCTRL_MUXPOS(0) | AC_COMPCTRL_MUXNEG(neg))

static void no_clock_then_clock(void)
{
    AC_CTRLA = AC_CTRLA_SWRST;
    ac_sync();
    WAIT(!(AC_CTRLA & AC_CTRLA_SWRST), 1);
    AC_CTRLA = AC_CTRLA_ENABLE;
    ac_sync();
    AC_SCALER(0) = 31;
    comp(0, CONTINUOUS(AC_MUXNEG_VSCALE) | AC_COMPCTRL_INTSEL(0) | AC_COMPCTRL_OUT_SYNC);
    for (int i = 0; i < 2000; i++) (void)AC_STATUSB;
    PR[R_NOCLK_STATUSB] = AC_STATUSB;
    gclk_channel(GCLK_ID_AC_DIG, 3);
    PR[R_READY_POLLS] = WAIT(AC_STATUSB & AC_STATUSB_READY0, 3);
    PR[R_COMPCTRL0] = AC_COMPCTRL(0);
}

static void window(void)
{
    AC_INTENCLR = 0xFF;
    comp(0, 0);
    AC_SCALER(0) = 47;
    AC_SCALER(1) = 15;
    AC_WINCTRL = AC_WINCTRL_WEN0 | AC_WINCTRL_WINTSEL0(1);
    ac_sync();
    comp(0, CONTINUOUS(AC_MUXNEG_VSCALE));
    comp(1, CONTINUOUS(AC_MUXNEG_VSCALE));
    WAIT((AC_STATUSB & (AC_STATUSB_READY0 | AC_STATUSB_READY1)) == (AC_STATUSB_READY0 | AC_STATUSB_READY1), 4);
    mode = MODE_WINDOW;
    AC_INTFLAG = 0xFF;
    AC_INTENSET = AC_INT_WIN0;
}

static void single_shot(void)
{
    AC_INTENCLR = 0xFF;
    mode = MODE_SINGLE;
    AC_WINCTRL = 0;
    ac_sync();
    comp(1, 0);
    comp(0, CONTINUOUS(AC_MUXNEG_BANDGAP) | AC_COMPCTRL_SINGLE | AC_COMPCTRL_INTSEL(3));
    AC_INTFLAG = 0xFF;
    AC_INTENSET = AC_INT_COMP0;
    SYST_RVR = 0xFFFFFF;
    SYST_CVR = 0;
    SYST_CSR = 5;                     /* processor clock, enabled, no interrupt */
    wait_for_host(3);                 /* the test holds PA04 at 1.2 V */
    AC_CTRLB = AC_CTRLB_START0;
    PR[R_STATUSB_AFTER_START] = AC_STATUSB;
    WAIT(AC_STATUSB & AC_STATUSB_READY0, 5);
    PR[R_SINGLE_HIGH] = AC_STATUSA;
    wait_for_host(4);                 /* now 1.0 V */
    __asm volatile ("cpsid i");      /* the EOC handler runs after the timing, not inside it */
    uint32_t t0 = SYST_CVR;
    uint8_t v = AC_STATUSC;
    uint32_t t1 = SYST_CVR;
    __asm volatile ("cpsie i");
    PR[R_SINGLE_LOW] = v;
    PR[R_STATUSC_CYCLES] = (t0 - t1) & 0xFFFFFFu;
}

static void events_to_tc3(void)
{
    AC_INTENCLR = 0xFF;
    mode = MODE_NONE;
    AC_SCALER(0) = 31;
    comp(0, CONTINUOUS(AC_MUXNEG_VSCALE) | AC_COMPCTRL_OUT_SYNC);
    AC_EVCTRL = AC_EVCTRL_COMPEO0;
    WAIT(AC_STATUSB & AC_STATUSB_READY0, 6);
    gclk_channel(GCLK_ID_EVSYS(0), 0);
    EVSYS_CHANNEL = 0 | EVSYS_CHANNEL_EVGEN(EVGEN_AC_COMP0) | EVSYS_CHANNEL_PATH_RESYNC | EVSYS_CHANNEL_EDGSEL_RISING;
    EVSYS_USER = (uint16_t)(EVSYS_USER_TC(3) | (1u << 8));   /* channel 0 + 1 */
    gclk_channel(GCLK_ID_TCC2_TC3, 0);
    TC_CTRLA(3) = TC_CTRLA_SWRST;
    tc3_sync();
    WAIT(!(TC_CTRLA(3) & TC_CTRLA_SWRST), 2);
    TC_EVCTRL(3) = TC_EVCTRL_TCEI | TC_EVCTRL_EVACT_COUNT;
    TC_CTRLA(3) = TC_CTRLA_ENABLE;
    tc3_sync();
    wait_for_host(5);                 /* the test crosses 1.65 V upward five times */
    TC_READREQ(3) = (uint16_t)((1u << 15) | 0x10);   /* RREQ of COUNT */
    tc3_sync();
    PR[R_TC3_COUNT] = TC_COUNT16(3);
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    PM_APBCMASK |= PM_APBCMASK_AC | PM_APBCMASK_EVSYS | PM_APBCMASK_TC(3);
    pin_function(0, 4, PMUX_B, 0);    /* PA04 = AIN0 */
    pin_function(0, 18, PMUX_H, 0);   /* PA18 = CMP0 */
    no_clock_then_clock();
    STEP(2);
    mode = MODE_TOGGLE;
    AC_INTFLAG = 0xFF;
    AC_INTENSET = AC_INT_COMP0;
    NVIC_ISER = 1u << IRQ_AC;
    wait_for_host(1);                 /* the test sweeps PA04 */
    STEP(3); window();
    wait_for_host(2);                 /* the same sweep again */
    STEP(4); single_shot();
    STEP(5); events_to_tc3();
    STEP(6);
    periph_done();
    return 0;
}
