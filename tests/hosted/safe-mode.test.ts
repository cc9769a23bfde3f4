/**
 * Safe mode from the board's buttons: on the CPX, buttons A and B held at power-on (CircuitPython's
 * board_requests_safe_mode reads PA14 and PA28 as pulled-down inputs) start the board in safe mode with the
 * user reason `You pressed both buttons at start up.` (circuitpython-console.md §6): boot.py and code.py do
 * not run, boot_out.txt is not written. One button, or a board without such buttons, boots normally. Inputs
 * set right after start() are there at power-on.
 */
import { describe, expect, it } from 'vitest';
import { start } from './harness.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardSnapshot } from '../../firmware-runtime/hosted/protocol.js';
import type { Ws2812bChain } from '../../peripherals/devices/ws2812b.js';
import { haveFirmware } from './firmware-run.js';

/** The status NeoPixel's colour changes in the first 1.2 s after power-on under CircuitPython 9.2.9 (firmware engine). */
async function firmwareStatusBlinks(board: string): Promise<[number, number][]> {
  const { createBoard, loadFirmware, RunLoop } = await import('../../emulator/index.js');
  const b = createBoard(board) as unknown as { parts: Record<string, Ws2812bChain>; machine: { scheduler: { seconds: number } } };
  const chain = Object.values(b.parts).find((p) => typeof (p as Partial<Ws2812bChain>).rgb === 'function' && 'onChange' in p)!;
  const changes: [number, number][] = [];
  chain.onChange((c) => {
    const colour = c.rgb()[0]!;
    if (changes.length === 0 || changes[changes.length - 1]![1] !== colour) changes.push([b.machine.scheduler.seconds, colour]);
  });
  loadFirmware(b as never, readFileSync(join(process.env.CIRCUITEMU_FIRMWARE_DIR!, `circuitpython-${board}.uf2`)), 'circuitpython.uf2');
  const silent = { onData() {}, write() {}, close() {} };
  await new RunLoop((b as never as { machine: never }).machine, silent, { timeoutSeconds: 1.2 }).run();
  return changes;
}

const files = { 'boot.py': 'print("boot ran")\n', 'code.py': 'print("code ran")\n' };

describe('hosted engine: safe mode from the buttons held at reset', () => {
  it('cpx: both buttons held: safe mode, no boot.py or code.py', { timeout: 60_000 }, async () => {
    const s = start({ board: 'cpx', files });
    try {
      s.handle.setPart('buttonA', 'press');
      s.handle.setPart('buttonB', 'press');
      await s.waitFor('Press any key');
      expect(s.text).toBe(
        '\r\n\x1b[2K\x1b[0GAuto-reload is off.\r\nRunning in safe mode! Not running saved code.\r\n\r\n' +
          'You are in safe mode because:\r\nYou pressed both buttons at start up.\r\nPress reset to exit safe mode.\r\n' +
          '\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n',
      );
      // The REPL still works in safe mode; boot.py never wrote boot_out.txt.
      s.handle.write('\r');
      await s.waitFor('>>> ');
      s.handle.write('import os; print("boot_out.txt" in os.listdir("/"))\r');
      await s.waitFor('False\r\n');
    } finally {
      await s.stop();
    }
  });

  it('cpx: one button held boots normally', { timeout: 60_000 }, async () => {
    const s = start({ board: 'cpx', files: { 'code.py': 'import board, digitalio\nb = digitalio.DigitalInOut(board.BUTTON_A)\nb.switch_to_input(pull=digitalio.Pull.DOWN)\nprint("code ran", b.value)\n' } });
    try {
      s.handle.setPart('buttonA', 'press');
      await s.waitFor('Press any key');
      expect(s.text).toContain('code ran True\r\n');
      expect(s.text).not.toContain('safe mode');
    } finally {
      await s.stop();
    }
  });
});

/**
 * The reset button during the boot's safe-mode window (supervisor/shared/safe_mode.c,
 * wait_for_safe_mode_reset): after a power-on or reset the board waits 1 s with its status LED blinking
 * yellow (125 ms on, 125 ms off; on the firmware engine, CircuitPython 9.2.9 on the CPX and Metro M0 Express
 * lights every status NeoPixel 0x0B0B00 from 25 ms after power-on, off at 145, on at 270 ... off at 895); a reset
 * then starts it in safe mode with SAFE_MODE_USER's text: the board's own where it has one (CPX:
 * BOARD_USER_SAFE_MODE_ACTION), else `You pressed the reset button during boot.`.
 */
