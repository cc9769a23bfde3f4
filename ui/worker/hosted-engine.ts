/**
 * The hosted CircuitPython engine (firmware-runtime/hosted/) behind the web app's `Engine` interface:
 * the browser counterpart of emulator/node/hosted-engine.ts. It owns the CIRCUITPY flash and the
 * control block (SharedArrayBuffers: the page is cross-origin isolated), starts the engine's own
 * Web Worker (hosted-worker.ts), turns console keys into input or Ctrl-C, controls into part
 * commands, editor saves into host file writes (auto-reload), and does the hard stop: a Python loop
 * that ignores Ctrl-C for HARD_STOP_GRACE_MS gets its worker terminated and a clean one resumes on
 * the same flash.
 */
import {
  CONTROL_BYTES, CTRL, RunState, controlViews, pushCommand, setPaused, typeConsoleInput,
  type BoardSnapshot, type ControlViews, type EngineConfig, type WorkerMessage,
} from '../../firmware-runtime/hosted/protocol.js';
import { DRIVE_COMMAND, EXTERNAL_COMMAND } from '../../firmware-runtime/hosted/engine.js';
import { HOSTED_BOARDS } from '../../firmware-runtime/hosted/boards.js';
import { ensureCircuitpy } from '../../firmware-runtime/fs/circuitpy.js';
import { circuitpyDevice, formatOptions } from '../../firmware-runtime/hosted/drive.js';
import type { Engine, RunHost } from './engine.js';

/** As the Node adapter: how long running Python has to take a Ctrl-C before its worker is replaced. */
export const HARD_STOP_GRACE_MS = 250;
/** How often the machine's worker posts console output and a frame while the hosted engine runs. */
const TURN_MS = 1000 / 60;
/**
 * Console messages (one per line printed) the hosted engine may be ahead of this worker: a printing loop then
 * goes at the pace this worker takes its output, its turns and a Ctrl-C are never behind more than these.
 */
const CONSOLE_WINDOW = 64;
/** How long a drive write waits for the engine to take it (a Python loop that calls nothing never does; then the board restarts). */
const WRITE_TAKEN_MS = 1000;

/** Boards the hosted engine can run (the page starts them on it when no firmware is loaded). */
export function isHostable(board: string): boolean {
  return HOSTED_BOARDS.some((b) => b.name === board);
}

type PartArg = number | string | boolean;

/** A hosted engine's worker started ahead of need (prestartHostedWorker), taken by the first launch. */
let spare: Worker | null = null;

function newHostedWorker(): Worker {
  return new Worker(new URL('./hosted-worker.ts', import.meta.url), { type: 'module' });
}

/**
 * Starts the hosted engine's worker now, before the board is built: its code (about as big as this
 * worker's) downloads and compiles while the drive is read from the browser's storage. It waits for its
 * configuration, which the first `launch` posts.
 */
export function prestartHostedWorker(): void {
  spare ??= newHostedWorker();
}

/** Base64 of `bytes` (the engine's file-write command carries text). */
function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * Wraps the CPU-less `base` engine (it gives the board's description and drive size; its own
 * machine never runs) with the hosted engine running in a worker of its own. `onError` gets what
 * the engine could not do (a part input it refused, a file it could not write); the run goes on.
 */
