/**
 * WDT, the Watchdog Timer (data sheet section 18).
 *
 * Clocked by GCLK_WDT: GCLK2 = OSCULP32K undivided (32768 Hz) after reset (15.8.4); firmware
 * usually divides GCLK2 by 32 for the 1.024 kHz the period table assumes. Periods are 8 × 2^n
 * GCLK_WDT cycles (CONFIG.PER, CONFIG.WINDOW, EWCTRL.EWOFFSET; n = 0..11). Normal mode: a system
 * reset (RCAUSE.WDT) PER cycles after enabling or the last clear; the early-warning flag
 * INTFLAG.EW (NVIC line 2) EWOFFSET cycles after it. Window mode (CTRL.WEN): a clear during the
 * closed window (the first WINDOW cycles) resets at once; the open window lasts PER cycles and the
 * early warning counts from its start (18.6.2.4). Writing CLEAR with anything but 0xA5 resets at
 * once. CTRL.ALWAYSON locks the WDT on until power-on reset and keeps it across other resets.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { ResetCause, isPowerOnReset, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { GCLK_ID, IRQ } from './memory-map.js';

/** Register offsets (18.7 register summary). */
export const WDT_REG = { CTRL: 0x0, CONFIG: 0x1, EWCTRL: 0x2, INTENCLR: 0x4, INTENSET: 0x5, INTFLAG: 0x6, STATUS: 0x7, CLEAR: 0x8 } as const;
/** CTRL (18.8.1). */
export const WDT_CTRL = { ENABLE: 1 << 1, WEN: 1 << 2, ALWAYSON: 1 << 7 } as const;
/** CONFIG (18.8.2): PER and WINDOW n mean 8 << n GCLK_WDT cycles (n = 0..11). */
export const WDT_CONFIG = { PER_Pos: 0, PER_Msk: 0xf << 0, WINDOW_Pos: 4, WINDOW_Msk: 0xf << 4 } as const;
/** EWCTRL (18.8.3). */
export const WDT_EWCTRL = { EWOFFSET_Pos: 0, EWOFFSET_Msk: 0xf << 0 } as const;
/** INTFLAG / INTENSET / INTENCLR (18.8.4-6). */
export const WDT_INT = { EW: 1 << 0 } as const;
/** STATUS (18.8.7). */
export const WDT_STATUS = { SYNCBUSY: 1 << 7 } as const;
/** CLEAR (18.8.8): only this key restarts the period; any other value resets the chip. */
export const WDT_CLEAR_KEY = 0xa5;

const CTRL = WDT_CTRL;
/** Reset values from the NVM user row fuses as the Adafruit bootloader leaves them: 0xB. */
const CONFIG_RESET = (0xb << WDT_CONFIG.WINDOW_Pos) | (0xb << WDT_CONFIG.PER_Pos);
const EWCTRL_RESET = 0xb << WDT_EWCTRL.EWOFFSET_Pos;
/** PER/WINDOW/EWOFFSET: 8 << n cycles, n at most 11 (16384 cycles). */
const PERIOD_BASE_CYCLES = 8;
const PERIOD_MAX_CODE = 11;
/** SyncBusy bits: CTRL, CONFIG; a CLEAR synchronises with no STATUS bit (the model's choice). */
const SYNC = { CTRL: 1 << 1, CONFIG: 1 << 2, CLEAR: 0 } as const;
const CLEAR_Msk = 0xff;

export class WDT extends RegisterBlock implements Samd21Peripheral {
  readonly CTRL: Register;
  readonly CONFIG: Register;
  readonly EWCTRL: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly CLEAR: Register;
  private readonly sync: SyncBusy;
  private readonly timeoutEvent: SimEvent;
  private readonly warningEvent: SimEvent;
  private running = false;
  /** Cycle of the last clear (or enable): the start of the current period. */
  private periodStart = 0;
  /** Number of resets the WDT has caused (diagnostics). */
  resets = 0;

