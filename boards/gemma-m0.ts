/**
 * Adafruit Gemma M0: SAMD21E18A (32-pin, crystal-less: 48 MHz from DFLL48M in USB clock-recovery
 * mode), one APA102 DotStar on PA00 (data) / PA01 (clock), the red LED D13 on PA23, three pads
 * (A0/D1 PA02 with the DAC, A1/D2 PA05, A2/D0 PA04) and CIRCUITPY in the chip's own flash
 * (CircuitPython's ports/atmel-samd/boards/gemma_m0: mpconfigboard.h, mpconfigboard.mk, pins.c).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';
import { SAMD21_INTERNAL_CIRCUITPY } from './samd21-internal-flash.js';

export const GEMMA_M0_SPEC = {
  name: 'gemma_m0',
  title: 'Adafruit Gemma M0',
  chip: { family: 'samd21', variant: 'E18A', crystal32k: false },
  usb: { vid: 0x239a, pid: 0x801d, manufacturer: 'Adafruit Industries LLC', product: 'Gemma M0' },
  pins: {
    A1: 'PA05', D2: 'PA05', RX: 'PA05', SCL: 'PA05', A2: 'PA04', D0: 'PA04', TX: 'PA04', SDA: 'PA04',
    A0: 'PA02', D1: 'PA02', LED: 'PA23', L: 'PA23', D13: 'PA23',
    APA102_MOSI: 'PA00', DOTSTAR_DATA: 'PA00', APA102_SCK: 'PA01', DOTSTAR_CLOCK: 'PA01',
  },
  parts: [
    // PA00/PA01 are SERCOM1 PAD0/PAD1 (function D): CircuitPython drives the status DotStar with busio.SPI.
    { id: 'dotstar', type: 'dotstars', data: 'PA00', clock: 'PA01', count: 1, sercom: 1 },
    // Capacitive touch through the PTC (Y lines: PA02 Y0, PA04 Y2, PA05 Y3, PA06 Y4, PA07 Y5).
    { id: 'touch', type: 'touch-pads', pads: { A0: 'PA02', A1: 'PA05', A2: 'PA04' } },
    { id: 'redLed', type: 'led', anode: 'PA23', color: 'red' },
  ],
  circuitpy: SAMD21_INTERNAL_CIRCUITPY,
  drawing: 'gemma_m0',
} as const satisfies Samd21BoardSpec;

export type GemmaM0Board = BoardOf<typeof GEMMA_M0_SPEC>;
