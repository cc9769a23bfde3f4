/**
 * ESP8266 SPI1 (HSPI) at 0x60000100, as a bus master, with the register names of Espressif's
 * spi_register.h (the copy MicroPython ships as ports/esp8266/hspi_register.h; SPI0 at
 * 0x60000200 is the flash controller, reached through the ROM's SPI* functions instead).
 *
 * A user transaction starts when SPI_CMD.SPI_USR (bit 18) is set: the enabled phases of SPI_USER
 * run in order (command from SPI_USER2, address from SPI_ADDR, dummy cycles, MOSI data from
 * SPI_W0..W15, MISO data into SPI_W0..W15; SPI_DOUTDIN makes MOSI and MISO one full-duplex
 * phase), with lengths from SPI_USER1/SPI_USER2. Bytes of a data word leave low byte first unless
 * SPI_WR_BYTE_ORDER (SPI_USER bit 11), received ones land the same way (SPI_RD_BYTE_ORDER, bit
 * 10); bits leave MSB first unless SPI_CTRL.SPI_WR_BIT_ORDER (26) / SPI_RD_BIT_ORDER (25).
 * SPI_USR reads 1 until the bits have had their time at the clock of SPI_CLOCK (80 MHz with
 * SPI_CLK_EQU_SYSCLK, else 80 MHz / ((CLKDIV_PRE + 1) * (CLKCNT_N + 1))).
 *
 * The device on the other side sees one byte at a time (`SpiDevice.transfer`; a phase whose
 * length is not a multiple of 8 sends its last bits MSB-aligned in a final byte). With no device
 * MISO reads 1s (the line idles high). The SPI interrupt (line 2) and slave mode are not
 * modelled: MicroPython and the SDK poll SPI_USR.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, type Register } from '../register-block.js';

export const SPI_USR = 1 << 18;
export const SPI_USR_COMMAND = 1 << 31;
export const SPI_USR_ADDR = 1 << 30;
export const SPI_USR_DUMMY = 1 << 29;
export const SPI_USR_MISO = 1 << 28;
export const SPI_USR_MOSI = 1 << 27;
export const SPI_WR_BYTE_ORDER = 1 << 11;
export const SPI_RD_BYTE_ORDER = 1 << 10;
export const SPI_DOUTDIN = 1 << 0;
export const SPI_WR_BIT_ORDER = 1 << 26;
export const SPI_RD_BIT_ORDER = 1 << 25;
export const SPI_CLK_EQU_SYSCLK = 1 << 31;
const APB_HZ = 80_000_000;

/** What sits on the bus: gets each byte sent on MOSI, returns the byte it drives on MISO. */
export interface SpiDevice {
  transfer(mosi: number): number;
}

export class Esp8266Spi extends RegisterBlock {
  /** The device wired to SCK/MOSI/MISO (and its chip select), or null. */
  device: SpiDevice | null = null;
  private readonly cmd: Register;
  private readonly user: Register;
  private readonly user1: Register;
  private readonly user2: Register;
  private readonly ctrl: Register;
  private readonly clock: Register;
  private readonly address: Register;
  private readonly w: Register[] = [];
  private readonly done: SimEvent;
  /** The W buffer as bytes, reused for each transaction. */
  private readonly buffer = new Uint8Array(64);

  constructor(
    name: string,
    private readonly scheduler: Scheduler,
  ) {
    super(name, 0x100);
    this.done = new SimEvent(`esp8266.${name}`, () => (this.cmd.value &= ~SPI_USR));
    this.cmd = this.reg({ name: 'SPI_CMD', offset: 0x00, size: 4, write: (v, old) => v & SPI_USR && !(old & SPI_USR) && this.start() });
    this.address = this.reg({ name: 'SPI_ADDR', offset: 0x04, size: 4 });
    this.ctrl = this.reg({ name: 'SPI_CTRL', offset: 0x08, size: 4 });
    this.reg({ name: 'SPI_CTRL1', offset: 0x0c, size: 4 });
    this.reg({ name: 'SPI_RD_STATUS', offset: 0x10, size: 4 });
    this.reg({ name: 'SPI_CTRL2', offset: 0x14, size: 4 });
    this.clock = this.reg({ name: 'SPI_CLOCK', offset: 0x18, size: 4 });
    this.user = this.reg({ name: 'SPI_USER', offset: 0x1c, size: 4 });
    this.user1 = this.reg({ name: 'SPI_USER1', offset: 0x20, size: 4 });
    this.user2 = this.reg({ name: 'SPI_USER2', offset: 0x24, size: 4 });
    this.reg({ name: 'SPI_WR_STATUS', offset: 0x28, size: 4 });
    this.reg({ name: 'SPI_PIN', offset: 0x2c, size: 4 });
    for (const [i, n] of ['SPI_SLAVE', 'SPI_SLAVE1', 'SPI_SLAVE2', 'SPI_SLAVE3'].entries()) this.reg({ name: n, offset: 0x30 + 4 * i, size: 4, unimplemented: true });
    for (let i = 0; i < 16; i++) this.w.push(this.reg({ name: `SPI_W${i}`, offset: 0x40 + 4 * i, size: 4 }));
    this.reg({ name: 'SPI_EXT3', offset: 0xfc, size: 4 });
  }

