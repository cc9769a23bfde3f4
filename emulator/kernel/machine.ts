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

/** Bytes kept by a HostStream unless told otherwise: the tail of a long run's console. */
export const DEFAULT_HISTORY_BYTES = 1 << 20;

/**
 * Host-side byte streams of a machine: semihosting console, a UART, USB CDC. Listeners see every
 * byte; the stream itself keeps only the last `capacity` bytes (a ring), so a run that prints
 * for hours holds a bounded amount of memory. `total` counts everything ever written.
 */
export class HostStream {
  private ring: Uint8Array;
  private start = 0;
  private length = 0;
  total = 0;
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];

  constructor(readonly capacity = DEFAULT_HISTORY_BYTES) {
    this.ring = new Uint8Array(Math.min(capacity, 4096));
  }

  write(bytes: Uint8Array): void {
    this.remember(bytes);
    if (this.listeners.length === 0) return;
    const copy = bytes.slice();
    for (const l of this.listeners) l(copy);
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** The kept tail of what was written (everything, while under `capacity`). */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    const first = Math.min(this.length, this.ring.length - this.start);
    out.set(this.ring.subarray(this.start, this.start + first));
    out.set(this.ring.subarray(0, this.length - first), first);
    return out;
  }

  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  /** Forgets the kept bytes (a new run on the same console). */
  clear(): void {
    this.start = 0;
    this.length = 0;
  }

  private remember(bytes: Uint8Array): void {
    this.total += bytes.length;
    const cap = this.capacity;
    const data = bytes.length > cap ? bytes.subarray(bytes.length - cap) : bytes;
    if (this.length + data.length > this.ring.length && this.ring.length < cap) this.grow(Math.min(cap, Math.max(2 * this.ring.length, this.length + data.length)));
    const ring = this.ring;
    let end = (this.start + this.length) % ring.length;
    for (let i = 0; i < data.length; ) {
      const n = Math.min(data.length - i, ring.length - end);
      ring.set(data.subarray(i, i + n), end);
      i += n;
      end = (end + n) % ring.length;
    }
    const overflow = this.length + data.length - ring.length;
    if (overflow > 0) {
      this.start = (this.start + overflow) % ring.length;
      this.length = ring.length;
    } else {
      this.length += data.length;
    }
  }

  private grow(size: number): void {
    const kept = this.bytes();
    this.ring = new Uint8Array(size);
    this.ring.set(kept);
    this.start = 0;
  }
}

/** Input the host feeds to the machine (stdin for semihosting, keys for a console). */
export class HostInput {
  private buffer = new Uint8Array(0);
  private pos = 0;
  private readonly listeners: (() => void)[] = [];
  /** True once the host will send nothing more (reads then return end-of-file). */
  closed = false;
  /**
   * Set by a reader that must wait for input the host has not delivered (a semihosting console
   * read); cleared when input arrives or the stream closes. While it is set the machine does not
   * let simulated time pass, so when input arrives does not change what the program sees.
   */
  waiting = false;

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
    this.waiting = false;
    for (const l of this.listeners) l();
  }

  /** Resolves at the next push or close. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const listener = () => {
        const i = this.listeners.indexOf(listener);
        if (i >= 0) this.listeners.splice(i, 1);
        resolve();
      };
      this.listeners.push(listener);
    });
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

/**
 * The wall-clock date at power-on in virtual-time runs, seconds since 1970-01-01 UTC
 * (2026-01-01T00:00:00Z): fixed, so that a program asking for the date prints the same thing on
 * every run; never 0, which programs take for "no clock".
 */
export const DEFAULT_EPOCH = 1_767_225_600;

export class Machine {
  halt: HaltInfo | null = null;
  /**
   * Seconds since 1970-01-01 UTC at power-on (simulated time 0): what the program is told where
   * it asks for the date (semihosting SYS_TIME). `--epoch` sets it; `repl` uses the wall clock.
   */
  epoch = DEFAULT_EPOCH;
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

  private pauseRequested = false;
  /**
   * Called with the PC and start cycle of each instruction the core retires while set (an
   * instruction trace): the core then runs one instruction per turn of the loop, which changes
   * nothing but speed.
   */
  onInstruction: ((pc: number, cycle: number) => void) | null = null;

  /**
   * Makes runUntil return after the current instruction or event, with no halt (the host wants
   * control now: an expected text appeared, the user quit). Time does not advance further.
   */
  requestPause(): void {
    this.pauseRequested = true;
    this.scheduler.requestBreak();
  }

  /** True while the program waits for console input the host has not delivered yet. */
  get blockedOnInput(): boolean {
    return this.stdin.waiting && !this.stdin.closed;
  }

  /** Stops the run loop after the current instruction with `info` (exit, fault, lockup). */
  stop(info: HaltInfo): void {
    if (!this.halt) this.halt = info;
    this.scheduler.requestBreak();
  }

  /**
   * Runs until cycle `limit`, a halt, a pause request, or the program blocks on console input.
   * Returns the halt, if any.
   */
  runUntil(limit: number): HaltInfo | null {
    const s = this.scheduler;
    const core = this.cpu;
    // The limit lives in the scheduler, which rescales it if the CPU clock changes mid-run.
    s.setLimit(limit);
    this.pauseRequested = false;
    while (!this.halt && !this.pauseRequested && s.cycles < s.limit) {
      s.setLimit(s.limit);
      const state = core ? core.state : 'sleeping';
      if (state === 'running') {
        if (this.onInstruction) this.traceOne(core!);
        else core!.execute();
      } else if (state === 'sleeping') {
        if (this.stdin.waiting && !this.stdin.closed) break;
        s.advanceTo(Math.min(s.limit, s.nextEventCycle));
      } else {
        break;
      }
      if (this.halt || this.pauseRequested) break;
      s.runDue();
    }
    this.pauseRequested = false;
    return this.halt;
  }

  /** The wall-clock date now, in whole seconds since 1970 (the epoch plus simulated time). */
  get unixTime(): number {
    return this.epoch + Math.floor(this.scheduler.seconds);
  }

  /** One instruction, reported if it retired (an exception entry instead reports nothing). */
  private traceOne(core: CpuCore): void {
    const s = this.scheduler;
    const pc = core.pc >>> 0;
    const cycle = s.cycles;
    const before = core.instructions;
    s.deadline = Math.min(s.deadline, s.cycles + 1);
    core.execute();
    if (core.instructions !== before) this.onInstruction!(pc, cycle);
  }

  /** Runs for `seconds` of simulated time. */
  runFor(seconds: number): HaltInfo | null {
    return this.runUntil(this.scheduler.cycles + this.scheduler.cyclesIn(seconds));
  }
}
