/**
 * SERCOM pin routing: a SERCOM reaches the parts on its pins only through PORT (PINCFG.PMUXEN +
 * PMUX = the function of table 7-1 that carries it) and only on the pads the mode's pad options
 * name (SPI DOPO/DIPO, USART TXPO/RXPO, I2C SDA PAD0 / SCL PAD1).
 */
import { describe, expect, it, vi } from 'vitest';
import { Samd21Rig as Harness } from '../helpers/samd21-rig.js';
import { Sercom } from '../../peripherals/samd21/sercom.js';
import { SERCOM_PADS, sercomPadLocation, sercomPadsOn } from '../../peripherals/samd21/sercom-pads.js';
import { bondedPins } from '../../peripherals/samd21/memory-map.js';
import { I2cBus, SpiBus, UartLink, type I2cDevice, type SpiDevice } from '../../peripherals/devices/buses.js';
import { Pin } from '../../emulator/kernel/signals.js';

const SERCOM_BASE = (n: number) => 0x42000800 + 0x400 * n;
const CTRLA = 0x00, CTRLB = 0x04, BAUD = 0x0c, INTFLAG = 0x18, STATUS = 0x1a, SYNCBUSY = 0x1c, ADDR = 0x24, DATA = 0x28;
const DRE = 1, TXC = 2, RXC = 4;
const CPX_FLASH = { miso: 'PA16', mosi: 'PA20', sck: 'PA21' };

function setup(n: number) {
  const h = new Harness({ gclkHz: 48_000_000, recordEvents: true });
  void h.mcu.port;
  const s = h.mcu.sercom[n];
  return { h, s, base: SERCOM_BASE(n) };
}

const waitSync = (h: Harness, base: number) => h.waitSync(base + SYNCBUSY);

/** A GD25Q16C-like JEDEC ID responder: 0x9F, then C8 40 15; records every byte it is clocked. */
class JedecFlash implements SpiDevice {
  readonly name = 'flash';
  readonly cs: Pin;
  readonly got: number[] = [];
  private out: number[] = [];
  constructor(h: Harness) {
    this.cs = new Pin('cs', h.scheduler);
    this.cs.drive(1);
  }
  transfer(mosi: number): number {
    this.got.push(mosi);
    const r = this.out.shift() ?? 0xff;
    if (mosi === 0x9f && this.got.length === 1) this.out = [0xc8, 0x40, 0x15];
    return r;
  }
  deselect(): void {
    this.got.length = 0;
    this.out = [];
  }
}

/** SPI master with DOPO/DIPO, RXEN, 8 MHz. */
function spiMaster(h: Harness, base: number, dopo: number, dipo: number): void {
  const ctrla = (3 << 2) | (dopo << 16) | (dipo << 20);
  h.w32(base + CTRLA, ctrla);
  h.w32(base + CTRLB, 1 << 17);
  h.w8(base + BAUD, 2);
  h.w32(base + CTRLA, ctrla | 2);
  waitSync(h, base);
}

function xfer(h: Harness, base: number, out: number): number {
  h.runWhile(() => (h.r8(base + INTFLAG) & DRE) === 0);
  h.w32(base + DATA, out);
  h.runWhile(() => (h.r8(base + INTFLAG) & RXC) === 0);
  return h.r32(base + DATA);
}

/** The JEDEC ID read as firmware does it: CS low, 9F, three dummies, CS high. */
function readJedec(h: Harness, base: number, flash: JedecFlash): { id: number; seen: number[] } {
  flash.cs.drive(0);
  xfer(h, base, 0x9f);
  const id = (xfer(h, base, 0xff) << 16) | (xfer(h, base, 0xff) << 8) | xfer(h, base, 0xff);
  const seen = [...flash.got];
  flash.cs.drive(1);
  return { id, seen };
}

function spiRig(dopo = 1, dipo = 0) {
  const { h, s, base } = setup(3);
  const bus = new SpiBus();
  const flash = new JedecFlash(h);
  bus.attach(flash);
  s.attachSpi(bus, CPX_FLASH);
  spiMaster(h, base, dopo, dipo);
  return { h, s, base, flash };
}

