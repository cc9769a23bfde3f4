/**
 * Our own SAMD21 peripheral test firmware (tests/firmware/samd21/src/periph_*.c, built by
 * tests/firmware/samd21/build.sh, committed as stripped ELF images) run on the emulated Circuit
 * Playground Express: the programs drive the data-sheet registers of SERCOM (SPI, I2C), DMAC,
 * ADC, DAC, PTC, TCC and TC against the board's parts and report through the RAM result block at
 * 0x20007F00 (layout in src/periph.h); these tests check those reports and what the parts saw.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { copyToDrive, openDrive } from '../../emulator/drive.js';
import type { CpxBoard } from '../../boards/cpx.js';
import type { Samd21PartSpec } from '../../boards/samd21-board.js';
import type { Ili9341 } from '../../peripherals/devices/ili9341.js';
import type { Sercom } from '../../peripherals/samd21/sercom.js';
import { UartLink } from '../../peripherals/devices/buses.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';

const RESULT = 0x20007f00;
const MAILBOX = 60;
const WAITING = 61;
const MAGIC = 0x5e21c000;

function image(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`../firmware/samd21/${name}`, import.meta.url)));
}

class Program {
  readonly board: CpxBoard;
  constructor(name: string, before?: (board: CpxBoard) => void, parts?: Samd21PartSpec[]) {
    this.board = createBoard('cpx', { parts }) as CpxBoard;
    before?.(this.board);
    loadFirmware(this.board, image(name), name);
  }
  word(i: number): number {
    return this.board.machine.bus.read(RESULT + 4 * i, 4) >>> 0;
  }
  get done(): boolean {
    return this.word(0) === (MAGIC | 0xff) >>> 0;
  }
  /** Runs in 10 ms slices until `cond` holds (at most `seconds`). */
  runUntil(cond: () => boolean, seconds = 2): void {
    for (let t = 0; t < seconds && !cond(); t += 0.01) {
      const halt = this.board.machine.runFor(0.01);
      if (halt) throw new Error(`halted: ${halt.reason} ${'message' in halt ? String(halt.message) : ''}`);
    }
  }
  runToEnd(seconds = 2): void {
    this.runUntil(() => this.done, seconds);
    expect(this.word(0), 'magic (finished)').toBe((MAGIC | 0xff) >>> 0);
  }
  /** Waits until the firmware asks for `value` in the mailbox, then gives it. */
  handshake(value: number, seconds = 2): void {
    this.runUntil(() => this.word(WAITING) === value, seconds);
    expect(this.word(WAITING)).toBe(value);
    this.board.machine.bus.write(RESULT + 4 * MAILBOX, 4, value);
  }
  get step(): number {
    return this.word(1);
  }
  get errors(): number {
    return this.word(2);
  }
}

/** Names of the result words from word 3 on, in the order of each program's enum. */
function fields<const T extends readonly string[]>(p: Program, names: T): Record<T[number], number> {
  return Object.fromEntries(names.map((n, i) => [n, p.word(3 + i)])) as Record<T[number], number>;
}

function ascii(...words: number[]): string {
  const b = new Uint8Array(words.length * 4);
  words.forEach((w, i) => new DataView(b.buffer).setUint32(4 * i, w, true));
  return new TextDecoder().decode(b);
}

function hash(bytes: Uint8Array): number {
  let h = 0;
  for (const b of bytes) h = (Math.imul(h, 31) + b) >>> 0;
  return h;
}

