/**
 * pulseio on the SAMD21: ports/atmel-samd/common-hal/pulseio/PulseOut.c and PulseIn.c (CircuitPython
 * 9.2.9) with samd-peripherals' timers.c and external_interrupts.c, against the TC, EIC and PORT registers.
 *
 * PulseOut: a PWMOut makes the carrier on the pin; a spare TC (searched from TC5 down) counts at
 * 48 MHz / 64 = 750 kHz in NFRQ mode, and its MC0 interrupt ends each pulse: the pin's PINCFG.PMUXEN is
 * cleared (PORT drives the pin low) and set again for every mark, CC0 moving on by duration x 3 / 4.
 * PulseIn: the pin on function A (EIC); a spare TC counts at 48 MHz / 16 = 3 MHz with an overflow
 * interrupt; each EIC edge (first the edge leaving idle_state, then both) reads COUNT and stores the time
 * since the previous edge, / 3, capped at 65535 µs, in a ring of maxlen entries.
 */
import { IRQ } from '../../../peripherals/samd21/memory-map.js';
import { extintOfPad, EIC_REG, EIC_SENSE } from '../../../peripherals/samd21/eic.js';
import type { HostedEic } from './eic.js';
import { TC_REG, TC_INT } from '../../../peripherals/samd21/tc.js';
import { HalError, Samd21Hal } from './hal.js';
import type { HostedNvic } from './nvic.js';
import type { HostedWaits } from './uart.js';

const EIC = 0x40001800;
const TC_BASE = 0x42002c00;
/** TC3..TC5: GCLK channel (TCC2_TC3, TC4_TC5) and APBC bit. */
const TC_GCLK = [27, 28, 28];
const CTRLA_ENABLE = 1 << 1;
const CMD_RETRIGGER = 1 << 6;
const CMD_STOP = 2 << 6;

const tcBase = (index: number) => TC_BASE + 0x400 * index;

function padIndex(pad: string): number {
  return (pad[1] === 'B' ? 32 : 0) + Number(pad.slice(2));
}

interface PulseOutState {
  pad: string;
  pwm: number;
}

interface PulseInState {
  pad: string;
  channel: number;
  maxlen: number;
  idleState: boolean;
  buffer: Uint16Array;
  start: number;
  len: number;
  firstEdge: boolean;
  erroredTooFast: boolean;
  lastOverflow: number;
  lastCount: number;
}

export class Samd21PulseIo {
  private outs = new Map<number, PulseOutState>();
  private ins = new Map<number, PulseInState>();
  private nextId = 1;
  // PulseOut's shared timer (the port's statics).
  private outRefcount = 0;
  private outTc = -1;
  private active: PulseOutState | null = null;
  private pulses: number[] = [];
  private pulseIndex = 0;
  private compare = 0;
  // PulseIn's shared timer and the EIC channels' owners.
  private inRefcount = 0;
  private inTc = -1;
  private overflowCount = 0;
  private startOverflow = 0;
  private readonly channels: (PulseInState | null)[] = new Array(16).fill(null);

  constructor(
    private readonly hal: Samd21Hal,
    private readonly nvic: HostedNvic,
    private readonly waits: HostedWaits,
    private readonly eic: HostedEic,
  ) {}

  // ---- timers (samd-peripherals timers.c) ---------------------------------------------------------

  /** The port's "find a spare timer": the highest TC whose CTRLA.ENABLE is 0. */
  private spareTc(): number {
    for (let index = 2; index >= 0; index--) if ((this.hal.r16(tcBase(index) + TC_REG.CTRLA) & CTRLA_ENABLE) === 0) return index;
    throw new HalError('RuntimeError', 'All timers in use');
  }

  private tcSync(index: number): void {
    const h = this.hal;
    h.waitFor(() => (h.r8(tcBase(index) + TC_REG.STATUS) & 0x80) === 0, 'TC STATUS.SYNCBUSY');
  }

