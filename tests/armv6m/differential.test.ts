/**
 * Differential test of the ARMv6-M core against QEMU.
 *
 * For a few fixed seeds, a seeded PRNG generates sequences of ~16 random
 * ARMv6-M instructions (every data-processing form, high-register MOV/ADD/CMP,
 * extends and reverses, ADR, SP arithmetic, loads/stores of every width and
 * addressing form against a scratch buffer, PUSH/POP, LDM/STM, conditional
 * and unconditional branches over one instruction, MRS APSR).  Each sequence
 * is wrapped in harness code that sets r0-r12, LR, SP, the flags and the
 * memory it may touch, runs it, and then writes a binary record of r0-r12,
 * LR, SP, APSR and that memory to the semihosting ":tt" handle.  The image
 * (vector table + code, as a minimal ELF) runs on `qemu-system-arm -M
 * microbit` (a Cortex-M0) and on circuitemu's `test-m0`; the records must be
 * identical.  On a mismatch the sequence is printed with its encodings,
 * initial state and both results.
 *
 * Without qemu-system-arm on PATH the test is skipped with a message, except
 * under CI (process.env.CI), where that is a failure.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from '../helpers/thumb-asm.js';
import type { Insn } from '../helpers/thumb-asm.js';
import { runFirmware } from '../../emulator/run.js';
import { forEachCpuMode } from './cpu-modes.js';

// ---- parameters ------------------------------------------------------------------

/** Fixed seeds, so every run tests the same programs.  For a longer soak run set
 *  DIFF_SEEDS=<n> to use seeds 0x5eed0001..0x5eed0000+n instead. */
const SEED_COUNT = Number(process.env.DIFF_SEEDS ?? 6);
const SEEDS = Array.from({ length: SEED_COUNT > 0 ? SEED_COUNT : 6 }, (_, i) => 0x5eed0001 + i);
const SEQUENCES_PER_SEED = 100;
const BODY_LENGTH = 16;

// ---- memory layout (fits QEMU micro:bit's 16 KiB of RAM) ---------------------------

const CODE_ORIGIN = 0x100;                // vector table and constant data below
const INITIAL_MSP = 0x20004000;
const WRITE_ARGS = 0x20000100;            // SYS_WRITE argument block {handle, buf, len}
const BASE = 0x20001000;                  // r7: the scratch buffer
const SCRATCH_BYTES = 64;                 // [BASE, BASE+64): what the sequences load/store
const SAVE = BASE + 64;                   // [BASE+64, BASE+128): registers saved by the epilogue
const STACK_LO = BASE + 128;              // [STACK_LO, STACK_HI): the sequences' stack
const STACK_HI = BASE + 640;
const STACK_INIT = STACK_LO + 256;
const RECORD_BYTES = STACK_HI - BASE;     // one record = the whole region, 640 bytes
const RECORD_WORDS = RECORD_BYTES / 4;

// word indexes inside a record
const REC_REG = [16, 17, 18, 19, 20, 21, 22, -1, 24, 25, 26, 27, 28]; // r0..r12 (r7 is pinned)
const REC_APSR = 23;
const REC_SP = 29;
const REC_LR = 30;
const REC_INDEX = 31;
const REC_STACK = (STACK_LO - BASE) / 4;

const SYS_OPEN = 0x01;
const SYS_WRITE = 0x05;
const SYS_EXIT = 0x18;
const ADP_STOPPED_APPLICATION_EXIT = 0x20026;
const ADP_STOPPED_RUNTIME_ERROR = 0x20023;

// ---- seeded PRNG (xorshift32) ---------------------------------------------------------

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`Rng.int(${n})`);
    return this.next() % n;
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<V>(items: readonly V[]): V {
    return items[this.int(items.length)]!;
  }
  subset(items: readonly number[], min: number, max: number): number[] {
    const pool = [...items];
    const n = this.range(min, Math.min(max, pool.length));
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(pool.splice(this.int(pool.length), 1)[0]!);
    return out.sort((a, b) => a - b);
  }
}

const EDGE_VALUES = [
  0, 1, 2, 3, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x80000001, 31, 32, 33, 255, 256,
  0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0xffffff20, 0xffffff21, 0xffffffe0,
  0x12345678, 0x55555555, 0xaaaaaaaa,
];

function randomValue(rng: Rng): number {
  return rng.chance(0.45) ? rng.pick(EDGE_VALUES) : rng.next();
}

