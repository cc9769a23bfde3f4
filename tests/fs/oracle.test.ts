/**
 * Independent oracle: dosfstools (fsck.fat, mkfs.fat) and mtools (mcopy, mdir) must agree with us.
 * CI: apt-get install dosfstools mtools. Without them these tests are skipped with a message.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RegionBlockDevice, memoryBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import { CPX_SPI_FLASH_SIZE, formatCircuitpy, spiFlashCircuitpyDevice } from '../../firmware-runtime/fs/circuitpy.js';
import { mkfs, mount } from '../../firmware-runtime/fs/fat.js';
import { HAVE_FSCK, HAVE_MKFS, HAVE_MTOOLS, expectBytes, fsck, mtools, pattern, readImageFile, removeDir, tempDir } from './helpers.js';

const HAVE_ALL = HAVE_FSCK && HAVE_MKFS && HAVE_MTOOLS;
if (!HAVE_ALL) {
  console.warn('[tests/fs/oracle] SKIPPED: fsck.fat / mkfs.fat / mcopy not found; install the Debian packages "dosfstools" and "mtools" to run the FAT oracle tests');
}

const dirs: string[] = [];
const scratch = (): string => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach(removeDir));

function expectClean(image: Uint8Array): void {
  const r = fsck(image, scratch());
  if (r.status !== 0) throw new Error(`fsck.fat -n reported problems (exit ${r.status}):\n${r.output}`);
}

/** A CPX drive with a realistic mix of content, after deletes, overwrites and renames. */
function busyCpxImage(): { image: Uint8Array; files: Map<string, Uint8Array> } {
  const flash = new Uint8Array(CPX_SPI_FLASH_SIZE).fill(0xff);
  const dev = spiFlashCircuitpyDevice(flash);
  const vol = formatCircuitpy(dev, { date: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) });
  const files = new Map<string, Uint8Array>();
  const put = (p: string, d: Uint8Array): void => {
    vol.writeFile(p, d, { parents: true });
    files.set(p, d);
  };
  put('/code.py', new TextEncoder().encode('import time\nwhile True:\n    time.sleep(1)\n'));
  for (let i = 0; i < 30; i++) put(`/lib/adafruit_module_${i}/module file ${i}.py`, pattern(300 * i + 1, i));
  for (let i = 0; i < 30; i += 3) {
    vol.rmdir(`/lib/adafruit_module_${i}`, { recursive: true });
    files.delete(`/lib/adafruit_module_${i}/module file ${i}.py`);
  }
  put('/sounds/A rather long sound file name.wav', pattern(150_000, 77));
  vol.rename('/lib/adafruit_module_1', '/sounds/moved module');
  files.set('/sounds/moved module/module file 1.py', files.get('/lib/adafruit_module_1/module file 1.py')!);
  files.delete('/lib/adafruit_module_1/module file 1.py');
  put('/code.py', pattern(5000, 5));
  return { image: flash.subarray(0, dev.sectorCount * 512), files };
}