  /** turn_on_clocks (GCLK generator 0) and CTRLA = COUNT16 | prescaler | NFRQ, then tc_set_enable. */
  private startTc(index: number, prescaler: number): void {
    const h = this.hal;
    h.apbc(11 + index);
    h.clockChannel(TC_GCLK[index]!);
    h.w16(tcBase(index) + TC_REG.CTRLA, prescaler << 8);
    h.w16(tcBase(index) + TC_REG.CTRLA, (prescaler << 8) | CTRLA_ENABLE);
    this.tcSync(index);
  }

  /** tc_reset: CTRLA.SWRST, waited out. */
  private resetTc(index: number): void {
    const h = this.hal;
    h.w16(tcBase(index) + TC_REG.CTRLA, 1);
    h.waitFor(() => (h.r16(tcBase(index) + TC_REG.CTRLA) & 1) === 0, 'TC CTRLA.SWRST');
    this.nvic.setHandler(IRQ.TC3 + index, null);
  }

  // ---- PulseOut -------------------------------------------------------------------------------

  outConstruct(pad: string, name: string, frequency: number, duty: number): number {
    const h = this.hal;
    const pwm = h.pwmConstruct(pad, name, duty, frequency, false);
    if (this.outRefcount === 0) {
      const index = this.spareTc();
      this.outTc = index;
      this.nvic.setHandler(IRQ.TC3 + index, () => this.outIsr());
      this.startTc(index, 5); // PRESCALER DIV64: 750 kHz
      h.w8(tcBase(index) + TC_REG.CTRLBSET, CMD_STOP);
    }
    this.outRefcount++;
    h.setOut(pad, false);
    h.w32(Samd21Hal.group(pad) + 0x08, 1 << Samd21Hal.bit(pad)); // DIRSET
    h.pincfg(pad, 0); // turn_off: PORT drives the pin (low)
    const id = this.nextId++;
    this.outs.set(id, { pad, pwm });
    return id;
  }

  /** pulseout_interrupt_handler / pulse_finish. */
  private outIsr(): void {
    const h = this.hal;
    const base = tcBase(this.outTc);
    if ((h.r8(base + TC_REG.INTFLAG) & TC_INT.MC0) === 0) return;
    this.pulseIndex++;
    const active = this.active;
    if (active) {
      this.hal.pincfg(active.pad, 0);
      if (this.pulseIndex < this.pulses.length) {
        this.compare = (this.compare + Math.floor((this.pulses[this.pulseIndex]! * 3) / 4)) & 0xffff;
        h.w16(base + TC_REG.CC0, this.compare);
        if (this.pulseIndex % 2 === 0) this.hal.pincfg(active.pad, 1);
      }
    }
    h.w8(base + TC_REG.INTFLAG, TC_INT.MC0);
  }

  /** common_hal_pulseio_pulseout_send: the first mark started, then the interrupts run the train. */
  outSend(id: number, pulses: number[]): void {
    const out = this.outs.get(id);
    if (!out) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    if (pulses.length === 0) return;
    if (this.active) throw new HalError('RuntimeError', 'Another send is already active');
    const h = this.hal;
    const base = tcBase(this.outTc);
    this.active = out;
    this.pulses = pulses;
    this.pulseIndex = 0;
    this.compare = Math.floor((pulses[0]! * 3) / 4);
    h.w16(base + TC_REG.CC0, this.compare);
    h.w8(base + TC_REG.INTFLAG, TC_INT.MC0);
    h.w8(base + TC_REG.INTENSET, TC_INT.MC0);
    this.hal.pincfg(out.pad, 1);
    h.w8(base + TC_REG.CTRLBSET, CMD_RETRIGGER);
    // RUN_BACKGROUND_TASKS until the interrupts have ended every pulse (a Ctrl-C ends the wait early).
    while (this.pulseIndex < pulses.length) if (!this.waits.wait(20e-6)) break;
    h.w8(base + TC_REG.CTRLBSET, CMD_STOP);
    h.w8(base + TC_REG.INTENCLR, TC_INT.MC0);
    this.hal.pincfg(out.pad, 0);
    this.active = null;
  }

