/**
 * ADC, the 12-bit successive-approximation analog-to-digital converter (data sheet section 33).
 *
 * What is modelled:
 *  - inputs (INPUTCTRL.MUXPOS): AIN0..AIN19 read the analog voltage of the pad's net (the voltage a
 *    board part forces, or the digital level's rail); TEMP (the temperature sensor, calibrated to
 *    the NVM temperature log, see memory-map.ts TEMPERATURE_LOG), BANDGAP (1.1 V), SCALEDCOREVCC
 *    (VDDCORE/4), SCALEDIOVCC (VDDANA/4), DAC (the DAC's internal output). MUXNEG (AIN0..7, GND,
 *    IOGND) in DIFFMODE; GAIN 1x..16x and DIV2; INPUTSCAN/INPUTOFFSET scanning.
 *  - references (REFCTRL.REFSEL): INT1V (1.0 V), INTVCC0 (VDDANA/1.48), INTVCC1 (VDDANA/2),
 *    AREFA (pad PA03), AREFB (pad PA04).
 *  - CTRLB.RESSEL 12/10/8 bits, and 16BIT with AVGCTRL.SAMPLENUM accumulation (automatic right
 *    shift beyond 16 samples, then ADJRES division: 33.6.2.9 table 33-3), LEFTADJ, CORREN with
 *    GAINCORR/OFFSETCORR, FREERUN, WINCTRL window monitor, SWTRIG START/FLUSH, events (START,
 *    SYNC in; RESRDY, WINMON out), DMA trigger RESRDY, interrupts RESRDY/OVERRUN/WINMON/SYNCRDY.
 *  - timing: CLK_ADC = GCLK_ADC / 2^(PRESCALER+2); one conversion takes the sampling time
 *    (SAMPLEN+1)/2 CLK_ADC periods plus the propagation delay (1 + bits/2 + gain delay) periods
 *    (33.6.2.8); averaging repeats it 2^SAMPLENUM times.
 *  - write synchronisation (STATUS.SYNCBUSY; 33.6.13): CTRLA, CTRLB, SWTRIG, WINCTRL, INPUTCTRL,
 *    WINLT, WINUT, GAINCORR, OFFSETCORR.
 * The conversion is ideal (no noise, no INL/DNL): CALIB is stored, not applied. Pads are read
 * whether or not PMUX selects function B (the data sheet requires it; we do not punish its absence).
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { padIndex, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ, TEMPERATURE_LOG } from './memory-map.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { dacOf } from './dac.js';

/** AINn -> pad index (data sheet 7.1, I/O multiplexing, function B "ADC"). */
export const ADC_AIN_PADS: readonly number[] = [
  2, 3, 32 + 8, 32 + 9, 4, 5, 6, 7, 32 + 0, 32 + 1, 32 + 2, 32 + 3, 32 + 4, 32 + 5, 32 + 6, 32 + 7, 8, 9, 10, 11,
];

export const ADC_MUXPOS = { TEMP: 0x18, BANDGAP: 0x19, SCALEDCOREVCC: 0x1a, SCALEDIOVCC: 0x1b, DAC: 0x1c } as const;
export const ADC_MUXNEG = { GND: 0x18, IOGND: 0x19 } as const;
export const ADC_REFSEL = { INT1V: 0, INTVCC0: 1, INTVCC1: 2, AREFA: 3, AREFB: 4 } as const;
export const ADC_RESSEL = { BITS12: 0, BITS16: 1, BITS10: 2, BITS8: 3 } as const;

/** INTFLAG bits. */
/** INTFLAG / INTENSET / INTENCLR (33.8.10-12). */
export const ADC_INT = { RESRDY: 1 << 0, OVERRUN: 1 << 1, WINMON: 1 << 2, SYNCRDY: 1 << 3 } as const;

