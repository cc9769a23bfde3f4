/**
 * Per-instruction tests of the LX106 core, from the Xtensa ISA Reference Manual's instruction
 * descriptions (chapter 8), with the edge cases where implementations go wrong.
 */
import { describe, expect, test } from 'vitest';
import { B4CONST, B4CONSTU, XtensaAsm, rrr } from '../helpers/xtensa-asm.js';
import { CODE, DATA, makeFixture, regs, run } from './fixture.js';

const u = (v: number) => v >>> 0;

describe('arithmetic', () => {
  test('ADD/SUB wrap around', () => {
    const a = regs((x) => x.add(4, 2, 3).sub(5, 2, 3).sub(6, 3, 2), { a: { 2: 0x7fffffff, 3: 1 } });
    expect(a[4]).toBe(0x80000000);
    expect(a[5]).toBe(0x7ffffffe);
    expect(a[6]).toBe(u(-0x7ffffffe));
  });
  test('ADDX2/4/8 and SUBX2/4/8 shift the first operand', () => {
    const a = regs((x) => x.addx2(4, 2, 3).addx4(5, 2, 3).addx8(6, 2, 3).subx2(7, 2, 3).subx4(8, 2, 3).subx8(9, 2, 3), {
      a: { 2: 0x40000001, 3: 5 },
    });
    expect(a.slice(4, 10)).toEqual([u(0x80000002 + 5), 4 + 5, 8 + 5, u(0x80000002 - 5), 4 - 5 >>> 0, 8 - 5]);
  });
  test('NEG and ABS, including 0x80000000', () => {
    const a = regs((x) => x.neg(4, 2).abs(5, 2).neg(6, 3).abs(7, 3).abs(8, 9), { a: { 2: -5, 3: 0x80000000 | 0, 9: 7 } });
    expect(a.slice(4, 9)).toEqual([5, 5, 0x80000000, 0x80000000, 7]);
  });
  test('AND/OR/XOR', () => {
    const a = regs((x) => x.and(4, 2, 3).or(5, 2, 3).xor(6, 2, 3), { a: { 2: 0xff00ff00 | 0, 3: 0x0ff00ff0 } });
    expect(a.slice(4, 7)).toEqual([0x0f000f00, 0xfff0fff0, 0xf0f0f0f0]);
  });
  test('immediates: ADDI, ADDMI, MOVI, MOVI.N, ADDI.N extremes', () => {
    const a = regs((x) =>
      x.addi(3, 2, -128).addi(4, 2, 127).addmi(5, 2, -32768).addmi(6, 2, 32512).movi(7, -2048).movi(8, 2047)
        .movin(9, -32).movin(10, 95).addin(11, 2, -1).addin(12, 2, 15), { a: { 2: 1000 } });
    expect(a.slice(3, 13)).toEqual([872, 1127, u(1000 - 32768), 1000 + 32512, u(-2048), 2047, u(-32), 95, 999, 1015]);
  });
  test('MUL16S uses the signed low halves', () => {
    const a = regs((x) => x.mul16s(4, 2, 3).mul16s(5, 6, 6).mul16s(7, 8, 9), {
      a: { 2: 0x1234ffff, 3: 0x5678ffff, 6: 0x8000, 8: 0x00027fff, 9: 0xffff8000 | 0 },
    });
    expect(a[4]).toBe(1); // -1 * -1
    expect(a[5]).toBe(0x40000000); // -32768 * -32768
    expect(a[7]).toBe(u(0x7fff * -0x8000));
  });
  test('MUL16U uses the unsigned low halves', () => {
    const a = regs((x) => x.mul16u(4, 2, 3), { a: { 2: 0x1234ffff, 3: 0x5678ffff } });
    expect(a[4]).toBe(0xfffe0001);
  });
  test('MULL keeps the low 32 bits', () => {
    const a = regs((x) => x.mull(4, 2, 3).mull(5, 2, 6), { a: { 2: 0x12345678, 3: 0x9abcdef1 | 0, 6: -1 } });
    expect(a[4]).toBe(u(Math.imul(0x12345678, 0x9abcdef1)));
    expect(a[5]).toBe(u(-0x12345678));
  });
  test('NSA and NSAU of 0, -1, 1, extremes', () => {
    const vals = [0, -1, 1, 0x80000000 | 0, 0x40000000, 0x7fffffff, -2];
    const nsa = (v: number) => (v === 0 || v === -1 ? 31 : Math.clz32(v < 0 ? ~v : v) - 1);
    for (const v of vals) {
      const a = regs((x) => x.nsa(4, 2).nsau(5, 2), { a: { 2: v } });
      expect([a[4], a[5]], `NSA/NSAU of ${v}`).toEqual([nsa(v), Math.clz32(v)]);
    }
    expect(regs((x) => x.nsa(4, 2).nsau(5, 2), { a: { 2: 0 } }).slice(4, 6)).toEqual([31, 32]);
    expect(regs((x) => x.nsa(4, 2).nsau(5, 2), { a: { 2: -1 } }).slice(4, 6)).toEqual([31, 0]);
    expect(regs((x) => x.nsa(4, 2).nsau(5, 2), { a: { 2: 1 } }).slice(4, 6)).toEqual([30, 31]);
  });
  test('EXTUI', () => {
    const a = regs((x) => x.extui(4, 2, 28, 4).extui(5, 2, 0, 16).extui(6, 2, 5, 1).extui(7, 2, 16, 16), {
      a: { 2: 0xa1234567 | 0 },
    });
    expect(a.slice(4, 8)).toEqual([0xa, 0x4567, 1, 0xa123]);
  });
  test('MOVEQZ/MOVNEZ/MOVLTZ/MOVGEZ', () => {
    const init = { 2: 11, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 3: 0, 12: -1 };
    const a = regs((x) =>
      x.moveqz(4, 2, 3).moveqz(5, 2, 12).movnez(6, 2, 3).movnez(7, 2, 12).movltz(8, 2, 12).movltz(9, 2, 3)
        .movgez(10, 2, 3).movgez(11, 2, 12), { a: init });
    expect(a.slice(4, 12)).toEqual([11, 1, 1, 11, 11, 1, 11, 1]);
  });
});

