/**
 * Minimal ELF32 little-endian writer for tests: program headers for the given segments plus an optional
 * .symtab/.strtab/.shstrtab. Layout: ELF header, program headers, segment bytes, section data, section headers.
 */

export interface ElfWriterSegment {
  paddr: number;
  /** Defaults to paddr. */
  vaddr?: number;
  data: Uint8Array;
  /** Defaults to data.length; larger means trailing .bss. */
  memsz?: number;
  /** Defaults to PT_LOAD (1). */
  type?: number;
}

export interface ElfWriterSymbol {
  name: string;
  value: number;
  bind?: 'local' | 'global' | 'weak';
  /** STT_* (default STT_FUNC = 2). */
  type?: number;
  /** Defaults to SHN_ABS so the symbol counts as defined. */
  shndx?: number;
}

export interface ElfWriterOptions {
  segments: ElfWriterSegment[];
  symbols?: ElfWriterSymbol[];
  entry?: number;
  machine?: number;
  elfType?: number;
}

const EHDR = 52;
const PHDR = 32;
const SHDR = 40;
const SYM = 16;
const SHN_ABS = 0xfff1;
const BIND = { local: 0, global: 1, weak: 2 } as const;

const align4 = (n: number): number => (n + 3) & ~3;

export function buildElf32(opts: ElfWriterOptions): Uint8Array {
  const parts = new ByteSink();
  parts.reserve(EHDR + opts.segments.length * PHDR);
  const segOffsets = opts.segments.map((s) => parts.append(s.data));
  const sections = opts.symbols ? appendSymbolSections(parts, opts.symbols) : [];
  const shoff = sections.length ? parts.append(new Uint8Array(SHDR * (sections.length + 1))) : 0;
  const out = parts.finish();
  const v = new DataView(out.buffer);
  writeHeader(out, v, opts, shoff, sections.length ? sections.length + 1 : 0);
  opts.segments.forEach((s, i) => writePhdr(v, EHDR + i * PHDR, s, segOffsets[i]!));
  sections.forEach((s, i) => writeShdr(v, shoff + (i + 1) * SHDR, s));
  return out;
}

interface SectionSpec {
  name: number;
  type: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  entsize: number;
}

class ByteSink {
  private chunks: Uint8Array[] = [];
  private size = 0;
  reserve(n: number): number {
    return this.append(new Uint8Array(n));
  }
  append(data: Uint8Array): number {
    const off = align4(this.size);
    if (off > this.size) this.chunks.push(new Uint8Array(off - this.size));
    this.chunks.push(data);
    this.size = off + data.length;
    return off;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let off = 0;
    for (const c of this.chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }
}

class StringTable {
  private bytes: number[] = [0];
  add(s: string): number {
    const off = this.bytes.length;
    this.bytes.push(...new TextEncoder().encode(s), 0);
    return off;
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Adds .symtab (section 1), .strtab (2), .shstrtab (3); locals first, as the gABI requires. */
function appendSymbolSections(sink: ByteSink, symbols: ElfWriterSymbol[]): SectionSpec[] {
  const sorted = [...symbols].sort((a, b) => Number((a.bind ?? 'global') !== 'local') - Number((b.bind ?? 'global') !== 'local'));
  const strtab = new StringTable();
  const symtab = new Uint8Array(SYM * (sorted.length + 1));
  const v = new DataView(symtab.buffer);
  sorted.forEach((s, i) => {
    const off = (i + 1) * SYM;
    v.setUint32(off, strtab.add(s.name), true);
    v.setUint32(off + 4, s.value >>> 0, true);
    symtab[off + 12] = (BIND[s.bind ?? 'global'] << 4) | (s.type ?? 2);
    v.setUint16(off + 14, s.shndx ?? SHN_ABS, true);
  });
  const firstGlobal = 1 + sorted.filter((s) => s.bind === 'local').length;
  const shstr = new StringTable();
  const names = [shstr.add('.symtab'), shstr.add('.strtab'), shstr.add('.shstrtab')];
  const strBytes = strtab.finish();
  const shBytes = shstr.finish();
  return [
    { name: names[0]!, type: 2, offset: sink.append(symtab), size: symtab.length, link: 2, info: firstGlobal, entsize: SYM },
    { name: names[1]!, type: 3, offset: sink.append(strBytes), size: strBytes.length, link: 0, info: 0, entsize: 0 },
    { name: names[2]!, type: 3, offset: sink.append(shBytes), size: shBytes.length, link: 0, info: 0, entsize: 0 },
  ];
}

function writeHeader(out: Uint8Array, v: DataView, opts: ElfWriterOptions, shoff: number, shnum: number): void {
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  v.setUint16(16, opts.elfType ?? 2, true);
  v.setUint16(18, opts.machine ?? 40, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, (opts.entry ?? 0) >>> 0, true);
  v.setUint32(28, opts.segments.length ? EHDR : 0, true);
  v.setUint32(32, shoff, true);
  v.setUint16(40, EHDR, true);
  v.setUint16(42, PHDR, true);
  v.setUint16(44, opts.segments.length, true);
  v.setUint16(46, SHDR, true);
  v.setUint16(48, shnum, true);
  v.setUint16(50, shnum ? 3 : 0, true);
}

function writePhdr(v: DataView, off: number, s: ElfWriterSegment, fileOffset: number): void {
  v.setUint32(off, s.type ?? 1, true);
  v.setUint32(off + 4, fileOffset, true);
  v.setUint32(off + 8, (s.vaddr ?? s.paddr) >>> 0, true);
  v.setUint32(off + 12, s.paddr >>> 0, true);
  v.setUint32(off + 16, s.data.length, true);
  v.setUint32(off + 20, s.memsz ?? s.data.length, true);
  v.setUint32(off + 24, 5, true);
  v.setUint32(off + 28, 4, true);
}

function writeShdr(v: DataView, off: number, s: SectionSpec): void {
  v.setUint32(off, s.name, true);
  v.setUint32(off + 4, s.type, true);
  v.setUint32(off + 16, s.offset, true);
  v.setUint32(off + 20, s.size, true);
  v.setUint32(off + 24, s.link, true);
  v.setUint32(off + 28, s.info, true);
  v.setUint32(off + 36, s.entsize, true);
}
