/**
 * A SAMD21 with no CPU, driven from TypeScript through its registers the way CircuitPython's
 * common-hal drives the real chip (the hosted engine's situation): clocks, PORT muxing and SERCOM1
 * in I2C master mode talk to the CPX's LIS3DH. Oracles: the SAMD21 data sheet's register map
 * (sections 15 GCLK, 16 PM, 23 PORT, 28 SERCOM I2C) and the LIS3DH data sheet (WHO_AM_I = 0x33,
 * OUT_X/Y/Z left-justified 12-bit two's complement; ±2 g full scale in high-resolution mode spans
 * the 12-bit range, 1024 digits per g, which is also the divisor Adafruit's library uses: 16380/16).
 */
import { describe, expect, it } from 'vitest';
import { CPX_SPEC } from '../../boards/cpx.js';
import { buildSamd21Board } from '../../boards/samd21-board.js';
import { peripheralSlot } from '../../peripherals/samd21/memory-map.js';

const PM = peripheralSlot('PM').base;
const GCLK = peripheralSlot('GCLK').base;
const PORT = peripheralSlot('PORT').base;
const SERCOM1 = peripheralSlot('SERCOM1').base;
const I2CM = { CTRLA: 0x00, CTRLB: 0x04, BAUD: 0x0c, INTFLAG: 0x18, STATUS: 0x1a, SYNCBUSY: 0x1c, ADDR: 0x24, DATA: 0x28 } as const;
const MB = 1 << 0;
const SB = 1 << 1;

