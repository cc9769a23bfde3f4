/** The board catalogue: every board the emulator can build, by the name the CLI uses. */
import { createCpx } from './cpx.js';
import { createTestLx106 } from './test-lx106.js';
import { createTestM0 } from './test-m0.js';
import type { Board } from './types.js';

export interface BoardInfo {
  name: string;
  description: string;
  create: (commandLine?: string) => Board;
}

export const BOARDS: BoardInfo[] = [
  { name: 'cpx', description: 'Adafruit Circuit Playground Express (SAMD21G18A, 2 MiB SPI flash, 10 NeoPixels, sensors)', create: createCpx },
  { name: 'test-m0', description: 'bare Cortex-M0+ with semihosting console (test programs)', create: createTestM0 },
  { name: 'test-lx106', description: 'bare Xtensa LX106 with QEMU sim memories and simcall console (test programs)', create: createTestLx106 },
];

export function findBoard(name: string): BoardInfo | undefined {
  return BOARDS.find((b) => b.name === name);
}

export type { Board } from './types.js';
