/**
 * The console of a board, whichever way the board provides it: directly (semihosting, a UART)
 * or over USB, through the emulated host's CDC-ACM serial port.
 */
import type { Board, BoardConsole } from '../boards/types.js';
import { UsbHost } from '../firmware-runtime/usb/index.js';

export interface ConsoleConnection {
  console: BoardConsole;
  /** The emulated USB host, for boards whose console is USB CDC (it also serves MSC). */
  usbHost?: UsbHost;
}

/** CircuitPython's wait-loop prompt, printed after code.py (or its absence) finishes. */
const PRESS_ANY_KEY = 'Press any key to enter the REPL. Use CTRL-D to reload.';
const CODE_OUTPUT = / output:\r\n/;

/**
 * CircuitPython starts USB just before it runs code.py, so a host (real or emulated) connects
 * after a short code.py has finished and its output is lost, exactly as on a real board. A user
 * then presses Ctrl-D to reload. This does the same, once: if the first wait-loop prompt arrives
 * without any "<file> output:" before it, it sends Ctrl-D so the program runs again, visibly.
 */
export function reloadIfOutputMissed(console: BoardConsole): void {
  let seen = '';
  let done = false;
  const decoder = new TextDecoder();
  console.onData((bytes) => {
    if (done) return;
    seen += decoder.decode(bytes, { stream: true });
    if (CODE_OUTPUT.test(seen)) done = true;
    else if (seen.includes(PRESS_ANY_KEY)) {
      done = true;
      console.write(new Uint8Array([0x04]));
    }
  });
}

export function connectConsole(board: Board): ConsoleConnection {
  if (board.console) return { console: board.console };
  if (!board.usb) throw new Error(`board ${board.name} has neither a console nor USB`);
  const usbHost = new UsbHost(board.machine.scheduler, board.usb);
  const serial = usbHost.console;
  return {
    usbHost,
    console: {
      onData: (listener) => serial.onData(listener),
      write: (bytes) => serial.write(bytes),
      close: () => {}, // a serial port has no end of input
    },
  };
}
