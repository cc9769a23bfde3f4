/**
 * What the main thread and the hosted engine's worker share: the control block (a SharedArrayBuffer:
 * interrupt flag, console input ring, run state) and the messages they post.
 *
 * Input travels through the shared ring rather than messages because the worker is synchronous while
 * Python runs (a module call may block in Atomics.wait for a key or a sleep) and cannot take a message
 * then. Only the worker's own reports (console output, snapshots, run end) are posted.
 */

/** The command-ring target for host writes to CIRCUITPY (not a part name). */
export const DRIVE_COMMAND = '@drive';
/** The command-ring target for parts the user wired to pads: `drive(pad, 0 | 1 | 'z')` (boards/pad-levels.ts). */
export const EXTERNAL_COMMAND = '@external';

/** Int32 slots at the start of the control block. */
export const CTRL = {
  /** 1: Ctrl-C pending for running Python (set by the main thread, cleared by the worker when taken). */
  interrupt: 0,
  /** Total bytes ever written to the input ring (main thread). */
  inputWritten: 1,
  /** Total bytes ever read from the input ring (worker). */
  inputRead: 2,
  /** Bumped with Atomics.notify whenever input arrives or a stop is requested: the worker waits on it. */
  wake: 3,
  /** 1 while Python code runs (Ctrl-C is then an interrupt, not a key); see RunState. */
  state: 4,
  /** 1: the main thread asks the worker to stop (checked like the interrupt). */
  stop: 5,
  /** 1 while the REPL (rather than a code file) is the engine's current place: where a hard stop resumes. */
  mode: 6,
  /** Bytes written to / read from the command ring (part inputs as JSON lines). */
  commandsWritten: 7,
  commandsRead: 8,
  /**
   * 1: paused (the page's Pause): simulated time may run only up to the Float64 `stepUntil` (a Step moves it
   * on); 0: runs freely. Bumped-with-notify slot `pauseChanged` wakes a paused worker.
   */
  paused: 9,
  pauseChanged: 10,
  /**
   * 1 while the engine is in the boot's safe-mode window (wait_for_safe_mode_reset: the first second after a
   * power-on or reset): a press of the reset button now starts the board in safe mode (host.ts `reset`).
   */
  bootWindow: 11,
  /**
   * Console messages the worker has posted / the host has taken (EngineConfig.consoleWindow): the worker's
   * writes wait while the host is that many behind. Bumped with Atomics.notify by the host.
   */
  consolePosted: 12,
  consoleTaken: 13,
} as const;

/** A slot nobody writes: a worker that has reported its end waits on it until it is terminated. */
export const CTRL_PARK = 15;

export const CTRL_SLOTS = 16;
/** Byte offset of a Float64 slot: the worker's simulated time (seconds), kept for a restart after a hard stop. */
const SECONDS_OFFSET = CTRL_SLOTS * 4;
/** Byte offset of a Float64 slot: while paused, simulated time may run up to here (main thread). */
const STEP_UNTIL_OFFSET = SECONDS_OFFSET + 8;
const RING_OFFSET = SECONDS_OFFSET + 64;
export const INPUT_RING_BYTES = 1 << 16;
const COMMAND_OFFSET = RING_OFFSET + INPUT_RING_BYTES;
export const COMMAND_RING_BYTES = 1 << 20;
export const CONTROL_BYTES = COMMAND_OFFSET + COMMAND_RING_BYTES;

export const enum RunState {
  idle = 0,
  python = 1,
}

export interface ControlViews {
  ctrl: Int32Array;
  /** [0]: simulated seconds, written by the worker as time advances. */
  seconds: Float64Array;
  /** [0]: while paused, the simulated second up to which the worker may still run (a Step). */
  stepUntil: Float64Array;
  ring: Uint8Array;
  commands: Uint8Array;
}

export function controlViews(buffer: SharedArrayBuffer): ControlViews {
  return {
    ctrl: new Int32Array(buffer, 0, CTRL_SLOTS),
    seconds: new Float64Array(buffer, SECONDS_OFFSET, 1),
    stepUntil: new Float64Array(buffer, STEP_UNTIL_OFFSET, 1),
    ring: new Uint8Array(buffer, RING_OFFSET, INPUT_RING_BYTES),
    commands: new Uint8Array(buffer, COMMAND_OFFSET, COMMAND_RING_BYTES),
  };
}

