/**
 * pulseio on the hosted engine against the CPX's IR parts: PulseOut's carrier bursts (PWM gated by
 * PINCFG.PMUXEN, timed by a TC's MC0 interrupt) decoded by the IR LED model, and PulseIn's EIC + 3 MHz TC
 * capture of a train the IR receiver model plays. The oracle is the NEC protocol: the decoded address and
 * command, and the durations within the capture's resolution.
 */
import { describe, expect, it } from 'vitest';
import { IrLed, IrReceiver, necDecode, necEncode } from '../../peripherals/devices/infrared.js';
import { halRig } from './hal-modules.js';
import { start } from './harness.js';

describe('pulseio (hal level, CPX IR parts)', () => {
  it('PulseOut: an NEC code sent on REMOTEOUT decodes on the IR LED, with a 38 kHz carrier', () => {
    const rig = halRig();
    const led = rig.parts.irLed as IrLed;
    const id = rig.mods.pulse.outConstruct('PA23', 'IR_TX', 38000, 0x8000);
    const train = necEncode(0x10, 0xa5).map((d) => Math.round(d));
    const t0 = rig.clock.seconds;
    rig.mods.pulse.outSend(id, train);
    // send() returns when the last pulse has ended: the sum of the port's compare steps (duration x 3 / 4
    // counts of 48 MHz / 64, truncated), within the polling step.
    const total = train.reduce((a, d) => a + Math.floor((d * 3) / 4), 0) / 750_000;
    expect(rig.clock.seconds - t0).toBeGreaterThanOrEqual(total);
    expect(rig.clock.seconds - t0).toBeLessThan(total + 50e-6);
    rig.clock.advance(0.05);
    expect(led.trains).toHaveLength(1);
    const got = led.trains[0]!;
    expect(necDecode(got)).toEqual({ address: 0x10, command: 0xa5 });
    expect(got).toHaveLength(train.length);
    // The LED sees a mark from the carrier's first rising edge to its last falling edge: each end up to one
    // carrier period (26 µs) inside the gate; the port's truncation (x 3 / 4 counts) adds under 2 µs.
    got.forEach((d, i) => expect(Math.abs(d - train[i]!)).toBeLessThan(2 * 26.4 + 2));
    // 48 MHz / 1263 = 38005 Hz from the PWM's TOP; the LED estimates it from the edges it saw (within 1 %).
    expect(Math.abs(led.carrierHz - 38005) / 38005).toBeLessThan(0.01);
    // The pin is low and PORT-driven between sends; deinit frees the TC and the PWM.
    expect(rig.board.mcu.pin('PA23').level).toBe(0);
    rig.mods.pulse.outDeinit(id);
    expect(rig.hal.r16(0x42002c00 + 0x800) & 2).toBe(0); // TC5 off again
  });

  it('PulseIn: the EIC + TC capture records the receiver\'s NEC train in µs; maxlen keeps the newest', () => {
    const rig = halRig();
    const rx = rig.parts.irReceiver as IrReceiver;
    const id = rig.mods.pulse.inConstruct('PA12', 'IR_RX', 200, true);
    expect(rig.mods.pulse.inPaused(id)).toBe(false);
    const train = necEncode(0x04, 0x08).map((d) => Math.round(d));
    rig.clock.advance(0.01);
    rx.receive(train);
    rig.clock.advance(0.1);
    const n = rig.mods.pulse.inLen(id);
    // The first edge (idle high -> mark) starts timing; every later edge stores a duration; the final
    // rising edge ends the last mark.
    expect(n).toBe(train.length);
    const got = Array.from({ length: n }, (_, i) => rig.mods.pulse.inGet(id, i));
    got.forEach((d, i) => expect(Math.abs(d - train[i]!)).toBeLessThanOrEqual(2));
    expect(necDecode(got)).toEqual({ address: 0x04, command: 0x08 });
    expect(rig.mods.pulse.inPopleft(id)).toBe(got[0]);
    rig.mods.pulse.inClear(id);
    expect(() => rig.mods.pulse.inPopleft(id)).toThrow('pop from empty PulseIn');
    rig.mods.pulse.inPause(id);
    expect(rig.mods.pulse.inPaused(id)).toBe(true);
    rx.receive([1000, 1000]);
    rig.clock.advance(0.01);
    expect(rig.mods.pulse.inLen(id)).toBe(0);
    rig.mods.pulse.inDeinit(id);
    const small = rig.mods.pulse.inConstruct('PA12', 'IR_RX', 4, true);
    rx.receive([100, 200, 300, 400, 500, 600, 700]);
    rig.clock.advance(0.01);
    expect(Array.from({ length: 4 }, (_, i) => rig.mods.pulse.inGet(small, i)).map((d) => Math.round(d / 10) * 10)).toEqual([400, 500, 600, 700]);
    expect(() => rig.mods.pulse.inConstruct('PA08', 'MICROPHONE_DATA', 4, true)).toThrow('Invalid pin');
  });
});

describe('pulseio from Python (hosted engine)', () => {
  it('sends on IR_TX and reads a train played into IR_RX, with CircuitPython\'s errors', { timeout: 60_000 }, async () => {
    const code = [
      'import array, board, pulseio, time',
      'out = pulseio.PulseOut(board.IR_TX, frequency=38000, duty_cycle=2**15)',
      'p = pulseio.PulseIn(board.IR_RX, maxlen=120, idle_state=True)',
      'print(len(p), p.maxlen, p.paused, bool(p))',
      `out.send(array.array('H', [${necEncode(0x20, 0x33).map((d) => Math.round(d)).join(', ')}]))`,
      'try:\n    out.send(array.array("B", [1, 2]))\nexcept TypeError as e:\n    print("TypeError:", e)',
      'input("play")',
      'time.sleep(0.1)',
      'print(len(p), p[0] // 100, p[-1] // 10, p.popleft() // 100)',
      'try:\n    p[200]\nexcept IndexError as e:\n    print("IndexError:", e)',
      'p.clear()\ntry:\n    p.popleft()\nexcept IndexError as e:\n    print("IndexError:", e)',
      'p.pause()\nprint(p.paused)\np.resume()\nprint(p.paused)',
      '',
    ].join('\n');
    const s = start({ board: 'cpx', files: { 'code.py': code } });
    try {
      await s.waitFor('play');
      // The part command carries the train as one JSON argument (setPart's type lists scalars only).
      s.handle.setPart('irReceiver', 'receive', ...([[9000, 4500, 560, 560, 560]] as unknown as number[]));
      s.handle.write('\r');
      await s.waitFor('Press any key');
      expect(s.text).toContain('0 120 False False\r\n');
      expect(s.text).toContain("TypeError: Array must contain halfwords (type 'H')\r\n");
      expect(s.text).toContain('5 90 56 90\r\n');
      expect(s.text).toContain('IndexError: index out of range\r\n');
      expect(s.text).toContain('IndexError: pop from empty PulseIn\r\n');
      expect(s.text).toContain('True\r\nFalse\r\n');
    } finally {
      await s.stop();
    }
  });
});
