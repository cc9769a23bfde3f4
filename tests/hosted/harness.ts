/** Drives the hosted engine for tests: start with files, wait for console text, type keys. */
import { startHostedEngine, type HostedEngineHandle, type HostedEngineOptions } from '../../emulator/node/hosted-engine.js';

export interface Session {
  handle: HostedEngineHandle;
  /** Console bytes so far, as latin1 (bytes one to one). */
  readonly text: string;
  /** Resolves when `needle` appears after position `from` (default: anywhere); rejects after `ms`. */
  waitFor(needle: string, ms?: number, from?: number): Promise<number>;
  /** Wall-clock time (performance.now) at which `needle` first appeared after `from`, once it has. */
  seenAt(needle: string): number | undefined;
  stop(): Promise<void>;
}

export function start(options: Omit<HostedEngineOptions, 'onConsole'>): Session {
  let text = '';
  const waiters: { needle: string; from: number; resolve: (i: number) => void }[] = [];
  const seen = new Map<string, number>();
  const handle = startHostedEngine({
    ...options,
    onConsole: (bytes) => {
      text += Buffer.from(bytes).toString('latin1');
      const now = performance.now();
      for (const w of [...waiters]) {
        const i = text.indexOf(w.needle, w.from);
        if (i >= 0) {
          if (!seen.has(w.needle)) seen.set(w.needle, now);
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(i);
        }
      }
    },
  });
  return {
    handle,
    get text() {
      return text;
    },
    waitFor(needle, ms = 20_000, from = 0) {
      const i = text.indexOf(needle, from);
      if (i >= 0) return Promise.resolve(i);
      return new Promise((resolve, reject) => {
        const w = { needle, from, resolve: (n: number) => (clearTimeout(timer), resolve(n)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          reject(new Error(`timed out waiting for ${JSON.stringify(needle)}; console so far:\n${JSON.stringify(text)}`));
        }, ms);
        waiters.push(w);
      });
    },
    seenAt: (needle) => seen.get(needle),
    async stop() {
      await handle.stop();
    },
  };
}

/** Runs code.py to "Press any key" and returns the console text. */
export async function runCode(files: Record<string, string | Uint8Array>, options: Partial<HostedEngineOptions> = {}): Promise<string> {
  const s = start({ board: 'cpx', files, ...options });
  try {
    await s.waitFor('Press any key to enter the REPL. Use CTRL-D to reload.\r\n');
    return s.text;
  } finally {
    await s.stop();
  }
}

/** The status-bar (OSC 0) sequence CircuitPython 9.2.9 sends. */
export const osc = (status: string): string => Buffer.from(`\x1b]0;🐍${status} | 9.2.9\x1b\\`, 'utf8').toString('latin1');
