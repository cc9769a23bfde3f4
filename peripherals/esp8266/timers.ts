/**
 * ESP8266 FRC1/FRC2 timers at 0x60000600 (timer_register.h / esp8266_peri.h names), clocked by
 * the 80 MHz APB clock through a prescaler (FRCn_CTRL bits 3:2: 0 -> /1, 1 -> /16, 2 -> /256).
 *  - FRC1: 23-bit down counter. Writing FRC1_LOAD loads the count; at 0 it raises its interrupt
 *    and, with auto-reload (CTRL bit 6), restarts from FRC1_LOAD.
 *  - FRC2: 32-bit up counter; writing FRC2_LOAD sets the count; its interrupt fires when the
 *    count reaches FRC2_ALARM.
 * CTRL bit 7 enables counting. Writing FRCn_INT clears the interrupt. Counts are computed from
 * simulated time when read (no per-tick events); one event per expiry raises the interrupt
 * (the CPU's edge-triggered lines 9 and 10, gated by DPORT EDGE_INT_ENABLE_REG).
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, type Register } from '../register-block.js';

export const APB_HZ = 80_000_000;
const CTRL_ENABLE = 1 << 7;
const CTRL_AUTOLOAD = 1 << 6;
const FRC1_MASK = 0x7fffff;
const PRESCALE = [1, 16, 256, 256];

/** One FRC timer's clock bookkeeping: ticks since a start time at the prescaled APB rate. */
class FrcClock {
  /** Simulated seconds and count at the last (re)start. */
  private startSeconds = 0;
  private startCount = 0;
  constructor(private readonly scheduler: Scheduler) {}

  divider(ctrl: number): number {
    return PRESCALE[(ctrl >> 2) & 3]!;
  }

  restart(count: number): void {
    this.startSeconds = this.scheduler.seconds;
    this.startCount = count;
  }

  /** Ticks elapsed since the restart at `hz`. */
  ticks(hz: number): number {
    return Math.floor((this.scheduler.seconds - this.startSeconds) * hz + 1e-6);
  }

  get origin(): number {
    return this.startCount;
  }
}

export class FrcTimers extends RegisterBlock {
  private readonly frc1: FrcClock;
  private readonly frc2: FrcClock;
  private readonly frc1Event: SimEvent;
  private readonly frc2Event: SimEvent;
  private readonly ctrl1: Register;
  private readonly ctrl2: Register;
  private readonly load1: Register;
  private readonly alarm2: Register;
  /** Frozen counts while a timer is disabled. */
  private held1 = 0;
  private held2 = 0;

  constructor(
    private readonly scheduler: Scheduler,
    /** Pulses a timer's interrupt (1 = FRC1, 2 = FRC2). */
    private readonly fire: (timer: 1 | 2) => void,
  ) {
    super('FRC', 0x100);
    this.frc1 = new FrcClock(scheduler);
    this.frc2 = new FrcClock(scheduler);
    this.frc1Event = new SimEvent('esp8266.frc1', () => this.frc1Expired());
    this.frc2Event = new SimEvent('esp8266.frc2', () => this.frc2Alarm());
    this.load1 = this.reg({ name: 'FRC1_LOAD', offset: 0x00, size: 4, writable: FRC1_MASK, write: (v) => this.start1(v) });
    this.reg({ name: 'FRC1_COUNT', offset: 0x04, size: 4, writable: 0, read: () => this.count1() });
    this.ctrl1 = this.reg({ name: 'FRC1_CTRL', offset: 0x08, size: 4, writable: 0xcd, write: (v, old) => this.control1(v, old) });
    this.reg({ name: 'FRC1_INT', offset: 0x0c, size: 4, writable: 1, write: (_v, _o, _m, r) => (r.value = 0) });
    this.reg({ name: 'FRC2_LOAD', offset: 0x20, size: 4, write: (v) => this.start2(v) });
    this.reg({ name: 'FRC2_COUNT', offset: 0x24, size: 4, writable: 0, read: () => this.count2() });
    this.ctrl2 = this.reg({ name: 'FRC2_CTRL', offset: 0x28, size: 4, writable: 0xcd, write: (v, old) => this.control2(v, old) });
    this.reg({ name: 'FRC2_INT', offset: 0x2c, size: 4, writable: 1, write: (_v, _o, _m, r) => (r.value = 0) });
    this.alarm2 = this.reg({ name: 'FRC2_ALARM', offset: 0x30, size: 4, write: () => this.schedule2() });
  }

