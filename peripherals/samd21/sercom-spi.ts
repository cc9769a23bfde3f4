/**
 * SERCOM in SPI master mode (data sheet section 27 "SERCOM SPI").
 *
 * Bytes, not bits: a character written to DATA goes to the TX buffer; when the shift register is
 * free it moves there at once (DRE sets again) and is shifted out through the attached `SpiBus`
 * in CHSIZE bits of SCK, f_SCK = f_GCLK / (2 (BAUD + 1)) (27.6.2.3, table 25-2 "synchronous").
 * When the character has been shifted the byte clocked in on MISO is stored in the two-level
 * receive buffer (RXC) if CTRLB.RXEN = 1; a full buffer sets STATUS.BUFOVF and INTFLAG.ERROR and
 * the character is lost (27.6.2.6 / 27.8.7). With nothing left in the TX buffer INTFLAG.TXC sets.
 * So RXC follows every DATA write by one character time, as CircuitPython's polled transfers and
 * its DMA path (TX beat -> DATA, RX beat <- DATA) expect.
 *
 * DORD = 1 (LSB first) is handled by bit-reversing on the way out and in, since bus devices see
 * MSB-first bytes. CPOL/CPHA are stored but not checked against the devices (every part on the
 * boards we model uses mode 0 or 3, which look identical at byte level). CTRLB.MSSEN (hardware
 * slave select) is accepted; the chip select of the attached devices stays their GPIO pin.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import {
  INTFLAG_DRE,
  INTFLAG_ERROR,
  INTFLAG_RXC,
  INTFLAG_TXC,
  STATUS_BUFOVF,
  reverseBits,
  type Sercom,
  type SercomEngine,
} from './sercom.js';

/** CTRLB.RXEN (27.8.2). */
const CTRLB_RXEN = 1 << 17;

export class SercomSpiMaster implements SercomEngine {
  readonly readOnlyFlags = INTFLAG_DRE | INTFLAG_RXC;
  readonly dmaRxFlag = INTFLAG_RXC;
  readonly dmaTxFlag = INTFLAG_DRE;

  /** TX buffer content, or -1 when empty (DRE). */
  private txBuffer = -1;
  private shifting = false;
  private shiftOut = 0;
  /** Two-level receive buffer (27.6.2.6). */
  private readonly rx = [0, 0];
  private rxCount = 0;
  private lastRead = 0;
  private readonly shiftDone: SimEvent;
  /** Characters shifted since reset (diagnostics/tests). */
  transfers = 0;

  constructor(private readonly s: Sercom) {
    this.shiftDone = new SimEvent(`${s.name}.SPI.shift`, () => this.finishCharacter());
  }

  reset(): void {
    this.s.chip.scheduler.cancel(this.shiftDone);
    this.txBuffer = -1;
    this.shifting = false;
    this.rxCount = 0;
    this.lastRead = 0;
  }

  setEnabled(on: boolean): void {
    if (on) {
      // DRE is set while the TX buffer is empty and the SERCOM is enabled (27.8.6).
      if (this.txBuffer < 0) this.s.raise(INTFLAG_DRE);
    } else {
      this.reset();
      this.s.lower(INTFLAG_DRE | INTFLAG_RXC | INTFLAG_TXC);
    }
  }

  private get charBits(): number {
    return (this.s.CTRLB.value & 7) === 1 ? 9 : 8;
  }

  private get lsbFirst(): boolean {
    return (this.s.CTRLA.value & (1 << 30)) !== 0;
  }

  /** Scheduler cycles per character: CHSIZE bits of SCK at f_GCLK / (2 (BAUD + 1)). */
  characterCycles(): number {
    const baud = this.s.BAUD.value & 0xff;
    return Math.max(1, Math.round(this.charBits * 2 * (baud + 1) * this.s.cyclesPerGclk()));
  }

  writeData(value: number): void {
    if (!this.s.enabled) return;
    // A write while the buffer is full overwrites it (the firmware should have waited for DRE).
    this.txBuffer = value & (this.charBits === 9 ? 0x1ff : 0xff);
    // DRE clears on a DATA write; TXC too (27.8.6).
    this.s.lower(INTFLAG_DRE | INTFLAG_TXC);
    if (!this.shifting) this.loadShifter();
  }

  private loadShifter(): void {
    this.shiftOut = this.txBuffer;
    this.txBuffer = -1;
    this.shifting = true;
    this.s.chip.scheduler.scheduleIn(this.shiftDone, this.characterCycles());
    this.s.raise(INTFLAG_DRE);
  }

  private finishCharacter(): void {
    this.shifting = false;
    this.transfers++;
    const bits = this.charBits;
    const out = this.lsbFirst ? reverseBits(this.shiftOut & 0xff, 8) : this.shiftOut & 0xff;
    let miso = this.s.spiBus ? this.s.spiBus.transfer(out) & 0xff : 0xff;
    if (this.lsbFirst) miso = reverseBits(miso, 8);
    if (bits === 9) miso |= 0x100; // the ninth bit reads the idle-high MISO
    if (this.s.CTRLB.value & CTRLB_RXEN) {
      if (this.rxCount === 2) {
        this.s.setStatus(STATUS_BUFOVF);
        this.s.raise(INTFLAG_ERROR);
      } else {
        this.rx[this.rxCount++] = miso;
        this.s.raise(INTFLAG_RXC);
      }
    }
    if (this.txBuffer >= 0) this.loadShifter();
    else this.s.raise(INTFLAG_TXC);
  }

  readData(): number {
    if (this.rxCount === 0) return this.lastRead;
    const v = this.rx[0];
    this.rx[0] = this.rx[1];
    this.rxCount--;
    this.lastRead = v;
    if (this.rxCount === 0) this.s.lower(INTFLAG_RXC);
    return v;
  }

  ctrlbWritten(value: number, old: number): void {
    // Clearing RXEN flushes the receive buffer (27.8.2).
    if (old & CTRLB_RXEN && !(value & CTRLB_RXEN)) {
      this.rxCount = 0;
      this.s.lower(INTFLAG_RXC);
    }
  }

  statusWritten(): void {}
  addrWritten(): void {}
  flagsCleared(): void {}

  rxRequest(): boolean {
    return this.rxCount > 0;
  }

  txRequest(): boolean {
    return this.txBuffer < 0;
  }
}
