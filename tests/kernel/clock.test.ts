/**
 * CPU clock changes (scheduler.setFrequency): one cycle stays one CPU cycle, simulated time is
 * continuous across the change, and an event scheduled before a change fires at the simulated time
 * it was scheduled for (within one new cycle, never early), in the order it would have fired.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler, SimEvent } from '../../emulator/kernel/scheduler.js';
import { Bus } from '../../emulator/kernel/bus.js';
import { Machine } from '../../emulator/kernel/machine.js';
import { CPX_SPEC } from '../../boards/cpx.js';
import { buildSamd21Board } from '../../boards/samd21-board.js';
import { peripheralSlot } from '../../peripherals/samd21/memory-map.js';

function drain(s: Scheduler, until: number): void {
  for (;;) {
    const next = s.nextEventCycle;
    if (next > until) break;
    s.advanceTo(next);
    s.runDue();
  }
  s.advanceTo(until);
}

describe('scheduler frequency changes', () => {
  it('keeps simulated time continuous and pending events at their simulated time', () => {
    const s = new Scheduler(48_000_000);
    const fired: [string, number][] = [];
    const at = (name: string) => new SimEvent(name, (sch) => fired.push([name, sch.seconds]));
    const a = at('a');
    const b = at('b');
    const c = at('c');
    s.scheduleAt(a, 48_000); // 1 ms
    s.scheduleAt(b, 96_000); // 2 ms
    s.scheduleAt(c, 96_000); // 2 ms, after b
    drain(s, 24_000); // 0.5 ms
    s.setFrequency(8_000_000);
    expect(s.seconds).toBeCloseTo(0.0005, 12);
    expect(s.frequency).toBe(8_000_000);
    drain(s, s.cycles + 16_000); // 2 ms more at 8 MHz
    expect(fired.map(([n]) => n)).toEqual(['a', 'b', 'c']);
    expect(fired[0][1]).toBeCloseTo(0.001, 9);
    expect(fired[1][1]).toBeCloseTo(0.002, 9);
    expect(s.seconds).toBeCloseTo(0.0025, 12);
  });

  it('never fires a rescaled event early, and keeps same-time order when rounding merges cycles', () => {
    const s = new Scheduler(48_000_000);
    const order: string[] = [];
    const e1 = new SimEvent('e1', () => order.push('e1'));
    const e2 = new SimEvent('e2', () => order.push('e2'));
    s.scheduleAt(e2, 48); // later
    s.scheduleAt(e1, 47); // earlier, though scheduled second
    s.setFrequency(1_000_000); // both map into cycle 1 (ceil: never early)
    expect(e1.cycle).toBe(1);
    expect(e2.cycle).toBe(1);
    drain(s, 5);
    expect(order).toEqual(['e1', 'e2']);
  });

  it('leaves events in the CPU clock domain (SysTick, CCOMPARE) at their cycle', () => {
    const s = new Scheduler(1_000_000);
    const tick = new SimEvent('systick', () => {}, true);
    const timer = new SimEvent('timer', () => {});
    s.scheduleAt(tick, 1000);
    s.scheduleAt(timer, 1000);
    s.setFrequency(48_000_000);
    expect(tick.cycle).toBe(1000); // 1000 CPU cycles, now 20.8 µs
    expect(timer.cycle).toBe(48_000); // 1 ms, as before
  });

  it('rescales the run limit: runFor(t) still ends at t when the clock changes mid-run', () => {
    const s = new Scheduler(48_000_000);
    const m = new Machine(s, new Bus());
    const change = new SimEvent('clock', (sch) => sch.setFrequency(1_000_000));
    s.scheduleAt(change, 4_800_000); // at 0.1 s
    m.runFor(1);
    expect(s.seconds).toBeCloseTo(1, 6);
    expect(s.frequency).toBe(1_000_000);
  });

  it('a SAMD21 runs at 1 MHz after reset and at 48 MHz once GCLK0 comes from the DFLL48M', () => {
    const board = buildSamd21Board(CPX_SPEC, { core: 'none' });
    const { bus, scheduler, context } = board.mcu;
    expect(scheduler.frequency).toBe(1_000_000);
    expect(context.cpuFrequency()).toBe(1_000_000);
    // OSC8M prescaler /1 (SYSCTRL.OSC8M.PRESC = 0, 17.8.18): GCLK0 = 8 MHz, the CPU follows.
    const SYSCTRL = peripheralSlot('SYSCTRL').base;
    const osc8m = bus.read(SYSCTRL + 0x20, 4);
    bus.write(SYSCTRL + 0x20, 4, osc8m & ~(3 << 8));
    expect(scheduler.frequency).toBe(8_000_000);
    const t0 = scheduler.seconds;
    board.machine.runFor(0.25);
    expect(scheduler.seconds - t0).toBeCloseTo(0.25, 6);
  });
});
