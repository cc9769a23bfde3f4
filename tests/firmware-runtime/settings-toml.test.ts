/**
 * settings.toml as CircuitPython 9.2.9's os.getenv scans it (shared-module/os/getenv.c, read for its
 * rules): the kinds of value and the error texts its handle_getenv_error prints. The vectors are ours,
 * each derived by hand from those rules (the web-workflow test covers the string escapes).
 */
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../firmware-runtime/fs/settings-toml.js';

const enc = (s: string) => new TextEncoder().encode(s);
const read = (text: string, key = 'K') => {
  const v = readEnv(enc(text), key);
  return v.kind === 'string' ? { kind: 'string', text: new TextDecoder().decode(v.bytes) } : v;
};

describe('settings.toml scanner', () => {
  it('returns a bare value as the text up to the end of the line or a comment', () => {
    expect(read('K = 0x1F\n')).toEqual({ kind: 'bare', text: '0x1F' });
    expect(read('K=-12   # twelve\n')).toEqual({ kind: 'bare', text: '-12   ' });
    expect(read('K = 5\r\n')).toEqual({ kind: 'bare', text: '5\r' }); // int() skips the trailing \r
    expect(read('K =\n')).toEqual({ kind: 'bare', text: '' });
    expect(read('K = 7')).toEqual({ kind: 'bare', text: '7' }); // no newline at the end of the file
  });
  it('finds nothing for a missing key, a key after a [table], or a longer or shorter key', () => {
    expect(read('KEY = 1\nK2 = 2\n')).toEqual({ kind: 'missing' });
    expect(read('[t]\nK = 1\n')).toEqual({ kind: 'missing' });
    expect(read('# K = 1\n')).toEqual({ kind: 'missing' });
    expect(read('')).toEqual({ kind: 'missing' });
  });
  it("names the offending byte as mp_str_print_quoted prints it, or 'EOF'", () => {
    expect(read('K = "a" b\n')).toEqual({ kind: 'error', message: "Invalid byte 'b'" });
    expect(read('K = "open\n')).toEqual({ kind: 'error', message: "Invalid byte '\\n'" });
    expect(read('K = "open')).toEqual({ kind: 'error', message: "Invalid byte 'EOF'" });
    expect(read('K = "a"\'\n')).toEqual({ kind: 'error', message: 'Invalid byte "\'"' });
    expect(read('K = "a"\\\n')).toEqual({ kind: 'error', message: "Invalid byte '\\\\'" });
    expect(read('K = "a"\x01\n')).toEqual({ kind: 'error', message: "Invalid byte '\\x01'" });
  });
  it('reads \\u and \\U escapes with strtoul: the first byte it cannot read is the error, a code point past U+10FFFF another', () => {
    expect(read('K = "\\u00e9"\n')).toEqual({ kind: 'string', text: 'é' });
    expect(read('K = "\\u12G4"\n')).toEqual({ kind: 'error', message: "Invalid byte 'G'" });
    expect(read('K = "\\uzzzz"\n')).toEqual({ kind: 'error', message: "Invalid byte 'z'" }); // no digit: end is the buffer's start
    expect(read('K = "\\U00110000"\n')).toEqual({ kind: 'error', message: 'Invalid unicode escape' });
    expect(read('K = "\\U0001F40D"\n')).toEqual({ kind: 'string', text: '🐍' });
    expect(read('K = "\\u0x41"\n')).toEqual({ kind: 'string', text: 'A' }); // strtoul takes a 0x prefix in base 16
    expect(read('K = "\\u-001"\n')).toEqual({ kind: 'error', message: 'Invalid unicode escape' }); // negative wraps around
    expect(read('K = "\\u00')).toEqual({ kind: 'error', message: "Invalid byte 'EOF'" });
  });
});
