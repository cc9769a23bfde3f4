/**
 * Helpers for the SAMD21 suites: a chip, register access as firmware does it (bus reads/writes),
 * time advanced with the machine, and tiny Thumb programs for tests that need the CPU.
 */
import { readFileSync } from 'node:fs';
import { createSamd21, type Samd21 } from '../../boards/chips/samd21.js';
import { parseElf } from '../../firmware-runtime/images/index.js';
import type { Variant } from '../../peripherals/samd21/memory-map.js';
import { Samd21Rig } from '../helpers/samd21-rig.js';

/**
 * A bare G18A chip (nothing wired to its pads) powered on with one of our test programs,
 * tests/firmware/samd21/`image`, and `word(i)`: word i of the result block the programs keep at
 * 0x20007F00.
 */
export function program(image: string): { s: Samd21; word: (i: number) => number } {
  const s = createSamd21({ variant: 'G18A' });
  s.loadSegments(parseElf(new Uint8Array(readFileSync(new URL(`../firmware/samd21/${image}`, import.meta.url)))).segments);
  s.powerOn();
  return { s, word: (i) => s.bus.read(0x20007f00 + 4 * i, 4) >>> 0 };
}

/** A whole SAMD21 with its real clock tree and a sleeping Cortex-M0+ (see Samd21Rig). */
export function chip(variant: Variant = 'G18A', options: { xosc32kCrystal?: boolean } = {}): Samd21 {
  return new Samd21Rig({ variant, xosc32kCrystal: options.xosc32kCrystal, cpu: true }).mcu;
}

export const r8 = (s: Samd21, a: number) => s.bus.read(a, 1);
export const r16 = (s: Samd21, a: number) => s.bus.read(a, 2);
export const r32 = (s: Samd21, a: number) => s.bus.read(a, 4) >>> 0;
export const w8 = (s: Samd21, a: number, v: number) => s.bus.write(a, 1, v & 0xff);
export const w16 = (s: Samd21, a: number, v: number) => s.bus.write(a, 2, v & 0xffff);
export const w32 = (s: Samd21, a: number, v: number) => s.bus.write(a, 4, v >>> 0);

/** Advances simulated time by `cycles` CPU cycles (1 MHz after reset; the CPU sleeps: only peripherals run). */
export function advance(s: Samd21, cycles: number): void {
  s.machine.runUntil(s.scheduler.cycles + cycles);
}
export function advanceSeconds(s: Samd21, seconds: number): void {
  advance(s, Math.round(seconds * s.scheduler.frequency));
}

/** Polls `cond` every `step` cycles up to `limit` cycles; returns the cycles it took, or -1. */
export function pollUntil(s: Samd21, cond: () => boolean, limit = 48_000_000, step = 16): number {
  const start = s.scheduler.cycles;
  while (s.scheduler.cycles - start <= limit) {
    if (cond()) return s.scheduler.cycles - start;
    advance(s, step);
  }
  return -1;
}

export const STOP = 0xbeab; // bkpt 0xab: stops the machine through the test's semihosting hook

/**
 * Loads `code` (Thumb halfwords, then `literals` words) at 0x100 with every exception vector
 * pointing at `handlers[exc]` (default: a stop), powers on and runs for `seconds`.
 * Returns which exception the stop was reached in (0: thread mode).
 */
export function runProgram(
  s: Samd21,
  code: number[],
  opts: { handlers?: Record<number, number[]>; seconds?: number } = {},
): { stoppedIn: number } {
  const vectors = new Uint32Array(48);
  vectors[0] = 0x20008000;
  vectors[1] = 0x100 | 1;
  const handlerCode: number[] = [];
  for (let exc = 2; exc < 48; exc++) {
    const body = opts.handlers?.[exc] ?? [STOP];
    vectors[exc] = (0x400 + 2 * handlerCode.length) | 1;
    handlerCode.push(...body);
    if (handlerCode.length & 1) handlerCode.push(0xbf00); // keep 4-byte alignment for literals
  }
  const hw = (list: number[]) => new Uint8Array(new Uint16Array(list).buffer);
  s.loadSegments([
    { address: 0, data: new Uint8Array(vectors.buffer) },
    { address: 0x100, data: hw(code) },
    { address: 0x400, data: hw(handlerCode) },
  ]);
  s.powerOn();
  let stoppedIn = -1;
  s.core!.options.semihosting = (c) => {
    stoppedIn = c.exceptions.ipsr;
    s.machine.stop({ reason: 'exit', exitCode: 0, message: 'stop' });
    return c.r[0];
  };
  s.machine.runFor(opts.seconds ?? 0.001);
  return { stoppedIn };
}

/** Splits 32-bit literal words into halfwords for `runProgram` code arrays. */
export function words(...list: number[]): number[] {
  const out: number[] = [];
  for (const w of list) out.push(w & 0xffff, (w >>> 16) & 0xffff);
  return out;
}
