/**
 * What the GDB server tests share: `circuitemu run ... --gdb 0` as a child process (the built
 * CLI; `npm test` builds dist/ first), and a raw RSP client that sends bytes and packets and
 * waits for what comes back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';

export const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');

export interface Served {
  port: number;
  done: Promise<{ status: number | null; stdout: string; stderr: string }>;
  /** What the program printed so far. */
  stdout(): string;
}

/** Starts `circuitemu run ... --gdb 0` and resolves once it listens; `children` collects it for cleanup. */
export function serve(children: ChildProcess[], board: string, firmware: string): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'run', '--board', board, '--firmware', firmware, '--gdb', '0', '--no-reload']);
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  const done = new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (b) => {
      stderr += b;
      const m = /127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve({ port: Number(m[1]), done, stdout: () => stdout });
    });
    child.on('close', () => reject(new Error(`the server ended: ${stderr}`)));
  });
}

export function checksum(s: string): string {
  return [...s].reduce((n, c) => (n + c.charCodeAt(0)) & 0xff, 0).toString(16).padStart(2, '0');
}

/** A raw RSP client: sends text, collects what comes back. */
export function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (b) => (received += b.toString('latin1')));
  const packet = (data: string) => `$${data}#${checksum(data)}`;
  const client = {
    send: (text: string) => socket.write(Buffer.from(text, 'latin1')),
    packet,
    async waitFor(re: RegExp, ms = 20_000): Promise<string> {
      const start = Date.now();
      while (!re.test(received)) {
        if (Date.now() - start > ms) throw new Error(`no ${re} in ${JSON.stringify(received)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const out = received;
      received = '';
      return out;
    },
    /**
     * Sends one packet and returns the data of its reply packet (acks stripped, checksum
     * checked); console output packets (`O` + hex, as `monitor` commands send) are skipped.
     */
    async command(data: string, ms?: number): Promise<string> {
      client.send(packet(data));
      for (;;) {
        const raw = await client.waitFor(/\$[^$#]*#[0-9a-f]{2}$/, ms);
        for (const m of raw.matchAll(/\$([^$#]*)#([0-9a-f]{2})/g)) {
          if (checksum(m[1]) !== m[2]) throw new Error(`bad checksum in ${raw}`);
          if (!/^O([0-9a-f]{2})+$/.test(m[1])) return m[1];
        }
      }
    },
    close: () => socket.destroy(),
    connected: new Promise<void>((r) => socket.on('connect', () => r())),
  };
  return client;
}
