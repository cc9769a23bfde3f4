/**
 * An I2S class-D amplifier with its speaker (Adafruit's MAX98357A breakout): it takes the I2S
 * frames on its DIN and plays (left + right) / 2, the chip's output with SD_MODE pulled up
 * through the breakout's resistor (MAX98357A data sheet, "SD_MODE and shutdown operation"). Each
 * slot's data is a two's-complement sample of the slot's data size, MSB first; the frame's time
 * is when its right slot ends. The I2S controller hands the slots over directly (the model does
 * not toggle BCLK and LRCLK), so only DIN is wired; the board attaches the serializer whose SD pad
 * DIN is on.
 *
 * The last RING_SIZE frames are kept (times and values) for tests and tools; no allocation per frame.
 */
import type { Pin } from '../../emulator/kernel/signals.js';
import type { Scheduler } from '../../emulator/kernel/scheduler.js';

const RING_SIZE = 16384;

export interface I2sAmplifierOptions {
  din: Pin;
  scheduler: Scheduler;
  name?: string;
}

export class I2sAmplifier {
  readonly name: string;
  readonly din: Pin;
  /** Frames played since power-on. */
  frames = 0;
  private left = 0;
  private readonly values = new Float32Array(RING_SIZE);
  private readonly times = new Float64Array(RING_SIZE);

  constructor(private readonly opts: I2sAmplifierOptions) {
    this.name = opts.name ?? 'MAX98357A';
    this.din = opts.din;
  }

  /** One slot's data (`bits` wide) from the I2S transmitter: slot 0 left, slot 1 right. */
  slot(slot: number, data: number, bits: number): void {
    const value = signed(data, bits);
    if (slot % 2 === 0) {
      this.left = value;
      return;
    }
    const i = this.frames % RING_SIZE;
    this.values[i] = (this.left + value) / 2;
    this.times[i] = this.opts.scheduler.seconds;
    this.frames++;
  }

  /** The last `count` frames (at most RING_SIZE): simulated seconds and values in -1..1, oldest first. */
  recent(count: number): { times: number[]; values: number[] } {
    const n = Math.min(count, this.frames, RING_SIZE);
    const times: number[] = [];
    const values: number[] = [];
    for (let k = this.frames - n; k < this.frames; k++) {
      times.push(this.times[k % RING_SIZE]!);
      values.push(this.values[k % RING_SIZE]!);
    }
    return { times, values };
  }
}

/** A `bits`-wide two's-complement value as -1..1. */
function signed(data: number, bits: number): number {
  const full = 2 ** bits;
  const v = data >= full / 2 ? data - full : data;
  return v / (full / 2);
}
