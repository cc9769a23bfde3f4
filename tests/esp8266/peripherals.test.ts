/**
 * ESP8266 blocks driven through their registers, as firmware drives them, checked against the
 * SDK headers' definitions (uart_register.h, gpio_register.h, timer_register.h, eagle_soc.h).
 */
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';

const UART0 = 0x60000000;
const GPIO = 0x60000300;
const FRC = 0x60000600;
const DPORT = 0x3ff00000;

/** A board whose CPU spins in IRAM (`j .`), so simulated time passes with no firmware. */
function board() {
  const b = createFeatherHuzzah();
  b.load([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff) }], 0x40100000);
  const bus = b.machine.bus;
  return { b, chip: b.chip, read: (a: number) => bus.read(a, 4) >>> 0, write: (a: number, v: number) => bus.write(a, 4, v) };
}

describe('UART0', () => {
  test('a byte written to UART_FIFO reaches the console; UART_CLKDIV sets the baud (80 MHz / div)', () => {
    const { b, chip, read, write } = board();
    write(UART0 + 0x00, 0x41);
    write(UART0 + 0x00, 0x0a);
    expect(b.machine.stdout.text()).toBe('A\n');
    write(UART0 + 0x14, 694);
    expect(chip.uart0.baud).toBe(115274);
    expect(read(UART0 + 0x14)).toBe(694);
    expect(read(UART0 + 0x1c) & 0xff0000).toBe(0); // TX FIFO count: sent at once
  });

  test('RX: bytes from the host fill the FIFO (UART_STATUS bits 7:0), RXFIFO_FULL and RXFIFO_TOUT raise the shared line 5', () => {
    const { b, chip, read, write } = board();
    write(UART0 + 0x24, (1 << 31) | 2); // rx_tout_en, rxfifo_full_thrhd = 2
    write(UART0 + 0x0c, 0x1); // UART_INT_ENA: RXFIFO_FULL
    b.console.write(new TextEncoder().encode('hi!'));
    b.machine.runFor(0.001); // three character times at 115200 baud
    expect(read(UART0 + 0x1c) & 0xff).toBe(3);
    expect(read(UART0 + 0x04) & 0x101).toBe(0x101); // INT_RAW: FULL and TOUT
    expect(read(UART0 + 0x08)).toBe(0x1); // INT_ST = RAW & ENA
    expect(chip.core.readSpecial(226) & (1 << 5)).not.toBe(0); // INTERRUPT bit 5
    expect(String.fromCharCode(read(UART0), read(UART0), read(UART0))).toBe('hi!');
    expect(read(UART0 + 0x1c) & 0xff).toBe(0);
    write(UART0 + 0x10, 0x1ff); // UART_INT_CLR
    expect(read(UART0 + 0x08)).toBe(0);
    expect(chip.core.readSpecial(226) & (1 << 5)).toBe(0);
  });
});

describe('GPIO', () => {
  test('OUT/ENABLE with W1TS/W1TC aliases; IN shows driven pins and the flash-boot straps in bits 18:16', () => {
    const { b, read, write } = board();
    write(GPIO + 0x10, (1 << 0) | (1 << 2)); // GPIO_ENABLE_W1TS
    write(GPIO + 0x04, 1 << 2); // GPIO_OUT_W1TS: GPIO2 high -> blue LED off
    expect(read(GPIO + 0x0c)).toBe(0b101);
    expect(b.leds).toEqual({ red: true, blue: false });
    write(GPIO + 0x08, 1 << 2); // GPIO_OUT_W1TC
    expect(b.leds.blue).toBe(true);
    write(GPIO + 0x14, 1 << 0); // GPIO_ENABLE_W1TC: GPIO0 back to input (pulled high)
    expect(b.leds.red).toBe(false);
    expect((read(GPIO + 0x18) >>> 16) & 7).toBe(3);
    expect(read(GPIO + 0x18) & 0b101).toBe(0b001);
  });
});

