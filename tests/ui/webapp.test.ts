/**
 * The web app in a real browser: Debian's Chromium driven by playwright-core against the built
 * site served by Vite's preview server (the same static files and COOP/COEP headers `npm start`
 * serves). The oracles are the emulated machine's own outputs as the page shows them: the pad
 * levels the worker reports, the colours drawn on the canvas, the bytes our USB echo firmware
 * sends back, and (with CIRCUITEMU_FIRMWARE_DIR) CircuitPython's REPL and NeoPixels.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, dropFile, haveChromium, openSite, root, terminalText, waitForTerminal, type Site } from './site.js';
import { loadImage, buildUf2, SAMD21_FAMILY_ID } from '../../firmware-runtime/images/index.js';
import { CPX_DRAWING } from '../../boards/drawings/cpx.js';

if (!haveChromium) console.warn(`[tests/ui] SKIPPED browser tests: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it)`);
const firmwareDir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const circuitpython = firmwareDir ? join(firmwareDir, 'circuitpython-cpx.uf2') : null;
const haveCircuitPython = !!circuitpython && existsSync(circuitpython);
if (haveChromium && !haveCircuitPython) console.warn('[tests/ui] SKIPPED CircuitPython in the browser: set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2');

interface Hook {
  circuitemu: {
    store: { getState(): { frame: { pixels: number[]; pins: number[]; simSeconds: number } | null; board: { pads: string[] } | null; engine: string; notice: { kind: string; text: string } | null; inputs: { buttonA: boolean } } };
    term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } };
    view: { colorAt(x: number, y: number): [number, number, number, number] };
  };
}

const REFERENCES = join(root, 'tests/ui/references');
const updateReferences = process.env.UPDATE_UI_REFERENCES === '1';

/**
 * Compares the board canvas with a reference PNG (decoded by the browser itself): the share of
 * pixels whose colour differs by more than 48 in any channel must stay under 0.25% (font
 * rasterisation and anti-aliasing differ a little between machines).
 * UPDATE_UI_REFERENCES=1 rewrites the reference instead.
 */
async function matchesReference(page: Page, name: string): Promise<void> {
  const file = join(REFERENCES, `${name}.png`);
  const actual = await page.evaluate(() => document.querySelector<HTMLCanvasElement>('.board-canvas')!.toDataURL('image/png'));
  if (updateReferences || !existsSync(file)) {
    expect(updateReferences, `${file} is missing: run with UPDATE_UI_REFERENCES=1 to create it`).toBe(true);
    mkdirSync(REFERENCES, { recursive: true });
    writeFileSync(file, Buffer.from(actual.split(',')[1], 'base64'));
    return;
  }
  const reference = `data:image/png;base64,${readFileSync(file).toString('base64')}`;
  const result = await page.evaluate(async ([a, b]) => {
    const pixels = async (src: string) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return { w: img.width, h: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
    };
    const [x, y] = [await pixels(a), await pixels(b)];
    if (x.w !== y.w || x.h !== y.h) return { size: `${x.w}x${x.h} vs ${y.w}x${y.h}`, share: 1 };
    let off = 0;
    for (let i = 0; i < x.data.length; i += 4) {
      if (Math.abs(x.data[i] - y.data[i]) > 48 || Math.abs(x.data[i + 1] - y.data[i + 1]) > 48 || Math.abs(x.data[i + 2] - y.data[i + 2]) > 48 || Math.abs(x.data[i + 3] - y.data[i + 3]) > 48) off++;
    }
    return { size: '', share: off / (x.w * x.h) };
  }, [actual, reference]);
  console.log(`[tests/ui] ${name}: ${(result.share * 100).toFixed(3)}% of pixels differ`);
  expect(result.size, `${name}: canvas size`).toBe('');
  expect(result.share, `${name}: share of pixels that differ from ${file}`).toBeLessThan(0.0025);
}

const simSeconds = (page: Page) => page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().frame?.simSeconds ?? 0);

