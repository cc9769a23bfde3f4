/**
 * Adafruit Trinket M0: SAMD21E18A (32-pin, crystal-less), one APA102 DotStar on PA00 (data) /
 * PA01 (clock), the red LED D13 on PA10 (rev B), five pins D0..D4 and CIRCUITPY in the chip's own
 * flash (CircuitPython's ports/atmel-samd/boards/trinket_m0: mpconfigboard.h, mpconfigboard.mk,
 * pins.c).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';
import { SAMD21_INTERNAL_CIRCUITPY } from './samd21-internal-flash.js';

export const TRINKET_M0_SPEC = {
  name: 'trinket_m0',
  title: 'Adafruit Trinket M0',
  chip: { family: 'samd21', variant: 'E18A', crystal32k: false },
  usb: { vid: 0x239a, pid: 0x801f, manufacturer: 'Adafruit Industries LLC', product: 'Trinket M0' },
  pins: {
    D0: 'PA08', A2: 'PA08', SDA: 'PA08', D1: 'PA02', A0: 'PA02', D2: 'PA09', A1: 'PA09', SCL: 'PA09', MISO: 'PA09',
    D4: 'PA06', A4: 'PA06', TX: 'PA06', MOSI: 'PA06', D3: 'PA07', A3: 'PA07', RX: 'PA07', SCK: 'PA07',
    LED: 'PA10', D13: 'PA10', APA102_MOSI: 'PA00', DOTSTAR_DATA: 'PA00', APA102_SCK: 'PA01', DOTSTAR_CLOCK: 'PA01',
  },
  parts: [
    { id: 'dotstar', type: 'dotstars', data: 'PA00', clock: 'PA01', count: 1, sercom: 1 },
    // Capacitive touch through the PTC (Y lines: PA02 Y0, PA04 Y2, PA05 Y3, PA06 Y4, PA07 Y5).
    { id: 'touch', type: 'touch-pads', pads: { A0: 'PA02', A3: 'PA07', A4: 'PA06' } },
    { id: 'redLed', type: 'led', anode: 'PA10', color: 'red' },
  ],
  circuitpy: SAMD21_INTERNAL_CIRCUITPY,
  drawing: 'trinket_m0',
} as const satisfies Samd21BoardSpec;

export type TrinketM0Board = BoardOf<typeof TRINKET_M0_SPEC>;
