/**
 * Determinism: the same firmware, files and inputs give the same outputs, cycle for cycle.
 * Each scenario runs twice in fresh machines and must agree on every byte and every cycle.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';

const root = new URL('../../', import.meta.url).pathname;

interface Trace {
  console: string;
  /** Cycle at which each console chunk arrived. */
  stamps: number[];
  cycles: number;
  instructions: number;
}

function trace(board: string, firmware: string, input: string, seconds: number): Trace {
  const b = createBoard(board);
  const { console } = connectConsole(b);
  const t: Trace = { console: '', stamps: [], cycles: 0, instructions: 0 };
  console.onData((bytes) => {
    t.console += new TextDecoder().decode(bytes);
    t.stamps.push(b.machine.scheduler.cycles);
  });
  loadFirmware(b, readFileSync(root + firmware), firmware);
  console.write(new TextEncoder().encode(input));
  b.machine.runFor(seconds);
  t.cycles = b.machine.scheduler.cycles;
  t.instructions = b.machine.instructions;
  return t;
}

describe('determinism', () => {
  it.each([
    ['test-m0', 'tests/firmware/demo/demo.elf', '', 1],
    ['test-m0', 'tests/firmware/armv6m/stdin.elf', 'one\ntwo\n3 4\n', 1],
    ['test-lx106', 'tests/firmware/lx106/printf.elf', '', 1],
    ['cpx', 'tests/firmware/samd21-usb/usb_echo.elf', 'the same bytes, the same cycles', 0.5],
  ])('%s running %s twice agrees byte for byte and cycle for cycle', (board, firmware, input, seconds) => {
    const a = trace(board, firmware, input, seconds);
    const b = trace(board, firmware, input, seconds);
    expect(a.console.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });
});
