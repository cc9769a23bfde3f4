/**
 * FAT12/FAT16/FAT32 for the host side of the emulator, written from Microsoft's "FAT: General Overview of
 * On-Disk Format" (fatgen103, v1.03) with the acceptance rules of FatFs R0.13c (the oofatfs copy inside
 * CircuitPython), because FatFs is the code that has to accept what we write.
 *
 * Where FatFs and fatgen103 differ, we follow FatFs and say so:
 * - FAT type from the cluster count: FatFs takes <= 4085 clusters as FAT12 and <= 65525 as FAT16
 *   (fatgen103: < 4085 and < 65525). Only the exact counts 4085 / 65525 are read differently.
 * - A boot sector is a FAT volume only if it ends in 55 AA, starts with a jump (EB/E9/E8) and holds "FAT"
 *   at offset 54 or "FAT32" at 82. Anything else is "no filesystem", and CircuitPython reformats it.
 * - 1 or 2 FATs, BytsPerSec = 512, RsvdSecCnt != 0, SecPerClus a power of two, the root directory a
 *   whole number of sectors, FATSz at least what the cluster count needs.
 * - Dirty flags (FAT[1] ClnShutBit/HrdErrBit, BS_NTres bit 0): FatFs R0.13c neither reads nor writes them.
 *   We report them at mount and preserve them; every public operation here is complete when it returns
 *   (all FAT copies and directory sectors written), so there is never a half-done state to flag.
 *
 * Everything read from the image is validated before use: a corrupt image is user input, so every
 * failure is a FatError with a code, never a RangeError from a typed array.
 */
import { BlockDevice, BlockDeviceError, SECTOR_SIZE, SubBlockDevice } from './block-device.js';

// ---------------------------------------------------------------------------------------------------
// Errors

export type FatErrorCode =
  | 'NO_FILESYSTEM' // FatFs would answer FR_NO_FILESYSTEM (blank flash, foreign data, a BPB it rejects): CircuitPython formats it
  | 'CORRUPT' // a FAT volume whose structures contradict each other
  | 'UNSUPPORTED' // valid FAT we do not handle (sector size != 512, exFAT)
  | 'IO' // the block device refused an access
  | 'NOT_FOUND'
  | 'EXISTS'
  | 'NOT_DIR'
  | 'IS_DIR'
  | 'NOT_EMPTY'
  | 'NO_SPACE'
  | 'DIR_FULL'
  | 'INVALID_NAME'
  | 'INVALID_ARGUMENT'
  | 'READ_ONLY';

export class FatError extends Error {
  readonly code: FatErrorCode;
  constructor(code: FatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FatError';
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------------
// On-disk constants (fatgen103 section numbers in comments)

export type FatType = 12 | 16 | 32;

/** FatFs R0.13c limits (MAX_FAT12 / MAX_FAT16 / MAX_FAT32 in ff.c). */
export const MAX_FAT12_CLUSTERS = 0xff5;
export const MAX_FAT16_CLUSTERS = 0xfff5;
export const MAX_FAT32_CLUSTERS = 0x0ffffff5;

const DIRENT = 32;
const ENTRIES_PER_SECTOR = SECTOR_SIZE / DIRENT;
/** FatFs refuses directories larger than 2 MiB (MAX_DIR); the 16-bit entry index in many drivers agrees. */
const MAX_DIR_BYTES = 0x200000;
const MAX_LFN = 255;

export const ATTR_READ_ONLY = 0x01;
export const ATTR_HIDDEN = 0x02;
export const ATTR_SYSTEM = 0x04;
export const ATTR_VOLUME_ID = 0x08;
export const ATTR_DIRECTORY = 0x10;
export const ATTR_ARCHIVE = 0x20;
const ATTR_LONG_NAME = 0x0f;
const ATTR_LONG_NAME_MASK = 0x3f;
const LAST_LONG_ENTRY = 0x40;
const DELETED = 0xe5;
/** NTRes bits used by Windows NT and FatFs for an all-lower-case body / extension of an 8.3 name. */
const NT_LOWER_BODY = 0x08;
const NT_LOWER_EXT = 0x10;

// Boot sector / BPB offsets (fatgen103 "Boot Sector and BPB Structure")
const BS_jmpBoot = 0;
const BS_OEMName = 3;
const BPB_BytsPerSec = 11;
const BPB_SecPerClus = 13;
const BPB_RsvdSecCnt = 14;
const BPB_NumFATs = 16;
const BPB_RootEntCnt = 17;
const BPB_TotSec16 = 19;
const BPB_Media = 21;
const BPB_FATSz16 = 22;
const BPB_SecPerTrk = 24;
const BPB_NumHeads = 26;
const BPB_HiddSec = 28;
const BPB_TotSec32 = 32;
const BS_DrvNum = 36;
const BS_Reserved1 = 37;
const BS_BootSig = 38;
const BS_VolID = 39;
const BS_VolLab = 43;
const BS_FilSysType = 54;
const BPB_FATSz32 = 36;
const BPB_ExtFlags = 40;
const BPB_FSVer = 42;
const BPB_RootClus = 44;
const BPB_FSInfo = 48;
const BS32_Reserved1 = 65;
const BS32_VolID = 67;
const BS32_VolLab = 71;
const BS32_FilSysType = 82;
const SIGNATURE_OFFSET = 510;

// FSInfo (fatgen103 "FAT32 FSInfo Sector Structure")
const FSI_LeadSig = 0x41615252;
const FSI_StrucSig = 0x61417272;
const FSI_StrucSig_Offset = 484;
const FSI_Free_Count = 488;
const FSI_Nxt_Free = 492;

// Directory entry offsets (fatgen103 "FAT 32 Byte Directory Entry Structure")
const DIR_Name = 0;
const DIR_Attr = 11;
const DIR_NTRes = 12;
const DIR_CrtTimeTenth = 13;
const DIR_CrtTime = 14;
const DIR_CrtDate = 16;
const DIR_LstAccDate = 18;
const DIR_FstClusHI = 20;
const DIR_WrtTime = 22;
const DIR_WrtDate = 24;
const DIR_FstClusLO = 26;
const DIR_FileSize = 28;
// Long-name entry (fatgen103 "FAT Long Directory Entries")
const LDIR_Ord = 0;
const LDIR_Chksum = 13;
/** Byte offsets of the 13 UCS-2 characters of one long-name entry (Name1: 5, Name2: 6, Name3: 2). */
const LFN_CHAR_OFFSETS = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30] as const;

/** The default timestamp when the caller gives none: the SAMD21 RTC's epoch as CircuitPython reports it. */
export const DEFAULT_FAT_DATE = new Date(Date.UTC(2000, 0, 1, 0, 0, 0));

/**
 * IBM code page 437, 0x80..0xFF (FatFs FF_CODE_PAGE 437 in CircuitPython), for decoding 8.3 names other
 * tools wrote. Names we create never contain bytes >= 0x80: anything outside ASCII gets a long name.
 */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

// ---------------------------------------------------------------------------------------------------
// Little-endian helpers (callers guarantee bounds; the buffers are sector-sized)

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}
function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
const ascii = (b: Uint8Array, o: number, n: number): string => String.fromCharCode(...b.subarray(o, o + n));
function putAscii(b: Uint8Array, o: number, s: string, n: number): void {
  for (let i = 0; i < n; i++) b[o + i] = i < s.length ? s.charCodeAt(i) & 0xff : 0x20;
}

// ---------------------------------------------------------------------------------------------------
// Timestamps (fatgen103 "Date and Time Formats"): UTC fields, so results never depend on the host's zone.

interface FatStamp {
  date: number;
  time: number;
  tenth: number;
}

export function toFatStamp(d: Date): FatStamp {
  let ms = d.getTime();
  if (!Number.isFinite(ms)) ms = DEFAULT_FAT_DATE.getTime();
  const min = Date.UTC(1980, 0, 1);
  const max = Date.UTC(2107, 11, 31, 23, 59, 58);
  const t = new Date(Math.min(Math.max(ms, min), max));
  const date = ((t.getUTCFullYear() - 1980) << 9) | ((t.getUTCMonth() + 1) << 5) | t.getUTCDate();
  const time = (t.getUTCHours() << 11) | (t.getUTCMinutes() << 5) | (t.getUTCSeconds() >> 1);
  const tenth = (t.getUTCSeconds() & 1) * 100 + Math.floor(t.getUTCMilliseconds() / 10);
  return { date, time, tenth };
}

export function fromFatStamp(date: number, time: number, tenth = 0): Date {
  const year = 1980 + (date >> 9);
  const month = Math.max(1, Math.min(12, (date >> 5) & 0x0f));
  const day = Math.max(1, date & 0x1f);
  const hours = Math.min(23, time >> 11);
  const minutes = Math.min(59, (time >> 5) & 0x3f);
  const seconds = Math.min(59, (time & 0x1f) * 2 + Math.floor(Math.min(tenth, 199) / 100));
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, (Math.min(tenth, 199) % 100) * 10));
}

// ---------------------------------------------------------------------------------------------------
// Geometry

