/**
 * --vcd and --epoch on the hosted engine (`run` and `test` with no --firmware), through the built CLI, and the
 * Node API's epoch. The hosted modules program the same chip model the firmware does, so the VCD comes from the
 * same pin nets (VcdRecorder): a code.py that blinks the LED with time.sleep(0.5) gives edges 0.5 s apart (plus
 * the engine's fixed cost per module call, CALL_COST_SECONDS), the same file twice. --epoch is where the RTC
 * calendar starts: time.localtime(), time.time() and rtc.RTC().datetime report it. --trace io logs the
 * register accesses the hosted modules make, at the same instants.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBoard } from '../../emulator/index.js';
import { PinChangesWriter } from '../../emulator/trace/vcd.js';
import { CALL_COST_SECONDS } from '../../firmware-runtime/hosted/clock.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-hosted-traces-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { timeout: 120_000 });
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString() };
}

function driveDir(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const BLINK = 'import time, board, digitalio\nled = digitalio.DigitalInOut(board.LED)\nled.switch_to_output(False)\nfor i in range(6):\n    led.value = not led.value\n    time.sleep(0.5)\nprint("done")\n';

/** The VCD's changes of wire `id`: [nanoseconds, level][]. */
function edges(vcd: string, id: string): [number, number][] {
  const out: [number, number][] = [];
  let t = 0;
  for (const line of vcd.slice(vcd.indexOf('$enddefinitions')).split('\n')) {
    if (line.startsWith('#')) t = Number(line.slice(1));
    else if (line === `0${id}` || line === `1${id}`) out.push([t, Number(line[0])]);
  }
  return out;
}

