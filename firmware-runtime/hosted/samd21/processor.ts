/**
 * microcontroller.cpu.temperature and .voltage on the SAMD21: ports/atmel-samd/common-hal/microcontroller/
 * Processor.c (CircuitPython 9.2.9) with samd-peripherals' samd_peripherals_adc_setup, against the ADC,
 * SYSCTRL and the NVM software calibration and temperature log rows (data sheet 10.3.2, 10.3.3).
 *
 * Temperature: the sensor (MUXPOS TEMP, SYSCTRL.VREF.TSEN) against the 1 V reference, 12 bits, two
 * conversions with the first discarded, then the data sheet's two-step formula (37.11.8.2.1: a coarse
 * temperature assuming INT1V = 1 V, then the INT1V drift at that temperature from the log's two points).
 * Voltage: SCALEDIOVCC (VDDIO / 4) against the 1 V reference, reading / 4095 x 4. Both in float32, as the
 * port computes them.
 */
import { NVM_CALIBRATION, NVM_TEMP_LOG } from '../../../peripherals/samd21/memory-map.js';
import { ADC_MUXPOS, ADC_MUXNEG } from '../../../peripherals/samd21/adc.js';
import type { Samd21Hal } from './hal.js';

const ADC = 0x42004000;
const SYSCTRL_VREF = 0x40000800 + 0x40;
const VREF_TSEN = 1 << 1;
/** ADC register offsets (33.8). */
const R = { CTRLA: 0x00, REFCTRL: 0x01, AVGCTRL: 0x02, SAMPCTRL: 0x03, CTRLB: 0x04, SWTRIG: 0x0c, INPUTCTRL: 0x10, INTFLAG: 0x18, STATUS: 0x19, RESULT: 0x1a, CALIB: 0x28 } as const;
const REFSEL_INT1V = 0;
const PRESCALER_DIV32 = 3 << 8;
/** ADC_TEMP_SAMPLE_LENGTH of Processor.c. */
const TEMP_SAMPLE_LENGTH = 4;
/** AVGCTRL: SAMPLENUM 4 samples, ADJRES 2 (no effect at RESSEL 12 bits, as on the chip). */
const TEMP_AVGCTRL = 2 | (2 << 4);
const f = Math.fround;

export class Samd21Processor {
  constructor(private readonly hal: Samd21Hal) {}

  private sync(): void {
    const h = this.hal;
    h.waitFor(() => (h.r8(ADC + R.STATUS) & 0x80) === 0, 'ADC STATUS.SYNCBUSY');
  }

  /** samd_peripherals_adc_setup: bus and GCLK clocks, a reset ADC, the factory BIASCAL and LINEARITY. */
  private setup(): void {
    const h = this.hal;
    h.apbc(16);
    h.clockChannel(30);
    h.w8(ADC + R.CTRLA, 1); // SWRST
    h.waitFor(() => (h.r8(ADC + R.CTRLA) & 1) === 0, 'ADC CTRLA.SWRST');
    this.sync();
    // Software calibration row: ADC LINEARITY bits 27..34, BIASCAL bits 35..37 (table 10-4).
    const lo = h.r32(NVM_CALIBRATION);
    const hi = h.r32(NVM_CALIBRATION + 4);
    const linearity = ((lo >>> 27) | (hi << 5)) & 0xff;
    const biascal = (hi >>> 3) & 0x7;
    h.w16(ADC + R.CALIB, linearity | (biascal << 8));
  }

  /** adc_sync_read_channel twice (the first result discarded), then adc_sync_deinit. */
  private readTwice(): number {
    const h = this.hal;
    h.w8(ADC + R.CTRLA, 2); // ENABLE
    this.sync();
    let value = 0;
    for (let i = 0; i < 2; i++) {
      h.w8(ADC + R.INTFLAG, 1); // clear RESRDY
      h.w8(ADC + R.SWTRIG, 2); // START
      h.waitFor(() => (h.r8(ADC + R.INTFLAG) & 1) !== 0, 'ADC INTFLAG.RESRDY');
      value = h.r16(ADC + R.RESULT);
    }
    h.w8(ADC + R.CTRLA, 0);
    this.sync();
    h.w8(ADC + R.CTRLA, 1); // SWRST
    h.waitFor(() => (h.r8(ADC + R.CTRLA) & 1) === 0, 'ADC CTRLA.SWRST');
    return value;
  }

