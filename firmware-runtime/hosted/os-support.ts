/**
 * Host-side pieces of `os`, `time` and the VFS for the hosted engine: FAT errors as errno values, the
 * settings.toml lookup of os.getenv, the RTC's calendar (time.localtime/mktime, UTC from 2000-01-01), and
 * the hex transport of file bytes from Python.
 */
import { FatError, type FatVolume } from '../fs/fat.js';
import { readEnv } from '../fs/settings-toml.js';

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

/**
 * os.getenv's lookup in /settings.toml, as [kind, value] for the Python side: ['s', text] for a quoted
 * string, ['b', text] for a bare value (which CircuitPython 9 parses with mp_parse_num_integer, base 0:
 * Python's `int(text, 0)` in MicroPython is that same call), ['e', message] for a malformed value
 * (ValueError), or null when the file or the key is missing (the default).
 */
export function lookupSettingsToml(volume: FatVolume, key: string): [string, string] | null {
  let file: Uint8Array;
  try {
    file = volume.readFile('/settings.toml');
  } catch {
    return null;
  }
  const v = readEnv(file, key);
  switch (v.kind) {
    case 'missing':
      return null;
    case 'string':
      return ['s', dec.decode(v.bytes)];
    case 'bare':
      return ['b', v.text];
    case 'error':
      return ['e', v.message];
  }
}

export function localtime(secs: number): number[] {
  const d = new Date(secs * 1000);
  const yday = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), (d.getUTCDay() + 6) % 7, yday, -1];
}

export function mktime(t: number[]): number {
  return Math.floor(Date.UTC(t[0]!, t[1]! - 1, t[2]!, t[3]!, t[4]!, t[5]!) / 1000);
}

