/**
 * SAMD21 USB, device mode (data sheet DS40001882, chapter 32 "USB - Universal Serial Bus").
 *
 * The controller keeps no packet memory of its own: firmware puts an endpoint descriptor table
 * in SRAM (DESCADD), 8 endpoints x 2 banks x 16 bytes, bank 0 = OUT/SETUP, bank 1 = IN:
 *
 *   +0x00 ADDR        data buffer address
 *   +0x04 PCKSIZE     BYTE_COUNT 13:0, MULTI_PACKET_SIZE 27:14, SIZE 30:28, AUTO_ZLP 31
 *   +0x08 EXTREG      SUBPID 3:0, VARIABLE 14:4 (LPM, bank 0 only)
 *   +0x0A STATUS_BK   CRCERR 0, ERRORFLOW 1
 *
 * and the controller moves packet data between the bus and those buffers itself (a bus master).
 * Here every descriptor and buffer access goes through the machine's `Bus`, so the RAM the host
 * sees is the SRAM the CPU sees.
 *
 * The host side is `UsbDevicePort` (peripherals/usb-port.ts): the emulated host calls `setup`,
 * `out`, `in`, `busReset`, `startOfFrame` from scheduler events, and each call performs one
 * transaction exactly as 32.6.2.6-32.6.2.10 describe it (token checks, stall, data toggle, bank
 * ready, multi-packet, AUTO_ZLP, flags). Behaviours worth knowing:
 *  - SETUP (32.6.2.6) is accepted whatever BK0RDY says, as long as EPINTFLAG.RXSTP is clear;
 *    it sets DTGLOUT, DTGLIN, CURBK, BK0RDY and RXSTP, and clears BK1RDY and STALLRQ0/1.
 *  - The packet's CRC16 lands in the buffer after the data when there is room in the bank
 *    ("If the number of received data bytes is ... PCKSIZE.SIZE minus two, both CRC data bytes
 *    are written"), which is why TinyUSB's SETUP buffer is 10 bytes long.
 *  - OUT with BK0RDY = 1 is NAKed and sets TRFAIL0 and STATUS_BK.ERRORFLOW; IN with BK1RDY = 0
 *    is NAKed and sets TRFAIL1.
 *  - A toggle mismatch on OUT (a retransmission) is ACKed and the data discarded.
 *  - Bus reset (32.6.2.4) clears EPCFG (except endpoint 0), FNUM, DADD, EPINTEN, EPINTFLAG,
 *    STALLRQ0/1 and CTRLB.UPRSM, then sets INTFLAG.EORST.
 *  - CTRLA.SWRST and CTRLA.ENABLE are write-synchronised: SYNCBUSY shows the bit as 1 for a few
 *    GCLK_USB periods, then 0 (TinyUSB waits for 1 and then for 0).
 *  - EPSTATUSCLR/EPSTATUSSET are write-only (they read 0), EPINTENCLR/EPINTENSET both read the
 *    enable mask, INTFLAG/EPINTFLAG are write-1-to-clear.
 *  - Choices where the data sheet is silent: a bank's data toggle is reset to DATA0 when its
 *    EPTYPE goes from disabled to enabled; a descriptor or buffer address the bus cannot reach
 *    sets INTFLAG.RAMACER and the transaction gets no handshake; dual-bank endpoints
 *    (EPTYPE 5) and LPM are not modelled (reported through `onDiagnostic`).
 *
 * The NVIC line (7) is high while (INTFLAG & INTENSET) != 0 or any endpoint has
 * (EPINTFLAG & EPINTENSET) != 0 (EPINTSMRY != 0).
 */
import type { Bus } from '../../emulator/kernel/bus.js';
import type { UsbDataPid, UsbDevicePort, UsbHandshake, UsbInResponse, UsbSpeed } from '../usb-port.js';
import type { ResetCause, Samd21Chip, Samd21Peripheral } from './chip.js';
import { GCLK_ID, IRQ } from './memory-map.js';
import { Register, RegisterBlock } from '../register-block.js';
import { SyncBusy } from './sync-busy.js';

