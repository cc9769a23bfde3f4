/**
 * What the hosted engine's worker runs, as one module: the entry of the start-up bundle's single-file engine
 * (dist/bundle/hosted-engine.cjs, see engine-loader.ts). prepareFlash and CONTROL_BYTES are here for the
 * start-up run that builds the code cache (engine-loader.ts writeEngineCache). The VCD's PinTap and the register
 * trace are here too: they test the engine's board with `instanceof` (RegisterBlock, Memory), so they must come
 * from the same module instances as the engine, not from dist/emulator/ beside the bundle.
 */
export { prewarmVm, runHostedEngine } from '../../firmware-runtime/hosted/engine.js';
export { prepareFlash } from '../../firmware-runtime/hosted/drive.js';
export { CONTROL_BYTES } from '../../firmware-runtime/hosted/protocol.js';
export { PinTap } from '../trace/vcd.js';
export { startTrace } from '../trace/trace.js';
