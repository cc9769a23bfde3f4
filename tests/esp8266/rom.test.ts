/**
 * The mask ROM's high-level emulation: its entry points called as firmware calls them (CALL0
 * arguments in a2..a7, through the SIMCALL trap at the entry address), the first-stage boot's
 * handling of bad images, and the report for a ROM function we do not implement.
 */
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { ROM_ENTRIES, type RomEntryName } from '../../peripherals/esp8266/rom/entries.js';
import { buildEspImage } from '../../peripherals/esp8266/rom/boot-image.js';
import { formatPrintf } from '../../peripherals/esp8266/rom/printf.js';
import * as gcc from '../../peripherals/esp8266/rom/libgcc.js';
import { boardWithFlash, runUntil } from './helpers.js';

/** Calls a ROM entry from IRAM: a2.. = args, a0 = a `j .` loop to return to. */
function callRom(name: RomEntryName, args: number[]) {
  const b = createFeatherHuzzah();
  b.load([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff) }], 0x40100000);
  const core = b.chip.core;
  args.forEach((v, i) => (core.a[2 + i] = v));
  core.a[0] = 0x40100000;
  core.pc = ROM_ENTRIES[name];
  const halt = b.machine.runFor(0.0001);
  return { b, core, halt };
}

describe('ROM entry points', () => {
  test('SPIWrite programs (clears bits), SPIRead reads back, SPIEraseSector erases 4 KiB; results 0 = OK, 1 = out of range', () => {
    const { b } = callRom('SPIEraseSector', [0x100]);
    const flash = b.chip.flash;
    expect(flash[0x100000]).toBe(0xff);
    b.machine.bus.writeBlock(0x3ffe9000, Uint8Array.of(0x12, 0x34, 0x56, 0x78));
    const run = (name: RomEntryName, args: number[]) => {
      const core = b.chip.core;
      args.forEach((v, i) => (core.a[2 + i] = v));
      core.a[0] = 0x40100000;
      core.pc = ROM_ENTRIES[name];
      expect(b.machine.runFor(0.0001)).toBeNull();
      return core.a[2];
    };
    expect(run('SPIWrite', [0x100010, 0x3ffe9000, 4])).toBe(0);
    expect([...flash.subarray(0x100010, 0x100014)]).toEqual([0x12, 0x34, 0x56, 0x78]);
    b.machine.bus.writeBlock(0x3ffe9000, Uint8Array.of(0xff, 0x0f, 0xff, 0xff));
    expect(run('SPIWrite', [0x100010, 0x3ffe9000, 4])).toBe(0);
    expect(flash[0x100011]).toBe(0x04); // 0x34 & 0x0f: NOR programming only clears bits
    expect(run('SPIRead', [0x100010, 0x3ffea000, 4])).toBe(0);
    expect([...b.machine.bus.readBlock(0x3ffea000, 4)]).toEqual([0x12, 0x04, 0x56, 0x78]);
    expect(run('SPIEraseSector', [0x100])).toBe(0);
    expect(flash[0x100010]).toBe(0xff);
    expect(run('SPIRead', [0x3ffffe, 0x3ffea000, 4])).toBe(1);
  });

  test('Cache_Read_Enable maps flash MiB (mb_count * 2 + odd_even) at 0x40200000, read-only', () => {
    const { b } = callRom('Cache_Read_Enable', [1, 1, 1]);
    expect(b.chip.mappedMiB).toBe(3);
    expect(b.machine.bus.read(0x40200000, 4) >>> 0).toBe(0xffffffff);
    b.chip.flash.set(Uint8Array.of(1, 2, 3, 4), 3 << 20);
    const core = b.chip.core;
    const enable = (oddEven: number, mbCount: number) => {
      [oddEven, mbCount, 1].forEach((v, i) => (core.a[2 + i] = v));
      core.a[0] = 0x40100000;
      core.pc = ROM_ENTRIES.Cache_Read_Enable;
      b.machine.runFor(0.0001);
    };
    enable(0, 0);
    expect(b.chip.mappedMiB).toBe(0);
    enable(1, 1);
    expect(b.machine.bus.read(0x40200000, 4) >>> 0).toBe(0x04030201);
    b.machine.bus.write(0x40200000, 4, 0); // the window is read-only
    expect(b.machine.bus.error).toBe(true);
  });

  test('ets_delay_us advances simulated time by the delay', () => {
    const { b } = callRom('ets_delay_us', [2500]);
    expect(b.chip.scheduler.seconds).toBeGreaterThanOrEqual(0.0025);
  });

  test('a ROM function circuitemu does not implement stops the machine with its name, address and caller', () => {
    const { halt } = callRom('MD5Init' as RomEntryName, []);
    expect(halt?.reason).toBe('fault');
    expect(halt?.message).toMatch(/ROM function MD5Init at 0x40009818 is not implemented/);
  });

  test('division by zero in __udivsi3 is reported, not given a made-up quotient', () => {
    const { halt } = callRom('__udivsi3', [10, 0]);
    expect(halt?.message).toMatch(/division by zero in __udivsi3/);
  });
});

