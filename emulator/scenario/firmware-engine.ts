/**
 * The firmware engine: real firmware on the emulated CPU of a board from the catalogue, its
 * console through `showRun` (on CircuitPython's USB console: one complete run of code.py, as
 * `circuitemu run` shows), driven by the one run loop (RunLoop). Pins and parts come from the
 * board's declaration (CircuitPython's pin names, the parts' ids); CIRCUITPY is reached over
 * the emulated USB mass storage.
 */
import { Pin, connect } from '../kernel/signals.js';
import { SimEvent } from '../kernel/scheduler.js';
import type { Board, BoardConsole } from '../../boards/types.js';
import type { PartModel, Samd21Board, Samd21PartSpec } from '../../boards/samd21-board.js';
import { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import { PushButton } from '../../peripherals/devices/push-button.js';
import { SlideSwitch } from '../../peripherals/devices/slide-switch.js';
import { AlsPt19 } from '../../peripherals/devices/light-sensor.js';
import { NtcThermistor } from '../../peripherals/devices/thermistor.js';
import { Lis3dh } from '../../peripherals/devices/lis3dh.js';
import { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';
import { Speaker } from '../../peripherals/devices/speaker.js';
import { connectConsole, showRun, type ConsoleConnection } from '../console.js';
import { RunLoop, type RunEnd } from '../runner.js';
import { EngineInputError, type ControlStep, type PinStep, type PixelStep, type ScenarioEngine, type ScenarioPin, type ScenarioSpeaker, type ToneStep } from './engine.js';
import { MscDrive } from './msc-drive.js';
import { Apa102Chain } from '../../peripherals/devices/apa102.js';
import { Led } from '../../peripherals/devices/led.js';
import { DRAWINGS } from '../../boards/drawings/index.js';
import { renderBoard, type BoardLights, type RgbaImage } from '../screenshot/render.js';
import type { Step } from './parse.js';

export interface FirmwareEngineOptions {
  /** Reload code.py so that one complete run is seen (CircuitPython's USB console; default true). */
  reload?: boolean;
  /** Simulated seconds to wait for the USB drive to appear before a file step fails (default 10). */
  driveWaitSeconds?: number;
}

/** Simulated seconds per run-loop slice (see `run`). */
const SLICE_SECONDS = 0.002;

/** Controls each part type takes in `set-control`, and what they do. */
const CONTROLS: Record<string, readonly string[]> = {
  button: ['pressed'],
  'slide-switch': ['closed'],
  'light-sensor': ['lux'],
  thermistor: ['temperature'],
  'pdm-microphone': ['level'],
  lis3dh: ['acceleration', 'x', 'y', 'z'],
};

export class FirmwareEngine implements ScenarioEngine {
  readonly boardName: string;
  private readonly connection: ConsoleConnection;
  private readonly console: BoardConsole;
  private loop: RunLoop | null = null;
  private stopBeforeRun = false;
  private readonly forced = new Map<string, Pin>();

  /** `board` has its firmware loaded (loadFirmware) and its drive prepared. */
  constructor(
    readonly board: Board,
    private readonly options: FirmwareEngineOptions = {},
  ) {
    this.boardName = board.name;
    this.connection = connectConsole(board);
    this.console = showRun(this.connection, board.machine.scheduler, { reload: options.reload ?? true });
  }

  now(): number {
    return this.board.machine.scheduler.seconds;
  }

  after(seconds: number, callback: () => void): () => void {
    const scheduler = this.board.machine.scheduler;
    const event = new SimEvent('scenario', callback);
    scheduler.scheduleIn(event, Math.max(0, scheduler.cyclesIn(seconds)));
    return () => scheduler.cancel(event);
  }

  onSerial(listener: (bytes: Uint8Array) => void): void {
    this.console.onData(listener);
  }

  writeSerial(bytes: Uint8Array): void {
    this.console.write(bytes);
  }

  run(timeoutSeconds: number): Promise<RunEnd> {
    if (this.stopBeforeRun) return Promise.resolve({ kind: 'stopped' });
    // Short slices: a file step's USB transfers resume between slices, so this bounds their latency.
    this.loop = new RunLoop(this.board.machine, this.console, { timeoutSeconds, sliceSeconds: SLICE_SECONDS });
    return this.loop.run();
  }

  stop(): void {
    if (this.loop) this.loop.stop();
    else this.stopBeforeRun = true; // every step finished (or failed) before the run began
  }

  check(step: Step): void {
    switch (step.kind) {
      case 'expect-pin':
      case 'wait-pin':
      case 'expect-pwm':
        this.pin(step);
        return;
      case 'expect-neopixel': {
        const chain = this.chain(step);
        if (step.index >= chain.count) throw new EngineInputError(`index ${step.index}: ${chain.name} has ${chain.count} pixels (0..${chain.count - 1})`);
        return;
      }
      case 'set-control':
        this.control(step);
        return;
      case 'expect-tone':
        this.speaker(step);
        return;
      case 'take-screenshot':
        if (step.partId !== undefined && step.partId !== this.boardName && step.partId !== 'board') {
          throw new EngineInputError(`part-id '${step.partId}': a screenshot is of the whole board ('${this.boardName}' or 'board')`);
        }
        this.drawing();
        return;
      case 'write-file':
      case 'expect-file':
        if (!this.connection.usbHost || !this.board.circuitpy) throw new EngineInputError(`board ${this.boardName} has no CIRCUITPY drive on USB`);
        return;
    }
  }

  pin(step: PinStep): ScenarioPin {
    const pad = this.pad(step.partId, step.pin);
    const chipPin = this.samd21().mcu.pin(pad.pad);
    return {
      label: pad.label,
      get level() {
        return chipPin.level;
      },
      get voltage() {
        return chipPin.voltage;
      },
      onChange: (listener) => chipPin.net.onEdge((_net, level) => listener(level)),
    };
  }

  pixels(step: PixelStep): number[] {
    return this.chain(step).rgb();
  }

  setControl(step: ControlStep): void {
    this.control(step)();
  }

  speaker(step: ToneStep): ScenarioSpeaker {
    const board = this.samd21();
    const id = step.partId ?? board.spec.parts.find((p) => p.type === 'speaker')?.id;
    if (!id) throw new EngineInputError(`board ${board.name} has no speaker`);
    const { model } = this.part(id);
    if (!(model instanceof Speaker)) throw new EngineInputError(`part '${id}' is not a speaker`);
    return {
      label: id,
      get enabled() {
        return model.enabled;
      },
      clear: () => model.clear(),
      frequency: () => model.estimateFrequency(),
    };
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await (await this.mscDrive()).writeFile(path, data);
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    return (await this.mscDrive()).readFile(path);
  }

  screenshot(): RgbaImage {
    return renderBoard(this.drawing(), this.lights());
  }

  /** The colours of the board's NeoPixel and DotStar chains and its LEDs, by part id. */
  lights(): BoardLights {
    const chains: Record<string, number[]> = {};
    const leds: Record<string, { lit: boolean; color: string }> = {};
    for (const [id, model] of Object.entries(this.samd21().parts as Record<string, PartModel>)) {
      if (model instanceof Ws2812bChain || model instanceof Apa102Chain) chains[id] = model.rgb();
      else if (model instanceof Led) leds[id] = { lit: model.lit, color: model.color };
    }
    return { chains, leds };
  }

  // ---- the board's declaration --------------------------------------------------------------

  private drawing() {
    const board = this.samd21();
    const drawing = DRAWINGS[board.spec.drawing];
    if (!drawing) throw new EngineInputError(`board ${board.name} has no drawing to take a screenshot of`);
    return drawing;
  }

  private samd21(): Samd21Board {
    const b = this.board as Partial<Samd21Board>;
    if (!b.spec || !b.mcu) throw new EngineInputError(`board ${this.boardName} declares no pins or parts (only the SAMD21 boards do)`);
    return b as Samd21Board;
  }

  /** A board pin ('LED', 'A1', 'D13'), or a part's terminal ('redLed' + 'anode', or its only one). */
  private pad(partId: string | undefined, pin: string): { pad: string; label: string } {
    const board = this.samd21();
    const pins = board.spec.pins;
    if (partId === undefined || partId === board.name || partId === 'board') {
      const pad = pins[pin] ?? pins[pin.toUpperCase()];
      if (!pad) throw new EngineInputError(`board ${board.name} has no pin '${pin}' (pins: ${Object.keys(pins).join(', ')})`);
      return { pad, label: `${pin} (${pad})` };
    }
    const spec = this.partSpec(partId);
    const terminals = Object.entries(spec).filter(([, v]) => typeof v === 'string' && /^P[AB]\d\d$/.test(v)) as [string, string][];
    const found = terminals.find(([k]) => k === pin) ?? (terminals.length === 1 ? terminals[0] : undefined);
    if (!found) throw new EngineInputError(`part '${partId}' has no pin '${pin}' (pins: ${terminals.map(([k]) => k).join(', ') || 'none'})`);
    return { pad: found[1], label: `${partId}.${found[0]} (${found[1]})` };
  }

  private partSpec(partId: string): Samd21PartSpec {
    const board = this.samd21();
    const spec = board.spec.parts.find((p) => p.id === partId);
    if (!spec) throw new EngineInputError(`board ${board.name} has no part '${partId}' (parts: ${board.spec.parts.map((p) => p.id).join(', ')})`);
    return spec;
  }

  private part(partId: string): { spec: Samd21PartSpec; model: PartModel } {
    const spec = this.partSpec(partId);
    return { spec, model: (this.samd21().parts as Record<string, PartModel>)[partId] };
  }

  private chain(step: PixelStep): Ws2812bChain {
    const board = this.samd21();
    const id = step.partId ?? board.spec.parts.find((p) => p.type === 'neopixels')?.id;
    if (!id) throw new EngineInputError(`board ${board.name} has no NeoPixels`);
    const { model } = this.part(id);
    if (!(model instanceof Ws2812bChain)) throw new EngineInputError(`part '${id}' is not a NeoPixel chain`);
    return model;
  }

  /** The action a set-control step means, checked (thrown EngineInputError) before it is needed. */
  private control(step: ControlStep): () => void {
    const value = step.value;
    const scalar = (what: string, min = -Infinity, max = Infinity): number => {
      if (typeof value !== 'number') throw new EngineInputError(`${what} takes one number, not a list`);
      if (value < min || value > max) throw new EngineInputError(`${what} must be between ${min} and ${max}, not ${value}`);
      return value;
    };
    if (step.partId === undefined) {
      const { pad, label } = this.pad(undefined, step.pin!);
      if (step.control !== 'voltage') throw new EngineInputError(`pin ${label}: the control of a pin is 'voltage' (volts), not '${step.control}'`);
      const volts = scalar(`the voltage of ${label}`, 0, 3.3);
      return () => this.forceVoltage(pad, volts);
    }
    const { spec, model } = this.part(step.partId);
    if (spec.type === 'touch-pads') {
      const pads = Object.keys(spec.pads);
      const pad = step.control === 'touch' || step.control === 'touched' ? step.pin : step.control;
      if (!pad || !pads.includes(pad)) throw new EngineInputError(`part '${spec.id}': control is a pad name (${pads.join(', ')}), not '${step.control}'`);
      const amount = scalar(`touch ${pad}`, 0, 1);
      return () => (model as { touch(p: string, a: number): void }).touch(pad, amount);
    }
    const allowed = CONTROLS[spec.type];
    if (!allowed || !allowed.includes(step.control)) {
      throw new EngineInputError(`part '${spec.id}' (${spec.type}) ${allowed ? `takes control ${allowed.join(' or ')}` : 'has no controls'}, not '${step.control}'`);
    }
    if (model instanceof PushButton) {
      const on = scalar('pressed', 0, 1) !== 0;
      return () => model.set(on);
    }
    if (model instanceof SlideSwitch) {
      const on = scalar('closed', 0, 1) !== 0;
      return () => model.set(on);
    }
    if (model instanceof AlsPt19) {
      const lux = scalar('lux', 0, 100_000);
      return () => model.setLux(lux);
    }
    if (model instanceof NtcThermistor) {
      const c = scalar('temperature (°C)', -40, 125);
      return () => model.setTemperature(c);
    }
    if (model instanceof PdmMicrophone) {
      const db = scalar('level (dB SPL)', 0, 140);
      return () => model.setSoundLevelDb(db);
    }
    if (model instanceof Lis3dh) return this.acceleration(model, step);
    throw new EngineInputError(`part '${spec.id}' has no controls`);
  }

  /** acceleration: [x, y, z] in m/s²; x, y or z: one axis. */
  private acceleration(model: Lis3dh, step: ControlStep): () => void {
    const v = step.value;
    if (step.control === 'acceleration') {
      if (!Array.isArray(v) || v.length !== 3) throw new EngineInputError('acceleration takes [x, y, z] in m/s²');
      return () => model.setAcceleration(v[0], v[1], v[2]);
    }
    if (typeof v !== 'number') throw new EngineInputError(`${step.control} takes one number (m/s²)`);
    const axis = step.control as 'x' | 'y' | 'z';
    return () => {
      const a = { ...model.acceleration, [axis]: v };
      model.setAcceleration(a.x, a.y, a.z);
    };
  }

  /** An outside source holding a voltage on a pad (a host pin wired to its net). */
  private forceVoltage(pad: string, volts: number): void {
    let source = this.forced.get(pad);
    if (!source) {
      const mcu = this.samd21().mcu;
      source = new Pin(`scenario ${pad}`, mcu.scheduler);
      connect(source, mcu.pin(pad));
      this.forced.set(pad, source);
    }
    source.forceVoltage(volts);
  }

  /** The drive as enumerated now (a device reset makes a new MSC function). */
  private async mscDrive(): Promise<MscDrive> {
    const host = this.connection.usbHost;
    if (!host) throw new Error(`board ${this.boardName} has no USB drive`);
    const deadline = this.now() + (this.options.driveWaitSeconds ?? 10);
    while (!host.msc) {
      if (this.now() >= deadline) throw new Error(`no USB mass storage appeared within ${this.options.driveWaitSeconds ?? 10} s (does the firmware present CIRCUITPY?)`);
      await new Promise<void>((resolve) => this.after(0.01, resolve));
    }
    return new MscDrive(host.msc);
  }
}
