/**
 * Runs a scenario's steps against an engine. The steps advance on the simulated timeline, from
 * inside the engine's callbacks (serial output, timers, pin edges), so a scenario does the same
 * thing at the same simulated instant every time; only the file steps (USB mass storage
 * transfers) resume between run-loop slices, which are themselves at fixed simulated times.
 *
 * Serial matching: `wait-serial` and `expect-serial` search the output after the end of the
 * previous match (so text printed before a wait starts is not missed, and no text matches twice).
 */
import type { RunEnd } from '../runner.js';
import { concat } from '../console.js';
import { EngineInputError, type ScenarioEngine } from './engine.js';
import { ScenarioError, type Scenario, type Step } from './parse.js';
import type { RgbaImage } from '../screenshot/render.js';

/** Where take-screenshot steps write and read their PNG files (the CLI gives files on disk). */
export interface ScreenshotFiles {
  save(path: string, image: RgbaImage): Promise<void>;
  /** The image in a PNG file. */
  load(path: string): Promise<RgbaImage>;
  /** The same at once, for an engine that cannot wait for promises (ScenarioEngine.writeFileNow). */
  saveNow?(path: string, image: RgbaImage): void;
  loadNow?(path: string): RgbaImage;
}

export type ScenarioStatus = 'passed' | 'failed' | 'timeout' | 'fault';

export interface StepResult {
  readonly step: Step;
  readonly status: 'passed' | 'failed' | 'not-run';
  /** Simulated seconds when the step finished (or failed). */
  readonly seconds?: number;
  readonly message?: string;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly status: ScenarioStatus;
  /** Why it did not pass, naming the step and what was observed. */
  readonly message?: string;
  /** The step that failed or was running at the timeout. */
  readonly failedStep?: Step;
  readonly steps: readonly StepResult[];
  /** Everything the console printed during the scenario. */
  readonly serial: Uint8Array;
  /** Simulated seconds at the end. */
  readonly seconds: number;
  readonly wallSeconds: number;
  readonly end: RunEnd;
}

export interface RunScenarioOptions {
  /** Simulated seconds for the whole scenario when the file gives none (default 60). */
  timeoutSeconds?: number;
  /** Fail as soon as the console shows this text (e.g. 'Traceback'). */
  failText?: string;
  /** Console output as it comes. */
  onSerial?: (bytes: Uint8Array) => void;
  /** Each step as it finishes. */
  onStep?: (result: StepResult) => void;
  /** Files for take-screenshot steps (without it, such a step fails saying so). */
  screenshots?: ScreenshotFiles;
  /**
   * The console output seen so far and where the next serial match starts, when it outlives one run of steps
   * (a BoardSession runs steps call by call); whoever passes it feeds it the engine's output.
   */
  serialLog?: SerialLog;
}

const decoderOptions = { stream: true } as const;

/** The console output of a run as text, and where the next `wait-serial`/`expect-serial` match may start. */
export class SerialLog {
  private readonly chunks: Uint8Array[] = [];
  private readonly decoder = new TextDecoder();
  text = '';
  cursor = 0;

  push(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.text += this.decoder.decode(bytes, decoderOptions);
  }

  bytes(): Uint8Array {
    return concat(this.chunks);
  }

  /** Finds `text` after the cursor and moves the cursor past it. */
  match(text: string): boolean {
    const at = this.text.indexOf(text, this.cursor);
    if (at < 0) return false;
    this.cursor = at + text.length;
    return true;
  }

  sinceWhat(): string {
    return this.cursor ? ' after the previous match' : '';
  }

  /** The output after the cursor, shortened to its last lines, for failure messages. */
  recent(): string {
    const rest = this.text.slice(this.cursor);
    if (!rest) return '(nothing)';
    return JSON.stringify(rest.length > 300 ? '…' + rest.slice(-300) : rest);
  }
}

/** Checks every step against the engine before anything runs; a mistake is a ScenarioError with its line. */
export function checkScenario(engine: ScenarioEngine, scenario: Scenario): void {
  for (const step of scenario.steps) {
    try {
      engine.check(step);
    } catch (e) {
      if (e instanceof EngineInputError) throw new ScenarioError(`${scenario.file}:${step.line}: step ${step.index} (${step.kind}): ${e.message}`);
      throw e;
    }
  }
}

