/**
 * Bad input never hangs the host or throws: garbage code, jumps into unmapped memory and endless
 * loops end in a fault report (PC, EXCCAUSE, registers) or at the time limit.
 */
import { describe, expect, test } from 'vitest';
import { createTestLx106 } from '../../boards/test-lx106.js';
import { XtensaAsm } from '../helpers/xtensa-asm.js';
import { rng } from './random-program.js';

const ENTRY = 0x40100000;

function boardWith(code: Uint8Array, vectors?: Uint8Array) {
  const board = createTestLx106();
  const segments = [{ address: ENTRY, data: code }];
  if (vectors) segments.push({ address: 0x40000000, data: vectors });
  board.load(segments, ENTRY);
  return board;
}

describe('bad input', () => {
  test('garbage code: random bytes everywhere end in a fault report or the time limit', () => {
    for (let seed = 1; seed <= 16; seed++) {
      const rand = rng(seed);
      const code = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
      const vectors = Uint8Array.from({ length: 256 }, () => Math.floor(rand() * 256));
      const board = boardWith(code, vectors);
      const start = performance.now();
      const halt = board.machine.runFor(0.005);
      expect(performance.now() - start).toBeLessThan(5000);
      if (halt) {
        expect(['fault', 'exit']).toContain(halt.reason);
        if (halt.reason === 'fault') {
          expect(halt.message).toMatch(/PC {2}0x[0-9a-f]{8}/);
          expect(halt.message).toMatch(/EXCCAUSE \d+/);
          expect(halt.message).toMatch(/a0 {2}0x[0-9a-f]{8}/);
        }
      }
      expect(() => board.core.describeState()).not.toThrow();
    }
  });

  test('a jump to unmapped memory with empty vectors: fault with PC and EXCCAUSE', () => {
    const asm = new XtensaAsm(ENTRY);
    asm.movi(2, 0x123);
    asm.slli(2, 2, 20); // 0x12300000: unmapped
    asm.jx(2);
    const board = boardWith(asm.assemble());
    const halt = board.machine.runFor(1);
    expect(halt?.reason).toBe('fault');
    // PS.EXCM is set after reset, so the fetch error is a double exception; the double
    // vector holds zeros (ILL), which would loop forever.
    expect(halt?.message).toMatch(/exception loop/);
    expect(board.core.depc >>> 0).toBe(0x40000070);
    expect(board.core.describeState()).toMatch(/EXCCAUSE 0/);
  });

  test('an endless loop is ended by the time limit', () => {
    const asm = new XtensaAsm(ENTRY);
    asm.label('l');
    asm.addi(3, 3, 1);
    asm.j('l');
    const board = boardWith(asm.assemble());
    const start = performance.now();
    const halt = board.machine.runFor(0.05);
    expect(halt).toBeNull();
    expect(performance.now() - start).toBeLessThan(5000);
    expect(board.machine.scheduler.seconds).toBeGreaterThanOrEqual(0.05);
    expect(board.core.a[3]).toBeGreaterThan(100_000);
  });

  test('an image outside the memory map is refused with an error, not a crash', () => {
    const board = createTestLx106();
    expect(() => board.load([{ address: 0x10000000, data: new Uint8Array(4) }], 0x10000000)).toThrow(/outside the memory map/);
  });

  test('describeState lists PC, PS, EXCCAUSE, EPC1, EXCVADDR, DEPC and a0..a15', () => {
    const board = createTestLx106();
    const text = board.core.describeState();
    for (const field of ['PC', 'PS', 'SAR', 'EXCCAUSE', 'EPC1', 'EXCVADDR', 'DEPC', 'INTERRUPT', 'INTENABLE', 'CCOUNT', 'a0', 'a15']) {
      expect(text).toContain(field);
    }
  });
});

describe('test-lx106 semihosting (QEMU simcall numbering)', () => {
  function program(build: (x: XtensaAsm) => void): Uint8Array {
    const asm = new XtensaAsm(ENTRY);
    build(asm);
    asm.label('hang');
    asm.j('hang');
    return asm.assemble();
  }
  test('write(1), write(2), read(0) and exit', () => {
    const msg = new TextEncoder().encode('hi!\n');
    const board = createTestLx106();
    const code = program((x) => {
      // read(0, 0x3ffe8100, 16) -> a2 bytes; write(1, 0x3ffe8000, 4); write(2, 0x3ffe8100, n); exit(n)
      x.movi(2, 3).movi(3, 0).movi(5, 16);
      x.movi(4, 0x3ff).slli(4, 4, 20).movi(6, 0xe8).slli(6, 6, 12).add(4, 4, 6).addmi(4, 4, 256); // 0x3ffe8100
      x.mov(12, 4);
      x.simcall();
      x.mov(13, 2);
      x.movi(2, 4).movi(3, 1).addmi(4, 12, -256).movi(5, 4);
      x.simcall();
      x.movi(2, 4).movi(3, 2).mov(4, 12).mov(5, 13);
      x.simcall();
      x.movi(2, 1).mov(3, 13);
      x.simcall();
    });
    board.load(
      [
        { address: ENTRY, data: code },
        { address: 0x3ffe8000, data: msg },
      ],
      ENTRY,
    );
    board.console.write(new TextEncoder().encode('input'));
    board.console.close();
    const halt = board.machine.runFor(1);
    expect(halt).toEqual({ reason: 'exit', exitCode: 5, message: 'simcall exit(5)' });
    expect(board.machine.stdout.text()).toBe('hi!\n');
    expect(board.machine.stderr.text()).toBe('input');
  });
  test('unknown simcall numbers return -1 with ENOSYS (88)', () => {
    const board = createTestLx106();
    board.load([{ address: ENTRY, data: program((x) => x.movi(2, 77).simcall()) }], ENTRY);
    board.machine.runFor(0.001);
    expect(board.core.a[2]).toBe(-1);
    expect(board.core.a[3]).toBe(88);
  });
});
