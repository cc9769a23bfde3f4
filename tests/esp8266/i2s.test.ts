/**
 * ESP8266 I2S (0x60000E00) and SLC DMA (0x60000B00): register semantics against Espressif's
 * i2s_reg.h / slc_register.h (reset values, INT_RAW/ST/ENA/CLR, the link command bits), the
 * bit clock from the dividers (160 MHz / CLKM / BCK), the waveform on the routed pad, and our
 * own firmware (tests/firmware/esp8266/i2s-ws2812.c): a WS2812 chain on GPIO3 decoding what the
 * DMA ring sends, and the ring's EOF interrupts against the timing the bit clock implies.
 */
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { connect, Pin } from '../../emulator/kernel/signals.js';
import { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import { I2S_BASE, I2S_INT, I2S_REG, I2SCONF, I2S_FIFO_CONF, I2S_TX_FIFO_WORDS } from '../../peripherals/esp8266/i2s.js';
import { LLDESC, SLC_BASE, SLC_INT, SLC_LINK, SLC_REG } from '../../peripherals/esp8266/slc.js';
import { INT_SLC } from '../../boards/chips/esp8266.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { restoreSnapshot, saveSnapshot } from '../../emulator/snapshot/index.js';
import type { Board } from '../../boards/types.js';
import { readFileSync } from 'node:fs';
import { boardWithFlash, PROGRAMS, programImage, runUntil } from './helpers.js';

/** A board whose CPU spins in IRAM (`j .`), so simulated time passes with no firmware. */
function board() {
  const b = createFeatherHuzzah();
  b.load([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff) }], 0x40100000);
  const bus = b.machine.bus;
  return { b, chip: b.chip, bus, read: (a: number) => bus.read(a, 4) >>> 0, write: (a: number, v: number) => bus.write(a, 4, v >>> 0) };
}

const IO_MUX_U0RXD = 0x60000814;
const IO_MUX_MTDO = 0x60000810;
const IO_MUX_GPIO2 = 0x60000838;
/** PIN_FUNC_SELECT(pad, 1): function bits 5:4 = 1. */
const FUNC_1 = 0x10;
/** CLKM 5 x BCK 10: 160 MHz / 50 = 3.2 MHz, 25 CPU cycles a bit at 80 MHz. */
const CONF_3M2 = (10 << I2SCONF.I2S_BCK_DIV_NUM_Pos) | (5 << I2SCONF.I2S_CLKM_DIV_NUM_Pos) | I2SCONF.I2S_RIGHT_FIRST;

/** Writes an lldesc_t at `at`: datalen = size = `bytes`, eof, owner. */
function descriptor(write: (a: number, v: number) => void, at: number, buffer: number, bytes: number, next: number, eof = true) {
  write(at, bytes | (bytes << LLDESC.DATALEN_Pos) | (eof ? LLDESC.EOF : 0) | LLDESC.OWNER);
  write(at + 4, buffer);
  write(at + 8, next);
}

/** Records a pin's edges as [cycle, level]. */
function edges(pin: Pin) {
  const seen: [number, number][] = [];
  pin.net.onEdge((_n, level, cycle) => seen.push([cycle, level]));
  return seen;
}