describe('periph_flash.elf: SERCOM3 SPI + DMAC against the GD25Q16C', () => {
  it('reads the JEDEC ID, DMA-reads the FAT boot sector, erases a sector, programs a page; the drive stays mountable', () => {
    const host = mkdtempSync(join(tmpdir(), 'circuitemu-periph-'));
    writeFileSync(join(host, 'code.py'), 'print("hello from the host")\n');
    writeFileSync(join(host, 'data.bin'), new Uint8Array(3000).map((_, i) => (i * 13) & 0xff));
    const p = new Program('periph_flash.elf', (board) => {
      expect(copyToDrive(board, host).sort()).toEqual(['/code.py', '/data.bin']);
      // Junk in the scratch sector, so the erase has something to do.
      board.parts.flash.data.fill(0x00, 0x1ff000, 0x200000);
    });
    const flash = p.board.parts.flash.data;
    const bootSector = flash.slice(0, 512);
    p.runToEnd(2);
    const r = fields(p, [
      'jedec', 'baudSlow', 'baudFast', 'ctrla', 'rxFlags', 'txFlags', 'bootSig', 'fsType0', 'fsType1', 'bootHash',
      'oem', 'statusAfterWren', 'erasePolls', 'statusAfterErase', 'erasedAnd', 'programPolls', 'statusAfterProgram',
      'txOnlyStatus', 'txOnlyIntflag', 'mismatches', 'readbackHash', 'programFlags', 'firstByte', 'clusters', 'fatType',
    ] as const);
    expect(p.board.machine.halt).toBeNull();
    expect(p.errors.toString(16)).toBe('0');
    expect(p.step).toBe(8);
    // SERCOM3: SPI master (MODE 3), DOPO 1 (MOSI PAD2, SCK PAD3), DIPO 0 (MISO PAD0), enabled
    expect(r.ctrla).toBe((3 << 2) | (1 << 16) | 2);
    expect(r.baudSlow).toBe(95); // 250 kHz for the ID
    expect(r.baudFast).toBe(2); // then 8 MHz
    expect(r.jedec).toBe(0xc84015); // JEDEC ID C8 40 15
    // DMA fast read of 512 bytes at 0: both channels end with exactly TCMPL
    expect(r.rxFlags).toBe(0x02);
    expect(r.txFlags).toBe(0x02);
    expect(r.bootSig).toBe(0x55aa);
    expect(r.bootHash).toBe(hash(bootSector)); // the whole sector arrived, in order
    expect(ascii(r.oem)).toBe(new TextDecoder().decode(bootSector.slice(3, 7)));
    // BS_FilSysType as FatFs (and so CircuitPython) writes it: "FAT     " for FAT12 and FAT16;
    // the type follows from the cluster count the firmware computed from the BPB: FAT12.
    expect(ascii(r.fsType0, r.fsType1)).toBe('FAT     ');
    expect(r.fatType).toBe(12);
    const bpb = new DataView(bootSector.buffer);
    const bytesPerSector = bpb.getUint16(11, true);
    const rootSectors = Math.ceil((bpb.getUint16(17, true) * 32) / bytesPerSector);
    const totalSectors = bpb.getUint16(19, true) || bpb.getUint32(32, true);
    const fatSectors = bootSector[16] * bpb.getUint16(22, true);
    const dataSectors = totalSectors - bpb.getUint16(14, true) - fatSectors - rootSectors;
    expect(r.clusters).toBe(Math.floor(dataSectors / bootSector[13]));
    expect(r.clusters).toBeLessThan(4085);
    // erase: WEL after WREN, WIP polled (50 ms at 8 MHz SPI: many polls), WEL/WIP clear after
    expect(r.statusAfterWren & 0x03).toBe(0x02);
    expect(r.erasePolls).toBeGreaterThan(100);
    expect(r.statusAfterErase & 0x03).toBe(0);
    expect(r.erasedAnd).toBe(0xff);
    // page program by TX-only DMA: TCMPL; the unread RX data overflowed (STATUS.BUFOVF, INTFLAG.ERROR)
    expect(r.programFlags).toBe(0x02);
    expect(r.txOnlyStatus & 0x04).toBe(0x04);
    expect(r.txOnlyIntflag & 0x80).toBe(0x80);
    expect(r.programPolls).toBeGreaterThan(0);
    expect(r.statusAfterProgram & 0x03).toBe(0);
    expect(r.mismatches).toBe(0);
    const page = new Uint8Array(256).map((_, i) => (i * 7 + 0x3c) & 0xff);
    expect(r.readbackHash).toBe(hash(page));
    expect(r.firstByte).toBe(0x3c);
    // The flash holds what the firmware wrote where it wrote it, the rest of the sector is erased
    expect(Array.from(flash.slice(0x1ff100, 0x1ff200))).toEqual(Array.from(page));
    expect(flash.slice(0x1ff000, 0x1ff100).every((b) => b === 0xff)).toBe(true);
    expect(flash.slice(0x1ff200, 0x200000).every((b) => b === 0xff)).toBe(true);
    // ... and the FAT volume still mounts from the host with the files intact
    const { volume, formatted } = openDrive(p.board, { format: false });
    expect(formatted).toBe(false);
    expect(new TextDecoder().decode(volume.readFile('/code.py'))).toBe('print("hello from the host")\n');
    expect(Array.from(volume.readFile('/data.bin'))).toEqual(Array.from(new Uint8Array(3000).map((_, i) => (i * 13) & 0xff)));
  });
});

