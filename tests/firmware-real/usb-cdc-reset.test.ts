/**
 * usb_cdc.data and microcontroller.reset()/on_next_reset() on every SAMD21 board's unmodified
 * CircuitPython 9.2.9 (from $CIRCUITEMU_FIRMWARE_DIR; skipped with a message without it). One
 * power-on per board:
 *  1. boot.py enables the second CDC port (usb_cdc.enable(console=True, data=True)); the emulated
 *     USB host enumerates two CDC-ACM functions; code.py echoes what the host writes on the data
 *     port back on the data port (not the console), then calls microcontroller.reset();
 *  2. the board restarts from boot: boot.py runs again (the data port is back), code.py sees the
 *     mark the first run left, asks on_next_reset(RunMode.SAFE_MODE) and resets;
 *  3. the board comes up in safe mode with the firmware's reason and runs no code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Samd21Board } from '../../boards/samd21-board.js';
import { connectConsole, showRun } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { BOARDS, ELSEWHERE, MODULE_STATUS } from './module-table.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const FIRMWARE: Record<string, string> = { feather_m0_bluefruit_le: 'feather_m0_adalogger' };

const BOOT = 'import storage, usb_cdc\nstorage.remount("/", readonly=False)\nusb_cdc.enable(console=True, data=True)\n';
// code.py waits for the host to reconnect after each reset (output before that is dropped, as on
// a real board) and lets USB send its last lines before resetting.
const CODE = `import os, microcontroller, supervisor, time, usb_cdc
while not supervisor.runtime.serial_connected:
    pass
n = len([f for f in os.listdir("/") if f.startswith("mark")])
d = usb_cdc.data
print("run", n, d is not None)
if n == 0:
    while d.in_waiting < 4:
        pass
    got = d.read(4)
    d.write(b"pong:" + got)
    print("echoed", got)
    open("/mark0", "w").close()
    time.sleep(0.1)
    microcontroller.reset()
elif n == 1:
    open("/mark1", "w").close()
    microcontroller.on_next_reset(microcontroller.RunMode.SAFE_MODE)
    time.sleep(0.1)
    microcontroller.reset()
`;

const SAFE_MODE =
  'Running in safe mode! Not running saved code.\r\n\r\n' +
  'You are in safe mode because:\r\nThe `microcontroller` module was used to boot into safe mode.\r\n';

describe.each(BOARDS.map((board) => ({ board })))('usb_cdc.data and microcontroller.reset on $board', ({ board }) => {
  const file = `circuitpython-${FIRMWARE[board] ?? board}.uf2`;
  const image = dir ? join(dir, file) : '';
  const present = image !== '' && existsSync(image);
  if (!present) console.warn(`[tests/firmware-real] SKIPPED usb_cdc/reset on ${board}: set CIRCUITEMU_FIRMWARE_DIR to a folder with ${file} (see DEVELOPERS.md)`);

  // The module table (boards/README.md) says what this checks: it must say 'works' here.
  it('is what the module table claims', () => {
    for (const m of Object.keys(ELSEWHERE) as (keyof typeof ELSEWHERE)[]) {
      expect(ELSEWHERE[m]).toBe('usb-cdc-reset.test.ts');
      expect(MODULE_STATUS[board][m], m).toBe('works');
    }
  });

  it.skipIf(!present)('the data port echoes, reset() runs boot.py again, on_next_reset(SAFE_MODE) boots into safe mode', () => {
    const b = createBoard(board) as Samd21Board;
    const { volume } = openDrive(b);
    const enc = new TextEncoder();
    writeDriveFile(volume, '/boot.py', enc.encode(BOOT));
    writeDriveFile(volume, '/code.py', enc.encode(CODE));
    const connection = connectConsole(b);
    const host = connection.usbHost!;
    const console = showRun(connection, b.machine.scheduler, { reload: true });
    let out = '';
    console.onData((bytes) => (out += new TextDecoder().decode(bytes)));
    loadFirmware(b, readFileSync(image), image);
    const until = (done: () => boolean, seconds: number, what: string) => {
      const limit = b.machine.scheduler.seconds + seconds;
      while (!done() && b.machine.scheduler.seconds < limit) {
        const halt = b.machine.runFor(0.02);
        if (halt) throw new Error(`${board}: machine halted: ${halt.message}`);
      }
      if (!done()) throw new Error(`${board}: no ${what} within ${seconds} s; console:\n${out.slice(-1500)}`);
    };

    until(() => out.includes('run 0 True'), 30, "'run 0 True'");
    expect(host.cdc.length, 'CDC-ACM functions enumerated').toBe(2);
    let data = '';
    host.cdc[1].onData((bytes) => (data += new TextDecoder().decode(bytes)));
    host.cdc[1].write('ping');
    until(() => data.includes('pong:ping') && out.includes("echoed b'ping'"), 10, 'echo on the data port');
    expect(data).toBe('pong:ping');
    expect(out).not.toContain('pong:');

    const first = out.length;
    until(() => out.includes('run 1 True', first), 30, "'run 1 True' after reset()");
    // A reset, not a soft reload: the supervisor starts over from boot.py.
    expect(out.slice(first)).not.toContain('soft reboot');
    expect(host.cdc.length, 'the data port after reset()').toBe(2);

    const second = out.indexOf('run 1 True', first);
    until(() => out.includes('You are in safe mode because', second), 30, 'safe mode');
    until(() => out.includes('Press any key', second), 5, 'the safe-mode prompt');
    expect(out.slice(second)).toContain(SAFE_MODE);
    expect(out.slice(second + 'run 1 True'.length)).not.toContain('run ');
  });
});
