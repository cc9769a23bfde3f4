/**
 * The GDB target of the Xtensa LX106 (ESP8266): registers in the order of Espressif's
 * xtensa-lx106-elf-gdb, memory through the bus as a probe would reach it (mask ROM and the
 * flash-mapped window at 0x40200000 read-only, IRAM and DRAM writable), and the data accesses
 * of the next instruction for read and access watchpoints.
 *
 * Register numbering: the lx106 configuration overlay of GDB (Espressif's xtensa-overlays,
 * xtensa_esp8266/gdb/gdb/xtensa-config.c; the same table esp-open-sdk's gdb was built from):
 * 50 raw registers, a0..a15, pc, sar, litbase, sr176 (CONFIGID0), sr208 (CONFIGID1), ps (the 22
 * of the esp8266 gdbstubs' `g` reply, reg-xtensa.dat), then the special registers (mmid,
 * ibreakenable, ... ccompare0). GDB's xtensa port builds its register set from that compiled-in
 * table and takes none from a target description (xtensa-tdep.c never calls
 * tdesc_use_registers; given registers, GDB warns "Target-supplied registers are not supported
 * by the current architecture"), so the description served here names the architecture only.
 */
import type { Bus } from '../kernel/bus.js';
import type { Lx106 } from '../../cpu-xtensa/lx106.js';
import { OP, decode, instructionLength } from '../../cpu-xtensa/decode.js';
import { SR } from '../../cpu-xtensa/constants.js';
import { isPlainMemory, probeRead, probeWrite, type DataAccess, type GdbTarget } from './target.js';

/** GDB's register 16: the PC (after a0..a15). */
const PC = 16;

/**
 * Registers 17..49 of the lx106 overlay as special register numbers (the overlay's target
 * numbers 0x02nn are special register nn). Not readable (sent as unavailable): MMID, in GDB's
 * table but not in the LX106 (IllegalInstruction on QEMU's lx106, see cpu-xtensa/README.md;
 * writes are ignored), and the write-only INTSET and INTCLEAR (written with WSR's meaning).
 */
const SPECIAL: readonly (readonly [name: string, sr: number, readable: boolean])[] = [
  ['sar', SR.SAR, true],
  ['litbase', SR.LITBASE, true],
  ['sr176', SR.CONFIGID0, true],
  ['sr208', SR.CONFIGID1, true],
  ['ps', SR.PS, true],
  ['mmid', -1, false],
  ['ibreakenable', SR.IBREAKENABLE, true],
  ['ddr', SR.DDR, true],
  ['ibreaka0', SR.IBREAKA0, true],
  ['dbreaka0', SR.DBREAKA0, true],
  ['dbreakc0', SR.DBREAKC0, true],
  ['epc1', SR.EPC1, true],
  ['epc2', SR.EPC2, true],
  ['epc3', SR.EPC3, true],
  ['depc', SR.DEPC, true],
  ['eps2', SR.EPS2, true],
  ['eps3', SR.EPS3, true],
  ['excsave1', SR.EXCSAVE1, true],
  ['excsave2', SR.EXCSAVE2, true],
  ['excsave3', SR.EXCSAVE3, true],
  ['interrupt', SR.INTERRUPT, true],
  ['intset', SR.INTERRUPT, false],
  ['intclear', SR.INTCLEAR, false],
  ['intenable', SR.INTENABLE, true],
  ['vecbase', SR.VECBASE, true],
  ['exccause', SR.EXCCAUSE, true],
  ['debugcause', SR.DEBUGCAUSE, true],
  ['ccount', SR.CCOUNT, true],
  ['prid', SR.PRID, true],
  ['icount', SR.ICOUNT, true],
  ['icountlevel', SR.ICOUNTLEVEL, true],
  ['excvaddr', SR.EXCVADDR, true],
  ['ccompare0', SR.CCOMPARE0, true],
];

/** The names of GDB's registers 0..49, in order. */
export const LX106_GDB_REGISTERS: readonly string[] = [...[...Array(16).keys()].map((i) => `a${i}`), 'pc', ...SPECIAL.map(([name]) => name)];

