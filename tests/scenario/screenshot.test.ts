/**
 * take-screenshot: a PNG of the board painted from its drawing data with its lights, read back
 * with pngjs (an independent decoder of what we encode) and checked at the drawing's positions:
 * each NeoPixel's die holds its exact colour, a lit LED glows, the board and background are
 * where the outline puts them. Through the built CLI with our own button_led firmware, and with
 * CircuitPython's NeoPixels when $CIRCUITEMU_FIRMWARE_DIR is set.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CPX_DRAWING } from '../../boards/drawings/cpx.js';
import { renderBoard, toPixel, parseColor } from '../../emulator/screenshot/render.js';
import { encodePng } from '../../emulator/screenshot/png.js';
import { parseScenario } from '../../emulator/scenario/parse.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-screenshot-'));

/** The [r, g, b] of a PNG file at a drawing position (millimetres). */
function colourAt(file: string, x: number, y: number): [number, number, number] {
  const png = pngjs.PNG.sync.read(readFileSync(file));
  const i = (toPixel(y) * png.width + toPixel(x)) * 4;
  return [png.data[i], png.data[i + 1], png.data[i + 2]];
}

const cpxPart = (part: string, index = 0) => CPX_DRAWING.components.find((c) => c.part === part && (c.index ?? 0) === index)!;
const split = (rgb: number) => [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];

describe('board pictures', () => {
  it('paints every NeoPixel of the CPX in its exact colour, read back from the PNG', () => {
    const colours = [0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xfedcba, 0x010101, 0x808080, 0xffffff, 0x00ffff, 0];
    const file = join(scratch, 'pixels.png');
    writeFileSync(file, encodePng(renderBoard(CPX_DRAWING, { chains: { pixels: colours }, leds: { redLed: { lit: true, color: 'red' } } })));
    colours.forEach((rgb, index) => {
      const c = cpxPart('pixels', index);
      expect(colourAt(file, c.x, c.y), `pixel ${index}`).toEqual(rgb ? split(rgb) : split(0xd9d4c4));
    });
    const led = cpxPart('redLed');
    expect(colourAt(file, led.x, led.y)).toEqual([0xff, 0x20, 0x20]);
    // Most of the picture is solder mask; the corners, outside the round outline, background.
    const png = pngjs.PNG.sync.read(readFileSync(file));
    const [r, g, b] = split(parseColor(CPX_DRAWING.colors.board));
    let mask = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === r && png.data[i + 1] === g && png.data[i + 2] === b) mask++;
    expect(mask / (png.width * png.height)).toBeGreaterThan(0.4);
    expect(colourAt(file, -1.5, -1.5)).toEqual([255, 255, 255]);
    expect(colourAt(file, CPX_DRAWING.width + 1, CPX_DRAWING.height + 1)).toEqual([255, 255, 255]);
  });

  it('parses take-screenshot as Wokwi writes it, and refuses a step with nothing to do', () => {
    const s = parseScenario('steps:\n  - take-screenshot: { part-id: board, save-to: a.png, compare-with: b.png }\n', 't.yaml');
    expect(s.steps[0]).toMatchObject({ kind: 'take-screenshot', partId: 'board', saveTo: 'a.png', compareWith: 'b.png' });
    expect(() => parseScenario('steps:\n  - take-screenshot: { part-id: board }\n', 't.yaml')).toThrow(/t\.yaml:2: step 1 \(take-screenshot\): needs save-to .* or compare-with/);
    expect(() => parseScenario('steps:\n  - take-screenshot: { save: a.png }\n', 't.yaml')).toThrow(/t\.yaml:2:.*save/);
  });
});

