/**
 * `circuitemu test` without --firmware: scenarios on the hosted engine (code.py on CircuitPython's runtime in
 * TypeScript), through the built CLI. The examples/ project's scenarios pass on it, with the same serial log
 * twice; on the firmware engine too (CircuitPython 9.2.9 from $CIRCUITEMU_FIRMWARE_DIR; skipped without it),
 * with JUnit reports of the same shape. Screenshots follow the board. The test-suite scenarios written against the firmware (inputs read by
 * CircuitPython's drivers, PWM, the speaker's tone, files before boot) pass unchanged on the hosted engine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const firmware = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
const have = !!dir && existsSync(firmware);
if (!have) console.warn('[tests/scenario/hosted] SKIPPED the firmware-engine half: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-hosted-scenario-'));
const example = join(root, 'examples/cpx-project');
const scenarios = ['button', 'serial', 'files'].map((n) => join(example, `scenarios/${n}.yaml`));
const files = join(root, 'tests/scenario/files');

function test(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'test', '--fail-text', 'Traceback', ...args], { timeout: 300_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

/** A JUnit report with its figures (times, simulated seconds) and console text taken out. */
function shape(xml: string): string {
  return xml
    .replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, 'CDATA')
    .replace(/time="[^"]*"/g, 'time=""')
    .replace(/value="[0-9.]+"/g, 'value=""');
}

/** Runs the example's scenarios twice (extra args choose the engine); returns the JUnit report. */
function exampleTwice(extra: string[], tag: string): string {
  const logs = [1, 2].map((i) => {
    const log = join(scratch, `${tag}${i}.log`);
    const r = test([...extra, ...scenarios, '--serial-log', log, '--junit', join(scratch, `${tag}.xml`)]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^PASS Button A lights the LED .*\nPASS Console commands .*\nPASS Saving code.py reloads it .*\n$/);
    expect(r.status).toBe(0);
    return readFileSync(log);
  });
  expect(logs[0].equals(logs[1])).toBe(true);
  const xml = readFileSync(join(scratch, `${tag}.xml`), 'utf8');
  expect(xml).toContain('tests="3" failures="0" errors="0"');
  return xml;
}

describe('scenarios on the hosted engine (no --firmware)', () => {
  it("passes the examples/ project's scenarios, with the same serial log twice", () => {
    const xml = exampleTwice([], 'hosted');
    const log = readFileSync(join(scratch, 'hosted1.log'), 'latin1');
    // What the steps drove: button A, the console echo, the light sensor, the auto-reload of a new code.py.
    expect(log).toContain('button down');
    expect(log).toContain('echo HELLO');
    expect(log).toMatch(/light \d+/);
    expect(log).toContain('new code 42');
    expect(shape(xml)).toContain('<testcase name="Saving code.py reloads it" classname="');
  }, 300_000);

  it.skipIf(!have)('passes the same files on the firmware engine, with a JUnit report of the same shape', () => {
    const hosted = existsSync(join(scratch, 'hosted.xml')) ? readFileSync(join(scratch, 'hosted.xml'), 'utf8') : exampleTwice([], 'hosted');
    const fw = exampleTwice(['--firmware', firmware], 'firmware');
    expect(shape(fw).replace(/\s+$/, '')).toBe(shape(hosted).replace(/\s+$/, ''));
  }, 600_000);

  it('passes the firmware-written scenarios: every input kind, PWM, a tone, files before boot', () => {
    for (const [file, name] of [
      ['sensors.yaml', 'CPX inputs'],
      ['pwm.yaml', 'PWM on the LED'],
      ['tone.yaml', 'A tone on the speaker'],
      ['files-before-boot.yaml', 'Files before boot'],
    ]) {
      const r = test([join(files, file)]);
      expect(r.stdout, file).toMatch(new RegExp(`^PASS ${name} `));
      expect(r.status, file).toBe(0);
    }
  }, 300_000);

  it('idles in simulated time after code.py ends: a delay passes, a key enters the REPL', () => {
    const r = test([join(files, 'hosted/repl-after-code.yaml')]);
    expect(r.stdout).toMatch(/^PASS Code done then keys \(.*; 6 steps, 1\.0\d\d s simulated/);
    expect(r.status).toBe(0);
  }, 120_000);

  it('fails a wrong expectation naming the step, line and observed value (exit 1); a timeout exits 124', () => {
    const wrong = test([join(files, 'hosted/wrong.yaml')]);
    expect(wrong.stdout).toContain('FAIL Wrong pixel');
    expect(wrong.stdout).toContain('step 2 (expect-neopixel), line 8: pixel 0 is #000020, expected #ff0000');
    expect(wrong.status).toBe(1);
    const never = test([join(files, 'hosted/never.yaml')]);
    expect(never.stdout).toMatch(/TIMEOUT Never .*\n {2}timed out after 2\.0\d* simulated s at step 2 \(wait-serial\), line 8, waiting for "never printed"/);
    expect(never.status).toBe(124);
  }, 120_000);

  it('takes screenshots that follow the board (the LED and pixel 0 after button A), saved and compared as PNG', () => {
    const yaml = join(scratch, 'screenshot.yaml');
    writeFileSync(
      yaml,
      [
        'name: Screenshots on the hosted engine',
        'board: cpx',
        `drive: ${join(example, 'CIRCUITPY')}`,
        'timeout: 5s',
        'steps:',
        '  - wait-serial: "ready"',
        '  - take-screenshot: { save-to: board.png }',
        '  - delay: 100ms',
        '  - take-screenshot: { compare-with: board.png }',
        '  - set-control: { part-id: buttonA, control: pressed, value: 1 }',
        '  - wait-serial: "button down"',
        '  - take-screenshot: { compare-with: board.png }',
        '',
      ].join('\n'),
    );
    const r = test([yaml]);
    // The same picture 100 ms later compares equal (step 4 passed); with the button held it does not.
    expect(r.stdout).toMatch(/FAIL Screenshots on the hosted engine .*\n {2}step 7 \(take-screenshot\), line 12: \d+ pixels differ from board\.png/);
    expect(r.status).toBe(1);
    expect(readFileSync(join(scratch, 'board.png')).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);

  it('gives up a run whose simulated time stops (code.py looping in pure Python), with the timeout status', () => {
    const yaml = join(scratch, 'spin.yaml');
    writeFileSync(yaml, 'name: Spin\nboard: cpx\nfiles: { /code.py: "print(\'go\')\\nwhile True:\\n    pass\\n" }\ntimeout: 5s\nsteps:\n  - wait-serial: "go"\n  - delay: 1s\n');
    const r = spawnSync(process.execPath, [bin, 'test', yaml], { timeout: 120_000, env: { ...process.env, CIRCUITEMU_HOSTED_STALL_SECONDS: '3' } });
    expect(r.stderr.toString()).toMatch(/spin\.yaml: simulated time stayed at 0\.\d+ s for 3 s of wall time: code\.py loops without sleeping/);
    expect(r.status).toBe(124);
  }, 120_000);
});
