/**
 * The Cortex-M0+ translator's own guarantees beyond "same results as the interpreter" (which
 * lockstep.test.ts checks): falling back to the interpreter where `new Function` is refused,
 * dropping compiled code when memory is rewritten behind the core, and the mode switch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTestM0 } from '../../boards/test-m0.js';
import { cpuDefaults, type CortexM0Plus } from '../../cpu-armv6m/core.js';
import type { Memory } from '../../emulator/kernel/bus.js';
import type { Board } from '../../boards/types.js';

const w32 = (list: number[]) => new Uint8Array(new Uint32Array(list).buffer);
const h16 = (list: number[]) => new Uint8Array(new Uint16Array(list).buffer);

/**
 * At 0x100: r4 = sum over 300 iterations of (movs r0, #K; adds r4, r0), then semihosting exit.
 * K is the low byte of halfword 2 (address 0x104).
 */
function program(k: number): Uint8Array {
  const code = [
    0x2400, 0x4e05 /* ldr r6, [pc, #20] = 300 */, 0x2000 | k, 0x1824, 0x3e01, 0xd1fb,
    0x2018, 0x2102, 0x0409, 0x3126, 0xbeab, 0xe7fe, 300, 0,
  ];
  const image = new Uint8Array(0x100 + code.length * 2);
  image.set(w32([0x20008000, 0x101]));
  image.set(h16(code), 0x100);
  return image;
}

function flash(board: Board): Memory {
  return board.machine.bus.lookup(0)!.device as Memory;
}

function machine(k: number, threshold = 1) {
  const saved = { ...cpuDefaults };
  Object.assign(cpuDefaults, { mode: 'jit', jitThreshold: threshold });
  const board = createTestM0('t');
  Object.assign(cpuDefaults, saved);
  board.load([{ address: 0, data: program(k) }]);
  return { board, core: board.machine.core as CortexM0Plus };
}

describe('Cortex-M0+ translator', () => {
  const realFunction = globalThis.Function;
  afterEach(() => {
    globalThis.Function = realFunction;
  });

  it('the program used here computes 300 * K in both modes', () => {
    for (const mode of ['interp', 'jit'] as const) {
      const { board, core } = machine(7);
      core.setMode(mode);
      expect(board.machine.runFor(0.01)?.reason).toBe('exit');
      expect(core.r[4]).toBe(2100);
      expect(core.translator.compiled > 0).toBe(mode === 'jit');
    }
  });

  it('falls back to the interpreter, and says so once, where new Function is refused (CSP)', () => {
    const messages: string[] = [];
    const { board, core } = machine(9);
    core.options.onMessage = (text) => messages.push(text);
    // A strict Content Security Policy makes `new Function` throw an EvalError.
    globalThis.Function = function refused() {
      throw new EvalError('Refused to evaluate a string as JavaScript (unsafe-eval)');
    } as unknown as FunctionConstructor;
    expect(board.machine.runFor(0.01)?.reason).toBe('exit');
    globalThis.Function = realFunction;
    expect(core.r[4]).toBe(2700);
    expect(core.mode).toBe('interp');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/translator is unavailable.*interpreter/);
    core.setMode('jit'); // stays refused: the interpreter keeps running
    expect(core.mode).toBe('interp');
  });

  it('drops compiled code when flash is rewritten behind the core (Memory.onWrite: NVMCTRL, loaders)', () => {
    const { board, core } = machine(3);
    expect(board.machine.runFor(0.01)?.reason).toBe('exit');
    expect(core.r[4]).toBe(900);
    const compiled = core.translator.compiled;
    expect(compiled).toBeGreaterThan(0);
    // Rewrite `movs r0, #3` to `movs r0, #5` behind the core, as NVMCTRL's page write does.
    flash(board).store(0x104, 2, 0x2005);
    expect(core.translator.compiled).toBeLessThan(compiled);
    // Run it again from the top, without a reset (which would drop everything anyway).
    core.pc = 0x100;
    board.machine.halt = null;
    expect(board.machine.runFor(0.01)?.reason).toBe('exit');
    expect(core.r[4]).toBe(1500);
  });

  it('keeps compiled code when nothing is written into its pages', () => {
    const { board, core } = machine(3);
    board.machine.runFor(0.01);
    const compiled = core.translator.compiled;
    flash(board).store(0x200, 2, 0x2005); // another 64-byte page
    expect(core.translator.compiled).toBe(compiled);
  });

  it('a loop polling the SCS stays compiled: the access runs inside the block, with the cycles of the interpreter', () => {
    // 0x100: movs r4, #0; ldr r6, =300; ldr r1, =0xE000E018 (SYST_CVR)
    // loop:  ldr r0, [r1]; adds r4, #1; subs r6, #1; bne loop; then semihosting exit
    const code = [
      0x2400, 0x4e06, 0x4906, 0x6808, 0x3401, 0x3e01, 0xd1fb,
      0x2018, 0x2102, 0x0409, 0x3126, 0xbeab, 0xe7fe, 0xbf00, 300, 0, 0xe018, 0xe000,
    ];
    const image = new Uint8Array(0x100 + code.length * 2);
    image.set(w32([0x20008000, 0x101]));
    image.set(h16(code), 0x100);
    const cycles: number[] = [];
    for (const mode of ['interp', 'jit'] as const) {
      const { board, core } = machine(0);
      core.setMode(mode);
      board.load([{ address: 0, data: image }]);
      expect(board.machine.runFor(0.01)?.reason).toBe('exit');
      expect(core.r[4]).toBe(300);
      cycles.push(board.machine.scheduler.cycles);
      if (mode === 'jit') {
        const loop = core.translator.lookup(0x100)!; // its region holds the loop
        expect(loop.fn).not.toBeNull();
        expect(loop.calls).toBeGreaterThan(0);
        expect(loop.bails).toBe(1); // once, before the BKPT after the loop: none for the 300 SCS reads
      }
    }
    expect(cycles[1]).toBe(cycles[0]);
  });

  it('a cold block stays interpreted until its threshold', () => {
    const { board, core } = machine(1, 1_000_000);
    expect(board.machine.runFor(0.01)?.reason).toBe('exit');
    expect(core.r[4]).toBe(300);
    expect(core.translator.compiled).toBe(0);
  });
});
