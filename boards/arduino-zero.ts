/**
 * Arduino Zero: SAMD21G18A with a 32.768 kHz crystal on PA00/PA01 (CircuitPython's board file
 * does not declare BOARD_HAS_CRYSTAL and runs crystal-less), the amber LED "L" (D13) on PA17, native
 * USB on PA24/PA25, and the EDBG debugger's virtual COM port wired to SERCOM5: chip TX on PB22
 * (PAD2, TXPO = 1), RX on PB23 (PAD3, RXPO = 3), as Arduino's variant.cpp defines `Serial`. CircuitPython's
 * console is native USB; the EDBG port is the `edbg` part (a UART console from the board:
 * `board.parts.edbg`, also `board.serialPorts.edbg`: onData/write), reachable from code.py through busio.UART on
 * microcontroller.pin.PB22/PB23. CIRCUITPY in the chip's own flash (CircuitPython's
 * ports/atmel-samd/boards/arduino_zero: mpconfigboard.h, mpconfigboard.mk, pins.c).
 */
import type { BoardOf, Samd21BoardSpec } from './samd21-board.js';
import { SAMD21_INTERNAL_CIRCUITPY } from './samd21-internal-flash.js';

export const ARDUINO_ZERO_SPEC = {
  name: 'arduino_zero',
  title: 'Arduino Zero',
  chip: { family: 'samd21', variant: 'G18A', crystal32k: true },
  usb: { vid: 0x2341, pid: 0x824d, manufacturer: 'Arduino', product: 'Arduino Zero' },
  pins: {
    A0: 'PA02', A1: 'PB08', A2: 'PB09', A3: 'PA04', A4: 'PA05', A5: 'PB02',
    D0: 'PA11', RX: 'PA11', D1: 'PA10', TX: 'PA10', D2: 'PA14', D3: 'PA09', D4: 'PA08', D5: 'PA15', D6: 'PA20',
    D7: 'PA21', D8: 'PA06', D9: 'PA07', D10: 'PA18', D11: 'PA16', D12: 'PA19', D13: 'PA17', LED: 'PA17',
    SDA: 'PA22', SCL: 'PA23', SCK: 'PB11', MOSI: 'PB10', MISO: 'PA12',
  },
  parts: [
    { id: 'edbg', type: 'usb-uart-bridge', sercom: 5, tx: 'PB22', rx: 'PB23', baud: 115_200 },
    { id: 'ledL', type: 'led', anode: 'PA17', color: 'amber' },
  ],
  circuitpy: SAMD21_INTERNAL_CIRCUITPY,
  drawing: 'arduino_zero',
} as const satisfies Samd21BoardSpec;

export type ArduinoZeroBoard = BoardOf<typeof ARDUINO_ZERO_SPEC>;
