/**
 * Test programs for the LX106 debug features (ICOUNT, IBREAK, DBREAK) that record what the
 * debug and kernel exception handlers see, so that circuitemu and QEMU (`-M sim -cpu lx106`)
 * can be compared entry by entry.
 *
 * Memory (test-lx106 / QEMU sim):
 *   0x40000000  vectors (VECBASE): debug 0x10, NMI 0x20, kernel 0x30, user 0x50, double 0x70
 *   0x40000100  literal pool
 *   0x40000400  handlers, then `main` (the scenario's body), then `finish`
 *   0x3FFE8000  debug log: 4 words per debug exception: DEBUGCAUSE, EPC2, ICOUNT, EPS2
 *   0x3FFE8400  kernel log: 4 words per kernel-vector entry: EXCCAUSE, EPC1, ICOUNT, debug-log
 *               position (a15: orders the two logs)
 *   0x3FFE8800  results area (256 bytes) the body stores into (and data breakpoints watch)
 * At `finish` the program turns the debug features off and writes 0x3FFE8000..0x3FFE8900
 * through simcall write(1, ...), then exits with simcall exit(0).
 *
 * Body helpers: lit(value) / lit('label') give a literal's address for L32R; mark('name')
 * defines a label that the decoded logs show by name.
 *
 * Register use: the body a2..a10 (a9 is also the IBREAK re-trigger counter, see below);
 * kernel handler a11 (scratch), a13 (log pointer); debug handler a12 (scratch), a14 (entries
 * left: at 0 the handler disables ICOUNTLEVEL, IBREAKENABLE and DBREAKC0), a15 (log pointer).
 *
 * Debug handler policy, after logging, by DEBUGCAUSE bit:
 *   IC  ICOUNT = -2 (single-step: the instruction returned to runs, the next one traps)
 *   IB  a9 -= 1; at 0 IBREAKENABLE = 0 (so a breakpoint re-triggers a9 times on return)
 *   DB  EPC2 += 3 (skip the 24-bit load/store that would have accessed the watched data)
 *   BI  EPC2 += 3 (skip the BREAK)
 * Kernel handler: EXCCAUSE 4 (level-1 interrupt): INTCLEAR the software interrupt (bit 7),
 * RFE; anything else: EPC1 += 3, RFE.
 */
import { XtensaAsm, XtensaLiteralPool } from '../helpers/xtensa-asm.js';

export const DBG_CODE = 0x40000000;
export const DBG_POOL = 0x40000100;
export const DBG_DATA = 0x3ffe8000;
export const DBG_LOG = DBG_DATA;
export const DBG_KLOG = DBG_DATA + 0x400;
export const DBG_RES = DBG_DATA + 0x800;
export const DBG_DATA_SIZE = 0x900;

export const SRN = {
  SAR: 3, IBREAKENABLE: 96, IBREAKA0: 128, DBREAKA0: 144, DBREAKC0: 160, EPC1: 177, EPC2: 178,
  EPS2: 194, INTSET: 226, INTCLEAR: 227, INTENABLE: 228, PS: 230, EXCCAUSE: 232, DEBUGCAUSE: 233,
  ICOUNT: 236, ICOUNTLEVEL: 237,
} as const;

export interface DebugProgram {
  segments: { address: number; data: Uint8Array }[];
  entry: number;
  /** Label addresses of the program (handlers, body labels). */
  at: (label: string) => number;
  /** Address -> name of the handlers' entries and of the body's `mark`ed points. */
  names: Map<number, string>;
}

/**
 * Builds a program: `body` runs at PS = 0 (kernel mode, level 0) with VECBASE 0x40000000 and
 * the debug handler allowing `hits` entries.
 */