export function createHostedEngine(base: Engine, host: RunHost, realTime: boolean, onError: (message: string) => void): Engine {
  const board = base.info.name;
  const size = base.circuitpy()?.bytes.length ?? 0;
  if (size === 0) throw new Error(`${base.info.title} has no CIRCUITPY flash for the hosted engine`);
  const flash = new Uint8Array(new SharedArrayBuffer(size)).fill(0xff);
  let control = new SharedArrayBuffer(CONTROL_BYTES);
  let views: ControlViews = controlViews(control);
  let worker: Worker | null = null;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  let state: BoardSnapshot | null = null;
  let ended: string | null = null;
  let stopped = false;
  let running = false;
  const consoleListeners: ((bytes: Uint8Array) => void)[] = [];
  const soundListeners: ((seconds: number, volts: number) => void)[] = [];
  /** Parts used under any of the engine's workers so far (a restarted worker's chip starts fresh). */
  const used = new Set<string>();
  let usedList: readonly string[] = [];
  let paused = false;
  /** Simulated time up to which the speaker's input has arrived (its messages trail the shared clock). */
  let soundUpTo = 0;
  /** The last value set per part input, sent again to a restarted worker (its parts start fresh). */
  const partInputs = new Map<string, { part: string; method: string; args: PartArg[] }>();
  const ids = base.partIds;

  /** A blank drive is formatted now, as the engine (and CircuitPython) would at boot, so the editor opens code.py at once. */
  const format = () => void ensureCircuitpy(circuitpyDevice(base.circuitpy()!.kind, flash), formatOptions(board));
  format();

  const setPart = (part: string | null, method: string, ...args: PartArg[]): void => {
    if (!part) return;
    // One entry per touch pad and per wired pad; one per method otherwise.
    const key = method === 'touch' || part === EXTERNAL_COMMAND ? `${part}.${method}.${String(args[0])}` : `${part}.${method}`;
    partInputs.set(key, { part, method, args });
    if (!pushCommand(views, { part, method, args })) throw new Error('too many inputs queued for the hosted engine');
  };

  const onMessage = (m: WorkerMessage): void => {
    if (m.type === 'console') {
      for (const l of consoleListeners) l(m.bytes);
      // Taken: the engine's writes wait while CONSOLE_WINDOW messages are not.
      Atomics.add(views.ctrl, CTRL.consoleTaken, 1);
      Atomics.notify(views.ctrl, CTRL.consoleTaken);
    }
    else if (m.type === 'state') {
      state = m.state;
      if (m.state.used.some((k) => !used.has(k))) {
        for (const k of m.state.used) used.add(k);
        usedList = [...used];
      }
    } else if (m.type === 'sound') {
      for (const l of soundListeners) for (let i = 0; i < m.seconds.length; i++) l(m.seconds[i]!, m.volts[i]!);
      soundUpTo = m.upTo;
    }
    else if (m.type === 'error') onError(m.message);
    else if (m.type === 'ended') ended = m.reason === 'error' ? `the hosted engine failed: ${m.message ?? 'no message'}` : `the hosted engine ended (${m.reason})`;
  };

  const launch = (resume?: 'code' | 'repl', startSeconds = 0, reset?: EngineConfig['reset']): void => {
    const config: EngineConfig = { board, flash: flash.buffer as SharedArrayBuffer, control, realTime, resume, startSeconds, reset, consoleWindow: CONSOLE_WINDOW };
    const w = spare ?? newHostedWorker();
    spare = null;
    w.onmessage = (e: MessageEvent<WorkerMessage>) => {
      if (w === worker) onMessage(e.data);
    };
    w.onerror = (e) => {
      if (w === worker) ended = `the hosted engine's worker failed: ${e.message}`;
    };
    w.postMessage(config);
    worker = w;
    for (const c of partInputs.values()) pushCommand(views, c);
  };

  /** Ends the current worker and starts a clean one on the same flash (`resume` as after a Ctrl-C, or a fresh boot). */
  const restart = (resume?: 'code' | 'repl', reset?: EngineConfig['reset']): void => {
    const seconds = views.seconds[0]!;
    worker?.terminate();
    worker = null;
    control = new SharedArrayBuffer(CONTROL_BYTES);
    views = controlViews(control);
    // The new worker starts where the old one was, paused if the page is.
    views.seconds[0] = seconds;
    if (paused) setPaused(views, true);
    state = null;
    if (running) launch(resume, seconds, reset);
  };

  const hardStop = (): void => {
    graceTimer = null;
    // A paused worker is waiting for time, not spinning: the Ctrl-C is taken once it runs again.
    if (paused) {
      graceTimer = setTimeout(hardStop, HARD_STOP_GRACE_MS);
      return;
    }
    if (!worker || Atomics.load(views.ctrl, CTRL.interrupt) === 0 || Atomics.load(views.ctrl, CTRL.state) !== RunState.python) return;
    restart(Atomics.load(views.ctrl, CTRL.mode) === 1 ? 'repl' : 'code');
  };

  const interrupt = (): void => {
    Atomics.store(views.ctrl, CTRL.interrupt, 1);
    Atomics.notify(views.ctrl, CTRL.interrupt);
    // A program blocked reading the console waits on the wake slot.
    Atomics.add(views.ctrl, CTRL.wake, 1);
    Atomics.notify(views.ctrl, CTRL.wake);
    if (!graceTimer) graceTimer = setTimeout(hardStop, HARD_STOP_GRACE_MS);
  };

  return {
    info: base.info,
    kind: 'hosted',
    partIds: ids,
    async run() {
      running = true;
      ended = null;
      stopped = false;
      if (!worker) launch();
      // The engine runs in its own worker; this loop only gives the machine's worker its turns
      // (console output and frames to the page, pause, errors) until the engine ends or is stopped.
      while (!stopped && ended === null) {
        await host.sleep(TURN_MS);
      }
      running = false;
      if (graceTimer) clearTimeout(graceTimer);
      graceTimer = null;
      worker?.terminate();
      worker = null;
      return stopped ? null : ended;
    },
    stop() {
      stopped = true;
    },
    seconds: () => views.seconds[0]!,
    cycles: () => 0,
    instructions: () => 0,
    onConsole: (l) => void consoleListeners.push(l),
    writeConsole(bytes) {
      typeConsoleInput(views, bytes, interrupt);
    },
    pixels: () => (ids.pixels && state?.pixels[ids.pixels]) || new Array<number>(base.info.pixelCount).fill(0),
    // The speaker's input as the hosted worker saw it (pin edges from digitalio or pwmio; audioio is missing).
    onSound: (l) => void soundListeners.push(l),
    soundTime: () => soundUpTo,
    pause(p) {
      paused = p;
      setPaused(views, p);
    },
    step(seconds) {
      if (paused) setPaused(views, true, seconds);
    },
    usedParts: () => usedList,
    ledDuties: () => Object.fromEntries(Object.keys(base.info.ledColors).map((id) => [id, state?.leds[id] ? 1 : 0])),
    // The hosted boards (the CPX) have no DotStars.
    dotstars: () => ({}),
    padLevels(out) {
      // The worker's snapshot lists the same pads in the same order (boards/pad-levels.ts); none yet: floating.
      for (let i = 0; i < base.info.pads.length; i++) out[i] = state?.pads[i] ?? 2;
    },
    button: (id, pressed) => setPart(ids[id], 'set', pressed),
    slideSwitch: (closed) => setPart(ids.slideSwitch, 'set', closed),
    touch: (pad, touched) => setPart(ids.touch, 'touch', pad, touched),
    light: (lux) => setPart(ids.light, 'setLux', lux),
    temperature: (celsius) => setPart(ids.thermistor, 'setTemperature', celsius),
    sound: (dbSpl) => setPart(ids.mic, 'setSoundLevelDb', dbSpl),
    acceleration: (x, y, z) => setPart(ids.accelerometer, 'setAccelerationG', x, y, z),
    externalButton: (pad, pressed) => setPart(EXTERNAL_COMMAND, 'drive', pad, pressed ? 0 : 'z'),
    /**
     * The reset button: a clean boot on the same drive (the safe-mode window, boot.py, code.py); pressed while
     * the boot's safe-mode window is open (the status LED blinking yellow), the board comes up in safe mode.
     */
    reset: () => restart(undefined, Atomics.load(views.ctrl, CTRL.bootWindow) === 1 ? 'safe-mode' : 'boot'),
    // The board's own layout: the small boards keep CIRCUITPY in internal flash (firmware-runtime/hosted/drive.ts).
    circuitpy: () => ({ kind: base.circuitpy()!.kind, bytes: flash }),
    loadCircuitpy(bytes) {
      if (bytes.length !== flash.length) throw new Error(`a drive for ${base.info.title} is ${flash.length} bytes, not ${bytes.length}`);
      flash.set(bytes);
      format();
      if (worker) restart();
    },
    usbDrive: () => null,
    async writeFile(path, data) {
      // The sectors are on the flash already (drive.ts); the engine writes the same bytes again through
      // its own volume and starts the auto-reload countdown.
      if (!pushCommand(views, { part: DRIVE_COMMAND, method: 'write', args: [path, base64(data)] })) {
        throw new Error(`${path}: too large to send to the hosted engine while other inputs are queued`);
      }
      // Wait until it has taken the command (at Python's next module call or while it waits), so a
      // later rename or delete cannot be undone by this write arriving after it.
      const target = Atomics.load(views.ctrl, CTRL.commandsWritten);
      const taken = () => Atomics.load(views.ctrl, CTRL.commandsRead) === target;
      for (let t = 0; t < WRITE_TAKEN_MS && worker && !taken(); t += 5) await new Promise((r) => setTimeout(r, 5));
      // Python in a loop that never calls a module cannot see the write (CircuitPython's VM would,
      // from its background tasks): the board restarts on the drive as written, so the save still runs.
      if (worker && !taken()) restart();
    },
  };
}
