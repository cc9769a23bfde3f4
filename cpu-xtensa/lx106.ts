/**
 * The Xtensa LX106 core (ESP8266): CALL0 ABI, code density, MUL16/MULL, NSA, XEA2 exceptions
 * and interrupts, CCOUNT/CCOMPARE0, debug (BREAK, IBREAK, ICOUNT, DBREAK), RER/WER. See README.md.
 *
 * Design (same as the Cortex-M0+ core):
 * - Decode once per address. A direct-mapped cache of 2^18 entries indexed by the low PC bits
 *   holds, per entry, a tag (the high PC bits), an op id, packed operands and an immediate or
 *   resolved target address (decode.ts). An entry is
 *   invalidated when the bytes under it change: stores through the core's fast path check a
 *   per-4-KiB "holds decoded code" map, and every other write reaches `Memory.onWrite`.
 * - One `switch` over the op id in a loop that runs while `cycles < deadline`; PC, the cycle
 *   count and the deadline live in locals, written back before anything outside the loop can
 *   look at them (bus accesses to peripherals, special registers, exceptions).
 * - Main memories are accessed directly through their typed arrays, found by a 4-KiB page map.
 *   Everything else goes through the Bus; `bus.error` becomes an exception.
 * - Interrupts are not polled per instruction: anything that can make one deliverable
 *   (an interrupt line, CCOMPARE0's event, WSR/XSR/RSIL/RFE/RFI/WAITI) calls
 *   `checkInterrupts`, and lines changed from outside the loop break it via requestBreak().
 *
 * Exceptions follow XEA2 (ISA RM 4.4.1) as QEMU implements them for lx106: with PS.EXCM = 0 a
 * general exception saves EPC1, sets EXCCAUSE and PS.EXCM and enters the user (PS.UM = 1) or
 * kernel vector; with PS.EXCM = 1 it saves DEPC and enters the double-exception vector.
 * Level-1 interrupts are general exceptions with EXCCAUSE 4; NMI (line 14) is taken at level 3
 * whatever INTENABLE, PS.INTLEVEL and PS.EXCM say; BREAK/IBREAK/ICOUNT/DBREAK are debug
 * exceptions at level 2.
 *
 * Bus errors: an access that hits no device raises the PIF address error causes that QEMU's
 * sim machine raises (14 for fetches, 15 for loads/stores); an access a mapped device refuses
 * (read-only memory, a peripheral's signalError) raises InstructionFetchError (2) or
 * LoadStoreError (3), as the ESP8266's IRAM does for byte accesses.
 *
 * Cycle model (approximate LX106 5-stage pipeline; also in README.md):
 *   1 cycle: ALU, shifts, MUL16, loads (no load-use stall modelled), stores, untaken branches,
 *            MEMW/xSYNC/NOP, RSR/WSR/XSR
 *   2 cycles: MULL
 *   3 cycles: taken branches, J, JX, CALL0, CALLX0, RET(.N) (2-cycle refill bubble)
 *   3 cycles: RFE/RFDE/RFI; +3 cycles to enter an exception or interrupt vector
 * CCOUNT is scheduler.cycles plus an offset (WSR CCOUNT changes the offset): the scheduler's
 * clock is the core clock.
 */
import type { Bus, Memory } from '../emulator/kernel/bus.js';
import type { CoreState, CpuCore, HaltInfo } from '../emulator/kernel/core.js';
import { SimEvent, Scheduler } from '../emulator/kernel/scheduler.js';
import {
  B4CONST,
  B4CONSTU,
  CONFIGID0,
  CONFIGID1,
  DEBUGCAUSE_BI,
  DBREAKC_LB,
  DBREAKC_MASK,
  DBREAKC_SB,
  DEBUGCAUSE_BN,
  DEBUGCAUSE_DB,
  DEBUGCAUSE_DBNUM_SHIFT,
  DEBUGCAUSE_IB,
  DEBUGCAUSE_IC,
  DEBUG_LEVEL,
  EXCCAUSE,
  EXCCAUSE_NAMES,
  EXCM_LEVEL,
  INTLEVEL1_MASK,
  INTTYPE_MASK_EDGE,
  INTTYPE_MASK_LEVEL,
  INTTYPE_MASK_NMI,
  INTTYPE_MASK_SOFTWARE,
  INTTYPE_MASK_TIMER,
  INT_NMI,
  INT_TIMER0,
  NMI_LEVEL,
  NUM_INTERRUPTS,
  PS_EXCM,
  PS_INTLEVEL,
  PS_RESET,
  PS_UM,
  PS_WRITE_MASK,
  RESET_VECTOR_DEFAULT,
  SR,
  SR_NAMES,
  VECBASE_RESET,
  VEC_DEBUG,
  VEC_DOUBLE,
  VEC_KERNEL,
  VEC_NMI,
  VEC_USER,
} from './constants.js';
import { OP, decode, instructionLength } from './decode.js';
import { BLOCK_BAIL, BLOCK_DONE, Lx106Translator, SLOT_MASK, type Lx106Entry } from './translator.js';

export type Lx106Mode = 'interp' | 'jit';

/**
 * Defaults for LX106 cores constructed from now on, when their options do not say (the CLI's
 * `--cpu` and the tests that run every program in both modes set them).
 */
export const lx106Defaults: { mode: Lx106Mode; jitThreshold: number } = { mode: 'interp', jitThreshold: 1000 };

export interface Lx106FastMemory {
  base: number;
  memory: Memory;
}

export interface Lx106Options {
  /** PC after reset (QEMU's lx106 default 0x50000000; the ESP8266 ROM's is 0x40000080). */
  resetVector?: number;
  /** VECBASE after reset (0x40000000). */
  vecbase?: number;
  /** PRID value (0, as QEMU). */
  prid?: number;
  /**
   * SIMCALL handler (semihosting). Receives the core; reads a2..a5 and sets a2/a3.
   * Without a handler SIMCALL raises IllegalInstruction (QEMU without -semihosting).
   */
  simcall?: (core: Lx106) => void;
  /** Main memories accessed without the bus (must be 4 KiB aligned). */
  fastMemories?: Lx106FastMemory[];
  /** Called when the core stops for good (unrecoverable exception). */
  onHalt?: (info: HaltInfo) => void;
  /** External registers for RER/WER (none by default: RER reads 0, WER is ignored). */
  externalRegisters?: { read(address: number): number; write(address: number, value: number): void };
  /** 'jit': hot blocks are compiled to JavaScript (translator.ts); default `lx106Defaults.mode`. */
  mode?: Lx106Mode;
  /** Dispatches of a block entry before it is compiled (default `lx106Defaults.jitThreshold`). */
  jitThreshold?: number;
  /** Told once when the translator cannot be used (`new Function` refused by a CSP). */
  onMessage?: (text: string) => void;
}

const CACHE_BITS = 18;
const CACHE_SIZE = 1 << CACHE_BITS;
const CACHE_MASK = CACHE_SIZE - 1;
/** A cache slot holds the high PC bits (pc >> CACHE_BITS, within ±2^13); this never matches. */
const TAG_INVALID = 0x7fffffff;
const PAGE_SHIFT = 12;
const TWO32 = 0x1_0000_0000;
/** Longest stretch execute() runs before returning to the machine loop (keeps counters small integers). */
const LIMIT_MAX = 1 << 30;

/* Case labels in execute() are the numeric OP ids (decode.ts) so V8 builds a jump table. */

const B4C = Int32Array.from(B4CONST);
const B4CU = Int32Array.from(B4CONSTU);