export async function runScenario(engine: ScenarioEngine, scenario: Scenario, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const run = startScenario(engine, scenario, options);
  const end = await engine.run(scenarioTimeout(scenario, options));
  return run.result(end);
}

/** The simulated seconds a scenario may run. */
export function scenarioTimeout(scenario: Scenario, options: RunScenarioOptions): number {
  return scenario.timeoutSeconds ?? options.timeoutSeconds ?? 60;
}

/** A scenario under way: its result can be taken as soon as the engine stops (before `run()` returns). */
export interface StartedScenario {
  result(end: RunEnd): ScenarioResult;
}

/**
 * Checks the scenario and starts its steps on `engine` (which the caller then runs). For an engine that
 * cannot return to the event loop until it is stopped (the hosted engine: synchronous Python in its worker),
 * the result is taken inside its `stop()` or timeout.
 */
export function startScenario(engine: ScenarioEngine, scenario: Scenario, options: RunScenarioOptions = {}): StartedScenario {
  checkScenario(engine, scenario);
  const started = performance.now();
  const run = new StepRun(engine, scenario, options);
  return { result: (end) => run.result(end, (performance.now() - started) / 1000) };
}

class StepRun {
  private index = 0;
  private readonly results: StepResult[] = [];
  private done = false;
  private failure: { message: string; step?: Step } | null = null;
  /** The console output as text, and where the next serial match may start. */
  private readonly log: SerialLog;
  /** How much of the log the fail text has been searched in. */
  private failChecked = 0;
  /** What the current waiting step is waiting for (called on new serial output / pin edges). */
  private waiting: (() => boolean) | null = null;
  private cancelWait: (() => void)[] = [];

  constructor(
    private readonly engine: ScenarioEngine,
    private readonly scenario: Scenario,
    private readonly options: RunScenarioOptions,
  ) {
    this.log = options.serialLog ?? new SerialLog();
    const own = !options.serialLog;
    this.failChecked = this.log.text.length;
    engine.onSerial((bytes) => {
      if (own) this.log.push(bytes);
      this.serial(bytes);
    });
    this.next();
  }

  result(end: RunEnd, wallSeconds: number): ScenarioResult {
    const current = this.scenario.steps[this.index];
    let status: ScenarioStatus;
    let message = this.failure?.message;
    let failedStep = this.failure?.step;
    if (this.failure) status = 'failed';
    else if (this.done) status = 'passed';
    else {
      failedStep = current;
      const at = current ? ` at ${describe(current)}${this.waitingFor(current)}` : '';
      if (end.kind === 'timeout') {
        status = 'timeout';
        message = `timed out after ${fmt(this.engine.now())} simulated s${at}`;
      } else if (end.kind === 'fault') {
        status = 'fault';
        message = `the firmware faulted${at}: ${end.halt.message}`;
      } else if (end.kind === 'exit') {
        status = 'failed';
        message = `the program exited with status ${end.exitCode}${at}`;
      } else {
        status = 'failed';
        message = `the run ended (${end.kind})${at}`;
      }
      this.results.push({ step: current, status: 'failed', seconds: this.engine.now(), message });
    }
    const ran = new Set(this.results.map((r) => r.step));
    const steps = [...this.results, ...this.scenario.steps.filter((s) => !ran.has(s)).map((step) => ({ step, status: 'not-run' as const }))];
    steps.sort((a, b) => a.step.index - b.step.index);
    return { scenario: this.scenario, status, message, failedStep, steps, serial: this.log.bytes(), seconds: this.engine.now(), wallSeconds, end };
  }

  // ---- stepping -------------------------------------------------------------------------------

  /** Runs steps until one has to wait, or all are done. */
  private next(): void {
    while (!this.done && !this.failure) {
      const step = this.scenario.steps[this.index];
      if (!step) {
        this.done = true;
        this.engine.stop();
        return;
      }
      const outcome = this.start(step);
      if (outcome === 'wait') return;
      this.pass(step);
    }
  }

  private pass(step: Step): void {
    this.clearWait();
    const r: StepResult = { step, status: 'passed', seconds: this.engine.now() };
    this.results.push(r);
    this.options.onStep?.(r);
    this.index++;
  }

  private fail(step: Step | undefined, message: string): void {
    if (this.failure || this.done) return;
    this.clearWait();
    const full = step ? `${describe(step)}: ${message}` : message;
    this.failure = { message: full, step };
    if (step) {
      const r: StepResult = { step, status: 'failed', seconds: this.engine.now(), message: full };
      this.results.push(r);
      this.options.onStep?.(r);
    }
    this.engine.stop();
  }

