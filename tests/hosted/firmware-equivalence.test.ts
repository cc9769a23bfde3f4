/**
 * The same code.py on both engines: CircuitPython 9.x firmware on the emulated CPU (firmware engine, via
 * the CLI) and the hosted engine; the console transcripts of the run (from the auto-reload line to
 * "Press any key") must be byte-identical. Needs $CIRCUITEMU_FIRMWARE_DIR/circuitpython-cpx.uf2 (skipped
 * with a message otherwise). The version tag in the status bar is normalised (a local build says
 * "9.2.9-dirty").
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCode } from './harness.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const uf2 = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
const have = !!dir && existsSync(uf2);
if (!have) console.log('tests/hosted/firmware-equivalence.test.ts: skipped (set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2)');

const PROGRAMS: Record<string, string> = {
  loop: 'import time\nfor i in range(3):\n    print(i, i * i, "x" * i)\n    time.sleep(0.1)\nprint("done")\n',
  traceback: 'def f(n):\n    return g(n) + 1\n\ndef g(n):\n    return n / 0\n\nprint("before")\nf(3)\n',
  hardware: 'import board, digitalio\nled = digitalio.DigitalInOut(board.LED)\nled.switch_to_output(True)\nprint(led.value, board.LED, board.A1)\nb = digitalio.DigitalInOut(board.BUTTON_B)\nb.switch_to_input(pull=digitalio.Pull.DOWN)\nprint(b.value, b.pull)\ntry:\n    digitalio.DigitalInOut(board.D13)\nexcept ValueError as e:\n    print(e)\n',
  call: 'x = None\nx()\n',
  index: 'print([1, 2][2])\n',
  missing: 'import foo_missing\n',
  files: 'import os\ntry:\n    open("/x.txt", "w")\nexcept OSError as e:\n    print(e)\ntry:\n    os.mkdir("/lib")\nexcept OSError as e:\n    print(e.errno, e)\nprint(sorted(os.listdir("/")))\nopen("/nope.txt")\n',
  pwm: 'import board, pwmio\np = pwmio.PWMOut(board.LED, frequency=1000, duty_cycle=1000)\nprint(p.frequency, p.duty_cycle)\nq = pwmio.PWMOut(board.A1, frequency=440)\nprint(q.frequency)\ntry:\n    pwmio.PWMOut(board.A0)\nexcept Exception as e:\n    print(type(e).__name__, e)\n',
  lifecycle: "import board, digitalio, analogio, touchio, pwmio, busio\nmakers = (('DigitalInOut', lambda: digitalio.DigitalInOut(board.D13), 'value'), ('AnalogIn', lambda: analogio.AnalogIn(board.A1), 'value'),\n          ('TouchIn', lambda: touchio.TouchIn(board.A2), 'value'), ('PWMOut', lambda: pwmio.PWMOut(board.A3), 'duty_cycle'),\n          ('I2C', lambda: busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA), None))\nfor name, make, attr in makers:\n    o = make()\n    print(name, hasattr(o, 'deinited'))\n    o.deinit()\n    o.deinit()\n    try:\n        getattr(o, attr) if attr else o.try_lock()\n    except ValueError as e:\n        print('ValueError:', e)\n    with make() as again:\n        print('again', type(again).__name__)\n    make().deinit()\n    print('reclaimed')\n",
  neopixel: "import board, neopixel\npx = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=0.5, auto_write=False)\npx.fill((200, 100, 0))\npx[9] = 0x0000FF\npx.show()\nprint(len(px), px[9], px.n, repr(px)[:40])\n",
  storage: 'import storage\ntry:\n    storage.remount("/", readonly=False)\nexcept Exception as e:\n    print(type(e).__name__, e)\n',
};

const cli = join(import.meta.dirname, '..', '..', 'bin', 'circuitemu.js');

function firmwareRun(code: string): Promise<string> {
  const drive = mkdtempSync(join(tmpdir(), 'circuitemu-eq-'));
  writeFileSync(join(drive, 'code.py'), code);
  return new Promise((resolve, reject) => {
    execFile('node', [cli, 'run', '--board', 'cpx', '--firmware', uf2, '--drive', drive, '--timeout', '15'], { encoding: 'latin1', maxBuffer: 1 << 24, timeout: 300_000 }, (err, stdout) => {
      rmSync(drive, { recursive: true, force: true });
      if (err && (err as { code?: number }).code !== 124) reject(err);
      else resolve(stdout);
    });
  });
}

/** The run's block: from the auto-reload line after `soft reboot` through "Press any key". */
function block(text: string, afterSoftReboot: boolean): string {
  const t = text.replace(/ \| [0-9.]+(-dirty)?\x1b\\/g, ' | VERSION\x1b\\');
  const from = afterSoftReboot ? t.indexOf('soft reboot\r\n') + 'soft reboot\r\n'.length : 0;
  const end = t.indexOf('Press any key to enter the REPL. Use CTRL-D to reload.\r\n', from);
  return t.slice(from, end);
}

describe.skipIf(!have)('hosted engine = firmware engine (CircuitPython 9.2.9 on the CPX)', () => {
  for (const [name, code] of Object.entries(PROGRAMS)) {
    it(`${name}: identical transcript`, { timeout: 300_000 }, async () => {
      const [fw, hosted] = await Promise.all([firmwareRun(code), runCode({ 'code.py': code })]);
      expect(block(hosted, false)).toBe(block(fw, true));
    });
  }
});
