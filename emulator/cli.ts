/**
 * The `circuitemu` command line.
 *
 *   circuitemu run | repl | drive | boards   (USAGE below says it all)
 *
 * Exit status of `run`: the program's own exit status, or 124 when the simulated time limit
 * ran out, 125 on an unrecoverable fault (lockup, a HardFault handler that spins); for every
 * command the sysexits.h statuses below (HOST_EXIT, EXIT), and 141 when standard output is a
 * pipe whose reader went away (what a Unix tool killed by SIGPIPE reports).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BOARDS } from '../boards/index.js';
import { ImageError, maxImageFileSize } from '../firmware-runtime/images/index.js';
import type { Board, BoardConsole } from '../boards/types.js';
import { copyToDrive, FlashImageFile, openDrive, storageOf } from './drive.js';
import { HostFileError, readInputFile, readStdin, type HostFileProblem } from './host-files.js';
import { DriveImageError, listDrive, readDriveFile, writeDriveFile } from '../firmware-runtime/fs/drive.js';
import { FatError } from '../firmware-runtime/fs/fat.js';
import { connectConsole, showRun } from './console.js';
import { createBoard, EXIT } from './run.js';
import { parseFlashParts, prepareFirmware, prepareFlashParts } from './firmware.js';
import { RunLoop, type RunEnd } from './runner.js';
import { attachStdin } from './node/stdin.js';
import { cpuDefaults } from '../cpu-armv6m/core.js';
import { testCommand } from './scenario/cli.js';
import { debugWithGdb, GdbUsageError, parseGdbPort } from './gdb/cli.js';
import { hostable, runHosted } from './node/hosted-cli.js';

/** The host-side statuses (sysexits.h), beside the run statuses of EXIT. */
const HOST_EXIT = { noInput: 66, cannotCreate: 73, ioError: 74, busy: 75, brokenPipe: 141 } as const;

const PROBLEM_EXIT: Record<HostFileProblem, number> = {
  missing: HOST_EXIT.noInput,
  unreadable: HOST_EXIT.noInput,
  'too-large': EXIT.badImage,
  'cannot-create': HOST_EXIT.cannotCreate,
  busy: HOST_EXIT.busy,
};

const USAGE = `usage:
  circuitemu run --board NAME [--firmware FILE|OFFSET=FILE,...] [--timeout SIM_SECONDS] [--expect-text TEXT] [--stats]
                 [--drive DIR] [--flash IMAGE] [--no-reload] [--cpu interp|jit] [--gdb PORT]
  circuitemu repl --board NAME [--firmware FILE] [--timeout SIM_SECONDS] [--drive DIR] [--flash IMAGE] [--cpu interp|jit]
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
Without --firmware, run and repl use the hosted CircuitPython engine (cpx, metro_m0_express): CircuitPython
9.2.9's behaviour with no firmware file; the run ends with status 0 once the program waits for
console input and standard input has ended.
--firmware OFFSET=FILE,...: files written at flash offsets, as esptool's write_flash writes them
(feather_huzzah: 0x0=boot.bin,0x1000=app.bin).
drive: lists, reads (to stdout) or writes (from HOSTFILE or stdin) files on the CIRCUITPY drive
held in a flash image, without running any firmware (--board defaults to cpx).
--cpu: the Cortex-M0+ runs only in its interpreter (interp, the default) or also compiles hot
code to JavaScript (jit: faster on long CPU-bound runs, slower to start); both give the same
results, cycle for cycle.
--gdb PORT: the board waits, halted at reset, for GDB (gdb-multiarch: target remote :PORT) on
127.0.0.1 only; when GDB detaches the run goes on without it.
repl: the same, interactively: simulated time paced to the wall clock, the terminal in raw
mode, Ctrl-] quits.
--flash IMAGE follows symbolic links, is replaced atomically, and is locked while in use:
a second user waits up to 3 s, then gives up with status ${HOST_EXIT.busy}.
Exit status: the program's own, or ${EXIT.timeout} when --timeout (simulated seconds) ran out,
${EXIT.fault} on a fault the program cannot recover from, ${EXIT.usage} for a usage error, ${EXIT.badImage} for a firmware
or flash image that cannot be loaded, ${HOST_EXIT.noInput} for an input file that does not exist or is
not a regular file, ${HOST_EXIT.cannotCreate} when the flash image cannot be saved where asked,
${HOST_EXIT.ioError} when standard output cannot be written, ${HOST_EXIT.busy} when the flash image is in use,
${HOST_EXIT.brokenPipe} when the reader of standard output went away, ${EXIT.software} for any other error.`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  watchStdout();
  try {
    const status = await dispatch(argv);
    return stdoutStatus() ?? status;
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
    if (e instanceof HostFileError) {
      process.stderr.write(`circuitemu: ${e.message}\n`);
      return PROBLEM_EXIT[e.kind];
    }
    if (process.env.CIRCUITEMU_DEBUG) throw e;
    process.stderr.write(`circuitemu: ${(e as Error).message ?? String(e)}\n`);
    return EXIT.software;
  }
}

