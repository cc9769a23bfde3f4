/**
 * Unmodified third-party firmware on the emulated boards. The images are not in the repository
 * (see DEVELOPERS.md): they are read from $CIRCUITEMU_FIRMWARE_DIR, and these tests are skipped,
 * with a message, when it is not set.
 *
 *   circuitpython-cpx.uf2    CircuitPython 9.x for circuitplayground_express
 *   micropython-samd21.uf2   MicroPython's samd port for a SAMD21 board (e.g. ItsyBitsy M0 Express)
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpxBoard } from '../../boards/cpx.js';
import { connectConsole } from '../../emulator/console.js';
import { copyToDrive, openDrive } from '../../emulator/drive.js';
import { createBoard, loadFirmware } from '../../emulator/run.js';
import { mount } from '../../firmware-runtime/fs/fat.js';
import { memoryBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import type { UsbHost } from '../../firmware-runtime/usb/index.js';

const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const firmware = (name: string): string | null => (dir && existsSync(join(dir, name)) ? join(dir, name) : null);
const CIRCUITPYTHON = firmware('circuitpython-cpx.uf2');
const MICROPYTHON = firmware('micropython-samd21.uf2');
if (!CIRCUITPYTHON) console.warn(`[tests/firmware-real] SKIPPED CircuitPython: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2 (see DEVELOPERS.md)`);
if (!MICROPYTHON) console.warn(`[tests/firmware-real] SKIPPED MicroPython: set CIRCUITEMU_FIRMWARE_DIR to a folder with micropython-samd21.uf2 (see DEVELOPERS.md)`);

const encode = (s: string) => new TextEncoder().encode(s);

/** A CPX running the given firmware, with its USB console collected as text. */
class Rig {
  readonly board: CpxBoard;
  readonly usbHost: UsbHost;
  out = '';
  private readonly write: (bytes: Uint8Array) => void;

  constructor(image: string, prepare?: (board: CpxBoard) => void) {
    this.board = createBoard('cpx') as CpxBoard;
    const { console, usbHost } = connectConsole(this.board);
    this.usbHost = usbHost!;
    console.onData((bytes) => (this.out += new TextDecoder().decode(bytes)));
    this.write = (bytes) => console.write(bytes);
    loadFirmware(this.board, readFileSync(image), image);
    prepare?.(this.board);
  }

  /** Runs until `text` appears in the console after position `from`; returns the output since. */
  until(text: string, from = this.out.length, maxSeconds = 30): string {
    const m = this.board.machine;
    const limit = m.scheduler.seconds + maxSeconds;
    while (this.out.indexOf(text, from) < 0) {
      if (m.scheduler.seconds > limit) throw new Error(`no ${JSON.stringify(text)} after ${maxSeconds} s; console:\n${this.out.slice(-800)}`);
      const halt = m.runFor(0.05);
      if (halt) throw new Error(`machine halted: ${halt.message}\nconsole:\n${this.out.slice(-800)}`);
    }
    return this.out.slice(from);
  }

  /** Runs until the host has enumerated the board and opened its serial console. */
  connected(maxSeconds = 30): void {
    const m = this.board.machine;
    const limit = m.scheduler.seconds + maxSeconds;
    while (!this.usbHost.console.connected) {
      if (m.scheduler.seconds > limit) throw new Error(`the USB console did not appear in ${maxSeconds} s`);
      m.runFor(0.05);
    }
  }

  send(text: string, expect: string): string {
    const from = this.out.length;
    this.write(encode(text));
    return this.until(expect, from);
  }

  /** Runs the machine until `promise` settles (USB transfers complete on the emulated timeline). */
  async settle<T>(promise: Promise<T>, maxSeconds = 30): Promise<T> {
    let done = false;
    const p = promise.finally(() => (done = true));
    const m = this.board.machine;
    const limit = m.scheduler.seconds + maxSeconds;
    while (!done && m.scheduler.seconds < limit) {
      m.runFor(0.002);
      await new Promise((r) => setImmediate(r));
    }
    return p;
  }
}

