/**
 * A small ARMv6-M (Thumb) encoder for building test images without a
 * toolchain: one function per instruction form returning its halfwords and
 * a readable text, an assembler with labels, branches and literal pools, and
 * a minimal ELF32 writer so the image can be handed to QEMU and to
 * `runFirmware` alike.
 *
 * Encodings follow the ARMv6-M Architecture Reference Manual (ARM DDI 0419),
 * chapter A5 "The Thumb Instruction Set Encoding" and A6.7 "Alphabetical list
 * of ARMv6-M Thumb instructions".
 */

export interface Insn {
  /** The encoding, one or two halfwords in execution order. */
  hw: number[];
  /** Assembler text (unified syntax). */
  text: string;
}

const REG_NAMES = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc'];
export const COND_NAMES = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'] as const;

export function regName(r: number): string {
  const n = REG_NAMES[r];
  if (n === undefined) throw new Error(`bad register ${r}`);
  return n;
}

function lo(r: number, what = 'register'): number {
  if (!Number.isInteger(r) || r < 0 || r > 7) throw new Error(`${what} must be r0-r7, got ${r}`);
  return r;
}

function any(r: number): number {
  if (!Number.isInteger(r) || r < 0 || r > 15) throw new Error(`register must be r0-r15, got ${r}`);
  return r;
}

function uimm(v: number, bits: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v >= 1 << bits) throw new Error(`${what} out of range: ${v}`);
  return v;
}

function scaled(v: number, scale: number, bits: number, what: string): number {
  if (v % scale !== 0) throw new Error(`${what} must be a multiple of ${scale}: ${v}`);
  return uimm(v / scale, bits, what);
}

function one(hw: number, text: string): Insn {
  return { hw: [hw & 0xffff], text };
}

function reglist(list: number[], extra?: string): string {
  const names = [...list].sort((a, b) => a - b).map(regName);
  if (extra) names.push(extra);
  return `{${names.join(', ')}}`;
}

function listBits(list: number[]): number {
  let bits = 0;
  for (const r of list) bits |= 1 << lo(r);
  return bits;
}

const r = regName;

// ---- shift (immediate), add, subtract, move, compare: 00xxxx -------------

/** LSLS Rd, Rm, #imm (imm 0..31; #0 is the MOVS Rd, Rm encoding). */
export function lslsImm(rd: number, rm: number, imm: number): Insn {
  return one((uimm(imm, 5, 'shift') << 6) | (lo(rm) << 3) | lo(rd),
    imm === 0 ? `movs ${r(rd)}, ${r(rm)}` : `lsls ${r(rd)}, ${r(rm)}, #${imm}`);
}
/** LSRS Rd, Rm, #imm (imm 1..32). */
export function lsrsImm(rd: number, rm: number, imm: number): Insn {
  if (imm < 1 || imm > 32) throw new Error(`lsrs shift out of range: ${imm}`);
  return one(0x0800 | ((imm & 31) << 6) | (lo(rm) << 3) | lo(rd), `lsrs ${r(rd)}, ${r(rm)}, #${imm}`);
}
/** ASRS Rd, Rm, #imm (imm 1..32). */
export function asrsImm(rd: number, rm: number, imm: number): Insn {
  if (imm < 1 || imm > 32) throw new Error(`asrs shift out of range: ${imm}`);
  return one(0x1000 | ((imm & 31) << 6) | (lo(rm) << 3) | lo(rd), `asrs ${r(rd)}, ${r(rm)}, #${imm}`);
}
export function addsReg(rd: number, rn: number, rm: number): Insn {
  return one(0x1800 | (lo(rm) << 6) | (lo(rn) << 3) | lo(rd), `adds ${r(rd)}, ${r(rn)}, ${r(rm)}`);
}
export function subsReg(rd: number, rn: number, rm: number): Insn {
  return one(0x1a00 | (lo(rm) << 6) | (lo(rn) << 3) | lo(rd), `subs ${r(rd)}, ${r(rn)}, ${r(rm)}`);
}
export function addsImm3(rd: number, rn: number, imm: number): Insn {
  return one(0x1c00 | (uimm(imm, 3, 'imm3') << 6) | (lo(rn) << 3) | lo(rd), `adds ${r(rd)}, ${r(rn)}, #${imm}`);
}
export function subsImm3(rd: number, rn: number, imm: number): Insn {
  return one(0x1e00 | (uimm(imm, 3, 'imm3') << 6) | (lo(rn) << 3) | lo(rd), `subs ${r(rd)}, ${r(rn)}, #${imm}`);
}
export function movsImm(rd: number, imm: number): Insn {
  return one(0x2000 | (lo(rd) << 8) | uimm(imm, 8, 'imm8'), `movs ${r(rd)}, #${imm}`);
}
export function cmpImm(rn: number, imm: number): Insn {
  return one(0x2800 | (lo(rn) << 8) | uimm(imm, 8, 'imm8'), `cmp ${r(rn)}, #${imm}`);
}
export function addsImm8(rdn: number, imm: number): Insn {
  return one(0x3000 | (lo(rdn) << 8) | uimm(imm, 8, 'imm8'), `adds ${r(rdn)}, #${imm}`);
}
export function subsImm8(rdn: number, imm: number): Insn {
  return one(0x3800 | (lo(rdn) << 8) | uimm(imm, 8, 'imm8'), `subs ${r(rdn)}, #${imm}`);
}

