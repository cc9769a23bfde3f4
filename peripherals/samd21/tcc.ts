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

/** Register offsets (31.7 register summary); CCn at CC0 + 4n, CCBn at CCB0 + 4n. */
export const TCC_REG = {
  CTRLA: 0x00, CTRLBCLR: 0x04, CTRLBSET: 0x05, SYNCBUSY: 0x08, FCTRLA: 0x0c, FCTRLB: 0x10, WEXCTRL: 0x14,
  DRVCTRL: 0x18, DBGCTRL: 0x1e, EVCTRL: 0x20, INTENCLR: 0x24, INTENSET: 0x28, INTFLAG: 0x2c, STATUS: 0x30,
  COUNT: 0x34, PATT: 0x38, WAVE: 0x3c, PER: 0x40, CC0: 0x44, PATTB: 0x64, WAVEB: 0x68, PERB: 0x6c, CCB0: 0x70,
} as const;
/** CTRLA (31.8.1); CPTENn = CPTEN0 << n. */
export const TCC_CTRLA = {
  SWRST: 1 << 0, ENABLE: 1 << 1, RESOLUTION_Pos: 5, RESOLUTION_Msk: 0x3 << 5, PRESCALER_Pos: 8,
  PRESCALER_Msk: 0x7 << 8, RUNSTDBY: 1 << 11, PRESCSYNC_Pos: 12, PRESCSYNC_Msk: 0x3 << 12, ALOCK: 1 << 14,
  CPTEN0: 1 << 24, CPTEN_Msk: 0xf << 24,
} as const;
/** CTRLBSET / CTRLBCLR (31.8.2-3). */
export const TCC_CTRLB = { DIR: 1 << 0, LUPD: 1 << 1, ONESHOT: 1 << 2, IDXCMD_Pos: 3, IDXCMD_Msk: 0x3 << 3, CMD_Pos: 5, CMD_Msk: 0x7 << 5 } as const;
/** CTRLBSET.CMD values. */
export const TCC_CMD = { NONE: 0, RETRIGGER: 1, STOP: 2, UPDATE: 3, READSYNC: 4 } as const;
/** SYNCBUSY (31.8.4); CCn = CC0 << n, CCBn = CCB0 << n. */
export const TCC_SYNCBUSY = {
  SWRST: 1 << 0, ENABLE: 1 << 1, CTRLB: 1 << 2, STATUS: 1 << 3, COUNT: 1 << 4, PATT: 1 << 5, WAVE: 1 << 6,
  PER: 1 << 7, CC0: 1 << 8, PATTB: 1 << 16, WAVEB: 1 << 17, PERB: 1 << 18, CCB0: 1 << 19,
} as const;
/** WEXCTRL (31.8.7). */
export const TCC_WEXCTRL = { OTMX_Pos: 0, OTMX_Msk: 0x3 << 0, DTIEN_Pos: 8, DTIEN_Msk: 0xf << 8, DTLS_Pos: 16, DTLS_Msk: 0xff << 16, DTHS_Pos: 24, DTHS_Msk: 0xff << 24 } as const;
/** WEXCTRL.OTMX value routing CC0 to every output (table 31-4). */
export const TCC_OTMX_ALL_CC0 = 2;
/** DRVCTRL (31.8.8): INVENx = INVEN0 << x. */
export const TCC_DRVCTRL = { NRE_Pos: 0, NRE_Msk: 0xff << 0, NRV_Pos: 8, NRV_Msk: 0xff << 8, INVEN_Pos: 16, INVEN_Msk: 0xff << 16, FILTERVAL0_Pos: 24, FILTERVAL1_Pos: 28 } as const;
/** DBGCTRL (31.8.9). */
export const TCC_DBGCTRL = { DBGRUN: 1 << 0, FDDBD: 1 << 2 } as const;
/** EVCTRL (31.8.10); TCEIn = TCEI0 << n, MCEIn = MCEI0 << n, MCEOn = MCEO0 << n. */
export const TCC_EVCTRL = {
  EVACT0_Pos: 0, EVACT0_Msk: 0x7 << 0, EVACT1_Pos: 3, EVACT1_Msk: 0x7 << 3, CNTSEL_Pos: 6,
  CNTSEL_Msk: 0x3 << 6, OVFEO: 1 << 8, TRGEO: 1 << 9, CNTEO: 1 << 10, TCINV0: 1 << 12, TCINV1: 1 << 13,
  TCEI0: 1 << 14, TCEI1: 1 << 15, MCEI0: 1 << 16, MCEI_Msk: 0xf << 16, MCEO0: 1 << 24, MCEO_Msk: 0xf << 24,
} as const;
/** EVCTRL.EVACT0 values. */
export const TCC_EVACT0 = { OFF: 0, RETRIGGER: 1, COUNTEV: 2, START: 3, INC: 4, COUNT: 5, FAULT: 7 } as const;
/** EVCTRL.EVACT1 values. */
export const TCC_EVACT1 = { OFF: 0, RETRIGGER: 1, DIR: 2, STOP: 3, DEC: 4, PPW: 5, PWP: 6, FAULT: 7 } as const;
/** INTFLAG / INTENSET / INTENCLR (31.8.11-13); MCn = MC0 << n. */
export const TCC_INT = {
  OVF: 1 << 0, TRG: 1 << 1, CNT: 1 << 2, ERR: 1 << 3, DFS: 1 << 11, FAULTA: 1 << 12, FAULTB: 1 << 13,
  FAULT0: 1 << 14, FAULT1: 1 << 15, MC0: 1 << 16, MC_Msk: 0xf << 16,
} as const;
/** STATUS (31.8.14); CCBVn = CCBV0 << n, CMPn = CMP0 << n. */
export const TCC_STATUS = {
  STOP: 1 << 0, IDX: 1 << 1, DFS: 1 << 3, SLAVE: 1 << 4, PATTBV: 1 << 5, WAVEBV: 1 << 6, PERBV: 1 << 7,
  FAULTAIN: 1 << 8, FAULTBIN: 1 << 9, FAULT0IN: 1 << 10, FAULT1IN: 1 << 11, FAULTA: 1 << 12, FAULTB: 1 << 13,
  FAULT0: 1 << 14, FAULT1: 1 << 15, CCBV0: 1 << 16, CCBV_Msk: 0xf << 16, CMP0: 1 << 24,
} as const;
/** PATT / PATTB (31.8.16): PGEx = PGE0 << x enables the pattern value PGVx = PGV0 << x on WO[x]. */
export const TCC_PATT = { PGE0: 1 << 0, PGV0: 1 << 8, PGV_Pos: 8 } as const;
/** WAVE / WAVEB (31.8.17); POLn = POL0 << n. */
export const TCC_WAVE = {
  WAVEGEN_Pos: 0, WAVEGEN_Msk: 0x7 << 0, RAMP_Pos: 4, RAMP_Msk: 0x3 << 4, CIPEREN: 1 << 7, CICCEN_Pos: 8,
  CICCEN_Msk: 0xf << 8, POL_Pos: 16, POL_Msk: 0xf << 16, SWAP_Pos: 24, SWAP_Msk: 0xf << 24,
} as const;
/** WAVE.WAVEGEN values (31.6.2.5); DSCRITICAL and above are dual-slope. */
export const TCC_WAVEGEN = { NFRQ: 0, MFRQ: 1, NPWM: 2, DSCRITICAL: 4, DSBOTTOM: 5, DSBOTH: 6, DSTOP: 7 } as const;

