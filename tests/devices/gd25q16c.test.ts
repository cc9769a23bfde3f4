/**
 * GD25Q16C SPI NOR flash through an SpiBus with a real CS pin: the command set CircuitPython
 * and MicroPython use, WIP busy times on the scheduler, WEL rules, page wrap.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { SpiBus } from '../../peripherals/devices/buses.js';
import { GD25Q16C, Gd25q16c } from '../../peripherals/devices/gd25q16c.js';

const MHZ = 48;

let s: Scheduler;
let cs: Pin;
let bus: SpiBus;
let flash: Gd25q16c;

/** One CS-low transaction; returns the bytes read back. */
function tx(...bytes: number[]): number[] {
  cs.drive(0);
  const out = bytes.map((b) => bus.transfer(b));
  cs.drive(1);
  return out;
}

function read(addr: number, n: number, op = 0x03): number[] {
  const head = op === 0x03 ? [op, addr >> 16, (addr >> 8) & 0xff, addr & 0xff] : [op, addr >> 16, (addr >> 8) & 0xff, addr & 0xff, 0];
  return tx(...head, ...new Array<number>(n).fill(0)).slice(head.length);
}

function status1(): number {
  return tx(0x05, 0)[1];
}

function advanceUs(us: number): void {
  s.advanceTo(s.cycles + Math.round(us * MHZ));
  s.runDue();
}

/** Polls RDSR1 every `stepUs` until WIP clears; returns the elapsed time in µs. */
function waitReady(stepUs = 10): number {
  const start = s.cycles;
  for (let i = 0; i < 10_000_000 && status1() & 1; i++) advanceUs(stepUs);
  return (s.cycles - start) / MHZ;
}

beforeEach(() => {
  s = new Scheduler(MHZ * 1e6);
  cs = new Pin('PB22', s);
  cs.drive(1);
  bus = new SpiBus();
  flash = new Gd25q16c({ cs, scheduler: s });
  bus.attach(flash);
});