/** CTRLA bits (32.8.1). */
export const USB_CTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, RUNSTDBY: 1 << 2, MODE: 1 << 7 } as const;
/** SYNCBUSY bits (32.8.2). */
export const USB_SYNCBUSY = { SWRST: 1 << 0, ENABLE: 1 << 1 } as const;
/** Device CTRLB bits (32.8.4.1). */
export const USB_CTRLB = {
  DETACH: 1 << 0, UPRSM: 1 << 1, SPDCONF_Pos: 2, SPDCONF_Msk: 0x3 << 2, NREPLY: 1 << 4, TSTJ: 1 << 5,
  TSTK: 1 << 6, TSTPCKT: 1 << 7, OPMODE2: 1 << 8, GNAK: 1 << 9, LPMHDSK_Pos: 10, LPMHDSK_Msk: 0x3 << 10,
} as const;
/** DADD (32.8.4.2). */
export const USB_DADD = { DADD_Pos: 0, DADD_Msk: 0x7f << 0, ADDEN: 1 << 7 } as const;
/** QOSCTRL (32.8.3). */
export const USB_QOSCTRL = { CQOS_Pos: 0, CQOS_Msk: 0x3 << 0, DQOS_Pos: 2, DQOS_Msk: 0x3 << 2 } as const;
/** Device STATUS (32.8.4.3). */
export const USB_STATUS = { SPEED_Pos: 2, SPEED_Msk: 0x3 << 2, LINESTATE_Pos: 6, LINESTATE_Msk: 0x3 << 6 } as const;
/** STATUS.LINESTATE values. */
export const USB_LINESTATE = { SE0: 0, J: 1, K: 2 } as const;
/** CTRLB.SPDCONF values. */
export const USB_SPDCONF = { FS: 0, LS: 1 } as const;
/** FNUM (32.8.4.6). */
export const USB_FNUM = { MFNUM_Pos: 0, MFNUM_Msk: 0x7 << 0, FNUM_Pos: 3, FNUM_Msk: 0x7ff << 3, FNCERR: 1 << 15 } as const;
/** PADCAL (32.8.4.11), loaded by firmware from the NVM calibration row. */
export const USB_PADCAL = { TRANSP_Pos: 0, TRANSP_Msk: 0x1f << 0, TRANSN_Pos: 6, TRANSN_Msk: 0x1f << 6, TRIM_Pos: 12, TRIM_Msk: 0x7 << 12 } as const;
/** EPCFG (32.8.5.1): EPTYPE0 is bank 0 (OUT/SETUP), EPTYPE1 bank 1 (IN); values in USB_EPTYPE. */
export const USB_EPCFG = { EPTYPE0_Pos: 0, EPTYPE0_Msk: 0x7 << 0, EPTYPE1_Pos: 4, EPTYPE1_Msk: 0x7 << 4 } as const;
/** Device INTFLAG / INTENSET / INTENCLR bits (32.8.4.8). */
export const USB_INT = {
  SUSPEND: 1 << 0, SOF: 1 << 2, EORST: 1 << 3, WAKEUP: 1 << 4, EORSM: 1 << 5, UPRSM: 1 << 6, RAMACER: 1 << 7,
  LPMNYET: 1 << 8, LPMSUSP: 1 << 9,
} as const;
/** EPSTATUS / EPSTATUSSET / EPSTATUSCLR bits (32.8.5.4). */
export const USB_EPSTATUS = { DTGLOUT: 1 << 0, DTGLIN: 1 << 1, CURBK: 1 << 2, STALLRQ0: 1 << 4, STALLRQ1: 1 << 5, BK0RDY: 1 << 6, BK1RDY: 1 << 7 } as const;
/** EPINTFLAG / EPINTENSET / EPINTENCLR bits (32.8.5.5). */
export const USB_EPINT = { TRCPT0: 1 << 0, TRCPT1: 1 << 1, TRFAIL0: 1 << 2, TRFAIL1: 1 << 3, RXSTP: 1 << 4, STALL0: 1 << 5, STALL1: 1 << 6 } as const;
/** EPCFG.EPTYPEn values (32.8.5.1). */
export const USB_EPTYPE = { DISABLED: 0, CONTROL: 1, ISOCHRONOUS: 2, BULK: 3, INTERRUPT: 4, DUAL_BANK: 5 } as const;
/** FSMSTATUS.FSMSTATE values (32.8.4.5). */
export const USB_FSMSTATE = { OFF: 0x01, ON: 0x02, SUSPEND: 0x04, SLEEP: 0x08, DNRESUME: 0x10, UPRESUME: 0x20, RESET: 0x40 } as const;

/** Endpoint descriptor layout in RAM (32.8.6). */
export const USB_DESC = {
  /** Bytes per endpoint (two banks). */
  ENDPOINT_STRIDE: 32,
  BANK_STRIDE: 16,
  ADDR: 0x00,
  PCKSIZE: 0x04,
  EXTREG: 0x08,
  STATUS_BK: 0x0a,
} as const;
export const USB_PCKSIZE = {
  BYTE_COUNT_Pos: 0, BYTE_COUNT_Msk: 0x3fff, MULTI_PACKET_SIZE_Pos: 14, MULTI_PACKET_SIZE_Msk: 0x3fff << 14,
  SIZE_Pos: 28, SIZE_Msk: 0x7 << 28, AUTO_ZLP: 1 << 31,
} as const;
export const USB_STATUS_BK = { CRCERR: 1 << 0, ERRORFLOW: 1 << 1 } as const;

/** PCKSIZE.SIZE code -> maximum packet size (32.8.6.2). */
export const USB_PACKET_SIZES = [8, 16, 32, 64, 128, 256, 512, 1023] as const;

/** Number of device endpoints (USB_EPT_NUM). */
export const USB_ENDPOINTS = 8;

