/**
 * Issue 8 item 14: the Node API checks its arguments and throws a typed ArgumentError naming the
 * option, instead of running garbage ('hello' as an image), crashing with a TypeError from deep
 * inside, or treating NaN / -1 seconds as an immediate timeout.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, createBoard, loadFirmware, runFirmware, type RunOptions } from '../../emulator/run.js';

const demo = new Uint8Array(readFileSync(new URL('../firmware/demo/demo.elf', import.meta.url)));

function error(f: () => unknown): ArgumentError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ArgumentError);
    return e as ArgumentError;
  }
  throw new Error('no error thrown');
}

describe('Node API argument checks', () => {
  it('refuses an image that is not bytes', () => {
    const e = error(() => runFirmware({ board: 'test-m0', image: 'hello' } as unknown as RunOptions));
    expect(e.option).toBe('image');
    expect(e.message).toMatch(/Uint8Array.*the string "hello"/);
  });

  it('refuses a missing image with a clear message', () => {
    const e = error(() => runFirmware({ board: 'test-m0' } as unknown as RunOptions));
    expect(e.option).toBe('image');
    expect(e.message).toMatch(/needs an image/);
  });

  it.each([NaN, -1, 0, Infinity, '5'])('refuses timeoutSeconds %s', (t) => {
    const e = error(() => runFirmware({ board: 'test-m0', image: demo, timeoutSeconds: t as number }));
    expect(e.option).toBe('timeoutSeconds');
  });

  it('refuses an unknown board, and firmware on a board built without a CPU', () => {
    expect(error(() => runFirmware({ board: 'nope', image: demo })).option).toBe('board');
    const hosted = createBoard('cpx', { core: 'none' });
    expect(error(() => loadFirmware(hosted, demo)).message).toMatch(/without a CPU/);
    expect(error(() => createBoard('test-m0', { core: 'none' })).option).toBe('core');
  });

  it('still runs a valid program', () => {
    const r = runFirmware({ board: 'test-m0', image: demo, timeoutSeconds: 10 });
    expect(r.reason).toBe('exit');
  });
});