describe('I2S registers (i2s_reg.h)', () => {
  test('reset values are 0, I2SINT_ST = RAW & ENA, I2SINT_CLR clears raw flags (write 1s) and reads 0', () => {
    const { read, write } = board();
    for (const off of [I2S_REG.I2SCONF, I2S_REG.I2SINT_ST, I2S_REG.I2SINT_ENA, I2S_REG.I2S_FIFO_CONF, I2S_REG.I2SCONF_CHAN]) expect(read(I2S_BASE + off)).toBe(0);
    // Empty FIFO, threshold 0: TX_PUT_DATA (count <= I2S_TX_DATA_NUM) is raised.
    expect(read(I2S_BASE + I2S_REG.I2SINT_RAW)).toBe(I2S_INT.I2S_TX_PUT_DATA);
    write(I2S_BASE + I2S_REG.I2SINT_ENA, I2S_INT.I2S_TX_PUT_DATA | I2S_INT.I2S_TX_REMPTY);
    expect(read(I2S_BASE + I2S_REG.I2SINT_ST)).toBe(I2S_INT.I2S_TX_PUT_DATA);
    // 128 words fill the FIFO: WFULL, and PUT_DATA drops (level-like, it follows the FIFO).
    for (let i = 0; i < I2S_TX_FIFO_WORDS; i++) write(I2S_BASE + I2S_REG.I2STXFIFO, i);
    expect(read(I2S_BASE + I2S_REG.I2SINT_RAW)).toBe(I2S_INT.I2S_TX_WFULL);
    write(I2S_BASE + I2S_REG.I2SINT_CLR, 0x3f);
    expect(read(I2S_BASE + I2S_REG.I2SINT_CLR)).toBe(0);
    // A FIFO reset empties it.
    write(I2S_BASE + I2S_REG.I2SCONF, I2SCONF.I2S_TX_FIFO_RESET);
    write(I2S_BASE + I2S_REG.I2SCONF, 0);
    expect(read(I2S_BASE + I2S_REG.I2SINT_RAW)).toBe(I2S_INT.I2S_TX_PUT_DATA);
  });

  test('the transmitter drains the FIFO one word per 32 bit clocks (160 MHz / CLKM / BCK); an empty FIFO underflows into TX_REMPTY, cleared by I2SINT_CLR', () => {
    const { b, chip, read, write } = board();
    for (let i = 0; i < 4; i++) write(I2S_BASE + I2S_REG.I2STXFIFO, 0);
    write(I2S_BASE + I2S_REG.I2SCONF, CONF_3M2 | I2SCONF.I2S_TX_START);
    expect(chip.i2s.bitClockHz).toBe(3_200_000);
    const t0 = b.machine.scheduler.cycles;
    // A word is 32 bits = 10 us: the 4 words leave the FIFO at 0, 10, 20 and 30 us; at 40 us the FIFO is empty: underflow.
    b.machine.runFor(39e-6);
    expect(chip.i2s.txFifoCount).toBe(0);
    expect(read(I2S_BASE + I2S_REG.I2SINT_RAW) & I2S_INT.I2S_TX_REMPTY).toBe(0);
    b.machine.runFor(2e-6);
    expect(read(I2S_BASE + I2S_REG.I2SINT_RAW) & I2S_INT.I2S_TX_REMPTY).toBe(I2S_INT.I2S_TX_REMPTY);
    expect(chip.i2s.wordsSent).toBe(4);
    expect(b.machine.scheduler.cycles - t0).toBeGreaterThanOrEqual(4 * 32 * 25);
    write(I2S_BASE + I2S_REG.I2SINT_CLR, I2S_INT.I2S_TX_REMPTY);
    expect(read(I2S_BASE + I2S_REG.I2SINT_RAW) & I2S_INT.I2S_TX_REMPTY).toBe(0);
  });

  test('I2SO_DATA/BCK/WS reach GPIO3/15/2 only with IO_MUX function 1; data bit 31 first, each bit 25 cycles at 3.2 MHz; WS high for the right channel (bits 31:16)', () => {
    const { b, chip, write } = board();
    const data = edges(chip.pads[3]!);
    const bck = edges(chip.pads[15]!);
    const ws = edges(chip.pads[2]!);
    write(I2S_BASE + I2S_REG.I2STXFIFO, 0xa000_8001);
    write(I2S_BASE + I2S_REG.I2SCONF, CONF_3M2 | I2SCONF.I2S_TX_START);
    b.machine.runFor(20e-6);
    expect(data.length + bck.length + ws.length).toBe(0); // not routed: nothing on the pads
    write(I2S_BASE + I2S_REG.I2SCONF, 0);
    for (const pad of [IO_MUX_U0RXD, IO_MUX_MTDO, IO_MUX_GPIO2]) write(pad, FUNC_1);
    write(I2S_BASE + I2S_REG.I2STXFIFO, 0xa000_8001);
    const t0 = b.machine.scheduler.cycles;
    write(I2S_BASE + I2S_REG.I2SCONF, CONF_3M2 | I2SCONF.I2S_TX_START);
    b.machine.runFor(25e-6);
    const rel = (e: [number, number][]) => e.map(([c, l]) => [c - t0, l]);
    // 0xA0008001, bit 31 first: 1 0 1 0 ... (bit 15) 1 ... (bit 0) 1, each 25 cycles.
    expect(rel(data).slice(0, 8)).toEqual([
      [0, 1], [25, 0], [50, 1], [75, 0], [16 * 25, 1], [17 * 25, 0], [31 * 25, 1], [32 * 25, 0],
    ]);
    // BCK: low at each bit's start, high mid-bit (rounded to a cycle).
    expect(rel(bck).slice(0, 4)).toEqual([[13, 1], [25, 0], [38, 1], [50, 0]]);
    // WS: high for the first (right) half, low for the second.
    expect(rel(ws).slice(0, 2)).toEqual([[0, 1], [16 * 25, 0]]);
  });
});

