/**
 * EIC, the External Interrupt Controller (data sheet section 21): 16 EXTINT lines and the NMI,
 * each fed by the pads whose multiplexer selects function A (EIC) for it.
 *
 * Sense (CONFIGn.SENSEx): NONE, RISE, FALL, BOTH, HIGH, LOW. Edge detection is synchronous and
 * needs GCLK_EIC (21.6.2.2); level detection works without it. With FILTENx the input is the
 * majority of three GCLK_EIC samples, so a change must last about two GCLK_EIC periods to count.
 * A detection sets INTFLAG.EXTINTx (NVIC line 4 when INTENSET), and with EVCTRL.EXTINTEOx emits
 * event generator EIC_EXTINTx. Level-sensed flags set again while the level persists.
 * The NMI (pad PA08, function A) sets NMIFLAG and raises the core's NMI.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { ResetCause, type PadHandle, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { EVENT_GENERATOR, GCLK_ID, IRQ } from './memory-map.js';
import { PAD_COUNT } from './port.js';

/** Register offsets (21.7 register summary); CONFIGn at CONFIG0 + 4n. */
export const EIC_REG = {
  CTRL: 0x00, STATUS: 0x01, NMICTRL: 0x02, NMIFLAG: 0x03, EVCTRL: 0x04, INTENCLR: 0x08, INTENSET: 0x0c,
  INTFLAG: 0x10, WAKEUP: 0x14, CONFIG0: 0x18,
} as const;
/** CTRL (21.8.1). */
export const EIC_CTRL = { SWRST: 1 << 0, ENABLE: 1 << 1 } as const;
/** STATUS (21.8.2). */
export const EIC_STATUS = { SYNCBUSY: 1 << 7 } as const;
/** NMICTRL (21.8.3). */
export const EIC_NMICTRL = { NMISENSE_Pos: 0, NMISENSE_Msk: 0x7 << 0, NMIFILTEN: 1 << 3 } as const;
/** NMIFLAG (21.8.4). */
export const EIC_NMIFLAG = { NMI: 1 << 0 } as const;
/**
 * CONFIGn (21.8.10): line x = 8n + k has SENSEk at bits 4k+2:4k and FILTENk at bit 4k+3.
 * EVCTRL.EXTINTEOx, WAKEUP.WAKEUPENx and INTFLAG/INTENSET/INTENCLR.EXTINTx are bit x.
 */
export const EIC_CONFIG = { SENSE0_Pos: 0, SENSE0_Msk: 0x7 << 0, FILTEN0: 1 << 3, FIELD_WIDTH: 4, LINES: 8 } as const;
/** CONFIG.SENSEx / NMICTRL.NMISENSE values. */
export const EIC_SENSE = { NONE: 0, RISE: 1, FALL: 2, BOTH: 3, HIGH: 4, LOW: 5 } as const;
/** The 16 EXTINT lines: one bit each in EVCTRL, WAKEUP and the interrupt registers. */
export const EIC_EXTINT_Msk = 0xffff;
export const EIC_EXTINTS = 16;

const NMI = -2;
const SYNC_SWRST = EIC_CTRL.SWRST;
const SYNC_ENABLE = EIC_CTRL.ENABLE;

/**
 * EXTINT line of a pad (data sheet 7.1, I/O multiplexing, column A): the pad number modulo 16,
 * except PA08 (NMI) and PA24/25/27/28/30/31 (EXTINT 12, 13, 15, 8, 10, 11).
 */
export function extintOfPad(index: number): number {
  if (index < 32) {
    const special: Record<number, number> = { 8: NMI, 24: 12, 25: 13, 27: 15, 28: 8, 30: 10, 31: 11 };
    if (index in special) return special[index];
  }
  return index & 15;
}

class Line {
  /** Filtered input level. */
  level: 0 | 1 = 0;
  pads: PadHandle[] = [];
  filterEvent: SimEvent | null = null;
}

