/**
 * rotaryio on the SAMD21: ports/atmel-samd/common-hal/rotaryio/IncrementalEncoder.c with the software
 * encoder of shared-module/rotaryio/IncrementalEncoder.c (CircuitPython 9.2.9). Both pins on function A
 * with pull-ups, both EIC channels on both edges; each edge reads the two pins' levels from PORT IN and
 * steps the quadrature state machine; `divisor` quarter steps make one position.
 */
import { EIC_SENSE } from '../../../peripherals/samd21/eic.js';
import { HalError, Samd21Hal } from './hal.js';
import { eicChannelOf, setPull } from './countio.js';
import type { HostedEic } from './eic.js';

/**
 * The sub-count change for (old state << 2 | new state), state = A << 1 | B: +1 clockwise, -1
 * counter-clockwise, 0 for no movement and for the non-Gray-code jumps (a missed transition).
 */
const TRANSITIONS = [0, -1, +1, 0, +1, 0, 0, -1, -1, 0, 0, +1, 0, +1, -1, 0] as const;

interface Encoder {
  pads: [string, string];
  channels: [number, number];
  state: number;
  subCount: number;
  position: number;
  divisor: number;
}

export class Samd21RotaryIo {
  private readonly encoders = new Map<number, Encoder>();
  private nextId = 1;

  constructor(
    private readonly hal: Samd21Hal,
    private readonly eic: HostedEic,
  ) {}

  /** common_hal_rotaryio_incrementalencoder_construct, then set_divisor. */
  construct(padA: string, padB: string, nameA: string, nameB: string, divisor: number): number {
    const h = this.hal;
    h.assertFree(padA, nameA);
    h.assertFree(padB, nameB);
    const channelA = eicChannelOf(padA);
    const channelB = eicChannelOf(padB);
    if (channelA < 0) throw new HalError('ValueError', 'Invalid pin_a pin');
    if (channelB < 0) throw new HalError('ValueError', 'Invalid pin_b pin');
    if (this.eic.enabled()) {
      if (!this.eic.channelFree(channelA) || !this.eic.channelFree(channelB)) throw new HalError('RuntimeError', 'Internal resource(s) in use');
    } else this.eic.turnOnController();
    for (const pad of [padA, padB]) {
      h.pmux(pad, 'A');
      setPull(h, pad, 'up');
    }
    const e: Encoder = { pads: [padA, padB], channels: [channelA, channelB], state: 0, subCount: 0, position: 0, divisor };
    e.state = this.levels(e);
    h.claim(padA, nameA);
    h.claim(padB, nameB);
    const onEdge = () => this.update(e);
    this.eic.turnOnChannel(channelA, EIC_SENSE.BOTH, onEdge);
    this.eic.turnOnChannel(channelB, EIC_SENSE.BOTH, onEdge);
    const id = this.nextId++;
    this.encoders.set(id, e);
    return id;
  }

  /** (A << 1) | B from PORT IN, as gpio_get_pin_level reads them. */
  private levels(e: Encoder): number {
    return ((this.hal.dioGet(e.pads[0]) ? 1 : 0) << 1) | (this.hal.dioGet(e.pads[1]) ? 1 : 0);
  }

  /** incrementalencoder_interrupt_handler -> shared_module_softencoder_state_update. */
  private update(e: Encoder): void {
    const next = this.levels(e);
    e.subCount += TRANSITIONS[(e.state << 2) | next]!;
    e.state = next;
    if (e.subCount >= e.divisor) {
      e.position += 1;
      e.subCount = 0;
    } else if (e.subCount <= -e.divisor) {
      e.position -= 1;
      e.subCount = 0;
    }
  }

  private encoder(id: number): Encoder {
    const e = this.encoders.get(id);
    if (!e) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return e;
  }

  position(id: number): number {
    return this.encoder(id).position;
  }

  setPosition(id: number, value: number): void {
    this.encoder(id).position = value;
  }

  divisor(id: number): number {
    return this.encoder(id).divisor;
  }

  setDivisor(id: number, value: number): void {
    this.encoder(id).divisor = value;
  }

  deinit(id: number): void {
    const e = this.encoders.get(id);
    if (!e) return;
    this.eic.turnOffChannel(e.channels[0]);
    this.eic.turnOffChannel(e.channels[1]);
    this.hal.release(e.pads[0]);
    this.hal.release(e.pads[1]);
    this.encoders.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.encoders.keys()]) this.deinit(id);
  }
}
