/**
 * The `circuitemu` command line.
 *
 *   circuitemu run --board NAME --firmware FILE [--timeout SIM_SECONDS]
 *   circuitemu boards
 *
 * Exit status of `run`: the program's own exit status, or 124 when the simulated time limit
 * ran out, 125 on an unrecoverable fault (lockup, a HardFault handler that spins), 65 for an
 * image that cannot be loaded, 64 for a usage error.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BOARDS } from '../boards/index.js';
import { ImageError } from '../firmware-runtime/images/index.js';
import type { HaltInfo } from './kernel/core.js';
import { createBoard, EXIT, loadFirmware } from './run.js';

const USAGE = `usage:
  circuitemu run --board NAME --firmware FILE [--timeout SIM_SECONDS] [--stats]
  circuitemu boards
  circuitemu --help | --version

run: loads FILE (ELF, Intel HEX, UF2 or raw BIN) on the board and runs it, streaming the
program's console to stdout. Standard input, when it is not a terminal, is the program's input.
Exit status: the program's own, or ${EXIT.timeout} when --timeout (simulated seconds) ran out,
${EXIT.fault} on a fault the program cannot recover from, ${EXIT.badImage} for an image that cannot
be loaded, ${EXIT.usage} for a usage error.`;

class UsageError extends Error {}

export function main(argv: string[]): number {
  try {
    return dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`circuitemu: ${e.message}\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ImageError) {
      process.stderr.write(`circuitemu: cannot load firmware: ${e.message}\n`);
      return EXIT.badImage;
    }
    throw e;
  }
}

function dispatch(argv: string[]): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest);
    case 'boards':
      for (const b of BOARDS) process.stdout.write(`${b.name.padEnd(12)} ${b.description}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case '--version':
      process.stdout.write(`circuitemu ${version()}\n`);
      return 0;
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        board: { type: 'string' },
        firmware: { type: 'string' },
        timeout: { type: 'string' },
        stats: { type: 'boolean', default: false },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function runCommand(args: string[]): number {
  const opts = parse(args);
  if (!opts.board) throw new UsageError('run needs --board NAME');
  if (!opts.firmware) throw new UsageError('run needs --firmware FILE');
  const timeout = opts.timeout === undefined ? Infinity : Number(opts.timeout);
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, not '${opts.timeout}'`);
  let board;
  try {
    board = createBoard(opts.board, opts.firmware);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  let image: Uint8Array;
  try {
    image = readFileSync(opts.firmware);
  } catch (e) {
    process.stderr.write(`circuitemu: cannot read ${opts.firmware}: ${(e as Error).message}\n`);
    return EXIT.badImage;
  }
  loadFirmware(board, image, opts.firmware);
  const machine = board.machine;
  machine.stdout.onData((bytes) => process.stdout.write(bytes));
  machine.stderr.onData((bytes) => process.stderr.write(bytes));
  if (!process.stdin.isTTY) machine.stdin.push(readStdin());
  machine.stdin.closed = true;
  const started = performance.now();
  const halt = runInSlices(machine, timeout);
  if (opts.stats) printStats(machine.scheduler.cycles, machine.core.instructions, machine.scheduler.seconds, performance.now() - started);
  return report(halt, timeout);
}

/** Runs in slices of simulated time so that an endless program without a limit stays killable. */
function runInSlices(machine: { runFor(s: number): HaltInfo | null; scheduler: { seconds: number } }, timeout: number): HaltInfo | null {
  const slice = 0.25;
  for (;;) {
    const left = timeout - machine.scheduler.seconds;
    if (left <= 0) return null;
    const halt = machine.runFor(Math.min(slice, left));
    if (halt) return halt;
  }
}

function readStdin(): Uint8Array {
  try {
    return readFileSync(0);
  } catch {
    return new Uint8Array(0);
  }
}

function report(halt: HaltInfo | null, timeout: number): number {
  if (!halt) {
    process.stderr.write(`circuitemu: timeout: the program was still running after ${timeout} simulated seconds\n`);
    return EXIT.timeout;
  }
  if (halt.reason === 'exit') return halt.exitCode & 0xff;
  process.stderr.write(`circuitemu: fault: ${halt.message}\n`);
  return EXIT.fault;
}

function printStats(cycles: number, instructions: number, seconds: number, wallMs: number): void {
  const mips = instructions / (wallMs * 1000);
  process.stderr.write(
    `circuitemu: ${instructions} instructions, ${cycles} cycles, ${seconds.toFixed(6)} simulated s, ` +
      `${(wallMs / 1000).toFixed(3)} wall s, ${mips.toFixed(1)} MIPS\n`,
  );
}
