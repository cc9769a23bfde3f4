/**
 * NVMCTRL, the Non-Volatile Memory Controller (data sheet section 22), and the flash / NVM
 * auxiliary-space bus devices it controls.
 *
 * Reads of the flash come straight from its `Memory` (the CPU's fast path). Their time is the
 * core's: CTRLB (RWS, CACHEDIS, READMODE) goes to it through `onReadTiming`, and the core models
 * the NVM cache (22.6.7: direct-mapped, 8 lines of 64 bits; cpu-armv6m/flash-cache.ts), which
 * `onCacheInvalidate` empties on INVALL and when a command has changed the NVM. Writes to the flash address space do not program it: they load
 * the 64-byte page buffer (22.6.4.1), and a command in CTRLA (with the 0xA5 key in CMDEX) erases a
 * row (256 bytes to 0xFF) or writes the page buffer into a page (programming can only clear bits).
 * The user row at 0x00804000 is written the same way through the auxiliary commands EAR/WAP.
 *
 * INTFLAG.READY is 0 while a command runs (row erase and page write take milliseconds), which
 * firmware polls before and after each command. The flash cannot be read meanwhile (the SAM D21's
 * main array has no read-while-write; its reads wait until the command ends), so a CPU fetching
 * its code from flash stalls for the whole command: `onProgram` tells the chip, which charges the
 * time to the CPU when its PC is in flash (a program running from RAM goes on; its flash reads are
 * not stalled in this model).
 */
import type { AccessSize, BusDevice, Mapping, Memory } from '../../emulator/kernel/bus.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { FLASH_PAGE_SIZE, FLASH_ROW_SIZE, FLASH_SIZE, IRQ, NVM_AUX_BASE, NVM_USER_ROW } from './memory-map.js';

/** CTRLA.CMD values (22.8.1). */
export const NVMCTRL_CMD = {
  ER: 0x02, WP: 0x04, EAR: 0x05, WAP: 0x06, SF: 0x0a, WL: 0x0f,
  LR: 0x40, UR: 0x41, SPRM: 0x42, CPRM: 0x43, PBC: 0x44, SSB: 0x45, INVALL: 0x46,
} as const;
/** CTRLA.CMDEX: a command executes only with this key (22.8.1). */
export const NVMCTRL_CMDEX_KEY = 0xa5;

/** Register offsets (22.7 register summary). */
export const NVMCTRL_REG = { CTRLA: 0x00, CTRLB: 0x04, PARAM: 0x08, INTENCLR: 0x0c, INTENSET: 0x10, INTFLAG: 0x14, STATUS: 0x18, ADDR: 0x1c, LOCK: 0x20 } as const;
/** CTRLA (22.8.1). */
export const NVMCTRL_CTRLA = { CMD_Pos: 0, CMD_Msk: 0x7f << 0, CMDEX_Pos: 8, CMDEX_Msk: 0xff << 8 } as const;
/** CTRLB (22.8.2). */
export const NVMCTRL_CTRLB = {
  RWS_Pos: 1, RWS_Msk: 0xf << 1, MANW: 1 << 7, SLEEPPRM_Pos: 8, SLEEPPRM_Msk: 0x3 << 8, READMODE_Pos: 16,
  READMODE_Msk: 0x3 << 16, CACHEDIS: 1 << 18,
} as const;
/** PARAM (22.8.3). */
export const NVMCTRL_PARAM = { NVMP_Pos: 0, NVMP_Msk: 0xffff << 0, PSZ_Pos: 16, PSZ_Msk: 0x7 << 16, RWWEEP_Pos: 20 } as const;
/** INTFLAG / INTENSET / INTENCLR (22.8.4-6): READY is a status, ERROR is write-1-to-clear. */
export const NVMCTRL_INT = { READY: 1 << 0, ERROR: 1 << 1 } as const;
/** STATUS bits (22.8.7). */
export const NVMCTRL_STATUS = { PRM: 1 << 0, LOAD: 1 << 1, PROGE: 1 << 2, LOCKE: 1 << 3, NVME: 1 << 4, SB: 1 << 8 } as const;
/** ADDR (22.8.8): a 16-bit-word address (byte address / 2), 22 bits. */
export const NVMCTRL_ADDR = { ADDR_Pos: 0, ADDR_Msk: 0x3fffff << 0 } as const;

