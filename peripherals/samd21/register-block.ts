/**
 * RegisterBlock: a `BusDevice` for a data-sheet register map.
 *
 * A peripheral declares its registers (name as the data sheet spells it, offset, size 1/2/4,
 * reset value, writable mask, optional read/write hooks) and the block handles every access
 * width uniformly:
 *  - an access that covers exactly one register goes straight to it (the fast path);
 *  - any other access (a byte of a 32-bit register, a 32-bit access spanning four 8-bit
 *    registers) is split into byte lanes and merged per register: each register touched sees one
 *    read or one write with a `mask` of the bits the access covered. This is the AHB/APB
 *    byte-lane behaviour of the SAMD21 (data sheet 11.x "8-, 16- and 32-bit access"), which
 *    select-then-read registers rely on (GCLK GENCTRL: an 8-bit write of ID only selects).
 *  - reserved offsets read 0 and ignore writes (the SAMD21's APB bridge does not fault on
 *    reserved addresses inside a peripheral's slot; see PAC chapter).
 *
 * Register kinds:
 *  - plain read/write: stored = (old & ~(mask & writable)) | (written & mask & writable); then
 *    `write(new, old, mask)` is called;
 *  - `w1c`: write-1-to-clear flags (INTFLAG): stored = old & ~(written & mask & writable);
 *  - `w1s`: write-1-to-set enables (INTENSET): stored = old | (written & mask & writable);
 *  - aliases: `set`/`clear`/`toggle` registers operating on another register (INTENSET/INTENCLR,
 *    OUTSET/OUTCLR/OUTTGL, DIRSET/...): they read as the target and modify it, and the target's
 *    write hook runs with the bits actually changed in `mask`;
 *  - `writeOnly`: reads return the reset value; the hook sees what was written (command
 *    registers such as WDT CLEAR or PORT WRCONFIG).
 *
 * Hooks run synchronously in the bus access: they must not allocate in steady state.
 */
import type { AccessSize, BusDevice } from '../../emulator/kernel/bus.js';
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';

export type ReadHook = (reg: Register) => number;
/** `value` is the register's new stored value, `old` its previous value, `mask` the bits written. */
export type WriteHook = (value: number, old: number, mask: number, reg: Register) => void;

export interface RegisterSpec {
  /** Name as the data sheet spells it (CTRLA, INTFLAG, PMUX3, ...). */
  name: string;
  offset: number;
  size: AccessSize;
  /** Reset value; default 0. */
  reset?: number;
  /** Bits a plain write changes; default all bits of the register. */
  writable?: number;
  /** Computes the value read (live state, select-then-read); default: the stored value. */
  read?: ReadHook;
  /** Called after every write that touches the register. */
  write?: WriteHook;
  /** Write-1-to-clear (INTFLAG-style). */
  w1c?: boolean;
  /** Write-1-to-set (INTENSET-style): written 0s change nothing. */
  w1s?: boolean;
  /** Reads return the reset value (command registers). */
  writeOnly?: boolean;
  /** Set/clear/toggle alias of another register. */
  alias?: { target: Register; op: 'set' | 'clear' | 'toggle' };
}

export class Register {
  value: number;
  readonly name: string;
  readonly offset: number;
  readonly size: AccessSize;
  readonly reset: number;
  readonly writable: number;
  readonly full: number;
  readHook: ReadHook | undefined;
  writeHook: WriteHook | undefined;
  readonly w1c: boolean;
  readonly w1s: boolean;
  readonly writeOnly: boolean;
  readonly alias: { target: Register; op: 'set' | 'clear' | 'toggle' } | undefined;

  constructor(spec: RegisterSpec) {
    this.name = spec.name;
    this.offset = spec.offset;
    this.size = spec.size;
    this.full = spec.size === 4 ? 0xffffffff : spec.size === 2 ? 0xffff : 0xff;
    this.reset = (spec.reset ?? 0) >>> 0;
    this.writable = (spec.writable ?? this.full) >>> 0;
    this.readHook = spec.read;
    this.writeHook = spec.write;
    this.w1c = spec.w1c ?? false;
    this.w1s = spec.w1s ?? false;
    this.writeOnly = spec.writeOnly ?? false;
    this.alias = spec.alias;
    this.value = this.reset;
  }

