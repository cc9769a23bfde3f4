/**
 * ELF32 little-endian loader (System V gABI + ARM/Xtensa processor supplements).
 * Every table and string is bounds-checked against the file length up front, so a truncated or
 * corrupt file produces an ImageError instead of a DataView RangeError deep inside the parser.
 */
import { ADDRESS_SPACE, FirmwareImage, ImageError, ImageMachine, ImageSegment, MemorySpan, hex } from './types.js';

const EM_ARM = 40;
const EM_XTENSA = 94;
const SUPPORTED_MACHINES: ReadonlyMap<number, ImageMachine> = new Map([
  [EM_ARM, 'ARM'],
  [EM_XTENSA, 'Xtensa'],
]);
const ET_EXEC = 2;
const ET_DYN = 3;
const PT_LOAD = 1;
const SHT_SYMTAB = 2;
const STT_SECTION = 3;
const STT_FILE = 4;
const STB_LOCAL = 0;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SYM_SIZE = 16;
const PN_XNUM = 0xffff;
const SHN_UNDEF = 0;
const utf8 = new TextDecoder();

interface ElfHeader {
  type: number;
  machine: number;
  entry: number;
  phoff: number;
  shoff: number;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
}

interface SectionHeader {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

/** Little-endian reads that refuse to go past the end of the file. */
class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get length(): number {
    return this.bytes.length;
  }
  u16(off: number): number {
    this.need(off, 2);
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    this.need(off, 4);
    return this.view.getUint32(off, true);
  }
  /** Throws unless [off, off+size) lies inside the file; `what` names the structure for the message. */
  need(off: number, size: number, what = 'field'): void {
    if (off + size > this.bytes.length) {
      throw new ImageError('elf', `${what} extends past end of file (offset ${hex(off)} + ${hex(size)} > ${hex(this.bytes.length)})`);
    }
  }
}

export function parseElf(bytes: Uint8Array): FirmwareImage {
  const r = new Reader(bytes);
  checkIdent(r);
  const h = readHeader(r);
  checkMachineAndType(h);
  const segments = loadSegments(r, h);
  const image: FirmwareImage = { format: 'elf', segments, entry: h.entry, machine: SUPPORTED_MACHINES.get(h.machine)!, footprint: readFootprint(r, h) };
  const symbols = readSymbols(r, h);
  if (symbols) image.symbols = symbols;
  return image;
}

function checkIdent(r: Reader): void {
  const b = r.bytes;
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) {
    throw new ImageError('elf', 'not an ELF file (missing \\x7fELF magic)');
  }
  if (b.length < 16) throw new ImageError('elf', `file is ${b.length} bytes, too short for e_ident (16 bytes)`);
  if (b[4] === 2) throw new ImageError('elf', 'ELF64 files are not supported (need ELF32)');
  if (b[4] !== 1) throw new ImageError('elf', `unknown EI_CLASS ${b[4]} (need 1 = ELF32)`);
  if (b[5] === 2) throw new ImageError('elf', 'big-endian ELF files are not supported (need little-endian)');
  if (b[5] !== 1) throw new ImageError('elf', `unknown EI_DATA ${b[5]} (need 1 = little-endian)`);
  if (b[6] !== 1) throw new ImageError('elf', `unsupported EI_VERSION ${b[6]} (need 1)`);
}

function readHeader(r: Reader): ElfHeader {
  r.need(0, EHDR_SIZE, 'ELF header');
  const h: ElfHeader = {
    type: r.u16(16),
    machine: r.u16(18),
    entry: r.u32(24),
    phoff: r.u32(28),
    shoff: r.u32(32),
    phentsize: r.u16(42),
    phnum: r.u16(44),
    shentsize: r.u16(46),
    shnum: r.u16(48),
  };
  applyExtendedNumbering(r, h);
  checkTable(r, 'program header table', h.phoff, h.phnum, h.phentsize, PHDR_SIZE);
  checkTable(r, 'section header table', h.shoff, h.shnum, h.shentsize, SHDR_SIZE);
  return h;
}

/** gABI: when the counts overflow 16 bits the real values live in section header 0. */
function applyExtendedNumbering(r: Reader, h: ElfHeader): void {
  const needsSection0 = h.phnum === PN_XNUM || (h.shnum === 0 && h.shoff !== 0);
  if (!needsSection0) return;
  if (h.shoff === 0) throw new ImageError('elf', 'e_phnum is PN_XNUM but there is no section header 0 to hold the real count');
  checkTable(r, 'section header table', h.shoff, 1, h.shentsize, SHDR_SIZE);
  const s0 = readSection(r, h, 0);
  if (h.shnum === 0) h.shnum = s0.size;
  if (h.phnum === PN_XNUM) h.phnum = r.u32(h.shoff + 28);
}

function checkTable(r: Reader, what: string, off: number, count: number, entsize: number, minEntsize: number): void {
  if (count === 0) return;
  if (entsize < minEntsize) {
    throw new ImageError('elf', `${what} entry size ${entsize} is smaller than the ELF32 minimum ${minEntsize}`);
  }
  r.need(off, count * entsize, what);
}

function checkMachineAndType(h: ElfHeader): void {
  if (!SUPPORTED_MACHINES.has(h.machine)) {
    throw new ImageError('elf', `unsupported e_machine ${h.machine} (supported: 40 = ARM, 94 = Xtensa)`);
  }
  if (h.type !== ET_EXEC && h.type !== ET_DYN) {
    const hint = h.type === 1 ? ' (relocatable object: link it first)' : '';
    throw new ImageError('elf', `e_type ${h.type} is not an executable${hint}`);
  }
}

