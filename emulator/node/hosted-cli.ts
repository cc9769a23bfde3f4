/**
 * `circuitemu run` / `repl` with no --firmware: the hosted CircuitPython engine
 * (firmware-runtime/hosted/) on a board it supports, with the same drive, flash, timeout,
 * expected-text and statistics options as a firmware run.
 *
 * A non-interactive run ends when the program can make no more progress: the engine waits for
 * console input and standard input has ended (status 0); or at --expect-text (0), or when
 * --timeout simulated seconds have passed (124).
 */
import { EXIT } from '../exit.js';
import { copyToDrive, FlashImageFile, storageOf, type DriveBoard } from '../drive.js';
import { hostedBoard, hostedCircuitpy } from '../../firmware-runtime/hosted/boards.js';
import { samd21Spec } from '../../boards/samd21-catalogue.js';
import { circuitpyDevice } from '../../firmware-runtime/hosted/drive.js';
import { mount, type FatVolume } from '../../firmware-runtime/fs/fat.js';
import { startHostedEngine, type HostedEngineHandle, type HostedRunEnd } from './hosted-engine.js';
import type { WebWorkflowServer } from './web-workflow.js';
import { attachStdin } from './stdin.js';
import { startupMark } from './startup-trace.js';
import { writeFileSync } from 'node:fs';
import { HostFileError } from '../host-files.js';
// Types only: the VCD and trace modules (and a board built on this thread to check their arguments)
// are loaded when --vcd or --trace asks for them, so a plain run starts without them.
import type { PinChangesWriter } from '../trace/vcd.js';
import type { TraceOptions } from '../trace/trace.js';
import type { TraceOutput } from './trace-file.js';
import type { Board } from '../../boards/types.js';

export interface HostedCliOptions {
  board: string;
  interactive: boolean;
  timeout: number;
  expectText?: string;
  drive?: string;
  flash?: string;
  stats: boolean;
  write: (bytes: Uint8Array | string) => void;
  /** Called once with a function that ends the run (stdout went away). */
  onStop?: (stop: () => void) => void;
  /** --vcd FILE and --vcd-pins: the pins' waveforms, written when the run ends. */
  vcd?: string;
  vcdPins?: string[];
  /** --epoch: seconds since 1970 the RTC calendar starts at. */
  epoch?: number;
  /** --trace io (its filters) and --trace-file: the register accesses of the hosted modules. */
  trace?: { options: TraceOptions; file?: string };
  /** Serve CircuitPython's web workflow on 127.0.0.1 at this port (0: any free port). */
  webWorkflow?: number;
}

/** True when `board` can run the hosted engine (no firmware needed). */
export function hostable(board: string): boolean {
  try {
    hostedBoard(board);
    return true;
  } catch {
    return false;
  }
}