  reset(): void {
    this.resetRegisters();
    this.scheduler.cancel(this.done);
  }

  /** SPI clock in Hz, from SPI_CLOCK. */
  get hz(): number {
    const c = this.clock.value;
    if (c & SPI_CLK_EQU_SYSCLK) return APB_HZ;
    return APB_HZ / ((((c >>> 18) & 0x1fff) + 1) * (((c >>> 12) & 0x3f) + 1));
  }

  /** Runs the transaction at once; SPI_USR clears when its bits have been clocked. */
  private start(): void {
    const user = this.user.value;
    const u1 = this.user1.value;
    const u2 = this.user2.value;
    let bits = 0;
    if (user & SPI_USR_COMMAND) {
      const n = ((u2 >>> 28) & 0xf) + 1;
      this.sendValue(u2 & 0xffff, n);
      bits += n;
    }
    if (user & SPI_USR_ADDR) {
      const n = ((u1 >>> 26) & 0x3f) + 1;
      this.sendValue(this.address.value >>> 0, n);
      bits += n;
    }
    if (user & SPI_USR_DUMMY) bits += (u1 & 0xff) + 1;
    const mosiBits = user & SPI_USR_MOSI ? ((u1 >>> 17) & 0x1ff) + 1 : 0;
    const misoBits = user & SPI_USR_MISO ? ((u1 >>> 8) & 0x1ff) + 1 : 0;
    const duplex = (user & SPI_DOUTDIN) !== 0;
    this.loadBuffer(user);
    if (duplex) {
      this.exchange(Math.max(mosiBits, misoBits), true);
      bits += Math.max(mosiBits, misoBits);
    } else {
      if (mosiBits) this.exchange(mosiBits, false);
      if (misoBits) this.receive(misoBits);
      bits += mosiBits + misoBits;
    }
    if (duplex || misoBits) this.storeBuffer(user);
    this.scheduler.scheduleIn(this.done, Math.max(1, this.scheduler.cyclesIn(bits / this.hz)));
  }

  private byteOut(b: number): number {
    const wrLsb = (this.ctrl.value & SPI_WR_BIT_ORDER) !== 0;
    const rdLsb = (this.ctrl.value & SPI_RD_BIT_ORDER) !== 0;
    const r = this.device ? this.device.transfer(wrLsb ? reverse8(b) : b) & 0xff : 0xff;
    return rdLsb ? reverse8(r) : r;
  }

  /** A command or address phase: `n` bits of `value`, most significant first. */
  private sendValue(value: number, n: number): void {
    for (let left = n; left > 0; left -= 8) {
      const take = Math.min(8, left);
      const chunk = Math.floor((value >>> 0) / 2 ** (left - take)) % 2 ** take;
      this.byteOut(chunk << (8 - take));
    }
  }

  /** MOSI data from the buffer; in full duplex each received byte replaces the one sent. */
  private exchange(bits: number, duplex: boolean): void {
    const bytes = Math.ceil(bits / 8);
    for (let i = 0; i < bytes; i++) {
      const tail = i === bytes - 1 ? bits - 8 * i : 8;
      const mask = tail >= 8 ? 0xff : (0xff << (8 - tail)) & 0xff;
      const r = this.byteOut(this.buffer[i]! & mask);
      if (duplex) this.buffer[i] = r & mask;
    }
  }

  private receive(bits: number): void {
    const bytes = Math.ceil(bits / 8);
    for (let i = 0; i < bytes; i++) this.buffer[i] = this.byteOut(0xff);
  }

  /** SPI_W0..W15 to bytes in transmission order (SPI_WR_BYTE_ORDER: high byte of a word first). */
  private loadBuffer(user: number): void {
    const high = (user & SPI_WR_BYTE_ORDER) !== 0;
    for (let i = 0; i < 16; i++) {
      const v = this.w[i]!.value;
      for (let k = 0; k < 4; k++) this.buffer[4 * i + k] = (v >>> (high ? 24 - 8 * k : 8 * k)) & 0xff;
    }
  }

  private storeBuffer(user: number): void {
    const high = (user & SPI_RD_BYTE_ORDER) !== 0;
    for (let i = 0; i < 16; i++) {
      let v = 0;
      for (let k = 0; k < 4; k++) v |= this.buffer[4 * i + k]! << (high ? 24 - 8 * k : 8 * k);
      this.w[i]!.value = v >>> 0;
    }
  }
}

function reverse8(b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
}