export class EIC extends RegisterBlock implements Samd21Peripheral {
  readonly CTRL: Register;
  readonly STATUS: Register;
  readonly NMICTRL: Register;
  readonly NMIFLAG: Register;
  readonly EVCTRL: Register;
  readonly WAKEUP: Register;
  readonly CONFIG: Register[];
  readonly int: InterruptRegisters;
  private readonly sync: SyncBusy;
  private readonly lines: Line[] = [];
  private readonly nmiLine = new Line();
  private enabled = false;

  constructor(private readonly chip: Samd21Chip) {
    super('EIC', 0x400);
    this.sync = new SyncBusy(chip.scheduler, () => chip.gclkFrequency(GCLK_ID.EIC), (bits) => this.syncDone(bits));
    // CTRL (21.8.1): SWRST 0, ENABLE 1; both write-synchronised (STATUS.SYNCBUSY).
    const R = EIC_REG;
    this.CTRL = this.reg({
      name: 'CTRL', offset: R.CTRL, size: 1, writable: EIC_CTRL.SWRST | EIC_CTRL.ENABLE,
      write: (v) => this.sync.start(v & EIC_CTRL.SWRST ? SYNC_SWRST : SYNC_ENABLE),
    });
    this.STATUS = this.reg({ name: 'STATUS', offset: R.STATUS, size: 1, writable: 0, read: () => (this.sync.busy ? EIC_STATUS.SYNCBUSY : 0) });
    this.NMICTRL = this.reg({ name: 'NMICTRL', offset: R.NMICTRL, size: 1, writable: EIC_NMICTRL.NMISENSE_Msk | EIC_NMICTRL.NMIFILTEN, write: () => this.evaluateNmi() });
    this.NMIFLAG = this.reg({ name: 'NMIFLAG', offset: R.NMIFLAG, size: 1, writable: EIC_NMIFLAG.NMI, w1c: true, write: () => this.evaluateNmi() });
    this.EVCTRL = this.reg({ name: 'EVCTRL', offset: R.EVCTRL, size: 4, writable: EIC_EXTINT_Msk });
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG }, 4, EIC_EXTINT_Msk, (l) =>
      chip.irq(IRQ.EIC, l),
    );
    // Clearing a level-sensed flag while the level persists sets it again.
    const flagHook = this.int.INTFLAG.writeHook!;
    this.int.INTFLAG.writeHook = (v, o, m, r) => {
      flagHook(v, o, m, r);
      this.evaluateLevels();
    };
    // Sleep is the core's WFI only: wake-up enables are stored.
    this.WAKEUP = this.reg({ name: 'WAKEUP', offset: R.WAKEUP, size: 4, writable: EIC_EXTINT_Msk, unimplemented: true });
    this.CONFIG = [0, 1].map((i) => this.reg({ name: `CONFIG${i}`, offset: R.CONFIG0 + 4 * i, size: 4, write: () => this.evaluateLevels() }));

    for (let n = 0; n < EIC_EXTINTS; n++) this.lines.push(new Line());
    for (let index = 0; index < PAD_COUNT; index++) {
      const x = extintOfPad(index);
      const line = x === NMI ? this.nmiLine : this.lines[x];
      const pad = chip.pad(index, 'A');
      line.pads.push(pad);
      pad.onEdge(() => this.padChanged(x));
      pad.onSelect(() => this.padSelected(x));
    }
  }

  reset(_cause: ResetCause): void {
    this.resetBlock(this.int, this.sync);
    this.enabled = false;
    for (const l of [...this.lines, this.nmiLine]) {
      if (l.filterEvent) this.chip.scheduler.cancel(l.filterEvent);
      l.level = this.rawLevel(l);
    }
  }

  private syncDone(bits: number): void {
    if (bits & SYNC_SWRST) {
      this.reset(ResetCause.SYST);
      return;
    }
    this.enabled = (this.CTRL.value & EIC_CTRL.ENABLE) !== 0;
    this.evaluateLevels();
  }

  private rawLevel(line: Line): 0 | 1 {
    for (const p of line.pads) if (p.selected) return p.level;
    return 0;
  }

  private config(x: number): { sense: number; filten: boolean } {
    // NMICTRL has the layout of one CONFIG field (NMISENSE, NMIFILTEN).
    const C = EIC_CONFIG;
    const c = x === NMI ? this.NMICTRL.value : this.CONFIG[Math.floor(x / C.LINES)].value >>> (C.FIELD_WIDTH * (x % C.LINES));
    return { sense: (c & C.SENSE0_Msk) >>> C.SENSE0_Pos, filten: (c & C.FILTEN0) !== 0 };
  }

  /**
   * A pad's multiplexer moved to or away from function A. Edge detection compares successive
   * samples of the EXTINT pin (21.6.2.3); connecting or disconnecting the pad is no transition of
   * the pin, so the line takes the new input as it is, without detecting an edge (CircuitPython's
   * countio/rotaryio/PulseIn select the pad while the previous user's sense is still in CONFIG).
   * Level sensing sees the new input at once.
   */
  private padSelected(x: number): void {
    const line = x === NMI ? this.nmiLine : this.lines[x];
    if (line.filterEvent?.scheduled) this.chip.scheduler.cancel(line.filterEvent);
    line.level = this.rawLevel(line);
    if (x === NMI) this.evaluateNmi();
    else this.evaluateLevels();
  }

  private padChanged(x: number): void {
    const line = x === NMI ? this.nmiLine : this.lines[x];
    const raw = this.rawLevel(line);
    // Fast path for pads nobody routes to the EIC (a NeoPixel data line toggling on PB23).
    if (raw === line.level && !(line.filterEvent && line.filterEvent.scheduled)) return;
    const { filten } = this.config(x);
    const gclk = this.chip.gclkFrequency(GCLK_ID.EIC);
    if (filten && gclk > 0) {
      // Majority-of-three filter: the new level is seen ~2 GCLK_EIC periods later if it lasts.
      if (!line.filterEvent) line.filterEvent = new SimEvent(`EIC filter ${x}`, () => this.inputSettled(x, line));
      this.chip.scheduler.scheduleIn(line.filterEvent, Math.ceil((2 * this.chip.scheduler.frequency) / gclk));
      return;
    }
    this.inputChanged(x, line, raw, gclk > 0);
  }

  private inputSettled(x: number, line: Line): void {
    this.inputChanged(x, line, this.rawLevel(line), true);
  }

  private inputChanged(x: number, line: Line, level: 0 | 1, clocked: boolean): void {
    const old = line.level;
    line.level = level;
    // The NMI is independent of CTRL.ENABLE (21.6.2.4); EXTINTs need the EIC enabled.
    if (!this.enabled && x !== NMI) return;
    const { sense } = this.config(x);
    let detect = false;
    if (old !== level && clocked) {
      detect = (sense === EIC_SENSE.RISE && level === 1) || (sense === EIC_SENSE.FALL && level === 0) || sense === EIC_SENSE.BOTH;
    }
    if ((sense === EIC_SENSE.HIGH && level === 1) || (sense === EIC_SENSE.LOW && level === 0)) detect = true;
    if (detect) this.detected(x);
  }

  private detected(x: number): void {
    if (x === NMI) {
      if (!(this.NMIFLAG.value & EIC_NMIFLAG.NMI)) {
        this.NMIFLAG.value = EIC_NMIFLAG.NMI;
        this.chip.nmi();
      }
      return;
    }
    this.int.set(1 << x);
    if (this.EVCTRL.value & (1 << x)) this.chip.generateEvent(EVENT_GENERATOR.EIC_EXTINT0 + x);
  }

  /** Re-applies level sensing (after INTFLAG clears, CONFIG writes and enabling). */
  private evaluateLevels(): void {
    if (!this.enabled) return;
    for (let x = 0; x < EIC_EXTINTS; x++) {
      const { sense } = this.config(x);
      if (sense < EIC_SENSE.HIGH) continue;
      const level = this.lines[x].level;
      if ((sense === EIC_SENSE.HIGH && level === 1) || (sense === EIC_SENSE.LOW && level === 0)) {
        if (!(this.int.flags() & (1 << x))) this.detected(x);
      }
    }
  }

  private evaluateNmi(): void {
    const { sense } = this.config(NMI);
    const level = this.nmiLine.level;
    if ((sense === EIC_SENSE.HIGH && level === 1) || (sense === EIC_SENSE.LOW && level === 0)) this.detected(NMI);
  }
}
