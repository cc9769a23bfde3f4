/**
 * A tiny Xtensa (LX106 subset) assembler for tests: instruction encoders from the Xtensa ISA
 * Reference Manual's opcode maps, labels with fix-ups for branches, jumps, calls and L32R, and a
 * literal pool. Encodings are little-endian.
 *
 *   const asm = new XtensaAsm(0x40100000);
 *   asm.movi(2, 5); asm.label('loop'); asm.addi(2, 2, -1); asm.bnez(2, 'loop');
 *   const bytes = asm.assemble();
 */

export type Target = string | number;

/** 24-bit RRR word. */
export function rrr(op0: number, op1: number, op2: number, r: number, s: number, t: number): number {
  return (op0 | (t << 4) | (s << 8) | (r << 12) | (op1 << 16) | (op2 << 20)) >>> 0;
}

/** 24-bit RRI8 word. */
export function rri8(op0: number, r: number, s: number, t: number, imm8: number): number {
  return (op0 | (t << 4) | (s << 8) | (r << 12) | ((imm8 & 255) << 16)) >>> 0;
}

/** 16-bit RRRN word. */
export function rrrn(op0: number, r: number, s: number, t: number): number {
  return op0 | (t << 4) | (s << 8) | (r << 12);
}

/** B4CONST values, by encoding index. */
export const B4CONST = [-1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256];
export const B4CONSTU = [32768, 65536, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256];

type Fixup = { at: number; pc: number; target: Target; kind: 'b8' | 'b12' | 'b6' | 'j' | 'call' | 'l32r'; base: number };

const SYNC = { isync: 0, rsync: 1, esync: 2, dsync: 3, excw: 8, memw: 12, extw: 13, nop: 15 } as const;

export class XtensaAsm {
  readonly origin: number;
  private bytes: number[] = [];
  private labels = new Map<string, number>();
  private fixups: Fixup[] = [];

  constructor(origin: number) {
    this.origin = origin >>> 0;
  }

