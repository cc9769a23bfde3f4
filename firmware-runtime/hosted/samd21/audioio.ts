/**
 * audioio.AudioOut with audiocore.RawSample / WaveFile on the SAMD21: ports/atmel-samd/common-hal/audioio/
 * AudioOut.c and audio_dma.c (CircuitPython 9.2.9) with samd-peripherals' dma.c, events.c and timers.c, and
 * shared-module/audiocore's RawSample/WaveFile buffer logic, against the DAC, TC, EVSYS and DMAC registers.
 *
 * The path is the port's: a spare TC in MFRQ mode overflows at the sample rate; its OVF event reaches the
 * DAC's START input through an asynchronous EVSYS channel, so DATABUF moves to DATA once per sample; the
 * DAC's EMPTY DMA trigger makes a DMAC channel copy the next sample (one beat) from SRAM into DATABUF. A
 * sample that is not one buffer (WaveFile, RawSample(single_buffer=False)) has two linked descriptors;
 * the DMAC channel's block event, resynchronised on an EVSYS channel, interrupts when a block ends and the
 * next block is loaded into the descriptor just finished (audio_dma_load_next_block; the port does that in
 * a background callback, here directly in the handler). Signed samples are converted to unsigned (+0x80 /
 * +0x8000) into the DMA buffers first, as audio_dma_convert_samples does.
 *
 * SRAM: the hosted engine runs no firmware, so the chip's SRAM holds only what the port would keep there
 * for DMA: the sample's bytes (SAMPLE_AREA), the conversion buffers (DMA_AREA) and the descriptors.
 */
import { DMA_TRIGGER, EVENT_GENERATOR, EVENT_USER, GCLK_ID, IRQ } from '../../../peripherals/samd21/memory-map.js';
import { DAC_CTRLA, DAC_CTRLB, DAC_EVCTRL, DAC_INT, DAC_REFSEL, DAC_REG, DAC_STATUS } from '../../../peripherals/samd21/dac.js';
import { DMAC_REG, DMAC_CTRL } from '../../../peripherals/samd21/dmac.js';
import { EVSYS_REG } from '../../../peripherals/samd21/evsys.js';
import { TC_REG } from '../../../peripherals/samd21/tc.js';
import { HalError, type Samd21Hal } from './hal.js';
import type { HostedNvic } from './nvic.js';

const PM = 0x40000400;
const DAC = 0x42004800;
const DMAC = 0x41004800;
const EVSYS = 0x42000400;
const TC_BASE = 0x42002c00;
const TC_GCLK = [GCLK_ID.TCC2_TC3, GCLK_ID.TC4_TC5, GCLK_ID.TC4_TC5];
const PRESCALERS = [1, 2, 4, 8, 16, 64, 256, 1024] as const;

const SRAM = 0x20000000;
/** The sample's own bytes (RawSample's buffer, WaveFile's two 256-byte buffers). */
const SAMPLE_AREA = SRAM;
const AREA_BYTES = 0x3c00;
/** audio_dma's buffer[0] and buffer[1] (signed-to-unsigned conversion). */
const DMA_AREA = SRAM + AREA_BYTES;
/** dma_descriptors (BASEADDR), write_back_descriptors (WRBADDR), the second descriptor. */
const DESCRIPTORS = SRAM + 0x7800;
const WRITE_BACK = DESCRIPTORS + 0x100;
const SECOND_DESCRIPTOR = DESCRIPTORS + 0x200;
/** AUDIO_DMA_CHANNEL_COUNT: the channels dma_allocate_channel(true) hands out. */
const AUDIO_DMA_CHANNELS = 2;
/** EVSYS channels with the synchronous/resynchronised paths (EVSYS_SYNCH_NUM). */
const EVSYS_SYNC_CHANNELS = 8;
const EVSYS_CHANNELS = 12;

/** BTCTRL fields (20.10.2). */
const BTCTRL = { VALID: 1 << 0, EVOSEL_BLOCK: 1 << 1, BEATSIZE_Pos: 8, SRCINC: 1 << 10, STEPSEL_SRC: 1 << 12, STEPSIZE_Pos: 13 } as const;
const CHCTRLB = { EVOE: 1 << 4, TRIGSRC_Pos: 8, TRIGACT_BEAT: 2 << 22, CMD_SUSPEND: 1 << 24, CMD_RESUME: 2 << 24 } as const;
const CHINTFLAG_SUSP = 1 << 2;

