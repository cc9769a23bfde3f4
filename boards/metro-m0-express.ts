/**
 * Adafruit Metro M0 Express: SAMD21G18A with a 32.768 kHz crystal, 2 MiB SPI flash (CIRCUITPY)
 * on SERCOM5, one NeoPixel on PA30, the red LED D13 on PA17 and the yellow TX/RX LEDs
 * (CircuitPython's ports/atmel-samd/boards/metro_m0_express: mpconfigboard.h, pins.c).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';

export const METRO_M0_EXPRESS_SPEC = {
  name: 'metro_m0_express',
  title: 'Adafruit Metro M0 Express',
  chip: { family: 'samd21', variant: 'G18A', crystal32k: true },
  usb: { vid: 0x239a, pid: 0x8014, manufacturer: 'Adafruit Industries LLC', product: 'Metro M0 Express' },
  pins: {
    A0: 'PA02', A1: 'PB08', A2: 'PB09', A3: 'PA04', A4: 'PA05', A5: 'PB02',
    D0: 'PA11', RX: 'PA11', D1: 'PA10', TX: 'PA10', D2: 'PA14', D3: 'PA09', D4: 'PA08', D5: 'PA15', D6: 'PA20',
    D7: 'PA21', D8: 'PA06', D9: 'PA07', D10: 'PA18', D11: 'PA16', D12: 'PA19', D13: 'PA17', LED: 'PA17',
    SDA: 'PA22', SCL: 'PA23', SCK: 'PB11', MOSI: 'PB10', MISO: 'PA12', NEOPIXEL: 'PA30',
  },
  parts: [
    // MISO PB03 (PAD1), MOSI PB22 (PAD2), SCK PB23 (PAD3), function D; CS PA13.
    { id: 'flash', type: 'spi-flash', part: 'GD25Q16C', spi: { sercom: 5, miso: 'PB03', mosi: 'PB22', sck: 'PB23' }, cs: 'PA13' },
    { id: 'pixel', type: 'neopixels', din: 'PA30', count: 1 },
    { id: 'redLed', type: 'led', anode: 'PA17', color: 'red' },
    { id: 'txLed', type: 'led', anode: 'PA27', color: 'yellow' },
    { id: 'rxLed', type: 'led', anode: 'PA31', color: 'yellow' },
  ],
  circuitpy: { kind: 'spi-flash', part: 'flash' },
  drawing: 'metro_m0_express',
} as const satisfies Samd21BoardSpec;

export type MetroM0ExpressBoard = BoardOf<typeof METRO_M0_EXPRESS_SPEC>;
