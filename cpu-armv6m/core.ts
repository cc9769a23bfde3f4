/**
 * Cortex-M0+ (ARMv6-M) core.
 *
 * Registers live in an Int32Array (r13 is the active stack pointer; the other bank is kept in
 * `msp`/`psp`); the PC is a field. The interpreter loop fetches a halfword, looks up its
 * operation in the precomputed decode table, and executes it in one switch. Main memories are
 * read and written through typed arrays directly (`fast0`/`fast1`); everything else goes to the
 * bus or, for 0xE0000000 and up, to the System Control Space (NVIC, SCB, SysTick).
 *
 * Faults inside an instruction (unaligned access, bus error, undefined instruction) throw the
 * preallocated `CPU_FAULT` token; `execute()` catches it outside the hot loop and enters
 * HardFault, so the loop itself never checks a fault flag.
 *
 * Cycle counts follow the Cortex-M0+ Technical Reference Manual (ARM DDI 0484C, table 3-1:
 * zero-wait-state memory, single-cycle multiplier) plus wait states of the memory touched.
 */
import type { Bus, Memory } from '../emulator/kernel/bus.js';
import type { CoreState, CpuCore, HaltInfo } from '../emulator/kernel/core.js';
import type { Scheduler } from '../emulator/kernel/scheduler.js';
import { opcodeTable } from './decoder.js';
import { ExceptionUnit, Exc, FaultKind } from './exceptions.js';
import { SystemControlSpace } from './scs.js';
import { formatRegisters } from './describe.js';
import { BAIL, BlockEntry, CODE_PAGE_SHIFT, NOFIT, Translator } from './translator.js';
import { FLASH_CACHE_LINES, FLASH_LINE_SHIFT, FlashReadMode, flashCosts } from './flash-cache.js';

/** Thrown (never allocated per use) to abandon the current instruction after a fault. */
export const CPU_FAULT = { cpuFault: true } as const;

export interface FastMemory {
  base: number;
  memory: Memory;
}

export interface CortexM0PlusOptions {
  /** Up to two memories read and written without going through the bus (flash, SRAM). */
  fastMemories?: FastMemory[];
  /** Called for BKPT 0xAB when semihosting is enabled; returns the value for r0. */
  semihosting?: (core: CortexM0Plus, operation: number, parameter: number) => number;
  /** Called when the core cannot continue (lockup, a spinning HardFault handler). */
  onHalt?: (info: HaltInfo) => void;
  /** AIRCR.SYSRESETREQ: the chip resets the core and its peripherals. Default: core reset. */
  onSystemReset?: () => void;
  /** Number of external interrupt lines (SAMD21: 28 used of the 32 ARMv6-M allows). */
  irqCount?: number;
  /**
   * 'jit': hot blocks are compiled to JavaScript; 'interp': the interpreter only. Default:
   * `cpuDefaults.mode`, 'interp' (the translator wins only on long CPU-bound runs, see README).
   */
  mode?: CpuMode;
  /** Dispatches of a block entry before it is compiled (default `cpuDefaults`: 1000). */
  jitThreshold?: number;
  /** Told once when the translator cannot be used (`new Function` refused by a CSP). */
  onMessage?: (text: string) => void;
}

export type CpuMode = 'interp' | 'jit';

/**
 * Defaults for cores constructed from now on, when their options do not say: the CLI's
 * `--cpu` and the tests that run every program in both modes set them before creating a board.
 */
export const cpuDefaults: { mode: CpuMode; jitThreshold: number } = { mode: 'interp', jitThreshold: 1000 };

const XN_REGIONS = (a: number): boolean => a >= 0xe0000000 || (a >= 0x40000000 && a < 0x60000000) || (a >= 0xa0000000 && a < 0xe0000000);

export class CortexM0Plus implements CpuCore {
  readonly r = new Int32Array(16);
  pc = 0;
  /** Address of the instruction being executed (the PC a fault stacks). */
  ip = 0;
  N = 0;
  Z = 0;
  C = 0;
  V = 0;
  /** EPSR.T: cleared by an interworking branch to an even address; the next fetch faults. */
  thumb = true;
  msp = 0;
  psp = 0;
  /** CONTROL.SPSEL (1: thread mode uses PSP) and CONTROL.nPRIV. */
  spsel = 0;
  npriv = 0;
  primask = 0;
  state: CoreState = 'running';
  instructions = 0;
  /** Event register for WFE/SEV. */
  eventRegister = 0;

  readonly exceptions: ExceptionUnit;
  readonly scs: SystemControlSpace;
  private readonly ldmTemp = new Int32Array(9);

