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
  data: Uint8Array;
}

interface ParseState {
  /** Added to each data record's 16-bit offset; set by type 02 (segment*16) or 04 (upper 16 bits). */
  base: number;
  chunks: Chunk[];
  linearEntry?: number;
  segmentEntry?: number;
}

const latin1 = new TextDecoder('latin1');
const HEX_DIGITS = /^[0-9A-Fa-f]*$/;

export function parseIntelHex(text: string | Uint8Array): FirmwareImage {
  const source = typeof text === 'string' ? text : latin1.decode(text);
  const lines = source.split(/\r\n|\r|\n/);
  const state: ParseState = { base: 0, chunks: [] };
  let sawEof = false;
  for (let i = 0; i < lines.length && !sawEof; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    sawEof = applyRecord(state, decodeRecord(line, i + 1));
  }
  // Without the 01 record we cannot tell a complete file from one cut off at a line boundary.
  if (!sawEof) throw new ImageError('hex', `no end-of-file (type 01) record after line ${lines.length}; file is probably truncated`);
  return buildImage(state);
}

function decodeRecord(line: string, lineNo: number): HexRecord {
  if (line[0] !== ':') throw new ImageError('hex', `line ${lineNo}: record does not start with ':'`);
  const digits = line.slice(1);
  if (!HEX_DIGITS.test(digits)) throw new ImageError('hex', `line ${lineNo}: record contains non-hex characters`);
  if (digits.length % 2 !== 0 || digits.length < 10) {
    throw new ImageError('hex', `line ${lineNo}: record has ${digits.length} hex digits; need an even number, at least 10`);
  }
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  const count = bytes[0]!;
  if (bytes.length !== count + 5) {
    throw new ImageError('hex', `line ${lineNo}: byte count field says ${count} data bytes but the record holds ${bytes.length - 5}`);
  }
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
  const where = `line ${rec.line}`;
  const firstLen = Math.min(rec.data.length, 0x10000 - rec.offset);
  state.chunks.push({ address: state.base + rec.offset, data: rec.data.slice(0, firstLen), where });
  if (firstLen < rec.data.length) state.chunks.push({ address: state.base, data: rec.data.slice(firstLen), where });
}

function buildImage(state: ParseState): FirmwareImage {
  const segments = mergeChunks('hex', state.chunks);
  if (segments.length === 0) throw new ImageError('hex', 'file contains no data records');
  const image: FirmwareImage = { format: 'hex', segments };
  // 05 is the 32-bit entry point; 03 (CS:IP) only matters for real-mode x86 files that lack one.
  const entry = state.linearEntry ?? state.segmentEntry;
  if (entry !== undefined) image.entry = entry;
  return image;
}
