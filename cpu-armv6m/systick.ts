/**
 * SysTick (ARMv6-M ARM B3.3): a 24-bit down-counter clocked by the core clock (CLKSOURCE=1).
 *
 * The counter is not ticked per cycle. It is described by the cycle at which it last held a
 * known value; reads of SYST_CVR compute the current value, and one scheduled event fires each
 * time the counter reaches zero (COUNTFLAG, and the SysTick exception when TICKINT is set).
 * Counting from N reaches 0 after N cycles and reloads RVR on the following cycle, so a reload
 * value R gives a period of R+1 cycles.
 *
 * CLKSOURCE=0 selects an implementation-defined reference clock; none is modelled (SYST_CALIB
 * reports NOREF), so with CLKSOURCE=0 the counter does not run, as on a part with no reference.
 */
import { SimEvent, type Scheduler } from '../emulator/kernel/scheduler.js';

const MASK24 = 0xffffff;

export class SysTick {
  private enable = 0;
  private tickint = 0;
  private clksource = 0;
  private countflag = 0;
  private reload = 0;
  /** Counter value at cycle `refCycle` (valid while running). */
  private refValue = 0;
  private refCycle = 0;
  private readonly zeroEvent: SimEvent;

  constructor(
    private readonly clock: Scheduler,
    private readonly raise: () => void,
  ) {
    // The core clock: a CPU clock change does not move the next zero in cycles.
    this.zeroEvent = new SimEvent('SysTick', () => this.reachedZero(), true);
  }

  reset(): void {
    this.enable = this.tickint = this.clksource = this.countflag = 0;
    this.reload = 0;
    this.refValue = 0;
    this.clock.cancel(this.zeroEvent);
  }

  private get running(): boolean {
    return this.enable === 1 && this.clksource === 1;
  }

  /** Current counter value. */
  private current(): number {
    if (!this.running) return this.refValue;
    const elapsed = this.clock.cycles - this.refCycle;
    if (elapsed <= this.refValue) return this.refValue - elapsed;
    if (this.reload === 0) return 0;
    return this.reload - ((elapsed - this.refValue - 1) % (this.reload + 1));
  }

  /** Re-anchors the counter at the present cycle and schedules the next zero. */
  private anchor(value: number): void {
    this.refValue = value;
    this.refCycle = this.clock.cycles;
    this.clock.cancel(this.zeroEvent);
    if (!this.running) return;
    if (value > 0) this.clock.scheduleAt(this.zeroEvent, this.refCycle + value);
    else if (this.reload > 0) this.clock.scheduleAt(this.zeroEvent, this.refCycle + 1 + this.reload);
  }

  private reachedZero(): void {
    this.countflag = 1;
    if (this.tickint) this.raise();
    this.anchor(0);
  }

  read(offset: number): number {
    switch (offset) {
      case 0x0: {
        const v = this.enable | (this.tickint << 1) | (this.clksource << 2) | (this.countflag << 16);
        this.countflag = 0; // reading SYST_CSR clears COUNTFLAG
        return v;
      }
      case 0x4:
        return this.reload;
      case 0x8:
        return this.current();
      default:
        return 1 << 31; // SYST_CALIB: NOREF, no calibration value
    }
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case 0x0: {
        const now = this.current();
        this.enable = value & 1;
        this.tickint = (value >>> 1) & 1;
        this.clksource = (value >>> 2) & 1;
        this.anchor(now);
        break;
      }
      case 0x4: {
        const now = this.current();
        this.reload = value & MASK24;
        this.anchor(now); // a counter waiting at zero picks up the new reload value
        break;
      }
      case 0x8:
        // Any write clears the counter and COUNTFLAG; the next clock reloads from RVR.
        this.countflag = 0;
        this.anchor(0);
        break;
    }
  }
}
