/**
 * The ARMv6-M exception model (ARMv6-M ARM, chapter B1.5): priorities, pending/active state,
 * stacking and unstacking, EXC_RETURN, HardFault escalation, lockup, and the WFI/WFE sleep logic.
 *
 * Priorities are kept as the numbers the architecture compares: -3 reset, -2 NMI, -1 HardFault,
 * and the implemented bits [7:6] of the 8-bit configurable fields (0, 64, 128, 192) for the rest.
 * Execution priority is the smallest priority of the active exceptions, boosted to 0 by PRIMASK;
 * Thread mode with nothing active runs at 256 (lower than any exception).
 *
 * Pending state changes never interrupt an instruction: they set `checkNeeded` and ask the
 * scheduler to break the run loop, and the core takes the exception at the next boundary.
 */
import type { CortexM0Plus } from './core.js';
import { captureRegisters, formatRegisterSnapshot, REGISTER_SNAPSHOT_WORDS } from './describe.js';

export const enum Exc {
  Reset = 1,
  NMI = 2,
  HardFault = 3,
  SVCall = 11,
  PendSV = 14,
  SysTick = 15,
  IRQ0 = 16,
}

export const enum FaultKind {
  Undefined = 'undefined instruction',
  Unaligned = 'unaligned access',
  BusError = 'bus error',
  FetchError = 'instruction fetch from unmapped memory',
  ExecuteNever = 'instruction fetch from an execute-never region',
  InvalidState = 'branch to ARM state (Thumb bit clear)',
  Breakpoint = 'BKPT without a debugger',
  SvcEscalation = 'SVC at a priority that cannot take SVCall',
  BadExcReturn = 'invalid EXC_RETURN',
  StackingError = 'bus error while stacking or unstacking',
}

const EXC_COUNT = 48;
const THREAD_PRIORITY = 256;

/**
 * The most recent HardFault. One record per core, reused: the registers are captured as numbers
 * and formatted only when read, so a program that handles its faults pays no formatting.
 */
export class FaultRecord {
  kind: FaultKind = FaultKind.Undefined;
  /** Address of the faulting instruction (the stacked PC). */
  pc = 0;
  /** Data address for access faults. */
  address = 0;
  readonly snapshot = new Uint32Array(REGISTER_SNAPSHOT_WORDS);

  /** The register dump at the fault. */
  get registers(): string {
    return formatRegisterSnapshot(this.snapshot);
  }
}

export class ExceptionUnit {
  readonly pending = new Uint8Array(EXC_COUNT);
  readonly active = new Uint8Array(EXC_COUNT);
  readonly priority = new Int16Array(EXC_COUNT);
  /** NVIC enable bits for IRQ0..31. */
  enabled = 0;
  /** Current level of each external interrupt request line. */
  lineLevel = 0;
  /** IPSR: the number of the exception being serviced, 0 in Thread mode. */
  ipsr = 0;
  activeCount = 0;
  checkNeeded = false;
  sleepOnExit = false;
  sevOnPend = false;
  private readonly frameWords = new Int32Array(8);
  /** The most recent HardFault, for fault reports. */
  lastFault: FaultRecord | null = null;
  private readonly faultRecord = new FaultRecord();

  constructor(
    private readonly core: CortexM0Plus,
    readonly irqCount: number,
  ) {}

  reset(): void {
    this.pending.fill(0);
    this.active.fill(0);
    this.priority.fill(0);
    this.priority[Exc.Reset] = -3;
    this.priority[Exc.NMI] = -2;
    this.priority[Exc.HardFault] = -1;
    this.enabled = 0;
    this.ipsr = 0;
    this.activeCount = 0;
    this.checkNeeded = false;
    this.sleepOnExit = this.sevOnPend = false;
    this.lastFault = null;
    // lineLevel survives a core reset: it is the peripherals' state, which they re-drive.
    for (let line = 0; line < this.irqCount; line++) if (this.lineLevel & (1 << line)) this.pending[Exc.IRQ0 + line] = 1;
  }

  // ---------------------------------------------------------------- pending state

  requestCheck(): void {
    this.checkNeeded = true;
    this.core.clock.requestBreak();
    if (this.core.state === 'sleeping') this.wakeIfNeeded();
  }

  setPending(exc: number): void {
    if (this.pending[exc]) return;
    this.pending[exc] = 1;
    if (this.sevOnPend) this.core.eventRegister = 1;
    this.requestCheck();
  }

  clearPending(exc: number): void {
    this.pending[exc] = 0;
  }

  /** Level-sensitive interrupt request from a peripheral. */
  setLine(line: number, level: boolean): void {
    if (line < 0 || line >= this.irqCount) return;
    const bit = 1 << line;
    if (level) {
      this.lineLevel |= bit;
      if (!this.active[Exc.IRQ0 + line]) this.setPending(Exc.IRQ0 + line);
    } else {
      this.lineLevel &= ~bit;
    }
  }

