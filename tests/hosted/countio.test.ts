/**
 * countio on the hosted engine (EIC edge interrupts through the hosted NVIC) against CircuitPython 9.2.9:
 * the same code.py on both engines, the test making edges on the pad from outside; the console output must
 * be byte-identical (API, counts per edge setting, the firmware's errors). At the hal level, the counter's
 * registers: the pin on function A with its pull, the EIC channel's sense and interrupt, and nothing left
 * enabled after deinit.
 */
import { describe, expect, it } from 'vitest';
import { EIC_REG } from '../../peripherals/samd21/eic.js';
import { compareEngines, playLevels } from './engines-compare.js';
import { haveFirmware } from './firmware-run.js';
import { halRig } from './hal-modules.js';

if (!haveFirmware) console.log('tests/hosted/countio.test.ts: no firmware (CIRCUITEMU_FIRMWARE_DIR): comparing with the recorded transcript');

const EIC = 0x40001800;

const CODE = `import board, countio, digitalio
def t(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__ + ':', e)
print(countio.Edge.RISE, countio.Edge.FALL, countio.Edge.RISE_AND_FALL)
k = countio.Counter(board.A1, edge=countio.Edge.RISE)
f = countio.Counter(board.A2)
b = countio.Counter(board.A3, edge=countio.Edge.RISE_AND_FALL, pull=digitalio.Pull.UP)
print("ready", k.count, f.count, b.count)
input()
print("pulses", k.count, f.count, b.count)
k.count = 100
print(k.count)
f.reset()
print(f.count)
t(lambda: countio.Counter(board.A1))
t(lambda: countio.Counter(board.MICROPHONE_DATA))
t(lambda: countio.Counter(board.A4, edge=1))
t(lambda: countio.Counter(board.A4, pull=1))
t(lambda: countio.Counter(5))
c2 = countio.Counter(board.A0)
t(lambda: countio.Counter(board.A5))
c2.deinit()
k.deinit()
t(lambda: k.count)
t(lambda: k.reset())
k.deinit()
with countio.Counter(board.A6) as w:
    print(type(w).__name__, w.count)
t(lambda: w.count)
`;

describe('countio (hosted engine = CircuitPython 9.2.9, CPX)', () => {
  it('counts the edges made on the pads, with the firmware\'s API and errors', { timeout: 300_000 }, async () => {
    const r = await compareEngines('countio', CODE, async (b) => {
      await b.runUntil({ serial: 'ready' }, { timeout: 30 });
      await playLevels(b, ['A1', 'A2', 'A3'], [[0, 1, 1]], 0.002);
      // 7 pulses on each pad: A1 counts rises (7), A2 falls (7), A3 both (14).
      for (let i = 0; i < 7; i++) await playLevels(b, ['A1', 'A2', 'A3'], [[1, 0, 0], [0, 1, 1]], 0.001);
      await b.writeSerial('\r');
    });
    expect(r.hosted).toContain('pulses 7 7 14');
    if (r.firmware !== null) expect(r.hosted).toBe(r.firmware);
    expect(r.recorded, 'no recording (run with CIRCUITEMU_FIRMWARE_DIR and CIRCUITEMU_RECORD=1)').not.toBeNull();
    expect(r.hosted).toBe(r.recorded);
  });

  it('programs the pin (function A, pull) and the EIC channel, and frees them on deinit', () => {
    const rig = halRig();
    const id = rig.mods.countio.construct('PA05', 'A1', 'rise', 'down');
    // PA05: PMUX odd nibble = A (0), PINCFG PMUXEN | PULLEN, OUT low (pull-down); EXTINT5 sense RISE, enabled.
    expect(rig.hal.r8(0x41004400 + 0x40 + 5) & 0x05).toBe(0x05);
    expect((rig.hal.r32(0x41004400 + 0x10) >>> 5) & 1).toBe(0);
    expect((rig.hal.r32(EIC + EIC_REG.CONFIG0) >>> 20) & 7).toBe(1);
    expect(rig.hal.r32(EIC + EIC_REG.INTENSET) & (1 << 5)).toBe(1 << 5);
    const pin = rig.board.mcu.pin('PA05');
    expect(pin.level).toBe(0);
    rig.mods.countio.deinit(id);
    expect(rig.hal.r32(EIC + EIC_REG.INTENSET)).toBe(0);
    expect(rig.hal.r8(EIC + EIC_REG.CTRL) & 2).toBe(0);
    expect(rig.hal.r8(0x41004400 + 0x40 + 5)).toBe(0);
  });
});