export class Lx106 implements CpuCore {
  /** Address registers a0..a15. */
  readonly a = new Int32Array(16);
  /** PC of the next instruction (valid outside execute()). */
  pc = 0;
  state: CoreState = 'running';
  instructions = 0;

  // Special registers
  sar = 0;
  litbase = 0;
  ps = PS_RESET;
  vecbase = VECBASE_RESET;
  /** EPC1..EPC3 at indexes 1..3; EPS2..EPS3 at 2..3; EXCSAVE1..3 at 1..3. */
  readonly epc = new Int32Array(4);
  readonly eps = new Int32Array(4);
  readonly excsave = new Int32Array(4);
  exccause = 0;
  excvaddr = 0;
  depc = 0;
  /** INTERRUPT (pending lines, INTSET on write). */
  interrupt = 0;
  intenable = 0;
  ccompare0 = 0;
  icount = 0;
  icountlevel = 0;
  ibreaka0 = 0;
  ibreakenable = 0;
  dbreaka0 = 0;
  dbreakc0 = 0;
  debugcause = 0;
  ddr = 0;
  prid: number;
  /** CCOUNT = (scheduler.cycles + ccountOffset) mod 2^32. */
  private ccountOffset = 0;
  /** Input levels of the external lines (for edge detection). */
  private lineLevels = 0;

  /** Set when the core halted itself; also passed to options.onHalt. */
  fault: HaltInfo | null = null;

  // Decode cache: slot = pc & CACHE_MASK, tag = pc >> CACHE_BITS
  private readonly tag = new Int32Array(CACHE_SIZE);
  private readonly dOp = new Uint8Array(CACHE_SIZE);
  private readonly dArg = new Int32Array(CACHE_SIZE);
  private readonly dImm = new Int32Array(CACHE_SIZE);
  /** Per 4 KiB page: 1 when some decoded instruction starts in it. */
  /** @internal (read by the translator) */
  readonly codePage = new Uint8Array(1 << (32 - PAGE_SHIFT));
  private readonly decodeOut = new Int32Array(2);

  // Fast memories: page -> index (0 = none). pageR/pageW serve the interpreter's loads and
  // stores; the page a data breakpoint watches is taken out of them (so its accesses reach the
  // slow path, which checks DBREAK) while pageAllR/pageAllW keep every page (fetches, slow path).
  /** @internal (read by the translator) */
  readonly pageR = new Uint8Array(1 << (32 - PAGE_SHIFT));
  /** @internal (read by the translator) */
  readonly pageW = new Uint8Array(1 << (32 - PAGE_SHIFT));
  private readonly pageAllR = new Uint8Array(1 << (32 - PAGE_SHIFT));
  private readonly pageAllW = new Uint8Array(1 << (32 - PAGE_SHIFT));
  private readonly mem: (Memory | null)[] = [null];
  /** @internal (read by the translator) */
  readonly memBase: number[] = [0];
  /** @internal (read by the translator) */
  readonly memU8: Uint8Array[] = [new Uint8Array(0)];
  /** @internal (read by the translator) */
  readonly memU16: Uint16Array[] = [new Uint16Array(0)];
  /** @internal (read by the translator) */
  readonly memU32: Uint32Array[] = [new Uint32Array(0)];

  private readonly timerEvent: SimEvent;
  /** Set by slow-path memory helpers when they raised an exception (the new PC is in `excPc`). */
  private excTaken = false;
  private excPc = 0;

  constructor(
    readonly bus: Bus,
    readonly scheduler: Scheduler,
    readonly options: Lx106Options = {},
  ) {
    this.prid = options.prid ?? 0;
    // CCOUNT counts CPU cycles: a CPU clock change (CPU2X) does not move CCOMPARE0's cycle.
    this.timerEvent = new SimEvent('lx106.ccompare0', () => this.timerFired(), true);
    this.translator = new Lx106Translator(this, Math.max(1, options.jitThreshold ?? lx106Defaults.jitThreshold));
    for (const f of options.fastMemories ?? []) this.addFastMemory(f);
    this.reset();
    this.setMode(options.mode ?? lx106Defaults.mode);
  }

  /** The block translator (`--cpu jit`); its blocks are dropped with the decoded code. */
  readonly translator: Lx106Translator;
  private jit = false;

  get mode(): Lx106Mode {
    return this.jit ? 'jit' : 'interp';
  }

  /** Switches between the interpreter and the translator (between two execute() calls). */
  setMode(mode: Lx106Mode, jitThreshold?: number): void {
    if (jitThreshold !== undefined) this.translator.threshold = Math.max(1, jitThreshold);
    this.jit = mode === 'jit' && !this.translator.unavailable;
  }

  private addFastMemory(f: Lx106FastMemory): void {
    const base = f.base >>> 0;
    const size = f.memory.size;
    if (base % (1 << PAGE_SHIFT) !== 0 || size % (1 << PAGE_SHIFT) !== 0) {
      throw new Error(`Lx106: fast memory at 0x${base.toString(16)} is not 4 KiB aligned`);
    }
    const index = this.memBase.length;
    if (index > 255) throw new Error('Lx106: too many fast memories');
    this.memBase.push(base);
    this.mem.push(f.memory);
    this.memU8.push(f.memory.u8);
    this.memU16.push(f.memory.u16);
    this.memU32.push(f.memory.u32);
    for (let p = base >>> PAGE_SHIFT; p < (base + size) / (1 << PAGE_SHIFT); p++) {
      this.pageR[p] = this.pageAllR[p] = index;
      if (!f.memory.readOnly) this.pageW[p] = this.pageAllW[p] = index;
    }
    const previous = f.memory.onWrite;
    f.memory.onWrite = (offset, sz) => {
      if (previous) previous(offset, sz);
      this.invalidate(base + offset, sz);
    };
  }

  // ------------------------------------------------------------------ reset and state

  reset(): void {
    this.a.fill(0);
    this.pc = (this.options.resetVector ?? RESET_VECTOR_DEFAULT) | 0;
    this.sar = 0;
    this.litbase = 0;
    this.ps = PS_RESET;
    this.vecbase = (this.options.vecbase ?? VECBASE_RESET) | 0;
    this.epc.fill(0);
    this.eps.fill(0);
    this.excsave.fill(0);
    this.exccause = this.excvaddr = this.depc = 0;
    this.interrupt = this.intenable = 0;
    this.lineLevels = 0;
    this.ccompare0 = 0;
    this.icount = this.icountlevel = 0;
    this.ibreaka0 = this.ibreakenable = 0;
    this.dbreaka0 = this.dbreakc0 = 0;
    this.updateDbreak();
    this.debugcause = this.ddr = 0;
    this.ccountOffset = -this.scheduler.cycles;
    this.state = 'running';
    this.fault = null;
    this.flushDecodeCache();
    this.scheduleTimer();
  }

  /** Forgets every decoded instruction. */
  flushDecodeCache(): void {
    this.tag.fill(TAG_INVALID);
    this.codePage.fill(0);
    this.translator.flush();
  }

  /** Drops decoded instructions overlapping [address, address + size). */
  invalidate(address: number, size: number): void {
    this.translator.invalidate(address, size);
    const tag = this.tag;
    for (let x = address - 2; x < address + size; x++) {
      const pc = x | 0;
      const i = pc & CACHE_MASK;
      if (tag[i] === pc >> CACHE_BITS) tag[i] = TAG_INVALID;
    }
  }

  get ccount(): number {
    return (this.scheduler.cycles + this.ccountOffset) >>> 0;
  }