const LX106_XML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>xtensa</architecture>
</target>
`;

/** Bytes each load/store moves (Xtensa ISA RM, chapter 8: L8UI ... S32I.N; the narrow forms decode to L32I/S32I). */
const ACCESS: Partial<Record<number, { length: number; write: boolean }>> = {
  [OP.L8UI]: { length: 1, write: false },
  [OP.L16UI]: { length: 2, write: false },
  [OP.L16SI]: { length: 2, write: false },
  [OP.L32I]: { length: 4, write: false },
  [OP.L32R]: { length: 4, write: false },
  [OP.S8I]: { length: 1, write: true },
  [OP.S16I]: { length: 2, write: true },
  [OP.S32I]: { length: 4, write: true },
};

/**
 * The data access of one decoded LX106 instruction (cpu-xtensa's `decode`: op, packed operands,
 * immediate) with the address registers now: base register + scaled offset for the loads and
 * stores, the literal's address for L32R; [] for any other instruction. The LX106 has no other
 * instruction that reaches data memory (no windows, so no L32E/S32E; no S32C1I, L32AI/S32RI),
 * and taking an exception or interrupt stores nothing (XEA2 saves state in special registers).
 */
export function xtensaAccesses(op: number, arg: number, imm: number, a: ArrayLike<number>): DataAccess[] {
  const kind = ACCESS[op];
  if (!kind) return [];
  const address = op === OP.L32R ? imm >>> 0 : (a[(arg >> 5) & 31] + imm) >>> 0;
  return [{ address, length: kind.length, write: kind.write }];
}

export class XtensaTarget implements GdbTarget {
  readonly targetXml = LX106_XML;
  readonly registerCount = LX106_GDB_REGISTERS.length;
  readonly pcRegister = PC;
  private readonly decoded = new Int32Array(2);

  constructor(
    private readonly core: Lx106,
    private readonly bus: Bus,
  ) {}

  get pc(): number {
    return this.core.pc >>> 0;
  }

  /** Xtensa instructions are byte-aligned: the address is the instruction's. */
  breakpointAddress(address: number): number {
    return address >>> 0;
  }

  readRegister(n: number): number | null {
    const c = this.core;
    if (n < 16) return c.a[n] >>> 0;
    if (n === PC) return c.pc >>> 0;
    const [, sr, readable] = SPECIAL[n - PC - 1] ?? ['', -1, false];
    return readable ? c.readSpecial(sr) >>> 0 : null;
  }

  /** Special registers are written as WSR writes them (masks, INTSET/INTCLEAR); read-only ones ignore it. */
  writeRegister(n: number, value: number): void {
    const c = this.core;
    if (n < 16) c.a[n] = value | 0;
    else if (n === PC) c.pc = value | 0;
    else {
      const sr = SPECIAL[n - PC - 1]?.[1] ?? -1;
      if (sr >= 0) c.writeSpecial(sr, value);
    }
  }

  readMemory(address: number, length: number): Uint8Array | null {
    return probeRead(this.bus, address, length);
  }

  /**
   * Through the bus; read-only memories (the mask ROM, the flash-mapped window that the cache
   * serves read-only) refuse, as they refuse a probe: a breakpoint there is GDB's Z0, emulated.
   */
  writeMemory(address: number, data: Uint8Array): boolean {
    return probeWrite(this.bus, address, data, false);
  }

  isPlainMemory(address: number, length: number): boolean {
    return isPlainMemory(this.bus, address, length);
  }

  nextAccesses(): DataAccess[] {
    const pc = this.core.pc >>> 0;
    const head = probeRead(this.bus, pc, 1);
    const bytes = head && probeRead(this.bus, pc, instructionLength(head[0]));
    if (!bytes) return []; // the fetch faults: no access
    const word = bytes[0] | (bytes[1] << 8) | ((bytes[2] ?? 0) << 16);
    const op = decode(word, pc | 0, this.core.litbase, this.decoded);
    return xtensaAccesses(op, this.decoded[0], this.decoded[1], this.core.a);
  }
}
