/**
 * The blocks inside the foundation's full chip (createSamd21): mapped behind the PM bus-clock gate,
 * clocked by the real GCLK, with waveform outputs reaching a pad through PORT's PMUX.
 */
import { describe, expect, it } from 'vitest';
import { createSamd21 } from '../../boards/chips/samd21.js';
import { Sercom } from '../../peripherals/samd21/sercom.js';
import { DMAC } from '../../peripherals/samd21/dmac.js';
import { TC } from '../../peripherals/samd21/tc.js';
import { TCC } from '../../peripherals/samd21/tcc.js';


describe('in the full chip', () => {
  it('TC3 MPWM reaches PA15 (TC3/WO[1], function E) only once PMUX selects it', () => {
    const m = createSamd21({ variant: 'G18A' });
    const bus = m.bus;
    const PM_APBCMASK = 0x40000420;
    const GCLK_CLKCTRL = 0x40000c02;
    const PORT = 0x41004400;
    const TC3 = 0x42002c00;
    // Bus clock off: the TC3 slot reads 0 and ignores writes.
    bus.write(TC3 + 0x18, 2, 1234);
    expect(bus.read(TC3 + 0x18, 2)).toBe(0);
    bus.write(PM_APBCMASK, 4, bus.read(PM_APBCMASK, 4) | (1 << 11));
    // GCLK channel 27 (TCC2/TC3) from generator 0, enabled.
    bus.write(GCLK_CLKCTRL, 2, 27 | (0 << 8) | (1 << 14));
    const hz = m.context.gclkFrequency(27);
    expect(hz).toBeGreaterThan(0);
    bus.write(TC3 + 0x00, 2, 3 << 5); // MPWM
    bus.write(TC3 + 0x18, 2, 99);
    bus.write(TC3 + 0x1a, 2, 25);
    bus.write(TC3 + 0x00, 2, (3 << 5) | 2);
    const pin = m.pin('PA15');
    const edges: number[] = [];
    pin.net.onEdge((_n, _l, c) => edges.push(c));
    const run = (cycles: number) => {
      const s = m.scheduler;
      const end = s.cycles + cycles;
      while (s.nextEventCycle <= end) {
        s.advanceTo(s.nextEventCycle);
        s.runDue();
      }
      s.advanceTo(end);
    };
    const tick = m.scheduler.frequency / hz;
    run(tick * 400);
    expect(edges.length).toBe(0); // not routed yet
    bus.write(PORT + 0x40 + 15, 1, 1); // PINCFG15.PMUXEN
    bus.write(PORT + 0x30 + 7, 1, 4 << 4); // PMUX7.PMUXO = E
    edges.length = 0;
    run(tick * 1000);
    expect(edges.length).toBeGreaterThan(10);
    expect(Math.round((edges[2] - edges[0]) / tick)).toBe(100);
    // 25 ticks high, 75 low (which comes first depends on where routing started).
    expect([25, 75]).toContain(Math.round((edges[1] - edges[0]) / tick));
  });
});
