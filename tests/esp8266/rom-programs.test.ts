/**
 * Our ESP8266 C programs (tests/firmware/esp8266, built by build.sh with Debian's lx106 GCC and
 * linked against the ROM's entry points) boot from an esptool v1 image through the emulated
 * boot ROM and call its routines; their output must equal the same source's host build
 * (host printf and arithmetic as the oracle).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { loadImage } from '../../firmware-runtime/images/index.js';
import { boardWithFlash, PROGRAMS, programImage, runUntil } from './helpers.js';

describe('ESP8266 ROM routines called by our C program', () => {
  test('rom-calls: libgcc division/multiplication, soft double, ets_printf formats, memory routines = host build', () => {
    const board = boardWithFlash(programImage('rom-calls'));
    const { halt, output } = runUntil(board, 'DONE\n', 5);
    expect(halt, output).toBeNull();
    const expected = readFileSync(join(PROGRAMS, 'rom-calls.expected.txt'), 'utf8');
    const start = output.indexOf('rom-calls start');
    expect(start).toBeGreaterThan(0);
    expect(output.slice(start)).toBe(expected);
  });

  test('timer-irq: FRC1 interrupts every 1 ms reach an ets_isr_attach handler through the ROM dispatcher', () => {
    const board = boardWithFlash(programImage('timer-irq'));
    const { halt, output } = runUntil(board, 'DONE\n', 1);
    expect(halt, output).toBeNull();
    // Ten ticks of exactly 1 ms: nine periods between the first and the tenth (WDEV_NOW in us).
    expect(output).toContain('timer-irq start\nticks 10, first to last 9000 us\nDONE\n');
  });

  test('an ELF for IRAM/DRAM loads through the generic Board interface (as `circuitemu run` does) and starts with the ROM state', () => {
    const board = createFeatherHuzzah();
    const image = loadImage(new Uint8Array(readFileSync(join(PROGRAMS, 'timer-irq.elf'))), { name: 'timer-irq.elf' });
    board.load(image.segments, image.entry);
    const { halt, output } = runUntil(board, 'DONE\n', 1);
    expect(halt, output).toBeNull();
    expect(output).toBe('timer-irq start\nticks 10, first to last 9000 us\nDONE\n');
  });

  test('the boot banner comes first, as the ROM prints it, and names each loaded segment', () => {
    const board = boardWithFlash(programImage('rom-calls'));
    const { output } = runUntil(board, 'rom-calls start', 1);
    expect(output).toMatch(/^\r\n ets Jan {2}8 2013,rst cause:1, boot mode:\(3,0\)\r\n\r\nload 0x[0-9a-f]{8}, len \d+, room 16 \r\n/);
    expect(output).toMatch(/chksum 0x[0-9a-f]{2}\r\nrom-calls start/);
  });
});