  /** Address of the next instruction. */
  get pc(): number {
    return (this.origin + this.bytes.length) >>> 0;
  }

  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.pc);
    return this;
  }

  address(target: Target): number {
    if (typeof target === 'number') return target >>> 0;
    const a = this.labels.get(target);
    if (a === undefined) throw new Error(`undefined label ${target}`);
    return a;
  }

  emit24(w: number): this {
    this.bytes.push(w & 255, (w >>> 8) & 255, (w >>> 16) & 255);
    return this;
  }

  emit16(w: number): this {
    this.bytes.push(w & 255, (w >>> 8) & 255);
    return this;
  }

  word(v: number): this {
    this.bytes.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
    return this;
  }

  byte(...v: number[]): this {
    for (const b of v) this.bytes.push(b & 255);
    return this;
  }

  align(n: number, fill = 0): this {
    while (this.pc % n !== 0) this.bytes.push(fill);
    return this;
  }

  /** Pads with zero bytes up to absolute address `address`. */
  org(address: number): this {
    if (address < this.pc) throw new Error(`org 0x${address.toString(16)} is behind 0x${this.pc.toString(16)}`);
    while (this.pc < address) this.bytes.push(0);
    return this;
  }

  private fix(kind: Fixup['kind'], target: Target, w: number, size: 2 | 3): this {
    this.fixups.push({ at: this.bytes.length, pc: this.pc, target, kind, base: w });
    return size === 3 ? this.emit24(w) : this.emit16(w);
  }

  /** Resolves fix-ups and returns the bytes. */
  assemble(): Uint8Array {
    for (const f of this.fixups) {
      const target = this.address(f.target);
      let w = f.base;
      switch (f.kind) {
        case 'b8': {
          const off = target - f.pc - 4;
          if (off < -128 || off > 127) throw new Error(`branch at 0x${f.pc.toString(16)} out of range (${off})`);
          w |= (off & 255) << 16;
          break;
        }
        case 'b12': {
          const off = target - f.pc - 4;
          if (off < -2048 || off > 2047) throw new Error(`branch at 0x${f.pc.toString(16)} out of range (${off})`);
          w |= (off & 0xfff) << 12;
          break;
        }
        case 'b6': {
          const off = target - f.pc - 4;
          if (off < 0 || off > 63) throw new Error(`narrow branch at 0x${f.pc.toString(16)} out of range (${off})`);
          w |= ((off >> 4) << 4) | ((off & 15) << 12);
          break;
        }
        case 'j': {
          const off = target - f.pc - 4;
          if (off < -(1 << 17) || off >= 1 << 17) throw new Error(`jump at 0x${f.pc.toString(16)} out of range`);
          w |= (off & 0x3ffff) << 6;
          break;
        }
        case 'call': {
          if (target & 3) throw new Error(`call target 0x${target.toString(16)} is not 4-aligned`);
          const off = (target - ((f.pc & ~3) + 4)) >> 2;
          if (off < -(1 << 17) || off >= 1 << 17) throw new Error(`call at 0x${f.pc.toString(16)} out of range`);
          w |= (off & 0x3ffff) << 6;
          break;
        }
        case 'l32r': {
          if (target & 3) throw new Error(`literal 0x${target.toString(16)} is not 4-aligned`);
          const off = (target - ((f.pc + 3) & ~3)) >> 2;
          if (off >= 0 || off < -(1 << 16)) throw new Error(`l32r at 0x${f.pc.toString(16)}: literal out of range (${off})`);
          w |= (off & 0xffff) << 8;
          break;
        }
      }
      const b = this.bytes;
      b[f.at] = w & 255;
      b[f.at + 1] = (w >>> 8) & 255;
      if (f.kind !== 'b6') b[f.at + 2] = (w >>> 16) & 255;
    }
    return Uint8Array.from(this.bytes);
  }

  // ---------------------------------------------------------------- ALU (RRR)
  add(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 8, ar, as, at)); }
  addx2(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 9, ar, as, at)); }
  addx4(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 10, ar, as, at)); }
  addx8(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 11, ar, as, at)); }
  sub(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 12, ar, as, at)); }
  subx2(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 13, ar, as, at)); }
  subx4(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 14, ar, as, at)); }
  subx8(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 15, ar, as, at)); }
  and(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 1, ar, as, at)); }
  or(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 2, ar, as, at)); }
  xor(ar: number, as: number, at: number) { return this.emit24(rrr(0, 0, 3, ar, as, at)); }
  mov(ar: number, as: number) { return this.or(ar, as, as); }
  neg(ar: number, at: number) { return this.emit24(rrr(0, 0, 6, ar, 0, at)); }
  abs(ar: number, at: number) { return this.emit24(rrr(0, 0, 6, ar, 1, at)); }
  mull(ar: number, as: number, at: number) { return this.emit24(rrr(0, 2, 8, ar, as, at)); }
  mul16u(ar: number, as: number, at: number) { return this.emit24(rrr(0, 1, 12, ar, as, at)); }
  mul16s(ar: number, as: number, at: number) { return this.emit24(rrr(0, 1, 13, ar, as, at)); }
  nsa(at: number, as: number) { return this.emit24(rrr(0, 0, 4, 14, as, at)); }
  nsau(at: number, as: number) { return this.emit24(rrr(0, 0, 4, 15, as, at)); }
  moveqz(ar: number, as: number, at: number) { return this.emit24(rrr(0, 3, 8, ar, as, at)); }
  movnez(ar: number, as: number, at: number) { return this.emit24(rrr(0, 3, 9, ar, as, at)); }
  movltz(ar: number, as: number, at: number) { return this.emit24(rrr(0, 3, 10, ar, as, at)); }
  movgez(ar: number, as: number, at: number) { return this.emit24(rrr(0, 3, 11, ar, as, at)); }
  /** EXTUI ar, at, shift (0..31), bits (1..16). */
  extui(ar: number, at: number, shift: number, bits: number) {
    return this.emit24(rrr(0, 4 | (shift >> 4), bits - 1, ar, shift & 15, at));
  }

  // ---------------------------------------------------------------- shifts
  /** SLLI ar, as, sa (1..31). */
  slli(ar: number, as: number, sa: number) {
    const enc = 32 - sa;
    return this.emit24(rrr(0, 1, (enc >> 4) & 1, ar, as, enc & 15));
  }
  /** SRAI ar, at, sa (0..31). */
  srai(ar: number, at: number, sa: number) { return this.emit24(rrr(0, 1, 2 | (sa >> 4), ar, sa & 15, at)); }
  /** SRLI ar, at, sa (0..15). */
  srli(ar: number, at: number, sa: number) { return this.emit24(rrr(0, 1, 4, ar, sa, at)); }
  src(ar: number, as: number, at: number) { return this.emit24(rrr(0, 1, 8, ar, as, at)); }
  srl(ar: number, at: number) { return this.emit24(rrr(0, 1, 9, ar, 0, at)); }
  sll(ar: number, as: number) { return this.emit24(rrr(0, 1, 10, ar, as, 0)); }
  sra(ar: number, at: number) { return this.emit24(rrr(0, 1, 11, ar, 0, at)); }
  ssr(as: number) { return this.emit24(rrr(0, 0, 4, 0, as, 0)); }
  ssl(as: number) { return this.emit24(rrr(0, 0, 4, 1, as, 0)); }
  ssa8l(as: number) { return this.emit24(rrr(0, 0, 4, 2, as, 0)); }
  ssa8b(as: number) { return this.emit24(rrr(0, 0, 4, 3, as, 0)); }
  ssai(sa: number) { return this.emit24(rrr(0, 0, 4, 4, sa & 15, sa >> 4)); }

  // ---------------------------------------------------------------- immediates, loads, stores
  movi(at: number, imm: number) {
    if (imm < -2048 || imm > 2047) throw new Error(`movi immediate ${imm} out of range`);
    return this.emit24(rri8(2, 10, (imm >> 8) & 15, at, imm & 255));
  }
  addi(at: number, as: number, imm: number) { return this.emit24(rri8(2, 12, as, at, imm)); }
  /** ADDMI at, as, imm (a multiple of 256 in -32768..32512). */
  addmi(at: number, as: number, imm: number) { return this.emit24(rri8(2, 13, as, at, imm >> 8)); }
  l8ui(at: number, as: number, off: number) { return this.emit24(rri8(2, 0, as, at, off)); }
  l16ui(at: number, as: number, off: number) { return this.emit24(rri8(2, 1, as, at, off >> 1)); }
  l16si(at: number, as: number, off: number) { return this.emit24(rri8(2, 9, as, at, off >> 1)); }
  l32i(at: number, as: number, off: number) { return this.emit24(rri8(2, 2, as, at, off >> 2)); }
  s8i(at: number, as: number, off: number) { return this.emit24(rri8(2, 4, as, at, off)); }
  s16i(at: number, as: number, off: number) { return this.emit24(rri8(2, 5, as, at, off >> 1)); }
  s32i(at: number, as: number, off: number) { return this.emit24(rri8(2, 6, as, at, off >> 2)); }
  l32r(at: number, literal: Target) { return this.fix('l32r', literal, 1 | (at << 4), 3); }

  // ---------------------------------------------------------------- density
  l32in(at: number, as: number, off: number) { return this.emit16(rrrn(8, off >> 2, as, at)); }
  s32in(at: number, as: number, off: number) { return this.emit16(rrrn(9, off >> 2, as, at)); }
  addn(ar: number, as: number, at: number) { return this.emit16(rrrn(10, ar, as, at)); }
  /** ADDI.N ar, as, imm (-1 or 1..15). */
  addin(ar: number, as: number, imm: number) { return this.emit16(rrrn(11, ar, as, imm === -1 ? 0 : imm)); }
  /** MOVI.N as, imm (-32..95). */
  movin(as: number, imm: number) {
    if (imm < -32 || imm > 95) throw new Error(`movi.n immediate ${imm} out of range`);
    return this.emit16(12 | (((imm >> 4) & 7) << 4) | (as << 8) | ((imm & 15) << 12));
  }
  movn(at: number, as: number) { return this.emit16(rrrn(13, 0, as, at)); }
  retn() { return this.emit16(rrrn(13, 15, 0, 0)); }
  breakn(imm: number) { return this.emit16(rrrn(13, 15, imm, 2)); }
  nopn() { return this.emit16(rrrn(13, 15, 0, 3)); }
  illn() { return this.emit16(rrrn(13, 15, 0, 6)); }
  beqzn(as: number, target: Target) { return this.fix('b6', target, 12 | (8 << 4) | (as << 8), 2); }
  bnezn(as: number, target: Target) { return this.fix('b6', target, 12 | (12 << 4) | (as << 8), 2); }

  // ---------------------------------------------------------------- branches
  private bz(m: number, as: number, target: Target) { return this.fix('b12', target, 6 | (((m << 2) | 1) << 4) | (as << 8), 3); }
  beqz(as: number, target: Target) { return this.bz(0, as, target); }
  bnez(as: number, target: Target) { return this.bz(1, as, target); }
  bltz(as: number, target: Target) { return this.bz(2, as, target); }
  bgez(as: number, target: Target) { return this.bz(3, as, target); }
  private bi(t: number, as: number, index: number, target: Target) {
    return this.fix('b8', target, 6 | (t << 4) | (as << 8) | (index << 12), 3);
  }
  /** Branch-immediate forms take the B4CONST / B4CONSTU *index* (0..15). */
  beqi(as: number, index: number, target: Target) { return this.bi(2, as, index, target); }
  bnei(as: number, index: number, target: Target) { return this.bi(6, as, index, target); }
  blti(as: number, index: number, target: Target) { return this.bi(10, as, index, target); }
  bgei(as: number, index: number, target: Target) { return this.bi(14, as, index, target); }
  bltui(as: number, index: number, target: Target) { return this.bi(11, as, index, target); }
  bgeui(as: number, index: number, target: Target) { return this.bi(15, as, index, target); }
  private b(r: number, as: number, at: number, target: Target) { return this.fix('b8', target, rri8(7, r, as, at, 0), 3); }
  bnone(as: number, at: number, target: Target) { return this.b(0, as, at, target); }
  beq(as: number, at: number, target: Target) { return this.b(1, as, at, target); }
  blt(as: number, at: number, target: Target) { return this.b(2, as, at, target); }
  bltu(as: number, at: number, target: Target) { return this.b(3, as, at, target); }
  ball(as: number, at: number, target: Target) { return this.b(4, as, at, target); }
  bbc(as: number, at: number, target: Target) { return this.b(5, as, at, target); }
  bany(as: number, at: number, target: Target) { return this.b(8, as, at, target); }
  bne(as: number, at: number, target: Target) { return this.b(9, as, at, target); }
  bge(as: number, at: number, target: Target) { return this.b(10, as, at, target); }
  bgeu(as: number, at: number, target: Target) { return this.b(11, as, at, target); }
  bnall(as: number, at: number, target: Target) { return this.b(12, as, at, target); }
  bbs(as: number, at: number, target: Target) { return this.b(13, as, at, target); }
  bbci(as: number, bit: number, target: Target) { return this.b(6 | (bit >> 4), as, bit & 15, target); }
  bbsi(as: number, bit: number, target: Target) { return this.b(14 | (bit >> 4), as, bit & 15, target); }

  // ---------------------------------------------------------------- jumps and calls
  j(target: Target) { return this.fix('j', target, 6, 3); }
  jx(as: number) { return this.emit24(rrr(0, 0, 0, 0, as, 10)); }
  call0(target: Target) { return this.fix('call', target, 5, 3); }
  callx0(as: number) { return this.emit24(rrr(0, 0, 0, 0, as, 12)); }
  ret() { return this.emit24(rrr(0, 0, 0, 0, 0, 8)); }

  // ---------------------------------------------------------------- system
  rsr(at: number, sr: number) { return this.emit24(rrr(0, 3, 0, sr >> 4, sr & 15, at)); }
  wsr(at: number, sr: number) { return this.emit24(rrr(0, 3, 1, sr >> 4, sr & 15, at)); }
  xsr(at: number, sr: number) { return this.emit24(rrr(0, 1, 6, sr >> 4, sr & 15, at)); }
  rsil(at: number, level: number) { return this.emit24(rrr(0, 0, 0, 6, level, at)); }
  waiti(level: number) { return this.emit24(rrr(0, 0, 0, 7, level, 0)); }
  rfe() { return this.emit24(rrr(0, 0, 0, 3, 0, 0)); }
  rfde() { return this.emit24(rrr(0, 0, 0, 3, 2, 0)); }
  rfi(level: number) { return this.emit24(rrr(0, 0, 0, 3, level, 1)); }
  break(s: number, t: number) { return this.emit24(rrr(0, 0, 0, 4, s, t)); }
  syscall() { return this.emit24(rrr(0, 0, 0, 5, 0, 0)); }
  simcall() { return this.emit24(rrr(0, 0, 0, 5, 1, 0)); }
  ill() { return this.emit24(0); }
  sync(kind: keyof typeof SYNC) { return this.emit24(rrr(0, 0, 0, 2, 0, SYNC[kind])); }
  nop() { return this.sync('nop'); }
  memw() { return this.sync('memw'); }
  rer(at: number, as: number) { return this.emit24(rrr(0, 0, 4, 6, as, at)); }
  wer(at: number, as: number) { return this.emit24(rrr(0, 0, 4, 7, as, at)); }

  /** Loads a 32-bit constant: MOVI when it fits, else L32R from a literal placed at `pool`. */
  const32(at: number, value: number, pool: XtensaLiteralPool) {
    const v = value | 0;
    if (v >= -2048 && v <= 2047) return this.movi(at, v);
    return this.l32r(at, pool.add(v));
  }
}

/** Literals placed (by the caller) at an address below the code that uses them. */
export class XtensaLiteralPool {
  private values: number[] = [];
  private index = new Map<number, number>();
  constructor(readonly base: number) {}

  /** Returns the literal's address (a number target for l32r). */
  add(value: number): number {
    const v = value | 0;
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(v);
      this.index.set(v, i);
    }
    return this.base + i * 4;
  }

  /** Adds a distinct slot (not shared) and returns its address. */
  slot(value = 0): number {
    this.values.push(value | 0);
    return this.base + (this.values.length - 1) * 4;
  }

  /** Fills an already-added slot. */
  set(address: number, value: number): void {
    this.values[(address - this.base) >> 2] = value | 0;
  }

  get size(): number {
    return this.values.length * 4;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.values.length * 4);
    const view = new DataView(out.buffer);
    this.values.forEach((v, i) => view.setInt32(i * 4, v, true));
    return out;
  }
}
