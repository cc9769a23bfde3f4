/**
 * The SAMD21 boards' declarations, without building anything: what a caller needs before (or instead of) a
 * board, such as the hosted engine's main thread (names, and the size of the CIRCUITPY storage it prepares).
 * Importing this loads the board files (data) only, not the chip and its CPU: boards/index.ts builds them.
 */
import { CPX_SPEC } from './cpx.js';
import { METRO_M0_EXPRESS_SPEC } from './metro-m0-express.js';
import { FEATHER_M0_EXPRESS_SPEC } from './feather-m0-express.js';
import { GEMMA_M0_SPEC } from './gemma-m0.js';
import { TRINKET_M0_SPEC } from './trinket-m0.js';
import { FEATHER_M0_BASIC_SPEC } from './feather-m0-basic.js';
import { FEATHER_M0_ADALOGGER_SPEC } from './feather-m0-adalogger.js';
import { FEATHER_M0_BLUEFRUIT_LE_SPEC } from './feather-m0-bluefruit-le.js';
import { ARDUINO_ZERO_SPEC } from './arduino-zero.js';
import { GD25Q16C } from '../peripherals/devices/gd25q16c.js';
import type { Samd21BoardSpec } from './samd21-board.js';

/** Every SAMD21 board, in the catalogue's order, with what its title does not say. */
export const SAMD21_BOARDS: readonly { spec: Samd21BoardSpec; summary: string }[] = [
  { spec: CPX_SPEC, summary: 'SAMD21G18A, 2 MiB SPI flash, 10 NeoPixels, sensors' },
  { spec: METRO_M0_EXPRESS_SPEC, summary: 'SAMD21G18A, 32 kHz crystal, 2 MiB SPI flash, 1 NeoPixel' },
  { spec: FEATHER_M0_EXPRESS_SPEC, summary: 'SAMD21G18A, 32 kHz crystal, 2 MiB SPI flash on SERCOM2, 1 NeoPixel' },
  { spec: GEMMA_M0_SPEC, summary: 'SAMD21E18A, 64 KiB CIRCUITPY in internal flash, 1 DotStar' },
  { spec: TRINKET_M0_SPEC, summary: 'SAMD21E18A, 64 KiB CIRCUITPY in internal flash, 1 DotStar' },
  { spec: FEATHER_M0_BASIC_SPEC, summary: 'SAMD21G18A, 32 kHz crystal, 64 KiB CIRCUITPY in internal flash' },
  { spec: FEATHER_M0_ADALOGGER_SPEC, summary: 'SAMD21G18A, 32 kHz crystal, microSD slot on SERCOM4 SPI, 64 KiB CIRCUITPY in internal flash' },
  {
    spec: FEATHER_M0_BLUEFRUIT_LE_SPEC,
    summary: 'SAMD21G18A, nRF51822 Bluefruit LE module (SDEP over SPI on SERCOM4), 64 KiB CIRCUITPY in internal flash; runs the feather_m0_adalogger firmware',
  },
  { spec: ARDUINO_ZERO_SPEC, summary: 'SAMD21G18A, EDBG virtual COM port on SERCOM5, native USB, 64 KiB CIRCUITPY in internal flash' },
];

export function samd21Spec(name: string): Samd21BoardSpec | undefined {
  return SAMD21_BOARDS.find((b) => b.spec.name === name)?.spec;
}

/** SPI flash parts a board can declare, by part name. */
const SPI_FLASH_SIZES: Record<string, number> = { [GD25Q16C.part]: GD25Q16C.size };

/**
 * Where a board keeps CIRCUITPY and how many bytes its storage has (what `board.circuitpy.bytes` holds once
 * built: the whole SPI flash, or the internal-flash region), from the declaration alone.
 */
export function circuitpyLayout(spec: Samd21BoardSpec): { kind: 'spi-flash' | 'internal-flash'; size: number } {
  const placement = spec.circuitpy;
  if (placement.kind === 'internal-flash') return { kind: 'internal-flash', size: placement.size };
  const part = spec.parts.find((p) => p.id === placement.part);
  const size = part?.type === 'spi-flash' ? SPI_FLASH_SIZES[part.part] : undefined;
  if (size === undefined) throw new Error(`${spec.name}: CIRCUITPY part '${placement.part}' is not an SPI flash`);
  return { kind: 'spi-flash', size };
}
