/**
 * The web app's default engine in a real browser (Debian's Chromium, the built site on Vite's preview
 * server, as tests/ui/webapp.test.ts): with no firmware, code.py runs on CircuitPython hosted in the
 * page. The oracles are what the page shows (the terminal's text, the store's pixel colours, the
 * canvas) against what the Python program does and what CircuitPython's console prints
 * (circuitpython-console.md; the hosted engine's transcript is checked byte for byte against the
 * firmware by tests/hosted/firmware-equivalence.test.ts).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, dropFile, haveChromium, openSite, saveCode, root, shot, terminalText, waitForTerminal, type Site } from './site.js';
import { CPX_DRAWING } from '../../boards/drawings/cpx.js';
import { FEATHER_M0_ADALOGGER_DRAWING } from '../../boards/drawings/feather-m0.js';
import { TRINKET_M0_DRAWING } from '../../boards/drawings/trinket-m0.js';
import { loadImage, buildUf2, SAMD21_FAMILY_ID } from '../../firmware-runtime/images/index.js';

if (!haveChromium) console.warn(`[tests/ui] SKIPPED hosted-engine browser tests: ${CHROMIUM} is absent`);
const firmwareDir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const trinketFirmware = firmwareDir ? join(firmwareDir, 'circuitpython-trinket_m0.uf2') : null;
const haveTrinketFirmware = !!trinketFirmware && existsSync(trinketFirmware);
if (haveChromium && !haveTrinketFirmware) console.warn('[tests/ui] SKIPPED the DotStar test: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-trinket_m0.uf2');
/** SCREENSHOTS=<dir> saves what the page looks like at each step (to look at). */

interface Hook {
  circuitemu: {
    store: { getState(): { frame: { pixels: number[]; pins: number[]; simSeconds: number; dotstars: Record<string, number[]> } | null; board: { pads: string[] } | null; engine: string; notice: { kind: string; text: string } | null } };
    term: { buffer: { active: { length: number; getLine(i: number): { isWrapped: boolean; translateToString(trim: boolean): string } | undefined } } };
    view: { colorAt(x: number, y: number): [number, number, number, number] };
    machine: { drive(r: { op: 'write'; path: string; data: Uint8Array }): Promise<unknown> };
  };
}


const simSeconds = (page: Page) => page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().frame?.simSeconds ?? 0);

