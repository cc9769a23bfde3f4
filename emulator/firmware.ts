/**
 * A firmware image for a board: parsed (format detected), then checked against the board (its
 * architecture, where images load, its memory map) before any of it is loaded.
 */
import type { Board } from '../boards/types.js';
import { checkImageFits, loadImage, type FirmwareImage } from '../firmware-runtime/images/index.js';

/** Throws ImageError for a malformed image or one that does not fit `board`. */
export function prepareFirmware(board: Board, bytes: Uint8Array, name?: string): FirmwareImage {
  const image = loadImage(bytes, { name, binBase: board.binBase, familyId: board.uf2FamilyId });
  checkImageFits(image, {
    name: `board ${board.name}`,
    architecture: board.architecture,
    regions: board.regions,
    memoryMap: board.machine.bus.mappings,
  });
  return image;
}
