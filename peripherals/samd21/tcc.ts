/**
 * TCC0-TCC2, the timer/counters for control applications (data sheet DS40001882 section 31).
 *
 * TCC0: 24-bit, 4 compare channels, WO[0..7]; TCC1: 24-bit, 2 channels, WO[0..3]; TCC2: 16-bit,
 * 2 channels, WO[0..1]. Counting is computed from the cycle timeline (tc-counter.ts) with one
 * scheduled SimEvent at the next update/match point.
 *
 * - WAVE.WAVEGEN (31.6.2.5, table 31-2): NFRQ (TOP = PER, WO toggles on match), MFRQ (TOP = CC0,
 *   toggles on match), NPWM (TOP = PER; up: set at update, cleared on CCx match; POLx = 1 inverts
 *   the edges; down-counting mirrors it), dual-slope DSCRITICAL/DSBOTTOM/DSBOTH/DSTOP (TOP = PER,
 *   counting 0 -> PER -> 0; WO cleared on CCx match up and set on CCx match down, POLx inverts;
 *   OVF at ZERO (DSBOTTOM, DSCRITICAL), TOP (DSTOP) or both (DSBOTH)).
 * - Double buffering (31.6.2.6): PERB/CCBx/WAVEB/PATTB set STATUS.PERBV/CCBVx/... and are copied
 *   into PER/CCx/... at the next update unless CTRLB.LUPD = 1; CTRLBSET.CMD UPDATE forces it.
 * - CTRLBSET/CLR (31.8.3): DIR, LUPD, ONESHOT; CMD RETRIGGER (restart), STOP (STATUS.STOP),
 *   UPDATE, READSYNC (COUNT reads the count synchronised by it). CMD reads back 0 once executed;
 *   writes set SYNCBUSY.CTRLB for a few GCLK_TCC periods. Writes to COUNT, PER, CCx, WAVE, PATT
 *   and their buffers set their SYNCBUSY bits likewise (31.6.8).
 * - Outputs: WEXCTRL.OTMX 0 (WO[x] follows channel x mod CC_NUM) and 2 (every WO follows CC0)
 *   are modelled, 1 and 3 fall back to 0; dead-time insertion (DTIENx) is not modelled. PATT.PGEx
 *   overrides WO[x] with PGVx; DRVCTRL.INVENx inverts WO[x] last. The outputs drive the pads
 *   PMUX-selected for this TCC (functions E and F, table 7-1) and anything `attachOutput` adds.
 * - Interrupts OVF, MC0-3 (TRG/CNT/ERR/fault flags exist but only ERR on capture overrun is set);
 *   events out OVFEO, MCEOx; events in (TCEI0/1) RETRIGGER, COUNT, START, STOP; CPTENx capture on
 *   MCEIx events. DMA triggers OVF and MCx.
 * - Fault inputs (FCTRLA/B), recoverable/non-recoverable fault actions and the circular buffers
 *   (CIPEREN/CICCEN) are stored but have no effect.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy, writeCtrlaSwrstEnable } from './sync-busy.js';
import { padIndex, type PadFunction, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from './memory-map.js';
import { TimelineCounter, prescaledTickCycles } from './tc-counter.js';
import type { WaveformSink } from './tc.js';

export const TCC_WAVEGEN = { NFRQ: 0, MFRQ: 1, NPWM: 2, DSCRITICAL: 4, DSBOTTOM: 5, DSBOTH: 6, DSTOP: 7 } as const;
export const TCC_INTFLAG = { OVF: 1 << 0, TRG: 1 << 1, CNT: 1 << 2, ERR: 1 << 3, MC0: 1 << 16 } as const;
export const TCC_CMD = { NONE: 0, RETRIGGER: 1, STOP: 2, UPDATE: 3, READSYNC: 4 } as const;
/** SYNCBUSY bits (31.8.4). */
export const TCC_SYNCBUSY = {
  SWRST: 1 << 0, ENABLE: 1 << 1, CTRLB: 1 << 2, STATUS: 1 << 3, COUNT: 1 << 4, PATT: 1 << 5, WAVE: 1 << 6, PER: 1 << 7,
  CC0: 1 << 8, PATTB: 1 << 16, WAVEB: 1 << 17, PERB: 1 << 18, CCB0: 1 << 19,
} as const;

