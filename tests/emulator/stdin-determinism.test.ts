/**
 * Issue 8 item 11: a program reading its console input through semihosting gives the same output,
 * cycle count and exit status on every run, whether stdin is a file, /dev/null or closed, however
 * late the host delivers the bytes: no simulated time passes while the program waits for input the
 * host has not delivered (HostInput.waiting). Before the fix, runs differed (0.3 s or 95 simulated
 * seconds) and some ended in a timeout with no output.
 */
import { spawnSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../bin/circuitemu.js', import.meta.url));
const elf = fileURLToPath(new URL('../firmware/armv6m/stdin.elf', import.meta.url));
const input = fileURLToPath(new URL('../firmware/armv6m/stdin.stdin', import.meta.url));

function run(stdin: 'file' | 'null' | 'closed') {
  const fd = stdin === 'file' ? openSync(input, 'r') : stdin === 'null' ? openSync('/dev/null', 'r') : 'ignore';
  try {
    const r = spawnSync(process.execPath, [cli, 'run', '--board', 'test-m0', '--firmware', elf, '--stats', '--timeout', '10'], {
      stdio: [fd, 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    const stats = /(\d+) instructions, (\d+) cycles/.exec(r.stderr);
    return { status: r.status, stdout: r.stdout, cycles: stats ? Number(stats[2]) : -1, stderr: r.stderr };
  } finally {
    if (typeof fd === 'number') closeSync(fd);
  }
}

describe('console input and simulated time', () => {
  for (const kind of ['file', 'null', 'closed'] as const) {
    it(`gives identical runs with stdin ${kind === 'file' ? 'from a file' : kind === 'null' ? 'from /dev/null' : 'closed'}`, () => {
      const runs = [run(kind), run(kind), run(kind), run(kind)];
      for (const r of runs) {
        expect(r.status, r.stderr).not.toBe(124); // never a timeout
        expect(r.cycles, r.stderr).toBeGreaterThan(0);
      }
      // The program's own exit status (it counts what it read), output and cycles: all equal.
      expect(new Set(runs.map((r) => `${r.status}|${r.cycles}|${r.stdout}`)).size).toBe(1);
      // Waiting for input costs no simulated time: the run takes a few milliseconds of the
      // program's own work (before the fix, 0.3 s to 95 s of waiting).
      expect(runs[0].cycles).toBeLessThan(480_000);
    });
  }
});
