/**
 * Adafruit's real libraries, as users copy them to CIRCUITPY/lib (compiled by CircuitPython 9's mpy-cross),
 * run on the hosted engine's core modules. Third-party files: read from $CIRCUITEMU_FIRMWARE_DIR/lib,
 * skipped with a message when it is unset.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const lib = dir ? join(dir, 'lib') : '';
const have = !!dir && existsSync(join(lib, 'neopixel.mpy')) && existsSync(join(lib, 'adafruit_lis3dh.mpy'));
if (!have) console.log('tests/hosted/libraries.test.ts: skipped (set CIRCUITEMU_FIRMWARE_DIR to a folder with lib/neopixel.mpy, lib/adafruit_lis3dh.mpy, lib/adafruit_bus_device)');

function libFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  // At the drive's root: '/' comes before '.frozen' in sys.path, so these load instead of the CPX's frozen
  // copies (in /lib the frozen ones would win, as on the board).
  for (const f of ['neopixel.mpy', 'adafruit_lis3dh.mpy', 'adafruit_thermistor.mpy']) if (existsSync(join(lib, f))) files[f] = readFileSync(join(lib, f));
  const bd = join(lib, 'adafruit_bus_device');
  if (existsSync(bd)) for (const f of readdirSync(bd)) files['lib/adafruit_bus_device/' + f] = readFileSync(join(bd, f));
  return files;
}

describe.skipIf(!have)('hosted engine: Adafruit libraries (.mpy from CircuitPython 9 mpy-cross)', () => {
  it('neopixel.mpy drives the NeoPixels through the core adafruit_pixelbuf and neopixel_write', async () => {
    const code =
      'import board, neopixel\npx = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=0.5, auto_write=False)\n' +
      'px.fill((200, 100, 50))\npx[0] = 0x0000FF\npx.show()\nprint("px", px[0], px[1])\n';
    const s = start({ board: 'cpx', files: { ...libFiles(), 'code.py': code } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain('px (0, 0, 255) (200, 100, 50)\r\n');
      const end = performance.now() + 10_000;
      while (JSON.stringify(s.handle.state?.pixels.pixels) !== JSON.stringify([0x00007f, ...Array(9).fill(0x643219)])) {
        if (performance.now() > end) throw new Error(`pixels: ${JSON.stringify(s.handle.state)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await s.stop();
    }
  });

  it('adafruit_lis3dh.mpy reads the accelerometer model over busio.I2C, following the set input', async () => {
    const code =
      'import board, busio, time, adafruit_lis3dh\n' +
      'i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)\n' +
      'lis = adafruit_lis3dh.LIS3DH_I2C(i2c, address=0x19)\nlis.range = adafruit_lis3dh.RANGE_8_G\n' +
      'print("ready")\ninput()\ntime.sleep(0.1)\nx, y, z = lis.acceleration\nprint("acc %.1f %.1f %.1f" % (x, y, z))\n';
    const s = start({ board: 'cpx', files: { ...libFiles(), 'code.py': code } });
    try {
      await s.waitFor('ready\r\n');
      s.handle.setPart('accelerometer', 'setAccelerationG', 0.5, -1, 0.25);
      s.handle.write('\r');
      await s.waitFor('Press any key');
      expect(s.text).toContain('acc 4.9 -9.8 2.5\r\n');
    } finally {
      await s.stop();
    }
  });

  it('adafruit_thermistor.mpy reads the CPX thermistor through analogio', async () => {
    const code =
      'import board, adafruit_thermistor\n' +
      'th = adafruit_thermistor.Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950, high_side=True)\n' +
      'print("T1 %.1f" % th.temperature)\ninput()\nprint("T2 %.1f" % th.temperature)\n';
    const s = start({ board: 'cpx', files: { ...libFiles(), 'code.py': code } });
    try {
      await s.waitFor('T1 ');
      s.handle.setPart('thermistor', 'setTemperature', 31.5);
      s.handle.write('\r');
      await s.waitFor('Press any key');
      // 25.1: the firmware's AnalogIn stretches 2048 to 32776 (CircuitPython 9.2.9 on the CPX prints 25.0551).
      expect(s.text).toContain('T1 25.1\r\n');
      expect(s.text).toMatch(/T2 3(1\.[3-7])\r\n/);
    } finally {
      await s.stop();
    }
  });
});
