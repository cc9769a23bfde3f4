/**
 * A microSD card (SDHC) in SPI mode, in a card slot wired to an SPI bus: the Feather M0 Adalogger's
 * slot. The card's contents are a host image (bytes, normally a FAT volume; the card itself does
 * not care what they hold).
 *
 * Protocol (SD Physical Layer Simplified Specification v9, chapter 7 "SPI Mode"):
 *  - a command is 6 bytes, 01 + index, a 32-bit argument, CRC7 + end bit; the card answers after
 *    one byte time (NCR) with R1 (bit 0 in idle state, 2 illegal command, 3 command CRC error,
 *    5 address error, 6 parameter error); some commands append bytes (R3/R7: OCR or interface
 *    condition, R2: a status byte);
 *  - the card powers up in SD mode: only CMD0 with a valid CRC (0x95) is taken, and puts it in SPI
 *    mode, idle. CMD8's CRC is always checked; others only after CMD59 turns CRC checking on;
 *  - initialisation: CMD8 (2.7-3.6 V, echo pattern), then CMD55 + ACMD41 with HCS until R1 leaves
 *    idle (this card needs two ACMD41s; an SDHC card never leaves idle without HCS), CMD58 reads
 *    the OCR (bit 31 powered up, bit 30 CCS = block addressing);
 *  - in idle state only CMD0/1/8/41/55/58/59 are legal (7.3.1.3); others get "illegal command";
 *  - data out (CMD9 CSD, CMD10 CID, CMD17 one block, CMD18 blocks until CMD12): NAC byte, start
 *    token 0xFE, the data, CRC16 (CCITT). Addresses are block numbers (SDHC); a block past the end
 *    is a parameter error (R1 0x40), with no data;
 *  - data in (CMD24 one block, CMD25 blocks: tokens 0xFC, 0xFD stops): after R1, the host sends a
 *    start token, 512 bytes and a CRC16; the card answers a data response token (0x05 accepted)
 *    and holds MISO low while it programs the block (busy), then releases it (0xFF).
 * Without a card in the slot (`eject()`) MISO is not driven and reads 0xFF, as on the board.
 *
 * Bytes the card shifts out are queued in a fixed buffer (no allocation per byte).
 */
import type { Pin } from '../../emulator/kernel/signals.js';
import type { SpiDevice } from './buses.js';

export const SD_BLOCK = 512;
/** SDHC capacity unit: CSD v2 C_SIZE counts 512 KiB. */
export const SDHC_SIZE_UNIT = 512 * 1024;

/** R1 bits. */
export const R1 = { IDLE: 0x01, ILLEGAL_COMMAND: 0x04, CRC_ERROR: 0x08, ADDRESS_ERROR: 0x20, PARAMETER_ERROR: 0x40 } as const;
/** Data tokens. */
const TOKEN_START = 0xfe;
const TOKEN_MULTI_WRITE = 0xfc;
const TOKEN_STOP_TRAN = 0xfd;
const DATA_ACCEPTED = 0x05;
const DATA_CRC_ERROR = 0x0b;
/** Byte times the card stays busy after a block write (it programs the block). */
const BUSY_BYTES = 8;
/** OCR: 2.7-3.6 V window (bits 15-23), CCS (30), power-up done (31). */
const OCR_VOLTAGES = 0x00ff8000;
const OCR_CCS = 1 << 30;
const OCR_READY = 0x80000000;
/** Commands legal in idle state (7.3.1.3). */
const IDLE_COMMANDS = new Set([0, 1, 8, 41, 55, 58, 59]);

export interface SdCardOptions {
  /** The slot's chip-select input (active low). */
  cs: Pin;
  name?: string;
}

/** CRC7 (x^7 + x^3 + 1) over `bytes`, as the SD spec computes command and register CRCs. */
export function crc7(bytes: ArrayLike<number>, length = bytes.length): number {
  let crc = 0;
  for (let i = 0; i < length; i++) {
    let d = bytes[i];
    for (let b = 0; b < 8; b++) {
      crc <<= 1;
      if ((d & 0x80) ^ (crc & 0x80)) crc ^= 0x09;
      d <<= 1;
    }
  }
  return crc & 0x7f;
}