// ---------------------------------------------------------------------------------------------------
// Standard output that breaks: a closed pipe (`| head -c 10`) or a full device (`> /dev/full`)

let stdoutError: NodeJS.ErrnoException | undefined;
let onStdoutError: (() => void) | undefined;

/** A write error on stdout ends the command: quietly on EPIPE (as Unix tools do), else with a message. */
function watchStdout(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (stdoutError) return;
    stdoutError = e;
    if (e.code !== 'EPIPE') process.stderr.write(`circuitemu: cannot write to standard output: ${e.message}\n`);
    process.exitCode = stdoutStatus();
    onStdoutError?.();
  });
}

function stdoutStatus(): number | undefined {
  if (!stdoutError) return undefined;
  return stdoutError.code === 'EPIPE' ? HOST_EXIT.brokenPipe : HOST_EXIT.ioError;
}

function writeStdout(bytes: Uint8Array | string): void {
  if (!stdoutError) process.stdout.write(bytes);
}

// ---------------------------------------------------------------------------------------------------

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
      parse(rest, {}, command);
      for (const b of BOARDS) writeStdout(`${b.name.padEnd(12)} ${b.description}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      parse(rest, {}, command);
      writeStdout(USAGE + '\n');
      return 0;
    case '--version':
      parse(rest, {}, command);
      writeStdout(`circuitemu ${version()}\n`);
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

type OptionSpecs = Record<string, { type: 'string' | 'boolean'; default?: boolean }>;

const RUN_OPTIONS = {
  board: { type: 'string' },
  firmware: { type: 'string' },
  timeout: { type: 'string' },
  stats: { type: 'boolean', default: false },
  'expect-text': { type: 'string' },
  drive: { type: 'string' },
  'no-reload': { type: 'boolean', default: false },
  flash: { type: 'string' },
  cpu: { type: 'string' },
  gdb: { type: 'string' },
} as const;

const DRIVE_OPTIONS = { flash: { type: 'string' }, board: { type: 'string' } } as const;

/**
 * util.parseArgs, strict, with getopt's rule for an option that takes a value: the next word is
 * that value even when it starts with a dash (`--timeout -1` is the value -1, rejected as such,
 * not "an ambiguous option"). Positionals only where `positionals` says so.
 */
function parse<T extends OptionSpecs>(args: string[], options: T, command: string, positionals = false) {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      joined.push(...args.slice(i));
      break;
    }
    const spec = a.startsWith('--') ? options[a.slice(2)] : undefined;
    if (spec?.type === 'string' && i + 1 < args.length) joined.push(`${a}=${args[++i]!}`);
    else joined.push(a);
  }
  try {
    return parseArgs({ args: joined, strict: true, allowPositionals: positionals, options });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message}`);
  }
}

