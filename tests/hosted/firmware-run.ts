/**
 * Runs a code.py on the firmware engine (CircuitPython 9.x from $CIRCUITEMU_FIRMWARE_DIR, through the CLI)
 * and cuts the run's transcript out of the console, for tests comparing it with the hosted engine's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Board } from '../../boards/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
export const cpxUf2 = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
export const haveFirmware = !!dir && existsSync(cpxUf2);

const cli = join(import.meta.dirname, '..', '..', 'bin', 'circuitemu.js');

/** The console output of `circuitemu run --firmware` on a drive holding `files`. */
export function firmwareRun(files: Record<string, string | Uint8Array>, timeoutSeconds = 15): Promise<string> {
  const drive = mkdtempSync(join(tmpdir(), 'circuitemu-fw-'));
  for (const [name, data] of Object.entries(files)) writeFileSync(join(drive, name), data);
  return new Promise((resolve, reject) => {
    execFile('node', [cli, 'run', '--board', 'cpx', '--firmware', cpxUf2, '--drive', drive, '--timeout', String(timeoutSeconds)], { encoding: 'latin1', maxBuffer: 1 << 24, timeout: 300_000 }, (err, stdout) => {
      rmSync(drive, { recursive: true, force: true });
      if (err && (err as { code?: number }).code !== 124) reject(err);
      else resolve(stdout);
    });
  });
}

/** The run's block: from the auto-reload line (after `soft reboot` on the firmware) through "Press any key". */
export function runBlock(text: string, afterSoftReboot: boolean): string {
  const t = text.replace(/ \| [0-9.]+(-dirty)?\x1b\\/g, ' | VERSION\x1b\\');
  const from = afterSoftReboot ? t.indexOf('soft reboot\r\n') + 'soft reboot\r\n'.length : 0;
  const end = t.indexOf('Press any key to enter the REPL. Use CTRL-D to reload.\r\n', from);
  return t.slice(from, end);
}

/**
 * Like firmwareRun, in this process through the Node API, with `setup` called on the board before power-on
 * (part inputs: a microphone's sound level ...). Resolves with the console from `soft reboot` through
 * "Press any key", as `circuitemu run` shows it.
 */
export async function firmwareRunWith(files: Record<string, string | Uint8Array>, setup: (board: Board) => void, timeoutSeconds = 15): Promise<string> {
  const { createBoard, loadFirmware, RunLoop, connectConsole, showRun, copyToDrive } = await import('../../emulator/index.js');
  const drive = mkdtempSync(join(tmpdir(), 'circuitemu-fw-'));
  try {
    for (const [name, data] of Object.entries(files)) writeFileSync(join(drive, name), data);
    const board = createBoard('cpx');
    copyToDrive(board, drive);
    setup(board);
    const console = showRun(connectConsole(board), board.machine.scheduler, { reload: true });
    loadFirmware(board, readFileSync(cpxUf2), 'circuitpython-cpx.uf2');
    const loop = new RunLoop(board.machine, console, { timeoutSeconds, expectText: 'Press any key to enter the REPL. Use CTRL-D to reload.\r\n' });
    let out = '';
    loop.onOutput((b) => (out += Buffer.from(b).toString('latin1')));
    await loop.run();
    return out;
  } finally {
    rmSync(drive, { recursive: true, force: true });
  }
}
