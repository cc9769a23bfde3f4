/**
 * DSU, the Device Service Unit (data sheet section 13), as the CPU sees it: the device
 * identification (DID), the status registers, the CRC32 memory checker, and the CoreSight ROM
 * table identification at 0x41003000 (ENTRYn, END, MEMTYPE, PIDn, CIDn) that debuggers walk.
 * Chip erase and MBIST need a debugger; from the CPU they just report DONE.
 */
import { crc32Byte } from './bits.js';
import { RegisterBlock, type Register } from '../register-block.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { DEVICE_ID, peripheralSlot } from './memory-map.js';

export interface DsuOptions {
  /** STATUSB.DBGPRES: a debugger is connected. */
  debuggerPresent?: boolean;
}

/** Register offsets (13.12 register summary): the DSU proper, then the CoreSight ROM table at ROM. */
export const DSU_REG = {
  CTRL: 0x0000, STATUSA: 0x0001, STATUSB: 0x0002, ADDR: 0x0004, LENGTH: 0x0008, DATA: 0x000c, DCC0: 0x0010,
  DCC1: 0x0014, DID: 0x0018, DCFG0: 0x00f0, DCFG1: 0x00f4, ROM: 0x1000, ENTRY0: 0x1000, ENTRY1: 0x1004,
  END: 0x1008, MEMTYPE: 0x1fcc, PID4: 0x1fd0, PID0: 0x1fe0, CID0: 0x1ff0,
} as const;
/** CTRL (13.13.1), write-only. */
export const DSU_CTRL = { SWRST: 1 << 0, CRC: 1 << 2, MBIST: 1 << 3, CE: 1 << 4 } as const;
/** STATUSA bits (13.13.2). */
export const DSU_STATUSA = { DONE: 1 << 0, CRSTEXT: 1 << 1, BERR: 1 << 2, FAIL: 1 << 3, PERR: 1 << 4 } as const;
/** STATUSB (13.13.3). */
export const DSU_STATUSB = { PROT: 1 << 0, DBGPRES: 1 << 1, DCCD0: 1 << 2, DCCD1: 1 << 3, HPE: 1 << 4 } as const;
/** ENTRYn (13.13.x): FMT and EPRES, then the entry's offset from the ROM table. */
export const DSU_ENTRY = { EPRES: 1 << 0, FMT: 1 << 1, ADDOFF_Msk: 0xfffff000 } as const;
/** MEMTYPE.SMEMP: system memory present. */
export const DSU_MEMTYPE = { SMEMP: 1 << 0 } as const;

/** The Cortex-M0+ processor ROM table, ENTRY0's target (ARMv6-M ARM, C.1.2). */
const CORTEX_M0PLUS_ROM_TABLE = 0xe00ff000;
/** ADDR and LENGTH are word-aligned (13.11.3.2). */
const WORD_ALIGN = ~3;
/** CoreSight peripheral and component IDs (13.13.17-28), PID4..PID7 then PID0..3, CID0..3. */
const ROM_IDS: readonly [string, number][] = [
  ['PID4', 0x00], ['PID5', 0], ['PID6', 0], ['PID7', 0],
  ['PID0', 0xd0], ['PID1', 0xfc], ['PID2', 0x09], ['PID3', 0x00],
  ['CID0', 0x0d], ['CID1', 0x10], ['CID2', 0x05], ['CID3', 0xb1],
];

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
    const R = DSU_REG;
    const A = DSU_STATUSA;
    const B = DSU_STATUSB;
    this.CTRL = this.reg({ name: 'CTRL', offset: R.CTRL, size: 1, writeOnly: true, write: (v) => this.command(v) });
    this.STATUSA = this.reg({ name: 'STATUSA', offset: R.STATUSA, size: 1, writable: A.DONE | A.CRSTEXT | A.BERR | A.FAIL | A.PERR, w1c: true });
    // HPE: hot-plugging enabled.
    this.STATUSB = this.reg({ name: 'STATUSB', offset: R.STATUSB, size: 1, reset: (options.debuggerPresent ? B.DBGPRES : 0) | B.HPE, writable: 0 });
    this.ADDR = this.reg({ name: 'ADDR', offset: R.ADDR, size: 4 });
    this.LENGTH = this.reg({ name: 'LENGTH', offset: R.LENGTH, size: 4, writable: WORD_ALIGN >>> 0 });
    this.DATA = this.reg({ name: 'DATA', offset: R.DATA, size: 4 });
    // The debug communication channels and the debugger's configuration words: stored only.
    this.reg({ name: 'DCC0', offset: R.DCC0, size: 4, unimplemented: true });
    this.reg({ name: 'DCC1', offset: R.DCC1, size: 4, unimplemented: true });
    this.DID = this.reg({ name: 'DID', offset: R.DID, size: 4, reset: DEVICE_ID[chip.variant], writable: 0 });
    this.reg({ name: 'DCFG0', offset: R.DCFG0, size: 4, unimplemented: true });
    this.reg({ name: 'DCFG1', offset: R.DCFG1, size: 4, unimplemented: true });
    // CoreSight ROM table: ENTRY0 → the Cortex-M0+ ROM table, ENTRY1 → the MTB; each entry is
    // the target's offset from the ROM table with FMT | EPRES.
    const rom = peripheralSlot('DSU').base + R.ROM;
    const entry = (target: number) => (((target - rom) & DSU_ENTRY.ADDOFF_Msk) | DSU_ENTRY.FMT | DSU_ENTRY.EPRES) >>> 0;
    this.reg({ name: 'ENTRY0', offset: R.ENTRY0, size: 4, reset: entry(CORTEX_M0PLUS_ROM_TABLE), writable: 0 });
    this.reg({ name: 'ENTRY1', offset: R.ENTRY1, size: 4, reset: entry(peripheralSlot('MTB').base), writable: 0 });
    this.reg({ name: 'END', offset: R.END, size: 4, writable: 0 });
    this.reg({ name: 'MEMTYPE', offset: R.MEMTYPE, size: 4, reset: DSU_MEMTYPE.SMEMP, writable: 0 });
    ROM_IDS.forEach(([name, reset], i) => this.reg({ name, offset: R.PID4 + 4 * i, size: 4, reset, writable: 0 }));
  }

  reset(_cause: ResetCause): void {
    this.resetRegisters();
  }

  private command(v: number): void {
    if (v & DSU_CTRL.SWRST) {
      this.resetRegisters();
      return;
    }
    if (v & DSU_CTRL.CRC) this.crc32();
    else if (v & (DSU_CTRL.MBIST | DSU_CTRL.CE)) this.STATUSA.value |= DSU_STATUSA.DONE; // nothing to do
  }

  /**
   * CRC32 (IEEE 802.3 polynomial, reflected) over LENGTH bytes from ADDR, starting from DATA; the
   * result (not complemented) is left in DATA (13.11.3.2). A bus error sets STATUSA.BERR.
   */
  private crc32(): void {
    const bus = this.chip.bus;
    let crc = this.DATA.value >>> 0;
    const start = this.ADDR.value & WORD_ALIGN;
    const length = this.LENGTH.value & WORD_ALIGN;
    for (let i = 0; i < length; i++) {
      const byte = bus.read((start + i) >>> 0, 1);
      if (bus.error) {
        bus.error = false;
        this.STATUSA.value |= DSU_STATUSA.BERR | DSU_STATUSA.DONE;
        return;
      }
      crc = crc32Byte(crc, byte);
    }
    this.DATA.value = crc >>> 0;
    this.STATUSA.value |= DSU_STATUSA.DONE;
  }
}
