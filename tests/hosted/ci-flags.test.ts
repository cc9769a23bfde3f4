/**
 * The CI flags of `run` and `test` on the hosted engine (no --firmware), through the built CLI: each works, or
 * fails loudly with the usage status (64) and a message naming the flag. (--vcd, --epoch and --trace:
 * traces.test.ts; the example's scenarios with --junit and --serial-log: tests/scenario/hosted.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-hosted-ci-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { timeout: 120_000, input: '' });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const dir = join(scratch, 'drive');
mkdirSync(dir);
writeFileSync(join(dir, 'code.py'), 'print("hi")\n');

const RAISES = join(scratch, 'raises.yaml');
writeFileSync(RAISES, `name: Raises\nboard: cpx\nfiles: { /code.py: "print('hi')\\nraise ValueError('bad')\\n" }\nsteps:\n  - wait-serial: hi\n  - wait-serial: never printed\n`);

describe('run on the hosted engine: the flags a firmware run has', () => {
  it('refuses what needs a CPU or another console (64, naming the flag)', () => {
    for (const [flags, message] of [
      [['--gdb', '3333'], /--gdb needs --firmware FILE \(the hosted engine has no CPU to debug\)/],
      [['--cpu', 'jit'], /--cpu needs --firmware FILE/],
      [['--rfc2217', '0'], /--rfc2217 is for firmware runs/],
      [['--console', 'uart'], /--console needs --firmware FILE/],
    ] as const) {
      const r = cli(['run', '--board', 'cpx', '--drive', dir, ...flags]);
      expect(r.stderr, flags.join(' ')).toMatch(message);
      expect(r.status, flags.join(' ')).toBe(64);
    }
  }, 120_000);

  it('--no-reload is accepted (the hosted console is seen from power-on anyway); --expect-text and --timeout end the run', () => {
    const r = cli(['run', '--board', 'cpx', '--drive', dir, '--no-reload']);
    expect(r.stdout).toContain('code.py output:\r\n\x1b]0;🐍code.py | 9.2.9\x1b\\hi\r\n');
    expect(r.status).toBe(0);
    expect(cli(['run', '--board', 'cpx', '--drive', dir, '--expect-text', 'hi']).status).toBe(0);
    writeFileSync(join(dir, 'code.py'), 'import time\nwhile True:\n    time.sleep(1)\n');
    const t = cli(['run', '--board', 'cpx', '--drive', dir, '--timeout', '2']);
    expect(t.stderr).toMatch(/timeout: the program was still running after 2 simulated seconds/);
    expect(t.status).toBe(124);
    writeFileSync(join(dir, 'code.py'), 'print("hi")\n');
  }, 120_000);

  it('snapshots need firmware: `snapshot` without it is a usage error', () => {
    const r = cli(['snapshot', '--board', 'cpx', '--at', '1', '--output', join(scratch, 'x.snap')]);
    expect(r.stderr).toMatch(/snapshot needs --firmware FILE/);
    expect(r.status).toBe(64);
  });
});

describe('test on the hosted engine: the CI flags', () => {
  it('--fail-text fails at once (1), naming the step and the line', () => {
    const r = cli(['test', '--fail-text', 'Traceback', RAISES]);
    expect(r.stdout).toContain('step 2 (wait-serial), line 6: the serial output shows the fail text "Traceback": "Traceback (most recent call last):"');
    expect(r.status).toBe(1);
  }, 120_000);

  it('--timeout and --timeout-exit-code, --junit and --serial-log, --no-reload accepted', () => {
    const junit = join(scratch, 'report.xml');
    const log = join(scratch, 'serial.log');
    const r = cli(['test', '--timeout', '1', '--timeout-exit-code', '42', '--junit', junit, '--serial-log', log, '--no-reload', RAISES]);
    expect(r.stdout).toMatch(/^TIMEOUT Raises .*\n {2}timed out after 1\.0\d* simulated s at step 2 \(wait-serial\), line 6/);
    expect(r.status).toBe(42);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="1" failures="0" errors="1"');
    expect(xml).toContain('<error type="timeout" message="timed out after 1.0');
    expect(readFileSync(log, 'utf8')).toContain('ValueError: bad');
  }, 120_000);

  it('refuses bad values with the usage status', () => {
    expect(cli(['test', '--timeout-exit-code', '300', RAISES]).status).toBe(64);
    expect(cli(['test', '--fail-text', '', RAISES]).status).toBe(64);
    expect(cli(['test', '--epoch', 'yesterday', RAISES]).status).toBe(64);
  });
});
