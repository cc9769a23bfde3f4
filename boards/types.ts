/** What every board gives the emulator layer: its machine, its memory map and a loader. */
import type { Machine } from '../emulator/kernel/machine.js';

/** A run of bytes at a bus address (structurally a firmware-runtime ImageSegment). */
export interface LoadSegment {
  address: number;
  data: Uint8Array;
}

/** A loadable part of the memory map, for placing images and reporting misplaced ones. */
export interface MemoryRegion {
  name: string;
  base: number;
  size: number;
}

export interface Board {
  readonly name: string;
  readonly machine: Machine;
  /** Where firmware may be loaded. */
  readonly regions: MemoryRegion[];
  /** Writes the segments into memory and resets the machine to start them. */
  load(segments: LoadSegment[], entry?: number): void;
}
