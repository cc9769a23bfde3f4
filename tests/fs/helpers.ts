import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { FatError } from '../../firmware-runtime/fs/fat.js';

/** Deterministic PRNG (LCG, Numerical Recipes constants) so fuzz failures reproduce. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

export const pattern = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17 + (i >> 8)) & 0xff);

/** Runs fn; passes if it succeeds or throws FatError; fails the test on any other exception. */
export function fatOutcome(fn: () => unknown): 'ok' | string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof FatError) return e.code;
    throw new Error(`expected FatError, got ${e instanceof Error ? `${e.name}: ${e.message}\n${e.stack}` : String(e)}`);
  }
}

export function fatCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FatError);
    return (e as FatError).code;
  }
  throw new Error('expected a FatError, but the call succeeded');
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

export const HAVE_FSCK = has('fsck.fat');
export const HAVE_MKFS = has('mkfs.fat');
export const HAVE_MTOOLS = has('mcopy') && has('mdir');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'circuitemu-fs-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** fsck.fat -n: returns exit status and output (0 = clean). */
export function fsck(image: Uint8Array, dir: string): { status: number; output: string } {
  const path = join(dir, 'fsck.img');
  writeFileSync(path, image);
  const r = spawnSync('fsck.fat', ['-n', '-V', path], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: '1' };

export function mtools(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { env: MTOOLS_ENV, encoding: 'utf8' });
}

export function readImageFile(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

/** Byte-array equality without vitest's element-by-element deep equality (far too slow on megabytes). */
export function expectBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  const i = actual.findIndex((b, k) => b !== expected[k]);
  if (i >= 0) throw new Error(`${what}: first difference at byte ${i} (${actual[i]} vs ${expected[i]})`);
}
