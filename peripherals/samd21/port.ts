/**
 * PORT, the I/O pin controller (data sheet section 23), and the pads it drives.
 *
 * Two groups (PA at 0x00, PB at 0x80), each with DIR/DIRCLR/DIRSET/DIRTGL, OUT/OUTCLR/OUTSET/
 * OUTTGL, IN, CTRL, WRCONFIG, PMUX0..15 and PINCFG0..31. The same registers are reachable on the
 * single-cycle IOBUS at 0x60000000 (23.5.6); createSamd21 maps this device at both addresses.
 *
 * Each pad is a kernel `Pin` ('PA17') the board wires to its parts. What the pad does
 * (23.6.3.2 table 23-2, "Pin configurations summary"):
 *  - PINCFG.PMUXEN = 1: the peripheral function selected by PMUX (A..H) owns the pad: it drives it
 *    when it wants to (PadHandle.drive), otherwise the pad is an input; PULLEN still applies, with
 *    OUT choosing up (1) or down (0);
 *  - PMUXEN = 0, DIR = 1: push-pull output of OUT;
 *  - PMUXEN = 0, DIR = 0: input, pulled up/down by PULLEN with OUT choosing the direction.
 * IN reads the pad level for pads whose input buffer is enabled: PINCFG.INEN, or a digital
 * peripheral function owning the pad (PMUXEN with any function but B, the analog one), which
 * enables the buffer it samples (23.6.3.2: with PMUXEN the peripheral controls the pad; software
 * relies on it: CircuitPython's rotaryio reads IN on its EIC pads, whose INEN is 0); others read 0.
 */
import type { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin, type Pull } from '../../emulator/kernel/signals.js';
import { RegisterBlock, type Register } from '../register-block.js';
import {
  PAD_FUNCTION_INDEX,
  padName,
  type PadFunction,
  type PadHandle,
  type PadProvider,
  type ResetCause,
  type Samd21Chip,
  type Samd21Peripheral,
} from './chip.js';

/**
 * Register offsets (23.7 register summary). Group n (0 = PA, 1 = PB) starts at n * GROUP_STRIDE;
 * PMUXk is at PMUX + k (k = 0..15), PINCFGk at PINCFG + k (k = 0..31).
 */
export const PORT_REG = {
  GROUP_STRIDE: 0x80, DIR: 0x00, DIRCLR: 0x04, DIRSET: 0x08, DIRTGL: 0x0c, OUT: 0x10, OUTCLR: 0x14,
  OUTSET: 0x18, OUTTGL: 0x1c, IN: 0x20, CTRL: 0x24, WRCONFIG: 0x28, PMUX: 0x30, PINCFG: 0x40,
} as const;
/** PINCFG bits (23.8.14). */
export const PORT_PINCFG = { PMUXEN: 1 << 0, INEN: 1 << 1, PULLEN: 1 << 2, DRVSTR: 1 << 6 } as const;
/** PMUX fields (23.8.13): the even pin's function in PMUXE, the odd pin's in PMUXO (0..7 = A..H). */
export const PORT_PMUX = { PMUXE_Pos: 0, PMUXE_Msk: 0xf << 0, PMUXO_Pos: 4, PMUXO_Msk: 0xf << 4 } as const;
/** WRCONFIG fields (23.8.11). */
export const PORT_WRCONFIG = {
  PINMASK_Pos: 0, PINMASK_Msk: 0xffff << 0, PMUXEN: 1 << 16, INEN: 1 << 17, PULLEN: 1 << 18, DRVSTR: 1 << 22,
  PMUX_Pos: 24, PMUX_Msk: 0xf << 24, WRPMUX: 1 << 28, WRPINCFG: 1 << 30, HWSEL: 1 << 31,
} as const;
/** PINCFG bits that exist (the rest read 0). */
const PINCFG_MASK = PORT_PINCFG.PMUXEN | PORT_PINCFG.INEN | PORT_PINCFG.PULLEN | PORT_PINCFG.DRVSTR;
/** WRCONFIG's PINCFG bits sit 16 places above PINCFG's own. */
const WRCONFIG_PINCFG_Pos = 16;
/** Pins one WRCONFIG write reaches: the low or (HWSEL) high half of the group. */
const WRCONFIG_PINS = 16;

export const PAD_COUNT = 64;
const PINS_PER_GROUP = 32;
const FUNCTIONS = 8;

class Pad implements PadHandle {
  driven: 0 | 1 | null = null;
  volts: number | null = null;
  private selectListeners: ((selected: boolean) => void)[] = [];
  isSelected = false;

  constructor(
    private readonly port: PORT,
    readonly pin: Pin,
    readonly index: number,
    readonly fn: PadFunction,
  ) {}

  get selected(): boolean {
    return this.isSelected;
  }

  drive(level: 0 | 1 | null): void {
    if (this.driven === level) return;
    this.driven = level;
    if (this.isSelected) this.port.refresh(this.index);
  }

