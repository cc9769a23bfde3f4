/**
 * What the WiFi MAC's DMA can reach: the internal data RAM, 0x3FFE8000-0x3FFFFFFF (the SDK's
 * descriptors and buffers live there; its TX queues even store descriptor addresses as 18-bit
 * offsets from 0x3FFC0000). A descriptor or buffer outside it is not followed: the frame is
 * dropped, and nothing touches the bus (an unmapped access would flag a bus error the CPU
 * would take for its own).
 */
const DMA_RAM_START = 0x3ffe8000;
const DMA_RAM_END = 0x40000000;

export function dmaReachable(address: number, length: number): boolean {
  const a = address >>> 0;
  return a >= DMA_RAM_START && a + length <= DMA_RAM_END;
}
