/**
 * USB Mass Storage, Bulk-Only Transport (USB MSC BOT 1.0) carrying SCSI commands (SPC-4,
 * SBC-3): the host side that reads and writes CIRCUITPY through the firmware.
 *
 * One command at a time: CBW (31 bytes) on bulk OUT, the data stage, CSW (13 bytes) on bulk
 * IN. Error handling follows BOT 5.3 and 6.7: a STALLed data stage is cleared
 * (CLEAR_FEATURE(ENDPOINT_HALT)) and the CSW read; a STALLed CSW read is cleared and retried
 * once; an invalid CSW or a phase error leads to reset recovery (Bulk-Only Mass Storage Reset,
 * then clearing both halts). A failed command (bCSWStatus 1) is followed by REQUEST SENSE and
 * reported as a `ScsiError` with the sense key and additional sense code.
 *
 * Public operations return Promises that settle on the emulated timeline; they are queued and
 * run strictly one after another.
 */
import type { InterfaceDescriptor } from './descriptors.js';
import { ScsiError, UsbClassError, UsbTransferError } from './errors.js';
import type { HostCoroutine, Pipe, UsbHost } from './host.js';
import { asError } from './host.js';
import { isDisconnect } from './cdc-acm.js';

export const SCSI = {
  TEST_UNIT_READY: 0x00,
  REQUEST_SENSE: 0x03,
  INQUIRY: 0x12,
  MODE_SENSE_6: 0x1a,
  START_STOP_UNIT: 0x1b,
  PREVENT_ALLOW_MEDIUM_REMOVAL: 0x1e,
  READ_FORMAT_CAPACITIES: 0x23,
  READ_CAPACITY_10: 0x25,
  READ_10: 0x28,
  WRITE_10: 0x2a,
  SYNCHRONIZE_CACHE_10: 0x35,
} as const;

export const SENSE_KEYS = [
  'NO SENSE',
  'RECOVERED ERROR',
  'NOT READY',
  'MEDIUM ERROR',
  'HARDWARE ERROR',
  'ILLEGAL REQUEST',
  'UNIT ATTENTION',
  'DATA PROTECT',
  'BLANK CHECK',
  'VENDOR SPECIFIC',
  'COPY ABORTED',
  'ABORTED COMMAND',
  'RESERVED',
  'VOLUME OVERFLOW',
  'MISCOMPARE',
  'COMPLETED',
] as const;

const CBW_SIGNATURE = 0x43425355;
const CSW_SIGNATURE = 0x53425355;

export interface InquiryData {
  peripheralDeviceType: number;
  removable: boolean;
  vendor: string;
  product: string;
  revision: string;
}

export interface Capacity {
  /** Number of logical blocks. */
  blocks: number;
  blockSize: number;
}

export interface SenseData {
  key: number;
  asc: number;
  ascq: number;
}

/** Result of a command: data received (IN), residue and status. */
interface CommandResult {
  data: Uint8Array;
  residue: number;
  status: number;
}

/** Largest READ(10)/WRITE(10) the host issues, in bytes (Linux's default max_sectors is 120 KiB). */
const MAX_TRANSFER_BYTES = 64 * 1024;

export class MscFunction {
  readonly kind = 'msc';
  active = false;
  maxLun = 0;
  inquiry: InquiryData | null = null;
  capacity: Capacity | null = null;
  writeProtected = false;
  /** Commands issued, for statistics. */
  commands = 0;
  private tag = 1;
  private busy = false;
  private readonly queue: (() => void)[] = [];
  private readyWaiters: { resolve: (c: Capacity) => void; reject: (e: Error) => void }[] = [];
  private readonly timeoutFrames: number;

  constructor(
    readonly host: UsbHost,
    readonly iface: InterfaceDescriptor,
    readonly bulkIn: Pipe,
    readonly bulkOut: Pipe,
  ) {
    this.timeoutFrames = host.options.mscTimeoutFrames;
  }

