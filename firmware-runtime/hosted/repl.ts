/**
 * CircuitPython's REPL keyboard handling (shared/readline/readline.c, shared/runtime/pyexec.c): the
 * friendly prompt with continuation lines and auto-indent, paste mode (Ctrl-E) and raw mode (Ctrl-A).
 * It turns key bytes into echo text and actions; the engine runs the code.
 */

export type ReplAction =
  | { kind: 'none' }
  | { kind: 'exec'; source: string; mode: 'single' | 'exec'; raw: boolean }
  | { kind: 'soft-reboot' }
  | { kind: 'banner' }
  | { kind: 'raw' };

const NONE: ReplAction = { kind: 'none' };
const COMPOUND = ['if', 'while', 'for', 'try', 'with', 'def', 'class', 'async'];

/** MicroPython's mp_repl_continue_with_input (py/repl.c). */
export function continueWithInput(input: string): boolean {
  if (input === '') return false;
  const startsCompound = input[0] === '@' || COMPOUND.some((w) => input.startsWith(w) && !/[A-Za-z0-9_]/.test(input[w.length] ?? ''));
  let paren = 0;
  let brack = 0;
  let brace = 0;
  let quote: '' | "'" | '"' | "'''" | '"""' = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === "'" || c === '"') {
      const triple = input.startsWith(c.repeat(3), i);
      if (quote === '') {
        quote = triple ? (c.repeat(3) as "'''" | '"""') : (c as "'" | '"');
        if (triple) i += 2;
      } else if (quote === c) quote = '';
      else if (triple && quote === c.repeat(3)) {
        quote = '';
        i += 2;
      }
    } else if (c === '\\' && i + 1 < input.length && quote !== '') {
      i++;
    } else if (quote === '') {
      if (c === '(') paren++;
      else if (c === ')') paren--;
      else if (c === '[') brack++;
      else if (c === ']') brack--;
      else if (c === '{') brace++;
      else if (c === '}') brace--;
    }
  }
  if (quote === "'''" || quote === '"""') return true;
  if ((paren > 0 || brack > 0 || brace > 0) && quote === '') return true;
  if (input.endsWith('\\')) return true;
  if (startsCompound && !input.endsWith('\n')) return true;
  return false;
}

type Mode = 'friendly' | 'paste' | 'raw';

export class Repl {
  private mode: Mode = 'friendly';
  private line = '';
  /** Start of the current line within `line` (continuation lines are kept with \n between them). */
  private lineStart = 0;

  constructor(private readonly echo: (text: string) => void) {}

  prompt(): void {
    this.line = '';
    this.lineStart = 0;
    if (this.mode === 'raw') this.echo('>');
    else if (this.mode === 'paste') this.echo('=== ');
    else this.echo('>>> ');
  }

  key(b: number): ReplAction {
    if (this.mode === 'raw') return this.rawKey(b);
    if (this.mode === 'paste') return this.pasteKey(b);
    return this.friendlyKey(b);
  }

  private friendlyKey(b: number): ReplAction {
    const empty = this.line === '';
    if (b === 1 && empty) {
      this.echo('\r\n');
      this.mode = 'raw';
      return { kind: 'raw' };
    }
    if (b === 2 && empty) {
      this.echo('\r\n');
      return { kind: 'banner' };
    }
    if (b === 3) {
      this.echo('\r\n');
      this.prompt();
      return NONE;
    }
    if (b === 4 && empty) {
      this.echo('\r\n');
      return { kind: 'soft-reboot' };
    }
    if (b === 5 && empty) {
      this.echo('\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ');
      this.mode = 'paste';
      this.line = '';
      return NONE;
    }
    if (b === 8 || b === 127) {
      if (this.line.length > this.lineStart) {
        this.line = this.line.slice(0, -1);
        this.echo('\b\x1b[K');
      }
      return NONE;
    }
    if (b === 12) {
      this.echo('\x1b[;H\x1b[2J>>> ' + this.line.slice(this.lineStart));
      return NONE;
    }
    if (b === 13) {
      this.echo('\r\n');
      const current = this.line.slice(this.lineStart);
      if (this.lineStart > 0 && current.trim() === '') {
        // An empty line ends a compound statement.
        return this.finish(this.line.slice(0, this.lineStart) + '\n', 'single');
      }
      if (continueWithInput(this.line)) {
        this.line += '\n';
        this.lineStart = this.line.length;
        this.echo('... ');
        this.autoIndent(current);
        return NONE;
      }
      if (this.line.trim() === '') {
        this.prompt();
        return NONE;
      }
      return this.finish(this.line, 'single');
    }
    if (b === 9 || b >= 32) {
      const ch = b === 9 ? '    ' : String.fromCharCode(b);
      this.line += ch;
      this.echo(ch);
    }
    return NONE;
  }

  /** readline_auto_indent: keep the previous line's indent, one more level after a colon. */
  private autoIndent(previous: string): void {
    const indent = previous.length - previous.trimStart().length;
    let n = Math.floor(indent / 4);
    if (previous.trimEnd().endsWith(':')) n += 1;
    const pad = '    '.repeat(n);
    this.line += pad;
    this.echo(pad);
  }

  private finish(source: string, mode: 'single' | 'exec'): ReplAction {
    this.line = '';
    this.lineStart = 0;
    return { kind: 'exec', source, mode, raw: this.mode === 'raw' };
  }

  private pasteKey(b: number): ReplAction {
    if (b === 3) {
      this.echo('\r\n');
      this.mode = 'friendly';
      this.prompt();
      return NONE;
    }
    if (b === 4) {
      this.echo('\r\n');
      this.mode = 'friendly';
      return this.finish(this.line, 'exec');
    }
    if (b === 13) {
      this.line += '\n';
      this.echo('\r\n=== ');
      return NONE;
    }
    this.line += String.fromCharCode(b);
    this.echo(String.fromCharCode(b));
    return NONE;
  }

  private rawKey(b: number): ReplAction {
    if (b === 1) {
      this.line = '';
      this.echo('\r\nraw REPL; CTRL-B to exit\r\n>');
      return NONE;
    }
    if (b === 2) {
      this.mode = 'friendly';
      this.echo('\r\n');
      return { kind: 'banner' };
    }
    if (b === 3) {
      this.line = '';
      return NONE;
    }
    if (b === 4) {
      if (this.line === '') {
        this.echo('OK\r\nsoft reboot\r\n');
        return { kind: 'raw' };
      }
      this.echo('OK');
      return this.finish(this.line, 'exec');
    }
    this.line += String.fromCharCode(b);
    return NONE;
  }
}
