/**
 * WS2812B ("NeoPixel") chain decoded from its DIN pin's edges.
 *
 * Protocol (WS2812B data sheet): each bit is a high pulse followed by a low gap; a short high
 * (T0H = 0.4 µs) is a 0, a long one (T1H = 0.8 µs) a 1; the gaps are T0L = 0.85 µs / T1L =
 * 0.45 µs; every time value is ±150 ns, and TH + TL = 1.25 µs ± 600 ns. Each pixel keeps the first
 * 24 bits it sees (G7..G0 R7..R0 B7..B0, MSB first) and reshapes the rest onto DOUT for the next
 * pixel; a low of more than 50 µs (RES) latches the received colours into the LED drivers and
 * makes every pixel take the next bits again.
 *
 * Decoding uses the edges' cycle stamps: at a falling edge the high time classifies the bit
 * (0, 1, or out of spec); at the next rising edge the low time is checked against that bit's
 * window. A low of at least `resetNs` latches (a scheduler event fires `resetNs` after the last
 * falling edge, so the colours appear without a further edge). A timing outside the windows
 * marks the frame bad: its bits are dropped until the next reset, nothing is latched, and
 * `errors` / `lastError` say why.
 *
 * Two timing profiles: `WS2812B_DATASHEET` (the ±150 ns windows above, strict) and
 * `WS2812B_TOLERANT` (default: what real WS2812B parts are measured to accept; see
 * wp.josh.com "NeoPixels revealed"). The tolerant profile exists because real firmware relies
 * on it: CircuitPython's SAMD21 `neopixel_write` loop (ports/atmel-samd common-hal) gives a
 * T0H of about 10 cycles = 208 ns at 48 MHz, below the data sheet's 250 ns minimum.
 *
 * Wiring (board):
 *   const pixels = new Ws2812bChain({ din: pins.PB23 ... or a Pin connected to it, count: 10, scheduler });
 *   pixels.onChange((chain) => ui.update(chain.rgb()));
 * Chains can be cascaded with `next` (bits beyond this chain's pixels go on to it).
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Net, Pin } from '../../emulator/kernel/signals.js';

/** Windows in nanoseconds (inclusive). */
export interface Ws2812Timing {
  t0hMin: number;
  t0hMax: number;
  t1hMin: number;
  t1hMax: number;
  t0lMin: number;
  t0lMax: number;
  t1lMin: number;
  t1lMax: number;
  /** A low at least this long is a reset (latch). */
  resetNs: number;
}

export const WS2812B_DATASHEET: Readonly<Ws2812Timing> = {
  t0hMin: 250,
  t0hMax: 550,
  t1hMin: 650,
  t1hMax: 950,
  t0lMin: 700,
  t0lMax: 1000,
  t1lMin: 300,
  t1lMax: 600,
  resetNs: 50_000,
};

/**
 * Measured behaviour of WS2812B parts: a high shorter than ~150 ns is lost, up to ~550 ns reads
 * as 0, from ~600 ns as 1; gaps are accepted from ~250 ns up to the reset time.
 */
export const WS2812B_TOLERANT: Readonly<Ws2812Timing> = {
  t0hMin: 150,
  t0hMax: 580,
  t1hMin: 600,
  t1hMax: 5_000,
  t0lMin: 250,
  t0lMax: 49_999,
  t1lMin: 250,
  t1lMax: 49_999,
  resetNs: 50_000,
};

export interface Ws2812bOptions {
  /** The data input. Its net's edges are decoded; connect it to the driving chip pin. */
  din: Pin;
  count: number;
  scheduler: Scheduler;
  name?: string;
  timing?: Partial<Ws2812Timing> | 'datasheet' | 'tolerant';
  /** 3 (WS2812B, GRB) or 4 (SK6812 RGBW: GRBW). */
  bytesPerPixel?: 3 | 4;
}

export interface Rgb {
  r: number;
  g: number;
  b: number;
  w?: number;
}

export class Ws2812bChain {
  readonly name: string;
  readonly count: number;
  readonly bytesPerPixel: 3 | 4;
  readonly timing: Ws2812Timing;
  /** Latched colours, in wire order per pixel (G, R, B[, W]). */
  readonly wire: Uint8Array;
  /** The chain DOUT of the last pixel feeds, if any. */
  next: Ws2812bChain | null = null;
  /** Frames latched (each reset that followed at least one valid bit). */
  frames = 0;
  /** Bad frames (a timing out of its window). */
  errors = 0;
  lastError = '';

  private readonly scheduler: Scheduler;
  private readonly pending: Uint8Array;
  private readonly listeners: ((chain: Ws2812bChain) => void)[] = [];
  private readonly latchEvent: SimEvent;
  /** Bits received this frame by this chain (beyond count*bpp*8 they go to `next`). */
  private bitCount = 0;
  private bad = false;
  private lastRise = -Infinity;
  private lastFall = -Infinity;
  /** The bit classified at the last falling edge, waiting for its low time (-1: none). */
  private pendingBit = -1;
  // Windows in cycles (computed from the scheduler's frequency when used).
  private cyclesFreq = 0;
  private c = { t0hMin: 0, t0hMax: 0, t1hMin: 0, t1hMax: 0, t0lMin: 0, t0lMax: 0, t1lMin: 0, t1lMax: 0, reset: 0 };

