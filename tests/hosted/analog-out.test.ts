/**
 * analogio.AnalogOut of the hosted engine on the DAC model: the 16-bit value goes to DATA left-adjusted
 * (CircuitPython's hpl_dac_config.h), so the DAC converts value >> 6 and drives VOUT = code / 1023 x VDDANA
 * (data sheet 35.6.2) onto PA02, where the CPX's speaker amplifier listens.
 */
import { describe, expect, it } from 'vitest';
import { halRig } from './hal-modules.js';
import { start } from './harness.js';

describe('analogio.AnalogOut', () => {
  it('programs the DAC as dac_sync does and drives VOUT on PA02 (hal level)', () => {
    const { board, hal, mods } = halRig();
    const seen: number[] = [];
    board.mcu.dac.onOutput((_c, value) => seen.push(value));
    expect(() => mods.dac.construct('PA05', 'A1')).toThrow('Invalid pin');
    mods.dac.construct('PA02', 'A0');
    expect(hal.r8(0x42004800 + 1)).toBe(0x45); // CTRLB: EOEN | LEFTADJ | REFSEL AVCC
    expect(() => mods.dac.construct('PA02', 'A0')).toThrow('A0 in use');
    for (const v of [0, 32768, 65535, 1000]) {
      mods.dac.write(v);
      expect(board.mcu.dac.value).toBe(v >> 6);
      expect(board.mcu.pin('PA02').voltage).toBeCloseTo(((v >> 6) / 1023) * 3.3, 6);
    }
    expect(seen.slice(-4)).toEqual([0, 512, 1023, 15]);
    mods.dac.deinit();
    mods.dac.construct('PA02', 'A0');
  });

  it('from Python: the speaker sees the DAC levels; errors as CircuitPython words them', { timeout: 60_000 }, async () => {
    const code = [
      'import analogio, board, digitalio, time',
      'en = digitalio.DigitalInOut(board.SPEAKER_ENABLE)\nen.switch_to_output(True)',
      'dac = analogio.AnalogOut(board.A0)',
      'for v in (0, 16384, 65535, 32768):\n    dac.value = v\n    time.sleep(0.01)',
      'try:\n    dac.value = 70000\nexcept ValueError as e:\n    print("ValueError:", e)',
      'try:\n    print(dac.value)\nexcept AttributeError as e:\n    print("AttributeError:", e)',
      'print("set")\ninput()',
      '',
    ].join('\n');
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('set\r\n');
      expect(s.text).toContain('ValueError: value must be 0-65535\r\n');
      const samples = (await s.handle.queryPart('speaker', 'samples')) as { volts: Float32Array };
      const volts = [...samples.volts].map((v) => Math.round(v * 1000) / 1000);
      const expected = [0, 256, 1023, 512].map((code) => Math.round(((code / 1023) * 3.3) * 1000) / 1000);
      expect(volts.filter((v, i) => i === 0 || v !== volts[i - 1])).toEqual(expected);
    } finally {
      await s.stop();
    }
  });
});
