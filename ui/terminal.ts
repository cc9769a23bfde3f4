/**
 * The serial console: xterm.js on the board's USB CDC port. Keys go to the board as typed
 * (Ctrl-C interrupts, Ctrl-D reloads); CircuitPython's status line, which it sends as an OSC 0
 * "window title" sequence, is shown in the status bar instead of in the text. The board's output reaches
 * xterm.js through a ConsoleFeed (console-feed.ts): bounded writes, so a printing loop leaves the page live.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { machine } from './machine.js';
import { store } from './store.js';
import { ConsoleFeed } from './console-feed.js';

export function mountTerminal(host: HTMLElement, statusBar: HTMLElement): Terminal {
  const term = new Terminal({ convertEol: false, fontSize: 13, rows: 18, cols: 80, scrollback: 5000, theme: { background: '#101418' } });
  // As many columns as the console's width holds (80 do not fit beside the board in a 1024 px window).
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  const refit = () => {
    const d = fit.proposeDimensions();
    if (d && d.cols > 0 && d.cols !== term.cols) term.resize(Math.max(20, d.cols), term.rows);
  };
  refit();
  new ResizeObserver(refit).observe(host);
  host.setAttribute('aria-label', 'Serial console');
  term.textarea?.setAttribute('aria-label', 'Serial console input (Tab completes in the REPL; press Escape, then Tab, to leave)');
  // Tab belongs to the REPL (completion), so it would trap keyboard users: Escape releases it
  // for the next key, as editors with tab-trapping do.
  let released = false;
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    if (e.key === 'Escape') {
      released = true;
      return false;
    }
    const pass = released && e.key === 'Tab';
    released = false;
    return !pass;
  });
  const feed = new ConsoleFeed({ write: (data, done) => term.write(data, done) }, { nextFrame });
  const encoder = new TextEncoder();
  term.onData((data) => {
    if (store.getState().engine === 'none') {
      feed.pushText('\r\n\x1b[33m[no firmware running: drop firmware (.uf2, or .bin for the ESP8266) on the page]\x1b[0m\r\n');
      return;
    }
    // Straight to the board, flood or not: a Ctrl-C does not wait behind the output.
    machine.type(encoder.encode(data));
  });
  term.onTitleChange((title) => showStatus(statusBar, title));
  machine.onConsole((bytes) => feed.push(bytes));
  return term;
}

/** The next animation frame; a hidden page gets none, so at the latest a quarter second later (as machine.ts). */
function nextFrame(cb: () => void): void {
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    cb();
  };
  requestAnimationFrame(once);
  setTimeout(once, 250);
}

/**
 * CircuitPython's status line starts with a snake emoji (🐍), which a system without a colour emoji font
 * (headless Chromium, many Linux desktops) draws as an empty box: it is drawn here instead.
 */
export function showStatus(bar: HTMLElement, title: string): void {
  const snake = title.startsWith('\u{1F40D}');
  const text = snake ? title.slice(2) : title;
  if (!snake) {
    bar.textContent = text;
    return;
  }
  const icon = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  icon.setAttribute('class', 'status-icon');
  icon.setAttribute('viewBox', '0 0 16 16');
  icon.setAttribute('aria-hidden', 'true');
  // A snake: an S of a thick green stroke with a head and an eye.
  icon.innerHTML = '<path d="M12.5 3.5C10 1.5 4.5 2 4.5 5s7 2.5 7 6-5.5 3.5-8 2" fill="none" stroke="#5fbf4a" stroke-width="2.6" stroke-linecap="round"/><circle cx="12.6" cy="3.6" r="2" fill="#5fbf4a"/><circle cx="13.1" cy="3.1" r="0.6" fill="#101418"/>';
  bar.replaceChildren(icon, document.createTextNode(text));
  bar.setAttribute('aria-label', `CircuitPython status: ${text}`);
}
