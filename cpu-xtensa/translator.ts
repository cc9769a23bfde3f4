/**
 * Block translator for the LX106 core (`--cpu jit`): hot straight-line Xtensa code compiled
 * into JavaScript functions. The same design as the Cortex-M0+ translator (cpu-armv6m), with
 * a narrower instruction set:
 *
 * - A *block* starts at an address the run loop dispatches to and runs on to its first branch,
 *   jump, call or return (which ends it), or stops before the first instruction it leaves to
 *   the interpreter (special registers, exceptions, WAITI, RFE/RFI, SIMCALL, BREAK, IBREAK, an
 *   undecodable or faulting fetch), or after MAX_BLOCK_INSTRUCTIONS. A branch or J back to the
 *   block's own start loops inside the function. Translated: the ALU, shifts and SAR, MUL16/
 *   MULL, NSA, EXTUI, conditional moves, L8UI/L16UI/L16SI/L32I/L32R, S8I/S16I/S32I, every
 *   branch, J, JX, CALL0, CALLX0, RET and NOP (narrow forms included).
 * - Registers live in locals; the block writes back what it changed at every exit.
 * - Loads and stores use the core's own page maps: an access outside a fast memory, a
 *   misaligned one, one on the page a data breakpoint watches (taken out of the maps, DBREAK),
 *   or a store into a page holding decoded code *bails out*: the block writes back its state as
 *   it was before that instruction and the interpreter executes it (with its exceptions).
 * - Time: the cycle model is static (README.md: 1 per instruction, MULL 2, taken branches and
 *   jumps 3), and nothing a block does can move the scheduler's deadline, so a block is entered
 *   only if its last instruction starts before the deadline, as the interpreter (which checks
 *   before each instruction) would run it. CCOUNT (scheduler cycles), CCOMPARE0 (a scheduler
 *   event) and the instruction count are therefore exact at every exit. ICOUNT stepping runs
 *   in the interpreter (the core uses the translator only while ICOUNTLEVEL is 0); IBREAK is
 *   decoded as its own operation, which blocks stop before, and moving IBREAKA0 invalidates.
 * - Cold code stays in the interpreter (an entry is compiled after `threshold` dispatches).
 *   Writes into code (stores, Memory.onWrite, LITBASE changes) drop the blocks of that 4 KiB
 *   page; after MAX_COMPILES compilations the whole cache is dropped, so compiled code cannot
 *   grow without bound. Where `new Function` is refused (a CSP) the core interprets.
 */
import { B4CONST, B4CONSTU } from './constants.js';
import { OP } from './decode.js';

export const MAX_BLOCK_INSTRUCTIONS = 32;
/** Compilations after which every block is dropped and the hot ones compiled again. */
export const MAX_COMPILES = 4096;
const PAGE_SHIFT = 12;
const SLOT_BITS = 16;
export const SLOT_MASK = (1 << SLOT_BITS) - 1;
/** Cycles the interpreter runs per dispatch of an entry that is never compiled. */
const COLD_STRETCH = 64;

/** What a block returns: it ran (core.pc is the next instruction)... */
export const BLOCK_DONE = 0;
/** ...it stopped before an instruction the interpreter must execute (core.pc)... */
export const BLOCK_BAIL = 1;
/** ...or it did not run, because its last instruction would start after the deadline. */
export const BLOCK_NOFIT = 2;

/** What the translator and its blocks use of the core. */
export interface Lx106TranslatorHost {
  readonly a: Int32Array;
  readonly scheduler: { cycles: number; deadline: number };
  pc: number;
  sar: number;
  instructions: number;
  readonly pageR: Uint8Array;
  readonly pageW: Uint8Array;
  readonly codePage: Uint8Array;
  readonly memBase: number[];
  readonly memU8: Uint8Array[];
  readonly memU16: Uint16Array[];
  readonly memU32: Uint32Array[];
  /**
   * The decoded instruction at `pc` in fast memory (through the decode cache): op, packed
   * operands, immediate, length in bytes; false when it cannot be fetched from fast memory.
   */
  decodedAt(pc: number, out: Int32Array): boolean;
}

export type Lx106BlockFn = (core: Lx106TranslatorHost) => number;

/** A dispatch target. */
export class Lx106Entry {
  hits = 0;
  fn: Lx106BlockFn | null = null;
  /** Cycles the interpreter runs for this entry while it is cold (up to the block's end). */
  coldCycles = -1;
  constructor(readonly pc: number) {}
}

/** Compiled functions by source, shared by every core in the process (bounded). */
const SHARED = new Map<string, Lx106BlockFn>();
const MAX_SHARED_FUNCTIONS = 4096;

