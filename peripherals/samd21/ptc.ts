/**
 * PTC, the Peripheral Touch Controller. The SAMD21 data sheet does not document its registers
 * (Microchip ships it only with the closed QTouch library). This model follows the register
 * layout that Adafruit's FreeTouch (Adafruit_FreeTouch adafruit_ptc_component.h, used by
 * CircuitPython's touchio through samd-peripherals) reverse-engineered, and answers the sequence
 * those libraries run:
 *
 *   init:    CONTROLA.ENABLE = 0; UNK4C04 &= ...; FREQCONTROL ...; CONTROLC.INIT = 1;
 *            CONTROLA.RUNINSTANDBY = 1; INTDISABLE = WCO|EOC; YENABLEL/H |= 1 << yline;
 *            CONTROLA.ENABLE = 1
 *   measure: INTFLAGS = WCO|EOC; YSELECTL/H = 1 << yline; SERRES; CONVCONTROL.ADCACCUM;
 *            FREQCONTROL; COMPCAPL/H; INTCAP; BURSTMODE = 0xA4; CONVCONTROL.CONVERT = 1;
 *            poll CONVCONTROL.CONVERT == 0; read RESULT (16 bits at 0x1C)
 *   reset:   CONTROLA.ENABLE = 0 (poll 0); CONTROLA.SWRESET = 1 (poll 0)
 * with CONTROLB.SYNCFLAG (bit 7) polled for 0 around every write.
 *
 * | offset | register | bits used |
 * |---|---|---|
 * | 0x00 | CONTROLA | SWRESET 0, ENABLE 1, RUNINSTANDBY 2 |
 * | 0x01 | CONTROLB | SYNCFLAG 7 (busy) |
 * | 0x04 | UNK4C04 (prescaler?) | stored |
 * | 0x05 | CONTROLC | INIT 0 |
 * | 0x08/0x09/0x0A | INTDISABLE / INTENABLE / INTFLAGS | EOC 0, WCO 1 |
 * | 0x0C | FREQCONTROL | SAMPLEDELAY 0-3, FREQSPREADEN 4 |
 * | 0x0D | CONVCONTROL | ADCACCUM 0-2 (2^n samples), CONVERT 7 |
 * | 0x10-0x17 | YSELECTL/H, XSELECTL/H, YENABLEL/H, XENABLEL/H | one bit per line |
 * | 0x18/0x19 | COMPCAPL/H | 14-bit compensation capacitor |
 * | 0x1A | INTCAP | 6-bit integration capacitor |
 * | 0x1B | SERRES | RESISTOR 0-1 |
 * | 0x1C | RESULT | 16-bit count |
 * | 0x20 | BURSTMODE | stored |
 * | 0x21, 0x24-0x27 | WCO mode, thresholds | stored (the window comparator never fires) |
 *
 * Measurement model (self-capacitance, Y lines): each of the 2^ADCACCUM samples of the selected
 * Y line counts `baseCount` (+ a small fixed per-line offset) for an untouched pad, plus
 * `touchCount` × the pad's touch amount (0..1). Defaults: 130 and 300 per sample, so the
 * FreeTouch default (4 samples) reads about 520 untouched and 1720 touched; CircuitPython's
 * threshold is the first reading + 100. Y lines: PA02..PA07 = Y0..Y5, PB00..PB09 = Y6..Y15.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { padIndex, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from './memory-map.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';

/** Y line -> pad index. */
export const PTC_Y_PADS: readonly number[] = [2, 3, 4, 5, 6, 7, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41];

