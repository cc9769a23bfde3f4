/**
 * The machine's Web Worker: builds the board through the engine adapter, runs it in slices of
 * simulated time paced to the wall clock, and posts console bytes and a frame (pixels, LED,
 * pads) at frame rate. Inputs arrive as messages between slices. Simulated time never reads the
 * wall clock; only the pacing here does.
 */
import { createEngine, setCpuMode, type Engine } from './engine.js';
import { createHostedEngine, isHostable, prestartHostedWorker } from './hosted-engine.js';
import { Drive } from './drive.js';
import { differs, loadDrive, saveDrive } from './persist.js';
import { STEP_SECONDS, type BoardInput, type FromWorker, type ToWorker, type UsedControl } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker, transfer?: Transferable[]) => scope.postMessage(m, transfer);

/** If the machine falls this far behind the wall clock, stop trying to catch up. */
const MAX_LAG_MS = 250;
const FRAME_MS = 1000 / 60;

let boardName = 'cpx';
let realTime = true;
/** Without firmware, run CircuitPython hosted (when the board supports it). */
let hostedWanted = true;
let engine: Engine | null = null;
let firmwareName: string | null = null;
let paused = false;
let resume: (() => void) | null = null;
/** Bumped for every new board: a run loop of an older board ends quietly. */
let generation = 0;
let consoleChunks: Uint8Array[] = [];
let lastFrame = 0;
let shakeSteps = 0;
/** The inputs as last set, re-applied to a new board (a firmware swap keeps the room the same). */
const inputs = new Map<string, BoardInput>();
const drive = new Drive(() => {
  if (!engine) throw new Error('no board yet');
  return engine;
});

/**
 * The run loop's clock: wall time minus the time spent paused and any lag given up on (a machine
 * slower than real time runs flat out instead of piling up a debt it would later rush to repay).
 */
let clockOffset = 0;
/** Wall time spent paused (the speed readout leaves it out; lag given up on stays in). */
let pausedMs = 0;
let runStartWall = 0;
let runStartSim = 0;
const clock = () => performance.now() - clockOffset;

const channel = new MessageChannel();
const turns: (() => void)[] = [];
channel.port1.onmessage = () => turns.shift()?.();

/** Between slices: post output and a frame, step a shake, wait while paused, drop lag. */
async function hostTurn(): Promise<void> {
  const e = engine;
  if (!e) return;
  flush(performance.now());
  sliceChores(e);
  if (paused) {
    const t = performance.now();
    // Frames go on while paused (a Step's effect, or the hosted worker reaching its stop, is shown).
    const frames = setInterval(() => flush(performance.now(), true), 100);
    await new Promise<void>((r) => (resume = r));
    clearInterval(frames);
    clockOffset += performance.now() - t;
    pausedMs += performance.now() - t;
  }
}

/** What every slice boundary does, with or without an event-loop turn: a shake's step, lag given up on. */
function sliceChores(e: Engine): void {
  if (shakeSteps > 0) shakeStep(e);
  if (!realTime) return;
  const behindMs = clock() - runStartWall - (e.seconds() - runStartSim) * 1000;
  if (behindMs > MAX_LAG_MS) clockOffset += behindMs - FRAME_MS;
}

/**
 * Wall milliseconds of slices run back to back before the worker's event loop gets a turn (messages from
 * the page, posting output). A turn costs a message round trip, and much more on a loaded machine: taken
 * after every 10 ms slice it was most of the wall time of a firmware that sleeps a lot (CircuitPython
 * booting ran at a tenth of real time in Chromium, idle between turns). Input waits at most this long.
 */
const TURN_MS = 8;
let lastTurn = 0;

const host = {
  now: clock,
  yield: async () => {
    const e = engine;
    if (e && !paused && performance.now() - lastTurn < TURN_MS) return sliceChores(e);
    await new Promise<void>((r) => {
      turns.push(r);
      channel.port2.postMessage(0);
    });
    lastTurn = performance.now();
    await hostTurn();
  },
  sleep: async (ms: number) => {
    await new Promise((r) => setTimeout(r, ms));
    lastTurn = performance.now();
    await hostTurn();
  },
};

