/**
 * The hosted engine (firmware-runtime/hosted/) in Node: `startHostedEngine` runs it in a worker_thread,
 * and this file is also that worker's entry. The only file of the hosted engine that imports `node:`;
 * everything else (the engine and its main-thread logic, host.ts) runs in a browser too.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import type { EngineConfig } from '../../firmware-runtime/hosted/protocol.js';
import { runHostedEngine } from '../../firmware-runtime/hosted/engine.js';
import { startHostedEngineWith, type HostedEngineHandle, type HostedEngineOptions } from '../../firmware-runtime/hosted/host.js';

export { HARD_STOP_GRACE_MS, type HostedEngineHandle, type HostedEngineOptions, type HostedRunEnd } from '../../firmware-runtime/hosted/host.js';

function workerUrl(): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL(import.meta.url);
  // Running from TypeScript sources (vitest): the worker needs the compiled file.
  let dir = dirname(here);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const built = join(dir, 'dist', 'emulator', 'node', 'hosted-engine.js');
  if (!existsSync(built)) throw new Error(`the hosted engine's worker is not built (${built}): run npm run build`);
  return new URL('file://' + built);
}

/** Starts the hosted engine in a worker_thread. */
export function startHostedEngine(options: HostedEngineOptions): HostedEngineHandle {
  const url = workerUrl();
  return startHostedEngineWith((config: EngineConfig) => {
    const worker = new Worker(url, { workerData: config });
    let terminated = false;
    return {
      onMessage: (listener) => worker.on('message', listener),
      onEnd: (listener) => {
        worker.on('error', (e) => listener(e.stack ?? String(e)));
        worker.on('exit', (code) => {
          if (!terminated) listener(`the hosted engine's worker exited (code ${code})`);
        });
      },
      terminate: () => {
        terminated = true;
        void worker.terminate();
      },
    };
  }, options);
}

if (!isMainThread && parentPort && (workerData as EngineConfig | undefined)?.control) {
  const port = parentPort;
  void runHostedEngine(workerData as EngineConfig, { post: (m) => port.postMessage(m) });
}
