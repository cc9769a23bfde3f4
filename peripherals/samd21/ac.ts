/**
 * AC, the analog comparators (data sheet DS40001882 section "AC – Analog Comparators"): one pair,
 * COMP0 and COMP1, each comparing a positive input (MUXPOS: AIN0..3 = PA04..PA07, function B)
 * with a negative one (MUXNEG: AIN0..3, GND, the VDDANA scaler VDD × (VALUE + 1) / 64, the
 * 1.1 V bandgap, the DAC's internal output). Pad voltages come from the pads' nets, the source
 * the ADC reads, and every change of them is seen at once (Net.onVoltage).
 *
 * What is modelled:
 *  - the raw (asynchronous) output: positive > negative; SWAP exchanges the inputs and inverts
 *    the result (offset compensation); HYST (continuous mode only) keeps the output until the
 *    difference crosses ±HYSTERESIS_VOLTS/2 the other way.
 *  - continuous mode (SINGLE = 0): after the start-up time READYx sets and the raw output is
 *    sampled every GCLK_AC_DIG period; FLEN MAJ3/MAJ5 keep a change out of STATUSA.STATEx until
 *    2 of 3 / 3 of 5 samples agree (the first valid output needs N samples). Samples are taken
 *    only while the raw output and the filter disagree, so a still comparator costs nothing.
 *  - single-shot mode (SINGLE = 1): CTRLB.STARTx or a COMPEIx event clears READYx and starts a
 *    comparison; the first sample is taken when the start-up time ends and the comparison ends
 *    with the Nth (READYx, STATEx, flags). Continuous mode also samples first at the end of the
 *    start-up time.
 *    Reading STATUSC starts every idle single-shot comparator and stalls the bus until all enabled
 *    comparators are ready (the stall is charged to the CPU; the result is the inputs' now).
 *  - INTSEL TOGGLE/RISING/FALLING on the synchronous output (the current sample against the
 *    previous, STATEx being 0 after reset), EOC on every single-shot completion; window mode
 *    (WINCTRL.WEN0): WSTATE0 ABOVE (both outputs 1), BELOW (both 0), INSIDE (they differ),
 *    WINTSEL interrupts on entering above/inside/below or leaving inside; a start of either
 *    comparator in single-shot window mode starts both.
 *  - events: COMPx and WIN0 are level events, "a copy of the comparator status" (STATEx, inside
 *    = 1), passed to EVSYS as levels (its channel edge selection makes pulses); COMPEIx events
 *    start single-shot comparisons.
 *  - COMPCTRLx.OUT: ASYNC drives the raw output, SYNC the filtered one onto CMP0 (PA12, PA18) /
 *    CMP1 (PA13, PA19), function H, through PORT.
 *  - write synchronisation (STATUSB.SYNCBUSY): CTRLA.SWRST/ENABLE, COMPCTRLx.ENABLE, WINCTRL.
 * Bad input, as we chose to behave (the data sheet does not say):
 *  - no GCLK_AC_DIG: the comparator cannot sample, so it never becomes ready; STATEx stays as it
 *    is, READYx 0, a STATUSC read returns at once (the real bus would stall forever) and the
 *    start is counted in `stalledStarts`. It starts when the clock appears. (Write
 *    synchronisation finishes on the SyncBusy fallback, as everywhere in the model.)
 *  - reserved field values (SPEED 2-3, OUT 3, FLEN 3-7) are stored; they act as SPEED LOW, OUT
 *    OFF and no filter, and are counted in `reservedSelections`. MUXPOS/MUXNEG have no reserved
 *    values. Changing MUX/SWAP/HYST/FLEN while enabled takes effect at once.
 * Not modelled: sleep (RUNSTDBY, sleep-walking), LPMUX and SPEED's effect on the propagation
 * delay (outputs change with no nanosecond delay), GCLK_AC_ANA (needed below 2.5 V only).
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy, writeCtrlaSwrstEnable } from './sync-busy.js';
import { padIndex, type PadHandle, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from './memory-map.js';
import { dacOf } from './dac.js';

/** Register offsets (register summary); COMPCTRLn at COMPCTRL0 + 4n, SCALERn at SCALER0 + n. */
export const AC_REG = {
  CTRLA: 0x00, CTRLB: 0x01, EVCTRL: 0x02, INTENCLR: 0x04, INTENSET: 0x05, INTFLAG: 0x06, STATUSA: 0x08,
  STATUSB: 0x09, STATUSC: 0x0a, WINCTRL: 0x0c, COMPCTRL0: 0x10, COMPCTRL_STRIDE: 4, SCALER0: 0x20, SCALER_STRIDE: 1,
} as const;
/** CTRLA. */
export const AC_CTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, RUNSTDBY: 1 << 2, LPMUX: 1 << 7 } as const;
/** CTRLB (write-only): STARTn is bit n. */
export const AC_CTRLB = { START0: 1 << 0, START1: 1 << 1 } as const;
/** EVCTRL. */
export const AC_EVCTRL = { COMPEO0: 1 << 0, COMPEO1: 1 << 1, WINEO0: 1 << 4, COMPEI0: 1 << 8, COMPEI1: 1 << 9 } as const;
/** INTFLAG / INTENSET / INTENCLR. */
export const AC_INT = { COMP0: 1 << 0, COMP1: 1 << 1, WIN0: 1 << 4 } as const;
/** STATUSA and STATUSC. */
export const AC_STATUSA = { STATE0: 1 << 0, STATE1: 1 << 1, WSTATE0_Pos: 4, WSTATE0_Msk: 0x3 << 4 } as const;
/** STATUSA.WSTATE0 values. */
export const AC_WSTATE = { ABOVE: 0, INSIDE: 1, BELOW: 2 } as const;
/** STATUSB. */
export const AC_STATUSB = { READY0: 1 << 0, READY1: 1 << 1, SYNCBUSY: 1 << 7 } as const;
/** WINCTRL. */
export const AC_WINCTRL = { WEN0: 1 << 0, WINTSEL0_Pos: 1, WINTSEL0_Msk: 0x3 << 1 } as const;
/** WINCTRL.WINTSEL0 values. */
export const AC_WINTSEL = { ABOVE: 0, INSIDE: 1, BELOW: 2, OUTSIDE: 3 } as const;
/** COMPCTRLn. */
export const AC_COMPCTRL = {
  ENABLE: 1 << 0, SINGLE: 1 << 1, SPEED_Pos: 2, SPEED_Msk: 0x3 << 2, INTSEL_Pos: 5, INTSEL_Msk: 0x3 << 5,
  MUXNEG_Pos: 8, MUXNEG_Msk: 0x7 << 8, MUXPOS_Pos: 12, MUXPOS_Msk: 0x3 << 12, SWAP: 1 << 15, OUT_Pos: 16,
  OUT_Msk: 0x3 << 16, HYST: 1 << 19, FLEN_Pos: 24, FLEN_Msk: 0x7 << 24,
} as const;
export const AC_SPEED = { LOW: 0, HIGH: 1 } as const;
export const AC_INTSEL = { TOGGLE: 0, RISING: 1, FALLING: 2, EOC: 3 } as const;
export const AC_MUXNEG = { PIN0: 0, PIN1: 1, PIN2: 2, PIN3: 3, GND: 4, VSCALE: 5, BANDGAP: 6, DAC: 7 } as const;
export const AC_MUXPOS = { PIN0: 0, PIN1: 1, PIN2: 2, PIN3: 3 } as const;
export const AC_OUT = { OFF: 0, ASYNC: 1, SYNC: 2 } as const;
export const AC_FLEN = { OFF: 0, MAJ3: 1, MAJ5: 2 } as const;
/** SCALERn: VDD scaler output = VDDANA × (VALUE + 1) / 64. */
export const AC_SCALER = { VALUE_Pos: 0, VALUE_Msk: 0x3f << 0 } as const;
export const AC_SCALER_STEPS = 64;