describe('shifts through SAR', () => {
  test('SSL 0 gives SAR 32 and SLL then leaves the value unchanged', () => {
    const r = run((x) => x.ssl(3).sll(4, 2), { a: { 2: 0x12345678, 3: 0 } });
    expect(r.core.sar).toBe(32);
    expect(u(r.a[4])).toBe(0x12345678);
  });
  test('SSL 31 / SLL shifts left by 31; SSL uses the low 5 bits', () => {
    expect(regs((x) => x.ssl(3).sll(4, 2), { a: { 2: 3, 3: 31 } })[4]).toBe(0x80000000);
    expect(regs((x) => x.ssl(3).sll(4, 2), { a: { 2: 3, 3: 33 } })[4]).toBe(6);
  });
  test('SSR 0 / SRL and SRA by 0 leave the value; by 31', () => {
    expect(regs((x) => x.ssr(3).srl(4, 2).sra(5, 2), { a: { 2: -8, 3: 0 } }).slice(4, 6)).toEqual([u(-8), u(-8)]);
    expect(regs((x) => x.ssr(3).srl(4, 2).sra(5, 2), { a: { 2: -8, 3: 31 } }).slice(4, 6)).toEqual([1, u(-1)]);
  });
  test('SAR = 32 (WSR): SRL gives 0, SRA the sign, SLL the value, SRC the high word (ISA 64-bit shifts)', () => {
    const a = regs((x) => x.wsr(3, 3).srl(4, 2).sra(5, 2).sll(6, 2).src(7, 2, 8), { a: { 2: -8, 3: 32, 8: 0x55 } });
    expect(a.slice(4, 8)).toEqual([0, u(-1), u(-8), u(-8)]);
  });
  test('SAR > 32: SRC takes bits of the high word; SLL gives 0', () => {
    const a = regs((x) => x.wsr(3, 3).src(4, 2, 5).sll(6, 2).srl(7, 2), { a: { 2: 0xf0000000 | 0, 3: 36, 5: 7 } });
    expect([a[4], a[6], a[7]]).toEqual([0x0f000000, 0, 0]);
  });
  test('WSR SAR keeps 6 bits; RSR SAR reads it back', () => {
    expect(regs((x) => x.wsr(3, 3).rsr(4, 3), { a: { 3: 0x7f } })[4]).toBe(0x3f);
  });
  test('SRC funnel shift', () => {
    const src = (hi: number, lo: number, sar: number) => regs((x) => x.src(4, 2, 3), { a: { 2: hi, 3: lo }, sar })[4];
    expect(src(0x12345678, 0x9abcdef0 | 0, 0)).toBe(0x9abcdef0);
    expect(src(0x12345678, 0x9abcdef0 | 0, 4)).toBe(0x89abcdef);
    expect(src(0x12345678, 0x9abcdef0 | 0, 16)).toBe(0x56789abc);
  });
  test('SSA8L/SSA8B for byte alignment', () => {
    expect(run((x) => x.ssa8l(2), { a: { 2: 0x1003 } }).core.sar).toBe(24);
    expect(run((x) => x.ssa8b(2), { a: { 2: 0x1003 } }).core.sar).toBe(8);
    expect(run((x) => x.ssa8b(2), { a: { 2: 0x1000 } }).core.sar).toBe(32);
    expect(run((x) => x.ssai(31)).core.sar).toBe(31);
    expect(run((x) => x.ssai(0)).core.sar).toBe(0);
  });
  test('immediate shifts SLLI/SRLI/SRAI at their limits', () => {
    const a = regs((x) => x.slli(4, 2, 1).slli(5, 2, 31).srli(6, 2, 15).srli(7, 2, 0).srai(8, 2, 31).srai(9, 2, 0), {
      a: { 2: 0x80000003 | 0 },
    });
    expect(a.slice(4, 10)).toEqual([6, 0x80000000, 0x10000, 0x80000003, u(-1), 0x80000003]);
  });
});

