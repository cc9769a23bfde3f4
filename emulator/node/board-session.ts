/**
 * The Node API's running board: `startBoard({ board: 'cpx' })` runs code.py on the hosted engine (no firmware),
 * `startBoard({ board: 'cpx', firmware })` runs real firmware on the emulated CPU, and both answer to the same
 * BoardSession: run for a simulated time or until the console shows a text or a pin a level, read the console,
 * pins, pixels and files, set inputs, write files. Between calls the board stands still at one simulated instant.
 *
 * Everything that takes simulated time is a scenario step run by the scenario runner (emulator/scenario/session.ts),
 * so a call means exactly what the step of the same name means in a scenario file, on either engine.
 */
import { copyToDrive, openDrive, storageOf } from '../drive.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { ArgumentError, createBoard, loadFirmware } from '../run.js';
import { defaultHost, type RunHost } from '../runner.js';
import { FirmwareEngine } from '../scenario/firmware-engine.js';
import { parseScenario, ScenarioError, type Step } from '../scenario/parse.js';
import { BoardSessionError, EngineSession, type PinState, type SessionReply, type SessionRequest } from '../scenario/session.js';
import type { SerialLog, StepResult } from '../scenario/runner.js';
import type { BoardLights, RgbaImage } from '../screenshot/render.js';
import { hostable } from './hosted-cli.js';
import { HostedSessionClient } from './hosted-session.js';
import type { Board } from '../../boards/types.js';

export { BoardSessionError };
export type { PinState };

export interface StartBoardOptions {
  /** A board from the catalogue (`BOARDS`): 'cpx', 'metro_m0_express', ... */
  board: string;
  /** 'hosted' (CircuitPython's runtime in TypeScript) or 'firmware' (real firmware on the CPU); default: 'firmware' when `firmware` is given, else 'hosted'. */
  engine?: 'hosted' | 'firmware';
  /** The firmware file's bytes (UF2, ELF, HEX, BIN; firmware engine). */
  firmware?: Uint8Array;
  /** The firmware's file name (format detection, messages). */
  firmwareName?: string;
  /** A host folder copied onto CIRCUITPY before power-on. */
  drive?: string;
  /** Files written onto CIRCUITPY before power-on (after `drive`): drive path -> contents. */
  files?: Record<string, string | Uint8Array>;
  /**
   * Seconds since 1970 at power-on. Hosted engine: where the RTC calendar starts (time.time(), time.localtime(),
   * rtc.RTC().datetime); default 2000-01-01 as on the board. Firmware engine: what semihosting SYS_TIME reports
   * (CircuitPython's own clock starts at 2000-01-01 whatever it is); default 2026-01-01.
   */
  epoch?: number;
  /** Firmware engine on a USB console: reload code.py once the console connects, to see one complete run (default true). */
  reload?: boolean;
  /** Record these board pins (as the board names them; none given: all) from power-on, for `vcd()`. */
  vcd?: { pins?: string[] };
}

export interface WaitOptions {
  /** Simulated seconds to wait at most (default 10); then the call fails with a BoardSessionError naming what was seen. */
  timeout?: number;
}

export type UntilCondition =
  /** The console prints this text (after the previous match: each text is found once). */
  | { serial: string }
  /** The pin (a board pin name, or a part's terminal with `partId`) is at this level. */
  | { pin: string; partId?: string; value: 0 | 1 };

/** One transport per engine: requests go to an EngineSession, here or in the hosted engine's worker. */
interface SessionTransport {
  readonly log: SerialLog;
  request(request: SessionRequest): Promise<SessionReply>;
  close(): Promise<void>;
}

const DEFAULT_WAIT = 10;

export class BoardSession {
  private secondsNow = 0;
  private queue: Promise<unknown> = Promise.resolve();

  /** @internal use startBoard */
  constructor(
    /** The board's name. */
    readonly board: string,
    readonly engine: 'hosted' | 'firmware',
    private readonly transport: SessionTransport,
  ) {}

  /** Everything the console printed so far, as text. */
  get console(): string {
    return this.transport.log.text;
  }

  /** The same as bytes. */
  get consoleBytes(): Uint8Array {
    return this.transport.log.bytes();
  }

  /** Simulated seconds since power-on, where the board stands. */
  get seconds(): number {
    return this.secondsNow;
  }

  /** Runs the board for `seconds` of simulated time. */
  runFor(seconds: number): Promise<void> {
    positive(seconds, 'seconds');
    return this.steps([{ kind: 'delay', seconds, label: `runFor(${seconds})` }]).then(() => undefined);
  }

