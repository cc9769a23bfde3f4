/**
 * ESP8266 DPORT block at 0x3FF00000 (eagle_soc.h / esp8266_peri.h names): the edge-interrupt
 * enables that gate the FRC1/FRC2 timer interrupts to the core, and CPU2X, which doubles the
 * CPU clock from 80 to 160 MHz (the APB clock of the peripherals stays at 80 MHz).
 */
import { RegisterBlock } from '../register-block.js';

/** EDGE_INT_ENABLE_REG bits. */
export const EDGE_INT_FRC1 = 1 << 1;
export const EDGE_INT_FRC2 = 1 << 2;
export const CPU_CLOCK_80MHZ = 80_000_000;
export const CPU_CLOCK_160MHZ = 160_000_000;

export class Dport extends RegisterBlock {
  constructor(
    /** Called with the new CPU frequency when CPU2X changes. */
    private readonly setCpuFrequency: (hz: number) => void,
  ) {
    super('DPORT', 0x100);
    this.reg({ name: 'EDGE_INT_ENABLE_REG', offset: 0x04, size: 4, writable: EDGE_INT_FRC1 | EDGE_INT_FRC2 });
    this.reg({
      name: 'CPU2X',
      offset: 0x14,
      size: 4,
      writable: 1,
      write: (value) => this.setCpuFrequency(value & 1 ? CPU_CLOCK_160MHZ : CPU_CLOCK_80MHZ),
    });
    this.reg({ name: 'IOSWAP', offset: 0x28, size: 4, unimplemented: true });
  }

  reset(): void {
    this.resetRegisters();
  }

  /** Whether the edge interrupt of FRC1 / FRC2 reaches the core. */
  edgeEnabled(bit: number): boolean {
    return (this.register('EDGE_INT_ENABLE_REG').value & bit) !== 0;
  }
}
