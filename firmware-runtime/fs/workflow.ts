/**
 * CIRCUITPY file operations as CircuitPython's workflows carry them out (supervisor/shared/workflow.c
 * and web_workflow.c in CircuitPython 9.2.9): the web workflow's /fs/ requests reduce to these, whichever
 * engine holds the drive (the hosted engine's worker applies them to its volume; the firmware engine's
 * host applies them over USB mass storage). Results are FatFs result codes, which the caller turns into
 * HTTP statuses the way CircuitPython does.
 *
 * Operations are plain data (they cross a worker boundary as JSON; file bytes travel as base64 there).
 */
import { FatError, type FatVolume } from './fat.js';

/** The FatFs results (ff.h) these operations report. */
export type FResult = 'ok' | 'exist' | 'no-file' | 'no-path' | 'denied' | 'write-protected' | 'error';

export type WorkflowOp =
  /** A directory's entries and the volume's cluster counts. */
  | { op: 'list'; path: string }
  /** A file's bytes ('no-file' for a directory, as f_open answers). */
  | { op: 'read'; path: string }
  /** Whether `size` bytes can be written at `path` now (before the body is received). */
  | { op: 'check-write'; path: string; size: number }
  /** Writes a file; `timeMs` (X-Timestamp, ms since 1970) dates it, else `nowMs`. */
  | { op: 'write'; path: string; data: Uint8Array; timeMs?: number; nowMs: number }
  /** Makes a directory and its missing parents (supervisor_workflow_mkdir_parents). */
  | { op: 'mkdir'; path: string; timeMs?: number; nowMs: number }
  /** Deletes a file, or a directory and all it holds (supervisor_workflow_delete_recursive). */
  | { op: 'delete'; path: string }
  /** Renames (f_rename: an existing destination is refused with 'exist'). */
  | { op: 'move'; from: string; to: string }
  /** The volume's cluster counts (/cp/diskinfo.json). */
  | { op: 'disk' };

/** An operation as a client asks for it: the engine dates it (`nowMs`) by the board's clock. */
export type UndatedWorkflowOp = WorkflowOp extends infer T ? (T extends unknown ? Omit<T, 'nowMs'> : never) : never;

export interface WorkflowEntry {
  name: string;
  directory: boolean;
  /** Seconds since 1970 of the FAT modification stamp (2 s resolution, no time zone, as timeutils_mktime reads it). */
  modified: number;
  size: number;
}

export interface DiskCounts {
  /** Free clusters, total clusters (n_fatent - 2) and the cluster size in bytes: what f_getfree gives. */
  free: number;
  total: number;
  blockSize: number;
}

export interface WorkflowResult {
  result: FResult;
  /** 'list': the entries, in directory order. */
  entries?: WorkflowEntry[];
  /** 'list' and 'disk'. */
  disk?: DiskCounts;
  /** 'read'. */
  data?: Uint8Array;
  /** 'check-write' and 'write': whether the file is new. */
  created?: boolean;
  /** 'check-write' and 'write' refused ('denied') because the file would not fit (f_lseek could not extend it). */
  tooLarge?: boolean;
  /** 'error': what went wrong, for the server's log. */
  message?: string;
}

/** Whether `op` changes the drive (what a write-protected drive refuses, and what triggers auto-reload). */
export function changesDrive(op: { op: WorkflowOp['op'] }): boolean {
  return op.op === 'write' || op.op === 'mkdir' || op.op === 'delete' || op.op === 'move';
}

/** Applies `op` to `volume`. Never throws for a file-system problem: it becomes the FatFs result. */
export function applyWorkflowOp(volume: FatVolume, op: WorkflowOp): WorkflowResult {
  try {
    switch (op.op) {
      case 'list':
        return list(volume, op.path);
      case 'read':
        return read(volume, op.path);
      case 'check-write':
        return checkWrite(volume, op.path, op.size);
      case 'write':
        return write(volume, op.path, op.data, new Date(op.timeMs ?? op.nowMs));
      case 'mkdir':
        return mkdirParents(volume, op.path, new Date(op.timeMs ?? op.nowMs));
      case 'delete':
        return remove(volume, op.path);
      case 'move':
        return move(volume, op.from, op.to);
      case 'disk':
        return { result: 'ok', disk: disk(volume) };
    }
  } catch (e) {
    return failure(e);
  }
}

/**
 * A FatError as FatFs would have reported it. The block device's own failures (FatError 'IO', and
 * anything not a FatError) go on up: the caller may retry (MSC reads blocks on demand) or report them.
 */
function failure(e: unknown): WorkflowResult {
  if (!(e instanceof FatError) || e.code === 'IO') throw e;
  const result: FResult =
    e.code === 'NOT_FOUND' ? 'no-file' : e.code === 'NOT_DIR' ? 'no-path' : e.code === 'EXISTS' ? 'exist' : e.code === 'READ_ONLY' ? 'write-protected' : e.code === 'IS_DIR' ? 'denied' : 'error';
  return { result, message: e.message };
}