describe('periph_analog.elf: ADC (light sensor, thermistor), DAC on PA02, PTC pad A1', () => {
  it('reads the voltages the parts put on the pads, drives PA02, and sees A1 touched', () => {
    const p = new Program('periph_analog.elf', (board) => {
      board.parts.light.setLux(300);
      board.parts.thermistor.setTemperature(25);
    });
    const { light, thermistor } = p.board.parts;
    const names = [
      'calib', 'light1', 'therm1', 'dacData', 'dacAdc', 'ptcUntouched', 'light2', 'therm2', 'ptcTouched', 'conversions', 'ptcCtrla',
    ] as const;
    // 12-bit code of a voltage with INTVCC1 (VDDANA/2) and GAIN DIV2: full scale is VDDANA = 3.3 V
    const code = (volts: number) => (volts / 3.3) * 4096;

    p.handshake(1);
    const first = fields(p, names);
    expect(p.step).toBe(6);
    expect(first.light1).toBeCloseTo(code(light.voltageFor(300)), -1); // 0.6 V: ~745
    expect(Math.abs(first.light1 - code(0.6))).toBeLessThanOrEqual(2);
    expect(Math.abs(first.therm1 - code(thermistor.voltageAt(25)))).toBeLessThanOrEqual(2); // half of 3.3 V
    expect(first.dacData).toBe(512);
    // DAC: 512/1023 of AVCC on PA02, and the ADC reading the pad sees it
    const dacVolts = (512 / 1023) * 3.3;
    expect(p.board.mcu.pin('PA02').voltage).toBeCloseTo(dacVolts, 3);
    expect(Math.abs(first.dacAdc - code(dacVolts))).toBeLessThanOrEqual(2);
    expect(first.ptcUntouched).toBeGreaterThan(0);
    expect(first.ptcCtrla & 0x06).toBe(0x06); // ENABLE | RUNINSTANDBY

    // Between the two passes: brighter, warmer, a finger on A1
    light.setLux(1000);
    thermistor.setTemperature(40);
    p.board.parts.touch.touch('A1', true);
    p.runToEnd();
    const r = fields(p, names);
    expect(p.errors.toString(16)).toBe('0');
    expect(p.step).toBe(8);
    expect(Math.abs(r.light2 - code(light.voltageFor(1000)))).toBeLessThanOrEqual(2); // 2.0 V
    expect(Math.abs(r.therm2 - code(thermistor.voltageAt(40)))).toBeLessThanOrEqual(2);
    expect(r.therm2).toBeGreaterThan(r.therm1); // NTC on the high side: warmer reads higher
    // touched well above CircuitPython's threshold (first reading + 100)
    expect(r.ptcTouched).toBeGreaterThan(r.ptcUntouched + 100);
    expect(r.conversions).toBe(10); // 5 reads, each with its discarded first conversion
    expect(p.board.machine.halt).toBeNull();
  });
});