  // Fast memories: offsets are computed as (address - base) >>> 0 and compared to size.
  /** @internal (read by the translator) */
  f0Base = 0;
  /** @internal (read by the translator) */
  f0Size = 0;
  f0u8: Uint8Array = new Uint8Array(0);
  f0u16: Uint16Array = new Uint16Array(0);
  f0u32: Uint32Array = new Uint32Array(0);
  f0Writable = false;
  /**
   * Wait states of the first fast memory (flash; NVMCTRL.CTRLB.RWS on SAMD21), charged per data
   * read and per 32-bit instruction fetch (a fetch brings in two halfwords) unless the line
   * cache in front of it answers (see setFlashTiming). Setting it alone means no cache.
   */
  get flashWaitStates(): number {
    return this.flashRws;
  }
  set flashWaitStates(rws: number) {
    this.setFlashTiming(rws, false, FlashReadMode.NoMissPenalty);
  }
  /** @internal CTRLB.RWS as last set (the backing field of flashWaitStates). */
  flashRws = 0;
  /**
   * The flash line cache (flash-cache.ts; the SAMD21's NVMCTRL cache): per line, the number of
   * the 8-byte flash line it holds, or -1. Every flash fetch word and data read looks its line
   * up and costs `flashHitCost` or `flashMissCost`; the bytes always come from the memory.
   */
  readonly flashLines = new Int32Array(FLASH_CACHE_LINES).fill(-1);
  /** @internal (read by the translator) Cycles added by a flash access whose line is cached. */
  flashHitCost = 0;
  /** @internal (read by the translator) Cycles added by a flash access that misses (never below the hit cost). */
  flashMissCost = 0;
  /** @internal Whether the cache is enabled (CTRLB.CACHEDIS = 0). */
  flashCacheOn = false;
  /** @internal (read by the translator) */
  f1Base = 0;
  /** @internal (read by the translator) */
  f1Size = 0;
  f1u8: Uint8Array = new Uint8Array(0);
  f1u16: Uint16Array = new Uint16Array(0);
  f1u32: Uint32Array = new Uint32Array(0);
  f1Writable = false;

  constructor(
    readonly bus: Bus,
    readonly clock: Scheduler,
    readonly options: CortexM0PlusOptions = {},
  ) {
    const fast = options.fastMemories ?? [];
    if (fast.length > 2) throw new Error('CortexM0Plus: at most two fast memories');
    if (fast[0]) this.setFast0(fast[0]);
    if (fast[1]) this.setFast1(fast[1]);
    this.exceptions = new ExceptionUnit(this, options.irqCount ?? 32);
    this.scs = new SystemControlSpace(this);
    this.translator = new Translator(this, options.jitThreshold ?? cpuDefaults.jitThreshold);
    this.f1Code = this.translator.code[1];
    if (fast[0]) this.watchWrites(fast[0].memory, 0);
    if (fast[1]) this.watchWrites(fast[1].memory, 1);
    this.setMode(options.mode ?? cpuDefaults.mode);
  }

  /** The block translator (its cache is dropped on reset and when code is rewritten). */
  readonly translator: Translator;
  /** Per 64-byte page of the second fast memory (SRAM): 1 when compiled code was read from it. */
  private readonly f1Code: Uint8Array;
  private jit = false;

  get mode(): CpuMode {
    return this.jit ? 'jit' : 'interp';
  }

  /** Switches between the interpreter and the translator (at any instruction boundary). */
  setMode(mode: CpuMode, jitThreshold?: number): void {
    if (jitThreshold !== undefined) this.translator.threshold = Math.max(1, jitThreshold);
    this.jit = mode === 'jit' && !this.translator.unavailable;
  }

  /** Writes by anything but the core's own stores (NVMCTRL, DMA, loaders) drop compiled code. */
  private watchWrites(memory: Memory, index: 0 | 1): void {
    const previous = memory.onWrite;
    const code = this.translator.code[index];
    memory.onWrite = (offset, size) => {
      if (previous) previous(offset, size);
      if (index === 0) this.invalidateFlashCache();
      if (code[offset >>> CODE_PAGE_SHIFT] !== 0 || code[(offset + size - 1) >>> CODE_PAGE_SHIFT] !== 0) {
        this.translator.written(index, offset, size);
      }
    };
  }

  private setFast0(f: FastMemory): void {
    this.f0Base = f.base >>> 0;
    this.f0Size = f.memory.size;
    this.f0u8 = f.memory.u8;
    this.f0u16 = f.memory.u16;
    this.f0u32 = f.memory.u32;
    this.f0Writable = !f.memory.readOnly;
  }

  private setFast1(f: FastMemory): void {
    this.f1Base = f.base >>> 0;
    this.f1Size = f.memory.size;
    this.f1u8 = f.memory.u8;
    this.f1u16 = f.memory.u16;
    this.f1u32 = f.memory.u32;
    this.f1Writable = !f.memory.readOnly;
  }

  /**
   * The flash read timing (SAMD21: NVMCTRL.CTRLB, pushed by NVMCTRL on every write and reset):
   * RWS wait states, the cache on or off (CACHEDIS) and its READMODE. Without the cache every
   * access costs RWS. Turning the cache on starts it empty.
   */
  setFlashTiming(rws: number, cache: boolean, readMode: number): void {
    if (cache && !this.flashCacheOn) this.flashLines.fill(-1);
    this.flashRws = rws;
    this.flashCacheOn = cache;
    const costs = flashCosts(rws, cache, readMode);
    this.flashHitCost = costs.hit;
    this.flashMissCost = costs.miss;
    // A translated block read the costs on entry: one that changed them (a CTRLB store) leaves.
    this.translator.gen++;
  }

  /** Drops every cached flash line (NVMCTRL INVALL, a page write or row erase, any flash write). */
  invalidateFlashCache(): void {
    this.flashLines.fill(-1);
    // A translated block may know a line is cached: one whose store caused this leaves.
    this.translator.gen++;
  }

  /** The wait states of a flash access at `offset` (a fetch word or a data read); fills its line. */
  flashAccess(offset: number): number {
    const line = offset >>> FLASH_LINE_SHIFT;
    const k = line & (FLASH_CACHE_LINES - 1);
    if (this.flashLines[k] === line) return this.flashHitCost;
    this.flashLines[k] = line;
    return this.flashMissCost;
  }

  // ---------------------------------------------------------------- reset and run

