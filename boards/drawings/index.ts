/** Board drawings by id (the `drawing` field of a board's declaration). */
import { CPX_DRAWING } from './cpx.js';
import { METRO_M0_EXPRESS_DRAWING } from './metro-m0-express.js';
import type { BoardDrawing } from './types.js';

export type { BoardDrawing } from './types.js';

export const DRAWINGS: Readonly<Record<string, BoardDrawing>> = { cpx: CPX_DRAWING, metro_m0_express: METRO_M0_EXPRESS_DRAWING };