// ---- sequence generation -------------------------------------------------------------

interface Sequence {
  index: number;
  /** r0..r12 (r7 is forced to BASE), LR, NZCV (bits 3..0), scratch fill seed */
  regs: number[];
  lr: number;
  nzcv: number;
  fillSeed: number;
  body: Insn[];
  /** instruction forms used, for the coverage check */
  forms: string[];
  /** address of the first body instruction (filled in when assembled) */
  addr: number;
}

const LOW_DST = [0, 1, 2, 3, 4, 5, 6];          // r7 is the pinned base pointer
const LOW_SRC = [0, 1, 2, 3, 4, 5, 6, 7];
const HIGH_DST = [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14];
const ANY_SRC = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const ALU_WRITES: readonly T.AluOp[] = T.ALU_OPS.filter((o) => o !== 'tst' && o !== 'cmp' && o !== 'cmn');
const SHIFT_OPS: readonly T.AluOp[] = ['lsls', 'lsrs', 'asrs', 'rors'];
const SHIFT_AMOUNTS = [0, 1, 7, 8, 31, 32, 33, 63, 64, 128, 255];

class SequenceGenerator {
  private sp = STACK_INIT;
  readonly body: Insn[] = [];
  readonly forms: string[] = [];

  constructor(private readonly rng: Rng) {}

  private add(form: string, ...insns: Insn[]): void {
    this.forms.push(form);
    this.body.push(...insns);
  }

  /** One instruction that does not touch memory, SP or the PC (used after a branch). */
  private simple(): [string, Insn] {
    const g = this.rng;
    switch (g.int(6)) {
      case 0: {
        const op = g.pick(T.ALU_OPS);
        const rdn = ALU_WRITES.includes(op) ? g.pick(LOW_DST) : g.pick(LOW_SRC);
        return [`alu ${op}`, T.alu(op, rdn, g.pick(LOW_SRC))];
      }
      case 1:
        return ['adds imm8', T.addsImm8(g.pick(LOW_DST), g.int(256))];
      case 2:
        return ['movs imm8', T.movsImm(g.pick(LOW_DST), g.int(256))];
      case 3:
        return ['subs reg', T.subsReg(g.pick(LOW_DST), g.pick(LOW_SRC), g.pick(LOW_SRC))];
      case 4:
        return ['mov hi', T.movHi(g.pick(HIGH_DST), g.pick(ANY_SRC.filter((r) => r !== 15)))];
      default:
        return ['lsls imm', T.lslsImm(g.pick(LOW_DST), g.pick(LOW_SRC), g.int(32))];
    }
  }

  /** A base register holding BASE: r7 itself, or a copy made with MOV. */
  private base(allowR7 = true): number {
    if (allowR7 && this.rng.chance(0.3)) return 7;
    const rb = this.rng.pick(LOW_DST);
    this.body.push(T.movHi(rb, 7));
    return rb;
  }

