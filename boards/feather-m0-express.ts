/**
 * Adafruit Feather M0 Express: SAMD21G18A with a 32.768 kHz crystal, 2 MiB SPI flash (CIRCUITPY)
 * on SERCOM2, one NeoPixel on PA06 and the red LED D13 on PA17 (CircuitPython's
 * ports/atmel-samd/boards/feather_m0_express: mpconfigboard.h, mpconfigboard.mk, pins.c).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';

export const FEATHER_M0_EXPRESS_SPEC = {
  name: 'feather_m0_express',
  title: 'Adafruit Feather M0 Express',
  chip: { family: 'samd21', variant: 'G18A', crystal32k: true },
  usb: { vid: 0x239a, pid: 0x8023, manufacturer: 'Adafruit Industries LLC', product: 'Feather M0 Express' },
  pins: {
    A0: 'PA02', A1: 'PB08', A2: 'PB09', A3: 'PA04', A4: 'PA05', A5: 'PB02',
    SCK: 'PB11', MOSI: 'PB10', MISO: 'PA12', D0: 'PA11', RX: 'PA11', D1: 'PA10', TX: 'PA10',
    SDA: 'PA22', SCL: 'PA23', D5: 'PA15', D6: 'PA20', D9: 'PA07', VOLTAGE_MONITOR: 'PA07', BATTERY: 'PA07',
    D10: 'PA18', D11: 'PA16', D12: 'PA19', LED: 'PA17', D13: 'PA17', NEOPIXEL: 'PA06',
  },
  parts: [
    // SERCOM2: MOSI PA08 (PAD0, function D), SCK PA09 (PAD1, D), MISO PA14 (PAD2, C); CS PA13.
    { id: 'flash', type: 'spi-flash', part: 'GD25Q16C', spi: { sercom: 2, miso: 'PA14', mosi: 'PA08', sck: 'PA09' }, cs: 'PA13' },
    { id: 'pixel', type: 'neopixels', din: 'PA06', count: 1 },
    { id: 'redLed', type: 'led', anode: 'PA17', color: 'red' },
  ],
  circuitpy: { kind: 'spi-flash', part: 'flash' },
  drawing: 'feather_m0_express',
} as const satisfies Samd21BoardSpec;

export type FeatherM0ExpressBoard = BoardOf<typeof FEATHER_M0_EXPRESS_SPEC>;