  driveVoltage(volts: number | null): void {
    if (this.volts === volts) return;
    this.volts = volts;
    if (this.isSelected) this.port.refresh(this.index);
  }

  get level(): 0 | 1 {
    return this.pin.net.level;
  }

  get voltage(): number {
    return this.pin.net.voltage;
  }

  onEdge(listener: (level: 0 | 1, cycle: number) => void): void {
    // Listen on whatever net the pin belongs to now or later (connect() moves listeners along).
    this.pin.net.onEdge((_net, level, cycle) => listener(level, cycle));
  }

  onSelect(listener: (selected: boolean) => void): void {
    this.selectListeners.push(listener);
  }

  setSelected(selected: boolean): void {
    if (selected === this.isSelected) return;
    this.isSelected = selected;
    for (const l of this.selectListeners) l(selected);
  }
}

export class PORT extends RegisterBlock implements Samd21Peripheral, PadProvider {
  /** Pads PA00..PA31 (0..31), PB00..PB31 (32..63). */
  readonly pins: Pin[] = [];
  readonly DIR: Register[] = [];
  readonly OUT: Register[] = [];
  readonly IN: Register[] = [];
  readonly CTRL: Register[] = [];
  readonly PMUX: Register[][] = [[], []];
  readonly PINCFG: Register[][] = [[], []];
  private readonly handles: (Pad | undefined)[][] = [];

  constructor(chip: Samd21Chip) {
    super('PORT', 0x400);
    const scheduler: Scheduler = chip.scheduler;
    for (let i = 0; i < PAD_COUNT; i++) {
      this.pins.push(new Pin(padName(i), scheduler));
      this.handles.push(new Array<Pad | undefined>(FUNCTIONS));
    }
    for (let g = 0; g < 2; g++) {
      const b = g * PORT_REG.GROUP_STRIDE;
      const n = (s: string) => `Group[${g}].${s}`;
      const dir = this.reg({ name: n('DIR'), offset: b + PORT_REG.DIR, size: 4, write: (v, old) => this.pinsChanged(g, v ^ old) });
      this.reg({ name: n('DIRCLR'), offset: b + PORT_REG.DIRCLR, size: 4, alias: { target: dir, op: 'clear' } });
      this.reg({ name: n('DIRSET'), offset: b + PORT_REG.DIRSET, size: 4, alias: { target: dir, op: 'set' } });
      this.reg({ name: n('DIRTGL'), offset: b + PORT_REG.DIRTGL, size: 4, alias: { target: dir, op: 'toggle' } });
      const out = this.reg({ name: n('OUT'), offset: b + PORT_REG.OUT, size: 4, write: (v, old) => this.pinsChanged(g, v ^ old) });
      this.reg({ name: n('OUTCLR'), offset: b + PORT_REG.OUTCLR, size: 4, alias: { target: out, op: 'clear' } });
      this.reg({ name: n('OUTSET'), offset: b + PORT_REG.OUTSET, size: 4, alias: { target: out, op: 'set' } });
      this.reg({ name: n('OUTTGL'), offset: b + PORT_REG.OUTTGL, size: 4, alias: { target: out, op: 'toggle' } });
      const inReg = this.reg({ name: n('IN'), offset: b + PORT_REG.IN, size: 4, writable: 0, read: () => this.readIn(g) });
      // CTRL.SAMPLING: continuous sampling per pin; the model always samples, so this only stores.
      const ctrl = this.reg({ name: n('CTRL'), offset: b + PORT_REG.CTRL, size: 4 });
      this.reg({ name: n('WRCONFIG'), offset: b + PORT_REG.WRCONFIG, size: 4, writeOnly: true, write: (v) => this.wrconfig(g, v) });
      for (let k = 0; k < PINS_PER_GROUP / 2; k++) {
        this.PMUX[g].push(
          this.reg({ name: n(`PMUX${k}`), offset: b + PORT_REG.PMUX + k, size: 1, write: (v, old) => this.pinsChanged(g, this.pmuxPins(k, v ^ old)) }),
        );
      }
      for (let k = 0; k < PINS_PER_GROUP; k++) {
        this.PINCFG[g].push(
          this.reg({ name: n(`PINCFG${k}`), offset: b + PORT_REG.PINCFG + k, size: 1, writable: PINCFG_MASK, write: () => this.refresh(g * PINS_PER_GROUP + k) }),
        );
      }
      this.DIR.push(dir);
      this.OUT.push(out);
      this.IN.push(inReg);
      this.CTRL.push(ctrl);
    }
    chip.pads = this;
  }

  reset(_cause: ResetCause): void {
    this.resetRegisters();
    for (let i = 0; i < PAD_COUNT; i++) this.refresh(i);
  }

  /** The pad's Pin, for board wiring. */
  pin(index: number): Pin {
    return this.pins[index];
  }

