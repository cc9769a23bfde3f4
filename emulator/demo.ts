/**
 * `npm start`: boots the test-m0 board on the demo program and shows its console; then, when
 * $CIRCUITEMU_FIRMWARE_DIR holds CircuitPython for the CPX, boots a Circuit Playground Express,
 * types into its REPL over the emulated USB serial port, and shows the NeoPixels it lit.
 * (The web app will replace this once the UI exists.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CpxBoard } from '../boards/cpx.js';
import { connectConsole } from './console.js';
import { createBoard, loadFirmware } from './run.js';

function testM0Demo(): number {
  const firmware = new URL('../../tests/firmware/demo/demo.elf', import.meta.url);
  const board = createBoard('test-m0', { commandLine: 'demo' });
  loadFirmware(board, readFileSync(firmware), 'demo.elf');
  const machine = board.machine;
  process.stdout.write('circuitemu: booting board test-m0 with tests/firmware/demo/demo.elf\n---- console ----\n');
  machine.stdout.onData((bytes) => process.stdout.write(bytes));
  const started = performance.now();
  const halt = machine.runFor(10);
  const wall = (performance.now() - started) / 1000;
  const mips = machine.instructions / wall / 1e6;
  const outcome = halt ? `${halt.reason} (status ${halt.exitCode})` : 'still running after 10 simulated seconds';
  process.stdout.write(
    `---- end of console ----\n${outcome}; ${machine.instructions.toLocaleString('en')} instructions, ` +
      `${machine.scheduler.seconds.toFixed(3)} simulated s in ${wall.toFixed(3)} wall s (${mips.toFixed(0)} MIPS)\n`,
  );
  return halt?.reason === 'exit' ? halt.exitCode : 1;
}

function cpxDemo(uf2: string): void {
  process.stdout.write(`\ncircuitemu: booting board cpx with ${uf2}\n---- USB serial console ----\n`);
  const board = createBoard('cpx') as CpxBoard;
  const { console } = connectConsole(board);
  let out = '';
  const decoder = new TextDecoder();
  let inTitle = false; // inside CircuitPython's status-bar title (ESC ] ... ESC \), not shown here
  console.onData((bytes) => {
    const text = decoder.decode(bytes, { stream: true });
    out += text;
    let shown = '';
    for (let i = 0; i < text.length; i++) {
      if (!inTitle && text[i] === '\x1b' && text[i + 1] === ']') inTitle = true;
      else if (inTitle && text[i] === '\\' && text[i - 1] === '\x1b') inTitle = false;
      else if (!inTitle) shown += text[i];
    }
    process.stdout.write(shown);
  });
  loadFirmware(board, readFileSync(uf2), uf2);
  const machine = board.machine;
  const started = performance.now();
  const until = (text: string) => {
    const from = out.length;
    while (out.indexOf(text, from) < 0 && machine.scheduler.seconds < 60) machine.runFor(0.01);
  };
  until('Press any key');
  for (const line of ['\r', 'import board, neopixel\r', 'px = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=0.2)\r',
    'for i in range(10): px[i] = (255 - 25 * i, 25 * i, 64)\r\r', 'print("lit", len(px), "pixels")\r']) {
    console.write(new TextEncoder().encode(line));
    until('>>> ');
  }
  const wall = (performance.now() - started) / 1000;
  const hex = board.parts.pixels.rgb().map((c) => '#' + c.toString(16).padStart(6, '0'));
  process.stdout.write(
    `\n---- end of console ----\nNeoPixels: ${hex.join(' ')}\n` +
      `${machine.scheduler.seconds.toFixed(2)} simulated s in ${wall.toFixed(2)} wall s\n`,
  );
}

process.exitCode = testM0Demo();
const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const uf2 = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
if (uf2 && existsSync(uf2)) cpxDemo(uf2);
else process.stdout.write('\n(set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 to see CircuitPython on a Circuit Playground Express too)\n');
