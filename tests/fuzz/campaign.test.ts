/**
 * The bad-input campaign of issue 8, kept as a seeded test: malformed images in every format
 * (ELF, Intel HEX, UF2, raw BIN) for every board, and garbage code on both cores (Cortex-M0+ and
 * Xtensa LX106). Every case must end in one of the outcome classes a user can act on:
 *   - rejected: a clean ImageError naming the format (the CLI's status 65);
 *   - fault:    a fault report with the PC and registers (125);
 *   - timeout:  still running at the simulated time limit (124);
 *   - exit:     the program's own non-zero status (random code can reach an exit call).
 * Never an exception from the host, a hang, or an exit with status 0 on garbage.
 *
 * Cases are generated from CIRCUITEMU_FUZZ_SEED (default below) and their index, so a failure
 * names the seed and case that reproduce it: CIRCUITEMU_FUZZ_SEED=s CIRCUITEMU_FUZZ_CASE=n runs
 * only that case. CIRCUITEMU_FUZZ_CASES sets how many cases per board and format.
 * Most cases run in-process through the same functions as the CLI; a sample runs the built CLI.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOARDS } from '../../boards/index.js';
import type { Board } from '../../boards/types.js';
import { connectConsole } from '../../emulator/console.js';
import { prepareFirmware } from '../../emulator/firmware.js';
import { createBoard } from '../../emulator/run.js';
import { buildUf2, ImageError, SAMD21_FAMILY_ID } from '../../firmware-runtime/images/index.js';
import { buildElf32 } from '../helpers/elf-writer.js';
import { rng } from '../xtensa/random-program.js';

const SEED = Number(process.env.CIRCUITEMU_FUZZ_SEED ?? 0x15508);
/** Per board and format (5 formats); by default the campaign stays near 1,600 cases however many boards exist. */
const CASES = Number(process.env.CIRCUITEMU_FUZZ_CASES ?? Math.max(20, Math.round(1600 / (5 * BOARDS.length))));
const ONLY = process.env.CIRCUITEMU_FUZZ_CASE === undefined ? undefined : Number(process.env.CIRCUITEMU_FUZZ_CASE);
/** Simulated time per run: enough for garbage to fault, loop or wander off. */
const SIM_SECONDS = 0.002;
/** Wall time one case may take before it counts as a hang. */
const WALL_LIMIT_MS = 5000;

const FORMATS = ['elf', 'hex', 'uf2', 'bin', 'code'] as const;
type Format = (typeof FORMATS)[number];

interface Rng {
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  bytes(n: number): Uint8Array;
}

/** Seeded (mulberry32): the same seed gives the same cases on every host. */
function seeded(seed: number): Rng {
  const next = rng(seed);
  return {
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)]!,
    bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  };
}

// ------------------------------------------------------------------------------------ valid bases

interface Layout {
  arm: boolean;
  /** Where code goes, and RAM for the stack / .bss. */
  codeBase: number;
  ramBase: number;
  ramSize: number;
  familyId?: number;
}

const LAYOUTS: Record<string, Layout> = {
  cpx: { arm: true, codeBase: 0x2000, ramBase: 0x20000000, ramSize: 32 * 1024, familyId: SAMD21_FAMILY_ID },
  'test-m0': { arm: true, codeBase: 0, ramBase: 0x20000000, ramSize: 64 * 1024 },
  'test-lx106': { arm: false, codeBase: 0x40000000, ramBase: 0x3ffc0000, ramSize: 0x40000 },
  // ESP8266: code in IRAM, data in user DRAM (a .bin goes to flash and meets the boot ROM).
  feather_huzzah: { arm: false, codeBase: 0x40100000, ramBase: 0x3ffe8000, ramSize: 0x14000 },
};

/** Every SAMD21 board has the same memory map and bootloader: the CPX's layout. */
function layoutOf(board: string): Layout {
  const known = LAYOUTS[board];
  if (known) return known;
  if (createBoard(board).uf2FamilyId === SAMD21_FAMILY_ID) return LAYOUTS.cpx!;
  throw new Error(`fuzz: no layout for board ${board}: add one to LAYOUTS`);
}

/** Addresses just before and after each edge of each board's memory map. */
const EDGES: Record<string, number[]> = Object.fromEntries(
  BOARDS.map((b) => [
    b.name,
    createBoard(b.name).machine.bus.mappings.flatMap((m) => [m.base, m.base + m.size].flatMap((edge) => [edge - 64, edge - 16, edge]))
      .filter((a) => a >= 0 && a < 0x1_0000_0000),
  ]),
);

