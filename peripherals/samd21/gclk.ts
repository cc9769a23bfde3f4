/**
 * GCLK, the Generic Clock Controller (data sheet section 15).
 *
 * Nine generators (GENCTRL/GENDIV, each selecting a source and a divider) feed 37 clock channels
 * (CLKCTRL, each selecting a generator and an enable). The three registers are indirect:
 *  - an 8-bit write of the ID field (GENCTRL/GENDIV byte 0, CLKCTRL byte 0) only selects which
 *    generator/channel the next read returns (15.6.4.1 / 15.8.3 "select-then-read");
 *  - a wider write configures the generator/channel named by its ID field.
 * GENCTRL, GENDIV and CTRL.SWRST writes are synchronised: STATUS.SYNCBUSY reads 1 and then 0.
 */
import { RegisterBlock, type Register } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';
import { isPowerOnReset, type ClockTree, type ResetCause, type Samd21Chip, type Samd21Peripheral } from './chip.js';
import { GCLK_CHANNELS, GCLK_ID } from './memory-map.js';

export const GENERATORS = 9;

/** Register offsets (15.7 register summary). */
export const GCLK_REG = { CTRL: 0x00, STATUS: 0x01, CLKCTRL: 0x02, GENCTRL: 0x04, GENDIV: 0x08 } as const;
/** CTRL (15.8.1). */
export const GCLK_CTRL = { SWRST: 1 << 0 } as const;
/** STATUS (15.8.2). */
export const GCLK_STATUS = { SYNCBUSY: 1 << 7 } as const;
/** CLKCTRL (15.8.3): ID selects the channel (GCLK_ID in memory-map.ts). */
export const GCLK_CLKCTRL = { ID_Pos: 0, ID_Msk: 0x3f << 0, GEN_Pos: 8, GEN_Msk: 0xf << 8, CLKEN: 1 << 14, WRTLOCK: 1 << 15 } as const;
/** GENCTRL (15.8.4). */
export const GCLK_GENCTRL = {
  ID_Pos: 0, ID_Msk: 0xf << 0, SRC_Pos: 8, SRC_Msk: 0x1f << 8, GENEN: 1 << 16, IDC: 1 << 17, OOV: 1 << 18,
  OE: 1 << 19, DIVSEL: 1 << 20, RUNSTDBY: 1 << 21,
} as const;
/** GENDIV (15.8.5); DIV is 8 bits wide except generator 1 (16) and 2 (5). */
export const GCLK_GENDIV = { ID_Pos: 0, ID_Msk: 0xf << 0, DIV_Pos: 8, DIV_Msk: 0xffff << 8 } as const;

/** GENCTRL.SRC values (15.8.4). */
export const GCLK_SRC = { XOSC: 0, GCLKIN: 1, GCLKGEN1: 2, OSCULP32K: 3, OSC32K: 4, XOSC32K: 5, OSC8M: 6, DFLL48M: 7, FDPLL96M: 8 } as const;

interface Generator {
  src: number;
  genen: boolean;
  idc: boolean;
  oov: boolean;
  oe: boolean;
  divsel: boolean;
  runstdby: boolean;
  div: number;
  /** WRTLOCK on a channel using this generator locks GENCTRL/GENDIV until power-on reset. */
  locked: boolean;
}

interface Channel {
  gen: number;
  clken: boolean;
  wrtlock: boolean;
}

/** Width of GENDIV.DIV per generator (15.8.5): 16 bits for GCLK1, 5 for GCLK2, 8 otherwise. */
const DIV_BITS = [8, 16, 5, 8, 8, 8, 8, 8, 8];
/** Generators with a fixed role at reset (15.8.4): GCLK_MAIN, and GCLK2 feeding the WDT. */
const GCLK_MAIN = 0;
const GCLK_WDT = 2;
/** Byte lanes of a write's mask: the ID byte alone means "select" (15.6.4.3). */
const ID_LANE = 0xff;
const CLKCTRL_GEN_LANE = 0xff << 8;
const SRC_LANE = 0xff << 8;
const FLAGS_LANE = 0xff << 16;
/** SyncBusy bits: one per synchronised register (all show as STATUS.SYNCBUSY). */
const SYNC_SWRST = 1 << 0;
const SYNC_GENCTRL = 1 << 1;
const SYNC_GENDIV = 1 << 2;
/** GCLK's synchroniser clock when GCLK_MAIN is slower (the 1 MHz reset clock is the floor). */
const SYNC_FLOOR_HZ = 1_000_000;

export class GCLK extends RegisterBlock implements Samd21Peripheral, ClockTree {
  readonly CTRL: Register;
  readonly STATUS: Register;
  readonly CLKCTRL: Register;
  readonly GENCTRL: Register;
  readonly GENDIV: Register;
  readonly generators: Generator[] = [];
  readonly channels: Channel[] = [];
  private genSel = 0;
  private genDivSel = 0;
  private chanSel = 0;
  private readonly sync: SyncBusy;
  /** Guard against a generator sourcing itself through GCLKGEN1 / the DFLL reference. */
  private depth = 0;

