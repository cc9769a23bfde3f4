/**
 * SAMD21 AC, the analog comparators, driven through its registers on a CPU-less chip. Expected
 * values come from the data sheet's definitions: the VDD scaler VDD × (VALUE + 1) / 64, the
 * bandgap, STATEn = positive > negative (inverted with SWAP), the majority filters (2 of 3, 3 of 5
 * samples at GCLK_AC_DIG), WSTATE from the two outputs, READYn after the start-up time.
 */
import { describe, expect, it } from 'vitest';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import {
  AC_COMPCTRL, AC_CTRLA, AC_CTRLB, AC_EVCTRL, AC_FLEN, AC_HYSTERESIS_VOLTS, AC_INT, AC_INTSEL, AC_MUXNEG, AC_MUXPOS, AC_OUT,
  AC_REG, AC_SPEED, AC_STARTUP_SECONDS, AC_STATUSA, AC_STATUSB, AC_WINCTRL, AC_WINTSEL, AC_WSTATE,
} from '../../peripherals/samd21/ac.js';
import { EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from '../../peripherals/samd21/memory-map.js';
import { Samd21Rig, regs } from '../helpers/samd21-rig.js';

const VDD = 3.3;
/** GCLK_AC_DIG in these tests: 1 MHz, so one sample period is 48 CPU cycles at 48 MHz. */
const AC_HZ = 1_000_000;
const PERIOD = 48;
const scaler = (value: number) => (VDD * (value + 1)) / 64;
const C = AC_COMPCTRL;
const ctrl = (f: { pos?: number; neg: number; intsel?: number; single?: boolean; out?: number; hyst?: boolean; flen?: number; swap?: boolean; speed?: number }) =>
  (C.ENABLE |
    (f.single ? C.SINGLE : 0) |
    ((f.speed ?? AC_SPEED.LOW) << C.SPEED_Pos) |
    ((f.intsel ?? AC_INTSEL.TOGGLE) << C.INTSEL_Pos) |
    (f.neg << C.MUXNEG_Pos) |
    ((f.pos ?? AC_MUXPOS.PIN0) << C.MUXPOS_Pos) |
    (f.swap ? C.SWAP : 0) |
    ((f.out ?? AC_OUT.OFF) << C.OUT_Pos) |
    (f.hyst ? C.HYST : 0) |
    ((f.flen ?? AC_FLEN.OFF) << C.FLEN_Pos)) >>>
  0;

function setup(opts: { acHz?: number } = {}) {
  const rig = new Samd21Rig({ gclk: { [GCLK_ID.AC_DIG]: opts.acHz ?? AC_HZ }, recordEvents: true });
  const ac = rig.mcu.ac;
  const { r, w } = regs(ac);
  // A voltage source on each AIN pad (PA04..PA07), as a sensor or the test bench would be.
  const ain = ['PA04', 'PA05', 'PA06', 'PA07'].map((name) => {
    const src = new Pin(`SRC_${name}`, rig.scheduler);
    connect(rig.pin(name), src);
    return src;
  });
  const sync = () => rig.runWhile(() => (r(AC_REG.STATUSB, 1) & AC_STATUSB.SYNCBUSY) !== 0, 10_000);
  const statusA = () => r(AC_REG.STATUSA, 1);
  const state = (n: number) => (statusA() >> n) & 1;
  const ready = (n: number) => (r(AC_REG.STATUSB, 1) >> n) & 1;
  const enable = () => {
    w(AC_REG.CTRLA, 1, AC_CTRLA.ENABLE);
    sync();
  };
  const comp = (n: number, value: number) => {
    w(AC_REG.COMPCTRL0 + 4 * n, 4, value);
    sync();
  };
  /** Sets AIN0 and lets the comparator sample it (a few periods). */
  const set = (volts: number, n = 0) => {
    ain[n].forceVoltage(volts);
    rig.run(6 * PERIOD);
  };
  const startup = (speed: 'LOW' | 'HIGH' = 'LOW') => Math.ceil(AC_STARTUP_SECONDS[speed] * rig.scheduler.frequency);
  return Object.assign(rig, { ac, r, w, ain, sync, statusA, state, ready, enable, comp, set, startup });
}

describe('AC: continuous comparison', () => {
  it('AIN0 against the VDD scaler: STATE0 = 1 exactly above VDD × (VALUE + 1) / 64, for every VALUE', () => {
    const t = setup();
    t.enable();
    t.w(AC_REG.SCALER0, 1, 31);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE }));
    expect(t.ready(0)).toBe(0);
    t.run(t.startup() + PERIOD);
    expect(t.ready(0)).toBe(1);
    expect(t.ac.scalerVoltage(0)).toBeCloseTo(1.65, 12);
    // A sweep of the pad from 0 to VDD in 10 mV steps: the output rises at the first step above 1.65 V.
    let rose = -1;
    for (let mv = 0; mv <= 3300; mv += 10) {
      t.set(mv / 1000);
      if (rose < 0 && t.state(0)) rose = mv;
    }
    expect(rose).toBe(1660);
    for (let value = 0; value < 64; value++) {
      t.w(AC_REG.SCALER0, 1, value);
      t.set(scaler(value) - 0.001);
      expect(t.state(0), `VALUE ${value}, 1 mV below`).toBe(0);
      t.set(scaler(value) + 0.001);
      expect(t.state(0), `VALUE ${value}, 1 mV above`).toBe(1);
    }
  });

  it('reads the bandgap, GND, the DAC and another pin as the negative input; SWAP inverts', () => {
    const t = setup();
    t.enable();
    t.comp(0, ctrl({ neg: AC_MUXNEG.BANDGAP }));
    t.run(t.startup() + PERIOD);
    t.set(1.09);
    expect(t.state(0)).toBe(0);
    t.set(1.11);
    expect(t.state(0)).toBe(1);
    t.comp(0, ctrl({ neg: AC_MUXNEG.GND }));
    t.run(t.startup() + PERIOD);
    t.set(0.001);
    expect(t.state(0)).toBe(1);
    // AIN1 (PA05) as the negative input, AIN2 (PA06) as the positive one.
    t.comp(0, ctrl({ pos: AC_MUXPOS.PIN2, neg: AC_MUXNEG.PIN1 }));
    t.run(t.startup() + PERIOD);
    t.ain[1].forceVoltage(2.0);
    t.set(1.9, 2);
    expect(t.state(0)).toBe(0);
    t.set(2.1, 2);
    expect(t.state(0)).toBe(1);
    // SWAP: the inputs exchanged and the output inverted: the same answer except at equality.
    t.comp(0, ctrl({ pos: AC_MUXPOS.PIN2, neg: AC_MUXNEG.PIN1, swap: true }));
    t.run(t.startup() + PERIOD);
    expect(t.state(0)).toBe(1);
    t.set(2.0, 2);
    expect(t.state(0)).toBe(1); // not (2.0 > 2.0), inverted
    t.comp(0, ctrl({ pos: AC_MUXPOS.PIN2, neg: AC_MUXNEG.PIN1 }));
    t.run(t.startup() + PERIOD);
    expect(t.state(0)).toBe(0); // 2.0 > 2.0 is false
    // The DAC's internal output (IOEN): 512/1023 of AVCC.
    const dac = t.mcu.dac;
    t.gclk.set(GCLK_ID.DAC, 48_000_000);
    dac.write(0x01, 1, 0x02 | (1 << 6)); // IOEN, REFSEL AVCC
    dac.write(0x00, 1, 0x02);
    t.run(1000);
    dac.write(0x08, 2, 512);
    t.run(1000);
    t.comp(0, ctrl({ neg: AC_MUXNEG.DAC }));
    t.run(t.startup() + PERIOD);
    const vdac = (512 / 1023) * VDD;
    t.set(vdac - 0.001);
    expect(t.state(0)).toBe(0);
    t.set(vdac + 0.001);
    expect(t.state(0)).toBe(1);
    // The DAC moving under a still pad moves the output too.
    dac.write(0x08, 2, 1000);
    t.run(1000);
    expect(t.state(0)).toBe(0);
  });

  it('interrupts on rising, falling and toggle (NVIC line 24), and COMP0 events follow STATE0', () => {
    for (const [intsel, expected] of [
      [AC_INTSEL.RISING, 3],
      [AC_INTSEL.FALLING, 3],
      [AC_INTSEL.TOGGLE, 6],
    ] as const) {
      const t = setup();
      t.enable();
      t.w(AC_REG.SCALER0, 1, 31);
      t.w(AC_REG.EVCTRL, 2, AC_EVCTRL.COMPEO0);
      t.w(AC_REG.INTENSET, 1, AC_INT.COMP0);
      let count = 0;
      t.onInterrupt(IRQ.AC, () => {
        count++;
        t.w(AC_REG.INTFLAG, 1, AC_INT.COMP0);
      });
      t.set(1.0);
      t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, intsel }));
      t.run(t.startup() + 2 * PERIOD);
      expect(count).toBe(0); // starts low: no edge
      for (let i = 0; i < 3; i++) {
        t.set(2.0);
        t.set(1.0);
      }
      expect(count, `INTSEL ${intsel}`).toBe(expected);
      expect(t.eventLevels).toEqual([
        [EVENT_GENERATOR.AC_COMP0, 1], [EVENT_GENERATOR.AC_COMP0, 0],
        [EVENT_GENERATOR.AC_COMP0, 1], [EVENT_GENERATOR.AC_COMP0, 0],
        [EVENT_GENERATOR.AC_COMP0, 1], [EVENT_GENERATOR.AC_COMP0, 0],
      ]);
    }
  });

  it('the output reaches STATUSA one sample after the input; MAJ3 and MAJ5 need 2 of 3 and 3 of 5 samples', () => {
    for (const [flen, needed] of [
      [AC_FLEN.OFF, 1],
      [AC_FLEN.MAJ3, 2],
      [AC_FLEN.MAJ5, 3],
    ] as const) {
      const t = setup();
      t.enable();
      t.w(AC_REG.SCALER0, 1, 31);
      t.set(1.0);
      t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, flen }));
      t.run(t.startup() + 6 * PERIOD);
      expect(t.ready(0)).toBe(1);
      expect(t.state(0)).toBe(0);
      // A step: STATE0 follows `needed` sample periods later, not before.
      t.ain[0].forceVoltage(2.0);
      const at = t.now;
      t.runWhile(() => t.state(0) === 0, 100 * PERIOD);
      expect(t.now - at, `FLEN ${flen}`).toBe(needed * PERIOD);
      // A glitch caught by one sample reaches STATUSA unfiltered; MAJ3/MAJ5 keep it out.
      t.run(6 * PERIOD);
      t.ain[0].forceVoltage(1.0);
      t.run(PERIOD + 1);
      expect(t.state(0), `glitch with FLEN ${flen}`).toBe(flen === AC_FLEN.OFF ? 0 : 1);
      t.ain[0].forceVoltage(2.0);
      t.run(6 * PERIOD);
      expect(t.state(0)).toBe(1);
    }
  });

  it('hysteresis (continuous only) holds the output until the input crosses the threshold by half of it the other way', () => {
    const t = setup();
    t.enable();
    t.w(AC_REG.SCALER0, 1, 31);
    t.set(1.0);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, hyst: true }));
    t.run(t.startup() + PERIOD);
    const h = AC_HYSTERESIS_VOLTS / 2;
    t.set(1.65 + h - 0.001);
    expect(t.state(0)).toBe(0);
    t.set(1.65 + h + 0.001);
    expect(t.state(0)).toBe(1);
    t.set(1.65 - h + 0.001);
    expect(t.state(0)).toBe(1);
    t.set(1.65 - h - 0.001);
    expect(t.state(0)).toBe(0);
  });

  it('window mode: WSTATE0 above/inside/below two scaler limits, WINTSEL interrupts, WIN0 events', () => {
    const t = setup();
    t.enable();
    t.w(AC_REG.SCALER0, 1, 47); // upper limit 2.475 V
    t.w(AC_REG.SCALER0 + 1, 1, 15); // lower limit 0.825 V
    t.w(AC_REG.WINCTRL, 1, AC_WINCTRL.WEN0 | (AC_WINTSEL.INSIDE << AC_WINCTRL.WINTSEL0_Pos));
    t.sync();
    t.w(AC_REG.EVCTRL, 2, AC_EVCTRL.WINEO0);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE }));
    t.comp(1, ctrl({ neg: AC_MUXNEG.VSCALE }));
    t.set(0.5);
    t.run(t.startup() + 2 * PERIOD);
    const wstate = () => (t.statusA() & AC_STATUSA.WSTATE0_Msk) >> AC_STATUSA.WSTATE0_Pos;
    expect(wstate()).toBe(AC_WSTATE.BELOW);
    t.w(AC_REG.INTFLAG, 1, 0xff);
    t.set(scaler(15) + 0.001);
    expect(wstate()).toBe(AC_WSTATE.INSIDE);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.WIN0).toBe(AC_INT.WIN0);
    t.w(AC_REG.INTFLAG, 1, 0xff);
    t.set(scaler(47) - 0.001);
    expect(wstate()).toBe(AC_WSTATE.INSIDE);
    t.set(scaler(47) + 0.001);
    expect(wstate()).toBe(AC_WSTATE.ABOVE);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.WIN0).toBe(0); // INSIDE fires only on entering
    // From above straight to below: the two comparators change on the same sample, so the
    // window never passes through INSIDE (no WIN0 with WINTSEL INSIDE).
    t.set(0.1);
    expect(wstate()).toBe(AC_WSTATE.BELOW);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.WIN0).toBe(0);
    // OUTSIDE: fires when leaving the window, above or below.
    t.w(AC_REG.WINCTRL, 1, AC_WINCTRL.WEN0 | (AC_WINTSEL.OUTSIDE << AC_WINCTRL.WINTSEL0_Pos));
    t.sync();
    t.set(1.5);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.WIN0).toBe(0);
    t.set(3.0);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.WIN0).toBe(AC_INT.WIN0);
    const win = t.eventLevels.filter(([g]) => g === EVENT_GENERATOR.AC_WIN0).map(([, l]) => l);
    expect(win).toEqual([1, 0, 1, 0]); // inside, above, (below: still outside), inside, above
  });
});

