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
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Board, BoardConsole } from '../boards/types.js';
import { HostFileError, readInputFile, readStdin, type HostFileProblem } from './host-files.js';
import { EXIT } from './exit.js';
import type { RunEnd } from './runner.js';
import type { ConsoleConnection } from './console.js';
import { parseEpoch } from './epoch.js';
import { parseRange, startTrace, type TraceOptions } from './trace/trace.js';
import { openTraceOutput } from './node/trace-file.js';
import { openPcap, type PcapWriter } from './node/pcap-file.js';
import type { WdevRx } from '../peripherals/esp8266/wdev-rx.js';

// Start-up (issue 9): a hosted run (`run`/`repl` without --firmware) imports only its own path
// (emulator/node/hosted-cli.ts); the firmware engine, the drive, test, snapshot, GDB and RFC 2217
// commands are imported by loadCommands() when a command needs them, or to classify an error.
let BOARDS: typeof import('../boards/index.js').BOARDS;
let ImageError: typeof import('../firmware-runtime/images/index.js').ImageError;
let maxImageFileSize: typeof import('../firmware-runtime/images/index.js').maxImageFileSize;
let copyToDrive: typeof import('./drive.js').copyToDrive;
let FlashImageFile: typeof import('./drive.js').FlashImageFile;
let openDrive: typeof import('./drive.js').openDrive;
let storageOf: typeof import('./drive.js').storageOf;
let DriveImageError: typeof import('../firmware-runtime/fs/drive.js').DriveImageError;
let listDrive: typeof import('../firmware-runtime/fs/drive.js').listDrive;
let readDriveFile: typeof import('../firmware-runtime/fs/drive.js').readDriveFile;
let writeDriveFile: typeof import('../firmware-runtime/fs/drive.js').writeDriveFile;
let FatError: typeof import('../firmware-runtime/fs/fat.js').FatError;
let connectConsole: typeof import('./console.js').connectConsole;
let showRun: typeof import('./console.js').showRun;
let createBoard: typeof import('./run.js').createBoard;
let parseFlashParts: typeof import('./firmware.js').parseFlashParts;
let prepareFirmware: typeof import('./firmware.js').prepareFirmware;
let prepareFlashParts: typeof import('./firmware.js').prepareFlashParts;
let RunLoop: typeof import('./runner.js').RunLoop;
let attachStdin: typeof import('./node/stdin.js').attachStdin;
let testCommand: typeof import('./scenario/cli.js').testCommand;
let debugWithGdb: typeof import('./gdb/cli.js').debugWithGdb;
let GdbUsageError: typeof import('./gdb/cli.js').GdbUsageError;
let parseGdbPort: typeof import('./gdb/cli.js').parseGdbPort;
let SnapshotError: typeof import('./snapshot/index.js').SnapshotError;
let loadSnapshotFile: typeof import('./snapshot/cli.js').loadSnapshotFile;
let SNAPSHOT_USAGE: typeof import('./snapshot/cli.js').SNAPSHOT_USAGE;
let snapshotCommand: typeof import('./snapshot/cli.js').snapshotCommand;
let SnapshotUsageError: typeof import('./snapshot/cli.js').SnapshotUsageError;
let boardSignals: typeof import('./trace/vcd.js').boardSignals;
let VcdRecorder: typeof import('./trace/vcd.js').VcdRecorder;
let serveRfc2217: typeof import('./node/rfc2217.js').serveRfc2217;
type FlashImageFile = import('./drive.js').FlashImageFile;
type RunLoop = import('./runner.js').RunLoop;
type VcdRecorder = import('./trace/vcd.js').VcdRecorder;

let commandsLoaded: Promise<void> | undefined;

