/**
 * The Feather HUZZAH (ESP8266) for the web app: a firmware engine only. CircuitPython 9 has no
 * ESP8266 port, so there is no hosted engine; the board waits, drawn but stopped, until the user
 * drops a flash image (a MicroPython or CircuitPython `.bin` as esptool writes it at 0x0), which
 * boots through the emulated mask ROM as `circuitemu run --board feather_huzzah --firmware F.bin`
 * does. The console is UART0 (the board's CP2104). There is no CIRCUITPY drive, no sensor to
 * control; the two LEDs (red #0, blue #2) are shown. Like engine.ts, this file calls into
 * emulator/ and boards/ through the project's API only.
 */
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { connectConsole } from '../../emulator/console.js';
import { RunLoop, type RunHost } from '../../emulator/runner.js';
import { FEATHER_HUZZAH_SPEC, type FeatherHuzzahBoard } from '../../boards/feather-huzzah.js';
import type { BoardInfo } from './protocol.js';
import type { Engine, PartIds } from './engine.js';

export const ESP8266_BOARDS = ['feather_huzzah'];

/**
 * The reset cause of the RST pin, as boards/chips/esp8266.ts numbers it (RESET_EXTERNAL; the page
 * may not import a chip below the board layer: tests/kernel/layering.test.ts).
 */
const RESET_EXTERNAL = 2;

const NO_PARTS: PartIds = {
  buttonA: null, buttonB: null, slideSwitch: null, light: null, thermistor: null, mic: null, accelerometer: null, touch: null, redLed: null, pixels: null,
};

const INFO: BoardInfo = {
  name: FEATHER_HUZZAH_SPEC.name,
  title: FEATHER_HUZZAH_SPEC.title,
  drawing: 'feather_huzzah',
  pins: Object.fromEntries(Object.entries(FEATHER_HUZZAH_SPEC.pins).map(([name, gpio]) => [name, `GPIO${gpio}`])),
  pads: [],
  pixelCount: 0,
  touchPads: [],
  has: { buttonA: false, buttonB: false, slideSwitch: false, light: false, temperature: false, sound: false, accelerometer: false, redLed: false, wifi: true },
  circuitpyBytes: 0,
  ledColors: { red: 0xff0000, blue: 0x0050ff },
};

const NO_FIRMWARE = 'the Feather HUZZAH needs firmware: drop a MicroPython or CircuitPython .bin (an esptool image for address 0x0)';

/** The HUZZAH with `firmware` running, or without it a board that waits for one (runs nothing). */
export function createEspEngine(boardName: string, host: RunHost, firmware?: { bytes: Uint8Array; name: string }, realTime = true): Engine {
  if (!firmware) return waitingEngine();
  // A UF2 (first magic 'UF2\n') is for the SAMD21 boards' bootloader: say what this board takes instead.
  const b = firmware.bytes;
  if (b.length >= 4 && b[0] === 0x55 && b[1] === 0x46 && b[2] === 0x32 && b[3] === 0x0a) {
    throw new Error('this is a UF2 (a SAMD21 board\'s firmware); the Feather HUZZAH takes a .bin flash image for the ESP8266 (an esptool image for address 0x0)');
  }
  const board = createBoard(boardName) as FeatherHuzzahBoard;
  loadFirmware(board, firmware.bytes, firmware.name); // throws the loader's error for a bad image
  const { console } = connectConsole(board);
  const loop = new RunLoop(board.machine, console, { realTime, sliceSeconds: 0.01, historyBytes: 4096 }, host);
  const scheduler = board.machine.scheduler;
  return {
    ...inert(),
    kind: 'firmware',
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
    onConsole: (listener) => loop.onOutput(listener),
    writeConsole: (bytes) => console.write(bytes),
    // The LEDs as they are at the frame (the GPIO output, not a measured PWM duty).
    ledDuties: () => ({ red: board.leds.red ? 1 : 0, blue: board.leds.blue ? 1 : 0 }),
    // The RST pin pulled low: the chip restarts from its ROM, as the board's reset button does.
    reset: () => board.chip.systemReset(RESET_EXTERNAL),
    accessPoints: (list) => {
      board.chip.wdevRx.accessPoints = list;
    },
  };
}

/** What every HUZZAH engine shares: no sensors, pixels, pads or drive. */
function inert(): Omit<Engine, 'kind' | 'run' | 'stop' | 'seconds' | 'cycles' | 'instructions' | 'onConsole' | 'writeConsole' | 'ledDuties' | 'reset'> {
  return {
    info: INFO,
    partIds: NO_PARTS,
    pixels: () => [],
    onSound() {},
    dotstars: () => ({}),
    padLevels() {},
    usedParts: () => [],
    button() {},
    slideSwitch() {},
    touch() {},
    light() {},
    temperature() {},
    sound() {},
    acceleration() {},
    externalButton() {
      throw new Error('the Feather HUZZAH takes no wired parts in the web app');
    },
    circuitpy: () => null,
    loadCircuitpy() {},
    usbDrive: () => null,
  };
}

/** The board before firmware: nothing runs; `run` ends when the board is replaced. */
function waitingEngine(): Engine {
  let end: (() => void) | null = null;
  return {
    ...inert(),
    kind: 'none',
    run: () => new Promise<null>((resolve) => (end = () => resolve(null))),
    stop: () => end?.(),
    seconds: () => 0,
    cycles: () => 0,
    instructions: () => 0,
    onConsole() {},
    writeConsole() {
      throw new Error(NO_FIRMWARE);
    },
    ledDuties: () => ({ red: 0, blue: 0 }),
    reset() {},
  };
}