  /** Starts a step: 'done' when it finished at once (passed), 'wait' when it completes later or failed. */
  private start(step: Step): 'done' | 'wait' {
    const e = this.engine;
    switch (step.kind) {
      case 'delay':
        return this.waitFor(step, () => false, step.seconds, () => this.resume(step));
      case 'write-serial':
        e.writeSerial(step.bytes);
        return 'done';
      case 'set-control':
        e.setControl(step);
        return 'done';
      case 'expect-serial': {
        if (this.match(step.text)) return 'done';
        this.fail(step, `${JSON.stringify(step.text)} is not in the serial output${this.sinceWhat()}: ${this.recent()}`);
        return 'wait';
      }
      case 'wait-serial':
        return this.waitFor(step, () => this.match(step.text), step.timeoutSeconds, () =>
          this.fail(step, `${JSON.stringify(step.text)} did not appear within ${fmt(step.timeoutSeconds!)} s; serial output${this.sinceWhat()}: ${this.recent()}`),
        );
      case 'expect-pin': {
        const pin = e.pin(step);
        if (pin.level === step.level) return 'done';
        this.fail(step, `pin ${pin.label} is ${pin.level} (${pin.voltage.toFixed(2)} V), expected ${step.level}`);
        return 'wait';
      }
      case 'wait-pin': {
        const pin = e.pin(step);
        if (pin.level === step.level) return 'done';
        this.cancelWait.push(pin.onChange(() => this.poll()));
        return this.waitFor(step, () => pin.level === step.level, step.timeoutSeconds, () =>
          this.fail(step, `pin ${pin.label} stayed ${pin.level} for ${fmt(step.timeoutSeconds!)} s, expected ${step.level}`),
        );
      }
      case 'expect-neopixel': {
        const colors = e.pixels(step);
        const got = colors[step.index];
        if (close(got, step.color, step.tolerance)) return 'done';
        const tol = step.tolerance ? ` ±${step.tolerance}` : '';
        this.fail(step, `pixel ${step.index} is ${hex(got)}, expected ${hex(step.color)}${tol} (all: ${colors.map(hex).join(' ')})`);
        return 'wait';
      }
      case 'expect-pwm':
        return this.measurePwm(step);
      case 'expect-tone': {
        const speaker = e.speaker(step);
        speaker.clear();
        this.cancelWait.push(
          e.after(step.windowSeconds, () => {
            const f = speaker.frequency();
            const off = Math.abs(f - step.frequency) > step.tolerance * step.frequency;
            if (!off) return this.resume(step);
            const heard = f ? `a ${f.toPrecision(6)} Hz tone` : `no tone${speaker.enabled ? '' : ' (its amplifier is not enabled)'}`;
            this.fail(step, `${speaker.label} played ${heard} over ${fmt(step.windowSeconds)} s, expected ${step.frequency} Hz ±${(step.tolerance * 100).toFixed(2)}%`);
          }),
        );
        return 'wait';
      }
      case 'write-file':
        if (e.writeFileNow) return this.atOnce(step, () => (e.writeFileNow!(step.path, step.data), null));
        this.settle(step, e.writeFile(step.path, step.data).then(() => null));
        return 'wait';
      case 'expect-file':
        if (e.readFileNow) return this.atOnce(step, () => fileMismatch(step, e.readFileNow!(step.path)));
        this.settle(step, e.readFile(step.path).then((data) => fileMismatch(step, data)));
        return 'wait';
      case 'take-screenshot':
        if (e.writeFileNow) return this.atOnce(step, () => this.screenshotNow(step));
        this.settle(step, this.screenshot(step));
        return 'wait';
    }
  }

  /** Saves the board's picture and/or compares it, pixel for pixel, with a reference PNG. */
  private async screenshot(step: Extract<Step, { kind: 'take-screenshot' }>): Promise<string | null> {
    const files = this.options.screenshots;
    if (!this.engine.screenshot) return `the ${this.engine.boardName} engine cannot draw its board`;
    if (!files) return 'screenshots need a place to be saved (RunScenarioOptions.screenshots)';
    const image = this.engine.screenshot();
    if (step.saveTo) await files.save(step.saveTo, image);
    return step.compareWith ? imageMismatch(image, await files.load(step.compareWith), step.compareWith) : null;
  }

