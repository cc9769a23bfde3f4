/**
 * SYSCTRL, the System Controller (data sheet section 17): the oscillators (XOSC, XOSC32K, OSC32K,
 * OSCULP32K, OSC8M), the DFLL48M (open loop, closed loop, USB clock recovery), the FDPLL96M, BOD33,
 * the voltage regulator and the voltage references.
 *
 * Each oscillator becomes ready (PCLKSR.xxxRDY) after its data-sheet start-up time once enabled,
 * and its frequency is visible to GCLK only while it is ready. Rising PCLKSR bits set the matching
 * INTFLAG bits (17.8.3), which drive NVIC line 1 when enabled.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { isPowerOnReset, type ResetCause, type Samd21Chip, type Samd21Peripheral, type SourceClocks } from './chip.js';
import { GCLK_ID, IRQ } from './memory-map.js';
import { GCLK_SRC } from './gclk.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';

/** Register offsets (17.7 register summary). */
export const SYSCTRL_REG = {
  INTENCLR: 0x00, INTENSET: 0x04, INTFLAG: 0x08, PCLKSR: 0x0c, XOSC: 0x10, XOSC32K: 0x14, OSC32K: 0x18,
  OSCULP32K: 0x1c, OSC8M: 0x20, DFLLCTRL: 0x24, DFLLVAL: 0x28, DFLLMUL: 0x2c, DFLLSYNC: 0x30, BOD33: 0x34,
  VREG: 0x3c, VREF: 0x40, DPLLCTRLA: 0x44, DPLLRATIO: 0x48, DPLLCTRLB: 0x4c, DPLLSTATUS: 0x50,
} as const;

