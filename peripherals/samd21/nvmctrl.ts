/**
 * NVMCTRL, the Non-Volatile Memory Controller (data sheet section 22), and the flash / NVM
 * auxiliary-space bus devices it controls.
 *
 * Reads of the flash come straight from its `Memory` (the CPU's fast path; NVMCTRL.CTRLB.RWS wait
 * states are charged per read). Writes to the flash address space do not program it: they load
 * the 64-byte page buffer (22.6.4.1), and a command in CTRLA (with the 0xA5 key in CMDEX) erases a
 * row (256 bytes to 0xFF) or writes the page buffer into a page (programming can only clear bits).
 * The user row at 0x00804000 is written the same way through the auxiliary commands EAR/WAP.
 *
 * INTFLAG.READY is 0 while a command runs (row erase and page write take milliseconds), which
 * firmware polls before and after each command.
 */
import type { AccessSize, BusDevice, Mapping, Memory } from '../../emulator/kernel/bus.js';
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, InterruptRegisters, type Register } from '../register-block.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { FLASH_PAGE_SIZE, FLASH_ROW_SIZE, FLASH_SIZE, IRQ, NVM_AUX_BASE, NVM_USER_ROW } from './memory-map.js';

/** CTRLA.CMD values (22.8.1). */
export const NVM_CMD = {
  ER: 0x02, WP: 0x04, EAR: 0x05, WAP: 0x06, SF: 0x0a, WL: 0x0f,
  LR: 0x40, UR: 0x41, SPRM: 0x42, CPRM: 0x43, PBC: 0x44, SSB: 0x45, INVALL: 0x46,
} as const;
const CMDEX_KEY = 0xa5;

/** STATUS bits (22.8.7). */
const STATUS = { PRM: 1 << 0, LOAD: 1 << 1, PROGE: 1 << 2, LOCKE: 1 << 3, NVME: 1 << 4, SB: 1 << 8 } as const;

/** Command times (electrical characteristics, NVM timing): page write 2.5 ms, row erase 6 ms max. */
const PAGE_WRITE_SECONDS = 2.5e-3;
const ROW_ERASE_SECONDS = 6e-3;
const REGION_SIZE = FLASH_SIZE / 16;

export class NVMCTRL extends RegisterBlock implements Samd21Peripheral {
  readonly CTRLA: Register;
  readonly CTRLB: Register;
  readonly PARAM: Register;
  readonly int: InterruptRegisters;
  readonly STATUS: Register;
  readonly ADDR: Register;
  readonly LOCK: Register;

  /** The page buffer (64 bytes); unloaded bytes are 0xFF. */
  readonly pageBuffer = new Uint8Array(FLASH_PAGE_SIZE).fill(0xff);
  private busy = false;
  private readonly doneEvent: SimEvent;
  private pendingCommand = 0;
  private pendingAddress = 0;
  /** The flash mapping, whose wait states follow CTRLB.RWS. */
  flashMapping: Mapping | null = null;
  /** Told the new CTRLB.RWS (the core charges it on flash fetches and reads). */
  onWaitStates: ((rws: number) => void) | null = null;
  /** Count of ignored 8-bit page-buffer writes (the data sheet forbids them, 22.6.4.1). */
  byteWritesIgnored = 0;

  constructor(
    private readonly chip: Samd21Chip,
    readonly flash: Memory,
    readonly aux: Memory,
  ) {
    super('NVMCTRL', 0x400);
    this.doneEvent = new SimEvent('NVMCTRL command', () => this.complete());
    this.CTRLA = this.reg({ name: 'CTRLA', offset: 0x00, size: 2, writable: 0xff7f, write: (v) => this.command(v) });
    // CTRLB (22.8.2): RWS 1-4, MANW 7, SLEEPPRM 8-9, READMODE 16-17, CACHEDIS 18.
    this.CTRLB = this.reg({
      name: 'CTRLB', offset: 0x04, size: 4, reset: 0x00000000, writable: 0x0007039e,
      write: () => this.applyWaitStates(),
    });
    // PARAM (22.8.3): NVMP = 4096 pages, PSZ = 3 (64 bytes), RWWEEP = 0.
    this.PARAM = this.reg({ name: 'PARAM', offset: 0x08, size: 4, reset: 0x00031000, writable: 0 });
    // INTFLAG (22.8.6): READY (bit 0) is a status, not a latch; ERROR (bit 1) is write-1-to-clear.
    this.int = new InterruptRegisters(this, { INTENCLR: 0x0c, INTENSET: 0x10, INTFLAG: 0x14 }, 1, 0x03, (l) => chip.irq(IRQ.NVMCTRL, l));
    this.STATUS = this.reg({ name: 'STATUS', offset: 0x18, size: 2, writable: 0x001c, w1c: true });
    // ADDR (22.8.8): a 16-bit-word address (byte address / 2), 22 bits.
    this.ADDR = this.reg({ name: 'ADDR', offset: 0x1c, size: 4, writable: 0x003fffff });
    // LOCK (22.8.9): one bit per 16 KiB region, 1 = unlocked; reset from the user row.
    this.LOCK = this.reg({ name: 'LOCK', offset: 0x20, size: 2, reset: 0xffff, writable: 0 });
    this.int.set(1);
  }

