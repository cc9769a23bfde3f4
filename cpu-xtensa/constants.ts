/**
 * Architectural constants of the Xtensa LX106 (ESP8266) as configured in QEMU's
 * target/xtensa/core-lx106/core-isa.h and in the Xtensa ISA Reference Manual (XEA2).
 */

/** Special register numbers (Xtensa ISA RM, table "Special registers"). Only the LX106's set. */
export const SR = {
  SAR: 3,
  LITBASE: 5,
  IBREAKENABLE: 96,
  DDR: 104,
  IBREAKA0: 128,
  DBREAKA0: 144,
  DBREAKC0: 160,
  CONFIGID0: 176,
  EPC1: 177,
  EPC2: 178,
  EPC3: 179,
  DEPC: 192,
  EPS2: 194,
  EPS3: 195,
  CONFIGID1: 208,
  EXCSAVE1: 209,
  EXCSAVE2: 210,
  EXCSAVE3: 211,
  /** Read as INTERRUPT, written as INTSET. */
  INTERRUPT: 226,
  INTCLEAR: 227,
  INTENABLE: 228,
  PS: 230,
  VECBASE: 231,
  EXCCAUSE: 232,
  DEBUGCAUSE: 233,
  CCOUNT: 234,
  PRID: 235,
  ICOUNT: 236,
  ICOUNTLEVEL: 237,
  EXCVADDR: 238,
  CCOMPARE0: 240,
} as const;

export const SR_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(SR).map(([name, num]) => [num, name === 'INTERRUPT' ? 'INTERRUPT/INTSET' : name]),
);

/** EXCCAUSE values (ISA RM 4.4.1.5, table "Exception causes"). */
export const EXCCAUSE = {
  IllegalInstruction: 0,
  Syscall: 1,
  InstructionFetchError: 2,
  LoadStoreError: 3,
  Level1Interrupt: 4,
  Alloca: 5,
  IntegerDivideByZero: 6,
  Privileged: 8,
  LoadStoreAlignment: 9,
  InstrPIFDataError: 12,
  LoadStorePIFDataError: 13,
  InstrPIFAddrError: 14,
  LoadStorePIFAddrError: 15,
} as const;

export const EXCCAUSE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(EXCCAUSE).map(([name, num]) => [num, name]),
);

/** PS fields. */
export const PS_INTLEVEL = 0x0000000f;
export const PS_EXCM = 0x00000010;
export const PS_UM = 0x00000020;
/** Bits of PS that WSR/XSR/RSIL can change on the LX106 (no MMU rings): WOE|CALLINC|OWB|UM|EXCM|INTLEVEL. */
export const PS_WRITE_MASK = 0x00070f3f;
/** PS after reset: INTLEVEL 15, EXCM 1. */
export const PS_RESET = 0x1f;

/** DEBUGCAUSE bits. */
export const DEBUGCAUSE_IC = 1 << 0;
export const DEBUGCAUSE_IB = 1 << 1;
export const DEBUGCAUSE_DB = 1 << 2;
export const DEBUGCAUSE_BI = 1 << 3;
export const DEBUGCAUSE_BN = 1 << 4;
/** DEBUGCAUSE.DBNUM (bits 11:8): which DBREAK matched (always 0: the LX106 has one). */
export const DEBUGCAUSE_DBNUM_SHIFT = 8;

/** DBREAKC fields: MASK (which of address bits 5:0 are compared), LB (break on loads), SB (on stores). */
export const DBREAKC_MASK = 0x3f;
export const DBREAKC_LB = 1 << 30;
export const DBREAKC_SB = 1 << 31;

/** Vector offsets from VECBASE (core-isa.h XCHAL_*_VECOFS). */
export const VEC_DEBUG = 0x10; // level 2 (debug)
export const VEC_NMI = 0x20; // level 3
export const VEC_KERNEL = 0x30;
export const VEC_USER = 0x50;
export const VEC_DOUBLE = 0x70;

export const VECBASE_RESET = 0x40000000;
/** QEMU's default (static vector select 0) reset vector; the ESP8266 ROM uses 0x40000080. */
export const RESET_VECTOR_DEFAULT = 0x50000000;

export const CONFIGID0 = 0xc28cdafa;
export const CONFIGID1 = 0x1082b6f6;

export const EXCM_LEVEL = 1;
export const DEBUG_LEVEL = 2;
export const NMI_LEVEL = 3;

/** The 15 interrupt lines (core-isa.h XCHAL_INTn_TYPE). */
export const INT_TIMER0 = 6;
export const INT_SOFTWARE = 7;
export const INT_NMI = 14;
export const INTTYPE_MASK_LEVEL = 0x0000003f; // 0-5 external level
export const INTTYPE_MASK_TIMER = 0x00000040; // 6 CCOMPARE0
export const INTTYPE_MASK_SOFTWARE = 0x00000080; // 7
export const INTTYPE_MASK_EDGE = 0x00003f00; // 8-13 external edge
export const INTTYPE_MASK_NMI = 0x00004000; // 14
export const INTLEVEL1_MASK = 0x00003fff;
export const NUM_INTERRUPTS = 15;

/** B4CONST and B4CONSTU tables (ISA RM table "B4CONST/B4CONSTU encodings"). */
export const B4CONST: readonly number[] = [-1, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256];
export const B4CONSTU: readonly number[] = [32768, 65536, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 32, 64, 128, 256];
