/**
 * The data path SERCOM SPI and USART share (data sheet 26.6.2.5-6, 27.6.2.6): a DATA write fills
 * the TX buffer, which moves to the shift register as soon as it is free (DRE sets again); each
 * character received lands in a two-level receive buffer read through DATA (RXC). The mode
 * engines decide when and how a character is shifted.
 *
 * A module of its own, not part of sercom.ts: sercom.ts imports the engines, and a class they
 * extend must be defined before they are.
 */
import { type Sercom, type SercomEngine } from './sercom.js';
import { SERCOM_USART_CTRLB, SERCOM_USART_INT, SERCOM_USART_STATUS } from './sercom-registers.js';
import type { SimEvent } from '../../emulator/kernel/scheduler.js';

// SPI and USART share these bits (27.8.2/6/9 and 26.8.2/6/9): the USART names serve both.
const INTFLAG_DRE = SERCOM_USART_INT.DRE;
const INTFLAG_TXC = SERCOM_USART_INT.TXC;
const INTFLAG_RXC = SERCOM_USART_INT.RXC;
const INTFLAG_ERROR = SERCOM_USART_INT.ERROR;
const STATUS_BUFOVF = SERCOM_USART_STATUS.BUFOVF;
const CTRLB_RXEN = SERCOM_USART_CTRLB.RXEN;

export abstract class SercomBufferedEngine implements SercomEngine {
  readonly readOnlyFlags = INTFLAG_DRE | INTFLAG_RXC;
  readonly dmaRxFlag = INTFLAG_RXC;
  readonly dmaTxFlag = INTFLAG_DRE;

  /** TX buffer content, or -1 when empty (DRE). */
  protected txBuffer = -1;
  protected shifting = false;
  /** The character in the shift register. */
  protected shiftOut = 0;
  private readonly rx = [0, 0];
  private rxCount = 0;
  /** What DATA reads with the receive buffer empty. */
  private lastRead = 0;

  constructor(protected readonly s: Sercom) {}

  abstract writeData(value: number): void;

  reset(): void {
    this.txBuffer = -1;
    this.shifting = false;
    this.rxCount = 0;
    this.lastRead = 0;
  }

  /** Enabled, DRE is set while the TX buffer is empty (26.8.6, 27.8.6); disabled, all is dropped. */
  setEnabled(on: boolean): void {
    if (on) {
      if (this.txBuffer < 0) this.s.raise(INTFLAG_DRE);
    } else {
      this.reset();
      this.s.lower(INTFLAG_DRE | INTFLAG_RXC | INTFLAG_TXC);
    }
  }

  /** A DATA write: fills the TX buffer (a write while it is full overwrites it: the firmware
   *  should have waited for DRE); DRE and TXC clear. */
  protected writeTx(character: number): void {
    this.txBuffer = character;
    this.s.lower(INTFLAG_DRE | INTFLAG_TXC);
  }

  /** Moves the TX buffer into the shift register for `cycles` (then `done` fires); the buffer is
   *  free again, so DRE sets. */
  protected startShift(done: SimEvent, cycles: number): void {
    this.shiftOut = this.txBuffer;
    this.txBuffer = -1;
    this.shifting = true;
    this.s.chip.scheduler.scheduleIn(done, cycles);
    this.s.raise(INTFLAG_DRE);
  }

  /** A received character, kept if CTRLB.RXEN = 1; with both levels full it is lost and
   *  STATUS.BUFOVF and INTFLAG.ERROR set (26.8.11, 27.8.7). */
  protected receive(character: number): void {
    if (!(this.s.CTRLB.value & CTRLB_RXEN)) return;
    if (this.rxCount === 2) {
      this.s.setStatus(STATUS_BUFOVF);
      this.s.raise(INTFLAG_ERROR);
    } else {
      this.rx[this.rxCount++] = character;
      this.s.raise(INTFLAG_RXC);
    }
  }

  /** A DATA read: the oldest received character; RXC clears when the buffer empties. */
  readData(): number {
    if (this.rxCount === 0) return this.lastRead;
    const v = this.rx[0];
    this.rx[0] = this.rx[1];
    this.rxCount--;
    this.lastRead = v;
    if (this.rxCount === 0) this.s.lower(INTFLAG_RXC);
    return v;
  }

  /** Clearing CTRLB.RXEN flushes the receive buffer (26.8.2, 27.8.2). */
  ctrlbWritten(value: number, old: number): void {
    if (old & CTRLB_RXEN && !(value & CTRLB_RXEN)) {
      this.rxCount = 0;
      this.s.lower(INTFLAG_RXC);
    }
  }

  statusWritten(): void {}
  addrWritten(): void {}
  flagsCleared(): void {}

  /** DMA request levels: RX while a character waits, TX while the TX buffer is empty. */
  rxRequest(): boolean {
    return this.rxCount > 0;
  }

  txRequest(): boolean {
    return this.txBuffer < 0;
  }
}