  /** The same, at once (an engine that cannot wait for promises; its files must offer saveNow/loadNow). */
  private screenshotNow(step: Extract<Step, { kind: 'take-screenshot' }>): string | null {
    const files = this.options.screenshots;
    if (!this.engine.screenshot) return `the ${this.engine.boardName} engine cannot draw its board`;
    if (!files?.saveNow || !files.loadNow) return 'screenshots need a place to be saved at once (RunScenarioOptions.screenshots with saveNow/loadNow)';
    const image = this.engine.screenshot();
    if (step.saveTo) files.saveNow(step.saveTo, image);
    return step.compareWith ? imageMismatch(image, files.loadNow(step.compareWith), step.compareWith) : null;
  }

  /**
   * Records the pin's edges for a window (`window`, or 20 periods of the expected frequency, or
   * 100 ms) and compares the mean period and duty cycle of the whole periods seen.
   */
  private measurePwm(step: Extract<Step, { kind: 'expect-pwm' }>): 'wait' {
    const pin = this.engine.pin(step);
    const window = step.windowSeconds ?? (step.frequency ? Math.max(20 / step.frequency, 1e-4) : 0.1);
    const edges: { t: number; level: 0 | 1 }[] = [];
    this.cancelWait.push(pin.onChange((level) => edges.push({ t: this.engine.now(), level })));
    this.cancelWait.push(
      this.engine.after(window, () => {
        const problem = pwmMismatch(step, pin.label, pin.level, edges, window);
        if (problem) this.fail(step, problem);
        else this.resume(step);
      }),
    );
    return 'wait';
  }

  /** Waits until `ready()` (checked now and on each serial chunk / pin edge), or fails at `timeout`. */
  private waitFor(step: Step, ready: () => boolean, timeoutSeconds: number | undefined, onTimeout: () => void): 'done' | 'wait' {
    if (ready()) return 'done';
    this.waiting = ready;
    if (timeoutSeconds !== undefined) this.cancelWait.push(this.engine.after(timeoutSeconds, onTimeout));
    void step;
    return 'wait';
  }

  private resume(step: Step): void {
    if (this.scenario.steps[this.index] !== step || this.failure) return;
    this.pass(step);
    this.next();
  }

  private poll(): void {
    const step = this.scenario.steps[this.index];
    if (this.waiting && step && this.waiting()) this.resume(step);
  }

  /** A step whose work is a promise: passes when it resolves to null, fails with its message or error. */
  private settle(step: Step, work: Promise<string | null>): void {
    work.then(
      (problem) => (problem ? this.fail(step, problem) : this.resume(step)),
      (error: unknown) => this.fail(step, error instanceof Error ? error.message : String(error)),
    );
  }

  /** A step an engine does at once (a synchronous file step): 'done', or 'wait' after failing it. */
  private atOnce(step: Step, work: () => string | null): 'done' | 'wait' {
    let problem: string | null;
    try {
      problem = work();
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem === null) return 'done';
    this.fail(step, problem);
    return 'wait';
  }

  private clearWait(): void {
    this.waiting = null;
    for (const c of this.cancelWait.splice(0)) c();
  }

  // ---- serial ---------------------------------------------------------------------------------

  /** New console output (already in the log). */
  private serial(bytes: Uint8Array): void {
    if (this.done || this.failure) return;
    this.options.onSerial?.(bytes);
    const fail = this.options.failText;
    if (fail) {
      const text = this.log.text;
      const at = text.indexOf(fail, Math.max(0, this.failChecked - fail.length + 1));
      this.failChecked = text.length;
      if (at >= 0) {
        const line = text.slice(text.lastIndexOf('\n', at) + 1).split('\n')[0].trimEnd();
        this.fail(this.scenario.steps[this.index], `the serial output shows the fail text ${JSON.stringify(fail)}: ${JSON.stringify(line)}`);
        return;
      }
    }
    this.poll();
  }

  private match(text: string): boolean {
    return this.log.match(text);
  }

  private sinceWhat(): string {
    return this.log.sinceWhat();
  }

  private recent(): string {
    return this.log.recent();
  }

  private waitingFor(step: Step): string {
    if (step.kind === 'wait-serial') return `, waiting for ${JSON.stringify(step.text)}; serial output${this.sinceWhat()}: ${this.recent()}`;
    if (step.kind === 'wait-pin') {
      const pin = this.engine.pin(step);
      return `, waiting for pin ${pin.label} to be ${step.level} (it is ${pin.level})`;
    }
    return '';
  }
}

