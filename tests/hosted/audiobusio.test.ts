/**
 * audiobusio.PDMIn of the hosted engine against the CPX's PDM microphone model (peripherals/devices/
 * pdm-microphone.ts) through the chip's I2S, and against CircuitPython 9.2.9 on the firmware engine: the same
 * sound level gives recordings of the same level on both (the bit streams are not aligned, so the samples
 * themselves differ). The port's arithmetic (sample rate, filter) is checked against ports/atmel-samd/
 * common-hal/audiobusio/PDMIn.c. The binding's texts are compared byte for byte in modules-firmware.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterSample, SINC_FILTER } from '../../firmware-runtime/hosted/samd21/pdmin.js';
import type { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';
import { firmwareRunWith, haveFirmware } from './firmware-run.js';
import { runCode, start } from './harness.js';

const LEVEL_CODE =
  'import array, audiobusio, board, math\n' +
  'm = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=16000, bit_depth=16)\n' +
  "b = array.array('H', [0] * 320)\nm.record(b, len(b))\n" +
  'mean = sum(b) / len(b)\nrms = math.sqrt(sum((x - mean) ** 2 for x in b) / len(b))\n' +
  'print("LEVEL %d %d %d" % (mean, rms, max(b) - min(b)))\n';

function level(text: string): { mean: number; rms: number; span: number } {
  const m = /LEVEL (\d+) (\d+) (\d+)/.exec(text);
  if (!m) throw new Error(`no LEVEL line in:\n${text}`);
  return { mean: Number(m[1]), rms: Number(m[2]), span: Number(m[3]) };
}

async function hostedLevel(db: number | null): Promise<ReturnType<typeof level>> {
  const s = start({ board: 'cpx', files: { 'code.py': LEVEL_CODE } });
  try {
    if (db !== null) s.handle.setPart('microphone', 'setSoundLevelDb', db, 1000);
    await s.waitFor('Press any key');
    return level(s.text);
  } finally {
    await s.stop();
  }
}

describe('audiobusio.PDMIn (hosted engine)', () => {
  it('filters 64 bits per sample with the port\'s sinc taps: all ones sum to 65502, the two alternating patterns to that together', () => {
    expect(SINC_FILTER.reduce((a, b) => a + b, 0)).toBe(65502);
    expect(filterSample([0xffff, 0xffff, 0xffff, 0xffff])).toBe(65502);
    // A silent microphone's 0101... stream: the odd taps, 32750 (what the firmware records in silence).
    expect(filterSample([0x5555, 0x5555, 0x5555, 0x5555])).toBe(32750);
    expect(filterSample([0xaaaa, 0xaaaa, 0xaaaa, 0xaaaa])).toBe(32752);
    // Only the low half of each word (the phase the CPX microphone drives) counts.
    expect(filterSample([0xffff0000, 0xffff0000, 0xffff0000, 0xffff0000])).toBe(0);
  });

  it('sample rates and errors as the port computes and words them', { timeout: 60_000 }, async () => {
    // 48 MHz / round(48 MHz / rate / 64) / 64, refused under a 1 MHz microphone clock.
    const rates = [16000, 22050, 44100, 48000, 8000];
    const code =
      'import audiobusio, board\n' +
      `for r in ${JSON.stringify(rates).replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')'))}:\n` +
      '    try:\n        m = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=r)\n        print(r, m.sample_rate)\n        m.deinit()\n' +
      '    except Exception as e:\n        print(r, type(e).__name__, e)\n' +
      "for kw in ({'bit_depth': 24}, {'oversample': 32}, {'mono': False}):\n" +
      '    try:\n        audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, **kw)\n    except Exception as e:\n        print(type(e).__name__, e)\n' +
      'for a in ((board.A1, board.MICROPHONE_DATA), (board.MICROPHONE_CLOCK, board.A1)):\n' +
      '    try:\n        audiobusio.PDMIn(*a)\n    except ValueError as e:\n        print("ValueError:", e)\n' +
      'try:\n    audiobusio.I2SOut(board.A1, board.A2, board.A3)\nexcept NotImplementedError as e:\n    print("NotImplementedError")\n';
    const text = await runCode({ 'code.py': code });
    const port = (r: number) => {
      const divisor = Math.round(Math.fround(Math.fround(48e6 / r) / 64));
      return Math.fround(48e6 / divisor) < 1e6 ? 'ValueError sampling rate out of range' : String(Math.trunc(Math.fround(Math.fround(48e6 / divisor) / 64)));
    };
    for (const r of rates) expect(text).toContain(`${r} ${port(r)}\r\n`);
    expect(text).toContain('16000 15957\r\n22050 22058\r\n44100 44117\r\n48000 46875\r\n8000 ValueError sampling rate out of range\r\n');
    expect(text).toContain('NotImplementedError Only 8 or 16 bit mono with 64x oversampling supported.\r\n'.repeat(3));
    expect(text).toContain('ValueError: Invalid clock pin\r\nValueError: Invalid data pin\r\nNotImplementedError\r\n');
  });

  it('the microphone part\'s sound level moves the recording: silence is flat, 94 dB SPL is loud', { timeout: 60_000 }, async () => {
    const [quiet, loud] = [await hostedLevel(null), await hostedLevel(94)];
    expect(quiet).toEqual({ mean: 32750, rms: 0, span: 0 });
    expect(loud.rms).toBeGreaterThan(1000);
    expect(Math.abs(loud.mean - 32750)).toBeLessThan(loud.rms);
  });

  it.skipIf(!haveFirmware)('records the level CircuitPython 9.2.9 records from the same microphone (firmware engine)', { timeout: 300_000 }, async () => {
    for (const db of [80, 94]) {
      const fw = level(await firmwareRunWith({ 'code.py': LEVEL_CODE }, (b) => (b as unknown as { parts: { microphone: PdmMicrophone } }).parts.microphone.setSoundLevelDb(db, 1000)));
      const hosted = await hostedLevel(db);
      console.log(`[tests/hosted] PDMIn at ${db} dB SPL (mean, rms, span): hosted ${JSON.stringify(hosted)}, firmware ${JSON.stringify(fw)}`);
      expect(Math.abs(hosted.rms - fw.rms) / fw.rms, `${db} dB: hosted ${JSON.stringify(hosted)}, firmware ${JSON.stringify(fw)}`).toBeLessThan(0.1);
      expect(Math.abs(hosted.mean - fw.mean)).toBeLessThan(fw.rms * 0.2);
    }
  });

  it('a scenario\'s microphone level (set-control level) reaches code.py through PDMIn (circuitemu test, no firmware)', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'circuitemu-pdm-'));
    try {
      const code =
        'import array, audiobusio, board, time\n' +
        'm = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=16000, bit_depth=16)\n' +
        "b = array.array('H', [0] * 160)\n" +
        'while True:\n    m.record(b, len(b))\n    print("loud" if max(b) - min(b) > 1000 else "quiet")\n    time.sleep(0.1)\n';
      const yaml = join(dir, 'mic.yaml');
      writeFileSync(
        yaml,
        `name: Microphone\nboard: cpx\nfiles: { /code.py: ${JSON.stringify(code)} }\ntimeout: 10s\nsteps:\n` +
          '  - wait-serial: "quiet"\n  - set-control: { part-id: microphone, control: level, value: 94 }\n  - wait-serial: "loud"\n',
      );
      const bin = join(import.meta.dirname, '..', '..', 'bin', 'circuitemu.js');
      const r = spawnSync(process.execPath, [bin, 'test', yaml], { timeout: 120_000 });
      expect(r.stdout.toString()).toMatch(/^PASS Microphone/);
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