  constructor(private readonly chip: Samd21Chip) {
    super('GCLK', 0x400);
    for (let i = 0; i < GENERATORS; i++) {
      this.generators.push({ src: 0, genen: false, idc: false, oov: false, oe: false, divsel: false, runstdby: false, div: 0, locked: false });
    }
    for (let i = 0; i < GCLK_CHANNELS; i++) this.channels.push({ gen: 0, clken: false, wrtlock: false });
    // GCLK's own synchroniser runs on the generator clocks; ~5 periods of the 8 MHz OSC8M-ish domain.
    this.sync = new SyncBusy(chip.scheduler, () => Math.max(this.generatorFrequency(GCLK_MAIN), SYNC_FLOOR_HZ), (bits) => this.syncDone(bits));

    this.CTRL = this.reg({
      name: 'CTRL', offset: GCLK_REG.CTRL, size: 1, writable: GCLK_CTRL.SWRST,
      write: (v) => {
        if (v & GCLK_CTRL.SWRST) this.sync.start(SYNC_SWRST);
      },
    });
    this.STATUS = this.reg({ name: 'STATUS', offset: GCLK_REG.STATUS, size: 1, writable: 0, read: () => (this.sync.busy ? GCLK_STATUS.SYNCBUSY : 0) });
    this.CLKCTRL = this.reg({ name: 'CLKCTRL', offset: GCLK_REG.CLKCTRL, size: 2, read: () => this.readClkctrl(), write: (v, _old, mask) => this.writeClkctrl(v, mask) });
    this.GENCTRL = this.reg({ name: 'GENCTRL', offset: GCLK_REG.GENCTRL, size: 4, read: () => this.readGenctrl(), write: (v, _old, mask) => this.writeGenctrl(v, mask) });
    this.GENDIV = this.reg({ name: 'GENDIV', offset: GCLK_REG.GENDIV, size: 4, read: () => this.readGendiv(), write: (v, _old, mask) => this.writeGendiv(v, mask) });
    chip.clocks = this;
    this.resetState(true);
  }

  reset(cause: ResetCause): void {
    this.sync.cancel();
    this.resetRegisters();
    this.resetState(isPowerOnReset(cause));
    this.chip.clockChanged();
  }

  /**
   * Reset state (15.8.4/15.8.5 "Reset value after a power reset"): GENCTRL0 = 0x00010600 (OSC8M,
   * GENEN), GENCTRL2 = 0x00010302 (OSCULP32K, GENEN, undivided: GCLK2 runs at 32768 Hz), the other
   * generators off, every GENDIV.DIV = 0; the WDT channel runs from GCLK2. A user reset (WDT,
   * system, external, SWRST) leaves alone the generators feeding the RTC or a write-locked channel,
   * and those channels.
   */
  private resetState(powerOn: boolean): void {
    this.genSel = this.genDivSel = this.chanSel = 0;
    const rtc = this.channels[GCLK_ID.RTC];
    const keepGen = new Set<number>();
    const keepChan = new Set<number>();
    if (!powerOn) {
      if (rtc.clken) {
        keepGen.add(rtc.gen);
        keepChan.add(GCLK_ID.RTC);
      }
      this.channels.forEach((c, i) => {
        if (c.wrtlock) {
          keepGen.add(c.gen);
          keepChan.add(i);
        }
      });
    }
    for (let i = 0; i < GENERATORS; i++) {
      if (i !== 0 && keepGen.has(i)) continue;
      Object.assign(this.generators[i], { src: 0, genen: false, idc: false, oov: false, oe: false, divsel: false, runstdby: false, div: 0, locked: false });
    }
    Object.assign(this.generators[GCLK_MAIN], { src: GCLK_SRC.OSC8M, genen: true });
    if (!keepGen.has(GCLK_WDT)) Object.assign(this.generators[GCLK_WDT], { src: GCLK_SRC.OSCULP32K, genen: true });
    for (let i = 0; i < GCLK_CHANNELS; i++) {
      if (keepChan.has(i)) continue;
      Object.assign(this.channels[i], { gen: 0, clken: false, wrtlock: false });
    }
    if (!keepChan.has(GCLK_ID.WDT)) Object.assign(this.channels[GCLK_ID.WDT], { gen: GCLK_WDT, clken: true });
  }

