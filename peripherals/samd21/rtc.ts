/**
 * RTC, the Real-Time Counter (data sheet section 19), in its three modes:
 *  - MODE0: 32-bit counter, compare COMP0 (optionally clearing the counter, CTRL.MATCHCLR);
 *  - MODE1: 16-bit counter with period PER, compares COMP0/COMP1;
 *  - MODE2: clock/calendar (CLOCK: SECOND, MINUTE, HOUR, DAY, MONTH, YEAR) with ALARM0 and MASK.
 * The counter runs on GCLK_RTC divided by 2^PRESCALER. The same prescaler gives the periodic
 * events PERn at f(GCLK_RTC) / 2^(n+3) (19.6.8.1), which CircuitPython routes through EVSYS as its
 * 1024 Hz tick.
 *
 * The counter is computed from the scheduler's cycle count (never ticked), and one SimEvent is
 * scheduled at the next compare/overflow, one at the next periodic event when PEREOn are set.
 * Register layout per mode: COUNT at 0x10 (16-bit in MODE1), PER at 0x14 (MODE1), COMP0 at 0x18
 * (MODE1: COMP0 at 0x18 and COMP1 at 0x1A; MODE2: ALARM0), MASK at 0x1C (MODE2). The registers
 * are declared once with the MODE0 names; the hooks interpret them per mode (byte lanes make a
 * 16-bit access to 0x1A reach the COMP1 half).
 *
 * Synchronisation: writes to CTRL, COUNT, PER, COMPn, FREQCORR and READREQ.RREQ set
 * STATUS.SYNCBUSY for ~5 GCLK_RTC periods (then INTFLAG.SYNCRDY). CTRL.SWRST reads 1 until the
 * reset is done; ENABLE takes effect when the synchronisation completes. Reads of COUNT always
 * return the live value (the model needs no READREQ, but accepts it).
 *
 * The RTC keeps running across WDT/system/external resets (16.6.2.6): only power-on resets it.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { isPowerOnReset, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { EVENT_GENERATOR, GCLK_ID, IRQ } from './memory-map.js';

/** Register offsets (19.7 register summaries; COMP1 exists in MODE1, MASK in MODE2). */
export const RTC_REG = {
  CTRL: 0x00, READREQ: 0x02, EVCTRL: 0x04, INTENCLR: 0x06, INTENSET: 0x07, INTFLAG: 0x08, STATUS: 0x0a,
  DBGCTRL: 0x0b, FREQCORR: 0x0c, COUNT: 0x10, CLOCK: 0x10, PER: 0x14, COMP0: 0x18, ALARM0: 0x18, COMP1: 0x1a,
  MASK: 0x1c,
} as const;
/** CTRL (19.8.1 MODE0, 19.8.2 MODE1, 19.8.3 MODE2: CLKREP instead of MATCHCLR). */
export const RTC_CTRL = {
  SWRST: 1 << 0, ENABLE: 1 << 1, MODE_Pos: 2, MODE_Msk: 0x3 << 2, CLKREP: 1 << 6, MATCHCLR: 1 << 7,
  PRESCALER_Pos: 8, PRESCALER_Msk: 0xf << 8,
} as const;
/** CTRL.MODE values. */
export const RTC_MODE = { COUNT32: 0, COUNT16: 1, CLOCK: 2 } as const;
/** READREQ (19.8.4). */
export const RTC_READREQ = { ADDR_Pos: 0, ADDR_Msk: 0x3f << 0, RCONT: 1 << 14, RREQ: 1 << 15 } as const;
/** EVCTRL (19.8.5-7): PEREOn = PEREO0 << n, CMPEOn (ALARMEO0) = CMPEO0 << n. */
export const RTC_EVCTRL = { PEREO0: 1 << 0, PEREO_Msk: 0xff << 0, CMPEO0: 1 << 8, CMPEO1: 1 << 9, OVFEO: 1 << 15 } as const;
/** INTFLAG / INTENSET / INTENCLR (19.8.8-10). */
export const RTC_INT = { CMP0: 1 << 0, ALARM0: 1 << 0, CMP1: 1 << 1, SYNCRDY: 1 << 6, OVF: 1 << 7 } as const;
/** STATUS (19.8.11). */
export const RTC_STATUS = { SYNCBUSY: 1 << 7 } as const;
/** DBGCTRL (19.8.12). */
export const RTC_DBGCTRL = { DBGRUN: 1 << 0 } as const;
/** FREQCORR (19.8.13). */
export const RTC_FREQCORR = { VALUE_Pos: 0, VALUE_Msk: 0x7f << 0, SIGN: 1 << 7 } as const;
/** MODE2 CLOCK / ALARM0 (19.8.15, 19.8.17): YEAR 0 = 2000. */
export const RTC_CLOCK = {
  SECOND_Pos: 0, SECOND_Msk: 0x3f << 0, MINUTE_Pos: 6, MINUTE_Msk: 0x3f << 6, HOUR_Pos: 12,
  HOUR_Msk: 0x1f << 12, DAY_Pos: 17, DAY_Msk: 0x1f << 17, MONTH_Pos: 22, MONTH_Msk: 0xf << 22, YEAR_Pos: 26,
  YEAR_Msk: 0x3f << 26,
} as const;
/** MODE2 MASK (19.8.18): SEL = how many CLOCK fields ALARM0 compares (0 off .. 6 YYMMDDHHMMSS). */
export const RTC_MASK = { SEL_Pos: 0, SEL_Msk: 0x7 << 0 } as const;