describe('DPORT and the CPU clock', () => {
  test('CPU2X bit 0 switches the CPU between 80 and 160 MHz', () => {
    const { chip, write } = board();
    expect(chip.scheduler.frequency).toBe(80_000_000);
    write(DPORT + 0x14, 1);
    expect(chip.scheduler.frequency).toBe(160_000_000);
    write(DPORT + 0x14, 0);
    expect(chip.scheduler.frequency).toBe(80_000_000);
  });

  test('the eFuse words give MAC 18:FE:34:12:34:56 as esptool reads it, and mark an ESP8266', () => {
    const { read } = board();
    const [m0, m1, m2, m3] = [0x50, 0x54, 0x58, 0x5c].map((o) => read(DPORT + o));
    expect(m3).toBe(0); // no OUI stored: ((m1 >> 16) & 0xff) == 0 -> 18:FE:34
    expect((m1! >>> 16) & 0xff).toBe(0);
    expect([(m1! >>> 8) & 0xff, m1! & 0xff, m0! >>> 24]).toEqual([0x12, 0x34, 0x56]);
    expect(m2! & (1 << 15)).not.toBe(0);
    expect(m2! & (1 << 16)).toBe(0); // not an ESP8285
  });
});

describe('FRC1 and FRC2 timers', () => {
  test('FRC1 counts down from FRC1_LOAD at 80 MHz / 16 and raises edge line 9 at 0 when DPORT enables it', () => {
    const { chip, read, write } = board();
    write(DPORT + 0x04, 1 << 1); // EDGE_INT_ENABLE_REG: FRC1
    write(FRC + 0x08, (1 << 7) | (1 << 2)); // FRC1_CTRL: enable, /16 (5 MHz)
    write(FRC + 0x00, 5000); // 1 ms
    chip.machine.runFor(0.0004);
    expect(read(FRC + 0x04)).toBe(3000);
    expect(chip.core.readSpecial(226) & (1 << 9)).toBe(0);
    chip.machine.runFor(0.0007);
    expect(read(FRC + 0x0c)).toBe(1); // FRC1_INT
    expect(chip.core.readSpecial(226) & (1 << 9)).not.toBe(0);
    expect(read(FRC + 0x04)).toBe(0); // no auto-reload
  });

  test('FRC2 counts up at 80 MHz / 256 from FRC2_LOAD and fires at FRC2_ALARM', () => {
    const { chip, read, write } = board();
    write(DPORT + 0x04, 1 << 2);
    write(FRC + 0x28, (1 << 7) | (2 << 2)); // enable, /256 (312.5 kHz)
    write(FRC + 0x20, 100);
    write(FRC + 0x30, 100 + 3125); // 10 ms later
    chip.machine.runFor(0.005);
    expect(read(FRC + 0x24)).toBe(100 + 1562);
    chip.machine.runFor(0.006);
    expect(read(FRC + 0x2c)).toBe(1);
    expect(chip.core.readSpecial(226) & (1 << 10)).not.toBe(0);
  });

  test('WDEV_NOW counts simulated microseconds (the SDK\'s system_get_time)', () => {
    const { chip, read } = board();
    chip.machine.runFor(0.0125);
    expect(read(0x3ff20c00)).toBe(12500);
  });
});

const SPI1 = 0x60000100;
const RTC = 0x60000700;
const WDT = 0x60000900;

describe('watchdog (0x60000900)', () => {
  test('enabled and unfed, it resets the chip after (2^WDT_OP + 2^WDT_OP_ND) ticks of 0.8 ms; feeding with 0x73 restarts the count', () => {
    const { b, chip, read, write } = board();
    write(WDT + 0x04, 3); // stage 0: 8 ticks = 6.4 ms
    write(WDT + 0x08, 4); // stage 1: 16 ticks = 12.8 ms
    write(WDT + 0x00, 0x39); // enable
    for (let i = 0; i < 10; i++) {
      b.machine.runFor(0.015);
      write(WDT + 0x14, 0x73); // fed every 15 ms: never 19.2 ms unfed
    }
    expect(chip.resetReason).toBe(1);
    expect(read(WDT + 0x10)).toBe(0); // WDT_STAGE
    b.machine.runFor(0.007);
    expect(read(WDT + 0x10)).toBe(1); // stage 0 over
    write(WDT + 0x14, 0x12); // not the feed value: no effect
    const fed = chip.scheduler.seconds - 0.007;
    while (chip.resetReason === 1 && chip.scheduler.seconds < 1) b.machine.runFor(0.0001);
    expect(chip.resetReason).toBe(4);
    expect(chip.scheduler.seconds - fed).toBeCloseTo(0.0192, 3);
    // The reset: the core restarted the ROM boot, whose banner reports rst cause 4.
    expect(b.machine.stdout.text()).toContain('rst cause:4');
  });

  test('the end of stage 0 raises the watchdog interrupt (edge line 8) when DPORT EDGE_INT_ENABLE bit 0 is set', () => {
    const { b, chip, write } = board();
    const line8 = () => (chip.core.readSpecial(226) >>> 8) & 1;
    write(WDT + 0x04, 3); // 6.4 ms
    write(WDT + 0x08, 10);
    write(WDT + 0x00, 0x39);
    b.machine.runFor(0.007);
    expect(line8()).toBe(0); // not enabled in DPORT: no interrupt
    write(WDT + 0x14, 0x73);
    write(DPORT + 0x04, 1);
    b.machine.runFor(0.006);
    expect(line8()).toBe(0);
    b.machine.runFor(0.001);
    expect(line8()).toBe(1); // latched edge
    expect(chip.resetReason).toBe(1);
  });

  test('disabled, it never bites', () => {
    const { b, chip, write } = board();
    write(WDT + 0x04, 0);
    write(WDT + 0x08, 0);
    write(WDT + 0x00, 0x38);
    b.machine.runFor(0.1);
    expect(chip.resetReason).toBe(1);
  });
});

