/**
 * Adafruit Metro M0 Express (product 3505): the Arduino Uno R3 outline, 68.6 × 53.3 mm, USB on
 * the left edge. Header holes at the Uno R3 positions (0.1" pitch): digital D0-D13, GND, AREF,
 * SDA, SCL along the top edge; power and A0-A5 along the bottom. The parts' positions (chip,
 * flash, NeoPixel, #13/TX/RX LEDs, reset button) are approximate, to a couple of millimetres.
 */
import type { BoardDrawing } from './types.js';
import { UNO_HEIGHT as H, UNO_WIDTH as W, unoHeaderPads } from './uno-r3.js';

export const METRO_M0_EXPRESS_DRAWING: BoardDrawing = {
  id: 'metro_m0_express',
  title: 'Metro M0 Express',
  width: W,
  height: H,
  outline: { kind: 'rect', x: 0, y: 0, w: W, h: H, radius: 2 },
  colors: { board: '#1b1b1b', silk: '#f2f2f2', pad: '#d8b45a' },
  holes: [],
  pads: unoHeaderPads(false),
  components: [
    { x: 2.8, y: 14, w: 6, h: 8, kind: 'usb', part: null, label: 'USB' },
    { x: 6.5, y: 44, w: 13, h: 9, kind: 'battery-connector', part: null, label: 'DC' },
    { x: 36, y: 27, w: 7, h: 7, kind: 'mcu', part: null, label: 'SAMD21' },
    { x: 52, y: 27, w: 5, h: 4, kind: 'flash', part: 'flash', label: 'FLASH' },
    { x: 20, y: 12, w: 3.5, h: 3.5, kind: 'neopixel', part: 'pixel', index: 0, label: '0' },
    { x: 28.5, y: 8, w: 1.6, h: 0.9, kind: 'led', part: 'redLed', label: '#13' },
    { x: 10.5, y: 15.5, w: 1.6, h: 0.9, kind: 'led', part: 'txLed', label: 'TX' },
    { x: 10.5, y: 18, w: 1.6, h: 0.9, kind: 'led', part: 'rxLed', label: 'RX' },
    { x: 6, y: 4.5, w: 5, h: 5, kind: 'reset-button', part: null, label: 'RESET' },
  ],
  texts: [
    { x: 44, y: 20, text: 'METRO M0 EXPRESS', size: 2.2 },
  ],
};
