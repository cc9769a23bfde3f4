/**
 * I2S in PDM2 mode with the CPX microphone (clock unit 0 on PA10, serializer 1 on PA08), set up
 * the way CircuitPython's audiobusio.PDMIn does, decoded with its 64-tap sinc filter.
 */
import { describe, expect, it } from 'vitest';
import { connect, Pin } from '../../emulator/kernel/signals.js';
import { I2S, I2S_INT } from '../../peripherals/samd21/i2s.js';
import { DMA_TRIGGER, GCLK_ID } from '../../peripherals/samd21/memory-map.js';
import { PdmMicrophone } from '../../peripherals/devices/pdm-microphone.js';
import { Samd21Rig } from '../helpers/samd21-rig.js';

const CTRLA = 0x00;
const CLKCTRL0 = 0x04;
const INTFLAG = 0x14;
const SYNCBUSY = 0x18;
const SERCTRL1 = 0x24;
const DATA1 = 0x34;

/**
 * A 64-tap low-pass over one sample's 64 PDM bits, shaped like CircuitPython's PDMIn filter (a
 * sinc-squared-like bell whose taps sum to about 65535, so all-ones is full scale). Generated
 * here (Hann window), not CircuitPython's table.
 */
const SINC = (() => {
  const w = Array.from({ length: 64 }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 63));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.floor((x * 65535) / sum));
})();

function setup() {
  const rig = new Samd21Rig({ gclk: { [GCLK_ID.I2S_0]: 8_000_000 }, recordEvents: true, recordDma: true });
  const i2s = rig.mcu.i2s;
  const mic = new PdmMicrophone({ clk: new Pin('MIC_CLK', rig.scheduler), data: new Pin('MIC_DATA', rig.scheduler) });
  connect(rig.pin('PA10'), mic.clkPin);
  connect(rig.pin('PA08'), mic.dataPin);
  i2s.attachBitSource(mic);
  const r = (o: number, s: 1 | 2 | 4) => i2s.read(o, s);
  const w = (o: number, s: 1 | 2 | 4, v: number) => i2s.write(o, s, v);
  const sync = () => rig.waitFor(() => r(SYNCBUSY, 2) === 0);
  const start = () => {
    // 16 kHz x 64 oversampling = 1.024 MHz wanted: 8 MHz / (MCKDIV 6 + 1) = 1.143 MHz
    w(CLKCTRL0, 4, (1 << 0) | (1 << 2) | (6 << 19)); // SLOTSIZE 16, NBSLOTS 2, MCKDIV 6
    w(SERCTRL1, 4, 2 | (0 << 8) | (0 << 5)); // PDM2, DATASIZE 32, clock unit 0
    w(CTRLA, 1, 0x02);
    sync();
    w(CTRLA, 1, 0x02 | 0x04 | 0x20); // CKEN0, SEREN1
    sync();
  };
  const words = (n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      rig.waitFor(() => (r(INTFLAG, 2) & I2S_INT.RXRDY1) !== 0, 1000, 32);
      out.push(r(DATA1, 4));
    }
    return out;
  };
  /** Like CircuitPython's filter_sample: groups of 4 words, their low halves, MSB first. */
  const samples = (ws: number[]) => {
    const out: number[] = [];
    for (let i = 0; i + 4 <= ws.length; i += 4) {
      let s = 0;
      for (let k = 0; k < 4; k++) {
        let pdm = ws[i + k] & 0xffff;
        for (let j = 0; j < 16; j++) {
          if (pdm & 0x8000) s += SINC[k * 16 + j];
          pdm = (pdm << 1) & 0xffff;
        }
      }
      out.push(s & 0xffff);
    }
    return out;
  };
  return Object.assign(rig, { i2s, mic, r, w, start, words, samples });
}

function rms(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
}