const muxFlashPins = (h: Harness, fn: 'C' | 'D' = 'D') => {
  for (const pin of ['PA16', 'PA20', 'PA21']) h.mux(pin, fn);
};

describe('table 7-1 (sercom-pads.ts)', () => {
  it('lists only bonded G-package pins, four pads per SERCOM on each function, one SERCOM per function', () => {
    const g = bondedPins('G18A');
    for (const [pin, locs] of Object.entries(SERCOM_PADS)) {
      expect(g).toContain(pin);
      expect(new Set(locs.map((l) => l[2])).size).toBe(locs.length);
      expect(new Set(locs.map((l) => l[0])).size).toBe(locs.length);
    }
    // Every SERCOM has each of its pads somewhere on the G package.
    for (let n = 0; n < 6; n++) {
      for (let pad = 0; pad < 4; pad++) {
        const where = Object.entries(SERCOM_PADS).filter(([, locs]) => locs.some((l) => l[0] === n && l[1] === pad));
        expect(where.length, `SERCOM${n}/PAD${pad}`).toBeGreaterThan(0);
      }
    }
  });

  it('the boards and firmware pins resolve as the data sheet says', () => {
    expect(sercomPadLocation('PA16', 3, 'G18A')).toEqual({ pad: 0, fn: 'D' });
    expect(sercomPadLocation('PA20', 3, 'G18A')).toEqual({ pad: 2, fn: 'D' });
    expect(sercomPadLocation('PA21', 3, 'G18A')).toEqual({ pad: 3, fn: 'D' });
    expect(sercomPadLocation('PA00', 1, 'G18A')).toEqual({ pad: 0, fn: 'D' });
    expect(sercomPadLocation('PA01', 1, 'G18A')).toEqual({ pad: 1, fn: 'D' });
    expect(sercomPadLocation('PB08', 4, 'G18A')).toEqual({ pad: 0, fn: 'D' });
    expect(sercomPadLocation('PB09', 4, 'G18A')).toEqual({ pad: 1, fn: 'D' });
    expect(sercomPadLocation('PA16', 1, 'G18A')).toEqual({ pad: 0, fn: 'C' });
    expect(sercomPadLocation('PA20', 5, 'G18A')).toEqual({ pad: 2, fn: 'C' });
    expect(() => sercomPadLocation('PA16', 0, 'G18A')).toThrow(/PA16 cannot carry SERCOM0.*SERCOM1\/PAD\[0\] \(function C\), SERCOM3\/PAD\[0\] \(function D\)/);
    expect(() => sercomPadLocation('PA02', 0, 'G18A')).toThrow(/no SERCOM/);
  });

  it('the E package has no PB pins and no PA12/PA13/PA20/PA21', () => {
    expect(sercomPadsOn('PB08', 'E18A')).toEqual([]);
    expect(sercomPadsOn('PA20', 'E18A')).toEqual([]);
    expect(sercomPadsOn('PA16', 'E18A').length).toBe(2);
    expect(() => sercomPadLocation('PB08', 4, 'E18A')).toThrow(/not bonded out on the E18A package/);
  });
});

describe('attach-time validation', () => {
  it('throws when a pin cannot carry this SERCOM (a board wiring bug)', () => {
    const { s } = setup(3);
    expect(() => s.attachSpi(new SpiBus(), { miso: 'PA16', mosi: 'PA20', sck: 'PA08' })).toThrow(/SERCOM3 sck: .*PA08 cannot carry SERCOM3/);
    expect(() => s.attachI2c(new I2cBus(), { sda: 'PA00', scl: 'PA01' })).toThrow(/SERCOM3 sda/);
    expect(() => s.attachUart(new UartLink(), { tx: 'PA02' })).toThrow(/SERCOM3 tx/);
    expect(() => s.attachUart(new UartLink(), {})).toThrow(/tx and\/or an rx/);
    // Nothing half-attached after a failure.
    expect(s.spiBus).toBeNull();
    expect(s.i2cBus).toBeNull();
    expect(s.uartLink).toBeNull();
  });
});

