/**
 * Random LX106 instruction sequences for the differential test against QEMU.
 *
 * One program holds many blocks. Each block:
 *   preamble  stores its dump address in RESUME_CELL, resets EXCCAUSE/EPC1/DEPC/EXCVADDR,
 *             sets SAR and PS (EXCM 0, random INTLEVEL/UM), a1 = its 64-byte scratch area,
 *             a0 and a2..a15 = random values (L32R from the literal pool)
 *   body      random instructions: ALU, shifts through SAR, MUL16/MULL, NSA, EXTUI, MOVxxZ,
 *             loads/stores into the scratch area, forward branches and jumps of every form,
 *             RSIL, RSR/WSR/XSR of PS and harmless special registers, and (rarely) instructions
 *             that raise exceptions (ILL, SYSCALL, BREAK, unaligned and unmapped loads, absent
 *             opcodes; a BREAK at CINTLEVEL >= 2 is a no-op)
 *   dump      a0..a15, SAR, PS, EXCCAUSE, EPC1, DEPC, EXCVADDR stored after the scratch area.
 * Any exception enters the vector code at VECBASE (0x40000000), which jumps to the block's dump.
 * At the end the whole data area is written with simcall write(1, ...) and simcall exit(0).
 * a1 is never written by the random code (it is the scratch base).
 */
import { XtensaAsm, XtensaLiteralPool, B4CONST, B4CONSTU } from '../helpers/xtensa-asm.js';

export const CODE_BASE = 0x40000000;
export const POOL_BASE = 0x40000100;
export const POOL_MAX = 0x8000;
export const CODE_START = POOL_BASE + POOL_MAX;
export const DATA_BASE = 0x3ffe8000;
export const RESUME_CELL = 0x3ffe7ff0;
export const BLOCK_STRIDE = 256;
export const SCRATCH_SIZE = 64;
/** Words in a block's dump: a0..a15, SAR, PS, EXCCAUSE, EPC1, DEPC, EXCVADDR. */
export const DUMP_WORDS = 22;
export const DUMP_NAMES = [
  ...Array.from({ length: 16 }, (_, i) => `a${i}`),
  'SAR', 'PS', 'EXCCAUSE', 'EPC1', 'DEPC', 'EXCVADDR',
];
const SR_SAR = 3, SR_EPC1 = 177, SR_DEPC = 192, SR_EXCSAVE1 = 209, SR_EXCSAVE2 = 210, SR_PS = 230, SR_EXCCAUSE = 232,
  SR_EXCVADDR = 238, SR_EPC2 = 178, SR_EPS2 = 194, SR_DDR = 104, SR_CONFIGID0 = 176, SR_PRID = 235, SR_VECBASE = 231;

export interface RandomProgram {
  code: Uint8Array;
  data: Uint8Array;
  entry: number;
  blocks: { listing: string[]; start: number }[];
}

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (v: number) => '0x' + (v >>> 0).toString(16);

