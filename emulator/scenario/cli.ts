/**
 * `circuitemu test SCENARIO...`: runs scenario files on the firmware engine or the hosted engine and reports
 * for CI (console summary, --junit, --serial-log, --vcd). Part of the CLI layer (it reads and writes files).
 *
 * --epoch sets the date the board starts at (see TEST_USAGE).
 * Exit status: 0 all passed; 1 an expectation failed; the --timeout-exit-code (default 124) when
 * a scenario ran out of simulated time; 125 a firmware fault; 64 a usage error; 65 a scenario,
 * firmware or drive that cannot be read or is wrong (the message names the file and line); 70
 * anything else. With several scenarios, the worst counts: fault, then timeout, then failure.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageError } from '../../firmware-runtime/images/index.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { FatError } from '../../firmware-runtime/fs/fat.js';
import { DriveImageError } from '../../firmware-runtime/fs/drive.js';
import { copyToDrive, openDrive, storageOf } from '../drive.js';
import { hostable } from '../node/hosted-cli.js';
import { HostedStallError, runHostedScenario } from '../node/hosted-scenario.js';
import { HostFileError } from '../host-files.js';
import { ArgumentError, createBoard, EXIT, loadFirmware } from '../run.js';
import { FirmwareEngine } from './firmware-engine.js';
import { junitXml } from './junit.js';
import { parseScenario, ScenarioError, type Scenario } from './parse.js';
import { runScenario, type ScenarioResult } from './runner.js';
import { boardSignals, VcdRecorder } from '../trace/vcd.js';
import { SnapshotError } from '../snapshot/index.js';
import { screenshotFiles } from '../node/png.js';
import { parseEpoch } from '../epoch.js';
import { loadSnapshotFile } from '../snapshot/cli.js';
import type { Board } from '../../boards/types.js';

/** circuitemu's version (a snapshot is restored only by the version that wrote it). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export const TEST_USAGE = `usage: circuitemu test [--board NAME] [--firmware FILE] [--drive DIR] [--timeout SIM_SECONDS]
                       [--timeout-exit-code N] [--fail-text TEXT] [--junit FILE] [--serial-log FILE]
                       [--vcd FILE [--vcd-pins PIN,...]] [--no-reload] [--verbose]
                       [--snapshot-load FILE] [--epoch SECONDS|DATE] SCENARIO.yaml...

Runs each scenario (YAML: see the README, "Scenarios") on a fresh board: --board and --firmware
(or the scenario's own board: and firmware:, relative to the file) say what runs; with no firmware,
code.py runs on the hosted engine (every SAMD21 board). --drive DIR
copies DIR onto CIRCUITPY before boot. --timeout is per scenario, in simulated seconds (default:
the file's timeout:, else 60). --fail-text fails a scenario as soon as the console shows TEXT.
--junit writes a JUnit XML report, --serial-log the console output, --vcd the board's pin
waveforms (all pins, or --vcd-pins; with several scenarios FILE.<n>.vcd each). --verbose streams the
console to stdout. --snapshot-load FILE starts every scenario from the snapshot (\`circuitemu
snapshot\`) instead of a cold boot: the firmware and CIRCUITPY are the snapshot's (--firmware and
--drive are refused; a scenario's drive: and files: are not used, with a note; write-file steps work).
--epoch sets the date the board starts at (default 2026-01-01T00:00:00Z; see circuitemu --help; on the
hosted engine: where the RTC calendar starts, default 2000-01-01).
Exit status: 0 all passed, 1 an expectation failed, --timeout-exit-code (default ${EXIT.timeout}) a
scenario timed out, ${EXIT.fault} the firmware faulted, ${EXIT.usage} usage error, ${EXIT.badImage} a scenario,
firmware or drive that cannot be read or is wrong, ${EXIT.software} anything else.`;

/** Exit status for a failed expectation. */
export const EXIT_FAILED = 1;

class TestUsageError extends Error {}
/** A file that cannot be used (exit 65). */
class TestDataError extends Error {}

