/**
 * ESP8266 I2S at 0x60000E00, the transmitter (registers and bits as Espressif's i2s_reg.h names
 * them). Modelled: the TX FIFO (fed by the CPU through I2STXFIFO or by the SLC DMA when
 * I2S_FIFO_CONF.I2S_DSCR_EN is set, slc.ts), I2SCONF (reset bits, TX start, RIGHT_FIRST,
 * TRANS_MSB_SHIFT, the clock dividers), I2SINT_RAW/ST/ENA/CLR, and the serial output on the
 * pads the IO_MUX gives the I2S function: I2SO_DATA (GPIO3, U0RXD pad), I2SO_BCK (GPIO15, MTDO
 * pad), I2SO_WS (GPIO2).
 *
 * Clock: the bit clock is the 160 MHz I2S base clock / I2S_CLKM_DIV_NUM / I2S_BCK_DIV_NUM (as
 * the SDK's and Arduino's drivers compute their rates: 160 MHz / (CLKM x BCK) / 32 per stereo
 * frame). A divider of 0 is not documented; the transmitter then does not run and reports it.
 *
 * Format: TX FIFO mode 0 (I2S_TX_FIFO_MOD 0: 16-bit, both channels in one 32-bit FIFO word),
 * 16 bits per channel (I2S_BITS_MOD 0) and dual channel (I2S_TX_CHAN_MOD 0), as the NeoPixel and
 * audio drivers use it: the right channel is the word's bits 31:16, the left 15:0 (drivers pack
 * `(right << 16) | left`); with I2S_RIGHT_FIRST the right channel goes out first, each channel
 * MSB first, so a word goes out bit 31 first. I2SO_WS is high during the right channel. With
 * I2S_TRANS_MSB_SHIFT (Philips I2S) data lags WS by one bit clock. Other FIFO, bit and channel
 * modes, slave mode and the receiver are reported to Diagnostics as unimplemented and not run.
 * I2S_MSB_RIGHT is stored (drivers set it); its effect is not modelled.
 *
 * Timing, cheaply: one scheduler event per 32-bit word. At the end of each word the model puts
 * that word's edges on the routed pads, each stamped with the cycle it happened at (Pin.drive's
 * `cycle`), then takes the next word from the FIFO. Edge decoders (the WS2812 chain) see exact
 * timing; a pad's `level` lags the wire by up to one word. With the FIFO empty the transmitter
 * sends zero words (data low) and raises I2S_TX_REMPTY.
 *
 * The FIFO holds 128 words (the depth open ESP8266 drivers give: "the I2S FIFO size (128 *
 * 32-bit words)"; Espressif publishes none); the DMA keeps it full, so an SLC descriptor's end
 * is reached 128 words before its last word is on the wire.
 *
 * Interrupt flags (raw, level-like: they follow the FIFO): I2S_I2S_TX_PUT_DATA (FIFO count <=
 * I2S_TX_DATA_NUM), I2S_I2S_TX_WFULL (FIFO full), I2S_I2S_TX_REMPTY (the transmitter found it
 * empty; cleared by I2SINT_CLR). The CPU line the I2S interrupt reaches is not documented
 * (ets_sys.h names none), so the flags reach no line.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import { RawInterruptRegisters, RegisterBlock } from '../register-block.js';

export const I2S_BASE = 0x60000e00;
/** The I2S base clock (PLL / 3 = 160 MHz: i2s_reg.h users' I2SBASEFREQ). */
export const I2S_BASE_CLOCK_HZ = 160_000_000;
export const I2S_TX_FIFO_WORDS = 128;

export const I2S_REG = {
  I2STXFIFO: 0x00,
  I2SRXFIFO: 0x04,
  I2SCONF: 0x08,
  I2SINT_RAW: 0x0c,
  I2SINT_ST: 0x10,
  I2SINT_ENA: 0x14,
  I2SINT_CLR: 0x18,
  I2STIMING: 0x1c,
  I2S_FIFO_CONF: 0x20,
  I2SRXEOF_NUM: 0x24,
  I2SCONF_SIGLE_DATA: 0x28,
  I2SCONF_CHAN: 0x2c,
} as const;

