/**
 * The Adafruit Feather M0 boards (Express 3403, Basic Proto 2772, Adalogger 2796, Bluefruit LE
 * 2995): one outline and one header layout, differing only in the parts on top.
 *
 * Outline and headers follow Adafruit's "Feather Specification" (learn.adafruit.com/adafruit-feather):
 * 2.0" × 0.9" (50.8 × 22.86 mm), USB at the left end, 0.1" mounting holes at the corners, the
 * 16-pin strip along the bottom edge centred 1.0" from the left, the 12-pin strip along the top
 * centred 1.2" from the left, the strips 0.8" apart; so both strips end 1.75" from the left edge
 * and the pin centres below are exact to the spec's 0.05". Pin order from the USB end: bottom RST,
 * 3V, AREF, GND, A0-A5, SCK, MOSI, MISO, RX, TX, and a 16th hole the M0 Feathers leave
 * unconnected; top BAT, EN, USB, 13, 12, 11, 10, 9, 6, 5, SCL, SDA (Adafruit's Feather M0
 * pinout pages). The parts (chip, connectors, LEDs, NeoPixel, flash, microSD slot, BLE module)
 * are placed from product photos, to a few millimetres; no Eagle file was read. The microSD slot
 * and the BLE module are drawn shorter than they are (9 mm across the board, not 14-16) so they
 * leave the header labels visible.
 */
import type { BoardDrawing, ComponentDrawing, PadDrawing } from './types.js';

const INCH = 25.4;
const W = 2.0 * INCH;
const H = 0.9 * INCH;
const PITCH = 0.1 * INCH;
const TOP = 0.05 * INCH;
const BOTTOM = H - 0.05 * INCH;
const HOLE = 0.85;

type Pin = [label: string, pin: string | null, kind: PadDrawing['kind']];
const io = (label: string, pin = `D${label}`): Pin => [label, pin, 'io'];
const power = (label: string): Pin => [label, null, 'power'];

/** The 16-pin strip, from the USB end (first pin 0.25" from the left edge). */
const LONG_STRIP: Pin[] = [
  power('RST'), power('3V'), power('AREF'), ['GND', null, 'ground'],
  io('A0', 'A0'), io('A1', 'A1'), io('A2', 'A2'), io('A3', 'A3'), io('A4', 'A4'), io('A5', 'A5'),
  io('SCK', 'SCK'), io('MOSI', 'MOSI'), io('MISO', 'MISO'), io('RX', 'RX'), io('TX', 'TX'), ['NC', null, 'nc'],
];
/** The 12-pin strip, from the USB end (first pin 0.65" from the left edge). */
const SHORT_STRIP: Pin[] = [
  power('BAT'), power('EN'), power('USB'),
  io('13'), io('12'), io('11'), io('10'), io('9'), io('6'), io('5'), io('SCL', 'SCL'), io('SDA', 'SDA'),
];

const strip = (pins: Pin[], firstX: number, y: number): PadDrawing[] =>
  pins.map(([label, pin, kind], i) => ({ label, pin, kind, x: firstX + i * PITCH, y, r: HOLE }));

const PADS: PadDrawing[] = [...strip(LONG_STRIP, 0.25 * INCH, BOTTOM), ...strip(SHORT_STRIP, 0.65 * INCH, TOP)];

/** What every Feather M0 carries: USB, LiPo connector, reset button, the chip and the red #13 LED. */
const COMMON: ComponentDrawing[] = [
  { x: 2.9, y: H / 2, w: 5.6, h: 7.8, kind: 'usb', part: null, label: 'USB' },
  { x: 9.6, y: 4.8, w: 6, h: 4.6, kind: 'battery-connector', part: null, label: 'LIPO' },
  { x: 14.3, y: 5.2, w: 2.6, h: 2.6, kind: 'reset-button', part: null, label: 'RESET' },
  { x: 24.5, y: H / 2, w: 7, h: 7, kind: 'mcu', part: null, label: 'SAMD21' },
  { x: 9.8, y: H / 2, w: 1.6, h: 0.9, kind: 'led', part: 'redLed', label: '#13' },
];

function feather(id: string, title: string, extra: ComponentDrawing[]): BoardDrawing {
  return {
    id,
    title,
    width: W,
    height: H,
    outline: { kind: 'rect', x: 0, y: 0, w: W, h: H, radius: 2 },
    colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
    holes: [0.1, 1.9].flatMap((x) => [0.1, 0.8].map((y) => ({ x: x * INCH, y: y * INCH, r: 1.1 }))),
    pads: PADS,
    components: [...COMMON, ...extra],
    texts: [{ x: 24.5, y: 16.3, text: title.toUpperCase(), size: 1.3 }],
  };
}

export const FEATHER_M0_EXPRESS_DRAWING = feather('feather_m0_express', 'Feather M0 Express', [
  { x: 14.5, y: 11.4, w: 3.5, h: 3.5, kind: 'neopixel', part: 'pixel', index: 0, label: '0' },
  { x: 36, y: H / 2, w: 5, h: 6, kind: 'flash', part: 'flash', label: 'FLASH' },
]);

export const FEATHER_M0_BASIC_DRAWING = feather('feather_m0_basic', 'Feather M0 Basic', []);

export const FEATHER_M0_ADALOGGER_DRAWING = feather('feather_m0_adalogger', 'Feather M0 Adalogger', [
  { x: 41.5, y: H / 2, w: 12, h: 9, kind: 'sd-card', part: 'sd', label: 'microSD' },
  { x: 33, y: 8, w: 1.6, h: 0.9, kind: 'led', part: 'greenLed', label: '#8' },
]);

export const FEATHER_M0_BLUEFRUIT_LE_DRAWING = feather('feather_m0_bluefruit_le', 'Feather M0 Bluefruit LE', [
  { x: 41, y: H / 2, w: 15, h: 9, kind: 'radio-module', part: 'ble', label: 'nRF51822' },
]);
