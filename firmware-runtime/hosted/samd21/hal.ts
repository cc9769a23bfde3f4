/**
 * CircuitPython's common-hal for the SAMD21, in TypeScript, against the chip model's registers: every
 * effect goes through the chip's bus as a store from the CPU would (PORT, GCLK, PM, SYSCTRL, SERCOM), and
 * waits on status bits let simulated time run (the chip has no core; the scheduler fires its events).
 * Sources followed: ports/atmel-samd/common-hal/{digitalio,busio,neopixel_write}, peripherals/samd/
 * clocks.c and the data sheet (DS40001882) sections named below.
 */
import type { Samd21Board } from '../../../boards/samd21-board.js';

type Samd21 = Samd21Board['mcu'];
import { sercomPadsOn } from '../../../peripherals/samd21/sercom-pads.js';
import { ADC_AIN_PADS } from '../../../peripherals/samd21/adc.js';
import { PTC_Y_PADS } from '../../../peripherals/samd21/ptc.js';
import { TC_WO_PADS } from '../../../peripherals/samd21/tc.js';
import { TCC_WO_PADS } from '../../../peripherals/samd21/tcc.js';
import type { HostedClock } from '../clock.js';

const PM = 0x40000400;
const SYSCTRL = 0x40000800;
const GCLK = 0x40000c00;
const NVMCTRL = 0x41004000;
const PORT = 0x41004400;
const SERCOM_BASE = 0x42000800;
const ADC = 0x42004000;
const TCC_BASE = 0x42002000;
const TC_BASE = 0x42002c00;
/** TC/TCC CTRLA.PRESCALER divisions. */
const PRESCALERS = [1, 2, 4, 8, 16, 64, 256, 1024] as const;

/** A timer a pin's PWM can use: TCn or TCCn, its wave output WO[x], and the pin function that routes it. */
interface PwmTimer {
  tc: boolean;
  n: number;
  wo: number;
  fn: string;
}
const PTC = 0x42004c00;
/** The GCLK generator CircuitPython's touchio takes for the PTC (find_free_gclk: the first unused one). */
const PTC_GCLK_GENERATOR = 1;

/** PORT register offsets within a group (23.8). */
const P = { DIRCLR: 0x04, DIRSET: 0x08, OUTCLR: 0x14, OUTSET: 0x18, IN: 0x20, PMUX: 0x30, PINCFG: 0x40 } as const;
const PINCFG_PMUXEN = 1 << 0;
const PINCFG_INEN = 1 << 1;
const PINCFG_PULLEN = 1 << 2;

/**
 * The prescaler (CTRLA.PRESCALER index) and TOP that give `frequency` from the 48 MHz clock with the most
 * resolution: the search of PWMOut.c's set_frequency and AudioOut.c's set_timer_frequency (the first
 * prescaler whose TOP fits in `resolution` bits; the last one if none does).
 */
export function timerPeriod(frequency: number, resolution: number): { divisor: number; top: number } {
  let divisor = 0;
  let top = 0;
  for (divisor = 0; divisor < 8; divisor++) {
    top = Math.floor(Math.floor(48e6 / PRESCALERS[divisor]!) / frequency) - 1;
    if (top < 2 ** resolution) break;
  }
  return { divisor: Math.min(divisor, 7), top };
}

/** Errors a module call reports back to Python (raised there with CircuitPython's texts). */
export class HalError extends Error {
  constructor(
    readonly pyType: 'ValueError' | 'RuntimeError' | 'OSError' | 'IndexError' | 'NotImplementedError',
    message: string,
    readonly errno = 0,
  ) {
    super(message);
  }
}

export class Samd21Hal {
  private readonly claimed = new Set<string>();
  private readonly i2c = new Map<number, { sercom: number; scl: string; sda: string }>();
  private nextId = 1;

  constructor(
    readonly mcu: Samd21,
    readonly clock: HostedClock,
  ) {}

  // ---- bus access --------------------------------------------------------------------------------
  r8 = (a: number): number => this.mcu.bus.read(a, 1);
  r16 = (a: number): number => this.mcu.bus.read(a, 2);
  r32 = (a: number): number => this.mcu.bus.read(a, 4) >>> 0;
  w8 = (a: number, v: number): void => this.mcu.bus.write(a, 1, v);
  w16 = (a: number, v: number): void => this.mcu.bus.write(a, 2, v);
  w32 = (a: number, v: number): void => this.mcu.bus.write(a, 4, v);

