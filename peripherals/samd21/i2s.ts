/**
 * I2S, the Inter-IC Sound controller (data sheet section 27): two clock units and two serializers.
 *
 * Modelled: CTRLA (SWRST, ENABLE, CKEN0/1, SEREN0/1) with SYNCBUSY; CLKCTRLn (SLOTSIZE, NBSLOTS,
 * MCKDIV, SCKSEL, MCKSEL); SERCTRLm (SERMODE RX/TX/PDM2, CLKSEL, DATASIZE, BITREV); DATAm;
 * INTFLAG RXRDYm/RXORm/TXRDYm/TXURm with interrupts, DMA triggers I2S_RX_m / I2S_TX_m.
 *
 * Timing: SCKn = GCLK_I2S_n / (MCKDIV + 1) (MCKSEL = GCLK, SCKSEL = divided master clock; an
 * external SCK/MCK gives no clock here). A serializer in RX/TX moves one word per slot
 * ((SLOTSIZE+1)·8 SCK periods); in PDM2 one 32-bit word per 16 SCK periods, since it samples a
 * bit on each SCK edge: the bits of the device driving while SCK is low (SELECT = GND, the CPX
 * microphone) fill DATA[15:0], the other phase DATA[31:16]; the earliest bit is the MSB of its
 * half unless SERCTRL.BITREV. That is the layout CircuitPython's PDMIn decodes (it keeps
 * `word & 0xffff`).
 *
 * The pins are not toggled at the bit rate (too costly); a PDM source is attached with
 * `attachBitSource` and matched to serializer m when its data pin shares a net with one of the
 * SDm pads (SD0: PA07/PA19, SD1: PA08/PB16). Without a source a serializer receives the pad's
 * static level. TX: each slot's data goes to `onTransmit` listeners (serializer, slot number, the
 * slot's data as DATASIZE bits, DATASIZE in bits). A DATA word serves one slot, or one frame of two
 * slots in the compact stereo sizes (16C: slot 0 = DATA[15:0], slot 1 = DATA[31:16]; 8C: the low two
 * bytes) and in MONO mode (the left channel's data duplicated in the right slot, 27.6.2); TXRDY
 * asks for it when it is taken. A slot with no data written is an underrun (TXUR): it carries zero,
 * or with TXSAME the previous data of that slot (27.6.3).
 */
import { reverseBits } from './bits.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { padIndex, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, GCLK_ID, IRQ } from './memory-map.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';

/** A bit-stream device on an SDn pad (a PDM microphone). Matches devices/pdm-microphone.ts. */
export interface I2sBitSource {
  readonly dataPin: Pin;
  readonly select: 'low' | 'high';
  nextBits(count: number, bitRateHz: number): number;
}

export const I2S_INT = { RXRDY0: 1 << 0, RXRDY1: 1 << 1, RXOR0: 1 << 4, RXOR1: 1 << 5, TXRDY0: 1 << 8, TXRDY1: 1 << 9, TXUR0: 1 << 12, TXUR1: 1 << 13 } as const;

export const I2S_SERMODE = { RX: 0, TX: 1, PDM2: 2 } as const;

