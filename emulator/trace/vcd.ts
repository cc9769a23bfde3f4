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

/**
 * The file itself: wires named `names`, their levels when recording started, then every change. Changes must
 * come in time order; a "change" to the level a wire already has is dropped (a hosted engine restarted on a new
 * chip reports its pins' levels again).
 */
export class VcdWriter {
  private readonly changes: string[] = [];
  private readonly ids: string[];
  private readonly levels: (0 | 1)[];
  private readonly initial: string[];
  private lastTime = -1;

  constructor(
    private readonly names: readonly string[],
    initial: readonly (0 | 1)[],
  ) {
    this.ids = names.map((_, i) => identifier(i));
    this.levels = [...initial];
    this.initial = initial.map((level, i) => `${level}${this.ids[i]}`);
  }

  change(seconds: number, index: number, level: 0 | 1): void {
    if (this.levels[index] === level) return;
    this.levels[index] = level;
    const t = Math.round(seconds * 1e9);
    if (t !== this.lastTime) {
      this.changes.push(`#${t}`);
      this.lastTime = t;
    }
    this.changes.push(`${level}${this.ids[index]}`);
  }

  /** The whole dump: header, initial values (as they were when recording started), then changes. */
  text(): string {
    const header = [
      '$date circuitemu $end',
      '$version circuitemu VCD writer $end',
      '$timescale 1ns $end',
      '$scope module board $end',
      ...this.names.map((name, i) => `$var wire 1 ${this.ids[i]} ${name} $end`),
      '$upscope $end',
      '$enddefinitions $end',
      '#0',
      '$dumpvars',
      ...this.initial,
      '$end',
    ];
    return header.concat(this.changes).join('\n') + '\n';
  }
}

/** Records `signals` from now on, on the scheduler's timeline (plus `offset` seconds), into a VcdWriter. */
export class VcdRecorder {
  readonly writer: VcdWriter;

  constructor(
    private readonly scheduler: Scheduler,
    signals: readonly VcdSignal[],
    /** Called with every change too (a worker forwards them to the thread that writes the file). */
    onChange?: (seconds: number, index: number, level: 0 | 1) => void,
    offset = 0,
  ) {
    this.writer = new VcdWriter(
      signals.map((s) => s.name),
      signals.map((s) => s.pin.level),
    );
    signals.forEach((s, i) =>
      s.pin.net.onEdge((_net, level) => {
        const seconds = offset + this.scheduler.seconds;
        this.writer.change(seconds, i, level);
        onChange?.(seconds, i, level);
      }),
    );
  }

  text(): string {
    return this.writer.text();
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

/** Pin changes a hosted engine's worker posts to the thread that writes the VCD file (protocol.ts 'pins'). */
export interface PinChanges {
  /** A new chip (the engine's start, or its restart after a hard stop): its pins' levels at `seconds`. */
  start?: { seconds: number; levels: number[] };
  seconds: Float64Array;
  signals: Uint16Array;
  levels: Uint8Array;
}

/**
 * In the hosted engine's worker: records the board's pins (the same names and order as `boardSignals`) and
 * hands the changes over in batches (`take`), before each message the worker posts, so the file holds every
 * change up to the moment the run ended, and nothing after.
 */
export class PinTap {
  private start: PinChanges['start'];
  private seconds: number[] = [];
  private signals: number[] = [];
  private levels: number[] = [];

  constructor(board: Board, names: readonly string[] | undefined, offset: number) {
    const signals = boardSignals(board, names);
    this.start = { seconds: offset, levels: signals.map((s) => s.pin.level) };
    new VcdRecorder(board.machine.scheduler, signals, (seconds, index, level) => {
      this.seconds.push(seconds);
      this.signals.push(index);
      this.levels.push(level);
    }, offset);
  }

  /** The changes since the last call; null when there are none. */
  take(): PinChanges | null {
    if (!this.start && this.seconds.length === 0) return null;
    const out: PinChanges = { start: this.start, seconds: Float64Array.from(this.seconds), signals: Uint16Array.from(this.signals), levels: Uint8Array.from(this.levels) };
    this.start = undefined;
    this.seconds.length = this.signals.length = this.levels.length = 0;
    return out;
  }
}

/** On the thread that writes the file: a VcdWriter fed with PinChanges from one or more workers in turn. */
export class PinChangesWriter {
  private writer: VcdWriter | null = null;

  constructor(readonly names: readonly string[]) {}

  add(changes: PinChanges): void {
    if (changes.start) {
      const levels = changes.start.levels as (0 | 1)[];
      if (!this.writer) this.writer = new VcdWriter(this.names, levels);
      else levels.forEach((level, i) => this.writer!.change(changes.start!.seconds, i, level));
    }
    for (let i = 0; i < changes.seconds.length; i++) this.writer?.change(changes.seconds[i]!, changes.signals[i]!, changes.levels[i] as 0 | 1);
  }

  /** The file; null when no worker reported its pins (the engine never started). */
  text(): string | null {
    return this.writer?.text() ?? null;
  }
}
