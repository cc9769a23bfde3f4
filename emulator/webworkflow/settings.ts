/**
 * settings.toml as CircuitPython 9.2.9's os.getenv reads it (shared-module/os/getenv.c), for the one
 * value the web workflow needs: CIRCUITPY_WEB_API_PASSWORD, a quoted string. The reader is a line
 * scanner, not a TOML parser: a key counts only at the start of a line (after blanks), the first match
 * wins, a `[table]` line ends the search, and a value must be a double-quoted string with the escapes
 * \b \r \n \t \v \f \" \\ \uXXXX \UXXXXXXXX (other escaped characters stand for themselves) followed
 * by nothing but blanks or a # comment.
 */

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

const ESCAPES: Record<number, number> = { 0x62: 0x08, 0x72: 0x0d, 0x6e: 0x0a, 0x74: 0x09, 0x76: 0x0b, 0x66: 0x0c };

/** read_string_value after the opening quote: the bytes, or null for a malformed value. */
function stringValue(s: Scanner): Uint8Array | null {
  const out: number[] = [];
  for (;;) {
    let c = s.next();
    if (c === 0 || c === 0x0a) return null;
    if (c === 0x22 /* " */) {
      c = s.skipBlanks();
      return c === 0x23 /* # */ || c === 0 || c === 0x0a ? Uint8Array.from(out) : null;
    }
    if (c === 0x5c /* \ */) {
      c = s.next();
      if (c === 0 || c === 0x0a) return null;
      if (c === 0x75 /* u */ || c === 0x55 /* U */) {
        let hex = '';
        for (let n = c === 0x75 ? 4 : 8; n > 0; n--) hex += String.fromCharCode(s.next());
        if (!/^[0-9a-fA-F]+$/.test(hex)) return null;
        const code = parseInt(hex, 16);
        if (code >= 0x110000) return null;
        out.push(...new TextEncoder().encode(String.fromCodePoint(code)));
        continue;
      }
      c = ESCAPES[c] ?? c;
    }
    out.push(c);
  }
}

/**
 * os.getenv(key) for a string value, as bytes: null when settings.toml lacks the key, or its value is
 * not a well-formed quoted string (CircuitPython's getenv_str then reports an error, and the web
 * workflow starts without a password).
 */
export function getenvString(settings: Uint8Array, key: string): Uint8Array | null {
  const s = new Scanner(settings);
  const k = new TextEncoder().encode(key);
  while (!s.eof) {
    if (!keyMatches(s, k)) continue;
    if (s.skipBlanks() !== 0x22) return null; // a bare value is not a string
    return stringValue(s);
  }
  return null;
}

/**
 * The longest password the web workflow can use. CircuitPython keeps ":" + password, base64-encoded in
 * place, in a 64-byte buffer (web_workflow.c, _api_password): beyond 44 bytes the encoding does not
 * fit and the board's check no longer compares a base64 text, so no normal client can log in.
 */
export const MAX_PASSWORD_BYTES = 44;

export type PasswordSetting = { kind: 'none' } | { kind: 'unusable'; reason: string } | { kind: 'set'; authorization: string };

/** What CIRCUITPY_WEB_API_PASSWORD in `settings` (null: no settings.toml) means for the web workflow. */
export function webApiPassword(settings: Uint8Array | null): PasswordSetting {
  const password = settings && getenvString(settings, 'CIRCUITPY_WEB_API_PASSWORD');
  if (!password) return { kind: 'none' };
  if (password.length > MAX_PASSWORD_BYTES) {
    return { kind: 'unusable', reason: `CIRCUITPY_WEB_API_PASSWORD is ${password.length} bytes long; CircuitPython's web workflow can use at most ${MAX_PASSWORD_BYTES}` };
  }
  // The whole Authorization value the board accepts: Basic auth with an empty user name.
  const userPass = Uint8Array.of(0x3a /* : */, ...password);
  let binary = '';
  for (const b of userPass) binary += String.fromCharCode(b);
  return { kind: 'set', authorization: `Basic ${btoa(binary)}` };
}
