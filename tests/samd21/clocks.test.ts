/** PM, SYSCTRL and GCLK driven through their registers as CircuitPython's clock set-up does. */
import { describe, expect, it } from 'vitest';
import { GCLK_ID } from '../../peripherals/samd21/memory-map.js';
import { chip, r8, r16, r32, w8, w16, w32, advance, pollUntil, runProgram, words, STOP } from './helpers.js';

const PM = 0x40000400;
const SYSCTRL = 0x40000800;
const GCLK = 0x40000c00;
const PCLKSR = SYSCTRL + 0x0c;
const GCLK_STATUS = GCLK + 0x01;
const CLKCTRL = GCLK + 0x02;
const GENCTRL = GCLK + 0x04;
const GENDIV = GCLK + 0x08;

describe('PM', () => {
  it('resets to the data-sheet masks and reports POR', () => {
    const s = chip();
    expect(r32(s, PM + 0x14)).toBe(0x7f); // AHBMASK
    expect(r32(s, PM + 0x18)).toBe(0x7f); // APBAMASK
    expect(r32(s, PM + 0x1c)).toBe(0x7f); // APBBMASK
    expect(r32(s, PM + 0x20)).toBe(0x00010000); // APBCMASK
    expect(r8(s, PM + 0x38)).toBe(0x01); // RCAUSE.POR
  });

  it('CPUSEL/APBxSEL writes set INTFLAG.CKRDY; the CPU divider applies to GCLK_MAIN', () => {
    const s = chip();
    w8(s, PM + 0x36, 1);
    w8(s, PM + 0x08, 1); // CPUDIV /2
    expect(r8(s, PM + 0x36) & 1).toBe(1);
    expect(s.context.cpuFrequency()).toBe(500_000);
    w8(s, PM + 0x35, 1); // INTENSET.CKRDY → IRQ 0
    expect(s.context.irqLevel(0)).toBe(true);
    w8(s, PM + 0x36, 1);
    expect(s.context.irqLevel(0)).toBe(false);
  });

  it('AIRCR.SYSRESETREQ resets the chip with RCAUSE.SYST, keeping RAM', () => {
    const s = chip();
    // ldr r0,[pc,#4]; ldr r1,[pc,#8]; str r1,[r0]; b .; .word AIRCR, VECTKEY|SYSRESETREQ
    // (after the reset the program runs again and resets again: RCAUSE stays SYST)
    runProgram(s, [0x4801, 0x4902, 0x6001, 0xe7fe, ...words(0xe000ed0c, 0x05fa0004)], { seconds: 0.0001 });
    expect(r8(s, PM + 0x38)).toBe(0x40); // RCAUSE.SYST
    // powerOn() in runProgram cleared RAM; the program's reset did not
    s.ram.u32[0x100] = 0xbeef;
    s.context.systemReset(0x40);
    expect(s.ram.u32[0x100]).toBe(0xbeef);
  });
});

describe('GCLK', () => {
  it('GENCTRL / GENDIV / CLKCTRL are select-then-read with 8-bit ID writes', () => {
    const s = chip();
    // configure generator 3: DIV 5, source OSC8M, enabled
    w32(s, GENDIV, 3 | (5 << 8));
    w32(s, GENCTRL, 3 | (6 << 8) | (1 << 16));
    w8(s, GENCTRL, 0); // select generator 0
    expect(r32(s, GENCTRL)).toBe(0 | (6 << 8) | (1 << 16)); // reset: OSC8M, GENEN
    w8(s, GENCTRL, 3);
    expect(r32(s, GENCTRL)).toBe(3 | (6 << 8) | (1 << 16));
    w8(s, GENDIV, 3);
    expect(r32(s, GENDIV)).toBe(3 | (5 << 8));
    w8(s, GENCTRL, 2);
    expect(r32(s, GENCTRL)).toBe(0x00010302); // power-on reset: OSCULP32K, GENEN, undivided
    // channel 4 (RTC) <- generator 3
    w16(s, CLKCTRL, GCLK_ID.RTC | (3 << 8) | (1 << 14));
    w8(s, CLKCTRL, GCLK_ID.WDT);
    expect(r16(s, CLKCTRL)).toBe(GCLK_ID.WDT | (2 << 8) | (1 << 14)); // reset: WDT <- GCLK2
    w8(s, CLKCTRL, GCLK_ID.RTC);
    expect(r16(s, CLKCTRL)).toBe(GCLK_ID.RTC | (3 << 8) | (1 << 14));
    expect(s.context.gclkFrequency(GCLK_ID.RTC)).toBe(1_000_000 / 5);
    expect(s.context.gclkFrequency(GCLK_ID.WDT)).toBe(32768);
  });

  it('STATUS.SYNCBUSY reads 1 after a GENCTRL write and then 0', () => {
    const s = chip();
    w32(s, GENCTRL, 1 | (3 << 8) | (1 << 16));
    expect(r8(s, GCLK_STATUS) & 0x80).toBe(0x80);
    expect(pollUntil(s, () => (r8(s, GCLK_STATUS) & 0x80) === 0, 10_000)).toBeGreaterThan(0);
  });

  it('CTRL.SWRST restores the reset configuration', () => {
    const s = chip();
    w32(s, GENCTRL, 0 | (3 << 8) | (1 << 16));
    w8(s, GCLK, 1);
    expect(r8(s, GCLK) & 1).toBe(1);
    pollUntil(s, () => (r8(s, GCLK_STATUS) & 0x80) === 0, 10_000);
    expect(r8(s, GCLK)).toBe(0);
    w8(s, GENCTRL, 0);
    expect((r32(s, GENCTRL) >>> 8) & 0x1f).toBe(6);
  });
});

