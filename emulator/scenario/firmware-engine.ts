/**
 * The firmware engine: real firmware on the emulated CPU of a board from the catalogue, its
 * console through `showRun` (on CircuitPython's USB console: one complete run of code.py, as
 * `circuitemu run` shows), driven by the one run loop (RunLoop). Pins and parts come from the
 * board's declaration (CircuitPython's pin names, the parts' ids); CIRCUITPY is reached over
 * the emulated USB mass storage.
 */
import type { Board, BoardConsole } from '../../boards/types.js';
import { connectConsole, showRun, type ConsoleConnection } from '../console.js';
import { RunLoop, type RunEnd, type RunHost } from '../runner.js';
import { EngineInputError, type ScenarioEngine } from './engine.js';
import { MscDrive } from './msc-drive.js';
import { BoardEngine } from './board-engine.js';

export interface FirmwareEngineOptions {
  /** Reload code.py so that one complete run is seen (CircuitPython's USB console; default true). */
  reload?: boolean;
  /** Simulated seconds to wait for the USB drive to appear before a file step fails (default 10). */
  driveWaitSeconds?: number;
  /** The run loop's host turns (default: the event loop's); a BoardSession holds the run still in them. */
  host?: RunHost;
}

/** Simulated seconds per run-loop slice (see `run`). */
const SLICE_SECONDS = 0.002;

export class FirmwareEngine extends BoardEngine implements ScenarioEngine {
  readonly boardName: string;
  private readonly connection: ConsoleConnection;
  private readonly console: BoardConsole;
  private loop: RunLoop | null = null;
  private stopBeforeRun = false;

  /** `board` has its firmware loaded (loadFirmware) and its drive prepared. */
  constructor(
    board: Board,
    private readonly options: FirmwareEngineOptions = {},
  ) {
    super(board);
    this.boardName = board.name;
    this.connection = connectConsole(board);
    this.console = showRun(this.connection, board.machine.scheduler, { reload: options.reload ?? true });
  }

  onSerial(listener: (bytes: Uint8Array) => void): void {
    this.console.onData(listener);
  }

  writeSerial(bytes: Uint8Array): void {
    this.console.write(bytes);
  }

  run(timeoutSeconds: number): Promise<RunEnd> {
    if (this.stopBeforeRun) return Promise.resolve({ kind: 'stopped' });
    // Short slices: a file step's USB transfers resume between slices, so this bounds their latency.
    this.loop = new RunLoop(this.board.machine, this.console, { timeoutSeconds, sliceSeconds: SLICE_SECONDS }, this.options.host);
    return this.loop.run();
  }

  stop(): void {
    if (this.loop) this.loop.stop();
    else this.stopBeforeRun = true; // every step finished (or failed) before the run began
  }

  protected checkFiles(): void {
    if (!this.connection.usbHost || !this.board.circuitpy) throw new EngineInputError(`board ${this.boardName} has no CIRCUITPY drive on USB`);
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await (await this.mscDrive()).writeFile(path, data);
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    return (await this.mscDrive()).readFile(path);
  }

  /** The drive as enumerated now (a device reset makes a new MSC function). */
  private async mscDrive(): Promise<MscDrive> {
    const host = this.connection.usbHost;
    if (!host) throw new Error(`board ${this.boardName} has no USB drive`);
    const deadline = this.now() + (this.options.driveWaitSeconds ?? 10);
    while (!host.msc) {
      if (this.now() >= deadline) throw new Error(`no USB mass storage appeared within ${this.options.driveWaitSeconds ?? 10} s (does the firmware present CIRCUITPY?)`);
      await new Promise<void>((resolve) => this.after(0.01, resolve));
    }
    return new MscDrive(host.msc);
  }
}