describe('GPIO pin interrupts', () => {
  test('GPIO_PINn.INT_TYPE selects the edge or level that latches GPIO_STATUS; line 4 follows GPIO_STATUS; W1TC clears', () => {
    const { chip, read, write } = board();
    const line4 = () => (chip.core.readSpecial(226) >>> 4) & 1;
    write(GPIO + 0x28 + 4 * 4, 1 << 7); // GPIO4: rising edge
    write(GPIO + 0x28 + 5 * 4, 2 << 7); // GPIO5: falling edge
    write(GPIO + 0x28 + 12 * 4, 4 << 7); // GPIO12: low level
    chip.gpio.setInput(4, false);
    chip.gpio.setInput(5, true);
    expect(read(GPIO + 0x1c)).toBe(0);
    chip.gpio.setInput(4, true);
    expect(read(GPIO + 0x1c)).toBe(1 << 4);
    expect(line4()).toBe(1);
    write(GPIO + 0x24, 1 << 4); // GPIO_STATUS_W1TC
    expect(read(GPIO + 0x1c)).toBe(0);
    expect(line4()).toBe(0);
    chip.gpio.setInput(5, false);
    expect(read(GPIO + 0x1c)).toBe(1 << 5);
    write(GPIO + 0x24, 1 << 5);
    chip.gpio.setInput(12, false); // low level: latches, and latches again while it holds
    expect(read(GPIO + 0x1c)).toBe(1 << 12);
    write(GPIO + 0x24, 1 << 12);
    expect(read(GPIO + 0x1c)).toBe(1 << 12);
    chip.gpio.setInput(12, true);
    write(GPIO + 0x24, 1 << 12);
    expect(read(GPIO + 0x1c)).toBe(0);
    expect(line4()).toBe(0);
  });

  test('an output pin toggled by the chip itself latches its edge too (the pad level counts)', () => {
    const { chip, read, write } = board();
    write(GPIO + 0x28 + 2 * 4, 3 << 7); // GPIO2: any edge
    write(GPIO + 0x10, 1 << 2); // ENABLE_W1TS
    write(GPIO + 0x08, 1 << 2); // OUT_W1TC: 1 -> 0
    expect(read(GPIO + 0x1c)).toBe(1 << 2);
  });
});