  /** Polls `done` while simulated time runs (1 µs steps), as firmware spins on a status bit. */
  waitFor(done: () => boolean, what: string, limitSeconds = 0.01): void {
    const end = this.clock.seconds + limitSeconds;
    while (!done()) {
      if (this.clock.seconds >= end) throw new HalError('RuntimeError', `timed out waiting for ${what}`);
      this.clock.advance(1e-6);
    }
  }

  /**
   * The clock tree CircuitPython sets up at start (peripherals/samd/samd21/clocks.c): one flash wait
   * state, DFLL48M enabled (open loop; the model gives its nominal 48 MHz) and GCLK generator 0 on it,
   * so the CPU clock, and every peripheral clocked from generator 0, runs at 48 MHz.
   */
  init(): void {
    this.w32(NVMCTRL + 0x04, (this.r32(NVMCTRL + 0x04) & ~0x1e) | (1 << 1)); // CTRLB.RWS = 1
    this.w16(SYSCTRL + 0x24, 0x0002); // DFLLCTRL: ENABLE, open loop, not on demand
    this.waitFor(() => (this.r32(SYSCTRL + 0x0c) & (1 << 4)) !== 0, 'SYSCTRL.PCLKSR.DFLLRDY');
    this.w32(GCLK + 0x08, 0); // GENDIV: generator 0 undivided
    this.w32(GCLK + 0x04, 0 | (0x07 << 8) | (1 << 16)); // GENCTRL: generator 0 = DFLL48M, GENEN
    this.waitFor(() => (this.r8(GCLK + 0x01) & 0x80) === 0, 'GCLK.STATUS.SYNCBUSY');
  }

  /** Feeds GCLK generator 0 to peripheral channel `id` (GCLK.CLKCTRL, 15.8.3). */
  clockChannel(id: number): void {
    this.w16(GCLK + 0x02, id | (0 << 8) | (1 << 14));
  }

  /** Turns on a bridge C peripheral's bus clock (PM.APBCMASK, 16.8.10). */
  apbc(bit: number): void {
    this.w32(PM + 0x20, this.r32(PM + 0x20) | (1 << bit));
  }

  // ---- pins --------------------------------------------------------------------------------------
  static group(pad: string): number {
    return PORT + (pad[1] === 'B' ? 0x80 : 0);
  }
  static bit(pad: string): number {
    return Number(pad.slice(2));
  }

  /** reset_port between VM runs: every SERCOM in use reset, every claimed pin back to its reset state. */
  /** reset_port hooks of the modules kept in their own files (spi.ts, uart.ts ...), run first. */
  readonly resetHooks: (() => void)[] = [];

  resetAll(): void {
    for (const hook of this.resetHooks) hook();
    for (const id of [...this.i2c.keys()]) this.i2cDeinit(id);
    for (const id of [...this.pwms.keys()]) this.pwmDeinit(id);
    for (const pad of [...this.claimed]) this.release(pad);
  }

  /** assert_pin_free: CircuitPython checks every pin of a constructor before choosing a peripheral. */
  assertFree(pad: string, name: string): void {
    if (this.claimed.has(pad)) throw new HalError('ValueError', `${name} in use`);
  }

  claim(pad: string, name: string): void {
    this.assertFree(pad, name);
    this.claimed.add(pad);
  }

  release(pad: string): void {
    this.claimed.delete(pad);
    this.resetPin(pad);
  }

  /** reset_pin_number: function off, input disabled, no pull, not driving. */
  resetPin(pad: string): void {
    const g = Samd21Hal.group(pad);
    const n = Samd21Hal.bit(pad);
    this.w32(g + P.DIRCLR, 1 << n);
    this.w8(g + P.PINCFG + n, 0);
  }

  pincfg(pad: string, value: number): void {
    this.w8(Samd21Hal.group(pad) + P.PINCFG + Samd21Hal.bit(pad), value);
  }

  setOut(pad: string, high: boolean): void {
    this.w32(Samd21Hal.group(pad) + (high ? P.OUTSET : P.OUTCLR), 1 << Samd21Hal.bit(pad));
  }

  /** PMUX: peripheral function ('A'..'H') on the pin, PINCFG.PMUXEN (23.8.12, 23.8.13). */
  pmux(pad: string, fn: string): void {
    const g = Samd21Hal.group(pad);
    const n = Samd21Hal.bit(pad);
    const f = fn.charCodeAt(0) - 65;
    const addr = g + P.PMUX + (n >> 1);
    const old = this.r8(addr);
    this.w8(addr, n & 1 ? (old & 0x0f) | (f << 4) : (old & 0xf0) | f);
    this.pincfg(pad, PINCFG_PMUXEN);
  }