/** PCLKSR and INTFLAG / INTENSET / INTENCLR bits (17.8.1-4). */
export const SYSCTRL_PCLKSR = {
  XOSCRDY: 1 << 0, XOSC32KRDY: 1 << 1, OSC32KRDY: 1 << 2, OSC8MRDY: 1 << 3, DFLLRDY: 1 << 4, DFLLOOB: 1 << 5,
  DFLLLCKF: 1 << 6, DFLLLCKC: 1 << 7, DFLLRCS: 1 << 8, BOD33RDY: 1 << 9, BOD33DET: 1 << 10, B33SRDY: 1 << 11,
  DPLLLCKR: 1 << 15, DPLLLCKF: 1 << 16, DPLLLTO: 1 << 17,
} as const;
/** XOSC (17.8.5): start-up is 2^STARTUP OSCULP32K cycles. */
export const SYSCTRL_XOSC = { ENABLE: 1 << 1, XTALEN: 1 << 2, RUNSTDBY: 1 << 6, ONDEMAND: 1 << 7, GAIN_Pos: 8, GAIN_Msk: 0x7 << 8, AMPGC: 1 << 11, STARTUP_Pos: 12, STARTUP_Msk: 0xf << 12 } as const;
/** XOSC32K (17.8.6). */
export const SYSCTRL_XOSC32K = {
  ENABLE: 1 << 1, XTALEN: 1 << 2, EN32K: 1 << 3, EN1K: 1 << 4, AAMPEN: 1 << 5, RUNSTDBY: 1 << 6,
  ONDEMAND: 1 << 7, STARTUP_Pos: 8, STARTUP_Msk: 0x7 << 8, WRTLOCK: 1 << 12,
} as const;
/** OSC32K (17.8.7); CALIB is loaded from the NVM calibration row at reset. */
export const SYSCTRL_OSC32K = {
  ENABLE: 1 << 1, EN32K: 1 << 2, EN1K: 1 << 3, RUNSTDBY: 1 << 6, ONDEMAND: 1 << 7, STARTUP_Pos: 8,
  STARTUP_Msk: 0x7 << 8, WRTLOCK: 1 << 12, CALIB_Pos: 16, CALIB_Msk: 0x7f << 16,
} as const;
/** OSCULP32K (17.8.8): always running. */
export const SYSCTRL_OSCULP32K = { CALIB_Pos: 0, CALIB_Msk: 0x1f << 0, WRTLOCK: 1 << 7 } as const;
/** OSC8M (17.8.9): 8 MHz / 2^PRESC. */
export const SYSCTRL_OSC8M = {
  ENABLE: 1 << 1, RUNSTDBY: 1 << 6, ONDEMAND: 1 << 7, PRESC_Pos: 8, PRESC_Msk: 0x3 << 8, CALIB_Pos: 16,
  CALIB_Msk: 0xfff << 16, FRANGE_Pos: 30, FRANGE_Msk: 0x3 << 30,
} as const;
/** DFLLCTRL (17.8.10). */
export const SYSCTRL_DFLLCTRL = {
  ENABLE: 1 << 1, MODE: 1 << 2, STABLE: 1 << 3, LLAW: 1 << 4, USBCRM: 1 << 5, RUNSTDBY: 1 << 6,
  ONDEMAND: 1 << 7, CCDIS: 1 << 8, QLDIS: 1 << 9, BPLCKC: 1 << 10, WAITLOCK: 1 << 11,
} as const;
/** DFLLVAL (17.8.11): DIFF is read-only. */
export const SYSCTRL_DFLLVAL = { FINE_Pos: 0, FINE_Msk: 0x3ff << 0, COARSE_Pos: 10, COARSE_Msk: 0x3f << 10, DIFF_Pos: 16, DIFF_Msk: 0xffff << 16 } as const;
/** DFLLMUL (17.8.12). */
export const SYSCTRL_DFLLMUL = { MUL_Pos: 0, MUL_Msk: 0xffff << 0, FSTEP_Pos: 16, FSTEP_Msk: 0x3ff << 16, CSTEP_Pos: 26, CSTEP_Msk: 0x3f << 26 } as const;
/** DFLLSYNC (17.8.13). */
export const SYSCTRL_DFLLSYNC = { READREQ: 1 << 7 } as const;
/** BOD33 (17.8.14). */
export const SYSCTRL_BOD33 = {
  ENABLE: 1 << 1, HYST: 1 << 2, ACTION_Pos: 3, ACTION_Msk: 0x3 << 3, RUNSTDBY: 1 << 6, MODE: 1 << 8,
  CEN: 1 << 9, PSEL_Pos: 12, PSEL_Msk: 0xf << 12, LEVEL_Pos: 16, LEVEL_Msk: 0x3f << 16,
} as const;
/** BOD33.ACTION values. */
export const SYSCTRL_BOD33_ACTION = { NONE: 0, RESET: 1, INTERRUPT: 2 } as const;
/** VREG (17.8.15). */
export const SYSCTRL_VREG = { RUNSTDBY: 1 << 6, FORCELDO: 1 << 13 } as const;
/** VREF (17.8.16). */
export const SYSCTRL_VREF = { TSEN: 1 << 1, BGOUTEN: 1 << 2, CALIB_Pos: 16, CALIB_Msk: 0x7ff << 16 } as const;
/** DPLLCTRLA (17.8.17). */
export const SYSCTRL_DPLLCTRLA = { ENABLE: 1 << 1, RUNSTDBY: 1 << 6, ONDEMAND: 1 << 7 } as const;
/** DPLLRATIO (17.8.18): f = f(ref) × (LDR + 1 + LDRFRAC / 16). */
export const SYSCTRL_DPLLRATIO = { LDR_Pos: 0, LDR_Msk: 0xfff << 0, LDRFRAC_Pos: 16, LDRFRAC_Msk: 0xf << 16 } as const;
/** DPLLCTRLB (17.8.19). */
export const SYSCTRL_DPLLCTRLB = {
  FILTER_Pos: 0, FILTER_Msk: 0x3 << 0, LPEN: 1 << 2, WUF: 1 << 3, REFCLK_Pos: 4, REFCLK_Msk: 0x3 << 4,
  LTIME_Pos: 8, LTIME_Msk: 0x7 << 8, LBYPASS: 1 << 12, DIV_Pos: 16, DIV_Msk: 0x7ff << 16,
} as const;
/** DPLLCTRLB.REFCLK values: XOSC32K, XOSC (divided by 2 (DIV + 1)), GCLK_DPLL. */
export const SYSCTRL_REFCLK = { REF0: 0, REF1: 1, GCLK: 2 } as const;
/** DPLLSTATUS (17.8.20). */
export const SYSCTRL_DPLLSTATUS = { LOCK: 1 << 0, CLKRDY: 1 << 1, ENABLE: 1 << 2, DIV: 1 << 3 } as const;

