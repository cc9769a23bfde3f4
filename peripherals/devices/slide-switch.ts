/**
 * A slide switch that connects a pin to a rail in one position and leaves it open in the other.
 *
 * Circuit Playground Express: SLIDE_SWITCH (PA15) is switched to GND in one position and open in
 * the other, with no external resistor: CircuitPython (adafruit_circuitplayground) enables the
 * internal pull-up, so the pin reads 1 when open and 0 when closed.
 *   new SlideSwitch({ pin, closedLevel: 0 })
 */
import { BOARD_PULL_OHMS, type Pin, type Pull } from '../../emulator/kernel/signals.js';

export interface SlideSwitchOptions {
  pin: Pin;
  /** The rail the closed contact connects to (default GND). */
  closedLevel?: 0 | 1;
  externalPull?: Pull;
  /** Its resistance (board resistors are stronger than a chip's internal pulls). */
  externalPullOhms?: number;
  closed?: boolean;
}

export class SlideSwitch {
  readonly pin: Pin;
  readonly closedLevel: 0 | 1;
  private isClosed = false;

  constructor(opts: SlideSwitchOptions) {
    this.pin = opts.pin;
    this.closedLevel = opts.closedLevel ?? 0;
    this.pin.setPull(opts.externalPull ?? 'none', opts.externalPullOhms ?? BOARD_PULL_OHMS);
    this.set(opts.closed ?? false);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  set(closed: boolean): void {
    this.isClosed = closed;
    this.pin.drive(closed ? this.closedLevel : null);
  }

  toggle(): void {
    this.set(!this.isClosed);
  }
}
