/**
 * Scenarios with the unmodified CircuitPython firmware for the CPX, read from
 * $CIRCUITEMU_FIRMWARE_DIR (never committed; skipped with a message without it): the examples/
 * project's scenarios and its vitest API test pass, every kind of set-control reads back
 * through CircuitPython's own drivers, and a deliberately wrong expectation fails with the step
 * and the observed value. Runs the built CLI and package (`npm test` builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const firmware = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
const have = !!dir && existsSync(firmware);
if (!have) console.warn('[tests/scenario] SKIPPED CircuitPython scenarios: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-cp-scenario-'));
const example = join(root, 'examples/cpx-project');

function test(args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'test', '--firmware', firmware, '--fail-text', 'Traceback', ...args], { timeout: 300_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe.skipIf(!have)('scenarios on CircuitPython (cpx)', () => {
  it("passes the examples/ project's scenarios, with the same serial log twice", () => {
    const scenarios = ['button', 'serial', 'files'].map((n) => join(example, `scenarios/${n}.yaml`));
    const logs = [1, 2].map((i) => {
      const log = join(scratch, `example${i}.log`);
      const r = test([...scenarios, '--serial-log', log, '--junit', join(scratch, 'example.xml')]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^PASS Button A lights the LED .*\nPASS Console commands .*\nPASS Saving code.py reloads it .*\n$/);
      expect(r.status).toBe(0);
      return readFileSync(log);
    });
    expect(logs[0].equals(logs[1])).toBe(true);
    expect(readFileSync(join(scratch, 'example.xml'), 'utf8')).toContain('tests="3" failures="0" errors="0"');
  }, 600_000);

  it('runs the same scenarios from one snapshot of the booted board (test --snapshot-load), with identical serial logs', () => {
    const snap = join(scratch, 'booted.snap');
    const saved = spawnSync(process.execPath, [bin, 'snapshot', '--board', 'cpx', '--firmware', firmware, '--drive', join(example, 'CIRCUITPY'), '--at', '2', '--output', snap], { timeout: 300_000 });
    expect(saved.stderr.toString()).toMatch(/saved cpx at 2\.000000 simulated s/);
    expect(saved.status).toBe(0);
    const scenarios = ['button', 'serial', 'files'].map((n) => join(example, `scenarios/${n}.yaml`));
    const logs = [1, 2].map((i) => {
      const log = join(scratch, `snap${i}.log`);
      const r = spawnSync(process.execPath, [bin, 'test', '--snapshot-load', snap, '--fail-text', 'Traceback', ...scenarios, '--serial-log', log], { timeout: 300_000 });
      expect(r.stdout.toString()).toMatch(/^PASS Button A lights the LED .*\nPASS Console commands .*\nPASS Saving code.py reloads it .*\n$/);
      expect(r.stderr.toString()).toMatch(/drive:\/files: not used: the run starts from the snapshot's CIRCUITPY/);
      expect(r.status).toBe(0);
      return readFileSync(log);
    });
    expect(logs[0].equals(logs[1])).toBe(true);
    // --firmware with --snapshot-load is a usage error.
    const both = spawnSync(process.execPath, [bin, 'test', '--snapshot-load', snap, '--firmware', firmware, scenarios[0]]);
    expect(both.stderr.toString()).toMatch(/--snapshot-load and --firmware do not go together/);
    expect(both.status).toBe(64);
  }, 600_000);

  it('sets every kind of input CircuitPython reads (switch, button, analog voltage, temperature, acceleration, touch)', () => {
    const r = test([join(root, 'tests/scenario/files/sensors.yaml')]);
    expect(r.stdout).toMatch(/^PASS CPX inputs/);
    expect(r.status).toBe(0);
  }, 300_000);

  it('puts `files:` on CIRCUITPY before boot and reads files back over USB mass storage', () => {
    const r = test([join(root, 'tests/scenario/files/files-before-boot.yaml')]);
    expect(r.stdout).toMatch(/^PASS Files before boot/);
    expect(r.status).toBe(0);
  }, 300_000);

  it("measures PWM from CircuitPython's pwmio: frequency and duty cycle", () => {
    const r = test([join(root, 'tests/scenario/files/pwm.yaml')]);
    expect(r.stdout).toMatch(/^PASS PWM on the LED/);
    expect(r.status).toBe(0);
  }, 300_000);

  it("hears the tone CircuitPython's audioio plays on the speaker, and refuses a wrong pitch", () => {
    const file = join(root, 'tests/scenario/files/tone.yaml');
    const r = test([file]);
    expect(r.stdout).toMatch(/^PASS A tone on the speaker/);
    expect(r.status).toBe(0);
    const wrong = join(scratch, 'tone-wrong.yaml');
    writeFileSync(wrong, readFileSync(file, 'utf8').replace('drive: tone', `drive: ${join(root, 'tests/scenario/files/tone')}`).replace('444.44', '440'));
    const w = test([wrong]);
    expect(w.status).toBe(1);
    expect(w.stdout).toMatch(/step 2 \(expect-tone\), line 8: speaker played a 444\.4\d* Hz tone over 0\.05 s, expected 440 Hz ±0\.50%/);
  }, 300_000);

  it('fails a deliberately wrong expectation naming the step and the observed colour, status 1', () => {
    const wrong = join(scratch, 'wrong.yaml');
    writeFileSync(
      wrong,
      `name: Wrong colour\nboard: cpx\ndrive: ${example}/CIRCUITPY\ntimeout: 30s\nsteps:\n  - wait-serial: ready\n` +
        `  - set-control: { part-id: buttonA, control: pressed, value: 1 }\n  - wait-serial: button down\n` +
        `  - expect-neopixel: { index: 0, color: "#00ff00", tolerance: 8 }\n`,
    );
    const r = test([wrong]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL Wrong colour');
    expect(r.stdout).toContain('step 4 (expect-neopixel), line 9: pixel 0 is #ff0000, expected #00ff00 ±8');
  }, 300_000);

  it("passes the examples/ project's vitest test, which imports circuitemu by name", () => {
    const project = mkdtempSync(join(tmpdir(), 'circuitemu-example-'));
    cpSync(example, project, { recursive: true });
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules/circuitemu'), 'dir');
    symlinkSync(join(root, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
    const r = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'test'], { cwd: project, timeout: 300_000, env: { ...process.env, CI: '1' } });
    const out = r.stdout.toString() + r.stderr.toString();
    expect(out).toMatch(/4 passed/); // both engines
    expect(r.status).toBe(0);
  }, 300_000);
});
