/**
 * `run --web-workflow PORT`: CircuitPython's web-workflow API (docs/workflows.md, "Web", of CircuitPython
 * 9.2.9) on the emulated board. Oracles: the rules of CircuitPython's settings.toml scanner
 * (shared-module/os/getenv.c, read for facts; our own test file), the documented statuses and JSON fields, and real clients:
 * Python's urllib with websocket-client (Debian's python3-websocket) for the whole edit-and-run loop, and
 * Node's fetch, raw sockets and `ws` for the edge cases (auth, CORS, uploads cut short, garbage).
 * The hosted engine needs no firmware; with $CIRCUITEMU_FIRMWARE_DIR the same loop runs on CircuitPython's
 * own firmware for the CPX, whose drive is reached over emulated USB mass storage.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { webApiPassword } from '../../emulator/webworkflow/settings.js';
import { getenvString } from '../../firmware-runtime/fs/settings-toml.js';
import { decodePath, originAllowed, parseBootOut } from '../../emulator/webworkflow/api.js';
import { applyWorkflowOp } from '../../firmware-runtime/fs/workflow.js';
import { formatCircuitpy } from '../../firmware-runtime/fs/circuitpy.js';
import { memoryBlockDevice } from '../../firmware-runtime/fs/block-device.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const haveWebsocketClient = spawnSync(python, ['-c', 'import websocket']).status === 0;
if (!haveWebsocketClient) console.warn('[tests/emulator/web-workflow] Python client SKIPPED: websocket-client is not installed (apt-get install python3-websocket)');
const firmwareDir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const CPX_FIRMWARE = firmwareDir && existsSync(join(firmwareDir, 'circuitpython-cpx.uf2')) ? join(firmwareDir, 'circuitpython-cpx.uf2') : null;
if (!CPX_FIRMWARE) console.warn('[tests/emulator/web-workflow] CircuitPython firmware run SKIPPED: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2');

const enc = (s: string) => new TextEncoder().encode(s);
const AUTH = 'Basic ' + Buffer.from(':passw0rd').toString('base64');

describe('settings.toml as CircuitPython reads it', () => {
  // Our own file, one line per rule of shared-module/os/getenv.c's scanner (see settings.ts): comments, a bare
  // integer (not a string), each escape, blanks before the key and before `=`, a trailing comment, the first
  // match winning, and a [table] ending the search.
  const good = `
# the board's name
PLAIN = "a plain value"
COUNT = 42
NEWLINE="\\n"
SHORT_U ="caf\\u00e9"
LONG_U = "\\U0001F40D!"
QUOTES = "\\f\\"\\\\"
CONTROLS = "\\b\\r\\t\\v"
OTHER = "\\q"
   INDENTED   =   "spaced" # a trailing comment
HEX = 0x1f # not a string
PLAIN = "the second one"
[wifi]
INSIDE = "after a table"
`;
  const expected: Record<string, string | null> = {
    PLAIN: 'a plain value', // the first match wins
    COUNT: null, // an integer: not a string
    NEWLINE: '\n',
    SHORT_U: 'café',
    LONG_U: '🐍!',
    QUOTES: '\f"\\',
    CONTROLS: '\b\r\t\v',
    OTHER: 'q', // an unknown escape stands for itself
    INDENTED: 'spaced',
    HEX: null,
    MISSING: null,
    INSIDE: null, // after a [table]: not seen
  };
  for (const eol of ['\n', '\r\n']) {
    it(`reads settings.toml strings as CircuitPython's scanner does (${JSON.stringify(eol)} line ends)`, () => {
      const text = enc(good.replace(/\n/g, eol));
      for (const [key, value] of Object.entries(expected)) {
        const got = getenvString(text, key);
        expect(got === null ? null : new TextDecoder().decode(got), key).toBe(value);
      }
    });
  }
  it('refuses malformed values (unterminated, extra text after the closing quote, empty, bare text)', () => {
    for (const bad of ['NAME = "open\n', 'NAME = "a" b\n', 'NAME =\n', 'NAME="', 'NAME = unquoted words\n']) expect(getenvString(enc(bad), 'NAME'), bad).toBeNull();
  });
  it('turns the password into the Authorization value a Basic-auth client with an empty user sends', () => {
    expect(webApiPassword(enc('CIRCUITPY_WEB_API_PASSWORD="passw0rd"\n'))).toEqual({ kind: 'set', authorization: AUTH });
    expect(webApiPassword(null)).toEqual({ kind: 'none' });
    expect(webApiPassword(enc('CIRCUITPY_WEB_API_PASSWORD=1234\n'))).toEqual({ kind: 'none' });
    expect(webApiPassword(enc(`CIRCUITPY_WEB_API_PASSWORD="${'x'.repeat(45)}"\n`)).kind).toBe('unusable');
  });
});

describe('web-workflow pieces', () => {
  it('decodes paths as _decode_percents does, origins as _origin_ok allows them, boot_out.txt as main.c writes it', () => {
    expect(decodePath('/fs/a%20b/%C3%A9t%C3%A9.py')).toBe('/fs/a b/été.py');
    expect(decodePath('/fs/100%')).toBe('/fs/100%');
    const req = (origin: string | undefined, host = '127.0.0.1:8080') => ({ method: 'GET', target: '/', header: (n: string) => (n === 'origin' ? origin : n === 'host' ? host : undefined) });
    expect(originAllowed(req(undefined))).toBe(true);
    expect(originAllowed(req('https://code.circuitpython.org'))).toBe(true);
    expect(originAllowed(req('http://127.0.0.1:8080'))).toBe(true);
    expect(originAllowed(req('http://localhost:5173'))).toBe(true);
    expect(originAllowed(req('http://evil.example'))).toBe(false);
    const boot = 'Adafruit CircuitPython 9.2.9 on 2025-01-28; Adafruit CircuitPlayground Express with samd21g18\r\nBoard ID:circuitplayground_express\r\nUID:0123456789ABCDEF0123456789ABCDEF\r\n';
    expect(parseBootOut(boot)).toEqual({ version: '9.2.9', buildDate: '2025-01-28', boardName: 'Adafruit CircuitPlayground Express', mcuName: 'samd21g18', boardId: 'circuitplayground_express', uid: '0123456789ABCDEF0123456789ABCDEF' });
    expect(parseBootOut('hello')).toBeNull();
  });

  it('carries out file operations with the FatFs results CircuitPython maps to statuses', () => {
    const volume = formatCircuitpy(memoryBlockDevice(2048));
    const now = Date.UTC(2000, 0, 1);
    const op = (o: Parameters<typeof applyWorkflowOp>[1]) => applyWorkflowOp(volume, o);
    expect(op({ op: 'mkdir', path: '/lib/deep', nowMs: now }).result).toBe('ok');
    expect(op({ op: 'mkdir', path: '/lib/deep', nowMs: now }).result).toBe('exist');
    expect(op({ op: 'write', path: '/none/x.py', data: enc('x'), nowMs: now }).result).toBe('no-path');
    expect(op({ op: 'write', path: '/lib', data: enc('x'), nowMs: now }).result).toBe('denied');
    const ts = Date.UTC(2024, 4, 1, 12, 0, 3, 500);
    expect(op({ op: 'write', path: '/lib/a.py', data: enc('print(1)\n'), timeMs: ts, nowMs: now })).toEqual({ result: 'ok', created: true });
    expect(op({ op: 'write', path: '/lib/a.py', data: enc('print(2)\n'), timeMs: ts, nowMs: now })).toEqual({ result: 'ok', created: false });
    const listing = op({ op: 'list', path: '/lib' });
    // FAT keeps 2-second stamps: 12:00:03.5 is 12:00:02.
    expect(listing.entries).toEqual([
      { name: 'deep', directory: true, modified: now / 1000, size: 0 },
      { name: 'a.py', directory: false, modified: Date.UTC(2024, 4, 1, 12, 0, 2) / 1000, size: 9 },
    ]);
    expect(op({ op: 'list', path: '/lib/a.py' }).result).toBe('no-path');
    expect(op({ op: 'check-write', path: '/big.bin', size: volume.info().freeBytes + 1 })).toMatchObject({ result: 'denied', tooLarge: true });
    expect(op({ op: 'move', from: '/lib/a.py', to: '/code.py' }).result).toBe('exist');
    expect(op({ op: 'move', from: '/lib/a.py', to: '/nowhere/a.py' }).result).toBe('no-path');
    expect(op({ op: 'move', from: '/lib/zz.py', to: '/zz.py' }).result).toBe('no-file');
    expect(op({ op: 'move', from: '/lib/a.py', to: '/lib/deep/b.py' }).result).toBe('ok');
    expect(op({ op: 'delete', path: '/lib' }).result).toBe('ok');
    expect(op({ op: 'read', path: '/lib/deep/b.py' }).result).toBe('no-path');
    expect(op({ op: 'delete', path: '/' }).result).toBe('error');
    expect(op({ op: 'delete', path: '/lib' }).result).toBe('no-file');
  });
});

interface Served {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
  url: (path: string) => string;
}

/** `circuitemu run` with the web workflow on a free port, the drive holding `files`. */
function serve(files: Record<string, string>, extra: string[] = [], runs: ChildProcess[]): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'circuitemu-ww-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const proc = spawn(process.execPath, [bin, 'run', '--board', 'cpx', '--drive', dir, '--timeout', '900', '--web-workflow', '0', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  runs.push(proc);
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /web workflow on http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) void untilBooted({ proc, port: Number(m[1]), stderr: () => err, url: (p) => `http://127.0.0.1:${m[1]}${p}` }).then(resolve, reject);
    });
    proc.on('exit', (code) => reject(new Error(`circuitemu exited with ${code}: ${err}`)));
  });
}