export type GetBuffer = 'done' | 'more';

/** An audiocore sample as the port's audiosample_* calls see it. */
export interface AudioSample {
  readonly sampleRate: number;
  readonly channelCount: number;
  readonly bitsPerSample: number;
  readonly samplesSigned: boolean;
  readonly singleBuffer: boolean;
  readonly maxBufferLength: number;
  /** Puts the sample's bytes where DMA reads them (SRAM) and returns the next buffer. */
  getBuffer(hal: Samd21Hal, singleChannel: boolean, channel: number): { result: GetBuffer; address: number; length: number };
  resetBuffer(singleChannel: boolean, channel: number): void;
}

/** audiocore.RawSample (shared-module/audiocore/RawSample.c): the whole buffer, in SRAM. */
export class RawSample implements AudioSample {
  readonly bitsPerSample: number;
  readonly maxBufferLength: number;
  private bufferIndex = 0;

  constructor(
    private readonly data: Uint8Array,
    bytesPerSample: number,
    readonly samplesSigned: boolean,
    readonly channelCount: number,
    readonly sampleRate: number,
    readonly singleBuffer: boolean,
  ) {
    this.bitsPerSample = bytesPerSample * 8;
    this.maxBufferLength = data.length;
    if (data.length > AREA_BYTES) throw new HalError('RuntimeError', `hosted engine: a RawSample of ${data.length} bytes does not fit the SRAM left for audio (${AREA_BYTES} bytes)`);
  }

  private load(hal: Samd21Hal): void {
    for (let i = 0; i < this.data.length; i++) hal.w8(SAMPLE_AREA + i, this.data[i]!);
  }

  getBuffer(hal: Samd21Hal, singleChannel: boolean, channel: number): { result: GetBuffer; address: number; length: number } {
    this.load(hal);
    const channelOffset = singleChannel ? (channel % this.channelCount) * (this.bitsPerSample / 8) : 0;
    if (this.singleBuffer) return { result: 'done', address: SAMPLE_AREA + channelOffset, length: this.maxBufferLength };
    const half = this.maxBufferLength / 2;
    const address = SAMPLE_AREA + channelOffset + half * this.bufferIndex;
    this.bufferIndex = 1 - this.bufferIndex;
    return { result: 'done', address, length: half };
  }

  resetBuffer(): void {}
}

/** audiocore.WaveFile (shared-module/audiocore/WaveFile.c): the data chunk read `len` bytes at a time. */
export class WaveFile implements AudioSample {
  readonly samplesSigned: boolean;
  readonly singleBuffer = false;
  readonly maxBufferLength = 512;
  private bytesRemaining: number;
  private offset = 0;
  private bufferIndex = 0;
  private readCount = 0;
  private leftReadCount = 0;
  private rightReadCount = 0;
  private bufferLength = 0;
  private secondBufferLength = 0;

  constructor(
    private readonly data: Uint8Array,
    readonly sampleRate: number,
    readonly channelCount: number,
    readonly bitsPerSample: number,
    private readonly len = 256,
  ) {
    this.samplesSigned = bitsPerSample > 8;
    this.bytesRemaining = data.length;
  }

  resetBuffer(singleChannel: boolean, channel: number): void {
    if (singleChannel && channel === 1) return;
    this.bytesRemaining = this.data.length;
    this.offset = 0;
    this.readCount = this.leftReadCount = this.rightReadCount = 0;
  }