describe('AC: single-shot', () => {
  it('START0 clears READY0 and completes with the sample at the end of the start-up time; EOC interrupts every time', () => {
    const t = setup();
    t.enable();
    t.w(AC_REG.SCALER0, 1, 31);
    t.w(AC_REG.INTENSET, 1, AC_INT.COMP0);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, single: true, intsel: AC_INTSEL.EOC, speed: AC_SPEED.HIGH }));
    t.run(10 * PERIOD);
    expect(t.ready(0)).toBe(0); // single-shot: idle until started
    for (const volts of [2.0, 2.0, 1.0]) {
      t.ain[0].forceVoltage(volts);
      t.w(AC_REG.INTFLAG, 1, 0xff);
      t.w(AC_REG.CTRLB, 1, AC_CTRLB.START0);
      expect(t.ready(0)).toBe(0);
      const at = t.now;
      t.runWhile(() => t.ready(0) === 0, 10_000);
      expect(t.now - at).toBe(t.startup('HIGH'));
      expect(t.state(0)).toBe(volts > 1.65 ? 1 : 0);
      expect(t.irqLevel(IRQ.AC)).toBe(true);
    }
    // Between shots the comparator sleeps: the input moving changes nothing.
    t.set(3.0);
    expect(t.state(0)).toBe(0);
    expect(t.r(AC_REG.CTRLB, 1)).toBe(0); // write-only
  });

  it('a STATUSC read starts the comparison and stalls the bus until it is done; COMPEI0 events start it too', () => {
    const t = setup();
    t.enable();
    t.w(AC_REG.SCALER0, 1, 31);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, single: true, intsel: AC_INTSEL.RISING, flen: AC_FLEN.MAJ3 }));
    t.ain[0].forceVoltage(2.5);
    t.bus.stall = 0;
    const v = t.r(AC_REG.STATUSC, 1);
    expect(v & AC_STATUSA.STATE0).toBe(1);
    expect(t.bus.stall).toBe(t.startup() + 2 * PERIOD); // the 3rd filter sample, 2 periods after the start-up
    expect(t.ready(0)).toBe(1);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.COMP0).toBe(AC_INT.COMP0); // 0 -> 1: rising
    t.w(AC_REG.INTFLAG, 1, 0xff);
    t.bus.stall = 0;
    expect(t.r(AC_REG.STATUSC, 1) & AC_STATUSA.STATE0).toBe(1);
    expect(t.r(AC_REG.INTFLAG, 1) & AC_INT.COMP0).toBe(0); // 1 -> 1: no edge
    // Event start (EVCTRL.COMPEI0): USER AC_SOC0.
    t.w(AC_REG.EVCTRL, 2, AC_EVCTRL.COMPEI0);
    t.ain[0].forceVoltage(0.5);
    t.chip.deliverEvent(EVENT_USER.AC_SOC0);
    expect(t.ready(0)).toBe(0);
    t.run(t.startup() + 3 * PERIOD);
    expect(t.ready(0)).toBe(1);
    expect(t.state(0)).toBe(0);
    // Without COMPEI0 the event is ignored.
    t.w(AC_REG.EVCTRL, 2, 0);
    t.chip.deliverEvent(EVENT_USER.AC_SOC0);
    expect(t.ready(0)).toBe(1);
  });

  it('window mode with single-shot: START0 starts both comparators', () => {
    const t = setup();
    t.enable();
    t.w(AC_REG.SCALER0, 1, 47);
    t.w(AC_REG.SCALER0 + 1, 1, 15);
    t.w(AC_REG.WINCTRL, 1, AC_WINCTRL.WEN0);
    t.sync();
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, single: true }));
    t.comp(1, ctrl({ neg: AC_MUXNEG.VSCALE, single: true }));
    t.ain[0].forceVoltage(1.5);
    t.w(AC_REG.CTRLB, 1, AC_CTRLB.START0);
    t.run(t.startup() + PERIOD);
    expect(t.r(AC_REG.STATUSB, 1) & 3).toBe(3);
    expect((t.statusA() & AC_STATUSA.WSTATE0_Msk) >> AC_STATUSA.WSTATE0_Pos).toBe(AC_WSTATE.INSIDE);
  });
});

