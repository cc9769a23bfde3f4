/**
 * A machine: a bus, a scheduler and (usually) one core, and the run loop that interleaves them.
 *
 * The core is attached after the machine exists (it needs the machine to report halts), and it
 * may never be: the hosted engine drives a chip's peripherals from TypeScript with no CPU, and
 * then running the machine only fires the peripherals' events as simulated time passes.
 *
 * The loop is "execute until the next event (or the limit), fire due events, repeat". A sleeping
 * core (WFI/WAITI) costs no host time: the clock jumps straight to the next event. A machine
 * with a sleeping core and no events can never wake, so the loop jumps to the limit.
 */
import type { Bus } from './bus.js';
import type { CpuCore, HaltInfo } from './core.js';
import type { Scheduler } from './scheduler.js';

/** Host-side byte streams of a machine: semihosting console, a UART, USB CDC. */
export class HostStream {
  private chunks: Uint8Array[] = [];
  private length = 0;
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];

  write(bytes: Uint8Array): void {
    const copy = bytes.slice();
    this.chunks.push(copy);
    this.length += copy.length;
    for (const l of this.listeners) l(copy);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** Everything written so far. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/** Input the host feeds to the machine (stdin for semihosting, keys for a console). */
export class HostInput {
  private buffer = new Uint8Array(0);
  private pos = 0;
  private readonly listeners: (() => void)[] = [];
  /** True once the host will send nothing more (reads then return end-of-file). */
  closed = false;

  push(bytes: Uint8Array): void {
    const rest = this.buffer.subarray(this.pos);
    const merged = new Uint8Array(rest.length + bytes.length);
    merged.set(rest);
    merged.set(bytes, rest.length);
    this.buffer = merged;
    this.pos = 0;
    this.notify();
  }

  /** No more input will come: readers see end-of-file once the buffer is drained. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** Called when input arrives or the stream closes (a reader waiting for input can resume). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }

  get available(): number {
    return this.buffer.length - this.pos;
  }

  read(max: number): Uint8Array {
    const n = Math.min(max, this.available);
    const out = this.buffer.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

export class Machine {
  halt: HaltInfo | null = null;
  readonly stdout = new HostStream();
  readonly stderr = new HostStream();
  readonly stdin = new HostInput();
  private cpu: CpuCore | null = null;

  constructor(
    readonly scheduler: Scheduler,
    readonly bus: Bus,
  ) {}

  /** The CPU core, or null for a machine driven without one (the hosted engine). */
  get core(): CpuCore | null {
    return this.cpu;
  }

  /** Installs the core (once). */
  attachCore(core: CpuCore): void {
    if (this.cpu) throw new Error('this machine already has a core');
    this.cpu = core;
  }

  /** Instructions the core has retired (0 without a core). */
  get instructions(): number {
    return this.cpu ? this.cpu.instructions : 0;
  }

  /** Stops the run loop after the current instruction with `info` (exit, fault, lockup). */
  stop(info: HaltInfo): void {
    if (!this.halt) this.halt = info;
    this.scheduler.requestBreak();
  }

  /** Runs until cycle `limit`, a halt, or the core halts by itself. Returns the halt, if any. */
  runUntil(limit: number): HaltInfo | null {
    const s = this.scheduler;
    const core = this.cpu;
    // The limit lives in the scheduler, which rescales it if the CPU clock changes mid-run.
    s.setLimit(limit);
    while (!this.halt && s.cycles < s.limit) {
      s.setLimit(s.limit);
      const state = core ? core.state : 'sleeping';
      if (state === 'running') {
        core!.execute();
      } else if (state === 'sleeping') {
        s.advanceTo(Math.min(s.limit, s.nextEventCycle));
      } else {
        break;
      }
      if (this.halt) break;
      s.runDue();
    }
    return this.halt;
  }

  /** Runs for `seconds` of simulated time. */
  runFor(seconds: number): HaltInfo | null {
    return this.runUntil(this.scheduler.cycles + this.scheduler.cyclesIn(seconds));
  }
}
