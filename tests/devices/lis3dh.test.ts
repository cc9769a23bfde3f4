/**
 * LIS3DH through an I2cBus: the probe and init sequence of adafruit_lis3dh, 6-byte auto-increment
 * reads at each full scale, data-ready status, tap detection on INT1.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { I2cBus } from '../../peripherals/devices/buses.js';
import { Lis3dh, STANDARD_GRAVITY } from '../../peripherals/devices/lis3dh.js';

function setup() {
  const s = new Scheduler(48e6);
  const bus = new I2cBus();
  const int1 = new Pin('PA13', s);
  const acc = new Lis3dh({ scheduler: s, address: 0x19, int1 });
  bus.attach(acc);
  const writeReg = (reg: number, ...vals: number[]) => {
    expect(bus.start(0x19, false)).toBe(true);
    expect(bus.write(reg)).toBe(true);
    for (const v of vals) bus.write(v);
    bus.stop();
  };
  const readRegs = (reg: number, n: number) => {
    bus.start(0x19, false);
    bus.write(reg);
    bus.start(0x19, true);
    const out = Array.from({ length: n }, () => bus.read());
    bus.stop();
    return out;
  };
  const advanceMs = (ms: number) => {
    s.advanceTo(s.cycles + ms * 48_000);
    s.runDue();
  };
  return { s, bus, acc, int1, writeReg, readRegs, advanceMs };
}

/** adafruit_lis3dh: 6 bytes from 0x28|0x80 as three int16 / divider * 9.806. */
function acceleration(bytes: number[], divider: number) {
  const v = [0, 2, 4].map((i) => ((bytes[i] | (bytes[i + 1] << 8)) << 16) >> 16);
  return v.map((x) => (x / divider) * 9.806);
}

describe('LIS3DH', () => {
  it('ACKs 0x19 only and answers WHO_AM_I 0x33', () => {
    const t = setup();
    expect(t.bus.start(0x18, false)).toBe(false);
    t.bus.stop();
    expect(t.readRegs(0x0f, 1)).toEqual([0x33]);
    expect(t.readRegs(0x20, 1)).toEqual([0x07]);
  });

  it('runs the adafruit_lis3dh init and reads the acceleration at each range', () => {
    const t = setup();
    t.writeReg(0x24, 0x80); // reboot
    t.writeReg(0x20, 0x07); // enable axes, normal mode
    t.writeReg(0x20, 0x77); // 400 Hz
    t.writeReg(0x23, 0x88); // BDU, HR
    t.writeReg(0x1f, 0x80); // ADC enable
    t.writeReg(0x24, 0x08); // latch interrupt
    expect(t.readRegs(0x24, 1)).toEqual([0x08]);
    t.acc.setAcceleration(1.5, -4.9, 9.80665);
    const dividers = [16380, 8190, 4096, 1365];
    for (let fs = 0; fs < 4; fs++) {
      t.writeReg(0x23, 0x88 | (fs << 4));
      t.advanceMs(5);
      const [x, y, z] = acceleration(t.readRegs(0x28 | 0x80, 6), dividers[fs]);
      const tol = [0.02, 0.03, 0.05, 0.15][fs];
      expect(Math.abs(x - 1.5)).toBeLessThan(tol);
      expect(Math.abs(y + 4.9)).toBeLessThan(tol);
      expect(Math.abs(z - 9.80665)).toBeLessThan(tol);
    }
  });

  it('is left-justified 12/10/8-bit and clips at full scale', () => {
    const t = setup();
    t.writeReg(0x20, 0x57); // 100 Hz, normal (10-bit)
    t.writeReg(0x23, 0x00); // ±2 g
    t.acc.setAccelerationG(0.5, 3, -3);
    const b = t.readRegs(0xa8, 6);
    const v = [0, 2, 4].map((i) => ((b[i] | (b[i + 1] << 8)) << 16) >> 16);
    expect(v[0]).toBe(128 << 6);
    expect(v[1]).toBe(511 << 6);
    expect(v[2]).toBe(-512 << 6);
    t.writeReg(0x20, 0x5f); // low power (8-bit)
    const b8 = t.readRegs(0xa8, 2);
    expect(((b8[0] | (b8[1] << 8)) << 16) >> 16).toBe(32 << 8);
  });

  it('without the auto-increment bit, repeated reads return the same register', () => {
    const t = setup();
    expect(t.readRegs(0x0f, 3)).toEqual([0x33, 0x33, 0x33]);
  });

  it('STATUS_REG ZYXDA follows the data rate and clears when the outputs are read', () => {
    const t = setup();
    t.writeReg(0x20, 0x57); // 100 Hz
    t.advanceMs(15);
    expect(t.readRegs(0x27, 1)[0] & 0x08).toBe(0x08);
    t.readRegs(0xa8, 6);
    expect(t.readRegs(0x27, 1)[0] & 0x08).toBe(0);
    t.advanceMs(10);
    expect(t.readRegs(0x27, 1)[0] & 0x08).toBe(0x08);
    t.advanceMs(30);
    expect(t.readRegs(0x27, 1)[0] & 0x80).toBe(0x80); // overrun
    t.writeReg(0x20, 0x07); // power-down
    expect(t.readRegs(0x27, 1)[0]).toBe(0);
  });

  it('reports a tap in CLICK_SRC and on INT1, latched until CLICK_SRC is read', () => {
    const t = setup();
    t.writeReg(0x20, 0x77);
    t.writeReg(0x22, 0x80); // I1_CLICK
    t.writeReg(0x38, 0x15); // single click on X, Y, Z
    t.writeReg(0x3a, 0x80 | 20); // LIR_Click, threshold
    t.writeReg(0x3b, 10);
    t.writeReg(0x3c, 20);
    expect(t.int1.level).toBe(0);
    expect(t.acc.tap('z', true)).toBe(false); // double click not enabled
    expect(t.acc.tap('z')).toBe(true);
    expect(t.int1.level).toBe(1);
    t.advanceMs(100);
    expect(t.int1.level).toBe(1);
    const src = t.readRegs(0x39, 1)[0];
    expect(src & 0x40).toBe(0x40);
    expect(src & 0x14).toBe(0x14);
    expect(t.int1.level).toBe(0);
    expect(t.readRegs(0x39, 1)[0]).toBe(0);
    // unlatched: clears by itself after TIME_LATENCY
    t.writeReg(0x3a, 20);
    t.acc.tap('x');
    expect(t.int1.level).toBe(1);
    t.advanceMs(60);
    expect(t.int1.level).toBe(0);
  });

  it('default orientation is flat (+1 g on Z)', () => {
    const t = setup();
    t.writeReg(0x20, 0x77);
    t.writeReg(0x23, 0x88);
    const [, , z] = acceleration(t.readRegs(0xa8, 6), 16380);
    expect(z).toBeCloseTo(STANDARD_GRAVITY, 1);
  });
});