/** Register offsets (32.7 register summary, device mode). */
export const USB_REG = {
  CTRLA: 0x00,
  SYNCBUSY: 0x02,
  QOSCTRL: 0x03,
  CTRLB: 0x08,
  DADD: 0x0a,
  STATUS: 0x0c,
  FSMSTATUS: 0x0d,
  FNUM: 0x10,
  INTENCLR: 0x14,
  INTENSET: 0x18,
  INTFLAG: 0x1c,
  EPINTSMRY: 0x20,
  DESCADD: 0x24,
  PADCAL: 0x28,
  /** Endpoint n registers start at ENDPOINT + n * ENDPOINT_STRIDE. */
  ENDPOINT: 0x100,
  ENDPOINT_STRIDE: 0x20,
  EPCFG: 0x00,
  EPSTATUSCLR: 0x04,
  EPSTATUSSET: 0x05,
  EPSTATUS: 0x06,
  EPINTFLAG: 0x07,
  EPINTENCLR: 0x08,
  EPINTENSET: 0x09,
} as const;

const INT_MASK = Object.values(USB_INT).reduce((m, b) => m | b, 0);
const EPINT_MASK = Object.values(USB_EPINT).reduce((m, b) => m | b, 0);
const EPSTATUS_MASK = Object.values(USB_EPSTATUS).reduce((m, b) => m | b, 0);
const CTRLB_WRITABLE =
  USB_CTRLB.DETACH | USB_CTRLB.UPRSM | USB_CTRLB.SPDCONF_Msk | USB_CTRLB.NREPLY | USB_CTRLB.TSTJ | USB_CTRLB.TSTK | USB_CTRLB.TSTPCKT |
  USB_CTRLB.OPMODE2 | USB_CTRLB.GNAK | USB_CTRLB.LPMHDSK_Msk;
const EPCFG_WRITABLE = USB_EPCFG.EPTYPE0_Msk | USB_EPCFG.EPTYPE1_Msk;
const epType0 = (epcfg: number) => (epcfg & USB_EPCFG.EPTYPE0_Msk) >>> USB_EPCFG.EPTYPE0_Pos;
const epType1 = (epcfg: number) => (epcfg & USB_EPCFG.EPTYPE1_Msk) >>> USB_EPCFG.EPTYPE1_Pos;
const pckSize = (pcksize: number) => USB_PACKET_SIZES[(pcksize & USB_PCKSIZE.SIZE_Msk) >>> USB_PCKSIZE.SIZE_Pos];
/** EPSTATUS is an 8-bit register. */
const BYTE = 0xff;
/** USB 2.0 data CRC16 (x^16 + x^15 + x^2 + 1), reflected. */
const CRC16_POLY_REFLECTED = 0xa001;
const CRC16_Msk = 0xffff;

/** USB data CRC16 (x^16 + x^15 + x^2 + 1, reflected, init 0xFFFF, inverted; USB 2.0 8.3.5.2). */
export function usbCrc16(data: Uint8Array, length = data.length): number {
  let crc = CRC16_Msk;
  for (let i = 0; i < length; i++) {
    crc ^= data[i];
    for (let b = 0; b < 8; b++) crc = crc & 1 ? (crc >>> 1) ^ CRC16_POLY_REFLECTED : crc >>> 1;
  }
  return ~crc & CRC16_Msk;
}

interface EndpointRegisters {
  EPCFG: Register;
  EPSTATUSCLR: Register;
  EPSTATUSSET: Register;
  EPSTATUS: Register;
  EPINTFLAG: Register;
  EPINTENCLR: Register;
  EPINTENSET: Register;
}

export class Samd21Usb extends RegisterBlock implements Samd21Peripheral, UsbDevicePort {
  readonly CTRLA: Register;
  readonly SYNCBUSY: Register;
  readonly QOSCTRL: Register;
  readonly CTRLB: Register;
  readonly DADD: Register;
  readonly STATUS: Register;
  readonly FSMSTATUS: Register;
  readonly FNUM: Register;
  readonly INTENCLR: Register;
  readonly INTENSET: Register;
  readonly INTFLAG: Register;
  readonly EPINTSMRY: Register;
  readonly DESCADD: Register;
  readonly PADCAL: Register;
  readonly endpoints: EndpointRegisters[] = [];

  /** Receives a message for each transaction the model could not carry out as the chip would. */
  onDiagnostic: ((message: string) => void) | null = null;
  /** Transactions answered, for statistics and tests. */
  readonly stats = { setup: 0, out: 0, in: 0, nak: 0, stall: 0, sof: 0, busResets: 0 };

  private readonly sync: SyncBusy;
  private readonly bus: Bus;
  /** INTENSET/INTENCLR mask (both registers read it). */
  private inten = 0;
  /** EPINTENSETn/EPINTENCLRn masks. */
  private readonly epinten = new Uint8Array(USB_ENDPOINTS);
  private lineLevel = false;
  private suspended = false;
  private lastAttached = false;
  private connects = 0;

