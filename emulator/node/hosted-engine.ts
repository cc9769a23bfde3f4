/**
 * The hosted engine (firmware-runtime/hosted/) in Node: `startHostedEngine` runs it in a worker_thread,
 * and this file is also that worker's entry. The only file of the hosted engine that imports `node:`;
 * everything else (the engine and its main-thread logic, host.ts) runs in a browser too.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { EngineConfig, WorkerMessage } from '../../firmware-runtime/hosted/protocol.js';
import type { HostedEngine } from '../../firmware-runtime/hosted/engine.js';
import { hostedWorkerUrl, takePrewarmed, type HostedWorkerData } from './hosted-prewarm.js';
import { startHostedEngineWith, type HostedEngineHandle, type HostedEngineOptions } from '../../firmware-runtime/hosted/host.js';

export { HARD_STOP_GRACE_MS, type HostedEngineHandle, type HostedEngineOptions, type HostedRunEnd } from '../../firmware-runtime/hosted/host.js';

/** Starts the hosted engine in a worker_thread. */
export function startHostedEngine(options: HostedEngineOptions): HostedEngineHandle {
  const url = hostedWorkerUrl();
  let first = true;
  return startHostedEngineWith((config: EngineConfig) => {
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

const data = workerData as HostedWorkerData | undefined;
if (!isMainThread && parentPort && data?.hostedEngine) {
  const port = parentPort;
  // Only the worker imports the engine (the main thread that starts it needs host.ts alone); the port keeps
  // the config until the listener below is attached.
  const { prewarmVm, runHostedEngine } = await import('../../firmware-runtime/hosted/engine.js');
  // The first VM is made while the config is on its way (or while the main thread still prepares it).
  const warm = data.prewarm ? prewarmVm(data.prewarm) : undefined;
  port.once('message', async (config: EngineConfig) => {
    // --vcd, --trace io: pin changes and trace lines go out before each message, so the main thread has them
    // all, in order, when the run ends.
    const PinTap = config.vcd ? (await import('../trace/vcd.js')).PinTap : null;
    const startTrace = config.trace ? (await import('../trace/trace.js')).startTrace : null;
    let tap: InstanceType<NonNullable<typeof PinTap>> | null = null;
    let lines: string[] = [];
    const post = (m: WorkerMessage): void => {
      const changes = tap?.take();
      if (changes) port.postMessage({ type: 'pins', changes } satisfies WorkerMessage);
      flushTrace();
      port.postMessage(m);
    };
    const flushTrace = (): void => {
      if (!lines.length) return;
      port.postMessage({ type: 'trace', lines } satisfies WorkerMessage);
      lines = [];
    };
    const onEngine = (engine: HostedEngine): void => {
      if (config.vcd && PinTap) tap = new PinTap(engine.board, config.vcd.pins, config.startSeconds ?? 0);
      if (config.trace && startTrace) startTrace(engine.board.machine, { io: true, insn: false, ...config.trace }, (line) => {
          // A long stretch without messages (Python toggling a pin) must not pile up lines.
          if (lines.push(line) >= 4096) flushTrace();
        });
    };
    void runHostedEngine(config, { post }, config.board === data.prewarm ? warm : undefined, onEngine);
  });
}
