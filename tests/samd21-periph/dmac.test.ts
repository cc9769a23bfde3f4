import { describe, expect, it } from 'vitest';
import { Samd21Rig as Harness } from '../helpers/samd21-rig.js';
import { Sercom } from '../../peripherals/samd21/sercom.js';
import { DMAC } from '../../peripherals/samd21/dmac.js';
import { SpiBus, type SpiDevice } from '../../peripherals/devices/buses.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { IRQ } from '../../peripherals/samd21/memory-map.js';

const D = 0x41004800;
const CTRL = 0x00, CRCCTRL = 0x02, CRCDATAIN = 0x04, CRCCHKSUM = 0x08, SWTRIGCTRL = 0x10, INTPEND = 0x20, INTSTATUS = 0x24;
const BUSYCH = 0x28, BASEADDR = 0x34, WRBADDR = 0x38, CHID = 0x3f, CHCTRLA = 0x40, CHCTRLB = 0x44, CHINTENSET = 0x4d, CHINTFLAG = 0x4e, CHSTATUS = 0x4f;
const DESC = 0x20000000, WRB = 0x20000100;
const VALID = 1, SRCINC = 1 << 10, DSTINC = 1 << 11;
const BEAT = 2 << 22, BLOCK = 0 << 22, TRANSACTION = 3 << 22;
const TERR = 1, TCMPL = 2, SUSP = 4;

function setup() {
  const h = new Harness({ gclkHz: 48_000_000, recordEvents: true });
  const dmac = h.mcu.dmac;
  // What CircuitPython's init_shared_dma does.
  h.w16(D + CTRL, 1);
  h.w32(D + BASEADDR, DESC);
  h.w32(D + WRBADDR, WRB);
  h.w16(D + CTRL, 2 | (1 << 8)); // DMAENABLE | LVLEN0
  return { h, dmac };
}

function descriptor(h: Harness, at: number, btctrl: number, btcnt: number, src: number, dst: number, next = 0): void {
  h.w32(at, (btcnt << 16) | btctrl);
  h.w32(at + 4, src);
  h.w32(at + 8, dst);
  h.w32(at + 12, next);
}

function configure(h: Harness, ch: number, chctrlb: number): void {
  h.w8(D + CHID, ch);
  h.w8(D + CHCTRLA, 1); // channel SWRST
  h.w32(D + CHCTRLB, chctrlb);
}

function enable(h: Harness, ch: number): void {
  h.w8(D + CHID, ch);
  h.w8(D + CHINTFLAG, 0x07);
  h.w8(D + CHCTRLA, 2);
}

function chflag(h: Harness, ch: number): number {
  h.w8(D + CHID, ch);
  return h.r8(D + CHINTFLAG);
}

function chstatus(h: Harness, ch: number): number {
  h.w8(D + CHID, ch);
  return h.r8(D + CHSTATUS);
}

class Flash implements SpiDevice {
  readonly name = 'flash';
  readonly cs: Pin;
  n = 0;
  mosi: number[] = [];
  constructor(h: Harness) {
    this.cs = new Pin('cs', h.scheduler);
    this.cs.drive(0);
  }
  transfer(mosi: number): number {
    this.mosi.push(mosi);
    return (this.n++ * 13 + 5) & 0xff;
  }
}