/** Main thread: appends console input; returns the bytes that did not fit (the worker is not reading). */
export function pushInput(v: ControlViews, bytes: Uint8Array): number {
  const written = Atomics.load(v.ctrl, CTRL.inputWritten);
  const read = Atomics.load(v.ctrl, CTRL.inputRead);
  const room = INPUT_RING_BYTES - ((written - read) | 0);
  const n = Math.min(room, bytes.length);
  for (let i = 0; i < n; i++) v.ring[(written + i) & (INPUT_RING_BYTES - 1)] = bytes[i]!;
  Atomics.store(v.ctrl, CTRL.inputWritten, (written + n) | 0);
  Atomics.add(v.ctrl, CTRL.wake, 1);
  Atomics.notify(v.ctrl, CTRL.wake);
  return bytes.length - n;
}

/**
 * Main thread: console input typed by the user. While Python runs, Ctrl-C is the interrupt
 * character and never reaches the input buffer (`interrupt` is called instead); other bytes are queued.
 */
export function typeConsoleInput(v: ControlViews, bytes: Uint8Array, interrupt: () => void): void {
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 3 && Atomics.load(v.ctrl, CTRL.state) === RunState.python) {
      pushInput(v, bytes.subarray(start, i));
      start = i + 1;
      interrupt();
    }
  }
  pushInput(v, bytes.subarray(start));
}

/** Worker: bytes waiting in the ring. */
export function inputAvailable(v: ControlViews): number {
  return (Atomics.load(v.ctrl, CTRL.inputWritten) - Atomics.load(v.ctrl, CTRL.inputRead)) | 0;
}

/** Worker: takes one byte, or -1 when the ring is empty. */
export function takeInput(v: ControlViews): number {
  const read = Atomics.load(v.ctrl, CTRL.inputRead);
  if (((Atomics.load(v.ctrl, CTRL.inputWritten) - read) | 0) === 0) return -1;
  const b = v.ring[read & (INPUT_RING_BYTES - 1)]!;
  Atomics.store(v.ctrl, CTRL.inputRead, (read + 1) | 0);
  return b;
}

/** A call on one of the board's parts, made by the main thread (UI control, test input). */
export interface PartCommand {
  part: string;
  method: string;
  /** The string '@now' stands for the scheduler's current cycle (e.g. Led.dutySince(now)). */
  args: (number | string | boolean)[];
  /** Set for a query: the worker answers with a 'result' message carrying this id. */
  id?: number;
}

/** Main thread: queues a part command; false when the ring is full. */
export function pushCommand(v: ControlViews, command: PartCommand): boolean {
  const bytes = new TextEncoder().encode(JSON.stringify(command) + '\n');
  const written = Atomics.load(v.ctrl, CTRL.commandsWritten);
  const read = Atomics.load(v.ctrl, CTRL.commandsRead);
  if (COMMAND_RING_BYTES - ((written - read) | 0) < bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) v.commands[(written + i) & (COMMAND_RING_BYTES - 1)] = bytes[i]!;
  Atomics.store(v.ctrl, CTRL.commandsWritten, (written + bytes.length) | 0);
  Atomics.add(v.ctrl, CTRL.wake, 1);
  Atomics.notify(v.ctrl, CTRL.wake);
  return true;
}

/** Worker: every complete command queued so far. */
export function takeCommands(v: ControlViews): PartCommand[] {
  const written = Atomics.load(v.ctrl, CTRL.commandsWritten);
  let read = Atomics.load(v.ctrl, CTRL.commandsRead);
  if (written === read) return [];
  const bytes: number[] = [];
  while (read !== written) {
    bytes.push(v.commands[read & (COMMAND_RING_BYTES - 1)]!);
    read = (read + 1) | 0;
  }
  Atomics.store(v.ctrl, CTRL.commandsRead, read);
  return new TextDecoder()
    .decode(Uint8Array.from(bytes))
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as PartCommand);
}