/** A program image: on ARM a vector table (SP, reset, HardFault) then random Thumb code; on Xtensa random code. */
function program(r: Rng, layout: Layout): { data: Uint8Array; entry: number } {
  const code = r.bytes(16 + 2 * r.int(200));
  if (!layout.arm) return { data: code, entry: layout.codeBase };
  const data = new Uint8Array(0xc0 + code.length);
  const dv = new DataView(data.buffer);
  dv.setUint32(0, layout.ramBase + layout.ramSize, true);
  for (let v = 1; v < 48; v++) dv.setUint32(4 * v, (layout.codeBase + 0xc0) | 1, true);
  data.set(code, 0xc0);
  return { data, entry: (layout.codeBase + 0xc1) >>> 0 };
}

function elfFor(r: Rng, layout: Layout): Uint8Array {
  const { data, entry } = program(r, layout);
  return buildElf32({
    machine: layout.arm ? 40 : 94,
    entry,
    segments: [
      { paddr: layout.codeBase, data },
      { paddr: layout.ramBase, data: new Uint8Array(0), memsz: 8 + r.int(1024) }, // .bss
    ],
    symbols: [{ name: 'main', value: entry }],
  });
}

/** Intel HEX for the segments: 16 data bytes per record, type 04 upper addresses, type 05 entry. */
function hexFor(r: Rng, layout: Layout): Uint8Array {
  const { data, entry } = program(r, layout);
  const lines: string[] = [];
  const record = (type: number, offset: number, payload: number[]): void => {
    const bytes = [payload.length, (offset >> 8) & 0xff, offset & 0xff, type, ...payload];
    const sum = bytes.reduce((a, b) => a + b, 0);
    lines.push(':' + [...bytes, -sum & 0xff].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(''));
  };
  let upper = -1;
  for (let off = 0; off < data.length; off += 16) {
    const address = layout.codeBase + off;
    if (address >>> 16 !== upper) {
      upper = address >>> 16;
      record(4, 0, [upper >> 8, upper & 0xff]);
    }
    record(0, address & 0xffff, [...data.subarray(off, off + 16)]);
  }
  record(5, 0, [entry >>> 24, (entry >>> 16) & 0xff, (entry >>> 8) & 0xff, entry & 0xff]);
  record(1, 0, []);
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

function uf2For(r: Rng, layout: Layout): Uint8Array {
  return buildUf2([{ address: layout.codeBase, data: program(r, layout).data }], layout.familyId);
}

function binFor(r: Rng, layout: Layout): Uint8Array {
  return program(r, layout).data;
}

// ------------------------------------------------------------------------------------ mutations

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000, 0x40000000];
/** ELF header and first program header fields worth hitting: e_type, e_machine, e_entry, e_phoff, e_shoff, e_phentsize, e_phnum, e_shentsize, e_shnum, p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz. */
const ELF_FIELDS = [16, 18, 24, 28, 32, 42, 44, 46, 48, 52, 56, 60, 64, 68, 72, 84, 92, 96, 100];
const ELF_HALF_FIELDS = new Set([16, 18, 42, 44, 46, 48]);

type Mutator = (r: Rng, b: Uint8Array) => Uint8Array;

const BYTE_MUTATORS: Record<string, Mutator> = {
  flip: (r, b) => {
    const out = b.slice();
    for (let n = 1 + r.int(8); n > 0 && out.length > 0; n--) out[r.int(out.length)] ^= 1 << r.int(8);
    return out;
  },
  word: (r, b) => {
    const out = b.slice();
    if (out.length >= 4) new DataView(out.buffer).setUint32(r.int(out.length - 3), r.pick(INTERESTING) >>> 0, true);
    return out;
  },
  truncate: (r, b) => b.slice(0, r.int(b.length)),
  splice: (r, b) => {
    const at = r.int(b.length + 1);
    const cut = r.int(64);
    return Uint8Array.from([...b.subarray(0, at), ...r.bytes(r.int(64)), ...b.subarray(Math.min(b.length, at + cut))]);
  },
  garbage: (r) => r.bytes(r.int(2048)),
};

const ELF_MUTATORS: Record<string, Mutator> = {
  ...BYTE_MUTATORS,
  field: (r, b) => {
    const out = b.slice();
    const off = r.pick(ELF_FIELDS);
    const v = r.pick(INTERESTING);
    const dv = new DataView(out.buffer);
    if (ELF_HALF_FIELDS.has(off)) {
      if (off + 2 <= out.length) dv.setUint16(off, v & 0xffff, true);
    } else if (off + 4 <= out.length) dv.setUint32(off, v >>> 0, true);
    return out;
  },
};

/** Rewrites each record's checksum, so a mutation reaches the parser's later checks. */
function fixChecksums(lines: string[]): string[] {
  return lines.map((line) => {
    if (!/^:([0-9A-F]{2}){5,}$/i.test(line)) return line;
    const bytes = line.slice(1, -2).match(/../g)!.map((h) => parseInt(h, 16));
    return line.slice(0, -2) + (-bytes.reduce((a, b) => a + b, 0) & 0xff).toString(16).padStart(2, '0').toUpperCase();
  });
}

