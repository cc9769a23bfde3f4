/**
 * Parts a user wires to a board's pads (`createBoard(name, { parts })`): they join the board's own
 * parts on the chip's nets, through the same declarations board files use. A potentiometer's
 * wiper puts position × VDD on its pad (clamped at the ends of the track); an LED on a GPIO lights;
 * bad wiring is a clear error when the board is built.
 */
import { describe, expect, it } from 'vitest';
import { createBoard } from '../../emulator/run.js';
import type { Samd21Board } from '../../boards/samd21-board.js';
import type { Led } from '../../peripherals/devices/led.js';
import type { Potentiometer } from '../../peripherals/devices/potentiometer.js';
import { HostedSamd21 } from './hosted.js';

describe('user-wired parts', () => {
  const parts = [
    { id: 'knob', type: 'potentiometer', wiper: 'PB08', position: 0.25 }, // A1 on a Feather
    { id: 'userLed', type: 'led', anode: 'PA15', color: 'green' }, // D5
  ] as const;

  it('join the board: a knob on A1, an LED on D5, beside the board parts', () => {
    const b = createBoard('feather_m0_express', { core: 'none', parts }) as Samd21Board;
    expect(Object.keys(b.parts)).toEqual(['flash', 'pixel', 'redLed', 'knob', 'userLed']);
    const knob = b.parts.knob as Potentiometer;
    expect(b.mcu.pin('PB08').voltage).toBeCloseTo(0.825, 6);
    knob.setPosition(1.5); // past the end of the track: it stops there
    expect(b.mcu.pin('PB08').voltage).toBeCloseTo(3.3, 6);
    knob.setPosition(-1);
    expect(b.mcu.pin('PB08').voltage).toBe(0);
    knob.setPosition(Number.NaN);
    expect(knob.position).toBe(0);
    const h = new HostedSamd21(b);
    h.output('PA15', 1);
    expect((b.parts.userLed as Led).lit).toBe(true);
  });

  it('leave the board declaration itself unchanged', () => {
    createBoard('feather_m0_express', { core: 'none', parts });
    expect(Object.keys((createBoard('feather_m0_express', { core: 'none' }) as Samd21Board).parts)).toEqual(['flash', 'pixel', 'redLed']);
  });

  it('are refused with a clear error when miswired', () => {
    expect(() => createBoard('gemma_m0', { core: 'none', parts: [{ id: 'x', type: 'led', anode: 'PB08', color: 'red' }] })).toThrow(
      /SAMD21E18A has no pad 'PB08'/,
    );
    expect(() => createBoard('gemma_m0', { core: 'none', parts: [{ id: 'dotstar', type: 'led', anode: 'PA02', color: 'red' }] })).toThrow(
      /two parts named 'dotstar'/,
    );
    expect(() => createBoard('test-m0', { parts: [{ id: 'x', type: 'led', anode: 'PA02', color: 'red' }] })).toThrow(/no user-wired parts/);
    // A sensor on pads that cannot carry the SERCOM named: data sheet table 7-1.
    expect(() =>
      createBoard('feather_m0_express', {
        core: 'none',
        parts: [{ id: 'imu', type: 'lis3dh', i2c: { sercom: 0, sda: 'PA22', scl: 'PA23', pullUpOhms: 10_000 }, address: 0x18, int1: 'PA21' }],
      }),
    ).toThrow(/PA22 cannot carry SERCOM0/);
  });
});