  /** Power-on reset: SP and PC from the vector table at VTOR (0 after reset). */
  reset(): void {
    this.r.fill(0);
    this.N = this.Z = this.C = this.V = 0;
    this.spsel = this.npriv = this.primask = 0;
    this.eventRegister = 0;
    this.thumb = true;
    this.state = 'running';
    this.translator.flush();
    this.flashLines.fill(-1);
    this.exceptions.reset();
    this.scs.reset();
    const vtor = this.scs.vtor;
    const sp = this.bus.read(vtor, 4);
    const pc = this.bus.read(vtor + 4, 4);
    const bad = this.bus.error;
    this.bus.error = false;
    this.msp = sp & ~3;
    this.psp = 0;
    this.r[13] = this.msp;
    this.r[14] = -1; // LR resets to 0xFFFFFFFF
    this.pc = pc & ~1;
    this.thumb = (pc & 1) === 1;
    if (bad) this.lockup(`reset vector at 0x${(vtor >>> 0).toString(16)} is not readable`);
  }

  setInterrupt(line: number, level: boolean): void {
    this.exceptions.setLine(line, level);
  }

  /** Runs instructions until the scheduler's deadline, a halt, or sleep. */
  execute(): void {
    const clock = this.clock;
    while (this.state === 'running' && clock.cycles < clock.deadline) {
      try {
        if (!this.thumb) this.fault(FaultKind.InvalidState, this.pc, this.pc);
        if (this.exceptions.checkNeeded) this.exceptions.takePending();
        if (this.state !== 'running') return;
        if (this.jit) this.runTranslated();
        else this.run(-1);
        return;
      } catch (e) {
        if (e !== CPU_FAULT) throw e;
        // The faulting instruction was abandoned; HardFault entry was arranged by fault().
      }
    }
  }

  /**
   * The run loop with the translator: compiled blocks where they are hot and fit before the
   * deadline, the interpreter for everything else (one cold block, or one instruction, at a time).
   */
  private runTranslated(): void {
    const clock = this.clock;
    const translator = this.translator;
    let e: BlockEntry | null | undefined = null;
    while (clock.cycles < clock.deadline) {
      if (e == null) {
        // translator.lookup() without the call, and without creating entries on the hot path.
        const pc = this.pc;
        let o = (pc - this.f0Base) >>> 0;
        if (o < this.f0Size) e = translator.entries[0][o >>> 1];
        else {
          o = (pc - this.f1Base) >>> 0;
          e = o < this.f1Size ? translator.entries[1][o >>> 1] : null;
        }
      }
      if (e != null && e.fn !== null) {
        const block: BlockEntry = e;
        block.calls++;
        e = block.fn!(this, block);
        if (e === NOFIT) {
          this.run(-1); // the deadline is near: the interpreter runs up to it
          e = null;
        } else if (e === BAIL) {
          this.run(1); // the instruction the block left to the interpreter
          e = null;
          translator.bailed(block);
        }
        continue;
      }
      e = translator.lookup(this.pc);
      if (e === null) {
        this.run(1);
        continue;
      }
      if (++e.hits >= translator.threshold) {
        translator.compile(e);
        if (translator.unavailable) return this.translatorUnavailable();
        if (e.fn !== null) continue;
      }
      this.run(translator.coldLength(e));
      e = null;
    }
  }

  private translatorUnavailable(): void {
    this.jit = false;
    this.options.onMessage?.('cortex-m0+: the block translator is unavailable (new Function is refused); using the interpreter');
  }

  /** Stops the core for good and tells the machine why. */
  lockup(message: string): void {
    this.state = 'halted';
    this.clock.requestBreak();
    this.options.onHalt?.({ reason: 'lockup', exitCode: 1, message: `${message}\n${this.describeState()}` });
  }

  halt(info: HaltInfo): void {
    this.state = 'halted';
    this.clock.requestBreak();
    this.options.onHalt?.(info);
  }

  describeState(): string {
    return formatRegisters(this);
  }

  // ---------------------------------------------------------------- faults

  /**
   * Abandons the current instruction and takes HardFault (or locks up). Never returns.
   * The stacked return address is the faulting instruction unless given (an interworking branch
   * to ARM state faults at its target).
   */
  fault(kind: FaultKind, address = 0, returnAddress = this.ip): never {
    this.exceptions.hardFault(kind, returnAddress, address);
    throw CPU_FAULT;
  }

  // ---------------------------------------------------------------- memory

  read32(a: number): number {
    if ((a & 3) !== 0) this.fault(FaultKind.Unaligned, a);
    let o = (a - this.f1Base) >>> 0;
    if (o < this.f1Size) return this.f1u32[o >>> 2];
    o = (a - this.f0Base) >>> 0;
    if (o < this.f0Size) {
      this.clock.cycles += this.flashAccess(o);
      return this.f0u32[o >>> 2];
    }
    return this.slowRead(a >>> 0, 4);
  }

  read16(a: number): number {
    if ((a & 1) !== 0) this.fault(FaultKind.Unaligned, a);
    let o = (a - this.f1Base) >>> 0;
    if (o < this.f1Size) return this.f1u16[o >>> 1];
    o = (a - this.f0Base) >>> 0;
    if (o < this.f0Size) {
      this.clock.cycles += this.flashAccess(o);
      return this.f0u16[o >>> 1];
    }
    return this.slowRead(a >>> 0, 2);
  }

  read8(a: number): number {
    let o = (a - this.f1Base) >>> 0;
    if (o < this.f1Size) return this.f1u8[o];
    o = (a - this.f0Base) >>> 0;
    if (o < this.f0Size) {
      this.clock.cycles += this.flashAccess(o);
      return this.f0u8[o];
    }
    return this.slowRead(a >>> 0, 1);
  }

