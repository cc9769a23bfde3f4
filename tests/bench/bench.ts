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
import { cpuDefaults, type CortexM0Plus, type CpuMode } from '../../cpu-armv6m/core.js';
import { benchXtensa } from './xtensa-bench.js';
import { lx106Defaults } from '../../cpu-xtensa/lx106.js';
import { benchHostedStart } from './hosted-bench.js';
import { benchBrowser } from './browser-bench.js';
import { benchSnapshotSuite } from './snapshot-bench.js';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';

const root = new URL('../../../', import.meta.url);
const BENCH_BIN = new URL('tests/firmware/bench/bench.bin', root);
const SRAM_BASE = 0x20000000;
const STACK_TOP = 0x20010000;

/**
 * CPU-bound Python for the boot section: a loop of big-integer arithmetic typed at the REPL
 * (exec keeps it one line; the marker is split so that the echo does not match it).
 */
const CPU_BOUND_PYTHON = 'exec("s=0\\nfor i in range(30000): s += i * i % 7\\nprint(\'DO\'+\'NE\', s)")\r';


export interface Measurement {
  instructions: number;
  cycles: number;
  seconds: number;
  checksum: number;
}

export function runOnCircuitemu(blob: Uint8Array, mode: CpuMode = 'jit'): Measurement {
  const board = createTestM0('bench');
  (board.machine.core as CortexM0Plus).setMode(mode);
  const vectors = new Uint8Array(new Uint32Array([STACK_TOP, SRAM_BASE | 1]).buffer);
  board.load([
    { address: 0, data: vectors },
    { address: SRAM_BASE, data: blob },
  ]);
  const machine = board.machine;
  const start = cpuSeconds();
  const halt = machine.runFor(60);
  const seconds = cpuSeconds() - start;
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
  const start = cpuSeconds();
  while (!stopped) {
    const cycles = core.executeInstruction();
    clock.tick(cycles * cycleNanos);
    instructions++;
  }
  const seconds = cpuSeconds() - start;
  return { instructions, cycles: core.cycles, seconds, checksum: core.registers[1] >>> 0 };
}

/**
 * CPU time of this process (user + system), not wall time: on a shared machine the wall clock
 * also counts the time other processes had the CPU, which made run-to-run figures swing 3x.
 */
function cpuSeconds(): number {
  const t = process.cpuUsage();
  return (t.user + t.system) / 1e6;
}

function line(name: string, m: Measurement): string {
  const mips = m.instructions / m.seconds / 1e6;
  const mhz = m.cycles / m.seconds / 1e6;
  return `${name.padEnd(22)} ${m.instructions.toLocaleString('en').padStart(13)} instr  ${m.seconds.toFixed(3).padStart(7)} s  ${mips.toFixed(1).padStart(6)} MIPS  ${mhz.toFixed(1).padStart(6)} simulated MHz`;
}

const WARM_UP_RUNS = 3;

