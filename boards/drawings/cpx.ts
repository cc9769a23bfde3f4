/**
 * Adafruit Circuit Playground Express (product 3333): a round board 50.6 mm across with 14
 * alligator-clip pads around the edge, 20° apart, seven on each side of the USB connector
 * (top) and the JST battery connector (bottom); ten NeoPixels in a ring, numbered
 * counter-clockwise from the one left of the USB connector; buttons A (left) and B (right);
 * the slide switch above the battery connector; the red #13 LED beside the USB connector; the
 * light sensor (eye) and thermistor (thermometer) in the upper half; speaker (note) and
 * microphone (ear) in the lower half. Positions are approximate (a millimetre or two): no CAD
 * file was at hand, and the pad order below has not yet been checked against Adafruit's pinout
 * diagram (a follow-up; the pad-to-pin names themselves come from boards/cpx.ts).
 */
import type { BoardDrawing, ComponentDrawing, PadDrawing } from './types.js';

const D = 50.6;
const C = D / 2;
/** Pads sit on this radius; NeoPixels on a smaller ring. */
const PAD_RING = 22.4;
const PIXEL_RING = 15.2;

const at = (deg: number, r: number) => ({ x: C + r * Math.sin((deg * Math.PI) / 180), y: C - r * Math.cos((deg * Math.PI) / 180) });

/** Pads clockwise from the one right of the USB connector (30°) to the one left of it (330°). */
const PAD_ORDER: [label: string, pin: string | null, kind: PadDrawing['kind']][] = [
  ['A0', 'A0', 'io'], ['A1', 'A1', 'io'], ['A2', 'A2', 'io'], ['A3', 'A3', 'io'], ['3.3V', null, 'power'], ['GND', null, 'ground'], ['VOUT', null, 'power'],
  ['GND', null, 'ground'], ['A4', 'A4', 'io'], ['A5', 'A5', 'io'], ['A6', 'A6', 'io'], ['A7', 'A7', 'io'], ['GND', null, 'ground'], ['3.3V', null, 'power'],
];
const PAD_ANGLES = [30, 50, 70, 90, 110, 130, 150, 210, 230, 250, 270, 290, 310, 330];

const pads: PadDrawing[] = PAD_ORDER.map(([label, pin, kind], i) => ({ ...at(PAD_ANGLES[i], PAD_RING), label, pin, kind, r: 2.6 }));

// NeoPixel 0 is left of the USB connector; the ring runs counter-clockwise (down the left side).
const PIXEL_ANGLES = [-30, -60, -90, -120, -150, 150, 120, 90, 60, 30];
const pixels: ComponentDrawing[] = PIXEL_ANGLES.map((deg, index) => ({
  ...at(deg, PIXEL_RING), kind: 'neopixel', part: 'pixels', index, w: 3.5, h: 3.5, label: String(index),
}));

export const CPX_DRAWING: BoardDrawing = {
  id: 'cpx',
  title: 'Circuit Playground Express',
  width: D,
  height: D,
  outline: { kind: 'circle', cx: C, cy: C, r: C },
  colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [],
  pads,
  components: [
    ...pixels,
    { x: C, y: 1.9, w: 7.6, h: 5.4, kind: 'usb', part: null, label: 'USB' },
    { x: C, y: D - 3.4, w: 7.8, h: 5.6, kind: 'battery-connector', part: null, label: 'BAT' },
    { x: C, y: C - 10.2, w: 7, h: 7, kind: 'mcu', part: null, label: 'SAMD21' },
    { x: C, y: C + 1.8, w: 3, h: 3, kind: 'accelerometer', part: 'accelerometer', label: 'LIS3DH' },
    { x: C - 11.4, y: C + 0.2, w: 5.2, h: 5.2, kind: 'button', part: 'buttonA', label: 'A' },
    { x: C + 11.4, y: C + 0.2, w: 5.2, h: 5.2, kind: 'button', part: 'buttonB', label: 'B' },
    { x: C, y: C + 11.2, w: 7.2, h: 2.8, kind: 'slide-switch', part: 'slideSwitch', label: 'SWITCH' },
    { x: C - 5.4, y: 5.8, w: 1.6, h: 0.9, kind: 'led', part: 'redLed', label: '#13' },
    { x: C - 6.9, y: C - 8.4, w: 1.8, h: 1.8, kind: 'light-sensor', part: 'light', label: 'LIGHT' },
    { x: C + 6.9, y: C - 8.4, w: 1.6, h: 1.0, kind: 'thermistor', part: 'thermistor', label: 'TEMP' },
    { x: C - 6.4, y: C + 6.2, w: 4.6, h: 4.6, kind: 'speaker', part: 'speaker', label: '♪' },
    { x: C + 6.4, y: C + 6.6, w: 3.2, h: 2.4, kind: 'microphone', part: 'microphone', label: 'MIC' },
    { x: C + 3.2, y: C - 3.4, w: 2.6, h: 2.6, kind: 'flash', part: 'flash', label: 'FLASH' },
    { x: C, y: C + 5.2, w: 3.2, h: 2.2, kind: 'reset-button', part: null, label: 'RESET' },
  ],
  texts: [
    { x: C, y: C - 3.3, text: 'CIRCUIT PLAYGROUND', size: 1.5 },
    { x: C, y: C - 1.6, text: 'EXPRESS', size: 1.5 },
  ],
};
