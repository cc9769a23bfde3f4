/**
 * Lock-step test of the Cortex-M0+ block translator against the interpreter.
 *
 * Two test-m0 machines run the same program, one with `--cpu interp`, one with `--cpu jit`.
 * After every exit from a compiled block of the translating machine, the interpreting machine
 * is run to the same cycle (it stops at the first instruction boundary at or after it), and the
 * two must agree on r0-r15, the PC, the flags, the cycle count and the instruction count. The
 * translating machine is driven in slices of random length, so that scheduler deadlines fall
 * inside blocks. Programs: every committed test image (tests/firmware/armv6m/*.elf), the
 * benchmark, random instruction sequences (in flash, and in RAM sharing pages with the data
 * they store), and code that rewrites the next instruction of its own block. With the flash line
 * cache on (the SAMD21's NVM cache, cpu-armv6m/flash-cache.ts) the two must also hold the same
 * cache lines: programs run again with it in each READMODE, random code with literal loads
 * from flash that evict the lines its fetches use.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuDefaults, type CortexM0Plus, type CpuMode } from '../../cpu-armv6m/core.js';
import type { Board } from '../../boards/types.js';
import { createTestM0 } from '../../boards/test-m0.js';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FIRMWARE_DIR = join(HERE, '..', 'firmware', 'armv6m');
const BENCH_BIN = join(HERE, '..', 'firmware', 'bench', 'bench.bin');

type Loader = (mode: CpuMode) => Board;

function withMode<T>(mode: CpuMode, threshold: number, make: () => T): T {
  const saved = { ...cpuDefaults };
  cpuDefaults.mode = mode;
  cpuDefaults.jitThreshold = threshold;
  try {
    return make();
  } finally {
    Object.assign(cpuDefaults, saved);
  }
}

function state(core: CortexM0Plus, cycles: number): string {
  const regs = Array.from(core.r, (v, i) => `r${i}=${(v >>> 0).toString(16)}`).join(' ');
  const lines = Array.from(core.flashLines).join(',');
  return `pc=${(core.pc >>> 0).toString(16)} ${regs} nzcv=${core.N}${core.Z}${core.C}${core.V} cycles=${cycles} instructions=${core.instructions} lines=${lines}`;
}

interface LockstepResult {
  exits: number;
  compiled: number;
  mismatch: string | null;
  halted: string;
}

/**
 * Runs `load`'s program in both modes for at most `maxCycles`, comparing at every block exit.
 * `threshold` is the translator's; `seed` drives the slice lengths (1 to `maxSlice` cycles).
 */
function lockstep(load: Loader, maxCycles: number, threshold: number, seed: number, maxSlice = 400): LockstepResult {
  const ref = withMode('interp', threshold, () => load('interp'));
  const jit = withMode('jit', threshold, () => load('jit'));
  const refCore = ref.machine.core as CortexM0Plus;
  const jitCore = jit.machine.core as CortexM0Plus;
  expect(refCore.mode).toBe('interp');
  expect(jitCore.mode).toBe('jit');
  let exits = 0;
  let mismatch: string | null = null;
  const compare = (where: string) => {
    if (mismatch) return;
    const cycles = jit.machine.scheduler.cycles;
    if (!ref.machine.halt) ref.machine.runUntil(cycles);
    const a = state(refCore, ref.machine.scheduler.cycles);
    const b = state(jitCore, cycles);
    if (a !== b) mismatch = `${where}\n interp: ${a}\n jit:    ${b}`;
  };
  // Wrap every compiled block so that each of its exits is compared.
  const translator = jitCore.translator;
  const compile = translator.compile.bind(translator);
  translator.compile = (e) => {
    compile(e);
    const fn = e.fn;
    if (!fn) return;
    e.fn = (core, entry) => {
      const next = fn(core, entry);
      exits++;
      compare(`after the block at 0x${(e.pc >>> 0).toString(16)}`);
      if (mismatch) jit.machine.stop({ reason: 'fault', exitCode: 1, message: 'lock-step mismatch' });
      return next;
    };
  };
  let rng = seed >>> 0 || 1;
  const random = (n: number) => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) % n;
  };
  const s = jit.machine.scheduler;
  while (!jit.machine.halt && !mismatch && s.cycles < maxCycles) {
    jit.machine.runUntil(Math.min(maxCycles, s.cycles + 1 + random(maxSlice)));
    compare('at the end of a slice');
  }
  if (!mismatch && !!jit.machine.halt !== !!ref.machine.halt) {
    mismatch = `halt differs: interp ${ref.machine.halt?.message ?? 'running'}, jit ${jit.machine.halt?.message ?? 'running'}`;
  }
  if (!mismatch && jit.machine.stdout.text() !== ref.machine.stdout.text()) mismatch = 'console output differs';
  return { exits, compiled: translator.compiled, mismatch, halted: jit.machine.halt?.reason ?? 'running' };
}

