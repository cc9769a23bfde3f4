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

/** GENCTRL.SRC values (15.8.4). */
export const GCLK_SRC = {
  XOSC: 0, GCLKIN: 1, GCLKGEN1: 2, OSCULP32K: 3, OSC32K: 4, XOSC32K: 5, OSC8M: 6, DFLL48M: 7, FDPLL96M: 8,
} as const;

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
    this.sync = new SyncBusy(chip.scheduler, () => Math.max(this.generatorFrequency(0), 1_000_000), (bits) => this.syncDone(bits));

    this.CTRL = this.reg({
      name: 'CTRL', offset: 0x00, size: 1, writable: 0x01,
      write: (v) => {
        if (v & 1) this.sync.start(1);
      },
    });
    this.STATUS = this.reg({ name: 'STATUS', offset: 0x01, size: 1, writable: 0, read: () => (this.sync.busy ? 0x80 : 0) });
    this.CLKCTRL = this.reg({
      name: 'CLKCTRL', offset: 0x02, size: 2,
      read: () => this.readClkctrl(),
      write: (v, _old, mask) => this.writeClkctrl(v, mask),
    });
    this.GENCTRL = this.reg({
      name: 'GENCTRL', offset: 0x04, size: 4,
      read: () => this.readGenctrl(),
      write: (v, _old, mask) => this.writeGenctrl(v, mask),
    });
    this.GENDIV = this.reg({
      name: 'GENDIV', offset: 0x08, size: 4,
      read: () => this.readGendiv(),
      write: (v, _old, mask) => this.writeGendiv(v, mask),
    });
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
    Object.assign(this.generators[0], { src: GCLK_SRC.OSC8M, genen: true });
    if (!keepGen.has(2)) Object.assign(this.generators[2], { src: GCLK_SRC.OSCULP32K, genen: true });
    for (let i = 0; i < GCLK_CHANNELS; i++) {
      if (keepChan.has(i)) continue;
      Object.assign(this.channels[i], { gen: 0, clken: false, wrtlock: false });
    }
    if (!keepChan.has(GCLK_ID.WDT)) Object.assign(this.channels[GCLK_ID.WDT], { gen: 2, clken: true });
  }

  private syncDone(bits: number): void {
    if (bits & 1) {
      // CTRL.SWRST: everything not write-locked back to reset (15.6.2.2).
      this.CTRL.value = 0;
      this.resetState(false);
    }
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- CLKCTRL

  private readClkctrl(): number {
    const c = this.channels[this.chanSel];
    return this.chanSel | (c.gen << 8) | (c.clken ? 1 << 14 : 0) | (c.wrtlock ? 1 << 15 : 0);
  }

  private writeClkctrl(v: number, mask: number): void {
    const id = v & 0x3f;
    if ((mask & 0xff) !== 0) this.chanSel = id < GCLK_CHANNELS ? id : this.chanSel;
    if ((mask & 0xff00) === 0) return; // 8-bit write of ID: select only
    if (id >= GCLK_CHANNELS) return;
    const c = this.channels[id];
    if (c.wrtlock) return;
    c.gen = Math.min((v >>> 8) & 0xf, GENERATORS - 1);
    c.clken = ((v >>> 14) & 1) === 1;
    if ((v >>> 15) & 1) {
      c.wrtlock = true;
      this.generators[c.gen].locked = true;
    }
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- GENCTRL

  private readGenctrl(): number {
    const g = this.generators[this.genSel];
    return (
      (this.genSel |
        (g.src << 8) |
        (g.genen ? 1 << 16 : 0) |
        (g.idc ? 1 << 17 : 0) |
        (g.oov ? 1 << 18 : 0) |
        (g.oe ? 1 << 19 : 0) |
        (g.divsel ? 1 << 20 : 0) |
        (g.runstdby ? 1 << 21 : 0)) >>>
      0
    );
  }

  private writeGenctrl(v: number, mask: number): void {
    const id = v & 0xf;
    if (mask & 0xff && id < GENERATORS) this.genSel = id;
    if ((mask & 0xffffff00) === 0) return; // select-then-read
    if (id >= GENERATORS) return;
    const g = this.generators[id];
    if (g.locked) return;
    if (mask & 0xff00) g.src = (v >>> 8) & 0x1f;
    if (mask & 0xff0000) {
      g.genen = ((v >>> 16) & 1) === 1;
      g.idc = ((v >>> 17) & 1) === 1;
      g.oov = ((v >>> 18) & 1) === 1;
      g.oe = ((v >>> 19) & 1) === 1;
      g.divsel = ((v >>> 20) & 1) === 1;
      g.runstdby = ((v >>> 21) & 1) === 1;
    }
    this.sync.start(2);
    this.chip.clockChanged();
  }

  // ---------------------------------------------------------------- GENDIV

  private readGendiv(): number {
    return (this.genDivSel | (this.generators[this.genDivSel].div << 8)) >>> 0;
  }

  private writeGendiv(v: number, mask: number): void {
    const id = v & 0xf;
    if (mask & 0xff && id < GENERATORS) this.genDivSel = id;
    if ((mask & 0xffffff00) === 0) return;
    if (id >= GENERATORS) return;
    const g = this.generators[id];
    if (g.locked) return;
    g.div = (v >>> 8) & ((1 << DIV_BITS[id]) - 1);
    this.sync.start(4);
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
