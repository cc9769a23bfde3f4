/**
 * The lx106 test programs (tests/firmware/lx106, built by build.sh) on the test-lx106 board:
 * stdout and exit status must equal the .expected.json files recorded from QEMU
 * (make-expected.sh; pure-C programs also match a host build).
 */
import { describe, expect, test } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseElf } from '../../firmware-runtime/images/elf.js';
import { loadImage } from '../../firmware-runtime/images/index.js';
import type { Board } from '../../boards/types.js';
import { createTestLx106 } from '../../boards/test-lx106.js';

const dir = join(import.meta.dirname, '..', 'firmware', 'lx106');
const programs = readdirSync(dir)
  .filter((f) => f.endsWith('.expected.json'))
  .map((f) => f.replace(/\.expected\.json$/, ''))
  .sort();

describe('lx106 test programs match QEMU', () => {
  test('every program has an expectation', () => {
    expect(programs).toEqual(
      expect.arrayContaining(['asmops', 'bench', 'double', 'illegal', 'math', 'printf', 'recursion', 'sort', 'syscall', 'timer', 'unaligned']),
    );
  });
  test('the board loads through the generic Board interface (segments + entry), as `circuitemu run` does', () => {
    const board: Board = createTestLx106('recursion');
    const image = loadImage(new Uint8Array(readFileSync(join(dir, 'recursion.elf'))), { name: 'recursion.elf' });
    board.load(image.segments, image.entry);
    const halt = board.machine.runFor(10);
    expect(halt?.exitCode).toBe(3);
    expect(board.machine.stdout.text()).toContain('hanoi(12) moves = 4095');
  });
  for (const name of programs) {
    test(name, () => {
      const expected = JSON.parse(readFileSync(join(dir, `${name}.expected.json`), 'utf8')) as { stdout: string; exitCode: number };
      const board = createTestLx106(name);
      board.load(parseElf(new Uint8Array(readFileSync(join(dir, `${name}.elf`)))));
      const halt = board.machine.runFor(30);
      expect(halt, `no exit within 30 simulated seconds\n${board.core.describeState()}`).not.toBeNull();
      expect(board.machine.stdout.text()).toBe(expected.stdout);
      expect(halt!.reason).toBe('exit');
      expect(halt!.exitCode).toBe(expected.exitCode);
    });
  }
});
