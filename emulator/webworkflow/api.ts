/**
 * CircuitPython's web-workflow HTTP API (docs/workflows.md, "Web"; supervisor/shared/web_workflow/
 * web_workflow.c in 9.2.9), transport-free: a request's method, target and headers in, a response out,
 * with the board's CIRCUITPY reached through `WorkflowBoard.drive` (either engine). The Node server
 * (emulator/node/web-workflow.ts) parses HTTP, streams bodies and upgrades /cp/serial/ to a WebSocket.
 *
 * Where this differs from the board, on purpose:
 *  - the password is read from settings.toml at every request (the board reads it once, at start-up);
 *  - an upload that ends early writes nothing (the board has written what came and answers 500);
 *  - CircuitPython's HTML pages (/, /fs/ without JSON, /edit/, /code/, /cp/serial/ without a WebSocket)
 *    are not served: 501 with a text that says so; there is no mDNS (`hostname` is empty, devices.json
 *    lists none) and `circuitpython.local` is not redirected (404, as on a board whose mDNS is off);
 *  - a chunked upload (no Content-Length) is read too (the board reads no body then);
 *  - methods the board answers by closing the connection get 405.
 */
import type { UndatedWorkflowOp, WorkflowResult } from '../../firmware-runtime/fs/workflow.js';
import { webApiPassword } from './settings.js';

export interface WorkflowRequest {
  method: string;
  /** The request target as sent (percent-encoded). */
  target: string;
  /** A header's value by its lower-case name. */
  header(name: string): string | undefined;
}

/** The request body, read on demand (PUT of a file). */
export interface WorkflowBody {
  /** Declared length (Content-Length), or null for a chunked body. */
  readonly length: number | null;
  /** Whether the client sent `Expect: 100-continue` and waits for "100 Continue" before the body. */
  readonly expectsContinue: boolean;
  sendContinue(): void;
  /** The whole body; 'too-large' past `limit` bytes; null when the client went away first. */
  read(limit: number): Promise<Uint8Array | 'too-large' | null>;
  /** Reads and drops the body (CircuitPython's _discard_incoming), so the reply reaches a client still sending. */
  discard(): Promise<void>;
}

export interface WorkflowResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

