/**
 * The hosted engine's worker_thread entry: loads only the engine (firmware-runtime/hosted/engine.ts, through
 * engine-loader.ts), not the main thread's side (host.ts), so a worker loads no more than it runs.
 * `startHostedEngine` (hosted-engine.ts) and `prewarmHostedEngine` (hosted-prewarm.ts) spawn it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineConfig } from '../../firmware-runtime/hosted/protocol.js';
import type { HostedWorkerData } from './hosted-prewarm.js';
import { startupMark } from './startup-trace.js';
import { loadHostedEngine } from './engine-loader.js';

const data = workerData as HostedWorkerData | undefined;
if (!parentPort || !data?.hostedEngine) throw new Error('hosted-worker.js is the hosted engine worker entry; start it with startHostedEngine');
const port = parentPort;
startupMark('worker: started');
const { prewarmVm, runHostedEngine } = await loadHostedEngine();
startupMark('worker: engine loaded');
// The first VM is made while the config is on its way (or while the main thread still prepares it); the port
// keeps the config until the listener below is attached.
const warm = data.prewarm ? prewarmVm(data.prewarm) : undefined;
void warm?.then(() => startupMark('worker: warm VM made'));
port.once('message', (config: EngineConfig) => {
  startupMark('worker: config received');
  void runHostedEngine(config, { post: (m) => port.postMessage(m) }, config.board === data.prewarm ? warm : undefined);
  startupMark('worker: engine made (its board built), waiting for the VM');
});