  constructor(
    private readonly chip: Samd21Chip,
    private readonly irqLine: number = IRQ.USB,
  ) {
    super('USB', 0x400);
    this.bus = chip.bus;
    chip.onClockChange(() => this.checkAttach());
    this.sync = new SyncBusy(
      chip.scheduler,
      () => this.gclkHz(),
      (bits) => this.syncDone(bits),
    );

    this.CTRLA = this.reg({
      name: 'CTRLA',
      offset: USB_REG.CTRLA,
      size: 1,
      writable: USB_CTRLA.SWRST | USB_CTRLA.ENABLE | USB_CTRLA.RUNSTDBY | USB_CTRLA.MODE,
      read: (r) => (r.value & ~(USB_CTRLA.SWRST | USB_CTRLA.ENABLE)) | this.ctrlaSyncedBits(r),
      write: (value, old) => this.writeCtrla(value, old),
    });
    this.SYNCBUSY = this.reg({ name: 'SYNCBUSY', offset: USB_REG.SYNCBUSY, size: 1, writable: 0, read: () => this.sync.bits });
    // Quality of service only orders bus masters on the real chip: stored only (reset: both HIGH).
    const qos = USB_QOSCTRL.CQOS_Msk | USB_QOSCTRL.DQOS_Msk;
    // Reset 0x05: CQOS and DQOS both 1, medium quality of service (32.8.3).
    this.QOSCTRL = this.reg({ name: 'QOSCTRL', offset: USB_REG.QOSCTRL, size: 1, reset: (1 << USB_QOSCTRL.CQOS_Pos) | (1 << USB_QOSCTRL.DQOS_Pos), writable: qos });
    this.CTRLB = this.reg({
      name: 'CTRLB',
      offset: USB_REG.CTRLB,
      size: 2,
      reset: USB_CTRLB.DETACH,
      writable: CTRLB_WRITABLE,
      write: (value, old) => this.writeCtrlb(value, old),
    });
    this.DADD = this.reg({ name: 'DADD', offset: USB_REG.DADD, size: 1 });
    this.STATUS = this.reg({ name: 'STATUS', offset: USB_REG.STATUS, size: 1, writable: 0, read: () => this.statusValue() });
    this.FSMSTATUS = this.reg({ name: 'FSMSTATUS', offset: USB_REG.FSMSTATUS, size: 1, reset: USB_FSMSTATE.OFF, writable: 0 });
    this.FNUM = this.reg({ name: 'FNUM', offset: USB_REG.FNUM, size: 2, writable: 0 });
    // INTENSET/INTENCLR: writing 1 sets/clears an enable, writing 0 has no effect, both read
    // the mask (32.8.4.6/7); INTFLAG is write-1-to-clear (32.8.4.8).
    this.INTENCLR = this.reg({
      name: 'INTENCLR',
      offset: USB_REG.INTENCLR,
      size: 2,
      writeOnly: true,
      read: () => this.inten,
      write: (value, _old, mask) => {
        this.inten &= ~(value & mask & INT_MASK);
        this.updateLine();
      },
    });
    this.INTENSET = this.reg({
      name: 'INTENSET',
      offset: USB_REG.INTENSET,
      size: 2,
      writeOnly: true,
      read: () => this.inten,
      write: (value, _old, mask) => {
        this.inten |= value & mask & INT_MASK;
        this.updateLine();
      },
    });
    this.INTFLAG = this.reg({ name: 'INTFLAG', offset: USB_REG.INTFLAG, size: 2, writable: INT_MASK, w1c: true, write: () => this.updateLine() });
    this.EPINTSMRY = this.reg({ name: 'EPINTSMRY', offset: USB_REG.EPINTSMRY, size: 2, writable: 0, read: () => this.summary() });
    this.DESCADD = this.reg({ name: 'DESCADD', offset: USB_REG.DESCADD, size: 4 });
    // The transceiver is not modelled: the pad calibration is stored only.
    this.PADCAL = this.reg({ name: 'PADCAL', offset: USB_REG.PADCAL, size: 2, writable: USB_PADCAL.TRANSP_Msk | USB_PADCAL.TRANSN_Msk | USB_PADCAL.TRIM_Msk });

    for (let n = 0; n < USB_ENDPOINTS; n++) {
      const base = USB_REG.ENDPOINT + n * USB_REG.ENDPOINT_STRIDE;
      const update = () => this.updateLine();
      const EPSTATUS = this.reg({ name: `EPSTATUS${n}`, offset: base + USB_REG.EPSTATUS, size: 1, writable: 0 });
      const ep: EndpointRegisters = {
        EPCFG: this.reg({
          name: `EPCFG${n}`,
          offset: base + USB_REG.EPCFG,
          size: 1,
          writable: EPCFG_WRITABLE,
          write: (value, old) => this.writeEpcfg(n, value, old),
        }),
        EPSTATUSCLR: this.reg({
          name: `EPSTATUSCLR${n}`,
          offset: base + USB_REG.EPSTATUSCLR,
          size: 1,
          writeOnly: true,
          write: (value) => {
            EPSTATUS.value = EPSTATUS.value & ~(value & EPSTATUS_MASK);
          },
        }),
        EPSTATUSSET: this.reg({
          name: `EPSTATUSSET${n}`,
          offset: base + USB_REG.EPSTATUSSET,
          size: 1,
          writeOnly: true,
          write: (value) => {
            EPSTATUS.value = (EPSTATUS.value | (value & EPSTATUS_MASK)) & BYTE;
          },
        }),
        EPSTATUS,
        EPINTFLAG: this.reg({ name: `EPINTFLAG${n}`, offset: base + USB_REG.EPINTFLAG, size: 1, writable: EPINT_MASK, w1c: true, write: update }),
        EPINTENCLR: this.reg({
          name: `EPINTENCLR${n}`,
          offset: base + USB_REG.EPINTENCLR,
          size: 1,
          writeOnly: true,
          read: () => this.epinten[n],
          write: (value, _old, mask) => {
            this.epinten[n] &= ~(value & mask & EPINT_MASK);
            this.updateLine();
          },
        }),
        EPINTENSET: this.reg({
          name: `EPINTENSET${n}`,
          offset: base + USB_REG.EPINTENSET,
          size: 1,
          writeOnly: true,
          read: () => this.epinten[n],
          write: (value, _old, mask) => {
            this.epinten[n] |= value & mask & EPINT_MASK;
            this.updateLine();
          },
        }),
      };
      this.endpoints.push(ep);
    }
  }

