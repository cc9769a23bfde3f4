/**
 * Drives a SAMD21 board built with `core: 'none'` from TypeScript through the chip's registers,
 * the way CircuitPython's common-hal does on the real chip: PM/GCLK clock gates, PORT muxing and
 * GPIO, SERCOM in SPI master mode. Register offsets and bits from the SAMD21 data sheet
 * (DS40001882): 15 GCLK, 16 PM, 23 PORT, 27 SERCOM SPI.
 */
import type { Samd21Board } from '../../boards/samd21-board.js';
import { sercomPadLocation } from '../../peripherals/samd21/sercom-pads.js';
import { peripheralSlot } from '../../peripherals/samd21/memory-map.js';

const PM = peripheralSlot('PM').base;
const GCLK = peripheralSlot('GCLK').base;
const PORT = peripheralSlot('PORT').base;
const PORT_DIRSET = 0x08;
const PORT_OUTCLR = 0x14;
const PORT_OUTSET = 0x18;
const PORT_IN = 0x20;
const PORT_PMUX = 0x30;
const PORT_PINCFG = 0x40;
const PINCFG_PMUXEN = 0x01;
const PINCFG_INEN = 0x02;
const SPI = { CTRLA: 0x00, CTRLB: 0x04, BAUD: 0x0c, INTFLAG: 0x18, SYNCBUSY: 0x1c, DATA: 0x28 } as const;
const INTFLAG_RXC = 1 << 2;
const INTFLAG_DRE = 1 << 0;

/** 'PA13' → PORT group offset and bit. */
function padBits(pad: string): { group: number; bit: number } {
  return { group: (pad[1] === 'B' ? 1 : 0) * 0x80, bit: Number(pad.slice(2)) };
}

export class HostedSamd21 {
  constructor(readonly board: Samd21Board) {
    if (board.mcu.core) throw new Error('HostedSamd21 needs a board built with core: none');
  }

  get bus() {
    return this.board.mcu.bus;
  }