const PCLKSR = SYSCTRL_PCLKSR;
const DFLL = SYSCTRL_DFLLCTRL;
let PCLKSR_MASK = 0;
for (const bit of Object.values(PCLKSR)) PCLKSR_MASK |= bit;
const OSC8M_HZ = 8_000_000;
/** Start-up of OSC8M: a few µs (electrical characteristics: 2.1 µs typ.). */
const OSC8M_STARTUP_SECONDS = 3e-6;
/** FDPLL96M lock time: max 1.5 ms in the electrical characteristics; we use 500 µs. */
const DPLL_LOCK_SECONDS = 500e-6;
/** Cycles for the DFLL's register interface to synchronise after a write (17.6.7.4). */
const DFLL_SYNC_CYCLES = 24;
/** Closed loop: coarse lock after 8 reference periods, fine lock 16 later. */
const DFLL_COARSE_PERIODS = 8;
const DFLL_FINE_PERIODS = 16;
/** Start-up cycles per STARTUP code: XOSC32K (table 17-7, + 3), OSC32K (table 17-9). */
const XOSC32K_STARTUP_CYCLES = [1, 32, 2048, 4096, 16384, 32768, 65536, 131072] as const;
const XOSC32K_STARTUP_EXTRA = 3;
const OSC32K_STARTUP_CYCLES = [3, 4, 6, 10, 18, 34, 66, 130] as const;
/**
 * Field values at reset: factory calibrations, OSC8M at PRESC 3 (1 MHz) in FRANGE 2, and BOD33's
 * LEVEL from the user row fuses (enabled, reset action, level 7).
 */
const RESET = { OSC32K_CALIB: 0x3f, OSCULP32K_CALIB: 0x1f, OSC8M_CALIB: 0x707, OSC8M_FRANGE: 2, OSC8M_PRESC: 3, VREF_CALIB: 0x1ff, BOD33_LEVEL: 7 } as const;

export interface SysctrlOptions {
  /** Crystal on XIN/XOUT (Hz), 0 when none is fitted. */
  xoscFrequency?: number;
  /** 32.768 kHz crystal on XIN32/XOUT32 fitted (Feather/Metro M0 Express: yes; CPX: no). */
  xosc32kCrystal?: boolean;
}

const F32K = 32768;
/** Nominal open-loop DFLL48M output with the factory COARSE/FINE values. */
const DFLL_OPEN_LOOP_HZ = 48_000_000;

export class SYSCTRL extends RegisterBlock implements Samd21Peripheral, SourceClocks {
  readonly int: InterruptRegisters;
  readonly PCLKSR: Register;
  readonly XOSC: Register;
  readonly XOSC32K: Register;
  readonly OSC32K: Register;
  readonly OSCULP32K: Register;
  readonly OSC8M: Register;
  readonly DFLLCTRL: Register;
  readonly DFLLVAL: Register;
  readonly DFLLMUL: Register;
  readonly DFLLSYNC: Register;
  readonly BOD33: Register;
  readonly VREG: Register;
  readonly VREF: Register;
  readonly DPLLCTRLA: Register;
  readonly DPLLRATIO: Register;
  readonly DPLLCTRLB: Register;
  readonly DPLLSTATUS: Register;

  /** Live status bits (PCLKSR). */
  private status = 0;
  private dpllLock = false;
  private readonly xoscEvent: SimEvent;
  private readonly xosc32kEvent: SimEvent;
  private readonly osc32kEvent: SimEvent;
  private readonly osc8mEvent: SimEvent;
  private readonly dfllSyncEvent: SimEvent;
  private readonly dfllLockEvent: SimEvent;
  private readonly dpllEvent: SimEvent;
  private dfllLockStage = 0;
  readonly options: Required<SysctrlOptions>;