const CTRLB_DIR = 1 << 0;
const CTRLB_LUPD = 1 << 1;
const CTRLB_ONESHOT = 1 << 2;
const STATUS_STOP = 1 << 0;
const STATUS_PATTBV = 1 << 5;
const STATUS_WAVEBV = 1 << 6;
const STATUS_PERBV = 1 << 7;
const STATUS_CCBV0 = 1 << 16;

/** Pads carrying TCCn/WO[x]: [pad, function, x] (data sheet table 7-1, functions E and F). */
export const TCC_WO_PADS: Record<number, [string, PadFunction, number][]> = {
  0: [
    ['PA04', 'E', 0], ['PA05', 'E', 1], ['PA08', 'E', 0], ['PA09', 'E', 1], ['PB30', 'E', 0], ['PB31', 'E', 1],
    ['PA10', 'F', 2], ['PA11', 'F', 3], ['PA18', 'F', 2], ['PA19', 'F', 3],
    ['PB10', 'F', 4], ['PB11', 'F', 5], ['PA14', 'F', 4], ['PA15', 'F', 5], ['PB16', 'F', 4], ['PB17', 'F', 5],
    ['PA22', 'F', 4], ['PA23', 'F', 5],
    ['PB12', 'F', 6], ['PB13', 'F', 7], ['PA12', 'F', 6], ['PA13', 'F', 7], ['PA16', 'F', 6], ['PA17', 'F', 7],
    ['PA20', 'F', 6], ['PA21', 'F', 7],
  ],
  1: [
    ['PA06', 'E', 0], ['PA07', 'E', 1], ['PA10', 'E', 0], ['PA11', 'E', 1], ['PA30', 'E', 0], ['PA31', 'E', 1],
    ['PA08', 'F', 2], ['PA09', 'F', 3], ['PA24', 'F', 2], ['PA25', 'F', 3],
  ],
  2: [['PA00', 'E', 0], ['PA01', 'E', 1], ['PA12', 'E', 0], ['PA13', 'E', 1], ['PA16', 'E', 0], ['PA17', 'E', 1]],
};