describe('periph_timer.elf: TCC2 PWM on PA17, TC3 overflow interrupt', () => {
  it('puts a 1 kHz, 25 % PWM on the red LED pin and takes TC3 overflows at 1 kHz', () => {
    const p = new Program('periph_timer.elf');
    const edges: { level: number; cycle: number }[] = [];
    p.board.mcu.pin('PA17').net.onEdge((_net, level, cycle) => edges.push({ level, cycle }));
    p.runToEnd();
    p.board.machine.runFor(0.02); // the PWM keeps running after main returns
    const r = fields(p, ['irqs', 'elapsed', 'tc3Ctrla', 'per', 'cc1', 'wave', 'tccCtrla', 'pmux', 'intflagLeft'] as const);
    expect(p.board.machine.halt).toBeNull();
    expect(p.errors.toString(16)).toBe('0');
    expect(p.step).toBe(4);
    // registers as written: NPWM, PER, CC1, DIV8 | ENABLE; PA17 on function E (odd nibble of PMUX8)
    expect([r.per, r.cc1, r.wave, r.tccCtrla]).toEqual([5999, 1500, 2, (3 << 8) | 2]);
    expect(r.pmux >> 4).toBe(4);
    // TC3: COUNT16, MFRQ, DIV64, enabled; 21 interrupts, 20 periods of 750 kHz / 750 = 1 ms apart
    expect(r.tc3Ctrla).toBe((1 << 5) | (5 << 8) | 2);
    expect(r.irqs).toBe(21);
    expect(Math.abs(r.elapsed - 20 * 48_000)).toBeLessThanOrEqual(64);
    expect(r.intflagLeft & 1).toBe(0); // OVF cleared by the handler's write of 1
    // PWM measured from the pin's edges over the last 10 ms: period 48000 cycles (1 kHz), high 12000
    const end = p.board.machine.scheduler.cycles;
    const recent = edges.filter((e) => e.cycle > end - 480_000);
    const rises = recent.filter((e) => e.level === 1).map((e) => e.cycle);
    expect(rises.length).toBeGreaterThanOrEqual(9);
    const periods = rises.slice(1).map((c, i) => c - rises[i]);
    for (const period of periods) expect(Math.abs(period - 48_000)).toBeLessThanOrEqual(8);
    const highs = recent.flatMap((e, i) => (e.level === 1 && recent[i + 1] ? [recent[i + 1].cycle - e.cycle] : []));
    expect(highs.length).toBeGreaterThanOrEqual(9);
    for (const high of highs) expect(Math.abs(high - 12_000)).toBeLessThanOrEqual(8);
  });
});

describe('periph_i2c.elf: SERCOM1 I2C master and the LIS3DH', () => {
  it('sees a NACK from an empty address, reads WHO_AM_I and the acceleration the test set', () => {
    const p = new Program('periph_i2c.elf', (board) => board.parts.accelerometer.setAccelerationG(0.5, -0.25, 1));
    const names = [
      'nackStatus', 'whoAmI', 'ctrlReg1', 'ctrlReg4', 'statusReg', 'x1', 'y1', 'z1', 'x2', 'y2', 'z2', 'busIdle', 'busEnd', 'baud',
    ] as const;
    p.handshake(1);
    const first = fields(p, names);
    p.board.parts.accelerometer.setAccelerationG(-1, 0.125, -0.5);
    p.runToEnd();
    const r = fields(p, names);
    const s16 = (v: number) => (v << 16) >> 16;
    expect(p.board.machine.halt).toBeNull();
    expect(p.errors.toString(16)).toBe('0');
    expect(p.step).toBe(8);
    expect(r.baud).toBe(55);
    expect(first.busIdle).toBe(1); // BUSSTATE forced IDLE
    expect(first.nackStatus & 0x04).toBe(0x04); // RXNACK from 0x18
    expect(first.whoAmI).toBe(0x33);
    expect([first.ctrlReg1, first.ctrlReg4]).toEqual([0x77, 0x88]);
    expect(first.statusReg & 0x08).toBe(0x08); // ZYXDA
    // ±2 g, 12-bit high resolution: 1024 digits per g, left-justified in 16 bits
    expect([s16(first.x1), s16(first.y1), s16(first.z1)]).toEqual([512 << 4, -256 << 4, 1024 << 4]);
    expect([s16(r.x2), s16(r.y2), s16(r.z2)]).toEqual([-1024 << 4, 128 << 4, -512 << 4]);
    expect(r.busEnd).toBe(1); // IDLE after the last STOP
  });
});