export interface WorkflowBoard {
  /** Runs a file operation on CIRCUITPY (one at a time; the server serializes them). */
  drive(op: UndatedWorkflowOp): Promise<WorkflowResult>;
  /** The TCP port served (version.json's `port`). */
  readonly port: number;
  /** USB VID and PID: CircuitPython's creator_id and creation_id default to them. */
  readonly usb?: { vid: number; pid: number };
  /**
   * settings.toml's bytes (null: none) read without waiting for the engine, where it can: the password
   * check must not wait for code that holds the drive up, or no WebSocket could be opened to interrupt it
   * (a board checks it from its background tasks, which run whatever the code does). Without it, or when
   * it throws, the file is read with `drive`.
   */
  settings?(): Uint8Array | null;
  /** Bytes the drive can hold at most (a chunked upload's limit). */
  readonly capacity: number;
  log(message: string): void;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The web API version CircuitPython 9.2.9 reports (4: directory JSON is an object with `files`). */
export const WEB_API_VERSION = 4;

/** What the server says for the HTML pages a board serves from its firmware. */
const NO_HTML =
  "circuitemu serves CircuitPython's web-workflow REST API (/fs/ with 'Accept: application/json', /cp/*.json) and the /cp/serial/ WebSocket, not the HTML pages of CircuitPython's firmware.\n";

function cors(req: WorkflowRequest): Record<string, string> {
  return {
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin, Accept, Upgrade',
    'Access-Control-Allow-Origin': allowedOrigin(req) ?? '*',
  };
}

function reply(req: WorkflowRequest, status: number, body: Uint8Array | string = '', headers: Record<string, string> = {}): WorkflowResponse {
  return { status, headers: { ...headers, ...cors(req) }, body };
}

/** The Origin the answer names: an http:// origin; others (https://code.circuitpython.org, 'null') get '*'. */
function allowedOrigin(req: WorkflowRequest): string | null {
  const origin = req.header('origin');
  return origin && origin.startsWith('http://') ? origin : null;
}

/**
 * _origin_ok: no Origin, or one that is not http://, is fine; an http:// Origin must be the Host the
 * request was sent to, or localhost on any port (the board's allowance for development pages).
 */
export function originAllowed(req: WorkflowRequest): boolean {
  const origin = allowedOrigin(req);
  if (!origin) return true;
  const rest = origin.slice('http://'.length);
  const host = req.header('host');
  if (!host) return false;
  return rest === host || rest.split(':')[0] === 'localhost';
}

/** `Host: circuitpython.local` (any port): the board redirects to its mDNS name, which needs mDNS. */
function wantsRedirect(req: WorkflowRequest): boolean {
  return /^circuitpython\.local(:|$)/.test(req.header('host') ?? '');
}

/** The CORS preflight answer (_reply_access_control). */
function accessControl(req: WorkflowRequest): WorkflowResponse {
  const headers: Record<string, string> = {
    'Access-Control-Expose-Headers': 'Access-Control-Allow-Methods',
    'Access-Control-Allow-Headers': 'X-Timestamp, X-Destination, Content-Type, Authorization',
    'Access-Control-Allow-Methods': 'GET, OPTIONS, PUT, DELETE, MOVE',
  };
  // Chromium's Private Network Access preflight (a public page calling 127.0.0.1): not on the board.
  if (req.header('access-control-request-private-network') === 'true') headers['Access-Control-Allow-Private-Network'] = 'true';
  return reply(req, 204, '', headers);
}

/** null when the request carries the password; else the board's refusal (401 with a password set, 403 without). */
export async function authorize(req: WorkflowRequest, board: WorkflowBoard): Promise<WorkflowResponse | null> {
  const password = webApiPassword(await readSettings(board));
  if (password.kind === 'set') {
    if (req.header('authorization') === password.authorization) return null;
    return reply(req, 401, '', { 'WWW-Authenticate': 'Basic realm="CircuitPython"' });
  }
  if (password.kind === 'unusable') board.log(password.reason);
  return reply(req, 403);
}

async function readSettings(board: WorkflowBoard): Promise<Uint8Array | null> {
  try {
    if (board.settings) return board.settings();
  } catch {
    // The drive changed under the read (the engine was writing it): ask the engine.
  }
  const r = await board.drive({ op: 'read', path: '/settings.toml' });
  return r.result === 'ok' ? r.data! : null;
}

/** _decode_percents: %XX becomes that byte (a malformed escape stays as it is), then UTF-8. */
export function decodePath(text: string): string {
  const bytes: number[] = [];
  const raw = enc.encode(text);
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === 0x25 ? String.fromCharCode(raw[i + 1] ?? 0, raw[i + 2] ?? 0) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(raw[i]!);
  }
  return dec.decode(Uint8Array.from(bytes));
}