  /**
   * Runs until the condition holds, checked at every console output or pin edge (so the board stops at that
   * exact simulated instant); fails after `timeout` simulated seconds. A function condition is checked now and
   * then every `every` simulated seconds (default 0.01).
   */
  runUntil(condition: UntilCondition, options?: WaitOptions): Promise<void>;
  runUntil(condition: (board: BoardSession) => boolean | Promise<boolean>, options?: WaitOptions & { every?: number }): Promise<void>;
  async runUntil(condition: UntilCondition | ((board: BoardSession) => boolean | Promise<boolean>), options: WaitOptions & { every?: number } = {}): Promise<void> {
    const timeout = options.timeout ?? DEFAULT_WAIT;
    positive(timeout, 'timeout');
    if (typeof condition === 'function') return this.poll(condition, timeout, options.every ?? 0.01);
    if (typeof condition !== 'object' || condition === null) throw new ArgumentError('condition', 'runUntil needs { serial: TEXT }, { pin: NAME, value: 0 | 1 } or a function');
    if ('serial' in condition) {
      if (typeof condition.serial !== 'string' || !condition.serial) throw new ArgumentError('serial', 'runUntil({ serial }) needs a non-empty text');
      await this.steps([{ kind: 'wait-serial', text: condition.serial, timeoutSeconds: timeout, label: `runUntil({ serial: ${JSON.stringify(condition.serial)} })` }]);
      return;
    }
    if ('pin' in condition && (condition.value === 0 || condition.value === 1)) {
      const label = `runUntil({ pin: ${JSON.stringify(condition.pin)}, value: ${condition.value} })`;
      await this.steps([{ kind: 'wait-pin', pin: condition.pin, partId: condition.partId, level: condition.value, timeoutSeconds: timeout, label }]);
      return;
    }
    throw new ArgumentError('condition', 'runUntil needs { serial: TEXT }, { pin: NAME, value: 0 | 1 } or a function');
  }

  /** Types on the console (text, or bytes such as '\x03' for Ctrl-C). */
  async writeSerial(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    if (!(bytes instanceof Uint8Array)) throw new ArgumentError('data', 'writeSerial needs a string or a Uint8Array');
    await this.steps([{ kind: 'write-serial', bytes, shown: JSON.stringify(typeof data === 'string' ? data : `${bytes.length} bytes`), label: 'writeSerial' }]);
  }

  /**
   * Sets a part's control as a scenario's `set-control` does: ('buttonA', 'pressed', 1), ('slideSwitch', 'closed', 0),
   * ('light', 'lux', 500), ('thermistor', 'temperature', 30), ('accelerometer', 'acceleration', [0, 0, 9.8]),
   * ('touch', 'A1', 1), ...
   */
  async setControl(partId: string, control: string, value: number | number[]): Promise<void> {
    await this.steps([{ kind: 'set-control', partId, control, value, label: `setControl(${JSON.stringify(partId)}, ${JSON.stringify(control)})` }]);
  }

  /** Holds `volts` on a board pin from outside (an analog input). */
  async setVoltage(pin: string, volts: number): Promise<void> {
    await this.steps([{ kind: 'set-control', pin, control: 'voltage', value: volts, label: `setVoltage(${JSON.stringify(pin)})` }]);
  }

  /** Writes a file on CIRCUITPY as a computer would (CircuitPython auto-reloads 0.75 s later). */
  async writeFile(path: string, data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    await this.steps([{ kind: 'write-file', path, data: bytes, label: `writeFile(${JSON.stringify(path)})` }]);
  }

  /** A file on CIRCUITPY as a computer reads it; null when there is none. */
  async readFile(path: string): Promise<Uint8Array | null> {
    return (await this.ask({ op: 'read-file', path })) as Uint8Array | null;
  }

  /** A pin's level and voltage now: a board pin name ('LED', 'A1'), or a part's terminal with `partId`. */
  async pin(pin: string, partId?: string): Promise<PinState> {
    return (await this.ask({ op: 'pin', pin, partId })) as PinState;
  }

  /** The colours (0xRRGGBB) of the board's NeoPixels (or of the chain `partId`). */
  async pixels(partId?: string): Promise<number[]> {
    return (await this.ask({ op: 'pixels', partId })) as number[];
  }

