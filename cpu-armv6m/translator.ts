/**
 * Block translator for the Cortex-M0+ core: hot straight-line Thumb code compiled into
 * JavaScript functions.
 *
 * A *block* starts at an address the run loop dispatches to (a branch target, or the
 * instruction after an interpreted one) and runs straight on to the first branch, or stops
 * before the first instruction the translator leaves to the interpreter (SVC, BKPT, CPS, WFI,
 * WFE, SEV, MSR, MRS, barriers, undefined encodings, a `B .` spin, a literal load outside the
 * fast memories), or after MAX_BLOCK_INSTRUCTIONS. Its function keeps the registers it touches
 * and the four flags in locals and writes them back at the exit; V8's optimiser removes flag
 * computations that a later instruction overwrites before anything reads them.
 *
 * The guarantees of the interpreter hold because a block only ever does what cannot be
 * observed from outside the core:
 * - It reads and writes the two fast memories inline (aligned, in range, and for writes not
 *   into a 64-byte page holding translated code). Any other load or store (a peripheral, the
 *   SCS, an unaligned or faulting access, a store into code) goes through the core's own access
 *   method, called from the block after it wrote back its state (see Gen.slow()), with every
 *   effect, fault and wait state the interpreter gives it; the block goes on only if nothing it
 *   relies on (the deadline, the compiled code, the fit of its trace) changed.
 * - Interworking branches to an even address or to 0xFxxxxxxx (EXC_RETURN) bail out too.
 * - Between such accesses the scheduler's deadline is fixed: a
 *   block is entered only if its last instruction would start before the deadline, which is
 *   exactly when the interpreter would run all of it (it checks before each instruction). A
 *   block that does not fit is left to the interpreter. A block that branches back to its own
 *   start loops inside its function, re-checking the same condition on every iteration.
 * - Cycles: the same per-instruction costs as the interpreter (ARM DDI 0484C table 3-1), and
 *   the flash cost of every 32-bit fetch word and flash data read looked up in the core's flash
 *   line cache in the interpreter's order (fetch, then the instruction's data read), so
 *   `scheduler.cycles`, `core.instructions` and the cache's lines at every exit equal the
 *   interpreter's. A fetch whose line the block itself just brought in is a known hit.
 *
 * Cold code stays in the interpreter: a block is compiled when its entry has been dispatched
 * `threshold` times. Writes into a 64-byte page holding compiled code (a store by the core,
 * NVMCTRL, DMA, a loader) drop every block in that page; a page rewritten over and over while
 * its code runs (data sharing a page with hot code) stops being translated. At most
 * MAX_COMPILED_BLOCKS blocks are kept: beyond that the whole cache is flushed and rebuilt from
 * what is hot, so compiled code cannot grow without bound.
 */
import { opcodeTable } from './decoder.js';
import { FLASH_CACHE_LINES, FLASH_LINE_SHIFT } from './flash-cache.js';
/** BX, BLX, PUSH, POP, STM, LDM: checks that may bail out come before their fetch is charged. */
const CHARGES_OWN_FETCH = new Set([31, 32, 61, 62, 70, 71]);

/** Code pages are 64 bytes: a store into one drops the blocks compiled from it. */
export const CODE_PAGE_SHIFT = 6;
export const MAX_BLOCK_INSTRUCTIONS = 32;
/** A compiled function holds at most this many traces and instructions (see region()). */
export const MAX_REGION_TRACES = 2;
export const MAX_REGION_INSTRUCTIONS = 32;
export const MAX_COMPILED_BLOCKS = 8192;
/** Invalidations of one page after which its code stays interpreted. */
const PAGE_REWRITE_LIMIT = 16;

/** What the translator reads from the core (its fast memories, registers and clock). */
export interface TranslatorHost {
  readonly r: Int32Array;
  readonly clock: { cycles: number; deadline: number };
  readonly f0Base: number;
  readonly f0Size: number;
  readonly f0u8: Uint8Array;
  readonly f0u16: Uint16Array;
  readonly f0u32: Uint32Array;
  readonly f1Base: number;
  readonly f1Size: number;
  readonly f1u8: Uint8Array;
  readonly f1u16: Uint16Array;
  readonly f1u32: Uint32Array;
  readonly f1Writable: boolean;
  readonly flashLines: Int32Array;
  readonly flashHitCost: number;
  readonly flashMissCost: number;
}

/**
 * A compiled block. Returns the entry of its static successor (the run loop dispatches to it
 * without a lookup), null after a computed branch (the loop looks `core.pc` up), or BAIL when it
 * did not fit before the deadline or stopped before an instruction it leaves to the
 * interpreter: the loop then interprets one instruction.
 */
export type BlockFn = (core: TranslatorHost, e: BlockEntry) => BlockEntry | null;

/** A dispatch target: one per address the run loop has dispatched to in a fast memory. */
export class BlockEntry {
  hits = 0;
  /** Instructions the interpreter runs for this entry while it is cold (the block's length). */
  length = -1;
  /** The compiled block (see BlockFn), called with the core and this entry. */
  fn: BlockFn | null = null;
  /** Entries of the block's static exit targets, found on first use (`Gen.links` order). */
  links: (BlockEntry | null)[] = [];
  /** Calls of the compiled block, and how many of them bailed out to the interpreter. */
  calls = 0;
  bails = 0;
  /** Where the block's computed branch went last time, and that entry. */
  dc = -1;
  de: BlockEntry | null = null;
  constructor(
    readonly mem: 0 | 1,
    readonly pc: number,
  ) {}
}

/** Returned by a block that stopped before an instruction it leaves to the interpreter. */
export const BAIL: BlockEntry = new BlockEntry(0, -1);
/** Returned by a block that did not run because it would not end before the deadline. */
export const NOFIT: BlockEntry = new BlockEntry(0, -1);

/**
 * A block that bails out on at least 1 call in BAIL_RATIO (after BAIL_MIN bail-outs) is dropped
 * and its entry interpreted for good: it reaches peripherals (a polling loop), so it would pay
 * a block call, a bail-out and a dispatch on every pass.
 */
const BAIL_MIN = 16;
const BAIL_RATIO = 8;
/** Instructions the interpreter runs per dispatch of an entry that is never compiled. */
const COLD_STRETCH = 64;

/**
 * The path of a block: instruction addresses in execution order. A block is a *trace*: it
 * falls through conditional branches (taken: a side exit, or a jump back to the block's start
 * that loops in place) and follows B and BL to their targets, so it can span several pieces of
 * code; it ends at a computed branch (BX, BLX, POP {pc}, MOV/ADD pc), at a branch to code it
 * already holds, or before an instruction left to the interpreter.
 */
interface Scan {
  pcs: number[];
  /** Address after the last instruction when the block falls off its end (no final branch). */
  next: number;
  /** True when the last instruction ends the block by itself (a branch). */
  branches: boolean;
  /** True when the block ends before an instruction left to the interpreter. */
  stopped: boolean;
}

