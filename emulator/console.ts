/**
 * The console of a board, whichever way the board provides it: directly (semihosting, a UART)
 * or over USB, through the emulated host's CDC-ACM serial port; and what `circuitemu run` shows
 * of it (`showRun`).
 */
import type { Board, BoardConsole } from '../boards/types.js';
import { UsbHost } from '../firmware-runtime/usb/index.js';
import { SimEvent, type Scheduler } from './kernel/scheduler.js';

export interface ConsoleConnection {
  console: BoardConsole;
  /** The emulated USB host, for boards whose console is USB CDC (it also serves MSC). */
  usbHost?: UsbHost;
}

/**
 * The board's console, or with `port` one of its serial ports (`board.serialPorts`: the Arduino
 * Zero's 'edbg', its EDBG virtual COM port on SERCOM5) used as the console instead: what a host
 * opens when the program talks on a UART. No USB host is attached then (the board's native USB
 * port is left unplugged, as when a Zero is powered from its programming port).
 */
export function connectConsole(board: Board, port?: string): ConsoleConnection {
  if (port !== undefined) {
    const serial = board.serialPorts?.[port];
    if (!serial) {
      const ports = Object.keys(board.serialPorts ?? {});
      throw new Error(`board ${board.name} has no serial port '${port}' (${ports.length ? `its ports: ${ports.join(', ')}` : 'it has none'})`);
    }
    return { console: serial };
  }
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

export interface ShowRunOptions {
  /**
   * Make sure one complete run of code.py is shown when the console is USB (CircuitPython): see
   * `showRun`. `circuitemu run` sets it unless --no-reload; `repl` leaves the console alone.
   */
  reload: boolean;
  /** Output ends right after the first occurrence of this text (`--expect-text`). */
  expectText?: string;
  /** Called once, when `expectText` has been shown. */
  onExpected?: () => void;
  /** Simulated seconds after the console connects to see the run's start or its end (default 0.25). */
  joinSeconds?: number;
  /** Simulated seconds to wait for CircuitPython's answer to Ctrl-C or Ctrl-D before showing what came (default 2). */
  answerSeconds?: number;
}

/** CircuitPython's wait-loop prompt (main.c), printed after code.py finishes, once a terminal is connected. */
export const WAIT_PROMPT = 'Press any key to enter the REPL. Use CTRL-D to reload.';
/** The header of a run: "code.py output:" (main.c, maybe_run_list), or main.py, code.txt... */
const RUN_HEADER = /\.(py|txt) output:\r\n/;
/** What CircuitPython prints when Ctrl-D reloads it (main.c). */
const SOFT_REBOOT = 'soft reboot';
const CTRL_C = new Uint8Array([0x03]);
const CTRL_D = new Uint8Array([0x04]);
/** One character per byte, so that indexes in the text are byte offsets. */
const latin1 = new TextDecoder('latin1');

/**
 * What `circuitemu run` shows of a board's console: the console's output, ending right after
 * `expectText` when one is given, and, on a USB console with `reload`, one complete run of
 * code.py.
 *
 * Why a reload is needed (see the README, "The first run of code.py"): CircuitPython starts USB
 * just before it runs code.py and drops console output while no terminal has set DTR
 * (supervisor/shared/serial.c). A host may reset the device no sooner than 100 ms + 50 ms after
 * it attaches (USB 2.0 7.1.7.3, 7.1.7.5), so the first lines of code.py, at least its
 * "code.py output:" header, are lost on a real board too; a user at a terminal presses Ctrl-D.
 * This does the same, and shows only the complete run:
 *  - when the console connects, output is held back;
 *  - a run header in it: the run started after the terminal connected, so all of it is shown;
 *  - the wait-loop prompt without a header: code.py ended unseen: Ctrl-D, and the output is shown
 *    from CircuitPython's "soft reboot" on;
 *  - neither within `joinSeconds`: code.py is still running and was joined part-way: Ctrl-C,
 *    then Ctrl-D at the prompt, shown from "soft reboot" on;
 *  - no answer within `answerSeconds` (not CircuitPython, or a code.py that ignores Ctrl-C):
 *    everything held back since the console connected is shown, and the console is left alone
 *    (other USB firmware thus gets a Ctrl-C; `--no-reload` avoids it).
 * Once shown, the output flows unchanged (later reloads included). Input goes straight through.
 */
export function showRun(connection: ConsoleConnection, scheduler: Scheduler, options: ShowRunOptions): BoardConsole {
  const listeners: ((bytes: Uint8Array) => void)[] = [];
  const deliver = (bytes: Uint8Array) => {
    if (bytes.length) for (const l of listeners) l(bytes);
  };
  const show = options.expectText ? cutAfter(options.expectText, deliver, options.onExpected) : deliver;
  const raw = connection.console;
  if (options.reload && connection.usbHost) new FirstRun(connection.usbHost, raw, scheduler, show, options);
  else raw.onData(show);
  return {
    onData: (listener) => void listeners.push(listener),
    write: (bytes) => raw.write(bytes),
    close: () => raw.close(),
  };
}

/** Passes bytes on up to and including the first occurrence of `text`, then nothing. */
function cutAfter(text: string, next: (bytes: Uint8Array) => void, onFound?: () => void): (bytes: Uint8Array) => void {
  const wanted = latin1.decode(new TextEncoder().encode(text)); // byte-exact, so UTF-8 text matches too
  let tail = '';
  let found = false;
  return (bytes) => {
    if (found) return;
    const chunk = latin1.decode(bytes);
    const at = (tail + chunk).indexOf(wanted);
    if (at < 0) {
      next(bytes);
      tail = (tail + chunk).slice(Math.max(0, tail.length + chunk.length - (wanted.length - 1)));
      return;
    }
    found = true;
    next(bytes.subarray(0, at + wanted.length - tail.length));
    onFound?.();
  };
}

type Phase = 'join' | 'interrupt' | 'reload' | 'shown';

/** The state machine of `showRun`'s reload. */
class FirstRun {
  private phase: Phase = 'join';
  private held: Uint8Array[] = [];
  private heldText = '';
  private readonly timer = new SimEvent('console-first-run', () => this.timeout());
  // Seconds, converted when scheduled: the CPU clock (cycles per second) changes at boot.
  private readonly joinSeconds: number;
  private readonly answerSeconds: number;

  constructor(
    host: UsbHost,
    private readonly raw: BoardConsole,
    private readonly scheduler: Scheduler,
    private readonly show: (bytes: Uint8Array) => void,
    options: ShowRunOptions,
  ) {
    this.joinSeconds = options.joinSeconds ?? 0.25;
    this.answerSeconds = options.answerSeconds ?? 2;
    host.console.onConnect((up) => this.connected(up));
    raw.onData((bytes) => this.data(bytes));
  }

  private connected(up: boolean): void {
    if (this.phase === 'shown') return;
    // A device reset before anything was shown: start over with the next connection.
    this.phase = 'join';
    this.drop();
    if (up) this.scheduler.scheduleIn(this.timer, this.scheduler.cyclesIn(this.joinSeconds));
    else this.scheduler.cancel(this.timer);
  }

  private data(bytes: Uint8Array): void {
    if (this.phase === 'shown') {
      this.show(bytes);
      return;
    }
    this.held.push(bytes.slice());
    this.heldText += latin1.decode(bytes);
    if (this.phase === 'join' && RUN_HEADER.test(this.heldText)) {
      this.showFrom(0);
    } else if ((this.phase === 'join' || this.phase === 'interrupt') && this.heldText.includes(WAIT_PROMPT)) {
      this.send(CTRL_D, 'reload'); // CircuitPython's prompt: what came before is not the run shown
    } else if (this.phase === 'reload') {
      const at = this.heldText.indexOf(SOFT_REBOOT);
      if (at >= 0) this.showFrom(at);
    }
  }

  private timeout(): void {
    // Ctrl-C keeps what came so far: if no prompt answers it (not CircuitPython), all of it is shown.
    if (this.phase === 'join') this.send(CTRL_C, 'interrupt', true);
    else if (this.phase !== 'shown') this.showFrom(0);
  }

  /** Sends a key and waits for its answer. */
  private send(key: Uint8Array, next: Phase, keep = false): void {
    this.phase = next;
    if (!keep) this.drop();
    this.raw.write(key);
    this.scheduler.scheduleIn(this.timer, this.scheduler.cyclesIn(this.answerSeconds));
  }

  private showFrom(offset: number): void {
    this.scheduler.cancel(this.timer);
    this.phase = 'shown';
    const all = concat(this.held);
    this.drop();
    this.show(all.subarray(offset));
  }

  private drop(): void {
    this.held = [];
    this.heldText = '';
  }
}

/** The chunks as one array. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
