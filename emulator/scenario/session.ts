/**
 * A scenario engine driven call by call (the Node API's BoardSession): between calls the board stands still at
 * one simulated instant, where it can be read (pins, pixels, files) and told what to do next. What takes
 * simulated time is a list of scenario steps (runFor is a `delay`, runUntil a `wait-serial` or `wait-pin`,
 * setControl a `set-control`, ...) run by the scenario runner itself, so a call means exactly what the step
 * means in a scenario file, on either engine.
 *
 * Port-neutral: requests and replies are plain data (structured-cloneable), so the same EngineSession serves
 * a firmware engine in the caller's thread and the hosted engine inside its worker (emulator/node/hosted-session.ts).
 */
import type { RunEnd } from '../runner.js';
import type { BoardLights, RgbaImage } from '../screenshot/render.js';
import { EngineInputError, type ScenarioEngine } from './engine.js';
import { ScenarioError, type Step } from './parse.js';
import { SerialLog, startScenario, type StartedScenario, type StepResult } from './runner.js';
import { boardSignals, VcdRecorder } from '../trace/vcd.js';
import type { Board } from '../../boards/types.js';

export type SessionRequest =
  /** Runs the steps until they all passed or one failed (simulated time runs meanwhile). */
  | { op: 'steps'; steps: Step[] }
  | { op: 'pin'; partId?: string; pin: string }
  | { op: 'pixels'; partId?: string }
  | { op: 'lights' }
  | { op: 'read-file'; path: string }
  | { op: 'screenshot' }
  /** Starts recording the board's pins (these, or all) for a VCD file, from this instant. */
  | { op: 'record-pins'; pins?: string[] }
  /** The VCD file of what was recorded so far (null when nothing is recorded). */
  | { op: 'vcd' };

/** Why a request failed: a step's expectation, a mistake the board can tell (unknown pin), or the program's end. */
export type SessionFailure = 'failed' | 'input' | 'ended';

export type SessionReply = { seconds: number } & (
  | { ok: true; value?: unknown; steps?: StepResult[] }
  | { ok: false; kind: SessionFailure; message: string; steps?: StepResult[] }
);

/** Why a BoardSession call failed: a step's expectation or timeout, a name the board does not have, or the run's end. */
export class BoardSessionError extends Error {
  override readonly name = 'BoardSessionError';
  constructor(
    readonly kind: SessionFailure,
    message: string,
    /** Simulated seconds when it failed. */
    readonly seconds: number,
  ) {
    super(message);
  }
}

/** A pin as a session reads it. */
export interface PinState {
  label: string;
  level: 0 | 1;
  voltage: number;
}

/** What a session may ask of its engine beyond the scenario interface (both our engines have it: BoardEngine). */
export type SessionEngine = ScenarioEngine & { lights?(): BoardLights; readonly board?: Board };

export class EngineSession {
  /** Everything the console printed, and the serial matches' position (it carries over from call to call). */
  readonly log = new SerialLog();
  private listener: ((bytes: Uint8Array) => void) | null = null;
  /** The steps under way and how to answer when they settle. */
  private current: { started: StartedScenario | null; settled: boolean; done: (reply: SessionReply) => void } | null = null;
  private end: RunEnd | null = null;
  private recorder: VcdRecorder | null = null;
  /** A file read over USB under way: answered with the end of the run if that comes first. */
  private reading: ((end: RunEnd) => void) | null = null;

  constructor(private readonly engine: SessionEngine) {
    engine.onSerial((bytes) => {
      this.log.push(bytes);
      this.listener?.(bytes);
    });
  }

  /** The console output so far. */
  get serial(): Uint8Array {
    return this.log.bytes();
  }

  /**
   * Handles `request`; `done` is called once with the reply. True when it was answered at once; false when
   * simulated time must run for it (the caller lets the board run; `done` is then called from inside the board's
   * callbacks, at the simulated instant the steps settled, where the caller holds the board still again).
   */
  handle(request: SessionRequest, done: (reply: SessionReply) => void): boolean {
    const seconds = () => this.engine.now();
    try {
      switch (request.op) {
        case 'steps':
          return this.steps(request.steps, done);
        case 'pin': {
          const pin = this.engine.pin({ kind: 'expect-pin', index: 0, line: 0, label: 'pin', partId: request.partId, pin: request.pin, level: 0 });
          const value: PinState = { label: pin.label, level: pin.level, voltage: pin.voltage };
          done({ ok: true, value, seconds: seconds() });
          return true;
        }
        case 'pixels':
          done({ ok: true, value: this.engine.pixels({ kind: 'expect-neopixel', index: 0, line: 0, label: 'pixels', partId: request.partId, color: 0, tolerance: 0 }), seconds: seconds() });
          return true;
        case 'lights':
          if (!this.engine.lights) throw new EngineInputError(`the ${this.engine.boardName} engine has no lights to read`);
          done({ ok: true, value: this.engine.lights(), seconds: seconds() });
          return true;
        case 'screenshot': {
          if (!this.engine.screenshot) throw new EngineInputError(`the ${this.engine.boardName} engine cannot draw its board`);
          const image: RgbaImage = this.engine.screenshot();
          done({ ok: true, value: image, seconds: seconds() });
          return true;
        }
        case 'read-file':
          return this.readFile(request.path, done);
        case 'record-pins': {
          const board = this.engine.board;
          if (!board) throw new EngineInputError(`the ${this.engine.boardName} engine has no pins to record`);
          let signals;
          try {
            signals = boardSignals(board, request.pins);
          } catch (e) {
            throw new EngineInputError((e as Error).message);
          }
          this.recorder = new VcdRecorder(board.machine.scheduler, signals);
          done({ ok: true, seconds: seconds() });
          return true;
        }
        case 'vcd':
          done({ ok: true, value: this.recorder?.text() ?? null, seconds: seconds() });
          return true;
      }
    } catch (e) {
      if (e instanceof EngineInputError || e instanceof ScenarioError) {
        done({ ok: false, kind: 'input', message: e.message, seconds: seconds() });
        return true;
      }
      throw e;
    }
  }