const STATUS = NVMCTRL_STATUS;
/** PARAM: 4096 pages of 64 bytes (PSZ = 3). */
const PARAM_VALUE = ((FLASH_SIZE / FLASH_PAGE_SIZE) << NVMCTRL_PARAM.NVMP_Pos) | (Math.log2(FLASH_PAGE_SIZE / 8) << NVMCTRL_PARAM.PSZ_Pos);
/** 16 lock regions, one LOCK bit each; 1 = unlocked. */
const LOCK_REGIONS = 16;
const ALL_UNLOCKED = (1 << LOCK_REGIONS) - 1;
/** Erased flash reads 1s. */
const ERASED_BYTE = 0xff;
const ERASED_WORD = 0xffffffff;

/** Command times (electrical characteristics, NVM timing): page write 2.5 ms, row erase 6 ms max. */
const PAGE_WRITE_SECONDS = 2.5e-3;
const ROW_ERASE_SECONDS = 6e-3;
const REGION_SIZE = FLASH_SIZE / LOCK_REGIONS;

export class NVMCTRL extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CTRLB: Register;
  readonly PARAM: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly ADDR: Register;
  readonly LOCK: Register;

  /** The page buffer (64 bytes); unloaded bytes are 0xFF. */
  readonly pageBuffer = new Uint8Array(FLASH_PAGE_SIZE).fill(ERASED_BYTE);
  private busy = false;
  private readonly doneEvent: SimEvent;
  private pendingCommand = 0;
  private pendingAddress = 0;
  /** The flash mapping, whose wait states follow CTRLB.RWS. */
  flashMapping: Mapping | null = null;
  /** Told when an erase or write starts and how many cycles it keeps the flash busy. */
  onProgram: ((cycles: number) => void) | null = null;
  /**
   * Told CTRLB's read timing on every write and reset: RWS, whether the cache is on (CACHEDIS =
   * 0) and READMODE (the core charges flash fetches and reads by them).
   */
  onReadTiming: ((rws: number, cache: boolean, readMode: number) => void) | null = null;
  /** Told to drop every cache line (INVALL; a row erase or page write has changed the NVM). */
  onCacheInvalidate: (() => void) | null = null;
  /** Writes of the reserved READMODE 3 (timed as DETERMINISTIC). */
  reservedReadModes = 0;
  /** Count of ignored 8-bit page-buffer writes (the data sheet forbids them, 22.6.4.1). */
  byteWritesIgnored = 0;

  constructor(
    private readonly chip: Samd21Chip,
    readonly flash: Memory,
    readonly aux: Memory,
  ) {
    super('NVMCTRL', 0x400);
    this.doneEvent = new SimEvent('NVMCTRL command', () => this.complete());
    const R = NVMCTRL_REG;
    const B = NVMCTRL_CTRLB;
    this.CTRLA = this.reg({ name: 'CTRLA', offset: R.CTRLA, size: 2, writable: NVMCTRL_CTRLA.CMD_Msk | NVMCTRL_CTRLA.CMDEX_Msk, write: (v) => this.command(v) });
    this.CTRLB = this.reg({
      name: 'CTRLB', offset: R.CTRLB, size: 4, reset: 0, writable: B.RWS_Msk | B.MANW | B.SLEEPPRM_Msk | B.READMODE_Msk | B.CACHEDIS,
      write: () => this.applyReadTiming(),
    });
    this.PARAM = this.reg({ name: 'PARAM', offset: R.PARAM, size: 4, reset: PARAM_VALUE, writable: 0 });
    this.int = new InterruptRegisters(this, { INTENCLR: R.INTENCLR, INTENSET: R.INTENSET, INTFLAG: R.INTFLAG }, 1, NVMCTRL_INT.READY | NVMCTRL_INT.ERROR, (l) =>
      chip.irq(IRQ.NVMCTRL, l),
    );
    this.STATUS = this.reg({ name: 'STATUS', offset: R.STATUS, size: 2, writable: STATUS.PROGE | STATUS.LOCKE | STATUS.NVME, w1c: true });
    this.ADDR = this.reg({ name: 'ADDR', offset: R.ADDR, size: 4, writable: NVMCTRL_ADDR.ADDR_Msk });
    // LOCK (22.8.9): one bit per 16 KiB region, 1 = unlocked; reset from the user row.
    this.LOCK = this.reg({ name: 'LOCK', offset: R.LOCK, size: 2, reset: ALL_UNLOCKED, writable: 0 });
    this.int.set(NVMCTRL_INT.READY);
  }

  /** Read wait states (CTRLB.RWS). */
  get rws(): number {
    return (this.CTRLB.value & NVMCTRL_CTRLB.RWS_Msk) >>> NVMCTRL_CTRLB.RWS_Pos;
  }

  get ready(): boolean {
    return !this.busy;
  }

  reset(_cause: ResetCause): void {
    this.chip.scheduler.cancel(this.doneEvent);
    this.busy = false;
    this.resetRegisters();
    this.int.reset();
    this.int.set(NVMCTRL_INT.READY);
    this.pageBuffer.fill(ERASED_BYTE);
    this.applyReadTiming();
    this.onCacheInvalidate?.();
  }

  /** CTRLB.READMODE (22.8.2): 0 NO_MISS_PENALTY, 1 LOW_POWER, 2 DETERMINISTIC, 3 reserved. */
  get readMode(): number {
    return (this.CTRLB.value & NVMCTRL_CTRLB.READMODE_Msk) >>> NVMCTRL_CTRLB.READMODE_Pos;
  }

  /** The NVM cache is on while CTRLB.CACHEDIS is 0 (its reset value). */
  get cacheEnabled(): boolean {
    return (this.CTRLB.value & NVMCTRL_CTRLB.CACHEDIS) === 0;
  }

  private applyReadTiming(): void {
    // Bus reads (DMA, the debugger) pay RWS without the cache, which serves the core here.
    if (this.flashMapping) this.flashMapping.waitStates = this.rws;
    if (this.readMode === 3) this.reservedReadModes++;
    this.onReadTiming?.(this.rws, this.cacheEnabled, this.readMode);
  }

  // ---------------------------------------------------------------- page buffer

  /**
   * A write into the flash or auxiliary address space (absolute address `address`): loads the page
   * buffer and ADDR (22.6.4.1). With CTRLB.MANW = 0 a write to the last word of the page starts an
   * automatic page write (WP or WAP).
   */
  pageBufferWrite(address: number, size: AccessSize, value: number): void {
    if (size === 1) {
      this.byteWritesIgnored++;
      return;
    }
    const o = address & (FLASH_PAGE_SIZE - 1);
    for (let i = 0; i < size; i++) this.pageBuffer[o + i] = (value >>> (8 * i)) & 0xff;
    this.ADDR.value = (address >>> 1) & NVMCTRL_ADDR.ADDR_Msk;
    this.STATUS.value |= STATUS.LOAD;
    const manw = (this.CTRLB.value & NVMCTRL_CTRLB.MANW) !== 0;
    if (!manw && o + size === FLASH_PAGE_SIZE) {
      const aux = address >= NVM_AUX_BASE;
      this.execute(aux ? NVMCTRL_CMD.WAP : NVMCTRL_CMD.WP);
    }
  }

  // ---------------------------------------------------------------- commands

  private command(v: number): void {
    const cmd = (v & NVMCTRL_CTRLA.CMD_Msk) >>> NVMCTRL_CTRLA.CMD_Pos;
    const key = (v & NVMCTRL_CTRLA.CMDEX_Msk) >>> NVMCTRL_CTRLA.CMDEX_Pos;
    if (key !== NVMCTRL_CMDEX_KEY) {
      // Wrong key: PROGE (22.8.1).
      this.error(STATUS.PROGE);
      return;
    }
    if (this.busy) return; // commands while not READY are ignored
    this.execute(cmd);
  }

  private error(bits: number): void {
    this.STATUS.value |= bits;
    this.int.set(NVMCTRL_INT.ERROR);
  }

  private byteAddress(): number {
    return (this.ADDR.value << 1) >>> 0;
  }

  private locked(address: number): boolean {
    if (address >= FLASH_SIZE) return false;
    return ((this.LOCK.value >>> Math.floor(address / REGION_SIZE)) & 1) === 0;
  }

  private execute(cmd: number): void {
    const address = this.byteAddress();
    switch (cmd) {
      case NVMCTRL_CMD.ER:
      case NVMCTRL_CMD.WP:
        if (address >= FLASH_SIZE) return this.error(STATUS.PROGE);
        if (this.locked(address)) return this.error(STATUS.LOCKE);
        return this.start(cmd, address, cmd === NVMCTRL_CMD.ER ? ROW_ERASE_SECONDS : PAGE_WRITE_SECONDS);
      case NVMCTRL_CMD.EAR:
      case NVMCTRL_CMD.WAP: {
        // ADDR has 22 bits (halfwords, 8 MiB): 0x00804000 / 2 = 0x402000 is truncated to 0x2000,
        // and the auxiliary commands add the 0x00800000 base themselves.
        const aux = (NVM_AUX_BASE | (address & (NVM_AUX_BASE - 1))) >>> 0;
        // Only the user row is writable in the auxiliary space.
        if (aux < NVM_USER_ROW || aux >= NVM_USER_ROW + FLASH_ROW_SIZE) return this.error(STATUS.PROGE);
        return this.start(cmd, aux, cmd === NVMCTRL_CMD.EAR ? ROW_ERASE_SECONDS : PAGE_WRITE_SECONDS);
      }
      case NVMCTRL_CMD.PBC:
        this.pageBuffer.fill(ERASED_BYTE);
        this.STATUS.value &= ~STATUS.LOAD;
        return;
      case NVMCTRL_CMD.LR:
      case NVMCTRL_CMD.UR: {
        if (address >= FLASH_SIZE) return this.error(STATUS.PROGE);
        const bit = 1 << Math.floor(address / REGION_SIZE);
        this.LOCK.value = cmd === NVMCTRL_CMD.UR ? this.LOCK.value | bit : this.LOCK.value & ~bit;
        return;
      }
      case NVMCTRL_CMD.SPRM:
        this.STATUS.value |= STATUS.PRM;
        return;
      case NVMCTRL_CMD.CPRM:
        this.STATUS.value &= ~STATUS.PRM;
        return;
      case NVMCTRL_CMD.SSB:
      case NVMCTRL_CMD.SF:
        this.STATUS.value |= STATUS.SB;
        return;
      case NVMCTRL_CMD.INVALL:
        this.onCacheInvalidate?.();
        return;
      case NVMCTRL_CMD.WL:
        return;
      default:
        return this.error(STATUS.PROGE);
    }
  }

  private start(cmd: number, address: number, seconds: number): void {
    this.busy = true;
    this.int.clear(NVMCTRL_INT.READY);
    this.pendingCommand = cmd;
    this.pendingAddress = address;
    const cycles = Math.ceil(seconds * this.chip.scheduler.frequency);
    this.chip.scheduler.scheduleIn(this.doneEvent, cycles);
    this.onProgram?.(cycles);
  }

  private complete(): void {
    const cmd = this.pendingCommand;
    const address = this.pendingAddress;
    const inAux = cmd === NVMCTRL_CMD.EAR || cmd === NVMCTRL_CMD.WAP;
    const mem = inAux ? this.aux : this.flash;
    const base = inAux ? address - NVM_AUX_BASE : address;
    if (cmd === NVMCTRL_CMD.ER || cmd === NVMCTRL_CMD.EAR) {
      const row = base & ~(FLASH_ROW_SIZE - 1);
      for (let o = row; o < row + FLASH_ROW_SIZE; o += 4) mem.store(o, 4, ERASED_WORD);
    } else {
      // Programming can only turn 1s into 0s (22.6.4.2: erase before write).
      const page = base & ~(FLASH_PAGE_SIZE - 1);
      for (let o = 0; o < FLASH_PAGE_SIZE; o += 4) {
        const b = this.pageBuffer;
        const word = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
        mem.store(page + o, 4, (mem.u32[(page + o) >>> 2] & word) >>> 0);
      }
      this.pageBuffer.fill(ERASED_BYTE);
      this.STATUS.value &= ~STATUS.LOAD;
    }
    // "Commands affecting NVM content automatically invalidate cache lines" (22.6.7).
    this.onCacheInvalidate?.();
    this.busy = false;
    this.int.set(NVMCTRL_INT.READY);
  }
}

/** The flash as a bus device: reads from the array, writes load NVMCTRL's page buffer. */
export class FlashDevice implements BusDevice {
  constructor(
    readonly memory: Memory,
    private readonly nvm: () => NVMCTRL,
    private readonly base: number,
  ) {}
  read(offset: number, size: AccessSize): number {
    return this.memory.read(offset, size);
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.nvm().pageBufferWrite(this.base + offset, size, value);
  }
}