  /** Appends one generated item (1-3 instructions). */
  step(): void {
    const g = this.rng;
    const kind = g.int(100);
    if (kind < 6) {
      const which = g.int(3);
      const rd = g.pick(LOW_DST);
      const rm = g.pick(LOW_SRC);
      const edge = g.chance(0.4);
      if (which === 0) this.add('lsls imm', T.lslsImm(rd, rm, edge ? g.pick([0, 1, 31]) : g.int(32)));
      else if (which === 1) this.add('lsrs imm', T.lsrsImm(rd, rm, edge ? g.pick([1, 31, 32]) : g.range(1, 32)));
      else this.add('asrs imm', T.asrsImm(rd, rm, edge ? g.pick([1, 31, 32]) : g.range(1, 32)));
    } else if (kind < 11) {
      const rd = g.pick(LOW_DST);
      if (g.chance(0.5)) this.add('adds reg', T.addsReg(rd, g.pick(LOW_SRC), g.pick(LOW_SRC)));
      else this.add('subs reg', T.subsReg(rd, g.pick(LOW_SRC), g.pick(LOW_SRC)));
    } else if (kind < 15) {
      const rd = g.pick(LOW_DST);
      if (g.chance(0.5)) this.add('adds imm3', T.addsImm3(rd, g.pick(LOW_SRC), g.int(8)));
      else this.add('subs imm3', T.subsImm3(rd, g.pick(LOW_SRC), g.int(8)));
    } else if (kind < 21) {
      const which = g.int(4);
      const imm = g.chance(0.3) ? g.pick([0, 1, 0x7f, 0x80, 0xff]) : g.int(256);
      if (which === 0) this.add('movs imm8', T.movsImm(g.pick(LOW_DST), imm));
      else if (which === 1) this.add('cmp imm8', T.cmpImm(g.pick(LOW_SRC), imm));
      else if (which === 2) this.add('adds imm8', T.addsImm8(g.pick(LOW_DST), imm));
      else this.add('subs imm8', T.subsImm8(g.pick(LOW_DST), imm));
    } else if (kind < 41) {
      const op = g.pick(T.ALU_OPS);
      const rdn = ALU_WRITES.includes(op) ? g.pick(LOW_DST) : g.pick(LOW_SRC);
      let rm = g.pick(LOW_SRC);
      if (SHIFT_OPS.includes(op) && g.chance(0.5)) {
        // make the shift amount (bottom byte of Rm) an edge case
        rm = g.pick(LOW_DST);
        this.body.push(T.movsImm(rm, g.pick(SHIFT_AMOUNTS)));
      }
      this.add(`alu ${op}`, T.alu(op, rdn, rm));
    } else if (kind < 49) {
      const which = g.int(3);
      if (which === 0) {
        this.add('mov hi', T.movHi(g.pick(HIGH_DST), g.pick(ANY_SRC)));
      } else if (which === 1) {
        this.add('add hi', T.addHi(g.pick(HIGH_DST), g.pick(ANY_SRC)));
      } else {
        let rn: number;
        let rm: number;
        do {
          rn = g.pick(ANY_SRC.filter((r) => r !== 15));
          rm = g.pick(ANY_SRC.filter((r) => r !== 15));
        } while (rn < 8 && rm < 8);
        this.add('cmp hi', T.cmpHi(rn, rm));
      }
    } else if (kind < 54) {
      if (g.chance(4 / 7)) {
        const op = g.pick(T.EXTEND_OPS);
        this.add(op, T.extend(op, g.pick(LOW_DST), g.pick(LOW_SRC)));
      } else {
        const op = g.pick(['rev', 'rev16', 'revsh'] as const);
        this.add(op, T.reverse(op, g.pick(LOW_DST), g.pick(LOW_SRC)));
      }
    } else if (kind < 57) {
      const which = g.int(3);
      if (which === 0) this.add('adr', T.adr(g.pick(LOW_DST), g.int(256) * 4));
      else if (which === 1) this.add('add rd sp imm', T.addRdSp(g.pick(LOW_DST), g.int(256) * 4));
      else this.spAdjust();
    } else if (kind < 60) {
      this.add('mrs apsr', T.mrs(g.pick([...LOW_DST, 8, 9, 10, 11, 12]), 'apsr'));
    } else if (kind < 68) {
      this.immOffset();
    } else if (kind < 76) {
      this.regOffset();
    } else if (kind < 80) {
      const rt = g.pick(LOW_DST);
      const max = Math.min(1020, STACK_HI - 4 - this.sp);
      if (max < 0) return;
      const imm = g.int(Math.floor(max / 4) + 1) * 4;
      if (g.chance(0.5)) this.add('ldr sp imm', T.ldstSp('ldr', rt, imm));
      else this.add('str sp imm', T.ldstSp('str', g.pick(LOW_SRC), imm));
    } else if (kind < 82) {
      this.add('ldr literal', T.ldrLit(g.pick(LOW_DST), g.int(256) * 4));
    } else if (kind < 87) {
      this.multiple();
    } else if (kind < 92) {
      this.pushPop();
    } else {
      const [form, insn] = this.simple();
      if (g.chance(0.8)) {
        this.add('b<cc> over one', T.bcondRel(g.int(14), 0));
      } else {
        this.add('b over one', T.bRel(0));
      }
      this.add(form, insn);
    }
  }

  private spAdjust(): void {
    const g = this.rng;
    if (g.chance(0.5)) {
      const max = Math.min(508, STACK_HI - this.sp);
      const k = g.int(Math.floor(max / 4) + 1) * 4;
      this.sp += k;
      this.add('add sp imm', T.addSp(k));
    } else {
      const max = Math.min(508, this.sp - STACK_LO);
      const k = g.int(Math.floor(max / 4) + 1) * 4;
      this.sp -= k;
      this.add('sub sp imm', T.subSp(k));
    }
  }