describe('loads and stores', () => {
  test('L8UI zero-extends, L16SI sign-extends, L16UI zero-extends, offsets', () => {
    const r = run((x) => x.l8ui(4, 2, 255).l16si(5, 2, 510).l16ui(6, 2, 510).l32i(7, 2, 1020), { a: { 2: DATA } });
    // data memory is zero; write values first
    expect(u(r.a[4])).toBe(0);
    const fx = r.fx;
    fx.data.store(255, 1, 0xfe);
    fx.data.store(510, 2, 0x8001);
    fx.data.store(1020, 4, 0xdeadbeef);
    const a = regs((x) => x.l8ui(4, 2, 255).l16si(5, 2, 510).l16ui(6, 2, 510).l32i(7, 2, 1020), { a: { 2: DATA }, fixture: fx });
    expect(a.slice(4, 8)).toEqual([0xfe, u(-0x7fff), 0x8001, 0xdeadbeef]);
  });
  test('S8I/S16I store the low bits; L32I.N/S32I.N', () => {
    const r = run((x) => x.s8i(3, 2, 1).s16i(3, 2, 2).s32in(3, 2, 4).l32in(5, 2, 4).l32i(6, 2, 0), {
      a: { 2: DATA, 3: 0x12345678 },
    });
    expect(u(r.a[5])).toBe(0x12345678);
    expect(u(r.a[6])).toBe(0x56787800);
  });
  test('L32R without LITBASE: PC-relative from (PC + 3) & ~3, negative offsets only', () => {
    const r = run((x) => {
      x.j('code');
      x.align(4);
      x.label('lit');
      x.word(0xcafef00d);
      x.label('code');
      x.nopn(); // make the L32R address unaligned
      x.l32r(4, 'lit');
    });
    expect(u(r.a[4])).toBe(0xcafef00d);
  });
  test('L32R with LITBASE: literal at LITBASE - 4', () => {
    const fx = run(() => {}).fx;
    fx.data.store(0x1000 - 4, 4, 0x600df00d);
    const r = run(
      (x) => {
        x.wsr(2, 5); // LITBASE = (DATA + 0x1000) | 1
        x.emit24(1 | (4 << 4) | (0xffff << 8)); // l32r a4, imm16 = -1 → LITBASE - 4
        x.movi(3, 0);
        x.wsr(3, 5); // LITBASE disabled again
      },
      { a: { 2: DATA + 0x1000 + 1 }, fixture: fx },
    );
    expect(u(r.a[4])).toBe(0x600df00d);
    expect(r.core.litbase).toBe(0);
  });
  test('WSR LITBASE keeps bits 31:12 and 0', () => {
    expect(regs((x) => x.wsr(2, 5).rsr(4, 5).movi(3, 0).wsr(3, 5), { a: { 2: -1 } })[4]).toBe(0xfffff001);
  });
});

