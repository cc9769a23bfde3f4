/**
 * XEA2 exceptions and interrupts on the LX106: vectors relative to VECBASE, EXCCAUSE/EPC1/
 * EXCVADDR/DEPC, PS.EXCM/UM/INTLEVEL, level-1 interrupts, NMI at level 3, CCOMPARE0, WAITI,
 * debug exceptions (BREAK, IBREAK), and faults that stop the machine.
 */
import { describe, expect, test } from 'vitest';
import { Memory } from '../../emulator/kernel/bus.js';
import { XtensaAsm } from '../helpers/xtensa-asm.js';
import { CODE, DATA, VECTORS, makeFixture, run, type SnippetOptions } from './fixture.js';

const DEBUG_VEC = VECTORS + 0x10;
const NMI_VEC = VECTORS + 0x20;
const KERNEL_VEC = VECTORS + 0x30;
const USER_VEC = VECTORS + 0x50;
const DOUBLE_VEC = VECTORS + 0x70;

/** Every vector is a `j .` loop, so the core parks at the vector it took. */
const parkAtVectors = (v: XtensaAsm) => {
  for (const addr of [DEBUG_VEC, NMI_VEC, KERNEL_VEC, USER_VEC, DOUBLE_VEC]) {
    v.org(addr);
    v.label(`v${addr}`);
    v.j(`v${addr}`);
  }
};

function trap(body: (x: XtensaAsm) => void, opts: SnippetOptions = {}) {
  return run(body, { vectors: parkAtVectors, cycles: 2000, ...opts });
}

describe('general exceptions', () => {
  test('SYSCALL in user mode (PS.UM) enters the user vector with EXCCAUSE 1, EPC1 at the SYSCALL', () => {
    const r = trap((x) => x.nop().syscall(), { ps: 0x20 });
    expect(r.core.pc).toBe(USER_VEC);
    expect(r.core.exccause).toBe(1);
    expect(r.core.epc[1]).toBe(CODE + 3);
    expect(r.core.ps & 0x10).toBe(0x10);
  });
  test('SYSCALL in kernel mode enters the kernel vector', () => {
    const r = trap((x) => x.syscall(), { ps: 0 });
    expect(r.core.pc).toBe(KERNEL_VEC);
    expect(r.core.exccause).toBe(1);
  });
  test('VECBASE relocates the vectors', () => {
    const r = run((x) => x.wsr(2, 231).syscall(), {
      ps: 0,
      a: { 2: VECTORS + 0x1000 },
      cycles: 500,
      vectors: (v) => {
        v.org(VECTORS + 0x1030);
        v.label('k');
        v.j('k');
      },
    });
    expect(r.core.pc).toBe(VECTORS + 0x1030);
  });
  test('an exception with PS.EXCM set is a double exception: DEPC, double vector, EPC1 kept', () => {
    const r = trap((x) => x.ill(), { ps: 0x10 });
    expect(r.core.pc).toBe(DOUBLE_VEC);
    expect(r.core.depc).toBe(CODE);
    expect(r.core.epc[1]).toBe(0);
    expect(r.core.exccause).toBe(0);
  });
  test('RFE returns to EPC1 and clears PS.EXCM; the handler skips the SYSCALL', () => {
    const r = run((x) => x.movi(4, 1).syscall().movi(4, 2), {
      ps: 0x20,
      vectors: (v) => {
        v.org(USER_VEC);
        v.rsr(2, 177).addi(2, 2, 3).wsr(2, 177).movi(5, 7).rfe();
      },
    });
    expect(r.core.pc).toBe(r.end);
    expect(r.a[4]).toBe(2);
    expect(r.a[5]).toBe(7);
    expect(r.core.ps).toBe(0x20);
  });
  test('RFDE returns to DEPC without touching PS', () => {
    const r = run((x) => x.ill().movi(4, 9), {
      ps: 0x10,
      vectors: (v) => {
        v.org(DOUBLE_VEC);
        v.rsr(2, 192).addi(2, 2, 3).wsr(2, 192).rfde();
      },
    });
    expect(r.core.pc).toBe(r.end);
    expect(r.a[4]).toBe(9);
    expect(r.core.ps).toBe(0x10);
  });
  test('unaligned L32I and S16I raise LoadStoreAlignment (9) with EXCVADDR', () => {
    let r = trap((x) => x.l32i(3, 2, 4), { ps: 0, a: { 2: DATA + 1, 3: 55 } });
    expect([r.core.pc, r.core.exccause, r.core.excvaddr >>> 0, r.a[3]]).toEqual([KERNEL_VEC, 9, DATA + 5, 55]);
    r = trap((x) => x.s16i(3, 2, 0), { ps: 0, a: { 2: DATA + 3 } });
    expect([r.core.pc, r.core.exccause, r.core.excvaddr >>> 0]).toEqual([KERNEL_VEC, 9, DATA + 3]);
  });
  test('a load from unmapped memory raises LoadStorePIFAddrError (15), as QEMU', () => {
    const r = trap((x) => x.l8ui(3, 2, 0), { ps: 0, a: { 2: 0x12345678 } });
    expect([r.core.pc, r.core.exccause, r.core.excvaddr >>> 0]).toEqual([KERNEL_VEC, 15, 0x12345678]);
  });
  test('a store a device refuses (read-only memory) raises LoadStoreError (3)', () => {
    const fx = makeFixture();
    fx.bus.map('rom', 0x3ff40000, 0x1000, new Memory(0x1000, true));
    const r = trap((x) => x.s32i(3, 2, 0), { ps: 0, a: { 2: 0x3ff40000 }, fixture: fx });
    expect([r.core.pc, r.core.exccause, r.core.excvaddr >>> 0]).toEqual([KERNEL_VEC, 3, 0x3ff40000]);
  });
  test('fetching from unmapped memory raises InstrPIFAddrError (14) at the target', () => {
    const r = trap((x) => x.jx(2), { ps: 0, a: { 2: 0x20000000 } });
    expect([r.core.pc, r.core.exccause, r.core.epc[1] >>> 0, r.core.excvaddr >>> 0]).toEqual([
      KERNEL_VEC, 14, 0x20000000, 0x20000000,
    ]);
  });
  test('SIMCALL without a semihosting handler is IllegalInstruction', () => {
    const r = trap((x) => x.simcall(), { ps: 0 });
    expect([r.core.pc, r.core.exccause]).toEqual([KERNEL_VEC, 0]);
  });
});

