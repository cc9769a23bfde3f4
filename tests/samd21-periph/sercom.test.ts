import { describe, expect, it } from 'vitest';
import { Samd21Rig as Harness } from '../helpers/samd21-rig.js';
import { Sercom } from '../../peripherals/samd21/sercom.js';
import { I2cBus, SpiBus, UartLink, type I2cDevice, type SpiDevice } from '../../peripherals/devices/buses.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { IRQ } from '../../peripherals/samd21/memory-map.js';

const SERCOM_BASE = (n: number) => 0x42000800 + 0x400 * n;
const CTRLA = 0x00, CTRLB = 0x04, BAUD = 0x0c, INTENSET = 0x16, INTFLAG = 0x18, STATUS = 0x1a, SYNCBUSY = 0x1c, ADDR = 0x24, DATA = 0x28;
const DRE = 1, TXC = 2, RXC = 4;

function setup(n: number) {
  const h = new Harness({ gclkHz: 48_000_000, recordEvents: true });
  const s = h.mcu.sercom[n];
  return { h, s, base: SERCOM_BASE(n) };
}

/** The CPX flash wiring, muxed as firmware does: SERCOM3 MISO PA16 (PAD0), MOSI PA20 (PAD2),
 *  SCK PA21 (PAD3), all function D; the controller must use DOPO 1, DIPO 0. */
function wireSpi(h: Harness, s: Sercom, bus: SpiBus): void {
  for (const pin of ['PA16', 'PA20', 'PA21']) h.mux(pin, 'D');
  s.attachSpi(bus, { miso: 'PA16', mosi: 'PA20', sck: 'PA21' });
}

/** SERCOM0 on PA08 (PAD0, TxD with TXPO 0) / PA09 (PAD1, RxD with RXPO 1), function C. */
function wireUart(h: Harness, s: Sercom, link: UartLink): void {
  h.mux('PA08', 'C');
  h.mux('PA09', 'C');
  s.attachUart(link, { tx: 'PA08', rx: 'PA09' });
}

/** SERCOM1 on PA00 (SDA, PAD0) / PA01 (SCL, PAD1), function D: the CPX accelerometer bus. */
function wireI2c(h: Harness, s: Sercom, bus: I2cBus): void {
  h.mux('PA00', 'D');
  h.mux('PA01', 'D');
  s.attachI2c(bus, { sda: 'PA00', scl: 'PA01' });
}

const waitSync = (h: Harness, base: number) => h.waitSync(base + SYNCBUSY);

/** A device that answers each MOSI byte with a counter and records what it got. */
class FakeSpi implements SpiDevice {
  readonly name = 'fake';
  readonly cs: Pin;
  readonly got: number[] = [];
  next = 0x10;
  deselects = 0;
  constructor(h: Harness) {
    this.cs = new Pin('cs', h.scheduler);
    this.cs.drive(0);
  }
  transfer(mosi: number): number {
    this.got.push(mosi);
    return this.next++ & 0xff;
  }
  deselect(): void {
    this.deselects++;
  }
}

function spiMaster(h: Harness, base: number, baud: number): void {
  // MODE = SPI master (3), DOPO = 1 (DO PAD2, SCK PAD3), DIPO = 0 (DI PAD0): the CPX flash wiring.
  h.w32(base + CTRLA, (3 << 2) | (1 << 16) | (0 << 20));
  h.w32(base + CTRLB, 1 << 17); // RXEN
  h.w8(base + BAUD, baud);
  h.w32(base + CTRLA, (3 << 2) | (1 << 16) | 2);
  waitSync(h, base);
}

describe('SERCOM common', () => {
  it('SWRST reads 1 in CTRLA and SYNCBUSY, then everything is back to reset', () => {
    const { h, base } = setup(3);
    h.w32(base + CTRLB, 1 << 17);
    h.w32(base + CTRLA, 1);
    expect(h.r32(base + SYNCBUSY) & 1).toBe(1);
    expect(h.r32(base + CTRLA) & 1).toBe(1);
    waitSync(h, base);
    expect(h.r32(base + CTRLA)).toBe(0);
    expect(h.r32(base + CTRLB)).toBe(0);
  });

  it('ENABLE sets SYNCBUSY.ENABLE until the enable takes effect; enable-protected fields hold', () => {
    const { h, s, base } = setup(3);
    h.w32(base + CTRLA, (3 << 2) | 2);
    expect(h.r32(base + SYNCBUSY)).toBe(2);
    expect(s.enabled).toBe(false);
    waitSync(h, base);
    expect(s.enabled).toBe(true);
    h.w32(base + CTRLA, (1 << 2) | 2); // MODE change while enabled: ignored
    expect((h.r32(base + CTRLA) >>> 2) & 7).toBe(3);
    h.w8(base + BAUD, 9);
    expect(h.r8(base + BAUD)).toBe(0);
  });
});