describe('branches', () => {
  const taken = (emit: (x: XtensaAsm) => void, a: Record<number, number>) => {
    const r = run((x) => {
      x.movi(15, 0);
      emit(x);
      x.j('done');
      x.label('t');
      x.movi(15, 1);
      x.label('done');
    }, { a });
    expect(r.core.pc).toBe(r.end);
    return r.a[15] === 1;
  };
  test('BEQZ/BNEZ/BLTZ/BGEZ', () => {
    expect(taken((x) => x.beqz(2, 't'), { 2: 0 })).toBe(true);
    expect(taken((x) => x.beqz(2, 't'), { 2: 1 })).toBe(false);
    expect(taken((x) => x.bnez(2, 't'), { 2: -1 })).toBe(true);
    expect(taken((x) => x.bltz(2, 't'), { 2: 0x80000000 | 0 })).toBe(true);
    expect(taken((x) => x.bltz(2, 't'), { 2: 0 })).toBe(false);
    expect(taken((x) => x.bgez(2, 't'), { 2: 0 })).toBe(true);
    expect(taken((x) => x.beqzn(2, 't'), { 2: 0 })).toBe(true);
    expect(taken((x) => x.bnezn(2, 't'), { 2: 0 })).toBe(false);
  });
  test('B4CONST table for BEQI/BNEI/BLTI/BGEI', () => {
    B4CONST.forEach((c, i) => {
      expect(taken((x) => x.beqi(2, i, 't'), { 2: c }), `beqi ${c}`).toBe(true);
      expect(taken((x) => x.beqi(2, i, 't'), { 2: c + 1 }), `beqi ${c}+1`).toBe(false);
      expect(taken((x) => x.bnei(2, i, 't'), { 2: c }), `bnei ${c}`).toBe(false);
      expect(taken((x) => x.blti(2, i, 't'), { 2: c - 1 }), `blti ${c}`).toBe(true);
      expect(taken((x) => x.bgei(2, i, 't'), { 2: c }), `bgei ${c}`).toBe(true);
    });
  });
  test('B4CONSTU table for BLTUI/BGEUI (unsigned)', () => {
    B4CONSTU.forEach((c, i) => {
      expect(taken((x) => x.bltui(2, i, 't'), { 2: c - 1 }), `bltui ${c}`).toBe(true);
      expect(taken((x) => x.bltui(2, i, 't'), { 2: c }), `bltui ${c}`).toBe(false);
      expect(taken((x) => x.bgeui(2, i, 't'), { 2: -1 }), `bgeui ${c} with 0xffffffff`).toBe(true);
    });
  });
  test('two-register conditions, signed and unsigned', () => {
    const A = { 2: -1, 3: 1 };
    expect(taken((x) => x.blt(2, 3, 't'), A)).toBe(true);
    expect(taken((x) => x.bltu(2, 3, 't'), A)).toBe(false);
    expect(taken((x) => x.bge(3, 2, 't'), A)).toBe(true);
    expect(taken((x) => x.bgeu(2, 3, 't'), A)).toBe(true);
    expect(taken((x) => x.beq(2, 2, 't'), A)).toBe(true);
    expect(taken((x) => x.bne(2, 3, 't'), A)).toBe(true);
  });
  test('BALL/BNALL/BANY/BNONE', () => {
    const A = { 2: 0b1110, 3: 0b0110, 4: 0b0001 };
    expect(taken((x) => x.ball(2, 3, 't'), A)).toBe(true);
    expect(taken((x) => x.ball(3, 2, 't'), A)).toBe(false);
    expect(taken((x) => x.bnall(3, 2, 't'), A)).toBe(true);
    expect(taken((x) => x.bany(2, 3, 't'), A)).toBe(true);
    expect(taken((x) => x.bnone(2, 4, 't'), A)).toBe(true);
    expect(taken((x) => x.bany(2, 4, 't'), A)).toBe(false);
  });
  test('BBC/BBS use the low 5 bits of the bit register; BBCI/BBSI bits 0..31', () => {
    expect(taken((x) => x.bbs(2, 3, 't'), { 2: 0x80000000 | 0, 3: 31 + 32 })).toBe(true);
    expect(taken((x) => x.bbc(2, 3, 't'), { 2: 0x80000000 | 0, 3: 31 })).toBe(false);
    expect(taken((x) => x.bbsi(2, 31, 't'), { 2: 0x80000000 | 0 })).toBe(true);
    expect(taken((x) => x.bbsi(2, 0, 't'), { 2: 1 })).toBe(true);
    expect(taken((x) => x.bbci(2, 16, 't'), { 2: 0xfffeffff | 0 })).toBe(true);
    expect(taken((x) => x.bbci(2, 15, 't'), { 2: 0xfffeffff | 0 })).toBe(false);
  });
  test('backward branch loop and offsets both ways', () => {
    const a = regs((x) => {
      x.movi(2, 10).movi(3, 0);
      x.label('loop');
      x.addi(3, 3, 2);
      x.addi(2, 2, -1);
      x.bnez(2, 'loop');
    });
    expect(a[3]).toBe(20);
  });
  test('taken branches cost 3 cycles, untaken 1', () => {
    const r1 = run((x) => x.rsr(4, 234).beqz(2, 'x').label('x').rsr(5, 234), { a: { 2: 0 } });
    const r2 = run((x) => x.rsr(4, 234).beqz(2, 'x').label('x').rsr(5, 234), { a: { 2: 1 } });
    expect(r1.a[5] - r1.a[4]).toBe(4);
    expect(r2.a[5] - r2.a[4]).toBe(2);
  });
});

