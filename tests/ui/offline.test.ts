/**
 * Offline after the first load (issue 10, "Build and start"): the built site's service worker (ui/sw.js,
 * written by vite.config.ts with the list of every built file) precaches the page, its workers and the
 * MicroPython wasm. The oracle is the page itself with the network cut (Playwright's offline mode): it
 * reloads, stays cross-origin isolated, and runs code.py on the hosted engine.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, haveChromium, openSite, waitForTerminal, type Site } from './site.js';

if (!haveChromium) console.warn(`[tests/ui] SKIPPED the offline test: ${CHROMIUM} is absent`);

interface Hook {
  circuitemu: { store: { getState(): { engine: string; notice: { kind: string; text: string } | null } } };
}

describe.skipIf(!haveChromium)('web app offline after the first load', () => {
  let site: Site;
  let page: Page;

  beforeAll(async () => {
    site = await openSite();
    page = site.page;
  }, 120_000);

  afterAll(async () => {
    await site?.close();
  });

  it('loads once, goes offline, reloads from the service worker and runs code.py', async () => {
    await page.goto(site.url);
    await waitForTerminal(page, /code\.py output:\nHello World!\n/);
    // Installed (every file cached) and in control of the page.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => {
      const keys = await caches.keys();
      const cache = await caches.open(keys.find((k) => k.startsWith('circuitemu-'))!);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    });
    expect(cached.some((p) => p.endsWith('.wasm')), 'the MicroPython wasm is cached').toBe(true);
    expect(cached).toContain('/index.html');

    await page.context().setOffline(true);
    expect(await page.evaluate(() => fetch('https://example.com/').then(() => 'online', () => 'offline'))).toBe('offline');
    await page.reload();
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu !== undefined);
    await waitForTerminal(page, /code\.py output:\nHello World!\n/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().engine)).toBe('hosted');
    // A new code.py runs offline too (the drive is the browser's own storage).
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('print("offline", 6 * 7)\n');
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, /code\.py output:\noffline 42\n/);
    // The board picker's other pages (a query on the same page) load offline as well.
    await page.goto(`${site.url}?board=metro_m0_express`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().engine === 'hosted' || (window as unknown as Hook).circuitemu?.store.getState().engine === 'none');
    expect(site.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e))).toEqual([]);
    await page.context().setOffline(false);
  });
});
