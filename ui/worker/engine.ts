/**
 * With esp-engine.ts (the ESP8266 board), the ONLY file of the web app that calls into emulator/ and boards/: it builds a board with the
 * project's API and exposes what the worker needs (run a slice, read a frame, apply an input,
 * reach the drive). When the run loop or the board API changes, this file is re-pointed and
 * nothing else in ui/ moves.
 */
import type { AccessPoint } from '../../peripherals/esp8266/wifi-air.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { RunLoop, type RunHost } from '../../emulator/runner.js';
import type { Samd21Board, Samd21BoardSpec, PartModel } from '../../boards/samd21-board.js';
import type { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import type { Apa102Chain } from '../../peripherals/devices/apa102.js';
import type { Led } from '../../peripherals/devices/led.js';
import type { PushButton } from '../../peripherals/devices/push-button.js';
import type { SlideSwitch } from '../../peripherals/devices/slide-switch.js';
import type { AlsPt19 } from '../../peripherals/devices/light-sensor.js';
import type { NtcThermistor } from '../../peripherals/devices/thermistor.js';
import type { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';
import type { Lis3dh } from '../../peripherals/devices/lis3dh.js';
import type { Speaker } from '../../peripherals/devices/speaker.js';
import type { TouchPads } from '../../boards/samd21-board.js';
import { ResetCause } from '../../peripherals/samd21/chip.js';
import { boardPads, externalTerminals, padLevelReader } from '../../boards/pad-levels.js';
import { watchPartUse } from '../../boards/part-use.js';
import type { MscFunction } from '../../firmware-runtime/usb/msc.js';
import type { BoardInfo, CpuChoice, EngineKind } from './protocol.js';
import { cpuDefaults } from '../../cpu-armv6m/core.js';
import { lx106Defaults } from '../../cpu-xtensa/lx106.js';
import { createEspEngine, ESP8266_BOARDS } from './esp-engine.js';

export type { RunHost };

export interface Engine {
  readonly info: BoardInfo;
  readonly kind: EngineKind;
  /** Ids of the board's controllable parts (the hosted engine addresses its worker's parts by id). */
  readonly partIds: PartIds;
  /**
   * Runs the machine in real time on the project's run loop, giving the host a turn between
   * slices, until it stops: resolves with why (an exit or fault message), or null after `stop()`.
   */
  run(): Promise<string | null>;
  /** Ends `run` at the next slice boundary. */
  stop(): void;
  /** Simulated seconds since power-on. */
  seconds(): number;
  /** Simulated CPU cycles since power-on (0 without a CPU). */
  cycles(): number;
  /** Instructions the CPU has executed since power-on (0 without a CPU). */
  instructions(): number;
  onConsole(listener: (bytes: Uint8Array) => void): void;
  writeConsole(bytes: Uint8Array): void;
  pixels(): number[];
  /** Speaker input samples (simulated seconds, volts at the amplifier) while it is enabled. */
  onSound(listener: (seconds: number, volts: number) => void): void;
  /** Every LED part's duty since the last call (0..1), by part id. */
  ledDuties(): Record<string, number>;
  /** DotStar colours by part id, brightness applied. */
  dotstars(): Record<string, number[]>;
  /** Pad levels in `info.pads` order: 0, 1, or 2 (floating). */
  padLevels(out: number[]): void;
  /** Parts the running code has used so far (boards/part-use.ts keys: 'light', 'touch.A1', ...). */
  usedParts(): readonly string[];
  button(id: 'buttonA' | 'buttonB', pressed: boolean): void;
  slideSwitch(closed: boolean): void;
  touch(pad: string, touched: boolean): void;
  light(lux: number): void;
  temperature(celsius: number): void;
  sound(dbSpl: number): void;
  /** Acceleration in g. */
  acceleration(x: number, y: number, z: number): void;
  /** An external push button from `pad` to GND, pressed or not. */
  externalButton(pad: string, pressed: boolean): void;
  /** The RESET pad pulled low: an external reset (RCAUSE.EXT). */
  reset(): void;
  /** CIRCUITPY's storage bytes (live), or null; `kind` says how they are laid out. */
  circuitpy(): { kind: 'spi-flash' | 'internal-flash'; bytes: Uint8Array } | null;
  /** Replaces the CIRCUITPY storage (a drive kept across firmware loads). */
  loadCircuitpy(bytes: Uint8Array): void;
  /** The drive as a computer sees it over USB, once the firmware presents one. */
  usbDrive(): MscFunction | null;
  /**
   * Tells an engine that takes whole files (the hosted engine) that a computer wrote `path`, after the
   * drive's sectors were written: CircuitPython's auto-reload follows. Resolves once the engine took it.
   */
  writeFile?(path: string, data: Uint8Array): Promise<void>;
  /**
   * For an engine whose time runs outside this worker's run loop (the hosted engine's own worker): stop
   * or resume its simulated time, or (while paused) let it run `seconds` more. The firmware engine needs
   * neither: its time moves only inside the run loop, which the worker holds while paused.
   */
  pause?(paused: boolean): void;
  /** Simulated time up to which `onSound` has delivered every sample, when it trails `seconds()` (the hosted engine's worker). */
  soundTime?(): number;
  step?(seconds: number): void;
  /** The WiFi access points in range, from now on (boards with a radio: the Feather HUZZAH). */
  accessPoints?(list: readonly AccessPoint[]): void;
}

/** Part ids by what the controls move (null: the board has no such part). */
export interface PartIds {
  buttonA: string | null;
  buttonB: string | null;
  slideSwitch: string | null;
  light: string | null;
  thermistor: string | null;
  mic: string | null;
  accelerometer: string | null;
  touch: string | null;
  redLed: string | null;
  pixels: string | null;
}

function idOf(board: Samd21Board, type: Samd21BoardSpec['parts'][number]['type'], id?: string): string | null {
  return board.spec.parts.find((p) => p.type === type && (id === undefined || p.id === id))?.id ?? null;
}

/** LED colours the boards declare, as drawn (an amber or yellow LED's light, not its package). */
const LED_COLORS: Record<string, number> = { red: 0xff0000, green: 0x00ff00, blue: 0x0050ff, yellow: 0xffdd00, amber: 0xffaa00, orange: 0xff7700, white: 0xffffff };

/** 0xRRGGBB of a declared LED colour ('red' or '#ff2000'); unknown names glow red. */
export function ledColor(color: string): number {
  if (/^#[0-9a-f]{6}$/i.test(color)) return parseInt(color.slice(1), 16);
  return LED_COLORS[color.toLowerCase()] ?? 0xff0000;
}

/** An APA102's colour as seen: each channel scaled by the 5-bit global brightness. */
function dotstarRgb(chain: Apa102Chain, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const p = chain.pixel(i);
    const k = p.brightness / 31;
    out.push((Math.round(p.r * k) << 16) | (Math.round(p.g * k) << 8) | Math.round(p.b * k));
  }
  return out;
}

/** The part of `type` the board declares, if any. */
function partOfType<T extends PartModel>(board: Samd21Board, type: Samd21BoardSpec['parts'][number]['type'], id?: string): T | null {
  const spec = board.spec.parts.find((p) => p.type === type && (id === undefined || p.id === id));
  return spec ? (board.parts[spec.id] as T) : null;
}

/** The execution mode of every core built from now on (Cortex-M0+ and LX106 alike). */
export function setCpuMode(mode: CpuChoice): void {
  cpuDefaults.mode = lx106Defaults.mode = mode;
}

/**
 * Builds `boardName`; with firmware bytes, loads them on the CPU (throws the loader's error for a
 * bad image); without, builds the chip with no CPU (the peripherals still run).
 */
export function createEngine(boardName: string, host: RunHost, firmware?: { bytes: Uint8Array; name: string }, realTime = true): Engine {
  if (ESP8266_BOARDS.includes(boardName)) return createEspEngine(boardName, host, firmware, realTime);
  const board = createBoard(boardName, { core: firmware ? 'cortex-m0plus' : 'none' }) as Samd21Board;
  if (!('spec' in board)) throw new Error(`board '${boardName}' has no drawing and parts the web app knows`);
  const connection = firmware ? connectConsole(board) : null;
  const usbHost = connection?.usbHost;
  // As `circuitemu run` does: one complete run of code.py is shown (CircuitPython drops its
  // console output until a terminal connects, so the terminal sends Ctrl-D as a user would).
  const console = connection ? showRun(connection, board.machine.scheduler, { reload: true }) : null;
  if (firmware) loadFirmware(board, firmware.bytes, firmware.name);
  // Without firmware there is no console; the loop still runs the peripherals' events.
  const loopConsole = console ?? { onData() {}, write() {}, close() {} };
  const loop = new RunLoop(board.machine, loopConsole, { realTime, sliceSeconds: 0.01, historyBytes: 4096 }, host);

  const partIds: PartIds = {
    buttonA: idOf(board, 'button', 'buttonA'), buttonB: idOf(board, 'button', 'buttonB'), slideSwitch: idOf(board, 'slide-switch'),
    light: idOf(board, 'light-sensor'), thermistor: idOf(board, 'thermistor'), mic: idOf(board, 'pdm-microphone'),
    accelerometer: idOf(board, 'lis3dh'), touch: idOf(board, 'touch-pads'), redLed: idOf(board, 'led'), pixels: idOf(board, 'neopixels'),
  };
  const pixels = partOfType<Ws2812bChain>(board, 'neopixels');
  const redLed = partOfType<Led>(board, 'led');
  const buttonA = partOfType<PushButton>(board, 'button', 'buttonA');
  const buttonB = partOfType<PushButton>(board, 'button', 'buttonB');
  const slide = partOfType<SlideSwitch>(board, 'slide-switch');
  const light = partOfType<AlsPt19>(board, 'light-sensor');
  const thermistor = partOfType<NtcThermistor>(board, 'thermistor');
  const mic = partOfType<PdmMicrophone>(board, 'pdm-microphone');
  const accel = partOfType<Lis3dh>(board, 'lis3dh');
  const touch = partOfType<TouchPads>(board, 'touch-pads');
  const speaker = partOfType<Speaker>(board, 'speaker');

  const ledParts = board.spec.parts.filter((p) => p.type === 'led').map((p) => ({ id: p.id, led: board.parts[p.id] as Led, color: ledColor((p as { color: string }).color) }));
  const dotstarParts = board.spec.parts.filter((p) => p.type === 'dotstars').map((p) => ({ id: p.id, chain: board.parts[p.id] as Apa102Chain, count: (p as { count: number }).count }));
  const pads = boardPads(board.spec);
  const scheduler = board.machine.scheduler;
  const info: BoardInfo = {
    name: board.spec.name,
    title: board.spec.title,
    drawing: board.spec.drawing,
    pins: { ...board.spec.pins },
    pads,
    pixelCount: pixels?.count ?? 0,
    touchPads: touch ? [...touch.names] : [],
    has: {
      buttonA: !!buttonA, buttonB: !!buttonB, slideSwitch: !!slide, light: !!light, temperature: !!thermistor,
      sound: !!mic, accelerometer: !!accel, redLed: !!redLed, wifi: false,
    },
    circuitpyBytes: board.circuitpy?.bytes.length ?? 0,
    ledColors: Object.fromEntries(ledParts.map((l) => [l.id, l.color])),
  };

  const external = externalTerminals(board, pads);
  const readPads = padLevelReader(board, pads);
  const partUse = watchPartUse(board);

  return {
    info,
    kind: firmware ? 'firmware' : 'none',
    partIds,
    externalButton: (pad, pressed) => external(pad, pressed ? 0 : null),
    async run() {
      const end = await loop.run();
      if (end.kind === 'exit') return `the program exited with status ${end.exitCode}`;
      if (end.kind === 'fault') return end.halt.message;
      return null;
    },
    stop: () => loop.stop(),
    seconds: () => scheduler.seconds,
    cycles: () => scheduler.cycles,
    instructions: () => board.machine.instructions,
    onConsole(listener) {
      loop.onOutput(listener);
    },
    writeConsole(bytes) {
      if (!console) throw new Error('no firmware is running: drop a .uf2 to start one');
      console.write(bytes);
    },
    pixels: () => pixels?.rgb() ?? [],
    onSound(listener) {
      speaker?.onSample((_cycle, volts) => listener(scheduler.seconds, volts));
    },
    ledDuties: () => Object.fromEntries(ledParts.map((l) => [l.id, l.led.dutySince(scheduler.cycles)])),
    dotstars: () => Object.fromEntries(dotstarParts.map((d) => [d.id, dotstarRgb(d.chain, d.count)])),
    padLevels: readPads,
    usedParts: () => partUse.used(),
    button(id, pressed) {
      (id === 'buttonA' ? buttonA : buttonB)?.set(pressed);
    },
    slideSwitch: (closed) => slide?.set(closed),
    touch: (pad, touched) => touch?.touch(pad, touched),
    light: (lux) => light?.setLux(lux),
    temperature: (celsius) => thermistor?.setTemperature(celsius),
    sound: (dbSpl) => mic?.setSoundLevelDb(dbSpl),
    acceleration: (x, y, z) => accel?.setAccelerationG(x, y, z),
    reset: () => board.mcu.context.systemReset(ResetCause.EXT),
    circuitpy: () => (board.circuitpy ? { kind: board.circuitpy.kind, bytes: board.circuitpy.bytes } : null),
    loadCircuitpy: (bytes) => board.circuitpy?.load(bytes),
    usbDrive: () => usbHost?.msc ?? null,
  };
}
