/** NVMCTRL, PORT, EIC, EVSYS, RTC, WDT and DSU driven through their registers. */
import { describe, expect, it } from 'vitest';
import { EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from '../../peripherals/samd21/memory-map.js';
import { connect, Pin } from '../../emulator/kernel/signals.js';
import { chip, r8, r16, r32, w8, w16, w32, advance, advanceSeconds, pollUntil } from './helpers.js';
import { createSamd21, type Samd21 } from '../../boards/chips/samd21.js';

const NVMCTRL = 0x41004000;
const PORT = 0x41004400;
const EIC = 0x40001800;
const EVSYS = 0x42000400;
const RTC = 0x40001400;
const WDT = 0x40001000;
const GCLK = 0x40000c00;
const PM = 0x40000400;
const SYSCTRL = 0x40000800;
const DSU = 0x41002000;

function nvmReady(s: Samd21): boolean {
  return (r8(s, NVMCTRL + 0x14) & 1) === 1;
}
function nvmCommand(s: Samd21, cmd: number): void {
  w16(s, NVMCTRL, 0xa500 | cmd);
}

describe('NVMCTRL', () => {
  it('PARAM, READY and wait states', () => {
    const s = chip();
    expect(r32(s, NVMCTRL + 0x08)).toBe(0x00031000); // 4096 pages of 64 bytes
    expect(nvmReady(s)).toBe(true);
    w32(s, NVMCTRL + 0x04, 2 << 1); // RWS = 2
    expect(s.nvmctrl.rws).toBe(2);
    expect(s.bus.waitStatesAt(0x1000)).toBe(2);
  });

  it('row erase, page buffer loads through the flash space, manual page write', () => {
    const s = chip();
    const row = 0x3fe00;
    s.flash.load(row, new Uint8Array(256).fill(0x5a));
    w32(s, NVMCTRL + 0x04, 1 << 7); // MANW
    w32(s, NVMCTRL + 0x1c, row / 2); // ADDR is a halfword address
    nvmCommand(s, 0x02); // ER
    expect(nvmReady(s)).toBe(false);
    const t = pollUntil(s, () => nvmReady(s), 48_000_000, 1000);
    expect(t).toBeGreaterThan(0);
    for (let i = 0; i < 256; i += 4) expect(r32(s, row + i)).toBe(0xffffffff);
    nvmCommand(s, 0x44); // PBC
    for (let i = 0; i < 64; i += 4) w32(s, row + 64 + i, 0x03020100 + i * 0x01010101);
    expect(r32(s, row + 64)).toBe(0xffffffff); // not programmed yet
    expect(r16(s, NVMCTRL + 0x18) & 2).toBe(2); // STATUS.LOAD
    expect(r32(s, NVMCTRL + 0x1c)).toBe((row + 64 + 60) / 2); // ADDR follows the writes
    nvmCommand(s, 0x04); // WP
    pollUntil(s, () => nvmReady(s), 48_000_000, 1000);
    expect(r32(s, row + 64)).toBe(0x03020100);
    expect(r32(s, row + 124)).toBe(0x3f3e3d3c);
    expect(r32(s, row)).toBe(0xffffffff);
  });

  it('automatic page write on the last word when MANW = 0; programming only clears bits', () => {
    const s = chip();
    s.flash.load(0x8000, new Uint8Array(64).fill(0x0f));
    for (let i = 0; i < 64; i += 2) w16(s, 0x8000 + i, 0xf0ff);
    expect(nvmReady(s)).toBe(false);
    pollUntil(s, () => nvmReady(s), 48_000_000, 1000);
    expect(r16(s, 0x8000)).toBe(0x000f);
  });

  it('a command without the 0xA5 key sets STATUS.PROGE and INTFLAG.ERROR', () => {
    const s = chip();
    w16(s, NVMCTRL, 0x1202);
    expect(r16(s, NVMCTRL + 0x18) & 4).toBe(4);
    expect(r8(s, NVMCTRL + 0x14) & 2).toBe(2);
    w8(s, NVMCTRL + 0x14, 2);
    expect(r8(s, NVMCTRL + 0x14) & 2).toBe(0);
  });

  it('user row: erase auxiliary row and write auxiliary page', () => {
    const s = chip();
    w32(s, NVMCTRL + 0x04, 1 << 7);
    w32(s, NVMCTRL + 0x1c, 0x00804000 / 2);
    nvmCommand(s, 0x05); // EAR
    pollUntil(s, () => nvmReady(s), 48_000_000, 1000);
    expect(r32(s, 0x00804000)).toBe(0xffffffff);
    w32(s, 0x00804000, 0xd8e0c7ff);
    w32(s, 0x00804004, 0xfffffc5d);
    nvmCommand(s, 0x06); // WAP
    pollUntil(s, () => nvmReady(s), 48_000_000, 1000);
    expect(r32(s, 0x00804000)).toBe(0xd8e0c7ff);
  });
});

describe('PORT', () => {
  it('DIR/OUT set-clear-toggle and the pad level', () => {
    const s = chip();
    w32(s, PORT + 0x08, 1 << 17); // DIRSET
    w32(s, PORT + 0x18, 1 << 17); // OUTSET
    expect(s.pin('PA17').level).toBe(1);
    w32(s, PORT + 0x1c, 1 << 17); // OUTTGL
    expect(s.pin('PA17').level).toBe(0);
    expect(r32(s, PORT + 0x10)).toBe(0);
    w32(s, PORT + 0x0c, 1 << 17); // DIRTGL → input
    expect(r32(s, PORT + 0x00)).toBe(0);
    // PB23 in group 1
    w32(s, PORT + 0x80 + 0x08, 1 << 23);
    w32(s, PORT + 0x80 + 0x18, 1 << 23);
    expect(s.pin('PB23').level).toBe(1);
  });

  it('pulls: PULLEN with OUT choosing up/down; IN needs INEN', () => {
    const s = chip();
    const k = 14;
    w8(s, PORT + 0x40 + k, 0x06); // PINCFG14: INEN | PULLEN
    w32(s, PORT + 0x14, 1 << k); // OUTCLR → pull-down
    expect(s.pin('PA14').pull).toBe('down');
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(0);
    w32(s, PORT + 0x18, 1 << k); // OUTSET → pull-up
    expect(s.pin('PA14').pull).toBe('up');
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(1 << k);
    // a button to ground overrides the pull
    const button = new Pin('button', s.scheduler);
    connect(s.pin('PA14'), button);
    button.drive(0);
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(0);
    button.drive(null);
    w8(s, PORT + 0x40 + k, 0x04); // INEN off: IN reads 0
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(0);
  });

  it('IN reads a pad a digital peripheral owns (PMUXEN, INEN 0), not one in the analog function B', () => {
    // CircuitPython's rotaryio relies on it: it muxes its pads to the EIC (function A) with PULLEN
    // only, and reads their levels from IN in the EIC interrupt.
    const s = chip();
    const k = 18; // PA18: EXTINT2 on function A
    const outside = new Pin('encoder', s.scheduler);
    connect(s.pin('PA18'), outside);
    outside.drive(1);
    w8(s, PORT + 0x30 + 9, 0x00); // PMUX9: PMUXE = A
    w8(s, PORT + 0x40 + k, 0x05); // PMUXEN | PULLEN, INEN 0
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(1 << k);
    outside.drive(0);
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(0);
    outside.drive(1);
    w8(s, PORT + 0x30 + 9, 0x01); // function B (analog): the digital input buffer is off
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(0);
    w8(s, PORT + 0x40 + k, 0x04); // no PMUXEN, no INEN: 0
    expect(r32(s, PORT + 0x20) & (1 << k)).toBe(0);
  });

  it('PMUX: a peripheral drives its pad only when PMUXEN and its function letter are selected', () => {
    const s = chip();
    const idx = 16; // PA16
    const sercom = s.context.pad(idx, 'D');
    const tcc = s.context.pad(idx, 'F');
    sercom.drive(1);
    expect(s.pin('PA16').level).toBe(0);
    w8(s, PORT + 0x30 + 8, 0x03); // PMUX8: PMUXE = D
    expect(s.pin('PA16').level).toBe(0); // PMUXEN still 0
    w8(s, PORT + 0x40 + idx, 0x01); // PMUXEN
    expect(sercom.selected).toBe(true);
    expect(s.pin('PA16').level).toBe(1);
    tcc.drive(0);
    expect(s.pin('PA16').level).toBe(1);
    w8(s, PORT + 0x30 + 8, 0x05); // function F
    expect(sercom.selected).toBe(false);
    expect(s.pin('PA16').level).toBe(0);
    expect(s.port.selectedFunction(idx)).toBe('F');
  });

  it('WRCONFIG writes PINCFG and PMUX of several pins; reads 0', () => {
    const s = chip();
    // PA24, PA25 → function G with PMUXEN (HWSEL: upper half)
    w32(s, PORT + 0x28, (1 << 31) | (1 << 30) | (1 << 28) | (6 << 24) | (1 << 16) | (3 << 8));
    expect(r8(s, PORT + 0x40 + 24)).toBe(1);
    expect(r8(s, PORT + 0x40 + 25)).toBe(1);
    expect(r8(s, PORT + 0x30 + 12)).toBe(0x66);
    expect(r32(s, PORT + 0x28)).toBe(0);
  });
});

/** GCLK2 ← OSCULP32K / 32 = 1024 Hz (DIVSEL, DIV 4), as firmware sets it up for the WDT. */
function gclk2At1024(s: Samd21): void {
  w32(s, GCLK + 0x08, 2 | (4 << 8));
  w32(s, GCLK + 0x04, 2 | (3 << 8) | (1 << 16) | (1 << 20));
}

/** Clock channel `id` ← generator `gen`. */
function clkctrl(s: Samd21, id: number, gen: number): void {
  w16(s, GCLK + 0x02, id | (gen << 8) | (1 << 14));
}

describe('EIC', () => {
  it('a rising edge on PA28 sets EXTINT8 and raises NVIC line 4', () => {
    const s = chip();
    clkctrl(s, GCLK_ID.EIC, 0);
    w8(s, PORT + 0x30 + 14, 0x00); // PMUX14 PMUXE = A (PA28)
    w8(s, PORT + 0x40 + 28, 0x03); // PMUXEN | INEN
    w32(s, EIC + 0x18 + 4, 1 << 0); // CONFIG1: SENSE0 (EXTINT8) = RISE
    w32(s, EIC + 0x0c, 1 << 8); // INTENSET
    w8(s, EIC, 2); // ENABLE
    pollUntil(s, () => (r8(s, EIC + 1) & 0x80) === 0, 10_000);
    const ext = new Pin('button', s.scheduler);
    connect(s.pin('PA28'), ext);
    ext.drive(1);
    expect(r32(s, EIC + 0x10)).toBe(1 << 8);
    expect(s.context.irqLevel(IRQ.EIC)).toBe(true);
    w32(s, EIC + 0x10, 1 << 8);
    expect(s.context.irqLevel(IRQ.EIC)).toBe(false);
    ext.drive(0); // falling: not sensed
    expect(r32(s, EIC + 0x10)).toBe(0);
  });

  it('level sensing re-asserts while the level holds; the filter ignores a short glitch', () => {
    const s = chip();
    clkctrl(s, GCLK_ID.EIC, 0); // 1 MHz
    w8(s, PORT + 0x30 + 2, 0x00); // PA04 function A → EXTINT4
    w8(s, PORT + 0x40 + 4, 0x01);
    w32(s, EIC + 0x18, (0x4 << 16) | (0x1 | 0x8) << 20); // EXTINT4 HIGH, EXTINT5 RISE+FILTEN
    w8(s, EIC, 2);
    pollUntil(s, () => (r8(s, EIC + 1) & 0x80) === 0, 10_000);
    const ext = new Pin('sig', s.scheduler);
    connect(s.pin('PA04'), ext);
    ext.drive(1);
    expect(r32(s, EIC + 0x10) & 0x10).toBe(0x10);
    w32(s, EIC + 0x10, 0x10);
    expect(r32(s, EIC + 0x10) & 0x10).toBe(0x10); // level still high
    ext.drive(0);
    w32(s, EIC + 0x10, 0x10);
    expect(r32(s, EIC + 0x10) & 0x10).toBe(0);
    // PA05 → EXTINT5 with the filter: a glitch shorter than 2 GCLK_EIC periods (1 µs at the
    // reset clock, 1 MHz) is ignored, a long pulse is seen
    w8(s, PORT + 0x30 + 2, 0x00);
    w8(s, PORT + 0x40 + 5, 0x01);
    const sig5 = new Pin('sig5', s.scheduler);
    connect(s.pin('PA05'), sig5);
    sig5.drive(1);
    advance(s, 1);
    sig5.drive(0);
    advance(s, 1000);
    expect(r32(s, EIC + 0x10) & 0x20).toBe(0);
    sig5.drive(1);
    advance(s, 1000);
    expect(r32(s, EIC + 0x10) & 0x20).toBe(0x20);
  });

  it('EVCTRL.EXTINTEOx turns a detection into an EIC_EXTINTx event', () => {
    const s = chip();
    w32(s, PM + 0x20, r32(s, PM + 0x20) | 2);
    clkctrl(s, GCLK_ID.EIC, 0);
    let received = 0;
    s.context.onEventUser(EVENT_USER.TC3 + 1, () => received++); // TC4
    w32(s, EVSYS + 0x04, 3 | ((EVENT_GENERATOR.EIC_EXTINT0 + 2) << 16) | (2 << 24));
    w16(s, EVSYS + 0x08, (EVENT_USER.TC3 + 1) | (4 << 8));
    w8(s, PORT + 0x30 + 9, 0x00); // PA18 function A → EXTINT2
    w8(s, PORT + 0x40 + 18, 0x01);
    w32(s, EIC + 0x18, 0x3 << 8); // EXTINT2 BOTH
    w32(s, EIC + 0x04, 1 << 2); // EVCTRL.EXTINTEO2
    w8(s, EIC, 2);
    pollUntil(s, () => (r8(s, EIC + 1) & 0x80) === 0, 10_000);
    const ext = new Pin('sig', s.scheduler);
    connect(s.pin('PA18'), ext);
    ext.drive(1);
    ext.drive(0);
    expect(received).toBe(2);
  });

  it('NMI on PA08 raises the core NMI', () => {
    const s = chip();
    w8(s, PORT + 0x30 + 4, 0x00);
    w8(s, PORT + 0x40 + 8, 0x01);
    w8(s, EIC + 0x02, 0x04); // NMISENSE = HIGH
    const ext = new Pin('nmi', s.scheduler);
    connect(s.pin('PA08'), ext);
    ext.drive(1);
    expect(r8(s, EIC + 0x03)).toBe(1);
    expect(s.core!.exceptions.pending[2]).toBe(1);
  });
});

describe('EVSYS', () => {
  function enable(s: Samd21): void {
    w32(s, PM + 0x20, r32(s, PM + 0x20) | 2); // APBCMASK.EVSYS
  }

  it('CHANNEL and USER are select-then-read', () => {
    const s = chip();
    enable(s);
    w32(s, EVSYS + 0x04, 2 | (EVENT_GENERATOR.RTC_PER0 + 2) << 16 | (1 << 24) | (1 << 26));
    w16(s, EVSYS + 0x08, EVENT_USER.TC3 | (3 << 8));
    w8(s, EVSYS + 0x04, 0);
    expect(r32(s, EVSYS + 0x04)).toBe(0);
    w8(s, EVSYS + 0x04, 2);
    expect(r32(s, EVSYS + 0x04)).toBe((2 | (6 << 16) | (1 << 24) | (1 << 26)) >>> 0);
    w8(s, EVSYS + 0x08, EVENT_USER.TC3);
    expect(r16(s, EVSYS + 0x08)).toBe(EVENT_USER.TC3 | (3 << 8));
  });

  it('a resynchronised channel sets EVDn, interrupts, and reaches its user; async has no flag', () => {
    const s = chip();
    enable(s);
    let received = 0;
    s.context.onEventUser(EVENT_USER.TC3, () => received++);
    clkctrl(s, GCLK_ID.EVSYS_CHANNEL_0 + 1, 0);
    w32(s, EVSYS + 0x04, 1 | (EVENT_GENERATOR.EIC_EXTINT0 << 16) | (1 << 24) | (1 << 26));
    w16(s, EVSYS + 0x08, EVENT_USER.TC3 | (2 << 8));
    w32(s, EVSYS + 0x14, 1 << 9); // INTENSET EVD1
    s.context.generateEvent(EVENT_GENERATOR.EIC_EXTINT0);
    expect(received).toBe(1);
    expect(r32(s, EVSYS + 0x18)).toBe(1 << 9);
    expect(s.context.irqLevel(IRQ.EVSYS)).toBe(true);
    w32(s, EVSYS + 0x18, 1 << 9);
    expect(s.context.irqLevel(IRQ.EVSYS)).toBe(false);
    // asynchronous path: passes through, no EVD
    w32(s, EVSYS + 0x04, 1 | (EVENT_GENERATOR.EIC_EXTINT0 << 16) | (2 << 24));
    s.context.generateEvent(EVENT_GENERATOR.EIC_EXTINT0);
    expect(received).toBe(2);
    expect(r32(s, EVSYS + 0x18)).toBe(0);
    // software event
    w32(s, EVSYS + 0x04, 1 | (1 << 8) | (EVENT_GENERATOR.EIC_EXTINT0 << 16) | (2 << 24));
    expect(received).toBe(3);
    // CTRL.SWRST
    w8(s, EVSYS, 1);
    w8(s, EVSYS + 0x08, EVENT_USER.TC3);
    expect(r16(s, EVSYS + 0x08)).toBe(EVENT_USER.TC3);
  });
});

/** RTC in MODE0 on GCLK2 ← OSC32K, prescaler /2 (16384 Hz), as CircuitPython sets it up. */
function rtcMode0(s: Samd21): void {
  w32(s, SYSCTRL + 0x18, (0x40 << 16) | 0x06);
  pollUntil(s, () => (r32(s, SYSCTRL + 0x0c) & 4) !== 0);
  w32(s, GCLK + 0x04, 2 | (4 << 8) | (1 << 16)); // GCLK2 ← OSC32K
  w32(s, GCLK + 0x08, 2); // DIV 0
  clkctrl(s, GCLK_ID.RTC, 2);
  w16(s, RTC, 1); // SWRST
  expect(r16(s, RTC) & 1).toBe(1);
  expect(r8(s, RTC + 0x0a) & 0x80).toBe(0x80);
  expect(pollUntil(s, () => (r16(s, RTC) & 1) === 0, 100_000)).toBeGreaterThan(0);
  w16(s, RTC + 0x04, 1 << 2); // EVCTRL PEREO2
  w16(s, RTC, (1 << 8) | 2); // PRESCALER /2, MODE0, ENABLE
  pollUntil(s, () => (r8(s, RTC + 0x0a) & 0x80) === 0, 100_000);
  w16(s, RTC + 0x02, 0xc010); // READREQ: RREQ | RCONT | ADDR 0x10
}

describe('RTC', () => {
  it('MODE0 counts at 16384 Hz from GCLK2 = 32768 Hz with prescaler /2', () => {
    const s = chip();
    rtcMode0(s);
    const c0 = r32(s, RTC + 0x10);
    advanceSeconds(s, 1);
    const c1 = r32(s, RTC + 0x10);
    expect(c1 - c0).toBeGreaterThanOrEqual(16383);
    expect(c1 - c0).toBeLessThanOrEqual(16385);
  });

  it('COMP0 sets INTFLAG.CMP0 one count after COUNT reaches it, and drives NVIC line 3', () => {
    const s = chip();
    rtcMode0(s);
    const now = r32(s, RTC + 0x10);
    w32(s, RTC + 0x18, now + 160); // ~10 ms
    pollUntil(s, () => (r8(s, RTC + 0x0a) & 0x80) === 0, 100_000);
    w8(s, RTC + 0x08, 1); // clear CMP0
    w8(s, RTC + 0x07, 1); // INTENSET CMP0
    const t0 = s.scheduler.cycles;
    const t = pollUntil(s, () => s.context.irqLevel(IRQ.RTC), 48_000_000, 48);
    expect(t).toBeGreaterThan(0);
    const elapsedCounts = ((s.scheduler.cycles - t0) / s.scheduler.frequency) * 16384;
    expect(elapsedCounts).toBeGreaterThan(155);
    expect(elapsedCounts).toBeLessThan(163);
    expect(r32(s, RTC + 0x10)).toBe(now + 161);
    w8(s, RTC + 0x08, 1);
    expect(s.context.irqLevel(IRQ.RTC)).toBe(false);
  });

  it('PER2 periodic events at 1024 Hz reach EVSYS (the CircuitPython tick)', () => {
    const s = chip();
    rtcMode0(s);
    w32(s, PM + 0x20, r32(s, PM + 0x20) | 2);
    clkctrl(s, GCLK_ID.EVSYS_CHANNEL_0, 0);
    w32(s, EVSYS + 0x04, 0 | ((EVENT_GENERATOR.RTC_PER0 + 2) << 16) | (1 << 24) | (1 << 26));
    const before = s.evsys.eventCount[0];
    advanceSeconds(s, 0.5);
    expect(s.evsys.eventCount[0] - before).toBeGreaterThanOrEqual(511);
    expect(s.evsys.eventCount[0] - before).toBeLessThanOrEqual(513);
    expect(r32(s, EVSYS + 0x18) & (1 << 8)).toBe(1 << 8);
  });

  it('MODE0 with MATCHCLR: COUNT clears after COMP0, setting CMP0 and OVF together', () => {
    const s = chip();
    gclk2At1024(s);
    clkctrl(s, GCLK_ID.RTC, 2);
    w16(s, RTC, 1 << 7); // MATCHCLR, MODE0, prescaler /1
    w32(s, RTC + 0x18, 99);
    w16(s, RTC, (1 << 7) | 2);
    pollUntil(s, () => (r8(s, RTC + 0x08) & 1) !== 0, 48_000_000, 1000);
    expect(r8(s, RTC + 0x08) & 0x81).toBe(0x81);
    expect(r32(s, RTC + 0x10)).toBeLessThan(2);
    w8(s, RTC + 0x08, 0x81);
    advanceSeconds(s, 50 / 1024);
    expect(r32(s, RTC + 0x10)).toBeGreaterThan(45);
    expect(r32(s, RTC + 0x10)).toBeLessThan(55);
  });

  it('MODE1 wraps at PER with OVF and compares COMP1', () => {
    const s = chip();
    gclk2At1024(s);
    clkctrl(s, GCLK_ID.RTC, 2); // GCLK2 = OSCULP32K / 32 = 1024 Hz
    w16(s, RTC, 0x4); // MODE1, disabled
    w16(s, RTC + 0x14, 99); // PER
    w16(s, RTC + 0x1a, 50); // COMP1 (16-bit access to the upper half)
    w16(s, RTC, 0x4 | 2);
    pollUntil(s, () => (r8(s, RTC + 0x0a) & 0x80) === 0, 1_000_000, 100);
    pollUntil(s, () => (r8(s, RTC + 0x08) & 2) !== 0, 48_000_000, 1000);
    expect(r16(s, RTC + 0x10)).toBe(51);
    pollUntil(s, () => (r8(s, RTC + 0x08) & 0x80) !== 0, 48_000_000, 1000);
    expect(r16(s, RTC + 0x10)).toBeLessThan(3);
  });

  it('MODE2 clock/calendar counts seconds with carries', () => {
    const s = chip();
    gclk2At1024(s);
    clkctrl(s, GCLK_ID.RTC, 2); // 1024 Hz
    w16(s, RTC, 0x8 | (10 << 8)); // MODE2, PRESCALER /1024 → 1 Hz
    // 2024-02-28 23:59:58
    w32(s, RTC + 0x10, (24 << 26) | (2 << 22) | (28 << 17) | (23 << 12) | (59 << 6) | 58);
    w16(s, RTC, 0x8 | (10 << 8) | 2);
    advanceSeconds(s, 3.01);
    const v = r32(s, RTC + 0x10);
    expect([(v >>> 26) & 0x3f, (v >>> 22) & 0xf, (v >>> 17) & 0x1f, (v >>> 12) & 0x1f, (v >>> 6) & 0x3f, v & 0x3f]).toEqual([24, 2, 29, 0, 0, 1]);
  });

  it('MODE2 ALARM0 with MASK.SEL = SS fires every minute at the given second', () => {
    const s = chip();
    gclk2At1024(s);
    clkctrl(s, GCLK_ID.RTC, 2); // 1024 Hz
    w16(s, RTC, 0x8 | (10 << 8)); // MODE2, 1 Hz
    w32(s, RTC + 0x10, (1 << 22) | (1 << 17) | 10); // Jan 1, 00:00:10
    w32(s, RTC + 0x18, 15); // ALARM0: second 15
    w8(s, RTC + 0x1c, 1); // MASK.SEL = SS
    w16(s, RTC, 0x8 | (10 << 8) | 2);
    // CLOCK reaches :15 after 5 s; the flag is set on the next counter tick (19.6.2.x: "on the
    // next 0-to-1 transition of CLK_RTC_CNT" after the match), at 6 s.
    advanceSeconds(s, 5.7);
    expect(r8(s, RTC + 0x08) & 1).toBe(0);
    advanceSeconds(s, 0.5);
    expect(r8(s, RTC + 0x08) & 1).toBe(1);
    w8(s, RTC + 0x08, 1);
    advanceSeconds(s, 30);
    expect(r8(s, RTC + 0x08) & 1).toBe(0);
    advanceSeconds(s, 30);
    expect(r8(s, RTC + 0x08) & 1).toBe(1);
  });

  it('the CMP0 event reaches an EVSYS user', () => {
    const s = chip();
    rtcMode0(s);
    w32(s, PM + 0x20, r32(s, PM + 0x20) | 2);
    let received = 0;
    s.context.onEventUser(EVENT_USER.ADC_START, () => received++);
    w32(s, EVSYS + 0x04, 5 | (EVENT_GENERATOR.RTC_CMP0 << 16) | (2 << 24)); // async path
    w16(s, EVSYS + 0x08, EVENT_USER.ADC_START | (6 << 8));
    w16(s, RTC + 0x04, (1 << 8) | (1 << 2)); // CMPEO0 | PEREO2
    w32(s, RTC + 0x18, r32(s, RTC + 0x10) + 100);
    advanceSeconds(s, 0.01);
    expect(received).toBe(1);
  });

  it('keeps counting across a system reset, with its GCLK generator (only POR resets the RTC)', () => {
    const s = chip();
    rtcMode0(s);
    advanceSeconds(s, 0.1);
    const before = r32(s, RTC + 0x10);
    s.context.systemReset(0x40);
    s.core!.state = 'sleeping'; // no program in flash: keep the core out of the way
    expect(r32(s, RTC + 0x10)).toBeGreaterThanOrEqual(before);
    w8(s, GCLK + 0x04, 2);
    expect((r32(s, GCLK + 0x04) >>> 8) & 0x1f).toBe(4); // GCLK2 still ← OSC32K (15.8.4 user reset)
    expect(s.context.gclkFrequency(GCLK_ID.RTC)).toBe(32768);
    advanceSeconds(s, 0.1);
    expect(r32(s, RTC + 0x10) - before).toBeGreaterThan(1600); // 0.1 s at 16384 Hz
  });
});

describe('WDT', () => {
  it('times out into a system reset with RCAUSE.WDT; clearing with 0xA5 keeps it alive', () => {
    const s = chip();
    gclk2At1024(s);
    w8(s, WDT + 0x01, 0x03); // PER 3: 64 cycles of 1024 Hz = 62.5 ms
    w8(s, WDT, 2); // ENABLE
    pollUntil(s, () => (r8(s, WDT + 0x07) & 0x80) === 0, 1_000_000, 100);
    for (let i = 0; i < 5; i++) {
      advanceSeconds(s, 0.04);
      w8(s, WDT + 0x08, 0xa5);
    }
    expect(r8(s, PM + 0x38)).toBe(0x01);
    advanceSeconds(s, 0.07);
    expect(r8(s, PM + 0x38)).toBe(0x20);
    expect(r8(s, WDT)).toBe(0); // WDT disabled again after the reset
  });

  it('early warning interrupt, and a wrong CLEAR key resets at once', () => {
    const s = chip();
    gclk2At1024(s);
    w8(s, WDT + 0x01, 0x05); // 256 cycles = 250 ms
    w8(s, WDT + 0x02, 0x03); // EWOFFSET 64 cycles
    w8(s, WDT + 0x05, 1); // INTENSET EW
    w8(s, WDT, 2);
    advanceSeconds(s, 0.07);
    expect(s.context.irqLevel(IRQ.WDT)).toBe(true);
    w8(s, WDT + 0x08, 0x12);
    expect(r8(s, PM + 0x38)).toBe(0x20);
  });

  it('window mode: a clear in the closed window resets', () => {
    const s = chip();
    gclk2At1024(s);
    w8(s, WDT + 0x01, 0x33); // WINDOW 64, PER 64 cycles
    w8(s, WDT, 0x06); // WEN | ENABLE
    advanceSeconds(s, 0.01);
    w8(s, WDT + 0x08, 0xa5);
    expect(r8(s, PM + 0x38)).toBe(0x20);
  });
});

describe('DSU', () => {
  it('STATUSB.DBGPRES follows the debuggerPresent option', () => {
    const s = createSamd21({ variant: 'E18A', debuggerPresent: true });
    expect(r8(s, DSU + 0x02) & 2).toBe(2);
    expect(r32(s, DSU + 0x18)).toBe(0x1001030a);
  });

  it('STATUSB without a debugger, and the CRC32 of a flash block', () => {
    const s = chip();
    expect(r8(s, DSU + 0x02) & 2).toBe(0);
    const data = new TextEncoder().encode('123456789\0\0\0');
    s.flash.load(0x1000, data);
    w32(s, DSU + 0x04, 0x1000);
    w32(s, DSU + 0x08, 8);
    w32(s, DSU + 0x0c, 0xffffffff);
    w8(s, DSU, 0x04); // CRC
    expect(r8(s, DSU + 0x01) & 1).toBe(1);
    // reference: CRC32 of "12345678" (not complemented)
    let crc = 0xffffffff;
    for (const b of data.subarray(0, 8)) {
      crc ^= b;
      for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    expect(r32(s, DSU + 0x0c)).toBe(crc >>> 0);
    expect((~r32(s, DSU + 0x0c)) >>> 0).toBe(0x9ae0daaf);
  });
});
