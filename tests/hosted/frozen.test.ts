/**
 * Libraries frozen into a board's firmware: the CPX's CircuitPython 9.2.9 freezes neopixel (its name is
 * in the firmware image), the Metro M0 Express build freezes nothing. The hosted CPX therefore imports
 * `neopixel` with nothing on the drive (our own module, written from the library's documented API), and
 * the colours reach the board's WS2812B model; the hosted Metro refuses it as the Metro's firmware does.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';

describe('hosted engine: frozen libraries follow the board', () => {
  it('cpx: import neopixel works with an empty drive; fill, indexing, brightness reach the pixels', async () => {
    const code =
      'import board, neopixel\n' +
      'px = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=0.5, auto_write=False)\n' +
      'px.fill((200, 100, 0))\npx[9] = 0x0000FF\npx.show()\n' +
      'print(neopixel.__file__ if hasattr(neopixel, "__file__") else "frozen", len(px), px[9], px.n)\n' +
      'with neopixel.NeoPixel(board.A1, 1, pixel_order=neopixel.RGB) as one:\n    one[0] = (1, 2, 3)\n' +
      'print("done")\n';
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain('10 (0, 0, 255) 10\r\n');
      expect(s.text).toContain('done\r\n');
      const expected = [...Array(9).fill(0x643200), 0x00007f];
      const end = performance.now() + 10_000;
      while (JSON.stringify(s.handle.state?.pixels.pixels) !== JSON.stringify(expected)) {
        if (performance.now() > end) throw new Error(`pixels ${JSON.stringify(s.handle.state?.pixels.pixels)}\n${s.text}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await s.stop();
    }
  });

  it('metro_m0_express: neopixel is not built in, as on its firmware', async () => {
    const s = start({ board: 'metro_m0_express', files: { 'code.py': 'import neopixel\n' } });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain("ImportError: no module named 'neopixel'\r\n");
    } finally {
      await s.stop();
    }
  });
});