/** AIN0..3 (function B) and the CMPn outputs (function H), I/O multiplexing table 7-1. */
export const AC_AIN_PADS: readonly number[] = ['PA04', 'PA05', 'PA06', 'PA07'].map(padIndex);
export const AC_CMP_PADS: readonly (readonly number[])[] = [['PA12', 'PA18'].map(padIndex), ['PA13', 'PA19'].map(padIndex)];

/**
 * Start-up time (enable or start to the first comparison) per COMPCTRLn.SPEED, and the hysteresis
 * with HYST = 1. Model constants of the order of the electrical characteristics' typical values
 * (a few µs; tens of mV), not quoted from them: firmware polls READYx, so only the order matters.
 */
export const AC_STARTUP_SECONDS = { LOW: 4e-6, HIGH: 1e-6 } as const;
export const AC_HYSTERESIS_VOLTS = 0.05;

const COMPARATORS = 2;
const SYNC_SWRST = 1 << 0;
const SYNC_ENABLE = 1 << 1;
const SYNC_COMP0 = 1 << 2;
const SYNC_WINCTRL = 1 << 4;
const INT_MASK = AC_INT.COMP0 | AC_INT.COMP1 | AC_INT.WIN0;
const COMPCTRL_WRITABLE =
  AC_COMPCTRL.ENABLE | AC_COMPCTRL.SINGLE | AC_COMPCTRL.SPEED_Msk | AC_COMPCTRL.INTSEL_Msk | AC_COMPCTRL.MUXNEG_Msk |
  AC_COMPCTRL.MUXPOS_Msk | AC_COMPCTRL.SWAP | AC_COMPCTRL.OUT_Msk | AC_COMPCTRL.HYST | AC_COMPCTRL.FLEN_Msk;