  // ================================================================ chip side

  reset(_cause?: ResetCause): void {
    this.sync.cancel();
    this.resetState();
  }

  /** Registers and hidden state back to reset values (power-on, system reset, SWRST). */
  private resetState(): void {
    this.resetRegisters();
    this.inten = 0;
    this.epinten.fill(0);
    this.suspended = false;
    this.updateLine();
    this.checkAttach();
  }

  /** Counts connects: called after anything that can change `attached`. */
  private checkAttach(): void {
    const a = this.attached;
    if (a !== this.lastAttached) {
      this.lastAttached = a;
      if (a) this.connects++;
    }
  }

  /** Sets device interrupt flags (hardware side). */
  private intFlag(bits: number): void {
    this.INTFLAG.value = (this.INTFLAG.value | bits) & INT_MASK;
    this.updateLine();
  }

  private gclkHz(): number {
    return this.chip.gclkFrequency(GCLK_ID.USB);
  }

  /** SWRST and ENABLE read from CTRLA as the synchronised (or synchronising) values. */
  private ctrlaSyncedBits(r: Register): number {
    let v = r.value & USB_CTRLA.ENABLE;
    if (this.sync.bits & USB_SYNCBUSY.SWRST) v = (v & ~USB_CTRLA.ENABLE) | USB_CTRLA.SWRST;
    return v;
  }

  private writeCtrla(value: number, old: number): void {
    if (this.sync.bits & USB_SYNCBUSY.SWRST) {
      // Writes during a software reset are lost (32.6.2.2).
      this.CTRLA.value = old;
      return;
    }
    if (value & USB_CTRLA.SWRST) {
      this.CTRLA.value = old & ~USB_CTRLA.SWRST;
      this.sync.start(USB_SYNCBUSY.SWRST);
      this.checkAttach();
      return;
    }
    if ((value ^ old) & USB_CTRLA.ENABLE) {
      this.sync.start(USB_SYNCBUSY.ENABLE);
      this.FSMSTATUS.value = value & USB_CTRLA.ENABLE ? USB_FSMSTATE.ON : USB_FSMSTATE.OFF;
    }
    this.checkAttach();
  }

  private syncDone(bits: number): void {
    if (bits & USB_SYNCBUSY.SWRST) {
      // Everything back to reset values, including CTRLA (SWRST reads 0 again).
      this.resetState();
    }
  }

  private writeCtrlb(value: number, old: number): void {
    this.checkAttach();
    if (value & USB_CTRLB.UPRSM && !(old & USB_CTRLB.UPRSM)) {
      // Upstream resume (remote wake-up). The emulated host never suspends the bus on its own,
      // so the request completes at once unless the host has suspended us.
      if (this.suspended) this.onRemoteWakeup?.();
      this.CTRLB.value &= ~USB_CTRLB.UPRSM;
      if (!this.suspended) this.intFlag(USB_INT.UPRSM);
    }
  }

  /** Called when the device signals a remote wake-up while suspended (host side hook). */
  onRemoteWakeup: (() => void) | null = null;

  private writeEpcfg(n: number, value: number, old: number): void {
    const st = this.endpoints[n].EPSTATUS;
    if (epType0(value) !== USB_EPTYPE.DISABLED && epType0(old) === USB_EPTYPE.DISABLED) st.value &= ~USB_EPSTATUS.DTGLOUT;
    if (epType1(value) !== USB_EPTYPE.DISABLED && epType1(old) === USB_EPTYPE.DISABLED) st.value &= ~USB_EPSTATUS.DTGLIN;
    if (epType0(value) === USB_EPTYPE.DUAL_BANK || epType1(value) === USB_EPTYPE.DUAL_BANK) {
      this.diagnostic(`EPCFG${n}: dual-bank endpoints (EPTYPE 5) are not modelled; treated as disabled`);
    }
  }

  private statusValue(): number {
    // SPEED = 0 (full speed); LINESTATE J (idle) while attached, else SE0.
    return (this.attached ? USB_LINESTATE.J : USB_LINESTATE.SE0) << USB_STATUS.LINESTATE_Pos;
  }

  private summary(): number {
    let s = 0;
    for (let n = 0; n < USB_ENDPOINTS; n++) {
      const ep = this.endpoints[n];
      if (ep.EPINTFLAG.value & this.epinten[n]) s |= 1 << n;
    }
    return s;
  }

