/**
 * A CPX with user-wired parts and the hosted common-hal on it, without the worker or the VM: for tests that
 * drive the SAMD21 modules (spi.ts, uart.ts, ...) against part models directly.
 */
import { CPX_SPEC } from '../../boards/cpx.js';
import { buildSamd21Board, type Samd21PartSpec } from '../../boards/samd21-board.js';
import { HostedClock } from '../../firmware-runtime/hosted/clock.js';
import { Samd21Hal } from '../../firmware-runtime/hosted/samd21/hal.js';
import { Samd21Modules } from '../../firmware-runtime/hosted/samd21/modules.js';

export function halRig(parts: readonly Samd21PartSpec[] = []) {
  const board = buildSamd21Board(CPX_SPEC, { core: 'none', parts });
  const clock = new HostedClock(board.machine, new Int32Array(new SharedArrayBuffer(64)), false);
  const hal = new Samd21Hal(board.mcu, clock);
  hal.init();
  const mods = new Samd21Modules(hal, {
    wait: (s) => {
      clock.advance(s);
      return true;
    },
  });
  return { board, clock, hal, mods, parts: board.parts as Record<string, unknown> };
}