describe.skipIf(!haveChromium)('web app: CircuitPython hosted (the default engine)', () => {
  let site: Site;
  let page: Page;
  let url: string;
  let errors: string[];

  beforeAll(async () => {
    site = await openSite();
    ({ page, url, errors } = site);
  }, 120_000);

  afterAll(async () => {
    await site?.close();
  });

  it('loads with no errors and runs the default code.py (Hello World!) on the hosted engine at once', async () => {
    const t0 = Date.now();
    await page.goto(url);
    // The speed readout from the first frames on: "measuring speed…" until it has a quarter second of
    // figures, never a 0% the machine is not running at. Sampled until it shows a figure (at most 15 s:
    // a loaded machine loads the page slowly), and for at least 1.5 s.
    const sampled = page.evaluate(() => new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      const t = performance.now();
      const look = () => {
        const text = document.getElementById('speed')?.textContent ?? '';
        seen.push(text);
        const elapsed = performance.now() - t;
        if (elapsed < 1500 || (elapsed < 15_000 && !/[1-9]\d*% real time/.test(text))) requestAnimationFrame(look);
        else resolve(seen);
      };
      look();
    }));
    await waitForTerminal(page, 'code.py output:');
    const firstLineMs = Date.now() - t0;
    const readouts = await sampled;
    expect(readouts.filter((r) => / 0% real time/.test(r))).toEqual([]);
    expect(readouts.some((r) => /[1-9]\d*% real time/.test(r))).toBe(true);
    console.log(`[tests/ui] page load to the first "code.py output:" line: ${firstLineMs} ms`);
    await waitForTerminal(page, /code\.py output:\nHello World!\n\nCode done running\.\n\nPress any key to enter the REPL\. Use CTRL-D to reload\./);
    expect(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().engine)).toBe('hosted');
    expect(await page.locator('#engine').textContent()).toBe('CircuitPython (hosted)');
    expect(await page.locator('#use-hosted').isHidden()).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // CircuitPython's status line ("🐍Done | 9.2.9", an OSC 0 title) with the snake drawn, not as an emoji
    // (a box without an emoji font).
    await page.waitForFunction(() => /^Done \| \d+\.\d+\.\d+/.test(document.getElementById('status-line')?.textContent ?? ''));
    expect(await page.locator('#status-line svg.status-icon').count()).toBe(1);
    expect(await page.locator('#status-line').textContent()).not.toContain('\u{1F40D}');
    // The hosted engine has no emulated CPU: the speed readout gives the real-time ratio only.
    await page.waitForFunction(() => /^\d+\.\d s · \d+% real time$/.test(document.getElementById('speed')?.textContent ?? ''));
    expect(await page.locator('#speed').getAttribute('title')).not.toContain('MHz');
    await shot(page, 'hosted-hello');
    expect(errors).toEqual([]);
  });

  it('shows a sensor control only once code.py uses the sensor (seen on the chip: ADC input, PTC line, I2C address, pad input)', async () => {
    const hidden = (control: string) => page.locator(`[data-control="${control}"]`).isHidden();
    // Hello World uses nothing: no sensor control, a hint instead, no board control outlined.
    for (const c of ['lux', 'celsius', 'dbSpl', 'roll', 'pitch', 'shake']) expect(await hidden(c), c).toBe(true);
    expect(await page.locator('.sensors-hint').isVisible()).toBe(true);
    expect(await page.locator('[data-in-use]').count()).toBe(0);
    await saveCode(page, [
      'import board, analogio, time',
      'light = analogio.AnalogIn(board.LIGHT)',
      'print("light", light.value > 0)',
      'while True:',
      '    time.sleep(0.1)',
      '',
    ].join('\n'));
    await waitForTerminal(page, /code\.py output:\nlight True\n/);
    await page.locator('[data-control="lux"]').waitFor({ state: 'visible' });
    for (const c of ['celsius', 'dbSpl', 'roll', 'shake']) expect(await hidden(c), c).toBe(true);
    expect(await page.locator('.sensors-hint').isHidden()).toBe(true);
    // The control that appeared works by keyboard and says its value.
    await page.focus('[data-control="lux"]');
    await page.keyboard.press('End');
    expect(await page.getAttribute('[data-control="lux"]', 'aria-valuetext')).toBe('9999 lux');
    await page.locator('[data-control="lux"]').fill(String(Math.log10(101))); // back to the default 100 lux
    // The accelerometer addressed on I2C, touch pad A3 measured by the PTC, button B made an input.
    await saveCode(page, [
      'import board, busio, touchio, digitalio, time',
      'i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)',
      'while not i2c.try_lock():',
      '    pass',
      'who = bytearray(1)',
      'i2c.writeto_then_readfrom(0x19, bytes([0x0f]), who)',
      'i2c.unlock()',
      'pad = touchio.TouchIn(board.A3)',
      'b = digitalio.DigitalInOut(board.BUTTON_B)',
      'print("WHO_AM_I", hex(who[0]), pad.value, b.value)',
      'while True:',
      '    time.sleep(0.1)',
      '',
    ].join('\n'));
    await waitForTerminal(page, /code\.py output:\nWHO_AM_I 0x33 False False\n/);
    for (const c of ['roll', 'pitch', 'shake']) await page.locator(`[data-control="${c}"]`).waitFor({ state: 'visible' });
    await page.locator('[data-pad="A3"][data-in-use]').waitFor();
    await page.locator('[data-control="buttonB"][data-in-use]').waitFor();
    expect(await page.getAttribute('[data-pad="A3"]', 'aria-description')).toBe('the running code reads this');
    // Uses are sticky for the engine's life; what was never used stays hidden.
    expect(await hidden('lux')).toBe(false);
    for (const c of ['celsius', 'dbSpl']) expect(await hidden(c), c).toBe(true);
    expect(await page.locator('[data-control="buttonA"][data-in-use]').count()).toBe(0);
    expect(await page.locator('[data-pad="A1"][data-in-use]').count()).toBe(0);
    await shot(page, 'hosted-sensors-used');
    // Leave a code.py that has finished, as the next test expects.
    await saveCode(page, 'print("Hello World!")\n');
    await waitForTerminal(page, /WHO_AM_I[^]*code\.py output:\nHello World!\n\nCode done running\.\n\nPress any key to enter the REPL\. Use CTRL-D to reload\./);
    expect(errors).toEqual([]);
  });

  it('runs a saved code.py that prints and lights the NeoPixels (auto-reload); the canvas shows the colours', async () => {
    // GRB bytes, as neopixel_write sends them: pixel 0 red, pixel 1 green, pixel 9 blue, the rest off.
    await saveCode(page, [
      'import board, digitalio, neopixel_write',
      'pin = digitalio.DigitalInOut(board.NEOPIXEL)',
      'pin.direction = digitalio.Direction.OUTPUT',
      'buf = bytearray(30)',
      'buf[0:3] = bytes((0, 255, 0))',
      'buf[3:6] = bytes((255, 0, 0))',
      'buf[27:30] = bytes((0, 0, 255))',
      'neopixel_write.neopixel_write(pin, buf)',
      'print("lit", sum(buf))',
      '',
    ].join('\n'));
    // code.py had finished: the save reloads it at once (a soft reboot, no "Code stopped" line).
    await waitForTerminal(page, /Press any key to enter the REPL\. Use CTRL-D to reload\.\nsoft reboot\n\nAuto-reload is on\.[^\n]*\ncode\.py output:\nlit 765\n/);
    const expected = [0xff0000, 0x00ff00, 0, 0, 0, 0, 0, 0, 0, 0x0000ff];
    await page.waitForFunction((e) => JSON.stringify((window as unknown as Hook).circuitemu.store.getState().frame?.pixels) === JSON.stringify(e), expected);
    await page.waitForTimeout(200);
    const colour = (i: number) => {
      const p = CPX_DRAWING.components.find((c) => c.kind === 'neopixel' && c.index === i)!;
      return page.evaluate(([x, y]) => (window as unknown as Hook).circuitemu.view.colorAt(x, y), [p.x, p.y]);
    };
    const [r0, g0, b0] = await colour(0);
    expect(r0).toBeGreaterThan(200);
    expect(r0 - Math.max(g0, b0)).toBeGreaterThan(60);
    const [r1, g1, b1] = await colour(1);
    expect(g1 - Math.max(r1, b1)).toBeGreaterThan(60);
    const [r9, g9, b9] = await colour(9);
    expect(b9 - Math.max(r9, g9)).toBeGreaterThan(60);
    await shot(page, 'hosted-pixels');
    expect(errors).toEqual([]);
  });

  it('Ctrl-C stops a running loop and a key enters the REPL, where 1+1 gives 2; Ctrl-D reloads', async () => {
    await saveCode(page, 'import time\nn = 0\nwhile True:\n    n += 1\n    time.sleep(0.1)\n');
    await page.waitForTimeout(1500);
    await page.locator('#ctrl-c').click();
    await waitForTerminal(page, /KeyboardInterrupt: ?\n\nCode done running\.\n\nPress any key to enter the REPL/);
    await page.locator('.xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /Adafruit CircuitPython 9\.2\.9 on [^\n]*; Adafruit CircuitPlayground Express with samd21g18\n>>> ?\n/);
    await page.keyboard.type('1+1\r');
    await waitForTerminal(page, />>> 1\+1\n2\n>>> ?\n/);
    // As on the board, the REPL starts clean: code.py's variables are gone.
    await page.keyboard.type('n\r');
    await waitForTerminal(page, />>> n\nTraceback \(most recent call last\):\n  File "<stdin>", line 1, in <module>\nNameError: name 'n' is not defined\n>>> ?\n/);
    await shot(page, 'hosted-repl');
    await page.keyboard.press('Control+D');
    await waitForTerminal(page, />>> ?\nsoft reboot\n[^]*code\.py output:\n(?![^]*\S)/);
    expect(errors).toEqual([]);
  });

  it('a button pressed on the page is read by code.py', async () => {
    await saveCode(page, [
      'import board, digitalio, time',
      'a = digitalio.DigitalInOut(board.BUTTON_A)',
      'a.switch_to_input(pull=digitalio.Pull.DOWN)',
      'while not a.value:',
      '    time.sleep(0.01)',
      'print("button A pressed")',
      '',
    ].join('\n'));
    // The previous code.py still runs (after Ctrl-D): the save stops it, as CircuitPython's auto-reload does.
    await waitForTerminal(page, /Code stopped by auto-reload\. Reloading soon\.\n[^]*code\.py output:\n(?![^]*\S)/);
    await page.waitForTimeout(500);
    expect(await terminalText(page)).not.toMatch(/button A pressed/);
    await page.locator('[data-control="buttonA"]').dispatchEvent('pointerdown', { pointerId: 1 });
    await waitForTerminal(page, /code\.py output:\nbutton A pressed\n/);
    await page.locator('[data-control="buttonA"]').dispatchEvent('pointerup', { pointerId: 1 });
    expect(errors).toEqual([]);
  });

  it('the slide switch, touch pad A1, light and temperature sliders reach the parts code.py reads', async () => {
    // Each wait ends when the part's reading moves away from the value read at the start.
    await saveCode(page, [
      'import board, digitalio, touchio, analogio, time',
      'sw = digitalio.DigitalInOut(board.SLIDE_SWITCH)',
      'sw.switch_to_input(pull=digitalio.Pull.UP)',
      'touch = touchio.TouchIn(board.A1)',
      'light = analogio.AnalogIn(board.LIGHT)',
      'temp = analogio.AnalogIn(board.TEMPERATURE)',
      's0, l0, t0 = sw.value, light.value, temp.value',
      'print("ready")',
      'while sw.value == s0:',
      '    time.sleep(0.01)',
      'print("switch", s0, "->", sw.value)',
      'while not touch.value:',
      '    time.sleep(0.01)',
      'print("touched A1")',
      'while light.value < l0 + 5000:',
      '    time.sleep(0.01)',
      'print("brighter")',
      'while abs(temp.value - t0) < 2000:',
      '    time.sleep(0.01)',
      'print("warmer or colder")',
      '',
    ].join('\n'));
    await waitForTerminal(page, /code\.py output:\nready\n(?![^]*\S)/);
    await page.locator('[data-control="slideSwitch"]').click();
    await waitForTerminal(page, /\nswitch (True -> False|False -> True)\n/);
    await page.locator('[data-pad="A1"]').click();
    await waitForTerminal(page, /\ntouched A1\n/);
    await page.locator('[data-control="lux"]').fill('3.5');
    await waitForTerminal(page, /\nbrighter\n/);
    await page.locator('[data-control="celsius"]').fill('60');
    await waitForTerminal(page, /\nwarmer or colder\n/);
    await page.locator('[data-pad="A1"]').click();
    await shot(page, 'hosted-controls');
    expect(errors).toEqual([]);
  });

  it('Pause stops the hosted engine\'s time, Step runs 10 ms of it, Run resumes', async () => {
    await saveCode(page, 'import time\nwhile True:\n    print("tick", round(time.monotonic(), 2))\n    time.sleep(0.05)\n');
    await waitForTerminal(page, /code\.py output:\ntick [\d.]+\ntick [\d.]+\n/);
    await page.locator('#pause').click();
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    await page.waitForTimeout(300);
    const t0 = await simSeconds(page);
    const ticks0 = ((await terminalText(page)).match(/\ntick /g) ?? []).length;
    await page.waitForTimeout(600);
    expect(await simSeconds(page)).toBe(t0);
    expect(((await terminalText(page)).match(/\ntick /g) ?? []).length).toBe(ticks0);
    // Step (by keyboard): 10 ms more simulated time, then still paused.
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => ((window as unknown as Hook).circuitemu.store.getState().frame?.simSeconds ?? 0) > t, t0);
    await page.waitForTimeout(300);
    const t1 = await simSeconds(page);
    expect(t1 - t0).toBeGreaterThan(0.009);
    expect(t1 - t0).toBeLessThan(0.0111);
    await page.waitForTimeout(300);
    expect(await simSeconds(page)).toBe(t1);
    await page.locator('#pause').click();
    expect(await page.locator('#step').isDisabled()).toBe(true);
    await page.waitForTimeout(500);
    expect(await simSeconds(page)).toBeGreaterThan(t1 + 0.3);
    await waitForTerminal(page, new RegExp(`(\\ntick [\\d.]+){${ticks0 + 3}}`));
    expect(errors).toEqual([]);
  });

  it('pads and external parts on the hosted engine: an LED on A1 follows the pin, a button on A2 is read, the pad levels show', async () => {
    await saveCode(page, [
      'import board, digitalio, time',
      'led = digitalio.DigitalInOut(board.A1)',
      'led.switch_to_output(True)',
      'btn = digitalio.DigitalInOut(board.A2)',
      'btn.switch_to_input(pull=digitalio.Pull.UP)',
      'last = None',
      'while True:',
      '    if btn.value != last:',
      '        last = btn.value',
      '        print("A2 is", last)',
      '    time.sleep(0.01)',
      '',
    ].join('\n'));
    await waitForTerminal(page, /code\.py output:\nA2 is True\n/);
    const level = (pad: string) => page.evaluate((p) => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf(p)];
    }, pad);
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA05')] === 1 && s.frame!.pins[s.board!.pads.indexOf('PA06')] === 1;
    });
    expect(await level('PB03')).toBe(2); // A4: nothing drives it
    await page.selectOption('[data-control="part-pad"]', 'A1');
    await page.getByRole('button', { name: 'Add LED' }).click();
    await page.waitForFunction(() => (document.querySelector('wokwi-led') as unknown as { value: boolean } | null)?.value === true);
    await page.selectOption('[data-control="part-pad"]', 'A2');
    await page.getByRole('button', { name: 'Add button' }).click();
    await page.locator('wokwi-pushbutton[data-control="external-button-A2"]').hover();
    await page.mouse.down();
    await waitForTerminal(page, /A2 is True\nA2 is False\n/);
    // The frame with the pad's new level may reach the page an animation frame after the console line.
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA06')] === 0;
    }, null, { timeout: 2000 });
    expect(await level('PA06')).toBe(0);
    await page.mouse.up();
    await waitForTerminal(page, /A2 is True\nA2 is False\nA2 is True\n/);
    await shot(page, 'hosted-external-parts');
    for (const name of ['Remove LED on A1', 'Remove Button on A2']) await page.getByRole('button', { name }).click();
    expect(errors).toEqual([]);
  });

  it('plays the speaker on the hosted engine: a square wave toggled every simulated millisecond is heard at 500 Hz', async () => {
    await page.evaluate(() => {
      // Rising zero crossings and seconds of sound, counted only over chunks that follow on from the one
      // before (a machine that fell behind skips ahead: edges in the gap are not heard).
      const w = window as unknown as { heard: { rising: number; seconds: number }; circuitemu: { machine: { onSound(l: (start: number, rate: number, s: Float32Array) => void): void } } };
      w.heard = { rising: 0, seconds: 0 };
      let end = -1;
      let last = 0;
      w.circuitemu.machine.onSound((start, rate, samples) => {
        const contiguous = Math.abs(start - end) < 1e-6;
        end = start + samples.length / rate;
        if (!contiguous) {
          last = samples[samples.length - 1] ?? 0;
          return;
        }
        for (const v of samples) {
          if (last < 0 && v >= 0) w.heard.rising++;
          last = v;
        }
        w.heard.seconds += samples.length / rate;
      });
    });
    if ((await page.locator('#sound').getAttribute('aria-pressed')) !== 'true') await page.locator('#sound').click();
    await saveCode(page, [
      'import board, digitalio, time',
      'enable = digitalio.DigitalInOut(board.SPEAKER_ENABLE)',
      'enable.switch_to_output(True)',
      'spk = digitalio.DigitalInOut(board.SPEAKER)',
      'spk.switch_to_output(False)',
      'print("playing")',
      // Edges on a 1 ms grid of simulated time, whatever a module call costs: a 500 Hz square wave.
      't = time.monotonic_ns()',
      'level = False',
      'while True:',
      '    t += 1_000_000',
      '    while time.monotonic_ns() < t:',
      '        pass',
      '    level = not level',
      '    spk.value = level',
      '',
    ].join('\n'));
    await waitForTerminal(page, /code\.py output:\nplaying\n/);
    await page.evaluate(() => ((window as unknown as { heard: { rising: number; seconds: number } }).heard = { rising: 0, seconds: 0 }));
    await page.waitForFunction(() => (window as unknown as { heard: { seconds: number } }).heard.seconds >= 2, null, { timeout: 30_000 });
    const hz = await page.evaluate(() => {
      const h = (window as unknown as { heard: { rising: number; seconds: number } }).heard;
      return Math.round(h.rising / h.seconds);
    });
    console.log(`[tests/ui] hosted speaker: ${hz} Hz`);
    expect(hz).toBeGreaterThan(495);
    expect(hz).toBeLessThan(505);
    await page.locator('#sound').click();
    expect(errors).toEqual([]);
  });

  it('Ctrl-C on a loop that never calls a module: its worker is replaced (the hard stop) and the board carries on', async () => {
    await saveCode(page, 'print("spinning")\nwhile True:\n    pass\n');
    await waitForTerminal(page, /code\.py output:\nspinning\n(?![^]*\S)/);
    await page.waitForTimeout(300);
    await page.locator('#ctrl-c').click();
    // The lost VM's traceback cannot be printed; the run ends as a Ctrl-C's would (firmware-runtime/hosted/README.md).
    await waitForTerminal(page, /spinning\n[^]*KeyboardInterrupt: ?\n\nCode done running\.\n\nPress any key to enter the REPL/);
    await page.locator('.xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, /spinning\n[^]*>>> ?\n?$/m);
    await page.keyboard.type('2**10\r');
    await waitForTerminal(page, />>> 2\*\*10\n1024\n/);
    await page.keyboard.press('Control+D');
    expect(errors).toEqual([]);
  });

  it('a dropped .uf2 switches to the firmware engine; "Back to hosted" comes back to code.py on the same drive', async () => {
    // code.py spins again after the Ctrl-D above and cannot see the write: the board restarts on the new drive.
    await saveCode(page, 'print("back on the hosted engine")\n');
    await waitForTerminal(page, /spinning\n[^]*code\.py output:\nback on the hosted engine\n/);
    const elf = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_echo.elf'));
    const uf2 = buildUf2(loadImage(new Uint8Array(elf), { name: 'usb_echo.elf' }).segments, SAMD21_FAMILY_ID);
    await dropFile(page, 'usb_echo.uf2', uf2);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'firmware');
    expect(await page.locator('#engine').textContent()).toBe('firmware: usb_echo.uf2');
    await page.locator('.xterm').click();
    await page.keyboard.type('echoed by the firmware');
    await waitForTerminal(page, 'echoed by the firmware', 20_000);
    await shot(page, 'hosted-firmware');
    await page.locator('#use-hosted').click();
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'hosted');
    expect(await page.locator('#engine').textContent()).toBe('CircuitPython (hosted)');
    expect(await page.locator('#use-hosted').isHidden()).toBe(true);
    // The same drive: the code.py saved before the firmware ran runs again from boot.
    await waitForTerminal(page, /echoed by the firmware[^]*code\.py output:\nback on the hosted engine\n/);
    expect(errors).toEqual([]);
  });

  it('draws the Adalogger (its microSD slot; its NC pad says it is not connected) and runs its code.py on the hosted engine', async () => {
    await page.goto(`${url}?board=feather_m0_adalogger`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    // Every SAMD21 board is hostable: the page starts it on the hosted engine. Its build, like the small
    // boards', formats a blank drive with an empty code.py (firmware-runtime/hosted/drive.ts).
    expect(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().engine)).toBe('hosted');
    await waitForTerminal(page, /code\.py output:\n\nCode done running\./);
    const sd = FEATHER_M0_ADALOGGER_DRAWING.components.find((c) => c.kind === 'sd-card')!;
    // Beside the label, inside the slot: the shield's silver (#b9bcc0).
    const [r, g, b] = await page.evaluate(([x, y]) => (window as unknown as Hook).circuitemu.view.colorAt(x, y), [sd.x - sd.w * 0.4, sd.y - sd.h * 0.4]);
    expect(Math.min(r, g, b)).toBeGreaterThan(150);
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(20);
    await page.locator('[data-pad="NC"]').focus();
    expect(await page.locator('#pin-tip').textContent()).toBe('NC: not connected');
    await shot(page, 'adalogger');
    expect(errors).toEqual([]);
  });

  it('runs the Trinket M0 on the hosted engine too: CIRCUITPY in internal flash is listed, edited and run', async () => {
    await page.goto(`${url}?board=trinket_m0`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    expect(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().engine)).toBe('hosted');
    // The small builds format a blank drive with an empty code.py (firmware-runtime/hosted/drive.ts).
    await waitForTerminal(page, /code\.py output:\n\nCode done running\./);
    await page.waitForFunction(() => (window as unknown as { circuitemu: { store: { getState(): { openPath: string | null } } } }).circuitemu.store.getState().openPath === '/code.py');
    await saveCode(page, 'import board\nprint("trinket", board.board_id)\n');
    await waitForTerminal(page, /code\.py output:\ntrinket trinket_m0\n/);
    // The saved file is on the drive as the engine wrote it: reading it back gives the same bytes.
    const back = await page.evaluate(() => (window as unknown as Hook).circuitemu.machine.drive({ op: 'read', path: '/code.py' } as never).then((r) => new TextDecoder().decode((r as { data: Uint8Array }).data)));
    expect(back).toBe('import board\nprint("trinket", board.board_id)\n');
    await shot(page, 'hosted-trinket');
    expect(errors).toEqual([]);
  });

  it.skipIf(!haveTrinketFirmware)('glows the Trinket M0\'s DotStar with the colour CircuitPython\'s status LED sets', async () => {
    await page.goto(`${url}?board=trinket_m0`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    await dropFile(page, 'circuitpython-trinket_m0.uf2', new Uint8Array(readFileSync(trinketFirmware!)));
    // CircuitPython drives its status DotStar over SPI (APA102 frames) while it boots and runs code.py.
    await page.waitForFunction(() => ((window as unknown as Hook).circuitemu.store.getState().frame?.dotstars.dotstar?.[0] ?? 0) !== 0, null, { timeout: 90_000, polling: 5 });
    const rgb = await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().frame!.dotstars.dotstar[0]);
    console.log(`[tests/ui] Trinket M0 status DotStar: #${rgb.toString(16).padStart(6, '0')}`);
    const d = TRINKET_M0_DRAWING.components.find((c) => c.kind === 'dotstar')!;
    await shot(page, 'trinket-dotstar');
    expect(d.part).toBe('dotstar');
    expect(errors).toEqual([]);
  }, 120_000);
});
