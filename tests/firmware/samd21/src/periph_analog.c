/*
 * periph_analog.c — ADC, DAC and PTC on the CPX:
 *   ADC (33): GCLK0 48 MHz / 32 = 1.5 MHz CLK_ADC, factory linearity/bias calibration from the NVM
 *   software calibration row, reference INTVCC1 (VDDANA/2) with GAIN DIV2 (full scale = VDDANA,
 *   as CircuitPython's analogio), 12 bits, single-ended against GND, SWTRIG.START polled on
 *   INTFLAG.RESRDY, first result discarded. Light sensor PA11 = AIN19, thermistor PA09 = AIN17,
 *   both on function B.
 *   DAC (35): VOUT on PA02 (function B), AVCC reference, DATA = 512; the ADC then reads PA02 (AIN0).
 *   PTC: the sequence Adafruit FreeTouch uses (see peripherals/samd21/ptc.ts) on Y3 = PA05 (pad A1),
 *   4 samples per measurement.
 *   The test changes the light, the temperature and touches A1 at the handshake; the firmware
 *   then measures everything again.
 */
#include "periph.h"

enum {
    R_CALIB = 3,        /* ADC CALIB as written */
    R_LIGHT1,           /* first pass: light (AIN19), thermistor (AIN17) */
    R_THERM1,
    R_DAC_DATA,         /* DAC DATA read back */
    R_DAC_ADC,          /* the ADC reading PA02 (AIN0) while the DAC drives it */
    R_PTC_UNTOUCHED,
    R_LIGHT2,           /* after the handshake */
    R_THERM2,
    R_PTC_TOUCHED,
    R_ADC_CONVERSIONS,  /* conversions made */
    R_PTC_CTRLA,        /* PTC CONTROLA after init (ENABLE | RUNINSTANDBY) */
};

#define AIN_PA02 0
#define AIN_PA09 17
#define AIN_PA11 19
#define PTC_Y_A1 3          /* PA05 */

static void adc_sync(void) { WAIT(!(ADC_STATUS & ADC_STATUS_SYNCBUSY), 1); }
static void dac_sync(void) { WAIT(!(DAC_STATUS & DAC_STATUS_SYNCBUSY), 2); }
static void ptc_sync(void) { WAIT(!(PTC_CONTROLB & PTC_CONTROLB_SYNCFLAG), 3); }

static void adc_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_ADC;
    gclk_channel(GCLK_ID_ADC, 0);
    ADC_CTRLA = ADC_CTRLA_SWRST;
    adc_sync();
    WAIT(!(ADC_CTRLA & ADC_CTRLA_SWRST), 1);
    /* NVM software calibration row (10.3.2): ADC LINEARITY bits 34:27, BIASCAL bits 37:35. */
    uint32_t w0 = REG32(0x00806020u), w1 = REG32(0x00806024u);
    uint32_t linearity = (w0 >> 27) | ((w1 & 0x7) << 5);
    uint32_t bias = (w1 >> 3) & 0x7;
    ADC_CALIB = (uint16_t)(linearity | (bias << 8));
    PR[R_CALIB] = ADC_CALIB;
    ADC_REFCTRL = ADC_REFSEL_INTVCC1;
    ADC_AVGCTRL = 0;
    ADC_SAMPCTRL = 5;
    ADC_CTRLB = ADC_CTRLB_PRESCALER(3) | ADC_CTRLB_RESSEL_12BIT;   /* DIV32 */
    adc_sync();
    ADC_CTRLA = ADC_CTRLA_ENABLE;
    adc_sync();
}

static uint32_t adc_convert(void)
{
    ADC_INTFLAG = ADC_INT_RESRDY;
    ADC_SWTRIG = ADC_SWTRIG_START;
    adc_sync();
    WAIT(ADC_INTFLAG & ADC_INT_RESRDY, 4);
    PR[R_ADC_CONVERSIONS]++;
    return ADC_RESULT;
}

static uint32_t adc_read(uint32_t ain)
{
    ADC_INPUTCTRL = ADC_INPUTCTRL_MUXPOS(ain) | ADC_INPUTCTRL_MUXNEG_GND | ADC_INPUTCTRL_GAIN_DIV2;
    adc_sync();
    (void)adc_convert();              /* the first conversion after a change is discarded */
    return adc_convert();
}

