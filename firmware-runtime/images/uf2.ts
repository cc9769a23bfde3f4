/**
 * UF2 loader and writer (Microsoft's USB Flashing Format: github.com/microsoft/uf2, README "File format").
 * Each 512-byte block is self-describing; the file is valid only if every block 0..numBlocks-1 is present.
 */
import { ADDRESS_SPACE, Chunk, FirmwareImage, ImageError, ImageSegment, hex, mergeChunks } from './types.js';

export const SAMD21_FAMILY_ID = 0x68ed2b88;
export const ESP8266_FAMILY_ID = 0x7eab61ed;

const BLOCK_SIZE = 512;
const MAX_PAYLOAD = 476;
const MAGIC_START0 = 0x0a324655;
const MAGIC_START1 = 0x9e5d5157;
const MAGIC_END = 0x0ab16f30;
const FLAG_NOT_MAIN_FLASH = 0x1;
const FLAG_FILE_CONTAINER = 0x1000;
const FLAG_FAMILY_ID = 0x2000;

interface Uf2Block {
  index: number;
  flags: number;
  targetAddr: number;
  payload: Uint8Array;
  blockNo: number;
  numBlocks: number;
  familyId?: number;
}

interface ScanState {
  chunks: Chunk[];
  seen: Map<number, number>;
  numBlocks?: number;
  familyId?: number;
}

