/**
 * The flash line cache in front of the Cortex-M0+'s first fast memory: on the SAMD21 the NVM
 * Controller's cache (data sheet DS40001882, 22.6.7 "Cache": a direct-mapped cache of 8 lines
 * of 64 bits, enabled by CTRLB.CACHEDIS = 0, its timing chosen by CTRLB.READMODE, emptied by the
 * INVALL command and by the commands that change the NVM's contents).
 *
 * It is a timing model only: instructions and data always come from the memory itself, so a
 * line that is stale can only make an access cost what it should not, never return old bytes.
 * The core keeps the lines (`CortexM0Plus.flashLines`, the number of the 8-byte flash line each
 * holds, -1 for none) and the two costs below; the interpreter and the block translator look
 * lines up in the same order (each 32-bit fetch word, then the instruction's flash data read).
 */

/** Lines of the cache (data sheet 22.6.7: 8 lines). */
export const FLASH_CACHE_LINES = 8;
/** A line holds 64 bits: flash offset >>> FLASH_LINE_SHIFT is its line number. */
export const FLASH_LINE_SHIFT = 3;

/** NVMCTRL.CTRLB.READMODE (data sheet 22.8.2). */
export const FlashReadMode = {
  /** "Does not insert wait states on a cache miss": a hit costs nothing, a miss RWS. */
  NoMissPenalty: 0,
  /** "Inserts a wait state each time there is a cache miss": a hit costs nothing, a miss RWS + 1. */
  LowPower: 1,
  /** "A cache hit or miss takes the same amount of time, determined by the ... wait states": RWS. */
  Deterministic: 2,
} as const;

/** Wait states of a hit and of a miss for RWS `rws`, the cache on or off, and READMODE `mode`. */
export function flashCosts(rws: number, cache: boolean, mode: number): { hit: number; miss: number } {
  if (!cache) return { hit: rws, miss: rws };
  if (mode === FlashReadMode.NoMissPenalty) return { hit: 0, miss: rws };
  if (mode === FlashReadMode.LowPower) return { hit: 0, miss: rws + 1 };
  // DETERMINISTIC; the reserved value 3 is reported by NVMCTRL and timed as DETERMINISTIC.
  return { hit: rws, miss: rws };
}
