/**
 * DSU, the Device Service Unit (data sheet section 13), as the CPU sees it: the device
 * identification (DID), the status registers, the CRC32 memory checker, and the CoreSight ROM
 * table identification at 0x41003000 (ENTRYn, END, MEMTYPE, PIDn, CIDn) that debuggers walk.
 * Chip erase and MBIST need a debugger; from the CPU they just report DONE.
 */
import { RegisterBlock, type Register } from '../register-block.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { DEVICE_ID } from './memory-map.js';

export interface DsuOptions {
  /** STATUSB.DBGPRES: a debugger is connected. */
  debuggerPresent?: boolean;
}

/** STATUSA bits (13.13.2). */
export const DSU_STATUSA = { DONE: 1 << 0, CRSTEXT: 1 << 1, BERR: 1 << 2, FAIL: 1 << 3, PERR: 1 << 4 } as const;

export class DSU extends RegisterBlock implements Samd21Peripheral {
  readonly CTRL: Register;
  readonly STATUSA: Register;
  readonly STATUSB: Register;
  readonly ADDR: Register;
  readonly LENGTH: Register;
  readonly DATA: Register;
  readonly DID: Register;

  constructor(
    private readonly chip: Samd21Chip,
    options: DsuOptions = {},
  ) {
    super('DSU', 0x2000);
    // CTRL (13.13.1): SWRST 0, CRC 2, MBIST 3, CE 4. Write-only.
    this.CTRL = this.reg({ name: 'CTRL', offset: 0x0000, size: 1, writeOnly: true, write: (v) => this.command(v) });
    this.STATUSA = this.reg({ name: 'STATUSA', offset: 0x0001, size: 1, writable: 0x1f, w1c: true });
    // STATUSB (13.13.3): PROT 0, DBGPRES 1, DCCD0 2, DCCD1 3, HPE 4 (hot-plugging enabled).
    this.STATUSB = this.reg({ name: 'STATUSB', offset: 0x0002, size: 1, reset: (options.debuggerPresent ? 0x02 : 0) | 0x10, writable: 0 });
    this.ADDR = this.reg({ name: 'ADDR', offset: 0x0004, size: 4, writable: 0xffffffff });
    this.LENGTH = this.reg({ name: 'LENGTH', offset: 0x0008, size: 4, writable: 0xfffffffc });
    this.DATA = this.reg({ name: 'DATA', offset: 0x000c, size: 4 });
    this.reg({ name: 'DCC0', offset: 0x0010, size: 4 });
    this.reg({ name: 'DCC1', offset: 0x0014, size: 4 });
    this.DID = this.reg({ name: 'DID', offset: 0x0018, size: 4, reset: DEVICE_ID[chip.variant], writable: 0 });
    this.reg({ name: 'DCFG0', offset: 0x00f0, size: 4 });
    this.reg({ name: 'DCFG1', offset: 0x00f4, size: 4 });
    // CoreSight ROM table (13.13.x): ENTRY0 → the Cortex-M0+ ROM table at 0xE00FF000,
    // ENTRY1 → the MTB at 0x41006000; offsets relative to 0x41003000, bits 1:0 = FMT | EPRES.
    const rom = 0x41003000;
    this.reg({ name: 'ENTRY0', offset: 0x1000, size: 4, reset: ((0xe00ff000 - rom) | 3) >>> 0, writable: 0 });
    this.reg({ name: 'ENTRY1', offset: 0x1004, size: 4, reset: ((0x41006000 - rom) | 3) >>> 0, writable: 0 });
    this.reg({ name: 'END', offset: 0x1008, size: 4, writable: 0 });
    this.reg({ name: 'MEMTYPE', offset: 0x1fcc, size: 4, reset: 0x1, writable: 0 });
    const ids: [string, number, number][] = [
      ['PID4', 0x1fd0, 0x00], ['PID5', 0x1fd4, 0], ['PID6', 0x1fd8, 0], ['PID7', 0x1fdc, 0],
      ['PID0', 0x1fe0, 0xd0], ['PID1', 0x1fe4, 0xfc], ['PID2', 0x1fe8, 0x09], ['PID3', 0x1fec, 0x00],
      ['CID0', 0x1ff0, 0x0d], ['CID1', 0x1ff4, 0x10], ['CID2', 0x1ff8, 0x05], ['CID3', 0x1ffc, 0xb1],
    ];
    for (const [name, offset, reset] of ids) this.reg({ name, offset, size: 4, reset, writable: 0 });
  }

  reset(_cause: ResetCause): void {
    this.resetRegisters();
  }

  private command(v: number): void {
    if (v & 1) {
      this.resetRegisters();
      return;
    }
    if (v & 4) this.crc32();
    else if (v & 0x18) this.STATUSA.value |= DSU_STATUSA.DONE; // MBIST / chip erase: nothing to do
  }

  /**
   * CRC32 (IEEE 802.3 polynomial, reflected) over LENGTH bytes from ADDR, starting from DATA; the
   * result (not complemented) is left in DATA (13.11.3.2). A bus error sets STATUSA.BERR.
   */
  private crc32(): void {
    const bus = this.chip.bus;
    let crc = this.DATA.value >>> 0;
    const start = this.ADDR.value & ~3;
    const length = this.LENGTH.value & ~3;
    for (let i = 0; i < length; i++) {
      const byte = bus.read((start + i) >>> 0, 1);
      if (bus.error) {
        bus.error = false;
        this.STATUSA.value |= DSU_STATUSA.BERR | DSU_STATUSA.DONE;
        return;
      }
      crc ^= byte;
      for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
    }
    this.DATA.value = crc >>> 0;
    this.STATUSA.value |= DSU_STATUSA.DONE;
  }
}
