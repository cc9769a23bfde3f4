/**
 * The ESP8266 WiFi MAC ("WDEV") at 0x3FF20C00-0x3FF20FFF, as far as the SDK's lower MAC needs it
 * to transmit into an empty air. Espressif documents none of it; the registers below are named
 * as the public reverse-engineering notes name them and their use was traced in the NONOS SDK
 * 2.1's libpp (wDev_ProcessFiq, wDev_EnableTransmit, Tx_Copy2Queue, wDev_Initialize):
 *  - WDEV_NOW (+0x000): free-running microsecond counter (system_get_time).
 *  - MAC_INT_ENA (+0x018), MAC_INT_RAW (+0x01C), MAC_INT_EVENT (+0x020, raw & enable),
 *    MAC_INT_CLEAR (+0x024, write 1 to clear): the MAC's interrupt, CPU line 0, which the SDK
 *    attaches to wDev_ProcessFiq (it enables 0x2C9F0300).
 *  - MAC_TX_STATUS (+0x084): read by wDev_ProcessFiq with MAC_INT_EVENT; bits 15:12 are the
 *    queue that started or finished (the SDK accepts 0-7 and 10), bits 31:28 the outcome (0 success: lmacProcessTxSuccess; 1 RTS error,
 *    2 CTS timeout, 4 TX error, 5 ACK timeout).
 *  - TXQ(q) = +0x1C0 - 0x18 * q (q = 0..7 modelled), six words per queue: the SDK writes the frame's
 *    descriptor and PLCP words, then sets TX_GO_BITS (31:30) of word 1 (wDev_EnableTransmit).
 *
 * What the model does: setting a queue's go bits queues its frame for the air, one frame at a
 * time in the order the queues were started. CHANNEL_ACCESS_US later MAC_INT_RAW bit 18
 * (TX_START) is raised with the queue in MAC_TX_STATUS (the SDK's lower MAC then marks that queue
 * as the one on the air); FRAME_AIRTIME_US after that the queue's go bits clear, MAC_TX_STATUS
 * reports success for the queue and bit 19 (TX_DONE) is raised (lmacProcessTxSuccess frees the
 * frame and hands the queue its next one). Nothing is received, no ACK is awaited: every frame,
 * broadcast or not, reports success (a unicast frame to an absent station would end in an ACK
 * timeout on a board). Every other offset reads 0, keeps nothing and is reported unimplemented.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Bus } from '../../emulator/kernel/bus.js';
import type { Register } from '../register-block.js';
import { SparseRegisterBlock } from './sparse-block.js';
import { dmaReachable } from './mac-dma.js';

export const WDEV_BASE = 0x3ff20c00;
export const WDEV_SIZE = 0x400;
/** MAC_INT_RAW bit: the receive DMA filled a descriptor (wdev-rx.ts); wDev_ProcessFiq reads RXDMA_LAST. */
export const RX_DONE = 1 << 8;
/** MAC_INT_RAW bit: the queue in MAC_TX_STATUS started sending its frame (lmacProcessTXStartData). */
export const TX_START = 1 << 18;
/** MAC_INT_RAW bit: the queue in MAC_TX_STATUS finished, with the outcome in bits 31:28. */
export const TX_DONE = 1 << 19;
/** Word 1 of a TX queue: both bits set start the transmission (wDev_EnableTransmit). */
const TX_GO_BITS = 0xc0000000;
/** TXQ word 1: the frame's first descriptor, as an offset in the 256 KiB of RAM from 0x3FFC0000. */
const TX_DESC_OFFSET = 0x3ffff;
const TX_DESC_REGION = 0x3ffc0000;
const TX_DESC_EOF = 0x40000000;
/** A frame spans a few descriptors at most (header, then the payload's buffers); a longer chain is taken as corrupt. */
const TX_MAX_DESCRIPTORS = 8;
/** MAC_BSSIDn_MASK_HI bit 16: the interface's BSSID filter is on (wDev_SetBssid / wDev_ClearBssid). */
const BSSID_FILTER_ENABLE = 1 << 16;
export const TX_QUEUES = 8;
/** Offset of TXQ(0) in the block; queue q is 0x18 * q below it. */
const TXQ0 = 0x1c0;
const TXQ_STRIDE = 0x18;
/**
 * Time from TX_START to TX_DONE: a fixed figure, not computed from the frame, of the order of
 * a 64-byte management frame at 1 Mbit/s (192 us long preamble + 64 x 8 us).
 */
export const FRAME_AIRTIME_US = 704;
/** From the go bits to TX_START: DIFS (50 us at 1 Mbit/s DSSS) on an idle channel, no backoff. */
export const CHANNEL_ACCESS_US = 50;
const TX_RESULT_SUCCESS = 0;

