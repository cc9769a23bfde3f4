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
import { crc32Byte, reverseBits } from './bits.js';
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

/** Register offsets (20.7 register summary); CHCTRLA..CHSTATUS address the channel CHID selects. */
export const DMAC_REG = {
  CTRL: 0x00, CRCCTRL: 0x02, CRCDATAIN: 0x04, CRCCHKSUM: 0x08, CRCSTATUS: 0x0c, DBGCTRL: 0x0d, QOSCTRL: 0x0e,
  SWTRIGCTRL: 0x10, PRICTRL0: 0x14, INTPEND: 0x20, INTSTATUS: 0x24, BUSYCH: 0x28, PENDCH: 0x2c, ACTIVE: 0x30,
  BASEADDR: 0x34, WRBADDR: 0x38, CHID: 0x3f, CHCTRLA: 0x40, CHCTRLB: 0x44, CHINTENCLR: 0x4c, CHINTENSET: 0x4d,
  CHINTFLAG: 0x4e, CHSTATUS: 0x4f,
} as const;
/** CTRL (20.8.1); LVLENx = LVLEN0 << x. */
export const DMAC_CTRL = { SWRST: 1 << 0, DMAENABLE: 1 << 1, CRCENABLE: 1 << 2, LVLEN0: 1 << 8, LVLEN_Pos: 8, LVLEN_Msk: 0xf << 8 } as const;
/** CRCCTRL (20.8.2). */
export const DMAC_CRCCTRL = { CRCBEATSIZE_Pos: 0, CRCBEATSIZE_Msk: 0x3 << 0, CRCPOLY_Pos: 2, CRCPOLY_Msk: 0x3 << 2, CRCSRC_Pos: 8, CRCSRC_Msk: 0x3f << 8 } as const;
/** CRCCTRL.CRCPOLY values. */
export const DMAC_CRCPOLY = { CRC16: 0, CRC32: 1 } as const;
/** CRCCTRL.CRCSRC values: the I/O interface, or channel n at CHN0 + n. */
export const DMAC_CRCSRC = { NOACT: 0x00, IO: 0x01, CHN0: 0x20 } as const;
/** CRCSTATUS (20.8.5). */
export const DMAC_CRCSTATUS = { CRCBUSY: 1 << 0, CRCZERO: 1 << 1 } as const;
/** DBGCTRL (20.8.6). */
export const DMAC_DBGCTRL = { DBGRUN: 1 << 0 } as const;
/** QOSCTRL (20.8.7): three 2-bit quality-of-service levels, each MEDIUM (1) at reset. */
export const DMAC_QOSCTRL = { WRBQOS_Pos: 0, WRBQOS_Msk: 0x3 << 0, FQOS_Pos: 2, FQOS_Msk: 0x3 << 2, DQOS_Pos: 4, DQOS_Msk: 0x3 << 4 } as const;
/** PRICTRL0 (20.8.9): per level x, LVLPRIx at 8x and RRLVLENx at 8x + 7. */
export const DMAC_PRICTRL0 = { LVLPRI0_Pos: 0, LVLPRI0_Msk: 0xf << 0, RRLVLEN0: 1 << 7, LEVEL_STRIDE: 8 } as const;
/** INTPEND (20.8.10). */
export const DMAC_INTPEND = { ID_Pos: 0, ID_Msk: 0xf << 0, TERR: 1 << 8, TCMPL: 1 << 9, SUSP: 1 << 10, FERR: 1 << 13, BUSY: 1 << 14, PEND: 1 << 15 } as const;
/** ACTIVE (20.8.14); LVLEXx = LVLEX0 << x. */
export const DMAC_ACTIVE = { LVLEX0: 1 << 0, ID_Pos: 8, ID_Msk: 0x1f << 8, ABUSY: 1 << 15, BTCNT_Pos: 16, BTCNT_Msk: 0xffff << 16 } as const;
/** CHID (20.8.17). */
export const DMAC_CHID = { ID_Pos: 0, ID_Msk: 0xf << 0 } as const;
/** CHCTRLA (20.8.18). */
export const DMAC_CHCTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, RUNSTDBY: 1 << 6 } as const;
/** CHCTRLB (20.8.19). */
export const DMAC_CHCTRLB = {
  EVACT_Pos: 0, EVACT_Msk: 0x7 << 0, EVIE: 1 << 3, EVOE: 1 << 4, LVL_Pos: 5, LVL_Msk: 0x3 << 5,
  TRIGSRC_Pos: 8, TRIGSRC_Msk: 0x3f << 8, TRIGACT_Pos: 22, TRIGACT_Msk: 0x3 << 22, CMD_Pos: 24,
  CMD_Msk: 0x3 << 24,
} as const;
/** CHCTRLB.TRIGACT values. */
export const TRIGACT = { BLOCK: 0, BEAT: 2, TRANSACTION: 3 } as const;
/** CHCTRLB.EVACT values. */
export const DMAC_EVACT = { NOACT: 0, TRIG: 1, CTRIG: 2, CBLOCK: 3, SUSPEND: 4, RESUME: 5, SSKIP: 6 } as const;
/** CHCTRLB.CMD values. */
export const DMAC_CMD = { NOACT: 0, SUSPEND: 1, RESUME: 2 } as const;
/** CHINTFLAG / CHINTENSET / CHINTENCLR (20.8.20-22). */
export const DMAC_CHINT = { TERR: 1 << 0, TCMPL: 1 << 1, SUSP: 1 << 2 } as const;
/** CHSTATUS (20.8.23). */
export const DMAC_CHSTATUS = { PEND: 1 << 0, BUSY: 1 << 1, FERR: 1 << 2 } as const;
/** Transfer descriptor in SRAM (20.10): 16 bytes per channel at BASEADDR / WRBADDR + 16 n. */
export const DMAC_DESC = { SIZE: 16, BTCTRL: 0x0, BTCNT: 0x2, SRCADDR: 0x4, DSTADDR: 0x8, DESCADDR: 0xc } as const;
/** BTCTRL (20.10.1). */
export const DMAC_BTCTRL = {
  VALID: 1 << 0, EVOSEL_Pos: 1, EVOSEL_Msk: 0x3 << 1, BLOCKACT_Pos: 3, BLOCKACT_Msk: 0x3 << 3,
  BEATSIZE_Pos: 8, BEATSIZE_Msk: 0x3 << 8, SRCINC: 1 << 10, DSTINC: 1 << 11, STEPSEL: 1 << 12,
  STEPSIZE_Pos: 13, STEPSIZE_Msk: 0x7 << 13,
} as const;
/** BTCTRL.EVOSEL values. */
export const DMAC_EVOSEL = { DISABLE: 0, BLOCK: 1, BEAT: 3 } as const;
/** BTCTRL.BLOCKACT values. */
export const BLOCKACT = { NOACT: 0, INT: 1, SUSPEND: 2, BOTH: 3 } as const;
/** BTCTRL.BEATSIZE values. */
export const DMAC_BEATSIZE = { BYTE: 0, HWORD: 1, WORD: 2 } as const;

