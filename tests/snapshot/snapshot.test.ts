/**
 * Snapshots: a board restored from a snapshot continues cycle for cycle as the uninterrupted run
 * (console bytes, the cycle each chunk arrived at, final cycles and instructions), on both cores;
 * and what cannot be a snapshot is refused with a clear message.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { readSnapshotInfo, restoreSnapshot, saveSnapshot, SnapshotError } from '../../emulator/snapshot/index.js';
import type { Board } from '../../boards/types.js';

const root = new URL('../../', import.meta.url).pathname;

interface Trace {
  console: string;
  stamps: number[];
  cycles: number;
  instructions: number;
}

/** Console output of `board` from now for `seconds`, with the cycle of each chunk. */
function follow(board: Board, input: string, seconds: number): Trace {
  const { console } = connectConsole(board);
  const t: Trace = { console: '', stamps: [], cycles: 0, instructions: 0 };
  console.onData((bytes) => {
    t.console += new TextDecoder().decode(bytes);
    t.stamps.push(board.machine.scheduler.cycles);
  });
  if (input) console.write(new TextEncoder().encode(input));
  board.machine.runFor(seconds);
  t.cycles = board.machine.scheduler.cycles;
  t.instructions = board.machine.instructions;
  return t;
}

function booted(boardName: string, firmware: string, seconds: number): Board {
  const b = createBoard(boardName);
  loadFirmware(b, readFileSync(root + firmware), firmware);
  b.machine.runFor(seconds);
  return b;
}

describe('snapshot and restore', () => {
  it.each([
    ['test-m0', 'tests/firmware/demo/demo.elf', '', 0.002, 1],
    ['test-m0', 'tests/firmware/armv6m/systick.elf', '', 0.001, 1],
    ['test-lx106', 'tests/firmware/lx106/printf.elf', '', 0.0005, 1],
  ])('%s %s: restored run equals the uninterrupted run', async (board, firmware, input, first, then) => {
    const uninterrupted = booted(board, firmware, first);
    const saved = await saveSnapshot(booted(board, firmware, first));
    const expected = follow(uninterrupted, input, then);
    const restored = await restoreSnapshot(saved);
    const got = follow(restored, input, then);
    expect(expected.console.length + expected.instructions).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });
});
