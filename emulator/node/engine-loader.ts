/**
 * The hosted engine for its worker (hosted-worker.ts): from the start-up bundle's single-file engine,
 * dist/bundle/hosted-engine.cjs, with the V8 code cache bundle.mjs made beside it (hosted-engine.cache), when
 * it is there; otherwise the compiled modules. Node 20 has no compile cache for ES modules
 * (module.enableCompileCache is Node 22's), so the bundle is a CommonJS-format script run through node:vm:
 * V8 then skips compiling what the cache holds (about half of the worker's module loading). The engine imports
 * no `node:` module; its one package, MicroPython's (an ES module), is imported here and handed in.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { startupMark } from './startup-trace.js';

type EngineLib = typeof import('./hosted-engine-lib.js');

const MICROPYTHON = '@micropython/micropython-webassembly-pyscript';

/** Beside the bundled worker entry; absent when the worker runs from dist/emulator/ (tests, a stale bundle). */
const BUNDLED_ENGINE = new URL('./hosted-engine.cjs', import.meta.url);

export async function loadHostedEngine(): Promise<EngineLib> {
  const script = compileEngine(BUNDLED_ENGINE);
  if (!script) return import('./hosted-engine-lib.js');
  startupMark(`worker: bundled engine compiled, code cache ${script.cachedDataRejected === false ? 'used' : 'absent or rejected'}`);
  return runEngine(script);
}

function cacheOf(engine: URL): URL {
  return new URL(engine.href.replace(/\.cjs$/, '.cache'));
}

/** The bundled engine compiled (with its code cache when one is there and V8 accepts it), or null if absent. */
function compileEngine(engine: URL, useCache = true): Script | null {
  let source: string;
  try {
    source = readFileSync(engine, 'utf8');
  } catch {
    return null;
  }
  let cachedData: Buffer | undefined;
  try {
    if (useCache) cachedData = readFileSync(cacheOf(engine));
  } catch {
    // No cache: compiled as usual.
  }
  // One line of wrapper before the source keeps its line numbers; strict, as the ES modules it came from.
  return new Script(`(function (exports, require) { 'use strict';${source}\n})`, { filename: fileURLToPath(engine), cachedData });
}

async function runEngine(script: Script): Promise<EngineLib> {
  const micropython: unknown = await import(MICROPYTHON);
  const exports = {};
  const require = (id: string): unknown => {
    if (id === MICROPYTHON) return micropython;
    throw new Error(`the bundled hosted engine imports ${id}, which engine-loader.ts does not provide`);
  };
  (script.runInThisContext() as (exports: object, require: (id: string) => unknown) => void)(exports, require);
  return exports as EngineLib;
}

/** Ends the code-cache run: thrown from the engine's port at its first wait for console input (or its end). */
class StartupDone extends Error {}

/**
 * Build step (bundle.mjs): compiles the bundled engine, runs a start-up on it as a run does (a warm VM, the
 * engine and its board, boot, a code.py that prints a line, up to the wait for a key), and writes V8's code
 * cache of every function compiled so far beside the bundle.
 */
export async function writeEngineCache(engine: URL, board = 'cpx'): Promise<void> {
  const script = compileEngine(engine, false);
  if (!script) throw new Error(`${fileURLToPath(engine)} is missing`);
  const lib = await runEngine(script);
  const image = lib.prepareFlash(board, undefined, { 'code.py': 'print("hello from the code-cache run")\n' });
  const flash = new SharedArrayBuffer(image.length);
  new Uint8Array(flash).set(image);
  let output = '';
  const port = {
    post(m: { type: string; bytes?: Uint8Array }): void {
      if (m.type === 'console') output += new TextDecoder().decode(m.bytes);
      // The engine would block on its control block next: unwind it instead (runHostedEngine reports errors
      // through the port, so this throws out of it in the end).
      if (m.type === 'waiting' || m.type === 'ended') throw new StartupDone();
    },
  };
  const config = { board, flash, control: new SharedArrayBuffer(lib.CONTROL_BYTES), realTime: false, timeoutSeconds: 60 };
  await lib.runHostedEngine(config, port, lib.prewarmVm(board)).catch((e: unknown) => {
    if (!(e instanceof StartupDone)) throw e;
  });
  if (!output.includes('hello from the code-cache run')) throw new Error(`the code-cache run did not run code.py; its console: ${JSON.stringify(output)}`);
  writeFileSync(cacheOf(engine), script.createCachedData());
}
