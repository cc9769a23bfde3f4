import { describe, expect, it } from 'vitest';
import { Samd21Rig as Harness } from '../helpers/samd21-rig.js';
import { TC } from '../../peripherals/samd21/tc.js';
import { TCC } from '../../peripherals/samd21/tcc.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { GCLK_ID, IRQ } from '../../peripherals/samd21/memory-map.js';

/** Records the edges of a pin: [level, cycle]. */
function probe(h: Harness, name: string) {
  const pin = new Pin(name, h.scheduler);
  const edges: [number, number][] = [];
  pin.net.onEdge((_n, level, cycle) => edges.push([level, cycle]));
  return { pin, edges };
}

function risingPeriodsAndHighTimes(edges: [number, number][]) {
  const rises = edges.filter((e) => e[0] === 1).map((e) => e[1]);
  const periods = rises.slice(1).map((t, i) => t - rises[i]);
  const highs: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) if (edges[i][0] === 1 && edges[i + 1][0] === 0) highs.push(edges[i + 1][1] - edges[i][1]);
  return { periods, highs };
}

const TC3 = 0x42002c00;
const TC4 = 0x42003000;
// TC COUNT16 offsets
const CTRLA = 0x00, READREQ = 0x02, CTRLBSET = 0x05, INTENSET = 0x0d, INTFLAG = 0x0e, STATUS = 0x0f, COUNT = 0x10, PER = 0x14, CC0 = 0x18, CC1 = 0x1a;

function tcSetup(n = 3) {
  const h = new Harness({ gclkHz: 48_000_000, recordEvents: true });
  const tc = h.mcu.tc[n as 3 | 4 | 5];
  return { h, tc, base: n === 3 ? TC3 : n === 4 ? TC4 : 0x42003400 };
}

const syncTc = (h: Harness, base: number) => h.runWhile(() => (h.r8(base + STATUS) & 0x80) !== 0, 10_000);