  /** The value a bus read returns. */
  get(): number {
    if (this.readHook) return this.readHook(this) >>> 0;
    if (this.alias) return this.alias.target.get();
    if (this.writeOnly) return this.reset;
    return this.value;
  }

  /** Applies a write of `written` under byte-lane `mask` (both in register bit positions). */
  put(written: number, mask: number): void {
    const alias = this.alias;
    if (alias) {
      const t = alias.target;
      const old = t.value;
      const bits = written & mask & t.writable;
      const next = alias.op === 'set' ? old | bits : alias.op === 'clear' ? old & ~bits : old ^ bits;
      t.value = next >>> 0;
      if (t.writeHook) t.writeHook(t.value, old, bits >>> 0, t);
      if (this.writeHook) this.writeHook(t.value, old, mask, this);
      return;
    }
    const old = this.value;
    if (this.w1c) {
      this.value = (old & ~(written & mask & this.writable)) >>> 0;
    } else if (this.w1s) {
      this.value = (old | (written & mask & this.writable)) >>> 0;
    } else if (this.writeOnly) {
      this.value = ((old & ~mask) | (written & mask)) >>> 0;
    } else {
      const m = mask & this.writable;
      this.value = ((old & ~m) | (written & m)) >>> 0;
    }
    if (this.writeHook) this.writeHook(this.value, old, mask >>> 0, this);
    if (this.writeOnly) this.value = this.reset;
  }

  doReset(): void {
    this.value = this.reset;
  }
}

/** Mask of the low 0..4 bytes. */
const LANE_MASK = [0, 0xff, 0xffff, 0xffffff, 0xffffffff] as const;

export class RegisterBlock implements BusDevice {
  /** Register covering each byte offset (undefined: reserved). */
  private readonly byteMap: (Register | undefined)[];
  readonly registers: Register[] = [];
  private readonly byName = new Map<string, Register>();

  constructor(
    readonly name: string,
    /** Size of the address range the block decodes (bytes). */
    readonly span: number,
  ) {
    this.byteMap = new Array<Register | undefined>(span);
  }

  /** Declares a register. */
  reg(spec: RegisterSpec): Register {
    const r = new Register(spec);
    if (r.offset % r.size !== 0) throw new Error(`${this.name}.${r.name}: misaligned offset 0x${r.offset.toString(16)}`);
    for (let i = 0; i < r.size; i++) {
      const o = r.offset + i;
      if (o >= this.span) throw new Error(`${this.name}.${r.name}: offset beyond block`);
      if (this.byteMap[o]) throw new Error(`${this.name}.${r.name} overlaps ${this.byteMap[o]!.name}`);
      this.byteMap[o] = r;
    }
    this.registers.push(r);
    this.byName.set(r.name, r);
    return r;
  }

  /** A declared register by data-sheet name (tests, debuggers). */
  register(name: string): Register {
    const r = this.byName.get(name);
    if (!r) throw new Error(`${this.name}: no register ${name}`);
    return r;
  }

  /** Puts every register back to its reset value (SWRST, system reset). */
  resetRegisters(): void {
    for (const r of this.registers) r.doReset();
  }

  /**
   * SWRST or a system reset of a block with interrupts and write synchronisation: every register
   * back to its reset value, the interrupt line low, and pending synchronisations dropped (the
   * writes they carried never take effect).
   */
  protected resetBlock(int: InterruptRegisters, sync: SyncBusy): void {
    sync.cancel();
    this.resetRegisters();
    int.reset();
  }

  read(offset: number, size: AccessSize): number {
    const r = this.byteMap[offset];
    if (r !== undefined && r.offset === offset && r.size === size) return r.get();
    return this.lanes(offset, size, 0, false);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const r = this.byteMap[offset];
    if (r !== undefined && r.offset === offset && r.size === size) {
      r.put(value >>> 0, r.full);
      return;
    }
    this.lanes(offset, size, value >>> 0, true);
  }

