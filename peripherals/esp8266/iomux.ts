/**
 * ESP8266 IO_MUX at 0x60000800 (eagle_soc.h PERIPHS_IO_MUX_*_U names): IO_MUX_CONF and one
 * register per pad (function select bits 4, 5 and 8, pull-up bit 7, output enable on sleep...).
 * The model stores them; pin functions are not routed yet (GPIO sees every pad).
 */
import { RegisterBlock } from '../register-block.js';

/** Pad registers in address order from +0x04, as eagle_soc.h lists them. */
export const IO_MUX_PADS = [
  'MTDI', 'MTCK', 'MTMS', 'MTDO', 'U0RXD', 'U0TXD', 'SD_CLK', 'SD_DATA0',
  'SD_DATA1', 'SD_DATA2', 'SD_DATA3', 'SD_CMD', 'GPIO0', 'GPIO2', 'GPIO4', 'GPIO5',
] as const;

export class IoMux extends RegisterBlock {
  constructor() {
    super('IO_MUX', 0x100);
    this.reg({ name: 'PERIPHS_IO_MUX_CONF_U', offset: 0x00, size: 4 });
    IO_MUX_PADS.forEach((pad, i) => this.reg({ name: `PERIPHS_IO_MUX_${pad}_U`, offset: 0x04 + 4 * i, size: 4 }));
  }

  reset(): void {
    this.resetRegisters();
  }
}