function disk(volume: FatVolume): DiskCounts {
  const info = volume.info();
  return { free: info.freeClusters, total: info.totalClusters, blockSize: info.clusterSize };
}

/** What stat says of `path`: a directory, a file, or nothing (a missing parent included). */
function kind(volume: FatVolume, path: string): 'dir' | 'file' | null {
  try {
    return volume.stat(path).isDirectory ? 'dir' : 'file';
  } catch (e) {
    if (e instanceof FatError && (e.code === 'NOT_FOUND' || e.code === 'NOT_DIR')) return null;
    throw e;
  }
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

function list(volume: FatVolume, path: string): WorkflowResult {
  // f_opendir on a file or a missing path: FR_NO_PATH.
  if (kind(volume, path) !== 'dir') return { result: 'no-path' };
  const entries = volume.readdir(path).map((e) => ({
    name: e.name,
    directory: e.isDirectory,
    modified: Math.floor(e.mtime.getTime() / 2000) * 2,
    size: e.isDirectory ? 0 : e.size,
  }));
  return { result: 'ok', entries, disk: disk(volume) };
}

function read(volume: FatVolume, path: string): WorkflowResult {
  const k = kind(volume, path);
  if (k === null) return { result: kind(volume, parentOf(path)) === 'dir' ? 'no-file' : 'no-path' };
  if (k === 'dir') return { result: 'no-file' };
  return { result: 'ok', data: volume.readFile(path) };
}

/**
 * As _write_file_and_reply decides before it reads the body: a missing parent is FR_NO_PATH, a directory
 * at `path` FR_DENIED, and a file that would not fit in the free clusters (plus its own) is refused.
 */
function checkWrite(volume: FatVolume, path: string, size: number): WorkflowResult {
  if (kind(volume, parentOf(path)) !== 'dir') return { result: 'no-path' };
  const k = kind(volume, path);
  if (k === 'dir') return { result: 'denied' };
  const { free, blockSize } = disk(volume);
  const own = k === 'file' ? Math.ceil(volume.stat(path).size / blockSize) : 0;
  if (Math.ceil(size / blockSize) > free + own) return { result: 'denied', tooLarge: true, message: `${size} bytes do not fit in ${(free + own) * blockSize} free bytes` };
  return { result: 'ok', created: k === null };
}

function write(volume: FatVolume, path: string, data: Uint8Array, date: Date): WorkflowResult {
  const check = checkWrite(volume, path, data.length);
  if (check.result !== 'ok') return check;
  volume.writeFile(path, data, { date });
  return { result: 'ok', created: check.created };
}

/** supervisor_workflow_mkdir_parents: each missing component is made; an existing one (even a file) is FR_EXIST. */
function mkdirParents(volume: FatVolume, path: string, date: Date): WorkflowResult {
  const parts = path.split('/').filter((p) => p);
  if (parts.length === 0) return { result: 'exist' };
  let result: FResult = 'ok';
  for (let i = 1; i <= parts.length; i++) {
    const prefix = '/' + parts.slice(0, i).join('/');
    if (kind(volume, prefix) !== null) {
      result = 'exist';
      continue;
    }
    const parent = kind(volume, parentOf(prefix));
    if (parent !== 'dir') return { result: 'no-path' };
    volume.mkdir(prefix, { date });
    result = 'ok';
  }
  return { result };
}

function remove(volume: FatVolume, path: string): WorkflowResult {
  const k = kind(volume, path);
  if (k === null) return { result: kind(volume, parentOf(path)) === 'dir' ? 'no-file' : 'no-path' };
  // The root: f_stat("/") is FR_INVALID_NAME in FatFs, a server error for the web workflow.
  if (path.split('/').every((p) => !p)) return { result: 'error', message: 'the root directory cannot be deleted' };
  if (k === 'dir') volume.rmdir(path, { recursive: true });
  else volume.unlink(path);
  return { result: 'ok' };
}

/** f_rename: a missing source is FR_NO_FILE, a missing destination directory FR_NO_PATH, a taken name FR_EXIST. */
function move(volume: FatVolume, from: string, to: string): WorkflowResult {
  if (kind(volume, from) === null) return { result: kind(volume, parentOf(from)) === 'dir' ? 'no-file' : 'no-path' };
  if (kind(volume, parentOf(to)) !== 'dir') return { result: 'no-path' };
  // A new spelling of the same name (FAT names ignore case) is a rename, not a clash.
  if (kind(volume, to) !== null && from.toLowerCase() !== to.toLowerCase()) return { result: 'exist' };
  volume.rename(from, to);
  return { result: 'ok' };
}
