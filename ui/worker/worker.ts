/**
 * The machine's Web Worker: builds the board through the engine adapter, runs it in slices of
 * simulated time paced to the wall clock, and posts console bytes and a frame (pixels, LED,
 * pads) at frame rate. Inputs arrive as messages between slices. Simulated time never reads the
 * wall clock; only the pacing here does.
 */
import { createEngine, type Engine } from './engine.js';
import { Drive } from './drive.js';
import type { BoardInput, FromWorker, ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer?: Transferable[]) => scope.postMessage(m, transfer);

/** Simulated seconds run per slice at most (then the worker yields for messages). */
const SLICE_SECONDS = 0.01;
/** If the machine falls this far behind the wall clock, stop trying to catch up. */
const MAX_LAG_SECONDS = 0.25;
const FRAME_MS = 1000 / 60;

let boardName = 'cpx';
let engine: Engine | null = null;
let firmwareName: string | null = null;
let paused = false;
let halted = false;
let consoleChunks: Uint8Array[] = [];
// Pacing: simulated time `simBase` corresponds to wall time `wallBase`.
let wallBase = 0;
let simBase = 0;
let lastFrame = 0;
let speedWall = 0;
let speedSim = 0;
let speed = 0;
let shakeSteps = 0;
/** The inputs as last set, re-applied to a new board (a firmware swap keeps the room the same). */
const inputs = new Map<string, BoardInput>();
const drive = new Drive(() => {
  if (!engine) throw new Error('no board yet');
  return engine;
});

function start(firmware?: { bytes: Uint8Array; name: string }): void {
  const previousDrive = engine?.circuitpy()?.bytes.slice();
  const next = createEngine(boardName, firmware); // throws for a bad image: the old board keeps running
  engine = next;
  firmwareName = firmware?.name ?? null;
  halted = false;
  if (previousDrive) next.loadCircuitpy(previousDrive);
  next.onConsole((bytes) => consoleChunks.push(bytes.slice()));
  for (const input of inputs.values()) apply(input);
  rebase();
  post({ type: 'board', info: next.info, engine: next.kind, firmware: firmwareName });
}

function rebase(): void {
  wallBase = performance.now();
  simBase = engine?.seconds() ?? 0;
  speedWall = wallBase;
  speedSim = simBase;
}

function apply(input: BoardInput): void {
  const e = engine;
  if (!e) return;
  switch (input.kind) {
    case 'button': return e.button(input.id, input.pressed);
    case 'slide-switch': return e.slideSwitch(input.closed);
    case 'touch': return e.touch(input.pad, input.touched);
    case 'light': return e.light(input.lux);
    case 'temperature': return e.temperature(input.celsius);
    case 'sound': return e.sound(input.dbSpl);
    case 'tilt': return e.acceleration(input.x, input.y, input.z);
    case 'shake':
      shakeSteps = 24; // 24 slices of alternating ±2 g along x: about a quarter second of shaking
      return;
  }
}

function inputKey(input: BoardInput): string {
  return input.kind === 'button' ? `button:${input.id}` : input.kind === 'touch' ? `touch:${input.pad}` : input.kind;
}

/** One step of a shake: alternating ±2 g on x, then back to the tilt the user set. */
function shakeStep(e: Engine): void {
  shakeSteps--;
  if (shakeSteps > 0) e.acceleration(shakeSteps % 2 ? 2 : -2, 0, 1);
  else {
    const tilt = inputs.get('tilt');
    if (tilt && tilt.kind === 'tilt') e.acceleration(tilt.x, tilt.y, tilt.z);
    else e.acceleration(0, 0, 1);
  }
}

function flush(now: number, force = false): void {
  const e = engine;
  if (!e) return;
  if (consoleChunks.length > 0) {
    const total = consoleChunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(total);
    let o = 0;
    for (const c of consoleChunks) {
      bytes.set(c, o);
      o += c.length;
    }
    consoleChunks = [];
    post({ type: 'console', bytes }, [bytes.buffer]);
  }
  if (!force && now - lastFrame < FRAME_MS) return;
  lastFrame = now;
  if (now - speedWall >= 1000) {
    speed = (e.seconds() - speedSim) / ((now - speedWall) / 1000);
    speedWall = now;
    speedSim = e.seconds();
  }
  const pins: number[] = [];
  e.padLevels(pins);
  post({
    type: 'frame',
    frame: { pixels: e.pixels(), redLed: e.redLedDuty(), pins, simSeconds: e.seconds(), speed, running: !paused && !halted },
  });
}

// A zero-delay yield that is not clamped to 4 ms as nested setTimeout is.
const channel = new MessageChannel();
channel.port1.onmessage = () => tick();
const yieldNow = () => channel.port2.postMessage(null);

function tick(): void {
  const e = engine;
  const now = performance.now();
  if (!e || paused || halted) {
    flush(now);
    setTimeout(tick, FRAME_MS);
    return;
  }
  let behind = simBase + (now - wallBase) / 1000 - e.seconds();
  if (behind > MAX_LAG_SECONDS) {
    // Slower than real time: run flat out from here instead of piling up a debt.
    rebase();
    behind = SLICE_SECONDS;
  }
  if (behind > 0) {
    if (shakeSteps > 0) shakeStep(e);
    let stop: string | null;
    try {
      stop = e.runFor(Math.min(behind, SLICE_SECONDS));
    } catch (err) {
      stop = `emulator error: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (stop) {
      halted = true;
      flush(performance.now(), true);
      post({ type: 'halted', message: stop });
      setTimeout(tick, FRAME_MS);
      return;
    }
  }
  flush(performance.now());
  const ahead = e.seconds() - (simBase + (performance.now() - wallBase) / 1000);
  if (ahead > 0.001) setTimeout(tick, ahead * 1000);
  else yieldNow();
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'boot': {
        boardName = msg.board;
        start();
        tick();
        break;
      }
      case 'load-firmware':
        try {
          start({ bytes: msg.bytes, name: msg.name });
        } catch (err) {
          post({ type: 'error', message: `Could not load ${msg.name}: ${errorText(err)}` });
        }
        break;
      case 'console-input':
        engine?.writeConsole(msg.bytes);
        break;
      case 'input':
        if (msg.input.kind !== 'shake') inputs.set(inputKey(msg.input), msg.input);
        apply(msg.input);
        break;
      case 'reset':
        engine?.reset();
        halted = false;
        rebase();
        break;
      case 'pause':
        paused = msg.paused;
        rebase();
        break;
      case 'drive':
        drive.handle(msg.request).then(
          (r) => post({ type: 'reply', id: msg.id, ok: true, ...r }),
          (err) => post({ type: 'reply', id: msg.id, ok: false, error: errorText(err) }),
        );
        break;
    }
  } catch (err) {
    post({ type: 'error', message: errorText(err) });
  }
};
