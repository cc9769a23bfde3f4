/**
 * What the machine's run loop needs from a CPU core, whatever its architecture.
 * The kernel defines the contract; cores (cpu-armv6m, cpu-xtensa) implement it.
 */

/** A destination for interrupt request lines (the NVIC, the Xtensa INTERRUPT register). */
export interface InterruptSink {
  /** Sets the level of request line `line` (level-sensitive; an edge-type line latches on 1). */
  setInterrupt(line: number, level: boolean): void;
}

export type CoreState = 'running' | 'sleeping' | 'halted';

export interface CpuCore extends InterruptSink {
  /** 'sleeping' (WFI/WFE/WAITI): the run loop jumps time to the next event; 'halted': stop. */
  readonly state: CoreState;
  /** Instructions retired since power-on. */
  readonly instructions: number;
  /** Address of the next instruction. */
  readonly pc: number;
  /** Executes instructions while scheduler.cycles < scheduler.deadline and the core is running. */
  execute(): void;
  /** Power-on / system reset. */
  reset(): void;
  /** One-line-per-register dump for fault reports. */
  describeState(): string;
}

/** Why a machine stopped running. */
export interface HaltInfo {
  reason: 'exit' | 'fault' | 'lockup' | 'breakpoint';
  exitCode: number;
  message: string;
}