function test(firmware: string, scenario: string, name: string) {
  const file = join(scratch, `${name}.yaml`);
  writeFileSync(file, scenario);
  const r = spawnSync(process.execPath, [bin, 'test', '--firmware', firmware, file], { timeout: 300_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('take-screenshot through `circuitemu test`', () => {
  const firmware = join(root, 'tests/firmware/samd21/button_led.elf');
  const pressed = (extra: string) =>
    `name: LED\nboard: cpx\nreload: false\ntimeout: 2s\nsteps:\n  - set-control: { part-id: buttonA, control: pressed, value: 1 }\n  - delay: 10ms\n${extra}`;

  it('saves the board with the LED lit (button A held), and the same picture compares equal', () => {
    const r = test(firmware, pressed('  - take-screenshot: { part-id: cpx, save-to: lit.png }\n'), 'lit');
    expect(r.stdout).toMatch(/^PASS LED/);
    expect(r.status).toBe(0);
    const led = cpxPart('redLed');
    expect(colourAt(join(scratch, 'lit.png'), led.x, led.y)).toEqual([0xff, 0x20, 0x20]);
    const again = test(firmware, pressed('  - take-screenshot: { compare-with: lit.png }\n'), 'again');
    expect(again.stdout).toMatch(/^PASS LED/);
    expect(again.status).toBe(0);
  }, 120_000);

  it('a picture that differs fails the step, counting the pixels and naming the first (status 1)', () => {
    test(firmware, pressed('  - take-screenshot: { save-to: lit2.png }\n'), 'lit2');
    const dark = `name: Dark\nboard: cpx\nreload: false\ntimeout: 2s\nsteps:\n  - delay: 10ms\n  - take-screenshot: { compare-with: lit2.png }\n`;
    const r = test(firmware, dark, 'dark');
    expect(r.stdout).toMatch(/FAIL Dark .*\n  step 2 \(take-screenshot\), line 7: \d+ pixels differ from .*lit2\.png, the first at \(\d+, \d+\): #c9c9c9, expected #ff2020/);
    expect(r.status).toBe(1);
    const missing = test(firmware, dark.replace('lit2.png', 'none.png'), 'missing');
    expect(missing.stdout).toMatch(/step 2 \(take-screenshot\), line 7: cannot read .*none\.png: no such file/);
    expect(missing.status).toBe(1);
    const wrongPart = test(firmware, dark.replace('{ compare-with', '{ part-id: buttonA, compare-with'), 'part');
    expect(wrongPart.stderr).toMatch(/part\.yaml:7: step 2 \(take-screenshot\): part-id 'buttonA': a screenshot is of the whole board/);
    expect(wrongPart.status).toBe(65);
  }, 120_000);
});

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const cp = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
const haveCp = !!cp && existsSync(cp);
if (!haveCp) console.warn('[tests/scenario/screenshot] SKIPPED CircuitPython screenshot: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2');

describe.skipIf(!haveCp)('take-screenshot on CircuitPython (cpx)', () => {
  it("shows the NeoPixel colour CircuitPython set, the one expect-neopixel sees", () => {
    const scenario =
      `name: Pixels\nboard: cpx\ndrive: ${join(root, 'examples/cpx-project/CIRCUITPY')}\ntimeout: 30s\nsteps:\n  - wait-serial: ready\n` +
      `  - take-screenshot: { save-to: idle.png }\n  - set-control: { part-id: buttonA, control: pressed, value: 1 }\n  - wait-serial: button down\n` +
      `  - expect-neopixel: { index: 0, color: [255, 0, 0], tolerance: 2 }\n  - take-screenshot: { save-to: pressed.png }\n`;
    const r = test(cp, scenario, 'cp');
    expect(r.stdout).toMatch(/^PASS Pixels/);
    const p0 = cpxPart('pixels', 0);
    const [red, green, blue] = colourAt(join(scratch, 'pressed.png'), p0.x, p0.y);
    expect(Math.abs(red - 255)).toBeLessThanOrEqual(2);
    expect([green, blue]).toEqual([0, 0]);
    expect(colourAt(join(scratch, 'idle.png'), p0.x, p0.y)).toEqual([0, 0, 0x20]); // expect-neopixel "#000020" in button.yaml
  }, 300_000);
});
