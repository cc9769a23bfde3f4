/**
 * The LX106 translator's own guarantees beyond "same results as the interpreter" (which
 * lockstep.test.ts checks): falling back to the interpreter where `new Function` is refused,
 * dropping compiled code when code memory is rewritten behind the core, leaving ICOUNT
 * stepping to the interpreter, and bounded compiled code.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { lx106Defaults, type Lx106Mode } from '../../cpu-xtensa/lx106.js';
import { MAX_BLOCK_INSTRUCTIONS } from '../../cpu-xtensa/translator.js';
import { SR } from '../../cpu-xtensa/constants.js';
import { XtensaAsm } from '../helpers/xtensa-asm.js';
import { CODE, makeFixture, run, type Fixture } from './fixture.js';

/** a4 = sum over 300 iterations of (movi a5, K; add a4, a4, a5); then `j .` (the fixture's end). */
function loop(k: number) {
  return (asm: XtensaAsm) => {
    asm.movi(4, 0).movi(6, 300);
    asm.label('loop');
    asm.movi(5, k).add(4, 4, 5).addi(6, 6, -1).bnez(6, 'loop');
  };
}

function fixture(mode: Lx106Mode, threshold = 1): Fixture {
  const saved = { ...lx106Defaults };
  Object.assign(lx106Defaults, { mode, jitThreshold: threshold });
  try {
    return makeFixture();
  } finally {
    Object.assign(lx106Defaults, saved);
  }
}

describe('LX106 translator', () => {
  const realFunction = globalThis.Function;
  afterEach(() => {
    globalThis.Function = realFunction;
  });

  it('the program used here computes 300 * K in both modes, with the same cycle count', () => {
    const cycles: number[] = [];
    for (const mode of ['interp', 'jit'] as const) {
      const fx = fixture(mode);
      const r = run(loop(7), { fixture: fx });
      expect(r.core.pc).toBe(r.end);
      expect(r.a[4]).toBe(2100);
      expect(fx.core.translator.compiles > 0).toBe(mode === 'jit');
      cycles.push(fx.scheduler.cycles);
    }
    expect(cycles[1]).toBe(cycles[0]);
  });

  it('falls back to the interpreter, and says so once, where new Function is refused (CSP)', () => {
    const messages: string[] = [];
    const fx = fixture('jit');
    fx.core.options.onMessage = (text) => messages.push(text);
    globalThis.Function = function refused() {
      throw new EvalError('Refused to evaluate a string as JavaScript (unsafe-eval)');
    } as unknown as FunctionConstructor;
    const r = run(loop(9), { fixture: fx });
    globalThis.Function = realFunction;
    expect(r.a[4]).toBe(2700);
    expect(fx.core.mode).toBe('interp');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/translator is unavailable.*interpreter/);
    fx.core.setMode('jit'); // stays refused
    expect(fx.core.mode).toBe('interp');
  });

  it('drops compiled code when code memory is rewritten behind the core (Memory.onWrite)', () => {
    const fx = fixture('jit');
    expect(run(loop(3), { fixture: fx }).a[4]).toBe(900);
    const compiles = fx.core.translator.compiles;
    expect(compiles).toBeGreaterThan(0);
    // The same program with K = 5, written over the old one (a loader, a DMA), then run again
    // without a reset (which would drop everything anyway): the new code runs.
    const asm = new XtensaAsm(CODE);
    loop(5)(asm);
    fx.code.load(0, asm.assemble());
    fx.core.pc = CODE;
    const limit = fx.scheduler.cycles + 100_000;
    const end = CODE + asm.assemble().length;
    while (fx.core.pc !== end && fx.scheduler.cycles < limit) fx.machine.runUntil(fx.scheduler.cycles + 64);
    expect(fx.core.a[4]).toBe(1500);
    expect(fx.core.translator.compiles).toBeGreaterThan(compiles);
  });

  it('a store by the program into its own block is left to the interpreter, which drops the block', () => {
    // loop: s8i a7, a8, 2 rewrites the immediate byte of `movi a5, K` (its third byte) just
    // ahead in the same block; a7 counts up, so pass k adds k.
    const fx = fixture('jit');
    const r = run(
      (asm) => {
        asm.j('start');
        asm.align(4);
        asm.label('patch_addr');
        asm.word(0); // filled in below, once the labels are resolved
        asm.label('start');
        asm.movi(4, 0).movi(6, 100).movi(7, 0).l32r(8, 'patch_addr');
        asm.label('loop');
        asm.addi(7, 7, 1).s8i(7, 8, 2);
        asm.label('patch');
        asm.movi(5, 0).add(4, 4, 5).addi(6, 6, -1).bnez(6, 'loop');
      },
      { fixture: fx, cycles: 1 },
    );
    fx.code.store(r.at('patch_addr') - CODE, 4, r.at('patch'));
    fx.core.reset();
    const limit = fx.scheduler.cycles + 1_000_000;
    while (fx.core.pc !== r.end && fx.scheduler.cycles < limit) fx.machine.runUntil(fx.scheduler.cycles + 64);
    expect(fx.core.pc).toBe(r.end);
    expect(fx.core.a[4]).toBe(5050); // 1 + 2 + ... + 100
    expect(fx.core.translator.compiles).toBeGreaterThan(0);
  });

  it('leaves ICOUNT stepping to the interpreter (and counts every instruction of the loop)', () => {
    const fx = fixture('jit');
    const r = run(
      (asm) => {
        asm.movi(3, 1).wsr(3, SR.ICOUNTLEVEL);
        loop(2)(asm);
      },
      { fixture: fx, ps: 0 },
    );
    expect(r.a[4]).toBe(600);
    expect(fx.core.translator.entry(r.at('loop')).fn).toBeNull();
    expect(fx.core.icount).toBeGreaterThanOrEqual(2 + 300 * 4);
  });

  it('blocks are at most MAX_BLOCK_INSTRUCTIONS long: straight-line code with no branch still meets the deadline', () => {
    const fx = fixture('jit');
    const r = run((asm) => {
      for (let i = 0; i < 3 * MAX_BLOCK_INSTRUCTIONS; i++) asm.addi(4, 4, 1);
    }, { fixture: fx, a: { 4: 0 } });
    expect(r.a[4]).toBe(3 * MAX_BLOCK_INSTRUCTIONS);
  });
});
