// The Node CLI's start-up bundle (issue 9), built by `npm run build:node` after tsc (`node bundle.mjs`): the
// compiled CLI and the hosted engine's worker in a few files (dist/bundle/), so `circuitemu run`/`repl` without
// --firmware load some 15 files instead of ~150 modules on each thread. bin/circuitemu.js uses it for those
// commands while it is at least as new as the compiled CLI; everything else runs dist/emulator/ as compiled.
// See firmware-runtime/hosted/README.md, Start-up.
import { build } from 'rolldown';

await build({
  input: {
    cli: 'dist/emulator/cli.js',
    // Entries of their own: bin/circuitemu.js prewarms through the same module instance the CLI takes from.
    'hosted-prewarm': 'dist/emulator/node/hosted-prewarm.js',
    // hostedWorkerUrl() finds it beside hosted-prewarm.js.
    'hosted-worker': 'dist/emulator/node/hosted-worker.js',
  },
  platform: 'node',
  // Packages stay packages (micropython.mjs finds its .wasm beside itself).
  external: [/^node:/, /^[@a-z]/],
  output: { dir: 'dist/bundle', format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunk-[hash].js', cleanDir: true, sourcemap: true },
});

// The worker's engine as one CommonJS-format script, and V8's code cache for it (emulator/node/engine-loader.ts).
await build({
  input: 'dist/emulator/node/hosted-engine-lib.js',
  platform: 'node',
  external: [/^node:/, /^[@a-z]/],
  output: { file: 'dist/bundle/hosted-engine.cjs', format: 'cjs', codeSplitting: false, sourcemap: true },
});
const { writeEngineCache } = await import('./dist/emulator/node/engine-loader.js');
await writeEngineCache(new URL('./dist/bundle/hosted-engine.cjs', import.meta.url));
