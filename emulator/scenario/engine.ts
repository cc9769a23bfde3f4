/**
 * What a scenario needs from the thing it drives. An engine is a board running something: the
 * firmware engine (real firmware on an emulated CPU, firmware-engine.ts) or the hosted engine
 * (CircuitPython's runtime in TypeScript on a CPU-less chip). The scenario runner (runner.ts)
 * knows nothing else.
 *
 * Every callback an engine makes (serial output, timers, pin changes) happens on the simulated
 * timeline, so a scenario runs the same way every time.
 */
import type { RunEnd } from '../runner.js';
import type { Step } from './parse.js';
import type { RgbaImage } from '../screenshot/render.js';

/** A board pin as a scenario sees it. */
export interface ScenarioPin {
  /** How the pin is called in messages: 'LED (PA17)'. */
  readonly label: string;
  readonly level: 0 | 1;
  readonly voltage: number;
  /** Calls `listener` on every change of level; returns the unsubscribe function. */
  onChange(listener: (level: 0 | 1) => void): () => void;
}

/** A speaker as a scenario hears it. */
export interface ScenarioSpeaker {
  readonly label: string;
  /** Whether its amplifier passes sound (SPEAKER_ENABLE on the CPX). */
  readonly enabled: boolean;
  /** Forgets what was recorded. */
  clear(): void;
  /** The pitch of what was recorded since `clear()` (Hz); 0 when there was no tone. */
  frequency(): number;
}

export type PinStep = Extract<Step, { kind: 'expect-pin' | 'wait-pin' | 'expect-pwm' }>;
export type ToneStep = Extract<Step, { kind: 'expect-tone' }>;
export type ControlStep = Extract<Step, { kind: 'set-control' }>;
export type PixelStep = Extract<Step, { kind: 'expect-neopixel' }>;

/** A mistake in a scenario that only the board can tell (an unknown pin, part or control). */
export class EngineInputError extends Error {
  override readonly name = 'EngineInputError';
}

export interface ScenarioEngine {
  /** The board's name ('cpx'). */
  readonly boardName: string;
  /** Simulated seconds since the start. */
  now(): number;
  /** Calls `callback` after `seconds` of simulated time; returns a cancel function. */
  after(seconds: number, callback: () => void): () => void;
  /** Console output, from the program's side of the serial port. */
  onSerial(listener: (bytes: Uint8Array) => void): void;
  /** Sends bytes to the program (keys typed). */
  writeSerial(bytes: Uint8Array): void;
  /** Runs until `stop()`, the program's end or fault, or `timeoutSeconds` of simulated time. */
  run(timeoutSeconds: number): Promise<RunEnd>;
  /** Ends `run()` at the next instruction boundary. */
  stop(): void;
  /** Checks, before anything runs, that the board can do what `step` asks; throws EngineInputError. */
  check(step: Step): void;
  pin(step: PinStep): ScenarioPin;
  /** The colours (0xRRGGBB) of the NeoPixel chain the step names. */
  pixels(step: PixelStep): number[];
  setControl(step: ControlStep): void;
  /** The speaker the step names (or the board's only one): sound is recorded from `clear()` on. */
  speaker(step: ToneStep): ScenarioSpeaker;
  /** Writes a file on CIRCUITPY as the computer it is plugged into would. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Reads a file on CIRCUITPY; null when there is no such file. */
  readFile(path: string): Promise<Uint8Array | null>;
  /**
   * Synchronous file access, for an engine whose run never yields to the event loop while the program runs
   * (the hosted engine); when present the runner uses these instead of writeFile/readFile.
   */
  writeFileNow?(path: string, data: Uint8Array): void;
  readFileNow?(path: string): Uint8Array | null;
  /** A picture of the board with its lights as they are now (emulator/screenshot/render.ts). */
  screenshot?(): RgbaImage;
}
