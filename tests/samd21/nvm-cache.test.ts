/**
 * The NVM cache's timing, measured by our own firmware (tests/firmware/samd21/src/nvm_cache.c) with SysTick
 * on the CPU clock, on the interpreter and on the block translator. Expected cycles per iteration come from
 * the Cortex-M0+ TRM (nop 1, subs 1, taken bne 2) and the data sheet's NVMCTRL CTRLB fields: with the cache
 * off every 32-bit fetch word costs RWS; NO_MISS_PENALTY makes a hit free and a miss RWS; LOW_POWER a miss
 * RWS + 1; DETERMINISTIC charges RWS hit or miss. loop_short (one word, one line) runs 1000 extra passes;
 * loop_long (24 words over 12 lines of an 8-line direct-mapped cache: 8 misses and 16 hits a pass) 100.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseElf } from '../../firmware-runtime/images/index.js';
import { createSamd21 } from '../../boards/chips/samd21.js';
import { cpuDefaults, type CpuMode } from '../../cpu-armv6m/core.js';

const RESULT = 0x20007f00;

function run(mode: CpuMode): number[] {
  const saved = { ...cpuDefaults };
  cpuDefaults.mode = mode;
  cpuDefaults.jitThreshold = 1;
  try {
    const s = createSamd21({ variant: 'G18A' });
    s.loadSegments(parseElf(new Uint8Array(readFileSync(new URL('../firmware/samd21/nvm_cache.elf', import.meta.url)))).segments);
    s.powerOn();
    const word = (i: number) => s.bus.read(RESULT + 4 * i, 4) >>> 0;
    for (let i = 0; i < 100 && word(0) !== 0xcac4e0ff; i++) s.machine.runFor(0.01);
    expect(word(0)).toBe(0xcac4e0ff);
    return Array.from({ length: 10 }, (_, i) => word(2 + i));
  } finally {
    Object.assign(cpuDefaults, saved);
  }
}

// [short loop, long loop] per configuration, as the header of nvm_cache.c derives them.
const EXPECTED = [
  [3000, 4900], // RWS 0, cache off: (1 + 2) x 1000; (46 + 1 + 2) x 100
  [5000, 9700], // RWS 2, cache off: + 2 per word (1 word; 24 words)
  [3000, 6500], // RWS 2, NO_MISS_PENALTY: hits free; 8 misses x 2 a pass
  [3000, 7300], // RWS 2, LOW_POWER: 8 misses x 3 a pass
  [5000, 9700], // RWS 2, DETERMINISTIC: RWS on every word
];

describe.each(['interp', 'jit'] as CpuMode[])('NVM cache timing (%s)', (mode) => {
  it('each CTRLB setting costs the cycles the TRM and the data sheet give', () => {
    expect(run(mode)).toEqual(EXPECTED.flat());
  });
});
