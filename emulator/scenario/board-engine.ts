/**
 * What both scenario engines share: a SAMD21 board from the catalogue whose pins and parts a scenario
 * reads and sets by their declared names (CircuitPython's pin names, the parts' ids), on the board's
 * simulated timeline. The firmware engine (firmware-engine.ts) runs real firmware on it; the hosted
 * engine (hosted-engine.ts) runs code.py on the same board built without a CPU.
 */
import { Pin, connect } from '../kernel/signals.js';
import { SimEvent } from '../kernel/scheduler.js';
import type { Board } from '../../boards/types.js';
import type { PartModel, Samd21Board, Samd21PartSpec } from '../../boards/samd21-board.js';
import { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import { PushButton } from '../../peripherals/devices/push-button.js';
import { SlideSwitch } from '../../peripherals/devices/slide-switch.js';
import { AlsPt19 } from '../../peripherals/devices/light-sensor.js';
import { NtcThermistor } from '../../peripherals/devices/thermistor.js';
import { Lis3dh } from '../../peripherals/devices/lis3dh.js';
import { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';
import { Speaker } from '../../peripherals/devices/speaker.js';
import { EngineInputError, type ControlStep, type PinStep, type PixelStep, type ScenarioPin, type ScenarioSpeaker, type ToneStep } from './engine.js';
import { Apa102Chain } from '../../peripherals/devices/apa102.js';
import { Led } from '../../peripherals/devices/led.js';
import { DRAWINGS } from '../../boards/drawings/index.js';
import { renderBoard, type BoardLights, type RgbaImage } from '../screenshot/render.js';
import type { Step } from './parse.js';

/** Controls each part type takes in `set-control`, and what they do. */
const CONTROLS: Record<string, readonly string[]> = {
  button: ['pressed'],
  'slide-switch': ['closed'],
  'light-sensor': ['lux'],
  thermistor: ['temperature'],
  'pdm-microphone': ['level'],
  lis3dh: ['acceleration', 'x', 'y', 'z'],
};

export abstract class BoardEngine {
  private readonly forced = new Map<string, Pin>();
  abstract readonly boardName: string;

  constructor(readonly board: Board) {}

  now(): number {
    return this.board.machine.scheduler.seconds;
  }

  after(seconds: number, callback: () => void): () => void {
    const scheduler = this.board.machine.scheduler;
    const event = new SimEvent('scenario', callback);
    scheduler.scheduleIn(event, Math.max(0, scheduler.cyclesIn(seconds)));
    return () => scheduler.cancel(event);
  }

  /** Throws EngineInputError when the engine cannot reach CIRCUITPY. */
  protected abstract checkFiles(): void;

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
        this.checkFiles();
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

  protected drawing() {
    const board = this.samd21();
    const drawing = DRAWINGS[board.spec.drawing];
    if (!drawing) throw new EngineInputError(`board ${board.name} has no drawing to take a screenshot of`);
    return drawing;
  }

  protected samd21(): Samd21Board {
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

}
