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
import { CTRLA_ENABLE, CTRLA_SWRST, SyncBusy } from './sync-busy.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
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
export const ADC_INT = { RESRDY: 1 << 0, OVERRUN: 1 << 1, WINMON: 1 << 2, SYNCRDY: 1 << 3 } as const;

const SYNC_CTRLA = 1;
const SYNC_START = 2;
const SYNC_OTHER = 4;

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
    this.CTRLA = this.reg({ name: 'CTRLA', offset: 0x00, size: 1, writable: 0x07, write: () => this.sync.start(SYNC_CTRLA) });
    this.REFCTRL = this.reg({ name: 'REFCTRL', offset: 0x01, size: 1, writable: 0x8f });
    this.AVGCTRL = this.reg({ name: 'AVGCTRL', offset: 0x02, size: 1, writable: 0x7f });
    this.SAMPCTRL = this.reg({ name: 'SAMPCTRL', offset: 0x03, size: 1, writable: 0x3f });
    this.CTRLB = this.reg({ name: 'CTRLB', offset: 0x04, size: 2, writable: 0x073f, write: other });
    this.WINCTRL = this.reg({ name: 'WINCTRL', offset: 0x08, size: 1, writable: 0x07, write: other });
    this.SWTRIG = this.reg({
      name: 'SWTRIG',
      offset: 0x0c,
      size: 1,
      writable: 0x03,
      write: (v) => {
        this.pendingSwtrig |= v & 0x03;
        this.sync.start(SYNC_START);
      },
    });
    this.INPUTCTRL = this.reg({
      name: 'INPUTCTRL',
      offset: 0x10,
      size: 4,
      writable: 0x0fff1f1f,
      // INPUTOFFSET reads the scan position (33.8.9).
      read: (r) => ((r.value & ~0x00f00000) | ((this.inputOffset & 0xf) << 20)) >>> 0,
      write: (v) => {
        this.inputOffset = (v >>> 20) & 0xf;
        other();
      },
    });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: 0x14, size: 1, writable: 0x33 });
    this.int = new InterruptRegisters(this, { INTENCLR: 0x16, INTENSET: 0x17, INTFLAG: 0x18 }, 1, 0x0f, (l) => chip.irq(IRQ.ADC, l));
    this.STATUS = this.reg({ name: 'STATUS', offset: 0x19, size: 1, writable: 0, read: () => (this.sync.busy ? 0x80 : 0) });
    this.RESULT = this.reg({
      name: 'RESULT',
      offset: 0x1a,
      size: 2,
      writable: 0,
      // Reading RESULT clears INTFLAG.RESRDY (33.8.13).
      read: (r) => {
        this.int.clear(ADC_INT.RESRDY);
        return r.value;
      },
    });
    this.WINLT = this.reg({ name: 'WINLT', offset: 0x1c, size: 2, write: other });
    this.WINUT = this.reg({ name: 'WINUT', offset: 0x20, size: 2, write: other });
    this.GAINCORR = this.reg({ name: 'GAINCORR', offset: 0x24, size: 2, writable: 0x0fff, write: other });
    this.OFFSETCORR = this.reg({ name: 'OFFSETCORR', offset: 0x26, size: 2, writable: 0x0fff, write: other });
    this.CALIB = this.reg({ name: 'CALIB', offset: 0x28, size: 2, writable: 0x07ff });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: 0x2a, size: 1, writable: 0x01 });

    chip.registerDmaSource(DMA_TRIGGER.ADC_RESRDY, () => (this.int.flags() & ADC_INT.RESRDY) !== 0);
    chip.onEventUser(EVENT_USER.ADC_START, () => {
      if (this.EVCTRL.value & 0x01) this.start();
    });
    chip.onEventUser(EVENT_USER.ADC_SYNC, () => {
      if (this.EVCTRL.value & 0x02) {
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
      if (this.CTRLA.value & CTRLA_SWRST) return this.softwareReset();
      this.setEnabled((this.CTRLA.value & CTRLA_ENABLE) !== 0);
    }
    if (bits & SYNC_START) {
      const t = this.pendingSwtrig;
      this.pendingSwtrig = 0;
      if (t & 0x01) this.flush();
      if (t & 0x02) this.start();
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
    this.inputOffset = (this.INPUTCTRL.value >>> 20) & 0xf;
  }

  private get bits(): number {
    const ressel = (this.CTRLB.value >>> 4) & 3;
    return ressel === ADC_RESSEL.BITS10 ? 10 : ressel === ADC_RESSEL.BITS8 ? 8 : 12;
  }

  private get samples(): number {
    const ressel = (this.CTRLB.value >>> 4) & 3;
    if (ressel !== ADC_RESSEL.BITS16) return 1;
    return 1 << Math.min(10, this.AVGCTRL.value & 0x0f);
  }

  /** Duration of the next conversion (all accumulated samples) in scheduler cycles. */
  conversionCycles(): number {
    const gclk = this.chip.gclkFrequency(GCLK_ID.ADC);
    const prescaler = 4 << ((this.CTRLB.value >>> 8) & 7);
    const gain = (this.INPUTCTRL.value >>> 24) & 0xf;
    const diff = (this.CTRLB.value & 0x01) !== 0;
    // Gain stage delay in CLK_ADC periods (33.6.2.8), differential half a period less.
    let gainDelay = gain === 0 || gain === 0xf ? 0 : gain <= 2 ? 1 : 1.5;
    if (diff) gainDelay = Math.max(0, gainDelay - 0.5);
    const perSample = ((this.SAMPCTRL.value & 0x3f) + 1) / 2 + 1 + this.bits / 2 + gainDelay;
    const clkAdcPeriods = perSample * this.samples;
    if (gclk <= 0) {
      this.stalledConversions++;
      return 1000;
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
    this.RESULT.value = result & 0xffff;
    let hit = false;
    const mode = this.WINCTRL.value & 7;
    if (mode !== 0) {
      const signed = (this.CTRLB.value & 0x01) !== 0;
      const v = signed ? (result << 16) >> 16 : result & 0xffff;
      const lt = signed ? (this.WINLT.value << 16) >> 16 : this.WINLT.value;
      const ut = signed ? (this.WINUT.value << 16) >> 16 : this.WINUT.value;
      hit = mode === 1 ? v > lt : mode === 2 ? v < ut : mode === 3 ? v > lt && v < ut : mode === 4 ? v < lt || v > ut : false;
    }
    this.int.set(ADC_INT.RESRDY | (hit ? ADC_INT.WINMON : 0));
    if (this.EVCTRL.value & 0x10) this.chip.generateEvent(EVENT_GENERATOR.ADC_RESRDY);
    if (hit && this.EVCTRL.value & 0x20) this.chip.generateEvent(EVENT_GENERATOR.ADC_WINMON);
    this.chip.dmaTrigger(DMA_TRIGGER.ADC_RESRDY);
    // Input scan: next input (33.6.2.6).
    const scan = (this.INPUTCTRL.value >>> 16) & 0xf;
    if (scan > 0) this.inputOffset = this.inputOffset >= scan ? 0 : this.inputOffset + 1;
    if (this.CTRLB.value & 0x04) this.start();
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
    if (muxneg < 8) return this.padVoltage(ADC_AIN_PADS[muxneg]);
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
    switch (this.REFCTRL.value & 0x0f) {
      case ADC_REFSEL.INT1V:
        return 1.0;
      case ADC_REFSEL.INTVCC0:
        return this.vddana / 1.48;
      case ADC_REFSEL.INTVCC1:
        return this.vddana / 2;
      case ADC_REFSEL.AREFA:
        return this.padVoltage(3);
      case ADC_REFSEL.AREFB:
        return this.padVoltage(4);
      default:
        return 1.0;
    }
  }

  private gainFactor(): number {
    const g = (this.INPUTCTRL.value >>> 24) & 0xf;
    return g === 0xf ? 0.5 : g <= 4 ? 1 << g : 1;
  }

  /** One complete result (accumulation, shifts, correction, adjust) as stored in RESULT. */
  private convert(): number {
    const ic = this.INPUTCTRL.value;
    const muxpos = ((ic & 0x1f) + this.inputOffset) & 0x1f;
    const diff = (this.CTRLB.value & 0x01) !== 0;
    const vref = this.referenceVoltage();
    const vin = (this.positiveInputVoltage(muxpos) - (diff ? this.negativeInputVoltage((ic >>> 8) & 0x1f) : 0)) * this.gainFactor();
    const ressel = (this.CTRLB.value >>> 4) & 3;
    const accumulate = ressel === ADC_RESSEL.BITS16;
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
      const n = this.AVGCTRL.value & 0x0f;
      const count = 1 << Math.min(10, n);
      const autoShift = Math.max(0, Math.min(10, n) - 4);
      const adjres = (this.AVGCTRL.value >>> 4) & 7;
      result = Math.floor((sample * count) / (1 << autoShift) / (1 << adjres));
    }
    if (this.CTRLB.value & 0x08) {
      // Offset and gain correction (33.6.2.10): (result - OFFSETCORR) * GAINCORR / 2^11.
      const off = (this.OFFSETCORR.value << 20) >> 20;
      const gain = this.GAINCORR.value & 0x0fff;
      result = Math.floor(((result - off) * gain) / 2048);
      const max = accumulate ? 0xffff : (1 << bits) - 1;
      if (diff) {
        const half = accumulate ? 0x8000 : 1 << (bits - 1);
        result = Math.max(-half, Math.min(half - 1, result));
      } else result = Math.max(0, Math.min(max, result));
    }
    if (this.CTRLB.value & 0x02 && !accumulate) result = result << (16 - bits); // LEFTADJ
    return result & 0xffff;
  }
}
