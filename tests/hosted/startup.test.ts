/**
 * Start-up: the engine's worker can be started before the CLI has loaded (emulator/node/hosted-prewarm.ts,
 * called by bin/circuitemu.js); its first VM, made before the config arrives, runs code.py as a VM made
 * after it would. A worker prewarmed for another board is not used.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prewarmHostedEngine, takePrewarmed } from '../../emulator/node/hosted-prewarm.js';
import { runCode } from './harness.js';
import { BOARDS } from '../../boards/index.js';
import { prewarmVm } from '../../firmware-runtime/hosted/engine.js';
import { hostedCircuitpy } from '../../firmware-runtime/hosted/boards.js';
import { createHostedBoard } from '../../firmware-runtime/hosted/board-build.js';

describe('hosted engine start-up', () => {
  // A warm VM that cannot be made is not an error (the engine makes its own), so only this sees it.
  it('makes the first VM before the config on every hostable board: importing the runtime asks only board-static _hal answers', { timeout: 60_000 }, async () => {
    const boards = BOARDS.filter((b) => b.hostable).map((b) => b.name);
    expect(boards).toContain('cpx');
    for (const board of boards) await expect(prewarmVm(board), board).resolves.toBeDefined();
  });

  // The main thread prepares CIRCUITPY from the declaration alone; the built board is the oracle.
  it("knows every hostable board's CIRCUITPY storage (kind, size, erased) without building the board", () => {
    for (const board of BOARDS.filter((b) => b.hostable).map((b) => b.name)) {
      const built = createHostedBoard(board).circuitpy!;
      const layout = hostedCircuitpy(board);
      expect(layout, board).toEqual({ kind: built.kind, size: built.bytes.length });
      expect(built.bytes.every((b) => b === 0xff), board).toBe(true);
    }
  });

  it('a prewarmed worker runs code.py for its board', { timeout: 60_000 }, async () => {
    prewarmHostedEngine('gemma_m0');
    const text = await runCode({ 'code.py': 'import board\nprint(board.board_id)\n' }, { board: 'gemma_m0' });
    expect(text).toContain('code.py output:\r\n');
    expect(text).toContain('gemma_m0\r\n');
    expect(takePrewarmed('gemma_m0')).toBeNull(); // taken by that run
  });

  it('a worker prewarmed for another board is ended, and the run gets its own', { timeout: 60_000 }, async () => {
    prewarmHostedEngine('trinket_m0');
    const text = await runCode({ 'code.py': 'import board\nprint(board.board_id)\n' }, { board: 'cpx' });
    expect(text).toContain('circuitplayground_express\r\n');
    expect(takePrewarmed('trinket_m0')).toBeNull();
  });

  // bin/circuitemu.js falls back to dist/emulator/ silently when the bundle is stale, and a rejected code cache
  // only costs time: the trace is where either shows.
  it('a hosted run comes from the start-up bundle, its engine compiled with the code cache (npm run build:node makes both)', { timeout: 60_000 }, () => {
    const drive = mkdtempSync(join(tmpdir(), 'circuitemu-startup-'));
    try {
      writeFileSync(join(drive, 'code.py'), 'print("first line")\n');
      const bin = join(new URL('../../', import.meta.url).pathname, 'bin/circuitemu.js');
      const r = spawnSync(process.execPath, [bin, 'run', '--board', 'cpx', '--drive', drive, '--expect-text', 'first line'], {
        encoding: 'latin1',
        env: { ...process.env, CIRCUITEMU_STARTUP_TRACE: '1' },
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/code\.py output:\r\n.*first line$/s);
      const marks = r.stderr.split('\n').filter((l) => l.startsWith('[startup] ')).join('\n');
      expect(marks, 'dist/bundle missing or older than dist/emulator (npm run build:node)').toContain('worker: bundled engine compiled, code cache used');
      expect(marks).toContain('main: expected text seen');
    } finally {
      rmSync(drive, { recursive: true, force: true });
    }
  });
});
