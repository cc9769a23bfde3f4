/**
 * pwmio.PWMOut frequency changes (variable_frequency=True) on the hosted engine: the prescaler and TOP of
 * common_hal_pwmio_pwmout_set_frequency programmed into a TCC (PERB, double-buffered) or a TC (CC0 in MPWM),
 * measured as edges on the pin: the period and the duty cycle the timer model really produces.
 */
import { describe, expect, it } from 'vitest';
import { halRig } from './hal-modules.js';
import { runCode } from './harness.js';

/** Rising edges and high time on `pad` over `seconds` of simulated time. */
function measure(rig: ReturnType<typeof halRig>, pad: string, seconds: number): { hz: number; duty: number } {
  const { board, clock } = rig;
  const net = board.mcu.pin(pad).net;
  const hz = board.mcu.scheduler.frequency;
  let rises = 0;
  let high = 0;
  let since = board.mcu.scheduler.cycles;
  let level = net.level;
  const start = since;
  const off = net.onEdge((_p, l, cycle) => {
    if (level === 1) high += cycle - since;
    if (l === 1) rises++;
    level = l;
    since = cycle;
  });
  clock.advance(seconds);
  const end = board.mcu.scheduler.cycles;
  if (level === 1) high += end - since;
  off();
  return { hz: rises / seconds, duty: high / (end - start) };
}

describe('pwmio.PWMOut with variable_frequency', () => {
  for (const [pad, name, kind] of [
    ['PA17', 'LED', 'TCC2 (PERB)'],
    ['PB09', 'A6', 'TC4 (CC0 = TOP)'],
  ] as const) {
    it(`${name} on ${kind}: the period follows the new frequency, across a prescaler change, keeping the duty`, () => {
      const rig = halRig();
      const id = rig.hal.pwmConstruct(pad, name, 16384, 1000, true);
      rig.clock.advance(0.01);
      let m = measure(rig, pad, 0.2);
      expect(m.hz).toBeCloseTo(1000, -1);
      expect(m.duty).toBeCloseTo(0.25, 2);
      rig.hal.pwmSetFrequency(id, 4000, 16384);
      rig.clock.advance(0.01);
      m = measure(rig, pad, 0.2);
      expect(m.hz).toBeCloseTo(4000, -1);
      expect(m.duty).toBeCloseTo(0.25, 2);
      expect(rig.hal.pwmFrequency(id)).toBe(4000);
      // 100 Hz needs TOP 479999 at 48 MHz: the prescaler goes to 8 (TOP 59999).
      rig.hal.pwmSetFrequency(id, 100, 49152);
      rig.clock.advance(0.05);
      m = measure(rig, pad, 0.5);
      expect(m.hz).toBeCloseTo(100, 0);
      expect(m.duty).toBeCloseTo(0.75, 2);
      expect(rig.hal.pwmFrequency(id)).toBe(100);
      expect(() => rig.hal.pwmSetFrequency(id, 30e6, 0)).toThrow('Invalid frequency');
    });
  }

  it('from Python: frequency reads back, errors as on the firmware', { timeout: 60_000 }, async () => {
    const code =
      'import board, pwmio\np = pwmio.PWMOut(board.LED, frequency=1000, duty_cycle=32768, variable_frequency=True)\n' +
      'p.frequency = 440\nprint(p.frequency, p.duty_cycle)\np.frequency = 7\nprint(p.frequency)\n' +
      'try:\n    p.frequency = 0\nexcept ValueError as e:\n    print("ValueError:", e)\n' +
      'q = pwmio.PWMOut(board.A1, frequency=500)\ntry:\n    q.frequency = 600\nexcept AttributeError as e:\n    print("AttributeError:", e)\n';
    const out = await runCode({ 'code.py': code });
    expect(out).toContain('440 32767\r\n');
    expect(out).toContain('7\r\n');
    expect(out).toContain('ValueError: Invalid frequency\r\n');
    expect(out).toContain('AttributeError: Invalid variable_frequency\r\n');
  });
});