export const I2SCONF = {
  I2S_TX_RESET: 1 << 0,
  I2S_RX_RESET: 1 << 1,
  I2S_TX_FIFO_RESET: 1 << 2,
  I2S_RX_FIFO_RESET: 1 << 3,
  I2S_TRANS_SLAVE_MOD: 1 << 4,
  I2S_RECE_SLAVE_MOD: 1 << 5,
  I2S_RIGHT_FIRST: 1 << 6,
  I2S_MSB_RIGHT: 1 << 7,
  I2S_TX_START: 1 << 8,
  I2S_RX_START: 1 << 9,
  I2S_TRANS_MSB_SHIFT: 1 << 10,
  I2S_RECE_MSB_SHIFT: 1 << 11,
  I2S_BITS_MOD_Pos: 12,
  I2S_BITS_MOD_Msk: 0xf << 12,
  I2S_CLKM_DIV_NUM_Pos: 16,
  I2S_CLKM_DIV_NUM_Msk: 0x3f << 16,
  I2S_BCK_DIV_NUM_Pos: 22,
  I2S_BCK_DIV_NUM_Msk: 0x3f << 22,
} as const;

/** I2SINT_RAW / ST / ENA / CLR bits. */
export const I2S_INT = {
  I2S_RX_TAKE_DATA: 1 << 0,
  I2S_TX_PUT_DATA: 1 << 1,
  I2S_RX_WFULL: 1 << 2,
  I2S_RX_REMPTY: 1 << 3,
  I2S_TX_WFULL: 1 << 4,
  I2S_TX_REMPTY: 1 << 5,
} as const;

export const I2S_FIFO_CONF = {
  I2S_RX_DATA_NUM_Pos: 0,
  I2S_RX_DATA_NUM_Msk: 0x3f,
  I2S_TX_DATA_NUM_Pos: 6,
  I2S_TX_DATA_NUM_Msk: 0x3f << 6,
  I2S_DSCR_EN: 1 << 12,
  I2S_TX_FIFO_MOD_Pos: 13,
  I2S_TX_FIFO_MOD_Msk: 0x7 << 13,
  I2S_RX_FIFO_MOD_Pos: 16,
  I2S_RX_FIFO_MOD_Msk: 0x7 << 16,
} as const;

export const I2SCONF_CHAN = {
  I2S_TX_CHAN_MOD_Pos: 0,
  I2S_TX_CHAN_MOD_Msk: 0x7,
  I2S_RX_CHAN_MOD_Pos: 3,
  I2S_RX_CHAN_MOD_Msk: 0x3 << 3,
} as const;

const INT_MASK = 0x3f;
const CONF_WRITABLE = 0x0fffffff;
const BITS_PER_WORD = 32;

/** The I2S output signals, in the order of `Esp8266I2s.pins`. */
export const I2SO_DATA = 0;
export const I2SO_BCK = 1;
export const I2SO_WS = 2;

export class Esp8266I2s extends RegisterBlock {
  readonly int: RawInterruptRegisters;
  /**
   * The pads the IO_MUX routes I2SO_DATA, I2SO_BCK, I2SO_WS to, or null (the chip sets them).
   * The transmitter drives them while it runs.
   */
  readonly pins: (Pin | null)[] = [null, null, null];
  /** The DMA's hook: called whenever the TX FIFO has room and I2S_DSCR_EN is set. */
  onTxFifoRoom: (() => void) | null = null;
  /** Words that went out on the wire since reset (a word sent from an empty FIFO counts too). */
  wordsSent = 0;
  /** Words sent from an empty FIFO (underflow). */
  underflows = 0;

