/**
 * The hosted engine's start-up for `npm run bench`: wall time from spawning `circuitemu run --board cpx`
 * (no firmware) to the end of the process that stops at code.py's first line (--expect-text), the median
 * of several runs. The process's own start (Node itself) is included, as a user sees it. One more run with
 * CIRCUITEMU_STARTUP_TRACE shows where the time went (firmware-runtime/hosted/README.md, Start-up).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../../bin/circuitemu.js', import.meta.url).pathname;

export function benchHostedStart(log: (s: string) => void, runs = 11): void {
  const drive = mkdtempSync(join(tmpdir(), 'circuitemu-hosted-bench-'));
  writeFileSync(join(drive, 'code.py'), 'print("first line")\n');
  const run = (env?: NodeJS.ProcessEnv) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'run', '--board', 'cpx', '--drive', drive, '--expect-text', 'first line'], { encoding: 'latin1', timeout: 60_000, env });
    const ms = performance.now() - t0;
    if (r.status !== 0 || !r.stdout.includes('first line')) throw new Error(`hosted run failed (status ${r.status}): ${r.stderr}`);
    return { ms, stderr: r.stderr };
  };
  const load = loadavg()[0]!;
  const times: number[] = [];
  let trace: string[];
  try {
    for (let i = 0; i < runs; i++) times.push(run().ms);
    trace = run({ ...process.env, CIRCUITEMU_STARTUP_TRACE: '1' })
      .stderr.split('\n')
      .filter((l) => l.startsWith('[startup] '))
      .map((l) => l.slice('[startup] '.length).trim())
      .sort((a, b) => parseFloat(a) - parseFloat(b));
  } finally {
    rmSync(drive, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  const node = spawnSync(process.execPath, ['-e', '0']);
  const t0 = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  const bare = performance.now() - t0;
  log('');
  log(`Hosted engine start-up (circuitemu run --board cpx, no firmware): process start to code.py's first line`);
  log(`  median ${times[times.length >> 1]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms over ${runs} runs (goal: 300 ms on an idle machine; an empty \`node -e 0\`: ${bare.toFixed(0)} ms${node.status === 0 ? '' : ', failed'}; load average ${load.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`);
  log(`  one traced run (ms since the process started): ${trace.join('; ')}`);
}