describe.skipIf(!CIRCUITPYTHON)('CircuitPython on the Circuit Playground Express', () => {
  it('boots on blank flash, formats CIRCUITPY, and serves the REPL over USB CDC', { timeout: 180_000 }, () => {
    const rig = new Rig(CIRCUITPYTHON!);
    rig.until('Press any key to enter the REPL. Use CTRL-D to reload.');
    // The drive was formatted by the firmware itself: our FAT reader finds its files.
    const { volume, formatted } = openDrive(rig.board);
    expect(formatted).toBe(false);
    expect(volume.label).toBe('CIRCUITPY');
    expect(new TextDecoder().decode(volume.readFile('/code.py'))).toBe('print("Hello World!")\n');
    expect(new TextDecoder().decode(volume.readFile('/boot_out.txt'))).toMatch(
      /^Adafruit CircuitPython[ ]9\.\d+\.\d+\S* on \d{4}-\d\d-\d\d; Adafruit CircuitPlayground Express with samd21g18\r\nBoard ID:circuitplayground_express\r\nUID:[0-9A-F]{32}\r\n/,
    );

    // The composite device enumerated with all four of CircuitPython's interfaces, no errors.
    const f = rig.usbHost.functions;
    expect([f.cdc.length, f.msc.length, f.hid.length, f.midi.length].map((n) => n > 0)).toEqual([true, true, true, true]);
    expect(rig.usbHost.errors).toEqual([]);
    expect(rig.usbHost.device?.device).toMatchObject({ idVendor: 0x239a, idProduct: 0x8019 });

    const banner = rig.send('\x03', '>>> ');
    expect(banner).toMatch(/Adafruit CircuitPython[ ]9\.\d+\.\d+\S* on \d{4}-\d\d-\d\d; Adafruit CircuitPlayground Express with samd21g18\r\n>>> $/);
    expect(rig.send('1+1\r', '>>> ')).toBe('1+1\r\n2\r\n>>> ');
    const reboot = rig.send('\x04', 'Code done running.');
    expect(reboot).toContain('soft reboot\r\n');
    expect(reboot).toMatch(/code\.py output:\r\n.*Hello World!\r\n/s);
  });

  it('runs code.py from --drive; the NeoPixel colours it writes are readable', { timeout: 180_000 }, () => {
    const host = mkdtempSync(join(tmpdir(), 'circuitemu-drive-'));
    writeFileSync(
      join(host, 'code.py'),
      'import board, neopixel\npixels = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=1.0)\n' +
        'pixels.fill((0, 32, 0))\npixels[3] = (200, 100, 50)\nprint("answer", 6 * 7)\n' +
        'while True:\n    pass\n',
    );
    const rig = new Rig(CIRCUITPYTHON!, (board) => copyToDrive(board, host));
    // The host connects while the loop runs (its first output was printed before USB was up):
    // interrupt it and reload, as a user at a terminal would.
    rig.connected();
    rig.send('\x03', 'Press any key');
    rig.send('\x04', 'answer 42\r\n');
    const pixels = rig.board.parts.pixels.rgb();
    expect(pixels[3]).toBe(0xc86432);
    expect(pixels.filter((c, i) => i !== 3)).toEqual(Array(9).fill(0x002000));
    expect(rig.send('\x03', 'Code done running.')).toMatch(/KeyboardInterrupt: \r\n/);
  });

  it('serves CIRCUITPY over USB mass storage; a file written by the host auto-reloads', { timeout: 180_000 }, async () => {
    const rig = new Rig(CIRCUITPYTHON!);
    rig.until('Press any key');
    const msc = rig.usbHost.msc!;
    expect(msc).not.toBeNull();
    const { blocks, blockSize } = await rig.settle(msc.ready());
    expect(blockSize).toBe(512);
    expect(blocks).toBeGreaterThan(4000); // 2 MiB flash less CircuitPython's scratch sector
    // Read the start of the drive (boot sector, FAT, root directory and the first clusters, where
    // a freshly formatted CIRCUITPY keeps its files) through the firmware, and mount it here.
    const span = 128;
    const disk = memoryBlockDevice(blocks);
    disk.write(0, await rig.settle(msc.readBlocks(0, span)));
    const volume = mount(disk);
    expect(volume.readdir('/').map((e) => e.name)).toContain('code.py');
    // Write a new code.py through the firmware's MSC and wait for auto-reload to run it.
    volume.writeFile('/code.py', encode('print("reloaded", 2 + 3)\n'));
    const changed = disk.read(0, span);
    const from = rig.out.length;
    await rig.settle(msc.writeBlocks(0, changed));
    expect(rig.until('reloaded 5', from, 10)).toMatch(/soft reboot|code\.py output:/);
  });
});