  constructor(opts: Ws2812bOptions) {
    this.name = opts.name ?? 'WS2812B';
    this.count = opts.count;
    this.bytesPerPixel = opts.bytesPerPixel ?? 3;
    this.scheduler = opts.scheduler;
    const t = opts.timing;
    this.timing =
      t === 'datasheet'
        ? { ...WS2812B_DATASHEET }
        : t === 'tolerant' || t === undefined
          ? { ...WS2812B_TOLERANT }
          : { ...WS2812B_TOLERANT, ...t };
    this.wire = new Uint8Array(this.count * this.bytesPerPixel);
    this.pending = new Uint8Array(this.count * this.bytesPerPixel);
    this.latchEvent = new SimEvent(`${this.name}.latch`, () => this.latch());
    opts.din.net.onEdge((net, level, cycle) => this.edge(net, level, cycle));
    if (opts.din.level === 1) this.lastRise = this.scheduler.cycles;
  }

  // ---- host-side API ------------------------------------------------------------------------

  /** Colour of pixel `i` (0 = nearest DIN). */
  color(i: number): Rgb {
    const o = i * this.bytesPerPixel;
    const c: Rgb = { r: this.wire[o + 1], g: this.wire[o], b: this.wire[o + 2] };
    if (this.bytesPerPixel === 4) c.w = this.wire[o + 3];
    return c;
  }

  /** All colours as 0xRRGGBB numbers. */
  rgb(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) {
      const o = i * this.bytesPerPixel;
      out.push((this.wire[o + 1] << 16) | (this.wire[o] << 8) | this.wire[o + 2]);
    }
    return out;
  }

  /** Called after a frame latched and changed at least one colour. */
  onChange(listener: (chain: Ws2812bChain) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  // ---- decoding -----------------------------------------------------------------------------

  private windows(): typeof this.c {
    const f = this.scheduler.frequency;
    if (f !== this.cyclesFreq) {
      const t = this.timing;
      const k = f / 1e9;
      // Inclusive windows, rounded outwards to whole cycles.
      this.c = {
        t0hMin: Math.floor(t.t0hMin * k),
        t0hMax: Math.ceil(t.t0hMax * k),
        t1hMin: Math.floor(t.t1hMin * k),
        t1hMax: Math.ceil(t.t1hMax * k),
        t0lMin: Math.floor(t.t0lMin * k),
        t0lMax: Math.ceil(t.t0lMax * k),
        t1lMin: Math.floor(t.t1lMin * k),
        t1lMax: Math.ceil(t.t1lMax * k),
        reset: Math.ceil(t.resetNs * k),
      };
      this.cyclesFreq = f;
    }
    return this.c;
  }

  private edge(_net: Net, level: 0 | 1, cycle: number): void {
    const w = this.windows();
    if (level === 1) {
      const low = cycle - this.lastFall;
      this.lastRise = cycle;
      this.scheduler.cancel(this.latchEvent);
      if (low >= w.reset) {
        // A reset gap (its event may not have fired if time was advanced by hand).
        this.latch();
        return;
      }
      const bit = this.pendingBit;
      this.pendingBit = -1;
      if (bit < 0) return;
      const ok = bit === 0 ? low >= w.t0lMin && low <= w.t0lMax : low >= w.t1lMin && low <= w.t1lMax;
      if (!ok) {
        this.fail(`T${bit}L of ${this.ns(low)} ns is outside ${bit ? this.timing.t1lMin : this.timing.t0lMin}-${bit ? this.timing.t1lMax : this.timing.t0lMax} ns`);
        return;
      }
      this.acceptBit(bit);
    } else {
      const high = cycle - this.lastRise;
      this.lastFall = cycle;
      this.scheduler.scheduleAt(this.latchEvent, cycle + w.reset);
      if (this.bad) return;
      if (high >= w.t0hMin && high <= w.t0hMax) this.pendingBit = 0;
      else if (high >= w.t1hMin && high <= w.t1hMax) this.pendingBit = 1;
      else {
        this.pendingBit = -1;
        this.fail(`high pulse of ${this.ns(high)} ns is neither T0H (${this.timing.t0hMin}-${this.timing.t0hMax}) nor T1H (${this.timing.t1hMin}-${this.timing.t1hMax})`);
      }
    }
  }

  private ns(cycles: number): number {
    return Math.round((cycles * 1e9) / this.scheduler.frequency);
  }

  private fail(reason: string): void {
    if (this.bad) return;
    this.bad = true;
    this.errors++;
    this.lastError = `${this.name}: bit ${this.bitCount}: ${reason}`;
  }

  /** One valid bit arrives at this chain's DIN. */
  private acceptBit(bit: number): void {
    if (this.bad) return;
    const total = this.pending.length * 8;
    const n = this.bitCount++;
    if (n < total) {
      const byte = n >> 3;
      const mask = 0x80 >> (n & 7);
      if (bit) this.pending[byte] |= mask;
      else this.pending[byte] &= ~mask;
    } else if (this.next) {
      this.next.acceptBit(bit);
    }
  }

  /** Reset (RES): latch what the pixels received, then start over. */
  private latch(): void {
    // The last bit's low ended in the reset: it counts.
    if (this.pendingBit >= 0 && !this.bad) this.acceptBit(this.pendingBit);
    this.pendingBit = -1;
    this.scheduler.cancel(this.latchEvent);
    this.finishFrame();
  }

  private finishFrame(): void {
    const bits = this.bitCount;
    const bad = this.bad;
    this.bitCount = 0;
    this.bad = false;
    if (bad && this.next) this.next.bad = true;
    if (!bad && bits > 0) {
      // A pixel updates only when it received all of its bits.
      const fullPixels = Math.min(this.count, Math.floor(bits / (8 * this.bytesPerPixel)));
      const n = fullPixels * this.bytesPerPixel;
      let changed = false;
      for (let i = 0; i < n; i++) {
        if (this.wire[i] !== this.pending[i]) {
          this.wire[i] = this.pending[i];
          changed = true;
        }
      }
      this.frames++;
      if (changed) for (const l of this.listeners) l(this);
    }
    this.next?.finishFrame();
  }
}
