/**
 * The web app in headless Chromium (issue 10, "Performance"; figures, not a timed test): the built site
 * on Vite's preview server (tests/ui/site.ts), measured as a user meets it.
 *  - "interactive", from navigation start: the first animation frame at which the board's canvas is drawn
 *    (its centre opaque), CodeMirror's editable content and xterm.js's textarea are in the page (the views
 *    up), then a click in the editor and a key typed there (real input events) shown in its text, at the
 *    animation frame that shows it; on a first visit and on a reload (served by the service worker);
 *  - from navigation start to the first `code.py output:` line of the default program on the hosted engine
 *    (it includes the board's 1 s safe-mode window at power-on, as CircuitPython's);
 *  - the page's longest main-thread task (PerformanceObserver 'longtask', over 50 ms) idle, while a Python
 *    busy loop runs, while code.py prints as fast as it can (short lines; 200-character lines, more than
 *    the console shows, so lines are skipped), and while the firmware engine runs flat out (the machine
 *    lives in workers; ui/console-feed.ts feeds the console in bounded pieces);
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
    await page.addInitScript(watchReady);
    const load = async (go: () => Promise<unknown>): Promise<{ ready: number; interactive: number; output: number }> => {
      await go();
      const { ready, interactive } = await interactiveAt(page);
      const output = await shownAt(page, 'code.py output:');
      return { ready, interactive, output };
    };
    const first = await load(() => page.goto(url));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const reloads: { ready: number; interactive: number; output: number }[] = [];
    for (let i = 0; i < 3; i++) reloads.push(await load(() => page.reload()));
    const ms = (v: number) => `${v.toFixed(0)} ms`;
    const med = (k: 'ready' | 'interactive' | 'output') => ms(median(reloads.map((r) => r[k])));
    log(`  interactive (from navigation start: board drawn, editor and console up, then a key typed in the editor shown): ${ms(first.interactive)} first visit (views up at ${ms(first.ready)}), ${med('interactive')} reload (views up at ${med('ready')}; median of 3, from the service worker)`);
    log(`  navigation start to the first "code.py output:" line (after the board's 1 s safe-mode window at power-on): ${ms(first.output)} first visit, ${med('output')} reload`);

    // The page's own longest task: idle (the default code.py has finished), then while code.py runs.
    await waitForTerminal(page, 'Press any key to enter the REPL');
    log(`  longest main-thread task, 4 s idle (code.py done): ${await longestTask(page, 4000)}`);
    const running = async (code: string, started: RegExp, what: string) => {
      await page.locator('.cm-content').click();
      await page.keyboard.press('Control+A');
      await page.keyboard.insertText(code);
      await page.keyboard.press('Control+S');
      await waitForTerminal(page, started);
      await page.waitForTimeout(500);
      const bytes = await consoleBytes(page, () => longestTask(page, 4000));
      log(`  longest main-thread task during 4 s of ${what} (hosted engine): ${bytes.result}; console output to the page ${(bytes.bytes / 4 / 1024).toFixed(0)} kB/s`);
    };
    await running('print("busy")\nn = 0\nwhile True:\n    n += 1\n', /code\.py output:\nbusy\n/, 'a Python busy loop');
    await running('i = 0\nwhile True:\n    print(i)\n    i += 1\n', /code\.py output:\n0\n1\n/, 'a print flood (`print(i)` as fast as it goes)');
    await running('i = 0\nwhile True:\n    print(i, "-" * 200)\n    i += 1\n', /code\.py output:\n0 -+\n/, 'a flood of 200-character lines (more than the console shows: lines skipped)');

    // Our own firmware, flat out: usb_console.elf's main loop polls SysTick and USB and never sleeps.
    const elf = readFileSync(join(root, 'tests/firmware/samd21-usb/usb_console.elf'));
    const uf2 = buildUf2(loadImage(new Uint8Array(elf), { name: 'usb_console.elf' }).segments, SAMD21_FAMILY_ID);
    for (const cpu of ['jit', 'interp']) {
      await dropFirmware(page, url, `pace=off&cpu=${cpu}`, 'usb_console.uf2', uf2);
      await page.waitForTimeout(1000);
      const r = await rates(page, 5);
      log(`  firmware engine, our usb_console.uf2 (polling loop), ?cpu=${cpu}, flat out: ${r.mhz.toFixed(0)} simulated MHz, ${r.mips.toFixed(0)} MIPS (median of 5 s; MHz per second: ${r.each})`);
      if (cpu === 'jit') log(`  longest main-thread task during 4 s of usb_console.uf2 run flat out: ${await longestTask(page, 4000)}`);
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

/**
 * Runs in the page from its first script on (page.addInitScript): the time (performance.now(), from
 * navigation start) of the first animation frame at which the board's canvas is drawn (its centre, the
 * board itself, opaque), CodeMirror's editable content and xterm.js's input textarea are in the page.
 */
