/** The page's state: one vanilla zustand store; views subscribe to the slices they draw. */
import { createStore } from 'zustand/vanilla';
import type { BoardInfo, DriveEntry, EngineKind, Frame, UsedControl } from './worker/protocol.js';

export interface Inputs {
  buttonA: boolean;
  buttonB: boolean;
  slideSwitch: boolean;
  touched: Record<string, boolean>;
  lux: number;
  celsius: number;
  dbSpl: number;
  /** Tilt in degrees about the board's x (pitch) and y (roll) axes. */
  pitch: number;
  roll: number;
}

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

export interface AppState {
  board: BoardInfo | null;
  engine: EngineKind;
  firmware: string | null;
  frame: Frame | null;
  halted: string | null;
  notice: Notice | null;
  inputs: Inputs;
  files: DriveEntry[];
  /** The file open in the editor. */
  openPath: string | null;
  paused: boolean;
  /** Controls whose part the running code has used (from the frames; a new array only when it changes). */
  used: readonly UsedControl[];
}

export const store = createStore<AppState>(() => ({
  board: null,
  engine: 'none',
  firmware: null,
  frame: null,
  halted: null,
  notice: null,
  inputs: { buttonA: false, buttonB: false, slideSwitch: false, touched: {}, lux: 100, celsius: 25, dbSpl: 40, pitch: 0, roll: 0 },
  files: [],
  openPath: null,
  paused: false,
  used: [],
}));

export function setInputs(patch: Partial<Inputs>): void {
  store.setState((s) => ({ inputs: { ...s.inputs, ...patch } }));
}

export function notify(kind: Notice['kind'], text: string): void {
  store.setState({ notice: { kind, text } });
}