describe('SERCOM SPI routing', () => {
  it('muxed as on the CPX (function D, DOPO 1, DIPO 0): the JEDEC ID reads C8 40 15', () => {
    const { h, base, flash } = spiRig();
    muxFlashPins(h);
    const r = readJedec(h, base, flash);
    expect(r.id.toString(16)).toBe('c84015');
    expect(r.seen).toEqual([0x9f, 0xff, 0xff, 0xff]);
  });

  it('pins left as GPIO: the SERCOM still completes each byte, reads 0xFF, and the flash sees nothing', () => {
    const { h, base, flash } = spiRig();
    const t0 = h.now;
    const r = readJedec(h, base, flash);
    expect(r.id).toBe(0xffffff);
    expect(r.seen).toEqual([]);
    expect(h.now - t0).toBeGreaterThanOrEqual(4 * 48); // four characters at 8 MHz, as if wired
    h.runWhile(() => (h.r8(base + INTFLAG) & TXC) === 0);
    expect(h.r16(base + STATUS)).toBe(0);
  });

  it('the wrong function letter (C puts SERCOM1/SERCOM5 there) routes nothing', () => {
    const { h, base, flash } = spiRig();
    muxFlashPins(h, 'C');
    const r = readJedec(h, base, flash);
    expect(r.id).toBe(0xffffff);
    expect(r.seen).toEqual([]);
  });

  it('MOSI or SCK alone not muxed: no transfer reaches the flash', () => {
    for (const missing of ['PA20', 'PA21']) {
      const { h, base, flash } = spiRig();
      for (const pin of ['PA16', 'PA20', 'PA21']) if (pin !== missing) h.mux(pin, 'D');
      const r = readJedec(h, base, flash);
      expect(r.id, missing).toBe(0xffffff);
      expect(r.seen, missing).toEqual([]);
    }
  });

  it('only MISO not muxed: the flash gets the command, the SERCOM reads 0xFF', () => {
    const { h, base, flash } = spiRig();
    h.mux('PA20', 'D');
    h.mux('PA21', 'D');
    const r = readJedec(h, base, flash);
    expect(r.id).toBe(0xffffff);
    expect(r.seen).toEqual([0x9f, 0xff, 0xff, 0xff]);
  });

  it('wrong DOPO: 0 (DO PAD0, SCK PAD1) and 3 (DO PAD0, SCK PAD3) reach nothing; 2 (DO PAD3, SCK PAD1) neither', () => {
    for (const dopo of [0, 2, 3]) {
      const { h, base, flash } = spiRig(dopo, 0);
      muxFlashPins(h);
      const r = readJedec(h, base, flash);
      expect(r.id, `DOPO ${dopo}`).toBe(0xffffff);
      expect(r.seen, `DOPO ${dopo}`).toEqual([]);
    }
  });

  it('wrong DIPO: the flash sees the bytes, MISO is not sampled (0xFF)', () => {
    const { h, base, flash } = spiRig(1, 3);
    muxFlashPins(h);
    const r = readJedec(h, base, flash);
    expect(r.id).toBe(0xffffff);
    expect(r.seen).toEqual([0x9f, 0xff, 0xff, 0xff]);
  });

  it('follows PMUX/PINCFG changes after attach (onSelect), and a SWRST with a new DOPO', () => {
    const { h, s, base, flash } = spiRig();
    expect(readJedec(h, base, flash).id).toBe(0xffffff);
    muxFlashPins(h);
    expect(readJedec(h, base, flash).id).toBe(0xc84015);
    h.unmux('PA21');
    expect(readJedec(h, base, flash).seen).toEqual([]);
    h.mux('PA21', 'D');
    expect(readJedec(h, base, flash).id).toBe(0xc84015);
    // Reconfigure with the wrong DOPO through a software reset, then back.
    h.w32(base + CTRLA, 1);
    waitSync(h, base);
    spiMaster(h, base, 0, 0);
    expect(readJedec(h, base, flash).seen).toEqual([]);
    h.w32(base + CTRLA, 0);
    waitSync(h, base);
    spiMaster(h, base, 1, 0);
    expect(readJedec(h, base, flash).id).toBe(0xc84015);
    expect(s.spi.transfers).toBe(24);
  });

  it('routing is cached: 256 characters recompute it once, not per byte', () => {
    const { h, s, base, flash } = spiRig();
    muxFlashPins(h);
    const route = vi.spyOn(s as unknown as { route(): void }, 'route');
    flash.cs.drive(0);
    for (let i = 0; i < 256; i++) xfer(h, base, i);
    expect(flash.got.length).toBe(256);
    expect(route.mock.calls.length).toBeLessThanOrEqual(1);
  });
});

