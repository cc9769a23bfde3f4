/**
 * A PDM MEMS microphone (the CPX carries a Knowles SPM0405HD4H-type part: CLK from the chip's
 * I2S SCK0 on PA10, DATA into I2S SD1 on PA08, SELECT tied low so DATA is valid while CLK is low).
 *
 * The microphone turns sound pressure into a pulse-density bit stream at the clock rate: a
 * first-order sigma-delta modulator of the pressure signal, so the density of 1s is
 * 1/2 + amplitude/2. Bits are produced on request rather than as pin edges (a 1 MHz bit clock on
 * the kernel's nets would cost far more than it shows); the chip's I2S serializer pulls them with
 * `nextBits`, finding the microphone through `dataPin` (wired to its SDn pad).
 *
 * Sound: a sine of `toneHz` at `amplitude` (0..1 of full scale) plus optional white `noise`
 * (0..1), deterministic (seeded). `setSoundLevelDb(dB SPL)` uses the part's sensitivity,
 * -26 dBFS at 94 dB SPL (1 Pa).
 */
import type { Pin } from '../../emulator/kernel/signals.js';

export interface PdmBitSource {
  /** The microphone's DATA output pin (the board connects it to the chip's SDn pad). */
  readonly dataPin: Pin;
  /** Which clock phase the part drives: 'low' (SELECT = GND) or 'high' (SELECT = VDD). */
  readonly select: 'low' | 'high';
  /** The next `count` (1..32) bits of the stream at `bitRateHz`; the earliest bit is the MSB. */
  nextBits(count: number, bitRateHz: number): number;
}

export interface PdmMicrophoneOptions {
  clk: Pin;
  data: Pin;
  select?: 'low' | 'high';
  /** Sensitivity in dBFS at 94 dB SPL (default -26). */
  sensitivityDbfs?: number;
  seed?: number;
}

export class PdmMicrophone implements PdmBitSource {
  readonly clkPin: Pin;
  readonly dataPin: Pin;
  readonly select: 'low' | 'high';
  readonly sensitivityDbfs: number;
  /** Sine amplitude, 0..1 of full scale. */
  amplitude = 0;
  /** Sine frequency in Hz. */
  toneHz = 440;
  /** White noise amplitude, 0..1 of full scale. */
  noise = 0;
  /** Bits produced (diagnostics). */
  bitsProduced = 0;

  private integrator = 0;
  private phase = 0;
  private rng: number;

  constructor(opts: PdmMicrophoneOptions) {
    this.clkPin = opts.clk;
    this.dataPin = opts.data;
    this.select = opts.select ?? 'low';
    this.sensitivityDbfs = opts.sensitivityDbfs ?? -26;
    this.rng = (opts.seed ?? 0x2545f491) >>> 0 || 1;
  }

  /** Amplitude (0..1) as a fraction of full scale. */
  setLevel(amplitude: number, toneHz = this.toneHz): void {
    this.amplitude = Math.max(0, Math.min(1, amplitude));
    this.toneHz = toneHz;
  }

  /** Sound pressure level in dB SPL (a sine's RMS level); 94 dB SPL = sensitivity dBFS RMS. */
  setSoundLevelDb(dbSpl: number, toneHz = this.toneHz): void {
    const dbfs = dbSpl - 94 + this.sensitivityDbfs;
    // dBFS refers to a full-scale sine, so the peak amplitude is 10^(dBFS/20).
    this.setLevel(Math.pow(10, dbfs / 20), toneHz);
  }

  nextBits(count: number, bitRateHz: number): number {
    const n = Math.max(1, Math.min(32, count | 0));
    const dphi = bitRateHz > 0 ? (2 * Math.PI * this.toneHz) / bitRateHz : 0;
    let word = 0;
    for (let i = 0; i < n; i++) {
      let x = this.amplitude * Math.sin(this.phase);
      if (this.noise > 0) x += this.noise * (this.random() * 2 - 1);
      if (x > 1) x = 1;
      else if (x < -1) x = -1;
      this.phase += dphi;
      if (this.phase > 2 * Math.PI) this.phase -= 2 * Math.PI;
      // First-order sigma-delta: the output follows the input's density.
      this.integrator += (x + 1) / 2;
      let bit = 0;
      if (this.integrator >= 1) {
        bit = 1;
        this.integrator -= 1;
      }
      word = (word << 1) | bit;
    }
    this.bitsProduced += n;
    return word >>> 0;
  }

  private random(): number {
    // xorshift32
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng / 0x100000000;
  }
}
