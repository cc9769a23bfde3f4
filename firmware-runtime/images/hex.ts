/**
 * Intel HEX loader (I8HEX / I16HEX / I32HEX, record types 00-05 as in Intel's "Hexadecimal Object File
 * Format Specification" rev. A). Errors name the 1-based line number so users can open the file at it.
 */
import { Chunk, FirmwareImage, ImageError, hex, mergeChunks } from './types.js';

const RecordType = {
  Data: 0,
  EndOfFile: 1,
  ExtendedSegmentAddress: 2,
  StartSegmentAddress: 3,
  ExtendedLinearAddress: 4,
  StartLinearAddress: 5,
} as const;

/** Payload length each non-data record type must have. */
const FIXED_LENGTH: Record<number, number> = { 1: 0, 2: 2, 3: 4, 4: 2, 5: 4 };

interface HexRecord {
  line: number;
  type: number;
  offset: number;
  /** The record's payload; a view of a buffer reused for every record (copy to keep). */
  data: Uint8Array;
}

/**
 * Data records that follow each other in memory, as they do in every file a linker writes, are
 * appended to one growing run instead of being kept one by one: parsing costs about the data's
 * size in memory, not several times the file's (a 200 MB file used to take 2.6 GB).
 */
interface Run {
  address: number;
  bytes: Uint8Array;
  length: number;
  firstLine: number;
  lastLine: number;
}

interface ParseState {
  /** Added to each data record's 16-bit offset; set by type 02 (segment*16) or 04 (upper 16 bits). */
  base: number;
  chunks: Chunk[];
  run?: Run;
  linearEntry?: number;
  segmentEntry?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

/** Scratch for one record: a byte count of up to 255 plus count, offset, type and checksum. */
const recordBytes = new Uint8Array(260);

export function parseIntelHex(text: string | Uint8Array): FirmwareImage {
  const src = typeof text === 'string' ? latin1Bytes(text) : text;
  const state: ParseState = { base: 0, chunks: [] };
  let sawEof = false;
  let lineNo = 0;
  let pos = 0;
  // Lines end at CR LF, CR or LF, as String.split(/\r\n|\r|\n/) would cut them.
  while (!sawEof && pos <= src.length) {
    lineNo++;
    let end = pos;
    while (end < src.length && src[end] !== CR && src[end] !== LF) end++;
    const next = src[end] === CR && src[end + 1] === LF ? end + 2 : end + 1;
    let lo = pos;
    let hi = end;
    while (lo < hi && isSpace(src[lo]!)) lo++;
    while (hi > lo && isSpace(src[hi - 1]!)) hi--;
    if (lo < hi) sawEof = applyRecord(state, decodeRecord(src, lo, hi, lineNo));
    pos = next;
  }
  // Without the 01 record we cannot tell a complete file from one cut off at a line boundary.
  if (!sawEof) throw new ImageError('hex', `no end-of-file (type 01) record after line ${lineNo}; file is probably truncated`);
  return buildImage(state);
}

/** A string's characters as bytes (the file's latin1 reading); anything wider can only be an error. */
function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c > 0xff ? 0 : c;
  }
  return out;
}