  // ---- digitalio ---------------------------------------------------------------------------------
  dioConstruct(pad: string): void {
    this.resetPin(pad);
    this.dioInput(pad, 'none');
  }

  dioInput(pad: string, pull: 'none' | 'up' | 'down'): void {
    this.w32(Samd21Hal.group(pad) + P.DIRCLR, 1 << Samd21Hal.bit(pad));
    if (pull !== 'none') this.setOut(pad, pull === 'up');
    this.pincfg(pad, PINCFG_INEN | (pull === 'none' ? 0 : PINCFG_PULLEN));
  }

  dioOutput(pad: string, value: boolean, openDrain: boolean): void {
    this.pincfg(pad, PINCFG_INEN);
    if (openDrain) {
      this.dioSetOpenDrain(pad, value);
      return;
    }
    this.setOut(pad, value);
    this.w32(Samd21Hal.group(pad) + P.DIRSET, 1 << Samd21Hal.bit(pad));
  }

  /** Open drain: low drives, high releases (the pin becomes an input). */
  dioSetOpenDrain(pad: string, value: boolean): void {
    const g = Samd21Hal.group(pad);
    const m = 1 << Samd21Hal.bit(pad);
    if (value) this.w32(g + P.DIRCLR, m);
    else {
      this.w32(g + P.OUTCLR, m);
      this.w32(g + P.DIRSET, m);
    }
  }

  dioSet(pad: string, value: boolean): void {
    this.setOut(pad, value);
  }

  dioGet(pad: string): boolean {
    return (this.r32(Samd21Hal.group(pad) + P.IN) & (1 << Samd21Hal.bit(pad))) !== 0;
  }

  // ---- analogio --------------------------------------------------------------------------------
  /** The ADC input (AINn) a pad carries, or -1 (data sheet table 7-1, function B). */
  adcChannel(pad: string): number {
    const index = (pad[1] === 'B' ? 32 : 0) + Samd21Hal.bit(pad);
    return ADC_AIN_PADS.indexOf(index);
  }

  analogInConstruct(pad: string, name: string): void {
    if (this.adcChannel(pad) < 0) throw new HalError('ValueError', 'Invalid pin');
    this.claim(pad, name);
    this.resetPin(pad);
    this.pmux(pad, 'B');
  }

  /**
   * common_hal_analogio_analogin_get_value: the ADC set up afresh (reference INTVCC1 = VDDANA/2, gain 1/2,
   * 12 bits, GCLK 48 MHz / 32), two conversions with the first discarded, the 12-bit result shifted to 16.
   */
  analogInRead(pad: string): number {
    const ain = this.adcChannel(pad);
    this.apbc(16);
    this.clockChannel(30);
    this.w8(ADC + 0x00, 1); // CTRLA.SWRST
    this.waitFor(() => (this.r8(ADC + 0x00) & 1) === 0 && (this.r8(ADC + 0x19) & 0x80) === 0, 'ADC SWRST');
    this.w8(ADC + 0x01, 2); // REFCTRL.REFSEL = INTVCC1
    this.w32(ADC + 0x10, ain | (0x18 << 8) | (0xf << 24)); // INPUTCTRL: MUXPOS, MUXNEG = GND, GAIN = DIV2
    this.waitFor(() => (this.r8(ADC + 0x19) & 0x80) === 0, 'ADC STATUS.SYNCBUSY');
    this.w16(ADC + 0x04, 3 << 8); // CTRLB: PRESCALER DIV32, RESSEL 12 bit
    this.waitFor(() => (this.r8(ADC + 0x19) & 0x80) === 0, 'ADC STATUS.SYNCBUSY');
    this.w8(ADC + 0x00, 2); // ENABLE
    this.waitFor(() => (this.r8(ADC + 0x19) & 0x80) === 0, 'ADC STATUS.SYNCBUSY');
    let value = 0;
    for (let i = 0; i < 2; i++) {
      this.w8(ADC + 0x18, 1); // clear RESRDY
      this.w8(ADC + 0x0c, 2); // SWTRIG.START
      this.waitFor(() => (this.r8(ADC + 0x18) & 1) !== 0, 'ADC INTFLAG.RESRDY');
      value = this.r16(ADC + 0x1a);
    }
    this.w8(ADC + 0x00, 0);
    // The port stretches 12 bits to 16 by repeating the top bits below them (2048 reads 32776, as on the board).
    return ((value << 4) | (value >> 8)) & 0xffff;
  }

