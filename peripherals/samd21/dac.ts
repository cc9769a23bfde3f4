/**
 * DAC, the 10-bit digital-to-analog converter (data sheet section 35).
 *
 * VOUT = value / 0x3FF × VREF (REFSEL: INT1V 1.0 V, AVCC = VDDANA, VREFP = pad PA03). With
 * CTRLB.EOEN the voltage is forced onto pad PA02 (VOUT, multiplexer function B, through PORT);
 * with IOEN (or EOEN) it is also the ADC's/AC's internal DAC input.
 *
 * DATA is converted when written (after write synchronisation). DATABUF is the double buffer used
 * with events (EVCTRL.STARTEI): a START event moves DATABUF to DATA and sets INTFLAG.EMPTY (DMA
 * trigger DAC_EMPTY, event DAC_EMPTY), or sets UNDERRUN when nothing new was written. EMPTY is also
 * set when the DAC is enabled, so a DMA channel on DAC_EMPTY starts filling DATABUF at once.
 * Writing DATABUF clears EMPTY. This is how CircuitPython's audioio plays samples: a TC paces
 * START events through EVSYS, the DMAC refills DATABUF on EMPTY.
 *
 * Output samples go to `onOutput` listeners (the speaker part records them) with their cycle.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { padIndex, type PadHandle, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { DMA_TRIGGER, EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from './memory-map.js';

/** Register offsets (35.7 register summary). */
export const DAC_REG = { CTRLA: 0x00, CTRLB: 0x01, EVCTRL: 0x02, INTENCLR: 0x04, INTENSET: 0x05, INTFLAG: 0x06, STATUS: 0x07, DATA: 0x08, DATABUF: 0x0c } as const;
/** CTRLA (35.8.1). */
export const DAC_CTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, RUNSTDBY: 1 << 2 } as const;
/** CTRLB (35.8.2). */
export const DAC_CTRLB = { EOEN: 1 << 0, IOEN: 1 << 1, LEFTADJ: 1 << 2, VPD: 1 << 3, BDWP: 1 << 4, REFSEL_Pos: 6, REFSEL_Msk: 0x3 << 6 } as const;
/** CTRLB.REFSEL values. */
export const DAC_REFSEL = { INT1V: 0, AVCC: 1, VREFP: 2 } as const;
/** EVCTRL (35.8.3). */
export const DAC_EVCTRL = { STARTEI: 1 << 0, EMPTYEO: 1 << 1 } as const;
/** INTFLAG / INTENSET / INTENCLR (35.8.4-6). */
export const DAC_INT = { UNDERRUN: 1 << 0, EMPTY: 1 << 1, SYNCRDY: 1 << 2 } as const;
/** STATUS (35.8.7). */
export const DAC_STATUS = { SYNCBUSY: 1 << 7 } as const;
/** DATA / DATABUF (35.8.8-9): a 10-bit value in bits 9:0, or in bits 15:6 with CTRLB.LEFTADJ. */
export const DAC_DATA = { VALUE_Msk: 0x3ff, LEFTADJ_Pos: 6 } as const;

/** VOUT is PA02 on function B; VREFP (the external reference) is PA03 (table 7-1). */
export const DAC_VOUT_PAD = padIndex('PA02');
const VREFP_PAD = padIndex('PA03');

const SYNC_CTRLA = 1 << 0;
const SYNC_DATA = 1 << 1;
const SYNC_DATABUF = 1 << 2;
const DATA_REGISTER_Msk = 0xffff;

export type DacOutputListener = (cycle: number, value: number, volts: number) => void;

const instances = new WeakMap<Samd21Chip, DAC>();

/** The DAC of a chip, if one was created (the ADC reads its internal output through this). */
export function dacOf(chip: Samd21Chip): DAC | undefined {
  return instances.get(chip);
}

