/**
 * What the hosted engine needs to know about a board beyond its parts: the names CircuitPython gives it
 * (banner, os.uname, sys.platform, board_id) and the heap the firmware leaves to Python. Pin names come from
 * the board's spec (boards/*.ts, CircuitPython's pins.c order).
 */

import { circuitpyLayout, samd21Spec } from '../../boards/samd21-catalogue.js';

/** The CircuitPython release whose behaviour the hosted engine reproduces. */
export const CIRCUITPYTHON_VERSION = '9.2.9';
/** Build date shown in the banner and sys.version (a fixed date keeps transcripts reproducible). */
export const HOSTED_BUILD_DATE = '2025-09-16';

export interface HostedBoardInfo {
  /** circuitemu board name. */
  name: string;
  /** CircuitPython's board id (`board.board_id`, boot_out.txt). */
  boardId: string;
  /** `<board> with <mcu>`: os.uname().machine and the banner. */
  machine: string;
  mcu: string;
  platform: string;
  /** gc.mem_free() and gc.mem_alloc() at the start of code.py on the real firmware (their sum is the heap). */
  heapFree: number;
  heapAllocAtStart: number;
  /**
   * The name a pad's Pin object prints as (`board.LED`), where a pad has several names: what the firmware
   * prints for each (measured on CircuitPython 9.2.9); other pads use their first name in the board spec.
   */
  pinRepr: Record<string, string>;
  /** Safe-mode text for both buttons held at reset. */
  userSafeModeText: string;
  /**
   * Pads the board's firmware reads at start-up (inputs, pulled down): all high means the user asks for
   * safe mode (the CPX's board_requests_safe_mode: buttons A and B held).
   */
  safeModeButtons?: readonly string[];
  /**
   * CIRCUITPY_FULL_BUILD: full builds word errors in full (`no module named 'x'`) and list `__class__` and
   * `__dict__` in a module's dir(); the small builds say `module not found`.
   */
  fullBuild: boolean;
  /**
   * What `help('modules')` prints on the board's firmware, in its order (built-in modules, and the frozen
   * libraries as path names): this is also the set of modules `import` finds without files on CIRCUITPY.
   */
  modules: readonly string[];
}

