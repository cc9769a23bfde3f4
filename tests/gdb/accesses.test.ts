/**
 * The data accesses the GDB server predicts for read/access watchpoints (Z3/Z4): Thumb
 * encodings (assembled by arm-none-eabi-as, shown by objdump) against the addressing modes of
 * the ARMv6-M ARM (A6.7), with register values set for each.
 */
import { describe, expect, it } from 'vitest';
import { thumbAccesses } from '../../emulator/gdb/target.js';
import { xtensaAccesses } from '../../emulator/gdb/xtensa.js';
import { decode } from '../../cpu-xtensa/decode.js';

const regs = () => {
  const r = new Int32Array(16);
  for (let i = 0; i < 13; i++) r[i] = 0x20000100 + i * 0x10;
  r[13] = 0x2000ff80; // SP
  return r;
};

describe('thumbAccesses', () => {
  const r = regs();
  it.each([
    ['ldr r0, [pc, #8] at 0x102', 0x4802, 0x102, { address: 0x10c, length: 4, write: false }], // Align(PC+4, 4) + 8
    ['str r1, [r2, #4]', 0x6051, 0, { address: 0x20000120 + 4, length: 4, write: true }],
    ['ldrb r3, [r4, #5]', 0x7963, 0, { address: 0x20000140 + 5, length: 1, write: false }],
    ['strh r5, [r6, #6]', 0x80f5, 0, { address: 0x20000160 + 6, length: 2, write: true }],
    ['ldr r7, [sp, #12]', 0x9f03, 0, { address: 0x2000ff80 + 12, length: 4, write: false }],
    ['push {r4, lr}', 0xb510, 0, { address: 0x2000ff80 - 8, length: 8, write: true }],
    ['pop {r4, pc}', 0xbd10, 0, { address: 0x2000ff80, length: 8, write: false }],
    ['ldrh r3, [r0, r1]', 0x5a43, 0, { address: 0x20000100 + 0x20000110, length: 2, write: false }],
    ['str r2, [r3, r4]', 0x511a, 0, { address: (0x20000130 + 0x20000140) >>> 0, length: 4, write: true }],
    ['stmia r0!, {r1, r2}', 0xc006, 0, { address: 0x20000100, length: 8, write: true }],
    ['ldmia r5, {r0, r5, r7}', 0xcda1, 0, { address: 0x20000150, length: 12, write: false }],
  ] as const)('%s', (_name, h, pc, access) => {
    expect(thumbAccesses(h, pc, r)).toEqual([{ ...access, address: access.address >>> 0 }]);
  });
  it('no data access for other instructions (adds r0, r1, r2; b .)', () => {
    expect(thumbAccesses(0x1888, 0, r)).toEqual([]);
    expect(thumbAccesses(0xe7fe, 0, r)).toEqual([]);
  });
});

/**
 * The same for the LX106 (read/access watchpoints on the ESP8266): encodings assembled by
 * xtensa-lx106-elf-as and shown by objdump (the `_` forms keep the wide encodings), decoded by
 * the core's decoder, against the addressing of the Xtensa ISA Reference Manual (chapter 8:
 * AR[s] + imm8 scaled by the access size; L32R: the literal below the instruction, or at
 * LITBASE when absolute literals are enabled).
 */
describe('xtensaAccesses', () => {
  const a = new Int32Array(16);
  for (let i = 0; i < 16; i++) a[i] = 0x3ffe8000 + i * 0x100;
  const accesses = (bytes: number[], pc = 0x40100000, litbase = 0) => {
    const out = new Int32Array(2);
    const op = decode(bytes[0] | (bytes[1] << 8) | ((bytes[2] ?? 0) << 16), pc, litbase, out);
    return xtensaAccesses(op, out[0], out[1], a);
  };
  it.each([
    ['l8ui a3, a4, 5', [0x32, 0x04, 0x05], { address: 0x3ffe8400 + 5, length: 1, write: false }],
    ['l16ui a3, a4, 6', [0x32, 0x14, 0x03], { address: 0x3ffe8400 + 6, length: 2, write: false }],
    ['l16si a3, a4, 10', [0x32, 0x94, 0x05], { address: 0x3ffe8400 + 10, length: 2, write: false }],
    ['l32i a3, a4, 0x3fc', [0x32, 0x24, 0xff], { address: 0x3ffe8400 + 0x3fc, length: 4, write: false }],
    ['l32i.n a3, a4, 60', [0x38, 0xf4], { address: 0x3ffe8400 + 60, length: 4, write: false }],
    ['s8i a5, a6, 255', [0x52, 0x46, 0xff], { address: 0x3ffe8600 + 255, length: 1, write: true }],
    ['s16i a5, a6, 0x1fe', [0x52, 0x56, 0xff], { address: 0x3ffe8600 + 0x1fe, length: 2, write: true }],
    ['s32i a5, a6, 8', [0x52, 0x66, 0x02], { address: 0x3ffe8600 + 8, length: 4, write: true }],
    ['s32i.n a5, a6, 4', [0x59, 0x16], { address: 0x3ffe8600 + 4, length: 4, write: true }],
  ] as const)('%s', (_name, bytes, access) => {
    expect(accesses([...bytes])).toEqual([access]);
  });
  it('l32r: the literal objdump names (4010012d: ffd131 l32r a3, 40100074), and at LITBASE when enabled', () => {
    expect(accesses([0x31, 0xd1, 0xff], 0x4010012d)).toEqual([{ address: 0x40100074, length: 4, write: false }]);
    // Absolute literals: LITBASE[31:12] + the same negative offset (-47 words).
    expect(accesses([0x31, 0xd1, 0xff], 0x4010012d, 0x40108001)).toEqual([{ address: 0x40108000 - 47 * 4, length: 4, write: false }]);
  });
  it('no data access for other instructions (add a2, a3, a4; memw; ret.n)', () => {
    expect(accesses([0x40, 0x23, 0x80])).toEqual([]);
    expect(accesses([0xc0, 0x20, 0x00])).toEqual([]);
    expect(accesses([0x0d, 0xf0])).toEqual([]);
  });
});
