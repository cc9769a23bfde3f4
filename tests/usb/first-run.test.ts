/**
 * `showRun` (emulator/console.ts), what `circuitemu run` shows of a USB console: one complete run
 * of the program, whenever its output starts relative to the host connecting, and nothing after
 * --expect-text's match. With our CircuitPython-like firmware (tests/firmware/samd21-usb/
 * console.c), which drops output while DTR is clear as CircuitPython does, so the start of a run
 * printed before the host connects is really lost and only a reload can show it.
 */
import { describe, expect, it } from 'vitest';
import { showRun, WAIT_PROMPT } from '../../emulator/console.js';
import { Scheduler } from '../../emulator/kernel/scheduler.js';
import { bootConsoleFirmware, completeRun, type ConsoleConfig } from './console-firmware.js';

function shown(config: Partial<ConsoleConfig>, expectText?: string, elf?: string) {
  const r = bootConsoleFirmware(config, {}, elf);
  const serial = r.host.console;
  let raw = '';
  serial.onData((b) => (raw += new TextDecoder().decode(b)));
  let matched = 0;
  const console = showRun(
    { console: { onData: (l) => serial.onData(l), write: (b) => serial.write(b), close: () => {} }, usbHost: r.host },
    r.chip.scheduler,
    { reload: true, expectText, onExpected: () => matched++ },
  );
  let out = '';
  console.onData((b) => (out += new TextDecoder().decode(b)));
  return { ...r, out: () => out, raw: () => raw, matched: () => matched, write: (s: string) => console.write(new TextEncoder().encode(s)) };
}

const count = (s: string, part: string) => s.split(part).length - 1;

describe('showRun: one complete run of the program on a USB console', () => {
  it('output that starts before the host connects and is still running: Ctrl-C, Ctrl-D, the whole run', () => {
    // 40 lines, one every 20 ms from the moment USB is enabled: the host connects at ~165 ms,
    // in the middle of them.
    const r = shown({ programStartMs: 0, lines: 40, lineIntervalMs: 20 });
    r.runUntil(() => r.out().includes(WAIT_PROMPT), 3000);
    const status = r.status();
    expect(status.bytesDropped).toBeGreaterThan(0); // the start of the first run was really lost
    expect(r.raw()).toContain('KeyboardInterrupt'); // the partial run was interrupted...
    expect(r.out()).not.toContain('KeyboardInterrupt'); // ...unseen
    expect(r.out()).toBe(`soft reboot\r\n${completeRun(40)}\r\n${WAIT_PROMPT}\r\n`);
    expect(status.runs).toBe(2);
  });

  it('a run that ended before the host connected: Ctrl-D at the prompt, the whole run', () => {
    const r = shown({ programStartMs: 0, lines: 3, lineIntervalMs: 10 });
    r.runUntil(() => r.out().includes(WAIT_PROMPT), 3000);
    expect(r.raw()).not.toContain('KeyboardInterrupt');
    expect(r.out()).toBe(`soft reboot\r\n${completeRun(3)}\r\n${WAIT_PROMPT}\r\n`);
    expect(r.status().runs).toBe(2);
  });

  it('a run that starts after the host connected is shown as it is, without a reload', () => {
    const r = shown({ programStartMs: 300, lines: 3, lineIntervalMs: 10 });
    r.runUntil(() => r.out().includes(WAIT_PROMPT), 3000);
    expect(r.out()).toBe(`${completeRun(3)}\r\n${WAIT_PROMPT}\r\n`);
    expect(r.status().runs).toBe(1);
    expect(r.status().bytesDropped).toBe(0);
  });

  it('whenever the output starts (a sweep across the connection), exactly one complete run is shown', { timeout: 60_000 }, () => {
    for (let start = 0; start <= 400; start += 25) {
      const r = shown({ programStartMs: start, lines: 6, lineIntervalMs: 30 }, 'Code done running.');
      r.runUntil(() => r.matched() > 0, 4000);
      const out = r.out();
      const where = `output from ${start} ms`;
      expect(r.matched(), where).toBe(1);
      expect(count(out, 'code.py output:'), where).toBe(1);
      expect(out.endsWith(completeRun(6).trimEnd()), where).toBe(true);
      expect(out === completeRun(6).trimEnd() || out === `soft reboot\r\n${completeRun(6).trimEnd()}`, where).toBe(true);
    }
  });

  it('--expect-text: the output ends right after the match, even as the program goes on', () => {
    const r = shown({ programStartMs: 300, lines: 30, lineIntervalMs: 5 }, 'line 4 of');
    r.runUntil(() => r.matched() > 0, 3000);
    r.runUntil(() => false, 300); // the program prints its other 26 lines
    expect(r.raw()).toContain('line 30 of 30');
    expect(r.out()).toBe('code.py output:\r\nline 1 of 30\r\nline 2 of 30\r\nline 3 of 30\r\nline 4 of');
    expect(r.matched()).toBe(1);
  });

  it('input goes straight to the device once the run is shown (the REPL, Ctrl-D reloads again)', () => {
    const r = shown({ programStartMs: 300, lines: 1, lineIntervalMs: 1 });
    r.runUntil(() => r.out().includes(WAIT_PROMPT), 3000);
    r.write('x');
    r.runUntil(() => r.out().endsWith('>>> '), 200);
    r.write('\x04');
    r.runUntil(() => count(r.out(), 'Code done running.') === 2, 500);
    expect(r.out()).toMatch(/>>> soft reboot\r\ncode\.py output:\r\nline 1 of 1\r\n\r\nCode done running\.\r\n/);
  });

  it('a device that is not CircuitPython (no prompt answers Ctrl-C): everything since the connection is shown', () => {
    const r = shown({}, undefined, 'usb_echo.elf');
    r.write('typed before the console appeared');
    r.runUntil(() => r.host.console.connected, 1000);
    const connectedAt = r.ms();
    r.runUntil(() => r.out().length > 0, 5000);
    // Held back for the join window (0.25 s) and the wait for an answer to Ctrl-C (2 s).
    expect(r.ms() - connectedAt).toBeGreaterThanOrEqual(2250);
    expect(r.ms() - connectedAt).toBeLessThan(2300);
    expect(r.out()).toBe('typed before the console appeared\x03'); // the echo device echoes the Ctrl-C too
    r.write('then more');
    r.runUntil(() => r.out().endsWith('then more'), 100);
    expect(r.out()).toBe('typed before the console appeared\x03then more');
  });
});

describe('showRun --expect-text on any console', () => {
  it('cuts right after the match, across chunk boundaries and inside UTF-8 characters', () => {
    let feed: (bytes: Uint8Array) => void = () => {};
    const raw = { onData: (l: (b: Uint8Array) => void) => void (feed = l), write: () => {}, close: () => {} };
    let found = 0;
    const console = showRun({ console: raw }, new Scheduler(48_000_000), { reload: false, expectText: 'café ☕!', onExpected: () => found++ });
    const out: number[] = [];
    console.onData((b) => out.push(...b));
    const bytes = new TextEncoder().encode('menu: café ☕ café ☕! and more café ☕! text');
    for (let i = 0; i < bytes.length; i += 3) feed(bytes.subarray(i, i + 3));
    expect(new TextDecoder().decode(new Uint8Array(out))).toBe('menu: café ☕ café ☕!');
    expect(found).toBe(1);
  });
});