/** Register offsets (FreeTouch's layout, see the table above). */
export const PTC_REG = {
  CONTROLA: 0x00, CONTROLB: 0x01, UNK4C04: 0x04, CONTROLC: 0x05, INTDISABLE: 0x08, INTENABLE: 0x09,
  INTFLAGS: 0x0a, FREQCONTROL: 0x0c, CONVCONTROL: 0x0d, YSELECTL: 0x10, YSELECTH: 0x11, XSELECTL: 0x12,
  XSELECTH: 0x13, YENABLEL: 0x14, YENABLEH: 0x15, XENABLEL: 0x16, XENABLEH: 0x17, COMPCAPL: 0x18,
  COMPCAPH: 0x19, INTCAP: 0x1a, SERRES: 0x1b, RESULT: 0x1c, BURSTMODE: 0x20, WCOMODE: 0x21,
  WCOTHRESHOLDA: 0x24, WCOTHRESHOLDB: 0x26,
} as const;
export const PTC_CONTROLA = { SWRESET: 1 << 0, ENABLE: 1 << 1, RUNINSTANDBY: 1 << 2 } as const;
export const PTC_CONTROLB = { SYNCFLAG: 1 << 7 } as const;
export const PTC_CONTROLC = { INIT: 1 << 0 } as const;
/** INTFLAGS / INTENABLE / INTDISABLE. */
export const PTC_INT = { EOC: 1 << 0, WCO: 1 << 1 } as const;
export const PTC_FREQCONTROL = { SAMPLEDELAY_Pos: 0, SAMPLEDELAY_Msk: 0xf << 0, FREQSPREADEN: 1 << 4 } as const;
export const PTC_CONVCONTROL = { ADCACCUM_Pos: 0, ADCACCUM_Msk: 0x7 << 0, CONVERT: 1 << 7 } as const;
/** COMPCAPH holds the upper 6 bits of the 14-bit compensation capacitor. */
export const PTC_COMPCAPH = { VALUE_Msk: 0x3f } as const;
export const PTC_INTCAP = { VALUE_Msk: 0x3f } as const;
export const PTC_SERRES = { RESISTOR_Pos: 0, RESISTOR_Msk: 0x3 << 0 } as const;
/** BURSTMODE: FreeTouch writes 0xA4 (CTSLOWPOWER 2, BURSTMODE 7:4); stored only. */
export const PTC_BURSTMODE = { CTSLOWPOWER: 1 << 2, BURSTMODE_Pos: 4, BURSTMODE_Msk: 0xf << 4 } as const;
export const PTC_WCOMODE = { MODE_Pos: 0, MODE_Msk: 0x7 << 0 } as const;

/** SyncBusy bits: CONTROLA, and any other synchronised write; both show as CONTROLB.SYNCFLAG. */
const SYNC = { CONTROLA: 1 << 0, OTHER: 1 << 1 } as const;
/** Conversion time when GCLK_PTC is off (fallback), and RESULT's 16 bits. */
const STALLED_CYCLES = 2000;
const RESULT_Msk = 0xffff;

/** PTC clock periods per sample (charge transfer + ADC); about 16 µs per sample at 8 MHz. */
const PERIODS_PER_SAMPLE = 128;

export interface PtcOptions {
  baseCount?: number;
  touchCount?: number;
}

export class PTC extends RegisterBlock implements Samd21Peripheral {
  readonly CONTROLA: Register;
  readonly CONTROLB: Register;
  readonly CONVCONTROL: Register;
  readonly YSELECTL: Register;
  readonly YSELECTH: Register;
  readonly YENABLEL: Register;
  readonly YENABLEH: Register;
  readonly RESULT: Register;
  readonly int: InterruptRegisters;

  baseCount: number;
  touchCount: number;
  /** Measurements completed (diagnostics). */
  measurements = 0;
  /** Measurements completed per Y line (diagnostics; the web app shows a touch pad as used once its line is measured). */
  readonly measurementsByLine = new Uint32Array(PTC_Y_PADS.length);
  /** CONVERT written while the PTC was disabled (diagnostics). */
  disabledConversions = 0;

  /** Touch amount (0..1) per pad index. */
  private readonly touch = new Float64Array(64);
  private readonly sync: SyncBusy;
  private readonly convEvent: SimEvent;
  private enabled = false;