  // ---- touchio (PTC, register sequence of Adafruit's FreeTouch as CircuitPython uses it) ---------------
  private ptcOn = false;

  private ptcSync(): void {
    this.waitFor(() => (this.r8(PTC + 0x01) & 0x80) === 0, 'PTC CONTROLB.SYNCFLAG');
  }

  /** The Y line a pad carries, or -1. */
  touchLine(pad: string): number {
    return PTC_Y_PADS.indexOf((pad[1] === 'B' ? 32 : 0) + Samd21Hal.bit(pad));
  }

  /**
   * common_hal_touchio_touchin_construct: the PTC clocked at 8 MHz (48 MHz / 6 on a free generator) the
   * first time, the pin on function B, adafruit_ptc_init for its Y line. Returns the first reading
   * (CircuitPython's threshold is that + 100).
   */
  touchConstruct(pad: string, name: string): number {
    const y = this.touchLine(pad);
    if (y < 0) throw new HalError('ValueError', 'Invalid pin');
    this.claim(pad, name);
    if (!this.ptcOn) {
      this.w32(GCLK + 0x08, PTC_GCLK_GENERATOR | (6 << 8)); // GENDIV
      this.w32(GCLK + 0x04, PTC_GCLK_GENERATOR | (0x07 << 8) | (1 << 16)); // GENCTRL: DFLL48M, GENEN
      this.waitFor(() => (this.r8(GCLK + 0x01) & 0x80) === 0, 'GCLK.STATUS.SYNCBUSY');
      this.w16(GCLK + 0x02, 34 | (PTC_GCLK_GENERATOR << 8) | (1 << 14)); // CLKCTRL: PTC
      this.apbc(19);
      this.ptcOn = true;
    }
    this.resetPin(pad);
    this.pmux(pad, 'B');
    // adafruit_ptc_init
    this.ptcSync();
    this.w8(PTC + 0x00, this.r8(PTC + 0x00) & ~0x02); // CONTROLA.ENABLE = 0
    this.ptcSync();
    this.w8(PTC + 0x04, this.r8(PTC + 0x04) & 0xf0); // UNK4C04 prescaler bits cleared
    this.w8(PTC + 0x05, 0x01); // CONTROLC.INIT
    this.ptcSync();
    this.w8(PTC + 0x00, this.r8(PTC + 0x00) | 0x04); // RUNINSTANDBY
    this.ptcSync();
    this.w8(PTC + 0x08, 0x03); // INTDISABLE WCO | EOC
    const en = y < 8 ? PTC + 0x14 : PTC + 0x15; // YENABLEL / YENABLEH
    this.w8(en, this.r8(en) | (1 << (y & 7)));
    this.w8(PTC + 0x00, this.r8(PTC + 0x00) | 0x02); // ENABLE
    this.ptcSync();
    return this.touchRead(pad);
  }

  /** One conversion (adafruit_ptc_start_conversion + polling + get_conversion_result). */
  touchRead(pad: string): number {
    const y = this.touchLine(pad);
    this.w8(PTC + 0x0a, 0x03); // INTFLAGS clear
    this.w8(PTC + 0x10, y < 8 ? 1 << y : 0); // YSELECTL
    this.w8(PTC + 0x11, y < 8 ? 0 : 1 << (y - 8)); // YSELECTH
    this.ptcSync();
    this.w8(PTC + 0x1b, 2); // SERRES: 50 kΩ
    this.w8(PTC + 0x0d, 2); // CONVCONTROL.ADCACCUM: 4 samples
    this.w8(PTC + 0x0c, 0); // FREQCONTROL: no spread
    this.w8(PTC + 0x18, 0x00); // COMPCAPL (compcap 0x2000)
    this.w8(PTC + 0x19, 0x20); // COMPCAPH
    this.w8(PTC + 0x1a, 0x3f); // INTCAP
    this.w8(PTC + 0x20, 0xa4); // BURSTMODE
    this.ptcSync();
    this.w8(PTC + 0x0d, this.r8(PTC + 0x0d) | 0x80); // CONVERT
    this.waitFor(() => (this.r8(PTC + 0x0d) & 0x80) === 0, 'PTC CONVCONTROL.CONVERT');
    return this.r16(PTC + 0x1c);
  }

  // ---- pwmio (common-hal/pwmio/PWMOut.c) ---------------------------------------------------------------
  private readonly timers = new Map<string, { users: number; frequency: number; top: number; divisor: number; channels: Set<number> }>();
  private readonly pwms = new Map<number, { pad: string; timer: PwmTimer }>();

