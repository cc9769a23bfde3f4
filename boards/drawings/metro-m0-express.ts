/**
 * Adafruit Metro M0 Express (product 3505): the Arduino Uno R3 outline, 68.6 × 53.3 mm, USB on
 * the left edge. Header holes at the Uno R3 positions (0.1" pitch): digital D0-D13, GND, AREF,
 * SDA, SCL along the top edge; power and A0-A5 along the bottom. The parts' positions (chip,
 * flash, NeoPixel, #13 LED, reset button) are approximate, to a couple of millimetres.
 */
import type { BoardDrawing, PadDrawing } from './types.js';

const W = 68.6;
const H = 53.3;
const TOP = 2.54;
const BOTTOM = H - 2.54;
const HOLE = 0.85;

const io = (label: string, x: number, y: number): PadDrawing => ({ label, pin: label, kind: 'io', x, y, r: HOLE });
const power = (label: string, x: number, y: number, kind: PadDrawing['kind'] = 'power'): PadDrawing => ({ label, pin: null, kind, x, y, r: HOLE });

// Uno R3 header x positions, measured from the USB (left) edge.
const DIGITAL_LOW = [63.5, 60.96, 58.42, 55.88, 53.34, 50.8, 48.26, 45.72]; // D0..D7
const DIGITAL_HIGH = [41.66, 39.12, 36.58, 34.04, 31.5, 28.96]; // D8..D13
const ANALOG = [50.8, 53.34, 55.88, 58.42, 60.96, 63.5]; // A0..A5

const pads: PadDrawing[] = [
  ...DIGITAL_LOW.map((x, i) => io(`D${i}`, x, TOP)),
  ...DIGITAL_HIGH.map((x, i) => io(`D${i + 8}`, x, TOP)),
  power('GND', 26.42, TOP, 'ground'),
  power('AREF', 23.88, TOP),
  io('SDA', 21.34, TOP),
  io('SCL', 18.8, TOP),
  power('IORF', 30.48, BOTTOM),
  power('RST', 33.02, BOTTOM),
  power('3V3', 35.56, BOTTOM),
  power('5V', 38.1, BOTTOM),
  power('GND', 40.64, BOTTOM, 'ground'),
  power('GND', 43.18, BOTTOM, 'ground'),
  power('VIN', 45.72, BOTTOM),
  ...ANALOG.map((x, i) => io(`A${i}`, x, BOTTOM)),
];

export const METRO_M0_EXPRESS_DRAWING: BoardDrawing = {
  id: 'metro_m0_express',
  title: 'Metro M0 Express',
  width: W,
  height: H,
  outline: { kind: 'rect', x: 0, y: 0, w: W, h: H, radius: 2 },
  colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [],
  pads,
  components: [
    { x: 2.8, y: 14, w: 6, h: 8, kind: 'usb', part: null, label: 'USB' },
    { x: 6.5, y: 44, w: 13, h: 9, kind: 'battery-connector', part: null, label: 'DC' },
    { x: 36, y: 27, w: 7, h: 7, kind: 'mcu', part: null, label: 'SAMD21' },
    { x: 52, y: 27, w: 5, h: 4, kind: 'flash', part: 'flash', label: 'FLASH' },
    { x: 20, y: 12, w: 3.5, h: 3.5, kind: 'neopixel', part: 'pixel', index: 0, label: '0' },
    { x: 28.5, y: 8, w: 1.6, h: 0.9, kind: 'led', part: 'redLed', label: '#13' },
    { x: 6, y: 4.5, w: 5, h: 5, kind: 'reset-button', part: null, label: 'RESET' },
  ],
  texts: [
    { x: 44, y: 20, text: 'METRO M0 EXPRESS', size: 2.2 },
  ],
};