  /** Runs the chip's events until `cond` holds (10 µs steps, 100 ms at most). */
  waitFor(cond: () => boolean, what: string): void {
    for (let i = 0; i < 10_000; i++) {
      if (cond()) return;
      this.board.machine.runFor(10e-6);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** PINCFG.PMUXEN + PMUX = letter ('C' = 2, 'D' = 3), as common-hal's gpio_set_pin_function. */
  mux(pad: string, fn: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H'): void {
    const { group, bit } = padBits(pad);
    const pmux = PORT + group + PORT_PMUX + (bit >> 1);
    const shift = (bit & 1) * 4;
    const code = fn.charCodeAt(0) - 65;
    this.bus.write(pmux, 1, (this.bus.read(pmux, 1) & ~(0xf << shift)) | (code << shift));
    this.bus.write(PORT + group + PORT_PINCFG + bit, 1, PINCFG_PMUXEN | PINCFG_INEN);
  }

  /** GPIO output at `level` (DIRSET, OUTSET/OUTCLR). */
  output(pad: string, level: 0 | 1): void {
    const { group, bit } = padBits(pad);
    this.bus.write(PORT + group + PORT_PINCFG + bit, 1, PINCFG_INEN);
    this.bus.write(PORT + group + (level ? PORT_OUTSET : PORT_OUTCLR), 4, 1 << bit);
    this.bus.write(PORT + group + PORT_DIRSET, 4, 1 << bit);
  }

  /** The pad's input level (PINCFG.INEN set, IN register). */
  input(pad: string): 0 | 1 {
    const { group, bit } = padBits(pad);
    this.bus.write(PORT + group + PORT_PINCFG + bit, 1, PINCFG_INEN);
    return ((this.bus.read(PORT + group + PORT_IN, 4) >>> bit) & 1) as 0 | 1;
  }

  /** APBCMASK.SERCOMn (16.8.10) and GCLK channel SERCOMn_CORE (0x14 + n) from generator 0 (15.8.3). */
  private clockSercom(n: number): void {
    this.bus.write(PM + 0x20, 4, this.bus.read(PM + 0x20, 4) | (1 << (2 + n)));
    this.bus.write(GCLK + 0x02, 2, (0x14 + n) | (0 << 8) | (1 << 14));
  }

  /**
   * SERCOM `n` as SPI master (mode 0, MSB first) on the given pads: the pad numbers table 7-1
   * gives each pin choose DOPO/DIPO as common-hal's busio.SPI does; returns a byte exchanger.
   */
  spiMaster(n: number, pins: { mosi: string; sck: string; miso?: string }, baud = 2): (byte: number) => number {
    const variant = this.board.spec.chip.variant;
    const where = (pin: string) => sercomPadLocation(pin, n, variant);
    const [mosi, sck] = [where(pins.mosi), where(pins.sck)];
    const miso = pins.miso ? where(pins.miso) : null;
    const dopo = [
      [0, 1],
      [2, 3],
      [3, 1],
      [0, 3],
    ].findIndex(([d, s]) => d === mosi.pad && s === sck.pad);
    if (dopo < 0) throw new Error(`SERCOM${n}: no DOPO puts MOSI on PAD${mosi.pad} and SCK on PAD${sck.pad}`);
    this.clockSercom(n);
    this.mux(pins.mosi, mosi.fn);
    this.mux(pins.sck, sck.fn);
    if (pins.miso && miso) this.mux(pins.miso, miso.fn);
    const base = peripheralSlot(`SERCOM${n}`).base;
    // DIPO: MISO's pad; a write-only bus leaves DIPO on a pad that is neither DO nor SCK.
    const dipo = miso ? miso.pad : [0, 1, 2, 3].find((p) => p !== mosi.pad && p !== sck.pad)!;
    const ctrla = (3 << 2) | (dopo << 16) | (dipo << 20);
    this.bus.write(base + SPI.CTRLA, 4, ctrla);
    this.bus.write(base + SPI.CTRLB, 4, 1 << 17); // RXEN
    this.bus.write(base + SPI.BAUD, 1, baud);
    this.bus.write(base + SPI.CTRLA, 4, ctrla | 2);
    this.waitFor(() => this.bus.read(base + SPI.SYNCBUSY, 4) === 0, 'SYNCBUSY after ENABLE');
    return (byte) => {
      this.waitFor(() => (this.bus.read(base + SPI.INTFLAG, 1) & INTFLAG_DRE) !== 0, 'DRE');
      this.bus.write(base + SPI.DATA, 4, byte);
      this.waitFor(() => (this.bus.read(base + SPI.INTFLAG, 1) & INTFLAG_RXC) !== 0, 'RXC');
      return this.bus.read(base + SPI.DATA, 4) & 0xff;
    };
  }

  /**
   * Programs one 64-byte flash page through NVMCTRL (22.6.4, 22.8): erase its 256-byte row (ER),
   * fill the page buffer with 32-bit writes to the page's addresses (MANW = 1: no automatic
   * write), then WP; waits for INTFLAG.READY after each command.
   */
  writeFlashPage(address: number, bytes: Uint8Array): void {
    const NVMCTRL = peripheralSlot('NVMCTRL').base;
    const ready = () => this.waitFor(() => (this.bus.read(NVMCTRL + 0x14, 1) & 1) !== 0, 'NVMCTRL READY');
    const command = (cmd: number) => {
      this.bus.write(NVMCTRL + 0x00, 2, 0xa500 | cmd);
      ready();
    };
    this.bus.write(NVMCTRL + 0x04, 4, this.bus.read(NVMCTRL + 0x04, 4) | 0x80); // CTRLB.MANW
    this.bus.write(NVMCTRL + 0x1c, 4, address >>> 1); // ADDR: 16-bit words
    command(0x02); // ER: erase row
    command(0x44); // PBC: clear the page buffer
    const dv = new DataView(bytes.buffer, bytes.byteOffset, 64);
    for (let i = 0; i < 64; i += 4) this.bus.write(address + i, 4, dv.getUint32(i, true));
    command(0x04); // WP: write page
  }

  /**
   * SERCOM `n` as a USART (internal clock, 8N1, LSB first, 16x arithmetic baud; 26.6.2, 26.8) on
   * the given pads: TXPO/RXPO from the pads table 7-1 gives the pins. The SERCOM core clock is
   * generator 0 (1 MHz after reset: OSC8M / 8).
   */
  usart(n: number, pins: { tx: string; rx: string }, baud: number): { send(byte: number): void; receive(): number } {
    const variant = this.board.spec.chip.variant;
    const tx = sercomPadLocation(pins.tx, n, variant);
    const rx = sercomPadLocation(pins.rx, n, variant);
    const txpo = [0, 2].indexOf(tx.pad);
    if (txpo < 0) throw new Error(`SERCOM${n}: TX must be on PAD0 or PAD2, not PAD${tx.pad}`);
    this.clockSercom(n);
    this.mux(pins.tx, tx.fn);
    this.mux(pins.rx, rx.fn);
    const base = peripheralSlot(`SERCOM${n}`).base;
    const ctrla = (1 << 2) | (txpo << 16) | (rx.pad << 20) | (1 << 30); // MODE = 1, DORD = LSB first
    this.bus.write(base + SPI.CTRLA, 4, ctrla);
    this.bus.write(base + SPI.CTRLB, 4, (1 << 16) | (1 << 17)); // TXEN, RXEN
    const fref = this.board.machine.scheduler.frequency; // generator 0 = the CPU clock
    this.bus.write(base + SPI.BAUD, 2, Math.round(65536 * (1 - (16 * baud) / fref)));
    this.bus.write(base + SPI.CTRLA, 4, ctrla | 2);
    this.waitFor(() => this.bus.read(base + SPI.SYNCBUSY, 4) === 0, 'SYNCBUSY after ENABLE');
    return {
      send: (byte) => {
        this.waitFor(() => (this.bus.read(base + SPI.INTFLAG, 1) & INTFLAG_DRE) !== 0, 'DRE');
        this.bus.write(base + SPI.DATA, 2, byte);
      },
      receive: () => {
        this.waitFor(() => (this.bus.read(base + SPI.INTFLAG, 1) & INTFLAG_RXC) !== 0, 'RXC');
        return this.bus.read(base + SPI.DATA, 2) & 0xff;
      },
    };
  }

  /** One SPI transaction with chip select `cs` low: bytes out, bytes in. */
  spiTransaction(xfer: (byte: number) => number, cs: string, out: number[]): number[] {
    this.output(cs, 0);
    const got = out.map(xfer);
    this.output(cs, 1);
    return got;
  }
}
