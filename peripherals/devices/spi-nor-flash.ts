/**
 * A serial NOR flash on an `SpiBus` (the JEDEC-style 25-series command set shared by the
 * GigaDevice GD25Q, Winbond W25Q and Spansion S25FL parts that CircuitPython boards carry).
 *
 * The model is byte-level, like the bus: each `transfer` is eight SCK clocks on one lane. A
 * command starts with the first byte after CS falls and is executed, for the write-type commands
 * (program, erase, write status), when CS rises on a byte boundary with exactly the bytes the
 * command needs, as the data sheets require ("CS# must be driven high after the eighth bit of the
 * last byte has been latched in, otherwise the command is not executed").
 *
 * Busy behaviour: program / erase / write-status set WIP (status bit 0) and complete on the
 * machine's scheduler after the part's typical time; while WIP is set every command except
 * READ STATUS (05/35), SUSPEND (75) and RESET (66/99) is ignored and MISO stays high. WEL (bit 1)
 * is set by WRITE ENABLE (06) and cleared by WRITE DISABLE (04), by the completion of every
 * program / erase / write-status, and by reset. A write-type command without WEL is ignored.
 *
 * Dual/quad opcodes: a byte-level bus cannot show lanes. The dual/quad *output* reads (3B, 6B)
 * have the same shape as FAST READ (opcode, 3 address bytes, 8 dummy clocks) and are answered
 * with one data byte per transfer; the dual/quad *I/O* reads (BB, EB), whose address phase
 * itself is on several lanes, are not modelled: they are ignored (MISO stays 0xFF) and counted
 * in `ignoredCommands`. No SAMD21 SERCOM can issue them.
 *
 * Not modelled: block-protect (BP/CMP bits are stored but do not protect), security registers,
 * OTP lock bits, HOLD#/WP# pins.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import type { SpiDevice } from './buses.js';

/** Typical busy times in microseconds. */
export interface SpiFlashTiming {
  pageProgramUs: number;
  sectorEraseUs: number;
  block32EraseUs: number;
  block64EraseUs: number;
  chipEraseUs: number;
  writeStatusUs: number;
  /** Software-reset recovery time (66h + 99h). */
  resetUs: number;
  /** Deep power-down entry / release times (B9h / ABh). */
  powerDownUs: number;
}

export interface SpiFlashParameters {
  /** Part name, for diagnostics. */
  part: string;
  /** Bytes: a power of two. */
  size: number;
  /** JEDEC ID (9Fh): manufacturer, memory type, capacity. */
  jedecId: readonly [number, number, number];
  /** Device ID returned by 90h (after the manufacturer byte) and ABh. */
  deviceId: number;
  timing: SpiFlashTiming;
}

export interface SpiFlashOptions {
  /** Chip select input (active low). */
  cs: Pin;
  scheduler: Scheduler;
  name?: string;
  /** Initial contents (shorter images are padded with erased bytes). */
  image?: Uint8Array;
  /** Overrides of the typical busy times (tests, or 0 for "instant"). */
  timing?: Partial<SpiFlashTiming>;
  /** Contents returned by READ UNIQUE ID (4Bh); default derived from the part name. */
  uniqueId?: Uint8Array;
}

/** Status register 1 bits. */
export const SR1_WIP = 0x01;
export const SR1_WEL = 0x02;
/** Status register 2 bits (read with 35h). */
export const SR2_QE = 0x02;
export const SR2_SUS = 0x80;

/** Opcodes (data-sheet mnemonics). */
export const Op = {
  WRSR: 0x01,
  PP: 0x02,
  READ: 0x03,
  WRDI: 0x04,
  RDSR1: 0x05,
  WREN: 0x06,
  FAST_READ: 0x0b,
  SE: 0x20,
  RDSR2: 0x35,
  DOR: 0x3b,
  RUID: 0x4b,
  VWREN: 0x50,
  BE32: 0x52,
  RDSFDP: 0x5a,
  CE_60: 0x60,
  RSTEN: 0x66,
  QOR: 0x6b,
  PES: 0x75,
  PER: 0x7a,
  REMS: 0x90,
  RST: 0x99,
  RDID: 0x9f,
  RDI: 0xab,
  DP: 0xb9,
  DIOR: 0xbb,
  CE: 0xc7,
  BE64: 0xd8,
  QIOR: 0xeb,
} as const;

type BusyKind = 'program' | 'erase' | 'status' | 'reset' | null;
/** What a busy status write, page program or erase does when it completes. */
type PendingOp =
  | { op: 'status'; bytes: number[] }
  | { op: 'program'; page: number; buf: Uint8Array; written: Uint8Array }
  | { op: 'erase'; start: number; size: number };

