/**
 * Lock-step test of the LX106 block translator against the interpreter.
 *
 * Two test-lx106 machines run the same program, one with `--cpu interp`, one with `--cpu jit`.
 * After every exit from a compiled block of the translating machine, the interpreting machine
 * is run to the same cycle (it stops at the first instruction boundary at or after it), and the
 * two must agree on a0-a15, PC, SAR, PS, EXCCAUSE, EPC1, CCOUNT (the cycle count) and the
 * instruction count. The translating machine is driven in slices of random length, so that
 * scheduler deadlines fall inside blocks. Programs: every test program of tests/firmware/lx106
 * (the benchmark, timer interrupts through CCOMPARE0, exceptions, unaligned accesses) and the
 * random instruction sequences of the QEMU differential test.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestLx106, type TestLx106Board } from '../../boards/test-lx106.js';
import { lx106Defaults, type Lx106, type Lx106Mode } from '../../cpu-xtensa/lx106.js';
import { parseElf } from '../../firmware-runtime/images/elf.js';
import { CODE_BASE, DATA_BASE, generateProgram } from './random-program.js';

const dir = join(import.meta.dirname, '..', 'firmware', 'lx106');

type Loader = () => TestLx106Board;

function withMode<T>(mode: Lx106Mode, threshold: number, make: () => T): T {
  const saved = { ...lx106Defaults };
  lx106Defaults.mode = mode;
  lx106Defaults.jitThreshold = threshold;
  try {
    return make();
  } finally {
    Object.assign(lx106Defaults, saved);
  }
}

function state(core: Lx106): string {
  const regs = Array.from(core.a, (v, i) => `a${i}=${(v >>> 0).toString(16)}`).join(' ');
  const h = (v: number) => (v >>> 0).toString(16);
  return `pc=${h(core.pc)} ${regs} sar=${core.sar} ps=${h(core.ps)} exccause=${core.exccause} epc1=${h(core.epc[1])} ccount=${core.ccount} instructions=${core.instructions}`;
}

interface Result {
  exits: number;
  mismatch: string | null;
  halted: string;
}

function lockstep(load: Loader, maxCycles: number, threshold: number, seed: number, maxSlice = 3000): Result {
  const ref = withMode('interp', threshold, load);
  const jit = withMode('jit', threshold, load);
  expect(ref.core.mode).toBe('interp');
  expect(jit.core.mode).toBe('jit');
  let exits = 0;
  let mismatch: string | null = null;
  const compare = (where: string) => {
    if (mismatch) return;
    const cycles = jit.machine.scheduler.cycles;
    if (!ref.machine.halt) ref.machine.runUntil(cycles);
    const a = state(ref.core);
    const b = state(jit.core);
    if (a !== b) mismatch = `${where}\n interp: ${a}\n jit:    ${b}`;
  };
  const translator = jit.core.translator;
  const compile = translator.compile.bind(translator);
  translator.compile = (e) => {
    compile(e);
    const fn = e.fn;
    if (!fn) return;
    e.fn = (core) => {
      const result = fn(core);
      exits++;
      compare(`after the block at 0x${(e.pc >>> 0).toString(16)} (result ${result})`);
      if (mismatch) jit.machine.stop({ reason: 'fault', exitCode: 1, message: 'lock-step mismatch' });
      return result;
    };
  };
  let rng = seed >>> 0 || 1;
  const random = (n: number) => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) % n;
  };
  const s = jit.machine.scheduler;
  while (!jit.machine.halt && !mismatch && s.cycles < maxCycles) {
    jit.machine.runUntil(Math.min(maxCycles, s.cycles + 1 + random(maxSlice)));
    compare('at the end of a slice');
  }
  if (!mismatch && !!jit.machine.halt !== !!ref.machine.halt) {
    mismatch = `halt differs: interp ${ref.machine.halt?.message ?? 'running'}, jit ${jit.machine.halt?.message ?? 'running'}`;
  }
  if (!mismatch && jit.machine.stdout.text() !== ref.machine.stdout.text()) mismatch = 'console output differs';
  return { exits, mismatch, halted: jit.machine.halt?.reason ?? 'running' };
}

describe('LX106 lock-step: translator vs interpreter at every block exit', () => {
  const programs = readdirSync(dir)
    .filter((f) => f.endsWith('.elf'))
    .map((f) => f.slice(0, -'.elf'.length))
    .sort();

  for (const name of programs) {
    it(`${name}.elf`, () => {
      const image = parseElf(new Uint8Array(readFileSync(join(dir, `${name}.elf`))));
      const load = () => {
        const board = createTestLx106(name);
        board.load(image);
        return board;
      };
      const r = lockstep(load, 20_000_000, 1 + (name.length % 3), 0x1106 + name.length);
      expect(r.mismatch).toBeNull();
      expect(['exit', 'running']).toContain(r.halted);
      expect(r.exits).toBeGreaterThan(100);
    }, 120_000);
  }

  for (const seed of [0x1106, 0xc0ffee, 42, 7]) {
    it(`random instruction sequences, seed ${seed}`, () => {
      const program = generateProgram(seed, 60);
      const load = () => {
        const board = createTestLx106();
        board.load([{ address: CODE_BASE, data: program.code }, { address: DATA_BASE, data: program.data }], program.entry);
        return board;
      };
      const r = lockstep(load, 20_000_000, 1 + (seed % 3), seed, 500);
      expect(r.mismatch).toBeNull();
      expect(r.exits).toBeGreaterThan(10);
    }, 120_000);
  }
});
