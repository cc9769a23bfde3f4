/** Format detection and memory-map checking on top of the individual loaders. */
import { parseBin } from './bin.js';
import { parseElf } from './elf.js';
import { parseIntelHex } from './hex.js';
import { FirmwareImage, ImageError, ImageFormat, hex } from './types.js';
import { parseUf2 } from './uf2.js';

export { parseBin } from './bin.js';
export { parseElf } from './elf.js';
export { parseIntelHex } from './hex.js';
export { ESP8266_FAMILY_ID, SAMD21_FAMILY_ID, buildUf2, parseUf2 } from './uf2.js';
export { ImageError } from './types.js';
export type { FirmwareImage, ImageFormat, ImageSegment } from './types.js';

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
    const start = seg.address;
    const end = seg.address + seg.data.length;
    if (spans.some(([lo, hi]) => lo <= start && end <= hi)) continue;
    const list = regions.map((r) => `${r.name} ${hex(r.base)}-${hex(r.base + r.size - 1)}`).join(', ');
    throw new ImageError(
      image.format,
      `segment ${hex(start)}-${hex(end - 1)} (${seg.data.length} bytes) falls outside the memory map ` +
        `(first stray byte at ${hex(firstUncovered(spans, start, end))}); regions: ${list || 'none'}`,
    );
  }
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
