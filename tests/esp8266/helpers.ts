/** Shared setup for the ESP8266 tests: a Feather HUZZAH with an image in flash, run until text appears. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFeatherHuzzah, type FeatherHuzzahBoard } from '../../boards/feather-huzzah.js';
import { parseElf } from '../../firmware-runtime/images/elf.js';
import { buildEspImage } from '../../peripherals/esp8266/rom/boot-image.js';

export const PROGRAMS = join(import.meta.dirname, '..', 'firmware', 'esp8266');

/** One of our ELF test programs as the esptool v1 image esptool's elf2image would write. */
export function programImage(name: string): Uint8Array {
  const elf = parseElf(new Uint8Array(readFileSync(join(PROGRAMS, `${name}.elf`))));
  return buildEspImage(elf.segments, elf.entry!);
}

/** A board with `flash` written at offset 0, powered on. */
export function boardWithFlash(flash: Uint8Array): FeatherHuzzahBoard {
  const board = createFeatherHuzzah();
  board.load([{ address: 0x40200000, data: flash }]);
  return board;
}

/** Runs in slices until `text` is in the output, a halt, or `seconds` of simulated time. */
export function runUntil(board: FeatherHuzzahBoard, text: string, seconds: number) {
  for (let t = 0; t < seconds; t += 0.01) {
    const halt = board.machine.runFor(0.01);
    if (halt) return { halt, output: board.machine.stdout.text() };
    if (board.machine.stdout.text().includes(text)) break;
  }
  return { halt: null, output: board.machine.stdout.text() };
}
