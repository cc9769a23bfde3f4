/**
 * Debug features of the LX106 (ICOUNT, IBREAK, DBREAK) on small programs whose exception
 * handlers log DEBUGCAUSE/EPC2/ICOUNT/EPS2 and EXCCAUSE/EPC1 (debug-program.ts). Each program
 * runs on circuitemu's test-lx106 board and, when qemu-system-xtensa is on PATH, on QEMU
 * `-M sim -cpu lx106`: the logs must be equal. Expected sequences are also asserted directly,
 * so the tests mean something without QEMU. LX106_DEBUG_PRINT=1 prints the logs.
 */
import { describe, expect, test } from 'vitest';
import { createTestLx106 } from '../../boards/test-lx106.js';
import { XtensaAsm } from '../helpers/xtensa-asm.js';
import { DBG_RES, DBG_DATA, SRN, buildDebugProgram, decodeDebugLog, type DebugLog, type DebugProgram } from './debug-program.js';
import { qemuAvailable, runQemuRaw } from './qemu.js';

const haveQemu = qemuAvailable();

function runOurs(p: DebugProgram): DebugLog {
  const board = createTestLx106();
  board.load(p.segments, p.entry);
  const halt = board.machine.runFor(1);
  const log = decodeDebugLog(board.machine.stdout.bytes(), p.names);
  if (!log) throw new Error(`circuitemu wrote no log (${halt ? halt.message : 'timeout'})\n${board.core.describeState()}`);
  return log;
}

function runQemu(p: DebugProgram): DebugLog | null {
  const q = runQemuRaw(p.segments, p.entry, 10_000);
  return decodeDebugLog(q.output, p.names);
}

/** Runs `p` on circuitemu (and QEMU when present; the logs must match) and returns our log. */
function check(name: string, p: DebugProgram): DebugLog {
  const ours = runOurs(p);
  if (process.env.LX106_DEBUG_PRINT) console.log(`${name} (circuitemu):\n  ${ours.debug.join('\n  ')}\n  ${ours.kernel.join('\n  ')}\n  results ${ours.results.slice(0, 16).join(' ')}`);
  if (haveQemu) {
    const q = runQemu(p);
    expect(q, 'QEMU wrote no log').not.toBeNull();
    if (process.env.LX106_DEBUG_PRINT) console.log(`${name} (QEMU):\n  ${q!.debug.join('\n  ')}\n  ${q!.kernel.join('\n  ')}\n  results ${q!.results.slice(0, 16).join(' ')}`);
    expect(ours, 'circuitemu vs QEMU').toEqual(q);
  }
  return ours;
}

/** Stores a2..a8 (or `regs`) into the results area from word `first` on. */
function storeResults(x: XtensaAsm, lit: (v: number | string) => number, regs: number[], first = 0): void {
  x.l32r(10, lit(DBG_RES));
  regs.forEach((r, i) => x.s32i(r, 10, (first + i) * 4));
}

