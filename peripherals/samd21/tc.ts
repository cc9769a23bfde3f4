/**
 * TC3-TC5, the basic timer/counters (data sheet DS40001882 section 30 "TC").
 *
 * Counter modes (CTRLA.MODE): COUNT16 (default), COUNT8 (with PER), COUNT32 (TC4+TC5 paired: the
 * even TC counts 32 bits, the odd one reports STATUS.SLAVE, 30.6.2.5). The register layout from
 * 0x10 depends on the mode (30.8 "Register Summary" for 8/16/32 bit):
 *   COUNT8:  COUNT 0x10 (8), PER 0x14 (8), CC0 0x18 (8), CC1 0x19 (8)
 *   COUNT16: COUNT 0x10 (16),              CC0 0x18 (16), CC1 0x1A (16)
 *   COUNT32: COUNT 0x10 (32),              CC0 0x18 (32), CC1 0x1C (32)
 * so the block declares 32-bit slots there and decodes accesses by mode and byte lane.
 *
 * Counting is computed from the cycle timeline (tc-counter.ts); overflow and compare-match points
 * are scheduled SimEvents. f_tick = f_GCLK_TC / PRESCALER. Waveforms (30.6.2.6, table 30-2):
 *   NFRQ  TOP = MAX (PER in COUNT8): WO[x] toggles on match CCx
 *   MFRQ  TOP = CC0: WO[0] toggles at TOP, WO[1] toggles on match CC1
 *   NPWM  TOP = MAX (PER in COUNT8): up: WO[x] set at ZERO (update), cleared on match CCx;
 *         down: cleared at update, set on match
 *   MPWM  TOP = CC0: WO[1] as NPWM with CC1; WO[0] gives a one-tick low pulse at each update
 * CTRLC.INVENx inverts WO[x]. The outputs drive the pads whose PMUX selects this TC (function E,
 * table 7-1) through the foundation's pad handles, or anything attached with `attachOutput`.
 *
 * Synchronisation (30.6.6): writes to CTRLA.ENABLE/SWRST, CTRLBSET/CLR, COUNT, PER, CCx and a
 * READREQ.RREQ set STATUS.SYNCBUSY for a few GCLK_TC periods; INTFLAG.SYNCRDY when it clears.
 * A COUNT read right after a read request (READREQ.RREQ with ADDR = 0x10) returns the value that
 * request captured; with READREQ.RCONT = 1 every read is the live count (30.6.6.3 "Read
 * request"). Any other read returns the live count too: CircuitPython's SAMD21 pulseio.PulseIn
 * reads COUNT with neither (common-hal/pulseio/PulseIn.c) and measures correct NEC durations on
 * a real CPX (circuitpython issue #3216 shows them), so silicon does not return a stale value.
 * Events in (EVCTRL.TCEI, EVACT): RETRIGGER, COUNT, START; with CTRLC.CPTENx an event captures
 * COUNT into CCx (MCx; ERR if MCx was still set). PPW/PWP period/pulse-width capture needs the
 * input level, which events do not carry: not modelled. Events out: OVFEO, MCEOx.
 * DMA triggers: OVF (0x18 + 3(n-3)), MC0/MC1.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy, writeCtrlaSwrstEnable } from './sync-busy.js';
import { padIndex, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from './memory-map.js';
import { TimelineCounter, prescaledTickCycles } from './tc-counter.js';

/** Something a waveform output can drive: a PadHandle, a kernel Pin. */
export interface WaveformSink {
  drive(level: 0 | 1 | null): void;
}

/** Pads carrying TCn/WO[x] on peripheral function E (data sheet table 7-1). */
export const TC_WO_PADS: Record<number, [string[], string[]]> = {
  3: [['PA14', 'PA18'], ['PA15', 'PA19']],
  4: [['PA22', 'PB08', 'PB12'], ['PA23', 'PB09', 'PB13']],
  5: [['PA24', 'PB10', 'PB14'], ['PA25', 'PB11', 'PB15']],
};

/**
 * Register offsets (30.8 register summary). From COUNT on the layout depends on CTRLA.MODE: CC1 is
 * at CC0 + 1 (COUNT8), + 2 (COUNT16) or + 4 (COUNT32); PER exists in COUNT8 only.
 */
