/**
 * A firmware image for a board: parsed (format detected), then checked against the board (its
 * architecture, where images load, its memory map) before any of it is loaded.
 */
import type { Board } from '../boards/types.js';
import { checkImageFits, ImageError, loadImage, type FirmwareImage } from '../firmware-runtime/images/index.js';

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

/** One `OFFSET=FILE` of a flash layout (esptool's write_flash arguments). */
export interface FlashPart {
  offset: number;
  file: string;
}

const PART = /^(0x[0-9a-f]+|\d+)=(.+)$/i;

/**
 * `0x0=boot.bin,0x1000=app.bin`: the parts of a flash layout, or null when `spec` is a plain
 * file name. Throws ImageError for a malformed list.
 */
export function parseFlashParts(spec: string): FlashPart[] | null {
  if (!PART.test(spec.split(',')[0]!)) return null;
  return spec.split(',').map((item) => {
    const m = PART.exec(item);
    if (!m) throw new ImageError('bin', `'${item}' is not OFFSET=FILE (as in 0x1000=app.bin)`);
    return { offset: Number(m[1]), file: m[2]! };
  });
}

/**
 * Files written at flash offsets, as esptool's write_flash writes them, as one BIN image at the
 * board's `binBase`; overlapping parts and boards without a flash base are refused.
 */
export function prepareFlashParts(board: Board, parts: { offset: number; bytes: Uint8Array; file: string }[]): FirmwareImage {
  if (board.binBase === undefined) throw new ImageError('bin', `board ${board.name} has no flash for OFFSET=FILE parts`);
  const sorted = [...parts].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    if (prev.offset + prev.bytes.length > sorted[i]!.offset) {
      throw new ImageError('bin', `${prev.file} at 0x${prev.offset.toString(16)} (${prev.bytes.length} bytes) overlaps ${sorted[i]!.file} at 0x${sorted[i]!.offset.toString(16)}`);
    }
  }
  const image: FirmwareImage = {
    format: 'bin',
    segments: sorted.filter((p) => p.bytes.length > 0).map((p) => ({ address: board.binBase! + p.offset, data: p.bytes })),
  };
  if (image.segments.length === 0) throw new ImageError('bin', 'every OFFSET=FILE part is empty');
  checkImageFits(image, { name: `board ${board.name}`, architecture: board.architecture, regions: board.regions, memoryMap: board.machine.bus.mappings });
  return image;
}