// ---- data processing (register): 010000 ----------------------------------

/** The 16 operations of the 010000 group, in opcode order. */
export const ALU_OPS = ['ands', 'eors', 'lsls', 'lsrs', 'asrs', 'adcs', 'sbcs', 'rors',
  'tst', 'rsbs', 'cmp', 'cmn', 'orrs', 'muls', 'bics', 'mvns'] as const;
export type AluOp = (typeof ALU_OPS)[number];

/** `<op> Rdn, Rm` (RSBS is `rsbs Rd, Rn, #0`; MULS is `muls Rdm, Rn, Rdm`). */
export function alu(op: AluOp, rdn: number, rm: number): Insn {
  const code = ALU_OPS.indexOf(op);
  const hw = 0x4000 | (code << 6) | (lo(rm) << 3) | lo(rdn);
  let text: string;
  if (op === 'rsbs') text = `rsbs ${r(rdn)}, ${r(rm)}, #0`;
  else if (op === 'muls') text = `muls ${r(rdn)}, ${r(rm)}, ${r(rdn)}`;
  else text = `${op} ${r(rdn)}, ${r(rm)}`;
  return one(hw, text);
}

// ---- special data instructions and branch and exchange: 010001 ------------

/** ADD Rdn, Rm (T2, any registers, flags unchanged). */
export function addHi(rdn: number, rm: number): Insn {
  any(rdn);
  return one(0x4400 | ((rdn & 8) << 4) | (any(rm) << 3) | (rdn & 7), `add ${r(rdn)}, ${r(rm)}`);
}
/** CMP Rn, Rm (T2: at least one high register). */
export function cmpHi(rn: number, rm: number): Insn {
  any(rn);
  if (rn < 8 && rm < 8) throw new Error('cmp (T2) needs a high register');
  return one(0x4500 | ((rn & 8) << 4) | (any(rm) << 3) | (rn & 7), `cmp ${r(rn)}, ${r(rm)}`);
}
/** MOV Rd, Rm (T1, any registers, flags unchanged). */
export function movHi(rd: number, rm: number): Insn {
  any(rd);
  return one(0x4600 | ((rd & 8) << 4) | (any(rm) << 3) | (rd & 7), `mov ${r(rd)}, ${r(rm)}`);
}
export function bx(rm: number): Insn {
  return one(0x4700 | (any(rm) << 3), `bx ${r(rm)}`);
}
export function blx(rm: number): Insn {
  return one(0x4780 | (any(rm) << 3), `blx ${r(rm)}`);
}

// ---- load/store ------------------------------------------------------------

/** LDR Rt, [PC, #imm] with imm a multiple of 4 in 0..1020 (address is Align(PC,4)+imm). */
export function ldrLit(rt: number, imm: number): Insn {
  return one(0x4800 | (lo(rt) << 8) | scaled(imm, 4, 8, 'ldr literal offset'), `ldr ${r(rt)}, [pc, #${imm}]`);
}

export const REG_OFFSET_OPS = ['str', 'strh', 'strb', 'ldrsb', 'ldr', 'ldrh', 'ldrb', 'ldrsh'] as const;
export type RegOffsetOp = (typeof REG_OFFSET_OPS)[number];
/** `<op> Rt, [Rn, Rm]` */
export function ldstReg(op: RegOffsetOp, rt: number, rn: number, rm: number): Insn {
  const code = REG_OFFSET_OPS.indexOf(op);
  return one(0x5000 | (code << 9) | (lo(rm) << 6) | (lo(rn) << 3) | lo(rt), `${op} ${r(rt)}, [${r(rn)}, ${r(rm)}]`);
}

