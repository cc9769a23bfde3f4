/** Advances a bare scheduler by `seconds` of simulated time, firing due events as a machine would. */
import type { Scheduler } from '../../emulator/kernel/scheduler.js';

export function runSeconds(scheduler: Scheduler, seconds: number): void {
  const end = scheduler.cycles + scheduler.cyclesIn(seconds);
  while (scheduler.nextEventCycle <= end) {
    scheduler.advanceTo(scheduler.nextEventCycle);
    scheduler.runDue();
  }
  scheduler.advanceTo(end);
}
