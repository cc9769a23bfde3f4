/**
 * A minimal SAMD21 context for analog-peripheral tests: the chip context, the real PORT (pads),
 * and a stub clock tree giving each GCLK channel a fixed frequency. Registers are accessed through
 * the peripheral's BusDevice interface as the CPU would (offset, width, value).
 */
import { Bus, type AccessSize, type BusDevice } from '../../emulator/kernel/bus.js';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Samd21Chip, padIndex } from '../../peripherals/samd21/chip.js';
import { PORT } from '../../peripherals/samd21/port.js';

export const HZ = 48_000_000;

export function makeRig(gclk: Record<number, number>) {
  const scheduler = new Scheduler(HZ);
  const bus = new Bus();
  const chip = new Samd21Chip(scheduler, bus, 'G18A');
  chip.clocks = { gclkFrequency: (id) => gclk[id] ?? 0, generatorFrequency: () => HZ };
  const events: number[] = [];
  const dma: number[] = [];
  chip.events = { generate: (g) => events.push(g) };
  chip.dma = { trigger: (s) => dma.push(s) };
  const irqs = new Map<number, boolean>();
  chip.attachCore({ setInterrupt: (line, level) => irqs.set(line, level), nmi: () => {} });
  const port = new PORT(chip);
  const pin = (name: string) => port.pins[padIndex(name)];
  const advance = (cycles: number) => {
    const end = scheduler.cycles + cycles;
    for (;;) {
      const next = scheduler.nextEventCycle;
      if (next > end) break;
      scheduler.advanceTo(next);
      scheduler.runDue();
    }
    scheduler.advanceTo(end);
  };
  const advanceUs = (us: number) => advance(Math.round(us * 48));
  /** Polls `cond` (advancing time in small steps) up to `maxUs`; returns the µs waited. */
  const waitFor = (cond: () => boolean, maxUs = 100_000, stepCycles = 4): number => {
    const start = scheduler.cycles;
    while (!cond()) {
      if (scheduler.cycles - start > maxUs * 48) throw new Error('timeout');
      advance(stepCycles);
    }
    return (scheduler.cycles - start) / 48;
  };
  return { scheduler, bus, chip, port, pin, advance, advanceUs, waitFor, events, dma, irqs };
}

/** Register access helpers on one device. */
export function regs(dev: BusDevice) {
  return {
    r: (offset: number, size: AccessSize) => dev.read(offset, size),
    w: (offset: number, size: AccessSize, value: number) => dev.write(offset, size, value),
  };
}
