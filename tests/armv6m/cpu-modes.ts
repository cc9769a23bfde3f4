/**
 * Runs a suite once per Cortex-M0+ execution mode: the interpreter, and the block translator
 * with a threshold of 1 (every block is compiled the first time it is dispatched to, so the
 * translated code, not the interpreter, runs nearly everything).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { cpuDefaults, type CpuMode } from '../../cpu-armv6m/core.js';

export const CPU_MODES: readonly CpuMode[] = ['interp', 'jit'];

/** Registers `body`'s tests under "--cpu interp" and "--cpu jit". */
export function forEachCpuMode(body: (mode: CpuMode) => void): void {
  describe.each(CPU_MODES)('--cpu %s', (mode) => {
    const saved = { ...cpuDefaults };
    beforeAll(() => {
      cpuDefaults.mode = mode;
      cpuDefaults.jitThreshold = 1;
    });
    afterAll(() => {
      Object.assign(cpuDefaults, saved);
    });
    body(mode);
  });
}