export interface FatGeometry {
  fatType: FatType;
  sectorsPerCluster: number;
  reservedSectors: number;
  fatCount: number;
  /** Sectors per FAT copy. */
  fatSectors: number;
  /** FAT12/16 fixed root directory entries; 0 on FAT32. */
  rootEntries: number;
  totalSectors: number;
  hiddenSectors: number;
  /** Data clusters; valid cluster numbers are 2 .. clusterCount + 1. */
  clusterCount: number;
  firstFatSector: number;
  rootDirSector: number;
  rootDirSectors: number;
  firstDataSector: number;
  /** FAT32 root directory cluster; 0 on FAT12/16. */
  rootCluster: number;
  /** FAT32: sector of FSInfo, or 0 if none. */
  fsInfoSector: number;
  /** FAT32 BPB_ExtFlags: mirroring disabled and the active FAT. */
  activeFat: number;
  mirrored: boolean;
  volumeId: number;
  /** BS_VolLab (FatFs leaves "NO NAME" there; the label CircuitPython sets lives in the root directory). */
  bootLabel: string;
  oemName: string;
  media: number;
}

/** Where the FAT volume was found on the device: sector 0 (no partition table) or an MBR partition. */
export interface VolumeLocation {
  /** First sector of the volume on the device given to mount(). */
  startSector: number;
  partition: number | null;
}

/**
 * Recognises a FAT boot sector the way FatFs's check_fs does: 0 = FAT VBR, 2 = has 55 AA but is not a FAT
 * VBR (maybe an MBR), 3 = no boot signature at all (blank or foreign).
 */
function classifySector(s: Uint8Array): 0 | 2 | 3 {
  if (u16(s, SIGNATURE_OFFSET) !== 0xaa55) return 3;
  const j = s[BS_jmpBoot]!;
  if (j === 0xe9 || j === 0xeb || j === 0xe8) {
    if (ascii(s, BS_FilSysType, 3) === 'FAT') return 0;
    if (ascii(s, BS32_FilSysType, 5) === 'FAT32') return 0;
  }
  return 2;
}

/** Parses and validates a BPB (FatFs find_volume rules plus bounds against the device size). */
export function parseBootSector(s: Uint8Array, deviceSectors: number): FatGeometry {
  const bytesPerSector = u16(s, BPB_BytsPerSec);
  if (bytesPerSector !== SECTOR_SIZE) {
    throw new FatError('NO_FILESYSTEM', `boot sector: BPB_BytsPerSec is ${bytesPerSector}; CircuitPython (like this code) only mounts 512`);
  }
  const sectorsPerCluster = s[BPB_SecPerClus]!;
  if (sectorsPerCluster === 0 || (sectorsPerCluster & (sectorsPerCluster - 1)) !== 0) {
    throw new FatError('NO_FILESYSTEM', `boot sector: BPB_SecPerClus ${sectorsPerCluster} is not a power of two`);
  }
  const reservedSectors = u16(s, BPB_RsvdSecCnt);
  if (reservedSectors === 0) throw new FatError('NO_FILESYSTEM', 'boot sector: BPB_RsvdSecCnt is 0');
  const fatCount = s[BPB_NumFATs]!;
  if (fatCount !== 1 && fatCount !== 2) throw new FatError('NO_FILESYSTEM', `boot sector: BPB_NumFATs is ${fatCount} (FatFs accepts 1 or 2)`);
  const rootEntries = u16(s, BPB_RootEntCnt);
  if (rootEntries % ENTRIES_PER_SECTOR !== 0) {
    throw new FatError('NO_FILESYSTEM', `boot sector: BPB_RootEntCnt ${rootEntries} is not a whole number of sectors`);
  }
  let fatSectors = u16(s, BPB_FATSz16);
  if (fatSectors === 0) fatSectors = u32(s, BPB_FATSz32);
  if (fatSectors === 0) throw new FatError('NO_FILESYSTEM', 'boot sector: FAT size is 0');
  let totalSectors = u16(s, BPB_TotSec16);
  if (totalSectors === 0) totalSectors = u32(s, BPB_TotSec32);
  const rootDirSectors = rootEntries / ENTRIES_PER_SECTOR;
  const systemSectors = reservedSectors + fatSectors * fatCount + rootDirSectors;
  if (totalSectors < systemSectors) {
    throw new FatError('NO_FILESYSTEM', `boot sector: ${totalSectors} sectors cannot hold the ${systemSectors} sectors of reserved area, FATs and root directory`);
  }
  const clusterCount = Math.floor((totalSectors - systemSectors) / sectorsPerCluster);
  if (clusterCount === 0) throw new FatError('NO_FILESYSTEM', 'boot sector: the volume has no data clusters');
  let fatType: FatType;
  if (clusterCount <= MAX_FAT12_CLUSTERS) fatType = 12;
  else if (clusterCount <= MAX_FAT16_CLUSTERS) fatType = 16;
  else if (clusterCount <= MAX_FAT32_CLUSTERS) fatType = 32;
  else throw new FatError('NO_FILESYSTEM', `boot sector: ${clusterCount} clusters is too many for FAT32`);
  if (totalSectors > deviceSectors) {
    throw new FatError(
      'CORRUPT',
      `boot sector says the volume has ${totalSectors} sectors but the device holds only ${deviceSectors} (truncated image?)`,
    );
  }
  const entries = clusterCount + 2;
  const neededFatBytes = fatType === 32 ? entries * 4 : fatType === 16 ? entries * 2 : Math.floor((entries * 3) / 2) + (entries & 1);
  if (fatSectors < Math.ceil(neededFatBytes / SECTOR_SIZE)) {
    throw new FatError('NO_FILESYSTEM', `boot sector: a FAT of ${fatSectors} sectors is too small for ${clusterCount} clusters`);
  }
  let rootCluster = 0;
  let fsInfoSector = 0;
  let activeFat = 0;
  let mirrored = true;
  const is32 = fatType === 32;
  if (is32) {
    if (u16(s, BPB_FSVer) !== 0) throw new FatError('NO_FILESYSTEM', 'boot sector: FAT32 version is not 0.0');
    if (rootEntries !== 0) throw new FatError('NO_FILESYSTEM', 'boot sector: FAT32 volume with BPB_RootEntCnt != 0');
    rootCluster = u32(s, BPB_RootClus);
    if (rootCluster < 2 || rootCluster >= entries) throw new FatError('NO_FILESYSTEM', `boot sector: FAT32 root cluster ${rootCluster} is out of range`);
    const fsi = u16(s, BPB_FSInfo);
    if (fsi > 0 && fsi < reservedSectors) fsInfoSector = fsi;
    const ext = u16(s, BPB_ExtFlags);
    mirrored = (ext & 0x80) === 0;
    activeFat = mirrored ? 0 : ext & 0x0f;
    if (activeFat >= fatCount) throw new FatError('NO_FILESYSTEM', `boot sector: active FAT ${activeFat} does not exist`);
  } else if (rootEntries === 0) {
    throw new FatError('NO_FILESYSTEM', `boot sector: FAT${fatType} volume with no root directory entries`);
  }
  const firstFatSector = reservedSectors;
  const rootDirSector = firstFatSector + fatSectors * fatCount;
  return {
    fatType,
    sectorsPerCluster,
    reservedSectors,
    fatCount,
    fatSectors,
    rootEntries,
    totalSectors,
    hiddenSectors: u32(s, BPB_HiddSec),
    clusterCount,
    firstFatSector,
    rootDirSector,
    rootDirSectors,
    firstDataSector: rootDirSector + rootDirSectors,
    rootCluster,
    fsInfoSector,
    activeFat,
    mirrored,
    volumeId: s[is32 ? 66 : BS_BootSig] === 0x29 ? u32(s, is32 ? BS32_VolID : BS_VolID) : 0,
    bootLabel: s[is32 ? 66 : BS_BootSig] === 0x29 ? ascii(s, is32 ? BS32_VolLab : BS_VolLab, 11).trimEnd() : '',
    oemName: ascii(s, BS_OEMName, 8),
    media: s[BPB_Media]!,
  };
}

// ---------------------------------------------------------------------------------------------------
// Names

/** Characters fatgen103 allows in an 8.3 name besides A-Z and 0-9 (codes >= 0x80 are allowed too, but we never create them). */
const SFN_SPECIAL = new Set("$%'-_@~`!(){}^#&");
const FORBIDDEN = new Set('"*/:<>?\\|');

function isSfnChar(c: string): boolean {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || SFN_SPECIAL.has(c);
}

/** Trims what FatFs trims (trailing spaces and dots) and rejects what no FAT driver accepts. */
export function normalizeName(name: string): string {
  const trimmed = name.replace(/[ .]+$/, '');
  if (trimmed === '' || name === '.' || name === '..') throw new FatError('INVALID_NAME', `"${name}" is not a valid file name`);
  for (const ch of trimmed) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || FORBIDDEN.has(ch)) {
      throw new FatError('INVALID_NAME', `"${name}" contains the character ${JSON.stringify(ch)}, which FAT does not allow`);
    }
  }
  if (trimmed.length > MAX_LFN) throw new FatError('INVALID_NAME', `"${name.slice(0, 40)}..." is longer than ${MAX_LFN} characters`);
  return trimmed;
}

