/**
 * `test-m0`: a bare Cortex-M0+ machine for test programs, with the memory map of QEMU's
 * `-M microbit` extended (so one binary runs on both): 256 KiB flash at 0x00000000 holding the
 * vector table, 64 KiB SRAM at 0x20000000, a 48 MHz core clock, and the semihosting console.
 */
import { Bus, Memory } from '../emulator/kernel/bus.js';
import { Machine } from '../emulator/kernel/machine.js';
import { Scheduler } from '../emulator/kernel/scheduler.js';
import { CortexM0Plus } from '../cpu-armv6m/core.js';
import { ArmSemihosting } from '../cpu-armv6m/semihosting.js';
import { semihostingConsole, type Board, type LoadSegment, type MemoryRegion } from './types.js';

export const TEST_M0 = {
  flashBase: 0x00000000,
  flashSize: 256 * 1024,
  ramBase: 0x20000000,
  ramSize: 64 * 1024,
  frequency: 48_000_000,
} as const;

export function createTestM0(commandLine = 'program'): Board {
  const scheduler = new Scheduler(TEST_M0.frequency);
  const bus = new Bus();
  const flash = new Memory(TEST_M0.flashSize, true);
  const ram = new Memory(TEST_M0.ramSize);
  bus.map('flash', TEST_M0.flashBase, TEST_M0.flashSize, flash);
  bus.map('ram', TEST_M0.ramBase, TEST_M0.ramSize, ram);
  const machine = new Machine(scheduler, bus);
  const core = new CortexM0Plus(bus, scheduler, {
    fastMemories: [
      { base: TEST_M0.flashBase, memory: flash },
      { base: TEST_M0.ramBase, memory: ram },
    ],
    onHalt: (info) => machine.stop(info),
  });
  machine.attachCore(core);
  const semihosting = new ArmSemihosting({
    stdout: machine.stdout,
    stderr: machine.stderr,
    stdin: machine.stdin,
    commandLine,
    // As QEMU answers for a machine whose RAM holds nothing loaded: the whole RAM is heap and
    // stack; rdimon's crt0 takes the stack base as the initial SP and enforces the heap limit.
    heapInfo: [TEST_M0.ramBase, TEST_M0.ramBase + TEST_M0.ramSize, TEST_M0.ramBase + TEST_M0.ramSize, TEST_M0.ramBase],
    exit: (exitCode, message) => machine.stop({ reason: 'exit', exitCode, message }),
    time: () => machine.unixTime,
  });
  core.options.semihosting = semihosting.call;
  machine.stdin.onChange(() => {
    // Input for a program sleeping in a console read: it resumes (see ArmSemihosting).
    if (core.state === 'sleeping') core.state = 'running';
  });
  const regions: MemoryRegion[] = [
    { name: 'flash', base: TEST_M0.flashBase, size: TEST_M0.flashSize },
    { name: 'ram', base: TEST_M0.ramBase, size: TEST_M0.ramSize },
  ];
  return {
    name: 'test-m0',
    architecture: 'ARM',
    machine,
    regions,
    console: semihostingConsole(machine),
    internals: [semihosting],
    load(segments: LoadSegment[]) {
      for (const s of segments) {
        const inFlash = s.address < TEST_M0.flashBase + TEST_M0.flashSize;
        (inFlash ? flash : ram).load(s.address - (inFlash ? TEST_M0.flashBase : TEST_M0.ramBase), s.data);
      }
      core.reset();
    },
  };
}
