/**
 * The CIRCUITPY drive from the host's side: the flash image file that holds it, preparing it
 * before boot (`--drive DIR`), and listing/reading/writing files while the firmware is not
 * running. Writes while CircuitPython runs must go through USB MSC instead: its FatFs caches
 * sectors the host cannot see.
 *
 * The image file's guarantees (README "The flash image"): symbolic links are followed to the
 * real file, which is replaced atomically; a process that will save the image holds its lock from
 * before it loads it until after it has saved it, so no two writers can interleave.
 */
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Board, CircuitpyStorage } from '../boards/types.js';
import { spiFlashCircuitpyDevice, ensureCircuitpy } from '../firmware-runtime/fs/circuitpy.js';
import { checkDriveDepth, flashImageSizeError, type DriveTarget } from '../firmware-runtime/fs/drive.js';
import { FatError, FatVolume, mount, splitPath } from '../firmware-runtime/fs/fat.js';
import { FileLock, HostFileError, readInputFile, regularFileExists, resolveTarget, writeAtomically } from './host-files.js';

/** What the drive functions need of a board: its name (for messages) and its CIRCUITPY storage. */
export type DriveBoard = Pick<Board, 'name' | 'circuitpy'>;

export function storageOf(board: DriveBoard): CircuitpyStorage {
  if (!board.circuitpy) throw new Error(`board ${board.name} has no CIRCUITPY drive`);
  return board.circuitpy;
}

/**
 * A flash image file opened for a board. Opened `forWriting`, it is locked until close(), and
 * a missing image is allowed (it is created by save()); otherwise a missing image is an error.
 */
export class FlashImageFile {
  private constructor(
    readonly board: DriveBoard,
    /** As the user gave it, for messages. */
    readonly path: string,
    /** The real file behind any symbolic links. */
    readonly target: string,
    /** Whether the file existed (and was loaded into the board's flash). */
    readonly existed: boolean,
    private readonly lock?: FileLock,
  ) {}

  static open(board: DriveBoard, path: string, options: { forWriting: boolean }): FlashImageFile {
    const storage = storageOf(board);
    let target: string;
    try {
      target = resolveTarget(path);
    } catch (e) {
      // Its directory does not exist: for a reader, that is just a missing image.
      if (!options.forWriting && e instanceof HostFileError && e.kind === 'cannot-create') throw missing(path);
      throw e;
    }
    regularFileExists(target, path); // a device or a FIFO is refused before anything is created beside it
    const lock = options.forWriting ? FileLock.acquire(target, { shownAs: path }) : undefined;
    try {
      const existed = regularFileExists(target, path);
      if (!existed && !options.forWriting) throw missing(path);
      if (existed) storage.load(loadImageBytes(target, path, storage.bytes.length));
      return new FlashImageFile(board, path, target, existed, lock);
    } catch (e) {
      lock?.release();
      throw e;
    }
  }

  /** Saves the board's flash into the image, atomically, through any symbolic link. */
  save(): void {
    if (!this.lock) throw new Error(`${this.path} was opened read-only`);
    writeAtomically(this.target, storageOf(this.board).bytes, this.path);
  }

  /** Saves the flash, as it is now, to a second file beside the real image (a backup); returns its path. */
  saveCopy(suffix: string): string {
    writeAtomically(this.target + suffix, storageOf(this.board).bytes);
    return this.target + suffix;
  }

  close(): void {
    this.lock?.release();
  }
}

function missing(path: string): HostFileError {
  return new HostFileError('missing', `flash image ${path} does not exist (drive write or run --flash creates one)`);
}

function loadImageBytes(target: string, shownAs: string, size: number): Uint8Array {
  const bytes = readInputFile(target, size, (actual) => flashImageSizeError(shownAs, actual, size)!);
  const error = flashImageSizeError(shownAs, bytes.length, size);
  if (error) throw error;
  return bytes;
}

/**
 * The drive's FAT volume. With `format` (the default), a flash holding no filesystem is first
 * formatted exactly as CircuitPython would on boot; without it, that is an error (a user's image
 * is never reformatted just to look at it).
 */
export function openDrive(board: DriveBoard, options: { format?: boolean } = {}): { volume: FatVolume; formatted: boolean } {
  const storage = storageOf(board);
  const { volume, formatted } = ensureCircuitpy(spiFlashCircuitpyDevice(storage.bytes), { formatIfMissing: options.format ?? true });
  return { volume, formatted };
}

/** Copies the host directory `dir` onto CIRCUITPY (before boot); returns the files written. */
export function copyToDrive(board: DriveBoard, dir: string): string[] {
  return copyDirectoryToDrive(openDrive(board).volume, dir);
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
 * error, and so is anything nested deeper than a listing can read back. Returns the drive paths written.
 */
export function copyDirectoryToDrive(target: DriveTarget, hostDir: string, options: CopyOptions = {}): string[] {
  const vol = target instanceof FatVolume ? target : mount(target, { date: options.date });
  const root = resolve(hostDir);
  if (!statSync(root).isDirectory()) throw new Error(`"${hostDir}" is not a directory`);
  const written: string[] = [];
  const destination = '/' + splitPath(options.destination ?? '/').join('/');
  if (destination !== '/') vol.mkdir(destination, { parents: true, date: options.date });
  const active = new Set<string>();
  // Checked before a file is read: a huge file in DIR costs nothing.
  const capacity = vol.geometry.clusterCount * vol.geometry.sectorsPerCluster * 512;
  const copy = (hostPath: string, drivePath: string): void => {
    const real = realpathSync(hostPath);
    if (active.has(real)) throw new Error(`symbolic link loop at "${hostPath}"`);
    active.add(real);
    for (const name of readdirSync(hostPath).sort()) {
      const src = join(hostPath, name);
      const dst = (drivePath === '/' ? '' : drivePath) + '/' + name;
      const st = statSync(src);
      const date = options.preserveMtime ? st.mtime : options.date;
      try {
        if (st.isDirectory()) {
          checkDriveDepth(dst, true);
          vol.mkdir(dst, { parents: true, date });
          written.push(dst);
          copy(src, dst);
        } else if (st.isFile()) {
          checkDriveDepth(dst);
          if (st.size > capacity) throw new FatError('NO_SPACE', `${st.size} bytes do not fit a ${capacity}-byte drive`);
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