describe('I2S PDM microphone', () => {
  it('delivers 32-bit words at SCK/16 with the mic bits in the low half', () => {
    const t = setup();
    t.start();
    const t0 = t.scheduler.cycles;
    const ws = t.words(64);
    const us = (t.scheduler.cycles - t0) / 48;
    // 64 words x 16 SCK periods at 8 MHz / 7
    expect(us).toBeGreaterThan(64 * 16 / 1.142857 - 20);
    expect(us).toBeLessThan(64 * 16 / 1.142857 + 20);
    expect(ws.every((w) => w >>> 16 === 0)).toBe(true); // the other clock phase is undriven
    const ones = ws.reduce((a, w) => a + popcount(w & 0xffff), 0);
    expect(ones / (64 * 16)).toBeCloseTo(0.5, 1); // silence: density 1/2
    expect(t.dma).toContain(DMA_TRIGGER.I2S_RX_1);
  });

  it('a louder sound gives a larger filtered signal', () => {
    const t = setup();
    t.start();
    t.mic.setLevel(0.0, 1000);
    const quiet = rms(t.samples(t.words(1024)));
    t.mic.setSoundLevelDb(110, 1000);
    const loud = rms(t.samples(t.words(1024)));
    expect(loud).toBeGreaterThan(10 * (quiet + 1));
    expect(loud).toBeGreaterThan(1000);
  });

  it('flags RXOR when a word is not read in time, and stops with CKEN cleared', () => {
    const t = setup();
    t.start();
    t.runUs(100);
    expect(t.r(INTFLAG, 2) & I2S_INT.RXOR1).toBe(I2S_INT.RXOR1);
    t.w(CTRLA, 1, 0x02);
    t.waitFor(() => t.r(SYNCBUSY, 2) === 0);
    const n = t.i2s.received[1];
    t.runUs(100);
    expect(t.i2s.received[1]).toBe(n);
  });
});

function popcount(v: number): number {
  let c = 0;
  while (v) {
    c += v & 1;
    v >>>= 1;
  }
  return c;
}

describe('I2S transmitter (data sheet 27.6.3: serializer in TX mode)', () => {
  const SERCTRL0 = 0x20;
  const DATA0 = 0x30;
  it('sends one word per slot at SCK / slot bits: TXRDY asks for the next, the words reach the line in order; TXUR when none was written', () => {
    const rig = new Samd21Rig({ gclk: { [GCLK_ID.I2S_0]: 8_000_000 } });
    const i2s = rig.mcu.i2s;
    const r = (o: number, s: 1 | 2 | 4) => i2s.read(o, s);
    const w = (o: number, s: 1 | 2 | 4, v: number) => i2s.write(o, s, v);
    const sync = () => rig.waitFor(() => r(SYNCBUSY, 2) === 0);
    const sent: { at: number; word: number; serializer: number }[] = [];
    i2s.onTransmit((serializer, word) => sent.push({ at: rig.scheduler.cycles, word, serializer }));
    // 16-bit slots, 2 slots per frame, SCK = 8 MHz / (MCKDIV 7 + 1) = 1 MHz: a word every 16 us.
    w(CLKCTRL0, 4, (1 << 0) | (1 << 2) | (7 << 19));
    w(SERCTRL0, 4, 1 | (4 << 8)); // TX, DATASIZE 16, clock unit 0
    w(CTRLA, 1, 0x02);
    sync();
    w(CTRLA, 1, 0x02 | 0x04 | 0x10); // CKEN0, SEREN0
    sync();
    const words = [0x1234, 0x8001, 0x7fff, 0x0000, 0xffff, 0x4000];
    for (const word of words) {
      rig.waitFor(() => (r(INTFLAG, 2) & I2S_INT.TXRDY0) !== 0, 1000, 16);
      w(DATA0, 4, word);
    }
    rig.waitFor(() => sent.length === words.length, 1000, 16);
    expect(sent.map((s) => s.word)).toEqual(words);
    expect(sent.every((s) => s.serializer === 0)).toBe(true);
    const gaps = sent.slice(1).map((s, i) => (s.at - sent[i]!.at) / rig.scheduler.frequency);
    for (const g of gaps) expect(g).toBeCloseTo(16e-6, 7);
    // Nothing written for the next slot: underrun.
    rig.waitFor(() => (r(INTFLAG, 2) & I2S_INT.TXUR0) !== 0, 1000, 16);
    expect(r(INTFLAG, 2) & I2S_INT.TXUR0).not.toBe(0);
  });
});

