/**
 * Interrupt handlers of the hosted common-hal. The chip has no core, so nothing would take its NVIC lines;
 * CircuitPython's drivers for the UART receiver (ASF4 usart_async: RXC fills a ring buffer), PulseIn (EIC
 * edge -> read the timer) and PulseOut (TC compare -> next pulse) are interrupt-driven. This takes the
 * chip's NVIC lines as a core would and runs the TypeScript handler registered for a line a few cycles
 * after it rises, again while it stays high (the lines are level-sensitive and a handler clears its flag),
 * as the Cortex-M0+ runs a pending exception.
 */
import { SimEvent } from '../../../emulator/kernel/scheduler.js';
import type { Samd21Board } from '../../../boards/samd21-board.js';

type Samd21 = Samd21Board['mcu'];

/** Cycles from a line rising to its handler's first instruction (M0+ exception entry is 15 cycles). */
const ENTRY_CYCLES = 15;

export class HostedNvic {
  private readonly handlers = new Map<number, { run: () => void; event: SimEvent }>();
  private readonly levels: boolean[] = [];

  constructor(private readonly mcu: Samd21) {
    if (mcu.core) throw new Error('HostedNvic: the chip has a CPU; its NVIC takes the interrupt lines');
    mcu.context.attachCore({ setInterrupt: (line, level) => this.line(line, level), nmi: () => {} });
  }

  /** Handler for NVIC line `line` (IRQ in memory-map.ts); null removes it (NVIC_DisableIRQ). */
  setHandler(line: number, run: (() => void) | null): void {
    const old = this.handlers.get(line);
    if (old) this.mcu.scheduler.cancel(old.event);
    if (!run) {
      this.handlers.delete(line);
      return;
    }
    const entry = { run, event: new SimEvent(`hosted ISR ${line}`, () => this.dispatch(line)) };
    this.handlers.set(line, entry);
    if (this.levels[line]) this.mcu.scheduler.scheduleIn(entry.event, ENTRY_CYCLES);
  }

  private line(line: number, level: boolean): void {
    this.levels[line] = level;
    const h = this.handlers.get(line);
    if (level && h && !h.event.scheduled) this.mcu.scheduler.scheduleIn(h.event, ENTRY_CYCLES);
  }

  private dispatch(line: number): void {
    const h = this.handlers.get(line);
    if (!h) return;
    h.run();
    // Still pending after the handler returned (a flag it did not clear, or a new one): tail-chain.
    if (this.levels[line] && this.handlers.get(line) === h && !h.event.scheduled) this.mcu.scheduler.scheduleIn(h.event, ENTRY_CYCLES);
  }
}