  private immOffset(): void {
    const g = this.rng;
    const op = g.pick(['str', 'ldr', 'strb', 'ldrb', 'strh', 'ldrh'] as const);
    const size = op.endsWith('b') ? 1 : op.endsWith('h') ? 2 : 4;
    const maxImm = Math.min(31 * size, SCRATCH_BYTES - size);
    const imm = g.int(Math.floor(maxImm / size) + 1) * size;
    const rb = this.base();
    const rt = op.startsWith('ldr') ? g.pick(LOW_DST) : g.pick(LOW_SRC);
    this.add(`${op} imm`, T.ldstImm(op, rt, rb, imm));
  }

  private regOffset(): void {
    const g = this.rng;
    const op = g.pick(T.REG_OFFSET_OPS);
    const size = op === 'str' || op === 'ldr' ? 4 : op.endsWith('h') ? 2 : 1;
    const rb = this.base();
    const rm = g.pick(LOW_DST.filter((r) => r !== rb));
    const off = g.int(SCRATCH_BYTES / size) * size;
    this.body.push(T.movsImm(rm, off));
    const rt = op.startsWith('ldr') ? g.pick(LOW_DST) : g.pick(LOW_SRC);
    this.add(`${op} reg`, T.ldstReg(op, rt, rb, rm));
  }

  private multiple(): void {
    const g = this.rng;
    const rb = this.base(false);
    if (g.chance(0.5)) {
      // LDM: r7 never loaded; with rb in the list there is no writeback
      const list = g.subset(LOW_DST, 1, 7);
      this.add(list.includes(rb) ? 'ldm (no writeback)' : 'ldm', T.ldm(rb, list));
    } else {
      const list = g.subset(LOW_SRC.filter((r) => r !== rb), 1, 7);
      this.add('stm', T.stm(rb, list));
    }
  }

  private pushPop(): void {
    const g = this.rng;
    if (g.chance(0.5)) {
      const list = g.subset(LOW_SRC, 0, 8);
      const lr = list.length === 0 || g.chance(0.3);
      const bytes = 4 * (list.length + (lr ? 1 : 0));
      if (this.sp - bytes < STACK_LO) return;
      this.sp -= bytes;
      this.add(lr ? 'push lr' : 'push', T.push(list, lr));
    } else {
      const list = g.subset(LOW_DST, 1, 7);
      const bytes = 4 * list.length;
      if (this.sp + bytes > STACK_HI) return;
      this.sp += bytes;
      this.add('pop', T.pop(list));
    }
  }
}

function generate(seed: number): Sequence[] {
  const rng = new Rng(seed);
  const out: Sequence[] = [];
  for (let index = 0; index < SEQUENCES_PER_SEED; index++) {
    const regs = Array.from({ length: 13 }, () => randomValue(rng));
    regs[7] = BASE;
    const lr = randomValue(rng);
    const nzcv = rng.int(16);
    const fillSeed = rng.next();
    const gen = new SequenceGenerator(rng);
    while (gen.body.length < BODY_LENGTH) gen.step();
    out.push({ index, regs, lr, nzcv, fillSeed, body: gen.body, forms: gen.forms, addr: 0 });
  }
  return out;
}

// ---- image ----------------------------------------------------------------------------