const enum Kind {
  Stop = 0, // not translated: the block ends before it
  Plain = 1,
  Branch = 2, // ends the block
}

export class Translator {
  /** Compiled blocks; reaching MAX_COMPILED_BLOCKS flushes the cache. */
  compiled = 0;
  /** Bumped whenever compiled code is dropped: a block that made a slow access checks it. */
  gen = 0;
  /** Set when `new Function` is refused (Content Security Policy): the core interprets. */
  unavailable = false;
  /** Per fast memory, per halfword: the entry dispatched to at that address. */
  entries: [(BlockEntry | null)[], (BlockEntry | null)[]];
  /** Per memory, per 64-byte page: 1 when a compiled block reads instructions from it. */
  readonly code: [Uint8Array, Uint8Array];
  private pageBlocks: [(BlockEntry[] | null)[], (BlockEntry[] | null)[]];
  private rewrites: [Uint8Array, Uint8Array];

  constructor(
    private readonly host: TranslatorHost,
    public threshold: number,
  ) {
    const pages0 = Math.max(1, host.f0Size >>> CODE_PAGE_SHIFT);
    const pages1 = Math.max(1, host.f1Size >>> CODE_PAGE_SHIFT);
    this.code = [new Uint8Array(pages0), new Uint8Array(pages1)];
    this.rewrites = [new Uint8Array(pages0), new Uint8Array(pages1)];
    this.entries = [[], []];
    this.pageBlocks = [[], []];
    this.flush();
  }

  /** Drops every block and every cold entry (reset, cache limit). */
  flush(): void {
    const h = this.host;
    this.entries = [new Array<BlockEntry | null>(h.f0Size >>> 1).fill(null), new Array<BlockEntry | null>(h.f1Size >>> 1).fill(null)];
    this.pageBlocks = [new Array<BlockEntry[] | null>(this.code[0].length).fill(null), new Array<BlockEntry[] | null>(this.code[1].length).fill(null)];
    this.code[0].fill(0);
    this.code[1].fill(0);
    this.rewrites[0].fill(0);
    this.rewrites[1].fill(0);
    this.compiled = 0;
    this.gen++;
  }

  /** The entry for `pc`, or null outside the fast memories (that code is always interpreted). */
  lookup(pc: number): BlockEntry | null {
    const h = this.host;
    // The interpreter fetches from the first fast memory when both would match.
    let o = (pc - h.f0Base) >>> 0;
    if (o < h.f0Size) return this.entries[0][o >>> 1] ?? this.create(0, pc, o);
    o = (pc - h.f1Base) >>> 0;
    if (o < h.f1Size) return this.entries[1][o >>> 1] ?? this.create(1, pc, o);
    return null;
  }

  private create(mem: 0 | 1, pc: number, offset: number): BlockEntry {
    const e = new BlockEntry(mem, pc);
    this.entries[mem][offset >>> 1] = e;
    return e;
  }

  /**
   * Instructions the interpreter runs for the cold entry `e`: its block's length (then the
   * entry after it is dispatched to and counted), or more if `e` will never be compiled.
   */
  coldLength(e: BlockEntry): number {
    if (e.length < 0) e.length = Math.max(1, this.scan(e.mem, e.pc).pcs.length);
    return e.hits < 0 ? Math.max(e.length, COLD_STRETCH) : e.length;
  }

  /** `e`'s block bailed out: drop it if it does so often. */
  bailed(e: BlockEntry): void {
    if (++e.bails < BAIL_MIN || e.bails * BAIL_RATIO < e.calls || e.fn === null) return;
    e.fn = null;
    e.hits = -0x7fffffff;
    this.compiled--;
  }

  /** Compiles `e`; leaves `e.fn` null if the block is empty or its page is not translated. */
  compile(e: BlockEntry): void {
    const h = this.host;
    const base = e.mem === 0 ? h.f0Base : h.f1Base;
    // An entry that cannot be compiled (its first instruction is left to the interpreter, or its
    // page is rewritten too often) is not tried again until its code changes.
    e.hits = -0x7fffffff;
    const region = this.region(e);
    if (region.length === 0) return;
    const pages = new Set<number>();
    const u16 = e.mem === 0 ? h.f0u16 : h.f1u16;
    for (const scan of region) {
      for (const pc of scan.pcs) {
        const o = (pc - base) >>> 0;
        pages.add(o >>> CODE_PAGE_SHIFT);
        if (opcodeTable()[u16[o >>> 1]] === 76) pages.add((o + 2) >>> CODE_PAGE_SHIFT);
      }
    }
    if (this.compiled >= MAX_COMPILED_BLOCKS) {
      this.flush();
      this.entries[e.mem][((e.pc - base) >>> 0) >>> 1] = e;
    }
    const gen = new Gen(this.host, e, region);
    const source = gen.emit();
    // Functions depend only on their source (the core comes as an argument): machines running
    // the same code share them, and with them V8's optimised code.
    let fn = SHARED.get(source);
    if (!fn) {
      try {
        const factory = new Function('BAIL', 'NOFIT', `return function block(core, E) {\n${source}\n};`);
        fn = (factory as (bail: BlockEntry, nofit: BlockEntry) => BlockFn)(BAIL, NOFIT);
      } catch (err) {
        if (err instanceof SyntaxError) throw err; // a translator bug: never hide it
        this.unavailable = true;
        return;
      }
      if (SHARED.size >= MAX_SHARED_FUNCTIONS) SHARED.clear();
      SHARED.set(source, fn);
    }
    e.links = new Array<BlockEntry | null>(gen.links.length).fill(null);
    e.dc = -1;
    e.de = null;
    e.calls = e.bails = 0;
    e.fn = fn;
    this.compiled++;
    for (const p of pages) {
      this.code[e.mem][p] = 1;
      (this.pageBlocks[e.mem][p] ??= []).push(e);
    }
  }

  /** Bytes [offset, offset+size) of fast memory `mem` were written: drop what was compiled there. */
  written(mem: 0 | 1, offset: number, size: number): void {
    const code = this.code[mem];
    const last = (offset + size - 1) >>> CODE_PAGE_SHIFT;
    for (let p = offset >>> CODE_PAGE_SHIFT; p <= last && p < code.length; p++) if (code[p] !== 0) this.invalidatePage(mem, p);
  }

  private invalidatePage(mem: 0 | 1, page: number): void {
    const list = this.pageBlocks[mem][page];
    this.code[mem][page] = 0;
    this.pageBlocks[mem][page] = null;
    if (this.rewrites[mem][page] < 255) this.rewrites[mem][page]++;
    this.gen++;
    if (!list) return;
    for (const e of list) {
      if (e.fn === null) continue;
      e.fn = null;
      e.hits = 0;
      e.length = -1;
      this.compiled--;
    }
  }

  // ------------------------------------------------------------------ scanning

