/**
 * `test-lx106`: a bare Xtensa LX106 machine for test programs, with the memories of QEMU's
 * `qemu-system-xtensa -M sim -cpu lx106` (QEMU 7.2 `info mtree`; every one is RAM there, so
 * the "ROMs" are writable here too) and QEMU's simcall semihosting. An ELF program starts at
 * its entry point (as QEMU's `-device loader,file=PROG.elf,cpu-num=0`) with PS = 0x1F
 * (INTLEVEL 15, EXCM) and VECBASE = 0x40000000. Core clock: 80 MHz.
 *
 *   0x3FF40000  256 KiB  datarom0        0x40000000    1 MiB  instram0 (vectors at VECBASE)
 *   0x3FF80000  256 KiB  dataram1        0x40100000    1 MiB  instram1
 *   0x3FFC0000  256 KiB  dataram0        0x40200000    1 MiB  instrom0
 *   0x50000000   64 MiB  sysrom0         0x60000000  128 MiB  sysram0
 *
 * The two big system memories are sparse (64 KiB chunks allocated on first write) and go
 * through the bus: test programs rarely touch them, and 192 MiB per board would make every
 * board expensive to create. The local memories are typed arrays on the core's fast path.
 */
import { Bus, Memory, type AccessSize, type BusDevice } from '../emulator/kernel/bus.js';
import { Machine } from '../emulator/kernel/machine.js';
import { Scheduler } from '../emulator/kernel/scheduler.js';
import { Lx106 } from '../cpu-xtensa/lx106.js';
import { XtensaSemihosting } from '../cpu-xtensa/semihosting.js';
import { semihostingConsole, type Board, type BoardConsole, type LoadSegment, type MemoryRegion } from './types.js';

/** Structurally compatible with firmware-runtime/images/types.ts FirmwareImage. */
export interface Lx106Image {
  format: string;
  segments: { address: number; data: Uint8Array }[];
  entry?: number;
}

export const TEST_LX106 = {
  frequency: 80_000_000,
  memories: [
    { name: 'datarom0', base: 0x3ff40000, size: 0x40000 },
    { name: 'dataram1', base: 0x3ff80000, size: 0x40000 },
    { name: 'dataram0', base: 0x3ffc0000, size: 0x40000 },
    { name: 'instram0', base: 0x40000000, size: 0x100000 },
    { name: 'instram1', base: 0x40100000, size: 0x100000 },
    { name: 'instrom0', base: 0x40200000, size: 0x100000 },
    { name: 'sysrom0', base: 0x50000000, size: 0x4000000, sparse: true },
    { name: 'sysram0', base: 0x60000000, size: 0x8000000, sparse: true },
  ],
} as const;

const CHUNK_SHIFT = 16;

/** A large RAM whose 64 KiB chunks exist only once written (reads of the rest are 0). */
export class SparseMemory implements BusDevice {
  private readonly chunks = new Map<number, Memory>();
  /** Called after every change (decode caches of cores executing from here). */
  onWrite: ((offset: number, size: AccessSize) => void) | null = null;
  constructor(readonly size: number) {}

  private chunk(offset: number, create: boolean): Memory | undefined {
    const key = offset >>> CHUNK_SHIFT;
    let c = this.chunks.get(key);
    if (!c && create) {
      const chunk = new Memory(1 << CHUNK_SHIFT);
      const base = key << CHUNK_SHIFT;
      chunk.onWrite = (o, size) => this.onWrite?.(base + o, size);
      this.chunks.set(key, chunk);
      c = chunk;
    }
    return c;
  }

  read(offset: number, size: AccessSize): number {
    const c = this.chunk(offset, false);
    if (!c) return 0;
    const inner = offset & ((1 << CHUNK_SHIFT) - 1);
    if (inner + size <= 1 << CHUNK_SHIFT) return c.read(inner, size);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | this.read(offset + i, 1);
    return v >>> 0;
  }

  write(offset: number, size: AccessSize, value: number): void {
    for (let i = 0; i < size; i++) {
      const c = this.chunk(offset + i, true)!;
      c.store((offset + i) & ((1 << CHUNK_SHIFT) - 1), 1, (value >>> (8 * i)) & 0xff);
    }
  }

  load(offset: number, data: Uint8Array): void {
    for (let i = 0; i < data.length; ) {
      const c = this.chunk(offset + i, true)!;
      const inner = (offset + i) & ((1 << CHUNK_SHIFT) - 1);
      const n = Math.min(data.length - i, (1 << CHUNK_SHIFT) - inner);
      c.load(inner, data.subarray(i, i + n));
      i += n;
    }
  }
}

export interface TestLx106Board extends Board {
  readonly core: Lx106;
  readonly console: BoardConsole;
  /** Loads a firmware image (or raw segments plus an entry) and resets the core to its entry. */
  load(image: Lx106Image | LoadSegment[], entry?: number): void;
}

export function createTestLx106(commandLine = 'program'): TestLx106Board {
  const scheduler = new Scheduler(TEST_LX106.frequency);
  const bus = new Bus();
  const memories = TEST_LX106.memories.map((m) => {
    const memory = 'sparse' in m ? new SparseMemory(m.size) : new Memory(m.size);
    bus.map(m.name, m.base, m.size, memory);
    return { name: m.name, base: m.base, size: m.size, memory };
  });
  const machine = new Machine(scheduler, bus);
  const core = new Lx106(bus, scheduler, {
    fastMemories: memories.flatMap((m) => (m.memory instanceof Memory ? [{ base: m.base, memory: m.memory }] : [])),
    onHalt: (info) => machine.stop(info),
  });
  for (const m of memories) {
    if (m.memory instanceof SparseMemory) m.memory.onWrite = (offset, size) => core.invalidate(m.base + offset, size);
  }
  machine.attachCore(core);
  const semihosting = new XtensaSemihosting({
    stdout: machine.stdout,
    stderr: machine.stderr,
    stdin: machine.stdin,
    argv: commandLine.split(/\s+/).filter((s) => s.length > 0),
    exit: (exitCode, message) => machine.stop({ reason: 'exit', exitCode, message }),
  });
  core.options.simcall = semihosting.call;
  const regions: MemoryRegion[] = memories.map((m) => ({ name: m.name, base: m.base, size: m.size }));

  return {
    name: 'test-lx106',
    architecture: 'Xtensa',
    machine,
    core,
    regions,
    console: semihostingConsole(machine),
    internals: [semihosting],
    load(image: Lx106Image | LoadSegment[], entry?: number): void {
      const segments = Array.isArray(image) ? image : image.segments;
      const start = Array.isArray(image) ? entry : (image.entry ?? entry);
      for (const seg of segments) {
        // A segment may run from one memory into the next (they are adjacent): each gets its part.
        for (let done = 0; done < seg.data.length; ) {
          const address = (seg.address + done) >>> 0;
          const m = memories.find((r) => address >= r.base && address < r.base + r.size);
          if (!m) {
            throw new Error(`test-lx106: segment 0x${(seg.address >>> 0).toString(16)}+0x${seg.data.length.toString(16)} is outside the memory map`);
          }
          const part = seg.data.subarray(done, Math.min(seg.data.length, done + m.base + m.size - address));
          m.memory.load(address - m.base, part);
          done += part.length;
        }
      }
      if (start !== undefined) core.options.resetVector = start;
      core.reset();
    },
  };
}
