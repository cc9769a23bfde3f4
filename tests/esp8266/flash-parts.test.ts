/**
 * `--firmware OFFSET=FILE,...` for the Feather HUZZAH: files written at flash offsets as
 * esptool's write_flash writes them (emulator/firmware.ts), checked by booting one of our
 * programs whose image is split into two parts, and by the refusals for malformed lists.
 */
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { parseFlashParts, prepareFlashParts } from '../../emulator/firmware.js';
import { programImage, runUntil } from './helpers.js';

describe('OFFSET=FILE flash layouts', () => {
  test('parses esptool-style offsets (hex or decimal); a plain file name is not a layout', () => {
    expect(parseFlashParts('0x0=boot.bin,0x1000=app.bin')).toEqual([
      { offset: 0, file: 'boot.bin' },
      { offset: 0x1000, file: 'app.bin' },
    ]);
    expect(parseFlashParts('4096=a=b.bin')).toEqual([{ offset: 4096, file: 'a=b.bin' }]);
    expect(parseFlashParts('firmware.bin')).toBeNull();
    expect(() => parseFlashParts('0x0=a.bin,b.bin')).toThrow(/'b.bin' is not OFFSET=FILE/);
  });

  test('an image written in two parts boots as the whole does', () => {
    const whole = programImage('timer-irq');
    const board = createFeatherHuzzah();
    const image = prepareFlashParts(board, [
      { offset: 0x400, bytes: whole.subarray(0x400), file: 'tail.bin' },
      { offset: 0, bytes: whole.subarray(0, 0x400), file: 'head.bin' },
    ]);
    board.load(image.segments, image.entry);
    // As flashed: the parts side by side (esptool's --flash_size detect rewrites header byte 3).
    expect(board.chip.flash.subarray(4, whole.length)).toEqual(whole.subarray(4));
    const { halt, output } = runUntil(board, 'DONE\n', 1);
    expect(halt, output).toBeNull();
    expect(output).toContain('ticks 10, first to last 9000 us\nDONE\n');
  });

  test('overlapping parts and parts beyond the 4 MiB flash are refused', () => {
    const board = createFeatherHuzzah();
    const bytes = new Uint8Array(0x2000);
    expect(() =>
      prepareFlashParts(board, [
        { offset: 0, bytes, file: 'a.bin' },
        { offset: 0x1000, bytes, file: 'b.bin' },
      ]),
    ).toThrow(/a.bin at 0x0 \(8192 bytes\) overlaps b.bin at 0x1000/);
    expect(() => prepareFlashParts(board, [{ offset: 0x3ff000, bytes, file: 'c.bin' }])).toThrow();
  });
});
