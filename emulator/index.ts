/**
 * The package's public entry: `import { startBoard, createBoard, runScenario, ... } from 'circuitemu'`.
 * Everything a test written in vitest or jest needs: start a board on either engine (startBoard: the
 * hosted engine with no firmware, or firmware on the emulated CPU), prepare CIRCUITPY, run until a
 * condition or a simulated time, read the console, pins and pixels, set inputs, and run scenarios;
 * and the lower-level pieces (createBoard, loadFirmware, RunLoop, the scenario engines). Paths inside
 * dist/ are not part of the interface.
 */

// A running board on either engine (hosted CircuitPython, or firmware on the emulated CPU)
export { startBoard, BoardSession, BoardSessionError } from './node/board-session.js';
export type { StartBoardOptions, UntilCondition, WaitOptions, PinState } from './node/board-session.js';
export type { BoardLights, RgbaImage } from './screenshot/render.js';

// Boards and firmware
export { createBoard, loadFirmware, runFirmware, ArgumentError, EXIT } from './run.js';
export type { BoardTypes, RunOptions, RunResult } from './run.js';
export { BOARDS, findBoard } from '../boards/index.js';
export type { Board, BoardInfo, BoardOptions } from '../boards/index.js';
export type { BoardConsole, CircuitpyStorage, LoadSegment, MemoryRegion } from '../boards/types.js';
export { CPX_SPEC } from '../boards/cpx.js';
export type { CpxBoard } from '../boards/cpx.js';
export { METRO_M0_EXPRESS_SPEC } from '../boards/metro-m0-express.js';
export type { MetroM0ExpressBoard } from '../boards/metro-m0-express.js';
export type { BoardOf, PartsOf, PartModel, Samd21Board, Samd21BoardSpec, Samd21PartSpec, TouchPads } from '../boards/samd21-board.js';
export { ImageError } from '../firmware-runtime/images/index.js';

// Running: the one run loop and the console
export { RunLoop, defaultHost } from './runner.js';
export type { RunEnd, RunHost, RunLoopOptions } from './runner.js';
export { connectConsole, showRun, WAIT_PROMPT } from './console.js';
export type { ConsoleConnection, ShowRunOptions } from './console.js';
export type { Machine } from './kernel/machine.js';
export type { HaltInfo } from './kernel/core.js';

// CIRCUITPY from the host's side (before boot or after the run; while firmware runs, use USB
// mass storage: FirmwareEngine.writeFile / readFile)
export { openDrive, copyToDrive, FlashImageFile } from './drive.js';
export { listDrive, readDriveFile, readDriveText, writeDriveFile } from '../firmware-runtime/fs/drive.js';
export { FatError } from '../firmware-runtime/fs/fat.js';
export type { FatVolume } from '../firmware-runtime/fs/fat.js';

// Scenarios
export { parseScenario, ScenarioError } from './scenario/parse.js';
export type { Scenario, Step, StepKind, PinLevel } from './scenario/parse.js';
export { runScenario, checkScenario, SerialLog } from './scenario/runner.js';
export type { RunScenarioOptions, ScenarioResult, ScenarioStatus, StepResult } from './scenario/runner.js';
export { FirmwareEngine } from './scenario/firmware-engine.js';
export type { FirmwareEngineOptions } from './scenario/firmware-engine.js';
export { EngineInputError } from './scenario/engine.js';
export type { ScenarioEngine, ScenarioPin } from './scenario/engine.js';
export { junitXml } from './scenario/junit.js';

// Snapshots (boot once, restore many)
export { saveSnapshot, restoreSnapshot, readSnapshotInfo, SnapshotError, SNAPSHOT_FORMAT } from './snapshot/index.js';
export type { SaveOptions, RestoreOptions, SnapshotInfo } from './snapshot/index.js';
