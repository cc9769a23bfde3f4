/**
 * The Adafruit Feather HUZZAH ESP8266 (product 2821): the Feather outline and header positions of
 * feather-m0.ts (Adafruit's "Feather Specification"), with the HUZZAH's own pin names. Pin order
 * from the USB end, as Adafruit's Feather HUZZAH pinout diagram labels them: the 16-pin strip RST,
 * 3V, NC, GND, A (the ESP8266's one ADC input, 1.0 V max), five holes wired to nothing, SCK (#14),
 * MOSI (#13), MISO (#12), RX, TX, CH_PD; the 12-pin strip BAT, EN, USB, #14, #12, #13, #15, #0,
 * #16, #2, SCL (#5), SDA (#4) (the SPI GPIOs come out on both strips). Pin names are the board
 * declaration's (boards/feather-huzzah.ts `pins`: GPIO numbers). The ESP-12 module's can, the
 * CP2104 and the two LEDs (red on #0, blue on #2, on the module) are placed from product photos,
 * to a few millimetres; no Eagle file was read. The module's can is drawn 9 mm across the board, not
 * its 12 mm, so it leaves the header labels visible (as the Bluefruit LE's module in feather-m0.ts).
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
  power('RST'), power('3V'), nc, ['GND', null, 'ground'], power('A'), nc, nc, nc, nc, nc,
  io('SCK'), io('MOSI'), io('MISO'), io('RX'), io('TX'), power('CH_PD'),
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
    { x: 2.9, y: H / 2, w: 5.6, h: 7.8, kind: 'usb', part: null, label: 'USB' },
    { x: 9.6, y: 4.8, w: 6, h: 4.6, kind: 'battery-connector', part: null, label: 'LIPO' },
    { x: 14.3, y: 5.2, w: 2.6, h: 2.6, kind: 'reset-button', part: null, label: 'RESET' },
    { x: 20, y: H / 2, w: 4.5, h: 4.5, kind: 'mcu', part: null, label: 'CP2104' },
    { x: 9.8, y: H / 2, w: 1.6, h: 0.9, kind: 'led', part: 'red', label: '#0' },
    { x: 41.5, y: H / 2, w: 15, h: 9, kind: 'radio-module', part: null, label: 'ESP8266' },
    { x: 32.5, y: 8, w: 1.6, h: 0.9, kind: 'led', part: 'blue', label: '#2' },
  ],
  texts: [{ x: 25, y: 16.3, text: 'FEATHER HUZZAH', size: 1.3 }],
};