export function benchArm(log: (s: string) => void = console.log): number {
  const blob = new Uint8Array(readFileSync(BENCH_BIN));
  // Every engine is measured after WARM_UP_RUNS runs that let V8 optimise it: the interpreter
  // loops, rp2040js's core, and the translator's compiled blocks (shared by machines running the
  // same code). The translator's first run, blocks compiled and optimised as it goes, is shown too.
  const cold = runOnCircuitemu(blob, 'jit');
  for (let i = 1; i < WARM_UP_RUNS; i++) runOnCircuitemu(blob, 'jit');
  const ours = runOnCircuitemu(blob, 'jit');
  for (let i = 0; i < WARM_UP_RUNS; i++) runOnCircuitemu(blob, 'interp');
  const interp = runOnCircuitemu(blob, 'interp');
  for (let i = 0; i < WARM_UP_RUNS; i++) runOnRp2040js(blob);
  const theirs = runOnRp2040js(blob);
  for (const [name, m] of [['interpreter', interp], ['translator', ours], ['translator (first run)', cold]] as const) {
    if (m.checksum !== theirs.checksum || m.instructions !== theirs.instructions || m.cycles !== interp.cycles) {
      throw new Error(
        `the cores disagree: circuitemu ${name} checksum 0x${m.checksum.toString(16)} after ${m.instructions} instructions ` +
          `and ${m.cycles} cycles, rp2040js 0x${theirs.checksum.toString(16)} after ${theirs.instructions} (interpreter: ${interp.cycles} cycles)`,
      );
    }
  }
  const mips = (m: Measurement) => m.instructions / m.seconds;
  const ratio = mips(ours) / mips(theirs);
  log('Cortex-M0+ workload (tests/firmware/bench/bench.c), checksum 0x' + ours.checksum.toString(16) + '; seconds are CPU time');
  log(line('circuitemu --cpu jit', ours));
  log(line('  (its first run)', cold));
  log(line('circuitemu --cpu interp', interp));
  log(line('rp2040js 1.x', theirs));
  log(`speed ratio circuitemu / rp2040js: translator ${ratio.toFixed(2)}x, interpreter ${(mips(interp) / mips(theirs)).toFixed(2)}x`);
  return ratio;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  benchArm();
  const sections = await loadOptionalSections();
  for (const section of sections) await section(console.log);
  await benchBrowser(console.log);
}

/** Benchmarks of the other engines. */
async function loadOptionalSections(): Promise<((log: (s: string) => void) => void | Promise<void>)[]> {
  return [benchLx106, benchBoot, benchBootEsp8266, benchSnapshotSuite, benchHostedStart];
}

/**
 * Wall time from power-on to the REPL prompt for the real firmware in $CIRCUITEMU_FIRMWARE_DIR:
 * CircuitPython (blank flash: it formats CIRCUITPY, runs code.py, then a key enters the REPL)
 * and MicroPython; for CircuitPython also the wall time of CPU-bound Python at the prompt.
 */
function benchBoot(log: (s: string) => void): void {
  const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
  log('');
  log('Boot to the REPL prompt (board cpx, blank flash)');
  const targets = [
    { file: 'circuitpython-cpx.uf2', name: 'CircuitPython', steps: [['', 'Press any key'], ['\r', '>>> ']], work: CPU_BOUND_PYTHON },
    { file: 'micropython-samd21.uf2', name: 'MicroPython samd', steps: [['', '>>> ']], work: null },
  ];
  for (const t of targets) {
    const path = dir ? join(dir, t.file) : '';
    if (!path || !existsSync(path)) {
      log(`${t.name.padEnd(22)} skipped: set CIRCUITEMU_FIRMWARE_DIR to a folder with ${t.file}`);
      continue;
    }
    // Both CPU modes, each twice in turn (the first pass warms V8 up on the peripheral models,
    // so that neither mode profits from running second); they must print the same bytes and
    // reach the prompt at the same cycle. The second pass is reported.
    let reference: { out: string; cycles: number } | null = null;
    for (const [pass, mode] of [[0, 'interp'], [0, 'jit'], [1, 'interp'], [1, 'jit']] as const) {
      const saved = cpuDefaults.mode;
      cpuDefaults.mode = mode;
      const start = performance.now();
      const board = createBoard('cpx');
      cpuDefaults.mode = saved;
      const { console } = connectConsole(board);
      let out = '';
      console.onData((b) => (out += new TextDecoder().decode(b)));
      loadFirmware(board, readFileSync(path), path);
      const m = board.machine;
      for (const [input, prompt] of t.steps) {
        const from = out.length;
        if (input) console.write(new TextEncoder().encode(input));
        while (out.indexOf(prompt, from) < 0 && m.scheduler.seconds < 60) m.runFor(0.01);
      }
      const wall = (performance.now() - start) / 1000;
      const ok = out.endsWith('>>> ');
      const atPrompt = { out, cycles: m.scheduler.cycles, seconds: m.scheduler.seconds, instructions: m.instructions };
      // Then CPU-bound Python typed at the prompt (its wall time alone).
      let work = '';
      if (t.work && ok) {
        const from = out.length;
        const workStart = performance.now();
        console.write(new TextEncoder().encode(t.work));
        while (out.indexOf('DONE', from) < 0 && m.scheduler.seconds < 300) m.runFor(0.01);
        const done = out.indexOf('DONE', from) >= 0;
        work = `; CPU-bound Python ${done ? '' : 'DID NOT FINISH '}${((performance.now() - workStart) / 1000).toFixed(2)} s wall`;
      }
      reference ??= { out: atPrompt.out, cycles: atPrompt.cycles };
      const identical = reference.out === atPrompt.out && reference.cycles === atPrompt.cycles;
      if (pass === 0 && identical) continue;
      const same = identical ? '' : ' DIFFERS FROM --cpu interp';
      log(`${`${t.name} --cpu ${mode}`.padEnd(28)} ${ok ? '' : 'NO PROMPT '}${wall.toFixed(2)} s wall to the prompt, ${atPrompt.seconds.toFixed(2)} s simulated, ${atPrompt.instructions.toLocaleString('en')} instructions, cycle ${atPrompt.cycles}${same}${work}`);
    }
  }
}

