/**
 * The Node API's BoardSession (startBoard) on both engines, with no third-party firmware: the hosted engine runs
 * code.py; the firmware engine runs our own test firmware (button_led: the LED follows button A; usb_echo: the
 * USB console echoes). Checked: the board stands still between calls (reads at one simulated instant), runUntil
 * stops at the exact instant its condition became true, the same calls give the same console and times twice,
 * failures name what was seen, and wrong arguments are ArgumentErrors before anything runs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError, BoardSessionError, startBoard, type BoardSession } from '../../emulator/index.js';

const root = new URL('../../', import.meta.url).pathname;
const buttonLed = readFileSync(join(root, 'tests/firmware/samd21/button_led.elf'));
const usbEcho = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_echo.elf'));

const BLINK = 'import time, board, digitalio\nled = digitalio.DigitalInOut(board.LED)\nled.switch_to_output(False)\nprint("ready")\nwhile True:\n    led.value = not led.value\n    time.sleep(0.25)\n';

async function using<T>(board: BoardSession, body: (b: BoardSession) => Promise<T>): Promise<T> {
  try {
    return await body(board);
  } finally {
    await board.close();
  }
}

describe('startBoard on the hosted engine (the default without firmware)', () => {
  it('stops at the instant a condition holds and stands still between calls', async () => {
    const board = await startBoard({ board: 'cpx', files: { '/code.py': BLINK } });
    expect(board.engine).toBe('hosted');
    await using(board, async (b) => {
      await b.runUntil({ serial: 'ready' });
      const at = b.seconds;
      await b.runUntil({ pin: 'LED', value: 1 });
      expect(b.seconds).toBeGreaterThan(at);
      expect((await b.pin('LED')).level).toBe(1); // read where it stopped: the edge's instant
      await b.runUntil({ pin: 'LED', value: 0 });
      const rise = b.seconds;
      expect((await b.pin('LED')).level).toBe(0);
      await b.runUntil({ pin: 'LED', value: 1 });
      expect(b.seconds - rise).toBeGreaterThanOrEqual(0.25);
      expect(b.seconds - rise).toBeLessThan(0.2501);
      // Nothing runs between calls: reading twice gives the same instant.
      const still = b.seconds;
      await b.pixels();
      expect(b.seconds).toBe(still);
      await b.runFor(1);
      expect(b.seconds).toBeCloseTo(still + 1, 9);
    });
  }, 60_000);

  it('gives the same console and the same instants twice', async () => {
    const run = async () =>
      using(await startBoard({ board: 'cpx', files: { '/code.py': BLINK.replace('print("ready")', 'print("ready", time.monotonic())') } }), async (b) => {
        const times: number[] = [];
        await b.runUntil({ serial: 'ready' });
        for (let i = 0; i < 4; i++) {
          await b.runUntil({ pin: 'LED', value: (i + 1) % 2 as 0 | 1 });
          times.push(b.seconds);
        }
        await b.runFor(0.1);
        return { console: b.console, times };
      });
    expect(await run()).toEqual(await run());
  }, 60_000);

  it('sets inputs, reads lights, runs steps written as in a scenario, and names what it saw when a step fails', async () => {
    const code = 'import time, board, analogio, neopixel\nlight = analogio.AnalogIn(board.A1)\npx = neopixel.NeoPixel(board.NEOPIXEL, 10, auto_write=True)\nprint("ready")\nwhile True:\n    if input() == "v":\n        print("v", light.value > 30000)\n        px[0] = (0, 255, 0)\n';
    await using(await startBoard({ board: 'cpx', files: { '/code.py': code } }), async (b) => {
      await b.runUntil({ serial: 'ready' });
      await b.setVoltage('A1', 3.0);
      await b.writeSerial('v\r');
      await b.runUntil({ serial: 'v True' });
      await b.runFor(0.01);
      expect((await b.lights()).chains.pixels![0]).toBe(0x00ff00);
      const results = await b.runSteps('- expect-neopixel: { index: 0, color: "#00ff00" }\n- write-serial: "v\\r"\n- wait-serial: "v True"');
      expect(results.map((r) => r.status)).toEqual(['passed', 'passed', 'passed']);
      const wrong = b.runSteps('- expect-neopixel: { index: 0, color: "#ff0000" }');
      await expect(wrong).rejects.toThrow(BoardSessionError);
      await expect(wrong).rejects.toThrow('step 1 (expect-neopixel), line 1: pixel 0 is #00ff00, expected #ff0000');
      await expect(b.pin('NOPE')).rejects.toMatchObject({ kind: 'input', message: expect.stringContaining("board cpx has no pin 'NOPE'") });
      await expect(b.setControl('buttonA', 'lux', 3)).rejects.toMatchObject({ kind: 'input' });
      await expect(b.runSteps('- wait-serail: x')).rejects.toThrow("runSteps:1: step 1: unknown step 'wait-serail'");
      const image = await b.screenshot();
      expect(image.width * image.height * 4).toBe(image.data.length);
    });
  }, 60_000);

  it('writes and reads CIRCUITPY as a computer does (auto-reload follows)', async () => {
    await using(await startBoard({ board: 'cpx', files: { '/code.py': 'print("one")\n' } }), async (b) => {
      await b.runUntil({ serial: 'one' });
      await b.writeFile('/code.py', 'print("two")\n');
      await b.runUntil({ serial: 'two' });
      expect(b.console).toContain('soft reboot');
      expect(new TextDecoder().decode((await b.readFile('/code.py'))!)).toBe('print("two")\n');
      expect(await b.readFile('/nothing.txt')).toBeNull();
    });
  }, 60_000);
});

describe('startBoard on the hosted engine: programs that cannot go on', () => {
  it('a code.py looping in pure Python stops simulated time: the call fails (ended) after the stall time, and so do later ones', async () => {
    process.env.CIRCUITEMU_HOSTED_STALL_SECONDS = '2';
    let board: BoardSession;
    try {
      board = await startBoard({ board: 'cpx', files: { '/code.py': 'print("go")\nwhile True:\n    pass\n' } });
    } finally {
      delete process.env.CIRCUITEMU_HOSTED_STALL_SECONDS;
    }
    await using(board, async (b) => {
      await b.runUntil({ serial: 'go' });
      const stalled = b.runFor(1);
      await expect(stalled).rejects.toMatchObject({ name: 'BoardSessionError', kind: 'ended' });
      await expect(stalled).rejects.toThrow(/simulated time stayed at 0\.\d+ s for 2 s of wall time: code\.py loops without sleeping/);
      await expect(b.pixels()).rejects.toThrow(/simulated time stayed at/);
    });
  }, 60_000);

  it('a session that is never closed does not keep the process alive', () => {
    const script = `import { startBoard } from ${JSON.stringify(join(root, 'dist/emulator/index.js'))};\nconst b = await startBoard({ board: 'cpx', files: { '/code.py': 'print("hi")\\n' } });\nawait b.runUntil({ serial: 'hi' });\nconsole.log('done');\n`;
    const file = join(mkdtempSync(join(tmpdir(), 'circuitemu-session-')), 'forgot-close.mjs');
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, [file], { timeout: 60_000 });
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe('done\n');
    expect(r.status).toBe(0);
  }, 60_000);
});

describe('startBoard on the firmware engine (our own test firmware)', () => {
  it('button_led: the LED follows button A, at the instant the firmware sees it', async () => {
    await using(await startBoard({ board: 'cpx', firmware: buttonLed, firmwareName: 'button_led.elf' }), async (b) => {
      expect(b.engine).toBe('firmware');
      await b.runFor(0.01);
      expect((await b.pin('LED')).level).toBe(0);
      const pressed = b.seconds;
      await b.setControl('buttonA', 'pressed', 1);
      await b.runUntil({ pin: 'LED', value: 1 }, { timeout: 0.01 });
      expect(b.seconds - pressed).toBeLessThan(1e-4); // a few loop turns at 1 MHz
      expect((await b.lights()).leds.redLed!.lit).toBe(true);
      await b.setControl('buttonA', 'pressed', 0);
      await b.runUntil({ pin: 'LED', value: 0 }, { timeout: 0.01 });
      const late = b.runUntil({ pin: 'LED', value: 1 }, { timeout: 0.05 });
      await expect(late).rejects.toThrow('runUntil({ pin: "LED", value: 1 }): pin LED (PA17) stayed 0 for 0.05 s, expected 1');
      await b.runUntil(async (x) => (await x.pin('A1')).level === 1, { timeout: 1, every: 0.001 });
    });
    // The same firmware's pins as a VCD from power-on: A1's square wave.
    await using(await startBoard({ board: 'cpx', firmware: buttonLed, vcd: { pins: ['A1'] } }), async (b) => {
      await b.runFor(0.2);
      expect((await b.vcd()).match(/^[01]!$/gm)!.length).toBeGreaterThan(4);
    });
  }, 60_000);

  it('usb_echo: the console over USB, the same console twice', async () => {
    const run = async () =>
      using(await startBoard({ board: 'cpx', firmware: usbEcho, firmwareName: 'usb_echo.elf', reload: false }), async (b) => {
        await b.runFor(0.2);
        await b.writeSerial('hello');
        await b.runUntil({ serial: 'hello' });
        return { console: b.console, seconds: b.seconds };
      });
    const first = await run();
    expect(first.console).toBe('hello');
    expect(await run()).toEqual(first);
  }, 60_000);
});

describe('startBoard arguments', () => {
  it('refuses wrong ones before anything runs', async () => {
    await expect(startBoard({ board: 'cpx', engine: 'qemu' as 'hosted' })).rejects.toThrow(ArgumentError);
    await expect(startBoard({ board: 'cpx', engine: 'hosted', firmware: buttonLed })).rejects.toThrow('the hosted engine runs no firmware');
    await expect(startBoard({ board: 'cpx', engine: 'firmware' })).rejects.toThrow("engine: 'firmware' needs firmware");
    await expect(startBoard({ board: 'test-m0' })).rejects.toThrow('has no hosted CircuitPython engine');
    await expect(startBoard({ board: 'nope', firmware: buttonLed })).rejects.toThrow("unknown board 'nope'");
    await expect(startBoard({ board: 'cpx', epoch: -1 })).rejects.toThrow('epoch must be whole seconds');
    const board = await startBoard({ board: 'cpx', files: { '/code.py': 'print(1)\n' } });
    await using(board, async (b) => {
      expect(() => b.runFor(-1)).toThrow(ArgumentError);
      await expect(b.runUntil({ serial: '' })).rejects.toThrow(ArgumentError);
    });
  }, 60_000);
});
