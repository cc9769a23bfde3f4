/**
 * SAMD21 ADC through its registers (data sheet section 33): conversions of known pad voltages,
 * averaging, timing, the temperature sensor against the NVM temperature log, differential mode,
 * window monitor, free-running scan, SWRST.
 */
import { describe, expect, it } from 'vitest';
import { ADC, ADC_INT, ADC_MUXPOS } from '../../peripherals/samd21/adc.js';
import { DAC } from '../../peripherals/samd21/dac.js';
import { DMA_TRIGGER, GCLK_ID, IRQ, TEMPERATURE_LOG } from '../../peripherals/samd21/memory-map.js';
import { Samd21Rig, regs } from '../helpers/samd21-rig.js';

const CTRLA = 0x00;
const REFCTRL = 0x01;
const AVGCTRL = 0x02;
const SAMPCTRL = 0x03;
const CTRLB = 0x04;
const WINCTRL = 0x08;
const SWTRIG = 0x0c;
const INPUTCTRL = 0x10;
const INTENSET = 0x17;
const INTFLAG = 0x18;
const STATUS = 0x19;
const RESULT = 0x1a;
const WINLT = 0x1c;
const WINUT = 0x20;

const GAIN_DIV2 = 0xf << 24;
const MUXNEG_GND = 0x18 << 8;

function setup(adcHz = 8_000_000) {
  const rig = new Samd21Rig({ gclk: { [GCLK_ID.ADC]: adcHz, [GCLK_ID.DAC]: 8_000_000 }, recordEvents: true, recordDma: true });
  const adc = rig.mcu.adc;
  const { r, w } = regs(adc);
  const sync = () => rig.waitFor(() => (r(STATUS, 1) & 0x80) === 0);
  const enable = () => {
    w(CTRLA, 1, 0x02);
    sync();
  };
  /** SWTRIG.START, wait RESRDY, read RESULT (the ASF adc_sync_read_channel sequence). */
  const convert = () => {
    w(SWTRIG, 1, 0x02);
    sync();
    rig.waitFor(() => (r(INTFLAG, 1) & ADC_INT.RESRDY) !== 0);
    return r(RESULT, 2);
  };
  return Object.assign(rig, { adc, r, w, sync, enable, convert });
}

