/**
 * Runs every committed ARMv6-M test image (tests/firmware/armv6m/*.elf) on the
 * `test-m0` board and compares its console output and exit status with
 * <name>.expected.json.
 *
 * The expected files come from QEMU (`qemu-system-arm -M microbit`, see
 * tests/firmware/armv6m/make-expected.sh), and for the portable C programs
 * they are also cross-checked against a host gcc build.  The exception: the
 * cycle-timing program `timing`, whose expected numbers are taken from the
 * ARM Cortex-M0+ Technical Reference Manual r0p1 (DDI 0484C), section 3.3,
 * Table 3-1 "Cortex-M0+ instruction summary" (cycle counts with zero wait
 * state memory) — see tests/firmware/armv6m/src/timing.trm.txt.  Those
 * numbers are asserted exactly.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFirmware, type RunResult } from '../../emulator/run.js';
import { forEachCpuMode } from './cpu-modes.js';

const FIRMWARE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'firmware', 'armv6m');

interface Expected {
  stdout: string;
  exitCode: number;
  note?: string;
}

const programs = readdirSync(FIRMWARE_DIR)
  .filter((f) => f.endsWith('.elf'))
  .map((f) => f.slice(0, -'.elf'.length))
  .sort();

function loadExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(FIRMWARE_DIR, `${name}.expected.json`), 'utf8')) as Expected;
}

function run(name: string): RunResult {
  const image = new Uint8Array(readFileSync(join(FIRMWARE_DIR, `${name}.elf`)));
  const stdinPath = join(FIRMWARE_DIR, `${name}.stdin`);
  const stdin = existsSync(stdinPath) ? new Uint8Array(readFileSync(stdinPath)) : undefined;
  return runFirmware({ board: 'test-m0', image, name, stdin, timeoutSeconds: 10 });
}

/** A short account of a run, shown when an assertion fails. */
function describeRun(res: RunResult): string {
  const lines = [`reason=${res.reason} exitCode=${res.exitCode} cycles=${res.cycles} instructions=${res.instructions}`];
  if (res.faultReport) lines.push(`fault: ${res.faultReport}`);
  return lines.join('\n');
}

/** Parses the "label: cycles" lines of the timing program. */
function timingTable(stdout: string): Map<string, number> {
  const table = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /^(.*): (\d+)$/.exec(line);
    if (m) table.set(m[1]!, Number(m[2]));
  }
  return table;
}

forEachCpuMode(() => {
describe('ARMv6-M test programs on test-m0', () => {
  it('finds the committed images and their expected outputs', () => {
    expect(programs.length).toBeGreaterThanOrEqual(17);
    for (const name of programs) {
      expect(existsSync(join(FIRMWARE_DIR, `${name}.expected.json`)), `${name}.expected.json`).toBe(true);
    }
  });

  for (const name of programs) {
    if (name === 'timing') continue;
    it(`${name}: stdout and exit status match QEMU`, () => {
      const expected = loadExpected(name);
      const res = run(name);
      const info = describeRun(res);
      // Compare the raw bytes (decoded as UTF-8, like the expected file) so
      // that a difference in RunResult.stdout's decoding shows up separately.
      expect(new TextDecoder().decode(res.stdoutBytes), info).toBe(expected.stdout);
      expect(res.stdout, 'RunResult.stdout should be stdoutBytes decoded as UTF-8').toBe(expected.stdout);
      expect(res.reason, info).toBe('exit');
      expect(res.exitCode, info).toBe(expected.exitCode);
    });
  }

  it('timing: cycle counts equal the Cortex-M0+ TRM r0p1 Table 3-1 numbers', () => {
    const expected = loadExpected('timing');
    const res = run('timing');
    const info = describeRun(res);
    const got = timingTable(res.stdout);
    const want = timingTable(expected.stdout);
    // Per-sequence comparison first, for a readable failure.
    const mismatches: string[] = [];
    for (const [label, cycles] of want) {
      if (got.get(label) !== cycles) mismatches.push(`${label}: TRM ${cycles}, measured ${got.get(label) ?? 'missing'}`);
    }
    expect(mismatches, info).toEqual([]);
    expect(res.stdout, info).toBe(expected.stdout);
    expect(res.reason, info).toBe('exit');
    expect(res.exitCode, info).toBe(0);
  });
});
});