  private updateLine(): void {
    const level = (this.INTFLAG.value & this.inten) !== 0 || this.summary() !== 0;
    if (level !== this.lineLevel) {
      this.lineLevel = level;
      this.chip.irq(this.irqLine, level);
    }
  }

  private diagnostic(message: string): void {
    this.onDiagnostic?.(`USB: ${message}`);
  }

  /** Sets endpoint interrupt flags (hardware side). */
  private epFlag(n: number, bits: number): void {
    const f = this.endpoints[n].EPINTFLAG;
    f.value = (f.value | bits) & EPINT_MASK;
    this.updateLine();
  }

  // ================================================================ host side (UsbDevicePort)

  get attached(): boolean {
    const a = this.CTRLA.value;
    return (
      (a & USB_CTRLA.ENABLE) !== 0 &&
      (a & USB_CTRLA.MODE) === 0 &&
      (this.sync.bits & USB_SYNCBUSY.SWRST) === 0 &&
      (this.CTRLB.value & USB_CTRLB.DETACH) === 0 &&
      this.clockRunning()
    );
  }

  get connectCount(): number {
    this.checkAttach();
    return this.connects;
  }

  get speed(): UsbSpeed {
    // SPDCONF: 0 = full speed, 1 = low speed (32.8.4.1).
    return (this.CTRLB.value & USB_CTRLB.SPDCONF_Msk) >>> USB_CTRLB.SPDCONF_Pos === USB_SPDCONF.LS ? 'low' : 'full';
  }

  /** Without GCLK_USB the transceiver logic does not run. A chip without a clock tree installed
   * (register-level tests) is taken to have it running. */
  private clockRunning(): boolean {
    return this.chip.clocks === null || this.gclkHz() > 0;
  }

  private get address(): number {
    const d = this.DADD.value;
    return d & USB_DADD.ADDEN ? (d & USB_DADD.DADD_Msk) >>> USB_DADD.DADD_Pos : 0;
  }

  busReset(): void {
    if (!this.attached) return;
    this.stats.busResets++;
    for (let n = 0; n < USB_ENDPOINTS; n++) {
      const ep = this.endpoints[n];
      if (n !== 0) ep.EPCFG.value = 0;
      this.epinten[n] = 0;
      ep.EPINTFLAG.value = 0;
      ep.EPSTATUS.value &= ~(USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1);
    }
    this.FNUM.value = 0;
    this.DADD.value = 0;
    this.CTRLB.value &= ~USB_CTRLB.UPRSM;
    this.suspended = false;
    this.FSMSTATUS.value = USB_FSMSTATE.ON;
    this.updateLine();
    this.intFlag(USB_INT.EORST);
  }

  startOfFrame(frameNumber: number): void {
    if (!this.attached) return;
    this.stats.sof++;
    this.FNUM.value = (frameNumber << USB_FNUM.FNUM_Pos) & USB_FNUM.FNUM_Msk;
    this.intFlag(USB_INT.SOF);
    this.chip.usbStartOfFrame(); // DFLL48M USB clock recovery locks on SOFs (17.6.7.2.2)
  }

  suspend(): void {
    if (!this.attached || this.suspended) return;
    this.suspended = true;
    this.FSMSTATUS.value = USB_FSMSTATE.SUSPEND;
    this.intFlag(USB_INT.SUSPEND);
  }

  resume(): void {
    if (!this.attached || !this.suspended) return;
    this.suspended = false;
    this.FSMSTATUS.value = USB_FSMSTATE.ON;
    this.intFlag(USB_INT.WAKEUP | USB_INT.EORSM);
  }

  /** Common token checks (address, endpoint enabled): the endpoint's EPCFG, or -1 (no answer). */
  private tokenTarget(address: number, endpoint: number): number {
    if (!this.attached || this.suspended) return -1;
    if (address !== this.address) return -1;
    if (endpoint < 0 || endpoint >= USB_ENDPOINTS) return -1;
    const cfg = this.endpoints[endpoint].EPCFG.value;
    return cfg === 0 ? -1 : cfg;
  }

  private bankAddress(endpoint: number, bank: 0 | 1): number {
    return (this.DESCADD.value + endpoint * USB_DESC.ENDPOINT_STRIDE + bank * USB_DESC.BANK_STRIDE) >>> 0;
  }

  setup(address: number, endpoint: number, packet: Uint8Array): UsbHandshake {
    const cfg = this.tokenTarget(address, endpoint);
    if (cfg < 0 || epType0(cfg) !== USB_EPTYPE.CONTROL) return 'NONE';
    if (packet.length !== 8) this.diagnostic(`SETUP with ${packet.length} data bytes (expected 8)`);
    const ep = this.endpoints[endpoint];
    this.stats.setup++;
    if (ep.EPINTFLAG.value & USB_EPINT.RXSTP) {
      // 32.6.2.6: data is only stored while RXSTP is clear; the previous SETUP is still pending.
      this.diagnostic(`EP${endpoint}: SETUP received while RXSTP is still set; data dropped`);
      return 'ACK';
    }
    const bank = this.bankAddress(endpoint, 0);
    this.busBegin();
    const addr = this.rd(bank + USB_DESC.ADDR, 4);
    const pck = this.rd(bank + USB_DESC.PCKSIZE, 4);
    const size = pckSize(pck);
    const n = Math.min(packet.length, size);
    if (!this.ioFault) {
      this.storePacket(addr, packet, n, size);
      this.wr(bank + USB_DESC.PCKSIZE, 4, ((pck & ~USB_PCKSIZE.BYTE_COUNT_Msk) | n) >>> 0);
    }
    if (this.busEnd(`EP${endpoint} SETUP, descriptor 0x${bank.toString(16)}, buffer 0x${addr.toString(16)}`)) return 'NONE';
    const st = ep.EPSTATUS;
    st.value =
      (st.value | USB_EPSTATUS.DTGLOUT | USB_EPSTATUS.DTGLIN | USB_EPSTATUS.CURBK | USB_EPSTATUS.BK0RDY) &
      ~(USB_EPSTATUS.BK1RDY | USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1) &
      BYTE;
    this.epFlag(endpoint, USB_EPINT.RXSTP);
    return 'ACK';
  }

