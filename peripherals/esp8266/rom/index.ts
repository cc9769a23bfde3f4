export * from './entries.js';
export * from './boot-image.js';
export * from './hle.js';
export { formatPrintf, type VarArgs } from './printf.js';
