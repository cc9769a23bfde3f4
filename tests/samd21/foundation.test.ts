/**
 * The SAMD21 foundation: RegisterBlock byte lanes, set/clear/w1c registers, SyncBusy, the memory
 * map (DID from the CPU, NVM rows, reserved slots, unmapped → HardFault, IOBUS) and APB gating.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../../peripherals/register-block.js';
import { SyncBusy } from '../../peripherals/samd21/sync-busy.js';
import { DEVICE_ID } from '../../peripherals/samd21/memory-map.js';
import { chip, r8, r16, r32, w8, w16, w32, advance, runProgram, words, STOP } from './helpers.js';

class Demo extends RegisterBlock {
  readonly A: Register;
  readonly B: Register;
  readonly C: Register;
  readonly D: Register;
  readonly int: InterruptRegisters;
  writes: [string, number, number, number][] = [];
  line = false;
  constructor() {
    super('DEMO', 0x100);
    const log = (name: string) => (v: number, o: number, m: number) => this.writes.push([name, v, o, m]);
    this.A = this.reg({ name: 'A', offset: 0x00, size: 1, reset: 0x11, write: log('A') });
    this.B = this.reg({ name: 'B', offset: 0x01, size: 1, reset: 0x22, writable: 0x0f, write: log('B') });
    this.C = this.reg({ name: 'C', offset: 0x02, size: 2, reset: 0x4433, write: log('C') });
    this.D = this.reg({ name: 'D', offset: 0x04, size: 4, reset: 0x88776655, write: log('D') });
    this.int = new InterruptRegisters(this, { INTENCLR: 0x08, INTENSET: 0x09, INTFLAG: 0x0a }, 1, 0x83, (l) => (this.line = l));
  }
}

describe('RegisterBlock', () => {
  it('reads across registers and within one by byte lanes', () => {
    const d = new Demo();
    expect(d.read(0, 4)).toBe(0x44332211);
    expect(d.read(4, 4)).toBe(0x88776655);
    expect(d.read(5, 1)).toBe(0x66);
    expect(d.read(6, 2)).toBe(0x8877);
    expect(d.read(2, 1)).toBe(0x33);
  });

  it('merges a wide write into several registers, respecting writable masks', () => {
    const d = new Demo();
    d.write(0, 4, 0xa1b2c3d4);
    expect(d.A.value).toBe(0xd4);
    expect(d.B.value).toBe(0x23); // only the low nibble is writable
    expect(d.C.value).toBe(0xa1b2);
    expect(d.writes.map((w) => w[0])).toEqual(['A', 'B', 'C']);
  });

  it('passes the covered lanes as the mask for a partial write', () => {
    const d = new Demo();
    d.write(6, 1, 0xee);
    expect(d.D.value).toBe(0x88ee6655);
    expect(d.writes).toEqual([['D', 0x88ee6655, 0x88776655, 0x00ff0000]]);
  });

  it('reserved offsets read 0 and ignore writes', () => {
    const d = new Demo();
    expect(d.read(0x20, 4)).toBe(0);
    d.write(0x20, 4, 0xffffffff);
    expect(d.read(0x20, 4)).toBe(0);
    // a word straddling a register and a reserved byte
    expect(d.read(0x08, 4)).toBe(0);
  });

  it('INTENSET/INTENCLR alias one mask; INTFLAG is write-1-to-clear; the line follows flag & enable', () => {
    const d = new Demo();
    d.int.set(0x81);
    expect(d.line).toBe(false);
    d.write(0x09, 1, 0x01); // INTENSET
    expect(d.read(0x08, 1)).toBe(0x01);
    expect(d.line).toBe(true);
    d.write(0x0a, 1, 0x80); // clear OVF only
    expect(d.read(0x0a, 1)).toBe(0x01);
    expect(d.line).toBe(true);
    d.write(0x09, 1, 0x80); // INTENSET: a 0 written to bit 0 leaves that enable set
    expect(d.read(0x09, 1)).toBe(0x81);
    d.write(0x08, 1, 0x81); // INTENCLR
    expect(d.read(0x09, 1)).toBe(0);
    expect(d.line).toBe(false);
    d.write(0x0a, 1, 0xff);
    expect(d.read(0x0a, 1)).toBe(0);
  });

  it('SyncBusy reads 1 and then 0 after N periods of the peripheral clock', () => {
    const s = new Scheduler(48_000_000);
    let done = 0;
    const sync = new SyncBusy(s, () => 32768, (bits) => (done = bits));
    sync.start(2);
    expect(sync.busy).toBe(true);
    s.cycles += 7000; // < 5 periods of 32 kHz (7324 cycles)
    s.runDue();
    expect(sync.busy).toBe(true);
    s.cycles += 400;
    s.runDue();
    expect(sync.busy).toBe(false);
    expect(done).toBe(2);
  });
});

describe('SAMD21 memory map', () => {
  it('DSU DID identifies the variant (read by the CPU)', () => {
    for (const variant of ['G18A', 'E18A'] as const) {
      const s = chip(variant);
      // ldr r0,[pc,#4]; ldr r1,[r0]; bkpt; nop; .word 0x41002018
      runProgram(s, [0x4801, 0x6801, STOP, 0xbf00, ...words(0x41002018)]);
      expect(s.core!.r[1] >>> 0).toBe(DEVICE_ID[variant]);
    }
    expect(DEVICE_ID.G18A).toBe(0x10010305);
    expect(DEVICE_ID.E18A).toBe(0x1001030a);
  });

  it('an unmapped address is a bus error: HardFault', () => {
    const s = chip();
    // ldr r0,[pc,#4]; ldr r1,[r0]; bkpt; nop; .word 0x50000000
    const { stoppedIn } = runProgram(s, [0x4801, 0x6801, STOP, 0xbf00, ...words(0x50000000)]);
    expect(stoppedIn).toBe(3);
  });

  it('unimplemented peripheral slots and reserved offsets read 0 without faulting', () => {
    const s = chip();
    // ldr r0,[pc,#8]; ldr r1,[r0]; ldr r0,[pc,#8]; ldr r2,[r0]; bkpt; nop; PAC0 (reserved slot), MTB
    const { stoppedIn } = runProgram(s, [0x4802, 0x6801, 0x4802, 0x6802, STOP, 0xbf00, ...words(0x40000000, 0x41006000)]);
    expect(stoppedIn).toBe(0);
    expect(r32(s, 0x40001c00)).toBe(0); // beyond EIC on bridge A: unmapped
    expect(s.bus.error).toBe(true);
    s.bus.error = false;
    expect(r32(s, 0x41004000 + 0x3f0)).toBe(0); // reserved offset inside NVMCTRL
    expect(s.bus.error).toBe(false);
  });

  it('software calibration row, user row and serial number', () => {
    const s = chip();
    const cal1 = r32(s, 0x00806024);
    expect((cal1 >>> 26) & 0x3f).not.toBe(0x3f); // DFLL48M COARSE programmed
    expect((cal1 >>> 13) & 0x1f).not.toBe(0x1f); // USB TRANSN programmed
    expect(r32(s, 0x00804000) & 7).toBe(2); // BOOTPROT = 8 KiB (UF2 bootloader)
    const serial = [0x0080a00c, 0x0080a040, 0x0080a044, 0x0080a048].map((a) => r32(s, a));
    expect(new Set(serial).size).toBe(4);
    expect(s.bus.error).toBe(false);
  });

  it('bus clock gating: a peripheral with its APB mask bit clear reads 0 and ignores writes', () => {
    const s = chip();
    const DAC_CTRLB = 0x42004801;
    w8(s, DAC_CTRLB, 0x40);
    expect(r8(s, DAC_CTRLB)).toBe(0);
    // EVSYS: APBCMASK bit 1 (off after reset)
    w32(s, 0x42000404, 0x00010000 | 3);
    w32(s, 0x40000420, r32(s, 0x40000420) | 2);
    w8(s, 0x42000404, 3);
    expect(r32(s, 0x42000404) >>> 16).toBe(0);
    w32(s, 0x42000404, 0x00050000 | 3);
    w8(s, 0x42000404, 3);
    expect((r32(s, 0x42000404) >>> 16) & 0x7f).toBe(5);
    expect(s.context.apbEnabled('EVSYS')).toBe(true);
    expect(s.context.apbEnabled('DAC')).toBe(false);
  });

  it('PORT is reachable on the IOBUS alias at 0x60000000', () => {
    const s = chip();
    w32(s, 0x60000008, 1 << 17); // DIRSET
    w32(s, 0x60000018, 1 << 17); // OUTSET
    expect(r32(s, 0x41004400) & (1 << 17)).not.toBe(0);
    expect(s.pin('PA17').level).toBe(1);
    w32(s, 0x41004414, 1 << 17); // OUTCLR through APB
    expect(r32(s, 0x60000010) & (1 << 17)).toBe(0);
    expect(s.pin('PA17').level).toBe(0);
  });

  it('16-bit reads of 32-bit registers, time runs while asleep', () => {
    const s = chip();
    expect(r16(s, 0x40000420 + 2)).toBe(0x0001); // APBCMASK high half: ADC
    advance(s, 1000);
    expect(s.scheduler.cycles).toBe(1000);
    w16(s, 0x41004404, 0); // NVMCTRL CTRLB low half
  });
});
