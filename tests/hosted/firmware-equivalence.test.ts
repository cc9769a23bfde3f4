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
  circuitplayground:
    "from adafruit_circuitplayground import cp\n" +
    "print(cp.button_a, cp.button_b, cp.switch, cp.red_led, cp.light, cp.detect_taps, cp.tapped)\n" +
    "print('%.1f' % cp.temperature, ['%.2f' % v for v in cp.acceleration], type(cp.acceleration).__name__)\n" +
    "print(cp.shake(), cp.shake(shake_threshold=5))\n" +
    "cp.red_led = True\n" +
    "print(cp.red_led, cp.touch_A1, cp.touch_A7, cp.touch_pins, cp.touched)\n" +
    "cp.adjust_touch_threshold(50)\n" +
    "cp.pixels.fill((10, 20, 30))\ncp.pixels[0] = (255, 0, 0)\n" +
    "print(cp.pixels[0], cp.pixels[1], len(cp.pixels), cp.pixels.brightness, cp.pixels.auto_write)\n" +
    "cp.detect_taps = 2\nprint(cp.detect_taps, cp.tapped)\n" +
    "for f in (lambda: cp.sound_level, lambda: cp.loud_sound(), lambda: cp.play_mp3('a.mp3'), lambda: cp.play_file('nope.wav')):\n" +
    "    try:\n        f()\n    except Exception as e:\n        print(type(e).__name__, e)\n" +
    "from adafruit_circuitplayground.express import cpx\nprint(cpx is cp)\n",
  lis3dh:
    "import board, busio, adafruit_lis3dh\n" +
    "i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)\n" +
    "l = adafruit_lis3dh.LIS3DH_I2C(i2c, address=0x19)\n" +
    "print(l.range, l.data_rate, l.tapped)\n" +
    "for r in (adafruit_lis3dh.RANGE_2_G, adafruit_lis3dh.RANGE_4_G, adafruit_lis3dh.RANGE_16_G):\n" +
    "    l.range = r\n    print(r, l.range, ['%.3f' % v for v in l.acceleration])\n" +
    "l.data_rate = adafruit_lis3dh.DATARATE_100_HZ\n" +
    "print(l.data_rate, l.read_adc_raw(1), '%.1f' % l.read_adc_mV(2), l.shake())\n" +
    "l.set_tap(1, 20)\nprint(l.tapped)\n" +
    "for bad in (lambda: l.read_adc_raw(0), lambda: l.set_tap(3, 1), lambda: adafruit_lis3dh.LIS3DH_I2C(i2c)):\n" +
    "    try:\n        bad()\n    except Exception as e:\n        print(type(e).__name__, e)\n",
  thermistor:
    "import board, adafruit_thermistor\n" +
    "t = adafruit_thermistor.Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)\n" +
    "print('%.1f %.2f' % (t.resistance, t.temperature))\n" +
    "t.high_side = False\nprint('%.1f' % t.resistance)\n",
  bus_device:
    "import board, busio\nfrom adafruit_bus_device.i2c_device import I2CDevice\nfrom adafruit_bus_device import spi_device\n" +
    "i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)\n" +
    "d = I2CDevice(i2c, 0x19)\nbuf = bytearray(1)\n" +
    "with d:\n    d.write_then_readinto(bytes([0x0f]), buf)\nprint(hex(buf[0]), hasattr(spi_device, 'SPIDevice'))\n" +
    "try:\n    I2CDevice(i2c, 0x33)\nexcept ValueError as e:\n    print(e)\n",
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
