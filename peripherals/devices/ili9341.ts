/**
 * An ILI9341 TFT controller with its 240 x 320 panel, on the 4-wire serial interface (SPI with a
 * D/CX line: low = command byte, high = parameter or pixel data; CSX selects; RESX resets), as
 * Adafruit's 2.4"/2.8"/3.2" TFT breakouts and FeatherWings wire it. Source of truth: the ILI9341
 * data sheet (Ilitek, V1.11), chapter 8 (command list) and 9.3 (memory to display mapping).
 *
 * Modelled:
 *  - SWRESET (01h) and a low RESX: the SW/HW reset defaults: sleep in, display off, MADCTL 0,
 *    COLMOD 66h (18 bits per pixel), column window 0..239, page window 0..319, inversion off.
 *    Frame memory keeps its contents (8.2.2); at power-on it holds black here (on glass: random).
 *  - SLPIN/SLPOUT (10h/11h), DISPOFF/DISPON (28h/29h), INVOFF/INVON (20h/21h), NORON (13h).
 *  - CASET (2Ah) and PASET (2Bh): start and end, two bytes each, most significant first.
 *  - RAMWR (2Ch): the pointer goes to (start column, start page), each pixel advances the column,
 *    past the end column it returns to the start and the page advances, past the end page it
 *    returns to the start page (8.2.22). RAMWRC (3Ch) goes on from where the last write stopped.
 *  - COLMOD (3Ah) DBI bits 2:0: 101b = 16 bits per pixel (RGB 5-6-5, two bytes), 110b = 18 bits
 *    (three bytes, 6 bits each in bits 7:2). Other values are stored and pixels are not written.
 *  - MADCTL (36h): MY (bit 7) mirrors pages, MX (bit 6) mirrors columns, MV (bit 5) exchanges
 *    them, so with MV a write's "columns" run down the panel's rows (9.3); BGR (bit 3): the panel
 *    has a BGR colour filter (Adafruit's have), so with BGR set a written red shows red, and with
 *    it clear red and blue swap on the glass. ML/MH (refresh order) change nothing visible.
 *  - Every other command's parameters are taken and ignored (gamma, power, frame rate...); reads
 *    (RDDID, RDDST, RAMRD...) are not modelled: MISO stays undriven (0xFF).
 */
import type { Pin } from '../../emulator/kernel/signals.js';
import type { SpiDevice } from './buses.js';

export const ILI9341_WIDTH = 240;
export const ILI9341_HEIGHT = 320;

/** Command codes (data sheet 8.1). */
export const ILI9341 = {
  NOP: 0x00, SWRESET: 0x01, SLPIN: 0x10, SLPOUT: 0x11, NORON: 0x13, INVOFF: 0x20, INVON: 0x21,
  DISPOFF: 0x28, DISPON: 0x29, CASET: 0x2a, PASET: 0x2b, RAMWR: 0x2c, MADCTL: 0x36, COLMOD: 0x3a,
  RAMWRC: 0x3c,
} as const;
export const MADCTL = { MY: 0x80, MX: 0x40, MV: 0x20, ML: 0x10, BGR: 0x08, MH: 0x04 } as const;
const COLMOD_16BIT = 0x5;
const COLMOD_18BIT = 0x6;
const COLMOD_RESET = 0x66;

export interface Ili9341Options {
  /** CSX (active low). */
  cs: Pin;
  /** D/CX: low = command, high = data. */
  dc: Pin;
  /** RESX (active low), if wired; the breakouts pull it up. */
  reset?: Pin;
  name?: string;
}

export class Ili9341 implements SpiDevice {
  readonly name: string;
  readonly cs: Pin;
  private readonly dc: Pin;
  /** Frame memory as RGB 6-6-6 words (r << 12 | g << 6 | b), by physical row then column. */
  readonly memory = new Uint32Array(ILI9341_WIDTH * ILI9341_HEIGHT);
  sleeping = true;
  displayOn = false;
  inverted = false;
  madctl = 0;
  colmod = COLMOD_RESET;
  /** Column and page windows (start, end) as the last CASET/PASET set them. */
  readonly columns = { start: 0, end: ILI9341_WIDTH - 1 };
  readonly pages = { start: 0, end: ILI9341_HEIGHT - 1 };
  /** Pixels written since power-on (for tests and diagnostics). */
  pixelsWritten = 0;
  /** The command whose parameters or data are arriving, and how many bytes of them so far. */
  private command = -1;
  private params = new Uint8Array(4);
  private paramCount = 0;
  /** The memory write pointer (in the addressed, MADCTL-interpreted coordinates). */
  private col = 0;
  private page = 0;
  /** Bytes of the pixel being assembled. */
  private pixel = new Uint8Array(3);
  private pixelBytes = 0;

  constructor(options: Ili9341Options) {
    this.name = options.name ?? 'ILI9341';
    this.cs = options.cs;
    this.dc = options.dc;
    options.reset?.net.onEdge((_net, level) => {
      if (level === 0) this.softwareReset();
    });
  }

  transfer(mosi: number): number {
    if (this.dc.level === 0) this.startCommand(mosi);
    else this.data(mosi);
    return 0xff;
  }

  /** CSX high ends a transfer; a pixel cut short is dropped (8.2.22: the next write starts afresh). */
  deselect(): void {
    this.pixelBytes = 0;
  }

