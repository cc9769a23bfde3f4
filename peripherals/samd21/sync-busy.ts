/**
 * SAMD21 write synchronisation (SYNCBUSY) and the CTRLA.SWRST/ENABLE protocol the SERCOM, TC,
 * TCC, ADC, DAC, ... share. The chip-neutral register machinery is in ../register-block.ts.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Register } from '../register-block.js';

/**
 * Write synchronisation between the APB clock domain and a peripheral's GCLK domain
 * (data sheet 13.3 "Synchronization"): a write to a synchronised register sets a SYNCBUSY bit,
 * and the value takes effect when it clears, between 3 and 6 GCLK periods (+ 2-3 APB cycles)
 * later. Firmware polls the bit, so it must read 1 and then 0.
 *
 * `start(bits)` sets `bits` and (re)schedules completion `gclkPeriods` periods of the
 * peripheral's GCLK later; `onDone(bits)` then applies the pending effect. Overlapping syncs
 * accumulate their bits and complete together.
 *
 * With the peripheral's GCLK stopped the real chip would stay busy forever; we complete after
 * `fallbackCycles` CPU cycles instead so a firmware bug cannot wedge the emulation, and count it
 * in `stalledSyncs` for diagnostics.
 */
export class SyncBusy {
  bits = 0;
  private pending = 0;
  stalledSyncs = 0;
  private readonly event: SimEvent;

  constructor(
    private readonly scheduler: Scheduler,
    /** The peripheral's GCLK frequency in Hz (0 when its clock channel is off). */
    private readonly gclkHz: () => number,
    private readonly onDone: (bits: number) => void = () => {},
    private readonly gclkPeriods = 5,
    private readonly apbCycles = 3,
    private readonly fallbackCycles = 64,
  ) {
    this.event = new SimEvent('syncbusy', () => this.complete());
  }

  get busy(): boolean {
    return this.bits !== 0;
  }

  /** Starts a synchronisation of `bits` (SYNCBUSY bit positions of the peripheral). */
  start(bits: number, gclkPeriods = this.gclkPeriods): void {
    this.bits |= bits;
    this.pending |= bits;
    const hz = this.gclkHz();
    let delay: number;
    if (hz > 0) {
      delay = Math.ceil((gclkPeriods * this.scheduler.frequency) / hz) + this.apbCycles;
    } else {
      this.stalledSyncs++;
      delay = this.fallbackCycles;
    }
    const at = this.scheduler.cycles + delay;
    if (!this.event.scheduled || this.event.cycle < at) this.scheduler.scheduleAt(this.event, at);
  }

  /** Completes any pending synchronisation now (a reset). */
  cancel(): void {
    this.scheduler.cancel(this.event);
    this.bits = 0;
    this.pending = 0;
  }

  private complete(): void {
    const done = this.pending;
    this.pending = 0;
    this.bits = 0;
    this.onDone(done);
  }
}

/** CTRLA.SWRST and CTRLA.ENABLE: bits 0 and 1 of CTRLA in every SAMD21 peripheral that has them. */
const CTRLA_SWRST = 1 << 0;
const CTRLA_ENABLE = 1 << 1;

/**
 * A CTRLA write in a peripheral with SWRST, an enable-protected CTRLA and SYNCBUSY.SWRST/ENABLE
 * (SERCOM 26.8.1, TC 30.8.1, TCC 31.8.1): SWRST = 1 ignores everything else, reads 1 and starts
 * the reset's synchronisation; while enabled only ENABLE may change; a change of ENABLE starts
 * its synchronisation (the peripheral enables or disables when it completes).
 * `ctrla.value` already holds the merged write; returns false when a reset was started.
 */
export function writeCtrlaSwrstEnable(ctrla: Register, value: number, old: number, sync: SyncBusy, syncSwrst: number, syncEnable: number): boolean {
  if (value & CTRLA_SWRST) {
    ctrla.value = (old | CTRLA_SWRST) >>> 0;
    sync.start(syncSwrst);
    return false;
  }
  if (old & CTRLA_ENABLE) ctrla.value = ((old & ~CTRLA_ENABLE) | (value & CTRLA_ENABLE)) >>> 0;
  if ((ctrla.value ^ old) & CTRLA_ENABLE) sync.start(syncEnable);
  return true;
}