describe('pads', () => {
  test('GPIO drives chip.pads where GPIO_ENABLE is set (else undriven); a pad routed to I2S ignores GPIO until routed back', () => {
    const { chip, write } = board();
    const GPIO = 0x60000300;
    write(GPIO + 0x10, 1 << 3); // GPIO_ENABLE_W1TS
    write(GPIO + 0x04, 1 << 3); // GPIO_OUT_W1TS
    expect(chip.pads[3]!.driven).toBe(1);
    expect(chip.pads[4]!.driven).toBeNull();
    write(IO_MUX_U0RXD, FUNC_1); // I2SO_DATA: the transmitter (idle, low) drives the pad
    expect(chip.pads[3]!.driven).toBe(0);
    write(GPIO + 0x04, 1 << 3);
    expect(chip.pads[3]!.driven).toBe(0);
    write(IO_MUX_U0RXD, 0x30); // FUNC_GPIO3: GPIO again
    expect(chip.pads[3]!.driven).toBe(1);
  });
});

describe('SLC registers (slc_register.h)', () => {
  test('reset values are 0; SLC_INT_CLR is write-1-to-clear; START/STOP/RESTART read 0 and the address keeps bits 19:0; RX_EOF raises CPU line 1', () => {
    const { chip, bus, read, write } = board();
    for (const off of [SLC_REG.SLC_CONF0, SLC_REG.SLC_INT_RAW, SLC_REG.SLC_INT_STATUS, SLC_REG.SLC_INT_ENA, SLC_REG.SLC_RX_LINK, SLC_REG.SLC_RX_EOF_DES_ADDR, SLC_REG.SLC_RX_DSCR_CONF]) {
      expect(read(SLC_BASE + off)).toBe(0);
    }
    const d = 0x3fff0000;
    const buf = 0x3fff0100;
    descriptor(write, d, buf, 16, 0);
    write(I2S_BASE + I2S_REG.I2S_FIFO_CONF, I2S_FIFO_CONF.I2S_DSCR_EN);
    write(SLC_BASE + SLC_REG.SLC_INT_ENA, SLC_INT.SLC_RX_EOF);
    write(SLC_BASE + SLC_REG.SLC_RX_LINK, SLC_LINK.START | (d & SLC_LINK.DESCADDR_Msk));
    expect(read(SLC_BASE + SLC_REG.SLC_RX_LINK)).toBe(d & SLC_LINK.DESCADDR_Msk);
    // The 4 words went into the empty FIFO at once: DONE and EOF, the descriptor's address.
    expect(chip.i2s.txFifoCount).toBe(4);
    expect(read(SLC_BASE + SLC_REG.SLC_INT_RAW)).toBe(SLC_INT.SLC_RX_DONE | SLC_INT.SLC_RX_EOF);
    expect(read(SLC_BASE + SLC_REG.SLC_INT_STATUS)).toBe(SLC_INT.SLC_RX_EOF);
    expect(read(SLC_BASE + SLC_REG.SLC_RX_EOF_DES_ADDR)).toBe(d);
    expect(chip.core.readSpecial(226) & (1 << INT_SLC)).not.toBe(0); // INTERRUPT bit 1
    write(SLC_BASE + SLC_REG.SLC_INT_CLR, SLC_INT.SLC_RX_EOF);
    expect(read(SLC_BASE + SLC_REG.SLC_INT_RAW)).toBe(SLC_INT.SLC_RX_DONE);
    expect(read(SLC_BASE + SLC_REG.SLC_INT_CLR)).toBe(0);
    expect(chip.core.readSpecial(226) & (1 << INT_SLC)).toBe(0);
    expect(chip.slc.rxLinkRunning).toBe(false); // next = 0: the link ended
    // RESTART continues from the last descriptor's next pointer once it is set.
    const d2 = 0x3fff0020;
    descriptor(write, d2, buf, 8, 0);
    bus.write(d + 8, 4, d2);
    write(SLC_BASE + SLC_REG.SLC_RX_LINK, SLC_LINK.RESTART);
    expect(chip.i2s.txFifoCount).toBe(6);
    expect(read(SLC_BASE + SLC_REG.SLC_RX_EOF_DES_ADDR)).toBe(d2);
  });

  test('a descriptor outside the internal RAM stops the link with RX_DSCR_ERR; an all-empty ring does too, without hanging', () => {
    const { chip, read, write } = board();
    write(I2S_BASE + I2S_REG.I2S_FIFO_CONF, I2S_FIFO_CONF.I2S_DSCR_EN);
    write(SLC_BASE + SLC_REG.SLC_RX_LINK, SLC_LINK.START | 0x00010); // 0x3FF00010: DPORT, not RAM
    expect(read(SLC_BASE + SLC_REG.SLC_INT_RAW) & SLC_INT.SLC_RX_DSCR_ERR).toBe(SLC_INT.SLC_RX_DSCR_ERR);
    expect(chip.slc.rxLinkRunning).toBe(false);
    write(SLC_BASE + SLC_REG.SLC_INT_CLR, 0xffffffff);
    const d = 0x3fff0000;
    descriptor(write, d, 0x3fff0100, 0, d); // empty, pointing at itself
    write(SLC_BASE + SLC_REG.SLC_RX_LINK, SLC_LINK.START | (d & SLC_LINK.DESCADDR_Msk));
    expect(read(SLC_BASE + SLC_REG.SLC_INT_RAW) & SLC_INT.SLC_RX_DSCR_ERR).toBe(SLC_INT.SLC_RX_DSCR_ERR);
    expect(chip.slc.rxLinkRunning).toBe(false);
  });

  test('a looping ring keeps the FIFO full; in steady state an EOF per ring every ring-words x 32 / bit clock', () => {
    const { b, chip, read, write } = board();
    // Two descriptors of 100 words each (a ring of 200 > the FIFO's 128), only the first with eof.
    const d0 = 0x3fff0000;
    const d1 = 0x3fff0010;
    descriptor(write, d0, 0x3fff0100, 400, d1, true);
    descriptor(write, d1, 0x3fff0300, 400, d0, false);
    write(I2S_BASE + I2S_REG.I2S_FIFO_CONF, I2S_FIFO_CONF.I2S_DSCR_EN);
    write(SLC_BASE + SLC_REG.SLC_INT_ENA, SLC_INT.SLC_RX_EOF);
    const stamps: number[] = [];
    const s = b.machine.scheduler;
    // Stamp each rise of the SLC's CPU line (INTERRUPT bit 1) with the cycle it happens at.
    const setInterrupt = chip.core.setInterrupt.bind(chip.core);
    chip.core.setInterrupt = (n: number, level: boolean) => {
      if (n === INT_SLC && level) stamps.push(s.cycles);
      setInterrupt(n, level);
    };
    write(SLC_BASE + SLC_REG.SLC_RX_LINK, SLC_LINK.START | (d0 & SLC_LINK.DESCADDR_Msk));
    write(I2S_BASE + I2S_REG.I2SCONF, CONF_3M2 | I2SCONF.I2S_TX_START);
    // Slices of half a word's time (a word: 32 bits x 25 cycles); the EOF flag cleared after each.
    for (let i = 0; i < 2 * 6 * 200; i++) {
      b.machine.runFor(400 / 80e6);
      if (read(SLC_BASE + SLC_REG.SLC_INT_RAW) & SLC_INT.SLC_RX_EOF) write(SLC_BASE + SLC_REG.SLC_INT_CLR, SLC_INT.SLC_RX_EOF);
    }
    // EOF of d0 when its last word enters the FIFO: every 200 words = 200 x 32 x 25 cycles.
    // The first EOF comes at START (the FIFO fills at once), the second after the 128 words the
    // FIFO took then and 72 more: from the second on, one per ring. Events fire within a few
    // cycles of their time (the CPU's instruction in flight), not later.
    expect(stamps.length).toBeGreaterThanOrEqual(6);
    const periods = stamps.slice(2).map((c, i) => c - stamps[i + 1]!);
    for (const p of periods) expect(Math.abs(p - 200 * 32 * 25)).toBeLessThanOrEqual(3);
    expect(chip.i2s.underflows).toBe(0);
    expect(chip.i2s.txFifoCount).toBeGreaterThanOrEqual(I2S_TX_FIFO_WORDS - 1);
  });
});

