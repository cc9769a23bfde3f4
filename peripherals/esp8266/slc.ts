/**
 * ESP8266 SLC DMA at 0x60000B00 (registers and bits as Espressif's slc_register.h names them),
 * as the I2S drivers use it: the SLC "RX" link (RX as the SDIO host sees it) reads memory into
 * the I2S TX FIFO (I2S_FIFO_CONF.I2S_DSCR_EN, i2s.ts). The SDIO side (host registers, tokens,
 * the TX link that would carry I2S RX data into memory) is stored and reported as
 * unimplemented.
 *
 * Descriptors (lldesc_t / the drivers' sdio_queue): word 0 blocksize (11:0), datalen (23:12),
 * sub_sof (29), eof (30), owner (31); word 1 the buffer; word 2 the next descriptor (0: end).
 * SLC_RX_LINK bits 19:0 hold the first descriptor's address within 0x3FF00000-0x3FFFFFFF (as
 * drivers write it: `addr & SLC_RXLINK_DESCADDR_MASK`); SLC_RXLINK_START (29) starts the link
 * there, SLC_RXLINK_STOP (28) stops it, SLC_RXLINK_RESTART (30) continues from the next
 * pointer of the last descriptor (after the link reached a next of 0). These three bits act
 * when written as 1 and read 0.
 *
 * Per descriptor the DMA moves datalen bytes (rounded up to whole words) into the FIFO,
 * whenever the FIFO has room (the transmitter takes a word per 32 bit clocks; the DMA refills
 * at once). When its last word is in the FIFO: SLC_RX_DONE_INT_RAW (inferred from the name),
 * and for a descriptor with eof set, SLC_RX_EOF_INT_RAW with its address in
 * SLC_RX_EOF_DES_ADDR, then the link follows the next pointer, so a ring (the last next
 * pointing back at the first) runs until stopped. The owner bit is neither checked nor
 * cleared: the drivers that loop rings (Arduino's i2s, Espressif's I2S examples, NeoPixelBus)
 * set it once and never hand descriptors back, so a DMA that honoured it would stop them.
 * A descriptor or buffer outside the internal RAM (0x3FFE8000-0x3FFFFFFF), or a ring of 64
 * empty descriptors, stops the link with SLC_RX_DSCR_ERR_INT_RAW.
 *
 * Interrupts: SLC_INT_RAW / SLC_INT_STATUS / SLC_INT_ENA / SLC_INT_CLR (write 1s to clear), to
 * the CPU's level line 1 (ETS_SLC_INUM) while SLC_INT_STATUS is not 0. Reset values are 0.
 */
import type { Bus } from '../../emulator/kernel/bus.js';
import { RawInterruptRegisters, RegisterBlock } from '../register-block.js';
import type { Esp8266I2s } from './i2s.js';
import { dmaReachable } from './mac-dma.js';

export const SLC_BASE = 0x60000b00;

export const SLC_REG = {
  SLC_CONF0: 0x00,
  SLC_INT_RAW: 0x04,
  SLC_INT_STATUS: 0x08,
  SLC_INT_ENA: 0x0c,
  SLC_INT_CLR: 0x10,
  SLC_RX_STATUS: 0x14,
  SLC_RX_FIFO_PUSH: 0x18,
  SLC_TX_STATUS: 0x1c,
  SLC_TX_FIFO_POP: 0x20,
  SLC_RX_LINK: 0x24,
  SLC_TX_LINK: 0x28,
  SLC_INTVEC_TOHOST: 0x2c,
  SLC_TOKEN0: 0x30,
  SLC_TOKEN1: 0x34,
  SLC_CONF1: 0x38,
  SLC_STATE0: 0x3c,
  SLC_STATE1: 0x40,
  SLC_BRIDGE_CONF: 0x44,
  SLC_RX_EOF_DES_ADDR: 0x48,
  SLC_TX_EOF_DES_ADDR: 0x4c,
  SLC_RX_EOF_BFR_DES_ADDR: 0x50,
  SLC_AHB_TEST: 0x54,
  SLC_SDIO_ST: 0x58,
  SLC_RX_DSCR_CONF: 0x5c,
  SLC_TXLINK_DSCR: 0x60,
  SLC_TXLINK_DSCR_BF0: 0x64,
  SLC_TXLINK_DSCR_BF1: 0x68,
  SLC_RXLINK_DSCR: 0x6c,
  SLC_RXLINK_DSCR_BF0: 0x70,
  SLC_RXLINK_DSCR_BF1: 0x74,
  SLC_DATE: 0x78,
  SLC_ID: 0x7c,
} as const;