/** MicroPython on the ESP8266 (feather_huzzah, mask ROM emulated): power-on to `>>> `, in both LX106 modes. */
function benchBootEsp8266(log: (s: string) => void): void {
  const file = 'micropython-esp8266.bin';
  const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
  const path = dir ? join(dir, file) : '';
  if (!path || !existsSync(path)) {
    log(`${'MicroPython esp8266'.padEnd(28)} skipped: set CIRCUITEMU_FIRMWARE_DIR to a folder with ${file}`);
    return;
  }
  let reference: { out: string; cycles: number } | null = null;
  for (const mode of ['interp', 'jit'] as const) {
    const name = `MicroPython esp8266 --cpu ${mode}`.padEnd(28);
    const start = performance.now();
    const saved = lx106Defaults.mode;
    lx106Defaults.mode = mode;
    const board = createBoard('feather_huzzah');
    lx106Defaults.mode = saved;
    const { console } = connectConsole(board);
    let out = '';
    console.onData((b) => (out += new TextDecoder().decode(b)));
    loadFirmware(board, readFileSync(path), path);
    const m = board.machine;
    let halt = null;
    while (!out.includes('>>> ') && m.scheduler.seconds < 60 && !(halt = m.runFor(0.01)));
    if (halt) {
      log(`${name} stopped: ${halt.message.split('\n')[0]}`);
      continue;
    }
    const wall = (performance.now() - start) / 1000;
    reference ??= { out, cycles: m.scheduler.cycles };
    const same = reference.out === out && reference.cycles === m.scheduler.cycles ? '' : ' DIFFERS FROM --cpu interp';
    log(`${name} ${out.includes('>>> ') ? '' : 'NO PROMPT '}${wall.toFixed(2)} s wall, ${m.scheduler.seconds.toFixed(2)} s simulated, ${m.instructions.toLocaleString('en')} instructions, cycle ${m.scheduler.cycles}${same} (goal: under 1 s wall)`);
  }
}

function benchLx106(log: (s: string) => void): void {
  benchXtensa(1, 'jit'); // warm-up runs, so that V8 has optimised both modes
  benchXtensa(1, 'interp');
  const jit = benchXtensa(3, 'jit');
  const interp = benchXtensa(3, 'interp');
  log('');
  log('Xtensa LX106 workload (tests/firmware/lx106/bench.c)');
  for (const [name, r] of [['test-lx106 --cpu jit', jit], ['test-lx106 --cpu interp', interp]] as const) {
    log(line(`circuitemu ${name}`, { instructions: r.instructions, cycles: r.simulatedMHz * 1e6 * r.seconds, seconds: r.seconds, checksum: 0 }));
  }
  log(`translator / interpreter: ${(jit.mips / interp.mips).toFixed(2)}x (goal 3x)`);
  log(`target 80 MIPS (real time for an 80 MHz ESP8266): ${jit.mips >= 80 ? 'met' : 'NOT met'}`);
}