  /** The timers a pad's PWM can use, as the port's pin table lists them: function E first, then F. */
  private pwmTimers(pad: string): PwmTimer[] {
    const out: PwmTimer[] = [];
    for (const n of [3, 4, 5] as const) {
      TC_WO_PADS[n]!.forEach((pads, wo) => {
        if (pads.includes(pad)) out.push({ tc: true, n, wo, fn: 'E' });
      });
    }
    for (const n of [0, 1, 2]) {
      for (const [p, fn, wo] of TCC_WO_PADS[n] ?? []) if (p === pad) out.push({ tc: false, n, wo, fn });
    }
    return out.sort((a, b) => (a.fn < b.fn ? -1 : a.fn > b.fn ? 1 : 0));
  }

  private static timerKey(t: PwmTimer): string {
    return `${t.tc ? 'TC' : 'TCC'}${t.n}`;
  }

  /** TCC channel of a wave output (WO[x] follows CC[x mod CC_NUM], WEXCTRL.OTMX = 0). */
  private static tccChannel(t: PwmTimer): number {
    return t.wo % (t.n === 0 ? 4 : 2);
  }

  pwmConstruct(pad: string, name: string, duty: number, frequency: number, variable: boolean): number {
    const options = this.pwmTimers(pad);
    if (options.length === 0) throw new HalError('ValueError', 'Invalid pin');
    if (!(frequency > 0) || frequency > 48e6 / 2) throw new HalError('ValueError', 'Invalid frequency');
    let chosen: PwmTimer | undefined;
    const channelFree = (t: PwmTimer) => t.tc || !this.timers.get(Samd21Hal.timerKey(t))?.channels.has(Samd21Hal.tccChannel(t));
    // A TCC already running at this frequency with our channel free is shared (not for variable frequency).
    if (!variable) {
      chosen = options.find((t) => !t.tc && this.timers.get(Samd21Hal.timerKey(t))?.frequency === frequency && channelFree(t));
    }
    // Else a stopped timer: fixed frequency searches the pin's list from its end (TCCs, to share later),
    // variable frequency from its start (TCs first); a TC's PWM (MPWM: CC0 is TOP) is only on WO[1].
    let hasTc = false;
    if (!chosen) {
      const order = variable ? options : [...options].reverse();
      chosen = order.find((t) => {
        if (t.tc) hasTc = true;
        return !this.timers.has(Samd21Hal.timerKey(t)) && (t.tc ? t.wo === 1 : channelFree(t));
      });
      hasTc ||= options.some((t) => t.tc);
    }
    if (!chosen) {
      if (hasTc) throw new HalError('ValueError', 'All timers for this pin are in use');
      throw new HalError('RuntimeError', 'Internal resource(s) in use');
    }
    this.claim(pad, name);
    const key = Samd21Hal.timerKey(chosen);
    let state = this.timers.get(key);
    if (!state) {
      state = this.startTimer(chosen, frequency);
      this.timers.set(key, state);
    }
    state.users++;
    if (!chosen.tc) state.channels.add(Samd21Hal.tccChannel(chosen));
    this.resetPin(pad);
    this.pmux(pad, chosen.fn);
    const id = this.nextId++;
    this.pwms.set(id, { pad, timer: chosen });
    this.pwmDuty(id, duty);
    return id;
  }

  /** Clocks the timer from the 48 MHz generator and starts it with the largest TOP that fits (most resolution). */
  private startTimer(t: PwmTimer, frequency: number): { users: number; frequency: number; top: number; divisor: number; channels: Set<number> } {
    const resolution = t.tc || t.n === 2 ? 16 : 24;
    const period = timerPeriod(frequency, resolution);
    const divisor = period.divisor;
    const top = Math.max(1, Math.min(period.top, 2 ** resolution - 1));
    if (t.tc) {
      const base = TC_BASE + 0x400 * (t.n - 3);
      this.apbc(11 + t.n - 3);
      this.clockChannel(t.n === 3 ? 27 : 28);
      this.w16(base, 1); // CTRLA.SWRST
      this.waitFor(() => (this.r16(base) & 1) === 0 && (this.r8(base + 0x0f) & 0x80) === 0, 'TC SWRST');
      this.w16(base, (0 << 2) | (3 << 5) | (divisor << 8)); // COUNT16, WAVEGEN MPWM, PRESCALER
      this.w16(base + 0x18, top); // CC0 = TOP
      this.waitFor(() => (this.r8(base + 0x0f) & 0x80) === 0, 'TC STATUS.SYNCBUSY');
      this.w16(base, this.r16(base) | 2); // ENABLE
      this.waitFor(() => (this.r8(base + 0x0f) & 0x80) === 0, 'TC STATUS.SYNCBUSY');
    } else {
      const base = TCC_BASE + 0x400 * t.n;
      this.apbc(8 + t.n);
      this.clockChannel(t.n === 2 ? 27 : 26);
      this.w32(base, 1); // CTRLA.SWRST
      this.waitFor(() => (this.r32(base + 0x08) & 1) === 0, 'TCC SYNCBUSY.SWRST');
      this.w32(base, (divisor << 8) | (1 << 12)); // PRESCALER, PRESCSYNC = PRESC
      this.w32(base + 0x3c, 2); // WAVE.WAVEGEN = NPWM
      this.w32(base + 0x40, top); // PER
      this.waitFor(() => (this.r32(base + 0x08) & ((1 << 6) | (1 << 7))) === 0, 'TCC SYNCBUSY.WAVE/PER');
      this.w32(base, this.r32(base) | 2); // ENABLE
      this.waitFor(() => (this.r32(base + 0x08) & 2) === 0, 'TCC SYNCBUSY.ENABLE');
    }
    return { users: 0, frequency, top, divisor, channels: new Set() };
  }

