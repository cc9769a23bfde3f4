import { describe, expect, it } from 'vitest';
import { RegionBlockDevice, memoryBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import {
  CIRCUITPY_CODE_PY,
  CPX_SPI_FLASH_SIZE,
  ensureCircuitpy,
  formatCircuitpy,
  samd21InternalCircuitpyDevice,
  spiFlashCircuitpyDevice,
} from '../../firmware-runtime/fs/circuitpy.js';
import { DEFAULT_FAT_DATE, FatVolume, fromFatStamp, lfnChecksum, mkfs, mount, toFatStamp } from '../../firmware-runtime/fs/fat.js';
import { expectBytes, fatCode, pattern } from './helpers.js';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const DATE = new Date(Date.UTC(2024, 4, 17, 13, 45, 31));

function blankCpx(): { flash: Uint8Array; dev: RegionBlockDevice } {
  const flash = new Uint8Array(CPX_SPI_FLASH_SIZE).fill(0xff);
  return { flash, dev: spiFlashCircuitpyDevice(flash) };
}

describe('CircuitPython layout (CPX, 2 MiB SPI flash)', () => {
  it('formats 4088 sectors as FatFs does: FAT12, 1 KiB clusters, one FAT', () => {
    const { flash, dev } = blankCpx();
    expect(dev.sectorCount).toBe(4088);
    const vol = formatCircuitpy(dev);
    expect(vol.geometry).toMatchObject({
      fatType: 12,
      sectorsPerCluster: 2,
      reservedSectors: 1,
      fatCount: 1,
      fatSectors: 6,
      rootEntries: 512,
      totalSectors: 4088,
      hiddenSectors: 1,
      clusterCount: 2024,
      rootDirSector: 7,
      firstDataSector: 39,
      oemName: 'MSDOS5.0',
      media: 0xf8,
    });
    expect([...flash.subarray(0, 3)]).toEqual([0xeb, 0xfe, 0x90]);
    expect(String.fromCharCode(...flash.subarray(54, 62))).toBe('FAT     ');
    expect([flash[510], flash[511]]).toEqual([0x55, 0xaa]);
    // The scratch erase sector at the end of the flash is not part of the filesystem.
    expect(flash.subarray(CPX_SPI_FLASH_SIZE - 4096).every((b) => b === 0xff)).toBe(true);
    // FAT[0] = media F8 + FF, FAT[1] = FFF (FatFs writes F8 FF FF).
    expect([...flash.subarray(512, 515)]).toEqual([0xf8, 0xff, 0xff]);
  });

  it('creates the first-boot files in CircuitPython order with the label entry first', () => {
    const { dev } = blankCpx();
    const vol = formatCircuitpy(dev, { date: DATE });
    expect(vol.label).toBe('CIRCUITPY');
    expect(vol.readdir('/').map((e) => e.name)).toEqual(['.fseventsd', '.metadata_never_index', '.Trashes', '.Trash-1000', 'code.py', 'lib']);
    expect(vol.readdir('/.fseventsd').map((e) => e.name)).toEqual(['no_log']);
    expect(text(vol.readFile('/code.py'))).toBe(CIRCUITPY_CODE_PY);
    expect(vol.stat('/code.py')).toMatchObject({ shortName: 'CODE.PY', size: 22, mtime: new Date(Date.UTC(2024, 4, 17, 13, 45, 30)) });
    expect(vol.stat('/lib').isDirectory).toBe(true);
    expect(vol.stat('/.fseventsd').shortName).toBe('FSEVEN~1');
    // Root slot 0 is the label: attribute 0x08, name "CIRCUITPY  ".
    const root = dev.read(7, 1);
    expect(String.fromCharCode(...root.subarray(0, 11))).toBe('CIRCUITPY  ');
    expect(root[11]).toBe(0x08);
  });

  it('honours the build options (no USB, settings.toml, /sd, non-full build)', () => {
    const { dev } = blankCpx();
    const vol = formatCircuitpy(dev, { usbDevice: false, settingsToml: true, sdDirectory: true, fullBuild: false, label: 'MYDRIVE' });
    expect(vol.label).toBe('MYDRIVE');
    expect(vol.readdir('/').map((e) => e.name)).toEqual(['sd', 'settings.toml', 'code.py', 'lib']);
    expect(vol.readdir('/sd')).toEqual([]);
    expect(vol.stat('/code.py').size).toBe(0);
  });

  it('SAMD21 internal flash: 64 KiB at 0x2FE00, FAT12, 512 B clusters, 128 root entries', () => {
    const flash = new Uint8Array(256 * 1024).fill(0xff);
    const dev = samd21InternalCircuitpyDevice(flash);
    expect((dev as RegionBlockDevice).offset).toBe(0x2fe00);
    const vol = formatCircuitpy(dev);
    expect(vol.geometry).toMatchObject({ fatType: 12, sectorsPerCluster: 1, fatSectors: 1, rootEntries: 128, clusterCount: 118, totalSectors: 128 });
    expect(flash.subarray(0x3fe00).every((b) => b === 0xff)).toBe(true);
    expect(flash.subarray(0, 0x2fe00).every((b) => b === 0xff)).toBe(true);
  });

  it('ensureCircuitpy formats blank flash once and then keeps the files', () => {
    const { dev } = blankCpx();
    const first = ensureCircuitpy(dev);
    expect(first.formatted).toBe(true);
    expect(first.reason).toMatch(/erased flash/);
    first.volume.writeFile('/code.py', 'print(42)\n');
    const second = ensureCircuitpy(dev);
    expect(second.formatted).toBe(false);
    expect(text(second.volume.readFile('/code.py'))).toBe('print(42)\n');
  });

  it('reformats (like FatFs) when the boot sector breaks a FatFs rule, unless told not to', () => {
    const { flash, dev } = blankCpx();
    formatCircuitpy(dev);
    flash[16] = 3; // BPB_NumFATs = 3: FatFs says FR_NO_FILESYSTEM
    expect(fatCode(() => mount(dev))).toBe('NO_FILESYSTEM');
    expect(fatCode(() => ensureCircuitpy(dev, { formatIfMissing: false }))).toBe('NO_FILESYSTEM');
    expect(ensureCircuitpy(dev).formatted).toBe(true);
  });
});

describe('mkfs cluster-size selection (FatFs algorithm)', () => {
  const cases: Array<[number, number, number, number]> = [
    // sectors, FAT type, sectors per cluster, clusters
    [128, 12, 1, 118],
    [1024, 12, 1, 987],
    [4088, 12, 2, 2024],
    [8192, 12, 4, 2038],
    [16384, 12, 8, 2043],
    [32768, 16, 4, 8175],
    [131072, 16, 8, 16371],
  ];
  for (const [sectors, type, spc, clusters] of cases) {
    it(`${sectors} sectors -> FAT${type}, ${spc}-sector clusters`, () => {
      const dev = memoryBlockDevice(sectors);
      const g = mkfs(dev);
      expect(g.fatType).toBe(type);
      expect(g.sectorsPerCluster).toBe(spc);
      if (clusters) expect(g.clusterCount).toBe(clusters);
      const vol = mount(dev);
      expect(vol.readdir('/')).toEqual([]);
      if (type === 16) expect(g.clusterCount).toBeGreaterThan(4085);
      else expect(g.clusterCount).toBeLessThanOrEqual(4085);
    });
  }

  it('rejects devices that are too small and bad options', () => {
    expect(fatCode(() => mkfs(memoryBlockDevice(10)))).toBe('INVALID_ARGUMENT');
    expect(fatCode(() => mkfs(memoryBlockDevice(4088), { sectorsPerCluster: 3 }))).toBe('INVALID_ARGUMENT');
    expect(fatCode(() => mkfs(memoryBlockDevice(4088), { rootEntries: 10 }))).toBe('INVALID_ARGUMENT');
  });
});

describe('files and directories', () => {
  function fresh(sectors = 4088, fatCount: 1 | 2 = 1): { dev: RegionBlockDevice; vol: FatVolume } {
    const dev = memoryBlockDevice(sectors);
    mkfs(dev, { label: 'TEST', fatCount });
    return { dev, vol: mount(dev, { date: DATE }) };
  }

  it('round-trips long names, nested directories and binary data through a remount', () => {
    const { dev, vol } = fresh(4088, 2);
    const files: Record<string, Uint8Array> = {
      '/code.py': new TextEncoder().encode('import board\n'),
      '/lib/adafruit_display_text/label.py': pattern(5000, 2),
      '/lib/adafruit_display_text/bitmap_label.py': pattern(1, 3),
      '/a/b/c/d/e/deep file with spaces.txt': pattern(1024, 4),
      '/Ünïcödé ✓ name.txt': pattern(13, 5),
      '/exactly13char': pattern(2048, 6),
      '/twenty-six-characters-abc': pattern(0, 7),
      '/UPPER.TXT': pattern(100, 8),
      '/lower.txt': pattern(100, 9),
      '/Mixed.Txt': pattern(100, 10),
      '/a.b.c.d': pattern(7, 11),
      '/x+y=z;[1],2': pattern(8, 12),
      ['/' + 'n'.repeat(255)]: pattern(9, 13),
    };
    for (const [p, d] of Object.entries(files)) vol.writeFile(p, d, { parents: true });
    const again = mount(dev);
    for (const [p, d] of Object.entries(files)) expectBytes(again.readFile(p), d, p);
    expect(again.readdir('/lib/adafruit_display_text').map((e) => e.name).sort()).toEqual(['bitmap_label.py', 'label.py']);
    expect(again.stat('/UPPER.TXT').shortName).toBe('UPPER.TXT');
    expect(again.stat('/lower.txt').shortName).toBe('LOWER.TXT');
    expect(again.stat('/Mixed.Txt').shortName).toBe('MIXED.TXT');
    expect(again.stat('/a.b.c.d').shortName).toBe('ABC~1.D');
    expect(again.stat('/x+y=z;[1],2').shortName).toBe('X_Y_Z_~1');
    // Lookups are case-insensitive and also accept the 8.3 alias.
    expectBytes(again.readFile('/LIB/ADAFRU~1/LABEL.PY'), files['/lib/adafruit_display_text/label.py']!);
    expect(again.info().label).toBe('TEST');
    // Both FAT copies are identical.
    const g = again.geometry;
    expectBytes(dev.read(g.firstFatSector, g.fatSectors), dev.read(g.firstFatSector + g.fatSectors, g.fatSectors), 'FAT copies');
  });

  it('writes LFN entries with correct order, checksum and padding', () => {
    const { dev, vol } = fresh();
    vol.writeFile('/A long file name.py', 'x');
    const root = dev.read(mount(dev).geometry.rootDirSector, 1);
    // slot 0 = label, slots 1-2 = LFN (ord 0x42 then 0x01), slot 3 = 8.3 "ALONGF~1PY "
    expect(root[32]).toBe(0x42);
    expect(root[64]).toBe(0x01);
    expect(root[32 + 11]).toBe(0x0f);
    const sfn = root.subarray(96, 107);
    expect(String.fromCharCode(...sfn)).toBe('ALONGF~1PY ');
    expect(root[32 + 13]).toBe(lfnChecksum(sfn));
    expect(root[64 + 13]).toBe(lfnChecksum(sfn));
    // "A long file name.py" is 19 chars: entry 2 holds chars 13-18 ("ame.py"), a 0x0000 terminator, then 0xFFFF.
    expect([root[32 + 1], root[32 + 2]]).toEqual([0x61, 0]);
    expect([root[32 + 14], root[32 + 15]]).toEqual([0x79, 0]);
    expect([root[32 + 16], root[32 + 17]]).toEqual([0, 0]);
    expect([root[32 + 18], root[32 + 19], root[32 + 30], root[32 + 31]]).toEqual([0xff, 0xff, 0xff, 0xff]);
    expect([root[64 + 1], root[64 + 2]]).toEqual([0x41, 0]); // 'A'
  });

  it('generates distinct numeric tails and refuses duplicates that differ only in case', () => {
    const { vol } = fresh();
    for (let i = 0; i < 12; i++) vol.writeFile(`/Long file name number ${i}.txt`, `${i}`);
    const shorts = vol.readdir('/').map((e) => e.shortName);
    expect(new Set(shorts).size).toBe(shorts.length);
    expect(shorts).toContain('LONGFI~1.TXT');
    expect(shorts).toContain('LONGF~10.TXT');
    expect(fatCode(() => vol.mkdir('/LONG FILE NAME NUMBER 3.TXT'))).toBe('EXISTS');
    expect(fatCode(() => vol.mkdir('/longfi~1.txt'))).toBe('EXISTS');
  });

  it('overwrites files, replacing their clusters and keeping the name', () => {
    const { vol } = fresh();
    vol.writeFile('/data.bin', pattern(10_000));
    const free0 = vol.info().freeClusters;
    vol.writeFile('/data.bin', pattern(100, 3));
    expect(vol.info().freeClusters).toBe(free0 + 10 - 1);
    expectBytes(vol.readFile('/data.bin'), pattern(100, 3));
    vol.writeFile('/data.bin', new Uint8Array(0));
    expect(vol.stat('/data.bin')).toMatchObject({ size: 0, firstCluster: 0 });
    expect(vol.readdir('/').map((e) => e.name)).toEqual(['data.bin']);
  });

  it('reports path errors with codes', () => {
    const { vol } = fresh();
    vol.writeFile('/f.txt', 'x');
    vol.mkdir('/d');
    vol.writeFile('/d/inner', 'y');
    expect(fatCode(() => vol.readFile('/nope'))).toBe('NOT_FOUND');
    expect(fatCode(() => vol.readFile('/d'))).toBe('IS_DIR');
    expect(fatCode(() => vol.readdir('/f.txt'))).toBe('NOT_DIR');
    expect(fatCode(() => vol.writeFile('/f.txt/x', 'z'))).toBe('NOT_DIR');
    expect(fatCode(() => vol.writeFile('/missing/x', 'z'))).toBe('NOT_FOUND');
    expect(fatCode(() => vol.writeFile('/bad:name', 'z'))).toBe('INVALID_NAME');
    expect(fatCode(() => vol.writeFile('/' + 'n'.repeat(256), 'z'))).toBe('INVALID_NAME');
    expect(fatCode(() => vol.writeFile('/d', 'z'))).toBe('IS_DIR');
    expect(fatCode(() => vol.mkdir('/d'))).toBe('EXISTS');
    expect(fatCode(() => vol.rmdir('/d'))).toBe('NOT_EMPTY');
    expect(fatCode(() => vol.unlink('/d'))).toBe('IS_DIR');
    expect(fatCode(() => vol.rmdir('/f.txt'))).toBe('NOT_DIR');
    expect(fatCode(() => vol.rmdir('/'))).toBe('INVALID_ARGUMENT');
    expect(fatCode(() => mount(vol['dev' as keyof FatVolume] as never, { readOnly: true }).writeFile('/z', 'z'))).toBe('READ_ONLY');
    expect(vol.exists('/d/inner')).toBe(true);
    expect(vol.exists('/f.txt/inner')).toBe(false);
    // Trailing dots and spaces are dropped, as FatFs does.
    vol.writeFile('/trail. .', 'q');
    expect(vol.exists('/trail')).toBe(true);
  });

  it('unlinks and removes directories, returning every cluster', () => {
    const { dev, vol } = fresh();
    const free0 = vol.info().freeClusters;
    vol.writeFile('/t/a/b/file1', pattern(3000), { parents: true });
    vol.writeFile('/t/a/file2', pattern(1), { parents: true });
    vol.writeFile('/t/file3', pattern(0), { parents: true });
    expect(fatCode(() => vol.rmdir('/t'))).toBe('NOT_EMPTY');
    vol.unlink('/t/a/file2');
    vol.rmdir('/t', { recursive: true });
    expect(vol.readdir('/')).toEqual([]);
    expect(vol.info().freeClusters).toBe(free0);
    expect(mount(dev).info().freeClusters).toBe(free0);
  });

  it('renames within a directory, across directories, and moves directories (fixing "..")', () => {
    const { dev, vol } = fresh();
    vol.writeFile('/src/old name.txt', 'hello', { parents: true });
    vol.mkdir('/dst');
    vol.rename('/src/old name.txt', '/src/New Name.TXT');
    expect(vol.readdir('/src').map((e) => e.name)).toEqual(['New Name.TXT']);
    vol.rename('/src/new name.txt', '/dst/moved.txt');
    expect(text(vol.readFile('/dst/moved.txt'))).toBe('hello');
    expect(vol.readdir('/src')).toEqual([]);
    vol.writeFile('/dst/other.txt', 'other');
    vol.rename('/dst/other.txt', '/dst/moved.txt'); // replaces a file
    expect(text(vol.readFile('/dst/moved.txt'))).toBe('other');
    vol.rename('/dst', '/src/dst2');
    const moved = mount(dev);
    expect(text(moved.readFile('/src/dst2/moved.txt'))).toBe('other');
    // ".." of the moved directory now points at /src.
    const dst2 = moved.stat('/src/dst2');
    const src = moved.stat('/src');
    const g = moved.geometry;
    const dotdot = dev.read(g.firstDataSector + (dst2.firstCluster - 2) * g.sectorsPerCluster, 1).subarray(32, 64);
    expect(dotdot[26]! | (dotdot[27]! << 8)).toBe(src.firstCluster);
    expect(fatCode(() => moved.rename('/src', '/src/dst2/inside'))).toBe('INVALID_ARGUMENT');
    moved.writeFile('/f', 'f');
    expect(fatCode(() => moved.rename('/f', '/src'))).toBe('EXISTS');
  });

  it('grows subdirectories across clusters and reports a full root directory', () => {
    const { dev, vol } = fresh();
    for (let i = 0; i < 300; i++) vol.writeFile(`/lib/module_number_${i}.py`, `n = ${i}\n`, { parents: true });
    const again = mount(dev);
    expect(again.readdir('/lib')).toHaveLength(300);
    expect(text(again.readFile('/lib/module_number_299.py'))).toBe('n = 299\n');
    // Root: 512 entries, label uses one; a 20-char name takes 3.
    let made = 0;
    const code = fatCode(() => {
      for (; made < 1000; made++) vol.writeFile(`/root file name ${String(made).padStart(4, '0')}`, '');
    });
    expect(code).toBe('DIR_FULL');
    expect(made).toBe(Math.floor((512 - 2) / 3)); // minus the label and /lib
  });

  it('fills the volume, refuses an over-large write without side effects, and survives fragmentation', () => {
    const { dev, vol } = fresh(1024); // FAT12, 512 B clusters
    const info = vol.info();
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      vol.writeFile(`/f${i}`, pattern(2000 + i, i));
      files.push(`/f${i}`);
    }
    for (let i = 0; i < 40; i += 2) vol.unlink(`/f${i}`);
    const free = vol.info().freeClusters;
    const big = pattern(free * 512 - 100, 99);
    vol.writeFile('/big', big); // must use the holes
    expect(vol.info().freeClusters).toBe(0);
    expect(fatCode(() => vol.writeFile('/more', 'x'))).toBe('NO_SPACE');
    expect(vol.exists('/more')).toBe(false);
    expect(fatCode(() => vol.writeFile('/f1', pattern(5000)))).toBe('NO_SPACE');
    const again = mount(dev);
    expectBytes(again.readFile('/big'), big);
    for (let i = 1; i < 40; i += 2) expectBytes(again.readFile(`/f${i}`), pattern(2000 + i, i));
    expect(again.info().freeClusters).toBe(0);
    again.unlink('/big');
    expect(again.info().freeClusters).toBe(free);
    expect(info.totalClusters).toBe(again.info().totalClusters);
  });

  it('handles FAT12 entries that straddle FAT sector boundaries', () => {
    // 2048 sectors with 1-sector clusters: entries 341 and 682 start at byte 511 / 1023 of the FAT.
    const dev = memoryBlockDevice(2048);
    const g = mkfs(dev, { sectorsPerCluster: 1 });
    expect(g.fatType).toBe(12);
    const vol = mount(dev);
    const chunks: Uint8Array[] = [];
    // Interleave two files so both odd and even entries cross the boundaries in both chains.
    for (let i = 0; i < 700; i++) {
      vol.writeFile(`/d/${i % 2 ? 'odd' : 'even'}${i}`, pattern(512, i), { parents: true });
      chunks.push(pattern(512, i));
    }
    vol.rmdir('/d', { recursive: true });
    const whole = pattern(vol.info().freeBytes, 7);
    vol.writeFile('/whole', whole);
    const again = mount(dev);
    expectBytes(again.readFile('/whole'), whole);
    expect(again.info().freeClusters).toBe(0);
  });

  it('works on FAT16 volumes', () => {
    const dev = memoryBlockDevice(32768);
    mkfs(dev, { fatCount: 2 });
    const vol = mount(dev);
    expect(vol.geometry.fatType).toBe(16);
    const big = pattern(3 * 1024 * 1024, 5);
    vol.writeFile('/big.bin', big);
    vol.writeFile('/dir/small.txt', 'small', { parents: true });
    const again = mount(dev);
    expectBytes(again.readFile('/big.bin'), big);
    expect(text(again.readFile('/dir/small.txt'))).toBe('small');
  });

  it('mounts a volume behind an MBR (an image dumped through USB MSC)', () => {
    const disk = memoryBlockDevice(4089);
    const mbr = new Uint8Array(512);
    mbr.set([0, 0xff, 0xff, 0xff, 0x06, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0xf8, 0x0f, 0, 0], 446);
    mbr[510] = 0x55;
    mbr[511] = 0xaa;
    disk.write(0, mbr);
    const part = new RegionBlockDevice(disk.bytes, 512, 4088 * 512);
    formatCircuitpy(part);
    const vol = mount(disk);
    expect(vol.location).toEqual({ startSector: 1, partition: 1 });
    expect(text(vol.readFile('/code.py'))).toBe(CIRCUITPY_CODE_PY);
    // CircuitPython itself would not look behind an MBR on its flash, so ensureCircuitpy reformats.
    expect(fatCode(() => mount(disk, { partitionTable: false }))).toBe('NO_FILESYSTEM');
  });
});

