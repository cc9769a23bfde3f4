/** The board catalogue: every board the emulator can build, by the name the CLI uses. */
import { CPX_SPEC } from './cpx.js';
import { METRO_M0_EXPRESS_SPEC } from './metro-m0-express.js';
import { createFeatherHuzzah } from './feather-huzzah.js';
import { buildSamd21Board, type Samd21BoardSpec, type Samd21PartSpec } from './samd21-board.js';
import { FEATHER_M0_EXPRESS_SPEC } from './feather-m0-express.js';
import { GEMMA_M0_SPEC } from './gemma-m0.js';
import { FEATHER_M0_BASIC_SPEC } from './feather-m0-basic.js';
import { ARDUINO_ZERO_SPEC } from './arduino-zero.js';
import { FEATHER_M0_ADALOGGER_SPEC } from './feather-m0-adalogger.js';
import { FEATHER_M0_BLUEFRUIT_LE_SPEC } from './feather-m0-bluefruit-le.js';
import { TRINKET_M0_SPEC } from './trinket-m0.js';
import { createTestLx106 } from './test-lx106.js';
import { createTestM0 } from './test-m0.js';
import type { Board } from './types.js';
import type { AccessPoint } from '../peripherals/esp8266/wifi-air.js';

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
  /** The WiFi access points around a board with a radio (feather_huzzah; peripherals/esp8266/wifi-air.ts). */
  wifi?: { accessPoints?: readonly AccessPoint[] };
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
    create: (o) => (noWifi(spec.name, o), buildSamd21Board(spec, { core: o?.core, parts: o?.parts })),
  };
}

/** Test boards have no pads to wire parts to. */
function noParts(name: string, o: BoardOptions | undefined): void {
  if (o?.parts?.length) throw new Error(`board ${name} takes no user-wired parts (only SAMD21 boards do)`);
}

/** Only a board with a radio hears access points. */
function noWifi(name: string, o: BoardOptions | undefined): void {
  if (o?.wifi?.accessPoints?.length) throw new Error(`board ${name} has no WiFi radio (access points are for feather_huzzah)`);
}

export const BOARDS: BoardInfo[] = [
  samd21(CPX_SPEC, 'SAMD21G18A, 2 MiB SPI flash, 10 NeoPixels, sensors'),
  samd21(METRO_M0_EXPRESS_SPEC, 'SAMD21G18A, 32 kHz crystal, 2 MiB SPI flash, 1 NeoPixel'),
  samd21(FEATHER_M0_EXPRESS_SPEC, 'SAMD21G18A, 32 kHz crystal, 2 MiB SPI flash on SERCOM2, 1 NeoPixel'),
  samd21(GEMMA_M0_SPEC, 'SAMD21E18A, 64 KiB CIRCUITPY in internal flash, 1 DotStar'),
  samd21(TRINKET_M0_SPEC, 'SAMD21E18A, 64 KiB CIRCUITPY in internal flash, 1 DotStar'),
  samd21(FEATHER_M0_BASIC_SPEC, 'SAMD21G18A, 32 kHz crystal, 64 KiB CIRCUITPY in internal flash'),
  samd21(FEATHER_M0_ADALOGGER_SPEC, 'SAMD21G18A, 32 kHz crystal, microSD slot on SERCOM4 SPI, 64 KiB CIRCUITPY in internal flash'),
  samd21(FEATHER_M0_BLUEFRUIT_LE_SPEC, 'SAMD21G18A, nRF51822 Bluefruit LE module (SDEP over SPI on SERCOM4), 64 KiB CIRCUITPY in internal flash; runs the feather_m0_adalogger firmware'),
  samd21(ARDUINO_ZERO_SPEC, 'SAMD21G18A, EDBG virtual COM port on SERCOM5, native USB, 64 KiB CIRCUITPY in internal flash'),
  {
    name: 'feather_huzzah',
    description: 'Adafruit Feather HUZZAH ESP8266 (ESP8266, 4 MiB flash, red LED GPIO0, blue LED GPIO2, UART0 console; mask ROM emulated)',
    hostable: false,
    create: (o) => (noParts('feather_huzzah', o), createFeatherHuzzah({ wifi: o?.wifi })),
  },
  { name: 'test-m0', description: 'bare Cortex-M0+ with semihosting console (test programs)', hostable: false, create: (o) => (noParts('test-m0', o), noWifi('test-m0', o), createTestM0(o?.commandLine)) },
  {
    name: 'test-lx106',
    description: 'bare Xtensa LX106 with QEMU sim memories and simcall console (test programs)',
    hostable: false,
    create: (o) => (noParts('test-lx106', o), noWifi('test-lx106', o), createTestLx106(o?.commandLine)),
  },
];

export function findBoard(name: string): BoardInfo | undefined {
  return BOARDS.find((b) => b.name === name);
}

export type { Board } from './types.js';
