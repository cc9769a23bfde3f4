/**
 * The main thread's side of the hosted engine, port-neutral: the worker is made by an adapter
 * (emulator/node/hosted-engine.ts for Node's worker_threads; a browser page does the same with a Web
 * Worker and cross-origin isolation for SharedArrayBuffer). See README.md.
 */
import { COMMAND_RING_BYTES, CONTROL_BYTES, CTRL, DRIVE_COMMAND, RunState, controlViews, pushCommand, typeConsoleInput, type BoardSnapshot, type ControlViews, type EngineConfig, type PinChangesMessage, type WorkerMessage } from './protocol.js';
import { prepareFlash, type HostedFiles } from './drive.js';
import type { UndatedWorkflowOp, WorkflowResult } from '../fs/workflow.js';

/** A running engine worker as the adapter presents it. */
export interface EngineWorker {
  /** Messages the worker posts (WorkerMessage). */
  onMessage(listener: (m: WorkerMessage) => void): void;
  /** The worker failed or exited by itself (not through terminate()). */
  onEnd(listener: (message: string) => void): void;
  terminate(): void;
}

/** Starts a worker that calls runHostedEngine(config, port) (engine.ts) with `config`. */
export type SpawnEngineWorker = (config: EngineConfig) => EngineWorker;

/** How long running Python has to take a Ctrl-C before the worker is terminated (wall milliseconds). */
export const HARD_STOP_GRACE_MS = 250;

export interface HostedEngineOptions {
  /** Board name (hosted boards: 'cpx'). */
  board: string;
  /** The whole CIRCUITPY flash (the SPI flash image); blank or missing: formatted as CircuitPython would. */
  flashImage?: Uint8Array;
  /** Files written onto CIRCUITPY before boot (drive path -> contents). */
  files?: HostedFiles;
  /** Pace simulated time to the wall clock (REPL, web app); default virtual time. */
  realTime?: boolean;
  /** Python heap in bytes (default: the board's, so gc.mem_free() reads as on the real firmware). */
  heapBytes?: number;
  /** Simulated seconds after which the run ends with reason 'timeout'. */
  timeoutSeconds?: number;
  /** URL of micropython.wasm (browsers; Node finds it in the npm package). */
  wasmUrl?: string;
  /** Console output, as the board's USB serial would send it. */
  onConsole?: (bytes: Uint8Array) => void;
  /** Called when the engine waits for console input and none is pending. */
  onWaiting?: (seconds: number) => void;
  /** The board's parts changed (NeoPixel colours latched, an LED switched). */
  onState?: (state: BoardSnapshot) => void;
  /** A part command the worker could not carry out. */
  onError?: (message: string) => void;
  /** Seconds since 1970 the board's RTC calendar starts at (EngineConfig.epoch). */
  epoch?: number;
  /** Record these pins (none given: all) for a VCD file: their changes come to `onPins`. */
  vcd?: { pins?: string[] };
  onPins?: (changes: PinChangesMessage) => void;
  /** Log the register accesses of the hosted modules (EngineConfig.trace): the lines come to `onTrace`. */
  trace?: EngineConfig['trace'];
  onTrace?: (lines: string[]) => void;
}

export interface HostedRunEnd {
  reason: 'timeout' | 'stopped' | 'error';
  /** Simulated seconds at the end. */
  seconds: number;
  message?: string;
  /** Hard stops (worker restarts) during the run. */
  hardStops: number;
}

export interface HostedEngineHandle {
  /** Console input (keys). A Ctrl-C while Python runs interrupts it. */
  write(bytes: Uint8Array | string): void;
  /** Ctrl-C for running Python (a hard stop if it does not take it within HARD_STOP_GRACE_MS). */
  interrupt(): void;
  /**
   * Calls a method of one of the board's parts in the worker (e.g. 'accelerometer', 'setAccelerationG',
   * 0, 0, 1; 'buttonA', 'press'); applied at Python's next call into a module or while it waits.
   */
  setPart(part: string, method: string, ...args: (number | string | boolean)[]): void;
  /** Like setPart, and resolves with the method's result ('@now' as an argument is the current cycle). */
  queryPart(part: string, method: string, ...args: (number | string | boolean)[]): Promise<unknown>;
  /**
   * Writes a file onto CIRCUITPY as a host would over USB: the running code is stopped and rerun 0.75 s
   * (simulated) later when auto-reload is on and the REPL is not in use.
   */
  writeFile(path: string, data: Uint8Array | string): void;
  /**
   * A web-workflow file operation on CIRCUITPY (firmware-runtime/fs/workflow.ts), carried out by the worker
   * at Python's next call into a module or while it waits; a change starts auto-reload as a USB write does.
   */
  workflow(op: UndatedWorkflowOp): Promise<WorkflowResult>;
  /** Ends the run. */
  stop(): Promise<HostedRunEnd>;
  /** The CIRCUITPY flash bytes (shared with the worker; save them to persist the drive). */
  readonly flash: Uint8Array;
  /** Simulated seconds so far. */
  readonly seconds: number;
  /** The latest state of the board's parts (null until the worker has reported one). */
  readonly state: BoardSnapshot | null;
  readonly done: Promise<HostedRunEnd>;
}

/**
 * Starts the engine in a worker made by `spawn`, and gives the main thread's handle on it: console input
 * with Ctrl-C interception, the hard stop (terminate and respawn on the same flash), part commands, host
 * writes, snapshots, the end of the run.
 */
