/**
 * DMAC, the Direct Memory Access Controller (data sheet DS40001882 section 20 "DMAC"; the
 * descriptor format is 20.10 "Register Summary - SRAM", the end-address rule 20.6.2.7).
 *
 * Twelve channels. Registers of one channel are reached through CHID (select-then-access):
 * CHCTRLA, CHCTRLB, CHINTENCLR/SET, CHINTFLAG, CHSTATUS. Transfer descriptors live in SRAM:
 * channel n's first descriptor at BASEADDR + 16 n, its write-back copy at WRBADDR + 16 n; a
 * descriptor is BTCTRL(16) BTCNT(16) SRCADDR(32) DSTADDR(32) DESCADDR(32), DESCADDR = 0 ends the
 * transaction.
 *
 * Model:
 * - Everything moves through the system bus (`chip.bus`), so SRAM and peripheral DATA registers
 *   are the real ones with their side effects (a beat reading SERCOM DATA pops its RX buffer).
 *   A bus error during a descriptor fetch or a beat sets CHINTFLAG.TERR and disables the channel
 *   (20.6.3.1 "Transfer error"); a fetched descriptor with VALID = 0 sets CHSTATUS.FERR and
 *   suspends the channel (CHINTFLAG.SUSP, 20.6.2.8).
 * - Triggers: a pulse (`trigger(source)`) or the level a peripheral reports through
 *   `chip.dmaRequestActive(source)` makes a channel pending. TRIGACT selects what one trigger
 *   buys: BEAT (one beat, then wait for the trigger again; a level still high re-pends at once),
 *   BLOCK (the whole block), TRANSACTION (every block of the chain). TRIGSRC = 0 means software
 *   (SWTRIGCTRL) or event triggers only.
 * - Arbitration between pending channels: higher CHCTRLB.LVL first among levels enabled by
 *   CTRL.LVLENx; within a level, static priority (lower channel first) or round-robin when
 *   PRICTRL0.RRLVLENx = 1 (20.6.2.4).
 * - Time: the DMAC works in slices scheduled on the timeline. A slice serves one channel for at
 *   most MAX_BEATS_PER_SLICE beats (one beat for TRIGACT = BEAT) and at most one descriptor
 *   fetch; its cost is BEAT_CYCLES per beat plus the bus wait states of the accesses, plus
 *   FETCH_CYCLES per descriptor fetch/write-back, and the next slice runs that many cycles later.
 *   So a looping descriptor chain or a runaway 65535-beat block advances simulated time and never
 *   holds the host: the CPU runs between slices. Bus stalls caused by the DMAC are not charged to
 *   the CPU.
 * - Completion: at the end of a block, CHINTFLAG.TCMPL is set if BTCTRL.BLOCKACT is INT or BOTH;
 *   at the end of the last block (DESCADDR = 0) the channel is disabled and TCMPL is set as well,
 *   whatever BLOCKACT (CircuitPython's shared_dma_transfer waits for TCMPL with BLOCKACT = NOACT,
 *   and real chips set it). BLOCKACT SUSPEND/BOTH suspend the channel after the block (SUSP).
 * - Write-back: the descriptor being executed is copied to the write-back section when it is
 *   fetched, and again with the remaining BTCNT when the channel stops (block end, suspend,
 *   disable, error), so firmware can read progress there (20.6.2.7).
 * - CRC (20.6.3.6): CRC-16 (CCITT, poly 0x1021) or CRC-32 (IEEE 802.3) over the beats of the
 *   channel CRCCTRL.CRCSRC names (0x20 + n), or over CRCDATAIN writes (CRCSRC = IO). CRC-32 reads
 *   back bit-reversed and complemented, so seeding CRCCHKSUM with 0xFFFFFFFF gives the usual
 *   CRC-32 value.
 * - Events: channels 0-3 take EVSYS events (CHCTRLB.EVIE; EVACT TRIG, CTRIG, CBLOCK, SUSPEND,
 *   RESUME; SSKIP is treated as NOACT) and generate them (CHCTRLB.EVOE, BTCTRL.EVOSEL BLOCK/BEAT).
 */
