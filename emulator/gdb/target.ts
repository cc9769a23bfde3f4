/**
 * What the GDB server needs from a CPU: its registers in GDB's order with a target description,
 * memory through the bus (as a debug probe sees it), and the PC. One implementation per core
 * family: the Cortex-M0+ one is here (flash writable, as a probe programs it), the Xtensa LX106
 * one in xtensa.ts.
 */
import type { Bus } from '../kernel/bus.js';
import { Memory } from '../kernel/bus.js';
import type { CortexM0Plus } from '../../cpu-armv6m/core.js';

export interface GdbTarget {
  /** The target description (qXfer:features:read:target.xml). */
  readonly targetXml: string;
  readonly registerCount: number;
  /** GDB's number of the PC (the register a stop reply carries, and `c ADDR`/`s ADDR` set). */
  readonly pcRegister: number;
  /** A register's value, or null when the core has no such register (sent as `xxxxxxxx`). */
  readRegister(n: number): number | null;
  writeRegister(n: number, value: number): void;
  readonly pc: number;
  /** The instruction address a Z0/Z1 breakpoint at `address` stands for (Thumb: bit 0 cleared). */
  breakpointAddress(address: number): number;
  /** Bytes at `address`, or null when any of them is not mapped. */
  readMemory(address: number, length: number): Uint8Array | null;
  /** false when any byte is not writable. */
  writeMemory(address: number, data: Uint8Array): boolean;
  /** Whether `length` bytes at `address` are plain memory (can be watched: reading has no side effects). */
  isPlainMemory(address: number, length: number): boolean;
  /** The data memory the instruction at the PC will read or write (read and access watchpoints). */
  nextAccesses(): DataAccess[];
}

export interface DataAccess {
  address: number;
  length: number;
  write: boolean;
}

/**
 * Memory as a debug probe reaches it through the bus: reads with their side effects (a
 * peripheral's FIFO pops), null when any byte is unmapped.
 */
export function probeRead(bus: Bus, address: number, length: number): Uint8Array | null {
  for (let i = 0; i < length; i++) if (!bus.lookup((address + i) >>> 0)) return null;
  return bus.readBlock(address >>> 0, length);
}

/**
 * Writes through the bus; read-only memories are written directly when `programReadOnly` (a
 * probe programming a microcontroller's flash) and refused otherwise. False when any byte
 * could not be written.
 */
export function probeWrite(bus: Bus, address: number, data: Uint8Array, programReadOnly: boolean): boolean {
  for (let i = 0; i < data.length; i++) {
    const a = (address + i) >>> 0;
    const m = bus.lookup(a);
    if (!m) return false;
    if (m.device instanceof Memory && m.device.readOnly) {
      if (!programReadOnly) return false;
      m.device.store(a - m.base, 1, data[i]);
    } else if (!bus.writeBlock(a, data.subarray(i, i + 1))) return false;
  }
  return true;
}

/** Whether every byte is plain memory (reading it has no side effects, so it can be watched). */
export function isPlainMemory(bus: Bus, address: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (!(bus.lookup((address + i) >>> 0)?.device instanceof Memory)) return false;
  return true;
}

/** Bytes accessed by each register-offset load/store (Thumb 0101 ooo: STR STRH STRB LDRSB LDR LDRH LDRB LDRSH). */
const REGISTER_OFFSET_SIZE = [4, 2, 1, 1, 4, 2, 1, 2];

function popcount(v: number): number {
  let n = 0;
  for (; v; v &= v - 1) n++;
  return n;
}

/**
 * The data accesses of one Thumb instruction of ARMv6-M (ARM DDI 0419, A6.7: LDR/STR in all
 * their forms, LDM/STM, PUSH/POP), from its encoding and the registers now; [] for any other
 * instruction. Exception entry and return (stacking) are not instructions and are not reported.
 */
