/**
 * Adafruit Gemma M0 (product 3501): a round board 27.9 mm across (Adafruit's Gemma pinout page:
 * 1.1"), USB at the top, JST battery connector at the bottom, six large sewable pads at exactly
 * 45°, 90° and 135° either side of the USB/JST axis (the same page: "the pads are at exact 90 &
 * 45 degree angles except for 0 and 180"). Pad order, clockwise from upper left: Vout, D0/A2,
 * D1/A0 on the left; 3Vo, D2/A1, GND on the right. The order is the Gemma v2 silkscreen's, which
 * the M0 kept, as recalled from Adafruit's pinout diagram (not re-checked against the Eagle file);
 * the pad ring radius and pad size are estimates (±0.5 mm). A touch-capable pad's `pin` is the
 * name the declaration's touch-pads part uses (A0, A1, A2), so the web app can touch it. The
 * DotStar, #13 LED, reset button and chip are placed from product photos, to a couple of mm.
 */
import type { BoardDrawing, PadDrawing } from './types.js';

const D = 27.9;
const C = D / 2;
const PAD_RING = 10.6;
const PAD_R = 2.3;

const at = (deg: number, r: number) => ({ x: C + r * Math.sin((deg * Math.PI) / 180), y: C - r * Math.cos((deg * Math.PI) / 180) });
const pad = (deg: number, label: string, pin: string | null, kind: PadDrawing['kind']): PadDrawing => ({ ...at(deg, PAD_RING), label, pin, kind, r: PAD_R });

export const GEMMA_M0_DRAWING: BoardDrawing = {
  id: 'gemma_m0',
  title: 'Gemma M0',
  width: D,
  height: D,
  outline: { kind: 'circle', cx: C, cy: C, r: C },
  colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [],
  pads: [
    pad(45, '3Vo', null, 'power'),
    pad(90, 'A1', 'A1', 'io'),
    pad(135, 'GND', null, 'ground'),
    pad(225, 'A0', 'A0', 'io'),
    pad(270, 'A2', 'A2', 'io'),
    pad(315, 'Vout', null, 'power'),
  ],
  components: [
    { x: C, y: 3.6, w: 7.6, h: 5.4, kind: 'usb', part: null, label: 'USB' },
    { x: C, y: 24, w: 7.8, h: 5.2, kind: 'battery-connector', part: null, label: 'JST' },
    { x: C, y: C, w: 5, h: 5, kind: 'mcu', part: null, label: 'SAMD21' },
    { x: C, y: 8.6, w: 2.2, h: 2.2, kind: 'dotstar', part: 'dotstar', index: 0, label: '0' },
    { x: C - 3.4, y: 7.6, w: 1.6, h: 0.9, kind: 'led', part: 'redLed', label: '#13' },
    { x: C + 4.3, y: 12.4, w: 2.2, h: 2.2, kind: 'reset-button', part: null, label: 'RESET' },
  ],
  texts: [{ x: C, y: 17.9, text: 'GEMMA M0', size: 1.2 }],
};