  /**
   * The code compiled for an entry: the trace from it, then traces from the targets of its
   * static exits, and so on (up to MAX_REGION_TRACES traces, MAX_REGION_INSTRUCTIONS
   * instructions). Branches between them stay inside the compiled function.
   */
  private region(e: BlockEntry): Scan[] {
    const first = this.scan(e.mem, e.pc);
    if (first.pcs.length === 0) return [];
    const region = [first];
    const starts = new Set<number>([e.pc]);
    let total = first.pcs.length;
    for (let k = 0; k < region.length && region.length < MAX_REGION_TRACES; k++) {
      for (const target of this.staticExits(e.mem, region[k]!)) {
        if (starts.has(target) || region.length >= MAX_REGION_TRACES) continue;
        const size = e.mem === 0 ? this.host.f0Size : this.host.f1Size;
        const base = e.mem === 0 ? this.host.f0Base : this.host.f1Base;
        if (((target - base) >>> 0) >= size) continue;
        const scan = this.scan(e.mem, target);
        if (scan.pcs.length === 0 || total + scan.pcs.length > MAX_REGION_INSTRUCTIONS) continue;
        starts.add(target);
        region.push(scan);
        total += scan.pcs.length;
      }
    }
    return region;
  }

  /** Constant targets a trace may leave to (branches it does not follow, its end). */
  private staticExits(mem: 0 | 1, scan: Scan): number[] {
    const h = this.host;
    const u16 = mem === 0 ? h.f0u16 : h.f1u16;
    const base = mem === 0 ? h.f0Base : h.f1Base;
    const out: number[] = [];
    scan.pcs.forEach((pc, k) => {
      const hw = u16[((pc - base) >>> 0) >>> 1];
      const op = opcodeTable()[hw];
      const next = k + 1 < scan.pcs.length ? scan.pcs[k + 1] : scan.next;
      if (op === 72 /* B_COND */) {
        const target = pc + 4 + (((hw & 0xff) << 24) >> 23);
        out.push(next === target ? pc + 2 : target);
      } else if (k === scan.pcs.length - 1 && (op === 75 || op === 76) && scan.branches) {
        out.push(op === 75 ? pc + 4 + (((hw & 0x7ff) << 21) >> 20) : blTarget(pc, hw, u16[((pc + 2 - base) >>> 0) >>> 1]));
      }
    });
    if (!scan.branches && !scan.stopped) out.push(scan.next);
    return out;
  }

  private scan(mem: 0 | 1, start: number): Scan {
    const h = this.host;
    const u16 = mem === 0 ? h.f0u16 : h.f1u16;
    const base = mem === 0 ? h.f0Base : h.f1Base;
    const size = mem === 0 ? h.f0Size : h.f1Size;
    const rewrites = this.rewrites[mem];
    const pcs: number[] = [];
    const seen = new Set<number>();
    let pc = start;
    while (pcs.length < MAX_BLOCK_INSTRUCTIONS) {
      const o = (pc - base) >>> 0;
      if (o >= size || seen.has(pc)) break;
      const hw = u16[o >>> 1];
      const op = opcodeTable()[hw];
      const stop = { pcs, next: pc, branches: false, stopped: true };
      if (op === 76 /* T32 */ && o + 2 >= size) return stop;
      if (rewrites[o >>> CODE_PAGE_SHIFT] >= PAGE_REWRITE_LIMIT || rewrites[(o + 2) >>> CODE_PAGE_SHIFT] >= PAGE_REWRITE_LIMIT) return stop;
      const hw2 = op === 76 ? u16[(o + 2) >>> 1] : 0;
      const kind = classify(h, hw, op, pc, hw2);
      if (kind === Kind.Stop) return stop;
      pcs.push(pc);
      seen.add(pc);
      if (kind === Kind.Plain) {
        pc += 2;
        continue;
      }
      if (op === 72 /* B_COND */) {
        // Static prediction: a backward branch (a loop) is followed, a forward one falls through.
        const target = pc + 4 + (((hw & 0xff) << 24) >> 23);
        const follow = target < pc && ((target - base) >>> 0) < size && !seen.has(target);
        pc = follow ? target : pc + 2;
        continue;
      }
      const target = op === 75 ? pc + 4 + (((hw & 0x7ff) << 21) >> 20) : op === 76 ? blTarget(pc, hw, hw2) : -1;
      // Follow B and BL into code of the same memory that the block does not hold yet.
      if (target >= 0 && ((target - base) >>> 0) < size && !seen.has(target) && pcs.length < MAX_BLOCK_INSTRUCTIONS) {
        pc = target;
        continue;
      }
      return { pcs, next: pc, branches: true, stopped: false };
    }
    // Outside the memory: the interpreter fetches (and faults) there.
    return { pcs, next: pc, branches: false, stopped: ((pc - base) >>> 0) >= size };
  }
}

function blTarget(pc: number, hw: number, hw2: number): number {
  // BL: S:I1:I2:imm10:imm11:'0', I1 = NOT(J1 EOR S), I2 = NOT(J2 EOR S)
  const s = (hw >>> 10) & 1;
  const i1 = ~((hw2 >>> 13) ^ s) & 1;
  const i2 = ~((hw2 >>> 11) ^ s) & 1;
  const imm = (((s << 24) | (i1 << 23) | (i2 << 22) | ((hw & 0x3ff) << 12) | ((hw2 & 0x7ff) << 1)) << 7) >> 7;
  return pc + 4 + imm;
}

/** Compiled functions by source, shared by every core in the process (a bounded cache). */
const SHARED = new Map<string, BlockFn>();
const MAX_SHARED_FUNCTIONS = 4096;

function classify(h: TranslatorHost, hw: number, op: number, pc: number, next: number): Kind {
  if (op >= 1 && op <= 27) return Kind.Plain;
  switch (op) {
    case 28: /* ADD_HI */
    case 30: /* MOV_HI */
      return ((hw & 7) | ((hw >>> 4) & 8)) === 15 ? Kind.Branch : Kind.Plain;
    case 29: /* CMP_HI */
      return Kind.Plain;
    case 31: /* BX */
      return Kind.Branch;
    case 32: /* BLX */
      return ((hw >>> 3) & 15) === 15 ? Kind.Stop : Kind.Branch;
    case 33: /* LDR_LIT */ {
      const a = ((pc + 4) & ~3) + ((hw & 0xff) << 2);
      return inFast(h, a, 4) ? Kind.Plain : Kind.Stop;
    }
    case 62: /* POP */
      return hw & 0x100 ? Kind.Branch : Kind.Plain;
    case 65: /* NOP */
    case 66: /* YIELD */
    case 61: /* PUSH */
    case 70: /* STM */
    case 71: /* LDM */
      return Kind.Plain;
    case 72: /* B_COND */
      return Kind.Branch;
    case 75: /* B */
      return pc + 4 + (((hw & 0x7ff) << 21) >> 20) === pc ? Kind.Stop : Kind.Branch; // `B .`: spin detection
    case 76: /* T32 */
      return (next & 0xd000) === 0xd000 ? Kind.Branch : Kind.Stop; // BL; MSR/MRS/barriers interpreted
    default:
      return op >= 34 && op <= 60 ? Kind.Plain : Kind.Stop;
  }
}