describe('GD25Q16C identification', () => {
  it('answers JEDEC ID C8 40 15, REMS C8 14, RDI 14', () => {
    expect(tx(0x9f, 0, 0, 0).slice(1)).toEqual([0xc8, 0x40, 0x15]);
    expect(tx(0x90, 0, 0, 0, 0, 0).slice(4)).toEqual([0xc8, 0x14]);
    expect(tx(0x90, 0, 0, 1, 0, 0).slice(4)).toEqual([0x14, 0xc8]);
    expect(tx(0xab, 0, 0, 0, 0).slice(4)).toEqual([0x14]);
  });

  it('reads a 128-bit unique ID after 4Bh + 4 bytes', () => {
    const id = tx(0x4b, 0, 0, 0, 0, ...new Array<number>(16).fill(0)).slice(5);
    expect(id).toHaveLength(16);
    expect(id.some((b) => b !== 0xff)).toBe(true);
    expect(tx(0x4b, 0, 0, 0, 0, ...new Array<number>(16).fill(0)).slice(5)).toEqual(id);
  });

  it('serves a JESD216 SFDP table with the density and erase types', () => {
    expect(read(0, 8, 0x5a)).toEqual([0x53, 0x46, 0x44, 0x50, 0x00, 0x01, 0x00, 0xff]);
    const ph = read(8, 8, 0x5a);
    const ptr = ph[4] | (ph[5] << 8) | (ph[6] << 16);
    const table = read(ptr, 36, 0x5a);
    const dword = (i: number) => (table[4 * i] | (table[4 * i + 1] << 8) | (table[4 * i + 2] << 16) | (table[4 * i + 3] << 24)) >>> 0;
    expect(dword(1)).toBe(16 * 1024 * 1024 - 1);
    expect((dword(0) >> 8) & 0xff).toBe(0x20);
    expect(dword(7) & 0xffff).toBe(12 | (0x20 << 8));
    expect(dword(8) & 0xffff).toBe(16 | (0xd8 << 8));
  });

  it('is blank (0xFF) and reads status 0 after power-on', () => {
    expect(status1()).toBe(0);
    expect(tx(0x35, 0)[1]).toBe(0);
    expect(read(0x1234, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });
});

describe('GD25Q16C WEL rules', () => {
  it('WREN sets WEL, WRDI clears it', () => {
    tx(0x06);
    expect(status1()).toBe(0x02);
    tx(0x04);
    expect(status1()).toBe(0);
  });

  it('ignores program and erase without WEL', () => {
    tx(0x02, 0, 0, 0, 0x12);
    expect(status1()).toBe(0);
    expect(read(0, 1)).toEqual([0xff]);
    flash.data[0x1000] = 0;
    tx(0x20, 0, 0x10, 0);
    expect(status1()).toBe(0);
    expect(flash.data[0x1000]).toBe(0);
  });

  it('needs CS to rise on a byte boundary with the exact length (erase with 3 bytes is ignored)', () => {
    flash.data[0] = 0x00;
    tx(0x06);
    tx(0x20, 0, 0); // short: not executed, WEL stays
    expect(status1()).toBe(0x02);
    expect(flash.data[0]).toBe(0x00);
  });

  it('clears WEL when a program completes', () => {
    tx(0x06);
    tx(0x02, 0, 0, 0, 0xa5);
    expect(status1() & 0x03).toBe(0x03);
    waitReady();
    expect(status1()).toBe(0);
    expect(read(0, 1)).toEqual([0xa5]);
  });

  it('WRSR needs WEL, is busy for tW, then clears WEL', () => {
    tx(0x01, 0x1c);
    expect(status1()).toBe(0);
    tx(0x06);
    tx(0x01, 0x1c, 0x02);
    expect(status1() & 0x03).toBe(0x03);
    const us = waitReady(100);
    expect(us).toBeGreaterThanOrEqual(GD25Q16C.timing.writeStatusUs - 100);
    expect(status1()).toBe(0x1c);
    expect(tx(0x35, 0)[1]).toBe(0x02);
    // 50h volatile write: immediate, no WEL needed
    tx(0x50);
    tx(0x01, 0x00, 0x00);
    expect(status1()).toBe(0);
  });
});

describe('GD25Q16C program and erase', () => {
  it('page program takes ~0.6 ms with WIP set, ignoring other commands meanwhile', () => {
    tx(0x06);
    tx(0x02, 0x00, 0x01, 0x00, 1, 2, 3);
    expect(status1() & 1).toBe(1);
    expect(read(0x100, 3)).toEqual([0xff, 0xff, 0xff]); // busy: read ignored, MISO high
    expect(tx(0x9f, 0, 0, 0).slice(1)).toEqual([0xff, 0xff, 0xff]);
    const us = waitReady(10);
    expect(us).toBeGreaterThanOrEqual(590);
    expect(us).toBeLessThan(700);
    expect(read(0x100, 4)).toEqual([1, 2, 3, 0xff]);
    expect(flash.dirty).toBe(true);
  });

  it('wraps within the 256-byte page and only clears bits', () => {
    tx(0x06);
    const data = Array.from({ length: 20 }, (_, i) => 0x10 + i);
    tx(0x02, 0x00, 0x02, 0xf0, ...data); // start at column 0xF0: 16 bytes then wrap to 0x200
    waitReady();
    expect(read(0x2f0, 16)).toEqual(data.slice(0, 16));
    expect(read(0x200, 4)).toEqual(data.slice(16));
    expect(read(0x300, 1)).toEqual([0xff]); // next page untouched
    tx(0x06);
    tx(0x02, 0x00, 0x02, 0xf0, 0xff, 0x0f);
    waitReady();
    expect(read(0x2f0, 2)).toEqual([0x10, 0x11 & 0x0f]);
  });

  it('keeps the last 256 bytes when more than a page is sent', () => {
    tx(0x06);
    const data = Array.from({ length: 300 }, (_, i) => (i >= 256 ? 0x0f : 0x55));
    tx(0x02, 0x00, 0x04, 0x00, ...data);
    waitReady();
    const page = read(0x400, 256);
    for (let c = 0; c < 256; c++) expect(page[c]).toBe(c < 44 ? 0x0f : 0x55);
  });

  it('sector erase (20h) clears 4 KiB in ~50 ms', () => {
    flash.data.fill(0, 0, 0x3000);
    tx(0x06);
    tx(0x20, 0x00, 0x17, 0xff); // anywhere inside sector 1
    const us = waitReady(1000);
    expect(us).toBeGreaterThanOrEqual(49_000);
    expect(us).toBeLessThan(52_000);
    expect(flash.data[0x0fff]).toBe(0);
    expect(flash.data[0x1000]).toBe(0xff);
    expect(flash.data[0x1fff]).toBe(0xff);
    expect(flash.data[0x2000]).toBe(0);
    expect(status1()).toBe(0);
  });

  it('block erase 52h (32K) and D8h (64K), chip erase C7h / 60h', () => {
    flash.data.fill(0);
    tx(0x06);
    tx(0x52, 0x01, 0x80, 0x00);
    expect(waitReady(1000)).toBeGreaterThanOrEqual(GD25Q16C.timing.block32EraseUs - 1000);
    expect(flash.data[0x17fff]).toBe(0);
    expect(flash.data[0x18000]).toBe(0xff);
    expect(flash.data[0x1ffff]).toBe(0xff);
    expect(flash.data[0x20000]).toBe(0);
    tx(0x06);
    tx(0xd8, 0x03, 0x12, 0x34);
    expect(waitReady(1000)).toBeGreaterThanOrEqual(GD25Q16C.timing.block64EraseUs - 1000);
    expect(flash.data[0x2ffff]).toBe(0);
    expect(flash.data[0x30000]).toBe(0xff);
    expect(flash.data[0x3ffff]).toBe(0xff);
    expect(flash.data[0x40000]).toBe(0);
    tx(0x06);
    tx(0x60);
    expect(waitReady(100_000)).toBeGreaterThanOrEqual(GD25Q16C.timing.chipEraseUs - 100_000);
    expect(flash.data.every((b) => b === 0xff)).toBe(true);
    flash.data.fill(0);
    tx(0x06);
    tx(0xc7);
    waitReady(100_000);
    expect(flash.data.every((b) => b === 0xff)).toBe(true);
  });

  it('fast read 0Bh has one dummy byte and continues across pages; dual output 3Bh answers the same', () => {
    for (let i = 0; i < 512; i++) flash.data[0x1f0 + i] = i & 0xff;
    expect(read(0x1f0, 32, 0x0b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(read(0x1f0, 4, 0x3b)).toEqual([0, 1, 2, 3]);
    // reads wrap at the end of the array
    flash.data[0x1fffff] = 0x5a;
    flash.data[0] = 0xa5;
    expect(read(0x1fffff, 2)).toEqual([0x5a, 0xa5]);
  });

  it('ignores dual/quad I/O reads clearly', () => {
    expect(read(0, 4, 0xeb).every((b) => b === 0xff)).toBe(true);
    expect(flash.ignoredCommands.get(0xeb)).toBe(1);
  });
});

describe('GD25Q16C reset, suspend, power-down', () => {
  it('66h+99h aborts an erase and clears WEL/SUS; 99h alone does nothing', () => {
    flash.data.fill(0, 0, 0x1000);
    tx(0x06);
    tx(0x99);
    expect(status1()).toBe(0x02);
    tx(0x20, 0, 0, 0);
    advanceUs(1000);
    tx(0x66);
    tx(0x99);
    waitReady(5);
    expect(status1()).toBe(0);
    expect(flash.data[0]).toBe(0); // aborted before completion
    advanceUs(60_000);
    expect(flash.data[0]).toBe(0);
  });

  it('the CircuitPython init sequence ends with status & 3 == 0', () => {
    tx(0x06);
    expect(status1() & 1).toBe(0);
    expect(tx(0x35, 0)[1] & 0x80).toBe(0);
    tx(0x66);
    tx(0x99);
    advanceUs(30);
    tx(0x04);
    expect(status1() & 0x03).toBe(0);
  });

  it('75h suspends an erase (WIP 0, SUS 1) and 7Ah resumes it', () => {
    flash.data.fill(0, 0, 0x1000);
    tx(0x06);
    tx(0x20, 0, 0, 0);
    advanceUs(10_000);
    tx(0x75);
    expect(status1() & 1).toBe(0);
    expect(tx(0x35, 0)[1] & 0x80).toBe(0x80);
    advanceUs(100_000);
    expect(flash.data[0]).toBe(0);
    tx(0x7a);
    expect(status1() & 1).toBe(1);
    const us = waitReady(1000);
    expect(us).toBeGreaterThanOrEqual(39_000);
    expect(flash.data[0]).toBe(0xff);
  });

  it('deep power-down ignores everything but ABh', () => {
    tx(0xb9);
    expect(tx(0x9f, 0, 0, 0).slice(1)).toEqual([0xff, 0xff, 0xff]);
    tx(0xab);
    expect(tx(0x9f, 0, 0, 0).slice(1)).toEqual([0xc8, 0x40, 0x15]);
  });

  it('does not respond while CS is high', () => {
    expect(bus.transfer(0x9f)).toBe(0xff);
    expect(bus.transfer(0)).toBe(0xff);
  });

  it('loads and saves images; refuses oversize images', () => {
    flash.load(new Uint8Array([1, 2, 3]));
    expect(read(0, 4)).toEqual([1, 2, 3, 0xff]);
    const img = flash.save();
    expect(img.length).toBe(2 * 1024 * 1024);
    expect(() => flash.load(new Uint8Array(3 * 1024 * 1024))).toThrow(/does not fit/);
  });
});