/** What String.trim() removes, among latin1 characters: TAB, LF, VT, FF, CR, space, NBSP. */
function isSpace(b: number): boolean {
  return (b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function decodeRecord(src: Uint8Array, lo: number, hi: number, lineNo: number): HexRecord {
  if (src[lo] !== COLON) throw new ImageError('hex', `line ${lineNo}: record does not start with ':'`);
  const digits = hi - lo - 1;
  for (let i = lo + 1; i < hi; i++) {
    if (hexValue(src[i]!) < 0) throw new ImageError('hex', `line ${lineNo}: record contains non-hex characters`);
  }
  if (digits % 2 !== 0 || digits < 10) {
    throw new ImageError('hex', `line ${lineNo}: record has ${digits} hex digits; need an even number, at least 10`);
  }
  const length = digits / 2;
  const count = (hexValue(src[lo + 1]!) << 4) | hexValue(src[lo + 2]!);
  if (length !== count + 5) {
    throw new ImageError('hex', `line ${lineNo}: byte count field says ${count} data bytes but the record holds ${length - 5}`);
  }
  const bytes = recordBytes.subarray(0, length);
  for (let i = 0; i < length; i++) bytes[i] = (hexValue(src[lo + 1 + 2 * i]!) << 4) | hexValue(src[lo + 2 + 2 * i]!);
  verifyChecksum(bytes, lineNo);
  return { line: lineNo, type: bytes[3]!, offset: (bytes[1]! << 8) | bytes[2]!, data: bytes.subarray(4, 4 + count) };
}

/** The two's-complement checksum makes the sum of every byte in the record, checksum included, 0 mod 256. */
function verifyChecksum(bytes: Uint8Array, lineNo: number): void {
  let sum = 0;
  for (let i = 0; i < bytes.length - 1; i++) sum += bytes[i]!;
  const expected = -sum & 0xff;
  const actual = bytes[bytes.length - 1]!;
  if (expected !== actual) {
    throw new ImageError('hex', `line ${lineNo}: checksum mismatch (record has ${hex(actual, 2)}, computed ${hex(expected, 2)})`);
  }
}

/** Returns true on the end-of-file record. */
function applyRecord(state: ParseState, rec: HexRecord): boolean {
  const fixed = FIXED_LENGTH[rec.type];
  if (rec.type !== RecordType.Data && fixed === undefined) {
    throw new ImageError('hex', `line ${rec.line}: unknown record type ${hex(rec.type, 2)}`);
  }
  if (fixed !== undefined && rec.data.length !== fixed) {
    throw new ImageError('hex', `line ${rec.line}: record type ${hex(rec.type, 2)} needs ${fixed} data bytes, has ${rec.data.length}`);
  }
  const d = rec.data;
  switch (rec.type) {
    case RecordType.Data:
      addData(state, rec);
      return false;
    case RecordType.EndOfFile:
      return true;
    case RecordType.ExtendedSegmentAddress:
      state.base = ((d[0]! << 8) | d[1]!) * 16;
      return false;
    case RecordType.StartSegmentAddress:
      state.segmentEntry = ((d[0]! << 8) | d[1]!) * 16 + ((d[2]! << 8) | d[3]!);
      return false;
    case RecordType.ExtendedLinearAddress:
      state.base = ((d[0]! << 8) | d[1]!) * 0x10000;
      return false;
    default: // StartLinearAddress
      state.linearEntry = ((d[0]! << 24) | (d[1]! << 16) | (d[2]! << 8) | d[3]!) >>> 0;
      return false;
  }
}

/** The spec wraps the 16-bit offset within the current 64 KiB window, so a record crossing 0xFFFF splits in two. */
function addData(state: ParseState, rec: HexRecord): void {
  const firstLen = Math.min(rec.data.length, 0x10000 - rec.offset);
  append(state, state.base + rec.offset, rec.data.subarray(0, firstLen), rec.line);
  if (firstLen < rec.data.length) append(state, state.base, rec.data.subarray(firstLen), rec.line);
}

function append(state: ParseState, address: number, data: Uint8Array, line: number): void {
  if (data.length === 0) return;
  let run = state.run;
  if (!run || address !== run.address + run.length) {
    closeRun(state);
    run = state.run = { address, bytes: new Uint8Array(Math.max(256, data.length)), length: 0, firstLine: line, lastLine: line };
  }
  if (run.length + data.length > run.bytes.length) {
    const grown = new Uint8Array(Math.max(run.bytes.length * 2, run.length + data.length));
    grown.set(run.bytes.subarray(0, run.length));
    run.bytes = grown;
  }
  run.bytes.set(data, run.length);
  run.length += data.length;
  run.lastLine = line;
}

function closeRun(state: ParseState): void {
  const run = state.run;
  if (!run) return;
  const where = run.firstLine === run.lastLine ? `line ${run.firstLine}` : `lines ${run.firstLine}-${run.lastLine}`;
  state.chunks.push({ address: run.address, data: run.bytes.subarray(0, run.length), where });
  state.run = undefined;
}

function buildImage(state: ParseState): FirmwareImage {
  closeRun(state);
  const segments = mergeChunks('hex', state.chunks);
  if (segments.length === 0) throw new ImageError('hex', 'file contains no data records');
  const image: FirmwareImage = { format: 'hex', segments };
  // 05 is the 32-bit entry point; 03 (CS:IP) only matters for real-mode x86 files that lack one.
  const entry = state.linearEntry ?? state.segmentEntry;
  if (entry !== undefined) image.entry = entry;
  return image;
}