describe('DMAC + SERCOM SPI (CircuitPython flash read path)', () => {
  it('reads 512 bytes into RAM with beat-triggered TX/RX channels and a TCMPL interrupt', () => {
    const { h } = setup();
    const s = h.mcu.sercom[3];
    const bus = new SpiBus();
    const flash = new Flash(h);
    bus.attach(flash);
    for (const pin of ['PA16', 'PA20', 'PA21']) h.mux(pin, 'D');
    s.attachSpi(bus, { miso: 'PA16', mosi: 'PA20', sck: 'PA21' }); // DOPO 1, DIPO 0 below
    const S = 0x42001400;
    h.w32(S + 0x00, (3 << 2) | (1 << 16));
    h.w32(S + 0x04, 1 << 17);
    h.w8(S + 0x0c, 2); // 8 MHz
    h.w32(S + 0x00, (3 << 2) | (1 << 16) | 2);
    h.runWhile(() => h.r32(S + 0x1c) !== 0);

    const buf = 0x20001000;
    const txByte = 0x20000400;
    h.w8(txByte, 0xff);
    const len = 512;
    // TX channel 4 (trigger 0x08, SERCOM3 TX), RX channel 5 (trigger 0x07, SERCOM3 RX), beats.
    configure(h, 4, (0x08 << 8) | BEAT);
    configure(h, 5, (0x07 << 8) | BEAT);
    descriptor(h, DESC + 16 * 5, VALID | DSTINC, len, S + 0x28, buf + len);
    descriptor(h, DESC + 16 * 4, VALID, len, txByte, S + 0x28);
    h.w8(D + CHID, 5);
    expect(h.r8(D + CHSTATUS)).toBe(0);
    h.w8(D + CHINTENSET, TCMPL);
    const t0 = h.now;
    enable(h, 5);
    enable(h, 4);
    h.runWhile(() => (chflag(h, 5) & (TERR | TCMPL)) === 0);
    const tRx = h.now - t0;
    h.runWhile(() => (chflag(h, 4) & (TERR | TCMPL)) === 0);
    h.runWhile(() => (h.r8(S + 0x18) & 2) === 0); // TXC
    expect(chflag(h, 5)).toBe(TCMPL);
    expect(chflag(h, 4)).toBe(TCMPL);
    expect(chstatus(h, 4)).toBe(0);
    expect(chstatus(h, 5)).toBe(0);
    expect(h.irqRises.get(IRQ.DMAC)?.length).toBe(1);
    for (let i = 0; i < len; i++) expect(h.r8(buf + i)).toBe((i * 13 + 5) & 0xff);
    expect(h.r8(buf + len)).toBe(0); // nothing past the end
    expect(flash.mosi.length).toBe(len);
    expect(flash.mosi.every((b) => b === 0xff)).toBe(true);
    // 512 characters of 48 cycles back to back, plus a few cycles of DMA latency.
    expect(tRx).toBeGreaterThanOrEqual(len * 48);
    expect(tRx).toBeLessThan(len * 48 + 100);
    expect(h.r16(S + 0x1a) & 4).toBe(0); // no RX overflow
    // Write-back holds the finished descriptor with BTCNT = 0.
    expect(h.r32(WRB + 16 * 5) >>> 16).toBe(0);
    expect(h.r32(WRB + 16 * 5 + 8)).toBe(buf + len);
    // INTPEND names channel 5 with TCMPL; writing it back clears.
    const ip = h.r16(D + INTPEND);
    expect(ip & 0xf).toBe(5);
    expect((ip >>> 8) & 7).toBe(TCMPL);
    expect(h.r32(D + INTSTATUS)).toBe(1 << 5);
    h.w16(D + INTPEND, 5 | (TCMPL << 8));
    expect(h.irqs.get(IRQ.DMAC)).toBe(false);
  });

  it('write-only transfer from a buffer (SRCINC: SRCADDR is the end address)', () => {
    const { h } = setup();
    const s = h.mcu.sercom[3];
    const bus = new SpiBus();
    const flash = new Flash(h);
    bus.attach(flash);
    h.mux('PA22', 'C');
    h.mux('PA23', 'C');
    s.attachSpi(bus, { mosi: 'PA22', sck: 'PA23' }); // DOPO 0: DO PAD0, SCK PAD1 (function C); no MISO
    const S = 0x42001400;
    h.w32(S + 0x00, (3 << 2) | 2);
    h.runWhile(() => h.r32(S + 0x1c) !== 0);
    const src = 0x20002000;
    for (let i = 0; i < 64; i++) h.w8(src + i, i ^ 0x5a);
    configure(h, 0, (0x08 << 8) | BEAT);
    descriptor(h, DESC, VALID | SRCINC, 64, src + 64, S + 0x28);
    enable(h, 0);
    h.runWhile(() => (chflag(h, 0) & TCMPL) === 0);
    h.runWhile(() => (h.r8(S + 0x18) & 2) === 0);
    expect(flash.mosi).toEqual(Array.from({ length: 64 }, (_, i) => i ^ 0x5a));
  });
});

