/**
 * Shared types and helpers for the firmware image loaders (ELF, Intel HEX, UF2, raw binary).
 */

export type ImageFormat = 'elf' | 'hex' | 'uf2' | 'bin';

/** A run of bytes to be written at a 32-bit bus address. */
export interface ImageSegment {
  address: number;
  data: Uint8Array;
}

/** A CPU architecture an image can say it was built for (ELF e_machine). */
export type ImageMachine = 'ARM' | 'Xtensa';

/** Memory a program needs at run time (an ELF segment's p_vaddr + p_memsz: its .data and .bss too). */
export interface MemorySpan {
  address: number;
  size: number;
}

export interface FirmwareImage {
  format: ImageFormat;
  /** Sorted by address, non-overlapping, never empty. */
  segments: ImageSegment[];
  entry?: number;
  /** The architecture the image was built for, when the format records it (ELF). */
  machine?: ImageMachine;
  /** Memory the program uses beyond the bytes loaded, when the format records it (ELF). */
  footprint?: MemorySpan[];
  symbols?: Map<string, number>;
  uf2FamilyId?: number;
}

const FORMAT_LABEL: Record<ImageFormat, string> = {
  elf: 'ELF',
  hex: 'Intel HEX',
  uf2: 'UF2',
  bin: 'BIN',
};

/** Every loader failure; the message always starts with the format name so users know which parser gave up. */
export class ImageError extends Error {
  readonly format: ImageFormat;

  constructor(format: ImageFormat, detail: string) {
    super(`${FORMAT_LABEL[format]}: ${detail}`);
    this.name = 'ImageError';
    this.format = format;
  }
}

/** 0x-prefixed hex, zero-padded to `digits`; used in every error message so addresses read consistently. */
export function hex(value: number, digits = 8): string {
  return '0x' + (value >>> 0).toString(16).padStart(digits, '0');
}

export const ADDRESS_SPACE = 0x1_0000_0000;

/** A piece of loaded data plus a human-readable origin ("line 12", "block 3") for overlap errors. */
export interface Chunk {
  address: number;
  data: Uint8Array;
  where: string;
}

/**
 * Sorts chunks and joins touching ones into segments. Overlaps are rejected rather than
 * "last write wins" because in a firmware file they almost always mean a broken build or a bad concatenation.
 */
export function mergeChunks(format: ImageFormat, chunks: Chunk[]): ImageSegment[] {
  const sorted = chunks.filter((c) => c.data.length > 0).sort((a, b) => a.address - b.address);
  const runs: Chunk[][] = [];
  let runEnd = -1;
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    if (i > 0 && c.address < runEnd) {
      const prev = sorted[i - 1]!;
      throw new ImageError(format, `data at ${hex(c.address)} (${c.where}) overlaps data at ${hex(prev.address)}-${hex(runEnd - 1)} (${prev.where})`);
    }
    if (c.address === runEnd) runs[runs.length - 1]!.push(c);
    else runs.push([c]);
    runEnd = c.address + c.data.length;
  }
  return runs.map(concatRun);
}

function concatRun(run: Chunk[]): ImageSegment {
  const total = run.reduce((n, c) => n + c.data.length, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const c of run) {
    data.set(c.data, off);
    off += c.data.length;
  }
  return { address: run[0]!.address, data };
}