/** Register offsets (33.7 register summary). */
export const ADC_REG = {
  CTRLA: 0x00, REFCTRL: 0x01, AVGCTRL: 0x02, SAMPCTRL: 0x03, CTRLB: 0x04, WINCTRL: 0x08, SWTRIG: 0x0c,
  INPUTCTRL: 0x10, EVCTRL: 0x14, INTENCLR: 0x16, INTENSET: 0x17, INTFLAG: 0x18, STATUS: 0x19, RESULT: 0x1a,
  WINLT: 0x1c, WINUT: 0x20, GAINCORR: 0x24, OFFSETCORR: 0x26, CALIB: 0x28, DBGCTRL: 0x2a,
} as const;
/** CTRLA (33.8.1). */
export const ADC_CTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, RUNSTDBY: 1 << 2 } as const;
/** REFCTRL (33.8.2). */
export const ADC_REFCTRL = { REFSEL_Pos: 0, REFSEL_Msk: 0xf << 0, REFCOMP: 1 << 7 } as const;
/** AVGCTRL (33.8.3). */
export const ADC_AVGCTRL = { SAMPLENUM_Pos: 0, SAMPLENUM_Msk: 0xf << 0, ADJRES_Pos: 4, ADJRES_Msk: 0x7 << 4 } as const;
/** SAMPCTRL (33.8.4). */
export const ADC_SAMPCTRL = { SAMPLEN_Pos: 0, SAMPLEN_Msk: 0x3f << 0 } as const;
/** CTRLB (33.8.5); PRESCALER n divides by 4 << n. */
export const ADC_CTRLB = {
  DIFFMODE: 1 << 0, LEFTADJ: 1 << 1, FREERUN: 1 << 2, CORREN: 1 << 3, RESSEL_Pos: 4, RESSEL_Msk: 0x3 << 4,
  PRESCALER_Pos: 8, PRESCALER_Msk: 0x7 << 8,
} as const;
/** WINCTRL (33.8.6). */
export const ADC_WINCTRL = { WINMODE_Pos: 0, WINMODE_Msk: 0x7 << 0 } as const;
/** WINCTRL.WINMODE values: 1 RESULT > WINLT, 2 RESULT < WINUT, 3 inside, 4 outside. */
export const ADC_WINMODE = { DISABLE: 0, MODE1: 1, MODE2: 2, MODE3: 3, MODE4: 4 } as const;
/** SWTRIG (33.8.7). */
export const ADC_SWTRIG = { FLUSH: 1 << 0, START: 1 << 1 } as const;
/** INPUTCTRL (33.8.8). */
export const ADC_INPUTCTRL = {
  MUXPOS_Pos: 0, MUXPOS_Msk: 0x1f << 0, MUXNEG_Pos: 8, MUXNEG_Msk: 0x1f << 8, INPUTSCAN_Pos: 16,
  INPUTSCAN_Msk: 0xf << 16, INPUTOFFSET_Pos: 20, INPUTOFFSET_Msk: 0xf << 20, GAIN_Pos: 24,
  GAIN_Msk: 0xf << 24,
} as const;
/** INPUTCTRL.GAIN values (1X..16X, then DIV2). */
export const ADC_GAIN = { X1: 0x0, X2: 0x1, X4: 0x2, X8: 0x3, X16: 0x4, DIV2: 0xf } as const;
/** EVCTRL (33.8.9). */
export const ADC_EVCTRL = { STARTEI: 1 << 0, SYNCEI: 1 << 1, RESRDYEO: 1 << 4, WINMONEO: 1 << 5 } as const;
/** STATUS (33.8.13). */
export const ADC_STATUS = { SYNCBUSY: 1 << 7 } as const;
/** GAINCORR / OFFSETCORR: 12-bit fields (33.8.18-19). */
export const ADC_CORR = { Msk: 0xfff } as const;
/** CALIB (33.8.20). */
export const ADC_CALIB = { LINEARITY_CAL_Pos: 0, LINEARITY_CAL_Msk: 0xff << 0, BIAS_CAL_Pos: 8, BIAS_CAL_Msk: 0x7 << 8 } as const;
/** DBGCTRL (33.8.21). */
export const ADC_DBGCTRL = { DBGRUN: 1 << 0 } as const;