/** CRC16-CCITT (x^16 + x^12 + x^5 + 1, initial 0): the data block CRC. */
export function crc16(bytes: Uint8Array, from: number, length: number): number {
  let crc = 0;
  for (let i = from; i < from + length; i++) {
    crc ^= bytes[i] << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

type RxState = 'command' | 'write-token' | 'write-data';

export class SdCard implements SpiDevice {
  readonly name: string;
  readonly cs: Pin;
  /** The card's contents (null: the slot is empty). */
  data: Uint8Array | null = null;
  /** Set by a block write; the host clears it after saving the image. */
  dirty = false;
  /** Commands received, by index (ACMDs at 64 + index), for tests and diagnostics. */
  readonly commandCounts = new Map<number, number>();

  // Card state.
  private spiMode = false;
  private idle = true;
  private appCommand = false;
  private crcOn = false;
  private acmd41Calls = 0;
  // Receive side.
  private rx: RxState = 'command';
  private readonly cmd = new Uint8Array(6);
  private cmdLen = 0;
  private readonly block = new Uint8Array(SD_BLOCK + 2);
  private blockLen = 0;
  private writeBlock = 0;
  private multiWrite = false;
  // Read streaming (CMD18): next block to queue, -1 when not streaming.
  private streamBlock = -1;
  // Transmit queue.
  private readonly out = new Uint8Array(2048);
  private outHead = 0;
  private outTail = 0;

  constructor(opts: SdCardOptions) {
    this.name = opts.name ?? 'microSD card';
    this.cs = opts.cs;
  }

  // ---- host side ----------------------------------------------------------------------------

  /** Puts a card holding `image` in the slot (its size: a whole number of 512 KiB units). */
  insert(image: Uint8Array): void {
    if (image.length === 0 || image.length % SDHC_SIZE_UNIT !== 0) {
      throw new RangeError(`${this.name}: a card image must be a non-zero multiple of 512 KiB (SDHC capacity unit), not ${image.length} bytes`);
    }
    this.data = image;
    this.dirty = false;
    this.powerUp();
  }

  /** Empties the slot. */
  eject(): void {
    this.data = null;
    this.powerUp();
  }

  get blocks(): number {
    return this.data ? this.data.length / SD_BLOCK : 0;
  }

  /** CSD register, version 2.0 (SDHC/SDXC; 5.3.3). */
  csd(): Uint8Array {
    const cSize = this.blocks / 1024 - 1; // (C_SIZE + 1) * 512 KiB
    const r = Uint8Array.of(0x40, 0x0e, 0x00, 0x32, 0x5b, 0x59, 0x00, (cSize >> 16) & 0x3f, (cSize >> 8) & 0xff, cSize & 0xff, 0x7f, 0x80, 0x0a, 0x40, 0x00, 0);
    r[15] = (crc7(r, 15) << 1) | 1;
    return r;
  }

  /** CID register (5.2): manufacturer 0x00 "CE", product "CEMU1", revision 1.0, made 2026-12. */
  cid(): Uint8Array {
    const r = Uint8Array.of(0x00, 0x43, 0x45, 0x43, 0x45, 0x4d, 0x55, 0x31, 0x10, 0x12, 0x34, 0x56, 0x78, 0x01, 0xac, 0);
    r[15] = (crc7(r, 15) << 1) | 1;
    return r;
  }

  // ---- SPI side -----------------------------------------------------------------------------

  transfer(mosi: number): number {
    if (!this.data) return 0xff; // empty slot: nothing drives MISO
    const miso = this.outHead < this.outTail ? this.out[this.outHead++] : 0xff;
    if (this.outHead === this.outTail) {
      this.outHead = this.outTail = 0;
      if (this.streamBlock >= 0) this.queueStreamBlock();
    }
    this.receive(mosi);
    return miso;
  }

  deselect(): void {
    // A command cut short by CS high is dropped; queued output is not shifted any more.
    this.cmdLen = 0;
  }

  // ---- internals ----------------------------------------------------------------------------

  private powerUp(): void {
    this.spiMode = false;
    this.idle = true;
    this.appCommand = false;
    this.crcOn = false;
    this.acmd41Calls = 0;
    this.rx = 'command';
    this.cmdLen = 0;
    this.streamBlock = -1;
    this.outHead = this.outTail = 0;
  }

  private push(byte: number): void {
    this.out[this.outTail++] = byte & 0xff;
  }

  private r1(): number {
    return this.idle ? R1.IDLE : 0;
  }

  private receive(b: number): void {
    if (this.rx === 'write-token') return this.writeToken(b);
    if (this.rx === 'write-data') return this.writeData(b);
    if (this.cmdLen === 0 && (b & 0xc0) !== 0x40) return; // not a command start: filler
    this.cmd[this.cmdLen++] = b;
    if (this.cmdLen < 6) return;
    this.cmdLen = 0;
    this.command();
  }

  private command(): void {
    const c = this.cmd;
    const index = c[0] & 0x3f;
    const arg = ((c[1] << 24) | (c[2] << 16) | (c[3] << 8) | c[4]) >>> 0;
    const crcOk = (c[5] >> 1) === crc7(c, 5);
    const app = this.appCommand;
    this.appCommand = false;
    this.commandCounts.set(app ? 64 + index : index, (this.commandCounts.get(app ? 64 + index : index) ?? 0) + 1);
    if (!this.spiMode) {
      // SD mode: only a well-formed CMD0 is heard (and selects SPI mode, since CS is low).
      if (index !== 0 || !crcOk) return;
      this.spiMode = true;
    }
    // A new command ends a CMD18 stream only through CMD12; other output is dropped.
    if (index !== 12) this.outHead = this.outTail = 0;
    this.push(0xff); // NCR
    if ((this.crcOn || index === 8) && !crcOk) return this.push(this.r1() | R1.CRC_ERROR);
    if (this.idle && !IDLE_COMMANDS.has(index)) return this.push(R1.IDLE | R1.ILLEGAL_COMMAND);
    if (app) return this.appCommandWith(index, arg);
    switch (index) {
      case 0:
        this.powerUpState();
        return this.push(R1.IDLE);
      case 8: {
        const vhs = (arg >> 8) & 0xf;
        this.push(this.r1());
        // R7: command version 0, the accepted voltage (0 if none fits) and the check pattern.
        return this.pushAll(0x00, 0x00, vhs === 1 ? 1 : 0, arg & 0xff);
      }
      case 9:
        return this.sendRegister(this.csd());
      case 10:
        return this.sendRegister(this.cid());
      case 12:
        this.streamBlock = -1;
        this.outHead = this.outTail = 0;
        return this.pushAll(0xff, this.r1(), 0x00, 0xff); // stuff byte, R1b, then not busy
      case 13:
        return this.pushAll(this.r1(), 0x00);
      case 16:
        return this.push(arg === SD_BLOCK ? this.r1() : this.r1() | R1.PARAMETER_ERROR); // SDHC: fixed 512
      case 17:
      case 18:
        if (arg >= this.blocks) return this.push(this.r1() | R1.PARAMETER_ERROR);
        this.push(this.r1());
        this.queueBlock(arg);
        this.streamBlock = index === 18 ? arg + 1 : -1;
        return;
      case 24:
      case 25:
        if (arg >= this.blocks) return this.push(this.r1() | R1.PARAMETER_ERROR);
        this.push(this.r1());
        this.writeBlock = arg;
        this.multiWrite = index === 25;
        this.rx = 'write-token';
        return;
      case 55:
        this.appCommand = true;
        return this.push(this.r1());
      case 58: {
        const ocr = OCR_VOLTAGES | (this.idle ? 0 : OCR_READY | OCR_CCS);
        return this.pushAll(this.r1(), ocr >>> 24, (ocr >>> 16) & 0xff, (ocr >>> 8) & 0xff, ocr & 0xff);
      }
      case 59:
        this.crcOn = (arg & 1) === 1;
        return this.push(this.r1());
      default:
        return this.push(this.r1() | R1.ILLEGAL_COMMAND);
    }
  }

  private appCommandWith(index: number, arg: number): void {
    if (index === 41) {
      // SD_SEND_OP_COND: an SDHC card initialises only for a host that supports it (HCS).
      if (arg & (1 << 30) && ++this.acmd41Calls >= 2) this.idle = false;
      return this.push(this.r1());
    }
    if (index === 13) return this.pushAll(this.r1(), 0x00); // SD_STATUS R2 (the 64-byte block is not modelled)
    this.push(this.r1() | R1.ILLEGAL_COMMAND);
  }

  private powerUpState(): void {
    this.idle = true;
    this.acmd41Calls = 0;
    this.streamBlock = -1;
    this.rx = 'command';
  }

  private pushAll(...bytes: number[]): void {
    for (const b of bytes) this.push(b);
  }

  private sendRegister(reg: Uint8Array): void {
    this.push(this.r1());
    this.push(0xff); // NAC
    this.push(TOKEN_START);
    for (const b of reg) this.push(b);
    const crc = crc16(reg, 0, reg.length);
    this.pushAll(crc >> 8, crc & 0xff);
  }

  private queueBlock(block: number): void {
    const data = this.data!;
    const from = block * SD_BLOCK;
    this.push(0xff); // NAC
    this.push(TOKEN_START);
    this.out.set(data.subarray(from, from + SD_BLOCK), this.outTail);
    this.outTail += SD_BLOCK;
    const crc = crc16(data, from, SD_BLOCK);
    this.push(crc >> 8);
    this.push(crc & 0xff);
  }

  private queueStreamBlock(): void {
    if (this.streamBlock >= this.blocks) {
      this.streamBlock = -1; // past the end: the card stops sending (out of range)
      return;
    }
    this.queueBlock(this.streamBlock++);
  }

  private writeToken(b: number): void {
    if (b === TOKEN_START || (this.multiWrite && b === TOKEN_MULTI_WRITE)) {
      this.rx = 'write-data';
      this.blockLen = 0;
    } else if (this.multiWrite && b === TOKEN_STOP_TRAN) {
      this.rx = 'command';
      this.pushAll(0xff, 0x00, 0xff); // busy for a byte, then ready
    }
  }

  private writeData(b: number): void {
    this.block[this.blockLen++] = b;
    if (this.blockLen < SD_BLOCK + 2) return;
    const crcOk = !this.crcOn || crc16(this.block, 0, SD_BLOCK) === ((this.block[SD_BLOCK] << 8) | this.block[SD_BLOCK + 1]);
    if (!crcOk) {
      this.push(DATA_CRC_ERROR);
      this.rx = 'command';
      return;
    }
    this.data!.set(this.block.subarray(0, SD_BLOCK), this.writeBlock * SD_BLOCK);
    this.dirty = true;
    this.push(DATA_ACCEPTED);
    for (let i = 0; i < BUSY_BYTES; i++) this.push(0x00);
    this.writeBlock++;
    if (this.multiWrite && this.writeBlock < this.blocks) this.rx = 'write-token';
    else this.rx = 'command';
  }
}