export const TC_REG = {
  CTRLA: 0x00, READREQ: 0x02, CTRLBCLR: 0x04, CTRLBSET: 0x05, CTRLC: 0x06, DBGCTRL: 0x08, EVCTRL: 0x0a,
  INTENCLR: 0x0c, INTENSET: 0x0d, INTFLAG: 0x0e, STATUS: 0x0f, COUNT: 0x10, PER: 0x14, CC0: 0x18,
  COUNT8_CC1: 0x19, COUNT16_CC1: 0x1a, COUNT32_CC1: 0x1c,
} as const;
/** CTRLA (30.8.1). */
export const TC_CTRLA = {
  SWRST: 1 << 0, ENABLE: 1 << 1, MODE_Pos: 2, MODE_Msk: 0x3 << 2, WAVEGEN_Pos: 5, WAVEGEN_Msk: 0x3 << 5,
  PRESCALER_Pos: 8, PRESCALER_Msk: 0x7 << 8, RUNSTDBY: 1 << 11, PRESCSYNC_Pos: 12, PRESCSYNC_Msk: 0x3 << 12,
} as const;
/** CTRLA.MODE values. */
export const TC_MODE = { COUNT16: 0, COUNT8: 1, COUNT32: 2 } as const;
/** CTRLA.WAVEGEN values (table 30-2). */
export const TC_WAVEGEN = { NFRQ: 0, MFRQ: 1, NPWM: 2, MPWM: 3 } as const;
/** READREQ (30.8.2). */
export const TC_READREQ = { ADDR_Pos: 0, ADDR_Msk: 0x1f << 0, RCONT: 1 << 14, RREQ: 1 << 15 } as const;
/** CTRLBSET / CTRLBCLR (30.8.3-4). */
export const TC_CTRLB = { DIR: 1 << 0, ONESHOT: 1 << 2, CMD_Pos: 6, CMD_Msk: 0x3 << 6 } as const;
/** CTRLBSET.CMD values. */
export const TC_CMD = { NONE: 0, RETRIGGER: 1, STOP: 2 } as const;
/** CTRLC (30.8.5). */
export const TC_CTRLC = { INVEN0: 1 << 0, INVEN1: 1 << 1, CPTEN0: 1 << 4, CPTEN1: 1 << 5 } as const;
/** DBGCTRL (30.8.7). */
export const TC_DBGCTRL = { DBGRUN: 1 << 0 } as const;
/** EVCTRL (30.8.8). */
export const TC_EVCTRL = { EVACT_Pos: 0, EVACT_Msk: 0x7 << 0, TCINV: 1 << 4, TCEI: 1 << 5, OVFEO: 1 << 8, MCEO0: 1 << 12, MCEO1: 1 << 13 } as const;
/** EVCTRL.EVACT values (PPW/PWP not modelled). */
export const TC_EVACT = { OFF: 0, RETRIGGER: 1, COUNT: 2, START: 3, PPW: 5, PWP: 6 } as const;
/** INTFLAG / INTENSET / INTENCLR (30.8.9-11). */
export const TC_INT = { OVF: 1 << 0, ERR: 1 << 1, SYNCRDY: 1 << 3, MC0: 1 << 4, MC1: 1 << 5 } as const;
/** STATUS (30.8.12). */
export const TC_STATUS = { STOP: 1 << 3, SLAVE: 1 << 4, SYNCBUSY: 1 << 7 } as const;

const CTRLA_WRITABLE =
  TC_CTRLA.SWRST | TC_CTRLA.ENABLE | TC_CTRLA.MODE_Msk | TC_CTRLA.WAVEGEN_Msk | TC_CTRLA.PRESCALER_Msk | TC_CTRLA.RUNSTDBY | TC_CTRLA.PRESCSYNC_Msk;