  getBuffer(hal: Samd21Hal, singleChannel: boolean, channel: number): { result: GetBuffer; address: number; length: number } {
    if (!singleChannel) channel = 0;
    const channelReadCount = channel === 1 ? this.rightReadCount : this.leftReadCount;
    const needMore = this.readCount === channelReadCount;
    if (this.bytesRemaining === 0 && needMore) return { result: 'done', address: 0, length: 0 };
    const first = SAMPLE_AREA;
    const second = SAMPLE_AREA + this.len;
    if (needMore) {
      const n = Math.min(this.len, this.bytesRemaining);
      const target = this.bufferIndex % 2 === 1 ? second : first;
      for (let i = 0; i < n; i++) hal.w8(target + i, this.data[this.offset + i]!);
      this.offset += n;
      this.bytesRemaining -= n;
      let length = n;
      // "Pad the last buffer to word align it" (the port's arithmetic: pad = length % 4, added).
      if (this.bytesRemaining === 0 && length % 4 !== 0) {
        const pad = length % 4;
        length += pad;
        if (this.bitsPerSample === 8) for (let i = 0; i < pad; i++) hal.w8(target + length - i - 1, 0x80);
        else if (this.bitsPerSample === 16) hal.w16(target + length - 2, 0);
      }
      if (this.bufferIndex % 2 === 1) this.secondBufferLength = length;
      else this.bufferLength = length;
      this.bufferIndex++;
      this.readCount++;
    }
    const buffersBack = this.readCount - 1 - channelReadCount;
    let address: number;
    let length: number;
    if ((this.bufferIndex - buffersBack) % 2 === 0) {
      address = second;
      length = this.secondBufferLength;
    } else {
      address = first;
      length = this.bufferLength;
    }
    if (channel === 0) this.leftReadCount++;
    else {
      this.rightReadCount++;
      address += this.bitsPerSample / 8;
    }
    return { result: this.bytesRemaining === 0 ? 'done' : 'more', address, length };
  }
}

interface DmaState {
  channel: number;
  sample: AudioSample;
  loop: boolean;
  singleChannel: boolean;
  spacing: number;
  signedToUnsigned: boolean;
  beatSize: number;
  bytesPerSample: number;
  descriptors: [number, number];
  buffers: [number, number];
  bufferLength: number;
  eventChannel: number;
  playing: boolean;
  /** The descriptor whose block ends next (double-buffered samples). */
  nextFinished: 0 | 1;
}

export class Samd21AudioOut {
  private open = false;
  private pad = '';
  private tc = -1;
  private tcToDacChannel = -1;
  private quiescent = 0x8000;
  private dma: DmaState | null = null;
  private dmaReady = false;
  private playingFlag = false;

  constructor(
    private readonly hal: Samd21Hal,
    private readonly nvic: HostedNvic,
  ) {}

  private tcBase(): number {
    return TC_BASE + 0x400 * this.tc;
  }

  private dacSync(): void {
    const h = this.hal;
    h.waitFor(() => (h.r8(DAC + DAC_REG.STATUS) & DAC_STATUS.SYNCBUSY) === 0, 'DAC STATUS.SYNCBUSY');
  }

  private tcSync(): void {
    const h = this.hal;
    h.waitFor(() => (h.r8(this.tcBase() + TC_REG.STATUS) & 0x80) === 0, 'TC STATUS.SYNCBUSY');
  }

  private tcEnable(on: boolean): void {
    const h = this.hal;
    const a = this.tcBase() + TC_REG.CTRLA;
    h.w16(a, on ? h.r16(a) | 2 : h.r16(a) & ~2);
    this.tcSync();
  }

  /** ramp_value: from DAC DATA to `end` in steps of 49, 50 µs apart, into DATA and DATABUF. */
  private ramp(end: number): void {
    const h = this.hal;
    const start = h.r16(DAC + DAC_REG.DATA);
    let step = 49;
    let steps = Math.trunc((end - start) / step);
    if (end - start < 0) {
      steps = -steps;
      step = -step;
    }
    for (let i = 0; i < steps; i++) {
      const value = (start + step * i) & 0xffff;
      h.w16(DAC + DAC_REG.DATA, value);
      h.w16(DAC + DAC_REG.DATABUF, value);
      h.clock.advance(50e-6);
    }
  }