/** Register offsets (34.7 register summary); CLKCTRLn, SERCTRLm and DATAm repeat every 4 bytes. */
export const I2S_REG = { CTRLA: 0x00, CLKCTRL0: 0x04, INTENCLR: 0x0c, INTENSET: 0x10, INTFLAG: 0x14, SYNCBUSY: 0x18, SERCTRL0: 0x20, DATA0: 0x30 } as const;
/** CTRLA (34.8.1); CKENn = CKEN0 << n, SERENm = SEREN0 << m. */
export const I2S_CTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, CKEN0: 1 << 2, CKEN1: 1 << 3, SEREN0: 1 << 4, SEREN1: 1 << 5 } as const;
/** CLKCTRLn (34.8.2). */
export const I2S_CLKCTRL = {
  SLOTSIZE_Pos: 0, SLOTSIZE_Msk: 0x3 << 0, NBSLOTS_Pos: 2, NBSLOTS_Msk: 0x7 << 2, FSWIDTH_Pos: 5,
  FSWIDTH_Msk: 0x3 << 5, BITDELAY: 1 << 7, FSSEL: 1 << 8, FSINV: 1 << 11, SCKSEL: 1 << 12, MCKSEL: 1 << 16,
  MCKEN: 1 << 18, MCKDIV_Pos: 19, MCKDIV_Msk: 0x1f << 19, MCKOUTDIV_Pos: 24, MCKOUTDIV_Msk: 0x1f << 24,
  FSOUTINV: 1 << 29, SCKOUTINV: 1 << 30, MCKOUTINV: 1 << 31,
} as const;
/** SYNCBUSY (34.8.6): the CTRLA bits, then DATAm = DATA0 << m. */
export const I2S_SYNCBUSY = { SWRST: 1 << 0, ENABLE: 1 << 1, CKEN0: 1 << 2, CKEN1: 1 << 3, SEREN0: 1 << 4, SEREN1: 1 << 5, DATA0: 1 << 8, DATA1: 1 << 9 } as const;
/** SERCTRLm (34.8.7). */
export const I2S_SERCTRL = {
  SERMODE_Pos: 0, SERMODE_Msk: 0x3 << 0, TXDEFAULT_Pos: 2, TXDEFAULT_Msk: 0x3 << 2, TXSAME: 1 << 4,
  CLKSEL: 1 << 5, SLOTADJ: 1 << 7, DATASIZE_Pos: 8, DATASIZE_Msk: 0x7 << 8, WORDADJ: 1 << 12, EXTEND_Pos: 13,
  EXTEND_Msk: 0x3 << 13, BITREV: 1 << 15, SLOTDIS_Pos: 16, SLOTDIS_Msk: 0xff << 16, MONO: 1 << 24,
  DMA: 1 << 25, RXLOOP: 1 << 26,
} as const;

const CTRLA_WRITABLE = I2S_CTRLA.SWRST | I2S_CTRLA.ENABLE | I2S_CTRLA.CKEN0 | I2S_CTRLA.CKEN1 | I2S_CTRLA.SEREN0 | I2S_CTRLA.SEREN1;
/** CTRLA bits synchronised on change (SWRST synchronises whenever written as 1). */
const CTRLA_SYNCED = CTRLA_WRITABLE & ~I2S_CTRLA.SWRST;
const C = I2S_CLKCTRL;
/** CLKCTRL bits that exist (9, 10 and 17 are reserved). */
const CLKCTRL_WRITABLE = (C.SLOTSIZE_Msk | C.NBSLOTS_Msk | C.FSWIDTH_Msk | C.BITDELAY | C.FSSEL | C.FSINV | C.SCKSEL | C.MCKSEL | C.MCKEN |
  C.MCKDIV_Msk | C.MCKOUTDIV_Msk | C.FSOUTINV | C.SCKOUTINV | C.MCKOUTINV) >>> 0;
const S = I2S_SERCTRL;
/** SERCTRL bits that exist (6 and 11 are reserved). */
const SERCTRL_WRITABLE = S.SERMODE_Msk | S.TXDEFAULT_Msk | S.TXSAME | S.CLKSEL | S.SLOTADJ | S.DATASIZE_Msk | S.WORDADJ | S.EXTEND_Msk | S.BITREV |
  S.SLOTDIS_Msk | S.MONO | S.DMA | S.RXLOOP;
const INT_MASK = I2S_INT.RXRDY0 | I2S_INT.RXRDY1 | I2S_INT.RXOR0 | I2S_INT.RXOR1 | I2S_INT.TXRDY0 | I2S_INT.TXRDY1 | I2S_INT.TXUR0 | I2S_INT.TXUR1;
const SYNCBUSY_MASK = CTRLA_WRITABLE | I2S_SYNCBUSY.DATA0 | I2S_SYNCBUSY.DATA1;
/** SERCTRL.DATASIZE values of the compact stereo formats (two samples in one DATA word). */
const DATASIZE_16C = 5;
const DATASIZE_8C = 7;
/** A PDM2 word holds 16 bits per phase. */
const PDM_BITS_PER_PHASE = 16;
/** SLOTSIZE n: (n + 1) × 8-bit slots. */
const SLOT_BITS_PER_STEP = 8;

/** SDm pads (pad indices): SD0 = PA07, PA19; SD1 = PA08, PB16. */
export const I2S_SD_PADS: readonly (readonly number[])[] = [
  [padIndex('PA07'), padIndex('PA19')],
  [padIndex('PA08'), padIndex('PB16')],
];