const safeModeText = (reason: string) =>
  '\r\n\x1b[2K\x1b[0GAuto-reload is off.\r\nRunning in safe mode! Not running saved code.\r\n\r\n' +
  `You are in safe mode because:\r\n${reason}\r\nPress reset to exit safe mode.\r\n` +
  '\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n';

describe('hosted engine: the boot\'s safe-mode window and the reset button', () => {
  it('metro_m0_express: the status NeoPixel blinks yellow for 1 s before boot.py (virtual time)', { timeout: 60_000 }, async () => {
    const changes: [number, number][] = [];
    const s = start({
      board: 'metro_m0_express',
      files: { 'code.py': 'import time\nprint("code at", time.monotonic() >= 1)\n' },
      onState: (st: BoardSnapshot) => {
        const c = st.pixels.pixel?.[0];
        if (c !== undefined && (changes.length === 0 || changes[changes.length - 1]![1] !== c)) changes.push([st.seconds, c]);
      },
    });
    try {
      await s.waitFor('Press any key');
      expect(s.text).toContain('code at True\r\n');
      const expected = [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875].map((t, i) => [t, i % 2 === 0 ? 0x0b0b00 : 0] as const);
      expect(changes.length).toBeGreaterThanOrEqual(8);
      for (let i = 0; i < 8; i++) {
        expect(changes[i]![1]).toBe(expected[i]![1]);
        expect(changes[i]![0]).toBeCloseTo(expected[i]![0], 2); // the WS2812 frame itself takes ~0.1 ms
      }
    } finally {
      await s.stop();
    }
  });

  it.skipIf(!haveFirmware)('metro_m0_express: the blink has the firmware\'s colour, phases and length (CircuitPython 9.2.9, firmware engine)', { timeout: 300_000 }, async () => {
    const fw = (await firmwareStatusBlinks('metro_m0_express')).filter(([, c], i, a) => i === 0 || c !== a[i - 1]![1]);
    const lit = fw.findIndex(([, c]) => c !== 0);
    const phases = fw.slice(lit, lit + 8);
    expect(phases.map(([, c]) => c)).toEqual([0x0b0b00, 0, 0x0b0b00, 0, 0x0b0b00, 0, 0x0b0b00, 0]);
    // 125 ms per phase (measured: the first lit phase is 121 ms, the status LED's start-up; the rest 125.0 ms).
    for (let i = 1; i < phases.length; i++) expect(Math.abs(phases[i]![0] - phases[i - 1]![0] - 0.125), JSON.stringify(phases)).toBeLessThan(0.005);
  });

  for (const [board, reason] of [
    ['metro_m0_express', 'You pressed the reset button during boot.'],
    ['cpx', 'You pressed both buttons at start up.'],
  ] as const) {
    it(`${board}: reset pressed while the status LED blinks: safe mode, "${reason}"`, { timeout: 60_000 }, async () => {
      let blinking = false;
      const s = start({ board, files, realTime: true, onState: (st: BoardSnapshot) => void (blinking ||= Object.values(st.pixels).some((p) => p[0] === 0x0b0b00)) });
      try {
        const t0 = performance.now();
        while (!blinking) {
          if (performance.now() - t0 > 20_000) throw new Error('the status LED never blinked');
          await new Promise((r) => setTimeout(r, 5));
        }
        s.handle.reset();
        await s.waitFor('Press any key');
        expect(s.text).toBe(safeModeText(reason));
      } finally {
        await s.stop();
      }
    });
  }

  it('cpx: reset pressed after the window: an ordinary boot, boot.py and code.py again', { timeout: 60_000 }, async () => {
    const s = start({ board: 'cpx', files });
    try {
      await s.waitFor('Press any key');
      s.handle.reset();
      await s.waitFor('code ran', 20_000, s.text.length);
      expect(s.text).not.toContain('safe mode');
      expect(s.text.match(/code ran/g)).toHaveLength(2);
    } finally {
      await s.stop();
    }
  });
});
