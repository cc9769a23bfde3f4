/**
 * rotaryio on the hosted engine (both pins' EIC channels on both edges, the quadrature state machine of
 * shared-module/rotaryio) against CircuitPython 9.2.9: the same code.py on both engines while the test
 * turns an encoder on two pairs of pads from outside; the console output must be byte-identical (positions
 * for divisors 4 and 1, a non-Gray jump ignored, position/divisor setters, the firmware's errors).
 */
import { describe, expect, it } from 'vitest';
import { compareEngines, playLevels } from './engines-compare.js';
import { haveFirmware } from './firmware-run.js';
import { halRig } from './hal-modules.js';

if (!haveFirmware) console.log('tests/hosted/rotaryio.test.ts: no firmware (CIRCUITEMU_FIRMWARE_DIR): comparing with the recorded transcript');

/** One detent clockwise in CircuitPython's table, (A, B): 11 -> 01 -> 00 -> 10 -> 11. */
const CW: (0 | 1)[][] = [[0, 1], [0, 0], [1, 0], [1, 1]];
const CCW: (0 | 1)[][] = [[1, 0], [0, 0], [0, 1], [1, 1]];
const both = (steps: (0 | 1)[][]) => steps.map(([a, b]) => [a!, b!, a!, b!]);

const CODE = `import board, rotaryio
def t(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__ + ':', e)
e = rotaryio.IncrementalEncoder(board.A1, board.A2)
q = rotaryio.IncrementalEncoder(board.A3, board.A4, divisor=1)
print("ready", e.position, e.divisor, q.position, q.divisor)
input()
print("cw", e.position, q.position)
input()
print("ccw", e.position, q.position)
input()
print("jump", e.position, q.position)
e.position = -5
e.divisor = 2
print(e.position, e.divisor)
t(lambda: rotaryio.IncrementalEncoder(board.A1, board.A5))
t(lambda: rotaryio.IncrementalEncoder(board.MICROPHONE_DATA, board.A5))
t(lambda: rotaryio.IncrementalEncoder(board.A5, board.MICROPHONE_DATA))
t(lambda: rotaryio.IncrementalEncoder(board.A5, 4))
t(lambda: rotaryio.IncrementalEncoder(board.A0, board.A5))
e.deinit()
t(lambda: e.position)
t(lambda: e.divisor)
q.deinit()
with rotaryio.IncrementalEncoder(board.A6, board.A7) as w:
    print(type(w).__name__, w.position)
t(lambda: w.position)
`;

describe('rotaryio (hosted engine = CircuitPython 9.2.9, CPX)', () => {
  it('follows the quadrature the test makes on two pairs of pads', { timeout: 300_000 }, async () => {
    const pins = ['A1', 'A2', 'A3', 'A4'];
    const r = await compareEngines('rotaryio', CODE, async (b) => {
      await b.runUntil({ serial: 'ready' }, { timeout: 30 });
      await playLevels(b, pins, [[1, 1, 1, 1]], 0.002);
      for (let i = 0; i < 3; i++) await playLevels(b, pins, both(CW), 0.001);
      await b.writeSerial('\r');
      await b.runUntil({ serial: 'cw' }, { timeout: 30 });
      for (let i = 0; i < 2; i++) await playLevels(b, pins, both(CCW), 0.001);
      // Half a detent back, then forward again.
      await playLevels(b, pins, both([[1, 0], [0, 0], [1, 0], [1, 1]]), 0.001);
      await b.writeSerial('\r');
      await b.runUntil({ serial: 'ccw' }, { timeout: 30 });
      // A non-Gray jump (11 -> 00, both pins at once) is a missed transition: no count.
      await playLevels(b, pins, [[0, 0, 0, 0], [1, 1, 1, 1]], 0.001);
      await b.writeSerial('\r');
    });
    expect(r.hosted).toContain('cw 3 12');
    expect(r.hosted).toContain('ccw 1 4');
    if (r.firmware !== null) expect(r.hosted).toBe(r.firmware);
    expect(r.recorded, 'no recording (run with CIRCUITEMU_FIRMWARE_DIR and CIRCUITEMU_RECORD=1)').not.toBeNull();
    expect(r.hosted).toBe(r.recorded);
  });

  it('takes both pins on function A with pull-ups and both EIC channels, both edges', () => {
    const rig = halRig();
    const id = rig.mods.rotaryio.construct('PA05', 'PA06', 'A1', 'A2', 4);
    expect(rig.board.mcu.pin('PA05').level).toBe(1);
    expect(rig.board.mcu.pin('PA06').level).toBe(1);
    // EXTINT5 and EXTINT6: SENSE BOTH (3) in CONFIG0, interrupts enabled.
    expect((rig.hal.r32(0x40001800 + 0x18) >>> 20) & 0xff).toBe(0x33);
    expect(rig.hal.r32(0x40001800 + 0x0c)).toBe(0x60);
    rig.mods.rotaryio.deinit(id);
    expect(rig.hal.r32(0x40001800 + 0x0c)).toBe(0);
  });
});
