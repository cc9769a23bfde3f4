#!/usr/bin/env node
// Entry point of the `circuitemu` command: the compiled CLI lives in dist/ (built by `npm install`).
import { existsSync, statSync } from 'node:fs';

// CIRCUITEMU_STARTUP_TRACE: start-up timestamps on standard error (emulator/node/startup-trace.ts).
const trace = process.env.CIRCUITEMU_STARTUP_TRACE ? (label) => process.stderr.write(`[startup] ${performance.now().toFixed(1).padStart(7)} ${label}\n`) : () => {};
if (process.env.CIRCUITEMU_STARTUP_TRACE) process.env.CIRCUITEMU_STARTUP_T0 = String(performance.timeOrigin);
trace('main: bin');
if (process.env.CIRCUITEMU_STARTUP_TRACE) process.on('exit', () => trace('main: exit'));

let cli = new URL('../dist/emulator/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('circuitemu: not built yet; run `npm install` (or `npm run build`) in the package first\n');
  process.exit(64);
}
// `run`/`repl` without --firmware use the hosted engine: its worker starts now, while the CLI loads; both come
// from the start-up bundle (bundle.mjs) unless it is older than the compiled CLI (tsc run alone).
const args = process.argv.slice(2);
if ((args[0] === 'run' || args[0] === 'repl') && !args.some((a) => /^--(firmware|snapshot-load)(=|$)/.test(a))) {
  const i = args.indexOf('--board');
  const board = i > 0 ? args[i + 1] : args.find((a) => a.startsWith('--board='))?.slice('--board='.length);
  const bundled = new URL('../dist/bundle/cli.js', import.meta.url);
  const fresh = statSync(bundled, { throwIfNoEntry: false })?.mtimeMs >= statSync(cli).mtimeMs;
  if (fresh) cli = bundled;
  if (board) (await import(new URL(fresh ? 'hosted-prewarm.js' : '../emulator/node/hosted-prewarm.js', bundled).href)).prewarmHostedEngine(board);
}
const { main } = await import(cli.href);
trace('main: cli imported');
process.exitCode = await main(process.argv.slice(2));
trace('main: CLI returned');