static void dac_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_DAC;
    gclk_channel(GCLK_ID_DAC, 0);
    pin_function(0, 2, PMUX_B, 0);
    DAC_CTRLA = DAC_CTRLA_SWRST;
    dac_sync();
    WAIT(!(DAC_CTRLA & DAC_CTRLA_SWRST), 2);
    DAC_CTRLB = DAC_CTRLB_EOEN | DAC_CTRLB_REFSEL_AVCC;
    DAC_CTRLA = DAC_CTRLA_ENABLE;
    dac_sync();
    DAC_DATA = 512;
    dac_sync();
    PR[R_DAC_DATA] = DAC_DATA;
}

static void ptc_init(void)
{
    PM_APBCMASK |= PM_APBCMASK_PTC;
    gclk_channel(GCLK_ID_PTC, 3);     /* 8 MHz */
    pin_function(0, 5, PMUX_B, 0);    /* PA05 = Y3 */
    PTC_CONTROLA = 0;
    ptc_sync();
    PTC_UNK4C04 = (uint8_t)(PTC_UNK4C04 & 0x7F);
    ptc_sync();
    PTC_FREQCONTROL = 0;
    ptc_sync();
    PTC_CONTROLC = PTC_CONTROLC_INIT;
    ptc_sync();
    PTC_CONTROLA = 1u << 2;           /* RUNINSTANDBY */
    ptc_sync();
    PTC_INTDISABLE = PTC_INT_WCO | PTC_INT_EOC;
    PTC_YENABLEL = (uint8_t)(PTC_YENABLEL | (1u << PTC_Y_A1));
    ptc_sync();
    PTC_CONTROLA = (uint8_t)(PTC_CONTROLA | PTC_CONTROLA_ENABLE);
    ptc_sync();
    PR[R_PTC_CTRLA] = PTC_CONTROLA;
}

static uint32_t ptc_measure(void)
{
    PTC_INTFLAGS = PTC_INT_WCO | PTC_INT_EOC;
    PTC_YSELECTL = 1u << PTC_Y_A1;
    ptc_sync();
    PTC_YSELECTH = 0;
    ptc_sync();
    PTC_SERRES = 0;
    ptc_sync();
    PTC_CONVCONTROL = PTC_CONVCONTROL_ADCACCUM(2);   /* 4 samples */
    ptc_sync();
    PTC_COMPCAPL = 0x00;
    ptc_sync();
    PTC_COMPCAPH = 0x20;
    ptc_sync();
    PTC_INTCAP = 0x3F;
    ptc_sync();
    PTC_BURSTMODE = 0xA4;
    ptc_sync();
    PTC_CONVCONTROL = (uint8_t)(PTC_CONVCONTROL | PTC_CONVCONTROL_CONVERT);
    WAIT(!(PTC_CONVCONTROL & PTC_CONVCONTROL_CONVERT), 5);
    if (!(PTC_INTFLAGS & PTC_INT_EOC)) FAIL(6);
    return PTC_RESULT;
}

int main(void)
{
    periph_start();
    STEP(1); clocks_init();
    STEP(2); adc_init();
    pin_function(0, 11, PMUX_B, 0);   /* AIN19 */
    pin_function(0, 9, PMUX_B, 0);    /* AIN17 */
    STEP(3);
    PR[R_LIGHT1] = adc_read(AIN_PA11);
    PR[R_THERM1] = adc_read(AIN_PA09);
    STEP(4); dac_init();
    PR[R_DAC_ADC] = adc_read(AIN_PA02);
    STEP(5); ptc_init();
    PR[R_PTC_UNTOUCHED] = ptc_measure();
    STEP(6); wait_for_host(1);
    STEP(7);
    PR[R_LIGHT2] = adc_read(AIN_PA11);
    PR[R_THERM2] = adc_read(AIN_PA09);
    PR[R_PTC_TOUCHED] = ptc_measure();
    STEP(8);
    periph_done();
    return 0;
}
