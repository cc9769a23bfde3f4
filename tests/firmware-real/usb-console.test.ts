/**
 * The USB console with real CircuitPython on the CPX: the host enumerates however busy code.py
 * keeps the firmware (issue 8, item 10), and `showRun` shows one complete run of code.py (issue 7,
 * item 5). Third-party files are read from $CIRCUITEMU_FIRMWARE_DIR (see DEVELOPERS.md):
 *
 *   circuitpython-cpx.uf2   CircuitPython 9.2.x for circuitplayground_express
 *   lib/neopixel.mpy, lib/adafruit_lis3dh.mpy, lib/adafruit_thermistor.mpy, lib/adafruit_bus_device/
 *                           Adafruit's libraries compiled by that release's mpy-cross
 *
 * The tests are skipped, with a message, when they are missing.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpxBoard } from '../../boards/cpx.js';
import { connectConsole, showRun, WAIT_PROMPT } from '../../emulator/console.js';
import { copyToDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const CIRCUITPYTHON = dir && existsSync(join(dir, 'circuitpython-cpx.uf2')) ? join(dir, 'circuitpython-cpx.uf2') : null;
const LIBS = ['neopixel.mpy', 'adafruit_lis3dh.mpy', 'adafruit_thermistor.mpy', 'adafruit_bus_device'];
const LIB_DIR = dir && LIBS.every((l) => existsSync(join(dir, 'lib', l))) ? join(dir, 'lib') : null;
if (!CIRCUITPYTHON) console.warn('[tests/firmware-real/usb-console] SKIPPED: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)');
else if (!LIB_DIR) console.warn(`[tests/firmware-real/usb-console] SKIPPED the library test: $CIRCUITEMU_FIRMWARE_DIR/lib lacks one of ${LIBS.join(', ')}`);

/** A CPX with a drive made of `files` (and `libDir`'s contents at its root), shown as `circuitemu run` shows it. */
function run(files: Record<string, string>, options: { libDir?: string; expectText?: string } = {}) {
  const drive = mkdtempSync(join(tmpdir(), 'circuitemu-usbcon-'));
  if (options.libDir) cpSync(options.libDir, drive, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(drive, name), text);
  const board = createBoard('cpx') as CpxBoard;
  const connection = connectConsole(board);
  const machine = board.machine;
  let matched = false;
  const console = showRun(connection, machine.scheduler, {
    reload: true,
    expectText: options.expectText,
    onExpected: () => (matched = true),
  });
  let out = '';
  console.onData((b) => (out += new TextDecoder().decode(b)));
  loadFirmware(board, readFileSync(CIRCUITPYTHON!), CIRCUITPYTHON!);
  copyToDrive(board, drive);
  const until = (done: () => boolean, maxSeconds: number) => {
    const limit = machine.scheduler.seconds + maxSeconds;
    while (!done() && machine.scheduler.seconds < limit) {
      const halt = machine.runFor(0.05);
      if (halt) throw new Error(`machine halted: ${halt.message}`);
    }
    return done();
  };
  return { board, host: connection.usbHost!, out: () => out, matched: () => matched, until };
}

/** The complete run: from the header to "Code done running." with `lines` in between, in order. */
function expectCompleteRun(out: string, lines: string[]): void {
  const start = out.indexOf('code.py output:\r\n');
  const end = out.indexOf('Code done running.', start);
  expect(start, out).toBeGreaterThanOrEqual(0);
  expect(end, out).toBeGreaterThan(start);
  expect(out.split('code.py output:').length - 1, out).toBe(1);
  // The run's text less CircuitPython's title-bar escapes (ESC ] 0; ... ESC \).
  const text = out.slice(start, end).replace(/\x1b\]0;[^\x1b]*\x1b\\/g, '');
  expect(text).toBe(`code.py output:\r\n${lines.map((l) => `${l}\r\n`).join('')}\r\n`);
}