const CTRLA_WRITABLE =
  TCC_CTRLA.SWRST | TCC_CTRLA.ENABLE | TCC_CTRLA.RESOLUTION_Msk | TCC_CTRLA.PRESCALER_Msk | TCC_CTRLA.RUNSTDBY | TCC_CTRLA.PRESCSYNC_Msk | TCC_CTRLA.ALOCK | TCC_CTRLA.CPTEN_Msk;
const WEXCTRL_WRITABLE = TCC_WEXCTRL.OTMX_Msk | TCC_WEXCTRL.DTIEN_Msk | TCC_WEXCTRL.DTLS_Msk | TCC_WEXCTRL.DTHS_Msk;
const EVCTRL_WRITABLE =
  TCC_EVCTRL.EVACT0_Msk | TCC_EVCTRL.EVACT1_Msk | TCC_EVCTRL.CNTSEL_Msk | TCC_EVCTRL.OVFEO | TCC_EVCTRL.TRGEO | TCC_EVCTRL.CNTEO |
  TCC_EVCTRL.TCINV0 | TCC_EVCTRL.TCINV1 | TCC_EVCTRL.TCEI0 | TCC_EVCTRL.TCEI1 | TCC_EVCTRL.MCEI_Msk | TCC_EVCTRL.MCEO_Msk;
