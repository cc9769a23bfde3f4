/**
 * NVMCTRL stalls the CPU while it erases a row or writes a page (periph_nvm.elf, our own firmware,
 * on the Feather M0 Basic, whose CIRCUITPY is in the chip's flash): the SAM D21's main flash array
 * has no read-while-write, so a CPU running from flash waits for the whole command. The times are
 * the data sheet's (electrical characteristics, NVM: page write 2.5 ms, row erase 6 ms, maximum).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import type { Samd21Board } from '../../boards/samd21-board.js';
import type { CortexM0Plus } from '../../cpu-armv6m/core.js';

const RESULT = 0x20007f00;
const MAGIC = 0x5e21c000;
const ROW_ERASE_SECONDS = 6e-3;
const PAGE_WRITE_SECONDS = 2.5e-3;

function run(mode: 'interp' | 'jit'): { board: Samd21Board; word: (i: number) => number } {
  const board = createBoard('feather_m0_basic') as Samd21Board;
  (board.machine.core as CortexM0Plus).setMode(mode, 1); // jit: every block compiled at once
  // Junk in the scratch row, so the erase has something to do.
  board.mcu.flash.u8.fill(0x00, 0x3e000, 0x3e100);
  loadFirmware(board, new Uint8Array(readFileSync(new URL('../firmware/samd21/periph_nvm.elf', import.meta.url))), 'periph_nvm.elf');
  const word = (i: number) => board.machine.bus.read(RESULT + 4 * i, 4) >>> 0;
  for (let t = 0; t < 1 && word(0) !== ((MAGIC | 0xff) >>> 0); t += 0.01) board.machine.runFor(0.01);
  return { board, word };
}

describe('periph_nvm.elf: NVMCTRL stalls the CPU during a row erase and a page write', () => {
  it.each(['interp', 'jit'] as const)('the command takes its data-sheet time before the next instruction (%s)', (mode) => {
    const { board, word } = run(mode);
    expect(word(0), 'finished').toBe((MAGIC | 0xff) >>> 0);
    expect(word(2), 'error bits').toBe(0);
    const hz = board.machine.scheduler.frequency;
    const [erase, eraseReady, write, writeReady, pbc, mismatch, erasedAnd, status] = [3, 4, 5, 6, 7, 8, 9, 10].map(word);
    // The store that starts the erase, then the next instruction: 6 ms of cycles, and READY is
    // already set when the CPU gets to read INTFLAG.
    expect(erase).toBeGreaterThanOrEqual(Math.ceil(ROW_ERASE_SECONDS * hz));
    expect(erase).toBeLessThan(Math.ceil(ROW_ERASE_SECONDS * hz) + 100);
    expect(eraseReady).toBe(1);
    expect(write).toBeGreaterThanOrEqual(Math.ceil(PAGE_WRITE_SECONDS * hz));
    expect(write).toBeLessThan(Math.ceil(PAGE_WRITE_SECONDS * hz) + 100);
    expect(writeReady).toBe(1);
    // A page buffer clear touches no flash cell: no wait.
    expect(pbc).toBeLessThan(100);
    expect(mismatch).toBe(0);
    expect(erasedAnd).toBe(0xffffffff);
    expect(status & 0x1c).toBe(0); // no PROGE, LOCKE, NVME
  });
});
