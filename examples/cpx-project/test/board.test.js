// The same project tested from vitest through circuitemu's Node API, on both engines: startBoard puts this
// folder on CIRCUITPY and powers the board on; the test presses the button, types on the console and saves a
// new code.py, and reads the LED, the pixels, the console and the drive.
//   hosted: code.py on CircuitPython's runtime in TypeScript (nothing to download);
//   firmware: CircuitPython itself on the emulated CPU (from $CIRCUITEMU_FIRMWARE_DIR; skipped without it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BoardSessionError, startBoard } from 'circuitemu';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const uf2 = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
const project = new URL('../CIRCUITPY', import.meta.url).pathname;
if (!uf2 || !existsSync(uf2)) console.warn('[board.test] firmware engine SKIPPED: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2');

const engines = [
  ['hosted', () => ({})],
  ['firmware', () => ({ firmware: readFileSync(uf2), firmwareName: 'circuitpython-cpx.uf2' })],
];

describe.each(engines)('the CPX project on the %s engine', (engine, firmware) => {
  const skip = engine === 'firmware' && (!uf2 || !existsSync(uf2));
  let board;
  afterEach(() => board?.close());

  it.skipIf(skip)('lights the LED and pixel 0 while button A is pressed', async () => {
    board = await startBoard({ board: 'cpx', engine, drive: project, ...firmware() });
    await board.runUntil({ serial: 'ready' }, { timeout: 30 });
    expect((await board.pin('LED')).level).toBe(0);
    expect((await board.pixels())[0]).toBe(0x000020);

    await board.setControl('buttonA', 'pressed', 1);
    await board.runUntil({ serial: 'button down' });
    expect((await board.pin('LED')).level).toBe(1);
    expect((await board.pixels())[0]).toBe(0xff0000);
    expect((await board.lights()).leds.redLed.lit).toBe(true);

    await board.setControl('buttonA', 'pressed', 0);
    // The board stops at the LED's falling edge: code.py prints after setting it.
    await board.runUntil({ pin: 'LED', value: 0 }, { timeout: 0.5 });
    expect(board.console).not.toContain('button up');
    await board.runUntil({ serial: 'button up' });
    expect((await board.pixels())[0]).toBe(0x000020);
  }, 120_000);

  it.skipIf(skip)('echoes console lines, reloads a saved code.py, and says what it saw when a wait fails', async () => {
    board = await startBoard({ board: 'cpx', engine, drive: project, ...firmware() });
    await board.runUntil({ serial: 'ready' }, { timeout: 30 });
    await board.writeSerial('hello\r');
    await board.runUntil({ serial: 'echo HELLO' });

    const late = board.runUntil({ serial: 'goodbye' }, { timeout: 0.2 });
    await expect(late).rejects.toThrow(BoardSessionError);
    await expect(late).rejects.toThrow('"goodbye" did not appear within 0.2 s');

    await board.writeFile('/code.py', 'print("new code", 6 * 7)\n');
    await board.runUntil({ serial: 'new code 42' }, { timeout: 30 });
    expect(new TextDecoder().decode(await board.readFile('/code.py'))).toContain('6 * 7');
    expect(await board.readFile('/no-such-file.txt')).toBeNull();
  }, 120_000);
});
