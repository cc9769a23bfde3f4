/**
 * Running a machine inside the host's event loop: the driver behind `circuitemu run` and
 * `circuitemu repl`. It executes slices of simulated time and yields between them, so console
 * input can arrive, output streams out, Ctrl-C works, and (in real-time mode) simulated time is
 * paced to the wall clock. Simulated time itself never reads the wall clock.
 */
import type { HaltInfo } from './kernel/core.js';
import type { Machine } from './kernel/machine.js';

export interface SessionOptions {
  /** Simulated seconds before giving up (Infinity: no limit). */
  timeoutSeconds: number;
  /** Pace simulated time to the wall clock (interactive use). */
  realTime?: boolean;
  /** Stop successfully as soon as the console output contains this text. */
  expectText?: string;
  /** Simulated seconds per slice between yields to the event loop. */
  sliceSeconds?: number;
}

export type SessionEnd =
  | { kind: 'halt'; halt: HaltInfo }
  | { kind: 'timeout' }
  | { kind: 'expected' }
  | { kind: 'stopped' };

export class Session {
  private stopRequested = false;
  private seen = '';
  private matched = false;

  constructor(
    readonly machine: Machine,
    /** The console the expected text is looked for in. */
    console: { onData(listener: (bytes: Uint8Array) => void): void },
    private readonly options: SessionOptions,
  ) {
    const expect = options.expectText;
    if (expect) {
      const decoder = new TextDecoder();
      console.onData((bytes) => {
        // Keep only a tail long enough to hold the text across chunk boundaries.
        this.seen = (this.seen + decoder.decode(bytes, { stream: true })).slice(-4 * expect.length - 64);
        if (this.seen.includes(expect)) {
          this.matched = true;
          machine.scheduler.requestBreak();
        }
      });
    }
  }

  /** Ends the run at the next slice boundary (the user quit). */
  stop(): void {
    this.stopRequested = true;
    this.machine.scheduler.requestBreak();
  }

  async run(): Promise<SessionEnd> {
    const m = this.machine;
    const slice = this.options.sliceSeconds ?? (this.options.realTime ? 0.01 : 0.1);
    const startWall = performance.now();
    const startSim = m.scheduler.seconds;
    for (;;) {
      const left = this.options.timeoutSeconds - m.scheduler.seconds;
      if (left <= 0) return { kind: 'timeout' };
      const halt = m.runFor(Math.min(slice, left));
      if (this.matched) return { kind: 'expected' };
      if (halt) return { kind: 'halt', halt };
      if (this.stopRequested) return { kind: 'stopped' };
      await this.pause(startWall, startSim);
      if (this.matched) return { kind: 'expected' };
      if (this.stopRequested) return { kind: 'stopped' };
    }
  }

  /** Yields to the event loop; in real-time mode waits until the wall clock catches up. */
  private pause(startWall: number, startSim: number): Promise<void> {
    if (!this.options.realTime) return new Promise((resolve) => setImmediate(resolve));
    const ahead = (this.machine.scheduler.seconds - startSim) * 1000 - (performance.now() - startWall);
    return new Promise((resolve) => setTimeout(resolve, Math.max(0, ahead)));
  }
}
