/**
 * `circuitemu snapshot`, and reading snapshot files for `run --snapshot-load` and
 * `test --snapshot-load` (CLI layer: it reads and writes files).
 *
 * `snapshot` powers the board on with nothing plugged into its USB port (a board on a charger),
 * runs it for --at simulated seconds and saves its whole state. Later runs restore it and
 * connect their console (the USB host enumerates the device then, as when a board is plugged
 * in), so a suite of scenarios boots CircuitPython once.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Board } from '../../boards/types.js';
import { maxImageFileSize } from '../../firmware-runtime/images/index.js';
import { copyToDrive } from '../drive.js';
import { HostFileError, readInputFile } from '../host-files.js';
import { ArgumentError, createBoard, EXIT, loadFirmware } from '../run.js';
import { restoreSnapshot, saveSnapshot, SnapshotError } from './index.js';

export const SNAPSHOT_USAGE = `usage: circuitemu snapshot --board NAME --firmware FILE [--drive DIR] --at SIM_SECONDS --output FILE

Powers the board on with FILE loaded (and DIR copied onto CIRCUITPY first), with nothing plugged
into its USB port, runs it for SIM_SECONDS of simulated time and saves its whole state (CPU,
memories, peripherals, parts, pending events, CIRCUITPY's flash) to --output. Start runs from it
with \`circuitemu run --snapshot-load FILE\` or \`circuitemu test --snapshot-load FILE\`.
Exit status: 0 saved, ${EXIT.usage} usage error, ${EXIT.badImage} firmware or drive that cannot be loaded,
${EXIT.fault} the firmware faulted (or ended) before SIM_SECONDS, 66 an input file that does not exist,
73 the snapshot cannot be written, ${EXIT.software} anything else.`;

/** The largest snapshot file read (a board's memories and flash, compressed, are far smaller). */
const MAX_SNAPSHOT_BYTES = 256 << 20;

export class SnapshotUsageError extends Error {}

/** Reads and restores a snapshot file; SnapshotError (exit 65) when it is not one or does not fit. */
export async function loadSnapshotFile(path: string, version: string, board?: string): Promise<Board> {
  const bytes = readInputFile(path, MAX_SNAPSHOT_BYTES, (size) => new SnapshotError(`${path} is ${size} bytes: not a snapshot circuitemu wrote`));
  try {
    return await restoreSnapshot(bytes, { version, board });
  } catch (e) {
    if (e instanceof SnapshotError) throw new SnapshotError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Writes `bytes` to `path` through a temporary file, so a failed write leaves no half snapshot. */
export function writeSnapshotFile(path: string, bytes: Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch (e) {
    throw new HostFileError('cannot-create', `cannot write snapshot ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** `circuitemu snapshot ...`; returns the exit status (errors other than usage are thrown to main). */
export async function snapshotCommand(args: string[], version: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { board: { type: 'string' }, firmware: { type: 'string' }, drive: { type: 'string' }, at: { type: 'string' }, output: { type: 'string', short: 'o' } },
    }));
  } catch (e) {
    throw new SnapshotUsageError(`snapshot: ${(e as Error).message}`);
  }
  if (!values.board) throw new SnapshotUsageError('snapshot needs --board NAME');
  if (!values.firmware) throw new SnapshotUsageError('snapshot needs --firmware FILE (a hosted-engine board has no machine state to save)');
  if (!values.output) throw new SnapshotUsageError('snapshot needs --output FILE');
  const at = Number(values.at);
  if (values.at === undefined || values.at.trim() === '' || !Number.isFinite(at) || at < 0) {
    throw new SnapshotUsageError(`snapshot needs --at SIM_SECONDS, a number of simulated seconds >= 0${values.at === undefined ? '' : `, not '${values.at}'`}`);
  }
  let board: Board;
  try {
    board = createBoard(values.board, { commandLine: values.firmware });
  } catch (e) {
    if (e instanceof ArgumentError) throw new SnapshotUsageError(e.message);
    throw e;
  }
  if (values.drive && !board.circuitpy) throw new SnapshotUsageError(`board ${board.name} has no CIRCUITPY drive (--drive)`);
  const limit = maxImageFileSize(board.regions);
  const image = readInputFile(values.firmware, limit, (size) => new HostFileError('too-large', `${values.firmware} is ${size} bytes; no image for ${board.name} can be larger than ${limit} bytes`));
  loadFirmware(board, image, values.firmware);
  if (values.drive) copyToDrive(board, values.drive);
  // A semihosting or UART console is the board's own: its output is shown, as `run` would.
  board.console?.onData((bytes) => process.stdout.write(bytes));
  const halt = board.machine.runFor(at);
  if (halt) {
    process.stderr.write(`circuitemu snapshot: the firmware stopped at ${board.machine.scheduler.seconds.toFixed(6)} s, before ${at} s: ${halt.message}\n`);
    return EXIT.fault;
  }
  const bytes = await saveSnapshot(board, { boardOptions: { commandLine: values.firmware }, version });
  writeSnapshotFile(values.output, bytes);
  process.stderr.write(`circuitemu snapshot: saved ${board.name} at ${board.machine.scheduler.seconds.toFixed(6)} simulated s (${board.machine.scheduler.cycles} cycles) to ${values.output} (${bytes.length} bytes)\n`);
  return 0;
}
