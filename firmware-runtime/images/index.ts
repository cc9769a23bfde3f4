/** Format detection and memory-map checking on top of the individual loaders. */
import { parseBin } from './bin.js';
import { parseElf } from './elf.js';
import { parseIntelHex } from './hex.js';
import { FirmwareImage, ImageError, ImageFormat, ImageMachine, hex } from './types.js';
import { parseUf2 } from './uf2.js';

export { parseBin } from './bin.js';
export { parseElf } from './elf.js';
export { parseIntelHex } from './hex.js';
export { ESP8266_FAMILY_ID, SAMD21_FAMILY_ID, buildUf2, parseUf2 } from './uf2.js';
export { ImageError } from './types.js';
export type { FirmwareImage, ImageFormat, ImageMachine, ImageSegment, MemorySpan } from './types.js';

export interface LoadImageOptions {
  /** Skip detection and use this parser. */
  format?: ImageFormat;
  /** File name; its extension is consulted only when the content itself is not recognisable. */
  name?: string;
  /** Load address for raw binaries (default 0, where SAMD21 flash starts). */
  binBase?: number;
  /** Reject UF2 blocks for any other family. */
  familyId?: number;
}

export interface MemoryRegion {
  name: string;
  base: number;
  size: number;
}

const EXTENSIONS: Record<string, ImageFormat> = {
  elf: 'elf',
  axf: 'elf',
  out: 'elf',
  hex: 'hex',
  ihex: 'hex',
  ihx: 'hex',
  uf2: 'uf2',
  bin: 'bin',
};

export function loadImage(bytes: Uint8Array, opts: LoadImageOptions = {}): FirmwareImage {
  const format = opts.format ?? detectFormat(bytes, opts.name);
  switch (format) {
    case 'elf':
      return parseElf(bytes);
    case 'hex':
      return parseIntelHex(bytes);
    case 'uf2':
      return parseUf2(bytes, opts.familyId === undefined ? {} : { familyId: opts.familyId });
    case 'bin':
      return parseBin(bytes, opts.binBase ?? 0);
  }
}

/** Content first (magic numbers cannot lie about the format); the extension only breaks ties, then raw binary. */
export function detectFormat(bytes: Uint8Array, name?: string): ImageFormat {
  if (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46) return 'elf';
  if (bytes.length >= 8 && readU32(bytes, 0) === 0x0a324655 && readU32(bytes, 4) === 0x9e5d5157) return 'uf2';
  if (looksLikeHex(bytes)) return 'hex';
  const ext = name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return (ext !== undefined && EXTENSIONS[ext]) || 'bin';
}

function readU32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/**
 * A lone ':' is too weak a signal (a binary's first byte can be 0x3A), so require ':' plus the
 * 10 hex digits every record has, after optional leading whitespace.
 */
function looksLikeHex(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  if (b[i] !== 0x3a) return false;
  const head = String.fromCharCode(...b.subarray(i + 1, i + 11));
  return /^[0-9A-Fa-f]{10}$/.test(head);
}

/** Throws unless every byte of every segment lies inside some region (adjacent regions count as one). */
export function placeImage(image: FirmwareImage, regions: MemoryRegion[]): void {
  const spans = coalesce(regions);
  for (const seg of image.segments) {
    if (seg.data.length === 0) continue;
    const stray = uncovered(spans, seg.address, seg.address + seg.data.length);
    if (stray === undefined) continue;
    throw new ImageError(
      image.format,
      `segment ${hex(seg.address)}-${hex(seg.address + seg.data.length - 1)} (${seg.data.length} bytes) falls outside the memory map ` +
        `(first stray byte at ${hex(stray)}); regions: ${describe(regions)}`,
    );
  }
}

/** What an image is checked against before it is loaded on a board. */
export interface ImageTarget {
  /** For messages ("board cpx"). */
  name: string;
  architecture: ImageMachine;
  /** Where image bytes may be loaded. */
  regions: MemoryRegion[];
  /** Everything the bus maps (memories and peripherals): where a program's memory may lie. */
  memoryMap: MemoryRegion[];
}

/**
 * Everything that must hold before an image runs on a board: built for its architecture (when
 * the image says), bytes only where firmware can be loaded, and the memory it uses at run time
 * (an ELF's .data and .bss) inside the memory map.
 */
export function checkImageFits(image: FirmwareImage, target: ImageTarget): void {
  if (image.machine !== undefined && image.machine !== target.architecture) {
    throw new ImageError(image.format, `built for ${image.machine}, but ${target.name} has an ${target.architecture} core`);
  }
  placeImage(image, target.regions);
  const spans = coalesce(target.memoryMap);
  for (const use of image.footprint ?? []) {
    const stray = uncovered(spans, use.address, use.address + use.size);
    if (stray === undefined) continue;
    throw new ImageError(
      image.format,
      `the program's memory at ${hex(use.address)}-${hex(use.address + use.size - 1)} (${use.size} bytes) falls outside the memory map ` +
        `of ${target.name} (first unmapped byte at ${hex(stray)})`,
    );
  }
}

/**
 * The largest file worth reading as firmware for a memory map. The bytes of the map in the most
 * verbose format real tools write (Intel HEX, 16 data bytes in a 44-character record: 2.75x;
 * UF2 2x), doubled, plus 64 MiB for an ELF's symbols and debug sections. Anything larger cannot be
 * an image for the board and is refused before it is read.
 */
export function maxImageFileSize(regions: MemoryRegion[]): number {
  const bytes = coalesce(regions).reduce((n, [lo, hi]) => n + (hi - lo), 0);
  return 6 * bytes + 64 * 1024 * 1024;
}

function describe(regions: MemoryRegion[]): string {
  return regions.map((r) => `${r.name} ${hex(r.base)}-${hex(r.base + r.size - 1)}`).join(', ') || 'none';
}

/** The first address of [start, end) in no span, or undefined when the spans cover it all. */
function uncovered(spans: [number, number][], start: number, end: number): number | undefined {
  if (spans.some(([lo, hi]) => lo <= start && end <= hi)) return undefined;
  return firstUncovered(spans, start, end);
}

/** Merges overlapping or touching regions into disjoint [lo, hi) spans so a segment can straddle two. */
function coalesce(regions: MemoryRegion[]): [number, number][] {
  const sorted = regions.filter((r) => r.size > 0).map((r): [number, number] => [r.base, r.base + r.size]).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

function firstUncovered(spans: [number, number][], start: number, end: number): number {
  let addr = start;
  for (const [lo, hi] of spans) {
    if (lo <= addr && addr < hi) addr = hi;
  }
  return Math.min(addr, end - 1);
}
