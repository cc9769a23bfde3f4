/**
 * The web app in headless Chromium (issue 10, "Performance"; figures, not a timed test): the built site
 * on Vite's preview server (tests/ui/site.ts), measured as a user meets it.
 *  - page load to the first `code.py output:` line of the default program on the hosted engine, on a
 *    first visit and on a reload (served by the service worker);
 *  - the longest main-thread task while a Python busy loop runs (the machine lives in workers);
 *  - with $CIRCUITEMU_FIRMWARE_DIR: CircuitPython's firmware on the emulated 48 MHz core in the page's
 *    worker, run flat out (?pace=off), as simulated MHz.
 * Skipped with a message when Debian's Chromium is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropFile, haveChromium, openSite, waitForTerminal, CHROMIUM } from '../ui/site.js';

interface Hook {
  circuitemu: { store: { getState(): { frame: { speed: number; simSeconds: number } | null; engine: string } } };
}

export async function benchBrowser(log: (s: string) => void): Promise<void> {
  log('');
  log('Web app in headless Chromium (built site, local static server)');
  if (!haveChromium) {
    log(`  skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
    return;
  }
  const site = await openSite();
  try {
    const { page, url } = site;
    const firstOutput = async (go: () => Promise<unknown>): Promise<number> => {
      const t0 = Date.now();
      await go();
      await page.waitForFunction(() => (window as unknown as { circuitemu?: unknown }).circuitemu !== undefined);
      await waitForTerminal(page, 'code.py output:');
      return Date.now() - t0;
    };
    const first = await firstOutput(() => page.goto(url));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const reloads: number[] = [];
    for (let i = 0; i < 3; i++) reloads.push(await firstOutput(() => page.reload()));
    reloads.sort((a, b) => a - b);
    log(`  page load to the first "code.py output:" line: ${first} ms first visit, ${reloads[1]} ms reload (median of 3, from the service worker)`);

    // A busy loop on the hosted engine: the page's own longest task while it runs (after the save).
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('print("busy")\nn = 0\nwhile True:\n    n += 1\n');
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, /code\.py output:\nbusy\n/);
    await page.waitForTimeout(500);
    await page.evaluate(() => {
      const w = window as unknown as { longest: number };
      w.longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
      }).observe({ type: 'longtask', buffered: false });
    });
    await page.waitForTimeout(4000);
    const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
    log(`  longest main-thread task during 4 s of a Python busy loop: ${longest ? `${longest.toFixed(0)} ms` : 'none over 50 ms'}`);

    const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
    const uf2 = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
    if (!dir || !existsSync(uf2)) {
      log('  firmware engine: skipped (set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2)');
      return;
    }
    await page.goto(`${url}?engine=none&pace=off`);
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
    await dropFile(page, 'circuitpython-cpx.uf2', new Uint8Array(readFileSync(uf2)));
    await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'firmware');
    // Frame.speed is simulated seconds per wall second over the last second; CircuitPython idles in its
    // REPL wait (WFI, time skipped) after code.py, so the figure is taken while it boots and runs.
    const speeds: number[] = [];
    for (let i = 0; i < 6; i++) {
      await page.waitForTimeout(1000);
      speeds.push(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().frame?.speed ?? 0));
    }
    // The first second still includes the CPU-less chip before the drop; idle WFI seconds (time skipped) run far ahead.
    const busy = speeds.slice(1).sort((a, b) => a - b);
    const median = busy[Math.floor(busy.length / 2)]!;
    log(`  firmware engine (CircuitPython 9 on the CPX, ?pace=off, booting and running code.py): median ${(median * 48).toFixed(1)} simulated MHz = ${(median * 100).toFixed(0)}% of real time at 48 MHz (per second: ${speeds.slice(1).map((v) => (v * 48).toFixed(0)).join(', ')} MHz)`);
  } finally {
    await site.close();
  }
}