const CHCTRLA_WRITABLE = DMAC_CHCTRLA.SWRST | DMAC_CHCTRLA.ENABLE | DMAC_CHCTRLA.RUNSTDBY;
const CHCTRLB_WRITABLE = (() => {
  const B = DMAC_CHCTRLB;
  return B.EVACT_Msk | B.EVIE | B.EVOE | B.LVL_Msk | B.TRIGSRC_Msk | B.TRIGACT_Msk;
})();
const CHINT_MASK = DMAC_CHINT.TERR | DMAC_CHINT.TCMPL | DMAC_CHINT.SUSP;
/** Priority levels 0..3. */
const LEVELS = 4;
/** Channels 0..3 have event inputs and outputs (20.6.3.5). */
const EVENT_CHANNELS = 4;
/** BTCTRL and BTCNT are 16 bits; BTCNT 0 means 65536 beats (the counter wrapping). */
const HALF = { Msk: 0xffff, WRAP: 0x10000 } as const;
/** Byte lanes of an INTPEND write: ID, then the flags (CHINTFLAG at bit 8). */
const INTPEND_LANE = { ID: 0xff, FLAGS: 0xff << 8, FLAGS_Pos: 8 } as const;
/** CRC-16-CCITT (20.6.3.7); CRC-32 is bits.ts crc32Byte. */
const CRC16 = { POLY: 0x1021, Msk: 0xffff, TOP: 0x8000 } as const;
const BYTE = 0xff;

