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
 * static level. TX words go to `onTransmit` listeners.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, GCLK_ID, IRQ } from './memory-map.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';

/** A bit-stream device on an SDn pad (a PDM microphone). Matches devices/pdm-microphone.ts. */
export interface I2sBitSource {
  readonly dataPin: Pin;
  readonly select: 'low' | 'high';
  nextBits(count: number, bitRateHz: number): number;
}

export const I2S_INT = {
  RXRDY0: 1 << 0,
  RXRDY1: 1 << 1,
  RXOR0: 1 << 4,
  RXOR1: 1 << 5,
  TXRDY0: 1 << 8,
  TXRDY1: 1 << 9,
  TXUR0: 1 << 12,
  TXUR1: 1 << 13,
} as const;

export const I2S_SERMODE = { RX: 0, TX: 1, PDM2: 2 } as const;

/** SDm pads (pad indices): SD0 = PA07, PA19; SD1 = PA08, PB16. */
export const I2S_SD_PADS: readonly (readonly number[])[] = [
  [7, 19],
  [8, 48],
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
  private readonly txListeners: ((serializer: number, word: number) => void)[] = [];
  private active = 0; // CTRLA bits in effect after synchronisation

  constructor(private readonly chip: Samd21Chip) {
    super('I2S', 0x400);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.I2S_0) || chip.gclkFrequency(GCLK_ID.I2S_1), (bits) => this.synced(bits));
    this.events = [0, 1].map((m) => new SimEvent(`I2S.serializer${m}`, () => this.word(m)));
    this.CTRLA = this.reg({
      name: 'CTRLA',
      offset: 0x00,
      size: 1,
      writable: 0x3f,
      write: (v, old) => this.sync.start((v ^ old) & 0x3e | (v & 0x01)),
    });
    for (let n = 0; n < 2; n++) {
      this.CLKCTRL.push(this.reg({ name: `CLKCTRL${n}`, offset: 0x04 + 4 * n, size: 4, writable: 0xfffd07ff, write: () => this.reschedule() }));
    }
    this.int = new InterruptRegisters(this, { INTENCLR: 0x0c, INTENSET: 0x10, INTFLAG: 0x14 }, 2, 0x3333, (l) => chip.irq(IRQ.I2S, l));
    this.SYNCBUSY = this.reg({ name: 'SYNCBUSY', offset: 0x18, size: 2, writable: 0, read: () => this.sync.bits & 0x33f });
    for (let m = 0; m < 2; m++) {
      this.SERCTRL.push(this.reg({ name: `SERCTRL${m}`, offset: 0x20 + 4 * m, size: 4, writable: 0x07ffbfbf, write: () => this.reschedule() }));
    }
    for (let m = 0; m < 2; m++) {
      this.DATA.push(
        this.reg({
          name: `DATA${m}`,
          offset: 0x30 + 4 * m,
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
  }

  /** Attaches a PDM microphone (or any bit source) wired to an SDn pad. */
  attachBitSource(source: I2sBitSource): void {
    this.sources.push(source);
  }

  onTransmit(listener: (serializer: number, word: number) => void): void {
    this.txListeners.push(listener);
  }

  /** SCK frequency of clock unit `n` in Hz (0 when it has no internal clock). */
  sckFrequency(n: number): number {
    const c = this.CLKCTRL[n].value;
    if (c & (1 << 10) || c & (1 << 16)) return 0; // SCKSEL / MCKSEL: external pins
    const gclk = this.chip.gclkFrequency(n ? GCLK_ID.I2S_1 : GCLK_ID.I2S_0);
    return gclk / (((c >>> 19) & 0x1f) + 1);
  }

  private synced(bits: number): void {
    if (bits & 0x01 && this.CTRLA.value & 0x01) {
      this.resetBlock(this.int, this.sync);
      this.active = 0;
      this.txFull.fill(false);
      this.reschedule();
      return;
    }
    this.active = this.CTRLA.value & 0x3e;
    for (let m = 0; m < 2; m++) {
      // A transmitter ready for data as soon as it is enabled.
      if (this.serializerRunning(m) && this.mode(m) === I2S_SERMODE.TX && !this.txFull[m]) this.setTxReady(m);
    }
    this.reschedule();
  }

  private mode(m: number): number {
    return this.SERCTRL[m].value & 3;
  }

  private clockUnit(m: number): number {
    return (this.SERCTRL[m].value >>> 5) & 1;
  }

  private serializerRunning(m: number): boolean {
    const a = this.active;
    const u = this.clockUnit(m);
    return (a & 0x02) !== 0 && (a & (1 << (2 + u))) !== 0 && (a & (1 << (4 + m))) !== 0;
  }

  /** Scheduler cycles between words of serializer m, or 0 when it does not run. */
  private wordCycles(m: number): number {
    if (!this.serializerRunning(m)) return 0;
    const sck = this.sckFrequency(this.clockUnit(m));
    if (sck <= 0) return 0;
    const slotBits = (((this.CLKCTRL[this.clockUnit(m)].value & 3) + 1) * 8) | 0;
    const periods = this.mode(m) === I2S_SERMODE.PDM2 ? 16 : slotBits;
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
    this.chip.scheduler.scheduleIn(this.events[m], c);
    const mode = this.mode(m);
    if (mode === I2S_SERMODE.TX) {
      if (this.txFull[m]) {
        this.txFull[m] = false;
        const w = this.txData[m];
        for (const l of this.txListeners) l(m, w);
      } else {
        this.int.set(m ? I2S_INT.TXUR1 : I2S_INT.TXUR0);
      }
      this.setTxReady(m);
      return;
    }
    const sck = this.sckFrequency(this.clockUnit(m));
    const src = this.sourceFor(m);
    const rev = (this.SERCTRL[m].value & (1 << 15)) !== 0;
    let w: number;
    if (mode === I2S_SERMODE.PDM2) {
      const lowPhase = src && src.select === 'low' ? src.nextBits(16, sck) : this.idleBits(m, 16);
      const highPhase = src && src.select === 'high' ? src.nextBits(16, sck) : this.idleBits(m, 16);
      w = (((rev ? reverse16(highPhase) : highPhase) << 16) | (rev ? reverse16(lowPhase) : lowPhase)) >>> 0;
    } else {
      const bits = ((this.CLKCTRL[this.clockUnit(m)].value & 3) + 1) * 8;
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

function reverse16(v: number): number {
  return reverseBits(v, 16);
}

function reverseBits(v: number, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) r = (r << 1) | ((v >>> i) & 1);
  return r >>> 0;
}