import type { Bus } from '../../emulator/kernel/bus.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, type Register } from '../register-block.js';
import type { DmaController, ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { EVENT_GENERATOR, EVENT_USER, IRQ } from './memory-map.js';

export const DMAC_CHANNELS = 12;
/** Beats moved in one slice at most (TRIGACT BLOCK/TRANSACTION). */
export const MAX_BEATS_PER_SLICE = 16;
/** Cycles per beat besides bus wait states (one AHB read + one AHB write). */
export const BEAT_CYCLES = 2;
/** Cycles of a descriptor fetch (4 words) or write-back. */
export const FETCH_CYCLES = 4;

// CTRL (20.8.1)
const CTRL_SWRST = 1 << 0;
const CTRL_DMAENABLE = 1 << 1;
const CTRL_CRCENABLE = 1 << 2;
// CHCTRLA (20.8.18)
const CHCTRLA_SWRST = 1 << 0;
const CHCTRLA_ENABLE = 1 << 1;
// CHINTFLAG (20.8.22)
export const CHINTFLAG_TERR = 1 << 0;
export const CHINTFLAG_TCMPL = 1 << 1;
export const CHINTFLAG_SUSP = 1 << 2;
// CHSTATUS (20.8.23)
export const CHSTATUS_PEND = 1 << 0;
export const CHSTATUS_BUSY = 1 << 1;
export const CHSTATUS_FERR = 1 << 2;
// CHCTRLB fields (20.8.19)
export const TRIGACT = { BLOCK: 0, BEAT: 2, TRANSACTION: 3 } as const;
const EVACT = { NOACT: 0, TRIG: 1, CTRIG: 2, CBLOCK: 3, SUSPEND: 4, RESUME: 5, SSKIP: 6 } as const;
// BTCTRL (20.10.1)
export const BTCTRL_VALID = 1 << 0;
export const BTCTRL_SRCINC = 1 << 10;
export const BTCTRL_DSTINC = 1 << 11;
export const BTCTRL_STEPSEL = 1 << 12;
export const BLOCKACT = { NOACT: 0, INT: 1, SUSPEND: 2, BOTH: 3 } as const;

class Channel {
  CHCTRLA = 0;
  CHCTRLB = 0;
  CHINTENSET = 0;
  CHINTFLAG = 0;
  /** A trigger is waiting to be served (CHSTATUS.PEND). */
  pending = false;
  /** The channel is inside a transaction (CHSTATUS.BUSY): from the first fetch to its end. */
  busy = false;
  /** A descriptor is loaded (its beats are being executed). */
  loaded = false;
  ferr = false;
  suspended = false;
  /** Beats may continue without a new trigger (BLOCK/TRANSACTION granted). */
  granted = false;
  /** Next descriptor to fetch: BASEADDR slot (first) or the DESCADDR of the previous one. */
  nextDescriptor = -1;
  swTrigger = false;
  // working copy of the descriptor
  btctrl = 0;
  btcnt = 0;
  srcaddr = 0;
  dstaddr = 0;
  descaddr = 0;
  /** Beats done in the current block. */
  beat = 0;
  /** Beat count as fetched (BTCNT 0 is taken as 65536, the 16-bit counter wrapping). */
  beats = 0;
  descriptorAddress = 0;

  get enabled(): boolean {
    return (this.CHCTRLA & CHCTRLA_ENABLE) !== 0;
  }
}

export class DMAC extends RegisterBlock implements Samd21Peripheral, DmaController {
  readonly CTRL: Register;
  readonly CRCCTRL: Register;
  readonly CRCDATAIN: Register;
  readonly CRCCHKSUM: Register;
  readonly CRCSTATUS: Register;
  readonly DBGCTRL: Register;
  readonly QOSCTRL: Register;
  readonly SWTRIGCTRL: Register;
  readonly PRICTRL0: Register;
  readonly INTPEND: Register;
  readonly INTSTATUS: Register;
  readonly BUSYCH: Register;
  readonly PENDCH: Register;
  readonly ACTIVE: Register;
  readonly BASEADDR: Register;
  readonly WRBADDR: Register;
  readonly CHID: Register;
  readonly CHCTRLA: Register;
  readonly CHCTRLB: Register;
  readonly CHINTENCLR: Register;
  readonly CHINTENSET: Register;
  readonly CHINTFLAG: Register;
  readonly CHSTATUS: Register;

  readonly channels: Channel[] = [];
  private readonly service: SimEvent;
  private irqLevel = false;
  /** Channel served by the slice in progress (ACTIVE), or -1. */
  private activeChannel = -1;
  private lastServed = [-1, -1, -1, -1];
  /** Internal CRC register (non-reflected for CRC-16, reflected for CRC-32). */
  private crc = 0;
  /** INTPEND.ID as last written. */
  private intpendId = 0;
  /** Descriptor fetches and beats since reset (diagnostics/tests). */
  fetches = 0;
  beatsDone = 0;
  errors = 0;

  private readonly bus: Bus;

  constructor(private readonly chip: Samd21Chip) {
    super('DMAC', 0x400);
    this.bus = chip.bus;
    for (let i = 0; i < DMAC_CHANNELS; i++) this.channels.push(new Channel());
    this.service = new SimEvent('DMAC.slice', () => this.slice());

    this.CTRL = this.reg({ name: 'CTRL', offset: 0x00, size: 2, writable: 0x0f07, write: (v, old) => this.ctrlWritten(v, old) });
    this.CRCCTRL = this.reg({
      name: 'CRCCTRL',
      offset: 0x02,
      size: 2,
      writable: 0x3f0f,
      write: (_v, old) => {
        // Enable-protected by CTRL.CRCENABLE (20.8.2).
        if (this.CTRL.value & CTRL_CRCENABLE) this.CRCCTRL.value = old;
      },
    });
    this.CRCDATAIN = this.reg({ name: 'CRCDATAIN', offset: 0x04, size: 4, write: (v) => this.crcDataIn(v) });
    this.CRCCHKSUM = this.reg({
      name: 'CRCCHKSUM',
      offset: 0x08,
      size: 4,
      read: () => this.crcRead(),
      write: (v) => {
        // Writable only while the CRC module is disabled (20.8.4).
        if (!(this.CTRL.value & CTRL_CRCENABLE)) this.crc = this.crc32Mode ? reflect32(v) : v & 0xffff;
      },
    });
    this.CRCSTATUS = this.reg({
      name: 'CRCSTATUS',
      offset: 0x0c,
      size: 1,
      writable: 0x01,
      w1c: true,
      read: (r) => (r.value & 1) | (this.crcRead() === 0 ? 2 : 0),
    });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: 0x0d, size: 1, writable: 0x01 });
    this.QOSCTRL = this.reg({ name: 'QOSCTRL', offset: 0x0e, size: 1, reset: 0x15, writable: 0x3f });
    this.SWTRIGCTRL = this.reg({
      name: 'SWTRIGCTRL',
      offset: 0x10,
      size: 4,
      writable: 0xfff,
      read: () => {
        let v = 0;
        for (let i = 0; i < DMAC_CHANNELS; i++) if (this.channels[i].swTrigger) v |= 1 << i;
        return v;
      },
      write: (v) => this.swtrigWritten(v),
    });
    this.PRICTRL0 = this.reg({ name: 'PRICTRL0', offset: 0x14, size: 4, writable: 0x8f8f8f8f });
    this.INTPEND = this.reg({
      name: 'INTPEND',
      offset: 0x20,
      size: 2,
      read: () => this.intpendRead(),
      write: (v, _old, mask) => this.intpendWritten(v, mask),
    });
    this.INTSTATUS = this.reg({ name: 'INTSTATUS', offset: 0x24, size: 4, writable: 0, read: () => this.intstatus() });
    this.BUSYCH = this.reg({ name: 'BUSYCH', offset: 0x28, size: 4, writable: 0, read: () => this.chanMask((c) => c.busy) });
    this.PENDCH = this.reg({ name: 'PENDCH', offset: 0x2c, size: 4, writable: 0, read: () => this.chanMask((c) => c.pending) });
    this.ACTIVE = this.reg({ name: 'ACTIVE', offset: 0x30, size: 4, writable: 0, read: () => this.activeRead() });
    const protect = (r: () => Register) => (_v: number, old: number) => {
      // BASEADDR/WRBADDR are enable-protected by CTRL.DMAENABLE (20.8.16/17).
      if (this.CTRL.value & CTRL_DMAENABLE) r().value = old;
    };
    this.BASEADDR = this.reg({ name: 'BASEADDR', offset: 0x34, size: 4, write: protect(() => this.BASEADDR) });
    this.WRBADDR = this.reg({ name: 'WRBADDR', offset: 0x38, size: 4, write: protect(() => this.WRBADDR) });
    this.CHID = this.reg({ name: 'CHID', offset: 0x3f, size: 1, writable: 0x0f });
    this.CHCTRLA = this.reg({
      name: 'CHCTRLA',
      offset: 0x40,
      size: 1,
      read: () => this.sel()?.CHCTRLA ?? 0,
      write: (v, _old, mask) => this.chctrlaWritten(v, mask),
    });
    this.CHCTRLB = this.reg({
      name: 'CHCTRLB',
      offset: 0x44,
      size: 4,
      read: () => this.sel()?.CHCTRLB ?? 0,
      write: (v, _old, mask) => this.chctrlbWritten(v, mask),
    });
    this.CHINTENCLR = this.reg({
      name: 'CHINTENCLR',
      offset: 0x4c,
      size: 1,
      read: () => this.sel()?.CHINTENSET ?? 0,
      write: (v) => {
        const c = this.sel();
        if (c) c.CHINTENSET &= ~(v & 7);
        this.updateIrq();
      },
    });
    this.CHINTENSET = this.reg({
      name: 'CHINTENSET',
      offset: 0x4d,
      size: 1,
      read: () => this.sel()?.CHINTENSET ?? 0,
      write: (v) => {
        const c = this.sel();
        if (c) c.CHINTENSET |= v & 7;
        this.updateIrq();
      },
    });
    this.CHINTFLAG = this.reg({
      name: 'CHINTFLAG',
      offset: 0x4e,
      size: 1,
      read: () => this.sel()?.CHINTFLAG ?? 0,
      write: (v) => {
        const c = this.sel();
        if (c) c.CHINTFLAG &= ~(v & 7);
        this.updateIrq();
      },
    });
    this.CHSTATUS = this.reg({
      name: 'CHSTATUS',
      offset: 0x4f,
      size: 1,
      writable: 0,
      read: () => {
        const c = this.sel();
        return c ? this.chstatus(c) : 0;
      },
    });

    chip.dma = this;
    for (let n = 0; n < 4; n++) chip.onEventUser(EVENT_USER.DMAC_CH0 + n, () => this.eventIn(n));
  }

  // ---------------------------------------------------------------- reset

  reset(_cause: ResetCause): void {
    this.fullReset();
  }

  private fullReset(): void {
    this.chip.scheduler.cancel(this.service);
    this.resetRegisters();
    for (let i = 0; i < DMAC_CHANNELS; i++) this.channels[i] = new Channel();
    this.activeChannel = -1;
    this.lastServed = [-1, -1, -1, -1];
    this.crc = 0;
    this.intpendId = 0;
    this.updateIrq();
  }

  // ---------------------------------------------------------------- registers

  private sel(): Channel | undefined {
    return this.channels[this.CHID.value & 0x0f];
  }

  private chstatus(c: Channel): number {
    return (c.pending ? CHSTATUS_PEND : 0) | (c.busy ? CHSTATUS_BUSY : 0) | (c.ferr ? CHSTATUS_FERR : 0);
  }

  private chanMask(pred: (c: Channel) => boolean): number {
    let v = 0;
    for (let i = 0; i < DMAC_CHANNELS; i++) if (pred(this.channels[i])) v |= 1 << i;
    return v;
  }

  private ctrlWritten(v: number, old: number): void {
    if (v & CTRL_SWRST) {
      // SWRST works only with DMAENABLE = CRCENABLE = 0 (20.8.1); otherwise it is ignored.
      if (old & (CTRL_DMAENABLE | CTRL_CRCENABLE)) {
        this.CTRL.value = old;
        return;
      }
      this.fullReset();
      return;
    }
    if (old & CTRL_DMAENABLE && !(v & CTRL_DMAENABLE)) {
      // Disabling the DMAC stops at the next beat boundary (20.6.2.2): slices stop here.
      for (const c of this.channels) if (c.loaded) this.writeBack(c);
    }
    this.kick();
  }

  private chctrlaWritten(v: number, mask: number): void {
    const c = this.sel();
    if (!c) return;
    const n = this.CHID.value & 0x0f;
    const next = ((c.CHCTRLA & ~mask) | (v & mask)) & 0x43;
    if (next & CHCTRLA_SWRST) {
      // Channel reset only while the channel is disabled (20.8.18).
      if (!c.enabled) this.channels[n] = new Channel();
      this.updateIrq();
      return;
    }
    const wasEnabled = c.enabled;
    c.CHCTRLA = next;
    if (!wasEnabled && c.enabled) {
      c.ferr = false;
      c.suspended = false;
      c.busy = false;
      c.loaded = false;
      c.granted = false;
      c.nextDescriptor = -1;
      this.checkLevel(c);
      if (c.swTrigger) c.pending = true;
      this.kick();
    } else if (wasEnabled && !c.enabled) {
      this.stopChannel(c);
    }
  }

  private chctrlbWritten(v: number, mask: number): void {
    const c = this.sel();
    if (!c) return;
    const merged = ((c.CHCTRLB & ~mask) | (v & mask)) >>> 0;
    const cmd = (merged >>> 24) & 3;
    // Everything but CMD is enable-protected (20.8.19).
    if (!c.enabled) c.CHCTRLB = merged & 0x00c03f7f;
    if (cmd === 1) this.suspend(c);
    else if (cmd === 2) this.resume(c);
  }

  private swtrigWritten(v: number): void {
    for (let i = 0; i < DMAC_CHANNELS; i++) {
      if (v & (1 << i)) {
        const c = this.channels[i];
        c.swTrigger = true;
        if (c.enabled && !c.suspended) c.pending = true;
      }
    }
    this.kick();
  }

  private intpendRead(): number {
    for (let i = 0; i < DMAC_CHANNELS; i++) {
      const c = this.channels[i];
      if (c.CHINTFLAG & c.CHINTENSET) {
        const st = this.chstatus(c);
        return i | (c.CHINTFLAG << 8) | ((st & CHSTATUS_FERR) << 11) | ((st & CHSTATUS_BUSY) << 13) | ((st & CHSTATUS_PEND) << 15);
      }
    }
    return this.intpendId;
  }

  private intpendWritten(v: number, mask: number): void {
    if (mask & 0xff) this.intpendId = v & 0x0f;
    const c = this.channels[this.intpendId];
    if (c && mask & 0xff00) c.CHINTFLAG &= ~((v >>> 8) & 7);
    this.updateIrq();
  }

  private intstatus(): number {
    return this.chanMask((c) => (c.CHINTFLAG & c.CHINTENSET) !== 0);
  }

  private activeRead(): number {
    let v = 0;
    for (let lvl = 0; lvl < 4; lvl++) {
      for (const c of this.channels) if (c.pending && ((c.CHCTRLB >>> 5) & 3) === lvl && c.enabled) v |= 1 << lvl;
    }
    const a = this.activeChannel;
    if (a >= 0 && this.service.scheduled) {
      const c = this.channels[a];
      v |= (a << 8) | (1 << 15) | ((c.btcnt & 0xffff) << 16);
    }
    return v >>> 0;
  }

  private updateIrq(): void {
    const level = this.intstatus() !== 0;
    if (level !== this.irqLevel || level) {
      this.irqLevel = level;
      this.chip.irq(IRQ.DMAC, level);
    }
  }

  private setFlag(c: Channel, bits: number): void {
    c.CHINTFLAG |= bits;
    this.updateIrq();
  }

  // ---------------------------------------------------------------- triggers

  /** DmaController: a peripheral raised trigger `source`. */
  trigger(source: number): void {
    if (source === 0) return;
    let any = false;
    for (const c of this.channels) {
      if (c.enabled && !c.suspended && ((c.CHCTRLB >>> 8) & 0x3f) === source) {
        c.pending = true;
        any = true;
      }
    }
    if (any) this.kick();
  }

  /** A level-type trigger still requesting makes the channel pending again. */
  private checkLevel(c: Channel): void {
    const src = (c.CHCTRLB >>> 8) & 0x3f;
    if (src !== 0 && c.enabled && !c.suspended && this.chip.dmaRequestActive(src)) c.pending = true;
  }

  private eventIn(n: number): void {
    const c = this.channels[n];
    if (!(c.CHCTRLB & (1 << 3))) return; // EVIE
    switch (c.CHCTRLB & 7) {
      case EVACT.TRIG:
      case EVACT.CTRIG:
        if (c.enabled && !c.suspended) c.pending = true;
        break;
      case EVACT.CBLOCK:
        if (c.enabled && !c.suspended) {
          c.pending = true;
          c.granted = true;
        }
        break;
      case EVACT.SUSPEND:
        this.suspend(c);
        break;
      case EVACT.RESUME:
        this.resume(c);
        break;
    }
    this.kick();
  }

  private suspend(c: Channel): void {
    if (!c.enabled || c.suspended) return;
    c.suspended = true;
    if (c.loaded) this.writeBack(c);
    this.setFlag(c, CHINTFLAG_SUSP);
  }

  private resume(c: Channel): void {
    if (!c.suspended) return;
    c.suspended = false;
    // A channel suspended by an invalid descriptor refetches it (20.6.3.3).
    if (c.ferr) {
      c.ferr = false;
      c.loaded = false;
    }
    this.checkLevel(c);
    if (c.granted || c.swTrigger) c.pending = true;
    this.kick();
  }

  private stopChannel(c: Channel): void {
    if (c.loaded) this.writeBack(c);
    c.busy = false;
    c.loaded = false;
    c.pending = false;
    c.granted = false;
    c.swTrigger = false;
  }

  /** Schedules a slice if there is work and none is scheduled. */
  private kick(): void {
    if (this.service.scheduled || !(this.CTRL.value & CTRL_DMAENABLE)) return;
    if (this.pickChannel() < 0) return;
    // Arbitration + the AHB access latency before the first beat.
    this.chip.scheduler.scheduleIn(this.service, 1);
  }

  private pickChannel(): number {
    const lvlen = (this.CTRL.value >>> 8) & 0xf;
    const pri = this.PRICTRL0.value;
    for (let lvl = 3; lvl >= 0; lvl--) {
      if (!(lvlen & (1 << lvl))) continue;
      const rr = (pri >>> (8 * lvl + 7)) & 1;
      const start = rr ? (this.lastServed[lvl] + 1) % DMAC_CHANNELS : 0;
      for (let k = 0; k < DMAC_CHANNELS; k++) {
        const i = (start + k) % DMAC_CHANNELS;
        const c = this.channels[i];
        if (c.enabled && !c.suspended && (c.pending || c.granted) && ((c.CHCTRLB >>> 5) & 3) === lvl) return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- the engine

  private slice(): void {
    this.activeChannel = -1;
    if (!(this.CTRL.value & CTRL_DMAENABLE)) return;
    const n = this.pickChannel();
    if (n < 0) return;
    const c = this.channels[n];
    this.lastServed[(c.CHCTRLB >>> 5) & 3] = n;
    this.activeChannel = n;
    let cost = 0;

    const trigact = (c.CHCTRLB >>> 22) & 3;
    if (c.pending) {
      c.pending = false;
      if (c.swTrigger) c.swTrigger = false;
      if (trigact !== TRIGACT.BEAT) c.granted = true;
    }

    if (!c.loaded) {
      cost += FETCH_CYCLES;
      if (!this.fetch(c, n)) {
        this.finishSlice(cost);
        return;
      }
    }

    const maxBeats = trigact === TRIGACT.BEAT && !c.granted ? 1 : MAX_BEATS_PER_SLICE;
    let moved = 0;
    while (moved < maxBeats && c.beat < c.beats) {
      const stall = this.beat(c, n);
      if (stall < 0) {
        this.finishSlice(cost + BEAT_CYCLES);
        return;
      }
      cost += BEAT_CYCLES + stall;
      moved++;
    }
    if (c.beat >= c.beats) {
      cost += FETCH_CYCLES; // write-back
      this.blockDone(c, n, trigact);
    } else if (trigact === TRIGACT.BEAT && !c.granted) {
      this.checkLevel(c);
    }
    this.finishSlice(cost);
  }

  private finishSlice(cost: number): void {
    if (this.pickChannel() >= 0) this.chip.scheduler.scheduleIn(this.service, Math.max(1, cost));
    else if (this.activeChannel >= 0) {
      // Keep ACTIVE.ABUSY visible for the duration of the last slice.
      this.chip.scheduler.scheduleIn(this.service, Math.max(1, cost));
    }
  }

  /** Loads the next descriptor; false when the channel stopped (error, invalid). */
  private fetch(c: Channel, n: number): boolean {
    this.fetches++;
    const address = c.nextDescriptor >= 0 ? c.nextDescriptor : (this.BASEADDR.value + 16 * n) >>> 0;
    c.descriptorAddress = address;
    const bus = this.bus;
    const savedError = bus.error;
    const savedStall = bus.stall;
    bus.error = false;
    const w0 = bus.read(address, 4);
    const src = bus.read(address + 4, 4);
    const dst = bus.read(address + 8, 4);
    const next = bus.read(address + 12, 4);
    const failed = bus.error;
    bus.error = savedError;
    bus.stall = savedStall;
    if (failed) {
      this.transferError(c);
      return false;
    }
    c.btctrl = w0 & 0xffff;
    c.btcnt = w0 >>> 16;
    c.srcaddr = src >>> 0;
    c.dstaddr = dst >>> 0;
    c.descaddr = next >>> 0;
    if (!(c.btctrl & BTCTRL_VALID)) {
      // Fetch error: the channel is suspended with CHSTATUS.FERR (20.6.2.8).
      c.ferr = true;
      c.busy = false;
      c.loaded = false;
      c.granted = false;
      c.suspended = true;
      this.setFlag(c, CHINTFLAG_SUSP);
      return false;
    }
    c.beats = c.btcnt === 0 ? 0x10000 : c.btcnt;
    c.beat = 0;
    c.busy = true;
    c.loaded = true;
    this.writeBack(c);
    return true;
  }

  private beatSize(c: Channel): number {
    const bs = (c.btctrl >>> 8) & 3;
    return bs === 0 ? 1 : bs === 1 ? 2 : 4;
  }

  /** Address of beat `beat` on one side (20.6.2.7: incrementing addresses are END addresses). */
  private address(c: Channel, end: number, inc: boolean, stepHere: boolean, beat: number): number {
    if (!inc) return end;
    const size = this.beatSize(c);
    const step = stepHere ? size << ((c.btctrl >>> 13) & 7) : size;
    return (end - c.beats * step + beat * step) >>> 0;
  }

  /** Moves one beat; returns the bus wait states it cost, or -1 after a transfer error. */
  private beat(c: Channel, n: number): number {
    const size = this.beatSize(c);
    const stepSrc = (c.btctrl & BTCTRL_STEPSEL) !== 0;
    const src = this.address(c, c.srcaddr, (c.btctrl & BTCTRL_SRCINC) !== 0, stepSrc, c.beat);
    const dst = this.address(c, c.dstaddr, (c.btctrl & BTCTRL_DSTINC) !== 0, !stepSrc, c.beat);
    const bus = this.bus;
    const savedError = bus.error;
    const savedStall = bus.stall;
    bus.error = false;
    bus.stall = 0;
    const sz = size as 1 | 2 | 4;
    const value = bus.read(src, sz);
    let failed = bus.error;
    if (!failed) {
      bus.write(dst, sz, value);
      failed = bus.error;
    }
    const stall = bus.stall;
    bus.error = savedError;
    bus.stall = savedStall;
    if (failed) {
      this.transferError(c);
      return -1;
    }
    this.beatsDone++;
    c.beat++;
    c.btcnt = (c.beats - c.beat) & 0xffff;
    if (this.CTRL.value & CTRL_CRCENABLE && ((this.CRCCTRL.value >>> 8) & 0x3f) === 0x20 + n) this.crcFeed(value, size);
    // EVOSEL = BEAT (3): an event per beat on channels 0-3 with EVOE.
    if (n < 4 && c.CHCTRLB & (1 << 4) && ((c.btctrl >>> 1) & 3) === 3) this.chip.generateEvent(EVENT_GENERATOR.DMAC_CH0 + n);
    return stall;
  }

  private transferError(c: Channel): void {
    this.errors++;
    if (c.loaded) this.writeBack(c);
    c.CHCTRLA &= ~CHCTRLA_ENABLE;
    c.busy = false;
    c.loaded = false;
    c.pending = false;
    c.granted = false;
    this.setFlag(c, CHINTFLAG_TERR);
  }

  private blockDone(c: Channel, n: number, trigact: number): void {
    this.writeBack(c);
    const blockact = (c.btctrl >>> 3) & 3;
    if (n < 4 && c.CHCTRLB & (1 << 4) && ((c.btctrl >>> 1) & 3) === 1) this.chip.generateEvent(EVENT_GENERATOR.DMAC_CH0 + n);
    c.loaded = false;
    c.nextDescriptor = c.descaddr;
    const last = c.descaddr === 0;
    let flags = 0;
    if (blockact === BLOCKACT.INT || blockact === BLOCKACT.BOTH) flags |= CHINTFLAG_TCMPL;
    if (last) {
      c.busy = false;
      c.CHCTRLA &= ~CHCTRLA_ENABLE;
      c.pending = false;
      c.granted = false;
      c.swTrigger = false;
      flags |= CHINTFLAG_TCMPL;
    } else {
      // BLOCK: the next block waits for a new trigger; TRANSACTION continues.
      if (trigact !== TRIGACT.TRANSACTION) c.granted = false;
      if (blockact === BLOCKACT.SUSPEND || blockact === BLOCKACT.BOTH) {
        c.suspended = true;
        flags |= CHINTFLAG_SUSP;
      }
      if (trigact === TRIGACT.BEAT) this.checkLevel(c);
    }
    if (flags) this.setFlag(c, flags);
  }

  private writeBack(c: Channel): void {
    const n = this.channels.indexOf(c);
    if (n < 0) return;
    const address = (this.WRBADDR.value + 16 * n) >>> 0;
    const bus = this.bus;
    const savedError = bus.error;
    const savedStall = bus.stall;
    bus.write(address, 4, ((c.btcnt & 0xffff) << 16) | c.btctrl);
    bus.write(address + 4, 4, c.srcaddr);
    bus.write(address + 8, 4, c.dstaddr);
    bus.write(address + 12, 4, c.descaddr);
    // A write-back to nowhere is lost silently (the firmware never set WRBADDR).
    bus.error = savedError;
    bus.stall = savedStall;
  }

  // ---------------------------------------------------------------- CRC

  private get crc32Mode(): boolean {
    return ((this.CRCCTRL.value >>> 2) & 3) === 1;
  }

  private crcRead(): number {
    return this.crc32Mode ? ~this.crc >>> 0 : this.crc & 0xffff;
  }

  private crcDataIn(v: number): void {
    if (!(this.CTRL.value & CTRL_CRCENABLE) || ((this.CRCCTRL.value >>> 8) & 0x3f) !== 1) return;
    const bs = this.CRCCTRL.value & 3;
    this.crcFeed(v, bs === 0 ? 1 : bs === 1 ? 2 : 4);
  }

  private crcFeed(value: number, bytes: number): void {
    for (let i = 0; i < bytes; i++) {
      const b = (value >>> (8 * i)) & 0xff;
      if (this.crc32Mode) {
        let c = (this.crc ^ b) >>> 0;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
        this.crc = c >>> 0;
      } else {
        let c = (this.crc ^ (b << 8)) & 0xffff;
        for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
        this.crc = c;
      }
    }
  }
}

function reflect32(v: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r |= ((v >>> i) & 1) << (31 - i);
  return r >>> 0;
}