describe('TC', () => {
  it('MPWM: CC0 is the period, CC1 the duty on WO[1], measured on the pin edges', () => {
    const { h, tc, base } = tcSetup(3);
    const { pin, edges } = probe(h, 'wo1');
    tc.attachOutput(1, pin);
    h.w16(base + CTRLA, (0 << 2) | (3 << 5) | (0 << 8)); // COUNT16, MPWM, DIV1
    h.w16(base + CC0, 999);
    h.w16(base + CC1, 250);
    h.w16(base + CTRLA, (3 << 5) | 2);
    syncTc(h, base);
    h.run(10_000);
    const { periods, highs } = risingPeriodsAndHighTimes(edges);
    expect(periods.length).toBeGreaterThan(5);
    expect(new Set(periods)).toEqual(new Set([1000]));
    expect(new Set(highs)).toEqual(new Set([250]));
  });

  it('NPWM in COUNT8 with PER and a /8 prescaler on a 8 MHz GCLK; INVEN inverts', () => {
    const { h, tc, base } = tcSetup(4);
    h.gclk.set(GCLK_ID.TC4_TC5, 8_000_000);
    const { pin, edges } = probe(h, 'wo0');
    tc.attachOutput(0, pin);
    h.w16(base + CTRLA, (1 << 2) | (2 << 5) | (3 << 8)); // COUNT8, NPWM, DIV8
    h.w8(base + 0x06, 1); // CTRLC.INVEN0
    h.w8(base + PER, 99);
    h.w8(base + CC0, 30);
    h.w16(base + CTRLA, (1 << 2) | (2 << 5) | (3 << 8) | 2);
    syncTc(h, base);
    h.run(48 * 100 * 8);
    // One tick = 8 / 8 MHz = 1 µs = 48 cycles; period 100 ticks; inverted: low for 30 ticks.
    const falls = edges.filter((e) => e[0] === 0).map((e) => e[1]);
    expect(falls[2] - falls[1]).toBe(4800);
    const lows: number[] = [];
    for (let i = 0; i + 1 < edges.length; i++) if (edges[i][0] === 0 && edges[i + 1][0] === 1) lows.push(edges[i + 1][1] - edges[i][1]);
    expect(new Set(lows)).toEqual(new Set([30 * 48]));
  });

  it('OVF interrupt every period; COUNT read through READREQ; STOP command', () => {
    const { h, base } = tcSetup(3);
    h.w16(base + CTRLA, (1 << 5) | (2 << 8)); // MFRQ, DIV4
    h.w16(base + CC0, 479); // 480 ticks * 4 = 1920 cycles
    h.w8(base + INTENSET, 1);
    h.w16(base + CTRLA, (1 << 5) | (2 << 8) | 2);
    syncTc(h, base);
    const t0 = h.now;
    h.run(1920 * 5 + 10);
    const rises = h.irqRises.get(IRQ.TC3) ?? [];
    expect(rises.length).toBe(1); // the flag stays set until cleared
    expect(rises[0] - t0).toBe(1920);
    h.w8(base + INTFLAG, 1);
    h.run(1920);
    expect(h.irqRises.get(IRQ.TC3)!.length).toBe(2);
    // READREQ.RREQ with ADDR = COUNT: a synchronised snapshot.
    h.w16(base + READREQ, 0x8000 | 0x10);
    syncTc(h, base);
    const c = h.r16(base + COUNT);
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(479);
    // Without RREQ or RCONT a read is the live count (what CircuitPython's SAMD21 PulseIn relies on).
    const live0 = h.r16(base + COUNT);
    h.run(40);
    expect((h.r16(base + COUNT) - live0 + 480) % 480).toBe(10);
    h.w16(base + READREQ, 0x4000 | 0x10); // RCONT
    const a = h.r16(base + COUNT);
    h.run(40); // 10 ticks
    const b = h.r16(base + COUNT);
    expect((b - a + 480) % 480).toBe(10);
    h.w8(base + CTRLBSET, 2 << 6); // STOP
    syncTc(h, base);
    expect(h.r8(base + STATUS) & 0x08).toBe(0x08);
    const s = h.r16(base + COUNT);
    h.run(1000);
    expect(h.r16(base + COUNT)).toBe(s);
  });

  it('one-shot stops at the overflow; down-counting underflows', () => {
    const { h, base } = tcSetup(5);
    h.w8(base + CTRLBSET, (1 << 2) | 1); // ONESHOT, DIR down
    h.w16(base + CTRLA, (1 << 5)); // MFRQ
    h.w16(base + CC0, 99);
    h.w16(base + COUNT, 50);
    h.w16(base + CTRLA, (1 << 5) | 2);
    syncTc(h, base);
    h.run(1000);
    expect(h.r8(base + INTFLAG) & 1).toBe(1);
    expect(h.r8(base + STATUS) & 0x08).toBe(0x08);
  });

  it('COUNT32 on TC4 pairs with TC5 (STATUS.SLAVE) and counts 32 bits', () => {
    const h = new Harness({ gclkHz: 48_000_000, recordEvents: true });
    const tc4 = h.mcu.tc[4 as 3 | 4 | 5];
    const tc5 = h.mcu.tc[5 as 3 | 4 | 5];
    tc4.slave = tc5;
    h.w16(TC4 + CTRLA, (2 << 2) | 2);
    syncTc(h, TC4);
    expect(h.r8(0x42003400 + STATUS) & 0x10).toBe(0x10);
    h.run(100_000);
    h.w16(TC4 + READREQ, 0x8000 | 0x10);
    syncTc(h, TC4);
    expect(h.r32(TC4 + COUNT)).toBeGreaterThan(0xffff);
  });
});

const TCC0 = 0x42002000;
const T = { CTRLA: 0x00, CTRLBSET: 0x05, SYNCBUSY: 0x08, DRVCTRL: 0x18, INTENSET: 0x28, INTFLAG: 0x2c, STATUS: 0x30, COUNT: 0x34, WAVE: 0x3c, PER: 0x40, CC: 0x44, PERB: 0x6c, CCB: 0x70 };