  outDeinit(id: number): void {
    const out = this.outs.get(id);
    if (!out) return;
    const h = this.hal;
    if (this.active === out) this.active = null;
    h.w32(Samd21Hal.group(out.pad) + 0x04, 1 << Samd21Hal.bit(out.pad)); // DIRCLR
    this.hal.pincfg(out.pad, 1); // turn_on
    this.outRefcount--;
    if (this.outRefcount === 0) {
      this.resetTc(this.outTc);
      this.outTc = -1;
    }
    this.outs.delete(id);
    h.pwmDeinit(out.pwm);
  }

  // ---- PulseIn --------------------------------------------------------------------------------

  /** pulsein_set_config: the first edge is the one leaving idle_state (filtered); then both edges. */
  private inSetConfig(p: PulseInState, firstEdge: boolean): void {
    if (!firstEdge) {
      this.eic.configure(p.channel, EIC_SENSE.BOTH);
      return;
    }
    this.eic.configure(p.channel, (p.idleState ? EIC_SENSE.FALL : EIC_SENSE.RISE) | 0x8); // FILTEN
    this.hal.w32(EIC + EIC_REG.INTENSET, 1 << p.channel);
  }

  inConstruct(pad: string, name: string, maxlen: number, idleState: boolean): number {
    const h = this.hal;
    h.assertFree(pad, name);
    const channel = extintOfPad(padIndex(pad));
    if (channel < 0) throw new HalError('ValueError', 'Invalid pin');
    const eicOn = this.eic.enabled();
    if (eicOn && !this.eic.channelFree(channel)) throw new HalError('RuntimeError', 'Internal resource(s) in use');
    const p: PulseInState = {
      pad,
      channel,
      maxlen,
      idleState,
      buffer: new Uint16Array(Math.max(1, maxlen)),
      start: 0,
      len: 0,
      firstEdge: true,
      erroredTooFast: false,
      lastOverflow: 0,
      lastCount: 0,
    };
    if (this.inRefcount === 0) {
      const index = this.spareTc();
      this.inTc = index;
      this.nvic.setHandler(IRQ.TC3 + index, () => this.inTimerIsr());
      this.startTc(index, 4); // PRESCALER DIV16: 3 MHz
      const base = tcBase(index);
      h.w8(base + TC_REG.INTFLAG, TC_INT.OVF);
      h.w8(base + TC_REG.INTENSET, TC_INT.OVF);
      h.w8(base + TC_REG.CTRLBSET, CMD_RETRIGGER);
      this.overflowCount = 0;
    }
    this.inRefcount++;
    p.lastOverflow = this.overflowCount;
    this.channels[channel] = p;
    if (!eicOn) this.eic.turnOnController();
    h.claim(pad, name);
    h.resetPin(pad);
    h.pmux(pad, 'A');
    this.eic.setHandler(channel, (ch) => this.inEdge(this.channels[ch]!));
    this.inSetConfig(p, true);
    const id = this.nextId++;
    this.ins.set(id, p);
    return id;
  }

  /** pulsein_timer_interrupt_handler: counts overflows of the 3 MHz timer. */
  private inTimerIsr(): void {
    const h = this.hal;
    const base = tcBase(this.inTc);
    this.overflowCount++;
    if ((h.r8(base + TC_REG.INTFLAG) & TC_INT.OVF) === 0) return;
    h.w8(base + TC_REG.INTFLAG, TC_INT.OVF);
  }