  /**
   * Byte-lane access: each register the access touches is read once (its bytes placed in the
   * result) or written once (with its bytes of `value` and the mask of the lanes covered).
   */
  private lanes(offset: number, size: AccessSize, value: number, write: boolean): number {
    let result = 0;
    const end = offset + size;
    let o = offset;
    while (o < end) {
      const r = o < this.span ? this.byteMap[o] : undefined;
      if (!r) {
        o++;
        continue;
      }
      // The bytes of r within [offset, end): `o - r.offset` into r, `o - offset` into the access.
      const last = Math.min(r.offset + r.size, end);
      const regShift = 8 * (o - r.offset);
      const accessShift = 8 * (o - offset);
      const mask = (LANE_MASK[last - o] << regShift) >>> 0;
      if (write) r.put((((value >>> accessShift) << regShift) & mask) >>> 0, mask);
      else result |= ((r.get() & mask) >>> regShift) << accessShift;
      o = last;
    }
    return (result >>> 0) & LANE_MASK[size];
  }
}

/**
 * The INTENCLR / INTENSET / INTFLAG triple most SAMD21 peripherals have, driving one NVIC line:
 * the line is high while (INTFLAG & INTENSET) != 0 (level-sensitive, data sheet 11.2 NVIC).
 */
export class InterruptRegisters {
  readonly INTENCLR: Register;
  readonly INTENSET: Register;
  readonly INTFLAG: Register;
  private level = false;

  constructor(
    block: RegisterBlock,
    offsets: { INTENCLR: number; INTENSET: number; INTFLAG: number },
    size: AccessSize,
    /** Bits that exist in the three registers. */
    mask: number,
    private readonly line: (level: boolean) => void,
    names: { INTENCLR?: string; INTENSET?: string; INTFLAG?: string } = {},
  ) {
    const update = () => this.update();
    // INTENSET: writing 1 sets an enable, writing 0 has no effect; INTENCLR is its clear alias.
    this.INTENSET = block.reg({ name: names.INTENSET ?? 'INTENSET', offset: offsets.INTENSET, size, writable: mask, w1s: true, write: update });
    this.INTENCLR = block.reg({
      name: names.INTENCLR ?? 'INTENCLR',
      offset: offsets.INTENCLR,
      size,
      alias: { target: this.INTENSET, op: 'clear' },
    });
    this.INTFLAG = block.reg({ name: names.INTFLAG ?? 'INTFLAG', offset: offsets.INTFLAG, size, writable: mask, w1c: true, write: update });
  }

  /** Sets flags (the peripheral's hardware side) and updates the line. */
  set(bits: number): void {
    const f = this.INTFLAG;
    const next = (f.value | (bits & f.writable)) >>> 0;
    if (next !== f.value) {
      f.value = next;
      this.update();
    }
  }

  /** Clears flags from the hardware side (e.g. reading DATA clears RXC). */
  clear(bits: number): void {
    const f = this.INTFLAG;
    const next = (f.value & ~bits) >>> 0;
    if (next !== f.value) {
      f.value = next;
      this.update();
    }
  }

  /** Sets or clears flags to follow a condition (status-like flags such as SERCOM DRE). */
  assign(bits: number, on: boolean): void {
    if (on) this.set(bits);
    else this.clear(bits);
  }

  flags(): number {
    return this.INTFLAG.value;
  }

  enabled(): number {
    return this.INTENSET.value;
  }

  /** Recomputes the interrupt line. Call after changing INTFLAG/INTENSET values directly. */
  update(): void {
    const level = (this.INTFLAG.value & this.INTENSET.value) !== 0;
    // The NVIC re-pends a line that is still high when its handler returns (level-sensitive),
    // so only changes need reporting.
    if (level !== this.level) {
      this.level = level;
      this.line(level);
    }
  }

  reset(): void {
    this.INTFLAG.doReset();
    this.INTENSET.doReset();
    this.level = false;
    this.line(false);
  }
}

