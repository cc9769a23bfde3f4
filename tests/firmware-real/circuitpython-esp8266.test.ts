/**
 * CircuitPython 3.1.2, the last release with the esp8266 port (circuitpython-feather_huzzah.bin in
 * $CIRCUITEMU_FIRMWARE_DIR; see DEVELOPERS.md), on the Feather HUZZAH: the emulated boot ROM and
 * the SDK start it, it creates its filesystem on first boot, offers its REPL, and runs a code.py
 * that uses `board`, `digitalio` and `time` to light the red LED (GPIO0) after a measured sleep.
 * Skipped, with a message, without the firmware.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFeatherHuzzah, type FeatherHuzzahBoard } from '../../boards/feather-huzzah.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const file = dir ? join(dir, 'circuitpython-feather_huzzah.bin') : '';
const image = file && existsSync(file) ? new Uint8Array(readFileSync(file)) : null;
const why = !dir ? 'CIRCUITEMU_FIRMWARE_DIR is not set' : !image ? `${file} does not exist` : '';
if (why) console.log(`skipping CircuitPython ESP8266 tests: ${why}`);

function runUntil(board: FeatherHuzzahBoard, text: string, from: number, seconds: number): string {
  for (let t = 0; t < seconds; t += 0.05) {
    const halt = board.machine.runFor(0.05);
    const out = board.machine.stdout.text().slice(from);
    if (halt) throw new Error(`${halt.message}\n--- output ---\n${out}`);
    if (out.includes(text)) return out;
  }
  throw new Error(`no ${JSON.stringify(text)} within ${seconds} simulated seconds\n--- output ---\n${board.machine.stdout.text().slice(from)}`);
}

function type(board: FeatherHuzzahBoard, text: string): number {
  const from = board.machine.stdout.text().length;
  board.console.write(new TextEncoder().encode(text));
  return from;
}

const CODE = [
  'import board, digitalio, time',
  'led = digitalio.DigitalInOut(board.GPIO0)',
  'led.direction = digitalio.Direction.OUTPUT',
  'led.value = False',
  't = time.monotonic()',
  'time.sleep(0.25)',
  "print('code.py slept %.2f' % (time.monotonic() - t))",
].join('\\n');

describe.skipIf(why !== '')('CircuitPython 3.1.2 on the Feather HUZZAH (ESP8266)', () => {
  it('boots (first boot creates the filesystem), reaches the REPL, and runs a code.py with board, digitalio and time', () => {
    const board = createFeatherHuzzah();
    board.load([{ address: 0x40200000, data: image! }]);
    const boot = runUntil(board, 'boot.py output:', 0, 10);
    expect(boot).toContain('Performing initial setup');
    // The port cannot see a serial connection: it waits for a first key to mark it active.
    let from = type(board, '\r');
    runUntil(board, 'Press any key to enter the REPL', from, 2);
    from = type(board, '\r');
    expect(runUntil(board, '>>> ', from, 5)).toMatch(/Adafruit CircuitPython 3\.1\.\d+.* on .*; ESP module with ESP8266\r\n>>> $/);
    from = type(board, `f = open("code.py", "w"); f.write("${CODE}\\n"); f.close()\r`);
    expect(runUntil(board, '\r\n>>> ', from, 5)).not.toContain('Error');
    // Ctrl-D: soft reboot, which runs code.py.
    from = type(board, '\x04');
    const run = runUntil(board, 'Press any key to enter the REPL', from, 10);
    expect(run).toContain('code.py slept 0.25');
    expect(board.leds.red).toBe(true);
  }, 120_000);
});