export function startHostedEngineWith(spawn: SpawnEngineWorker, options: HostedEngineOptions): HostedEngineHandle {
  const image = prepareFlash(options.board, options.flashImage, options.files);
  const flashBuffer = new SharedArrayBuffer(image.length);
  const flash = new Uint8Array(flashBuffer);
  flash.set(image);
  let control = new SharedArrayBuffer(CONTROL_BYTES);
  let views: ControlViews = controlViews(control);
  let worker: EngineWorker;
  let hardStops = 0;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  let state: BoardSnapshot | null = null;
  const queries = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextQuery = 1;
  let resolveDone!: (end: HostedRunEnd) => void;
  const done = new Promise<HostedRunEnd>((r) => (resolveDone = r));

  const finish = (end: Omit<HostedRunEnd, 'hardStops'>): void => {
    if (finished) return;
    finished = true;
    if (graceTimer) clearTimeout(graceTimer);
    void worker?.terminate();
    resolveDone({ ...end, hardStops });
  };

  const launch = (resume?: 'code' | 'repl', startSeconds = 0): void => {
    const config: EngineConfig = {
      board: options.board,
      flash: flashBuffer,
      control,
      realTime: options.realTime ?? false,
      heapBytes: options.heapBytes,
      timeoutSeconds: options.timeoutSeconds,
      wasmUrl: options.wasmUrl,
      resume,
      startSeconds,
      epoch: options.epoch,
      vcd: options.vcd,
      trace: options.trace,
    };
    worker = spawn(config);
    worker.onMessage((m: WorkerMessage) => {
      if (finished) return;
      if (m.type === 'console') options.onConsole?.(m.bytes);
      else if (m.type === 'waiting') options.onWaiting?.(m.seconds);
      else if (m.type === 'error') options.onError?.(m.message);
      else if (m.type === 'result') {
        const p = queries.get(m.id);
        queries.delete(m.id);
        if (m.error !== undefined) p?.reject(new Error(m.error));
        else p?.resolve(m.value);
      }
      else if (m.type === 'state') {
        state = m.state;
        options.onState?.(m.state);
      }
      else if (m.type === 'pins') options.onPins?.(m.changes);
      else if (m.type === 'trace') options.onTrace?.(m.lines);
      else if (m.type === 'ended') finish({ reason: m.reason, seconds: m.seconds, message: m.message });
    });
    const self = worker;
    // A worker that fails or ends by itself (the wasm runtime aborted) ends the run; ours end by terminate().
    worker.onEnd((message) => {
      if (self === worker) finish({ reason: 'error', seconds: views.seconds[0]!, message });
    });
  };

  const hardStop = (): void => {
    graceTimer = null;
    if (finished || Atomics.load(views.ctrl, CTRL.interrupt) === 0 || Atomics.load(views.ctrl, CTRL.state) !== RunState.python) return;
    hardStops++;
    const seconds = views.seconds[0]!;
    const inRepl = Atomics.load(views.ctrl, CTRL.mode) === 1;
    const old = worker;
    worker = null as unknown as EngineWorker; // its end is expected
    void old.terminate();
    control = new SharedArrayBuffer(CONTROL_BYTES);
    views = controlViews(control);
    launch(inRepl ? 'repl' : 'code', seconds);
  };

  const interrupt = (): void => {
    if (finished) return;
    Atomics.store(views.ctrl, CTRL.interrupt, 1);
    Atomics.notify(views.ctrl, CTRL.interrupt);
    // A program blocked reading the console waits on the wake slot.
    Atomics.add(views.ctrl, CTRL.wake, 1);
    Atomics.notify(views.ctrl, CTRL.wake);
    if (!graceTimer) graceTimer = setTimeout(hardStop, HARD_STOP_GRACE_MS);
  };

  launch();
  return {
    write(input) {
      if (finished) return;
      const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
      typeConsoleInput(views, bytes, interrupt);
    },
    interrupt,
    queryPart(part, method, ...args) {
      if (finished) return Promise.reject(new Error('the run has ended'));
      const id = nextQuery++;
      return new Promise((resolve, reject) => {
        queries.set(id, { resolve, reject });
        if (!pushCommand(views, { part, method, args, id })) {
          queries.delete(id);
          reject(new Error('too many part commands queued'));
        }
      });
    },
    setPart(part, method, ...args) {
      if (!finished && !pushCommand(views, { part, method, args })) throw new Error('too many part commands queued');
    },
    writeFile(path, data) {
      if (finished) return;
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const base64 = toBase64(bytes);
      if (!pushCommand(views, { part: DRIVE_COMMAND, method: 'write', args: [path, base64] })) throw new Error(`${path}: too large to send while other commands are queued`);
    },
    workflow(op) {
      if (finished) return Promise.reject(new Error('the run has ended'));
      const json = JSON.stringify(op, (key, value: unknown) => (key === 'data' && value instanceof Uint8Array ? toBase64(value) : value));
      const id = nextQuery++;
      return new Promise((resolve, reject) => {
        queries.set(id, { resolve: (v) => resolve(v as WorkflowResult), reject });
        if (!pushCommand(views, { part: DRIVE_COMMAND, method: 'workflow', args: [json], id })) {
          queries.delete(id);
          reject(new Error(`the request is too large to pass to the hosted engine (${json.length} bytes of command; at most ${COMMAND_RING_BYTES - 64})`));
        }
      });
    },
    async stop() {
      finish({ reason: 'stopped', seconds: views.seconds[0]! });
      return done;
    },
    flash,
    get seconds() {
      return views.seconds[0]!;
    },
    get state() {
      return state;
    },
    done,
  };
}


/** Base64 without Node's Buffer (the browser adapter uses this file too). */
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
