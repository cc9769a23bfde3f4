/**
 * `circuitemu run --gdb PORT` on the Xtensa LX106 (feather_huzzah, test-lx106) with a scripted
 * RSP client: Debian ships no GDB that knows Xtensa (gdb-multiarch lists no xtensa
 * architecture), so this client speaks the protocol as Espressif's xtensa-lx106-elf-gdb does,
 * with its register numbering (the lx106 overlay: a0..a15, pc = 16, sar, litbase, sr176, sr208,
 * ps, then the special registers; 50 in all). The program is ours
 * (tests/firmware/esp8266/gdb-target.c); symbols come from xtensa-lx106-elf-nm (installed by
 * .ci/run) and agree with the ELF's symbol table. The expected values come from what the
 * program wrote, the ELF, the Xtensa ISA manual's encodings (instruction lengths, the load/store
 * formats) and QEMU's lx106 configuration (CONFIGID0/1).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseElf } from '../../firmware-runtime/images/index.js';
import { rawClient, root, serve as serveBoard } from './client.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill();
});
const serve = (board: string, firmware: string) => serveBoard(children, board, firmware);

const target = join(root, 'tests/firmware/esp8266/gdb-target.elf');

/** The ELF's symbols, read with xtensa-lx106-elf-nm, checked against the ELF parser's. */
function symbols(elf: string): Map<string, number> {
  const parsed = parseElf(new Uint8Array(readFileSync(elf))).symbols!;
  const nm = spawnSync('xtensa-lx106-elf-nm', [elf]);
  if (nm.status !== 0) {
    console.warn('[tests/gdb/xtensa] xtensa-lx106-elf-nm missing (binutils-xtensa-lx106; .ci/run installs it): symbols from the ELF parser alone');
    return parsed;
  }
  const out = new Map<string, number>();
  for (const line of nm.stdout.toString().split('\n')) {
    const m = /^([0-9a-f]{8}) [TtBbDd] (\w+)$/.exec(line);
    if (m) out.set(m[2], parseInt(m[1], 16));
  }
  for (const [name, address] of out) if (parsed.has(name)) expect(parsed.get(name), name).toBe(address);
  return out;
}

/** 32 bits as GDB's little-endian hex, and back. */
const hexLE = (v: number) => Buffer.from(new Uint32Array([v >>> 0]).buffer).toString('hex');
const fromLE = (hex: string) => Buffer.from(hex, 'hex').readUInt32LE(0);

/**
 * GDB register numbers of the lx106 overlay: a0..a15 = 0..15, then pc, sar, litbase, sr176,
 * sr208, ps (the 22 the esp8266 gdbstubs send in a `g` reply, reg-xtensa.dat), mmid, ...
 */
const PC = 16;
const SAR = 17;
const SR176 = 19;
const SR208 = 20;
const PS = 21;
const MMID = 22;

/** Instruction length by the ISA's rule (code density option): op0 8..13 are 16-bit forms. */
const length = (byte0: number) => ((byte0 & 15) >= 8 ? 2 : 3);

type Client = ReturnType<typeof rawClient>;

async function register(c: Client, n: number): Promise<number> {
  return fromLE(await c.command(`p${n.toString(16)}`));
}

/** The stop reply's PC (register 0x10), checking its form. */
function stopPc(reply: string, signal = '05'): number {
  const m = new RegExp(`^T${signal}10:([0-9a-f]{8});`).exec(reply);
  if (!m) throw new Error(`not a stop reply with the PC: ${reply}`);
  return fromLE(m[1]);
}

async function memory(c: Client, address: number, n: number): Promise<Buffer> {
  return Buffer.from(await c.command(`m${address.toString(16)},${n.toString(16)}`), 'hex');
}

/**
 * The data address of the load or store at the PC, decoded from its bytes by the ISA manual's
 * formats (RRI8: op0 2, r = 0 L8UI, 1 L16UI, 2 L32I, 4 S8I, 5 S16I, 6 S32I, 9 L16SI, imm8
 * scaled by the size; RRRN: op0 8 L32I.N, 9 S32I.N, imm4 * 4), with the registers now.
 */