export class TCC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CTRLBCLR: Register;
  readonly CTRLBSET: Register;
  readonly SYNCBUSY: Register;
  readonly FCTRLA: Register;
  readonly FCTRLB: Register;
  readonly WEXCTRL: Register;
  readonly DRVCTRL: Register;
  readonly DBGCTRL: Register;
  readonly EVCTRL: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly COUNT: Register;
  readonly PATT: Register;
  readonly WAVE: Register;
  readonly PER: Register;
  readonly CC: Register[] = [];
  readonly PATTB: Register;
  readonly WAVEB: Register;
  readonly PERB: Register;
  readonly CCB: Register[] = [];
  readonly sync: SyncBusy;

  readonly ccNum: number;
  readonly woNum: number;
  readonly max: number;
  ctrlb = 0;
  private status = 0;
  private countRead = 0;
  readonly counter: TimelineCounter;
  private enabled = false;
  private readonly next: SimEvent;
  /** Channel waveform levels (before output matrix, pattern and inversion). */
  private readonly ch: (0 | 1)[] = [0, 0, 0, 0];
  private readonly outLevels: (0 | 1)[] = [0, 0, 0, 0, 0, 0, 0, 0];
  private readonly sinks: WaveformSink[][] = [[], [], [], [], [], [], [], []];
  private padsResolved = false;
  readonly gclkId: number;
  readonly irqLine: number;

  constructor(
    readonly chip: Samd21Chip,
    readonly index: number,
  ) {
    super(`TCC${index}`, 0x400);
    this.ccNum = index === 0 ? 4 : 2;
    this.woNum = index === 0 ? 8 : index === 1 ? 4 : 2;
    this.max = index === 2 ? 0xffff : 0xffffff;
    this.gclkId = index === 2 ? GCLK_ID.TCC2_TC3 : GCLK_ID.TCC0_TCC1;
    this.irqLine = IRQ.TCC0 + index;
    this.counter = new TimelineCounter(chip.scheduler);
    this.next = new SimEvent(`${this.name}.count`, () => this.fire());
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(this.gclkId), (bits) => this.syncDone(bits), 3);

    const max = this.max;
    this.CTRLA = this.reg({ name: 'CTRLA', offset: 0x00, size: 4, writable: 0x0f007f63, write: (v, old) => this.ctrlaWritten(v, old) });
    this.CTRLBCLR = this.reg({ name: 'CTRLBCLR', offset: 0x04, size: 1, read: () => this.ctrlb, write: (v, _o, m) => this.ctrlbWritten(v & m, false) });
    this.CTRLBSET = this.reg({ name: 'CTRLBSET', offset: 0x05, size: 1, read: () => this.ctrlb, write: (v, _o, m) => this.ctrlbWritten(v & m, true) });
    this.SYNCBUSY = this.reg({ name: 'SYNCBUSY', offset: 0x08, size: 4, writable: 0, read: () => this.sync.bits });
    const protect = (r: () => Register) => (_v: number, old: number) => {
      if (this.CTRLA.value & 2) r().value = old; // enable-protected
    };
    this.FCTRLA = this.reg({ name: 'FCTRLA', offset: 0x0c, size: 4, write: protect(() => this.FCTRLA) });
    this.FCTRLB = this.reg({ name: 'FCTRLB', offset: 0x10, size: 4, write: protect(() => this.FCTRLB) });
    this.WEXCTRL = this.reg({ name: 'WEXCTRL', offset: 0x14, size: 4, writable: 0xffff0f03, write: protect(() => this.WEXCTRL) });
    this.DRVCTRL = this.reg({
      name: 'DRVCTRL',
      offset: 0x18,
      size: 4,
      writable: 0xffffffff,
      write: (_v, old) => {
        protect(() => this.DRVCTRL)(_v, old);
        this.updateOutputs();
      },
    });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: 0x1e, size: 1, writable: 0x05 });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: 0x20, size: 4, writable: 0x0f0ff7ff });
    this.int = new InterruptRegisters(this, { INTENCLR: 0x24, INTENSET: 0x28, INTFLAG: 0x2c }, 4, 0x000ff80f, (l) => chip.irq(this.irqLine, l));
    this.STATUS = this.reg({
      name: 'STATUS',
      offset: 0x30,
      size: 4,
      read: () => this.status,
      write: (v, _o, m) => {
        // Fault-state bits are w1c; the buffer-valid bits may be cleared by writing 1 (31.8.13).
        this.status &= ~(v & m & 0x000f0fe0);
      },
    });
    this.COUNT = this.reg({ name: 'COUNT', offset: 0x34, size: 4, read: () => this.countRead & max, write: (v, _o, m) => this.writeCount(v, m) });
    this.PATT = this.reg({ name: 'PATT', offset: 0x38, size: 2, write: () => this.afterWrite(TCC_SYNCBUSY.PATT) });
    this.WAVE = this.reg({ name: 'WAVE', offset: 0x3c, size: 4, writable: 0x0f0f0fb7, write: () => this.afterWrite(TCC_SYNCBUSY.WAVE, true) });
    this.PER = this.reg({ name: 'PER', offset: 0x40, size: 4, reset: max, writable: max, write: () => this.afterWrite(TCC_SYNCBUSY.PER, true) });
    for (let i = 0; i < this.ccNum; i++) {
      this.CC.push(this.reg({ name: `CC${i}`, offset: 0x44 + 4 * i, size: 4, writable: max, write: () => this.afterWrite(TCC_SYNCBUSY.CC0 << i, true) }));
    }
    this.PATTB = this.reg({ name: 'PATTB', offset: 0x64, size: 2, write: () => this.buffered(STATUS_PATTBV, TCC_SYNCBUSY.PATTB) });
    this.WAVEB = this.reg({ name: 'WAVEB', offset: 0x68, size: 4, writable: 0x0f0f0fb7, write: () => this.buffered(STATUS_WAVEBV, TCC_SYNCBUSY.WAVEB) });
    this.PERB = this.reg({ name: 'PERB', offset: 0x6c, size: 4, reset: max, writable: max, write: () => this.buffered(STATUS_PERBV, TCC_SYNCBUSY.PERB) });
    for (let i = 0; i < this.ccNum; i++) {
      this.CCB.push(this.reg({ name: `CCB${i}`, offset: 0x70 + 4 * i, size: 4, writable: max, write: () => this.buffered(STATUS_CCBV0 << i, TCC_SYNCBUSY.CCB0 << i) }));
    }

    chip.onClockChange(() => this.retime());
    const ev0 = index === 0 ? EVENT_USER.TCC0_EV0 : index === 1 ? EVENT_USER.TCC1_EV0 : EVENT_USER.TCC2_EV0;
    const mc0 = index === 0 ? EVENT_USER.TCC0_MC0 : index === 1 ? EVENT_USER.TCC1_MC0 : EVENT_USER.TCC2_MC0;
    chip.onEventUser(ev0, () => this.eventIn(0));
    chip.onEventUser(ev0 + 1, () => this.eventIn(1));
    for (let i = 0; i < this.ccNum; i++) chip.onEventUser(mc0 + i, () => this.captureEvent(i));
  }

  // ---------------------------------------------------------------- wiring

  attachOutput(x: number, sink: WaveformSink): void {
    this.sinks[x].push(sink);
    sink.drive(this.outLevels[x]);
  }

  private resolvePads(): void {
    if (this.padsResolved || !this.chip.pads) return;
    this.padsResolved = true;
    for (const [name, fn, x] of TCC_WO_PADS[this.index] ?? []) this.sinks[x].push(this.chip.pad(padIndex(name), fn));
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.next);
    this.ctrlb = 0;
    this.status = 0;
    this.countRead = 0;
    this.counter.reset();
    this.enabled = false;
    this.ch.fill(0);
    this.updateOutputs();
  }

  // ---------------------------------------------------------------- configuration

  get wavegen(): number {
    return this.WAVE.value & 7;
  }

  private get dual(): boolean {
    return this.wavegen >= 4;
  }

  get top(): number {
    return this.wavegen === TCC_WAVEGEN.MFRQ ? this.CC[0].value : this.PER.value;
  }

  tickCycles(): number {
    return prescaledTickCycles(this.chip.scheduler.frequency, this.chip.gclkFrequency(this.gclkId), this.CTRLA.value);
  }

  private ctrlaWritten(v: number, old: number): void {
    writeCtrlaSwrstEnable(this.CTRLA, v, old, this.sync, TCC_SYNCBUSY.SWRST, TCC_SYNCBUSY.ENABLE);
  }

  private syncDone(bits: number): void {
    if (bits & TCC_SYNCBUSY.SWRST) {
      this.softwareReset();
      return;
    }
    if (bits & TCC_SYNCBUSY.ENABLE) {
      const on = (this.CTRLA.value & 2) !== 0;
      if (on && !this.enabled) this.enable();
      else if (!on && this.enabled) {
        this.counter.stop();
        this.enabled = false;
        this.chip.scheduler.cancel(this.next);
      }
    }
  }

  private enable(): void {
    this.enabled = true;
    this.status &= ~STATUS_STOP;
    this.resolvePads();
    const c = this.counter;
    c.max = this.max;
    c.dual = this.dual;
    c.top = this.top;
    c.up = this.dual ? c.up : !(this.ctrlb & CTRLB_DIR);
    const ev = this.EVCTRL.value;
    // EVACT0 START (3) or COUNT (5) with TCEI0: the clock does not run the counter.
    const evact0 = ev & 7;
    c.enable(this.tickCycles(), !(ev & (1 << 14) && (evact0 === 3 || evact0 === 5)));
    this.initialLevels();
    this.reschedule();
  }

  private retime(): void {
    this.counter.reshape(this.max, this.top, this.dual, this.tickCycles());
    if (this.enabled) this.reschedule();
  }

  /** A direct write to COUNT/PER/CCx/WAVE/PATT: takes effect now, SYNCBUSY for a moment. */
  private afterWrite(bit: number, retime = false): void {
    this.sync.start(bit);
    if (retime) this.retime();
    this.updateOutputs();
  }

  private buffered(statusBit: number, syncBit: number): void {
    this.status |= statusBit;
    this.sync.start(syncBit);
  }

  /** Copies the valid buffers into PER/CCx/WAVE/PATT (update condition, 31.6.2.6). */
  private applyBuffers(): void {
    const s = this.status;
    if (s & STATUS_PERBV) this.PER.value = this.PERB.value;
    if (s & STATUS_WAVEBV) this.WAVE.value = this.WAVEB.value;
    if (s & STATUS_PATTBV) this.PATT.value = this.PATTB.value;
    for (let i = 0; i < this.ccNum; i++) if (s & (STATUS_CCBV0 << i)) this.CC[i].value = this.CCB[i].value;
    this.status &= ~(STATUS_PERBV | STATUS_WAVEBV | STATUS_PATTBV | (0xf << 16));
    this.counter.top = this.top;
    this.counter.dual = this.dual;
  }

  private ctrlbWritten(bits: number, set: boolean): void {
    const flags = bits & (CTRLB_DIR | CTRLB_LUPD | CTRLB_ONESHOT);
    const cmd = (bits >>> 5) & 7;
    this.counter.rebase();
    this.ctrlb = set ? this.ctrlb | flags : this.ctrlb & ~flags;
    if (!this.dual) this.counter.up = !(this.ctrlb & CTRLB_DIR);
    this.sync.start(TCC_SYNCBUSY.CTRLB);
    if (set) {
      switch (cmd) {
        case TCC_CMD.RETRIGGER:
          this.retrigger();
          break;
        case TCC_CMD.STOP:
          this.counter.stop();
          this.status |= STATUS_STOP;
          this.chip.scheduler.cancel(this.next);
          return;
        case TCC_CMD.UPDATE:
          this.applyBuffers();
          break;
        case TCC_CMD.READSYNC:
          this.countRead = this.counter.count;
          break;
      }
    }
    if (this.enabled) this.reschedule();
  }

  private retrigger(): void {
    if (!this.enabled) return;
    this.counter.retrigger(this.top);
    this.status &= ~STATUS_STOP;
    this.initialLevels();
    this.reschedule();
  }

  private writeCount(v: number, mask: number): void {
    this.counter.writeCount(v, mask, this.max);
    this.sync.start(TCC_SYNCBUSY.COUNT);
    if (this.enabled) this.reschedule();
  }

  // ---------------------------------------------------------------- counting

  /** Schedules `next` at the nearest of the update and the CCx matches. */
  private reschedule(): void {
    const c = this.counter;
    c.top = this.top;
    c.dual = this.dual;
    if (!this.enabled || !c.ticking) {
      this.chip.scheduler.cancel(this.next);
      return;
    }
    let k = c.ticksToUpdate();
    for (let i = 0; i < this.ccNum; i++) k = Math.min(k, c.ticksUntil(this.CC[i].value));
    c.scheduleTick(this.next, k);
  }

  private fire(): void {
    const c = this.counter;
    const prev = c.baseCount;
    const wasUp = c.up;
    const count = c.advance(c.pendingTicks).count;
    const w = this.wavegen;
    let flags = 0;
    let update = false;
    if (c.dual) {
      const atZero = count === 0;
      const atTop = count === c.top;
      if (atZero || atTop) update = true;
      if ((atZero && (w === TCC_WAVEGEN.DSBOTTOM || w === TCC_WAVEGEN.DSBOTH || w === TCC_WAVEGEN.DSCRITICAL)) || (atTop && (w === TCC_WAVEGEN.DSTOP || w === TCC_WAVEGEN.DSBOTH))) flags |= TCC_INTFLAG.OVF;
    } else {
      update = wasUp ? count === 0 : count === c.top && prev === 0;
      if (update) flags |= TCC_INTFLAG.OVF;
    }
    const pol = (this.WAVE.value >>> 16) & 0xf;
    if (update && !c.dual) {
      if (w === TCC_WAVEGEN.NPWM) for (let i = 0; i < this.ccNum; i++) this.ch[i] = ((wasUp ? 1 : 0) ^ ((pol >>> i) & 1)) as 0 | 1;
    }
    for (let i = 0; i < this.ccNum; i++) {
      if (count !== this.CC[i].value) continue;
      flags |= TCC_INTFLAG.MC0 << i;
      const p = (pol >>> i) & 1;
      if (w === TCC_WAVEGEN.NFRQ || w === TCC_WAVEGEN.MFRQ) this.ch[i] = this.ch[i] ? 0 : 1;
      else if (w === TCC_WAVEGEN.NPWM) this.ch[i] = ((wasUp ? 0 : 1) ^ p) as 0 | 1;
      else this.ch[i] = ((wasUp ? 0 : 1) ^ p) as 0 | 1; // dual slope: clear going up, set going down
    }
    if (update && !(this.ctrlb & CTRLB_LUPD)) this.applyBuffers();
    this.updateOutputs();
    this.signal(flags);
    if (flags & TCC_INTFLAG.OVF && this.ctrlb & CTRLB_ONESHOT) {
      c.running = false;
      this.status |= STATUS_STOP;
      return;
    }
    this.reschedule();
  }

  private signal(flags: number): void {
    if (!flags) return;
    this.int.set(flags);
    const ev = this.EVCTRL.value;
    const n = this.index;
    const gen0 = n === 0 ? EVENT_GENERATOR.TCC0_OVF : n === 1 ? EVENT_GENERATOR.TCC1_OVF : EVENT_GENERATOR.TCC2_OVF;
    const mc0 = n === 0 ? EVENT_GENERATOR.TCC0_MC0 : n === 1 ? EVENT_GENERATOR.TCC1_MC0 : EVENT_GENERATOR.TCC2_MC0;
    const dmaOvf = n === 0 ? DMA_TRIGGER.TCC0_OVF : n === 1 ? DMA_TRIGGER.TCC1_OVF : DMA_TRIGGER.TCC2_OVF;
    const dmaMc0 = n === 0 ? DMA_TRIGGER.TCC0_MC0 : n === 1 ? DMA_TRIGGER.TCC1_MC0 : DMA_TRIGGER.TCC2_MC0;
    if (flags & TCC_INTFLAG.OVF) {
      this.chip.dmaTrigger(dmaOvf);
      if (ev & (1 << 8)) this.chip.generateEvent(gen0);
    }
    for (let i = 0; i < this.ccNum; i++) {
      if (!(flags & (TCC_INTFLAG.MC0 << i))) continue;
      this.chip.dmaTrigger(dmaMc0 + i);
      if (ev & (1 << (24 + i))) this.chip.generateEvent(mc0 + i);
    }
  }

  private eventIn(line: 0 | 1): void {
    const ev = this.EVCTRL.value;
    if (!this.enabled || !(ev & (1 << (14 + line)))) return;
    const action = (ev >>> (3 * line)) & 7;
    const c = this.counter;
    c.rebase();
    // EVACT0: 1 RETRIGGER, 2 COUNTEV, 3 START, 4 INC, 5 COUNT; EVACT1: 1 RETRIGGER, 2 DIR, 3 STOP, 4 DEC (31.8.9).
    if (action === 1) this.retrigger();
    else if (line === 0 && action === 3) {
      if (!c.running) c.start();
    } else if (line === 1 && action === 3) {
      c.stop();
      this.status |= STATUS_STOP;
    } else if ((line === 0 && (action === 2 || action === 4 || action === 5)) || (line === 1 && action === 4)) {
      const up = line === 0;
      const next = up ? (c.baseCount + 1) & this.max : (c.baseCount - 1) & this.max;
      c.set(next);
      let flags = 0;
      if ((up && next === 0) || (!up && next === this.max)) flags |= TCC_INTFLAG.OVF;
      for (let i = 0; i < this.ccNum; i++) if (next === this.CC[i].value) flags |= TCC_INTFLAG.MC0 << i;
      this.signal(flags);
    }
    if (this.enabled) this.reschedule();
  }

  private captureEvent(i: number): void {
    if (!this.enabled || !(this.EVCTRL.value & (1 << (16 + i))) || !(this.CTRLA.value & (1 << (24 + i)))) return;
    this.counter.rebase();
    const bit = TCC_INTFLAG.MC0 << i;
    if (this.int.flags() & bit) this.int.set(TCC_INTFLAG.ERR);
    this.CC[i].value = this.counter.count;
    this.signal(bit);
  }

  // ---------------------------------------------------------------- outputs

  private initialLevels(): void {
    const w = this.wavegen;
    const pol = (this.WAVE.value >>> 16) & 0xf;
    const up = this.counter.up;
    for (let i = 0; i < this.ccNum; i++) {
      let level: 0 | 1 = 0;
      const cc = this.CC[i].value;
      if (w === TCC_WAVEGEN.NPWM) level = up ? (cc === 0 ? 0 : 1) : 0;
      else if (w >= 4) level = cc === 0 ? 0 : 1; // dual slope starts at ZERO, below the match
      this.ch[i] = w === TCC_WAVEGEN.NFRQ || w === TCC_WAVEGEN.MFRQ ? 0 : ((level ^ ((pol >>> i) & 1)) as 0 | 1);
    }
    this.updateOutputs();
  }

  private updateOutputs(): void {
    const otmx = this.WEXCTRL.value & 3;
    const patt = this.PATT.value;
    const inven = (this.DRVCTRL.value >>> 16) & 0xff;
    for (let x = 0; x < this.woNum; x++) {
      let level: number = otmx === 2 ? this.ch[0] : this.ch[x % this.ccNum];
      if (patt & (1 << x)) level = (patt >>> (8 + x)) & 1; // PGEx: pattern value PGVx
      level ^= (inven >>> x) & 1;
      const l = level as 0 | 1;
      if (l !== this.outLevels[x]) {
        this.outLevels[x] = l;
        for (const s of this.sinks[x]) s.drive(l);
      }
    }
  }

  /** WO[x] as driven now (tests, UI). */
  output(x: number): 0 | 1 {
    return this.outLevels[x];
  }

  get count(): number {
    return this.counter.count;
  }
}
