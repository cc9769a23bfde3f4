/**
 * The Node API as a package: a project that depends on circuitemu imports it by name (package.json
 * `exports`), in JavaScript and type-checked TypeScript, with no dist/ paths; and the API drives
 * our own USB echo firmware through a scenario and through the run loop directly. startBoard runs a board on
 * the hosted engine with no firmware (typed, by name), and the examples/ project's vitest file passes on it.
 * Runs the built package (`npm test` builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBoard, FirmwareEngine, loadFirmware, parseScenario, RunLoop, connectConsole, runScenario, junitXml } from '../../emulator/index.js';

const root = new URL('../../', import.meta.url).pathname;
const echoElf = join(root, 'tests/firmware/samd21-usb/usb_echo.elf');

/** A fresh project with circuitemu installed (a link to this package, as `npm install ../circuitemu` makes). */
function consumer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'circuitemu-consumer-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/circuitemu'), 'dir');
  symlinkSync(join(root, 'node_modules/@types'), join(dir, 'node_modules/@types'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  return dir;
}

const PROGRAM = `
import { createBoard, loadFirmware, FirmwareEngine, parseScenario, runScenario } from 'circuitemu';
import { readFileSync } from 'node:fs';
const board = createBoard('cpx');
loadFirmware(board, readFileSync(${JSON.stringify(echoElf)}), 'usb_echo.elf');
const scenario = parseScenario('steps:\\n  - write-serial: "ping"\\n  - wait-serial: "ping"\\n', 'inline.yaml');
const result = await runScenario(new FirmwareEngine(board, { reload: false }), scenario, { timeoutSeconds: 5 });
const pixels: number[] = board.parts.pixels.rgb();
console.log(result.status, new TextDecoder().decode(result.serial), pixels.length);
`;

const HOSTED = `
import { startBoard, BoardSessionError, type BoardSession } from 'circuitemu';
const board: BoardSession = await startBoard({ board: 'cpx', files: { '/code.py': 'import time\\nprint("hi")\\ntime.sleep(1)\\nprint("bye")\\n' } });
await board.runUntil({ serial: 'hi' });
const level: 0 | 1 = (await board.pin('LED')).level;
const early = board.seconds;
try {
  await board.runUntil({ serial: 'bye' }, { timeout: 0.5 });
} catch (e) {
  if (!(e instanceof BoardSessionError)) throw e;
  console.log(e.kind);
}
await board.runUntil({ serial: 'bye' });
console.log(board.engine, level, (await board.pixels()).length, early < 0.01, board.seconds > 1);
await board.close();
`;

function tsc(dir: string) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: dir, timeout: 60_000 });
  return { status: r.status, out: r.stdout.toString() + r.stderr.toString() };
}