export const SLC_CONF0 = {
  SLC_TXLINK_RST: 1 << 0,
  SLC_RXLINK_RST: 1 << 1,
  SLC_AHBM_FIFO_RST: 1 << 2,
  SLC_AHBM_RST: 1 << 3,
  SLC_TX_LOOP_TEST: 1 << 4,
  SLC_RX_LOOP_TEST: 1 << 5,
  SLC_RX_AUTO_WRBACK: 1 << 6,
  SLC_RX_NO_RESTART_CLR: 1 << 7,
  SLC_DSCR_BURST_EN: 1 << 8,
  SLC_DATA_BURST_EN: 1 << 9,
  SLC_MODE_Pos: 12,
  SLC_MODE_Msk: 0x3 << 12,
} as const;

/** SLC_INT_RAW / STATUS / ENA / CLR bits (the SDIO-side ones are stored only). */
export const SLC_INT = {
  SLC_RX_START: 1 << 8,
  SLC_TX_START: 1 << 9,
  SLC_RX_UDF: 1 << 10,
  SLC_TX_OVF: 1 << 11,
  SLC_TX_DONE: 1 << 14,
  SLC_TX_EOF: 1 << 15,
  SLC_RX_DONE: 1 << 16,
  SLC_RX_EOF: 1 << 17,
  SLC_TOHOST: 1 << 18,
  SLC_TX_DSCR_ERR: 1 << 19,
  SLC_RX_DSCR_ERR: 1 << 20,
  SLC_TX_DSCR_EMPTY: 1 << 21,
} as const;

export const SLC_LINK = {
  DESCADDR_Msk: 0x000fffff,
  STOP: 1 << 28,
  START: 1 << 29,
  RESTART: 1 << 30,
  PARK: 1 << 31,
} as const;

/** lldesc_t word 0. */
export const LLDESC = {
  BLOCKSIZE_Msk: 0xfff,
  DATALEN_Pos: 12,
  DATALEN_Msk: 0xfff << 12,
  SUB_SOF: 1 << 29,
  EOF: 1 << 30,
  OWNER: 1 << 31,
} as const;

/** Where SLC_RX_LINK's 20-bit descriptor address points. */
const SLC_LINK_REGION = 0x3ff00000;
const INT_MASK = 0x3fffff;
const LINK_COMMANDS = SLC_LINK.STOP | SLC_LINK.START | SLC_LINK.RESTART;
/** Empty descriptors followed in a row before the link is taken as broken. */
const MAX_EMPTY_DESCRIPTORS = 64;

export class Esp8266Slc extends RegisterBlock {
  readonly int: RawInterruptRegisters;
  /** Descriptors the RX link has finished since reset. */
  descriptorsDone = 0;
  /** The RX link's state: running, the descriptor being read (0: none), its next word and length in words. */
  private rxRunning = false;
  private desc = 0;
  private lastDesc = 0;
  private buffer = 0;
  private word = 0;
  private words = 0;
  private eof = false;
  private next = 0;
  private prevConf0 = 0;

  constructor(
    private readonly bus: Bus,
    private readonly i2s: Esp8266I2s,
    line: (level: boolean) => void,
  ) {
    super('SLC', 0x100);
    this.reg({ name: 'SLC_CONF0', offset: SLC_REG.SLC_CONF0, size: 4, writable: 0x33ff, write: (v) => this.conf0Written(v) });
    this.int = new RawInterruptRegisters(
      this,
      { INT_RAW: SLC_REG.SLC_INT_RAW, INT_ST: SLC_REG.SLC_INT_STATUS, INT_ENA: SLC_REG.SLC_INT_ENA, INT_CLR: SLC_REG.SLC_INT_CLR },
      4,
      INT_MASK,
      line,
      { INT_RAW: 'SLC_INT_RAW', INT_ST: 'SLC_INT_STATUS', INT_ENA: 'SLC_INT_ENA', INT_CLR: 'SLC_INT_CLR' },
    );
    for (const name of ['SLC_RX_STATUS', 'SLC_RX_FIFO_PUSH', 'SLC_TX_STATUS', 'SLC_TX_FIFO_POP'] as const) {
      this.reg({ name, offset: SLC_REG[name], size: 4, unimplemented: true });
    }
    this.reg({
      name: 'SLC_RX_LINK',
      offset: SLC_REG.SLC_RX_LINK,
      size: 4,
      writable: SLC_LINK.DESCADDR_Msk | LINK_COMMANDS,
      write: (v) => this.rxLinkWritten(v),
    });
    this.reg({ name: 'SLC_TX_LINK', offset: SLC_REG.SLC_TX_LINK, size: 4, writable: SLC_LINK.DESCADDR_Msk, unimplemented: true });
    for (const name of ['SLC_INTVEC_TOHOST', 'SLC_TOKEN0', 'SLC_TOKEN1', 'SLC_CONF1', 'SLC_STATE0', 'SLC_STATE1', 'SLC_BRIDGE_CONF'] as const) {
      this.reg({ name, offset: SLC_REG[name], size: 4, unimplemented: true });
    }
    this.reg({ name: 'SLC_RX_EOF_DES_ADDR', offset: SLC_REG.SLC_RX_EOF_DES_ADDR, size: 4, writable: 0 });
    for (const name of ['SLC_TX_EOF_DES_ADDR', 'SLC_RX_EOF_BFR_DES_ADDR', 'SLC_AHB_TEST', 'SLC_SDIO_ST'] as const) {
      this.reg({ name, offset: SLC_REG[name], size: 4, unimplemented: true });
    }
    // INFOR_NO_REPLACE / TOKEN_NO_REPLACE / RX_FILL_* concern SDIO packet headers: stored.
    this.reg({ name: 'SLC_RX_DSCR_CONF', offset: SLC_REG.SLC_RX_DSCR_CONF, size: 4, writable: 0x1fffff });
    for (const name of ['SLC_TXLINK_DSCR', 'SLC_TXLINK_DSCR_BF0', 'SLC_TXLINK_DSCR_BF1', 'SLC_RXLINK_DSCR', 'SLC_RXLINK_DSCR_BF0', 'SLC_RXLINK_DSCR_BF1', 'SLC_DATE', 'SLC_ID'] as const) {
      this.reg({ name, offset: SLC_REG[name], size: 4, writable: 0, unimplemented: true });
    }
    i2s.onTxFifoRoom = () => this.fill();
    this.reset();
  }