describe('our firmware: WS2812 through SLC DMA and I2S on GPIO3 (i2s-ws2812.c)', () => {
  test('the chain on GPIO3 decodes the 8 colours; the 2nd to the 12th pixel-descriptor EOF are 10 rings of 160 words at 3.2 MHz apart', () => {
    const board = boardWithFlash(programImage('i2s-ws2812'));
    const din = new Pin('WS2812 DIN', board.machine.scheduler);
    connect(board.chip.pads[3]!, din);
    const chain = new Ws2812bChain({ din, count: 8, scheduler: board.machine.scheduler, timing: 'datasheet' });
    const { halt, output } = runUntil(board, 'DONE\n', 1);
    expect(halt, output).toBeNull();
    expect(chain.errors, chain.lastError).toBe(0);
    expect(chain.rgb()).toEqual([0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xffffff, 0x000000, 0x800001, 0x0a0b0c]);
    // One latch per ring (the 1.36 ms of zeros), about 11.
    expect(chain.frames).toBeGreaterThanOrEqual(10);
    // TRM arithmetic: 160 MHz / (5 x 10) = 3.2 MHz; a ring of 24 + 136 words = 5120 bits = 1600 us.
    const ringUs = ((24 + 136) * 32 * 1e6) / (160e6 / (5 * 10));
    expect(ringUs).toBe(1600);
    const m = /eof pixels (\d+) zeros (\d+), 2nd to 12th (\d+) us/.exec(output);
    expect(m, output).not.toBeNull();
    expect(Number(m![1])).toBe(12);
    expect(Number(m![2])).toBe(11);
    // WDEV_NOW counts whole microseconds: +-1.
    expect(Math.abs(Number(m![3]) - 10 * ringUs)).toBeLessThanOrEqual(1);
  });
});

describe('snapshots', () => {
  test('a snapshot taken while the SLC ring streams to I2S restores and finishes as the uninterrupted run (output, cycles, words sent)', async () => {
    const booted = (): Board => {
      const b = createBoard('feather_huzzah');
      loadFirmware(b, readFileSync(`${PROGRAMS}/i2s-ws2812.elf`), 'i2s-ws2812.elf');
      b.machine.runFor(0.005); // mid-stream: the ring runs from about 0.1 ms to 20 ms
      return b;
    };
    const finish = (b: Board) => {
      b.machine.runFor(0.03);
      const chip = (b as ReturnType<typeof createFeatherHuzzah>).chip;
      return { out: b.machine.stdout.text(), cycles: b.machine.scheduler.cycles, words: chip.i2s.wordsSent, done: chip.slc.descriptorsDone };
    };
    const first = booted();
    expect((first as ReturnType<typeof createFeatherHuzzah>).chip.i2s.transmitting).toBe(true);
    const saved = await saveSnapshot(first);
    const expected = finish(booted());
    const got = finish(await restoreSnapshot(saved));
    expect(expected.out).toMatch(/2nd to 12th \d+ us\nDONE\n$/);
    expect(got).toEqual(expected);
  });
});
