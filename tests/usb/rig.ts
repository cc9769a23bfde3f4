/**
 * Test rig for the SAMD21 USB controller without a CPU: a bare chip context with SRAM and the
 * USB block on the bus, and an "interrupt controller" that runs a TypeScript ISR a few cycles
 * after the USB line rises (and again while it stays high), the way the NVIC would.
 */
import { Bus, Memory } from '../../emulator/kernel/bus.js';
import { Scheduler, SimEvent } from '../../emulator/kernel/scheduler.js';
import { Samd21Chip } from '../../peripherals/samd21/chip.js';
import { IRQ, RAM_BASE, RAM_SIZE } from '../../peripherals/samd21/memory-map.js';
import { Samd21Usb } from '../../peripherals/samd21/usb.js';

export const USB_BASE = 0x41005000;
/** Cycles from the line rising to the handler's first instruction (M0+: 15 + stacking). */
const IRQ_LATENCY = 24;

export interface Rig {
  scheduler: Scheduler;
  bus: Bus;
  ram: Memory;
  chip: Samd21Chip;
  usb: Samd21Usb;
  irqLevel(): boolean;
  /** Installs the USB interrupt handler (called while the line is high and "enabled"). */
  setIsr(isr: (() => void) | null): void;
  /** Runs the scheduler for `cycles`. */
  run(cycles: number): void;
  /** Runs in 1 ms steps until `done()` or `maxMs` elapsed; returns whether done() held. */
  runUntil(done: () => boolean, maxMs: number): boolean;
  ms(n: number): number;
  diagnostics: string[];
}

export function createRig(): Rig {
  const scheduler = new Scheduler(48_000_000);
  const bus = new Bus();
  const ram = new Memory(RAM_SIZE);
  bus.map('sram', RAM_BASE, RAM_SIZE, ram);
  const chip = new Samd21Chip(scheduler, bus, 'G18A');
  const usb = new Samd21Usb(chip);
  bus.map('USB', USB_BASE, 0x400, usb);
  const diagnostics: string[] = [];
  usb.onDiagnostic = (m) => diagnostics.push(m);
  let level = false;
  let isr: (() => void) | null = null;
  const isrEvent = new SimEvent('usb-isr', () => {
    if (!level || !isr) return;
    isr();
    // Level-sensitive: still pending after the handler returns -> taken again.
    if (level) scheduler.scheduleIn(isrEvent, IRQ_LATENCY);
  });
  chip.attachCore({
    setInterrupt: (line, l) => {
      if (line !== IRQ.USB) return;
      level = l;
      if (l && isr && !isrEvent.scheduled) scheduler.scheduleIn(isrEvent, IRQ_LATENCY);
    },
    nmi: () => {},
  });
  const run = (cycles: number) => {
    const limit = scheduler.cycles + cycles;
    while (scheduler.cycles < limit) {
      scheduler.setLimit(limit);
      scheduler.advanceTo(Math.min(limit, scheduler.nextEventCycle));
      scheduler.runDue();
    }
  };
  const ms = (n: number) => Math.round(n * 48_000);
  return {
    scheduler,
    bus,
    ram,
    chip,
    usb,
    irqLevel: () => level,
    setIsr: (f) => {
      isr = f;
      if (level && isr && !isrEvent.scheduled) scheduler.scheduleIn(isrEvent, IRQ_LATENCY);
    },
    run,
    runUntil(done, maxMs) {
      for (let i = 0; i < maxMs; i++) {
        if (done()) return true;
        run(ms(1));
      }
      return done();
    },
    ms,
    diagnostics,
  };
}

/** Runs the rig until a promise settles (microtasks are drained between 1 ms slices). */
export async function settle<T>(rig: Rig, promise: Promise<T>, maxMs = 20_000): Promise<T> {
  let state: 'pending' | 'done' = 'pending';
  const tracked = promise.then(
    (v) => {
      state = 'done';
      return v;
    },
    (e) => {
      state = 'done';
      throw e;
    },
  );
  tracked.catch(() => {});
  for (let i = 0; i < maxMs && state === 'pending'; i++) {
    rig.run(rig.ms(1));
    await new Promise<void>((r) => setImmediate(r));
  }
  if (state === 'pending') throw new Error(`promise did not settle within ${maxMs} ms of emulated time`);
  return tracked;
}
