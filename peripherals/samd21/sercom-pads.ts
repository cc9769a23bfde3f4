/**
 * Where each SERCOM's pads can come out: data sheet DS40001882 table 7-1 "PORT Function
 * Multiplexing", columns C ("SERCOM") and D ("SERCOM-ALT"), for the pins bonded out on the
 * 48-pin G package and the 32-pin E package. A pin carries at most one SERCOM pad per function,
 * and no pin carries the same SERCOM on both C and D, so (pin, SERCOM n) names exactly one pad
 * and one multiplexer letter.
 *
 * Pins of the 64-pin J package only (PB04-PB07, PB12-PB17, PB00/PB01, PB30/PB31 ...) are left out:
 * the model's variants are G18A and E18A. Pins of table 7-1 that carry no SERCOM on C or D
 * (PA02, PA03, PA27, PA28) are absent.
 *
 * Table 7-1 also marks some pins as "I2C" type (full I2C drive/hysteresis, needed for Fm+/Hs
 * speeds). Standard and fast mode work on any SERCOM pin, and boards rely on that (the CPX
 * accelerometer on PA00/PA01), so the model does not restrict I2C to those pins.
 */
import { bondedPins, type Variant } from './memory-map.js';

export type SercomPadFunction = 'C' | 'D';

/** Routed-signal bits returned by `Sercom.spiRouting()` (here, not in sercom.ts: the engines
 *  need them while sercom.ts is still importing them). */
export const SPI_ROUTE = { MOSI: 1, SCK: 2, MISO: 4 } as const;
/** Routed-signal bits returned by `Sercom.uartRouting()`. */
export const UART_ROUTE = { TX: 1, RX: 2 } as const;

/** One entry of table 7-1: SERCOM n / PAD[x] on multiplexer function C or D. */
export type SercomPadLocation = readonly [sercom: number, pad: number, fn: SercomPadFunction];

/** Pin name → the SERCOM pads it can carry (function C first). */
export const SERCOM_PADS: Readonly<Record<string, readonly SercomPadLocation[]>> = {
  PA00: [[1, 0, 'D']],
  PA01: [[1, 1, 'D']],
  PA04: [[0, 0, 'D']],
  PA05: [[0, 1, 'D']],
  PA06: [[0, 2, 'D']],
  PA07: [[0, 3, 'D']],
  PA08: [[0, 0, 'C'], [2, 0, 'D']],
  PA09: [[0, 1, 'C'], [2, 1, 'D']],
  PA10: [[0, 2, 'C'], [2, 2, 'D']],
  PA11: [[0, 3, 'C'], [2, 3, 'D']],
  PA12: [[2, 0, 'C'], [4, 0, 'D']],
  PA13: [[2, 1, 'C'], [4, 1, 'D']],
  PA14: [[2, 2, 'C'], [4, 2, 'D']],
  PA15: [[2, 3, 'C'], [4, 3, 'D']],
  PA16: [[1, 0, 'C'], [3, 0, 'D']],
  PA17: [[1, 1, 'C'], [3, 1, 'D']],
  PA18: [[1, 2, 'C'], [3, 2, 'D']],
  PA19: [[1, 3, 'C'], [3, 3, 'D']],
  PA20: [[5, 2, 'C'], [3, 2, 'D']],
  PA21: [[5, 3, 'C'], [3, 3, 'D']],
  PA22: [[3, 0, 'C'], [5, 0, 'D']],
  PA23: [[3, 1, 'C'], [5, 1, 'D']],
  PA24: [[3, 2, 'C'], [5, 2, 'D']],
  PA25: [[3, 3, 'C'], [5, 3, 'D']],
  PA30: [[1, 2, 'D']],
  PA31: [[1, 3, 'D']],
  PB02: [[5, 0, 'D']],
  PB03: [[5, 1, 'D']],
  PB08: [[4, 0, 'D']],
  PB09: [[4, 1, 'D']],
  PB10: [[4, 2, 'D']],
  PB11: [[4, 3, 'D']],
  PB22: [[5, 2, 'D']],
  PB23: [[5, 3, 'D']],
};

/** The SERCOM pads `pin` can carry on `variant` (empty when none, or the pin is not bonded out). */
export function sercomPadsOn(pin: string, variant: Variant): readonly SercomPadLocation[] {
  if (!bondedPins(variant).includes(pin)) return [];
  return SERCOM_PADS[pin] ?? [];
}

/**
 * Where SERCOM `sercom` sits on `pin`: its pad number and the PMUX function that selects it.
 * Throws when the pin cannot carry that SERCOM on this package (a board wiring bug).
 */
export function sercomPadLocation(pin: string, sercom: number, variant: Variant): { pad: number; fn: SercomPadFunction } {
  const here = sercomPadsOn(pin, variant);
  const hit = here.find(([n]) => n === sercom);
  if (hit) return { pad: hit[1], fn: hit[2] };
  const what = here.length ? here.map(([n, p, f]) => `SERCOM${n}/PAD[${p}] (function ${f})`).join(', ') : 'no SERCOM';
  throw new Error(
    `SAMD21${variant}: pin ${pin} cannot carry SERCOM${sercom} (data sheet table 7-1: it carries ${what}` +
      (bondedPins(variant).includes(pin) ? ')' : `; it is not bonded out on the ${variant} package)`),
  );
}
