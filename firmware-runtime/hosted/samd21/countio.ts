/**
 * countio on the SAMD21: ports/atmel-samd/common-hal/countio/Counter.c (CircuitPython 9.2.9). The pin on
 * function A (its EIC channel) with the pull asked for, the channel's sense set to the edge, and the count
 * kept by the channel's interrupt handler (counter_interrupt_handler: one per edge).
 */
import { extintOfPad, EIC_SENSE } from '../../../peripherals/samd21/eic.js';
import { HalError, Samd21Hal } from './hal.js';
import type { HostedEic } from './eic.js';

export type CountEdge = 'rise' | 'fall' | 'both';
export type Pull = 'none' | 'up' | 'down';

interface Counter {
  pad: string;
  channel: number;
  count: number;
}

const SENSE: Record<CountEdge, number> = { rise: EIC_SENSE.RISE, fall: EIC_SENSE.FALL, both: EIC_SENSE.BOTH };

/** The EIC channel of a pad, or -1 (data sheet table 7-1, function A). */
export function eicChannelOf(pad: string): number {
  return extintOfPad((pad[1] === 'B' ? 32 : 0) + Samd21Hal.bit(pad));
}

/** gpio_set_pin_pull_mode: PINCFG.PULLEN with OUT choosing up or down (23.6.3.3). */
export function setPull(hal: Samd21Hal, pad: string, pull: Pull): void {
  const addr = Samd21Hal.group(pad) + 0x40 + Samd21Hal.bit(pad);
  if (pull !== 'none') hal.setOut(pad, pull === 'up');
  hal.w8(addr, (hal.r8(addr) & ~4) | (pull === 'none' ? 0 : 4));
}

export class Samd21CountIo {
  private readonly counters = new Map<number, Counter>();
  private nextId = 1;

  constructor(
    private readonly hal: Samd21Hal,
    private readonly eic: HostedEic,
  ) {}

  /** common_hal_countio_counter_construct. */
  construct(pad: string, name: string, edge: CountEdge, pull: Pull): number {
    const h = this.hal;
    h.assertFree(pad, name);
    const channel = eicChannelOf(pad);
    if (channel < 0) throw new HalError('ValueError', 'Invalid pin');
    if (this.eic.enabled()) {
      if (!this.eic.channelFree(channel)) throw new HalError('RuntimeError', 'Internal resource(s) in use');
    } else this.eic.turnOnController();
    h.pmux(pad, 'A');
    setPull(h, pad, pull);
    const counter: Counter = { pad, channel, count: 0 };
    h.claim(pad, name);
    this.eic.turnOnChannel(channel, SENSE[edge], () => {
      counter.count++;
    });
    const id = this.nextId++;
    this.counters.set(id, counter);
    return id;
  }

  private counter(id: number): Counter {
    const c = this.counters.get(id);
    if (!c) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return c;
  }

  count(id: number): number {
    return this.counter(id).count;
  }

  setCount(id: number, value: number): void {
    this.counter(id).count = value;
  }

  /** common_hal_countio_counter_deinit: the channel off (the controller with its last user), the pin reset. */
  deinit(id: number): void {
    const c = this.counters.get(id);
    if (!c) return;
    this.eic.turnOffChannel(c.channel);
    this.hal.release(c.pad);
    this.counters.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.counters.keys()]) this.deinit(id);
  }
}