/** A device that ACKs its address and logs what it sees. */
class LoggingI2c implements I2cDevice {
  readonly name = 'dev';
  log: string[] = [];
  constructor(readonly address: number) {}
  start(read: boolean): void {
    this.log.push(read ? 'Sr' : 'Sw');
  }
  write(byte: number): boolean {
    this.log.push(`W${byte.toString(16)}`);
    return true;
  }
  read(): number {
    this.log.push('R');
    return 0x33;
  }
  stop(): void {
    this.log.push('P');
  }
}

describe('SERCOM I2C routing', () => {
  const MB = 1, SB = 2, RXNACK = 4;
  function i2cRig(pins = { sda: 'PA00', scl: 'PA01' }) {
    const { h, s, base } = setup(1);
    const bus = new I2cBus();
    const dev = new LoggingI2c(0x19);
    bus.attach(dev);
    s.attachI2c(bus, pins);
    h.w32(base + CTRLA, 5 << 2);
    h.w32(base + CTRLB, 1 << 8);
    h.w32(base + BAUD, 235);
    h.w32(base + CTRLA, (5 << 2) | 2);
    waitSync(h, base);
    h.w16(base + STATUS, 1 << 4); // BUSSTATE = IDLE
    waitSync(h, base);
    return { h, base, dev };
  }
  function address(h: Harness, base: number, a: number): number {
    h.w32(base + ADDR, a);
    h.runWhile(() => (h.r8(base + INTFLAG) & (MB | SB)) === 0);
    return h.r8(base + INTFLAG);
  }

  it('muxed on function D: the device ACKs its address', () => {
    const { h, base, dev } = i2cRig();
    h.mux('PA00', 'D');
    h.mux('PA01', 'D');
    expect(address(h, base, 0x19 << 1)).toBe(MB);
    expect(h.r16(base + STATUS) & RXNACK).toBe(0);
    expect(dev.log).toEqual(['Sw']);
  });

  it('not muxed: the address NACKs (MB + RXNACK, as an empty bus), the device sees nothing, STOP still idles the bus', () => {
    const { h, base, dev } = i2cRig();
    expect(address(h, base, 0x19 << 1)).toBe(MB);
    expect(h.r16(base + STATUS) & RXNACK).toBe(RXNACK);
    expect(address(h, base, (0x19 << 1) | 1) & SB).toBe(0); // a read NACKs too: no byte
    expect(h.r16(base + STATUS) & RXNACK).toBe(RXNACK);
    h.w32(base + CTRLB, (1 << 8) | (3 << 16));
    h.runWhile(() => ((h.r16(base + STATUS) >>> 4) & 3) !== 1, 100_000);
    expect(dev.log).toEqual([]);
  });

  it('only SCL muxed, or SDA/SCL swapped onto the wrong pads: NACK', () => {
    {
      const { h, base, dev } = i2cRig();
      h.mux('PA01', 'D');
      address(h, base, 0x19 << 1);
      expect(h.r16(base + STATUS) & RXNACK).toBe(RXNACK);
      expect(dev.log).toEqual([]);
    }
    {
      // A board that wired SDA to PAD1 and SCL to PAD0: legal pins for SERCOM1, unusable for I2C.
      const { h, base, dev } = i2cRig({ sda: 'PA01', scl: 'PA00' });
      h.mux('PA00', 'D');
      h.mux('PA01', 'D');
      address(h, base, 0x19 << 1);
      expect(h.r16(base + STATUS) & RXNACK).toBe(RXNACK);
      expect(dev.log).toEqual([]);
    }
  });
});

