/**
 * A flash image is user input: every way of damaging one must end in a FatError (or a successful
 * operation on whatever the damage left), never a RangeError, a hang or an infinite loop.
 */
import { describe, expect, it } from 'vitest';
import { RegionBlockDevice, memoryBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import { formatCircuitpy } from '../../firmware-runtime/fs/circuitpy.js';
import { FatVolume, mount } from '../../firmware-runtime/fs/fat.js';
import { listDrive } from '../../firmware-runtime/fs/drive.js';
import { fatCode, fatOutcome, lcg, pattern } from './helpers.js';

/** A populated CIRCUITPY-like image (4088 sectors) with long names, subdirectories and multi-cluster files. */
function populated(): Uint8Array {
  const dev = memoryBlockDevice(4088, 0xff);
  const vol = formatCircuitpy(dev);
  vol.writeFile('/lib/adafruit_long_library_name/__init__.py', pattern(3000, 1), { parents: true });
  vol.writeFile('/lib/adafruit_long_library_name/helpers.py', pattern(700, 2));
  vol.writeFile('/boot_out.txt', 'boot output of the firmware, version 9.2.9, 2025-01-01\n');
  for (let i = 0; i < 40; i++) vol.writeFile(`/data/file number ${i}.bin`, pattern(100 * i, i), { parents: true });
  vol.unlink('/data/file number 7.bin');
  return (dev as RegionBlockDevice).bytes.slice();
}

/** Everything a host tool might do with a drive; each step may fail only with FatError. */
function exercise(dev: RegionBlockDevice): string[] {
  const codes: string[] = [];
  let vol: FatVolume | undefined;
  codes.push(fatOutcome(() => (vol = mount(dev))));
  if (!vol) return codes;
  const v = vol;
  codes.push(fatOutcome(() => v.info()));
  codes.push(fatOutcome(() => listDrive(v)));
  codes.push(
    fatOutcome(() => {
      for (const e of listDrive(v)) if (!e.isDirectory) fatOutcome(() => v.readFile(e.path));
    }),
  );
  codes.push(fatOutcome(() => v.readFile('/code.py')));
  codes.push(fatOutcome(() => v.writeFile('/new/dir/file with long name.txt', pattern(5000), { parents: true })));
  codes.push(fatOutcome(() => v.writeFile('/code.py', 'print(1)\n')));
  codes.push(fatOutcome(() => v.unlink('/boot_out.txt')));
  codes.push(fatOutcome(() => v.rename('/lib', '/data/lib2')));
  codes.push(fatOutcome(() => v.rmdir('/data', { recursive: true })));
  codes.push(fatOutcome(() => v.mkdir('/again')));
  return codes;
}

describe('corrupt images', () => {
  const clean = populated();

  it('the clean image passes every step', () => {
    expect(exercise(new RegionBlockDevice(clean.slice())).every((c) => c === 'ok')).toBe(true);
  });

  it('random byte damage in the metadata area (fixed seed) never escapes as a non-FatError', () => {
    const rand = lcg(0xc1c0);
    const seen = new Map<string, number>();
    for (let round = 0; round < 300; round++) {
      const img = clean.slice();
      const n = 1 + Math.floor(rand() * 24);
      // Boot sector, FAT, root directory and the first data clusters (subdirectories live there).
      for (let k = 0; k < n; k++) img[Math.floor(rand() * 80 * 512)] = Math.floor(rand() * 256);
      for (const c of exercise(new RegionBlockDevice(img))) seen.set(c, (seen.get(c) ?? 0) + 1);
    }
    expect(seen.get('ok')).toBeGreaterThan(0);
    expect([...seen.keys()].some((c) => c !== 'ok')).toBe(true);
  });

  it('random whole-sector garbage (fixed seed) never escapes as a non-FatError', () => {
    const rand = lcg(42);
    for (let round = 0; round < 150; round++) {
      const img = clean.slice();
      const sector = Math.floor(rand() * 80);
      for (let i = 0; i < 512; i++) img[sector * 512 + i] = Math.floor(rand() * 256);
      exercise(new RegionBlockDevice(img));
    }
  });

  it('truncated images are reported as corrupt, not read past their end', () => {
    for (const sectors of [1, 2, 7, 38, 39, 100, 4087]) {
      const dev = new RegionBlockDevice(clean.slice(0, sectors * 512));
      const err = fatCode(() => mount(dev));
      expect(err).toBe('CORRUPT');
    }
    expect(fatCode(() => mount(new RegionBlockDevice(new Uint8Array(0))))).toBe('NO_FILESYSTEM');
  });

  it('blank and zeroed flash are "no filesystem" with a hint', () => {
    expect(() => mount(memoryBlockDevice(4088, 0xff))).toThrow(/erased flash/);
    expect(() => mount(memoryBlockDevice(4088, 0))).toThrow(/all zeros/);
  });

  it('a FAT chain loop is detected', () => {
    const img = clean.slice();
    const vol = mount(new RegionBlockDevice(img));
    const st = vol.stat('/lib/adafruit_long_library_name/__init__.py');
    // FAT12: make the file's second cluster point back at its first.
    const c = st.firstCluster + 1;
    const o = 512 + c + (c >> 1);
    const v = st.firstCluster;
    if (c & 1) {
      img[o] = (img[o]! & 0x0f) | ((v << 4) & 0xf0);
      img[o + 1] = v >> 4;
    } else {
      img[o] = v & 0xff;
      img[o + 1] = (img[o + 1]! & 0xf0) | (v >> 8);
    }
    const again = mount(new RegionBlockDevice(img));
    expect(() => again.readFile('/lib/adafruit_long_library_name/__init__.py')).toThrow(/loops/);
    expect(fatCode(() => again.unlink('/lib/adafruit_long_library_name/__init__.py'))).toBe('CORRUPT');
  });

  it('a directory that contains itself is reported, not walked forever', () => {
    const img = clean.slice();
    const vol = mount(new RegionBlockDevice(img));
    const lib = vol.stat('/lib');
    const g = vol.geometry;
    // Add an entry "LOOP" in /lib pointing at /lib's own cluster.
    const sector = g.firstDataSector + (lib.firstCluster - 2) * g.sectorsPerCluster;
    const dir = img.subarray(sector * 512, (sector + g.sectorsPerCluster) * 512);
    let slot = 0;
    while (dir[slot * 32] !== 0) slot++;
    dir.set([...'LOOP       '].map((ch) => ch.charCodeAt(0)), slot * 32);
    dir[slot * 32 + 11] = 0x10;
    dir[slot * 32 + 26] = lib.firstCluster & 0xff;
    dir[slot * 32 + 27] = lib.firstCluster >> 8;
    expect(fatCode(() => listDrive(mount(new RegionBlockDevice(img))))).toBe('CORRUPT');
    expect(fatCode(() => mount(new RegionBlockDevice(img)).rmdir('/lib', { recursive: true }))).toBe('CORRUPT');
  });

  it('a file larger than its chain is corrupt', () => {
    const img = clean.slice();
    const vol = mount(new RegionBlockDevice(img));
    const g = vol.geometry;
    const root = img.subarray(g.rootDirSector * 512, (g.rootDirSector + g.rootDirSectors) * 512);
    for (let s = 0; s < root.length / 32; s++) {
      if (String.fromCharCode(...root.subarray(s * 32, s * 32 + 11)) === 'CODE    PY ') root[s * 32 + 29] = 0x10; // size += 4096
    }
    expect(() => mount(new RegionBlockDevice(img)).readFile('/code.py')).toThrow(/needs \d+ clusters/);
  });
});
