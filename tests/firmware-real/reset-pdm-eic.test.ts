/**
 * Three behaviours of the unmodified CircuitPython 9.2.9 that once looked like faults of the SAMD21
 * model (issue 12), on the real firmware from $CIRCUITEMU_FIRMWARE_DIR (skipped with a message
 * without it):
 *  1. the reset button (RESET pin: an external reset, PM.RCAUSE.EXT) pressed inside the boot's 1 s
 *     safe-mode window (supervisor/shared/safe_mode.c wait_for_safe_mode_reset) brings the board up
 *     in safe mode with SAFE_MODE_USER's text: RAM keeps the safe-mode word 0xAD0011AF at 0x20006000
 *     across the reset, RCAUSE reads EXT (RESET_REASON_RESET_PIN);
 *  2. audiobusio.PDMIn constructed, deinitialised and constructed again records; a PDMIn whose
 *     construction fails in the port (`sampling rate out of range`) disables GCLK generator 0 when its
 *     finaliser runs (its deinit calls disable_clock_generator(self->gclk), still 0): GCLK_MAIN, the
 *     CPU's clock, which stops a real SAMD21 too (DS40001882 15.6.2.3, 15.6.2.5); the run ends with
 *     that report (tests/samd21/gclk-main.test.ts checks the register behaviour with our program);
 *  3. countio.Counter / rotaryio.IncrementalEncoder deinitialised and made again on the same EIC
 *     channel, with other senses and pulls, count no edge that re-muxing the pad or a floating pad
 *     would invent (the channel's CONFIG is still the previous user's while the pad is re-muxed
 *     and its pull changed), only a transition the new pull really makes under the old sense, and
 *     count the edges the test makes on the pad.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Samd21Board } from '../../boards/samd21-board.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { Pin, connect } from '../../emulator/kernel/signals.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { ResetCause } from '../../peripherals/samd21/chip.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const imageOf = (board: string) => (dir ? join(dir, `circuitpython-${board}.uf2`) : '');
const have = (board: string) => {
  const ok = imageOf(board) !== '' && existsSync(imageOf(board));
  if (!ok) console.warn(`[tests/firmware-real] SKIPPED reset-pdm-eic on ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-${board}.uf2 (see DEVELOPERS.md)`);
  return ok;
};

interface Run {
  b: Samd21Board;
  console: ReturnType<typeof showRun>;
  out: () => string;
  /** Runs until `done` or `seconds` of simulated time; returns the machine's halt, if any. */
  until: (done: () => boolean, seconds: number) => ReturnType<Samd21Board['machine']['runFor']>;
}

function start(board: string, code: string, reload: boolean): Run {
  const b = createBoard(board) as Samd21Board;
  const { volume } = openDrive(b);
  writeDriveFile(volume, '/code.py', new TextEncoder().encode(code));
  const connection = connectConsole(b);
  const console = showRun(connection, b.machine.scheduler, { reload });
  let text = '';
  console.onData((bytes) => (text += new TextDecoder().decode(bytes)));
  loadFirmware(b, readFileSync(imageOf(board)), imageOf(board));
  const until: Run['until'] = (done, seconds) => {
    const limit = b.machine.scheduler.seconds + seconds;
    while (!done() && b.machine.scheduler.seconds < limit) {
      const halt = b.machine.runFor(0.01);
      if (halt) return halt;
    }
    return null;
  };
  return { b, console, out: () => text, until };
}

const SAFE_MODE_WORD = 0x20006000;

describe('the reset button inside the boot\'s safe-mode window (CircuitPython 9.2.9)', () => {
  const boards = ['cpx', 'metro_m0_express', 'feather_m0_express', 'gemma_m0', 'trinket_m0', 'feather_m0_basic', 'feather_m0_adalogger', 'arduino_zero'];
  // The CPX has its own SAFE_MODE_USER text (BOARD_USER_SAFE_MODE_ACTION); the others the supervisor's.
  for (const [board, reason] of boards.map((b) => [b, b === 'cpx' ? 'You pressed both buttons at start up.' : 'You pressed the reset button during boot.'] as const)) {
    const present = have(board);
    it.skipIf(!present)(`${board}: reset at 0.2, 0.5 and 0.9 s comes up in safe mode, "${reason}"`, { timeout: 120_000 }, () => {
      for (const at of [0.2, 0.5, 0.9]) {
        const r = start(board, 'print("code ran")\n', false);
        expect(r.until(() => false, at)).toBeNull();
        const word = () => r.b.mcu.bus.read(SAFE_MODE_WORD, 4) >>> 0;
        // Inside the window the firmware has stored SAFE_MODE_USER (17) under its guard.
        expect(word(), `${board} at ${at} s`).toBe(0xad0011af);
        r.b.mcu.context.systemReset(ResetCause.EXT);
        expect(r.b.mcu.pm.RCAUSE.value).toBe(ResetCause.EXT);
        expect(r.until(() => r.out().includes('Press any key'), 10), `${board} at ${at} s: halted`).toBeNull();
        expect(r.out(), `${board} at ${at} s`).toContain(`You are in safe mode because:\r\n${reason}\r\nPress reset to exit safe mode.`);
        expect(r.out()).not.toContain('code ran');
        expect(r.out()).not.toContain('Hard fault');
        // Safe mode leaves the guard alone (SAFE_MODE_NONE): the next reset boots normally.
        expect(word()).toBe(0xad0000af);
      }
    });
  }
});