  private readonly fifo = new Uint32Array(I2S_TX_FIFO_WORDS);
  private head = 0;
  private count = 0;
  private readonly wordEvent: SimEvent;
  private running = false;
  /** The word on the wire, its slot bits (bit 31 = first slot), and the data bit carried over by TRANS_MSB_SHIFT. */
  private slots = 0;
  private carry = 0;
  /** Levels last driven: data, BCK, WS. */
  private readonly levels = new Uint8Array(3);
  /** Cycle and CPU frequency at which the bit count restarted, and bits sent since then. */
  private epochCycle = 0;
  private epochHz = 0;
  private epochBits = 0;
  /** CPU cycles per bit clock in this epoch. */
  private cyclesPerBit = 0;
  private prevConf = 0;

  constructor(private readonly scheduler: Scheduler) {
    super('I2S', 0x100);
    this.wordEvent = new SimEvent('esp8266.i2s.word', () => this.wordDone());
    this.reg({ name: 'I2STXFIFO', offset: I2S_REG.I2STXFIFO, size: 4, writeOnly: true, read: () => 0, write: (v) => this.push(v >>> 0) });
    this.reg({ name: 'I2SRXFIFO', offset: I2S_REG.I2SRXFIFO, size: 4, writable: 0, unimplemented: true });
    this.reg({ name: 'I2SCONF', offset: I2S_REG.I2SCONF, size: 4, writable: CONF_WRITABLE, write: (v) => this.confWritten(v) });
    this.int = new RawInterruptRegisters(
      this,
      { INT_RAW: I2S_REG.I2SINT_RAW, INT_ST: I2S_REG.I2SINT_ST, INT_ENA: I2S_REG.I2SINT_ENA, INT_CLR: I2S_REG.I2SINT_CLR },
      4,
      INT_MASK,
      () => {},
      { INT_RAW: 'I2SINT_RAW', INT_ST: 'I2SINT_ST', INT_ENA: 'I2SINT_ENA', INT_CLR: 'I2SINT_CLR' },
    );
    const clear = this.int.INT_CLR.writeHook!;
    this.int.INT_CLR.writeHook = (value, old, mask, reg) => {
      clear(value, old, mask, reg);
      this.updateFlags();
    };
    this.reg({ name: 'I2STIMING', offset: I2S_REG.I2STIMING, size: 4, writable: 0x7fffff, unimplemented: true });
    this.reg({ name: 'I2S_FIFO_CONF', offset: I2S_REG.I2S_FIFO_CONF, size: 4, writable: 0x7ffff, write: () => this.fifoConfWritten() });
    this.reg({ name: 'I2SRXEOF_NUM', offset: I2S_REG.I2SRXEOF_NUM, size: 4, unimplemented: true });
    this.reg({ name: 'I2SCONF_SIGLE_DATA', offset: I2S_REG.I2SCONF_SIGLE_DATA, size: 4, unimplemented: true });
    this.reg({ name: 'I2SCONF_CHAN', offset: I2S_REG.I2SCONF_CHAN, size: 4, writable: 0x1f, write: () => this.checkModes() });
    this.reset();
  }

  reset(): void {
    this.resetRegisters();
    this.int.reset();
    this.scheduler.cancel(this.wordEvent);
    this.running = false;
    this.head = this.count = 0;
    this.slots = this.carry = 0;
    this.prevConf = 0;
    this.wordsSent = this.underflows = 0;
    // The pads keep their routing (the IO_MUX resets them; the chip re-routes): drive them low.
    for (let i = 0; i < 3; i++) {
      this.levels[i] = 0;
      this.pins[i]?.drive(0);
    }
    this.updateFlags();
  }

  /** Words waiting in the TX FIFO. */
  get txFifoCount(): number {
    return this.count;
  }

  get txFifoFree(): number {
    return I2S_TX_FIFO_WORDS - this.count;
  }

  get dmaEnabled(): boolean {
    return (this.register('I2S_FIFO_CONF').value & I2S_FIFO_CONF.I2S_DSCR_EN) !== 0;
  }