  pad(index: number, fn: PadFunction): PadHandle {
    const f = PAD_FUNCTION_INDEX[fn];
    let h = this.handles[index][f];
    if (!h) {
      h = new Pad(this, this.pins[index], index, fn);
      this.handles[index][f] = h;
      this.refresh(index);
    }
    return h;
  }

  /** Function letter currently selected on pad `index` (PMUXEN set), or null. */
  selectedFunction(index: number): PadFunction | null {
    const g = index >> 5; // PINS_PER_GROUP = 32
    const k = index & 31;
    if (!(this.PINCFG[g][k].value & PORT_PINCFG.PMUXEN)) return null;
    return 'ABCDEFGH'[this.pmuxOf(index)] as PadFunction;
  }

  private pmuxOf(index: number): number {
    const g = index >> 5; // PINS_PER_GROUP = 32
    const k = index & 31;
    const v = this.PMUX[g][k >> 1].value;
    return k & 1 ? (v & PORT_PMUX.PMUXO_Msk) >>> PORT_PMUX.PMUXO_Pos : (v & PORT_PMUX.PMUXE_Msk) >>> PORT_PMUX.PMUXE_Pos;
  }

  private pmuxPins(k: number, changed: number): number {
    return (changed & PORT_PMUX.PMUXE_Msk ? 1 << (2 * k) : 0) | (changed & PORT_PMUX.PMUXO_Msk ? 1 << (2 * k + 1) : 0);
  }

  private pinsChanged(g: number, bits: number): void {
    bits >>>= 0;
    while (bits) {
      const k = 31 - Math.clz32(bits);
      bits &= ~(1 << k);
      this.refresh(g * 32 + k);
    }
  }

  /** Applies the pad's configuration to its Pin (drive, pull, analog). */
  refresh(index: number): void {
    const g = index >> 5; // PINS_PER_GROUP = 32
    const k = index & 31;
    const cfg = this.PINCFG[g][k].value;
    const dir = (this.DIR[g].value >>> k) & 1;
    const out = ((this.OUT[g].value >>> k) & 1) as 0 | 1;
    const pin = this.pins[index];
    const muxed = (cfg & PORT_PINCFG.PMUXEN) !== 0;
    const fn = muxed ? this.pmuxOf(index) : -1;
    const handles = this.handles[index];
    for (let f = 0; f < FUNCTIONS; f++) handles[f]?.setSelected(f === fn);
    let drive: 0 | 1 | null = null;
    let volts: number | null = null;
    if (muxed) {
      const h = fn < FUNCTIONS ? handles[fn] : undefined;
      if (h) {
        drive = h.driven;
        volts = h.volts;
      }
    } else if (dir) {
      drive = out;
    }
    const pull: Pull = drive === null && cfg & PORT_PINCFG.PULLEN ? (out ? 'up' : 'down') : 'none';
    // Order matters only for edge bookkeeping; each call re-resolves the net.
    pin.setPull(pull);
    pin.forceVoltage(volts);
    pin.drive(drive);
  }

  private inputBuffered(g: number, k: number): boolean {
    const c = this.PINCFG[g][k].value;
    if (c & PORT_PINCFG.INEN) return true;
    return (c & PORT_PINCFG.PMUXEN) !== 0 && this.pmuxOf(g * PINS_PER_GROUP + k) !== 1; // 1: function B
  }

  private readIn(g: number): number {
    let v = 0;
    for (let k = 0; k < PINS_PER_GROUP; k++) {
      if (this.inputBuffered(g, k) && this.pins[g * PINS_PER_GROUP + k].net.level) v |= 1 << k;
    }
    return v >>> 0;
  }

  /** WRCONFIG (23.8.11): writes PINCFG and/or PMUX of up to 16 pins at once. */
  private wrconfig(g: number, v: number): void {
    const W = PORT_WRCONFIG;
    const mask = (v & W.PINMASK_Msk) >>> W.PINMASK_Pos;
    const first = v & W.HWSEL ? WRCONFIG_PINS : 0;
    const cfg = (v >>> WRCONFIG_PINCFG_Pos) & PINCFG_MASK;
    const pmux = (v & W.PMUX_Msk) >>> W.PMUX_Pos;
    for (let i = 0; i < WRCONFIG_PINS; i++) {
      if (!(mask & (1 << i))) continue;
      const k = first + i;
      if (v & W.WRPINCFG) this.PINCFG[g][k].value = cfg;
      if (v & W.WRPMUX) {
        const r = this.PMUX[g][k >> 1];
        r.value =
          k & 1
            ? (r.value & ~PORT_PMUX.PMUXO_Msk) | (pmux << PORT_PMUX.PMUXO_Pos)
            : (r.value & ~PORT_PMUX.PMUXE_Msk) | (pmux << PORT_PMUX.PMUXE_Pos);
      }
      this.refresh(g * PINS_PER_GROUP + k);
    }
  }
}
