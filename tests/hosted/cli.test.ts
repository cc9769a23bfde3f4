/**
 * `circuitemu run` / `repl` with no --firmware: the hosted engine through the built CLI (`npm test` builds
 * dist/ first), with --drive, --flash, --timeout, --expect-text, --stats and standard input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-hosted-cli-'));

function cli(args: string[], input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString() };
}

function driveDir(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

describe('circuitemu run with no --firmware (hosted CircuitPython)', () => {
  it('runs code.py from --drive and ends with status 0 once it waits for input and stdin has ended', () => {
    const dir = driveDir('hello', { 'code.py': 'import time\nprint("hello")\ntime.sleep(2)\nprint(time.monotonic() >= 2)\n' });
    const r = cli(['run', '--board', 'cpx', '--drive', dir, '--stats']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('code.py output:\r\n');
    expect(r.stdout).toContain('hello\r\nTrue\r\n');
    expect(r.stdout).toMatch(/Code done running\.\r\n\r\nPress any key to enter the REPL\. Use CTRL-D to reload\.\r\n$/);
    // The boot's 1 s safe-mode window, then code.py's 2 s sleep.
    expect(r.stderr).toMatch(/hosted engine, 3\.\d+ simulated s/);
  });

  // Every SAMD21 board: the small ones keep CIRCUITPY in internal flash, --flash saves just that region.
  for (const board of ['metro_m0_express', 'feather_m0_express', 'feather_m0_basic', 'feather_m0_adalogger', 'feather_m0_bluefruit_le', 'gemma_m0', 'trinket_m0', 'arduino_zero']) {
    it(`${board}: runs code.py with no firmware, and --flash keeps what it wrote`, () => {
      const dir = driveDir(`board-${board}`, { 'boot.py': 'import storage\nstorage.remount("/", readonly=False)\n', 'code.py': 'import board, os\nprint(board.board_id, "n" in os.listdir("/"))\nopen("/n", "w").close()\n' });
      const image = join(scratch, `${board}.img`);
      const first = cli(['run', '--board', board, '--drive', dir, '--flash', image]);
      expect(first.stderr).not.toContain('needs --firmware');
      expect(first.status).toBe(0);
      const id = board === 'feather_m0_bluefruit_le' ? 'feather_m0_adalogger' : board;
      expect(first.stdout).toContain(`${id} False\r\n`);
      const second = cli(['run', '--board', board, '--flash', image]);
      expect(second.stdout).toContain(`${id} True\r\n`);
    });
  }

  it('feeds standard input to the console (input(), then the REPL)', () => {
    const dir = driveDir('input', { 'code.py': 'print("hi", input("name? "))\n' });
    const r = cli(['run', '--board', 'cpx', '--drive', dir], 'bob\r \r1+1\r');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('name? bob\r\nhi bob\r\n');
    expect(r.stdout).toContain('>>> 1+1\r\n2\r\n>>> ');
  });

  it('--expect-text ends the run there with status 0; --timeout gives 124 for a program still running', () => {
    const dir = driveDir('loop', { 'code.py': 'import time\nn = 0\nwhile True:\n    n += 1\n    print("tick", n)\n    time.sleep(1)\n' });
    const e = cli(['run', '--board', 'cpx', '--drive', dir, '--expect-text', 'tick 3']);
    expect(e.status).toBe(0);
    expect(e.stdout.endsWith('tick 3')).toBe(true);
    // code.py starts after the boot's 1 s safe-mode window: ticks at 1, 2, ... 5 s.
    const t = cli(['run', '--board', 'cpx', '--drive', dir, '--timeout', '5.5']);
    expect(t.status).toBe(124);
    expect(t.stdout).toContain('tick 5\r\n');
    expect(t.stdout).not.toContain('tick 6');
    expect(t.stderr).toContain('timeout');
  });

  it('--flash keeps the drive across runs (a file written by boot.py-enabled code is there next time)', () => {
    const image = join(scratch, 'cpx.img');
    const dir = driveDir('flash', {
      'boot.py': 'import storage\nstorage.remount("/", readonly=False)\n',
      'code.py': 'import os\nif "count.txt" in os.listdir("/"):\n    n = int(open("/count.txt").read()) + 1\nelse:\n    n = 1\nopen("/count.txt", "w").write(str(n))\nprint("count", n)\n',
    });
    const first = cli(['run', '--board', 'cpx', '--drive', dir, '--flash', image]);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('count 1\r\n');
    expect(existsSync(image)).toBe(true);
    const second = cli(['run', '--board', 'cpx', '--flash', image]);
    expect(second.stdout).toContain('count 2\r\n');
    const listed = cli(['drive', 'read', '--flash', image, '/count.txt']);
    expect(listed.stdout).toBe('2');
  });

  it('runs on the Metro M0 Express too: its identity, heap and NeoPixel (PA30)', () => {
    const dir = driveDir('metro', {
      'code.py':
        'import os, board, gc, digitalio, neopixel_write\nprint(os.uname().machine, board.board_id, board.LED, board.RX)\nprint("free", gc.mem_free())\n' +
        'p = digitalio.DigitalInOut(board.NEOPIXEL)\np.switch_to_output()\nneopixel_write.neopixel_write(p, bytes([1, 2, 3]))\nprint("ok")\n',
    });
    const r = cli(['run', '--board', 'metro_m0_express', '--drive', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Adafruit Metro M0 Express with samd21g18 metro_m0_express board.LED board.D0\r\n');
    // 15424 on CircuitPython 9.2.9 on the Metro M0 Express.
    expect(Math.abs(Number(/free (\d+)/.exec(r.stdout)![1]) - 15424) / 15424).toBeLessThan(0.1);
    expect(r.stdout).toContain('ok\r\n');
  });

  it('a board without the hosted engine still needs --firmware', () => {
    const r = cli(['run', '--board', 'test-m0']);
    expect(r.status).toBe(64);
    expect(r.stderr).toContain('needs --firmware FILE (board test-m0 has no hosted CircuitPython engine)');
  });
});
