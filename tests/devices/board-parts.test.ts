/**
 * The CPX's simple parts on kernel pins: light sensor and thermistor voltages, buttons and the
 * slide switch against the chip's pulls, the speaker amplifier's enable and capture, the PDM
 * microphone's bit density.
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { INTERNAL_PULL_OHMS, Pin, connect } from '../../emulator/kernel/signals.js';
import { AlsPt19 } from '../../peripherals/devices/light-sensor.js';
import { NtcThermistor } from '../../peripherals/devices/thermistor.js';
import { PushButton } from '../../peripherals/devices/push-button.js';
import { SlideSwitch } from '../../peripherals/devices/slide-switch.js';
import { Speaker } from '../../peripherals/devices/speaker.js';
import { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';

const s = () => new Scheduler(48e6);

describe('CPX board parts', () => {
  it('light sensor: 2 mV/lux into the pad, saturating below VDD', () => {
    const sch = s();
    const chip = new Pin('PA11', sch);
    const light = new AlsPt19({ out: new Pin('LIGHT', sch) });
    connect(chip, light.out);
    light.setLux(100);
    expect(chip.voltage).toBeCloseTo(0.2, 6);
    light.setLux(1000);
    expect(chip.voltage).toBeCloseTo(2.0, 6);
    light.setLux(100_000);
    expect(chip.voltage).toBeCloseTo(3.2, 6);
  });

  it('thermistor divider: half VDD at 25 °C, rising with temperature; adafruit_thermistor recovers it', () => {
    const sch = s();
    const chip = new Pin('PA09', sch);
    const th = new NtcThermistor({ out: new Pin('TEMP', sch) });
    connect(chip, th.out);
    expect(chip.voltage).toBeCloseTo(1.65, 6);
    for (const c of [0, 18, 25, 40, 80]) {
      th.setTemperature(c);
      // adafruit_thermistor (high side): R = Rs * (65535 / value - 1); Steinhart with B
      const value = Math.round((chip.voltage / 3.3) * 65535);
      const r = 10000 * (65535 / value - 1);
      const t = 1 / (Math.log(r / 10000) / 3950 + 1 / 298.15) - 273.15;
      expect(Math.abs(t - c)).toBeLessThan(0.1);
    }
  });

  it('thermistor divider is two resistors: a pull-up on the pad adds in parallel to the NTC, a driven pad wins', () => {
    const sch = s();
    const chip = new Pin('PA09', sch);
    const th = new NtcThermistor({ out: new Pin('TEMP', sch) });
    connect(chip, th.out);
    const parallel = (a: number, b: number) => (a * b) / (a + b);
    for (const c of [10, 25, 40]) {
      th.setTemperature(c);
      const rNtc = 10000 * Math.exp(3950 * (1 / (c + 273.15) - 1 / 298.15));
      expect(th.resistanceAt(c)).toBeCloseTo(rNtc, 6);
      expect(chip.voltage).toBeCloseTo((3.3 * 10000) / (10000 + rNtc), 9);
      // The chip's internal pull-up (40 kΩ) in parallel with the NTC, to VDD.
      chip.setPull('up', INTERNAL_PULL_OHMS);
      const up = parallel(rNtc, INTERNAL_PULL_OHMS);
      expect(chip.voltage).toBeCloseTo((3.3 * 10000) / (10000 + up), 9);
      // An internal pull-down in parallel with the series resistor, to ground.
      chip.setPull('down', INTERNAL_PULL_OHMS);
      const down = parallel(10000, INTERNAL_PULL_OHMS);
      expect(chip.voltage).toBeCloseTo((3.3 * down) / (down + rNtc), 9);
      chip.setPull('none');
    }
    // At 25 °C: 1.65 V reads low; with a board's 10 kΩ I2C pull-up, 2.2 V reads high.
    th.setTemperature(25);
    expect(chip.level).toBe(0);
    chip.setPull('up', 10_000);
    expect(chip.voltage).toBeCloseTo(2.2, 9);
    expect(chip.level).toBe(1);
    chip.setPull('none');
    chip.drive(0);
    expect(chip.voltage).toBe(0);
    chip.drive(null);
    expect(chip.voltage).toBeCloseTo(1.65, 9);
    // Low side: the NTC to ground, the fixed resistor to VDD; warmer reads lower.
    const pad = new Pin('PAD', sch);
    const low = new NtcThermistor({ out: new Pin('T2', sch), highSide: false, celsius: 40 });
    connect(pad, low.out);
    const r40 = low.resistanceAt(40);
    expect(pad.voltage).toBeCloseTo((3.3 * r40) / (10000 + r40), 9);
  });

  it('buttons pull down externally and read 1 when pressed; the slide switch grounds its pin', () => {
    const sch = s();
    const pa28 = new Pin('PA28', sch);
    const a = new PushButton({ pin: new Pin('BTN_A', sch), activeLevel: 1, externalPull: 'down' });
    connect(pa28, a.pin);
    expect(pa28.level).toBe(0);
    expect(pa28.net.floating).toBe(false);
    a.press();
    expect(pa28.level).toBe(1);
    a.release();
    expect(pa28.level).toBe(0);

    const pa15 = new Pin('PA15', sch);
    const sw = new SlideSwitch({ pin: new Pin('SWITCH', sch) });
    connect(pa15, sw.pin);
    pa15.setPull('up'); // the chip's internal pull-up, as CircuitPython configures it
    expect(pa15.level).toBe(1);
    sw.set(true);
    expect(pa15.level).toBe(0);
    sw.toggle();
    expect(pa15.level).toBe(1);
  });

  it('speaker records fed samples only while enabled and estimates the pitch', () => {
    const sch = s();
    const en = new Pin('PA30', sch);
    const spk = new Speaker({ input: new Pin('SPK_IN', sch), enable: en, scheduler: sch });
    spk.feed(0, 1.0);
    expect(spk.sampleCount).toBe(0);
    en.drive(1);
    // 440 Hz square wave sampled at 8 kHz
    for (let i = 0; i < 800; i++) {
      const t = i / 8000;
      spk.feed(Math.round(t * 48e6), Math.sin(2 * Math.PI * 440 * t) >= 0 ? 2.0 : 0.5);
    }
    expect(spk.sampleCount).toBe(800);
    expect(spk.estimateFrequency()).toBeGreaterThan(435);
    expect(spk.estimateFrequency()).toBeLessThan(445);
  });

  it('speaker records a digital square wave on its input pin', () => {
    const sch = s();
    const input = new Pin('SPK_IN', sch);
    const spk = new Speaker({ input, scheduler: sch });
    const half = Math.round(48e6 / 1000 / 2);
    for (let i = 0; i < 20; i++) {
      input.drive(1);
      sch.advanceTo(sch.cycles + half);
      input.drive(0);
      sch.advanceTo(sch.cycles + half);
    }
    expect(spk.estimateFrequency()).toBeCloseTo(1000, 0);
  });

  it('PDM microphone: density 1/2 in silence, following the signal when loud', () => {
    const sch = s();
    const mic = new PdmMicrophone({ clk: new Pin('CLK', sch), data: new Pin('DAT', sch) });
    const density = (n: number) => {
      let ones = 0;
      for (let i = 0; i < n; i++) {
        const w = mic.nextBits(32, 1_024_000);
        for (let b = 0; b < 32; b++) ones += (w >>> b) & 1;
      }
      return ones / (32 * n);
    };
    expect(density(1000)).toBeCloseTo(0.5, 2);
    mic.setLevel(0.9, 100); // 100 Hz: a 1 ms window sits in one half-period
    let hi = 0;
    let lo = 1;
    for (let i = 0; i < 40; i++) {
      const d = density(32); // 1 ms
      hi = Math.max(hi, d);
      lo = Math.min(lo, d);
    }
    expect(hi).toBeGreaterThan(0.85);
    expect(lo).toBeLessThan(0.15);
    mic.setSoundLevelDb(94);
    expect(mic.amplitude).toBeCloseTo(Math.pow(10, -26 / 20), 6);
  });
});
