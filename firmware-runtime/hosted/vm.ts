/**
 * One MicroPython VM (the npm WebAssembly "pyscript" build) set up as a CircuitPython runtime: our Python
 * sources written to its private file system, the `_hal` JS module registered, `_rt` imported (it mounts
 * CIRCUITPY at `/`). A fresh VM is made for every run of a file and for the REPL, as CircuitPython resets
 * its VM between them.
 */
import { loadMicroPython, type MicroPython } from '@micropython/micropython-webassembly-pyscript';
import { RT_PY } from './py/runtime.js';
import { CORE_PY } from './py/core.js';
import { IO_PACKAGES, IO_PY } from './py/io-modules.js';

/** Names of our core modules (built into the board's firmware: they win over files of the same name). */
export const CORE_MODULES = [...Object.keys(CORE_PY), ...Object.keys(IO_PY), ...new Set(Object.keys(IO_PACKAGES).map((p) => p.split('/')[0]!.slice(3)))];

/**
 * Modules of the MicroPython VM itself (its `help('modules')`, 1.27 pyscript build): a board that lacks one
 * must refuse it (engine.ts), as must a board lacking one of ours.
 */
export const VM_MODULES = ['__main__', '_asyncio', 'abc', 'array', 'asyncio', 'base64', 'binascii', 'builtins', 'cmath', 'collections', 'copy', 'datetime', 'deflate', 'errno', 'fnmatch', 'framebuf', 'functools', 'gc', 'gzip', 'hashlib', 'heapq', 'hmac', 'html', 'inspect', 'io', 'itertools', 'js', 'jsffi', 'json', 'locale', 'logging', 'math', 'micropython', 'operator', 'os', 'pathlib', 'platform', 'random', 're', 'select', 'stat', 'string', 'struct', 'sys', 'tarfile', 'time', 'types', 'uctypes', 'unittest', 'uu', 'vfs', 'zlib', 'pyscript'];

/**
 * The VM's first heap area. The pyscript build adds areas on demand (MICROPY_GC_SPLIT_HEAP_AUTO) and
 * collects garbage only when control returns to JS at the top level, so this is not the board's limit;
 * `gc` reports the board's figures instead (py/core.ts).
 */
export const VM_INITIAL_HEAP = 96 * 1024;

/**
 * The C stack the VM may use, in bytes from the stack top its init records (MicroPython's `stack_limit`).
 * The npm build sets 32 KiB (ports/webassembly/main.c: `mp_cstack_init_with_sp_here(32 * 1024)`), which lets
 * `def f(n): return f(n + 1)` recurse about 154 levels from code.py; CircuitPython 9.2.9 on the SAMD21
 * boards stops after 14 (its stack check, measured on the firmware engine). This figure is calibrated so
 * that the same program stops at the same level (one level costs 207 bytes here; code.py starts 848 bytes
 * down), and with it deeper shapes follow the board (tests/hosted/recursion.test.ts).
 */
export const SAMD21_CSTACK_LIMIT = 3850;

/** The npm build's stack limit as its init leaves it (see SAMD21_CSTACK_LIMIT). */
const NPM_CSTACK_LIMIT = 32 * 1024;

/**
 * Finds MicroPython's `MP_STATE_THREAD(stack_limit)` in the VM's memory and sets it. The build exports no
 * setter, so the word is found where `mp_state_thread_t` keeps it: right after `stack_top`, which init set to
 * an address inside the wasm stack (below 64 KiB in this build's layout). Exactly one word must match, and the
 * recursion depth of a probe must move with it, or the VM is refused: a wrong write would corrupt it.
 */
function cStackLimitSetter(mp: MicroPython): (limit: number) => void {
  const m = mp._module as { getValue(a: number, t: string): number; setValue(a: number, v: number, t: string): void };
  const hits: number[] = [];
  for (let a = 4; a < 1 << 20; a += 4) {
    if (m.getValue(a, 'i32') !== NPM_CSTACK_LIMIT) continue;
    const top = m.getValue(a - 4, 'i32');
    if (top > 1024 && top <= 65536) hits.push(a);
  }
  if (hits.length !== 1) throw new Error(`hosted VM: MicroPython's stack_limit not found (${hits.length} candidates): the npm build changed`);
  const at = hits[0]!;
  return (limit) => m.setValue(at, limit, 'i32');
}

export interface VmOptions {
  /** micropython.wasm's URL when the default (beside the package's .mjs) does not work (bundlers). */
  wasmUrl?: string;
  stdout: (bytes: Uint8Array) => void;
  hal: Record<string, unknown>;
  frozen: Record<string, string>;
  /** The C stack limit in bytes (default SAMD21_CSTACK_LIMIT). */
  cStackLimit?: number;
}

