/**
 * A potentiometer wired as a voltage divider between VDD and GND, its wiper on a pad (a knob a
 * user wires to an analog pin). The wiper's voltage is position × VDD; a position outside 0..1
 * stops at the end of the track, as the knob does. The source impedance (up to R/4 at mid-travel)
 * is not modelled: the ADC sees the ideal voltage.
 *
 * Wiring: const knob = new Potentiometer({ wiper: new Pin('A1', s) }); connect(chipPB08, knob.wiper);
 *         knob.setPosition(0.25);
 */
import type { Pin } from '../../emulator/kernel/signals.js';

export interface PotentiometerOptions {
  wiper: Pin;
  /** Supply across the track (default 3.3 V). */
  vdd?: number;
  /** Initial position, 0 (GND end) .. 1 (VDD end); default 0.5. */
  position?: number;
}

export class Potentiometer {
  readonly wiper: Pin;
  readonly vdd: number;
  private pos = 0;

  constructor(opts: PotentiometerOptions) {
    this.wiper = opts.wiper;
    this.vdd = opts.vdd ?? 3.3;
    this.setPosition(opts.position ?? 0.5);
  }

  get position(): number {
    return this.pos;
  }

  get voltage(): number {
    return this.pos * this.vdd;
  }

  /** Turns the knob; NaN leaves it where it is. */
  setPosition(position: number): void {
    if (Number.isNaN(position)) return;
    this.pos = Math.min(1, Math.max(0, position));
    this.wiper.forceVoltage(this.voltage);
  }
}
