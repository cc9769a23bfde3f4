/**
 * PM, the Power Manager (data sheet section 16): CPU and APB clock dividers, the bus clock masks
 * that gate every peripheral's register interface, the sleep mode and the reset cause.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { ResetCause, type BusClocks, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { IRQ, PERIPHERALS, peripheralSlot, type Bridge } from './memory-map.js';

/** Register offsets (16.7 register summary). */
export const PM_REG = {
  CTRL: 0x00, SLEEP: 0x01, CPUSEL: 0x08, APBASEL: 0x09, APBBSEL: 0x0a, APBCSEL: 0x0b, AHBMASK: 0x14,
  APBAMASK: 0x18, APBBMASK: 0x1c, APBCMASK: 0x20, INTENCLR: 0x34, INTENSET: 0x35, INTFLAG: 0x36, RCAUSE: 0x38,
} as const;
/** SLEEP (16.8.2). */
export const PM_SLEEP = { IDLE_Pos: 0, IDLE_Msk: 0x3 << 0 } as const;
/** CPUSEL (16.8.3): CPU clock = GCLK_MAIN / 2^CPUDIV. */
export const PM_CPUSEL = { CPUDIV_Pos: 0, CPUDIV_Msk: 0x7 << 0 } as const;
/** APBASEL / APBBSEL / APBCSEL (16.8.4-6): APBx clock = GCLK_MAIN / 2^APBxDIV (same field place). */
export const PM_APBSEL = { APBDIV_Pos: 0, APBDIV_Msk: 0x7 << 0 } as const;
/** AHBMASK (16.8.7). The APBxMASK bits are each peripheral's `apbBit` in memory-map.ts PERIPHERALS. */
export const PM_AHBMASK = { HPB0: 1 << 0, HPB1: 1 << 1, HPB2: 1 << 2, DSU: 1 << 3, NVMCTRL: 1 << 4, DMAC: 1 << 5, USB: 1 << 6 } as const;
/** INTFLAG / INTENSET / INTENCLR (16.8.11-13). RCAUSE bits: `ResetCause` in chip.ts. */
export const PM_INT = { CKRDY: 1 << 0 } as const;

/** GCLK generator 0 is GCLK_MAIN, the CPU's and the APB bridges' clock (15.6.2.1). */
const GCLK_MAIN = 0;
/** GCLK_MAIN before a clock tree exists (register-level tests): OSC8M / 8, the reset clock. */
const RESET_MAIN_HZ = 1_000_000;
const AHBMASK_ALL = PM_AHBMASK.HPB0 | PM_AHBMASK.HPB1 | PM_AHBMASK.HPB2 | PM_AHBMASK.DSU | PM_AHBMASK.NVMCTRL | PM_AHBMASK.DMAC | PM_AHBMASK.USB;

/** Every APBxMASK bit a bridge's peripherals use. */
function apbBits(bridge: Bridge): number {
  let m = 0;
  for (const p of PERIPHERALS) if (p.bridge === bridge && p.apbBit >= 0) m |= 1 << p.apbBit;
  return m >>> 0;
}

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
      // Divider changes complete at once here; CKRDY reports it (16.6.2.3).
      this.int.set(PM_INT.CKRDY);
      chip.clockChanged();
    };
    this.CTRL = this.reg({ name: 'CTRL', offset: PM_REG.CTRL, size: 1, writable: 0 });
    // Sleep modes are the core's WFI only: SLEEP is stored.
    this.SLEEP = this.reg({ name: 'SLEEP', offset: PM_REG.SLEEP, size: 1, writable: PM_SLEEP.IDLE_Msk });
    this.CPUSEL = this.reg({ name: 'CPUSEL', offset: PM_REG.CPUSEL, size: 1, writable: PM_CPUSEL.CPUDIV_Msk, write: changed });
    this.APBASEL = this.reg({ name: 'APBASEL', offset: PM_REG.APBASEL, size: 1, writable: PM_APBSEL.APBDIV_Msk, write: changed });
    this.APBBSEL = this.reg({ name: 'APBBSEL', offset: PM_REG.APBBSEL, size: 1, writable: PM_APBSEL.APBDIV_Msk, write: changed });
    this.APBCSEL = this.reg({ name: 'APBCSEL', offset: PM_REG.APBCSEL, size: 1, writable: PM_APBSEL.APBDIV_Msk, write: changed });
    // Reset values (16.8.7-16.8.10): every AHB and bridge A/B clock on; on bridge C only the ADC's.
    this.AHBMASK = this.reg({ name: 'AHBMASK', offset: PM_REG.AHBMASK, size: 4, reset: AHBMASK_ALL, writable: AHBMASK_ALL });
    this.APBAMASK = this.reg({ name: 'APBAMASK', offset: PM_REG.APBAMASK, size: 4, reset: apbBits('A'), writable: apbBits('A') });
    this.APBBMASK = this.reg({ name: 'APBBMASK', offset: PM_REG.APBBMASK, size: 4, reset: apbBits('B'), writable: apbBits('B') });
    this.APBCMASK = this.reg({ name: 'APBCMASK', offset: PM_REG.APBCMASK, size: 4, reset: 1 << peripheralSlot('ADC').apbBit, writable: apbBits('C') });
    this.int = new InterruptRegisters(this, { INTENCLR: PM_REG.INTENCLR, INTENSET: PM_REG.INTENSET, INTFLAG: PM_REG.INTFLAG }, 1, PM_INT.CKRDY, (l) =>
      chip.irq(IRQ.PM, l),
    );
    this.RCAUSE = this.reg({ name: 'RCAUSE', offset: PM_REG.RCAUSE, size: 1, reset: ResetCause.POR, writable: 0 });
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
    return (mask & (1 << bit)) !== 0;
  }

  cpuFrequency(): number {
    const main = this.chip.clocks ? this.chip.clocks.generatorFrequency(GCLK_MAIN) : RESET_MAIN_HZ;
    return main / (1 << ((this.CPUSEL.value & PM_CPUSEL.CPUDIV_Msk) >>> PM_CPUSEL.CPUDIV_Pos));
  }
}