export function buildDebugProgram(
  body: (x: XtensaAsm, lit: (v: number | string) => number, mark: (name: string) => void) => void,
  hits = 48,
): DebugProgram {
  const x = new XtensaAsm(DBG_CODE);
  const pool = new XtensaLiteralPool(DBG_POOL);
  const labelLiterals: [number, string][] = [];
  /** A literal holding `v`, or the address of label `v` (resolved after assembly). */
  const lit = (v: number | string) => {
    if (typeof v === 'number') return pool.add(v);
    const slot = pool.slot();
    labelLiterals.push([slot, v]);
    return slot;
  };
  for (const [vec, target] of [[0x10, 'dbg'], [0x20, 'fail'], [0x30, 'kern'], [0x50, 'kern'], [0x70, 'fail']] as const) {
    x.org(DBG_CODE + vec);
    x.j(target);
  }
  x.org(DBG_CODE + 0x400);

  // ---- debug handler (level 2)
  x.label('dbg');
  x.rsr(12, SRN.DEBUGCAUSE).s32i(12, 15, 0);
  x.rsr(12, SRN.EPC2).s32i(12, 15, 4);
  x.rsr(12, SRN.ICOUNT).s32i(12, 15, 8);
  x.rsr(12, SRN.EPS2).s32i(12, 15, 12);
  x.addi(15, 15, 16);
  x.rsr(12, SRN.DEBUGCAUSE);
  x.bbci(12, 0, 'dbg_not_ic');
  x.movi(12, -2).wsr(12, SRN.ICOUNT);
  x.label('dbg_not_ic');
  x.rsr(12, SRN.DEBUGCAUSE);
  x.bbci(12, 1, 'dbg_not_ib');
  x.addi(9, 9, -1);
  x.bnez(9, 'dbg_not_ib');
  x.movi(12, 0).wsr(12, SRN.IBREAKENABLE);
  x.label('dbg_not_ib');
  x.rsr(12, SRN.DEBUGCAUSE);
  x.extui(12, 12, 2, 2); // DB (bit 2) or BI (bit 3): skip the instruction
  x.beqz(12, 'dbg_no_skip');
  x.rsr(12, SRN.EPC2).addi(12, 12, 3).wsr(12, SRN.EPC2);
  x.label('dbg_no_skip');
  x.addi(14, 14, -1);
  x.bnez(14, 'dbg_ret');
  x.movi(12, 0).wsr(12, SRN.ICOUNTLEVEL).wsr(12, SRN.IBREAKENABLE).wsr(12, SRN.DBREAKC0);
  x.label('dbg_ret');
  x.rfi(2);

  // ---- kernel handler (level 1, EXCM)
  x.label('kern');
  x.rsr(11, SRN.EXCCAUSE).s32i(11, 13, 0);
  x.rsr(11, SRN.EPC1).s32i(11, 13, 4);
  x.rsr(11, SRN.ICOUNT).s32i(11, 13, 8);
  x.s32i(15, 13, 12);
  x.addi(13, 13, 16);
  x.rsr(11, SRN.EXCCAUSE);
  x.bnei(11, 4, 'kern_skip');
  x.movi(11, 0x80).wsr(11, SRN.INTCLEAR);
  x.rfe();
  x.label('kern_skip');
  x.rsr(11, SRN.EPC1).addi(11, 11, 3).wsr(11, SRN.EPC1);
  x.rfe();

  // ---- NMI / double exception: note it and finish
  x.label('fail');
  x.l32r(11, lit(DBG_RES + 0xfc));
  x.l32r(12, lit(0xdead));
  x.s32i(12, 11, 0);
  x.j('finish');

  // ---- main
  x.label('main');
  x.l32r(15, lit(DBG_LOG));
  x.l32r(13, lit(DBG_KLOG));
  x.movi(14, hits);
  x.movi(9, 1);
  x.movi(2, 0).wsr(2, SRN.PS);
  const names = new Map<number, string>();
  const mark = (name: string) => {
    x.label(name);
    names.set(x.pc, name);
  };
  body(x, lit, mark);
  x.label('finish');
  x.movi(2, 0).wsr(2, SRN.ICOUNTLEVEL).wsr(2, SRN.IBREAKENABLE).wsr(2, SRN.DBREAKC0);
  x.movi(2, 4).movi(3, 1).l32r(4, lit(DBG_DATA)).l32r(5, lit(DBG_DATA_SIZE)).simcall();
  x.movi(2, 1).movi(3, 0).simcall();
  x.label('hang');
  x.j('hang');

  if (pool.size > 0x300) throw new Error('literal pool overflow');
  const code = x.assemble().slice();
  for (const [slot, label] of labelLiterals) pool.set(slot, x.address(label));
  const all = new Uint8Array(Math.max(code.length, DBG_POOL - DBG_CODE + pool.size));
  all.set(code);
  all.set(pool.bytes(), DBG_POOL - DBG_CODE);
  return {
    segments: [{ address: DBG_CODE, data: all }, { address: DBG_DATA, data: new Uint8Array(DBG_DATA_SIZE) }],
    entry: x.address('main'),
    at: (l) => x.address(l),
    names: (() => {
      for (const l of ['dbg', 'kern', 'main', 'finish']) names.set(x.address(l), l);
      return names;
    })(),
  };
}

const CAUSES: [number, string][] = [[1, 'IC'], [2, 'IB'], [4, 'DB'], [8, 'BI'], [16, 'BN']];
const hex = (v: number) => '0x' + (v >>> 0).toString(16);

/** The two logs and the results area, decoded to readable lines. */
export interface DebugLog {
  debug: string[];
  kernel: string[];
  results: number[];
}

export function decodeDebugLog(out: Uint8Array, names?: Map<number, string>): DebugLog | null {
  if (out.length < DBG_DATA_SIZE) return null;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const word = (o: number) => view.getUint32(o, true);
  const name = (pc: number) => names?.get(pc >>> 0) ?? hex(pc);
  const debug: string[] = [];
  for (let o = 0; o < 0x400; o += 16) {
    const cause = word(o);
    if (cause === 0 && word(o + 4) === 0) break;
    const bits = CAUSES.filter(([b]) => (cause & b) !== 0).map(([, n]) => n).join('+') || hex(cause);
    debug.push(`${bits}${cause >>> 8 ? ` dbnum ${(cause >>> 8) & 15}` : ''} epc2=${name(word(o + 4))} icount=${word(o + 8) | 0} eps2=${hex(word(o + 12))}`);
  }
  const kernel: string[] = [];
  for (let o = 0x400; o < 0x800; o += 16) {
    if (word(o + 4) === 0) break;
    kernel.push(`exccause=${word(o)} epc1=${name(word(o + 4))} icount=${word(o + 8) | 0} after-debug-entry=${(word(o + 12) - DBG_LOG) / 16}`);
  }
  const results: number[] = [];
  for (let o = 0x800; o < 0x900; o += 4) results.push(word(o) | 0);
  return { debug, kernel, results };
}
