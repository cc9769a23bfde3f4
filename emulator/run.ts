/**
 * Boards, firmware loading, and running a firmware image to completion with input given up front
 * (the Node API and the test suites). The loop itself is RunLoop (runner.ts), shared with the CLI.
 */
import { findBoard, BOARDS, type Board, type BoardOptions } from '../boards/index.js';
import type { CpxBoard } from '../boards/cpx.js';
import type { MetroM0ExpressBoard } from '../boards/metro-m0-express.js';
import { prepareFirmware } from './firmware.js';
import { connectConsole } from './console.js';
import { RunLoop, type RunEnd } from './runner.js';

export interface RunOptions {
  board: string;
  /** The firmware file's bytes; the format (ELF, HEX, UF2, BIN) is detected. */
  image: Uint8Array;
  /** File name, for format detection and the program's command line. */
  name?: string;
  /** Simulated seconds before the run is stopped (default 10). */
  timeoutSeconds?: number;
  /** Bytes the program reads from its console input; end of file after them. */
  stdin?: Uint8Array;
  /** Called with console output as it is produced. */
  onStdout?: (bytes: Uint8Array) => void;
}

export interface RunResult {
  exitCode: number;
  reason: 'exit' | 'timeout' | 'fault';
  stdout: string;
  stdoutBytes: Uint8Array;
  stderr: string;
  cycles: number;
  instructions: number;
  seconds: number;
  /** Fault kind, PC and registers, when reason is 'fault'. */
  faultReport?: string;
}

import { EXIT } from './exit.js';

export { EXIT };

/** A Node API call with a wrong argument (the CLI's usage errors are the same mistakes). */
export class ArgumentError extends TypeError {
  override readonly name = 'ArgumentError';
  constructor(
    /** The option at fault ('board', 'image', 'timeoutSeconds', ...). */
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

/** The board types by name, so `createBoard('cpx').parts.pixels` is typed. */
export interface BoardTypes {
  cpx: CpxBoard;
  metro_m0_express: MetroM0ExpressBoard;
}

export function createBoard<N extends keyof BoardTypes>(name: N, options?: BoardOptions): BoardTypes[N];
export function createBoard(name: string, options?: BoardOptions): Board;
export function createBoard(name: string, options: BoardOptions = {}): Board {
  if (typeof name !== 'string') throw new ArgumentError('board', `board must be a board name, not ${describe(name)}`);
  const info = findBoard(name);
  if (!info) throw new ArgumentError('board', `unknown board '${name}' (known: ${BOARDS.map((b) => b.name).join(', ')})`);
  if (options.core === 'none' && !info.hostable) throw new ArgumentError('core', `board ${name} cannot be built without its CPU`);
  return info.create(options);
}

/** Parses, places and loads `image` on `board`; throws ImageError for bad or misplaced images. */
export function loadFirmware(board: Board, image: Uint8Array, name?: string): void {
  if (!(image instanceof Uint8Array)) throw new ArgumentError('image', `image must be the firmware file's bytes (a Uint8Array), not ${describe(image)}`);
  if (!board.machine.core) throw new ArgumentError('image', `board ${board.name} was built without a CPU: it runs no firmware`);
  const prepared = prepareFirmware(board, image, name);
  board.load(prepared.segments, prepared.entry);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return `a ${value.constructor?.name ?? 'object'}`;
  return `${typeof value} ${String(value)}`;
}

/** Checks what `runFirmware` is given, before anything runs. */
function validate(opts: RunOptions): void {
  if (typeof opts !== 'object' || opts === null) throw new ArgumentError('options', `runFirmware needs an options object, not ${describe(opts)}`);
  if (opts.image === undefined) throw new ArgumentError('image', 'runFirmware needs an image (the firmware file\'s bytes)');
  const t = opts.timeoutSeconds;
  if (t !== undefined && !(typeof t === 'number' && Number.isFinite(t) && t > 0)) {
    throw new ArgumentError('timeoutSeconds', `timeoutSeconds must be a positive, finite number of simulated seconds, not ${describe(t)}`);
  }
  if (opts.stdin !== undefined && !(opts.stdin instanceof Uint8Array)) throw new ArgumentError('stdin', `stdin must be a Uint8Array, not ${describe(opts.stdin)}`);
  if (opts.onStdout !== undefined && typeof opts.onStdout !== 'function') throw new ArgumentError('onStdout', `onStdout must be a function, not ${describe(opts.onStdout)}`);
}

export function runFirmware(opts: RunOptions): RunResult {
  validate(opts);
  const board = createBoard(opts.board, { commandLine: opts.name ?? 'program' });
  const { console } = connectConsole(board);
  const loop = new RunLoop(board.machine, console, { timeoutSeconds: opts.timeoutSeconds ?? 10 });
  if (opts.onStdout) loop.onOutput(opts.onStdout);
  loadFirmware(board, opts.image, opts.name);
  if (opts.stdin) console.write(opts.stdin);
  console.close();
  return summarise(board, loop, loop.runSync());
}

function summarise(board: Board, loop: RunLoop, end: RunEnd): RunResult {
  const m = board.machine;
  const stdoutBytes = loop.history.bytes();
  const base = {
    stdout: new TextDecoder().decode(stdoutBytes),
    stdoutBytes,
    stderr: m.stderr.text(),
    cycles: m.scheduler.cycles,
    instructions: m.instructions,
    seconds: m.scheduler.seconds,
  };
  switch (end.kind) {
    case 'exit':
      return { ...base, exitCode: end.exitCode, reason: 'exit' };
    case 'fault':
      return { ...base, exitCode: EXIT.fault, reason: 'fault', faultReport: end.halt.message };
    default:
      return { ...base, exitCode: EXIT.timeout, reason: 'timeout' };
  }
}
