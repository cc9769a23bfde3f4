/**
 * busio.SPI on the SAMD21: ports/atmel-samd/common-hal/busio/SPI.c (CircuitPython 9.2.9) with ASF4's
 * spi_m_sync driver and samd-peripherals' sercom.c, against the chip's SERCOM registers (data sheet
 * DS40001882 section 27). Transfers are the driver's polled loop (DRE -> DATA, RXC -> DATA) for every
 * length; the port moves 16 bytes and more by DMA, which puts the same bytes on the bus back to back.
 */
import { sercomPadsOn } from '../../../peripherals/samd21/sercom-pads.js';
import { SERCOM_CTRLA, SERCOM_MODE, SERCOM_REG as R, SERCOM_SPI_CTRLA as A, SERCOM_SPI_CTRLB as B, SERCOM_SPI_INT as INT, SERCOM_SYNCBUSY } from '../../../peripherals/samd21/sercom-registers.js';
import { GCLK_ID } from '../../../peripherals/samd21/memory-map.js';
import { HalError, type Samd21Hal } from './hal.js';

const SERCOM_BASE = 0x42000800;
/** PROTOTYPE_SERCOM_SPI_M_SYNC_CLOCK_FREQUENCY: the SERCOM core clock, GCLK generator 0. */
const SERCOM_HZ = 48e6;
/** GCLK generator CircuitPython gives every SERCOM's slow clock (samd_peripherals_sercom_clock_init). */
const SLOW_GENERATOR = 3;
/** SERCOMx_GCLK_ID_SLOW: one channel shared by all SERCOMs on the SAMD21. */
const SERCOM_SLOW_CHANNEL = 19;

/** samd_peripherals_get_spi_dopo: DOPO for (SCK pad, DO pad), or 255 when no DOPO routes them. */
export function spiDopo(clockPad: number, mosiPad: number): number {
  if (clockPad === 1) return mosiPad === 0 ? 0 : mosiPad === 3 ? 2 : 255;
  if (clockPad === 3) return mosiPad === 0 ? 3 : mosiPad === 2 ? 1 : 255;
  return 255;
}

/** samd_peripherals_spi_baudrate_to_baud_reg_value (the 9.2.9 submodule: float, minus 0.5, truncated). */
export function spiBaudRegister(baudrate: number): number {
  const v = Math.trunc(Math.fround(Math.fround(SERCOM_HZ) / (2 * baudrate)) - 0.5);
  return v > 255 ? 255 : Math.max(0, v);
}

export interface SpiPins {
  clock: string;
  mosi: string | null;
  miso: string | null;
}

interface SpiBusState {
  sercom: number;
  pins: string[];
}

/**
 * The SERCOM choice of common_hal_busio_spi_construct: for each SERCOM the clock pin carries (function
 * C first) that is not enabled and has SCK on PAD1 or PAD3, the MOSI pad must give a DOPO and the MISO pin
 * must carry the same SERCOM. Returns the SERCOM, its pads and the pin functions, or null.
 */
export function chooseSpiSercom(hal: Samd21Hal, pins: SpiPins): { n: number; dopo: number; dipo: number; fns: [string, string | null, string | null] } | null {
  const variant = hal.mcu.variant;
  for (const [n, clockPad, clockFn] of sercomPadsOn(pins.clock, variant)) {
    if (hal.r32(SERCOM_BASE + 0x400 * n + R.CTRLA) & SERCOM_CTRLA.ENABLE) continue;
    if (clockPad !== 1 && clockPad !== 3) continue;
    let dopo = 0;
    let mosiFn: string | null = null;
    if (pins.mosi) {
      const m = sercomPadsOn(pins.mosi, variant).find(([k]) => k === n);
      if (!m) continue;
      dopo = spiDopo(clockPad, m[1]);
      if (dopo > 3) continue;
      mosiFn = m[2];
    }
    let dipo = 0;
    let misoFn: string | null = null;
    if (pins.miso) {
      const m = sercomPadsOn(pins.miso, variant).find(([k]) => k === n);
      if (!m) continue;
      dipo = m[1];
      misoFn = m[2];
    }
    return { n, dopo, dipo, fns: [clockFn, mosiFn, misoFn] };
  }
  return null;
}

export class Samd21Spi {
  private readonly buses = new Map<number, SpiBusState>();
  private nextId = 1;

  constructor(private readonly hal: Samd21Hal) {}

  private base(id: number): number {
    const bus = this.buses.get(id);
    if (!bus) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return SERCOM_BASE + 0x400 * bus.sercom;
  }

  private sync(base: number): void {
    const h = this.hal;
    h.waitFor(() => (h.r32(base + R.SYNCBUSY) & (SERCOM_SYNCBUSY.SWRST | SERCOM_SYNCBUSY.ENABLE | SERCOM_SYNCBUSY.CTRLB)) === 0, 'SERCOM SPI SYNCBUSY');
  }