describe('interrupts', () => {
  test('a level-1 interrupt is a general exception with EXCCAUSE 4 at the interrupted PC', () => {
    const fx = makeFixture();
    const r = trap((x) => x.label('spin').j('spin'), { ps: 0, fixture: fx, cycles: 100 });
    const spin = CODE;
    expect(r.core.pc).toBe(spin);
    r.core.intenable = 1 << 3;
    r.core.setInterrupt(3, true);
    fx.machine.runFor(0.000001);
    expect(r.core.pc).toBe(KERNEL_VEC);
    expect(r.core.exccause).toBe(4);
    expect(r.core.epc[1]).toBe(spin);
    expect(r.core.interrupt & (1 << 3)).toBe(1 << 3); // level-type: follows the line
    r.core.setInterrupt(3, false);
    expect(r.core.interrupt & (1 << 3)).toBe(0);
  });
  test('PS.INTLEVEL >= 1 or PS.EXCM masks level-1 interrupts; INTENABLE too', () => {
    for (const ps of [0x01, 0x10]) {
      const fx = makeFixture();
      const r = trap((x) => x.label('spin').j('spin'), { ps, fixture: fx, cycles: 100 });
      r.core.intenable = 1;
      r.core.setInterrupt(0, true);
      fx.machine.runFor(0.000001);
      expect(r.core.pc).toBe(CODE);
    }
    const fx = makeFixture();
    const r = trap((x) => x.label('spin').j('spin'), { ps: 0, fixture: fx, cycles: 100 });
    r.core.setInterrupt(0, true);
    fx.machine.runFor(0.000001);
    expect(r.core.pc).toBe(CODE);
  });
  test('edge-type lines latch on a rising edge and INTCLEAR clears them', () => {
    const r = trap((x) => x.nop());
    r.core.setInterrupt(9, true);
    r.core.setInterrupt(9, false);
    expect(r.core.interrupt & (1 << 9)).toBe(1 << 9);
    r.core.writeSpecial(227, 1 << 9);
    expect(r.core.interrupt & (1 << 9)).toBe(0);
  });
  test('the software interrupt (INTSET bit 7) is taken right after the WSR that enables it', () => {
    const r = trap((x) => x.wsr(2, 228).wsr(2, 226).movi(4, 1), { ps: 0, a: { 2: 0x80 } });
    expect(r.core.pc).toBe(KERNEL_VEC);
    expect(r.core.exccause).toBe(4);
    expect(r.core.epc[1]).toBe(CODE + 6);
    expect(r.a[4]).toBe(0);
  });
  test('RSIL raises the level; lowering it with WSR PS lets the pending interrupt in', () => {
    const r = trap((x) => x.rsil(5, 1).wsr(2, 228).wsr(2, 226).movi(4, 1).wsr(5, 230).movi(4, 2), {
      ps: 0,
      a: { 2: 0x80 },
    });
    expect(r.core.pc).toBe(KERNEL_VEC);
    expect(r.a[4]).toBe(1);
    expect(r.core.epc[1]).toBe(CODE + 15);
  });
  test('NMI (line 14) is taken at level 3 whatever PS and INTENABLE say; RFI 3 returns', () => {
    const fx = makeFixture();
    const r = run((x) => x.label('spin').j('spin'), {
      fixture: fx,
      ps: 0x1f,
      cycles: 100,
      vectors: (v) => {
        v.org(NMI_VEC);
        v.movi(6, 42);
        v.rfi(3);
      },
    });
    expect(r.core.pc).toBe(CODE);
    r.core.setInterrupt(14, true);
    fx.machine.runUntil(fx.scheduler.cycles + 2);
    expect(r.core.epc[3]).toBe(CODE);
    expect(r.core.eps[3]).toBe(0x1f);
    expect(r.core.interrupt & (1 << 14)).toBe(0);
    fx.machine.runFor(0.000001);
    expect(r.a[6]).toBe(42);
    expect(r.core.pc).toBe(CODE);
    expect(r.core.ps).toBe(0x1f);
  });
  test('CCOMPARE0 raises the timer interrupt (line 6) when CCOUNT reaches it; WAITI sleeps until then', () => {
    const fx = makeFixture();
    const r = trap(
      (x) => {
        x.rsr(2, 234);
        x.addmi(2, 2, 0x4000); // + 16384 cycles
        x.wsr(2, 240);
        x.movi(3, 0x40);
        x.wsr(3, 228);
        x.waiti(0);
        x.movi(7, 1);
      },
      { ps: 0x01, fixture: fx, cycles: 10 },
    );
    // The run above stopped early; let the machine sleep until the timer.
    const start = fx.scheduler.cycles;
    while (r.core.pc !== KERNEL_VEC && fx.scheduler.cycles < start + 100_000) fx.machine.runUntil(fx.scheduler.cycles + 8);
    expect(r.core.pc).toBe(KERNEL_VEC);
    expect(r.core.exccause).toBe(4);
    expect(r.core.interrupt & 0x40).toBe(0x40);
    expect(r.core.epc[1]).toBe(CODE + 18); // the instruction after WAITI
    expect(r.a[7]).toBe(0);
    // Time jumped: a handful of instructions for more than 16384 cycles; the interrupt came
    // when CCOUNT reached CCOMPARE0 (plus the 3 cycles of entering the vector).
    expect(r.core.instructions).toBeLessThan(20);
    expect(r.core.ccount - r.a[2]).toBeGreaterThanOrEqual(0);
    expect(r.core.ccount - r.a[2]).toBeLessThan(8);
    // Writing CCOMPARE0 clears the timer interrupt.
    r.core.writeSpecial(240, 0);
    expect(r.core.interrupt & 0x40).toBe(0);
  });
  test('WAITI with nothing to wake it: the core sleeps and time runs to the limit', () => {
    const fx = makeFixture();
    run((x) => x.waiti(0), { ps: 0, fixture: fx, cycles: 10 });
    expect(fx.core.state).toBe('sleeping');
    const before = fx.core.instructions;
    const halt = fx.machine.runFor(0.5);
    expect(halt).toBeNull();
    expect(fx.core.instructions).toBe(before);
    expect(fx.scheduler.seconds).toBeGreaterThanOrEqual(0.5);
  });
  test('an interrupt line wakes a core in WAITI', () => {
    const fx = makeFixture();
    run((x) => x.waiti(0), { ps: 0, fixture: fx, vectors: parkAtVectors, cycles: 10 });
    fx.core.intenable = 1 << 2;
    expect(fx.core.state).toBe('sleeping');
    fx.core.setInterrupt(2, true);
    expect(fx.core.state).toBe('running');
    fx.machine.runFor(0.00001);
    expect(fx.core.pc).toBe(KERNEL_VEC);
  });
});

