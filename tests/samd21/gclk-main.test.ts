/**
 * GCLK generator 0 is GCLK_MAIN, the clock of the CPU and the bus bridges (data sheet DS40001882
 * 15.6.2.3); clearing its GENCTRL.GENEN disables and gates it (15.6.2.5), and the data sheet makes no
 * exception for generator 0, so the CPU stops until a reset. Our program tests/firmware/samd21/src/
 * gclk_main.c writes what CircuitPython's disable_clock_generator(0) writes (GENCTRL = 0: ID 0,
 * SRC 0, GENEN 0), after a select, a rewrite of generator 0 and a disable of generator 3, which
 * must all leave the CPU running. The run ends there with a report naming the write (exit 125 in
 * the CLI), where the model used to keep the CPU running at 48 MHz with every GCLK0 user stopped.
 */
import { describe, expect, it } from 'vitest';
import { ResetCause } from '../../peripherals/samd21/chip.js';
import { program } from './helpers.js';

describe('gclk_main.elf: GCLK generator 0 (GCLK_MAIN) disabled stops the CPU', () => {
  it('runs through the legal writes, then halts at the GENEN = 0 write to generator 0 with a report', () => {
    const { s, word } = program('gclk_main.elf');
    const halt = s.machine.runFor(0.01);
    expect(word(0)).toBe(0x6c0c0000);
    expect(word(1)).toBe(0x00010600); // reset value of generator 0 (15.8.4): OSC8M, GENEN
    expect(word(2)).toBe(1);
    expect(word(3)).toBe(1);
    expect(word(4), 'a store after GCLK_MAIN stopped').toBe(0);
    expect(halt).not.toBeNull();
    expect(halt!.reason).toBe('lockup');
    expect(halt!.message).toContain('the CPU clock stopped: GENCTRL = 0x00000000 cleared GENEN of GCLK generator 0 (GCLK_MAIN)');
    expect(halt!.message).toContain('15.6.2.5');
    // The generator state is what was written: disabled.
    expect(s.gclk.generators[0].genen).toBe(false);
  });

  it('a reset restores GCLK_MAIN (GENCTRL0 = OSC8M, GENEN after any reset: 15.8.4) and the program runs again', () => {
    const { s } = program('gclk_main.elf');
    s.machine.runFor(0.01);
    s.context.systemReset(ResetCause.EXT);
    expect(s.gclk.generators[0].genen).toBe(true);
    expect(s.core!.state).toBe('running');
  });
});
