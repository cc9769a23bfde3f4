/**
 * The MAX98357A model: slots decoded as two's-complement samples of the slot's data size, each
 * frame played as (left + right) / 2 (the data sheet's SD_MODE mix), kept with its time; and the
 * board wiring, which takes DIN only on an I2S SD pad (data sheet 7.1, I2S SD0/SD1).
 */
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { Pin } from '../../emulator/kernel/signals.js';
import { I2sAmplifier } from '../../peripherals/devices/i2s-amplifier.js';
import { createBoard } from '../../emulator/run.js';

describe('MAX98357A I2S amplifier', () => {
  it('decodes 16- and 8-bit two\'s complement, mixes left and right per frame, keeps the frames with their times', () => {
    const scheduler = new Scheduler(48e6);
    const amp = new I2sAmplifier({ din: new Pin('DIN', scheduler), scheduler });
    amp.slot(0, 0x4000, 16); // +0.5
    amp.slot(1, 0xc000, 16); // -0.5
    amp.slot(0, 0x7fff, 16);
    amp.slot(1, 0x7fff, 16);
    amp.slot(0, 0x80, 8); // -1
    amp.slot(1, 0x80, 8);
    expect(amp.frames).toBe(3);
    const { values, times } = amp.recent(10);
    expect(values).toEqual([0, 32767 / 32768, -1].map((v) => Math.fround(v)));
    expect(times).toEqual([0, 0, 0]);
  });

  it('is wired only with DIN on an I2S SD pad', () => {
    expect(() => createBoard('metro_m0_express', { parts: [{ id: 'amp', type: 'i2s-amplifier', din: 'PA05' }] })).toThrow('amp: DIN PA05 is not an I2S SD pad (PA07, PA19, PA08, PB16)');
    const board = createBoard('metro_m0_express', { parts: [{ id: 'amp', type: 'i2s-amplifier', din: 'PA19' }] });
    expect((board.parts as unknown as { amp: I2sAmplifier }).amp.frames).toBe(0);
  });
});
