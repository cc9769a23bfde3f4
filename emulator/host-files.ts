/**
 * The host's files as the CLI uses them: inputs read with a size limit (and never from a device
 * or a FIFO, which could block or never end), outputs written atomically through symbolic links,
 * and a lock that keeps two processes from using one flash image at the same time.
 * Node-only, like everything else at the CLI level.
 */
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readFileSync, readSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';

/** Why a host file cannot be used; `kind` picks the exit status (see the CLI). */
export type HostFileProblem = 'missing' | 'unreadable' | 'too-large' | 'cannot-create' | 'busy';

export class HostFileError extends Error {
  constructor(
    readonly kind: HostFileProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HostFileError';
  }
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Reads a whole regular file of at most `limit` bytes (else throws what `tooLarge` makes). The type
 * and size are checked on the open descriptor before a byte is read, so /dev/zero, a FIFO without a writer or a 200 MB file cost
 * nothing. O_NONBLOCK keeps open() itself from waiting for a FIFO's writer.
 */
export function readInputFile(path: string, limit: number, tooLarge: (size: number) => Error): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HostFileError(code === 'ENOENT' ? 'missing' : 'unreadable', `cannot read ${path}: ${reason(e)}`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new HostFileError('unreadable', `cannot read ${path}: it is not a regular file`);
    if (st.size > limit) throw tooLarge(st.size);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads standard input to its end, refusing more than `limit` bytes (`< /dev/zero` never ends).
 * Blocking reads on fd 0; EAGAIN (a non-blocking pipe) waits briefly and tries again.
 */
export function readStdin(limit: number, tooLarge: () => Error): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw new HostFileError('unreadable', `cannot read standard input: ${reason(e)}`, { cause: e });
    }
    if (n === 0) break;
    total += n;
    if (total > limit) throw tooLarge();
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/** Symbolic links followed at most this deep (Linux's own limit, MAXSYMLINKS, is 40). */
const MAX_LINKS = 40;

/**
 * The file a path really names: symbolic links are followed to their final target, even one that
 * does not exist yet (a dangling link names the file to create), and the directory is made
 * canonical so every path to one image yields the same name (and so the same lock).
 */
export function resolveTarget(path: string): string {
  let current = resolve(path);
  for (let i = 0; ; i++) {
    let st;
    try {
      st = lstatSync(current);
    } catch {
      break; // does not exist (yet): this is the file to create
    }
    if (!st.isSymbolicLink()) break;
    if (i >= MAX_LINKS) throw new HostFileError('unreadable', `${path}: too many levels of symbolic links`);
    current = resolve(dirname(current), readlinkSync(current));
  }
  const dir = dirname(current);
  let realDir: string;
  try {
    realDir = realpathSync(dir);
  } catch (e) {
    throw new HostFileError('cannot-create', `${path}: directory ${dir} does not exist`, { cause: e });
  }
  if (!statSync(realDir).isDirectory()) throw new HostFileError('cannot-create', `${path}: ${dir} is not a directory`);
  return join(realDir, basename(current));
}

/** True when `target` exists; anything but a regular file is refused. */
export function regularFileExists(target: string, shownAs: string): boolean {
  let st;
  try {
    st = statSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new HostFileError('unreadable', `cannot use ${shownAs}: ${reason(e)}`, { cause: e });
  }
  if (!st.isFile()) throw new HostFileError('unreadable', `cannot use ${shownAs}: it is not a regular file`);
  return true;
}

/**
 * Writes `bytes` to `target` atomically: a temporary file in the same directory is written, flushed
 * and renamed over it, so a crash leaves the old contents or the new, never half of each. `target`
 * must already be resolved (resolveTarget): renaming onto a symbolic link would replace the link.
 */
export function writeAtomically(target: string, bytes: Uint8Array, shownAs = target): void {
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {
    // a new file
  }
  let fd = -1;
  try {
    fd = openSync(tmp, 'wx', mode);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, target);
  } catch (e) {
    if (fd >= 0) closeQuietly(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new HostFileError('cannot-create', `cannot save ${shownAs}: ${reason(e)}`, { cause: e });
  }
  syncDirectory(dir);
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already failing
  }
}

/** Makes the rename durable; not every platform can fsync a directory, and the rename is atomic anyway. */
function syncDirectory(dir: string): void {
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // see above
  }
}

export interface LockOptions {
  /** How long to wait for another holder to finish before giving up (ms). */
  waitMs?: number;
  /** Shown in messages instead of the resolved path. */
  shownAs?: string;
}

/**
 * An exclusive lock on a file, held as `<target>.lock` beside it: created with O_EXCL (atomic on
 * local filesystems), holding the owner's PID. A lock whose PID no longer exists was left by a
 * process that died, and is taken over. Another live holder is waited for up to `waitMs`, then
 * reported by PID. Creating the lock file also proves the directory is writable, before any work.
 */
export class FileLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(target: string, options: LockOptions = {}): FileLock {
    const path = `${target}.lock`;
    const shownAs = options.shownAs ?? target;
    const deadline = Date.now() + (options.waitMs ?? 3000);
    for (let takeovers = 0; ; ) {
      const holder = tryCreate(path, shownAs);
      if (holder === undefined) return new FileLock(path);
      if (holder === null || !isAlive(holder)) {
        // A lock that cannot be removed (no permission) would otherwise be retried forever.
        if (++takeovers > 10) throw new HostFileError('cannot-create', `cannot lock ${shownAs}: cannot remove the stale lock ${path}`);
        removeStale(path, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new HostFileError(
          'busy',
          `${shownAs} is in use by process ${holder} (another circuitemu); try again when it has finished ` +
            `(if no circuitemu is running, delete ${path})`,
        );
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      unlinkSync(this.path);
    } catch {
      // removed by someone who thought it stale: nothing left to do
    }
  }
}

/** undefined: created, ours; a number: the PID holding it; null: a lock file with no PID in it (yet). */
function tryCreate(path: string, shownAs: string): number | null | undefined {
  try {
    const fd = openSync(path, 'wx', 0o644);
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new HostFileError('cannot-create', `${shownAs}: directory ${dirname(path)} does not exist`, { cause: e });
    if (code !== 'EEXIST') throw new HostFileError('cannot-create', `cannot lock ${shownAs}: ${reason(e)}`, { cause: e });
  }
  return readHolder(path);
}

function readHolder(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null; // vanished in between: try again
  }
  const pid = Number.parseInt(text, 10);
  if (Number.isInteger(pid) && pid > 0) return pid;
  // Empty: its creator may be between open and write (-1: alive). Only an old empty file is stale.
  return fileAgeMs(path) > 2000 ? null : -1;
}

function fileAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

function isAlive(pid: number): boolean {
  if (pid === -1) return true; // being written right now
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Removes a stale lock, unless it changed hands meanwhile (then the next round sees the new one). */
function removeStale(path: string, holder: number | null): void {
  const again = readHolder(path);
  if (again !== holder) return;
  try {
    unlinkSync(path);
  } catch {
    // someone else removed it first
  }
}