export class Lx106Translator {
  /** Set when `new Function` is refused: the core interprets. */
  unavailable = false;
  /** Blocks compiled since the cache was last dropped. */
  compiles = 0;
  /** Direct-mapped entries by the low PC bits. */
  slots: (Lx106Entry | null)[] = [];
  /** Per 4 KiB page: the entries compiled from it. */
  private pages = new Map<number, Lx106Entry[]>();
  private readonly out = new Int32Array(4);

  constructor(
    private readonly host: Lx106TranslatorHost,
    public threshold: number,
  ) {
    this.flush();
  }

  /** Drops every block (reset, LITBASE change, the compile limit). */
  flush(): void {
    this.slots = new Array<Lx106Entry | null>(1 << SLOT_BITS).fill(null);
    this.pages.clear();
    this.compiles = 0;
  }

  /** The entry for `pc` (replacing whatever held its slot). */
  entry(pc: number): Lx106Entry {
    const i = pc & SLOT_MASK;
    let e = this.slots[i];
    if (e === null || e.pc !== pc) {
      e = new Lx106Entry(pc);
      this.slots[i] = e;
    }
    return e;
  }

  /** Bytes [address, address + size) changed: drop the blocks compiled from their pages. */
  invalidate(address: number, size: number): void {
    if (this.pages.size === 0) return;
    const first = (address - 2) >>> PAGE_SHIFT;
    const last = (address + size - 1) >>> PAGE_SHIFT;
    for (let p = first; p <= last; p++) {
      const list = this.pages.get(p);
      if (!list) continue;
      this.pages.delete(p);
      for (const e of list) {
        e.fn = null;
        e.hits = 0;
        e.coldCycles = -1;
      }
    }
  }

  /**
   * Cycles the interpreter runs for the cold entry `e`: up to and including the last
   * instruction of its block (the interpreter stops at the first boundary at or past them), so
   * that the next dispatch is to the block's successor.
   */
  coldCycles(e: Lx106Entry): number {
    if (e.hits < 0) return COLD_STRETCH;
    if (e.coldCycles < 0) {
      const block = this.scan(e.pc);
      e.coldCycles = Math.max(1, block.pre + 1);
    }
    return e.coldCycles;
  }

  /** Compiles `e` (leaves fn null when its first instruction is not translated). */
  compile(e: Lx106Entry): void {
    e.hits = -0x7fffffff;
    const block = this.scan(e.pc);
    if (block.ops.length === 0) return;
    if (this.compiles >= MAX_COMPILES) {
      this.flush();
      this.slots[e.pc & SLOT_MASK] = e;
    }
    const source = generate(block);
    let fn = SHARED.get(source);
    if (!fn) {
      try {
        fn = new Function('core', source) as Lx106BlockFn;
      } catch (err) {
        if (err instanceof SyntaxError) throw err; // a translator bug: never hide it
        this.unavailable = true;
        return;
      }
      if (SHARED.size >= MAX_SHARED_FUNCTIONS) SHARED.clear();
      SHARED.set(source, fn);
    }
    e.fn = fn;
    this.compiles++;
    for (const p of block.pages) {
      let list = this.pages.get(p);
      if (!list) this.pages.set(p, (list = []));
      list.push(e);
    }
  }

  /** The instructions of the block at `start`. */
  private scan(start: number): Block {
    const out = this.out;
    const block: Block = { start, ops: [], pre: 0, pages: new Set<number>(), ends: false };
    let pc = start;
    while (block.ops.length < MAX_BLOCK_INSTRUCTIONS) {
      if (!this.host.decodedAt(pc, out)) break;
      const [op, arg, imm, length] = out;
      const kind = KIND[op] ?? Kind.Stop;
      if (kind === Kind.Stop) break;
      if (block.ops.length > 0) block.pre += block.ops[block.ops.length - 1]!.cost;
      block.ops.push({ pc, op, arg, imm, length, cost: op === OP.MULL ? 2 : 1 });
      block.pages.add((pc >>> 0) >>> PAGE_SHIFT);
      block.pages.add(((pc + length - 1) >>> 0) >>> PAGE_SHIFT);
      pc = (pc + length) | 0;
      if (kind === Kind.Branch) {
        block.ends = true;
        break;
      }
    }
    block.next = pc;
    return block;
  }
}

interface Instr {
  pc: number;
  op: number;
  arg: number;
  imm: number;
  length: number;
  /** Cycles when it does not branch. */
  cost: number;
}