export class I2S extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CLKCTRL: Register[] = [];
  readonly SYNCBUSY: Register;
  readonly SERCTRL: Register[] = [];
  readonly DATA: Register[] = [];
  readonly int: InterruptRegisters;

  /** Words received per serializer (diagnostics, tests). */
  readonly received = [0, 0];
  readonly overruns = [0, 0];

  private readonly sync: SyncBusy;
  private readonly events: SimEvent[];
  private readonly rxData = [0, 0];
  private readonly txData = [0, 0];
  private readonly txFull = [false, false];
  private readonly sources: I2sBitSource[] = [];
  private readonly txListeners: ((serializer: number, data: number, slot: number, bits: number) => void)[] = [];
  /** Per serializer: the slot the next word fills, the DATA word in use, and the word each slot last took (TXSAME). */
  private readonly txSlot = [0, 0];
  private readonly txFrame = [0, 0];
  private readonly txLast = [new Uint32Array(8), new Uint32Array(8)];
  private active = 0; // CTRLA bits in effect after synchronisation

  constructor(private readonly chip: Samd21Chip) {
    super('I2S', 0x400);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.I2S_0) || chip.gclkFrequency(GCLK_ID.I2S_1), (bits) => this.synced(bits));
    this.events = [0, 1].map((m) => new SimEvent(`I2S.serializer${m}`, () => this.word(m)));
    this.CTRLA = this.reg({
      name: 'CTRLA',
      offset: I2S_REG.CTRLA,
      size: 1,
      writable: CTRLA_WRITABLE,
      write: (v, old) => this.sync.start(((v ^ old) & CTRLA_SYNCED) | (v & I2S_CTRLA.SWRST)),
    });
    for (let n = 0; n < 2; n++) {
      this.CLKCTRL.push(this.reg({ name: `CLKCTRL${n}`, offset: I2S_REG.CLKCTRL0 + 4 * n, size: 4, writable: CLKCTRL_WRITABLE, write: () => this.reschedule() }));
    }
    this.int = new InterruptRegisters(this, { INTENCLR: I2S_REG.INTENCLR, INTENSET: I2S_REG.INTENSET, INTFLAG: I2S_REG.INTFLAG }, 2, INT_MASK, (l) =>
      chip.irq(IRQ.I2S, l),
    );
    this.SYNCBUSY = this.reg({ name: 'SYNCBUSY', offset: I2S_REG.SYNCBUSY, size: 2, writable: 0, read: () => this.sync.bits & SYNCBUSY_MASK });
    for (let m = 0; m < 2; m++) {
      this.SERCTRL.push(this.reg({ name: `SERCTRL${m}`, offset: I2S_REG.SERCTRL0 + 4 * m, size: 4, writable: SERCTRL_WRITABLE, write: () => this.reschedule() }));
    }
    for (let m = 0; m < 2; m++) {
      this.DATA.push(
        this.reg({
          name: `DATA${m}`,
          offset: I2S_REG.DATA0 + 4 * m,
          size: 4,
          read: () => {
            this.int.clear(m ? I2S_INT.RXRDY1 : I2S_INT.RXRDY0);
            return this.rxData[m];
          },
          write: (v) => {
            this.txData[m] = v >>> 0;
            this.txFull[m] = true;
            this.int.clear(m ? I2S_INT.TXRDY1 : I2S_INT.TXRDY0);
          },
        }),
      );
      const rx = m ? DMA_TRIGGER.I2S_RX_1 : DMA_TRIGGER.I2S_RX_0;
      const tx = m ? DMA_TRIGGER.I2S_TX_1 : DMA_TRIGGER.I2S_TX_0;
      chip.registerDmaSource(rx, () => (this.int.flags() & (m ? I2S_INT.RXRDY1 : I2S_INT.RXRDY0)) !== 0);
      chip.registerDmaSource(tx, () => (this.int.flags() & (m ? I2S_INT.TXRDY1 : I2S_INT.TXRDY0)) !== 0);
    }
    chip.onClockChange(() => this.reschedule());
  }

  reset(_cause: ResetCause): void {
    this.resetBlock(this.int, this.sync);
    this.active = 0;
    for (const e of this.events) this.chip.scheduler.cancel(e);
    this.rxData.fill(0);
    this.txFull.fill(false);
    this.txSlot.fill(0);
    for (const last of this.txLast) last.fill(0);
  }

  /** Attaches a PDM microphone (or any bit source) wired to an SDn pad. */
  attachBitSource(source: I2sBitSource): void {
    this.sources.push(source);
  }

  onTransmit(listener: (serializer: number, data: number, slot: number, bits: number) => void): void {
    this.txListeners.push(listener);
  }

  /** SCK frequency of clock unit `n` in Hz (0 when it has no internal clock). */
  sckFrequency(n: number): number {
    const c = this.CLKCTRL[n].value;
    if (c & I2S_CLKCTRL.SCKSEL || c & I2S_CLKCTRL.MCKSEL) return 0; // external pins
    const gclk = this.chip.gclkFrequency(n ? GCLK_ID.I2S_1 : GCLK_ID.I2S_0);
    return gclk / (((c & I2S_CLKCTRL.MCKDIV_Msk) >>> I2S_CLKCTRL.MCKDIV_Pos) + 1);
  }

  private synced(bits: number): void {
    if (bits & I2S_SYNCBUSY.SWRST && this.CTRLA.value & I2S_CTRLA.SWRST) {
      this.resetBlock(this.int, this.sync);
      this.active = 0;
      this.txFull.fill(false);
      this.reschedule();
      return;
    }
    const started = this.CTRLA.value & CTRLA_SYNCED & ~this.active;
    this.active = this.CTRLA.value & CTRLA_SYNCED;
    for (let m = 0; m < 2; m++) {
      // A serializer (or its clock) starting begins a frame at slot 0.
      if (started & (I2S_CTRLA.SEREN0 << m | I2S_CTRLA.CKEN0 << this.clockUnit(m) | I2S_CTRLA.ENABLE)) this.txSlot[m] = 0;
      // A transmitter ready for data as soon as it is enabled.
      if (this.serializerRunning(m) && this.mode(m) === I2S_SERMODE.TX && !this.txFull[m]) this.setTxReady(m);
    }
    this.reschedule();
  }

  private mode(m: number): number {
    return (this.SERCTRL[m].value & I2S_SERCTRL.SERMODE_Msk) >>> I2S_SERCTRL.SERMODE_Pos;
  }

  private clockUnit(m: number): number {
    return this.SERCTRL[m].value & I2S_SERCTRL.CLKSEL ? 1 : 0;
  }

  /** Bits per slot of clock unit `u`. */
  private slotBits(u: number): number {
    return (((this.CLKCTRL[u].value & I2S_CLKCTRL.SLOTSIZE_Msk) >>> I2S_CLKCTRL.SLOTSIZE_Pos) + 1) * SLOT_BITS_PER_STEP;
  }

  private serializerRunning(m: number): boolean {
    const a = this.active;
    const u = this.clockUnit(m);
    return (a & I2S_CTRLA.ENABLE) !== 0 && (a & (I2S_CTRLA.CKEN0 << u)) !== 0 && (a & (I2S_CTRLA.SEREN0 << m)) !== 0;
  }

  /** Scheduler cycles between words of serializer m, or 0 when it does not run. */
  private wordCycles(m: number): number {
    if (!this.serializerRunning(m)) return 0;
    const sck = this.sckFrequency(this.clockUnit(m));
    if (sck <= 0) return 0;
    const periods = this.mode(m) === I2S_SERMODE.PDM2 ? PDM_BITS_PER_PHASE : this.slotBits(this.clockUnit(m));
    return Math.max(1, Math.round((periods * this.chip.scheduler.frequency) / sck));
  }

  private reschedule(): void {
    for (let m = 0; m < 2; m++) {
      const c = this.wordCycles(m);
      if (c === 0) this.chip.scheduler.cancel(this.events[m]);
      else if (!this.events[m].scheduled) this.chip.scheduler.scheduleIn(this.events[m], c);
    }
  }

  private sourceFor(m: number): I2sBitSource | null {
    const pads = this.chip.pads;
    if (!pads) return null;
    for (const s of this.sources) {
      for (const p of I2S_SD_PADS[m]) if (s.dataPin.net === pads.pin(p).net) return s;
    }
    return null;
  }

  private word(m: number): void {
    const c = this.wordCycles(m);
    if (c === 0) return;
    // The next slot is due one slot after this one was due, not after now: an event that ran a few
    // cycles late (the CPU finishes its instruction or block first) must not delay every later slot.
    const e = this.events[m]!;
    const s = this.chip.scheduler;
    s.scheduleAt(e, Math.max(e.cycle + c, s.cycles + 1));
    const mode = this.mode(m);
    if (mode === I2S_SERMODE.TX) return this.transmitSlot(m);
    const sck = this.sckFrequency(this.clockUnit(m));
    const src = this.sourceFor(m);
    const rev = (this.SERCTRL[m].value & I2S_SERCTRL.BITREV) !== 0;
    let w: number;
    if (mode === I2S_SERMODE.PDM2) {
      const n = PDM_BITS_PER_PHASE;
      const lowPhase = src && src.select === 'low' ? src.nextBits(n, sck) : this.idleBits(m, n);
      const highPhase = src && src.select === 'high' ? src.nextBits(n, sck) : this.idleBits(m, n);
      w = (((rev ? reverseBits(highPhase, n) : highPhase) << n) | (rev ? reverseBits(lowPhase, n) : lowPhase)) >>> 0;
    } else {
      const bits = this.slotBits(this.clockUnit(m));
      const raw = src ? src.nextBits(Math.min(32, bits), sck) : this.idleBits(m, Math.min(32, bits));
      w = rev ? reverseBits(raw, Math.min(32, bits)) : raw;
    }
    const flag = m ? I2S_INT.RXRDY1 : I2S_INT.RXRDY0;
    if (this.int.flags() & flag) {
      this.overruns[m]++;
      this.int.set(m ? I2S_INT.RXOR1 : I2S_INT.RXOR0);
    }
    this.rxData[m] = w >>> 0;
    this.received[m]++;
    this.int.set(flag);
    this.chip.dmaTrigger(m ? DMA_TRIGGER.I2S_RX_1 : DMA_TRIGGER.I2S_RX_0);
  }

  /** DATASIZE in bits (27.8.7): 32, 24, 20, 18, 16, 16 compact, 8, 8 compact. */
  private dataBits(m: number): number {
    return [32, 24, 20, 18, 16, 16, 8, 8][(this.SERCTRL[m].value & I2S_SERCTRL.DATASIZE_Msk) >>> I2S_SERCTRL.DATASIZE_Pos]!;
  }

  /** One slot of serializer m in TX mode: its data, from DATA when this slot takes a word. */
  private transmitSlot(m: number): void {
    const ctrl = this.SERCTRL[m].value;
    const size = (ctrl & I2S_SERCTRL.DATASIZE_Msk) >>> I2S_SERCTRL.DATASIZE_Pos;
    const compact = size === DATASIZE_16C || size === DATASIZE_8C;
    const mono = (ctrl & I2S_SERCTRL.MONO) !== 0;
    const slots = ((this.CLKCTRL[this.clockUnit(m)].value & I2S_CLKCTRL.NBSLOTS_Msk) >>> I2S_CLKCTRL.NBSLOTS_Pos) + 1;
    const slot = this.txSlot[m]! % slots;
    this.txSlot[m] = (slot + 1) % slots;
    // Compact and mono frames take one DATA word for a pair of slots (left, right).
    const pairs = compact || mono;
    const takes = !pairs || slot % 2 === 0;
    if (takes) {
      if (this.txFull[m]) {
        this.txFull[m] = false;
        this.txFrame[m] = this.txData[m]!;
      } else {
        this.int.set(m ? I2S_INT.TXUR1 : I2S_INT.TXUR0);
        this.txFrame[m] = ctrl & I2S_SERCTRL.TXSAME ? this.txLast[m]![slot]! : 0;
      }
      this.txLast[m]![slot] = this.txFrame[m]!;
      this.setTxReady(m);
    }
    const bits = this.dataBits(m);
    const w = this.txFrame[m]!;
    const right = pairs && slot % 2 === 1 && !mono;
    let data: number;
    if (size === DATASIZE_16C) data = right ? w >>> 16 : w & 0xffff;
    else if (size === DATASIZE_8C) data = right ? (w >>> 8) & 0xff : w & 0xff;
    else data = bits === 32 ? w >>> 0 : w & ((1 << bits) - 1);
    for (const l of this.txListeners) l(m, data, slot, bits);
  }

  private setTxReady(m: number): void {
    this.int.set(m ? I2S_INT.TXRDY1 : I2S_INT.TXRDY0);
    this.chip.dmaTrigger(m ? DMA_TRIGGER.I2S_TX_1 : DMA_TRIGGER.I2S_TX_0);
  }

  /** What an undriven SD pad gives: its static level repeated. */
  private idleBits(m: number, n: number): number {
    const pads = this.chip.pads;
    const level = pads ? pads.pin(I2S_SD_PADS[m][0]).level : 0;
    return level ? (n >= 32 ? 0xffffffff : (1 << n) - 1) : 0;
  }
}