  /** Read wait states (CTRLB.RWS). */
  get rws(): number {
    return (this.CTRLB.value >>> 1) & 0xf;
  }

  get ready(): boolean {
    return !this.busy;
  }

  reset(_cause: ResetCause): void {
    this.chip.scheduler.cancel(this.doneEvent);
    this.busy = false;
    this.resetRegisters();
    this.int.reset();
    this.int.set(1);
    this.pageBuffer.fill(0xff);
    this.applyWaitStates();
  }

  private applyWaitStates(): void {
    if (this.flashMapping) this.flashMapping.waitStates = this.rws;
    this.onWaitStates?.(this.rws);
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
    this.ADDR.value = (address >>> 1) & 0x003fffff;
    this.STATUS.value |= STATUS.LOAD;
    const manw = (this.CTRLB.value & 0x80) !== 0;
    if (!manw && o + size === FLASH_PAGE_SIZE) {
      const aux = address >= NVM_AUX_BASE;
      this.execute(aux ? NVM_CMD.WAP : NVM_CMD.WP);
    }
  }

  // ---------------------------------------------------------------- commands

  private command(v: number): void {
    const cmd = v & 0x7f;
    const key = (v >>> 8) & 0xff;
    if (key !== CMDEX_KEY) {
      // Wrong key: PROGE (22.8.1).
      this.error(STATUS.PROGE);
      return;
    }
    if (this.busy) return; // commands while not READY are ignored
    this.execute(cmd);
  }

  private error(bits: number): void {
    this.STATUS.value |= bits;
    this.int.set(2);
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
      case NVM_CMD.ER:
      case NVM_CMD.WP:
        if (address >= FLASH_SIZE) return this.error(STATUS.PROGE);
        if (this.locked(address)) return this.error(STATUS.LOCKE);
        return this.start(cmd, address, cmd === NVM_CMD.ER ? ROW_ERASE_SECONDS : PAGE_WRITE_SECONDS);
      case NVM_CMD.EAR:
      case NVM_CMD.WAP: {
        // ADDR has 22 bits (halfwords, 8 MiB): 0x00804000 / 2 = 0x402000 is truncated to 0x2000,
        // and the auxiliary commands add the 0x00800000 base themselves.
        const aux = (NVM_AUX_BASE | (address & (NVM_AUX_BASE - 1))) >>> 0;
        // Only the user row is writable in the auxiliary space.
        if (aux < NVM_USER_ROW || aux >= NVM_USER_ROW + FLASH_ROW_SIZE) return this.error(STATUS.PROGE);
        return this.start(cmd, aux, cmd === NVM_CMD.EAR ? ROW_ERASE_SECONDS : PAGE_WRITE_SECONDS);
      }
      case NVM_CMD.PBC:
        this.pageBuffer.fill(0xff);
        this.STATUS.value &= ~STATUS.LOAD;
        return;
      case NVM_CMD.LR:
      case NVM_CMD.UR: {
        if (address >= FLASH_SIZE) return this.error(STATUS.PROGE);
        const bit = 1 << Math.floor(address / REGION_SIZE);
        this.LOCK.value = cmd === NVM_CMD.UR ? this.LOCK.value | bit : this.LOCK.value & ~bit;
        return;
      }
      case NVM_CMD.SPRM:
        this.STATUS.value |= STATUS.PRM;
        return;
      case NVM_CMD.CPRM:
        this.STATUS.value &= ~STATUS.PRM;
        return;
      case NVM_CMD.SSB:
      case NVM_CMD.SF:
        this.STATUS.value |= STATUS.SB;
        return;
      case NVM_CMD.WL:
      case NVM_CMD.INVALL:
        return;
      default:
        return this.error(STATUS.PROGE);
    }
  }

  private start(cmd: number, address: number, seconds: number): void {
    this.busy = true;
    this.int.clear(1);
    this.pendingCommand = cmd;
    this.pendingAddress = address;
    this.chip.scheduler.scheduleIn(this.doneEvent, Math.ceil(seconds * this.chip.scheduler.frequency));
  }

  private complete(): void {
    const cmd = this.pendingCommand;
    const address = this.pendingAddress;
    const inAux = cmd === NVM_CMD.EAR || cmd === NVM_CMD.WAP;
    const mem = inAux ? this.aux : this.flash;
    const base = inAux ? address - NVM_AUX_BASE : address;
    if (cmd === NVM_CMD.ER || cmd === NVM_CMD.EAR) {
      const row = base & ~(FLASH_ROW_SIZE - 1);
      for (let o = row; o < row + FLASH_ROW_SIZE; o += 4) mem.store(o, 4, 0xffffffff);
    } else {
      // Programming can only turn 1s into 0s (22.6.4.2: erase before write).
      const page = base & ~(FLASH_PAGE_SIZE - 1);
      for (let o = 0; o < FLASH_PAGE_SIZE; o += 4) {
        const b = this.pageBuffer;
        const word = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
        mem.store(page + o, 4, (mem.u32[(page + o) >>> 2] & word) >>> 0);
      }
      this.pageBuffer.fill(0xff);
      this.STATUS.value &= ~STATUS.LOAD;
    }
    this.busy = false;
    this.int.set(1);
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
