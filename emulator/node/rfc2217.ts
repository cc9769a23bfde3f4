/**
 * The board's console served over TCP with Telnet and RFC 2217 (the "COM port control" option),
 * as wokwi-cli and esptool's tools do, so pyserial (`rfc2217://127.0.0.1:PORT`), `mpremote`,
 * `tio` or `socat` reach the REPL. Telnet framing (IAC escapes, option negotiation,
 * subnegotiation) is the telnet-stream library's; this file answers the RFC 2217 part.
 *
 * 127.0.0.1 only. One client at a time: a second connection is told so and closed. Output
 * produced while no client is connected is kept (the last 1 MiB) and sent when one connects.
 * Serial settings a client sets (baud rate, data bits, parity, stop bits, flow control, DTR, RTS)
 * are acknowledged as RFC 2217 asks (the value set, in the server's reply code = client's + 100);
 * the emulated console is a byte stream whatever they are.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { TelnetSocket } from 'telnet-stream';
import type { BoardConsole } from '../../boards/types.js';
import { HostStream } from '../kernel/machine.js';

/** Telnet options (RFC 856, 857, 858) and RFC 2217's COM-PORT-OPTION. */
const BINARY = 0, ECHO = 1, SGA = 3, COM_PORT_OPTION = 44;
/** RFC 2217 client-to-server commands (the server answers with the code + 100). */
const SIGNATURE = 0, SET_BAUDRATE = 1;
const SERVER_OFFSET = 100;
const SUPPORTED = new Set([BINARY, SGA, COM_PORT_OPTION]);

export interface Rfc2217Server {
  readonly port: number;
  close(): Promise<void>;
}

/** Serves `console` on 127.0.0.1:`port` (0: any free port). Resolves once listening. */
export function serveRfc2217(console: BoardConsole, port: number, log: (message: string) => void = () => {}): Promise<Rfc2217Server> {
  const pending = new HostStream();
  let client: TelnetSocket | null = null;
  console.onData((bytes) => {
    if (client) client.write(bytes);
    else pending.write(bytes);
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (client) {
      socket.end('circuitemu: another client is connected to this console\r\n');
      return;
    }
    socket.setNoDelay(true);
    client = attach(socket, console, () => {
      client = null;
      log('RFC 2217 client disconnected');
    });
    log(`RFC 2217 client connected from ${socket.remoteAddress}:${socket.remotePort}`);
    const kept = pending.bytes();
    pending.clear();
    if (kept.length) client.write(kept);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : port,
        // The run is over: clients are disconnected, not waited for.
        close: () => new Promise((done) => {
          for (const s of sockets) s.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}

/** One client: option negotiation, RFC 2217 answers, data both ways. */
function attach(socket: Socket, console: BoardConsole, onClose: () => void): TelnetSocket {
  const t = new TelnetSocket(socket);
  // Answer each request once per state, so that two sides that both ask do not loop.
  const we = new Set<number>();
  const they = new Set<number>();
  t.on('do', (option) => {
    if (!SUPPORTED.has(option)) return void t.writeWont(option);
    if (!we.has(option)) {
      we.add(option);
      t.writeWill(option);
    }
  });
  t.on('will', (option) => {
    if (!SUPPORTED.has(option)) return void t.writeDont(option);
    if (!they.has(option)) {
      they.add(option);
      t.writeDo(option);
    }
  });
  t.on('dont', (option) => void (we.delete(option) && t.writeWont(option)));
  t.on('wont', (option) => void (they.delete(option) && t.writeDont(option)));
  t.on('sub', (option, buffer: Buffer) => {
    if (option !== COM_PORT_OPTION || buffer.length < 1) return;
    t.writeSub(COM_PORT_OPTION, Buffer.from(answer(buffer)));
  });
  t.on('data', (data) => console.write(typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data)));
  t.on('close', onClose);
  socket.on('error', () => socket.destroy());
  return t;
}

/** The server's answer to an RFC 2217 command: its code + 100 and the value now in effect. */
function answer(request: Buffer): number[] {
  const command = request[0];
  const value = [...request.subarray(1)];
  if (command === SIGNATURE) return [command + SERVER_OFFSET, ...new TextEncoder().encode('circuitemu')];
  // SET-BAUDRATE 0 asks for the current rate: a UART console's usual 115200 (4 bytes, big-endian).
  if (command === SET_BAUDRATE && value.every((b) => b === 0)) return [command + SERVER_OFFSET, 0, 1, 0xc2, 0x00];
  // Every other setting (data size, parity, stop size, control, purge, masks) is taken as set.
  return [command + SERVER_OFFSET, ...value];
}