interface Block {
  start: number;
  ops: Instr[];
  /** Static cycles of every instruction but the last (the fit check). */
  pre: number;
  pages: Set<number>;
  /** True when the last instruction is a branch or jump. */
  ends: boolean;
  /** Address after the last instruction. */
  next?: number;
}

const enum Kind {
  Stop = 0,
  Plain = 1,
  Branch = 2,
}

const KIND: Kind[] = [];
for (let op = OP.NOP; op <= OP.MOVGEZ; op++) KIND[op] = Kind.Plain;
for (let op = OP.L8UI; op <= OP.S32I; op++) KIND[op] = Kind.Plain;
for (let op = OP.BEQZ; op <= OP.RET; op++) KIND[op] = Kind.Branch;


const hex = (v: number): string => '0x' + (v >>> 0).toString(16);
/** Placeholder for the write-back of changed registers at an exit. */
const WB = '/*wb*/';

/** JavaScript source of a block function (argument `core`). */
function generate(block: Block): string {
  const used = new Set<number>();
  const written = new Set<number>();
  let sarUsed = false;
  let sarWritten = false;
  const r = (n: number): string => {
    used.add(n);
    return `a${n}`;
  };
  const w = (n: number, expr: string): string => {
    used.add(n);
    written.add(n);
    return `a${n} = ${expr};`;
  };
  const sar = (): string => {
    sarUsed = true;
    return 'sar';
  };
  const setSar = (expr: string): string => {
    sarUsed = sarWritten = true;
    return `sar = ${expr};`;
  };
  const lines: string[] = [];
  let cycles = 0; // static cycles of the instructions before the current one
  const exit = (pcExpr: string, count: number, cyc: number): string =>
    `{ ${WB} s.cycles = c0 + c + ${cyc}; core.instructions += n + ${count}; core.pc = ${pcExpr}; return ${BLOCK_DONE}; }`;
  const bailAt = (k: number, pc: number, cyc: number): string =>
    `{ ${WB} s.cycles = c0 + c + ${cyc}; core.instructions += n + ${k}; core.pc = ${hex(pc) + ' | 0'}; return ${BLOCK_BAIL}; }`;
  // A taken branch to `target` after `count` instructions costing `cyc` cycles.
  const taken = (target: number, count: number, cyc: number): string => {
    if (target !== block.start) return exit(`${hex(target)} | 0`, count, cyc);
    return `{ c += ${cyc}; n += ${count}; if (c0 + c + ${block.pre} >= dl) ${exit(`${hex(target)} | 0`, 0, 0)} continue; }`;
  };

  block.ops.forEach((ins, k) => {
    const { pc, op, arg: f, imm } = ins;
    const d = f & 31;
    const sr = (f >> 5) & 31;
    const t = (f >> 10) & 31;
    const after = cycles + ins.cost;
    const bail = bailAt(k, pc, cycles);
    const next = `${hex((pc + ins.length) | 0)} | 0`;
    switch (op) {
      case OP.NOP: break;
      case OP.ADD: lines.push(w(d, `(${r(sr)} + ${r(t)}) | 0`)); break;
      case OP.ADDX2: lines.push(w(d, `((${r(sr)} << 1) + ${r(t)}) | 0`)); break;
      case OP.ADDX4: lines.push(w(d, `((${r(sr)} << 2) + ${r(t)}) | 0`)); break;
      case OP.ADDX8: lines.push(w(d, `((${r(sr)} << 3) + ${r(t)}) | 0`)); break;
      case OP.SUB: lines.push(w(d, `(${r(sr)} - ${r(t)}) | 0`)); break;
      case OP.SUBX2: lines.push(w(d, `((${r(sr)} << 1) - ${r(t)}) | 0`)); break;
      case OP.SUBX4: lines.push(w(d, `((${r(sr)} << 2) - ${r(t)}) | 0`)); break;
      case OP.SUBX8: lines.push(w(d, `((${r(sr)} << 3) - ${r(t)}) | 0`)); break;
      case OP.AND: lines.push(w(d, `${r(sr)} & ${r(t)}`)); break;
      case OP.OR: lines.push(w(d, `${r(sr)} | ${r(t)}`)); break;
      case OP.XOR: lines.push(w(d, `${r(sr)} ^ ${r(t)}`)); break;
      case OP.NEG: lines.push(w(d, `(-${r(sr)}) | 0`)); break;
      case OP.ABS: lines.push(w(d, `${r(sr)} < 0 ? (-${r(sr)}) | 0 : ${r(sr)}`)); break;
      case OP.ADDI: lines.push(w(d, `(${r(sr)} + ${imm}) | 0`)); break;
      case OP.MOVI: lines.push(w(d, String(imm | 0))); break;
      case OP.MOV: lines.push(w(d, r(sr))); break;
      case OP.SLLI: lines.push(w(d, `${r(sr)} << ${imm}`)); break;
      case OP.SRLI: lines.push(w(d, `(${r(sr)} >>> ${imm}) | 0`)); break;
      case OP.SRAI: lines.push(w(d, `${r(sr)} >> ${imm}`)); break;
      case OP.SRC:
        lines.push(`x = ${r(sr)}; y = ${r(t)}; m = ${sar()};`);
        lines.push(w(d, '(m === 0 ? y : m < 32 ? (y >>> m) | (x << (32 - m)) : m === 32 ? x : x >>> (m - 32)) | 0'));
        break;
      case OP.SRL: lines.push(w(d, `${sar()} < 32 ? (${r(sr)} >>> sar) | 0 : 0`)); break;
      case OP.SLL: lines.push(`m = (32 - ${sar()}) & 63;`, w(d, `m < 32 ? ${r(sr)} << m : 0`)); break;
      case OP.SRA: lines.push(w(d, `${r(sr)} >> (${sar()} < 32 ? sar : 31)`)); break;
      case OP.SSR: lines.push(setSar(`${r(sr)} & 31`)); break;
      case OP.SSL: lines.push(setSar(`32 - (${r(sr)} & 31)`)); break;
      case OP.SSA8L: lines.push(setSar(`(${r(sr)} & 3) << 3`)); break;
      case OP.SSA8B: lines.push(setSar(`32 - ((${r(sr)} & 3) << 3)`)); break;
      case OP.SSAI: lines.push(setSar(String(imm))); break;
      case OP.MUL16U: lines.push(w(d, `Math.imul(${r(sr)} & 0xffff, ${r(t)} & 0xffff)`)); break;
      case OP.MUL16S: lines.push(w(d, `Math.imul((${r(sr)} << 16) >> 16, (${r(t)} << 16) >> 16)`)); break;
      case OP.MULL: lines.push(w(d, `Math.imul(${r(sr)}, ${r(t)})`)); break;
      case OP.NSA: lines.push(`x = ${r(sr)};`, w(d, 'Math.clz32(x < 0 ? ~x : x) - 1')); break;
      case OP.NSAU: lines.push(w(d, `Math.clz32(${r(sr)})`)); break;
      case OP.EXTUI: lines.push(w(d, `(${r(sr)} >>> ${imm & 31}) & ${imm >>> 5}`)); break;
      case OP.MOVEQZ: lines.push(`if (${r(t)} === 0) ${w(d, r(sr))}`); break;
      case OP.MOVNEZ: lines.push(`if (${r(t)} !== 0) ${w(d, r(sr))}`); break;
      case OP.MOVLTZ: lines.push(`if (${r(t)} < 0) ${w(d, r(sr))}`); break;
      case OP.MOVGEZ: lines.push(`if (${r(t)} >= 0) ${w(d, r(sr))}`); break;
      case OP.L8UI:
      case OP.L16UI:
      case OP.L16SI:
      case OP.L32I:
      case OP.L32R: {
        const size = op === OP.L8UI ? 1 : op === OP.L32I || op === OP.L32R ? 4 : 2;
        const view = size === 1 ? 'U8' : size === 2 ? 'U16' : 'U32';
        const shift = size === 1 ? '' : size === 2 ? ' >>> 1' : ' >>> 2';
        const addr = op === OP.L32R ? `${hex(imm)}` : `(${r(sr)} + ${imm}) >>> 0`;
        lines.push(`x = ${addr}; m = PR[x >>> ${PAGE_SHIFT}];`);
        lines.push(`if (m === 0${size > 1 ? ` || (x & ${size - 1}) !== 0` : ''}) ${bail}`);
        const value = `M${view}[m][(x - MB[m])${shift}]`;
        lines.push(w(d, op === OP.L16SI ? `(${value} << 16) >> 16` : `${value} | 0`));
        break;
      }
      case OP.S8I:
      case OP.S16I:
      case OP.S32I: {
        const size = op === OP.S8I ? 1 : op === OP.S16I ? 2 : 4;
        const view = size === 1 ? 'U8' : size === 2 ? 'U16' : 'U32';
        const shift = size === 1 ? '' : size === 2 ? ' >>> 1' : ' >>> 2';
        lines.push(`x = (${r(sr)} + ${imm}) >>> 0; m = PW[x >>> ${PAGE_SHIFT}];`);
        // A store into a page holding decoded code is the interpreter's (it invalidates).
        lines.push(`if (m === 0${size > 1 ? ` || (x & ${size - 1}) !== 0` : ''} || CP[x >>> ${PAGE_SHIFT}] !== 0) ${bail}`);
        lines.push(`M${view}[m][(x - MB[m])${shift}] = ${r(d)};`);
        break;
      }
      case OP.J:
        lines.push(taken(imm, k + 1, after + 2));
        break;
      case OP.JX:
        lines.push(exit(r(sr), k + 1, after + 2));
        break;
      case OP.CALL0:
        lines.push(w(0, `${hex((pc + 3) | 0)} | 0`));
        lines.push(exit(`${hex(imm)} | 0`, k + 1, after + 2));
        break;
      case OP.CALLX0:
        lines.push(`x = ${r(sr)};`, w(0, `${hex((pc + 3) | 0)} | 0`));
        lines.push(exit('x', k + 1, after + 2));
        break;
      case OP.RET:
        lines.push(exit(r(0), k + 1, after + 2));
        break;
      default: {
        const cond = branchCondition(op, r(sr), t, r);
        lines.push(`if (${cond}) ${taken(imm, k + 1, after + 2)}`);
        lines.push(exit(next, k + 1, after));
      }
    }
    cycles = after;
  });
  if (!block.ends) {
    const last = block.ops.length;
    if (last < MAX_BLOCK_INSTRUCTIONS) lines.push(bailAt(last, block.next!, cycles));
    else lines.push(exit(`${hex(block.next!)} | 0`, last, cycles));
  }
  const regs = [...used].sort((x, y) => x - y);
  const wb = [...[...written].sort((x, y) => x - y).map((n) => `A[${n}] = a${n};`), ...(sarWritten ? ['core.sar = sar;'] : [])].join(' ');
  const body = lines.join('\n').replaceAll(WB, wb);
  return [
    'const s = core.scheduler, A = core.a;',
    'const PR = core.pageR, PW = core.pageW, CP = core.codePage, MB = core.memBase;',
    'const MU8 = core.memU8, MU16 = core.memU16, MU32 = core.memU32;',
    'const c0 = s.cycles, dl = s.deadline;',
    `if (c0 + ${block.pre} >= dl) return ${BLOCK_NOFIT};`,
    ...(regs.length ? [`let ${regs.map((n) => `a${n} = A[${n}]`).join(', ')};`] : []),
    ...(sarUsed ? ['let sar = core.sar;'] : []),
    'let c = 0, n = 0, x = 0, y = 0, m = 0;',
    'for (;;) {',
    body,
    '}',
  ].join('\n');
}

