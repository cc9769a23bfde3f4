/**
 * The run loop: the one driver behind `circuitemu run`/`repl`, the Node API, the tests and the
 * browser worker. It runs a machine in slices of simulated time and, between slices, gives its
 * host a turn (console input arrives, output is shown, the user may quit) and, in real-time mode,
 * waits until the wall clock catches up. Simulated time itself never reads the wall clock.
 *
 * The host is whatever the loop lives in: `defaultHost` works in Node and in a (Web) Worker with
 * only standard globals (no `node:` import below the CLI). It ends the run on the program's exit
 * or fault, on the timeout (simulated seconds), when the console shows the expected text (output
 * after the match is not forwarded), or on `stop()`.
 */
import type { BoardConsole } from '../boards/types.js';
import type { HaltInfo } from './kernel/core.js';
import { HostStream, type Machine } from './kernel/machine.js';

/** What the loop needs from the environment it runs in. */
export interface RunHost {
  /** Gives the host's event loop a turn (input events, output flushing); resolves soon after. */
  yield(): Promise<void>;
  /** Wall-clock milliseconds, for real-time pacing only. */
  now(): number;
  /** Waits about `ms` wall-clock milliseconds. */
  sleep(ms: number): Promise<void>;
  /** Called before every slice: the run waits while the promise is pending (a BoardSession holds the board still between calls). */
  hold?(): Promise<void> | null;
}

type Scheduled = (callback: () => void) => void;

/** A macrotask turn: setImmediate in Node, a MessageChannel message in browsers and workers. */
function macrotask(): Scheduled {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown; MessageChannel?: typeof MessageChannel };
  if (typeof g.setImmediate === 'function') return (cb) => void g.setImmediate!(cb);
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const queue: (() => void)[] = [];
    channel.port1.onmessage = () => queue.shift()?.();
    return (cb) => {
      queue.push(cb);
      channel.port2.postMessage(0);
    };
  }
  return (cb) => void setTimeout(cb, 0);
}

const turn = macrotask();

export const defaultHost: RunHost = {
  yield: () => new Promise((resolve) => turn(resolve)),
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RunLoopOptions {
  /**
   * Simulated seconds before the run ends as a timeout (default: no limit), counted from when
   * the loop is made: from power-on for a new board, from the restore for a snapshot.
   */
  timeoutSeconds?: number;
  /** Pace simulated time to the wall clock (interactive use). */
  realTime?: boolean;
  /** End the run successfully as soon as the console output contains this text. */
  expectText?: string;
  /** Simulated seconds per slice between host turns (default 0.01 real-time, 0.1 virtual). */
  sliceSeconds?: number;
  /** Console bytes kept in `history` (default 1 MiB: the tail of a long run). */
  historyBytes?: number;
}

export type RunEnd =
  | { kind: 'exit'; exitCode: number; message: string }
  | { kind: 'fault'; halt: HaltInfo }
  | { kind: 'timeout' }
  | { kind: 'expected' }
  | { kind: 'stopped' };

/** Finds `text` in a byte stream split into arbitrary chunks (UTF-8, CR/LF untouched). */
class TextWatch {
  private readonly decoder = new TextDecoder();
  private tail = '';
  constructor(private readonly text: string) {}

  /** The number of bytes of `chunk` up to and including the end of the match, or -1. */
  feed(chunk: Uint8Array): number {
    const before = this.tail;
    const decoded = this.decoder.decode(chunk, { stream: true });
    const joined = before + decoded;
    const at = joined.indexOf(this.text);
    // Keep only a tail long enough to hold the text across chunk boundaries.
    this.tail = joined.slice(-Math.max(this.text.length - 1, 0) || joined.length);
    if (at < 0) return -1;
    const endInDecoded = at + this.text.length - before.length;
    return new TextEncoder().encode(decoded.slice(0, Math.max(0, endInDecoded))).length;
  }
}

export class RunLoop {
  /** What the console printed (bounded: the last `historyBytes`). */
  readonly history: HostStream;
  private readonly outputListeners: ((bytes: Uint8Array) => void)[] = [];
  private stopRequested = false;
  private matched = false;
  private readonly watch: TextWatch | null;
  /** Simulated time when the loop was made: the timeout counts from here. */
  private readonly startSeconds: number;

  constructor(
    readonly machine: Machine,
    console: BoardConsole,
    private readonly options: RunLoopOptions = {},
    private readonly host: RunHost = defaultHost,
  ) {
    this.history = new HostStream(options.historyBytes);
    this.startSeconds = machine.scheduler.seconds;
    this.watch = options.expectText ? new TextWatch(options.expectText) : null;
    console.onData((bytes) => this.output(bytes));
  }

  /** Console output as the run produces it; nothing after an expected text has matched. */
  onOutput(listener: (bytes: Uint8Array) => void): void {
    this.outputListeners.push(listener);
  }

  /** Ends the run at the next instruction boundary (the user quit). */
  stop(): void {
    this.stopRequested = true;
    this.machine.requestPause();
  }

  /** Runs to the end with no host turns: for input given up front (the API, tests). */
  runSync(): RunEnd {
    for (;;) {
      const end = this.slice();
      if (end) return end;
      if (this.machine.blockedOnInput) {
        throw new Error('the program waits for console input, but a synchronous run has no more to give (close the input first)');
      }
    }
  }

  /** Runs to the end, giving the host a turn between slices (and pacing in real-time mode). */
  async run(): Promise<RunEnd> {
    const m = this.machine;
    const startWall = this.host.now();
    const startSim = m.scheduler.seconds;
    for (;;) {
      const held = this.host.hold?.();
      if (held) await held;
      const end = this.slice();
      if (end) return end;
      if (m.blockedOnInput) await m.stdin.nextChange();
      else if (this.options.realTime) await this.pace(startWall, startSim);
      else await this.host.yield();
      const after = this.check();
      if (after) return after;
    }
  }

  /** One slice of simulated time; the end of the run, if it came. */
  private slice(): RunEnd | null {
    const early = this.check();
    if (early) return early;
    const m = this.machine;
    const timeout = this.startSeconds + (this.options.timeoutSeconds ?? Infinity);
    const left = timeout - m.scheduler.seconds;
    if (left <= 0) return { kind: 'timeout' };
    const slice = this.options.sliceSeconds ?? (this.options.realTime ? 0.01 : 0.1);
    const halt = m.runFor(Math.min(slice, left));
    if (halt) return halt.reason === 'exit' ? { kind: 'exit', exitCode: halt.exitCode, message: halt.message } : { kind: 'fault', halt };
    return this.check();
  }

  private check(): RunEnd | null {
    if (this.matched) return { kind: 'expected' };
    if (this.stopRequested) return { kind: 'stopped' };
    return null;
  }

  private output(bytes: Uint8Array): void {
    if (this.matched) return;
    let shown = bytes;
    if (this.watch) {
      const end = this.watch.feed(bytes);
      if (end >= 0) {
        shown = bytes.subarray(0, end);
        this.matched = true;
        this.machine.requestPause();
      }
    }
    this.history.write(shown);
    for (const l of this.outputListeners) l(shown);
  }

  /** Real-time mode: waits until the wall clock has caught up with simulated time. */
  private pace(startWall: number, startSim: number): Promise<void> {
    const ahead = (this.machine.scheduler.seconds - startSim) * 1000 - (this.host.now() - startWall);
    return ahead > 0 ? this.host.sleep(ahead) : this.host.yield();
  }
}
