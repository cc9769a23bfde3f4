/**
 * audiobusio.PDMIn on the SAMD21's I2S: ports/atmel-samd/common-hal/audiobusio/PDMIn.c (CircuitPython 9.2.9)
 * with samd-peripherals' clock and I2S helpers, against the I2S registers (data sheet section 27). A clock
 * unit drives the microphone's clock from a free GCLK generator (48 MHz / round(48 MHz / rate / 64)); a
 * serializer in PDM2 mode takes a 32-bit word per 16 SCK periods, whose low half holds the 16 bits the
 * microphone (SELECT low, the CPX's) sent while SCK was low. Each output sample is the port's 64-tap
 * windowed-sinc decimation of 64 such bits (4 words): the sum of the taps whose bit is 1, in a uint16.
 * The port moves the words with DMA into two 32-sample buffers; here each word is read from DATA when
 * RXRDY rises (polled, like the SPI DMA path of spi.ts): the same words in the same order.
 */
import { bondedPins } from '../../../peripherals/samd21/memory-map.js';
import { I2S_CLKCTRL, I2S_CTRLA, I2S_INT, I2S_REG, I2S_SERCTRL, I2S_SERMODE } from '../../../peripherals/samd21/i2s.js';
import { GCLK_ID } from '../../../peripherals/samd21/memory-map.js';
import { HalError, type Samd21Hal } from './hal.js';

const I2S = 0x42005000;
const GCLK = 0x40000c00;
/** The I2S bus clock: PM.APBCMASK bit 20 (turn_on_i2s). */
const APBC_I2S = 20;
const OVERSAMPLING = 64;
const MIN_MIC_CLOCK = 1_000_000;
/** GCLK generators on the SAMD21 (GCLK_GEN_NUM). */
const GCLK_GENERATORS = 9;
/** GENCTRL.SRC for the DFLL48M (CLOCK_48MHZ). */
const SRC_DFLL48M = 7;

/** The port's windowed-sinc filter for 64x oversampling (PDMIn.c `sinc_filter`). */
export const SINC_FILTER: readonly number[] = [
  0, 2, 9, 21, 39, 63, 94, 132, 179, 236, 302, 379, 467, 565, 674, 792, 920, 1055, 1196, 1341, 1487, 1633, 1776, 1913,
  2042, 2159, 2263, 2352, 2422, 2474, 2506, 2516, 2506, 2474, 2422, 2352, 2263, 2159, 2042, 1913, 1776, 1633, 1487, 1341,
  1196, 1055, 920, 792, 674, 565, 467, 379, 302, 236, 179, 132, 94, 63, 39, 21, 9, 2, 0, 0,
];

/** filter_sample: each word's low 16 bits, most significant first, weight the next 16 taps. */
export function filterSample(words: ArrayLike<number>): number {
  let sum = 0;
  for (let w = 0; w < OVERSAMPLING / 16; w++) {
    const word = words[w]!;
    for (let b = 0; b < 16; b++) if (word & (0x8000 >>> b)) sum += SINC_FILTER[w * 16 + b]!;
  }
  return sum & 0xffff;
}

/** Which clock unit a clock pin drives (SCKn) and which serializer a data pin feeds (SDm), on SAMD21. */
const CLOCK_UNIT: Readonly<Record<string, number>> = { PA10: 0, PA20: 0, PB11: 1 };
const SERIALIZER: Readonly<Record<string, number>> = { PA07: 0, PA19: 0, PA08: 1, PB16: 1 };

interface PdmState {
  clock: string;
  data: string;
  unit: number;
  serializer: number;
  gclk: number;
  bitDepth: number;
  sampleRate: number;
}

export class Samd21PdmIn {
  private readonly mics = new Map<number, PdmState>();
  private nextId = 1;

  constructor(private readonly hal: Samd21Hal) {}

  private state(id: number): PdmState {
    const m = this.mics.get(id);
    if (!m) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return m;
  }

