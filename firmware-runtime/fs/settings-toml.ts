/**
 * settings.toml as CircuitPython 9.2.9's os.getenv reads it (shared-module/os/getenv.c). The reader
 * is a line scanner, not a TOML parser: a key counts only at the start of a line (after blanks), the
 * first match wins, a `[table]` line ends the search. A value is either a double-quoted string with
 * the escapes \b \r \n \t \v \f \" \\ \uXXXX \UXXXXXXXX (other escaped characters stand for
 * themselves) followed by nothing but blanks or a # comment, or a bare value: the rest of the line up
 * to a # (which os.getenv parses as an integer).
 *
 * One reader for both users: the hosted engine's `os.getenv` and the web workflow's password.
 */

/** What a lookup found. `error` carries CircuitPython's message text (raised as ValueError). */
export type EnvValue =
  | { kind: 'missing' }
  | { kind: 'string'; bytes: Uint8Array }
  | { kind: 'bare'; text: string }
  | { kind: 'error'; message: string };

/** Byte values unichar_isspace accepts. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

class Scanner {
  private i = 0;
  constructor(private readonly text: Uint8Array) {}
  /** get_next_byte: 0 at the end of the file. */
  next(): number {
    return this.i < this.text.length ? this.text[this.i++]! : (this.i++, 0);
  }
  get eof(): boolean {
    return this.i >= this.text.length;
  }
  toEnd(): void {
    this.i = this.text.length;
  }
  nextLine(): void {
    let c;
    do c = this.next();
    while (c !== 0 && c !== 0x0a);
  }
  /** consume_whitespace: the first byte that is not a blank (a newline or the end stops it too). */
  skipBlanks(): number {
    let c;
    do c = this.next();
    while (c !== 0x0a && c !== 0 && isSpace(c));
    return c;
  }
}

/** key_matches: leaves the scanner after the `=` when this line sets `key`. */
function keyMatches(s: Scanner, key: Uint8Array): boolean {
  let c = s.skipBlanks();
  if (c === 0x5b /* [ */ || c === 0) {
    s.toEnd();
    return false;
  }
  for (const k of key) {
    if (c !== k) {
      if (c !== 0x0a) s.nextLine();
      return false;
    }
    c = s.next();
  }
  if (isSpace(c)) c = s.skipBlanks();
  if (c !== 0x3d /* = */) {
    if (c !== 0x0a) s.nextLine();
    return false;
  }
  return true;
}

/**
 * handle_getenv_error's "Invalid byte %.*s": the byte printed by mp_str_print_quoted (as a bytes
 * object's character would be), or 'EOF' for the end of the file.
 */
function invalidByte(c: number): EnvValue {
  let shown: string;
  if (c === 0) shown = "'EOF'";
  else {
    const quote = c === 0x27 ? '"' : "'";
    let body: string;
    if (c === 0x5c) body = '\\\\';
    else if (c >= 0x20 && c <= 0x7e) body = String.fromCharCode(c);
    else if (c === 0x0a) body = '\\n';
    else if (c === 0x0d) body = '\\r';
    else if (c === 0x09) body = '\\t';
    else body = `\\x${c.toString(16).padStart(2, '0')}`;
    shown = quote + body + quote;
  }
  return { kind: 'error', message: `Invalid byte ${shown}` };
}

const ESCAPES: Record<number, number> = { 0x62: 0x08, 0x72: 0x0d, 0x6e: 0x0a, 0x74: 0x09, 0x76: 0x0b, 0x66: 0x0c };

function hexDigit(d: number): number {
  if (d >= 0x30 && d <= 0x39) return d - 0x30;
  const l = d | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x57 : -1;
}

/**
 * strtoul(text, &end, 16) over a NUL-terminated buffer: leading blanks, a sign, a 0x prefix, then hex
 * digits. Returns the value (a negative number wraps to a huge one, as unsigned long does) and the
 * index where parsing stopped (0 when no digit was read: end == the buffer).
 */
function strtoul16(b: number[]): { value: number; end: number } {
  let i = 0;
  while (i < b.length && isSpace(b[i]!)) i++;
  let negative = false;
  if (b[i] === 0x2b || b[i] === 0x2d) negative = b[i++] === 0x2d;
  if (b[i] === 0x30 && (b[i + 1]! | 0x20) === 0x78 && hexDigit(b[i + 2] ?? 0) >= 0) i += 2;
  const first = i;
  let value = 0;
  while (i < b.length && hexDigit(b[i]!) >= 0) value = value * 16 + hexDigit(b[i++]!);
  if (i === first) return { value: 0, end: 0 };
  return { value: negative && value !== 0 ? Number.MAX_SAFE_INTEGER : value, end: i };
}

/** read_unicode_escape: `n` bytes that strtoul must read whole as a code point below 0x110000. */
function unicodeEscape(s: Scanner, n: number, out: number[]): EnvValue | null {
  const bytes: number[] = [];
  for (let i = 0; i < n; i++) bytes.push(s.next());
  // The C buffer ends at the first NUL (get_next_byte's 0 at the end of the file).
  const nul = bytes.indexOf(0);
  const text = nul < 0 ? bytes : bytes.slice(0, nul);
  const { value, end } = strtoul16(text);
  if (end !== n) return invalidByte(text[end] ?? 0);
  if (value >= 0x110000) return { kind: 'error', message: 'Invalid unicode escape' };
  out.push(...new TextEncoder().encode(String.fromCodePoint(value)));
  return null;
}

/** read_string_value, after the opening quote. */
function stringValue(s: Scanner): EnvValue {
  const out: number[] = [];
  for (;;) {
    let c = s.next();
    if (c === 0 || c === 0x0a) return invalidByte(c);
    if (c === 0x22 /* " */) {
      c = s.skipBlanks();
      return c === 0x23 /* # */ || c === 0 || c === 0x0a ? { kind: 'string', bytes: Uint8Array.from(out) } : invalidByte(c);
    }
    if (c === 0x5c /* \ */) {
      c = s.next();
      if (c === 0 || c === 0x0a) return invalidByte(c);
      if (c === 0x75 /* u */ || c === 0x55 /* U */) {
        const bad = unicodeEscape(s, c === 0x75 ? 4 : 8, out);
        if (bad) return bad;
        continue;
      }
      c = ESCAPES[c] ?? c;
    }
    out.push(c);
  }
}

/** read_bare_value: the bytes up to the end of the line or a #. */
function bareValue(s: Scanner, first: number): EnvValue {
  const out: number[] = [];
  for (let c = first; c !== 0 && c !== 0x0a && c !== 0x23; c = s.next()) out.push(c);
  return { kind: 'bare', text: new TextDecoder().decode(Uint8Array.from(out)) };
}

/** os_getenv_vstr: the value `settings` (settings.toml's bytes) gives `key`. */
export function readEnv(settings: Uint8Array, key: string): EnvValue {
  const s = new Scanner(settings);
  const k = new TextEncoder().encode(key);
  while (!s.eof) {
    if (!keyMatches(s, k)) continue;
    const c = s.skipBlanks();
    return c === 0x22 ? stringValue(s) : bareValue(s, c);
  }
  return { kind: 'missing' };
}

/**
 * A string value as bytes, or null when the key is missing or its value is not a well-formed quoted
 * string (CircuitPython's getenv_str then reports an error, and e.g. the web workflow starts without
 * a password).
 */
export function getenvString(settings: Uint8Array, key: string): Uint8Array | null {
  const v = readEnv(settings, key);
  return v.kind === 'string' ? v.bytes : null;
}