describe('circuitemu as a package', () => {
  it("is imported by name from a project that depends on it (JavaScript and type-checked TypeScript)", () => {
    const dir = consumer();
    writeFileSync(join(dir, 'main.mjs'), PROGRAM.replace('const pixels: number[] =', 'const pixels ='));
    const js = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, timeout: 60_000 });
    expect(js.stderr.toString()).toBe('');
    expect(js.stdout.toString()).toBe('passed ping 10\n');
    writeFileSync(join(dir, 'main.ts'), PROGRAM);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] } }),
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: dir, timeout: 60_000 });
    expect(tsc.stdout.toString() + tsc.stderr.toString()).toBe('');
    expect(tsc.status).toBe(0);
    // A wrong type is caught: the board's parts are typed from its declaration.
    writeFileSync(join(dir, 'main.ts'), PROGRAM.replace('board.parts.pixels.rgb()', 'board.parts.pixelz.rgb()'));
    const bad = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: dir, timeout: 60_000 });
    expect(bad.stdout.toString()).toContain("Property 'pixelz' does not exist");
    // dist/ paths are not part of the interface.
    writeFileSync(join(dir, 'deep.mjs'), "import 'circuitemu/dist/emulator/run.js';");
    const deep = spawnSync(process.execPath, ['deep.mjs'], { cwd: dir, timeout: 60_000 });
    expect(deep.stderr.toString()).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('starts a board on the hosted engine by name (startBoard, typed), with no firmware', () => {
    const dir = consumer();
    writeFileSync(join(dir, 'main.mjs'), HOSTED.replace('import { startBoard, BoardSessionError, type BoardSession }', 'import { startBoard, BoardSessionError }').replace(': BoardSession =', ' =').replace('const level: 0 | 1 =', 'const level =').replace('(e instanceof', '(e instanceof'));
    const js = spawnSync(process.execPath, ['main.mjs'], { cwd: dir, timeout: 60_000 });
    expect(js.stderr.toString()).toBe('');
    expect(js.stdout.toString()).toBe('failed\nhosted 0 10 true true\n');
    writeFileSync(join(dir, 'main.ts'), HOSTED);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] } }),
    );
    expect(tsc(dir)).toEqual({ status: 0, out: '' });
    // A misspelt condition is a type error, not a silent wait.
    writeFileSync(join(dir, 'main.ts'), HOSTED.replace("runUntil({ serial: 'hi' })", "runUntil({ serail: 'hi' })"));
    expect(tsc(dir).out).toContain("'serail' does not exist");
  }, 120_000);

  it("passes the examples/ project's vitest file (which imports circuitemu by name) on the hosted engine", () => {
    const project = mkdtempSync(join(tmpdir(), 'circuitemu-example-'));
    cpSync(join(root, 'examples/cpx-project'), project, { recursive: true });
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules/circuitemu'), 'dir');
    symlinkSync(join(root, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
    const env: NodeJS.ProcessEnv = { ...process.env, CI: '1' };
    delete env.CIRCUITEMU_FIRMWARE_DIR; // the firmware half is tests/scenario/circuitpython.test.ts's
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test'], { cwd: project, timeout: 300_000, env });
    const out = (r.stdout.toString() + r.stderr.toString()).replace(/\x1b\[[0-9;]*m/g, '');
    expect(out).toMatch(/Tests +2 passed \| 2 skipped \(4\)/);
    expect(r.status).toBe(0);
  }, 300_000);

  it('runs a scenario and the run loop on our own firmware, step results and report included', async () => {
    const board = createBoard('cpx');
    loadFirmware(board, readFileSync(echoElf), 'usb_echo.elf');
    const scenario = parseScenario('name: api\nsteps:\n  - delay: 200ms\n  - write-serial: "abc"\n  - wait-serial: "abc"\n  - expect-serial: "zzz"\n', 'api.yaml');
    const result = await runScenario(new FirmwareEngine(board, { reload: false }), scenario, { timeoutSeconds: 5 });
    expect(result.status).toBe('failed');
    expect(result.message).toBe('step 4 (expect-serial), line 6: "zzz" is not in the serial output after the previous match: (nothing)');
    expect(result.steps.map((s) => s.status)).toEqual(['passed', 'passed', 'passed', 'failed']);
    expect(result.steps[0].seconds).toBeCloseTo(0.2, 9);
    expect(junitXml([result])).toContain('<failure type="failed" message="step 4 (expect-serial), line 6: &quot;zzz&quot; is not in the serial output');

    // A scenario whose steps all finish at time 0 ends at once (no waiting for the timeout).
    const quick = createBoard('cpx');
    loadFirmware(quick, readFileSync(echoElf), 'usb_echo.elf');
    const instant = await runScenario(new FirmwareEngine(quick), parseScenario('steps:\n  - expect-pin: { pin: LED, value: 0 }\n', 'i.yaml'), { timeoutSeconds: 100 });
    expect(instant.status).toBe('passed');
    expect(instant.seconds).toBe(0);

    const again = createBoard('cpx');
    const { console } = connectConsole(again);
    loadFirmware(again, readFileSync(echoElf), 'usb_echo.elf');
    const loop = new RunLoop(again.machine, console, { timeoutSeconds: 2, expectText: 'xyz' });
    console.write(new TextEncoder().encode('xyz'));
    expect((await loop.run()).kind).toBe('expected');
    expect(loop.history.text()).toBe('xyz');
  });
});
