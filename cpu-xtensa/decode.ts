/**
 * LX106 instruction decoder: turns one 16- or 24-bit instruction word into an operation id plus
 * packed operands, once per address (the core caches the result).
 *
 * Encodings follow the Xtensa ISA Reference Manual, chapter 7 (opcode maps) for the LX106
 * configuration: core ISA, code density, MUL16, MUL32 (MULL only), NSA, ABS, ADDX/SUBX, L32R
 * with absolute literals, exception/interrupt/debug options and the LX106's special registers.
 * Every encoding outside that set (windowed registers, loops, MAC16, DIV32, MIN/MAX, SEXT,
 * CLAMPS, booleans, FP, caches, TLB, S32C1I, L32AI/S32RI, user registers...) decodes to
 * OP.ILL and raises IllegalInstruction, as QEMU's lx106 core does.
 *
 * Operand packing in `arg`: A = bits 0-4, B = bits 5-9, C = bits 10-14, length = bits 15-16.
 * Conventions: A is the destination register (or the stored value for stores), B the first
 * source / base register, C the second source. `imm` holds the immediate, already scaled and
 * sign-extended; for branches, jumps and L32R it is the absolute target address.
 */
import { B4CONST, SR } from './constants.js';

export const OP = {
  ILL: 0,
  NOP: 1,
  ADD: 2,
  ADDX2: 3,
  ADDX4: 4,
  ADDX8: 5,
  SUB: 6,
  SUBX2: 7,
  SUBX4: 8,
  SUBX8: 9,
  AND: 10,
  OR: 11,
  XOR: 12,
  NEG: 13,
  ABS: 14,
  ADDI: 15,
  MOVI: 16,
  MOV: 17,
  SLLI: 18,
  SRLI: 19,
  SRAI: 20,
  SRC: 21,
  SRL: 22,
  SLL: 23,
  SRA: 24,
  SSR: 25,
  SSL: 26,
  SSA8L: 27,
  SSA8B: 28,
  SSAI: 29,
  MUL16U: 30,
  MUL16S: 31,
  MULL: 32,
  NSA: 33,
  NSAU: 34,
  EXTUI: 35,
  MOVEQZ: 36,
  MOVNEZ: 37,
  MOVLTZ: 38,
  MOVGEZ: 39,
  L8UI: 40,
  L16UI: 41,
  L16SI: 42,
  L32I: 43,
  L32R: 44,
  S8I: 45,
  S16I: 46,
  S32I: 47,
  BEQZ: 48,
  BNEZ: 49,
  BLTZ: 50,
  BGEZ: 51,
  BEQI: 52,
  BNEI: 53,
  BLTI: 54,
  BGEI: 55,
  BLTUI: 56,
  BGEUI: 57,
  BNONE: 58,
  BEQ: 59,
  BLT: 60,
  BLTU: 61,
  BALL: 62,
  BBC: 63,
  BANY: 64,
  BNE: 65,
  BGE: 66,
  BGEU: 67,
  BNALL: 68,
  BBS: 69,
  BBCI: 70,
  BBSI: 71,
  J: 72,
  JX: 73,
  CALL0: 74,
  CALLX0: 75,
  RET: 76,
  RSR: 77,
  WSR: 78,
  XSR: 79,
  RSIL: 80,
  WAITI: 81,
  RFE: 82,
  RFDE: 83,
  RFI: 84,
  SYSCALL: 85,
  SIMCALL: 86,
  BREAK: 87,
  BREAKN: 88,
  RER: 89,
  WER: 90,
  /** Synthetic: an IBREAKA0 match at this address (the real instruction is decoded after it fires). */
  IBREAK: 91,
} as const;

export const OP_NAMES: string[] = [];
for (const [name, id] of Object.entries(OP)) OP_NAMES[id] = name;

/** Readability / writability of each LX106 special register (measured on QEMU -cpu lx106). */
const SR_READ = new Uint8Array(256);
const SR_WRITE = new Uint8Array(256);
for (const n of [
  SR.SAR, SR.LITBASE, SR.IBREAKENABLE, SR.DDR, SR.IBREAKA0, SR.DBREAKA0, SR.DBREAKC0, SR.EPC1, SR.EPC2,
  SR.EPC3, SR.DEPC, SR.EPS2, SR.EPS3, SR.EXCSAVE1, SR.EXCSAVE2, SR.EXCSAVE3, SR.INTENABLE, SR.PS,
  SR.VECBASE, SR.EXCCAUSE, SR.CCOUNT, SR.ICOUNT, SR.ICOUNTLEVEL, SR.EXCVADDR, SR.CCOMPARE0,
]) {
  SR_READ[n] = 1;
  SR_WRITE[n] = 1;
}
for (const n of [SR.CONFIGID0, SR.CONFIGID1, SR.DEBUGCAUSE, SR.PRID, SR.INTERRUPT]) SR_READ[n] = 1;
SR_WRITE[SR.INTERRUPT] = 1; // as INTSET
SR_WRITE[SR.INTCLEAR] = 1;

