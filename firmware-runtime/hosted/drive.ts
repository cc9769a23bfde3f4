/**
 * The CIRCUITPY flash bytes a hosted run starts from: the board's flash image (or blank flash), formatted
 * as CircuitPython formats it when it holds no filesystem, with the caller's files written on it.
 */
import { hostedBoard, hostedCircuitpy } from './boards.js';
import { ensureCircuitpy, spiFlashCircuitpyDevice, type CircuitpyFormatOptions } from '../fs/circuitpy.js';
import { RegionBlockDevice } from '../fs/block-device.js';

/** Drive path ('/code.py', 'lib/x.py') -> contents. */
export type HostedFiles = Map<string, Uint8Array | string> | Record<string, Uint8Array | string>;

/**
 * CIRCUITPY's block device over a board's storage bytes: the SPI flash less its scratch sector, or the whole
 * internal-flash region (the small boards), as the firmware sees them.
 */
export function circuitpyDevice(kind: 'spi-flash' | 'internal-flash', bytes: Uint8Array): RegionBlockDevice {
  return kind === 'spi-flash' ? spiFlashCircuitpyDevice(bytes) : new RegionBlockDevice(bytes, 0, bytes.length);
}

/** How the board's firmware formats a blank CIRCUITPY (the small builds write an empty code.py). */
export function formatOptions(board: string): CircuitpyFormatOptions {
  return { fullBuild: hostedBoard(board).fullBuild };
}

/** The board's whole CIRCUITPY storage (SPI flash or internal-flash region), ready to boot: a copy of `image` (or erased flash) with `files` written. */
export function prepareFlash(board: string, image?: Uint8Array, files?: HostedFiles): Uint8Array {
  const storage = hostedCircuitpy(board);
  const flash = new Uint8Array(storage.size).fill(0xff);
  if (image) {
    if (image.length !== flash.length) throw new Error(`a flash image for ${board} is ${flash.length} bytes, not ${image.length}`);
    flash.set(image);
  }
  if (files) {
    const volume = ensureCircuitpy(circuitpyDevice(storage.kind, flash), formatOptions(board)).volume;
    const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
    for (const [path, data] of entries) volume.writeFile('/' + path.replace(/^\/+/, ''), data, { parents: true });
  }
  return flash;
}
