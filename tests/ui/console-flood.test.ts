/**
 * A code.py that prints as fast as it can, in a real browser (the built site, as tests/ui/hosted.test.ts):
 * the page must stay live (ui/console-feed.ts writes the flood to xterm.js in bounded pieces; the hosted
 * engine waits for the machine's worker, as CircuitPython's USB serial waits for the host). The oracles
 * are what the board and the page do: a press of button A with the mouse reaches code.py while it floods,
 * a Ctrl-C typed in the console stops it with CircuitPython's KeyboardInterrupt, and the REPL after it
 * answers 1+1 with 2; lines dropped when output outruns the console are counted by a marker, and the lines
 * on either side of it are consecutive. The longest main-thread task is logged (figures are the bench's,
 * tests/bench/browser-bench.ts, not a timed test).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM, haveChromium, openSite, saveCode, shot, terminalText, waitForTerminal, type Site } from './site.js';

if (!haveChromium) console.warn(`[tests/ui] SKIPPED console flood browser tests: ${CHROMIUM} is absent`);

interface ScrollableTerm {
  buffer: { active: { length: number; getLine(i: number): { isWrapped: boolean; translateToString(trim: boolean): string } | undefined } };
  scrollToLine(line: number): void;
}


/** Starts recording the page's long tasks (over 50 ms); `longest` reads the longest since. */
async function watchTasks(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const w = window as unknown as { longest: number };
    w.longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  return () => page.evaluate(() => (window as unknown as { longest: number }).longest);
}

describe.skipIf(!haveChromium)('web app: a code.py that prints as fast as it can', () => {
  let site: Site;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    site = await openSite();
    ({ page, errors } = site);
    await page.goto(site.url);
    await waitForTerminal(page, 'code.py output:');
  }, 120_000);

  afterAll(async () => {
    await site?.close();
  });

  it('stays live: button A reaches code.py while it floods, Ctrl-C typed in the console stops it, then 1+1 gives 2', async () => {
    const longest = await watchTasks(page);
    await saveCode(page, [
      'import board, digitalio',
      'a = digitalio.DigitalInOut(board.BUTTON_A)',
      'a.switch_to_input(pull=digitalio.Pull.DOWN)',
      'i = 0',
      'while True:',
      '    print(i, a.value)',
      '    i += 1',
      '',
    ].join('\n'));
    await waitForTerminal(page, /\n2000 False\n/);
    // A real mouse press on the drawing's button A, held until code.py prints that it sees it.
    const box = (await page.locator('[data-control="buttonA"]').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const t0 = Date.now();
    await page.mouse.down();
    await waitForTerminal(page, /\n\d+ True\n/, 20_000);
    console.log(`[tests/ui] during the flood, button A pressed to code.py printing True: ${Date.now() - t0} ms`);
    await page.mouse.up();
    await waitForTerminal(page, /\n\d+ True\n(\d+ True\n)*\d+ False\n/, 20_000);
    await shot(page, 'flood-running');
    // Ctrl-C typed in the console (xterm.js's key path, not the Ctrl-C button).
    await page.locator('.xterm').click();
    const t1 = Date.now();
    await page.keyboard.press('Control+C');
    await waitForTerminal(page, /\d+ (True|False)\nTraceback \(most recent call last\):\n  File "code\.py", line \d+, in <module>\nKeyboardInterrupt: ?\n\nCode done running\.\n\nPress any key to enter the REPL\. Use CTRL-D to reload\.\n/, 20_000);
    console.log(`[tests/ui] Ctrl-C typed during the flood to its KeyboardInterrupt on the page: ${Date.now() - t1} ms`);
    await page.keyboard.press('Enter');
    await waitForTerminal(page, />>> ?\n?$/m);
    await page.keyboard.type('1+1\r');
    await waitForTerminal(page, />>> 1\+1\n2\n>>> ?\n/);
    console.log(`[tests/ui] longest main-thread task during the flood: ${(await longest()).toFixed(0)} ms (0: none over 50 ms)`);
    expect(errors).toEqual([]);
  }, 120_000);

  it('output the console cannot keep up with is dropped by whole lines, with a marker that counts them', async () => {
    // Long lines make megabytes a second, more than the console writes (32 kB per animation frame).
    await page.keyboard.press('Control+D');
    await saveCode(page, 'i = 0\nwhile True:\n    print(i, "-" * 200)\n    i += 1\n');
    // Read in one go, in the page, as soon as a marker is in the terminal: the scrollback (5000 rows, 1666
    // of these lines) holds less than what passes between two markers (keepPending, 512 kB).
    const found = await page.waitForFunction(
      () => {
        const term = (window as unknown as { circuitemu: { term: ScrollableTerm } }).circuitemu.term;
        const b = term.buffer.active;
        let s = '';
        let at = -1;
        for (let i = 0; i < b.length; i++) {
          const line = b.getLine(i);
          const row = line?.translateToString(!b.getLine(i + 1)?.isWrapped) ?? '';
          if (at < 0 && row.includes('skipped: the board prints')) at = i;
          s += (i > 0 && !line?.isWrapped ? '\n' : '') + row;
        }
        if (at < 0 || !/skipped: the board prints faster than the console shows …\]\n\d+ -+\n/.test(s)) return false;
        // Scrolled back to the marker, for a look (SCREENSHOTS=<dir>): the view stays while the flood goes on.
        term.scrollToLine(Math.max(0, at - 8));
        return s;
      },
      null,
      { timeout: 30_000, polling: 'raf' },
    );
    const text = (await found.jsonValue()) as string;
    await shot(page, 'flood-skipped');
    // Every line either shown or counted by the marker before it: the numbers run on across each marker.
    const from = text.lastIndexOf('code.py output:\n');
    // The first row may be the tail of a line whose start left the scrollback, the last one still being written.
    const rows = (from >= 0 ? text.slice(from).split('\n') : text.split('\n').slice(1)).slice(1, -1);
    let next: number | null = null;
    let markers = 0;
    for (const row of rows) {
      const m = /^\[… ([\d,]+) lines? \([\d.]+ [kM]B\) skipped: the board prints faster than the console shows …\]$/.exec(row);
      if (m) {
        markers++;
        if (next !== null) next += Number(m[1]!.replace(/,/g, ''));
        continue;
      }
      expect(row, 'a whole line of the program').toMatch(/^\d+ -{200}$/);
      const n = Number(row.split(' ')[0]);
      if (next !== null) expect(n).toBe(next);
      next = n + 1;
    }
    expect(markers).toBeGreaterThan(0);
    await page.locator('.xterm').click();
    await page.keyboard.press('Control+C');
    await waitForTerminal(page, /KeyboardInterrupt: ?\n\nCode done running\./, 20_000);
    expect(errors).toEqual([]);
  }, 120_000);
});
