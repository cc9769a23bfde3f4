/**
 * SERCOM0-5, the serial communication interfaces (data sheet DS40001882 section 25 "SERCOM",
 * 26 "SERCOM USART", 27 "SERCOM SPI", 28 "SERCOM I2C").
 *
 * One register block per instance; the meaning of most registers depends on CTRLA.MODE, so the
 * block owns the registers shared by every mode (their offsets are the same in all modes) and
 * hands mode-specific behaviour to an engine:
 *   MODE 0/1  USART (external / internal clock)  -> sercom-usart.ts (internal clock only)
 *   MODE 3    SPI master                          -> sercom-spi.ts
 *   MODE 5    I2C master                          -> sercom-i2c.ts
 *   MODE 2/4  SPI slave / I2C slave: not modelled (registers accept writes, nothing moves).
 *
 * Shared behaviour implemented here:
 *  - CTRLA.SWRST: SYNCBUSY.SWRST and CTRLA.SWRST read 1 until the reset has crossed into the
 *    GCLK_SERCOMx_CORE domain, then every register returns to its reset value (25.6.2.x, 26.6.6).
 *  - CTRLA.ENABLE: SYNCBUSY.ENABLE reads 1 until the enable takes effect; CTRLA.ENABLE itself
 *    reads back the written value at once (26.8.1: "Due to synchronization there is delay from
 *    writing CTRLA.ENABLE until the peripheral is enabled/disabled").
 *  - Enable-protected registers/bits (CTRLA except SWRST/ENABLE, CTRLB except RXEN/TXEN in
 *    SPI/USART and CMD/ACKACT in I2C, BAUD) ignore writes while CTRLA.ENABLE = 1.
 *  - INTENCLR/INTENSET/INTFLAG drive NVIC line 9+n; flags that mirror buffer state (DRE, RXC in
 *    SPI/USART) are read-only and ignore writes of 1.
 *  - DMA triggers: RX = 0x01+2n raised when the RX condition appears (RXC; SB in I2C master), TX =
 *    0x02+2n when the TX condition appears (DRE; MB in I2C master); both are also reported as
 *    levels through `registerDmaSource` so a beat-triggered channel keeps going while they hold.
 *
 * The board attaches what the pins are wired to with `attachSpi(bus, { miso, mosi, sck })`,
 * `attachI2c(bus, { sda, scl })`, `attachUart(link, { tx, rx })`; the controller exchanges whole
 * bytes with them at the timing BAUD implies.
 *
 * Pin routing. A signal reaches the part only as it would on the chip:
 *  - attach time: each pin must carry this SERCOM on function C or D (table 7-1, see
 *    sercom-pads.ts), else the attach throws (the board is wired wrong);
 *  - transfer time: the pin's PINCFG.PMUXEN = 1 and PMUX = that letter (23.6.3.2), and the pad it
 *    carries is the one the mode's pad options give the signal:
 *      SPI   (27.8.1 CTRLA)  DOPO 0: DO PAD0, SCK PAD1; 1: DO PAD2, SCK PAD3; 2: DO PAD3, SCK PAD1;
 *                            3: DO PAD0, SCK PAD3.  DIPO n: DI on PADn.
 *      USART (26.8.1 CTRLA)  TXPO 0: TxD PAD0, XCK PAD1; 1: TxD PAD2, XCK PAD3; 2: TxD PAD0 (RTS
 *                            PAD2, CTS PAD3, no XCK); 3: reserved (TxD nowhere).  RXPO n: RxD on
 *                            PADn.  XCK matters only in synchronous mode (CTRLA.CMODE = 1):
 *                            then nothing moves unless an `xck` pin is wired and routed.
 *      I2C   (28.5.1)        SDA on PAD0, SCL on PAD1, fixed.
 * What an unrouted signal does is described at the engines (sercom-spi/-usart/-i2c.ts). The
 * routing is cached: recomputed after a PMUX/PINCFG change on a wired pin (PadHandle.onSelect)
 * or a CTRLA write, so a character costs one flag test.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy, writeCtrlaSwrstEnable } from './sync-busy.js';
import { padIndex, type PadHandle, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, GCLK_ID, IRQ } from './memory-map.js';
import type { I2cBus, SpiBus, UartLink } from '../devices/buses.js';
import { SPI_ROUTE, UART_ROUTE, sercomPadLocation } from './sercom-pads.js';
import { SercomSpiMaster } from './sercom-spi.js';
import { SercomUsart } from './sercom-usart.js';
import { SercomI2cMaster } from './sercom-i2c.js';
import {
  SERCOM_CTRLA,
  SERCOM_DBGCTRL,
  SERCOM_I2CM_CTRLB,
  SERCOM_MODE,
  SERCOM_REG,
  SERCOM_SPI_CTRLA,
  SERCOM_SYNCBUSY,
  SERCOM_USART_CTRLA,
  SERCOM_USART_CTRLB,
  SERCOM_USART_INT,
} from './sercom-registers.js';

/** Bits that exist in INTFLAG/INTENSET/INTENCLR in some mode. */
const INT_MASK = SERCOM_USART_INT.DRE | SERCOM_USART_INT.TXC | SERCOM_USART_INT.RXC | SERCOM_USART_INT.RXS | SERCOM_USART_INT.CTSIC | SERCOM_USART_INT.RXBRK | SERCOM_USART_INT.ERROR;

