/**
 * ST LIS3DH 3-axis accelerometer on an I2cBus (the Circuit Playground Express has it at 0x19 on
 * SERCOM1, SDA PA00 / SCL PA01, INT1 on PA13; SDO/SA0 high gives 0x19, low gives 0x18).
 *
 * Data sheet facts used: WHO_AM_I (0x0F) = 0x33; register map 0x07..0x3F with reset values
 * (CTRL_REG1 = 0x07, CTRL_REG0 = 0x10); the I2C sub-address's MSB enables auto-increment; output
 * registers OUT_X_L..OUT_Z_H (0x28..0x2D) hold left-justified two's complement values, 12 bits in
 * high-resolution mode (CTRL_REG4.HR), 10 bits normal, 8 bits low-power (CTRL_REG1.LPen); full
 * scale CTRL_REG4.FS = ±2/4/8/16 g; data rate CTRL_REG1.ODR (power-down, 1 Hz .. 5.376 kHz);
 * STATUS_REG ZYXDA / ZYXOR follow the data rate; CTRL_REG4.BLE swaps the byte order.
 *
 * Sensitivity: 2^(bits-1) digits per full scale for ±2/4/8 g (1024/512/256 digits per g at 12
 * bits) and 1024/12 digits per g (11.7 mg/digit) at ±16 g: within the data sheet's typical values
 * (1/2/4/12 mg/digit) and what Adafruit's driver divides by (16380/8190/4096/1365 per g of the
 * 16-bit register), so CircuitPython reads back the acceleration that was set.
 *
 * Click (tap) detection: `tap(axis, double)` reports a tap the way the CLICK block would if the
 * motion crossed CLICK_THS: if CLICK_CFG enables that axis' single (or double) click, CLICK_SRC
 * gets IA | SCLICK/DCLICK | axis, and INT1 asserts when CTRL_REG3.I1_CLICK is set (polarity from
 * CTRL_REG6.INT_POLARITY). With CLICK_THS.LIR_Click the interrupt and CLICK_SRC stay latched until
 * CLICK_SRC is read; otherwise they clear after TIME_LATENCY (at the ODR; at least 1 ms).
 *
 * Not modelled: FIFO (FIFO_SRC reads empty), the auxiliary ADC/temperature outputs (read 0),
 * inertial interrupts INT1_CFG/INT2_CFG (stored, never fire), self-test.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import type { I2cDevice } from './buses.js';

export const LIS3DH_WHO_AM_I = 0x33;
export const STANDARD_GRAVITY = 9.80665;

export const LIS3DH_REG = {
  STATUS_REG_AUX: 0x07,
  OUT_ADC1_L: 0x08,
  WHO_AM_I: 0x0f,
  CTRL_REG0: 0x1e,
  TEMP_CFG_REG: 0x1f,
  CTRL_REG1: 0x20,
  CTRL_REG2: 0x21,
  CTRL_REG3: 0x22,
  CTRL_REG4: 0x23,
  CTRL_REG5: 0x24,
  CTRL_REG6: 0x25,
  REFERENCE: 0x26,
  STATUS_REG: 0x27,
  OUT_X_L: 0x28,
  OUT_Z_H: 0x2d,
  FIFO_CTRL_REG: 0x2e,
  FIFO_SRC_REG: 0x2f,
  INT1_CFG: 0x30,
  INT1_SRC: 0x31,
  CLICK_CFG: 0x38,
  CLICK_SRC: 0x39,
  CLICK_THS: 0x3a,
  TIME_LIMIT: 0x3b,
  TIME_LATENCY: 0x3c,
  TIME_WINDOW: 0x3d,
  ACT_THS: 0x3e,
  ACT_DUR: 0x3f,
} as const;

/** Output data rates by CTRL_REG1.ODR (normal / high-resolution; LP differs for 8 and 9). */
const ODR_HZ = [0, 1, 10, 25, 50, 100, 200, 400, 1620, 1344];

/** Registers that accept writes (others are read-only or reserved). */
const WRITABLE = new Set([
  0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x2e, 0x30, 0x32, 0x33, 0x34, 0x36, 0x37, 0x38, 0x3a, 0x3b, 0x3c, 0x3d,
  0x3e, 0x3f,
]);

export interface Lis3dhOptions {
  scheduler: Scheduler;
  /** 0x18 (SA0 low) or 0x19 (SA0 high, the CPX). */
  address?: 0x18 | 0x19;
  /** INT1 output pin (push-pull), if wired. */
  int1?: Pin;
  int2?: Pin;
  name?: string;
}

export type Axis = 'x' | 'y' | 'z';

