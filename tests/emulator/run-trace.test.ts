/**
 * `circuitemu run` tracing flags through the built CLI: --vcd (pin waveforms), --trace
 * (peripheral register accesses, instructions) and --epoch (the wall-clock date semihosting
 * reports), each checked against what the firmware is known to do, and their usage errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-run-trace-'));
const buttonLed = join(root, 'tests/firmware/samd21/button_led.elf');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { timeout: 120_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

describe('run --vcd', () => {
  it('writes the pins the firmware toggles, the same bytes every run', () => {
    const files = [1, 2].map((i) => {
      const file = join(scratch, `a1-${i}.vcd`);
      const r = cli('run', '--board', 'cpx', '--firmware', buttonLed, '--timeout', '0.2', '--no-reload', '--vcd', file, '--vcd-pins', 'A1,LED');
      expect(r.status).toBe(124); // button_led never ends: the timeout ends the run, and the dump is still written
      return readFileSync(file, 'utf8');
    });
    expect(files[0]).toBe(files[1]);
    expect(files[0]).toContain('$var wire 1 ! A1 $end\n$var wire 1 " LED $end');
    // A1 toggles every 1000 loop iterations: a square wave, several edges in 0.2 s at 1 MHz.
    expect(files[0].match(/^[01]!$/gm)!.length).toBeGreaterThan(4);
    expect(files[0].match(/^[01]"$/gm)!.length).toBe(1); // LED: only its initial 0 (no button)
  });

  it('usage errors: --vcd-pins alone, an unknown pin, a board without pins', () => {
    expect(cli('run', '--board', 'cpx', '--firmware', buttonLed, '--vcd-pins', 'A1')).toMatchObject({ status: 64, stderr: expect.stringMatching(/--vcd-pins needs --vcd FILE/) });
    expect(cli('run', '--board', 'cpx', '--firmware', buttonLed, '--vcd', join(scratch, 'x.vcd'), '--vcd-pins', 'NOPE')).toMatchObject({ status: 64, stderr: expect.stringMatching(/--vcd: board cpx has no pin 'NOPE'/) });
    const demo = join(root, 'tests/firmware/demo/demo.elf');
    expect(cli('run', '--board', 'test-m0', '--firmware', demo, '--vcd', join(scratch, 'y.vcd'))).toMatchObject({ status: 64, stderr: expect.stringMatching(/declares no pins/) });
  });
});

describe('run --epoch', () => {
  const clock = join(root, 'tests/firmware/clock/clock.elf');
  it('semihosting SYS_TIME counts from the epoch: a fixed date by default, the one given, the same every run', () => {
    const byDefault = cli('run', '--board', 'test-m0', '--firmware', clock);
    expect(byDefault.stdout).toBe('start: 1767225600 = 2026-01-01 00:00:00 UTC\n2 s later: 1767225602 = 2026-01-01 00:00:02 UTC\n');
    expect(byDefault.status).toBe(0);
    const given = cli('run', '--board', 'test-m0', '--firmware', clock, '--epoch', '2024-02-29T23:59:59+01:00');
    // newlib's gmtime is the oracle for the date; 2024-02-29T22:59:59Z is 1709247599.
    expect(given.stdout).toBe('start: 1709247599 = 2024-02-29 22:59:59 UTC\n2 s later: 1709247601 = 2024-02-29 23:00:01 UTC\n');
    expect(cli('run', '--board', 'test-m0', '--firmware', clock, '--epoch', '1709247599').stdout).toBe(given.stdout);
  });

  it('refuses a date it cannot read, a time without its zone, and dates outside 32 bits (status 64)', () => {
    for (const bad of ['yesterday', '2024-05-01T12:00:00', '0', '4294967296', '-5']) {
      const r = cli('run', '--board', 'test-m0', '--firmware', clock, '--epoch', bad);
      expect(r.stderr, bad).toMatch(/--epoch must be/);
      expect(r.status, bad).toBe(64);
    }
  });
});

describe('run --trace', () => {
  it('io: the register writes button_led.c makes, named as the data sheet names them', () => {
    const file = join(scratch, 'io.txt');
    const r = cli('run', '--board', 'cpx', '--firmware', buttonLed, '--timeout', '0.005', '--no-reload', '--trace', 'io', '--trace-peripheral', 'port,IOBUS', '--trace-file', file);
    expect(r.status).toBe(124);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    // DIRSET = LED (PA17) | A1 (PA05); OUTCLR = button A's pull direction (PA28); PINCFG28 = INEN | PULLEN.
    expect(lines[0]).toMatch(/^\s*\d+ \d\.\d{9} W4 0x41004408 PORT\+0x008 Group\[0\]\.DIRSET = 0x00020020$/);
    expect(lines[1]).toMatch(/ W4 0x41004414 PORT\+0x014 Group\[0\]\.OUTCLR = 0x10000000$/);
    expect(lines[2]).toMatch(/ W1 0x4100445c PORT\+0x05c Group\[0\]\.PINCFG28 = 0x06$/);
    expect(lines.slice(3).every((l) => / (R4 0x41004420 PORT\+0x020 Group\[0\]\.IN|W4 0x4100441[48] PORT\+0x01[48] Group\[0\]\.OUT(CLR|SET)|W4 0x4100441c PORT\+0x01c Group\[0\]\.OUTTGL) = 0x[0-9a-f]{8}$/.test(l))).toBe(true);
    const inRange = join(scratch, 'range.txt');
    cli('run', '--board', 'cpx', '--firmware', buttonLed, '--timeout', '0.005', '--no-reload', '--trace', 'io', '--trace-range', '0x41004420-0x41004423', '--trace-file', inRange);
    const reads = readFileSync(inRange, 'utf8').trim().split('\n');
    expect(reads.length).toBeGreaterThan(10);
    expect(reads.every((l) => l.includes(' R4 0x41004420 PORT+0x020 Group[0].IN = '))).toBe(true);
  });

  it('insn: one line per instruction from the ELF entry point, and the run is unchanged, cycle for cycle', () => {
    const demo = join(root, 'tests/firmware/demo/demo.elf');
    const elf = readFileSync(demo);
    const entry = elf.readUInt32LE(24) & ~1; // e_entry (ELF32 header), Thumb bit cleared
    const file = join(scratch, 'insn.txt');
    const traced = cli('run', '--board', 'test-m0', '--firmware', demo, '--timeout', '0.002', '--stats', '--trace', 'insn', '--trace-file', file);
    const plain = cli('run', '--board', 'test-m0', '--firmware', demo, '--timeout', '0.002', '--stats');
    const counts = (s: string) => /(\d+) instructions, (\d+) cycles/.exec(s)!.slice(1).map(Number);
    expect(counts(traced.stderr)).toEqual(counts(plain.stderr));
    expect(traced.stdout).toBe(plain.stdout);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.length).toBe(counts(plain.stderr)[0]);
    expect(lines[0]).toMatch(new RegExp(`^\\s*0 0\\.000000000 I 0x${entry.toString(16).padStart(8, '0')} [0-9a-f]{4}$`));
  });

  it('usage errors name the flag (status 64)', () => {
    for (const [args, message] of [
      [['--trace', 'everything'], /--trace takes io, insn or io,insn, not 'everything'/],
      [['--trace-range', '0-10'], /--trace-range needs --trace io or --trace insn/],
      [['--trace', 'io', '--trace-range', '10-0'], /not a range/],
      [['--trace', 'io', '--trace-range', 'low-high'], /--trace-range must be START-END/],
      [['--trace', 'io', '--trace-peripheral', 'SERCOM9'], /no peripheral SERCOM9 on this board \(peripherals: .*SERCOM0/],
      [['--trace', 'insn', '--trace-peripheral', 'PORT'], /--trace-peripheral filters --trace io/],
    ] as [string[], RegExp][]) {
      const r = cli('run', '--board', 'cpx', '--firmware', buttonLed, '--timeout', '0.001', '--no-reload', ...args);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.status, args.join(' ')).toBe(64);
    }
  });
});
