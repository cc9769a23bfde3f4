/**
 * System Control Space of the Cortex-M0+ (0xE000E000-0xE000EFFF): SysTick, NVIC and SCB
 * (ARMv6-M ARM B3.2-B3.4; Cortex-M0+ TRM chapter 4). Registers are word registers; byte and
 * halfword accesses are served from the same word so that lenient firmware still works.
 * Reserved SCS words read as zero; any other address at 0xE0000000 and up is a bus error.
 */
import type { AccessSize } from '../emulator/kernel/bus.js';
import type { CortexM0Plus } from './core.js';
import { Exc } from './exceptions.js';
import { SysTick } from './systick.js';

const CPUID = 0x410cc601; // ARM, variant 0, ARMv6-M, Cortex-M0+ part 0xC60, revision 1
const AIRCR_VECTKEY = 0x05fa;

export class SystemControlSpace {
  vtor = 0;
  readonly systick: SysTick;
  private sleepDeep = 0;

  constructor(private readonly core: CortexM0Plus) {
    this.systick = new SysTick(core.clock, () => core.exceptions.setPending(Exc.SysTick));
  }

  reset(): void {
    this.vtor = 0;
    this.sleepDeep = 0;
    this.systick.reset();
  }

  read(address: number, size: AccessSize): number {
    const word = this.readWord(address & ~3);
    if (word === undefined) return this.busError(address, false);
    const shift = (address & 3) * 8;
    return size === 4 ? word >>> 0 : (word >>> shift) & (size === 2 ? 0xffff : 0xff);
  }

  write(address: number, size: AccessSize, value: number): void {
    const aligned = address & ~3;
    let word = value;
    if (size !== 4) {
      // Merge the narrow write into the current register value.
      const shift = (address & 3) * 8;
      const mask = (size === 2 ? 0xffff : 0xff) << shift;
      word = ((this.readWord(aligned) ?? 0) & ~mask) | ((value << shift) & mask);
    }
    if (!this.writeWord(aligned >>> 0, word >>> 0)) this.busError(address, true);
  }

  private busError(address: number, isWrite: boolean): number {
    this.core.bus.signalError(address, isWrite);
    return 0;
  }

  private readWord(a: number): number | undefined {
    a >>>= 0;
    if (a >= 0xe000e010 && a < 0xe000e020) return this.systick.read(a - 0xe000e010);
    if (a >= 0xe000e100 && a < 0xe000e500) return this.nvicRead(a);
    if (a >= 0xe000ed00 && a < 0xe000ed40) return this.scbRead(a);
    return a >= 0xe000e000 && a < 0xe000f000 ? 0 : undefined; // reserved SCS words are RAZ/WI
  }

  private writeWord(a: number, v: number): boolean {
    if (a >= 0xe000e010 && a < 0xe000e020) {
      this.systick.write(a - 0xe000e010, v);
      return true;
    }
    if (a >= 0xe000e100 && a < 0xe000e500) return this.nvicWrite(a, v);
    if (a >= 0xe000ed00 && a < 0xe000ed40) return this.scbWrite(a, v);
    return a >= 0xe000e000 && a < 0xe000f000;
  }

  // ---------------------------------------------------------------- NVIC (B3.4)

  private irqMask(): number {
    const n = this.core.exceptions.irqCount;
    return n >= 32 ? 0xffffffff : (1 << n) - 1;
  }

  private pendingBits(): number {
    const ex = this.core.exceptions;
    let bits = 0;
    for (let i = 0; i < ex.irqCount; i++) if (ex.pending[Exc.IRQ0 + i]) bits |= 1 << i;
    return bits >>> 0;
  }

  private nvicRead(a: number): number | undefined {
    const ex = this.core.exceptions;
    switch (a) {
      case 0xe000e100:
      case 0xe000e180:
        return ex.enabled >>> 0;
      case 0xe000e200:
      case 0xe000e280:
        return this.pendingBits();
    }
    if (a >= 0xe000e400 && a < 0xe000e420) {
      const first = Exc.IRQ0 + (a - 0xe000e400);
      let v = 0;
      for (let i = 0; i < 4; i++) v |= (ex.priority[first + i] & 0xc0) << (8 * i);
      return v >>> 0;
    }
    return a < 0xe000e420 || a >= 0xe000e300 ? 0 : undefined; // reserved NVIC space reads as zero
  }

