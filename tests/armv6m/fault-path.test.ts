/**
 * The HardFault path when the program handles its faults (issue 8 item 15): no register dump is
 * formatted until a fault is reported, yet a report still shows the registers as they were at
 * the fault, not as the handler left them.
 */
import { describe, expect, it, vi } from 'vitest';
import { createTestM0 } from '../../boards/test-m0.js';
import type { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { FaultKind } from '../../cpu-armv6m/exceptions.js';

const CODE = 0x100;
const HANDLER = 0x200;
const halfwords = (list: number[]): Uint8Array => new Uint8Array(new Uint16Array(list).buffer);

/** test-m0 with `code` at 0x100 and `handler` as the HardFault handler. */
function board(code: number[], handler: number[]) {
  const b = createTestM0();
  const vectors = new Uint32Array(16);
  vectors[0] = 0x20004000;
  vectors[1] = CODE | 1;
  vectors[3] = HANDLER | 1;
  b.load([
    { address: 0, data: new Uint8Array(vectors.buffer) },
    { address: CODE, data: halfwords(code) },
    { address: HANDLER, data: halfwords(handler) },
  ]);
  return { machine: b.machine, core: b.machine.core as CortexM0Plus };
}

describe('HardFault path', () => {
  it('formats no register dump for faults the program handles', () => {
    // main: udf #0; b main. HardFault: step the stacked PC over the UDF and return.
    // mov r0, sp; ldr r1, [r0, #24]; adds r1, #2; str r1, [r0, #24]; bx lr
    const { machine, core } = board([0xde00, 0xe7fd], [0x4668, 0x6981, 0x3102, 0x6181, 0x4770]);
    const describe = vi.spyOn(core, 'describeState');
    expect(machine.runFor(0.01)).toBe(null); // still running: every fault was handled
    const faults = core.instructions / 7; // udf + 5 handler instructions + b
    expect(faults).toBeGreaterThan(1000);
    expect(describe).not.toHaveBeenCalled();
    expect(core.exceptions.lastFault).toMatchObject({ kind: FaultKind.Undefined, pc: CODE });
  });

  it('reports the registers as they were at the fault when the handler gives up', () => {
    // main: movs r0, #0x42; udf #0. HardFault: movs r0, #0x99; b .
    const { machine } = board([0x2042, 0xde00], [0x2099, 0xe7fe]);
    const halt = machine.runFor(0.01);
    expect(halt?.reason).toBe('fault');
    expect(halt?.message).toMatch(/^HardFault: undefined instruction at pc=0x00000102 \(address 0x00000102\)\nregisters at the fault:\n r0=0x00000042 /);
    expect(halt?.message).toMatch(/xpsr=0x01000000 \[nzcv\] mode=thread /);
    expect(halt?.message).toMatch(/the HardFault handler spins at 0x00000202$/);
  });
});
