// The same project tested from vitest through circuitemu's Node API: build the board, put this
// folder on CIRCUITPY, boot CircuitPython, then drive the button and read the LED and pixels.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyToDrive, createBoard, FirmwareEngine, loadFirmware, parseScenario, runScenario } from 'circuitemu';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const project = new URL('../CIRCUITPY', import.meta.url).pathname;

describe.skipIf(!dir)('the CPX project (CircuitPython from $CIRCUITEMU_FIRMWARE_DIR)', () => {
  it('lights the LED and pixel 0 while button A is pressed', async () => {
    const board = createBoard('cpx');
    loadFirmware(board, readFileSync(join(dir, 'circuitpython-cpx.uf2')), 'circuitpython-cpx.uf2');
    copyToDrive(board, project);
    const engine = new FirmwareEngine(board);
    // Steps can also be written inline; runScenario drives the board on the simulated timeline.
    const scenario = parseScenario(
      `steps:
  - wait-serial: ready
  - set-control: { part-id: buttonA, control: pressed, value: 1 }
  - wait-serial: button down
`,
      'inline.yaml',
    );
    const result = await runScenario(engine, scenario, { timeoutSeconds: 30, failText: 'Traceback' });
    expect(result.message).toBeUndefined();
    expect(board.parts.redLed.lit).toBe(true);
    expect(board.parts.pixels.rgb()[0]).toBe(0xff0000);
  }, 120_000);
});