describe('SERCOM USART routing', () => {
  /** SERCOM0 USART, 115200 8N1, LSB first, TXPO/RXPO as given; pins PA08 (PAD0) / PA09 (PAD1), function C. */
  function uartRig(txpo = 0, rxpo = 1) {
    const { h, s, base } = setup(0);
    const link = new UartLink();
    const sent: number[] = [];
    link.onTransmit((b) => sent.push(b));
    s.attachUart(link, { tx: 'PA08', rx: 'PA09' });
    const ctrla = (1 << 2) | (1 << 30) | (txpo << 16) | (rxpo << 20);
    h.w32(base + CTRLA, ctrla);
    h.w32(base + CTRLB, (1 << 16) | (1 << 17));
    h.w16(base + BAUD, Math.floor(65536 * (1 - (16 * 115200) / 48_000_000)));
    h.w32(base + CTRLA, ctrla | 2);
    waitSync(h, base);
    return { h, base, link, sent };
  }
  function send(h: Harness, base: number, text: string): void {
    for (const c of text) {
      h.runWhile(() => (h.r8(base + INTFLAG) & DRE) === 0);
      h.w16(base + DATA, c.charCodeAt(0));
    }
    h.runWhile(() => (h.r8(base + INTFLAG) & TXC) === 0);
  }
  function receive(h: Harness, base: number, link: UartLink, text: string): string {
    for (const c of text) link.receive(c.charCodeAt(0));
    h.run(5000 * (text.length + 1));
    let got = '';
    while (h.r8(base + INTFLAG) & RXC) got += String.fromCharCode(h.r16(base + DATA));
    return got;
  }

  it('muxed (function C, TXPO 0, RXPO 1): sends and receives', () => {
    const { h, base, link, sent } = uartRig();
    h.mux('PA08', 'C');
    h.mux('PA09', 'C');
    send(h, base, 'hi');
    expect(String.fromCharCode(...sent)).toBe('hi');
    expect(receive(h, base, link, 'ok')).toBe('ok');
  });

  it('not muxed: TX completes (TXC) but the link gets nothing; nothing is received', () => {
    const { h, base, link, sent } = uartRig();
    send(h, base, 'hi');
    expect(sent).toEqual([]);
    expect(receive(h, base, link, 'ok')).toBe('');
    expect(h.r8(base + INTFLAG) & RXC).toBe(0);
  });

  it('wrong TXPO (1: TxD on PAD2) sends nothing; wrong RXPO (0: RxD on PAD0) receives nothing', () => {
    {
      const { h, base, link, sent } = uartRig(1, 1);
      h.mux('PA08', 'C');
      h.mux('PA09', 'C');
      send(h, base, 'hi');
      expect(sent).toEqual([]);
      expect(receive(h, base, link, 'ok')).toBe('ok');
    }
    {
      const { h, base, link, sent } = uartRig(0, 0);
      h.mux('PA08', 'C');
      h.mux('PA09', 'C');
      send(h, base, 'hi');
      expect(String.fromCharCode(...sent)).toBe('hi');
      expect(receive(h, base, link, 'ok')).toBe('');
    }
  });

  it('function D on PA08/PA09 is SERCOM2: not this SERCOM0', () => {
    const { h, base, sent } = uartRig();
    h.mux('PA08', 'D');
    h.mux('PA09', 'D');
    send(h, base, 'hi');
    expect(sent).toEqual([]);
  });
});
