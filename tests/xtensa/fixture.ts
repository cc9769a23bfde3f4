/**
 * A small LX106 machine for instruction-level tests: vectors RAM at 0x40000000 (VECBASE),
 * code RAM at 0x40100000, data RAM at 0x3FFC0000, 80 MHz. Snippets end in a `j .` loop that
 * the runner stops at.
 */
import { Bus, Memory } from '../../emulator/kernel/bus.js';
import { Machine } from '../../emulator/kernel/machine.js';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Lx106, type Lx106Options } from '../../cpu-xtensa/lx106.js';
import { XtensaAsm } from '../helpers/xtensa-asm.js';

export const VECTORS = 0x40000000;
export const CODE = 0x40100000;
export const DATA = 0x3ffc0000;

export interface Fixture {
  core: Lx106;
  machine: Machine;
  scheduler: Scheduler;
  bus: Bus;
  vectors: Memory;
  code: Memory;
  data: Memory;
}

export function makeFixture(options: { mapVectors?: boolean; externalRegisters?: Lx106Options['externalRegisters'] } = {}): Fixture {
  const scheduler = new Scheduler(80_000_000);
  const bus = new Bus();
  const vectors = new Memory(0x10000);
  const code = new Memory(0x10000);
  const data = new Memory(0x40000);
  if (options.mapVectors !== false) bus.map('vectors', VECTORS, vectors.size, vectors);
  bus.map('code', CODE, code.size, code);
  bus.map('data', DATA, data.size, data);
  const fast = [
    { base: CODE, memory: code },
    { base: DATA, memory: data },
  ];
  if (options.mapVectors !== false) fast.push({ base: VECTORS, memory: vectors });
  const machine = new Machine(scheduler, bus);
  const core = new Lx106(bus, scheduler, {
    resetVector: CODE,
    fastMemories: fast,
    onHalt: (info) => machine.stop(info),
    externalRegisters: options.externalRegisters,
  });
  machine.attachCore(core);
  return { core, machine, scheduler, bus, vectors, code, data };
}

export interface RunResult {
  fx: Fixture;
  core: Lx106;
  a: Int32Array;
  /** Address of the final `j .` (where the snippet stops when it ran to the end). */
  end: number;
  /** Labels of the snippet, resolved. */
  at: (label: string) => number;
}

export interface SnippetOptions {
  a?: Record<number, number>;
  sar?: number;
  ps?: number;
  /** Code placed in the vectors RAM: called with an assembler at VECBASE. */
  vectors?: (asm: XtensaAsm) => void;
  fixture?: Fixture;
  /** Cycles to run at most (default 100000). */
  cycles?: number;
}

/**
 * Assembles `body` at CODE, appends `end: j end`, sets registers, and runs until the core
 * reaches `end` (or the cycle budget runs out).
 */
export function run(body: (asm: XtensaAsm) => void, opts: SnippetOptions = {}): RunResult {
  const fx = opts.fixture ?? makeFixture();
  const asm = new XtensaAsm(CODE);
  body(asm);
  asm.label('__end');
  asm.j('__end');
  fx.code.load(0, asm.assemble());
  if (opts.vectors) {
    const v = new XtensaAsm(VECTORS);
    opts.vectors(v);
    fx.vectors.load(0, v.assemble());
  }
  const core = fx.core;
  core.reset();
  if (opts.ps !== undefined) core.ps = opts.ps;
  if (opts.sar !== undefined) core.sar = opts.sar;
  for (const [r, v] of Object.entries(opts.a ?? {})) core.a[Number(r)] = v;
  const end = asm.address('__end');
  const limit = fx.scheduler.cycles + (opts.cycles ?? 100_000);
  while (fx.scheduler.cycles < limit && !fx.machine.halt && core.pc !== end) {
    fx.machine.runUntil(Math.min(limit, fx.scheduler.cycles + 64));
    if (core.state !== 'running' && core.state !== 'sleeping') break;
  }
  return { fx, core, a: core.a, end, at: (l) => asm.address(l) };
}

/** Runs a snippet that must reach its end; returns the registers as unsigned numbers. */
export function regs(body: (asm: XtensaAsm) => void, opts: SnippetOptions = {}): number[] {
  const r = run(body, opts);
  if (r.core.pc !== r.end) throw new Error(`snippet did not finish: ${r.core.describeState()}`);
  return Array.from(r.a, (v) => v >>> 0);
}
