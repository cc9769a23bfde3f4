/**
 * `circuitemu run --gdb PORT`: the board waits, halted at its reset vector, for GDB on
 * 127.0.0.1:PORT. Returns null when the client detached (the run goes on without the debugger),
 * or the exit status when the program ended or was killed during the session.
 */
import type { Board } from '../../boards/types.js';
import { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { EXIT } from '../run.js';
import { CortexMTarget } from './target.js';
import { serveGdb } from './tcp.js';

export class GdbUsageError extends Error {}

export function parseGdbPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new GdbUsageError(`--gdb needs a TCP port 0..65535 (0: any free port), not '${value}'`);
  return port;
}

export async function debugWithGdb(board: Board, port: number): Promise<number | null> {
  const core = board.machine.core;
  if (!(core instanceof CortexM0Plus)) throw new GdbUsageError(`--gdb serves Cortex-M0+ boards (test-m0, cpx, metro_m0_express); board ${board.name} is not one yet`);
  const outcome = await serveGdb({
    machine: board.machine,
    target: new CortexMTarget(core, board.machine.bus),
    port,
    reset: () => core.reset(),
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
