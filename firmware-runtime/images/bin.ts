/** Raw binary: the file is one segment, and the caller must say where it goes because the file cannot. */
import { ADDRESS_SPACE, FirmwareImage, ImageError, hex } from './types.js';

export function parseBin(bytes: Uint8Array, baseAddress: number): FirmwareImage {
  if (!Number.isInteger(baseAddress) || baseAddress < 0 || baseAddress >= ADDRESS_SPACE) {
    throw new ImageError('bin', `base address ${baseAddress} is not a 32-bit unsigned integer`);
  }
  if (bytes.length === 0) throw new ImageError('bin', 'file is empty');
  if (baseAddress + bytes.length > ADDRESS_SPACE) {
    throw new ImageError('bin', `${bytes.length} bytes at ${hex(baseAddress)} run past the 4 GiB address space`);
  }
  // Copy so later edits to the caller's buffer cannot change the loaded image.
  return { format: 'bin', segments: [{ address: baseAddress, data: bytes.slice() }] };
}
