/**
 * bitbangio on the SAMD21: shared-module/bitbangio/I2C.c and SPI.c (CircuitPython 9.2.9) over the port's
 * digitalio (PORT DIR/OUT/PINCFG through Samd21Hal's DigitalInOut calls). Both lines are open-drain
 * outputs: a 1 releases the line to the board's pull-ups, a 0 drives it low; SCL is read back (with the
 * pull-up on) until the slave lets it rise (clock stretching, up to `timeout` µs); SDA is read with the
 * pull-up on and released again. Every half bit waits 500000 / frequency µs (at least 1), as
 * common_hal_mcu_delay_us does, in simulated time. SPI: push-pull clock and MOSI, MISO an input without
 * pull; each bit sets MOSI, then (phase 0) waits half a period, takes the clock to its active level, samples
 * MISO, waits, returns the clock to idle, or (phase 1) the same with each wait after its clock edge.
 */
import { HalError, type Samd21Hal } from './hal.js';

interface Bus {
  scl: string;
  sda: string;
  delayUs: number;
  timeoutUs: number;
}

/** MicroPython's errno values the module reports. */
const MP_EIO = 5;
const MP_ENODEV = 19;

export class Samd21BitbangI2c {
  private readonly buses = new Map<number, Bus>();
  private nextId = 1;

  constructor(private readonly hal: Samd21Hal) {}

  /** shared_module_bitbangio_i2c_construct: both pins claimed as DigitalInOut, released high, a stop. */
  construct(scl: string, sda: string, sclName: string, sdaName: string, frequency: number, timeoutUs: number): number {
    const h = this.hal;
    h.assertFree(scl, sclName);
    h.assertFree(sda, sdaName);
    h.claim(scl, sclName);
    h.dioConstruct(scl);
    h.claim(sda, sdaName);
    h.dioConstruct(sda);
    const bus: Bus = { scl, sda, delayUs: Math.max(1, Math.floor(500000 / frequency)), timeoutUs };
    h.dioOutput(scl, true, true);
    h.dioOutput(sda, true, true);
    this.stop(bus);
    const id = this.nextId++;
    this.buses.set(id, bus);
    return id;
  }

  private bus(id: number): Bus {
    const b = this.buses.get(id);
    if (!b) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return b;
  }

  private delay(b: Bus, us = b.delayUs): void {
    this.hal.clock.advance(us * 1e-6);
  }

  private sclLow(b: Bus): void {
    this.hal.dioSetOpenDrain(b.scl, false);
  }

  /** scl_release: released, then read (pull-up on) until high or the timeout (clock stretching). */
  private sclRelease(b: Bus): void {
    const h = this.hal;
    h.dioSetOpenDrain(b.scl, true);
    let count = b.timeoutUs;
    this.delay(b);
    h.dioInput(b.scl, 'up');
    for (; !h.dioGet(b.scl) && count; --count) this.delay(b, 1);
    h.dioOutput(b.scl, true, true);
    if (count === 0) throw new HalError('RuntimeError', 'timeout too long');
  }

  private sda(b: Bus, high: boolean): void {
    this.hal.dioSetOpenDrain(b.sda, high);
  }

  private sdaRead(b: Bus): boolean {
    const h = this.hal;
    h.dioInput(b.sda, 'up');
    const value = h.dioGet(b.sda);
    h.dioOutput(b.sda, true, true);
    return value;
  }

  private start(b: Bus): void {
    this.sda(b, true);
    this.delay(b);
    this.sclRelease(b);
    this.sda(b, false);
    this.delay(b);
  }

  private stop(b: Bus): void {
    this.delay(b);
    this.sda(b, false);
    this.delay(b);
    this.sclRelease(b);
    this.sda(b, true);
    this.delay(b);
  }

  /** write_byte: eight bits MSB first, then the slave's ACK read on the ninth clock (true = ACK). */
  private writeByte(b: Bus, value: number): boolean {
    this.delay(b);
    this.sclLow(b);
    for (let i = 7; i >= 0; i--) {
      this.sda(b, ((value >> i) & 1) !== 0);
      this.delay(b);
      this.sclRelease(b);
      this.sclLow(b);
    }
    this.sda(b, true);
    this.delay(b);
    this.sclRelease(b);
    const nack = this.sdaRead(b);
    this.delay(b);
    this.sclLow(b);
    return !nack;
  }

  /** read_byte: eight bits sampled after each SCL release, then ACK (all but the last) or NACK. */
  private readByte(b: Bus, ack: boolean): number {
    this.delay(b);
    this.sclLow(b);
    this.delay(b);
    let data = 0;
    for (let i = 7; i >= 0; i--) {
      this.sclRelease(b);
      data = (data << 1) | (this.sdaRead(b) ? 1 : 0);
      this.sclLow(b);
      this.delay(b);
    }
    if (ack) this.sda(b, false);
    this.delay(b);
    this.sclRelease(b);
    this.sclLow(b);
    this.sda(b, true);
    return data;
  }

