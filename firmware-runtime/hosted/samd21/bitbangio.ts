/**
 * bitbangio.I2C on the SAMD21: shared-module/bitbangio/I2C.c (CircuitPython 9.2.9) over the port's
 * digitalio (PORT DIR/OUT/PINCFG through Samd21Hal's DigitalInOut calls). Both lines are open-drain
 * outputs: a 1 releases the line to the board's pull-ups, a 0 drives it low; SCL is read back (with the
 * pull-up on) until the slave lets it rise (clock stretching, up to `timeout` µs); SDA is read with the
 * pull-up on and released again. Every half bit waits 500000 / frequency µs (at least 1), as
 * common_hal_mcu_delay_us does, in simulated time.
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
