/**
 * audioio on the real CircuitPython 9.2.9 (CPX): a WaveFile longer than CircuitPython's DMA buffers
 * reaches the DAC whole and in order. The firmware double-buffers through two chained DMAC
 * descriptors and, at each block's end, refills the one it believes the DMAC has finished with;
 * that is only right because the DMAC fetches the next descriptor as soon as a block ends
 * (SAM D21 data sheet 20.6.2.7). A model that fetched it at the next trigger played block 1,
 * skipped block 2 (overwritten before it played) and lost track after block 3.
 *
 * The WAV is a ramp, one DAC step per sample, so any skipped or repeated block shows as a jump.
 * Needs $CIRCUITEMU_FIRMWARE_DIR/circuitpython-cpx.uf2; skipped with a message without it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpxBoard } from '../../boards/cpx.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import type { Speaker } from '../../peripherals/devices/speaker.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const IMAGE = dir && existsSync(join(dir, 'circuitpython-cpx.uf2')) ? join(dir, 'circuitpython-cpx.uf2') : null;
if (!IMAGE) console.warn('[tests/firmware-real/audio-dma] SKIPPED: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)');

const RATE = 8000;
const SAMPLES = 1000; // 2000 bytes of 16-bit data: several of CircuitPython's DMA blocks
const STEP = 64; // one step of the 10-bit DAC in a 16-bit sample

/** RIFF/WAVE, 16-bit signed mono PCM: a ramp from -32768 up by STEP per sample. */
function rampWave(): Uint8Array {
  const out = new Uint8Array(44 + 2 * SAMPLES);
  const v = new DataView(out.buffer);
  const ascii = (o: number, t: string) => [...t].forEach((ch, i) => v.setUint8(o + i, ch.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + 2 * SAMPLES, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, RATE, true);
  v.setUint32(28, RATE * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, 2 * SAMPLES, true);
  for (let i = 0; i < SAMPLES; i++) v.setInt16(44 + 2 * i, -32768 + STEP * i, true);
  return out;
}

const CODE = [
  'import audioio, audiocore, board, digitalio, time',
  'en = digitalio.DigitalInOut(board.SPEAKER_ENABLE)',
  'en.switch_to_output(True)',
  'a = audioio.AudioOut(board.A0)',
  'f = open("/ramp.wav", "rb")',
  'a.play(audiocore.WaveFile(f))',
  'while a.playing:',
  '    time.sleep(0.01)',
  'print("played")',
  '',
].join('\n');

describe.skipIf(!IMAGE)('audioio on CircuitPython 9.2.9: DMA double buffering', () => {
  it('a WaveFile longer than one DMA block reaches the DAC in order, no block skipped or repeated', () => {
    const board = createBoard('cpx') as CpxBoard;
    const { volume } = openDrive(board);
    writeDriveFile(volume, '/ramp.wav', rampWave());
    writeDriveFile(volume, '/code.py', new TextEncoder().encode(CODE));
    const speaker = board.parts.speaker as Speaker;
    let out = '';
    showRun(connectConsole(board), board.machine.scheduler, { reload: true }).onData((b) => (out += new TextDecoder().decode(b)));
    loadFirmware(board, readFileSync(IMAGE!), IMAGE!);
    const limit = board.machine.scheduler.seconds + 20;
    let cleared = false;
    while (!out.includes('played') && board.machine.scheduler.seconds < limit) {
      if (!cleared && out.includes('code.py output:')) {
        speaker.clear(); // only the playback, not the DAC's start-up
        cleared = true;
      }
      const halt = board.machine.runFor(0.02);
      if (halt) throw new Error(`machine halted: ${halt.message}`);
    }
    expect(out).toContain('played');
    const { volts } = speaker.samples();
    // The ramp's rising run: consecutive samples one DAC step apart.
    const stepVolts = 3.3 / 1024; // 10-bit DAC on AVCC (CircuitPython's reference)
    let rising = 0;
    const jumps: string[] = [];
    for (let i = 1; i < volts.length; i++) {
      const d = volts[i] - volts[i - 1];
      if (Math.abs(d - stepVolts) < stepVolts / 2) rising++;
      else if (d > stepVolts * 1.5 && jumps.length < 5) jumps.push(`sample ${i}: +${(d / stepVolts).toFixed(1)} steps`);
    }
    expect(jumps).toEqual([]);
    // CircuitPython drops the last partial block (audio_dma.c stops before it plays), so not all 999.
    expect(rising).toBeGreaterThan(SAMPLES * 0.7);
  }, 120_000);
});
