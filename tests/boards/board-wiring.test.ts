/**
 * Every SAMD21 board in the catalogue, built with no CPU and driven through the chip's registers
 * (tests/boards/hosted.ts): its parts answer on the pads and SERCOMs its declaration names, the
 * way CircuitPython's board definition (mpconfigboard.h, pins.c) drives them. Oracles: the
 * SAMD21 data sheet (table 7-1 pad functions; PORT; SERCOM SPI) and the parts' data sheets
 * (GD25Q16C JEDEC ID C8 40 15 for command 9Fh; an LED lights while its anode is driven high).
 */
import { describe, expect, it } from 'vitest';
import { BOARDS } from '../../boards/index.js';
import type { Samd21Board, Samd21BoardSpec } from '../../boards/samd21-board.js';
import type { Gd25q16c } from '../../peripherals/devices/gd25q16c.js';
import type { Led } from '../../peripherals/devices/led.js';
import type { SdCard } from '../../peripherals/devices/sd-card.js';
import type { UsbUartBridge } from '../../peripherals/devices/usb-uart-bridge.js';
import type { Apa102Chain } from '../../peripherals/devices/apa102.js';
import { bondedPins } from '../../peripherals/samd21/memory-map.js';
import { HostedSamd21 } from './hosted.js';

const samd21Boards = BOARDS.filter((b) => b.hostable).map((b) => {
  const board = b.create({ core: 'none' }) as Samd21Board;
  return { name: b.name, spec: board.spec };
});
const fresh = (name: string) => new HostedSamd21(BOARDS.find((b) => b.name === name)!.create({ core: 'none' }) as Samd21Board);
const partsOf = <T extends Samd21BoardSpec['parts'][number]['type']>(spec: Samd21BoardSpec, type: T) =>
  spec.parts.filter((p): p is Extract<Samd21BoardSpec['parts'][number], { type: T }> => p.type === type);