/** Simulated seconds: a positive finite number (Infinity or 1e309 is not a limit, it is a typo). */
function parseTimeout(value: string | undefined): number {
  if (value === undefined) return Infinity;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout must be a positive, finite number of seconds, not '${value}'`);
  }
  return seconds;
}

async function runCommand(args: string[], interactive: boolean): Promise<number> {
  const command = interactive ? 'repl' : 'run';
  const opts = parse(args, RUN_OPTIONS, command).values;
  if (!opts.board) throw new UsageError(`${command} needs --board NAME`);
  const timeout = parseTimeout(opts.timeout);
  if (opts['expect-text'] === '') throw new UsageError('--expect-text needs a non-empty text');
  if (opts.cpu !== undefined && opts.cpu !== 'jit' && opts.cpu !== 'interp') {
    throw new UsageError(`--cpu must be interp or jit, not '${opts.cpu}'`);
  }
  if (opts.cpu) cpuDefaults.mode = opts.cpu;
  if (!opts.firmware) {
    if (!hostable(opts.board)) throw new UsageError(`${command} needs --firmware FILE (board ${opts.board} has no hosted CircuitPython engine)`);
    return runHosted({
      board: opts.board,
      interactive,
      timeout,
      expectText: opts['expect-text'],
      drive: opts.drive,
      flash: opts.flash,
      stats: opts.stats,
      write: writeStdout,
      onStop: (stop) => (onStdoutError = stop),
    });
  }
  let board;
  try {
    board = createBoard(opts.board, { commandLine: opts.firmware });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if ((opts.flash || opts.drive) && !board.circuitpy) {
    throw new UsageError(`board ${board.name} has no CIRCUITPY drive (--flash/--drive)`);
  }
  const firmware = loadFirmwareOption(board, opts.firmware);
  // Locked (and its directory checked) before anything runs; held until it is saved.
  const flash = opts.flash ? FlashImageFile.open(board, opts.flash, { forWriting: true }) : undefined;
  try {
    if (flash && !flash.existed) process.stderr.write(`circuitemu: ${flash.path} does not exist; it will be created when the run ends\n`);
    const connection = connectConsole(board);
    const reload = !!connection.usbHost && !interactive && !opts['no-reload'];
    const console = showRun(connection, board.machine.scheduler, { reload, expectText: opts['expect-text'] });
    connection.usbHost?.onEvent((e) => e.type === 'error' && process.stderr.write(`circuitemu: USB: ${e.message}\n`));
    board.load(firmware.segments, firmware.entry);
    if (flash?.existed) keepUnreadableImage(flash);
    if (opts.drive) copyToDrive(board, opts.drive);
    const machine = board.machine;
    machine.stderr.onData((bytes) => process.stderr.write(bytes));
    const loop = new RunLoop(machine, console, {
      timeoutSeconds: timeout,
      realTime: interactive,
      expectText: opts['expect-text'],
    });
    loop.onOutput((bytes) => writeStdout(bytes));
    onStdoutError = () => loop.stop();
    const detach = attachInput(console, loop, interactive);
    if (interactive) process.stderr.write('circuitemu: connected to the console; Ctrl-] quits\n');
    const started = performance.now();
    if (opts.gdb !== undefined) {
      const status = await gdbSession(board, opts.gdb);
      if (status !== null) {
        detach();
        flash?.save();
        return status;
      }
    }
    const end = await loop.run();
    detach();
    flash?.save();
    if (opts.stats) printStats(machine.scheduler.cycles, machine.instructions, machine.scheduler.seconds, performance.now() - started);
    return stdoutStatus() ?? report(end, timeout);
  } finally {
    flash?.close();
  }
}

/** --firmware FILE, or OFFSET=FILE[,OFFSET=FILE...] written into the board's flash as esptool would. */
function loadFirmwareOption(board: Board, spec: string) {
  const parts = parseFlashParts(spec);
  if (!parts) return prepareFirmware(board, readFirmware(board, spec), spec);
  return prepareFlashParts(board, parts.map((p) => ({ ...p, bytes: readFirmware(board, p.file) })));
}

/** The firmware file: a regular file no larger than any image the board could hold. */
function readFirmware(board: Board, path: string): Uint8Array {
  const limit = maxImageFileSize(board.regions);
  return readInputFile(path, limit, (size) => new HostFileError('too-large', `${path} is ${size} bytes; no image for ${board.name} can be larger than ${limit} bytes`));
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
  if (action !== 'list' && action !== 'read' && action !== 'write') {
    throw new UsageError(`drive needs list, read or write, not '${action ?? ''}'`);
  }
  const { values, positionals } = parse(rest, DRIVE_OPTIONS, `drive ${action}`, true);
  if (!values.flash) throw new UsageError('drive needs --flash IMAGE');
  const maxPositionals = action === 'write' ? 2 : 1; // PATH, and HOSTFILE for write
  if (positionals.length > maxPositionals) throw new UsageError(`drive ${action}: unexpected argument '${positionals[maxPositionals]!}'`);
  if (action !== 'list' && !positionals[0]) throw new UsageError(`drive ${action} needs a PATH on the drive`);
  let board;
  try {
    board = createBoard(values.board ?? 'cpx');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!board.circuitpy) throw new UsageError(`board ${board.name} has no CIRCUITPY drive`);
  if (action === 'write') return driveWrite(board, values.flash, positionals[0]!, positionals[1]);
  const flash = FlashImageFile.open(board, values.flash, { forWriting: false });
  // An existing image that holds no FAT is reported, never wiped.
  const { volume } = openDrive(board, { format: false });
  flash.close();
  if (action === 'read') {
    writeStdout(readDriveFile(volume, positionals[0]!));
    return 0;
  }
  for (const entry of listDrive(volume, positionals[0] ?? '/', { recursive: true })) {
    writeStdout(`${entry.isDirectory ? 'dir ' : String(entry.size).padStart(8)} ${entry.path}\n`);
  }
  return 0;
}

function driveWrite(board: Board, image: string, path: string, hostFile: string | undefined): number {
  const capacity = storageOf(board).bytes.length;
  const tooLarge = (size?: number) =>
    new HostFileError('too-large', `${hostFile ?? 'standard input'}${size === undefined ? '' : ` (${size} bytes)`} is larger than the drive (${capacity} bytes)`);
  const data = hostFile === undefined ? readStdin(capacity, () => tooLarge()) : readInputFile(hostFile, capacity, tooLarge);
  const flash = FlashImageFile.open(board, image, { forWriting: true });
  try {
    // Only a new image is formatted; an existing one that holds no FAT is reported, never wiped.
    const { volume } = openDrive(board, { format: !flash.existed });
    writeDriveFile(volume, path, data, { parents: true });
    flash.save();
    if (!flash.existed) process.stderr.write(`circuitemu: created ${image} with a new CIRCUITPY drive\n`);
    return 0;
  } finally {
    flash.close();
  }
}

/**
 * An existing image with no CIRCUITPY filesystem on it will be reformatted (by CircuitPython
 * at boot, or by --drive) and then saved over the user's file: keep the original beside it.
 */
function keepUnreadableImage(flash: FlashImageFile): void {
  try {
    openDrive(flash.board, { format: false });
  } catch (e) {
    if (!(e instanceof FatError)) throw e;
    const backup = flash.saveCopy('.bak');
    process.stderr.write(
      `circuitemu: warning: ${flash.path} holds no readable CIRCUITPY drive (${e.message}); ` +
        `the firmware may reformat it, so the original is kept as ${backup}\n`,
    );
  }
}

/** Feeds standard input to the console: raw keys on a terminal in `repl`, else the byte stream. */
function attachInput(console: BoardConsole, loop: RunLoop, interactive: boolean): () => void {
  return attachStdin(interactive, (bytes) => console.write(bytes), () => console.close(), () => loop.stop());
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