const READREQ_WRITABLE = TC_READREQ.ADDR_Msk | TC_READREQ.RCONT | TC_READREQ.RREQ;
const CTRLC_WRITABLE = TC_CTRLC.INVEN0 | TC_CTRLC.INVEN1 | TC_CTRLC.CPTEN0 | TC_CTRLC.CPTEN1;
const EVCTRL_WRITABLE = TC_EVCTRL.EVACT_Msk | TC_EVCTRL.TCINV | TC_EVCTRL.TCEI | TC_EVCTRL.OVFEO | TC_EVCTRL.MCEO0 | TC_EVCTRL.MCEO1;
const INT_MASK = TC_INT.OVF | TC_INT.ERR | TC_INT.SYNCRDY | TC_INT.MC0 | TC_INT.MC1;
/** SyncBusy bits: SWRST and ENABLE as in CTRLA, every other synchronised write as STATUS.SYNCBUSY. */
const SYNC = { SWRST: TC_CTRLA.SWRST, ENABLE: TC_CTRLA.ENABLE, REGISTER: TC_STATUS.SYNCBUSY } as const;
/** Counter maxima per mode. */
const MAX = { COUNT8: 0xff, COUNT16: 0xffff, COUNT32: 0xffffffff } as const;

export class TC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly READREQ: Register;
  readonly CTRLBCLR: Register;
  readonly CTRLBSET: Register;
  readonly CTRLC: Register;
  readonly DBGCTRL: Register;
  readonly EVCTRL: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly sync: SyncBusy;

  /** CTRLB (DIR, ONESHOT) as CTRLBSET/CTRLBCLR read it. */
  ctrlb = 0;
  PER: number = MAX.COUNT8;
  readonly CC = [0, 0];
  /** COUNT as the last read request captured it, and whether a read has yet to return it. */
  private countRead = 0;
  private countReadPending = false;
  readonly counter: TimelineCounter;
  private enabled = false;
  /** STATUS.STOP (30.8.10): set while disabled (reset value 0x08), by STOP and by a one-shot wrap. */
  private stopped = true;
  private readonly next: SimEvent;
  private readonly pulseEnd: SimEvent;
  /** Waveform output levels before inversion. */
  private readonly wo: (0 | 1)[] = [0, 0];
  private readonly sinks: WaveformSink[][] = [[], []];
  private padsResolved = false;
  /** The odd TC of a 32-bit pair (TC5 for TC4), to flag STATUS.SLAVE. */
  slave: TC | null = null;
  private isSlave = false;
  readonly gclkId: number;
  readonly irqLine: number;

  constructor(
    readonly chip: Samd21Chip,
    readonly index: number,
  ) {
    super(`TC${index}`, 0x400);
    this.gclkId = index === 3 ? GCLK_ID.TCC2_TC3 : index <= 5 ? GCLK_ID.TC4_TC5 : GCLK_ID.TC6_TC7;
    this.irqLine = IRQ.TC3 + (index - 3);
    this.counter = new TimelineCounter(chip.scheduler);
    this.next = new SimEvent(`${this.name}.count`, () => this.fire());
    this.pulseEnd = new SimEvent(`${this.name}.wo0pulse`, () => this.setWo(0, 1));
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(this.gclkId), (bits) => this.syncDone(bits), 3);

    this.CTRLA = this.reg({ name: 'CTRLA', offset: TC_REG.CTRLA, size: 2, writable: CTRLA_WRITABLE, write: (v, old) => this.ctrlaWritten(v, old) });
    this.READREQ = this.reg({ name: 'READREQ', offset: TC_REG.READREQ, size: 2, writable: READREQ_WRITABLE, write: (v) => this.readreqWritten(v) });
    this.CTRLBCLR = this.reg({ name: 'CTRLBCLR', offset: TC_REG.CTRLBCLR, size: 1, read: () => this.ctrlb, write: (v, _o, m) => this.ctrlbWritten(v & m, false) });
    this.CTRLBSET = this.reg({ name: 'CTRLBSET', offset: TC_REG.CTRLBSET, size: 1, read: () => this.ctrlb, write: (v, _o, m) => this.ctrlbWritten(v & m, true) });
    this.CTRLC = this.reg({
      name: 'CTRLC',
      offset: TC_REG.CTRLC,
      size: 1,
      writable: CTRLC_WRITABLE,
      write: (_v, old) => {
        if (this.CTRLA.value & TC_CTRLA.ENABLE) this.CTRLC.value = old; // enable-protected
        this.driveOutputs();
      },
    });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: TC_REG.DBGCTRL, size: 1, writable: TC_DBGCTRL.DBGRUN });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: TC_REG.EVCTRL, size: 2, writable: EVCTRL_WRITABLE });
    this.int = new InterruptRegisters(this, { INTENCLR: TC_REG.INTENCLR, INTENSET: TC_REG.INTENSET, INTFLAG: TC_REG.INTFLAG }, 1, INT_MASK, (l) =>
      chip.irq(this.irqLine, l),
    );
    this.STATUS = this.reg({
      name: 'STATUS',
      offset: TC_REG.STATUS,
      size: 1,
      writable: 0,
      read: () => (this.stopped ? TC_STATUS.STOP : 0) | (this.isSlave ? TC_STATUS.SLAVE : 0) | (this.sync.busy ? TC_STATUS.SYNCBUSY : 0),
    });
    this.reg({ name: 'COUNT', offset: TC_REG.COUNT, size: 4, read: () => this.readCount(), write: (v, _o, m) => this.writeCount(v, m) });
    this.reg({
      name: 'PER',
      offset: TC_REG.PER,
      size: 4,
      read: () => (this.mode === TC_MODE.COUNT8 ? this.PER : 0),
      write: (v, _o, m) => {
        if (this.mode !== TC_MODE.COUNT8 || !(m & MAX.COUNT8)) return;
        this.counter.rebase();
        this.PER = v & MAX.COUNT8;
        this.sync.start(SYNC.REGISTER);
        this.retime();
      },
    });
    this.reg({ name: 'CC', offset: TC_REG.CC0, size: 4, read: () => this.readCc(TC_REG.CC0), write: (v, _o, m) => this.writeCc(TC_REG.CC0, v, m) });
    this.reg({
      name: 'CC32_1',
      offset: TC_REG.COUNT32_CC1,
      size: 4,
      read: () => this.readCc(TC_REG.COUNT32_CC1),
      write: (v, _o, m) => this.writeCc(TC_REG.COUNT32_CC1, v, m),
    });

    chip.onClockChange(() => this.retime());
    chip.onEventUser(EVENT_USER.TC3 + (index - 3), () => this.eventIn());
  }

  // ---------------------------------------------------------------- wiring

  /** Drives WO[x] into `sink` as well as into the PMUX-selected pads. */
  attachOutput(x: 0 | 1, sink: WaveformSink): void {
    this.sinks[x].push(sink);
    sink.drive(this.outLevel(x));
  }

  private resolvePads(): void {
    if (this.padsResolved || !this.chip.pads) return;
    this.padsResolved = true;
    const table = TC_WO_PADS[this.index];
    if (!table) return;
    for (let x = 0; x < 2; x++) for (const name of table[x]) this.sinks[x].push(this.chip.pad(padIndex(name), 'E'));
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.next);
    this.chip.scheduler.cancel(this.pulseEnd);
    this.ctrlb = 0;
    this.PER = MAX.COUNT8;
    this.CC[0] = this.CC[1] = 0;
    this.countRead = 0;
    this.countReadPending = false;
    this.counter.reset();
    this.enabled = false;
    this.stopped = true;
    this.setSlave(false);
  }

  // ---------------------------------------------------------------- configuration

  get mode(): number {
    return (this.CTRLA.value & TC_CTRLA.MODE_Msk) >>> TC_CTRLA.MODE_Pos;
  }

  get wavegen(): number {
    return (this.CTRLA.value & TC_CTRLA.WAVEGEN_Msk) >>> TC_CTRLA.WAVEGEN_Pos;
  }

  private get max(): number {
    const m = this.mode;
    return m === TC_MODE.COUNT8 ? MAX.COUNT8 : m === TC_MODE.COUNT32 ? MAX.COUNT32 : MAX.COUNT16;
  }

  /** TOP for the current waveform mode (table 30-2). */
  get top(): number {
    const w = this.wavegen;
    if (w === TC_WAVEGEN.MFRQ || w === TC_WAVEGEN.MPWM) return this.CC[0];
    return this.mode === TC_MODE.COUNT8 ? this.PER : this.max;
  }

  /** Scheduler cycles per counter tick. */
  tickCycles(): number {
    const prescaler = (this.CTRLA.value & TC_CTRLA.PRESCALER_Msk) >>> TC_CTRLA.PRESCALER_Pos;
    return prescaledTickCycles(this.chip.scheduler.frequency, this.chip.gclkFrequency(this.gclkId), prescaler);
  }

  private setSlave(on: boolean): void {
    if (this.slave) this.slave.isSlave = on;
  }

  private ctrlaWritten(v: number, old: number): void {
    writeCtrlaSwrstEnable(this.CTRLA, v, old, this.sync, SYNC.SWRST, SYNC.ENABLE);
  }

  private syncDone(bits: number): void {
    if (bits & SYNC.SWRST) {
      this.softwareReset();
      return;
    }
    if (bits & SYNC.ENABLE) {
      const on = (this.CTRLA.value & TC_CTRLA.ENABLE) !== 0;
      if (on && !this.enabled) this.enable();
      else if (!on && this.enabled) this.disable();
    }
    this.int.set(TC_INT.SYNCRDY);
  }

  private enable(): void {
    this.enabled = true;
    this.stopped = false;
    this.resolvePads();
    this.setSlave(this.mode === TC_MODE.COUNT32);
    const c = this.counter;
    c.max = this.max;
    c.top = this.top;
    c.up = !(this.ctrlb & TC_CTRLB.DIR);
    // Counting by events only (EVACT COUNT) or waiting for START: the clock does not advance it.
    const evact = (this.EVCTRL.value & TC_EVCTRL.EVACT_Msk) >>> TC_EVCTRL.EVACT_Pos;
    const eventDriven = this.EVCTRL.value & TC_EVCTRL.TCEI && (evact === TC_EVACT.COUNT || evact === TC_EVACT.START);
    c.enable(this.tickCycles(), !eventDriven);
    this.initialOutputs();
    this.reschedule();
  }

  private disable(): void {
    this.counter.stop();
    this.enabled = false;
    this.stopped = true;
    this.setSlave(false);
    this.chip.scheduler.cancel(this.next);
  }

  /** Re-derives TOP/tick after a clock or register change, keeping the count. */
  private retime(): void {
    this.counter.reshape(this.max, this.top, false, this.tickCycles());
    if (this.enabled) this.reschedule();
  }

  private ctrlbWritten(bits: number, set: boolean): void {
    const cmd = (bits & TC_CTRLB.CMD_Msk) >>> TC_CTRLB.CMD_Pos;
    const flags = bits & (TC_CTRLB.DIR | TC_CTRLB.ONESHOT);
    this.counter.rebase();
    this.ctrlb = set ? this.ctrlb | flags : this.ctrlb & ~flags;
    this.counter.up = !(this.ctrlb & TC_CTRLB.DIR);
    this.sync.start(SYNC.REGISTER);
    if (set && cmd === TC_CMD.RETRIGGER) this.retrigger();
    else if (set && cmd === TC_CMD.STOP) {
      this.counter.stop();
      this.stopped = true;
      this.chip.scheduler.cancel(this.next);
      return;
    }
    if (this.enabled) this.reschedule();
  }

  /** RETRIGGER command or event: restart from ZERO (up) or TOP (down) (30.6.2.7). */
  private retrigger(): void {
    if (!this.enabled) return;
    this.counter.retrigger(this.top);
    this.stopped = false;
    this.initialOutputs();
    this.reschedule();
  }

  private readreqWritten(v: number): void {
    if (v & TC_READREQ.RREQ && (v & TC_READREQ.ADDR_Msk) >>> TC_READREQ.ADDR_Pos === TC_REG.COUNT) {
      // Read request: COUNT is synchronised into the APB domain (30.6.6.3).
      this.sync.start(SYNC.REGISTER);
      this.countRead = this.counter.count;
      this.countReadPending = true;
    }
  }

  private readCount(): number {
    const requested = this.countReadPending && !(this.READREQ.value & TC_READREQ.RCONT);
    this.countReadPending = false;
    return (requested ? this.countRead : this.counter.count) & this.max;
  }

  private writeCount(v: number, mask: number): void {
    this.counter.writeCount(v, mask, this.max);
    this.sync.start(SYNC.REGISTER);
    if (this.enabled) this.reschedule();
  }

  private readCc(slot: number): number {
    // The 32-bit slot at CC0 holds CC0 and CC1 in COUNT8 (bytes 0, 1) and COUNT16 (halves).
    const m = this.mode;
    const first = slot === TC_REG.CC0;
    if (m === TC_MODE.COUNT8) return first ? (this.CC[0] & MAX.COUNT8) | ((this.CC[1] & MAX.COUNT8) << 8) : 0;
    if (m === TC_MODE.COUNT32) return first ? this.CC[0] : this.CC[1];
    return first ? ((this.CC[0] & MAX.COUNT16) | ((this.CC[1] & MAX.COUNT16) << 16)) >>> 0 : 0;
  }

  private writeCc(slot: number, v: number, mask: number): void {
    const m = this.mode;
    this.counter.rebase();
    const first = slot === TC_REG.CC0;
    if (m === TC_MODE.COUNT8) {
      if (!first) return;
      if (mask & MAX.COUNT8) this.CC[0] = v & MAX.COUNT8;
      if (mask & (MAX.COUNT8 << 8)) this.CC[1] = (v >>> 8) & MAX.COUNT8;
    } else if (m === TC_MODE.COUNT32) {
      const i = first ? 0 : 1;
      this.CC[i] = ((this.CC[i] & ~mask) | (v & mask)) >>> 0;
    } else {
      if (!first) return;
      if (mask & MAX.COUNT16) this.CC[0] = ((this.CC[0] & ~mask) | (v & mask)) & MAX.COUNT16;
      if (mask & (MAX.COUNT16 << 16)) this.CC[1] = ((((this.CC[1] << 16) & ~mask) | (v & mask)) >>> 16) & MAX.COUNT16;
    }
    this.sync.start(SYNC.REGISTER);
    this.counter.top = this.top;
    if (this.enabled) this.reschedule();
  }

  // ---------------------------------------------------------------- counting

  /** Schedules `next` at the nearer of the update and the CC0/CC1 matches. */
  private reschedule(): void {
    const c = this.counter;
    c.top = this.top;
    if (!this.enabled || !c.ticking) {
      this.chip.scheduler.cancel(this.next);
      return;
    }
    c.scheduleTick(this.next, Math.min(c.ticksToUpdate(), c.ticksUntil(this.CC[0]), c.ticksUntil(this.CC[1])));
  }

  private fire(): void {
    const c = this.counter;
    const prev = c.baseCount;
    const count = c.advance(c.pendingTicks).count;
    const up = c.up;
    // Up: the only way to reach ZERO is the TOP -> ZERO wrap; down: ZERO -> TOP.
    const update = up ? count === 0 : count === c.top && prev === 0;
    const w = this.wavegen;
    let flags = 0;
    // Work out the final levels first so a set and a clear on the same tick make no glitch.
    let wo0 = this.wo[0];
    let wo1 = this.wo[1];
    if (update) {
      flags |= TC_INT.OVF;
      if (w === TC_WAVEGEN.NPWM) wo0 = wo1 = up ? 1 : 0;
      else if (w === TC_WAVEGEN.MPWM) {
        wo1 = up ? 1 : 0;
        wo0 = 0; // one-tick low pulse on WO[0] at each update (30.6.2.6.3)
        this.chip.scheduler.scheduleAt(this.pulseEnd, c.cycleOfTick(1));
      }
    }
    if (count === this.CC[0]) {
      flags |= TC_INT.MC0;
      if (w === TC_WAVEGEN.NFRQ || w === TC_WAVEGEN.MFRQ) wo0 = wo0 ? 0 : 1;
      else if (w === TC_WAVEGEN.NPWM) wo0 = up ? 0 : 1;
    }
    if (count === this.CC[1]) {
      flags |= TC_INT.MC1;
      if (w === TC_WAVEGEN.NFRQ || w === TC_WAVEGEN.MFRQ) wo1 = wo1 ? 0 : 1;
      else wo1 = up ? 0 : 1;
    }
    this.setWo(0, wo0);
    this.setWo(1, wo1);
    this.signal(flags);
    if (update && this.ctrlb & TC_CTRLB.ONESHOT) {
      // One-shot: the counter stops at the next update (30.6.2.8); STATUS.STOP reads 1.
      c.running = false;
      this.stopped = true;
      return;
    }
    this.reschedule();
  }

  private signal(flags: number): void {
    if (!flags) return;
    this.int.set(flags);
    const ev = this.EVCTRL.value;
    const n = this.index - 3;
    if (flags & TC_INT.OVF) {
      this.chip.dmaTrigger(DMA_TRIGGER.tcOvf(this.index));
      if (ev & TC_EVCTRL.OVFEO) this.chip.generateEvent(EVENT_GENERATOR.TC3_OVF + 3 * n);
    }
    for (let x = 0; x < 2; x++) {
      if (!(flags & (TC_INT.MC0 << x))) continue;
      this.chip.dmaTrigger(DMA_TRIGGER.tcMc(this.index, x));
      if (ev & (TC_EVCTRL.MCEO0 << x)) this.chip.generateEvent(EVENT_GENERATOR.TC3_OVF + 3 * n + 1 + x);
    }
  }

  private eventIn(): void {
    const ev = this.EVCTRL.value;
    if (!this.enabled) return;
    const c = this.counter;
    // Capture channels (CTRLC.CPTENx) take the count on any input event (30.6.2.9).
    const cpten = this.CTRLC.value & (TC_CTRLC.CPTEN0 | TC_CTRLC.CPTEN1);
    if (cpten) {
      c.rebase();
      for (let x = 0; x < 2; x++) {
        if (!(cpten & (TC_CTRLC.CPTEN0 << x))) continue;
        const bit = TC_INT.MC0 << x;
        if (this.int.flags() & bit) this.int.set(TC_INT.ERR);
        this.CC[x] = c.count;
        this.signal(bit);
      }
    }
    if (!(ev & TC_EVCTRL.TCEI)) return;
    switch ((ev & TC_EVCTRL.EVACT_Msk) >>> TC_EVCTRL.EVACT_Pos) {
      case TC_EVACT.RETRIGGER:
        c.rebase();
        this.retrigger();
        break;
      case TC_EVACT.START:
        if (!c.running) {
          c.start();
          this.reschedule();
        }
        break;
      case TC_EVACT.COUNT: {
        // Each event is one count step; overflow and matches are checked on the new value.
        const r = c.countAfter(1);
        const prev = c.baseCount;
        c.baseCount = r.count;
        const flags =
          (r.count === 0 && prev !== 0 ? TC_INT.OVF : 0) |
          (r.count === this.CC[0] ? TC_INT.MC0 : 0) |
          (r.count === this.CC[1] ? TC_INT.MC1 : 0);
        this.signal(flags);
        break;
      }
    }
  }

  // ---------------------------------------------------------------- waveform outputs

  private initialOutputs(): void {
    const w = this.wavegen;
    const up = this.counter.up;
    for (let x = 0; x < 2; x++) {
      let level: 0 | 1 = 0;
      if (w === TC_WAVEGEN.NPWM || (w === TC_WAVEGEN.MPWM && x === 1)) {
        // Starting at ZERO (up) is an update: set, unless CCx = 0 clears it on the same tick.
        level = up ? (this.CC[x] === 0 ? 0 : 1) : 0;
      } else if (w === TC_WAVEGEN.MPWM) level = 1;
      this.wo[x] = level;
    }
    this.driveOutputs();
  }

  private setWo(x: number, level: 0 | 1): void {
    if (this.wo[x] === level) return;
    this.wo[x] = level;
    const out = this.outLevel(x);
    for (const s of this.sinks[x]) s.drive(out);
  }

  private outLevel(x: number): 0 | 1 {
    const inv = this.CTRLC.value & (TC_CTRLC.INVEN0 << x) ? 1 : 0;
    return (this.wo[x] ^ inv) as 0 | 1;
  }

  private driveOutputs(): void {
    for (let x = 0; x < 2; x++) {
      const out = this.outLevel(x);
      for (const s of this.sinks[x]) s.drive(out);
    }
  }

  /** Current waveform output WO[x] after inversion (tests, UI). */
  output(x: 0 | 1): 0 | 1 {
    return this.outLevel(x);
  }

  /** Current COUNT (debuggers/tests), without a read request. */
  get count(): number {
    return this.counter.count;
  }
}