describe('AC: pins, clocks, synchronisation and bad input', () => {
  it('CMP0 on PA18 (function H): ASYNC follows the input at once, SYNC one sample later, OFF releases it', () => {
    const t = setup();
    t.mux('PA18', 'H');
    t.enable();
    t.w(AC_REG.SCALER0, 1, 31);
    t.set(1.0);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, out: AC_OUT.ASYNC }));
    t.run(t.startup() + PERIOD);
    const pa18 = t.pin('PA18');
    expect(pa18.level).toBe(0);
    t.ain[0].forceVoltage(2.0);
    expect(pa18.level).toBe(1); // no clock edge needed
    expect(t.state(0)).toBe(0);
    t.run(PERIOD);
    expect(t.state(0)).toBe(1);
    t.comp(0, ctrl({ neg: AC_MUXNEG.VSCALE, out: AC_OUT.SYNC }));
    t.run(t.startup() + PERIOD);
    t.ain[0].forceVoltage(1.0);
    expect(pa18.level).toBe(1);
    t.run(PERIOD);
    expect(pa18.level).toBe(0);
    t.w(AC_REG.COMPCTRL0, 4, ctrl({ neg: AC_MUXNEG.VSCALE, out: AC_OUT.OFF }));
    expect(pa18.driven).toBe(null);
    // A pad not muxed to the AC is not driven (PA19, CMP1's pad, left as GPIO).
    t.comp(1, ctrl({ neg: AC_MUXNEG.GND, out: AC_OUT.ASYNC }));
    t.run(t.startup() + PERIOD);
    expect(t.pin('PA19').level).toBe(0);
  });

  it('write synchronisation: CTRLA.ENABLE and COMPCTRLn.ENABLE take effect when STATUSB.SYNCBUSY clears; SWRST resets', () => {
    const t = setup();
    t.w(AC_REG.CTRLA, 1, AC_CTRLA.ENABLE);
    expect(t.r(AC_REG.STATUSB, 1) & AC_STATUSB.SYNCBUSY).toBe(AC_STATUSB.SYNCBUSY);
    t.sync();
    expect(t.r(AC_REG.CTRLA, 1)).toBe(AC_CTRLA.ENABLE);
    t.w(AC_REG.COMPCTRL0, 4, ctrl({ neg: AC_MUXNEG.GND }));
    expect(t.r(AC_REG.STATUSB, 1) & AC_STATUSB.SYNCBUSY).toBe(AC_STATUSB.SYNCBUSY);
    t.sync();
    t.run(t.startup() + PERIOD);
    expect(t.ready(0)).toBe(1);
    t.w(AC_REG.CTRLA, 1, AC_CTRLA.SWRST);
    t.sync();
    expect(t.r(AC_REG.CTRLA, 1)).toBe(0);
    expect(t.r(AC_REG.COMPCTRL0, 4)).toBe(0);
    expect(t.r(AC_REG.STATUSB, 1)).toBe(0);
  });

  it('enabling COMP1 leaves a running COMP0 alone', () => {
    const t = setup();
    t.enable();
    t.set(1.0);
    t.comp(0, ctrl({ neg: AC_MUXNEG.GND }));
    t.run(t.startup() + PERIOD);
    expect(t.ready(0)).toBe(1);
    t.comp(1, ctrl({ neg: AC_MUXNEG.GND }));
    expect(t.ready(0)).toBe(1);
    expect(t.ready(1)).toBe(0);
    t.run(t.startup());
    expect(t.ready(1)).toBe(1);
  });

  it('a comparator enabled while CTRLA.ENABLE = 0 waits for it; COMP1 alone runs with COMP0 off', () => {
    const t = setup();
    t.comp(1, ctrl({ neg: AC_MUXNEG.GND }));
    t.set(1.0);
    t.run(t.startup() + 10 * PERIOD);
    expect(t.ready(1)).toBe(0);
    t.enable();
    t.run(t.startup() + PERIOD);
    expect(t.ready(1)).toBe(1);
    expect(t.state(1)).toBe(1);
    expect(t.ready(0)).toBe(0);
  });

  it('no GCLK_AC_DIG: never ready, STATUSC does not hang, the start is counted; the clock appearing starts it', () => {
    const t = setup({ acHz: 0 });
    t.enable();
    t.set(2.0);
    t.comp(0, ctrl({ neg: AC_MUXNEG.GND }));
    t.run(100 * PERIOD);
    expect(t.ready(0)).toBe(0);
    expect(t.ac.stalledStarts).toBe(1);
    t.bus.stall = 0;
    expect(t.r(AC_REG.STATUSC, 1)).toBe(0);
    expect(t.bus.stall).toBe(0);
    t.gclk.set(GCLK_ID.AC_DIG, AC_HZ);
    t.chip.clockChanged();
    t.run(t.startup() + PERIOD);
    expect(t.ready(0)).toBe(1);
    expect(t.state(0)).toBe(1);
  });

  it('reserved SPEED, OUT and FLEN values are stored, counted, and act as LOW, OFF and no filter', () => {
    const t = setup();
    t.mux('PA18', 'H');
    t.enable();
    t.set(2.0);
    const value = (C.ENABLE | (3 << C.SPEED_Pos) | (AC_MUXNEG.GND << C.MUXNEG_Pos) | (3 << C.OUT_Pos) | (7 << C.FLEN_Pos)) >>> 0;
    t.comp(0, value);
    expect(t.r(AC_REG.COMPCTRL0, 4)).toBe(value);
    expect(t.ac.reservedSelections).toBe(1);
    const at = t.now;
    t.runWhile(() => t.ready(0) === 0, 10_000);
    expect(t.now - at).toBe(t.startup('LOW')); // LOW start-up, one sample (no filter)
    expect(t.state(0)).toBe(1);
    expect(t.pin('PA18').driven).toBe(null);
  });
});
