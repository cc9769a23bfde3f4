/**
 * Bit helpers several SAMD21 models share: bit-order reversal (SERCOM DORD, I2S
 * BITREV, DMAC CRC-32 checksum reflection) and the reflected CRC-32 of IEEE 802.3 (DSU and DMAC
 * CRC units).
 */

/** CRC-32 (IEEE 802.3) polynomial, reflected. */
const CRC32_POLY_REFLECTED = 0xedb88320;

/** Reverses the low `n` bits of `v` (1 <= n <= 32); the result is unsigned. */
export function reverseBits(v: number, n: number): number {
  let r = 0;
  for (let i = 0; i < n; i++) r = (r << 1) | ((v >>> i) & 1);
  return r >>> 0;
}

/** Feeds one byte into a reflected CRC-32 register (no pre- or post-inversion). */
export function crc32Byte(crc: number, byte: number): number {
  let c = (crc ^ byte) >>> 0;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32_POLY_REFLECTED : c >>> 1;
  return c >>> 0;
}