function hostedChip() {
  const board = buildSamd21Board(CPX_SPEC, { core: 'none' });
  const { bus, machine } = board.mcu;
  const waitFor = (cond: () => boolean, what: string) => {
    for (let i = 0; i < 10_000; i++) {
      if (cond()) return;
      machine.runFor(10e-6);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  // PM APBCMASK.SERCOM1 (16.8.10), GCLK channel SERCOM1_CORE (id 21) <- generator 0, CLKEN (15.8.3).
  bus.write(PM + 0x20, 4, bus.read(PM + 0x20, 4) | (1 << 3));
  bus.write(GCLK + 0x02, 2, 21 | (0 << 8) | (1 << 14));
  // PA00/PA01 to function D (SERCOM1 PAD0 = SDA, PAD1 = SCL): PMUX0 = 0x33, PINCFG.PMUXEN (23.8.13/14).
  bus.write(PORT + 0x30, 1, 0x33);
  bus.write(PORT + 0x40, 1, 0x01);
  bus.write(PORT + 0x41, 1, 0x01);
  // I2C master (CTRLA.MODE = 5), smart mode, then ENABLE and force the bus IDLE (28.6.2.4.1).
  bus.write(SERCOM1 + I2CM.CTRLA, 4, 5 << 2);
  bus.write(SERCOM1 + I2CM.CTRLB, 4, 1 << 8);
  bus.write(SERCOM1 + I2CM.BAUD, 4, 0);
  bus.write(SERCOM1 + I2CM.CTRLA, 4, (5 << 2) | (1 << 1));
  waitFor(() => bus.read(SERCOM1 + I2CM.SYNCBUSY, 4) === 0, 'SYNCBUSY after ENABLE');
  bus.write(SERCOM1 + I2CM.STATUS, 2, 1 << 4);
  waitFor(() => bus.read(SERCOM1 + I2CM.SYNCBUSY, 4) === 0, 'SYNCBUSY after BUSSTATE');
  const flag = () => bus.read(SERCOM1 + I2CM.INTFLAG, 1);
  const rxNack = () => (bus.read(SERCOM1 + I2CM.STATUS, 2) & (1 << 2)) !== 0;

  /** common-hal's write_then_readinto: register address, repeated START, `n` bytes. */
  const readRegisters = (address: number, register: number, n: number): number[] => {
    bus.write(SERCOM1 + I2CM.CTRLB, 4, 1 << 8); // smart mode, ACKACT = ACK
    bus.write(SERCOM1 + I2CM.ADDR, 4, address << 1);
    waitFor(() => (flag() & MB) !== 0, 'MB after the address');
    expect(rxNack()).toBe(false);
    bus.write(SERCOM1 + I2CM.DATA, 1, register);
    waitFor(() => (flag() & MB) !== 0, 'MB after the register byte');
    bus.write(SERCOM1 + I2CM.ADDR, 4, (address << 1) | 1);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      waitFor(() => (flag() & SB) !== 0, 'SB');
      // The last byte is NACKed, then STOP (CTRLB.ACKACT, CMD = 3), before reading DATA.
      if (i === n - 1) bus.write(SERCOM1 + I2CM.CTRLB, 4, (1 << 8) | (1 << 18) | (3 << 16));
      out.push(bus.read(SERCOM1 + I2CM.DATA, 1));
    }
    return out;
  };
  const writeRegister = (address: number, register: number, value: number) => {
    bus.write(SERCOM1 + I2CM.ADDR, 4, address << 1);
    waitFor(() => (flag() & MB) !== 0, 'MB after the address');
    for (const byte of [register, value]) {
      bus.write(SERCOM1 + I2CM.DATA, 1, byte);
      waitFor(() => (flag() & MB) !== 0, 'MB after a data byte');
    }
    bus.write(SERCOM1 + I2CM.CTRLB, 4, (1 << 8) | (3 << 16));
  };
  return { board, readRegisters, writeRegister, rxNack };
}

describe('a SAMD21 with no CPU, driven from TypeScript', () => {
  it('has no core, and running it only fires peripheral events', () => {
    const board = buildSamd21Board(CPX_SPEC, { core: 'none' });
    expect(board.mcu.core).toBeNull();
    expect(board.machine.core).toBeNull();
    expect(board.machine.runFor(0.01)).toBeNull();
    expect(board.machine.scheduler.seconds).toBeCloseTo(0.01, 6);
    expect(board.machine.instructions).toBe(0);
  });

  it('reads the LIS3DH WHO_AM_I (0x33) through SERCOM1 in I2C master mode', () => {
    const { readRegisters } = hostedChip();
    expect(readRegisters(0x19, 0x0f, 1)).toEqual([0x33]);
  });

  it('an absent address is NACKed', () => {
    const { board } = hostedChip();
    const bus = board.mcu.bus;
    bus.write(SERCOM1 + I2CM.ADDR, 4, 0x42 << 1);
    for (let i = 0; i < 1000 && !(bus.read(SERCOM1 + I2CM.INTFLAG, 1) & MB); i++) board.machine.runFor(10e-6);
    expect(bus.read(SERCOM1 + I2CM.STATUS, 2) & (1 << 2)).not.toBe(0);
  });

  it('configures the accelerometer and reads back the acceleration the board model holds', () => {
    const { board, readRegisters, writeRegister } = hostedChip();
    board.parts.accelerometer.setAcceleration(0, 0, 9.80665);
    writeRegister(0x19, 0x20, 0x77); // CTRL_REG1: 400 Hz, X/Y/Z on
    writeRegister(0x19, 0x23, 0x88); // CTRL_REG4: BDU, high resolution, ±2 g
    expect(readRegisters(0x19, 0x20, 1)).toEqual([0x77]);
    board.machine.runFor(0.01);
    const raw = readRegisters(0x19, 0x28 | 0x80, 6);
    const axis = (lo: number, hi: number) => ((((hi << 8) | lo) << 16) >> 16) >> 4; // 12-bit, 1024 per g
    expect(axis(raw[0], raw[1])).toBeCloseTo(0, -1);
    expect(axis(raw[2], raw[3])).toBeCloseTo(0, -1);
    expect(Math.abs(axis(raw[4], raw[5]) - 1024)).toBeLessThan(8);
  });
});
