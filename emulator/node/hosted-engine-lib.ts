/**
 * What the hosted engine's worker runs, as one module: the entry of the start-up bundle's single-file engine
 * (dist/bundle/hosted-engine.cjs, see engine-loader.ts). createHostedBoard is here so that building the code
 * cache (bundle.mjs) can run the board's code too.
 */
export { prewarmVm, runHostedEngine } from '../../firmware-runtime/hosted/engine.js';
export { createHostedBoard } from '../../firmware-runtime/hosted/board-build.js';