  private syncWhile(mask: number): void {
    const h = this.hal;
    h.waitFor(() => (h.r16(I2S + I2S_REG.SYNCBUSY) & mask) === 0, 'I2S SYNCBUSY');
  }

  /** Sets CTRLA bits `set` within `field` (the port writes whole vector fields: CKEN, SEREN) or clears them. */
  private ctrla(field: number, set: number): void {
    const h = this.hal;
    this.syncWhile(field);
    h.w8(I2S + I2S_REG.CTRLA, (h.r8(I2S + I2S_REG.CTRLA) & ~field) | set);
    this.syncWhile(field);
  }

  /** gclk_enabled: a byte write of the generator's ID to GENCTRL selects it for reading. */
  private gclkEnabled(n: number): boolean {
    const h = this.hal;
    h.w8(GCLK + 0x04, n);
    h.waitFor(() => (h.r8(GCLK + 0x01) & 0x80) === 0, 'GCLK.STATUS.SYNCBUSY');
    return (h.r32(GCLK + 0x04) & (1 << 16)) !== 0;
  }

  /** find_free_gclk (samd-peripherals clocks.c, SAMD21). */
  private freeGclk(divisor: number): number {
    if (divisor > 0xff) return this.gclkEnabled(1) ? 0xff : 1;
    if (divisor <= 1 << 5 && !this.gclkEnabled(2)) return 2;
    for (let i = 3; i < GCLK_GENERATORS; i++) if (!this.gclkEnabled(i)) return i;
    return 0xff;
  }

  /** Checks the pins and options the way the port does, then sets the clock unit and serializer going. */
  construct(clock: string, data: string, names: [string, string], sampleRate: number, bitDepth: number, mono: boolean, oversample: number): number {
    const h = this.hal;
    const bonded = bondedPins(h.mcu.variant);
    const unit = bonded.includes(clock) ? CLOCK_UNIT[clock] : undefined;
    if (unit === undefined) throw new HalError('ValueError', 'Invalid clock pin');
    const serializer = bonded.includes(data) ? SERIALIZER[data] : undefined;
    if (serializer === undefined) throw new HalError('ValueError', 'Invalid data pin');
    if (!(bitDepth === 16 || bitDepth === 8) || !mono || oversample !== OVERSAMPLING) {
      throw new HalError('NotImplementedError', `Only 8 or 16 bit mono with ${OVERSAMPLING}x oversampling supported.`);
    }
    h.apbc(APBC_I2S);
    if ((h.r8(I2S + I2S_REG.CTRLA) & I2S_CTRLA.ENABLE) === 0) {
      h.w8(I2S + I2S_REG.CTRLA, I2S_CTRLA.SWRST);
      h.waitFor(() => (h.r8(I2S + I2S_REG.CTRLA) & I2S_CTRLA.SWRST) === 0, 'I2S CTRLA.SWRST');
    } else if (h.r8(I2S + I2S_REG.CTRLA) & (I2S_CTRLA.SEREN0 << serializer)) {
      throw new HalError('RuntimeError', 'Serializer in use');
    }
    // The port's float arithmetic: roundf(48 MHz / rate / 64), the clock it gives, and the rate that makes.
    const divisor = Math.round(Math.fround(Math.fround(48e6 / sampleRate) / oversample)) >>> 0;
    const micClock = Math.fround(48e6 / divisor);
    const rate = Math.trunc(Math.fround(micClock / oversample)) >>> 0;
    if (micClock < MIN_MIC_CLOCK || divisor === 0) throw new HalError('ValueError', 'sampling rate out of range');
    const gclk = this.freeGclk(divisor);
    if (gclk > GCLK_GENERATORS) throw new HalError('RuntimeError', 'No free GCLKs');
    // enable_clock_generator(gclk, CLOCK_48MHZ, divisor), connect_gclk_to_peripheral(gclk, I2S_n).
    h.w32(GCLK + 0x08, gclk | (divisor << 8));
    h.w32(GCLK + 0x04, gclk | (SRC_DFLL48M << 8) | (1 << 19) | (1 << 16)); // OE, GENEN
    h.waitFor(() => (h.r8(GCLK + 0x01) & 0x80) === 0, 'GCLK.STATUS.SYNCBUSY');
    h.w16(GCLK + 0x02, (GCLK_ID.I2S_0 + unit) | (gclk << 8) | (1 << 14));
    // Clock unit: the generator as master clock, two 16-bit slots; serializer: PDM2, 32-bit words.
    this.ctrla(I2S_CTRLA.ENABLE, 0);
    h.w32(I2S + I2S_REG.CLKCTRL0 + 4 * unit, (2 << I2S_CLKCTRL.NBSLOTS_Pos) | (1 << I2S_CLKCTRL.SLOTSIZE_Pos));
    h.w32(I2S + I2S_REG.SERCTRL0 + 4 * serializer, (unit ? I2S_SERCTRL.CLKSEL : 0) | (I2S_SERMODE.PDM2 << I2S_SERCTRL.SERMODE_Pos));
    this.ctrla(I2S_CTRLA.ENABLE, I2S_CTRLA.ENABLE);
    // The clock runs from now on (no microphone start-up delay per recording).
    this.ctrla(I2S_CTRLA.CKEN0 | I2S_CTRLA.CKEN1, I2S_CTRLA.CKEN0 << unit);
    h.claim(clock, names[0]);
    h.claim(data, names[1]);
    h.pmux(clock, 'G');
    h.pmux(data, 'G');
    const id = this.nextId++;
    this.mics.set(id, { clock, data, unit, serializer, gclk, bitDepth, sampleRate: rate });
    return id;
  }

