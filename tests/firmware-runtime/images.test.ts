import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBin } from '../../firmware-runtime/images/bin.js';
import { parseElf } from '../../firmware-runtime/images/elf.js';
import { parseIntelHex } from '../../firmware-runtime/images/hex.js';
import { detectFormat, loadImage, placeImage } from '../../firmware-runtime/images/index.js';
import { FirmwareImage, ImageError, ImageSegment } from '../../firmware-runtime/images/types.js';
import { ESP8266_FAMILY_ID, SAMD21_FAMILY_ID, buildUf2, parseUf2 } from '../../firmware-runtime/images/uf2.js';
import { buildElf32 } from '../helpers/elf-writer.js';

// ---------- helpers ----------

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed * 13) & 0xff);

/** Runs fn; returns whether it parsed, and fails the test if it threw anything but ImageError. */
function outcome(fn: () => unknown): 'ok' | 'ImageError' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof ImageError) return 'ImageError';
    throw new Error(`expected ImageError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

function imageErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ImageError);
    return (e as Error).message;
  }
  throw new Error('expected an ImageError, but parsing succeeded');
}

/** Deterministic PRNG so fuzz failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

function fuzz(base: Uint8Array, rounds: number, parse: (b: Uint8Array) => unknown): void {
  const rnd = lcg(0xc0ffee);
  for (let i = 0; i < rounds; i++) {
    const b = base.slice();
    const flips = 1 + (rnd() % 4);
    for (let f = 0; f < flips; f++) b[rnd() % b.length] = rnd() & 0xff;
    outcome(() => parse(b));
  }
}

/** Lays segments into one zero-filled buffer spanning lowest..highest address, to compare tools that merge differently. */
function flatten(segments: ImageSegment[]): { base: number; data: Uint8Array } {
  const base = Math.min(...segments.map((s) => s.address));
  const end = Math.max(...segments.map((s) => s.address + s.data.length));
  const data = new Uint8Array(end - base);
  for (const s of segments) data.set(s.data, s.address - base);
  return { base, data };
}

function hexRecord(type: number, offset: number, data: ArrayLike<number> = []): string {
  const body = [data.length, (offset >> 8) & 0xff, offset & 0xff, type, ...Array.from(data)];
  const sum = body.reduce((a, b) => a + b, 0);
  return ':' + [...body, -sum & 0xff].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** Intel HEX writer used only to build fixtures: 16-byte data records, 04 records when the upper half changes. */
function toIntelHex(segments: ImageSegment[], entry?: number): string {
  const lines: string[] = [];
  let upper = -1;
  for (const s of segments) {
    for (let i = 0; i < s.data.length; ) {
      const addr = s.address + i;
      if (addr >>> 16 !== upper) {
        upper = addr >>> 16;
        lines.push(hexRecord(4, 0, [upper >> 8, upper & 0xff]));
      }
      const n = Math.min(16, s.data.length - i, 0x10000 - (addr & 0xffff));
      lines.push(hexRecord(0, addr & 0xffff, s.data.subarray(i, i + n)));
      i += n;
    }
  }
  if (entry !== undefined) lines.push(hexRecord(5, 0, [entry >>> 24, (entry >> 16) & 0xff, (entry >> 8) & 0xff, entry & 0xff]));
  lines.push(hexRecord(1, 0));
  return lines.join('\n') + '\n';
}

const textSeg = bytes(200, 1);
const dataSeg = bytes(24, 2);

function sampleElf(machine = 40): Uint8Array {
  return buildElf32({
    machine,
    entry: 0x101,
    segments: [
      { paddr: 0x0, data: textSeg },
      // .data: runs from RAM, initialisers stored in flash right after .text
      { paddr: 0x400, vaddr: 0x20000000, data: dataSeg, memsz: 64 },
      // .bss-only segment: nothing in the file
      { paddr: 0x20000100, data: new Uint8Array(0), memsz: 256 },
      // PT_ARM_EXIDX-like non-load header
      { paddr: 0x500, data: bytes(8, 3), type: 0x70000001 },
    ],
    symbols: [
      { name: 'Reset_Handler', value: 0x101 },
      { name: 'counter', value: 0x20000000, type: 1 },
      { name: 'helper', value: 0x50, bind: 'local' },
      { name: 'dup', value: 0x11, bind: 'local' },
      { name: 'dup', value: 0x22, bind: 'global' },
      { name: 'main.c', value: 0, type: 4, bind: 'local' },
      { name: 'weak_undefined', value: 0, bind: 'weak', shndx: 0 },
    ],
  });
}

// ---------- ELF ----------

describe('ELF loader', () => {
  it('loads PT_LOAD segments with file data at their physical address', () => {
    const img = parseElf(sampleElf());
    expect(img.format).toBe('elf');
    expect(img.entry).toBe(0x101);
    expect(img.segments.map((s) => s.address)).toEqual([0x0, 0x400]);
    expect(img.segments[0]!.data).toEqual(textSeg);
    expect(img.segments[1]!.data).toEqual(dataSeg); // filesz only, not memsz
  });

  it('reads .symtab, preferring globals and skipping file/undefined symbols', () => {
    const sym = parseElf(sampleElf()).symbols!;
    expect(sym.get('Reset_Handler')).toBe(0x101);
    expect(sym.get('counter')).toBe(0x20000000);
    expect(sym.get('helper')).toBe(0x50);
    expect(sym.get('dup')).toBe(0x22);
    expect(sym.has('main.c')).toBe(false);
    expect(sym.has('weak_undefined')).toBe(false);
  });

  it('leaves symbols undefined when there is no .symtab', () => {
    const img = parseElf(buildElf32({ segments: [{ paddr: 0x1000, data: bytes(8) }], entry: 0x1000 }));
    expect(img.symbols).toBeUndefined();
    expect(img.segments).toHaveLength(1);
  });

  it('accepts Xtensa and rejects other machines by number', () => {
    expect(parseElf(sampleElf(94)).segments).toHaveLength(2);
    expect(imageErrorMessage(() => parseElf(sampleElf(62)))).toMatch(/^ELF: unsupported e_machine 62/);
  });

  it('rejects non-ELF, ELF64, big-endian and relocatable files clearly', () => {
    expect(imageErrorMessage(() => parseElf(new TextEncoder().encode('hello world')))).toMatch(/^ELF: not an ELF file/);
    const elf64 = sampleElf();
    elf64[4] = 2;
    expect(imageErrorMessage(() => parseElf(elf64))).toMatch(/ELF64/);
    const be = sampleElf();
    be[5] = 2;
    expect(imageErrorMessage(() => parseElf(be))).toMatch(/big-endian/);
    const rel = buildElf32({ elfType: 1, segments: [{ paddr: 0, data: bytes(4) }] });
    expect(imageErrorMessage(() => parseElf(rel))).toMatch(/relocatable/);
  });

  it('names the program header and the numbers when a segment runs past EOF', () => {
    const elf = sampleElf();
    new DataView(elf.buffer).setUint32(52 + 4, elf.length - 16, true); // move segment 0's data near the end
    expect(imageErrorMessage(() => parseElf(elf))).toBe(
      `ELF: program header 0 extends past end of file (offset 0x${(elf.length - 16).toString(16).padStart(8, '0')} + 0x000000c8 > 0x${elf.length.toString(16).padStart(8, '0')})`,
    );
  });

  it('rejects filesz > memsz, overlapping segments and a bad symtab link', () => {
    const big = buildElf32({ segments: [{ paddr: 0, data: bytes(16), memsz: 8 }] });
    expect(imageErrorMessage(() => parseElf(big))).toMatch(/p_filesz .* larger than p_memsz/);
    const overlap = buildElf32({ segments: [{ paddr: 0, data: bytes(16) }, { paddr: 8, data: bytes(16) }] });
    expect(imageErrorMessage(() => parseElf(overlap))).toMatch(/overlap/);
    const elf = sampleElf();
    const v = new DataView(elf.buffer);
    const shoff = v.getUint32(32, true);
    v.setUint32(shoff + 40 + 24, 99, true); // .symtab sh_link
    expect(imageErrorMessage(() => parseElf(elf))).toMatch(/string table section 99/);
  });

  it('gives ImageError for every truncated prefix', () => {
    const elf = sampleElf();
    for (let n = 0; n < elf.length; n++) {
      expect(outcome(() => parseElf(elf.subarray(0, n))), `prefix ${n}`).toBe('ImageError');
    }
    expect(outcome(() => parseElf(elf))).toBe('ok');
  });

  it('never throws anything but ImageError on random corruption', () => {
    fuzz(sampleElf(), 3000, parseElf);
  });
});

// ---------- Intel HEX ----------

describe('Intel HEX loader', () => {
  const segs: ImageSegment[] = [
    { address: 0x0800fff0, data: bytes(40, 4) }, // crosses a 64 KiB boundary -> needs an 04 record mid-segment
    { address: 0x08020000, data: bytes(5, 5) },
  ];

  it('parses data, extended linear address and start linear address records', () => {
    const img = parseIntelHex(toIntelHex(segs, 0x08000131));
    expect(img.format).toBe('hex');
    expect(img.entry).toBe(0x08000131);
    expect(img.segments).toEqual(segs); // 16-byte records merged back into contiguous segments
  });

  it('accepts bytes, CRLF line endings and blank lines', () => {
    const text = '\r\n' + toIntelHex(segs).replace(/\n/g, '\r\n') + '\r\n\r\n';
    expect(parseIntelHex(new TextEncoder().encode(text)).segments).toEqual(segs);
  });

  it('handles 02 segment addresses and takes the entry from 03 as CS*16+IP', () => {
    const text = [hexRecord(2, 0, [0x12, 0x00]), hexRecord(0, 0x0010, [1, 2, 3]), hexRecord(3, 0, [0x12, 0x00, 0x00, 0x44]), hexRecord(1, 0)].join('\n');
    const img = parseIntelHex(text);
    expect(img.segments).toEqual([{ address: 0x12010, data: Uint8Array.from([1, 2, 3]) }]);
    expect(img.entry).toBe(0x12044);
  });

  it('prefers 05 over 03 when both are present', () => {
    const text = [hexRecord(0, 0, [9]), hexRecord(3, 0, [0, 1, 0, 2]), hexRecord(5, 0, [0, 0, 0x10, 0]), hexRecord(1, 0)].join('\n');
    expect(parseIntelHex(text).entry).toBe(0x1000);
  });

  it('wraps a record that crosses the end of its 64 KiB window', () => {
    const text = [hexRecord(4, 0, [0x00, 0x01]), hexRecord(0, 0xfffe, [1, 2, 3, 4]), hexRecord(1, 0)].join('\n');
    expect(parseIntelHex(text).segments).toEqual([
      { address: 0x10000, data: Uint8Array.from([3, 4]) },
      { address: 0x1fffe, data: Uint8Array.from([1, 2]) },
    ]);
  });

  it('names the line of a bad checksum', () => {
    const lines = toIntelHex(segs).split('\n');
    lines[2] = lines[2]!.slice(0, -2) + (lines[2]!.endsWith('00') ? '01' : '00');
    expect(imageErrorMessage(() => parseIntelHex(lines.join('\n')))).toMatch(/^Intel HEX: line 3: checksum mismatch/);
  });

  it('rejects malformed files with the line number', () => {
    const eof = hexRecord(1, 0);
    expect(imageErrorMessage(() => parseIntelHex(hexRecord(0, 0, [1]) + '\n'))).toMatch(/no end-of-file/);
    expect(imageErrorMessage(() => parseIntelHex(`${hexRecord(6, 0)}\n${eof}`))).toMatch(/line 1: unknown record type 0x06/);
    expect(imageErrorMessage(() => parseIntelHex(`\n${hexRecord(4, 0, [1])}\n${eof}`))).toMatch(/line 2: record type 0x04 needs 2/);
    expect(imageErrorMessage(() => parseIntelHex(`:0200000001FD\n${eof}`))).toMatch(/line 1: byte count field says 2 data bytes but the record holds 1/);
    expect(imageErrorMessage(() => parseIntelHex(`:01000000zzFE\n${eof}`))).toMatch(/line 1: record contains non-hex/);
    expect(imageErrorMessage(() => parseIntelHex(`garbage\n${eof}`))).toMatch(/line 1: record does not start with ':'/);
    const overlap = [hexRecord(0, 0, [1, 2, 3, 4]), hexRecord(0, 2, [5]), eof].join('\n');
    expect(imageErrorMessage(() => parseIntelHex(overlap))).toMatch(/line 2.*overlaps.*line 1/);
    expect(imageErrorMessage(() => parseIntelHex(eof))).toMatch(/no data records/);
  });

  it('gives ImageError for every truncated prefix until the EOF record is complete', () => {
    const text = toIntelHex(segs, 0x08000131);
    const complete = text.indexOf(':00000001FF') + ':00000001FF'.length;
    const encoded = new TextEncoder().encode(text);
    for (let n = 0; n <= encoded.length; n++) {
      expect(outcome(() => parseIntelHex(encoded.subarray(0, n))), `prefix ${n}`).toBe(n >= complete ? 'ok' : 'ImageError');
    }
  });

  it('never throws anything but ImageError on random corruption', () => {
    fuzz(new TextEncoder().encode(toIntelHex(segs, 0x100)), 2000, parseIntelHex);
  });
});

// ---------- UF2 ----------

describe('UF2 loader', () => {
  const segs: ImageSegment[] = [
    { address: 0x2000, data: bytes(700, 6) },
    { address: 0x4010, data: bytes(300, 7) }, // unaligned start: first block stops at 0x4100
  ];

  it('round-trips buildUf2 output and records the family ID', () => {
    const uf2 = buildUf2(segs, SAMD21_FAMILY_ID);
    expect(uf2.length).toBe(512 * (3 + 2));
    const img = parseUf2(uf2, { familyId: SAMD21_FAMILY_ID });
    expect(img.format).toBe('uf2');
    expect(img.segments).toEqual(segs);
    expect(img.uf2FamilyId).toBe(SAMD21_FAMILY_ID);
  });

  it('leaves uf2FamilyId unset when blocks carry no family', () => {
    const img = parseUf2(buildUf2(segs, undefined, 476));
    expect(img.uf2FamilyId).toBeUndefined();
    expect(img.segments).toEqual(segs);
  });

  it('names both family IDs when the family is wrong', () => {
    const uf2 = buildUf2(segs, ESP8266_FAMILY_ID);
    expect(imageErrorMessage(() => parseUf2(uf2, { familyId: SAMD21_FAMILY_ID }))).toBe(
      "UF2: block 0: family ID 0x7eab61ed does not match the board's 0x68ed2b88",
    );
  });

  it('rejects a file mixing families', () => {
    const uf2 = buildUf2(segs, SAMD21_FAMILY_ID);
    new DataView(uf2.buffer).setUint32(512 * 2 + 28, ESP8266_FAMILY_ID, true);
    expect(imageErrorMessage(() => parseUf2(uf2))).toMatch(/block 2: family ID 0x7eab61ed differs from earlier blocks' 0x68ed2b88/);
  });

  it('skips NOT_MAIN_FLASH blocks but still counts them', () => {
    const uf2 = buildUf2([{ address: 0, data: bytes(256) }, { address: 0x100, data: bytes(256, 9) }], undefined);
    const v = new DataView(uf2.buffer);
    v.setUint32(512 + 8, 0x1, true);
    expect(parseUf2(uf2).segments).toEqual([{ address: 0, data: bytes(256) }]);
  });

  it('reports missing, out-of-range and duplicate block numbers', () => {
    const uf2 = buildUf2(segs, SAMD21_FAMILY_ID);
    const withoutBlock1 = new Uint8Array([...uf2.subarray(0, 512), ...uf2.subarray(1024)]);
    expect(imageErrorMessage(() => parseUf2(withoutBlock1))).toBe('UF2: missing 1 of 5 blocks (block numbers 1)');
    const outOfRange = uf2.slice();
    new DataView(outOfRange.buffer).setUint32(512 * 3 + 20, 5, true);
    expect(imageErrorMessage(() => parseUf2(outOfRange))).toMatch(/block 3: blockNo 5 is not below numBlocks 5/);
    const dup = uf2.slice();
    new DataView(dup.buffer).setUint32(512 * 3 + 20, 1, true);
    expect(imageErrorMessage(() => parseUf2(dup))).toMatch(/block number 1 appears twice/);
    const huge = uf2.slice();
    for (let i = 0; i < 5; i++) new DataView(huge.buffer).setUint32(512 * i + 24, 0xffffffff, true);
    expect(imageErrorMessage(() => parseUf2(huge))).toMatch(/missing 4294967290 of 4294967295 blocks \(block numbers 5, 6, .*, \.\.\.\)/);
  });

  it('rejects bad magic, oversized payloads and partial blocks', () => {
    const uf2 = buildUf2(segs, SAMD21_FAMILY_ID);
    for (const [off, name] of [[0, 'first start magic'], [4, 'second start magic'], [508, 'end magic']] as const) {
      const bad = uf2.slice();
      bad[512 + off] ^= 0xff;
      expect(imageErrorMessage(() => parseUf2(bad))).toMatch(new RegExp(`^UF2: block 1 \\(file offset 0x00000200\\): bad ${name}`));
    }
    const big = uf2.slice();
    new DataView(big.buffer).setUint32(16, 477, true);
    expect(imageErrorMessage(() => parseUf2(big))).toMatch(/payload size 477 exceeds 476/);
    expect(imageErrorMessage(() => parseUf2(uf2.subarray(0, 700)))).toMatch(/not a multiple of 512/);
    expect(() => buildUf2(segs, undefined, 477)).toThrow(ImageError);
  });

  it('gives ImageError for every truncated prefix', () => {
    const uf2 = buildUf2(segs, SAMD21_FAMILY_ID);
    for (let n = 0; n < uf2.length; n++) {
      expect(outcome(() => parseUf2(uf2.subarray(0, n))), `prefix ${n}`).toBe('ImageError');
    }
  });

  it('never throws anything but ImageError on random corruption', () => {
    fuzz(buildUf2(segs, SAMD21_FAMILY_ID), 2000, (b) => parseUf2(b, { familyId: SAMD21_FAMILY_ID }));
  });
});

// ---------- raw binary ----------

describe('BIN loader', () => {
  it('places the whole file at the base address, copying it', () => {
    const data = bytes(32);
    const img = parseBin(data, 0x40200000);
    data[0] = 0xee;
    expect(img).toEqual({ format: 'bin', segments: [{ address: 0x40200000, data: bytes(32) }] });
  });

  it('rejects empty files and images that wrap past 4 GiB', () => {
    expect(imageErrorMessage(() => parseBin(new Uint8Array(0), 0))).toMatch(/^BIN: file is empty/);
    expect(imageErrorMessage(() => parseBin(bytes(32), 0xfffffff0))).toMatch(/past the 4 GiB/);
    expect(imageErrorMessage(() => parseBin(bytes(32), -1))).toMatch(/base address/);
  });
});

// ---------- detection and placement ----------

describe('loadImage / placeImage', () => {
  it('detects the format from content before the file name', () => {
    const hexText = new TextEncoder().encode(toIntelHex([{ address: 0, data: bytes(20) }]));
    expect(loadImage(sampleElf(), { name: 'firmware.bin' }).format).toBe('elf');
    expect(loadImage(buildUf2([{ address: 0, data: bytes(20) }], undefined), { name: 'x.hex' }).format).toBe('uf2');
    expect(loadImage(hexText, { name: 'x.bin' }).format).toBe('hex');
  });

  it('falls back to the extension, then to raw binary at binBase', () => {
    // Unrecognisable content named .elf: the ELF parser's error is more useful than a silent raw load.
    expect(imageErrorMessage(() => loadImage(Uint8Array.from([0x7f, 0x45]), { name: 'FW.ELF' }))).toMatch(/^ELF:/);
    expect(detectFormat(bytes(8), 'blink.uf2')).toBe('uf2');
    const raw = Uint8Array.from([0x3a, 0x00, 0x10, 0x00, 0x20]); // starts with ':' but is not hex
    const img = loadImage(raw, { name: 'fw', binBase: 0x2000 });
    expect(img.format).toBe('bin');
    expect(img.segments[0]!.address).toBe(0x2000);
  });

  it('honours an explicit format and passes familyId through', () => {
    const uf2 = buildUf2([{ address: 0, data: bytes(20) }], ESP8266_FAMILY_ID);
    expect(loadImage(uf2, { format: 'bin' }).format).toBe('bin');
    expect(() => loadImage(uf2, { familyId: SAMD21_FAMILY_ID })).toThrow(/0x68ed2b88/);
  });

  const regions = [
    { name: 'flash', base: 0x0, size: 0x40000 },
    { name: 'flash-tail', base: 0x40000, size: 0x1000 },
    { name: 'sram', base: 0x20000000, size: 0x8000 },
  ];
  const image = (segments: ImageSegment[]): FirmwareImage => ({ format: 'hex', segments });

  it('accepts segments inside the map, including across adjacent regions', () => {
    expect(() => placeImage(image([{ address: 0x3ff00, data: bytes(0x200) }, { address: 0x20000000, data: bytes(16) }]), regions)).not.toThrow();
  });

  it('reports a segment outside the map with its range and the regions', () => {
    const msg = imageErrorMessage(() => placeImage(image([{ address: 0x20007ff0, data: bytes(0x20) }]), regions));
    expect(msg).toBe(
      'Intel HEX: segment 0x20007ff0-0x2000800f (32 bytes) falls outside the memory map (first stray byte at 0x20008000); ' +
        'regions: flash 0x00000000-0x0003ffff, flash-tail 0x00040000-0x00040fff, sram 0x20000000-0x20007fff',
    );
  });
});

// ---------- optional cross-check against GNU objcopy ----------

function hasToolchain(): boolean {
  try {
    execFileSync('arm-none-eabi-gcc', ['--version'], { stdio: 'ignore' });
    execFileSync('arm-none-eabi-objcopy', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const toolchain = hasToolchain();

const C_SOURCE = `
extern unsigned _sidata, _sdata, _edata;
volatile unsigned counter = 0x12345678;
const char banner[] = "circuitemu";
void reset(void);
__attribute__((section(".vectors"), used)) void (*const vectors[2])(void) = { (void (*)(void))0x20001000, reset };
void reset(void) {
  unsigned *src = &_sidata, *dst = &_sdata;
  while (dst < &_edata) *dst++ = *src++;
  for (;;) counter += banner[counter & 7];
}
`;

const LINKER_SCRIPT = `
MEMORY { FLASH (rx) : ORIGIN = 0x00000000, LENGTH = 256K
         RAM (rwx) : ORIGIN = 0x20000000, LENGTH = 32K }
ENTRY(reset)
SECTIONS {
  .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) } > FLASH
  _sidata = LOADADDR(.data);
  .data : { _sdata = .; *(.data*) _edata = .; } > RAM AT > FLASH
  .bss : { *(.bss*) *(COMMON) } > RAM
}
`;

describe('cross-check with arm-none-eabi-objcopy', () => {
  it.skipIf(!toolchain)(
    `ELF, objcopy -O ihex and -O binary agree${toolchain ? '' : ' (SKIPPED: arm-none-eabi-gcc/objcopy not on PATH)'}`,
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'circuitemu-images-'));
      try {
        writeFileSync(join(dir, 'fw.c'), C_SOURCE);
        writeFileSync(join(dir, 'fw.ld'), LINKER_SCRIPT);
        const elfPath = join(dir, 'fw.elf');
        execFileSync('arm-none-eabi-gcc', ['-mcpu=cortex-m0plus', '-mthumb', '-Os', '-nostdlib', '-ffreestanding', '-T', join(dir, 'fw.ld'), '-o', elfPath, join(dir, 'fw.c')]);
        execFileSync('arm-none-eabi-objcopy', ['-O', 'ihex', elfPath, join(dir, 'fw.hex')]);
        execFileSync('arm-none-eabi-objcopy', ['-O', 'binary', elfPath, join(dir, 'fw.bin')]);

        const elf = loadImage(readFileSync(elfPath));
        const ihex = loadImage(readFileSync(join(dir, 'fw.hex')));
        const bin = loadImage(readFileSync(join(dir, 'fw.bin')), { name: 'fw.bin', binBase: 0 });
        expect([elf.format, ihex.format, bin.format]).toEqual(['elf', 'hex', 'bin']);

        // .data initialisers must sit in flash (LMA), not at their RAM address.
        expect(elf.segments.every((s) => s.address < 0x20000000)).toBe(true);
        const counterLma = elf.symbols!.get('_sidata')!;
        expect(new DataView(flatten(elf.segments).data.buffer).getUint32(counterLma, true)).toBe(0x12345678);

        expect(flatten(ihex.segments)).toEqual(flatten(elf.segments));
        expect(flatten(bin.segments)).toEqual(flatten(elf.segments));
        expect(ihex.entry).toBe(elf.entry);
        expect(elf.entry).toBe(elf.symbols!.get('reset'));
        placeImage(elf, [{ name: 'flash', base: 0, size: 256 * 1024 }]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
