/**
 * Regression tests for the defects of issue 8, through the built CLI as a user (or a CI job)
 * meets them: the CIRCUITPY flash image (symlinks, concurrent users, missing images, deep
 * nesting, an unwritable destination), closed or full standard output, non-regular and
 * oversized input files, bad option values, and images that do not fit the board.
 * Exit statuses follow sysexits.h; the README lists them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readlinkSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildElf32 } from '../helpers/elf-writer.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const demo = join(root, 'tests/firmware/demo/demo.elf');
const echo = join(root, 'tests/firmware/samd21-usb/usb_echo.elf');
const lx106Elf = join(root, 'tests/firmware/lx106/sort.elf');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-robust-'));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { input?: Uint8Array; stdout?: number } = {}): Result {
  const stdio = ['pipe', options.stdout ?? 'pipe', 'pipe'] as const;
  const r = spawnSync(process.execPath, [bin, ...args], { input: options.input, stdio: [...stdio], timeout: 30_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout?.toString() ?? '', stderr: r.stderr.toString() };
}

/** The same, asynchronously, so several can run at once. */
function cliAsync(args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

function file(name: string, data: Uint8Array | string): string {
  const path = join(scratch, name);
  writeFileSync(path, data);
  return path;
}

/** A fresh directory in the scratch area. */
let dirCount = 0;
function dir(): string {
  const d = join(scratch, `d${dirCount++}`);
  mkdirSync(d);
  return d;
}

function driveList(image: string): string {
  const r = cli(['drive', 'list', '--flash', image]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** A raw test-m0 image: vector table (SP, reset) followed by Thumb code at 0x40. */
function rawImage(code: number[]): Uint8Array {
  const image = new Uint8Array(0x40 + 2 * code.length);
  const dv = new DataView(image.buffer);
  dv.setUint32(0, 0x20004000, true);
  dv.setUint32(4, 0x41, true);
  dv.setUint32(12, 0x41, true);
  code.forEach((h, i) => dv.setUint16(0x40 + 2 * i, h, true));
  return image;
}

/**
 * Prints byte 0x03 forever through semihosting SYS_WRITEC, about 60,000 a simulated second:
 * movs r0,#3; movs r1,#0x40; bkpt 0xab; movs r2,#255; 1: subs r2,#1; bne 1b; b (start)
 */
const chatter = (): string => file('chatter.bin', rawImage([0x2003, 0x2140, 0xbeab, 0x22ff, 0x3a01, 0xd1fd, 0xe7f8]));

describe('flash image: symlinks (issue 8 item 1)', () => {
  it('drive write through a symlink updates the target and keeps the link', () => {
    const d = dir();
    const target = join(d, 'real.img');
    const link = join(d, 'link.img');
    expect(cli(['drive', 'write', '--flash', target, '/a.txt', file('a.txt', 'a')]).status).toBe(0);
    symlinkSync('real.img', link);
    const w = cli(['drive', 'write', '--flash', link, '/b.txt', file('b.txt', 'bb')]);
    expect(w.status, w.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real.img');
    expect(driveList(target)).toMatch(/^\s+2 \/b\.txt$/m);
  });

  it('run --flash through a symlink saves into the target', () => {
    const d = dir();
    const target = join(d, 'real.img');
    const link = join(d, 'link.img');
    symlinkSync(target, link); // dangling: the run creates the target, not a file in place of the link
    const r = cli(['run', '--board', 'cpx', '--firmware', echo, '--flash', link, '--timeout', '0.05']);
    expect(r.status, r.stderr).toBe(124);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target).length).toBe(2 * 1024 * 1024);
  });
});

describe('flash image: concurrent users (issue 8 item 2)', () => {
  it('two drive writes at once both land (serialised), or one is refused with a clear message', async () => {
    for (let round = 0; round < 3; round++) {
      const d = dir();
      const image = join(d, 'drive.img');
      expect(cli(['drive', 'write', '--flash', image, '/seed.txt', file('seed.txt', 'seed')]).status).toBe(0);
      const [a, b] = await Promise.all([
        cliAsync(['drive', 'write', '--flash', image, '/one.txt', file('one.txt', 'one')]),
        cliAsync(['drive', 'write', '--flash', image, '/two.txt', file('two.txt', 'two')]),
      ]);
      const list = driveList(image);
      for (const [r, name] of [[a, 'one'], [b, 'two']] as const) {
        if (r.status === 0) expect(list, `round ${round}: ${name}.txt was written but is gone`).toContain(`/${name}.txt`);
        else {
          expect(r.status, r.stderr).toBe(75);
          expect(r.stderr).toMatch(/in use by process \d+/);
        }
      }
    }
  });

  it('a drive write during a run --flash is never silently undone by the run saving its copy', async () => {
    const d = dir();
    const image = join(d, 'drive.img');
    expect(cli(['drive', 'write', '--flash', image, '/seed.txt', file('seed2.txt', 'seed')]).status).toBe(0);
    const run = cliAsync(['run', '--board', 'cpx', '--firmware', echo, '--flash', image, '--timeout', '3000']);
    const lock = `${image}.lock`;
    for (let i = 0; i < 100 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 20));
    const write = await cliAsync(['drive', 'write', '--flash', image, '/added.txt', file('added.txt', 'added')]);
    const ran = await run;
    expect(ran.status, ran.stderr).toBe(124);
    if (write.status === 0) expect(driveList(image)).toContain('/added.txt');
    else {
      expect(write.status, write.stderr).toBe(75);
      expect(write.stderr).toMatch(/drive\.img.* is in use by process \d+/);
      expect(driveList(image)).not.toContain('/added.txt');
    }
    expect(existsSync(lock)).toBe(false);
  });

  it('a drive write while another process holds the image waits, then refuses with 75 and the PID', () => {
    const d = dir();
    const image = join(d, 'drive.img');
    expect(cli(['drive', 'write', '--flash', image, '/a.txt', file('a4.txt', 'a')]).status).toBe(0);
    writeFileSync(`${image}.lock`, `${process.pid}\n`); // this test process: alive
    const started = Date.now();
    const w = cli(['drive', 'write', '--flash', image, '/b.txt', file('b4.txt', 'b')]);
    expect(w.status, w.stderr).toBe(75);
    expect(w.stderr).toContain(`drive.img is in use by process ${process.pid}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(driveList(image)).not.toContain('/b.txt');
    unlinkSync(`${image}.lock`);
    expect(cli(['drive', 'write', '--flash', image, '/b.txt', file('b4.txt', 'b')]).status).toBe(0);
  });

  it('a lock left by a process that died is taken over', () => {
    const d = dir();
    const image = join(d, 'drive.img');
    expect(cli(['drive', 'write', '--flash', image, '/a.txt', file('a3.txt', 'a')]).status).toBe(0);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(`${image}.lock`, `${dead}\n`);
    const w = cli(['drive', 'write', '--flash', image, '/b.txt', file('b3.txt', 'b')]);
    expect(w.status, w.stderr).toBe(0);
    expect(driveList(image)).toContain('/b.txt');
    expect(existsSync(`${image}.lock`)).toBe(false);
  });
});

describe('flash image: missing, too deep, unwritable (issue 8 items 3-5)', () => {
  it('drive list and read of an image that does not exist fail with 66 and create nothing', () => {
    const d = dir();
    const typo = join(d, 'typo.img');
    for (const args of [['list'], ['read', '/code.py']]) {
      const r = cli(['drive', args[0]!, '--flash', typo, ...args.slice(1)]);
      expect(r.status).toBe(66);
      expect(r.stderr).toMatch(/typo\.img.*does not exist/);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(typo)).toBe(false);
  });

  it('run --flash says when it will create the image', () => {
    const image = join(dir(), 'new.img');
    const r = cli(['run', '--board', 'cpx', '--firmware', echo, '--flash', image, '--timeout', '0.05']);
    expect(r.stderr).toMatch(/new\.img does not exist; it will be created/);
    expect(existsSync(image)).toBe(true);
  });

  it('drive write refuses a path nested deeper than drive list can read back', () => {
    const image = join(dir(), 'deep.img');
    const deep = '/' + Array.from({ length: 70 }, (_, i) => `d${i}`).join('/') + '/f.txt';
    const w = cli(['drive', 'write', '--flash', image, deep, file('f.txt', 'f')]);
    expect(w.status).toBe(65);
    expect(w.stderr).toMatch(/nested too deeply/);
    const ok = '/' + Array.from({ length: 64 }, (_, i) => `d${i}`).join('/') + '/f.txt';
    expect(cli(['drive', 'write', '--flash', image, ok, file('f.txt', 'f')]).status).toBe(0);
    expect(driveList(image)).toContain('/d63/f.txt');
  });

  it('run --flash into a directory that does not exist is refused before the run', () => {
    const image = join(scratch, 'no-such-dir', 'x.img');
    const r = cli(['run', '--board', 'cpx', '--firmware', echo, '--flash', image, '--timeout', '0.01'], { input: text('never echoed') });
    expect(r.status).toBe(73);
    expect(r.stdout).toBe(''); // the program never ran
    expect(r.stderr).toMatch(/no-such-dir.*does not exist/);
  });
});

describe('standard output closed or full (issue 8 item 6)', () => {
  it('run stops quietly when the reader of its output goes away (EPIPE)', async () => {
    const child = spawn(process.execPath, [bin, 'run', '--board', 'test-m0', '--firmware', chatter(), '--timeout', '100'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(141);
  });

  it('drive read stops quietly on a closed pipe too', async () => {
    const image = join(dir(), 'big.img');
    expect(cli(['drive', 'write', '--flash', image, '/big.bin', file('big.bin', new Uint8Array(1 << 20))]).status).toBe(0);
    const child = spawn(process.execPath, [bin, 'drive', 'read', '--flash', image, '/big.bin'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect([0, 141]).toContain(status);
  });

  it('run reports a full device on standard output clearly (74), without a stack trace', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = cli(['run', '--board', 'test-m0', '--firmware', chatter(), '--timeout', '1'], { stdout: full });
      expect(r.status).toBe(74);
      expect(r.stderr).toMatch(/^circuitemu: cannot write to standard output: .*ENOSPC/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      closeSync(full);
    }
  });
});

describe('input files that are not regular or too large (issue 8 items 7 and 9)', () => {
  it('refuses /dev/zero and a FIFO as firmware, and /dev/zero as a flash image, at once', () => {
    const fifo = join(dir(), 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const fw of ['/dev/zero', fifo]) {
      const r = cli(['run', '--board', 'test-m0', '--firmware', fw, '--timeout', '1']);
      expect(r.signal, fw).toBe(null);
      expect(r.status, fw).toBe(66);
      expect(r.stderr).toMatch(/is not a regular file/);
    }
    for (const args of [['list'], ['read', '/x.txt'], ['write', '/x.txt', file('x.txt', 'x')]]) {
      const r = cli(['drive', args[0]!, '--flash', '/dev/zero', ...args.slice(1)]);
      expect(r.signal).toBe(null);
      expect(r.status).toBe(66);
      expect(r.stderr).toMatch(/is not a regular file/);
    }
  });

  it('refuses a firmware file larger than the board can hold before reading it', () => {
    const huge = file('huge.hex', '');
    truncateSync(huge, 200 * 1024 * 1024); // sparse: costs no disk
    const started = Date.now();
    const r = cli(['run', '--board', 'test-m0', '--firmware', huge]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/huge\.hex is 209715200 bytes; no image for test-m0 can be larger than \d+ bytes/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a HOSTFILE larger than the drive before reading it', () => {
    const big = file('big-host.bin', '');
    truncateSync(big, 64 * 1024 * 1024);
    const r = cli(['drive', 'write', '--flash', join(dir(), 'x.img'), '/big.bin', big]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/larger than the drive/);
  });
});

describe('option values and usage errors (issue 8 items 8 and 12)', () => {
  it('rejects non-finite and negative timeouts with status 64', () => {
    for (const t of ['Infinity', '1e309', '-1', 'NaN', '0']) {
      const r = cli(['run', '--board', 'test-m0', '--firmware', demo, '--timeout', t]);
      expect(r.status, t).toBe(64);
      expect(r.stderr, t).toMatch(/--timeout must be a positive, finite number of seconds/);
    }
  });

  it('treats the word after --timeout as its value even when it starts with a dash', () => {
    const r = cli(['run', '--board', 'test-m0', '--firmware', demo, '--timeout', '-1']);
    expect(r.stderr).not.toMatch(/ambiguous/);
    expect(r.stderr).toMatch(/not '-1'/);
  });

  it('answers stray arguments to boards, --version and --help with 64', () => {
    for (const args of [['boards', '--bogus'], ['boards', 'extra'], ['--version', 'x'], ['--help', 'x']]) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(64);
      expect(r.stdout, args.join(' ')).toBe('');
    }
    expect(cli(['boards']).status).toBe(0);
    expect(cli(['--version']).status).toBe(0);
  });
});

describe('images that do not fit the board (issue 8 item 13)', () => {
  const code = new Uint8Array(64);

  it('refuses an ELF built for the other architecture', () => {
    const xtensaOnArm = file('xtensa.elf', buildElf32({ machine: 94, entry: 0x40, segments: [{ paddr: 0, data: code }] }));
    const r = cli(['run', '--board', 'test-m0', '--firmware', xtensaOnArm]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/ELF: built for Xtensa, but board test-m0 has an ARM core/);
    const armOnXtensa = cli(['run', '--board', 'test-lx106', '--firmware', file('arm.elf', buildElf32({ machine: 40, entry: 0x40000000, segments: [{ paddr: 0x40000000, data: code }] }))]);
    expect(armOnXtensa.status).toBe(65);
    expect(armOnXtensa.stderr).toMatch(/ELF: built for ARM, but board test-lx106 has an Xtensa core/);
    expect(cli(['run', '--board', 'test-lx106', '--firmware', lx106Elf]).status).toBe(0);
  });

  it('refuses segments whose memory size runs outside the memory map', () => {
    for (const memsz of [0x4000_0000, 0xffff_ffff]) {
      const elf = file(`memsz${memsz}.elf`, buildElf32({ machine: 40, entry: 0x41, segments: [{ paddr: 0x2000_0000, data: code, memsz }] }));
      const r = cli(['run', '--board', 'test-m0', '--firmware', elf]);
      expect(r.status, String(memsz)).toBe(65);
      expect(r.stderr).toMatch(/ELF: .*(outside the memory map|past the 4 GiB address space)/);
    }
  });
});