function buildImage(seed: number, seqs: Sequence[]): { elf: Uint8Array; listing: T.ListingLine[] } {
  const a = new T.ThumbAssembler(CODE_ORIGIN);
  const OPEN_NAME = 0xc0;                 // ":tt" in the header area
  const OPEN_ARGS = 0xc4;                 // {name, mode 4 ("w"), length 3}

  // reset: open ":tt" for writing, set up the SYS_WRITE argument block
  a.label('reset');
  a.emit(T.movsImm(0, SYS_OPEN));
  a.ldrConst(1, OPEN_ARGS);
  a.emit(T.bkpt(0xab));
  a.ldrConst(1, WRITE_ARGS);
  a.emit(T.ldstImm('str', 0, 1, 0));
  a.ldrConst(2, BASE);
  a.emit(T.ldstImm('str', 2, 1, 4));
  a.ldrConst(2, RECORD_BYTES);
  a.emit(T.ldstImm('str', 2, 1, 8));
  a.b('seq0');
  a.pool();

  // fill(r0 = seed): pseudo-random words over the whole record region
  a.align(4);
  a.label('fill');
  a.ldrConst(1, BASE);
  a.ldrConst(2, STACK_HI);
  a.ldrConst(3, 0x01000193);
  a.label('fill_loop');
  a.emit(T.ldstImm('str', 0, 1, 0));
  a.emit(T.alu('muls', 0, 3));
  a.emit(T.addsImm8(0, 0x5b));
  a.emit(T.addsImm8(1, 4));
  a.emit(T.alu('cmp', 1, 2));
  a.bcond(1, 'fill_loop');
  a.emit(T.bx(14));
  a.pool();

  // fault: any exception is a harness/generator bug -> exit status 1
  a.align(4);
  a.label('fault');
  a.emit(T.movsImm(0, SYS_EXIT));
  a.ldrConst(1, ADP_STOPPED_RUNTIME_ERROR);
  a.emit(T.bkpt(0xab));
  a.b('fault');
  a.pool();

  for (const s of seqs) {
    a.align(4);
    a.label(`seq${s.index}`);
    a.ldrConst(0, STACK_INIT);
    a.emit(T.movHi(13, 0));
    a.ldrConst(0, s.fillSeed);
    a.bl('fill');
    for (let r = 8; r <= 12; r++) {
      a.ldrConst(0, s.regs[r]!);
      a.emit(T.movHi(r, 0));
    }
    a.ldrConst(0, s.lr);
    a.emit(T.movHi(14, 0));
    a.ldrConst(0, s.nzcv << 28);
    a.emit(T.msr('apsr', 0));
    for (let r = 0; r <= 6; r++) a.ldrConst(r, s.regs[r]!);
    a.ldrConst(7, BASE);
    s.addr = a.pc;
    a.emitAll(s.body);
    // epilogue: save everything into the record's save area (r7 = BASE)
    for (let r = 0; r <= 6; r++) a.emit(T.ldstImm('str', r, 7, 64 + 4 * r));
    a.emit(T.mrs(0, 'apsr'));
    a.emit(T.ldstImm('str', 0, 7, 4 * REC_APSR));
    for (let r = 8; r <= 12; r++) {
      a.emit(T.movHi(0, r));
      a.emit(T.ldstImm('str', 0, 7, 4 * REC_REG[r]!));
    }
    a.emit(T.movHi(0, 13));
    a.emit(T.ldstImm('str', 0, 7, 4 * REC_SP));
    a.emit(T.movHi(0, 14));
    a.emit(T.ldstImm('str', 0, 7, 4 * REC_LR));
    a.ldrConst(0, s.index);
    a.emit(T.ldstImm('str', 0, 7, 4 * REC_INDEX));
    a.emit(T.movsImm(0, SYS_WRITE));
    a.ldrConst(1, WRITE_ARGS);
    a.emit(T.bkpt(0xab));
    const next = s.index + 1 < seqs.length ? `seq${s.index + 1}` : 'done';
    a.b(next);
    a.pool();
  }
  a.align(4);
  a.label('done');
  a.emit(T.movsImm(0, SYS_EXIT));
  a.ldrConst(1, ADP_STOPPED_APPLICATION_EXIT);
  a.emit(T.bkpt(0xab));
  a.b('done');
  a.pool();
  // 1 KiB of data after the code, so that every LDR literal reads inside the image
  const pad = new Rng(seed ^ 0xa5a5a5a5);
  for (let i = 0; i < 256; i++) a.word(pad.next());
  const code = a.finish();

  const header = new Uint8Array(CODE_ORIGIN);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, INITIAL_MSP, true);
  hv.setUint32(4, a.address('reset') | 1, true);
  for (let v = 2; v < 16; v++) hv.setUint32(v * 4, a.address('fault') | 1, true);
  header.set([0x3a, 0x74, 0x74, 0x00], OPEN_NAME);               // ":tt\0"
  hv.setUint32(OPEN_ARGS, OPEN_NAME, true);
  hv.setUint32(OPEN_ARGS + 4, 4, true);                           // mode 4: "w"
  hv.setUint32(OPEN_ARGS + 8, 3, true);

  const image = new Uint8Array(CODE_ORIGIN + code.length);
  image.set(header, 0);
  image.set(code, CODE_ORIGIN);
  return { elf: T.makeElf32([{ addr: 0, data: image }], a.address('reset') | 1), listing: a.listing };
}