  /** Every NeoPixel/DotStar chain's colours and every LED's state, by part id. */
  async lights(): Promise<BoardLights> {
    return (await this.ask({ op: 'lights' })) as BoardLights;
  }

  /** A picture of the board with its lights as they are now (as the scenario step take-screenshot draws it). */
  async screenshot(): Promise<RgbaImage> {
    return (await this.ask({ op: 'screenshot' })) as RgbaImage;
  }

  /** The pins recorded since power-on (StartBoardOptions.vcd) as a Value Change Dump, as `--vcd` writes it. */
  async vcd(): Promise<string> {
    const text = (await this.ask({ op: 'vcd' })) as string | null;
    if (text === null) throw new ArgumentError('vcd', 'no pins are recorded: start the board with the vcd option ({ vcd: {} } for every pin)');
    return text;
  }

  /** @internal startBoard's recording from power-on. */
  async recordPins(pins: string[] | undefined): Promise<void> {
    await this.ask({ op: 'record-pins', pins });
  }

  /**
   * Runs steps written as in a scenario file's `steps:` list (YAML), e.g.
   * `- set-control: { part-id: buttonA, control: pressed, value: 1 }\n- wait-serial: button down`.
   * Fails with the message the scenario would give; returns each step's result.
   */
  async runSteps(yaml: string): Promise<StepResult[]> {
    if (typeof yaml !== 'string') throw new ArgumentError('yaml', 'runSteps needs the steps as YAML text');
    const indented = yaml.split('\n').map((l) => '  ' + l).join('\n');
    let scenario;
    try {
      scenario = parseScenario(`steps:\n${indented}\n`, 'runSteps');
    } catch (e) {
      // Lines as the caller numbers them (the `steps:` line above is ours).
      if (e instanceof ScenarioError) throw new ScenarioError(e.message.replace(/^runSteps:(\d+):/, (_, n: string) => `runSteps:${Math.max(1, Number(n) - 1)}:`));
      throw e;
    }
    return this.steps(scenario.steps.map((step) => ({ ...step, line: step.line - 1 })), true);
  }

  /** Ends the session (the hosted engine's worker stops). */
  close(): Promise<void> {
    return this.serialised(() => this.transport.close());
  }

  // ---------------------------------------------------------------------------------------------

  private async steps(steps: (Record<string, unknown> & { kind: Step['kind']; label: string })[] | Step[], fromYaml = false): Promise<StepResult[]> {
    const made = fromYaml ? (steps as Step[]) : steps.map((s, i) => ({ index: i + 1, line: 0, ...s }) as unknown as Step);
    const reply = await this.serialised(() => this.transport.request({ op: 'steps', steps: made }));
    return this.check(reply).steps ?? [];
  }

  private async ask(request: SessionRequest): Promise<unknown> {
    const reply = await this.serialised(() => this.transport.request(request));
    return this.check(reply).value;
  }

  private check(reply: SessionReply): Extract<SessionReply, { ok: true }> {
    this.secondsNow = reply.seconds;
    if (!reply.ok) throw new BoardSessionError(reply.kind, reply.message, reply.seconds);
    return reply;
  }

  /** One call at a time, in the order made (the board has one timeline). */
  private serialised<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async poll(condition: (board: BoardSession) => boolean | Promise<boolean>, timeout: number, every: number): Promise<void> {
    positive(every, 'every');
    const deadline = this.secondsNow + timeout;
    for (;;) {
      if (await condition(this)) return;
      if (this.secondsNow >= deadline - 1e-12) throw new BoardSessionError('failed', `runUntil: the condition did not hold within ${timeout} simulated s`, this.secondsNow);
      await this.runFor(Math.min(every, deadline - this.secondsNow));
    }
  }
}

function positive(value: unknown, option: string): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new ArgumentError(option, `${option} must be a positive, finite number of simulated seconds, not ${String(value)}`);
}

