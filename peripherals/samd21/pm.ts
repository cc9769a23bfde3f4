/**
 * PM, the Power Manager (data sheet section 16): CPU and APB clock dividers, the bus clock masks
 * that gate every peripheral's register interface, the sleep mode and the reset cause.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { ResetCause, type BusClocks, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { IRQ, type Bridge } from './memory-map.js';

export class PM extends RegisterBlock implements Samd21Peripheral, BusClocks {
  readonly CTRL: Register;
  readonly SLEEP: Register;
  readonly CPUSEL: Register;
  readonly APBASEL: Register;
  readonly APBBSEL: Register;
  readonly APBCSEL: Register;
  readonly AHBMASK: Register;
  readonly APBAMASK: Register;
  readonly APBBMASK: Register;
  readonly APBCMASK: Register;
  readonly RCAUSE: Register;
  readonly int: InterruptRegisters;

  constructor(private readonly chip: Samd21Chip) {
    super('PM', 0x400);
    const changed = () => {
      // Divider changes complete at once here; CKRDY (INTFLAG bit 0) reports it (16.6.2.3).
      this.int.set(1);
      chip.clockChanged();
    };
    this.CTRL = this.reg({ name: 'CTRL', offset: 0x00, size: 1, writable: 0 });
    this.SLEEP = this.reg({ name: 'SLEEP', offset: 0x01, size: 1, writable: 0x03 });
    this.CPUSEL = this.reg({ name: 'CPUSEL', offset: 0x08, size: 1, writable: 0x07, write: changed });
    this.APBASEL = this.reg({ name: 'APBASEL', offset: 0x09, size: 1, writable: 0x07, write: changed });
    this.APBBSEL = this.reg({ name: 'APBBSEL', offset: 0x0a, size: 1, writable: 0x07, write: changed });
    this.APBCSEL = this.reg({ name: 'APBCSEL', offset: 0x0b, size: 1, writable: 0x07, write: changed });
    // Reset values: data sheet 16.8.7-16.8.10.
    this.AHBMASK = this.reg({ name: 'AHBMASK', offset: 0x14, size: 4, reset: 0x0000007f, writable: 0x7f });
    this.APBAMASK = this.reg({ name: 'APBAMASK', offset: 0x18, size: 4, reset: 0x0000007f, writable: 0x7f });
    this.APBBMASK = this.reg({ name: 'APBBMASK', offset: 0x1c, size: 4, reset: 0x0000007f, writable: 0x7f });
    this.APBCMASK = this.reg({ name: 'APBCMASK', offset: 0x20, size: 4, reset: 0x00010000, writable: 0x001fffff });
    this.int = new InterruptRegisters(this, { INTENCLR: 0x34, INTENSET: 0x35, INTFLAG: 0x36 }, 1, 0x01, (l) => chip.irq(IRQ.PM, l));
    this.RCAUSE = this.reg({ name: 'RCAUSE', offset: 0x38, size: 1, reset: ResetCause.POR, writable: 0 });
    chip.busClocks = this;
  }

  reset(cause: ResetCause): void {
    this.resetRegisters();
    this.int.reset();
    // RCAUSE holds the source of the last reset (16.8.14).
    this.RCAUSE.value = cause;
  }

  apbEnabled(bridge: Bridge, bit: number): boolean {
    const mask = bridge === 'A' ? this.APBAMASK.value : bridge === 'B' ? this.APBBMASK.value : this.APBCMASK.value;
    return ((mask >>> bit) & 1) === 1;
  }

  cpuFrequency(): number {
    const main = this.chip.clocks ? this.chip.clocks.generatorFrequency(0) : 1_000_000;
    return main / (1 << (this.CPUSEL.value & 7));
  }

  /** APBx clock (Hz), for peripherals whose timing counts APB cycles. */
  apbFrequency(bridge: Bridge): number {
    const main = this.chip.clocks ? this.chip.clocks.generatorFrequency(0) : 1_000_000;
    const sel = bridge === 'A' ? this.APBASEL : bridge === 'B' ? this.APBBSEL : this.APBCSEL;
    return main / (1 << (sel.value & 7));
  }
}
