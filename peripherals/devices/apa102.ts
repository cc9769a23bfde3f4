/**
 * APA102 ("DotStar") chain: RGB LEDs with a two-wire clocked serial input (the status LED of the
 * Gemma M0 and Trinket M0).
 *
 * Protocol (APA102 data sheet, "Data transmission"): data on SDI is sampled on each rising edge
 * of CKI, MSB first. A start frame of 32 zero bits begins an update; then one 32-bit LED frame per
 * LED, nearest first: three 1 bits, a 5-bit global brightness, then blue, green and red, 8 bits
 * each; an end frame of 1 bits supplies the extra clocks that push data through the chain. Each
 * LED shows its frame as soon as it has received it and passes later frames on (CKO/SDO), so
 * frames beyond the chain's length are not shown, and an end frame that reaches an LED with no
 * frame of its own lands on it as white at full brightness, exactly as on real strips.
 *
 * Decoding: a run of 32 zero bits (anywhere) re-synchronises the chain to LED 0; while
 * synchronised, zero bits at a frame boundary are still start frame (longer start frames are
 * common) and a 1 bit opens the next LED frame. An LED frame whose first three bits are not 111 is
 * out of spec: its colour is taken anyway (the LED ignores those bits) and `errors` / `lastError`
 * say so. Bits before the first start frame are ignored (the LED cannot know where a frame starts).
 *
 * Two ways in, because firmware drives a DotStar either way:
 *  - pin level: `data` and `clock` are the part's SDI/CKI terminals, decoded from the clock net's
 *    rising edges (bit-banged GPIO: CircuitPython's bitbangio, adafruit_dotstar's fallback);
 *  - a SERCOM in SPI master mode: the chip's serial controller hands whole bytes to the SPI bus
 *    (peripherals/devices/buses.ts) rather than toggling pads, so the chain is also an
 *    `SpiDevice`. It has no chip select: it listens to every byte (`cs` is tied low).
 */
import { Pin } from '../../emulator/kernel/signals.js';
import type { Scheduler } from '../../emulator/kernel/scheduler.js';
import type { SpiDevice } from './buses.js';

export interface Apa102Options {
  /** SDI: the data input (connect it to the driving chip pad). */
  data: Pin;
  /** CKI: the clock input; data is sampled on its rising edges. */
  clock: Pin;
  count: number;
  scheduler: Scheduler;
  name?: string;
}

/** One LED's latched state: 8-bit colour and the 5-bit global brightness (0..31). */
export interface Apa102Pixel {
  r: number;
  g: number;
  b: number;
  brightness: number;
}

/** Consecutive zero bits that make a start frame. */
const START_FRAME_BITS = 32;

export class Apa102Chain implements SpiDevice {
  readonly name: string;
  readonly count: number;
  /** No chip select on an APA102: tied low so the SPI bus always includes it. */
  readonly cs: Pin;
  /** Latched LED frames: brightness byte (111bbbbb), blue, green, red per LED. */
  readonly frames: Uint8Array;
  /** LED frames received (each shown frame counts once). */
  updates = 0;
  /** Out-of-spec LED frames (header bits not 111). */
  errors = 0;
  lastError = '';

  private readonly listeners: ((chain: Apa102Chain) => void)[] = [];
  private readonly data: Pin;
  private synced = false;
  private zeros = 0;
  /** LED the frame being received belongs to. */
  private led = 0;
  /** Bits of the current LED frame so far (0: at a frame boundary). */
  private bits = 0;
  private shift = 0;

  constructor(opts: Apa102Options) {
    this.name = opts.name ?? 'APA102';
    this.count = opts.count;
    this.data = opts.data;
    this.frames = new Uint8Array(this.count * 4);
    this.cs = new Pin(`${this.name} (no CS)`, opts.scheduler);
    this.cs.drive(0);
    opts.clock.net.onEdge((_net, level) => {
      if (level === 1) this.bit(this.data.level);
    });
  }

  // ---- host-side API ------------------------------------------------------------------------

  /** LED `i` (0 = nearest the input): colour and global brightness. */
  pixel(i: number): Apa102Pixel {
    const o = i * 4;
    return { r: this.frames[o + 3], g: this.frames[o + 2], b: this.frames[o + 1], brightness: this.frames[o] & 0x1f };
  }

  /** All colours as 0xRRGGBB numbers (brightness not applied; see `pixel`). */
  rgb(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push((this.frames[i * 4 + 3] << 16) | (this.frames[i * 4 + 2] << 8) | this.frames[i * 4 + 1]);
    return out;
  }

  /** Called after an LED frame changed what an LED shows. */
  onChange(listener: (chain: Apa102Chain) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  // ---- SPI bus side -------------------------------------------------------------------------

  /** Eight clocks from a SERCOM: MSB first; SDO is not wired back, so MISO floats high. */
  transfer(mosi: number): number {
    for (let i = 7; i >= 0; i--) this.bit(((mosi >> i) & 1) as 0 | 1);
    return 0xff;
  }

  // ---- decoding -----------------------------------------------------------------------------

  private bit(b: 0 | 1): void {
    this.zeros = b ? 0 : this.zeros + 1;
    if (this.zeros >= START_FRAME_BITS) {
      this.synced = true;
      this.led = 0;
      this.bits = 0;
      return;
    }
    if (!this.synced || (this.bits === 0 && b === 0)) return;
    this.shift = ((this.shift << 1) | b) >>> 0;
    if (++this.bits < 32) return;
    this.bits = 0;
    this.frame(this.shift);
  }

  private frame(word: number): void {
    const led = this.led++;
    if (led >= this.count) return; // passed on beyond the chain
    if (word >>> 29 !== 0b111) {
      this.errors++;
      this.lastError = `${this.name}: LED ${led} frame 0x${word.toString(16).padStart(8, '0')} does not start with 111`;
    }
    const o = led * 4;
    let changed = false;
    for (let i = 0; i < 4; i++) {
      // Stored header always reads 111bbbbb: the LED keeps only the brightness bits.
      const byte = i === 0 ? (word >>> 24) | 0xe0 : (word >>> (24 - 8 * i)) & 0xff;
      if (this.frames[o + i] !== byte) changed = true;
      this.frames[o + i] = byte;
    }
    this.updates++;
    if (changed) for (const l of this.listeners) l(this);
  }
}