/** Starts a board (powered on, standing still at simulated time 0) with the engine the options choose. */
export async function startBoard(options: StartBoardOptions): Promise<BoardSession> {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', 'startBoard needs an options object ({ board: "cpx", ... })');
  const engine = options.engine ?? (options.firmware ? 'firmware' : 'hosted');
  if (engine !== 'hosted' && engine !== 'firmware') throw new ArgumentError('engine', `engine must be 'hosted' or 'firmware', not ${JSON.stringify(engine)}`);
  if (options.epoch !== undefined && !(Number.isInteger(options.epoch) && options.epoch > 0 && options.epoch < 2 ** 32)) {
    throw new ArgumentError('epoch', `epoch must be whole seconds since 1970 (after 1970, before 2106), not ${String(options.epoch)}`);
  }
  if (engine === 'hosted') {
    if (options.firmware) throw new ArgumentError('firmware', "the hosted engine runs no firmware (engine: 'firmware' runs it)");
    if (!hostable(options.board)) throw new ArgumentError('board', `board ${JSON.stringify(options.board)} has no hosted CircuitPython engine (give firmware)`);
    const board = createBoard(options.board, { core: 'none' });
    prepareDrive(board, options);
    // A code.py looping in pure Python stops simulated time: the call fails after this much wall time (as `circuitemu test`).
    const stallWallSeconds = Number(process.env.CIRCUITEMU_HOSTED_STALL_SECONDS) || undefined;
    const client = new HostedSessionClient({ board: options.board, flash: storageOf(board).bytes.slice(), epoch: options.epoch, stallWallSeconds });
    return recording(new BoardSession(options.board, 'hosted', client), options);
  }
  if (!options.firmware) throw new ArgumentError('firmware', "engine: 'firmware' needs firmware (the firmware file's bytes)");
  const board = createBoard(options.board, { commandLine: options.firmwareName ?? 'firmware' });
  loadFirmware(board, options.firmware, options.firmwareName);
  if (options.epoch !== undefined) board.machine.epoch = options.epoch;
  prepareDrive(board, options);
  return recording(new BoardSession(board.name, 'firmware', new FirmwareTransport(board, options.reload ?? true)), options);
}

/** Starts the pin recording the options ask for (an unknown pin closes the session and fails as an ArgumentError). */
async function recording(session: BoardSession, options: StartBoardOptions): Promise<BoardSession> {
  if (!options.vcd) return session;
  try {
    await session.recordPins(options.vcd.pins);
  } catch (e) {
    await session.close();
    throw new ArgumentError('vcd', `vcd: ${(e as Error).message}`);
  }
  return session;
}

function prepareDrive(board: Board, options: StartBoardOptions): void {
  const files = Object.entries(options.files ?? {});
  if (!options.drive && !files.length) return;
  if (!board.circuitpy) throw new ArgumentError('files', `board ${board.name} has no CIRCUITPY drive`);
  if (options.drive) copyToDrive(board, options.drive);
  const { volume } = openDrive(board);
  for (const [path, data] of files) writeDriveFile(volume, path, data);
}

/**
 * The firmware engine in this thread: one run loop for the whole session, held still in its host turns
 * (RunHost.hold) between calls; a step that settles inside the machine's callbacks pauses it at once.
 */
class FirmwareTransport implements SessionTransport {
  private readonly session: EngineSession;
  private readonly engine: FirmwareEngine;
  private held = true;
  private release: (() => void) | null = null;
  private running = false;
  private crashed: Error | null = null;
  private rejectPending: ((e: Error) => void) | null = null;

  constructor(
    private readonly board: Board,
    reload: boolean,
  ) {
    const host: RunHost = {
      ...defaultHost,
      hold: () => (this.held ? new Promise<void>((resolve) => (this.release = resolve)) : null),
    };
    this.engine = new FirmwareEngine(board, { reload, host });
    this.session = new EngineSession(this.engine);
  }

  get log(): SerialLog {
    return this.session.log;
  }

  request(request: SessionRequest): Promise<SessionReply> {
    if (this.crashed) return Promise.reject(this.crashed);
    return new Promise((resolve, reject) => {
      this.rejectPending = reject;
      let atOnce = true;
      let answered: boolean;
      try {
        answered = this.session.handle(request, (reply) => {
          if (!atOnce) {
            this.held = true;
            this.board.machine.requestPause();
          }
          resolve(reply);
        });
      } catch (e) {
        reject(e as Error);
        return;
      }
      atOnce = false;
      if (!answered) this.runOn();
    });
  }

  private runOn(): void {
    this.held = false;
    const release = this.release;
    this.release = null;
    release?.();
    if (this.running) return;
    this.running = true;
    this.engine.run(Infinity).then(
      (end) => this.session.ended(end),
      (e: unknown) => {
        // A bug in the emulator, not the program's fault: this call and every later one fail with it.
        this.crashed = e instanceof Error ? e : new Error(String(e));
        this.rejectPending?.(this.crashed);
      },
    );
  }

  async close(): Promise<void> {
    this.held = true;
    this.engine.stop();
    this.release?.();
  }
}
