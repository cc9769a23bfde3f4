/**
 * The formatting of the ROM's `ets_printf` / `ets_vprintf`: conversions d i u x X o c s p %,
 * flags '0' '-' '+' ' ' and '#', a field width (digits or '*'), a precision on strings and
 * integers, and 'l'/'h' length modifiers (ignored: ints and longs are both 32 bits on the
 * LX106; 'll' takes a 64-bit argument from an aligned register pair / stack slot, as GCC's
 * CALL0 varargs pass it). Floats are not supported by the ROM's printf: '%f' prints 'f' and
 * consumes nothing, matching how a formatter without them skips the conversion.
 */

/** Where the variadic arguments come from: 32-bit words in order (a3..a7, then the stack). */
export interface VarArgs {
  next(): number;
  /** Aligns the next word to an even slot (64-bit arguments). */
  align64(): void;
}

export function formatPrintf(format: string, args: VarArgs, readString: (address: number) => string): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    let flags = '';
    while ('0-+ #'.includes(format[i + 1] ?? 'x') && i + 1 < format.length) flags += format[++i];
    let width = 0;
    if (format[i + 1] === '*') {
      i++;
      width = args.next() | 0;
      if (width < 0) {
        flags += '-';
        width = -width;
      }
    } else while (/[0-9]/.test(format[i + 1] ?? '')) width = width * 10 + Number(format[++i]);
    let precision = -1;
    if (format[i + 1] === '.') {
      i++;
      precision = 0;
      while (/[0-9]/.test(format[i + 1] ?? '')) precision = precision * 10 + Number(format[++i]);
    }
    let longs = 0;
    while (format[i + 1] === 'l' || format[i + 1] === 'h' || format[i + 1] === 'z') if (format[++i] === 'l') longs++;
    const conv = format[++i];
    if (conv === undefined) break;
    out += convert(conv, flags, width, precision, longs >= 2, args, readString);
  }
  return out;
}

function convert(conv: string, flags: string, width: number, precision: number, wide: boolean, args: VarArgs, readString: (a: number) => string): string {
  const left = flags.includes('-');
  const pad = (s: string, zeroOk: boolean) => {
    if (s.length >= width) return s;
    if (left) return s + ' '.repeat(width - s.length);
    if (zeroOk && flags.includes('0') && precision < 0) {
      const sign = /^[-+ ]/.test(s) ? s[0]! : '';
      const prefix = s.startsWith('0x', sign.length) || s.startsWith('0X', sign.length) ? s.slice(sign.length, sign.length + 2) : '';
      const body = s.slice(sign.length + prefix.length);
      return sign + prefix + '0'.repeat(width - s.length) + body;
    }
    return ' '.repeat(width - s.length) + s;
  };
  const word = (): bigint => {
    if (!wide) return BigInt(args.next() >>> 0);
    args.align64();
    const lo = args.next() >>> 0;
    const hi = args.next() >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  };
  const digits = (v: bigint, radix: number) => {
    let s = v.toString(radix);
    if (precision >= 0) s = precision === 0 && v === 0n ? '' : s.padStart(precision, '0');
    return s;
  };
  switch (conv) {
    case 'd':
    case 'i': {
      const raw = word();
      const bits = wide ? 64 : 32;
      const v = BigInt.asIntN(bits, raw);
      const sign = v < 0n ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      return pad(sign + digits(v < 0n ? -v : v, 10), true);
    }
    case 'u':
      return pad(digits(word(), 10), true);
    case 'x':
    case 'X': {
      const v = word();
      let s = digits(v, 16);
      if (flags.includes('#') && v !== 0n) s = '0x' + s;
      return pad(conv === 'X' ? s.toUpperCase() : s, true);
    }
    case 'o': {
      const v = word();
      return pad((flags.includes('#') && v !== 0n ? '0' : '') + digits(v, 8), true);
    }
    case 'p':
      return pad('0x' + (args.next() >>> 0).toString(16).padStart(8, '0'), false);
    case 'c':
      return pad(String.fromCharCode(args.next() & 0xff), false);
    case 's': {
      const address = args.next() >>> 0;
      let s = address === 0 ? '(null)' : readString(address);
      if (precision >= 0) s = s.slice(0, precision);
      return pad(s, false);
    }
    case '%':
      return '%';
    default:
      return conv;
  }
}