  /** After configuration: GET_MAX_LUN, INQUIRY, then wait for the medium and read its capacity. */
  start(): void {
    this.active = true;
    this.exclusive(this.probe()).then(
      (capacity) => {
        for (const w of this.readyWaiters.splice(0)) w.resolve(capacity);
      },
      (error: Error) => {
        for (const w of this.readyWaiters.splice(0)) w.reject(error);
        if (!isDisconnect(error)) this.host.reportError(`mass storage: ${error.message}`, error);
      },
    );
  }

  detach(): void {
    this.active = false;
    const error = new UsbTransferError('disconnected', 'the device was disconnected');
    for (const w of this.readyWaiters.splice(0)) w.reject(error);
  }

  /** Resolves with the capacity once the medium is ready (the start-up probe finished). */
  ready(): Promise<Capacity> {
    if (this.capacity) return Promise.resolve(this.capacity);
    if (!this.active) return Promise.reject(new UsbTransferError('disconnected', 'the device is not configured'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  // ================================================================ public operations

  /** Reads `count` blocks from `lba`. */
  readBlocks(lba: number, count: number): Promise<Uint8Array> {
    return this.exclusive(this.readOp(lba, count));
  }

  /** Writes `data` (a whole number of blocks) at `lba`. */
  writeBlocks(lba: number, data: Uint8Array): Promise<void> {
    return this.exclusive(this.writeOp(lba, data));
  }

  testUnitReady(): Promise<boolean> {
    const self = this;
    return this.exclusive(
      (function* (): HostCoroutine<boolean> {
        const r = yield* self.command(new Uint8Array([SCSI.TEST_UNIT_READY, 0, 0, 0, 0, 0]), 'none', 0);
        return r.status === 0;
      })(),
    );
  }

  readCapacity(): Promise<Capacity> {
    return this.exclusive(this.readCapacityOp());
  }

  requestSense(): Promise<SenseData> {
    return this.exclusive(this.requestSenseOp());
  }

  modeSense(): Promise<Uint8Array> {
    return this.exclusive(this.modeSenseOp());
  }

  preventMediumRemoval(prevent: boolean): Promise<void> {
    return this.exclusive(this.checked(new Uint8Array([SCSI.PREVENT_ALLOW_MEDIUM_REMOVAL, 0, 0, 0, prevent ? 1 : 0, 0]), 'none', 0)).then(() => {});
  }

  synchronizeCache(): Promise<void> {
    return this.exclusive(this.checked(new Uint8Array([SCSI.SYNCHRONIZE_CACHE_10, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'none', 0)).then(() => {});
  }

  /** Any SCSI command; `direction` and `length` describe its data stage. Fails on CHECK CONDITION. */
  scsi(cdb: Uint8Array, direction: 'in' | 'out' | 'none', lengthOrData: number | Uint8Array = 0): Promise<Uint8Array> {
    return this.exclusive(this.checked(cdb, direction, lengthOrData));
  }

  // ================================================================ sequencing

  /** Runs `gen` when every earlier command has finished (BOT allows one command at a time). */
  private exclusive<T>(gen: HostCoroutine<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        if (!this.active) {
          reject(new UsbTransferError('disconnected', 'the mass-storage device is not configured'));
          this.next();
          return;
        }
        this.busy = true;
        this.host.spawn(gen, (error, value) => {
          this.next();
          if (error) reject(error);
          else resolve(value as T);
        });
      };
      if (this.busy) this.queue.push(run);
      else run();
    });
  }

  private next(): void {
    this.busy = false;
    const run = this.queue.shift();
    if (run) run();
  }

  // ================================================================ command coroutines

  private *probe(): HostCoroutine<Capacity> {
    const host = this.host;
    try {
      const lun = yield* host.controlIn(0xa1, 0xfe, 0, this.iface.bInterfaceNumber, 1);
      if (lun.length !== 1) throw new UsbClassError(`GET_MAX_LUN returned ${lun.length} bytes`);
      if (lun[0] > 15) throw new UsbClassError(`GET_MAX_LUN returned ${lun[0]} (at most 15 allowed)`);
      this.maxLun = lun[0];
    } catch (e) {
      // BOT 3.2: a device with one LUN may STALL GET_MAX_LUN.
      if (!(e instanceof UsbTransferError && e.kind === 'stall')) throw e;
      this.maxLun = 0;
    }
    const inq = yield* this.checked(new Uint8Array([SCSI.INQUIRY, 0, 0, 0, 36, 0]), 'in', 36);
    if (inq.length < 36) throw new UsbClassError(`INQUIRY returned ${inq.length} bytes (at least 36 expected)`);
    this.inquiry = {
      peripheralDeviceType: inq[0] & 0x1f,
      removable: (inq[1] & 0x80) !== 0,
      vendor: ascii(inq.subarray(8, 16)),
      product: ascii(inq.subarray(16, 32)),
      revision: ascii(inq.subarray(32, 36)),
    };
    // Wait for the medium: TEST UNIT READY until it passes (UNIT ATTENTION and NOT READY are
    // normal while the firmware starts), for at most ~10 s of emulated time.
    for (let i = 0; ; i++) {
      const r = yield* this.command(new Uint8Array([SCSI.TEST_UNIT_READY, 0, 0, 0, 0, 0]), 'none', 0);
      if (r.status === 0) break;
      const sense = yield* this.requestSenseOp();
      if (i >= 100) throw senseError('TEST UNIT READY', sense);
      yield* host.delay(sense.key === 6 ? 1 : 100);
    }
    const capacity = yield* this.readCapacityOp();
    try {
      const mode = yield* this.modeSenseOp();
      this.writeProtected = mode.length >= 3 && (mode[2] & 0x80) !== 0;
    } catch (e) {
      if (isDisconnect(e)) throw e;
      host.reportWarning(`mass storage: MODE SENSE(6) failed: ${asError(e).message}`);
    }
    return capacity;
  }

  private *readCapacityOp(): HostCoroutine<Capacity> {
    const d = yield* this.checked(new Uint8Array([SCSI.READ_CAPACITY_10, 0, 0, 0, 0, 0, 0, 0, 0, 0]), 'in', 8);
    if (d.length < 8) throw new UsbClassError(`READ CAPACITY(10) returned ${d.length} bytes (8 expected)`);
    const v = new DataView(d.buffer, d.byteOffset, 8);
    const last = v.getUint32(0, false);
    const blockSize = v.getUint32(4, false);
    if (blockSize === 0 || blockSize > 65536) throw new UsbClassError(`READ CAPACITY(10) reports a block size of ${blockSize}`);
    this.capacity = { blocks: last + 1, blockSize };
    return this.capacity;
  }

  private *requestSenseOp(): HostCoroutine<SenseData> {
    const r = yield* this.command(new Uint8Array([SCSI.REQUEST_SENSE, 0, 0, 0, 18, 0]), 'in', 18);
    if (r.status !== 0) throw new UsbClassError('REQUEST SENSE failed');
    const d = r.data;
    if (d.length < 14) throw new UsbClassError(`REQUEST SENSE returned ${d.length} bytes`);
    return { key: d[2] & 0x0f, asc: d[12], ascq: d[13] };
  }

  private *modeSenseOp(): HostCoroutine<Uint8Array> {
    return yield* this.checked(new Uint8Array([SCSI.MODE_SENSE_6, 0, 0x3f, 0, 192, 0]), 'in', 192);
  }

  private *readOp(lba: number, count: number): HostCoroutine<Uint8Array> {
    const capacity = this.capacity ?? (yield* this.readCapacityOp());
    checkRange(capacity, lba, count);
    const out = new Uint8Array(count * capacity.blockSize);
    const perCommand = Math.max(1, Math.floor(MAX_TRANSFER_BYTES / capacity.blockSize));
    for (let done = 0; done < count; ) {
      const n = Math.min(perCommand, count - done);
      const a = lba + done;
      const cdb = new Uint8Array([SCSI.READ_10, 0, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, 0, n >> 8, n & 0xff, 0]);
      const data = yield* this.checked(cdb, 'in', n * capacity.blockSize);
      if (data.length !== n * capacity.blockSize) {
        throw new UsbClassError(`READ(10) of ${n} block(s) at ${a} returned ${data.length} bytes`);
      }
      out.set(data, done * capacity.blockSize);
      done += n;
    }
    return out;
  }

  private *writeOp(lba: number, data: Uint8Array): HostCoroutine<void> {
    const capacity = this.capacity ?? (yield* this.readCapacityOp());
    if (data.length % capacity.blockSize !== 0) {
      throw new RangeError(`writeBlocks: ${data.length} bytes is not a whole number of ${capacity.blockSize}-byte blocks`);
    }
    const count = data.length / capacity.blockSize;
    checkRange(capacity, lba, count);
    const perCommand = Math.max(1, Math.floor(MAX_TRANSFER_BYTES / capacity.blockSize));
    for (let done = 0; done < count; ) {
      const n = Math.min(perCommand, count - done);
      const a = lba + done;
      const cdb = new Uint8Array([SCSI.WRITE_10, 0, a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, 0, n >> 8, n & 0xff, 0]);
      yield* this.checked(cdb, 'out', data.subarray(done * capacity.blockSize, (done + n) * capacity.blockSize));
      done += n;
    }
  }

  /** A command that must pass; CHECK CONDITION becomes a ScsiError with the sense data. */
  private *checked(cdb: Uint8Array, direction: 'in' | 'out' | 'none', lengthOrData: number | Uint8Array): HostCoroutine<Uint8Array> {
    const r = yield* this.command(cdb, direction, lengthOrData);
    if (r.status === 0) return r.data;
    const sense = yield* this.requestSenseOp();
    throw senseError(scsiName(cdb[0]), sense);
  }

  /**
   * One BOT command: CBW, data stage, CSW. Returns the CSW status (0 passed, 1 failed); a phase
   * error or a broken CSW ends in reset recovery and an exception.
   */
  *command(cdb: Uint8Array, direction: 'in' | 'out' | 'none', lengthOrData: number | Uint8Array): HostCoroutine<CommandResult> {
    const host = this.host;
    const outData = typeof lengthOrData === 'number' ? null : lengthOrData;
    const length = typeof lengthOrData === 'number' ? lengthOrData : lengthOrData.length;
    if (cdb.length < 1 || cdb.length > 16) throw new RangeError(`CDB length ${cdb.length} is not in 1..16`);
    const tag = this.tag++ >>> 0;
    this.commands++;
    const cbw = new Uint8Array(31);
    const v = new DataView(cbw.buffer);
    v.setUint32(0, CBW_SIGNATURE, true);
    v.setUint32(4, tag, true);
    v.setUint32(8, direction === 'none' ? 0 : length, true);
    cbw[12] = direction === 'in' ? 0x80 : 0;
    cbw[13] = 0; // LUN
    cbw[14] = cdb.length;
    cbw.set(cdb, 15);
    const name = scsiName(cdb[0]);

    try {
      yield* host.transferOut(this.bulkOut, cbw, this.timeoutFrames);
    } catch (e) {
      if (isDisconnect(e)) throw e;
      yield* this.resetRecovery();
      throw new UsbClassError(`${name}: sending the CBW failed (${asError(e).message})`);
    }

    let data: Uint8Array = new Uint8Array(0);
    if (direction !== 'none' && length > 0) {
      try {
        if (direction === 'in') data = yield* host.transferIn(this.bulkIn, length, this.timeoutFrames);
        else yield* host.transferOut(this.bulkOut, outData!, this.timeoutFrames);
      } catch (e) {
        if (!(e instanceof UsbTransferError && e.kind === 'stall')) {
          if (!isDisconnect(e)) yield* this.resetRecovery();
          throw e instanceof UsbTransferError ? new UsbTransferError(e.kind, `${name} data stage: ${e.message}`) : e;
        }
        // BOT 6.7.2/6.7.3: the device ended the data stage early; clear the halt, read the CSW.
        yield* host.clearHalt(direction === 'in' ? this.bulkIn : this.bulkOut);
      }
    }

    let csw: Uint8Array | null = null;
    for (let attempt = 0; attempt < 2 && !csw; attempt++) {
      try {
        csw = yield* host.transferIn(this.bulkIn, 13, this.timeoutFrames);
      } catch (e) {
        if (e instanceof UsbTransferError && e.kind === 'stall' && attempt === 0) {
          yield* host.clearHalt(this.bulkIn);
          continue;
        }
        if (!isDisconnect(e)) yield* this.resetRecovery();
        throw e instanceof UsbTransferError ? new UsbTransferError(e.kind, `${name} status stage: ${e.message}`) : e;
      }
    }
    const c = csw!;
    const problem =
      c.length !== 13
        ? `a CSW of ${c.length} bytes (13 expected)`
        : new DataView(c.buffer, c.byteOffset, 13).getUint32(0, true) !== CSW_SIGNATURE
          ? 'a CSW with a bad signature'
          : new DataView(c.buffer, c.byteOffset, 13).getUint32(4, true) !== tag
            ? 'a CSW whose tag does not match the CBW'
            : c[12] > 2
              ? `bCSWStatus ${c[12]}`
              : c[12] === 2
                ? 'a phase error (bCSWStatus 2)'
                : null;
    if (problem) {
      yield* this.resetRecovery();
      throw new UsbClassError(`${name}: the device sent ${problem}`);
    }
    const residue = new DataView(c.buffer, c.byteOffset, 13).getUint32(8, true);
    return { data, residue, status: c[12] };
  }

  /** BOT 5.3.4: Bulk-Only Mass Storage Reset, then clear both halts. */
  private *resetRecovery(): HostCoroutine<void> {
    const host = this.host;
    host.reportWarning(`mass storage: reset recovery on interface ${this.iface.bInterfaceNumber}`);
    try {
      yield* host.controlOut(0x21, 0xff, 0, this.iface.bInterfaceNumber);
      yield* host.clearHalt(this.bulkIn);
      yield* host.clearHalt(this.bulkOut);
    } catch (e) {
      if (isDisconnect(e)) throw e;
      host.reportError(`mass storage: reset recovery failed: ${asError(e).message}`, asError(e));
    }
  }
}

function checkRange(c: Capacity, lba: number, count: number): void {
  if (!Number.isInteger(lba) || !Number.isInteger(count) || lba < 0 || count < 0 || lba + count > c.blocks) {
    throw new RangeError(`blocks ${lba}..${lba + count - 1} are outside the medium (${c.blocks} blocks)`);
  }
}

function senseError(command: string, s: SenseData): ScsiError {
  const key = SENSE_KEYS[s.key] ?? `key ${s.key}`;
  const code = `ASC 0x${s.asc.toString(16).padStart(2, '0')} ASCQ 0x${s.ascq.toString(16).padStart(2, '0')}`;
  return new ScsiError(`${command} failed: ${key} (${code})`, s.key, s.asc, s.ascq);
}

function scsiName(op: number): string {
  for (const [name, value] of Object.entries(SCSI)) if (value === op) return name.replace(/_(\d+)$/, '($1)').replace(/_/g, ' ');
  return `SCSI command 0x${op.toString(16).padStart(2, '0')}`;
}

function ascii(b: Uint8Array): string {
  let s = '';
  for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ' ';
  return s.trim();
}
