/**
 * An LED from a pad to ground through a resistor (D13 on Adafruit's boards): lit while the pad
 * drives it high. The brightness a PWM signal gives (the mean of the level over time) is
 * measured from the pin's edges over a window the caller chooses.
 */
import type { Pin } from '../../emulator/kernel/signals.js';

export interface LedOptions {
  /** The anode's net (connect it to the chip pad). */
  anode: Pin;
  /** Display colour ('red', '#ff0000'), for drawings. */
  color: string;
}

export class Led {
  readonly anode: Pin;
  readonly color: string;
  /** Cycle of the last edge and the high time accumulated since `sinceCycle`. */
  private lastEdge = 0;
  private highCycles = 0;
  private sinceCycle = 0;

  constructor(opts: LedOptions) {
    this.anode = opts.anode;
    // The LED and its series resistor lead to ground: a pad left floating is emptied through them.
    this.anode.discharges = true;
    this.anode.net.resolve();
    this.color = opts.color;
    this.anode.net.onEdge((_net, level, cycle) => {
      // An edge to 0 ends a high interval; an edge to 1 ends a low one.
      if (level === 0) this.highCycles += cycle - Math.max(this.lastEdge, this.sinceCycle);
      this.lastEdge = cycle;
    });
  }

  get lit(): boolean {
    return this.anode.level === 1;
  }

  /** Fraction of time lit since the last call (0..1), up to cycle `now`; starts a new window. */
  dutySince(now: number): number {
    let high = this.highCycles;
    if (this.anode.level === 1) high += now - Math.max(this.lastEdge, this.sinceCycle);
    const span = now - this.sinceCycle;
    this.sinceCycle = now;
    this.highCycles = 0;
    return span > 0 ? Math.min(1, high / span) : this.lit ? 1 : 0;
  }
}
