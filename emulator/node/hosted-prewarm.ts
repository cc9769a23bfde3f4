/**
 * The hosted engine's worker, started early: `circuitemu run`/`repl` without --firmware spawns it before the
 * CLI itself has loaded (bin/circuitemu.js), so importing the engine and making the first MicroPython VM
 * happen on another core while the main thread loads the CLI and prepares the drive. startHostedEngine
 * (hosted-engine.ts) takes this worker instead of spawning one. Imports only Node built-ins: it must load fast.
 */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** What the engine's worker gets as workerData. */
export interface HostedWorkerData {
  hostedEngine: true;
  /** Board whose first VM to make before the config arrives. */
  prewarm?: string;
}

/** The compiled worker entry (dist/emulator/node/hosted-worker.js), also when running from sources (vitest). */
export function hostedWorkerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL('./hosted-worker.js', import.meta.url);
  let dir = dirname(here);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const built = join(dir, 'dist', 'emulator', 'node', 'hosted-worker.js');
  if (!existsSync(built)) throw new Error(`the hosted engine's worker is not built (${built}): run npm run build`);
  return new URL('file://' + built);
}

let spare: { board: string; worker: Worker } | null = null;

/** Spawns the engine's worker for `board` now; it does not keep the process alive until taken. */
export function prewarmHostedEngine(board: string): void {
  if (spare) return;
  const data: HostedWorkerData = { hostedEngine: true, prewarm: board };
  const worker = new Worker(hostedWorkerUrl(), { workerData: data });
  worker.unref();
  worker.on('error', () => {
    if (spare?.worker === worker) spare = null;
  });
  spare = { board, worker };
}

/** The prewarmed worker if it was made for `board` (once); a worker for another board is ended. */
export function takePrewarmed(board: string): Worker | null {
  const s = spare;
  spare = null;
  if (!s) return null;
  if (s.board !== board) {
    void s.worker.terminate();
    return null;
  }
  s.worker.ref();
  return s.worker;
}