  write32(a: number, v: number): void {
    if ((a & 3) !== 0) this.fault(FaultKind.Unaligned, a);
    const o = (a - this.f1Base) >>> 0;
    if (o < this.f1Size && this.f1Writable) {
      this.f1u32[o >>> 2] = v;
      if (this.f1Code[o >>> CODE_PAGE_SHIFT] !== 0) this.translator.written(1, o, 4);
    } else this.slowWrite(a >>> 0, 4, v >>> 0);
  }

  write16(a: number, v: number): void {
    if ((a & 1) !== 0) this.fault(FaultKind.Unaligned, a);
    const o = (a - this.f1Base) >>> 0;
    if (o < this.f1Size && this.f1Writable) {
      this.f1u16[o >>> 1] = v;
      if (this.f1Code[o >>> CODE_PAGE_SHIFT] !== 0) this.translator.written(1, o, 2);
    } else this.slowWrite(a >>> 0, 2, v & 0xffff);
  }

  write8(a: number, v: number): void {
    const o = (a - this.f1Base) >>> 0;
    if (o < this.f1Size && this.f1Writable) {
      this.f1u8[o] = v;
      if (this.f1Code[o >>> CODE_PAGE_SHIFT] !== 0) this.translator.written(1, o, 1);
    } else this.slowWrite(a >>> 0, 1, v & 0xff);
  }

  private slowRead(a: number, size: 1 | 2 | 4): number {
    const bus = this.bus;
    const value = a >= 0xe0000000 ? this.scs.read(a, size) : bus.read(a, size);
    this.clock.cycles += bus.stall;
    bus.stall = 0;
    if (bus.error) {
      bus.error = false;
      this.fault(FaultKind.BusError, a);
    }
    return value;
  }

  private slowWrite(a: number, size: 1 | 2 | 4, v: number): void {
    const bus = this.bus;
    if (a >= 0xe0000000) this.scs.write(a, size, v);
    else bus.write(a, size, v);
    this.clock.cycles += bus.stall;
    bus.stall = 0;
    if (bus.error) {
      bus.error = false;
      this.fault(FaultKind.BusError, a);
    }
  }

  /** Instruction fetch outside the fast memories. */
  private fetchSlow(a: number): number {
    if (XN_REGIONS(a)) this.fault(FaultKind.ExecuteNever, a);
    const bus = this.bus;
    const h = bus.read(a, 2);
    this.clock.cycles += bus.stall;
    bus.stall = 0;
    if (bus.error) {
      bus.error = false;
      this.fault(FaultKind.FetchError, a);
    }
    return h;
  }

  fetch16(a: number): number {
    const o = (a - this.f0Base) >>> 0;
    if (o < this.f0Size) return this.f0u16[o >>> 1];
    const o1 = (a - this.f1Base) >>> 0;
    if (o1 < this.f1Size) return this.f1u16[o1 >>> 1];
    return this.fetchSlow(a >>> 0);
  }

  // ---------------------------------------------------------------- special registers

  get xpsr(): number {
    return ((this.N << 31) | (this.Z << 30) | (this.C << 29) | (this.V << 28) | (this.thumb ? 1 << 24 : 0) | this.exceptions.ipsr) >>> 0;
  }

  setFlagsFromPsr(psr: number): void {
    this.N = (psr >>> 31) & 1;
    this.Z = (psr >>> 30) & 1;
    this.C = (psr >>> 29) & 1;
    this.V = (psr >>> 28) & 1;
  }

  /** True in Handler mode (an exception is being serviced). */
  get handlerMode(): boolean {
    return this.exceptions.ipsr !== 0;
  }

  /** Selects the stack pointer bank: PSP only in Thread mode with CONTROL.SPSEL set. */
  selectStack(usePsp: boolean): void {
    const current = this.usingPsp;
    if (current === usePsp) return;
    if (current) this.psp = this.r[13];
    else this.msp = this.r[13];
    this.r[13] = usePsp ? this.psp : this.msp;
    this.usingPsp = usePsp;
  }
  usingPsp = false;

  getMsp(): number {
    return this.usingPsp ? this.msp : this.r[13];
  }
  getPsp(): number {
    return this.usingPsp ? this.r[13] : this.psp;
  }
  setMsp(v: number): void {
    if (this.usingPsp) this.msp = v & ~3;
    else this.r[13] = v & ~3;
  }
  setPsp(v: number): void {
    if (this.usingPsp) this.r[13] = v & ~3;
    else this.psp = v & ~3;
  }

  /** Writes PC for an interworking branch (BX, BLX, POP {pc}): bit 0 is the Thumb state. */
  bxWritePc(target: number): void {
    if (this.exceptions.ipsr !== 0 && target >>> 28 === 0xf) {
      this.exceptions.exceptionReturn(target >>> 0);
      return;
    }
    this.pc = target & ~1;
    if ((target & 1) === 0) {
      this.thumb = false;
      this.fault(FaultKind.InvalidState, this.pc, this.pc);
    }
  }

  private mrs(sysm: number): number {
    switch (sysm) {
      case 0: case 1: case 2: case 3: case 5: case 6: case 7: {
        let v = 0;
        if ((sysm & 4) === 0) v |= (this.N << 31) | (this.Z << 30) | (this.C << 29) | (this.V << 28);
        if (sysm & 1) v |= this.exceptions.ipsr;
        return v;
      }
      case 8: return this.getMsp();
      case 9: return this.getPsp();
      case 16: return this.primask;
      case 20: return (this.spsel << 1) | this.npriv;
      default: return 0;
    }
  }

