/**
 * tests/firmware/samd21/src/periph_pinmux.c on the emulated CPX: SERCOM3 (SPI flash) and SERCOM1
 * (LIS3DH) reach the board's parts only once PORT muxes their pins to function D and CTRLA names
 * the pads the board wired (see sercom-pins.test.ts for the register-level cases).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import type { CpxBoard } from '../../boards/cpx.js';

const RESULT = 0x20007f00;
const DONE = (0x5e21c000 | 0xff) >>> 0;

describe('periph_pinmux.elf on the cpx board', () => {
  it('unmuxed pins, a wrong DOPO and a wrong function letter read FFFFFF / NACK; muxed, the parts answer', () => {
    const board = createBoard('cpx') as CpxBoard;
    const name = 'periph_pinmux.elf';
    loadFirmware(board, new Uint8Array(readFileSync(new URL(`../firmware/samd21/${name}`, import.meta.url))), name);
    const word = (i: number) => board.machine.bus.read(RESULT + 4 * i, 4) >>> 0;
    for (let t = 0; t < 2 && word(0) !== DONE; t += 0.01) {
      const halt = board.machine.runFor(0.01);
      expect(halt).toBeNull();
    }
    expect(word(0), 'finished').toBe(DONE);
    expect(word(2).toString(16), 'errors (timed-out waits)').toBe('0');
    expect(word(1)).toBe(4);
    const hex = (i: number) => word(i).toString(16);
    expect(hex(3), 'pins as GPIO').toBe('ffffff');
    expect(hex(4), 'muxed on D').toBe('c84015');
    expect(hex(5), 'DOPO 0').toBe('ffffff');
    expect(hex(6), 'MISO on function C').toBe('ffffff');
    expect(hex(7), 'muxed again').toBe('c84015');
    expect(word(8) & 0x04, 'I2C as GPIO: RXNACK').toBe(0x04);
    expect(word(9) & 0x07, 'I2C muxed: ACK').toBe(0);
  });
});