const INT_MASK =
  TCC_INT.OVF | TCC_INT.TRG | TCC_INT.CNT | TCC_INT.ERR | TCC_INT.DFS | TCC_INT.FAULTA | TCC_INT.FAULTB | TCC_INT.FAULT0 | TCC_INT.FAULT1 | TCC_INT.MC_Msk;
/** STATUS bits firmware clears by writing 1: buffer-valid and fault-input bits (31.8.14). */
const STATUS_W1C =
  TCC_STATUS.PATTBV | TCC_STATUS.WAVEBV | TCC_STATUS.PERBV | TCC_STATUS.FAULTAIN | TCC_STATUS.FAULTBIN | TCC_STATUS.FAULT0IN | TCC_STATUS.FAULT1IN | TCC_STATUS.CCBV_Msk;
const WAVE_WRITABLE = TCC_WAVE.WAVEGEN_Msk | TCC_WAVE.RAMP_Msk | TCC_WAVE.CIPEREN | TCC_WAVE.CICCEN_Msk | TCC_WAVE.POL_Msk | TCC_WAVE.SWAP_Msk;
/** Counter maxima: TCC0/1 are 24-bit, TCC2 16-bit. */
const MAX24 = 0xffffff;
const MAX16 = 0xffff;
/** One bit per output in POL, INVEN and PATT fields. */
const BIT = 1;

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
  private status: number = TCC_STATUS.STOP;
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
    this.max = index === 2 ? MAX16 : MAX24;
    this.gclkId = index === 2 ? GCLK_ID.TCC2_TC3 : GCLK_ID.TCC0_TCC1;
    this.irqLine = IRQ.TCC0 + index;
    this.counter = new TimelineCounter(chip.scheduler);
    this.next = new SimEvent(`${this.name}.count`, () => this.fire());
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(this.gclkId), (bits) => this.syncDone(bits), 3);

    const max = this.max;
    this.CTRLA = this.reg({ name: 'CTRLA', offset: TCC_REG.CTRLA, size: 4, writable: CTRLA_WRITABLE, write: (v, old) => this.ctrlaWritten(v, old) });
    this.CTRLBCLR = this.reg({ name: 'CTRLBCLR', offset: TCC_REG.CTRLBCLR, size: 1, read: () => this.ctrlb, write: (v, _o, m) => this.ctrlbWritten(v & m, false) });
    this.CTRLBSET = this.reg({ name: 'CTRLBSET', offset: TCC_REG.CTRLBSET, size: 1, read: () => this.ctrlb, write: (v, _o, m) => this.ctrlbWritten(v & m, true) });
    this.SYNCBUSY = this.reg({ name: 'SYNCBUSY', offset: TCC_REG.SYNCBUSY, size: 4, writable: 0, read: () => this.sync.bits });
    const protect = (r: () => Register) => (_v: number, old: number) => {
      if (this.CTRLA.value & TCC_CTRLA.ENABLE) r().value = old; // enable-protected
    };
    // Recoverable faults (FCTRLA/B) are not modelled: stored only.
    this.FCTRLA = this.reg({ name: 'FCTRLA', offset: TCC_REG.FCTRLA, size: 4, unimplemented: true, write: protect(() => this.FCTRLA) });
    this.FCTRLB = this.reg({ name: 'FCTRLB', offset: TCC_REG.FCTRLB, size: 4, unimplemented: true, write: protect(() => this.FCTRLB) });
    this.WEXCTRL = this.reg({ name: 'WEXCTRL', offset: TCC_REG.WEXCTRL, size: 4, writable: WEXCTRL_WRITABLE, write: protect(() => this.WEXCTRL) });
    this.DRVCTRL = this.reg({
      name: 'DRVCTRL',
      offset: TCC_REG.DRVCTRL,
      size: 4,
      write: (_v, old) => {
        protect(() => this.DRVCTRL)(_v, old);
        this.updateOutputs();
      },
    });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: TCC_REG.DBGCTRL, size: 1, writable: TCC_DBGCTRL.DBGRUN | TCC_DBGCTRL.FDDBD });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: TCC_REG.EVCTRL, size: 4, writable: EVCTRL_WRITABLE });
    this.int = new InterruptRegisters(this, { INTENCLR: TCC_REG.INTENCLR, INTENSET: TCC_REG.INTENSET, INTFLAG: TCC_REG.INTFLAG }, 4, INT_MASK, (l) =>
      chip.irq(this.irqLine, l),
    );
    this.STATUS = this.reg({
      name: 'STATUS',
      offset: TCC_REG.STATUS,
      size: 4,
      read: () => this.status,
      write: (v, _o, m) => {
        // Fault-state bits are w1c; the buffer-valid bits may be cleared by writing 1 (31.8.13).
        this.status &= ~(v & m & STATUS_W1C);
      },
    });
    this.COUNT = this.reg({ name: 'COUNT', offset: TCC_REG.COUNT, size: 4, read: () => this.countRead & max, write: (v, _o, m) => this.writeCount(v, m) });
    this.PATT = this.reg({ name: 'PATT', offset: TCC_REG.PATT, size: 2, write: () => this.afterWrite(TCC_SYNCBUSY.PATT) });
    this.WAVE = this.reg({ name: 'WAVE', offset: TCC_REG.WAVE, size: 4, writable: WAVE_WRITABLE, write: () => this.afterWrite(TCC_SYNCBUSY.WAVE, true) });
    this.PER = this.reg({ name: 'PER', offset: TCC_REG.PER, size: 4, reset: max, writable: max, write: () => this.afterWrite(TCC_SYNCBUSY.PER, true) });
    for (let i = 0; i < this.ccNum; i++) {
      this.CC.push(this.reg({ name: `CC${i}`, offset: TCC_REG.CC0 + 4 * i, size: 4, writable: max, write: () => this.afterWrite(TCC_SYNCBUSY.CC0 << i, true) }));
    }
    this.PATTB = this.reg({ name: 'PATTB', offset: TCC_REG.PATTB, size: 2, write: () => this.buffered(TCC_STATUS.PATTBV, TCC_SYNCBUSY.PATTB) });
    this.WAVEB = this.reg({ name: 'WAVEB', offset: TCC_REG.WAVEB, size: 4, writable: WAVE_WRITABLE, write: () => this.buffered(TCC_STATUS.WAVEBV, TCC_SYNCBUSY.WAVEB) });
    this.PERB = this.reg({ name: 'PERB', offset: TCC_REG.PERB, size: 4, reset: max, writable: max, write: () => this.buffered(TCC_STATUS.PERBV, TCC_SYNCBUSY.PERB) });
    for (let i = 0; i < this.ccNum; i++) {
      this.CCB.push(
        this.reg({ name: `CCB${i}`, offset: TCC_REG.CCB0 + 4 * i, size: 4, writable: max, write: () => this.buffered(TCC_STATUS.CCBV0 << i, TCC_SYNCBUSY.CCB0 << i) }),
      );
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
    // STATUS.STOP is set while the counter is disabled (31.8.13: reset value 0x00000001).
    this.status = TCC_STATUS.STOP;
    this.countRead = 0;
    this.counter.reset();
    this.enabled = false;
    this.ch.fill(0);
    this.updateOutputs();
  }

  // ---------------------------------------------------------------- configuration

  get wavegen(): number {
    return (this.WAVE.value & TCC_WAVE.WAVEGEN_Msk) >>> TCC_WAVE.WAVEGEN_Pos;
  }

  private get dual(): boolean {
    return this.wavegen >= TCC_WAVEGEN.DSCRITICAL;
  }

  get top(): number {
    return this.wavegen === TCC_WAVEGEN.MFRQ ? this.CC[0].value : this.PER.value;
  }

  tickCycles(): number {
    const prescaler = (this.CTRLA.value & TCC_CTRLA.PRESCALER_Msk) >>> TCC_CTRLA.PRESCALER_Pos;
    return prescaledTickCycles(this.chip.scheduler.frequency, this.chip.gclkFrequency(this.gclkId), prescaler);
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
      const on = (this.CTRLA.value & TCC_CTRLA.ENABLE) !== 0;
      if (on && !this.enabled) this.enable();
      else if (!on && this.enabled) {
        this.counter.stop();
        this.enabled = false;
        this.status |= TCC_STATUS.STOP;
        this.chip.scheduler.cancel(this.next);
      }
    }
  }

  private enable(): void {
    this.enabled = true;
    this.status &= ~TCC_STATUS.STOP;
    this.resolvePads();
    const c = this.counter;
    c.max = this.max;
    c.dual = this.dual;
    c.top = this.top;
    c.up = this.dual ? c.up : !(this.ctrlb & TCC_CTRLB.DIR);
    const ev = this.EVCTRL.value;
    // EVACT0 START or COUNT with TCEI0: the clock does not run the counter.
    const evact0 = (ev & TCC_EVCTRL.EVACT0_Msk) >>> TCC_EVCTRL.EVACT0_Pos;
    c.enable(this.tickCycles(), !(ev & TCC_EVCTRL.TCEI0 && (evact0 === TCC_EVACT0.START || evact0 === TCC_EVACT0.COUNT)));
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
    if (s & TCC_STATUS.PERBV) this.PER.value = this.PERB.value;
    if (s & TCC_STATUS.WAVEBV) this.WAVE.value = this.WAVEB.value;
    if (s & TCC_STATUS.PATTBV) this.PATT.value = this.PATTB.value;
    for (let i = 0; i < this.ccNum; i++) if (s & (TCC_STATUS.CCBV0 << i)) this.CC[i].value = this.CCB[i].value;
    this.status &= ~(TCC_STATUS.PERBV | TCC_STATUS.WAVEBV | TCC_STATUS.PATTBV | TCC_STATUS.CCBV_Msk);
    this.counter.top = this.top;
    this.counter.dual = this.dual;
  }

  private ctrlbWritten(bits: number, set: boolean): void {
    const flags = bits & (TCC_CTRLB.DIR | TCC_CTRLB.LUPD | TCC_CTRLB.ONESHOT);
    const cmd = (bits & TCC_CTRLB.CMD_Msk) >>> TCC_CTRLB.CMD_Pos;
    this.counter.rebase();
    this.ctrlb = set ? this.ctrlb | flags : this.ctrlb & ~flags;
    if (!this.dual) this.counter.up = !(this.ctrlb & TCC_CTRLB.DIR);
    this.sync.start(TCC_SYNCBUSY.CTRLB);
    if (set) {
      switch (cmd) {
        case TCC_CMD.RETRIGGER:
          this.retrigger();
          break;
        case TCC_CMD.STOP:
          this.counter.stop();
          this.status |= TCC_STATUS.STOP;
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
    this.status &= ~TCC_STATUS.STOP;
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
      if ((atZero && (w === TCC_WAVEGEN.DSBOTTOM || w === TCC_WAVEGEN.DSBOTH || w === TCC_WAVEGEN.DSCRITICAL)) || (atTop && (w === TCC_WAVEGEN.DSTOP || w === TCC_WAVEGEN.DSBOTH))) flags |= TCC_INT.OVF;
    } else {
      update = wasUp ? count === 0 : count === c.top && prev === 0;
      if (update) flags |= TCC_INT.OVF;
    }
    const pol = (this.WAVE.value & TCC_WAVE.POL_Msk) >>> TCC_WAVE.POL_Pos;
    if (update && !c.dual) {
      if (w === TCC_WAVEGEN.NPWM) for (let i = 0; i < this.ccNum; i++) this.ch[i] = ((wasUp ? 1 : 0) ^ ((pol >>> i) & BIT)) as 0 | 1;
    }
    for (let i = 0; i < this.ccNum; i++) {
      if (count !== this.CC[i].value) continue;
      flags |= TCC_INT.MC0 << i;
      const p = (pol >>> i) & BIT;
      if (w === TCC_WAVEGEN.NFRQ || w === TCC_WAVEGEN.MFRQ) this.ch[i] = this.ch[i] ? 0 : 1;
      else if (w === TCC_WAVEGEN.NPWM) this.ch[i] = ((wasUp ? 0 : 1) ^ p) as 0 | 1;
      else this.ch[i] = ((wasUp ? 0 : 1) ^ p) as 0 | 1; // dual slope: clear going up, set going down
    }
    if (update && !(this.ctrlb & TCC_CTRLB.LUPD)) this.applyBuffers();
    this.updateOutputs();
    this.signal(flags);
    if (flags & TCC_INT.OVF && this.ctrlb & TCC_CTRLB.ONESHOT) {
      c.running = false;
      this.status |= TCC_STATUS.STOP;
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
    if (flags & TCC_INT.OVF) {
      this.chip.dmaTrigger(dmaOvf);
      if (ev & TCC_EVCTRL.OVFEO) this.chip.generateEvent(gen0);
    }
    for (let i = 0; i < this.ccNum; i++) {
      if (!(flags & (TCC_INT.MC0 << i))) continue;
      this.chip.dmaTrigger(dmaMc0 + i);
      if (ev & (TCC_EVCTRL.MCEO0 << i)) this.chip.generateEvent(mc0 + i);
    }
  }

  private eventIn(line: 0 | 1): void {
    const ev = this.EVCTRL.value;
    if (!this.enabled || !(ev & (TCC_EVCTRL.TCEI0 << line))) return;
    const action = line === 0 ? (ev & TCC_EVCTRL.EVACT0_Msk) >>> TCC_EVCTRL.EVACT0_Pos : (ev & TCC_EVCTRL.EVACT1_Msk) >>> TCC_EVCTRL.EVACT1_Pos;
    const c = this.counter;
    c.rebase();
    // RETRIGGER is 1 in both (31.8.10); START/STOP are both 3.
    if (action === TCC_EVACT0.RETRIGGER) this.retrigger();
    else if (line === 0 && action === TCC_EVACT0.START) {
      if (!c.running) c.start();
    } else if (line === 1 && action === TCC_EVACT1.STOP) {
      c.stop();
      this.status |= TCC_STATUS.STOP;
    } else if (
      (line === 0 && (action === TCC_EVACT0.COUNTEV || action === TCC_EVACT0.INC || action === TCC_EVACT0.COUNT)) ||
      (line === 1 && action === TCC_EVACT1.DEC)
    ) {
      const up = line === 0;
      const next = up ? (c.baseCount + 1) & this.max : (c.baseCount - 1) & this.max;
      c.set(next);
      let flags = 0;
      if ((up && next === 0) || (!up && next === this.max)) flags |= TCC_INT.OVF;
      for (let i = 0; i < this.ccNum; i++) if (next === this.CC[i].value) flags |= TCC_INT.MC0 << i;
      this.signal(flags);
    }
    if (this.enabled) this.reschedule();
  }

  private captureEvent(i: number): void {
    if (!this.enabled || !(this.EVCTRL.value & (TCC_EVCTRL.MCEI0 << i)) || !(this.CTRLA.value & (TCC_CTRLA.CPTEN0 << i))) return;
    this.counter.rebase();
    const bit = TCC_INT.MC0 << i;
    if (this.int.flags() & bit) this.int.set(TCC_INT.ERR);
    this.CC[i].value = this.counter.count;
    this.signal(bit);
  }

  // ---------------------------------------------------------------- outputs

  private initialLevels(): void {
    const w = this.wavegen;
    const pol = (this.WAVE.value & TCC_WAVE.POL_Msk) >>> TCC_WAVE.POL_Pos;
    const up = this.counter.up;
    for (let i = 0; i < this.ccNum; i++) {
      let level: 0 | 1 = 0;
      const cc = this.CC[i].value;
      if (w === TCC_WAVEGEN.NPWM) level = up ? (cc === 0 ? 0 : 1) : 0;
      else if (w >= TCC_WAVEGEN.DSCRITICAL) level = cc === 0 ? 0 : 1; // dual slope starts at ZERO, below the match
      this.ch[i] = w === TCC_WAVEGEN.NFRQ || w === TCC_WAVEGEN.MFRQ ? 0 : ((level ^ ((pol >>> i) & BIT)) as 0 | 1);
    }
    this.updateOutputs();
  }

  private updateOutputs(): void {
    const otmx = (this.WEXCTRL.value & TCC_WEXCTRL.OTMX_Msk) >>> TCC_WEXCTRL.OTMX_Pos;
    const patt = this.PATT.value;
    const inven = (this.DRVCTRL.value & TCC_DRVCTRL.INVEN_Msk) >>> TCC_DRVCTRL.INVEN_Pos;
    for (let x = 0; x < this.woNum; x++) {
      let level: number = otmx === TCC_OTMX_ALL_CC0 ? this.ch[0] : this.ch[x % this.ccNum];
      if (patt & (TCC_PATT.PGE0 << x)) level = (patt >>> (TCC_PATT.PGV_Pos + x)) & BIT; // PGEx: pattern value PGVx
      level ^= (inven >>> x) & BIT;
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
