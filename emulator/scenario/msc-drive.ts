/**
 * CIRCUITPY through USB mass storage, as the computer the board is plugged into sees it: files
 * are read and written with the host-side FAT code (firmware-runtime/fs) over SCSI block reads
 * and writes on the emulated USB bus, so the firmware sees real MSC traffic (CircuitPython
 * auto-reloads after a write, exactly as on a desk).
 *
 * The FAT code is synchronous and MSC transfers complete on the emulated timeline, so an
 * operation runs against a block cache: a block not yet fetched aborts the attempt, it (and its
 * neighbours) are read over USB, and the operation starts again. Writes collect in an overlay
 * and go out over USB, in block order, only after an attempt succeeds. The cache lives for one
 * operation: the firmware may change the drive between operations.
 */
import { FatError, mount, type FatVolume } from '../../firmware-runtime/fs/fat.js';
import type { BlockDevice } from '../../firmware-runtime/fs/block-device.js';
import type { MscFunction } from '../../firmware-runtime/usb/msc.js';

const BLOCK = 512;
/** Blocks fetched per miss: one 4 KiB flash sector, which is also what FAT walks tend to touch next. */
const FETCH = 8;
/** Blocks per SCSI WRITE(10) sent. */
const WRITE_CHUNK = 16;

class MissingBlock extends Error {
  constructor(readonly lba: number) {
    super(`block ${lba} not fetched yet`);
  }
}

function missingIn(e: unknown): MissingBlock | null {
  for (let x: unknown = e; x instanceof Error; x = x.cause) if (x instanceof MissingBlock) return x;
  return null;
}

export class MscDrive {
  constructor(private readonly msc: MscFunction) {}

  /** Runs `op` on the volume; its writes reach the device before the promise resolves. */
  async run<T>(op: (volume: FatVolume) => T): Promise<T> {
    const { blocks, blockSize } = await this.msc.ready();
    if (blockSize !== BLOCK) throw new Error(`the drive has ${blockSize}-byte blocks; CIRCUITPY has 512`);
    const cache = new Map<number, Uint8Array>();
    for (let attempt = 0; ; attempt++) {
      if (attempt > blocks) throw new Error('the drive could not be read (the file system keeps asking for new blocks)');
      const dirty = new Map<number, Uint8Array>();
      const device: BlockDevice = {
        sectorSize: BLOCK,
        sectorCount: blocks,
        read(lba, count) {
          const out = new Uint8Array(count * BLOCK);
          for (let i = 0; i < count; i++) {
            const b = dirty.get(lba + i) ?? cache.get(lba + i);
            if (!b) throw new MissingBlock(lba + i);
            out.set(b, i * BLOCK);
          }
          return out;
        },
        write(lba, data) {
          for (let i = 0; i * BLOCK < data.length; i++) dirty.set(lba + i, data.slice(i * BLOCK, (i + 1) * BLOCK));
        },
      };
      let result: T;
      try {
        result = op(mount(device));
      } catch (e) {
        const missing = missingIn(e);
        if (!missing) throw e;
        const count = Math.min(FETCH, blocks - missing.lba);
        const data = await this.msc.readBlocks(missing.lba, count);
        for (let i = 0; i < count; i++) if (!cache.has(missing.lba + i)) cache.set(missing.lba + i, data.slice(i * BLOCK, (i + 1) * BLOCK));
        continue;
      }
      await this.flush(dirty);
      return result;
    }
  }

  async readFile(path: string): Promise<Uint8Array | null> {
    return this.run((v) => {
      try {
        return v.readFile(path);
      } catch (e) {
        if (e instanceof FatError && (e.code === 'NOT_FOUND' || e.code === 'NOT_DIR') && !missingIn(e)) return null;
        throw e;
      }
    });
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await this.run((v) => v.writeFile(path, data, { parents: true }));
  }

  /** Sends the written blocks in runs of consecutive block numbers. */
  private async flush(dirty: Map<number, Uint8Array>): Promise<void> {
    const lbas = [...dirty.keys()].sort((a, b) => a - b);
    let i = 0;
    while (i < lbas.length) {
      let n = 1;
      while (i + n < lbas.length && lbas[i + n] === lbas[i] + n && n < WRITE_CHUNK) n++;
      const data = new Uint8Array(n * BLOCK);
      for (let k = 0; k < n; k++) data.set(dirty.get(lbas[i + k])!, k * BLOCK);
      await this.msc.writeBlocks(lbas[i], data);
      i += n;
    }
  }
}
