/**
 * ESP8266 IO_MUX at 0x60000800 (eagle_soc.h PERIPHS_IO_MUX_*_U names): IO_MUX_CONF and one
 * register per pad (function select bits 4, 5 and 8, pull-up bit 7, output enable on sleep...).
 * The model stores them; GPIO sees every pad whatever its function, and the chip routes the
 * I2S output functions (function 1 of U0RXD, MTDO and GPIO2: I2SO_DATA, I2SO_BCK, I2SO_WS) to
 * their pads (boards/chips/esp8266.ts). The function number is bits 4, 5 and 8 (eagle_soc.h
 * PIN_FUNC_SELECT: FUNC bits 1:0 at 5:4, bit 2 at 8).
 */
import { RegisterBlock } from '../register-block.js';

/** Pad registers in address order from +0x04, as eagle_soc.h lists them. */
export const IO_MUX_PADS = [
  'MTDI', 'MTCK', 'MTMS', 'MTDO', 'U0RXD', 'U0TXD', 'SD_CLK', 'SD_DATA0',
  'SD_DATA1', 'SD_DATA2', 'SD_DATA3', 'SD_CMD', 'GPIO0', 'GPIO2', 'GPIO4', 'GPIO5',
] as const;

export type IoMuxPad = (typeof IO_MUX_PADS)[number];

export class IoMux extends RegisterBlock {
  /** Called after a pad register changed (and after reset): the chip re-routes functions. */
  onChange: (() => void) | null = null;

  constructor() {
    super('IO_MUX', 0x100);
    this.reg({ name: 'PERIPHS_IO_MUX_CONF_U', offset: 0x00, size: 4 });
    IO_MUX_PADS.forEach((pad, i) => this.reg({ name: `PERIPHS_IO_MUX_${pad}_U`, offset: 0x04 + 4 * i, size: 4, write: () => this.onChange?.() }));
  }

  reset(): void {
    this.resetRegisters();
    this.onChange?.();
  }

  /** The pad's function number (FUNC_* in eagle_soc.h). */
  func(pad: IoMuxPad): number {
    const v = this.register(`PERIPHS_IO_MUX_${pad}_U`).value;
    return ((v >>> 4) & 3) | (((v >>> 8) & 1) << 2);
  }
}