export function srReadable(sr: number): boolean {
  return SR_READ[sr] === 1;
}
export function srWritable(sr: number): boolean {
  return SR_WRITE[sr] === 1;
}
/** XSR needs a register that is both read and written under one name (not INTERRUPT/INTSET). */
export function srSwappable(sr: number): boolean {
  return SR_READ[sr] === 1 && SR_WRITE[sr] === 1 && sr !== SR.INTERRUPT;
}

/** Length in bytes of the instruction whose first byte is `byte0` (op0 8..15 are 16-bit). */
export function instructionLength(byte0: number): 2 | 3 {
  return (byte0 & 0x08) !== 0 ? 2 : 3;
}

function pack(a: number, b: number, c: number, len: number): number {
  return a | (b << 5) | (c << 10) | (len << 15);
}

/**
 * Decodes the instruction `w` (bytes little-endian: b0 | b1 << 8 | b2 << 16; for 16-bit
 * instructions the third byte is ignored) at address `pc`. Returns the op id and writes the
 * packed operands and immediate to `out[0]` and `out[1]`.
 * `litbase` is the LITBASE register (bit 0 enables absolute literals for L32R).
 */
export function decode(w: number, pc: number, litbase: number, out: Int32Array): number {
  const op0 = w & 15;
  const t = (w >>> 4) & 15;
  const s = (w >>> 8) & 15;
  const r = (w >>> 12) & 15;
  if (op0 >= 8) {
    out[1] = 0;
    switch (op0) {
      case 8: // L32I.N at, as, imm4*4
        out[0] = pack(t, s, 0, 2);
        out[1] = r << 2;
        return OP.L32I;
      case 9: // S32I.N
        out[0] = pack(t, s, 0, 2);
        out[1] = r << 2;
        return OP.S32I;
      case 10: // ADD.N ar, as, at
        out[0] = pack(r, s, t, 2);
        return OP.ADD;
      case 11: // ADDI.N ar, as, imm (0 means -1)
        out[0] = pack(r, s, 0, 2);
        out[1] = t === 0 ? -1 : t;
        return OP.ADDI;
      case 12: {
        if ((t & 8) === 0) {
          // MOVI.N as, imm7 (-32..95)
          let imm = ((t & 7) << 4) | r;
          if ((imm & 0x60) === 0x60) imm -= 128;
          out[0] = pack(s, 0, 0, 2);
          out[1] = imm;
          return OP.MOVI;
        }
        // BEQZ.N / BNEZ.N as, imm6 (forward only)
        const imm6 = ((t & 3) << 4) | r;
        out[0] = pack(0, s, 0, 2);
        out[1] = (pc + 4 + imm6) | 0;
        return (t & 4) === 0 ? OP.BEQZ : OP.BNEZ;
      }
      case 13:
        if (r === 0) {
          // MOV.N at, as
          out[0] = pack(t, s, 0, 2);
          return OP.MOV;
        }
        if (r === 15) {
          out[0] = pack(0, 0, 0, 2);
          switch (t) {
            case 0: // RET.N
              return s === 0 ? OP.RET : OP.ILL;
            case 2: // BREAK.N imm4
              out[1] = s;
              return OP.BREAKN;
            case 3: // NOP.N
              return s === 0 ? OP.NOP : OP.ILL;
            default: // 1 RETW.N (windowed), 6 ILL.N, others reserved
              return OP.ILL;
          }
        }
        out[0] = pack(0, 0, 0, 2);
        return OP.ILL;
      default: // 14, 15 reserved
        out[0] = pack(0, 0, 0, 2);
        return OP.ILL;
    }
  }

  const op1 = (w >>> 16) & 15;
  const op2 = (w >>> 20) & 15;
  const imm8 = (w >>> 16) & 255;
  const simm8 = (imm8 << 24) >> 24;
  out[1] = 0;
  out[0] = pack(0, 0, 0, 3);
  switch (op0) {
    case 0: // QRST
      switch (op1) {
        case 0: // RST0
          switch (op2) {
            case 0: // ST0
              return decodeST0(r, s, t, out);
            case 1:
              out[0] = pack(r, s, t, 3);
              return OP.AND;
            case 2:
              out[0] = pack(r, s, t, 3);
              return OP.OR;
            case 3:
              out[0] = pack(r, s, t, 3);
              return OP.XOR;
            case 4: // ST1
              switch (r) {
                case 0:
                  if (t !== 0) return OP.ILL;
                  out[0] = pack(0, s, 0, 3);
                  return OP.SSR;
                case 1:
                  if (t !== 0) return OP.ILL;
                  out[0] = pack(0, s, 0, 3);
                  return OP.SSL;
                case 2:
                  if (t !== 0) return OP.ILL;
                  out[0] = pack(0, s, 0, 3);
                  return OP.SSA8L;
                case 3:
                  if (t !== 0) return OP.ILL;
                  out[0] = pack(0, s, 0, 3);
                  return OP.SSA8B;
                case 4:
                  if ((t & 14) !== 0) return OP.ILL;
                  out[1] = s | ((t & 1) << 4);
                  return OP.SSAI;
                case 6: // RER at, as
                  out[0] = pack(t, s, 0, 3);
                  return OP.RER;
                case 7: // WER at, as
                  out[0] = pack(t, s, 0, 3);
                  return OP.WER;
                case 14: // NSA at, as
                  out[0] = pack(t, s, 0, 3);
                  return OP.NSA;
                case 15:
                  out[0] = pack(t, s, 0, 3);
                  return OP.NSAU;
                default: // 8 ROTW (windowed), others reserved
                  return OP.ILL;
              }
            case 6: // RT0
              if (s === 0) {
                out[0] = pack(r, t, 0, 3);
                return OP.NEG;
              }
              if (s === 1) {
                out[0] = pack(r, t, 0, 3);
                return OP.ABS;
              }
              return OP.ILL;
            case 8:
              out[0] = pack(r, s, t, 3);
              return OP.ADD;
            case 9:
              out[0] = pack(r, s, t, 3);
              return OP.ADDX2;
            case 10:
              out[0] = pack(r, s, t, 3);
              return OP.ADDX4;
            case 11:
              out[0] = pack(r, s, t, 3);
              return OP.ADDX8;
            case 12:
              out[0] = pack(r, s, t, 3);
              return OP.SUB;
            case 13:
              out[0] = pack(r, s, t, 3);
              return OP.SUBX2;
            case 14:
              out[0] = pack(r, s, t, 3);
              return OP.SUBX4;
            case 15:
              out[0] = pack(r, s, t, 3);
              return OP.SUBX8;
            default: // 5 TLB ops, 7 reserved
              return OP.ILL;
          }
        case 1: // RST1
          switch (op2) {
            case 0:
            case 1: {
              // SLLI ar, as, sa: encoded field is 32 - sa
              const enc = ((op2 & 1) << 4) | t;
              out[0] = pack(r, s, 0, 3);
              out[1] = (32 - enc) & 31;
              return OP.SLLI;
            }
            case 2:
            case 3: // SRAI ar, at, sa
              out[0] = pack(r, t, 0, 3);
              out[1] = ((op2 & 1) << 4) | s;
              return OP.SRAI;
            case 4: // SRLI ar, at, sa (0..15)
              out[0] = pack(r, t, 0, 3);
              out[1] = s;
              return OP.SRLI;
            case 6: {
              // XSR at, sr
              const sr = (r << 4) | s;
              if (!srSwappable(sr)) return OP.ILL;
              out[0] = pack(t, 0, 0, 3);
              out[1] = sr;
              return OP.XSR;
            }
            case 8: // SRC ar, as, at
              out[0] = pack(r, s, t, 3);
              return OP.SRC;
            case 9: // SRL ar, at
              if (s !== 0) return OP.ILL;
              out[0] = pack(r, t, 0, 3);
              return OP.SRL;
            case 10: // SLL ar, as
              if (t !== 0) return OP.ILL;
              out[0] = pack(r, s, 0, 3);
              return OP.SLL;
            case 11: // SRA ar, at
              if (s !== 0) return OP.ILL;
              out[0] = pack(r, t, 0, 3);
              return OP.SRA;
            case 12:
              out[0] = pack(r, s, t, 3);
              return OP.MUL16U;
            case 13:
              out[0] = pack(r, s, t, 3);
              return OP.MUL16S;
            default: // 7 ACCER, 15 IMP (cache/OCD), others reserved
              return OP.ILL;
          }
        case 2: // RST2
          if (op2 === 8) {
            out[0] = pack(r, s, t, 3);
            return OP.MULL;
          }
          return OP.ILL; // booleans, MULUH/MULSH, QUOU/QUOS/REMU/REMS
        case 3: // RST3
          switch (op2) {
            case 0: {
              const sr = (r << 4) | s;
              if (!srReadable(sr)) return OP.ILL;
              out[0] = pack(t, 0, 0, 3);
              out[1] = sr;
              return OP.RSR;
            }
            case 1: {
              const sr = (r << 4) | s;
              if (!srWritable(sr)) return OP.ILL;
              out[0] = pack(0, t, 0, 3);
              out[1] = sr;
              return OP.WSR;
            }
            case 8:
              out[0] = pack(r, s, t, 3);
              return OP.MOVEQZ;
            case 9:
              out[0] = pack(r, s, t, 3);
              return OP.MOVNEZ;
            case 10:
              out[0] = pack(r, s, t, 3);
              return OP.MOVLTZ;
            case 11:
              out[0] = pack(r, s, t, 3);
              return OP.MOVGEZ;
            default: // SEXT, CLAMPS, MIN/MAX(U), MOVF/MOVT, RUR/WUR
              return OP.ILL;
          }
        case 4:
        case 5: {
          // EXTUI ar, at, shiftimm, maskimm
          const shift = ((op1 & 1) << 4) | s;
          const bits = op2 + 1;
          out[0] = pack(r, t, 0, 3);
          out[1] = shift | (((1 << bits) - 1) << 5);
          return OP.EXTUI;
        }
        default: // CUST0/1, LSCX, LSC4 (L32E/S32E), FP0/FP1, reserved
          return OP.ILL;
      }
    case 1: {
      // L32R at, label
      const offset = ((w >>> 8) | 0xffff0000) << 2;
      out[0] = pack(t, 0, 0, 3);
      out[1] = (litbase & 1) !== 0 ? ((litbase & 0xfffff000) + offset) | 0 : (((pc + 3) & ~3) + offset) | 0;
      return OP.L32R;
    }
    case 2: // LSAI
      switch (r) {
        case 0:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8;
          return OP.L8UI;
        case 1:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8 << 1;
          return OP.L16UI;
        case 2:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8 << 2;
          return OP.L32I;
        case 4:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8;
          return OP.S8I;
        case 5:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8 << 1;
          return OP.S16I;
        case 6:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8 << 2;
          return OP.S32I;
        case 9:
          out[0] = pack(t, s, 0, 3);
          out[1] = imm8 << 1;
          return OP.L16SI;
        case 10: {
          // MOVI at, imm12
          const imm12 = (s << 8) | imm8;
          out[0] = pack(t, 0, 0, 3);
          out[1] = (imm12 << 20) >> 20;
          return OP.MOVI;
        }
        case 12: // ADDI at, as, simm8
          out[0] = pack(t, s, 0, 3);
          out[1] = simm8;
          return OP.ADDI;
        case 13: // ADDMI at, as, simm8 << 8
          out[0] = pack(t, s, 0, 3);
          out[1] = simm8 << 8;
          return OP.ADDI;
        default: // 3 reserved, 7 CACHE, 11 L32AI, 14 S32C1I, 15 S32RI
          return OP.ILL;
      }
    case 5: {
      // CALLN: only CALL0 (n = 0); CALL4/8/12 are windowed
      if ((t & 3) !== 0) return OP.ILL;
      const off18 = ((w >>> 6) << 14) >> 14;
      out[1] = ((pc & ~3) + (off18 << 2) + 4) | 0;
      return OP.CALL0;
    }
    case 6: {
      // SI
      const n = t & 3;
      const m = t >>> 2;
      if (n === 0) {
        const off18 = ((w >>> 6) << 14) >> 14;
        out[1] = (pc + 4 + off18) | 0;
        return OP.J;
      }
      if (n === 1) {
        // BZ: BEQZ/BNEZ/BLTZ/BGEZ as, label (imm12)
        const imm12 = ((w >>> 12) << 20) >> 20;
        out[0] = pack(0, s, 0, 3);
        out[1] = (pc + 4 + imm12) | 0;
        return m === 0 ? OP.BEQZ : m === 1 ? OP.BNEZ : m === 2 ? OP.BLTZ : OP.BGEZ;
      }
      out[1] = (pc + 4 + simm8) | 0;
      if (n === 2) {
        // BI0: BEQI/BNEI/BLTI/BGEI as, b4const(r), label
        out[0] = pack(0, s, r, 3);
        return m === 0 ? OP.BEQI : m === 1 ? OP.BNEI : m === 2 ? OP.BLTI : OP.BGEI;
      }
      // BI1: ENTRY (m=0) and B1 (BF/BT/LOOP*) are absent
      if (m === 2) {
        out[0] = pack(0, s, r, 3);
        return OP.BLTUI;
      }
      if (m === 3) {
        out[0] = pack(0, s, r, 3);
        return OP.BGEUI;
      }
      return OP.ILL;
    }
    case 7: {
      // B: branches on two registers or a bit number
      out[1] = (pc + 4 + simm8) | 0;
      if ((r & 7) === 6 || (r & 7) === 7) {
        // BBCI / BBSI as, bit (bit 4 of the bit number is r[0])
        out[0] = pack(0, s, ((r & 1) << 4) | t, 3);
        return r < 8 ? OP.BBCI : OP.BBSI;
      }
      out[0] = pack(0, s, t, 3);
      switch (r) {
        case 0:
          return OP.BNONE;
        case 1:
          return OP.BEQ;
        case 2:
          return OP.BLT;
        case 3:
          return OP.BLTU;
        case 4:
          return OP.BALL;
        case 5:
          return OP.BBC;
        case 8:
          return OP.BANY;
        case 9:
          return OP.BNE;
        case 10:
          return OP.BGE;
        case 11:
          return OP.BGEU;
        case 12:
          return OP.BNALL;
        default: // 13
          return OP.BBS;
      }
    }
    default: // 3 LSCI (FP), 4 MAC16
      return OP.ILL;
  }
}