describe('SYSCTRL', () => {
  it('OSC8M is ready out of reset at 1 MHz (PRESC /8)', () => {
    const s = chip();
    expect(r32(s, PCLKSR) & (1 << 3)).not.toBe(0);
    expect(r32(s, SYSCTRL + 0x20)).toBe(0x87070382);
    expect(s.context.cpuFrequency()).toBe(1_000_000);
  });

  it('OSC32K becomes ready after its start-up time', () => {
    const s = chip();
    // ENABLE | EN32K | STARTUP 6 (66 cycles ≈ 2 ms), with the factory CALIB
    w32(s, SYSCTRL + 0x18, (0x40 << 16) | (6 << 8) | 0x06);
    expect(r32(s, PCLKSR) & (1 << 2)).toBe(0);
    const t = pollUntil(s, () => (r32(s, PCLKSR) & (1 << 2)) !== 0, 1_000_000, 2); // 2 µs steps at the 1 MHz reset clock
    expect(t / s.scheduler.frequency).toBeCloseTo(66 / 32768, 4);
  });

  it('XOSC32K never becomes ready without a crystal, and does with one', () => {
    for (const crystal of [false, true]) {
      const s = chip('G18A', { xosc32kCrystal: crystal });
      w16(s, SYSCTRL + 0x14, (1 << 8) | (1 << 3) | (1 << 2) | 2); // STARTUP 1, EN32K, XTALEN, ENABLE
      advance(s, 200_000);
      expect((r32(s, PCLKSR) >>> 1) & 1).toBe(crystal ? 1 : 0);
    }
  });

  it('DFLL48M closed loop from a 32 kHz reference: DFLLRDY, then coarse and fine lock, 48 MHz', () => {
    const s = chip();
    w32(s, SYSCTRL + 0x18, (0x40 << 16) | (2 << 8) | 0x06); // OSC32K on
    pollUntil(s, () => (r32(s, PCLKSR) & 4) !== 0);
    // GCLK1 <- OSC32K; DFLL reference channel 0 <- GCLK1
    w32(s, GENCTRL, 1 | (4 << 8) | (1 << 16));
    w16(s, CLKCTRL, GCLK_ID.DFLL48M_REF | (1 << 8) | (1 << 14));
    w16(s, SYSCTRL + 0x24, 0); // DFLLCTRL: clear ONDEMAND first (errata)
    expect(r32(s, PCLKSR) & (1 << 4)).toBe(0); // DFLLRDY low while synchronising
    expect(pollUntil(s, () => (r32(s, PCLKSR) & (1 << 4)) !== 0, 1000, 1)).toBeGreaterThan(0);
    w32(s, SYSCTRL + 0x2c, (31 << 26) | (511 << 16) | 1465); // CSTEP, FSTEP, MUL = 48 MHz / 32768
    pollUntil(s, () => (r32(s, PCLKSR) & (1 << 4)) !== 0, 1000, 1);
    w16(s, SYSCTRL + 0x24, (1 << 2) | (1 << 1)); // MODE closed | ENABLE
    pollUntil(s, () => (r32(s, PCLKSR) & (1 << 4)) !== 0, 1000, 1);
    const lock = pollUntil(s, () => (r32(s, PCLKSR) & 0xc0) === 0xc0, 48_000_000, 100);
    expect(lock).toBeGreaterThan(0);
    expect(lock / 48e6).toBeLessThan(0.002);
    // GCLK0 <- DFLL48M: the CPU clock is 1465 × 32768 Hz
    w32(s, GENCTRL, 0 | (7 << 8) | (1 << 16));
    expect(s.context.cpuFrequency()).toBe(1465 * 32768);
  });

  it('DFLL48M in USB clock recovery: ready, no lock until USB SOFs arrive, 48 MHz', () => {
    const s = chip();
    w16(s, SYSCTRL + 0x24, 0);
    pollUntil(s, () => (r32(s, PCLKSR) & 0x10) !== 0, 1000, 1);
    w32(s, SYSCTRL + 0x2c, 48000);
    w16(s, SYSCTRL + 0x24, (1 << 5) | (1 << 2) | (1 << 1) | (1 << 9) | (1 << 8));
    expect(pollUntil(s, () => (r32(s, PCLKSR) & 0x10) !== 0, 1000, 1)).toBeGreaterThan(0);
    advance(s, 100_000);
    expect(r32(s, PCLKSR) & 0xc0).toBe(0);
    s.sysctrl.usbStartOfFrame();
    expect(r32(s, PCLKSR) & 0xc0).toBe(0xc0);
    w32(s, GENCTRL, 0 | (7 << 8) | (1 << 16));
    expect(s.context.cpuFrequency()).toBe(48_000_000);
  });

  it('a rising PCLKSR bit sets its INTFLAG bit and, when enabled, NVIC line 1', () => {
    const s = chip();
    w32(s, SYSCTRL + 0x04, 1 << 2); // INTENSET.OSC32KRDY
    w32(s, SYSCTRL + 0x18, 0x06);
    expect(s.context.irqLevel(1)).toBe(false);
    pollUntil(s, () => s.context.irqLevel(1), 1_000_000, 100);
    expect(r32(s, SYSCTRL + 0x08) & 4).toBe(4);
    w32(s, SYSCTRL + 0x08, 4);
    expect(s.context.irqLevel(1)).toBe(false);
    expect(r32(s, PCLKSR) & 4).toBe(4); // the status stays
  });

  it('DFLLVAL reads back what was written after DFLLSYNC.READREQ', () => {
    const s = chip();
    w32(s, SYSCTRL + 0x28, (0x1d << 10) | 0x1ff);
    w8(s, SYSCTRL + 0x30, 0x80);
    pollUntil(s, () => (r32(s, PCLKSR) & 0x10) !== 0, 1000, 1);
    expect(r32(s, SYSCTRL + 0x28) & 0x3ff).toBe(0x1ff);
  });

  it('FDPLL96M locks on a GCLK reference and reports DPLLSTATUS.LOCK/CLKRDY', () => {
    const s = chip();
    // GCLK1 <- OSCULP32K; DPLL reference channel 1 <- GCLK1; ratio 2929 → 96 MHz
    w32(s, GENCTRL, 1 | (3 << 8) | (1 << 16));
    w16(s, CLKCTRL, GCLK_ID.DPLL | (1 << 8) | (1 << 14));
    w32(s, SYSCTRL + 0x4c, 2 << 4); // REFCLK = GCLK_DPLL
    w32(s, SYSCTRL + 0x48, 2929 - 1);
    w8(s, SYSCTRL + 0x44, 2);
    expect(r8(s, SYSCTRL + 0x50) & 3).toBe(0);
    expect(pollUntil(s, () => (r8(s, SYSCTRL + 0x50) & 3) === 3, 1_000_000, 100)).toBeGreaterThan(0);
    expect(s.sysctrl.sourceFrequency(8)).toBe(2929 * 32768);
  });
});

describe('CPU reads of PCLKSR', () => {
  it('a firmware-style poll loop on OSC8MRDY finishes', () => {
    const s = chip();
    // ldr r0,[pc,#8]; movs r2,#8; 1: ldr r1,[r0]; tst r1,r2; beq 1b; bkpt; .word PCLKSR
    const { stoppedIn } = runProgram(s, [0x4802, 0x2208, 0x6801, 0x4211, 0xd0fc, STOP, ...words(PCLKSR)]);
    expect(stoppedIn).toBe(0);
  });
});