interface TestFlags {
  board?: string;
  firmware?: string;
  drive?: string;
  timeout?: number;
  timeoutExitCode: number;
  failText?: string;
  junit?: string;
  serialLog?: string;
  vcd?: string;
  vcdPins?: string[];
  reload: boolean;
  verbose: boolean;
  snapshotLoad?: string;
  epoch?: number;
  scenarios: string[];
}

export async function testCommand(args: string[]): Promise<number> {
  let timeoutExitCode: number = EXIT.timeout;
  try {
    const flags = parseTestArgs(args);
    timeoutExitCode = flags.timeoutExitCode;
    const scenarios = flags.scenarios.map(loadScenario);
    const results: ScenarioResult[] = [];
    for (const [i, s] of scenarios.entries()) results.push(await runOne(s, flags, vcdFile(flags.vcd, i, scenarios.length)));
    writeReports(results, flags);
    return exitStatus(results, flags.timeoutExitCode);
  } catch (e) {
    if (e instanceof TestUsageError || e instanceof ArgumentError) {
      process.stderr.write(`circuitemu test: ${e.message}\n${TEST_USAGE}\n`);
      return EXIT.usage;
    }
    if (e instanceof ScenarioError || e instanceof TestDataError || e instanceof HostFileError || e instanceof SnapshotError) {
      process.stderr.write(`circuitemu test: ${e.message}\n`);
      return EXIT.badImage;
    }
    if (e instanceof HostedStallError) {
      process.stderr.write(`circuitemu test: ${e.message}\n`);
      return timeoutExitCode;
    }
    if (e instanceof ImageError) {
      process.stderr.write(`circuitemu test: cannot load firmware: ${e.message}\n`);
      return EXIT.badImage;
    }
    if (e instanceof FatError || e instanceof DriveImageError) {
      process.stderr.write(`circuitemu test: CIRCUITPY drive: ${e.message}\n`);
      return EXIT.badImage;
    }
    if (process.env.CIRCUITEMU_DEBUG) throw e;
    process.stderr.write(`circuitemu test: ${(e as Error).message ?? String(e)}\n`);
    return EXIT.software;
  }
}

function parseTestArgs(args: string[]): TestFlags {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        board: { type: 'string' },
        firmware: { type: 'string' },
        drive: { type: 'string' },
        timeout: { type: 'string' },
        'timeout-exit-code': { type: 'string' },
        'fail-text': { type: 'string' },
        junit: { type: 'string' },
        'serial-log': { type: 'string' },
        vcd: { type: 'string' },
        'vcd-pins': { type: 'string' },
        'no-reload': { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'snapshot-load': { type: 'string' },
        epoch: { type: 'string' },
      },
    });
  } catch (e) {
    throw new TestUsageError((e as Error).message);
  }
  const v = parsed.values;
  if (!parsed.positionals.length) throw new TestUsageError('test needs at least one SCENARIO file');
  const timeout = v.timeout === undefined ? undefined : Number(v.timeout);
  if (timeout !== undefined && !(timeout > 0 && Number.isFinite(timeout))) throw new TestUsageError(`--timeout must be a positive number of simulated seconds, not '${v.timeout}'`);
  const code = v['timeout-exit-code'] === undefined ? EXIT.timeout : Number(v['timeout-exit-code']);
  if (!Number.isInteger(code) || code < 0 || code > 255) throw new TestUsageError(`--timeout-exit-code must be a whole number 0..255, not '${v['timeout-exit-code']}'`);
  if (v['vcd-pins'] !== undefined && v.vcd === undefined) throw new TestUsageError('--vcd-pins needs --vcd FILE');
  if (v['fail-text'] === '') throw new TestUsageError('--fail-text needs a non-empty text');
  const epoch = v.epoch === undefined ? undefined : parseEpoch(v.epoch);
  if (typeof epoch === 'string') throw new TestUsageError(epoch);
  return {
    board: v.board,
    firmware: v.firmware,
    drive: v.drive,
    timeout,
    timeoutExitCode: code,
    failText: v['fail-text'],
    junit: v.junit,
    serialLog: v['serial-log'],
    vcd: v.vcd,
    vcdPins: v['vcd-pins']?.split(',').map((p) => p.trim()).filter(Boolean),
    reload: !v['no-reload'],
    verbose: v.verbose,
    snapshotLoad: v['snapshot-load'],
    epoch,
    scenarios: parsed.positionals,
  };
}

