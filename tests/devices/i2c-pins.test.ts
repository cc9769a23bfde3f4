/**
 * I2cPinTarget: the parts on an I2C bus answer a bit-banged controller (NXP UM10204 3.1: START,
 * 8 bits MSB first sampled on SCL rising, ACK on the ninth clock, repeated START, reads ACKed
 * but the last, STOP). The oracle is the LIS3DH's WHO_AM_I (0x0F) = 0x33 from its data sheet, and
 * its auto-incremented OUT_X_L/OUT_X_H registers read back as written through CTRL_REG writes.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { I2cBus } from '../../peripherals/devices/buses.js';
import { I2cPinTarget } from '../../peripherals/devices/i2c-pins.js';
import { Lis3dh } from '../../peripherals/devices/lis3dh.js';

/** A bit-banging controller on open-drain SDA/SCL with 10 kΩ pull-ups. */
function rig() {
  const s = new Scheduler(48_000_000);
  const sda = new Pin('ctl SDA', s);
  const scl = new Pin('ctl SCL', s);
  sda.setPull('up', 10_000);
  scl.setPull('up', 10_000);
  const tSda = new Pin('target SDA', s);
  const tScl = new Pin('target SCL', s);
  connect(sda, tSda);
  connect(scl, tScl);
  const bus = new I2cBus();
  const imu = new Lis3dh({ scheduler: s, address: 0x18 });
  bus.attach(imu);
  new I2cPinTarget(bus, tSda, tScl);
  const set = (p: Pin, v: 0 | 1) => p.drive(v ? null : 0);
  const start = () => {
    set(sda, 1);
    set(scl, 1);
    set(sda, 0);
    set(scl, 0);
  };
  const stop = () => {
    set(sda, 0);
    set(scl, 1);
    set(sda, 1);
  };
  /** Sends a byte; returns true on ACK. */
  const write = (byte: number) => {
    for (let i = 7; i >= 0; i--) {
      set(sda, ((byte >> i) & 1) as 0 | 1);
      set(scl, 1);
      set(scl, 0);
    }
    set(sda, 1);
    set(scl, 1);
    const ack = sda.level === 0;
    set(scl, 0);
    return ack;
  };
  const read = (ack: boolean) => {
    set(sda, 1);
    let byte = 0;
    for (let i = 0; i < 8; i++) {
      set(scl, 1);
      byte = (byte << 1) | sda.level;
      set(scl, 0);
    }
    set(sda, ack ? 0 : 1);
    set(scl, 1);
    set(scl, 0);
    set(sda, 1);
    return byte;
  };
  return { imu, start, stop, write, read, sda };
}

describe('I2cPinTarget (bit-banged I2C to the bus parts)', () => {
  it('reads WHO_AM_I with a write, a repeated START and a NACKed read', () => {
    const r = rig();
    r.start();
    expect(r.write(0x18 << 1)).toBe(true);
    expect(r.write(0x0f)).toBe(true);
    r.start();
    expect(r.write((0x18 << 1) | 1)).toBe(true);
    expect(r.read(false)).toBe(0x33);
    r.stop();
    expect(r.sda.level).toBe(1); // the target let go of SDA
  });

  it('writes registers and reads several bytes with ACKs (auto-increment with the MSB of the sub-address)', () => {
    const r = rig();
    r.start();
    expect(r.write(0x18 << 1)).toBe(true);
    expect(r.write(0x20 | 0x80)).toBe(true); // CTRL_REG1, auto-increment
    expect(r.write(0x57)).toBe(true);
    expect(r.write(0x00)).toBe(true); // CTRL_REG2
    expect(r.write(0x40)).toBe(true); // CTRL_REG3
    r.stop();
    r.start();
    r.write(0x18 << 1);
    r.write(0x20 | 0x80);
    r.start();
    r.write((0x18 << 1) | 1);
    expect([r.read(true), r.read(true), r.read(false)]).toEqual([0x57, 0x00, 0x40]);
    r.stop();
    expect(r.imu.regs[0x20]).toBe(0x57);
  });

  it('NACKs an absent address and leaves the bus to the controller', () => {
    const r = rig();
    r.start();
    expect(r.write(0x42 << 1)).toBe(false);
    expect(r.write(0x0f)).toBe(false); // nobody listens until the STOP
    r.stop();
    r.start();
    expect(r.write(0x18 << 1)).toBe(true); // and the next transfer works
    r.stop();
  });
});
