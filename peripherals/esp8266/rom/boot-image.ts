/**
 * esptool's ESP8266 image format v1, which the mask ROM boots from flash offset 0 (esptool's
 * documentation, "Firmware Image Format"):
 *   header (8 bytes): magic 0xE9, segment count, SPI flash mode, flash size (high nibble) and
 *   speed (low nibble), entry address (u32 LE);
 *   per segment: load address (u32), length (u32), data;
 *   zero padding so that one checksum byte ends on a 16-byte boundary; the checksum is 0xEF
 *   XOR every byte of segment data.
 */
export const ESP_IMAGE_MAGIC = 0xe9;
/** esptool's image v2 (irom segment first, then a v1 image): only second-stage boot loaders read it. */
export const ESP_IMAGE_V2_MAGIC = 0xea;
export const ESP_CHECKSUM_MAGIC = 0xef;

/** Flash size code (header byte 3, high nibble) -> bytes. */
export const FLASH_SIZES: Record<number, number> = {
  0: 512 * 1024,
  1: 256 * 1024,
  2: 1 << 20,
  3: 2 << 20,
  4: 4 << 20,
  8: 8 << 20,
  9: 16 << 20,
};

export interface EspImageSegment {
  address: number;
  data: Uint8Array;
}

export interface EspImage {
  entry: number;
  flashMode: number;
  flashSizeCode: number;
  flashSpeedCode: number;
  segments: EspImageSegment[];
  /** Checksum stored in the image, and the one computed from the data. */
  storedChecksum: number;
  checksum: number;
  /** Bytes the image occupies (header to checksum, padded). */
  length: number;
}

export class EspImageError extends Error {}

const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Parses the v1 image at `offset` of `flash`; throws EspImageError for a malformed one. */
export function parseEspImage(flash: Uint8Array, offset = 0): EspImage {
  const at = (n: number) => offset + n;
  if (flash.length < at(8)) throw new EspImageError(`no image header at flash offset 0x${offset.toString(16)}: the flash ends first`);
  if (flash[at(0)] === ESP_IMAGE_V2_MAGIC) {
    throw new EspImageError(
      `flash offset 0x${offset.toString(16)} holds an esptool image v2 (magic 0xea): the ESP8266 boot ROM boots v1 images (0xe9) only. ` +
        'A v2 image needs a second-stage boot loader at 0x0 (Espressif\'s boot_v1.x.bin or rBoot) and itself at 0x1000 ' +
        '(--firmware 0x0=boot.bin,0x1000=app.bin), or build a v1 image (esptool elf2image --version 1)',
    );
  }
  if (flash[at(0)] !== ESP_IMAGE_MAGIC) {
    throw new EspImageError(`bad image magic 0x${flash[at(0)]!.toString(16).padStart(2, '0')} at flash offset 0x${offset.toString(16)} (expected 0xe9)`);
  }
  const count = flash[at(1)]!;
  if (count === 0 || count > 16) throw new EspImageError(`image claims ${count} segments (1..16 expected)`);
  const segments: EspImageSegment[] = [];
  let p = at(8);
  let checksum = ESP_CHECKSUM_MAGIC;
  for (let i = 0; i < count; i++) {
    if (p + 8 > flash.length) throw new EspImageError(`segment ${i} header runs past the end of the flash`);
    const address = u32(flash, p);
    const length = u32(flash, p + 4);
    if (p + 8 + length > flash.length) throw new EspImageError(`segment ${i} (0x${address.toString(16)}, ${length} bytes) runs past the end of the flash`);
    const data = flash.subarray(p + 8, p + 8 + length);
    for (const b of data) checksum ^= b;
    segments.push({ address, data });
    p += 8 + length;
  }
  // The checksum byte is the last of the 16-byte line that holds it.
  const checksumAt = ((p - offset) | 15) + offset;
  if (checksumAt >= flash.length) throw new EspImageError('image checksum byte lies past the end of the flash');
  return {
    entry: u32(flash, at(4)),
    flashMode: flash[at(2)]!,
    flashSizeCode: flash[at(3)]! >> 4,
    flashSpeedCode: flash[at(3)]! & 0xf,
    segments,
    storedChecksum: flash[checksumAt]!,
    checksum,
    length: checksumAt + 1 - offset,
  };
}

/** Builds a v1 image (for tests and for turning our ELF test programs into flash images). */
export function buildEspImage(segments: EspImageSegment[], entry: number, opts: { flashMode?: number; sizeCode?: number; speedCode?: number } = {}): Uint8Array {
  let length = 8;
  for (const s of segments) length += 8 + s.data.length;
  const total = (length | 15) + 1;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = ESP_IMAGE_MAGIC;
  out[1] = segments.length;
  out[2] = opts.flashMode ?? 0;
  out[3] = ((opts.sizeCode ?? 4) << 4) | (opts.speedCode ?? 0);
  view.setUint32(4, entry >>> 0, true);
  let p = 8;
  let checksum = ESP_CHECKSUM_MAGIC;
  for (const s of segments) {
    view.setUint32(p, s.address >>> 0, true);
    view.setUint32(p + 4, s.data.length, true);
    out.set(s.data, p + 8);
    for (const b of s.data) checksum ^= b;
    p += 8 + s.data.length;
  }
  out[total - 1] = checksum;
  return out;
}
