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
 * IN reads the pad level for pads whose input buffer is enabled (PINCFG.INEN); others read 0.
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

/** PINCFG bits (23.8.14). */
export const PINCFG = { PMUXEN: 1 << 0, INEN: 1 << 1, PULLEN: 1 << 2, DRVSTR: 1 << 6 } as const;

export const PAD_COUNT = 64;
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

  constructor(private readonly chip: Samd21Chip) {
    super('PORT', 0x400);
    const scheduler: Scheduler = chip.scheduler;
    for (let i = 0; i < PAD_COUNT; i++) {
      this.pins.push(new Pin(padName(i), scheduler));
      this.handles.push(new Array<Pad | undefined>(FUNCTIONS));
    }
    for (let g = 0; g < 2; g++) {
      const b = g * 0x80;
      const n = (s: string) => `Group[${g}].${s}`;
      const dir = this.reg({ name: n('DIR'), offset: b + 0x00, size: 4, write: (v, old) => this.pinsChanged(g, v ^ old) });
      this.reg({ name: n('DIRCLR'), offset: b + 0x04, size: 4, alias: { target: dir, op: 'clear' } });
      this.reg({ name: n('DIRSET'), offset: b + 0x08, size: 4, alias: { target: dir, op: 'set' } });
      this.reg({ name: n('DIRTGL'), offset: b + 0x0c, size: 4, alias: { target: dir, op: 'toggle' } });
      const out = this.reg({ name: n('OUT'), offset: b + 0x10, size: 4, write: (v, old) => this.pinsChanged(g, v ^ old) });
      this.reg({ name: n('OUTCLR'), offset: b + 0x14, size: 4, alias: { target: out, op: 'clear' } });
      this.reg({ name: n('OUTSET'), offset: b + 0x18, size: 4, alias: { target: out, op: 'set' } });
      this.reg({ name: n('OUTTGL'), offset: b + 0x1c, size: 4, alias: { target: out, op: 'toggle' } });
      const inReg = this.reg({ name: n('IN'), offset: b + 0x20, size: 4, writable: 0, read: () => this.readIn(g) });
      // CTRL.SAMPLING: continuous sampling per pin; the model always samples, so this only stores.
      const ctrl = this.reg({ name: n('CTRL'), offset: b + 0x24, size: 4 });
      this.reg({ name: n('WRCONFIG'), offset: b + 0x28, size: 4, writeOnly: true, write: (v) => this.wrconfig(g, v) });
      for (let k = 0; k < 16; k++) {
        this.PMUX[g].push(this.reg({ name: n(`PMUX${k}`), offset: b + 0x30 + k, size: 1, write: (v, old) => this.pinsChanged(g, this.pmuxPins(k, v ^ old)) }));
      }
      for (let k = 0; k < 32; k++) {
        this.PINCFG[g].push(this.reg({ name: n(`PINCFG${k}`), offset: b + 0x40 + k, size: 1, writable: 0x47, write: () => this.refresh(g * 32 + k) }));
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
    const g = index >> 5;
    const k = index & 31;
    if (!(this.PINCFG[g][k].value & PINCFG.PMUXEN)) return null;
    return 'ABCDEFGH'[this.pmuxOf(index)] as PadFunction;
  }

  private pmuxOf(index: number): number {
    const g = index >> 5;
    const k = index & 31;
    const v = this.PMUX[g][k >> 1].value;
    return (k & 1 ? v >>> 4 : v) & 0xf;
  }

  private pmuxPins(k: number, changed: number): number {
    return (changed & 0x0f ? 1 << (2 * k) : 0) | (changed & 0xf0 ? 1 << (2 * k + 1) : 0);
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
    const g = index >> 5;
    const k = index & 31;
    const cfg = this.PINCFG[g][k].value;
    const dir = (this.DIR[g].value >>> k) & 1;
    const out = ((this.OUT[g].value >>> k) & 1) as 0 | 1;
    const pin = this.pins[index];
    const muxed = (cfg & PINCFG.PMUXEN) !== 0;
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
    const pull: Pull = drive === null && cfg & PINCFG.PULLEN ? (out ? 'up' : 'down') : 'none';
    // Order matters only for edge bookkeeping; each call re-resolves the net.
    pin.setPull(pull);
    pin.forceVoltage(volts);
    pin.drive(drive);
  }

  private readIn(g: number): number {
    let v = 0;
    const cfg = this.PINCFG[g];
    for (let k = 0; k < 32; k++) {
      if (cfg[k].value & PINCFG.INEN && this.pins[g * 32 + k].net.level) v |= 1 << k;
    }
    return v >>> 0;
  }

  /** WRCONFIG (23.8.11): writes PINCFG and/or PMUX of up to 16 pins at once. */
  private wrconfig(g: number, v: number): void {
    const mask = v & 0xffff;
    const hwsel = (v >>> 31) & 1;
    const cfg = ((v >>> 16) & 0x07) | ((v >>> 16) & 0x40);
    const pmux = (v >>> 24) & 0xf;
    const wrpmux = (v >>> 28) & 1;
    const wrpincfg = (v >>> 30) & 1;
    for (let i = 0; i < 16; i++) {
      if (!(mask & (1 << i))) continue;
      const k = hwsel * 16 + i;
      if (wrpincfg) this.PINCFG[g][k].value = cfg;
      if (wrpmux) {
        const r = this.PMUX[g][k >> 1];
        r.value = k & 1 ? (r.value & 0x0f) | (pmux << 4) : (r.value & 0xf0) | pmux;
      }
      this.refresh(g * 32 + k);
    }
  }
}
