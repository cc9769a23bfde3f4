/**
 * Host-side pieces of `os`, `time` and the VFS for the hosted engine: FAT errors as errno values, the RTC's calendar (time.localtime/mktime, UTC from 2000-01-01), and
 * the hex transport of file bytes from Python.
 */
import { FatError, type FatVolume } from '../fs/fat.js';

const dec = new TextDecoder();

export function errnoOf(e: unknown): number {
  if (e instanceof FatError) {
    switch (e.code) {
      case 'NOT_FOUND':
        return 2;
      case 'EXISTS':
        return 17;
      case 'NOT_DIR':
        return 20;
      case 'IS_DIR':
        return 21;
      case 'NOT_EMPTY':
        return 39;
      case 'NO_SPACE':
      case 'DIR_FULL':
        return 28;
      case 'INVALID_NAME':
      case 'INVALID_ARGUMENT':
        return 22;
      case 'READ_ONLY':
        return 30;
      default:
        return 5;
    }
  }
  return 5;
}

export function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/** C's mp_uint_t (32-bit) arithmetic. */
const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * os.stat's st_mtime of a FAT time stamp, as CircuitPython 9's SAMD21 builds compute it: seconds since
 * 2000 in 32-bit unsigned arithmetic (timeutils_seconds_since_2000, whose leap-day terms wrap for years
 * before 2000), plus 946684800, still in 32 bits. So 1980-01-01 reads 315532800 and 2000-01-01 946684800.
 */
export function statSeconds(d: Date): number {
  const y = BigInt(d.getUTCFullYear());
  const mo = d.getUTCMonth() + 1;
  const yday = BigInt(DAYS_BEFORE_MONTH[mo - 1]! + d.getUTCDate() + (mo >= 3 && isLeap(d.getUTCFullYear()) ? 1 : 0));
  const days = u32(yday - 1n + u32(y - 2000n + 3n) / 4n - u32(y - 2000n + 99n) / 100n + u32(y - 2000n + 399n) / 400n);
  const secs = u32(BigInt(d.getUTCSeconds() + d.getUTCMinutes() * 60 + d.getUTCHours() * 3600) + u32(days * 86400n) + u32(u32(y - 2000n) * 31536000n));
  return Number(u32(secs + 946684800n));
}

/**
 * The FAT date and time words os.utime writes for `t` (the tuple's first element, a C int): the firmware
 * takes t - 946684800 as a 32-bit unsigned count of seconds since 2000, which its calendar code then reads
 * as a signed offset from 2000-03-01 (timeutils_seconds_since_2000_to_struct_time), and packs the date
 * into 16 bits without range checks. So t = 0 stamps 1970-01-01, whose year field wraps to 2098.
 */
export function utimeStamp(t: number): { date: number; time: number } {
  const sinceMarch2000 = ((t - 946684800) >>> 0) - 5184000; // LEAPOCH: 60 days
  const d = new Date((951868800 + (sinceMarch2000 | 0)) * 1000);
  const date = ((d.getUTCFullYear() - 1980) * 512) | ((d.getUTCMonth() + 1) * 32) | d.getUTCDate();
  const time = (d.getUTCHours() * 2048) | (d.getUTCMinutes() * 32) | (d.getUTCSeconds() >> 1);
  return { date: date & 0xffff, time: time & 0xffff };
}

export function localtime(secs: number): number[] {
  const d = new Date(secs * 1000);
  const yday = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), (d.getUTCDay() + 6) % 7, yday, -1];
}

export function mktime(t: number[]): number {
  return Math.floor(Date.UTC(t[0]!, t[1]! - 1, t[2]!, t[3]!, t[4]!, t[5]!) / 1000);
}

