/** The web app's views: a virtual board, its controls, console and files, on one page (boot.ts loads them). */
import { store, notify, type Notice } from './store.js';
import type { Frame } from './worker/protocol.js';
import { machine } from './machine.js';
import { mountBoardView } from './board-view.js';
import { mountControls } from './controls.js';
import { mountTerminal } from './terminal.js';
import { mountFirmwareDrop } from './firmware.js';
import { mountCode, currentCode } from './code.js';
import { readShared, shareLink } from './share.js';
import { mountSound } from './sound.js';
import { mountParts } from './parts.js';
import { mountWifi } from './wifi.js';
import { DRAWINGS } from '../boards/drawings/index.js';

const $ = (id: string) => document.getElementById(id)!;

const view = mountBoardView($('board'));
mountControls($('controls'));
mountParts($('controls'));
mountWifi($('controls'));
const term = mountTerminal($('terminal'), $('status-line'));
mountSound($('sound') as HTMLButtonElement);
mountFirmwareDrop($('firmware-input') as HTMLInputElement, $('drop-hint'));
// A shared link brings a board and a code.py; a damaged one is reported and ignored.
let shared: { board: string | null; code: string | null } = { board: null, code: null };
try {
  shared = readShared(location.hash);
} catch (e) {
  notify('error', `This shared link is broken: ${(e as Error).message} Your own files were left as they are.`);
}
mountCode($('code'), shared.code);
$('share').addEventListener('click', async () => {
  const code = await currentCode();
  const link = shareLink(store.getState().board?.name ?? 'cpx', code);
  history.replaceState(null, '', link);
  try {
    await navigator.clipboard.writeText(link);
    notify('info', 'Link copied: it opens this board with this code.py.');
  } catch {
    notify('info', `Share this link: ${link}`);
  }
});

$('ctrl-c').addEventListener('click', () => machine.type(new Uint8Array([3])));
$('ctrl-d').addEventListener('click', () => machine.type(new Uint8Array([4])));
$('pause').addEventListener('click', () => machine.pause(!store.getState().paused));
$('step').addEventListener('click', () => machine.step());

function showNotice(notice: Notice | null): void {
  const n = $('notice');
  n.hidden = !notice;
  n.className = `notice ${notice?.kind ?? ''}`;
  n.textContent = notice?.text ?? '';
}
// The board picker: another board is another page (its own drive, its own firmware).
const select = $('board-select') as HTMLSelectElement;
for (const d of Object.values(DRAWINGS)) select.append(new Option(d.title, d.id));
select.addEventListener('change', () => {
  const url = new URL(location.href);
  url.hash = '';
  url.searchParams.set('board', select.value);
  location.assign(url.toString());
});
/**
 * Boards with no hosted engine that take a flash image, not a .uf2: the ESP8266 (CircuitPython 9 has
 * no ESP8266 port, so only real firmware runs it: MicroPython's or CircuitPython 8's .bin).
 */
const BIN_BOARDS: Record<string, string> = {
  feather_huzzah:
    'The Feather HUZZAH (ESP8266) needs firmware: CircuitPython has no hosted engine for it (CircuitPython 9 has no ESP8266 port). ' +
    'Drop a MicroPython or CircuitPython .bin for the ESP8266 (an esptool image written at 0x0) on the page to run it; its console is UART0, below.',
};
const showEngine = (engine: string, firmware: string | null) => {
  const bin = BIN_BOARDS[store.getState().board?.name ?? ''];
  $('engine').textContent =
    engine === 'firmware' ? `firmware: ${firmware}` : engine === 'hosted' ? 'CircuitPython (hosted)' : `no firmware: drop a ${bin ? '.bin' : '.uf2'} here`;
  $('engine').title =
    engine === 'hosted' ? 'code.py runs on CircuitPython hosted in the page; drop a .uf2 to run real firmware instead' : ($('engine').textContent ?? '');
  // Back to hosted only where there is a hosted engine to go back to.
  $('use-hosted').hidden = engine !== 'firmware' || !!bin;
};
$('use-hosted').addEventListener('click', () => machine.useHosted());
/**
 * The speed readout, four times a second (text that changes at every frame costs a layout per frame):
 * simulated time and the real-time ratio over the last second; on the firmware engine its title adds what
 * the emulated CPU does per wall second (MHz counts cycles a sleeping core skips; MIPS counts only work done;
 * a sleeping CircuitPython does no instructions at all). In the title, not the text: the header has no room.
 */
let speedShown = 0;
function showSpeed(f: Frame): void {
  const now = performance.now();
  if (now - speedShown < 250) return;
  speedShown = now;
  const text = `${f.simSeconds.toFixed(1)} s · ${f.speed > 0 ? `${(f.speed * 100).toFixed(f.speed < 0.01 ? 1 : 0)}% real time` : 'measuring speed…'}`;
  const el = $('speed');
  if (el.textContent !== text) el.textContent = text;
  const title = 'simulated time; simulated per wall-clock time over the last second';
  // A CPU's cycles advance even while it sleeps: MHz > 0 means there is one.
  el.title = f.mhz > 0 ? `${title}; the emulated CPU: ${f.mhz.toFixed(1)} MHz of simulated clock, ${f.mips.toFixed(1)} million instructions per wall-clock second` : title;
}
showEngine('none', null);
store.subscribe((s, prev) => {
  if (s.board !== prev.board && s.board) (select as HTMLSelectElement).value = s.board.name;
  if (s.engine !== prev.engine || s.firmware !== prev.firmware || s.board !== prev.board) {
    showEngine(s.engine, s.firmware);
    if (s.engine === 'none' && s.board && BIN_BOARDS[s.board.name] && (s.board !== prev.board || s.engine !== prev.engine)) notify('info', BIN_BOARDS[s.board.name]!);
  }
  if (s.frame !== prev.frame && s.frame) showSpeed(s.frame);
  if (s.paused !== prev.paused) {
    $('pause').textContent = s.paused ? 'Run' : 'Pause';
    $('pause').setAttribute('aria-pressed', String(s.paused));
    ($('step') as HTMLButtonElement).disabled = !s.paused;
  }
  if (s.notice !== prev.notice) showNotice(s.notice);
});
showNotice(store.getState().notice);

// Offline after the first load: the built site registers its service worker (vite.config.ts writes sw.js).
// (Not under Vite's dev server, which has no sw.js: there import.meta.hot is set.)
if (!import.meta.hot && 'serviceWorker' in navigator) {
  // Once the board has started (its first console output) or after 5 s: installing fetches every file of the
  // site, which on a first visit competed with the hosted engine's worker and wasm for the network.
  let registered = false;
  const register = () => {
    if (registered) return;
    registered = true;
    navigator.serviceWorker.register('./sw.js').catch((e: Error) => notify('info', `Offline use is not available: ${e.message}`));
  };
  machine.onConsole(() => void (registered || setTimeout(register, 200)));
  setTimeout(register, 5000);
}
if (!crossOriginIsolated) notify('info', 'This page is not cross-origin isolated; serve it with COOP/COEP headers (npm start does).');

// For tests and the curious: the store and the terminal, read-only by convention.
(window as unknown as { circuitemu: unknown }).circuitemu = { store, term, machine, view };
// The views are up: the worker's messages so far, and from now on, reach them.
machine.ready();