  get transmitting(): boolean {
    return this.running;
  }

  /** The bit clock in Hz from I2SCONF's dividers (0: a divider is 0). */
  get bitClockHz(): number {
    const conf = this.register('I2SCONF').value;
    const clkm = (conf & I2SCONF.I2S_CLKM_DIV_NUM_Msk) >>> I2SCONF.I2S_CLKM_DIV_NUM_Pos;
    const bck = (conf & I2SCONF.I2S_BCK_DIV_NUM_Msk) >>> I2SCONF.I2S_BCK_DIV_NUM_Pos;
    return clkm === 0 || bck === 0 ? 0 : I2S_BASE_CLOCK_HZ / (clkm * bck);
  }

  /** A word into the TX FIFO (the CPU's I2STXFIFO or the DMA); false when full (dropped). */
  push(word: number): boolean {
    if (this.count >= I2S_TX_FIFO_WORDS) return false;
    this.fifo[(this.head + this.count) % I2S_TX_FIFO_WORDS] = word;
    this.count++;
    this.updateFlags();
    return true;
  }

  /** Routes an output signal (I2SO_DATA/BCK/WS) to a pad, or away (null); the chip calls it. */
  route(signal: number, pin: Pin | null): void {
    this.pins[signal] = pin;
    pin?.drive(this.levels[signal] as 0 | 1);
  }

  private confWritten(conf: number): void {
    const rising = conf & ~this.prevConf;
    this.prevConf = conf;
    if (rising & (I2SCONF.I2S_TX_FIFO_RESET | I2SCONF.I2S_TX_RESET)) {
      this.head = this.count = 0;
      this.carry = 0;
      this.int.clear(I2S_INT.I2S_TX_REMPTY);
      this.updateFlags();
    }
    if (conf & (I2SCONF.I2S_RX_START | I2SCONF.I2S_RECE_SLAVE_MOD)) this.diagnostics?.unimplemented(this.name, I2S_REG.I2SCONF, 4, true, conf);
    const start = (conf & I2SCONF.I2S_TX_START) !== 0 && (conf & (I2SCONF.I2S_TX_RESET | I2SCONF.I2S_TX_FIFO_RESET)) === 0;
    if (start && !this.running) this.startTx();
    else if (!start && this.running) this.stopTx();
    else if (this.running) this.checkModes();
  }

  private fifoConfWritten(): void {
    this.checkModes();
    this.updateFlags();
  }

  /** Formats other than 16-bit dual-channel FIFO mode 0: reported, and the transmitter does not run. */
  private supported(): boolean {
    const conf = this.register('I2SCONF').value;
    const fifo = this.register('I2S_FIFO_CONF').value;
    const chan = this.register('I2SCONF_CHAN').value;
    return (
      (conf & (I2SCONF.I2S_BITS_MOD_Msk | I2SCONF.I2S_TRANS_SLAVE_MOD)) === 0 &&
      (fifo & I2S_FIFO_CONF.I2S_TX_FIFO_MOD_Msk) === 0 &&
      (chan & I2SCONF_CHAN.I2S_TX_CHAN_MOD_Msk) === 0 &&
      this.bitClockHz > 0
    );
  }

  private checkModes(): void {
    if (this.running && !this.supported()) {
      this.diagnostics?.unimplemented(this.name, I2S_REG.I2SCONF, 4, true, this.register('I2SCONF').value);
      this.stopTx();
    }
  }

  private startTx(): void {
    if (!this.supported()) {
      this.diagnostics?.unimplemented(this.name, I2S_REG.I2SCONF, 4, true, this.register('I2SCONF').value);
      return;
    }
    this.running = true;
    this.newEpoch();
    this.nextWord();
  }

  private stopTx(): void {
    this.running = false;
    this.scheduler.cancel(this.wordEvent);
  }

