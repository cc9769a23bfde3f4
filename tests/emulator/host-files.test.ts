/**
 * Host files at the CLI level: atomic saves through symbolic links, the flash image lock, and
 * inputs refused before they are read (devices, FIFOs, oversized files).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLock, HostFileError, readInputFile, resolveTarget, writeAtomically } from '../../emulator/host-files.js';
import { FlashImageFile } from '../../emulator/drive.js';
import { createBoard } from '../../emulator/run.js';
import { DriveImageError } from '../../firmware-runtime/fs/drive.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'circuitemu-host-'));
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 0xff);
const tooLarge = (size: number): Error => new Error(`too large: ${size}`);

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof HostFileError) return `${e.kind}: ${e.message}`;
    throw e;
  }
  return 'no error';
}

describe('writeAtomically and resolveTarget', () => {
  it('replaces the file in one rename, leaving no temporary file', () => {
    const dir = scratch();
    const path = join(dir, 'img.bin');
    writeAtomically(path, bytes(4096, 1));
    writeAtomically(path, bytes(4096, 2));
    expect(readdirSync(dir)).toEqual(['img.bin']);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes(4096, 2));
  });

  it('leaves the old file intact when saving fails', () => {
    const dir = scratch();
    const path = join(dir, 'img.bin');
    writeAtomically(path, bytes(100, 1));
    expect(problem(() => writeAtomically(join(dir, 'no such dir', 'img.bin'), bytes(10, 2)))).toMatch(/^cannot-create: cannot save/);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes(100, 1));
    expect(readdirSync(dir)).toEqual(['img.bin']);
  });

  it('follows chains of symbolic links (also dangling ones) to the real file', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'real'));
    symlinkSync('real', join(dir, 'alias')); // a linked directory
    symlinkSync('alias/img.bin', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    const target = resolveTarget(join(dir, 'b'));
    expect(target).toBe(join(dir, 'real', 'img.bin')); // canonical: one lock for every path
    writeAtomically(target, bytes(10, 3));
    expect(lstatSync(join(dir, 'b')).isSymbolicLink()).toBe(true);
    expect(new Uint8Array(readFileSync(join(dir, 'b')))).toEqual(bytes(10, 3));
  });

  it('reports a link loop and a missing directory', () => {
    const dir = scratch();
    symlinkSync('loop2', join(dir, 'loop1'));
    symlinkSync('loop1', join(dir, 'loop2'));
    expect(problem(() => resolveTarget(join(dir, 'loop1')))).toMatch(/too many levels of symbolic links/);
    expect(problem(() => resolveTarget(join(dir, 'nope', 'x.img')))).toMatch(/^cannot-create: .*nope does not exist/);
  });
});

describe('FileLock', () => {
  it('is exclusive, names the holder, and is free again once released', () => {
    const target = join(scratch(), 'img.bin');
    const lock = FileLock.acquire(target);
    expect(readFileSync(`${target}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    const started = Date.now();
    expect(problem(() => FileLock.acquire(target, { waitMs: 100 }))).toBe(
      `busy: ${target} is in use by process ${process.pid} (another circuitemu); try again when it has finished (if no circuitemu is running, delete ${target}.lock)`,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    lock.release();
    expect(existsSync(`${target}.lock`)).toBe(false);
    FileLock.acquire(target).release();
  });

  it('takes over a lock whose process is gone, and an old empty one', () => {
    const target = join(scratch(), 'img.bin');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${target}.lock`, `${dead}\n`);
    FileLock.acquire(target, { waitMs: 0 }).release();
    writeFileSync(`${target}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    spawnSync('touch', ['-d', old.toISOString(), `${target}.lock`]);
    FileLock.acquire(target, { waitMs: 0 }).release();
  });
});

describe('readInputFile', () => {
  it('refuses devices and FIFOs without blocking, and oversized files without reading them', () => {
    const dir = scratch();
    const fifo = join(dir, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(problem(() => readInputFile('/dev/zero', 100, tooLarge))).toMatch(/^unreadable: .*not a regular file/);
    expect(problem(() => readInputFile(fifo, 100, tooLarge))).toMatch(/^unreadable: .*not a regular file/);
    expect(problem(() => readInputFile(join(dir, 'none'), 100, tooLarge))).toMatch(/^missing: /);
    const big = join(dir, 'big');
    writeFileSync(big, '');
    truncateSync(big, 1 << 30);
    expect(() => readInputFile(big, 100, tooLarge)).toThrow(`too large: ${1 << 30}`);
    writeFileSync(big, 'hello');
    expect(new TextDecoder().decode(readInputFile(big, 5, tooLarge))).toBe('hello');
  });
});

describe('FlashImageFile', () => {
  it('locks an image opened for writing until closed, and refuses a missing one for reading', () => {
    const dir = scratch();
    const path = join(dir, 'cpx.img');
    const board = createBoard('cpx');
    expect(problem(() => FlashImageFile.open(board, path, { forWriting: false }))).toMatch(/^missing: flash image .* does not exist/);
    const writer = FlashImageFile.open(board, path, { forWriting: true });
    expect(writer.existed).toBe(false);
    expect(problem(() => FlashImageFile.open(createBoard('cpx'), path, { forWriting: true }))).toMatch(/^busy: /);
    writer.save();
    writer.close();
    const reader = FlashImageFile.open(createBoard('cpx'), path, { forWriting: false });
    expect(reader.existed).toBe(true);
    reader.close();
  });

  it('refuses an image of the wrong size before loading it', () => {
    const path = join(scratch(), 'small.img');
    writeFileSync(path, new Uint8Array(1000));
    expect(() => FlashImageFile.open(createBoard('cpx'), path, { forWriting: false })).toThrow(DriveImageError);
    writeFileSync(path, new Uint8Array(3 << 20));
    expect(() => FlashImageFile.open(createBoard('cpx'), path, { forWriting: false })).toThrow(/is 3145728 bytes, but the flash is 2097152 bytes \(2 MiB\)/);
  });
});
