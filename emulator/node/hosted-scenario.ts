/**
 * `circuitemu test` on the hosted engine: each scenario runs in a worker_thread holding the HostedEngine and
 * the scenario's steps (emulator/scenario/hosted-engine.ts says why they share a thread). This file is that
 * worker's entry too. The worker posts the result and stops; the main thread then terminates it.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostedScenarioEngine } from '../scenario/hosted-engine.js';
import { startScenario, scenarioTimeout, type ScenarioResult, type StartedScenario } from '../scenario/runner.js';
import { ScenarioError, type Scenario } from '../scenario/parse.js';
import { screenshotFiles } from './png.js';
import { boardSignals, VcdRecorder } from '../trace/vcd.js';
import { CONTROL_BYTES, controlViews } from '../../firmware-runtime/hosted/protocol.js';

interface ScenarioJob {
  hostedScenario: true;
  board: string;
  flash: Uint8Array;
  scenario: Scenario;
  timeoutSeconds?: number;
  failText?: string;
  verbose: boolean;
  /** The engine's control block, shared so the main thread can see simulated time move. */
  control?: SharedArrayBuffer;
  epoch?: number;
  /** Record the board's pins (these, or all) for a VCD file, returned with the result. */
  vcd?: { pins?: string[] };
}

/** A scenario's result on the hosted engine, and its VCD file when asked for. */
export interface HostedScenarioResult {
  result: ScenarioResult;
  vcd?: string;
}

/**
 * Wall seconds without simulated time moving after which a run is given up: Python looping without ever
 * sleeping or calling a hardware module stops simulated time, so the scenario's timeout would never come.
 */
export const STALL_WALL_SECONDS = 30;

type ScenarioMessage =
  | { type: 'serial'; bytes: Uint8Array }
  | { type: 'result'; result: ScenarioResult; vcd?: string }
  | { type: 'bad-scenario'; message: string }
  | { type: 'crash'; message: string };

/** Runs `scenario` on the hosted engine of `board` whose CIRCUITPY starts as `flash`. */
export function runHostedScenario(
  job: Omit<ScenarioJob, 'hostedScenario' | 'control'>,
  onSerial?: (bytes: Uint8Array) => void,
  stallWallSeconds = STALL_WALL_SECONDS,
): Promise<HostedScenarioResult> {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const data: ScenarioJob = { ...job, hostedScenario: true, control };
  const worker = new Worker(workerUrl(), { workerData: data });
  return new Promise((resolve, reject) => {
    let settled = false;
    const stopWatching = watchStall(control, stallWallSeconds, (seen) =>
      settle(() =>
        reject(new HostedStallError(`${job.scenario.file}: ${stallMessage(seen, stallWallSeconds)}`)),
      ),
    );
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      stopWatching();
      void worker.terminate();
      fn();
    };
    worker.on('message', (m: ScenarioMessage) => {
      if (m.type === 'serial') onSerial?.(m.bytes);
      else if (m.type === 'result') settle(() => resolve({ result: m.result, vcd: m.vcd }));
      else if (m.type === 'bad-scenario') settle(() => reject(new ScenarioError(m.message)));
      else settle(() => reject(new Error(`the hosted engine failed: ${m.message}`)));
    });
    worker.on('error', (e) => settle(() => reject(e)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the hosted engine's worker exited (code ${code})`))));
  });
}

/**
 * Calls `onStall(seconds)` when the simulated time a hosted engine publishes in its control block has not moved
 * for `stallWallSeconds` of wall time; returns the function that stops watching. The only wall-clock read: a
 * watchdog outside the machine, for runs that can make no progress.
 */
export function watchStall(control: SharedArrayBuffer, stallWallSeconds: number, onStall: (seconds: number) => void): () => void {
  const simulated = controlViews(control).seconds;
  let seen = -1;
  let still = 0;
  const watchdog = setInterval(() => {
    if (simulated[0] !== seen) {
      seen = simulated[0]!;
      still = 0;
    } else if (++still >= stallWallSeconds) {
      clearInterval(watchdog);
      onStall(seen);
    }
  }, 1000);
  return () => clearInterval(watchdog);
}

export function stallMessage(seconds: number, stallWallSeconds: number): string {
  return `simulated time stayed at ${seconds.toFixed(6)} s for ${stallWallSeconds} s of wall time: code.py loops without sleeping or calling a hardware module, so the run cannot go on (the hosted engine's Python costs no simulated time)`;
}

/** A hosted run whose simulated time stopped moving (see STALL_WALL_SECONDS). */
export class HostedStallError extends Error {
  override readonly name = 'HostedStallError';
}

/** The compiled entry (dist/emulator/node/hosted-scenario.js), also when running from sources (vitest). */
function workerUrl(): URL {
  return builtWorkerUrl('hosted-scenario.js');
}

/** A worker entry in this folder as compiled (dist/emulator/node/NAME), also when running from sources (vitest). */
export function builtWorkerUrl(name: string): URL {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return new URL(`./${name}`, import.meta.url);
  let dir = dirname(here);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const built = join(dir, 'dist', 'emulator', 'node', name);
  if (!existsSync(built)) throw new Error(`the hosted engine's worker is not built (${built}): run npm run build`);
  return new URL('file://' + built);
}

/** Inside the worker: runs the job, posts the result, and waits to be terminated. */
function work(job: ScenarioJob): void {
  const port = parentPort!;
  const post = (m: ScenarioMessage): void => port.postMessage(m);
  const park = (): never => {
    const slot = new Int32Array(new SharedArrayBuffer(4));
    for (;;) Atomics.wait(slot, 0, 0);
  };
  let started: StartedScenario | null = null;
  let engine: HostedScenarioEngine;
  let recorder: VcdRecorder | null = null;
  const options = { timeoutSeconds: job.timeoutSeconds ?? 60, failText: job.failText, screenshots: screenshotFiles(job.scenario.file), onSerial: job.verbose ? (bytes: Uint8Array) => post({ type: 'serial', bytes: bytes.slice() }) : undefined };
  try {
    engine = new HostedScenarioEngine({
      board: job.board,
      flash: job.flash,
      control: job.control,
      epoch: job.epoch,
      onEnd: (end) => {
        post({ type: 'result', result: started!.result(end), vcd: recorder?.text() });
        park();
      },
      onCrash: (message) => {
        post({ type: 'crash', message });
        park();
      },
    });
    if (job.vcd) recorder = new VcdRecorder(engine.board.machine.scheduler, boardSignals(engine.board, job.vcd.pins));
    started = startScenario(engine, job.scenario, options);
  } catch (e) {
    if (e instanceof ScenarioError) post({ type: 'bad-scenario', message: e.message });
    else post({ type: 'crash', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    return;
  }
  void engine.run(scenarioTimeout(job.scenario, options));
}

const data = workerData as ScenarioJob | undefined;
if (!isMainThread && parentPort && data?.hostedScenario) work(data);