describe.skipIf(!haveQemu && !!process.env.CI)('debug programs (QEMU comparison when available)', () => {
  if (!haveQemu) console.warn('debug.test.ts: qemu-system-xtensa not found: circuitemu-only expectations');

  // ---------------------------------------------------------------- ICOUNT

  /** A body with a loop, SYSCALL, BREAK, an unaligned load and a software interrupt. */
  const steppedBody = (level: number) => (x: XtensaAsm, lit: (v: number | string) => number, mark: (n: string) => void) => {
    x.movi(2, -2).wsr(2, SRN.ICOUNT);
    x.movi(2, level).wsr(2, SRN.ICOUNTLEVEL);
    mark('first');
    x.movi(3, 2);
    mark('loop');
    x.addi(3, 3, -1);
    mark('loop_branch');
    x.bnez(3, 'loop');
    mark('syscall');
    x.syscall();
    mark('after_syscall');
    x.movi(4, 0x80);
    mark('intenable');
    x.wsr(4, SRN.INTENABLE);
    mark('intset');
    x.wsr(4, SRN.INTSET);
    mark('after_intset');
    x.nop();
    mark('break');
    x.break(1, 2);
    mark('after_break');
    x.l32r(5, lit(DBG_DATA + 1));
    mark('unaligned');
    x.l32i(6, 5, 0);
    mark('after_unaligned');
    x.nop();
    mark('last');
    x.nop();
    x.j('finish');
  };

  test('ICOUNT single-stepping at ICOUNTLEVEL 2 (handlers at level 1 count too): loop, SYSCALL, interrupt, BREAK, fault', () => {
    const p = buildDebugProgram(steppedBody(2));
    const log = check('icount-l2', p);
    // The interrupt that WSR INTSET raises is taken before the next instruction's ICOUNT check:
    // the IC after it is at the kernel vector, with CINTLEVEL 1 (EPS2.EXCM).
    const i = log.debug.indexOf('IC epc2=intset icount=-1 eps2=0x0');
    expect(log.debug[i + 1]).toBe('IC epc2=0x40000030 icount=-1 eps2=0x10');
    expect(log.kernel[1]).toMatch(/^exccause=4 epc1=after_intset icount=-2 /);
    // SYSCALL raises an exception: not counted (ICOUNT stays -2), so the vector's `j kern`
    // counts and the step after it is at `kern`.
    const s = log.debug.indexOf('IC epc2=syscall icount=-1 eps2=0x0');
    expect(log.debug[s + 1]).toBe('IC epc2=kern icount=-1 eps2=0x10');
    expect(log.kernel[0]).toMatch(/^exccause=1 epc1=syscall icount=-2 /);
    // BREAK is a debug exception of its own (not counted; the handler skips it, and the L32R
    // after it counts)
    const b = log.debug.indexOf('IC epc2=break icount=-1 eps2=0x0');
    expect(log.debug.slice(b + 1, b + 3)).toEqual(['BI epc2=break icount=-2 eps2=0x0', 'IC epc2=unaligned icount=-1 eps2=0x0']);
    // the unaligned load raises LoadStoreAlignment: not counted either
    expect(log.debug[b + 3]).toBe('IC epc2=kern icount=-1 eps2=0x10');
  });

  test('ICOUNT at ICOUNTLEVEL 1: the level-1 handlers do not count', () => {
    const p = buildDebugProgram(steppedBody(1));
    const log = check('icount-l1', p);
    expect(log.debug.filter((l) => l.endsWith('eps2=0x10'))).toEqual([]);
    // SYSCALL not counted, the handler not counted, the instruction after SYSCALL counted:
    // the next step is at the one after it
    const s = log.debug.indexOf('IC epc2=syscall icount=-1 eps2=0x0');
    expect(log.debug[s + 1]).toBe('IC epc2=intenable icount=-1 eps2=0x0');
  });

  test('IC masked at DEBUGLEVEL <= CINTLEVEL < ICOUNTLEVEL: ICOUNT stops at -1, fires once the level drops', () => {
    const p = buildDebugProgram((x, lit, mark) => {
      x.movi(2, -3).wsr(2, SRN.ICOUNT);
      x.movi(2, 3).wsr(2, SRN.ICOUNTLEVEL);
      x.rsil(2, 2); // counted: -3 -> -2
      x.nop(); // -1
      x.nop(); // would be 0: masked, stays -1
      x.nop();
      x.rsr(3, SRN.ICOUNT);
      x.rsil(2, 0); // masked too (level 2 before it runs)
      mark('after_rsil0');
      x.nop();
      storeResults(x, lit, [3]);
      x.j('finish');
    }, 2);
    const log = check('icount-masked', p);
    expect(log.results[0]).toBe(-1);
    expect(log.debug[0]).toBe('IC epc2=after_rsil0 icount=-1 eps2=0x0');
  });

  test('WSR/XSR ICOUNT while counting set the written value (no increment on top)', () => {
    const p = buildDebugProgram((x, lit) => {
      x.movi(2, -100).wsr(2, SRN.ICOUNT);
      x.movi(2, 1).wsr(2, SRN.ICOUNTLEVEL);
      x.movi(2, -50).wsr(2, SRN.ICOUNT);
      x.rsr(3, SRN.ICOUNT);
      x.nop();
      x.rsr(4, SRN.ICOUNT);
      x.movi(5, -7).xsr(5, SRN.ICOUNT);
      x.rsr(6, SRN.ICOUNT);
      x.movi(2, 0).wsr(2, SRN.ICOUNTLEVEL);
      x.rsr(7, SRN.ICOUNT);
      storeResults(x, lit, [3, 4, 5, 6, 7]);
      x.j('finish');
    });
    const log = check('icount-wsr', p);
    // RSR reads the value before its own increment; XSR returns the old value and sets the new
    expect(log.results.slice(0, 5)).toEqual([-50, -48, -46, -7, -4]);
  });

  // ---------------------------------------------------------------- IBREAK

  test('IBREAK re-triggers on every return to its address while enabled; masked at CINTLEVEL 2; hits in a handler', () => {
    const p = buildDebugProgram((x, lit, mark) => {
      // A: breakpoint at `bp_a`, re-triggering 3 times (the handler disables it at the 3rd)
      x.movi(9, 3);
      x.l32r(2, lit('bp_a'));
      x.wsr(2, SRN.IBREAKA0);
      x.movi(2, 1).wsr(2, SRN.IBREAKENABLE);
      x.nop();
      mark('bp_a');
      x.movi(3, 33);
      // B: at CINTLEVEL 2 it does not fire
      x.movi(9, 1);
      x.l32r(2, lit('bp_b'));
      x.wsr(2, SRN.IBREAKA0);
      x.movi(2, 1).wsr(2, SRN.IBREAKENABLE);
      x.rsil(2, 2);
      mark('bp_b');
      x.movi(4, 44);
      x.rsil(2, 0);
      // C: a breakpoint on the kernel handler's first instruction (CINTLEVEL 1: fires)
      x.l32r(2, lit('kern'));
      x.wsr(2, SRN.IBREAKA0);
      x.movi(9, 1);
      mark('sys');
      x.syscall();
      // D: ICOUNT stepping onto an IBREAK: IC first, then IB (not counted), then the step goes on
      x.movi(9, 1);
      x.l32r(2, lit('bp_d'));
      x.wsr(2, SRN.IBREAKA0);
      x.movi(2, 1).wsr(2, SRN.IBREAKENABLE);
      x.movi(2, -2).wsr(2, SRN.ICOUNT);
      x.movi(2, 2).wsr(2, SRN.ICOUNTLEVEL);
      mark('pre_d');
      x.nop();
      mark('bp_d');
      x.movi(5, 55);
      mark('post_d');
      x.movi(2, 0).wsr(2, SRN.ICOUNTLEVEL);
      storeResults(x, lit, [3, 4, 5]);
      x.j('finish');
    });
    const log = check('ibreak', p);
    expect(log.debug.slice(0, 3)).toEqual(Array(3).fill('IB epc2=bp_a icount=0 eps2=0x0'));
    expect(log.debug[3]).toBe('IB epc2=kern icount=0 eps2=0x10');
    expect(log.debug.slice(4)).toEqual([
      'IC epc2=bp_d icount=-1 eps2=0x0', // nop at pre_d counted (-2 -> -1): IC before the IBREAK
      'IB epc2=bp_d icount=-2 eps2=0x0', // the handler set -2; IB raised: not counted
      'IC epc2=post_d icount=-1 eps2=0x0', // IB disabled: bp_d ran and counted
      expect.stringMatching(/^IC /),
    ]);
    expect(log.results.slice(0, 3)).toEqual([33, 44, 55]);
  });

  // ---------------------------------------------------------------- DBREAK

  test('DBREAK: loads and stores touching the watched bytes stop before the access (DEBUGCAUSE.DB, EPC2)', () => {
    const SYSRAM = 0x60000000; // test-lx106's sysram0: reached through the bus, not the fast path
    const p = buildDebugProgram((x, lit, mark) => {
      x.l32r(7, lit(DBG_RES));
      x.l32r(2, lit(0x11111111));
      for (let i = 0; i < 16; i++) x.s32i(2, 7, 0x10 + i * 4); // fill RES+0x10..0x4f
      // A: loads and stores, MASK 0x3C (4 bytes): DBREAKA0 RES+0x22 watches RES+0x20..0x23
      x.l32r(2, lit(DBG_RES + 0x22)).wsr(2, SRN.DBREAKA0);
      x.l32r(2, lit(0xc000003c)).wsr(2, SRN.DBREAKC0);
      x.movi(3, 0x77);
      mark('s32_hit');
      x.s32i(3, 7, 0x20);
      mark('s8_hit');
      x.s8i(3, 7, 0x23);
      x.s16i(3, 7, 0x1e); // RES+0x1e..0x1f: no
      x.s32i(3, 7, 0x24); // no
      x.movi(4, 5);
      mark('l32_hit');
      x.l32i(4, 7, 0x20);
      x.movi(5, 6);
      mark('l16_hit');
      x.l16ui(5, 7, 0x22);
      x.l16ui(6, 7, 0x1c); // no
      x.addi(8, 7, 0x21);
      mark('unaligned');
      x.l32i(8, 8, 0); // LoadStoreAlignment, not DBREAK
      // B: stores only, MASK 0 (64 bytes): RES+0x00..0x3f
      x.movi(2, 0).wsr(2, SRN.DBREAKC0); // (disable first: the literal below is not watched)
      x.l32r(2, lit(0x80000000)).wsr(2, SRN.DBREAKC0);
      x.l32i(8, 7, 0x20); // load: no
      mark('s32_64_hit');
      x.s32i(3, 7, 0x3c);
      x.s32i(3, 7, 0x40); // no
      // C: L32R is a load: 1 byte (MASK 0x3F) inside a literal
      x.movi(2, 0).wsr(2, SRN.DBREAKC0);
      const watchedLiteral = lit(0x12345678);
      x.l32r(2, lit(watchedLiteral + 2)).wsr(2, SRN.DBREAKA0);
      x.l32r(2, lit(0x4000003f)).wsr(2, SRN.DBREAKC0);
      x.movi(9, 9);
      mark('l32r_hit');
      x.l32r(9, watchedLiteral);
      // D: memory behind the bus
      x.movi(2, 0).wsr(2, SRN.DBREAKC0);
      x.l32r(10, lit(SYSRAM + 0x10)).wsr(10, SRN.DBREAKA0);
      x.l32r(2, lit(0xc000003c)).wsr(2, SRN.DBREAKC0);
      mark('bus_s32_hit');
      x.s32i(3, 10, 0);
      x.s32i(3, 10, 4); // no
      x.l32i(6, 10, 4); // no: 0x77
      mark('bus_l8_hit');
      x.l8ui(6, 10, 3);
      x.movi(2, 0).wsr(2, SRN.DBREAKC0);
      x.l32i(2, 10, 0); // 0: the store never happened
      storeResults(x, lit, [4, 5, 6, 8, 9, 2]);
      x.j('finish');
    });
    const log = check('dbreak', p);
    expect(log.debug).toEqual([
      'DB epc2=s32_hit icount=0 eps2=0x0',
      'DB epc2=s8_hit icount=0 eps2=0x0',
      'DB epc2=l32_hit icount=0 eps2=0x0',
      'DB epc2=l16_hit icount=0 eps2=0x0',
      'DB epc2=s32_64_hit icount=0 eps2=0x0',
      'DB epc2=l32r_hit icount=0 eps2=0x0',
      'DB epc2=bus_s32_hit icount=0 eps2=0x0',
      'DB epc2=bus_l8_hit icount=0 eps2=0x0',
    ]);
    expect(log.kernel).toEqual([expect.stringMatching(/^exccause=9 epc1=unaligned /)]);
    // registers the skipped loads would have written keep their values; the skipped stores
    // left the memory alone
    expect(log.results.slice(0, 6)).toEqual([5, 6, 0x77, 0x11111111, 9, 0]);
    expect(log.results[0x20 / 4]).toBe(0x11111111);
    expect(log.results[0x1c / 4]).toBe(0x00771111);
    expect(log.results[0x24 / 4]).toBe(0x77);
    expect(log.results[0x3c / 4]).toBe(0x11111111);
    expect(log.results[0x40 / 4]).toBe(0x77);
  });

  test('a DBREAK hit while ICOUNT-stepping is not counted; CINTLEVEL 1 < DEBUGLEVEL still hits', () => {
    const p = buildDebugProgram((x, lit, mark) => {
      x.l32r(7, lit(DBG_RES));
      x.l32r(2, lit(DBG_RES + 0x20)).wsr(2, SRN.DBREAKA0);
      x.l32r(2, lit(0xc000003c)).wsr(2, SRN.DBREAKC0);
      x.movi(3, 0x55);
      x.rsil(2, 1);
      mark('level1_hit');
      x.s32i(3, 7, 0x20);
      x.rsil(2, 0);
      x.movi(2, -2).wsr(2, SRN.ICOUNT);
      x.movi(2, 2).wsr(2, SRN.ICOUNTLEVEL);
      x.nop();
      mark('stepped_hit');
      x.l32i(5, 7, 0x20);
      x.nop(); // the handler skips the load: RFI lands here (counted)
      mark('after');
      x.movi(2, 0).wsr(2, SRN.ICOUNTLEVEL);
      storeResults(x, lit, [5]);
      x.j('finish');
    });
    const log = check('dbreak-stepped', p);
    expect(log.debug).toEqual([
      'DB epc2=level1_hit icount=0 eps2=0x1',
      'IC epc2=stepped_hit icount=-1 eps2=0x0',
      'DB epc2=stepped_hit icount=-2 eps2=0x0',
      'IC epc2=after icount=-1 eps2=0x0',
      expect.stringMatching(/^IC /),
    ]);
    expect(log.results[0]).toBe(0); // the load never happened
  });
});

describe('DBREAK masked at CINTLEVEL >= DEBUGLEVEL (circuitemu only)', () => {
  // QEMU 7.2 is no reference here: its watchpoint handler re-executes the access without
  // raising the (masked) debug exception, hits the watchpoint again, and loops forever.
  test('the access happens, no exception', () => {
    const p = buildDebugProgram((x, lit) => {
      x.l32r(7, lit(DBG_RES));
      x.l32r(2, lit(DBG_RES + 0x20)).wsr(2, SRN.DBREAKA0);
      x.l32r(2, lit(0xc000003c)).wsr(2, SRN.DBREAKC0);
      x.movi(3, 0x55);
      x.rsil(2, 2);
      x.s32i(3, 7, 0x20);
      x.l32i(4, 7, 0x20);
      x.rsil(2, 0);
      storeResults(x, lit, [4]);
      x.j('finish');
    });
    const log = runOurs(p);
    expect(log.debug).toEqual([]);
    expect(log.results[0]).toBe(0x55);
    expect(log.results[0x20 / 4]).toBe(0x55);
  });
});