  /** Whether exception `exc` takes part in arbitration (IRQs need their NVIC enable bit). */
  private isEnabled(exc: number): boolean {
    return exc < Exc.IRQ0 || (this.enabled & (1 << (exc - Exc.IRQ0))) !== 0;
  }

  /** The pending, enabled exception with the highest priority (lowest number wins ties), or 0. */
  highestPending(): number {
    let best = 0;
    let bestPriority = THREAD_PRIORITY + 1;
    for (let exc = 2; exc < Exc.IRQ0 + this.irqCount; exc++) {
      if (this.pending[exc] && this.isEnabled(exc) && this.priority[exc] < bestPriority) {
        best = exc;
        bestPriority = this.priority[exc];
      }
    }
    return best;
  }

  /** Priority of the active exceptions alone (no PRIMASK boost). */
  private activePriority(): number {
    let p = THREAD_PRIORITY;
    for (let exc = 1; exc < EXC_COUNT; exc++) if (this.active[exc] && this.priority[exc] < p) p = this.priority[exc];
    return p;
  }

  executionPriority(): number {
    const p = this.activePriority();
    return this.core.primask && p > 0 ? 0 : p;
  }

  /** Takes the highest pending exception if it preempts the current execution priority. */
  takePending(): void {
    this.checkNeeded = false;
    const exc = this.highestPending();
    if (exc !== 0 && this.priority[exc] < this.executionPriority()) this.enter(exc, this.core.pc);
  }

  // ---------------------------------------------------------------- entry and return

  /** Exception entry (B1.5.6): stack the frame, switch to Handler mode, jump to the vector. */
  enter(exc: number, returnAddress: number): void {
    const core = this.core;
    const r = core.r;
    const wasHandler = this.ipsr !== 0;
    const excReturn = wasHandler ? 0xfffffff1 : core.usingPsp ? 0xfffffffd : 0xfffffff9;
    const sp = r[13] >>> 0;
    const align = (sp >>> 2) & 1; // frame is 8-byte aligned; bit 9 of the stacked xPSR records it
    const frame = ((sp - 0x20) & ~4) >>> 0;
    const psr = (core.xpsr & ~(1 << 9)) | (align << 9);
    const words = this.frameWords;
    words[0] = r[0];
    words[1] = r[1];
    words[2] = r[2];
    words[3] = r[3];
    words[4] = r[12];
    words[5] = r[14];
    words[6] = returnAddress & ~1;
    words[7] = psr;
    let ok = true;
    for (let i = 0; i < 8 && ok; i++) ok = this.stackWrite(frame + 4 * i, words[i]);
    r[13] = frame;
    this.pending[exc] = 0;
    this.active[exc] = 1;
    this.activeCount++;
    this.ipsr = exc;
    core.spsel = 0;
    core.selectStack(false);
    r[14] = excReturn | 0;
    core.eventRegister = 1; // exception entry is a WFE wake-up event
    core.clock.cycles += 15; // M0+ interrupt latency with zero wait states
    if (!ok) {
      this.escalate(FaultKind.StackingError, returnAddress, frame);
      return;
    }
    this.jumpToVector(exc);
  }

  private jumpToVector(exc: number): void {
    const core = this.core;
    const vectorAddress = (core.scs.vtor + 4 * exc) >>> 0;
    const bus = core.bus;
    const vector = bus.read(vectorAddress, 4);
    if (bus.error) {
      bus.error = false;
      core.lockup(`cannot read the vector of exception ${exc} at 0x${vectorAddress.toString(16).padStart(8, '0')}`);
      return;
    }
    core.pc = vector & ~1;
    core.thumb = (vector & 1) === 1;
    core.state = 'running';
  }

  private stackWrite(address: number, value: number): boolean {
    const bus = this.core.bus;
    bus.write(address, 4, value >>> 0);
    if (!bus.error) return true;
    bus.error = false;
    return false;
  }

  /** Exception return (B1.5.8), entered when Handler mode loads 0xFxxxxxxx into the PC. */
  exceptionReturn(excReturn: number): void {
    const core = this.core;
    const exc = this.ipsr;
    const valid = excReturn === 0xfffffff1 || excReturn === 0xfffffff9 || excReturn === 0xfffffffd;
    const toThread = excReturn !== 0xfffffff1;
    if (!valid || (toThread && this.activeCount !== 1)) {
      // The return is abandoned; HardFault is taken with the EXC_RETURN instruction as return.
      this.hardFault(FaultKind.BadExcReturn, core.ip, excReturn);
      return;
    }
    this.active[exc] = 0;
    this.activeCount--;
    if (exc >= Exc.IRQ0 && this.lineLevel & (1 << (exc - Exc.IRQ0))) this.pending[exc] = 1;
    core.spsel = excReturn === 0xfffffffd ? 1 : 0;
    core.selectStack(core.spsel === 1);
    this.unstack(toThread);
    core.eventRegister = 1;
    core.clock.cycles += 12;
    this.checkNeeded = true;
    core.clock.requestBreak();
    if (toThread && this.sleepOnExit) core.state = 'sleeping';
  }