  construct(pins: SpiPins, names: [string, string | null, string | null]): number {
    const h = this.hal;
    h.assertFree(pins.clock, names[0]);
    if (pins.mosi) h.assertFree(pins.mosi, names[1]!);
    if (pins.miso) h.assertFree(pins.miso, names[2]!);
    if (!pins.mosi && !pins.miso) throw new HalError('ValueError', 'Must provide MISO or MOSI pin');
    const found = chooseSpiSercom(h, pins);
    if (!found) throw new HalError('ValueError', 'Invalid pins');
    const n = found.n;
    const base = SERCOM_BASE + 0x400 * n;
    // samd_peripherals_sercom_clock_init: APBC bus clock, core clock from generator 0, slow clock from 3.
    h.apbc(2 + n);
    h.clockChannel(GCLK_ID.SERCOM0_CORE + n);
    h.w16(0x40000c00 + 0x02, SERCOM_SLOW_CHANNEL | (SLOW_GENERATOR << 8) | (1 << 14));
    // spi_m_sync_init: software reset, then the prototype SERCOM's configuration (master, RXEN).
    h.w32(base + R.CTRLA, SERCOM_CTRLA.SWRST);
    this.sync(base);
    h.w32(base + R.CTRLA, SERCOM_MODE.SPI_MASTER << SERCOM_CTRLA.MODE_Pos);
    h.w32(base + R.CTRLB, B.RXEN);
    this.sync(base);
    // MODE, DOPO, DIPO as the port sets them, and 250 kHz (what SD cards need before SPI mode).
    const ctrla = (h.r32(base + R.CTRLA) & ~(A.DOPO_Msk | A.DIPO_Msk)) | (found.dopo << A.DOPO_Pos) | (found.dipo << A.DIPO_Pos);
    h.w32(base + R.CTRLA, ctrla);
    h.w8(base + R.BAUD, spiBaudRegister(250000));
    const list: [string, string][] = [[pins.clock, names[0]]];
    if (pins.mosi) list.push([pins.mosi, names[1]!]);
    for (const [pad, name] of list) this.setupPin(pad, name, found.fns[pad === pins.clock ? 0 : 1]!, true);
    if (pins.miso) this.setupPin(pins.miso, names[2]!, found.fns[2]!, false);
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) | SERCOM_CTRLA.ENABLE);
    this.sync(base);
    const id = this.nextId++;
    this.buses.set(id, { sercom: n, pins: [pins.clock, pins.mosi, pins.miso].filter((p): p is string => p !== null) });
    return id;
  }

  /** setup_pin: direction, no pull, the SERCOM function, strong drive for outputs, claimed. */
  private setupPin(pad: string, name: string, fn: string, output: boolean): void {
    const h = this.hal;
    h.claim(pad, name);
    h.resetPin(pad);
    const g = 0x41004400 + (pad[1] === 'B' ? 0x80 : 0);
    const bit = Number(pad.slice(2));
    if (output) h.w32(g + 0x08, 1 << bit); // DIRSET
    h.pmux(pad, fn);
    if (output) h.w8(g + 0x40 + bit, h.r8(g + 0x40 + bit) | (1 << 6)); // PINCFG.DRVSTR
  }

  /** common_hal_busio_spi_configure: disable, CPHA/CPOL/CHSIZE/BAUD, enable (skipped when unchanged). */
  configure(id: number, baudrate: number, polarity: number, phase: number, bits: number): void {
    const h = this.hal;
    const base = this.base(id);
    const baud = spiBaudRegister(baudrate);
    const ctrla = h.r32(base + R.CTRLA);
    const same =
      ((ctrla & A.CPHA) !== 0) === (phase === 1) &&
      ((ctrla & A.CPOL) !== 0) === (polarity === 1) &&
      (h.r32(base + R.CTRLB) & B.CHSIZE_Msk) === bits - 8 &&
      h.r8(base + R.BAUD) === baud;
    if (same) return;
    h.w32(base + R.CTRLA, ctrla & ~SERCOM_CTRLA.ENABLE);
    this.sync(base);
    h.w32(base + R.CTRLA, (ctrla & ~(SERCOM_CTRLA.ENABLE | A.CPHA | A.CPOL)) | (phase ? A.CPHA : 0) | (polarity ? A.CPOL : 0));
    h.w32(base + R.CTRLB, (h.r32(base + R.CTRLB) & ~B.CHSIZE_Msk) | (bits - 8));
    h.w8(base + R.BAUD, baud);
    this.sync(base);
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) | SERCOM_CTRLA.ENABLE);
    this.sync(base);
  }

  /** common_hal_busio_spi_get_frequency: the clock the BAUD register gives. */
  frequency(id: number): number {
    return Math.floor(SERCOM_HZ / (2 * (this.hal.r8(this.base(id) + R.BAUD) + 1)));
  }

  /**
   * _spi_m_sync_trans: each character written when DRE is set and its answer read when RXC is set, then
   * TXC awaited. `out` null sends `fill` (readinto's write_value). Returns the bytes received.
   */
  transfer(id: number, out: ArrayLike<number> | null, length: number, fill = 0): number[] {
    const h = this.hal;
    const base = this.base(id);
    const received: number[] = [];
    for (let i = 0; i < length; i++) {
      h.waitFor(() => (h.r8(base + R.INTFLAG) & INT.DRE) !== 0, 'SERCOM SPI INTFLAG.DRE');
      h.w32(base + R.DATA, out ? out[i]! : fill);
      h.waitFor(() => (h.r8(base + R.INTFLAG) & INT.RXC) !== 0, 'SERCOM SPI INTFLAG.RXC');
      received.push(h.r32(base + R.DATA) & 0xff);
    }
    h.waitFor(() => (h.r8(base + R.INTFLAG) & INT.TXC) !== 0, 'SERCOM SPI INTFLAG.TXC');
    h.w8(base + R.INTFLAG, INT.TXC);
    return received;
  }

  deinit(id: number): void {
    const bus = this.buses.get(id);
    if (!bus) return;
    const h = this.hal;
    const base = SERCOM_BASE + 0x400 * bus.sercom;
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) & ~SERCOM_CTRLA.ENABLE); // spi_m_sync_disable
    this.sync(base);
    h.w32(base + R.CTRLA, SERCOM_CTRLA.SWRST); // spi_m_sync_deinit
    this.sync(base);
    for (const pad of bus.pins) h.release(pad);
    this.buses.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.buses.keys()]) this.deinit(id);
  }
}