/** Pins an SPI bus is wired to (pin names such as 'PA16'). `miso` may be absent (write-only parts). */
export interface SpiPins {
  mosi: string;
  sck: string;
  miso?: string;
}

/** Pins an I2C bus is wired to. */
export interface I2cPins {
  sda: string;
  scl: string;
}

/** Pins a UART line is wired to; at least one of tx/rx. `xck` only for synchronous links. */
export interface UartPins {
  tx?: string;
  rx?: string;
  xck?: string;
}

export { SPI_ROUTE, UART_ROUTE };

/** SPI CTRLA.DOPO → pad of DO and of SCK (27.8.1). */
const DOPO_DO = [0, 2, 3, 0];
const DOPO_SCK = [1, 3, 1, 3];
/** USART CTRLA.TXPO → pad of TxD and of XCK (26.8.1); -1 = none. */
const TXPO_TX = [0, 2, 0, -1];
const TXPO_XCK = [1, 3, -1, -1];
/** I2C: SDA on PAD0, SCL on PAD1 (28.5.1). */
const I2C_SDA_PAD = 0;
const I2C_SCL_PAD = 1;
/** CTRLB bits that stay writable while enabled: RXEN/TXEN (SPI/USART), CMD/ACKACT (I2C master). */
const CTRLB_OPEN_BUFFERED = SERCOM_USART_CTRLB.RXEN | SERCOM_USART_CTRLB.TXEN;
const CTRLB_OPEN_I2CM = SERCOM_I2CM_CTRLB.CMD_Msk | SERCOM_I2CM_CTRLB.ACKACT;

/** A board wire on one pin: the SERCOM pad the pin carries and the PORT handle for its function. */
interface PadWire {
  readonly pin: string;
  readonly pad: number;
  readonly handle: PadHandle;
}

/** A wire is live when PORT selects this SERCOM's function on the pin and it carries `pad`. */
function live(w: PadWire | null, pad: number): boolean {
  return w !== null && w.pad === pad && w.handle.selected;
}

/** What a mode engine implements. All calls happen inside bus accesses or scheduler events. */
export interface SercomEngine {
  /** INTFLAG bits that mirror state and cannot be cleared by writing 1. */
  readonly readOnlyFlags: number;
  /** INTFLAG bit whose rising raises the RX / TX DMA trigger. */
  readonly dmaRxFlag: number;
  readonly dmaTxFlag: number;
  /** The enable (or disable) has completed synchronisation. */
  setEnabled(on: boolean): void;
  /** SWRST or system reset: drop all state and pending events. */
  reset(): void;
  readData(): number;
  writeData(value: number): void;
  /** CTRLB was written (after the enable-protection merge); `old` is the previous value. */
  ctrlbWritten(value: number, old: number): void;
  /** Bits of STATUS written (after w1c processing by the caller). */
  statusWritten(value: number, mask: number): void;
  addrWritten(value: number): void;
  /** INTFLAG bits the firmware cleared by writing 1. */
  flagsCleared(bits: number): void;
  /** RX / TX DMA request levels. */
  rxRequest(): boolean;
  txRequest(): boolean;
}

/** An engine for modes we do not model: registers hold values, nothing moves. */
class IdleEngine implements SercomEngine {
  readonly readOnlyFlags = 0;
  readonly dmaRxFlag = 0;
  readonly dmaTxFlag = 0;
  setEnabled(): void {}
  reset(): void {}
  readData(): number {
    return 0;
  }
  writeData(): void {}
  ctrlbWritten(): void {}
  statusWritten(): void {}
  addrWritten(): void {}
  flagsCleared(): void {}
  rxRequest(): boolean {
    return false;
  }
  txRequest(): boolean {
    return false;
  }
}

