/**
 * `--gdb PORT`: serves the GDB remote protocol on 127.0.0.1 only (a debug port is never exposed
 * to the network), one client at a time. A client that disconnects, even mid-command, leaves
 * the machine halted where it was and the server waiting for the next one. The serving ends
 * when a client detaches (the program then runs on without the debugger), kills the program,
 * or the program ended and its client left.
 */
import { createServer, type Socket } from 'node:net';
import type { Machine } from '../kernel/machine.js';
import type { HaltInfo } from '../kernel/core.js';
import { GdbSession } from './session.js';
import type { GdbTarget } from './target.js';

export interface GdbServeOptions {
  machine: Machine;
  target: GdbTarget;
  port: number;
  reset?: () => void;
  /** Told once the server listens (the CLI prints where). */
  onListening?: (port: number) => void;
}

export type GdbOutcome = { kind: 'detach' } | { kind: 'kill' } | { kind: 'ended'; halt: HaltInfo };

export function serveGdb(options: GdbServeOptions): Promise<GdbOutcome> {
  return new Promise((resolve, reject) => {
    let busy = false;
    let finished = false;
    /** Clients that connected while another was being served (one debugger at a time). */
    const waiting: Socket[] = [];
    const server = createServer({ noDelay: true });
    const finish = (outcome: GdbOutcome) => {
      finished = true;
      for (const s of waiting.splice(0)) s.destroy();
      server.close();
      resolve(outcome);
    };
    const next = () => {
      const socket = waiting.shift();
      if (socket && !socket.destroyed) start(socket);
      else if (socket) next();
    };
    server.on('connection', (socket: Socket) => {
      if (finished) socket.destroy();
      else if (busy) waiting.push(socket);
      else start(socket);
    });
    const start = (socket: Socket) => {
      busy = true;
      const session = new GdbSession(options.machine, options.target, (bytes) => socket.writable && socket.write(bytes), {
        reset: options.reset,
        yield: () => new Promise((r) => setImmediate(r)),
      });
      socket.on('data', (chunk: Buffer) => {
        session.receive(chunk);
        if (session.closed) socket.end();
      });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        busy = false;
        session.abandon();
        if (session.closed === 'detach') finish({ kind: 'detach' });
        else if (session.closed === 'kill') finish({ kind: 'kill' });
        else if (session.programEnd) finish({ kind: 'ended', halt: session.programEnd });
        else next();
      });
    };
    server.on('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const address = server.address();
      options.onListening?.(typeof address === 'object' && address ? address.port : options.port);
    });
  });
}
