/**
 * Adafruit Trinket M0 (product 3500): 27 × 15.3 mm, drawn lying down with the USB end on the
 * left (the web app labels header rows along the top and bottom edges). Two rows of five holes
 * at 0.1" pitch, 0.5" apart, at the end away from USB. Pin order from the USB end (the board
 * standing USB up, as Adafruit's pinout diagram shows it): one side Bat, Gnd, 0, 1, 2 (bottom
 * row here); the other USB, 3V, 4, 3, Rst (top row). That order is recalled from Adafruit's
 * Trinket M0 pinout page, not re-checked against the Eagle file; the row positions along the
 * board are estimates (±1 mm). A touch-capable pad's `pin` is the name the declaration's
 * touch-pads part uses (A0 = D1, A3 = D3, A4 = D4), so the web app can touch it. The DotStar,
 * #13 LED, reset button and chip are placed from product photos, to a millimetre or two.
 */
import type { BoardDrawing, PadDrawing } from './types.js';

const W = 27;
const H = 15.3;
const PITCH = 2.54;
const FIRST = 13.97;
const TOP = (H - 12.7) / 2;
const BOTTOM = H - TOP;
const HOLE = 0.85;

type Pin = [label: string, pin: string | null, kind: PadDrawing['kind']];
const row = (pins: Pin[], y: number): PadDrawing[] =>
  pins.map(([label, pin, kind], i) => ({ label, pin, kind, x: FIRST + i * PITCH, y, r: HOLE }));

export const TRINKET_M0_DRAWING: BoardDrawing = {
  id: 'trinket_m0',
  title: 'Trinket M0',
  width: W,
  height: H,
  outline: { kind: 'rect', x: 0, y: 0, w: W, h: H, radius: 1.5 },
  colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [],
  pads: [
    ...row([['USB', null, 'power'], ['3V', null, 'power'], ['4', 'A4', 'io'], ['3', 'A3', 'io'], ['RST', null, 'power']], TOP),
    ...row([['BAT', null, 'power'], ['GND', null, 'ground'], ['0', 'D0', 'io'], ['1', 'A0', 'io'], ['2', 'D2', 'io']], BOTTOM),
  ],
  components: [
    { x: 2.9, y: H / 2, w: 5.6, h: 7.8, kind: 'usb', part: null, label: 'USB' },
    { x: 8.6, y: 5.4, w: 2.2, h: 2.2, kind: 'dotstar', part: 'dotstar', index: 0, label: '0' },
    { x: 8.6, y: 10.2, w: 1.6, h: 0.9, kind: 'led', part: 'redLed', label: '#13' },
    { x: 19.05, y: H / 2, w: 4.4, h: 4.4, kind: 'mcu', part: null, label: 'SAMD21' },
    { x: 25.2, y: H / 2, w: 2.6, h: 3, kind: 'reset-button', part: null, label: 'RESET' },
  ],
  texts: [],
};
