/**
 * audioio.AudioOut + audiocore on the hosted engine: the DAC values and their times, as the DAC model
 * reports them, against the sample data (RawSample) and the WAV file's data chunk (WaveFile), at the
 * sample rate the TC sets (48 MHz / (TOP + 1)). The samples reach the DAC only through the chip: TC
 * overflow -> EVSYS -> DAC START, DAC EMPTY -> DMAC -> DATABUF.
 */
import { describe, expect, it } from 'vitest';
import { RawSample, WaveFile } from '../../firmware-runtime/hosted/samd21/audioio.js';
import { halRig } from './hal-modules.js';
import { start } from './harness.js';
import { wav } from './wav.js';

function capture(rig: ReturnType<typeof halRig>): { cycle: number; value: number }[] {
  const seen: { cycle: number; value: number }[] = [];
  rig.board.mcu.dac.onOutput((cycle, value) => seen.push({ cycle, value }));
  return seen;
}

/** Where `expected` starts in `values` (its first 8 entries in a row), or -1. */
function findRun(values: number[], expected: number[]): number {
  for (let i = 0; i + 8 <= values.length; i++) if (expected.slice(0, 8).every((v, k) => values[i + k] === v)) return i;
  return -1;
}

/** The run of DAC values starting at the first that equals `first` and following at the sample period. */
function played(seen: { cycle: number; value: number }[], periodCycles: number, count: number, from: number): number[] {
  const out: number[] = [];
  let next = -1;
  for (const s of seen) {
    if (s.cycle < from) continue;
    if (next < 0) next = s.cycle;
    if (Math.abs(s.cycle - next) <= 2) {
      out.push(s.value);
      next = s.cycle + periodCycles;
    }
    if (out.length === count) break;
  }
  return out;
}

describe('audioio.AudioOut (hal level, DAC model)', () => {
  it('RawSample (signed 16-bit, looped): every sample converted to unsigned, one per 1/8000 s', () => {
    const rig = halRig();
    const seen = capture(rig);
    rig.mods.audio.construct('PA02', 'A0', 0x8000);
    // ramp_value: 0 up to the quiescent value in steps of 49 (the last step lands 49 short: 32683 >> 6).
    expect(rig.board.mcu.dac.value).toBe((49 * (Math.trunc(0x8000 / 49) - 1)) >> 6);
    const pcm = Array.from({ length: 16 }, (_, i) => Math.round(Math.sin((2 * Math.PI * i) / 16) * 30000));
    const bytes = new Uint8Array(new Int16Array(pcm).buffer);
    const t0 = rig.board.mcu.scheduler.cycles;
    rig.mods.audio.play(new RawSample(bytes, 2, true, 1, 8000, true), true);
    rig.clock.advance(16 * 3 / 8000);
    const period = 48e6 / 8000; // TOP 5999: 6000 cycles
    const expected = pcm.map((s) => ((s + 0x8000) & 0xffff) >> 6);
    const got = played(seen, period, 48, t0);
    const start = got.indexOf(expected[0]!);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(got.slice(start, start + 32)).toEqual([...expected, ...expected]);
    expect(rig.mods.audio.playing()).toBe(true);
    rig.mods.audio.pause();
    expect(rig.mods.audio.paused()).toBe(true);
    rig.mods.audio.resume();
    rig.mods.audio.stop();
    expect(rig.mods.audio.playing()).toBe(false);
    // stop() ramps from the last sample to the quiescent value, 49 at a time.
    expect(Math.abs(rig.board.mcu.dac.value - (0x8000 >> 6))).toBeLessThanOrEqual(2);
  });

  it('WaveFile (16-bit and 8-bit): the data chunk, block after block through the EVSYS interrupt, then playing ends', () => {
    for (const bits of [16, 8] as const) {
      const rig = halRig();
      const seen = capture(rig);
      rig.mods.audio.construct('PA02', 'A0', 0x8000);
      const n = 700; // several 256-byte buffers
      const pcm = Array.from({ length: n }, (_, i) => (bits === 16 ? ((i * 97) % 60000) - 30000 : (i * 7) & 0xff));
      const file = wav(pcm, 11025, bits);
      const t0 = rig.board.mcu.scheduler.cycles;
      rig.mods.audio.play(new WaveFile(file.subarray(44), 11025, 1, bits), false);
      const top = Math.floor(48e6 / 11025) - 1;
      rig.clock.advance((n + 50) / 11025);
      expect(rig.mods.audio.playing()).toBe(false);
      // Every block but the last: audio_dma.c stops the DMA when the block before the last one ends (its
      // evsys handler then finds a descriptor chain ending in NULL); WaveFile reads 256 bytes per block.
      const perBlock = 256 / (bits / 8);
      const heard = (Math.ceil(n / perBlock) - 1) * perBlock;
      // 8-bit samples are byte beats into DATABUF's high byte (LEFTADJ); its low byte keeps what the ramp
      // wrote last (49 x 667 = 0x7FAB), so each code is (sample << 8 | 0xAB) >> 6.
      const expected = pcm.slice(0, heard).map((s) => (bits === 16 ? ((s + 0x8000) & 0xffff) >> 6 : ((s << 8) | 0xab) >> 6));
      const got = played(seen, top + 1, n + 16, t0);
      const start = findRun(got, expected);
      expect(start).toBeGreaterThanOrEqual(0);
      expect(got.slice(start, start + heard)).toEqual(expected);
      expect(got.length - start).toBe(heard);
    }
  });
});

describe('audioio from Python (hosted engine)', () => {
  it('plays a WAV file from CIRCUITPY; the speaker sees its samples', { timeout: 60_000 }, async () => {
    const pcm = Array.from({ length: 600 }, (_, i) => ((i * 331) % 50000) - 25000);
    const code = [
      'import audiocore, audioio, board, digitalio, time',
      'en = digitalio.DigitalInOut(board.SPEAKER_ENABLE)\nen.switch_to_output(True)',
      'w = audiocore.WaveFile(open("t.wav", "rb"))',
      'print(w.sample_rate, w.bits_per_sample, w.channel_count)',
      'a = audioio.AudioOut(board.SPEAKER)\na.play(w)\nprint(a.playing)',
      'while a.playing:\n    time.sleep(0.01)',
      'print("done", a.playing)\ninput()',
      '',
    ].join('\n');
    const s = start({ board: 'cpx', files: { 'code.py': code, 't.wav': wav(pcm, 8000, 16) } });
    try {
      await s.waitFor('done False\r\n');
      expect(s.text).toContain('8000 16 1\r\nTrue\r\n');
      const samples = (await s.handle.queryPart('speaker', 'samples')) as { volts: Float32Array; seconds: Float64Array };
      const codes = [...samples.volts].map((v) => Math.round((v / 3.3) * 1023));
      // 600 samples: four 256-byte blocks play, the last (88 samples) is cut as on the port (see above).
      const expected = pcm.slice(0, 512).map((x) => ((x + 0x8000) & 0xffff) >> 6);
      const at = findRun(codes, expected);
      expect(at).toBeGreaterThanOrEqual(0);
      const mismatch = expected.findIndex((v, i) => codes[at + i] !== v);
      expect(mismatch, `first difference at ${mismatch}: ${codes.slice(at + mismatch - 2, at + mismatch + 3)} vs ${expected.slice(mismatch - 2, mismatch + 3)}`).toBe(-1);
      const secs = [...samples.seconds];
      expect(secs[at + 100]! - secs[at]!).toBeCloseTo(100 / 8000, 6);
    } finally {
      await s.stop();
    }
  });
});
