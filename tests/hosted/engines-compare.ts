/**
 * The same code.py on both engines through the Node API (startBoard), with the test driving the board from
 * outside between waits (pad voltages, console input): CircuitPython 9.2.9 from $CIRCUITEMU_FIRMWARE_DIR on
 * the emulated CPU, and the hosted engine. Returns each engine's code.py output block; the firmware's is
 * recorded in recorded/modules/<name>.txt (CIRCUITEMU_RECORD=1) for runs without the firmware.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBoard, type BoardSession } from '../../emulator/index.js';
import { cpxUf2, haveFirmware } from './firmware-run.js';

const RECORDED = join(import.meta.dirname, 'recorded', 'modules');

/** What the test does to the board once code.py is running. */
export type Driver = (b: BoardSession) => Promise<void>;

/** code.py's output: from "code.py output:" to "Code done running.", the version in the status bar cut. */
export function outputBlock(console: string): string {
  const from = console.lastIndexOf('code.py output:\r\n');
  const end = console.indexOf('Code done running.', from);
  return console.slice(from, end < 0 ? undefined : end).replace(/ \| [0-9.]+(-dirty)?\x1b\\/g, ' | VERSION\x1b\\');
}

async function runOn(engine: 'hosted' | 'firmware', code: string, drive: Driver): Promise<string> {
  const b = await startBoard({ board: 'cpx', engine, files: { '/code.py': code }, ...(engine === 'firmware' ? { firmware: readFileSync(cpxUf2), firmwareName: cpxUf2 } : {}) });
  try {
    await drive(b);
    await b.runUntil({ serial: 'Code done running.' }, { timeout: 30 });
    return outputBlock(b.console);
  } finally {
    await b.close();
  }
}

/** Runs `code` on both engines (the firmware only when present); the firmware's block is the recording. */
export async function compareEngines(name: string, code: string, drive: Driver): Promise<{ hosted: string; firmware: string | null; recorded: string | null }> {
  const file = join(RECORDED, `${name}.txt`);
  const hosted = await runOn('hosted', code, drive);
  const firmware = haveFirmware ? await runOn('firmware', code, drive) : null;
  if (firmware !== null && process.env.CIRCUITEMU_RECORD) {
    mkdirSync(RECORDED, { recursive: true });
    writeFileSync(file, firmware, 'utf8');
  }
  return { hosted, firmware, recorded: existsSync(file) ? readFileSync(file, 'utf8') : null };
}

/** Holds each of `levels` on the pads for `seconds`, in turn: [[a, b], ...] on pads [A, B]. */
export async function playLevels(b: BoardSession, pins: string[], levels: (0 | 1)[][], seconds: number): Promise<void> {
  for (const step of levels) {
    for (let i = 0; i < pins.length; i++) await b.setVoltage(pins[i]!, step[i] ? 3.3 : 0);
    await b.runFor(seconds);
  }
}
