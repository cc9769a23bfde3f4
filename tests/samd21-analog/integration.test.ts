/**
 * The analog peripherals inside createSamd21: mapped at their data-sheet addresses behind the PM
 * gate, clocked by the real GCLK (channel 30 = ADC from generator 0), pads through PORT.
 */
import { describe, expect, it } from 'vitest';
import { createSamd21 } from '../../boards/chips/samd21.js';
import { ADC } from '../../peripherals/samd21/adc.js';
import { DAC } from '../../peripherals/samd21/dac.js';
import { PTC } from '../../peripherals/samd21/ptc.js';
import { I2S } from '../../peripherals/samd21/i2s.js';


const ADC_BASE = 0x42004000;
const PM_APBCMASK = 0x40000420;
const GCLK_CLKCTRL = 0x40000c02;

describe('analog peripherals in createSamd21', () => {
  it('reads 0 with the bus clock gated, converts once enabled and clocked', () => {
    const mcu = createSamd21({ variant: 'G18A' });
    const { bus, scheduler } = mcu;
    const run = (cycles: number) => {
      const end = scheduler.cycles + cycles;
      while (scheduler.nextEventCycle <= end) {
        scheduler.advanceTo(scheduler.nextEventCycle);
        scheduler.runDue();
      }
      scheduler.advanceTo(end);
    };
    // DAC, I2S, PTC read 0 at boot with their clocks gated (CircuitPython reads them)
    expect(bus.read8(0x42004807)).toBe(0);
    expect(bus.read16(0x42005018)).toBe(0);
    expect(bus.error).toBe(false);
    bus.write32(PM_APBCMASK, bus.read32(PM_APBCMASK) | (1 << 16));
    bus.write16(GCLK_CLKCTRL, 30 | (0 << 8) | (1 << 14));
    run(1000);
    mcu.pin('PA02').forceVoltage(0.25);
    bus.write8(ADC_BASE + 0x01, 0x00); // INT1V
    bus.write32(ADC_BASE + 0x10, (0x18 << 8) | 0); // AIN0 vs GND
    bus.write8(ADC_BASE + 0x00, 0x02);
    let n = 0;
    while (bus.read8(ADC_BASE + 0x19) & 0x80 && n++ < 10000) run(8);
    bus.write8(ADC_BASE + 0x0c, 0x02);
    n = 0;
    while (!(bus.read8(ADC_BASE + 0x18) & 1) && n++ < 100000) run(8);
    expect(bus.read16(ADC_BASE + 0x1a)).toBe(1024);
    expect(mcu.adc.stalledConversions).toBe(0);
  });
});
