/**
 * EVSYS, the Event System (data sheet section 24): 12 channels route event pulses from generators
 * (RTC, EIC, TC, ADC, ...) to users (TC, ADC, DAC, DMAC, ...) without the CPU.
 *
 * CHANNEL and USER are select-then-read (24.8.2, 24.8.3): an 8-bit write of the CHANNEL/USER field
 * selects which channel/user a read shows; a wider write configures it. A channel on the
 * synchronous or resynchronised path detects events with its edge selection (EDGSEL), needs its
 * GCLK_EVSYS_CHANNEL_n, and sets INTFLAG.EVDn; the asynchronous path passes events straight
 * through, with no detection and no flags (24.6.2.5-7).
 *
 * Timing: generators here emit pulses and users react at once; the 2-3 GCLK latency of the
 * resynchronised path is not modelled. OVRn is never set since users never stay busy.
 */
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import type { EventSystem, ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { EVENT_USERS, GCLK_ID, IRQ } from './memory-map.js';

export const EVSYS_CHANNELS = 12;
/** CHANNEL.PATH values (24.8.2). */
export const EVSYS_PATH = { SYNCHRONOUS: 0, RESYNCHRONIZED: 1, ASYNCHRONOUS: 2 } as const;

interface Channel {
  evgen: number;
  path: number;
  edgsel: number;
}

/** INTFLAG bit of EVDn / OVRn (24.8.6): channels 0-7 at 8+n / n, 8-11 at 24+(n-8) / 16+(n-8). */
export function evdBit(n: number): number {
  return n < 8 ? 1 << (8 + n) : 1 << (24 + n - 8);
}
export function ovrBit(n: number): number {
  return n < 8 ? 1 << n : 1 << (16 + n - 8);
}

export class EVSYS extends RegisterBlock implements Samd21Peripheral, EventSystem {
  readonly CTRL: Register;
  readonly CHANNEL: Register;
  readonly USER: Register;
  readonly CHSTATUS: Register;
  readonly int: InterruptRegisters;
  readonly channels: Channel[] = [];
  /** USER.CHANNEL per user: 0 = none, n = channel n-1. */
  readonly userChannel = new Uint8Array(EVENT_USERS + 1);
  private channelSel = 0;
  private userSel = 0;
  /** Events delivered per channel (diagnostics and tests). */
  readonly eventCount = new Array<number>(EVSYS_CHANNELS).fill(0);

  constructor(private readonly chip: Samd21Chip) {
    super('EVSYS', 0x400);
    for (let i = 0; i < EVSYS_CHANNELS; i++) this.channels.push({ evgen: 0, path: 0, edgsel: 0 });
    // CTRL (24.8.1): SWRST 0 (immediate), GCLKREQ 4.
    this.CTRL = this.reg({
      name: 'CTRL', offset: 0x00, size: 1, writable: 0x11,
      write: (v) => {
        if (v & 1) this.softwareReset();
      },
    });
    this.CHANNEL = this.reg({ name: 'CHANNEL', offset: 0x04, size: 4, read: () => this.readChannel(), write: (v, _o, m) => this.writeChannel(v, m) });
    this.USER = this.reg({ name: 'USER', offset: 0x08, size: 2, read: () => this.readUser(), write: (v, _o, m) => this.writeUser(v, m) });
    // CHSTATUS (24.8.4): users always ready, channels never busy.
    this.CHSTATUS = this.reg({ name: 'CHSTATUS', offset: 0x0c, size: 4, writable: 0, read: () => 0x000f00ff });
    this.int = new InterruptRegisters(this, { INTENCLR: 0x10, INTENSET: 0x14, INTFLAG: 0x18 }, 4, 0x0f0fffff, (l) => chip.irq(IRQ.EVSYS, l));
    chip.events = this;
  }

  reset(_cause: ResetCause): void {
    this.softwareReset();
  }

  private softwareReset(): void {
    this.resetRegisters();
    this.int.reset();
    for (const c of this.channels) Object.assign(c, { evgen: 0, path: 0, edgsel: 0 });
    this.userChannel.fill(0);
    this.channelSel = this.userSel = 0;
  }

  private readChannel(): number {
    const c = this.channels[this.channelSel];
    return (this.channelSel | (c.evgen << 16) | (c.path << 24) | (c.edgsel << 26)) >>> 0;
  }

  private writeChannel(v: number, mask: number): void {
    const n = v & 0xf;
    if (mask & 0xff && n < EVSYS_CHANNELS) this.channelSel = n;
    if ((mask & 0xffffff00) === 0 || n >= EVSYS_CHANNELS) return;
    const c = this.channels[n];
    if (mask & 0x00ff0000) c.evgen = (v >>> 16) & 0x7f;
    if (mask & 0xff000000) {
      c.path = (v >>> 24) & 3;
      c.edgsel = (v >>> 26) & 3;
    }
    // SWEVT (bit 8): a software event on the channel, written together with the configuration.
    if (mask & 0xff00 && v & 0x100) this.fire(n);
  }

  private readUser(): number {
    return this.userSel | (this.userChannel[this.userSel] << 8);
  }

  private writeUser(v: number, mask: number): void {
    const u = v & 0x1f;
    if (mask & 0xff && u <= EVENT_USERS) this.userSel = u;
    if ((mask & 0xff00) === 0 || u > EVENT_USERS) return;
    this.userChannel[u] = (v >>> 8) & 0x1f;
  }

  /** A generator fired (EventSystem). */
  generate(generator: number): void {
    if (generator === 0) return;
    for (let n = 0; n < EVSYS_CHANNELS; n++) if (this.channels[n].evgen === generator) this.fire(n);
  }

  private fire(n: number): void {
    const c = this.channels[n];
    if (c.path !== EVSYS_PATH.ASYNCHRONOUS) {
      // Synchronous/resynchronised paths need the channel's GCLK and an edge selection (24.6.2.6).
      if (c.edgsel === 0) return;
      if (this.chip.gclkFrequency(GCLK_ID.EVSYS_CHANNEL_0 + n) <= 0) return;
      this.int.set(evdBit(n));
    }
    this.eventCount[n]++;
    const tag = n + 1;
    for (let u = 0; u <= EVENT_USERS; u++) if (this.userChannel[u] === tag) this.chip.deliverEvent(u);
  }
}
