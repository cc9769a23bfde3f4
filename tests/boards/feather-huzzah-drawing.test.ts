/**
 * The Feather HUZZAH's drawing against its declaration (boards/feather-huzzah.ts), as
 * tests/boards/drawings.test.ts checks the SAMD21 boards' (which it cannot: the HUZZAH is not
 * hostable and has no part list): io pads name the declaration's pins, the LEDs are its two, the
 * Feather headers sit at the Feather specification's 0.1" pitch, nothing is off the board.
 */
import { describe, expect, it } from 'vitest';
import { DRAWINGS } from '../../boards/drawings/index.js';
import { FEATHER_HUZZAH_SPEC } from '../../boards/feather-huzzah.js';
import { FEATHER_M0_EXPRESS_DRAWING } from '../../boards/drawings/feather-m0.js';

const drawing = DRAWINGS.feather_huzzah!;

describe('drawing of feather_huzzah', () => {
  it('is listed under the board name', () => {
    expect(drawing.id).toBe(FEATHER_HUZZAH_SPEC.name);
  });

  it("labels io pads with the declaration's pin names, and only io pads", () => {
    const names = Object.keys(FEATHER_HUZZAH_SPEC.pins);
    for (const pad of drawing.pads) {
      if (pad.kind === 'io') expect(names, `pad ${pad.label}`).toContain(pad.pin);
      else expect(pad.pin, `pad ${pad.label}`).toBeNull();
    }
    // Every GPIO the declaration names comes out on a pad (RX/TX/SCL/SDA/SCK/MISO/MOSI or its number).
    const gpios = new Set(drawing.pads.filter((p) => p.pin).map((p) => (FEATHER_HUZZAH_SPEC.pins as Record<string, number>)[p.pin!]));
    expect([...gpios].sort((a, b) => a - b)).toEqual([...new Set(Object.values(FEATHER_HUZZAH_SPEC.pins))].sort((a, b) => a - b));
  });

  it('has the Feather header positions (the same 28 holes as the Feather M0 drawing)', () => {
    expect(drawing.pads).toHaveLength(28);
    expect(drawing.pads.map((p) => [p.x, p.y])).toEqual(FEATHER_M0_EXPRESS_DRAWING.pads.map((p) => [p.x, p.y]));
  });

  it("draws the declaration's two LEDs, and nothing off the board", () => {
    const leds = drawing.components.filter((c) => c.kind === 'led').map((c) => c.part).sort();
    expect(leds).toEqual(Object.keys(FEATHER_HUZZAH_SPEC.leds).sort());
    const o = drawing.outline;
    if (o.kind !== 'rect') throw new Error('a Feather is a rectangle');
    for (const c of drawing.components) {
      const overhang = c.kind === 'usb' || c.kind === 'battery-connector' ? 1.5 : 0;
      expect(c.x - c.w / 2, c.label).toBeGreaterThanOrEqual(o.x - overhang);
      expect(c.x + c.w / 2, c.label).toBeLessThanOrEqual(o.x + o.w + overhang);
      expect(c.y - c.h / 2, c.label).toBeGreaterThanOrEqual(o.y - overhang);
      expect(c.y + c.h / 2, c.label).toBeLessThanOrEqual(o.y + o.h + overhang);
    }
  });
});
