/**
 * WS2812B chain decoding from synthetic DIN edges with exact timings in cycles at 48 MHz
 * (1 cycle = 20.833 ns).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';

const HZ = 48_000_000;

interface BitTiming {
  t0h: number;
  t0l: number;
  t1h: number;
  t1l: number;
}

/** Data-sheet nominal timings in cycles: 0.4/0.85 µs and 0.8/0.45 µs. */
const NOMINAL: BitTiming = { t0h: 19, t0l: 41, t1h: 38, t1l: 22 };
/** CircuitPython's SAMD21 loop on an ideal M0+ (no wait states): 10/45 and 32/22 cycles. */
const CIRCUITPYTHON: BitTiming = { t0h: 10, t0l: 45, t1h: 32, t1l: 22 };

function rig(count: number, timing?: 'datasheet' | 'tolerant') {
  const s = new Scheduler(HZ);
  const chip = new Pin('PB23', s);
  const din = new Pin('DIN', s);
  connect(chip, din);
  chip.drive(0);
  const chain = new Ws2812bChain({ din, count, scheduler: s, timing });
  const at = (cycles: number) => {
    s.advanceTo(s.cycles + cycles);
    s.runDue();
  };
  /** Sends bytes MSB first, then (optionally) a reset gap of `resetUs`. */
  const send = (bytes: number[], t: BitTiming = NOMINAL, resetUs: number | null = 60) => {
    for (const byte of bytes) {
      for (let b = 7; b >= 0; b--) {
        const one = (byte >> b) & 1;
        chip.drive(1);
        at(one ? t.t1h : t.t0h);
        chip.drive(0);
        at(one ? t.t1l : t.t0l);
      }
    }
    if (resetUs !== null) at(Math.round(resetUs * 48));
  };
  return { s, chip, chain, send, at };
}

describe('WS2812B decoding', () => {
  it('decodes GRB bytes at nominal timing and latches after the 50 µs reset', () => {
    const { s, chain, send } = rig(2);
    const changes: number[][] = [];
    chain.onChange((c) => changes.push(c.rgb()));
    send([0x10, 0x20, 0x30, 0xff, 0x00, 0x80], NOMINAL, 49); // 49 µs: not yet latched
    expect(chain.rgb()).toEqual([0, 0]);
    s.advanceTo(s.cycles + 48 * 2);
    s.runDue();
    expect(chain.rgb()).toEqual([0x201030, 0x00ff80]);
    expect(chain.color(0)).toEqual({ r: 0x20, g: 0x10, b: 0x30 });
    expect(changes).toEqual([[0x201030, 0x00ff80]]);
    expect(chain.frames).toBe(1);
    expect(chain.errors).toBe(0);
  });

  it('accepts the limits of the data-sheet windows (strict profile)', () => {
    // 250..550 ns T0H = 12..26.4 cycles; 650..950 ns T1H = 31.2..45.6 cycles.
    const { chain, send } = rig(1, 'datasheet');
    send([0xa5, 0x5a, 0xc3], { t0h: 12, t0l: 34, t1h: 45, t1l: 15 });
    expect(chain.errors).toBe(0);
    expect(chain.rgb()).toEqual([0x5aa5c3]);
  });

  it('rejects out-of-spec highs and lows in the strict profile, keeping the old colours', () => {
    const { chain, send } = rig(1, 'datasheet');
    send([1, 2, 3]);
    expect(chain.rgb()).toEqual([0x020103]);
    send([0xff, 0xff, 0xff], { ...NOMINAL, t1h: 30 }); // 625 ns: between T0H max and T1H min
    expect(chain.errors).toBe(1);
    expect(chain.lastError).toMatch(/neither T0H/);
    expect(chain.rgb()).toEqual([0x020103]);
    send([0, 0, 0], { ...NOMINAL, t0l: 50 }); // 1042 ns T0L > 1000
    expect(chain.errors).toBe(2);
    expect(chain.lastError).toMatch(/T0L/);
    send([0, 0, 0], { ...NOMINAL, t0h: 10 }); // 208 ns T0H < 250 (CircuitPython's value)
    expect(chain.errors).toBe(3);
    expect(chain.rgb()).toEqual([0x020103]);
    // a good frame afterwards decodes again
    send([9, 8, 7]);
    expect(chain.rgb()).toEqual([0x080907]);
  });

  it('the tolerant (default) profile decodes CircuitPython SAMD21 timing but rejects glitches', () => {
    const { chain, send } = rig(10);
    const colours = Array.from({ length: 30 }, (_, i) => (i * 37) & 0xff);
    send(colours, CIRCUITPYTHON);
    expect(chain.errors).toBe(0);
    for (let i = 0; i < 10; i++) {
      expect(chain.color(i)).toEqual({ g: colours[3 * i], r: colours[3 * i + 1], b: colours[3 * i + 2] });
    }
    send([0, 0, 0], { ...NOMINAL, t0h: 5 }); // 104 ns: lost
    expect(chain.errors).toBe(1);
    expect(chain.lastError).toMatch(/high pulse of 104 ns/);
  });

  it('passes data on: a short frame updates only the first pixels, surplus goes to the next chain', () => {
    const { s, chip, chain, send } = rig(2);
    const next = new Ws2812bChain({ din: new Pin('unused', s), count: 1, scheduler: s });
    chain.next = next;
    send([1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(chain.rgb()).toEqual([0x010101, 0x020202]);
    expect(next.rgb()).toEqual([0x030303]);
    send([4, 4, 4]); // one pixel's worth: the second keeps its colour
    expect(chain.rgb()).toEqual([0x040404, 0x020202]);
    send([5, 5]); // incomplete pixel: nothing changes
    expect(chain.rgb()).toEqual([0x040404, 0x020202]);
    void chip;
  });

  it('treats a low shorter than the reset as part of the frame (no latch mid-stream)', () => {
    const { chain, send, at } = rig(2);
    send([1, 2, 3], NOMINAL, null);
    at(48 * 20); // 20 µs pause: tolerant profile keeps the frame
    send([4, 5, 6]);
    expect(chain.rgb()).toEqual([0x020103, 0x050406]);
    expect(chain.frames).toBe(1);
  });

  it('supports RGBW (SK6812) pixels', () => {
    const s = new Scheduler(HZ);
    const din = new Pin('DIN', s);
    const chain = new Ws2812bChain({ din, count: 1, scheduler: s, bytesPerPixel: 4 });
    for (const byte of [1, 2, 3, 4])
      for (let b = 7; b >= 0; b--) {
        const one = (byte >> b) & 1;
        din.drive(1);
        s.advanceTo(s.cycles + (one ? 38 : 19));
        din.drive(0);
        s.advanceTo(s.cycles + (one ? 22 : 41));
      }
    s.advanceTo(s.cycles + 48 * 60);
    s.runDue();
    expect(chain.color(0)).toEqual({ g: 1, r: 2, b: 3, w: 4 });
  });
});
