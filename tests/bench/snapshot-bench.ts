/**
 * `npm run bench`, snapshot section: a suite of N scenarios (default 20) with the real
 * CircuitPython on the CPX, each from power-on, against each from one snapshot of the booted
 * board (the point of snapshots: a CI suite boots once). Every run must pass, and the runs from
 * the snapshot must print identical serial logs. Skipped without $CIRCUITEMU_FIRMWARE_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Board } from '../../boards/types.js';
import { copyToDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { FirmwareEngine } from '../../emulator/scenario/firmware-engine.js';
import { parseScenario } from '../../emulator/scenario/parse.js';
import { runScenario } from '../../emulator/scenario/runner.js';
import { restoreSnapshot, saveSnapshot } from '../../emulator/snapshot/index.js';

const root = new URL('../../../', import.meta.url).pathname;
const project = join(root, 'examples/cpx-project');
/** Simulated seconds the snapshot's board runs before it is saved (CircuitPython has run code.py). */
const BOOT_SECONDS = 2;

/** CPU time of this process: the machine is shared, so wall time also counts other processes. */
function cpuSeconds(): number {
  const t = process.cpuUsage();
  return (t.user + t.system) / 1e6;
}

export async function benchSnapshotSuite(log: (s: string) => void): Promise<void> {
  const count = Number(process.env.BENCH_SNAPSHOT_SCENARIOS ?? 20);
  const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
  const firmware = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
  log('');
  log(`A suite of ${count} scenarios (examples/cpx-project/scenarios/serial.yaml) on CircuitPython (cpx)`);
  if (!firmware || !existsSync(firmware)) {
    log('snapshot suite           skipped: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2');
    return;
  }
  const file = join(project, 'scenarios/serial.yaml');
  const scenario = parseScenario(readFileSync(file, 'utf8'), file);
  const image = readFileSync(firmware);
  const powerOn = (): Board => {
    const board = createBoard('cpx');
    loadFirmware(board, image, firmware);
    copyToDrive(board, join(project, 'CIRCUITPY'));
    return board;
  };
  const suite = async (board: () => Promise<Board>) => {
    const start = performance.now();
    const cpu = cpuSeconds();
    const logs: string[] = [];
    for (let i = 0; i < count; i++) {
      const result = await runScenario(new FirmwareEngine(await board()), scenario, { timeoutSeconds: 60 });
      if (result.status !== 'passed') throw new Error(`scenario run ${i + 1} ${result.status}: ${result.message}`);
      logs.push(new TextDecoder().decode(result.serial));
    }
    return { seconds: (performance.now() - start) / 1000, cpu: cpuSeconds() - cpu, same: logs.every((l) => l === logs[0]) };
  };

  const cold = await suite(async () => powerOn());
  const saveStart = performance.now();
  const saveCpu = cpuSeconds();
  const booted = powerOn();
  booted.machine.runFor(BOOT_SECONDS);
  const snapshot = await saveSnapshot(booted);
  const saveSeconds = (performance.now() - saveStart) / 1000;
  const saveCpuSeconds = cpuSeconds() - saveCpu;
  const warm = await suite(() => restoreSnapshot(snapshot));
  if (!warm.same) throw new Error('runs from the same snapshot printed different serial logs');
  const figures = (r: { seconds: number; cpu: number }) => `${r.seconds.toFixed(2).padStart(7)} s wall, ${r.cpu.toFixed(2).padStart(7)} s CPU (${(r.cpu / count).toFixed(2)} s CPU a scenario)`;
  log(`${'from power-on'.padEnd(24)} ${figures(cold)}`);
  log(`${'from one snapshot'.padEnd(24)} ${figures(warm)}`);
  log(`${'  + boot and save once'.padEnd(24)} ${saveSeconds.toFixed(2).padStart(7)} s wall, ${saveCpuSeconds.toFixed(2).padStart(7)} s CPU (${BOOT_SECONDS} simulated s, ${(snapshot.length / 1024).toFixed(0)} KiB)`);
  log(`speed-up (CPU time, boot and save included) ${(cold.cpu / (warm.cpu + saveCpuSeconds)).toFixed(2)}x; serial logs of the snapshot runs identical: ${warm.same}`);
  log('(each run still connects USB and reloads code.py to show a complete run, as `circuitemu test` does: that part is not saved)');
}