function loadSegments(r: Reader, h: ElfHeader): ImageSegment[] {
  const segments: ImageSegment[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const seg = readLoadSegment(r, h.phoff + i * h.phentsize, i);
    if (seg) segments.push(seg);
  }
  if (segments.length === 0) throw new ImageError('elf', 'no PT_LOAD program header carries file data');
  segments.sort((a, b) => a.address - b.address);
  checkNoOverlap(segments);
  return segments;
}

/**
 * Loads at p_paddr (the load address), not p_vaddr: .data's initialisers live in flash at its LMA and
 * the startup code copies them to RAM, so flash must contain them exactly where the linker put them.
 */
function readLoadSegment(r: Reader, off: number, index: number): ImageSegment | undefined {
  if (r.u32(off) !== PT_LOAD) return undefined;
  const offset = r.u32(off + 4);
  const paddr = r.u32(off + 12);
  const filesz = r.u32(off + 16);
  const memsz = r.u32(off + 20);
  if (filesz === 0) return undefined;
  if (filesz > memsz) {
    throw new ImageError('elf', `program header ${index} has p_filesz ${hex(filesz)} larger than p_memsz ${hex(memsz)}`);
  }
  r.need(offset, filesz, `program header ${index}`);
  if (paddr + filesz > ADDRESS_SPACE) {
    throw new ImageError('elf', `program header ${index} at ${hex(paddr)} + ${hex(filesz)} runs past the 4 GiB address space`);
  }
  return { address: paddr, data: r.bytes.slice(offset, offset + filesz) };
}

/** Where each PT_LOAD segment lives while the program runs: p_vaddr, p_memsz bytes (zero-filled past p_filesz). */
function readFootprint(r: Reader, h: ElfHeader): MemorySpan[] {
  const spans: MemorySpan[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const off = h.phoff + i * h.phentsize;
    if (r.u32(off) !== PT_LOAD) continue;
    const vaddr = r.u32(off + 8);
    const memsz = r.u32(off + 20);
    if (memsz === 0) continue;
    if (vaddr + memsz > ADDRESS_SPACE) {
      throw new ImageError('elf', `program header ${i} at ${hex(vaddr)} + p_memsz ${hex(memsz)} runs past the 4 GiB address space`);
    }
    spans.push({ address: vaddr, size: memsz });
  }
  return spans;
}

function checkNoOverlap(segments: ImageSegment[]): void {
  for (let i = 1; i < segments.length; i++) {
    const a = segments[i - 1]!;
    const b = segments[i]!;
    if (b.address < a.address + a.data.length) {
      throw new ImageError('elf', `loadable segments overlap: ${hex(a.address)}+${hex(a.data.length)} and ${hex(b.address)}+${hex(b.data.length)}`);
    }
  }
}

function readSection(r: Reader, h: ElfHeader, index: number): SectionHeader {
  const off = h.shoff + index * h.shentsize;
  return { type: r.u32(off + 4), offset: r.u32(off + 16), size: r.u32(off + 20), link: r.u32(off + 24), entsize: r.u32(off + 36) };
}

function readSymbols(r: Reader, h: ElfHeader): Map<string, number> | undefined {
  for (let i = 0; i < h.shnum; i++) {
    const s = readSection(r, h, i);
    if (s.type === SHT_SYMTAB) return readSymtab(r, h, s, i);
  }
  return undefined;
}

function readSymtab(r: Reader, h: ElfHeader, symtab: SectionHeader, index: number): Map<string, number> {
  const entsize = symtab.entsize || SYM_SIZE;
  if (entsize < SYM_SIZE) throw new ImageError('elf', `symbol table (section ${index}) entry size ${entsize} is below ${SYM_SIZE}`);
  r.need(symtab.offset, symtab.size, `symbol table (section ${index})`);
  if (symtab.link >= h.shnum) {
    throw new ImageError('elf', `symbol table (section ${index}) links to string table section ${symtab.link}, but there are only ${h.shnum} sections`);
  }
  const strtab = readSection(r, h, symtab.link);
  r.need(strtab.offset, strtab.size, `string table (section ${symtab.link})`);
  const strings = r.bytes.subarray(strtab.offset, strtab.offset + strtab.size);
  return collectSymbols(r, symtab, entsize, strings);
}

/** Globals win over same-named locals (e.g. two files' `static int count`), otherwise first one wins. */
function collectSymbols(r: Reader, symtab: SectionHeader, entsize: number, strings: Uint8Array): Map<string, number> {
  const symbols = new Map<string, number>();
  const locals = new Set<string>();
  const count = Math.floor(symtab.size / entsize);
  for (let i = 1; i < count; i++) {
    const off = symtab.offset + i * entsize;
    const info = r.bytes[off + 12]!;
    const type = info & 0xf;
    // Section/file symbols and undefined references are not addresses anyone wants to look up.
    if (type === STT_SECTION || type === STT_FILE || r.u16(off + 14) === SHN_UNDEF) continue;
    const name = readString(strings, r.u32(off), i);
    if (name === '') continue;
    const isLocal = info >> 4 === STB_LOCAL;
    if (symbols.has(name) && (isLocal || !locals.has(name))) continue;
    symbols.set(name, r.u32(off + 4));
    if (isLocal) locals.add(name);
    else locals.delete(name);
  }
  return symbols;
}

function readString(strings: Uint8Array, start: number, symIndex: number): string {
  if (start >= strings.length) {
    throw new ImageError('elf', `symbol ${symIndex} name offset ${hex(start)} is outside the string table (${hex(strings.length)} bytes)`);
  }
  const end = strings.indexOf(0, start);
  if (end < 0) throw new ImageError('elf', `symbol ${symIndex} name at ${hex(start)} is not NUL-terminated`);
  return utf8.decode(strings.subarray(start, end));
}
