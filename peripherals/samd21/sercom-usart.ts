/**
 * SERCOM in USART mode with internal clock (data sheet section 26 "SERCOM USART").
 *
 * Frame = 1 start bit + CHSIZE data bits (5..9) + parity (CTRLA.FORM = 1) + 1 or 2 stop bits
 * (CTRLB.SBMODE). Bit rate from BAUD and CTRLA.SAMPR (26.6.2.3, table 25-2):
 *   arithmetic (SAMPR 0/2/4):  f_BAUD = f_ref / S * (1 - BAUD / 65536)
 *   fractional (SAMPR 1/3):    f_BAUD = f_ref / (S * (BAUD[12:0] + FP[15:13] / 8))
 *   S = 16 (SAMPR 0/1), 8 (2/3), 3 (4); synchronous (CMODE = 1): f_BAUD = f_ref / (2 (BAUD + 1)).
 *
 * Transmit: DATA -> TX buffer (DRE clears) -> shift register as soon as it is free (DRE sets);
 * one frame time later the byte reaches the attached `UartLink` and, with the TX buffer empty,
 * TXC sets (26.6.2.5). CTRLB.TXEN must be 1.
 * Receive: bytes from the `UartLink` arrive as on a wire: one per frame time at the current
 * BAUD (a host that pushes many bytes at once has them queued, up to RX_LINE_LIMIT), then land
 * in the two-level receive buffer (RXC; full buffer -> STATUS.BUFOVF + INTFLAG.ERROR and the
 * byte is lost, 26.8.11). Nothing is received unless the USART is enabled with CTRLB.RXEN = 1
 * (bytes arriving then are dropped, as the line idles into a disabled receiver).
 *
 * Pin routing (sercom.ts, `Sercom.uartRouting`): a frame reaches the link only if TxD (the TXPO
 * pad) is on the wired tx pin and PORT selects it there; otherwise it leaves into an unconnected
 * pad and the link receives nothing (the USART's own timing and flags are unchanged). A frame on
 * the wired rx pin is received only if the RXPO pad is on that pin and selected when the frame
 * completes; otherwise it is lost (no RXC, no RXS) while the line still paces the following ones.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { reverseBits } from './bits.js';
import type { Sercom } from './sercom.js';
import { SERCOM_USART_BAUD, SERCOM_USART_CTRLA, SERCOM_USART_CTRLB, SERCOM_USART_FORM, SERCOM_USART_INT } from './sercom-registers.js';
import { SercomBufferedEngine } from './sercom-buffered.js';
import { UART_ROUTE } from './sercom-pads.js';

const { SBMODE: CTRLB_SBMODE, SFDE: CTRLB_SFDE, TXEN: CTRLB_TXEN } = SERCOM_USART_CTRLB;
const { RXS: INTFLAG_RXS, TXC: INTFLAG_TXC } = SERCOM_USART_INT;
/** CTRLB.CHSIZE: 0 = 8 bits, 1 = 9 bits, 5..7 = 5..7 bits (26.8.2). */
const CHSIZE_9BIT = 1;
/** CTRLA.SAMPR (26.8.1): 0/1 16x, 2/3 8x, 4 3x oversampling; odd values use fractional BAUD. */
const SAMPR = { X16_FRACTIONAL: 1, X8_FRACTIONAL: 3, X8_LAST: 3 } as const;
const CHAR = { BITS8: 0xff, BITS9: 0x1ff } as const;
/** frameCycles() of a line that never moves (an asynchronous BAUD of 65536). */
const NEVER = 1 << 30;
/** Bytes the line may hold in flight towards the chip before the oldest are dropped. */
export const RX_LINE_LIMIT = 4096;

export class SercomUsart extends SercomBufferedEngine {
  /** Bytes on the wire towards the chip (a ring), delivered one per frame time. */
  private readonly line = new Uint16Array(RX_LINE_LIMIT);
  private lineHead = 0;
  private lineCount = 0;
  /** Bytes dropped because the line queue overflowed (diagnostics). */
  lineDropped = 0;
  private readonly txDone: SimEvent;
  private readonly rxDone: SimEvent;

  constructor(s: Sercom) {
    super(s);
    this.txDone = new SimEvent(`${s.name}.USART.tx`, () => this.finishTx());
    this.rxDone = new SimEvent(`${s.name}.USART.rx`, () => this.finishRx());
  }

  override reset(): void {
    const sch = this.s.chip.scheduler;
    sch.cancel(this.txDone);
    sch.cancel(this.rxDone);
    super.reset();
    this.lineCount = 0;
  }

  override setEnabled(on: boolean): void {
    super.setEnabled(on);
    // Bytes already on the line start arriving.
    if (on && this.lineCount > 0 && !this.rxDone.scheduled) this.s.chip.scheduler.scheduleIn(this.rxDone, this.frameCycles());
  }

  private get dataBits(): number {
    const chsize = (this.s.CTRLB.value & SERCOM_USART_CTRLB.CHSIZE_Msk) >>> SERCOM_USART_CTRLB.CHSIZE_Pos;
    return chsize === CHSIZE_9BIT ? 9 : chsize >= 5 ? chsize : 8;
  }

