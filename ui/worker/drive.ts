/**
 * CIRCUITPY as the page reads and edits it, the way a computer would:
 *  - while firmware runs and presents its drive over USB, every operation (list, read, write, delete,
 *    rename) goes through the emulated USB mass-storage host (emulator/scenario/msc-drive.ts: SCSI
 *    READ(10)/WRITE(10) on the emulated bus), so CircuitPython sees real MSC traffic and auto-reloads;
 *  - with no firmware (the CPU-less chip) or the hosted engine, the project's FAT code edits a copy of
 *    the flash and the changed sectors are written straight into it (a programmer), and the hosted
 *    engine is told of the write as CircuitPython would see one over USB.
 * Firmware that presents no drive (yet, or ever: a test image with only a serial port) is read from
 * its flash as a programmer would; writing to it is refused with a clear message.
 */
import { FatError, mount, type FatVolume } from '../../firmware-runtime/fs/fat.js';
import { RegionBlockDevice } from '../../firmware-runtime/fs/block-device.js';
import { formatCircuitpy, spiFlashCircuitpyDevice } from '../../firmware-runtime/fs/circuitpy.js';
import { MscDrive } from '../../emulator/scenario/msc-drive.js';
import type { Engine } from './engine.js';
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
    const usb = this.usbDrive();
    if (usb) return this.overUsb(usb, req);
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

  /** The firmware's USB drive, once it presents one (configured, with a mass-storage interface). */
  private usbDrive(): MscDrive | null {
    const engine = this.engine();
    const msc = engine.kind === 'firmware' ? engine.usbDrive() : null;
    return msc?.active ? new MscDrive(msc) : null;
  }

  /** One operation as a computer does it over USB mass storage (the cache lives for this operation only). */
  private async overUsb(usb: MscDrive, req: Exclude<DriveRequest, { op: 'image' }>): Promise<{ entries?: DriveEntry[]; data?: Uint8Array }> {
    if (req.op === 'read') return { data: await usb.run((v) => v.readFile(req.path)) };
    const entries = await usb.run((v) => {
      if (req.op === 'write') v.writeFile(req.path, req.data, { parents: true });
      else if (req.op === 'delete') {
        if (v.stat(req.path).isDirectory) v.rmdir(req.path, { recursive: true });
        else v.unlink(req.path);
      } else if (req.op === 'rename') v.rename(req.from, req.to);
      return list(v);
    });
    return { entries };
  }

  /** Writes the sectors of `edited` that differ from the board's flash (no firmware, or the hosted engine). */
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
    if (engine.kind === 'firmware') throw new Error('the firmware presents no USB drive (CIRCUITPY appears once it has started USB): nothing was written');
    for (const s of changed) live.set(edited.subarray(s * SECTOR, (s + 1) * SECTOR), s * SECTOR);
  }
}
