/**
 * Helpers for the CIRCUITPY drive: list, read and write files, within the limits a listing can read back.
 * Host files (flash images, `--drive DIR`) are the CLI's business: emulator/drive.ts.
 *
 * These work on the bytes of the flash directly. Do not call the writing helpers while emulated firmware
 * has the drive mounted: FatFs caches FAT/directory sectors and CircuitPython's external-flash layer keeps
 * a dirty 4 KiB sector in RAM until it flushes, so a concurrent host write can be lost or corrupt the drive.
 * Reads while the firmware runs see the flash as last flushed. Write before boot, or through USB MSC.
 */
import { BlockDevice } from './block-device.js';
import { FatError, FatStat, FatVolume, MountOptions, WriteOptions, mount, splitPath } from './fat.js';

export type DriveTarget = BlockDevice | FatVolume;

function volumeOf(target: DriveTarget, options: MountOptions = {}): FatVolume {
  return target instanceof FatVolume ? target : mount(target, options);
}

export interface DriveListEntry extends FatStat {
  /** Absolute drive path, "/" separated. */
  path: string;
}

/** Lists `path` (default the root), recursively unless told otherwise, parents before children, by name. */
export function listDrive(target: DriveTarget, path = '/', options: { recursive?: boolean } = {}): DriveListEntry[] {
  const vol = volumeOf(target, { readOnly: true });
  const out: DriveListEntry[] = [];
  const seen = new Set<number>();
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DRIVE_DEPTH) throw new FatError('CORRUPT', `"${dir}": directories nested too deeply (a directory loop?)`);
    const entries = vol.readdir(dir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = (dir === '/' ? '' : dir) + '/' + e.name;
      out.push({ ...e, path: p });
      if (e.isDirectory && (options.recursive ?? true)) {
        if (seen.has(e.firstCluster)) throw new FatError('CORRUPT', `"${p}" is a second link to a directory already listed (directory loop)`);
        seen.add(e.firstCluster);
        walk(p, depth + 1);
      }
    }
  };
  walk('/' + splitPath(path).join('/'), 0);
  return out;
}

export function readDriveFile(target: DriveTarget, path: string): Uint8Array {
  return volumeOf(target, { readOnly: true }).readFile(path);
}

export function readDriveText(target: DriveTarget, path: string): string {
  return new TextDecoder().decode(readDriveFile(target, path));
}

/**
 * Directories deeper than this are not listed (a deeper chain is taken for a directory loop), so
 * nothing is written deeper either: what is written can always be read back.
 */
export const MAX_DRIVE_DEPTH = 64;

/** Throws unless `path` (a file, or a directory when `isDirectory`) sits within MAX_DRIVE_DEPTH directories. */
export function checkDriveDepth(path: string, isDirectory = false): void {
  const dirs = splitPath(path).length - (isDirectory ? 0 : 1);
  if (dirs > MAX_DRIVE_DEPTH) {
    throw new FatError('INVALID_ARGUMENT', `"${path}" is nested too deeply: ${dirs} directories, at most ${MAX_DRIVE_DEPTH} can be listed back`);
  }
}

/** Writes a file, creating parent directories unless `parents: false`. */
export function writeDriveFile(target: DriveTarget, path: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  checkDriveDepth(path);
  volumeOf(target, { date: options.date }).writeFile(path, data, { parents: true, ...options });
}

// ---------------------------------------------------------------------------------------------------
// Flash images

export class DriveImageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DriveImageError';
  }
}

/**
 * A flash image of any size but the flash's is most likely an image of another board, and loading
 * it would misplace every sector: the error to report, or undefined when the size is right.
 */
export function flashImageSizeError(name: string, size: number, expectedSize: number): DriveImageError | undefined {
  if (size === expectedSize) return undefined;
  return new DriveImageError(
    `flash image "${name}" is ${size} bytes, but the flash is ${expectedSize} bytes (${formatSize(expectedSize)}); ` +
      'is it an image of a different board?',
  );
}

function formatSize(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n >> 10} KiB`;
  return `${n} B`;
}
