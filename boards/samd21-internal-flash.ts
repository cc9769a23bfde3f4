/**
 * Where CircuitPython keeps CIRCUITPY on SAMD21 boards without an SPI flash (INTERNAL_FLASH_FILESYSTEM
 * = 1: Gemma M0, Trinket M0, Feather M0 Basic/Adalogger, Arduino Zero). From the top of the 256 KiB
 * flash down (ports/atmel-samd/mpconfigport.h "Flash layout", as the generated common.ld of those
 * builds resolves it): microcontroller.nvm, 256 bytes at 0x3FF00; the internal config, 0 bytes;
 * the filesystem, 64 KiB (CIRCUITPY_INTERNAL_FLASH_FILESYSTEM_SIZE) below it, at 0x2FF00.
 */
import type { CircuitpyPlacement } from './samd21-board.js';

const FLASH_SIZE = 0x40000;
const NVM_SIZE = 256;
const CONFIG_SIZE = 0;
const FILESYSTEM_SIZE = 64 * 1024;

export const SAMD21_INTERNAL_CIRCUITPY = {
  kind: 'internal-flash',
  offset: FLASH_SIZE - NVM_SIZE - CONFIG_SIZE - FILESYSTEM_SIZE,
  size: FILESYSTEM_SIZE,
} as const satisfies CircuitpyPlacement;
