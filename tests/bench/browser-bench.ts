/**
 * The web app in headless Chromium (issue 10, "Performance"; figures, not a timed test): the built site
 * on Vite's preview server (tests/ui/site.ts), measured as a user meets it.
 *  - page load to the first `code.py output:` line of the default program on the hosted engine, on a
 *    first visit and on a reload (served by the service worker);
 *  - the longest main-thread task while a Python busy loop runs (the machine lives in workers);
 *  - the firmware engine in the page's worker, run flat out (?pace=off) on a workload that never sleeps,
 *    with the block translator (?cpu=jit, the page's default) and the interpreter (?cpu=interp): simulated
 *    MHz (cycles per wall second) and MIPS. Our own usb_console firmware (a polling main loop) always;
 *    with $CIRCUITEMU_FIRMWARE_DIR also CircuitPython 9 on the CPX running a Python busy loop typed at
 *    its REPL, its boot time, and the real-time ratio the page shows while it runs paced.
 *    A sleeping core skips time at no cost, so an idle firmware would show any MHz at all: the figures are
 *    taken only while the CPU never sleeps.
 * Skipped with a message when Debian's Chromium is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { dropFile, haveChromium, openSite, root, waitForTerminal, CHROMIUM } from '../ui/site.js';
import { buildUf2, loadImage, SAMD21_FAMILY_ID } from '../../firmware-runtime/images/index.js';

interface FrameRates {
  speed: number;
  mhz: number;
  mips: number;
  simSeconds: number;
}
interface Hook {
  circuitemu: { store: { getState(): { frame: FrameRates | null; engine: string } } };
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

/** The page's own rates (frame.mhz, .mips, .speed: each over the last wall second), read once a second. */
async function rates(page: Page, seconds: number): Promise<{ mhz: number; mips: number; speed: number; each: string }> {
  const frames: FrameRates[] = [];
  for (let i = 0; i < seconds; i++) {
    await page.waitForTimeout(1000);
    frames.push(await page.evaluate(() => (window as unknown as Hook).circuitemu.store.getState().frame!));
  }
  return {
    mhz: median(frames.map((f) => f.mhz)),
    mips: median(frames.map((f) => f.mips)),
    speed: median(frames.map((f) => f.speed)),
    each: frames.map((f) => f.mhz.toFixed(0)).join(', '),
  };
}

/** Opens the page with no hosted engine and drops `bytes` on it; resolves once the firmware engine runs it. */
async function dropFirmware(page: Page, url: string, query: string, name: string, bytes: Uint8Array): Promise<void> {
  await page.goto(`${url}?engine=none&${query}`);
  // A fresh drive each time: CircuitPython's first boot formats it, as a new user's does.
  await page.evaluate(async () => {
    for (const d of await indexedDB.databases()) if (d.name) indexedDB.deleteDatabase(d.name);
  });
  await page.reload();
  await page.waitForFunction(() => (window as unknown as Hook).circuitemu?.store.getState().frame !== null);
  await dropFile(page, name, bytes);
  await page.waitForFunction(() => (window as unknown as Hook).circuitemu.store.getState().engine === 'firmware', null, { polling: 10 });
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
    log(`  page load to the first "code.py output:" line: ${first} ms first visit, ${median(reloads)} ms reload (median of 3, from the service worker)`);

    // A busy loop on the hosted engine: the page's own longest task while it runs (after the save).
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText('print("busy")\nn = 0\nwhile True:\n    n += 1\n');
    await page.keyboard.press('Control+S');
    await waitForTerminal(page, /code\.py output:\nbusy\n/);
    await page.waitForTimeout(500);
    log(`  longest main-thread task during 4 s of a Python busy loop (hosted engine): ${await longestTask(page, 4000)}`);

    // Our own firmware, flat out: usb_console.elf's main loop polls SysTick and USB and never sleeps.
    const elf = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_console.elf'));
    const uf2 = buildUf2(loadImage(new Uint8Array(elf), { name: 'usb_console.elf' }).segments, SAMD21_FAMILY_ID);
    for (const cpu of ['jit', 'interp']) {
      await dropFirmware(page, url, `pace=off&cpu=${cpu}`, 'usb_console.uf2', uf2);
      await page.waitForTimeout(1000);
      const r = await rates(page, 5);
      log(`  firmware engine, our usb_console.uf2 (polling loop), ?cpu=${cpu}, flat out: ${r.mhz.toFixed(0)} simulated MHz, ${r.mips.toFixed(0)} MIPS (median of 5 s; MHz per second: ${r.each})`);
    }

    const dir = process.env.CIRCUITEMU_FIRMWARE_DIR;
    const cpxUf2 = dir ? join(dir, 'circuitpython-cpx.uf2') : '';
    if (!dir || !existsSync(cpxUf2)) {
      log('  CircuitPython on the firmware engine: skipped (set CIRCUITEMU_FIRMWARE_DIR to a folder with circuitpython-cpx.uf2)');
      return;
    }
    const cp = new Uint8Array(readFileSync(cpxUf2));
    for (const pace of ['off', 'on']) {
      for (const cpu of pace === 'off' ? ['jit', 'interp'] : ['jit']) {
        await dropFirmware(page, url, `pace=${pace}&cpu=${cpu}`, 'circuitpython-cpx.uf2', cp);
        const t0 = Date.now();
        await waitForTerminal(page, 'code.py output:');
        const boot = Date.now() - t0;
        await waitForTerminal(page, 'Press any key to enter the REPL');
        await page.locator('#terminal').click();
        await page.keyboard.press('Enter');
        await waitForTerminal(page, '>>> ');
        await page.keyboard.type('exec("n=0\\nwhile True: n+=1")');
        await page.keyboard.press('Enter');
        await page.waitForTimeout(1000);
        const r = await rates(page, 5);
        if (pace === 'off') {
          log(`  firmware engine, CircuitPython 9 on the CPX, ?cpu=${cpu}, flat out: first boot to "code.py output:" ${boot} ms; a Python busy loop: ${r.mhz.toFixed(0)} simulated MHz, ${r.mips.toFixed(0)} MIPS = ${(r.speed * 100).toFixed(0)}% of real time at 48 MHz (MHz per second: ${r.each})`);
          if (cpu === 'jit') log(`  longest main-thread task during 4 s of that busy loop run flat out: ${await longestTask(page, 4000)}`);
        } else {
          log(`  firmware engine, CircuitPython 9 on the CPX, ?cpu=${cpu}, paced (as a user runs it): first boot to "code.py output:" ${boot} ms; a Python busy loop shows ${(r.speed * 100).toFixed(0)}% real time (${r.mhz.toFixed(1)} MHz)`);
          log(`  longest main-thread task during 4 s of that busy loop (firmware engine): ${await longestTask(page, 4000)}`);
        }
      }
    }
  } finally {
    await site.close();
  }
}

/** The page's longest task over `ms` (PerformanceObserver 'longtask': tasks over 50 ms). */
async function longestTask(page: Page, ms: number): Promise<string> {
  await page.evaluate(() => {
    const w = window as unknown as { longest: number };
    w.longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.waitForTimeout(ms);
  const longest = await page.evaluate(() => (window as unknown as { longest: number }).longest);
  return longest ? `${longest.toFixed(0)} ms` : 'none over 50 ms';
}