  /** common_hal_audioio_audioout_construct (SAMD21: left channel on PA02 only). */
  construct(pad: string, name: string, quiescent: number): void {
    const h = this.hal;
    h.assertFree(pad, name);
    const dacClock = (h.r32(PM + 0x20) & (1 << 18)) !== 0;
    if (dacClock && h.r8(DAC + DAC_REG.CTRLA) & DAC_CTRLA.ENABLE) throw new HalError('RuntimeError', 'DAC already in use');
    if (pad !== 'PA02') throw new HalError('ValueError', 'Invalid pin');
    h.claim(pad, name);
    this.pad = pad;
    h.apbc(18);
    h.clockChannel(GCLK_ID.DAC);
    h.w8(DAC + DAC_REG.CTRLA, DAC_CTRLA.SWRST);
    h.waitFor(() => (h.r8(DAC + DAC_REG.CTRLA) & DAC_CTRLA.SWRST) === 0, 'DAC CTRLA.SWRST');
    h.w8(DAC + DAC_REG.EVCTRL, h.r8(DAC + DAC_REG.EVCTRL) | DAC_EVCTRL.STARTEI);
    h.w8(DAC + DAC_REG.CTRLB, (DAC_REFSEL.AVCC << DAC_CTRLB.REFSEL_Pos) | DAC_CTRLB.LEFTADJ | DAC_CTRLB.EOEN | DAC_CTRLB.VPD);
    h.w8(DAC + DAC_REG.CTRLA, h.r8(DAC + DAC_REG.CTRLA) | DAC_CTRLA.ENABLE);
    this.dacSync();
    // find_free_timer: the highest TC not enabled.
    let index = 2;
    while (index >= 0 && h.r16(TC_BASE + 0x400 * index + TC_REG.CTRLA) & 2) index--;
    if (index < 0) {
      this.open = true;
      this.deinit();
      throw new HalError('RuntimeError', 'All timers in use');
    }
    this.tc = index;
    h.apbc(11 + index);
    h.clockChannel(TC_GCLK[index]!);
    this.tcEnable(false);
    h.w16(this.tcBase() + TC_REG.CTRLA, 1); // tc_reset
    h.waitFor(() => (h.r16(this.tcBase() + TC_REG.CTRLA) & 1) === 0, 'TC CTRLA.SWRST');
    h.w16(this.tcBase() + TC_REG.CTRLA, 1 << 5); // WAVEGEN = MFRQ
    h.w16(this.tcBase() + TC_REG.EVCTRL, 1 << 8); // OVFEO
    this.tcEnable(true);
    h.w8(this.tcBase() + TC_REG.CTRLBSET, 2 << 6); // CMD STOP
    // The TC's overflow event to the DAC's START, on the highest free asynchronous channel.
    h.apbc(1); // turn_on_event_system
    let channel = EVSYS_CHANNELS - 1;
    for (; channel > 0; channel--) if (this.eventChannelFree(channel)) break;
    h.w16(EVSYS + EVSYS_REG.USER, EVENT_USER.DAC_START | ((channel + 1) << 8));
    h.pmux(pad, 'B');
    h.w32(EVSYS + EVSYS_REG.CHANNEL, channel | ((EVENT_GENERATOR.TC3_OVF + 3 * index) << 16) | (2 << 24)); // PATH async
    this.tcToDacChannel = channel;
    this.quiescent = quiescent;
    this.open = true;
    this.ramp(quiescent);
  }

  /** event_channel_free: select the channel with a byte write, then read its EVGEN. */
  private eventChannelFree(channel: number): boolean {
    this.hal.w8(EVSYS + EVSYS_REG.CHANNEL, channel);
    return ((this.hal.r32(EVSYS + EVSYS_REG.CHANNEL) >>> 16) & 0x7f) === 0;
  }

  /** init_shared_dma: the DMAC's clocks, descriptor sections, and the audio channels configured. */
  private initDma(): void {
    const h = this.hal;
    h.w32(PM + 0x14, h.r32(PM + 0x14) | (1 << 5)); // AHBMASK.DMAC
    h.w32(PM + 0x1c, h.r32(PM + 0x1c) | (1 << 4)); // APBBMASK.DMAC
    h.w16(DMAC + DMAC_REG.CTRL, DMAC_CTRL.SWRST);
    h.w32(DMAC + DMAC_REG.BASEADDR, DESCRIPTORS);
    h.w32(DMAC + DMAC_REG.WRBADDR, WRITE_BACK);
    h.w16(DMAC + DMAC_REG.CTRL, DMAC_CTRL.DMAENABLE | DMAC_CTRL.LVLEN0);
    for (let ch = 0; ch < AUDIO_DMA_CHANNELS; ch++) this.dmaConfigure(ch, 0);
    this.dmaReady = true;
  }