export type ImmOffsetOp = 'str' | 'ldr' | 'strb' | 'ldrb' | 'strh' | 'ldrh';
const IMM_OFFSET: Record<ImmOffsetOp, { base: number; scale: number }> = {
  str: { base: 0x6000, scale: 4 },
  ldr: { base: 0x6800, scale: 4 },
  strb: { base: 0x7000, scale: 1 },
  ldrb: { base: 0x7800, scale: 1 },
  strh: { base: 0x8000, scale: 2 },
  ldrh: { base: 0x8800, scale: 2 },
};
/** `<op> Rt, [Rn, #imm]`, imm a multiple of the access size, 5-bit scaled. */
export function ldstImm(op: ImmOffsetOp, rt: number, rn: number, imm: number): Insn {
  const { base, scale } = IMM_OFFSET[op];
  const imm5 = scaled(imm, scale, 5, `${op} offset`);
  return one(base | (imm5 << 6) | (lo(rn) << 3) | lo(rt), `${op} ${r(rt)}, [${r(rn)}, #${imm}]`);
}
/** STR/LDR Rt, [SP, #imm] with imm a multiple of 4 in 0..1020. */
export function ldstSp(op: 'str' | 'ldr', rt: number, imm: number): Insn {
  const base = op === 'str' ? 0x9000 : 0x9800;
  return one(base | (lo(rt) << 8) | scaled(imm, 4, 8, `${op} sp offset`), `${op} ${r(rt)}, [sp, #${imm}]`);
}

// ---- address generation, SP adjustment, misc: 1010xx, 1011xx ---------------

/** ADR Rd, <Align(PC,4) + imm> (imm multiple of 4, 0..1020). */
export function adr(rd: number, imm: number): Insn {
  return one(0xa000 | (lo(rd) << 8) | scaled(imm, 4, 8, 'adr offset'), `adr ${r(rd)}, pc+#${imm}`);
}
/** ADD Rd, SP, #imm (imm multiple of 4, 0..1020). */
export function addRdSp(rd: number, imm: number): Insn {
  return one(0xa800 | (lo(rd) << 8) | scaled(imm, 4, 8, 'add sp offset'), `add ${r(rd)}, sp, #${imm}`);
}
/** ADD SP, SP, #imm (multiple of 4, 0..508). */
export function addSp(imm: number): Insn {
  return one(0xb000 | scaled(imm, 4, 7, 'add sp'), `add sp, #${imm}`);
}
/** SUB SP, SP, #imm (multiple of 4, 0..508). */
export function subSp(imm: number): Insn {
  return one(0xb080 | scaled(imm, 4, 7, 'sub sp'), `sub sp, #${imm}`);
}

export const EXTEND_OPS = ['sxth', 'sxtb', 'uxth', 'uxtb'] as const;
export function extend(op: (typeof EXTEND_OPS)[number], rd: number, rm: number): Insn {
  return one(0xb200 | (EXTEND_OPS.indexOf(op) << 6) | (lo(rm) << 3) | lo(rd), `${op} ${r(rd)}, ${r(rm)}`);
}

export const REVERSE_OPS = { rev: 0xba00, rev16: 0xba40, revsh: 0xbac0 } as const;
export function reverse(op: keyof typeof REVERSE_OPS, rd: number, rm: number): Insn {
  return one(REVERSE_OPS[op] | (lo(rm) << 3) | lo(rd), `${op} ${r(rd)}, ${r(rm)}`);
}

