/**
 * The counting core shared by TC3-TC5 and TCC0-TCC2: a counter computed from the cycle timeline.
 *
 * No per-tick simulation: the counter value is a function of the scheduler's cycle count since
 * the last re-base (`baseCycle`, `baseCount`, direction), and the owner schedules one SimEvent at
 * the next interesting tick (wrap/update, a compare match, TOP in dual-slope). Between two such
 * points the count moves linearly, so firing an event re-bases exactly on a tick boundary.
 *
 * Counting shapes (data sheet 30.6.2.4 TC, 31.6.2.4/31.6.2.5 TCC):
 *  - single-slope up: 0, 1, ..., TOP, 0 ... ; the TOP -> 0 step is the overflow/update. A count
 *    above TOP (TOP lowered under it) runs on to MAX and wraps to 0.
 *  - single-slope down: TOP, ..., 1, 0, TOP ... ; the 0 -> TOP step is the underflow/update.
 *  - dual-slope: 0 ... TOP ... 0 ... ; period 2 TOP ticks, direction turns at TOP and ZERO.
 * `tickCycles` is fractional (scheduler cycles per counter tick = prescaler / f_GCLK); tick k after
 * the base happens at cycle ceil(baseCycle + k tickCycles).
 */
import type { Scheduler, SimEvent } from '../../emulator/kernel/scheduler.js';

export class TimelineCounter {
  running = false;
  /** Count at baseCycle. */
  baseCount = 0;
  /** Exact (fractional) cycle of the last tick boundary we re-based on. */
  baseCycle = 0;
  /** Scheduler cycles per counter tick; Infinity when the clock is stopped. */
  tickCycles = Infinity;
  up = true;
  dual = false;
  top = 0xffff;
  max = 0xffff;
  /** Ticks from the base to the point `scheduleTick` last scheduled. */
  pendingTicks = 0;

  constructor(private readonly scheduler: Scheduler) {}

  /** SWRST / system reset: stopped at 0, counting up. */
  reset(): void {
    this.running = false;
    this.set(0);
    this.up = true;
  }

  /** The owner enabled: count from now at `tickCycles`, unless events alone move it (`clocked` false). */
  enable(tickCycles: number, clocked: boolean): void {
    this.tickCycles = tickCycles;
    this.baseCycle = this.scheduler.cycles;
    this.running = clocked;
  }

  /** Re-derives the counting shape after a clock or register change, keeping the count. */
  reshape(max: number, top: number, dual: boolean, tickCycles: number): void {
    this.rebase();
    this.max = max;
    this.dual = dual;
    this.top = top;
    if (tickCycles !== this.tickCycles) this.setTickCycles(tickCycles);
  }

  /** Ticks elapsed since the base (0 when stopped). */
  ticksNow(): number {
    if (!this.running || !isFinite(this.tickCycles)) return 0;
    const dt = this.scheduler.cycles - this.baseCycle;
    return dt <= 0 ? 0 : Math.floor(dt / this.tickCycles + 1e-9);
  }

  /** The count after `ticks` ticks from the base, and the direction then. */
  countAfter(ticks: number): { count: number; up: boolean } {
    const c = this.baseCount;
    const top = this.top;
    if (ticks === 0) return { count: c, up: this.up };
    if (this.dual) {
      if (top === 0) return { count: 0, up: true };
      const period = 2 * top;
      const cc = Math.min(c, top);
      const p = this.up ? cc : period - cc;
      const q = (p + ticks) % period;
      return q <= top ? { count: q, up: q < top } : { count: period - q, up: false };
    }
    if (this.up) {
      if (c > top) {
        const toWrap = this.max - c + 1;
        if (ticks < toWrap) return { count: c + ticks, up: true };
        return { count: (ticks - toWrap) % (top + 1), up: true };
      }
      return { count: (c + ticks) % (top + 1), up: true };
    }
    const start = Math.min(c, this.max);
    if (ticks <= start) return { count: start - ticks, up: false };
    return { count: top - ((ticks - start - 1) % (top + 1)), up: false };
  }

  /** Current count. */
  get count(): number {
    return this.countAfter(this.ticksNow()).count;
  }

  /** Re-bases on the current tick boundary (before changing TOP, direction or clock). */
  rebase(): void {
    const ticks = this.ticksNow();
    if (ticks > 0) this.advance(ticks);
    if (!this.running) this.baseCycle = this.scheduler.cycles;
  }