describe('jumps and calls', () => {
  test('CALL0 sets a0 to the return address; RET and RET.N return', () => {
    const r = run((x) => {
      x.movi(2, 0);
      x.call0('f');
      x.label('back');
      x.addi(2, 2, 1);
      x.call0('g');
      x.j('__end');
      x.align(4);
      x.label('f');
      x.addi(2, 2, 10);
      x.mov(5, 0);
      x.ret();
      x.align(4);
      x.label('g');
      x.addi(2, 2, 100);
      x.retn();
    });
    expect(r.a[2]).toBe(111);
    expect(u(r.a[5])).toBe(r.at('back'));
  });
  test('CALLX0 and JX', () => {
    // Literals precede their L32R, and the code addresses are patched in after assembly.
    const asm = new XtensaAsm(CODE);
    asm.j('code');
    asm.align(4);
    asm.label('lf');
    asm.word(0);
    asm.label('lj');
    asm.word(0);
    asm.label('code');
    asm.movi(2, 0);
    asm.l32r(3, 'lf');
    asm.callx0(3);
    asm.l32r(3, 'lj');
    asm.jx(3);
    asm.movi(2, 99);
    asm.label('jt');
    asm.label('end');
    asm.j('end');
    asm.align(4);
    asm.label('f');
    asm.addi(2, 2, 7);
    asm.ret();
    const bytes = asm.assemble();
    const view = new DataView(bytes.buffer);
    view.setUint32(asm.address('lf') - CODE, asm.address('f'), true);
    view.setUint32(asm.address('lj') - CODE, asm.address('jt'), true);
    const fx = run(() => {}).fx;
    fx.code.load(0, bytes);
    fx.core.reset();
    fx.machine.runFor(0.0001);
    expect(fx.core.a[2]).toBe(7);
    expect(fx.core.pc).toBe(asm.address('end'));
  });
});