export class SpiNorFlash implements SpiDevice {
  readonly name: string;
  readonly cs: Pin;
  readonly params: SpiFlashParameters;
  readonly timing: SpiFlashTiming;
  /** The array. Callers may read it, save it, or replace its bytes while the part is idle. */
  readonly data: Uint8Array;
  /** Set whenever the array changes; the caller clears it after saving. */
  dirty = false;
  /** Opcodes received but not modelled (counted; the part ignores them). */
  readonly ignoredCommands = new Map<number, number>();
  /** Number of commands executed, by opcode (diagnostics, tests). */
  readonly commandCounts = new Map<number, number>();

  private readonly scheduler: Scheduler;
  private readonly uniqueId: Uint8Array;
  private readonly sfdp: Uint8Array;
  private readonly listeners: ((offset: number, length: number) => void)[] = [];

  // Status registers (volatile copies; non-volatile bits are the same store: no power cycling).
  private sr1 = 0;
  private sr2 = 0;
  private volatileWriteEnable = false;
  private poweredDown = false;
  private resetEnabled = false;

  // Current transaction.
  private opcode = -1;
  private count = 0; // bytes received in this transaction, opcode included
  private address = 0;
  private readonly pageBuffer = new Uint8Array(256);
  private readonly pageWritten = new Uint8Array(256);
  private pageBytes = 0;
  private statusBytes: number[] = [];

  // Busy operation.
  private busy: BusyKind = null;
  private readonly busyEvent: SimEvent;
  // The operation in progress (and a suspended one) as data, not a closure: a snapshot holds it.
  private pendingApply: PendingOp | null = null;
  private suspendedRemaining = 0;
  private suspendedApply: PendingOp | null = null;
  private suspendedKind: BusyKind = null;

  constructor(params: SpiFlashParameters, opts: SpiFlashOptions) {
    if (params.size & (params.size - 1)) throw new Error(`${params.part}: size must be a power of two`);
    this.params = params;
    this.name = opts.name ?? params.part;
    this.cs = opts.cs;
    this.scheduler = opts.scheduler;
    this.timing = { ...params.timing, ...opts.timing };
    this.data = new Uint8Array(params.size).fill(0xff);
    if (opts.image) this.load(opts.image);
    this.uniqueId = opts.uniqueId ? opts.uniqueId.slice() : defaultUniqueId(params.part);
    this.sfdp = buildSfdp(params.size);
    this.busyEvent = new SimEvent(`${this.name}.busy`, () => this.completeBusy());
    // A command starts at the falling edge of CS.
    this.cs.net.onEdge((_net, level) => {
      if (level === 0) this.beginTransaction();
    });
  }

  // ---- host-side API ------------------------------------------------------------------------

  /** Replaces the contents with `image` (padded with 0xFF). Throws if the image is too large. */
  load(image: Uint8Array): void {
    if (image.length > this.data.length) {
      throw new Error(`${this.name}: image of ${image.length} bytes does not fit in ${this.data.length}`);
    }
    this.data.set(image);
    this.data.fill(0xff, image.length);
    this.dirty = false;
    this.notify(0, this.data.length);
  }

  /** A copy of the contents (to save to a file). */
  save(): Uint8Array {
    return this.data.slice();
  }

