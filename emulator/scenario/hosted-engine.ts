/**
 * The hosted engine (firmware-runtime/hosted/) as a scenario engine. It runs in the same thread as the
 * HostedEngine, inside its worker: Python runs synchronously there (a sleep runs the core-less board forward),
 * so the steps must act from inside the board's own callbacks (scheduler events, console flushes, pin edges)
 * to land at exact simulated instants. Driving the worker from the main thread over messages could not do
 * that: the worker would have run on by the time a message arrived. Port-neutral (no `node:`).
 *
 * While the program waits for console input, simulated time runs on (EngineConfig.idleSeconds), as a board
 * idles; the run ends at the scenario's end or timeout, which hand the result over at once (`onEnd`):
 * the worker never returns to its event loop while Python runs, so nothing may wait for a promise.
 */
import { HostedEngine, type EnginePort } from '../../firmware-runtime/hosted/engine.js';
import { CONTROL_BYTES, CTRL, controlViews, typeConsoleInput, type ControlViews, type EngineConfig, type WorkerMessage } from '../../firmware-runtime/hosted/protocol.js';
import type { RunEnd } from '../runner.js';
import { BoardEngine } from './board-engine.js';
import type { ScenarioEngine } from './engine.js';

/** Simulated seconds the board idles per step while the program waits for input. */
export const IDLE_SECONDS = 0.001;

export interface HostedScenarioOptions {
  board: string;
  /** CIRCUITPY's flash bytes (the board's whole SPI flash or internal-flash region). */
  flash: Uint8Array;
  /** The control block (protocol.ts) to use, e.g. one the main thread watches; a new one by default. */
  control?: SharedArrayBuffer;
  /** micropython.wasm's URL (a bundled browser worker must give it). */
  wasmUrl?: string;
  /** Seconds since 1970 the RTC calendar starts at (EngineConfig.epoch). */
  epoch?: number;
  /** Called once, at the end (the run's result is taken here); the caller ends the thread after it. */
  onEnd: (end: RunEnd) => void;
  /** The engine itself failed (a bug, not the program's error). */
  onCrash: (message: string) => void;
}

export class HostedScenarioEngine extends BoardEngine implements ScenarioEngine {
  readonly boardName: string;
  readonly engine: HostedEngine;
  private readonly views: ControlViews;
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];
  private ended = false;
  private running = false;
  private pendingEnd: RunEnd | null = null;

  constructor(private readonly options: HostedScenarioOptions) {
    const control = options.control ?? new SharedArrayBuffer(CONTROL_BYTES);
    const flash = new SharedArrayBuffer(options.flash.length);
    new Uint8Array(flash).set(options.flash);
    const config: EngineConfig = { board: options.board, flash, control, realTime: false, idleSeconds: IDLE_SECONDS, wasmUrl: options.wasmUrl, epoch: options.epoch };
    const port: EnginePort = { post: (m) => this.message(m) };
    const engine = new HostedEngine(config, port);
    super(engine.board);
    this.engine = engine;
    this.views = controlViews(control);
    this.boardName = options.board;
  }

  private message(m: WorkerMessage): void {
    if (m.type === 'console') for (const l of this.listeners) l(m.bytes);
    else if (m.type === 'ended') this.end(m.reason === 'timeout' ? { kind: 'timeout' } : { kind: 'stopped' });
  }

  onSerial(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  writeSerial(bytes: Uint8Array): void {
    // As a terminal types it: Ctrl-C while Python runs is the interrupt, not a key.
    typeConsoleInput(this.views, bytes, () => Atomics.store(this.views.ctrl, CTRL.interrupt, 1));
  }

  /** Runs the board until the scenario ends or `timeoutSeconds`; the result goes to `onEnd`. */
  run(timeoutSeconds: number): Promise<RunEnd> {
    this.running = true;
    if (this.pendingEnd) {
      this.options.onEnd(this.pendingEnd);
      return Promise.resolve(this.pendingEnd);
    }
    if (Number.isFinite(timeoutSeconds)) this.after(timeoutSeconds, () => this.end({ kind: 'timeout' }));
    this.publishTime();
    this.engine.run().then(
      () => this.options.onCrash('the hosted engine returned'),
      (e: unknown) => this.options.onCrash(e instanceof Error ? (e.stack ?? e.message) : String(e)),
    );
    return new Promise<RunEnd>(() => undefined); // the result leaves through onEnd
  }

  /** Shows simulated time in the control block every 0.1 s, also inside a long sleep (a watchdog reads it). */
  private publishTime(): void {
    this.views.seconds[0] = this.now();
    this.after(0.1, () => this.publishTime());
  }

  stop(): void {
    this.end({ kind: 'stopped' });
  }

  private end(end: RunEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.engine.flush();
    if (!this.running) {
      this.pendingEnd = end; // every step finished (or failed) before the run began
      return;
    }
    this.options.onEnd(end);
  }

  protected checkFiles(): void {
    // The hosted engine always has CIRCUITPY (SPI flash or the internal-flash region).
  }

  writeFileNow(path: string, data: Uint8Array): void {
    this.engine.writeHostFile(path, data);
  }

  readFileNow(path: string): Uint8Array | null {
    return this.engine.readHostFile(path);
  }

  writeFile(path: string, data: Uint8Array): Promise<void> {
    this.writeFileNow(path, data);
    return Promise.resolve();
  }

  readFile(path: string): Promise<Uint8Array | null> {
    return Promise.resolve(this.readFileNow(path));
  }
}
