/** The board catalogue: every board the emulator can build, by the name the CLI uses. */
import { createFeatherHuzzah } from './feather-huzzah.js';
import { buildSamd21Board, type Samd21BoardSpec, type Samd21PartSpec } from './samd21-board.js';
import { SAMD21_BOARDS } from './samd21-catalogue.js';
import { createTestLx106 } from './test-lx106.js';
import { createTestM0 } from './test-m0.js';
import type { Board } from './types.js';

export interface BoardOptions {
  /** The program's command line (semihosting boards pass it to the program). */
  commandLine?: string;
  /**
   * 'cortex-m0plus' (or the board's own CPU, the default): firmware runs on the core;
   * 'none': the chip has no CPU and is driven from TypeScript (the hosted engine).
   */
  core?: 'cortex-m0plus' | 'none';
  /** Parts the user wires to a SAMD21 board's pads (boards/samd21-board.ts part declarations). */
  parts?: readonly Samd21PartSpec[];
}

export interface BoardInfo {
  name: string;
  description: string;
  /** Whether the chip can be built without its CPU (the hosted engine runs on such boards). */
  hostable: boolean;
  create: (options?: BoardOptions) => Board;
}

/** A SAMD21 board from its declaration; `summary` adds what the title does not say. */
function samd21(spec: Samd21BoardSpec, summary: string): BoardInfo {
  return {
    name: spec.name,
    description: `${spec.title} (${summary})`,
    hostable: true,
    create: (o) => buildSamd21Board(spec, { core: o?.core, parts: o?.parts }),
  };
}

/** Test boards have no pads to wire parts to. */
function noParts(name: string, o: BoardOptions | undefined): void {
  if (o?.parts?.length) throw new Error(`board ${name} takes no user-wired parts (only SAMD21 boards do)`);
}

export const BOARDS: BoardInfo[] = [
  ...SAMD21_BOARDS.map((b) => samd21(b.spec, b.summary)),
  {
    name: 'feather_huzzah',
    description: 'Adafruit Feather HUZZAH ESP8266 (ESP8266, 4 MiB flash, red LED GPIO0, blue LED GPIO2, UART0 console; mask ROM emulated)',
    hostable: false,
    create: (o) => (noParts('feather_huzzah', o), createFeatherHuzzah()),
  },
  { name: 'test-m0', description: 'bare Cortex-M0+ with semihosting console (test programs)', hostable: false, create: (o) => (noParts('test-m0', o), createTestM0(o?.commandLine)) },
  {
    name: 'test-lx106',
    description: 'bare Xtensa LX106 with QEMU sim memories and simcall console (test programs)',
    hostable: false,
    create: (o) => (noParts('test-lx106', o), createTestLx106(o?.commandLine)),
  },
];

export function findBoard(name: string): BoardInfo | undefined {
  return BOARDS.find((b) => b.name === name);
}

export type { Board } from './types.js';
