/**
 * Start-up timestamps for profiling (issue 9): with CIRCUITEMU_STARTUP_TRACE set, `startupMark(label)` writes
 * "[startup] <ms since the process started> <label>" to standard error. A worker thread measures from the
 * main thread's origin (CIRCUITEMU_STARTUP_T0, set by bin/circuitemu.js). Costs nothing when unset.
 */
const on = !!process.env.CIRCUITEMU_STARTUP_TRACE;
const origin = Number(process.env.CIRCUITEMU_STARTUP_T0 ?? performance.timeOrigin);

export function startupMark(label: string): void {
  if (on) process.stderr.write(`[startup] ${(performance.timeOrigin + performance.now() - origin).toFixed(1).padStart(7)} ${label}\n`);
}