describe('--vcd on the hosted engine', () => {
  it('run: the LED blinked with time.sleep(0.5) has edges 0.5 s apart, the same file twice', () => {
    const dir = driveDir('blink', { 'code.py': BLINK });
    const files = [1, 2].map((i) => {
      const file = join(scratch, `blink${i}.vcd`);
      const r = cli(['run', '--board', 'cpx', '--drive', dir, '--vcd', file, '--vcd-pins', 'LED,A1']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('done');
      expect(r.status).toBe(0);
      return readFileSync(file, 'utf8');
    });
    expect(files[0]).toBe(files[1]);
    expect(files[0]).toContain('$var wire 1 ! LED $end\n$var wire 1 " A1 $end');
    const led = edges(files[0]!, '!');
    // The initial level, then six toggles: 1 0 1 0 1 0.
    expect(led.map(([, l]) => l)).toEqual([0, 1, 0, 1, 0, 1, 0]);
    const toggles = led.slice(1).map(([t]) => t);
    for (let i = 1; i < toggles.length; i++) {
      const gap = (toggles[i]! - toggles[i - 1]!) / 1e9;
      // Within a few module calls' fixed cost of what the program asked.
      expect(gap).toBeGreaterThanOrEqual(0.5);
      expect(gap - 0.5).toBeLessThan(10 * CALL_COST_SECONDS);
    }
    expect(edges(files[0]!, '"')).toEqual([[0, 0]]); // A1: untouched
  }, 120_000);

  it('the Node API records the same file as the CLI (startBoard({ vcd }) then vcd())', async () => {
    const dir = driveDir('blink-api', { 'code.py': BLINK });
    const file = join(scratch, 'cli.vcd');
    expect(cli(['run', '--board', 'cpx', '--drive', dir, '--vcd', file, '--vcd-pins', 'LED,A1']).status).toBe(0);
    const board = await startBoard({ board: 'cpx', drive: dir, vcd: { pins: ['LED', 'A1'] } });
    try {
      await board.runUntil({ serial: 'done' });
      expect(await board.vcd()).toBe(readFileSync(file, 'utf8'));
    } finally {
      await board.close();
    }
    await expect(startBoard({ board: 'cpx', drive: dir, vcd: { pins: ['NOPE'] } })).rejects.toThrow("vcd: board cpx has no pin 'NOPE'");
  }, 120_000);

  it('run: every pin by default, named as the board names them; an unknown pin is a usage error', () => {
    const dir = driveDir('blink-all', { 'code.py': BLINK });
    const file = join(scratch, 'all.vcd');
    expect(cli(['run', '--board', 'cpx', '--drive', dir, '--vcd', file]).status).toBe(0);
    const vcd = readFileSync(file, 'utf8');
    expect(vcd).toMatch(/\$var wire 1 \S+ A0 \$end/);
    expect(vcd).toMatch(/\$var wire 1 \S+ D13 \$end/); // the LED's pad, under its first name in the declaration
    const bad = cli(['run', '--board', 'cpx', '--drive', dir, '--vcd', file, '--vcd-pins', 'NOPE']);
    expect(bad.stderr).toMatch(/--vcd: board cpx has no pin 'NOPE'/);
    expect(bad.status).toBe(64);
  }, 120_000);

  it('test: a scenario on the hosted engine writes its VCD, the same twice', () => {
    const dir = driveDir('blink-scenario', { 'code.py': BLINK });
    const yaml = join(scratch, 'blink.yaml');
    writeFileSync(yaml, `name: Blink\nboard: cpx\ndrive: ${dir}\ntimeout: 10s\nsteps:\n  - wait-serial: done\n`);
    const files = [1, 2].map((i) => {
      const file = join(scratch, `scenario${i}.vcd`);
      const r = cli(['test', '--vcd', file, '--vcd-pins', 'LED', yaml]);
      expect(r.stdout).toMatch(/^PASS Blink/);
      expect(r.status).toBe(0);
      return readFileSync(file, 'utf8');
    });
    expect(files[0]).toBe(files[1]);
    expect(edges(files[0]!, '!').map(([, l]) => l)).toEqual([0, 1, 0, 1, 0, 1, 0]);
    const bad = cli(['test', '--vcd', join(scratch, 'x.vcd'), '--vcd-pins', 'NOPE', yaml]);
    expect(bad.stderr).toMatch(/--vcd: board cpx has no pin 'NOPE'/);
    expect(bad.status).toBe(64);
  }, 120_000);
});

describe('the VCD of a hosted run across a hard stop (PinChangesWriter)', () => {
  it("takes a restarted worker's power-on levels as changes at its start, and drops non-changes", () => {
    const w = new PinChangesWriter(['LED', 'A1']);
    w.add({ start: { seconds: 0, levels: [0, 0] }, seconds: Float64Array.of(0.5, 0.5), signals: Uint16Array.of(0, 0), levels: Uint8Array.of(1, 1) });
    // The new chip after a hard stop at 2 s: LED back to 0, A1 still 0 (no change).
    w.add({ start: { seconds: 2, levels: [0, 0] }, seconds: Float64Array.of(2.25), signals: Uint16Array.of(1), levels: Uint8Array.of(1) });
    expect(w.text()!.split('$end\n').pop()).toBe('#500000000\n1!\n#2000000000\n0!\n#2250000000\n1"\n');
  });
});

describe('--trace io on the hosted engine', () => {
  it('logs the PORT writes of digitalio, at the instants the VCD shows the LED change', () => {
    const dir = driveDir('blink-trace', { 'code.py': BLINK });
    const log = join(scratch, 'trace.txt');
    const vcd = join(scratch, 'trace.vcd');
    const r = cli(['run', '--board', 'cpx', '--drive', dir, '--trace', 'io', '--trace-peripheral', 'PORT', '--trace-file', log, '--vcd', vcd, '--vcd-pins', 'LED']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.every((l) => / PORT\+0x/.test(l))).toBe(true);
    // The LED is PA17: switch_to_output then six toggles, written as the data sheet's OUTSET/OUTCLR.
    const led = lines.filter((l) => /Group\[0\]\.OUT(SET|CLR) = 0x00020000$/.test(l));
    const writes = led.map((l) => ({ ns: Math.round(Number(l.trim().split(/ +/)[1]) * 1e9), level: l.includes('OUTSET') ? 1 : 0 }));
    const changes = edges(readFileSync(vcd, 'utf8'), '!').slice(1);
    expect(writes.slice(1).map((w) => [w.ns, w.level])).toEqual(changes); // the first OUTCLR is switch_to_output(False): no change
    expect(lines.some((l) => l.includes('Group[0].DIRSET = 0x00020000'))).toBe(true);
  }, 120_000);

  it('refuses --trace insn (no CPU) and an unknown peripheral, with the usage status', () => {
    const dir = driveDir('trace-bad', { 'code.py': 'print(1)\n' });
    const insn = cli(['run', '--board', 'cpx', '--drive', dir, '--trace', 'insn']);
    expect(insn.stderr).toMatch(/--trace insn: the hosted engine runs no instructions/);
    expect(insn.status).toBe(64);
    const bad = cli(['run', '--board', 'cpx', '--drive', dir, '--trace', 'io', '--trace-peripheral', 'FOO']);
    expect(bad.stderr).toMatch(/no peripheral FOO on this board/);
    expect(bad.status).toBe(64);
  }, 120_000);
});

const CLOCK = 'import time, rtc\nprint(time.localtime())\nprint(time.time())\nprint(rtc.RTC().datetime.tm_year)\ntime.sleep(2)\nprint(time.localtime().tm_sec)\n';

describe('--epoch on the hosted engine', () => {
  it('run: time.localtime(), time.time() and rtc.RTC().datetime start at the epoch; 2000-01-01 without it', () => {
    const dir = driveDir('clock', { 'code.py': CLOCK });
    const given = cli(['run', '--board', 'cpx', '--drive', dir, '--epoch', '2024-05-01T12:00:00Z']);
    expect(given.status).toBe(0);
    expect(given.stdout).toContain('struct_time(tm_year=2024, tm_mon=5, tm_mday=1, tm_hour=12, tm_min=0, tm_sec=0, tm_wday=2, tm_yday=122, tm_isdst=-1)\r\n1714564800\r\n2024\r\n2\r\n');
    // The same date as seconds, the same output; and the same every run.
    expect(cli(['run', '--board', 'cpx', '--drive', dir, '--epoch', '1714564800']).stdout).toBe(given.stdout);
    const plain = cli(['run', '--board', 'cpx', '--drive', dir]);
    expect(plain.stdout).toContain('struct_time(tm_year=2000, tm_mon=1, tm_mday=1, tm_hour=0, tm_min=0, tm_sec=0, tm_wday=5, tm_yday=1, tm_isdst=-1)\r\n946684800\r\n2000\r\n');
    const bad = cli(['run', '--board', 'cpx', '--drive', dir, '--epoch', '2024-05-01T12:00']);
    expect(bad.stderr).toMatch(/--epoch must be/);
    expect(bad.status).toBe(64);
  }, 120_000);

  it('test: a scenario sees the epoch', () => {
    const yaml = join(scratch, 'clock.yaml');
    writeFileSync(yaml, `name: Clock\nboard: cpx\nfiles: { /code.py: "import time\\nprint('year', time.localtime().tm_year)\\n" }\nsteps:\n  - wait-serial: year 2031\n`);
    const r = cli(['test', '--epoch', '2031-07-04', yaml]);
    expect(r.stdout).toMatch(/^PASS Clock/);
    expect(r.status).toBe(0);
  }, 120_000);

  it('the Node API: startBoard({ epoch }) on the hosted engine', async () => {
    const board = await startBoard({ board: 'cpx', epoch: 1714564800, files: { '/code.py': CLOCK } });
    try {
      await board.runUntil({ serial: '2024\r\n' });
      expect(board.console).toContain('tm_year=2024, tm_mon=5, tm_mday=1, tm_hour=12');
    } finally {
      await board.close();
    }
  }, 120_000);
});
