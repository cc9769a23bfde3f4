/**
 * The `circuitemu` command as a user runs it: exit statuses, console output, and bad input
 * (wrong flags, truncated or garbage images, runaway programs) that must end in a clear message.
 * Runs the built CLI (`npm test` builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const demo = join(root, 'tests/firmware/demo/demo.elf');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-cli-'));

function cli(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

function file(name: string, data: Uint8Array): string {
  const path = join(scratch, name);
  writeFileSync(path, data);
  return path;
}

/** A raw test-m0 image: vector table (SP, reset) followed by Thumb code at 0x40. */
function rawImage(code: number[]): Uint8Array {
  const image = new Uint8Array(0x40 + 2 * code.length);
  const dv = new DataView(image.buffer);
  dv.setUint32(0, 0x20004000, true);
  dv.setUint32(4, 0x41, true);
  dv.setUint32(12, 0x41, true); // HardFault -> the same code: faulting again there locks up
  code.forEach((h, i) => dv.setUint16(0x40 + 2 * i, h, true));
  return image;
}

describe('circuitemu run on the cpx board (our own USB firmware)', () => {
  const echo = join(root, 'tests/firmware/samd21-usb/usb_echo.elf');

  it('enumerates over the emulated USB host and streams stdin to the CDC console and back', () => {
    const r = cli(['run', '--board', 'cpx', '--firmware', echo, '--expect-text', 'ping-pong', '--timeout', '10'], new TextEncoder().encode('ping-pong'));
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('ping-pong');
    expect(r.status).toBe(0);
  });

  it('rejects a UF2 of another chip family', () => {
    const image = new Uint8Array(512);
    const dv = new DataView(image.buffer);
    [0x0a324655, 0x9e5d5157, 0x2000, 0x2000, 256, 0, 1, 0x7eab61ed].forEach((w, i) => dv.setUint32(4 * i, w, true));
    dv.setUint32(508, 0x0ab16f30, true);
    const r = cli(['run', '--board', 'cpx', '--firmware', file('esp.uf2', image)]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/UF2: .*family/i);
  });
});

describe('circuitemu drive', () => {
  it('creates a CIRCUITPY image, writes, lists and reads files without running firmware', () => {
    const image = join(scratch, 'drive.img');
    const src = file('hello.py', new TextEncoder().encode('print("hi")\n'));
    const w = cli(['drive', 'write', '--flash', image, '/lib/hello.py', src]);
    expect(w.status).toBe(0);
    expect(w.stderr).toMatch(/created .*drive\.img/);
    const list = cli(['drive', 'list', '--flash', image]).stdout;
    expect(list).toMatch(/^\s+12 \/lib\/hello\.py$/m);
    expect(list).toMatch(/^\s+22 \/code\.py$/m); // the file CircuitPython creates when it formats
    expect(cli(['drive', 'read', '--flash', image, '/lib/hello.py']).stdout).toBe('print("hi")\n');
    expect(readFileSync(image).length).toBe(2 * 1024 * 1024);
  });

  it('reports a missing file, a wrong-size image and a corrupt drive clearly', () => {
    const image = join(scratch, 'drive2.img');
    cli(['drive', 'write', '--flash', image, '/a.txt', file('a.txt', new TextEncoder().encode('a'))]);
    const missing = cli(['drive', 'read', '--flash', image, '/nope.txt']);
    expect(missing.status).toBe(65);
    expect(missing.stderr).toMatch(/CIRCUITPY drive: .*nope\.txt/);
    const small = cli(['drive', 'list', '--flash', file('small.img', new Uint8Array(1000))]);
    expect(small.status).toBe(65);
    expect(small.stderr).toMatch(/1000/);
    const bad = new Uint8Array(readFileSync(image));
    bad.fill(0x5a, 11, 40); // wreck the BIOS parameter block but keep the boot signature
    const corrupt = cli(['drive', 'list', '--flash', file('corrupt.img', bad)]);
    expect(corrupt.status).toBe(65);
    expect(corrupt.stderr).toMatch(/CIRCUITPY drive: /);
    expect(cli(['drive', 'list']).status).toBe(64);
  });

  it('keeps a copy of an unreadable flash image before a run can reformat it', () => {
    const image = file('garbage.img', new Uint8Array(2 * 1024 * 1024).fill(0x5a));
    const echo = join(root, 'tests/firmware/samd21-usb/usb_echo.elf');
    const r = cli(['run', '--board', 'cpx', '--firmware', echo, '--flash', image, '--timeout', '0.05']);
    expect(r.stderr).toMatch(/holds no readable CIRCUITPY drive.*kept as .*garbage\.img\.bak/);
    expect(readFileSync(`${image}.bak`).every((b) => b === 0x5a)).toBe(true);
  });
});