export class Sercom extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CTRLB: Register;
  /** BAUD (16-bit in USART, 8-bit in SPI, 32-bit BAUD/BAUDLOW/HSBAUD/HSBAUDLOW in I2C) and, in
   *  USART mode, RXPL at 0x0E: one 32-bit slot, decoded per mode. */
  readonly BAUD: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly SYNCBUSY: Register;
  readonly ADDR: Register;
  readonly DATA: Register;
  readonly DBGCTRL: Register;
  readonly sync: SyncBusy;

  readonly spi: SercomSpiMaster;
  readonly usart: SercomUsart;
  readonly i2c: SercomI2cMaster;
  private readonly idle = new IdleEngine();
  /** The engine selected by CTRLA.MODE. */
  engine: SercomEngine = this.idle;
  /** True once an enable has completed synchronisation (CTRLA.ENABLE may already read 1). */
  enabled = false;

  spiBus: SpiBus | null = null;
  i2cBus: I2cBus | null = null;
  uartLink: UartLink | null = null;

  private spiWires: { mosi: PadWire; sck: PadWire; miso: PadWire | null } | null = null;
  private i2cWires: { sda: PadWire; scl: PadWire } | null = null;
  private uartWires: { tx: PadWire | null; rx: PadWire | null; xck: PadWire | null } | null = null;
  /** Cached routing (see the module comment); `routingStale` forces a recompute on next use. */
  private routingStale = true;
  private spiRoute = 0;
  private i2cRoute = false;
  private uartRoute = 0;

  readonly dmaRxSource: number;
  readonly dmaTxSource: number;
  readonly irqLine: number;
  readonly gclkId: number;
  /** Transfers timed with a fallback clock because GCLK_SERCOMx_CORE was off (diagnostics). */
  stalledClock = 0;

  constructor(
    readonly chip: Samd21Chip,
    readonly index: number,
  ) {
    super(`SERCOM${index}`, 0x400);
    this.irqLine = IRQ.SERCOM0 + index;
    this.gclkId = GCLK_ID.SERCOM0_CORE + index;
    this.dmaRxSource = DMA_TRIGGER.sercomRx(index);
    this.dmaTxSource = DMA_TRIGGER.sercomTx(index);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(this.gclkId), (bits) => this.syncDone(bits));

    this.CTRLA = this.reg({ name: 'CTRLA', offset: SERCOM_REG.CTRLA, size: 4, write: (v, old) => this.ctrlaWritten(v, old) });
    this.CTRLB = this.reg({ name: 'CTRLB', offset: SERCOM_REG.CTRLB, size: 4, write: (v, old) => this.ctrlbWritten(v, old) });
    this.BAUD = this.reg({
      name: 'BAUD',
      offset: SERCOM_REG.BAUD,
      size: 4,
      write: (v, old, mask) => {
        // BAUD is enable-protected in every mode (26.8.3, 27.8.3, 28.10.3); RXPL (USART, 0x0E) too.
        if (this.CTRLA.value & SERCOM_CTRLA.ENABLE) this.BAUD.value = old;
        void mask;
      },
    });
    this.int = new InterruptRegisters(
      this,
      { INTENCLR: SERCOM_REG.INTENCLR, INTENSET: SERCOM_REG.INTENSET, INTFLAG: SERCOM_REG.INTFLAG },
      1,
      INT_MASK,
      (l) => chip.irq(this.irqLine, l),
    );
    const flag = this.int.INTFLAG;
    flag.writeHook = (v, old) => {
      // Status-like flags (DRE, RXC) are read-only: restore them.
      const ro = this.engine.readOnlyFlags;
      flag.value = ((v & ~ro) | (old & ro)) >>> 0;
      this.int.update();
      const cleared = old & ~flag.value;
      if (cleared) this.engine.flagsCleared(cleared);
    };
    this.STATUS = this.reg({
      name: 'STATUS',
      offset: SERCOM_REG.STATUS,
      size: 2,
      write: (v, old, mask) => {
        // Error bits are write-one-to-clear; the engine handles I2C BUSSTATE (28.10.7).
        const written = v & mask;
        this.STATUS.value = (old & ~written) >>> 0;
        this.engine.statusWritten(written, mask);
      },
    });
    this.SYNCBUSY = this.reg({ name: 'SYNCBUSY', offset: SERCOM_REG.SYNCBUSY, size: 4, writable: 0, read: () => this.sync.bits });
    this.ADDR = this.reg({ name: 'ADDR', offset: SERCOM_REG.ADDR, size: 4, write: (v) => this.engine.addrWritten(v) });
    this.DATA = this.reg({ name: 'DATA', offset: SERCOM_REG.DATA, size: 4, read: () => this.engine.readData(), write: (v) => this.engine.writeData(v) });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: SERCOM_REG.DBGCTRL, size: 1, writable: SERCOM_DBGCTRL.DBGSTOP });

    this.spi = new SercomSpiMaster(this);
    this.usart = new SercomUsart(this);
    this.i2c = new SercomI2cMaster(this);
    chip.registerDmaSource(this.dmaRxSource, () => this.enabled && this.engine.rxRequest());
    chip.registerDmaSource(this.dmaTxSource, () => this.enabled && this.engine.txRequest());
  }

  // ---------------------------------------------------------------- board wiring

  /** The SPI bus wired to `pins` (each must carry this SERCOM, data sheet table 7-1). */
  attachSpi(bus: SpiBus, pins: SpiPins): void {
    const wires = { mosi: this.wire(pins.mosi, 'mosi'), sck: this.wire(pins.sck, 'sck'), miso: pins.miso ? this.wire(pins.miso, 'miso') : null };
    this.spiBus = bus;
    this.spiWires = wires;
    this.routingStale = true;
  }

  /** The I2C bus wired to `pins`. */
  attachI2c(bus: I2cBus, pins: I2cPins): void {
    const wires = { sda: this.wire(pins.sda, 'sda'), scl: this.wire(pins.scl, 'scl') };
    this.i2cBus = bus;
    this.i2cWires = wires;
    this.routingStale = true;
  }

  /** The UART line wired to `pins`. */
  attachUart(link: UartLink, pins: UartPins): void {
    if (!pins.tx && !pins.rx) throw new Error(`${this.name}: attachUart needs a tx and/or an rx pin`);
    const wires = { tx: pins.tx ? this.wire(pins.tx, 'tx') : null, rx: pins.rx ? this.wire(pins.rx, 'rx') : null, xck: pins.xck ? this.wire(pins.xck, 'xck') : null };
    this.uartLink = link;
    this.uartWires = wires;
    this.routingStale = true;
    link.setReceiver((byte) => this.usart.lineReceived(byte));
  }

  /** Resolves a board pin to this SERCOM's pad on it; throws if table 7-1 has no such pad. */
  private wire(pin: string, signal: string): PadWire {
    let where: { pad: number; fn: 'C' | 'D' };
    try {
      where = sercomPadLocation(pin, this.index, this.chip.variant);
    } catch (e) {
      throw new Error(`${this.name} ${signal}: ${(e as Error).message}`);
    }
    const handle = this.chip.pad(padIndex(pin), where.fn);
    handle.onSelect(() => {
      this.routingStale = true;
    });
    return { pin, pad: where.pad, handle };
  }

  // ---------------------------------------------------------------- routing

  /** SPI signals that reach the bus now: `SPI_ROUTE` bits. */
  spiRouting(): number {
    if (this.routingStale) this.route();
    return this.spiRoute;
  }

  /** Both SDA (PAD0) and SCL (PAD1) reach the bus now. */
  i2cRouted(): boolean {
    if (this.routingStale) this.route();
    return this.i2cRoute;
  }

  /** UART signals that reach the line now: `UART_ROUTE` bits. */
  uartRouting(): number {
    if (this.routingStale) this.route();
    return this.uartRoute;
  }

  private route(): void {
    this.routingStale = false;
    const ctrla = this.CTRLA.value;
    // DOPO/TXPO and DIPO/RXPO share their positions (27.8.1, 26.8.1).
    const po = (ctrla & SERCOM_SPI_CTRLA.DOPO_Msk) >>> SERCOM_SPI_CTRLA.DOPO_Pos;
    const pi = (ctrla & SERCOM_SPI_CTRLA.DIPO_Msk) >>> SERCOM_SPI_CTRLA.DIPO_Pos;
    const spi = this.spiWires;
    this.spiRoute = spi
      ? (live(spi.mosi, DOPO_DO[po]) ? SPI_ROUTE.MOSI : 0) |
        (live(spi.sck, DOPO_SCK[po]) ? SPI_ROUTE.SCK : 0) |
        (live(spi.miso, pi) ? SPI_ROUTE.MISO : 0)
      : 0;
    const i2c = this.i2cWires;
    this.i2cRoute = i2c !== null && live(i2c.sda, I2C_SDA_PAD) && live(i2c.scl, I2C_SCL_PAD);
    const u = this.uartWires;
    // Synchronous mode: the far end is clocked by XCK, so without it nothing moves.
    const clocked = !(ctrla & SERCOM_USART_CTRLA.CMODE) || (u !== null && live(u.xck, TXPO_XCK[po]));
    this.uartRoute =
      u && clocked ? (live(u.tx, TXPO_TX[po]) ? UART_ROUTE.TX : 0) | (live(u.rx, pi) ? UART_ROUTE.RX : 0) : 0;
  }

  // ---------------------------------------------------------------- reset

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.routingStale = true;
    this.spi.reset();
    this.usart.reset();
    this.i2c.reset();
    this.enabled = false;
    this.engine = this.idle;
  }

  // ---------------------------------------------------------------- register hooks

  get mode(): number {
    return (this.CTRLA.value & SERCOM_CTRLA.MODE_Msk) >>> SERCOM_CTRLA.MODE_Pos;
  }

  private engineFor(mode: number): SercomEngine {
    switch (mode) {
      case SERCOM_MODE.USART_INT_CLK:
      case SERCOM_MODE.USART_EXT_CLK:
        return this.usart;
      case SERCOM_MODE.SPI_MASTER:
        return this.spi;
      case SERCOM_MODE.I2C_MASTER:
        return this.i2c;
      default:
        return this.idle;
    }
  }

  private ctrlaWritten(value: number, old: number): void {
    this.routingStale = true; // DOPO/DIPO, TXPO/RXPO, CMODE
    if (this.sync.bits & SERCOM_SYNCBUSY.SWRST) {
      // A reset in progress: writes are ignored (26.6.6 "Synchronization").
      this.CTRLA.value = old;
      return;
    }
    if (!writeCtrlaSwrstEnable(this.CTRLA, value, old, this.sync, SERCOM_SYNCBUSY.SWRST, SERCOM_SYNCBUSY.ENABLE)) return;
    // MODE is enable-protected: it picks the engine only while disabled.
    if (!(old & SERCOM_CTRLA.ENABLE)) this.engine = this.engineFor(this.mode);
  }

  private ctrlbWritten(value: number, old: number): void {
    let v = value;
    if (this.CTRLA.value & SERCOM_CTRLA.ENABLE) {
      // While enabled only RXEN/TXEN (SPI/USART, with SYNCBUSY.CTRLB) or CMD/ACKACT (I2C
      // master: CMD and ACKACT are not enable-protected, 28.10.2) may change.
      const open = this.engine === this.i2c ? CTRLB_OPEN_I2CM : CTRLB_OPEN_BUFFERED;
      v = ((old & ~open) | (value & open)) >>> 0;
      if (this.engine !== this.i2c && (v ^ old) & CTRLB_OPEN_BUFFERED) this.sync.start(SERCOM_SYNCBUSY.CTRLB);
    }
    this.CTRLB.value = v;
    this.engine.ctrlbWritten(v, old);
  }

  private syncDone(bits: number): void {
    if (bits & SERCOM_SYNCBUSY.SWRST) {
      this.softwareReset();
      return;
    }
    if (bits & SERCOM_SYNCBUSY.ENABLE) {
      const on = (this.CTRLA.value & SERCOM_CTRLA.ENABLE) !== 0;
      if (on !== this.enabled) {
        this.enabled = on;
        this.engine.setEnabled(on);
      }
    }
  }

  // ---------------------------------------------------------------- helpers for the engines

  /** Sets INTFLAG bits; a rising DMA condition pulses the trigger. */
  raise(bits: number): void {
    const before = this.int.flags();
    this.int.set(bits);
    const rising = bits & ~before;
    const e = this.engine;
    if (rising & e.dmaRxFlag) this.chip.dmaTrigger(this.dmaRxSource);
    if (rising & e.dmaTxFlag) this.chip.dmaTrigger(this.dmaTxSource);
  }

  lower(bits: number): void {
    this.int.clear(bits);
  }

  setStatus(bits: number): void {
    this.STATUS.value = (this.STATUS.value | bits) >>> 0;
  }

  /** Scheduler cycles per period of GCLK_SERCOMx_CORE (falls back to 48 MHz when it is off). */
  cyclesPerGclk(): number {
    const hz = this.chip.gclkFrequency(this.gclkId);
    if (hz > 0) return this.chip.scheduler.frequency / hz;
    this.stalledClock++;
    return this.chip.scheduler.frequency / 48_000_000;
  }
}
