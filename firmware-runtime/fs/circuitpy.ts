/**
 * The CIRCUITPY drive as CircuitPython 9.x keeps it (checked against tag 9.2.9, SAMD21 boards).
 *
 * WHERE IT LIVES
 * - SPI-flash boards (Circuit Playground Express: 2 MiB GD25Q16C/S25FL216K/W25Q16JV):
 *   supervisor/shared/external_flash/external_flash.c: block n is at flash byte n * 512 (no offset), and
 *   supervisor_flash_get_block_count() = (total_size - SPI_FLASH_ERASE_SIZE) / 512 because the last 4 KiB
 *   erase sector is the read-modify-write scratch area. CPX: flash bytes 0x000000-0x1FEFFF = 4088 sectors;
 *   0x1FF000-0x1FFFFF is scratch and belongs to no filesystem.
 * - Internal-flash SAMD21 boards (Trinket M0, Gemma M0, ...): ports/atmel-samd/mpconfigport.h: 64 KiB at
 *   FLASH_SIZE - 256 (nvm) - 256 (config row) - 64 KiB = 0x2FE00 (on a 256 KiB part), 128 sectors
 *   (ports/atmel-samd/supervisor/internal_flash.c: block n at start + n * 512).
 *
 * NO PARTITION TABLE ON FLASH
 * - supervisor/shared/flash.c fakes an MBR: the FatFs block device has one extra sector 0 that reads as an
 *   MBR with one partition (type 0x06, start LBA 1, length = block count) and ignores writes; fatfs.part = 1.
 *   Device sector k >= 1 is flash block k - 1. So the FAT boot sector is at flash offset 0 (a "super-floppy"
 *   as far as the flash bytes go), BPB_HiddSec = 1, and a USB host sees MBR + partition. mount() accepts both
 *   shapes (raw flash, or an image dumped through USB MSC).
 *
 * HOW IT IS FORMATTED (supervisor/shared/filesystem.c filesystem_init; lib/oofatfs/ff.c f_mkfs, FatFs R0.13c)
 * - f_mkfs(FM_FAT, au = 0) inside partition 1: on SAMD21 MICROPY_FATFS_EXFAT = 0 and MKFS_FAT32 = 0
 *   (ports/atmel-samd/mpconfigport.h); exFAT would only be picked for >= 64 Mi sectors anyway.
 * - n_fats = 1 (a CircuitPython constant in f_mkfs), 1 reserved sector, 512 root entries (128 when the
 *   volume is <= 256 sectors, a CIRCUITPY-CHANGE), erase block 1 sector (extmod/vfs_fat_diskio.c
 *   GET_BLOCK_SIZE), so no data alignment. Cluster-size table by volume size in 4K-sector units.
 * - CPX, 4088 sectors: first try 1-sector clusters gives 4039 clusters, too few for FAT16 (<= 4085), so
 *   clusters double to 2 sectors: FAT12, 2024 clusters of 1 KiB, FAT of 6 sectors, root dir at sector 7
 *   (32 sectors), data at sector 39. TotSec16 = 4088, HiddSec = 1, media F8, OEM "MSDOS5.0", jump EB FE 90,
 *   BS_VolLab "NO NAME", BS_FilSysType "FAT     ", VolID random (make_volid in supervisor/shared/fatfs.c).
 * - Internal flash, 128 sectors: FAT12, 1-sector clusters, 1 FAT sector, 128 root entries, 118 clusters.
 * - Then f_setlabel("CIRCUITPY") (or CIRCUITPY_DRIVE_LABEL): a root-directory entry with ATTR_VOLUME_ID and
 *   zero timestamps; the BPB label stays "NO NAME". One deliberate difference here: we also put the label in
 *   BS_VolLab (FatFs never reads it; fsck.fat otherwise reports the mismatch and exits 1). The volume serial
 *   number is derived from the date instead of random, so images are reproducible.
 * - Then, in this order: with CIRCUITPY_USB_DEVICE: mkdir /.fseventsd, empty /.fseventsd/no_log,
 *   /.metadata_never_index, /.Trashes, /.Trash-1000; with CIRCUITPY_SDCARDIO/SDIOIO (0 on SAMD21): /sd and
 *   /sd/placeholder.txt; with CIRCUITPY_OS_GETENV (0 on SAMD21): empty /settings.toml; /code.py containing
 *   `print("Hello World!")\n` (empty when CIRCUITPY_FULL_BUILD = 0; the CPX is a full build); mkdir /lib.
 * - /boot_out.txt is not part of formatting: main.c writes it after boot.py on every boot whose banner text
 *   differs from the file's contents.
 * - Timestamps come from get_fattime (supervisor/shared/fatfs.c): the RTC, which on a SAMD21 counts from
 *   2000-01-01 after power-on; we use DEFAULT_FAT_DATE (that date) unless the caller passes one.
 *
 * WHEN CIRCUITPYTHON REFORMATS (filesystem_init)
 * - f_mount must return FR_OK. FR_NO_FILESYSTEM (with create_allowed, i.e. not in safe mode) or a requested
 *   erase (storage.erase_filesystem) formats; any other error leaves the board without CIRCUITPY.
 * - FatFs returns FR_NO_FILESYSTEM unless (check_fs, find_volume): the fake-MBR partition's first sector
 *   ends in 55 AA, starts with EB/E9/E8, and holds "FAT" at offset 54 (or "FAT32" at 82); BytsPerSec = 512;
 *   FATSz != 0; NumFATs 1 or 2; SecPerClus a non-zero power of two; RootEntCnt a multiple of 16; RsvdSecCnt
 *   != 0; total sectors >= system area; cluster count > 0 and <= 0x0FFFFFF5; FATSz big enough for it.
 *   Nothing beyond the BPB is checked at mount: a damaged FAT or directory is used as is.
 * mount() in fat.ts applies exactly these rules and reports a failure as FatError code NO_FILESYSTEM.
 */
