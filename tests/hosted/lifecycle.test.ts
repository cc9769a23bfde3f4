/**
 * Objects that hold a pin or a peripheral (digitalio, analogio, touchio, pwmio, busio): deinit twice is
 * harmless, use after deinit raises CircuitPython's ValueError, a `with` block releases the resource so
 * it can be claimed again, and there is no public deinited() (CircuitPython 9's classes have none).
 * The expected lines are what unmodified CircuitPython 9.2.9 printed for this code.py on the emulated
 * CPX (firmware-equivalence.test.ts compares the two engines live when the firmware is at hand).
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';

const CODE = "import board, digitalio, analogio, touchio, pwmio, busio\nmakers = (('DigitalInOut', lambda: digitalio.DigitalInOut(board.D13), 'value'), ('AnalogIn', lambda: analogio.AnalogIn(board.A1), 'value'),\n          ('TouchIn', lambda: touchio.TouchIn(board.A2), 'value'), ('PWMOut', lambda: pwmio.PWMOut(board.A3), 'duty_cycle'),\n          ('I2C', lambda: busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA), None))\nfor name, make, attr in makers:\n    o = make()\n    print(name, hasattr(o, 'deinited'))\n    o.deinit()\n    o.deinit()\n    try:\n        getattr(o, attr) if attr else o.try_lock()\n    except ValueError as e:\n        print('ValueError:', e)\n    with make() as again:\n        print('again', type(again).__name__)\n    make().deinit()\n    print('reclaimed')\n";
const FIRMWARE_PRINTED = "DigitalInOut False\nValueError: Object has been deinitialized and can no longer be used. Create a new object.\nagain DigitalInOut\nreclaimed\nAnalogIn False\nValueError: Object has been deinitialized and can no longer be used. Create a new object.\nagain AnalogIn\nreclaimed\nTouchIn False\nValueError: Object has been deinitialized and can no longer be used. Create a new object.\nagain TouchIn\nreclaimed\nPWMOut False\nValueError: Object has been deinitialized and can no longer be used. Create a new object.\nagain PWMOut\nreclaimed\nI2C False\nValueError: Object has been deinitialized and can no longer be used. Create a new object.\nagain I2C\nreclaimed\n";

describe('hosted engine: deinit and context managers as on the firmware', () => {
  it('prints what CircuitPython 9.2.9 prints', async () => {
    const s = start({ board: 'cpx', files: { 'code.py': CODE } });
    try {
      await s.waitFor('Press any key');
      const body = s.text.replace(/\x1b\][^\x1b]*\x1b\\/g, '').replace(/\r/g, '').split('code.py output:\n')[1]!.split('\n\nCode done')[0] + '\n';
      expect(body).toBe(FIRMWARE_PRINTED);
    } finally {
      await s.stop();
    }
  });
});