  /** dma_configure: channel reset, then LVL0, TRIGSRC, TRIGACT BEAT, event output on. */
  private dmaConfigure(ch: number, trigsrc: number): void {
    const h = this.hal;
    h.w8(DMAC + DMAC_REG.CHID, ch);
    h.w8(DMAC + DMAC_REG.CHCTRLA, h.r8(DMAC + DMAC_REG.CHCTRLA) & ~2);
    h.w8(DMAC + DMAC_REG.CHCTRLA, 1);
    h.w16(DMAC + DMAC_REG.SWTRIGCTRL, h.r16(DMAC + DMAC_REG.SWTRIGCTRL) & ~(1 << ch));
    h.w32(DMAC + DMAC_REG.CHCTRLB, (trigsrc << CHCTRLB.TRIGSRC_Pos) | CHCTRLB.TRIGACT_BEAT | CHCTRLB.EVOE);
  }

  private chSelect(ch: number): void {
    this.hal.w8(DMAC + DMAC_REG.CHID, ch);
  }

  /** setup_audio_descriptor */
  private setupDescriptor(d: number, beatSize: number, spacing: number): void {
    const h = this.hal;
    const size = beatSize === 2 ? 1 : beatSize === 4 ? 2 : 0;
    h.w16(d, (size << BTCTRL.BEATSIZE_Pos) | BTCTRL.SRCINC | BTCTRL.EVOSEL_BLOCK | ((spacing - 1) << BTCTRL.STEPSIZE_Pos) | BTCTRL.STEPSEL_SRC);
  }

  /** audio_dma_load_next_block */
  private loadNextBlock(dma: DmaState, index: 0 | 1): void {
    const h = this.hal;
    const got = dma.sample.getBuffer(h, dma.singleChannel, 0);
    const d = dma.descriptors[index];
    let out = got.address;
    let outLength = got.length;
    let outSpacing = dma.spacing;
    if (dma.signedToUnsigned) {
      // audio_dma_convert_samples: every spacing-th sample, + 0x80 / + 0x8000, into buffer[index].
      out = dma.buffers[index];
      outLength = Math.floor(got.length / dma.spacing);
      outSpacing = 1;
      if (outLength > dma.bufferLength) throw new HalError('RuntimeError', 'Internal audio buffer too small');
      let o = 0;
      if (dma.bytesPerSample === 1) {
        for (let i = 0; i < got.length; i += dma.spacing) h.w8(out + o++, (h.r8(got.address + i) + 0x80) & 0xff);
      } else {
        for (let i = 0; i < got.length / 2; i += dma.spacing) h.w16(out + 2 * o++, (h.r16(got.address + 2 * i) + 0x8000) & 0xffff);
      }
    }
    h.w16(d + 2, Math.floor(outLength / dma.beatSize / outSpacing)); // BTCNT
    h.w32(d + 4, out + outLength); // SRCADDR: the end of the block (20.6.2.7)
    if (got.result === 'done') {
      if (dma.loop) dma.sample.resetBuffer(dma.singleChannel, 0);
      else if (outLength === 0) {
        this.dmaStop(dma);
        return;
      } else h.w32(d + 12, 0); // DESCADDR: the last block
    }
    h.w16(d, h.r16(d) | BTCTRL.VALID);
  }

