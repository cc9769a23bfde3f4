/**
 * What the GDB server needs from a CPU: its registers in GDB's order with a target description,
 * memory through the bus (as a debug probe sees it: flash writable, as a probe programs it), and
 * the PC. One implementation per core family; the Cortex-M0+ one is here.
 */
import type { Bus } from '../kernel/bus.js';
import { Memory } from '../kernel/bus.js';
import type { CortexM0Plus } from '../../cpu-armv6m/core.js';

export interface GdbTarget {
  /** The target description (qXfer:features:read:target.xml). */
  readonly targetXml: string;
  readonly registerCount: number;
  readRegister(n: number): number;
  writeRegister(n: number, value: number): void;
  readonly pc: number;
  /** Bytes at `address`, or null when any of them is not mapped. */
  readMemory(address: number, length: number): Uint8Array | null;
  /** false when any byte is not writable. */
  writeMemory(address: number, data: Uint8Array): boolean;
  /** Whether `length` bytes at `address` are plain memory (can be watched: reading has no side effects). */
  isPlainMemory(address: number, length: number): boolean;
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

  constructor(
    private readonly core: CortexM0Plus,
    private readonly bus: Bus,
  ) {}

  get pc(): number {
    return this.core.pc >>> 0;
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
    for (let i = 0; i < length; i++) if (!this.bus.lookup((address + i) >>> 0)) return null;
    return this.bus.readBlock(address >>> 0, length);
  }

  isPlainMemory(address: number, length: number): boolean {
    for (let i = 0; i < length; i++) if (!(this.bus.lookup((address + i) >>> 0)?.device instanceof Memory)) return false;
    return true;
  }

  writeMemory(address: number, data: Uint8Array): boolean {
    for (let i = 0; i < data.length; i++) {
      const a = (address + i) >>> 0;
      const m = this.bus.lookup(a);
      if (!m) return false;
      if (m.device instanceof Memory && m.device.readOnly) m.device.store(a - m.base, 1, data[i]);
      else if (!this.bus.writeBlock(a, data.subarray(i, i + 1))) return false;
    }
    return true;
  }
}