function loadScenario(file: string): Scenario {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new TestDataError(`cannot read scenario ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseScenario(source, file);
}

/** Builds the board the scenario asks for, with firmware and drive, and runs it. */
/** FILE for one scenario; FILE.<n>.vcd (n from 1) for each of several. */
function vcdFile(file: string | undefined, index: number, count: number): string | undefined {
  if (!file || count === 1) return file;
  return file.replace(/(\.vcd)?$/i, `.${index + 1}.vcd`);
}

/** The board a scenario runs on: from --snapshot-load, or built and loaded with firmware and drive. */
async function prepareBoard(scenario: Scenario, flags: TestFlags): Promise<Board> {
  if (flags.snapshotLoad === undefined) return coldBoard(scenario, flags);
  if (flags.firmware) throw new TestUsageError('--snapshot-load and --firmware do not go together: the snapshot holds the firmware');
  if (flags.drive) throw new TestUsageError('--snapshot-load and --drive do not go together: the snapshot holds CIRCUITPY');
  if (scenario.drive || Object.keys(scenario.files).length) {
    process.stderr.write(`circuitemu test: ${scenario.file}: drive:/files: not used: the run starts from the snapshot's CIRCUITPY\n`);
  }
  return loadSnapshotFile(flags.snapshotLoad, packageVersion(), flags.board ?? scenario.board);
}

/** No firmware anywhere (flag, file or snapshot) on a board the hosted engine runs: code.py on the hosted engine. */
function usesHostedEngine(scenario: Scenario, flags: TestFlags): boolean {
  if (flags.firmware || scenario.firmware || flags.snapshotLoad !== undefined) return false;
  const name = flags.board ?? scenario.board;
  return name !== undefined && hostable(name);
}

async function runHostedOne(scenario: Scenario, flags: TestFlags, vcd?: string): Promise<ScenarioResult> {
  const boardName = (flags.board ?? scenario.board)!;
  const board = createBoard(boardName, { core: 'none' });
  if (vcd) {
    try {
      boardSignals(board, flags.vcdPins); // the worker records the same pins on its board: check the names here
    } catch (e) {
      throw new TestUsageError(`--vcd: ${(e as Error).message}`);
    }
  }
  const here = dirname(scenario.file);
  const drive = flags.drive ?? (scenario.drive && resolve(here, scenario.drive));
  if (drive) copyToDrive(board, drive);
  const { volume } = openDrive(board);
  for (const [path, text] of Object.entries(scenario.files)) writeDriveFile(volume, path, text);
  const timed = flags.timeout === undefined ? scenario : { ...scenario, timeoutSeconds: flags.timeout };
  const { result, vcd: vcdText } = await runHostedScenario(
    {
      board: boardName,
      flash: storageOf(board).bytes.slice(),
      scenario: timed,
      timeoutSeconds: 60,
      failText: flags.failText,
      verbose: flags.verbose,
      epoch: flags.epoch,
      vcd: vcd ? { pins: flags.vcdPins } : undefined,
    },
    flags.verbose ? (bytes) => process.stdout.write(bytes) : undefined,
    Number(process.env.CIRCUITEMU_HOSTED_STALL_SECONDS) || undefined,
  );
  printResult(result);
  if (vcd && vcdText !== undefined) writeVcdFile(vcd, vcdText);
  return result;
}