  private msr(sysm: number, v: number): void {
    const privileged = this.npriv === 0 || this.handlerMode;
    if (sysm < 8) {
      if ((sysm & 4) === 0) this.setFlagsFromPsr(v);
      return;
    }
    if (!privileged) return; // unprivileged writes to these are ignored (B5.2.3)
    switch (sysm) {
      case 8: this.setMsp(v); break;
      case 9: this.setPsp(v); break;
      case 16:
        this.primask = v & 1;
        this.exceptions.requestCheck();
        break;
      case 20:
        this.npriv = v & 1;
        if (!this.handlerMode) {
          this.spsel = (v >>> 1) & 1;
          this.selectStack(this.spsel === 1);
        }
        break;
    }
  }

  // ---------------------------------------------------------------- the interpreter loop

  /** Reads register `n` as an operand: r15 reads as the instruction address + 4. */
  private regOrPc(n: number): number {
    return n === 15 ? (this.ip + 4) | 0 : this.r[n];
  }

  private addWithCarry(a: number, b: number, carry: number): number {
    const sum = (a >>> 0) + (b >>> 0) + carry;
    const res = sum | 0;
    this.N = res >>> 31;
    this.Z = res === 0 ? 1 : 0;
    this.C = sum > 0xffffffff ? 1 : 0;
    this.V = (~(a ^ b) & (a ^ res)) >>> 31;
    return res;
  }

  private setNZ(res: number): void {
    this.N = res >>> 31;
    this.Z = res === 0 ? 1 : 0;
  }

  private conditionPassed(cond: number): boolean {
    switch (cond) {
      case 0: return this.Z === 1;
      case 1: return this.Z === 0;
      case 2: return this.C === 1;
      case 3: return this.C === 0;
      case 4: return this.N === 1;
      case 5: return this.N === 0;
      case 6: return this.V === 1;
      case 7: return this.V === 0;
      case 8: return this.C === 1 && this.Z === 0;
      case 9: return this.C === 0 || this.Z === 1;
      case 10: return this.N === this.V;
      case 11: return this.N !== this.V;
      case 12: return this.Z === 0 && this.N === this.V;
      default: return this.Z === 1 || this.N !== this.V; // 13 (LE)
    }
  }

