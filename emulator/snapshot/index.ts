/**
 * Snapshots of a whole board: `saveSnapshot(board)` -> bytes, `restoreSnapshot(bytes)` -> a
 * board that continues cycle for cycle as the saved one would have (state.ts says how).
 *
 * File format (version SNAPSHOT_FORMAT):
 *   "CIRCUITEMU SNAPSHOT\n"            20 bytes, plain, so a wrong file is named before anything else
 *   gzip( u32le header length, header JSON, blob bytes... )   gzip's CRC-32 catches corruption
 * The header holds the format, the circuitemu version that wrote it, the board's name and build
 * options, the time it was taken, the records and the blob sizes. A snapshot is applied only to
 * the board it came from, by the version that wrote it (when the reader says which it is), and
 * only if every model still has the fields it had: anything else is refused with what differs.
 *
 * What a snapshot holds is the board: chip, core, memories, parts, the scheduler with its pending
 * events, CIRCUITPY's flash. Not the host side: a USB host, a console connection, a scenario's
 * timers. Take it before connecting those (`circuitemu snapshot` runs the board with nothing
 * plugged into its USB port), and connect them to the restored board.
 *
 * No `node:` import: compression is the standard CompressionStream (Node 18+, browsers).
 */
import { createBoard } from '../run.js';
import type { Board, BoardOptions } from '../../boards/index.js';
import { Scheduler } from '../kernel/scheduler.js';
import { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { Lx106 } from '../../cpu-xtensa/lx106.js';
import { applyState, captureState, SnapshotError, type ClassRule, type StateRecord } from './state.js';

export { SnapshotError } from './state.js';

export const SNAPSHOT_FORMAT = 1;
const MAGIC = new TextEncoder().encode('CIRCUITEMU SNAPSHOT\n');

/** What the emulator knows about its own state beyond plain fields (caches, the event queue). */
const RULES: readonly ClassRule[] = [
  // The queue holds events; the peripherals, cores and parts that own them give them identity.
  { type: Scheduler, referencesOnly: ['heap'] },
  // Compiled blocks are a cache of flash and RAM: the restored core compiles them again.
  { type: CortexM0Plus, transient: ['translator'], afterRestore: (core: CortexM0Plus) => core.translator.flush() },
  { type: Lx106, transient: ['tag', 'dOp', 'dArg', 'dImm', 'codePage', 'decodeOut'], afterRestore: (core: Lx106) => core.flushDecodeCache() },
];

/** Facts about a snapshot, readable without restoring it. */
export interface SnapshotInfo {
  format: number;
  /** circuitemu version that wrote it ('' when the writer did not say). */
  version: string;
  board: string;
  options: BoardOptions;
  cycles: number;
  seconds: number;
  instructions: number;
}

interface Header extends SnapshotInfo {
  records: StateRecord[];
  blobs: number[];
}

export interface SaveOptions {
  /** The options the board was built with (createBoard's), so the restore builds the same board. */
  boardOptions?: BoardOptions;
  /** The version of the writer, checked by a reader that gives its own. */
  version?: string;
}

/** The board's whole state as snapshot-file bytes. Throws SnapshotError when it cannot be taken. */
export async function saveSnapshot(board: Board, options: SaveOptions = {}): Promise<Uint8Array> {
  const { records, blobs } = captureState(board, RULES);
  const m = board.machine;
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    version: options.version ?? '',
    board: board.name,
    options: plainOptions(options.boardOptions ?? {}),
    cycles: m.scheduler.cycles,
    seconds: m.scheduler.seconds,
    instructions: m.instructions,
    records,
    blobs: blobs.map((b) => b.length),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const total = 4 + json.length + blobs.reduce((n, b) => n + b.length, 0);
  const payload = new Uint8Array(total);
  new DataView(payload.buffer).setUint32(0, json.length, true);
  payload.set(json, 4);
  let at = 4 + json.length;
  for (const b of blobs) {
    payload.set(b, at);
    at += b.length;
  }
  const packed = await transform(payload, new CompressionStream('gzip'));
  const out = new Uint8Array(MAGIC.length + packed.length);
  out.set(MAGIC);
  out.set(packed, MAGIC.length);
  return out;
}

/** Reads a snapshot file's header (for messages and `--snapshot-load` checks). */
export async function readSnapshotInfo(bytes: Uint8Array): Promise<SnapshotInfo> {
  const { header } = await unpack(bytes);
  const { records: _r, blobs: _b, ...info } = header;
  return info;
}

export interface RestoreOptions {
  /** The reader's version: a snapshot written by another version is refused. */
  version?: string;
  /** Refuse a snapshot of another board than this one. */
  board?: string;
}

/** Builds the snapshot's board and restores its state into it. */
export async function restoreSnapshot(bytes: Uint8Array, options: RestoreOptions = {}): Promise<Board> {
  const { header, blobs } = await unpack(bytes);
  if (options.board !== undefined && header.board !== options.board) {
    throw new SnapshotError(`the snapshot is of board ${header.board}, not ${options.board}`);
  }
  if (options.version && header.version && header.version !== options.version) {
    throw new SnapshotError(`the snapshot was written by circuitemu ${header.version}; this is ${options.version} (take it again with this version)`);
  }
  let board: Board;
  try {
    board = createBoard(header.board, header.options);
  } catch (e) {
    throw new SnapshotError(`the snapshot's board cannot be built: ${(e as Error).message}`);
  }
  applyState(board, { records: header.records, blobs }, RULES);
  return board;
}

async function unpack(bytes: Uint8Array): Promise<{ header: Header; blobs: Uint8Array[] }> {
  if (!(bytes instanceof Uint8Array)) throw new SnapshotError('a snapshot is the bytes of a snapshot file (a Uint8Array)');
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b)) throw new SnapshotError('not a circuitemu snapshot (it does not start with "CIRCUITEMU SNAPSHOT")');
  let payload: Uint8Array;
  try {
    payload = await transform(bytes.subarray(MAGIC.length), new DecompressionStream('gzip'));
  } catch (e) {
    throw new SnapshotError(`corrupt snapshot: ${(e as Error).message}`);
  }
  if (payload.length < 4) throw new SnapshotError('corrupt snapshot: no header');
  const length = new DataView(payload.buffer, payload.byteOffset).getUint32(0, true);
  if (4 + length > payload.length) throw new SnapshotError('corrupt snapshot: the header is cut short');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + length))) as Header;
  } catch (e) {
    throw new SnapshotError(`corrupt snapshot: the header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || typeof header.format !== 'number') throw new SnapshotError('corrupt snapshot: the header has no format');
  if (header.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`the snapshot has format ${header.format}; this circuitemu reads format ${SNAPSHOT_FORMAT}`);
  if (typeof header.board !== 'string' || !Array.isArray(header.records) || !Array.isArray(header.blobs)) throw new SnapshotError('corrupt snapshot: the header lacks board, records or blobs');
  const blobs: Uint8Array[] = [];
  let at = 4 + length;
  for (const size of header.blobs) {
    if (!Number.isInteger(size) || size < 0 || at + size > payload.length) throw new SnapshotError('corrupt snapshot: the memory contents are cut short');
    blobs.push(payload.subarray(at, at + size));
    at += size;
  }
  return { header, blobs };
}

/** Only the JSON-able build options (parts are plain data already). */
function plainOptions(o: BoardOptions): BoardOptions {
  return JSON.parse(JSON.stringify(o)) as BoardOptions;
}

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}
