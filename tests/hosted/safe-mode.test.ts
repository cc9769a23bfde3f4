/**
 * Safe mode from the board's buttons: on the CPX, buttons A and B held at power-on (CircuitPython's
 * board_requests_safe_mode reads PA14 and PA28 as pulled-down inputs) start the board in safe mode with the
 * user reason `You pressed both buttons at start up.` (circuitpython-console.md §6): boot.py and code.py do
 * not run, boot_out.txt is not written. One button, or a board without such buttons, boots normally. Inputs
 * set right after start() are there at power-on.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';

const files = { 'boot.py': 'print("boot ran")\n', 'code.py': 'print("code ran")\n' };

describe('hosted engine: safe mode from the buttons held at reset', () => {
  it('cpx: both buttons held: safe mode, no boot.py or code.py', { timeout: 60_000 }, async () => {
    const s = start({ board: 'cpx', files });
    try {
      s.handle.setPart('buttonA', 'press');
      s.handle.setPart('buttonB', 'press');
      await s.waitFor('Press any key');
      expect(s.text).toBe(
        '\r\n\x1b[2K\x1b[0GAuto-reload is off.\r\nRunning in safe mode! Not running saved code.\r\n\r\n' +
          'You are in safe mode because:\r\nYou pressed both buttons at start up.\r\nPress reset to exit safe mode.\r\n' +
          '\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n',
      );
      // The REPL still works in safe mode; boot.py never wrote boot_out.txt.
      s.handle.write('\r');
      await s.waitFor('>>> ');
      s.handle.write('import os; print("boot_out.txt" in os.listdir("/"))\r');
      await s.waitFor('False\r\n');
    } finally {
      await s.stop();
    }
  });

  it('cpx: one button held boots normally', { timeout: 60_000 }, async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'import board, digitalio\nb = digitalio.DigitalInOut(board.BUTTON_A)\nb.switch_to_input(pull=digitalio.Pull.DOWN)\nprint("code ran", b.value)\n' } });
    try {
      s.handle.setPart('buttonA', 'press');
      await s.waitFor('Press any key');
      expect(s.text).toContain('code ran True\r\n');
      expect(s.text).not.toContain('safe mode');
    } finally {
      await s.stop();
    }
  });
});