  private newEpoch(): void {
    this.epochCycle = this.scheduler.cycles;
    this.epochHz = this.scheduler.frequency;
    this.epochBits = 0;
    this.cyclesPerBit = this.epochHz / this.bitClockHz;
  }

  /** The cycle at which bit `n` of the epoch (a real number: halves for BCK) starts. */
  private bitCycle(n: number): number {
    return this.epochCycle + Math.round(n * this.cyclesPerBit);
  }

  /** Takes the next word from the FIFO (or a zero word if empty) and schedules its end. */
  private nextWord(): void {
    let word = 0;
    if (this.count > 0) {
      word = this.fifo[this.head]!;
      this.head = (this.head + 1) % I2S_TX_FIFO_WORDS;
      this.count--;
    } else {
      this.underflows++;
      this.int.set(I2S_INT.I2S_TX_REMPTY);
    }
    const conf = this.register('I2SCONF').value;
    // Bit 31 of `slots` is the first bit on the wire.
    const ordered = conf & I2SCONF.I2S_RIGHT_FIRST ? word : ((word << 16) | (word >>> 16)) >>> 0;
    if (conf & I2SCONF.I2S_TRANS_MSB_SHIFT) {
      this.slots = ((this.carry << 31) | (ordered >>> 1)) >>> 0;
      this.carry = ordered & 1;
    } else {
      this.slots = ordered;
    }
    if (this.dmaEnabled && this.count < I2S_TX_FIFO_WORDS) this.onTxFifoRoom?.();
    this.updateFlags();
    this.scheduler.scheduleAt(this.wordEvent, Math.max(this.scheduler.cycles + 1, this.bitCycle(this.epochBits + BITS_PER_WORD)));
  }

  /** The word on the wire has ended: its edges go onto the routed pads, stamped in the past. */
  private wordDone(): void {
    const base = this.epochBits;
    const conf = this.register('I2SCONF').value;
    const data = this.pins[I2SO_DATA];
    if (data) {
      const slots = this.slots;
      for (let i = 0; i < BITS_PER_WORD; i++) {
        const level = (slots >>> (31 - i)) & 1;
        if (level !== this.levels[I2SO_DATA]) {
          this.levels[I2SO_DATA] = level;
          data.drive(level as 0 | 1, this.bitCycle(base + i));
        }
      }
    }
    const bck = this.pins[I2SO_BCK];
    if (bck) {
      // Data changes on BCK's falling edge and is sampled on its rising edge, mid-bit.
      for (let i = 0; i < BITS_PER_WORD; i++) {
        bck.drive(0, this.bitCycle(base + i));
        bck.drive(1, this.bitCycle(base + i + 0.5));
      }
      this.levels[I2SO_BCK] = 1;
    }
    const ws = this.pins[I2SO_WS];
    if (ws) {
      // WS high while the right channel is sent.
      const first = conf & I2SCONF.I2S_RIGHT_FIRST ? 1 : 0;
      ws.drive(first as 0 | 1, this.bitCycle(base));
      ws.drive((first ^ 1) as 0 | 1, this.bitCycle(base + BITS_PER_WORD / 2));
      this.levels[I2SO_WS] = first ^ 1;
    }
    this.wordsSent++;
    this.epochBits += BITS_PER_WORD;
    if (!this.running) return;
    if (this.scheduler.frequency !== this.epochHz || this.epochHz / this.bitClockHz !== this.cyclesPerBit) this.newEpoch();
    this.nextWord();
  }

  private updateFlags(): void {
    const threshold = (this.register('I2S_FIFO_CONF').value & I2S_FIFO_CONF.I2S_TX_DATA_NUM_Msk) >>> I2S_FIFO_CONF.I2S_TX_DATA_NUM_Pos;
    this.int.assign(I2S_INT.I2S_TX_PUT_DATA, this.count <= threshold);
    this.int.assign(I2S_INT.I2S_TX_WFULL, this.count >= I2S_TX_FIFO_WORDS);
  }
}
