/**
 * Our own SAMD21 test firmware (tests/firmware/samd21/src/system.c, built by build.sh) run on the
 * emulated chip: it brings the clocks up as CircuitPython does, toggles PA17, sleeps on the RTC
 * compare interrupt, counts EVSYS ticks from RTC PER2, takes an EIC edge interrupt and programs a
 * flash page, reporting through the RAM result block at 0x20007F00.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseElf } from '../../firmware-runtime/images/index.js';
import { createSamd21 } from '../../boards/chips/samd21.js';
import { DEVICE_ID } from '../../peripherals/samd21/memory-map.js';
import { program } from './helpers.js';

const RESULT = 0x20007f00;
const FIELDS = ['magic', 'step', 'errors', 'did', 'rcause', 'pclksr', 'rtc_irqs', 'eic_irqs', 'tick_irqs', 'toggles', 'rtc_elapsed', 'loop_iterations', 'nvm_word', 'genctrl0', 'clkctrl_rtc'] as const;

function run(image: string, crystal: boolean) {
  const s = createSamd21({ variant: 'G18A', xosc32kCrystal: crystal });
  const elf = parseElf(new Uint8Array(readFileSync(new URL(`../firmware/samd21/${image}`, import.meta.url))));
  s.loadSegments(elf.segments);
  s.powerOn();
  let edges = 0;
  s.pin('PA17').net.onEdge(() => edges++);
  const result = () => Object.fromEntries(FIELDS.map((f, i) => [f, s.bus.read(RESULT + 4 * i, 4) >>> 0])) as Record<(typeof FIELDS)[number], number>;
  for (let i = 0; i < 200 && (result().magic & 0xff) !== 0xff; i++) s.machine.runFor(0.01);
  return { s, r: result(), edges };
}

describe.each([
  ['system_osc32k.elf', false, true],
  ['system_xosc32k.elf', true, true],
  ['system_usbcrm.elf', false, false],
])('SAMD21 firmware %s', (image, crystal, locks) => {
  it('completes every step without errors', () => {
    const { s, r, edges } = run(image, crystal);
    expect(s.machine.halt).toBeNull();
    expect(r.step).toBe(8);
    expect(r.errors).toBe(0);
    expect(r.magic).toBe(0x5a3d21ff);
    expect(r.did).toBe(DEVICE_ID.G18A);
    expect(r.rcause).toBe(1);
    // DFLL48M locked (closed loop; in USB recovery only SOFs lock it), GCLK0 from the DFLL at 48 MHz
    expect(r.pclksr & 0xc0).toBe(locks ? 0xc0 : 0);
    expect((r.genctrl0 >>> 8) & 0x1f).toBe(7);
    expect(s.context.cpuFrequency()).toBeCloseTo(48e6, -6);
    expect(r.clkctrl_rtc).toBe(4 | (2 << 8) | (1 << 14));
    // 20 toggles, then on: 21 edges, LED lit
    expect(r.toggles).toBe(20);
    expect(edges).toBe(21);
    expect(s.pin('PA17').level).toBe(1);
    // 120000 × (subs 1 + taken bne 2), the loop's fetch word a hit in the NVM cache (CTRLB =
    // RWS 1 | MANW: CACHEDIS 0, READMODE NO_MISS_PENALTY; data sheet 22.6.7, 22.8.2) after the
    // first pass, so no wait state = 360000 cycles = 7.5 ms at 48 MHz = 122.88 RTC counts at
    // 16384 Hz (without the cache, RWS on every fetch word: 480000 cycles, 163.84 counts)
    expect(r.rtc_elapsed).toBeGreaterThanOrEqual(121);
    expect(r.rtc_elapsed).toBeLessThanOrEqual(124);
    expect(r.rtc_irqs).toBe(1);
    expect(r.tick_irqs).toBeGreaterThanOrEqual(10);
    expect(r.eic_irqs).toBe(1);
    expect(r.nvm_word).toBe(0xc0de0005);
    expect(s.flash.u32[0x3ff00 / 4 + 15]).toBe(0xc0de000f);
  });
});

describe('SAMD21 firmware reset.elf', () => {
  it('sees RCAUSE = POR, then SYST after AIRCR.SYSRESETREQ, then WDT after a watchdog timeout', () => {
    const { s, word } = program('reset.elf');
    for (let i = 0; i < 50 && word(6) !== 1; i++) s.machine.runFor(0.01);
    expect(s.machine.halt).toBeNull();
    expect(word(0)).toBe(0x7e5e7000);
    expect(word(1)).toBe(3);
    expect([word(2), word(3), word(4)]).toEqual([0x01, 0x40, 0x20]);
    expect(word(5)).toBe(0);
    expect(s.wdt.resets).toBe(1);
  });
});