/** The condition of a conditional branch (operands s, t as in the interpreter). */
function branchCondition(op: number, s: string, t: number, r: (n: number) => string): string {
  switch (op) {
    case OP.BEQZ: return `${s} === 0`;
    case OP.BNEZ: return `${s} !== 0`;
    case OP.BLTZ: return `${s} < 0`;
    case OP.BGEZ: return `${s} >= 0`;
    case OP.BEQI: return `${s} === ${B4CONST[t]}`;
    case OP.BNEI: return `${s} !== ${B4CONST[t]}`;
    case OP.BLTI: return `${s} < ${B4CONST[t]}`;
    case OP.BGEI: return `${s} >= ${B4CONST[t]}`;
    case OP.BLTUI: return `${s} >>> 0 < ${B4CONSTU[t]}`;
    case OP.BGEUI: return `${s} >>> 0 >= ${B4CONSTU[t]}`;
    case OP.BNONE: return `(${s} & ${r(t)}) === 0`;
    case OP.BANY: return `(${s} & ${r(t)}) !== 0`;
    case OP.BALL: return `(${s} & ${r(t)}) === ${r(t)}`;
    case OP.BNALL: return `(${s} & ${r(t)}) !== ${r(t)}`;
    case OP.BEQ: return `${s} === ${r(t)}`;
    case OP.BNE: return `${s} !== ${r(t)}`;
    case OP.BLT: return `${s} < ${r(t)}`;
    case OP.BGE: return `${s} >= ${r(t)}`;
    case OP.BLTU: return `${s} >>> 0 < ${r(t)} >>> 0`;
    case OP.BGEU: return `${s} >>> 0 >= ${r(t)} >>> 0`;
    case OP.BBC: return `(${s} & (1 << (${r(t)} & 31))) === 0`;
    case OP.BBS: return `(${s} & (1 << (${r(t)} & 31))) !== 0`;
    case OP.BBCI: return `(${s} & ${hex(1 << t)}) === 0`;
    case OP.BBSI: return `(${s} & ${hex(1 << t)}) !== 0`;
    default: throw new Error(`lx106 translator: op ${op} is not a conditional branch`);
  }
}
