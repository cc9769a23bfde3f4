/**
 * PTC through the register sequence CircuitPython's touchio (Adafruit FreeTouch, samd-peripherals
 * adafruit_ptc.c) runs: init, start conversion, poll CONVERT, read RESULT.
 */
import { describe, expect, it } from 'vitest';
import { PTC } from '../../peripherals/samd21/ptc.js';
import { GCLK_ID, IRQ } from '../../peripherals/samd21/memory-map.js';
import { Samd21Rig } from '../helpers/samd21-rig.js';

const CONTROLA = 0x00;
const CONTROLB = 0x01;
const UNK4C04 = 0x04;
const CONTROLC = 0x05;
const INTDISABLE = 0x08;
const INTENABLE = 0x09;
const INTFLAGS = 0x0a;
const FREQCONTROL = 0x0c;
const CONVCONTROL = 0x0d;
const YSELECTL = 0x10;
const YSELECTH = 0x11;
const YENABLEL = 0x14;
const YENABLEH = 0x15;
const COMPCAPL = 0x18;
const COMPCAPH = 0x19;
const INTCAP = 0x1a;
const SERRES = 0x1b;
const RESULT = 0x1c;
const BURSTMODE = 0x20;

function setup() {
  const rig = new Samd21Rig({ gclk: { [GCLK_ID.PTC]: 8_000_000 }, recordEvents: true, recordDma: true });
  const ptc = rig.mcu.ptc;
  const r = (o: number, size: 1 | 2 = 1) => ptc.read(o, size);
  const w = (o: number, v: number) => ptc.write(o, 1, v);
  const rmw = (o: number, f: (v: number) => number) => w(o, f(r(o)));
  const syncConfig = () => rig.waitFor(() => (r(CONTROLB) & 0x80) === 0);

  const init = (yline: number) => {
    syncConfig();
    rmw(CONTROLA, (v) => v & ~0x02);
    syncConfig();
    rmw(UNK4C04, (v) => v & 0xf7);
    rmw(UNK4C04, (v) => v & 0xfb);
    rmw(UNK4C04, (v) => v & 0xfc);
    syncConfig();
    rmw(FREQCONTROL, (v) => v & 0x9f);
    syncConfig();
    rmw(FREQCONTROL, (v) => v & 0xef);
    syncConfig();
    rmw(FREQCONTROL, (v) => v & 0xf0);
    rmw(CONTROLC, (v) => v | 1);
    rmw(CONTROLA, (v) => v | 4);
    syncConfig();
    rmw(INTDISABLE, (v) => v | 2);
    syncConfig();
    rmw(INTDISABLE, (v) => v | 1);
    if (yline < 8) {
      syncConfig();
      rmw(YENABLEL, (v) => v | (1 << yline));
      syncConfig();
    } else rmw(YENABLEH, (v) => v | (1 << (yline - 8)));
    syncConfig();
    rmw(CONTROLA, (v) => v | 2);
    syncConfig();
  };

  const measure = (yline: number, oversample = 2) => {
    rmw(CONTROLA, (v) => v | 4);
    syncConfig();
    rmw(CONTROLA, (v) => v | 2);
    syncConfig();
    rmw(INTDISABLE, (v) => v | 2);
    syncConfig();
    w(INTFLAGS, 2);
    syncConfig();
    w(INTFLAGS, 1);
    syncConfig();
    syncConfig();
    w(YSELECTL, yline < 8 ? 1 << yline : 0);
    w(YSELECTH, yline > 7 ? 1 << (yline - 8) : 0);
    syncConfig();
    rmw(SERRES, (v) => (v & ~3) | 0);
    syncConfig();
    rmw(CONVCONTROL, (v) => (v & ~7) | oversample);
    syncConfig();
    rmw(FREQCONTROL, (v) => v & ~0x1f);
    syncConfig();
    w(COMPCAPL, 0x00);
    rmw(COMPCAPH, (v) => (v & ~0x3f) | 0x20);
    syncConfig();
    w(INTCAP, 0x3f);
    syncConfig();
    w(BURSTMODE, 0xa4);
    syncConfig();
    rmw(CONVCONTROL, (v) => v | 0x80);
    syncConfig();
    const us = rig.waitFor(() => (r(CONVCONTROL) & 0x80) === 0, 10_000, 16);
    syncConfig();
    return { count: r(RESULT, 2), us };
  };
  return Object.assign(rig, { ptc, r, w, init, measure });
}

describe('PTC (FreeTouch register sequence)', () => {
  it('reads a low count untouched and a clearly higher one touched (CPX A1 = PA05 = Y3)', () => {
    const t = setup();
    t.init(3);
    const first = t.measure(3);
    const threshold = first.count + 100; // CircuitPython's touchio threshold
    expect(first.count).toBeGreaterThan(200);
    expect(first.count).toBeLessThan(1000);
    expect(t.measure(3).count).toBe(first.count); // stable
    t.ptc.setTouch('PA05', true);
    const touched = t.measure(3).count;
    expect(touched).toBeGreaterThan(threshold);
    expect(touched).toBeGreaterThan(2 * first.count);
    t.ptc.setTouch('PA05', false);
    expect(t.measure(3).count).toBeLessThanOrEqual(threshold);
    expect(t.r(INTFLAGS) & 1).toBe(1); // EOC
  });

  it('only the selected Y line sees the touch (A6 = PB09 = Y15 vs A5 = PB02 = Y8)', () => {
    const t = setup();
    t.init(15);
    t.init(8);
    t.ptc.setTouch('PB09', 1);
    const a6 = t.measure(15).count;
    const a5 = t.measure(8).count;
    expect(a6).toBeGreaterThan(a5 + 500);
  });

  it('scales with ADCACCUM and takes time on the PTC clock', () => {
    const t = setup();
    t.init(4);
    const m4 = t.measure(4, 2);
    const m16 = t.measure(4, 4);
    expect(m16.count).toBe(m4.count * 4);
    expect(m16.us).toBeGreaterThan(m4.us * 3);
    expect(m4.us).toBeGreaterThan(30);
  });

  it('raises the PTC interrupt on EOC when enabled; SWRESET clears and self-clears', () => {
    const t = setup();
    t.init(3);
    t.measure(3);
    t.w(INTFLAGS, 1);
    t.w(INTENABLE, 1); // EOC interrupt (FreeTouch's bit-field RMW of INTDISABLE would clear it)
    t.w(CONVCONTROL, 0x82);
    t.waitFor(() => (t.r(CONVCONTROL) & 0x80) === 0);
    expect(t.irqs.get(IRQ.PTC)).toBe(true);
    t.w(CONTROLA, t.r(CONTROLA) & ~2);
    t.waitFor(() => (t.r(CONTROLA) & 2) === 0);
    t.w(CONTROLA, 1);
    t.waitFor(() => (t.r(CONTROLA) & 1) === 0);
    expect(t.r(YENABLEL)).toBe(0);
    expect(t.irqs.get(IRQ.PTC)).toBe(false);
  });
});