describe.skipIf(!HAVE_ALL)('FAT oracle: dosfstools and mtools', () => {
  it('fsck.fat accepts a freshly formatted CIRCUITPY (CPX and internal flash)', () => {
    const flash = new Uint8Array(CPX_SPI_FLASH_SIZE).fill(0xff);
    const dev = spiFlashCircuitpyDevice(flash);
    formatCircuitpy(dev);
    expectClean(flash.subarray(0, dev.sectorCount * 512));
    const small = memoryBlockDevice(128, 0xff);
    formatCircuitpy(small);
    expectClean(small.bytes);
  });

  it('fsck.fat accepts a busy drive, and mcopy reads back every file we wrote', () => {
    const { image, files } = busyCpxImage();
    expectClean(image);
    const dir = scratch();
    const img = join(dir, 'cpx.img');
    writeFileSync(img, image);
    for (const [p, d] of files) {
      const out = join(dir, 'out.bin');
      mtools('mcopy', ['-n', '-o', '-i', img, `::${p}`, out]);
      expectBytes(readImageFile(out), d, p);
    }
    const listing = mtools('mdir', ['-/', '-b', '-i', img, '::/']);
    expect(listing).toContain('A rather long sound file name.wav');
    expect(mtools('mlabel', ['-s', '-i', img, '::'])).toContain('CIRCUITPY');
  });

  it('reads files mcopy wrote, including long names and subdirectories, then writes more that fsck accepts', () => {
    const dir = scratch();
    const img = join(dir, 'cpx.img');
    const dev = memoryBlockDevice(4088, 0xff);
    formatCircuitpy(dev);
    writeFileSync(img, dev.bytes);
    const src = join(dir, 'Some Host File With A Long Name.txt');
    writeFileSync(src, pattern(12_345, 9));
    mtools('mmd', ['-i', img, '::/host dir', '::/host dir/nested']);
    mtools('mcopy', ['-i', img, src, '::/host dir/nested/']);
    mtools('mcopy', ['-o', '-i', img, src, '::/code.py']);
    const theirs = new RegionBlockDevice(readImageFile(img));
    const vol = mount(theirs);
    expectBytes(vol.readFile('/host dir/nested/Some Host File With A Long Name.txt'), pattern(12_345, 9));
    expectBytes(vol.readFile('/code.py'), pattern(12_345, 9));
    vol.writeFile('/host dir/nested/ours.py', pattern(3000, 1));
    vol.unlink('/code.py');
    vol.rename('/host dir', '/lib/host dir renamed');
    expectClean(theirs.bytes);
    writeFileSync(img, theirs.bytes);
    const out = join(dir, 'ours.py');
    mtools('mcopy', ['-n', '-i', img, '::/lib/host dir renamed/nested/ours.py', out]);
    expectBytes(readImageFile(out), pattern(3000, 1));
  });

  for (const [fat, sizeKiB, extra] of [
    [12, 2044, ['-s', '1']],
    [12, 4096, ['-s', '2']], // about 4080 clusters: close to the FAT12 limit
    [16, 16 * 1024, []],
    [32, 64 * 1024, ['-s', '1']],
  ] as Array<[number, number, string[]]>) {
    it(`mounts, reads and writes a mkfs.fat FAT${fat} image (${sizeKiB} KiB, two FATs)`, () => {
      const dir = scratch();
      const img = join(dir, `fat${fat}.img`);
      mtools('mkfs.fat', ['-C', '-F', String(fat), '-n', 'ORACLE', ...extra, img, String(sizeKiB)]);
      const src = join(dir, 'payload with spaces.bin');
      writeFileSync(src, pattern(70_000, fat));
      mtools('mmd', ['-i', img, '::/d']);
      mtools('mcopy', ['-i', img, src, '::/d/']);
      const dev = new RegionBlockDevice(readImageFile(img));
      const vol = mount(dev);
      expect(vol.geometry.fatType).toBe(fat);
      expect(vol.geometry.fatCount).toBe(2);
      expect(vol.label).toBe('ORACLE');
      expectBytes(vol.readFile('/d/payload with spaces.bin'), pattern(70_000, fat));
      for (let i = 0; i < 20; i++) vol.writeFile(`/ours/file number ${i}.dat`, pattern(1000 * i, i), { parents: true });
      vol.unlink('/d/payload with spaces.bin');
      vol.writeFile('/big.bin', pattern(200_000, 3));
      expectClean(dev.bytes);
      writeFileSync(img, dev.bytes);
      const out = join(dir, 'big.out');
      mtools('mcopy', ['-n', '-i', img, '::/big.bin', out]);
      expectBytes(readImageFile(out), pattern(200_000, 3));
    });
  }

  it('mkfs (FatFs layout) with two FATs and many sizes passes fsck.fat', () => {
    for (const sectors of [64, 200, 1000, 4088, 9000, 40000]) {
      const dev = memoryBlockDevice(sectors);
      mkfs(dev, { fatCount: 2, label: 'SIZES' });
      const vol = mount(dev);
      vol.writeFile('/dir/file.txt', pattern(Math.min(sectors * 100, 50_000)), { parents: true });
      expectClean(dev.bytes);
    }
  });
});