function decodeST0(r: number, s: number, t: number, out: Int32Array): number {
  switch (r) {
    case 0: {
      // SNM0
      const m = t >>> 2;
      const n = t & 3;
      if (m === 0) return OP.ILL; // ILL (n=0) and reserved
      if (m === 2) {
        if (n === 0) return s === 0 ? OP.RET : OP.ILL;
        if (n === 2) {
          out[0] = pack(0, s, 0, 3);
          return OP.JX;
        }
        return OP.ILL; // RETW, reserved
      }
      if (m === 3 && n === 0) {
        out[0] = pack(0, s, 0, 3);
        return OP.CALLX0;
      }
      return OP.ILL; // CALLX4/8/12
    }
    case 2: // SYNC
      if (s !== 0) return OP.ILL;
      switch (t) {
        case 0: // ISYNC
        case 1: // RSYNC
        case 2: // ESYNC
        case 3: // DSYNC
        case 8: // EXCW
        case 12: // MEMW
        case 13: // EXTW
        case 15: // NOP
          return OP.NOP;
        default:
          return OP.ILL;
      }
    case 3: // RFEI
      if (t === 0) {
        if (s === 0) return OP.RFE;
        if (s === 2) return OP.RFDE;
        return OP.ILL; // RFUE (XEA1), RFWO/RFWU (windowed)
      }
      if (t === 1) {
        if (s !== 2 && s !== 3) return OP.ILL;
        out[1] = s;
        return OP.RFI;
      }
      return OP.ILL;
    case 4: // BREAK s, t
      out[1] = (s << 4) | t;
      return OP.BREAK;
    case 5:
      if (t !== 0) return OP.ILL;
      if (s === 0) return OP.SYSCALL;
      if (s === 1) return OP.SIMCALL;
      return OP.ILL;
    case 6: // RSIL at, level
      out[0] = pack(t, 0, 0, 3);
      out[1] = s;
      return OP.RSIL;
    case 7: // WAITI level
      if (t !== 0) return OP.ILL;
      out[1] = s;
      return OP.WAITI;
    default: // MOVSP, ANY4/ALL4/ANY8/ALL8, reserved
      return OP.ILL;
  }
}

/** B4CONST for BEQI/BNEI/BLTI/BGEI (re-exported for the disassembler and tests). */
export { B4CONST };