/** Language and core modules every SAMD21 build of CircuitPython 9.2.9 has (help('modules') on each). */
const COMMON_MODULES = ['__future__', '__main__', 'analogio', 'array', 'board', 'builtins', 'busio', 'collections', 'digitalio', 'gc', 'math', 'microcontroller', 'micropython', 'neopixel_write', 'nvm', 'os', 'pwmio', 'random', 'rotaryio', 'rtc', 'storage', 'struct', 'supervisor', 'sys', 'time', 'touchio', 'usb_cdc', 'usb_hid', 'usb_midi'];
/** Modules the express (full) builds add (metro_m0_express, feather_m0_express). */
const EXPRESS_MODULES = ['adafruit_pixelbuf', 'audiobusio', 'audiocore', 'audioio', 'busdisplay', 'displayio', 'epaperdisplay', 'errno', 'fontio', 'fourwire', 'i2cdisplaybus', 'locale', 'onewireio', 'paralleldisplay', 'paralleldisplaybus', 'pulseio', 'terminalio', 'warnings'];
const sorted = (names: string[]): string[] => [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * CPX: CIRCUITPY on SPI flash; heapFree 15024 is what CircuitPython 9.2.9 (built from the tag, run on the
 * firmware engine of this project) printed for gc.mem_free() as the first line of code.py (gc.mem_alloc()
 * was 1168 then).
 */
export const CPX_HOSTED: HostedBoardInfo = {
  name: 'cpx',
  boardId: 'circuitplayground_express',
  machine: 'Adafruit CircuitPlayground Express with samd21g18',
  mcu: 'samd21g18',
  platform: 'Atmel SAMD21',
  heapFree: 15024,
  heapAllocAtStart: 1168,
  pinRepr: {
    PA02: 'A0', PA05: 'A1', PA06: 'A2', PA07: 'A3', PB03: 'A4', PB02: 'A5', PB09: 'A6', PB08: 'A7',
    PA11: 'LIGHT', PA09: 'TEMPERATURE', PA17: 'LED', PA28: 'BUTTON_A', PA14: 'BUTTON_B',
    PA15: 'SLIDE_SWITCH', PB23: 'NEOPIXEL', PA12: 'REMOTEIN', PA23: 'REMOTEOUT',
  },
  userSafeModeText: 'You pressed both buttons at start up.',
  safeModeButtons: ['PA14', 'PA28'],
  fullBuild: true,
  modules: sorted([
    ...COMMON_MODULES, 'adafruit_bus_device', 'adafruit_bus_device.i2c_device', 'adafruit_bus_device.spi_device',
    'adafruit_circuitplayground/__init__', 'adafruit_circuitplayground/circuit_playground_base', 'adafruit_circuitplayground/express',
    'adafruit_hid/__init__', 'adafruit_hid/consumer_control', 'adafruit_hid/consumer_control_code', 'adafruit_hid/keyboard',
    'adafruit_hid/keyboard_layout_base', 'adafruit_hid/keyboard_layout_us', 'adafruit_hid/keycode', 'adafruit_hid/mouse',
    'adafruit_lis3dh', 'adafruit_pixelbuf', 'adafruit_thermistor', 'audiobusio', 'audiocore', 'audioio', 'bitbangio', 'codeop',
    'countio', 'errno', 'locale', 'neopixel', 'onewireio', 'pulseio', 'rainbowio', 'warnings',
  ]),
};

/** Metro M0 Express: CIRCUITPY on SPI flash (SERCOM5); figures measured on CircuitPython 9.2.9 as for the CPX. */
export const METRO_M0_EXPRESS_HOSTED: HostedBoardInfo = {
  name: 'metro_m0_express',
  boardId: 'metro_m0_express',
  machine: 'Adafruit Metro M0 Express with samd21g18',
  mcu: 'samd21g18',
  platform: 'Atmel SAMD21',
  heapFree: 15424,
  heapAllocAtStart: 704,
  pinRepr: { PA11: 'D0', PA10: 'D1', PA17: 'LED' },
  userSafeModeText: 'You pressed the reset button during boot.',
  fullBuild: true,
  modules: sorted([...COMMON_MODULES, ...EXPRESS_MODULES]),
};

/**
 * The other SAMD21 boards, from their CircuitPython 9.2.9 firmware on the firmware engine (gc figures as the
 * first line of code.py, help('modules'), dir(board), repr of every board name). The small builds (64 KiB
 * CIRCUITPY in internal flash) freeze no library and leave more heap.
 */
function smallBoard(name: string, title: string, mcu: string, heapFree: number, extra: string[] = ['rainbowio']): HostedBoardInfo {
  return {
    name,
    boardId: name,
    machine: `${title} with ${mcu}`,
    mcu,
    platform: 'Atmel SAMD21',
    heapFree,
    heapAllocAtStart: 752,
    pinRepr: {},
    userSafeModeText: 'You pressed the reset button during boot.',
    fullBuild: false,
    modules: sorted([...COMMON_MODULES, ...extra]),
  };
}

export const FEATHER_M0_EXPRESS_HOSTED: HostedBoardInfo = {
  ...METRO_M0_EXPRESS_HOSTED,
  name: 'feather_m0_express',
  boardId: 'feather_m0_express',
  machine: 'Adafruit Feather M0 Express with samd21g18',
  heapFree: 15440,
  heapAllocAtStart: 752,
  pinRepr: {},
  modules: sorted([...METRO_M0_EXPRESS_HOSTED.modules, 'codeop']),
};

const ADALOGGER_HOSTED = smallBoard('feather_m0_adalogger', 'Adafruit Feather M0 Adalogger', 'samd21g18', 16400);

export const HOSTED_BOARDS: HostedBoardInfo[] = [
  CPX_HOSTED,
  METRO_M0_EXPRESS_HOSTED,
  FEATHER_M0_EXPRESS_HOSTED,
  smallBoard('feather_m0_basic', 'Adafruit Feather M0 Basic', 'samd21g18', 16400),
  ADALOGGER_HOSTED,
  // The Bluefruit LE Feather runs the Adalogger's CircuitPython build (CircuitPython has none of its own).
  { ...ADALOGGER_HOSTED, name: 'feather_m0_bluefruit_le' },
  smallBoard('gemma_m0', 'Adafruit Gemma M0', 'samd21e18', 16912),
  smallBoard('trinket_m0', 'Adafruit Trinket M0', 'samd21e18', 16400),
  smallBoard('arduino_zero', 'Arduino Zero', 'samd21g18', 16400, []),
];

export function hostedBoard(name: string): HostedBoardInfo {
  const b = HOSTED_BOARDS.find((x) => x.name === name);
  if (!b) throw new Error(`the hosted engine does not support board '${name}' (supported: ${HOSTED_BOARDS.map((x) => x.name).join(', ')})`);
  return b;
}

/** The importable names of a board's modules (top-level package names). */
export function moduleNames(b: HostedBoardInfo): string[] {
  return [...new Set(b.modules.map((m) => m.split(/[/.]/)[0]!))];
}

/** The REPL banner line (without line ends). */
export function bannerText(b: HostedBoardInfo): string {
  return `Adafruit CircuitPython ${CIRCUITPYTHON_VERSION} on ${HOSTED_BUILD_DATE}; ${b.machine}`;
}

/**
 * Where the board keeps CIRCUITPY and its storage's size, from the board's declaration (no board is built: the
 * main thread prepares the drive with this; the engine's worker builds the board, board-build.ts).
 */
export function hostedCircuitpy(name: string): { kind: 'spi-flash' | 'internal-flash'; size: number } {
  hostedBoard(name);
  const spec = samd21Spec(name);
  if (!spec) throw new Error(`board '${name}' has no SAMD21 declaration`);
  return circuitpyLayout(spec);
}