  /** The run ended (the program exited or faulted): steps under way fail, and no more time can run. */
  ended(end: RunEnd): void {
    this.end = end;
    this.reading?.(end);
    const current = this.current;
    if (!current?.started || current.settled) return;
    this.settle(current, end);
  }

  private steps(steps: Step[], done: (reply: SessionReply) => void): boolean {
    if (this.end && steps.length) {
      done({ ok: false, kind: 'ended', message: `the run has ended (${describeEnd(this.end)})`, seconds: this.engine.now() });
      return true;
    }
    const current: NonNullable<EngineSession['current']> = { started: null, settled: false, done };
    this.current = current;
    let stoppedEarly = false;
    // The runner sees this engine: stop() means "these steps are over", not the end of the board's run.
    const facade: ScenarioEngine = Object.assign(Object.create(null) as ScenarioEngine, {
      boardName: this.engine.boardName,
      now: () => this.engine.now(),
      after: (s: number, cb: () => void) => this.engine.after(s, cb),
      onSerial: (l: (bytes: Uint8Array) => void) => void (this.listener = l),
      writeSerial: (b: Uint8Array) => this.engine.writeSerial(b),
      run: () => Promise.reject(new Error('a session runs its engine itself')),
      stop: () => {
        if (!current.started) stoppedEarly = true;
        else if (!current.settled) this.settle(current, { kind: 'stopped' });
      },
      check: (s: Step) => this.engine.check(s),
      pin: (s: Parameters<ScenarioEngine['pin']>[0]) => this.engine.pin(s),
      pixels: (s: Parameters<ScenarioEngine['pixels']>[0]) => this.engine.pixels(s),
      setControl: (s: Parameters<ScenarioEngine['setControl']>[0]) => this.engine.setControl(s),
      speaker: (s: Parameters<ScenarioEngine['speaker']>[0]) => this.engine.speaker(s),
      writeFile: (p: string, d: Uint8Array) => this.engine.writeFile(p, d),
      readFile: (p: string) => this.engine.readFile(p),
      writeFileNow: this.engine.writeFileNow && ((p: string, d: Uint8Array) => this.engine.writeFileNow!(p, d)),
      readFileNow: this.engine.readFileNow && ((p: string) => this.engine.readFileNow!(p)),
      screenshot: this.engine.screenshot && (() => this.engine.screenshot!()),
    });
    try {
      current.started = startScenario(facade, { file: 'api', name: 'api', files: {}, steps }, { serialLog: this.log });
    } catch (e) {
      this.current = null;
      this.listener = null;
      throw e;
    }
    if (stoppedEarly) {
      this.settle(current, { kind: 'stopped' });
      return true;
    }
    return false;
  }

  private settle(current: NonNullable<EngineSession['current']>, end: RunEnd): void {
    current.settled = true;
    this.listener = null;
    if (this.current === current) this.current = null;
    const result = current.started!.result(end);
    const base = { seconds: this.engine.now(), steps: [...result.steps] };
    if (result.status === 'passed') current.done({ ok: true, ...base });
    else current.done({ ok: false, kind: end.kind === 'stopped' ? 'failed' : 'ended', message: result.message ?? result.status, ...base });
  }

  /** A file as the host reads it: at once on the hosted engine, over USB (simulated time runs) on the firmware engine. */
  private readFile(path: string, done: (reply: SessionReply) => void): boolean {
    if (this.engine.readFileNow) {
      done({ ok: true, value: this.engine.readFileNow(path), seconds: this.engine.now() });
      return true;
    }
    if (this.end) {
      done({ ok: false, kind: 'ended', message: `cannot read ${path}: the run has ended (${describeEnd(this.end)})`, seconds: this.engine.now() });
      return true;
    }
    let answered = false;
    const answer = (reply: SessionReply): void => {
      if (answered) return;
      answered = true;
      this.reading = null;
      done(reply);
    };
    this.reading = (end) => answer({ ok: false, kind: 'ended', message: `cannot read ${path}: the run has ended (${describeEnd(end)})`, seconds: this.engine.now() });
    this.engine.readFile(path).then(
      (value) => answer({ ok: true, value, seconds: this.engine.now() }),
      (e: unknown) => answer({ ok: false, kind: 'failed', message: `cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, seconds: this.engine.now() }),
    );
    return false;
  }
}

function describeEnd(end: RunEnd): string {
  switch (end.kind) {
    case 'exit':
      return `the program exited with status ${end.exitCode}`;
    case 'fault':
      return `the firmware faulted: ${end.halt.message}`;
    default:
      return end.kind;
  }
}