  /**
   * common_hal_audiobusio_pdmin_record_to_buffer: the serializer on, 64 bits (4 words) per sample through
   * the filter (8-bit: its top byte), the serializer off again (the clock stays on).
   */
  record(id: number, length: number): number[] {
    const m = this.state(id);
    const h = this.hal;
    const ready = I2S_INT.RXRDY0 << m.serializer;
    const data = I2S + I2S_REG.DATA0 + 4 * m.serializer;
    this.ctrla(I2S_CTRLA.SEREN0 | I2S_CTRLA.SEREN1, I2S_CTRLA.SEREN0 << m.serializer);
    const out: number[] = [];
    const words = [0, 0, 0, 0];
    for (let i = 0; i < length; i++) {
      for (let w = 0; w < 4; w++) {
        h.waitFor(() => (h.r16(I2S + I2S_REG.INTFLAG) & ready) !== 0, 'I2S INTFLAG.RXRDY');
        words[w] = h.r32(data) >>> 0;
      }
      const v = filterSample(words);
      out.push(m.bitDepth === 8 ? v >> 8 : v);
    }
    this.ctrla(I2S_CTRLA.SEREN0 | I2S_CTRLA.SEREN1, 0);
    return out;
  }

  sampleRate(id: number): number {
    return this.state(id).sampleRate;
  }

  /** common_hal_audiobusio_pdmin_deinit: serializer and clock unit off, I2S off, the generator freed, pins reset. */
  deinit(id: number): void {
    const m = this.mics.get(id);
    if (!m) return;
    const h = this.hal;
    this.ctrla(I2S_CTRLA.SEREN0 << m.serializer, 0);
    this.ctrla(I2S_CTRLA.CKEN0 << m.unit, 0);
    this.ctrla(I2S_CTRLA.ENABLE, 0);
    h.w16(GCLK + 0x02, GCLK_ID.I2S_0 + m.unit); // disconnect_gclk_from_peripheral
    h.w32(GCLK + 0x04, m.gclk); // disable_clock_generator
    h.waitFor(() => (h.r8(GCLK + 0x01) & 0x80) === 0, 'GCLK.STATUS.SYNCBUSY');
    h.release(m.clock);
    h.release(m.data);
    this.mics.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.mics.keys()]) this.deinit(id);
  }
}