  /** audio_dma_setup_playback (single channel output to DATABUF, unsigned). */
  private setupPlayback(sample: AudioSample, loop: boolean): void {
    const h = this.hal;
    if (!this.dmaReady) this.initDma();
    const ch = 0; // dma_allocate_channel(true): the first audio channel
    sample.resetBuffer(true, 0);
    const samplesSigned = sample.samplesSigned;
    let bufferLength = sample.maxBufferLength;
    const dma: DmaState = {
      channel: ch,
      sample,
      loop,
      singleChannel: true,
      spacing: sample.channelCount,
      signedToUnsigned: samplesSigned,
      beatSize: sample.bitsPerSample === 16 ? 2 : 1,
      bytesPerSample: sample.bitsPerSample === 16 ? 2 : 1,
      descriptors: [DESCRIPTORS + 16 * ch, SECOND_DESCRIPTOR],
      buffers: [DMA_AREA, DMA_AREA],
      bufferLength: 0,
      eventChannel: -1,
      playing: false,
      nextFinished: 0,
    };
    if (samplesSigned) bufferLength = Math.floor(bufferLength / dma.spacing);
    const need = sample.singleBuffer ? bufferLength : 2 * bufferLength;
    if (samplesSigned && need > AREA_BYTES) throw new HalError('RuntimeError', 'Unable to allocate buffers for signed conversion');
    dma.buffers = [DMA_AREA, DMA_AREA + bufferLength];
    dma.bufferLength = bufferLength;
    let output = DAC + DAC_REG.DATABUF;
    if (dma.bytesPerSample === 1) output += 1; // 8-bit samples into the high byte (LEFTADJ)
    const [d0, d1] = dma.descriptors;
    this.setupDescriptor(d0, dma.beatSize, samplesSigned ? 1 : dma.spacing);
    h.w32(d0 + 8, output);
    if (sample.singleBuffer) {
      h.w32(d0 + 12, loop ? d0 : 0);
    } else {
      // Block events through a resynchronised EVSYS channel (find_sync_event_channel) interrupt here.
      let ev = 0;
      for (; ev < EVSYS_SYNC_CHANNELS; ev++) if (this.eventChannelFree(ev)) break;
      if (ev >= EVSYS_SYNC_CHANNELS) throw new HalError('RuntimeError', 'All sync event channels in use');
      dma.eventChannel = ev;
      h.w16(0x40000c00 + 0x02, (GCLK_ID.EVSYS_CHANNEL_0 + ev) | (0 << 8) | (1 << 14));
      h.w32(EVSYS + EVSYS_REG.CHANNEL, ev | ((EVENT_GENERATOR.DMAC_CH0 + ch) << 16) | (1 << 24) | (1 << 26)); // RESYNCHRONIZED, RISING_EDGE
      h.w32(EVSYS + EVSYS_REG.INTFLAG, (1 << (8 + ev)) | (1 << ev));
      h.w32(EVSYS + EVSYS_REG.INTENSET, (1 << (8 + ev)) | (1 << ev));
      h.w32(d0 + 12, d1);
      this.setupDescriptor(d1, dma.beatSize, samplesSigned ? 1 : dma.spacing);
      h.w32(d1 + 8, output);
      h.w32(d1 + 12, d0);
    }
    this.dma = dma;
    dma.playing = true;
    this.loadNextBlock(dma, 0);
    if (!sample.singleBuffer && dma.playing) this.loadNextBlock(dma, 1);
    dma.playing = this.dma === dma;
    this.dmaConfigure(ch, DMA_TRIGGER.DAC_EMPTY);
    this.chSelect(ch);
    h.w8(DMAC + DMAC_REG.CHINTFLAG, 0x7);
    h.w8(DMAC + DMAC_REG.CHCTRLA, h.r8(DMAC + DMAC_REG.CHCTRLA) | 2);
    this.nvic.setHandler(IRQ.EVSYS, () => this.evsysIsr());
  }

  /** audio_dma_evsys_handler + dma_callback_fun: a block ended; load the descriptor it came from, or stop. */
  private evsysIsr(): void {
    const h = this.hal;
    const dma = this.dma;
    if (!dma || dma.eventChannel < 0) return;
    const ev = dma.eventChannel;
    if ((h.r32(EVSYS + EVSYS_REG.INTFLAG) & (1 << (8 + ev))) === 0) return;
    h.w32(EVSYS + EVSYS_REG.INTFLAG, (1 << (8 + ev)) | (1 << ev));
    // The port reads the write-back descriptor's DESCADDR here and reloads the descriptor it names, which
    // on silicon is the block that just ended (the DMAC has already fetched the next one). The DMAC model
    // fetches the next descriptor at the next trigger, so its write-back still shows the block that ended:
    // the blocks end alternately (0, 1, 0, ...), and a DESCADDR of 0 means the last one has played.
    const finished = dma.nextFinished;
    dma.nextFinished = finished === 0 ? 1 : 0;
    const next = h.r32(WRITE_BACK + 16 * dma.channel + 12);
    if (next === 0) this.dmaStop(dma);
    else this.loadNextBlock(dma, finished);
  }

