/** The page's end of the worker: starts it, feeds the store from its messages, sends inputs. */
import { store, notify } from './store.js';
import type { BoardInput, CpuChoice, DriveEntry, DriveRequest, Frame, FromWorker, ToWorker } from './worker/protocol.js';

const worker = new Worker(new URL('./worker/worker.ts', import.meta.url), { type: 'module' });
const consoleListeners: ((bytes: Uint8Array) => void)[] = [];
const soundListeners: ((start: number, rate: number, samples: Float32Array) => void)[] = [];
const pending = new Map<number, { resolve: (r: { entries?: DriveEntry[]; data?: Uint8Array }) => void; reject: (e: Error) => void }>();
let nextId = 1;

function send(msg: ToWorker, transfer: Transferable[] = []): void {
  worker.postMessage(msg, transfer);
}

/**
 * The worker posts a frame at its frame rate, which a busy page may not keep: only the newest is shown, in
 * one store update per animation frame (not one main-thread task per message).
 */
let pendingFrame: Frame | null = null;
let scheduled = false;
function later(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(show);
  // A hidden page gets no animation frames: the state still follows, four times a second.
  setTimeout(show, 250);
}
function show(): void {
  if (!scheduled) return;
  scheduled = false;
  const frame = pendingFrame;
  if (!frame) return;
  pendingFrame = null;
  const used = store.getState().used;
  const changed = used.length !== frame.used.length || used.some((u, i) => u !== frame.used[i]);
  store.setState(changed ? { frame, used: frame.used } : { frame });
}
/** Console output that arrived before the terminal was there (it mounts after the worker starts). */
const heldConsole: Uint8Array[] = [];

/** Messages that arrived before the views were mounted (boot.ts starts the worker first), in order. */
let early: FromWorker[] | null = [];
worker.onmessage = (ev: MessageEvent<FromWorker>) => {
  if (early) early.push(ev.data);
  else handle(ev.data);
};

function handle(m: FromWorker): void {
  switch (m.type) {
    case 'board': {
      const before = store.getState().engine;
      // A new engine (or board) starts with nothing used: its controls appear as its code uses them.
      store.setState({ board: m.info, engine: m.engine, firmware: m.firmware, halted: null, used: [] });
      if (m.firmware) notify('info', `Running ${m.firmware}.`);
      else if (m.engine === 'hosted' && before === 'firmware') notify('info', 'Running CircuitPython (hosted) on the same drive.');
      break;
    }
    case 'frame':
      // Only the newest frame is shown, once per animation frame (the worker may post faster than the page paints).
      pendingFrame = m.frame;
      later();
      break;
    case 'console':
      // To the terminal's feed (console-feed.ts), which writes it to xterm.js in bounded pieces: one big write
      // (joined per animation frame, or a printing loop's half-megabyte message as it came) was one long task.
      if (consoleListeners.length > 0) for (const l of consoleListeners) l(m.bytes);
      else heldConsole.push(m.bytes);
      break;
    case 'sound':
      for (const l of soundListeners) l(m.start, m.rate, m.samples);
      break;
    case 'halted':
      store.setState({ halted: m.message });
      notify('error', `The machine stopped: ${m.message}. Press reset to start again.`);
      break;
    case 'error':
      notify('error', `${m.message}. The board keeps running.`);
      break;
    case 'reply': {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (!p) break;
      if (m.ok) p.resolve({ entries: m.entries, data: m.data });
      else p.reject(new Error(m.error));
      break;
    }
  }
}
worker.onerror = (ev) => notify('error', `The emulator worker failed: ${ev.message}`);

/**
 * The core's mode unless the page says otherwise (?cpu=interp|jit). The block translator: in Chromium it
 * runs a CircuitPython busy loop about three times as fast as the interpreter and boots it about as fast
 * (`npm run bench`, tests/bench/browser-bench.ts), and a page runs for minutes, where compiling pays.
 */
export const DEFAULT_CPU: CpuChoice = 'jit';

export type { CpuChoice };

export const machine = {
  /** The views have mounted and subscribed: messages held since the start are handled now. */
  ready(): void {
    const held = early ?? [];
    early = null;
    for (const m of held) handle(m);
  },
  boot: (board: string, realTime = true, hosted = true, cpu: CpuChoice = DEFAULT_CPU) => send({ type: 'boot', board, realTime, hosted, cpu }),
  input: (input: BoardInput) => send({ type: 'input', input }),
  reset: () => send({ type: 'reset' }),
  pause: (paused: boolean) => {
    store.setState({ paused });
    send({ type: 'pause', paused });
  },
  /** While paused: one slice (10 ms) of simulated time on either engine. */
  step: () => send({ type: 'step' }),
  loadFirmware: (name: string, bytes: Uint8Array) => send({ type: 'load-firmware', name, bytes }, [bytes.buffer]),
  /** Back from firmware to CircuitPython hosted, on the same drive. */
  useHosted: () => send({ type: 'use-hosted' }),
  type: (bytes: Uint8Array) => send({ type: 'console-input', bytes }),
  onConsole(l: (bytes: Uint8Array) => void): void {
    consoleListeners.push(l);
    for (const bytes of heldConsole.splice(0)) l(bytes);
  },
  sound: (on: boolean) => send({ type: 'sound', on }),
  onSound: (l: (start: number, rate: number, samples: Float32Array) => void) => soundListeners.push(l),
  drive(request: DriveRequest): Promise<{ entries?: DriveEntry[]; data?: Uint8Array }> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ type: 'drive', id, request });
    });
  },
};
