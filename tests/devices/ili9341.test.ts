/**
 * ILI9341 TFT controller against its data sheet (Ilitek V1.11): reset defaults (8.2.2), the
 * column/page windows and memory write with its wrap (8.2.20-8.2.22), write memory continue
 * (8.2.37), 16- and 18-bit pixel formats (8.2.33, 7.6.1.3: 5-bit red/blue widened by copying
 * the MSB), MADCTL's exchange and mirrors (8.2.29, 9.3), the BGR filter, inversion, and bytes the
 * chip ignores (parameters of other commands, data with no command, a pixel cut short by CSX).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { SpiBus } from '../../peripherals/devices/buses.js';
import { ILI9341, Ili9341, MADCTL } from '../../peripherals/devices/ili9341.js';

function rig() {
  const scheduler = new Scheduler(48e6);
  const cs = new Pin('CS', scheduler);
  const dc = new Pin('DC', scheduler);
  const reset = new Pin('RESET', scheduler);
  reset.drive(1);
  cs.drive(1);
  const display = new Ili9341({ cs, dc, reset });
  const bus = new SpiBus();
  bus.attach(display);
  /** One command with its parameters, in one CS-low transfer. */
  const send = (command: number, ...data: number[]) => {
    cs.drive(0);
    dc.drive(0);
    bus.transfer(command);
    dc.drive(1);
    for (const b of data) bus.transfer(b);
    cs.drive(1);
  };
  const window = (x0: number, y0: number, x1: number, y1: number) => {
    send(ILI9341.CASET, x0 >> 8, x0 & 0xff, x1 >> 8, x1 & 0xff);
    send(ILI9341.PASET, y0 >> 8, y0 & 0xff, y1 >> 8, y1 & 0xff);
  };
  const rgb565 = (c: number) => [c >> 8, c & 0xff];
  return { display, send, window, rgb565, cs, dc, reset, bus };
}

const RED = 0xf800;
const GREEN = 0x07e0;
const BLUE = 0x001f;

