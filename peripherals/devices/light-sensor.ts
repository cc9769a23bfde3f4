/**
 * ALS-PT19 ambient light sensor (a phototransistor) with its load resistor, as on the Circuit
 * Playground Express (LIGHT / A8 = PA11).
 *
 * The phototransistor sources a current proportional to illuminance into the load resistor, so
 * the pad sees V = min(I·R, VDD − Vsat). Defaults: 0.2 µA/lux (the ALS-PT19's typical 20 µA at
 * 100 lux) into 10 kΩ, i.e. 2 mV/lux, saturating about 0.1 V below 3.3 V (≈ 1600 lux). The
 * values are parameters: set them from a board's schematic.
 *
 * Wiring: const light = new AlsPt19({ out: new Pin('LIGHT', s) }); connect(chipPA11, light.out);
 *         light.setLux(300);
 */
import type { Pin } from '../../emulator/kernel/signals.js';

export interface AlsPt19Options {
  out: Pin;
  /** Photocurrent per lux in amperes (default 0.2e-6). */
  amperesPerLux?: number;
  /** Load resistor in ohms (default 10 kΩ). */
  loadOhms?: number;
  vdd?: number;
  /** Saturation voltage of the phototransistor (default 0.1 V). */
  vsat?: number;
  lux?: number;
}

export class AlsPt19 {
  readonly out: Pin;
  readonly amperesPerLux: number;
  readonly loadOhms: number;
  readonly vdd: number;
  readonly vsat: number;
  private luxValue = 0;

  constructor(opts: AlsPt19Options) {
    this.out = opts.out;
    this.amperesPerLux = opts.amperesPerLux ?? 0.2e-6;
    this.loadOhms = opts.loadOhms ?? 10_000;
    this.vdd = opts.vdd ?? 3.3;
    this.vsat = opts.vsat ?? 0.1;
    this.setLux(opts.lux ?? 100);
  }

  get lux(): number {
    return this.luxValue;
  }

  /** Output voltage for an illuminance. */
  voltageFor(lux: number): number {
    return Math.min(Math.max(0, lux) * this.amperesPerLux * this.loadOhms, this.vdd - this.vsat);
  }

  setLux(lux: number): void {
    this.luxValue = Math.max(0, lux);
    this.out.forceVoltage(this.voltageFor(this.luxValue));
  }
}
