/**
 * NTC thermistor in a voltage divider, as on the Circuit Playground Express (TEMPERATURE / A9 =
 * PA09): a 10 kΩ (at 25 °C), B = 3950 NTC from 3.3 V to the pad and a 10 kΩ resistor from the pad
 * to ground ("high side", the configuration adafruit_thermistor assumes by default and the CPX
 * library uses: Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)).
 *
 *   R_ntc(T) = R0 · exp(B · (1/T − 1/T0)),  V = VDD · R_series / (R_series + R_ntc)   (high side)
 *                                           V = VDD · R_ntc / (R_series + R_ntc)      (low side)
 *
 * Wiring: const t = new NtcThermistor({ out: new Pin('TEMP', s) }); connect(chipPA09, t.out);
 *         t.setTemperature(30);
 */
import type { Pin } from '../../emulator/kernel/signals.js';

export interface NtcThermistorOptions {
  out: Pin;
  /** Resistance at the nominal temperature (default 10 kΩ). */
  nominalOhms?: number;
  /** Nominal temperature in °C (default 25). */
  nominalCelsius?: number;
  /** B coefficient (default 3950). */
  beta?: number;
  /** The fixed divider resistor (default 10 kΩ). */
  seriesOhms?: number;
  /** true: thermistor between VDD and the pad (the CPX); false: between the pad and ground. */
  highSide?: boolean;
  vdd?: number;
  celsius?: number;
}

export class NtcThermistor {
  readonly out: Pin;
  readonly nominalOhms: number;
  readonly nominalCelsius: number;
  readonly beta: number;
  readonly seriesOhms: number;
  readonly highSide: boolean;
  readonly vdd: number;
  private celsiusValue = 25;

  constructor(opts: NtcThermistorOptions) {
    this.out = opts.out;
    this.nominalOhms = opts.nominalOhms ?? 10_000;
    this.nominalCelsius = opts.nominalCelsius ?? 25;
    this.beta = opts.beta ?? 3950;
    this.seriesOhms = opts.seriesOhms ?? 10_000;
    this.highSide = opts.highSide ?? true;
    this.vdd = opts.vdd ?? 3.3;
    this.setTemperature(opts.celsius ?? 25);
  }

  get celsius(): number {
    return this.celsiusValue;
  }

  resistanceAt(celsius: number): number {
    const t = celsius + 273.15;
    const t0 = this.nominalCelsius + 273.15;
    return this.nominalOhms * Math.exp(this.beta * (1 / t - 1 / t0));
  }

  voltageAt(celsius: number): number {
    const r = this.resistanceAt(celsius);
    return this.highSide ? (this.vdd * this.seriesOhms) / (this.seriesOhms + r) : (this.vdd * r) / (this.seriesOhms + r);
  }

  setTemperature(celsius: number): void {
    this.celsiusValue = Math.max(-55, Math.min(150, celsius));
    this.out.forceVoltage(this.voltageAt(this.celsiusValue));
  }
}