export function generateProgram(seed: number, blockCount: number, bodyLength = 24): RandomProgram {
  const rand = rng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const asm = new XtensaAsm(CODE_BASE);
  const pool = new XtensaLiteralPool(POOL_BASE);
  const data = new Uint8Array(blockCount * BLOCK_STRIDE);

  // Vectors: literal 0 = RESUME_CELL; each vector jumps to the common handler.
  asm.word(RESUME_CELL);
  for (const v of [0x10, 0x20, 0x30, 0x50, 0x70]) {
    asm.org(CODE_BASE + v);
    asm.j('handler');
  }
  asm.org(CODE_BASE + 0x80);
  asm.label('handler');
  asm.wsr(0, SR_EXCSAVE1);
  asm.l32r(0, CODE_BASE);
  asm.l32i(0, 0, 0);
  asm.jx(0);
  asm.org(CODE_START);

  // Interesting values for registers.
  const specials = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 0xffff, 0x8000, 0x7fff, 0x10000, 31, 32, 33, 63, 64, 0x80, 0xff, -2, 3, 4, 0x12345678];
  const randValue = () => {
    const k = int(4);
    if (k === 0) return pick(specials) | 0;
    if (k === 1) return (int(512) - 256) | 0;
    return (int(0x10000) | (int(0x10000) << 16)) | 0;
  };

  const blocks: RandomProgram['blocks'] = [];
  for (let b = 0; b < blockCount; b++) {
    const scratch = DATA_BASE + b * BLOCK_STRIDE;
    for (let i = 0; i < SCRATCH_SIZE; i++) data[b * BLOCK_STRIDE + i] = int(256);
    const listing: string[] = [];
    const start = asm.pc;
    const L = (n: string) => `b${b}_${n}`;
    // ---- preamble
    asm.l32r(2, pool.add(RESUME_CELL));
    const dumpLiteral = pool.slot(0); // patched below with the dump address
    asm.l32r(3, dumpLiteral);
    asm.s32i(3, 2, 0);
    asm.movi(2, 0xff);
    asm.wsr(2, SR_EXCCAUSE);
    asm.movi(2, 0);
    asm.wsr(2, SR_EPC1);
    asm.wsr(2, SR_DEPC);
    asm.wsr(2, SR_EXCVADDR);
    const sar = int(64);
    asm.movi(2, sar);
    asm.wsr(2, SR_SAR);
    const ps = int(16) | (int(2) << 5);
    asm.movi(2, ps);
    asm.wsr(2, SR_PS);
    asm.sync('rsync');
    asm.l32r(1, pool.add(scratch));
    const init: number[] = [];
    for (let r = 0; r < 16; r++) {
      if (r === 1) {
        init.push(scratch);
        continue;
      }
      const v = randValue();
      init.push(v);
      asm.l32r(r, pool.add(v));
    }
    listing.push(`; block ${b}: SAR=${sar} PS=${hex(ps)} a=[${init.map(hex).join(' ')}]`);

    // ---- body
    const dst = () => pick([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    const src = () => int(16);
    let pendingLabels: { at: number; name: string }[] = [];
    // QEMU 7.2 quirk: after SSL/SSA8B in the same translation block, its SRL/SRA shift by SAR
    // with a 32-bit host shift, so SAR = 32 (SSL 0, SSA8B 0) leaves the value unchanged instead
    // of giving 0 / the sign (the ISA's 64-bit shift, which circuitemu implements). Avoid SRL
    // and SRA until a branch, jump or other SAR write ends that state.
    let leftSar = false;
    const n = bodyLength;
    for (let i = 0; i < n; i++) {
      // Labels that target this instruction index.
      for (const p of pendingLabels.filter((p) => p.at === i)) asm.label(p.name);
      pendingLabels = pendingLabels.filter((p) => p.at !== i);
      const skipTo = (minSkip: number) => {
        const k = minSkip + int(4 - minSkip);
        const at = Math.min(i + 1 + k, n);
        const name = L(`t${i}`);
        pendingLabels.push({ at, name });
        return { name, text: at === n ? 'end' : `+${at - i - 1}` };
      };
      const kind = int(100);
      const r = dst(), s = src(), t = src();
      if (kind < 30) {
        const ops = ['add', 'addx2', 'addx4', 'addx8', 'sub', 'subx2', 'subx4', 'subx8', 'and', 'or', 'xor', 'mull', 'mul16u', 'mul16s',
          'moveqz', 'movnez', 'movltz', 'movgez', 'src'] as const;
        const op = pick(ops);
        (asm[op] as (a: number, b: number, c: number) => XtensaAsm).call(asm, r, s, t);
        listing.push(`${op} a${r}, a${s}, a${t}`);
      } else if (kind < 42) {
        let op = pick(['neg', 'abs', 'nsa', 'nsau', 'srl', 'sll', 'sra', 'addn', 'movn'] as const);
        if (leftSar && (op === 'srl' || op === 'sra')) op = 'sll';
        if (op === 'addn') {
          asm.addn(r, s, t);
          listing.push(`add.n a${r}, a${s}, a${t}`);
        } else if (op === 'movn') {
          asm.movn(r, s);
          listing.push(`mov.n a${r}, a${s}`);
        } else if (op === 'nsa' || op === 'nsau') {
          asm[op](r, s);
          listing.push(`${op} a${r}, a${s}`);
        } else {
          (asm[op] as (a: number, b: number) => XtensaAsm).call(asm, r, s);
          listing.push(`${op} a${r}, a${s}`);
        }
      } else if (kind < 52) {
        const op = int(10);
        if (op === 0) { const v = int(4096) - 2048; asm.movi(r, v); listing.push(`movi a${r}, ${v}`); }
        else if (op === 1) { const v = int(128) - 32; const vv = Math.min(v, 95); asm.movin(r, vv); listing.push(`movi.n a${r}, ${vv}`); }
        else if (op === 2) { const v = int(256) - 128; asm.addi(r, s, v); listing.push(`addi a${r}, a${s}, ${v}`); }
        else if (op === 3) { const v = (int(256) - 128) * 256; asm.addmi(r, s, v); listing.push(`addmi a${r}, a${s}, ${v}`); }
        else if (op === 4) { const v = pick([-1, 1, 2, 3, 7, 8, 15]); asm.addin(r, s, v); listing.push(`addi.n a${r}, a${s}, ${v}`); }
        else if (op === 5) { const sa = 1 + int(31); asm.slli(r, s, sa); listing.push(`slli a${r}, a${s}, ${sa}`); }
        else if (op === 6) { const sa = int(32); asm.srai(r, s, sa); listing.push(`srai a${r}, a${s}, ${sa}`); }
        else if (op === 7) { const sa = int(16); asm.srli(r, s, sa); listing.push(`srli a${r}, a${s}, ${sa}`); }
        else if (op === 8) { const sh = int(32); const bits = 1 + int(Math.min(16, 32 - sh)); asm.extui(r, s, sh, bits); listing.push(`extui a${r}, a${s}, ${sh}, ${bits}`); }
        else { const sa = int(32); asm.ssai(sa); listing.push(`ssai ${sa}`); leftSar = false; }
      } else if (kind < 58) {
        const op = pick(['ssr', 'ssl', 'ssa8l', 'ssa8b', 'wsrsar', 'rsrsar'] as const);
        if (op === 'wsrsar') { asm.wsr(s, SR_SAR); listing.push(`wsr a${s}, sar`); }
        else if (op === 'rsrsar') { asm.rsr(r, SR_SAR); listing.push(`rsr a${r}, sar`); }
        else { asm[op](s); listing.push(`${op} a${s}`); }
        leftSar = op === 'ssl' || op === 'ssa8b';
      } else if (kind < 70) {
        // loads and stores in the scratch area (a1-based, aligned)
        const op = int(9);
        if (op === 0) { const o = int(64); asm.l8ui(r, 1, o); listing.push(`l8ui a${r}, a1, ${o}`); }
        else if (op === 1) { const o = int(32) * 2; asm.l16ui(r, 1, o); listing.push(`l16ui a${r}, a1, ${o}`); }
        else if (op === 2) { const o = int(32) * 2; asm.l16si(r, 1, o); listing.push(`l16si a${r}, a1, ${o}`); }
        else if (op === 3) { const o = int(16) * 4; asm.l32i(r, 1, o); listing.push(`l32i a${r}, a1, ${o}`); }
        else if (op === 4) { const o = int(16) * 4; asm.l32in(r, 1, o); listing.push(`l32i.n a${r}, a1, ${o}`); }
        else if (op === 5) { const o = int(64); asm.s8i(t, 1, o); listing.push(`s8i a${t}, a1, ${o}`); }
        else if (op === 6) { const o = int(32) * 2; asm.s16i(t, 1, o); listing.push(`s16i a${t}, a1, ${o}`); }
        else if (op === 7) { const o = int(16) * 4; asm.s32i(t, 1, o); listing.push(`s32i a${t}, a1, ${o}`); }
        else { const o = int(16) * 4; asm.s32in(t, 1, o); listing.push(`s32i.n a${t}, a1, ${o}`); }
      } else if (kind < 90) {
        // forward branches
        leftSar = false;
        const op = int(12);
        if (op === 0) {
          const f = pick(['beqz', 'bnez', 'bltz', 'bgez'] as const);
          const tg = skipTo(0);
          asm[f](s, tg.name);
          listing.push(`${f} a${s}, ${tg.text}`);
        } else if (op === 1) {
          const f = pick(['beqi', 'bnei', 'blti', 'bgei'] as const);
          const idx = int(16);
          const tg = skipTo(0);
          asm[f](s, idx, tg.name);
          listing.push(`${f} a${s}, ${B4CONST[idx]}, ${tg.text}`);
        } else if (op === 2) {
          const f = pick(['bltui', 'bgeui'] as const);
          const idx = int(16);
          const tg = skipTo(0);
          asm[f](s, idx, tg.name);
          listing.push(`${f} a${s}, ${B4CONSTU[idx]}, ${tg.text}`);
        } else if (op === 3) {
          const f = pick(['bbci', 'bbsi'] as const);
          const bit = int(32);
          const tg = skipTo(0);
          asm[f](s, bit, tg.name);
          listing.push(`${f} a${s}, ${bit}, ${tg.text}`);
        } else if (op === 4 && i + 1 < n) {
          const f = pick(['beqzn', 'bnezn'] as const);
          const tg = skipTo(1);
          asm[f](s, tg.name);
          listing.push(`${f === 'beqzn' ? 'beqz.n' : 'bnez.n'} a${s}, ${tg.text}`);
        } else if (op === 5) {
          const tg = skipTo(0);
          asm.j(tg.name);
          listing.push(`j ${tg.text}`);
        } else {
          const f = pick(['bnone', 'beq', 'blt', 'bltu', 'ball', 'bbc', 'bany', 'bne', 'bge', 'bgeu', 'bnall', 'bbs'] as const);
          const tg = skipTo(0);
          asm[f](s, t, tg.name);
          listing.push(`${f} a${s}, a${t}, ${tg.text}`);
        }
      } else if (kind < 97) {
        const op = int(8);
        if (op === 0) { const lv = int(16); asm.rsil(r, lv); listing.push(`rsil a${r}, ${lv}`); }
        else if (op === 1) { asm.rsr(r, SR_PS); listing.push(`rsr a${r}, ps`); }
        else if (op === 2) {
          const sr = pick([SR_EXCSAVE2, SR_EPC2, SR_EPS2, SR_DDR, SR_PS]);
          asm.xsr(r, sr);
          listing.push(`xsr a${r}, sr${sr}`);
        }
        else if (op === 3) {
          const sr = pick([SR_EXCSAVE2, SR_EPC2, SR_EPS2, SR_DDR, SR_PS]);
          asm.wsr(s, sr);
          listing.push(`wsr a${s}, sr${sr}`);
        }
        else if (op === 4) { const sr = pick([SR_CONFIGID0, SR_PRID, SR_VECBASE, SR_EXCSAVE2]); asm.rsr(r, sr); listing.push(`rsr a${r}, sr${sr}`); }
        else if (op === 5) { const k = pick(['memw', 'extw', 'isync', 'rsync', 'esync', 'dsync', 'nop'] as const); asm.sync(k); listing.push(k); }
        else if (op === 6) { asm.nopn(); listing.push('nop.n'); }
        else { asm.rsr(r, SR_EXCSAVE2); listing.push(`rsr a${r}, excsave2`); }
      } else {
        // exceptions: the block ends in the vector
        const op = int(9);
        if (op === 7) { const a = int(16), b2 = int(16); asm.break(a, b2); listing.push(`break ${a}, ${b2}`); }
        else if (op === 8) { const a = int(16); asm.breakn(a); listing.push(`break.n ${a}`); }
        else if (op === 0) { asm.ill(); listing.push('ill'); }
        else if (op === 1) { asm.syscall(); listing.push('syscall'); }
        else if (op === 2) { asm.addi(r, 1, 1 + 2 * int(8)); asm.l32i(t === r ? r : t, r, 0); listing.push(`addi a${r}, a1, odd; l32i a${t === r ? r : t}, a${r}, 0 (unaligned)`); }
        else if (op === 3) { asm.l8ui(r, s === 1 ? 2 : s, int(256)); listing.push(`l8ui a${r}, a${s === 1 ? 2 : s}, imm (random address)`); }
        else if (op === 4) { asm.emit24(0x000020 | (0xd << 20) | (2 << 16)); listing.push('quos (absent: DIV32)'); }
        else if (op === 5) { asm.illn(); listing.push('ill.n'); }
        else { asm.emit24(0x000020 | (4 << 20) | (3 << 16)); listing.push('min (absent)'); }
      }
    }
    for (const p of pendingLabels) asm.label(p.name);
    // ---- dump
    asm.wsr(0, SR_EXCSAVE1);
    const dumpAddress = asm.pc;
    pool.set(dumpLiteral, dumpAddress);
    const D = SCRATCH_SIZE;
    for (let r = 2; r < 16; r++) asm.s32i(r, 1, D + r * 4);
    asm.rsr(2, SR_EXCSAVE1);
    asm.s32i(2, 1, D);
    asm.s32i(1, 1, D + 4);
    const srs = [SR_SAR, SR_PS, SR_EXCCAUSE, SR_EPC1, SR_DEPC, SR_EXCVADDR];
    srs.forEach((sr, i) => {
      asm.rsr(2, sr);
      asm.s32i(2, 1, D + 64 + i * 4);
    });
    blocks.push({ listing, start });
  }
  // ---- finish: write the data area, exit(0)
  asm.movi(2, 4);
  asm.movi(3, 1);
  asm.l32r(4, pool.add(DATA_BASE));
  asm.l32r(5, pool.add(data.length));
  asm.simcall();
  asm.movi(2, 1);
  asm.movi(3, 0);
  asm.simcall();
  asm.label('hang');
  asm.j('hang');
  if (pool.size > POOL_MAX) throw new Error('literal pool overflow');
  const codeOnly = asm.assemble();
  const code = codeOnly.slice();
  code.set(pool.bytes(), POOL_BASE - CODE_BASE);
  return { code, data, entry: CODE_START, blocks };
}

/** Reads block `b`'s dump (scratch bytes and words) from the output bytes. */
export function blockState(out: Uint8Array, b: number): { scratch: Uint8Array; words: number[] } | null {
  const base = b * BLOCK_STRIDE;
  if (out.length < base + SCRATCH_SIZE + DUMP_WORDS * 4) return null;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const words: number[] = [];
  for (let i = 0; i < DUMP_WORDS; i++) words.push(view.getUint32(base + SCRATCH_SIZE + i * 4, true));
  return { scratch: out.slice(base, base + SCRATCH_SIZE), words };
}