async function dataAccess(c: Client, pc: number): Promise<{ name: string; address: number }> {
  const [b0, b1, b2] = await memory(c, pc, 3);
  const op0 = b0 & 15;
  const base = await register(c, b1 & 15);
  if (op0 === 8 || op0 === 9) return { name: op0 === 8 ? 'l32i.n' : 's32i.n', address: (base + (b1 >> 4) * 4) >>> 0 };
  const rri8: Record<number, [string, number]> = { 0: ['l8ui', 1], 1: ['l16ui', 2], 2: ['l32i', 4], 4: ['s8i', 1], 5: ['s16i', 2], 6: ['s32i', 4], 9: ['l16si', 2] };
  const [name, size] = op0 === 2 ? (rri8[b1 >> 4] ?? ['?', 0]) : ['?', 0];
  return { name, address: (base + b2 * size) >>> 0 };
}

describe('the GDB server on the Xtensa LX106', () => {
  it('feather_huzzah: breakpoint on a symbol, every register the program set, memory, stepping through CALL0/RET and a loop, watchpoints, Ctrl-C, monitor reset', async () => {
    const sym = symbols(target);
    const entry = parseElf(new Uint8Array(readFileSync(target))).entry!;
    expect(sym.get('call_user_start')).toBe(entry);
    const { port, done, stdout } = await serve('feather_huzzah', target);
    const c = rawClient(port);
    await c.connected;

    expect(await c.command('qSupported:multiprocess+;swbreak+;hwbreak+')).toContain('qXfer:features:read+');
    const xml = await c.command('qXfer:features:read:target.xml:0,ffb');
    expect(xml[0]).toBe('l');
    // The architecture only: GDB's Xtensa port takes no registers from a description.
    expect(xml).toContain('<architecture>xtensa</architecture>');
    expect(xml).not.toContain('<reg');

    // Halted at the program's entry, as the boot ROM would start it.
    expect(stopPc(await c.command('?'))).toBe(entry);
    const psAtEntry = await register(c, PS);

    // Breakpoint on a symbol: every register as fill_registers left it.
    const filled = sym.get('registers_filled')!;
    expect(await c.command(`Z0,${filled.toString(16)},2`)).toBe('OK');
    expect(stopPc(await c.command('c'))).toBe(filled);
    const g = await c.command('g');
    expect(g).toHaveLength(50 * 8);
    const regs = [...Array(50).keys()].map((i) => g.slice(i * 8, i * 8 + 8));
    expect(regs[0]).toBe(hexLE(0));
    for (let n = 2; n < 16; n++) expect(regs[n], `a${n}`).toBe(hexLE(0x11111111 * n));
    const savedSp = (await memory(c, sym.get('saved_sp')!, 4)).readUInt32LE(0);
    expect(fromLE(regs[1])).toBe(savedSp);
    expect(savedSp).toBe(0x3ffffff0 - 16 - 32); // the ROM's stack top, call_user_start's and fill_registers' frames
    expect(regs[PC]).toBe(hexLE(filled));
    expect(regs[SAR]).toBe(hexLE(13));
    expect(regs[PS]).toBe(hexLE(0x23));
    expect(regs[SR176]).toBe(hexLE(0xc28cdafa)); // CONFIGID0 of QEMU's lx106
    expect(regs[SR208]).toBe(hexLE(0x1082b6f6)); // CONFIGID1
    expect(regs[MMID]).toBe('xxxxxxxx'); // not in the LX106: unavailable
    for (let n = 0; n < 50; n++) expect(await c.command(`p${n.toString(16)}`), `p${n}`).toBe(regs[n]);
    expect((await memory(c, sym.get('saved_ps')!, 4)).readUInt32LE(0)).toBe(psAtEntry);

    // One instruction per step: nop.n, CALL0 into bump (a0 = the return address), ADDI.N, RET.N back.
    const step = async () => stopPc(await c.command('s'));
    const [nop] = await memory(c, filled, 1);
    const call = filled + length(nop);
    expect(await step()).toBe(call);
    expect(await step()).toBe(sym.get('bump'));
    expect(await register(c, 0)).toBe(call + 3);
    await step();
    expect(await register(c, 2)).toBe(0x22222223);
    expect(await step()).toBe(call + 3);
    // MOVI.N a4, 3, then the loop: ADDI.N a4, a4, -1 / BNEZ a4, countdown, three times round.
    const loop = sym.get('countdown')!;
    expect(await step()).toBe(loop);
    expect(await register(c, 4)).toBe(3);
    const [addi] = await memory(c, loop, 1);
    const branch = loop + length(addi);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) seen.push(await step(), await register(c, 4));
    expect(seen).toEqual([branch, 2, loop, 2, branch, 1, loop, 1, branch, 0, branch + 3, 0]);

    // Registers and memory written; the read-only mask ROM and flash window refuse, unmapped space is an error.
    expect(await c.command(`P4=${hexLE(0x12345678)}`)).toBe('OK');
    expect(await register(c, 4)).toBe(0x12345678);
    expect(await c.command(`M3ffe8034,4:efbeadde`)).toBe('OK');
    expect((await memory(c, 0x3ffe8034, 4)).toString('hex')).toBe('efbeadde');
    expect(await c.command(`M40107ff0,4:01020304`)).toBe('OK'); // IRAM
    expect((await memory(c, 0x40107ff0, 4)).toString('hex')).toBe('01020304');
    expect(await c.command('M40200000,4:00000000')).toBe('E14');
    expect(await c.command('M40000080,4:00000000')).toBe('E14');
    expect(await c.command('m20000000,4')).toBe('E14');
    expect(await c.command(`z0,${filled.toString(16)},2`)).toBe('OK');

    // Watchpoints are reported before the access, as GDB expects of Xtensa (non-steppable).
    const counter = sym.get('counter')!;
    expect(await c.command(`Z2,${counter.toString(16)},4`)).toBe('OK');
    let reply = await c.command('c');
    expect(reply).toContain(`watch:${counter.toString(16)};`);
    let access = await dataAccess(c, stopPc(reply));
    expect(access.name).toMatch(/^s32i/);
    expect(access.address).toBe(counter);
    expect((await memory(c, counter, 4)).readUInt32LE(0)).toBe(0); // not yet written
    expect(await c.command(`z2,${counter.toString(16)},4`)).toBe('OK');
    expect(await c.command(`Z3,${counter.toString(16)},4`)).toBe('OK');
    reply = await c.command('c');
    expect(reply).toContain(`rwatch:${counter.toString(16)};`);
    access = await dataAccess(c, stopPc(reply));
    expect(access.name).toMatch(/^l32i/);
    expect(access.address).toBe(counter);
    expect((await memory(c, counter, 4)).readUInt32LE(0)).toBe(1); // the first round's 2 * 0 + 1
    expect(await c.command(`z3,${counter.toString(16)},4`)).toBe('OK');
    expect(await c.command(`Z4,${counter.toString(16)},4`)).toBe('OK');
    reply = await c.command('c');
    expect(reply).toContain(`awatch:${counter.toString(16)};`);
    expect((await dataAccess(c, stopPc(reply))).name).toMatch(/^s32i/);
    expect(await c.command(`z4,${counter.toString(16)},4`)).toBe('OK');

    // Run to the end (the program then spins), interrupt with Ctrl-C.
    c.send(c.packet('c'));
    for (let t = 0; !stdout().includes('DONE') && t < 500; t++) await new Promise((r) => setTimeout(r, 20));
    c.send('\x03');
    await c.waitFor(/\$T02[^#]*#[0-9a-f]{2}/);
    expect(stdout()).toContain('gdb-target counter 25\nDONE\n');
    expect((await memory(c, counter, 4)).readUInt32LE(0)).toBe(25);

    // monitor reset: back at the entry; a read watchpoint over the literal pool below it stops at
    // the first L32R (op0 1), whose literal (ISA: (PC + 3) & ~3 plus imm16 words, negative) lies in it.
    expect(await c.command(`qRcmd,${Buffer.from('reset').toString('hex')}`)).toBe('OK');
    expect(stopPc(await c.command('?'))).toBe(entry);
    expect(await c.command(`Z3,${(entry - 64).toString(16)},40`)).toBe('OK');
    const pc = stopPc(await c.command('c'));
    const [b0, b1, b2] = await memory(c, pc, 3);
    expect(b0 & 15).toBe(1);
    const literal = ((pc + 3) & ~3) + (((b1 | (b2 << 8)) << 16) >> 14);
    expect(literal).toBeGreaterThanOrEqual(entry - 64);
    expect(literal).toBeLessThan(entry);
    c.send(c.packet('k'));
    expect((await done).status).toBe(0);
  }, 120_000);

  it('garbage, bad arguments and clients that leave mid-command (one while the program runs) leave it serving', async () => {
    const { port, done } = await serve('feather_huzzah', target);
    const a = rawClient(port);
    await a.connected;
    a.send('garbage+-\x00\xff');
    a.send('$g#00'); // bad checksum
    expect(await a.waitFor(/-/)).toBe('-');
    for (const [packet, reply] of [
      ['qZZunknown', ''],
      ['cZZ', 'E01'],
      ['s123456789', 'E01'],
      ['p32', 'E01'], // register 50: past the 50 of the lx106 layout
      ['pzz', 'E01'],
      ['P10=zz', 'E01'],
      ['m40100000,ffffff', 'E01'],
      ['mzz', 'E01'],
      ['M3ffe8000,4:00', 'E01'],
      ['Z2,3ff00000,4', 'E01'], // a peripheral (DPORT): not plain memory
      ['Z2,3ffe8000,0', 'E01'],
      ['vCont;x', 'E01'],
      ['G00', 'E01'],
    ]) {
      expect(await a.command(packet), packet).toBe(reply);
    }
    a.send(a.packet('c'));
    await new Promise((r) => setTimeout(r, 200));
    a.close(); // gone while the program runs

    const b = rawClient(port);
    await b.connected;
    const pc = stopPc(await b.command('?'));
    expect(pc).toBeGreaterThan(0);
    expect(await b.command(`m${pc.toString(16)},2`)).toMatch(/^[0-9a-f]{4}$/);
    b.send('$m3ffe'); // half a packet, then gone
    b.close();

    const c = rawClient(port);
    await c.connected;
    expect(stopPc(await c.command('?'))).toBe(pc);
    c.send(c.packet('k'));
    expect((await done).status).toBe(0);
  }, 60_000);

  it('test-lx106 (QEMU sim memories): halted at the entry, the same register layout; detach lets the program finish', async () => {
    const elf = join(root, 'tests/firmware/lx106/asmops.elf');
    const entry = parseElf(new Uint8Array(readFileSync(elf))).entry!;
    const expected = JSON.parse(readFileSync(join(root, 'tests/firmware/lx106/asmops.expected.json'), 'utf8'));
    const { port, done } = await serve('test-lx106', elf);
    const c = rawClient(port);
    await c.connected;
    expect(stopPc(await c.command('?'))).toBe(entry);
    expect(await c.command('g')).toHaveLength(50 * 8);
    const [first] = await memory(c, entry, 1);
    expect(stopPc(await c.command('s'))).toBe(entry + length(first));
    expect(await c.command('D')).toBe('OK');
    const end = await done;
    expect(end.status).toBe(expected.exitCode);
    expect(end.stdout).toBe(expected.stdout);
  }, 60_000);
});