function watchReady(): void {
  const w = window as unknown as { circuitemuReady?: number };
  const look = () => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.board-canvas');
    const drawn = !!c && c.width > 0 && c.height > 0 && c.getContext('2d')!.getImageData(c.width >> 1, c.height >> 1, 1, 1).data[3] === 255;
    if (drawn && document.querySelector('.cm-content[contenteditable="true"]') && document.querySelector('.xterm-helper-textarea')) w.circuitemuReady = performance.now();
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}

/**
 * "Interactive": once the views are up (watchReady), a key typed in the editor (a click, then a real key
 * event through the browser's input pipeline) is in its text at an animation frame; that frame's time,
 * from navigation start. The key is undone after.
 */
async function interactiveAt(page: Page): Promise<{ ready: number; interactive: number }> {
  const ready = (await (await page.waitForFunction(() => (window as unknown as { circuitemuReady?: number }).circuitemuReady ?? false, null, { polling: 'raf' })).jsonValue()) as number;
  await page.locator('.cm-content').click();
  await page.keyboard.type('§');
  const shown = await page.waitForFunction(() => (document.querySelector('.cm-content')?.textContent?.includes('§') ? performance.now() : false), null, { polling: 'raf' });
  const interactive = (await shown.jsonValue()) as number;
  await page.keyboard.press('Control+Z');
  return { ready, interactive };
}

/** The time (from navigation start) of the animation frame at which the terminal first shows `text`. */
async function shownAt(page: Page, text: string): Promise<number> {
  const at = await page.waitForFunction(
    (t) => {
      // The views (and their hook) come up after the page's entry has started the machine.
      const hook = (window as unknown as { circuitemu?: { term: { buffer: { active: { length: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } } } } }).circuitemu;
      if (!hook) return false;
      const b = hook.term.buffer.active;
      for (let i = 0; i < b.length; i++) if (b.getLine(i)?.translateToString(true).includes(t)) return performance.now();
      return false;
    },
    text,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await at.jsonValue()) as number;
}

/** Runs `during` while counting the console bytes that reach the page (the machine's console listeners). */
async function consoleBytes<T>(page: Page, during: () => Promise<T>): Promise<{ result: T; bytes: number }> {
  interface Counted {
    circuitemu: { machine: { onConsole(l: (b: Uint8Array) => void): void } };
    consoleCount?: { on: boolean; bytes: number };
  }
  await page.evaluate(() => {
    const w = window as unknown as Counted;
    if (!w.consoleCount) {
      const c = { on: false, bytes: 0 };
      w.consoleCount = c;
      w.circuitemu.machine.onConsole((b) => void (c.on && (c.bytes += b.length)));
    }
    w.consoleCount.bytes = 0;
    w.consoleCount.on = true;
  });
  const result = await during();
  const bytes = await page.evaluate(() => {
    const c = (window as unknown as Counted).consoleCount!;
    c.on = false;
    return c.bytes;
  });
  return { result, bytes };
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