/** PUSH {low registers[, LR]} */
export function push(list: number[], lr = false): Insn {
  if (list.length === 0 && !lr) throw new Error('empty push');
  return one(0xb400 | (lr ? 0x100 : 0) | listBits(list), `push ${reglist(list, lr ? 'lr' : undefined)}`);
}
/** POP {low registers[, PC]} */
export function pop(list: number[], pc = false): Insn {
  if (list.length === 0 && !pc) throw new Error('empty pop');
  return one(0xbc00 | (pc ? 0x100 : 0) | listBits(list), `pop ${reglist(list, pc ? 'pc' : undefined)}`);
}
/** STM Rn!, {list} */
export function stm(rn: number, list: number[]): Insn {
  if (list.length === 0) throw new Error('empty stm');
  return one(0xc000 | (lo(rn) << 8) | listBits(list), `stm ${r(rn)}!, ${reglist(list)}`);
}
/** LDM Rn{!}, {list} (no writeback when Rn is in the list) */
export function ldm(rn: number, list: number[]): Insn {
  if (list.length === 0) throw new Error('empty ldm');
  const wb = list.includes(rn) ? '' : '!';
  return one(0xc800 | (lo(rn) << 8) | listBits(list), `ldm ${r(rn)}${wb}, ${reglist(list)}`);
}

export function bkpt(imm: number): Insn {
  return one(0xbe00 | uimm(imm, 8, 'bkpt'), `bkpt 0x${imm.toString(16)}`);
}
export function svc(imm: number): Insn {
  return one(0xdf00 | uimm(imm, 8, 'svc'), `svc #${imm}`);
}
export function udf(imm: number): Insn {
  return one(0xde00 | uimm(imm, 8, 'udf'), `udf #${imm}`);
}
export const nop = (): Insn => one(0xbf00, 'nop');
export const cpsid = (): Insn => one(0xb672, 'cpsid i');
export const cpsie = (): Insn => one(0xb662, 'cpsie i');

// ---- branches ------------------------------------------------------------------

/** B<cond> with a byte offset relative to this instruction's address + 4. */
export function bcondRel(cond: number, offset: number): Insn {
  if (cond < 0 || cond > 13) throw new Error(`bad condition ${cond}`);
  if (offset % 2 !== 0 || offset < -256 || offset > 254) throw new Error(`b<cc> offset out of range: ${offset}`);
  return one(0xd000 | (cond << 8) | ((offset >> 1) & 0xff), `b${COND_NAMES[cond]} .+${offset + 4}`);
}
/** B with a byte offset relative to this instruction's address + 4. */
export function bRel(offset: number): Insn {
  if (offset % 2 !== 0 || offset < -2048 || offset > 2046) throw new Error(`b offset out of range: ${offset}`);
  return one(0xe000 | ((offset >> 1) & 0x7ff), `b .+${offset + 4}`);
}
/** BL with a byte offset relative to this instruction's address + 4. */
export function blRel(offset: number): Insn {
  if (offset % 2 !== 0 || offset < -(1 << 24) || offset >= 1 << 24) throw new Error(`bl offset out of range: ${offset}`);
  const imm = (offset >> 1) & 0xffffff;            // S:I1:I2:imm10:imm11 (24 bits)
  const s = (imm >> 23) & 1;
  const i1 = (imm >> 22) & 1;
  const i2 = (imm >> 21) & 1;
  const j1 = (~i1 ^ s) & 1;
  const j2 = (~i2 ^ s) & 1;
  const hi = 0xf000 | (s << 10) | ((imm >> 11) & 0x3ff);
  const lw = 0xd000 | (j1 << 13) | (j2 << 11) | (imm & 0x7ff);
  return { hw: [hi, lw], text: `bl .+${offset + 4}` };
}

// ---- 32-bit system instructions ------------------------------------------------

export const SYSM = { apsr: 0, iapsr: 1, eapsr: 2, xpsr: 3, ipsr: 5, epsr: 6, iepsr: 7, msp: 8, psp: 9, primask: 16, control: 20 } as const;

/** MRS Rd, <special register> */
export function mrs(rd: number, sysm: keyof typeof SYSM): Insn {
  if (rd === 13 || rd === 15) throw new Error('mrs to sp/pc');
  return { hw: [0xf3ef, 0x8000 | (any(rd) << 8) | SYSM[sysm]], text: `mrs ${r(rd)}, ${sysm}` };
}
/** MSR <special register>, Rn (APSR writes N, Z, C, V). */
export function msr(sysm: keyof typeof SYSM, rn: number): Insn {
  if (rn === 13 || rn === 15) throw new Error('msr from sp/pc');
  return { hw: [0xf380 | any(rn), 0x8800 | SYSM[sysm]], text: `msr ${sysm}, ${r(rn)}` };
}
export const dsb = (): Insn => ({ hw: [0xf3bf, 0x8f4f], text: 'dsb sy' });
export const dmb = (): Insn => ({ hw: [0xf3bf, 0x8f5f], text: 'dmb sy' });
export const isb = (): Insn => ({ hw: [0xf3bf, 0x8f6f], text: 'isb sy' });