  /** Called with (offset, length) after every program or erase takes effect. */
  onChange(listener: (offset: number, length: number) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Status register 1 as the part would return it. */
  get status1(): number {
    return (this.sr1 & ~SR1_WIP) | (this.busy !== null ? SR1_WIP : 0);
  }

  get status2(): number {
    return this.sr2;
  }

  get writeInProgress(): boolean {
    return this.busy !== null;
  }

  get inDeepPowerDown(): boolean {
    return this.poweredDown;
  }

  // ---- SpiDevice ----------------------------------------------------------------------------

  transfer(mosi: number): number {
    const n = this.count++;
    if (n === 0) {
      this.opcode = mosi;
      this.startCommand(mosi);
      return 0xff;
    }
    return this.commandByte(n, mosi);
  }

  deselect(): void {
    if (this.opcode >= 0) this.endCommand();
    this.opcode = -1;
    this.count = 0;
  }

  // ---- command decoding ---------------------------------------------------------------------

  private beginTransaction(): void {
    this.opcode = -1;
    this.count = 0;
    this.address = 0;
    this.pageBytes = 0;
    this.statusBytes.length = 0;
  }

  /** Whether the opcode is accepted in the current state (busy, deep power-down). */
  private accepted(op: number): boolean {
    if (this.poweredDown) return op === Op.RDI;
    if (this.busy === 'reset') return false;
    if (this.busy) return op === Op.RDSR1 || op === Op.RDSR2 || op === Op.PES || op === Op.RSTEN || op === Op.RST;
    return true;
  }

  private startCommand(op: number): void {
    if (!this.accepted(op)) {
      this.opcode = -2; // ignored for the rest of this transaction
      return;
    }
    if (op !== Op.RST) this.resetEnabled = op === Op.RSTEN ? this.resetEnabled : false;
    if (op === Op.PP) {
      this.pageWritten.fill(0);
      this.pageBytes = 0;
    }
  }

  private commandByte(n: number, mosi: number): number {
    const op = this.opcode;
    switch (op) {
      case Op.RDSR1:
        return this.status1;
      case Op.RDSR2:
        return this.sr2;
      case Op.RDID:
        return n <= 3 ? this.params.jedecId[n - 1] : 0xff;
      case Op.READ:
        if (n <= 3) return this.addressByte(mosi);
        return this.readData();
      case Op.FAST_READ:
      case Op.DOR:
      case Op.QOR:
        if (n <= 3) return this.addressByte(mosi);
        if (n === 4) return 0xff; // 8 dummy clocks
        return this.readData();
      case Op.RDSFDP:
        if (n <= 3) return this.addressByte(mosi);
        if (n === 4) return 0xff;
        return this.address < this.sfdp.length ? this.sfdp[this.address++] : (this.address++, 0xff);
      case Op.RUID:
        // 4Bh, then 4 bytes (GD: 3 address + 1 dummy; Winbond: 4 dummy), then the ID.
        if (n <= 4) return 0xff;
        return this.uniqueId[(n - 5) % this.uniqueId.length];
      case Op.REMS:
        // 90h + 24-bit address (A0 selects the order): manufacturer then device ID, alternating.
        if (n <= 3) return this.addressByte(mosi);
        return ((n - 4 + (this.address & 1)) & 1) === 0 ? this.params.jedecId[0] : this.params.deviceId;
      case Op.RDI:
        // ABh + 3 dummy bytes, then the device ID repeatedly.
        return n <= 3 ? 0xff : this.params.deviceId;
      case Op.PP:
        if (n <= 3) return this.addressByte(mosi);
        {
          const col = (this.address + this.pageBytes) & 0xff;
          this.pageBuffer[col] = mosi;
          this.pageWritten[col] = 1;
          this.pageBytes++;
        }
        return 0xff;
      case Op.SE:
      case Op.BE32:
      case Op.BE64:
        if (n <= 3) return this.addressByte(mosi);
        return 0xff;
      case Op.WRSR:
        this.statusBytes.push(mosi);
        return 0xff;
      default:
        return 0xff;
    }
  }

  private addressByte(mosi: number): number {
    this.address = ((this.address << 8) | mosi) & 0xffffff;
    return 0xff;
  }

  private readData(): number {
    const a = this.address & (this.data.length - 1);
    this.address = (a + 1) & (this.data.length - 1);
    return this.data[a];
  }

  /** CS rose: execute the command if it is complete. */
  private endCommand(): void {
    const op = this.opcode;
    const n = this.count;
    if (op < 0) return;
    this.commandCounts.set(op, (this.commandCounts.get(op) ?? 0) + 1);
    switch (op) {
      case Op.WREN:
        if (n === 1) {
          this.sr1 |= SR1_WEL;
          this.volatileWriteEnable = false;
        }
        return;
      case Op.VWREN:
        if (n === 1) this.volatileWriteEnable = true;
        return;
      case Op.WRDI:
        if (n === 1) {
          this.sr1 &= ~SR1_WEL;
          this.volatileWriteEnable = false;
        }
        return;
      case Op.WRSR:
        this.writeStatus();
        return;
      case Op.PP:
        this.pageProgram();
        return;
      case Op.SE:
        this.erase(n, 4096, this.timing.sectorEraseUs);
        return;
      case Op.BE32:
        this.erase(n, 32768, this.timing.block32EraseUs);
        return;
      case Op.BE64:
        this.erase(n, 65536, this.timing.block64EraseUs);
        return;
      case Op.CE:
      case Op.CE_60:
        if (n === 1 && this.writeEnabled()) {
          this.startBusy('erase', this.timing.chipEraseUs, { op: 'erase', start: 0, size: this.data.length });
        }
        return;
      case Op.RSTEN:
        this.resetEnabled = n === 1;
        return;
      case Op.RST:
        if (n === 1 && this.resetEnabled) this.softwareReset();
        this.resetEnabled = false;
        return;
      case Op.DP:
        if (n === 1) this.poweredDown = true;
        return;
      case Op.RDI:
        this.poweredDown = false;
        return;
      case Op.PES:
        if (n === 1) this.suspend();
        return;
      case Op.PER:
        if (n === 1) this.resume();
        return;
      case Op.RDSR1:
      case Op.RDSR2:
      case Op.RDID:
      case Op.READ:
      case Op.FAST_READ:
      case Op.DOR:
      case Op.QOR:
      case Op.RDSFDP:
      case Op.RUID:
      case Op.REMS:
        return;
      default:
        this.commandCounts.delete(op);
        this.ignoredCommands.set(op, (this.ignoredCommands.get(op) ?? 0) + 1);
    }
  }

  private writeEnabled(): boolean {
    return (this.sr1 & SR1_WEL) !== 0;
  }

  private writeStatus(): void {
    const bytes = this.statusBytes.slice();
    if (bytes.length < 1 || bytes.length > 2) return;
    if (this.volatileWriteEnable) {
      // 50h then 01h: volatile write, effective at once, no busy time, WEL untouched.
      this.applyStatus(bytes);
      this.volatileWriteEnable = false;
      return;
    }
    if (!this.writeEnabled()) return;
    this.startBusy('status', this.timing.writeStatusUs, { op: 'status', bytes });
  }

  /**
   * SR1: BP0-BP4 (bits 2-6) and SRP0 (7) are writable, WIP/WEL are not. SR2: SRP1 (0), QE (1),
   * CMP (6) are writable; LB (2) is one-time programmable (can be set, never cleared); SUS (7) is
   * read-only.
   */
  private applyStatus(bytes: number[]): void {
    this.sr1 = (this.sr1 & 0x03) | (bytes[0] & 0xfc);
    if (bytes.length === 2) {
      const b = bytes[1];
      this.sr2 = (this.sr2 & 0x84) | (b & 0x43) | (b & 0x04);
    }
  }

  private pageProgram(): void {
    if (this.count < 5 || !this.writeEnabled()) return;
    const page = (this.address & ~0xff) & (this.data.length - 1);
    const buf = this.pageBuffer.slice();
    const written = this.pageWritten.slice();
    this.startBusy('program', this.timing.pageProgramUs, { op: 'program', page, buf, written });
  }

  private program(page: number, buf: Uint8Array, written: ArrayLike<boolean | number>): void {
    let lo = 256;
    let hi = -1;
    for (let c = 0; c < 256; c++) {
      if (!written[c]) continue;
      // Programming can only clear bits (1 -> 0).
      this.data[page + c] &= buf[c];
      if (c < lo) lo = c;
      hi = c;
    }
    if (hi >= 0) this.changed(page + lo, hi - lo + 1);
  }

  /** Completes a status write, page program or erase when its busy time is over. */
  private apply(p: PendingOp): void {
    if (p.op === 'status') this.applyStatus(p.bytes);
    else if (p.op === 'program') this.program(p.page, p.buf, p.written);
    else this.eraseRange(p.start, p.size);
  }

  private erase(n: number, size: number, us: number): void {
    if (n !== 4 || !this.writeEnabled()) return;
    const start = (this.address & ~(size - 1)) & (this.data.length - 1);
    this.startBusy('erase', us, { op: 'erase', start, size });
  }

  private eraseRange(start: number, size: number): void {
    this.data.fill(0xff, start, start + size);
    this.changed(start, size);
  }

  private changed(offset: number, length: number): void {
    this.dirty = true;
    this.notify(offset, length);
  }

  private notify(offset: number, length: number): void {
    for (const l of this.listeners) l(offset, length);
  }

  private cycles(us: number): number {
    return Math.max(1, Math.round((us * this.scheduler.frequency) / 1e6));
  }

  private startBusy(kind: Exclude<BusyKind, null>, us: number, apply: PendingOp): void {
    this.busy = kind;
    this.pendingApply = apply;
    this.scheduler.scheduleIn(this.busyEvent, this.cycles(us));
  }

  private completeBusy(): void {
    const kind = this.busy;
    const apply = this.pendingApply;
    this.busy = null;
    this.pendingApply = null;
    if (apply) this.apply(apply);
    if (kind !== 'reset') this.sr1 &= ~SR1_WEL;
  }

  /** 66h + 99h: abort any operation, clear WEL and the suspend state. */
  private softwareReset(): void {
    this.scheduler.cancel(this.busyEvent);
    this.pendingApply = null;
    this.suspendedApply = null;
    this.suspendedRemaining = 0;
    this.sr1 &= ~SR1_WEL;
    this.sr2 &= ~SR2_SUS;
    this.volatileWriteEnable = false;
    this.busy = 'reset';
    this.scheduler.scheduleIn(this.busyEvent, this.cycles(this.timing.resetUs));
  }

  /** 75h: suspend a program or erase; WIP clears, SUS sets. */
  private suspend(): void {
    if (this.busy !== 'program' && this.busy !== 'erase') return;
    this.suspendedRemaining = Math.max(1, this.busyEvent.cycle - this.scheduler.cycles);
    this.suspendedApply = this.pendingApply;
    this.suspendedKind = this.busy;
    this.scheduler.cancel(this.busyEvent);
    this.pendingApply = null;
    this.busy = null;
    this.sr2 |= SR2_SUS;
  }

  /** 7Ah: resume the suspended operation. */
  private resume(): void {
    if (!(this.sr2 & SR2_SUS) || !this.suspendedApply) return;
    this.sr2 &= ~SR2_SUS;
    this.busy = this.suspendedKind;
    this.pendingApply = this.suspendedApply;
    this.suspendedApply = null;
    this.scheduler.scheduleIn(this.busyEvent, this.suspendedRemaining);
  }
}

function defaultUniqueId(part: string): Uint8Array {
  // A stable 128-bit ID derived from the part name (FNV-1a), so runs are deterministic.
  const id = new Uint8Array(16);
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) {
    const c = part.charCodeAt(i % part.length) + i;
    h = Math.imul(h ^ c, 0x01000193) >>> 0;
    id[i] = h & 0xff;
  }
  return id;
}

