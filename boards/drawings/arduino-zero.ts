/**
 * Arduino Zero (ABX00003): the Uno R3 outline and header holes (uno-r3.ts), including the
 * power header's unconnected first hole. On the left edge, from the top: the reset button, the
 * "programming" micro-USB port (the EDBG debugger, whose virtual COM port is the `edbg` part)
 * and the "native" micro-USB port (the SAMD21's own USB), then the DC jack. The EDBG chip sits
 * near the programming port, the SAMD21 in the middle, the amber "L" LED beside pin 13. The
 * parts' positions are from product photos, to a few millimetres; the 6-pin ICSP/SPI header
 * (which repeats SCK/MOSI/MISO) and the 10-pin debug header are not drawn.
 */
import type { BoardDrawing } from './types.js';
import { UNO_HEIGHT as H, UNO_WIDTH as W, unoHeaderPads } from './uno-r3.js';

export const ARDUINO_ZERO_DRAWING: BoardDrawing = {
  id: 'arduino_zero',
  title: 'Arduino Zero',
  width: W,
  height: H,
  outline: { kind: 'rect', x: 0, y: 0, w: W, h: H, radius: 2 },
  colors: { board: '#00787f', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [{ x: 15.24, y: 50.8, r: 1.6 }, { x: 66.04, y: 7.62, r: 1.6 }, { x: 66.04, y: 35.56, r: 1.6 }, { x: 13.97, y: 2.54, r: 1.6 }],
  pads: unoHeaderPads(true),
  components: [
    { x: 5, y: 4.6, w: 4.5, h: 4.5, kind: 'reset-button', part: null, label: 'RESET' },
    { x: 3, y: 13, w: 5.6, h: 7.8, kind: 'usb', part: 'edbg', label: 'PROGRAMMING' },
    { x: 3, y: 27, w: 5.6, h: 7.8, kind: 'usb', part: null, label: 'NATIVE' },
    { x: 6.5, y: 44, w: 13, h: 9, kind: 'battery-connector', part: null, label: 'DC' },
    { x: 15, y: 15, w: 7, h: 7, kind: 'mcu', part: 'edbg', label: 'EDBG' },
    { x: 40, y: 27, w: 7, h: 7, kind: 'mcu', part: null, label: 'SAMD21' },
    { x: 29, y: 9, w: 1.6, h: 0.9, kind: 'led', part: 'ledL', label: 'L' },
  ],
  texts: [{ x: 50, y: 18, text: 'ARDUINO ZERO', size: 2.4 }],
};