  /** common_hal_mcu_processor_get_temperature (SAMD21). */
  temperature(): number {
    const h = this.hal;
    this.setup();
    h.w16(ADC + R.CTRLB, 0); // RESSEL 12 bits
    this.sync();
    h.w8(ADC + R.REFCTRL, REFSEL_INT1V);
    h.w32(ADC + R.INPUTCTRL, ADC_MUXPOS.TEMP | (ADC_MUXNEG.GND << 8));
    this.sync();
    h.w16(ADC + R.CTRLB, PRESCALER_DIV32);
    this.sync();
    h.w8(ADC + R.SAMPCTRL, TEMP_SAMPLE_LENGTH);
    h.w32(SYSCTRL_VREF, h.r32(SYSCTRL_VREF) | VREF_TSEN);
    h.w8(ADC + R.AVGCTRL, TEMP_AVGCTRL);
    return this.calculateTemperature(this.readTwice());
  }

  /** calculate_temperature: the temperature log row's fields (table 10-5), then equations 1 and 1b. */
  private calculateTemperature(raw: number): number {
    const h = this.hal;
    const val1 = h.r32(NVM_TEMP_LOG);
    const val2 = h.r32(NVM_TEMP_LOG + 4);
    const tempR = f((val1 & 0xff) + decToFrac((val1 >>> 8) & 0xf));
    const tempH = f(((val1 >>> 12) & 0xff) + decToFrac((val1 >>> 20) & 0xf));
    const int1vR = f(1 - f(((val1 >>> 24) << 24) >> 24) / 1000);
    const int1vH = f(1 - f(((val2 & 0xff) << 24) >> 24) / 1000);
    const adcR = (val2 >>> 8) & 0xfff;
    const adcH = (val2 >>> 20) & 0xfff;
    const vadcR = f(f(adcR * int1vR) / 4095);
    const vadcH = f(f(adcH * int1vH) / 4095);
    const slope = f(f(tempH - tempR) / f(vadcH - vadcR));
    const vadc = f(raw / 4095);
    const coarse = f(tempR + f(slope * f(vadc - vadcR)));
    const int1vM = f(int1vR + f(f(f(int1vH - int1vR) * f(coarse - tempR)) / f(tempH - tempR)));
    const vadcM = f(f(raw * int1vM) / 4095);
    return asBoardFloat(f(tempR + f(slope * f(vadcM - vadcR))));
  }

  /** common_hal_mcu_processor_get_voltage (SAMD21). */
  voltage(): number {
    const h = this.hal;
    this.setup();
    h.w8(ADC + R.REFCTRL, REFSEL_INT1V);
    h.w16(ADC + R.CTRLB, 0); // RESSEL 12 bits
    this.sync();
    h.w32(ADC + R.INPUTCTRL, ADC_MUXPOS.SCALEDIOVCC | (ADC_MUXNEG.GND << 8));
    this.sync();
    return asBoardFloat(f(f(this.readTwice() / 4095) * 4));
  }
}

/** convert_dec_to_frac: the log's decimal digit as tenths (the port's helper also handles 2 and 3 digits). */
function decToFrac(v: number): number {
  return f(v / (v < 10 ? 10 : v < 100 ? 100 : 1000));
}

/**
 * A float32 result as the board's Python holds and prints it: CircuitPython's SAMD21 builds keep floats in
 * 30 bits (MICROPY_OBJ_REPR_C: the float32's two low mantissa bits dropped) and print 6 significant digits.
 * Returning that decimal makes `print(cpu.temperature)` here print what the board prints (25.0, 3.30061),
 * where the double expansion of the float32 would print 25.00000762939453.
 */
function asBoardFloat(x: number): number {
  const bits = new Float32Array([x]);
  const word = new Uint32Array(bits.buffer);
  word[0] = word[0]! & ~3;
  return Number(bits[0]!.toPrecision(6));
}