function inFast(h: TranslatorHost, a: number, size: number): boolean {
  const o1 = (a - h.f1Base) >>> 0;
  if (o1 + size <= h.f1Size) return true;
  const o0 = (a - h.f0Base) >>> 0;
  return o0 + size <= h.f0Size;
}

// -------------------------------------------------------------------- code generation

/** Placeholder for the write-back of the block's registers and flags before a slow access. */
const SYNC = '/*sync*/';

const hex = (v: number): string => '0x' + (v >>> 0).toString(16);


class Gen {
  private readonly out: string[] = [];
  private readonly read = new Set<number>();
  private readonly written = new Set<number>();
  private flagsUsed = false;
  /** Static cycles of the instructions before the current one (base + extras). */
  private s = 0;
  /** Per flash cache line slot: the line the block's own lookups put there (-1: not known). */
  private readonly known = new Int32Array(FLASH_CACHE_LINES).fill(-1);
  /** Set once the current instruction's fetch word is charged (see chargeFetch()). */
  private fetchDone = false;
  /** Set when the current instruction may read the flash at an address known only at run time. */
  private flashDataHere = false;
  /** Instruction index and address being generated. */
  private i = 0;
  private pc = 0;
  /** Index of the trace being generated (its fit limit is `lim<t>`). */
  private t = 0;
  /** Set when the current instruction has a slow path (see slow()). */
  private slowHere = false;
  /** The register a load with a slow path writes (-1 for a store). */
  private slowDest = -1;
  /** Address of the instruction the block executes after the current one. */
  private nextPc = -1;
  /** Fit check: static cycles and wait-state units of every instruction but the last. */
  private preStatic = 0;
  private preWait = 0;
  private readonly inFlash: boolean;

  /** Trace index by start address: a jump there stays in the function. */
  private readonly traceAt = new Map<number, number>();
  private scan: Scan;

  constructor(
    private readonly h: TranslatorHost,
    private readonly e: BlockEntry,
    private readonly region: Scan[],
  ) {
    this.inFlash = e.mem === 0;
    region.forEach((scan, k) => this.traceAt.set(scan.pcs[0]!, k));
    this.scan = region[0]!;
  }

  /** Static exit targets: the block returns their entries (cached in `L`) to save a lookup. */
  readonly links: number[] = [];
  private link(target: number): number {
    let k = this.links.indexOf(target);
    if (k < 0) k = this.links.push(target) - 1;
    return k;
  }

  private reg(n: number): string {
    this.read.add(n);
    return `r${n}`;
  }
  private setReg(n: number, expr: string): void {
    this.written.add(n);
    this.read.add(n); // written back at every exit, so loaded at entry
    this.line(`r${n} = ${expr};`);
  }
  private line(s: string): void {
    this.out.push(s);
  }
  private flags(): void {
    this.flagsUsed = true;
  }

  /** Leaves the block before the current instruction (the interpreter will execute it). */
  private bail(): string {
    return `{ ep = ${hex(this.pc)}; ei = ${this.i}; es = ${this.s}; ok = false; break body; }`;
  }

  /** Leaves after the current instruction, which cost `extra` cycles beyond its base one. */
  private exit(target: string | number, extra: number): string {
    if (typeof target === 'number') return this.taken(target, extra);
    return `{ ep = ${target}; ei = ${this.i + 1}; es = ${this.s + 1 + extra}; break body; }`;
  }

  private fetchWord(): number {
    return this.inFlash && (this.pc & 2) === 0 ? 1 : 0;
  }

  /**
   * Charges the current instruction's 32-bit fetch word, if it has one: the interpreter looks
   * its line up before the instruction executes. Instructions that may bail out before doing
   * anything (BX, BLX, PUSH, POP, STM, LDM) call it after their checks, so that a bail-out
   * leaves the cache as the interpreter will find it; none of them reads the flash.
   */
  private chargeFetch(): void {
    if (this.fetchDone) return;
    this.fetchDone = true;
    if (this.fetchWord() === 1) this.lineCost(((this.pc - this.h.f0Base) >>> 0) >>> FLASH_LINE_SHIFT);
  }

  /** The cost of an access to flash line `line` (a constant), as core.flashAccess() computes it. */
  private lineCost(line: number): void {
    const k = line & (this.known.length - 1);
    if (this.known[k] === line) this.line('w += hc;');
    else this.line(`if (FL[${k}] === ${line}) w += hc; else { FL[${k}] = ${line}; w += mc; }`);
    this.known[k] = line;
  }

  private setNZ(t: string): void {
    this.flags();
    this.line(`n = ${t} >>> 31; z = ${t} === 0 ? 1 : 0;`);
  }

  /** dest = a + b with NZCV (AddWithCarry(a, b, 0)) in 32-bit integer operations. */
  private add(dest: number | null, a: string, b: string): void {
    this.flags();
    this.line(`x = ${a}; y = ${b}; t = (x + y) | 0;`);
    this.line('n = t >>> 31; z = t === 0 ? 1 : 0; c = (t >>> 0) < (x >>> 0) ? 1 : 0; v = ((x ^ t) & (y ^ t)) >>> 31;');
    if (dest !== null) this.setReg(dest, 't');
  }

  /** dest = a - b with NZCV (AddWithCarry(a, NOT b, 1): C is "no borrow"). */
  private sub(dest: number | null, a: string, b: string): void {
    this.flags();
    this.line(`x = ${a}; y = ${b}; t = (x - y) | 0;`);
    this.line('n = t >>> 31; z = t === 0 ? 1 : 0; c = (x >>> 0) >= (y >>> 0) ? 1 : 0; v = ((x ^ y) & (x ^ t)) >>> 31;');
    if (dest !== null) this.setReg(dest, 't');
  }

  /** dest = AddWithCarry(a, b, carry) with NZCV; `dest` null for compares. */
  private addc(dest: number | null, a: string, b: string, carry: string): void {
    this.flags();
    this.line(`x = ${a}; y = ${b}; s = (x >>> 0) + (y >>> 0) + ${carry}; t = s | 0;`);
    this.line('n = t >>> 31; z = t === 0 ? 1 : 0; c = s > 0xffffffff ? 1 : 0; v = (~(x ^ y) & (x ^ t)) >>> 31;');
    if (dest !== null) this.setReg(dest, 't');
  }

  private regOrPc(n: number): string {
    return n === 15 ? String((this.pc + 4) | 0) : this.reg(n);
  }

