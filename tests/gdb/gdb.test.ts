/**
 * `circuitemu run --gdb PORT` with a real client, Debian's gdb-multiarch (installed by .ci/run;
 * skipped with a message where it is missing), against our own test firmware on test-m0 and on
 * the CPX: breakpoints, a write watchpoint, registers, memory, stepping, continue, detach, kill; and with a raw RSP
 * client: Ctrl-C, garbage packets, a client that disconnects mid-command (the server keeps
 * serving the next one). Runs the built CLI (`npm test` builds dist/ first).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseElf } from '../../firmware-runtime/images/index.js';
import { checksum, rawClient, root, serve as serveBoard } from './client.js';

const bin = join(root, 'bin/circuitemu.js');
const intmath = join(root, 'tests/firmware/armv6m/intmath.elf');
const echoElf = join(root, 'tests/firmware/samd21-usb/usb_echo.elf');
const haveGdb = spawnSync('gdb-multiarch', ['--version']).status === 0;
if (!haveGdb) console.warn('[tests/gdb] SKIPPED gdb-multiarch sessions: install Debian\'s gdb-multiarch (.ci/run does)');

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill();
});
const serve = (board: string, firmware: string) => serveBoard(children, board, firmware);

function gdb(elf: string, port: number, commands: string[]): string {
  const args = ['-q', '-batch', '-nx', elf, '-ex', `target remote 127.0.0.1:${port}`, ...commands.flatMap((c) => ['-ex', c])];
  const r = spawnSync('gdb-multiarch', args, { timeout: 60_000 });
  return r.stdout.toString() + r.stderr.toString();
}

describe.skipIf(!haveGdb)('GDB sessions with gdb-multiarch', () => {
  it('test-m0: breakpoint, registers, memory, stepi, then detach lets the program finish', async () => {
    const { port, done } = await serve('test-m0', intmath);
    const out = gdb(intmath, port, [
      'print/x $pc',
      'print/x *(unsigned int *)4 == ((unsigned int)&Reset_Handler | 1)',
      'print/x $sp == *(unsigned int *)0',
      'break main',
      'continue',
      'print $pc == (void (*)()) main || $pc > (unsigned int) main',
      'info symbol $pc',
      'stepi',
      'print $pc',
      'x/2xh $pc',
      'set var $r3 = 0x1234abcd',
      'print/x $r3',
      'set {unsigned int}0x20008000 = 0xcafef00d',
      'print/x *(unsigned int *)0x20008000',
      'print *(unsigned int *)0xf0000000',
      'print/x $sp',
      // A write watchpoint below the stack pointer: the next push (in printf) writes it.
      'watch *(unsigned int *)0x2000ff7c',
      'continue',
      'info symbol $pc',
      'delete',
      'detach',
    ]);
    expect(out).toContain('$1 = 0xc0'); // the reset vector's target: Reset_Handler
    expect(out).toContain('$2 = 0x1');
    expect(out).toContain('$3 = 0x1');
    expect(out).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in main \(\)/);
    expect(out).toContain('$4 = 1');
    expect(out).toMatch(/main \+ \d+ in section \.text/);
    expect(out).toContain('$5 = (void (*)()) 0x');
    expect(out).toContain('$6 = 0x1234abcd');
    expect(out).toContain('$7 = 0xcafef00d');
    expect(out).toContain('Cannot access memory at address 0xf0000000');
    expect(out).toContain('$8 = 0x2000ff80');
    expect(out).toMatch(/Hardware watchpoint 2: \*\(unsigned int \*\)0x2000ff7c\s+Old value = \d+\s+New value = \d+/);
    expect(out).toMatch(/printf \+ \d+ in section \.text/);
    expect(out).toContain('[Inferior 1 (Remote target) detached]');
    const end = await done;
    expect(end.status).toBe(0);
    expect(end.stdout).toMatch(/^intmath: 28 values\n/);
  }, 120_000);

  it('test-m0: read and access watchpoints (Z3/Z4) stop at the instruction that reads or writes, as GDB expects on ARM', async () => {
    const { port } = await serve('test-m0', intmath);
    // printf's first instruction spills its variadic arguments (push {r1-r3}) over 0x2000ff7c;
    // _vfprintf_r later takes the argument back with ldmia r2!, {r3}.
    const out = gdb(intmath, port, [
      'break main',
      'continue',
      'awatch *(unsigned int *)0x2000ff7c',
      'continue',
      'info symbol $pc',
      'x/i $pc - 2',
      'delete',
      'rwatch *(unsigned int *)0x2000ff7c',
      'continue',
      'x/i $pc - 2',
      'print/x $r3',
      'kill',
    ]);
    expect(out).toMatch(/Hardware access \(read\/write\) watchpoint 2: \*\(unsigned int \*\)0x2000ff7c\s+Old value = 1\s+New value = 3/);
    expect(out).toContain('printf + 2 in section .text');
    expect(out).toMatch(/<printf>:\s+push\s+\{r0, r1, r2, r3\}/);
    expect(out).toMatch(/Hardware read watchpoint 3: \*\(unsigned int \*\)0x2000ff7c\s+Value = 3/);
    expect(out).toMatch(/<_vfprintf_r\+\d+>:\s+ldmia\s+r2!, \{r3\}/);
    expect(out).toContain('$1 = 0x3');
  }, 120_000);

  it('cpx (our USB echo firmware): breakpoint in the USB interrupt handler, registers, memory', async () => {
    const { port, done } = await serve('cpx', echoElf);
    const out = gdb(echoElf, port, ['break usb_handler', 'continue', 'print $pc == (unsigned int) usb_handler || 1', 'info symbol $pc', 'print/x $xpsr & 0x3f', 'x/2xw 0', 'kill']);
    expect(out).toMatch(/Breakpoint 1, 0x[0-9a-f]+ in usb_handler \(\)/);
    expect(out).toMatch(/usb_handler( \+ \d+)? in section \.text/);
    expect(out).toContain('$2 = 0x17'); // exception number 16 + USB IRQ 7 (SAMD21 data sheet, 11.2.2)
    // The vector table: initial SP, then reset_handler | 1 (from the ELF's own symbol table).
    const reset = parseElf(new Uint8Array(readFileSync(echoElf))).symbols!.get('reset_handler')!;
    expect(out).toMatch(new RegExp(`0x0 <vectors>:\\s+0x20008000\\s+0x${((reset | 1) >>> 0).toString(16).padStart(8, '0')}`));
    expect((await done).status).toBe(0);
  }, 120_000);
});

describe('the GDB server with a raw client', () => {
  it('answers Ctrl-C, NAKs garbage, survives a client leaving mid-command, and serves the next', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-gdb-'));
    // A raw test-m0 image that spins forever: SP, reset vector, then `b .`.
    const image = new Uint8Array(0x42);
    const dv = new DataView(image.buffer);
    dv.setUint32(0, 0x20004000, true);
    dv.setUint32(4, 0x41, true);
    dv.setUint16(0x40, 0xe7fe, true);
    const spin = join(scratch, 'spin.bin');
    writeFileSync(spin, image);
    const { port, done } = await serve('test-m0', spin);

    const a = rawClient(port);
    await a.connected;
    a.send('garbage+-\x00');
    a.send('$m0,4#00'); // bad checksum
    expect(await a.waitFor(/-/)).toBe('-');
    a.send(a.packet('qZZunknown'));
    expect(await a.waitFor(/#00$/)).toBe('+$#00'); // an empty reply: not supported
    a.send(a.packet('m0,8'));
    expect(await a.waitFor(/#..$/)).toBe('+$0040002041000000#' + checksum('0040002041000000'));
    a.send(a.packet('c'));
    await new Promise((r) => setTimeout(r, 300));
    a.send('\x03');
    expect(await a.waitFor(/\$T02/)).toMatch(/^\+\$T020f:40000000;#[0-9a-f]{2}$/);
    a.send('$m0,'); // half a command, then gone
    a.close();

    const b = rawClient(port);
    await b.connected;
    b.send(b.packet('?'));
    expect(await b.waitFor(/#..$/)).toMatch(/^\+\$T050f:40000000;#/);
    b.send(b.packet('g'));
    const regs = await b.waitFor(/#..$/);
    expect(regs.slice(2, 2 + 17 * 8)).toMatch(/^[0-9a-f]{136}$/);
    expect(regs.slice(2 + 13 * 8, 2 + 14 * 8)).toBe('00400020'); // sp
    b.send(b.packet('k'));
    expect((await done).status).toBe(0);
  }, 60_000);

  it('refuses a bad port as a usage error', () => {
    const bad = spawnSync(process.execPath, [bin, 'run', '--board', 'test-m0', '--firmware', intmath, '--gdb', 'eighty']);
    expect(bad.status).toBe(64);
    expect(bad.stderr.toString()).toContain("--gdb needs a TCP port 0..65535 (0: any free port), not 'eighty'");
  });
});