function elfLoader(name: string): Loader {
  const image = new Uint8Array(readFileSync(join(FIRMWARE_DIR, `${name}.elf`)));
  const stdinPath = join(FIRMWARE_DIR, `${name}.stdin`);
  const stdin = existsSync(stdinPath) ? new Uint8Array(readFileSync(stdinPath)) : undefined;
  return () => {
    const board = createBoard('test-m0', { commandLine: name });
    const { console } = connectConsole(board);
    loadFirmware(board, image, name);
    if (stdin) console.write(stdin);
    console.close();
    return board;
  };
}

/** A raw image: `flash` at 0 (vector table first), optionally `ram` at 0x20000000. */
function rawLoader(flash: Uint8Array, ram?: Uint8Array): Loader {
  return () => {
    const board = createTestM0('raw');
    board.load([{ address: 0, data: flash }, ...(ram ? [{ address: 0x20000000, data: ram }] : [])]);
    return board;
  };
}

const h16 = (list: number[]) => new Uint8Array(new Uint16Array(list).buffer);
const w32 = (list: number[]) => new Uint8Array(new Uint32Array(list).buffer);

// ---- random Thumb code ----------------------------------------------------------------------

class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s ^= this.s << 13;
    this.s ^= this.s >>> 17;
    this.s ^= this.s << 5;
    return this.s >>> 0;
  }
  int(n: number): number {
    return this.next() % n;
  }
}

/** One random instruction (r0-r5 destinations; r6 is the loop counter, r7 the data pointer). */
function randomInstruction(g: Rng, out: number[]): void {
  const d = g.int(6);
  const n = g.int(8);
  const m = g.int(8);
  switch (g.int(16)) {
    case 0: out.push(0x2000 | (d << 8) | g.int(256)); break; // movs
    case 1: out.push((g.int(2) ? 0x1800 : 0x1a00) | (m << 6) | (n << 3) | d); break; // adds/subs reg
    case 2: out.push((g.int(2) ? 0x1c00 : 0x1e00) | (g.int(8) << 6) | (n << 3) | d); break; // imm3
    case 3: out.push([0x3000, 0x3800, 0x2800][g.int(3)]! | (d << 8) | g.int(256)); break; // adds/subs/cmp imm8
    case 4: case 5: out.push(0x4000 | (g.int(16) << 6) | (m << 3) | d); break; // data processing
    case 6: out.push([0x0000, 0x0800, 0x1000][g.int(3)]! | (g.int(32) << 6) | (m << 3) | d); break; // shifts
    case 7: out.push(0xb200 | (g.int(4) << 6) | (m << 3) | d, [0xba00, 0xba40, 0xbac0][g.int(3)]! | (m << 3) | d); break;
    case 8: // mov r8-r12, rm / mov rd, r8-r12
      out.push(g.int(2) ? 0x4680 | g.int(5) | (m << 3) : 0x4600 | ((8 + g.int(5)) << 3) | d);
      break;
    case 9: out.push(0x4400 | (m << 3) | d, 0x4500 | (m << 3) | d); break; // add/cmp, hi-register forms
    case 10: out.push(0x6000 | (g.int(32) << 6) | (7 << 3) | m, 0x6800 | (g.int(32) << 6) | (7 << 3) | d); break; // str/ldr [r7]
    case 11: out.push(0x7000 | (g.int(32) << 6) | (7 << 3) | m, 0x7800 | (g.int(32) << 6) | (7 << 3) | d); break; // strb/ldrb
    case 12: out.push(0x8000 | (g.int(32) << 6) | (7 << 3) | m, 0x8800 | (g.int(32) << 6) | (7 << 3) | d); break; // strh/ldrh
    case 13: out.push(0xd000 | (g.int(14) << 8), 0x2000 | (d << 8) | g.int(256)); break; // b<cc> over one
    case 14: out.push(0xb40f, 0xbc0f); break; // push {r0-r3}; pop {r0-r3}
    default: out.push(0x4340 | (m << 3) | d); break; // muls
  }
}