describe('DMAC descriptors', () => {
  it('memory-to-memory: a software-triggered two-block chain with half-word beats', () => {
    const { h } = setup();
    const a = 0x20002000, b = 0x20003000;
    for (let i = 0; i < 64; i++) h.w8(a + i, i + 1);
    configure(h, 2, TRANSACTION);
    descriptor(h, DESC + 32, VALID | SRCINC | DSTINC | (1 << 8), 16, a + 32, b + 32, 0x20000800);
    descriptor(h, 0x20000800, VALID | SRCINC | DSTINC | (1 << 8), 16, a + 64, b + 64, 0);
    h.w8(D + CHID, 2);
    h.w8(D + CHINTENSET, TCMPL);
    enable(h, 2);
    expect(chstatus(h, 2)).toBe(0);
    h.w32(D + SWTRIGCTRL, 1 << 2);
    h.runWhile(() => (chflag(h, 2) & TCMPL) === 0, 10_000);
    for (let i = 0; i < 64; i++) expect(h.r8(b + i)).toBe(i + 1);
    expect(h.r8(D + CHCTRLA) & 2).toBe(0); // disabled at the end of the transaction
    expect(h.r32(D + SWTRIGCTRL)).toBe(0);
  });

  it('STEPSIZE on the destination spreads beats', () => {
    const { h } = setup();
    const a = 0x20002000, b = 0x20003000;
    for (let i = 0; i < 4; i++) h.w8(a + i, 0xa0 + i);
    configure(h, 0, BLOCK);
    // STEPSEL = 0 (DST), STEPSIZE = X4 (2): destination advances 4 bytes per byte beat.
    descriptor(h, DESC, VALID | SRCINC | DSTINC | (2 << 13), 4, a + 4, b + 16);
    enable(h, 0);
    h.w32(D + SWTRIGCTRL, 1);
    h.runWhile(() => (chflag(h, 0) & TCMPL) === 0, 10_000);
    for (let i = 0; i < 4; i++) expect(h.r8(b + 4 * i)).toBe(0xa0 + i);
  });

  it('a descriptor chain that loops forever costs simulated time, never host time, and stops when disabled', () => {
    const { h, dmac } = setup();
    const a = 0x20002000, b = 0x20003000;
    configure(h, 0, TRANSACTION);
    descriptor(h, DESC, VALID | SRCINC | DSTINC, 8, a + 8, b + 8, 0x20000800);
    descriptor(h, 0x20000800, VALID | SRCINC | DSTINC | (1 << 3) /* BLOCKACT INT */, 8, a + 8, b + 8, DESC);
    enable(h, 0);
    h.w32(D + SWTRIGCTRL, 1);
    const wall = Date.now();
    h.run(2_000_000);
    expect(Date.now() - wall).toBeLessThan(5000);
    expect(chstatus(h, 0) & 2).toBe(2); // still BUSY
    expect(dmac.fetches).toBeGreaterThan(1000);
    // Every slice costs cycles: never more than one descriptor per few cycles.
    expect(dmac.fetches).toBeLessThan(2_000_000 / 4);
    expect(h.r32(D + BUSYCH)).toBe(1);
    h.w8(D + CHID, 0);
    h.w8(D + CHCTRLA, 0);
    expect(chstatus(h, 0)).toBe(0);
    const f = dmac.fetches;
    h.run(10_000);
    expect(dmac.fetches).toBe(f);
  });

  it('a descriptor chain pointing into unmapped memory ends with TERR and the channel disabled', () => {
    const { h, dmac } = setup();
    configure(h, 1, TRANSACTION);
    descriptor(h, DESC + 16, VALID | SRCINC | DSTINC, 4, 0x20002004, 0x20003004, 0x30000000);
    h.w8(D + CHID, 1);
    h.w8(D + CHINTENSET, TERR);
    enable(h, 1);
    h.w32(D + SWTRIGCTRL, 2);
    h.runWhile(() => (chflag(h, 1) & (TERR | TCMPL)) === 0, 10_000);
    expect(chflag(h, 1)).toBe(TERR);
    expect(h.r8(D + CHCTRLA) & 2).toBe(0);
    expect(h.irqs.get(IRQ.DMAC)).toBe(true);
    expect(dmac.errors).toBe(1);
    expect(h.bus.error).toBe(false); // the DMAC's bus error is not the CPU's
  });

  it('a beat to an unmapped address gives TERR; an invalid descriptor gives FERR + SUSP', () => {
    const { h } = setup();
    configure(h, 0, BLOCK);
    descriptor(h, DESC, VALID | SRCINC, 4, 0x50000004, 0x20003000);
    enable(h, 0);
    h.w32(D + SWTRIGCTRL, 1);
    h.run(1000);
    expect(chflag(h, 0)).toBe(TERR);

    configure(h, 1, BLOCK);
    descriptor(h, DESC + 16, 0 /* not VALID */, 4, 0x20002004, 0x20003004);
    enable(h, 1);
    h.w32(D + SWTRIGCTRL, 2);
    h.run(1000);
    expect(chflag(h, 1)).toBe(SUSP);
    expect(chstatus(h, 1) & 4).toBe(4); // FERR
  });

  it('CTRL.SWRST is ignored while the DMAC is enabled; BASEADDR is enable-protected', () => {
    const { h } = setup();
    h.w16(D + CTRL, 3);
    expect(h.r16(D + CTRL) & 2).toBe(2);
    h.w32(D + BASEADDR, 0x20004000);
    expect(h.r32(D + BASEADDR)).toBe(DESC);
  });
});

describe('DMAC CRC', () => {
  const check = new TextEncoder().encode('123456789');
  it('CRC-32 over CRCDATAIN writes gives the IEEE check value', () => {
    const { h } = setup();
    h.w16(D + CRCCTRL, (1 << 2) | (1 << 8)); // CRC32, source IO, byte beats
    h.w32(D + CRCCHKSUM, 0xffffffff);
    h.w16(D + CTRL, h.r16(D + CTRL) | 4);
    for (const b of check) h.w32(D + CRCDATAIN, b);
    expect(h.r32(D + CRCCHKSUM) >>> 0).toBe(0xcbf43926);
  });

  it('CRC-16 (CCITT) over the beats of a DMA channel', () => {
    const { h } = setup();
    const a = 0x20002000;
    check.forEach((b, i) => h.w8(a + i, b));
    h.w16(D + CRCCTRL, (0x20 + 3) << 8); // CRC16, source channel 3
    h.w32(D + CRCCHKSUM, 0xffff);
    h.w16(D + CTRL, h.r16(D + CTRL) | 4);
    configure(h, 3, BLOCK);
    descriptor(h, DESC + 48, VALID | SRCINC | DSTINC, 9, a + 9, 0x20003000 + 9);
    enable(h, 3);
    h.w32(D + SWTRIGCTRL, 1 << 3);
    h.runWhile(() => (chflag(h, 3) & TCMPL) === 0, 10_000);
    expect(h.r32(D + CRCCHKSUM) & 0xffff).toBe(0x29b1);
  });
});
