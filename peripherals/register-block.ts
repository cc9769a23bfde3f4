/**
 * RegisterBlock: a `BusDevice` for a data-sheet register map, for any chip (SAMD21, ESP8266).
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
 *    reserved addresses inside a peripheral's slot; see PAC chapter). An access that touches no
 *    declared register is reported to `diagnostics` as a guest error; one to a register declared
 *    `unimplemented` as unimplemented (QEMU's LOG_GUEST_ERROR / LOG_UNIMP). An access that
 *    covers a register and reserved bytes beside it is an ordinary byte-lane access.
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
 *
 * Interrupts: `InterruptRegisters` is the SAMD21's INTENCLR/INTENSET/INTFLAG triple,
 * `RawInterruptRegisters` the ESP8266's INT_RAW/INT_ST/INT_ENA/INT_CLR quad; both drive one
 * level-sensitive line from (flags & enables) through the same hardware-side API (`InterruptLine`).
 *
 * `UnimplementedDevice` fills a peripheral slot nothing models (QEMU's unimplemented-device):
 * reads 0, ignores writes, reports every access.
 */
import type { AccessSize, BusDevice } from '../emulator/kernel/bus.js';
import type { DiagnosticSource, Diagnostics } from '../emulator/kernel/diagnostics.js';

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
  /**
   * The register exists on the chip but the model does not act on it (it is only stored, or
   * reads its reset value): every access is reported to the block's `diagnostics` as
   * unimplemented. Accesses otherwise behave as declared.
   */
  unimplemented?: boolean;
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

/** Something with pending work a reset drops (a SAMD21 `SyncBusy`, a scheduled event). */
export interface Cancellable {
  cancel(): void;
}

export class RegisterBlock implements BusDevice, DiagnosticSource {
  /** Register covering each byte offset (undefined: reserved). */
  private readonly byteMap: (Register | undefined)[];
  readonly registers: Register[] = [];
  private readonly byName = new Map<string, Register>();
  /** Where reserved and unimplemented accesses are reported; null: not counted. */
  diagnostics: Diagnostics | null = null;

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
    if (spec.unimplemented) this.reportAccesses(r);
    return r;
  }

  /**
   * Wraps an unimplemented register's hooks so each access is reported. The wrapping is done
   * once here, so declared registers keep a fast path with no diagnostics test in it.
   */
  private reportAccesses(r: Register): void {
    if (r.alias) throw new Error(`${this.name}.${r.name}: an alias cannot be declared unimplemented`);
    const read = r.readHook;
    const write = r.writeHook;
    r.readHook = (reg) => {
      this.diagnostics?.unimplemented(this.name, reg.offset, reg.size, false, 0);
      if (read) return read(reg);
      return reg.writeOnly ? reg.reset : reg.value;
    };
    r.writeHook = (value, old, mask, reg) => {
      this.diagnostics?.unimplemented(this.name, reg.offset, reg.size, true, value & mask);
      write?.(value, old, mask, reg);
    };
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
   * A software or system reset of a block with interrupts and pending work (SAMD21 write
   * synchronisation): every register back to its reset value, the interrupt line low, and the
   * pending work dropped (the writes a synchronisation carried never take effect).
   */
  protected resetBlock(int: InterruptLine, pending: Cancellable): void {
    pending.cancel();
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
    let touched = false;
    const end = offset + size;
    let o = offset;
    while (o < end) {
      const r = o < this.span ? this.byteMap[o] : undefined;
      if (!r) {
        o++;
        continue;
      }
      touched = true;
      // The bytes of r within [offset, end): `o - r.offset` into r, `o - offset` into the access.
      const last = Math.min(r.offset + r.size, end);
      const regShift = 8 * (o - r.offset);
      const accessShift = 8 * (o - offset);
      const mask = (LANE_MASK[last - o] << regShift) >>> 0;
      if (write) r.put((((value >>> accessShift) << regShift) & mask) >>> 0, mask);
      else result |= ((r.get() & mask) >>> regShift) << accessShift;
      o = last;
    }
    if (!touched) this.diagnostics?.guestError(this.name, offset, size, write, write ? value & LANE_MASK[size] : 0);
    return (result >>> 0) & LANE_MASK[size];
  }
}

/**
 * One level-sensitive interrupt line driven by a flag register and an enable register: high while
 * (flags & enables) != 0. The subclasses declare the registers in their chip's style; the
 * peripheral's hardware side uses this API whichever style it is.
 */
export abstract class InterruptLine {
  /** The flags the hardware raises (SAMD21 INTFLAG, ESP8266 INT_RAW). */
  protected abstract readonly raw: Register;
  /** The enable mask (SAMD21 INTENSET, ESP8266 INT_ENA). */
  protected abstract readonly enable: Register;
  private level = false;

  constructor(private readonly line: (level: boolean) => void) {}

