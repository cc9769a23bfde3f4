/**
 * APA102 chain against its data sheet's protocol: 32-bit start frame of zeros, one LED frame per
 * LED (111 + 5-bit brightness, blue, green, red; MSB first, sampled on CKI rising edges), an end
 * frame of ones; frames beyond the chain pass on; an end frame reaching an LED without its own
 * frame shows as full-brightness white. Driven both as SPI bytes and as bit-banged pin edges.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { Apa102Chain } from '../../peripherals/devices/apa102.js';

function rig(count: number) {
  const scheduler = new Scheduler(48e6);
  const di = new Pin('PA00', scheduler);
  const ci = new Pin('PA01', scheduler);
  const data = new Pin('DI', scheduler);
  const clock = new Pin('CI', scheduler);
  connect(di, data);
  connect(ci, clock);
  di.drive(0);
  ci.drive(0);
  const chain = new Apa102Chain({ data, clock, count, scheduler });
  /** Bit-bangs bytes as CircuitPython's bitbangio does in mode 0: data, then a clock pulse. */
  const bitbang = (bytes: number[]) => {
    for (const byte of bytes)
      for (let i = 7; i >= 0; i--) {
        di.drive(((byte >> i) & 1) as 0 | 1);
        ci.drive(1);
        ci.drive(0);
      }
  };
  const spi = (bytes: number[]) => bytes.forEach((b) => chain.transfer(b));
  return { chain, bitbang, spi };
}

const START = [0, 0, 0, 0];
const END = [0xff, 0xff, 0xff, 0xff];

describe.each(['spi', 'bitbang'] as const)('APA102 chain (%s)', (how) => {
  it('takes one LED frame per LED after the start frame: brightness, blue, green, red', () => {
    const r = rig(2);
    r[how]([...START, 0xe0 | 7, 0x03, 0x02, 0x01, 0xff, 0x80, 0x40, 0x20, ...END]);
    expect(r.chain.pixel(0)).toEqual({ r: 1, g: 2, b: 3, brightness: 7 });
    expect(r.chain.pixel(1)).toEqual({ r: 0x20, g: 0x40, b: 0x80, brightness: 31 });
    expect(r.chain.rgb()).toEqual([0x010203, 0x204080]);
    expect(r.chain.errors).toBe(0);
  });

  it('ignores bits before the first start frame, and a new start frame restarts at LED 0', () => {
    const r = rig(1);
    r[how]([0xe1, 0x11, 0x22, 0x33]); // no start frame yet: nothing shown
    expect(r.chain.updates).toBe(0);
    r[how]([...START, 0xe1, 0x11, 0x22, 0x33, ...END, ...START, 0xe2, 0x44, 0x55, 0x66]);
    expect(r.chain.pixel(0)).toEqual({ r: 0x66, g: 0x55, b: 0x44, brightness: 2 });
  });

  it('accepts a start frame longer than 32 zero bits', () => {
    const r = rig(1);
    r[how]([...START, 0, 0, 0xe3, 1, 2, 3]);
    expect(r.chain.pixel(0)).toEqual({ r: 3, g: 2, b: 1, brightness: 3 });
  });

  it('an end frame reaching an LED with no frame of its own lights it white at full brightness', () => {
    const r = rig(2);
    r[how]([...START, 0xe1, 1, 1, 1, ...END]);
    expect(r.chain.pixel(1)).toEqual({ r: 255, g: 255, b: 255, brightness: 31 });
  });

  it('an LED frame without the 111 marker is taken anyway and reported', () => {
    const r = rig(1);
    r[how]([...START, 0x85, 9, 8, 7]);
    expect(r.chain.pixel(0)).toEqual({ r: 7, g: 8, b: 9, brightness: 5 });
    expect(r.chain.errors).toBe(1);
    expect(r.chain.lastError).toMatch(/does not start with 111/);
  });

  it('notifies listeners only when a colour changes', () => {
    const r = rig(1);
    let calls = 0;
    r.chain.onChange(() => calls++);
    r[how]([...START, 0xff, 1, 2, 3, ...END]);
    r[how]([...START, 0xff, 1, 2, 3, ...END]);
    expect(calls).toBe(1);
    expect(r.chain.updates).toBe(2);
  });
});

it('APA102: no chip select; as an SPI device it shifts nothing back (MISO floats high)', () => {
  const r = rig(1);
  expect(r.chain.cs.level).toBe(0);
  expect(r.chain.transfer(0x12)).toBe(0xff);
});