  /** Current interrupt level: max(PS.INTLEVEL, EXCM_LEVEL if PS.EXCM). */
  get cintlevel(): number {
    const level = this.ps & PS_INTLEVEL;
    return (this.ps & PS_EXCM) !== 0 && level < EXCM_LEVEL ? EXCM_LEVEL : level;
  }

  // ------------------------------------------------------------------ interrupts

  /**
   * Drives external interrupt line `line` (0..14). Lines 0-5 are level-sensitive (INTERRUPT
   * follows the level); 8-13 and 14 (NMI) latch on a rising edge and are cleared by INTCLEAR
   * (NMI: when taken). Lines 6 (timer) and 7 (software) are internal and ignore this.
   */
  setInterrupt(line: number, level: boolean): void {
    if (line < 0 || line >= NUM_INTERRUPTS) return;
    const bit = 1 << line;
    const was = (this.lineLevels & bit) !== 0;
    if (level) this.lineLevels |= bit;
    else this.lineLevels &= ~bit;
    if (bit & INTTYPE_MASK_LEVEL) {
      if (level) this.interrupt |= bit;
      else this.interrupt &= ~bit;
    } else if (bit & (INTTYPE_MASK_EDGE | INTTYPE_MASK_NMI)) {
      if (level && !was) this.interrupt |= bit;
    } else {
      return;
    }
    this.interruptsChanged();
  }

  /** Level of the highest deliverable interrupt, or 0. */
  pendingInterruptLevel(): number {
    const active = this.interrupt & (this.intenable | INTTYPE_MASK_NMI);
    if (active === 0) return 0;
    let min = this.cintlevel;
    if (min >= NMI_LEVEL) min = NMI_LEVEL - 1;
    if ((active & INTTYPE_MASK_NMI) !== 0 && NMI_LEVEL > min) return NMI_LEVEL;
    if ((active & INTLEVEL1_MASK) !== 0 && min < 1) return 1;
    return 0;
  }

  private interruptsChanged(): void {
    if (this.pendingInterruptLevel() !== 0) {
      if (this.state === 'sleeping') this.state = 'running';
      this.scheduler.requestBreak();
    }
  }

  /** Takes the highest deliverable interrupt, if any, at `pc`; returns the PC to continue at. */
  private checkInterrupts(pc: number): number {
    const level = this.pendingInterruptLevel();
    if (level === 0) return pc;
    // An interrupt taken after an instruction does not undo its retirement (ICOUNT).
    const raised = this.raised;
    let vector: number;
    if (level === 1) {
      vector = this.exception(EXCCAUSE.Level1Interrupt, pc);
    } else {
      // Level 3: NMI, an edge the core clears when it takes it.
      this.interrupt &= ~INTTYPE_MASK_NMI;
      vector = this.enterHighPriority(NMI_LEVEL, VEC_NMI, pc);
    }
    this.raised = raised;
    return vector;
  }

  private scheduleTimer(): void {
    let delta = (this.ccompare0 - this.ccount) >>> 0;
    if (delta === 0) delta = TWO32;
    this.scheduler.scheduleAt(this.timerEvent, this.scheduler.cycles + delta);
  }

  private timerFired(): void {
    this.interrupt |= INTTYPE_MASK_TIMER;
    this.scheduler.scheduleAt(this.timerEvent, this.timerEvent.cycle + TWO32);
    this.interruptsChanged();
  }

  // ------------------------------------------------------------------ exceptions

  /**
   * Raises general exception `cause` for the instruction at `pc` (XEA2); returns the vector.
   * `vaddr` >= 0... is stored in EXCVADDR when given (loads/stores, fetches).
   */
  exception(cause: number, pc: number, vaddr?: number): number {
    if (vaddr !== undefined) this.excvaddr = vaddr | 0;
    let vector: number;
    if ((this.ps & PS_EXCM) !== 0) {
      this.depc = pc;
      vector = VEC_DOUBLE;
    } else {
      this.epc[1] = pc;
      vector = (this.ps & PS_UM) !== 0 ? VEC_USER : VEC_KERNEL;
    }
    this.exccause = cause;
    this.ps |= PS_EXCM;
    this.scheduler.cycles += 3;
    this.raised = true;
    return this.enterVector((this.vecbase + vector) | 0, pc, cause);
  }

  /** Debug exception (level 2): BREAK, BREAK.N, IBREAK, ICOUNT, DBREAK. Ignored at CINTLEVEL >= 2, as QEMU. */
  private debugException(cause: number, pc: number, next: number): number {
    if (this.cintlevel >= DEBUG_LEVEL) return next;
    this.debugcause = cause;
    return this.enterHighPriority(DEBUG_LEVEL, VEC_DEBUG, pc);
  }

  /**
   * Takes a high-priority interrupt or exception at `level` (debug: 2, NMI: 3) for the
   * instruction at `pc` (XEA2): EPC[level] = pc, EPS[level] = PS, then PS.INTLEVEL = level with
   * PS.EXCM set; returns the vector at VECBASE + `vectorOffset`.
   */
  private enterHighPriority(level: number, vectorOffset: number, pc: number): number {
    this.epc[level] = pc;
    this.eps[level] = this.ps;
    this.ps = (this.ps & ~PS_INTLEVEL) | PS_EXCM | level;
    this.scheduler.cycles += 3;
    this.raised = true;
    return this.enterVector((this.vecbase + vectorOffset) | 0, pc, -1);
  }

  /**
   * Checks that `vector` can run. A vector in unmapped memory, or an exception raised by the
   * first instruction of the very vector it would re-enter (an endless exception loop: e.g. an
   * empty vector full of zeros = ILL), halts the core with a fault report.
   */
  private enterVector(vector: number, pc: number, cause: number): number {
    if (pc === vector && cause >= 0) {
      this.pc = pc;
      this.halt(`exception loop: ${this.causeName(cause)} in the exception vector at ${hex(vector)} itself`);
      return vector;
    }
    const v = vector >>> 0;
    if (this.pageAllR[v >>> PAGE_SHIFT] === 0 && this.bus.lookup(v) === null) {
      this.pc = pc;
      this.halt(`${cause >= 0 ? this.causeName(cause) : 'interrupt'} at ${hex(pc)}: vector ${hex(vector)} is in unmapped memory`);
      return vector;
    }
    return vector;
  }

  private causeName(cause: number): string {
    return `${EXCCAUSE_NAMES[cause] ?? 'cause'} (EXCCAUSE ${cause})`;
  }

  private halt(message: string): void {
    if (this.state === 'halted') return;
    this.state = 'halted';
    const info: HaltInfo = { reason: 'fault', exitCode: 1, message: `${message}\n${this.describeState()}` };
    this.fault = info;
    this.scheduler.requestBreak();
    this.options.onHalt?.(info);
  }

  // ------------------------------------------------------------------ special registers

  readSpecial(sr: number): number {
    switch (sr) {
      case SR.SAR: return this.sar;
      case SR.LITBASE: return this.litbase;
      case SR.IBREAKENABLE: return this.ibreakenable;
      case SR.DDR: return this.ddr;
      case SR.IBREAKA0: return this.ibreaka0;
      case SR.DBREAKA0: return this.dbreaka0;
      case SR.DBREAKC0: return this.dbreakc0;
      case SR.CONFIGID0: return CONFIGID0 | 0;
      case SR.CONFIGID1: return CONFIGID1 | 0;
      case SR.EPC1: return this.epc[1];
      case SR.EPC2: return this.epc[2];
      case SR.EPC3: return this.epc[3];
      case SR.DEPC: return this.depc;
      case SR.EPS2: return this.eps[2];
      case SR.EPS3: return this.eps[3];
      case SR.EXCSAVE1: return this.excsave[1];
      case SR.EXCSAVE2: return this.excsave[2];
      case SR.EXCSAVE3: return this.excsave[3];
      case SR.INTERRUPT: return this.interrupt;
      case SR.INTENABLE: return this.intenable;
      case SR.PS: return this.ps;
      case SR.VECBASE: return this.vecbase;
      case SR.EXCCAUSE: return this.exccause;
      case SR.DEBUGCAUSE: return this.debugcause;
      case SR.CCOUNT: return this.ccount | 0;
      case SR.PRID: return this.prid;
      case SR.ICOUNT: return this.icount;
      case SR.ICOUNTLEVEL: return this.icountlevel;
      case SR.EXCVADDR: return this.excvaddr;
      case SR.CCOMPARE0: return this.ccompare0;
      default: return 0;
    }
  }

