/**
 * SAMD21 DAC (data sheet section 35): output voltage on PA02 through PORT function B, references,
 * DATABUF with START events (EMPTY / UNDERRUN, DMA trigger), output sample capture.
 */
import { describe, expect, it } from 'vitest';
import { DAC, DAC_INT } from '../../peripherals/samd21/dac.js';
import { DMA_TRIGGER, EVENT_USER, GCLK_ID } from '../../peripherals/samd21/memory-map.js';
import { Samd21Rig, regs } from '../helpers/samd21-rig.js';

const CTRLA = 0x00;
const CTRLB = 0x01;
const EVCTRL = 0x02;
const INTFLAG = 0x06;
const STATUS = 0x07;
const DATA = 0x08;
const DATABUF = 0x0c;

function setup() {
  const rig = new Samd21Rig({ gclk: { [GCLK_ID.DAC]: 48_000_000 }, recordEvents: true, recordDma: true });
  const dac = rig.mcu.dac;
  const { r, w } = regs(dac);
  const sync = () => rig.waitFor(() => (r(STATUS, 1) & 0x80) === 0);
  // PORT: PA02 -> PMUXEN, function B (PMUX1 low nibble = 1)
  rig.mcu.port.write(0x30 + 1, 1, 0x01);
  rig.mcu.port.write(0x40 + 2, 1, 0x01);
  return Object.assign(rig, { dac, r, w, sync });
}

describe('DAC', () => {
  it('drives VOUT onto PA02 with the AVCC and INT1V references', () => {
    const t = setup();
    const pa02 = t.pin('PA02');
    t.w(CTRLB, 1, 0x01 | (1 << 6)); // EOEN, REFSEL AVCC
    t.w(CTRLA, 1, 0x02);
    expect(t.r(STATUS, 1)).toBe(0x80);
    t.sync();
    t.w(DATA, 2, 512);
    t.sync();
    expect(pa02.voltage).toBeCloseTo((512 / 1023) * 3.3, 6);
    t.w(DATA, 2, 1023);
    t.sync();
    expect(pa02.voltage).toBeCloseTo(3.3, 6);
    t.w(CTRLB, 1, 0x01); // INT1V
    expect(pa02.voltage).toBeCloseTo(1.0, 6);
    t.w(CTRLB, 1, 0x01 | 0x04 | (1 << 6)); // LEFTADJ
    t.w(DATA, 2, 256 << 6);
    t.sync();
    expect(t.dac.value).toBe(256);
    t.w(CTRLB, 1, 1 << 6); // EOEN off: pad released
    expect(pa02.net.floating || pa02.voltage === 0).toBe(true);
  });

  it('does not drive the pad unless PORT selects function B', () => {
    const rig = new Samd21Rig({ gclk: { [GCLK_ID.DAC]: 48_000_000 }, recordEvents: true, recordDma: true });
    const dac = rig.mcu.dac;
    dac.write(CTRLB, 1, 0x01 | (1 << 6));
    dac.write(CTRLA, 1, 0x02);
    dac.write(DATA, 2, 1023);
    rig.runUs(10);
    expect(rig.pin('PA02').voltage).toBe(0);
    expect(dac.voltage).toBeCloseTo(3.3);
  });

  it('moves DATABUF to DATA on START events, flags EMPTY (DMA) and UNDERRUN, and records the samples', () => {
    const t = setup();
    const samples: [number, number][] = [];
    t.dac.onOutput((cycle, value) => samples.push([cycle, value]));
    t.w(CTRLB, 1, 0x01 | (1 << 6));
    t.w(EVCTRL, 1, 0x01); // STARTEI
    t.w(CTRLA, 1, 0x02);
    t.sync();
    expect(t.r(INTFLAG, 1) & DAC_INT.EMPTY).toBe(DAC_INT.EMPTY);
    expect(t.chip.dmaRequestActive(DMA_TRIGGER.DAC_EMPTY)).toBe(true);
    const stream = [100, 600, 300];
    for (const v of stream) {
      t.w(DATABUF, 2, v);
      expect(t.r(INTFLAG, 1) & DAC_INT.EMPTY).toBe(0);
      t.sync();
      t.runUs(20);
      t.chip.deliverEvent(EVENT_USER.DAC_START);
      expect(t.r(INTFLAG, 1) & DAC_INT.EMPTY).toBe(DAC_INT.EMPTY);
      expect(t.pin('PA02').voltage).toBeCloseTo((v / 1023) * 3.3, 6);
    }
    expect(samples.map((s) => s[1])).toEqual(stream);
    expect(samples[1][0] - samples[0][0]).toBeGreaterThan(20 * 48);
    t.chip.deliverEvent(EVENT_USER.DAC_START); // nothing new in DATABUF
    expect(t.r(INTFLAG, 1) & DAC_INT.UNDERRUN).toBe(DAC_INT.UNDERRUN);
    expect(t.dma.filter((d) => d === DMA_TRIGGER.DAC_EMPTY).length).toBe(4);
  });
});
