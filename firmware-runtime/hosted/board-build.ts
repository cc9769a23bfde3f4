/**
 * The hosted engine's board: chip and parts, no CPU (the engine drives the chip from TypeScript). Kept apart
 * from boards.ts, which the main thread imports for the boards' names and figures without the chip's code.
 */
import { buildSamd21Board, type Samd21Board } from '../../boards/samd21-board.js';
import { samd21Spec } from '../../boards/samd21-catalogue.js';
import { hostedBoard } from './boards.js';

export function createHostedBoard(name: string): Samd21Board {
  hostedBoard(name);
  const spec = samd21Spec(name);
  if (!spec) throw new Error(`board '${name}' cannot be built without its CPU`);
  return buildSamd21Board(spec, { core: 'none' });
}
