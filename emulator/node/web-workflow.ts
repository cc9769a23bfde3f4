/**
 * CircuitPython's web workflow served on 127.0.0.1 for an emulated board, with either engine: HTTP with
 * node:http, the /cp/serial/ WebSocket with the `ws` library, and the API itself (routing, statuses,
 * JSON, Basic auth) from emulator/webworkflow/api.ts. The console goes both ways over the WebSocket as
 * on a board: output is sent as it comes (nothing is kept while no client is connected), input is typed
 * (a Ctrl-C interrupts running code). One WebSocket at a time: a new one replaces the old, as
 * CircuitPython's websocket_handoff does.
 *
 * File operations run one at a time (the drive is one FAT volume). Bad requests get an answer (400 for
 * what HTTP cannot parse, 501 for a version other than HTTP/1.1); an operation that fails unexpectedly
 * is logged and answered 500; the server goes on serving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { UndatedWorkflowOp, WorkflowResult } from '../../firmware-runtime/fs/workflow.js';
import { handle, serialUpgrade, type WorkflowBody, type WorkflowBoard, type WorkflowRequest, type WorkflowResponse } from '../webworkflow/api.js';

export interface WebWorkflowOptions {
  /** TCP port on 127.0.0.1 (0: any free port). */
  port: number;
  /** One file operation on CIRCUITPY (the engine's; see webworkflow/msc.ts and HostedEngineHandle.workflow). */
  drive(op: UndatedWorkflowOp): Promise<WorkflowResult>;
  /** Console input from the WebSocket client. */
  input(bytes: Uint8Array): void;
  /** settings.toml read at once, where the engine allows it (see WorkflowBoard.settings). */
  settings?: () => Uint8Array | null;
  /** USB VID/PID (version.json's creator_id/creation_id). */
  usb?: { vid: number; pid: number };
  /** CIRCUITPY's size in bytes (the limit of a chunked upload). */
  capacity: number;
  log?: (message: string) => void;
}

export interface WebWorkflowServer {
  readonly port: number;
  /** Console output of the board, for the WebSocket client. */
  output(bytes: Uint8Array): void;
  close(): Promise<void>;
}

/** Console output waiting for a slow WebSocket client beyond this is dropped. */
const MAX_BUFFERED = 8 << 20;

/** A body past this is not read into memory when it is only discarded (the connection is closed instead). */
const DISCARD_LIMIT = 64 << 20;

