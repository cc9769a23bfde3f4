/**
 * Simulated time for the hosted engine. The chip has no running core, so time moves only when Python
 * waits (time.sleep and friends) and by a fixed cost per call into our modules; the scheduler then fires
 * the peripherals' and parts' events up to the new time.
 *
 * Virtual mode spends no wall time. Real-time mode paces waits to the wall clock with Atomics.wait on the
 * control block (never a busy wait); a Ctrl-C from the main thread (Atomics.notify) ends the wait early.
 */
import type { Machine } from '../../emulator/kernel/machine.js';
import { CTRL } from './protocol.js';

/** Simulated cost of one call from Python into a hosted module (documented in README.md). */
export const CALL_COST_SECONDS = 10e-6;
/** Longest slice of simulated time run between interrupt checks during a long wait. */
const SLICE_SECONDS = 0.01;

export class HostedClock {
  /** Simulated seconds before the scheduler's zero (carried across a worker restart). */
  constructor(
    private readonly machine: Machine,
    private readonly ctrl: Int32Array,
    readonly realTime: boolean,
    private readonly offset = 0,
    private readonly now: () => number = () => performance.now(),
    /** The control block's time slots (protocol.ts): the step limit read while CTRL.paused is set, and the published time. */
    private readonly slots: { seconds: Float64Array; stepUntil: Float64Array } | null = null,
  ) {
    this.wallStart = this.now();
    this.simStart = this.seconds;
  }

  private wallStart: number;
  private simStart: number;

  get seconds(): number {
    return this.offset + this.machine.scheduler.seconds;
  }

  /**
   * Runs the scheduler forward `seconds`, firing due events (no core runs). While the page has paused the
   * machine, time stops here (at the step limit, if a Step gave one) until it is resumed.
   */
  advance(seconds: number): void {
    while (seconds > 0) {
      const room = this.hold();
      const step = Math.min(seconds, room);
      this.machine.runFor(step);
      seconds -= step;
    }
  }

  /**
   * Simulated seconds that may run now: Infinity unless paused; while paused, blocks (Atomics.wait, no busy
   * wait) until a Step or a resume leaves some room. The wall time spent paused does not count for pacing.
   */
  private hold(): number {
    const ctrl = this.ctrl;
    let waitedFrom = -1;
    for (;;) {
      if (Atomics.load(ctrl, CTRL.paused) === 0 || !this.slots) break;
      const room = this.slots.stepUntil[0]! - this.seconds;
      // Less than a microsecond left counts as none (runFor could not move the scheduler by less than a cycle).
      if (room > 1e-6) {
        if (waitedFrom >= 0) this.wallStart += this.now() - waitedFrom;
        return room;
      }
      if (waitedFrom < 0) {
        waitedFrom = this.now();
        // The page shows, and a Step counts from, the exact time the machine stopped at.
        this.slots.seconds[0] = this.seconds;
      }
      Atomics.wait(ctrl, CTRL.pauseChanged, Atomics.load(ctrl, CTRL.pauseChanged), 100);
    }
    if (waitedFrom >= 0) this.wallStart += this.now() - waitedFrom;
    return Infinity;
  }

  charge(): void {
    this.advance(CALL_COST_SECONDS);
  }

  /**
   * Waits `seconds` of simulated time. Returns false if a Ctrl-C (or stop) arrived first. In real-time mode
   * the wait also lasts that long on the wall clock (measured from the engine's start, so drift does not
   * accumulate).
   */
  sleep(seconds: number, interrupted: () => boolean): boolean {
    const end = this.seconds + seconds;
    while (this.seconds < end) {
      if (interrupted()) return false;
      const step = Math.min(SLICE_SECONDS, end - this.seconds);
      this.advance(step);
      if (this.realTime) this.pace();
    }
    return !interrupted();
  }

  /** Real-time mode: blocks until the wall clock catches up with simulated time (or an interrupt). */
  pace(): void {
    if (!this.realTime) return;
    const ahead = (this.seconds - this.simStart) * 1000 - (this.now() - this.wallStart);
    if (ahead > 1) Atomics.wait(this.ctrl, CTRL.interrupt, 0, ahead);
    else if (ahead < -250) {
      // The host fell behind (a long computation): do not try to catch up in a burst.
      this.wallStart = this.now();
      this.simStart = this.seconds;
    }
  }

  /** Real-time mode: lets simulated time follow the wall clock while the engine waits for input. */
  followWallClock(): void {
    if (!this.realTime) return;
    const behind = (this.now() - this.wallStart) / 1000 - (this.seconds - this.simStart);
    if (behind > 0) this.advance(behind);
  }
}
