/**
 * The serial console: xterm.js on the board's USB CDC port. Keys go to the board as typed
 * (Ctrl-C interrupts, Ctrl-D reloads); CircuitPython's status line, which it sends as an OSC 0
 * "window title" sequence, is shown in the status bar instead of in the text.
 */
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { machine } from './machine.js';
import { store } from './store.js';

export function mountTerminal(host: HTMLElement, statusBar: HTMLElement): Terminal {
  const term = new Terminal({ convertEol: false, fontSize: 13, rows: 18, cols: 80, scrollback: 5000, theme: { background: '#101418' } });
  term.open(host);
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
  const encoder = new TextEncoder();
  term.onData((data) => {
    if (store.getState().engine === 'none') {
      term.write('\r\n\x1b[33m[no firmware running: drop firmware (.uf2, or .bin for the ESP8266) on the page]\x1b[0m\r\n');
      return;
    }
    machine.type(encoder.encode(data));
  });
  term.onTitleChange((title) => {
    statusBar.textContent = title;
  });
  machine.onConsole((bytes) => term.write(bytes));
  return term;
}