/**
 * Write synchronisation between the APB clock domain and a peripheral's GCLK domain
 * (data sheet 13.3 "Synchronization"): a write to a synchronised register sets a SYNCBUSY bit,
 * and the value takes effect when it clears, between 3 and 6 GCLK periods (+ 2-3 APB cycles)
 * later. Firmware polls the bit, so it must read 1 and then 0.
 *
 * `start(bits)` sets `bits` and (re)schedules completion `gclkPeriods` periods of the
 * peripheral's GCLK later; `onDone(bits)` then applies the pending effect. Overlapping syncs
 * accumulate their bits and complete together.
 *
 * With the peripheral's GCLK stopped the real chip would stay busy forever; we complete after
 * `fallbackCycles` CPU cycles instead so a firmware bug cannot wedge the emulation, and count it
 * in `stalledSyncs` for diagnostics.
 */
export class SyncBusy {
  bits = 0;
  private pending = 0;
  stalledSyncs = 0;
  private readonly event: SimEvent;

  constructor(
    private readonly scheduler: Scheduler,
    /** The peripheral's GCLK frequency in Hz (0 when its clock channel is off). */
    private readonly gclkHz: () => number,
    private readonly onDone: (bits: number) => void = () => {},
    private readonly gclkPeriods = 5,
    private readonly apbCycles = 3,
    private readonly fallbackCycles = 64,
  ) {
    this.event = new SimEvent('syncbusy', () => this.complete());
  }

  get busy(): boolean {
    return this.bits !== 0;
  }

  /** Starts a synchronisation of `bits` (SYNCBUSY bit positions of the peripheral). */
  start(bits: number, gclkPeriods = this.gclkPeriods): void {
    this.bits |= bits;
    this.pending |= bits;
    const hz = this.gclkHz();
    let delay: number;
    if (hz > 0) {
      delay = Math.ceil((gclkPeriods * this.scheduler.frequency) / hz) + this.apbCycles;
    } else {
      this.stalledSyncs++;
      delay = this.fallbackCycles;
    }
    const at = this.scheduler.cycles + delay;
    if (!this.event.scheduled || this.event.cycle < at) this.scheduler.scheduleAt(this.event, at);
  }

  /** Completes any pending synchronisation now (a reset). */
  cancel(): void {
    this.scheduler.cancel(this.event);
    this.bits = 0;
    this.pending = 0;
  }

  private complete(): void {
    const done = this.pending;
    this.pending = 0;
    this.bits = 0;
    this.onDone(done);
  }
}

/** CTRLA.SWRST and CTRLA.ENABLE: bits 0 and 1 of CTRLA in every SAMD21 peripheral that has them. */
export const CTRLA_SWRST = 1 << 0;
export const CTRLA_ENABLE = 1 << 1;

/**
 * A CTRLA write in a peripheral with SWRST, an enable-protected CTRLA and SYNCBUSY.SWRST/ENABLE
 * (SERCOM 26.8.1, TC 30.8.1, TCC 31.8.1): SWRST = 1 ignores everything else, reads 1 and starts
 * the reset's synchronisation; while enabled only ENABLE may change; a change of ENABLE starts
 * its synchronisation (the peripheral enables or disables when it completes).
 * `ctrla.value` already holds the merged write; returns false when a reset was started.
 */
export function writeCtrlaSwrstEnable(ctrla: Register, value: number, old: number, sync: SyncBusy, syncSwrst: number, syncEnable: number): boolean {
  if (value & CTRLA_SWRST) {
    ctrla.value = (old | CTRLA_SWRST) >>> 0;
    sync.start(syncSwrst);
    return false;
  }
  if (old & CTRLA_ENABLE) ctrla.value = ((old & ~CTRLA_ENABLE) | (value & CTRLA_ENABLE)) >>> 0;
  if ((ctrla.value ^ old) & CTRLA_ENABLE) sync.start(syncEnable);
  return true;
}

/** Extracts a bit field. */
export function field(value: number, pos: number, width: number): number {
  return (value >>> pos) & ((1 << width) - 1 || 0xffffffff);
}