const HEX_MUTATORS: Record<string, Mutator> = {
  ...BYTE_MUTATORS,
  /** Record-level damage with valid checksums: dropped, duplicated, retyped, readdressed or resized records. */
  record: (r, b) => {
    const lines = new TextDecoder().decode(b).split('\n');
    const i = r.int(lines.length);
    const line = lines[i] ?? '';
    const hexByte = (): string => r.int(256).toString(16).padStart(2, '0').toUpperCase();
    switch (r.int(5)) {
      case 0:
        lines.splice(i, 1); // maybe the EOF, maybe an address record
        break;
      case 1:
        lines.splice(i, 0, lines[r.int(lines.length)]!); // overlapping data
        break;
      case 2:
        lines[i] = line.slice(0, 7) + r.pick(['00', '01', '02', '03', '04', '05', '06']) + line.slice(9);
        break;
      case 3:
        lines[i] = line.slice(0, 3) + hexByte() + hexByte() + line.slice(7); // another offset
        break;
      default:
        lines[i] = ':' + hexByte() + line.slice(3); // a wrong byte count
    }
    return new TextEncoder().encode(fixChecksums(lines).join('\n'));
  },
  text: (r, b) => {
    const lines = new TextDecoder().decode(b).split('\n');
    const i = r.int(lines.length);
    lines[i] = r.int(2) ? ':' + Array.from(r.bytes(r.int(40)), (x) => x.toString(16).padStart(2, '0')).join('') : (lines[i] ?? '').replace(/[0-9A-F]/, 'G');
    return new TextEncoder().encode(lines.join('\n'));
  },
};

const UF2_MUTATORS: Record<string, Mutator> = {
  ...BYTE_MUTATORS,
  header: (r, b) => {
    const out = b.slice();
    const blocks = out.length / 512;
    if (blocks < 1) return out;
    const field = r.int(8); // magic0, magic1, flags, address, payload size, block no, block count, family
    new DataView(out.buffer).setUint32(512 * r.int(blocks) + 4 * field, r.pick(INTERESTING) >>> 0, true);
    return out;
  },
};

/** How each format's cases are made: a valid image for the board, then mutations of that format. */
const RECIPES: Record<Exclude<Format, 'code'>, { base: (r: Rng, layout: Layout) => Uint8Array; mutators: Record<string, Mutator> }> = {
  elf: { base: elfFor, mutators: ELF_MUTATORS },
  hex: { base: hexFor, mutators: HEX_MUTATORS },
  uf2: { base: uf2For, mutators: UF2_MUTATORS },
  bin: { base: binFor, mutators: BYTE_MUTATORS },
};

interface Case {
  index: number;
  board: string;
  format: Format;
  mutation: string;
  name: string;
  bytes: Uint8Array;
}

