/**
 * The one test rig for SAMD21 peripherals without a CPU: a real chip built with `core: 'none'`
 * (boards/chips/samd21.ts), registers reached through the bus as firmware reaches them, time
 * advanced by the machine (events fire exactly as in a run), and recorders for what a CPU would
 * see: NVIC lines (levels and rising edges), and optionally events and DMA triggers.
 *
 * By default the clock tree is the chip's own (1 MHz CPU after reset). Peripheral tests that want
 * fixed clocks pass `gclk` (Hz per GCLK_ID; unlisted channels run at `gclkHz`): the clock tree and
 * the PM bus clocks are then stubbed (every APB clock on, CPU at 48 MHz), so a test sets one
 * peripheral's clock without programming SYSCTRL, GCLK and PM first.
 */
import { createSamd21, type Samd21 } from '../../boards/chips/samd21.js';
import type { AccessSize, Bus } from '../../emulator/kernel/bus.js';
import type { Scheduler } from '../../emulator/kernel/scheduler.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import { PAD_FUNCTION_INDEX, padIndex, type PadFunction, type Samd21Chip } from '../../peripherals/samd21/chip.js';
import { peripheralSlot, type Variant } from '../../peripherals/samd21/memory-map.js';

export const RIG_HZ = 48_000_000;
/** Cycles from an NVIC line rising to a handler's first instruction (M0+: 15 + stacking). */
const IRQ_LATENCY = 24;

export interface RigOptions {
  variant?: Variant;
  /** The board fits a 32.768 kHz crystal (XOSC32K becomes ready). */
  xosc32kCrystal?: boolean;
  /**
   * A Cortex-M0+ in the core slot, asleep (so running the machine only advances time) until a
   * test loads and starts a program: for the suites that run tiny Thumb programs.
   */
  cpu?: boolean;
  /** Fixed GCLK channel frequencies (Hz by GCLK_ID); stubs the clock tree (see above). */
  gclk?: Record<number, number>;
  /** Frequency of the channels `gclk` does not list (with a stubbed tree). Default 48 MHz. */
  gclkHz?: number;
  /**
   * No clock tree at all (CPU at 48 MHz): peripherals see no GCLK and use their documented
   * fallbacks (SyncBusy's fixed time; USB counts as clocked), as a bare context would.
   */
  noClockTree?: boolean;
  /** Record generated events in `events` instead of routing them through EVSYS. */
  recordEvents?: boolean;
  /** Record DMA triggers in `dma` instead of passing them to the DMAC. */
  recordDma?: boolean;
}

export class Samd21Rig {
  readonly mcu: Samd21;
  readonly scheduler: Scheduler;
  readonly bus: Bus;
  /** The peripherals' shared context. */
  readonly chip: Samd21Chip;
  /** Fixed GCLK channel frequencies (stubbed tree only); change them freely during a test. */
  readonly gclk = new Map<number, number>();
  gclkHz: number;
  /** NVIC line levels, and the cycles at which each line rose. */
  readonly irqs = new Map<number, boolean>();
  readonly irqRises = new Map<number, number[]>();
  /** Generated events / DMA triggers, when recorded. */
  readonly events: number[] = [];
  /** Level changes of level generators (AC), when events are recorded. */
  readonly eventLevels: [number, 0 | 1][] = [];
  readonly dma: number[] = [];
  private readonly isrs = new Map<number, { run: () => void; event: SimEvent }>();

  constructor(options: RigOptions = {}) {
    this.mcu = createSamd21({ variant: options.variant ?? 'G18A', xosc32kCrystal: options.xosc32kCrystal, core: options.cpu ? 'cortex-m0plus' : 'none' });
    if (this.mcu.core) this.mcu.core.state = 'sleeping';
    this.scheduler = this.mcu.scheduler;
    this.bus = this.mcu.bus;
    this.chip = this.mcu.context;
    this.gclkHz = options.gclkHz ?? RIG_HZ;
    if (options.gclk !== undefined || options.gclkHz !== undefined || options.noClockTree) this.stubClocks(options.gclk ?? {});
    if (options.noClockTree) this.chip.clocks = null;
    if (options.recordEvents) this.chip.events = { generate: (g) => this.events.push(g), level: (g, l) => this.eventLevels.push([g, l]) };
    if (options.recordDma) this.chip.dma = { trigger: (s) => this.dma.push(s) };
    // With no CPU, a recorder takes the NVIC lines (a CPU keeps its own).
    if (!this.mcu.core) this.chip.attachCore({ setInterrupt: (line, level) => this.interrupt(line, level), nmi: () => {} });
  }

  private stubClocks(channels: Record<number, number>): void {
    for (const [id, hz] of Object.entries(channels)) this.gclk.set(Number(id), hz);
    this.chip.clocks = { gclkFrequency: (id) => this.gclk.get(id) ?? this.gclkHz, generatorFrequency: () => this.gclkHz };
    this.chip.busClocks = { apbEnabled: () => true, cpuFrequency: () => RIG_HZ };
    this.chip.clockChanged();
  }