describe('audiobusio.PDMIn (CircuitPython 9.2.9, CPX)', () => {
  const present = have('cpx');
  it.skipIf(!present)('deinit() and a second PDMIn records; a failed construction disables GCLK_MAIN in its finaliser and the CPU stops', { timeout: 120_000 }, () => {
    const code = `import audiobusio, array, board, gc, supervisor, time
while not supervisor.runtime.serial_connected:
    pass
m = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=16000, bit_depth=16)
print("first", m.sample_rate)
m.deinit()
m = audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=16000, bit_depth=16)
b = array.array("H", [0] * 64)
print("second", m.sample_rate, m.record(b, 64))
m.deinit()
try:
    audiobusio.PDMIn(board.MICROPHONE_CLOCK, board.MICROPHONE_DATA, sample_rate=100, bit_depth=16)
except ValueError as e:
    print("failed:", e)
print("collect")
time.sleep(0.2)
gc.collect()
print("after")
`;
    const r = start('cpx', code, true);
    const halt = r.until(() => false, 30);
    expect(r.out()).toContain('first 15957\r\n');
    expect(r.out()).toContain('second 15957 64\r\n');
    expect(r.out()).toContain('failed: sampling rate out of range\r\n');
    expect(r.out()).toContain('collect\r\n');
    expect(r.out()).not.toContain('after');
    expect(halt, 'the run ends when GCLK_MAIN stops').not.toBeNull();
    expect(halt!.message).toContain('the CPU clock stopped: GENCTRL = 0x00000000 cleared GENEN of GCLK generator 0 (GCLK_MAIN)');
  });
});

describe('EIC channels reused after deinit (CircuitPython 9.2.9, CPX)', () => {
  const present = have('cpx');
  it.skipIf(!present)('countio and rotaryio made again with other senses and pulls count only the edges made on the pads', { timeout: 120_000 }, () => {
    const code = `import board, countio, digitalio, rotaryio, supervisor, time
while not supervisor.runtime.serial_connected:
    pass
E = countio.Edge
P = digitalio.Pull
res = []
for edge, pull in ((E.RISE, P.UP), (E.FALL, P.DOWN), (E.RISE, P.UP), (E.RISE, P.UP), (E.FALL, P.DOWN), (E.FALL, P.DOWN), (E.RISE_AND_FALL, P.UP), (E.FALL, P.DOWN)):
    c = countio.Counter(board.A6, edge=edge, pull=pull)
    time.sleep(0.02)
    res.append(c.count)
    c.deinit()
print("stale", res)
pos = []
for i in range(3):
    e = rotaryio.IncrementalEncoder(board.A1, board.A2)
    time.sleep(0.02)
    pos.append(e.position)
    e.deinit()
print("encoder", pos)
c = countio.Counter(board.A6, edge=E.RISE, pull=P.DOWN)
print("ready")
input()
print("pulses", c.count)
`;
    const r = start('cpx', code, true);
    expect(r.until(() => r.out().includes('ready\r\n'), 30)).toBeNull();
    // Each Counter starts while the channel's CONFIG still holds the previous user's sense (CircuitPython
    // enables the EIC, muxes the pad and sets its pull before it writes the new sense). Re-muxing is no
    // edge, and a pad left floating keeps its level, so nothing is counted, except in the last case,
    // where the new pull-down really pulls the pad (held high by the previous pull-up) low while the
    // previous RISE_AND_FALL sense is still active: that edge is latched in INTFLAG and counted once
    // INTENSET is written, as the silicon would (the fall takes ~0.1 µs through 40 kΩ, the new sense
    // is written microseconds later).
    expect(r.out()).toContain('stale [0, 0, 0, 0, 0, 0, 0, 1]\r\n');
    expect(r.out()).toContain('encoder [0, 0, 0]\r\n');
    // Five pulses on A6 (PB09) from outside, 1 ms high and 1 ms low.
    const probe = new Pin('probe', r.b.machine.scheduler);
    connect(probe, r.b.mcu.pin('PB09'));
    for (let i = 0; i < 5; i++) {
      probe.drive(1);
      r.until(() => false, 0.001);
      probe.drive(0);
      r.until(() => false, 0.001);
    }
    probe.drive(null);
    r.console.write(new TextEncoder().encode('\r'));
    expect(r.until(() => r.out().includes('pulses'), 5)).toBeNull();
    r.until(() => r.out().includes('Press any key'), 5);
    expect(r.out()).toContain('pulses 5\r\n');
  });
});