export class Lis3dh implements I2cDevice {
  readonly name: string;
  readonly address: number;
  /** Register file (index = sub-address). */
  readonly regs = new Uint8Array(0x40);
  /** Transfers addressed to this chip (START with its address): the web app shows tilt controls once code talks to it. */
  transfers = 0;
  /** Acceleration in m/s² (board frame as the chip sees it). Default: lying flat, +1 g on Z. */
  readonly acceleration = { x: 0, y: 0, z: STANDARD_GRAVITY };

  private readonly scheduler: Scheduler;
  private readonly int1: Pin | null;
  private readonly int2: Pin | null;
  private pointer = 0;
  private autoIncrement = false;
  private expectSub = false;
  /** Sample index (at the ODR) last latched into the output registers. */
  private latchedSample = -1;
  private readSample = -1;
  private readonly clickClear: SimEvent;
  private clickActive = false;

  constructor(opts: Lis3dhOptions) {
    this.name = opts.name ?? 'LIS3DH';
    this.address = opts.address ?? 0x19;
    this.scheduler = opts.scheduler;
    this.int1 = opts.int1 ?? null;
    this.int2 = opts.int2 ?? null;
    this.clickClear = new SimEvent(`${this.name}.click`, () => this.endClick());
    this.resetRegisters();
  }

  // ---- host side ------------------------------------------------------------------------------

  /** Sets the acceleration in m/s². */
  setAcceleration(x: number, y: number, z: number): void {
    this.acceleration.x = x;
    this.acceleration.y = y;
    this.acceleration.z = z;
  }

  /** Sets the acceleration in g. */
  setAccelerationG(x: number, y: number, z: number): void {
    this.setAcceleration(x * STANDARD_GRAVITY, y * STANDARD_GRAVITY, z * STANDARD_GRAVITY);
  }

  /** A tap on `axis` (positive direction unless `negative`); `double` for a double tap. */
  tap(axis: Axis = 'z', double = false, negative = false): boolean {
    const cfg = this.regs[LIS3DH_REG.CLICK_CFG];
    const a = axis === 'x' ? 0 : axis === 'y' ? 1 : 2;
    const enableBit = 1 << (2 * a + (double ? 1 : 0));
    if (!(cfg & enableBit) || this.odrHz() === 0) return false;
    this.regs[LIS3DH_REG.CLICK_SRC] = 0x40 | (double ? 0x20 : 0x10) | (negative ? 0x08 : 0) | (1 << a);
    this.clickActive = true;
    this.updateInterrupts();
    const latched = (this.regs[LIS3DH_REG.CLICK_THS] & 0x80) !== 0;
    if (!latched) {
      const odr = this.odrHz();
      const seconds = Math.max(0.001, this.regs[LIS3DH_REG.TIME_LATENCY] / odr);
      this.scheduler.scheduleIn(this.clickClear, Math.round(seconds * this.scheduler.frequency));
    }
    return true;
  }

  // ---- I2cDevice ------------------------------------------------------------------------------

  start(read: boolean): void {
    this.transfers++;
    if (!read) this.expectSub = true;
  }

  write(byte: number): boolean {
    if (this.expectSub) {
      this.expectSub = false;
      this.pointer = byte & 0x7f;
      this.autoIncrement = (byte & 0x80) !== 0;
      return true;
    }
    this.writeRegister(this.pointer, byte);
    this.advance();
    return true;
  }

  read(): number {
    const value = this.readRegister(this.pointer);
    this.advance();
    return value;
  }

  stop(): void {
    this.expectSub = false;
  }

  // ---- registers ------------------------------------------------------------------------------

  private advance(): void {
    if (this.autoIncrement) this.pointer = (this.pointer + 1) & 0x7f;
  }

  private resetRegisters(): void {
    this.regs.fill(0);
    this.regs[LIS3DH_REG.WHO_AM_I] = LIS3DH_WHO_AM_I;
    this.regs[LIS3DH_REG.CTRL_REG0] = 0x10;
    this.regs[LIS3DH_REG.CTRL_REG1] = 0x07;
    this.regs[LIS3DH_REG.FIFO_SRC_REG] = 0x20;
    this.latchedSample = -1;
    this.readSample = -1;
    this.clickActive = false;
    this.scheduler.cancel(this.clickClear);
    this.updateInterrupts();
  }

  private writeRegister(reg: number, value: number): void {
    if (!WRITABLE.has(reg)) return;
    if (reg === LIS3DH_REG.CTRL_REG5 && value & 0x80) {
      // BOOT: reload the trimming; the bit clears itself. User registers keep their values.
      value &= 0x7f;
    }
    this.regs[reg] = value;
    if (reg === LIS3DH_REG.CTRL_REG1 || reg === LIS3DH_REG.CTRL_REG4) this.latchedSample = -1;
    if (reg === LIS3DH_REG.CTRL_REG3 || reg === LIS3DH_REG.CTRL_REG6) this.updateInterrupts();
  }

