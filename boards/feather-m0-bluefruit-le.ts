/**
 * Adafruit Feather M0 Bluefruit LE: a Feather M0 Basic (SAMD21G18A, 32.768 kHz crystal, red LED
 * D13 on PA17, 64 KiB internal-flash CIRCUITPY) with a Bluefruit LE SPI module (nRF51822, SDEP)
 * on the Feather's SPI bus (SERCOM4: SCK PB11, MOSI PB10, MISO PA12) with CS on PA06 (Arduino
 * D8), IRQ on PA21 (D7) and RST on PA08 (D4), as Adafruit's BLUEFRUIT_SPI_CS/IRQ/RST for this
 * board. CircuitPython has no build of its own for it, and the feather_m0_basic build leaves
 * PA06/PA08/PA21 out of `microcontroller.pin` (IGNORE_PIN_*), so the module is unreachable from
 * it; the feather_m0_adalogger build (same chip and Feather pinout) names them D8, D4 and D7, as
 * adafruit_bluefruitspi's Feather M0 Bluefruit example uses them. This board runs that build:
 * its `board` names are the Adalogger's (whose SD_CS/SD_CD/GREEN_LED aliases mean nothing here).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';
import { FEATHER_M0_BASIC_SPEC } from './feather-m0-basic.js';
import { FEATHER_M0_ADALOGGER_SPEC } from './feather-m0-adalogger.js';

export const FEATHER_M0_BLUEFRUIT_LE_SPEC = {
  name: 'feather_m0_bluefruit_le',
  title: 'Adafruit Feather M0 Bluefruit LE',
  chip: FEATHER_M0_BASIC_SPEC.chip,
  usb: FEATHER_M0_ADALOGGER_SPEC.usb,
  pins: FEATHER_M0_ADALOGGER_SPEC.pins,
  parts: [
    { id: 'ble', type: 'bluefruit-le-spi', spi: { sercom: 4, miso: 'PA12', mosi: 'PB10', sck: 'PB11' }, cs: 'PA06', irq: 'PA21', reset: 'PA08' },
    { id: 'redLed', type: 'led', anode: 'PA17', color: 'red' },
  ],
  circuitpy: FEATHER_M0_BASIC_SPEC.circuitpy,
  drawing: 'feather_m0_bluefruit_le',
} as const satisfies Samd21BoardSpec;

export type FeatherM0BluefruitLeBoard = BoardOf<typeof FEATHER_M0_BLUEFRUIT_LE_SPEC>;
