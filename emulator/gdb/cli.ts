/**
 * `circuitemu run --gdb PORT`: the board waits, halted at its reset vector, for GDB on
 * 127.0.0.1:PORT. Returns null when the client detached (the run goes on without the debugger),
 * or the exit status when the program ended or was killed during the session.
 */
import type { Board } from '../../boards/types.js';
import { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { Lx106 } from '../../cpu-xtensa/lx106.js';
import { SR } from '../../cpu-xtensa/constants.js';
import { EXIT } from '../run.js';
import { CortexMTarget, type GdbTarget } from './target.js';
import { XtensaTarget } from './xtensa.js';
import { serveGdb } from './tcp.js';

export class GdbUsageError extends Error {}

export function parseGdbPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new GdbUsageError(`--gdb needs a TCP port 0..65535 (0: any free port), not '${value}'`);
  return port;
}

/** The GDB target of the board's core and what `monitor reset` does to it. */
function gdbTarget(board: Board): { target: GdbTarget; reset: () => void } {
  const core = board.machine.core;
  const bus = board.machine.bus;
  if (core instanceof CortexM0Plus) return { target: new CortexMTarget(core, bus), reset: () => core.reset() };
  if (core instanceof Lx106) return { target: new XtensaTarget(core, bus), reset: lx106Reset(core) };
  throw new GdbUsageError(`--gdb serves the Cortex-M0+ and Xtensa LX106 boards; board ${board.name} has neither core`);
}

/**
 * `monitor reset` on the LX106: a core reset, which starts the (emulated) boot ROM at the reset
 * vector. A program the loader started in RAM (an ELF: no image in flash for the ROM to boot)
 * is started again at its entry with the registers the loader gave it (stack, PS, VECBASE); RAM
 * keeps its contents, as it does across a real reset.
 */
function lx106Reset(core: Lx106): () => void {
  const entry = { pc: core.pc, a: Int32Array.from(core.a), ps: core.ps, vecbase: core.vecbase };
  return () => {
    core.reset();
    if (core.pc === entry.pc) return;
    core.a.set(entry.a);
    core.writeSpecial(SR.PS, entry.ps);
    core.writeSpecial(SR.VECBASE, entry.vecbase);
    core.pc = entry.pc;
  };
}

export async function debugWithGdb(board: Board, port: number): Promise<number | null> {
  const { target, reset } = gdbTarget(board);
  const outcome = await serveGdb({
    machine: board.machine,
    target,
    port,
    reset,
    onListening: (p) => process.stderr.write(`circuitemu: waiting for GDB on 127.0.0.1:${p} (target remote :${p})\n`),
  });
  switch (outcome.kind) {
    case 'detach':
      process.stderr.write('circuitemu: GDB detached; the program runs on\n');
      return null;
    case 'kill':
      process.stderr.write('circuitemu: the program was killed from GDB\n');
      return 0;
    case 'ended':
      if (outcome.halt.reason === 'exit') return outcome.halt.exitCode & 0xff;
      process.stderr.write(`circuitemu: fault: ${outcome.halt.message}\n`);
      return EXIT.fault;
  }
}
