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

/** INTFLAG bits (19.8.8/9/10). */
export const RTC_INT = { CMP0: 1 << 0, ALARM0: 1 << 0, CMP1: 1 << 1, SYNCRDY: 1 << 6, OVF: 1 << 7 } as const;
/** CTRL bits. */
const CTRL = { SWRST: 1 << 0, ENABLE: 1 << 1, MATCHCLR: 1 << 7 } as const;
const TWO32 = 4294967296;

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

    this.CTRL = this.reg({ name: 'CTRL', offset: 0x00, size: 2, writable: 0x0fcf, write: (v, old) => this.writeCtrl(v, old) });
    this.READREQ = this.reg({
      name: 'READREQ', offset: 0x02, size: 2, reset: 0x0010, writable: 0x403f,
      write: (v, _o, mask) => {
        if (mask & 0xff00 && v & 0x8000) this.sync.start(0);
      },
    });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: 0x04, size: 2, writable: 0x83ff, write: () => this.schedulePeriodic() });
    this.int = new InterruptRegisters(this, { INTENCLR: 0x06, INTENSET: 0x07, INTFLAG: 0x08 }, 1, 0xc3, (l) => chip.irq(IRQ.RTC, l));
    this.STATUS = this.reg({ name: 'STATUS', offset: 0x0a, size: 1, writable: 0, read: () => (this.sync.busy ? 0x80 : 0) });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: 0x0b, size: 1, writable: 0x01 });
    this.FREQCORR = this.reg({ name: 'FREQCORR', offset: 0x0c, size: 1, write: () => this.sync.start(0) });
    this.COUNT = this.reg({ name: 'COUNT', offset: 0x10, size: 4, read: () => this.readCount(), write: (v) => this.writeCount(v) });
    this.PER = this.reg({ name: 'PER', offset: 0x14, size: 2, reset: 0xffff, write: (_v, old, _m, r) => this.configChanged(r, old) });
    this.COMP0 = this.reg({ name: 'COMP0', offset: 0x18, size: 4, write: (_v, old, _m, r) => this.configChanged(r, old) });
    this.MASK = this.reg({ name: 'MASK', offset: 0x1c, size: 1, writable: 0x07, write: (_v, old, _m, r) => this.configChanged(r, old) });
    chip.onClockChange(() => this.clockChanged());
  }

  get mode(): number {
    return (this.CTRL.value >>> 2) & 3;
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
    return 2 ** ((this.CTRL.value >>> 8) & 0xf);
  }

  /** Prescaled ticks since enable at `cycle`. */
  private kAt(cycle: number): number {
    return Math.floor((this.gclkAt(cycle) - this.p0) / this.presc);
  }

  private modulus(): number {
    if (this.mode === 1) return (this.PER.value & 0xffff) + 1;
    if (this.CTRL.value & CTRL.MATCHCLR) return (this.COMP0.value >>> 0) + 1;
    return TWO32;
  }

  private countNow(): number {
    if (!this.running) return this.countRef;
    const k = this.kAt(this.chip.scheduler.cycles);
    if (this.mode === 2) return this.countRef; // MODE2 uses secondsNow()
    const m = this.modulus();
    return (this.countRef + ((k - this.kRef) % m)) % m;
  }

  private secondsNow(): number {
    if (!this.running) return this.secondsRef;
    return this.secondsRef + (this.kAt(this.chip.scheduler.cycles) - this.kRef);
  }

  /** Freezes the current count as the new reference (before any configuration change). */
  private snapshot(): void {
    if (this.mode === 2) this.secondsRef = this.secondsNow();
    else this.countRef = this.countNow();
    this.kRef = this.running ? this.kAt(this.chip.scheduler.cycles) : 0;
  }

  // ---------------------------------------------------------------- registers

  private writeCtrl(v: number, old: number): void {
    if (v & CTRL.SWRST) {
      this.sync.start(CTRL.SWRST);
      return;
    }
    if ((v ^ old) & 0x0f8c) {
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
    if (this.mode === 2) return this.toClock(this.secondsNow());
    const v = this.countNow();
    return this.mode === 1 ? v & 0xffff : v >>> 0;
  }

  private writeCount(v: number): void {
    if (this.mode === 2) this.secondsRef = this.fromClock(v);
    else this.countRef = (this.mode === 1 ? v & 0xffff : v >>> 0) % this.modulus();
    this.kRef = this.running ? this.kAt(this.chip.scheduler.cycles) : 0;
    this.sync.start(0);
    this.scheduleMatch();
  }

  /** PER/COMP/ALARM/MASK written: COUNT continues from the value it had under the old settings. */
  private configChanged(reg: Register, old: number): void {
    const v = reg.value;
    reg.value = old;
    this.snapshot();
    reg.value = v;
    if (this.mode !== 2) this.countRef %= this.modulus();
    this.sync.start(0);
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
    if (this.mode === 2) {
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
    return this.mode === 1 ? [c & 0xffff, c >>> 16] : [c];
  }

  private matchDue(): void {
    const ev = this.EVCTRL.value;
    if (this.mode === 2) {
      this.alarmCheck();
    } else {
      const m = this.modulus();
      const v = this.countNow();
      const prev = (v - 1 + m) % m;
      const comps = this.compares();
      comps.forEach((comp, i) => {
        if (comp === prev) {
          this.int.set(i === 0 ? RTC_INT.CMP0 : RTC_INT.CMP1);
          if (ev & (1 << (8 + i))) this.chip.generateEvent(EVENT_GENERATOR.RTC_CMP0 + i);
        }
      });
      // With MATCHCLR the clear on a COMP0 match is an overflow too: CMP0 and OVF are set
      // together (19.6.3.1).
      if (v === 0) {
        this.int.set(RTC_INT.OVF);
        if (ev & 0x8000) this.chip.generateEvent(EVENT_GENERATOR.RTC_OVF);
      }
    }
    this.maybeRebase();
    this.scheduleMatch();
  }

  private alarmCheck(): void {
    const clock = this.toClock(this.secondsNow());
    const prevClock = this.toClock(this.secondsNow() - 1);
    // MASK.SEL: 0 off, 1 SS, 2 MMSS, 3 HHMMSS, 4 DDHHMMSS, 5 MMDDHHMMSS, 6 YYMMDDHHMMSS (19.8.17).
    const sel = this.MASK.value & 7;
    const widths = [0, 6, 12, 17, 22, 26, 32];
    if (sel > 0 && sel < 7) {
      const bits = widths[sel];
      const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
      if (((prevClock ^ (this.COMP0.value >>> 0)) & mask) === 0) {
        this.int.set(RTC_INT.ALARM0);
        if (this.EVCTRL.value & 0x100) this.chip.generateEvent(EVENT_GENERATOR.RTC_CMP0);
        if (this.CTRL.value & CTRL.MATCHCLR) {
          this.secondsRef = 0;
          this.kRef = this.kAt(this.chip.scheduler.cycles);
        }
      }
    }
    if (clock >>> 26 < prevClock >>> 26) {
      this.int.set(RTC_INT.OVF);
      if (this.EVCTRL.value & 0x8000) this.chip.generateEvent(EVENT_GENERATOR.RTC_OVF);
    }
  }

  // ---------------------------------------------------------------- periodic events

  private schedulePeriodic(): void {
    const s = this.chip.scheduler;
    s.cancel(this.periodicEvent);
    const per = this.EVCTRL.value & 0xff;
    if (!per || !this.running || this.f <= 0) return;
    const n = 31 - Math.clz32(per & -per); // fastest enabled PERn
    const period = 2 ** (n + 3);
    const g = this.gclkAt(s.cycles) - this.p0;
    const next = (Math.floor(g / period) + 1) * period;
    s.scheduleAt(this.periodicEvent, this.cycleOfGclk(this.p0 + next));
  }

  private periodicDue(): void {
    const g = this.gclkAt(this.chip.scheduler.cycles) - this.p0;
    const per = this.EVCTRL.value & 0xff;
    for (let n = 0; n < 8; n++) {
      if (per & (1 << n) && g % 2 ** (n + 3) === 0) this.chip.generateEvent(EVENT_GENERATOR.RTC_PER0 + n);
    }
    this.schedulePeriodic();
  }

  // ---------------------------------------------------------------- MODE2 calendar

  /** CLOCK register (19.8.12) from seconds since 2000-01-01 (YEAR 0 = 2000, 24-hour clock). */
  private toClock(seconds: number): number {
    const d = new Date(Date.UTC(2000, 0, 1) + seconds * 1000);
    const year = (d.getUTCFullYear() - 2000) & 0x3f;
    return (
      (d.getUTCSeconds() |
        (d.getUTCMinutes() << 6) |
        (d.getUTCHours() << 12) |
        (d.getUTCDate() << 17) |
        ((d.getUTCMonth() + 1) << 22) |
        (year << 26)) >>>
      0
    );
  }

  private fromClock(v: number): number {
    const t = Date.UTC(2000 + ((v >>> 26) & 0x3f), Math.max(1, (v >>> 22) & 0xf) - 1, Math.max(1, (v >>> 17) & 0x1f), (v >>> 12) & 0x1f, (v >>> 6) & 0x3f, v & 0x3f);
    return Math.round((t - Date.UTC(2000, 0, 1)) / 1000);
  }
}