describe.skipIf(!CIRCUITPYTHON)('CircuitPython drives the CPX parts (adafruit_circuitplayground)', () => {
  it('reads the sensors, buttons and switch the test sets, lights the LED, and plays a tone', { timeout: 180_000 }, () => {
    const rig = new Rig(CIRCUITPYTHON!);
    const parts = rig.board.parts;
    parts.thermistor.setTemperature(31.5);
    parts.accelerometer.setAccelerationG(0.1, -0.2, 0.98);
    parts.buttonA.press();
    rig.until('Press any key');
    rig.send('\r', '>>> ');
    rig.send('from adafruit_circuitplayground import cp\r', '>>> ');
    const [t, x, y, z] = rig
      .send('print(cp.temperature, *cp.acceleration)\r', '>>> ')
      .split('\r\n')[1]
      .split(' ')
      .map(Number);
    expect(t).toBeCloseTo(31.5, 0);
    expect([x, y, z].map((v) => Math.round(v * 10) / 10)).toEqual([1, -2, 9.6]);
    expect(rig.send('print(cp.button_a, cp.button_b)\r', '>>> ')).toContain('True False');
    rig.send('cp.red_led = True\r', '>>> ');
    expect(parts.redLed.lit).toBe(true);
    // touchio takes its baseline when created; a touch raises the PTC count above the threshold.
    expect(rig.send('import touchio, board; t = touchio.TouchIn(board.A1); print(t.value)\r', '>>> ')).toContain('\r\nFalse\r\n');
    parts.touch.touch('A1', true);
    expect(rig.send('print(t.value)\r', '>>> ')).toContain('\r\nTrue\r\n');
    // More light, a higher ADC reading (the ALS-PT19's photocurrent into its load resistor).
    parts.light.setLux(20);
    const dim = Number(rig.send('print(cp.light)\r', '>>> ').split('\r\n')[1]);
    parts.light.setLux(800);
    const bright = Number(rig.send('print(cp.light)\r', '>>> ').split('\r\n')[1]);
    expect(bright).toBeGreaterThan(dim * 10);
    parts.speaker.clear();
    rig.send('cp.play_tone(440, 0.3)\r', '>>> ');
    // TC5 overflow -> EVSYS -> DAC START, DMA refills DATABUF: the speaker hears the tone.
    expect(parts.speaker.estimateFrequency()).toBeGreaterThan(430);
    expect(parts.speaker.estimateFrequency()).toBeLessThan(450);
  });
});

describe.skipIf(!CIRCUITPYTHON)('CPX thermistor divider (A9) on the real firmware', () => {
  it('adafruit_thermistor follows the set temperature; a pull-up on the pad raises the divider', { timeout: 180_000 }, () => {
    const rig = new Rig(CIRCUITPYTHON!);
    const th = rig.board.parts.thermistor;
    rig.until('Press any key');
    rig.send('\r', '>>> ');
    rig.send('import adafruit_thermistor, analogio, board, digitalio\r', '>>> ');
    rig.send('t = adafruit_thermistor.Thermistor(board.TEMPERATURE, 10000, 10000, 25, 3950)\r', '>>> ');
    for (const celsius of [-10, 0, 25, 37.5, 60]) {
      th.setTemperature(celsius);
      const line = rig.send('print(t.temperature)\r', '>>> ').split('\r\n')[1];
      // The library's formula on a 16-bit reading of a 10 kΩ/10 kΩ divider: within ADC resolution.
      expect(Math.abs(Number(line) - celsius), `${celsius} °C read as ${line}`).toBeLessThan(0.3);
    }
    rig.send('t.pin.deinit()\r', '>>> ');
    // 25 °C: the divider sits at VDD/2 (reads low); the chip's pull-up (~40 kΩ) in parallel with
    // the NTC lifts it to 1.83 V (high); the pull-down lowers it to 1.47 V (low).
    th.setTemperature(25);
    rig.send('d = digitalio.DigitalInOut(board.TEMPERATURE)\r', '>>> ');
    expect(rig.send('print(d.value)\r', '>>> ')).toContain('\r\nFalse\r\n');
    rig.send('d.switch_to_input(pull=digitalio.Pull.UP)\r', '>>> ');
    expect(rig.send('print(d.value)\r', '>>> ')).toContain('\r\nTrue\r\n');
    expect(rig.board.mcu.pin('PA09').voltage).toBeCloseTo((3.3 * 10_000) / (10_000 + (10_000 * 40_000) / 50_000), 6);
    rig.send('d.switch_to_input(pull=digitalio.Pull.DOWN)\r', '>>> ');
    expect(rig.send('print(d.value)\r', '>>> ')).toContain('\r\nFalse\r\n');
    expect(rig.board.mcu.pin('PA09').voltage).toBeCloseTo((3.3 * 8_000) / (8_000 + 10_000), 6);
  });
});

describe.skipIf(!MICROPYTHON)('MicroPython (samd port) on a SAMD21', () => {
  it('boots to its REPL over USB CDC and evaluates an expression', { timeout: 180_000 }, () => {
    const rig = new Rig(MICROPYTHON!);
    rig.until('>>> ', 0, 20);
    expect(rig.out).toMatch(/MicroPython v\d+\.\d+\.\d+\S* on \d{4}-\d\d-\d\d; .* with SAMD21G18A/);
    expect(rig.send('6*7\r', '>>> ')).toContain('42');
  });
});
