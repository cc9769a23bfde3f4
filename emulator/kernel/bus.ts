/**
 * The memory bus: a 32-bit address space with typed-array memories and register-dispatching
 * peripherals.
 *
 * Lookup is a two-level table (1 MiB, then 1 KiB pages), so any device aligned to 1 KiB can be
 * mapped; SAMD21 peripherals sit 0x400 apart. CPU cores keep direct references to their main
 * memories (`Memory.u8/u16/u32`) for the fast path and come here for everything else.
 *
 * An access that reaches no device, or that a device refuses, does not throw: it sets `error`
 * (with the address and direction) and reads as 0. The core checks the flag after slow-path
 * accesses and turns it into its own fault (HardFault on ARM, an exception on Xtensa).
 */
export type AccessSize = 1 | 2 | 4;

export interface BusDevice {
  /** Reads `size` bytes at `offset` from the device's base; unsigned result. */
  read(offset: number, size: AccessSize): number;
  /** Writes the low `size` bytes of `value` at `offset`. */
  write(offset: number, size: AccessSize, value: number): void;
}

export interface Mapping {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly device: BusDevice;
  /** Extra cycles each access costs (flash wait states, bridge latency). Mutable: NVM RWS. */
  waitStates: number;
}

/** Little-endian host is assumed by the typed-array fast paths (every supported JS host is). */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
if (!HOST_LITTLE_ENDIAN) throw new Error('circuitemu needs a little-endian host');

/** RAM, flash or ROM backed by one ArrayBuffer with 8/16/32-bit views. */
export class Memory implements BusDevice {
  readonly u8: Uint8Array;
  readonly u16: Uint16Array;
  readonly u32: Uint32Array;
  /** Set by the bus owner when the memory's contents change behind the CPU (decode caches). */
  onWrite: ((offset: number, size: AccessSize) => void) | null = null;

  constructor(
    readonly size: number,
    /** Writes through the bus are refused (reported as bus errors) when true. */
    public readOnly = false,
    fill = 0,
  ) {
    if (size % 4 !== 0) throw new Error(`memory size ${size} is not a multiple of 4`);
    const buffer = new ArrayBuffer(size);
    this.u8 = new Uint8Array(buffer);
    this.u16 = new Uint16Array(buffer);
    this.u32 = new Uint32Array(buffer);
    if (fill) this.u8.fill(fill);
  }

  read(offset: number, size: AccessSize): number {
    if (size === 4) return (offset & 3) === 0 ? this.u32[offset >>> 2] : this.readUnaligned(offset, 4);
    if (size === 2) return (offset & 1) === 0 ? this.u16[offset >>> 1] : this.readUnaligned(offset, 2);
    return this.u8[offset];
  }

  write(offset: number, size: AccessSize, value: number): void {
    this.store(offset, size, value);
  }

  /** Stores regardless of `readOnly`: used by loaders and by flash controllers. */
  store(offset: number, size: AccessSize, value: number): void {
    if (size === 4 && (offset & 3) === 0) this.u32[offset >>> 2] = value;
    else if (size === 2 && (offset & 1) === 0) this.u16[offset >>> 1] = value;
    else for (let i = 0; i < size; i++) this.u8[offset + i] = value >>> (8 * i);
    if (this.onWrite) this.onWrite(offset, size);
  }

  /** Copies `data` in at `offset` (loaders); notifies decode caches. */
  load(offset: number, data: Uint8Array): void {
    this.u8.set(data, offset);
    if (this.onWrite) for (let o = offset & ~3; o < offset + data.length; o += 4) this.onWrite(o, 4);
  }

  private readUnaligned(offset: number, size: number): number {
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = (value << 8) | this.u8[offset + i];
    return value >>> 0;
  }
}

const PAGE_SHIFT = 10;
const L1_SHIFT = 20;
const L2_ENTRIES = 1 << (L1_SHIFT - PAGE_SHIFT);

export class Bus {
  /** Set when an access hit no device or a device refused it; cleared by the core. */
  error = false;
  errorAddress = 0;
  errorWrite = false;
  /** Wait-state cycles accumulated by slow-path accesses; the CPU adds them to its time. */
  stall = 0;
  readonly mappings: Mapping[] = [];
  private readonly table: (Array<Mapping | null> | null)[] = new Array(1 << (32 - L1_SHIFT)).fill(null);