const SYNC_CTRLA = 1 << 0;
const SYNC_START = 1 << 1;
const SYNC_OTHER = 1 << 2;
const INT_MASK = ADC_INT.RESRDY | ADC_INT.OVERRUN | ADC_INT.WINMON | ADC_INT.SYNCRDY;
/** MUXNEG selections below this are AIN0..7 pins (33.8.8). */
const MUXNEG_PINS = 8;
/** AVGCTRL.SAMPLENUM stops doubling at 1024 samples. */
const MAX_SAMPLENUM = 10;
/** Conversion time when GCLK_ADC is off (fallback, counted in stalledConversions). */
const STALLED_CYCLES = 1000;
const RESULT_Msk = 0xffff;
/** External references: VREFA on PA03, VREFB on PA04 (table 7-1). */
const VREFA_PAD = padIndex('PA03');
const VREFB_PAD = padIndex('PA04');

export interface AdcOptions {
  /** VDDANA in volts (3.3 on every CircuitPython board). */
  vddana?: number;
  /** VDDCORE in volts (the internal regulator, 1.2 V). */
  vddcore?: number;
  /** Bandgap voltage (1.1 V typical). */
  bandgap?: number;
}

export class ADC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly REFCTRL: Register;
  readonly AVGCTRL: Register;
  readonly SAMPCTRL: Register;
  readonly CTRLB: Register;
  readonly WINCTRL: Register;
  readonly SWTRIG: Register;
  readonly INPUTCTRL: Register;
  readonly EVCTRL: Register;
  readonly STATUS: Register;
  readonly RESULT: Register;
  readonly WINLT: Register;
  readonly WINUT: Register;
  readonly GAINCORR: Register;
  readonly OFFSETCORR: Register;
  readonly CALIB: Register;
  readonly DBGCTRL: Register;
  readonly int: InterruptRegisters;

  /** Die temperature in °C seen by the temperature sensor (settable by the board/UI). */
  dieTemperature = 25;
  readonly vddana: number;
  readonly vddcore: number;
  readonly bandgap: number;
  /** Conversions completed without a GCLK_ADC (fallback timing; diagnostics). */
  stalledConversions = 0;
  /** Conversions completed (diagnostics). */
  conversions = 0;
  /** Conversions completed per positive input (MUXPOS 0..31): which pads and sensors code reads (diagnostics; the web app shows a sensor's control once its input is read). */
  readonly conversionsByInput = new Uint32Array(32);

  private enabled = false;
  private readonly sync: SyncBusy;
  private pendingSwtrig = 0;
  private readonly convEvent: SimEvent;
  private converting = false;
  private inputOffset = 0;

  constructor(
    private readonly chip: Samd21Chip,
    opts: AdcOptions = {},
  ) {
    super('ADC', 0x400);
    this.vddana = opts.vddana ?? 3.3;
    this.vddcore = opts.vddcore ?? 1.2;
    this.bandgap = opts.bandgap ?? 1.1;
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.ADC), (bits) => this.synced(bits));
    this.convEvent = new SimEvent('ADC.conversion', () => this.conversionDone());

    const other = () => this.sync.start(SYNC_OTHER);
    const R = ADC_REG;
    const IC = ADC_INPUTCTRL;
    this.CTRLA = this.reg({
      name: 'CTRLA',
      offset: R.CTRLA,
      size: 1,
      writable: ADC_CTRLA.SWRST | ADC_CTRLA.ENABLE | ADC_CTRLA.RUNSTDBY,
      write: () => this.sync.start(SYNC_CTRLA),
    });
    this.REFCTRL = this.reg({ name: 'REFCTRL', offset: R.REFCTRL, size: 1, writable: ADC_REFCTRL.REFSEL_Msk | ADC_REFCTRL.REFCOMP });
    this.AVGCTRL = this.reg({ name: 'AVGCTRL', offset: R.AVGCTRL, size: 1, writable: ADC_AVGCTRL.SAMPLENUM_Msk | ADC_AVGCTRL.ADJRES_Msk });
    this.SAMPCTRL = this.reg({ name: 'SAMPCTRL', offset: R.SAMPCTRL, size: 1, writable: ADC_SAMPCTRL.SAMPLEN_Msk });
    const B = ADC_CTRLB;
    this.CTRLB = this.reg({ name: 'CTRLB', offset: R.CTRLB, size: 2, writable: B.DIFFMODE | B.LEFTADJ | B.FREERUN | B.CORREN | B.RESSEL_Msk | B.PRESCALER_Msk, write: other });
    this.WINCTRL = this.reg({ name: 'WINCTRL', offset: R.WINCTRL, size: 1, writable: ADC_WINCTRL.WINMODE_Msk, write: other });
    this.SWTRIG = this.reg({
      name: 'SWTRIG',
      offset: R.SWTRIG,
      size: 1,
      writable: ADC_SWTRIG.FLUSH | ADC_SWTRIG.START,
      write: (v) => {
        this.pendingSwtrig |= v & (ADC_SWTRIG.FLUSH | ADC_SWTRIG.START);
        this.sync.start(SYNC_START);
      },
    });
    this.INPUTCTRL = this.reg({
      name: 'INPUTCTRL',
      offset: R.INPUTCTRL,
      size: 4,
      writable: IC.MUXPOS_Msk | IC.MUXNEG_Msk | IC.INPUTSCAN_Msk | IC.INPUTOFFSET_Msk | IC.GAIN_Msk,
      // INPUTOFFSET reads the scan position (33.8.9).
      read: (r) => ((r.value & ~IC.INPUTOFFSET_Msk) | ((this.inputOffset << IC.INPUTOFFSET_Pos) & IC.INPUTOFFSET_Msk)) >>> 0,
      write: (v) => {
        this.inputOffset = (v & IC.INPUTOFFSET_Msk) >>> IC.INPUTOFFSET_Pos;
        other();
      },
    });
    const E = ADC_EVCTRL;
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: R.EVCTRL, size: 1, writable: E.STARTEI | E.SYNCEI | E.RESRDYEO | E.WINMONEO });
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG }, 1, INT_MASK, (l) => chip.irq(IRQ.ADC, l));
    this.STATUS = this.reg({ name: 'STATUS', offset: R.STATUS, size: 1, writable: 0, read: () => (this.sync.busy ? ADC_STATUS.SYNCBUSY : 0) });
    this.RESULT = this.reg({
      name: 'RESULT',
      offset: R.RESULT,
      size: 2,
      writable: 0,
      // Reading RESULT clears INTFLAG.RESRDY (33.8.13).
      read: (r) => {
        this.int.clear(ADC_INT.RESRDY);
        return r.value;
      },
    });
    this.WINLT = this.reg({ name: 'WINLT', offset: R.WINLT, size: 2, write: other });
    this.WINUT = this.reg({ name: 'WINUT', offset: R.WINUT, size: 2, write: other });
    this.GAINCORR = this.reg({ name: 'GAINCORR', offset: R.GAINCORR, size: 2, writable: ADC_CORR.Msk, write: other });
    this.OFFSETCORR = this.reg({ name: 'OFFSETCORR', offset: R.OFFSETCORR, size: 2, writable: ADC_CORR.Msk, write: other });
    // The model's converter is ideal: the calibration is stored only.
    this.CALIB = this.reg({ name: 'CALIB', offset: R.CALIB, size: 2, writable: ADC_CALIB.LINEARITY_CAL_Msk | ADC_CALIB.BIAS_CAL_Msk });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: R.DBGCTRL, size: 1, writable: ADC_DBGCTRL.DBGRUN });

    chip.registerDmaSource(DMA_TRIGGER.ADC_RESRDY, () => (this.int.flags() & ADC_INT.RESRDY) !== 0);
    chip.onEventUser(EVENT_USER.ADC_START, () => {
      if (this.EVCTRL.value & ADC_EVCTRL.STARTEI) this.start();
    });
    chip.onEventUser(EVENT_USER.ADC_SYNC, () => {
      if (this.EVCTRL.value & ADC_EVCTRL.SYNCEI) {
        this.flush();
        this.start();
      }
    });
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  /** SWRST: every register to its reset value, the ADC disabled (33.8.1). */
  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.convEvent);
    this.converting = false;
    this.enabled = false;
    this.pendingSwtrig = 0;
    this.inputOffset = 0;
  }

  // ---------------------------------------------------------------- synchronisation

  private synced(bits: number): void {
    if (bits & SYNC_CTRLA) {
      if (this.CTRLA.value & ADC_CTRLA.SWRST) return this.softwareReset();
      this.setEnabled((this.CTRLA.value & ADC_CTRLA.ENABLE) !== 0);
    }
    if (bits & SYNC_START) {
      const t = this.pendingSwtrig;
      this.pendingSwtrig = 0;
      if (t & ADC_SWTRIG.FLUSH) this.flush();
      if (t & ADC_SWTRIG.START) this.start();
    }
    this.int.set(ADC_INT.SYNCRDY);
  }

  /** Disabling aborts the conversion in progress. */
  private setEnabled(on: boolean): void {
    if (!on && this.enabled) this.abort();
    this.enabled = on;
  }

  // ---------------------------------------------------------------- conversions

  /** Starts a conversion (SWTRIG.START, START event, FREERUN). */
  private start(): void {
    if (!this.enabled || this.converting) return;
    this.converting = true;
    this.chip.scheduler.scheduleIn(this.convEvent, this.conversionCycles());
  }

  private abort(): void {
    this.chip.scheduler.cancel(this.convEvent);
    this.converting = false;
  }

  /** SWTRIG.FLUSH / SYNC event: abort the ongoing conversion, restart the scan (33.6.2.4). */
  private flush(): void {
    this.abort();
    this.inputOffset = (this.INPUTCTRL.value & ADC_INPUTCTRL.INPUTOFFSET_Msk) >>> ADC_INPUTCTRL.INPUTOFFSET_Pos;
  }

  private get ressel(): number {
    return (this.CTRLB.value & ADC_CTRLB.RESSEL_Msk) >>> ADC_CTRLB.RESSEL_Pos;
  }

  private get samplenum(): number {
    return Math.min(MAX_SAMPLENUM, (this.AVGCTRL.value & ADC_AVGCTRL.SAMPLENUM_Msk) >>> ADC_AVGCTRL.SAMPLENUM_Pos);
  }

  private get gain(): number {
    return (this.INPUTCTRL.value & ADC_INPUTCTRL.GAIN_Msk) >>> ADC_INPUTCTRL.GAIN_Pos;
  }

  private get bits(): number {
    const ressel = this.ressel;
    return ressel === ADC_RESSEL.BITS10 ? 10 : ressel === ADC_RESSEL.BITS8 ? 8 : 12;
  }

  private get samples(): number {
    if (this.ressel !== ADC_RESSEL.BITS16) return 1;
    return 1 << this.samplenum;
  }

  /** Duration of the next conversion (all accumulated samples) in scheduler cycles. */
  conversionCycles(): number {
    const gclk = this.chip.gclkFrequency(GCLK_ID.ADC);
    const prescaler = 4 << ((this.CTRLB.value & ADC_CTRLB.PRESCALER_Msk) >>> ADC_CTRLB.PRESCALER_Pos);
    const gain = this.gain;
    const diff = (this.CTRLB.value & ADC_CTRLB.DIFFMODE) !== 0;
    // Gain stage delay in CLK_ADC periods (33.6.2.8), differential half a period less.
    let gainDelay = gain === ADC_GAIN.X1 || gain === ADC_GAIN.DIV2 ? 0 : gain <= ADC_GAIN.X4 ? 1 : 1.5;
    if (diff) gainDelay = Math.max(0, gainDelay - 0.5);
    const samplen = (this.SAMPCTRL.value & ADC_SAMPCTRL.SAMPLEN_Msk) >>> ADC_SAMPCTRL.SAMPLEN_Pos;
    const perSample = (samplen + 1) / 2 + 1 + this.bits / 2 + gainDelay;
    const clkAdcPeriods = perSample * this.samples;
    if (gclk <= 0) {
      this.stalledConversions++;
      return STALLED_CYCLES;
    }
    return Math.max(1, Math.ceil((clkAdcPeriods * prescaler * this.chip.scheduler.frequency) / gclk));
  }

  private conversionDone(): void {
    this.converting = false;
    if (!this.enabled) return;
    this.conversions++;
    const result = this.convert();
    const flags = this.int.flags();
    if (flags & ADC_INT.RESRDY) this.int.set(ADC_INT.OVERRUN);
    this.RESULT.value = result & RESULT_Msk;
    let hit = false;
    const mode = (this.WINCTRL.value & ADC_WINCTRL.WINMODE_Msk) >>> ADC_WINCTRL.WINMODE_Pos;
    if (mode !== ADC_WINMODE.DISABLE) {
      const signed = (this.CTRLB.value & ADC_CTRLB.DIFFMODE) !== 0;
      const v = signed ? (result << 16) >> 16 : result & RESULT_Msk;
      const lt = signed ? (this.WINLT.value << 16) >> 16 : this.WINLT.value;
      const ut = signed ? (this.WINUT.value << 16) >> 16 : this.WINUT.value;
      const W = ADC_WINMODE;
      hit = mode === W.MODE1 ? v > lt : mode === W.MODE2 ? v < ut : mode === W.MODE3 ? v > lt && v < ut : mode === W.MODE4 ? v < lt || v > ut : false;
    }
    this.int.set(ADC_INT.RESRDY | (hit ? ADC_INT.WINMON : 0));
    if (this.EVCTRL.value & ADC_EVCTRL.RESRDYEO) this.chip.generateEvent(EVENT_GENERATOR.ADC_RESRDY);
    if (hit && this.EVCTRL.value & ADC_EVCTRL.WINMONEO) this.chip.generateEvent(EVENT_GENERATOR.ADC_WINMON);
    this.chip.dmaTrigger(DMA_TRIGGER.ADC_RESRDY);
    // Input scan: next input (33.6.2.6).
    const scan = (this.INPUTCTRL.value & ADC_INPUTCTRL.INPUTSCAN_Msk) >>> ADC_INPUTCTRL.INPUTSCAN_Pos;
    if (scan > 0) this.inputOffset = this.inputOffset >= scan ? 0 : this.inputOffset + 1;
    if (this.CTRLB.value & ADC_CTRLB.FREERUN) this.start();
  }

  /** The voltage at a MUXPOS input. */
  positiveInputVoltage(muxpos: number): number {
    if (muxpos < ADC_AIN_PADS.length) return this.padVoltage(ADC_AIN_PADS[muxpos]);
    switch (muxpos) {
      case ADC_MUXPOS.TEMP:
        return this.temperatureSensorVoltage();
      case ADC_MUXPOS.BANDGAP:
        return this.bandgap;
      case ADC_MUXPOS.SCALEDCOREVCC:
        return this.vddcore / 4;
      case ADC_MUXPOS.SCALEDIOVCC:
        return this.vddana / 4;
      case ADC_MUXPOS.DAC:
        return dacOf(this.chip)?.internalVoltage ?? 0;
      default:
        return 0; // reserved selections
    }
  }

  private negativeInputVoltage(muxneg: number): number {
    if (muxneg < MUXNEG_PINS) return this.padVoltage(ADC_AIN_PADS[muxneg]);
    return 0; // GND, IOGND, reserved
  }

  private padVoltage(index: number): number {
    const pads = this.chip.pads;
    return pads ? pads.pin(index).voltage : 0;
  }

  /**
   * Temperature sensor output: linear through the two points of the NVM temperature log
   * (ROOM_ADC_VAL at ROOM_TEMP, HOT_ADC_VAL at HOT_TEMP, both 12-bit codes against the 1 V
   * reference corrected by INT1V_VAL), so firmware applying the data sheet's formula (37.11.8.2)
   * recovers `dieTemperature`.
   */
  temperatureSensorVoltage(t = this.dieTemperature): number {
    const L = TEMPERATURE_LOG;
    const roomT = L.ROOM_TEMP_VAL_INT + L.ROOM_TEMP_VAL_DEC / 10;
    const hotT = L.HOT_TEMP_VAL_INT + L.HOT_TEMP_VAL_DEC / 10;
    const roomV = (L.ROOM_ADC_VAL * (1 - L.ROOM_INT1V_VAL / 1000)) / 4095;
    const hotV = (L.HOT_ADC_VAL * (1 - L.HOT_INT1V_VAL / 1000)) / 4095;
    return roomV + ((t - roomT) * (hotV - roomV)) / (hotT - roomT);
  }

  /** The reference voltage REFCTRL selects. */
  referenceVoltage(): number {
    switch ((this.REFCTRL.value & ADC_REFCTRL.REFSEL_Msk) >>> ADC_REFCTRL.REFSEL_Pos) {
      case ADC_REFSEL.INT1V:
        return 1.0;
      case ADC_REFSEL.INTVCC0:
        return this.vddana / 1.48;
      case ADC_REFSEL.INTVCC1:
        return this.vddana / 2;
      case ADC_REFSEL.AREFA:
        return this.padVoltage(VREFA_PAD);
      case ADC_REFSEL.AREFB:
        return this.padVoltage(VREFB_PAD);
      default:
        return 1.0;
    }
  }

  private gainFactor(): number {
    const g = this.gain;
    return g === ADC_GAIN.DIV2 ? 0.5 : g <= ADC_GAIN.X16 ? 1 << g : 1;
  }

  /** One complete result (accumulation, shifts, correction, adjust) as stored in RESULT. */
  private convert(): number {
    const ic = this.INPUTCTRL.value;
    const IC = ADC_INPUTCTRL;
    const muxpos = (((ic & IC.MUXPOS_Msk) >>> IC.MUXPOS_Pos) + this.inputOffset) & IC.MUXPOS_Msk;
    this.conversionsByInput[muxpos]++;
    const diff = (this.CTRLB.value & ADC_CTRLB.DIFFMODE) !== 0;
    const vref = this.referenceVoltage();
    const vneg = diff ? this.negativeInputVoltage((ic & IC.MUXNEG_Msk) >>> IC.MUXNEG_Pos) : 0;
    const vin = (this.positiveInputVoltage(muxpos) - vneg) * this.gainFactor();
    const accumulate = this.ressel === ADC_RESSEL.BITS16;
    const bits = accumulate ? 12 : this.bits;
    // One ideal sample at `bits`.
    let sample: number;
    if (vref <= 0) sample = 0;
    else if (diff) {
      const half = 1 << (bits - 1);
      sample = Math.max(-half, Math.min(half - 1, Math.floor((vin / vref) * half)));
    } else {
      const full = 1 << bits;
      sample = Math.max(0, Math.min(full - 1, Math.floor((vin / vref) * full)));
    }
    let result = sample;
    if (accumulate) {
      const n = this.samplenum;
      const count = 1 << n;
      const autoShift = Math.max(0, n - 4);
      const adjres = (this.AVGCTRL.value & ADC_AVGCTRL.ADJRES_Msk) >>> ADC_AVGCTRL.ADJRES_Pos;
      result = Math.floor((sample * count) / (1 << autoShift) / (1 << adjres));
    }
    if (this.CTRLB.value & ADC_CTRLB.CORREN) {
      // Offset and gain correction (33.6.2.10): (result - OFFSETCORR) * GAINCORR / 2^11, with
      // OFFSETCORR a 12-bit two's complement number.
      const off = (this.OFFSETCORR.value << 20) >> 20;
      const gain = this.GAINCORR.value & ADC_CORR.Msk;
      result = Math.floor(((result - off) * gain) / 2048);
      const max = accumulate ? RESULT_Msk : (1 << bits) - 1;
      if (diff) {
        const half = accumulate ? (RESULT_Msk + 1) / 2 : 1 << (bits - 1);
        result = Math.max(-half, Math.min(half - 1, result));
      } else result = Math.max(0, Math.min(max, result));
    }
    if (this.CTRLB.value & ADC_CTRLB.LEFTADJ && !accumulate) result = result << (16 - bits);
    return result & RESULT_Msk;
  }
}
