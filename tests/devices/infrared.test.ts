/**
 * IR LED and receiver against the NEC protocol's timings (9 ms / 4.5 ms leader, 562.5 µs marks,
 * 562.5 / 1687.5 µs spaces, 32 bits LSB first with inverted copies): a 38 kHz carrier train on
 * the LED's anode decodes back to its address and command and carrier frequency; a receiver
 * plays a train onto its (active-low) output with the same durations.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { runSeconds } from '../helpers/run-scheduler.js';
import { IrLed, IrReceiver, necDecode, necEncode } from '../../peripherals/devices/infrared.js';

function clock() {
  const scheduler = new Scheduler(48e6);
  return { scheduler, run: (seconds: number) => runSeconds(scheduler, seconds) };
}

describe('NEC helpers', () => {
  it('encode: leader, 32 bits LSB first with inverted copies, final mark; decode inverts it', () => {
    const t = necEncode(0x04, 0x08);
    expect(t).toHaveLength(67);
    expect(t.slice(0, 2)).toEqual([9000, 4500]);
    // Address 0x04 LSB first: bits 0,0,1,0,...: the third bit's space is long.
    expect(t.slice(2, 8)).toEqual([562.5, 562.5, 562.5, 562.5, 562.5, 1687.5]);
    expect(necDecode(t)).toEqual({ address: 0x04, command: 0x08 });
    const bad = [...t];
    bad[3] = 1000; // a space that is neither 0 nor 1
    expect(necDecode(bad)).toBeNull();
    expect(necDecode([1, 2, 3])).toBeNull();
  });
});

describe('IR LED', () => {
  it('decodes a 38 kHz carrier NEC transmission into its pulse train and carrier frequency', () => {
    const { scheduler, run } = clock();
    const anode = new Pin('REMOTEOUT', scheduler);
    anode.drive(0);
    const led = new IrLed({ anode, scheduler });
    const seen: number[][] = [];
    led.onTrain((t) => seen.push(t));
    const period = 1 / 38_000;
    necEncode(0x10, 0x22).forEach((d, i) => {
      if (i % 2 === 1) return run(d / 1e6); // space: dark
      const cycles = Math.round((d / 1e6) / period);
      for (let c = 0; c < cycles; c++) {
        anode.drive(1);
        run(period / 2);
        anode.drive(0);
        run(period / 2);
      }
    });
    expect(seen).toHaveLength(0); // not yet dark long enough
    run(0.03);
    expect(seen).toHaveLength(1);
    expect(necDecode(seen[0])).toEqual({ address: 0x10, command: 0x22 });
    expect(led.carrierHz).toBeCloseTo(38_000, -2);
  });
});

describe('IR receiver', () => {
  it('plays a train onto its output: low for marks, high for spaces and when idle', () => {
    const { scheduler, run } = clock();
    const out = new Pin('REMOTEIN', scheduler);
    const rx = new IrReceiver({ out, scheduler });
    const edges: [number, number][] = [];
    out.net.onEdge((_n, level) => edges.push([level, scheduler.seconds]));
    expect(out.level).toBe(1);
    rx.receive(necEncode(0x01, 0x02));
    run(0.1);
    expect(rx.busy).toBe(false);
    expect(out.level).toBe(1);
    const durations = edges.slice(1).map(([, t], i) => Math.round((t - edges[i][1]) * 1e6 * 2) / 2);
    expect(necDecode(durations)).toEqual({ address: 0x01, command: 0x02 });
  });

  it('takes negative or non-finite durations as zero', () => {
    const { scheduler, run } = clock();
    const out = new Pin('REMOTEIN', scheduler);
    const rx = new IrReceiver({ out, scheduler });
    rx.receive([-5, Number.NaN, 100]);
    run(0.001);
    expect(out.level).toBe(1);
    expect(rx.busy).toBe(false);
  });
});