/** Hex form of an encoding, e.g. "f3ef 8000". */
export function hex(insn: Insn): string {
  return insn.hw.map((h) => h.toString(16).padStart(4, '0')).join(' ');
}

// ---- assembler -----------------------------------------------------------------

interface Fixup {
  /** halfword index of the instruction */
  at: number;
  kind: 'b' | 'bcond' | 'bl' | 'ldr' | 'adr';
  label: string;
  reg: number;
  cond: number;
}

/** A listing line: address, encoding and text of one emitted instruction. */
export interface ListingLine {
  addr: number;
  insn: Insn;
}

/**
 * Emits Thumb code from `origin` with forward/backward labels, B/B<cc>/BL
 * to labels, `LDR Rt, =value` with literal pools, `.word` data and
 * alignment.  `finish()` resolves everything and returns the bytes.
 */
export class ThumbAssembler {
  private readonly hws: number[] = [];
  private readonly labels = new Map<string, number>();
  private readonly fixups: Fixup[] = [];
  private pending: { label: string; value: number }[] = [];
  private nextLabel = 0;
  private pools = 0;
  readonly listing: ListingLine[] = [];

  constructor(readonly origin: number) {
    if (origin % 4 !== 0) throw new Error('origin must be word aligned');
  }

  /** Address of the next halfword. */
  get pc(): number {
    return this.origin + this.hws.length * 2;
  }

  emit(insn: Insn): number {
    const addr = this.pc;
    this.listing.push({ addr, insn });
    this.hws.push(...insn.hw);
    return addr;
  }

  emitAll(insns: Insn[]): void {
    for (const i of insns) this.emit(i);
  }

  /** A fresh unique label name. */
  newLabel(hint = 'L'): string {
    return `.${hint}${this.nextLabel++}`;
  }

  label(name: string): void {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.pc);
  }

  address(name: string): number {
    const a = this.labels.get(name);
    if (a === undefined) throw new Error(`undefined label ${name}`);
    return a;
  }

  align(bytes: 4 | 8 | 16 = 4): void {
    while (this.pc % bytes !== 0) this.hws.push(0xbf00);    // NOP padding
  }

  word(value: number): void {
    if (this.pc % 4 !== 0) throw new Error('.word must be aligned');
    this.hws.push(value & 0xffff, (value >>> 16) & 0xffff);
  }

  bytes(data: Uint8Array): void {
    for (let i = 0; i < data.length; i += 2) this.hws.push(data[i]! | ((data[i + 1] ?? 0) << 8));
  }

  b(label: string): void {
    this.fixups.push({ at: this.hws.length, kind: 'b', label, reg: 0, cond: 0 });
    this.emit({ hw: [0xe000], text: `b ${label}` });
  }

  bcond(cond: number, label: string): void {
    this.fixups.push({ at: this.hws.length, kind: 'bcond', label, reg: 0, cond });
    this.emit({ hw: [0xd000 | (cond << 8)], text: `b${COND_NAMES[cond]} ${label}` });
  }

  bl(label: string): void {
    this.fixups.push({ at: this.hws.length, kind: 'bl', label, reg: 0, cond: 0 });
    this.emit({ hw: [0xf000, 0xf800], text: `bl ${label}` });
  }

  /** ADR Rd, label (label must be word aligned and after this instruction). */
  adrLabel(rd: number, label: string): void {
    this.fixups.push({ at: this.hws.length, kind: 'adr', label, reg: lo(rd), cond: 0 });
    this.emit({ hw: [0xa000 | (rd << 8)], text: `adr ${r(rd)}, ${label}` });
  }

  /** LDR Rt, =value (placed in the next literal pool). */
  ldrConst(rt: number, value: number): void {
    const v = value >>> 0;
    let entry = this.pending.find((p) => p.value === v);
    if (!entry) {
      entry = { label: `.pool${this.pools}_${this.pending.length}`, value: v };
      this.pending.push(entry);
    }
    this.fixups.push({ at: this.hws.length, kind: 'ldr', label: entry.label, reg: lo(rt), cond: 0 });
    this.emit({ hw: [0x4800 | (rt << 8)], text: `ldr ${r(rt)}, =0x${v.toString(16)}` });
  }

  /** Emits the pending literals (word aligned) at the current position. */
  pool(): void {
    if (this.pending.length === 0) return;
    this.align(4);
    for (const p of this.pending) {
      this.label(p.label);
      this.word(p.value);
    }
    this.pending = [];
    this.pools++;
  }

  /** Resolves labels and returns the image bytes (from `origin`). */
  finish(): Uint8Array {
    this.pool();
    for (const f of this.fixups) {
      const addr = this.origin + f.at * 2;
      const target = this.address(f.label);
      const off = target - (addr + 4);
      switch (f.kind) {
        case 'b':
          this.hws[f.at] = bRel(off).hw[0]!;
          break;
        case 'bcond':
          this.hws[f.at] = bcondRel(f.cond, off).hw[0]!;
          break;
        case 'bl': {
          const enc = blRel(off).hw;
          this.hws[f.at] = enc[0]!;
          this.hws[f.at + 1] = enc[1]!;
          break;
        }
        case 'ldr':
        case 'adr': {
          const delta = target - ((addr + 4) & ~3);
          const enc = f.kind === 'ldr' ? ldrLit(f.reg, delta) : adr(f.reg, delta);
          this.hws[f.at] = enc.hw[0]!;
          break;
        }
      }
    }
    const out = new Uint8Array(this.hws.length * 2);
    this.hws.forEach((h, i) => {
      out[i * 2] = h & 0xff;
      out[i * 2 + 1] = h >> 8;
    });
    return out;
  }
}

