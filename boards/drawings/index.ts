/** Board drawings by id (the `drawing` field of a board's declaration). */
import { CPX_DRAWING } from './cpx.js';
import { METRO_M0_EXPRESS_DRAWING } from './metro-m0-express.js';
import { ARDUINO_ZERO_DRAWING } from './arduino-zero.js';
import {
  FEATHER_M0_ADALOGGER_DRAWING, FEATHER_M0_BASIC_DRAWING, FEATHER_M0_BLUEFRUIT_LE_DRAWING, FEATHER_M0_EXPRESS_DRAWING,
} from './feather-m0.js';
import { GEMMA_M0_DRAWING } from './gemma-m0.js';
import { TRINKET_M0_DRAWING } from './trinket-m0.js';
import { FEATHER_HUZZAH_DRAWING } from './feather-huzzah.js';
import type { BoardDrawing } from './types.js';

export type { BoardDrawing } from './types.js';

export const DRAWINGS: Readonly<Record<string, BoardDrawing>> = Object.fromEntries(
  [
    CPX_DRAWING, METRO_M0_EXPRESS_DRAWING, FEATHER_M0_EXPRESS_DRAWING, FEATHER_M0_BASIC_DRAWING, FEATHER_M0_ADALOGGER_DRAWING,
    FEATHER_M0_BLUEFRUIT_LE_DRAWING, GEMMA_M0_DRAWING, TRINKET_M0_DRAWING, ARDUINO_ZERO_DRAWING,
    FEATHER_HUZZAH_DRAWING,
  ].map((d) => [d.id, d]),
);