  /** audio_dma_stop: channel disabled, its event channel released. */
  private dmaStop(dma: DmaState): void {
    const h = this.hal;
    this.chSelect(dma.channel);
    h.w8(DMAC + DMAC_REG.CHCTRLA, h.r8(DMAC + DMAC_REG.CHCTRLA) & ~2);
    if (dma.eventChannel >= 0) h.w32(EVSYS + EVSYS_REG.CHANNEL, dma.eventChannel);
    dma.playing = false;
    if (this.dma === dma) this.dma = null;
  }

  private ensureOpen(): void {
    if (!this.open) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
  }

  /** common_hal_audioio_audioout_play: the DMA set up, the TC at the sample rate, started. */
  play(sample: AudioSample, loop: boolean): void {
    this.ensureOpen();
    if (this.playing()) this.stop();
    if (sample.sampleRate > 350000) throw new HalError('ValueError', 'sample_rate must be <= 350000');
    this.setupPlayback(sample, loop);
    const h = this.hal;
    // set_timer_frequency
    let divisor = 0;
    let top = 0;
    for (divisor = 0; divisor < 8; divisor++) {
      top = Math.floor(Math.floor(48e6 / PRESCALERS[divisor]!) / sample.sampleRate) - 1;
      if (top < 1 << 16) break;
    }
    const ctrla = this.tcBase() + TC_REG.CTRLA;
    if (divisor !== ((h.r16(ctrla) >> 8) & 7)) {
      this.tcEnable(false);
      h.w16(ctrla, (h.r16(ctrla) & ~(7 << 8)) | (divisor << 8));
      this.tcEnable(true);
    }
    this.tcSync();
    h.w16(this.tcBase() + TC_REG.CC0, top);
    this.tcSync();
    h.w8(this.tcBase() + TC_REG.CTRLBSET, 1 << 6); // RETRIGGER
    h.waitFor(() => (h.r8(this.tcBase() + TC_REG.STATUS) & (1 << 3)) === 0, 'TC STATUS.STOP');
    this.playingFlag = true;
  }

  /** common_hal_audioio_audioout_get_playing (audio_dma_get_playing: playing_in_progress). */
  playing(): boolean {
    const now = this.dma?.playing ?? false;
    if (this.playingFlag && !now) this.stop();
    return now;
  }

  stop(): void {
    if (this.dma) this.dmaStop(this.dma);
    this.playingFlag = false;
    this.ramp(this.quiescent);
  }

  pause(): void {
    if (!this.dma) return;
    this.chSelect(this.dma.channel);
    this.hal.w32(DMAC + DMAC_REG.CHCTRLB, (this.hal.r32(DMAC + DMAC_REG.CHCTRLB) & ~(3 << 24)) | CHCTRLB.CMD_SUSPEND);
  }

  paused(): boolean {
    if (!this.dma) return false;
    this.chSelect(this.dma.channel);
    return (this.hal.r8(DMAC + DMAC_REG.CHINTFLAG) & CHINTFLAG_SUSP) !== 0;
  }

  resume(): void {
    const h = this.hal;
    h.w8(DAC + DAC_REG.INTFLAG, DAC_INT.UNDERRUN);
    if (!this.dma) return;
    this.chSelect(this.dma.channel);
    h.w32(DMAC + DMAC_REG.CHCTRLB, (h.r32(DMAC + DMAC_REG.CHCTRLB) & ~(3 << 24)) | CHCTRLB.CMD_RESUME);
    h.w8(DMAC + DMAC_REG.CHINTFLAG, CHINTFLAG_SUSP);
  }

  deinit(): void {
    if (!this.open) return;
    const h = this.hal;
    if (this.playing()) this.stop();
    this.dacSync();
    this.ramp(0);
    h.w8(DAC + DAC_REG.CTRLA, h.r8(DAC + DAC_REG.CTRLA) | DAC_CTRLA.SWRST);
    if (this.tcToDacChannel >= 0) h.w32(EVSYS + EVSYS_REG.CHANNEL, this.tcToDacChannel);
    if (this.tc >= 0) this.tcEnable(false);
    this.nvic.setHandler(IRQ.EVSYS, null);
    h.release(this.pad);
    this.open = false;
    this.tc = -1;
    this.tcToDacChannel = -1;
  }
}