export async function runHosted(o: HostedCliOptions): Promise<number> {
  startupMark('main: hosted-cli imported');
  hostedBoard(o.board); // a clear error for boards without the engine
  const board = driveOnly(o.board);
  // --trace and --vcd are checked on a board like the worker's (same declaration, same order).
  const checked = o.trace || o.vcd !== undefined ? (await import('../run.js')).createBoard(o.board, { core: 'none' }) : null;
  if (o.trace) {
    const problem = await traceProblem(checked!, o.trace.options);
    if (problem) {
      process.stderr.write(`circuitemu: ${problem}\n`);
      return EXIT.usage;
    }
  }
  let pins: PinChangesWriter | null = null;
  if (o.vcd !== undefined) {
    try {
      const { boardSignals, PinChangesWriter } = await import('../trace/vcd.js');
      pins = new PinChangesWriter(boardSignals(checked!, o.vcdPins).map((s) => s.name));
    } catch (e) {
      process.stderr.write(`circuitemu: --vcd: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
  }
  const flash = o.flash ? FlashImageFile.open(board, o.flash, { forWriting: true }) : undefined;
  try {
    if (flash && !flash.existed) process.stderr.write(`circuitemu: ${flash.path} does not exist; it will be created when the run ends\n`);
    if (o.drive) copyToDrive(board, o.drive);
    startupMark('main: drive copied');
    const storage = storageOf(board);
    const trace = o.trace ? (await import('./trace-file.js')).openTraceOutput(o.trace.file) : null;
    // USB VID/PID: the web workflow's creator_id and creation_id.
    const usb = samd21Spec(o.board)?.usb;
    let end: number;
    try {
      end = await drive(o, storage.bytes.slice(), (bytes) => storage.load(bytes), pins, trace, usb, storage.kind);
    } finally {
      trace?.close();
    }
    flash?.save();
    if (pins) writeVcd(o.vcd!, pins.text() ?? new (await import('../trace/vcd.js')).VcdWriter(pins.names, []).text());
    return end;
  } finally {
    flash?.close();
  }
}

/**
 * The board as the drive functions see it: its CIRCUITPY storage, erased as a new board's is (the engine's
 * worker builds the board itself; the main thread builds none).
 */
function driveOnly(name: string): DriveBoard {
  const { kind, size } = hostedCircuitpy(name);
  const bytes = new Uint8Array(size).fill(0xff);
  const load = (image: Uint8Array): void => {
    if (image.length !== size) throw new Error(`a CIRCUITPY image for ${name} is ${size} bytes, not ${image.length}`);
    bytes.set(image);
  };
  return { name, circuitpy: { kind, bytes, load } };
}

async function drive(o: HostedCliOptions, image: Uint8Array, keep: (flash: Uint8Array) => void, pins: PinChangesWriter | null, trace: TraceOutput | null,
  usb: { vid: number; pid: number } | undefined, kind: 'spi-flash' | 'internal-flash'): Promise<number> {
  let seen = '';
  let expected = false;
  let stdinEnded = false;
  let lastWasWaiting = false;
  let web: WebWorkflowServer | null = null;
  const run = startHostedEngine({
    board: o.board,
    flashImage: image,
    realTime: o.interactive || o.webWorkflow !== undefined,
    epoch: o.epoch,
    vcd: pins ? { pins: o.vcdPins } : undefined,
    onPins: (changes) => pins?.add(changes),
    trace: o.trace && { peripherals: [...o.trace.options.peripherals], range: o.trace.options.range },
    onTrace: (lines) => lines.forEach((line) => trace?.emit(line)),
    timeoutSeconds: Number.isFinite(o.timeout) ? o.timeout : undefined,
    onConsole: (bytes) => {
      web?.output(bytes);
      lastWasWaiting = false;
      if (expected) return;
      if (!o.expectText) return o.write(bytes);
      // Output stops at the expected text, as for a firmware run.
      const text = Buffer.from(bytes).toString('latin1');
      const before = seen.length;
      seen += text;
      const at = seen.indexOf(o.expectText, Math.max(0, before - o.expectText.length));
      if (at < 0) return o.write(bytes);
      expected = true;
      startupMark('main: expected text seen');
      o.write(Buffer.from(seen.slice(before, at + o.expectText.length), 'latin1'));
      void run.stop();
    },
    onWaiting: () => {
      lastWasWaiting = true;
      if (stdinEnded && !o.interactive) void run.stop();
    },
  });
  o.onStop?.(() => void run.stop());
  if (o.webWorkflow !== undefined) web = await listenWebWorkflow(o.webWorkflow, run, usb, kind);
  // A web-workflow run has no end of input: it serves until --timeout or an interrupt (the drive is saved then).
  const detachWeb = web ? untilSignal(() => void run.stop()) : () => {};
  const detach = web && !o.interactive ? () => {} : attachStdin(o.interactive, (bytes) => {
    lastWasWaiting = false;
    run.write(bytes);
  }, () => {
    stdinEnded = true;
    if (lastWasWaiting && !o.interactive) void run.stop();
  }, () => void run.stop());
  if (o.interactive) process.stderr.write('circuitemu: connected to the console (hosted CircuitPython); Ctrl-] quits\n');
  const started = performance.now();
  const end = await run.done;
  detach();
  detachWeb();
  await web?.close();
  keep(run.flash);
  if (o.stats) {
    process.stderr.write(
      `circuitemu: hosted engine, ${end.seconds.toFixed(6)} simulated s, ${((performance.now() - started) / 1000).toFixed(3)} wall s, ${end.hardStops} hard stop(s)\n`,
    );
  }
  return status(end, o.timeout);
}

/** How long a file operation may wait for the engine (Python that never calls into a module holds it up). */
const WORKFLOW_OP_MS = 10_000;

async function listenWebWorkflow(port: number, run: HostedEngineHandle, usb: { vid: number; pid: number } | undefined, kind: 'spi-flash' | 'internal-flash'): Promise<WebWorkflowServer> {
  const log = (m: string) => process.stderr.write(`circuitemu: ${m}\n`);
  // Loaded only when asked for (start-up: a hosted run imports only its own path).
  const { serveWebWorkflow } = await import('./web-workflow.js');
  try {
    const server = await serveWebWorkflow({
      port,
      drive: (op) => withTimeout(run.workflow(op), WORKFLOW_OP_MS, 'the hosted engine did not take the file operation (is code.py in a loop that never calls into a module?)'),
      // Read from the shared flash, so the password check needs nothing from the worker (read-only: a
      // write in progress there can at worst make this read fail, and the check then asks the worker).
      settings: () => settingsOf(mount(circuitpyDevice(kind, run.flash), { readOnly: true })),
      input: (bytes) => run.write(bytes),
      usb,
      capacity: run.flash.length,
      log,
    });
    log(`web workflow on http://127.0.0.1:${server.port}/ (CIRCUITPY_WEB_API_PASSWORD from settings.toml)`);
    return server;
  } catch (e) {
    void run.stop();
    throw new HostFileError('busy', `--web-workflow: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}`);
  }
}

function settingsOf(volume: FatVolume): Uint8Array | null {
  return volume.exists('/settings.toml') ? volume.readFile('/settings.toml') : null;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}

/** Ends the run on SIGINT/SIGTERM; returns the function that stops listening. */
export function untilSignal(stop: () => void): () => void {
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
}

function status(end: HostedRunEnd, timeout: number): number {
  switch (end.reason) {
    case 'stopped':
      return 0;
    case 'timeout':
      process.stderr.write(`circuitemu: timeout: the program was still running after ${timeout} simulated seconds\n`);
      return EXIT.timeout;
    case 'error':
      process.stderr.write(`circuitemu: hosted engine failed: ${end.message ?? 'unknown error'}\n`);
      return EXIT.software;
  }
}

function writeVcd(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new HostFileError('cannot-create', `cannot write ${path}: ${(e as Error).message}`);
  }
}

/**
 * What is wrong with `--trace` on the hosted engine, or null: it runs no instructions (no CPU), and its
 * filters are checked on a board like the worker's (an unknown peripheral is named).
 */
async function traceProblem(board: Board, options: TraceOptions): Promise<string | null> {
  const { startTrace } = await import('../trace/trace.js');
  if (options.insn) return '--trace insn: the hosted engine runs no instructions (it has no CPU; --trace io logs the register accesses of its modules)';
  try {
    startTrace(board.machine, options, () => undefined)();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