describe('TCC', () => {
  function tccSetup() {
    const h = new Harness({ gclkHz: 48_000_000, recordEvents: true });
    const tcc = h.mcu.tcc[0];
    return { h, tcc };
  }
  const syncTcc = (h: Harness) => h.runWhile(() => h.r32(TCC0 + T.SYNCBUSY) !== 0, 10_000);

  it('NPWM overflow interrupt period = (PER + 1) ticks; CC1 duty on WO[1] and its WO[5] repeat', () => {
    const { h, tcc } = tccSetup();
    const w1 = probe(h, 'wo1');
    const w5 = probe(h, 'wo5');
    tcc.attachOutput(1, w1.pin);
    tcc.attachOutput(5, w5.pin);
    h.w32(TCC0 + T.WAVE, 2); // NPWM
    h.w32(TCC0 + T.PER, 4799);
    h.w32(TCC0 + T.CC + 4, 1200);
    h.w32(TCC0 + T.INTENSET, 1);
    h.w32(TCC0 + T.CTRLA, 2);
    syncTcc(h);
    const t0 = h.now;
    for (let i = 0; i < 4; i++) {
      h.runWhile(() => (h.r32(TCC0 + T.INTFLAG) & 1) === 0);
      expect(h.now - t0).toBe(4800 * (i + 1));
      h.w32(TCC0 + T.INTFLAG, 1);
    }
    expect(h.irqRises.get(IRQ.TCC0)!.length).toBe(4);
    const m = risingPeriodsAndHighTimes(w1.edges);
    expect(new Set(m.periods)).toEqual(new Set([4800]));
    expect(new Set(m.highs)).toEqual(new Set([1200]));
    expect(w5.edges).toEqual(w1.edges);
  });

  it('CCB is double-buffered: the new duty starts at the next update; DRVCTRL.INVEN and POL', () => {
    const { h, tcc } = tccSetup();
    const w0 = probe(h, 'wo0');
    tcc.attachOutput(0, w0.pin);
    h.w32(TCC0 + T.WAVE, 2);
    h.w32(TCC0 + T.PER, 999);
    h.w32(TCC0 + T.CC, 100);
    h.w32(TCC0 + T.CTRLA, 2);
    syncTcc(h);
    h.run(1500);
    h.w32(TCC0 + T.CCB, 600);
    expect(h.r32(TCC0 + T.STATUS) & (1 << 16)).toBe(1 << 16); // CCBV0
    expect(h.r32(TCC0 + T.CC)).toBe(100);
    h.run(3000);
    expect(h.r32(TCC0 + T.CC)).toBe(600);
    expect(h.r32(TCC0 + T.STATUS) & (1 << 16)).toBe(0);
    const m = risingPeriodsAndHighTimes(w0.edges);
    expect(m.highs[0]).toBe(100);
    expect(m.highs[m.highs.length - 1]).toBe(600);
    expect(tcc.output(0)).toBe(w0.pin.level);
  });

  it('READSYNC snapshots COUNT; RETRIGGER restarts; dual-slope DSBOTTOM period is 2 PER', () => {
    const { h } = tccSetup();
    h.w32(TCC0 + T.WAVE, 5); // DSBOTTOM
    h.w32(TCC0 + T.PER, 500);
    h.w32(TCC0 + T.INTENSET, 1);
    h.w32(TCC0 + T.CTRLA, 2);
    syncTcc(h);
    const t0 = h.now;
    h.runWhile(() => (h.r32(TCC0 + T.INTFLAG) & 1) === 0);
    expect(h.now - t0).toBe(1000);
    h.run(250);
    h.w8(TCC0 + T.CTRLBSET, 4 << 5); // READSYNC
    syncTcc(h);
    const c = h.r32(TCC0 + T.COUNT);
    expect(c).toBeGreaterThan(240);
    expect(c).toBeLessThan(270);
    h.w8(TCC0 + T.CTRLBSET, 1 << 5); // RETRIGGER
    h.w8(TCC0 + T.CTRLBSET, 4 << 5);
    expect(h.r32(TCC0 + T.COUNT)).toBe(0);
  });
});
