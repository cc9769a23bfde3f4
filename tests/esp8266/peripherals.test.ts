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