describe('SERCOM SPI master', () => {
  it('full-duplex byte transfers at f_GCLK / (2 (BAUD + 1)), DRE/TXC/RXC as in the data sheet', () => {
    const { h, s, base } = setup(3);
    const bus = new SpiBus();
    const dev = new FakeSpi(h);
    bus.attach(dev);
    wireSpi(h, s, bus);
    spiMaster(h, base, 2); // 8 MHz: 8 bits = 48 cycles at 48 MHz
    expect(h.r8(base + INTFLAG) & DRE).toBe(DRE);
    const t0 = h.now;
    h.w32(base + DATA, 0x9f);
    expect(h.r8(base + INTFLAG) & DRE).toBe(DRE); // moved to the shift register at once
    h.w32(base + DATA, 0x00);
    expect(h.r8(base + INTFLAG) & DRE).toBe(0); // TX buffer full
    const tRx = h.runWhile(() => (h.r8(base + INTFLAG) & RXC) === 0);
    expect(tRx - t0).toBe(48);
    expect(h.r8(base + INTFLAG) & TXC).toBe(0);
    expect(h.r32(base + DATA)).toBe(0x10);
    const tTxc = h.runWhile(() => (h.r8(base + INTFLAG) & TXC) === 0);
    expect(tTxc - t0).toBe(96);
    expect(h.r32(base + DATA)).toBe(0x11);
    expect(h.r8(base + INTFLAG) & RXC).toBe(0);
    expect(dev.got).toEqual([0x9f, 0x00]);
  });

  it('a device deselected by its CS pin does not answer: MISO reads 0xFF', () => {
    const { h, s, base } = setup(3);
    const bus = new SpiBus();
    const dev = new FakeSpi(h);
    bus.attach(dev);
    wireSpi(h, s, bus);
    spiMaster(h, base, 23); // 1 MHz
    dev.cs.drive(1);
    expect(dev.deselects).toBe(1);
    h.w32(base + DATA, 0x05);
    h.runWhile(() => (h.r8(base + INTFLAG) & RXC) === 0);
    expect(h.r32(base + DATA)).toBe(0xff);
    expect(dev.got).toEqual([]);
  });

  it('overflowing the two-level receive buffer sets STATUS.BUFOVF and INTFLAG.ERROR', () => {
    const { h, s, base } = setup(3);
    const bus = new SpiBus();
    bus.attach(new FakeSpi(h));
    wireSpi(h, s, bus);
    spiMaster(h, base, 0);
    for (let i = 0; i < 3; i++) {
      h.runWhile(() => (h.r8(base + INTFLAG) & DRE) === 0);
      h.w32(base + DATA, i);
    }
    h.runWhile(() => (h.r8(base + INTFLAG) & TXC) === 0);
    expect(h.r16(base + STATUS) & 4).toBe(4);
    expect(h.r8(base + INTFLAG) & 0x80).toBe(0x80);
    expect(h.r32(base + DATA)).toBe(0x10);
    expect(h.r32(base + DATA)).toBe(0x11);
    h.w16(base + STATUS, 4);
    h.w8(base + INTFLAG, 0x80);
    expect(h.r16(base + STATUS) & 4).toBe(0);
    expect(h.r8(base + INTFLAG) & 0x80).toBe(0);
  });

  it('DRE and RXC cannot be cleared by writing 1; the RXC interrupt drives the NVIC line', () => {
    const { h, s, base } = setup(3);
    const bus = new SpiBus();
    bus.attach(new FakeSpi(h));
    wireSpi(h, s, bus);
    spiMaster(h, base, 2);
    h.w8(base + INTFLAG, 0xff);
    expect(h.r8(base + INTFLAG) & DRE).toBe(DRE);
    h.w8(base + INTENSET, RXC);
    expect(h.irqs.get(IRQ.SERCOM3) ?? false).toBe(false);
    h.w32(base + DATA, 1);
    h.run(48);
    expect(h.irqs.get(IRQ.SERCOM3)).toBe(true);
    h.r32(base + DATA);
    expect(h.irqs.get(IRQ.SERCOM3)).toBe(false);
  });

  it('DORD = 1 shifts LSB first', () => {
    const { h, s, base } = setup(3);
    const bus = new SpiBus();
    const dev = new FakeSpi(h);
    dev.next = 0x01;
    bus.attach(dev);
    wireSpi(h, s, bus);
    h.w32(base + CTRLA, (3 << 2) | (1 << 30) | (1 << 16));
    h.w32(base + CTRLB, 1 << 17);
    h.w32(base + CTRLA, (3 << 2) | (1 << 30) | (1 << 16) | 2);
    waitSync(h, base);
    h.w32(base + DATA, 0x01);
    h.runWhile(() => (h.r8(base + INTFLAG) & RXC) === 0);
    expect(dev.got).toEqual([0x80]);
    expect(h.r32(base + DATA)).toBe(0x80);
  });
});

