/**
 * What the web app reads from the hosted engine besides the console (firmware-runtime/hosted/README.md,
 * "What the page sees"), checked in Node: the parts the code used as the chip model saw them
 * (boards/part-use.ts), the pads' levels, and a part the user wired to a pad (`@external`). The oracles are
 * the program's own accesses: only the sensors it touches are reported, in the board's declaration order;
 * a pad it drives high reads 1, a pad nothing drives reads floating, and the pull-up it enables reads the
 * external button.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';
import { boardPads, PAD_FLOATING } from '../../boards/pad-levels.js';
import { CPX_SPEC } from '../../boards/cpx.js';
import { EXTERNAL_COMMAND } from '../../firmware-runtime/hosted/engine.js';

async function until(s: ReturnType<typeof start>, pred: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`state never matched; last: ${JSON.stringify(s.handle.state)}\n${s.text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pads = boardPads(CPX_SPEC);

describe('hosted engine: what the page sees of the board', () => {
  it('reports the parts code.py used, seen on the chip: the light sensor\'s ADC input, touch pad A2\'s PTC line, button A\'s input', async () => {
    const code =
      'import board, analogio, touchio, digitalio\n' +
      'print("before")\ninput()\n' +
      'light = analogio.AnalogIn(board.LIGHT)\nlight.value\n' +
      'touch = touchio.TouchIn(board.A2)\n' +
      'a = digitalio.DigitalInOut(board.BUTTON_A)\na.switch_to_input(pull=digitalio.Pull.DOWN)\n' +
      'print("used")\ninput()\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('before');
      await until(s, () => s.handle.state !== null);
      expect(s.handle.state!.used).toEqual([]);
      s.handle.write('\r');
      await s.waitFor('used');
      await until(s, () => (s.handle.state?.used.length ?? 0) >= 3);
      // Declaration order in boards/cpx.ts; the thermistor, accelerometer, microphone, switch and other pads were not touched.
      expect(s.handle.state!.used).toEqual(['light', 'buttonA', 'touch.A2']);
    } finally {
      await s.stop();
    }
  });

  it('reports pad levels, and an external button wired to A2 pulls the pad the code reads low', async () => {
    const code =
      'import board, digitalio, time\n' +
      'out = digitalio.DigitalInOut(board.A1)\nout.switch_to_output(True)\n' +
      'btn = digitalio.DigitalInOut(board.A2)\nbtn.switch_to_input(pull=digitalio.Pull.UP)\n' +
      'print("A2", btn.value)\nwhile btn.value:\n    time.sleep(0.01)\nprint("A2", btn.value)\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('A2 True');
      const level = (pad: string) => s.handle.state?.pads[pads.indexOf(pad)];
      await until(s, () => level('PA05') === 1 && level('PA06') === 1);
      expect(level('PB03')).toBe(PAD_FLOATING); // A4: nothing drives it, no pull
      s.handle.setPart(EXTERNAL_COMMAND, 'drive', 'PA06', 0);
      await s.waitFor('A2 False');
      await until(s, () => level('PA06') === 0);
    } finally {
      await s.stop();
    }
  });
});