const CTRL = RTC_CTRL;
const TWO32 = 4294967296;
/** CTRL bits only writable while disabled whose change needs the count re-referenced. */
const CTRL_CONFIG = CTRL.MODE_Msk | CTRL.MATCHCLR | CTRL.PRESCALER_Msk;
/** SyncBusy bits: SWRST, ENABLE; every other synchronised write shows only as STATUS.SYNCBUSY. */
const SYNC_OTHER = 0;
/** MODE1 counter, PER and COMPn are 16 bits. */
const COUNT16_Msk = 0xffff;
/** PERn fire at f(GCLK_RTC) / 2^(n + 3) (19.6.8.1). */
const PER0_SHIFT = 3;
const PERIODIC_EVENTS = 8;
/** The CLOCK bits each MASK.SEL compares: everything below SECOND, MINUTE, ... YEAR's end. */
const ALARM_WIDTHS = [0, RTC_CLOCK.MINUTE_Pos, RTC_CLOCK.HOUR_Pos, RTC_CLOCK.DAY_Pos, RTC_CLOCK.MONTH_Pos, RTC_CLOCK.YEAR_Pos, 32] as const;
const EPOCH_YEAR = 2000;

export class RTC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRL: Register;
  readonly READREQ: Register;
  readonly EVCTRL: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly DBGCTRL: Register;
  readonly FREQCORR: Register;
  readonly COUNT: Register;
  readonly PER: Register;
  readonly COMP0: Register;
  readonly MASK: Register;
  private readonly sync: SyncBusy;
  private readonly matchEvent: SimEvent;
  private readonly periodicEvent: SimEvent;

  // Time mapping: GCLK_RTC tick k happens at cycle refCycle + ceil((k - refGclk) * F / f).
  private f = 0;
  private refCycle = 0;
  private refGclk = 0;
  /** GCLK tick at which the prescaler started (enable). */
  private p0 = 0;
  private running = false;
  /** Counter value at prescaled tick kRef (MODE0/1), or seconds-since-epoch state (MODE2). */
  private countRef = 0;
  private kRef = 0;
  /** MODE2: CLOCK at kRef as seconds since 2000-01-01 00:00:00. */
  private secondsRef = 0;

  constructor(private readonly chip: Samd21Chip) {
    super('RTC', 0x400);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.RTC), (bits) => this.syncDone(bits));
    this.matchEvent = new SimEvent('RTC match', () => this.matchDue());
    this.periodicEvent = new SimEvent('RTC periodic', () => this.periodicDue());

    const R = RTC_REG;
    this.CTRL = this.reg({
      name: 'CTRL',
      offset: R.CTRL,
      size: 2,
      writable: CTRL.SWRST | CTRL.ENABLE | CTRL.MODE_Msk | CTRL.CLKREP | CTRL.MATCHCLR | CTRL.PRESCALER_Msk,
      write: (v, old) => this.writeCtrl(v, old),
    });
    this.READREQ = this.reg({
      name: 'READREQ',
      offset: R.READREQ,
      size: 2,
      reset: R.COUNT << RTC_READREQ.ADDR_Pos,
      writable: RTC_READREQ.ADDR_Msk | RTC_READREQ.RCONT,
      write: (v, _o, mask) => {
        if (mask & RTC_READREQ.RREQ && v & RTC_READREQ.RREQ) this.sync.start(SYNC_OTHER);
      },
    });
    this.EVCTRL = this.reg({
      name: 'EVCTRL',
      offset: R.EVCTRL,
      size: 2,
      writable: RTC_EVCTRL.PEREO_Msk | RTC_EVCTRL.CMPEO0 | RTC_EVCTRL.CMPEO1 | RTC_EVCTRL.OVFEO,
      write: () => this.schedulePeriodic(),
    });
    this.int = new InterruptRegisters(
      this,
      { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG },
      1,
      RTC_INT.CMP0 | RTC_INT.CMP1 | RTC_INT.SYNCRDY | RTC_INT.OVF,
      (l) => chip.irq(IRQ.RTC, l),
    );
    this.STATUS = this.reg({ name: 'STATUS', offset: R.STATUS, size: 1, writable: 0, read: () => (this.sync.busy ? RTC_STATUS.SYNCBUSY : 0) });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: R.DBGCTRL, size: 1, writable: RTC_DBGCTRL.DBGRUN });
    // Frequency correction is stored only (the counter runs at the nominal rate).
    this.FREQCORR = this.reg({ name: 'FREQCORR', offset: R.FREQCORR, size: 1, unimplemented: true, write: () => this.sync.start(SYNC_OTHER) });
    this.COUNT = this.reg({ name: 'COUNT', offset: R.COUNT, size: 4, read: () => this.readCount(), write: (v) => this.writeCount(v) });
    this.PER = this.reg({ name: 'PER', offset: R.PER, size: 2, reset: COUNT16_Msk, write: (_v, old, _m, r) => this.configChanged(r, old) });
    this.COMP0 = this.reg({ name: 'COMP0', offset: R.COMP0, size: 4, write: (_v, old, _m, r) => this.configChanged(r, old) });
    this.MASK = this.reg({ name: 'MASK', offset: R.MASK, size: 1, writable: RTC_MASK.SEL_Msk, write: (_v, old, _m, r) => this.configChanged(r, old) });
    chip.onClockChange(() => this.clockChanged());
  }

  get mode(): number {
    return (this.CTRL.value & CTRL.MODE_Msk) >>> CTRL.MODE_Pos;
  }

  reset(cause: ResetCause): void {
    if (!isPowerOnReset(cause)) return; // the RTC survives non-POR resets
    this.softwareReset();
  }

  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.matchEvent);
    this.chip.scheduler.cancel(this.periodicEvent);
    this.running = false;
    this.countRef = 0;
    this.secondsRef = 0;
    this.rebase();
  }

  // ---------------------------------------------------------------- time mapping

  private gclkAt(cycle: number): number {
    if (this.f <= 0) return this.refGclk;
    // The epsilon absorbs floating-point error so that cycleOfGclk(k) maps back to k exactly.
    return this.refGclk + Math.floor(((cycle - this.refCycle) * this.f) / this.chip.scheduler.frequency + 1e-9);
  }

  private cycleOfGclk(k: number): number {
    return this.refCycle + Math.ceil(((k - this.refGclk) * this.chip.scheduler.frequency) / this.f - 1e-9);
  }

  /**
   * Keeps (cycle - refCycle) × f well inside 2^53 on long runs: moves the reference to a recent
   * GCLK tick that falls exactly on a cycle boundary (for 32768 Hz at 48 MHz, every 32nd tick),
   * which leaves the mapping unchanged.
   */
  private maybeRebase(): void {
    const now = this.chip.scheduler.cycles;
    if (this.f <= 0 || now - this.refCycle < 2 ** 32) return;
    const F = this.chip.scheduler.frequency;
    const k = this.gclkAt(now);
    for (let j = k; j > k - 65536; j--) {
      const c = ((j - this.refGclk) * F) / this.f;
      if (Number.isInteger(c)) {
        this.refCycle += c;
        this.refGclk = j;
        return;
      }
    }
  }

  /** Restarts the cycle↔tick mapping at the current time with the current GCLK_RTC frequency. */
  private rebase(): void {
    const now = this.chip.scheduler.cycles;
    this.refGclk = this.gclkAt(now);
    this.refCycle = now;
    this.f = this.chip.gclkFrequency(GCLK_ID.RTC);
  }

  private get presc(): number {
    return 2 ** ((this.CTRL.value & CTRL.PRESCALER_Msk) >>> CTRL.PRESCALER_Pos);
  }

  /** Prescaled ticks since enable at `cycle`. */
  private kAt(cycle: number): number {
    return Math.floor((this.gclkAt(cycle) - this.p0) / this.presc);
  }

  private modulus(): number {
    if (this.mode === RTC_MODE.COUNT16) return (this.PER.value & COUNT16_Msk) + 1;
    if (this.CTRL.value & CTRL.MATCHCLR) return (this.COMP0.value >>> 0) + 1;
    return TWO32;
  }

  private countNow(): number {
    if (!this.running) return this.countRef;
    const k = this.kAt(this.chip.scheduler.cycles);
    if (this.mode === RTC_MODE.CLOCK) return this.countRef; // MODE2 uses secondsNow()
    const m = this.modulus();
    return (this.countRef + ((k - this.kRef) % m)) % m;
  }

  private secondsNow(): number {
    if (!this.running) return this.secondsRef;
    return this.secondsRef + (this.kAt(this.chip.scheduler.cycles) - this.kRef);
  }

  /** Freezes the current count as the new reference (before any configuration change). */
  private snapshot(): void {
    if (this.mode === RTC_MODE.CLOCK) this.secondsRef = this.secondsNow();
    else this.countRef = this.countNow();
    this.kRef = this.running ? this.kAt(this.chip.scheduler.cycles) : 0;
  }

  // ---------------------------------------------------------------- registers

  private writeCtrl(v: number, old: number): void {
    if (v & CTRL.SWRST) {
      this.sync.start(CTRL.SWRST);
      return;
    }
    if ((v ^ old) & CTRL_CONFIG) {
      // Mode, MATCHCLR or prescaler changed (allowed only while disabled, 19.8.1): re-reference.
      const keep = old;
      this.CTRL.value = keep;
      this.snapshot();
      this.CTRL.value = v;
      if (this.running) this.kRef = this.kAt(this.chip.scheduler.cycles);
    }
    this.sync.start(CTRL.ENABLE);
    this.scheduleMatch();
  }

  private syncDone(bits: number): void {
    if (bits & CTRL.SWRST) {
      this.softwareReset();
      return;
    }
    const enable = (this.CTRL.value & CTRL.ENABLE) !== 0;
    if (enable !== this.running) {
      this.snapshot();
      this.rebase();
      if (enable) {
        this.p0 = this.gclkAt(this.chip.scheduler.cycles);
        this.kRef = 0;
      }
      this.running = enable;
      this.scheduleMatch();
      this.schedulePeriodic();
    }
    this.int.set(RTC_INT.SYNCRDY);
  }

  private readCount(): number {
    if (this.mode === RTC_MODE.CLOCK) return this.toClock(this.secondsNow());
    const v = this.countNow();
    return this.mode === RTC_MODE.COUNT16 ? v & COUNT16_Msk : v >>> 0;
  }

  private writeCount(v: number): void {
    if (this.mode === RTC_MODE.CLOCK) this.secondsRef = this.fromClock(v);
    else this.countRef = (this.mode === RTC_MODE.COUNT16 ? v & COUNT16_Msk : v >>> 0) % this.modulus();
    this.kRef = this.running ? this.kAt(this.chip.scheduler.cycles) : 0;
    this.sync.start(SYNC_OTHER);
    this.scheduleMatch();
  }

  /** PER/COMP/ALARM/MASK written: COUNT continues from the value it had under the old settings. */
  private configChanged(reg: Register, old: number): void {
    const v = reg.value;
    reg.value = old;
    this.snapshot();
    reg.value = v;
    if (this.mode !== RTC_MODE.CLOCK) this.countRef %= this.modulus();
    this.sync.start(SYNC_OTHER);
    this.scheduleMatch();
  }

  private clockChanged(): void {
    const f = this.chip.gclkFrequency(GCLK_ID.RTC);
    if (f === this.f) return;
    // Keep tick continuity: re-reference gclk ticks at the current cycle with the new rate.
    this.rebase();
    this.scheduleMatch();
    this.schedulePeriodic();
  }

  // ---------------------------------------------------------------- compare / overflow

  private scheduleMatch(): void {
    const s = this.chip.scheduler;
    s.cancel(this.matchEvent);
    if (!this.running || this.f <= 0) return;
    const kNow = this.kAt(s.cycles);
    let next = Infinity;
    if (this.mode === RTC_MODE.CLOCK) {
      next = kNow + 1; // check the alarm each second
    } else {
      const m = this.modulus();
      const v = this.countNow();
      for (const comp of this.compares()) {
        if (comp < m) next = Math.min(next, kNow + ((comp - v + m) % m) + 1);
      }
      next = Math.min(next, kNow + (m - v));
    }
    const gclk = this.p0 + next * this.presc;
    s.scheduleAt(this.matchEvent, Math.max(s.cycles, this.cycleOfGclk(gclk)));
  }

  private compares(): number[] {
    const c = this.COMP0.value >>> 0;
    return this.mode === RTC_MODE.COUNT16 ? [c & COUNT16_Msk, c >>> 16] : [c];
  }

  private matchDue(): void {
    const ev = this.EVCTRL.value;
    if (this.mode === RTC_MODE.CLOCK) {
      this.alarmCheck();
    } else {
      const m = this.modulus();
      const v = this.countNow();
      const prev = (v - 1 + m) % m;
      const comps = this.compares();
      comps.forEach((comp, i) => {
        if (comp === prev) {
          this.int.set(i === 0 ? RTC_INT.CMP0 : RTC_INT.CMP1);
          if (ev & (RTC_EVCTRL.CMPEO0 << i)) this.chip.generateEvent(EVENT_GENERATOR.RTC_CMP0 + i);
        }
      });
      // With MATCHCLR the clear on a COMP0 match is an overflow too: CMP0 and OVF are set
      // together (19.6.3.1).
      if (v === 0) {
        this.int.set(RTC_INT.OVF);
        if (ev & RTC_EVCTRL.OVFEO) this.chip.generateEvent(EVENT_GENERATOR.RTC_OVF);
      }
    }
    this.maybeRebase();
    this.scheduleMatch();
  }

  private alarmCheck(): void {
    const clock = this.toClock(this.secondsNow());
    const prevClock = this.toClock(this.secondsNow() - 1);
    // MASK.SEL: 0 off, 1 SS, 2 MMSS, 3 HHMMSS, 4 DDHHMMSS, 5 MMDDHHMMSS, 6 YYMMDDHHMMSS (19.8.17).
    const sel = (this.MASK.value & RTC_MASK.SEL_Msk) >>> RTC_MASK.SEL_Pos;
    if (sel > 0 && sel < ALARM_WIDTHS.length) {
      const bits = ALARM_WIDTHS[sel];
      const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
      if (((prevClock ^ (this.COMP0.value >>> 0)) & mask) === 0) {
        this.int.set(RTC_INT.ALARM0);
        if (this.EVCTRL.value & RTC_EVCTRL.CMPEO0) this.chip.generateEvent(EVENT_GENERATOR.RTC_CMP0);
        if (this.CTRL.value & CTRL.MATCHCLR) {
          this.secondsRef = 0;
          this.kRef = this.kAt(this.chip.scheduler.cycles);
        }
      }
    }
    if (clock >>> RTC_CLOCK.YEAR_Pos < prevClock >>> RTC_CLOCK.YEAR_Pos) {
      this.int.set(RTC_INT.OVF);
      if (this.EVCTRL.value & RTC_EVCTRL.OVFEO) this.chip.generateEvent(EVENT_GENERATOR.RTC_OVF);
    }
  }

  // ---------------------------------------------------------------- periodic events

  private schedulePeriodic(): void {
    const s = this.chip.scheduler;
    s.cancel(this.periodicEvent);
    const per = this.EVCTRL.value & RTC_EVCTRL.PEREO_Msk;
    if (!per || !this.running || this.f <= 0) return;
    const n = 31 - Math.clz32(per & -per); // fastest enabled PERn
    const period = 2 ** (n + PER0_SHIFT);
    const g = this.gclkAt(s.cycles) - this.p0;
    const next = (Math.floor(g / period) + 1) * period;
    s.scheduleAt(this.periodicEvent, this.cycleOfGclk(this.p0 + next));
  }

  private periodicDue(): void {
    const g = this.gclkAt(this.chip.scheduler.cycles) - this.p0;
    const per = this.EVCTRL.value & RTC_EVCTRL.PEREO_Msk;
    for (let n = 0; n < PERIODIC_EVENTS; n++) {
      if (per & (RTC_EVCTRL.PEREO0 << n) && g % 2 ** (n + PER0_SHIFT) === 0) this.chip.generateEvent(EVENT_GENERATOR.RTC_PER0 + n);
    }
    this.schedulePeriodic();
  }

  // ---------------------------------------------------------------- MODE2 calendar

  /** CLOCK register (19.8.12) from seconds since 2000-01-01 (YEAR 0 = 2000, 24-hour clock). */
  private toClock(seconds: number): number {
    const C = RTC_CLOCK;
    const d = new Date(Date.UTC(EPOCH_YEAR, 0, 1) + seconds * 1000);
    const year = ((d.getUTCFullYear() - EPOCH_YEAR) << C.YEAR_Pos) & C.YEAR_Msk;
    return (
      ((d.getUTCSeconds() << C.SECOND_Pos) |
        (d.getUTCMinutes() << C.MINUTE_Pos) |
        (d.getUTCHours() << C.HOUR_Pos) |
        (d.getUTCDate() << C.DAY_Pos) |
        ((d.getUTCMonth() + 1) << C.MONTH_Pos) |
        year) >>>
      0
    );
  }

  private fromClock(v: number): number {
    const C = RTC_CLOCK;
    const field = (msk: number, pos: number) => (v & msk) >>> pos;
    const t = Date.UTC(
      EPOCH_YEAR + field(C.YEAR_Msk, C.YEAR_Pos),
      Math.max(1, field(C.MONTH_Msk, C.MONTH_Pos)) - 1,
      Math.max(1, field(C.DAY_Msk, C.DAY_Pos)),
      field(C.HOUR_Msk, C.HOUR_Pos),
      field(C.MINUTE_Msk, C.MINUTE_Pos),
      field(C.SECOND_Msk, C.SECOND_Pos),
    );
    return Math.round((t - Date.UTC(EPOCH_YEAR, 0, 1)) / 1000);
  }
}
