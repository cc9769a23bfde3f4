/**
 * `--console edbg`: the Arduino Zero's EDBG virtual COM port (SERCOM5, PB22 TX / PB23 RX, 115200
 * baud) as the console of `circuitemu run`, with our own firmware (periph_edbg.elf: a greeting,
 * then each line echoed in capitals) and, when $CIRCUITEMU_FIRMWARE_DIR has it, CircuitPython
 * 9.2.9 for the Zero writing to that port from code.py with busio.UART. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectConsole } from '../../emulator/console.js';
import { openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { RunLoop } from '../../emulator/runner.js';
import { writeDriveFile } from '../../firmware-runtime/fs/drive.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const echo = join(root, 'tests/firmware/samd21/periph_edbg.elf');

function cli(args: string[], input = '') {
  const r = spawnSync(process.execPath, [bin, ...args], { input, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString() };
}

describe('circuitemu run --console edbg', () => {
  it('shows what the firmware writes on SERCOM5 and types standard input into it', () => {
    // One line: the firmware polls, so what arrives while it is sending its answer overflows the
    // SERCOM's receive buffer, as on the board.
    const r = cli(['run', '--board', 'arduino_zero', '--firmware', echo, '--console', 'edbg', '--expect-text', 'echo: FIRST LINE', '--timeout', '5'], 'first line\n');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hello from the EDBG port\r\necho: FIRST LINE');
    expect(r.status).toBe(0);
  });

  it('without it, the Zero console is native USB: the EDBG bytes are not shown', () => {
    const r = cli(['run', '--board', 'arduino_zero', '--firmware', echo, '--timeout', '0.5']);
    expect(r.stdout).not.toContain('hello from the EDBG port');
    expect(r.status).toBe(124); // the time limit, nothing expected
  });

  it('refuses a port the board does not have, and the hosted engine', () => {
    const none = cli(['run', '--board', 'metro_m0_express', '--firmware', echo, '--console', 'edbg']);
    expect(none.status).toBe(64);
    expect(none.stderr).toMatch(/board metro_m0_express has no serial port 'edbg' \(it has none\)/);
    const wrong = cli(['run', '--board', 'arduino_zero', '--firmware', echo, '--console', 'uart9']);
    expect(wrong.stderr).toMatch(/no serial port 'uart9' \(its ports: edbg\)/);
    const hosted = cli(['run', '--board', 'cpx', '--console', 'edbg']);
    expect(hosted.status).toBe(64);
    expect(hosted.stderr).toMatch(/--console needs --firmware/);
  });

  const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
  const cp = dir ? join(dir, 'circuitpython-arduino_zero.uf2') : '';
  if (!cp || !existsSync(cp)) console.warn('[tests/emulator] SKIPPED --console edbg with CircuitPython: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-arduino_zero.uf2');
  it.skipIf(!cp || !existsSync(cp))('CircuitPython code.py on the EDBG port with busio.UART (the console API, input after its prompt)', async () => {
    const b = createBoard('arduino_zero');
    writeDriveFile(
      openDrive(b).volume,
      '/code.py',
      new TextEncoder().encode(
        'import busio, microcontroller\nu = busio.UART(microcontroller.pin.PB22, microcontroller.pin.PB23, baudrate=115200, timeout=5)\nu.write(b"type a word\\r\\n")\nu.write(b"got " + (u.readline() or b"nothing"))\n',
      ),
    );
    const { console, usbHost } = connectConsole(b, 'edbg');
    expect(usbHost).toBeUndefined();
    loadFirmware(b, readFileSync(cp), cp);
    const step = async (text: string) => {
      const loop = new RunLoop(b.machine, console, { timeoutSeconds: b.machine.scheduler.seconds + 20, expectText: text });
      expect((await loop.run()).kind).toBe('expected');
      return loop.history.text();
    };
    expect(await step('type a word\r\n')).toBe('type a word\r\n');
    console.write(new TextEncoder().encode('zero\n'));
    expect(await step('got zero')).toBe('got zero');
  });
});