  private nvicWrite(a: number, v: number): boolean {
    const ex = this.core.exceptions;
    v &= this.irqMask();
    switch (a) {
      case 0xe000e100:
        ex.enabled |= v;
        ex.requestCheck();
        return true;
      case 0xe000e180:
        ex.enabled &= ~v;
        return true;
      case 0xe000e200:
        for (let i = 0; i < 32; i++) if (v & (1 << i)) ex.setPending(Exc.IRQ0 + i);
        return true;
      case 0xe000e280:
        // A level-sensitive line that is still asserted stays pending (B3.4.1).
        for (let i = 0; i < 32; i++) if (v & (1 << i) && !(ex.lineLevel & (1 << i))) ex.clearPending(Exc.IRQ0 + i);
        return true;
    }
    if (a >= 0xe000e400 && a < 0xe000e420) {
      const first = Exc.IRQ0 + (a - 0xe000e400);
      for (let i = 0; i < 4; i++) if (first + i < Exc.IRQ0 + ex.irqCount) ex.priority[first + i] = (v >>> (8 * i)) & 0xc0;
      ex.requestCheck();
      return true;
    }
    return true; // writes to reserved NVIC space are ignored
  }

  // ---------------------------------------------------------------- SCB (B3.2)

  private scbRead(a: number): number | undefined {
    const core = this.core;
    const ex = core.exceptions;
    switch (a) {
      case 0xe000ed00:
        return CPUID;
      case 0xe000ed04:
        return this.icsr();
      case 0xe000ed08:
        return this.vtor;
      case 0xe000ed0c:
        return (0xfa05 << 16) >>> 0; // VECTKEYSTAT, little endian
      case 0xe000ed10:
        return (ex.sleepOnExit ? 2 : 0) | (this.sleepDeep << 2) | (ex.sevOnPend ? 16 : 0);
      case 0xe000ed14:
        return 0x208; // CCR: STKALIGN and UNALIGN_TRP, both fixed to one on ARMv6-M
      case 0xe000ed1c:
        return ((ex.priority[Exc.SVCall] & 0xc0) << 24) >>> 0;
      case 0xe000ed20:
        return (((ex.priority[Exc.SysTick] & 0xc0) << 24) | ((ex.priority[Exc.PendSV] & 0xc0) << 16)) >>> 0;
      case 0xe000ed24:
        return ex.pending[Exc.SVCall] ? 1 << 15 : 0; // SHCSR.SVCALLPENDED
      default:
        return 0;
    }
  }

  private icsr(): number {
    const ex = this.core.exceptions;
    const pendingExc = ex.highestPending();
    let isrPending = 0;
    for (let i = 0; i < ex.irqCount; i++) if (ex.pending[Exc.IRQ0 + i]) isrPending = 1;
    return (
      ((ex.pending[Exc.NMI] << 31) |
        (ex.pending[Exc.PendSV] << 28) |
        (ex.pending[Exc.SysTick] << 26) |
        (isrPending << 22) |
        ((pendingExc & 0x1ff) << 12) |
        (ex.ipsr & 0x3f)) >>>
      0
    );
  }

  private scbWrite(a: number, v: number): boolean {
    const ex = this.core.exceptions;
    switch (a) {
      case 0xe000ed04:
        if (v & (1 << 31)) ex.setPending(Exc.NMI);
        if (v & (1 << 28)) ex.setPending(Exc.PendSV);
        else if (v & (1 << 27)) ex.clearPending(Exc.PendSV);
        if (v & (1 << 26)) ex.setPending(Exc.SysTick);
        else if (v & (1 << 25)) ex.clearPending(Exc.SysTick);
        return true;
      case 0xe000ed08:
        this.vtor = v & 0xffffff80;
        return true;
      case 0xe000ed0c:
        if (v >>> 16 === AIRCR_VECTKEY && v & 4) this.systemReset();
        return true;
      case 0xe000ed10:
        ex.sleepOnExit = (v & 2) !== 0;
        this.sleepDeep = (v >>> 2) & 1;
        ex.sevOnPend = (v & 16) !== 0;
        return true;
      case 0xe000ed1c:
        ex.priority[Exc.SVCall] = (v >>> 24) & 0xc0;
        ex.requestCheck();
        return true;
      case 0xe000ed20:
        ex.priority[Exc.SysTick] = (v >>> 24) & 0xc0;
        ex.priority[Exc.PendSV] = (v >>> 16) & 0xc0;
        ex.requestCheck();
        return true;
      case 0xe000ed24:
        if (v & (1 << 15)) ex.setPending(Exc.SVCall);
        else ex.clearPending(Exc.SVCall);
        return true;
      default:
        return true; // CPUID, CCR and reserved SCB words ignore writes
    }
  }

  private systemReset(): void {
    const core = this.core;
    if (core.options.onSystemReset) core.options.onSystemReset();
    else core.reset();
    core.clock.requestBreak();
  }
}