/** An 8.3 name exactly as given (no LFN needed): uniform case per part, valid characters, 1-8 + 0-3. */
function exactShortName(name: string): { sfn: Uint8Array; ntres: number } | null {
  const dot = name.indexOf('.');
  const body = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? '' : name.slice(dot + 1);
  if (body.length < 1 || body.length > 8 || ext.length > 3 || ext.includes('.') || (dot >= 0 && ext.length === 0)) return null;
  let ntres = 0;
  const part = (p: string, lowerFlag: number): boolean => {
    const upper = p.toUpperCase();
    for (const c of upper) if (!isSfnChar(c)) return false;
    const hasLower = p !== upper;
    const hasUpper = p !== p.toLowerCase();
    if (hasLower && hasUpper) return false;
    if (hasLower) ntres |= lowerFlag;
    return true;
  };
  if (!part(body, NT_LOWER_BODY) || !part(ext, NT_LOWER_EXT)) return null;
  const sfn = new Uint8Array(11);
  putAscii(sfn, 0, body.toUpperCase(), 8);
  putAscii(sfn, 8, ext.toUpperCase(), 3);
  return { sfn, ntres };
}

/** fatgen103 "basis-name generation": returns the 8+3 basis and whether information was lost. */
function basisName(name: string): { body: string; ext: string; lossy: boolean } {
  let lossy = false;
  const mapChar = (ch: string): string => {
    const up = ch.toUpperCase();
    if (up.length === 1 && isSfnChar(up)) return up;
    lossy = true; // "+,;=[]", non-ASCII and anything else an 8.3 name cannot hold
    return '_';
  };
  const lastDot = name.lastIndexOf('.');
  const rawBody = lastDot > 0 ? name.slice(0, lastDot) : name;
  const rawExt = lastDot > 0 ? name.slice(lastDot + 1) : '';
  let body = '';
  for (const ch of rawBody) {
    if (ch === ' ' || ch === '.') {
      lossy = true; // embedded spaces and periods are dropped (and leading periods, step 4)
      continue;
    }
    body += mapChar(ch);
  }
  let ext = '';
  for (const ch of rawExt) {
    if (ch === ' ') {
      lossy = true;
      continue;
    }
    ext += mapChar(ch);
  }
  if (body.length > 8) lossy = true;
  if (ext.length > 3) lossy = true;
  body = body.slice(0, 8);
  ext = ext.slice(0, 3);
  if (body === '') {
    body = '_';
    lossy = true;
  }
  return { body, ext, lossy };
}

/** fatgen103 "Checksum generation": rotate right and add, over the 11 name bytes. */
export function lfnChecksum(sfn: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = ((((sum & 1) << 7) | (sum >> 1)) + sfn[i]!) & 0xff;
  return sum;
}

function decodeShortName(e: Uint8Array, ntres: number): string {
  const ch = (b: number): string => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!);
  let body = '';
  for (let i = 0; i < 8; i++) body += ch(i === 0 && e[0] === 0x05 ? 0xe5 : e[i]!);
  let ext = '';
  for (let i = 8; i < 11; i++) ext += ch(e[i]!);
  body = body.trimEnd();
  ext = ext.trimEnd();
  if (ntres & NT_LOWER_BODY) body = body.toLowerCase();
  if (ntres & NT_LOWER_EXT) ext = ext.toLowerCase();
  return ext ? `${body}.${ext}` : body;
}

function decodeLabel(e: Uint8Array): string {
  let s = '';
  for (let i = 0; i < 11; i++) s += e[i]! < 0x80 ? String.fromCharCode(e[i]!) : CP437_HIGH[e[i]! - 0x80]!;
  return s.trimEnd();
}

const upper = (s: string): string => s.toUpperCase();

// ---------------------------------------------------------------------------------------------------
// Public types

export interface FatStat {
  name: string;
  /** The 8.3 alias as shown by DOS (e.g. "FSEVEN~1"). */
  shortName: string;
  isDirectory: boolean;
  size: number;
  attributes: number;
  mtime: Date;
  ctime: Date;
  firstCluster: number;
}

export type FatDirEntry = FatStat;

export interface VolumeInfo {
  fatType: FatType;
  clusterSize: number;
  totalClusters: number;
  freeClusters: number;
  totalBytes: number;
  freeBytes: number;
  label: string;
  volumeId: number;
  /** Dirty flags found at mount (FAT[1] bits, BS_NTres bit 0). Informational: FatFs ignores them too. */
  dirtyAtMount: boolean;
}

export interface MountOptions {
  /** Timestamp for everything this volume object writes; a function is called per operation. Default 2000-01-01. */
  date?: Date | (() => Date);
  readOnly?: boolean;
  /**
   * Look for the volume in an MBR partition when sector 0 is not a FAT boot sector (default true). CircuitPython
   * never does on its flash (its FatFs sees a fake MBR and then flash sector 0), so circuitpy.ts passes false.
   */
  partitionTable?: boolean;
}

export interface WriteOptions {
  /** Create missing parent directories. */
  parents?: boolean;
  /** Overrides the volume's date for this write. */
  date?: Date;
}

interface DirHandle {
  /** First cluster, or 0 for the FAT12/16 fixed root. */
  cluster: number;
  isRoot: boolean;
  sectors: number[];
  bytes: Uint8Array;
  dirty: Set<number>;
}

interface RawEntry {
  name: string;
  shortName: string;
  sfn: Uint8Array;
  /** Slot of the 8.3 entry, and of the first long-name slot that belongs to it. */
  slot: number;
  firstSlot: number;
  attr: number;
  ntres: number;
  cluster: number;
  size: number;
  ctime: Date;
  mtime: Date;
}

// ---------------------------------------------------------------------------------------------------
// Mount

/**
 * Mounts the FAT volume on `dev`: at sector 0 (how CircuitPython keeps CIRCUITPY on flash), or, like FatFs
 * with auto partition, in the first MBR partition that holds one (an image dumped through USB MSC).
 */
export function mount(dev: BlockDevice, options: MountOptions = {}): FatVolume {
  return guard(() => {
    if (dev.sectorCount < 1) throw new FatError('NO_FILESYSTEM', 'the device is empty');
    const s0 = readSectors(dev, 0, 1);
    const kind = classifySector(s0);
    if (kind === 0) return new FatVolume(dev, parseBootSector(s0, dev.sectorCount), { startSector: 0, partition: null }, options);
    if (kind === 3) {
      const blank = s0.every((b) => b === 0xff) ? ' (sector 0 is erased flash)' : s0.every((b) => b === 0) ? ' (sector 0 is all zeros)' : '';
      throw new FatError('NO_FILESYSTEM', `no FAT filesystem: sector 0 has no 55 AA boot signature${blank}`);
    }
    if (options.partitionTable === false) {
      throw new FatError('NO_FILESYSTEM', 'no FAT filesystem: sector 0 is not a FAT boot sector (55 AA, jump, "FAT" at 54 or "FAT32" at 82)');
    }
    for (let i = 0; i < 4; i++) {
      const pte = 446 + i * 16;
      const type = s0[pte + 4]!;
      const start = u32(s0, pte + 8);
      const size = u32(s0, pte + 12);
      if (type === 0 || start === 0 || start >= dev.sectorCount) continue;
      const length = Math.min(size === 0 ? dev.sectorCount - start : size, dev.sectorCount - start);
      const part = new SubBlockDevice(dev, start, length);
      const vbr = readSectors(part, 0, 1);
      if (classifySector(vbr) !== 0) continue;
      return new FatVolume(part, parseBootSector(vbr, part.sectorCount), { startSector: start, partition: i + 1 }, options);
    }
    throw new FatError('NO_FILESYSTEM', 'no FAT filesystem: sector 0 is neither a FAT boot sector nor an MBR with a FAT partition');
  });
}

/** The root directory slot of the volume label entry (ATTR_VOLUME_ID, not part of a long name), or -1. */
function labelSlot(root: DirHandle): number {
  for (let i = 0; i < root.bytes.length / DIRENT; i++) {
    const o = i * DIRENT;
    const first = root.bytes[o]!;
    if (first === 0) break;
    if (first === DELETED) continue;
    const attr = root.bytes[o + DIR_Attr]!;
    if ((attr & ATTR_LONG_NAME_MASK) !== ATTR_LONG_NAME && attr & ATTR_VOLUME_ID) return i;
  }
  return -1;
}

