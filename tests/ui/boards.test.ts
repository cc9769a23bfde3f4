/**
 * Boards beyond the CPX in a real browser (Debian's Chromium, the built site, as the other tests/ui
 * suites): the Feather HUZZAH (ESP8266: no hosted engine, real firmware from a dropped .bin), the
 * Feather M0 Bluefruit LE on the hosted engine, and the header's layout at common window sizes.
 * Oracles: what MicroPython prints on its UART (its banner, its REPL's answer), what the page's
 * store and canvas hold against the board's drawing data, and the header's boxes.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CHROMIUM, dropFile, haveChromium, openSite, root, shot, waitForTerminal, type Site } from './site.js';
import { FEATHER_HUZZAH_DRAWING } from '../../boards/drawings/feather-huzzah.js';
import { FEATHER_M0_BLUEFRUIT_LE_DRAWING } from '../../boards/drawings/feather-m0.js';
import { loadImage, buildUf2, SAMD21_FAMILY_ID } from '../../firmware-runtime/images/index.js';

if (!haveChromium) console.warn(`[tests/ui] SKIPPED board browser tests: ${CHROMIUM} is absent`);
const firmwareDir = process.env.CIRCUITEMU_FIRMWARE_DIR;
const micropython = firmwareDir ? join(firmwareDir, 'micropython-esp8266.bin') : null;
const haveMicroPython = !!micropython && existsSync(micropython);
if (haveChromium && !haveMicroPython) console.warn('[tests/ui] SKIPPED MicroPython on the Feather HUZZAH: set CIRCUITEMU_FIRMWARE_DIR to a folder with micropython-esp8266.bin');
/** SCREENSHOTS=<dir> saves what the page looks like at each step (to look at). */

interface Hook {
  circuitemu: {
    store: { getState(): { frame: { simSeconds: number; leds: Record<string, number> } | null; board: { name: string; title: string } | null; engine: string; firmware: string | null; notice: { kind: string; text: string } | null; openPath: string | null } };
    view: { colorAt(x: number, y: number): [number, number, number, number] };
  };
}
const state = (page: Page) => page.evaluate(() => {
  const s = (window as unknown as Hook).circuitemu.store.getState();
  return { board: s.board?.name, engine: s.engine, firmware: s.firmware, notice: s.notice };
});

