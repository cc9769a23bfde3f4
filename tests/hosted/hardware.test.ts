/**
 * The hosted engine's hardware modules act on the chip model through its registers, and the board's part
 * models see the result exactly as they would from firmware: the WS2812B chain decodes colours from the
 * pin's edge timing, the LIS3DH answers over the SERCOM's I2C pads, the LED follows PORT.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';

async function untilState(s: ReturnType<typeof start>, pred: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`state never matched; last: ${JSON.stringify(s.handle.state)}\n${s.text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('hosted engine: hardware through the chip', () => {
  it('neopixel_write: the board\'s WS2812B model decodes the colours (GRB order on the wire)', async () => {
    const code =
      'import board, digitalio, neopixel_write\n' +
      'p = digitalio.DigitalInOut(board.NEOPIXEL)\np.direction = digitalio.Direction.OUTPUT\n' +
      'buf = bytearray()\nfor i in range(10):\n    buf += bytes([i * 10, 255 - i, i])\n' +
      'neopixel_write.neopixel_write(p, buf)\nprint("written")\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain('written\r\n');
      const expected = Array.from({ length: 10 }, (_, i) => ((255 - i) << 16) | ((i * 10) << 8) | i);
      await untilState(s, () => JSON.stringify(s.handle.state?.pixels.pixels) === JSON.stringify(expected));
    } finally {
      await s.stop();
    }
  });

  it('digitalio drives the red LED through PORT and reads the buttons and switch with their pulls', async () => {
    const code =
      'import board, digitalio, time\n' +
      'led = digitalio.DigitalInOut(board.LED)\nled.switch_to_output(True)\n' +
      'a = digitalio.DigitalInOut(board.BUTTON_A)\na.switch_to_input(pull=digitalio.Pull.DOWN)\n' +
      'sw = digitalio.DigitalInOut(board.SLIDE_SWITCH)\nsw.switch_to_input(pull=digitalio.Pull.UP)\n' +
      'print("a", a.value, "switch", sw.value)\ninput()\nprint("a", a.value)\n' +
      'try:\n    digitalio.DigitalInOut(board.D13)\nexcept ValueError as e:\n    print(e)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('a False switch');
      s.handle.setPart('buttonA', 'press');
      s.handle.write('\r');
      await s.waitFor('Press any key');
      expect(s.text).toContain('a True\r\n');
      expect(s.text).toContain('LED in use\r\n');
      await untilState(s, () => s.handle.state?.leds.redLed === true);
    } finally {
      await s.stop();
    }
  });

  it('busio.I2C: a SERCOM in I2C master mode finds the LIS3DH at 0x19 and reads its registers', async () => {
    const code =
      'import board, busio, struct\n' +
      'i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)\n' +
      'while not i2c.try_lock():\n    pass\n' +
      'print("scan", [hex(a) for a in i2c.scan()])\n' +
      'b = bytearray(1)\ni2c.writeto_then_readfrom(0x19, bytes([0x0F]), b)\nprint("whoami", hex(b[0]))\n' +
      'i2c.writeto(0x19, bytes([0x20, 0x77]))\ni2c.writeto(0x19, bytes([0x23, 0x88]))\n' + // 400 Hz, BDU, high resolution +-2 g
      'import time\ntime.sleep(0.1)\n' +
      'raw = bytearray(6)\ni2c.writeto_then_readfrom(0x19, bytes([0x28 | 0x80]), raw)\n' +
      'x, y, z = struct.unpack("<hhh", raw)\nprint("z/16 %d" % (z // 16))\n' +
      'try:\n    i2c.writeto(0x42, b"x")\nexcept OSError as e:\n    print("nack", e)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain("scan ['0x19']\r\n");
      expect(s.text).toContain('whoami 0x33\r\n');
      // 1 g on z at +-2 g, high resolution: 1 mg/digit -> about 1000 (left-justified 12 bits).
      const z = Number(/z\/16 (-?\d+)/.exec(s.text)![1]);
      expect(Math.abs(z - 1000)).toBeLessThan(60);
      expect(s.text).toContain('nack [Errno 19] No such device\r\n');
    } finally {
      await s.stop();
    }
  });

  it('busio.I2C refuses pins with no pull-ups, as CircuitPython does', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'import board, busio\nbusio.I2C(board.SCL, board.SDA)\n' } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain('RuntimeError: No pull up found on SDA or SCL; check your wiring\r\n');
    } finally {
      await s.stop();
    }
  });

  it('analogio reads the thermistor and light sensor through the ADC, following the set inputs', async () => {
    // adafruit_thermistor's formula for the CPX (circuitpython-console.md §8): reading = value / 64,
    // R = 1023 * 10 kΩ / reading - 10 kΩ, then the β equation (β 3950, 25 °C).
    const code =
      'import board, analogio, math, time\n' +
      't = analogio.AnalogIn(board.TEMPERATURE)\nl = analogio.AnalogIn(board.LIGHT)\n' +
      'def celsius():\n    R = 1023 * 10000 / (t.value / 64) - 10000\n    return 1 / (math.log(R / 10000) / 3950 + 1 / 298.15) - 273.15\n' +
      'print("T1 %.1f light %d" % (celsius(), l.value))\ninput()\nprint("T2 %.1f light %d" % (celsius(), l.value))\n' +
      'try:\n    analogio.AnalogIn(board.LED)\nexcept ValueError as e:\n    print(e)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('T1 ');
      // The program waits in input() so the new inputs land before its next reading (virtual time races ahead).
      s.handle.setPart('thermistor', 'setTemperature', 40);
      s.handle.setPart('light', 'setLux', 0);
      s.handle.write('\r');
      await s.waitFor('Press any key');
      // 25.1, not 25.0: the port stretches the 12-bit 2048 to 32776 (CircuitPython 9.2.9 on the CPX: 25.0551 °C).
      expect(s.text).toMatch(/T1 25\.1 light [1-9]\d*\r\n/);
      expect(s.text).toMatch(/T2 (39\.[5-9]|40\.[0-5]) light 0\r\n/);
      expect(s.text).toContain('Invalid pin\r\n');
    } finally {
      await s.stop();
    }
  });

  it('touchio reads the PTC: a touched pad reads above the threshold CircuitPython sets (first reading + 100)', async () => {
    const code =
      'import board, touchio\nt = touchio.TouchIn(board.A1)\nprint("v1", t.value, t.threshold - t.raw_value)\ninput()\nprint("v2", t.value)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('v1 ');
      s.handle.setPart('touch', 'touch', 'A1', true);
      s.handle.write('\r');
      await s.waitFor('Press any key');
      expect(s.text).toContain('v1 False 100\r\n');
      expect(s.text).toContain('v2 True\r\n');
    } finally {
      await s.stop();
    }
  });

  it('pwmio: a TCC in NPWM mode dims the red LED to the duty cycle (measured on the LED part), at the asked frequency', async () => {
    const code =
      'import board, pwmio, time\nled = pwmio.PWMOut(board.LED, frequency=1000, duty_cycle=16384)\n' +
      'print("f", led.frequency)\ninput("w1")\ntime.sleep(1)\ninput("w2")\nled.duty_cycle = 49152\ninput("w3")\ntime.sleep(1)\ninput("w4")\n' +
      'try:\n    pwmio.PWMOut(board.A0)\nexcept ValueError as e:\n    print(e)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      // The program waits in input() (prompts w1..w4) so the LED is measured over exactly its 1 s sleep.
      const measure = async (start: string, end: string): Promise<number> => {
        await s.waitFor(start);
        await s.handle.queryPart('redLed', 'dutySince', '@now'); // start a window
        s.handle.write('\r');
        await s.waitFor(end);
        const duty = (await s.handle.queryPart('redLed', 'dutySince', '@now')) as number;
        s.handle.write('\r');
        return duty;
      };
      await s.waitFor('f ');
      expect(s.text).toContain('f 1000\r\n');
      expect(Math.abs((await measure('w1', 'w2')) - 0.25)).toBeLessThan(0.01);
      expect(Math.abs((await measure('w3', 'w4')) - 0.75)).toBeLessThan(0.01);
      await s.waitFor('Press any key');
      expect(s.text).toContain('Invalid pin\r\n');
    } finally {
      await s.stop();
    }
  });
});
