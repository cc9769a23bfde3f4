/**
 * The pads a board's pin names reach and their levels as the page shows them (both engines read the same
 * chip model, so one definition serves the firmware engine and the hosted engine's worker).
 */
import { Pin, connect } from '../emulator/kernel/signals.js';
import type { Samd21Board, Samd21BoardSpec } from './samd21-board.js';

/** Level codes: 0 low, 1 high, 2 floating (nothing drives the net). */
export const PAD_FLOATING = 2;

/** The chip pads CircuitPython's `board` names reach, each once, sorted ('PA02', 'PA05', ...). */
export function boardPads(spec: Samd21BoardSpec): string[] {
  return [...new Set(Object.values(spec.pins))].sort();
}

/** A reader of `pads`' levels into `out` (0, 1, or PAD_FLOATING), allocating nothing per call. */
export function padLevelReader(board: Samd21Board, pads: readonly string[]): (out: number[]) => void {
  const pins = pads.map((p) => board.mcu.pin(p));
  return (out) => {
    for (let i = 0; i < pins.length; i++) out[i] = pins[i].net.floating ? PAD_FLOATING : pins[i].level;
  };
}

/**
 * Terminals of parts the user wires to `pads` (an external push button to GND), one per pad, made on first
 * use: `drive(pad, 0)` pulls the pad low, `drive(pad, null)` lets go.
 */
export function externalTerminals(board: Samd21Board, pads: readonly string[]): (pad: string, level: 0 | 1 | null) => void {
  const terminals = new Map<string, Pin>();
  return (pad, level) => {
    if (!pads.includes(pad)) throw new Error(`no pad ${pad} on ${board.spec.title}`);
    let pin = terminals.get(pad);
    if (!pin) {
      pin = new Pin(`external ${pad}`, board.machine.scheduler);
      connect(pin, board.mcu.pin(pad));
      terminals.set(pad, pin);
    }
    pin.drive(level);
  };
}
