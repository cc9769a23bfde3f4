/**
 * Every LX106 suite again with the block translator (`--cpu jit`) at a threshold of 1, so that
 * compiled blocks, not the interpreter, run nearly everything: the instruction, exception,
 * debug (IBREAK, ICOUNT, DBREAK, CCOUNT/CCOMPARE0), bad-input, program and QEMU differential
 * tests. Each test file runs in its own module graph, so the defaults set here apply only to
 * the suites imported below.
 */
import { lx106Defaults } from '../../cpu-xtensa/lx106.js';

lx106Defaults.mode = 'jit';
lx106Defaults.jitThreshold = 1;

await import('./instructions.test.js');
await import('./exceptions.test.js');
await import('./debug.test.js');
await import('./bad-input.test.js');
await import('./programs.test.js');
await import('./differential.test.js');

const { describe, expect, it } = await import('vitest');
const { readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const { createTestLx106 } = await import('../../boards/test-lx106.js');
const { parseElf } = await import('../../firmware-runtime/images/elf.js');

describe('--cpu jit for the suites above', () => {
  it('cores are built with the translator, and it compiles the programs it runs', () => {
    const board = createTestLx106('recursion');
    expect(board.core.mode).toBe('jit');
    board.load(parseElf(new Uint8Array(readFileSync(join(import.meta.dirname, '..', 'firmware', 'lx106', 'recursion.elf')))));
    expect(board.machine.runFor(10)?.exitCode).toBe(3);
    expect(board.core.translator.compiles).toBeGreaterThan(10);
  });
});
