/**
 * The `circuitemu` command line.
 *
 *   circuitemu run | repl | drive | boards   (USAGE below says it all)
 *
 * Exit status of `run`: the program's own exit status, or 124 when the simulated time limit
 * ran out, 125 on an unrecoverable fault (lockup, a HardFault handler that spins), 65 for an
 * image or flash image that cannot be loaded, 64 for a usage error, 70 for anything else.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BOARDS } from '../boards/index.js';
import { ImageError } from '../firmware-runtime/images/index.js';
import type { Board, BoardConsole } from '../boards/types.js';
import { copyToDrive, loadFlashImage, openDrive, saveFlashImage } from './drive.js';
import { DriveImageError, listDrive, readDriveFile, writeDriveFile } from '../firmware-runtime/fs/drive.js';
import { FatError } from '../firmware-runtime/fs/fat.js';
import { connectConsole, showRun } from './console.js';
import { createBoard, EXIT, loadFirmware } from './run.js';
import { RunLoop, type RunEnd } from './runner.js';
import { testCommand } from './scenario/cli.js';
import { debugWithGdb, GdbUsageError, parseGdbPort } from './gdb/cli.js';

const USAGE = `usage:
  circuitemu run --board NAME --firmware FILE [--timeout SIM_SECONDS] [--expect-text TEXT] [--stats]
                 [--drive DIR] [--flash IMAGE] [--no-reload] [--gdb PORT]
  circuitemu repl --board NAME --firmware FILE [--timeout SIM_SECONDS] [--drive DIR] [--flash IMAGE]
  circuitemu drive list|read|write --flash IMAGE [--board NAME] [PATH] [HOSTFILE]
  circuitemu test [--board NAME] [--firmware FILE] [--junit FILE] [--serial-log FILE] ... SCENARIO.yaml...
  circuitemu boards
  circuitemu --help | --version

run: loads FILE (ELF, Intel HEX, UF2 or raw BIN) on the board and runs it in virtual time, as
fast as the host allows, streaming the program's console to stdout; standard input is the
program's console input. --expect-text ends the run with status 0 as soon as TEXT appears.
--drive DIR copies DIR's files onto CIRCUITPY before boot (formatting blank flash as
CircuitPython would); --flash IMAGE loads the board's flash from IMAGE if it exists and saves it
back when the run ends, so the drive persists across runs. On a USB console (CircuitPython),
run shows one complete run of code.py: when it connects after code.py started (as any host
must), it reloads code.py with Ctrl-D (after Ctrl-C if code.py is still running), as a user at
a terminal would, and shows the output from "soft reboot" on; --no-reload turns that off.
drive: lists, reads (to stdout) or writes (from HOSTFILE or stdin) files on the CIRCUITPY drive
held in a flash image, without running any firmware (--board defaults to cpx).
--gdb PORT: the board waits, halted at reset, for GDB (gdb-multiarch: target remote :PORT) on
127.0.0.1 only; when GDB detaches the run goes on without it.
repl: the same, interactively: simulated time paced to the wall clock, the terminal in raw
mode, Ctrl-] quits.
Exit status: the program's own, or ${EXIT.timeout} when --timeout (simulated seconds) ran out,
${EXIT.fault} on a fault the program cannot recover from, ${EXIT.badImage} for a firmware or flash image
that cannot be loaded, ${EXIT.usage} for a usage error, ${EXIT.software} for any other error.`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`circuitemu: ${e.message}\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ImageError) {
      process.stderr.write(`circuitemu: cannot load firmware: ${e.message}\n`);
      return EXIT.badImage;
    }
    if (e instanceof FatError || e instanceof DriveImageError) {
      process.stderr.write(`circuitemu: CIRCUITPY drive: ${e.message}\n`);
      return EXIT.badImage;
    }
    if (process.env.CIRCUITEMU_DEBUG) throw e;
    process.stderr.write(`circuitemu: ${(e as Error).message ?? String(e)}\n`);
    return EXIT.software;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run':
      return runCommand(rest, false);
    case 'repl':
      return runCommand(rest, true);
    case 'drive':
      return driveCommand(rest);
    case 'test':
      return testCommand(rest);
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
        'expect-text': { type: 'string' },
        drive: { type: 'string' },
        'no-reload': { type: 'boolean', default: false },
        flash: { type: 'string' },
        gdb: { type: 'string' },
      },
    }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

async function runCommand(args: string[], interactive: boolean): Promise<number> {
  const opts = parse(args);
  if (!opts.board) throw new UsageError(`${interactive ? 'repl' : 'run'} needs --board NAME`);
  if (!opts.firmware) throw new UsageError(`${interactive ? 'repl' : 'run'} needs --firmware FILE`);
  const timeout = opts.timeout === undefined ? Infinity : Number(opts.timeout);
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, not '${opts.timeout}'`);
  if (opts['expect-text'] === '') throw new UsageError('--expect-text needs a non-empty text');
  let board;
  try {
    board = createBoard(opts.board, { commandLine: opts.firmware });
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
  const connection = connectConsole(board);
  const reload = !!connection.usbHost && !interactive && !opts['no-reload'];
  const console = showRun(connection, board.machine.scheduler, { reload, expectText: opts['expect-text'] });
  connection.usbHost?.onEvent((e) => e.type === 'error' && process.stderr.write(`circuitemu: USB: ${e.message}\n`));
  loadFirmware(board, image, opts.firmware);
  if (opts.flash || opts.drive) prepareDrive(board, opts.flash, opts.drive);
  const machine = board.machine;
  machine.stderr.onData((bytes) => process.stderr.write(bytes));
  const loop = new RunLoop(machine, console, {
    timeoutSeconds: timeout,
    realTime: interactive,
    expectText: opts['expect-text'],
  });
  loop.onOutput((bytes) => process.stdout.write(bytes));
  const detach = attachInput(console, loop, interactive);
  if (interactive) process.stderr.write('circuitemu: connected to the console; Ctrl-] quits\n');
  const started = performance.now();
  if (opts.gdb !== undefined) {
    const status = await gdbSession(board, opts.gdb);
    if (status !== null) {
      detach();
      return status;
    }
  }
  const end = await loop.run();
  detach();
  if (opts.flash) saveFlashImage(board, opts.flash);
  if (opts.stats) printStats(machine.scheduler.cycles, machine.instructions, machine.scheduler.seconds, performance.now() - started);
  return report(end, timeout);
}

/** --gdb PORT: a GDB session before (or instead of) the rest of the run. */
async function gdbSession(board: Board, port: string): Promise<number | null> {
  try {
    return await debugWithGdb(board, parseGdbPort(port));
  } catch (e) {
    if (e instanceof GdbUsageError) throw new UsageError(e.message);
    throw e;
  }
}