describe('I2S transmitter data formats (27.6.2: compact stereo, mono; 27.6.3: underrun, TXSAME)', () => {
  /** Serializer 0 in TX with `serctrl` bits, 16-bit slots, 2 slots, SCK 1 MHz; `words` written on TXRDY; the slots sent. */
  function send(serctrl: number, words: number[], extraSlots = 0) {
    const rig = new Samd21Rig({ gclk: { [GCLK_ID.I2S_0]: 8_000_000 } });
    const i2s = rig.mcu.i2s;
    const r = (o: number, s: 1 | 2 | 4) => i2s.read(o, s);
    const w = (o: number, s: 1 | 2 | 4, v: number) => i2s.write(o, s, v);
    const slots: [number, number][] = [];
    let takes = 0;
    i2s.onTransmit((_m, data, slot) => slots.push([slot, data]));
    w(CLKCTRL0, 4, (1 << 0) | (1 << 2) | (7 << 19));
    w(0x20, 4, 1 | serctrl);
    w(CTRLA, 1, 0x02);
    rig.waitFor(() => r(SYNCBUSY, 2) === 0);
    w(CTRLA, 1, 0x02 | 0x04 | 0x10);
    rig.waitFor(() => r(SYNCBUSY, 2) === 0);
    for (const word of words) {
      rig.waitFor(() => (r(INTFLAG, 2) & I2S_INT.TXRDY0) !== 0, 1000, 16);
      w(0x30, 4, word);
      takes++;
    }
    const want = slots.length + 4 + extraSlots;
    rig.waitFor(() => slots.length >= want, 1000, 16);
    return { slots, takes, underrun: (r(INTFLAG, 2) & I2S_INT.TXUR0) !== 0 };
  }
  const DATASIZE = (n: number) => n << 8;

  it('16-bit compact stereo: one DATA word a frame, left in [15:0], right in [31:16]', () => {
    const { slots } = send(DATASIZE(5), [0x22221111, 0x44443333]);
    expect(slots.slice(0, 4)).toEqual([[0, 0x1111], [1, 0x2222], [0, 0x3333], [1, 0x4444]]);
  });

  it('mono: the left data duplicated in the right slot, one DATA word a frame (16-bit compact, as audiobusio.I2SOut sets it for a mono sample, and 16-bit)', () => {
    expect(send(DATASIZE(5) | (1 << 24), [0x1111, 0x3333]).slots.slice(0, 4)).toEqual([[0, 0x1111], [1, 0x1111], [0, 0x3333], [1, 0x3333]]);
    expect(send(DATASIZE(4) | (1 << 24), [0xabcd, 0x0102]).slots.slice(0, 4)).toEqual([[0, 0xabcd], [1, 0xabcd], [0, 0x0102], [1, 0x0102]]);
  });

  it('8-bit compact stereo: the low two bytes', () => {
    expect(send(DATASIZE(7), [0x0000bbaa]).slots.slice(0, 2)).toEqual([[0, 0xaa], [1, 0xbb]]);
  });

  it('underrun: zero in the slot (TXUR set); with TXSAME the data that slot sent last', () => {
    const plain = send(DATASIZE(4), [0x1111, 0x2222]);
    expect(plain.underrun).toBe(true);
    expect(plain.slots.slice(2, 4)).toEqual([[0, 0], [1, 0]]);
    const same = send(DATASIZE(4) | (1 << 4), [0x1111, 0x2222]);
    expect(same.slots.slice(2, 4)).toEqual([[0, 0x1111], [1, 0x2222]]);
  });
});