/** CHCTRLB field helpers. */
const lvlOf = (chctrlb: number) => (chctrlb & DMAC_CHCTRLB.LVL_Msk) >>> DMAC_CHCTRLB.LVL_Pos;
const trigsrcOf = (chctrlb: number) => (chctrlb & DMAC_CHCTRLB.TRIGSRC_Msk) >>> DMAC_CHCTRLB.TRIGSRC_Pos;
const crcsrcOf = (crcctrl: number) => (crcctrl & DMAC_CRCCTRL.CRCSRC_Msk) >>> DMAC_CRCCTRL.CRCSRC_Pos;
const evoselOf = (btctrl: number) => (btctrl & DMAC_BTCTRL.EVOSEL_Msk) >>> DMAC_BTCTRL.EVOSEL_Pos;

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
    return (this.CHCTRLA & DMAC_CHCTRLA.ENABLE) !== 0;
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

    const R = DMAC_REG;
    this.CTRL = this.reg({
      name: 'CTRL',
      offset: R.CTRL,
      size: 2,
      writable: DMAC_CTRL.SWRST | DMAC_CTRL.DMAENABLE | DMAC_CTRL.CRCENABLE | DMAC_CTRL.LVLEN_Msk,
      write: (v, old) => this.ctrlWritten(v, old),
    });
    this.CRCCTRL = this.reg({
      name: 'CRCCTRL',
      offset: R.CRCCTRL,
      size: 2,
      writable: DMAC_CRCCTRL.CRCBEATSIZE_Msk | DMAC_CRCCTRL.CRCPOLY_Msk | DMAC_CRCCTRL.CRCSRC_Msk,
      write: (_v, old) => {
        // Enable-protected by CTRL.CRCENABLE (20.8.2).
        if (this.CTRL.value & DMAC_CTRL.CRCENABLE) this.CRCCTRL.value = old;
      },
    });
    this.CRCDATAIN = this.reg({ name: 'CRCDATAIN', offset: R.CRCDATAIN, size: 4, write: (v) => this.crcDataIn(v) });
    this.CRCCHKSUM = this.reg({
      name: 'CRCCHKSUM',
      offset: R.CRCCHKSUM,
      size: 4,
      read: () => this.crcRead(),
      write: (v) => {
        // Writable only while the CRC module is disabled (20.8.4).
        if (!(this.CTRL.value & DMAC_CTRL.CRCENABLE)) this.crc = this.crc32Mode ? reverseBits(v, 32) : v & CRC16.Msk;
      },
    });
    this.CRCSTATUS = this.reg({
      name: 'CRCSTATUS',
      offset: R.CRCSTATUS,
      size: 1,
      writable: DMAC_CRCSTATUS.CRCBUSY,
      w1c: true,
      read: (r) => (r.value & DMAC_CRCSTATUS.CRCBUSY) | (this.crcRead() === 0 ? DMAC_CRCSTATUS.CRCZERO : 0),
    });
    this.DBGCTRL = this.reg({ name: 'DBGCTRL', offset: R.DBGCTRL, size: 1, writable: DMAC_DBGCTRL.DBGRUN });
    const Q = DMAC_QOSCTRL;
    const MEDIUM = 1;
    // Quality of service only orders bus masters on the real chip: stored only.
    this.QOSCTRL = this.reg({
      name: 'QOSCTRL',
      offset: R.QOSCTRL,
      size: 1,
      reset: (MEDIUM << Q.WRBQOS_Pos) | (MEDIUM << Q.FQOS_Pos) | (MEDIUM << Q.DQOS_Pos),
      writable: Q.WRBQOS_Msk | Q.FQOS_Msk | Q.DQOS_Msk,
    });
    this.SWTRIGCTRL = this.reg({
      name: 'SWTRIGCTRL',
      offset: R.SWTRIGCTRL,
      size: 4,
      writable: (1 << DMAC_CHANNELS) - 1,
      read: () => {
        let v = 0;
        for (let i = 0; i < DMAC_CHANNELS; i++) if (this.channels[i].swTrigger) v |= 1 << i;
        return v;
      },
      write: (v) => this.swtrigWritten(v),
    });
    let prictrl = 0;
    for (let lvl = 0; lvl < LEVELS; lvl++) prictrl |= (DMAC_PRICTRL0.LVLPRI0_Msk | DMAC_PRICTRL0.RRLVLEN0) << (DMAC_PRICTRL0.LEVEL_STRIDE * lvl);
    this.PRICTRL0 = this.reg({ name: 'PRICTRL0', offset: R.PRICTRL0, size: 4, writable: prictrl >>> 0 });
    this.INTPEND = this.reg({ name: 'INTPEND', offset: R.INTPEND, size: 2, read: () => this.intpendRead(), write: (v, _old, mask) => this.intpendWritten(v, mask) });
    this.INTSTATUS = this.reg({ name: 'INTSTATUS', offset: R.INTSTATUS, size: 4, writable: 0, read: () => this.intstatus() });
    this.BUSYCH = this.reg({ name: 'BUSYCH', offset: R.BUSYCH, size: 4, writable: 0, read: () => this.chanMask((c) => c.busy) });
    this.PENDCH = this.reg({ name: 'PENDCH', offset: R.PENDCH, size: 4, writable: 0, read: () => this.chanMask((c) => c.pending) });
    this.ACTIVE = this.reg({ name: 'ACTIVE', offset: R.ACTIVE, size: 4, writable: 0, read: () => this.activeRead() });
    const protect = (r: () => Register) => (_v: number, old: number) => {
      // BASEADDR/WRBADDR are enable-protected by CTRL.DMAENABLE (20.8.16/17).
      if (this.CTRL.value & DMAC_CTRL.DMAENABLE) r().value = old;
    };
    this.BASEADDR = this.reg({ name: 'BASEADDR', offset: R.BASEADDR, size: 4, write: protect(() => this.BASEADDR) });
    this.WRBADDR = this.reg({ name: 'WRBADDR', offset: R.WRBADDR, size: 4, write: protect(() => this.WRBADDR) });
    this.CHID = this.reg({ name: 'CHID', offset: R.CHID, size: 1, writable: DMAC_CHID.ID_Msk });
    this.CHCTRLA = this.reg({ name: 'CHCTRLA', offset: R.CHCTRLA, size: 1, read: () => this.sel()?.CHCTRLA ?? 0, write: (v, _old, mask) => this.chctrlaWritten(v, mask) });
    this.CHCTRLB = this.reg({ name: 'CHCTRLB', offset: R.CHCTRLB, size: 4, read: () => this.sel()?.CHCTRLB ?? 0, write: (v, _old, mask) => this.chctrlbWritten(v, mask) });
    this.CHINTENCLR = this.reg({
      name: 'CHINTENCLR',
      offset: R.CHINTENCLR,
      size: 1,
      read: () => this.sel()?.CHINTENSET ?? 0,
      write: (v) => {
        const c = this.sel();
        if (c) c.CHINTENSET &= ~(v & CHINT_MASK);
        this.updateIrq();
      },
    });
    this.CHINTENSET = this.reg({
      name: 'CHINTENSET',
      offset: R.CHINTENSET,
      size: 1,
      read: () => this.sel()?.CHINTENSET ?? 0,
      write: (v) => {
        const c = this.sel();
        if (c) c.CHINTENSET |= v & CHINT_MASK;
        this.updateIrq();
      },
    });
    this.CHINTFLAG = this.reg({
      name: 'CHINTFLAG',
      offset: R.CHINTFLAG,
      size: 1,
      read: () => this.sel()?.CHINTFLAG ?? 0,
      write: (v) => {
        const c = this.sel();
        if (c) c.CHINTFLAG &= ~(v & CHINT_MASK);
        this.updateIrq();
      },
    });
    this.CHSTATUS = this.reg({
      name: 'CHSTATUS',
      offset: R.CHSTATUS,
      size: 1,
      writable: 0,
      read: () => {
        const c = this.sel();
        return c ? this.chstatus(c) : 0;
      },
    });

    chip.dma = this;
    for (let n = 0; n < EVENT_CHANNELS; n++) chip.onEventUser(EVENT_USER.DMAC_CH0 + n, () => this.eventIn(n));
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
    return this.channels[(this.CHID.value & DMAC_CHID.ID_Msk) >>> DMAC_CHID.ID_Pos];
  }

  private chstatus(c: Channel): number {
    return (c.pending ? DMAC_CHSTATUS.PEND : 0) | (c.busy ? DMAC_CHSTATUS.BUSY : 0) | (c.ferr ? DMAC_CHSTATUS.FERR : 0);
  }

  private chanMask(pred: (c: Channel) => boolean): number {
    let v = 0;
    for (let i = 0; i < DMAC_CHANNELS; i++) if (pred(this.channels[i])) v |= 1 << i;
    return v;
  }

  private ctrlWritten(v: number, old: number): void {
    if (v & DMAC_CTRL.SWRST) {
      // SWRST works only with DMAENABLE = CRCENABLE = 0 (20.8.1); otherwise it is ignored.
      if (old & (DMAC_CTRL.DMAENABLE | DMAC_CTRL.CRCENABLE)) {
        this.CTRL.value = old;
        return;
      }
      this.fullReset();
      return;
    }
    if (old & DMAC_CTRL.DMAENABLE && !(v & DMAC_CTRL.DMAENABLE)) {
      // Disabling the DMAC stops at the next beat boundary (20.6.2.2): slices stop here.
      for (const c of this.channels) if (c.loaded) this.writeBack(c);
    }
    this.kick();
  }

  private chctrlaWritten(v: number, mask: number): void {
    const c = this.sel();
    if (!c) return;
    const n = (this.CHID.value & DMAC_CHID.ID_Msk) >>> DMAC_CHID.ID_Pos;
    const next = ((c.CHCTRLA & ~mask) | (v & mask)) & CHCTRLA_WRITABLE;
    if (next & DMAC_CHCTRLA.SWRST) {
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
    const cmd = (merged & DMAC_CHCTRLB.CMD_Msk) >>> DMAC_CHCTRLB.CMD_Pos;
    // Everything but CMD is enable-protected (20.8.19).
    if (!c.enabled) c.CHCTRLB = merged & CHCTRLB_WRITABLE;
    if (cmd === DMAC_CMD.SUSPEND) this.suspend(c);
    else if (cmd === DMAC_CMD.RESUME) this.resume(c);
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
        const P = DMAC_INTPEND;
        return (
          (i << P.ID_Pos) |
          (c.CHINTFLAG << INTPEND_LANE.FLAGS_Pos) |
          (st & DMAC_CHSTATUS.FERR ? P.FERR : 0) |
          (st & DMAC_CHSTATUS.BUSY ? P.BUSY : 0) |
          (st & DMAC_CHSTATUS.PEND ? P.PEND : 0)
        );
      }
    }
    return this.intpendId;
  }

  private intpendWritten(v: number, mask: number): void {
    if (mask & INTPEND_LANE.ID) this.intpendId = (v & DMAC_INTPEND.ID_Msk) >>> DMAC_INTPEND.ID_Pos;
    const c = this.channels[this.intpendId];
    if (c && mask & INTPEND_LANE.FLAGS) c.CHINTFLAG &= ~((v >>> INTPEND_LANE.FLAGS_Pos) & CHINT_MASK);
    this.updateIrq();
  }

  private intstatus(): number {
    return this.chanMask((c) => (c.CHINTFLAG & c.CHINTENSET) !== 0);
  }

  private activeRead(): number {
    let v = 0;
    for (let lvl = 0; lvl < LEVELS; lvl++) {
      for (const c of this.channels) if (c.pending && lvlOf(c.CHCTRLB) === lvl && c.enabled) v |= DMAC_ACTIVE.LVLEX0 << lvl;
    }
    const a = this.activeChannel;
    if (a >= 0 && this.service.scheduled) {
      const c = this.channels[a];
      v |= (a << DMAC_ACTIVE.ID_Pos) | DMAC_ACTIVE.ABUSY | ((c.btcnt & HALF.Msk) << DMAC_ACTIVE.BTCNT_Pos);
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
      if (c.enabled && !c.suspended && trigsrcOf(c.CHCTRLB) === source) {
        c.pending = true;
        any = true;
      }
    }
    if (any) this.kick();
  }

  /** A level-type trigger still requesting makes the channel pending again. */
  private checkLevel(c: Channel): void {
    const src = trigsrcOf(c.CHCTRLB);
    if (src !== 0 && c.enabled && !c.suspended && this.chip.dmaRequestActive(src)) c.pending = true;
  }

  private eventIn(n: number): void {
    const c = this.channels[n];
    if (!(c.CHCTRLB & DMAC_CHCTRLB.EVIE)) return;
    switch ((c.CHCTRLB & DMAC_CHCTRLB.EVACT_Msk) >>> DMAC_CHCTRLB.EVACT_Pos) {
      case DMAC_EVACT.TRIG:
      case DMAC_EVACT.CTRIG:
        if (c.enabled && !c.suspended) c.pending = true;
        break;
      case DMAC_EVACT.CBLOCK:
        if (c.enabled && !c.suspended) {
          c.pending = true;
          c.granted = true;
        }
        break;
      case DMAC_EVACT.SUSPEND:
        this.suspend(c);
        break;
      case DMAC_EVACT.RESUME:
        this.resume(c);
        break;
    }
    this.kick();
  }

  private suspend(c: Channel): void {
    if (!c.enabled || c.suspended) return;
    c.suspended = true;
    if (c.loaded) this.writeBack(c);
    this.setFlag(c, DMAC_CHINT.SUSP);
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
    if (this.service.scheduled || !(this.CTRL.value & DMAC_CTRL.DMAENABLE)) return;
    if (this.pickChannel() < 0) return;
    // Arbitration + the AHB access latency before the first beat.
    this.chip.scheduler.scheduleIn(this.service, 1);
  }

  private pickChannel(): number {
    const lvlen = (this.CTRL.value & DMAC_CTRL.LVLEN_Msk) >>> DMAC_CTRL.LVLEN_Pos;
    const pri = this.PRICTRL0.value;
    for (let lvl = 3; lvl >= 0; lvl--) {
      if (!(lvlen & (1 << lvl))) continue;
      const rr = pri & (DMAC_PRICTRL0.RRLVLEN0 << (DMAC_PRICTRL0.LEVEL_STRIDE * lvl)) ? 1 : 0;
      const start = rr ? (this.lastServed[lvl] + 1) % DMAC_CHANNELS : 0;
      for (let k = 0; k < DMAC_CHANNELS; k++) {
        const i = (start + k) % DMAC_CHANNELS;
        const c = this.channels[i];
        if (c.enabled && !c.suspended && (c.pending || c.granted) && lvlOf(c.CHCTRLB) === lvl) return i;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------- the engine

  private slice(): void {
    this.activeChannel = -1;
    if (!(this.CTRL.value & DMAC_CTRL.DMAENABLE)) return;
    const n = this.pickChannel();
    if (n < 0) return;
    const c = this.channels[n];
    this.lastServed[lvlOf(c.CHCTRLB)] = n;
    this.activeChannel = n;
    let cost = 0;

    const trigact = (c.CHCTRLB & DMAC_CHCTRLB.TRIGACT_Msk) >>> DMAC_CHCTRLB.TRIGACT_Pos;
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
    const address = c.nextDescriptor >= 0 ? c.nextDescriptor : (this.BASEADDR.value + DMAC_DESC.SIZE * n) >>> 0;
    c.descriptorAddress = address;
    const bus = this.bus;
    const savedError = bus.error;
    const savedStall = bus.stall;
    bus.error = false;
    const w0 = bus.read(address + DMAC_DESC.BTCTRL, 4); // BTCTRL and BTCNT
    const src = bus.read(address + DMAC_DESC.SRCADDR, 4);
    const dst = bus.read(address + DMAC_DESC.DSTADDR, 4);
    const next = bus.read(address + DMAC_DESC.DESCADDR, 4);
    const failed = bus.error;
    bus.error = savedError;
    bus.stall = savedStall;
    if (failed) {
      this.transferError(c);
      return false;
    }
    c.btctrl = w0 & HALF.Msk;
    c.btcnt = w0 >>> (8 * DMAC_DESC.BTCNT);
    c.srcaddr = src >>> 0;
    c.dstaddr = dst >>> 0;
    c.descaddr = next >>> 0;
    if (!(c.btctrl & DMAC_BTCTRL.VALID)) {
      // Fetch error: the channel is suspended with CHSTATUS.FERR (20.6.2.8).
      c.ferr = true;
      c.busy = false;
      c.loaded = false;
      c.granted = false;
      c.suspended = true;
      this.setFlag(c, DMAC_CHINT.SUSP);
      return false;
    }
    c.beats = c.btcnt === 0 ? HALF.WRAP : c.btcnt;
    c.beat = 0;
    c.busy = true;
    c.loaded = true;
    this.writeBack(c);
    return true;
  }

  private beatSize(c: Channel): number {
    const bs = (c.btctrl & DMAC_BTCTRL.BEATSIZE_Msk) >>> DMAC_BTCTRL.BEATSIZE_Pos;
    return bs === DMAC_BEATSIZE.BYTE ? 1 : bs === DMAC_BEATSIZE.HWORD ? 2 : 4;
  }

  /** Address of beat `beat` on one side (20.6.2.7: incrementing addresses are END addresses). */
  private address(c: Channel, end: number, inc: boolean, stepHere: boolean, beat: number): number {
    if (!inc) return end;
    const size = this.beatSize(c);
    const step = stepHere ? size << ((c.btctrl & DMAC_BTCTRL.STEPSIZE_Msk) >>> DMAC_BTCTRL.STEPSIZE_Pos) : size;
    return (end - c.beats * step + beat * step) >>> 0;
  }

  /** Moves one beat; returns the bus wait states it cost, or -1 after a transfer error. */
  private beat(c: Channel, n: number): number {
    const size = this.beatSize(c);
    const stepSrc = (c.btctrl & DMAC_BTCTRL.STEPSEL) !== 0;
    const src = this.address(c, c.srcaddr, (c.btctrl & DMAC_BTCTRL.SRCINC) !== 0, stepSrc, c.beat);
    const dst = this.address(c, c.dstaddr, (c.btctrl & DMAC_BTCTRL.DSTINC) !== 0, !stepSrc, c.beat);
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
    c.btcnt = (c.beats - c.beat) & HALF.Msk;
    if (this.CTRL.value & DMAC_CTRL.CRCENABLE && crcsrcOf(this.CRCCTRL.value) === DMAC_CRCSRC.CHN0 + n) this.crcFeed(value, size);
    // EVOSEL = BEAT (3): an event per beat on channels 0-3 with EVOE.
    if (n < EVENT_CHANNELS && c.CHCTRLB & DMAC_CHCTRLB.EVOE && evoselOf(c.btctrl) === DMAC_EVOSEL.BEAT) this.chip.generateEvent(EVENT_GENERATOR.DMAC_CH0 + n);
    return stall;
  }

  private transferError(c: Channel): void {
    this.errors++;
    if (c.loaded) this.writeBack(c);
    c.CHCTRLA &= ~DMAC_CHCTRLA.ENABLE;
    c.busy = false;
    c.loaded = false;
    c.pending = false;
    c.granted = false;
    this.setFlag(c, DMAC_CHINT.TERR);
  }

  private blockDone(c: Channel, n: number, trigact: number): void {
    this.writeBack(c);
    const blockact = (c.btctrl & DMAC_BTCTRL.BLOCKACT_Msk) >>> DMAC_BTCTRL.BLOCKACT_Pos;
    if (n < EVENT_CHANNELS && c.CHCTRLB & DMAC_CHCTRLB.EVOE && evoselOf(c.btctrl) === DMAC_EVOSEL.BLOCK) this.chip.generateEvent(EVENT_GENERATOR.DMAC_CH0 + n);
    c.loaded = false;
    c.nextDescriptor = c.descaddr;
    const last = c.descaddr === 0;
    let flags = 0;
    if (blockact === BLOCKACT.INT || blockact === BLOCKACT.BOTH) flags |= DMAC_CHINT.TCMPL;
    if (last) {
      c.busy = false;
      c.CHCTRLA &= ~DMAC_CHCTRLA.ENABLE;
      c.pending = false;
      c.granted = false;
      c.swTrigger = false;
      flags |= DMAC_CHINT.TCMPL;
    } else {
      // BLOCK: the next block waits for a new trigger; TRANSACTION continues.
      if (trigact !== TRIGACT.TRANSACTION) c.granted = false;
      if (blockact === BLOCKACT.SUSPEND || blockact === BLOCKACT.BOTH) {
        c.suspended = true;
        flags |= DMAC_CHINT.SUSP;
      }
      if (trigact === TRIGACT.BEAT) this.checkLevel(c);
    }
    if (flags) this.setFlag(c, flags);
    // The next descriptor is fetched as soon as the block ends, not at the next trigger (20.6.2.7):
    // software that refills the descriptor it believes free (CircuitPython's audio_dma.c double
    // buffer) relies on the hardware holding its own copy of the next one already.
    if (!last && !c.suspended) this.fetch(c, n);
  }

  private writeBack(c: Channel): void {
    const n = this.channels.indexOf(c);
    if (n < 0) return;
    const address = (this.WRBADDR.value + DMAC_DESC.SIZE * n) >>> 0;
    const bus = this.bus;
    const savedError = bus.error;
    const savedStall = bus.stall;
    bus.write(address + DMAC_DESC.BTCTRL, 4, ((c.btcnt & HALF.Msk) << (8 * DMAC_DESC.BTCNT)) | c.btctrl);
    bus.write(address + 4, 4, c.srcaddr);
    bus.write(address + 8, 4, c.dstaddr);
    bus.write(address + 12, 4, c.descaddr);
    // A write-back to nowhere is lost silently (the firmware never set WRBADDR).
    bus.error = savedError;
    bus.stall = savedStall;
  }

  // ---------------------------------------------------------------- CRC

  private get crc32Mode(): boolean {
    return (this.CRCCTRL.value & DMAC_CRCCTRL.CRCPOLY_Msk) >>> DMAC_CRCCTRL.CRCPOLY_Pos === DMAC_CRCPOLY.CRC32;
  }

  private crcRead(): number {
    return this.crc32Mode ? ~this.crc >>> 0 : this.crc & CRC16.Msk;
  }

  private crcDataIn(v: number): void {
    if (!(this.CTRL.value & DMAC_CTRL.CRCENABLE) || crcsrcOf(this.CRCCTRL.value) !== DMAC_CRCSRC.IO) return;
    const bs = (this.CRCCTRL.value & DMAC_CRCCTRL.CRCBEATSIZE_Msk) >>> DMAC_CRCCTRL.CRCBEATSIZE_Pos;
    this.crcFeed(v, bs === 0 ? 1 : bs === 1 ? 2 : 4);
  }

  private crcFeed(value: number, bytes: number): void {
    for (let i = 0; i < bytes; i++) {
      const b = (value >>> (8 * i)) & BYTE;
      if (this.crc32Mode) {
        this.crc = crc32Byte(this.crc, b);
      } else {
        let c = (this.crc ^ (b << 8)) & CRC16.Msk;
        for (let k = 0; k < 8; k++) c = c & CRC16.TOP ? ((c << 1) ^ CRC16.POLY) & CRC16.Msk : (c << 1) & CRC16.Msk;
        this.crc = c;
      }
    }
  }
}

