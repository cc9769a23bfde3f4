/** Reads the CIRCUITPY drive of a hosted run's flash with the project's FAT code. */
import { spiFlashCircuitpyDevice } from '../../firmware-runtime/fs/circuitpy.js';
import { mount, type FatVolume } from '../../firmware-runtime/fs/fat.js';

export function mountDrive(flash: Uint8Array): FatVolume {
  return mount(spiFlashCircuitpyDevice(flash.slice()), { readOnly: true, partitionTable: false });
}