function readSectors(dev: BlockDevice, lba: number, count: number): Uint8Array {
  try {
    const data = dev.read(lba, count);
    if (data.length !== count * SECTOR_SIZE) throw new FatError('IO', `device returned ${data.length} bytes for ${count} sector(s) at ${lba}`);
    return data;
  } catch (e) {
    if (e instanceof FatError) throw e;
    throw new FatError('IO', `cannot read sector ${lba}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function writeSectors(dev: BlockDevice, lba: number, data: Uint8Array): void {
  try {
    dev.write(lba, data);
  } catch (e) {
    throw new FatError('IO', `cannot write sector ${lba}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Converts anything that is not a FatError (a bug, or a typed-array range error on hostile data) into one. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FatError) throw e;
    if (e instanceof BlockDeviceError) throw new FatError('IO', e.message, { cause: e });
    throw new FatError('CORRUPT', `internal error on this image: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------------
// Volume

export class FatVolume {
  readonly geometry: FatGeometry;
  readonly location: VolumeLocation;
  private readonly dev: BlockDevice;
  private readonly fat: Uint8Array;
  private readonly dirtyFatSectors = new Set<number>();
  private freeClusters: number;
  private nextFree = 2;
  private readonly dateSource: Date | (() => Date);
  private readonly readOnly: boolean;
  private readonly eocMin: number;
  private readonly badValue: number;
  private readonly clusterBytes: number;
  readonly dirtyAtMount: boolean;

  constructor(dev: BlockDevice, geometry: FatGeometry, location: VolumeLocation, options: MountOptions) {
    this.dev = dev;
    this.geometry = geometry;
    this.location = location;
    this.dateSource = options.date ?? DEFAULT_FAT_DATE;
    this.readOnly = options.readOnly ?? false;
    this.clusterBytes = geometry.sectorsPerCluster * SECTOR_SIZE;
    const t = geometry.fatType;
    this.eocMin = t === 12 ? 0xff8 : t === 16 ? 0xfff8 : 0x0ffffff8;
    this.badValue = t === 12 ? 0xff7 : t === 16 ? 0xfff7 : 0x0ffffff7;
    this.fat = readSectors(dev, geometry.firstFatSector + geometry.activeFat * geometry.fatSectors, geometry.fatSectors);
    let free = 0;
    for (let c = 2; c < geometry.clusterCount + 2; c++) if (this.getFat(c) === 0) free++;
    this.freeClusters = free;
    const e1 = this.getFat(1);
    let dirty = false;
    if (t === 16) dirty = (e1 & 0xc000) !== 0xc000;
    if (t === 32) dirty = (e1 & 0x0c000000) !== 0x0c000000;
    const boot = readSectors(dev, 0, 1);
    if (boot[t === 32 ? BS32_Reserved1 : BS_Reserved1]! & 1) dirty = true;
    this.dirtyAtMount = dirty;
    if (t === 32 && geometry.fsInfoSector) {
      const fsi = readSectors(dev, geometry.fsInfoSector, 1);
      if (u32(fsi, 0) === FSI_LeadSig && u32(fsi, FSI_StrucSig_Offset) === FSI_StrucSig) {
        const hint = u32(fsi, FSI_Nxt_Free);
        if (hint >= 2 && hint < geometry.clusterCount + 2) this.nextFree = hint;
      }
    }
  }

  // ---- public API ---------------------------------------------------------------------------------

  info(): VolumeInfo {
    return guard(() => ({
      fatType: this.geometry.fatType,
      clusterSize: this.clusterBytes,
      totalClusters: this.geometry.clusterCount,
      freeClusters: this.freeClusters,
      totalBytes: this.geometry.clusterCount * this.clusterBytes,
      freeBytes: this.freeClusters * this.clusterBytes,
      label: this.label,
      volumeId: this.geometry.volumeId,
      dirtyAtMount: this.dirtyAtMount,
    }));
  }

  /** The volume label: the root directory's label entry (what FatFs f_getlabel and the OS show), else the BPB's. */
  get label(): string {
    return guard(() => {
      const root = this.loadDir(0, true);
      const slot = labelSlot(root);
      if (slot >= 0) return decodeLabel(root.bytes.subarray(slot * DIRENT, slot * DIRENT + 11));
      const l = this.geometry.bootLabel;
      return l === 'NO NAME' ? '' : l;
    });
  }

  /**
   * Sets (or with "" removes) the label entry in the root directory, as FatFs f_setlabel does. Unlike FatFs,
   * BS_VolLab is updated too (unless `bootSector: false`): FatFs never reads it, and fsck.fat reports a
   * root label without a matching boot-sector label.
   */
  setLabel(label: string, options: { bootSector?: boolean } = {}): void {
    this.mutate(() => {
      const text = label.toUpperCase().replace(/ +$/, '');
      if (text.length > 11 || /[^\x20-\x7e]/.test(text) || /[+.,;=[\]/\\"*:<>?|]/.test(text) || text.startsWith(' ')) {
        throw new FatError('INVALID_NAME', `"${label}" is not a valid volume label (up to 11 characters, no + . , ; = [ ] / \\ " * : < > ? |)`);
      }
      const root = this.loadDir(0, true);
      let slot = labelSlot(root);
      if (text === '') {
        if (slot >= 0) this.setSlotByte(root, slot, 0, DELETED);
      } else {
        if (slot < 0) {
          slot = this.allocSlots(root, 1);
          root.bytes.fill(0, slot * DIRENT, slot * DIRENT + DIRENT);
          root.bytes[slot * DIRENT + DIR_Attr] = ATTR_VOLUME_ID;
        }
        putAscii(root.bytes, slot * DIRENT, text, 11);
        root.dirty.add(slot);
      }
      this.flushDir(root);
      if (options.bootSector ?? true) {
        const boot = readSectors(this.dev, 0, 1);
        const is32 = this.geometry.fatType === 32;
        if (boot[is32 ? 66 : BS_BootSig] === 0x29) {
          putAscii(boot, is32 ? BS32_VolLab : BS_VolLab, text || 'NO NAME', 11);
          writeSectors(this.dev, 0, boot);
          this.geometry.bootLabel = text || 'NO NAME';
        }
      }
    });
  }

  exists(path: string): boolean {
    return guard(() => {
      try {
        this.lookup(path);
        return true;
      } catch (e) {
        if (e instanceof FatError && (e.code === 'NOT_FOUND' || e.code === 'NOT_DIR')) return false;
        throw e;
      }
    });
  }

  stat(path: string): FatStat {
    return guard(() => {
      const found = this.lookup(path);
      if (!found.entry) return this.rootStat();
      return this.toStat(found.entry);
    });
  }

  readdir(path = '/'): FatDirEntry[] {
    return guard(() => {
      const dir = this.openDir(path);
      return this.parseDir(dir)
        .filter((e) => e.name !== '.' && e.name !== '..')
        .map((e) => this.toStat(e));
    });
  }

  readFile(path: string): Uint8Array {
    return guard(() => {
      const found = this.lookup(path);
      if (!found.entry) throw new FatError('IS_DIR', `"${path}" is a directory`);
      const e = found.entry;
      if (e.attr & ATTR_DIRECTORY) throw new FatError('IS_DIR', `"${path}" is a directory`);
      return this.readChainData(e.cluster, e.size, path);
    });
  }

  writeFile(path: string, data: Uint8Array | string, options: WriteOptions = {}): void {
    this.mutate(() => {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      if (bytes.length > 0xffffffff) throw new FatError('INVALID_ARGUMENT', 'FAT files are limited to 4 GiB - 1 bytes');
      const { parent, name } = this.parentOf(path, options.parents ?? false, options.date);
      const entries = this.parseDir(parent);
      const existing = findEntry(entries, name);
      const stamp = toFatStamp(options.date ?? this.now());
      const needed = Math.ceil(bytes.length / this.clusterBytes);
      if (existing) {
        if (existing.attr & ATTR_DIRECTORY) throw new FatError('IS_DIR', `"${path}" is a directory`);
        const old = existing.cluster ? this.chain(existing.cluster, path) : [];
        if (needed > this.freeClusters + old.length) throw this.noSpace(path, bytes.length);
        this.freeChain(old);
        const first = this.writeData(bytes);
        const o = existing.slot * DIRENT;
        setCluster(parent.bytes, o, first);
        put32(parent.bytes, o + DIR_FileSize, bytes.length);
        put16(parent.bytes, o + DIR_WrtTime, stamp.time);
        put16(parent.bytes, o + DIR_WrtDate, stamp.date);
        put16(parent.bytes, o + DIR_LstAccDate, stamp.date);
        parent.bytes[o + DIR_Attr] = parent.bytes[o + DIR_Attr]! | ATTR_ARCHIVE;
        parent.dirty.add(existing.slot);
      } else {
        const slot = this.createEntry(parent, entries, name, ATTR_ARCHIVE, stamp, 0);
        // The new entry is only in memory until flushDir, so running out of space leaves no trace of it.
        if (needed > this.freeClusters) throw this.noSpace(path, bytes.length);
        const first = this.writeData(bytes);
        setCluster(parent.bytes, slot * DIRENT, first);
        put32(parent.bytes, slot * DIRENT + DIR_FileSize, bytes.length);
      }
      this.flushDir(parent);
    });
  }

  /**
   * FatFs's f_utime: sets the last-modified date and time words of a file or directory entry as given
   * (raw FAT words; the caller encodes them, as the firmware's VFS does).
   */
  setModified(path: string, date: number, time: number): void {
    this.mutate(() => {
      const { entry, dir } = this.lookup(path);
      if (!entry || !dir) throw new FatError('INVALID_NAME', 'the root directory has no time stamp');
      const o = entry.slot * DIRENT;
      put16(dir.bytes, o + DIR_WrtTime, time & 0xffff);
      put16(dir.bytes, o + DIR_WrtDate, date & 0xffff);
      dir.dirty.add(entry.slot);
      this.flushDir(dir);
    });
  }

  mkdir(path: string, options: { parents?: boolean; date?: Date } = {}): void {
    this.mutate(() => {
      const { parent, name } = this.parentOf(path, options.parents ?? false, options.date);
      const entries = this.parseDir(parent);
      const existing = findEntry(entries, name);
      if (existing) {
        if (options.parents && existing.attr & ATTR_DIRECTORY) return;
        throw new FatError('EXISTS', `"${path}" already exists`);
      }
      this.makeDir(parent, entries, name, toFatStamp(options.date ?? this.now()));
    });
  }

  unlink(path: string): void {
    this.mutate(() => {
      const found = this.lookup(path);
      if (!found.entry || !found.dir) throw new FatError('IS_DIR', `"${path}" is the root directory`);
      if (found.entry.attr & ATTR_DIRECTORY) throw new FatError('IS_DIR', `"${path}" is a directory (use rmdir)`);
      const chain = found.entry.cluster ? this.chain(found.entry.cluster, path) : [];
      this.deleteEntry(found.dir, found.entry);
      this.freeChain(chain);
      this.flushDir(found.dir);
    });
  }

  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    this.mutate(() => {
      const found = this.lookup(path);
      if (!found.entry || !found.dir) throw new FatError('INVALID_ARGUMENT', 'cannot remove the root directory');
      if (!(found.entry.attr & ATTR_DIRECTORY)) throw new FatError('NOT_DIR', `"${path}" is not a directory`);
      // Collect the whole tree first: on a damaged tree nothing is freed, rather than half of it.
      const clusters = new Set<number>();
      this.collectTree(found.entry, path, options.recursive ?? false, 0, clusters);
      this.deleteEntry(found.dir, found.entry);
      this.freeChain([...clusters]);
      this.flushDir(found.dir);
    });
  }

  /** Moves or renames a file or directory. An existing destination file is replaced; a directory is not. */
  rename(from: string, to: string): void {
    this.mutate(() => {
      const src = this.lookup(from);
      if (!src.entry || !src.dir) throw new FatError('INVALID_ARGUMENT', 'cannot rename the root directory');
      const srcEntry = src.entry;
      const isDir = (srcEntry.attr & ATTR_DIRECTORY) !== 0;
      const toParts = splitPath(to);
      if (toParts.length === 0) throw new FatError('INVALID_ARGUMENT', 'cannot rename onto the root directory');
      if (isDir) {
        // Compare clusters, not spellings, so an 8.3 alias cannot smuggle a directory into itself.
        for (let i = 1; i < toParts.length; i++) {
          let prefix: { entry?: RawEntry } = {};
          try {
            prefix = this.lookup(toParts.slice(0, i).join('/'));
          } catch (e) {
            if (e instanceof FatError && e.code === 'NOT_FOUND') break;
            throw e;
          }
          if (prefix.entry && prefix.entry.cluster === srcEntry.cluster) throw new FatError('INVALID_ARGUMENT', `cannot move "${from}" into itself`);
        }
      }
      const { parent, name } = this.parentOf(to, false);
      let entries = this.parseDir(parent);
      const sameDir = parent.cluster === src.dir.cluster;
      const target = findEntry(entries, name);
      let replacedChain: number[] = [];
      if (target && !(sameDir && target.slot === srcEntry.slot)) {
        if (target.attr & ATTR_DIRECTORY || isDir) throw new FatError('EXISTS', `"${to}" already exists`);
        replacedChain = target.cluster ? this.chain(target.cluster, to) : [];
        this.deleteEntry(parent, target); // in memory only until the new entry exists
        entries = this.parseDir(parent);
      }
      // Copy the 8.3 entry's metadata (times, attributes, cluster, size) to the new name.
      const srcDir = sameDir ? parent : src.dir;
      const meta = srcDir.bytes.slice(srcEntry.slot * DIRENT, srcEntry.slot * DIRENT + DIRENT);
      this.deleteEntry(srcDir, srcEntry);
      entries = this.parseDir(parent);
      const stamp: FatStamp = { date: u16(meta, DIR_CrtDate), time: u16(meta, DIR_CrtTime), tenth: meta[DIR_CrtTimeTenth]! };
      const slot = this.createEntry(parent, entries, name, meta[DIR_Attr]!, stamp, srcEntry.cluster);
      const o = slot * DIRENT;
      parent.bytes.set(meta.subarray(DIR_CrtTimeTenth, DIRENT), o + DIR_CrtTimeTenth);
      parent.dirty.add(slot);
      if (isDir && !sameDir && srcEntry.cluster) {
        // The moved directory's ".." must name its new parent (0 for the root, fatgen103).
        const moved = this.loadDir(srcEntry.cluster, false);
        if (moved.bytes.length >= 2 * DIRENT && moved.bytes[DIRENT] === 0x2e && moved.bytes[DIRENT + 1] === 0x2e) {
          setCluster(moved.bytes, DIRENT, parent.isRoot ? 0 : parent.cluster);
          moved.dirty.add(1);
          this.flushDir(moved);
        }
      }
      this.freeChain(replacedChain);
      if (!sameDir) this.flushDir(src.dir);
      this.flushDir(parent);
    });
  }

  // ---- internals: time, mutation wrapper ---------------------------------------------------------

  private now(): Date {
    return typeof this.dateSource === 'function' ? this.dateSource() : this.dateSource;
  }

  private mutate(fn: () => void): void {
    if (this.readOnly) throw new FatError('READ_ONLY', 'the volume is mounted read-only');
    guard(() => {
      try {
        fn();
      } finally {
        this.flushFat();
      }
    });
  }

  private noSpace(path: string, size: number): FatError {
    return new FatError('NO_SPACE', `no space for "${path}" (${size} bytes): ${this.freeClusters * this.clusterBytes} bytes free`);
  }

  // ---- FAT ----------------------------------------------------------------------------------------

  private getFat(n: number): number {
    const f = this.fat;
    switch (this.geometry.fatType) {
      case 12: {
        const o = n + (n >> 1);
        const v = f[o]! | (f[o + 1]! << 8);
        return n & 1 ? v >> 4 : v & 0xfff;
      }
      case 16:
        return u16(f, n * 2);
      default:
        return u32(f, n * 4) & 0x0fffffff;
    }
  }

  private setFat(n: number, value: number): void {
    const f = this.fat;
    switch (this.geometry.fatType) {
      case 12: {
        const o = n + (n >> 1);
        if (n & 1) {
          f[o] = (f[o]! & 0x0f) | ((value << 4) & 0xf0);
          f[o + 1] = (value >> 4) & 0xff;
        } else {
          f[o] = value & 0xff;
          f[o + 1] = (f[o + 1]! & 0xf0) | ((value >> 8) & 0x0f);
        }
        this.dirtyFatSectors.add(o >> 9);
        this.dirtyFatSectors.add((o + 1) >> 9);
        return;
      }
      case 16:
        put16(f, n * 2, value);
        this.dirtyFatSectors.add((n * 2) >> 9);
        return;
      default: {
        const o = n * 4;
        put32(f, o, ((u32(f, o) & 0xf0000000) | (value & 0x0fffffff)) >>> 0);
        this.dirtyFatSectors.add(o >> 9);
      }
    }
  }

  /** Writes changed FAT sectors to every FAT copy (or only the active one when FAT32 mirroring is off). */
  private flushFat(): void {
    if (this.dirtyFatSectors.size === 0) return;
    const g = this.geometry;
    const sectors = [...this.dirtyFatSectors].sort((a, b) => a - b);
    this.dirtyFatSectors.clear();
    for (let copy = 0; copy < g.fatCount; copy++) {
      if (!g.mirrored && copy !== g.activeFat) continue;
      for (const s of sectors) {
        writeSectors(this.dev, g.firstFatSector + copy * g.fatSectors + s, this.fat.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE));
      }
    }
    if (g.fatType === 32 && g.fsInfoSector) {
      const fsi = readSectors(this.dev, g.fsInfoSector, 1);
      if (u32(fsi, 0) === FSI_LeadSig && u32(fsi, FSI_StrucSig_Offset) === FSI_StrucSig) {
        put32(fsi, FSI_Free_Count, this.freeClusters);
        put32(fsi, FSI_Nxt_Free, this.nextFree);
        writeSectors(this.dev, g.fsInfoSector, fsi);
      }
    }
  }

  /** Follows a cluster chain, rejecting loops, free or reserved links and out-of-range numbers. */
  private chain(first: number, what: string): number[] {
    const last = this.geometry.clusterCount + 1;
    const out: number[] = [];
    let c = first;
    for (;;) {
      if (c < 2 || c > last) throw new FatError('CORRUPT', `"${what}": cluster ${c} is outside the volume (2..${last})`);
      out.push(c);
      if (out.length > this.geometry.clusterCount) throw new FatError('CORRUPT', `"${what}": the cluster chain loops`);
      const next = this.getFat(c);
      if (next >= this.eocMin) return out;
      if (next === 0) throw new FatError('CORRUPT', `"${what}": the cluster chain runs into free cluster ${c}`);
      if (next === this.badValue) throw new FatError('CORRUPT', `"${what}": the cluster chain runs into a bad cluster after ${c}`);
      c = next;
    }
  }

  private allocCluster(prev: number): number {
    const count = this.geometry.clusterCount;
    if (this.freeClusters === 0) throw new FatError('NO_SPACE', 'the volume is full');
    let c = this.nextFree;
    for (let i = 0; i < count; i++, c++) {
      if (c < 2 || c > count + 1) c = 2;
      if (this.getFat(c) === 0) {
        this.setFat(c, 0x0fffffff);
        if (prev) this.setFat(prev, c);
        this.freeClusters--;
        this.nextFree = c + 1 > count + 1 ? 2 : c + 1;
        return c;
      }
    }
    this.freeClusters = 0;
    throw new FatError('NO_SPACE', 'the volume is full');
  }

  private freeChain(chain: number[]): void {
    for (const c of chain) {
      if (this.getFat(c) === 0) continue; // already freed through a cross-linked chain
      this.setFat(c, 0);
      this.freeClusters++;
    }
  }

  private clusterSector(c: number): number {
    return this.geometry.firstDataSector + (c - 2) * this.geometry.sectorsPerCluster;
  }

  /** Allocates a chain for `bytes` and writes it; returns the first cluster (0 for empty data). */
  private writeData(bytes: Uint8Array): number {
    const cb = this.clusterBytes;
    let first = 0;
    let prev = 0;
    for (let off = 0; off < bytes.length; off += cb) {
      const c = this.allocCluster(prev);
      if (!first) first = c;
      prev = c;
      let chunk = bytes.subarray(off, off + cb);
      if (chunk.length < cb) {
        const padded = new Uint8Array(cb);
        padded.set(chunk);
        chunk = padded;
      }
      writeSectors(this.dev, this.clusterSector(c), chunk);
    }
    return first;
  }

  private readChainData(first: number, size: number, what: string): Uint8Array {
    const out = new Uint8Array(size);
    if (size === 0) return out;
    if (first === 0) throw new FatError('CORRUPT', `"${what}": ${size} bytes but no clusters`);
    const clusters = this.chain(first, what);
    const cb = this.clusterBytes;
    if (clusters.length * cb < size) {
      throw new FatError('CORRUPT', `"${what}": size ${size} needs ${Math.ceil(size / cb)} clusters but the chain has ${clusters.length}`);
    }
    const spc = this.geometry.sectorsPerCluster;
    // Read contiguous runs in one call each.
    let i = 0;
    let off = 0;
    while (i < clusters.length && off < size) {
      let j = i + 1;
      while (j < clusters.length && clusters[j] === clusters[j - 1]! + 1 && (j - i) * cb < size - off) j++;
      const data = readSectors(this.dev, this.clusterSector(clusters[i]!), (j - i) * spc);
      const n = Math.min(data.length, size - off);
      out.set(data.subarray(0, n), off);
      off += n;
      i = j;
    }
    return out;
  }

  // ---- directories --------------------------------------------------------------------------------

  private loadDir(cluster: number, isRoot: boolean): DirHandle {
    const g = this.geometry;
    const sectors: number[] = [];
    if (isRoot && g.fatType !== 32) {
      for (let i = 0; i < g.rootDirSectors; i++) sectors.push(g.rootDirSector + i);
      const bytes = readSectors(this.dev, g.rootDirSector, g.rootDirSectors);
      return { cluster: 0, isRoot, sectors, bytes, dirty: new Set() };
    }
    const first = isRoot ? g.rootCluster : cluster;
    const chain = this.chain(first, isRoot ? '/' : `directory at cluster ${first}`);
    if (chain.length * this.clusterBytes > MAX_DIR_BYTES) throw new FatError('CORRUPT', `directory at cluster ${first} is larger than 2 MiB`);
    const bytes = new Uint8Array(chain.length * this.clusterBytes);
    chain.forEach((c, i) => {
      const s = this.clusterSector(c);
      for (let k = 0; k < g.sectorsPerCluster; k++) sectors.push(s + k);
      bytes.set(readSectors(this.dev, s, g.sectorsPerCluster), i * this.clusterBytes);
    });
    return { cluster: first, isRoot, sectors, bytes, dirty: new Set() };
  }

  private flushDir(dir: DirHandle): void {
    const sectors = new Set<number>();
    for (const slot of dir.dirty) sectors.add(Math.floor(slot / ENTRIES_PER_SECTOR));
    dir.dirty.clear();
    for (const i of [...sectors].sort((a, b) => a - b)) {
      writeSectors(this.dev, dir.sectors[i]!, dir.bytes.subarray(i * SECTOR_SIZE, (i + 1) * SECTOR_SIZE));
    }
  }

  private setSlotByte(dir: DirHandle, slot: number, offset: number, value: number): void {
    dir.bytes[slot * DIRENT + offset] = value;
    dir.dirty.add(slot);
  }

  /** Decodes a directory: 8.3 entries with their long names (sequence and checksum verified, fatgen103). */
  private parseDir(dir: DirHandle): RawEntry[] {
    const out: RawEntry[] = [];
    const b = dir.bytes;
    let lfnParts: string[] = [];
    let lfnExpected = 0;
    let lfnSum = -1;
    let lfnStart = -1;
    const resetLfn = (): void => {
      lfnParts = [];
      lfnExpected = 0;
      lfnSum = -1;
      lfnStart = -1;
    };
    const slots = b.length / DIRENT;
    for (let i = 0; i < slots; i++) {
      const o = i * DIRENT;
      const first = b[o]!;
      if (first === 0) break;
      if (first === DELETED) {
        resetLfn();
        continue;
      }
      const attr = b[o + DIR_Attr]!;
      if ((attr & ATTR_LONG_NAME_MASK) === ATTR_LONG_NAME) {
        const ord = b[o + LDIR_Ord]!;
        const seq = ord & 0x3f;
        if (ord & LAST_LONG_ENTRY) {
          resetLfn();
          if (seq === 0 || seq > 20) continue;
          lfnExpected = seq;
          lfnSum = b[o + LDIR_Chksum]!;
          lfnStart = i;
          lfnParts = new Array<string>(seq).fill('');
        } else if (lfnExpected === 0 || seq !== lfnExpected || b[o + LDIR_Chksum] !== lfnSum) {
          resetLfn();
          continue;
        }
        let part = '';
        for (const off of LFN_CHAR_OFFSETS) {
          const ch = u16(b, o + off);
          if (ch === 0) break;
          part += String.fromCharCode(ch);
        }
        lfnParts[seq - 1] = part;
        lfnExpected = seq - 1;
        continue;
      }
      const sfn = b.slice(o, o + 11);
      const ntres = b[o + DIR_NTRes]!;
      const shortName = decodeShortName(sfn, ntres);
      let name = shortName;
      let firstSlot = i;
      if (lfnStart >= 0 && lfnExpected === 0 && lfnSum === lfnChecksum(sfn) && !(attr & ATTR_VOLUME_ID)) {
        name = lfnParts.join('');
        firstSlot = lfnStart;
      }
      resetLfn();
      if (attr & ATTR_VOLUME_ID) continue; // the label (and garbage with that bit) is not a file
      const hi = this.geometry.fatType === 32 ? u16(b, o + DIR_FstClusHI) : 0;
      out.push({
        name,
        shortName: decodeShortName(sfn, 0),
        sfn,
        slot: i,
        firstSlot,
        attr,
        ntres,
        cluster: (hi << 16) | u16(b, o + DIR_FstClusLO),
        size: u32(b, o + DIR_FileSize),
        ctime: fromFatStamp(u16(b, o + DIR_CrtDate), u16(b, o + DIR_CrtTime), b[o + DIR_CrtTimeTenth]),
        mtime: fromFatStamp(u16(b, o + DIR_WrtDate), u16(b, o + DIR_WrtTime)),
      });
    }
    return out;
  }

  /** Finds `n` consecutive free slots, growing a cluster-based directory when needed. */
  private allocSlots(dir: DirHandle, n: number): number {
    const slots = dir.bytes.length / DIRENT;
    let run = 0;
    for (let i = 0; i < slots; i++) {
      const first = dir.bytes[i * DIRENT]!;
      if (first === 0 || first === DELETED) {
        if (++run === n) return i - n + 1;
      } else run = 0;
    }
    if (dir.isRoot && this.geometry.fatType !== 32) {
      throw new FatError('DIR_FULL', `the root directory is full (${this.geometry.rootEntries} entries; long names take several)`);
    }
    // Grow: the new clusters are zeroed, so everything after the old end stays "end of directory".
    const start = slots - run;
    while ((dir.bytes.length / DIRENT) - start < n) {
      if (dir.bytes.length + this.clusterBytes > MAX_DIR_BYTES) throw new FatError('DIR_FULL', 'a directory cannot grow beyond 2 MiB');
      const chain = this.chain(dir.cluster, 'directory');
      const c = this.allocCluster(chain[chain.length - 1]!);
      const zero = new Uint8Array(this.clusterBytes);
      writeSectors(this.dev, this.clusterSector(c), zero);
      const grown = new Uint8Array(dir.bytes.length + this.clusterBytes);
      grown.set(dir.bytes);
      dir.bytes = grown;
      const s = this.clusterSector(c);
      for (let k = 0; k < this.geometry.sectorsPerCluster; k++) dir.sectors.push(s + k);
    }
    return start;
  }

  /** Writes the long-name entries and the 8.3 entry for `name`; returns the 8.3 slot. */
  private createEntry(dir: DirHandle, entries: RawEntry[], name: string, attr: number, stamp: FatStamp, cluster: number): number {
    if (findEntry(entries, name)) throw new FatError('EXISTS', `"${name}" already exists`);
    let sfn: Uint8Array;
    let ntres = 0;
    let needLfn = false;
    const exact = exactShortName(name);
    const taken = new Set(entries.map((e) => ascii(e.sfn, 0, 11)));
    if (exact && !taken.has(ascii(exact.sfn, 0, 11))) {
      sfn = exact.sfn;
      ntres = exact.ntres;
    } else {
      needLfn = true;
      const basis = basisName(name);
      sfn = new Uint8Array(11);
      putAscii(sfn, 8, basis.ext, 3);
      const plain = basis.body;
      putAscii(sfn, 0, plain, 8);
      if (basis.lossy || taken.has(ascii(sfn, 0, 11))) {
        let found = false;
        for (let k = 1; k < 1000000 && !found; k++) {
          const tail = `~${k}`;
          putAscii(sfn, 0, plain.slice(0, 8 - tail.length) + tail, 8);
          found = !taken.has(ascii(sfn, 0, 11));
        }
        if (!found) throw new FatError('DIR_FULL', `no free short name for "${name}"`);
      }
    }
    const units: number[] = [];
    for (let i = 0; i < name.length; i++) units.push(name.charCodeAt(i));
    const lfnCount = needLfn ? Math.ceil(units.length / 13) : 0;
    const start = this.allocSlots(dir, lfnCount + 1);
    const sum = lfnChecksum(sfn);
    for (let k = 0; k < lfnCount; k++) {
      const seq = lfnCount - k; // physical order: last part first
      const o = (start + k) * DIRENT;
      dir.bytes.fill(0, o, o + DIRENT);
      dir.bytes[o + LDIR_Ord] = seq | (k === 0 ? LAST_LONG_ENTRY : 0);
      dir.bytes[o + DIR_Attr] = ATTR_LONG_NAME;
      dir.bytes[o + LDIR_Chksum] = sum;
      LFN_CHAR_OFFSETS.forEach((off, j) => {
        const idx = (seq - 1) * 13 + j;
        put16(dir.bytes, o + off, idx < units.length ? units[idx]! : idx === units.length ? 0x0000 : 0xffff);
      });
      dir.dirty.add(start + k);
    }
    const slot = start + lfnCount;
    const o = slot * DIRENT;
    dir.bytes.fill(0, o, o + DIRENT);
    dir.bytes.set(sfn, o + DIR_Name);
    dir.bytes[o + DIR_Attr] = attr;
    dir.bytes[o + DIR_NTRes] = ntres;
    dir.bytes[o + DIR_CrtTimeTenth] = stamp.tenth;
    put16(dir.bytes, o + DIR_CrtTime, stamp.time);
    put16(dir.bytes, o + DIR_CrtDate, stamp.date);
    put16(dir.bytes, o + DIR_LstAccDate, stamp.date);
    put16(dir.bytes, o + DIR_WrtTime, stamp.time);
    put16(dir.bytes, o + DIR_WrtDate, stamp.date);
    setCluster(dir.bytes, o, cluster);
    dir.dirty.add(slot);
    return slot;
  }

  private deleteEntry(dir: DirHandle, e: RawEntry): void {
    for (let s = e.firstSlot; s <= e.slot; s++) this.setSlotByte(dir, s, 0, DELETED);
  }

  private makeDir(parent: DirHandle, entries: RawEntry[], name: string, stamp: FatStamp): DirHandle {
    const slot = this.createEntry(parent, entries, name, ATTR_DIRECTORY, stamp, 0);
    const c = this.allocCluster(0);
    const bytes = new Uint8Array(this.clusterBytes);
    const dot = (o: number, label: string, cluster: number): void => {
      putAscii(bytes, o, label, 11);
      bytes[o + DIR_Attr] = ATTR_DIRECTORY;
      bytes[o + DIR_CrtTimeTenth] = stamp.tenth;
      put16(bytes, o + DIR_CrtTime, stamp.time);
      put16(bytes, o + DIR_CrtDate, stamp.date);
      put16(bytes, o + DIR_LstAccDate, stamp.date);
      put16(bytes, o + DIR_WrtTime, stamp.time);
      put16(bytes, o + DIR_WrtDate, stamp.date);
      setCluster(bytes, o, cluster);
    };
    dot(0, '.', c);
    dot(DIRENT, '..', parent.isRoot ? 0 : parent.cluster);
    writeSectors(this.dev, this.clusterSector(c), bytes);
    setCluster(parent.bytes, slot * DIRENT, c);
    this.flushDir(parent);
    const sectors: number[] = [];
    for (let k = 0; k < this.geometry.sectorsPerCluster; k++) sectors.push(this.clusterSector(c) + k);
    return { cluster: c, isRoot: false, sectors, bytes, dirty: new Set() };
  }

  private collectTree(entry: RawEntry, path: string, recursive: boolean, depth: number, out: Set<number>): void {
    if (depth > 64) throw new FatError('CORRUPT', `"${path}": directories nested too deeply (a directory loop?)`);
    if (entry.cluster === 0) throw new FatError('CORRUPT', `"${path}": directory without a cluster`);
    if (out.has(entry.cluster)) throw new FatError('CORRUPT', `"${path}": a directory is linked twice (directory loop)`);
    const dir = this.loadDir(entry.cluster, false);
    const children = this.parseDir(dir).filter((e) => e.name !== '.' && e.name !== '..');
    if (children.length && !recursive) throw new FatError('NOT_EMPTY', `"${path}" is not empty`);
    for (const c of this.chain(entry.cluster, path)) out.add(c);
    for (const child of children) {
      const childPath = `${path}/${child.name}`;
      if (child.attr & ATTR_DIRECTORY) this.collectTree(child, childPath, true, depth + 1, out);
      else if (child.cluster) for (const c of this.chain(child.cluster, childPath)) out.add(c);
    }
  }

  // ---- paths --------------------------------------------------------------------------------------

  private rootStat(): FatStat {
    return {
      name: '/',
      shortName: '/',
      isDirectory: true,
      size: 0,
      attributes: ATTR_DIRECTORY,
      mtime: DEFAULT_FAT_DATE,
      ctime: DEFAULT_FAT_DATE,
      firstCluster: this.geometry.rootCluster,
    };
  }

  private toStat(e: RawEntry): FatStat {
    return {
      name: e.name,
      shortName: e.shortName,
      isDirectory: (e.attr & ATTR_DIRECTORY) !== 0,
      size: e.attr & ATTR_DIRECTORY ? 0 : e.size,
      attributes: e.attr,
      mtime: e.mtime,
      ctime: e.ctime,
      firstCluster: e.cluster,
    };
  }

  /** Resolves a path: the entry (undefined for the root) and the directory that holds it. */
  private lookup(path: string): { entry?: RawEntry; dir?: DirHandle } {
    const parts = splitPath(path);
    let dir = this.loadDir(0, true);
    let entry: RawEntry | undefined;
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) {
        if (!(entry!.attr & ATTR_DIRECTORY)) throw new FatError('NOT_DIR', `"${parts.slice(0, i).join('/')}" is not a directory`);
        dir = this.dirOf(entry!, parts.slice(0, i).join('/'));
      }
      entry = findEntry(this.parseDir(dir), parts[i]!);
      if (!entry) throw new FatError('NOT_FOUND', `"/${parts.slice(0, i + 1).join('/')}" does not exist`);
    }
    return entry ? { entry, dir } : {};
  }

  private dirOf(entry: RawEntry, path: string): DirHandle {
    if (entry.cluster === 0) throw new FatError('CORRUPT', `directory "${path}" has no cluster`);
    return this.loadDir(entry.cluster, false);
  }

  private openDir(path: string): DirHandle {
    const found = this.lookup(path);
    if (!found.entry) return this.loadDir(0, true);
    if (!(found.entry.attr & ATTR_DIRECTORY)) throw new FatError('NOT_DIR', `"${path}" is not a directory`);
    return this.dirOf(found.entry, path);
  }

  /** The directory that will hold `path`'s last component (created on request) and that component's name. */
  private parentOf(path: string, parents: boolean, date?: Date): { parent: DirHandle; name: string } {
    const parts = splitPath(path);
    if (parts.length === 0) throw new FatError('INVALID_ARGUMENT', 'the path names the root directory');
    const name = normalizeName(parts[parts.length - 1]!);
    let dir = this.loadDir(0, true);
    for (let i = 0; i < parts.length - 1; i++) {
      const entries = this.parseDir(dir);
      const e = findEntry(entries, parts[i]!);
      const here = '/' + parts.slice(0, i + 1).join('/');
      if (!e) {
        if (!parents) throw new FatError('NOT_FOUND', `directory "${here}" does not exist`);
        dir = this.makeDir(dir, entries, normalizeName(parts[i]!), toFatStamp(date ?? this.now()));
        continue;
      }
      if (!(e.attr & ATTR_DIRECTORY)) throw new FatError('NOT_DIR', `"${here}" is not a directory`);
      dir = this.dirOf(e, here);
    }
    return { parent: dir, name };
  }
}