describe('debug exceptions', () => {
  test('BREAK enters the debug vector (level 2) with DEBUGCAUSE.BI, EPC2, EPS2', () => {
    const r = trap((x) => x.nop().break(1, 2), { ps: 0x20 });
    expect(r.core.pc).toBe(DEBUG_VEC);
    expect(r.core.debugcause).toBe(8);
    expect(r.core.epc[2]).toBe(CODE + 3);
    expect(r.core.eps[2]).toBe(0x20);
    expect(r.core.ps).toBe(0x20 | 0x10 | 2);
  });
  test('BREAK.N sets DEBUGCAUSE.BN', () => {
    const r = trap((x) => x.breakn(0), { ps: 0 });
    expect([r.core.pc, r.core.debugcause]).toEqual([DEBUG_VEC, 16]);
  });
  test('BREAK is ignored at CINTLEVEL >= 2', () => {
    const r = trap((x) => x.break(0, 0).movi(4, 1), { ps: 0x02 });
    expect(r.core.pc).toBe(r.end);
    expect(r.a[4]).toBe(1);
  });
  test('IBREAKA0/IBREAKENABLE raise a debug exception before the instruction', () => {
    const r = trap((x) => x.wsr(2, 128).wsr(3, 96).movi(4, 1).movi(4, 2), { ps: 0, a: { 2: CODE + 9, 3: 1 } });
    expect(r.core.pc).toBe(DEBUG_VEC);
    expect(r.core.debugcause).toBe(2);
    expect(r.core.epc[2]).toBe(CODE + 9);
    expect(r.a[4]).toBe(1);
  });
});

