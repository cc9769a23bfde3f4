/**
 * `circuitemu run` on the cpx board with our CircuitPython-like USB console firmware
 * (tests/firmware/samd21-usb/console.c): the output shown is one complete run, ending at
 * --expect-text's match, whenever the program's output starts. Runs the built CLI (`npm test`
 * builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completeRun } from './console-firmware.js';

const root = new URL('../../', import.meta.url).pathname;
const bin = join(root, 'bin/circuitemu.js');
const scratch = mkdtempSync(join(tmpdir(), 'circuitemu-usbcon-cli-'));

/** usb_console.elf with its `config` (magic "CONF", then the defaults 0, 20, 0, 5, 10) changed. */
function consoleImage(name: string, programStartMs: number, lines: number, lineIntervalMs: number): string {
  const elf = new Uint8Array(readFileSync(join(root, 'tests/firmware/samd21-usb/usb_console.elf')));
  const defaults = new Uint8Array(new Uint32Array([0x464e4f43, 0, 20, 0, 5, 10]).buffer);
  const at = Buffer.from(elf).indexOf(Buffer.from(defaults));
  if (at < 0 || Buffer.from(elf).indexOf(Buffer.from(defaults), at + 1) >= 0) throw new Error('usb_console.elf: config not found exactly once');
  new DataView(elf.buffer).setUint32(at + 12, programStartMs, true);
  new DataView(elf.buffer).setUint32(at + 16, lines, true);
  new DataView(elf.buffer).setUint32(at + 20, lineIntervalMs, true);
  const path = join(scratch, name);
  writeFileSync(path, elf);
  return path;
}

function run(image: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, [bin, 'run', '--board', 'cpx', '--firmware', image, '--timeout', '10', ...flags], { timeout: 120_000 });
  return { status: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const DONE = 'Code done running.';

describe('circuitemu run shows one complete run of a USB console program', () => {
  it('a run that ended before the host connected: reloaded, shown from "soft reboot" to the match', () => {
    const r = run(consoleImage('short.elf', 0, 5, 10), '--expect-text', DONE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`soft reboot\r\n${completeRun(5).trimEnd()}`);
  });

  it('a run still going when the host connected: interrupted unseen, reloaded, shown whole', () => {
    const r = run(consoleImage('long.elf', 0, 40, 20), '--expect-text', DONE);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`soft reboot\r\n${completeRun(40).trimEnd()}`);
  });

  it('--no-reload shows the raw console: the run joined part-way, its header lost', () => {
    const r = run(consoleImage('raw.elf', 0, 40, 20), '--expect-text', DONE, '--no-reload');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('code.py output:');
    expect(r.stdout.endsWith(`line 40 of 40\r\n\r\n${DONE}`)).toBe(true);
  });
});