  /** Writes a special register (WSR semantics, masks as on QEMU's lx106). */
  writeSpecial(sr: number, value: number): void {
    value |= 0;
    switch (sr) {
      case SR.SAR: this.sar = value & 0x3f; break;
      case SR.LITBASE:
        value &= 0xfffff001;
        if (value !== this.litbase) {
          this.litbase = value;
          this.flushDecodeCache(); // L32R addresses are resolved at decode time
        }
        break;
      case SR.IBREAKENABLE:
        this.ibreakenable = value & 1;
        this.invalidate(this.ibreaka0, 1);
        break;
      case SR.DDR: this.ddr = value; break;
      case SR.IBREAKA0:
        this.invalidate(this.ibreaka0, 1);
        this.ibreaka0 = value;
        this.invalidate(value, 1);
        break;
      case SR.DBREAKA0:
        this.dbreaka0 = value;
        this.updateDbreak();
        break;
      case SR.DBREAKC0:
        this.dbreakc0 = value;
        this.updateDbreak();
        break;
      case SR.EPC1: this.epc[1] = value; break;
      case SR.EPC2: this.epc[2] = value; break;
      case SR.EPC3: this.epc[3] = value; break;
      case SR.DEPC: this.depc = value; break;
      case SR.EPS2: this.eps[2] = value; break;
      case SR.EPS3: this.eps[3] = value; break;
      case SR.EXCSAVE1: this.excsave[1] = value; break;
      case SR.EXCSAVE2: this.excsave[2] = value; break;
      case SR.EXCSAVE3: this.excsave[3] = value; break;
      case SR.INTERRUPT: // INTSET: only software interrupts
        this.interrupt |= value & INTTYPE_MASK_SOFTWARE;
        break;
      case SR.INTCLEAR:
        this.interrupt &= ~(value & (INTTYPE_MASK_SOFTWARE | INTTYPE_MASK_EDGE));
        break;
      case SR.INTENABLE: this.intenable = value; break;
      case SR.PS: this.ps = value & PS_WRITE_MASK; break;
      case SR.VECBASE: this.vecbase = value; break;
      case SR.EXCCAUSE: this.exccause = value; break;
      case SR.CCOUNT:
        this.ccountOffset = (value >>> 0) - this.scheduler.cycles;
        this.scheduleTimer();
        break;
      case SR.ICOUNT:
        this.icount = value;
        this.icountWritten = true;
        break;
      case SR.ICOUNTLEVEL:
        this.icountlevel = value & 0xf;
        this.scheduler.requestBreak(); // switch between the fast loop and ICOUNT stepping
        break;
      case SR.EXCVADDR: this.excvaddr = value; break;
      case SR.CCOMPARE0:
        this.ccompare0 = value;
        this.interrupt &= ~INTTYPE_MASK_TIMER;
        this.scheduleTimer();
        break;
      default: break;
    }
  }

  // ------------------------------------------------------------------ data breakpoint

  /** First byte and size of the region DBREAKA0/DBREAKC0 watch. */
  private dbreakRegion(): { start: number; size: number } {
    // DBREAKC.MASK selects the low address bits that are compared (Xtensa ISA; Linux writes
    // 0x3F & -length): 0x3F watches 1 byte, 0x3C 4 bytes, 0 64 bytes. The cleared bits must be
    // contiguous from bit 0; otherwise (undefined) we ignore every bit up to the highest cleared
    // one, as QEMU does.
    const ignore = ~this.dbreakc0 & DBREAKC_MASK;
    const size = ignore === 0 ? 1 : 2 ** (32 - Math.clz32(ignore));
    return { start: ((this.dbreaka0 >>> 0) & ~(size - 1)) >>> 0, size };
  }

  /**
   * Called when DBREAKA0/DBREAKC0 change: takes the watched page out of the interpreter's fast
   * load (DBREAKC.LB) and/or store (DBREAKC.SB) maps, so that only accesses to that 4 KiB page
   * pay for the check (in slowLoad/slowStore); the other pages stay on the fast path.
   */
  private updateDbreak(): void {
    const old = this.dbreakPage;
    if (old >= 0) {
      this.pageR[old] = this.pageAllR[old];
      this.pageW[old] = this.pageAllW[old];
      this.dbreakPage = -1;
    }
    const c = this.dbreakc0;
    if ((c & (DBREAKC_LB | DBREAKC_SB)) === 0) return;
    const page = this.dbreakRegion().start >>> PAGE_SHIFT; // a region (<= 64 bytes) lies in one page
    if ((c & DBREAKC_LB) !== 0) this.pageR[page] = 0;
    if ((c & DBREAKC_SB) !== 0) this.pageW[page] = 0;
    this.dbreakPage = page;
  }

  /**
   * DBREAK: a load (`store` false) or store of `size` bytes at `address` that touches the
   * watched region raises a debug exception (DEBUGCAUSE.DB, DBNUM 0) before the access, with
   * EPC2 = the instruction; at CINTLEVEL >= DEBUGLEVEL the access just happens. Returns true
   * when the exception was taken (excTaken/excPc set).
   */
  private dbreakHit(address: number, size: number, store: boolean, pc: number): boolean {
    if ((this.dbreakc0 & (store ? DBREAKC_SB : DBREAKC_LB)) === 0) return false;
    const r = this.dbreakRegion();
    if (address >= r.start + r.size || r.start >= address + size) return false;
    if (this.cintlevel >= DEBUG_LEVEL) return false;
    this.debugcause = DEBUGCAUSE_DB | (0 << DEBUGCAUSE_DBNUM_SHIFT);
    this.excPc = this.enterHighPriority(DEBUG_LEVEL, VEC_DEBUG, pc);
    this.excTaken = true;
    return true;
  }

  // ------------------------------------------------------------------ slow-path memory

  /**
   * Load the interpreter could not do itself: through the bus, or from a fast memory on the
   * page a data breakpoint watches. Order: alignment, DBREAK, then the access (bus errors).
   * Sets excTaken on an exception.
   */
  private slowLoad(address: number, size: 1 | 2 | 4, pc: number): number {
    address >>>= 0;
    if (this.misaligned(address, size, pc)) return 0;
    if (this.dbreakPage !== -1 && this.dbreakHit(address, size, false, pc)) return 0;
    const m = this.pageAllR[address >>> PAGE_SHIFT];
    if (m !== 0) return this.mem[m]!.read(address - this.memBase[m], size);
    const value = this.bus.read(address, size);
    return this.busFaulted(address, pc) ? 0 : value;
  }

