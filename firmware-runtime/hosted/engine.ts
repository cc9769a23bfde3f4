/**
 * The hosted engine inside its worker: the emulated board (chip with no core, its parts), the CIRCUITPY
 * volume over the shared flash bytes, the `_hal` module Python calls, and CircuitPython's supervisor
 * (main.c): boot.py and boot_out.txt, code.py with its transcript, the wait for a key, the REPL, Ctrl-C and
 * Ctrl-D, soft reboots and auto-reload.
 *
 * Port-neutral: it talks to the main thread only through `EnginePort` and the shared control block, so the
 * same code runs in a Node worker_thread and in a browser Web Worker.
 */
import { createHostedBoard } from './board-build.js';
import type { Samd21Board } from '../../boards/samd21-board.js';
import { ensureCircuitpy, formatCircuitpy } from '../fs/circuitpy.js';
import { circuitpyDevice, formatOptions } from './drive.js';
import { FatError, type FatVolume } from '../fs/fat.js';
import { applyWorkflowOp, changesDrive, type WorkflowOp } from '../fs/workflow.js';
import { errnoOf, hexBytes, localtime, mktime, statSeconds, utimeStamp } from './os-support.js';
import { HostedClock } from './clock.js';
import { CTRL, CTRL_PARK as CTRL_SLOTS_PARK, DRIVE_COMMAND, EXTERNAL_COMMAND, RunState, controlViews, inputAvailable, takeCommands, takeInput, type ControlViews, type BoardSnapshot, type EngineConfig, type WorkerMessage } from './protocol.js';
import { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import { Led } from '../../peripherals/devices/led.js';
import { Speaker } from '../../peripherals/devices/speaker.js';
import { boardPads, externalTerminals, padLevelReader } from '../../boards/pad-levels.js';
import { watchPartUse, type PartUse } from '../../boards/part-use.js';
import { CIRCUITPYTHON_VERSION, bannerText, hostedBoard, moduleNames, type HostedBoardInfo } from './boards.js';
import { CORE_MODULES, VM_MODULES, createVm, warmVm, type HostedVm, type WarmVm } from './vm.js';
import { HalError, Samd21Hal } from './samd21/hal.js';
import { Samd21Modules } from './samd21/modules.js';
import { frozenFor } from './py/frozen.js';
import { Repl, type ReplAction } from './repl.js';

export interface EnginePort {
  post(message: WorkerMessage): void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * Module names a board may lack beyond the VM's and ours (MicroPython port modules and CircuitPython modules of
 * other ports): importing one fails as a missing module does on the board (circuitpython-console.md §7).
 */
const OTHER_MODULES = ['uasyncio', 'keypad', 'synthio', 'ulab', 'socket', 'ssl', 'cryptolib', 'machine', 'websocket', 'webrepl', 'network', 'bluetooth', 'usb_hid', 'usb_midi', 'nvm', 'codeop', 'warnings', 'onewireio', 'displayio', 'terminalio', 'fontio'];

/**
 * The modules `import` must refuse on a board: every name the board's firmware lacks, and those it has that
 * this engine does not provide (the rule: the firmware's missing-module error, never a silent fake).
 */
export function missingModules(info: HostedBoardInfo, provided: readonly string[]): string[] {
  const onBoard = new Set(moduleNames(info));
  const have = new Set(provided);
  return [...new Set([...VM_MODULES, ...CORE_MODULES, ...OTHER_MODULES, ...onBoard])].filter((m) => !(onBoard.has(m) && have.has(m)));
}

/** Top-level names of the libraries this engine freezes for the board (py/frozen.ts). */
function frozenNames(board: string): string[] {
  return [...new Set(Object.keys(frozenFor(board)).filter((p) => !p.startsWith('_c_')).map((p) => p.split('/')[0]!.replace(/\.py$/, '')))];
}

/**
 * The `_hal` functions whose answers depend only on the board (what the runtime asks while it is imported):
 * they let a VM be made before its engine (vm.ts warmVm).
 */
export function staticHal(board: string): Record<string, () => unknown> {
  const info = hostedBoard(board);
  const frozen = frozenNames(board);
  return {
    core_modules: () => CORE_MODULES,
    frozen_modules: () => frozen,
    missing_modules: () => missingModules(info, [...VM_MODULES, ...CORE_MODULES, ...frozen]),
    board_modules: () => info.modules,
    identity: () => ({
      version: CIRCUITPYTHON_VERSION,
      version_tuple: CIRCUITPYTHON_VERSION.split('.').map(Number),
      date: bannerText(info).split(' on ')[1]!.split(';')[0]!,
      machine: info.machine,
      platform: info.platform,
      board_id: info.boardId,
      sysname: 'samd21',
      release: CIRCUITPYTHON_VERSION,
      full_build: info.fullBuild,
    }),
  };
}

const AUTO_RELOAD_ON = 'Auto-reload is on. Simply save files over USB to run them or enter REPL to disable.';
const AUTO_RELOAD_OFF = 'Auto-reload is off.';
const PRESS_ANY_KEY = 'Press any key to enter the REPL. Use CTRL-D to reload.';
const LINE_CLEAR = '\x1b[2K\x1b[0G';
const CODE_FILES = ['code.txt', 'code.py', 'main.py', 'main.txt'];
/** Auto-reload waits this long after the last write (supervisor/shared/reload.c, CIRCUITPY_AUTORELOAD_DELAY_MS). */
const AUTO_RELOAD_DELAY = 0.75;
// The command-ring targets that are not part names are in protocol.ts (the main thread needs them without the engine).
export { DRIVE_COMMAND, EXTERNAL_COMMAND };

/** How long the boot waits for a reset that asks for safe mode (safe_mode.c: `while (diff < 1000)`). */
export const SAFE_MODE_WINDOW_SECONDS = 1;
/** rgb_led_colors.h SAFE_MODE (YELLOW), and status_leds.c's NeoPixel brightness (rgb_status_brightness). */
const SAFE_MODE_COLOR = 0x303000;
const NEOPIXEL_STATUS_BRIGHTNESS = 63;
/** color_brightness: each channel scaled by brightness / 255, truncated. */
const statusChannel = (rgb: number, shift: number): number => Math.floor((((rgb >> shift) & 0xff) * NEOPIXEL_STATUS_BRIGHTNESS) / 255);
/** Speaker samples kept between flushes (older ones are dropped if nobody takes them). */
const SOUND_BUFFER = 1 << 15;


export class HostedEngine {
  private readonly views: ControlViews;
  readonly board: Samd21Board;
  private readonly pins: [string, string][];
  /** The chip's common-hal (fresh chip state per worker; pins are released when a VM ends). */
  private hw: Samd21Hal;
  /** The common-hal modules in their own files (SPI, UART, ...) and their interrupt handlers. */
  private mods: Samd21Modules;
  private readonly info: HostedBoardInfo;
  private readonly clock: HostedClock;
  /** The page's view of the chip: pad levels, the parts the code used, external parts' terminals. */
  private readonly pads: string[];
  private readonly readPads: (out: number[]) => void;
  private readonly partUse: PartUse;
  private readonly external: (pad: string, level: 0 | 1 | null) => void;
  /** Speaker input since the last flush: simulated seconds and volts. */
  private soundSeconds: number[] = [];
  private soundVolts: number[] = [];
  private readonly flash: Uint8Array;
  private volume!: FatVolume;
  private readonly out: number[] = [];
  private lastOut = 0;
  private vm: HostedVm | null = null;
  private capture: number[] | null = null;
  /** Raw REPL: the error text of the running input, sent after the output (null: errors go to the console). */
  private errorText: string | null = null;
  private autoReload: boolean;
  /**
   * CIRCUITPY read-only to Python: true while USB exposes the drive to the host (always, here), unless
   * boot.py remounted it writable (storage.remount('/', readonly=False)), as on the firmware.
   */
  private readOnly = true;
  private nextCodeFile: string | null = null;
  private runReason = 0;
  /** microcontroller.reset() (or storage.erase_filesystem()) was called: the board restarts from boot. */
  private pendingReset = false;
  /** microcontroller.on_next_reset(): the run mode the next reset starts in. */
  private nextResetMode = 'microcontroller.RunMode.NORMAL';
  /** The reason text while in safe mode (circuitpython-console.md §6), or null. */
  private safeMode: string | null = null;
  private reloadRequested = false;
  /** Simulated time at which a pending auto-reload happens (750 ms after the host's last write). */
  private reloadAt: number | null = null;
  private inRepl = false;
  /** Seconds the RTC calendar is ahead of 2000-01-01 + simulated time (rtc.RTC().datetime was set). */
  private rtcOffset = 0;
  /** boot.py is running (before USB starts). */
  private inBoot = false;
  private seed = 0x2545f491;

  constructor(
    private readonly config: EngineConfig,
    private readonly port: EnginePort,
    /** A VM made ahead for this board (the first run uses it instead of making one). */
    private warm: Promise<WarmVm> | null = null,
  ) {
    this.views = controlViews(config.control);
    this.info = hostedBoard(config.board);
    this.board = createHostedBoard(config.board);
    this.pins = Object.entries(this.board.spec.pins);
    this.clock = new HostedClock(this.board.machine, this.views.ctrl, config.realTime, config.startSeconds ?? 0, undefined, this.views);
    this.hw = new Samd21Hal(this.board.mcu, this.clock);
    this.hw.init();
    this.mods = new Samd21Modules(this.hw, {
      wait: (seconds) => {
        const ok = this.clock.sleep(seconds, () => this.interruptPending());
        if (!ok) this.tick();
        return ok;
      },
    });
    this.pads = boardPads(this.board.spec);
    this.readPads = padLevelReader(this.board, this.pads);
    this.partUse = watchPartUse(this.board);
    this.external = externalTerminals(this.board, this.pads);
    for (const part of Object.values(this.board.parts)) {
      if (part instanceof Speaker) part.onSample((_cycle, volts) => this.soundSample(volts));
    }
    for (const part of Object.values(this.board.parts)) if (part instanceof Ws2812bChain) part.onChange(() => this.postState());
    this.flash = new Uint8Array(config.flash);
    this.autoReload = config.autoReload ?? true;
    if (config.epoch !== undefined) this.rtcOffset = config.epoch - 946684800;
  }

  // ---- console ----------------------------------------------------------------------------------

  /** Python output: an LF not preceded by CR becomes CR LF (CircuitPython's cooked console). */
  private writeCooked(bytes: Uint8Array): void {
    let line = false;
    for (const b of bytes) {
      if (b === 10) {
        if (this.lastOut !== 13) this.out.push(13);
        line = true;
      }
      this.out.push(b);
      this.lastOut = b;
    }
    // Whole lines go out at once: a loop that never calls into our modules may be hard-stopped next.
    if (line || this.out.length >= 4096) {
      // A printing loop calls no module but does call here: it takes a Ctrl-C as CircuitPython's VM does
      // (at its next check), not only by a hard stop.
      if (Atomics.load(this.views.ctrl, CTRL.state) === RunState.python) this.takeInterrupt();
      this.flush();
    }
  }

  /** Supervisor text, written as is (it carries its own CR LF). */
  private write(text: string): void {
    const bytes = enc.encode(text);
    for (const b of bytes) this.out.push(b);
    if (bytes.length) this.lastOut = bytes[bytes.length - 1]!;
  }

  /** Keeps the speaker's latest input for the next flush. */
  private soundSample(volts: number): void {
    if (this.soundSeconds.length >= SOUND_BUFFER) return;
    this.soundSeconds.push(this.clock.seconds);
    this.soundVolts.push(volts);
  }

  /** Posts the speaker's samples kept so far (at every flush, and every 10 ms of simulated time in a busy loop). */
  private flushSound(): void {
    if (this.soundSeconds.length === 0) return;
    this.port.post({ type: 'sound', seconds: Float64Array.from(this.soundSeconds), volts: Float32Array.from(this.soundVolts), upTo: this.clock.seconds });
    this.soundSeconds.length = 0;
    this.soundVolts.length = 0;
    this.soundPostedAt = this.clock.seconds;
  }

  private soundPostedAt = 0;

  flush(): void {
    this.flushSound();
    if (this.out.length === 0) return;
    if (this.capture) {
      this.capture.push(...this.out);
      this.out.length = 0;
      return;
    }
    // Taken before posting: a listener may flush again from inside the post (a BoardSession settling a step).
    const bytes = Uint8Array.from(this.out);
    this.out.length = 0;
    this.port.post({ type: 'console', bytes });
    if (this.config.consoleWindow !== undefined) this.awaitConsoleRoom(this.config.consoleWindow);
  }

  /**
   * Waits while the host has more than `window` console messages still to take (EngineConfig.consoleWindow).
   * A Ctrl-C or a stop ends the wait, so that Python can take it.
   */
  private awaitConsoleRoom(window: number): void {
    const ctrl = this.views.ctrl;
    const posted = Atomics.add(ctrl, CTRL.consolePosted, 1) + 1;
    for (;;) {
      const taken = Atomics.load(ctrl, CTRL.consoleTaken);
      if (posted - taken <= window || Atomics.load(ctrl, CTRL.interrupt) !== 0 || Atomics.load(ctrl, CTRL.stop) !== 0) return;
      // Timed: the wait is re-checked even if a notify is missed.
      Atomics.wait(ctrl, CTRL.consoleTaken, taken, 50);
    }
  }

  private status(text: string): void {
    this.write(`\x1b]0;🐍${text} | ${CIRCUITPYTHON_VERSION}\x1b\\`);
  }

  // ---- Ctrl-C and input -------------------------------------------------------------------------

  private interruptPending(): boolean {
    return Atomics.load(this.views.ctrl, CTRL.interrupt) !== 0 || this.reloadDue();
  }

  /** An auto-reload is due: it stops running Python like a Ctrl-C, without the traceback. */
  private reloadDue(): boolean {
    if (this.reloadAt === null || this.clock.seconds < this.reloadAt) return false;
    this.reloadAt = null;
    this.reloadRequested = true;
    this.runReason = 1;
    return true;
  }

  /** Every call from Python lands here first: take a pending Ctrl-C, charge the call's simulated cost. */
  private tick(): void {
    this.applyCommands();
    this.takeInterrupt();
    this.clock.charge();
    this.published();
    this.postState();
    if (this.clock.seconds - this.soundPostedAt >= 0.01) this.flushSound();
  }

  /** A pending Ctrl-C (or a due auto-reload) is raised in running Python (the VM raises it at its next check). */
  private takeInterrupt(): void {
    if (this.interruptPending() || (this.reloadRequested && this.vm)) {
      Atomics.store(this.views.ctrl, CTRL.interrupt, 0);
      this.vm?.interrupt();
    }
  }

  /** Part inputs from the main thread: a method call on a named part (setAcceleration, press, ...). */
  private applyCommands(): void {
    if (Atomics.load(this.views.ctrl, CTRL.commandsWritten) === Atomics.load(this.views.ctrl, CTRL.commandsRead)) return;
    for (const c of takeCommands(this.views)) {
      if (c.part === DRIVE_COMMAND) {
        if (c.method === 'workflow') this.port.post({ type: 'result', id: c.id!, value: this.workflowOp(String(c.args[0])) });
        else this.hostWrite(String(c.args[0]), String(c.args[1]));
        continue;
      }
      if (c.part === EXTERNAL_COMMAND) {
        try {
          this.external(String(c.args[0]), c.args[1] === 0 || c.args[1] === 1 ? c.args[1] : null);
        } catch (e) {
          this.port.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
        }
        continue;
      }
      const part = (this.board.parts as Record<string, unknown>)[c.part] as Record<string, unknown> | undefined;
      const fn = part?.[c.method];
      if (typeof fn !== 'function') {
        const message = `board ${this.info.name} has no part '${c.part}' with a method '${c.method}'`;
        this.port.post(c.id === undefined ? { type: 'error', message } : { type: 'result', id: c.id, error: message });
        continue;
      }
      const args = c.args.map((a) => (a === '@now' ? this.board.machine.scheduler.cycles : a));
      const value = (fn as (...a: unknown[]) => unknown).apply(part, args);
      if (c.id !== undefined) this.port.post({ type: 'result', id: c.id, value });
    }
  }

  /**
   * A file written by the host (the web editor saving code.py, a CI step): like a USB write, it starts
   * the auto-reload countdown unless auto-reload is off or the REPL is in use.
   */
  private hostWrite(path: string, base64: string): void {
    const data = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
    try {
      this.writeHostFile(path, data);
    } catch (e) {
      this.port.post({ type: 'error', message: `cannot write ${path} on CIRCUITPY: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** A host write to CIRCUITPY, at once (a scenario's write-file step in this thread); throws on failure. */
  writeHostFile(path: string, data: Uint8Array): void {
    // The host may have changed sectors under the mounted volume (the web page writes the drive's
    // sectors first): read the file system afresh, so a cached FAT is not stale.
    this.mountDrive();
    this.volume.writeFile('/' + path.replace(/^\/+/, ''), data, { parents: true });
    if (this.autoReload && !this.inRepl) this.reloadAt = this.clock.seconds + AUTO_RELOAD_DELAY;
  }

  /**
   * A web-workflow file operation (firmware-runtime/fs/workflow.ts; `json` is the op with its data in
   * base64), dated by the board's RTC calendar. A change starts the auto-reload countdown, as
   * CircuitPython's web workflow triggers auto-reload after a successful write, move or delete.
   */
  private workflowOp(json: string): unknown {
    const { data, ...rest } = JSON.parse(json) as WorkflowOp & { data?: string };
    const op = { ...rest, nowMs: (946684800 + this.rtcOffset + this.clock.seconds) * 1000 } as WorkflowOp;
    if (op.op === 'write') op.data = Uint8Array.from(atob(data ?? ''), (ch) => ch.charCodeAt(0));
    const changes = changesDrive(op);
    // boot.py gave CIRCUITPY to Python (storage.remount): the host may not write it, as over USB.
    if (changes && !this.readOnly) return { result: 'write-protected', message: 'CIRCUITPY is writable by Python (storage.remount), so not by the host' };
    let result;
    try {
      this.mountDrive();
      result = applyWorkflowOp(this.volume, op);
    } catch (e) {
      return { result: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    if (changes && result.result === 'ok' && this.autoReload && !this.inRepl) this.reloadAt = this.clock.seconds + AUTO_RELOAD_DELAY;
    return result;
  }

  /** A file on CIRCUITPY as the host reads it now; null when there is none. */
  readHostFile(path: string): Uint8Array | null {
    const volume = ensureCircuitpy(this.device(), formatOptions(this.config.board)).volume;
    try {
      if (volume.stat('/' + path.replace(/^\/+/, '')).isDirectory) return null;
      return volume.readFile('/' + path.replace(/^\/+/, ''));
    } catch (e) {
      if (e instanceof FatError) return null;
      throw e;
    }
  }

  private lastState = '';

  /** Posts the parts' state when it changed (pixel colours latched, an LED switched). */
  private postState(): void {
    const snap: BoardSnapshot = { seconds: 0, pixels: {}, leds: {}, pads: [], used: this.partUse.used() };
    this.readPads(snap.pads);
    for (const [id, part] of Object.entries(this.board.parts)) {
      if (part instanceof Ws2812bChain) snap.pixels[id] = part.rgb();
      else if (part instanceof Led) snap.leds[id] = part.lit;
    }
    const key = JSON.stringify(snap);
    if (key === this.lastState) return;
    this.lastState = key;
    snap.seconds = this.clock.seconds;
    this.port.post({ type: 'state', state: snap });
  }

  /** Publishes simulated time to the main thread and ends the run when its time limit has passed. */
  private published(): void {
    const t = this.clock.seconds;
    this.views.seconds[0] = t;
    const limit = this.config.timeoutSeconds;
    if (limit !== undefined && t >= limit) this.end('timeout');
  }

  /** Reports the end of the run and parks the worker; the main thread terminates it. */
  private end(reason: 'timeout' | 'stopped'): never {
    this.flush();
    this.port.post({ type: 'ended', reason, seconds: this.clock.seconds });
    for (;;) Atomics.wait(this.views.ctrl, CTRL_SLOTS_PARK, 0);
  }

  /** Blocks until a console byte arrives (real time keeps following the wall clock meanwhile). */
  /** A console byte; -1 when a reload is due, -2 when running Python got a Ctrl-C meanwhile. */
  private readByte(): number {
    let waiting = false;
    for (;;) {
      const b = takeInput(this.views);
      if (b >= 0) return b;
      this.flush();
      if (this.reloadRequested || this.reloadDue()) return -1;
      if (Atomics.load(this.views.ctrl, CTRL.state) === RunState.python && this.interruptPending()) return -2;
      const seen = Atomics.load(this.views.ctrl, CTRL.wake);
      if (inputAvailable(this.views) > 0) continue;
      if (!waiting) {
        waiting = true;
        this.port.post({ type: 'waiting', seconds: this.clock.seconds });
      }
      const idle = this.config.idleSeconds;
      if (idle && !this.config.realTime) {
        // A scenario's run: the board idles on in simulated time (its timers may type the next key).
        this.clock.advance(idle);
        this.applyCommands();
        this.published();
        continue;
      }
      Atomics.wait(this.views.ctrl, CTRL.wake, seen, this.config.realTime || this.reloadAt !== null ? 20 : 1000);
      this.applyCommands();
      // Waiting in virtual time: nothing else will move the clock to a pending reload, so go there.
      if (!this.config.realTime && this.reloadAt !== null) this.clock.advance(Math.max(0, this.reloadAt - this.clock.seconds));
      this.clock.followWallClock();
      this.published();
    }
  }

  private setRunState(s: RunState): void {
    Atomics.store(this.views.ctrl, CTRL.state, s);
    // A Ctrl-C that arrived while no Python ran was a key, not an interrupt.
    if (s === RunState.python) Atomics.store(this.views.ctrl, CTRL.interrupt, 0);
  }

  // ---- the `_hal` module ------------------------------------------------------------------------

  /**
   * The `_hal` module with every function guarded: an exception in our TypeScript (a bug, a bad argument
   * that got through) comes back to Python as a RuntimeError instead of unwinding through the VM's wasm
   * frames, which it cannot survive. Python's `_hal` (py/runtime.ts) raises the error strings.
   */
  private guardedHal(): Record<string, unknown> {
    const raw = this.hal();
    const out: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(raw)) {
      out[name] = (...args: unknown[]) => {
        try {
          return (fn as (...a: unknown[]) => unknown)(...args);
        } catch (e) {
          if (e instanceof HalError) return `\0${e.pyType}\0${e.message}\0${e.errno}`;
          return `\0RuntimeError\0hosted engine: _hal.${name}: ${e instanceof Error ? e.message : String(e)}\0${0}`;
        }
      };
    }
    return out;
  }

  private hal(): Record<string, unknown> {
    const fsCall = <T>(fn: () => T): T | number => {
      this.tick();
      try {
        return fn();
      } catch (e) {
        return -errnoOf(e);
      }
    };
    const abs = (p: string): string => p || '/';
    // Hardware calls: tick first; a HalError comes back as '\\0type\\0message\\0errno' (py _hw.check raises it).
    const guard =
      <A extends unknown[], R>(fn: (...a: A) => R) =>
      (...a: A): R | string => {
        this.tick();
        try {
          return fn(...a);
        } catch (e) {
          if (e instanceof HalError) return `\0${e.pyType}\0${e.message}\0${e.errno}`;
          throw e;
        }
      };
    const info = this.info;
    return {
      tick: () => this.tick(),
      flush: () => this.flush(),
      write_text: (s: string) => this.writeCooked(enc.encode(s)),
      // Error text: raw REPL sends it after the output's \x04, so it is held apart there.
      write_error: (s: string) => {
        if (this.errorText !== null) this.errorText += s;
        else this.writeCooked(enc.encode(s));
      },
      ...staticHal(this.config.board),
      board_pins: () => this.pins,
      heap_total: () => this.config.heapBytes ?? info.heapFree + info.heapAllocAtStart,
      chip_pins: () => {
        const first = new Map<string, string>(Object.entries(info.pinRepr));
        for (const [b, c] of this.pins) if (!first.has(c)) first.set(c, b);
        return [...first.entries()];
      },
      // hardware (the chip's common-hal)
      dio_construct: guard((pad: string, name: string) => {
        this.hw.claim(pad, name);
        this.hw.dioConstruct(pad);
      }),
      pin_release: guard((pad: string) => this.hw.release(pad)),
      dio_output: guard((pad: string, value: boolean, openDrain: boolean) => this.hw.dioOutput(pad, value, openDrain)),
      dio_input: guard((pad: string, pull: 'none' | 'up' | 'down') => this.hw.dioInput(pad, pull)),
      dio_set: guard((pad: string, value: boolean) => this.hw.dioSet(pad, value)),
      dio_open_drain: guard((pad: string, value: boolean) => this.hw.dioSetOpenDrain(pad, value)),
      dio_get: guard((pad: string) => this.hw.dioGet(pad)),
      analogin_construct: guard((pad: string, name: string) => this.hw.analogInConstruct(pad, name)),
      analogin_read: guard((pad: string) => this.hw.analogInRead(pad)),
      pwm_construct: guard((pad: string, name: string, duty: number, freq: number, variable: boolean) => this.hw.pwmConstruct(pad, name, duty, freq, variable)),
      pwm_duty: guard((id: number, duty: number) => this.hw.pwmDuty(id, duty)),
      pwm_get_duty: guard((id: number) => this.hw.pwmGetDuty(id)),
      pwm_frequency: guard((id: number) => this.hw.pwmFrequency(id)),
      pwm_deinit: guard((id: number) => this.hw.pwmDeinit(id)),
      pwm_set_frequency: guard((id: number, freq: number, duty: number) => this.hw.pwmSetFrequency(id, freq, duty)),
      touch_construct: guard((pad: string, name: string) => this.hw.touchConstruct(pad, name)),
      touch_read: guard((pad: string) => this.hw.touchRead(pad)),
      neopixel_write: guard((pad: string, bytes: unknown) => this.hw.neopixelWrite(pad, this.numbers(bytes))),
      i2c_construct: guard((scl: string, sda: string, freq: number, sclName: string, sdaName: string) => this.hw.i2cConstruct(scl, sda, freq, sclName, sdaName)),
      i2c_deinit: guard((id: number) => this.hw.i2cDeinit(id)),
      i2c_write: guard((id: number, addr: number, bytes: unknown, stop: boolean) => this.hw.i2cWrite(id, addr, this.numbers(bytes), stop)),
      i2c_read: guard((id: number, addr: number, n: number) => this.hw.i2cRead(id, addr, n)),
      ...this.mods.calls(guard, (v) => this.numbers(v)),
      // time
      monotonic: () => {
        this.tick();
        return this.clock.seconds;
      },
      monotonic_ns: () => {
        this.tick();
        return String(Math.round(this.clock.seconds * 1e9));
      },
      ticks_ms: () => {
        this.tick();
        return String(Math.floor(this.clock.seconds * 1000) % 2 ** 29);
      },
      rtc_seconds: () => {
        this.tick();
        return String(Math.floor(946684800 + this.rtcOffset + this.clock.seconds));
      },
      // rtc.RTC().datetime = ...: the calendar moves; simulated time does not.
      rtc_set: (secs: string) => {
        this.tick();
        this.rtcOffset = Number(secs) - 946684800 - this.clock.seconds;
      },
      console_write: (s: string) => {
        this.tick();
        this.write(s);
      },
      localtime: (secs: number) => localtime(secs),
      mktime: (t: unknown) => String(mktime(this.numbers(t))),
      sleep: (seconds: number) => {
        this.tick();
        this.flush();
        const limit = this.config.timeoutSeconds;
        const wanted = Number(seconds);
        const slept = limit === undefined ? wanted : Math.min(wanted, Math.max(0, limit - this.clock.seconds));
        // Between slices of a long sleep, inputs reach the parts and the page sees the pads (as on a board).
        const interrupted = () => {
          this.published();
          this.applyCommands();
          this.postState();
          this.flush();
          return this.interruptPending();
        };
        if (!this.clock.sleep(slept, interrupted)) this.tick();
        this.published();
      },
      // os, random
      urandom: (n: number) => {
        this.tick();
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push(this.nextRandom() & 0xff);
        return out;
      },
      random_seed: () => this.nextRandom() & 0x3fffffff,
      input_available: () => {
        this.tick();
        return inputAvailable(this.views);
      },
      input_line: () => this.inputLine(),
      input_read: (n: number) => this.inputRead(Number(n)),
      // CIRCUITPY
      fs_listdir: (p: string) => fsCall(() => this.volume.readdir(abs(p)).filter((e) => (e.attributes & 0x08) === 0).map((e) => [e.name, e.isDirectory ? 0x4000 : 0x8000, e.size])),
      fs_stat: (p: string) =>
        fsCall(() => {
          const s = this.volume.stat(abs(p));
          // As text: a number past 2**31 would reach Python truncated to 32 bits.
          return [s.isDirectory ? 0x4000 : 0x8000, s.size, String(statSeconds(s.mtime))];
        }),
      fs_statvfs: () => {
        const v = this.volume.info();
        return [v.clusterSize, v.totalClusters, v.freeClusters];
      },
      // os.utime: CircuitPython 9's vfs_fat_utime stamps the file with the tuple's FIRST element. No
      // read-only check: its f_utime is not behind the VFS's write guard, so code.py can stamp files on a
      // drive it cannot write.
      fs_utime: (p: string, secs: number) =>
        fsCall(() => {
          const { date, time } = utimeStamp(Number(secs));
          this.volume.setModified(abs(p), date, time);
        }),
      fs_read: (p: string) => fsCall(() => this.volume.readFile(abs(p))),
      fs_write: (p: string, hex: string) => fsCall(() => this.writeFile(abs(p), hexBytes(String(hex)))),
      fs_writable: () => (this.readOnly ? -30 : 0),
      fs_remove: (p: string) => fsCall(() => (this.checkWritable(), this.volume.unlink(abs(p)))),
      fs_rename: (a: string, b: string) => fsCall(() => (this.checkWritable(), this.volume.rename(abs(a), abs(b)))),
      fs_mkdir: (p: string) => fsCall(() => (this.checkWritable(), this.volume.mkdir(abs(p)))),
      fs_rmdir: (p: string) => fsCall(() => (this.checkWritable(), this.volume.rmdir(abs(p)))),
      // storage.remount: only boot.py may (USB starts after it); later the host sees the drive.
      remount: guard((readonly: boolean) => {
        if (!this.inBoot) throw new HalError('RuntimeError', "Cannot remount '/' when visible via USB.");
        this.readOnly = readonly;
      }),
      erase_filesystem: () => {
        this.volume = formatCircuitpy(this.device(), formatOptions(this.config.board));
        this.pendingReset = true;
        this.vm?.interrupt();
      },
      // supervisor, microcontroller
      run_reason: () => this.runReason,
      autoreload_get: () => this.autoReload,
      autoreload_set: (v: boolean) => {
        this.autoReload = v;
      },
      reload: () => {
        this.reloadRequested = true;
        this.runReason = 2;
        this.vm?.interrupt();
      },
      reload_requested: () => this.reloadRequested || this.pendingReset,
      set_next_code_file: (name: string | null) => {
        this.nextCodeFile = name;
      },
      reset: () => {
        this.pendingReset = true;
        this.vm?.interrupt();
      },
      on_next_reset: (mode: string) => {
        this.nextResetMode = String(mode);
      },
      cpu_uid: () => [0x2f, 0x5b, 0x91, 0x6d, 0x50, 0x53, 0x4b, 0x54, 0x38, 0x20, 0x20, 0x20, 0xff, 0x0e, 0x12, 0x29],
    };
  }

  /** A Python list that crossed into JS (a PyProxy) as plain numbers. */
  private numbers(value: unknown): number[] {
    if (Array.isArray(value)) return value as number[];
    const list = this.vm?.toJs(value);
    if (!Array.isArray(list)) throw new HalError('ValueError', 'expected a list of byte values');
    return list as number[];
  }

  private nextRandom(): number {
    // xorshift32: deterministic, so runs repeat exactly.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed;
  }

  private checkWritable(): void {
    if (this.readOnly) throw new FatError('READ_ONLY', 'CIRCUITPY is read-only to Python');
  }

  private writeFile(path: string, data: Uint8Array): void {
    this.checkWritable();
    this.volume.writeFile(path, data);
  }

  /** input(): a line from the console, echoed, as the board's readline does for code.py. */
  private inputLine(): string | null {
    if (!this.beginRead()) return this.readInterrupted();
    const line: number[] = [];
    for (;;) {
      this.flush();
      const b = this.readByte();
      if (b < 0) return this.readInterrupted();
      if (b === 13) {
        this.write('\r\n');
        return dec.decode(Uint8Array.from(line));
      }
      if ((b === 8 || b === 127) && line.length) {
        line.pop();
        this.write('\b\x1b[K');
      } else if (b >= 32) {
        line.push(b);
        this.out.push(b);
      }
    }
  }

  /** sys.stdin.read(n): n raw bytes from the console, no echo (blocks until they arrive). */
  private inputRead(n: number): string | null {
    if (!this.beginRead()) return this.readInterrupted();
    const got: number[] = [];
    while (got.length < n) {
      const b = this.readByte();
      if (b < 0) return this.readInterrupted();
      got.push(b);
    }
    return dec.decode(Uint8Array.from(got));
  }

  /**
   * The start of a blocking console read: like tick(), but a pending Ctrl-C is not scheduled in the VM (the
   * read returns and Python raises it at once). False when one is pending.
   */
  private beginRead(): boolean {
    this.applyCommands();
    if (this.interruptPending()) return false;
    this.clock.charge();
    this.published();
    return true;
  }

  /** A console read ended by Ctrl-C or a reload: the Python side raises KeyboardInterrupt at once. */
  private readInterrupted(): null {
    Atomics.store(this.views.ctrl, CTRL.interrupt, 0);
    return null;
  }


  // ---- supervisor -------------------------------------------------------------------------------

  private device(): ReturnType<typeof circuitpyDevice> {
    return circuitpyDevice(this.board.circuitpy?.kind ?? 'spi-flash', this.flash);
  }

  private mountDrive(): void {
    this.volume = ensureCircuitpy(this.device(), formatOptions(this.config.board)).volume;
  }

  private async freshVm(): Promise<HostedVm> {
    this.vm = null;
    this.hw.resetAll();
    const warm = this.warm;
    this.warm = null;
    if (warm) {
      const vm = await warm.catch(() => null);
      if (vm) return (this.vm = vm.bind((b) => this.writeCooked(b), this.guardedHal()));
    }
    this.vm = await createVm({
      wasmUrl: this.config.wasmUrl,
      stdout: (b) => this.writeCooked(b),
      hal: this.guardedHal(),
      frozen: frozenFor(this.config.board),
    });
    return this.vm;
  }

  private exists(path: string): boolean {
    try {
      return !this.volume.stat(path).isDirectory;
    } catch {
      return false;
    }
  }

  /** Runs one file in a fresh VM; returns its status-bar text after an error, or ''. */
  private async runFile(path: string): Promise<string> {
    const vm = await this.freshVm();
    this.setRunState(RunState.python);
    try {
      return vm.runFile(path);
    } finally {
      this.setRunState(RunState.idle);
      this.flush();
    }
  }

  private async boot(): Promise<void> {
    this.readOnly = true;
    let bootOut = `${bannerText(this.info)}\r\nBoard ID:${this.info.boardId}\r\nUID:2F5B916D50534B5438202020FF0E1229\r\n`;
    const bootFile = ['boot.py', 'boot.txt'].find((f) => this.exists('/' + f));
    if (bootFile) {
      // boot.py runs before USB starts: its output goes only to boot_out.txt.
      const captured: number[] = [];
      this.capture = captured;
      this.inBoot = true;
      try {
        this.write(`${bootFile} output:\r\n`);
        await this.runFile('/' + bootFile);
        this.flush();
      } finally {
        this.capture = null;
        this.inBoot = false;
      }
      bootOut += dec.decode(Uint8Array.from(captured));
    }
    if (bootOut.length > 512) bootOut = bootOut.slice(0, 512 - 27) + '[truncated due to length]';
    let old = '';
    try {
      old = dec.decode(this.volume.readFile('/boot_out.txt'));
    } catch {
      // no file yet
    }
    if (old !== bootOut) {
      try {
        this.volume.writeFile('/boot_out.txt', bootOut);
      } catch {
        // a full drive keeps the old boot_out.txt, as on the board
      }
    }
  }

  /**
   * The board's safe-mode buttons at start-up, read as the firmware does (board_requests_safe_mode): the pads
   * as inputs with pull-downs through PORT, then released. All pressed: safe mode, boot.py not run.
   */
  private userRequestsSafeMode(): boolean {
    const pads = this.info.safeModeButtons;
    if (!pads) return false;
    let all = true;
    for (const pad of pads) {
      this.hw.dioConstruct(pad);
      this.hw.dioInput(pad, 'down');
      all &&= this.hw.dioGet(pad);
      this.hw.release(pad);
    }
    return all;
  }

  private codeFile(): string | null {
    if (this.nextCodeFile) {
      const name = this.nextCodeFile.replace(/^\/+/, '');
      this.nextCodeFile = null;
      if (this.exists('/' + name)) return name;
      this.write(`${name} not found.\r\n`);
    }
    return CODE_FILES.find((f) => this.exists('/' + f)) ?? null;
  }

  /** The block around a code file's run (circuitpython-console.md §2). */
  private async runCode(): Promise<void> {
    this.write('\r\n' + LINE_CLEAR + (this.autoReload && !this.safeMode ? AUTO_RELOAD_ON : AUTO_RELOAD_OFF) + '\r\n');
    if (this.safeMode) {
      this.write(`Running in safe mode! Not running saved code.\r\n\r\nYou are in safe mode because:\r\n${this.safeMode}\r\nPress reset to exit safe mode.\r\n`);
      return;
    }
    const file = this.codeFile();
    let result = '';
    if (file) {
      this.write(LINE_CLEAR + `${file} output:\r\n`);
      this.status(file);
      this.flush();
      result = await this.runFile('/' + file);
    }
    if (this.pendingReset) return; // the chip restarts at once: nothing more reaches the host
    this.status(result || 'Done');
    if (this.reloadRequested) {
      this.write('\r\nCode stopped by auto-reload. Reloading soon.\r\n');
      return;
    }
    this.write('\r\nCode done running.\r\n');
  }

  /** The wait after a run: Ctrl-D reruns, any other key enters the REPL. */
  private waitForKey(): 'reload' | 'repl' {
    this.write('\r\n' + PRESS_ANY_KEY + '\r\n');
    this.flush();
    const b = this.readByte();
    if (b < 0 || b === 4) return 'reload';
    return 'repl';
  }

  async run(): Promise<void> {
    this.mountDrive();
    const resume = this.config.resume;
    let first = true;
    if (!resume) {
      // Inputs set before the engine started (buttons held) are there at power-on.
      this.applyCommands();
      if (this.config.reset === 'safe-mode' || this.userRequestsSafeMode()) this.safeMode = this.info.userSafeModeText;
      else {
        this.safeModeWindow();
        await this.boot();
      }
    } else {
      // The previous worker was stopped in a loop that never reached a check; its traceback is lost.
      this.writeCooked(enc.encode('KeyboardInterrupt: \n'));
      if (resume === 'code') {
        this.status('Done');
        this.write('\r\nCode done running.\r\n');
      }
    }
    let repl = resume === 'repl';
    let skipRun = resume === 'code';
    for (;;) {
      if (!repl) {
        if (!skipRun) {
          if (!first) this.write('soft reboot\r\n');
          this.reloadRequested = false;
          this.mountDrive();
          await this.runCode();
          this.flush();
          if (this.pendingReset) {
            first = await this.hardReset();
            continue;
          }
          if (this.reloadRequested) {
            first = false;
            continue;
          }
        }
        skipRun = false;
        first = false;
        if (this.waitForKey() === 'reload') {
          if (!this.reloadRequested) this.runReason = 3;
          continue;
        }
      }
      await this.runRepl(repl);
      repl = false;
      this.runReason = 3;
      first = false;
      if (this.pendingReset) first = await this.hardReset();
    }
  }

  /**
   * microcontroller.reset(): the chip restarts (USB drops; the host sees a new boot, so no `soft reboot`
   * line), in safe mode if on_next_reset asked for it; boot.py runs again unless in safe mode.
   */
  private async hardReset(): Promise<boolean> {
    this.pendingReset = false;
    this.reloadRequested = false;
    const safe = this.nextResetMode === 'microcontroller.RunMode.SAFE_MODE';
    this.nextResetMode = 'microcontroller.RunMode.NORMAL';
    this.safeMode = safe ? 'The `microcontroller` module was used to boot into safe mode.' : null;
    this.runReason = 0;
    this.mountDrive();
    if (!safe && this.userRequestsSafeMode()) this.safeMode = this.info.userSafeModeText;
    if (!this.safeMode) {
      this.safeModeWindow();
      await this.boot();
    }
    return true;
  }

  /**
   * wait_for_safe_mode_reset (supervisor/shared/safe_mode.c) after a power-on or reset that is not already
   * a safe-mode one: one second in which a press of the reset button restarts the board in safe mode. The
   * status LED blinks meanwhile, 125 ms on and 125 ms off from the start, in SAFE_MODE yellow (0x303000)
   * at the status brightness (NeoPixels: 63/255, every pixel of the chain: 0x0B0B00, as measured on
   * CircuitPython 9.2.9 under the firmware engine), or a plain status LED lit. The control block's
   * `bootWindow` slot tells the host (host.ts `reset`) that a reset now means safe mode.
   */
  private safeModeWindow(): void {
    const led = this.info.statusLed;
    const ctrl = this.views.ctrl;
    Atomics.store(ctrl, CTRL.bootWindow, 1);
    // The NeoPixels' bytes (GRB, every pixel the same) lit and dark.
    const grb = [statusChannel(SAFE_MODE_COLOR, 8), statusChannel(SAFE_MODE_COLOR, 16), statusChannel(SAFE_MODE_COLOR, 0)];
    const lit = led?.kind === 'neopixel' ? Array.from({ length: 3 * led.count }, (_, i) => grb[i % 3]!) : [];
    const dark = lit.map(() => 0);
    const show = (on: boolean): void => {
      if (led?.kind === 'neopixel') this.hw.neopixelWrite(led.pad, on ? lit : dark);
      else if (led?.kind === 'led') this.hw.setOut(led.pad, on);
    };
    if (led) {
      this.hw.dioConstruct(led.pad);
      this.hw.dioOutput(led.pad, false, false);
    }
    for (let phase = 0; phase < SAFE_MODE_WINDOW_SECONDS / 0.125; phase++) {
      show(phase % 2 === 0);
      this.clock.sleep(0.125, () => false);
      this.applyCommands();
    }
    show(false);
    if (led) this.hw.resetPin(led.pad);
    Atomics.store(ctrl, CTRL.bootWindow, 0);
  }

  // ---- REPL -------------------------------------------------------------------------------------

  private async runRepl(resumed: boolean): Promise<void> {
    Atomics.store(this.views.ctrl, CTRL.mode, 1);
    this.inRepl = true;
    this.reloadAt = null;
    try {
      await this.replLoop(resumed);
    } finally {
      this.vm?.closeFiles();
      this.inRepl = false;
      Atomics.store(this.views.ctrl, CTRL.mode, 0);
    }
  }

  private async replLoop(resumed: boolean): Promise<void> {
    let vm = await this.replVm(false);
    const repl = new Repl((s) => this.write(s));
    if (!resumed) this.write('\r\n' + bannerText(this.info) + '\r\n');
    repl.prompt();
    for (;;) {
      this.flush();
      const b = this.readByte();
      if (b < 0) return;
      const action: ReplAction = repl.key(b);
      switch (action.kind) {
        case 'none':
          break;
        case 'exec': {
          // Raw REPL framing: OK, output, \x04, error text, \x04, then the > prompt.
          this.errorText = action.raw ? '' : null;
          this.setRunState(RunState.python);
          try {
            vm.runRepl(action.source, action.mode);
          } finally {
            this.setRunState(RunState.idle);
          }
          if (action.raw) {
            this.write('\x04');
            this.writeCooked(enc.encode(this.errorText ?? ''));
            this.write('\x04');
          }
          this.errorText = null;
          if (this.pendingReset) return;
          repl.prompt();
          break;
        }
        case 'soft-reboot':
          return;
        case 'banner':
          vm = await this.replVm(false);
          this.write('\r\n' + bannerText(this.info) + '\r\n');
          repl.prompt();
          break;
        case 'raw':
          vm = await this.replVm(true);
          this.write('raw REPL; CTRL-B to exit\r\n');
          repl.prompt();
          break;
      }
    }
  }

  private async replVm(raw: boolean): Promise<HostedVm> {
    const vm = await this.freshVm();
    if (!raw && this.exists('/repl.py')) {
      this.setRunState(RunState.python);
      try {
        vm.runFile('/repl.py');
      } finally {
        this.setRunState(RunState.idle);
      }
    }
    if (!raw) this.status('REPL');
    return vm;
  }
}

/** Entry point for a worker adapter. */
export async function runHostedEngine(config: EngineConfig, port: EnginePort, warm?: Promise<WarmVm>, onEngine?: (engine: HostedEngine) => void): Promise<void> {
  const engine = new HostedEngine(config, port, warm ?? null);
  onEngine?.(engine); // e.g. a PinTap on its board (the adapter's --vcd), before anything runs
  try {
    await engine.run();
  } catch (e) {
    engine.flush();
    port.post({ type: 'ended', reason: 'error', seconds: 0, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

/**
 * Starts making the first VM for `board` before the engine's config arrives (a worker spawned early by the
 * Node CLI); pass the promise to runHostedEngine. A failure here only means the engine makes its own VM.
 */
export function prewarmVm(board: string, wasmUrl?: string): Promise<WarmVm> {
  const warm = warmVm({ wasmUrl, frozen: frozenFor(board), staticHal: staticHal(board) });
  warm.catch(() => undefined);
  return warm;
}