// ---- ELF32 writer --------------------------------------------------------------

export interface ElfSegment {
  /** Load (physical = virtual) address. */
  addr: number;
  data: Uint8Array;
  /** PF_R=4, PF_W=2, PF_X=1 (default R+X). */
  flags?: number;
}

/**
 * A minimal little-endian ARM ELF32 executable: a file header and one
 * PT_LOAD program header per segment, no section headers.  Enough for
 * QEMU's -kernel loader and for ELF-detecting firmware loaders.
 */
export function makeElf32(segments: ElfSegment[], entry: number): Uint8Array {
  const EHSIZE = 52;
  const PHENTSIZE = 32;
  const phoff = EHSIZE;
  let offset = phoff + PHENTSIZE * segments.length;
  offset = (offset + 15) & ~15;
  const placed = segments.map((s) => {
    const o = offset;
    offset = (offset + s.data.length + 15) & ~15;
    return { ...s, offset: o };
  });
  const out = new Uint8Array(offset);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1 /* ELFCLASS32 */, 1 /* ELFDATA2LSB */, 1 /* EV_CURRENT */, 0 /* SYSV */], 0);
  dv.setUint16(16, 2, true);                  // e_type: ET_EXEC
  dv.setUint16(18, 40, true);                 // e_machine: EM_ARM
  dv.setUint32(20, 1, true);                  // e_version
  dv.setUint32(24, entry >>> 0, true);        // e_entry
  dv.setUint32(28, phoff, true);              // e_phoff
  dv.setUint32(32, 0, true);                  // e_shoff
  dv.setUint32(36, 0x05000200, true);         // e_flags: EABI v5, soft float
  dv.setUint16(40, EHSIZE, true);             // e_ehsize
  dv.setUint16(42, PHENTSIZE, true);          // e_phentsize
  dv.setUint16(44, segments.length, true);    // e_phnum
  dv.setUint16(46, 40, true);                 // e_shentsize
  dv.setUint16(48, 0, true);                  // e_shnum
  dv.setUint16(50, 0, true);                  // e_shstrndx
  placed.forEach((s, i) => {
    const ph = phoff + i * PHENTSIZE;
    dv.setUint32(ph + 0, 1, true);            // p_type: PT_LOAD
    dv.setUint32(ph + 4, s.offset, true);     // p_offset
    dv.setUint32(ph + 8, s.addr >>> 0, true); // p_vaddr
    dv.setUint32(ph + 12, s.addr >>> 0, true);// p_paddr
    dv.setUint32(ph + 16, s.data.length, true); // p_filesz
    dv.setUint32(ph + 20, s.data.length, true); // p_memsz
    dv.setUint32(ph + 24, s.flags ?? 5, true);  // p_flags
    dv.setUint32(ph + 28, 4, true);           // p_align
    out.set(s.data, s.offset);
  });
  return out;
}
