/**
 * Infrared remote-control parts: an IR LED a pad drives (carrier bursts out) and a demodulating
 * IR receiver module whose output a pad reads (the CPX's REMOTEOUT / REMOTEIN), with the pulse
 * trains they exchange: alternating mark (carrier on) and space durations in microseconds, as
 * pulseio.PulseOut sends and pulseio.PulseIn records them.
 *
 *  - IrLed: decodes the anode's edges. Carrier cycles closer together than `markGapUs` belong to
 *    one mark; a mark ends at its last falling edge; the train is complete once the LED has been
 *    dark for `idleUs` (a scheduler event, so it ends without a further edge). It also measures
 *    the carrier frequency (mean period of the rising edges inside marks).
 *  - IrReceiver (a TSOP38238-style module): output high when idle, low while a mark is received.
 *    `receive(train)` plays a train onto the output from now on; durations that are not finite
 *    or are negative count as 0 (nothing can be received for a negative time).
 *  - NEC protocol helpers: 9 ms leader mark, 4.5 ms space, 32 bits LSB first (address, ~address,
 *    command, ~command), each a 562.5 µs mark then a 562.5 µs (0) or 1687.5 µs (1) space, and a
 *    final 562.5 µs mark.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';

export interface IrLedOptions {
  anode: Pin;
  scheduler: Scheduler;
  name?: string;
  /** Edges closer than this are carrier cycles of one mark (default 100 µs; a 38 kHz period is 26 µs). */
  markGapUs?: number;
  /** Dark this long ends a train (default 20 ms; NEC's longest space is 4.5 ms). */
  idleUs?: number;
}

export class IrLed {
  readonly name: string;
  readonly anode: Pin;
  /** Trains completed so far. */
  readonly trains: number[][] = [];
  /** Mean carrier frequency of the last train (Hz), 0 if it had no carrier cycles. */
  carrierHz = 0;

  private readonly scheduler: Scheduler;
  private readonly markGap: number;
  private readonly idle: number;
  private readonly endEvent: SimEvent;
  private readonly listeners: ((train: number[]) => void)[] = [];
  private current: number[] = [];
  private markStart = -1;
  private lastRise = -1;
  private lastFall = -1;
  private periodSum = 0;
  private periods = 0;

  constructor(opts: IrLedOptions) {
    this.name = opts.name ?? 'IR LED';
    this.anode = opts.anode;
    // The LED and its series resistor lead to ground: a pad left floating is emptied through them.
    this.anode.discharges = true;
    this.anode.net.resolve();
    this.scheduler = opts.scheduler;
    this.markGap = (opts.markGapUs ?? 100) / 1e6;
    this.idle = (opts.idleUs ?? 20_000) / 1e6;
    this.endEvent = new SimEvent(`${this.name}.idle`, () => this.finish());
    this.anode.net.onEdge((_net, level) => this.edge(level));
  }

  onTrain(listener: (train: number[]) => void): void {
    this.listeners.push(listener);
  }

  private edge(level: 0 | 1): void {
    const t = this.scheduler.seconds;
    if (level === 1) {
      if (this.markStart < 0) this.markStart = t;
      else if (t - this.lastFall > this.markGap) {
        // A space ended: close the mark before it, record the space.
        this.current.push(us(this.lastFall - this.markStart), us(t - this.lastFall));
        this.markStart = t;
      } else if (this.lastRise >= 0) {
        this.periodSum += t - this.lastRise;
        this.periods++;
      }
      this.lastRise = t;
      this.scheduler.cancel(this.endEvent);
    } else {
      this.lastFall = t;
      this.scheduler.cancel(this.endEvent);
      this.scheduler.scheduleIn(this.endEvent, this.scheduler.cyclesIn(this.idle));
    }
  }

  private finish(): void {
    if (this.markStart < 0) return;
    this.current.push(us(this.lastFall - this.markStart));
    const train = this.current;
    this.carrierHz = this.periods ? this.periods / this.periodSum : 0;
    this.current = [];
    this.markStart = this.lastRise = -1;
    this.periodSum = this.periods = 0;
    this.trains.push(train);
    for (const l of this.listeners) l(train);
  }
}

export interface IrReceiverOptions {
  out: Pin;
  scheduler: Scheduler;
  name?: string;
}

export class IrReceiver {
  readonly name: string;
  readonly out: Pin;
  private readonly scheduler: Scheduler;
  private readonly stepEvent: SimEvent;
  private train: number[] = [];
  private index = 0;

  constructor(opts: IrReceiverOptions) {
    this.name = opts.name ?? 'IR receiver';
    this.out = opts.out;
    this.scheduler = opts.scheduler;
    this.stepEvent = new SimEvent(`${this.name}.step`, () => this.step());
    this.out.drive(1);
  }

  /** Whether a train is still being played. */
  get busy(): boolean {
    return this.stepEvent.scheduled;
  }

  /** Plays `train` (mark, space, mark, ... in µs) onto the output, starting now. */
  receive(train: readonly number[]): void {
    this.scheduler.cancel(this.stepEvent);
    this.train = train.map((d) => (Number.isFinite(d) && d > 0 ? d : 0));
    this.index = 0;
    this.step();
  }

  private step(): void {
    if (this.index >= this.train.length) {
      this.out.drive(1);
      return;
    }
    // Even entries are marks (output low), odd ones spaces (high).
    this.out.drive(this.index % 2 === 0 ? 0 : 1);
    const d = this.train[this.index++];
    this.scheduler.scheduleIn(this.stepEvent, Math.max(1, this.scheduler.cyclesIn(d / 1e6)));
  }
}

const us = (seconds: number) => Math.round(seconds * 1e6);

/** NEC timings (µs). */
export const NEC = { LEADER_MARK: 9000, LEADER_SPACE: 4500, BIT_MARK: 562.5, ZERO_SPACE: 562.5, ONE_SPACE: 1687.5 } as const;

/** The NEC train for an 8-bit address and command. */
export function necEncode(address: number, command: number): number[] {
  const bytes = [address & 0xff, ~address & 0xff, command & 0xff, ~command & 0xff];
  const train: number[] = [NEC.LEADER_MARK, NEC.LEADER_SPACE];
  for (const byte of bytes) for (let i = 0; i < 8; i++) train.push(NEC.BIT_MARK, (byte >> i) & 1 ? NEC.ONE_SPACE : NEC.ZERO_SPACE);
  train.push(NEC.BIT_MARK);
  return train;
}

/** Decodes an NEC train (±25 % on every duration); null if it is not one or its checks fail. */
export function necDecode(train: readonly number[]): { address: number; command: number } | null {
  const near = (v: number, t: number) => Math.abs(v - t) <= t * 0.25;
  if (train.length < 67 || !near(train[0], NEC.LEADER_MARK) || !near(train[1], NEC.LEADER_SPACE)) return null;
  const bytes = [0, 0, 0, 0];
  for (let bit = 0; bit < 32; bit++) {
    const mark = train[2 + 2 * bit];
    const space = train[3 + 2 * bit];
    if (!near(mark, NEC.BIT_MARK)) return null;
    if (near(space, NEC.ONE_SPACE)) bytes[bit >> 3] |= 1 << (bit & 7);
    else if (!near(space, NEC.ZERO_SPACE)) return null;
  }
  if ((bytes[0] ^ bytes[1]) !== 0xff || (bytes[2] ^ bytes[3]) !== 0xff) return null;
  return { address: bytes[0], command: bytes[2] };
}