  constructor(private readonly chip: Samd21Chip) {
    super('WDT', 0x400);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.WDT), (bits) => this.syncDone(bits));
    this.timeoutEvent = new SimEvent('WDT timeout', () => this.timeout());
    this.warningEvent = new SimEvent('WDT early warning', () => this.int.set(WDT_INT.EW));
    // Reset values come from the NVM user row fuses (18.8.1-3): disabled, PER = WINDOW = EWOFFSET = 0xB.
    this.CTRL = this.reg({
      name: 'CTRL', offset: WDT_REG.CTRL, size: 1, writable: CTRL.ENABLE | CTRL.WEN | CTRL.ALWAYSON,
      write: (v, old) => {
        if (old & CTRL.ALWAYSON) {
          // ALWAYSON: ENABLE and WEN are read-only until power-on reset (18.8.1).
          this.CTRL.value = old | (v & CTRL.ALWAYSON);
          return;
        }
        this.sync.start(SYNC.CTRL);
      },
    });
    this.CONFIG = this.reg({ name: 'CONFIG', offset: WDT_REG.CONFIG, size: 1, reset: CONFIG_RESET, write: () => this.sync.start(SYNC.CONFIG) });
    this.EWCTRL = this.reg({ name: 'EWCTRL', offset: WDT_REG.EWCTRL, size: 1, reset: EWCTRL_RESET, writable: WDT_EWCTRL.EWOFFSET_Msk });
    this.int = new InterruptRegisters(this, { INTENCLR: WDT_REG.INTENCLR, INTENSET: WDT_REG.INTENSET, INTFLAG: WDT_REG.INTFLAG }, 1, WDT_INT.EW, (l) =>
      chip.irq(IRQ.WDT, l),
    );
    this.STATUS = this.reg({ name: 'STATUS', offset: WDT_REG.STATUS, size: 1, writable: 0, read: () => (this.sync.busy ? WDT_STATUS.SYNCBUSY : 0) });
    this.CLEAR = this.reg({ name: 'CLEAR', offset: WDT_REG.CLEAR, size: 1, writeOnly: true, write: (v) => this.clear(v) });
    chip.onClockChange(() => {
      if (this.running) this.schedule(false);
    });
  }

  reset(cause: ResetCause): void {
    if (!isPowerOnReset(cause) && this.CTRL.value & CTRL.ALWAYSON) {
      // Keeps running across the reset, restarting its period.
      this.restart();
      return;
    }
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.timeoutEvent);
    this.chip.scheduler.cancel(this.warningEvent);
    this.running = false;
  }

  private cycles(n: number): number {
    const hz = this.chip.gclkFrequency(GCLK_ID.WDT);
    if (hz <= 0) return Infinity;
    return Math.ceil(((PERIOD_BASE_CYCLES << Math.min(n, PERIOD_MAX_CODE)) * this.chip.scheduler.frequency) / hz);
  }

  private syncDone(_bits: number): void {
    const on = (this.CTRL.value & (CTRL.ENABLE | CTRL.ALWAYSON)) !== 0;
    if (on && !this.running) {
      this.running = true;
      this.restart();
    } else if (!on && this.running) {
      this.running = false;
      this.chip.scheduler.cancel(this.timeoutEvent);
      this.chip.scheduler.cancel(this.warningEvent);
    } else if (on) {
      this.schedule(false);
    }
  }

  private restart(): void {
    this.running = true;
    this.periodStart = this.chip.scheduler.cycles;
    this.schedule(true);
  }

  private get windowCode(): number {
    return (this.CONFIG.value & WDT_CONFIG.WINDOW_Msk) >>> WDT_CONFIG.WINDOW_Pos;
  }

  private get windowMode(): boolean {
    return (this.CTRL.value & CTRL.WEN) !== 0;
  }

  private schedule(withWarning: boolean): void {
    const s = this.chip.scheduler;
    const per = this.cycles((this.CONFIG.value & WDT_CONFIG.PER_Msk) >>> WDT_CONFIG.PER_Pos);
    const win = this.windowMode ? this.cycles(this.windowCode) : 0;
    const ew = this.cycles((this.EWCTRL.value & WDT_EWCTRL.EWOFFSET_Msk) >>> WDT_EWCTRL.EWOFFSET_Pos);
    const timeout = this.periodStart + win + per;
    if (Number.isFinite(timeout)) s.scheduleAt(this.timeoutEvent, timeout);
    else s.cancel(this.timeoutEvent);
    if (withWarning) {
      const warn = this.periodStart + win + ew;
      if (Number.isFinite(warn) && warn < timeout) s.scheduleAt(this.warningEvent, warn);
      else s.cancel(this.warningEvent);
    }
  }

  private clear(v: number): void {
    if ((v & CLEAR_Msk) !== WDT_CLEAR_KEY) {
      // Any other value: immediate system reset (18.6.2.3).
      if (this.running) this.fire();
      return;
    }
    if (!this.running) return;
    if (this.windowMode) {
      const closed = this.cycles(this.windowCode);
      if (this.chip.scheduler.cycles < this.periodStart + closed) {
        this.fire(); // cleared in the closed window
        return;
      }
    }
    this.sync.start(SYNC.CLEAR);
    this.restart();
  }

  private timeout(): void {
    this.fire();
  }

  private fire(): void {
    this.resets++;
    this.chip.systemReset(ResetCause.WDT);
  }
}
