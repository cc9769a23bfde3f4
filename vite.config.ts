import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

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

/**
 * Offline after the first load: writes sw.js (ui/sw.js with the list of every file the build wrote and a
 * hash of their contents) into the built site once it is complete, so the precache includes the workers'
 * chunks and the MicroPython wasm (emitted by the worker builds, not listed in the page's own bundle).
 * A hand-written worker: the whole job is "cache these files, answer from the cache", which
 * vite-plugin-pwa would do through workbox-build and its Babel/Rollup toolchain.
 */
function offlineServiceWorker(): Plugin {
  let outDir = '';
  return {
    name: 'circuitemu:offline-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const files: string[] = [];
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(dir, e.name));
          else if (e.name !== 'sw.js') files.push(relative(outDir, join(dir, e.name)).split('\\').join('/'));
        }
      };
      walk(outDir);
      files.sort();
      const hash = createHash('sha256');
      for (const f of files) hash.update(f).update(readFileSync(join(outDir, f)));
      const head = `const PRECACHE = ${JSON.stringify(['./', ...files.map((f) => `./${f}`)])};\nconst VERSION = '${hash.digest('hex').slice(0, 16)}';\n`;
      writeFileSync(join(outDir, 'sw.js'), head + readFileSync(resolve(import.meta.dirname, 'ui/sw.js'), 'utf8'));
    },
  };
}

/**
 * A first visit's long pole is a chain: the page starts the machine's worker, which starts the hosted
 * engine's worker (ui/worker/hosted-engine.ts prestartHostedWorker), which fetches the MicroPython wasm.
 * The wasm is emitted by a worker build, after the page's HTML is written, so its preload (and the views'
 * chunk, which boot.ts imports at once) is added to the built index.html here: the wasm is downloading
 * while the workers start. (Worker scripts get no preload: Chromium does not hand a preload to a worker,
 * it fetched every such file twice.)
 */
function preloadWorkers(): Plugin {
  let outDir = '';
  return {
    name: 'circuitemu:preload-workers',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const assets = readdirSync(join(outDir, 'assets'));
      const find = (re: RegExp) => {
        const name = assets.find((a) => re.test(a));
        if (!name) this.error(`preload-workers: no ${re} in the built assets; update vite.config.ts`);
        return `./assets/${name}`;
      };
      const links = [
        // The views (boot.ts imports them at once): downloading beside the entry, not after it.
        `<link rel="modulepreload" href="${find(/^main-.*\.js$/)}" crossorigin />`,
        `<link rel="preload" href="${find(/^micropython-.*\.wasm$/)}" as="fetch" type="application/wasm" crossorigin />`,
      ];
      const file = join(outDir, 'index.html');
      const html = readFileSync(file, 'utf8');
      if (!html.includes('</head>')) this.error('preload-workers: the built index.html has no </head>');
      writeFileSync(file, html.replace('</head>', `  ${links.join('\n    ')}\n  </head>`));
    },
  };
}

export default defineConfig({
  // preloadWorkers before offlineServiceWorker: the service worker's version hashes the final index.html.
  plugins: [micropythonWasm(), preloadWorkers(), offlineServiceWorker()],
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
