/**
 * Per-instruction and exception-model tests of the Cortex-M0+ core. Encodings were produced by
 * GNU as (arm-none-eabi-as -mcpu=cortex-m0plus) and are written as hex with the source beside
 * them; expected values follow the ARMv6-M Architecture Reference Manual pseudocode.
 */
import { describe, expect, it } from 'vitest';
import { createTestM0 } from '../../boards/test-m0.js';
import type { CortexM0Plus } from '../../cpu-armv6m/core.js';
import { FaultKind } from '../../cpu-armv6m/exceptions.js';
import type { Machine } from '../../emulator/kernel/machine.js';
import { forEachCpuMode } from './cpu-modes.js';

const CODE = 0x100;
const HANDLERS = 0x400; // HardFault, SVC, PendSV, SysTick handlers: each `bkpt 0xab` unless given
const STACK = 0x20008000;
const BKPT_STOP = 0xbeab;

interface Rig {
  core: CortexM0Plus;
  machine: Machine;
  /** Which exception's handler reached the stop BKPT (0: the main code). */
  stoppedIn: () => number;
}

/**
 * Builds test-m0 with `code` at 0x100 (followed by a stop BKPT), default handlers that stop, and
 * runs it. BKPT 0xAB stops the machine without touching registers.
 */
function run(
  code: number[],
  setup: (core: CortexM0Plus) => void = () => {},
  opts: { handlers?: Record<number, number[]>; seconds?: number; extra?: { address: number; words: number[] }[] } = {},
): Rig {
  const board = createTestM0();
  const vectors = new Uint32Array(48);
  vectors[0] = STACK;
  vectors[1] = CODE | 1;
  const handlerCode: number[] = [];
  for (let exc = 2; exc < 48; exc++) {
    const body = opts.handlers?.[exc] ?? [BKPT_STOP];
    vectors[exc] = (HANDLERS + 2 * handlerCode.length) | 1;
    handlerCode.push(...body);
  }
  const halfwords = (list: number[]) => new Uint8Array(new Uint16Array(list).buffer);
  board.load([
    { address: 0, data: new Uint8Array(vectors.buffer) },
    { address: CODE, data: halfwords([...code, BKPT_STOP]) },
    { address: HANDLERS, data: halfwords(handlerCode) },
    ...(opts.extra ?? []).map((e) => ({ address: e.address, data: new Uint8Array(new Uint32Array(e.words).buffer) })),
  ]);
  const machine = board.machine;
  const core = machine.core as CortexM0Plus;
  let stoppedIn = -1;
  core.options.semihosting = (c) => {
    stoppedIn = c.exceptions.ipsr;
    machine.stop({ reason: 'exit', exitCode: 0, message: 'stop' });
    return c.r[0];
  };
  setup(core);
  machine.runFor(opts.seconds ?? 0.001);
  return { core, machine, stoppedIn: () => stoppedIn };
}

const u = (v: number) => v >>> 0;
const flags = (c: CortexM0Plus) => `${c.N}${c.Z}${c.C}${c.V}`;

function alu(op: number, r0: number, r1: number, carryIn = 0): { r0: number; nzcv: string } {
  const { core } = run([op], (c) => {
    c.r[0] = r0;
    c.r[1] = r1;
    c.C = carryIn;
  });
  return { r0: u(core.r[0]), nzcv: flags(core) };
}

