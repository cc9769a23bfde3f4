/**
 * Differential test: seeded random instruction sequences run on circuitemu's LX106 core and on
 * QEMU (`qemu-system-xtensa -M sim -cpu lx106`); a0-a15, SAR, PS, EXCCAUSE, EPC1, DEPC,
 * EXCVADDR and the block's scratch memory must match. Without QEMU the test fails when
 * process.env.CI is set and is skipped (with a message) otherwise.
 */
import { describe, expect, test } from 'vitest';
import { createTestLx106 } from '../../boards/test-lx106.js';
import { CODE_BASE, DATA_BASE, DUMP_NAMES, blockState, generateProgram } from './random-program.js';
import { qemuAvailable, runQemuRaw } from './qemu.js';

const SEEDS = [0x1106, 0xc0ffee, 42, 7];
// More seeds on demand: LX106_DIFF_EXTRA=50 adds seeds 1000..1049.
for (let i = 0; i < Number(process.env.LX106_DIFF_EXTRA ?? 0); i++) SEEDS.push(1000 + i);
const BLOCKS = 100;
const haveQemu = qemuAvailable();

function runOurs(code: Uint8Array, data: Uint8Array, entry: number): { output: Uint8Array; halt: string } {
  const board = createTestLx106();
  board.load([{ address: CODE_BASE, data: code }, { address: DATA_BASE, data }], entry);
  const halt = board.machine.runFor(5);
  return { output: board.machine.stdout.bytes(), halt: halt ? `${halt.reason} ${halt.exitCode} ${halt.message}` : 'timeout' };
}

const hex = (v: number) => '0x' + (v >>> 0).toString(16).padStart(8, '0');

describe('LX106 vs QEMU on random instruction sequences', () => {
  if (!haveQemu) {
    if (process.env.CI) {
      test('qemu-system-xtensa is required in CI', () => {
        expect.fail('qemu-system-xtensa is not on PATH (install qemu-system-misc)');
      });
    } else {
      console.warn('SKIPPED: differential LX106 test needs qemu-system-xtensa on PATH (apt install qemu-system-misc)');
      test.skip('differential tests (qemu-system-xtensa not found)', () => {});
    }
    return;
  }
  for (const seed of SEEDS) {
    test(`seed ${hex(seed)}: ${BLOCKS} sequences`, () => {
      const prog = generateProgram(seed, BLOCKS);
      const segments = [{ address: CODE_BASE, data: prog.code }, { address: DATA_BASE, data: prog.data }];
      const q = runQemuRaw(segments, prog.entry);
      const ours = runOurs(prog.code, prog.data, prog.entry);
      expect(q.output.length, `QEMU output (status ${q.status}) ${q.stderr}`).toBe(prog.data.length);
      const failures: string[] = [];
      for (let b = 0; b < BLOCKS && failures.length < 3; b++) {
        const qs = blockState(q.output, b)!;
        const os = blockState(ours.output, b);
        if (!os) {
          failures.push(`block ${b}: circuitemu produced no dump (${ours.halt})\n${prog.blocks[b].listing.join('\n')}`);
          break;
        }
        const diffs: string[] = [];
        qs.words.forEach((w, i) => {
          if (w !== os.words[i]) diffs.push(`${DUMP_NAMES[i]}: qemu ${hex(w)} circuitemu ${hex(os.words[i])}`);
        });
        for (let i = 0; i < qs.scratch.length; i++) {
          if (qs.scratch[i] !== os.scratch[i]) diffs.push(`mem[a1+${i}]: qemu ${qs.scratch[i]} circuitemu ${os.scratch[i]}`);
        }
        if (diffs.length) {
          const state = (ws: number[]) => ws.map((w, i) => `${DUMP_NAMES[i]}=${hex(w)}`).join(' ');
          failures.push(
            `block ${b} (code at ${hex(prog.blocks[b].start)}):\n${prog.blocks[b].listing.join('\n')}\n` +
              `differences:\n  ${diffs.join('\n  ')}\nqemu:       ${state(qs.words)}\ncircuitemu: ${state(os.words)}`,
          );
        }
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }
});
