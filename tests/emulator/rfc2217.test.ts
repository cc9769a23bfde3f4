/**
 * `run --rfc2217 PORT`: the console over Telnet/RFC 2217, driven by pyserial's rfc2217 client
 * (Debian's python3-serial), the client esptool and many CI scripts use: option negotiation and
 * serial settings are acknowledged, bytes (0xFF included, which Telnet escapes) go to our USB
 * echo firmware and come back; a second client is turned away; bad ports are usage errors.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const havePyserial = spawnSync(python, ['-c', 'import serial.rfc2217']).status === 0;
if (!havePyserial) console.warn('[tests/emulator/rfc2217] SKIPPED: pyserial is not installed (apt-get install python3-serial)');

const CLIENT = `
import serial, sys, time
s = serial.serial_for_url('rfc2217://127.0.0.1:' + sys.argv[1], baudrate=9600, timeout=10)
s.baudrate = 115200            # a setting changed on an open port: another RFC 2217 exchange
s.write(b'round trip \\xff\\x00 ok')
got = s.read(16)
sys.stdout.write(repr(got))
s.close()
`;

describe.skipIf(!havePyserial)('run --rfc2217', () => {
  const runs: ChildProcess[] = [];
  afterAll(() => runs.forEach((r) => r.kill()));

  /** Starts the echo firmware with its console on a free port; resolves with the port. */
  function start(): Promise<number> {
    const run = spawn(process.execPath, [bin, 'run', '--board', 'cpx', '--firmware', join(root, 'tests/firmware/samd21-usb/usb_echo.elf'), '--no-reload', '--timeout', '60', '--rfc2217', '0']);
    runs.push(run);
    return new Promise((resolve, reject) => {
      let err = '';
      run.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /console on rfc2217:\/\/127\.0\.0\.1:(\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      run.on('exit', (code) => reject(new Error(`circuitemu exited with ${code}: ${err}`)));
    });
  }

  it('pyserial negotiates, sets the baud rate, and its bytes come back through the emulated USB echo', async () => {
    const port = await start();
    const r = spawnSync(python, ['-c', CLIENT, String(port)], { timeout: 60_000 });
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe(String.raw`b'round trip \xff\x00 ok'`);
    // The port is free again for the next client.
    const again = spawnSync(python, ['-c', CLIENT, String(port)], { timeout: 60_000 });
    expect(again.stdout.toString()).toBe(String.raw`b'round trip \xff\x00 ok'`);
  }, 120_000);

  it('a second client while one is connected is told so', async () => {
    const port = await start();
    const hold = spawn(python, ['-c', `import serial, time, sys\ns = serial.serial_for_url('rfc2217://127.0.0.1:${port}', timeout=5)\nprint('open', flush=True)\ntime.sleep(20)`]);
    runs.push(hold);
    await new Promise<void>((resolve) => hold.stdout!.on('data', () => resolve()));
    const probe = spawnSync(python, ['-c', `import socket\ns = socket.create_connection(('127.0.0.1', ${port}))\nprint(s.recv(200).decode())`], { timeout: 30_000 });
    expect(probe.stdout.toString()).toContain('circuitemu: another client is connected to this console');
    hold.kill();
  }, 120_000);

  it('a port that is not a number is a usage error (status 64)', () => {
    const r = spawnSync(process.execPath, [bin, 'run', '--board', 'cpx', '--firmware', join(root, 'tests/firmware/samd21-usb/usb_echo.elf'), '--rfc2217', 'http']);
    expect(r.stderr.toString()).toMatch(/--rfc2217 needs a TCP port number 1\.\.65535 \(0: any free port\), not 'http'/);
    expect(r.status).toBe(64);
  });
});