  /** Single load of `size` bytes at address expression `addr` into the temporary `t`. */
  private load(size: 1 | 2 | 4, addr: string): void {
    this.line(`x = (${addr}) | 0;`);
    const aligned = size === 4 ? ' && (x & 3) === 0' : size === 2 ? ' && (x & 1) === 0' : '';
    const view = size === 4 ? ['F1U32', 'F0U32', '>>> 2'] : size === 2 ? ['F1U16', 'F0U16', '>>> 1'] : ['F1U8', 'F0U8', ''];
    this.line(`o = (x - ${hex(this.h.f1Base)}) >>> 0;`);
    this.line(`if (o < ${this.h.f1Size}${aligned}) t = ${view[0]}[o ${view[2]}] | 0;`);
    // A flash read looks its line up in the cache (core.flashAccess() inline).
    this.flashDataHere = true;
    this.line(`else { o = (x - ${hex(this.h.f0Base)}) >>> 0; if (o < ${this.h.f0Size}${aligned}) { t = ${view[1]}[o ${view[2]}] | 0;` +
      ` y = o >>> ${FLASH_LINE_SHIFT}; if (FL[y & ${FLASH_CACHE_LINES - 1}] === y) w += hc; else { FL[y & ${FLASH_CACHE_LINES - 1}] = y; w += mc; } }`);
    this.line(`else ${this.slow(`t = core.read${size * 8}(x) | 0;`)} }`);
  }

  private store(size: 1 | 2 | 4, addr: string, value: string): void {
    this.line(`x = (${addr}) | 0;`);
    if (!this.h.f1Writable) {
      this.line(this.slow(`core.write${size * 8}(x, ${value});`));
      return;
    }
    const aligned = size === 4 ? ' && (x & 3) === 0' : size === 2 ? ' && (x & 1) === 0' : '';
    const view = size === 4 ? ['F1U32', '>>> 2'] : size === 2 ? ['F1U16', '>>> 1'] : ['F1U8', ''];
    this.line(`o = (x - ${hex(this.h.f1Base)}) >>> 0;`);
    this.line(`if (o < ${this.h.f1Size}${aligned} && F1CODE[o >>> ${CODE_PAGE_SHIFT}] === 0) ${view[0]}[o ${view[1]}] = ${value};`);
    this.line(`else ${this.slow(`core.write${size * 8}(x, ${value});`)}`);
  }

  /**
   * An access the fast paths do not cover (a peripheral, the SCS, an unaligned or faulting
   * access, a store into compiled code): the core's own read/write method does it, exactly as
   * the interpreter would, with the block's state written back first (a fault abandons the block
   * with the state the interpreter would have, an SCS access sees the real registers, a
   * peripheral sees the cycle at which this load or store executes). Afterwards the block goes
   * on only if nothing it relies on changed: the deadline (an access may schedule an event or
   * pend an interrupt), the compiled code (a store into it, a DMA started by the access), and
   * the rest of its trace still fits before the deadline after the bus's wait states. Otherwise
   * it leaves after this instruction (`sx`, tested in trace()). Loads and stores cost 2 cycles.
   */
  private slow(access: string): string {
    this.slowHere = true;
    const S = this.s + 2;
    return (
      `{ ${SYNC} core.ip = ${hex(this.pc)}; core.pc = ${hex(this.pc + 2)};` +
      ` clock.cycles = c0 + ${S} + w; core.instructions += ins + ${this.i + 1}; ins = -${this.i + 1};` +
      ` ${access} c0 = clock.cycles - ${S}; w = 0;` +
      ` if (c0 >= lim${this.t} || clock.deadline !== dl || T.gen !== gen) sx = 1; }`
    );
  }

  /** Checks that `words` words from `x` lie in the second fast memory (and, for stores, outside code). */
  private multiCheck(words: number, isStore: boolean): void {
    if (isStore && !this.h.f1Writable) {
      this.line(this.bail());
      return;
    }
    this.line(`o = (x - ${hex(this.h.f1Base)}) >>> 0;`);
    let cond = `(x & 3) !== 0 || o + ${4 * words} > ${this.h.f1Size}`;
    if (isStore) cond += ` || F1CODE[o >>> ${CODE_PAGE_SHIFT}] !== 0 || F1CODE[(o + ${4 * words - 4}) >>> ${CODE_PAGE_SHIFT}] !== 0`;
    this.line(`if (${cond}) ${this.bail()}`);
  }

  private condition(cond: number): string {
    this.flags();
    switch (cond) {
      case 0: return 'z === 1';
      case 1: return 'z === 0';
      case 2: return 'c === 1';
      case 3: return 'c === 0';
      case 4: return 'n === 1';
      case 5: return 'n === 0';
      case 6: return 'v === 1';
      case 7: return 'v === 0';
      case 8: return '(c === 1 && z === 0)';
      case 9: return '(c === 0 || z === 1)';
      case 10: return 'n === v';
      case 11: return 'n !== v';
      case 12: return '(z === 0 && n === v)';
      default: return '(z === 1 || n !== v)';
    }
  }

  emit(): string {
    const h = this.h;
    const e = this.e;
    const u16 = e.mem === 0 ? h.f0u16 : h.f1u16;
    const base = e.mem === 0 ? h.f0Base : h.f1Base;
    const fetch = (pc: number) => u16[((pc - base) >>> 0) >>> 1];
    this.region.forEach((scan, t) => {
      this.scan = scan;
      this.t = t;
      this.s = this.preStatic = this.preWait = 0;
      this.known.fill(-1); // a trace is entered from anywhere
      this.line(`case ${t}: {`);
      this.trace(fetch);
      this.line('}');
      this.pre.push([this.preStatic, this.preWait]);
    });
    return this.wrap();
  }

  /** Fit-check terms (static cycles, wait-state units) of each trace, by index. */
  private readonly pre: [number, number][] = [];

  private trace(fetch: (pc: number) => number): void {
    const pcs = this.scan.pcs;
    for (let k = 0; k < pcs.length; k++) {
      const pc = pcs[k];
      this.i = k;
      this.pc = pc;
      const hw = fetch(pc);
      const op = opcodeTable()[hw];
      const hw2 = op === 76 ? fetch(pc + 2) : 0;
      const followed = k < pcs.length - 1;
      this.nextPc = followed ? pcs[k + 1] : this.scan.next;
      this.slowHere = false;
      this.slowDest = -1;
      this.flashDataHere = false;
      this.fetchDone = false;
      if (!CHARGES_OWN_FETCH.has(op)) this.chargeFetch();
      const [extra, waits] = this.instruction(hw, op, hw2, followed);
      if (!this.fetchDone) throw new Error(`translator: op ${op} at ${hex(pc)} did not charge its fetch`);
      // A read at a run-time address, or a peripheral access, may have changed any line.
      if (this.flashDataHere || this.slowHere) this.known.fill(-1);
      if (this.slowHere) {
        // After an access by the core's own methods, when the block may not go on: the state
        // was written back before the access (which may have changed it: a reset, a fault
        // entry), so only a load's destination register is left to write.
        const dest = this.slowDest >= 0 ? `R[${this.slowDest}] = r${this.slowDest}; ` : '';
        this.line(`if (sx === 1) { ${dest}return null; }`);
      }
      if (followed) {
        this.preStatic += 1 + extra;
        this.preWait += this.fetchWord() + waits;
      }
      this.s += 1 + extra;
    }
    if (this.scan.stopped) {
      // Before an instruction left to the interpreter: the caller interprets it.
      this.i = pcs.length;
      this.pc = this.scan.next;
      this.line(this.bail());
    } else if (!this.scan.branches) {
      // At the length cap or at code the block already holds: go on from there.
      this.line(this.jump(this.scan.next, pcs.length, this.s));
    }
  }