function driveCommand(args: string[]): number {
  const [action, ...rest] = args;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { flash: { type: 'string' }, board: { type: 'string' } } });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (!values.flash) throw new UsageError('drive needs --flash IMAGE');
  let board;
  try {
    board = createBoard(values.board ?? 'cpx');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!board.circuitpy) throw new UsageError(`board ${board.name} has no CIRCUITPY drive`);
  const existed = loadFlashImage(board, values.flash);
  // Only a new image is formatted; an existing one that holds no FAT is reported, never wiped.
  const { volume } = openDrive(board, { format: !existed });
  switch (action) {
    case 'list':
      for (const entry of listDrive(volume, positionals[0] ?? '/', { recursive: true })) {
        process.stdout.write(`${entry.isDirectory ? 'dir ' : String(entry.size).padStart(8)} ${entry.path}\n`);
      }
      return 0;
    case 'read':
      if (!positionals[0]) throw new UsageError('drive read needs a PATH on the drive');
      process.stdout.write(readDriveFile(volume, positionals[0]));
      return 0;
    case 'write': {
      if (!positionals[0]) throw new UsageError('drive write needs a PATH on the drive');
      const data = readFileSync(positionals[1] ?? 0);
      writeDriveFile(volume, positionals[0], data, { parents: true });
      saveFlashImage(board, values.flash);
      if (!existed) process.stderr.write(`circuitemu: created ${values.flash} with a new CIRCUITPY drive\n`);
      return 0;
    }
    default:
      throw new UsageError(`drive needs list, read or write, not '${action ?? ''}'`);
  }
}

/** --flash IMAGE (load if present) and --drive DIR (copied onto CIRCUITPY before boot). */
function prepareDrive(board: Board, flash: string | undefined, drive: string | undefined): void {
  if (!board.circuitpy) throw new UsageError(`board ${board.name} has no CIRCUITPY drive (--flash/--drive)`);
  if (flash && loadFlashImage(board, flash)) keepUnreadableImage(board, flash);
  if (drive) copyToDrive(board, drive);
}

/**
 * An existing image with no CIRCUITPY filesystem on it will be reformatted (by CircuitPython
 * at boot, or by --drive) and then saved over the user's file: keep the original beside it.
 */
function keepUnreadableImage(board: Board, flash: string): void {
  try {
    openDrive(board, { format: false });
  } catch (e) {
    if (!(e instanceof FatError)) throw e;
    const backup = `${flash}.bak`;
    saveFlashImage(board, backup);
    process.stderr.write(
      `circuitemu: warning: ${flash} holds no readable CIRCUITPY drive (${e.message}); ` +
        `the firmware may reformat it, so the original is kept as ${backup}\n`,
    );
  }
}

/** Feeds standard input to the console: raw keys on a terminal in `repl`, else the byte stream. */
function attachInput(console: BoardConsole, loop: RunLoop, interactive: boolean): () => void {
  const stdin = process.stdin;
  const raw = interactive && stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const onData = (chunk: Buffer) => {
    const quit = raw ? chunk.indexOf(0x1d) : -1; // Ctrl-]
    if (quit >= 0) {
      if (quit > 0) console.write(chunk.subarray(0, quit));
      loop.stop();
      return;
    }
    console.write(chunk);
  };
  const onEnd = () => console.close();
  stdin.on('data', onData);
  stdin.on('end', onEnd);
  stdin.on('error', onEnd);
  return () => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.off('error', onEnd);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
    stdin.unref?.();
  };
}

function report(end: RunEnd, timeout: number): number {
  switch (end.kind) {
    case 'expected':
    case 'stopped':
      return 0;
    case 'timeout':
      process.stderr.write(`circuitemu: timeout: the program was still running after ${timeout} simulated seconds\n`);
      return EXIT.timeout;
    case 'exit':
      return end.exitCode & 0xff;
    case 'fault':
      process.stderr.write(`circuitemu: fault: ${end.halt.message}\n`);
      return EXIT.fault;
  }
}

function printStats(cycles: number, instructions: number, seconds: number, wallMs: number): void {
  const mips = instructions / (wallMs * 1000);
  process.stderr.write(
    `circuitemu: ${instructions} instructions, ${cycles} cycles, ${seconds.toFixed(6)} simulated s, ` +
      `${(wallMs / 1000).toFixed(3)} wall s, ${mips.toFixed(1)} MIPS\n`,
  );
}
