/**
 * ARM semihosting operations, called as the core calls them on `BKPT 0xAB` (r0 = operation,
 * r1 = parameter block), checked against "Semihosting for AArch32 and AArch64" v2.0. The C test
 * programs exercise the common path through newlib; this covers every operation's edges,
 * including the ones whose result depends on time (simulated, so deterministic).
 */
import { describe, expect, it } from 'vitest';
import { createTestM0 } from '../../boards/test-m0.js';
import type { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { forEachCpuMode } from './cpu-modes.js';

const BLOCK = 0x20001000;
const DATA = 0x20002000;

function rig() {
  const board = createTestM0('prog arg1');
  board.load([{ address: 0, data: new Uint8Array(new Uint32Array([0x20008000, 0x101]).buffer) }]);
  const core = board.machine.core as CortexM0Plus;
  const bus = board.machine.bus;
  const call = (op: number, words: number[] = [], param?: number) => {
    words.forEach((w, i) => bus.write32(BLOCK + 4 * i, w));
    return core.options.semihosting!(core, op, param ?? BLOCK);
  };
  const put = (address: number, text: string) => {
    const bytes = new TextEncoder().encode(text);
    bytes.forEach((b, i) => bus.write8(address + i, b));
    return bytes.length;
  };
  return { board, core, bus, call, put };
}

forEachCpuMode(() => {
describe('ARM semihosting', () => {
  it('opens the console as :tt and writes through SYS_WRITE, SYS_WRITE0 and SYS_WRITEC', () => {
    const { board, call, put, bus } = rig();
    const n = put(DATA, ':tt');
    const out = call(0x01, [DATA, 4, n]);
    expect(out).toBeGreaterThan(0);
    put(DATA + 16, 'hello');
    expect(call(0x05, [out, DATA + 16, 5])).toBe(0); // bytes NOT written
    put(DATA + 32, ' world\0');
    call(0x04, [], DATA + 32);
    bus.write8(DATA + 48, 0x21);
    call(0x03, [], DATA + 48);
    expect(board.machine.stdout.text()).toBe('hello world!');
    expect(call(0x09, [out])).toBe(1); // SYS_ISTTY
    expect(call(0x02, [out])).toBe(0); // SYS_CLOSE
    expect(call(0x02, [out])).toBe(-1); // closed twice
    expect(call(0x13)).toBe(9); // EBADF
  });

  it('never opens host files', () => {
    const { call, put } = rig();
    const n = put(DATA, '/etc/passwd');
    expect(call(0x01, [DATA, 0, n])).toBe(-1);
    expect(call(0x13)).toBe(2); // ENOENT
    expect(call(0x0e, [DATA, n])).toBe(-1); // SYS_REMOVE
    expect(call(0x12, [DATA, n])).toBe(-1); // SYS_SYSTEM
  });

  it('reads stdin with SYS_READ (returns the count NOT read) and reports end of file', () => {
    const { board, call, put, bus } = rig();
    board.machine.stdin.push(new TextEncoder().encode('abc'));
    board.machine.stdin.close();
    const n = put(DATA, ':tt');
    const inp = call(0x01, [DATA, 0, n]);
    expect(call(0x06, [inp, DATA + 64, 8])).toBe(5);
    expect([0, 1, 2].map((i) => bus.read8(DATA + 64 + i))).toEqual([0x61, 0x62, 0x63]);
    expect(call(0x06, [inp, DATA + 64, 8])).toBe(8); // end of file
    expect(call(0x07)).toBe(-1); // SYS_READC at end of file
  });

  it('serves the feature file: SHFB with EXIT_EXTENDED and STDOUT_STDERR, seekable', () => {
    const { call, put, bus } = rig();
    const n = put(DATA, ':semihosting-features');
    const fd = call(0x01, [DATA, 0, n]);
    expect(call(0x0c, [fd])).toBe(5); // SYS_FLEN
    expect(call(0x09, [fd])).toBe(0); // not a tty
    expect(call(0x0a, [fd, 4])).toBe(0); // SYS_SEEK
    expect(call(0x06, [fd, DATA + 64, 1])).toBe(0);
    expect(bus.read8(DATA + 64)).toBe(0x03);
  });

  it('measures simulated time: SYS_CLOCK, SYS_TIME, SYS_ELAPSED, SYS_TICKFREQ', () => {
    const { board, call, bus } = rig();
    board.machine.scheduler.cycles = 48_000_000 * 2.5; // 2.5 simulated seconds
    expect(call(0x10)).toBe(250); // centiseconds
    // SYS_TIME: seconds since 1970, the board's epoch (--epoch; default 2026-01-01T00:00:00Z) plus simulated time.
    expect(call(0x11)).toBe(1_767_225_600 + 2);
    expect(call(0x31)).toBe(48_000_000);
    expect(call(0x30, [], DATA)).toBe(0);
    expect(bus.read32(DATA)).toBe(board.machine.scheduler.cycles); // 2.5 s plus the calls' own cycles
    expect(bus.read32(DATA)).toBeLessThan(120_000_010);
    expect(bus.read32(DATA + 4)).toBe(0);
  });

  it('returns the command line and the heap/stack layout', () => {
    const { call, bus } = rig();
    expect(call(0x15, [DATA, 64])).toBe(0);
    expect(bus.read32(BLOCK + 4)).toBe(9);
    expect(new TextDecoder().decode(bus.readBlock(DATA, 9))).toBe('prog arg1');
    expect(call(0x15, [DATA, 4])).toBe(-1); // buffer too small
    call(0x16, [DATA]);
    expect([0, 4, 8, 12].map((o) => bus.read32(DATA + o) >>> 0)).toEqual([0x20000000, 0x20010000, 0x20010000, 0x20000000]);
  });

  it('exits with SYS_EXIT (reason only) and SYS_EXIT_EXTENDED (status), and rejects unknown operations', () => {
    const a = rig();
    a.call(0x18, [], 0x20026);
    expect(a.board.machine.halt).toMatchObject({ reason: 'exit', exitCode: 0 });
    const b = rig();
    b.call(0x18, [], 0x20023); // ADP_Stopped_RunTimeErrorUnknown
    expect(b.board.machine.halt).toMatchObject({ reason: 'exit', exitCode: 1 });
    const c = rig();
    c.call(0x20, [0x20026, 42]);
    expect(c.board.machine.halt).toMatchObject({ reason: 'exit', exitCode: 42 });
    const d = rig();
    expect(d.call(0x99)).toBe(-1);
    expect(d.call(0x13)).toBe(22); // EINVAL
  });
});
});