  reset(): void {
    this.resetRegisters();
    this.int.reset();
    this.stopRx();
    this.lastDesc = 0;
    this.prevConf0 = 0;
    this.descriptorsDone = 0;
  }

  /** True while the RX link is moving descriptors. */
  get rxLinkRunning(): boolean {
    return this.rxRunning;
  }

  private conf0Written(v: number): void {
    const rising = v & ~this.prevConf0;
    this.prevConf0 = v;
    if (rising & (SLC_CONF0.SLC_RXLINK_RST | SLC_CONF0.SLC_AHBM_RST)) {
      this.stopRx();
      this.lastDesc = 0;
    }
  }

  private rxLinkWritten(v: number): void {
    const reg = this.register('SLC_RX_LINK');
    reg.value = (v & SLC_LINK.DESCADDR_Msk) >>> 0;
    if (v & SLC_LINK.STOP) {
      this.stopRx();
      return;
    }
    if (v & SLC_LINK.START) {
      this.stopRx();
      this.rxRunning = true;
      this.load((SLC_LINK_REGION | (v & SLC_LINK.DESCADDR_Msk)) >>> 0);
      this.fill();
    } else if (v & SLC_LINK.RESTART && !this.rxRunning && this.lastDesc !== 0) {
      const next = dmaReachable(this.lastDesc, 12) ? this.bus.read32(this.lastDesc + 8) >>> 0 : 0;
      if (next !== 0) {
        this.rxRunning = true;
        this.load(next);
        this.fill();
      }
    }
  }

  private stopRx(): void {
    this.rxRunning = false;
    this.desc = 0;
    this.word = this.words = 0;
  }

  /** Reads descriptor `address` into the link's state; false (link stopped, error flagged) if it cannot. */
  private load(address: number): boolean {
    if (!dmaReachable(address, 12)) return this.descriptorError();
    const w0 = this.bus.read32(address) >>> 0;
    const buffer = this.bus.read32(address + 4) >>> 0;
    const length = (w0 & LLDESC.DATALEN_Msk) >>> LLDESC.DATALEN_Pos;
    if (length > 0 && !dmaReachable(buffer, length)) return this.descriptorError();
    this.desc = address;
    this.buffer = buffer & ~3;
    this.words = (length + 3) >>> 2;
    this.word = 0;
    this.eof = (w0 & LLDESC.EOF) !== 0;
    this.next = this.bus.read32(address + 8) >>> 0;
    return true;
  }

  private descriptorError(): boolean {
    this.stopRx();
    this.int.set(SLC_INT.SLC_RX_DSCR_ERR);
    return false;
  }

  /** Moves words into the I2S TX FIFO while it has room and the link has data. */
  private fill(): void {
    if (!this.rxRunning || !this.i2s.dmaEnabled) return;
    let empty = 0;
    while (this.rxRunning && this.i2s.txFifoFree > 0) {
      if (this.word < this.words) {
        this.i2s.push(this.bus.read32(this.buffer + 4 * this.word) >>> 0);
        this.word++;
        empty = 0;
        if (this.word < this.words) continue;
      } else if (++empty > MAX_EMPTY_DESCRIPTORS) {
        this.descriptorError();
        return;
      }
      this.finishDescriptor();
    }
  }

  /** The descriptor's data is all in the FIFO: flags, then on to the next one. */
  private finishDescriptor(): void {
    const done = this.desc;
    this.lastDesc = done;
    this.descriptorsDone++;
    let flags = SLC_INT.SLC_RX_DONE;
    if (this.eof) {
      this.register('SLC_RX_EOF_DES_ADDR').value = done;
      flags |= SLC_INT.SLC_RX_EOF;
    }
    const next = this.next;
    if (next === 0) this.stopRx();
    else this.load(next);
    this.int.set(flags);
  }
}
