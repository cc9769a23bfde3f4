/**
 * ARMv6-M (Thumb) decode table.
 *
 * Every 16-bit halfword is classified once (on first use) into an operation id; the core
 * fetches a halfword, indexes `opcodeTable()`, and switches on the id, extracting operand fields
 * from the halfword itself. Decoding is thus done once per *encoding* rather than once per
 * address, needs no invalidation when RAM code is rewritten, and costs one typed-array load per
 * instruction. 32-bit encodings (BL, MSR, MRS, DMB/DSB/ISB, UDF.W) are classified by their first
 * halfword and finished in the core.
 *
 * Encodings follow the ARMv6-M Architecture Reference Manual (DDI 0419), section A5.2.
 */
export enum Op {
  UNDEFINED = 0,
  LSL_IMM, LSR_IMM, ASR_IMM,
  ADD_REG, SUB_REG, ADD_IMM3, SUB_IMM3,
  MOV_IMM, CMP_IMM, ADD_IMM8, SUB_IMM8,
  AND, EOR, LSL_REG, LSR_REG, ASR_REG, ADC, SBC, ROR, TST, RSB, CMP_REG, CMN, ORR, MUL, BIC, MVN,
  ADD_HI, CMP_HI, MOV_HI, BX, BLX,
  LDR_LIT,
  STR_REG, STRH_REG, STRB_REG, LDRSB_REG, LDR_REG, LDRH_REG, LDRB_REG, LDRSH_REG,
  STR_IMM, LDR_IMM, STRB_IMM, LDRB_IMM, STRH_IMM, LDRH_IMM, STR_SP, LDR_SP,
  ADR, ADD_SP_REG_IMM, ADD_SP_IMM, SUB_SP_IMM,
  SXTH, SXTB, UXTH, UXTB, REV, REV16, REVSH,
  PUSH, POP, CPS, BKPT, NOP, YIELD, WFE, WFI, SEV,
  STM, LDM,
  B_COND, UDF, SVC, B,
  T32, // first halfword of a 32-bit ARMv6-M instruction (BL, MSR, MRS, barriers, UDF.W)
  T32_UNDEFINED, // first halfword of a 32-bit encoding ARMv6-M does not have
}

function classify(h: number): Op {
  const top5 = h >>> 11;
  switch (top5) {
    case 0b00000: return Op.LSL_IMM;
    case 0b00001: return Op.LSR_IMM;
    case 0b00010: return Op.ASR_IMM;
    case 0b00011: return [Op.ADD_REG, Op.SUB_REG, Op.ADD_IMM3, Op.SUB_IMM3][(h >>> 9) & 3];
    case 0b00100: return Op.MOV_IMM;
    case 0b00101: return Op.CMP_IMM;
    case 0b00110: return Op.ADD_IMM8;
    case 0b00111: return Op.SUB_IMM8;
    case 0b01000: return classify01000(h);
    case 0b01001: return Op.LDR_LIT;
    case 0b01010:
    case 0b01011:
      return [Op.STR_REG, Op.STRH_REG, Op.STRB_REG, Op.LDRSB_REG, Op.LDR_REG, Op.LDRH_REG, Op.LDRB_REG, Op.LDRSH_REG][
        (h >>> 9) & 7
      ];
    case 0b01100: return Op.STR_IMM;
    case 0b01101: return Op.LDR_IMM;
    case 0b01110: return Op.STRB_IMM;
    case 0b01111: return Op.LDRB_IMM;
    case 0b10000: return Op.STRH_IMM;
    case 0b10001: return Op.LDRH_IMM;
    case 0b10010: return Op.STR_SP;
    case 0b10011: return Op.LDR_SP;
    case 0b10100: return Op.ADR;
    case 0b10101: return Op.ADD_SP_REG_IMM;
    case 0b10110:
    case 0b10111:
      return classifyMisc(h);
    case 0b11000: return Op.STM;
    case 0b11001: return Op.LDM;
    case 0b11010:
    case 0b11011: {
      const cond = (h >>> 8) & 0xf;
      return cond === 0xe ? Op.UDF : cond === 0xf ? Op.SVC : Op.B_COND;
    }
    case 0b11100: return Op.B;
    case 0b11110: return Op.T32;
    default: return Op.T32_UNDEFINED; // 0b11101, 0b11111
  }
}

function classify01000(h: number): Op {
  if ((h & 0xfc00) === 0x4000) {
    return [
      Op.AND, Op.EOR, Op.LSL_REG, Op.LSR_REG, Op.ASR_REG, Op.ADC, Op.SBC, Op.ROR,
      Op.TST, Op.RSB, Op.CMP_REG, Op.CMN, Op.ORR, Op.MUL, Op.BIC, Op.MVN,
    ][(h >>> 6) & 0xf];
  }
  switch ((h >>> 8) & 3) {
    case 0: return Op.ADD_HI;
    case 1: {
      // CMP Rn, Rm with both low registers is UNPREDICTABLE (A6.7.18); treat as defined CMP.
      return Op.CMP_HI;
    }
    case 2: return Op.MOV_HI;
    default:
      // BX/BLX: bits 2:0 must be zero (SBZ); other values are UNPREDICTABLE, we execute them.
      return h & 0x80 ? Op.BLX : Op.BX;
  }
}

function classifyMisc(h: number): Op {
  if ((h & 0xff80) === 0xb000) return Op.ADD_SP_IMM;
  if ((h & 0xff80) === 0xb080) return Op.SUB_SP_IMM;
  if ((h & 0xff00) === 0xb200) return [Op.SXTH, Op.SXTB, Op.UXTH, Op.UXTB][(h >>> 6) & 3];
  if ((h & 0xfe00) === 0xb400) return Op.PUSH;
  if ((h & 0xffef) === 0xb662) return Op.CPS;
  if ((h & 0xff00) === 0xba00) {
    const sub = (h >>> 6) & 3;
    return sub === 0 ? Op.REV : sub === 1 ? Op.REV16 : sub === 3 ? Op.REVSH : Op.UNDEFINED;
  }
  if ((h & 0xfe00) === 0xbc00) return Op.POP;
  if ((h & 0xff00) === 0xbe00) return Op.BKPT;
  if ((h & 0xff00) === 0xbf00) {
    if ((h & 0xf) !== 0) return Op.UNDEFINED; // IT is not part of ARMv6-M
    const hint = (h >>> 4) & 0xf;
    // Unallocated hints execute as NOP (A5.2.5).
    return [Op.NOP, Op.YIELD, Op.WFE, Op.WFI, Op.SEV][hint] ?? Op.NOP;
  }
  return Op.UNDEFINED; // CBZ/CBNZ, SETEND and others are ARMv7-M / ARMv6 only
}

let opcodes: Uint8Array | null = null;

/**
 * Operation id for every possible halfword, built on first use (a chip built without its CPU, as the hosted
 * engine's, never pays for it).
 */
export function opcodeTable(): Uint8Array {
  if (opcodes) return opcodes;
  const table = new Uint8Array(0x10000);
  for (let h = 0; h < 0x10000; h++) table[h] = classify(h);
  return (opcodes = table);
}

/** True for the first halfword of a 32-bit Thumb encoding (bits 15:11 = 0b11101/0b11110/0b11111). */
export function isThumb32(h: number): boolean {
  return h >>> 11 >= 0b11101;
}