describe.each(samd21Boards)('board $name', ({ name, spec }) => {
  it('names only pads its chip package bonds out (data sheet 5.1/5.3 pinouts)', () => {
    const bonded = bondedPins(spec.chip.variant);
    for (const [pin, pad] of Object.entries(spec.pins)) expect(bonded, `${name} board.${pin}`).toContain(pad);
  });

  it.each(partsOf(spec, 'spi-flash'))('SPI flash $id answers its JEDEC ID on SERCOM$spi.sercom', (p) => {
    const h = fresh(name);
    const xfer = h.spiMaster(p.spi.sercom, p.spi);
    h.output(p.cs, 1);
    expect(h.spiTransaction(xfer, p.cs, [0x9f, 0, 0, 0]).slice(1)).toEqual([0xc8, 0x40, 0x15]);
    // Read back what the host put in the part: READ (03h) at address 0x123.
    const flash = h.board.parts[p.id] as Gd25q16c;
    flash.data.set([0xca, 0xfe], 0x123);
    expect(h.spiTransaction(xfer, p.cs, [0x03, 0x00, 0x01, 0x23, 0, 0]).slice(4)).toEqual([0xca, 0xfe]);
  });

  it.each(partsOf(spec, 'dotstars'))('DotStar $id takes frames from SERCOM$sercom SPI and from bit-banged $data/$clock', (p) => {
    const frame = [0, 0, 0, 0, 0xe4, 0x30, 0x20, 0x10, 0xff, 0xff, 0xff, 0xff];
    const h = fresh(name);
    const chain = h.board.parts[p.id] as Apa102Chain;
    const xfer = h.spiMaster(p.sercom, { mosi: p.data, sck: p.clock });
    frame.forEach(xfer);
    expect(chain.pixel(0)).toEqual({ r: 0x10, g: 0x20, b: 0x30, brightness: 4 });
    // The same pads as GPIO (PMUXEN off): data then a clock pulse, MSB first.
    const g = fresh(name);
    for (const byte of frame.map((v, i) => (i === 5 ? 0x77 : v)))
      for (let i = 7; i >= 0; i--) {
        g.output(p.data, ((byte >> i) & 1) as 0 | 1);
        g.output(p.clock, 1);
        g.output(p.clock, 0);
      }
    expect((g.board.parts[p.id] as Apa102Chain).pixel(0)).toEqual({ r: 0x10, g: 0x20, b: 0x77, brightness: 4 });
  });

  it.runIf(spec.circuitpy.kind === 'internal-flash')('keeps CIRCUITPY in the chip flash, where NVMCTRL page writes land', () => {
    const h = fresh(name);
    const placement = spec.circuitpy as { offset: number; size: number };
    const page = Uint8Array.from({ length: 64 }, (_, i) => i ^ 0x5a);
    h.writeFlashPage(placement.offset + 512, page);
    const drive = h.board.circuitpy!;
    expect(drive.bytes.length).toBe(placement.size);
    expect(drive.bytes.subarray(512, 576)).toEqual(page);
    expect(drive.bytes.subarray(576, 768).every((b) => b === 0xff)).toBe(true); // rest of the erased row
  });

  it.each(partsOf(spec, 'usb-uart-bridge'))('USB-UART bridge $id carries bytes both ways over SERCOM$sercom USART ($tx/$rx)', (p) => {
    const h = fresh(name);
    const bridge = h.board.parts[p.id] as UsbUartBridge;
    expect(h.board.serialPorts?.[p.id]).toBe(bridge); // offered to the host as a serial port
    bridge.baud = 9600; // the host's line coding, matching the chip's 9600 baud (its clock is 1 MHz after reset)
    const line = h.usart(p.sercom, p, 9600);
    for (const c of 'hi!') line.send(c.charCodeAt(0));
    h.waitFor(() => bridge.received.length === 3, 'three characters at the host');
    expect(bridge.text()).toBe('hi!');
    const start = h.board.machine.scheduler.seconds;
    bridge.write(new TextEncoder().encode('ok'));
    expect(String.fromCharCode(line.receive(), line.receive())).toBe('ok');
    // Two characters, one character time (10 bits at 9600 baud) apart, the first after one.
    expect(h.board.machine.scheduler.seconds - start).toBeGreaterThanOrEqual(2 * (10 / 9600));
  });

  it.each(partsOf(spec, 'sd-card'))('microSD slot $id answers CMD0 and a block read on SERCOM$spi.sercom, CS $cs', (p) => {
    const h = fresh(name);
    const card = h.board.parts[p.id] as SdCard;
    const xfer = h.spiMaster(p.spi.sercom, p.spi);
    h.output(p.cs, 1);
    const cmd = (frame: number[]) => {
      const got = h.spiTransaction(xfer, p.cs, [...frame, 0xff, 0xff]);
      return got[got.length - 1];
    };
    const CMD0 = [0x40, 0, 0, 0, 0, 0x95];
    expect(cmd(CMD0)).toBe(0xff); // empty slot: MISO floats high
    const image = new Uint8Array(512 * 1024);
    image.set([0xde, 0xad, 0xbe, 0xef], 512);
    card.insert(image);
    expect(cmd(CMD0)).toBe(0x01); // idle
  });

  it.each(partsOf(spec, 'bluefruit-le-spi'))('Bluefruit LE module $id answers an SDEP AT command on SERCOM$spi.sercom (CS $cs, IRQ $irq)', (p) => {
    const h = fresh(name);
    const xfer = h.spiMaster(p.spi.sercom, p.spi);
    h.output(p.cs, 1);
    h.output(p.reset, 1);
    h.board.machine.runFor(0.2); // the module starts
    h.spiTransaction(xfer, p.cs, [0x10, 0x00, 0x0a, 3, 0x41, 0x54, 0x0a]); // AT wrapper: "AT\n"
    expect(h.input(p.irq)).toBe(1);
    const got = h.spiTransaction(xfer, p.cs, new Array(20).fill(0xff));
    expect(got.slice(0, 8)).toEqual([0x20, 0x00, 0x0a, 4, 0x4f, 0x4b, 0x0d, 0x0a]);
    expect(h.input(p.irq)).toBe(0);
  });

  it.each(partsOf(spec, 'led'))('LED $id lights while its pad $anode is driven high', (p) => {
    const h = fresh(name);
    const led = h.board.parts[p.id] as Led;
    h.output(p.anode, 1);
    expect(led.lit).toBe(true);
    h.output(p.anode, 0);
    expect(led.lit).toBe(false);
  });
});
