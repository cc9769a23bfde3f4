/**
 * The CIRCUITPY flash bytes a hosted run starts from: the board's flash image (or blank flash), formatted
 * as CircuitPython formats it when it holds no filesystem, with the caller's files written on it.
 */
import { createHostedBoard } from './boards.js';
import { ensureCircuitpy, spiFlashCircuitpyDevice } from '../fs/circuitpy.js';

/** Drive path ('/code.py', 'lib/x.py') -> contents. */
export type HostedFiles = Map<string, Uint8Array | string> | Record<string, Uint8Array | string>;

/** The board's whole SPI flash, ready to boot: a copy of `image` (or erased flash) with `files` written. */
export function prepareFlash(board: string, image?: Uint8Array, files?: HostedFiles): Uint8Array {
  const storage = createHostedBoard(board).circuitpy;
  if (!storage || storage.kind !== 'spi-flash') throw new Error(`the hosted engine needs a board whose CIRCUITPY is on SPI flash; ${board} has none`);
  const flash = new Uint8Array(storage.bytes.length).fill(0xff);
  if (image) {
    if (image.length !== flash.length) throw new Error(`a flash image for ${board} is ${flash.length} bytes, not ${image.length}`);
    flash.set(image);
  }
  if (files) {
    const volume = ensureCircuitpy(spiFlashCircuitpyDevice(flash)).volume;
    const entries = files instanceof Map ? [...files.entries()] : Object.entries(files);
    for (const [path, data] of entries) volume.writeFile('/' + path.replace(/^\/+/, ''), data, { parents: true });
  }
  return flash;
}
