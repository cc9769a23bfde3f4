/**
 * LX106 speed: the CPU-bound test program tests/firmware/lx106/bench.elf (CRC-32, matrix
 * multiply with MULL, recursive calls, a sieve; ~107 million instructions) on the test-lx106
 * board, repeated until a few seconds of CPU time have passed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createTestLx106 } from '../../boards/test-lx106.js';
import { lx106Defaults, type Lx106Mode } from '../../cpu-xtensa/lx106.js';
import { parseElf } from '../../firmware-runtime/images/elf.js';

/** Finds tests/firmware/lx106/bench.elf from the source tree or from dist/. */
function benchElfPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'tests', 'firmware', 'lx106', 'bench.elf');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('tests/firmware/lx106/bench.elf not found');
}

export const BENCH_EXPECTED_OUTPUT = 'bench checksum';

export function benchXtensa(minSeconds = 3, mode: Lx106Mode = lx106Defaults.mode): { mips: number; simulatedMHz: number; seconds: number; instructions: number } {
  const image = parseElf(new Uint8Array(readFileSync(benchElfPath())));
  let instructions = 0;
  let cycles = 0;
  let seconds = 0;
  while (seconds < minSeconds) {
    const saved = lx106Defaults.mode;
    lx106Defaults.mode = mode;
    const board = createTestLx106('bench');
    lx106Defaults.mode = saved;
    board.load(image);
    // CPU time of the process, as the ARM section measures (wall time is at the mercy of the load).
    const start = process.cpuUsage();
    const halt = board.machine.runFor(60);
    const used = process.cpuUsage(start);
    seconds += (used.user + used.system) / 1e6;
    if (!halt || halt.reason !== 'exit' || halt.exitCode !== 0) {
      throw new Error(`lx106 bench did not finish: ${halt ? halt.message : 'timeout'}`);
    }
    if (!board.machine.stdout.text().startsWith(BENCH_EXPECTED_OUTPUT)) throw new Error('lx106 bench printed no checksum');
    instructions += board.core.instructions;
    cycles += board.machine.scheduler.cycles;
  }
  return { mips: instructions / seconds / 1e6, simulatedMHz: cycles / seconds / 1e6, seconds, instructions };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mode = process.argv[2] === 'jit' ? 'jit' : 'interp';
  const r = benchXtensa(3, mode);
  console.log(
    `LX106 --cpu ${mode} (test-lx106, bench.elf): ${r.mips.toFixed(1)} MIPS, ${r.simulatedMHz.toFixed(1)} simulated MHz ` +
      `(${r.instructions} instructions in ${r.seconds.toFixed(2)} s)`,
  );
}
