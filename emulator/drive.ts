/**
 * The CIRCUITPY drive from the host's side: loading and saving the flash image that holds it,
 * preparing it before boot (`--drive DIR`), and listing/reading/writing files while the firmware
 * is not running. Writes while CircuitPython runs must go through USB MSC instead: its FatFs
 * caches sectors the host cannot see.
 */
import { existsSync } from 'node:fs';
import type { Board, CircuitpyStorage } from '../boards/types.js';
import { spiFlashCircuitpyDevice, ensureCircuitpy } from '../firmware-runtime/fs/circuitpy.js';
import { copyDirectoryToDrive, loadImage, saveImage } from '../firmware-runtime/fs/drive.js';
import type { FatVolume } from '../firmware-runtime/fs/fat.js';

export function storageOf(board: Board): CircuitpyStorage {
  if (!board.circuitpy) throw new Error(`board ${board.name} has no CIRCUITPY drive`);
  return board.circuitpy;
}

/** Loads the flash image at `path` into the board, if the file exists (else the flash stays blank). */
export function loadFlashImage(board: Board, path: string): boolean {
  const storage = storageOf(board);
  if (!existsSync(path)) return false;
  storage.load(loadImage(path, storage.bytes.length));
  return true;
}

/** Saves the board's flash to `path` atomically (never a half-written image). */
export function saveFlashImage(board: Board, path: string): void {
  saveImage(path, storageOf(board).bytes);
}

/**
 * The drive's FAT volume. With `format` (the default), a flash holding no filesystem is first
 * formatted exactly as CircuitPython would on boot; without it, that is an error (a user's image
 * is never reformatted just to look at it).
 */
export function openDrive(board: Board, options: { format?: boolean } = {}): { volume: FatVolume; formatted: boolean } {
  const storage = storageOf(board);
  const { volume, formatted } = ensureCircuitpy(spiFlashCircuitpyDevice(storage.bytes), { formatIfMissing: options.format ?? true });
  return { volume, formatted };
}

/** Copies the host directory `dir` onto CIRCUITPY (before boot); returns the files written. */
export function copyToDrive(board: Board, dir: string): string[] {
  return copyDirectoryToDrive(openDrive(board).volume, dir);
}
