/**
 * A picture of a board as RGBA pixels, painted from its drawing (boards/drawings/, the data the
 * web app draws on its canvas) and the live state of its lights: each NeoPixel's and DotStar's
 * colour fills the middle of its package exactly (a test reads it back at the drawing's
 * position), a lit LED glows in its colour. Outline, holes, pads and parts are flat shapes;
 * silkscreen text is not drawn (no font rasteriser here: the picture is for seeing which lights
 * are on, not for reading labels).
 *
 * No `node:` import: the PNG encoding is the CLI's (pngjs).
 */
import type { BoardDrawing, ComponentDrawing, ComponentKind } from '../../boards/drawings/types.js';

/** The lights of a board, by part id (as the board declaration and the drawing name them). */
export interface BoardLights {
  /** Colours (0xRRGGBB) of each NeoPixel or DotStar chain. */
  chains: Readonly<Record<string, readonly number[]>>;
  /** Each LED: lit or not, and its colour ('red', as the part declares it). */
  leds: Readonly<Record<string, { lit: boolean; color: string }>>;
}

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, rows top to bottom. */
  data: Uint8Array;
}

/** Pixels per millimetre (default) and the margin around the board. */
export const SCREENSHOT_SCALE = 10;
const MARGIN_MM = 2;
const BACKGROUND = 0xffffff;
/** Package colours, as the web app paints them (ui/board-view.ts). */
const BODY: Partial<Record<ComponentKind, number>> = {
  neopixel: 0xf4f1e8, dotstar: 0xf4f1e8, button: 0xc0c0c0, 'reset-button': 0xc0c0c0, 'slide-switch': 0xb8b8b8, led: 0xc9c9c9,
  'light-sensor': 0x3a3a2a, thermistor: 0x6b4a2a, speaker: 0x111111, microphone: 0x9a9a9a, usb: 0xa9a9a9, 'battery-connector': 0xefe8d6,
  mcu: 0x2b2b2b, accelerometer: 0x2b2b2b, flash: 0x2b2b2b, ir: 0x2b2b2b, 'sd-card': 0xb9bcc0, 'radio-module': 0xb9bcc0,
};
/** An unlit NeoPixel's die (ui/board-view.ts). */
const PIXEL_OFF = 0xd9d4c4;
const LED_COLORS: Record<string, number> = { red: 0xff2020, green: 0x20e020, blue: 0x3050ff, yellow: 0xffd020, orange: 0xff8c00, white: 0xffffff };

/** Where a millimetre coordinate of the drawing lands in the picture (pixel column or row). */
export function toPixel(mm: number, scale = SCREENSHOT_SCALE): number {
  return Math.floor((mm + MARGIN_MM) * scale);
}

export function renderBoard(drawing: BoardDrawing, lights: BoardLights, scale = SCREENSHOT_SCALE): RgbaImage {
  if (!(scale > 0 && scale <= 50)) throw new RangeError(`screenshot scale must be 0 < scale <= 50 pixels per mm, not ${scale}`);
  const width = Math.ceil((drawing.width + 2 * MARGIN_MM) * scale);
  const height = Math.ceil((drawing.height + 2 * MARGIN_MM) * scale);
  const p = new Painter(width, height, scale);
  p.fill(BACKGROUND);
  const board = parseColor(drawing.colors.board);
  const o = drawing.outline;
  if (o.kind === 'circle') p.circle(o.cx, o.cy, o.r, board);
  else p.rect(o.x + o.w / 2, o.y + o.h / 2, o.w, o.h, board, o.radius);
  for (const h of drawing.holes) p.circle(h.x, h.y, h.r, BACKGROUND);
  const pad = parseColor(drawing.colors.pad);
  for (const d of drawing.pads) {
    p.circle(d.x, d.y, d.r, pad);
    if (d.r > 1.2) p.circle(d.x, d.y, d.r * 0.45, BACKGROUND); // the hole of a pad or header pin
  }
  for (const c of drawing.components) component(p, c, lights);
  return { width, height, data: p.data };
}

function component(p: Painter, c: ComponentDrawing, lights: BoardLights): void {
  p.rect(c.x, c.y, c.w, c.h, BODY[c.kind] ?? 0x808080, Math.min(c.w, c.h) * 0.15);
  if (c.kind === 'neopixel' || c.kind === 'dotstar') {
    const rgb = c.part ? lights.chains[c.part]?.[c.index ?? 0] : undefined;
    // The die: the pixel's exact colour (what a test reads back), or the package's when dark.
    p.rect(c.x, c.y, c.w * 0.6, c.h * 0.6, rgb ? rgb & 0xffffff : PIXEL_OFF, 0);
  } else if (c.kind === 'led' && c.part && lights.leds[c.part]?.lit) {
    p.rect(c.x, c.y, c.w * 0.7, c.h * 0.7, LED_COLORS[lights.leds[c.part].color.toLowerCase()] ?? LED_COLORS.red, 0);
  }
}

/** '#rgb' or '#rrggbb' -> 0xRRGGBB (drawing data). */
export function parseColor(css: string): number {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(css);
  if (!m) throw new Error(`drawing colour '${css}' is not #rgb or #rrggbb`);
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return parseInt(h, 16);
}

/** Flat shapes in millimetres onto an RGBA buffer (a pixel is painted when its centre is inside). */
class Painter {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    private readonly scale: number,
  ) {
    this.data = new Uint8Array(width * height * 4);
  }

  fill(rgb: number): void {
    for (let i = 0; i < this.width * this.height; i++) this.set(i, rgb);
  }

  circle(cx: number, cy: number, r: number, rgb: number): void {
    this.shape(cx - r, cy - r, cx + r, cy + r, rgb, (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r);
  }

  /** A rectangle centred on (cx, cy) with corners rounded to `radius`. */
  rect(cx: number, cy: number, w: number, h: number, rgb: number, radius: number): void {
    const x0 = cx - w / 2, y0 = cy - h / 2, x1 = cx + w / 2, y1 = cy + h / 2;
    const r = Math.min(radius, w / 2, h / 2);
    this.shape(x0, y0, x1, y1, rgb, (x, y) => {
      const dx = x < x0 + r ? x0 + r - x : x > x1 - r ? x - (x1 - r) : 0;
      const dy = y < y0 + r ? y0 + r - y : y > y1 - r ? y - (y1 - r) : 0;
      return dx * dx + dy * dy <= r * r;
    });
  }

  private shape(x0: number, y0: number, x1: number, y1: number, rgb: number, inside: (x: number, y: number) => boolean): void {
    const s = this.scale;
    const c0 = Math.max(0, toPixel(x0, s)), c1 = Math.min(this.width - 1, toPixel(x1, s));
    const r0 = Math.max(0, toPixel(y0, s)), r1 = Math.min(this.height - 1, toPixel(y1, s));
    for (let row = r0; row <= r1; row++) {
      const y = (row + 0.5) / s - MARGIN_MM;
      if (y < y0 || y > y1) continue;
      for (let col = c0; col <= c1; col++) {
        const x = (col + 0.5) / s - MARGIN_MM;
        if (x >= x0 && x <= x1 && inside(x, y)) this.set(row * this.width + col, rgb);
      }
    }
  }

  private set(pixel: number, rgb: number): void {
    const i = pixel * 4;
    this.data[i] = (rgb >> 16) & 0xff;
    this.data[i + 1] = (rgb >> 8) & 0xff;
    this.data[i + 2] = rgb & 0xff;
    this.data[i + 3] = 0xff;
  }
}