  out(address: number, endpoint: number, data: Uint8Array, pid: UsbDataPid): UsbHandshake {
    const cfg = this.tokenTarget(address, endpoint);
    if (cfg < 0) return 'NONE';
    const type = epType0(cfg);
    if (type === USB_EPTYPE.DISABLED || type > USB_EPTYPE.INTERRUPT) return 'NONE';
    const ep = this.endpoints[endpoint];
    const st = ep.EPSTATUS;
    const iso = type === USB_EPTYPE.ISOCHRONOUS;
    this.stats.out++;
    if (!iso && st.value & USB_EPSTATUS.STALLRQ0) {
      this.stats.stall++;
      this.epFlag(endpoint, USB_EPINT.STALL0);
      return 'STALL';
    }
    if (!iso && pid !== (st.value & USB_EPSTATUS.DTGLOUT ? 1 : 0)) {
      // A retransmission of a packet already taken (the host missed our ACK): ACK, drop it.
      return 'ACK';
    }
    const bank = this.bankAddress(endpoint, 0);
    this.busBegin();
    if (st.value & USB_EPSTATUS.BK0RDY) {
      // 32.6.2.7: bank busy: NAK, TRFAIL0, STATUS_BK.ERRORFLOW.
      const status = this.rd(bank + USB_DESC.STATUS_BK, 1);
      if (!this.ioFault) this.wr(bank + USB_DESC.STATUS_BK, 1, status | USB_STATUS_BK.ERRORFLOW);
      this.busEnd(`EP${endpoint} descriptor 0x${bank.toString(16)}`);
      this.epFlag(endpoint, USB_EPINT.TRFAIL0);
      this.stats.nak++;
      return iso ? 'ACK' : 'NAK';
    }
    const addr = this.rd(bank + USB_DESC.ADDR, 4);
    const pck = this.rd(bank + USB_DESC.PCKSIZE, 4);
    const size = pckSize(pck);
    const count = pck & USB_PCKSIZE.BYTE_COUNT_Msk;
    const multi = (pck & USB_PCKSIZE.MULTI_PACKET_SIZE_Msk) >>> USB_PCKSIZE.MULTI_PACKET_SIZE_Pos;
    // Bytes beyond the bank size are discarded (32.6.2.7).
    const n = Math.min(data.length, size);
    const total = (count + n) & USB_PCKSIZE.BYTE_COUNT_Msk;
    if (!this.ioFault) {
      if (data.length > size) this.diagnostic(`EP${endpoint}: OUT packet of ${data.length} bytes exceeds PCKSIZE.SIZE ${size}`);
      this.storePacket((addr + count) >>> 0, data, n, size);
      this.wr(bank + USB_DESC.PCKSIZE, 4, ((pck & ~USB_PCKSIZE.BYTE_COUNT_Msk) | total) >>> 0);
    }
    if (this.busEnd(`EP${endpoint} OUT, descriptor 0x${bank.toString(16)}, buffer 0x${(addr + count).toString(16)}`)) return 'NONE';
    if (!iso) st.value ^= USB_EPSTATUS.DTGLOUT;
    // Multi-packet (32.6.2.8): the transfer ends on a short packet or when BYTE_COUNT reaches
    // MULTI_PACKET_SIZE; with MULTI_PACKET_SIZE = 0 every packet is a transfer.
    if (multi === 0 || n < size || total >= multi) {
      st.value |= USB_EPSTATUS.BK0RDY;
      this.epFlag(endpoint, USB_EPINT.TRCPT0);
    }
    return 'ACK';
  }

