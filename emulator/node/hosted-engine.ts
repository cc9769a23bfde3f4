/**
 * The hosted engine (firmware-runtime/hosted/) in Node: `startHostedEngine` runs it in a worker_thread
 * (whose entry is hosted-worker.ts). With hosted-worker.ts, the only files of the hosted engine that import
 * `node:`; everything else (the engine and its main-thread logic, host.ts) runs in a browser too.
 */
import { Worker } from 'node:worker_threads';
import type { EngineConfig } from '../../firmware-runtime/hosted/protocol.js';
import { hostedWorkerUrl, takePrewarmed, type HostedWorkerData } from './hosted-prewarm.js';
import { startupMark } from './startup-trace.js';
import { startHostedEngineWith, type HostedEngineHandle, type HostedEngineOptions } from '../../firmware-runtime/hosted/host.js';

export { HARD_STOP_GRACE_MS, type HostedEngineHandle, type HostedEngineOptions, type HostedRunEnd } from '../../firmware-runtime/hosted/host.js';

/** Starts the hosted engine in a worker_thread. */
export function startHostedEngine(options: HostedEngineOptions): HostedEngineHandle {
  const url = hostedWorkerUrl();
  let first = true;
  return startHostedEngineWith((config: EngineConfig) => {
    startupMark('main: config ready');
    // The first worker may have been started early (hosted-prewarm.ts); a restart after a hard stop is new.
    const early = first ? takePrewarmed(config.board) : null;
    first = false;
    // A new worker starts making its VM at once too, while the config message is on its way.
    const data: HostedWorkerData = { hostedEngine: true, prewarm: config.board };
    const worker = early ?? new Worker(url, { workerData: data });
    worker.postMessage(config);
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
