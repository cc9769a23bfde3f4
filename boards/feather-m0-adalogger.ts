/**
 * Adafruit Feather M0 Adalogger: SAMD21G18A with a 32.768 kHz crystal (CircuitPython's board file
 * runs crystal-less), a microSD slot on the Feather's SPI bus (SERCOM4: SCK PB11 PAD3, MOSI PB10
 * PAD2, MISO PA12 PAD0, all function D) with its CS on PA08 (SD_CS / D4), the red LED D13 on
 * PA17 and the green LED D8 on PA06; CIRCUITPY in the chip's own flash (CircuitPython's
 * ports/atmel-samd/boards/feather_m0_adalogger: mpconfigboard.h, mpconfigboard.mk, pins.c). The
 * slot's card-detect switch (SD_CD, PA21) is not modelled. The slot is empty until the host
 * inserts a card image (`board.parts.sd.insert(image)`); CircuitPython 9's SAMD21 builds have no
 * sdcardio, so code.py reaches the card with the adafruit_sdcard library over busio.SPI.
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';
import { SAMD21_INTERNAL_CIRCUITPY } from './samd21-internal-flash.js';

export const FEATHER_M0_ADALOGGER_SPEC = {
  name: 'feather_m0_adalogger',
  title: 'Adafruit Feather M0 Adalogger',
  chip: { family: 'samd21', variant: 'G18A', crystal32k: true },
  usb: { vid: 0x239a, pid: 0x80d3, manufacturer: 'Adafruit Industries LLC', product: 'Feather M0 Adalogger' },
  pins: {
    A0: 'PA02', A1: 'PB08', A2: 'PB09', A3: 'PA04', A4: 'PA05', A5: 'PB02',
    SCK: 'PB11', MOSI: 'PB10', MISO: 'PA12', D0: 'PA11', RX: 'PA11', D1: 'PA10', TX: 'PA10', SDA: 'PA22', SCL: 'PA23',
    D4: 'PA08', SD_CS: 'PA08', D5: 'PA15', D6: 'PA20', D7: 'PA21', SD_CD: 'PA21', D8: 'PA06', GREEN_LED: 'PA06',
    D9: 'PA07', VOLTAGE_MONITOR: 'PA07', BATTERY: 'PA07', D10: 'PA18', D11: 'PA16', D12: 'PA19', D13: 'PA17', LED: 'PA17', RED_LED: 'PA17',
  },
  parts: [
    { id: 'sd', type: 'sd-card', spi: { sercom: 4, miso: 'PA12', mosi: 'PB10', sck: 'PB11' }, cs: 'PA08' },
    { id: 'redLed', type: 'led', anode: 'PA17', color: 'red' },
    { id: 'greenLed', type: 'led', anode: 'PA06', color: 'green' },
  ],
  circuitpy: SAMD21_INTERNAL_CIRCUITPY,
  drawing: 'feather_m0_adalogger',
} as const satisfies Samd21BoardSpec;

export type FeatherM0AdaloggerBoard = BoardOf<typeof FEATHER_M0_ADALOGGER_SPEC>;