describe.skipIf(!CIRCUITPYTHON || !LIB_DIR)('CircuitPython imports .mpy libraries while the host enumerates (issue 8, item 10)', () => {
  it('the console appears and shows the run of a code.py that imports NeoPixel, LIS3DH, Thermistor', { timeout: 180_000 }, () => {
    const code =
      'import board, busio, neopixel, adafruit_lis3dh, adafruit_thermistor\n' +
      'print(neopixel.__file__)\n' +
      'i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)\n' +
      'lis = adafruit_lis3dh.LIS3DH_I2C(i2c, address=0x19)\n' +
      'print("z", round(lis.acceleration[2]))\n' +
      'therm = adafruit_thermistor.Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)\n' +
      'print("warm", therm.temperature > 10)\n';
    const r = run({ 'code.py': code }, { libDir: LIB_DIR!, expectText: 'Code done running.' });
    expect(r.until(r.matched, 20)).toBe(true);
    expect(r.host.state).toBe('configured');
    expect(r.host.errors).toEqual([]);
    // Enumeration may take more than one attempt (the firmware takes its address late while it
    // imports), never an error.
    for (const w of r.host.warnings) expect(w).toMatch(/USB enumeration attempt \d failed .*; resetting and retrying/);
    expect(r.out()).toMatch(/^soft reboot\r\n/);
    expectCompleteRun(r.out(), ['neopixel.mpy', 'z 10', 'warm True']);
  });

  it('and with one unrelated 3 KB file more on the drive', { timeout: 180_000 }, () => {
    const code = 'import board, busio, neopixel, adafruit_lis3dh, adafruit_thermistor\nprint(neopixel.__file__)\n';
    const r = run({ 'code.py': code, 'notes.txt': 'x'.repeat(3 * 1024) }, { libDir: LIB_DIR!, expectText: 'Code done running.' });
    expect(r.until(r.matched, 20)).toBe(true);
    expect(r.host.errors).toEqual([]);
    expectCompleteRun(r.out(), ['neopixel.mpy']);
  });
});

describe.skipIf(!CIRCUITPYTHON)('circuitemu run shows the complete first run of code.py (issue 7, item 5)', () => {
  it('a code.py that prints, lights the pixels and sleeps 0.25 s: every line, from the header on', { timeout: 180_000 }, () => {
    const code =
      'import board, neopixel, time\n' +
      'print("first line")\n' +
      'pixels = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=0.2)\n' +
      'pixels.fill((0, 20, 0))\n' +
      'print("second line")\n' +
      'time.sleep(0.25)\n' +
      'print("third line")\n';
    const r = run({ 'code.py': code }, { expectText: 'Code done running.' });
    expect(r.until(r.matched, 20)).toBe(true);
    expectCompleteRun(r.out(), ['first line', 'second line', 'third line']);
    expect(r.out().endsWith('Code done running.')).toBe(true); // and nothing after the match
  });

  it('a long code.py still running when the host connects: interrupted, reloaded, shown whole', { timeout: 180_000 }, () => {
    const code = 'import time\nfor i in range(12):\n    print("line", i)\n    time.sleep(0.1)\n';
    const r = run({ 'code.py': code }, { expectText: 'Code done running.' });
    expect(r.until(r.matched, 20)).toBe(true);
    expect(r.out()).not.toContain('KeyboardInterrupt');
    expectCompleteRun(r.out(), Array.from({ length: 12 }, (_, i) => `line ${i}`));
  });

  it('a code.py that never ends: shown from its header, as long as the run goes', { timeout: 180_000 }, () => {
    const code = 'import time\ni = 0\nwhile True:\n    print("tick", i)\n    i += 1\n    time.sleep(0.05)\n';
    const r = run({ 'code.py': code }, { expectText: 'tick 30\r\n' });
    expect(r.until(r.matched, 20)).toBe(true);
    const out = r.out();
    const start = out.indexOf('code.py output:\r\n');
    expect(start).toBeGreaterThan(0);
    const ticks = out.slice(start).replace(/\x1b\]0;[^\x1b]*\x1b\\/g, '').split('\r\n').filter((l) => l.startsWith('tick'));
    expect(ticks).toEqual(Array.from({ length: 31 }, (_, i) => `tick ${i}`));
    expect(out).not.toContain(WAIT_PROMPT);
  });
});