describe('periph_usart.elf: SERCOM4 USART on PB08/PB09 (a UartLink the test attaches)', () => {
  it('transmits at 115200 baud, receives what the test sends and echoes it', () => {
    // The CPX wires no UART: the test plays the other end of PB08/PB09 itself.
    const link = new UartLink();
    const sent: { byte: number; cycle: number }[] = [];
    const p = new Program('periph_usart.elf', (board) => {
      board.mcu.sercom[4].attachUart(link, { tx: 'PB08', rx: 'PB09' });
      link.onTransmit((byte) => sent.push({ byte, cycle: board.machine.scheduler.cycles }));
    });
    p.runUntil(() => p.step >= 4);
    const greeting = 'hello from SERCOM4\r\n';
    expect(String.fromCharCode(...sent.map((s) => s.byte))).toBe(greeting);
    for (const c of 'ping') link.receive(c.charCodeAt(0));
    p.runToEnd();
    const r = fields(p, ['baud', 'ctrla', 'ctrlb', 'intflag', 'rx0', 'rx1', 'rx2', 'rx3'] as const);
    expect(p.errors.toString(16)).toBe('0');
    expect(p.step).toBe(5);
    expect(r.baud).toBe(63019);
    expect(r.ctrla).toBe((1 << 2) | (1 << 30) | (1 << 20) | 2); // USART internal clock, DORD, RXPO 1, enabled
    expect(r.ctrlb).toBe((1 << 16) | (1 << 17));
    expect(r.intflag & 0x03).toBe(0x03); // DRE | TXC after the greeting
    expect(String.fromCharCode(r.rx0, r.rx1, r.rx2, r.rx3)).toBe('ping');
    expect(String.fromCharCode(...sent.map((s) => s.byte))).toBe(greeting + 'PING');
    // back-to-back frames: 10 bits at 48 MHz / 16 x (1 - 63019/65536) = 115219 Hz = 4166 cycles
    const gaps = sent.slice(1, greeting.length).map((s, i) => s.cycle - sent[i].cycle);
    for (const gap of gaps) expect(Math.abs(gap - 4166)).toBeLessThanOrEqual(4);
  });
});

describe('periph_ac.elf: the analog comparators against a voltage the test sweeps on PA04 (AIN0)', () => {
  it('continuous, window, single-shot and event-to-TC3 comparisons switch where the data sheet puts the thresholds', () => {
    const p = new Program('periph_ac.elf');
    const bench = new Pin('bench', p.board.machine.scheduler);
    connect(p.board.mcu.pin('PA04'), bench);
    const pa18 = p.board.mcu.pin('PA18');
    const MV = 59;
    /** Puts `mv` on PA04 (and tells the firmware's handler), then lets 20 µs pass. */
    const setMv = (mv: number) => {
      p.board.machine.bus.write(RESULT + 4 * MV, 4, mv);
      bench.forceVoltage(mv / 1000);
      const halt = p.board.machine.runFor(20e-6);
      if (halt) throw new Error(`halted: ${halt.reason}`);
    };
    const sweep = (onTop?: () => void) => {
      for (let mv = 0; mv <= 3300; mv += 10) setMv(mv);
      onTop?.();
      for (let mv = 3300; mv >= 0; mv -= 10) setMv(mv);
    };
    /** Waits for the firmware to ask for `value`, runs `between`, then answers. */
    const handshake = (value: number, between: () => void) => {
      p.runUntil(() => p.word(WAITING) === value);
      expect(p.word(WAITING), `waiting for ${value} (step ${p.step}, errors ${p.errors.toString(16)})`).toBe(value);
      between();
      p.board.machine.bus.write(RESULT + 4 * MAILBOX, 4, value);
    };
    const names = [
      'noClockStatusB', 'readyPolls', 'compctrl0', 'riseMv', 'fallMv', 'toggles', 'winIrqs', 'winUpMv', 'winDownMv', 'wstateInside',
      'singleHigh', 'singleLow', 'statusCCycles', 'eocIrqs', 'statusBAfterStart', 'tc3Count',
    ] as const;
    const scaler = (value: number) => (3.3 * (value + 1)) / 64;
    /** The first sweep step (10 mV) strictly above a threshold, and the last one at or below it. */
    const firstAbove = (volts: number) => (Math.floor(Math.round(volts * 1e6) / 10_000) + 1) * 10;
    const lastAtOrBelow = (volts: number) => Math.floor(Math.round(volts * 1e6) / 10_000) * 10;

    let top = -1;
    handshake(1, () => sweep(() => (top = pa18.level)));
    handshake(2, () => sweep());
    handshake(3, () => setMv(1200));
    handshake(4, () => setMv(1000));
    let crossings = 0;
    handshake(5, () => {
      for (let i = 0; i < 5; i++) {
        setMv(2000);
        if (pa18.level === 1) crossings++;
        setMv(1000);
      }
    });
    p.runToEnd();
    const r = fields(p, names);
    expect(p.errors.toString(16)).toBe('0');
    expect(p.step).toBe(6);
    // 1. No GCLK_AC_DIG: never ready; with the clock it becomes ready.
    expect(r.noClockStatusB).toBe(0);
    expect(r.readyPolls).toBeGreaterThan(0);
    expect(r.compctrl0).toBe(0x1 | 0x4 | (5 << 8) | (2 << 16)); // ENABLE, SPEED HIGH, MUXNEG VSCALE, OUT SYNC
    // 2. VDD scaler 3.3 V × 32/64 = 1.65 V: rises at the first step above it, falls at 1.65 V itself
    // (1.65 > 1.65 is false); one rise and one fall.
    expect(scaler(31)).toBeCloseTo(1.65, 12);
    expect(r.riseMv).toBe(firstAbove(scaler(31)));
    expect(r.riseMv).toBe(1660);
    expect(r.fallMv).toBe(lastAtOrBelow(scaler(31)));
    expect(r.toggles).toBe(2);
    expect(top).toBe(1); // CMP0 on PA18 (OUT SYNC) high at 3.3 V
    // 3. Window 0.825 V (SCALER1 = 15) .. 2.475 V (SCALER0 = 47): entered at 0.83 V going up and at
    // 2.47 V coming down; WSTATE0 = INSIDE (1) in the handler.
    expect(r.winIrqs).toBe(2);
    expect(r.winUpMv).toBe(firstAbove(scaler(15)));
    expect(r.winDownMv).toBe(lastAtOrBelow(scaler(47)));
    expect(r.wstateInside).toBe(1);
    // 4. Single-shot against the 1.1 V bandgap: START0 clears READY0; 1.2 V reads 1; a STATUSC read
    // at 1.0 V reads 0 and stalls for the start-up time (1 µs at SPEED HIGH = 48 cycles at 48 MHz).
    expect(r.statusBAfterStart & 1).toBe(0);
    expect(r.singleHigh & 1).toBe(1);
    expect(r.singleLow & 1).toBe(0);
    expect(r.eocIrqs).toBe(2);
    expect(r.statusCCycles).toBeGreaterThanOrEqual(48);
    expect(r.statusCCycles).toBeLessThan(48 + 20);
    // 5. Five upward crossings of 1.65 V: five COMP0 rising edges counted by TC3 through EVSYS.
    expect(crossings).toBe(5);
    expect(r.tc3Count).toBe(5);
    expect(p.board.machine.halt).toBeNull();
  });
});