export interface HostedVm {
  mp: MicroPython;
  /** Runs a file of CIRCUITPY; returns '' or the status text of an uncaught error ('3@code.py NameError'). */
  runFile(path: string): string;
  /** Runs REPL input ('single': an interactive line; 'exec': a pasted block). */
  runRepl(src: string, mode: 'single' | 'exec'): string;
  interrupt(): void;
  /** Closes (writes) files the program left open: the end of a VM's life. */
  closeFiles(): void;
  /** Converts a Python list or tuple (a PyProxy in JS) to a JS array. */
  toJs(value: unknown): unknown;
}

const utf8 = new TextEncoder();

export async function createVm(opts: VmOptions): Promise<HostedVm> {
  const mp = await loadMicroPython({
    heapsize: VM_INITIAL_HEAP,
    url: opts.wasmUrl,
    linebuffer: false,
    stdout: opts.stdout,
    stderr: opts.stdout,
  });
  // The board's limit holds for the user's code; importing our own modules (C or frozen bytecode in the
  // board's flash, compiled from source here) runs under the build's own limit (runtime.ts _with_hosted).
  const setLimit = cStackLimitSetter(mp);
  const boardLimit = opts.cStackLimit ?? SAMD21_CSTACK_LIMIT;
  setLimit(boardLimit);
  mp.registerJsModule('_cstack', { lift: () => setLimit(NPM_CSTACK_LIMIT), drop: () => setLimit(boardLimit) });
  const fs = mp.FS;
  fs.mkdir('/hosted');
  // As UTF-8 bytes: Emscripten's FS.writeFile encodes a string in a JS loop, several times slower at start-up.
  fs.writeFile('/hosted/_rt.py', utf8.encode(RT_PY));
  for (const [name, src] of Object.entries({ ...CORE_PY, ...IO_PY })) fs.writeFile(`/hosted/_c_${name}.py`, utf8.encode(src));
  for (const [name, src] of Object.entries({ ...IO_PACKAGES, ...opts.frozen })) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = '/hosted/' + parts.slice(0, i).join('/');
      if (!fs.analyzePath(dir).exists) fs.mkdir(dir);
    }
    fs.writeFile('/hosted/' + name, utf8.encode(src));
  }
  mp.registerJsModule('_hal_js', opts.hal);
  mp.runPython("import sys\nsys.path.append('/hosted')\nimport _rt\n");
  // gc.collect() only marks a collection pending; it happens when this call returns to the top level.
  mp.runPython('import gc\ngc.collect()\n');
  mp.runPython('_rt.set_baseline()\n');
  const rt = mp.pyimport('_rt') as {
    compile_file(p: string): string;
    run_compiled(): string;
    run_repl(s: string, m: string): string;
    close_all(): void;
  };
  const module = mp._module as { _mp_sched_keyboard_interrupt(): void };
  return {
    mp,
    // Two calls: the compiler's garbage is collected when the first returns to the top level.
    runFile: (path) => String(rt.compile_file(path)) || String(rt.run_compiled()),
    runRepl: (src, mode) => String(rt.run_repl(src, mode)),
    interrupt: () => module._mp_sched_keyboard_interrupt(),
    toJs: (value) => mp.PyProxy.toJs(value),
    closeFiles: () => rt.close_all(),
  };
}

/** A VM made before its engine exists: bind() connects it to the engine's console and `_hal` once. */
export interface WarmVm {
  bind(stdout: (bytes: Uint8Array) => void, hal: Record<string, unknown>): HostedVm;
}

/**
 * Makes a VM ahead of time (the worker's first, built while the main thread still prepares the drive): the
 * runtime is imported with only the board's static `_hal` answers (`staticHal`: module lists, identity), and
 * every other `_hal` function and the console are forwarded to the engine bound later. Calling a forwarded
 * function before bind() is a bug in the runtime's import and fails loudly.
 */
export async function warmVm(opts: { wasmUrl?: string; frozen: Record<string, string>; staticHal: Record<string, unknown> }): Promise<WarmVm> {
  let out: ((bytes: Uint8Array) => void) | null = null;
  let engineHal: Record<string, unknown> | null = null;
  const forward = (name: string) => (...args: unknown[]): unknown => {
    if (!engineHal) throw new Error(`_hal.${name} called before the VM was bound to its engine`);
    return (engineHal[name] as (...a: unknown[]) => unknown)(...args);
  };
  const hal: Record<string, unknown> = new Proxy(opts.staticHal, {
    get: (target, name) => (typeof name !== 'string' ? undefined : name in target ? target[name] : forward(name)),
    has: () => true,
  });
  const vm = await createVm({ wasmUrl: opts.wasmUrl, frozen: opts.frozen, hal, stdout: (b) => out?.(b) });
  let bound = false;
  return {
    bind(stdout, boundHal) {
      if (bound) throw new Error('a warm VM is bound once');
      bound = true;
      out = stdout;
      engineHal = boundHal;
      return vm;
    },
  };
}