describe('ADC conversions', () => {
  it('converts pad voltages like CircuitPython AnalogIn (INTVCC1, gain 1/2, 12-bit averaged x16)', () => {
    const t = setup();
    t.w(REFCTRL, 1, 0x02); // INTVCC1 = VDDANA/2
    t.w(CTRLB, 2, (1 << 4) | (2 << 8)); // RESSEL 16BIT, PRESCALER DIV16
    t.sync();
    t.w(AVGCTRL, 1, 0x04 | (4 << 4)); // 16 samples, ADJRES 4 -> 12-bit average
    t.w(INPUTCTRL, 4, GAIN_DIV2 | MUXNEG_GND | 19); // AIN19 = PA11 (CPX light sensor)
    t.sync();
    t.enable();
    const light = t.pin('PA11');
    for (const [v, code] of [
      [0, 0],
      [0.825, 1024],
      [1.65, 2048],
      [3.3, 4095],
    ] as const) {
      light.forceVoltage(v);
      expect(t.convert()).toBe(code);
    }
    // AIN17 = PA09 (CPX thermistor), AIN0 = PA02
    t.pin('PA09').forceVoltage(1.0);
    t.w(INPUTCTRL, 4, GAIN_DIV2 | MUXNEG_GND | 17);
    t.sync();
    expect(t.convert()).toBe(Math.floor((1.0 / 3.3) * 4096));
  });

  it('plain 12/10/8-bit results, LEFTADJ, and INT1V / INTVCC0 / AREFA references', () => {
    const t = setup();
    t.pin('PA02').forceVoltage(0.5);
    t.w(INPUTCTRL, 4, MUXNEG_GND | 0);
    t.w(REFCTRL, 1, 0x00); // INT1V
    t.enable();
    expect(t.convert()).toBe(2048);
    t.w(CTRLB, 2, 2 << 4); // 10-bit
    t.sync();
    expect(t.convert()).toBe(512);
    t.w(CTRLB, 2, 3 << 4); // 8-bit
    t.sync();
    expect(t.convert()).toBe(128);
    t.w(CTRLB, 2, (3 << 4) | 0x02); // 8-bit left adjusted
    t.sync();
    expect(t.convert()).toBe(128 << 8);
    t.w(CTRLB, 2, 0);
    t.w(REFCTRL, 1, 0x01); // INTVCC0 = 3.3/1.48
    t.sync();
    expect(t.convert()).toBe(Math.floor((0.5 / (3.3 / 1.48)) * 4096));
    t.pin('PA03').forceVoltage(2.0);
    t.w(REFCTRL, 1, 0x03); // AREFA
    expect(t.convert()).toBe(1024);
  });

  it('accumulates 2^n samples with automatic shift and ADJRES', () => {
    const t = setup();
    t.pin('PA02').forceVoltage(0.25);
    t.w(INPUTCTRL, 4, MUXNEG_GND | 0);
    t.w(CTRLB, 2, 1 << 4);
    t.enable();
    t.w(AVGCTRL, 1, 0x02); // 4 samples, no ADJRES: 14-bit sum
    expect(t.convert()).toBe(1024 * 4);
    t.w(AVGCTRL, 1, 0x08); // 256 samples: auto shift 4 -> 16-bit
    expect(t.convert()).toBe(1024 * 16);
    t.w(AVGCTRL, 1, 0x0a | (4 << 4)); // 1024 samples, shift 6, ADJRES 4 -> 12-bit
    expect(t.convert()).toBe(1024);
  });

  it('takes (SAMPLEN+1)/2 + 1 + bits/2 CLK_ADC periods per sample', () => {
    const t = setup(8_000_000);
    t.w(CTRLB, 2, 7 << 8); // DIV512 -> CLK_ADC 15625 Hz
    t.w(SAMPCTRL, 1, 3); // 2 periods of sampling
    t.enable();
    t.w(SWTRIG, 1, 0x02);
    t.sync();
    const us = t.waitFor(() => (t.r(INTFLAG, 1) & ADC_INT.RESRDY) !== 0, 10_000, 48);
    // (2 + 1 + 6) / 15625 Hz = 576 µs
    expect(us).toBeGreaterThan(570);
    expect(us).toBeLessThan(582);
  });

  it('shows SYNCBUSY 1 then 0 after writes, and SYNCRDY', () => {
    const t = setup();
    t.w(CTRLA, 1, 0x02);
    expect(t.r(STATUS, 1)).toBe(0x80);
    t.sync();
    expect(t.r(STATUS, 1)).toBe(0);
    expect(t.r(INTFLAG, 1) & ADC_INT.SYNCRDY).toBe(ADC_INT.SYNCRDY);
    expect(t.r(CTRLA, 1)).toBe(0x02);
  });

  it('RESULT read clears RESRDY; an unread result gives OVERRUN; interrupt line and DMA trigger', () => {
    const t = setup();
    t.w(INPUTCTRL, 4, MUXNEG_GND | 0);
    t.w(INTENSET, 1, ADC_INT.RESRDY);
    t.enable();
    t.w(SWTRIG, 1, 0x02);
    t.waitFor(() => (t.r(INTFLAG, 1) & ADC_INT.RESRDY) !== 0);
    expect(t.irqs.get(IRQ.ADC)).toBe(true);
    expect(t.dma).toContain(DMA_TRIGGER.ADC_RESRDY);
    expect(t.chip.dmaRequestActive(DMA_TRIGGER.ADC_RESRDY)).toBe(true);
    t.w(SWTRIG, 1, 0x02);
    t.runUs(100);
    expect(t.r(INTFLAG, 1) & ADC_INT.OVERRUN).toBe(ADC_INT.OVERRUN);
    t.r(RESULT, 2);
    expect(t.r(INTFLAG, 1) & ADC_INT.RESRDY).toBe(0);
    expect(t.irqs.get(IRQ.ADC)).toBe(false);
  });

  it('differential mode gives signed results', () => {
    const t = setup();
    t.pin('PA02').forceVoltage(0.2); // AIN0
    t.pin('PA03').forceVoltage(0.7); // AIN1
    t.w(CTRLB, 2, 0x01);
    t.w(INPUTCTRL, 4, (1 << 8) | 0); // AIN0 - AIN1
    t.enable();
    const v = t.convert();
    expect((v << 16) >> 16).toBe(-1024);
  });

  it('window monitor sets WINMON inside the window (mode 3)', () => {
    const t = setup();
    t.w(INPUTCTRL, 4, MUXNEG_GND | 0);
    t.w(WINLT, 2, 1000);
    t.w(WINUT, 2, 3000);
    t.w(WINCTRL, 1, 3);
    t.enable();
    t.pin('PA02').forceVoltage(0.5);
    t.convert();
    expect(t.r(INTFLAG, 1) & ADC_INT.WINMON).toBe(ADC_INT.WINMON);
    t.w(INTFLAG, 1, ADC_INT.WINMON);
    t.pin('PA02').forceVoltage(0.9);
    t.convert();
    expect(t.r(INTFLAG, 1) & ADC_INT.WINMON).toBe(0);
  });

  it('free-running input scan steps INPUTOFFSET through MUXPOS..MUXPOS+INPUTSCAN', () => {
    const t = setup();
    t.pin('PA04').forceVoltage(0.25); // AIN4
    t.pin('PA05').forceVoltage(0.5); // AIN5
    t.pin('PA06').forceVoltage(0.75); // AIN6
    t.w(INPUTCTRL, 4, MUXNEG_GND | 4 | (2 << 16)); // scan 3 inputs from AIN4
    t.w(CTRLB, 2, 0x04); // FREERUN
    t.enable();
    t.w(SWTRIG, 1, 0x02);
    const got: number[] = [];
    for (let i = 0; i < 4; i++) {
      t.waitFor(() => (t.r(INTFLAG, 1) & ADC_INT.RESRDY) !== 0);
      got.push(t.r(RESULT, 2));
    }
    expect(got).toEqual([1024, 2048, 3072, 1024]);
  });

  it('internal inputs: bandgap, scaled supplies, DAC', () => {
    const t = setup();
    const dac = t.mcu.dac;
    t.w(REFCTRL, 1, 0x02); // VDDANA/2 = 1.65 V
    t.enable();
    t.w(INPUTCTRL, 4, MUXNEG_GND | ADC_MUXPOS.SCALEDIOVCC);
    expect(t.convert()).toBe(Math.floor((0.825 / 1.65) * 4096));
    t.w(INPUTCTRL, 4, MUXNEG_GND | ADC_MUXPOS.BANDGAP);
    expect(t.convert()).toBe(Math.floor((1.1 / 1.65) * 4096));
    dac.write(0x01, 1, 0x02 | (1 << 6)); // IOEN, AVCC reference
    dac.write(0x00, 1, 0x02);
    dac.write(0x08, 2, 0x3ff / 2);
    t.runUs(10);
    t.w(INPUTCTRL, 4, MUXNEG_GND | ADC_MUXPOS.DAC);
    expect(t.convert()).toBeCloseTo(Math.floor(((511 / 1023) * 3.3 / 1.65) * 4096), -1);
  });

  it('SWRST restores reset values and disables', () => {
    const t = setup();
    t.w(REFCTRL, 1, 0x02);
    t.enable();
    t.w(CTRLA, 1, 0x01);
    expect(t.r(CTRLA, 1) & 1).toBe(1);
    t.sync();
    expect(t.r(CTRLA, 1)).toBe(0);
    expect(t.r(REFCTRL, 1)).toBe(0);
  });
});

describe('ADC temperature sensor', () => {
  it('reads back the set die temperature with the data-sheet formula and the NVM log', () => {
    const t = setup();
    const L = TEMPERATURE_LOG;
    for (const temp of [-10, 25, 37.5, 60]) {
      t.adc.dieTemperature = temp;
      t.w(REFCTRL, 1, 0x00); // INT1V
      t.w(SAMPCTRL, 1, 0x3f);
      t.w(INPUTCTRL, 4, MUXNEG_GND | ADC_MUXPOS.TEMP);
      t.enable();
      const code = t.convert();
      // Data sheet 37.11.8.2 (coarse value; INT1V = 1 V exactly here)
      const roomT = L.ROOM_TEMP_VAL_INT + L.ROOM_TEMP_VAL_DEC / 10;
      const hotT = L.HOT_TEMP_VAL_INT + L.HOT_TEMP_VAL_DEC / 10;
      const vRoom = L.ROOM_ADC_VAL / 4095;
      const vHot = L.HOT_ADC_VAL / 4095;
      const vM = code / 4095;
      const coarse = roomT + ((hotT - roomT) * (vM - vRoom)) / (vHot - vRoom);
      expect(Math.abs(coarse - temp)).toBeLessThan(0.25);
    }
  });
});
