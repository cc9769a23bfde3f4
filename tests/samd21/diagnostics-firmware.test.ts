/**
 * Real CircuitPython against the register maps, with the chip's diagnostics sink (on every block):
 * while it boots, formats CIRCUITPY and enumerates over USB, every access it makes to a modelled
 * block must reach a declared register. The one exception is the firmware's: CircuitPython's
 * reset_all_pins (ports/atmel-samd/common-hal/microcontroller/Pin.c) counts PORT_COUNT =
 * PORT_BITS / 32 + 1 = 3 groups on a chip with 2, so it writes DIRCLR and WRCONFIG of a PORT group
 * 2 (PORT + 0x100..) the SAMD21G does not have, which the chip ignores. Unmodelled slots
 * (SBMATRIX, MTB) are reported as unimplemented. A guest error anywhere else would mean a register
 * the models lack.
 *
 * Needs $CIRCUITEMU_FIRMWARE_DIR/circuitpython-cpx.uf2 (see DEVELOPERS.md); skipped otherwise.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpxBoard } from '../../boards/cpx.js';
import { connectConsole } from '../../emulator/console.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { PORT_REG } from '../../peripherals/samd21/port.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const IMAGE = dir && existsSync(join(dir, 'circuitpython-cpx.uf2')) ? join(dir, 'circuitpython-cpx.uf2') : null;
if (!IMAGE) console.warn('[tests/samd21/diagnostics-firmware] SKIPPED: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)');

describe.skipIf(!IMAGE)('diagnostics with real CircuitPython', () => {
  it('touches no reserved register offset of a modelled block (beyond the absent PORT group 2)', { timeout: 180_000 }, () => {
    const board = createBoard('cpx') as CpxBoard;
    // The chip assembly attaches one sink to every block.
    const sink = board.mcu.diagnostics;
    const { console: con, usbHost } = connectConsole(board);
    let out = '';
    con.onData((bytes) => (out += new TextDecoder().decode(bytes)));
    loadFirmware(board, readFileSync(IMAGE!), IMAGE!);
    const m = board.machine;
    while (!out.includes('Press any key to enter the REPL') && m.scheduler.seconds < 30) m.runFor(0.05);
    expect(out).toContain('Press any key to enter the REPL');
    expect(usbHost!.errors).toEqual([]);

    const groupTwo = 2 * PORT_REG.GROUP_STRIDE;
    const errors = sink.counts().filter((c) => c.kind === 'guest-error');
    expect(errors.filter((c) => !(c.block === 'PORT' && c.offset >= groupTwo))).toEqual([]);
    expect(errors.map((c) => c.offset - groupTwo).sort()).toEqual([PORT_REG.DIRCLR, PORT_REG.WRCONFIG]);
    // Startup code sets the bus matrix's SRAM quality of service and the MTB's master enable.
    const unimplemented = sink.counts().filter((c) => c.kind === 'unimplemented');
    expect(unimplemented.map((c) => `${c.block}+0x${c.offset.toString(16)}`).sort()).toEqual(['MTB+0x4', 'SBMATRIX+0x120']);
  });
});
