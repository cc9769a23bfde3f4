/**
 * The hosted engine's worker_thread entry: loads only the engine (firmware-runtime/hosted/engine.ts, through
 * engine-loader.ts), not the main thread's side (host.ts), so a worker loads no more than it runs.
 * `startHostedEngine` (hosted-engine.ts) and `prewarmHostedEngine` (hosted-prewarm.ts) spawn it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineConfig, WorkerMessage } from '../../firmware-runtime/hosted/protocol.js';
import type { HostedEngine } from '../../firmware-runtime/hosted/engine.js';
import type { HostedWorkerData } from './hosted-prewarm.js';
import { startupMark } from './startup-trace.js';
import { loadHostedEngine } from './engine-loader.js';

const data = workerData as HostedWorkerData | undefined;
if (!parentPort || !data?.hostedEngine) throw new Error('hosted-worker.js is the hosted engine worker entry; start it with startHostedEngine');
const port = parentPort;
startupMark('worker: started');
const { prewarmVm, runHostedEngine, PinTap: EnginePinTap, startTrace: engineStartTrace } = await loadHostedEngine();
startupMark('worker: engine loaded');
// The first VM is made while the config is on its way (or while the main thread still prepares it); the port
// keeps the config until the listener below is attached.
const warm = data.prewarm ? prewarmVm(data.prewarm) : undefined;
void warm?.then(() => startupMark('worker: warm VM made'));
port.once('message', (config: EngineConfig) => {
  startupMark('worker: config received');
  // --vcd, --trace io: pin changes and trace lines go out before each message, so the main thread has them
  // all, in order, when the run ends.
  const PinTap = config.vcd ? EnginePinTap : null;
  const startTrace = config.trace ? engineStartTrace : null;
  let tap: InstanceType<NonNullable<typeof PinTap>> | null = null;
  let lines: string[] = [];
  const flushTrace = (): void => {
    if (!lines.length) return;
    port.postMessage({ type: 'trace', lines } satisfies WorkerMessage);
    lines = [];
  };
  const post = (m: WorkerMessage): void => {
    const changes = tap?.take();
    if (changes) port.postMessage({ type: 'pins', changes } satisfies WorkerMessage);
    flushTrace();
    port.postMessage(m);
  };
  const onEngine = (engine: HostedEngine): void => {
    if (config.vcd && PinTap) tap = new PinTap(engine.board, config.vcd.pins, config.startSeconds ?? 0);
    if (config.trace && startTrace) {
      startTrace(engine.board.machine, { io: true, insn: false, ...config.trace }, (line) => {
        // A long stretch without messages (Python toggling a pin) must not pile up lines.
        if (lines.push(line) >= 4096) flushTrace();
      });
    }
  };
  void runHostedEngine(config, { post }, config.board === data.prewarm ? warm : undefined, onEngine);
  startupMark('worker: engine made (its board built), waiting for the VM');
});