describe('special registers', () => {
  test('RSR/WSR/XSR EXCSAVE1', () => {
    const a = regs((x) => x.wsr(2, 209).xsr(3, 209).rsr(4, 209), { a: { 2: 111, 3: 222 } });
    expect([a[3], a[4]]).toEqual([111, 222]);
  });
  test('PRID, CONFIGID0/1 read-only values', () => {
    const a = regs((x) => x.rsr(4, 235).rsr(5, 176).rsr(6, 208));
    expect(a.slice(4, 7)).toEqual([0, 0xc28cdafa, 0x1082b6f6]);
  });
  test('WSR PS keeps WOE|CALLINC|OWB|UM|EXCM|INTLEVEL (0x70F3F)', () => {
    expect(regs((x) => x.wsr(2, 230).rsr(4, 230), { a: { 2: -1 } })[4]).toBe(0x70f3f);
  });
  test('reset state: PS 0x1F, VECBASE 0x40000000', () => {
    const a = regs((x) => x.rsr(4, 230).rsr(5, 231));
    expect(a.slice(4, 6)).toEqual([0x1f, 0x40000000]);
  });
  test('RSIL returns the old PS and sets INTLEVEL', () => {
    const r = run((x) => x.rsil(4, 3), { ps: 0x20 });
    expect(r.a[4]).toBe(0x20);
    expect(r.core.ps).toBe(0x23);
  });
  test('CCOUNT is the cycle count; WSR CCOUNT moves it', () => {
    const r = run((x) => x.rsr(4, 234).nop().nop().rsr(5, 234).wsr(2, 234).rsr(6, 234), { a: { 2: 1000 } });
    expect(r.a[5] - r.a[4]).toBe(3);
    expect(r.a[6]).toBe(1001);
  });
  test('decode rejects registers the LX106 lacks or cannot access', () => {
    // rsr LBEG(0), rsr WINDOWBASE(72), wsr PRID, rsr INTCLEAR, xsr INTERRUPT, rsr MMID(89)
    for (const w of [rrr(0, 3, 0, 0, 0, 2), rrr(0, 3, 0, 4, 8, 2), rrr(0, 3, 1, 14, 11, 2), rrr(0, 3, 0, 14, 3, 2), rrr(0, 1, 6, 14, 2, 2), rrr(0, 3, 0, 5, 9, 2)]) {
      const r = run((x) => x.emit24(w), {
        ps: 0,
        vectors: (v) => {
          v.org(0x40000030);
          v.label('k');
          v.j('k');
        },
        cycles: 200,
      });
      expect(r.core.exccause, `word ${w.toString(16)}`).toBe(0);
      expect(r.core.pc).toBe(0x40000030);
    }
  });
});

describe('external registers: RER at, as / WER at, as', () => {
  // QEMU 7.2's sim machine has no external register space (RER/WER crash it with SIGSEGV), so
  // these follow the ISA: RER AR[t] <- ERI[AR[s]], WER ERI[AR[s]] <- AR[t], through the core's
  // `externalRegisters` hook; without one RER reads 0 and WER is ignored.
  test('through the externalRegisters hook: addresses from as, data in/out of at', () => {
    const eri = new Map<number, number>([[0x100000, 0xdeadbeef]]);
    const log: string[] = [];
    const fixture = makeFixture({
      externalRegisters: {
        read: (address) => {
          log.push(`r ${address.toString(16)}`);
          return eri.get(address) ?? 0;
        },
        write: (address, value) => {
          log.push(`w ${address.toString(16)} ${value.toString(16)}`);
          eri.set(address, value);
        },
      },
    });
    const a = regs((x) => x.rer(4, 2).wer(5, 3).rer(6, 3).wer(7, 3), {
      fixture,
      a: { 2: 0x100000, 3: 0x80000004, 5: -2, 7: 0x1234 },
    });
    expect(a[4]).toBe(0xdeadbeef);
    expect(a[6]).toBe(0xfffffffe);
    expect(log).toEqual(['r 100000', 'w 80000004 fffffffe', 'r 80000004', 'w 80000004 1234']);
    expect(eri.get(0x80000004)).toBe(0x1234);
  });
  test('without a hook RER reads 0 and WER is ignored (no exception)', () => {
    const r = run((x) => x.wer(5, 2).rer(4, 2).movi(6, 1), { ps: 0, a: { 2: 0x100000, 4: 77, 5: 9 } });
    expect(r.core.pc).toBe(r.end);
    expect([r.a[4], r.a[6]]).toEqual([0, 1]);
  });
  test('RER/WER take one cycle each', () => {
    const r = run((x) => x.rsr(8, 234).rer(4, 2).wer(4, 2).rsr(9, 234), { a: { 2: 0 } });
    expect(r.a[9] - r.a[8]).toBe(3);
  });
});

