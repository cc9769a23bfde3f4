/**
 * The hosted CircuitPython engine's own Web Worker (started by hosted-engine.ts from the machine's
 * worker): MicroPython's wasm VM and the CPU-less board run here together, because Python's module
 * calls program the chip synchronously. The first message is the engine's configuration; everything
 * after it crosses through the shared control block (firmware-runtime/hosted/protocol.ts).
 */
import { runHostedEngine } from '../../firmware-runtime/hosted/engine.js';
import type { EngineConfig, WorkerMessage } from '../../firmware-runtime/hosted/protocol.js';

interface HostedWorkerScope {
  postMessage(message: WorkerMessage): void;
  onmessage: ((e: MessageEvent<EngineConfig>) => void) | null;
}
const scope = self as unknown as HostedWorkerScope;

scope.onmessage = (e) => {
  scope.onmessage = null;
  void runHostedEngine(e.data, { post: (m) => scope.postMessage(m) });
};