  /** Moves the base `ticks` ticks on (to a tick boundary); returns the count and direction there. */
  advance(ticks: number): { count: number; up: boolean } {
    const r = this.countAfter(ticks);
    this.baseCount = r.count;
    this.up = r.up;
    this.baseCycle += ticks * this.tickCycles;
    return r;
  }

  /** A COUNT write of `value` under byte-lane `mask`, truncated to `max`. */
  writeCount(value: number, mask: number, max: number): void {
    this.rebase();
    this.set((((this.count & ~mask) | (value & mask)) & max) >>> 0);
  }

  /** RETRIGGER command or event: restart from ZERO counting up, or from `top` counting down
   *  (30.6.2.7, 31.6.2.7). */
  retrigger(top: number): void {
    this.set(this.up ? 0 : top);
    this.running = true;
  }

  /** Sets the count now (COUNT write, retrigger). */
  set(count: number): void {
    this.baseCount = count;
    this.baseCycle = this.scheduler.cycles;
  }

  start(): void {
    if (this.running) return;
    this.baseCycle = this.scheduler.cycles;
    this.running = true;
  }

  stop(): void {
    this.rebase();
    this.running = false;
  }

  /** Changes the tick length, keeping the count (clock or prescaler change). */
  setTickCycles(cycles: number): void {
    this.rebase();
    this.baseCycle = this.scheduler.cycles;
    this.tickCycles = cycles;
  }

  /**
   * Ticks from the base until the count next becomes `value` (> 0), or Infinity. In single-slope
   * mode `value` = ZERO going up (or TOP going down) is the wrap/update.
   */
  ticksUntil(value: number): number {
    const c = this.baseCount;
    const top = this.top;
    if (value > top && !(this.up && !this.dual && c > top && value > c)) return Infinity;
    if (this.dual) {
      if (top === 0) return Infinity;
      const period = 2 * top;
      const cc = Math.min(c, top);
      const p = this.up ? cc : period - cc;
      let best = Infinity;
      for (const q of value === 0 || value === top ? [value] : [value, period - value]) {
        let d = (q - p) % period;
        if (d <= 0) d += period;
        if (d < best) best = d;
      }
      return best;
    }
    if (this.up) {
      if (c > top) {
        if (value > c) return value - c;
        return this.max - c + 1 + value;
      }
      let d = (value - c) % (top + 1);
      if (d <= 0) d += top + 1;
      return d;
    }
    let d = (c - value) % (top + 1);
    if (d <= 0) d += top + 1;
    return d;
  }

  /** Ticks from the base to the next update: the wrap in single slope (ZERO going up, TOP going
   *  down), ZERO or TOP in dual slope. */
  ticksToUpdate(): number {
    if (this.dual) return Math.min(this.ticksUntil(0), this.ticksUntil(this.top));
    return this.up ? this.ticksUntil(0) : this.ticksUntil(this.top);
  }

  /** Exact cycle of tick `ticks` after the base. */
  cycleOfTick(ticks: number): number {
    return Math.ceil(this.baseCycle + ticks * this.tickCycles - 1e-6);
  }

  /** Whether the count moves with time (enabled by its owner, clock running). */
  get ticking(): boolean {
    return this.running && isFinite(this.tickCycles);
  }

  /** Schedules `event` at tick `ticks` after the base (`pendingTicks`), or cancels it when that
   *  never comes (Infinity). */
  scheduleTick(event: SimEvent, ticks: number): void {
    if (!isFinite(ticks)) {
      this.scheduler.cancel(event);
      return;
    }
    this.pendingTicks = ticks;
    this.scheduler.scheduleAt(event, this.cycleOfTick(ticks));
  }
}

/** Scheduler cycles per counter tick: `prescaler` (the CTRLA.PRESCALER value) periods of the GCLK
 *  (30.8.1, 31.8.1); Infinity while the GCLK is off. */
export function prescaledTickCycles(schedulerHz: number, gclkHz: number, prescaler: number): number {
  if (!(gclkHz > 0)) return Infinity;
  return (schedulerHz * PRESCALER_DIV[prescaler]) / gclkHz;
}

/** Prescaler dividers of CTRLA.PRESCALER (30.8.1, 31.8.1). */
export const PRESCALER_DIV = [1, 2, 4, 8, 16, 64, 256, 1024] as const;