describe('ILI9341 (data sheet V1.11)', () => {
  it('resets to sleep in, display off, 18-bit pixels, full windows; SLPOUT/DISPON/INVON change state; MISO is not driven', () => {
    const { display, send, bus, cs, dc } = rig();
    expect([display.sleeping, display.displayOn, display.colmod, display.madctl]).toEqual([true, false, 0x66, 0]);
    expect([display.columns, display.pages]).toEqual([{ start: 0, end: 239 }, { start: 0, end: 319 }]);
    send(ILI9341.SLPOUT);
    send(ILI9341.DISPON);
    send(ILI9341.INVON);
    expect([display.sleeping, display.displayOn, display.inverted]).toEqual([false, true, true]);
    cs.drive(0);
    dc.drive(0);
    expect(bus.transfer(0x04)).toBe(0xff); // RDDID: reads are not modelled
    cs.drive(1);
    send(ILI9341.SWRESET);
    expect([display.sleeping, display.displayOn, display.inverted]).toEqual([true, false, false]);
  });

  it('RAMWR fills the CASET/PASET window column first, wraps to the start column and page, in RGB 5-6-5', () => {
    const { display, send, window, rgb565 } = rig();
    send(ILI9341.COLMOD, 0x55);
    send(ILI9341.MADCTL, MADCTL.BGR);
    window(10, 20, 12, 21); // 3 x 2
    const colours = [RED, GREEN, BLUE, 0xffff, 0x0000, 0x8410];
    // Seven pixels: the seventh wraps back to (10, 20) (8.2.22).
    send(ILI9341.RAMWR, ...[...colours, 0x07ff].flatMap(rgb565));
    expect(display.pixelAt(10, 20)).toBe(0x00ffff); // the wrapped cyan
    expect(display.pixelAt(11, 20)).toBe(0x00ff00);
    expect(display.pixelAt(12, 20)).toBe(0x0000ff);
    expect(display.pixelAt(10, 21)).toBe(0xffffff);
    expect(display.pixelAt(11, 21)).toBe(0x000000);
    // 0x8410: r5 = 16 -> r6 = 33, g6 = 32, b5 = 16 -> b6 = 33; 8 bits: the 6-bit value x 4 + its top two bits,
    expect(display.pixelAt(12, 21)).toBe(0x868286); // 33 -> 134, 32 -> 130
    expect(display.pixelAt(13, 20)).toBe(0); // outside the window: untouched
    expect(display.pixelsWritten).toBe(7);
  });

  it('RAMWRC continues where the last write stopped; a pixel cut short by CSX is dropped', () => {
    const { display, send, window, rgb565 } = rig();
    send(ILI9341.COLMOD, 0x55);
    send(ILI9341.MADCTL, MADCTL.BGR);
    window(0, 0, 3, 0);
    send(ILI9341.RAMWR, ...rgb565(RED), 0xff); // one pixel and half of another
    send(ILI9341.RAMWRC, ...rgb565(BLUE));
    expect([display.pixelAt(0, 0), display.pixelAt(1, 0), display.pixelAt(2, 0)]).toEqual([0xff0000, 0x0000ff, 0]);
  });

  it('18 bits per pixel: three bytes, 6 bits each in bits 7:2', () => {
    const { display, send, window } = rig();
    send(ILI9341.MADCTL, MADCTL.BGR);
    window(5, 5, 5, 5);
    send(ILI9341.RAMWR, 0xfc, 0x80, 0x04); // 63, 32, 1
    expect(display.pixelAt(5, 5)).toBe(0xff8204);
  });

  it('MADCTL: MX mirrors columns, MY pages, MV exchanges them (a write\'s columns run down the rows); addressedPixel reads back what was addressed', () => {
    const { display, send, window, rgb565 } = rig();
    send(ILI9341.COLMOD, 0x55);
    const at = (madctl: number, x: number, y: number) => {
      send(ILI9341.MADCTL, madctl | MADCTL.BGR);
      window(x, y, x, y);
      send(ILI9341.RAMWR, ...rgb565(RED));
      const lit = display.memory.findIndex((v) => v !== 0);
      display.memory.fill(0);
      return [lit % 240, Math.floor(lit / 240)];
    };
    expect(at(0, 1, 2)).toEqual([1, 2]);
    expect(at(MADCTL.MX, 1, 2)).toEqual([238, 2]);
    expect(at(MADCTL.MY, 1, 2)).toEqual([1, 317]);
    expect(at(MADCTL.MV, 300, 2)).toEqual([2, 300]);
    expect(at(MADCTL.MV | MADCTL.MX | MADCTL.MY, 300, 2)).toEqual([237, 19]);
    // Landscape (MV, as CircuitPython's ILI9341 init sequences set it): 320 x 240 addressed.
    send(ILI9341.MADCTL, MADCTL.MV | MADCTL.BGR);
    expect(display.addressedSize).toEqual({ width: 320, height: 240 });
    window(310, 230, 319, 239);
    send(ILI9341.RAMWR, ...Array(100).fill(rgb565(GREEN)).flat());
    expect(display.addressedPixel(319, 239)).toBe(0x00ff00);
    expect(display.addressedPixel(309, 239)).toBe(0);
  });

  it('the panel\'s BGR filter: with MADCTL.BGR clear a written red shows blue; inversion inverts', () => {
    const { display, send, window, rgb565 } = rig();
    send(ILI9341.COLMOD, 0x55);
    window(0, 0, 0, 0);
    send(ILI9341.RAMWR, ...rgb565(RED));
    expect(display.pixelAt(0, 0)).toBe(0x0000ff);
    send(ILI9341.MADCTL, MADCTL.BGR);
    expect(display.pixelAt(0, 0)).toBe(0xff0000);
    send(ILI9341.INVON);
    expect(display.pixelAt(0, 0)).toBe(0x00ffff);
  });

  it('RESET low resets the registers, not the frame memory; other commands\' parameters and data with no command are ignored', () => {
    const { display, send, window, rgb565, reset, cs, dc, bus } = rig();
    send(ILI9341.COLMOD, 0x55);
    send(0xe0, ...Array(15).fill(0x3f)); // positive gamma correction: 15 parameters, taken and ignored
    send(0xcb, 0x39, 0x2c, 0x00, 0x34, 0x02); // an extended command
    window(0, 0, 0, 0);
    send(ILI9341.RAMWR, ...rgb565(RED));
    reset.drive(0);
    reset.drive(1);
    expect([display.colmod, display.columns.end]).toEqual([0x66, 239]);
    cs.drive(0);
    dc.drive(1);
    for (let i = 0; i < 6; i++) expect(bus.transfer(0x12)).toBe(0xff); // data, no command since the reset
    cs.drive(1);
    expect(display.pixelsWritten).toBe(1);
    send(ILI9341.MADCTL, MADCTL.BGR);
    expect(display.pixelAt(0, 0)).toBe(0xff0000);
  });
});
