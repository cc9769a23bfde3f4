/**
 * Real firmware in both CPU modes: CircuitPython (and MicroPython) must boot identically with
 * the interpreter and with the block translator: the same console bytes, the REPL prompt at the
 * same cycle, the same instruction count. The images are third-party and not in the repository:
 * they are read from $CIRCUITEMU_FIRMWARE_DIR, and these tests are skipped, with a message, when
 * it is not set (see DEVELOPERS.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuDefaults, type CortexM0Plus, type CpuMode } from '../../cpu-armv6m/core.js';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const TARGETS = [
  { file: 'circuitpython-cpx.uf2', steps: [['', 'Press any key'], ['\r', '>>> ']] },
  { file: 'micropython-samd21.uf2', steps: [['', '>>> ']] },
] as const;

interface Boot {
  out: string;
  cycles: number;
  instructions: number;
  compiled: number;
}

function boot(path: string, steps: readonly (readonly [string, string])[], mode: CpuMode): Boot {
  const saved = { ...cpuDefaults };
  Object.assign(cpuDefaults, { mode, jitThreshold: 50 });
  const board = createBoard('cpx');
  Object.assign(cpuDefaults, saved);
  const { console } = connectConsole(board);
  let out = '';
  console.onData((b) => (out += new TextDecoder().decode(b)));
  loadFirmware(board, readFileSync(path), path);
  const m = board.machine;
  for (const [input, prompt] of steps) {
    const from = out.length;
    if (input) console.write(new TextEncoder().encode(input));
    while (out.indexOf(prompt, from) < 0 && m.scheduler.seconds < 30 && !m.halt) m.runFor(0.01);
  }
  const core = m.core as CortexM0Plus;
  return { out, cycles: m.scheduler.cycles, instructions: core.instructions, compiled: core.translator.compiled };
}

describe('real firmware boots identically with --cpu interp and --cpu jit', () => {
  for (const t of TARGETS) {
    const path = dir ? join(dir, t.file) : '';
    if (!path || !existsSync(path)) {
      console.warn(`[tests/armv6m/firmware-modes] SKIPPED ${t.file}: set CIRCUITEMU_FIRMWARE_DIR to a folder with it (see DEVELOPERS.md)`);
      it.skip(`${t.file}: needs CIRCUITEMU_FIRMWARE_DIR`, () => {});
      continue;
    }
    it(`${t.file}: same console bytes, same cycle and instruction count at the REPL prompt`, () => {
      const interp = boot(path, t.steps, 'interp');
      const jit = boot(path, t.steps, 'jit');
      expect(interp.out.endsWith('>>> ')).toBe(true);
      expect(jit.compiled).toBeGreaterThan(0);
      expect(jit.out).toBe(interp.out);
      expect(jit.cycles).toBe(interp.cycles);
      expect(jit.instructions).toBe(interp.instructions);
    }, 300_000);
  }
});