  probe(id: number, address: number): boolean {
    const b = this.bus(id);
    this.start(b);
    const ok = this.writeByte(b, (address << 1) & 0xff);
    this.stop(b);
    return ok;
  }

  /** shared_module_bitbangio_i2c_write: 0, or MP_ENODEV (no address ACK), MP_EIO (a data byte NACKed). */
  write(id: number, address: number, data: number[], stopBit: boolean): number {
    const b = this.bus(id);
    this.start(b);
    let status = this.writeByte(b, (address << 1) & 0xff) ? 0 : MP_ENODEV;
    if (status === 0) {
      for (const byte of data) {
        if (!this.writeByte(b, byte)) {
          status = MP_EIO;
          break;
        }
      }
    }
    if (stopBit) this.stop(b);
    return status;
  }

  /** shared_module_bitbangio_i2c_read: the bytes, or the errno (MP_ENODEV when the address is not ACKed). */
  read(id: number, address: number, length: number): number[] | number {
    const b = this.bus(id);
    this.start(b);
    const out: number[] = [];
    const status = this.writeByte(b, ((address << 1) | 1) & 0xff) ? 0 : MP_ENODEV;
    if (status === 0) for (let i = 0; i < length; i++) out.push(this.readByte(b, i < length - 1));
    this.stop(b);
    return status || out;
  }

  deinit(id: number): void {
    const b = this.buses.get(id);
    if (!b) return;
    this.hal.release(b.scl);
    this.hal.release(b.sda);
    this.buses.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.buses.keys()]) this.deinit(id);
  }
}

interface SpiBus {
  clock: string;
  mosi: string | null;
  miso: string | null;
  delayHalfUs: number;
  polarity: number;
  phase: number;
}

export class Samd21BitbangSpi {
  private readonly buses = new Map<number, SpiBus>();
  private nextId = 1;

  constructor(private readonly hal: Samd21Hal) {}

  /** shared_module_bitbangio_spi_construct: the clock low (polarity 0), MOSI low, MISO an input; 5 µs. */
  construct(pins: [string, string | null, string | null], names: [string, string | null, string | null]): number {
    const h = this.hal;
    pins.forEach((pad, i) => pad && h.assertFree(pad, names[i]!));
    const [clock, mosi, miso] = pins;
    for (const [i, pad] of pins.entries()) {
      if (!pad) continue;
      h.claim(pad, names[i]!);
      h.dioConstruct(pad);
    }
    h.dioOutput(clock, false, false);
    if (mosi) h.dioOutput(mosi, false, false);
    const id = this.nextId++;
    this.buses.set(id, { clock, mosi, miso, delayHalfUs: 5, polarity: 0, phase: 0 });
    return id;
  }

  private bus(id: number): SpiBus {
    const b = this.buses.get(id);
    if (!b) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return b;
  }

  /** shared_module_bitbangio_spi_configure: the half period rounded up; the clock moved to a new idle level. */
  configure(id: number, baudrate: number, polarity: number, phase: number): void {
    const b = this.bus(id);
    b.delayHalfUs = Math.floor(500000 / baudrate) + (500000 % baudrate !== 0 ? 1 : 0);
    if (polarity !== b.polarity) {
      b.polarity = polarity;
      this.hal.dioOutput(b.clock, polarity === 1, false);
    }
    b.phase = phase;
  }

  /**
   * write (`out`, no read), readinto (`out` null: MOSI low first, then `writeValue` on it) and write_readinto
   * (`out` and read): the bytes read (zeros when not reading).
   */
  transfer(id: number, out: number[] | null, length: number, writeValue: number, read: boolean): number[] {
    const b = this.bus(id);
    if ((out !== null || !read) && length > 0 && !b.mosi) throw new HalError('ValueError', 'No mosi pin');
    if (read && length > 0 && !b.miso) throw new HalError('ValueError', 'No miso pin');
    if (out === null && b.mosi) this.hal.dioSet(b.mosi, false);
    const result: number[] = [];
    for (let i = 0; i < length; i++) result.push(this.clockByte(b, out ? out[i]! : writeValue, read));
    return result;
  }

  private clockByte(b: SpiBus, out: number, read: boolean): number {
    const h = this.hal;
    const half = b.delayHalfUs * 1e-6;
    let data = 0;
    for (let j = 7; j >= 0; j--) {
      if (b.mosi) h.dioSet(b.mosi, ((out >> j) & 1) !== 0);
      if (b.phase === 0) h.clock.advance(half);
      h.dioSet(b.clock, b.polarity === 0);
      if (b.phase === 1) h.clock.advance(half);
      if (read) data = (data << 1) | (h.dioGet(b.miso!) ? 1 : 0);
      if (b.phase === 0) h.clock.advance(half);
      h.dioSet(b.clock, b.polarity === 1);
      if (b.phase === 1) h.clock.advance(half);
    }
    return data;
  }

  deinit(id: number): void {
    const b = this.buses.get(id);
    if (!b) return;
    for (const pad of [b.clock, b.mosi, b.miso]) if (pad) this.hal.release(pad);
    this.buses.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.buses.keys()]) this.deinit(id);
  }
}