describe.skipIf(!haveChromium)('web app in Chromium', () => {
  let site: Site;
  let page: Page;
  let url: string;
  let errors: string[];

  beforeAll(async () => {
    // The CPU-less chip (no hosted CircuitPython): these tests read pad levels and draw an idle board;
    // tests/ui/hosted.test.ts covers the default engine.
    site = await openSite('?engine=none');
    ({ page, url, errors } = site);
  }, 120_000);

  afterAll(async () => {
    await site?.close();
  });

  it('loads cross-origin isolated, with no console errors, and draws the board', async () => {
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    const loadMs = Date.now() - t0;
    console.log(`[tests/ui] first frame ${loadMs} ms after navigation`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.waitForTimeout(300);
    const view = (x: number, y: number) => page.evaluate(([x, y]) => (window as unknown as Hook).circuitemu.view.colorAt(x, y), [x, y]);
    // Solder mask between the parts, the gold of pad A1, and the page outside the round board.
    const c = CPX_DRAWING.width / 2;
    const a1 = CPX_DRAWING.pads.find((p) => p.label === 'A1')!;
    const mask = await view(c - 3, c + 3);
    expect(Math.max(...mask.slice(0, 3))).toBeLessThan(60);
    expect(mask[3]).toBe(255);
    // Outside the round board: nothing drawn.
    expect((await view(1.5, 1.5))[3]).toBe(0);
    const gold = await view(a1.x + a1.r * 0.8, a1.y);
    expect(gold[0]).toBeGreaterThan(150);
    expect(gold[2]).toBeLessThan(gold[0] - 60);
    expect(errors).toEqual([]);
  });

  it('draws the board as its references show, idle and with inputs set', async () => {
    await matchesReference(page, 'cpx-idle');
    // Button A held, switch flipped, A1 touched, bright light: each drawn differently.
    await page.locator('[data-pad="A1"]').click();
    await page.locator('[data-control="slideSwitch"]').click();
    await page.locator('[data-control="lux"]').fill('4');
    await page.locator('[data-control="buttonA"]').dispatchEvent('pointerdown', { pointerId: 1 });
    await page.waitForTimeout(200);
    await page.mouse.move(0, 0);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await matchesReference(page, 'cpx-inputs');
    // An input changes the drawing: the idle reference no longer matches.
    if (!updateReferences) await expect(matchesReference(page, 'cpx-idle')).rejects.toThrow(/share of pixels/);
    await page.locator('[data-control="buttonA"]').dispatchEvent('pointerup', { pointerId: 1 });
    await page.locator('[data-pad="A1"]').click();
    await page.locator('[data-control="slideSwitch"]').click();
    await page.locator('[data-control="lux"]').fill(String(Math.log10(101)));
    await page.waitForTimeout(200);
    await matchesReference(page, 'cpx-idle');
  });

  it('reaches every control with the keyboard, and button A drives its pad', async () => {
    const seen: string[] = [];
    // A fresh page: Tab starts from the top, as for a user who just opened it.
    await page.reload();
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    for (let i = 0; i < 120; i++) {
      await page.keyboard.press('Tab');
      const name = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.dataset.control ?? el?.dataset.pad ?? el?.getAttribute('aria-label') ?? el?.id ?? el?.tagName ?? '';
      });
      if (seen.includes(name) && name.startsWith('Serial console input')) break;
      seen.push(name);
    }
    for (const control of ['buttonA', 'buttonB', 'slideSwitch', 'reset', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'lux', 'celsius', 'dbSpl', 'roll', 'pitch', 'shake', 'firmware-input', 'pause', 'Code editor', 'Send Ctrl-C (interrupt)']) {
      expect(seen, `Tab reaches ${control}`).toContain(control);
    }
    expect(seen.some((s) => s.startsWith('Serial console input'))).toBe(true);
    // Every focusable control has a name a screen reader can say.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button, input, [role=switch]')]
        .filter((el) => !el.hidden && !el.closest('[hidden]') && el.offsetParent !== null)
        .filter((el) => !(el.getAttribute('aria-label') || el.textContent?.trim() || el.closest('label')))
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);

    // Space on button A: the pad (PA28, pulled down on the board) reads high while it is held.
    const level = () =>
      page.evaluate(() => {
        const s = (window as unknown as Hook).circuitemu.store.getState();
        return s.frame!.pins[s.board!.pads.indexOf('PA28')];
      });
    await page.focus('[data-control="buttonA"]');
    expect(await level()).toBe(0);
    await page.keyboard.down(' ');
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA28')] === 1;
    });
    await page.keyboard.up(' ');
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA28')] === 0;
    });

    // Space on the slide switch closes it: PA15 goes from floating (no pull without firmware) to GND.
    const pa15 = () =>
      page.evaluate(() => {
        const s = (window as unknown as Hook).circuitemu.store.getState();
        return s.frame!.pins[s.board!.pads.indexOf('PA15')];
      });
    await page.focus('[data-control="slideSwitch"]');
    expect(await pa15()).toBe(2);
    await page.keyboard.press(' ');
    expect(await page.getAttribute('[data-control="slideSwitch"]', 'aria-checked')).toBe('true');
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA15')] === 0;
    });
    await page.keyboard.press(' ');
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA15')] === 2;
    });
    // Arrow keys move a sensor slider; its value is announced.
    await page.focus('[data-control="celsius"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('[data-control="celsius"]', 'aria-valuetext')).toBe('26 °C');
  });

  it('wires an external push button (@wokwi/elements) to a pad: pressing it pulls the pad to GND', async () => {
    await page.selectOption('[data-control="part-pad"]', 'A2');
    await page.getByRole('button', { name: 'Add button' }).click();
    const pa06 = () =>
      page.evaluate(() => {
        const s = (window as unknown as Hook).circuitemu.store.getState();
        return s.frame!.pins[s.board!.pads.indexOf('PA06')];
      });
    expect(await pa06()).toBe(2);
    const button = page.locator('wokwi-pushbutton[data-control="external-button-A2"]');
    await button.hover();
    await page.mouse.down();
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA06')] === 0;
    });
    await page.mouse.up();
    await page.waitForFunction(() => {
      const s = (window as unknown as Hook).circuitemu.store.getState();
      return s.frame!.pins[s.board!.pads.indexOf('PA06')] === 2;
    });
    await page.getByRole('button', { name: 'Remove Button on A2' }).click();
  });

  it('saves code.py from the editor and finds it again after a reload (the drive persists)', async () => {
    await page.waitForFunction(() => document.querySelector('.file-name')?.textContent === '/code.py');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    const code = `print("kept across reloads ${Date.now()}")\n`;
    await page.keyboard.insertText(code);
    await page.keyboard.press('Control+S');
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().notice?.text === 'Saved /code.py.');
    // The worker saves to IndexedDB right after the write; give the transaction a moment.
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForFunction((c) => document.querySelector('.cm-content')?.textContent === c.trimEnd(), code, { timeout: 60_000 }); // generous: CI shares 2 cores with the whole suite
    expect(errors).toEqual([]);
  });

  it('shares the board and code.py in a link; a broken link is reported and changes nothing', async () => {
    const editorText = () => page.evaluate(() => document.querySelector('.cm-content')?.textContent ?? '');
    const shared = await editorText();
    await page.locator('#share').click();
    await page.waitForFunction(() => location.hash.startsWith('#board=cpx&code='));
    const link = await page.evaluate(() => location.href);
    // Change code.py, then open the link: the shared code comes back, the other is kept aside.
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('print("my own work")\n');
    await page.keyboard.press('Control+S');
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().notice?.text === 'Saved /code.py.');
    await page.goto('about:blank');
    await page.goto(link);
    await page.waitForFunction((c) => document.querySelector('.cm-content')?.textContent === c, shared, { timeout: 60_000 }); // generous: CI shares 2 cores with the whole suite
    await page.waitForFunction(() => (window as unknown as { circuitemu: { store: { getState(): { files: { path: string }[] } } } }).circuitemu.store.getState().files.some((f) => f.path === '/code-before-link.py'));
    // A link cut short: a clear message, and code.py stays as it was.
    await page.goto('about:blank');
    await page.goto(link.slice(0, link.indexOf('&code=') + 12) + '%%');
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().notice?.kind === 'error');
    expect(await page.locator('[role=alert]').textContent()).toMatch(/^This shared link is broken: /);
    await page.waitForFunction((c) => document.querySelector('.cm-content')?.textContent === c, shared, { timeout: 60_000 }); // generous: CI shares 2 cores with the whole suite
    await page.goto('about:blank');
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    expect(errors).toEqual([]);
  });

  it('switches boards: the Metro M0 Express is drawn from its own drawing, without the CPX sensors', async () => {
    await page.selectOption('#board-select', 'metro_m0_express');
    await page.waitForFunction(() => (window as unknown as { circuitemu?: { store: { getState(): { board: { name: string } | null } } } }).circuitemu?.store.getState().board?.name === 'metro_m0_express');
    expect(await page.locator('.sensors').isHidden()).toBe(true);
    expect(await page.locator('[data-pad="A0"]').getAttribute('aria-label')).toBe('Pad A0');
    // The corner of the rectangular board is solder mask (on the round CPX it is outside the board).
    const corner = await page.evaluate(() => (window as unknown as Hook).circuitemu.view.colorAt(1.5, 30));
    expect(Math.max(...corner.slice(0, 3))).toBeLessThan(60);
    expect(corner[3]).toBe(255);
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    expect(errors).toEqual([]);
  });

  it('runs a dropped .uf2 (our USB CDC echo firmware) and echoes what is typed', async () => {
    const elf = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_echo.elf'));
    const uf2 = buildUf2(loadImage(new Uint8Array(elf), { name: 'usb_echo.elf' }).segments, SAMD21_FAMILY_ID);
    await dropFile(page, 'usb_echo.uf2', uf2);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'firmware');
    await page.locator('.xterm').click();
    await page.keyboard.type('hello from the page');
    await waitForTerminal(page, 'hello from the page', 20_000);
    expect(errors).toEqual([]);
  });

  it('refuses a bad file with a clear message and keeps the board running', async () => {
    await dropFile(page, 'notes.uf2', new TextEncoder().encode('this is not a UF2 file\n'));
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().notice?.kind === 'error');
    const notice = await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().notice!.text);
    expect(notice).toMatch(/^Could not load notes\.uf2: /);
    expect(await page.locator('[role=alert]').textContent()).toBe(notice);
    const before = await simSeconds(page);
    await page.waitForTimeout(500);
    expect(await simSeconds(page)).toBeGreaterThan(before + 0.2);
    expect(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().engine)).toBe('firmware');
  });

  it('pauses and resumes simulated time; after a reset by keyboard the firmware works again', async () => {
    await page.locator('#pause').click();
    // A frame already on its way from the worker may still carry a later time: read after it.
    await page.waitForTimeout(300);
    const paused = await simSeconds(page);
    await page.waitForTimeout(400);
    expect(await simSeconds(page)).toBeCloseTo(paused, 3);
    // Step (by keyboard): one 10 ms slice of simulated time, as on the hosted engine.
    await page.focus('#step');
    await page.keyboard.press('Enter');
    await page.waitForFunction((t) => ((window as unknown as Hook).circuitemu.store.getState().frame?.simSeconds ?? 0) > t, paused);
    await page.waitForTimeout(300);
    const stepped = await simSeconds(page);
    expect(stepped - paused).toBeGreaterThan(0.0099);
    expect(stepped - paused).toBeLessThan(0.0101);
    await page.locator('#pause').click();
    await page.waitForTimeout(400);
    expect(await simSeconds(page)).toBeGreaterThan(stepped + 0.2);
    // Reset (by keyboard): the echo firmware starts again, USB re-enumerates, and it still echoes.
    await page.focus('[data-control="reset"]');
    await page.keyboard.press('Enter');
    await page.locator('.xterm').click();
    await page.keyboard.type(' and again after reset');
    await waitForTerminal(page, ' and again after reset', 20_000);
    expect(errors).toEqual([]);
  });

  it.skipIf(!haveCircuitPython)('boots CircuitPython, answers 1+1 in the REPL, and runs an edited code.py that lights the NeoPixels', async () => {
    await dropFile(page, 'circuitpython-cpx.uf2', new Uint8Array(readFileSync(circuitpython!)));
    await waitForTerminal(page, 'Press any key to enter the REPL', 90_000);
    // The whole first run is shown, its header included (the terminal reloads once, as the CLI does).
    expect(await terminalText(page)).toMatch(/code\.py output:\n/);
    await page.locator('.xterm').click();
    await page.keyboard.press('Enter');
    await waitForTerminal(page, '>>> ');
    await page.keyboard.type('1+1\r');
    await page.waitForFunction(() => {
      const b = (window as unknown as Hook).circuitemu.term.buffer.active;
      let s = '';
      for (let i = 0; i < b.length; i++) s += (b.getLine(i)?.translateToString(true) ?? '') + '\n';
      return /1\+1\n2\n/.test(s);
    });
    // Reset by keyboard: CircuitPython boots again, so entering the REPL prints its banner again.
    const banners = async () => ((await terminalText(page)).match(/Adafruit CircuitPython \d/g) ?? []).length;
    const before = await banners();
    await page.focus('[data-control="reset"]');
    await page.keyboard.press('Enter');
    await page.locator('.xterm').click();
    for (let i = 0; i < 20 && (await banners()) === before; i++) {
      await page.keyboard.press('Enter');
      await page.waitForTimeout(2000);
    }
    expect(await banners()).toBe(before + 1);
    // Leave the REPL (Ctrl-D reloads), then save a new code.py from the editor: CircuitPython sees
    // the write over USB mass storage and auto-reloads it.
    await page.keyboard.press('Control+D');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('import board, neopixel, time\npixels = neopixel.NeoPixel(board.NEOPIXEL, 10, brightness=1.0)\npixels.fill((255, 0, 0))\nprint("lit")\nwhile True:\n    time.sleep(1)\n');
    await page.keyboard.press('Control+S');
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().frame?.pixels.every((p) => p === 0xff0000), null, { timeout: 60_000 });
    await waitForTerminal(page, 'lit');
    const p0 = CPX_DRAWING.components.find((c) => c.kind === 'neopixel' && c.index === 0)!;
    await page.waitForTimeout(200);
    const [r, g, b] = await page.evaluate(([x, y]) => (window as unknown as Hook).circuitemu.view.colorAt(x, y), [p0.x, p0.y]);
    expect(r).toBeGreaterThan(200);
    expect(r - Math.max(g, b)).toBeGreaterThan(60);
    console.log(`[tests/ui] CircuitPython transcript tail:\n${(await terminalText(page)).trim().split('\n').slice(-4).join('\n')}`);
  }, 240_000);

  it.skipIf(!haveCircuitPython)('shows a sensor control only once CircuitPython\'s code.py uses the sensor (the firmware engine)', async () => {
    const hidden = (control: string) => page.locator(`[data-control="${control}"]`).isHidden();
    // The NeoPixel program above used no sensor: with firmware running, no sensor control is shown.
    for (const c of ['lux', 'celsius', 'dbSpl', 'roll', 'shake']) expect(await hidden(c), c).toBe(true);
    expect(await page.locator('[data-in-use]').count()).toBe(0);
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      'import board, analogio, busio, touchio, digitalio, time\n' +
        'temp = analogio.AnalogIn(board.TEMPERATURE)\n' +
        'i2c = busio.I2C(board.ACCELEROMETER_SCL, board.ACCELEROMETER_SDA)\n' +
        'while not i2c.try_lock():\n    pass\n' +
        'who = bytearray(1)\ni2c.writeto_then_readfrom(0x19, bytes([0x0f]), who)\ni2c.unlock()\n' +
        'pad = touchio.TouchIn(board.A6)\nsw = digitalio.DigitalInOut(board.SLIDE_SWITCH)\n' +
        'print("used", temp.value > 0, hex(who[0]))\nwhile True:\n    time.sleep(0.1)\n',
    );
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, /\nused True 0x33\n/, 60_000);
    for (const c of ['celsius', 'roll', 'pitch', 'shake']) await page.locator(`[data-control="${c}"]`).waitFor({ state: 'visible' });
    await page.locator('[data-pad="A6"][data-in-use]').waitFor();
    await page.locator('[data-control="slideSwitch"][data-in-use]').waitFor();
    for (const c of ['lux', 'dbSpl']) expect(await hidden(c), c).toBe(true);
    expect(await page.locator('[data-pad="A1"][data-in-use]').count()).toBe(0);
    // Keyboard: the temperature slider that appeared moves with the arrow keys.
    await page.focus('[data-control="celsius"]');
    const before = Number(await page.inputValue('[data-control="celsius"]'));
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute('[data-control="celsius"]', 'aria-valuetext')).toBe(`${before + 0.5} °C`);
    if (process.env.SCREENSHOTS) writeFileSync(join(process.env.SCREENSHOTS, 'firmware-sensors-used.png'), await page.screenshot());
  }, 120_000);

  it.skipIf(!haveCircuitPython)('reads CIRCUITPY through the emulated USB mass-storage host: a read waits for the paused firmware to answer', async () => {
    type DriveHook = { circuitemu: { machine: { drive(r: { op: 'read'; path: string } | { op: 'list' }): Promise<{ data?: Uint8Array; entries?: { path: string }[] }> } } };
    await page.locator('#pause').click();
    await page.waitForTimeout(200);
    // The firmware answers SCSI READ(10) itself: while it is paused, the read cannot complete.
    await page.evaluate(() => {
      const w = window as unknown as DriveHook & { bootOut: string | null };
      w.bootOut = null;
      void w.circuitemu.machine.drive({ op: 'read', path: '/boot_out.txt' }).then((r) => (w.bootOut = new TextDecoder().decode(r.data)));
    });
    await page.waitForTimeout(700);
    expect(await page.evaluate(() => (window as unknown as { bootOut: string | null }).bootOut)).toBeNull();
    await page.locator('#pause').click();
    await page.waitForFunction(() => (window as unknown as { bootOut: string | null }).bootOut !== null, null, { timeout: 30_000 });
    // What CircuitPython wrote at boot (its version line and board id), as a computer reads it.
    expect(await page.evaluate(() => (window as unknown as { bootOut: string }).bootOut)).toMatch(/^Adafruit CircuitPython 9\.2\.\d+\S* on [^]*\r?\nBoard ID:circuitplayground_express\r?\n/);
    const listed = await page.evaluate(() => (window as unknown as DriveHook).circuitemu.machine.drive({ op: 'list' }).then((r) => r.entries!.map((e) => e.path)));
    expect(listed).toContain('/code.py');
    expect(listed).toContain('/boot_out.txt');
  }, 120_000);

  it.skipIf(!haveCircuitPython)('plays the speaker: a looping 8 kHz sine table of 18 samples is heard at 444 Hz', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { sound: number[]; circuitemu: { machine: { onSound(l: (start: number, rate: number, s: Float32Array) => void): void } } };
      w.sound = [];
      w.circuitemu.machine.onSound((_start, _rate, samples) => {
        if (w.sound.length < 22050 * 3) w.sound.push(...samples);
      });
    });
    await page.locator('#sound').click();
    expect(await page.locator('#sound').getAttribute('aria-pressed')).toBe('true');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      'import array, math, time, board, digitalio, audiocore, audioio\n' +
        'enable = digitalio.DigitalInOut(board.SPEAKER_ENABLE)\nenable.switch_to_output(True)\n' +
        'table = array.array("H", [int(math.sin(math.pi * 2 * i / 18) * 32000 + 32768) for i in range(18)])\n' +
        'dac = audioio.AudioOut(board.SPEAKER)\ndac.play(audiocore.RawSample(table, sample_rate=8000), loop=True)\n' +
        'print("playing")\nwhile True:\n    time.sleep(1)\n',
    );
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, 'playing');
    await page.evaluate(() => ((window as unknown as { sound: number[] }).sound = []));
    await page.waitForFunction(() => (window as unknown as { sound: number[] }).sound.length >= 22050 * 2, null, { timeout: 30_000 });
    const hz = await page.evaluate(() => {
      const s = (window as unknown as { sound: number[] }).sound.slice(0, 22050 * 2);
      let rising = 0;
      for (let i = 1; i < s.length; i++) if (s[i - 1] < 0 && s[i] >= 0) rising++;
      return rising / 2;
    });
    expect(hz).toBeGreaterThan((8000 / 18) * 0.98);
    expect(hz).toBeLessThan((8000 / 18) * 1.02);
  }, 120_000);

  it.skipIf(!haveCircuitPython)('external parts: an LED on A1 lights when code.py drives A1 high; a button on A2 is read by digitalio', async () => {
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(
      'import board, digitalio, time\n' +
        'led = digitalio.DigitalInOut(board.A1)\nled.switch_to_output(True)\n' +
        'btn = digitalio.DigitalInOut(board.A2)\nbtn.switch_to_input(pull=digitalio.Pull.UP)\n' +
        'last = None\nwhile True:\n    if btn.value != last:\n        last = btn.value\n        print("A2 is", last)\n    time.sleep(0.01)\n',
    );
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, 'A2 is True');
    await page.selectOption('[data-control="part-pad"]', 'A1');
    await page.getByRole('button', { name: 'Add LED' }).click();
    await page.waitForFunction(() => (document.querySelector('wokwi-led') as unknown as { value: boolean } | null)?.value === true);
    await page.selectOption('[data-control="part-pad"]', 'A2');
    await page.getByRole('button', { name: 'Add button' }).click();
    await page.locator('wokwi-pushbutton[data-control="external-button-A2"]').hover();
    await page.mouse.down();
    await waitForTerminal(page, 'A2 is False');
    await page.mouse.up();
    await page.waitForFunction(() => {
      const b = (window as unknown as Hook).circuitemu.term.buffer.active;
      let s = '';
      for (let i = 0; i < b.length; i++) s += (b.getLine(i)?.translateToString(true) ?? '') + '\n';
      // Released: the pull-up reads high again after the press.
      return s.slice(s.lastIndexOf('A2 is False')).includes('A2 is True');
    });
  }, 120_000);
});
