/**
 * A minimal SAMD21 context for peripheral tests: scheduler at 48 MHz, SRAM at 0x20000000, the
 * blocks under test mapped at their data-sheet addresses, a fixed clock tree (every GCLK channel
 * at `gclkHz`, adjustable per channel) and a recorder for NVIC lines and events. Time advances
 * only through `run*`, which fires due events exactly as the machine loop does.
 */
import { Bus, Memory } from '../../emulator/kernel/bus.js';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { PAD_FUNCTION_INDEX, Samd21Chip, padIndex, type PadFunction } from '../../peripherals/samd21/chip.js';
import { PORT } from '../../peripherals/samd21/port.js';
import { peripheralSlot, RAM_BASE, RAM_SIZE } from '../../peripherals/samd21/memory-map.js';
import type { BusDevice } from '../../emulator/kernel/bus.js';

export class Harness {
  readonly scheduler = new Scheduler(48_000_000);
  readonly bus = new Bus();
  readonly ram = new Memory(RAM_SIZE);
  readonly chip: Samd21Chip;
  readonly gclk = new Map<number, number>();
  gclkHz = 48_000_000;
  readonly irqs = new Map<number, boolean>();
  /** Cycles at which each IRQ line went high. */
  readonly irqRises = new Map<number, number[]>();
  readonly events: number[] = [];

  constructor() {
    this.chip = new Samd21Chip(this.scheduler, this.bus, 'G18A');
    this.bus.map('sram', RAM_BASE, RAM_SIZE, this.ram);
    this.chip.clocks = {
      gclkFrequency: (id) => this.gclk.get(id) ?? this.gclkHz,
      generatorFrequency: () => this.gclkHz,
    };
    this.chip.events = { generate: (g) => this.events.push(g) };
    this.chip.attachCore({
      setInterrupt: (line, level) => {
        if (level && !this.irqs.get(line)) {
          const list = this.irqRises.get(line) ?? [];
          list.push(this.scheduler.cycles);
          this.irqRises.set(line, list);
        }
        this.irqs.set(line, level);
      },
      nmi: () => {},
    });
  }

  private portBlock: PORT | null = null;

  /** PORT, created and mapped at its APB address on first use (it installs `chip.pads`). */
  get port(): PORT {
    if (!this.portBlock) {
      this.portBlock = new PORT(this.chip);
      this.map('PORT', this.portBlock);
    }
    return this.portBlock;
  }

  /** What firmware does to hand `pin` to a peripheral: PMUX = `fn`, then PINCFG.PMUXEN (+INEN). */
  mux(pin: string, fn: PadFunction): void {
    void this.port; // created on first use
    const base = peripheralSlot('PORT').base;
    const i = padIndex(pin);
    const g = base + 0x80 * (i >> 5);
    const k = i & 31;
    const pmux = this.r8(g + 0x30 + (k >> 1));
    const f = PAD_FUNCTION_INDEX[fn];
    this.w8(g + 0x30 + (k >> 1), k & 1 ? (pmux & 0x0f) | (f << 4) : (pmux & 0xf0) | f);
    this.w8(g + 0x40 + k, 0x03);
  }

  /** PINCFG.PMUXEN = 0 on `pin`: back to GPIO. */
  unmux(pin: string): void {
    const base = peripheralSlot('PORT').base;
    const i = padIndex(pin);
    this.w8(base + 0x80 * (i >> 5) + 0x40 + (i & 31), 0x02);
  }

  map(name: string, device: BusDevice): void {
    const slot = peripheralSlot(name);
    this.bus.map(name, slot.base, slot.size, device);
  }

  get now(): number {
    return this.scheduler.cycles;
  }

  /** Fires every event up to and including `cycle`, then sets the time to `cycle`. */
  runUntil(cycle: number): void {
    const s = this.scheduler;
    for (let guard = 0; guard < 10_000_000; guard++) {
      const next = s.nextEventCycle;
      if (next > cycle) break;
      s.advanceTo(next);
      s.runDue();
    }
    s.advanceTo(cycle);
  }

  run(cycles: number): void {
    this.runUntil(this.now + cycles);
  }

  /** Runs until `pred` holds (checked after each event), at most `limit` cycles. */
  runWhile(pred: () => boolean, limit = 48_000_000): number {
    const s = this.scheduler;
    const end = this.now + limit;
    while (pred()) {
      const next = s.nextEventCycle;
      if (next > end) throw new Error(`condition still true after ${limit} cycles`);
      s.advanceTo(next);
      s.runDue();
    }
    return this.now;
  }

  r8(a: number): number { return this.bus.read(a, 1); }
  r16(a: number): number { return this.bus.read(a, 2); }
  r32(a: number): number { return this.bus.read(a, 4); }
  w8(a: number, v: number): void { this.bus.write(a, 1, v & 0xff); }
  w16(a: number, v: number): void { this.bus.write(a, 2, v & 0xffff); }
  w32(a: number, v: number): void { this.bus.write(a, 4, v >>> 0); }
}
