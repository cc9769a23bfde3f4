/** The Xtensa LX106 core (ESP8266). */
export { Lx106, type Lx106Options, type Lx106FastMemory } from './lx106.js';
export { OP, OP_NAMES, decode, instructionLength } from './decode.js';
export * from './constants.js';