  private wrap(): string {
    const regs = [...this.read].sort((a, b) => a - b);
    const written = [...this.written].sort((a, b) => a - b);
    // The deadline cannot move while the block runs (it touches no peripheral): `limK` is the
    // last cycle at which trace K may begin (its last instruction starts before the deadline,
    // every flash access before it counted as a miss, the dearer).
    const lims = this.pre.map(([st, wt], k) => `lim${k} = clock.deadline - ${st} - mc * ${wt}`);
    const head = [
      'const clock = core.clock, R = core.r, T = core.translator;',
      ...['f0u8', 'f0u16', 'f0u32', 'f1u8', 'f1u16', 'f1u32']
        .filter((a) => this.out.some((l) => l.includes(a.toUpperCase())))
        .map((a) => `const ${a.toUpperCase()} = core.${a};`),
      ...(this.out.some((l) => l.includes('F1CODE')) ? ['const F1CODE = T.code[1];'] : []),
      'const FL = core.flashLines, hc = core.flashHitCost, mc = core.flashMissCost;',
      'let c0 = clock.cycles;',
      `const ${lims.join(', ')};`,
      'if (c0 >= lim0) return NOFIT;',
      ...(regs.length ? [`let ${regs.map((n) => `r${n} = R[${n}]`).join(', ')};`] : []),
      ...(this.flagsUsed ? ['let n = core.N, z = core.Z, c = core.C, v = core.V;'] : []),
      'let w = 0, ins = 0, ep = 0, ei = 0, es = 0, ok = true, lk = -1;',
      'let s = 0, t = 0, x = 0, y = 0, o = 0, tr = 0, sx = 0;',
      ...(this.out.some((l) => l.includes(SYNC)) ? ['const dl = clock.deadline, gen = T.gen;'] : []),
      'body: for (;;) {',
      'switch (tr) {',
    ];
    const tail = [
      '}',
      '}',
      ...written.map((n) => `R[${n}] = r${n};`),
      ...(this.flagsUsed ? ['core.N = n; core.Z = z; core.C = c; core.V = v;'] : []),
      'core.pc = ep; clock.cycles = c0 + es + w; core.instructions += ins + ei;',
      'if (!ok) return BAIL;',
      // A computed branch (a return, mostly) goes where it went last time, usually.
      'if (lk < 0) return ep === E.dc ? E.de : (E.de = T.lookup(E.dc = ep));',
      'return E.links[lk] ?? (E.links[lk] = T.lookup(ep));',
    ];
    const sync = [...written.map((n) => `R[${n}] = r${n};`), ...(this.flagsUsed ? ['core.N = n; core.Z = z; core.C = c; core.V = v;'] : [])].join(' ');
    return [...head, ...this.out, ...tail].join('\n').replaceAll(SYNC, sync);
  }

