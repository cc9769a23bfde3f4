/**
 * board.I2C() as a singleton (shared-module/board/__init__.c: one static busio.I2C; the same object while
 * it is live, constructed again in place after deinit). On the CPX nothing pulls SCL/SDA (A4/A5) up, so the
 * firmware refuses board.I2C() (tests/hosted/modules-firmware.test.ts `boardbuses` compares that with
 * CircuitPython 9.2.9); here a part the user wired holds both pads high, which is what busio.I2C's pull-up
 * check looks for. SPI and UART singletons are compared with the firmware in modules-firmware.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';
import { EXTERNAL_COMMAND } from '../../firmware-runtime/hosted/engine.js';

const CODE =
  'import board, busio, time\n' +
  'while True:\n    try:\n        a = board.I2C()\n        break\n    except RuntimeError:\n        time.sleep(0.01)\n' +
  'b = board.I2C()\nprint("same", a is b)\n' +
  'try:\n    busio.I2C(board.SCL, board.SDA)\nexcept ValueError as e:\n    print("ValueError:", e)\n' +
  'a.deinit()\nc = board.I2C()\nprint("again", c is a, a.try_lock())\n';

describe('hosted engine: board.I2C() singleton', () => {
  it('returns one object, refuses a second bus on its pins, and is reconstructed in place after deinit', { timeout: 60_000 }, async () => {
    const s = start({ board: 'cpx', files: { 'code.py': CODE } });
    try {
      s.handle.setPart(EXTERNAL_COMMAND, 'drive', 'PB02', 1); // SDA (A5)
      s.handle.setPart(EXTERNAL_COMMAND, 'drive', 'PB03', 1); // SCL (A4)
      await s.waitFor('Press any key');
      expect(s.text).toContain('same True\r\nValueError: A4 in use\r\nagain True True\r\n');
    } finally {
      await s.stop();
    }
  });
});
