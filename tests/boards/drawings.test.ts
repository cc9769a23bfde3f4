/**
 * Every board drawing the web app shows agrees with its board's declaration: the drawing exists,
 * each pad's `pin` is a name the declaration's `pins` gives (a board name CircuitPython's pins.c
 * defines), each component's `part` is a part id the declaration has, every touch pad the
 * declaration's touch-pads part names has a pad to touch, and nothing is drawn off the board.
 */
import { describe, expect, it } from 'vitest';
import { BOARDS } from '../../boards/index.js';
import { DRAWINGS } from '../../boards/drawings/index.js';
import type { BoardDrawing } from '../../boards/drawings/types.js';
import type { Samd21Board } from '../../boards/samd21-board.js';

const specs = BOARDS.filter((b) => b.hostable).map((b) => (b.create({ core: 'none' }) as Samd21Board).spec);

/** Whether the point lies inside the outline grown by `slack` mm (1 µm for rounding by default). */
function inside(d: BoardDrawing, x: number, y: number, slack = 1e-3): boolean {
  const o = d.outline;
  if (o.kind === 'circle') return Math.hypot(x - o.cx, y - o.cy) <= o.r + slack;
  return x >= o.x - slack && x <= o.x + o.w + slack && y >= o.y - slack && y <= o.y + o.h + slack;
}
/** Real USB and JST connectors overhang the board edge (by about a millimetre); nothing else may. */
const OVERHANG: Partial<Record<string, number>> = { usb: 1.5, 'battery-connector': 1.5 };
/** The four extreme points of a circle (enough for a rectangle; for a circular outline the farthest point is checked). */
function circleInside(d: BoardDrawing, x: number, y: number, r: number): boolean {
  const o = d.outline;
  if (o.kind === 'circle') return Math.hypot(x - o.cx, y - o.cy) + r <= o.r + 1e-3;
  return [[x - r, y], [x + r, y], [x, y - r], [x, y + r]].every(([px, py]) => inside(d, px, py));
}

describe.each(specs.map((spec) => ({ name: spec.name, spec })))('drawing of $name', ({ spec }) => {
  const drawing = DRAWINGS[spec.drawing];

  it('exists under the id the declaration names, with that id', () => {
    expect(drawing, `no drawing '${spec.drawing}' in boards/drawings/index.ts`).toBeDefined();
    expect(drawing.id).toBe(spec.drawing);
    expect(drawing.width).toBeGreaterThan(0);
    expect(drawing.height).toBeGreaterThan(0);
  });

  it("labels io pads with the declaration's pin names, and only io pads", () => {
    const names = Object.keys(spec.pins);
    for (const pad of drawing.pads) {
      if (pad.kind === 'io') expect(names, `pad ${pad.label}`).toContain(pad.pin);
      else expect(pad.pin, `pad ${pad.label} (${pad.kind})`).toBeNull();
    }
    expect(drawing.pads.some((p) => p.kind === 'io')).toBe(true);
  });

  it('puts no two pads on one chip pad twice under different labels, and no two pads at one spot', () => {
    for (const [i, a] of drawing.pads.entries()) {
      for (const b of drawing.pads.slice(i + 1)) {
        expect(Math.hypot(a.x - b.x, a.y - b.y), `pads ${a.label} and ${b.label} overlap`).toBeGreaterThanOrEqual(a.r + b.r);
      }
    }
    const chipPads = drawing.pads.filter((p) => p.pin).map((p) => (spec.pins as Record<string, string>)[p.pin!]);
    expect(new Set(chipPads).size, 'one chip pad broken out twice').toBe(chipPads.length);
  });

  it("references only part ids the declaration has, and draws every LED, pixel and storage part", () => {
    const ids = spec.parts.map((p) => p.id);
    for (const c of drawing.components) if (c.part !== null) expect(ids, `${c.kind} ${c.label ?? ''}`).toContain(c.part);
    const drawn = new Set(drawing.components.map((c) => c.part));
    const visible = spec.parts.filter((p) => ['led', 'neopixels', 'dotstars', 'spi-flash', 'sd-card', 'bluefruit-le-spi'].includes(p.type));
    for (const p of visible) expect(drawn, `part ${p.id} (${p.type}) not drawn`).toContain(p.id);
  });

  it('draws every pixel of a NeoPixel or DotStar chain once, as its own kind', () => {
    for (const p of spec.parts) {
      if (p.type !== 'neopixels' && p.type !== 'dotstars') continue;
      const kind = p.type === 'neopixels' ? 'neopixel' : 'dotstar';
      const drawn = drawing.components.filter((c) => c.part === p.id);
      expect(drawn.every((c) => c.kind === kind)).toBe(true);
      expect(drawn.map((c) => c.index).sort((a, b) => a! - b!)).toEqual([...Array(p.count).keys()]);
    }
  });

  it('gives every touch pad of the touch-pads part a pad to touch', () => {
    for (const p of spec.parts) {
      if (p.type !== 'touch-pads') continue;
      for (const name of Object.keys(p.pads)) expect(drawing.pads.map((d) => d.pin), `touch pad ${name}`).toContain(name);
    }
  });

  it('keeps every pad, hole, component and text inside the outline', () => {
    for (const p of drawing.pads) expect(circleInside(drawing, p.x, p.y, p.r), `pad ${p.label}`).toBe(true);
    for (const h of drawing.holes) expect(circleInside(drawing, h.x, h.y, h.r), `hole at ${h.x},${h.y}`).toBe(true);
    for (const c of drawing.components) {
      const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([sx, sy]) => [c.x + (sx * c.w) / 2, c.y + (sy * c.h) / 2]);
      expect(corners.every(([x, y]) => inside(drawing, x, y, OVERHANG[c.kind])), `${c.kind} ${c.label ?? ''}`).toBe(true);
    }
    for (const t of drawing.texts) expect(inside(drawing, t.x, t.y), `text ${t.text}`).toBe(true);
  });

  it('covers no pad with a component (the web app draws components over pads)', () => {
    for (const c of drawing.components) {
      for (const p of drawing.pads) {
        // Distance from the pad's centre to the nearest point of the component's rectangle.
        const dx = Math.max(Math.abs(p.x - c.x) - c.w / 2, 0), dy = Math.max(Math.abs(p.y - c.y) - c.h / 2, 0);
        expect(Math.hypot(dx, dy), `${c.kind} ${c.label ?? ''} covers pad ${p.label}`).toBeGreaterThan(p.r);
      }
    }
  });
});
