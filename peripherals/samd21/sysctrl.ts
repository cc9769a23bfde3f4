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

/** PCLKSR / INTFLAG bits (17.8.4). */
export const PCLKSR = {
  XOSCRDY: 1 << 0,
  XOSC32KRDY: 1 << 1,
  OSC32KRDY: 1 << 2,
  OSC8MRDY: 1 << 3,
  DFLLRDY: 1 << 4,
  DFLLOOB: 1 << 5,
  DFLLLCKF: 1 << 6,
  DFLLLCKC: 1 << 7,
  DFLLRCS: 1 << 8,
  BOD33RDY: 1 << 9,
  BOD33DET: 1 << 10,
  B33SRDY: 1 << 11,
  DPLLLCKR: 1 << 15,
  DPLLLCKF: 1 << 16,
  DPLLLTO: 1 << 17,
} as const;
const PCLKSR_MASK = 0x00038fff;

/** DFLLCTRL bits (17.8.8). */
const DFLL = { ENABLE: 1 << 1, MODE: 1 << 2, STABLE: 1 << 3, LLAW: 1 << 4, USBCRM: 1 << 5, ONDEMAND: 1 << 7, CCDIS: 1 << 8, QLDIS: 1 << 9, BPLCKC: 1 << 10, WAITLOCK: 1 << 11 };

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

    this.int = new InterruptRegisters(this, { INTENCLR: 0x00, INTENSET: 0x04, INTFLAG: 0x08 }, 4, PCLKSR_MASK, (l) => chip.irq(IRQ.SYSCTRL, l));
    this.PCLKSR = this.reg({ name: 'PCLKSR', offset: 0x0c, size: 4, writable: 0, read: () => this.status });

    // XOSC (17.8.5): ENABLE 1, XTALEN 2, RUNSTDBY 6, ONDEMAND 7, GAIN 8-10, AMPGC 11, STARTUP 12-15.
    this.XOSC = this.reg({ name: 'XOSC', offset: 0x10, size: 2, reset: 0x0080, writable: 0xffc6, write: () => this.updateXosc() });
    // XOSC32K (17.8.6): ENABLE 1, XTALEN 2, EN32K 3, EN1K 4, AAMPEN 5, RUNSTDBY 6, ONDEMAND 7, STARTUP 8-10, WRTLOCK 12.
    this.XOSC32K = this.reg({ name: 'XOSC32K', offset: 0x14, size: 2, reset: 0x0080, writable: 0x17fe, write: (v, old) => this.writeXosc32k(v, old) });
    // OSC32K (17.8.7): ENABLE 1, EN32K 2, EN1K 3, RUNSTDBY 6, ONDEMAND 7, STARTUP 8-10, WRTLOCK 12, CALIB 16-22.
    // CALIB is loaded from the NVM calibration row at reset.
    this.OSC32K = this.reg({ name: 'OSC32K', offset: 0x18, size: 4, reset: 0x003f0080, writable: 0x007f17ce, write: (v, old) => this.writeOsc32k(v, old) });
    // OSCULP32K (17.8.8): CALIB 0-4, WRTLOCK 7. Always running.
    this.OSCULP32K = this.reg({ name: 'OSCULP32K', offset: 0x1c, size: 1, reset: 0x1f, writable: 0x9f });
    // OSC8M (17.8.9): ENABLE 1, RUNSTDBY 6, ONDEMAND 7, PRESC 8-9, CALIB 16-27, FRANGE 30-31.
    // Reset: enabled, PRESC = 3 (1 MHz), factory CALIB and FRANGE = 2.
    this.OSC8M = this.reg({ name: 'OSC8M', offset: 0x20, size: 4, reset: 0x87070382, writable: 0xcfff03c2, write: (v, old) => this.writeOsc8m(v, old) });
    this.DFLLCTRL = this.reg({ name: 'DFLLCTRL', offset: 0x24, size: 2, reset: 0x0080, writable: 0x0ffe, write: (v, old) => this.writeDfllctrl(v, old) });
    // DFLLVAL (17.8.11): FINE 0-9, COARSE 10-15, DIFF 16-31 (read-only). We report DIFF = 0:
    // the loop is modelled as exact, and FINE/COARSE read back as written.
    this.DFLLVAL = this.reg({ name: 'DFLLVAL', offset: 0x28, size: 4, writable: 0x0000ffff, write: () => this.dfllRegisterWritten() });
    // DFLLMUL (17.8.12): MUL 0-15, FSTEP 16-25, CSTEP 26-31.
    this.DFLLMUL = this.reg({ name: 'DFLLMUL', offset: 0x2c, size: 4, write: () => this.dfllRegisterWritten() });
    // DFLLSYNC (17.8.13): READREQ bit 7 requests a read synchronisation of DFLLVAL.
    this.DFLLSYNC = this.reg({ name: 'DFLLSYNC', offset: 0x30, size: 1, writable: 0x80, writeOnly: true, write: (v) => (v & 0x80 ? this.dfllRegisterWritten() : undefined) });
    // BOD33 (17.8.14): reset from the user row fuses (enabled, reset action, level 7 = 1.7-ish V).
    this.BOD33 = this.reg({ name: 'BOD33', offset: 0x34, size: 4, reset: 0x0007000a, writable: 0x003ff35e, write: () => this.updateBod() });
    this.VREG = this.reg({ name: 'VREG', offset: 0x3c, size: 2, reset: 0x0000, writable: 0x2040 });
    // VREF (17.8.16): TSEN 1, BGOUTEN 2, CALIB 16-26 (factory value).
    this.VREF = this.reg({ name: 'VREF', offset: 0x40, size: 4, reset: 0x01ff0000, writable: 0x07ff0006 });
    // FDPLL96M (17.8.17-20).
    this.DPLLCTRLA = this.reg({ name: 'DPLLCTRLA', offset: 0x44, size: 1, reset: 0x80, writable: 0xc2, write: () => this.updateDpll() });
    this.DPLLRATIO = this.reg({ name: 'DPLLRATIO', offset: 0x48, size: 4, writable: 0x000f0fff, write: () => this.updateDpll() });
    this.DPLLCTRLB = this.reg({ name: 'DPLLCTRLB', offset: 0x4c, size: 4, writable: 0x07ff173f, write: () => this.updateDpll() });
    this.DPLLSTATUS = this.reg({ name: 'DPLLSTATUS', offset: 0x50, size: 1, writable: 0, read: () => this.readDpllStatus() });

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
    if (v & 2 && this.options.xoscFrequency > 0) {
      if (!(this.status & PCLKSR.XOSCRDY) && !this.xoscEvent.scheduled) {
        // STARTUP 12-15: 2^STARTUP cycles of OSCULP32K (17.8.5 table).
        const cycles = 2 ** ((v >>> 12) & 0xf);
        this.chip.scheduler.scheduleIn(this.xoscEvent, Math.ceil((cycles * this.chip.scheduler.frequency) / F32K));
      }
    } else {
      this.chip.scheduler.cancel(this.xoscEvent);
      this.setStatus(PCLKSR.XOSCRDY, false);
    }
  }

  private writeXosc32k(v: number, old: number): void {
    // WRTLOCK (bit 12) makes the register read-only until the next power-on reset.
    if (old & (1 << 12)) {
      this.XOSC32K.value = old;
      return;
    }
    if (v & 2 && this.options.xosc32kCrystal) {
      if (!(old & 2)) {
        // Start-up (17.8.6 table 17-7): 1, 32, 2048, 4096, 16384, 32768, 65536 or 131072 cycles + 3.
        const cycles = [1, 32, 2048, 4096, 16384, 32768, 65536, 131072][(v >>> 8) & 7] + 3;
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
    if (old & (1 << 12)) {
      this.OSC32K.value = old;
      return;
    }
    if (v & 2) {
      if (!(old & 2)) {
        // Start-up (17.8.7 table 17-9): 3, 4, 6, 10, 18, 34, 66 or 130 OSC32K cycles.
        const cycles = [3, 4, 6, 10, 18, 34, 66, 130][(v >>> 8) & 7];
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
    if (v & 2) {
      if (!(old & 2)) {
        // OSC8M start-up time is a few µs (electrical characteristics: 2.1 µs typ.).
        this.setStatus(PCLKSR.OSC8MRDY, false);
        this.chip.scheduler.scheduleIn(this.osc8mEvent, Math.ceil(3e-6 * this.chip.scheduler.frequency));
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
    this.chip.scheduler.scheduleIn(this.dfllSyncEvent, 24);
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
    // 8 reference periods to coarse lock, 16 more to fine lock.
    const periods = alreadyCoarse ? 16 : 8;
    this.chip.scheduler.scheduleIn(this.dfllLockEvent, Math.ceil((periods * this.chip.scheduler.frequency) / ref));
  }

  private dfllLockStep(): void {
    const ref = this.chip.gclkFrequency(GCLK_ID.DFLL48M_REF);
    if (ref <= 0) return;
    if (this.dfllLockStage === 0) {
      this.setStatus(PCLKSR.DFLLLCKC, true);
      this.dfllLockStage = 1;
      this.chip.scheduler.scheduleIn(this.dfllLockEvent, Math.ceil((16 * this.chip.scheduler.frequency) / ref));
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
      const mul = this.DFLLMUL.value & 0xffff;
      if (ref > 0 && mul > 0) return ref * mul;
    }
    // Open loop, USB recovery (MUL = 48000 × 1 kHz SOF), or closed loop without a reference.
    return DFLL_OPEN_LOOP_HZ;
  }

  // ---------------------------------------------------------------- FDPLL96M

  private dpllReference(): number {
    const b = this.DPLLCTRLB.value;
    switch ((b >>> 4) & 3) {
      case 0: return this.sourceFrequency(GCLK_SRC.XOSC32K);
      case 1: {
        const div = (b >>> 16) & 0x7ff;
        return this.sourceFrequency(GCLK_SRC.XOSC) / (2 * (div + 1));
      }
      case 2: return this.chip.gclkFrequency(GCLK_ID.DPLL);
      default: return 0;
    }
  }

  private updateDpll(): void {
    const enabled = (this.DPLLCTRLA.value & 2) !== 0;
    this.chip.scheduler.cancel(this.dpllEvent);
    if (this.dpllLock) {
      this.dpllLock = false;
      this.setStatus(PCLKSR.DPLLLCKF, true);
    }
    if (enabled && this.dpllReference() > 0) {
      // Lock time: max 1.5 ms in the electrical characteristics; we use 500 µs.
      this.chip.scheduler.scheduleIn(this.dpllEvent, Math.ceil(500e-6 * this.chip.scheduler.frequency));
    }
    this.chip.clockChanged();
  }

  private dpllLocked(): void {
    this.dpllLock = true;
    this.setStatus(PCLKSR.DPLLLCKR, true);
    this.chip.clockChanged();
  }

  private readDpllStatus(): number {
    const enabled = (this.DPLLCTRLA.value & 2) !== 0;
    const bypass = (this.DPLLCTRLB.value & (1 << 12)) !== 0;
    const lock = this.dpllLock || (enabled && bypass);
    // LOCK 0, CLKRDY 1, ENABLE 2, DIV 3
    return (lock ? 1 : 0) | (lock ? 2 : 0) | (enabled ? 4 : 0) | (((this.DPLLCTRLB.value >>> 4) & 3) === 1 ? 8 : 0);
  }

  dpllFrequency(): number {
    if (!(this.DPLLCTRLA.value & 2) || !this.dpllLock) return 0;
    const r = this.DPLLRATIO.value;
    return this.dpllReference() * ((r & 0xfff) + 1 + ((r >>> 16) & 0xf) / 16);
  }

  // ---------------------------------------------------------------- BOD33

  private updateBod(): void {
    // BOD33RDY follows ENABLE; VDD is a healthy 3.3 V, so BOD33DET stays 0.
    this.setStatus(PCLKSR.BOD33RDY, (this.BOD33.value & 2) !== 0);
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
        return st & PCLKSR.OSC32KRDY && this.OSC32K.value & 4 ? F32K : 0;
      case GCLK_SRC.XOSC32K:
        return st & PCLKSR.XOSC32KRDY && this.XOSC32K.value & 8 ? F32K : 0;
      case GCLK_SRC.OSC8M:
        return st & PCLKSR.OSC8MRDY ? 8_000_000 / (1 << ((this.OSC8M.value >>> 8) & 3)) : 0;
      case GCLK_SRC.DFLL48M:
        return this.dfllFrequency();
      case GCLK_SRC.FDPLL96M:
        return this.dpllFrequency();
      default:
        return 0;
    }
  }
}