  /** Maps `device` at [base, base+size). Both must be 1 KiB aligned; overlaps are refused. */
  map(name: string, base: number, size: number, device: BusDevice, waitStates = 0): Mapping {
    if (base % (1 << PAGE_SHIFT) !== 0 || size % (1 << PAGE_SHIFT) !== 0 || size <= 0) {
      throw new Error(`${name}: mapping 0x${base.toString(16)}+0x${size.toString(16)} is not 1 KiB aligned`);
    }
    const mapping: Mapping = { name, base: base >>> 0, size, device, waitStates };
    this.forEachPage(base, size, (a, whole) => {
      const existing = whole ? this.firstMapped(a) : this.lookup(a);
      if (existing) throw new Error(`${name} overlaps ${existing.name} at 0x${(a >>> 0).toString(16)}`);
    });
    // Whole 1 MiB blocks share one second-level table (large memories map in O(MiB), not O(KiB)).
    let shared: Array<Mapping | null> | null = null;
    this.forEachPage(base, size, (a, whole) => {
      if (whole) {
        shared ??= new Array<Mapping | null>(L2_ENTRIES).fill(mapping);
        this.table[a >>> L1_SHIFT] = shared;
        return;
      }
      let l2 = this.table[a >>> L1_SHIFT];
      if (!l2) l2 = this.table[a >>> L1_SHIFT] = new Array<Mapping | null>(L2_ENTRIES).fill(null);
      l2[(a >>> PAGE_SHIFT) & (L2_ENTRIES - 1)] = mapping;
    });
    this.mappings.push(mapping);
    return mapping;
  }

  /** Visits each 1 KiB page of a range, or each whole 1 MiB block at once (`whole` = true). */
  private forEachPage(base: number, size: number, visit: (address: number, whole: boolean) => void): void {
    const end = base + size;
    for (let a = base; a < end; ) {
      const whole = a % (1 << L1_SHIFT) === 0 && end - a >= 1 << L1_SHIFT;
      visit(a >>> 0, whole);
      a += whole ? 1 << L1_SHIFT : 1 << PAGE_SHIFT;
    }
  }

  /** Any mapping inside the 1 MiB block at `address`. */
  private firstMapped(address: number): Mapping | null {
    const l2 = this.table[address >>> L1_SHIFT];
    return l2 ? (l2.find((m) => m !== null) ?? null) : null;
  }

  lookup(address: number): Mapping | null {
    const l2 = this.table[address >>> L1_SHIFT];
    return l2 ? l2[(address >>> PAGE_SHIFT) & (L2_ENTRIES - 1)] : null;
  }

  read(address: number, size: AccessSize): number {
    address >>>= 0;
    const m = this.lookup(address);
    if (!m || address - m.base + size > m.size) return this.fail(address, false);
    this.stall += m.waitStates;
    return m.device.read(address - m.base, size);
  }

  write(address: number, size: AccessSize, value: number): void {
    address >>>= 0;
    const m = this.lookup(address);
    if (!m || address - m.base + size > m.size || (m.device instanceof Memory && m.device.readOnly)) {
      this.fail(address, true);
      return;
    }
    this.stall += m.waitStates;
    m.device.write(address - m.base, size, value >>> 0);
  }

  read8(address: number): number {
    return this.read(address, 1);
  }
  read16(address: number): number {
    return this.read(address, 2);
  }
  read32(address: number): number {
    return this.read(address, 4);
  }
  write8(address: number, value: number): void {
    this.write(address, 1, value & 0xff);
  }
  write16(address: number, value: number): void {
    this.write(address, 2, value & 0xffff);
  }
  write32(address: number, value: number): void {
    this.write(address, 4, value);
  }

  /** Wait states of the mapping holding `address` (0 when unmapped). */
  waitStatesAt(address: number): number {
    const m = this.lookup(address >>> 0);
    return m ? m.waitStates : 0;
  }

  /** Reads `length` bytes for host-side tools (debuggers, semihosting); unmapped bytes read 0. */
  readBlock(address: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.debugRead8(address + i);
    return out;
  }

  /** Writes bytes for host-side tools; returns false if any byte was not writable. */
  writeBlock(address: number, data: Uint8Array): boolean {
    let ok = true;
    for (let i = 0; i < data.length; i++) {
      this.write((address + i) >>> 0, 1, data[i]);
      if (this.error) {
        ok = false;
        this.error = false;
      }
    }
    return ok;
  }

  /** Reports a device-signalled error (a peripheral refusing an access). */
  signalError(address: number, isWrite: boolean): void {
    this.fail(address >>> 0, isWrite);
  }

  private debugRead8(address: number): number {
    const value = this.read(address >>> 0, 1);
    this.error = false;
    return value;
  }

  private fail(address: number, isWrite: boolean): number {
    this.error = true;
    this.errorAddress = address;
    this.errorWrite = isWrite;
    return 0;
  }
}
