/**
 * What the browser suites share: the built site on Vite's preview server (the same static files and
 * COOP/COEP headers `npm start` serves) opened in Debian's Chromium through playwright-core, and the
 * serial console's text as the page's xterm.js shows it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
/** The repository (from tests/ui/, or from dist/tests/ui/ when `npm run bench` runs the compiled file). */
export const root = [join(import.meta.dirname, '../..'), join(import.meta.dirname, '../../..')].find((d) => existsSync(join(d, 'vite.config.ts')))!;

export interface Site {
  page: Page;
  /** The site's URL, with the query the suite asked for. */
  url: string;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Builds the site, serves it on a free port and opens a fresh Chromium profile on it. */
export async function openSite(query = ''): Promise<Site> {
  const outDir = mkdtempSync(join(tmpdir(), 'circuitemu-ui-'));
  const profile = mkdtempSync(join(tmpdir(), 'circuitemu-chromium-'));
  const configFile = join(root, 'vite.config.ts');
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({ configFile, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 950 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const origin = new URL(server.resolvedUrls!.local[0]!).origin;
  // The page's entry starts the machine, then loads its views (ui/boot.ts): for the suites a navigation to
  // the site ends once the views are up (their hook set), as it ended with the load event before.
  const goto = page.goto.bind(page);
  const reload = page.reload.bind(page);
  const viewsUp = async () => {
    if (page.url().startsWith(origin)) await page.waitForFunction(() => (window as unknown as { circuitemu?: unknown }).circuitemu !== undefined);
  };
  page.goto = async (...args: Parameters<Page['goto']>) => {
    const response = await goto(...args);
    await viewsUp();
    return response;
  };
  page.reload = async (...args: Parameters<Page['reload']>) => {
    const response = await reload(...args);
    await viewsUp();
    return response;
  };
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    page,
    url: server.resolvedUrls!.local[0] + query,
    errors,
    async close() {
      await context.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

interface TermHook {
  circuitemu: { term: { buffer: { active: { length: number; getLine(i: number): { isWrapped: boolean; translateToString(trim: boolean): string } | undefined } } } };
}

/** Everything the terminal shows, scrollback included; a line the terminal wrapped is joined again. */
export function terminalText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const b = (window as unknown as TermHook).circuitemu.term.buffer.active;
    let s = '';
    for (let i = 0; i < b.length; i++) {
      const line = b.getLine(i);
      s += (i > 0 && !line?.isWrapped ? '\n' : '') + (line?.translateToString(!b.getLine(i + 1)?.isWrapped) ?? '');
    }
    return s;
  });
}

/** Waits until the terminal's text matches `text` (a RegExp) or contains it (a string). */
export async function waitForTerminal(page: Page, text: string | RegExp, timeout = 60_000): Promise<void> {
  const source = typeof text === 'string' ? text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : text.source;
  try {
    await page.waitForFunction(
      (src) => {
        // The views (and their hook) come up after the page's entry has started the machine.
        const hook = (window as unknown as Partial<TermHook>).circuitemu;
        if (!hook) return false;
        const b = hook.term.buffer.active;
        let s = '';
        for (let i = 0; i < b.length; i++) {
          const line = b.getLine(i);
          s += (i > 0 && !line?.isWrapped ? '\n' : '') + (line?.translateToString(!b.getLine(i + 1)?.isWrapped) ?? '');
        }
        return new RegExp(src).test(s + '\n');
      },
      source,
      { timeout },
    );
  } catch (e) {
    throw new Error(`the terminal never showed ${String(text)}; it shows:\n${await terminalText(page)}`, { cause: e });
  }
}

/** Drops a file on the page as a user's drag and drop does (a DataTransfer on a drop event). */
export async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  // Base64, not an array of numbers: a 600 KB image as JSON numbers took seconds to cross to the page.
  await page.evaluate(
    ({ name, base64 }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name));
      document.querySelector('#board')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, base64: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') },
  );
}

/** Saves a screenshot as $SCREENSHOTS/NAME.png when that folder is set (to look at what the tests saw). */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOTS;
  if (dir) writeFileSync(join(dir, `${name}.png`), await page.screenshot());
}

/** Replaces code.py as the editor's Save does (a host write: CircuitPython auto-reloads). */
export async function saveCode(page: Page, code: string): Promise<void> {
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(code);
  await page.keyboard.press('Control+S');
  await page.waitForFunction(
    () => (window as unknown as { circuitemu: { store: { getState(): { notice: { text: string } | null } } } }).circuitemu.store.getState().notice?.text === 'Saved /code.py.',
  );
}