  private pwm(id: number): { pad: string; timer: PwmTimer } {
    const p = this.pwms.get(id);
    if (!p) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return p;
  }

  /** set_duty_cycle: TOP * duty / 0xFFFF into CC1 (TC) or the channel's CCB (TCC, applied at the next period). */
  pwmDuty(id: number, duty: number): void {
    const { timer } = this.pwm(id);
    const state = this.timers.get(Samd21Hal.timerKey(timer))!;
    const value = Math.floor((state.top * duty) / 0xffff);
    if (timer.tc) {
      const base = TC_BASE + 0x400 * (timer.n - 3);
      this.w16(base + 0x1a, value);
      this.waitFor(() => (this.r8(base + 0x0f) & 0x80) === 0, 'TC STATUS.SYNCBUSY');
    } else {
      this.w32(TCC_BASE + 0x400 * timer.n + 0x70 + 4 * Samd21Hal.tccChannel(timer), value);
    }
  }

  /** get_duty_cycle: the compare value read back, scaled by the period the port keeps (so 1000 reads 999 at TOP 47999). */
  pwmGetDuty(id: number): number {
    const { timer } = this.pwm(id);
    if (timer.tc) {
      const base = TC_BASE + 0x400 * (timer.n - 3);
      return Math.floor((this.r16(base + 0x1a) * 0xffff) / this.timers.get(Samd21Hal.timerKey(timer))!.top);
    }
    const base = TCC_BASE + 0x400 * timer.n;
    const ch = Samd21Hal.tccChannel(timer);
    const buffered = (this.r32(base + 0x30) & (1 << (16 + ch))) !== 0; // STATUS.CCBVx (31.8.13)
    const cv = this.r32(base + (buffered ? 0x70 : 0x44) + 4 * ch);
    return Math.floor((cv * 0xffff) / this.timers.get(Samd21Hal.timerKey(timer))!.top); // tcc_periods
  }

  /** The frequency the timer really runs at: 48 MHz / prescaler / (TOP + 1). */
  pwmFrequency(id: number): number {
    const state = this.timers.get(Samd21Hal.timerKey(this.pwm(id).timer))!;
    return 48e6 / PRESCALERS[state.divisor]! / (state.top + 1);
  }

  /**
   * common_hal_pwmio_pwmout_set_frequency: the prescaler and TOP that give the most resolution; the timer
   * is stopped only if the prescaler changes; a TC takes the new TOP in CC0 at once, a TCC in PERB (applied
   * at the next update, 31.6.2.6); then the duty cycle is set again for the new TOP.
   */
  pwmSetFrequency(id: number, frequency: number, duty: number): void {
    const { timer } = this.pwm(id);
    if (!(frequency > 0) || frequency > 48e6 / 2) throw new HalError('ValueError', 'Invalid frequency');
    const state = this.timers.get(Samd21Hal.timerKey(timer))!;
    const { divisor, top } = timerPeriod(frequency, timer.tc || timer.n === 2 ? 16 : 24);
    if (timer.tc) {
      const base = TC_BASE + 0x400 * (timer.n - 3);
      const syncTc = () => this.waitFor(() => (this.r8(base + 0x0f) & 0x80) === 0, 'TC STATUS.SYNCBUSY');
      if (divisor !== ((this.r16(base) >> 8) & 7)) {
        this.w16(base, this.r16(base) & ~2); // tc_set_enable(false)
        syncTc();
        this.w16(base, (this.r16(base) & ~(7 << 8)) | (divisor << 8));
        this.w16(base, this.r16(base) | 2);
        syncTc();
      }
      this.w16(base + 0x18, top); // CC0 = TOP
      syncTc();
    } else {
      const base = TCC_BASE + 0x400 * timer.n;
      const syncTcc = () => this.waitFor(() => this.r32(base + 0x08) === 0, 'TCC SYNCBUSY');
      if (divisor !== ((this.r32(base) >> 8) & 7)) {
        this.w32(base, this.r32(base) & ~2);
        syncTcc();
        this.w32(base, (this.r32(base) & ~(7 << 8)) | (divisor << 8));
        this.w32(base, this.r32(base) | 2);
      }
      syncTcc();
      this.w32(base + 0x6c, top); // PERB
    }
    state.top = top;
    state.divisor = divisor;
    state.frequency = frequency;
    this.pwmDuty(id, duty);
  }