/** Filter length N per FLEN (reserved values: no filter). */
const FILTER_SAMPLES = [1, 3, 5];

export interface AcOptions {
  /** VDDANA in volts (the scaler's top). */
  vddana?: number;
  /** Bandgap reference in volts. */
  bandgap?: number;
}

/** One comparator's state beside its registers. */
class Comparator {
  /** COMPCTRLn.ENABLE as synchronised (the register shows the written value at once). */
  enabled = false;
  ready = false;
  /** A single-shot comparison (or the start-up of a continuous one) is under way. */
  busy = false;
  /** Started up and comparing (continuous, or within a single-shot comparison). */
  running = false;
  /** The analog comparator before the SWAP inversion (hysteresis acts on it). */
  core: 0 | 1 = 0;
  /** The raw (asynchronous) output. */
  raw: 0 | 1 = 0;
  /** The synchronous, filtered output: STATUSA.STATEn. */
  state: 0 | 1 = 0;
  /** The last samples (bit 0 newest) and how many were taken since the comparator started. */
  history = 0;
  taken = 0;
  /** The comparator is waiting for GCLK_AC_DIG to start. */
  waitingForClock = false;
  readonly startEvent: SimEvent;
  readonly sampleEvent: SimEvent;
  readonly pads: PadHandle[] = [];
  constructor(
    readonly n: number,
    started: () => void,
    sample: () => void,
  ) {
    this.startEvent = new SimEvent(`AC.COMP${n} start-up`, started);
    this.sampleEvent = new SimEvent(`AC.COMP${n} sample`, sample);
  }
}