/** Imports every command's modules but the hosted run's (once), binding the names above. */
function loadCommands(): Promise<void> {
  commandsLoaded ??= (async () => {
    // One at a time: Node 20 can fail to link modules of one cycle imported concurrently ('is not in cache').
    const boards = await import('../boards/index.js');
    const images = await import('../firmware-runtime/images/index.js');
    const drive = await import('./drive.js');
    const fsDrive = await import('../firmware-runtime/fs/drive.js');
    const fat = await import('../firmware-runtime/fs/fat.js');
    const consoleMod = await import('./console.js');
    const run = await import('./run.js');
    const firmware = await import('./firmware.js');
    const runner = await import('./runner.js');
    const stdin = await import('./node/stdin.js');
    const scenario = await import('./scenario/cli.js');
    const gdb = await import('./gdb/cli.js');
    const snapshot = await import('./snapshot/index.js');
    const snapshotCli = await import('./snapshot/cli.js');
    const vcd = await import('./trace/vcd.js');
    const rfc2217 = await import('./node/rfc2217.js');
    ({ BOARDS } = boards);
    ({ ImageError, maxImageFileSize } = images);
    ({ copyToDrive, FlashImageFile, openDrive, storageOf } = drive);
    ({ DriveImageError, listDrive, readDriveFile, writeDriveFile } = fsDrive);
    ({ FatError } = fat);
    ({ connectConsole, showRun } = consoleMod);
    ({ createBoard } = run);
    ({ parseFlashParts, prepareFirmware, prepareFlashParts } = firmware);
    ({ RunLoop } = runner);
    ({ attachStdin } = stdin);
    ({ testCommand } = scenario);
    ({ debugWithGdb, GdbUsageError, parseGdbPort } = gdb);
    ({ SnapshotError } = snapshot);
    ({ loadSnapshotFile, SNAPSHOT_USAGE, snapshotCommand, SnapshotUsageError } = snapshotCli);
    ({ boardSignals, VcdRecorder } = vcd);
    ({ serveRfc2217 } = rfc2217);
  })();
  return commandsLoaded;
}

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
                 [--drive DIR] [--flash IMAGE] [--no-reload] [--cpu interp|jit] [--gdb PORT] [--console PORT]
                 [--vcd FILE [--vcd-pins PIN,...]] [--epoch SECONDS|DATE]
                 [--trace io,insn [--trace-peripheral NAME,...] [--trace-range START-END] [--trace-file FILE]]
                 [--rfc2217 PORT] [--web-workflow PORT] [--wifi-ap SPEC]... [--wifi-pcap FILE]
  circuitemu run --snapshot-load FILE [--board NAME] [--timeout SIM_SECONDS] [--expect-text TEXT] ...
  circuitemu snapshot --board NAME --firmware FILE [--drive DIR] --at SIM_SECONDS --output FILE
  circuitemu repl --board NAME [--firmware FILE] [--timeout SIM_SECONDS] [--drive DIR] [--flash IMAGE] [--cpu interp|jit]
                  [--console PORT] [--web-workflow PORT]
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
Without --firmware, run and repl use the hosted CircuitPython engine (every SAMD21 board): CircuitPython
9.2.9's behaviour with no firmware file; the run ends with status 0 once the program waits for
console input and standard input has ended. --vcd, --epoch and --trace io work there too (--epoch:
where the RTC calendar starts, default 2000-01-01); --trace insn, --cpu, --gdb, --rfc2217 and
--console need --firmware.
--vcd FILE: writes the board's pin waveforms (all pins, or --vcd-pins LED,A1) as a Value Change
Dump when the run ends (see the README, "Scenarios").
--trace io: logs every access to a peripheral register (cycle, simulated seconds, R/W and size,
address, peripheral+offset and register name, value); --trace insn: every instruction's PC and
first halfword (the CPU then runs its interpreter, one instruction per loop turn: slow, same
results). --trace-peripheral SERCOM3,PORT and --trace-range 0x42000800-0x42000bff (io: register
addresses; insn: PCs) filter; the log goes to --trace-file FILE or standard error.
--rfc2217 PORT: serves the console on 127.0.0.1:PORT with Telnet/RFC 2217 (pyserial's
rfc2217://127.0.0.1:PORT, mpremote, tio, socat) instead of standard input; the run is paced to
the wall clock, and output produced before a client connects is sent when it does.
--web-workflow PORT: serves CircuitPython's web-workflow API on http://127.0.0.1:PORT (0: any free
port), with either engine: /fs/ (files on CIRCUITPY: GET, PUT, DELETE, MOVE), /cp/version.json,
/cp/devices.json, /cp/diskinfo.json and the /cp/serial/ WebSocket (the console). File requests need
Basic auth with an empty user name and the password CIRCUITPY_WEB_API_PASSWORD of the drive's
settings.toml (none set: 403). The run is paced to the wall clock and, in run, serves until --timeout
or Ctrl-C (standard input is not read); a write auto-reloads code.py as on a board.
--epoch SECONDS|DATE: the date the board starts at, what a program asking for the time
(semihosting SYS_TIME) is told: seconds since 1970 or 2024-05-01T12:00:00Z; default
2026-01-01T00:00:00Z in run (the same every run), the wall clock in repl.
--snapshot-load FILE: start from a snapshot (\`circuitemu snapshot\`) instead of power-on: no
--firmware, --drive or --flash (the snapshot holds them); the console connects to the restored
board. snapshot: see \`circuitemu snapshot --help\`.
--firmware OFFSET=FILE,...: files written at flash offsets, as esptool's write_flash writes them
(feather_huzzah: 0x0=boot.bin,0x1000=app.bin).
drive: lists, reads (to stdout) or writes (from HOSTFILE or stdin) files on the CIRCUITPY drive
held in a flash image, without running any firmware (--board defaults to cpx).
--cpu: the core (Cortex-M0+ or LX106) runs only in its interpreter (interp, the default) or
also compiles hot code to JavaScript (jit: 2-3x faster on long CPU-bound runs, slower to start);
both give the same results, cycle for cycle.
--console PORT: the console is the board's serial port PORT instead of its own (arduino_zero:
edbg, the EDBG virtual COM port on SERCOM5 at 115200 baud; native USB is then left unplugged).
--wifi-ap SSID[:CH[:RSSI[:AUTH[:NETWORK]]]] (feather_huzzah, repeatable): an access point in
range, beaconing on channel CH (default 1) with signal RSSI dBm (default -60) and security AUTH
(open, wep, wpa-psk, wpa2-psk, wpa-wpa2-psk or 0-4; default open): network.WLAN().scan() finds
it; an open one lets the board connect and gives it an address by DHCP from NETWORK (default
192.168.1.0/24; the gateway, .1, answers ARP and ping; there is no internet behind it).
--wifi-pcap FILE (feather_huzzah): every 802.11 frame the board sends or hears, written to FILE
as a pcap capture (simulated timestamps) for Wireshark or tcpdump.
--gdb PORT: the board waits, halted at reset, for GDB (gdb-multiarch, or xtensa-lx106-elf-gdb
for the LX106 boards: target remote :PORT) on 127.0.0.1 only; when GDB detaches the run goes on
without it.
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
    await loadCommands(); // the error classes below
    if (e instanceof SnapshotUsageError) {
      process.stderr.write(`circuitemu: ${e.message}\n${SNAPSHOT_USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof SnapshotError) {
      process.stderr.write(`circuitemu: snapshot: ${e.message}\n`);
      return EXIT.badImage;
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
  if (command !== 'run' && command !== 'repl') await loadCommands();
  switch (command) {
    case 'run':
      return runCommand(rest, false);
    case 'repl':
      return runCommand(rest, true);
    case 'drive':
      return driveCommand(rest);
    case 'test':
      return testCommand(rest);
    case 'snapshot':
      if (rest.includes('--help')) {
        writeStdout(SNAPSHOT_USAGE + '\n');
        return 0;
      }
      return snapshotCommand(rest, version());
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
  'snapshot-load': { type: 'string' },
  vcd: { type: 'string' },
  'wifi-pcap': { type: 'string' },
  'vcd-pins': { type: 'string' },
  epoch: { type: 'string' },
  trace: { type: 'string' },
  'trace-peripheral': { type: 'string' },
  'trace-range': { type: 'string' },
  'trace-file': { type: 'string' },
  rfc2217: { type: 'string' },
  console: { type: 'string' },
  'web-workflow': { type: 'string' },
  'wifi-ap': { type: 'string', multiple: true },
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
  const snapshot = opts['snapshot-load'];
  if (snapshot !== undefined) {
    const clash = (['firmware', 'drive', 'flash'] as const).find((o) => opts[o] !== undefined);
    if (clash) throw new UsageError(`--snapshot-load and --${clash} do not go together: the snapshot holds the firmware and CIRCUITPY`);
  } else if (!opts.board) throw new UsageError(`${command} needs --board NAME`);
  const timeout = parseTimeout(opts.timeout);
  if (opts['expect-text'] === '') throw new UsageError('--expect-text needs a non-empty text');
  if (opts['vcd-pins'] !== undefined && opts.vcd === undefined) throw new UsageError('--vcd-pins needs --vcd FILE');
  const trace = parseTraceFlags(opts);
  const rfc2217 = opts.rfc2217 === undefined ? undefined : parsePort(opts.rfc2217, '--rfc2217');
  const webWorkflow = opts['web-workflow'] === undefined ? undefined : parsePort(opts['web-workflow'], '--web-workflow');
  const epoch = opts.epoch === undefined ? undefined : parseEpoch(opts.epoch);
  if (typeof epoch === 'string') throw new UsageError(epoch);
  if (opts.cpu !== undefined && opts.cpu !== 'jit' && opts.cpu !== 'interp') {
    throw new UsageError(`--cpu must be interp or jit, not '${opts.cpu}'`);
  }
  if (opts.cpu) {
    const { cpuDefaults } = await import('../cpu-armv6m/core.js');
    const { lx106Defaults } = await import('../cpu-xtensa/lx106.js');
    cpuDefaults.mode = lx106Defaults.mode = opts.cpu;
  }
  if (!opts.firmware && snapshot === undefined) {
    if (rfc2217 !== undefined) throw new UsageError('--rfc2217 is for firmware runs (--firmware or --snapshot-load)');
    if (opts.gdb !== undefined) throw new UsageError('--gdb needs --firmware FILE (the hosted engine has no CPU to debug)');
    if (opts.cpu !== undefined) throw new UsageError('--cpu needs --firmware FILE (the hosted engine has no CPU)');
    if (opts.console !== undefined) throw new UsageError(`--console needs --firmware FILE (the hosted engine has only its USB console)`);
    if (opts['wifi-ap'] !== undefined) throw new UsageError('--wifi-ap needs --firmware FILE (feather_huzzah)');
    if (opts['wifi-pcap'] !== undefined) throw new UsageError('--wifi-pcap needs --firmware FILE (feather_huzzah)');
    const { hostable, runHosted } = await import('./node/hosted-cli.js');
    if (!hostable(opts.board!)) throw new UsageError(`${command} needs --firmware FILE (board ${opts.board} has no hosted CircuitPython engine)`);
    return runHosted({
      board: opts.board!,
      interactive,
      timeout,
      expectText: opts['expect-text'],
      drive: opts.drive,
      flash: opts.flash,
      stats: opts.stats,
      write: writeStdout,
      onStop: (stop) => (onStdoutError = stop),
      vcd: opts.vcd,
      vcdPins: opts['vcd-pins']?.split(',').map((p) => p.trim()).filter(Boolean),
      epoch,
      trace: trace ?? undefined,
      webWorkflow,
    });
  }
  await loadCommands();
  let board;
  if (snapshot !== undefined) {
    if (opts['wifi-ap'] !== undefined) throw new UsageError('--wifi-ap does not go with --snapshot-load (it sets up a new board)');
    board = await loadSnapshotFile(snapshot, version(), opts.board);
  }
  else {
    try {
      const accessPoints = opts['wifi-ap']?.length ? (await import('../peripherals/esp8266/wifi-air.js')).parseAccessPoints(opts['wifi-ap']) : undefined;
      board = createBoard(opts.board!, { commandLine: opts.firmware, wifi: accessPoints && { accessPoints } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if ((opts.flash || opts.drive) && !board.circuitpy) {
    throw new UsageError(`board ${board.name} has no CIRCUITPY drive (--flash/--drive)`);
  }
  if (webWorkflow !== undefined && (!board.circuitpy || !board.usb || opts.console !== undefined)) {
    throw new UsageError(`--web-workflow needs a board whose CIRCUITPY drive is on USB (board ${board.name}${opts.console !== undefined ? ' with --console' : ''} has none)`);
  }
  const firmware = opts.firmware ? loadFirmwareOption(board, opts.firmware) : null;
  // Locked (and its directory checked) before anything runs; held until it is saved.
  const flash = opts.flash ? FlashImageFile.open(board, opts.flash, { forWriting: true }) : undefined;
  try {
    if (flash && !flash.existed) process.stderr.write(`circuitemu: ${flash.path} does not exist; it will be created when the run ends\n`);
    let connection;
    try {
      connection = connectConsole(board, opts.console);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const reload = !!connection.usbHost && !interactive && !opts['no-reload'];
    const console = showRun(connection, board.machine.scheduler, { reload, expectText: opts['expect-text'] });
    connection.usbHost?.onEvent((e) => e.type === 'error' && process.stderr.write(`circuitemu: USB: ${e.message}\n`));
    if (firmware) board.load(firmware.segments, firmware.entry);
    if (flash?.existed) keepUnreadableImage(flash);
    if (opts.drive) copyToDrive(board, opts.drive);
    const machine = board.machine;
    const vcd = opts.vcd === undefined ? null : recordVcd(board, opts['vcd-pins']);
    // A run from a snapshot keeps the snapshot's date unless told otherwise.
    if (epoch !== undefined) machine.epoch = epoch;
    else if (interactive && snapshot === undefined) machine.epoch = Math.floor(Date.now() / 1000);
    machine.stderr.onData((bytes) => process.stderr.write(bytes));
    const stopTrace = trace ? traceTo(board, trace.options, trace.file) : null;
    const stopPcap = opts['wifi-pcap'] === undefined ? null : captureWifi(board, opts['wifi-pcap']);
    const loop = new RunLoop(machine, console, {
      timeoutSeconds: timeout,
      realTime: interactive || rfc2217 !== undefined || webWorkflow !== undefined,
      expectText: opts['expect-text'],
    });
    loop.onOutput((bytes) => writeStdout(bytes));
    onStdoutError = () => loop.stop();
    const server = rfc2217 === undefined ? null : await listenRfc2217(console, rfc2217);
    const web = webWorkflow === undefined ? null : await listenWebWorkflow(board, connection, webWorkflow, () => loop.stop());
    const input = server || (web && !interactive) ? () => {} : attachInput(console, loop, interactive);
    const detach = () => {
      input();
      void server?.close();
      void web?.close();
    };
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
    if (vcd) writeVcd(opts.vcd!, vcd);
    stopTrace?.();
    stopPcap?.();
    if (opts.stats) printStats(machine.scheduler.cycles, machine.instructions, machine.scheduler.seconds, performance.now() - started);
    return stdoutStatus() ?? report(end, timeout);
  } finally {
    flash?.close();
  }
}

/** A TCP port number for a server on 127.0.0.1. */
function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`${flag} needs a TCP port number 1..65535 (0: any free port), not '${text}'`);
  return port;
}

async function listenRfc2217(console: BoardConsole, port: number) {
  try {
    const server = await serveRfc2217(console, port, (m) => process.stderr.write(`circuitemu: ${m}\n`));
    process.stderr.write(`circuitemu: console on rfc2217://127.0.0.1:${server.port}\n`);
    return server;
  } catch (e) {
    throw new HostFileError('busy', `--rfc2217: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
}

/** --web-workflow on the firmware engine: files through the emulated USB host's mass storage. */
async function listenWebWorkflow(board: Board, connection: ConsoleConnection, port: number, stop: () => void) {
  const [{ serveWebWorkflow }, { mscWorkflowDrive }, { untilSignal }] = await Promise.all([
    import('./node/web-workflow.js'),
    import('./webworkflow/msc.js'),
    import('./node/hosted-cli.js'),
  ]);
  const log = (m: string) => process.stderr.write(`circuitemu: ${m}\n`);
  try {
    const server = await serveWebWorkflow({
      port,
      drive: mscWorkflowDrive(connection.usbHost!, { seconds: () => board.machine.scheduler.seconds }),
      // The WebSocket gets the console as the board sends it (not what `run` shows on standard output).
      input: (bytes) => connection.console.write(bytes),
      usb: (board as { spec?: { usb?: { vid: number; pid: number } } }).spec?.usb,
      capacity: storageOf(board).bytes.length,
      log,
    });
    connection.console.onData((bytes) => server.output(bytes));
    const unlisten = untilSignal(stop);
    log(`web workflow on http://127.0.0.1:${server.port}/ (CIRCUITPY_WEB_API_PASSWORD from settings.toml)`);
    return { close: () => (unlisten(), server.close()) };
  } catch (e) {
    throw new HostFileError('busy', `--web-workflow: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
}

/** --trace and its filters, checked; null without --trace. */
function parseTraceFlags(opts: { trace?: string; 'trace-peripheral'?: string; 'trace-range'?: string; 'trace-file'?: string }): { options: TraceOptions; file?: string } | null {
  const filters = (['trace-peripheral', 'trace-range', 'trace-file'] as const).find((o) => opts[o] !== undefined);
  if (opts.trace === undefined) {
    if (filters) throw new UsageError(`--${filters} needs --trace io or --trace insn`);
    return null;
  }
  const kinds = opts.trace.split(',').map((k) => k.trim());
  const bad = kinds.find((k) => k !== 'io' && k !== 'insn');
  if (bad !== undefined || !kinds.length) throw new UsageError(`--trace takes io, insn or io,insn, not '${opts.trace}'`);
  const range = opts['trace-range'] === undefined ? null : parseRange(opts['trace-range']);
  if (typeof range === 'string') throw new UsageError(range);
  const peripherals = opts['trace-peripheral']?.split(',').map((p) => p.trim()).filter(Boolean) ?? [];
  if (peripherals.length && !kinds.includes('io')) throw new UsageError('--trace-peripheral filters --trace io');
  return { options: { io: kinds.includes('io'), insn: kinds.includes('insn'), peripherals, range }, file: opts['trace-file'] };
}

/** Starts the trace, writing to `file` (or stderr) through a buffer; returns the function that ends it. */
function traceTo(board: Board, options: TraceOptions, file: string | undefined): () => void {
  const out = openTraceOutput(file);
  if (options.insn) (board.machine.core as { setMode?: (m: 'interp') => void }).setMode?.('interp');
  let stop: () => void;
  try {
    stop = startTrace(board.machine, options, (line) => out.emit(line));
  } catch (e) {
    out.close();
    throw new UsageError((e as Error).message);
  }
  return () => {
    stop();
    out.close();
  };
}

/** --wifi-pcap FILE: the radio's frames, both ways, into a pcap file from now on. */
function captureWifi(board: Board, path: string): () => void {
  const radio = (board as { chip?: { wdevRx?: WdevRx } }).chip?.wdevRx;
  if (!radio) throw new UsageError(`--wifi-pcap: board ${board.name} has no WiFi radio (feather_huzzah has)`);
  let pcap: PcapWriter;
  try {
    pcap = openPcap(path);
  } catch (e) {
    throw new HostFileError('cannot-create', `--wifi-pcap: cannot write ${path}: ${(e as Error).message}`);
  }
  const scheduler = board.machine.scheduler;
  radio.onAir = (frame) => pcap.frame(frame, scheduler.seconds);
  return () => {
    radio.onAir = () => {};
    pcap.close();
  };
}

/** --vcd: records the board's pins (all, or the comma-separated `pins`) from now on. */
function recordVcd(board: Board, pins: string | undefined): VcdRecorder {
  try {
    return new VcdRecorder(board.machine.scheduler, boardSignals(board, pins?.split(',').map((p) => p.trim()).filter(Boolean)));
  } catch (e) {
    throw new UsageError(`--vcd: ${(e as Error).message}`);
  }
}

function writeVcd(path: string, recorder: VcdRecorder): void {
  try {
    writeFileSync(path, recorder.text());
  } catch (e) {
    throw new HostFileError('cannot-create', `cannot write ${path}: ${(e as Error).message}`);
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