  /** Emits one instruction; returns [extra static cycles, possible flash data-read words]. */
  private instruction(hw: number, op: number, hw2: number, followed: boolean): [number, number] {
    const d = hw & 7;
    const m3 = (hw >>> 3) & 7;
    const m6 = (hw >>> 6) & 7;
    const d8 = (hw >>> 8) & 7;
    switch (op) {
      case 1 /* LSL_IMM */: {
        const imm = (hw >>> 6) & 31;
        if (imm === 0) this.line(`t = ${this.reg(m3)};`);
        else {
          this.flags();
          this.line(`c = (${this.reg(m3)} >>> ${32 - imm}) & 1; t = ${this.reg(m3)} << ${imm};`);
        }
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      }
      case 2 /* LSR_IMM */: {
        const imm = (hw >>> 6) & 31;
        this.flags();
        if (imm === 0) this.line(`c = ${this.reg(m3)} >>> 31; t = 0;`);
        else this.line(`c = (${this.reg(m3)} >>> ${imm - 1}) & 1; t = (${this.reg(m3)} >>> ${imm}) | 0;`);
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      }
      case 3 /* ASR_IMM */: {
        const imm = (hw >>> 6) & 31;
        this.flags();
        if (imm === 0) this.line(`c = ${this.reg(m3)} >>> 31; t = ${this.reg(m3)} >> 31;`);
        else this.line(`c = (${this.reg(m3)} >>> ${imm - 1}) & 1; t = ${this.reg(m3)} >> ${imm};`);
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      }
      case 4 /* ADD_REG */: this.add(d, this.reg(m3), this.reg(m6)); return [0, 0];
      case 5 /* SUB_REG */: this.sub(d, this.reg(m3), this.reg(m6)); return [0, 0];
      case 6 /* ADD_IMM3 */: this.add(d, this.reg(m3), String(m6)); return [0, 0];
      case 7 /* SUB_IMM3 */: this.sub(d, this.reg(m3), String(m6)); return [0, 0];
      case 8 /* MOV_IMM */: {
        const imm = hw & 0xff;
        this.flags();
        this.setReg(d8, String(imm));
        this.line(`n = 0; z = ${imm === 0 ? 1 : 0};`);
        return [0, 0];
      }
      case 9 /* CMP_IMM */: this.sub(null, this.reg(d8), String(hw & 0xff)); return [0, 0];
      case 10 /* ADD_IMM8 */: this.add(d8, this.reg(d8), String(hw & 0xff)); return [0, 0];
      case 11 /* SUB_IMM8 */: this.sub(d8, this.reg(d8), String(hw & 0xff)); return [0, 0];
      case 12 /* AND */: return this.logic(d, `${this.reg(d)} & ${this.reg(m3)}`);
      case 13 /* EOR */: return this.logic(d, `${this.reg(d)} ^ ${this.reg(m3)}`);
      case 24 /* ORR */: return this.logic(d, `${this.reg(d)} | ${this.reg(m3)}`);
      case 26 /* BIC */: return this.logic(d, `${this.reg(d)} & ~${this.reg(m3)}`);
      case 27 /* MVN */: return this.logic(d, `~${this.reg(m3)}`);
      case 25 /* MUL */: return this.logic(d, `Math.imul(${this.reg(d)}, ${this.reg(m3)})`);
      case 20 /* TST */:
        this.line(`t = ${this.reg(d)} & ${this.reg(m3)};`);
        this.setNZ('t');
        return [0, 0];
      case 14 /* LSL_REG */:
        this.flags();
        this.line(`x = ${this.reg(m3)} & 0xff; t = ${this.reg(d)};`);
        this.line('if (x !== 0) { if (x < 32) { c = (t >>> (32 - x)) & 1; t = t << x; } else { c = x === 32 ? t & 1 : 0; t = 0; } }');
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      case 15 /* LSR_REG */:
        this.flags();
        this.line(`x = ${this.reg(m3)} & 0xff; t = ${this.reg(d)};`);
        this.line('if (x !== 0) { if (x < 32) { c = (t >>> (x - 1)) & 1; t = (t >>> x) | 0; } else { c = x === 32 ? t >>> 31 : 0; t = 0; } }');
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      case 16 /* ASR_REG */:
        this.flags();
        this.line(`x = ${this.reg(m3)} & 0xff; t = ${this.reg(d)};`);
        this.line('if (x !== 0) { if (x < 32) { c = (t >>> (x - 1)) & 1; t = t >> x; } else { c = t >>> 31; t = t >> 31; } }');
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      case 19 /* ROR */:
        this.flags();
        this.line(`x = ${this.reg(m3)} & 0xff; t = ${this.reg(d)};`);
        this.line('if (x !== 0) { y = x & 31; if (y !== 0) t = (t >>> y) | (t << (32 - y)); c = t >>> 31; }');
        this.setReg(d, 't');
        this.setNZ('t');
        return [0, 0];
      case 17 /* ADC */: this.addc(d, this.reg(d), this.reg(m3), 'c'); return [0, 0];
      case 18 /* SBC */: this.addc(d, this.reg(d), `~${this.reg(m3)}`, 'c'); return [0, 0];
      case 21 /* RSB */: this.sub(d, '0', this.reg(m3)); return [0, 0];
      case 22 /* CMP_REG */: this.sub(null, this.reg(d), this.reg(m3)); return [0, 0];
      case 23 /* CMN */: this.add(null, this.reg(d), this.reg(m3)); return [0, 0];
      case 28 /* ADD_HI */: {
        const dn = (hw & 7) | ((hw >>> 4) & 8);
        const sum = `(${this.regOrPc(dn)} + ${this.regOrPc((hw >>> 3) & 15)}) | 0`;
        if (dn === 15) {
          this.line(`t = ${sum};`);
          this.line(this.exit('t & ~1', 1));
          return [1, 0];
        }
        this.setReg(dn, dn === 13 ? `(${sum}) & ~3` : sum);
        return [0, 0];
      }
      case 29 /* CMP_HI */:
        this.sub(null, this.regOrPc((hw & 7) | ((hw >>> 4) & 8)), this.regOrPc((hw >>> 3) & 15));
        return [0, 0];
      case 30 /* MOV_HI */: {
        const dn = (hw & 7) | ((hw >>> 4) & 8);
        const val = this.regOrPc((hw >>> 3) & 15);
        if (dn === 15) {
          this.line(this.exit(`${val} & ~1`, 1));
          return [1, 0];
        }
        this.setReg(dn, dn === 13 ? `${val} & ~3` : val);
        return [0, 0];
      }
      case 31 /* BX */: {
        this.line(`t = ${this.regOrPc((hw >>> 3) & 15)};`);
        // Even targets fault and 0xFxxxxxxx may be an exception return: the interpreter does both.
        this.line(`if ((t & 1) === 0 || (t >>> 28) === 0xf) ${this.bail()}`);
        this.chargeFetch();
        this.line(this.exit('t & ~1', 1));
        return [1, 0];
      }
      case 32 /* BLX */: {
        this.line(`t = ${this.reg((hw >>> 3) & 15)};`);
        this.line(`if ((t & 1) === 0 || (t >>> 28) === 0xf) ${this.bail()}`);
        this.chargeFetch();
        this.setReg(14, String((this.pc + 2) | 1));
        this.line(this.exit('t & ~1', 1));
        return [1, 0];
      }
      case 33 /* LDR_LIT */: {
        const a = ((this.pc + 4) & ~3) + ((hw & 0xff) << 2);
        const o1 = (a - this.h.f1Base) >>> 0;
        if (o1 + 4 <= this.h.f1Size) {
          this.setReg(d8, `F1U32[${o1 >>> 2}] | 0`);
          return [1, 0];
        }
        this.setReg(d8, `F0U32[${((a - this.h.f0Base) >>> 0) >>> 2}] | 0`);
        this.lineCost(((a - this.h.f0Base) >>> 0) >>> FLASH_LINE_SHIFT);
        return [1, 1];
      }
      case 34 /* STR_REG */: this.store(4, `${this.reg(m3)} + ${this.reg(m6)}`, this.reg(d)); return [1, 0];
      case 35 /* STRH_REG */: this.store(2, `${this.reg(m3)} + ${this.reg(m6)}`, `${this.reg(d)} & 0xffff`); return [1, 0];
      case 36 /* STRB_REG */: this.store(1, `${this.reg(m3)} + ${this.reg(m6)}`, `${this.reg(d)} & 0xff`); return [1, 0];
      case 37 /* LDRSB_REG */: return this.loadTo(d, 1, `${this.reg(m3)} + ${this.reg(m6)}`, '(t << 24) >> 24');
      case 38 /* LDR_REG */: return this.loadTo(d, 4, `${this.reg(m3)} + ${this.reg(m6)}`, 't');
      case 39 /* LDRH_REG */: return this.loadTo(d, 2, `${this.reg(m3)} + ${this.reg(m6)}`, 't');
      case 40 /* LDRB_REG */: return this.loadTo(d, 1, `${this.reg(m3)} + ${this.reg(m6)}`, 't');
      case 41 /* LDRSH_REG */: return this.loadTo(d, 2, `${this.reg(m3)} + ${this.reg(m6)}`, '(t << 16) >> 16');
      case 42 /* STR_IMM */: this.store(4, `${this.reg(m3)} + ${(hw >>> 4) & 0x7c}`, this.reg(d)); return [1, 0];
      case 43 /* LDR_IMM */: return this.loadTo(d, 4, `${this.reg(m3)} + ${(hw >>> 4) & 0x7c}`, 't');
      case 44 /* STRB_IMM */: this.store(1, `${this.reg(m3)} + ${(hw >>> 6) & 0x1f}`, `${this.reg(d)} & 0xff`); return [1, 0];
      case 45 /* LDRB_IMM */: return this.loadTo(d, 1, `${this.reg(m3)} + ${(hw >>> 6) & 0x1f}`, 't');
      case 46 /* STRH_IMM */: this.store(2, `${this.reg(m3)} + ${(hw >>> 5) & 0x3e}`, `${this.reg(d)} & 0xffff`); return [1, 0];
      case 47 /* LDRH_IMM */: return this.loadTo(d, 2, `${this.reg(m3)} + ${(hw >>> 5) & 0x3e}`, 't');
      case 48 /* STR_SP */: this.store(4, `${this.reg(13)} + ${(hw & 0xff) << 2}`, this.reg(d8)); return [1, 0];
      case 49 /* LDR_SP */: return this.loadTo(d8, 4, `${this.reg(13)} + ${(hw & 0xff) << 2}`, 't');
      case 50 /* ADR */:
        this.setReg(d8, String((((this.pc + 4) & ~3) + ((hw & 0xff) << 2)) | 0));
        return [0, 0];
      case 51 /* ADD_SP_REG_IMM */: this.setReg(d8, `(${this.reg(13)} + ${(hw & 0xff) << 2}) | 0`); return [0, 0];
      case 52 /* ADD_SP_IMM */: this.setReg(13, `(${this.reg(13)} + ${(hw & 0x7f) << 2}) | 0`); return [0, 0];
      case 53 /* SUB_SP_IMM */: this.setReg(13, `(${this.reg(13)} - ${(hw & 0x7f) << 2}) | 0`); return [0, 0];
      case 54 /* SXTH */: this.setReg(d, `(${this.reg(m3)} << 16) >> 16`); return [0, 0];
      case 55 /* SXTB */: this.setReg(d, `(${this.reg(m3)} << 24) >> 24`); return [0, 0];
      case 56 /* UXTH */: this.setReg(d, `${this.reg(m3)} & 0xffff`); return [0, 0];
      case 57 /* UXTB */: this.setReg(d, `${this.reg(m3)} & 0xff`); return [0, 0];
      case 58 /* REV */:
        this.line(`x = ${this.reg(m3)};`);
        this.setReg(d, '((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)');
        return [0, 0];
      case 59 /* REV16 */:
        this.line(`x = ${this.reg(m3)};`);
        this.setReg(d, '((x & 0x00ff00ff) << 8) | ((x >>> 8) & 0x00ff00ff)');
        return [0, 0];
      case 60 /* REVSH */:
        this.line(`x = ${this.reg(m3)};`);
        this.setReg(d, '(((x & 0xff) << 24) >> 16) | ((x >>> 8) & 0xff)');
        return [0, 0];
      case 61 /* PUSH */: {
        const list = (hw & 0xff) | ((hw & 0x100) << 6);
        const regs = bits(list, 15);
        this.line(`x = (${this.reg(13)} - ${4 * regs.length}) | 0;`);
        this.multiCheck(regs.length, true);
        this.chargeFetch();
        this.line('o >>>= 2;');
        regs.forEach((n, k) => this.line(`F1U32[o + ${k}] = ${this.reg(n)};`));
        this.setReg(13, 'x');
        return [regs.length, 0];
      }
      case 62 /* POP */: {
        const list = (hw & 0xff) | ((hw & 0x100) << 7);
        const regs = bits(list, 16);
        const low = regs.filter((n) => n < 8);
        this.line(`x = ${this.reg(13)};`);
        this.multiCheck(regs.length, false);
        this.line('o >>>= 2;');
        if (list & 0x8000) {
          this.line(`t = F1U32[o + ${regs.length - 1}] | 0;`);
          this.line(`if ((t & 1) === 0 || (t >>> 28) === 0xf) ${this.bail()}`);
        }
        this.chargeFetch();
        low.forEach((n, k) => this.setReg(n, `F1U32[o + ${k}] | 0`));
        this.setReg(13, `(x + ${4 * regs.length}) | 0`);
        if (list & 0x8000) {
          this.line(this.exit('t & ~1', low.length + 3));
          return [low.length + 3, 0];
        }
        return [low.length, 0];
      }
      case 70 /* STM */: {
        const n = (hw >>> 8) & 7;
        const regs = bits(hw & 0xff, 8);
        this.line(`x = ${this.reg(n)};`);
        this.multiCheck(regs.length, true);
        this.chargeFetch();
        this.line('o >>>= 2;');
        regs.forEach((r, k) => this.line(`F1U32[o + ${k}] = ${this.reg(r)};`));
        this.setReg(n, `(x + ${4 * regs.length}) | 0`);
        return [regs.length, 0];
      }
      case 71 /* LDM */: {
        const n = (hw >>> 8) & 7;
        const regs = bits(hw & 0xff, 8);
        this.line(`x = ${this.reg(n)};`);
        this.multiCheck(regs.length, false);
        this.chargeFetch();
        this.line('o >>>= 2;');
        if ((hw & (1 << n)) === 0) this.setReg(n, `(x + ${4 * regs.length}) | 0`);
        regs.forEach((r, k) => this.setReg(r, `F1U32[o + ${k}] | 0`));
        return [regs.length, 0];
      }
      case 65: /* NOP */
      case 66: /* YIELD */
        return [0, 0];
      case 72 /* B_COND */: {
        const target = this.pc + 4 + (((hw & 0xff) << 24) >> 23);
        const cond = this.condition((hw >>> 8) & 0xf);
        if (this.nextPc === target && target !== this.pc + 2) {
          // The block follows the taken path; not taken leaves it.
          this.line(`if (!(${cond})) ${this.exit(this.pc + 2, 0)}`);
          return [1, 0];
        }
        // Not taken: on to the next instruction of the block (or its end).
        this.line(`if (${cond}) ${this.taken(target, 1)}`);
        return [0, 0];
      }
      case 75 /* B */: {
        const target = this.pc + 4 + (((hw & 0x7ff) << 21) >> 20);
        if (!followed) this.line(this.taken(target, 1));
        return [1, 0];
      }
      case 76 /* T32: BL */: {
        this.setReg(14, String((this.pc + 4) | 1));
        if (!followed) this.line(this.taken(blTarget(this.pc, hw, hw2), 2));
        return [2, 0];
      }
      default:
        throw new Error(`translator: op ${op} (0x${hw.toString(16)}) at ${hex(this.pc)} is not translatable`);
    }
  }