describe('SERCOM USART', () => {
  function usart(h: Harness, base: number) {
    // Internal clock, LSB first, RXPO = 1, TXPO = 0, 16x arithmetic; 115200 baud from 48 MHz.
    const ctrla = (1 << 2) | (1 << 30) | (1 << 20);
    h.w32(base + CTRLA, ctrla);
    h.w32(base + CTRLB, (1 << 16) | (1 << 17));
    const baud = Math.floor(65536 * (1 - (16 * 115200) / 48_000_000));
    h.w16(base + BAUD, baud);
    h.w32(base + CTRLA, ctrla | 2);
    waitSync(h, base);
    return baud;
  }

  it('transmits one 10-bit frame per byte at the BAUD rate (115200 from a 48 MHz GCLK)', () => {
    const { h, s, base } = setup(0);
    const link = new UartLink();
    const seen: [number, number][] = [];
    link.onTransmit((b) => seen.push([b, h.now]));
    wireUart(h, s, link);
    const baud = usart(h, base);
    const fBaud = (48_000_000 / 16) * (1 - baud / 65536);
    const frame = Math.round((10 * 48_000_000) / fBaud);
    expect(Math.abs(fBaud - 115200) / 115200).toBeLessThan(0.001);
    const t0 = h.now;
    h.w16(base + DATA, 0x48);
    h.w16(base + DATA, 0x69);
    expect(h.r8(base + INTFLAG) & DRE).toBe(0);
    h.runWhile(() => (h.r8(base + INTFLAG) & TXC) === 0);
    expect(seen.map((x) => x[0])).toEqual([0x48, 0x69]);
    expect(seen[0][1] - t0).toBe(frame);
    expect(seen[1][1] - t0).toBe(2 * frame);
    expect(frame).toBeGreaterThanOrEqual(4165);
    expect(frame).toBeLessThanOrEqual(4167);
  });

  it('fractional baud (SAMPR = 1): f = f_ref / (16 (BAUD + FP/8))', () => {
    const { h, s } = setup(0);
    const base = SERCOM_BASE(0);
    const ctrla = (1 << 2) | (1 << 30) | (1 << 13);
    h.w32(base + CTRLA, ctrla);
    h.w32(base + CTRLB, 1 << 16);
    h.w16(base + BAUD, 26 | (0 << 13)); // 48e6 / (16 * 26) = 115384.6 baud
    h.w32(base + CTRLA, ctrla | 2);
    waitSync(h, base);
    expect(s.usart.baudRate()).toBeCloseTo(48e6 / 16 / 26, 3);
    h.w16(base + BAUD, 26 | (4 << 13));
    expect(s.usart.baudRate()).toBeCloseTo(48e6 / 16 / 26, 3); // enable-protected
  });

  it('receives bytes from the link paced at the frame time, with RXC interrupts', () => {
    const { h, s, base } = setup(0);
    const link = new UartLink();
    wireUart(h, s, link);
    usart(h, base);
    h.w8(base + INTENSET, RXC);
    const t0 = h.now;
    for (const b of [0x31, 0x32, 0x33]) link.receive(b);
    const got: number[] = [];
    const times: number[] = [];
    while (got.length < 3) {
      h.runWhile(() => (h.r8(base + INTFLAG) & RXC) === 0);
      expect(h.irqs.get(IRQ.SERCOM0)).toBe(true);
      times.push(h.now - t0);
      got.push(h.r16(base + DATA));
    }
    expect(got).toEqual([0x31, 0x32, 0x33]);
    expect(times[1] - times[0]).toBeGreaterThan(4100);
    expect(h.irqs.get(IRQ.SERCOM0)).toBe(false);
  });
});

/** A register-file I2C device like an accelerometer: write the register number, then read. */
class FakeI2c implements I2cDevice {
  readonly name = 'regs';
  pointer = 0;
  firstWrite = true;
  readonly regs = new Uint8Array(256).map((_, i) => (i * 7 + 3) & 0xff);
  log: string[] = [];
  constructor(readonly address: number) {}
  start(read: boolean): void {
    this.log.push(read ? 'Sr' : 'Sw');
    this.firstWrite = true;
  }
  write(byte: number): boolean {
    if (this.firstWrite) this.pointer = byte;
    else this.regs[this.pointer++ & 0xff] = byte;
    this.firstWrite = false;
    return true;
  }
  read(): number {
    return this.regs[this.pointer++ & 0xff];
  }
  stop(): void {
    this.log.push('P');
  }
}