describe('periph_display.elf: SERCOM0 SPI to an ILI9341 wired to A1-A4', () => {
  it('resets and wakes it, sets 16-bit pixels and landscape MADCTL, fills a frame in quadrants, writes a window by RAMWR and RAMWRC', () => {
    const tft: Samd21PartSpec = { id: 'tft', type: 'ili9341', spi: { sercom: 0, miso: 'PA04', mosi: 'PA06', sck: 'PA07' }, cs: 'PA05', dc: 'PB03' };
    const p = new Program('periph_display.elf', undefined, [tft]);
    p.runToEnd(1);
    expect(p.errors).toBe(0);
    const display = (p.board.parts as unknown as { tft: Ili9341 }).tft;
    const f = fields(p, ['ctrla', 'bytes'] as const);
    expect(f.ctrla & 0x1c).toBe(3 << 2); // SPI master
    expect(f.bytes).toBe(1 + 1 + 2 + 2 + 1 + 5 + 5 + 1 + 320 * 240 * 2 + 5 + 5 + 9 + 9);
    expect([display.sleeping, display.displayOn, display.colmod, display.madctl]).toEqual([false, true, 0x55, 0x28]);
    expect(display.addressedSize).toEqual({ width: 320, height: 240 });
    const at = (x: number, y: number) => display.addressedPixel(x, y).toString(16).padStart(6, '0');
    expect([at(0, 0), at(159, 119), at(160, 0), at(319, 119), at(0, 120), at(159, 239), at(160, 120), at(319, 239)]).toEqual([
      'ff0000', 'ff0000', '00ff00', '00ff00', '0000ff', '0000ff', 'ffffff', 'ffffff',
    ]);
    expect([at(100, 100), at(103, 100), at(100, 101), at(103, 101), at(104, 101), at(100, 102)]).toEqual(['ff00ff', 'ff00ff', 'ff00ff', 'ff00ff', 'ff0000', 'ff0000']); // the window, then red around it
    expect(display.pixelsWritten).toBe(320 * 240 + 8);
    // MADCTL MV: addressed (x, y) is frame memory column y, row x.
    expect(display.pixelAt(0, 319).toString(16)).toBe('ff00');
  });
});
