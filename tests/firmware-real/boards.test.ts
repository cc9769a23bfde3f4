/**
 * CircuitPython 9.x on every SAMD21 board whose firmware is in $CIRCUITEMU_FIRMWARE_DIR
 * (circuitpython-<board>.uf2, CircuitPython's own board names; see DEVELOPERS.md): the unmodified
 * firmware boots, formats CIRCUITPY on the board's storage, runs code.py from the drive, and its
 * status NeoPixel shows the colour code.py sets. Skipped, with a message, without the firmware.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetroM0ExpressBoard } from '../../boards/metro-m0-express.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { RunLoop } from '../../emulator/runner.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const uf2 = (board: string) => (dir ? join(dir, `circuitpython-${board}.uf2`) : '');

const CODE = [
  'import board, neopixel_write, digitalio',
  'pin = digitalio.DigitalInOut(board.NEOPIXEL)',
  'pin.direction = digitalio.Direction.OUTPUT',
  'neopixel_write.neopixel_write(pin, bytearray([0x10, 0x20, 0x30]))',
  'print("pixel set on", board.board_id)',
  '',
].join('\n');

describe.each([{ board: 'metro_m0_express', pixels: 'pixel' as const }])('CircuitPython on $board', ({ board, pixels }) => {
  const image = uf2(board);
  const present = image !== '' && existsSync(image);
  if (!present) console.warn(`[tests/firmware-real] SKIPPED ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-${board}.uf2 (see DEVELOPERS.md)`);

  it.skipIf(!present)('boots, runs code.py from CIRCUITPY and lights its NeoPixel', async () => {
    const b = createBoard(board) as MetroM0ExpressBoard;
    writeDriveFile(openDrive(b).volume, '/code.py', new TextEncoder().encode(CODE));
    // As `circuitemu run` does: a short code.py ends before USB is up; show one complete run.
    const console = showRun(connectConsole(b), b.machine.scheduler, { reload: true });
    loadFirmware(b, readFileSync(image), image);
    const loop = new RunLoop(b.machine, console, { timeoutSeconds: 30, expectText: `pixel set on ${board}` });
    const end = await loop.run();
    expect(end.kind, loop.history.text().slice(-500)).toBe('expected');
    // GRB on the wire: 0x10 green, 0x20 red, 0x30 blue.
    expect(b.parts[pixels].rgb()).toEqual([0x201030]);
  });
});
