import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';

/**
 * Cross-origin isolation (COOP + COEP) lets the page use SharedArrayBuffer, which the hosted
 * engine needs to interrupt a running VM from the page. Static hosts must send the same headers.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The MicroPython wasm package the hosted engine loads (firmware-runtime/hosted/vm.ts). */
const MICROPYTHON = '@micropython/micropython-webassembly-pyscript';
const LOCATE_WASM = 'locateFile:(path,scriptDirectory)=>url||scriptDirectory+path';

/**
 * The package's loader finds micropython.wasm next to its own script (`scriptDirectory + path`), but
 * bundled into a worker chunk the script is not next to the .wasm any more. Written as
 * `new URL('micropython.wasm', import.meta.url)`, the reference is one Vite follows: it emits the
 * .wasm (hashed) with the site and points the URL at it, in `vite build` and the dev server alike.
 */
function micropythonWasm(): Plugin {
  return {
    name: 'circuitemu:micropython-wasm',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes(MICROPYTHON) || !id.endsWith('micropython.mjs')) return null;
      if (!code.includes(LOCATE_WASM)) this.error(`${MICROPYTHON} changed: its loader no longer has ${LOCATE_WASM}; update vite.config.ts`);
      return { code: code.replace(LOCATE_WASM, 'locateFile:()=>url||new URL("micropython.wasm",import.meta.url).href'), map: null };
    },
  };
}

export default defineConfig({
  plugins: [micropythonWasm()],
  // Pre-bundling would move the loader away from its .wasm (and past the plugin above) in dev.
  optimizeDeps: { exclude: [MICROPYTHON] },
  root: 'ui',
  // Relative URLs: the built site works from any folder of any static host.
  base: './',
  build: { outDir: '../dist/ui', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2048 },
  worker: { format: 'es', plugins: () => [micropythonWasm()] },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts', '**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