  /** Bit rate in Hz from BAUD/SAMPR/CMODE (26.6.2.3). */
  baudRate(): number {
    const gclkHz = this.s.chip.scheduler.frequency / this.s.cyclesPerGclk();
    const ctrla = this.s.CTRLA.value;
    const baud = this.s.BAUD.value & SERCOM_USART_BAUD.BAUD_Msk;
    // Synchronous (CMODE): f = f_GCLK / (2 (BAUD + 1)), BAUD 8 bits wide (26.6.2.3 table 26-2).
    if (ctrla & SERCOM_USART_CTRLA.CMODE) return gclkHz / (2 * ((baud & CHAR.BITS8) + 1));
    const sampr = (ctrla & SERCOM_USART_CTRLA.SAMPR_Msk) >>> SERCOM_USART_CTRLA.SAMPR_Pos;
    const S = sampr <= SAMPR.X16_FRACTIONAL ? 16 : sampr <= SAMPR.X8_LAST ? 8 : 3;
    if (sampr === SAMPR.X16_FRACTIONAL || sampr === SAMPR.X8_FRACTIONAL) {
      const divider =
        (baud & SERCOM_USART_BAUD.FRAC_BAUD_Msk) + ((baud & SERCOM_USART_BAUD.FRAC_FP_Msk) >>> SERCOM_USART_BAUD.FRAC_FP_Pos) / 8;
      return divider > 0 ? gclkHz / (S * divider) : gclkHz / S;
    }
    return (gclkHz / S) * (1 - baud / 65536);
  }

  /** Scheduler cycles per frame (start + data + parity + stop bits). */
  frameCycles(): number {
    const ctrla = this.s.CTRLA.value;
    const parity = (ctrla & SERCOM_USART_CTRLA.FORM_Msk) >>> SERCOM_USART_CTRLA.FORM_Pos === SERCOM_USART_FORM.FRAME_PARITY ? 1 : 0;
    const stop = this.s.CTRLB.value & CTRLB_SBMODE ? 2 : 1;
    const bits = 1 + this.dataBits + parity + stop;
    const rate = this.baudRate();
    if (!(rate > 0)) return NEVER; // BAUD = 65536 * (1 - 0): the line never moves
    return Math.max(1, Math.round((bits * this.s.chip.scheduler.frequency) / rate));
  }

  writeData(value: number): void {
    if (!this.s.enabled) return;
    this.writeTx(value & (this.dataBits === 9 ? CHAR.BITS9 : CHAR.BITS8));
    if (!this.shifting && this.s.CTRLB.value & CTRLB_TXEN) this.loadShifter();
  }

  private loadShifter(): void {
    this.startShift(this.txDone, this.frameCycles());
  }

  private finishTx(): void {
    this.shifting = false;
    const lsbFirst = (this.s.CTRLA.value & SERCOM_USART_CTRLA.DORD) !== 0;
    // DORD = 1 is LSB first, the usual UART order; MSB first is sent bit-reversed.
    const bits = Math.min(8, this.dataBits);
    const byte = lsbFirst ? this.shiftOut & CHAR.BITS8 : reverseBits(this.shiftOut, bits);
    if (this.s.uartLink && this.s.uartRouting() & UART_ROUTE.TX) this.s.uartLink.transmit(byte & ((1 << bits) - 1));
    if (this.txBuffer >= 0 && this.s.CTRLB.value & CTRLB_TXEN) this.loadShifter();
    else this.s.raise(INTFLAG_TXC);
  }

  /** A byte arrives on the RX line from the outside world. */
  lineReceived(byte: number): void {
    if (this.lineCount === RX_LINE_LIMIT) {
      this.lineDropped++;
      return;
    }
    this.line[(this.lineHead + this.lineCount) % RX_LINE_LIMIT] = byte & CHAR.BITS9;
    this.lineCount++;
    if (this.s.enabled && !this.rxDone.scheduled) {
      if (this.s.CTRLB.value & CTRLB_SFDE && this.rxRouted()) this.s.raise(INTFLAG_RXS);
      this.s.chip.scheduler.scheduleIn(this.rxDone, this.frameCycles());
    }
  }

  private finishRx(): void {
    if (this.lineCount === 0) return;
    const byte = this.line[this.lineHead];
    this.lineHead = (this.lineHead + 1) % RX_LINE_LIMIT;
    this.lineCount--;
    if (this.s.enabled && this.rxRouted()) this.receive(byte);
    if (this.lineCount > 0 && this.s.enabled) {
      if (this.s.CTRLB.value & CTRLB_SFDE && this.rxRouted()) this.s.raise(INTFLAG_RXS);
      this.s.chip.scheduler.scheduleIn(this.rxDone, this.frameCycles());
    }
  }

  /** RxD is on the wired rx pin and selected there. */
  private rxRouted(): boolean {
    return (this.s.uartRouting() & UART_ROUTE.RX) !== 0;
  }

  override ctrlbWritten(value: number, old: number): void {
    super.ctrlbWritten(value, old);
    // TXEN set with a character waiting: start it.
    if (value & CTRLB_TXEN && !(old & CTRLB_TXEN) && this.s.enabled && !this.shifting && this.txBuffer >= 0) this.loadShifter();
  }
}