export class AC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CTRLB: Register;
  readonly EVCTRL: Register;
  readonly STATUSA: Register;
  readonly STATUSB: Register;
  readonly STATUSC: Register;
  readonly WINCTRL: Register;
  readonly COMPCTRL: Register[];
  readonly SCALER: Register[];
  readonly int: InterruptRegisters;

  readonly vddana: number;
  readonly bandgap: number;
  /** Starts that found GCLK_AC_DIG stopped (diagnostics). */
  stalledStarts = 0;
  /** Writes of reserved SPEED/OUT/FLEN values (diagnostics). */
  reservedSelections = 0;
  /** Comparisons completed (single-shot) and samples taken (continuous), per comparator. */
  readonly comparisons = [0, 0];

  private enabled = false;
  private windowEnabled = false;
  private wstate: number = AC_WSTATE.ABOVE;
  private readonly sync: SyncBusy;
  private readonly comps: Comparator[] = [];
  private readonly windowEvent = new SimEvent('AC.WIN0', () => this.updateWindow());

  constructor(
    private readonly chip: Samd21Chip,
    opts: AcOptions = {},
  ) {
    super('AC', 0x400);
    this.vddana = opts.vddana ?? 3.3;
    this.bandgap = opts.bandgap ?? 1.1;
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.AC_DIG), (bits) => this.synced(bits));
    for (let n = 0; n < COMPARATORS; n++) {
      this.comps.push(new Comparator(n, () => this.startupDone(this.comps[n]), () => this.sample(this.comps[n])));
    }
    const R = AC_REG;
    this.CTRLA = this.reg({
      name: 'CTRLA', offset: R.CTRLA, size: 1, writable: AC_CTRLA.SWRST | AC_CTRLA.ENABLE | AC_CTRLA.RUNSTDBY | AC_CTRLA.LPMUX,
      write: (v, old) => void writeCtrlaSwrstEnable(this.CTRLA, v, old, this.sync, SYNC_SWRST, SYNC_ENABLE),
    });
    this.CTRLB = this.reg({
      name: 'CTRLB', offset: R.CTRLB, size: 1, writable: AC_CTRLB.START0 | AC_CTRLB.START1, writeOnly: true,
      write: (v) => this.startBits(v & (AC_CTRLB.START0 | AC_CTRLB.START1)),
    });
    const E = AC_EVCTRL;
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: R.EVCTRL, size: 2, writable: E.COMPEO0 | E.COMPEO1 | E.WINEO0 | E.COMPEI0 | E.COMPEI1 });
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG }, 1, INT_MASK, (l) => chip.irq(IRQ.AC, l));
    this.STATUSA = this.reg({ name: 'STATUSA', offset: R.STATUSA, size: 1, writable: 0, read: () => this.statusA() });
    this.STATUSB = this.reg({ name: 'STATUSB', offset: R.STATUSB, size: 1, writable: 0, read: () => this.statusB() });
    this.STATUSC = this.reg({ name: 'STATUSC', offset: R.STATUSC, size: 1, writable: 0, read: () => this.readStatusC() });
    this.WINCTRL = this.reg({
      name: 'WINCTRL', offset: R.WINCTRL, size: 1, writable: AC_WINCTRL.WEN0 | AC_WINCTRL.WINTSEL0_Msk,
      write: () => this.sync.start(SYNC_WINCTRL),
    });
    this.COMPCTRL = this.comps.map((c) =>
      this.reg({
        name: `COMPCTRL${c.n}`, offset: R.COMPCTRL0 + R.COMPCTRL_STRIDE * c.n, size: 4, writable: COMPCTRL_WRITABLE,
        write: (v, old) => this.compctrlWritten(c, v, old),
      }),
    );
    this.SCALER = this.comps.map((c) =>
      this.reg({ name: `SCALER${c.n}`, offset: R.SCALER0 + R.SCALER_STRIDE * c.n, size: 1, writable: AC_SCALER.VALUE_Msk, write: () => this.inputsChanged() }),
    );

    chip.onEventUser(EVENT_USER.AC_SOC0, () => this.startEvent(0));
    chip.onEventUser(EVENT_USER.AC_SOC1, () => this.startEvent(1));
    chip.onClockChange(() => this.clockChanged());
    dacOf(chip)?.onOutput(() => this.inputsChanged());
    if (chip.pads) {
      for (const index of AC_AIN_PADS) chip.pads.pin(index).net.onVoltage(() => this.inputsChanged());
      for (const c of this.comps) for (const index of AC_CMP_PADS[c.n]) c.pads.push(chip.pad(index, 'H'));
    }
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  /** SWRST: every register to its reset value, both comparators off (CTRLA.SWRST). */
  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.windowEvent);
    this.enabled = false;
    this.windowEnabled = false;
    this.wstate = AC_WSTATE.ABOVE;
    for (const c of this.comps) {
      this.stop(c);
      c.enabled = false;
      c.core = 0;
      c.raw = 0;
      c.state = 0;
      this.drivePads(c);
    }
  }

  // ---------------------------------------------------------------- registers

  private statusA(): number {
    let v = 0;
    for (const c of this.comps) if (c.state) v |= AC_STATUSA.STATE0 << c.n;
    if (this.windowEnabled) v |= (this.windowState() << AC_STATUSA.WSTATE0_Pos) & AC_STATUSA.WSTATE0_Msk;
    return v;
  }

  private statusB(): number {
    let v = this.sync.busy ? AC_STATUSB.SYNCBUSY : 0;
    for (const c of this.comps) if (c.ready) v |= AC_STATUSB.READY0 << c.n;
    return v;
  }

  private compctrlWritten(c: Comparator, value: number, old: number): void {
    const C = AC_COMPCTRL;
    const speed = (value & C.SPEED_Msk) >>> C.SPEED_Pos;
    const out = (value & C.OUT_Msk) >>> C.OUT_Pos;
    const flen = (value & C.FLEN_Msk) >>> C.FLEN_Pos;
    if (speed > AC_SPEED.HIGH || out > AC_OUT.SYNC || flen > AC_FLEN.MAJ5) this.reservedSelections++;
    if ((value ^ old) & C.ENABLE) this.sync.start(SYNC_COMP0 << c.n);
    if ((value ^ old) & C.SINGLE && c.enabled) this.restart(c);
    this.evaluate(c);
    this.drivePads(c);
  }

  private synced(bits: number): void {
    if (bits & SYNC_SWRST) return this.softwareReset();
    if (bits & SYNC_ENABLE) this.enabled = (this.CTRLA.value & AC_CTRLA.ENABLE) !== 0;
    for (const c of this.comps) if (bits & (SYNC_COMP0 << c.n)) c.enabled = (this.COMPCTRL[c.n].value & AC_COMPCTRL.ENABLE) !== 0;
    if (bits & SYNC_WINCTRL) {
      this.windowEnabled = (this.WINCTRL.value & AC_WINCTRL.WEN0) !== 0;
      this.wstate = this.windowState();
    }
    // CTRLA.ENABLE starts or stops both; a COMPCTRLn.ENABLE change only its own comparator.
    for (const c of this.comps) if (bits & (SYNC_ENABLE | (SYNC_COMP0 << c.n))) this.restart(c);
  }

  // ---------------------------------------------------------------- configuration of a comparator

  private compctrl(c: Comparator): number {
    return this.COMPCTRL[c.n].value;
  }

  private active(c: Comparator): boolean {
    return this.enabled && c.enabled;
  }

  private single(c: Comparator): boolean {
    return (this.compctrl(c) & AC_COMPCTRL.SINGLE) !== 0;
  }

  private filterLength(c: Comparator): number {
    return FILTER_SAMPLES[(this.compctrl(c) & AC_COMPCTRL.FLEN_Msk) >>> AC_COMPCTRL.FLEN_Pos] ?? 1;
  }

  private startupCycles(c: Comparator): number {
    const speed = (this.compctrl(c) & AC_COMPCTRL.SPEED_Msk) >>> AC_COMPCTRL.SPEED_Pos;
    return this.chip.scheduler.cyclesIn(speed === AC_SPEED.HIGH ? AC_STARTUP_SECONDS.HIGH : AC_STARTUP_SECONDS.LOW);
  }

  /** CPU cycles per GCLK_AC_DIG period (Infinity when the channel is off). */
  private samplePeriod(): number {
    return this.chip.cyclesPer(this.chip.gclkFrequency(GCLK_ID.AC_DIG));
  }

  // ---------------------------------------------------------------- inputs and the raw output

  /** The VDD scaler output of comparator `n` (SCALERn.VALUE). */
  scalerVoltage(n: number): number {
    const value = (this.SCALER[n].value & AC_SCALER.VALUE_Msk) >>> AC_SCALER.VALUE_Pos;
    return (this.vddana * (value + 1)) / AC_SCALER_STEPS;
  }

  private padVoltage(ain: number): number {
    return this.chip.pads ? this.chip.pads.pin(AC_AIN_PADS[ain]).voltage : 0;
  }

  /** Voltage at the positive input of comparator `n` (MUXPOS). */
  positiveVoltage(n: number): number {
    return this.padVoltage((this.COMPCTRL[n].value & AC_COMPCTRL.MUXPOS_Msk) >>> AC_COMPCTRL.MUXPOS_Pos);
  }

  /** Voltage at the negative input of comparator `n` (MUXNEG). */
  negativeVoltage(n: number): number {
    const sel = (this.COMPCTRL[n].value & AC_COMPCTRL.MUXNEG_Msk) >>> AC_COMPCTRL.MUXNEG_Pos;
    switch (sel) {
      case AC_MUXNEG.GND:
        return 0;
      case AC_MUXNEG.VSCALE:
        return this.scalerVoltage(n);
      case AC_MUXNEG.BANDGAP:
        return this.bandgap;
      case AC_MUXNEG.DAC:
        return dacOf(this.chip)?.internalVoltage ?? 0;
      default:
        return this.padVoltage(sel);
    }
  }

  /** Any input may have moved: re-evaluate the running comparators. */
  private inputsChanged(): void {
    for (const c of this.comps) if (c.running) this.evaluate(c);
  }

  /** Recomputes the raw output of a running comparator; a change starts sampling. */
  private evaluate(c: Comparator): void {
    if (!c.running) return;
    const ctrl = this.compctrl(c);
    const swap = (ctrl & AC_COMPCTRL.SWAP) !== 0;
    const pos = this.positiveVoltage(c.n);
    const neg = this.negativeVoltage(c.n);
    const a = swap ? neg : pos;
    const b = swap ? pos : neg;
    // Hysteresis (continuous mode only): the threshold moves away from the current output.
    const h = ctrl & AC_COMPCTRL.HYST && !(ctrl & AC_COMPCTRL.SINGLE) ? AC_HYSTERESIS_VOLTS / 2 : 0;
    c.core = a > (c.core ? b - h : b + h) ? 1 : 0;
    const raw = (swap ? c.core ^ 1 : c.core) as 0 | 1;
    if (raw === c.raw) return;
    c.raw = raw;
    this.drivePads(c);
    if (!this.single(c) && !c.sampleEvent.scheduled) this.scheduleSample(c);
  }

  // ---------------------------------------------------------------- starting and stopping

  private stop(c: Comparator): void {
    this.chip.scheduler.cancel(c.startEvent);
    this.chip.scheduler.cancel(c.sampleEvent);
    c.running = false;
    c.ready = false;
    c.busy = false;
    c.waitingForClock = false;
    c.taken = 0;
    c.history = 0;
  }

  /** After an enable change: a continuous comparator starts up, a single-shot one waits for START. */
  private restart(c: Comparator): void {
    this.stop(c);
    if (!this.active(c)) return;
    if (!this.single(c)) this.begin(c);
  }

  /** Powers the comparator up: the first comparison follows the start-up time. */
  private begin(c: Comparator): void {
    if (this.samplePeriod() === Infinity) {
      this.stalledStarts++;
      c.waitingForClock = true;
      return;
    }
    c.busy = true;
    c.ready = false;
    c.taken = 0;
    c.history = 0;
    this.chip.scheduler.scheduleIn(c.startEvent, this.startupCycles(c));
  }

  private clockChanged(): void {
    for (const c of this.comps) {
      if (!c.waitingForClock || this.samplePeriod() === Infinity) continue;
      c.waitingForClock = false;
      this.begin(c);
    }
  }

  /** CTRLB.STARTx: single-shot comparisons (in window mode either start starts both). */
  private startBits(bits: number): void {
    if (this.windowEnabled && bits) bits = AC_CTRLB.START0 | AC_CTRLB.START1;
    for (const c of this.comps) if (bits & (AC_CTRLB.START0 << c.n)) this.startSingle(c);
  }

  private startEvent(n: number): void {
    if (!(this.EVCTRL.value & (AC_EVCTRL.COMPEI0 << n))) return;
    this.startBits(AC_CTRLB.START0 << n);
  }

  private startSingle(c: Comparator): void {
    if (!this.active(c) || !this.single(c) || c.busy) return;
    this.begin(c);
  }

  /** End of the start-up time: the comparator runs; its first sample is taken now. */
  private startupDone(c: Comparator): void {
    c.running = true;
    // A fresh start: no previous output for the hysteresis to hold.
    const ctrl = this.compctrl(c);
    const swap = (ctrl & AC_COMPCTRL.SWAP) !== 0;
    const pos = this.positiveVoltage(c.n);
    const neg = this.negativeVoltage(c.n);
    c.core = (swap ? neg > pos : pos > neg) ? 1 : 0;
    c.raw = (swap ? c.core ^ 1 : c.core) as 0 | 1;
    this.drivePads(c);
    this.sample(c);
  }

  // ---------------------------------------------------------------- sampling and filtering

  /** Takes the next sample one GCLK_AC_DIG period from now. */
  private scheduleSample(c: Comparator): void {
    const period = this.samplePeriod();
    if (period === Infinity) return;
    this.chip.scheduler.scheduleIn(c.sampleEvent, Math.max(1, Math.ceil(period)));
  }

  /** One GCLK_AC_DIG sample of the raw output into the majority filter (FLEN). */
  private sample(c: Comparator): void {
    const n = this.filterLength(c);
    const mask = (1 << n) - 1;
    c.history = ((c.history << 1) | c.raw) & mask;
    c.taken++;
    this.comparisons[c.n]++;
    if (c.taken < n) return this.scheduleSample(c);
    let ones = 0;
    for (let i = 0; i < n; i++) ones += (c.history >>> i) & 1;
    const out: 0 | 1 = ones > n >> 1 ? 1 : 0;
    c.ready = true;
    c.busy = false;
    if (this.single(c)) {
      // The comparison is over; the comparator idles until the next start.
      c.running = false;
      this.output(c, out, true);
      return;
    }
    this.output(c, out, false);
    // Keep sampling while the filter has not settled on the raw output.
    if (c.history !== (c.raw ? mask : 0)) this.scheduleSample(c);
  }

  // ---------------------------------------------------------------- results

  /** A new synchronous result: STATUSA, interrupt per INTSEL, events, the SYNC pad output, window. */
  private output(c: Comparator, out: 0 | 1, endOfComparison: boolean): void {
    const previous = c.state;
    c.state = out;
    const intsel = (this.compctrl(c) & AC_COMPCTRL.INTSEL_Msk) >>> AC_COMPCTRL.INTSEL_Pos;
    const fire =
      intsel === AC_INTSEL.EOC
        ? endOfComparison
        : previous !== out && (intsel === AC_INTSEL.TOGGLE || (intsel === AC_INTSEL.RISING) === (out === 1));
    if (fire) this.int.set(AC_INT.COMP0 << c.n);
    if (previous !== out && this.EVCTRL.value & (AC_EVCTRL.COMPEO0 << c.n)) this.chip.eventLevel(EVENT_GENERATOR.AC_COMP0 + c.n, out);
    if (previous !== out) this.drivePads(c);
    // Both comparators sample on the same clock edge: judge the window once both are in.
    if (this.windowEnabled && !this.windowEvent.scheduled) this.chip.scheduler.scheduleIn(this.windowEvent, 0);
  }

  /** WSTATE0 from the two outputs: both above their limits, both below, or between. */
  private windowState(): number {
    const [s0, s1] = [this.comps[0].state, this.comps[1].state];
    if (s0 !== s1) return AC_WSTATE.INSIDE;
    return s0 ? AC_WSTATE.ABOVE : AC_WSTATE.BELOW;
  }

  private updateWindow(): void {
    const previous = this.wstate;
    const now = this.windowState();
    if (now === previous) return;
    this.wstate = now;
    const sel = (this.WINCTRL.value & AC_WINCTRL.WINTSEL0_Msk) >>> AC_WINCTRL.WINTSEL0_Pos;
    const W = AC_WSTATE;
    const fire =
      (sel === AC_WINTSEL.ABOVE && now === W.ABOVE) ||
      (sel === AC_WINTSEL.INSIDE && now === W.INSIDE) ||
      (sel === AC_WINTSEL.BELOW && now === W.BELOW) ||
      (sel === AC_WINTSEL.OUTSIDE && previous === W.INSIDE);
    if (fire) this.int.set(AC_INT.WIN0);
    const inside = (now === W.INSIDE) !== (previous === W.INSIDE);
    if (inside && this.EVCTRL.value & AC_EVCTRL.WINEO0) this.chip.eventLevel(EVENT_GENERATOR.AC_WIN0, now === W.INSIDE ? 1 : 0);
  }

  /** CMPn pads: the raw (ASYNC) or filtered (SYNC) output, released with OUT = OFF. */
  private drivePads(c: Comparator): void {
    const out = (this.compctrl(c) & AC_COMPCTRL.OUT_Msk) >>> AC_COMPCTRL.OUT_Pos;
    const level = out === AC_OUT.ASYNC ? c.raw : out === AC_OUT.SYNC ? c.state : null;
    for (const pad of c.pads) pad.drive(level);
  }

  // ---------------------------------------------------------------- STATUSC

  /**
   * Reading STATUSC starts a comparison on every idle single-shot comparator and stalls the bus
   * until every enabled comparator is ready; the stall is charged to the reader.
   */
  private readStatusC(): number {
    for (const c of this.comps) if (this.active(c) && this.single(c) && !c.busy) this.startSingle(c);
    const now = this.chip.scheduler.cycles;
    let until = now;
    for (const c of this.comps) {
      if (!this.active(c)) continue;
      // Run the comparator's pending start-up and samples now, keeping count of the time they
      // would have taken: the first event is already on the timeline, the ones it schedules are
      // relative to now.
      let t = now;
      let first = true;
      while (!c.ready && (c.startEvent.scheduled || c.sampleEvent.scheduled)) {
        const ev = c.startEvent.scheduled ? c.startEvent : c.sampleEvent;
        t = first ? Math.max(t, ev.cycle) : t + (ev.cycle - now);
        first = false;
        this.chip.scheduler.cancel(ev);
        ev.callback(this.chip.scheduler);
      }
      until = Math.max(until, t);
    }
    if (this.windowEvent.scheduled) {
      this.chip.scheduler.cancel(this.windowEvent);
      this.updateWindow();
    }
    this.chip.bus.stall += until - now;
    return this.statusA();
  }
}
