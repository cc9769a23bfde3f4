/**
 * The libgcc integer routines the ESP8266 mask ROM provides (Debian's lx106 libgcc lacks them;
 * firmware binds them to the ROM addresses): GCC's documented semantics (gccint "Integer library
 * routines"), computed on the host. 32-bit values are numbers, 64-bit ones {lo, hi} word pairs
 * as the CALL0 ABI passes them (a2:a3 low/high, a4:a5 for the second operand).
 *
 * Division by zero is undefined in C; libgcc's Xtensa routines execute `ill` for it, so the
 * caller reports it (DivideByZero) instead of inventing a quotient.
 */
export class DivideByZero extends Error {}

export function divsi3(a: number, b: number): number {
  if ((b | 0) === 0) throw new DivideByZero('__divsi3');
  // INT_MIN / -1 overflows; two's complement wraps to INT_MIN, as the ROM's shift-subtract loop gives.
  return ((a | 0) / (b | 0)) | 0;
}

export function modsi3(a: number, b: number): number {
  if ((b | 0) === 0) throw new DivideByZero('__modsi3');
  return (a | 0) % (b | 0) | 0;
}

export function udivsi3(a: number, b: number): number {
  if (b >>> 0 === 0) throw new DivideByZero('__udivsi3');
  return Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

export function umodsi3(a: number, b: number): number {
  if (b >>> 0 === 0) throw new DivideByZero('__umodsi3');
  return (a >>> 0) % (b >>> 0) | 0;
}

const toU64 = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const toWords = (v: bigint): [number, number] => {
  const u = BigInt.asUintN(64, v);
  return [Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0];
};

export function muldi3(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  return toWords(toU64(alo, ahi) * toU64(blo, bhi));
}

export function umulsidi3(a: number, b: number): [number, number] {
  return toWords(BigInt(a >>> 0) * BigInt(b >>> 0));
}

export function udivdi3(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const b = toU64(blo, bhi);
  if (b === 0n) throw new DivideByZero('__udivdi3');
  return toWords(toU64(alo, ahi) / b);
}

export function umoddi3(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const b = toU64(blo, bhi);
  if (b === 0n) throw new DivideByZero('__umoddi3');
  return toWords(toU64(alo, ahi) % b);
}

export function divdi3(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  const b = BigInt.asIntN(64, toU64(blo, bhi));
  if (b === 0n) throw new DivideByZero('__divdi3');
  return toWords(BigInt.asIntN(64, toU64(alo, ahi)) / b);
}