  /** pulsein_interrupt_handler, including the port's arithmetic (0xffff per overflow, / 3 for µs). */
  private inEdge(p: PulseInState): void {
    const h = this.hal;
    let currentOverflow = this.overflowCount;
    const currentCount = h.r16(tcBase(this.inTc) + TC_REG.COUNT);
    if (p.len === 0) this.startOverflow = this.overflowCount;
    if (p.firstEdge) {
      p.firstEdge = false;
      this.inSetConfig(p, false);
    } else {
      if (currentCount < p.lastCount && currentOverflow === p.lastOverflow) currentOverflow += 1;
      let totalDiff = (currentCount + 0xffff * (currentOverflow - p.lastOverflow) - p.lastCount) >>> 0;
      totalDiff = Math.floor(totalDiff / 3);
      const duration = Math.min(totalDiff, 0xffff);
      if (currentOverflow - this.startOverflow > 15) {
        p.erroredTooFast = true;
        this.hal.w32(EIC + EIC_REG.INTENCLR, 1 << p.channel);
        return;
      }
      p.buffer[(p.start + p.len) % p.maxlen] = duration;
      if (p.len < p.maxlen) p.len++;
      else p.start = (p.start + 1) % p.maxlen;
    }
    p.lastOverflow = currentOverflow;
    p.lastCount = currentCount;
  }

  private pin(id: number): PulseInState {
    const p = this.ins.get(id);
    if (!p) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return p;
  }

  inPause(id: number): void {
    this.hal.w32(EIC + EIC_REG.INTENCLR, 1 << this.pin(id).channel);
  }

  /** common_hal_pulseio_pulsein_resume: paused, the optional trigger pulse driven, then armed again. */
  inResume(id: number, triggerUs: number): void {
    const p = this.pin(id);
    const h = this.hal;
    this.inPause(id);
    if (triggerUs > 0) {
      const g = Samd21Hal.group(p.pad);
      h.w8(g + 0x40 + Samd21Hal.bit(p.pad), h.r8(g + 0x40 + Samd21Hal.bit(p.pad)) & ~4); // PINCFG: no pull
      h.w32(g + 0x08, 1 << Samd21Hal.bit(p.pad)); // DIRSET
      h.setOut(p.pad, !p.idleState);
      this.waits.wait(triggerUs / 1e6);
      h.setOut(p.pad, p.idleState);
    }
    p.firstEdge = true;
    p.lastOverflow = 0;
    p.lastCount = 0;
    p.erroredTooFast = false;
    h.pmux(p.pad, 'A');
    h.w32(EIC + EIC_REG.INTFLAG, 1 << p.channel);
    h.w32(EIC + EIC_REG.INTENSET, 1 << p.channel);
    this.inSetConfig(p, true);
  }

  inClear(id: number): void {
    const p = this.pin(id);
    p.start = 0;
    p.len = 0;
  }

  inPopleft(id: number): number {
    const p = this.pin(id);
    if (p.len === 0) throw new HalError('IndexError', 'pop from empty PulseIn');
    if (p.erroredTooFast) {
      p.erroredTooFast = false;
      throw new HalError('RuntimeError', 'Input taking too long');
    }
    const v = p.buffer[p.start]!;
    p.start = (p.start + 1) % p.maxlen;
    p.len--;
    return v;
  }

  inLen(id: number): number {
    return this.pin(id).len;
  }

  inPaused(id: number): boolean {
    return (this.hal.r32(EIC + EIC_REG.INTENSET) & (1 << this.pin(id).channel)) === 0;
  }

  inGet(id: number, index: number): number {
    const p = this.pin(id);
    if (index < 0) index += p.len;
    if (index < 0 || index >= p.len) throw new HalError('IndexError', 'index out of range');
    return p.buffer[(p.start + index) % p.maxlen]!;
  }

  inDeinit(id: number): void {
    const p = this.ins.get(id);
    if (!p) return;
    const h = this.hal;
    this.eic.turnOffChannel(p.channel);
    this.channels[p.channel] = null;
    h.release(p.pad);
    this.inRefcount--;
    if (this.inRefcount === 0) {
      this.resetTc(this.inTc);
      this.inTc = -1;
    }
    this.ins.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.outs.keys()]) this.outDeinit(id);
    for (const id of [...this.ins.keys()]) this.inDeinit(id);
  }
}
