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
  ) {
    this.wallStart = this.now();
    this.simStart = this.seconds;
  }

  private wallStart: number;
  private simStart: number;

  get seconds(): number {
    return this.offset + this.machine.scheduler.seconds;
  }

  /** Runs the scheduler forward `seconds`, firing due events (no core runs). */
  advance(seconds: number): void {
    if (seconds > 0) this.machine.runFor(seconds);
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
