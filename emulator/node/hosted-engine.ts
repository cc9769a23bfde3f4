/**
 * The hosted engine (firmware-runtime/hosted/) in Node: the main-thread API (`startHostedEngine`) and, when
 * this file is loaded as a worker_thread, the worker's entry. The only file of the hosted engine that
 * imports `node:` (a browser adapter would do the same with `new Worker(url, { type: 'module' })` and
 * `self.onmessage`).
 *
 * The worker runs the VM and the core-less board together (Python's module calls program the chip
 * synchronously). Console input, Ctrl-C and time cross through a SharedArrayBuffer (protocol.ts); a
 * Python loop that never calls into our modules cannot see a Ctrl-C, so after a grace period the worker
 * is terminated and a clean one resumes on the same flash bytes (the hard stop).
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { CONTROL_BYTES, CTRL, RunState, controlViews, pushCommand, pushInput, type BoardSnapshot, type ControlViews, type EngineConfig, type WorkerMessage } from '../../firmware-runtime/hosted/protocol.js';
import { DRIVE_COMMAND, runHostedEngine } from '../../firmware-runtime/hosted/engine.js';
import { prepareFlash, type HostedFiles } from '../../firmware-runtime/hosted/drive.js';

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
  /** Console output, as the board's USB serial would send it. */
  onConsole?: (bytes: Uint8Array) => void;
  /** Called when the engine waits for console input and none is pending. */
  onWaiting?: (seconds: number) => void;
  /** The board's parts changed (NeoPixel colours latched, an LED switched). */
  onState?: (state: BoardSnapshot) => void;
  /** A part command the worker could not carry out. */
  onError?: (message: string) => void;
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
  /**
   * Writes a file onto CIRCUITPY as a host would over USB: the running code is stopped and rerun 0.75 s
   * (simulated) later when auto-reload is on and the REPL is not in use.
   */
  writeFile(path: string, data: Uint8Array | string): void;
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

export function startHostedEngine(options: HostedEngineOptions): HostedEngineHandle {
  const image = prepareFlash(options.board, options.flashImage, options.files);
  const flashBuffer = new SharedArrayBuffer(image.length);
  const flash = new Uint8Array(flashBuffer);
  flash.set(image);
  let control = new SharedArrayBuffer(CONTROL_BYTES);
  let views: ControlViews = controlViews(control);
  let worker: Worker;
  let hardStops = 0;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  let finished = false;
  let state: BoardSnapshot | null = null;
  let resolveDone!: (end: HostedRunEnd) => void;
  const done = new Promise<HostedRunEnd>((r) => (resolveDone = r));
  const url = workerUrl();

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
      resume,
      startSeconds,
    };
    worker = new Worker(url, { workerData: config });
    worker.on('message', (m: WorkerMessage) => {
      if (finished) return;
      if (m.type === 'console') options.onConsole?.(m.bytes);
      else if (m.type === 'waiting') options.onWaiting?.(m.seconds);
      else if (m.type === 'error') options.onError?.(m.message);
      else if (m.type === 'state') {
        state = m.state;
        options.onState?.(m.state);
      }
      else if (m.type === 'ended') finish({ reason: m.reason, seconds: m.seconds, message: m.message });
    });
    const self = worker;
    worker.on('error', (e) => finish({ reason: 'error', seconds: views.seconds[0]!, message: e.stack ?? String(e) }));
    // A worker that ends by itself (the wasm runtime aborted) ends the run; ours are ended by terminate().
    worker.on('exit', (code) => {
      if (self === worker) finish({ reason: 'error', seconds: views.seconds[0]!, message: `the hosted engine's worker exited (code ${code})` });
    });
  };

  const hardStop = (): void => {
    graceTimer = null;
    if (finished || Atomics.load(views.ctrl, CTRL.interrupt) === 0 || Atomics.load(views.ctrl, CTRL.state) !== RunState.python) return;
    hardStops++;
    const seconds = views.seconds[0]!;
    const inRepl = Atomics.load(views.ctrl, CTRL.mode) === 1;
    const old = worker;
    worker = null as unknown as Worker; // its exit event is expected
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
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        // While Python runs, Ctrl-C is the interrupt character and never reaches the input buffer.
        if (bytes[i] === 3 && Atomics.load(views.ctrl, CTRL.state) === RunState.python) {
          pushInput(views, bytes.subarray(start, i));
          start = i + 1;
          interrupt();
        }
      }
      pushInput(views, bytes.subarray(start));
    },
    interrupt,
    setPart(part, method, ...args) {
      if (!finished && !pushCommand(views, { part, method, args })) throw new Error('too many part commands queued');
    },
    writeFile(path, data) {
      if (finished) return;
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      const base64 = Buffer.from(bytes).toString('base64');
      if (!pushCommand(views, { part: DRIVE_COMMAND, method: 'write', args: [path, base64] })) throw new Error(`${path}: too large to send while other commands are queued`);
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

if (!isMainThread && parentPort && (workerData as EngineConfig | undefined)?.control) {
  const port = parentPort;
  void runHostedEngine(workerData as EngineConfig, { post: (m) => port.postMessage(m) });
}
