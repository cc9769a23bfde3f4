/**
 * What the hosted engine needs to know about a board beyond its parts: the names CircuitPython gives it
 * (banner, os.uname, sys.platform, board_id) and the heap the firmware leaves to Python. Pin names come from
 * the board's spec (boards/*.ts, CircuitPython's pins.c order).
 */

import { findBoard } from '../../boards/index.js';
import type { Samd21Board } from '../../boards/samd21-board.js';

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
  /** gc.mem_free() and gc.mem_alloc() at the start of code.py on the real firmware. */
  heapFree: number;
  heapAllocAtStart: number;
  /**
   * The name a pad's Pin object prints as (`board.LED`), where a pad has several names: what the firmware
   * prints for each (measured on CircuitPython 9.2.9); other pads use their first name in the board spec.
   */
  pinRepr: Record<string, string>;
  /** Safe-mode text for both buttons held at reset. */
  userSafeModeText: string;
}

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
};

export const HOSTED_BOARDS: HostedBoardInfo[] = [CPX_HOSTED];

export function hostedBoard(name: string): HostedBoardInfo {
  const b = HOSTED_BOARDS.find((x) => x.name === name);
  if (!b) throw new Error(`the hosted engine does not support board '${name}' yet (supported: ${HOSTED_BOARDS.map((x) => x.name).join(', ')})`);
  return b;
}

/** The REPL banner line (without line ends). */
export function bannerText(b: HostedBoardInfo): string {
  return `Adafruit CircuitPython ${CIRCUITPYTHON_VERSION} on ${HOSTED_BUILD_DATE}; ${b.machine}`;
}

/** The board with its chip and parts and no CPU: the hosted engine drives the chip from TypeScript. */
export function createHostedBoard(name: string): Samd21Board {
  hostedBoard(name);
  const info = findBoard(name);
  if (!info || !info.hostable) throw new Error(`board '${name}' cannot be built without its CPU`);
  return info.create({ core: 'none' }) as Samd21Board;
}