/** Case `index` of the campaign: board and format by index, everything else from the seed. */
function makeCase(index: number): Case {
  const board = BOARDS[index % BOARDS.length]!.name;
  const format = FORMATS[Math.floor(index / BOARDS.length) % FORMATS.length]!;
  const r = seeded((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  // One case in four puts the code across an edge of the memory map (a region's start or end).
  const layout = r.int(4) === 0 ? { ...layoutOf(board), codeBase: r.pick(EDGES[board]!) } : layoutOf(board);
  const pick = (mutators: Record<string, Mutator>, base: Uint8Array): { mutation: string; bytes: Uint8Array } => {
    const names: string[] = [];
    let bytes = base;
    for (let n = 1 + r.int(3); n > 0; n--) {
      const name = r.pick(Object.keys(mutators));
      names.push(name);
      bytes = mutators[name]!(r, bytes);
    }
    return { mutation: names.join('+'), bytes };
  };
  // Garbage code goes in a well-formed container, so it reaches the core.
  const made = format === 'code' ? { mutation: 'random code', bytes: elfFor(r, layout) } : pick(RECIPES[format].mutators, RECIPES[format].base(r, layout));
  return { index, board, format, name: `fuzz.${format === 'code' ? 'elf' : format}`, ...made };
}

const describeCase = (c: Case): string =>
  `CIRCUITEMU_FUZZ_SEED=${SEED} CIRCUITEMU_FUZZ_CASE=${c.index} (board ${c.board}, ${c.format}, ${c.mutation}, ${c.bytes.length} bytes)`;

// ------------------------------------------------------------------------------------ outcomes

type Outcome =
  | { kind: 'rejected'; message: string }
  | { kind: 'fault'; message: string }
  | { kind: 'timeout' }
  | { kind: 'exit'; code: number };

const FAULT_REPORT = /\bpc[= ]+0x[0-9a-f]{8}\b/i;
const IMAGE_MESSAGE = /^(ELF|Intel HEX|UF2|BIN): \S/;

/** What `circuitemu run` does with the case, in-process: prepare, load, connect the console, run. */
function runCase(c: Case): Outcome {
  const board: Board = createBoard(c.board, { commandLine: 'fuzz' });
  let image;
  try {
    image = prepareFirmware(board, c.bytes, c.name);
  } catch (e) {
    if (e instanceof ImageError) return { kind: 'rejected', message: e.message };
    throw e;
  }
  connectConsole(board);
  board.load(image.segments, image.entry);
  const halt = board.machine.runFor(SIM_SECONDS);
  if (!halt) return { kind: 'timeout' };
  if (halt.reason === 'exit') return { kind: 'exit', code: halt.exitCode };
  return { kind: 'fault', message: halt.message };
}

function checkOutcome(c: Case, o: Outcome): void {
  const what = `${describeCase(c)}: ${JSON.stringify(o).slice(0, 400)}`;
  if (o.kind === 'rejected') expect(o.message, what).toMatch(IMAGE_MESSAGE);
  if (o.kind === 'fault') expect(o.message, what).toMatch(FAULT_REPORT);
  if (o.kind === 'exit') expect(o.code, `${what}: exit 0 on garbage`).not.toBe(0);
}

const indices = ONLY !== undefined ? [ONLY] : Array.from({ length: CASES * BOARDS.length * FORMATS.length }, (_, i) => i);

describe(`seeded fuzz campaign (seed ${SEED}, ${indices.length} cases)`, () => {
  it('every malformed image and every garbage program ends in a clean outcome class', () => {
    const tally = new Map<string, number>();
    for (const i of indices) {
      const c = makeCase(i);
      const started = performance.now();
      let o: Outcome;
      try {
        o = runCase(c);
      } catch (e) {
        throw new Error(`host exception in ${describeCase(c)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
      const ms = performance.now() - started;
      expect(ms, `${describeCase(c)} took ${ms.toFixed(0)} ms (a hang?)`).toBeLessThan(WALL_LIMIT_MS);
      checkOutcome(c, o);
      const key = `${c.board}/${c.format}/${o.kind}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
    console.log(`fuzz seed ${SEED}: ` + [...tally].sort().map(([k, n]) => `${k} ${n}`).join(', '));
    if (ONLY === undefined) {
      // The campaign must exercise every class it claims to: a generator that only ever makes
      // rejected images would pass without testing the cores.
      const kinds = new Set([...tally.keys()].map((k) => k.split('/')[2]));
      expect([...kinds].sort()).toEqual(expect.arrayContaining(['fault', 'rejected', 'timeout']));
      for (const board of BOARDS) {
        for (const format of FORMATS) {
          expect([...tally.keys()].some((k) => k.startsWith(`${board.name}/${format}/`)), `${board.name}/${format}`).toBe(true);
        }
        const ran = [...tally].filter(([k]) => k.startsWith(`${board.name}/code/`) && !k.endsWith('/rejected'));
        expect(ran.length, `garbage code never ran on ${board.name}`).toBeGreaterThan(0);
      }
    }
  }, Math.max(60_000, indices.length * 100)); // a wider campaign (CIRCUITEMU_FUZZ_CASES) gets more time
});

describe('the same cases through the built CLI (a sample)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-fuzz-'));
  const bin = new URL('../../bin/circuitemu.js', import.meta.url).pathname;
  const STATUS: Record<Outcome['kind'], number[]> = { rejected: [65], fault: [125], timeout: [124], exit: [] };

  it('exits with the status of the outcome class, with a message and no stack trace', () => {
    const sample = ONLY !== undefined ? [ONLY] : Array.from({ length: BOARDS.length * FORMATS.length }, (_, i) => i + BOARDS.length * FORMATS.length * 7);
    for (const i of sample) {
      const c = makeCase(i);
      const expected = runCase(c);
      const path = join(scratch, `${i}.${c.name}`);
      writeFileSync(path, c.bytes);
      const r = spawnSync(process.execPath, [bin, 'run', '--board', c.board, '--firmware', path, '--timeout', String(SIM_SECONDS)], {
        timeout: 30_000,
        input: '',
      });
      const stderr = r.stderr.toString();
      const what = `${describeCase(c)}: status ${r.status}, stderr ${JSON.stringify(stderr.slice(0, 400))}`;
      expect(r.signal, what).toBe(null);
      if (expected.kind === 'exit') expect(r.status, what).toBe(expected.code & 0xff);
      else expect(STATUS[expected.kind], what).toContain(r.status);
      expect(stderr, what).not.toMatch(/\n\s+at /);
      if (r.status !== 0 && expected.kind !== 'exit') expect(stderr, what).toMatch(/^circuitemu: /m);
    }
  }, 300_000); // 55 process starts of about 1.5 s each on a loaded 2-core machine; each run has its own 30 s limit
});
