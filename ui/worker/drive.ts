/**
 * CIRCUITPY as the page edits it. Edits are made by the project's FAT code on a copy of the
 * drive's bytes; the sectors that changed then reach the board the way a computer's would:
 * through the emulated USB mass-storage host while firmware runs (so CircuitPython sees the
 * write and auto-reloads), or straight into the flash when no firmware runs (a programmer).
 */
import { FatError, mount, type FatVolume } from '../../firmware-runtime/fs/fat.js';
import { RegionBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import { formatCircuitpy, spiFlashCircuitpyDevice } from '../../firmware-runtime/fs/circuitpy.js';
import type { BlockWriter, Engine } from './engine.js';
import type { DriveEntry, DriveRequest } from './protocol.js';

const SECTOR = 512;

/** The filesystem's block device over `bytes` (a copy or the live storage). */
function deviceOver(kind: 'spi-flash' | 'internal-flash', bytes: Uint8Array): RegionBlockDevice {
  return kind === 'spi-flash' ? spiFlashCircuitpyDevice(bytes) : new RegionBlockDevice(bytes);
}

function list(vol: FatVolume): DriveEntry[] {
  const out: DriveEntry[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 16) return;
    for (const e of vol.readdir(dir).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = (dir === '/' ? '' : dir) + '/' + e.name;
      out.push({ path, size: e.size, directory: e.isDirectory });
      if (e.isDirectory) walk(path, depth + 1);
    }
  };
  walk('/', 0);
  return out;
}

/**
 * The LBA of the filesystem's first sector on the USB drive. CircuitPython presents CIRCUITPY
 * behind a one-sector MBR (its boot sector says 1 hidden sector), so block 0 over USB is the MBR.
 */
async function partitionStart(usb: BlockWriter): Promise<number> {
  const b0 = await usb.readBlocks(0, 1);
  const isBootSector = b0[0] === 0xeb || b0[0] === 0xe9;
  if (isBootSector || b0[510] !== 0x55 || b0[511] !== 0xaa) return 0;
  return b0[0x1c6] | (b0[0x1c7] << 8) | (b0[0x1c8] << 16) | (b0[0x1c9] << 24);
}

export class Drive {
  constructor(private readonly engine: () => Engine) {}

  private storage() {
    const s = this.engine().circuitpy();
    if (!s) throw new Error('this board has no CIRCUITPY drive');
    return s;
  }

  /** Mounts a volume over `bytes`; a blank drive is formatted as CircuitPython would on first boot. */
  private volume(bytes: Uint8Array, kind: 'spi-flash' | 'internal-flash', writable: boolean): FatVolume {
    const dev = deviceOver(kind, bytes);
    try {
      return mount(dev, { partitionTable: false });
    } catch (e) {
      if (!(e instanceof FatError) || e.code !== 'NO_FILESYSTEM' || !writable) throw e;
      return formatCircuitpy(dev);
    }
  }

  async handle(req: DriveRequest): Promise<{ entries?: DriveEntry[]; data?: Uint8Array }> {
    const { kind, bytes } = this.storage();
    if (req.op === 'image') return { data: bytes.slice() };
    if (req.op === 'list' && this.engine().kind === 'none') {
      // No firmware: a blank drive is formatted now, exactly as CircuitPython's first boot would.
      return { entries: list(this.volume(bytes, kind, true)) };
    }
    if (req.op === 'list' || req.op === 'read') {
      let vol: FatVolume;
      try {
        vol = this.volume(bytes.slice(), kind, false);
      } catch (e) {
        if (e instanceof FatError && e.code === 'NO_FILESYSTEM') return req.op === 'list' ? { entries: [] } : Promise.reject(e);
        throw e;
      }
      return req.op === 'list' ? { entries: list(vol) } : { data: vol.readFile(req.path) };
    }
    const copy = bytes.slice();
    const vol = this.volume(copy, kind, true);
    const engine = this.engine();
    if (req.op === 'write') vol.writeFile(req.path, req.data, { parents: true });
    else if (req.op === 'delete') {
      if (vol.stat(req.path).isDirectory) vol.rmdir(req.path, { recursive: true });
      else vol.unlink(req.path);
    } else vol.rename(req.from, req.to);
    await this.commit(copy, kind);
    // The hosted engine is told of the write as CircuitPython sees one over USB (auto-reload follows).
    if (req.op === 'write' && engine.writeFile) await engine.writeFile(req.path, req.data);
    return { entries: list(this.volume(copy, kind, false)) };
  }

  /** Sends the sectors of `edited` that differ from the board's drive. */
  private async commit(edited: Uint8Array, kind: 'spi-flash' | 'internal-flash'): Promise<void> {
    const engine = this.engine();
    const live = this.storage().bytes;
    const fsBytes = deviceOver(kind, edited).sectorCount * SECTOR;
    const changed: number[] = [];
    for (let s = 0; s * SECTOR < fsBytes; s++) {
      const o = s * SECTOR;
      for (let i = 0; i < SECTOR; i++) {
        if (edited[o + i] !== live[o + i]) {
          changed.push(s);
          break;
        }
      }
    }
    if (changed.length === 0) return;
    if (engine.kind !== 'firmware') {
      // No firmware on the CPU: the flash is written directly, as a programmer would.
      for (const s of changed) live.set(edited.subarray(s * SECTOR, (s + 1) * SECTOR), s * SECTOR);
      return;
    }
    const usb = engine.usbDrive();
    if (!usb) throw new Error('the firmware presents no USB drive yet (CIRCUITPY appears once it has started USB)');
    const base = await partitionStart(usb);
    // Consecutive sectors go in one WRITE(10).
    for (let i = 0; i < changed.length; ) {
      let j = i + 1;
      while (j < changed.length && changed[j] === changed[j - 1] + 1 && j - i < 64) j++;
      const first = changed[i];
      await usb.writeBlocks(base + first, edited.slice(first * SECTOR, (changed[j - 1] + 1) * SECTOR));
      i = j;
    }
  }
}
