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
 *
 * Pin routing (sercom.ts, `Sercom.spiRouting`): with DO (MOSI) or SCK not on the pins the bus is
 * wired to (PMUX/PINCFG, DOPO) the devices see no clock, so no transfer happens; the SERCOM still
 * shifts its character in the same time and receives 0xFF. With only DI (MISO) not routed (DIPO
 * names another pad, or the pin is not muxed) the devices see the byte but the SERCOM receives
 * 0xFF. (The data sheet does not state what an unconnected pad input reads; the model uses what
 * an idle-high MISO with no device driving it gives, as `SpiBus` does with no device selected.)
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { reverseBits } from './bits.js';
import type { Sercom } from './sercom.js';
import { SERCOM_SPI_BAUD, SERCOM_SPI_CTRLA, SERCOM_SPI_CTRLB, SERCOM_SPI_INT } from './sercom-registers.js';
import { SercomBufferedEngine } from './sercom-buffered.js';
import { SPI_ROUTE } from './sercom-pads.js';

/** DO and SCK both routed: the devices are clocked. */
const CLOCKED = SPI_ROUTE.MOSI | SPI_ROUTE.SCK;
/** CTRLB.CHSIZE: 1 = 9-bit characters, otherwise 8 (27.8.2). */
const CHSIZE_9BIT = 1;
const CHAR_8 = 0xff;
const CHAR_9 = 0x1ff;
/** The ninth bit of a received character: MISO idles high. */
const BIT_8 = 1 << 8;

export class SercomSpiMaster extends SercomBufferedEngine {
  private readonly shiftDone: SimEvent;
  /** Characters shifted since reset (diagnostics/tests). */
  transfers = 0;

  constructor(s: Sercom) {
    super(s);
    this.shiftDone = new SimEvent(`${s.name}.SPI.shift`, () => this.finishCharacter());
  }

  override reset(): void {
    this.s.chip.scheduler.cancel(this.shiftDone);
    super.reset();
  }

  private get charBits(): number {
    return (this.s.CTRLB.value & SERCOM_SPI_CTRLB.CHSIZE_Msk) >>> SERCOM_SPI_CTRLB.CHSIZE_Pos === CHSIZE_9BIT ? 9 : 8;
  }

  private get lsbFirst(): boolean {
    return (this.s.CTRLA.value & SERCOM_SPI_CTRLA.DORD) !== 0;
  }

  /** Scheduler cycles per character: CHSIZE bits of SCK at f_GCLK / (2 (BAUD + 1)). */
  characterCycles(): number {
    const baud = (this.s.BAUD.value & SERCOM_SPI_BAUD.BAUD_Msk) >>> SERCOM_SPI_BAUD.BAUD_Pos;
    return Math.max(1, Math.round(this.charBits * 2 * (baud + 1) * this.s.cyclesPerGclk()));
  }

  writeData(value: number): void {
    if (!this.s.enabled) return;
    this.writeTx(value & (this.charBits === 9 ? CHAR_9 : CHAR_8));
    if (!this.shifting) this.startShift(this.shiftDone, this.characterCycles());
  }

  /** One character exchanged with the bus: MOSI out, MISO into the receive buffer. */
  private finishCharacter(): void {
    this.shifting = false;
    this.transfers++;
    const bits = this.charBits;
    const out = this.lsbFirst ? reverseBits(this.shiftOut & CHAR_8, 8) : this.shiftOut & CHAR_8;
    const bus = this.s.spiBus;
    let miso = CHAR_8; // nothing drives MISO: it idles high
    if (bus) {
      const route = this.s.spiRouting();
      if ((route & CLOCKED) === CLOCKED) {
        const answer = bus.transfer(out) & CHAR_8;
        if (route & SPI_ROUTE.MISO) miso = answer;
      }
    }
    if (this.lsbFirst) miso = reverseBits(miso, 8);
    if (bits === 9) miso |= BIT_8; // the ninth bit reads the idle-high MISO
    this.receive(miso);
    if (this.txBuffer >= 0) this.startShift(this.shiftDone, this.characterCycles());
    else this.s.raise(SERCOM_SPI_INT.TXC);
  }
}