export function parseUf2(bytes: Uint8Array, opts: { familyId?: number } = {}): FirmwareImage {
  if (bytes.length === 0) throw new ImageError('uf2', 'file is empty');
  if (bytes.length % BLOCK_SIZE !== 0) {
    throw new ImageError('uf2', `file length ${bytes.length} is not a multiple of ${BLOCK_SIZE}; last block truncated at offset ${hex(bytes.length - (bytes.length % BLOCK_SIZE))}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const state: ScanState = { chunks: [], seen: new Map() };
  for (let i = 0; i < bytes.length / BLOCK_SIZE; i++) {
    acceptBlock(state, readBlock(bytes, view, i), opts.familyId);
  }
  checkComplete(state);
  const segments = mergeChunks('uf2', state.chunks);
  if (segments.length === 0) throw new ImageError('uf2', 'no block targets main flash');
  const image: FirmwareImage = { format: 'uf2', segments };
  if (state.familyId !== undefined) image.uf2FamilyId = state.familyId;
  return image;
}

function readBlock(bytes: Uint8Array, view: DataView, index: number): Uf2Block {
  const base = index * BLOCK_SIZE;
  const word = (off: number): number => view.getUint32(base + off, true);
  const at = `block ${index} (file offset ${hex(base)})`;
  checkMagic(at, 'first start magic', word(0), MAGIC_START0);
  checkMagic(at, 'second start magic', word(4), MAGIC_START1);
  checkMagic(at, 'end magic', word(508), MAGIC_END);
  const flags = word(8);
  const payloadSize = word(16);
  if (payloadSize > MAX_PAYLOAD) throw new ImageError('uf2', `${at}: payload size ${payloadSize} exceeds ${MAX_PAYLOAD}`);
  const block: Uf2Block = {
    index,
    flags,
    targetAddr: word(12),
    payload: bytes.slice(base + 32, base + 32 + payloadSize),
    blockNo: word(20),
    numBlocks: word(24),
  };
  // Without the family flag, word 28 is the (optional) total file size and means nothing to us.
  if (flags & FLAG_FAMILY_ID) block.familyId = word(28);
  return block;
}

function checkMagic(at: string, what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new ImageError('uf2', `${at}: bad ${what} ${hex(actual)} (expected ${hex(expected)})`);
}

function acceptBlock(state: ScanState, b: Uf2Block, wantFamily: number | undefined): void {
  checkNumbering(state, b);
  checkFamily(state, b, wantFamily);
  // Not-main-flash blocks (e.g. bootloader config) and file-container blocks still count toward
  // numBlocks, but their payload must not be written to flash.
  if (b.flags & (FLAG_NOT_MAIN_FLASH | FLAG_FILE_CONTAINER)) return;
  if (b.targetAddr + b.payload.length > ADDRESS_SPACE) {
    throw new ImageError('uf2', `block ${b.index}: target ${hex(b.targetAddr)} + ${b.payload.length} bytes runs past the 4 GiB address space`);
  }
  state.chunks.push({ address: b.targetAddr, data: b.payload, where: `block ${b.blockNo}` });
}

function checkNumbering(state: ScanState, b: Uf2Block): void {
  state.numBlocks ??= b.numBlocks;
  if (b.numBlocks !== state.numBlocks) {
    throw new ImageError('uf2', `block ${b.index}: numBlocks is ${b.numBlocks} but earlier blocks say ${state.numBlocks}`);
  }
  if (b.blockNo >= b.numBlocks) {
    throw new ImageError('uf2', `block ${b.index}: blockNo ${b.blockNo} is not below numBlocks ${b.numBlocks}`);
  }
  const dup = state.seen.get(b.blockNo);
  if (dup !== undefined) throw new ImageError('uf2', `block number ${b.blockNo} appears twice (file blocks ${dup} and ${b.index})`);
  state.seen.set(b.blockNo, b.index);
}

function checkFamily(state: ScanState, b: Uf2Block, wantFamily: number | undefined): void {
  if (b.familyId === undefined) return;
  if (wantFamily !== undefined && b.familyId !== wantFamily) {
    throw new ImageError('uf2', `block ${b.index}: family ID ${hex(b.familyId)} does not match the board's ${hex(wantFamily)}`);
  }
  state.familyId ??= b.familyId;
  if (b.familyId !== state.familyId) {
    throw new ImageError('uf2', `block ${b.index}: family ID ${hex(b.familyId)} differs from earlier blocks' ${hex(state.familyId)}; choose one with opts.familyId`);
  }
}

/** Finds gaps by sorting the block numbers seen, so a corrupt numBlocks of 4 billion costs nothing. */
function checkComplete(state: ScanState): void {
  const total = state.numBlocks ?? 0;
  if (state.seen.size === total) return;
  const sorted = [...state.seen.keys()].sort((a, b) => a - b);
  const missing: number[] = [];
  let expect = 0;
  for (const n of [...sorted, total]) {
    for (; expect < n && missing.length < 10; expect++) missing.push(expect);
    expect = n + 1;
  }
  const more = total - state.seen.size > missing.length ? ', ...' : '';
  throw new ImageError('uf2', `missing ${total - state.seen.size} of ${total} blocks (block numbers ${missing.join(', ')}${more})`);
}

/**
 * Writes segments as UF2. Blocks are cut on `blockSize`-aligned addresses (bootloaders write whole
 * pages) but are not padded, so parseUf2(buildUf2(s)) returns exactly s.
 */
export function buildUf2(segments: ImageSegment[], familyId: number | undefined, blockSize = 256): Uint8Array {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_PAYLOAD) {
    throw new ImageError('uf2', `block payload size ${blockSize} must be an integer from 1 to ${MAX_PAYLOAD}`);
  }
  const pieces = segments.flatMap((s) => splitAligned(s, blockSize));
  const out = new Uint8Array(pieces.length * BLOCK_SIZE);
  const view = new DataView(out.buffer);
  pieces.forEach((p, i) => writeBlock(out, view, i, pieces.length, p, familyId));
  return out;
}

function splitAligned(seg: ImageSegment, blockSize: number): ImageSegment[] {
  const out: ImageSegment[] = [];
  const end = seg.address + seg.data.length;
  for (let addr = seg.address; addr < end; ) {
    const next = Math.min(end, (Math.floor(addr / blockSize) + 1) * blockSize);
    out.push({ address: addr, data: seg.data.subarray(addr - seg.address, next - seg.address) });
    addr = next;
  }
  return out;
}

function writeBlock(out: Uint8Array, view: DataView, index: number, total: number, piece: ImageSegment, familyId: number | undefined): void {
  const base = index * BLOCK_SIZE;
  const put = (off: number, v: number): void => view.setUint32(base + off, v >>> 0, true);
  put(0, MAGIC_START0);
  put(4, MAGIC_START1);
  put(8, familyId === undefined ? 0 : FLAG_FAMILY_ID);
  put(12, piece.address);
  put(16, piece.data.length);
  put(20, index);
  put(24, total);
  put(28, familyId ?? 0);
  out.set(piece.data, base + 32);
  put(508, MAGIC_END);
}