/**
 * Resolves once the board has booted (boot_out.txt written: /cp/version.json no longer answers 503), as a
 * client waits for a board: the hosted engine, like CircuitPython, first spends 1 s in its safe-mode window.
 */
async function untilBooted(s: Served): Promise<Served> {
  const deadline = Date.now() + 30_000;
  while ((await fetch(s.url('/cp/version.json'))).status === 503) {
    if (Date.now() > deadline) throw new Error(`the board never wrote boot_out.txt: ${s.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return s;
}

/** A WebSocket on /cp/serial/ collecting the console text. */
async function serial(port: number): Promise<{ ws: WebSocket; text: () => string; until: (s: string, from?: number, ms?: number) => Promise<string> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/cp/serial/`, { headers: { Authorization: AUTH } });
  let text = '';
  ws.on('message', (d) => (text += d.toString()));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const until = async (s: string, from = 0, ms = 60_000) => {
    const deadline = Date.now() + ms;
    while (text.indexOf(s, from) < 0) {
      if (Date.now() > deadline) throw new Error(`no ${JSON.stringify(s)} on the WebSocket; got ${JSON.stringify(text.slice(-500))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return text.slice(from);
  };
  return { ws, text: () => text, until };
}

/** Bytes sent on a raw connection, and all that comes back until the server closes it (or `ms`). */
function raw(port: number, bytes: string | Buffer, ms = 5000, closeAfterSend = false): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(bytes);
      if (closeAfterSend) s.destroy();
    });
    let got = '';
    const timer = setTimeout(() => (s.destroy(), resolve(got)), ms);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => (clearTimeout(timer), resolve(got)));
    s.on('error', () => {});
  });
}

const SETTINGS = { 'settings.toml': '# web workflow\nCIRCUITPY_WEB_API_PASSWORD="passw0rd"\n' };

/** The edit-and-run loop as a real client does it: urllib for /fs/ and /cp/, websocket-client for the console. */
const PY_CLIENT = String.raw`
import base64, json, sys, time, urllib.request, urllib.error, websocket
base = 'http://127.0.0.1:' + sys.argv[1]
auth = {'Authorization': 'Basic ' + base64.b64encode(b':passw0rd').decode()}
out = {}
def call(method, path, data=None, headers={}):
    req = urllib.request.Request(base + path, data=data, method=method, headers={**auth, **headers})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
out['version'] = json.loads(urllib.request.urlopen(base + '/cp/version.json', timeout=60).read())
ws = websocket.create_connection('ws://127.0.0.1:' + sys.argv[1] + '/cp/serial/', header=['Authorization: ' + auth['Authorization']], timeout=60)
out['put'] = call('PUT', '/fs/code.py', b'print("edited", 6 * 7)\n', {'X-Timestamp': '1714564800000'})[0]
seen = ''
deadline = time.time() + 90
while 'edited 42' not in seen and time.time() < deadline:
    seen += ws.recv()
out['console'] = seen
status, body = call('GET', '/fs/', headers={'Accept': 'application/json'})
out['listing'] = [status, json.loads(body)]
out['read'] = call('GET', '/fs/code.py')[1].decode()
out['mkdir'] = call('PUT', '/fs/lib/sub/', b'')[0]
out['move'] = call('MOVE', '/fs/code.py', headers={'X-Destination': '/fs/lib/sub/kept.py'})[0]
out['delete'] = call('DELETE', '/fs/lib/sub/')[0]
out['gone'] = call('GET', '/fs/lib/sub/kept.py')[0]
ws.close()
print(json.dumps(out))
`;

function pythonLoop(port: number): Record<string, unknown> {
  const r = spawnSync(python, ['-c', PY_CLIENT, String(port)], { timeout: 200_000 });
  expect(r.stderr.toString()).toBe('');
  return JSON.parse(r.stdout.toString()) as Record<string, unknown>;
}

/** What the loop above must have seen, on either engine. */
function checkLoop(out: Record<string, unknown>, version: string): void {
  expect(out.version).toMatchObject({ web_api_version: 4, board_id: 'circuitplayground_express', board_name: 'Adafruit CircuitPlayground Express', mcu_name: 'samd21g18', creator_id: 0x239a, creation_id: 0x8019, ip: '127.0.0.1' });
  expect((out.version as { version: string }).version).toMatch(version);
  expect(out.put).toBe(204); // code.py existed
  // Auto-reload: the new code runs, and its output reaches the WebSocket.
  expect(out.console).toMatch(/soft reboot[\s\S]*code\.py output:[\s\S]*edited 42/);
  const [status, listing] = out.listing as [number, { files: { name: string; directory: boolean; modified_ns: number; file_size: number }[]; free: number; total: number; block_size: number; writable: boolean }];
  expect(status).toBe(200);
  expect(listing).toMatchObject({ writable: true });
  expect(listing.free).toBeLessThan(listing.total);
  const code = listing.files.find((f) => f.name === 'code.py');
  // X-Timestamp 2024-05-01T12:00:00Z, stored with FAT's 2-second resolution.
  expect(code).toEqual({ name: 'code.py', directory: false, modified_ns: 1714564800 * 1e9, file_size: 23 });
  expect(out.read).toBe('print("edited", 6 * 7)\n');
  expect([out.mkdir, out.move, out.delete, out.gone]).toEqual([201, 201, 204, 404]);
}

describe('run --web-workflow on the hosted engine', () => {
  const runs: ChildProcess[] = [];
  let s: Served;
  beforeAll(async () => {
    s = await serve({ ...SETTINGS, 'code.py': 'print("first")\n' }, [], runs);
  }, 60_000);
  afterAll(() => runs.forEach((r) => r.kill()));

  it.skipIf(!haveWebsocketClient)('a Python client (urllib, websocket-client) edits code.py, sees it rerun, lists, moves and deletes', () => {
    checkLoop(pythonLoop(s.port), '9.2.9');
  }, 240_000);

  it('answers /cp/ without a password, with the documented fields', async () => {
    const devices = await fetch(s.url('/cp/devices.json'));
    expect(devices.status).toBe(200);
    expect(await devices.json()).toEqual({ total: 0, devices: [] });
    const disks = (await (await fetch(s.url('/cp/diskinfo.json'))).json()) as { root: string; free: number; total: number; block_size: number; writable: boolean }[];
    expect(disks).toHaveLength(1);
    expect(disks[0]).toMatchObject({ root: '/', writable: true });
    // The same counts as the root listing's.
    const listing = (await (await fetch(s.url('/fs/'), { headers: { Authorization: AUTH, Accept: 'application/json' } })).json()) as { free: number; total: number; block_size: number };
    expect([disks[0]!.free, disks[0]!.total, disks[0]!.block_size]).toEqual([listing.free, listing.total, listing.block_size]);
    expect((await fetch(s.url('/cp/version.json'), { method: 'PUT' })).status).toBe(405);
    expect((await fetch(s.url('/cp/nothing.json'))).status).toBe(404);
  });

  it('refuses /fs/ without the password (401 with a Basic challenge), answers OPTIONS without it', async () => {
    const none = await fetch(s.url('/fs/code.py'));
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Basic realm="CircuitPython"');
    const wrong = await fetch(s.url('/fs/code.py'), { headers: { Authorization: 'Basic ' + Buffer.from(':nope').toString('base64') } });
    expect(wrong.status).toBe(401);
    // The user field must be empty, as on the board.
    const user = await fetch(s.url('/fs/code.py'), { headers: { Authorization: 'Basic ' + Buffer.from('me:passw0rd').toString('base64') } });
    expect(user.status).toBe(401);
    const options = await fetch(s.url('/fs/'), { method: 'OPTIONS' });
    expect(options.status).toBe(204);
    expect(options.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS, PUT, DELETE, MOVE');
    expect(options.headers.get('access-control-allow-origin')).toBe('*');
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/cp/serial/`);
    const refused = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(refused).toBe(401);
  });

  it('follows the documented statuses for files and directories', async () => {
    const call = (method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) =>
      fetch(s.url(path), { method, body: init.body, headers: { Authorization: AUTH, ...init.headers } });
    expect((await call('PUT', '/fs/docs/', {})).status).toBe(201);
    expect((await call('PUT', '/fs/docs/', {})).status).toBe(204);
    expect((await call('PUT', '/fs/missing/x.txt', { body: 'x' })).status).toBe(404);
    expect((await call('PUT', '/fs/docs/a%20b.txt', { body: 'spaced' })).status).toBe(201);
    const got = await call('GET', '/fs/docs/a%20b.txt');
    expect([got.status, got.headers.get('content-type'), await got.text()]).toEqual([200, 'text/plain;charset=UTF-8', 'spaced']);
    expect((await call('GET', '/fs/docs/none.bin')).status).toBe(404);
    expect((await call('GET', '/fs/nowhere/')).status).toBe(404);
    expect((await call('PUT', '/fs/docs/b.bin', { body: 'b' })).status).toBe(201);
    expect((await call('MOVE', '/fs/docs/b.bin', { headers: { 'X-Destination': '/fs/docs/a%20b.txt' } })).status).toBe(412);
    expect((await call('MOVE', '/fs/docs/zz.bin', { headers: { 'X-Destination': '/fs/docs/yy.bin' } })).status).toBe(404);
    expect((await call('MOVE', '/fs/docs/b.bin', {})).status).toBe(404);
    expect((await call('DELETE', '/fs/docs/none.bin')).status).toBe(404);
    expect((await call('DELETE', '/fs/docs/')).status).toBe(204);
    expect((await call('POST', '/fs/code.py', { body: 'x' })).status).toBe(405);
    // Without "Accept: application/json" the board serves its HTML file browser, which is not ours to serve.
    const html = await call('GET', '/fs/');
    expect(html.status).toBe(501);
    expect(await html.text()).toMatch(/not the HTML pages/);
  });

  it('refuses a file larger than the drive: 417 to Expect: 100-continue, else 413 after the body', async () => {
    const size = 4 * 1024 * 1024;
    const expectHead = `PUT /fs/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH}\r\nContent-Length: ${size}\r\nExpect: 100-continue\r\n\r\n`;
    expect(await raw(s.port, expectHead, 5000)).toMatch(/^HTTP\/1\.1 417 Expectation Failed/);
    const r = await fetch(s.url('/fs/big.bin'), { method: 'PUT', body: new Uint8Array(size), headers: { Authorization: AUTH } });
    expect(r.status).toBe(413);
    expect((await fetch(s.url('/fs/big.bin'), { headers: { Authorization: AUTH } })).status).toBe(404);
  });

  it('writes nothing for an upload cut short, and keeps serving after garbage', async () => {
    await raw(s.port, `PUT /fs/cut.py HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\nContent-Length: 1000\r\n\r\nprint("only part`, 100, true);
    expect(await raw(s.port, Buffer.from([0, 1, 2, 0xff, 13, 10, 13, 10]))).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(await raw(s.port, 'GET /cp/version.json HTTP/1.0\r\n\r\n')).toMatch(/^HTTP\/1\.1 501 Not Implemented/);
    expect(await raw(s.port, 'BREW /fs/ HTTP/1.1\r\nHost: x\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(s.port, `GET /fs/${'a'.repeat(20000)} HTTP/1.1\r\n\r\n`)).toMatch(/^HTTP\/1\.1 4\d\d/);
    await new Promise((r) => setTimeout(r, 200));
    expect((await fetch(s.url('/fs/cut.py'), { headers: { Authorization: AUTH } })).status).toBe(404);
    expect((await fetch(s.url('/cp/version.json'))).status).toBe(200);
    expect(s.proc.exitCode).toBeNull();
  });

  it('checks Origin as the board does and names it in the CORS answer', async () => {
    const evil = await fetch(s.url('/cp/version.json'), { headers: { Origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    const local = await fetch(s.url('/cp/version.json'), { headers: { Origin: 'http://localhost:5173' } });
    expect(local.status).toBe(200);
    expect(local.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('carries the REPL both ways over the WebSocket: Ctrl-C interrupts code.py, keys reach the REPL', async () => {
    const c = await serial(s.port);
    const put = await fetch(s.url('/fs/code.py'), { method: 'PUT', body: 'import time\nwhile True:\n    print("tick")\n    time.sleep(0.2)\n', headers: { Authorization: AUTH } });
    expect([201, 204]).toContain(put.status); // an earlier test may have moved code.py away
    await c.until('tick');
    c.ws.send('\x03');
    await c.until('KeyboardInterrupt');
    const at = c.text().length;
    c.ws.send('\r');
    await c.until('>>> ', at);
    c.ws.send('print(sum(range(10)))\r');
    await c.until('45\r\n', at);
    c.ws.close();
  }, 120_000);

  it('a second WebSocket replaces the first, as on the board', async () => {
    const a = await serial(s.port);
    const closed = new Promise<number>((resolve) => a.ws.on('close', (code) => resolve(code)));
    const b = await serial(s.port);
    expect(await closed).toBe(1000);
    b.ws.send('\r');
    await b.until('>>> ');
    b.ws.close();
  }, 60_000);
});

/** version.json once the board has written boot_out.txt (503 before: a second or so after it starts). */
async function booted(s: Served): Promise<Response> {
  const deadline = Date.now() + 30_000;
  let version = await fetch(s.url('/cp/version.json'));
  while (version.status === 503 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    version = await fetch(s.url('/cp/version.json'));
  }
  return version;
}

/** boot.py gives CIRCUITPY to Python: the host's writes are refused as "USB storage active" (409). */
async function checkRemounted(s: Served): Promise<void> {
  const put = await fetch(s.url('/fs/new.txt'), { method: 'PUT', body: 'x', headers: { Authorization: AUTH } });
  expect([put.status, await put.text()]).toEqual([409, 'USB storage active.']);
  const del = await fetch(s.url('/fs/code.py'), { method: 'DELETE', headers: { Authorization: AUTH } });
  expect(del.status).toBe(409);
  // Reading goes on.
  expect((await fetch(s.url('/fs/code.py'), { headers: { Authorization: AUTH } })).status).toBe(200);
}
const REMOUNT = { ...SETTINGS, 'boot.py': 'import storage\nstorage.remount("/", readonly=False)\n', 'code.py': 'print("python owns the drive")\n' };

describe('run --web-workflow without a password', () => {
  const runs: ChildProcess[] = [];
  afterAll(() => runs.forEach((r) => r.kill()));
  it('answers 403 to file requests and the WebSocket (CIRCUITPY_WEB_API_PASSWORD unset), /cp/*.json still', async () => {
    const s = await serve({ 'code.py': 'print(1)\n' }, [], runs);
    expect((await fetch(s.url('/fs/'), { headers: { Authorization: AUTH, Accept: 'application/json' } })).status).toBe(403);
    expect((await booted(s)).status).toBe(200);
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/cp/serial/`, { headers: { Authorization: AUTH } });
    expect(await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)))).toBe(403);
  }, 60_000);

  it('a board whose drive is not on USB is a usage error; a port in use is status 75', async () => {
    const huzzah = spawnSync(process.execPath, [bin, 'run', '--board', 'feather_huzzah', '--firmware', '/nonexistent.bin', '--web-workflow', '0']);
    expect(huzzah.stderr.toString()).toMatch(/--web-workflow needs a board whose CIRCUITPY drive is on USB \(board feather_huzzah has none\)/);
    expect(huzzah.status).toBe(64);
    const s = await serve({ 'code.py': 'print(1)\n' }, [], runs);
    const clash = spawnSync(process.execPath, [bin, 'run', '--board', 'cpx', '--web-workflow', String(s.port)], { timeout: 60_000 });
    expect(clash.stderr.toString()).toMatch(new RegExp(`--web-workflow: cannot listen on 127\\.0\\.0\\.1:${s.port}: .*EADDRINUSE`));
    expect(clash.status).toBe(75);
  }, 120_000);

  it('a request the hosted engine cannot take (code.py loops without calling a module) gets 500 in time, then Ctrl-C frees it', async () => {
    const s = await serve({ ...SETTINGS, 'code.py': 'print("idle")\n' }, [], runs);
    const c = await serial(s.port);
    const spin = 'print("spin")\nwhile True:\n    pass\n';
    expect((await fetch(s.url('/fs/code.py'), { method: 'PUT', body: spin, headers: { Authorization: AUTH } })).status).toBe(204);
    await c.until('spin');
    c.ws.close();
    // The password check does not wait for the engine: the console opens while code.py spins.
    const d = await serial(s.port);
    const started = Date.now();
    const r = await fetch(s.url('/fs/code.py'), { headers: { Authorization: AUTH } });
    expect(r.status).toBe(500);
    expect(await r.text()).toMatch(/did not take the file operation/);
    // The server gives up after 10 s; the bound only proves it answers rather than hangs (a CI machine
    // under load has taken 30 s to deliver that answer).
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(s.stderr()).toMatch(/web workflow: GET \/fs\/code\.py: the hosted engine did not take the file operation/);
    d.ws.send('\x03'); // the hard stop: the worker is restarted on the same flash
    await d.until('KeyboardInterrupt');
    const after = await fetch(s.url('/fs/code.py'), { headers: { Authorization: AUTH } });
    expect([after.status, await after.text()]).toEqual([200, spin]);
    d.ws.close();
  }, 120_000);

  it('refuses writes with 409 when boot.py gave the drive to Python', async () => {
    const s = await serve(REMOUNT, [], runs);
    // boot_out.txt is written after boot.py has run.
    expect((await booted(s)).status).toBe(200);
    await checkRemounted(s);
  }, 60_000);

  it('a port that is not a number is a usage error (status 64)', () => {
    const r = spawnSync(process.execPath, [bin, 'run', '--board', 'cpx', '--web-workflow', 'http']);
    expect(r.stderr.toString()).toMatch(/--web-workflow needs a TCP port number 1\.\.65535 \(0: any free port\), not 'http'/);
    expect(r.status).toBe(64);
  });
});

describe.skipIf(!CPX_FIRMWARE || !haveWebsocketClient)('run --web-workflow on CircuitPython 9.2.9 for the CPX (firmware engine, drive over USB MSC)', () => {
  const runs: ChildProcess[] = [];
  afterAll(() => runs.forEach((r) => r.kill()));
  it('the Python client edits code.py over mass storage and the firmware reruns it', async () => {
    const s = await serve({ ...SETTINGS, 'code.py': 'print("first")\n' }, ['--firmware', CPX_FIRMWARE!], runs);
    checkLoop(pythonLoop(s.port), '9.2.9');
  }, 300_000);

  it('refuses writes with 409 when boot.py gave the drive to Python (the device reports its medium write-protected)', async () => {
    const s = await serve(REMOUNT, ['--firmware', CPX_FIRMWARE!], runs);
    await checkRemounted(s);
  }, 300_000);
});