  /** Sets flags (the peripheral's hardware side) and updates the line. */
  set(bits: number): void {
    const f = this.raw;
    const next = (f.value | (bits & f.writable)) >>> 0;
    if (next !== f.value) {
      f.value = next;
      this.update();
    }
  }

  /** Clears flags from the hardware side (e.g. reading DATA clears RXC). */
  clear(bits: number): void {
    const f = this.raw;
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
    return this.raw.value;
  }

  enabled(): number {
    return this.enable.value;
  }

  /** Recomputes the interrupt line. Call after changing the flag/enable values directly. */
  update(): void {
    const level = (this.raw.value & this.enable.value) !== 0;
    // A level-sensitive controller (the NVIC) re-pends a line that is still high when its
    // handler returns, so only changes need reporting.
    if (level !== this.level) {
      this.level = level;
      this.line(level);
    }
  }

  reset(): void {
    this.raw.doReset();
    this.enable.doReset();
    this.level = false;
    this.line(false);
  }
}

/**
 * The INTENCLR / INTENSET / INTFLAG triple most SAMD21 peripherals have, driving one NVIC line:
 * the line is high while (INTFLAG & INTENSET) != 0 (level-sensitive, data sheet 11.2 NVIC).
 * INTENSET/INTENCLR write-1-to-set/clear one enable mask (both read it), INTFLAG is w1c.
 */
export class InterruptRegisters extends InterruptLine {
  readonly INTENCLR: Register;
  readonly INTENSET: Register;
  readonly INTFLAG: Register;
  protected readonly raw: Register;
  protected readonly enable: Register;

  constructor(
    block: RegisterBlock,
    offsets: { INTENCLR: number; INTENSET: number; INTFLAG: number },
    size: AccessSize,
    /** Bits that exist in the three registers. */
    mask: number,
    line: (level: boolean) => void,
    names: { INTENCLR?: string; INTENSET?: string; INTFLAG?: string } = {},
  ) {
    super(line);
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
    this.raw = this.INTFLAG;
    this.enable = this.INTENSET;
  }
}

/**
 * The ESP8266's INT_RAW / INT_ST / INT_ENA / INT_CLR quad (ESP8266 Technical Reference, UART and
 * SPI register lists): INT_RAW holds the raw flags (read-only), INT_ST reads INT_RAW & INT_ENA,
 * INT_ENA is a plain enable mask, and writing 1s to INT_CLR (write-only, reads 0) clears those
 * raw flags. The line is high while INT_ST != 0.
 */
export class RawInterruptRegisters extends InterruptLine {
  readonly INT_RAW: Register;
  readonly INT_ST: Register;
  readonly INT_ENA: Register;
  readonly INT_CLR: Register;
  protected readonly raw: Register;
  protected readonly enable: Register;

  constructor(
    block: RegisterBlock,
    offsets: { INT_RAW: number; INT_ST: number; INT_ENA: number; INT_CLR: number },
    size: AccessSize,
    /** Bits that exist in the four registers. */
    mask: number,
    line: (level: boolean) => void,
    names: { INT_RAW?: string; INT_ST?: string; INT_ENA?: string; INT_CLR?: string } = {},
  ) {
    super(line);
    // INT_RAW's `writable` is the set of flags the hardware side may raise; firmware writes to it
    // are ignored (the write hook puts the old value back).
    this.INT_RAW = block.reg({
      name: names.INT_RAW ?? 'INT_RAW',
      offset: offsets.INT_RAW,
      size,
      writable: mask,
      write: (_value, old, _mask, reg) => (reg.value = old),
    });
    this.INT_ST = block.reg({ name: names.INT_ST ?? 'INT_ST', offset: offsets.INT_ST, size, writable: 0, read: () => this.INT_RAW.value & this.INT_ENA.value });
    this.INT_ENA = block.reg({ name: names.INT_ENA ?? 'INT_ENA', offset: offsets.INT_ENA, size, writable: mask, write: () => this.update() });
    this.INT_CLR = block.reg({
      name: names.INT_CLR ?? 'INT_CLR',
      offset: offsets.INT_CLR,
      size,
      writeOnly: true,
      read: () => 0,
      write: (value, _old, written) => this.clear(value & written & mask),
    });
    this.raw = this.INT_RAW;
    this.enable = this.INT_ENA;
  }
}

/**
 * A peripheral slot no model fills (QEMU's unimplemented-device): reads 0, ignores writes, never
 * faults, and reports every access to `diagnostics` as unimplemented.
 */
export class UnimplementedDevice implements BusDevice, DiagnosticSource {
  diagnostics: Diagnostics | null = null;
  constructor(readonly name: string) {}
  read(offset: number, size: AccessSize): number {
    this.diagnostics?.unimplemented(this.name, offset, size, false, 0);
    return 0;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.diagnostics?.unimplemented(this.name, offset, size, true, value);
  }
}
