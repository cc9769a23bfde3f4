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
