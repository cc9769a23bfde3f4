/**
 * The Arduino Uno R3 outline and header holes (68.6 × 53.3 mm, USB at the left edge), shared by
 * every Uno-shaped board (Metro M0 Express, Arduino Zero). Hole x positions are the Uno R3's
 * (0.1" pitch, the 0.16" gap between D7 and D8, VIN at 1.8" and A0 at 2.0" from the left edge),
 * on a 0.01" grid from the Uno R3 reference drawing as remembered, not re-measured from a CAD
 * file; the rows sit 0.1" in from the top and bottom edges.
 */
import type { PadDrawing } from './types.js';

export const UNO_WIDTH = 68.6;
export const UNO_HEIGHT = 53.3;
const TOP = 2.54;
const BOTTOM = UNO_HEIGHT - 2.54;
const HOLE = 0.85;

const io = (label: string, x: number, y: number): PadDrawing => ({ label, pin: label, kind: 'io', x, y, r: HOLE });
const power = (label: string, x: number, y: number, kind: PadDrawing['kind'] = 'power'): PadDrawing => ({ label, pin: null, kind, x, y, r: HOLE });

const DIGITAL_LOW = [63.5, 60.96, 58.42, 55.88, 53.34, 50.8, 48.26, 45.72]; // D0..D7
const DIGITAL_HIGH = [41.66, 39.12, 36.58, 34.04, 31.5, 28.96]; // D8..D13
const ANALOG = [50.8, 53.34, 55.88, 58.42, 60.96, 63.5]; // A0..A5

/**
 * D0-D13, GND, AREF, SDA, SCL along the top; the power header (IOREF, RESET, 3V3, 5V, GND, GND,
 * VIN) and A0-A5 along the bottom. `nc`: the power header's first hole, which the Uno R3 leaves
 * unconnected (the Metro M0 has no hole there).
 */
export function unoHeaderPads(nc: boolean): PadDrawing[] {
  return [
    ...DIGITAL_LOW.map((x, i) => io(`D${i}`, x, TOP)),
    ...DIGITAL_HIGH.map((x, i) => io(`D${i + 8}`, x, TOP)),
    power('GND', 26.42, TOP, 'ground'),
    power('AREF', 23.88, TOP),
    io('SDA', 21.34, TOP),
    io('SCL', 18.8, TOP),
    ...(nc ? [power('NC', 27.94, BOTTOM, 'nc')] : []),
    power('IORF', 30.48, BOTTOM),
    power('RST', 33.02, BOTTOM),
    power('3V3', 35.56, BOTTOM),
    power('5V', 38.1, BOTTOM),
    power('GND', 40.64, BOTTOM, 'ground'),
    power('GND', 43.18, BOTTOM, 'ground'),
    power('VIN', 45.72, BOTTOM),
    ...ANALOG.map((x, i) => io(`A${i}`, x, BOTTOM)),
  ];
}