describe('SERCOM I2C master', () => {
  const MB = 1, SB = 2;
  function i2c(h: Harness, base: number) {
    h.w32(base + CTRLA, 5 << 2);
    h.w32(base + CTRLB, 1 << 8); // SMEN
    h.w32(base + BAUD, 235); // 100 kHz: 48 MHz / (10 + 2 * 235)
    h.w32(base + CTRLA, (5 << 2) | 2);
    waitSync(h, base);
  }
  const busstate = (h: Harness, base: number) => (h.r16(base + STATUS) >>> 4) & 3;

  it('bus state is UNKNOWN after enable and becomes IDLE when forced', () => {
    const { h, s, base } = setup(1);
    wireI2c(h, s, new I2cBus());
    i2c(h, base);
    expect(busstate(h, base)).toBe(0);
    h.w16(base + STATUS, 1 << 4);
    waitSync(h, base);
    expect(busstate(h, base)).toBe(1);
  });

  it('reads a register with a repeated start (write pointer, Sr, two bytes, NACK + STOP)', () => {
    const { h, s, base } = setup(1);
    const bus = new I2cBus();
    const dev = new FakeI2c(0x19);
    bus.attach(dev);
    wireI2c(h, s, bus);
    i2c(h, base);
    h.w16(base + STATUS, 1 << 4);
    const t0 = h.now;
    h.w32(base + ADDR, 0x19 << 1);
    h.runWhile(() => (h.r8(base + INTFLAG) & (MB | SB)) === 0);
    // START + 9 bits at 100 kHz: 10 SCL periods of 480 cycles.
    expect(h.now - t0).toBe(4800);
    expect(h.r8(base + INTFLAG) & MB).toBe(MB);
    expect(h.r16(base + STATUS) & 4).toBe(0); // RXNACK = 0
    expect(h.r16(base + STATUS) & 0x80).toBe(0x80); // CLKHOLD
    expect(busstate(h, base)).toBe(2); // OWNER
    h.w8(base + DATA, 0x0f);
    expect(h.r8(base + INTFLAG) & MB).toBe(0);
    h.runWhile(() => (h.r8(base + INTFLAG) & MB) === 0);
    h.w32(base + ADDR, (0x19 << 1) | 1); // repeated start, read
    h.runWhile(() => (h.r8(base + INTFLAG) & (MB | SB)) === 0);
    expect(h.r8(base + INTFLAG) & SB).toBe(SB);
    expect(h.r8(base + DATA)).toBe(dev.regs[0x0f]); // smart mode: ACK and next byte
    h.runWhile(() => (h.r8(base + INTFLAG) & SB) === 0);
    h.w32(base + CTRLB, (1 << 8) | (1 << 18) | (3 << 16)); // ACKACT = NACK, CMD = STOP
    expect(h.r8(base + DATA)).toBe(dev.regs[0x10]);
    h.runWhile(() => busstate(h, base) !== 1, 100_000);
    expect(dev.log).toEqual(['Sw', 'Sr', 'P']);
    expect((h.r32(base + CTRLB) >>> 16) & 3).toBe(0); // CMD reads 0 after execution
  });

  it('a missing address NACKs: MB with STATUS.RXNACK, then STOP returns the bus to IDLE', () => {
    const { h, s, base } = setup(1);
    const bus = new I2cBus();
    bus.attach(new FakeI2c(0x19));
    wireI2c(h, s, bus);
    i2c(h, base);
    h.w16(base + STATUS, 1 << 4);
    h.w32(base + ADDR, (0x42 << 1) | 1);
    h.runWhile(() => (h.r8(base + INTFLAG) & (MB | SB)) === 0);
    expect(h.r8(base + INTFLAG) & MB).toBe(MB);
    expect(h.r16(base + STATUS) & 4).toBe(4);
    h.w32(base + CTRLB, (1 << 8) | (3 << 16));
    h.runWhile(() => busstate(h, base) !== 1, 100_000);
    expect(h.r8(base + INTFLAG) & (MB | SB)).toBe(0);
  });

  it('ADDR written while the bus state is UNKNOWN gives MB + BUSERR', () => {
    const { h, s, base } = setup(1);
    wireI2c(h, s, new I2cBus());
    i2c(h, base);
    h.w32(base + ADDR, 0x19 << 1);
    expect(h.r8(base + INTFLAG) & MB).toBe(MB);
    expect(h.r16(base + STATUS) & 1).toBe(1);
  });
});
