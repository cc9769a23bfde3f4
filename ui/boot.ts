/**
 * The page's entry: starts the machine's worker first, then loads the views. The worker's own chunk, the
 * hosted engine's worker and the MicroPython wasm are the long pole of the first visit; with the views
 * (CodeMirror, xterm.js, the drawings) in one bundle they waited until all of it had loaded and run.
 * Now they download while the views do; the worker's messages wait in machine.ts until the views are up.
 */
import './style.css';
import { machine, type CpuChoice } from './machine.js';
import { readShared } from './share.js';

const params = new URLSearchParams(location.search);
let sharedBoard: string | null = null;
try {
  sharedBoard = readShared(location.hash).board;
} catch {
  // main.ts reads the link again and reports it broken.
}
// ?pace=off runs the machine as fast as it goes (to measure the emulator), not in real time.
// ?engine=none keeps the CPU-less chip until a .uf2 is dropped (no hosted CircuitPython).
// ?cpu=interp|jit picks how the emulated core runs firmware (to compare them; the default is machine.ts's).
const cpu = params.get('cpu');
machine.boot(sharedBoard ?? params.get('board') ?? 'cpx', params.get('pace') !== 'off', params.get('engine') !== 'none', cpu === 'jit' || cpu === 'interp' ? (cpu as CpuChoice) : undefined);

import('./main.js').catch((e: Error) => {
  const notice = document.getElementById('notice')!;
  notice.hidden = false;
  notice.className = 'notice error';
  notice.textContent = `The page could not load its views (${e.message}). Reload to try again.`;
});
