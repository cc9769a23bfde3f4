/**
 * `npm run bench`: emulator speed, measured (never a timed test).
 *
 * Cortex-M0+: the workload in tests/firmware/bench/bench.c (ALU, loads/stores, branches, calls)
 * runs from SRAM at 0x20000000 on circuitemu's test-m0 board and, as the identical Thumb code,
 * on rp2040js's Cortex-M0+ core in the same process; both must compute the same checksum.
 * Printed: MIPS, simulated MHz, and the speed ratio. Other sections (LX106, boot times) are
 * added by the suites that own those engines.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RP2040 } from 'rp2040js';
import { createTestM0 } from '../../boards/test-m0.js';
import { benchXtensa } from './xtensa-bench.js';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';

const root = new URL('../../../', import.meta.url);
const BENCH_BIN = new URL('tests/firmware/bench/bench.bin', root);
const SRAM_BASE = 0x20000000;
const STACK_TOP = 0x20010000;

export interface Measurement {
  instructions: number;
  cycles: number;
  seconds: number;
  checksum: number;
}

export function runOnCircuitemu(blob: Uint8Array): Measurement {
  const board = createTestM0('bench');
  const vectors = new Uint8Array(new Uint32Array([STACK_TOP, SRAM_BASE | 1]).buffer);
  board.load([
    { address: 0, data: vectors },
    { address: SRAM_BASE, data: blob },
  ]);
  const machine = board.machine;
  const start = performance.now();
  const halt = machine.runFor(60);
  const seconds = (performance.now() - start) / 1000;
  if (!halt) throw new Error('bench did not finish on circuitemu');
  const core = machine.core as unknown as { r: Int32Array };
  return { instructions: machine.instructions, cycles: machine.scheduler.cycles, seconds, checksum: core.r[1] >>> 0 };
}

/** Runs the blob on rp2040js the way its own Simulator does (executeInstruction + clock.tick). */
export function runOnRp2040js(blob: Uint8Array): Measurement {
  const mcu = new RP2040();
  mcu.sram.set(blob, 0);
  const core = mcu.core;
  core.SP = STACK_TOP;
  core.PC = SRAM_BASE;
  let stopped = false;
  mcu.onBreak = () => {
    stopped = true;
  };
  const clock = mcu.clock as unknown as { tick(nanos: number): void };
  const cycleNanos = 1e9 / 125e6;
  let instructions = 0;
  const start = performance.now();
  while (!stopped) {
    const cycles = core.executeInstruction();
    clock.tick(cycles * cycleNanos);
    instructions++;
  }
  const seconds = (performance.now() - start) / 1000;
  return { instructions, cycles: core.cycles, seconds, checksum: core.registers[1] >>> 0 };
}

function line(name: string, m: Measurement): string {
  const mips = m.instructions / m.seconds / 1e6;
  const mhz = m.cycles / m.seconds / 1e6;
  return `${name.padEnd(22)} ${m.instructions.toLocaleString('en').padStart(13)} instr  ${m.seconds.toFixed(3).padStart(7)} s  ${mips.toFixed(1).padStart(6)} MIPS  ${mhz.toFixed(1).padStart(6)} simulated MHz`;
}

export function benchArm(log: (s: string) => void = console.log): number {
  const blob = new Uint8Array(readFileSync(BENCH_BIN));
  runOnCircuitemu(blob); // warm-up: let the JIT compile the interpreter
  const ours = runOnCircuitemu(blob);
  const theirs = runOnRp2040js(blob);
  if (ours.checksum !== theirs.checksum || ours.instructions !== theirs.instructions) {
    throw new Error(
      `the two cores disagree: circuitemu checksum 0x${ours.checksum.toString(16)} after ${ours.instructions} instructions, ` +
        `rp2040js 0x${theirs.checksum.toString(16)} after ${theirs.instructions}`,
    );
  }
  const ratio = ours.instructions / ours.seconds / (theirs.instructions / theirs.seconds);
  log('Cortex-M0+ workload (tests/firmware/bench/bench.c), checksum 0x' + ours.checksum.toString(16));
  log(line('circuitemu test-m0', ours));
  log(line('rp2040js 1.x', theirs));
  log(`speed ratio circuitemu / rp2040js: ${ratio.toFixed(2)}x`);
  return ratio;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  benchArm();
  const sections = await loadOptionalSections();
  for (const section of sections) section(console.log);
}

/** Benchmarks of the other engines. */
async function loadOptionalSections(): Promise<((log: (s: string) => void) => void)[]> {
  return [benchLx106, benchBoot];
}

/**
 * Wall time from power-on to the REPL prompt for the real firmware in $CIRCUITEMU_FIRMWARE_DIR:
 * CircuitPython (blank flash: it formats CIRCUITPY, runs code.py, then a key enters the REPL)
 * and MicroPython.
 */
function benchBoot(log: (s: string) => void): void {
  const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
  log('');
  log('Boot to the REPL prompt (board cpx, or feather_huzzah for the ESP8266; blank flash)');
  const targets = [
    { file: 'circuitpython-cpx.uf2', name: 'CircuitPython', board: 'cpx', steps: [['', 'Press any key'], ['\r', '>>> ']] },
    { file: 'micropython-samd21.uf2', name: 'MicroPython samd', board: 'cpx', steps: [['', '>>> ']] },
    { file: 'micropython-esp8266.bin', name: 'MicroPython esp8266', board: 'feather_huzzah', steps: [['', '>>> ']] },
  ];
  for (const t of targets) {
    const path = dir ? join(dir, t.file) : '';
    if (!path || !existsSync(path)) {
      log(`${t.name.padEnd(22)} skipped: set CIRCUITEMU_FIRMWARE_DIR to a folder with ${t.file}`);
      continue;
    }
    const start = performance.now();
    const board = createBoard(t.board);
    const { console } = connectConsole(board);
    let out = '';
    console.onData((b) => (out += new TextDecoder().decode(b)));
    loadFirmware(board, readFileSync(path), path);
    const m = board.machine;
    for (const [input, prompt] of t.steps) {
      const from = out.length;
      if (input) console.write(new TextEncoder().encode(input));
      while (out.indexOf(prompt, from) < 0 && m.scheduler.seconds < 60) {
        const halt = m.runFor(0.01);
        if (halt) {
          log(`${t.name.padEnd(22)} stopped: ${halt.message.split('\n')[0]}`);
          break;
        }
      }
    }
    const wall = (performance.now() - start) / 1000;
    const ok = out.endsWith('>>> ');
    log(`${t.name.padEnd(22)} ${ok ? '' : 'NO PROMPT '}${wall.toFixed(2)} s wall, ${m.scheduler.seconds.toFixed(2)} s simulated, ${m.instructions.toLocaleString('en')} instructions`);
  }
}

function benchLx106(log: (s: string) => void): void {
  const r = benchXtensa();
  log('');
  log('Xtensa LX106 workload (tests/firmware/lx106/bench.c)');
  log(line('circuitemu test-lx106', { instructions: r.instructions, cycles: r.simulatedMHz * 1e6 * r.seconds, seconds: r.seconds, checksum: 0 }));
  log(`target 80 MIPS (real time for an 80 MHz ESP8266): ${r.mips >= 80 ? 'met' : 'NOT met'}`);
}