describe('DBREAK (see also debug.test.ts)', () => {
  const W = DATA + 0x100;
  test('a store to the watched word stops before the access: DEBUGCAUSE.DB, EPC2, memory unchanged', () => {
    const r = trap((x) => x.wsr(2, 144).wsr(3, 160).nop().s32i(4, 2, 0), {
      ps: 0,
      a: { 2: W, 3: 0x8000003c, 4: 0x1234 },
    });
    expect(r.core.pc).toBe(DEBUG_VEC);
    expect(r.core.debugcause).toBe(4);
    expect(r.core.epc[2]).toBe(CODE + 9);
    expect(r.core.eps[2]).toBe(0);
    expect(r.fx.data.u32[0x100 / 4]).toBe(0);
  });
  test('loads only (LB): stores pass, loads trap', () => {
    const r = trap((x) => x.wsr(2, 144).wsr(3, 160).s32i(4, 2, 0).l32i(5, 2, 0), {
      ps: 0,
      a: { 2: W, 3: 0x4000003f, 4: 0x1234, 5: 7 },
    });
    expect([r.core.pc, r.core.epc[2], r.a[5]]).toEqual([DEBUG_VEC, CODE + 9, 7]);
    expect(r.fx.data.u32[0x100 / 4]).toBe(0x1234);
  });
  test('disabling or moving the breakpoint puts the page back on the fast path', () => {
    const r = trap(
      (x) =>
        x
          .wsr(2, 144)
          .wsr(3, 160)
          .wsr(0, 160) // disabled
          .s32i(4, 2, 0)
          .wsr(3, 160) // enabled again, then moved to another page
          .wsr(6, 144)
          .s32i(4, 2, 4)
          .l32i(5, 2, 0)
          .s32i(4, 6, 0), // the new watched word
      { ps: 0, a: { 0: 0, 2: W, 3: 0xc000003c, 4: 0x55, 6: DATA + 0x2000 } },
    );
    expect(r.core.pc).toBe(DEBUG_VEC);
    expect(r.core.epc[2]).toBe(CODE + 24);
    expect(r.a[5]).toBe(0x55);
    expect([r.fx.data.u32[0x100 / 4], r.fx.data.u32[0x104 / 4], r.fx.data.u32[0x2000 / 4]]).toEqual([0x55, 0x55, 0]);
  });
  test('ignored at CINTLEVEL >= 2 (the access happens)', () => {
    const r = trap((x) => x.wsr(2, 144).wsr(3, 160).s32i(4, 2, 0), { ps: 0x2, a: { 2: W, 3: 0xc000003c, 4: 9 } });
    expect(r.core.pc).toBe(r.end);
    expect(r.fx.data.u32[0x100 / 4]).toBe(9);
  });
  test('a store on a watched code page still invalidates decoded instructions', () => {
    // Watch stores to CODE + 0x800 (same 4 KiB page as the code), then patch `movi a4, 1`
    // (already decoded once) into `movi a4, 5` through the slow path and run it again.
    const x = new XtensaAsm(CODE);
    x.wsr(2, 144).wsr(3, 160);
    x.movi(6, 2);
    x.label('loop');
    x.label('insn');
    x.movi(4, 1);
    x.s8i(7, 8, 2);
    x.addi(6, 6, -1);
    x.bnez(6, 'loop');
    x.label('end');
    x.j('end');
    const fx = makeFixture();
    fx.code.load(0, x.assemble());
    fx.core.reset();
    fx.core.ps = 0;
    fx.core.a[2] = CODE + 0x800;
    fx.core.a[3] = 0x8000003c;
    fx.core.a[7] = 5;
    fx.core.a[8] = x.address('insn');
    fx.machine.runFor(0.0001);
    expect(fx.core.pc).toBe(x.address('end'));
    expect(fx.core.a[4]).toBe(5);
  });
});