function describe(step: Step): string {
  if (step.line === 0) return step.label; // a step made by the Node API (BoardSession), not read from a file
  const named = step.label.startsWith('step ') ? step.label : `step ${step.index} (${step.kind}, "${step.label}")`;
  return `${named}, line ${step.line}`;
}

function fileMismatch(step: Extract<Step, { kind: 'expect-file' }>, data: Uint8Array | null): string | null {
  if (data === null) return step.exists === false ? null : `${step.path} does not exist on CIRCUITPY`;
  if (step.exists === false) return `${step.path} exists on CIRCUITPY (${data.length} bytes), expected no such file`;
  const text = new TextDecoder().decode(data);
  const shown = JSON.stringify(text.length > 200 ? text.slice(0, 200) + '…' : text);
  if (step.text !== undefined && text !== step.text) return `${step.path} holds ${shown}, expected ${JSON.stringify(step.text)}`;
  if (step.contains !== undefined && !text.includes(step.contains)) return `${step.path} does not contain ${JSON.stringify(step.contains)}; it holds ${shown}`;
  return null;
}

/** Why the measured PWM differs from the step's expectation, or null. */
function pwmMismatch(step: Extract<Step, { kind: 'expect-pwm' }>, label: string, level: 0 | 1, edges: { t: number; level: 0 | 1 }[], window: number): string | null {
  const rises = edges.filter((e) => e.level === 1).map((e) => e.t);
  if (rises.length < 2) return `no PWM on pin ${label}: ${edges.length} edge(s) in ${fmt(window)} s, now ${level}`;
  const periods = rises.length - 1;
  const period = (rises[periods] - rises[0]) / periods;
  let high = 0;
  for (let i = 0; i < periods; i++) {
    const fall = edges.find((e) => e.level === 0 && e.t > rises[i] && e.t <= rises[i + 1]);
    high += (fall ? fall.t : rises[i + 1]) - rises[i];
  }
  const frequency = 1 / period;
  const duty = high / (rises[periods] - rises[0]);
  const seen = `${frequency.toPrecision(6)} Hz, duty ${(duty * 100).toFixed(2)}% (${periods} periods)`;
  if (step.frequency !== undefined && Math.abs(frequency - step.frequency) > step.tolerance * step.frequency) {
    return `pin ${label} runs at ${seen}, expected ${step.frequency} Hz ±${(step.tolerance * 100).toFixed(2)}%`;
  }
  if (step.duty !== undefined && Math.abs(duty - step.duty) > step.dutyTolerance) {
    return `pin ${label} runs at ${seen}, expected duty ${(step.duty * 100).toFixed(2)}% ±${(step.dutyTolerance * 100).toFixed(2)}%`;
  }
  return null;
}

/** How `got` differs from the reference image in `file`, or null when every pixel is the same. */
function imageMismatch(got: RgbaImage, want: RgbaImage, file: string): string | null {
  if (got.width !== want.width || got.height !== want.height) return `the board is ${got.width}x${got.height} pixels, ${file} ${want.width}x${want.height}`;
  let differ = 0;
  let first = -1;
  for (let i = 0; i < got.data.length; i += 4) {
    if (got.data[i] !== want.data[i] || got.data[i + 1] !== want.data[i + 1] || got.data[i + 2] !== want.data[i + 2] || got.data[i + 3] !== want.data[i + 3]) {
      if (first < 0) first = i;
      differ++;
    }
  }
  if (!differ) return null;
  const at = (d: Uint8Array) => hex((d[first] << 16) | (d[first + 1] << 8) | d[first + 2]);
  const p = first / 4;
  return `${differ} pixels differ from ${file}, the first at (${p % got.width}, ${Math.floor(p / got.width)}): ${at(got.data)}, expected ${at(want.data)}`;
}

function close(a: number | undefined, b: number, tolerance: number): boolean {
  if (a === undefined) return false;
  for (const shift of [16, 8, 0]) if (Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) > tolerance) return false;
  return true;
}

function hex(c: number | undefined): string {
  return c === undefined ? 'missing' : '#' + c.toString(16).padStart(6, '0');
}

function fmt(seconds: number): string {
  return String(Number(seconds.toFixed(6)));
}

