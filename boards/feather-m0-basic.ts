/**
 * Adafruit Feather M0 Basic Proto: SAMD21G18A with a 32.768 kHz crystal (CircuitPython's board
 * file does not declare BOARD_HAS_CRYSTAL, so it runs crystal-less from USB clock recovery), the
 * red LED D13 on PA17, no SPI flash: CIRCUITPY lives in the chip's own flash, written through
 * NVMCTRL (CircuitPython's ports/atmel-samd/boards/feather_m0_basic: mpconfigboard.h,
 * mpconfigboard.mk, pins.c).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';
import { SAMD21_INTERNAL_CIRCUITPY } from './samd21-internal-flash.js';

export const FEATHER_M0_BASIC_SPEC = {
  name: 'feather_m0_basic',
  title: 'Adafruit Feather M0 Basic',
  chip: { family: 'samd21', variant: 'G18A', crystal32k: true },
  usb: { vid: 0x239a, pid: 0x8015, manufacturer: 'Adafruit Industries LLC', product: 'Feather M0' },
  pins: {
    A0: 'PA02', A1: 'PB08', A2: 'PB09', A3: 'PA04', A4: 'PA05', A5: 'PB02',
    SCK: 'PB11', MOSI: 'PB10', MISO: 'PA12', D0: 'PA11', RX: 'PA11', D1: 'PA10', TX: 'PA10',
    SDA: 'PA22', SCL: 'PA23', D5: 'PA15', D6: 'PA20', D9: 'PA07', VOLTAGE_MONITOR: 'PA07', BATTERY: 'PA07',
    D10: 'PA18', D11: 'PA16', D12: 'PA19', LED: 'PA17', D13: 'PA17',
  },
  parts: [{ id: 'redLed', type: 'led', anode: 'PA17', color: 'red' }],
  circuitpy: SAMD21_INTERNAL_CIRCUITPY,
  drawing: 'feather_m0_basic',
} as const satisfies Samd21BoardSpec;

export type FeatherM0BasicBoard = BoardOf<typeof FEATHER_M0_BASIC_SPEC>;
