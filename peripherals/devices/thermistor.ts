/**
 * NTC thermistor in a voltage divider, as on the Circuit Playground Express (TEMPERATURE / A9 =
 * PA09): a 10 kΩ (at 25 °C), B = 3950 NTC from 3.3 V to the pad and a 10 kΩ resistor from the pad
 * to ground ("high side", the configuration adafruit_thermistor assumes by default and the CPX
 * library uses: Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)).
 *
 *   R_ntc(T) = R0 · exp(B · (1/T − 1/T0)),  V = VDD · R_series / (R_series + R_ntc)   (high side)
 *                                           V = VDD · R_ntc / (R_series + R_ntc)      (low side)
 *
 * The two resistors are resistors on the pad's net, not a voltage source: the NTC is a pull to VDD
 * (high side) of R_ntc(T) on `out`, the series resistor a pull to ground on a second terminal wired
 * to the same net. So whatever else loads the pad adds in parallel as on the board: the chip's own
 * pull-up (PINCFG.PULLEN, ~40 kΩ) raises the divider, an I2C pull-up of 10 kΩ raises it to a logic
 * high, and a pad driven as an output wins outright.
 *
 * Wiring: const t = new NtcThermistor({ out: new Pin('TEMP', s) }); connect(chipPA09, t.out);
 *         t.setTemperature(30);
 */
import { Pin, connect } from '../../emulator/kernel/signals.js';

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
  /** The fixed resistor's terminal on the same net as `out`. */
  readonly series: Pin;
  private celsiusValue = 25;

  constructor(opts: NtcThermistorOptions) {
    this.out = opts.out;
    this.nominalOhms = opts.nominalOhms ?? 10_000;
    this.nominalCelsius = opts.nominalCelsius ?? 25;
    this.beta = opts.beta ?? 3950;
    this.seriesOhms = opts.seriesOhms ?? 10_000;
    this.highSide = opts.highSide ?? true;
    this.vdd = opts.vdd ?? 3.3;
    if (this.vdd !== this.out.net.supplyVoltage) {
      throw new Error(`NtcThermistor: vdd ${this.vdd} V differs from the net's supply ${this.out.net.supplyVoltage} V`);
    }
    this.series = new Pin(`${this.out.name}.series`, this.out.net.scheduler, this.vdd);
    this.series.setPull(this.highSide ? 'down' : 'up', this.seriesOhms);
    connect(this.out, this.series);
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

  /** The divider's output with nothing else loading the net. */
  voltageAt(celsius: number): number {
    const r = this.resistanceAt(celsius);
    return this.highSide ? (this.vdd * this.seriesOhms) / (this.seriesOhms + r) : (this.vdd * r) / (this.seriesOhms + r);
  }

  setTemperature(celsius: number): void {
    this.celsiusValue = Math.max(-55, Math.min(150, celsius));
    this.out.setPull(this.highSide ? 'up' : 'down', this.resistanceAt(this.celsiusValue));
  }
}