// ---- running ----------------------------------------------------------------------

function qemuAvailable(): boolean {
  const r = spawnSync('qemu-system-arm', ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

function runQemu(elf: Uint8Array, name: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'circuitemu-diff-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, elf);
    const r = spawnSync('qemu-system-arm', [
      '-M', 'microbit', '-nographic', '-monitor', 'none', '-serial', 'none',
      '-semihosting-config', 'enable=on,target=native', '-kernel', path,
    ], { input: new Uint8Array(0), timeout: 30_000, maxBuffer: 64 << 20 });
    if (r.error) throw r.error;
    if (r.status !== 0) {
      throw new Error(`QEMU exited with ${r.status} (signal ${r.signal}); stderr:\n${r.stderr.toString()}`);
    }
    return new Uint8Array(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function words(bytes: Uint8Array, record: number): Uint32Array | null {
  const start = record * RECORD_BYTES;
  if (start + RECORD_BYTES > bytes.length) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset + start, RECORD_BYTES);
  const out = new Uint32Array(RECORD_WORDS);
  for (let i = 0; i < RECORD_WORDS; i++) out[i] = dv.getUint32(i * 4, true);
  return out;
}

// ---- reporting --------------------------------------------------------------------

const h8 = (v: number | undefined): string => (v === undefined ? '--------' : (v >>> 0).toString(16).padStart(8, '0'));
const flagsText = (apsr: number): string =>
  ['N', 'Z', 'C', 'V'].map((f, i) => ((apsr >>> (31 - i)) & 1 ? f : f.toLowerCase())).join('');

function describeWord(i: number): string {
  const r = REC_REG.indexOf(i);
  if (r >= 0) return `r${r}`;
  if (i === REC_APSR) return 'APSR';
  if (i === REC_SP) return 'SP';
  if (i === REC_LR) return 'LR';
  if (i === REC_INDEX) return 'record index';
  return `mem[0x${h8(BASE + 4 * i)}]${i >= REC_STACK ? ' (stack)' : ' (scratch)'}`;
}

function report(seed: number, s: Sequence, listing: T.ListingLine[], q: Uint32Array, e: Uint32Array | null): string {
  const lines: string[] = [];
  lines.push(`seed 0x${seed.toString(16)}, sequence ${s.index} at 0x${h8(s.addr)}`);
  lines.push(`  initial: ${s.regs.map((v, i) => `r${i}=${h8(v)}`).join(' ')} lr=${h8(s.lr)} sp=${h8(STACK_INIT)} ` +
    `flags=${flagsText(s.nzcv << 28)} (scratch/stack filled from seed ${h8(s.fillSeed)}, r7 = scratch base)`);
  lines.push('  code:');
  const end = s.addr + s.body.reduce((n, i) => n + 2 * i.hw.length, 0);
  for (const l of listing) {
    if (l.addr >= s.addr && l.addr < end) lines.push(`    ${h8(l.addr)}:  ${T.hex(l.insn).padEnd(10)} ${l.insn.text}`);
  }
  if (!e) {
    lines.push('  test-m0 produced no record for this sequence (run ended early)');
    return lines.join('\n');
  }
  lines.push('  differences (QEMU vs test-m0):');
  for (let i = 0; i < RECORD_WORDS; i++) {
    if (q[i] === e[i]) continue;
    const extra = i === REC_APSR ? ` (${flagsText(q[i]!)} vs ${flagsText(e[i]!)})` : '';
    lines.push(`    ${describeWord(i).padEnd(28)} ${h8(q[i])} vs ${h8(e[i])}${extra}`);
  }
  lines.push(`  final registers (QEMU):    ${REC_REG.map((w, r) => (w < 0 ? '' : `r${r}=${h8(q[w])}`)).filter(Boolean).join(' ')} ` +
    `lr=${h8(q[REC_LR])} sp=${h8(q[REC_SP])} ${flagsText(q[REC_APSR]!)}`);
  lines.push(`  final registers (test-m0): ${REC_REG.map((w, r) => (w < 0 ? '' : `r${r}=${h8(e[w])}`)).filter(Boolean).join(' ')} ` +
    `lr=${h8(e[REC_LR])} sp=${h8(e[REC_SP])} ${flagsText(e[REC_APSR]!)}`);
  return lines.join('\n');
}

// ---- the tests ----------------------------------------------------------------------

const REQUIRED_FORMS = [
  'lsls imm', 'lsrs imm', 'asrs imm', 'adds reg', 'subs reg', 'adds imm3', 'subs imm3', 'movs imm8',
  'cmp imm8', 'adds imm8', 'subs imm8', ...T.ALU_OPS.map((o) => `alu ${o}`), 'mov hi', 'add hi', 'cmp hi',
  'sxth', 'sxtb', 'uxth', 'uxtb', 'rev', 'rev16', 'revsh', 'adr', 'add rd sp imm', 'add sp imm', 'sub sp imm',
  'mrs apsr', 'str imm', 'ldr imm', 'strb imm', 'ldrb imm', 'strh imm', 'ldrh imm',
  ...T.REG_OFFSET_OPS.map((o) => `${o} reg`), 'ldr sp imm', 'str sp imm', 'ldr literal', 'ldm',
  'ldm (no writeback)', 'stm', 'push', 'push lr', 'pop', 'b<cc> over one', 'b over one',
];

const generated = SEEDS.map((seed) => ({ seed, seqs: generate(seed) }));

describe('ARMv6-M differential test against QEMU', () => {
  it('the generator covers every instruction form', () => {
    const used = new Set(generated.flatMap((g) => g.seqs.flatMap((s) => s.forms)));
    const missing = REQUIRED_FORMS.filter((f) => !used.has(f));
    expect(missing).toEqual([]);
    // and the same seed always gives the same program
    const again = generate(SEEDS[0]!);
    expect(again.map((s) => s.body.map(T.hex).join(' '))).toEqual(generated[0]!.seqs.map((s) => s.body.map(T.hex).join(' ')));
  });

  const haveQemu = qemuAvailable();
  if (!haveQemu) {
    if (process.env.CI) {
      it('needs qemu-system-arm under CI', () => {
        throw new Error('qemu-system-arm is not on PATH (apt-get install qemu-system-arm); the differential test cannot run');
      });
    } else {
      console.warn('[differential.test] qemu-system-arm not found on PATH: skipping the QEMU differential test (apt-get install qemu-system-arm)');
      it.skip('differential test skipped: qemu-system-arm not on PATH', () => {});
    }
    return;
  }

  // QEMU runs once per seed; test-m0 once per CPU mode.
  const qemuRuns = new Map<number, Uint8Array>();
  forEachCpuMode(() => {
  for (const { seed, seqs } of generated) {
    it(`seed 0x${seed.toString(16)}: ${seqs.length} random sequences give identical results on QEMU and test-m0`, () => {
      const { elf, listing } = buildImage(seed, seqs);
      const name = `diff-${seed.toString(16)}.elf`;
      let qemuOut = qemuRuns.get(seed);
      if (!qemuOut) qemuRuns.set(seed, (qemuOut = runQemu(elf, name)));
      expect(qemuOut.length, 'QEMU output size (harness sanity)').toBe(seqs.length * RECORD_BYTES);

      const res = runFirmware({ board: 'test-m0', image: elf, name, timeoutSeconds: 10 });
      const emuOut = res.stdoutBytes;

      const failures: string[] = [];
      let mismatched = 0;
      for (const s of seqs) {
        const q = words(qemuOut, s.index)!;
        expect(q[REC_INDEX], 'QEMU record order').toBe(s.index);
        const e = words(emuOut, s.index);
        const same = e !== null && q.every((v, i) => v === e[i]);
        if (same) continue;
        mismatched++;
        if (failures.length < 6) failures.push(report(seed, s, listing, q, e));
        if (e === null) break;
      }
      const summary = `${mismatched} of ${seqs.length} sequences differ` +
        (res.reason !== 'exit' || res.exitCode !== 0
          ? `; test-m0 run ended with reason=${res.reason} exitCode=${res.exitCode}${res.faultReport ? `\n${res.faultReport}` : ''}`
          : '');
      if (failures.length > 0) {
        console.error(`${summary}\n\n${failures.join('\n\n')}`);
      }
      expect(failures, summary).toEqual([]);
      expect(emuOut.length).toBe(qemuOut.length);
      expect(res.reason).toBe('exit');
      expect(res.exitCode).toBe(0);
    });
  }
  });
});