describe('SPI1 (HSPI)', () => {
  test('a full-duplex user transaction (spi_register.h): W0 bytes out low byte first, MSB first; received bytes replace them; SPI_USR clears after the bits at SPI_CLOCK', () => {
    const { b, chip, read, write } = board();
    const seen: number[] = [];
    chip.hspi.device = { transfer: (x) => (seen.push(x), x ^ 0xff) };
    write(SPI1 + 0x18, (1 << 18) | (19 << 12) | (9 << 6) | 19); // 80 MHz / (2 * 20) = 2 MHz
    expect(chip.hspi.hz).toBe(2_000_000);
    write(SPI1 + 0x1c, (1 << 27) | (1 << 0)); // SPI_USR_MOSI, SPI_DOUTDIN
    write(SPI1 + 0x20, (23 << 17) | (23 << 8)); // 24 bits out and in
    write(SPI1 + 0x40, 0x00abcd12);
    write(SPI1 + 0x00, 1 << 18); // SPI_USR
    expect(seen).toEqual([0x12, 0xcd, 0xab]);
    expect(read(SPI1 + 0x40)).toBe(0x005432ed);
    expect(read(SPI1) & (1 << 18)).not.toBe(0); // 24 bits at 2 MHz: 12 us
    b.machine.runFor(0.000013);
    expect(read(SPI1) & (1 << 18)).toBe(0);
  });

  test('SPI_WR_BYTE_ORDER sends a word high byte first; command and address phases go first, MSB first', () => {
    const { chip, write } = board();
    const seen: number[] = [];
    chip.hspi.device = { transfer: (x) => (seen.push(x), 0) };
    write(SPI1 + 0x18, 1 << 31);
    write(SPI1 + 0x1c, (1 << 31) | (1 << 30) | (1 << 27) | (1 << 11)); // COMMAND, ADDR, MOSI, WR_BYTE_ORDER
    write(SPI1 + 0x24, (7 << 28) | 0x9f); // 8-bit command 0x9F
    write(SPI1 + 0x20, (23 << 26) | (15 << 17)); // 24-bit address, 16 data bits
    write(SPI1 + 0x04, 0x123456);
    write(SPI1 + 0x40, 0xa1b20000);
    write(SPI1 + 0x00, 1 << 18);
    expect(seen).toEqual([0x9f, 0x12, 0x34, 0x56, 0xa1, 0xb2]);
  });
});

describe('deep sleep (RTC)', () => {
  test('the sleep entry with power-down stops the chip until the RTC alarm; the wake-up resets it (GPIO16-RST) and RTC memory is kept', () => {
    const { b, chip, read, write } = board();
    write(0x60001100, 0xc0ffee);
    write(RTC + 0x18, 8); // wake on the RTC timer
    write(RTC + 0x04, read(RTC + 0x1c) + 15000); // alarm in 15000 ticks of 150 kHz: 100 ms
    write(RTC + 0x08, 1 << 20); // without power-down: a short sleep the CPU survives
    b.machine.runFor(0.001);
    expect(chip.asleep).toBe(false);
    write(RTC + 0x44, 0x20);
    const t0 = chip.scheduler.seconds;
    write(RTC + 0x08, 1 << 20);
    b.machine.runFor(0.001);
    expect(chip.asleep).toBe(true);
    while (chip.asleep && chip.scheduler.seconds < 1) b.machine.runFor(0.001);
    expect(chip.scheduler.seconds - t0).toBeCloseTo(0.1, 2);
    expect(chip.resetReason).toBe(2);
    expect(read(0x60001100)).toBe(0xc0ffee);
    expect(b.machine.stdout.text()).toContain('rst cause:2');
  });

  test('without the GPIO16-RST wire the chip sleeps on', () => {
    const b = createFeatherHuzzah({ gpio16ToReset: false });
    b.load([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff) }], 0x40100000);
    const bus = b.machine.bus;
    bus.write(RTC + 0x18, 4, 8);
    bus.write(RTC + 0x04, 4, (bus.read(RTC + 0x1c, 4) + 1500) >>> 0);
    bus.write(RTC + 0x44, 4, 0x20);
    bus.write(RTC + 0x08, 4, 1 << 20);
    b.machine.runFor(0.05);
    expect(b.chip.asleep).toBe(true);
    expect(b.chip.resetReason).toBe(1);
  });
});

describe('SAR ADC (TOUT)', () => {
  /** The SDK's arithmetic on the eight samples (read_sar_dout, test_tout, system_adc_read in libphy/libmain). */
  function sdkReading(words: number[]): number {
    let sum = 0;
    for (const word of words) {
      const x = ~word;
      const corrected = Math.min(255, (Math.max(0, (x & 0xff) - 21) * 279) >> 8) + (x & 0x700);
      sum += corrected;
    }
    return Math.min(1024, Math.floor((((sum + 8) >> 4) * 12) / 11));
  }

  test('a conversion started through +0x50 leaves eight samples at +0x80..+0x9C that the SDK reads as V * 1024', () => {
    const { chip, read, write } = board();
    for (const [volts, expected] of [[0, 0], [0.1, 102], [0.333, 341], [0.5, 512], [1, 1024], [2, 1024]] as const) {
      chip.sar.tout = volts;
      write(0x60000d50, 0);
      write(0x60000d50, 2);
      expect((read(0x60000d50) >>> 24) & 7).toBe(0); // converter idle again
      const words = Array.from({ length: 8 }, (_, i) => read(0x60000d80 + 4 * i));
      expect(sdkReading(words), `${volts} V`).toBe(expected);
    }
  });
});