  private unstack(toThread: boolean): void {
    const core = this.core;
    const r = core.r;
    const frame = r[13] >>> 0;
    const w = this.frameWords;
    if (!this.readFrame(frame, w)) {
      this.ipsr = toThread ? 0 : this.ipsr;
      this.escalate(FaultKind.StackingError, core.pc, frame);
      return;
    }
    r[0] = w[0];
    r[1] = w[1];
    r[2] = w[2];
    r[3] = w[3];
    r[12] = w[4];
    r[14] = w[5];
    const pc = w[6] >>> 0;
    const psr = w[7] >>> 0;
    r[13] = (frame + 0x20 + ((psr >>> 9) & 1) * 4) | 0;
    core.setFlagsFromPsr(psr);
    this.ipsr = toThread ? 0 : psr & 0x3f;
    core.pc = pc & ~1;
    core.thumb = ((psr >>> 24) & 1) === 1;
  }

  private readFrame(frame: number, out: Int32Array): boolean {
    const bus = this.core.bus;
    for (let i = 0; i < 8; i++) {
      out[i] = bus.read(frame + 4 * i, 4);
      if (bus.error) {
        bus.error = false;
        return false;
      }
    }
    return true;
  }

  // ---------------------------------------------------------------- faults

  /**
   * A synchronous fault: record it and take HardFault at once. A fault while HardFault or NMI
   * is active cannot escalate further: the processor locks up (B1.5.15).
   */
  hardFault(kind: FaultKind, returnAddress: number, address: number): void {
    const core = this.core;
    const record = this.faultRecord;
    record.kind = kind;
    record.pc = returnAddress >>> 0;
    record.address = address >>> 0;
    captureRegisters(core, record.snapshot);
    this.lastFault = record;
    this.escalate(kind, returnAddress, address);
  }

  private escalate(kind: FaultKind, returnAddress: number, address: number): void {
    const core = this.core;
    if (this.active[Exc.HardFault] || this.active[Exc.NMI]) {
      const where = this.active[Exc.NMI] ? 'NMI' : 'HardFault';
      core.pc = returnAddress >>> 0;
      core.lockup(`lockup: ${kind} (address 0x${(address >>> 0).toString(16).padStart(8, '0')}) inside the ${where} handler`);
      return;
    }
    this.enter(Exc.HardFault, returnAddress);
  }

  /** SVC: taken at once, or escalated to HardFault if it cannot preempt (B1.5.4). */
  supervisorCall(returnAddress: number): void {
    if (this.priority[Exc.SVCall] < this.executionPriority()) this.enter(Exc.SVCall, returnAddress);
    else this.hardFault(FaultKind.SvcEscalation, this.core.ip, 0);
  }

  /**
   * `B .` executed where nothing can ever interrupt it: inside HardFault/NMI. The firmware
   * has given up (a default fault handler); report it instead of spinning until the timeout.
   */
  spinAt(pc: number): void {
    if (!this.active[Exc.HardFault] && !this.active[Exc.NMI]) return;
    const fault = this.lastFault;
    const what = fault
      ? `HardFault: ${fault.kind} at pc=0x${fault.pc.toString(16).padStart(8, '0')}` +
        (fault.address ? ` (address 0x${fault.address.toString(16).padStart(8, '0')})` : '') +
        `\nregisters at the fault:\n${fault.registers}`
      : 'HardFault';
    this.core.halt({
      reason: 'fault',
      exitCode: 1,
      message: `${what}\nthe HardFault handler spins at 0x${(pc >>> 0).toString(16).padStart(8, '0')}`,
    });
  }

  // ---------------------------------------------------------------- sleep

  /** Would a pending exception preempt if PRIMASK were clear (the WFI wake-up condition)? */
  private wakeCondition(): boolean {
    const exc = this.highestPending();
    return exc !== 0 && this.priority[exc] < this.activePriority();
  }

  private wakeIfNeeded(): void {
    const byEvent = this.waitingForEvent && this.core.eventRegister === 1;
    if (byEvent || this.wakeCondition()) {
      if (byEvent) this.core.eventRegister = 0;
      this.core.state = 'running';
      this.waitingForEvent = false;
    }
  }

  private waitingForEvent = false;

  waitForInterrupt(): void {
    if (this.wakeCondition()) return;
    this.core.state = 'sleeping';
    this.core.clock.requestBreak();
  }

  waitForEvent(): void {
    const core = this.core;
    if (core.eventRegister) {
      core.eventRegister = 0;
      return;
    }
    if (this.wakeCondition()) return;
    this.waitingForEvent = true;
    core.state = 'sleeping';
    core.clock.requestBreak();
  }
}