/**
 * The Serial Flash Discoverable Parameters table (JESD216, read with 5Ah): header, one parameter
 * header, and the 9-DWORD Basic Flash Parameter Table (4 KiB erase 20h, fast-read modes, density,
 * erase types 4K/32K/64K).
 */
function buildSfdp(size: number): Uint8Array {
  const t = new Uint8Array(0x40 + 36).fill(0xff);
  const dv = new DataView(t.buffer);
  // SFDP header: signature "SFDP", revision 1.0, NPH = 0 (one header), access protocol 0xFF.
  t.set([0x53, 0x46, 0x44, 0x50, 0x00, 0x01, 0x00, 0xff], 0);
  // Parameter header 0: ID 0x00 (JEDEC basic), rev 1.0, 9 DWORDs, table at 0x30, ID MSB 0xFF.
  t.set([0x00, 0x00, 0x01, 0x09, 0x30, 0x00, 0x00, 0xff], 8);
  const base = 0x30;
  // DWORD1: 4K erase supported (01), write granularity >= 64 B (bit 2), 4K erase opcode 20h,
  // 1-1-2 fast read (bit 16), 3-byte addressing (bits 17-18 = 0), 1-2-2 (20), 1-4-4 (21), 1-1-4 (22).
  // Bits 23-31 are reserved (1).
  dv.setUint32(base, (0x01 | (1 << 2) | (0x20 << 8) | (1 << 16) | (1 << 20) | (1 << 21) | (1 << 22) | 0xff800000) >>> 0, true);
  // DWORD2: density in bits minus one.
  dv.setUint32(base + 4, size * 8 - 1, true);
  // DWORD3: 1-4-4 EBh with 4 dummy + 2 mode clocks; 1-1-4 6Bh with 8 dummy clocks.
  dv.setUint32(base + 8, (4 | (2 << 5) | (0xeb << 8)) | ((8 | (0 << 5) | (0x6b << 8)) << 16), true);
  // DWORD4: 1-1-2 3Bh with 8 dummy clocks; 1-2-2 BBh with 4 mode clocks.
  dv.setUint32(base + 12, (8 | (0 << 5) | (0x3b << 8)) | ((0 | (4 << 5) | (0xbb << 8)) << 16), true);
  // DWORD5: no 2-2-2 / 4-4-4. DWORD6/7: unused.
  dv.setUint32(base + 16, 0xffffffee, true);
  dv.setUint32(base + 20, 0x0000ffff, true);
  dv.setUint32(base + 24, 0x0000ffff, true);
  // DWORD8: erase type 1 = 4 KiB (2^12) 20h, type 2 = 32 KiB (2^15) 52h.
  dv.setUint32(base + 28, 12 | (0x20 << 8) | (15 << 16) | (0x52 << 24), true);
  // DWORD9: erase type 3 = 64 KiB (2^16) D8h, type 4 unused.
  dv.setUint32(base + 32, 16 | (0xd8 << 8), true);
  return t;
}
