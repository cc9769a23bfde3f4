/**
 * Unmodified MicroPython for the ESP8266 (micropython-esp8266.bin in $CIRCUITEMU_FIRMWARE_DIR; see
 * DEVELOPERS.md) on the Feather HUZZAH: the emulated boot ROM loads it, the SDK initialises,
 * MicroPython creates its filesystem, prints its banner and `>>>` on UART0, evaluates 1+1, lights
 * the blue LED with machine.Pin, sleeps 100 ms by time.ticks_ms, and survives machine.reset().
 * Skipped, with a message, without the firmware, or when the image lacks the SDK's exception
 * vectors (a link defect that crashes real hardware at the first interrupt too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { parseEspImage } from '../../peripherals/esp8266/rom/boot-image.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const file = dir ? join(dir, 'micropython-esp8266.bin') : '';
const image = file && existsSync(file) ? new Uint8Array(readFileSync(file)) : null;

/** The SDK's debug/NMI/kernel vectors sit at 0x40100010..0x4010003B (VECBASE = 0x40100000); zeros = not linked. */
function vectorsMissing(bin: Uint8Array): boolean {
  const iram = parseEspImage(bin).segments.find((s) => s.address === 0x40100000);
  return !iram || iram.data.subarray(0x10, 0x3c).every((b) => b === 0);
}

const why = !dir
  ? 'CIRCUITEMU_FIRMWARE_DIR is not set'
  : !image
    ? `${file} does not exist`
    : vectorsMissing(image)
      ? `${file} has no exception vectors at VECBASE 0x40100000 (MicroPython's eagle.rom.addr.v6.ld PROVIDEs _UserExceptionVector etc. at ROM addresses, and binutils 2.40 takes those instead of libmain's user-vector.o: rebuild with those PROVIDE lines removed)`
      : '';
if (why) console.log(`skipping MicroPython ESP8266 tests: ${why}`);

function runUntil(board: ReturnType<typeof createFeatherHuzzah>, text: string, from: number, seconds: number): string {
  for (let t = 0; t < seconds; t += 0.05) {
    const halt = board.machine.runFor(0.05);
    const out = board.machine.stdout.text().slice(from);
    if (halt) throw new Error(`${halt.message}\n--- output ---\n${out}`);
    if (out.includes(text)) return out;
  }
  throw new Error(`no "${text}" within ${seconds} simulated seconds\n--- output ---\n${board.machine.stdout.text().slice(from)}`);
}

describe.skipIf(why !== '')('MicroPython on the Feather HUZZAH (ESP8266)', () => {
  it('boots to the REPL on UART0 (first boot creates the filesystem) and evaluates 1+1', () => {
    const board = createFeatherHuzzah();
    board.load([{ address: 0x40200000, data: image! }]);
    const t0 = performance.now();
    const boot = runUntil(board, '>>> ', 0, 10);
    const wall = performance.now() - t0;
    console.log(`MicroPython ESP8266: REPL after ${board.chip.scheduler.seconds.toFixed(3)} simulated s, ${wall.toFixed(0)} ms wall`);
    expect(boot).toContain('Performing initial setup');
    expect(boot).toMatch(/MicroPython v1\.\d+.* on .*; ESP module with ESP8266/);
    const from = board.machine.stdout.text().length;
    board.console.write(new TextEncoder().encode('1+1\r'));
    expect(runUntil(board, '\r\n>>> ', from, 2)).toBe('1+1\r\n2\r\n>>> ');

    // machine.Pin drives the blue LED (GPIO2, lit when low); time.sleep_ms lasts 100 ms.
    const from2 = board.machine.stdout.text().length;
    board.console.write(new TextEncoder().encode('import machine, time\rp = machine.Pin(2, machine.Pin.OUT)\rp.value(0)\r'));
    board.console.write(new TextEncoder().encode('t = time.ticks_ms(); time.sleep_ms(100); print("slept", time.ticks_diff(time.ticks_ms(), t))\r'));
    expect(runUntil(board, 'slept 100\r\n>>> ', from2, 2)).toContain('slept 100');
    expect(board.leds).toEqual({ red: false, blue: true });

    // machine.reset(): the ROM boots again, and the filesystem made on first boot is kept.
    const from3 = board.machine.stdout.text().length;
    board.console.write(new TextEncoder().encode('machine.reset()\r'));
    const reboot = runUntil(board, 'ESP8266\r\nType "help()" for more information.\r\n>>> ', from3, 5);
    expect(reboot).toContain(' ets Jan  8 2013,rst cause:');
    expect(reboot).not.toContain('Performing initial setup');
  }, 60_000);
});