function setCluster(b: Uint8Array, o: number, cluster: number): void {
  put16(b, o + DIR_FstClusHI, cluster >>> 16);
  put16(b, o + DIR_FstClusLO, cluster & 0xffff);
}

function findEntry(entries: RawEntry[], name: string): RawEntry | undefined {
  const key = upper(name.replace(/[ .]+$/, ''));
  return entries.find((e) => upper(e.name) === key) ?? entries.find((e) => upper(e.shortName) === key);
}

/** Splits a drive path; "." components vanish and ".." climbs (never above the root). */
export function splitPath(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split(/[/\\]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// mkfs

export interface MkfsOptions {
  /** Volume label, written as a root-directory label entry like FatFs f_setlabel (BPB keeps "NO NAME"). */
  label?: string;
  /** Cluster size in sectors (power of two, <= 128); 0/undefined = FatFs's automatic choice. */
  sectorsPerCluster?: number;
  /** 1 (FatFs/CircuitPython) or 2. */
  fatCount?: 1 | 2;
  /** Fixed root directory entries; default as FatFs: 512, or 128 on volumes of <= 256 sectors (CircuitPython change). */
  rootEntries?: number;
  /** BPB_HiddSec: sectors before the volume (CircuitPython: 1, its fake MBR). */
  hiddenSectors?: number;
  /** BS_VolID; default derived from `date` so images are reproducible (CircuitPython uses a random number). */
  volumeId?: number;
  date?: Date;
}

/**
 * Formats `dev` as FAT12/FAT16 with the layout FatFs R0.13c f_mkfs(FM_FAT, au = 0) produces for a volume
 * of `dev.sectorCount` sectors (what CircuitPython's filesystem_init runs on a device without a valid FAT):
 * 1 reserved sector, 1 FAT, 512 root entries (128 when the volume is <= 256 sectors), the smallest cluster
 * from the "4K sectors" table that gives a FAT16 within limits, falling back to FAT12 with doubled clusters
 * when too few clusters remain; no alignment (the diskio layer reports an erase block of 1 sector).
 * VBR: jump EB FE 90, OEM "MSDOS5.0", media F8, 63 sectors/track, 255 heads, drive 0x80, signature 0x29,
 * BS_VolLab "NO NAME", BS_FilSysType "FAT". The data area is not cleared (FatFs does not either).
 */
export function mkfs(dev: BlockDevice, options: MkfsOptions = {}): FatGeometry {
  return guard(() => {
    const szVol = dev.sectorCount;
    if (szVol < 22) throw new FatError('INVALID_ARGUMENT', `a ${szVol}-sector device is too small for FAT (FatFs needs >= 22)`);
    const nFats = options.fatCount ?? 1;
    if (nFats !== 1 && nFats !== 2) throw new FatError('INVALID_ARGUMENT', 'fatCount must be 1 or 2');
    let au = options.sectorsPerCluster ?? 0;
    if (au < 0 || au > 128 || (au & (au - 1)) !== 0 || !Number.isInteger(au)) {
      throw new FatError('INVALID_ARGUMENT', `sectorsPerCluster ${au} is not a power of two up to 128`);
    }
    const nRoot = options.rootEntries ?? (szVol <= 256 ? 128 : 512);
    if (!Number.isInteger(nRoot) || nRoot <= 0 || nRoot % ENTRIES_PER_SECTOR !== 0 || nRoot > 0xffff) {
      throw new FatError('INVALID_ARGUMENT', `rootEntries ${nRoot} must be a positive multiple of 16`);
    }
    const CLUSTER_TABLE = [1, 4, 16, 64, 256, 512]; // volume size boundaries in units of 4K sectors
    let fmt: 12 | 16 = 16;
    let pau: number;
    let szFat: number;
    let nClst: number;
    const szRsv = 1;
    const szDir = (nRoot * DIRENT) / SECTOR_SIZE;
    for (;;) {
      pau = au;
      if (pau === 0) {
        const n = Math.floor(szVol / 0x1000);
        pau = 1;
        for (const bound of CLUSTER_TABLE) {
          if (bound > n) break;
          pau <<= 1;
        }
      }
      nClst = Math.floor(szVol / pau);
      let fatBytes: number;
      if (nClst > MAX_FAT12_CLUSTERS) fatBytes = nClst * 2 + 4;
      else {
        fmt = 12;
        fatBytes = Math.floor((nClst * 3 + 1) / 2) + 3;
      }
      szFat = Math.ceil(fatBytes / SECTOR_SIZE);
      const bData = szRsv + szFat * nFats + szDir;
      if (szVol < bData + pau * 16) throw new FatError('INVALID_ARGUMENT', `a ${szVol}-sector device is too small for this FAT layout`);
      nClst = Math.floor((szVol - bData) / pau);
      if (fmt === 16) {
        if (nClst > MAX_FAT16_CLUSTERS) {
          if (au === 0 && pau * 2 <= 64) {
            au = pau * 2;
            continue;
          }
          if (au === 0 && pau * 2 <= 128) {
            au = pau * 2;
            continue;
          }
          throw new FatError('INVALID_ARGUMENT', `${szVol} sectors is too large for FAT16 with ${pau}-sector clusters (FAT32 formatting is not supported)`);
        }
        if (nClst <= MAX_FAT12_CLUSTERS) {
          if (au === 0 && pau * 2 <= 128) {
            au = pau * 2;
            continue;
          }
          throw new FatError('INVALID_ARGUMENT', `${pau}-sector clusters leave too few clusters for FAT16`);
        }
      }
      if (fmt === 12 && nClst > MAX_FAT12_CLUSTERS) throw new FatError('INVALID_ARGUMENT', `${pau}-sector clusters give too many clusters for FAT12`);
      break;
    }
    const stamp = toFatStamp(options.date ?? DEFAULT_FAT_DATE);
    const volumeId = (options.volumeId ?? ((stamp.date << 16) | stamp.time)) >>> 0;

    const vbr = new Uint8Array(SECTOR_SIZE);
    vbr.set([0xeb, 0xfe, 0x90], BS_jmpBoot);
    putAscii(vbr, BS_OEMName, 'MSDOS5.0', 8);
    put16(vbr, BPB_BytsPerSec, SECTOR_SIZE);
    vbr[BPB_SecPerClus] = pau;
    put16(vbr, BPB_RsvdSecCnt, szRsv);
    vbr[BPB_NumFATs] = nFats;
    put16(vbr, BPB_RootEntCnt, nRoot);
    if (szVol < 0x10000) put16(vbr, BPB_TotSec16, szVol);
    else put32(vbr, BPB_TotSec32, szVol);
    vbr[BPB_Media] = 0xf8;
    put16(vbr, BPB_FATSz16, szFat);
    put16(vbr, BPB_SecPerTrk, 63);
    put16(vbr, BPB_NumHeads, 255);
    put32(vbr, BPB_HiddSec, options.hiddenSectors ?? 0);
    vbr[BS_DrvNum] = 0x80;
    vbr[BS_BootSig] = 0x29;
    put32(vbr, BS_VolID, volumeId);
    putAscii(vbr, BS_VolLab, 'NO NAME', 11);
    putAscii(vbr, BS_FilSysType, 'FAT', 8);
    put16(vbr, SIGNATURE_OFFSET, 0xaa55);
    writeSectors(dev, 0, vbr);

    const fat = new Uint8Array(szFat * SECTOR_SIZE);
    // Entry 0 = media byte with all other bits set, entry 1 = end of chain (clean-shutdown bits set).
    fat.set(fmt === 12 ? [0xf8, 0xff, 0xff] : [0xf8, 0xff, 0xff, 0xff], 0);
    for (let i = 0; i < nFats; i++) writeSectors(dev, szRsv + i * szFat, fat);
    writeSectors(dev, szRsv + nFats * szFat, new Uint8Array(szDir * SECTOR_SIZE));

    const geometry = parseBootSector(vbr, dev.sectorCount);
    if (options.label) mount(dev, { date: options.date }).setLabel(options.label);
    return geometry;
  });
}
