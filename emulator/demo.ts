/**
 * `npm start`: boots the test-m0 board on the demo program and shows its console.
 * (The web app will replace this once the boards and UI exist.)
 */
import { readFileSync } from 'node:fs';
import { createBoard, loadFirmware } from './run.js';

const firmware = new URL('../../tests/firmware/demo/demo.elf', import.meta.url);
const board = createBoard('test-m0', 'demo');
loadFirmware(board, readFileSync(firmware), 'demo.elf');
const machine = board.machine;

process.stdout.write('circuitemu: booting board test-m0 with tests/firmware/demo/demo.elf\n');
process.stdout.write('---- console ----\n');
machine.stdout.onData((bytes) => process.stdout.write(bytes));
const started = performance.now();
const halt = machine.runFor(10);
const wall = (performance.now() - started) / 1000;
process.stdout.write('---- end of console ----\n');
const mips = machine.core.instructions / wall / 1e6;
const outcome = halt ? `${halt.reason} (status ${halt.exitCode})` : 'still running after 10 simulated seconds';
process.stdout.write(
  `${outcome}; ${machine.core.instructions.toLocaleString('en')} instructions, ` +
    `${machine.scheduler.seconds.toFixed(3)} simulated s in ${wall.toFixed(3)} wall s (${mips.toFixed(0)} MIPS)\n`,
);
process.exitCode = halt?.reason === 'exit' ? halt.exitCode : 1;
