/**
 * `--trace`: a log of what the firmware does, one line per event, in simulated time.
 *  - `io`: every access to a peripheral's registers through the bus (the CPU's, the DMAC's,
 *    the hosted engine's), with the register's data-sheet name where the block declares it:
 *      `   1234567  0.025720 W4 SERCOM3+0x18 DATA = 0x00000041`
 *    Plain memory (flash, SRAM) is not traced. Filters: peripheral names (the bus mapping names,
 *    as the data sheet spells them: SERCOM3, PORT, GCLK; IOBUS is PORT's single-cycle alias)
 *    and an address range.
 *  - `insn`: every instruction the CPU starts, by PC, with its first 16 bits (Thumb) or bytes
 *    (Xtensa); filter: a PC range. The machine then steps one instruction per turn of its run
 *    loop (Machine.onInstruction), which gives the same results, cycle for cycle, only slower.
 *
 * No `node:` import: lines go to a callback (the CLI writes them to a file or stderr).
 */
import { Memory, type AccessSize, type Bus, type BusDevice, type Mapping } from '../kernel/bus.js';
import type { Machine } from '../kernel/machine.js';
import { RegisterBlock } from '../../peripherals/register-block.js';

export interface TraceOptions {
  io: boolean;
  insn: boolean;
  /** Peripheral names to trace (io); empty: all. Case-insensitive. */
  peripherals: readonly string[];
  /** Inclusive address range (io: register address; insn: PC), or null for all. */
  range: { start: number; end: number } | null;
}

/** Starts tracing `machine`; returns the function that stops it. Unknown peripheral names throw. */
export function startTrace(machine: Machine, options: TraceOptions, emit: (line: string) => void): () => void {
  const stops: (() => void)[] = [];
  const stamp = () => `${String(machine.scheduler.cycles).padStart(12)} ${machine.scheduler.seconds.toFixed(9)}`;
  const stampAt = (cycle: number) => `${String(cycle).padStart(12)} ${(machine.scheduler.seconds - (machine.scheduler.cycles - cycle) / machine.scheduler.frequency).toFixed(9)}`;
  const inRange = (a: number) => !options.range || (a >= options.range.start && a <= options.range.end);
  if (options.io) stops.push(traceBus(machine.bus, options, (line, address) => inRange(address) && emit(`${stamp()} ${line}`)));
  if (options.insn) {
    if (!machine.core) throw new Error('--trace insn: this board has no CPU');
    const bus = machine.bus;
    machine.onInstruction = (pc, cycle) => {
      if (!inRange(pc)) return;
      const word = bus.readBlock(pc, 2);
      emit(`${stampAt(cycle)} I 0x${hex(pc, 8)} ${hex(word[0] | (word[1] << 8), 4)}`);
    };
    stops.push(() => (machine.onInstruction = null));
  }
  return () => stops.forEach((s) => s());
}

/** Wraps the device of every traced mapping; returns the function that unwraps them. */
function traceBus(bus: Bus, options: TraceOptions, emit: (line: string, address: number) => void): () => void {
  const wanted = options.peripherals.map((p) => p.toUpperCase());
  const mappings = bus.mappings.filter((m) => !(m.device instanceof Memory) && (!wanted.length || wanted.includes(m.name.toUpperCase())));
  const unknown = wanted.filter((w) => !bus.mappings.some((m) => m.name.toUpperCase() === w));
  if (unknown.length) {
    const names = bus.mappings.filter((m) => !(m.device instanceof Memory)).map((m) => m.name);
    throw new Error(`--trace-peripheral: no peripheral ${unknown.join(', ')} on this board (peripherals: ${names.join(', ')})`);
  }
  const originals = mappings.map((m) => m.device);
  mappings.forEach((m) => ((m as { device: BusDevice }).device = new TracedDevice(m, m.device, emit)));
  return () => mappings.forEach((m, i) => ((m as { device: BusDevice }).device = originals[i]));
}

class TracedDevice implements BusDevice {
  private readonly names: (string | undefined)[];
  constructor(
    private readonly mapping: Mapping,
    private readonly inner: BusDevice,
    private readonly emit: (line: string, address: number) => void,
  ) {
    this.names = registerNames(inner, mapping.size);
  }

  read(offset: number, size: AccessSize): number {
    const value = this.inner.read(offset, size);
    this.log('R', offset, size, value);
    return value;
  }

  write(offset: number, size: AccessSize, value: number): void {
    this.log('W', offset, size, value);
    this.inner.write(offset, size, value);
  }

  private log(dir: 'R' | 'W', offset: number, size: AccessSize, value: number): void {
    const address = (this.mapping.base + offset) >>> 0;
    const name = this.names[offset];
    this.emit(`${dir}${size} 0x${hex(address, 8)} ${this.mapping.name}+0x${hex(offset, 3)}${name ? ` ${name}` : ''} = 0x${hex(value >>> 0, size * 2)}`, address);
  }
}

/** Register name at each byte offset of a block (through wrappers such as the SAMD21's APB gate). */
function registerNames(device: BusDevice, size: number): (string | undefined)[] {
  let d: unknown = device;
  for (let depth = 0; depth < 4 && !(d instanceof RegisterBlock) && d && typeof d === 'object' && 'device' in d; depth++) d = (d as { device: unknown }).device;
  const names: (string | undefined)[] = new Array(Math.min(size, 1 << 16));
  if (d instanceof RegisterBlock) {
    for (const r of d.registers) for (let o = r.offset; o < r.offset + r.size && o < names.length; o++) names[o] ??= r.name;
  }
  return names;
}

function hex(n: number, digits: number): string {
  return n.toString(16).padStart(digits, '0');
}

/** Parses `START-END` (hex with 0x, or decimal) for --trace-range. */
export function parseRange(text: string): { start: number; end: number } | string {
  const m = /^(0x[0-9a-f]+|\d+)-(0x[0-9a-f]+|\d+)$/i.exec(text.trim());
  if (!m) return `--trace-range must be START-END such as 0x42000800-0x42000bff, not '${text}'`;
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end > 0xffffffff) return `--trace-range: ${text} is not a range of 32-bit addresses (start <= end)`;
  return { start, end };
}