import { BlockDevice, RegionBlockDevice, RegionBlockDeviceOptions } from './block-device.js';
import { DEFAULT_FAT_DATE, FatError, FatVolume, mkfs, mount } from './fat.js';

/** SPI flash erase sector; the last one is CircuitPython's scratch sector. */
export const SPI_FLASH_ERASE_SIZE = 4096;
export const CPX_SPI_FLASH_SIZE = 2 * 1024 * 1024;
/** SAMD21 internal-flash filesystem: 64 KiB below the config and nvm rows (256 B each) at the top of flash. */
export const SAMD21_INTERNAL_FS_SIZE = 64 * 1024;

/** CIRCUITPY on an external SPI flash: every byte except the last 4 KiB erase sector. */
export function spiFlashCircuitpyDevice(flash: Uint8Array, options: RegionBlockDeviceOptions = {}): RegionBlockDevice {
  if (flash.length <= SPI_FLASH_ERASE_SIZE || flash.length % SPI_FLASH_ERASE_SIZE !== 0) {
    throw new FatError('INVALID_ARGUMENT', `a ${flash.length}-byte SPI flash cannot hold CIRCUITPY (needs whole 4 KiB sectors plus scratch)`);
  }
  return new RegionBlockDevice(flash, 0, flash.length - SPI_FLASH_ERASE_SIZE, options);
}

/** CIRCUITPY in a SAMD21's internal flash (`flash` = the whole 256 KiB or 128 KiB array). */
export function samd21InternalCircuitpyDevice(
  flash: Uint8Array,
  size = SAMD21_INTERNAL_FS_SIZE,
  options: RegionBlockDeviceOptions = {},
): RegionBlockDevice {
  const start = flash.length - 256 - 256 - size;
  if (start < 0) throw new FatError('INVALID_ARGUMENT', `a ${flash.length}-byte flash cannot hold a ${size}-byte filesystem`);
  return new RegionBlockDevice(flash, start, size, options);
}

export interface CircuitpyFormatOptions {
  /** Timestamp of the files created; default 2000-01-01 (SAMD21 RTC epoch). */
  date?: Date;
  /** CIRCUITPY_DRIVE_LABEL; default "CIRCUITPY". */
  label?: string;
  /** CIRCUITPY_USB_DEVICE: the macOS/Linux housekeeping files (default true). */
  usbDevice?: boolean;
  /** CIRCUITPY_FULL_BUILD: code.py gets its Hello World line (default true). */
  fullBuild?: boolean;
  /** CIRCUITPY_OS_GETENV: an empty settings.toml (default false: off on SAMD21). */
  settingsToml?: boolean;
  /** CIRCUITPY_SDCARDIO || CIRCUITPY_SDIOIO: /sd with its placeholder (default false on SAMD21). */
  sdDirectory?: boolean;
  /** Volume serial number; default derived from the date (CircuitPython picks a random one). */
  volumeId?: number;
}

export const CIRCUITPY_CODE_PY = 'print("Hello World!")\n';
const SD_PLACEHOLDER = 'SD cards mounted at /sd will hide this file from Python. SD cards are not visible via USB CIRCUITPY.\n';

/** Formats `dev` exactly as CircuitPython's filesystem_init does on first boot, and returns the mounted volume. */
export function formatCircuitpy(dev: BlockDevice, options: CircuitpyFormatOptions = {}): FatVolume {
  const date = options.date ?? DEFAULT_FAT_DATE;
  mkfs(dev, { hiddenSectors: 1, fatCount: 1, date, volumeId: options.volumeId });
  const vol = mount(dev, { date });
  vol.setLabel(options.label ?? 'CIRCUITPY');
  if (options.usbDevice ?? true) {
    vol.mkdir('/.fseventsd');
    vol.writeFile('/.fseventsd/no_log', new Uint8Array(0));
    vol.writeFile('/.metadata_never_index', new Uint8Array(0));
    vol.writeFile('/.Trashes', new Uint8Array(0));
    vol.writeFile('/.Trash-1000', new Uint8Array(0));
  }
  if (options.sdDirectory) {
    vol.mkdir('/sd');
    if (options.fullBuild ?? true) vol.writeFile('/sd/placeholder.txt', SD_PLACEHOLDER);
  }
  if (options.settingsToml) vol.writeFile('/settings.toml', new Uint8Array(0));
  vol.writeFile('/code.py', (options.fullBuild ?? true) ? CIRCUITPY_CODE_PY : '');
  vol.mkdir('/lib');
  return vol;
}

export interface EnsureResult {
  volume: FatVolume;
  /** True when the device held no filesystem FatFs accepts and was formatted, as the firmware would. */
  formatted: boolean;
  /** Why it was formatted (the mount error), if it was. */
  reason?: string;
}

/**
 * Mounts CIRCUITPY, formatting it first when CircuitPython itself would (FatFs says "no filesystem": blank
 * flash or a boot sector it rejects). A volume that mounts but is damaged inside is never wiped here.
 */
export function ensureCircuitpy(dev: BlockDevice, options: CircuitpyFormatOptions & { formatIfMissing?: boolean } = {}): EnsureResult {
  try {
    return { volume: mount(dev, { date: options.date, partitionTable: false }), formatted: false };
  } catch (e) {
    if (!(e instanceof FatError) || e.code !== 'NO_FILESYSTEM' || options.formatIfMissing === false) throw e;
    return { volume: formatCircuitpy(dev, options), formatted: true, reason: e.message };
  }
}
