/**
 * The CPX's frozen libraries (ours, py/frozen.ts) against the board's parts on the hosted engine: the inputs
 * a user sets (buttons, switch, light, temperature, acceleration, touch, a tap) reach `cp` through the chip
 * model (PORT, ADC, PTC, the LIS3DH over SERCOM I2C), and `cp`'s outputs reach the parts (pixels, red LED).
 * The same libraries are compared with the firmware's frozen copies in firmware-equivalence.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';

async function until(check: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 10_000;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('hosted CPX: adafruit_circuitplayground on the board parts', () => {
  it('reads the inputs set on the parts and drives the pixels and red LED', { timeout: 60_000 }, async () => {
    const code = [
      'from adafruit_circuitplayground import cp',
      'import time',
      "print(cp.button_a, cp.button_b, cp.switch, cp.light > 19, '%.0f' % cp.temperature, ['%.1f' % v for v in cp.acceleration], cp.touch_A1)",
      "print('ready')",
      'while not cp.tapped:',
      '    time.sleep(0.01)',
      "print('tapped', cp.touch_A1, cp.touch_A2, cp.touched, cp.shake(shake_threshold=20))",
      'cp.red_led = True',
      'cp.pixels.fill((0, 0, 255))',
      '',
    ].join('\n');
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      s.handle.setPart('buttonA', 'press');
      s.handle.setPart('slideSwitch', 'set', false);
      s.handle.setPart('light', 'setLux', 1000);
      s.handle.setPart('thermistor', 'setTemperature', 30);
      s.handle.setPart('accelerometer', 'setAccelerationG', 1, 0, 0);
      await s.waitFor('ready\r\n');
      expect(s.text).toContain("True False True True 30 ['9.8', '0.0', '0.0'] False\r\n");
      s.handle.setPart('touch', 'touch', 'A1', true);
      s.handle.setPart('accelerometer', 'setAccelerationG', 3, 0, 0);
      s.handle.setPart('accelerometer', 'tap', 'z');
      await s.waitFor('Press any key');
      expect(s.text).toContain('tapped True False [board.A1] True\r\n');
      await until(() => JSON.stringify(s.handle.state?.pixels.pixels) === JSON.stringify(Array(10).fill(0x0000ff)), 'blue pixels');
      await until(() => s.handle.state?.leds.redLed === true, 'the red LED');
    } finally {
      await s.stop();
    }
  });

  it('play_tone sounds on the speaker through audioio; sound input is unsupported as on the CPX build', { timeout: 60_000 }, async () => {
    const code = [
      'from adafruit_circuitplayground import cp',
      'import time',
      'cp.play_tone(440, 0.5)',
      "print('played')",
      'try:',
      '    cp.sound_level',
      'except Exception as e:',
      '    print(type(e).__name__, e)',
      '',
    ].join('\n');
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain('played\r\n');
      const hz = (await s.handle.queryPart('speaker', 'estimateFrequency')) as number;
      expect(hz).toBeGreaterThan(430);
      expect(hz).toBeLessThan(450);
      expect(s.text).toContain('NotImplementedError This feature is not supported on Circuit Playground Express.\r\n');
    } finally {
      await s.stop();
    }
  });
});