  /**
   * The hot loop: one switch over the decoded operation. It is long on purpose: a call per
   * instruction class would cost more than the work most instructions do. Case labels are the
   * numeric `Op` values (named in comments; tests/armv6m/decoder.test.ts checks them) because
   * bundlers that transpile file by file (Vite/oxc, esbuild) do not inline a `const enum`, and a
   * switch over property loads is an order of magnitude slower than one over literals.
   */
  private run(budget: number): void {
    const clock = this.clock;
    const r = this.r;
    const table = opcodeTable();
    const lines = this.flashLines;
    // budget: instructions to run (-1: until the deadline). The translator's loop steps cold code.
    while (clock.cycles < clock.deadline) {
      if (budget-- === 0) return;
      const pc = this.pc;
      this.ip = pc;
      let h: number;
      const o0 = (pc - this.f0Base) >>> 0;
      if (o0 < this.f0Size) {
        h = this.f0u16[o0 >>> 1];
        if ((pc & 2) === 0) {
          // A 32-bit fetch word: flashAccess() inline, with FLASH_LINE_SHIFT (3) and
          // FLASH_CACHE_LINES - 1 (7) as literals (imported constants measured slower here).
          const line = o0 >>> 3;
          if (lines[line & 7] === line) clock.cycles += this.flashHitCost;
          else {
            lines[line & 7] = line;
            clock.cycles += this.flashMissCost;
          }
        }
      } else h = this.fetch16(pc);
      this.pc = pc + 2;
      clock.cycles++;
      this.instructions++;
      switch (table[h]) {
        case 1 /* LSL_IMM */: {
          const imm = (h >>> 6) & 31;
          const m = r[(h >>> 3) & 7];
          let res = m;
          if (imm !== 0) {
            this.C = (m >>> (32 - imm)) & 1;
            res = m << imm;
          }
          r[h & 7] = res;
          this.setNZ(res);
          break;
        }
        case 2 /* LSR_IMM */: {
          const imm = (h >>> 6) & 31;
          const m = r[(h >>> 3) & 7];
          let res: number;
          if (imm === 0) {
            this.C = m >>> 31;
            res = 0;
          } else {
            this.C = (m >>> (imm - 1)) & 1;
            res = m >>> imm;
          }
          r[h & 7] = res;
          this.setNZ(res | 0);
          break;
        }
        case 3 /* ASR_IMM */: {
          const imm = (h >>> 6) & 31;
          const m = r[(h >>> 3) & 7];
          let res: number;
          if (imm === 0) {
            this.C = m >>> 31;
            res = m >> 31;
          } else {
            this.C = (m >>> (imm - 1)) & 1;
            res = m >> imm;
          }
          r[h & 7] = res;
          this.setNZ(res);
          break;
        }
        case 4 /* ADD_REG */:
          r[h & 7] = this.addWithCarry(r[(h >>> 3) & 7], r[(h >>> 6) & 7], 0);
          break;
        case 5 /* SUB_REG */:
          r[h & 7] = this.addWithCarry(r[(h >>> 3) & 7], ~r[(h >>> 6) & 7], 1);
          break;
        case 6 /* ADD_IMM3 */:
          r[h & 7] = this.addWithCarry(r[(h >>> 3) & 7], (h >>> 6) & 7, 0);
          break;
        case 7 /* SUB_IMM3 */:
          r[h & 7] = this.addWithCarry(r[(h >>> 3) & 7], ~((h >>> 6) & 7), 1);
          break;
        case 8 /* MOV_IMM */: {
          const imm = h & 0xff;
          r[(h >>> 8) & 7] = imm;
          this.N = 0;
          this.Z = imm === 0 ? 1 : 0;
          break;
        }
        case 9 /* CMP_IMM */:
          this.addWithCarry(r[(h >>> 8) & 7], ~(h & 0xff), 1);
          break;
        case 10 /* ADD_IMM8 */: {
          const d = (h >>> 8) & 7;
          r[d] = this.addWithCarry(r[d], h & 0xff, 0);
          break;
        }
        case 11 /* SUB_IMM8 */: {
          const d = (h >>> 8) & 7;
          r[d] = this.addWithCarry(r[d], ~(h & 0xff), 1);
          break;
        }
        case 12 /* AND */: {
          const d = h & 7;
          const res = r[d] & r[(h >>> 3) & 7];
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 13 /* EOR */: {
          const d = h & 7;
          const res = r[d] ^ r[(h >>> 3) & 7];
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 24 /* ORR */: {
          const d = h & 7;
          const res = r[d] | r[(h >>> 3) & 7];
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 26 /* BIC */: {
          const d = h & 7;
          const res = r[d] & ~r[(h >>> 3) & 7];
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 27 /* MVN */: {
          const res = ~r[(h >>> 3) & 7];
          r[h & 7] = res;
          this.setNZ(res);
          break;
        }
        case 20 /* TST */:
          this.setNZ(r[h & 7] & r[(h >>> 3) & 7]);
          break;
        case 14 /* LSL_REG */: {
          const d = h & 7;
          const s = r[(h >>> 3) & 7] & 0xff;
          const v = r[d];
          let res = v;
          if (s !== 0) {
            if (s < 32) {
              this.C = (v >>> (32 - s)) & 1;
              res = v << s;
            } else {
              this.C = s === 32 ? v & 1 : 0;
              res = 0;
            }
          }
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 15 /* LSR_REG */: {
          const d = h & 7;
          const s = r[(h >>> 3) & 7] & 0xff;
          const v = r[d];
          let res = v;
          if (s !== 0) {
            if (s < 32) {
              this.C = (v >>> (s - 1)) & 1;
              res = v >>> s;
            } else {
              this.C = s === 32 ? v >>> 31 : 0;
              res = 0;
            }
          }
          r[d] = res;
          this.setNZ(res | 0);
          break;
        }
        case 16 /* ASR_REG */: {
          const d = h & 7;
          const s = r[(h >>> 3) & 7] & 0xff;
          const v = r[d];
          let res = v;
          if (s !== 0) {
            if (s < 32) {
              this.C = (v >>> (s - 1)) & 1;
              res = v >> s;
            } else {
              this.C = v >>> 31;
              res = v >> 31;
            }
          }
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 19 /* ROR */: {
          const d = h & 7;
          const s = r[(h >>> 3) & 7] & 0xff;
          const v = r[d];
          let res = v;
          if (s !== 0) {
            const k = s & 31;
            res = k === 0 ? v : (v >>> k) | (v << (32 - k));
            this.C = res >>> 31;
          }
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 17 /* ADC */: {
          const d = h & 7;
          r[d] = this.addWithCarry(r[d], r[(h >>> 3) & 7], this.C);
          break;
        }
        case 18 /* SBC */: {
          const d = h & 7;
          r[d] = this.addWithCarry(r[d], ~r[(h >>> 3) & 7], this.C);
          break;
        }
        case 21 /* RSB */:
          r[h & 7] = this.addWithCarry(~r[(h >>> 3) & 7], 0, 1);
          break;
        case 22 /* CMP_REG */:
          this.addWithCarry(r[h & 7], ~r[(h >>> 3) & 7], 1);
          break;
        case 23 /* CMN */:
          this.addWithCarry(r[h & 7], r[(h >>> 3) & 7], 0);
          break;
        case 25 /* MUL */: {
          const d = h & 7;
          const res = Math.imul(r[d], r[(h >>> 3) & 7]);
          r[d] = res;
          this.setNZ(res);
          break;
        }
        case 28 /* ADD_HI */: {
          const d = (h & 7) | ((h >>> 4) & 8);
          const res = (this.regOrPc(d) + this.regOrPc((h >>> 3) & 15)) | 0;
          if (d === 15) {
            this.pc = res & ~1;
            clock.cycles++;
          } else r[d] = d === 13 ? res & ~3 : res;
          break;
        }
        case 29 /* CMP_HI */:
          this.addWithCarry(this.regOrPc((h & 7) | ((h >>> 4) & 8)), ~this.regOrPc((h >>> 3) & 15), 1);
          break;
        case 30 /* MOV_HI */: {
          const d = (h & 7) | ((h >>> 4) & 8);
          const v = this.regOrPc((h >>> 3) & 15);
          if (d === 15) {
            this.pc = v & ~1;
            clock.cycles++;
          } else r[d] = d === 13 ? v & ~3 : v;
          break;
        }
        case 31 /* BX */:
          clock.cycles++;
          this.bxWritePc(this.regOrPc((h >>> 3) & 15));
          break;
        case 32 /* BLX */: {
          const target = r[(h >>> 3) & 15];
          r[14] = (pc + 2) | 1;
          clock.cycles++;
          this.bxWritePc(target);
          break;
        }
        case 33 /* LDR_LIT */:
          clock.cycles++;
          r[(h >>> 8) & 7] = this.read32(((pc + 4) & ~3) + ((h & 0xff) << 2));
          break;
        case 34 /* STR_REG */:
          clock.cycles++;
          this.write32(r[(h >>> 3) & 7] + r[(h >>> 6) & 7], r[h & 7]);
          break;
        case 35 /* STRH_REG */:
          clock.cycles++;
          this.write16(r[(h >>> 3) & 7] + r[(h >>> 6) & 7], r[h & 7] & 0xffff);
          break;
        case 36 /* STRB_REG */:
          clock.cycles++;
          this.write8(r[(h >>> 3) & 7] + r[(h >>> 6) & 7], r[h & 7] & 0xff);
          break;
        case 37 /* LDRSB_REG */:
          clock.cycles++;
          r[h & 7] = (this.read8(r[(h >>> 3) & 7] + r[(h >>> 6) & 7]) << 24) >> 24;
          break;
        case 38 /* LDR_REG */:
          clock.cycles++;
          r[h & 7] = this.read32(r[(h >>> 3) & 7] + r[(h >>> 6) & 7]);
          break;
        case 39 /* LDRH_REG */:
          clock.cycles++;
          r[h & 7] = this.read16(r[(h >>> 3) & 7] + r[(h >>> 6) & 7]);
          break;
        case 40 /* LDRB_REG */:
          clock.cycles++;
          r[h & 7] = this.read8(r[(h >>> 3) & 7] + r[(h >>> 6) & 7]);
          break;
        case 41 /* LDRSH_REG */:
          clock.cycles++;
          r[h & 7] = (this.read16(r[(h >>> 3) & 7] + r[(h >>> 6) & 7]) << 16) >> 16;
          break;
        case 42 /* STR_IMM */:
          clock.cycles++;
          this.write32(r[(h >>> 3) & 7] + ((h >>> 4) & 0x7c), r[h & 7]);
          break;
        case 43 /* LDR_IMM */:
          clock.cycles++;
          r[h & 7] = this.read32(r[(h >>> 3) & 7] + ((h >>> 4) & 0x7c));
          break;
        case 44 /* STRB_IMM */:
          clock.cycles++;
          this.write8(r[(h >>> 3) & 7] + ((h >>> 6) & 0x1f), r[h & 7] & 0xff);
          break;
        case 45 /* LDRB_IMM */:
          clock.cycles++;
          r[h & 7] = this.read8(r[(h >>> 3) & 7] + ((h >>> 6) & 0x1f));
          break;
        case 46 /* STRH_IMM */:
          clock.cycles++;
          this.write16(r[(h >>> 3) & 7] + ((h >>> 5) & 0x3e), r[h & 7] & 0xffff);
          break;
        case 47 /* LDRH_IMM */:
          clock.cycles++;
          r[h & 7] = this.read16(r[(h >>> 3) & 7] + ((h >>> 5) & 0x3e));
          break;
        case 48 /* STR_SP */:
          clock.cycles++;
          this.write32(r[13] + ((h & 0xff) << 2), r[(h >>> 8) & 7]);
          break;
        case 49 /* LDR_SP */:
          clock.cycles++;
          r[(h >>> 8) & 7] = this.read32(r[13] + ((h & 0xff) << 2));
          break;
        case 50 /* ADR */:
          r[(h >>> 8) & 7] = ((pc + 4) & ~3) + ((h & 0xff) << 2);
          break;
        case 51 /* ADD_SP_REG_IMM */:
          r[(h >>> 8) & 7] = r[13] + ((h & 0xff) << 2);
          break;
        case 52 /* ADD_SP_IMM */:
          r[13] = r[13] + ((h & 0x7f) << 2);
          break;
        case 53 /* SUB_SP_IMM */:
          r[13] = r[13] - ((h & 0x7f) << 2);
          break;
        case 54 /* SXTH */:
          r[h & 7] = (r[(h >>> 3) & 7] << 16) >> 16;
          break;
        case 55 /* SXTB */:
          r[h & 7] = (r[(h >>> 3) & 7] << 24) >> 24;
          break;
        case 56 /* UXTH */:
          r[h & 7] = r[(h >>> 3) & 7] & 0xffff;
          break;
        case 57 /* UXTB */:
          r[h & 7] = r[(h >>> 3) & 7] & 0xff;
          break;
        case 58 /* REV */: {
          const v = r[(h >>> 3) & 7];
          r[h & 7] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
          break;
        }
        case 59 /* REV16 */: {
          const v = r[(h >>> 3) & 7];
          r[h & 7] = ((v & 0x00ff00ff) << 8) | ((v >>> 8) & 0x00ff00ff);
          break;
        }
        case 60 /* REVSH */: {
          const v = r[(h >>> 3) & 7];
          r[h & 7] = (((v & 0xff) << 24) >> 16) | ((v >>> 8) & 0xff);
          break;
        }
        case 61 /* PUSH */:
          this.push(h);
          break;
        case 62 /* POP */:
          this.pop(h);
          break;
        case 70 /* STM */:
          this.stm(h);
          break;
        case 71 /* LDM */:
          this.ldm(h);
          break;
        case 72 /* B_COND */:
          if (this.conditionPassed((h >>> 8) & 0xf)) {
            this.pc = pc + 4 + (((h & 0xff) << 24) >> 23);
            clock.cycles++;
          }
          break;
        case 75 /* B */: {
          const target = pc + 4 + (((h & 0x7ff) << 21) >> 20);
          if (target === pc) this.exceptions.spinAt(pc);
          this.pc = target;
          clock.cycles++;
          break;
        }
        case 76 /* T32 */:
          this.thumb32(h, pc);
          break;
        case 63 /* CPS */:
          this.primask = (h >>> 4) & 1;
          if (this.primask === 0) this.exceptions.requestCheck();
          break;
        case 65 /* NOP */:
        case 66 /* YIELD */:
          break;
        case 69 /* SEV */:
          this.eventRegister = 1;
          break;
        case 68 /* WFI */:
          clock.cycles++;
          this.exceptions.waitForInterrupt();
          break;
        case 67 /* WFE */:
          clock.cycles++;
          this.exceptions.waitForEvent();
          break;
        case 74 /* SVC */:
          this.exceptions.supervisorCall(pc + 2);
          break;
        case 64 /* BKPT */:
          this.breakpoint(h & 0xff, pc);
          break;
        default: // UDF, UNDEFINED, T32_UNDEFINED
          this.fault(FaultKind.Undefined, pc);
      }
    }
  }

  private breakpoint(imm: number, pc: number): void {
    if (imm === 0xab && this.options.semihosting) {
      this.r[0] = this.options.semihosting(this, this.r[0] >>> 0, this.r[1] >>> 0);
      return;
    }
    // Without a debugger attached, BKPT escalates to HardFault (ARMv6-M C1.4).
    this.pc = pc;
    this.fault(FaultKind.Breakpoint, pc);
  }

  private push(h: number): void {
    const list = (h & 0xff) | ((h & 0x100) << 6); // bit 8 (M) selects LR (bit 14)
    const n = bitCount(list);
    const r = this.r;
    let a = r[13] - 4 * n;
    const base = a;
    for (let i = 0; i < 15; i++) {
      if (list & (1 << i)) {
        this.write32(a, r[i]);
        a += 4;
      }
    }
    r[13] = base;
    this.clock.cycles += n;
  }

  private pop(h: number): void {
    const list = (h & 0xff) | ((h & 0x100) << 7); // bit 8 (P) selects PC (bit 15)
    const r = this.r;
    const tmp = this.ldmTemp;
    let a = r[13];
    let k = 0;
    for (let i = 0; i < 16; i++) if (list & (1 << i)) {
      tmp[k++] = this.read32(a);
      a += 4;
    }
    k = 0;
    for (let i = 0; i < 8; i++) if (list & (1 << i)) r[i] = tmp[k++];
    r[13] = a;
    this.clock.cycles += k;
    if (list & 0x8000) {
      this.clock.cycles += 3; // POP {..., pc}: 3 + N (TRM table 3-1)
      this.bxWritePc(tmp[k]);
    }
  }

  private stm(h: number): void {
    const n = (h >>> 8) & 7;
    const list = h & 0xff;
    const r = this.r;
    let a = r[n];
    for (let i = 0; i < 8; i++) if (list & (1 << i)) {
      this.write32(a, r[i]);
      a += 4;
    }
    r[n] = a;
    this.clock.cycles += bitCount(list);
  }

  private ldm(h: number): void {
    const n = (h >>> 8) & 7;
    const list = h & 0xff;
    const r = this.r;
    const tmp = this.ldmTemp;
    let a = r[n];
    let k = 0;
    for (let i = 0; i < 8; i++) if (list & (1 << i)) {
      tmp[k++] = this.read32(a);
      a += 4;
    }
    if ((list & (1 << n)) === 0) r[n] = a; // writeback only when the base is not loaded
    k = 0;
    for (let i = 0; i < 8; i++) if (list & (1 << i)) r[i] = tmp[k++];
    this.clock.cycles += k;
  }

  /** 32-bit encodings: BL, MSR, MRS, DMB/DSB/ISB, UDF.W (ARMv6-M A5.3). */
  private thumb32(h: number, pc: number): void {
    const h2 = this.fetch16(pc + 2);
    this.pc = pc + 4;
    if ((h2 & 0xd000) === 0xd000) {
      // BL: S:I1:I2:imm10:imm11:'0', I1 = NOT(J1 EOR S), I2 = NOT(J2 EOR S)
      const s = (h >>> 10) & 1;
      const i1 = ~((h2 >>> 13) ^ s) & 1;
      const i2 = ~((h2 >>> 11) ^ s) & 1;
      const imm = (((s << 24) | (i1 << 23) | (i2 << 22) | ((h & 0x3ff) << 12) | ((h2 & 0x7ff) << 1)) << 7) >> 7;
      this.r[14] = (pc + 4) | 1;
      this.pc = pc + 4 + imm;
      this.clock.cycles += 2;
      return;
    }
    if ((h2 & 0xd000) === 0x8000) {
      if ((h & 0xfff0) === 0xf380 && (h2 & 0xff00) === 0x8800) {
        this.msr(h2 & 0xff, this.r[h & 0xf]);
        this.clock.cycles += 2;
        return;
      }
      if (h === 0xf3ef && (h2 & 0xf000) === 0x8000) {
        this.r[(h2 >>> 8) & 0xf] = this.mrs(h2 & 0xff);
        this.clock.cycles += 2;
        return;
      }
      if (h === 0xf3bf && (h2 & 0xff00) === 0x8f00) {
        const opt = (h2 >>> 4) & 0xf;
        if (opt === 4 || opt === 5 || opt === 6) {
          this.clock.cycles += 2; // DSB / DMB / ISB: 3 cycles
          return;
        }
      }
    }
    this.pc = pc;
    this.fault(FaultKind.Undefined, pc);
  }
}

export function bitCount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export { Exc, FaultKind };