describe.skipIf(!haveChromium)('web app: the Feather HUZZAH, the Bluefruit LE, the header', () => {
  let site: Site;
  let page: Page;
  let url: string;
  let errors: string[];

  beforeAll(async () => {
    site = await openSite();
    ({ page, url, errors } = site);
  }, 120_000);
  afterAll(async () => site?.close());

  it('lists the Feather HUZZAH in the board picker; picking it draws it and says it needs a .bin', async () => {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    const options = await page.locator('#board-select option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options).toContain('feather_huzzah');
    await Promise.all([page.waitForURL(/board=feather_huzzah/), page.locator('#board-select').selectOption('feather_huzzah')]);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().board?.name === 'feather_huzzah');
    const s = await state(page);
    expect(s.engine).toBe('none');
    expect(await page.locator('#engine').textContent()).toBe('no firmware: drop a .bin here');
    expect(s.notice?.text).toMatch(/needs firmware/);
    expect(s.notice?.text).toMatch(/MicroPython or CircuitPython \.bin/);
    await expect.poll(() => page.locator('#notice').textContent()).toMatch(/esptool image written at 0x0/);
    expect(await page.locator('#use-hosted').isHidden()).toBe(true);
    // No CIRCUITPY: the file list and editor give way to a sentence saying so; no wired parts either.
    expect(await page.locator('.no-drive').textContent()).toMatch(/no CIRCUITPY drive/);
    expect(await page.locator('.editor-pane').isHidden()).toBe(true);
    expect(await page.locator('fieldset.parts').isHidden()).toBe(true);
    // WiFi: the access points in range, checked with the CLI's parser; a mistake changes nothing.
    expect(await page.locator('fieldset.wifi').isVisible()).toBe(true);
    await page.getByLabel(/Access points in range/).fill('home\nlab:15');
    await page.locator('[data-control="wifi-apply"]').click();
    expect(await page.locator('.wifi-status').textContent()).toBe('access point "lab": channel 15 is not 1-14');
    await page.getByLabel(/Access points in range/).fill('home\nlab:6:-45:open:10.0.0.0/24\n');
    await page.locator('[data-control="wifi-apply"]').click();
    expect(await page.locator('.wifi-status').textContent()).toBe('2 access points in range: home, lab.');
    // The drawing: the ESP8266 module's can (silver, as the Bluefruit's module) where the data puts it.
    const can = FEATHER_HUZZAH_DRAWING.components.find((c) => c.label === 'ESP8266')!;
    const [r, g, b] = await page.evaluate(([x, y]) => (window as unknown as Hook).circuitemu.view.colorAt(x, y), [can.x - can.w * 0.4, can.y - can.h * 0.4]);
    expect(Math.min(r, g, b)).toBeGreaterThan(150);
    // A pad's pinout names its GPIO.
    await page.locator('[data-pad="SCL"]').focus();
    expect(await page.locator('#pin-tip').textContent()).toMatch(/SCL.*GPIO5/);
    await shot(page, 'huzzah-waiting');
    expect(errors).toEqual([]);
  });

  it('refuses a SAMD21 .uf2 on the HUZZAH with a clear message and keeps waiting', async () => {
    const elf = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_echo.elf'));
    const uf2 = buildUf2(loadImage(new Uint8Array(elf), { name: 'usb_echo.elf' }).segments, SAMD21_FAMILY_ID);
    await dropFile(page, 'usb_echo.uf2', uf2);
    await page.waitForFunction(() => /^Could not load usb_echo\.uf2: /.test((window as unknown as Hook).circuitemu.store.getState().notice?.text ?? ''));
    expect((await state(page)).notice?.text).toMatch(/this is a UF2 .*takes a \.bin flash image for the ESP8266/);
    expect((await state(page)).engine).toBe('none');
    await shot(page, 'huzzah-wrong-image');
    expect(errors).toEqual([]);
  });

  it.skipIf(!haveMicroPython)('runs a dropped MicroPython .bin on the HUZZAH: its banner, >>>, and 1+1 answered 2 on UART0', async () => {
    await page.goto(`${url}?board=feather_huzzah&pace=off`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().board?.name === 'feather_huzzah');
    await dropFile(page, 'micropython-esp8266.bin', new Uint8Array(readFileSync(micropython!)));
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'firmware');
    expect(await page.locator('#engine').textContent()).toBe('firmware: micropython-esp8266.bin');
    expect(await page.locator('#use-hosted').isHidden()).toBe(true);
    await waitForTerminal(page, /MicroPython v[^\n]*ESP8266[^]*>>>/, 120_000);
    await page.locator('.xterm').click();
    await page.keyboard.type('1+1\r');
    await waitForTerminal(page, /\n>>> 1\+1\n2\n>>>/, 30_000);
    // WiFi from the page: the access point set in the WiFi box gives the board its DHCP lease.
    await page.getByLabel(/Access points in range/).fill('classroom:6');
    await page.locator('[data-control="wifi-apply"]').click();
    await page.locator('.xterm').click();
    await page.keyboard.type("import network, time; w = network.WLAN(network.STA_IF); w.active(True); w.connect('classroom')\r");
    await page.keyboard.type('_ = [time.sleep(0.1) for i in range(80) if not w.isconnected()]\r');
    await page.keyboard.type('print("ip", w.ifconfig()[0])\r');
    await waitForTerminal(page, /\nip 192\.168\.1\.100\n/, 60_000);
    await shot(page, 'huzzah-micropython');
    expect(errors).toEqual([]);
  }, 180_000);

  it('draws the Feather M0 Bluefruit LE (its nRF51822 module) and runs its code.py on the hosted engine', async () => {
    await page.goto(`${url}?board=feather_m0_bluefruit_le`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    expect((await state(page)).engine).toBe('hosted');
    expect(await page.locator('#board-select').inputValue()).toBe('feather_m0_bluefruit_le');
    const module = FEATHER_M0_BLUEFRUIT_LE_DRAWING.components.find((c) => c.kind === 'radio-module')!;
    const [r, g, b] = await page.evaluate(([x, y]) => (window as unknown as Hook).circuitemu.view.colorAt(x, y), [module.x - module.w * 0.4, module.y - module.h * 0.4]);
    expect(Math.min(r, g, b)).toBeGreaterThan(150);
    expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeLessThan(20);
    await waitForTerminal(page, /code\.py output:\n/);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().openPath === '/code.py');
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('import board\nprint("pins", sorted(p for p in dir(board) if p in ("A0", "SCK", "D13")), 6 * 7)\n');
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, /code\.py output:\npins \['A0', 'D13', 'SCK'\] 42\n/);
    await shot(page, 'bluefruit-le');
    expect(errors).toEqual([]);
  });

  /** The header's children all on one line: each box's vertical centre within 4 px of the first one's. */
  async function headerRows(page: Page): Promise<{ rows: number; height: number }> {
    return page.evaluate(() => {
      const header = document.querySelector('header.top')!;
      const tops = [...header.children].filter((c) => (c as HTMLElement).offsetParent !== null && c.getBoundingClientRect().width > 0).map((c) => {
        const r = c.getBoundingClientRect();
        return Math.round(r.top + r.height / 2);
      });
      const rows = new Set<number>();
      for (const t of tops) if (![...rows].some((r) => Math.abs(r - t) <= 4)) rows.add(t);
      return { rows: rows.size, height: header.getBoundingClientRect().height };
    });
  }

  interface TermCols {
    circuitemu: { term: { cols: number } };
  }

  it('keeps the header on one line at 1400 px with "Back to hosted" shown (firmware running), and tidy at 1024 px', async () => {
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    const elf = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_echo.elf'));
    // Named as CircuitPython's release files are (the longest name a user is likely to drop).
    const name = 'adafruit-circuitpython-circuitplayground_express-en_US-9.2.9.uf2';
    await dropFile(page, name, buildUf2(loadImage(new Uint8Array(elf), { name: 'usb_echo.elf' }).segments, SAMD21_FAMILY_ID));
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'firmware');
    expect(await page.locator('#use-hosted').isVisible()).toBe(true);
    // The full name stays readable (the title) where the header cuts it short.
    expect(await page.locator('#engine').getAttribute('title')).toBe(`firmware: ${name}`);
    // Three-digit figures: the widest the speed indicator gets in practice. Its title tells the firmware
    // engine's CPU rate (MIPS: 0.0 while the core sleeps).
    await page.waitForFunction(() => /^\d+\.\d s · \d+% real time$/.test(document.getElementById('speed')?.textContent ?? ''));
    expect(await page.locator('#speed').getAttribute('title')).toMatch(/the emulated CPU: \d+\.\d MHz of simulated clock, \d+\.\d million instructions per wall-clock second$/);
    await page.evaluate(() => (document.getElementById('speed')!.textContent = '999.9 s · 100% real time'));
    await shot(page, 'header-1400');
    expect(await headerRows(page)).toMatchObject({ rows: 1 });
    await page.setViewportSize({ width: 1024, height: 768 });
    await shot(page, 'header-1024');
    // At 1024 px the header may take two lines, never more (every button stays whole: nowrap).
    expect((await headerRows(page)).rows).toBeLessThanOrEqual(2);
    // The terminal takes as many columns as its box holds (80 columns were cut off at 1024 px).
    await page.waitForFunction(() => (window as unknown as TermCols).circuitemu.term.cols < 80);
    const fit = await page.evaluate(() => ({
      screen: document.querySelector('#terminal .xterm-screen')!.getBoundingClientRect().right,
      box: document.getElementById('terminal')!.getBoundingClientRect().right,
    }));
    expect(fit.screen).toBeLessThanOrEqual(fit.box);
    await page.setViewportSize({ width: 1400, height: 950 });
    expect(errors).toEqual([]);
  });
});
