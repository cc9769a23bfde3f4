/**
 * A momentary push button between a pin and a supply rail, with an optional external pull
 * resistor on the pin.
 *
 * Circuit Playground Express: buttons A (PA28) and B (PA14) connect the pin to 3.3 V when pressed
 * (active high) and have external pull-down resistors (the Circuit Playground button circuit,
 * learn.adafruit.com "Circuit Playground digital input / Under the hood"); CircuitPython also
 * enables the internal pull-down. So: new PushButton({ pin, activeLevel: 1, externalPull: 'down' }).
 * A closed contact is modelled as a driver (stronger than any pull), released as high-Z.
 */
import { BOARD_PULL_OHMS, type Pin, type Pull } from '../../emulator/kernel/signals.js';

export interface PushButtonOptions {
  /** The button's contact on the board net (connect it to the chip pad). */
  pin: Pin;
  /** The rail the closed contact connects to: 1 = VDD (active high), 0 = GND (active low). */
  activeLevel?: 0 | 1;
  /** External pull resistor on the net (default: none). */
  externalPull?: Pull;
  /** Its resistance (board resistors are stronger than a chip's internal pulls). */
  externalPullOhms?: number;
}

export class PushButton {
  readonly pin: Pin;
  readonly activeLevel: 0 | 1;
  private isPressed = false;
  private readonly listeners: ((pressed: boolean) => void)[] = [];

  constructor(opts: PushButtonOptions) {
    this.pin = opts.pin;
    this.activeLevel = opts.activeLevel ?? 1;
    this.pin.setPull(opts.externalPull ?? 'none', opts.externalPullOhms ?? BOARD_PULL_OHMS);
    this.pin.drive(null);
  }

  get pressed(): boolean {
    return this.isPressed;
  }

  press(): void {
    this.set(true);
  }

  release(): void {
    this.set(false);
  }

  set(pressed: boolean): void {
    if (pressed === this.isPressed) return;
    this.isPressed = pressed;
    this.pin.drive(pressed ? this.activeLevel : null);
    for (const l of this.listeners) l(pressed);
  }

  onChange(listener: (pressed: boolean) => void): void {
    this.listeners.push(listener);
  }
}