describe('circuitemu run', () => {
  it('prints the console and exits with the program status', () => {
    const r = cli(['run', '--board', 'test-m0', '--firmware', demo]);
    expect(r.stdout).toContain('circuitemu demo on test-m0 (Cortex-M0+, CPUID 0x410cc601)');
    expect(r.stdout).toContain('20! = 2432902008176640000');
    expect(r.stdout.trimEnd().endsWith('bye')).toBe(true);
    expect(r.status).toBe(0);
  });

  it('--expect-text ends the run with status 0 as soon as the text appears', () => {
    const r = cli(['run', '--board', 'test-m0', '--firmware', demo, '--expect-text', 'heartbeat 2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('heartbeat 2');
    expect(r.stdout).not.toContain('heartbeat 4');
  });

  it('ends a program that never finishes at --timeout with status 124', () => {
    const spin = file('spin.bin', rawImage([0xe7fe])); // b .
    const r = cli(['run', '--board', 'test-m0', '--firmware', spin, '--timeout', '0.5']);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/timeout: the program was still running after 0.5 simulated seconds/);
  });

  it('reports a lockup with the fault kind, PC and registers (status 125)', () => {
    const udf = file('udf.bin', rawImage([0xde00]));
    const r = cli(['run', '--board', 'test-m0', '--firmware', udf, '--timeout', '1']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/fault: lockup: undefined instruction/);
    expect(r.stderr).toMatch(/pc=0x00000040/);
    expect(r.stderr).toMatch(/r0=0x/);
  });

  it('reports a jump into garbage instead of hanging', () => {
    // ldr r0, [pc, #0]; bx r0 -> 0x30000001 (unmapped): fetch fault, HardFault at 0x41 faults again
    const image = rawImage([0x4800, 0x4700, 0x0001, 0x3000]);
    const r = cli(['run', '--board', 'test-m0', '--firmware', file('jump.bin', image), '--timeout', '1']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/fault: lockup/);
  });

  it('rejects truncated and corrupt images with status 65 and a reason', () => {
    const elf = readFileSync(demo);
    for (const cut of [10, 52, 100, 1000, elf.length - 1]) {
      const r = cli(['run', '--board', 'test-m0', '--firmware', file(`cut${cut}.elf`, elf.subarray(0, cut))]);
      expect(r.status, `cut at ${cut}`).toBe(65);
      expect(r.stderr).toMatch(/cannot load firmware: ELF: /);
    }
    const hex = file('bad.hex', new TextEncoder().encode(':020000040000FA\n:10000000FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF01\n'));
    expect(cli(['run', '--board', 'test-m0', '--firmware', hex]).stderr).toMatch(/Intel HEX: .*checksum/i);
  });

  it('rejects an image outside the memory map', () => {
    const hex = file('far.hex', new TextEncoder().encode(':020000044000BA\n:0400000001020304F2\n:00000001FF\n'));
    const r = cli(['run', '--board', 'test-m0', '--firmware', hex]);
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(/0x40000000/);
  });

  it('answers usage errors with status 64', () => {
    expect(cli(['run', '--board', 'test-m0']).status).toBe(64);
    expect(cli(['run', '--board', 'nope', '--firmware', demo]).stderr).toMatch(/unknown board 'nope'/);
    expect(cli(['run', '--bogus']).status).toBe(64);
    expect(cli(['run', '--board', 'test-m0', '--firmware', demo, '--timeout', 'abc']).stderr).toMatch(/--timeout/);
    expect(cli(['frobnicate']).status).toBe(64);
    expect(cli(['run', '--board', 'test-m0', '--firmware', join(scratch, 'missing.elf')]).status).toBe(66); // EX_NOINPUT
  });

  it('lists boards and prints help', () => {
    expect(cli(['boards']).stdout).toMatch(/^test-m0/m);
    expect(cli(['--help']).stdout).toMatch(/usage:/);
  });
});