  private syncDone(bits: number): void {
    if (bits & SYNC_SWRST) {
      // CTRL.SWRST: everything not write-locked back to reset (15.6.2.2).
      this.CTRL.value = 0;
      this.resetState(false);
    }
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- CLKCTRL

  private readClkctrl(): number {
    const c = this.channels[this.chanSel];
    const C = GCLK_CLKCTRL;
    return (this.chanSel << C.ID_Pos) | (c.gen << C.GEN_Pos) | (c.clken ? C.CLKEN : 0) | (c.wrtlock ? C.WRTLOCK : 0);
  }

  private writeClkctrl(v: number, mask: number): void {
    const C = GCLK_CLKCTRL;
    const id = (v & C.ID_Msk) >>> C.ID_Pos;
    if ((mask & ID_LANE) !== 0) this.chanSel = id < GCLK_CHANNELS ? id : this.chanSel;
    if ((mask & CLKCTRL_GEN_LANE) === 0) return; // 8-bit write of ID: select only
    if (id >= GCLK_CHANNELS) return;
    const c = this.channels[id];
    if (c.wrtlock) return;
    c.gen = Math.min((v & C.GEN_Msk) >>> C.GEN_Pos, GENERATORS - 1);
    c.clken = (v & C.CLKEN) !== 0;
    if (v & C.WRTLOCK) {
      c.wrtlock = true;
      this.generators[c.gen].locked = true;
    }
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- GENCTRL

  private readGenctrl(): number {
    const g = this.generators[this.genSel];
    const G = GCLK_GENCTRL;
    return (
      ((this.genSel << G.ID_Pos) |
        (g.src << G.SRC_Pos) |
        (g.genen ? G.GENEN : 0) |
        (g.idc ? G.IDC : 0) |
        (g.oov ? G.OOV : 0) |
        (g.oe ? G.OE : 0) |
        (g.divsel ? G.DIVSEL : 0) |
        (g.runstdby ? G.RUNSTDBY : 0)) >>>
      0
    );
  }

  private writeGenctrl(v: number, mask: number): void {
    const G = GCLK_GENCTRL;
    const id = (v & G.ID_Msk) >>> G.ID_Pos;
    if (mask & ID_LANE && id < GENERATORS) this.genSel = id;
    if ((mask & ~ID_LANE) === 0) return; // select-then-read
    if (id >= GENERATORS) return;
    const g = this.generators[id];
    if (g.locked) return;
    if (mask & SRC_LANE) g.src = (v & G.SRC_Msk) >>> G.SRC_Pos;
    if (mask & FLAGS_LANE) {
      g.genen = (v & G.GENEN) !== 0;
      g.idc = (v & G.IDC) !== 0;
      g.oov = (v & G.OOV) !== 0;
      g.oe = (v & G.OE) !== 0;
      g.divsel = (v & G.DIVSEL) !== 0;
      g.runstdby = (v & G.RUNSTDBY) !== 0;
    }
    this.sync.start(SYNC_GENCTRL);
    this.chip.clockChanged();
    if (id === GCLK_MAIN && !g.genen) {
      // Generator 0 is GCLK_MAIN, the clock of the CPU and the bus bridges (15.6.2.3).
      // Clearing its GENEN disables and gates it (15.6.2.5); the data sheet makes no exception
      // for generator 0, so nothing runs the CPU any more until a reset.
      this.chip.mainClockStopped(`GENCTRL = 0x${(v >>> 0).toString(16).padStart(8, '0')} cleared GENEN of GCLK generator 0 (GCLK_MAIN)`);
    }
  }

  // ---------------------------------------------------------------- GENDIV

  private readGendiv(): number {
    return ((this.genDivSel << GCLK_GENDIV.ID_Pos) | (this.generators[this.genDivSel].div << GCLK_GENDIV.DIV_Pos)) >>> 0;
  }

  private writeGendiv(v: number, mask: number): void {
    const id = (v & GCLK_GENDIV.ID_Msk) >>> GCLK_GENDIV.ID_Pos;
    if (mask & ID_LANE && id < GENERATORS) this.genDivSel = id;
    if ((mask & ~ID_LANE) === 0) return;
    if (id >= GENERATORS) return;
    const g = this.generators[id];
    if (g.locked) return;
    g.div = (v >>> GCLK_GENDIV.DIV_Pos) & ((1 << DIV_BITS[id]) - 1);
    this.sync.start(SYNC_GENDIV);
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- the clock tree

  /** Division factor of generator `gen` (15.8.4 DIVSEL / 15.8.5 DIV). */
  divisor(gen: number): number {
    const g = this.generators[gen];
    if (g.divsel) return 2 ** (g.div + 1);
    return g.div <= 1 ? 1 : g.div;
  }

  generatorFrequency(gen: number): number {
    if (gen < 0 || gen >= GENERATORS) return 0;
    const g = this.generators[gen];
    if (!g.genen) return 0;
    if (this.depth > 4) return 0;
    this.depth++;
    let src = 0;
    try {
      if (g.src === GCLK_SRC.GCLKGEN1) src = gen === 1 ? 0 : this.generatorFrequency(1);
      else src = this.chip.sources ? this.chip.sources.sourceFrequency(g.src) : 0;
    } finally {
      this.depth--;
    }
    return src / this.divisor(gen);
  }

  gclkFrequency(id: number): number {
    const c = this.channels[id];
    if (!c || !c.clken) return 0;
    return this.generatorFrequency(c.gen);
  }
}