export class DAC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CTRLB: Register;
  readonly EVCTRL: Register;
  readonly STATUS: Register;
  readonly DATA: Register;
  readonly DATABUF: Register;
  readonly int: InterruptRegisters;

  readonly vddana: number;
  /** The 10-bit value being converted. */
  value = 0;
  /** Output samples produced (diagnostics). */
  outputs = 0;
  underruns = 0;

  private enabled = false;
  private bufferFull = false;
  private pendingData = 0;
  private pendingBuf = 0;
  private readonly sync: SyncBusy;
  private pad: PadHandle | null = null;
  private readonly listeners: DacOutputListener[] = [];

  constructor(
    private readonly chip: Samd21Chip,
    opts: { vddana?: number } = {},
  ) {
    super('DAC', 0x400);
    this.vddana = opts.vddana ?? 3.3;
    instances.set(chip, this);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.DAC), (bits) => this.synced(bits));
    const R = DAC_REG;
    const B = DAC_CTRLB;
    this.CTRLA = this.reg({
      name: 'CTRLA',
      offset: R.CTRLA,
      size: 1,
      writable: DAC_CTRLA.SWRST | DAC_CTRLA.ENABLE | DAC_CTRLA.RUNSTDBY,
      write: () => this.sync.start(SYNC_CTRLA),
    });
    this.CTRLB = this.reg({
      name: 'CTRLB',
      offset: R.CTRLB,
      size: 1,
      writable: B.EOEN | B.IOEN | B.LEFTADJ | B.VPD | B.BDWP | B.REFSEL_Msk,
      write: () => this.updateOutput(),
    });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: R.EVCTRL, size: 1, writable: DAC_EVCTRL.STARTEI | DAC_EVCTRL.EMPTYEO });
    this.int = new InterruptRegisters(
      this,
      { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG },
      1,
      DAC_INT.UNDERRUN | DAC_INT.EMPTY | DAC_INT.SYNCRDY,
      (l) => chip.irq(IRQ.DAC, l),
    );
    this.STATUS = this.reg({ name: 'STATUS', offset: R.STATUS, size: 1, writable: 0, read: () => (this.sync.busy ? DAC_STATUS.SYNCBUSY : 0) });
    this.DATA = this.reg({
      name: 'DATA',
      offset: R.DATA,
      size: 2,
      write: (v) => {
        this.pendingData = v;
        this.sync.start(SYNC_DATA);
      },
    });
    this.DATABUF = this.reg({
      name: 'DATABUF',
      offset: R.DATABUF,
      size: 2,
      write: (v) => {
        this.pendingBuf = v;
        this.int.clear(DAC_INT.EMPTY);
        this.sync.start(SYNC_DATABUF);
      },
    });
    chip.registerDmaSource(DMA_TRIGGER.DAC_EMPTY, () => this.enabled && (this.int.flags() & DAC_INT.EMPTY) !== 0);
    chip.onEventUser(EVENT_USER.DAC_START, () => this.startEvent());
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  /** SWRST: every register to its reset value, the DAC disabled (35.8.1). */
  private softwareReset(): void {
    this.resetBlock(this.int, this.sync);
    this.enabled = false;
    this.bufferFull = false;
    this.value = 0;
    this.updateOutput();
  }

  /** Called with every new output value (cycle, 10-bit value, volts). */
  onOutput(listener: DacOutputListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** VOUT in volts (whether or not it reaches the pad). */
  get voltage(): number {
    if (!this.enabled) return 0;
    return (this.value / DAC_DATA.VALUE_Msk) * this.referenceVoltage();
  }

  /** The DAC as the ADC/AC see it internally. */
  get internalVoltage(): number {
    return this.enabled && this.CTRLB.value & (DAC_CTRLB.IOEN | DAC_CTRLB.EOEN) ? this.voltage : 0;
  }

  referenceVoltage(): number {
    const sel = (this.CTRLB.value & DAC_CTRLB.REFSEL_Msk) >>> DAC_CTRLB.REFSEL_Pos;
    if (sel === DAC_REFSEL.INT1V) return 1.0;
    if (sel === DAC_REFSEL.AVCC) return this.vddana;
    return this.chip.pads ? this.chip.pads.pin(VREFP_PAD).voltage : 0;
  }

  private synced(bits: number): void {
    if (bits & SYNC_CTRLA) {
      if (this.CTRLA.value & DAC_CTRLA.SWRST) return this.softwareReset();
      this.setEnabled((this.CTRLA.value & DAC_CTRLA.ENABLE) !== 0);
    }
    if (bits & SYNC_DATABUF) this.bufferFull = true;
    if (bits & SYNC_DATA) this.convert(this.pendingData);
    this.int.set(DAC_INT.SYNCRDY);
  }

  /** Enabled with DATABUF empty, EMPTY asks for the first value at once. */
  private setEnabled(on: boolean): void {
    if (on === this.enabled) return;
    this.enabled = on;
    if (on && !this.bufferFull) this.setEmpty();
    this.updateOutput();
  }

  private startEvent(): void {
    if (!this.enabled || !(this.EVCTRL.value & DAC_EVCTRL.STARTEI)) return;
    if (!this.bufferFull) {
      this.underruns++;
      this.int.set(DAC_INT.UNDERRUN);
      return;
    }
    this.bufferFull = false;
    this.DATA.value = this.pendingBuf & DATA_REGISTER_Msk;
    this.convert(this.pendingBuf);
    this.setEmpty();
  }

  private setEmpty(): void {
    this.int.set(DAC_INT.EMPTY);
    if (this.EVCTRL.value & DAC_EVCTRL.EMPTYEO) this.chip.generateEvent(EVENT_GENERATOR.DAC_EMPTY);
    this.chip.dmaTrigger(DMA_TRIGGER.DAC_EMPTY);
  }

  private convert(raw: number): void {
    this.value = (this.CTRLB.value & DAC_CTRLB.LEFTADJ ? raw >>> DAC_DATA.LEFTADJ_Pos : raw) & DAC_DATA.VALUE_Msk;
    if (!this.enabled) return;
    this.outputs++;
    this.updateOutput();
    const v = this.voltage;
    const cycle = this.chip.scheduler.cycles;
    for (const l of this.listeners) l(cycle, this.value, v);
  }

  private updateOutput(): void {
    const on = this.enabled && (this.CTRLB.value & DAC_CTRLB.EOEN) !== 0;
    if (!this.pad) {
      if (!on || !this.chip.pads) return;
      this.pad = this.chip.pad(DAC_VOUT_PAD, 'B');
    }
    this.pad.driveVoltage(on ? this.voltage : null);
  }
}