  /** The colour at physical column `x`, row `y` as the glass shows it: 0xRRGGBB. */
  pixelAt(x: number, y: number): number {
    return this.show(this.memory[y * ILI9341_WIDTH + x]!);
  }

  /** The colour at (x, y) in the coordinates firmware addresses now (MADCTL applied): 0xRRGGBB. */
  addressedPixel(x: number, y: number): number {
    const i = this.index(x, y);
    return i < 0 ? 0 : this.show(this.memory[i]!);
  }

  /** Width and height in the coordinates firmware addresses now (MV exchanges them). */
  get addressedSize(): { width: number; height: number } {
    return this.madctl & MADCTL.MV ? { width: ILI9341_HEIGHT, height: ILI9341_WIDTH } : { width: ILI9341_WIDTH, height: ILI9341_HEIGHT };
  }

  private softwareReset(): void {
    this.sleeping = true;
    this.displayOn = false;
    this.inverted = false;
    this.madctl = 0;
    this.colmod = COLMOD_RESET;
    this.columns.start = 0;
    this.columns.end = ILI9341_WIDTH - 1;
    this.pages.start = 0;
    this.pages.end = ILI9341_HEIGHT - 1;
    this.command = -1;
    this.pixelBytes = 0;
  }

  private startCommand(code: number): void {
    this.command = code;
    this.paramCount = 0;
    this.pixelBytes = 0;
    switch (code) {
      case ILI9341.SWRESET: return this.softwareReset();
      case ILI9341.SLPIN: this.sleeping = true; return;
      case ILI9341.SLPOUT: this.sleeping = false; return;
      case ILI9341.DISPOFF: this.displayOn = false; return;
      case ILI9341.DISPON: this.displayOn = true; return;
      case ILI9341.INVOFF: this.inverted = false; return;
      case ILI9341.INVON: this.inverted = true; return;
      case ILI9341.RAMWR:
        this.col = this.columns.start;
        this.page = this.pages.start;
        return;
    }
  }

  private data(byte: number): void {
    const c = this.command;
    if (c === ILI9341.RAMWR || c === ILI9341.RAMWRC) return this.pixelData(byte);
    if (this.paramCount < this.params.length) this.params[this.paramCount] = byte;
    this.paramCount++;
    const p = this.params;
    if (c === ILI9341.MADCTL && this.paramCount === 1) this.madctl = byte;
    else if (c === ILI9341.COLMOD && this.paramCount === 1) this.colmod = byte;
    else if ((c === ILI9341.CASET || c === ILI9341.PASET) && this.paramCount === 4) {
      const window = c === ILI9341.CASET ? this.columns : this.pages;
      window.start = (p[0]! << 8) | p[1]!;
      window.end = (p[2]! << 8) | p[3]!;
    }
  }

  /** One byte of pixel data: a whole pixel (2 or 3 bytes by COLMOD) is written and the pointer moves. */
  private pixelData(byte: number): void {
    const mode = this.colmod & 0x7;
    const size = mode === COLMOD_16BIT ? 2 : mode === COLMOD_18BIT ? 3 : 0;
    if (size === 0) return;
    this.pixel[this.pixelBytes++] = byte;
    if (this.pixelBytes < size) return;
    this.pixelBytes = 0;
    const b = this.pixel;
    // 16 bits: R5 G6 B5, most significant byte first; red and blue widen to 6 bits (8.2.33, 7.6.1.3).
    const rgb666 =
      size === 2
        ? ((((b[0]! >> 3) << 1) | (b[0]! >> 7)) << 12) | ((((b[0]! & 7) << 3) | (b[1]! >> 5)) << 6) | (((b[1]! & 0x1f) << 1) | ((b[1]! >> 4) & 1))
        : ((b[0]! >> 2) << 12) | ((b[1]! >> 2) << 6) | (b[2]! >> 2);
    const i = this.index(this.col, this.page);
    if (i >= 0) this.memory[i] = rgb666;
    this.pixelsWritten++;
    this.advance();
  }

  private advance(): void {
    if (this.col < this.columns.end) {
      this.col++;
      return;
    }
    this.col = this.columns.start;
    this.page = this.page < this.pages.end ? this.page + 1 : this.pages.start;
  }

  /** Frame memory index of addressed (column, page) under MADCTL (9.3), or -1 outside the panel. */
  private index(col: number, page: number): number {
    let x = col;
    let y = page;
    if (this.madctl & MADCTL.MV) [x, y] = [page, col];
    if (x >= ILI9341_WIDTH || y >= ILI9341_HEIGHT) return -1;
    if (this.madctl & MADCTL.MX) x = ILI9341_WIDTH - 1 - x;
    if (this.madctl & MADCTL.MY) y = ILI9341_HEIGHT - 1 - y;
    return y * ILI9341_WIDTH + x;
  }

  /** An RGB 6-6-6 word as the BGR-filter glass shows it, 8 bits a channel (inversion applied). */
  private show(word: number): number {
    let r = (word >> 12) & 0x3f;
    const g = (word >> 6) & 0x3f;
    let b = word & 0x3f;
    if (!(this.madctl & MADCTL.BGR)) [r, b] = [b, r];
    const wide = (v: number) => (this.inverted ? 0x3f - v : v) * 4 + (((this.inverted ? 0x3f - v : v) >> 4) & 3);
    return (wide(r) << 16) | (wide(g) << 8) | wide(b);
  }
}