export function thumbAccesses(h: number, pc: number, r: ArrayLike<number>): DataAccess[] {
  const u = (n: number) => r[n] >>> 0;
  const at = (address: number, length: number, write: boolean): DataAccess[] => [{ address: address >>> 0, length, write }];
  const imm5 = (h >> 6) & 31;
  const rn = (h >> 3) & 7;
  switch (h >> 11) {
    case 0b01001: return at(((pc + 4) & ~3) + ((h & 0xff) << 2), 4, false); // LDR (literal)
    case 0b01100: return at(u(rn) + imm5 * 4, 4, true); // STR (immediate)
    case 0b01101: return at(u(rn) + imm5 * 4, 4, false); // LDR (immediate)
    case 0b01110: return at(u(rn) + imm5, 1, true); // STRB
    case 0b01111: return at(u(rn) + imm5, 1, false); // LDRB
    case 0b10000: return at(u(rn) + imm5 * 2, 2, true); // STRH
    case 0b10001: return at(u(rn) + imm5 * 2, 2, false); // LDRH
    case 0b10010: return at(u(13) + (h & 0xff) * 4, 4, true); // STR (SP-relative)
    case 0b10011: return at(u(13) + (h & 0xff) * 4, 4, false); // LDR (SP-relative)
    case 0b11000: return at(u((h >> 8) & 7), 4 * popcount(h & 0xff), true); // STM
    case 0b11001: return at(u((h >> 8) & 7), 4 * popcount(h & 0xff), false); // LDM
  }
  if (h >> 12 === 0b0101) {
    const op = (h >> 9) & 7;
    return at(u(rn) + u((h >> 6) & 7), REGISTER_OFFSET_SIZE[op], op < 3);
  }
  const n = popcount(h & 0x1ff);
  if ((h & 0xfe00) === 0xb400) return at(u(13) - 4 * n, 4 * n, true); // PUSH
  if ((h & 0xfe00) === 0xbc00) return at(u(13), 4 * n, false); // POP
  return [];
}

/** org.gnu.gdb.arm.m-profile (GDB manual, "ARM Features"): r0-r12, sp, lr, pc, xpsr. */
const M_PROFILE_XML = `<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>arm</architecture>
  <feature name="org.gnu.gdb.arm.m-profile">
${[...Array(13).keys()].map((i) => `    <reg name="r${i}" bitsize="32" type="uint32"/>`).join('\n')}
    <reg name="sp" bitsize="32" type="data_ptr"/>
    <reg name="lr" bitsize="32" type="uint32"/>
    <reg name="pc" bitsize="32" type="code_ptr"/>
    <reg name="xpsr" bitsize="32" type="uint32"/>
  </feature>
</target>
`;

export class CortexMTarget implements GdbTarget {
  readonly targetXml = M_PROFILE_XML;
  readonly registerCount = 17;
  readonly pcRegister = 15;

  constructor(
    private readonly core: CortexM0Plus,
    private readonly bus: Bus,
  ) {}

  get pc(): number {
    return this.core.pc >>> 0;
  }

  breakpointAddress(address: number): number {
    return address & ~1;
  }

  readRegister(n: number): number {
    const c = this.core;
    if (n < 15) return c.r[n] >>> 0;
    if (n === 15) return c.pc >>> 0;
    return c.xpsr;
  }

  writeRegister(n: number, value: number): void {
    const c = this.core;
    if (n < 15) c.r[n] = value | 0;
    else if (n === 15) c.pc = value & ~1;
    else c.setFlagsFromPsr(value);
  }

  readMemory(address: number, length: number): Uint8Array | null {
    return probeRead(this.bus, address, length);
  }

  isPlainMemory(address: number, length: number): boolean {
    return isPlainMemory(this.bus, address, length);
  }

  nextAccesses(): DataAccess[] {
    const pc = this.core.pc >>> 0;
    const h = this.bus.readBlock(pc, 2);
    return thumbAccesses(h[0] | (h[1] << 8), pc, this.core.r);
  }

  /** Flash is written directly, as a probe programs it. */
  writeMemory(address: number, data: Uint8Array): boolean {
    return probeWrite(this.bus, address, data, true);
  }
}