describe('timestamps', () => {
  it('encodes UTC fields, 2-second resolution plus tenths, and clamps to the FAT range', () => {
    const s = toFatStamp(new Date(Date.UTC(2024, 4, 17, 13, 45, 31, 250)));
    expect(s.date).toBe(((2024 - 1980) << 9) | (5 << 5) | 17);
    expect(s.time).toBe((13 << 11) | (45 << 5) | 15);
    expect(s.tenth).toBe(125);
    expect(fromFatStamp(s.date, s.time, s.tenth).toISOString()).toBe('2024-05-17T13:45:31.250Z');
    expect(fromFatStamp(toFatStamp(new Date(Date.UTC(1970, 0, 1))).date, 0).getUTCFullYear()).toBe(1980);
    expect(fromFatStamp(0, 0).getUTCFullYear()).toBe(1980); // zero fields never throw
    expect(toFatStamp(new Date(NaN))).toEqual(toFatStamp(DEFAULT_FAT_DATE));
  });

  it('uses the volume date source, never the wall clock', () => {
    const dev = memoryBlockDevice(1024);
    mkfs(dev);
    let t = Date.UTC(2030, 0, 1);
    const vol = mount(dev, { date: () => new Date((t += 2000)) });
    vol.writeFile('/a', 'a');
    vol.writeFile('/b', 'b');
    expect(vol.stat('/a').mtime.toISOString()).toBe('2030-01-01T00:00:02.000Z');
    expect(vol.stat('/b').mtime.toISOString()).toBe('2030-01-01T00:00:04.000Z');
    const plain = mount(dev);
    plain.writeFile('/c', 'c');
    expect(plain.stat('/c').mtime).toEqual(DEFAULT_FAT_DATE);
    plain.writeFile('/d', 'd', { date: new Date(Date.UTC(2001, 1, 2, 3, 4, 6)) });
    expect(plain.stat('/d').mtime.toISOString()).toBe('2001-02-02T03:04:06.000Z');
  });
});
