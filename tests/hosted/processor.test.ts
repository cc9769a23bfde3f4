/**
 * microcontroller.cpu.temperature and .voltage on the hosted engine: the ADC's temperature sensor and
 * SCALEDIOVCC channels read as Processor.c reads them, with the NVM temperature log's formula. Oracles: the
 * die temperature set on the chip model (recovered within the ADC's resolution, ~0.1 °C a code), VDDIO
 * (3.3 V), and CircuitPython 9.2.9's own transcript for the same code.py (the firmware engine at the
 * model's default 25 °C).
 */
import { describe, expect, it } from 'vitest';
import { compareEngines } from './engines-compare.js';
import { haveFirmware } from './firmware-run.js';
import { halRig } from './hal-modules.js';

if (!haveFirmware) console.log('tests/hosted/processor.test.ts: no firmware (CIRCUITEMU_FIRMWARE_DIR): comparing with the recorded transcript');

const CODE = `import microcontroller
c = microcontroller.cpu
t = c.temperature
v = c.voltage
print(t, v, type(t).__name__, type(v).__name__)
print("%.2f %.4f" % (t, v))
print(c.frequency, hasattr(microcontroller, 'cpus'))
`;

describe('microcontroller.cpu temperature and voltage', () => {
  it('reads the die temperature set on the chip through the ADC and the calibration row', () => {
    const rig = halRig();
    for (const celsius of [-20, 0, 25, 31.5, 60, 85, 100]) {
      rig.board.mcu.adc.dieTemperature = celsius;
      expect(Math.abs(rig.mods.processor.temperature() - celsius), `${celsius} °C`).toBeLessThan(0.15);
    }
    // SYSCTRL.VREF.TSEN is on, and the ADC is reset again afterwards (adc_sync_deinit).
    expect(rig.hal.r32(0x40000800 + 0x40) & 2).toBe(2);
    expect(rig.hal.r8(0x42004000) & 2).toBe(0);
  });

  it('reads VDDIO / 4 on SCALEDIOVCC against the 1 V reference: 3.3 V', () => {
    const rig = halRig();
    expect(Math.abs(rig.mods.processor.voltage() - 3.3)).toBeLessThan(0.002);
  });

  it('prints what CircuitPython 9.2.9 prints', { timeout: 300_000 }, async () => {
    const r = await compareEngines('processor', CODE, async () => {});
    expect(r.hosted).toContain('25.0 3.30061 float float');
    if (r.firmware !== null) expect(r.hosted).toBe(r.firmware);
    expect(r.recorded, 'no recording (run with CIRCUITEMU_FIRMWARE_DIR and CIRCUITEMU_RECORD=1)').not.toBeNull();
    expect(r.hosted).toBe(r.recorded);
  });
});
