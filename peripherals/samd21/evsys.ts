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
 * Level generators (the AC's COMPx and WIN0 events are "a copy of the comparator status") report
 * each change of their level: a synchronous or resynchronised channel fires on the edges its
 * EDGSEL selects; the asynchronous path, whose users here react to pulses, fires on rising edges.
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
/** CHANNEL.EDGSEL values (24.8.2). */
export const EVSYS_EDGSEL = { NO_EVT_OUTPUT: 0, RISING_EDGE: 1, FALLING_EDGE: 2, BOTH_EDGES: 3 } as const;

/** Register offsets (24.7 register summary). */
export const EVSYS_REG = { CTRL: 0x00, CHANNEL: 0x04, USER: 0x08, CHSTATUS: 0x0c, INTENCLR: 0x10, INTENSET: 0x14, INTFLAG: 0x18 } as const;
/** CTRL (24.8.1). */
export const EVSYS_CTRL = { SWRST: 1 << 0, GCLKREQ: 1 << 4 } as const;
/** CHANNEL (24.8.2). */
export const EVSYS_CHANNEL = {
  CHANNEL_Pos: 0, CHANNEL_Msk: 0xf << 0, SWEVT: 1 << 8, EVGEN_Pos: 16, EVGEN_Msk: 0x7f << 16, PATH_Pos: 24,
  PATH_Msk: 0x3 << 24, EDGSEL_Pos: 26, EDGSEL_Msk: 0x3 << 26,
} as const;
/** USER (24.8.3): CHANNEL n + 1 routes channel n to the user, 0 none. */
export const EVSYS_USER = { USER_Pos: 0, USER_Msk: 0x1f << 0, CHANNEL_Pos: 8, CHANNEL_Msk: 0x1f << 8 } as const;
/**
 * CHSTATUS (24.8.4) and INTFLAG/INTENSET/INTENCLR (24.8.5-7) split their per-channel bits:
 * channels 0-7 in the low half-word, 8-11 in the high one (`evdBit`, `ovrBit`, `usrrdyBit`).
 */
export const EVSYS_CHSTATUS = { USRRDY0: 1 << 0, CHBUSY0: 1 << 8, USRRDY8: 1 << 16, CHBUSY8: 1 << 24 } as const;
export const EVSYS_INT = { OVR0: 1 << 0, EVD0: 1 << 8, OVR8: 1 << 16, EVD8: 1 << 24 } as const;

interface Channel {
  evgen: number;
  path: number;
  edgsel: number;
}

/** Channels whose bits sit in the low half of CHSTATUS and the interrupt registers. */
const LOW_CHANNELS = 8;

/** INTFLAG bit of EVDn / OVRn (24.8.6): channels 0-7 at 8+n / n, 8-11 at 24+(n-8) / 16+(n-8). */
export function evdBit(n: number): number {
  return n < LOW_CHANNELS ? EVSYS_INT.EVD0 << n : EVSYS_INT.EVD8 << (n - LOW_CHANNELS);
}
export function ovrBit(n: number): number {
  return n < LOW_CHANNELS ? EVSYS_INT.OVR0 << n : EVSYS_INT.OVR8 << (n - LOW_CHANNELS);
}
function usrrdyBit(n: number): number {
  return n < LOW_CHANNELS ? EVSYS_CHSTATUS.USRRDY0 << n : EVSYS_CHSTATUS.USRRDY8 << (n - LOW_CHANNELS);
}

/** Every channel's EVDn and OVRn. */
let INT_MASK = 0;
/** Every channel's USRRDYn: users are always ready, channels never busy. */
let CHSTATUS_IDLE = 0;
for (let n = 0; n < EVSYS_CHANNELS; n++) {
  INT_MASK |= evdBit(n) | ovrBit(n);
  CHSTATUS_IDLE |= usrrdyBit(n);
}
/** Byte lanes of a CHANNEL/USER write: the low byte alone selects (24.8.2). */
const SELECT_LANE = 0xff;
const SWEVT_LANE = 0xff << 8;
const EVGEN_LANE = 0xff << 16;
const PATH_LANE = 0xff << 24;

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
    const R = EVSYS_REG;
    this.CTRL = this.reg({
      name: 'CTRL', offset: R.CTRL, size: 1, writable: EVSYS_CTRL.SWRST | EVSYS_CTRL.GCLKREQ,
      write: (v) => {
        if (v & EVSYS_CTRL.SWRST) this.softwareReset();
      },
    });
    this.CHANNEL = this.reg({ name: 'CHANNEL', offset: R.CHANNEL, size: 4, read: () => this.readChannel(), write: (v, _o, m) => this.writeChannel(v, m) });
    this.USER = this.reg({ name: 'USER', offset: R.USER, size: 2, read: () => this.readUser(), write: (v, _o, m) => this.writeUser(v, m) });
    this.CHSTATUS = this.reg({ name: 'CHSTATUS', offset: R.CHSTATUS, size: 4, writable: 0, read: () => CHSTATUS_IDLE });
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG }, 4, INT_MASK, (l) => chip.irq(IRQ.EVSYS, l));
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
    const C = EVSYS_CHANNEL;
    return ((this.channelSel << C.CHANNEL_Pos) | (c.evgen << C.EVGEN_Pos) | (c.path << C.PATH_Pos) | (c.edgsel << C.EDGSEL_Pos)) >>> 0;
  }

  private writeChannel(v: number, mask: number): void {
    const C = EVSYS_CHANNEL;
    const n = (v & C.CHANNEL_Msk) >>> C.CHANNEL_Pos;
    if (mask & SELECT_LANE && n < EVSYS_CHANNELS) this.channelSel = n;
    if ((mask & ~SELECT_LANE) === 0 || n >= EVSYS_CHANNELS) return;
    const c = this.channels[n];
    if (mask & EVGEN_LANE) c.evgen = (v & C.EVGEN_Msk) >>> C.EVGEN_Pos;
    if (mask & PATH_LANE) {
      c.path = (v & C.PATH_Msk) >>> C.PATH_Pos;
      c.edgsel = (v & C.EDGSEL_Msk) >>> C.EDGSEL_Pos;
    }
    // SWEVT: a software event on the channel, written together with the configuration.
    if (mask & SWEVT_LANE && v & C.SWEVT) this.fire(n);
  }

  private readUser(): number {
    return (this.userSel << EVSYS_USER.USER_Pos) | (this.userChannel[this.userSel] << EVSYS_USER.CHANNEL_Pos);
  }

  private writeUser(v: number, mask: number): void {
    const u = (v & EVSYS_USER.USER_Msk) >>> EVSYS_USER.USER_Pos;
    if (mask & SELECT_LANE && u <= EVENT_USERS) this.userSel = u;
    if ((mask & EVSYS_USER.CHANNEL_Msk) === 0 || u > EVENT_USERS) return;
    this.userChannel[u] = (v & EVSYS_USER.CHANNEL_Msk) >>> EVSYS_USER.CHANNEL_Pos;
  }

  /** A generator fired (EventSystem). */
  generate(generator: number): void {
    if (generator === 0) return;
    for (let n = 0; n < EVSYS_CHANNELS; n++) if (this.channels[n].evgen === generator) this.fire(n);
  }

  /** A level generator changed (EventSystem): each channel's edge detection picks its edges. */
  level(generator: number, level: 0 | 1): void {
    if (generator === 0) return;
    for (let n = 0; n < EVSYS_CHANNELS; n++) {
      const c = this.channels[n];
      if (c.evgen !== generator) continue;
      const wanted =
        c.path === EVSYS_PATH.ASYNCHRONOUS
          ? level === 1
          : c.edgsel === EVSYS_EDGSEL.BOTH_EDGES || c.edgsel === (level ? EVSYS_EDGSEL.RISING_EDGE : EVSYS_EDGSEL.FALLING_EDGE);
      if (wanted) this.fire(n);
    }
  }

  private fire(n: number): void {
    const c = this.channels[n];
    if (c.path !== EVSYS_PATH.ASYNCHRONOUS) {
      // Synchronous/resynchronised paths need the channel's GCLK and an edge selection (24.6.2.6).
      if (c.edgsel === EVSYS_EDGSEL.NO_EVT_OUTPUT) return;
      if (this.chip.gclkFrequency(GCLK_ID.EVSYS_CHANNEL_0 + n) <= 0) return;
      this.int.set(evdBit(n));
    }
    this.eventCount[n]++;
    const tag = n + 1;
    for (let u = 0; u <= EVENT_USERS; u++) if (this.userChannel[u] === tag) this.chip.deliverEvent(u);
  }
}
