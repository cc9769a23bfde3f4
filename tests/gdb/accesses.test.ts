/**
 * The data accesses the GDB server predicts for read/access watchpoints (Z3/Z4): Thumb
 * encodings (assembled by arm-none-eabi-as, shown by objdump) against the addressing modes of
 * the ARMv6-M ARM (A6.7), with register values set for each.
 */
import { describe, expect, it } from 'vitest';
import { thumbAccesses } from '../../emulator/gdb/target.js';

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
