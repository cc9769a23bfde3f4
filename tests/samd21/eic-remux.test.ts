/**
 * The EIC while a pad is re-muxed and its pull changed (tests/firmware/samd21/src/eic_remux.c, on
 * the bare chip, nothing wired to PA28): the order CircuitPython's countio/rotaryio/PulseIn follow
 * when they reuse a channel whose CONFIG still holds the previous user's sense. Edge detection
 * compares successive samples of the EXTINT pin (21.6.2.3), so connecting or disconnecting the pad
 * is no edge; a floating pad keeps its level (the kernel's nets hold their charge); a pull that
 * moves the pad is an edge. The model used to see a rise when a high pad was muxed in and a fall
 * when a pull was taken away, which Counter/IncrementalEncoder then counted after a deinit.
 */
import { describe, expect, it } from 'vitest';
import { program } from './helpers.js';

describe('eic_remux.elf: re-muxing and floating pads are no EIC edges, pulls that move the pad are', () => {
  it('INTFLAG after each step', () => {
    const { s, word } = program('eic_remux.elf');
    for (let i = 0; i < 20 && word(9) !== 1; i++) expect(s.machine.runFor(0.01)).toBeNull();
    expect(word(0)).toBe(0xe1c00000);
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map(word);
    expect(steps).toEqual([0, 0, 0, 1, 1 << 8, 0, 0, 0]);
    expect(word(9)).toBe(1);
  });
});
