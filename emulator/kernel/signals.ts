/**
 * Pins and nets: the electrical layer between a chip's I/O ports and the parts on a board.
 *
 * A `Pin` is one terminal (a chip pad, a NeoPixel's DIN, a button contact). Each pin belongs to
 * exactly one `Net`; `connect(a, b)` merges their nets. A net resolves, in order of strength:
 *  1. pins actively driving a level (push-pull output); if they disagree the net is in
 *     contention, reads as the first driver's level and `contention` is set,
 *  2. an externally forced analog voltage (a sensor, a slider in the UI),
 *  3. pull-up / pull-down resistors, as a resistor divider: each pull has a resistance (a chip's
 *     internal pull is weak, ~40 kΩ; a board's external resistor is usually stronger), so an
 *     external 10 kΩ pull-up beats an internal pull-down, as firmware that probes for I2C
 *     pull-ups expects,
 *  4. otherwise floating, with `floating` set: nothing charges or discharges the net, so it keeps
 *     the voltage it had (its capacitance holds the charge; leakage, nA against pF, takes far
 *     longer than the microseconds firmware spends between reconfiguring a pad), and reads 0 V
 *     only if it never had another. Taking a pull or a driver away is therefore not an edge,
 *     unless a pin on the net is a load to ground (`discharges`: an LED and its resistor), which
 *     empties it: then it reads 0 V.
 * Every change of the resolved digital level is an edge, stamped with the scheduler's cycle, and
 * delivered to the net's listeners, so a device can decode timing-based protocols (WS2812).
 * Analog inputs that must react to any change of the voltage (a comparator) listen with
 * `onVoltage`, called after every resolve that changed it.
 */
import type { Scheduler } from './scheduler.js';

export type Pull = 'none' | 'up' | 'down';

/** Resistance of a pull when none is given: a typical on-chip pull resistor (SAMD21: 20-60 kΩ). */
export const INTERNAL_PULL_OHMS = 40_000;
/** A typical resistor a board adds (I2C pull-ups, button pull-downs). */
export const BOARD_PULL_OHMS = 10_000;
export type EdgeListener = (net: Net, level: 0 | 1, cycle: number) => void;
export type VoltageListener = (net: Net, volts: number) => void;

export class Pin {
  net: Net;
  /** Driven output level, or null when the pin is not driving (input / high-Z). */
  driven: 0 | 1 | null = null;
  pull: Pull = 'none';
  pullOhms = INTERNAL_PULL_OHMS;
  /** An analog voltage forced onto the pin by the outside world, or null. */
  forcedVoltage: number | null = null;
  /** A load to ground (an LED through its resistor): a floating net with it reads 0 V. */
  discharges = false;

  constructor(
    readonly name: string,
    scheduler: Scheduler,
    supplyVoltage = 3.3,
  ) {
    this.net = new Net(scheduler, supplyVoltage);
    this.net.pins.push(this);
  }

  /**
   * Drives the pin (null: stops driving). `cycle` stamps the resulting edge with a cycle other
   * than now: a peripheral that computes a serial waveform a word at a time (ESP8266 I2S)
   * delivers the word's edges when the word ends, each with the cycle at which it happened, so
   * edge decoders see exact timing without one scheduler event per bit.
   */
  drive(level: 0 | 1 | null, cycle?: number): void {
    if (this.driven === level) return;
    this.driven = level;
    this.net.resolve(cycle);
  }

  /** Connects a pull resistor (`ohms`: its resistance; default a weak on-chip pull). */
  setPull(pull: Pull, ohms = INTERNAL_PULL_OHMS): void {
    if (this.pull === pull && this.pullOhms === ohms) return;
    this.pull = pull;
    this.pullOhms = ohms;
    this.net.resolve();
  }

  /** Forces an analog voltage (null releases it). A voltage above VDD/2 reads as 1. */
  forceVoltage(volts: number | null): void {
    if (this.forcedVoltage === volts) return;
    this.forcedVoltage = volts;
    this.net.resolve();
  }

  get level(): 0 | 1 {
    return this.net.level;
  }

  get voltage(): number {
    return this.net.voltage;
  }
}

export class Net {
  readonly pins: Pin[] = [];
  readonly listeners: EdgeListener[] = [];
  readonly voltageListeners: VoltageListener[] = [];
  level: 0 | 1 = 0;
  voltage = 0;
  floating = true;
  contention = false;
  /** Cycle of the last edge of the resolved level. */
  lastEdgeCycle = 0;

  constructor(
    readonly scheduler: Scheduler,
    readonly supplyVoltage: number,
  ) {}

  onEdge(listener: EdgeListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Called after every change of the resolved voltage (not only of the digital level). */
  onVoltage(listener: VoltageListener): () => void {
    this.voltageListeners.push(listener);
    return () => {
      const i = this.voltageListeners.indexOf(listener);
      if (i >= 0) this.voltageListeners.splice(i, 1);
    };
  }

  /** Recomputes the net's level; an edge is stamped with `cycle` (default: now). */
  resolve(cycle?: number): void {
    const vdd = this.supplyVoltage;
    const before = this.voltage;
    let driver: Pin | null = null;
    let forced: Pin | null = null;
    let up = 0; // conductance of the pull-ups to VDD
    let down = 0; // conductance of the pull-downs to GND
    let load = false;
    this.contention = false;
    for (const pin of this.pins) {
      if (pin.discharges) load = true;
      if (pin.driven !== null) {
        if (driver && driver.driven !== pin.driven) this.contention = true;
        if (!driver) driver = pin;
      } else if (pin.forcedVoltage !== null) {
        if (!forced) forced = pin;
      } else if (pin.pull === 'up') {
        up += 1 / pin.pullOhms;
      } else if (pin.pull === 'down') {
        down += 1 / pin.pullOhms;
      }
    }
    this.floating = !driver && !forced && up === 0 && down === 0;
    if (driver) this.voltage = driver.driven ? vdd : 0;
    else if (forced) this.voltage = forced.forcedVoltage!;
    else if (!this.floating) this.voltage = (vdd * up) / (up + down);
    else if (load) this.voltage = 0;
    // otherwise floating: the voltage stays where it was (see the header).
    this.setLevel(this.voltage > vdd / 2 ? 1 : 0, cycle ?? this.scheduler.cycles);
    if (this.voltage !== before) for (const listener of this.voltageListeners) listener(this, this.voltage);
  }

  private setLevel(level: 0 | 1, cycle: number): void {
    if (level === this.level) return;
    this.level = level;
    this.lastEdgeCycle = cycle;
    for (const listener of this.listeners) listener(this, level, cycle);
  }
}

/** Joins the nets of two pins into one (the pins are now wired together). */
export function connect(a: Pin, b: Pin): Net {
  if (a.net === b.net) return a.net;
  const keep = a.net;
  const gone = b.net;
  for (const pin of gone.pins) {
    pin.net = keep;
    keep.pins.push(pin);
  }
  for (const listener of gone.listeners) keep.listeners.push(listener);
  for (const listener of gone.voltageListeners) keep.voltageListeners.push(listener);
  keep.resolve();
  return keep;
}