  private interrupt(line: number, level: boolean): void {
    if (level && !this.irqs.get(line)) {
      const list = this.irqRises.get(line) ?? [];
      list.push(this.scheduler.cycles);
      this.irqRises.set(line, list);
    }
    this.irqs.set(line, level);
    const isr = this.isrs.get(line);
    if (level && isr && !isr.event.scheduled) this.scheduler.scheduleIn(isr.event, IRQ_LATENCY);
  }

  /**
   * Runs `isr` a few cycles after NVIC line `line` rises, and again while it stays high (the line
   * is level-sensitive), as the core would run a handler.
   */
  onInterrupt(line: number, isr: (() => void) | null): void {
    if (!isr) {
      const old = this.isrs.get(line);
      if (old) this.scheduler.cancel(old.event);
      this.isrs.delete(line);
      return;
    }
    const event = new SimEvent(`isr ${line}`, () => {
      if (!this.irqs.get(line)) return;
      isr();
      if (this.irqs.get(line)) this.scheduler.scheduleIn(event, IRQ_LATENCY);
    });
    this.isrs.set(line, { run: isr, event });
    if (this.irqs.get(line)) this.scheduler.scheduleIn(event, IRQ_LATENCY);
  }

  irqLevel(line: number): boolean {
    return this.irqs.get(line) ?? false;
  }

  // ---------------------------------------------------------------- time

  get now(): number {
    return this.scheduler.cycles;
  }

  /** Fires every event up to and including `cycle`, then sets the time to `cycle`. */
  runTo(cycle: number): void {
    this.mcu.machine.runUntil(cycle);
  }

  run(cycles: number): void {
    this.runTo(this.now + cycles);
  }

  runUs(us: number): void {
    this.run(Math.round((us * this.scheduler.frequency) / 1e6));
  }

  /** Runs until `pred` no longer holds (checked after each event), at most `limit` cycles. */
  runWhile(pred: () => boolean, limit = 48_000_000): number {
    const s = this.scheduler;
    const end = this.now + limit;
    while (pred()) {
      const next = s.nextEventCycle;
      if (next > end) throw new Error(`condition still true after ${limit} cycles`);
      this.runTo(next);
    }
    return this.now;
  }

  /** Runs until the register at `address` (a SYNCBUSY) reads 0. */
  waitSync(address: number, limit = 10_000): void {
    this.runWhile(() => this.r32(address) !== 0, limit);
  }

  /** Polls `cond`, advancing `step` cycles at a time, up to `maxUs`; returns the µs waited. */
  waitFor(cond: () => boolean, maxUs = 100_000, step = 4): number {
    const start = this.now;
    const perUs = this.scheduler.frequency / 1e6;
    while (!cond()) {
      if (this.now - start > maxUs * perUs) throw new Error('timeout');
      this.run(step);
    }
    return (this.now - start) / perUs;
  }

  /** Runs in 1 ms steps until `done()` or `maxMs` elapsed; returns whether done() held. */
  runUntil(done: () => boolean, maxMs: number): boolean {
    for (let i = 0; i < maxMs; i++) {
      if (done()) return true;
      this.run(this.ms(1));
    }
    return done();
  }

  ms(n: number): number {
    return Math.round((n * this.scheduler.frequency) / 1000);
  }

  // ---------------------------------------------------------------- pads and registers

  pin(name: string): Pin {
    return this.mcu.pin(name);
  }

  /** What firmware does to hand `pin` to a peripheral: PMUX = `fn`, then PINCFG.PMUXEN (+INEN). */
  mux(pin: string, fn: PadFunction): void {
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

  /** Register accessors relative to one block's base (`rig.block('ADC').r(0x18, 1)`). */
  block(name: string): { base: number; r(offset: number, size: AccessSize): number; w(offset: number, size: AccessSize, value: number): void } {
    const base = peripheralSlot(name).base;
    return {
      base,
      r: (offset, size) => this.bus.read(base + offset, size),
      w: (offset, size, value) => this.bus.write(base + offset, size, value),
    };
  }

  r8(a: number): number { return this.bus.read(a, 1); }
  r16(a: number): number { return this.bus.read(a, 2); }
  r32(a: number): number { return this.bus.read(a, 4); }
  w8(a: number, v: number): void { this.bus.write(a, 1, v & 0xff); }
  w16(a: number, v: number): void { this.bus.write(a, 2, v & 0xffff); }
  w32(a: number, v: number): void { this.bus.write(a, 4, v >>> 0); }
}

/** Register access on one device directly, as the bus would hand it an access (offset, width). */
export function regs(dev: { read(offset: number, size: AccessSize): number; write(offset: number, size: AccessSize, value: number): void }) {
  return {
    r: (offset: number, size: AccessSize) => dev.read(offset, size),
    w: (offset: number, size: AccessSize, value: number) => dev.write(offset, size, value),
  };
}