  reset(): void {
    this.resetRegisters();
    this.scheduler.cancel(this.frc1Event);
    this.scheduler.cancel(this.frc2Event);
    this.held1 = this.held2 = 0;
    this.frc1.restart(0);
    this.frc2.restart(0);
  }

  private hz(ctrl: number, clock: FrcClock): number {
    return APB_HZ / clock.divider(ctrl);
  }

  // ---- FRC1 (down counter)

  count1(): number {
    const ctrl = this.ctrl1.value;
    if (!(ctrl & CTRL_ENABLE)) return this.held1;
    const origin = this.frc1.origin;
    const elapsed = this.frc1.ticks(this.hz(ctrl, this.frc1));
    if (elapsed < origin) return origin - elapsed;
    const load = this.load1.value;
    if (!(ctrl & CTRL_AUTOLOAD) || load === 0) return 0;
    return load - ((elapsed - origin) % load);
  }

  private start1(load: number): void {
    this.held1 = load & FRC1_MASK;
    this.frc1.restart(this.held1);
    this.schedule1();
  }

  private control1(ctrl: number, old: number): void {
    if ((ctrl ^ old) & (CTRL_ENABLE | 0xc)) {
      // Changing the enable or the prescaler keeps the current count.
      const count = this.countWith(old, () => this.count1());
      this.held1 = count;
      this.frc1.restart(count);
    }
    this.schedule1();
  }

  private countWith(ctrl: number, read: () => number): number {
    const now = this.ctrl1.value;
    this.ctrl1.value = ctrl;
    const v = read();
    this.ctrl1.value = now;
    return v;
  }

  private schedule1(): void {
    const ctrl = this.ctrl1.value;
    if (!(ctrl & CTRL_ENABLE)) {
      this.scheduler.cancel(this.frc1Event);
      return;
    }
    const count = this.count1();
    const ticks = count === 0 ? this.load1.value : count;
    if (ticks === 0) {
      this.scheduler.cancel(this.frc1Event);
      return;
    }
    this.scheduler.scheduleIn(this.frc1Event, this.scheduler.cyclesIn(ticks / this.hz(ctrl, this.frc1)));
  }

  private frc1Expired(): void {
    this.register('FRC1_INT').value = 1;
    this.fire(1);
    const ctrl = this.ctrl1.value;
    if (ctrl & CTRL_AUTOLOAD && this.load1.value > 0) {
      this.frc1.restart(this.load1.value);
      this.schedule1();
    } else {
      this.held1 = 0;
      this.ctrl1.value = ctrl; // stays enabled, count 0
      this.frc1.restart(0);
    }
  }

  // ---- FRC2 (up counter with alarm)

  count2(): number {
    const ctrl = this.ctrl2.value;
    if (!(ctrl & CTRL_ENABLE)) return this.held2;
    return (this.frc2.origin + this.frc2.ticks(this.hz(ctrl, this.frc2))) >>> 0;
  }

  private start2(value: number): void {
    this.held2 = value >>> 0;
    this.frc2.restart(this.held2);
    this.schedule2();
  }

  private control2(ctrl: number, old: number): void {
    if ((ctrl ^ old) & (CTRL_ENABLE | 0xc)) {
      const now = this.ctrl2.value;
      this.ctrl2.value = old;
      const count = this.count2();
      this.ctrl2.value = now;
      this.held2 = count;
      this.frc2.restart(count);
    }
    this.schedule2();
  }

  private schedule2(): void {
    const ctrl = this.ctrl2.value;
    if (!(ctrl & CTRL_ENABLE)) {
      this.scheduler.cancel(this.frc2Event);
      return;
    }
    const distance = (this.alarm2.value - this.count2()) >>> 0 || 0x1_0000_0000;
    this.scheduler.scheduleIn(this.frc2Event, this.scheduler.cyclesIn(distance / this.hz(ctrl, this.frc2)));
  }

  private frc2Alarm(): void {
    this.register('FRC2_INT').value = 1;
    this.fire(2);
    this.schedule2();
  }
}