/** The drive as last saved to the browser's storage. */
let savedDrive: Uint8Array | null = null;
/** How often the drive is compared with the saved copy (the firmware may write files itself). */
const PERSIST_MS = 3000;

async function persist(): Promise<void> {
  const bytes = engine?.circuitpy()?.bytes;
  if (!bytes || (savedDrive && !differs(bytes, savedDrive))) return;
  const copy = bytes.slice();
  try {
    await saveDrive(boardName, copy);
    savedDrive = copy;
  } catch (err) {
    post({ type: 'error', message: `The drive could not be saved in this browser: ${errorText(err)}` });
  }
}

/**
 * Sound: the speaker's samples arrive at irregular times (each DAC write, each edge); they are
 * resampled here, sample-and-hold, at RATE Hz, with the amplifier's DC blocked, and posted with
 * the simulated time of their first sample.
 */
const RATE = 22050;
let soundOn = false;
let soundTimes: number[] = [];
let soundVolts: number[] = [];
/** Simulated time of the next output sample, the held input level, and the DC blocker's state. */
let soundNext = -1;
let soundLevel = 0;
let dcIn = 0;
let dcOut = 0;

function flushSound(now: number): void {
  const e = engine;
  if (!soundOn || !e) return;
  // The hosted engine's samples come from its own worker, in messages that trail its shared clock: render
  // only as far as they have arrived, or a late edge would be applied out of time.
  const end = e.soundTime ? e.soundTime() : e.seconds();
  if (soundNext < 0 || end - soundNext > 0.5) soundNext = end; // start, or skip a gap (a pause, flat-out running)
  const n = Math.floor((end - soundNext) * RATE);
  if (n <= 0) return;
  const out = new Float32Array(n);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = soundNext + i / RATE;
    while (j < soundTimes.length && soundTimes[j] <= t) soundLevel = soundVolts[j++];
    // One-pole DC blocker (the amplifier is AC-coupled): y = x - x' + 0.995 y'.
    dcOut = soundLevel - dcIn + 0.995 * dcOut;
    dcIn = soundLevel;
    out[i] = Math.max(-1, Math.min(1, dcOut / 1.65));
  }
  soundTimes = soundTimes.slice(j);
  soundVolts = soundVolts.slice(j);
  post({ type: 'sound', start: soundNext, rate: RATE, samples: out }, [out.buffer]);
  soundNext += n / RATE;
  void now;
}

/** Rejected when the board is replaced: a drive operation still waiting on the old one ends. */
let replaced: { promise: Promise<never>; reject: (e: Error) => void } = deferred();
function deferred(): { promise: Promise<never>; reject: (e: Error) => void } {
  let reject!: (e: Error) => void;
  const promise = new Promise<never>((_, r) => (reject = r));
  promise.catch(() => {});
  return { promise, reject };
}

function start(firmware?: { bytes: Uint8Array; name: string }, restored?: Uint8Array | null): void {
  const previousDrive = restored ?? engine?.circuitpy()?.bytes.slice();
  // No firmware: CircuitPython hosted runs code.py on boards it supports (the CPU-less chip otherwise).
  const built = createEngine(boardName, host, firmware, realTime); // throws for a bad image: the old board keeps running
  const next = !firmware && hostedWanted && isHostable(boardName) ? createHostedEngine(built, host, realTime, (message) => post({ type: 'error', message })) : built;
  engine?.stop();
  replaced.reject(new Error('the board was restarted with new firmware before the operation finished; try again'));
  replaced = deferred();
  engine = next;
  firmwareName = firmware?.name ?? null;
  if (previousDrive) next.loadCircuitpy(previousDrive);
  next.onConsole((bytes) => consoleChunks.push(bytes.slice()));
  next.onSound((seconds, volts) => {
    if (!soundOn) return;
    soundTimes.push(seconds);
    soundVolts.push(volts);
  });
  soundNext = -1;
  for (const input of inputs.values()) apply(input);
  if (paused) next.pause?.(true);
  post({ type: 'board', info: next.info, engine: next.kind, firmware: firmwareName });
  void run(next);
}