  constructor(
    private readonly chip: Samd21Chip,
    options: SysctrlOptions = {},
  ) {
    super('SYSCTRL', 0x400);
    this.options = { xoscFrequency: options.xoscFrequency ?? 0, xosc32kCrystal: options.xosc32kCrystal ?? false };
    this.xoscEvent = new SimEvent('XOSC ready', () => this.setStatus(PCLKSR.XOSCRDY, true));
    this.xosc32kEvent = new SimEvent('XOSC32K ready', () => this.setStatus(PCLKSR.XOSC32KRDY, true));
    this.osc32kEvent = new SimEvent('OSC32K ready', () => this.setStatus(PCLKSR.OSC32KRDY, true));
    this.osc8mEvent = new SimEvent('OSC8M ready', () => this.setStatus(PCLKSR.OSC8MRDY, true));
    this.dfllSyncEvent = new SimEvent('DFLL sync', () => this.setStatus(PCLKSR.DFLLRDY, true));
    this.dfllLockEvent = new SimEvent('DFLL lock', () => this.dfllLockStep());
    this.dpllEvent = new SimEvent('DPLL lock', () => this.dpllLocked());

    const R = SYSCTRL_REG;
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG }, 4, PCLKSR_MASK, (l) => chip.irq(IRQ.SYSCTRL, l));
    this.PCLKSR = this.reg({ name: 'PCLKSR', offset: R.PCLKSR, size: 4, writable: 0, read: () => this.status });

    const X = SYSCTRL_XOSC;
    this.XOSC = this.reg({
      name: 'XOSC',
      offset: R.XOSC,
      size: 2,
      reset: X.ONDEMAND,
      writable: X.ENABLE | X.XTALEN | X.RUNSTDBY | X.ONDEMAND | X.GAIN_Msk | X.AMPGC | X.STARTUP_Msk,
      write: () => this.updateXosc(),
    });
    const X32 = SYSCTRL_XOSC32K;
    this.XOSC32K = this.reg({
      name: 'XOSC32K',
      offset: R.XOSC32K,
      size: 2,
      reset: X32.ONDEMAND,
      writable: X32.ENABLE | X32.XTALEN | X32.EN32K | X32.EN1K | X32.AAMPEN | X32.RUNSTDBY | X32.ONDEMAND | X32.STARTUP_Msk | X32.WRTLOCK,
      write: (v, old) => this.writeXosc32k(v, old),
    });
    const O32 = SYSCTRL_OSC32K;
    this.OSC32K = this.reg({
      name: 'OSC32K',
      offset: R.OSC32K,
      size: 4,
      reset: (RESET.OSC32K_CALIB << O32.CALIB_Pos) | O32.ONDEMAND,
      writable: O32.ENABLE | O32.EN32K | O32.EN1K | O32.RUNSTDBY | O32.ONDEMAND | O32.STARTUP_Msk | O32.WRTLOCK | O32.CALIB_Msk,
      write: (v, old) => this.writeOsc32k(v, old),
    });
    const ULP = SYSCTRL_OSCULP32K;
    this.OSCULP32K = this.reg({ name: 'OSCULP32K', offset: R.OSCULP32K, size: 1, reset: RESET.OSCULP32K_CALIB << ULP.CALIB_Pos, writable: ULP.CALIB_Msk | ULP.WRTLOCK });
    // Reset: enabled, PRESC = 3 (1 MHz), factory CALIB and FRANGE = 2.
    const O8 = SYSCTRL_OSC8M;
    this.OSC8M = this.reg({
      name: 'OSC8M',
      offset: R.OSC8M,
      size: 4,
      reset: ((RESET.OSC8M_FRANGE << O8.FRANGE_Pos) | (RESET.OSC8M_CALIB << O8.CALIB_Pos) | (RESET.OSC8M_PRESC << O8.PRESC_Pos) | O8.ONDEMAND | O8.ENABLE) >>> 0,
      writable: (O8.ENABLE | O8.RUNSTDBY | O8.ONDEMAND | O8.PRESC_Msk | O8.CALIB_Msk | O8.FRANGE_Msk) >>> 0,
      write: (v, old) => this.writeOsc8m(v, old),
    });
    this.DFLLCTRL = this.reg({
      name: 'DFLLCTRL',
      offset: R.DFLLCTRL,
      size: 2,
      reset: DFLL.ONDEMAND,
      writable:
        DFLL.ENABLE | DFLL.MODE | DFLL.STABLE | DFLL.LLAW | DFLL.USBCRM | DFLL.RUNSTDBY | DFLL.ONDEMAND | DFLL.CCDIS | DFLL.QLDIS | DFLL.BPLCKC | DFLL.WAITLOCK,
      write: (v, old) => this.writeDfllctrl(v, old),
    });
    // DFLLVAL: we report DIFF = 0 (the loop is modelled as exact); FINE/COARSE read back as written.
    this.DFLLVAL = this.reg({
      name: 'DFLLVAL',
      offset: R.DFLLVAL,
      size: 4,
      writable: SYSCTRL_DFLLVAL.FINE_Msk | SYSCTRL_DFLLVAL.COARSE_Msk,
      write: () => this.dfllRegisterWritten(),
    });
    this.DFLLMUL = this.reg({ name: 'DFLLMUL', offset: R.DFLLMUL, size: 4, write: () => this.dfllRegisterWritten() });
    // DFLLSYNC.READREQ requests a read synchronisation of DFLLVAL.
    this.DFLLSYNC = this.reg({
      name: 'DFLLSYNC',
      offset: R.DFLLSYNC,
      size: 1,
      writable: SYSCTRL_DFLLSYNC.READREQ,
      writeOnly: true,
      write: (v) => (v & SYSCTRL_DFLLSYNC.READREQ ? this.dfllRegisterWritten() : undefined),
    });
    const BOD = SYSCTRL_BOD33;
    this.BOD33 = this.reg({
      name: 'BOD33',
      offset: R.BOD33,
      size: 4,
      reset: (RESET.BOD33_LEVEL << BOD.LEVEL_Pos) | (SYSCTRL_BOD33_ACTION.RESET << BOD.ACTION_Pos) | BOD.ENABLE,
      writable: BOD.ENABLE | BOD.HYST | BOD.ACTION_Msk | BOD.RUNSTDBY | BOD.MODE | BOD.CEN | BOD.PSEL_Msk | BOD.LEVEL_Msk,
      write: () => this.updateBod(),
    });
    // The regulator is not modelled: VREG is stored only.
    this.VREG = this.reg({ name: 'VREG', offset: R.VREG, size: 2, reset: 0, writable: SYSCTRL_VREG.RUNSTDBY | SYSCTRL_VREG.FORCELDO, unimplemented: true });
    const VREF = SYSCTRL_VREF;
    this.VREF = this.reg({ name: 'VREF', offset: R.VREF, size: 4, reset: RESET.VREF_CALIB << VREF.CALIB_Pos, writable: VREF.TSEN | VREF.BGOUTEN | VREF.CALIB_Msk });
    const DA = SYSCTRL_DPLLCTRLA;
    this.DPLLCTRLA = this.reg({
      name: 'DPLLCTRLA',
      offset: R.DPLLCTRLA,
      size: 1,
      reset: DA.ONDEMAND,
      writable: DA.ENABLE | DA.RUNSTDBY | DA.ONDEMAND,
      write: () => this.updateDpll(),
    });
    this.DPLLRATIO = this.reg({
      name: 'DPLLRATIO',
      offset: R.DPLLRATIO,
      size: 4,
      writable: SYSCTRL_DPLLRATIO.LDR_Msk | SYSCTRL_DPLLRATIO.LDRFRAC_Msk,
      write: () => this.updateDpll(),
    });
    const DB = SYSCTRL_DPLLCTRLB;
    this.DPLLCTRLB = this.reg({
      name: 'DPLLCTRLB',
      offset: R.DPLLCTRLB,
      size: 4,
      writable: DB.FILTER_Msk | DB.LPEN | DB.WUF | DB.REFCLK_Msk | DB.LTIME_Msk | DB.LBYPASS | DB.DIV_Msk,
      write: () => this.updateDpll(),
    });
    this.DPLLSTATUS = this.reg({ name: 'DPLLSTATUS', offset: R.DPLLSTATUS, size: 1, writable: 0, read: () => this.readDpllStatus() });

    chip.sources = this;
    this.powerOn();
  }

  private powerOn(): void {
    this.status = PCLKSR.OSC8MRDY | PCLKSR.DFLLRDY | PCLKSR.B33SRDY;
    this.updateBod();
  }

  reset(cause: ResetCause): void {
    // The 32 kHz oscillators keep their configuration on a non-power-on reset (16.6.2.6).
    const keep32k = !isPowerOnReset(cause);
    const xosc32k = this.XOSC32K.value;
    const osc32k = this.OSC32K.value;
    const keepBits = keep32k ? this.status & (PCLKSR.XOSC32KRDY | PCLKSR.OSC32KRDY) : 0;
    for (const e of [this.xoscEvent, this.osc8mEvent, this.dfllSyncEvent, this.dfllLockEvent, this.dpllEvent]) this.chip.scheduler.cancel(e);
    if (!keep32k) {
      this.chip.scheduler.cancel(this.xosc32kEvent);
      this.chip.scheduler.cancel(this.osc32kEvent);
    }
    this.resetRegisters();
    this.int.reset();
    if (keep32k) {
      this.XOSC32K.value = xosc32k;
      this.OSC32K.value = osc32k;
    }
    this.status = 0;
    this.powerOn();
    this.status |= keepBits;
    this.dpllLock = false;
    this.dfllLockStage = 0;
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- status

  private setStatus(bits: number, on: boolean): void {
    const old = this.status;
    this.status = on ? this.status | bits : this.status & ~bits;
    const rising = this.status & ~old;
    if (rising) this.int.set(rising);
    if (old !== this.status) this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- oscillators

  private updateXosc(): void {
    const v = this.XOSC.value;
    if (v & SYSCTRL_XOSC.ENABLE && this.options.xoscFrequency > 0) {
      if (!(this.status & PCLKSR.XOSCRDY) && !this.xoscEvent.scheduled) {
        // 2^STARTUP cycles of OSCULP32K (17.8.5 table).
        const cycles = 2 ** ((v & SYSCTRL_XOSC.STARTUP_Msk) >>> SYSCTRL_XOSC.STARTUP_Pos);
        this.chip.scheduler.scheduleIn(this.xoscEvent, Math.ceil((cycles * this.chip.scheduler.frequency) / F32K));
      }
    } else {
      this.chip.scheduler.cancel(this.xoscEvent);
      this.setStatus(PCLKSR.XOSCRDY, false);
    }
  }

  private writeXosc32k(v: number, old: number): void {
    const X32 = SYSCTRL_XOSC32K;
    // WRTLOCK makes the register read-only until the next power-on reset.
    if (old & X32.WRTLOCK) {
      this.XOSC32K.value = old;
      return;
    }
    if (v & X32.ENABLE && this.options.xosc32kCrystal) {
      if (!(old & X32.ENABLE)) {
        const cycles = XOSC32K_STARTUP_CYCLES[(v & X32.STARTUP_Msk) >>> X32.STARTUP_Pos] + XOSC32K_STARTUP_EXTRA;
        this.setStatus(PCLKSR.XOSC32KRDY, false);
        this.chip.scheduler.scheduleIn(this.xosc32kEvent, Math.ceil((cycles * this.chip.scheduler.frequency) / F32K));
      }
    } else {
      this.chip.scheduler.cancel(this.xosc32kEvent);
      this.setStatus(PCLKSR.XOSC32KRDY, false);
    }
    this.chip.clockChanged();
  }

  private writeOsc32k(v: number, old: number): void {
    const O32 = SYSCTRL_OSC32K;
    if (old & O32.WRTLOCK) {
      this.OSC32K.value = old;
      return;
    }
    if (v & O32.ENABLE) {
      if (!(old & O32.ENABLE)) {
        const cycles = OSC32K_STARTUP_CYCLES[(v & O32.STARTUP_Msk) >>> O32.STARTUP_Pos];
        this.setStatus(PCLKSR.OSC32KRDY, false);
        this.chip.scheduler.scheduleIn(this.osc32kEvent, Math.ceil((cycles * this.chip.scheduler.frequency) / F32K));
      }
    } else {
      this.chip.scheduler.cancel(this.osc32kEvent);
      this.setStatus(PCLKSR.OSC32KRDY, false);
    }
    this.chip.clockChanged();
  }

  private writeOsc8m(v: number, old: number): void {
    if (v & SYSCTRL_OSC8M.ENABLE) {
      if (!(old & SYSCTRL_OSC8M.ENABLE)) {
        this.setStatus(PCLKSR.OSC8MRDY, false);
        this.chip.scheduler.scheduleIn(this.osc8mEvent, Math.ceil(OSC8M_STARTUP_SECONDS * this.chip.scheduler.frequency));
      }
    } else {
      this.chip.scheduler.cancel(this.osc8mEvent);
      this.setStatus(PCLKSR.OSC8MRDY, false);
    }
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- DFLL48M

  /**
   * Any write to DFLLCTRL/DFLLVAL/DFLLMUL (or a DFLLSYNC.READREQ) clears DFLLRDY until the DFLL's
   * register interface has synchronised (17.6.7.4), a handful of cycles.
   */
  private dfllRegisterWritten(): void {
    this.setStatus(PCLKSR.DFLLRDY, false);
    this.chip.scheduler.scheduleIn(this.dfllSyncEvent, DFLL_SYNC_CYCLES);
    this.restartDfllLock();
    this.chip.clockChanged();
  }

  private writeDfllctrl(v: number, old: number): void {
    if ((v ^ old) & (DFLL.ENABLE | DFLL.MODE | DFLL.USBCRM)) {
      this.setStatus(PCLKSR.DFLLLCKC | PCLKSR.DFLLLCKF | PCLKSR.DFLLOOB, false);
    }
    this.dfllRegisterWritten();
  }

  /**
   * Closed-loop lock (17.6.7.1.2): coarse lock after a few reference periods, fine lock after
   * more. In USB clock-recovery mode the reference is the USB SOF (1 kHz): lock happens once the
   * USB device controller reports SOFs (`usbStartOfFrame`).
   */
  private restartDfllLock(): void {
    const c = this.DFLLCTRL.value;
    this.chip.scheduler.cancel(this.dfllLockEvent);
    this.dfllLockStage = 0;
    if (!(c & DFLL.ENABLE) || !(c & DFLL.MODE) || c & DFLL.USBCRM) return;
    const ref = this.chip.gclkFrequency(GCLK_ID.DFLL48M_REF);
    if (ref <= 0) return;
    const alreadyCoarse = (this.status & PCLKSR.DFLLLCKC) !== 0;
    this.dfllLockStage = alreadyCoarse ? 1 : 0;
    const periods = alreadyCoarse ? DFLL_FINE_PERIODS : DFLL_COARSE_PERIODS;
    this.chip.scheduler.scheduleIn(this.dfllLockEvent, Math.ceil((periods * this.chip.scheduler.frequency) / ref));
  }

  private dfllLockStep(): void {
    const ref = this.chip.gclkFrequency(GCLK_ID.DFLL48M_REF);
    if (ref <= 0) return;
    if (this.dfllLockStage === 0) {
      this.setStatus(PCLKSR.DFLLLCKC, true);
      this.dfllLockStage = 1;
      this.chip.scheduler.scheduleIn(this.dfllLockEvent, Math.ceil((DFLL_FINE_PERIODS * this.chip.scheduler.frequency) / ref));
    } else {
      this.setStatus(PCLKSR.DFLLLCKF, true);
      this.dfllLockStage = 2;
    }
  }

  /** USB SOF received (USB device controller): in USB clock recovery the DFLL locks on it. */
  usbStartOfFrame(): void {
    const c = this.DFLLCTRL.value;
    if (c & DFLL.ENABLE && c & DFLL.MODE && c & DFLL.USBCRM) this.setStatus(PCLKSR.DFLLLCKC | PCLKSR.DFLLLCKF, true);
  }

  /** DFLL48M output frequency (0 when disabled). */
  dfllFrequency(): number {
    const c = this.DFLLCTRL.value;
    if (!(c & DFLL.ENABLE)) return 0;
    if (c & DFLL.MODE && !(c & DFLL.USBCRM)) {
      const ref = this.chip.gclkFrequency(GCLK_ID.DFLL48M_REF);
      const mul = (this.DFLLMUL.value & SYSCTRL_DFLLMUL.MUL_Msk) >>> SYSCTRL_DFLLMUL.MUL_Pos;
      if (ref > 0 && mul > 0) return ref * mul;
    }
    // Open loop, USB recovery (MUL = 48000 × 1 kHz SOF), or closed loop without a reference.
    return DFLL_OPEN_LOOP_HZ;
  }

  // ---------------------------------------------------------------- FDPLL96M

  private dpllReference(): number {
    const b = this.DPLLCTRLB.value;
    switch ((b & SYSCTRL_DPLLCTRLB.REFCLK_Msk) >>> SYSCTRL_DPLLCTRLB.REFCLK_Pos) {
      case SYSCTRL_REFCLK.REF0: return this.sourceFrequency(GCLK_SRC.XOSC32K);
      case SYSCTRL_REFCLK.REF1: {
        const div = (b & SYSCTRL_DPLLCTRLB.DIV_Msk) >>> SYSCTRL_DPLLCTRLB.DIV_Pos;
        return this.sourceFrequency(GCLK_SRC.XOSC) / (2 * (div + 1));
      }
      case SYSCTRL_REFCLK.GCLK: return this.chip.gclkFrequency(GCLK_ID.DPLL);
      default: return 0;
    }
  }

  private updateDpll(): void {
    const enabled = (this.DPLLCTRLA.value & SYSCTRL_DPLLCTRLA.ENABLE) !== 0;
    this.chip.scheduler.cancel(this.dpllEvent);
    if (this.dpllLock) {
      this.dpllLock = false;
      this.setStatus(PCLKSR.DPLLLCKF, true);
    }
    if (enabled && this.dpllReference() > 0) {
      this.chip.scheduler.scheduleIn(this.dpllEvent, Math.ceil(DPLL_LOCK_SECONDS * this.chip.scheduler.frequency));
    }
    this.chip.clockChanged();
  }

  private dpllLocked(): void {
    this.dpllLock = true;
    this.setStatus(PCLKSR.DPLLLCKR, true);
    this.chip.clockChanged();
  }

  private readDpllStatus(): number {
    const S = SYSCTRL_DPLLSTATUS;
    const enabled = (this.DPLLCTRLA.value & SYSCTRL_DPLLCTRLA.ENABLE) !== 0;
    const bypass = (this.DPLLCTRLB.value & SYSCTRL_DPLLCTRLB.LBYPASS) !== 0;
    const lock = this.dpllLock || (enabled && bypass);
    // DIV: the XOSC reference goes through the divider.
    const divided = (this.DPLLCTRLB.value & SYSCTRL_DPLLCTRLB.REFCLK_Msk) >>> SYSCTRL_DPLLCTRLB.REFCLK_Pos === SYSCTRL_REFCLK.REF1;
    return (lock ? S.LOCK | S.CLKRDY : 0) | (enabled ? S.ENABLE : 0) | (divided ? S.DIV : 0);
  }

  dpllFrequency(): number {
    if (!(this.DPLLCTRLA.value & SYSCTRL_DPLLCTRLA.ENABLE) || !this.dpllLock) return 0;
    const r = this.DPLLRATIO.value;
    const R = SYSCTRL_DPLLRATIO;
    return this.dpllReference() * (((r & R.LDR_Msk) >>> R.LDR_Pos) + 1 + ((r & R.LDRFRAC_Msk) >>> R.LDRFRAC_Pos) / 16);
  }

  // ---------------------------------------------------------------- BOD33

  private updateBod(): void {
    // BOD33RDY follows ENABLE; VDD is a healthy 3.3 V, so BOD33DET stays 0.
    this.setStatus(PCLKSR.BOD33RDY, (this.BOD33.value & SYSCTRL_BOD33.ENABLE) !== 0);
  }

  // ---------------------------------------------------------------- SourceClocks

  sourceFrequency(src: number): number {
    const st = this.status;
    switch (src) {
      case GCLK_SRC.XOSC:
        return st & PCLKSR.XOSCRDY ? this.options.xoscFrequency : 0;
      case GCLK_SRC.OSCULP32K:
        return F32K;
      case GCLK_SRC.OSC32K:
        return st & PCLKSR.OSC32KRDY && this.OSC32K.value & SYSCTRL_OSC32K.EN32K ? F32K : 0;
      case GCLK_SRC.XOSC32K:
        return st & PCLKSR.XOSC32KRDY && this.XOSC32K.value & SYSCTRL_XOSC32K.EN32K ? F32K : 0;
      case GCLK_SRC.OSC8M:
        return st & PCLKSR.OSC8MRDY ? OSC8M_HZ / (1 << ((this.OSC8M.value & SYSCTRL_OSC8M.PRESC_Msk) >>> SYSCTRL_OSC8M.PRESC_Pos)) : 0;
      case GCLK_SRC.DFLL48M:
        return this.dfllFrequency();
      case GCLK_SRC.FDPLL96M:
        return this.dpllFrequency();
      default:
        return 0;
    }
  }
}

