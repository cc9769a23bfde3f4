/** Host-side FAT for the CIRCUITPY drive: block devices, the FAT engine, CircuitPython's layout, host helpers. */
export * from './block-device.js';
export * from './fat.js';
export * from './circuitpy.js';
export * from './drive.js';