/** Options the main thread sends to start a worker. */
export interface EngineConfig {
  board: string;
  /** The board's CIRCUITPY flash as a SharedArrayBuffer the worker writes through (survives a hard stop). */
  flash: SharedArrayBuffer;
  control: SharedArrayBuffer;
  realTime: boolean;
  /** Python heap bytes; default the board's (gc.mem_free() after boot like the real firmware). */
  heapBytes?: number;
  /**
   * A restart after a hard stop (the previous worker was terminated while Python ran a loop that never
   * called in): 'code' finishes code.py's block as a Ctrl-C would, 'repl' returns to the REPL prompt.
   */
  resume?: 'code' | 'repl';
  /**
   * A restart for the reset button (host.ts `reset`): 'boot' boots as after any reset (the safe-mode window,
   * boot.py, code.py); 'safe-mode' because the button was pressed during the previous boot's window
   * (SAFE_MODE_USER: the board's text, no window, boot.py and code.py not run).
   */
  reset?: 'boot' | 'safe-mode';
  /** Simulated seconds the run may last; the worker reports 'timeout' then. */
  timeoutSeconds?: number;
  /** Simulated seconds already elapsed (kept across a hard stop). */
  startSeconds?: number;
  /**
   * Virtual time only: while the engine waits for console input, simulated time runs on in steps of this
   * many seconds instead of stopping (a scenario's timers and inputs live on the board's timeline).
   */
  idleSeconds?: number;
  /** Auto-reload on (default true). */
  autoReload?: boolean;
  /** Where the VM's micropython.wasm is (a bundled browser worker must say; Node finds it beside the package's .mjs). */
  wasmUrl?: string;
  /**
   * Seconds since 1970 the RTC calendar starts at (what time.time(), time.localtime() and rtc.RTC().datetime
   * report at simulated time 0); default 2000-01-01, as CircuitPython on a SAMD21 at power-on.
   */
  epoch?: number;
  /** Record these board pins (none given: all) and post their changes ('pins' messages) for a VCD file. */
  vcd?: { pins?: string[] };
  /**
   * `--trace io`: log the peripheral register accesses the hosted modules make (emulator/trace/trace.ts), these
   * peripherals only (none: all), in this address range; the lines come in 'trace' messages.
   */
  trace?: { peripherals: string[]; range: { start: number; end: number } | null };
  /**
   * Flow control for console output, as CircuitPython's USB serial write waits for the host to read: the
   * worker waits while more than this many of its 'console' messages have not been taken (the host bumps
   * CTRL.consoleTaken for each). The web app sets it: a printing loop posted a message per line faster than
   * the machine's worker could take them, which buried its turns and a Ctrl-C under seconds of messages.
   * Unset: never waits.
   */
  consoleWindow?: number;
}

export type WorkerMessage =
  | { type: 'console'; bytes: Uint8Array }
  | { type: 'ready' }
  /** The engine waits for console input with none pending (a CLI run may end here when its input is done). */
  | { type: 'waiting'; seconds: number }
  | { type: 'state'; state: BoardSnapshot }
  /** Speaker input while it changed: volts at the amplifier at simulated `seconds` (parallel arrays); every change up to `upTo` is in. */
  | { type: 'sound'; seconds: Float64Array; volts: Float32Array; upTo: number }
  /** A request from the main thread could not be carried out (the run goes on). */
  | { type: 'error'; message: string }
  /** The answer to a part query. */
  | { type: 'result'; id: number; value?: unknown; error?: string }
  | { type: 'ended'; reason: 'timeout' | 'stopped' | 'error'; seconds: number; message?: string }
  /** Pin changes since the last message (EngineConfig.vcd; emulator/trace/vcd.ts PinChanges), posted before every other message. */
  | { type: 'pins'; changes: PinChangesMessage }
  /** Trace lines since the last message (EngineConfig.trace), posted before every other message. */
  | { type: 'trace'; lines: string[] };

/** emulator/trace/vcd.ts PinChanges, as it crosses to the main thread. */
export interface PinChangesMessage {
  start?: { seconds: number; levels: number[] };
  seconds: Float64Array;
  signals: Uint16Array;
  levels: Uint8Array;
}

/** What the UI and tests see of the board's parts: NeoPixel colours (0xRRGGBB per pixel) and LEDs, by part id. */
export interface BoardSnapshot {
  seconds: number;
  pixels: Record<string, number[]>;
  leds: Record<string, boolean>;
  /** Levels of the pads `boardPads` lists (boards/pad-levels.ts): 0, 1, or 2 floating. */
  pads: number[];
  /** Parts the running code has used (boards/part-use.ts keys). */
  used: readonly string[];
}

/**
 * Main thread: pauses or resumes the worker's simulated time; `stepSeconds` (while paused) lets it run that
 * much further and stop again.
 */
export function setPaused(v: ControlViews, paused: boolean, stepSeconds = 0): void {
  if (paused) v.stepUntil[0] = stepSeconds > 0 ? Math.max(v.stepUntil[0]!, v.seconds[0]!) + stepSeconds : 0;
  Atomics.store(v.ctrl, CTRL.paused, paused ? 1 : 0);
  Atomics.add(v.ctrl, CTRL.pauseChanged, 1);
  Atomics.notify(v.ctrl, CTRL.pauseChanged);
}