  in(address: number, endpoint: number): UsbInResponse {
    const cfg = this.tokenTarget(address, endpoint);
    if (cfg < 0) return NO_RESPONSE;
    const type = epType1(cfg);
    if (type === USB_EPTYPE.DISABLED || type > USB_EPTYPE.INTERRUPT) return NO_RESPONSE;
    const ep = this.endpoints[endpoint];
    const st = ep.EPSTATUS;
    const iso = type === USB_EPTYPE.ISOCHRONOUS;
    this.stats.in++;
    if (!iso && st.value & USB_EPSTATUS.STALLRQ1) {
      this.stats.stall++;
      this.epFlag(endpoint, USB_EPINT.STALL1);
      return STALL;
    }
    if (!(st.value & USB_EPSTATUS.BK1RDY)) {
      // 32.6.2.9: bank not ready: NAK and TRFAIL1.
      this.epFlag(endpoint, USB_EPINT.TRFAIL1);
      this.stats.nak++;
      return NAK;
    }
    const bank = this.bankAddress(endpoint, 1);
    this.busBegin();
    const addr = this.rd(bank + USB_DESC.ADDR, 4);
    const pck = this.rd(bank + USB_DESC.PCKSIZE, 4);
    const size = pckSize(pck);
    const count = pck & USB_PCKSIZE.BYTE_COUNT_Msk;
    const sent = (pck & USB_PCKSIZE.MULTI_PACKET_SIZE_Msk) >>> USB_PCKSIZE.MULTI_PACKET_SIZE_Pos;
    // Multi-packet IN (32.6.2.10): BYTE_COUNT is the transfer length, MULTI_PACKET_SIZE counts
    // the bytes sent so far.
    const n = this.ioFault ? 0 : sent < count ? Math.min(size, count - sent) : 0;
    const data = new Uint8Array(n);
    const from = (addr + sent) >>> 0;
    for (let i = 0; i < n; i++) data[i] = this.rd(from + i, 1);
    const nextSent = (sent + n) & (USB_PCKSIZE.MULTI_PACKET_SIZE_Msk >>> USB_PCKSIZE.MULTI_PACKET_SIZE_Pos);
    if (!this.ioFault) {
      this.wr(bank + USB_DESC.PCKSIZE, 4, ((pck & ~USB_PCKSIZE.MULTI_PACKET_SIZE_Msk) | (nextSent << USB_PCKSIZE.MULTI_PACKET_SIZE_Pos)) >>> 0);
    }
    if (this.busEnd(`EP${endpoint} IN, descriptor 0x${bank.toString(16)}, buffer 0x${from.toString(16)}`)) return NO_RESPONSE;
    const pid: UsbDataPid = iso ? 0 : st.value & USB_EPSTATUS.DTGLIN ? 1 : 0;
    if (!iso) st.value ^= USB_EPSTATUS.DTGLIN;
    // A short packet ends the transfer; so does a full last packet unless AUTO_ZLP asks for a
    // zero-length packet after it (the next IN then sends that ZLP and completes).
    const autoZlp = (pck & USB_PCKSIZE.AUTO_ZLP) !== 0;
    if (n < size || (nextSent >= count && !autoZlp)) {
      st.value &= ~USB_EPSTATUS.BK1RDY;
      this.epFlag(endpoint, USB_EPINT.TRCPT1);
    }
    return { handshake: 'DATA', data, pid };
  }

  // ---------------------------------------------------------------- bus-master helpers

  /** Set when an access of the current transaction failed (unmapped address). */
  private ioFault = false;
  private ioFaultAddress = 0;
  private savedError = false;
  private savedStall = 0;

  /** Starts a group of bus-master accesses: the CPU's bus error/stall state is kept aside. */
  private busBegin(): void {
    const b = this.bus;
    this.savedError = b.error;
    this.savedStall = b.stall;
    b.error = false;
    this.ioFault = false;
  }

  private rd(address: number, size: 1 | 2 | 4): number {
    const b = this.bus;
    const v = b.read(address >>> 0, size);
    if (b.error) this.fault(address);
    return v;
  }

  private wr(address: number, size: 1 | 2 | 4, value: number): void {
    const b = this.bus;
    b.write(address >>> 0, size, value);
    if (b.error) this.fault(address);
  }

  private fault(address: number): void {
    this.bus.error = false;
    if (!this.ioFault) {
      this.ioFault = true;
      this.ioFaultAddress = address >>> 0;
    }
  }

  /** Ends the group; returns true (and raises RAMACER, reports) if an access failed. */
  private busEnd(what: string): boolean {
    const b = this.bus;
    b.error = this.savedError;
    b.stall = this.savedStall;
    if (!this.ioFault) return false;
    this.intFlag(USB_INT.RAMACER);
    this.diagnostic(`bus error at 0x${this.ioFaultAddress.toString(16)} (${what}); no handshake`);
    return true;
  }

  /**
   * Writes `n` bytes of `data` at `address`, then as much of the packet's CRC16 as fits in the
   * bank (32.6.2.6: none when n = SIZE, one byte when n = SIZE - 1, both otherwise). No CRC is
   * written for a null buffer (firmware passing ADDR = 0 for a zero-length status stage).
   */
  private storePacket(address: number, data: Uint8Array, n: number, size: number): void {
    for (let i = 0; i < n; i++) this.wr(address + i, 1, data[i]);
    if (address === 0) return;
    const room = size - n;
    if (room <= 0) return;
    const crc = usbCrc16(data, n);
    this.wr(address + n, 1, crc & 0xff);
    if (room >= 2) this.wr(address + n + 1, 1, crc >>> 8);
  }
}

const NO_RESPONSE: UsbInResponse = { handshake: 'NONE' };
const NAK: UsbInResponse = { handshake: 'NAK' };
const STALL: UsbInResponse = { handshake: 'STALL' };