  private readRegister(reg: number): number {
    if (reg >= LIS3DH_REG.OUT_X_L && reg <= LIS3DH_REG.OUT_Z_H) {
      if (reg === LIS3DH_REG.OUT_X_L || this.latchedSample < 0) this.latchOutputs();
      this.readSample = this.sampleIndex();
      return this.regs[reg];
    }
    if (reg === LIS3DH_REG.STATUS_REG) return this.status();
    if (reg === LIS3DH_REG.CLICK_SRC) {
      const v = this.regs[reg];
      if (this.regs[LIS3DH_REG.CLICK_THS] & 0x80) this.endClick();
      return v;
    }
    if (reg < 0x07 || (reg > 0x0f && reg < 0x1e)) return 0;
    return this.regs[reg];
  }

  odrHz(): number {
    const odr = this.regs[LIS3DH_REG.CTRL_REG1] >>> 4;
    const lp = (this.regs[LIS3DH_REG.CTRL_REG1] & 0x08) !== 0;
    if (odr === 9) return lp ? 5376 : 1344;
    return ODR_HZ[odr] ?? 0;
  }

  private sampleIndex(): number {
    const hz = this.odrHz();
    if (hz === 0) return this.latchedSample;
    return Math.floor(this.scheduler.seconds * hz + 1e-9);
  }

  private status(): number {
    const cur = this.sampleIndex();
    if (this.odrHz() === 0) return 0;
    const axes = this.regs[LIS3DH_REG.CTRL_REG1] & 0x07;
    let s = 0;
    if (cur > this.readSample) s |= axes | (axes ? 0x08 : 0);
    if (cur > this.readSample + 1 && this.readSample >= 0) s |= (axes << 4) | (axes ? 0x80 : 0);
    return s;
  }

  /** Resolution in bits of the current mode. */
  resolutionBits(): number {
    if (this.regs[LIS3DH_REG.CTRL_REG1] & 0x08) return 8;
    return this.regs[LIS3DH_REG.CTRL_REG4] & 0x08 ? 12 : 10;
  }

  /** Digits per g at the current resolution and full scale. */
  digitsPerG(): number {
    const fs = (this.regs[LIS3DH_REG.CTRL_REG4] >>> 4) & 3;
    const bits = this.resolutionBits();
    const full = 1 << (bits - 1);
    // ±16 g is not 2^11 digits per 16 g: the part gives ~12 mg/digit (1024/12 digits per g).
    if (fs === 3) return (full / 2048) * (1024 / 12);
    return full / (2 << fs);
  }

  private latchOutputs(): void {
    if (this.odrHz() === 0 && this.latchedSample >= 0) return;
    this.latchedSample = this.sampleIndex();
    const bits = this.resolutionBits();
    const perG = this.digitsPerG();
    const max = (1 << (bits - 1)) - 1;
    const ble = (this.regs[LIS3DH_REG.CTRL_REG4] & 0x40) !== 0;
    const axesOn = this.regs[LIS3DH_REG.CTRL_REG1] & 0x07;
    const values = [this.acceleration.x, this.acceleration.y, this.acceleration.z];
    for (let i = 0; i < 3; i++) {
      let d = Math.round((values[i] / STANDARD_GRAVITY) * perG);
      d = Math.max(-max - 1, Math.min(max, d));
      if (!(axesOn & (1 << i))) d = 0;
      const word = (d << (16 - bits)) & 0xffff;
      const lo = word & 0xff;
      const hi = word >>> 8;
      this.regs[LIS3DH_REG.OUT_X_L + 2 * i] = ble ? hi : lo;
      this.regs[LIS3DH_REG.OUT_X_L + 2 * i + 1] = ble ? lo : hi;
    }
  }

  private endClick(): void {
    this.scheduler.cancel(this.clickClear);
    if (!this.clickActive) return;
    this.clickActive = false;
    this.regs[LIS3DH_REG.CLICK_SRC] = 0;
    this.updateInterrupts();
  }

  private updateInterrupts(): void {
    const activeLow = (this.regs[LIS3DH_REG.CTRL_REG6] & 0x02) !== 0;
    const i1 = this.clickActive && (this.regs[LIS3DH_REG.CTRL_REG3] & 0x80) !== 0;
    const i2 = this.clickActive && (this.regs[LIS3DH_REG.CTRL_REG6] & 0x80) !== 0;
    this.int1?.drive(((i1 ? 1 : 0) ^ (activeLow ? 1 : 0)) as 0 | 1);
    this.int2?.drive(((i2 ? 1 : 0) ^ (activeLow ? 1 : 0)) as 0 | 1);
  }
}
