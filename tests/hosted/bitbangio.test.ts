/**
 * bitbangio on the hosted engine (open-drain PORT lines, shared-module/bitbangio's bit timing) against
 * CircuitPython 9.2.9: the CPX's LIS3DH must answer a bit-banged scan, probe, WHO_AM_I read and register
 * write/read as it does on the firmware; the console output of both engines must be byte-identical (with
 * the firmware's errors). At the hal level: the bus is driven only by PORT (no SERCOM), and the clock's
 * half period is 500000 / frequency µs in simulated time. bitbangio.SPI: the same API and errors on both
 * engines (MISO held high from outside), and a DotStar (APA102) chain wired to A1/A3 latches the colour
 * sent in mode 0 and mode 3 (the board's SPI parts listen to a SERCOM, not to the pads, so a flash cannot
 * answer a bit-banged bus in this model).
 */
import { describe, expect, it } from 'vitest';
import { compareEngines } from './engines-compare.js';
import { haveFirmware } from './firmware-run.js';
import { halRig } from './hal-modules.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

if (!haveFirmware) console.log('tests/hosted/bitbangio.test.ts: no firmware (CIRCUITEMU_FIRMWARE_DIR): comparing with the recorded transcript');

const CODE = `import board, bitbangio
def t(f):
    try:
        f()
    except Exception as e:
        print(type(e).__name__ + ':', e)
i2c = bitbangio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)
t(lambda: i2c.scan())
print(i2c.try_lock(), i2c.try_lock())
print([hex(a) for a in i2c.scan()])
print(i2c.probe(0x19), i2c.probe(0x18))
b = bytearray(1)
i2c.writeto_then_readfrom(0x19, bytes([0x0f]), b)
print(hex(b[0]))
i2c.writeto(0x19, bytes([0x20, 0x57]))
b2 = bytearray(3)
i2c.writeto_then_readfrom(0x19, bytes([0x20]), b2, in_start=1)
print(list(b2))
i2c.readfrom_into(0x19, b2, start=2)
print(list(b2))
t(lambda: i2c.writeto(0x33, b'x'))
t(lambda: i2c.readfrom_into(0x33, b2))
t(lambda: i2c.readfrom_into(0x19, bytearray(0)))
t(lambda: bitbangio.I2C(board.ACCELEROMETER_SCL, board.A1))
t(lambda: bitbangio.I2C(5, board.A1))
i2c.unlock()
i2c.deinit()
t(lambda: i2c.scan())
with bitbangio.I2C(board.SCL, board.SDA, frequency=100000) as j:
    j.try_lock()
    print(j.scan())
`;

describe('bitbangio.I2C (hosted engine = CircuitPython 9.2.9, CPX)', () => {
  it('talks to the LIS3DH as the firmware does', { timeout: 300_000 }, async () => {
    const r = await compareEngines('bitbangio', CODE, async () => {});
    expect(r.hosted).toContain("['0x19']\r\nTrue False\r\n0x33\r\n");
    if (r.firmware !== null) expect(r.hosted).toBe(r.firmware);
    expect(r.recorded, 'no recording (run with CIRCUITEMU_FIRMWARE_DIR and CIRCUITEMU_RECORD=1)').not.toBeNull();
    expect(r.hosted).toBe(r.recorded);
  });

  it('bit-bangs on PORT with the half period of the frequency, the SERCOM untouched', () => {
    const rig = halRig();
    const scl = rig.board.mcu.pin('PA01');
    let edges = 0;
    let last = scl.level;
    const times: number[] = [];
    const id = rig.mods.bitbangI2c.construct('PA01', 'PA00', 'ACCELEROMETER_SCL', 'ACCELEROMETER_SDA', 100_000, 255);
    const t0 = rig.clock.seconds;
    // SCL sampled after every step of simulated time the transfer takes: its rising edges and their times.
    const original = rig.clock.advance.bind(rig.clock);
    rig.clock.advance = (s: number) => {
      original(s);
      if (scl.level !== last) {
        last = scl.level;
        if (last === 1) {
          edges++;
          times.push(rig.clock.seconds);
        }
      }
    };
    expect(rig.mods.bitbangI2c.write(id, 0x19, [0x0f], false)).toBe(0);
    expect(rig.mods.bitbangI2c.read(id, 0x19, 1)).toEqual([0x33]);
    // 2 bytes written + (address + 1 byte) read: 4 x 9 clocks, plus the repeated start's and the stop's release.
    expect(edges).toBeGreaterThanOrEqual(36);
    // SCL rises at most once per two half periods (2 x 5 µs at 100 kHz).
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(10e-6 - 1e-9);
    expect(rig.clock.seconds - t0).toBeGreaterThan(36 * 10e-6);
    // SERCOM1 (the LIS3DH's hardware I2C) stays off: CTRLA.ENABLE clear.
    expect(rig.hal.r32(0x42000c00) & 2).toBe(0);
    rig.mods.bitbangI2c.deinit(id);
  });
});

const SPI_CODE = readFileSync(join(import.meta.dirname, 'fixtures', 'bitbangio-spi.py'), 'utf8');

describe('bitbangio.SPI (hosted engine = CircuitPython 9.2.9, CPX)', () => {
  it('has the firmware\'s API, reads and errors', { timeout: 300_000 }, async () => {
    const r = await compareEngines('bitbangio-spi', SPI_CODE, async (b) => {
      await b.setVoltage('A2', 3.3);
      await b.setVoltage('A5', 3.3);
    });
    expect(r.hosted).toContain('[255, 255, 255]');
    if (r.firmware !== null) expect(r.hosted).toBe(r.firmware);
    expect(r.recorded, 'no recording (run with CIRCUITEMU_FIRMWARE_DIR and CIRCUITEMU_RECORD=1)').not.toBeNull();
    expect(r.hosted).toBe(r.recorded);
  });

  for (const [polarity, phase] of [[0, 0], [1, 1]] as const) {
    it(`clocks MOSI out in mode ${polarity * 2 + phase}: a DotStar chain on A1/A3 latches the colour`, () => {
      // The APA102 samples data on the clock's rising edge, which is mode 0's and mode 3's sampling edge.
      const rig = halRig([{ id: 'strip', type: 'dotstars', data: 'PA07', clock: 'PA05', count: 1, sercom: 0 }]);
      const id = rig.mods.bitbangSpi.construct(['PA05', 'PA07', null], ['A1', 'A3', null]);
      rig.mods.bitbangSpi.configure(id, 1_000_000, polarity, phase);
      const t0 = rig.clock.seconds;
      rig.mods.bitbangSpi.transfer(id, [0, 0, 0, 0, 0xff, 0x30, 0x20, 0x10, 0xff, 0xff, 0xff, 0xff], 12, 0, false);
      // 96 bits, two half periods each (500000 / 1 MHz rounds up to 1 µs).
      expect(rig.clock.seconds - t0).toBeCloseTo(96 * 2e-6, 9);
      expect((rig.parts.strip as { rgb(): number[] }).rgb()[0]).toBe(0x102030);
      rig.mods.bitbangSpi.deinit(id);
    });
  }
});