export class Wdev extends SparseRegisterBlock {
  private readonly raw: Register;
  private readonly enable: Register;
  private readonly txStatus: Register;
  private readonly goRegs: Register[] = [];
  private readonly bssid: Register[] = [];
  private readonly bssidHi: Register[] = [];
  private readonly bssidMask: Register[] = [];
  private readonly bssidMaskHi: Register[] = [];
  /** Queues whose go bits are set, waiting for the air, in order (each at most once). */
  private readonly waiting: number[] = [];
  /** The queue whose frame is being transmitted, or -1. */
  private onAir = -1;
  private readonly txStart: SimEvent;
  private readonly txDone: SimEvent;
  /** Frames whose transmission the model completed (for tests and diagnostics). */
  framesSent = 0;

  /** Each frame the MAC sent (its descriptors' buffers joined), FCS space included. */
  onTransmit: ((frame: Uint8Array) => void) | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    /** The level of the MAC's interrupt (CPU line 0). */
    private readonly onInterrupt: (level: boolean) => void,
    /** Memory, for the frames' descriptors (onTransmit). */
    private readonly bus: Bus | null = null,
  ) {
    super('WDEV', WDEV_SIZE);
    this.reg({ name: 'WDEV_NOW', offset: 0x000, size: 4, writable: 0, read: () => Math.floor(scheduler.seconds * 1e6) >>> 0 });
    this.enable = this.reg({ name: 'MAC_INT_ENA', offset: 0x018, size: 4, write: () => this.update() });
    this.raw = this.reg({ name: 'MAC_INT_RAW', offset: 0x01c, size: 4, writable: 0 });
    this.reg({ name: 'MAC_INT_EVENT', offset: 0x020, size: 4, writable: 0, read: () => (this.raw.value & this.enable.value) >>> 0 });
    this.reg({ name: 'MAC_INT_CLEAR', offset: 0x024, size: 4, writeOnly: true, write: (v) => this.clear(v) });
    this.txStatus = this.reg({ name: 'MAC_TX_STATUS', offset: 0x084, size: 4, writable: 0 });
    // The receive filters, as wDev_SetBssid and wDev_SetMacAddress write them (stored; the
    // receive side asks bssidMatch()): per interface a BSSID (low word, high half-word) and its
    // mask (bit 16 of the high mask word enables the filter), then the station's own address.
    for (let i = 0; i < 2; i++) {
      this.bssid.push(this.reg({ name: `MAC_BSSID${i}_LO`, offset: 0x028 + 8 * i, size: 4 }));
      this.bssidHi.push(this.reg({ name: `MAC_BSSID${i}_HI`, offset: 0x02c + 8 * i, size: 4 }));
      this.bssidMask.push(this.reg({ name: `MAC_BSSID${i}_MASK_LO`, offset: 0x038 + 8 * i, size: 4 }));
      this.bssidMaskHi.push(this.reg({ name: `MAC_BSSID${i}_MASK_HI`, offset: 0x03c + 8 * i, size: 4 }));
    }
    for (let i = 0; i < 2; i++) {
      this.reg({ name: `MAC_ADDR${i}_LO`, offset: 0x048 + 8 * i, size: 4 });
      this.reg({ name: `MAC_ADDR${i}_HI`, offset: 0x04c + 8 * i, size: 4 });
    }
    this.reg({ name: 'MAC_ADDR_MASK_LO', offset: 0x058, size: 4 });
    this.reg({ name: 'MAC_ADDR_MASK_HI', offset: 0x05c, size: 4 });
    for (let q = 0; q < TX_QUEUES; q++) {
      const base = TXQ0 - TXQ_STRIDE * q;
      for (let w = 0; w < 6; w++) {
        const name = `TXQ${q}_WORD${w}`;
        if (w === 1) this.goRegs.push(this.reg({ name, offset: base + 4, size: 4, write: (v) => this.go(q, v) }));
        else this.reg({ name, offset: base + 4 * w, size: 4, unimplemented: true });
      }
    }
    this.txStart = new SimEvent('wdev.tx-start', () => this.onTxStart());
    this.txDone = new SimEvent('wdev.tx-done', () => this.onTxDone());
  }

  reset(): void {
    this.resetRegisters();
    this.waiting.length = 0;
    this.onAir = -1;
    this.framesSent = 0;
    this.scheduler.cancel(this.txStart);
    this.scheduler.cancel(this.txDone);
    this.onInterrupt(false);
  }

  /**
   * The receive header's bssidmatch bits (30: interface 0's filter, 31: interface 1's) for a
   * frame from BSS `bssid`. A filter matches when enabled (MASK_HI bit 16) and the masked
   * addresses agree, or when it holds the broadcast address: wDev_SetRxPolicy(1) sets that
   * while the SDK scans, to hear every BSS (inferred from that use; nothing documents it).
   */
  bssidMatch(bssid: Uint8Array): number {
    const lo = (bssid[0]! | (bssid[1]! << 8) | (bssid[2]! << 16) | (bssid[3]! << 24)) >>> 0;
    const hi = bssid[4]! | (bssid[5]! << 8);
    let bits = 0;
    for (let i = 0; i < 2; i++) {
      const maskHi = this.bssidMaskHi[i]!.value;
      if (!(maskHi & BSSID_FILTER_ENABLE)) continue;
      const fLo = this.bssid[i]!.value >>> 0;
      const fHi = this.bssidHi[i]!.value & 0xffff;
      const mLo = this.bssidMask[i]!.value >>> 0;
      const mHi = maskHi & 0xffff;
      const wildcard = fLo === 0xffffffff && fHi === 0xffff;
      if (wildcard || (((fLo ^ lo) & mLo) >>> 0 === 0 && ((fHi ^ hi) & mHi) === 0)) bits |= 1 << (30 + i);
    }
    return bits >>> 0;
  }

  /**
   * The receive header's damatch bits (28: the station's address MAC_ADDR0, 29: the soft AP's
   * MAC_ADDR1, as wDev_SetMacAddress writes them) for a frame to `da`.
   */
  addressMatch(da: Uint8Array): number {
    const lo = (da[0]! | (da[1]! << 8) | (da[2]! << 16) | (da[3]! << 24)) >>> 0;
    const hi = da[4]! | (da[5]! << 8);
    let bits = 0;
    for (let i = 0; i < 2; i++) {
      if (this.register(`MAC_ADDR${i}_LO`).value >>> 0 === lo && (this.register(`MAC_ADDR${i}_HI`).value & 0xffff) === hi) bits |= 1 << (28 + i);
    }
    return bits;
  }

  /** The receive DMA completed a frame (wdev-rx.ts): RX_DONE. */
  receiveDone(): void {
    this.raise(RX_DONE);
  }

  /** A write to word 1 of TXQ(q): the go bits queue its frame (once until it is reported). */
  private go(q: number, value: number): void {
    if ((value & TX_GO_BITS) >>> 0 !== TX_GO_BITS || q === this.onAir || this.waiting.includes(q)) return;
    this.waiting.push(q);
    if (this.onAir < 0) this.next();
  }

  /** The next waiting queue takes the air after the channel access delay. */
  private next(): void {
    const q = this.waiting.shift();
    if (q === undefined) return;
    this.onAir = q;
    this.scheduler.scheduleIn(this.txStart, this.cycles(CHANNEL_ACCESS_US));
  }

  /** The frame's first bits leave: TX_START for its queue (lmacProcessTXStartData). */
  private onTxStart(): void {
    this.txStatus.value = (this.onAir << 12) >>> 0;
    this.raise(TX_START);
    this.scheduler.scheduleIn(this.txDone, this.cycles(FRAME_AIRTIME_US));
  }

  /**
   * The frame queue q holds: word 1's bits 17:0 are its first descriptor's address less
   * 0x3FFC0000 (lmacTxFrame stores esf[4] & 0x3FFFF there, Tx_Copy2Queue copies it), an lldesc
   * {size/length/eof/owner, buffer, next}. The frame is the descriptors' buffers in chain order
   * up to the one with eof (at most TX_MAX_DESCRIPTORS); null if the chain leaves RAM or never ends.
   */
  private frameOf(q: number): Uint8Array | null {
    if (!this.bus) return null;
    let desc = (TX_DESC_REGION | (this.goRegs[q]!.value & TX_DESC_OFFSET)) >>> 0;
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let n = 0; n < TX_MAX_DESCRIPTORS; n++) {
      if (!dmaReachable(desc, 12)) return null;
      const w0 = this.bus.read32(desc) >>> 0;
      const length = (w0 >>> 12) & 0xfff;
      const buffer = this.bus.read32(desc + 4) >>> 0;
      if (!dmaReachable(buffer, length)) return null;
      parts.push(this.bus.readBlock(buffer, length));
      total += length;
      if (w0 & TX_DESC_EOF) return total < 24 ? null : concat(parts, total);
      desc = this.bus.read32(desc + 8) >>> 0;
    }
    return null;
  }

  /** The frame has left: its go bits clear, TX_DONE reports success (lmacProcessTxSuccess). */
  private onTxDone(): void {
    const q = this.onAir;
    if (this.onTransmit) {
      const frame = this.frameOf(q);
      if (frame) this.onTransmit(frame);
    }
    this.goRegs[q]!.value = (this.goRegs[q]!.value & ~TX_GO_BITS) >>> 0;
    this.txStatus.value = ((TX_RESULT_SUCCESS << 28) | (q << 12)) >>> 0;
    this.framesSent++;
    this.onAir = -1;
    this.raise(TX_DONE);
    this.next();
  }

  private cycles(us: number): number {
    return Math.max(1, this.scheduler.cyclesIn(us * 1e-6));
  }

  private raise(bits: number): void {
    this.raw.value = (this.raw.value | bits) >>> 0;
    this.update();
  }

  private clear(bits: number): void {
    this.raw.value = (this.raw.value & ~bits) >>> 0;
    this.update();
  }

  private update(): void {
    this.onInterrupt((this.raw.value & this.enable.value) !== 0);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