describe('libgcc routines against host arithmetic', () => {
  test('32- and 64-bit division, remainder and multiplication on edge and pseudo-random values', () => {
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    const vals = [0, 1, -1, 2, 0x7fffffff, -0x80000000, 65536, 12345];
    for (let i = 0; i < 200; i++) vals.push(next());
    for (const a of vals)
      for (const b of vals.slice(0, 40)) {
        if (b === 0) continue;
        if (!(a === -0x80000000 && b === -1)) expect(gcc.divsi3(a, b)).toBe(Number(BigInt.asIntN(32, BigInt(a) / BigInt(b))));
        expect(gcc.udivsi3(a, b) >>> 0).toBe(Number(BigInt(a >>> 0) / BigInt(b >>> 0)));
        expect(gcc.umodsi3(a, b) >>> 0).toBe(Number(BigInt(a >>> 0) % BigInt(b >>> 0)));
        const [lo, hi] = gcc.muldi3(a, b, b, a);
        const want = BigInt.asUintN(64, ((BigInt(b >>> 0) << 32n) | BigInt(a >>> 0)) * ((BigInt(a >>> 0) << 32n) | BigInt(b >>> 0)));
        expect((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toBe(want);
      }
  });
});

describe('ets_printf formatting (expected strings are what C printf gives for the same format)', () => {
  const fmt = (f: string, ...args: (number | string)[]) => {
    const strings = new Map<number, string>();
    const words = args.map((a, i) => (typeof a === 'string' ? (strings.set(1000 + i, a), 1000 + i) : a));
    let k = 0;
    return formatPrintf(f, { next: () => words[k++] ?? 0, align64: () => undefined }, (p) => strings.get(p) ?? '');
  };
  test.each([
    ['%d|%i|%u', [-5, 7, -1], '-5|7|4294967295'],
    ['[%5d][%-5d][%05d]', [42, 42, -42], '[   42][42   ][-0042]'],
    ['%x %X %08x %#x', [0xbeef, 0xbeef, 0x1234, 255], 'beef BEEF 00001234 0xff'],
    ['%c%s%%', [0x41, 'bc'], 'Abc%'],
    ['[%10s][%-4s][%.2s]', ['right', 'l', 'abcdef'], '[     right][l   ][ab]'],
    ['%p', [0x3ffe8000], '0x3ffe8000'],
    ['%+d % d %.3d', [5, 5, 7], '+5  5 007'],
    ['%*d', [6, 42], '    42'],
  ] as const)('%s', (f, args, want) => {
    expect(fmt(f, ...(args as unknown as (number | string)[]))).toBe(want);
  });
});

describe('first-stage boot', () => {
  const good = () => buildEspImage([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff, 0x00) }], 0x40100000);

  test('a good image boots to its entry, with a1 = 0x3FFFFFF0 and the ROM RAM state (flashchip)', () => {
    const b = boardWithFlash(good());
    expect(b.machine.runFor(0.001)).toBeNull();
    expect(b.chip.core.pc >>> 0).toBe(0x40100000);
    expect(b.chip.core.a[1]! >>> 0).toBe(0x3ffffff0);
    const bus = b.machine.bus;
    const fc = bus.read(0x3fffc714, 4);
    expect(fc).toBe(0x3fffc718);
    expect(bus.read(fc + 4, 4)).toBe(4 << 20); // chip_size from the header's size nibble
    expect(bus.read(fc + 12, 4)).toBe(4096);
  });

  test('bad magic byte: a clear fault report', () => {
    const img = good();
    img[0] = 0x12;
    const { halt } = runUntil(boardWithFlash(img), '\0', 0.01);
    expect(halt?.message).toMatch(/boot ROM: bad image magic 0x12/);
  });

  test('an esptool image v2 at offset 0 is refused as the ROM would, saying what boots it', () => {
    const img = good();
    img[0] = 0xea; // v2 magic (esptool elf2image --version 2)
    const { halt } = runUntil(boardWithFlash(img), '\0', 0.01);
    expect(halt?.message).toMatch(/image v2 \(magic 0xea\).*v1 images \(0xe9\) only.*second-stage boot loader at 0x0/);
  });

  test('bad checksum: reported after the banner shows both sums', () => {
    const img = good();
    img[img.length - 1] ^= 0x55;
    const { halt, output } = runUntil(boardWithFlash(img), '\0', 0.01);
    expect(halt?.message).toMatch(/checksum/);
    expect(output).toMatch(/csum 0x/);
  });

  test('a segment outside IRAM/DRAM is refused', () => {
    const img = buildEspImage([{ address: 0x60000000, data: new Uint8Array(4) }], 0x40100000);
    const { halt } = runUntil(boardWithFlash(img), '\0', 0.01);
    expect(halt?.message).toMatch(/segment 0x60000000\+4 does not lie in RAM/);
  });

  test('blank flash: no image', () => {
    const { halt } = runUntil(boardWithFlash(new Uint8Array(16).fill(0xff)), '\0', 0.01);
    expect(halt?.message).toMatch(/bad image magic 0xff/);
  });
});