forEachCpuMode(() => {
describe('ALU flags at the edges', () => {
  it.each([
    // [name, op, r0, r1, carry in, result, NZCV]
    ['ADDS max+1 overflows', 0x1840, 0x7fffffff, 1, 0, 0x80000000, '1001'],
    ['ADDS -1+1 carries to zero', 0x1840, 0xffffffff, 1, 0, 0, '0110'],
    ['ADDS min+min overflows and carries', 0x1840, 0x80000000, 0x80000000, 0, 0, '0111'],
    ['ADCS with carry in', 0x4148, 0xfffffffe, 1, 1, 0, '0110'],
    ['ADCS 0x7fffffff+0+C overflows', 0x4148, 0x7fffffff, 0, 1, 0x80000000, '1001'],
    ['SUBS 0-1 borrows (C clear)', 0x1a40, 0, 1, 0, 0xffffffff, '1000'],
    ['SUBS equal: Z and C set', 0x1a40, 5, 5, 0, 0, '0110'],
    ['SUBS min-1 overflows', 0x1a40, 0x80000000, 1, 0, 0x7fffffff, '0011'],
    ['SBCS C=0 subtracts one more', 0x4188, 5, 5, 0, 0xffffffff, '1000'],
    ['SBCS C=1 is plain subtraction', 0x4188, 5, 5, 1, 0, '0110'],
    ['NEGS of 0 sets C', 0x4248, 0, 0, 0, 0, '0110'],
    ['NEGS of min overflows', 0x4248, 0, 0x80000000, 0, 0x80000000, '1001'],
    ['MULS keeps C and V', 0x4348, 0x10000, 0x10000, 1, 0, '0110'],
    ['MULS negative', 0x4348, 0xffffffff, 3, 0, 0xfffffffd, '1000'],
    ['MVNS', 0x43c8, 0, 0, 0, 0xffffffff, '1000'],
    ['BICS', 0x4388, 0xff, 0x0f, 0, 0xf0, '0000'],
  ])('%s', (_name, op, r0, r1, c, result, nzcv) => {
    expect(alu(op, r0, r1, c)).toEqual({ r0: result, nzcv });
  });

  it('CMP and CMN set flags without writing', () => {
    expect(alu(0x4288, 1, 2)).toEqual({ r0: 1, nzcv: '1000' });
    expect(alu(0x4288, 0x80000000, 1)).toEqual({ r0: 0x80000000, nzcv: '0011' });
    expect(alu(0x42c8, 0xffffffff, 1)).toEqual({ r0: 0xffffffff, nzcv: '0110' });
  });
});

describe('shifts through a register (amount = bottom byte of Rm)', () => {
  const v = 0x80000001;
  it.each([
    // [name, op, amount, carry in, result, C]
    ['LSLS by 0 keeps C', 0x4088, 0, 1, v, 1],
    ['LSLS by 1', 0x4088, 1, 0, 0x00000002, 1],
    ['LSLS by 31', 0x4088, 31, 0, 0x80000000, 0],
    ['LSLS by 32: result 0, C = bit 0', 0x4088, 32, 0, 0, 1],
    ['LSLS by 33: result 0, C = 0', 0x4088, 33, 1, 0, 0],
    ['LSLS by 256 is by 0', 0x4088, 256, 1, v, 1],
    ['LSRS by 1', 0x40c8, 1, 0, 0x40000000, 1],
    ['LSRS by 32: C = bit 31', 0x40c8, 32, 0, 0, 1],
    ['LSRS by 33', 0x40c8, 33, 1, 0, 0],
    ['ASRS by 31', 0x4108, 31, 0, 0xffffffff, 0],
    ['ASRS by 32 fills with sign', 0x4108, 32, 0, 0xffffffff, 1],
    ['ASRS by 255', 0x4108, 255, 0, 0xffffffff, 1],
    ['RORS by 1', 0x41c8, 1, 0, 0xc0000000, 1],
    ['RORS by 32: value kept, C = bit 31', 0x41c8, 32, 0, v, 1],
    ['RORS by 33 is by 1', 0x41c8, 33, 0, 0xc0000000, 1],
    ['RORS by 0 keeps C', 0x41c8, 0, 0, v, 0],
  ])('%s', (_name, op, amount, c, result, carry) => {
    const { core } = run([op], (cpu) => {
      cpu.r[0] = v;
      cpu.r[1] = amount;
      cpu.C = c;
    });
    expect(u(core.r[0])).toBe(result);
    expect(core.C).toBe(carry);
  });

  it('LSRS/ASRS #32 immediate forms and LSLS #0 (MOVS)', () => {
    const lsr = run([0x0808], (c) => (c.r[1] = 0x80000000)).core;
    expect([u(lsr.r[0]), lsr.C, lsr.Z]).toEqual([0, 1, 1]);
    const asr = run([0x1008], (c) => (c.r[1] = 0x80000000)).core;
    expect([u(asr.r[0]), asr.C, asr.N]).toEqual([0xffffffff, 1, 1]);
    const mov = run([0x0008], (c) => {
      c.r[1] = 0;
      c.C = 1;
    }).core;
    expect([u(mov.r[0]), mov.C, mov.Z]).toEqual([0, 1, 1]);
  });
});

describe('byte reversal and extension', () => {
  it.each([
    ['REV', 0xba08, 0x11223344, 0x44332211],
    ['REV16', 0xba48, 0x11223344, 0x22114433],
    ['REVSH sign-extends', 0xbac8, 0x000080ff, 0xffffff80],
    ['SXTB', 0xb248, 0x1234ff80, 0xffffff80],
    ['SXTH', 0xb208, 0x12348000, 0xffff8000],
    ['UXTB', 0xb2c8, 0x1234ff80, 0x80],
    ['UXTH', 0xb288, 0x12348000, 0x8000],
  ])('%s', (_name, op, input, result) => {
    expect(u(run([op], (c) => (c.r[1] = input)).core.r[0])).toBe(result);
  });
});

describe('PC-relative reads and SP rules', () => {
  it('MOV r0, pc and ADD r0, pc read the instruction address + 4', () => {
    expect(u(run([0x4678]).core.r[0])).toBe(CODE + 4);
    expect(u(run([0x46c0, 0x4478], (c) => (c.r[0] = 1)).core.r[0])).toBe(CODE + 2 + 4 + 1);
  });

  it('LDR literal and ADR align the PC down to a word', () => {
    // at 0x100: ldr r0, [pc, #4] -> Align(0x104,4)+4 = 0x108; at 0x102 the same base 0x104 -> 0x108
    const words = { address: 0x108, words: [0xcafef00d] };
    expect(u(run([0x4801], () => {}, { extra: [words] }).core.r[0])).toBe(0xcafef00d);
    expect(u(run([0x46c0, 0x4801], () => {}, { extra: [words] }).core.r[0])).toBe(0xcafef00d);
    // adr r0, #4 at 0x102: Align(0x106, 4) = 0x104, + 4 = 0x108
    expect(u(run([0x46c0, 0xa001]).core.r[0])).toBe(0x108);
  });

  it('writes to SP through MOV clear bits 1:0', () => {
    const { core } = run([0x4685], (c) => (c.r[0] = 0x20001007));
    expect(u(core.r[13])).toBe(0x20001004);
  });

  it('ADD/SUB SP immediate', () => {
    expect(u(run([0xb004]).core.r[13])).toBe(STACK + 16);
    expect(u(run([0xb084]).core.r[13])).toBe(STACK - 16);
  });
});

describe('loads, stores and multiple transfers', () => {
  it('LDM with the base in the list does not write back', () => {
    const { core } = run([0xc803], (c) => (c.r[0] = 0x200), { extra: [{ address: 0x200, words: [11, 22] }] });
    expect([core.r[0], core.r[1]]).toEqual([11, 22]);
  });

  it('LDM! writes back, STM! stores ascending', () => {
    const a = run([0xc905], (c) => (c.r[1] = 0x200), { extra: [{ address: 0x200, words: [7, 8] }] }).core;
    expect([a.r[0], a.r[2], u(a.r[1])]).toEqual([7, 8, 0x208]);
    const b = run([0xc006], (c) => {
      c.r[0] = 0x20000000;
      c.r[1] = 5;
      c.r[2] = 6;
    }).core;
    expect(u(b.r[0])).toBe(0x20000008);
    expect([b.read32(0x20000000), b.read32(0x20000004)]).toEqual([5, 6]);
  });

  it('PUSH/POP {pc} round-trips and interworks', () => {
    // push {r0, r1, lr}; pop {r2, r3, pc} with lr = address of the stop BKPT | 1
    const { core, stoppedIn } = run([0xb503, 0xbd0c, 0x46c0, 0x46c0], (c) => {
      c.r[0] = 1;
      c.r[1] = 2;
      c.r[14] = (CODE + 8) | 1;
    });
    expect([core.r[2], core.r[3], u(core.r[13])]).toEqual([1, 2, STACK]);
    expect(core.pc).toBe(CODE + 10); // after the stop BKPT at CODE + 8: the NOPs were skipped
    expect(core.instructions).toBe(3);
    expect(stoppedIn()).toBe(0);
  });

  it('an unaligned LDR is a HardFault with the faulting PC stacked', () => {
    const { core, stoppedIn } = run([0x6808], (c) => (c.r[1] = 0x20000002));
    expect(stoppedIn()).toBe(3);
    expect(core.exceptions.lastFault?.kind).toBe(FaultKind.Unaligned);
    expect(core.read32(u(core.r[13]) + 24)).toBe(CODE); // stacked return address
  });

  it('a load from unmapped memory is a precise bus fault', () => {
    const { core, stoppedIn } = run([0x6808], (c) => (c.r[1] = 0x30000000));
    expect(stoppedIn()).toBe(3);
    expect(core.exceptions.lastFault).toMatchObject({ kind: FaultKind.BusError, address: 0x30000000, pc: CODE });
  });
});

describe('branches and 32-bit instructions', () => {
  it('BX to an even address faults (Thumb bit clear) at the target', () => {
    const { core, stoppedIn } = run([0x4700], (c) => (c.r[0] = 0x200));
    expect(stoppedIn()).toBe(3);
    expect(core.exceptions.lastFault).toMatchObject({ kind: FaultKind.InvalidState, pc: 0x200 });
  });

  it('BLX sets LR to the next instruction | 1', () => {
    const { core } = run([0x4780, 0x46c0], (c) => (c.r[0] = (CODE + 4) | 1));
    expect(u(core.r[14])).toBe((CODE + 2) | 1);
  });

  it('MRS/MSR APSR, IPSR, PRIMASK, CONTROL; barriers are harmless', () => {
    const { core } = run([0xf380, 0x8800, 0xf3bf, 0x8f4f, 0xf3bf, 0x8f5f, 0xf3bf, 0x8f6f, 0xb672, 0xf3ef, 0x8010], (c) => {
      c.r[0] = 0xa0000000 | 0;
    });
    expect(flags(core)).toBe('1010');
    expect(core.r[0]).toBe(1); // PRIMASK after CPSID i
  });

  it('thread mode on the process stack (CONTROL.SPSEL)', () => {
    // msr psp, r0; movs r0, #2; msr control, r0; mrs r1, control; mov r2, sp
    const { core } = run([0xf380, 0x8809, 0x2002, 0xf380, 0x8814, 0xf3ef, 0x8114, 0x466a], (c) => (c.r[0] = 0x20004000));
    expect(core.r[1]).toBe(2);
    expect(u(core.r[2])).toBe(0x20004000);
    expect(u(core.getMsp())).toBe(STACK);
  });

  it('UDF and undefined 32-bit encodings take HardFault', () => {
    expect(run([0xde00]).stoppedIn()).toBe(3);
    const { core, stoppedIn } = run([0xe800, 0x0000]);
    expect(stoppedIn()).toBe(3);
    expect(core.exceptions.lastFault?.kind).toBe(FaultKind.Undefined);
  });
});

describe('cycle counts', () => {
  const cyclesOf = (code: number[], setup: (c: CortexM0Plus) => void = () => {}) => run(code, setup).machine.scheduler.cycles;

  it('charges flash wait states once per 32-bit fetch', () => {
    const nops = [0x46c0, 0x46c0, 0x46c0, 0x46c0];
    // five instructions (4 NOPs and the stop BKPT) span three 32-bit fetch words from 0x100
    expect(cyclesOf(nops, (c) => (c.flashWaitStates = 1)) - cyclesOf(nops)).toBe(3);
  });

  it.each([
    // [name, code, cycles of the code (TRM table 3-1), without the stop BKPT (1 cycle)]
    ['ADDS', [0x1840], 1],
    ['MULS (single-cycle multiplier)', [0x4348], 1],
    ['LDR', [0x6808], 2],
    ['STR', [0x6008], 2],
    ['PUSH {r0, r1, lr}', [0xb503], 4],
    ['LDM {r0, r2}', [0xc905], 3],
    ['B taken', [0xe7ff], 2],
    ['BL', [0xf000, 0xf800], 3],
    ['MRS', [0xf3ef, 0x8010], 3],
    ['DSB', [0xf3bf, 0x8f4f], 3],
  ])('%s', (_name, code, cycles) => {
    const setup = (c: CortexM0Plus) => {
      c.r[0] = 0x20000000;
      c.r[1] = 0x20000000;
    };
    expect(cyclesOf(code, setup) - cyclesOf([], setup)).toBe(cycles);
  });
});

describe('exception model', () => {
  it('SVC stacks an 8-word frame, runs the handler, and EXC_RETURN resumes', () => {
    // handler for SVC: movs r4, #42; movs r0, #1; bx lr  (r0 comes back from the frame, r4 does not)
    const { core, stoppedIn } = run([0xdf05, 0x46c0], (c) => (c.r[0] = 7), { handlers: { 11: [0x242a, 0x2001, 0x4770] } });
    expect(stoppedIn()).toBe(0);
    expect(core.r[4]).toBe(42);
    expect(core.r[0]).toBe(7);
    expect(u(core.r[13])).toBe(STACK);
  });

  it('aligns the frame to 8 bytes and records it in stacked xPSR bit 9', () => {
    const { core, stoppedIn } = run([0xdf00], (c) => (c.r[13] = STACK - 4));
    expect(stoppedIn()).toBe(11);
    const frame = u(core.r[13]);
    expect(frame).toBe(STACK - 4 - 4 - 32);
    expect((core.read32(frame + 28) >>> 9) & 1).toBe(1);
    expect(u(core.r[14])).toBe(0xfffffff9);
  });

  it('SVC with PRIMASK set escalates to HardFault', () => {
    expect(run([0xb672, 0xdf00]).stoppedIn()).toBe(3);
  });

  it('an invalid EXC_RETURN is a HardFault', () => {
    // SVC handler: ldr r0, =0xfffffff5 via mvns (r0 = ~0x0a); bx r0
    expect(run([0xdf00], () => {}, { handlers: { 11: [0x200a, 0x43c0, 0x4700] } }).stoppedIn()).toBe(3);
  });

  it('a fault inside HardFault locks up and reports registers', () => {
    const rig = run([0xde00], () => {}, { handlers: { 3: [0xde00] } });
    expect(rig.core.state).toBe('halted');
    expect(rig.machine.halt?.reason).toBe('lockup');
    expect(rig.machine.halt?.message).toMatch(/lockup: undefined instruction[\s\S]*pc=0x/);
  });

  it('a HardFault handler that spins (b .) is reported as a fault, not a hang', () => {
    const rig = run([0xde00], () => {}, { handlers: { 3: [0xe7fe] }, seconds: 10 });
    expect(rig.machine.halt?.reason).toBe('fault');
    expect(rig.machine.halt?.message).toMatch(/undefined instruction at pc=0x00000100/);
    expect(rig.machine.scheduler.seconds).toBeLessThan(0.001);
  });

  it('PendSV set through ICSR is taken after the store', () => {
    // ldr r1, =0xE000ED04; ldr r0, =0x10000000; str r0, [r1]; nop; bkpt 0xab; literal pool
    const { stoppedIn } = run([0x4902, 0x4803, 0x6008, 0x46c0, 0xbeab, 0x46c0, 0xed04, 0xe000, 0x0000, 0x1000]);
    expect(stoppedIn()).toBe(14);
  });

  it('WFI sleeps until SysTick without executing instructions', () => {
    // ldr r1, =0xE000E010; ldr r0, =47999; str r0, [r1, #4]; movs r0, #7; str r0, [r1]; wfi
    const code = [0x4903, 0x4804, 0x6048, 0x2007, 0x6008, 0xbf30, 0xbeab, 0x46c0, 0xe010, 0xe000, 0xbb7f, 0x0000];
    const { core, machine, stoppedIn } = run(code, () => {}, { seconds: 0.01 });
    expect(stoppedIn()).toBe(15);
    expect(core.instructions).toBeLessThan(10);
    expect(machine.scheduler.cycles).toBeGreaterThanOrEqual(48000);
    expect(machine.scheduler.cycles).toBeLessThan(48000 + 40);
  });

  it('AIRCR.SYSRESETREQ resets the core to the reset vector', () => {
    // ldr r1, =0xE000ED0C; ldr r0, =0x05FA0004; str r0, [r1]; (reset: runs again from 0x100)
    const rig = run([0x4902, 0x4803, 0x6008, 0x46c0, 0xbeab, 0x46c0, 0xed0c, 0xe000, 0x0004, 0x05fa], (c) => (c.r[5] = 99), {
      seconds: 0.00001,
    });
    expect(rig.core.r[5]).toBe(0); // registers cleared by the reset
    expect(rig.stoppedIn()).toBe(-1); // it never got past the store
  });
});

describe('garbage code', () => {
  it('random halfwords end in a fault, a lockup or the time limit, never a host exception', () => {
    let seed = 0x1234567;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const outcomes = new Set<string>();
    for (let trial = 0; trial < 300; trial++) {
      const code = Array.from({ length: 64 }, () => next() & 0xffff);
      const handlers = { 3: Array.from({ length: 8 }, () => next() & 0xffff) };
      const rig = run(code, (c) => {
        for (let i = 0; i < 13; i++) c.r[i] = next();
      }, { handlers, seconds: 0.0005 });
      outcomes.add(rig.machine.halt?.reason ?? (rig.stoppedIn() >= 0 ? 'stop' : 'timeout'));
      expect(rig.machine.scheduler.seconds).toBeLessThanOrEqual(0.0005 + 1e-6);
    }
    expect(outcomes.has('lockup')).toBe(true);
  });
});
});
