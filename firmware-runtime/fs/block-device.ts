/**
 * 512-byte-sector block devices for the host-side FAT code.
 *
 * The flash models expose their whole contents as one Uint8Array; a filesystem lives in a byte range of
 * it (CIRCUITPY on the CPX: bytes 0 .. 2 MiB - 4 KiB of the SPI flash, see circuitpy.ts). The adapter
 * here maps sector numbers onto that range and refuses anything outside it with a BlockDeviceError, so
 * a corrupt BPB can never make the FAT code read or write bytes that belong to something else.
 */

export const SECTOR_SIZE = 512;

export interface BlockDevice {
  readonly sectorSize: 512;
  readonly sectorCount: number;
  /** Returns a fresh copy of `count` sectors starting at `lba`. */
  read(lba: number, count: number): Uint8Array;
  /** Writes whole sectors; `data.length` must be a multiple of 512. */
  write(lba: number, data: Uint8Array): void;
}

export class BlockDeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BlockDeviceError';
  }
}

export interface RegionBlockDeviceOptions {
  /** Called after every write with the byte range touched in the underlying array (e.g. to mark a flash image dirty). */
  onWrite?: (byteOffset: number, byteLength: number) => void;
  /** Reject writes (host listing of a drive that must not change). */
  readOnly?: boolean;
}

/** A block device over `bytes[offset, offset + length)`. Writes go straight into the caller's array. */
export class RegionBlockDevice implements BlockDevice {
  readonly sectorSize = SECTOR_SIZE;
  readonly sectorCount: number;
  private readonly onWrite?: (byteOffset: number, byteLength: number) => void;
  private readonly readOnly: boolean;

  constructor(
    readonly bytes: Uint8Array,
    readonly offset = 0,
    length: number = bytes.length - offset,
    options: RegionBlockDeviceOptions = {},
  ) {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.length) {
      throw new BlockDeviceError(`region offset ${offset} is outside the ${bytes.length}-byte array`);
    }
    if (!Number.isSafeInteger(length) || length < 0 || offset + length > bytes.length) {
      throw new BlockDeviceError(`region of ${length} bytes at offset ${offset} runs past the ${bytes.length}-byte array`);
    }
    if (length % SECTOR_SIZE !== 0) {
      throw new BlockDeviceError(`region length ${length} is not a whole number of ${SECTOR_SIZE}-byte sectors`);
    }
    this.sectorCount = length / SECTOR_SIZE;
    this.onWrite = options.onWrite;
    this.readOnly = options.readOnly ?? false;
  }

  read(lba: number, count: number): Uint8Array {
    this.check(lba, count, 'read');
    const start = this.offset + lba * SECTOR_SIZE;
    return this.bytes.slice(start, start + count * SECTOR_SIZE);
  }

  write(lba: number, data: Uint8Array): void {
    if (this.readOnly) throw new BlockDeviceError('block device is read-only');
    if (data.length % SECTOR_SIZE !== 0) {
      throw new BlockDeviceError(`write of ${data.length} bytes is not a whole number of ${SECTOR_SIZE}-byte sectors`);
    }
    const count = data.length / SECTOR_SIZE;
    this.check(lba, count, 'write');
    const start = this.offset + lba * SECTOR_SIZE;
    this.bytes.set(data, start);
    this.onWrite?.(start, data.length);
  }

  private check(lba: number, count: number, what: string): void {
    if (!Number.isSafeInteger(lba) || !Number.isSafeInteger(count) || lba < 0 || count < 0 || lba + count > this.sectorCount) {
      throw new BlockDeviceError(`${what} of ${count} sector(s) at ${lba} is outside the ${this.sectorCount}-sector device`);
    }
  }
}

/** A window of another block device (a partition): sectors [first, first + count). */
export class SubBlockDevice implements BlockDevice {
  readonly sectorSize = SECTOR_SIZE;

  constructor(
    private readonly parent: BlockDevice,
    readonly first: number,
    readonly sectorCount: number,
  ) {
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(sectorCount) || first < 0 || sectorCount < 0 || first + sectorCount > parent.sectorCount) {
      throw new BlockDeviceError(`partition of ${sectorCount} sectors at ${first} does not fit the ${parent.sectorCount}-sector device`);
    }
  }

  read(lba: number, count: number): Uint8Array {
    this.check(lba, count, 'read');
    return this.parent.read(this.first + lba, count);
  }

  write(lba: number, data: Uint8Array): void {
    this.check(lba, data.length / SECTOR_SIZE, 'write');
    this.parent.write(this.first + lba, data);
  }

  private check(lba: number, count: number, what: string): void {
    if (!Number.isSafeInteger(lba) || !Number.isSafeInteger(count) || lba < 0 || count < 0 || lba + count > this.sectorCount) {
      throw new BlockDeviceError(`${what} of ${count} sector(s) at ${lba} is outside the ${this.sectorCount}-sector partition`);
    }
  }
}

/** A RAM disk, handy for tests and for preparing an image before it is copied into a flash model. */
export function memoryBlockDevice(sectorCount: number, fill = 0): RegionBlockDevice {
  if (!Number.isSafeInteger(sectorCount) || sectorCount < 0) throw new BlockDeviceError(`bad sector count ${sectorCount}`);
  return new RegionBlockDevice(new Uint8Array(sectorCount * SECTOR_SIZE).fill(fill));
}