/** Runs `e` until it stops; a fault or exit is reported and the board waits for reset. */
async function run(e: Engine): Promise<void> {
  const mine = ++generation;
  rateSamples.length = 0;
  lastRate = { speed: 0, mhz: 0, mips: 0 };
  runStartWall = clock();
  runStartSim = e.seconds();
  let stop: string | null;
  try {
    stop = await e.run();
  } catch (err) {
    stop = `emulator error: ${errorText(err)}`;
  }
  if (mine !== generation || stop === null) return;
  flush(performance.now(), true);
  haltedGeneration = mine;
  post({ type: 'halted', message: stop });
  // Keep the page's frame fresh (inputs still move pads) until reset starts a new run.
  const idle = setInterval(() => (mine === generation ? flush(performance.now(), true) : clearInterval(idle)), 100);
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
    case 'external-button': return e.externalButton(input.pad, input.pressed);
    case 'wifi': return e.accessPoints?.(input.accessPoints);
    case 'shake':
      shakeSteps = 24; // 24 slices of alternating ±2 g along x: about a quarter second of shaking
      return;
  }
}

function inputKey(input: BoardInput): string {
  if (input.kind === 'button') return `button:${input.id}`;
  if (input.kind === 'touch' || input.kind === 'external-button') return `${input.kind}:${input.pad}`;
  return input.kind;
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

/** The page's controls for the parts the engine saw used (part ids differ by board; controls do not). */
let usedFrom: readonly string[] = [];
let usedControls: UsedControl[] = [];
function controlsUsed(e: Engine): UsedControl[] {
  const keys = e.usedParts();
  if (keys === usedFrom) return usedControls;
  const ids = e.partIds;
  const byId: Record<string, UsedControl> = {};
  const name: [string | null, UsedControl][] = [[ids.light, 'light'], [ids.thermistor, 'temperature'], [ids.mic, 'sound'], [ids.accelerometer, 'accelerometer'], [ids.buttonA, 'buttonA'], [ids.buttonB, 'buttonB'], [ids.slideSwitch, 'slideSwitch']];
  for (const [id, control] of name) if (id) byId[id] = control;
  usedFrom = keys;
  usedControls = keys.flatMap((k): UsedControl[] => {
    if (byId[k]) return [byId[k]];
    if (ids.touch && k.startsWith(`${ids.touch}.`)) return [`touch.${k.slice(ids.touch.length + 1)}`];
    return [];
  });
  return usedControls;
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
  flushSound(now);
  const rate = rates(e, now);
  const pins: number[] = [];
  e.padLevels(pins);
  const leds = e.ledDuties();
  post({
    type: 'frame',
    frame: { pixels: e.pixels(), redLed: (e.partIds.redLed && leds[e.partIds.redLed]) || 0, leds, dotstars: e.dotstars(), pins, used: controlsUsed(e), simSeconds: e.seconds(), ...rate, running: !paused },
  });
}

/**
 * The speed readout: simulated time, cycles and instructions per wall second over the last second, from a
 * sample taken at every frame (so the first figure comes after a quarter second, not after a whole one).
 * Wall time spent paused is not counted: a paused machine shows its speed from before the pause.
 */
interface RateSample {
  wall: number;
  sim: number;
  cycles: number;
  instructions: number;
}
const RATE_WINDOW_MS = 1000;
const RATE_FIRST_MS = 250;
const rateSamples: RateSample[] = [];
let lastRate = { speed: 0, mhz: 0, mips: 0 };

function rates(e: Engine, now: number): { speed: number; mhz: number; mips: number } {
  if (paused) return lastRate;
  const wall = now - pausedMs;
  const sample = { wall, sim: e.seconds(), cycles: e.cycles(), instructions: e.instructions() };
  // Until the first figure, the window opens at the last sample before simulated time moved: the hosted
  // engine's clock stands still while its worker loads the wasm VM, and a ratio over that wait would
  // describe the loading, not the machine ("0% real time").
  if (lastRate.speed === 0 && rateSamples.length > 0 && sample.sim === rateSamples[rateSamples.length - 1]!.sim) rateSamples.length = 0;
  rateSamples.push(sample);
  while (rateSamples.length > 2 && wall - rateSamples[1]!.wall >= RATE_WINDOW_MS) rateSamples.shift();
  const first = rateSamples[0]!;
  const seconds = (wall - first.wall) / 1000;
  if (seconds * 1000 < RATE_FIRST_MS) return lastRate;
  lastRate = {
    speed: (sample.sim - first.sim) / seconds,
    mhz: (sample.cycles - first.cycles) / seconds / 1e6,
    mips: (sample.instructions - first.instructions) / seconds / 1e6,
  };
  return lastRate;
}

/** True when the current board's run loop has ended (a fault or exit) and waits for reset. */
let haltedGeneration = -1;
const halted = () => haltedGeneration === generation;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  try {
    switch (msg.type) {
      case 'boot':
        boardName = msg.board;
        realTime = msg.realTime;
        hostedWanted = msg.hosted;
        setCpuMode(msg.cpu);
        if (hostedWanted && isHostable(boardName)) prestartHostedWorker();
        loadDrive(boardName)
          .catch((err) => {
            post({ type: 'error', message: `The saved drive could not be read: ${errorText(err)}` });
            return null;
          })
          .then((restored) => {
            savedDrive = restored;
            try {
              start(undefined, restored);
            } catch (err) {
              post({ type: 'error', message: `The saved drive was not usable (${errorText(err)}); starting with a blank one` });
              savedDrive = null;
              start();
            }
            setInterval(() => void persist(), PERSIST_MS);
          });
        break;
      case 'load-firmware':
        try {
          start({ bytes: msg.bytes, name: msg.name });
        } catch (err) {
          post({ type: 'error', message: `Could not load ${msg.name}: ${errorText(err)}` });
        }
        break;
      case 'use-hosted':
        hostedWanted = true;
        start();
        break;
      case 'console-input':
        engine?.writeConsole(msg.bytes);
        break;
      case 'input':
        if (msg.input.kind !== 'shake') inputs.set(inputKey(msg.input), msg.input);
        apply(msg.input);
        break;
      case 'reset':
        if (engine) {
          engine.reset();
          // After a fault or exit the loop has ended: reset starts it again.
          if (halted()) void run(engine);
        }
        break;
      case 'sound':
        soundOn = msg.on;
        soundTimes = [];
        soundVolts = [];
        soundNext = -1;
        break;
      case 'pause':
        paused = msg.paused;
        engine?.pause?.(paused);
        if (!paused) {
          resume?.();
          resume = null;
        }
        break;
      case 'step':
        // One more turn of the run loop: the firmware engine runs one slice; the hosted engine's worker
        // is let run as far, and the frame after it is posted.
        if (!paused) break;
        engine?.step?.(STEP_SECONDS);
        resume?.();
        resume = null;
        break;
      case 'drive':
        Promise.race([drive.handle(msg.request), replaced.promise]).then(
          (r) => {
            post({ type: 'reply', id: msg.id, ok: true, ...r });
            if (msg.request.op !== 'list' && msg.request.op !== 'read' && msg.request.op !== 'image') void persist();
          },
          (err) => post({ type: 'reply', id: msg.id, ok: false, error: errorText(err) }),
        );
        break;
    }
  } catch (err) {
    post({ type: 'error', message: errorText(err) });
  }
};