/** strtoull of X-Timestamp: its leading digits; none (or 0) means "use the board's clock". */
function timestamp(req: WorkflowRequest): number | undefined {
  const m = /^\s*\+?(\d+)/.exec(req.header('x-timestamp') ?? '');
  const ms = m ? Number(m[1]) : 0;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** Content types by extension, as _reply_with_file picks them. */
function contentType(path: string): string {
  if (/\.(txt|py|toml)$/.test(path)) return 'text/plain;charset=UTF-8';
  if (path.endsWith('.js')) return 'text/javascript;charset=UTF-8';
  if (path.endsWith('.html')) return 'text/html;charset=UTF-8';
  if (path.endsWith('.json')) return 'application/json;charset=UTF-8';
  return 'application/octet-stream';
}

/** A failed change, as the board answers it; 'ok' answers are the caller's. */
function changeFailed(req: WorkflowRequest, r: WorkflowResult, board: WorkflowBoard): WorkflowResponse {
  if (r.result === 'write-protected') return reply(req, 409, 'USB storage active.');
  if (r.result === 'no-path' || r.result === 'no-file') return reply(req, 404);
  if (r.result === 'exist') return reply(req, 412);
  if (r.message) board.log(`CIRCUITPY: ${r.message}`);
  return reply(req, 500);
}

/** Handles one request (not a WebSocket upgrade: see `serialUpgrade`). null: the client went away. */
export async function handle(req: WorkflowRequest, body: WorkflowBody, board: WorkflowBoard): Promise<WorkflowResponse | null> {
  const method = req.method.toUpperCase();
  if (wantsRedirect(req)) return reply(req, 404);
  if (!originAllowed(req)) return reply(req, 403);
  const target = req.target;
  if (target.startsWith('/fs/')) {
    if (method === 'OPTIONS') return accessControl(req);
    const refused = await authorize(req, board);
    if (refused) return refused;
    return files(req, method, body, board);
  }
  if (target === '/edit/') return (await authorize(req, board)) ?? reply(req, 501, NO_HTML, { 'Content-Type': 'text/plain' });
  if (target === '/code/') return reply(req, 501, NO_HTML, { 'Content-Type': 'text/plain' });
  if (target.startsWith('/cp/')) {
    if (method === 'OPTIONS') return accessControl(req);
    if (method !== 'GET') return reply(req, 405);
    switch (target) {
      case '/cp/devices.json':
        // Other boards found by mDNS: we have no mDNS.
        return json(req, '{"total": 0, "devices": []}');
      case '/cp/version.json':
        return version(req, board);
      case '/cp/diskinfo.json':
        return diskInfo(req, board);
      case '/cp/serial/':
        // A WebSocket upgrade never gets here; the page served without one is the firmware's.
        return (await authorize(req, board)) ?? reply(req, 501, NO_HTML, { 'Content-Type': 'text/plain' });
    }
    return reply(req, 404);
  }
  if (method !== 'GET') return reply(req, 405);
  if (['/', '/directory.js', '/welcome.js', '/serial.js', '/edit.js', '/style.css', '/favicon.ico'].includes(target)) {
    return reply(req, 501, NO_HTML, { 'Content-Type': 'text/plain' });
  }
  return reply(req, 404);
}

/**
 * Whether a WebSocket upgrade of this request may go ahead: null if so, else the answer (a refusal,
 * or 404 for a path other than /cp/serial/). The WebSocket handshake itself is the server's.
 */
export async function serialUpgrade(req: WorkflowRequest, board: WorkflowBoard): Promise<WorkflowResponse | null> {
  if (wantsRedirect(req)) return reply(req, 404);
  if (!originAllowed(req)) return reply(req, 403);
  if (req.target !== '/cp/serial/') return reply(req, 404);
  if (req.method.toUpperCase() !== 'GET') return reply(req, 405);
  return authorize(req, board);
}

function json(req: WorkflowRequest, text: string): WorkflowResponse {
  return reply(req, 200, text, { 'Content-Type': 'application/json' });
}

/** /fs/...: files and directories. */
async function files(req: WorkflowRequest, method: string, body: WorkflowBody, board: WorkflowBoard): Promise<WorkflowResponse | null> {
  let path = decodePath(req.target).slice(3);
  const directory = path.endsWith('/');
  if (directory && path.length > 1) path = path.slice(0, -1);
  if (method === 'DELETE') {
    const r = await board.drive({ op: 'delete', path });
    return r.result === 'ok' ? reply(req, 204) : changeFailed(req, r, board);
  }
  if (method === 'MOVE') {
    const destination = req.header('x-destination');
    if (!destination || !destination.startsWith('/fs/')) return reply(req, 404);
    let to = decodePath(destination).slice(3);
    if (to.endsWith('/') && to.length > 1) to = to.slice(0, -1);
    const r = await board.drive({ op: 'move', from: path, to });
    return r.result === 'ok' ? reply(req, 201) : changeFailed(req, r, board);
  }
  if (directory && method === 'PUT') {
    await body.discard(); // "Request body is ignored."
    const r = await board.drive({ op: 'mkdir', path, timeMs: timestamp(req) });
    if (r.result === 'ok') return reply(req, 201);
    return r.result === 'exist' ? reply(req, 204) : changeFailed(req, { ...r, result: r.result === 'no-file' ? 'no-path' : r.result }, board);
  }
  if (method === 'GET' && directory) {
    const r = await board.drive({ op: 'list', path });
    if (r.result !== 'ok') return reply(req, 404);
    // Exactly "application/json" (any case), as the board compares the Accept header.
    if ((req.header('accept') ?? '').toLowerCase() === 'application/json') return json(req, listing(r));
    return path === '/' ? reply(req, 501, NO_HTML, { 'Content-Type': 'text/plain' }) : reply(req, 404);
  }
  if (method === 'GET') {
    const r = await board.drive({ op: 'read', path });
    if (r.result !== 'ok') return reply(req, 404);
    return reply(req, 200, r.data!, { 'Content-Type': contentType(path) });
  }
  if (method === 'PUT') return upload(req, path, body, board);
  return reply(req, 405);
}

/** The directory JSON of web API version 4, in the board's layout (names JSON-escaped, which the board omits). */
function listing(r: WorkflowResult): string {
  const d = r.disk!;
  const entries = r.entries!.map(
    (e) => `{"name": ${JSON.stringify(e.name)},"directory": ${e.directory}, "modified_ns": ${e.modified}000000000, "file_size": ${e.size} }`,
  );
  return `{"free": ${d.free}, "total": ${d.total}, "block_size": ${d.blockSize}, "writable": true, "files": [${entries.join(',')}]}`;
}

/** PUT of a file: checked before the body comes (so `Expect: 100-continue` gets 417 for a file that cannot fit). */
async function upload(req: WorkflowRequest, path: string, body: WorkflowBody, board: WorkflowBoard): Promise<WorkflowResponse | null> {
  const refuse = async (r: WorkflowResult): Promise<WorkflowResponse> => {
    if (r.tooLarge && body.expectsContinue) return reply(req, 417);
    await body.discard();
    return r.tooLarge ? reply(req, 413) : changeFailed(req, { ...r, result: r.result === 'no-file' ? 'no-path' : r.result }, board);
  };
  if (body.length !== null) {
    const check = await board.drive({ op: 'check-write', path, size: body.length });
    if (check.result !== 'ok') return refuse(check);
  }
  if (body.expectsContinue) body.sendContinue();
  const data = await body.read(body.length ?? board.capacity);
  if (data === null) return null;
  if (data === 'too-large') return refuse({ result: 'denied', tooLarge: true });
  const r = await board.drive({ op: 'write', path, data, timeMs: timestamp(req) });
  if (r.result === 'ok') return reply(req, r.created ? 201 : 204);
  return refuse(r);
}

/** boot_out.txt's first lines, which name what version.json reports (main.c writes them at every boot). */
export interface BootOut {
  version: string;
  buildDate: string;
  boardName: string;
  mcuName: string;
  boardId: string;
  uid?: string;
}

export function parseBootOut(text: string): BootOut | null {
  const [first, ...rest] = text.split(/\r?\n/);
  const m = /^Adafruit CircuitPython (\S+) on (\S+); (.+) with (\S+)$/.exec(first ?? '');
  const id = rest.find((l) => l.startsWith('Board ID:'));
  if (!m || !id) return null;
  const uid = rest.find((l) => l.startsWith('UID:'));
  return { version: m[1]!, buildDate: m[2]!, boardName: m[3]!, mcuName: m[4]!, boardId: id.slice('Board ID:'.length), uid: uid?.slice('UID:'.length) };
}

/** /cp/version.json from the board's boot_out.txt (what its firmware says of itself). */
async function version(req: WorkflowRequest, board: WorkflowBoard): Promise<WorkflowResponse> {
  const r = await board.drive({ op: 'read', path: '/boot_out.txt' });
  const boot = r.result === 'ok' ? parseBootOut(dec.decode(r.data!)) : null;
  if (!boot) {
    return reply(req, 503, 'circuitemu: CIRCUITPY has no boot_out.txt from CircuitPython (yet): the version, board and MCU names come from it\n', { 'Content-Type': 'text/plain' });
  }
  const fields: [string, string | number][] = [
    ['web_api_version', WEB_API_VERSION],
    ['version', boot.version],
    ['build_date', boot.buildDate],
    // The mDNS instance name on a board; it defaults to the board's name.
    ['board_name', boot.boardName],
    ['mcu_name', boot.mcuName],
    ['board_id', boot.boardId],
    ['creator_id', board.usb?.vid ?? 0],
    ['creation_id', board.usb?.pid ?? 0],
    // No mDNS, so no cpy-XXXXXX name.
    ['hostname', ''],
    ['port', board.port],
  ];
  if (boot.uid) fields.push(['UID', boot.uid]);
  fields.push(['ip', '127.0.0.1']);
  return json(req, `{${fields.map(([k, v]) => `"${k}": ${JSON.stringify(v)}`).join(', ')}}`);
}

async function diskInfo(req: WorkflowRequest, board: WorkflowBoard): Promise<WorkflowResponse> {
  const r = await board.drive({ op: 'disk' });
  if (r.result !== 'ok') {
    board.log(`CIRCUITPY: ${r.message ?? r.result}`);
    return reply(req, 500);
  }
  const d = r.disk!;
  return json(req, `[{"root": "/", "free": ${d.free}, "total": ${d.total}, "block_size": ${d.blockSize}, "writable": true}]`);
}
