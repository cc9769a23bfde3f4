import { existsSync, mkdirSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import { CPX_SPI_FLASH_SIZE, ensureCircuitpy, spiFlashCircuitpyDevice } from '../../firmware-runtime/fs/circuitpy.js';
import { listDrive, MAX_DRIVE_DEPTH, readDriveFile, readDriveText, writeDriveFile } from '../../firmware-runtime/fs/drive.js';
import { copyDirectoryToDrive } from '../../emulator/drive.js';
import { FatError, mkfs, mount } from '../../firmware-runtime/fs/fat.js';
import { expectBytes, fatCode, pattern, removeDir, tempDir } from './helpers.js';

const dirs: string[] = [];
const scratch = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach(removeDir));

describe('host helpers', () => {
  it('copies a host tree onto a freshly formatted CIRCUITPY, deterministically', () => {
    const host = scratch();
    mkdirSync(join(host, 'lib', 'adafruit_thing'), { recursive: true });
    writeFileSync(join(host, 'code.py'), 'print("from --drive")\n');
    writeFileSync(join(host, 'lib', 'adafruit_thing', '__init__.py'), pattern(4000));
    writeFileSync(join(host, 'Sound Effect.wav'), pattern(20_000, 3));
    mkdirSync(join(host, 'empty dir'));
    symlinkSync(host, join(host, 'lib', 'loop')); // a cycle must be reported, not followed forever
    const make = (): Uint8Array => {
      const flash = new Uint8Array(CPX_SPI_FLASH_SIZE).fill(0xff);
      const dev = spiFlashCircuitpyDevice(flash);
      const { volume } = ensureCircuitpy(dev);
      expect(() => copyDirectoryToDrive(volume, host)).toThrow(/symbolic link loop/);
      return flash;
    };
    const a = make();
    expectBytes(a, make(), 'two runs');
    const dev = spiFlashCircuitpyDevice(a);
    expect(readDriveText(dev, '/code.py')).toBe('print("from --drive")\n');
    expectBytes(readDriveFile(dev, '/Sound Effect.wav'), pattern(20_000, 3));
    const paths = listDrive(dev).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/lib/adafruit_thing/__init__.py', '/empty dir', '/.fseventsd/no_log', '/lib']));
    expect(listDrive(dev, '/lib', { recursive: false }).map((e) => e.name)).toContain('adafruit_thing');
  });

  it('copies into a destination directory and can keep host modification times', () => {
    const host = scratch();
    writeFileSync(join(host, 'a.txt'), 'a');
    const dev = memoryBlockDevice(4088);
    mkfs(dev);
    const written = copyDirectoryToDrive(dev, host, { destination: '/sub/dir', preserveMtime: true });
    expect(written).toEqual(['/sub/dir/a.txt']);
    const st = mount(dev).stat('/sub/dir/a.txt');
    expect(Math.abs(st.mtime.getTime() - statSync(join(host, 'a.txt')).mtime.getTime())).toBeLessThan(2001);
  });

  it('writeDriveFile creates parents; errors stay FatErrors', () => {
    const dev = memoryBlockDevice(1024);
    mkfs(dev);
    writeDriveFile(dev, '/deep/er/file.txt', 'x');
    expect(readDriveText(dev, 'deep/er/file.txt')).toBe('x');
    expect(() => readDriveFile(dev, '/missing')).toThrow(FatError);
    expect(() => listDrive(memoryBlockDevice(64, 0xff))).toThrow(FatError);
  });
});

describe('nesting depth', () => {
  it('refuses to write deeper than a listing reads back, and lists what it accepts', () => {
    const { volume } = ensureCircuitpy(memoryBlockDevice(4088, 0xff));
    const path = (n: number): string => '/' + Array.from({ length: n }, (_, i) => `d${i}`).join('/') + '/f';
    expect(() => writeDriveFile(volume, path(MAX_DRIVE_DEPTH + 1), 'x')).toThrow(/nested too deeply: 65 directories/);
    writeDriveFile(volume, path(MAX_DRIVE_DEPTH), 'x');
    expect(listDrive(volume).some((e) => e.path === path(MAX_DRIVE_DEPTH))).toBe(true);
  });

  it('refuses a host tree deeper than that in copyDirectoryToDrive', () => {
    const host = scratch();
    mkdirSync(join(host, ...Array.from({ length: MAX_DRIVE_DEPTH + 1 }, (_, i) => `d${i}`)), { recursive: true });
    const { volume } = ensureCircuitpy(memoryBlockDevice(4088, 0xff));
    expect(() => copyDirectoryToDrive(volume, host)).toThrow(/nested too deeply/);
  });

  it('refuses a host file larger than the drive without reading it', () => {
    const host = scratch();
    writeFileSync(join(host, 'huge.bin'), '');
    truncateSync(join(host, 'huge.bin'), 3 * 2 ** 30); // sparse: no disk, but no read either
    const { volume } = ensureCircuitpy(memoryBlockDevice(4088, 0xff));
    expect(fatCode(() => copyDirectoryToDrive(volume, host))).toBe('NO_SPACE');
  });
});