  pwmDeinit(id: number): void {
    const p = this.pwms.get(id);
    if (!p) return;
    this.pwms.delete(id);
    const key = Samd21Hal.timerKey(p.timer);
    const state = this.timers.get(key)!;
    state.users--;
    if (!p.timer.tc) state.channels.delete(Samd21Hal.tccChannel(p.timer));
    if (state.users === 0) {
      this.timers.delete(key);
      if (p.timer.tc) this.w16(TC_BASE + 0x400 * (p.timer.n - 3), 1);
      else this.w32(TCC_BASE + 0x400 * p.timer.n, 1);
    }
    this.release(p.pad);
  }

  // ---- neopixel_write ----------------------------------------------------------------------------
  /**
   * The WS2812 waveform on an output pin, bit by bit with PORT OUTSET/OUTCLR as the port's cycle-counted
   * loop does (common-hal/neopixel_write: about 0.8 µs high for a 1, 0.4 µs for a 0, 1.25 µs per bit),
   * then the low time that latches the colours (> 50 µs; the board's WS2812B model decodes the edges).
   */
  neopixelWrite(pad: string, bytes: ArrayLike<number>): void {
    const g = Samd21Hal.group(pad);
    const m = 1 << Samd21Hal.bit(pad);
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      for (let b = 7; b >= 0; b--) {
        const one = (byte >> b) & 1;
        this.w32(g + P.OUTSET, m);
        this.clock.advance(one ? 0.8e-6 : 0.4e-6);
        this.w32(g + P.OUTCLR, m);
        this.clock.advance(one ? 0.45e-6 : 0.85e-6);
      }
    }
    this.clock.advance(80e-6);
  }

  // ---- busio.I2C ---------------------------------------------------------------------------------
  /**
   * common_hal_busio_i2c_construct: a SERCOM with SDA on PAD0 and SCL on PAD1, the pull-up test, then
   * the SERCOM in I2C master mode (28.6.2) at `frequency` from the 48 MHz generator.
   */
  i2cConstruct(scl: string, sda: string, frequency: number, sclName: string, sdaName: string): number {
    // The binding checks SCL, then SDA, before the port looks for a SERCOM.
    this.assertFree(scl, sclName);
    this.assertFree(sda, sdaName);
    const variant = this.mcu.variant;
    const sdaPads = sercomPadsOn(sda, variant);
    const sclPads = sercomPadsOn(scl, variant);
    let found: { n: number; fnSda: string; fnScl: string } | null = null;
    for (const [n, pad, fn] of sdaPads) {
      if (pad !== 0) continue;
      const s = sclPads.find(([m, p]) => m === n && p === 1);
      if (s) {
        found = { n, fnSda: fn, fnScl: s[2] };
        break;
      }
    }
    if (!found) throw new HalError('ValueError', 'Invalid pins');
    this.claim(sda, sdaName);
    try {
      this.claim(scl, sclName);
    } catch (e) {
      this.claimed.delete(sda);
      throw e;
    }
    // Pull-up test: pull both lines down for 10 µs, release, and expect them high within 3 µs.
    this.dioInput(sda, 'down');
    this.dioInput(scl, 'down');
    this.clock.advance(10e-6);
    this.dioInput(sda, 'none');
    this.dioInput(scl, 'none');
    this.clock.advance(3e-6);
    if (!this.dioGet(sda) || !this.dioGet(scl)) {
      this.release(sda);
      this.release(scl);
      throw new HalError('RuntimeError', 'No pull up found on SDA or SCL; check your wiring');
    }
    const base = SERCOM_BASE + 0x400 * found.n;
    this.apbc(2 + found.n);
    this.clockChannel(20 + found.n);
    this.w32(base + 0x00, 1); // CTRLA.SWRST
    this.waitFor(() => (this.r32(base + 0x1c) & 1) === 0, 'SERCOM SYNCBUSY.SWRST');
    this.w32(base + 0x00, (5 << 2) | (2 << 20)); // MODE = I2C master, SDAHOLD = 300-600 ns
    this.w32(base + 0x04, 1 << 8); // CTRLB.SMEN
    this.waitFor(() => (this.r32(base + 0x1c) & 4) === 0, 'SERCOM SYNCBUSY.SYSOP');
    const baud = Math.max(1, Math.min(255, Math.round((48e6 / frequency - 10) / 2)));
    this.w32(base + 0x0c, baud);
    this.w32(base + 0x00, this.r32(base + 0x00) | 2); // ENABLE
    this.waitFor(() => (this.r32(base + 0x1c) & 2) === 0, 'SERCOM SYNCBUSY.ENABLE');
    this.w16(base + 0x1a, 1 << 4); // STATUS.BUSSTATE = IDLE
    this.waitFor(() => (this.r32(base + 0x1c) & 4) === 0, 'SERCOM SYNCBUSY.SYSOP');
    this.pmux(sda, found.fnSda);
    this.pmux(scl, found.fnScl);
    const id = this.nextId++;
    this.i2c.set(id, { sercom: found.n, scl, sda });
    return id;
  }

  i2cDeinit(id: number): void {
    const bus = this.i2c.get(id);
    if (!bus) return;
    const base = SERCOM_BASE + 0x400 * bus.sercom;
    this.w32(base + 0x00, 1); // SWRST
    this.release(bus.sda);
    this.release(bus.scl);
    this.i2c.delete(id);
  }

  private i2cBase(id: number): number {
    const bus = this.i2c.get(id);
    if (!bus) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return SERCOM_BASE + 0x400 * bus.sercom;
  }

  /** Waits for INTFLAG.MB or SB (28.10.6); returns true on an ACK. */
  private i2cWaitByte(base: number): boolean {
    this.waitFor(() => (this.r8(base + 0x18) & 3) !== 0, 'SERCOM I2C INTFLAG.MB/SB');
    return (this.r16(base + 0x1a) & (1 << 2)) === 0;
  }

  private i2cStop(base: number): void {
    this.w32(base + 0x04, (this.r32(base + 0x04) & ~(3 << 16)) | (1 << 18) | (3 << 16)); // ACKACT=NACK, CMD=STOP
    this.waitFor(() => (this.r32(base + 0x1c) & 4) === 0, 'SERCOM SYNCBUSY.SYSOP');
  }

  /** Writes `bytes` to `address`; returns 0, or an errno (19: no device answered). */
  i2cWrite(id: number, address: number, bytes: ArrayLike<number>, stop: boolean): number {
    const base = this.i2cBase(id);
    this.w32(base + 0x24, address << 1);
    if (!this.i2cWaitByte(base)) {
      this.i2cStop(base);
      return 19;
    }
    for (let i = 0; i < bytes.length; i++) {
      this.w32(base + 0x28, bytes[i]!);
      if (!this.i2cWaitByte(base)) {
        this.i2cStop(base);
        return 5;
      }
    }
    if (stop) this.i2cStop(base);
    return 0;
  }

  /** Reads `n` bytes from `address` (smart mode: reading DATA acknowledges); an errno on a NACK. */
  i2cRead(id: number, address: number, n: number): number[] | number {
    const base = this.i2cBase(id);
    const ctrlb = this.r32(base + 0x04) & ~((3 << 16) | (1 << 18));
    this.w32(base + 0x04, ctrlb); // ACKACT = ACK
    this.w32(base + 0x24, (address << 1) | 1);
    if (!this.i2cWaitByte(base)) {
      this.i2cStop(base);
      return 19;
    }
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === n - 1) {
        // NACK the last byte and STOP (CTRLB.CMD = 3 with ACKACT = 1, 28.6.2.4.5).
        this.w32(base + 0x04, ctrlb | (1 << 18));
        out.push(this.r8(base + 0x28));
        this.i2cStop(base);
      } else {
        out.push(this.r8(base + 0x28));
        this.waitFor(() => (this.r8(base + 0x18) & 2) !== 0, 'SERCOM I2C INTFLAG.SB');
      }
    }
    return out;
  }
}