describe('instructions the LX106 lacks raise IllegalInstruction', () => {
  const absent: [string, number, 2 | 3][] = [
    ['QUOS', rrr(0, 2, 13, 2, 3, 4), 3],
    ['REMU', rrr(0, 2, 14, 2, 3, 4), 3],
    ['MULUH', rrr(0, 2, 10, 2, 3, 4), 3],
    ['MIN', rrr(0, 3, 4, 2, 3, 4), 3],
    ['MAXU', rrr(0, 3, 7, 2, 3, 4), 3],
    ['SEXT', rrr(0, 3, 2, 2, 3, 4), 3],
    ['CLAMPS', rrr(0, 3, 3, 2, 3, 4), 3],
    ['ENTRY', 0x004136, 3],
    ['RETW', rrr(0, 0, 0, 0, 0, 9), 3],
    ['CALL4', 0x000015, 3],
    ['CALLX4', rrr(0, 0, 0, 0, 2, 13), 3],
    ['LOOP', 0x008076 | (2 << 8), 3],
    ['MOVSP', rrr(0, 0, 0, 1, 2, 3), 3],
    ['ROTW', rrr(0, 0, 4, 8, 0, 1), 3],
    ['S32C1I', 0x00e202 | (3 << 4), 3],
    ['L32AI', 0x00b202, 3],
    ['MAC16 MUL.AA.LL', 0x740004 | (2 << 8) | (3 << 4), 3],
    ['LSI (FP)', 0x000003, 3],
    ['ADD.S (FP)', rrr(0, 10, 0, 1, 2, 3), 3],
    ['RUR', rrr(0, 3, 14, 14, 7, 2), 3],
    ['DHI (cache)', 0x007602 | (3 << 8), 3],
    ['RETW.N', 0xf01d, 2],
    ['ILL', 0x000000, 3],
    ['ILL.N', 0xf06d, 2],
  ];
  for (const [name, w, size] of absent) {
    test(name, () => {
      const r = run((x) => (size === 3 ? x.emit24(w) : x.emit16(w)), {
        ps: 0,
        vectors: (v) => {
          v.org(0x40000030);
          v.label('k');
          v.j('k');
        },
        cycles: 300,
      });
      expect(r.core.exccause).toBe(0);
      expect(r.core.epc[1]).toBe(CODE);
      expect(r.core.pc).toBe(0x40000030);
    });
  }
});

describe('self-modifying code', () => {
  test('a store over a decoded instruction is seen the next time it runs', () => {
    // Two passes over `movi a4, 1`; the first pass stores 5 into its immediate byte.
    const asm = new XtensaAsm(CODE);
    asm.j('code');
    asm.align(4);
    asm.label('lit');
    asm.word(0);
    asm.label('code');
    asm.movi(6, 2);
    asm.movi(5, 0);
    asm.l32r(8, 'lit');
    asm.movi(7, 5);
    asm.label('loop');
    asm.label('insn');
    asm.movi(4, 1);
    asm.add(5, 5, 4);
    asm.s8i(7, 8, 2);
    asm.addi(6, 6, -1);
    asm.bnez(6, 'loop');
    asm.label('end');
    asm.j('end');
    const bytes = asm.assemble();
    new DataView(bytes.buffer).setUint32(asm.address('lit') - CODE, asm.address('insn'), true);
    const fx = run(() => {}).fx;
    fx.code.load(0, bytes);
    fx.core.reset();
    fx.machine.runFor(0.0001);
    expect(fx.core.pc).toBe(asm.address('end'));
    expect(fx.core.a[5]).toBe(1 + 5);
  });
  test('Memory.load (a loader, DMA) invalidates decoded instructions', () => {
    const fx = run((x) => x.movi(4, 1)).fx;
    expect(fx.core.a[4]).toBe(1);
    const r = run((x) => x.movi(4, 2), { fixture: fx });
    expect(r.a[4]).toBe(2);
  });
});

describe('cycle model', () => {
  test('MULL costs 2 cycles, loads and ALU 1, CALL0/RET 3 each', () => {
    const r = run((x) => {
      x.rsr(10, 234);
      x.mull(4, 2, 3);
      x.rsr(11, 234);
      x.l32i(5, 9, 0);
      x.add(6, 5, 5);
      x.rsr(12, 234);
      x.call0('f');
      x.rsr(13, 234);
      x.j('__end');
      x.align(4);
      x.label('f');
      x.ret();
    }, { a: { 2: 3, 3: 4, 9: DATA } });
    expect(r.a[11] - r.a[10]).toBe(3); // rsr + mull(2)
    expect(r.a[12] - r.a[11]).toBe(3); // rsr + l32i + add
    expect(r.a[13] - r.a[12]).toBe(7); // rsr + call0(3) + ret(3)
  });
});
