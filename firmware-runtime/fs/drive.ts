/**
 * Host helpers for the CIRCUITPY drive: put a folder on it (CLI `--drive DIR`), list, read and write files,
 * and save/load the flash image so the drive persists across runs.
 *
 * These work on the bytes of the flash directly. Do not call the writing helpers while emulated firmware
 * has the drive mounted: FatFs caches FAT/directory sectors and CircuitPython's external-flash layer keeps
 * a dirty 4 KiB sector in RAM until it flushes, so a concurrent host write can be lost or corrupt the drive.
 * Reads while the firmware runs see the flash as last flushed. Write before boot, or through USB MSC.
 */
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
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
    if (depth > 64) throw new FatError('CORRUPT', `"${dir}": directories nested too deeply (a directory loop?)`);
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

/** Writes a file, creating parent directories unless `parents: false`. */
export function writeDriveFile(target: DriveTarget, path: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  volumeOf(target, { date: options.date }).writeFile(path, data, { parents: true, ...options });
}

export interface CopyOptions {
  /** Drive directory to copy into (default "/"); created if missing. */
  destination?: string;
  /** Timestamp for the copied files; default the volume's (2000-01-01). */
  date?: Date;
  /** Use each host file's modification time instead (non-deterministic across checkouts). */
  preserveMtime?: boolean;
}

/**
 * Copies a host directory tree onto the drive (files replace same-named files; directories merge), in
 * sorted order so the resulting image is reproducible. Symbolic links are followed; a link cycle is an
 * error. Returns the drive paths written.
 */
export function copyDirectoryToDrive(target: DriveTarget, hostDir: string, options: CopyOptions = {}): string[] {
  const vol = volumeOf(target, { date: options.date });
  const root = resolve(hostDir);
  if (!statSync(root).isDirectory()) throw new Error(`"${hostDir}" is not a directory`);
  const written: string[] = [];
  const destination = '/' + splitPath(options.destination ?? '/').join('/');
  if (destination !== '/') vol.mkdir(destination, { parents: true, date: options.date });
  const active = new Set<string>();
  const copy = (hostPath: string, drivePath: string): void => {
    const real = realpathSync(hostPath);
    if (active.has(real)) throw new Error(`symbolic link loop at "${hostPath}"`);
    active.add(real);
    const names = readdirSync(hostPath).sort();
    for (const name of names) {
      const src = join(hostPath, name);
      const dst = (drivePath === '/' ? '' : drivePath) + '/' + name;
      const st = statSync(src);
      const date = options.preserveMtime ? st.mtime : options.date;
      try {
        if (st.isDirectory()) {
          vol.mkdir(dst, { parents: true, date });
          written.push(dst);
          copy(src, dst);
        } else if (st.isFile()) {
          vol.writeFile(dst, readFileSync(src), { date });
          written.push(dst);
        }
      } catch (e) {
        if (e instanceof FatError) throw new FatError(e.code, `copying "${src}" to CIRCUITPY${dst}: ${e.message}`, { cause: e });
        throw e;
      }
    }
    active.delete(real);
  };
  copy(root, destination);
  return written;
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
 * Writes `bytes` to `path` atomically: a temporary file in the same directory is written, flushed to disk
 * and renamed over the target, so a crash leaves either the old image or the new one, never half of one.
 */
export function saveImage(path: string, bytes: Uint8Array): void {
  const target = resolve(path);
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {
    // new file
  }
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', mode);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
  } catch (e) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new DriveImageError(`cannot save flash image "${path}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // directories cannot be fsynced on every platform; the rename itself is still atomic
  }
}

/** Reads a flash image; with `expectedSize`, any other size is an error naming both sizes. */
export function loadImage(path: string, expectedSize?: number): Uint8Array {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (e) {
    throw new DriveImageError(`cannot read flash image "${path}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (expectedSize !== undefined && data.length !== expectedSize) {
    throw new DriveImageError(
      `flash image "${path}" is ${data.length} bytes, but the flash is ${expectedSize} bytes (${formatSize(expectedSize)}); ` +
        'is it an image of a different board?',
    );
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.length);
}

function formatSize(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n >> 10} KiB`;
  return `${n} B`;
}