/**
 * Vector table, then: r7 = `data`, r0-r5 random, r8-r12 from them; a loop of `iterations`
 * over a random body (with a BL to a subroutine that pushes and pops); exit via semihosting.
 */
function randomProgram(seed: number, codeBase: number, data: number, iterations: number, flashLoads = false): number[] {
  const g = new Rng(seed);
  const code: number[] = [];
  const load32 = (r: number, v: number) => {
    code.push(0x2000 | (r << 8) | ((v >>> 24) & 0xff));
    for (const shift of [16, 8, 0]) code.push(0x0000 | (8 << 6) | (r << 3) | r, 0x3000 | (r << 8) | ((v >>> shift) & 0xff));
  };
  load32(7, data);
  for (let r = 0; r < 6; r++) load32(r, g.next());
  for (let r = 8; r < 13; r++) code.push(0x4680 | ((r - 8) << 0) | (g.int(6) << 3)); // mov r8+k, rX
  code.push(0x2600 | iterations); // movs r6, #iterations
  const loop = code.length;
  const body: number[] = [];
  while (body.length < 60) {
    randomInstruction(g, body);
    // ldr rd, [pc, #imm]: a data read from the flash ahead (code or erased flash), another line.
    if (flashLoads && g.int(4) === 0) body.push(0x4800 | (g.int(6) << 8) | g.int(256));
  }
  code.push(...body);
  const blAt = code.length;
  code.push(0, 0); // bl sub (patched below)
  code.push(0x3e01); // subs r6, #1
  code.push(0xd100 | ((loop - (code.length + 2)) & 0xff)); // bne loop
  code.push(0x2018, 0x2102, 0x0409, 0x3126, 0xbeab, 0xe7fe); // movs r0,#0x18; r1 = 0x20026; bkpt 0xab; b .
  if (code.length % 2) code.push(0xbf00);
  const sub = code.length;
  code.push(0xb510); // push {r4, lr}
  const subBody: number[] = [];
  while (subBody.length < 8) randomInstruction(g, subBody);
  code.push(...subBody, 0xbd10); // pop {r4, pc}
  const off = (sub - (blAt + 2)) * 2;
  code[blAt] = 0xf000 | ((off >>> 12) & 0x3ff);
  code[blAt + 1] = 0xf800 | ((off >>> 1) & 0x7ff);
  void codeBase;
  return code;
}

/** `load` with the flash line cache on: RWS `rws`, READMODE `mode`. */
function withCache(load: Loader, rws: number, mode: number): Loader {
  return (m) => {
    const board = load(m);
    (board.machine.core as CortexM0Plus).setFlashTiming(rws, true, mode);
    return board;
  };
}

function vectors(entry: number): number[] {
  return [0x20008000, entry | 1, ...new Array<number>(46).fill(0)];
}

// ---- the tests ------------------------------------------------------------------------------

