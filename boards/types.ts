/** What every board gives the emulator layer: its machine, its memory map and a loader. */
import type { Machine } from '../emulator/kernel/machine.js';
import type { UsbDevicePort } from '../peripherals/usb-port.js';

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

/** The board's console as a byte stream: semihosting, a UART, or USB CDC, whichever it has. */
export interface BoardConsole {
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Sends bytes to the program (keys typed, piped input). */
  write(bytes: Uint8Array): void;
  /** No more input will come. */
  close(): void;
}

/** The console of a machine whose program talks to the host itself (semihosting, simcall). */
export function semihostingConsole(machine: Machine): BoardConsole {
  return {
    onData: (listener) => void machine.stdout.onData(listener),
    write: (bytes) => machine.stdin.push(bytes),
    close: () => machine.stdin.close(),
  };
}

/** Where a board keeps its CIRCUITPY drive (the bytes the FAT lives in). */
export interface CircuitpyStorage {
  /**
   * 'spi-flash': the whole external flash (less CircuitPython's 4 KiB scratch sector);
   * 'internal-flash': a region of the chip's own flash (boards without an SPI flash).
   */
  readonly kind: 'spi-flash' | 'internal-flash';
  /** The storage's bytes, live (the part model's array, or a view of the chip's flash). */
  readonly bytes: Uint8Array;
  /** Replaces the flash contents (an image loaded from a file). */
  load(bytes: Uint8Array): void;
}

export interface Board {
  readonly name: string;
  /** The core's architecture, as an ELF image names it (e_machine): images for another are refused. */
  readonly architecture: 'ARM' | 'Xtensa';
  readonly machine: Machine;
  /** Where firmware may be loaded. */
  readonly regions: MemoryRegion[];
  /** A console the board provides itself (semihosting, a UART wired to the host). */
  readonly console?: BoardConsole;
  /**
   * Serial ports the board gives the host besides its console, by part id (the Arduino Zero's
   * EDBG virtual COM port, wired to a SERCOM UART): what firmware that talks on a UART uses.
   */
  readonly serialPorts?: Readonly<Record<string, BoardConsole>>;
  /** The USB device port, when the console (and drive) are reached over USB by an emulated host. */
  readonly usb?: UsbDevicePort;
  /** Where a raw .bin is loaded (the application base behind a bootloader). */
  readonly binBase?: number;
  /** UF2 family id that firmware for this board must carry. */
  readonly uf2FamilyId?: number;
  /** The CIRCUITPY drive's storage, on boards that have one. */
  readonly circuitpy?: CircuitpyStorage;
  /** Writes the segments into memory and resets the machine to start them. */
  load(segments: LoadSegment[], entry?: number): void;
  /**
   * Objects with state that the board's wiring reaches only through closures (a semihosting
   * handler installed as a core callback): listed so that a snapshot sees them.
   */
  readonly internals?: readonly object[];
}