  /** A taken branch: loops back in place when it targets the block's own start. */
  private taken(target: number, extra: number): string {
    return this.jump(target, this.i + 1, this.s + 1 + extra);
  }

  /**
   * Goes on at `target` after `n` instructions costing `cost` static cycles (their flash costs
   * are in `w`): loops back in place when `target` is the block's start and the next iteration
   * fits before the deadline, else leaves the block.
   */
  private jump(target: number, n: number, cost: number): string {
    const t = this.traceAt.get(target);
    if (t === undefined) return `{ ep = ${hex(target)}; lk = ${this.link(target)}; ei = ${n}; es = ${cost}; break body; }`;
    return (
      `{ c0 += ${cost} + w; w = 0; ins += ${n};` +
      ` if (c0 >= lim${t}) { ep = ${hex(target)}; lk = ${this.link(target)}; ei = 0; es = 0; break body; }` +
      ` tr = ${t}; continue body; }`
    );
  }

  private logic(d: number, expr: string): [number, number] {
    this.line(`t = ${expr};`);
    this.setReg(d, 't');
    this.setNZ('t');
    return [0, 0];
  }

  private loadTo(d: number, size: 1 | 2 | 4, addr: string, value: string): [number, number] {
    this.load(size, addr);
    this.setReg(d, value);
    this.slowDest = d;
    return [1, 1];
  }
}

function bits(list: number, limit: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < limit; i++) if (list & (1 << i)) out.push(i);
  return out;
}