describe('lock-step: translator vs interpreter at every block exit', () => {
  const programs = readdirSync(FIRMWARE_DIR)
    .filter((f) => f.endsWith('.elf'))
    .map((f) => f.slice(0, -'.elf'.length))
    .sort();

  for (const name of programs) {
    // The first 20 million cycles of each (all of most of them).
    it(`${name}.elf`, () => {
      const r = lockstep(elfLoader(name), 20_000_000, 2, 0x1234 + name.length, 3000);
      expect(r.mismatch).toBeNull();
      expect(['exit', 'running']).toContain(r.halted);
      expect(r.exits).toBeGreaterThan(100);
    }, 120_000);
  }

  it('the benchmark (first 3 million cycles)', () => {
    const blob = new Uint8Array(readFileSync(BENCH_BIN));
    const load = rawLoader(w32([0x20010000, 0x20000001]), blob);
    const r = lockstep(load, 3_000_000, 16, 99, 3000);
    expect(r.mismatch).toBeNull();
    expect(r.exits).toBeGreaterThan(10_000);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`random code in flash, seed ${seed}`, () => {
      const code = randomProgram(seed * 0x9e3779b1, 0x100, 0x20001000, 40);
      const flash = new Uint8Array(0x100 + code.length * 2);
      flash.set(w32(vectors(0x100)));
      flash.set(h16(code), 0x100);
      const r = lockstep(rawLoader(flash), 5_000_000, 1 + (seed % 3), seed);
      expect(r.mismatch).toBeNull();
      expect(r.halted).toBe('exit');
      expect(r.compiled).toBeGreaterThan(0);
    });

    it(`random code in RAM, its data in the same pages, seed ${seed}`, () => {
      const base = 0x20000000;
      const code = randomProgram(seed * 0x85ebca6b, base, base, 40);
      // r7 points at the code itself + a little: stores land in pages holding code (after it).
      const size = code.length * 2;
      const data = (base + size + 3) & ~3;
      const prog = randomProgram(seed * 0x85ebca6b, base, data, 40);
      const r = lockstep(rawLoader(w32(vectors(base)), h16(prog)), 5_000_000, 1 + (seed % 3), seed);
      expect(r.mismatch).toBeNull();
      expect(r.halted).toBe('exit');
    });
  }

  // The flash line cache in each READMODE (0 NO_MISS_PENALTY, 1 LOW_POWER, 2 DETERMINISTIC).
  for (const [name, rws, mode] of [['printf', 2, 0], ['sort', 1, 1], ['recursion', 3, 2], ['intmath', 2, 0]] as const) {
    it(`${name}.elf with the flash cache, RWS ${rws}, READMODE ${mode}`, () => {
      const r = lockstep(withCache(elfLoader(name), rws, mode), 20_000_000, 2, 0x4321 + name.length, 3000);
      expect(r.mismatch).toBeNull();
      expect(r.exits).toBeGreaterThan(100);
    }, 120_000);
  }

  for (const seed of [11, 12, 13, 14, 15, 16]) {
    it(`random code in flash with literal loads, the flash cache on, seed ${seed}`, () => {
      const code = randomProgram(seed * 0x27d4eb2d, 0x100, 0x20001000, 40, true);
      const flash = new Uint8Array(0x100 + code.length * 2);
      flash.set(w32(vectors(0x100)));
      flash.set(h16(code), 0x100);
      const r = lockstep(withCache(rawLoader(flash), 1 + (seed % 3), seed % 3), 5_000_000, 1 + (seed % 3), seed);
      expect(r.mismatch).toBeNull();
      expect(r.halted).toBe('exit');
      expect(r.compiled).toBeGreaterThan(0);
    });
  }

  it('code that rewrites the next instruction of its own block', () => {
    // In RAM at 0x20000000:
    //   movs r6, #200 ; ldr r7, =patch ; movs r5, #0x20 ; lsls r5, #8 ; movs r4, #0  (r5 = 0x2000: movs r0, #0)
    // loop:
    //   adds r5, #1 ... (r5 = 0x2000 + k)
    //   strh r5, [r7]        ; rewrites `patch` below, in the same block
    // patch:
    //   movs r0, #0          ; executes as movs r0, #k (the interpreter fetches the new halfword)
    //   adds r4, r4, r0
    //   subs r6, #1 ; bne loop
    //   movs r0, #0x18 ; r1 = 0x20026 ; bkpt 0xab
    const base = 0x20000000;
    const prog = [
      0x2600 | 200, 0x4f08 /* ldr r7, [pc, #32] */, 0x2520, 0x022d, 0x2400,
      0x3501, 0x803d, 0x2000, 0x1824, 0x3e01, 0xd1f9,
      0x2018, 0x2102, 0x0409, 0x3126, 0xbeab, 0xe7fe, 0xbf00,
    ];
    // the literal for the ldr at base + 2: ((base + 2 + 4) & ~3) + 32 = base + 36, halfword 18
    const image = [...prog, (base + 14) & 0xffff, (base + 14) >>> 16];
    expect(image.length).toBe(20);
    const load = rawLoader(w32(vectors(base)), h16(image));
    for (const threshold of [1, 2, 5]) {
      const r = lockstep(load, 1_000_000, threshold, threshold);
      expect(r.mismatch).toBeNull();
      expect(r.halted).toBe('exit');
    }
    // and the interpreter's answer is the architectural one: sum of k for k = 1..200
    const board = withMode('jit', 1, () => load('jit'));
    board.machine.runFor(0.1);
    expect((board.machine.core as CortexM0Plus).r[4]).toBe((200 * 201) / 2);
  });
});