describe('WDEV (WiFi MAC) transmit completion, as the SDK lower MAC drives it', () => {
  const WDEV = 0x3ff20c00;
  const MAC_INT_ENA = WDEV + 0x18;
  const MAC_INT_EVENT = WDEV + 0x20;
  const MAC_INT_CLEAR = WDEV + 0x24;
  const MAC_TX_STATUS = WDEV + 0x84;
  const TXQ = (q: number) => 0x3ff20dc0 - 0x18 * q;
  const TX_START = 1 << 18;
  const TX_DONE = 1 << 19;
  const line0 = (chip: { core: { readSpecial(sr: number): number } }) => chip.core.readSpecial(226) & 1; // INTERRUPT

  test('go bits on TXQ(q): TX_START for q after 50 us, TX_DONE with outcome 0 (success) 704 us later, go bits cleared; line 0 follows MAC_INT_EVENT', () => {
    const { chip, read, write } = board();
    write(MAC_INT_ENA, 0x2c9f0300); // what wDev_Initialize enables
    write(TXQ(2) + 4, read(TXQ(2) + 4) | 0xc0000000); // wDev_EnableTransmit(2, ...)
    chip.machine.runFor(0.00004);
    expect(read(MAC_INT_EVENT)).toBe(0);
    expect(line0(chip)).toBe(0);
    chip.machine.runFor(0.00002);
    expect(read(MAC_INT_EVENT)).toBe(TX_START);
    expect((read(MAC_TX_STATUS) >>> 12) & 0xf).toBe(2);
    expect(line0(chip)).toBe(1);
    write(MAC_INT_CLEAR, TX_START);
    expect(line0(chip)).toBe(0);
    chip.machine.runFor(0.0007);
    expect(read(MAC_INT_EVENT)).toBe(TX_DONE);
    expect(read(MAC_TX_STATUS) >>> 0).toBe(2 << 12); // bits 31:28 = 0: success
    expect(read(TXQ(2) + 4) >>> 30).toBe(0);
    expect(chip.wdev.framesSent).toBe(1);
    write(MAC_INT_CLEAR, TX_DONE);
    expect(line0(chip)).toBe(0);
  });

  test('two queues started together go on the air one after the other, in start order; a disabled event raises no line', () => {
    const { chip, read, write } = board();
    write(MAC_INT_ENA, TX_DONE); // TX_START not enabled: raw only
    write(TXQ(0) + 4, 0xc0000000);
    write(TXQ(1) + 4, 0xc0000000);
    chip.machine.runFor(0.0001);
    expect(line0(chip)).toBe(0);
    chip.machine.runFor(0.0007); // 50 + 704 us: queue 0 done
    expect(read(MAC_INT_EVENT)).toBe(TX_DONE);
    expect((read(MAC_TX_STATUS) >>> 12) & 0xf).toBe(0);
    expect(line0(chip)).toBe(1);
    write(MAC_INT_CLEAR, TX_DONE | TX_START);
    chip.machine.runFor(0.00076);
    expect((read(MAC_TX_STATUS) >>> 12) & 0xf).toBe(1);
    expect(read(MAC_INT_EVENT)).toBe(TX_DONE);
    expect(chip.wdev.framesSent).toBe(2);
  });

  test('a write without both go bits starts nothing; unmodelled MAC offsets read 0 and are reported', () => {
    const { chip, read, write } = board();
    write(TXQ(0) + 4, 0x40000000);
    chip.machine.runFor(0.002);
    expect(chip.wdev.framesSent).toBe(0);
    expect(read(WDEV + 0x300)).toBe(0);
    expect(chip.diagnostics.counts().some((c) => c.block === 'WDEV' && c.offset === 0x300 && c.kind === 'unimplemented')).toBe(true);
  });
});
