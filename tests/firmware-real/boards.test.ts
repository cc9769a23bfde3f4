/**
 * CircuitPython 9.x on every SAMD21 board whose firmware is in $CIRCUITEMU_FIRMWARE_DIR
 * (circuitpython-<board>.uf2, CircuitPython's own board names; see DEVELOPERS.md): the unmodified
 * firmware boots, formats CIRCUITPY on the board's storage, runs code.py from the drive, and the
 * board's status pixel (NeoPixel or DotStar) or LED shows what code.py set. Skipped, with a
 * message, without the firmware.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Samd21Board } from '../../boards/samd21-board.js';
import type { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import { connectConsole, reloadIfOutputMissed } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { RunLoop } from '../../emulator/runner.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const uf2 = (board: string) => (dir ? join(dir, `circuitpython-${board}.uf2`) : '');

/** code.py for a board with a NeoPixel: one pixel, GRB on the wire. */
const NEOPIXEL_CODE = [
  'import board, neopixel_write, digitalio',
  'pin = digitalio.DigitalInOut(board.NEOPIXEL)',
  'pin.direction = digitalio.Direction.OUTPUT',
  'neopixel_write.neopixel_write(pin, bytearray([0x10, 0x20, 0x30]))',
  'print("pixel set on", board.board_id)',
  '',
].join('\n');

interface BoardCase {
  board: string;
  code: string;
  /** What code.py must have made visible. */
  check: (b: Samd21Board) => void;
}

const neopixel = (board: string, part: string): BoardCase => ({
  board,
  code: NEOPIXEL_CODE,
  check: (b) => {
    // 0x10 green, 0x20 red, 0x30 blue.
    expect((b.parts[part] as Ws2812bChain).rgb()).toEqual([0x201030]);
  },
});

const CASES: BoardCase[] = [neopixel('metro_m0_express', 'pixel'), neopixel('feather_m0_express', 'pixel')];

describe.each(CASES)('CircuitPython on $board', ({ board, code, check }) => {
  const image = uf2(board);
  const present = image !== '' && existsSync(image);
  if (!present) console.warn(`[tests/firmware-real] SKIPPED ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-${board}.uf2 (see DEVELOPERS.md)`);

  it.skipIf(!present)('boots, runs code.py from CIRCUITPY, shows its effect, and evaluates 1+1 at the REPL', async () => {
    const b = createBoard(board) as Samd21Board;
    writeDriveFile(openDrive(b).volume, '/code.py', new TextEncoder().encode(code));
    const { console } = connectConsole(b);
    reloadIfOutputMissed(console); // as `circuitemu run` does: a short code.py ends before USB is up
    loadFirmware(b, readFileSync(image), image);
    /** Sends `input`, then runs until the console shows `text` (30 simulated seconds at most per step). */
    const step = async (input: string, text: string): Promise<string> => {
      const loop = new RunLoop(b.machine, console, { timeoutSeconds: b.machine.scheduler.seconds + 30, expectText: text });
      if (input) console.write(new TextEncoder().encode(input));
      const end = await loop.run();
      expect(end.kind, `waiting for ${JSON.stringify(text)}:\n${loop.history.text().slice(-500)}`).toBe('expected');
      return loop.history.text();
    };
    await step('', `set on ${board}`);
    check(b);
    await step('', 'Press any key to enter the REPL');
    // The banner names the board as CircuitPython's MICROPY_HW_BOARD_NAME, and the MCU.
    expect(await step('\r', '>>> ')).toContain(`${b.spec.title} with ${b.spec.chip.variant.startsWith('E') ? 'samd21e18' : 'samd21g18'}`);
    expect(await step('1+1\r', '>>> ')).toMatch(/1\+1\r\n2\r\n>>> $/);
  });
});