describe('ICOUNT', () => {
  test('the instruction that would make ICOUNT 0 raises a debug exception (DEBUGCAUSE.IC)', () => {
    const r = trap((x) => x.wsr(2, 236).wsr(3, 237).movi(4, 1).movi(5, 1).movi(6, 1).movi(7, 1), {
      ps: 0,
      a: { 2: -3, 3: 1 },
    });
    expect(r.core.pc).toBe(DEBUG_VEC);
    expect(r.core.debugcause).toBe(1);
    expect(r.core.epc[2]).toBe(CODE + 12);
    expect([r.a[4], r.a[5], r.a[6]]).toEqual([1, 1, 0]);
    expect(r.core.icount).toBe(-1);
  });
  test('ICOUNT does not count at CINTLEVEL >= ICOUNTLEVEL', () => {
    const r = trap((x) => x.wsr(2, 236).wsr(3, 237).movi(4, 1).movi(5, 1).movi(6, 1), { ps: 0x10, a: { 2: -1, 3: 1 } });
    expect(r.core.pc).toBe(r.end);
    expect(r.core.icount).toBe(-1);
  });
});

describe('unrecoverable faults stop the machine with a report', () => {
  test('an exception whose vector is in unmapped memory', () => {
    const fx = makeFixture({ mapVectors: false });
    const r = run((x) => x.jx(2), { fixture: fx, ps: 0, a: { 2: 0x20000000 } });
    const halt = fx.machine.halt;
    expect(halt?.reason).toBe('fault');
    expect(halt?.message).toMatch(/InstrPIFAddrError \(EXCCAUSE 14\)/);
    expect(halt?.message).toMatch(/vector 0x40000030 is in unmapped memory/);
    expect(halt?.message).toMatch(/a15 /);
    expect(r.core.state).toBe('halted');
  });
  test('a double exception with no handler (zeros = ILL at the double vector)', () => {
    const fx = makeFixture();
    run((x) => x.ill(), { fixture: fx, ps: 0x10 });
    const halt = fx.machine.halt;
    expect(halt?.reason).toBe('fault');
    expect(halt?.message).toMatch(/exception loop: IllegalInstruction \(EXCCAUSE 0\) in the exception vector at 0x40000070/);
    expect(halt?.message).toMatch(/DEPC 0x40000070/);
  });
});