  constructor(
    private readonly chip: Samd21Chip,
    opts: PtcOptions = {},
  ) {
    super('PTC', 0x400);
    this.baseCount = opts.baseCount ?? 130;
    this.touchCount = opts.touchCount ?? 300;
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.PTC), (bits) => this.synced(bits), 2);
    this.convEvent = new SimEvent('PTC.conversion', () => this.conversionDone());
    const syncAny = () => this.sync.start(SYNC.OTHER);
    const R = PTC_REG;
    const A = PTC_CONTROLA;

    this.CONTROLA = this.reg({ name: 'CONTROLA', offset: R.CONTROLA, size: 1, writable: A.SWRESET | A.ENABLE | A.RUNINSTANDBY, write: () => this.sync.start(SYNC.CONTROLA) });
    this.CONTROLB = this.reg({ name: 'CONTROLB', offset: R.CONTROLB, size: 1, writable: 0, read: () => (this.sync.busy ? PTC_CONTROLB.SYNCFLAG : 0) });
    this.reg({ name: 'UNK4C04', offset: R.UNK4C04, size: 1, write: syncAny });
    this.reg({ name: 'CONTROLC', offset: R.CONTROLC, size: 1, writable: PTC_CONTROLC.INIT, write: syncAny });
    // INTDISABLE / INTENABLE / INTFLAGS: the usual clear/set/w1c triple under other names.
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTDISABLE, INTENSET: R.INTENABLE, INTFLAG: R.INTFLAGS }, 1, PTC_INT.EOC | PTC_INT.WCO, (l) => chip.irq(IRQ.PTC, l), {
      INTENCLR: 'INTDISABLE',
      INTENSET: 'INTENABLE',
      INTFLAG: 'INTFLAGS',
    });
    this.reg({ name: 'FREQCONTROL', offset: R.FREQCONTROL, size: 1, writable: PTC_FREQCONTROL.SAMPLEDELAY_Msk | PTC_FREQCONTROL.FREQSPREADEN, write: syncAny });
    this.CONVCONTROL = this.reg({
      name: 'CONVCONTROL',
      offset: R.CONVCONTROL,
      size: 1,
      writable: PTC_CONVCONTROL.ADCACCUM_Msk | PTC_CONVCONTROL.CONVERT,
      write: (v, old) => {
        if (v & PTC_CONVCONTROL.CONVERT && !(old & PTC_CONVCONTROL.CONVERT)) this.startConversion();
        syncAny();
      },
    });
    this.YSELECTL = this.reg({ name: 'YSELECTL', offset: R.YSELECTL, size: 1, write: syncAny });
    this.YSELECTH = this.reg({ name: 'YSELECTH', offset: R.YSELECTH, size: 1, write: syncAny });
    this.reg({ name: 'XSELECTL', offset: R.XSELECTL, size: 1, write: syncAny });
    this.reg({ name: 'XSELECTH', offset: R.XSELECTH, size: 1, write: syncAny });
    this.YENABLEL = this.reg({ name: 'YENABLEL', offset: R.YENABLEL, size: 1, write: syncAny });
    this.YENABLEH = this.reg({ name: 'YENABLEH', offset: R.YENABLEH, size: 1, write: syncAny });
    this.reg({ name: 'XENABLEL', offset: R.XENABLEL, size: 1, write: syncAny });
    this.reg({ name: 'XENABLEH', offset: R.XENABLEH, size: 1, write: syncAny });
    this.reg({ name: 'COMPCAPL', offset: R.COMPCAPL, size: 1, write: syncAny });
    this.reg({ name: 'COMPCAPH', offset: R.COMPCAPH, size: 1, writable: PTC_COMPCAPH.VALUE_Msk, write: syncAny });
    this.reg({ name: 'INTCAP', offset: R.INTCAP, size: 1, writable: PTC_INTCAP.VALUE_Msk, write: syncAny });
    this.reg({ name: 'SERRES', offset: R.SERRES, size: 1, writable: PTC_SERRES.RESISTOR_Msk, write: syncAny });
    this.RESULT = this.reg({ name: 'RESULT', offset: R.RESULT, size: 2, writable: 0 });
    this.reg({ name: 'BURSTMODE', offset: R.BURSTMODE, size: 1, writable: PTC_BURSTMODE.CTSLOWPOWER | PTC_BURSTMODE.BURSTMODE_Msk, write: syncAny });
    // The window comparator never fires: its mode and thresholds are stored only.
    this.reg({ name: 'WCOMODE', offset: R.WCOMODE, size: 1, writable: PTC_WCOMODE.MODE_Msk, unimplemented: true });
    this.reg({ name: 'WCOTHRESHOLDA', offset: R.WCOTHRESHOLDA, size: 2, unimplemented: true });
    this.reg({ name: 'WCOTHRESHOLDB', offset: R.WCOTHRESHOLDB, size: 2, unimplemented: true });
    chip.onEventUser(EVENT_USER.PTC_STCONV, () => this.startConversion());
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  /** CONTROLA.SWRESET: every register to its reset value, the PTC disabled. */
  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.chip.scheduler.cancel(this.convEvent);
    this.enabled = false;
  }

  // ---------------------------------------------------------------- board / UI side

  /** Sets how much pad `pad` ('PA05' or a pad index) is touched: false/0 = not, true/1 = a finger. */
  setTouch(pad: string | number, amount: number | boolean): void {
    const i = typeof pad === 'string' ? padIndex(pad) : pad;
    this.touch[i] = typeof amount === 'boolean' ? (amount ? 1 : 0) : Math.max(0, Math.min(1, amount));
  }

  touchOf(pad: string | number): number {
    return this.touch[typeof pad === 'string' ? padIndex(pad) : pad];
  }

  /** The count one measurement of `yline` with 2^accum samples returns now. */
  countFor(yline: number, accum: number): number {
    const pad = PTC_Y_PADS[yline];
    const perSample = this.baseCount + ((yline * 7) % 13) + this.touchCount * (pad === undefined ? 0 : this.touch[pad]);
    return Math.min(RESULT_Msk, Math.round(perSample * (1 << accum)));
  }

  // ---------------------------------------------------------------- hardware side

  private synced(bits: number): void {
    if (bits & SYNC.CONTROLA) {
      if (this.CONTROLA.value & PTC_CONTROLA.SWRESET) return this.softwareReset();
      this.setEnabled((this.CONTROLA.value & PTC_CONTROLA.ENABLE) !== 0);
    }
  }

  /** Disabling abandons the measurement in progress; CONVERT reads 0 again. */
  private setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) {
      this.chip.scheduler.cancel(this.convEvent);
      this.CONVCONTROL.value &= ~PTC_CONVCONTROL.CONVERT;
    }
  }

  private get adcaccum(): number {
    return (this.CONVCONTROL.value & PTC_CONVCONTROL.ADCACCUM_Msk) >>> PTC_CONVCONTROL.ADCACCUM_Pos;
  }

  private startConversion(): void {
    this.CONVCONTROL.value |= PTC_CONVCONTROL.CONVERT;
    const hz = this.chip.gclkFrequency(GCLK_ID.PTC);
    const samples = 1 << this.adcaccum;
    const cycles = hz > 0 ? Math.ceil((PERIODS_PER_SAMPLE * samples * this.chip.scheduler.frequency) / hz) : STALLED_CYCLES;
    this.chip.scheduler.scheduleIn(this.convEvent, cycles);
  }

  private conversionDone(): void {
    const enabled = this.enabled || (this.CONTROLA.value & PTC_CONTROLA.ENABLE) !== 0;
    if (!enabled) {
      // A disabled PTC measures nothing; CONVERT is cleared anyway so a polling loop ends.
      this.CONVCONTROL.value &= ~PTC_CONVCONTROL.CONVERT;
      this.disabledConversions++;
      return;
    }
    const sel = this.YSELECTL.value | (this.YSELECTH.value << 8);
    const yline = sel ? 31 - Math.clz32(sel & -sel) : -1;
    this.RESULT.value = yline >= 0 ? this.countFor(yline, this.adcaccum) : 0;
    this.CONVCONTROL.value &= ~PTC_CONVCONTROL.CONVERT;
    this.measurements++;
    if (yline >= 0 && yline < PTC_Y_PADS.length) this.measurementsByLine[yline]++;
    this.int.set(PTC_INT.EOC);
    this.chip.generateEvent(EVENT_GENERATOR.PTC_EOC);
  }
}
