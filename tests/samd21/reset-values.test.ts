/**
 * Reset values read through the bus, against the SAM D21 data sheet's register descriptions
 * (DS40001882) and the CMSIS device header (asf4 samd21/include/component/*.h, *_RESETVALUE),
 * for the registers whose reset value is not all zeros and that software or a debugger reads
 * before writing them. The TC/TCC tests turn their APB clocks on first (PM.APBCMASK resets to
 * 0x00010000: ADC only). Disabling a TC or TCC sets STOP again.
 */
import { describe, expect, it } from 'vitest';
import { peripheralSlot } from '../../peripherals/samd21/memory-map.js';
import { advance, chip, r8, r16, r32, w16, w32 } from './helpers.js';

const base = (name: string) => peripheralSlot(name).base;
const PM_APBCMASK = 0x40000420;

describe('reset values', () => {
  it('RTC READREQ: 0x0010 (ADDR = COUNT, RREQ and RCONT 0; 19.8.4, RTC_READREQ_RESETVALUE)', () => {
    const s = chip();
    expect(r16(s, base('RTC') + 0x02)).toBe(0x0010);
  });

  it('TC STATUS: 0x08 (STOP set until the counter is enabled; 30.8.10, TC_STATUS_RESETVALUE)', () => {
    const s = chip();
    w32(s, PM_APBCMASK, 0x3f << 8); // TCC0..TC5 bus clocks
    for (const tc of ['TC3', 'TC4', 'TC5']) expect(r8(s, base(tc) + 0x0f), tc).toBe(0x08);
  });

  it('TCC STATUS: 0x00000001 (STOP set; 31.8.13, TCC_STATUS_RESETVALUE)', () => {
    const s = chip();
    w32(s, PM_APBCMASK, 0x3f << 8);
    for (const tcc of ['TCC0', 'TCC1', 'TCC2']) expect(r32(s, base(tcc) + 0x30), tcc).toBe(0x00000001);
  });

  it('STOP clears while a TC/TCC counts and is set again when it is disabled', () => {
    const s = chip();
    w32(s, PM_APBCMASK, 0x3f << 8);
    w16(s, 0x40000c02, 0x4000 | (0 << 8) | 0x1b); // GCLK CLKCTRL: GEN0 to TCC2/TC3, CLKEN
    w16(s, 0x40000c02, 0x4000 | (0 << 8) | 0x1a); // ... and to TCC0/TCC1
    for (const [name, ctrla, status, stop] of [['TC3', 0x00, 0x0f, 0x08], ['TCC0', 0x00, 0x30, 0x01]] as const) {
      const b = base(name) + ctrla;
      s.bus.write(b, name.startsWith('TCC') ? 4 : 2, 0x02); // ENABLE
      advance(s, 200);
      expect(r8(s, base(name) + status) & stop, `${name} running`).toBe(0);
      s.bus.write(b, name.startsWith('TCC') ? 4 : 2, 0x00);
      advance(s, 200);
      expect(r8(s, base(name) + status) & stop, `${name} disabled`).toBe(stop);
    }
  });

  it('USB QOSCTRL: 0x05 (CQOS and DQOS medium, 1; 32.8.3, USB_QOSCTRL_RESETVALUE)', () => {
    const s = chip();
    expect(r8(s, base('USB') + 0x03)).toBe(0x05);
  });

  it('DSU ENTRY0/ENTRY1: the Cortex-M0+ ROM table and the MTB, FMT and EPRES set on an unprotected chip', () => {
    // ADDOFF is the target's offset from the ROM table at 0x41003000: 0xE00FF000 (ARMv6-M ARM
    // C.1.2) gives 0x9F0FC, the MTB at 0x41006000 gives 0x00003. EPRES is set at power-up unless the
    // chip is protected (13.13.x); the data sheet's reset column shows it as 'x' (0x9F0FC00x).
    // CMSIS's DSU_ENTRY_RESETVALUE 0x9F9FC002 contradicts this arithmetic and is not used.
    const s = chip();
    expect(r32(s, base('DSU') + 0x1000)).toBe(0x9f0fc003);
    expect(r32(s, base('DSU') + 0x1004)).toBe(0x00003003);
  });
});
