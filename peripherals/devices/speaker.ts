/**
 * A speaker behind an amplifier with an enable pin (Circuit Playground Express: the DAC output
 * A0/PA02 feeds the class-D amplifier, enabled by SPEAKER_ENABLE = PA30 high).
 *
 * The amplifier passes its input only while `enable` is at `enableLevel`. Input arrives two ways:
 *  - analog samples: the board forwards a DAC's output stream with `feed(cycle, volts)` (a chip's
 *    DAC reports each new value; the kernel's nets carry no event for analog changes);
 *  - digital edges on the input pin (a PWM or bit-banged square wave), recorded as 0 V / VDD.
 * While enabled, samples are kept in a bounded buffer (oldest dropped) and passed to `onSample`
 * listeners; `estimateFrequency()` gives the tone's pitch from the recorded rising crossings.
 *
 * Wiring (CPX): const spk = new Speaker({ input: inPin, enable: enPin, scheduler });
 *   connect(chip.pin('PA02'), inPin); connect(chip.pin('PA30'), enPin);
 *   dac.onOutput((cycle, _value, volts) => spk.feed(cycle, volts));
 */
import type { Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';

export interface SpeakerOptions {
  input: Pin;
  enable?: Pin;
  enableLevel?: 0 | 1;
  scheduler: Scheduler;
  /** Maximum samples kept (default 1 << 20). */
  capacity?: number;
}

export class Speaker {
  readonly input: Pin;
  readonly enable: Pin | null;
  readonly enableLevel: 0 | 1;
  readonly capacity: number;
  /** Samples dropped because the buffer was full. */
  dropped = 0;

  private readonly scheduler: Scheduler;
  private cycles: Float64Array;
  private times: Float64Array;
  private volts: Float32Array;
  private start = 0;
  private count = 0;
  private readonly listeners: ((cycle: number, volts: number) => void)[] = [];

  constructor(opts: SpeakerOptions) {
    this.input = opts.input;
    this.enable = opts.enable ?? null;
    this.enableLevel = opts.enableLevel ?? 1;
    this.scheduler = opts.scheduler;
    this.capacity = opts.capacity ?? 1 << 20;
    const initial = Math.min(this.capacity, 4096);
    this.cycles = new Float64Array(initial);
    this.times = new Float64Array(initial);
    this.volts = new Float32Array(initial);
    this.input.net.onEdge((net, _level, cycle) => {
      if (!net.pins.some((p) => p.forcedVoltage !== null && p.driven === null)) this.feed(cycle, net.voltage);
    });
  }

  /** Whether the amplifier is on. */
  get enabled(): boolean {
    return this.enable ? this.enable.level === this.enableLevel : true;
  }

  /** An input sample at `cycle` (volts at the amplifier input). Ignored while disabled. */
  feed(cycle: number, volts: number): void {
    if (!this.enabled) return;
    this.push(cycle, volts);
    for (const l of this.listeners) l(cycle, volts);
  }

  onSample(listener: (cycle: number, volts: number) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  get sampleCount(): number {
    return this.count;
  }

  /** The recorded samples, oldest first (times in cycles, and in seconds). */
  samples(): { cycles: Float64Array; volts: Float32Array; seconds: Float64Array } {
    const c = new Float64Array(this.count);
    const v = new Float32Array(this.count);
    const s = new Float64Array(this.count);
    const n = this.cycles.length;
    for (let i = 0; i < this.count; i++) {
      const j = (this.start + i) % n;
      c[i] = this.cycles[j];
      v[i] = this.volts[j];
      s[i] = this.times[j];
    }
    return { cycles: c, volts: v, seconds: s };
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }

  /** Pitch (Hz) from rising crossings of the recorded signal's mid level; 0 if unknown. */
  estimateFrequency(): number {
    const { seconds, volts } = this.samples();
    if (volts.length < 3) return 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of volts) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (hi - lo < 1e-3) return 0;
    const mid = (lo + hi) / 2;
    const rises: number[] = [];
    for (let i = 1; i < volts.length; i++) if (volts[i - 1] < mid && volts[i] >= mid) rises.push(seconds[i]);
    if (rises.length < 2) return 0;
    const period = (rises[rises.length - 1] - rises[0]) / (rises.length - 1);
    return 1 / period;
  }

  private push(cycle: number, volts: number): void {
    let n = this.cycles.length;
    if (this.count === n && n < this.capacity) {
      // grow (keeps order: unroll the ring)
      const size = Math.min(this.capacity, n * 2);
      const c = new Float64Array(size);
      const t = new Float64Array(size);
      const v = new Float32Array(size);
      for (let i = 0; i < this.count; i++) {
        c[i] = this.cycles[(this.start + i) % n];
        t[i] = this.times[(this.start + i) % n];
        v[i] = this.volts[(this.start + i) % n];
      }
      this.cycles = c;
      this.times = t;
      this.volts = v;
      this.start = 0;
      n = size;
    }
    if (this.count === n) {
      this.start = (this.start + 1) % n;
      this.count--;
      this.dropped++;
    }
    const j = (this.start + this.count) % n;
    this.cycles[j] = cycle;
    // Seconds, not cycles, carry the time across CPU clock changes.
    this.times[j] = this.scheduler.seconds - (this.scheduler.cycles - cycle) / this.scheduler.frequency;
    this.volts[j] = volts;
    this.count++;
  }
}
