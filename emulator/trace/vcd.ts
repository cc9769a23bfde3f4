/**
 * Pin waveforms as a Value Change Dump (IEEE 1364-2005, 18: the VCD format read by GTKWave,
 * PulseView/sigrok and most simulators' viewers). One 1-bit wire per board pin, named as the
 * board's declaration names it (CircuitPython's names), recorded from the pin's net on every
 * change of its logic level, in simulated time (1 ns resolution). Deterministic: the same run
 * gives the same file, byte for byte.
 */
import type { Pin } from '../kernel/signals.js';
import type { Scheduler } from '../kernel/scheduler.js';
import type { Board } from '../../boards/types.js';
import type { Samd21Board } from '../../boards/samd21-board.js';

export interface VcdSignal {
  /** The wire's name in the file (a board pin name). */
  readonly name: string;
  readonly pin: Pin;
}

export class VcdRecorder {
  private readonly changes: string[] = [];
  private readonly ids: string[];
  private lastTime = -1;
  private readonly initial: string[];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly signals: readonly VcdSignal[],
  ) {
    this.ids = signals.map((_, i) => identifier(i));
    this.initial = signals.map((s, i) => `${s.pin.level}${this.ids[i]}`);
    signals.forEach((s, i) => s.pin.net.onEdge((_net, level) => this.change(i, level)));
  }

  /** The whole dump: header, initial values (as they were when recording started), then changes. */
  text(): string {
    const initial = this.initial;
    const header = [
      '$date circuitemu $end',
      '$version circuitemu VCD writer $end',
      '$timescale 1ns $end',
      '$scope module board $end',
      ...this.signals.map((s, i) => `$var wire 1 ${this.ids[i]} ${s.name} $end`),
      '$upscope $end',
      '$enddefinitions $end',
      '#0',
      '$dumpvars',
      ...initial,
      '$end',
    ];
    return header.concat(this.changes).join('\n') + '\n';
  }

  private change(index: number, level: 0 | 1): void {
    const t = Math.round(this.scheduler.seconds * 1e9);
    if (t !== this.lastTime) {
      this.changes.push(`#${t}`);
      this.lastTime = t;
    }
    this.changes.push(`${level}${this.ids[index]}`);
  }
}

/** VCD identifier codes: printable ASCII 33..126, shortest first. */
function identifier(i: number): string {
  let s = '';
  let n = i;
  do {
    s += String.fromCharCode(33 + (n % 94));
    n = Math.floor(n / 94) - 1;
  } while (n >= 0);
  return s;
}

/**
 * The board's pins to record: `names` (board pin names), or every pad once under its first
 * name in the declaration. Throws Error naming an unknown pin.
 */
export function boardSignals(board: Board, names?: readonly string[]): VcdSignal[] {
  const b = board as Partial<Samd21Board>;
  if (!b.spec || !b.mcu) throw new Error(`board ${board.name} declares no pins to record (only the SAMD21 boards do)`);
  const pins = b.spec.pins;
  const mcu = b.mcu;
  if (names) {
    return names.map((name) => {
      const pad = pins[name];
      if (!pad) throw new Error(`board ${board.name} has no pin '${name}' (pins: ${Object.keys(pins).join(', ')})`);
      return { name, pin: mcu.pin(pad) };
    });
  }
  const seen = new Set<string>();
  const out: VcdSignal[] = [];
  for (const [name, pad] of Object.entries(pins)) {
    if (seen.has(pad)) continue;
    seen.add(pad);
    out.push({ name, pin: mcu.pin(pad) });
  }
  return out;
}
