/**
 * The Adafruit Feather HUZZAH ESP8266 (product 2821). Header order, the silkscreen labels and the
 * parts' positions are read from Adafruit's published Eagle board file (Adafruit-Feather-ESP8266-
 * HUZZAH-PCB, "rev G" .brd: JP1 1x16 rotated 180°, JP3 1x12; element origins converted to y down).
 * From the USB end: the 16-pin strip RST, 3V, NC, GND, ADC (the ESP8266's one ADC input, 1.0 V max),
 * five holes wired to nothing, SCK (#14), MOSI (#13), MISO (#12), RX, TX, CHPD; the 12-pin strip
 * BAT, EN, USB, #14, #12, #13, #15, #0, #16, #2, SCL (#5), SDA (#4) (the SPI GPIOs come out on both
 * strips). Pin names are the board declaration's (boards/feather-huzzah.ts `pins`: GPIO numbers).
 * The ESP-12F module (24 mm long, its antenna toward the far end) is drawn as its 15 mm can, 9 mm
 * tall instead of 12, so it leaves the header labels visible (as the Bluefruit LE's module in
 * feather-m0.ts); the blue LED (#2) sits on the module beside the can. The reset button is drawn
 * 1.4 mm and the CP2104 3 mm above their places so that they do not cover the vertical pin labels.
 */
import type { BoardDrawing, PadDrawing } from './types.js';

const INCH = 25.4;
const W = 2.0 * INCH;
const H = 0.9 * INCH;
const PITCH = 0.1 * INCH;
const HOLE = 0.85;

type Pin = [label: string, pin: string | null, kind: PadDrawing['kind']];
const io = (label: string, pin = label): Pin => [label, pin, 'io'];
const power = (label: string): Pin => [label, null, 'power'];
const nc: Pin = ['NC', null, 'nc'];

const LONG_STRIP: Pin[] = [
  power('RST'), power('3V'), nc, ['GND', null, 'ground'], power('ADC'), nc, nc, nc, nc, nc,
  io('SCK'), io('MOSI'), io('MISO'), io('RX'), io('TX'), power('CHPD'),
];
const SHORT_STRIP: Pin[] = [
  power('BAT'), power('EN'), power('USB'), io('14'), io('12'), io('13'), io('15'), io('0'), io('16'), io('2'), io('SCL'), io('SDA'),
];

const strip = (pins: Pin[], firstX: number, y: number): PadDrawing[] =>
  pins.map(([label, pin, kind], i) => ({ label, pin, kind, x: firstX + i * PITCH, y, r: HOLE }));

export const FEATHER_HUZZAH_DRAWING: BoardDrawing = {
  id: 'feather_huzzah',
  title: 'Feather HUZZAH ESP8266',
  width: W,
  height: H,
  outline: { kind: 'rect', x: 0, y: 0, w: W, h: H, radius: 2 },
  colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [0.1, 1.9].flatMap((x) => [0.1, 0.8].map((y) => ({ x: x * INCH, y: y * INCH, r: 1.1 }))),
  pads: [...strip(LONG_STRIP, 0.25 * INCH, H - 0.05 * INCH), ...strip(SHORT_STRIP, 0.65 * INCH, 0.05 * INCH)],
  components: [
    { x: 4.4, y: 11.4, w: 5.6, h: 7.8, kind: 'usb', part: null, label: 'USB' },
    { x: 10.8, y: 3.6, w: 6, h: 4.6, kind: 'battery-connector', part: null, label: 'LIPO' },
    { x: 10.4, y: 15.2, w: 4.6, h: 2.8, kind: 'reset-button', part: null, label: 'RESET' },
    { x: 17.1, y: 13.8, w: 4, h: 4, kind: 'mcu', part: null, label: 'CP2104' },
    { x: 2.2, y: 5.4, w: 0.8, h: 1.6, kind: 'led', part: 'red', label: '#0' },
    { x: 32, y: 11.4, w: 15, h: 9, kind: 'radio-module', part: null, label: 'ESP8266' },
    { x: 41.5, y: 8, w: 1.6, h: 0.9, kind: 'led', part: 'blue', label: '#2' },
  ],
  texts: [{ x: 27, y: 16.3, text: 'FEATHER HUZZAH', size: 1.3 }],
};
