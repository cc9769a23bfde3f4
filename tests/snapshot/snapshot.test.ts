/**
 * Snapshots: a board restored from a snapshot continues cycle for cycle as the uninterrupted run
 * (console bytes, the cycle each chunk arrived at, final cycles and instructions), on both cores;
 * and what cannot be a snapshot is refused with a clear message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectConsole, showRun } from '../../emulator/console.js';
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
  loadFirmware(b, readFileSync(firmware.startsWith('/') ? firmware : root + firmware), firmware);
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

describe('what a snapshot refuses', () => {
  it('a board with a host-side tool attached (the USB host): the message names the event and says what to do', async () => {
    const board = booted('cpx', 'tests/firmware/samd21-usb/usb_echo.elf', 0.01);
    connectConsole(board); // the emulated USB host: its frame clock is on the board's scheduler
    board.machine.runFor(0.01);
    const error = await saveSnapshot(board).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as Error).message).toMatch(/board\.machine\.scheduler\.heap\[\d+\] is 'usb-host-\w+', which no part of the board owns .*take the snapshot before connecting it/);
  });

  it('the same board, never connected, saves; and the snapshot restores only onto its own board', async () => {
    const bytes = await saveSnapshot(booted('cpx', 'tests/firmware/samd21-usb/usb_echo.elf', 0.01));
    await expect(restoreSnapshot(bytes, { board: 'metro_m0_express' })).rejects.toThrow(/the snapshot is of board cpx, not metro_m0_express/);
    const restored = await restoreSnapshot(bytes);
    expect(restored.name).toBe('cpx');
    expect(restored.machine.scheduler.seconds).toBeCloseTo(0.01, 6);
  });
});

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const cpFirmware = dir ? `${dir}/circuitpython-cpx.uf2` : '';
const haveCp = !!dir && existsSync(cpFirmware);
if (!haveCp) console.warn('[tests/snapshot] SKIPPED CircuitPython snapshot: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)');

describe.skipIf(!haveCp)('snapshot of booted CircuitPython (cpx)', () => {
  it('a board restored after boot, then plugged into the USB host, runs as the one never interrupted', async () => {
    const boot = () => booted('cpx', cpFirmware, 1.5);
    const run = async (board: Board) => {
      const connection = connectConsole(board);
      const shown = showRun(connection, board.machine.scheduler, { reload: true });
      let text = '';
      const stamps: number[] = [];
      shown.onData((bytes) => {
        text += new TextDecoder().decode(bytes);
        stamps.push(board.machine.scheduler.cycles);
      });
      board.machine.runFor(4);
      shown.write(new TextEncoder().encode('\x03\r'));
      board.machine.runFor(1);
      shown.write(new TextEncoder().encode('print(6 * 7)\r'));
      board.machine.runFor(1);
      return { text, stamps, cycles: board.machine.scheduler.cycles, instructions: board.machine.instructions };
    };
    const saved = await saveSnapshot(boot());
    const info = await readSnapshotInfo(saved);
    expect(info.board).toBe('cpx');
    expect(info.seconds).toBeCloseTo(1.5, 3);
    const expected = await run(boot());
    const got = await run(await restoreSnapshot(saved));
    expect(expected.text).toContain('Hello World!');
    expect(expected.text).toContain('>>> print(6 * 7)\r\n42\r\n');
    expect(got).toEqual(expected);
  }, 300_000);

  it('MicroPython on the Feather HUZZAH (ESP8266): restored after boot, it answers as the uninterrupted board', async () => {
    const mp = `${dir}/micropython-esp8266.bin`;
    const boot = () => booted('feather_huzzah', mp, 2);
    const follow = (board: Board) => {
      let text = '';
      board.console!.onData((bytes) => (text += new TextDecoder().decode(bytes)));
      board.console!.write(new TextEncoder().encode('print(6*7)\r'));
      board.machine.runFor(0.3);
      return { text, cycles: board.machine.scheduler.cycles, instructions: board.machine.instructions };
    };
    const saved = await saveSnapshot(boot());
    const expected = follow(boot());
    expect(expected.text).toContain('print(6*7)\r\n42\r\n>>> ');
    expect(follow(await restoreSnapshot(saved))).toEqual(expected);
  }, 300_000);
});