  private slowStore(address: number, size: 1 | 2 | 4, value: number, pc: number): void {
    address >>>= 0;
    if (this.misaligned(address, size, pc)) return;
    if (this.dbreakPage !== -1 && this.dbreakHit(address, size, true, pc)) return;
    value = size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff);
    const m = this.pageAllW[address >>> PAGE_SHIFT];
    if (m !== 0) {
      this.mem[m]!.write(address - this.memBase[m], size, value); // onWrite invalidates decoded code
      return;
    }
    this.bus.write(address, size, value);
    this.busFaulted(address, pc);
  }

  /** LX106 has no unaligned access: a misaligned load/store raises LoadStoreAlignment. */
  private misaligned(address: number, size: 1 | 2 | 4, pc: number): boolean {
    if ((address & (size - 1)) === 0) return false;
    this.loadStoreFault(EXCCAUSE.LoadStoreAlignment, address, pc);
    return true;
  }

  /** After a bus access: a bus error raises LoadStorePIFAddrError where nothing is mapped,
   *  LoadStoreError where a device refused the access. */
  private busFaulted(address: number, pc: number): boolean {
    const bus = this.bus;
    if (!bus.error) return false;
    bus.error = false;
    this.loadStoreFault(bus.lookup(address) === null ? EXCCAUSE.LoadStorePIFAddrError : EXCCAUSE.LoadStoreError, address, pc);
    return true;
  }

  /** Takes a load/store exception (EXCVADDR = `address`); the interpreter resumes at excPc. */
  private loadStoreFault(cause: number, address: number, pc: number): void {
    this.excPc = this.exception(cause, pc, address);
    this.excTaken = true;
  }

  /** Reads one instruction byte; -1 when the fetch fails (sets excvaddr cause in fetchCause). */
  private fetchCause = 0;
  private fetchByte(address: number): number {
    address >>>= 0;
    const m = this.pageAllR[address >>> PAGE_SHIFT];
    if (m !== 0) return this.memU8[m][address - this.memBase[m]];
    const bus = this.bus;
    const v = bus.read(address, 1);
    if (bus.error) {
      bus.error = false;
      this.fetchCause = bus.lookup(address) === null ? EXCCAUSE.InstrPIFAddrError : EXCCAUSE.InstructionFetchError;
      return -1;
    }
    return v;
  }

  /** Decodes the instruction at `pc` into cache slot `idx`; returns false on a fetch fault. */
  private decodeAt(pc: number, idx: number): boolean {
    const b0 = this.fetchByte(pc);
    if (b0 < 0) {
      this.excvaddr = pc;
      return false;
    }
    const b1 = this.fetchByte(pc + 1);
    if (b1 < 0) {
      this.excvaddr = (pc + 1) | 0;
      return false;
    }
    let w = b0 | (b1 << 8);
    if (instructionLength(b0) === 3) {
      const b2 = this.fetchByte(pc + 2);
      if (b2 < 0) {
        this.excvaddr = (pc + 2) | 0;
        return false;
      }
      w |= b2 << 16;
    }
    const out = this.decodeOut;
    let op: number = decode(w, pc, this.litbase, out);
    if (this.ibreakenable !== 0 && pc === this.ibreaka0 && this.ibreakPass !== pc) op = OP.IBREAK;
    this.dOp[idx] = op;
    this.dArg[idx] = out[0];
    this.dImm[idx] = out[1];
    this.tag[idx] = pc >> CACHE_BITS;
    this.codePage[(pc >>> 0) >>> PAGE_SHIFT] = 1;
    this.codePage[((pc + 2) >>> 0) >>> PAGE_SHIFT] = 1;
    return true;
  }
  /**
   * For the translator: the decoded instruction at `pc` (op, operands, immediate, length) when
   * it lies in fast memory, through the decode cache; false otherwise (nothing is raised).
   */
  decodedAt(pc: number, out: Int32Array): boolean {
    const pageAllR = this.pageAllR;
    if (pageAllR[(pc >>> 0) >>> PAGE_SHIFT] === 0 || pageAllR[((pc + 2) >>> 0) >>> PAGE_SHIFT] === 0) return false;
    const idx = pc & CACHE_MASK;
    if (this.tag[idx] !== pc >> CACHE_BITS) this.decodeAt(pc, idx); // fast memory: cannot fail
    out[0] = this.dOp[idx];
    out[1] = this.dArg[idx];
    out[2] = this.dImm[idx];
    out[3] = instructionLength(this.fetchByte(pc));
    return true;
  }

  /** Set while the instruction at IBREAKA0 runs once with the breakpoint masked (CINTLEVEL >= 2). */
  private ibreakPass = -1;
  /** Page taken out of pageR/pageW for the data breakpoint, or -1 (DBREAK disabled). */
  private dbreakPage = -1;
  /** Set when an exception or interrupt vector is entered: the instruction did not retire. */
  private raised = false;
  /** Set by WSR/XSR ICOUNT: the written value replaces the increment (ICOUNT stepping). */
  private icountWritten = false;

  // ------------------------------------------------------------------ the interpreter

  execute(): void {
    if (this.state !== 'running') return;
    if (this.icountlevel === 0) {
      if (this.jit) this.runTranslated();
      else this.run(LIMIT_MAX);
      return;
    }
    // ICOUNT (debug option, ISA RM 4.7.7): while CINTLEVEL < ICOUNTLEVEL every instruction that
    // retires increments ICOUNT, and the one that would make it 0 raises a debug exception (IC)
    // instead of running. This runs one instruction per loop pass; it is only for debugging, so
    // speed is no concern. Details as QEMU (measured, tests/xtensa/debug.test.ts):
    // - a pending interrupt is taken before the IC check (the vector's first instruction is the
    //   one that counts or raises IC, with CINTLEVEL already raised);
    // - an instruction that raises an exception (SYSCALL, ILL, BREAK, IBREAK, DBREAK, a faulting
    //   load/store or fetch) does not retire and is not counted;
    // - WSR/XSR ICOUNT sets ICOUNT to the written value (no increment on top);
    // - IC masked (DEBUGLEVEL <= CINTLEVEL < ICOUNTLEVEL): ICOUNT stays at -1, the instruction runs.
    const s = this.scheduler;
    while (this.state === 'running' && s.cycles < s.deadline) {
      this.pc = this.checkInterrupts(this.pc | 0);
      if (this.state !== 'running') break;
      if (this.icountlevel > this.cintlevel) {
        const next = (this.icount + 1) | 0;
        if (next === 0 && this.cintlevel < DEBUG_LEVEL) {
          this.debugcause = DEBUGCAUSE_IC;
          this.pc = this.enterHighPriority(DEBUG_LEVEL, VEC_DEBUG, this.pc);
          continue;
        }
        this.raised = false;
        this.icountWritten = false;
        this.run(1);
        if (next !== 0 && !this.raised && !this.icountWritten) this.icount = next;
      } else {
        this.run(1);
      }
    }
  }

  /**
   * The run loop with the translator: compiled blocks where they are hot and fit before the
   * deadline, the interpreter for the rest (one cold block, or one instruction, at a time).
   * Interrupts are taken where the interpreter takes them: at its start (run() checks) and by
   * the instructions that can make one deliverable, which blocks leave to the interpreter.
   */
  private runTranslated(): void {
    const s = this.scheduler;
    const translator = this.translator;
    this.pc = this.checkInterrupts(this.pc | 0);
    while (this.state === 'running' && s.cycles < s.deadline && this.icountlevel === 0) {
      const pc = this.pc;
      let e: Lx106Entry | null = translator.slots[pc & SLOT_MASK];
      if (e === null || e.pc !== pc) e = translator.entry(pc);
      if (e.fn !== null) {
        const result = e.fn(this);
        if (result === BLOCK_DONE) continue;
        // Bail-out: the instruction the block left to the interpreter; no fit: up to the deadline.
        this.run(result === BLOCK_BAIL ? 1 : LIMIT_MAX);
        continue;
      }
      if (++e.hits >= translator.threshold) {
        translator.compile(e);
        if (translator.unavailable) return this.translatorUnavailable();
        if (e.fn !== null) continue;
      }
      this.run(translator.coldCycles(e));
    }
  }

  private translatorUnavailable(): void {
    this.jit = false;
    this.options.onMessage?.('lx106: the block translator is unavailable (new Function is refused); using the interpreter');
  }

  /** The interpreter loop: runs until the deadline, or `cap` cycles past the start. */
  private run(cap: number): void {
    const s = this.scheduler;
    let pc = this.checkInterrupts(this.pc | 0);
    if (this.state !== 'running') {
      this.pc = pc;
      return;
    }
    const a = this.a;
    const tag = this.tag;
    const dOp = this.dOp;
    const dArg = this.dArg;
    const dImm = this.dImm;
    const pageR = this.pageR;
    const pageW = this.pageW;
    const codePage = this.codePage;
    const memBase = this.memBase;
    const memU8 = this.memU8;
    const memU16 = this.memU16;
    const memU32 = this.memU32;
    // Cycles are counted in a small integer relative to `base` (cheaper than a float counter).
    const base = s.cycles;
    let cyc = 0;
    let deadline = windowEnd(s, base, cap);
    let count = 0;

    while (cyc < deadline) {
      const idx = pc & CACHE_MASK;
      if (tag[idx] !== pc >> CACHE_BITS) {
        if (!this.decodeAt(pc, idx)) {
          s.cycles = base + cyc;
          pc = this.exception(this.fetchCause, pc);
          cyc = s.cycles - base;
          if (this.state !== 'running') break;
          deadline = windowEnd(s, base, cap);
          continue;
        }
      }
      const f = dArg[idx];
      count++;
      cyc++;
      switch (dOp[idx]) {
        // ---------------------------------------------------------- ALU
        case 2 /* ADD */:
          a[f & 31] = a[(f >> 5) & 31] + a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 3 /* ADDX2 */:
          a[f & 31] = (a[(f >> 5) & 31] << 1) + a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 4 /* ADDX4 */:
          a[f & 31] = (a[(f >> 5) & 31] << 2) + a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 5 /* ADDX8 */:
          a[f & 31] = (a[(f >> 5) & 31] << 3) + a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 6 /* SUB */:
          a[f & 31] = a[(f >> 5) & 31] - a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 7 /* SUBX2 */:
          a[f & 31] = (a[(f >> 5) & 31] << 1) - a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 8 /* SUBX4 */:
          a[f & 31] = (a[(f >> 5) & 31] << 2) - a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 9 /* SUBX8 */:
          a[f & 31] = (a[(f >> 5) & 31] << 3) - a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 10 /* AND */:
          a[f & 31] = a[(f >> 5) & 31] & a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 11 /* OR */:
          a[f & 31] = a[(f >> 5) & 31] | a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 12 /* XOR */:
          a[f & 31] = a[(f >> 5) & 31] ^ a[(f >> 10) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 13 /* NEG */:
          a[f & 31] = -a[(f >> 5) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 14 /* ABS */: {
          const v = a[(f >> 5) & 31];
          a[f & 31] = v < 0 ? -v : v;
          pc = (pc + (f >>> 15)) | 0;
          break;
        }
        case 15 /* ADDI */:
          a[f & 31] = a[(f >> 5) & 31] + dImm[idx];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 16 /* MOVI */:
          a[f & 31] = dImm[idx];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 17 /* MOV */:
          a[f & 31] = a[(f >> 5) & 31];
          pc = (pc + (f >>> 15)) | 0;
          break;
        case 18 /* SLLI */:
          a[f & 31] = a[(f >> 5) & 31] << dImm[idx];
          pc = (pc + 3) | 0;
          break;
        case 19 /* SRLI */:
          a[f & 31] = a[(f >> 5) & 31] >>> dImm[idx];
          pc = (pc + 3) | 0;
          break;
        case 20 /* SRAI */:
          a[f & 31] = a[(f >> 5) & 31] >> dImm[idx];
          pc = (pc + 3) | 0;
          break;
        case 21 /* SRC */: {
          const sa = this.sar;
          const hi = a[(f >> 5) & 31];
          const lo = a[(f >> 10) & 31];
          // ({hi, lo} >> sa)[31:0], sa in 0..63
          a[f & 31] = sa === 0 ? lo : sa < 32 ? (lo >>> sa) | (hi << (32 - sa)) : sa === 32 ? hi : hi >>> (sa - 32);
          pc = (pc + 3) | 0;
          break;
        }
        case 22 /* SRL */: {
          const sa = this.sar;
          a[f & 31] = sa < 32 ? a[(f >> 5) & 31] >>> sa : 0;
          pc = (pc + 3) | 0;
          break;
        }
        case 23 /* SLL */: {
          // shift left by (32 - SAR) & 63 on a zero-extended 64-bit value, low word
          const sh = (32 - this.sar) & 63;
          a[f & 31] = sh < 32 ? a[(f >> 5) & 31] << sh : 0;
          pc = (pc + 3) | 0;
          break;
        }
        case 24 /* SRA */: {
          const sa = this.sar;
          a[f & 31] = a[(f >> 5) & 31] >> (sa < 32 ? sa : 31);
          pc = (pc + 3) | 0;
          break;
        }
        case 25 /* SSR */:
          this.sar = a[(f >> 5) & 31] & 31;
          pc = (pc + 3) | 0;
          break;
        case 26 /* SSL */:
          this.sar = 32 - (a[(f >> 5) & 31] & 31);
          pc = (pc + 3) | 0;
          break;
        case 27 /* SSA8L */:
          this.sar = (a[(f >> 5) & 31] & 3) << 3;
          pc = (pc + 3) | 0;
          break;
        case 28 /* SSA8B */:
          this.sar = 32 - ((a[(f >> 5) & 31] & 3) << 3);
          pc = (pc + 3) | 0;
          break;
        case 29 /* SSAI */:
          this.sar = dImm[idx];
          pc = (pc + 3) | 0;
          break;
        case 30 /* MUL16U */:
          a[f & 31] = Math.imul(a[(f >> 5) & 31] & 0xffff, a[(f >> 10) & 31] & 0xffff);
          pc = (pc + 3) | 0;
          break;
        case 31 /* MUL16S */:
          a[f & 31] = Math.imul((a[(f >> 5) & 31] << 16) >> 16, (a[(f >> 10) & 31] << 16) >> 16);
          pc = (pc + 3) | 0;
          break;
        case 32 /* MULL */:
          a[f & 31] = Math.imul(a[(f >> 5) & 31], a[(f >> 10) & 31]);
          cyc++;
          pc = (pc + 3) | 0;
          break;
        case 33 /* NSA */: {
          const v = a[(f >> 5) & 31];
          a[f & 31] = Math.clz32(v < 0 ? ~v : v) - 1;
          pc = (pc + 3) | 0;
          break;
        }
        case 34 /* NSAU */:
          a[f & 31] = Math.clz32(a[(f >> 5) & 31]);
          pc = (pc + 3) | 0;
          break;
        case 35 /* EXTUI */: {
          const imm = dImm[idx];
          a[f & 31] = (a[(f >> 5) & 31] >>> (imm & 31)) & (imm >>> 5);
          pc = (pc + 3) | 0;
          break;
        }
        case 36 /* MOVEQZ */:
          if (a[(f >> 10) & 31] === 0) a[f & 31] = a[(f >> 5) & 31];
          pc = (pc + 3) | 0;
          break;
        case 37 /* MOVNEZ */:
          if (a[(f >> 10) & 31] !== 0) a[f & 31] = a[(f >> 5) & 31];
          pc = (pc + 3) | 0;
          break;
        case 38 /* MOVLTZ */:
          if (a[(f >> 10) & 31] < 0) a[f & 31] = a[(f >> 5) & 31];
          pc = (pc + 3) | 0;
          break;
        case 39 /* MOVGEZ */:
          if (a[(f >> 10) & 31] >= 0) a[f & 31] = a[(f >> 5) & 31];
          pc = (pc + 3) | 0;
          break;

        // ---------------------------------------------------------- loads and stores
        case 43 /* L32I */: {
          const addr = (a[(f >> 5) & 31] + dImm[idx]) >>> 0;
          const m = pageR[addr >>> PAGE_SHIFT];
          if (m !== 0 && (addr & 3) === 0) {
            a[f & 31] = memU32[m][(addr - memBase[m]) >>> 2];
          } else {
            s.cycles = base + cyc;
            const v = this.slowLoad(addr, 4, pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            a[f & 31] = v;
            deadline = windowEnd(s, base, cap);
          }
          pc = (pc + (f >>> 15)) | 0;
          break;
        }
        case 44 /* L32R */: {
          const addr = dImm[idx] >>> 0;
          const m = pageR[addr >>> PAGE_SHIFT];
          if (m !== 0) {
            a[f & 31] = memU32[m][(addr - memBase[m]) >>> 2];
          } else {
            s.cycles = base + cyc;
            const v = this.slowLoad(addr, 4, pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            a[f & 31] = v;
            deadline = windowEnd(s, base, cap);
          }
          pc = (pc + 3) | 0;
          break;
        }
        case 40 /* L8UI */: {
          const addr = (a[(f >> 5) & 31] + dImm[idx]) >>> 0;
          const m = pageR[addr >>> PAGE_SHIFT];
          if (m !== 0) {
            a[f & 31] = memU8[m][addr - memBase[m]];
          } else {
            s.cycles = base + cyc;
            const v = this.slowLoad(addr, 1, pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            a[f & 31] = v;
            deadline = windowEnd(s, base, cap);
          }
          pc = (pc + 3) | 0;
          break;
        }
        case 41 /* L16UI */:
        case 42 /* L16SI */: {
          const addr = (a[(f >> 5) & 31] + dImm[idx]) >>> 0;
          const m = pageR[addr >>> PAGE_SHIFT];
          let v: number;
          if (m !== 0 && (addr & 1) === 0) {
            v = memU16[m][(addr - memBase[m]) >>> 1];
          } else {
            s.cycles = base + cyc;
            v = this.slowLoad(addr, 2, pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            deadline = windowEnd(s, base, cap);
          }
          a[f & 31] = dOp[idx] === 42 /* L16SI */ ? (v << 16) >> 16 : v;
          pc = (pc + 3) | 0;
          break;
        }
        case 47 /* S32I */: {
          const addr = (a[(f >> 5) & 31] + dImm[idx]) >>> 0;
          const m = pageW[addr >>> PAGE_SHIFT];
          if (m !== 0 && (addr & 3) === 0) {
            memU32[m][(addr - memBase[m]) >>> 2] = a[f & 31];
            if (codePage[addr >>> PAGE_SHIFT] !== 0) this.invalidate(addr, 4);
          } else {
            s.cycles = base + cyc;
            this.slowStore(addr, 4, a[f & 31], pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            deadline = windowEnd(s, base, cap);
          }
          pc = (pc + (f >>> 15)) | 0;
          break;
        }
        case 46 /* S16I */: {
          const addr = (a[(f >> 5) & 31] + dImm[idx]) >>> 0;
          const m = pageW[addr >>> PAGE_SHIFT];
          if (m !== 0 && (addr & 1) === 0) {
            memU16[m][(addr - memBase[m]) >>> 1] = a[f & 31];
            if (codePage[addr >>> PAGE_SHIFT] !== 0) this.invalidate(addr, 2);
          } else {
            s.cycles = base + cyc;
            this.slowStore(addr, 2, a[f & 31], pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            deadline = windowEnd(s, base, cap);
          }
          pc = (pc + 3) | 0;
          break;
        }
        case 45 /* S8I */: {
          const addr = (a[(f >> 5) & 31] + dImm[idx]) >>> 0;
          const m = pageW[addr >>> PAGE_SHIFT];
          if (m !== 0) {
            memU8[m][addr - memBase[m]] = a[f & 31];
            if (codePage[addr >>> PAGE_SHIFT] !== 0) this.invalidate(addr, 1);
          } else {
            s.cycles = base + cyc;
            this.slowStore(addr, 1, a[f & 31], pc);
            if (this.excTaken) {
              this.excTaken = false;
              pc = this.excPc;
              cyc = s.cycles - base;
              deadline = windowEnd(s, base, cap);
              if (this.state !== 'running') break;
              continue;
            }
            deadline = windowEnd(s, base, cap);
          }
          pc = (pc + 3) | 0;
          break;
        }

        // ---------------------------------------------------------- branches
        case 48 /* BEQZ */:
          if (a[(f >> 5) & 31] === 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + (f >>> 15)) | 0;
          break;
        case 49 /* BNEZ */:
          if (a[(f >> 5) & 31] !== 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + (f >>> 15)) | 0;
          break;
        case 50 /* BLTZ */:
          if (a[(f >> 5) & 31] < 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 51 /* BGEZ */:
          if (a[(f >> 5) & 31] >= 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 52 /* BEQI */:
          if (a[(f >> 5) & 31] === B4C[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 53 /* BNEI */:
          if (a[(f >> 5) & 31] !== B4C[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 54 /* BLTI */:
          if (a[(f >> 5) & 31] < B4C[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 55 /* BGEI */:
          if (a[(f >> 5) & 31] >= B4C[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 56 /* BLTUI */:
          if (a[(f >> 5) & 31] >>> 0 < B4CU[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 57 /* BGEUI */:
          if (a[(f >> 5) & 31] >>> 0 >= B4CU[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 58 /* BNONE */:
          if ((a[(f >> 5) & 31] & a[(f >> 10) & 31]) === 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 64 /* BANY */:
          if ((a[(f >> 5) & 31] & a[(f >> 10) & 31]) !== 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 62 /* BALL */: {
          const t = a[(f >> 10) & 31];
          if ((a[(f >> 5) & 31] & t) === t) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        }
        case 68 /* BNALL */: {
          const t = a[(f >> 10) & 31];
          if ((a[(f >> 5) & 31] & t) !== t) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        }
        case 59 /* BEQ */:
          if (a[(f >> 5) & 31] === a[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 65 /* BNE */:
          if (a[(f >> 5) & 31] !== a[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 60 /* BLT */:
          if (a[(f >> 5) & 31] < a[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 66 /* BGE */:
          if (a[(f >> 5) & 31] >= a[(f >> 10) & 31]) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 61 /* BLTU */:
          if (a[(f >> 5) & 31] >>> 0 < a[(f >> 10) & 31] >>> 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 67 /* BGEU */:
          if (a[(f >> 5) & 31] >>> 0 >= a[(f >> 10) & 31] >>> 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 63 /* BBC */:
          if ((a[(f >> 5) & 31] & (1 << (a[(f >> 10) & 31] & 31))) === 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 69 /* BBS */:
          if ((a[(f >> 5) & 31] & (1 << (a[(f >> 10) & 31] & 31))) !== 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 70 /* BBCI */:
          if ((a[(f >> 5) & 31] & (1 << ((f >> 10) & 31))) === 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;
        case 71 /* BBSI */:
          if ((a[(f >> 5) & 31] & (1 << ((f >> 10) & 31))) !== 0) {
            pc = dImm[idx];
            cyc += 2;
          } else pc = (pc + 3) | 0;
          break;

        // ---------------------------------------------------------- jumps and calls
        case 72 /* J */:
          pc = dImm[idx];
          cyc += 2;
          break;
        case 73 /* JX */:
          pc = a[(f >> 5) & 31];
          cyc += 2;
          break;
        case 74 /* CALL0 */:
          a[0] = pc + 3;
          pc = dImm[idx];
          cyc += 2;
          break;
        case 75 /* CALLX0 */: {
          const target = a[(f >> 5) & 31];
          a[0] = pc + 3;
          pc = target;
          cyc += 2;
          break;
        }
        case 76 /* RET */:
          pc = a[0];
          cyc += 2;
          break;
        case 1 /* NOP */:
          pc = (pc + (f >>> 15)) | 0;
          break;

        // ---------------------------------------------------------- special registers
        case 77 /* RSR */:
          s.cycles = base + cyc;
          a[f & 31] = this.readSpecial(dImm[idx]);
          pc = (pc + 3) | 0;
          break;
        case 78 /* WSR */:
        case 79 /* XSR */: {
          const sr = dImm[idx];
          s.cycles = base + cyc;
          if (dOp[idx] === 79 /* XSR */) {
            const old = this.readSpecial(sr);
            this.writeSpecial(sr, a[f & 31]);
            a[f & 31] = old;
          } else {
            this.writeSpecial(sr, a[(f >> 5) & 31]);
          }
          pc = this.checkInterrupts((pc + 3) | 0);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        }
        case 80 /* RSIL */: {
          const old = this.ps;
          this.ps = (old & ~PS_INTLEVEL) | dImm[idx];
          a[f & 31] = old;
          s.cycles = base + cyc;
          pc = this.checkInterrupts((pc + 3) | 0);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        }
        case 81 /* WAITI */: {
          this.ps = (this.ps & ~PS_INTLEVEL) | dImm[idx];
          s.cycles = base + cyc;
          pc = (pc + 3) | 0;
          if (this.pendingInterruptLevel() !== 0) {
            pc = this.checkInterrupts(pc);
            cyc = s.cycles - base;
            deadline = windowEnd(s, base, cap);
          } else {
            this.state = 'sleeping';
            deadline = cyc; // leave the loop; the machine jumps time to the next event
          }
          break;
        }
        case 82 /* RFE */:
          this.ps &= ~PS_EXCM;
          s.cycles = base + cyc + 2;
          pc = this.checkInterrupts(this.epc[1]);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        case 83 /* RFDE */:
          s.cycles = base + cyc + 2;
          pc = this.checkInterrupts(this.depc);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        case 84 /* RFI */: {
          const level = dImm[idx];
          this.ps = this.eps[level];
          s.cycles = base + cyc + 2;
          pc = this.checkInterrupts(this.epc[level]);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        }
        case 89 /* RER */:
          s.cycles = base + cyc;
          a[f & 31] = this.options.externalRegisters?.read(a[(f >> 5) & 31] >>> 0) ?? 0;
          deadline = windowEnd(s, base, cap);
          pc = (pc + 3) | 0;
          break;
        case 90 /* WER */:
          s.cycles = base + cyc;
          this.options.externalRegisters?.write(a[(f >> 5) & 31] >>> 0, a[f & 31] >>> 0);
          deadline = windowEnd(s, base, cap);
          pc = (pc + 3) | 0;
          break;

        // ---------------------------------------------------------- exceptions
        case 86 /* SIMCALL */:
          s.cycles = base + cyc;
          if (this.options.simcall) {
            this.pc = pc;
            this.options.simcall(this);
            pc = (pc + 3) | 0;
          } else {
            count--; // no semihosting: IllegalInstruction, as QEMU without -semihosting
            pc = this.exception(EXCCAUSE.IllegalInstruction, pc);
          }
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        case 85 /* SYSCALL */:
          count--;
          s.cycles = base + cyc;
          pc = this.exception(EXCCAUSE.Syscall, pc);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        case 87 /* BREAK */:
        case 88 /* BREAKN */: {
          const narrow = dOp[idx] === 88 /* BREAKN */;
          s.cycles = base + cyc;
          pc = this.debugException(narrow ? DEBUGCAUSE_BN : DEBUGCAUSE_BI, pc, (pc + (narrow ? 2 : 3)) | 0);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        }
        case 91 /* IBREAK */: {
          count--;
          cyc--;
          s.cycles = base + cyc;
          const next = this.debugException(DEBUGCAUSE_IB, pc, pc);
          if (next === pc && this.state === 'running') {
            // Masked (CINTLEVEL >= DEBUGLEVEL): run the real instruction once, then leave the
            // loop so the IBREAK op is put back in the cache (after the loop).
            this.ibreakPass = pc;
            this.decodeAt(pc, idx);
            deadline = cyc + 1;
            continue;
          }
          pc = next;
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
        }
        case 0 /* ILL */:
        default:
          count--;
          s.cycles = base + cyc;
          pc = this.exception(EXCCAUSE.IllegalInstruction, pc);
          cyc = s.cycles - base;
          deadline = windowEnd(s, base, cap);
          break;
      }
    }
    if (this.ibreakPass !== -1) this.clearIbreakPass();
    s.cycles = base + cyc;
    this.pc = pc;
    this.instructions += count;
  }

  private clearIbreakPass(): void {
    const p = this.ibreakPass;
    this.ibreakPass = -1;
    this.invalidate(p, 1);
  }

  // ------------------------------------------------------------------ reporting

  describeState(): string {
    const h = (v: number) => hex(v);
    const lines: string[] = [];
    lines.push(`PC  ${h(this.pc)}  PS ${h(this.ps)} (INTLEVEL ${this.ps & 15}${this.ps & PS_EXCM ? ' EXCM' : ''}${this.ps & PS_UM ? ' UM' : ''})  SAR ${this.sar}`);
    lines.push(`EXCCAUSE ${this.exccause} ${EXCCAUSE_NAMES[this.exccause] ?? ''}  EPC1 ${h(this.epc[1])}  EXCVADDR ${h(this.excvaddr)}  DEPC ${h(this.depc)}`);
    lines.push(`EPC2 ${h(this.epc[2])}  EPC3 ${h(this.epc[3])}  EPS2 ${h(this.eps[2])}  EPS3 ${h(this.eps[3])}  VECBASE ${h(this.vecbase)}`);
    lines.push(`INTERRUPT ${h(this.interrupt)}  INTENABLE ${h(this.intenable)}  CCOUNT ${h(this.ccount)}  CCOMPARE0 ${h(this.ccompare0)}`);
    for (let i = 0; i < 16; i += 4) {
      lines.push(
        [0, 1, 2, 3].map((j) => `a${i + j}`.padEnd(3) + ' ' + h(this.a[i + j])).join('  '),
      );
    }
    return lines.join('\n');
  }

  /** Name of a special register, for disassembly and reports. */
  static specialName(sr: number): string {
    return SR_NAMES[sr] ?? `sr${sr}`;
  }
}

/** The run loop's deadline relative to `base`, capped so the counters stay small integers. */
function windowEnd(s: Scheduler, base: number, cap: number): number {
  const d = s.deadline - base;
  return d > cap ? cap : d;
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}