function writeVcdFile(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new TestDataError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

async function runOne(scenario: Scenario, flags: TestFlags, vcd?: string): Promise<ScenarioResult> {
  if (usesHostedEngine(scenario, flags)) return runHostedOne(scenario, flags, vcd);
  const board = await prepareBoard(scenario, flags);
  if (flags.epoch !== undefined) board.machine.epoch = flags.epoch;
  const engine = new FirmwareEngine(board, { reload: scenario.reload ?? flags.reload });
  let recorder: VcdRecorder | null = null;
  if (vcd) {
    try {
      recorder = new VcdRecorder(board.machine.scheduler, boardSignals(board, flags.vcdPins));
    } catch (e) {
      throw new TestUsageError(`--vcd: ${(e as Error).message}`);
    }
  }
  const timed = flags.timeout === undefined ? scenario : { ...scenario, timeoutSeconds: flags.timeout };
  const result = await runScenario(engine, timed, {
    timeoutSeconds: 60,
    failText: flags.failText,
    screenshots: screenshotFiles(scenario.file),
    onSerial: flags.verbose ? (bytes) => process.stdout.write(bytes) : undefined,
  });
  printResult(result);
  if (vcd && recorder) writeVcdFile(vcd, recorder.text());
  return result;
}

function coldBoard(scenario: Scenario, flags: TestFlags): Board {
  const here = dirname(scenario.file);
  const boardName = flags.board ?? scenario.board;
  if (!boardName) throw new TestUsageError(`${scenario.file}: no board (give --board NAME or \`board:\` in the file)`);
  const firmware = flags.firmware ?? (scenario.firmware && resolve(here, scenario.firmware));
  if (!firmware) throw new TestUsageError(`${scenario.file}: no firmware (give --firmware FILE or \`firmware:\` in the file)`);
  const board = createBoard(boardName, { commandLine: firmware });
  let image: Uint8Array;
  try {
    image = readFileSync(firmware);
  } catch (e) {
    throw new TestDataError(`cannot read firmware ${firmware}: ${(e as Error).message}`);
  }
  loadFirmware(board, image, firmware);
  const drive = flags.drive ?? (scenario.drive && resolve(here, scenario.drive));
  if (drive || Object.keys(scenario.files).length) {
    if (!board.circuitpy) throw new TestDataError(`${scenario.file}: board ${board.name} has no CIRCUITPY drive (drive:/files:)`);
    if (drive) copyToDrive(board, drive);
    const { volume } = openDrive(board);
    for (const [path, text] of Object.entries(scenario.files)) writeDriveFile(volume, path, text);
  }
  return board;
}

function printResult(r: ScenarioResult): void {
  const figures = `${r.steps.length} steps, ${r.seconds.toFixed(3)} s simulated, ${r.wallSeconds.toFixed(2)} s wall`;
  if (r.status === 'passed') {
    process.stdout.write(`PASS ${r.scenario.name} (${r.scenario.file}; ${figures})\n`);
    return;
  }
  process.stdout.write(`${r.status === 'failed' ? 'FAIL' : r.status.toUpperCase()} ${r.scenario.name} (${r.scenario.file}; ${figures})\n  ${r.message}\n`);
  const lines = new TextDecoder().decode(r.serial).split(/\r?\n/);
  const tail = lines.slice(-15).join('\n  | ');
  process.stdout.write(`  serial output (last ${Math.min(15, lines.length)} lines):\n  | ${tail}\n`);
}

function writeReports(results: ScenarioResult[], flags: TestFlags): void {
  try {
    if (flags.junit) writeFileSync(flags.junit, junitXml(results));
    if (flags.serialLog) {
      const parts = results.map((r) =>
        results.length === 1 ? r.serial : Buffer.concat([Buffer.from(`===== ${r.scenario.name} (${r.scenario.file}) =====\n`), r.serial, Buffer.from('\n')]),
      );
      writeFileSync(flags.serialLog, Buffer.concat(parts));
    }
  } catch (e) {
    throw new TestDataError(`cannot write report: ${(e as Error).message}`);
  }
}

function exitStatus(results: ScenarioResult[], timeoutExitCode: number): number {
  if (results.some((r) => r.status === 'fault')) return EXIT.fault;
  if (results.some((r) => r.status === 'timeout')) return timeoutExitCode;
  if (results.some((r) => r.status === 'failed')) return EXIT_FAILED;
  return 0;
}