export function serveWebWorkflow(options: WebWorkflowOptions): Promise<WebWorkflowServer> {
  const log = options.log ?? (() => {});
  let queue: Promise<unknown> = Promise.resolve();
  let port = options.port;
  const board: WorkflowBoard = {
    // One operation at a time, in arrival order; a failed one does not stop the next.
    drive: (op) => {
      const run = queue.then(() => options.drive(op));
      queue = run.catch(() => {});
      return run;
    },
    get port() {
      return port;
    },
    settings: options.settings,
    usb: options.usb,
    capacity: options.capacity,
    log,
  };
  const serial = new SerialSocket(options.input, log);
  const sockets = new Set<Duplex>();
  const server: Server = createServer();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => void respond(req, res, board, false, log));
  server.on('checkContinue', (req, res) => void respond(req, res, board, true, log));
  // Other Expect values: the board ignores them (only "100-continue" means anything to it).
  server.on('checkExpectation', (req, res) => void respond(req, res, board, false, log));
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  // Payloads are console bytes, as the board takes them: not checked as UTF-8.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, skipUTF8Validation: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void upgrade(req, socket, head, board, wss, serial, log));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      const address = server.address();
      port = typeof address === 'object' && address ? address.port : options.port;
      resolve({
        port,
        output: (bytes) => serial.send(bytes),
        // The run is over: clients are disconnected, not waited for.
        close: () =>
          new Promise((done) => {
            serial.close();
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

function requestOf(req: IncomingMessage): WorkflowRequest {
  return {
    method: req.method ?? '',
    target: req.url ?? '',
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

/** The request body as api.ts reads it. */
function bodyOf(req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): WorkflowBody {
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const length = chunked ? null : Number(req.headers['content-length'] ?? 0);
  return {
    length,
    expectsContinue,
    sendContinue: () => res.writeContinue(),
    read: (limit) =>
      new Promise((resolve) => {
        const parts: Buffer[] = [];
        let size = 0;
        let settled = false;
        const settle = (v: Uint8Array | 'too-large' | null) => {
          if (settled) return;
          settled = true;
          req.off('data', onData);
          resolve(v);
        };
        const onData = (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            req.resume(); // the rest is dropped as it comes
            settle('too-large');
          } else parts.push(chunk);
        };
        req.on('data', onData);
        req.on('end', () => settle(new Uint8Array(Buffer.concat(parts))));
        // Closed before the end: the client went away mid-upload.
        req.on('close', () => settle(req.complete ? new Uint8Array(Buffer.concat(parts)) : null));
        req.on('error', () => settle(null));
      }),
    discard: () =>
      new Promise((resolve) => {
        if (req.complete) return resolve();
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > DISCARD_LIMIT) res.shouldKeepAlive = false;
        });
        req.on('end', () => resolve());
        req.on('close', () => resolve());
        req.on('error', () => resolve());
        req.resume();
      }),
  };
}

async function respond(req: IncomingMessage, res: ServerResponse, board: WorkflowBoard, expectsContinue: boolean, log: (m: string) => void): Promise<void> {
  res.on('error', () => {});
  if (req.httpVersion !== '1.1') {
    // The board accepts nothing but HTTP/1.1.
    res.writeHead(501, { 'Content-Length': '0', Connection: 'close' }).end();
    return;
  }
  let answer: WorkflowResponse | null;
  try {
    answer = await handle(requestOf(req), bodyOf(req, res, expectsContinue), board);
  } catch (e) {
    log(`web workflow: ${req.method} ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
    answer = { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `circuitemu: ${e instanceof Error ? e.message : String(e)}\n` };
  }
  if (answer === null) {
    res.destroy();
    return;
  }
  if (res.headersSent || res.destroyed) return;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
  res.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(body.length) });
  res.end(body);
  // A body still coming after a refusal is dropped.
  if (!req.complete) req.resume();
}

async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, board: WorkflowBoard, wss: WebSocketServer, serial: SerialSocket, log: (m: string) => void): Promise<void> {
  socket.on('error', () => socket.destroy());
  let refusal: WorkflowResponse | null;
  try {
    refusal = await serialUpgrade(requestOf(req), board);
  } catch (e) {
    log(`web workflow: WebSocket ${req.url}: ${e instanceof Error ? e.message : String(e)}`);
    refusal = { status: 500, headers: {}, body: '' };
  }
  if (refusal) {
    const body = typeof refusal.body === 'string' ? Buffer.from(refusal.body) : Buffer.from(refusal.body);
    const lines = Object.entries({ ...refusal.headers, 'Content-Length': String(body.length), Connection: 'close' }).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${refusal.status} ${statusText(refusal.status)}\r\n${lines.join('')}\r\n`), body]));
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => serial.attach(ws));
}

function statusText(status: number): string {
  return { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error' }[status] ?? 'Error';
}

/** The console's WebSocket: the latest client gets the output, as text frames of whole UTF-8 characters. */
class SerialSocket {
  private ws: WebSocket | null = null;
  private decoder = new TextDecoder();

  constructor(
    private readonly input: (bytes: Uint8Array) => void,
    private readonly log: (m: string) => void,
  ) {}

  attach(ws: WebSocket): void {
    if (this.ws) this.ws.close(1000, 'another client opened the serial WebSocket');
    this.ws = ws;
    // A character split between two writes is held until its last byte comes (a text frame must be UTF-8).
    this.decoder = new TextDecoder();
    this.log('web workflow: serial WebSocket connected');
    ws.on('message', (data: Buffer) => this.input(new Uint8Array(data)));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (this.ws === ws) {
        this.ws = null;
        this.log('web workflow: serial WebSocket disconnected');
      }
    });
  }

  send(bytes: Uint8Array): void {
    const ws = this.ws;
    // A client that reads nothing does not make the server keep the console without bound.
    if (!ws || ws.readyState !== ws.OPEN || ws.bufferedAmount > MAX_BUFFERED) return;
    const text = this.decoder.decode(bytes, { stream: true });
    if (text) ws.send(text);
  }

  close(): void {
    this.ws?.terminate();
    this.ws = null;
  }
}
