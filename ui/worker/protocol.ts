/**
 * The messages between the page and the machine's Web Worker. Both sides import only this
 * module's types, so a change to the protocol is a compile error on both sides.
 */
import type { AccessPoint } from '../../peripherals/esp8266/wifi-air.js';

/** What the page knows about the board once the worker has built it (plain data). */
export interface BoardInfo {
  name: string;
  title: string;
  /** Drawing id (boards/drawings/<id>.ts). */
  drawing: string;
  /** CircuitPython `board` names and the chip pads they mean ('A1' -> 'PA05'). */
  pins: Record<string, string>;
  /** Pads reported in `Frame.pins`, in that order. */
  pads: string[];
  pixelCount: number;
  /** Touch pads by board name ('A1'...). */
  touchPads: string[];
  /** Which controllable parts the board has. */
  has: { buttonA: boolean; buttonB: boolean; slideSwitch: boolean; light: boolean; temperature: boolean; sound: boolean; accelerometer: boolean; redLed: boolean; wifi: boolean };
  /** Bytes of the CIRCUITPY storage (0 when the board has none). */
  circuitpyBytes: number;
  /** Each LED part's colour as 0xRRGGBB (from the board's declaration: 'red', 'amber', ...). */
  ledColors: Record<string, number>;
}

/**
 * The engine in use: CircuitPython hosted (MicroPython wasm over the CPU-less chip; the default on
 * hostable boards), a firmware image on the emulated CPU, or nothing (a board the hosted engine
 * cannot run, before a .uf2 is dropped).
 */
export type EngineKind = 'none' | 'hosted' | 'firmware';

/** A snapshot of what the user can see, posted at frame rate. */
export interface Frame {
  /** NeoPixel colours as 0xRRGGBB. */
  pixels: number[];
  /** Red LED brightness since the last frame (PWM duty, 0..1). */
  redLed: number;
  /** Every LED part's brightness since the last frame (PWM duty, 0..1), by part id. */
  leds: Record<string, number>;
  /** DotStar chains by part id: colours as 0xRRGGBB with the 5-bit global brightness applied. */
  dotstars: Record<string, number[]>;
  /** Pad levels in `BoardInfo.pads` order: 0 low, 1 high, 2 floating. */
  pins: number[];
  /** Controls whose part the running code has used: their controls appear (UsedControl). */
  used: readonly UsedControl[];
  simSeconds: number;
  /** Simulated seconds per wall second over the last second (1: real time). */
  speed: number;
  /**
   * The emulated CPU's work per wall second over the last second, in millions: clock cycles (simulated MHz)
   * and instructions (MIPS). Cycles include time a sleeping core skips; instructions do not. 0 without a CPU.
   */
  mhz: number;
  mips: number;
  running: boolean;
}

/** A control the page shows once the code has used its part (a touch pad by its board name: 'touch.A1'). */
export type UsedControl = 'light' | 'temperature' | 'sound' | 'accelerometer' | 'buttonA' | 'buttonB' | 'slideSwitch' | `touch.${string}`;

/** Inputs from the controls; each sets the physical quantity the part senses. */
export type BoardInput =
  | { kind: 'button'; id: 'buttonA' | 'buttonB'; pressed: boolean }
  | { kind: 'slide-switch'; closed: boolean }
  | { kind: 'touch'; pad: string; touched: boolean }
  | { kind: 'light'; lux: number }
  | { kind: 'temperature'; celsius: number }
  | { kind: 'sound'; dbSpl: number }
  /** Acceleration in g along the board's x, y, z. */
  | { kind: 'tilt'; x: number; y: number; z: number }
  | { kind: 'shake' }
  /** An external push button between a chip pad and GND (firmware enables the pull-up). */
  | { kind: 'external-button'; pad: string; pressed: boolean }
  /** The WiFi access points in range (boards with a radio; peripherals/esp8266/wifi-air.ts), checked by the page. */
  | { kind: 'wifi'; accessPoints: AccessPoint[] };

/** Drive operations; each gets a `reply` with the same id. */
export type DriveRequest =
  | { op: 'list' }
  | { op: 'read'; path: string }
  | { op: 'write'; path: string; data: Uint8Array }
  | { op: 'delete'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'image' };

export interface DriveEntry {
  path: string;
  size: number;
  directory: boolean;
}

/** What one Step runs while paused: the run loop's slice (10 ms), on either engine. */
export const STEP_SECONDS = 0.01;

/** How the emulated core runs firmware: the block translator (hot code compiled to JavaScript) or the interpreter only. */
export type CpuChoice = 'jit' | 'interp';

export type ToWorker =
  /** `realTime: false` runs flat out (for measuring the emulator's speed). */
  /** `hosted: false` keeps the CPU-less chip until firmware is dropped (tests of pads and drawings). */
  /** `cpu` picks the emulated core's execution mode: 'jit' (the block translator) or 'interp'. */
  | { type: 'boot'; board: string; realTime: boolean; hosted: boolean; cpu: CpuChoice }
  | { type: 'load-firmware'; name: string; bytes: Uint8Array }
  /** Leave the firmware engine: CircuitPython hosted runs the same drive. */
  | { type: 'use-hosted' }
  | { type: 'console-input'; bytes: Uint8Array }
  | { type: 'input'; input: BoardInput }
  | { type: 'reset' }
  | { type: 'pause'; paused: boolean }
  /** While paused: run one slice of simulated time (STEP_SECONDS), then stop again. */
  | { type: 'step' }
  /** Start or stop sending the speaker's sound. */
  | { type: 'sound'; on: boolean }
  | { type: 'drive'; id: number; request: DriveRequest };

export type FromWorker =
  | { type: 'board'; info: BoardInfo; engine: EngineKind; firmware: string | null }
  | { type: 'console'; bytes: Uint8Array }
  /** Speaker sound: `samples` at `rate` Hz (-1..1), the first at simulated time `start`. */
  | { type: 'sound'; start: number; rate: number; samples: Float32Array }
  | { type: 'frame'; frame: Frame }
  /** The machine stopped (a fault, an exit); the message says why. */
  | { type: 'halted'; message: string }
  /** A request failed or input was refused; shown to the user, the board keeps running. */
  | { type: 'error'; message: string }
  | { type: 'reply'; id: number; ok: true; entries?: DriveEntry[]; data?: Uint8Array }
  | { type: 'reply'; id: number; ok: false; error: string };
