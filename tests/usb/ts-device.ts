/**
 * A USB device "firmware" written in TypeScript that programs the SAMD21 USB controller only
 * through the bus, structured like TinyUSB's dcd_samd.c plus a tiny device stack: descriptor
 * table and buffers in SRAM, SWRST with the SYNCBUSY 1-then-0 wait, EORST / RXSTP / TRCPT
 * handling in the interrupt handler, multi-packet transfers, STALL. Functions: CDC-ACM echo (or
 * a console the test writes to), a mass-storage RAM disk over bulk-only transport, HID and MIDI
 * descriptors.
 */
import { SimEvent } from '../../emulator/kernel/scheduler.js';
import { RAM_BASE } from '../../peripherals/samd21/memory-map.js';
import {
  USB_CTRLA,
  USB_DADD,
  USB_DESC,
  USB_EPINT,
  USB_EPSTATUS,
  USB_INT,
  USB_PCKSIZE,
  USB_REG,
  USB_SYNCBUSY,
} from '../../peripherals/samd21/usb.js';
import { configDescriptor, deviceDescriptor, HID_REPORT_DESCRIPTOR, STRINGS, stringDescriptor } from './descriptors-fixture.js';
import { USB_BASE, type Rig } from './rig.js';

// SRAM layout.
export const DESC_TABLE = RAM_BASE + 0x000;
export const SETUP_BUF = RAM_BASE + 0x100;
const EP0_IN_BUF = RAM_BASE + 0x200; // 512 bytes
const EP0_OUT_BUF = RAM_BASE + 0x400;
const CDC_OUT_BUF = RAM_BASE + 0x500;
const CDC_IN_BUF = RAM_BASE + 0x580;
const MSC_CBW_BUF = RAM_BASE + 0x600;
const MSC_CSW_BUF = RAM_BASE + 0x640;
const MSC_DATA_BUF = RAM_BASE + 0x800; // 512 bytes
const MIDI_OUT_BUF = RAM_BASE + 0xa00;

const EP_CDC_NOTIFY = 1;
const EP_CDC = 2;
const EP_MSC = 3;
const EP_HID = 4;
const EP_MIDI = 5;
const BLOCK = 512;

export interface TsDeviceOptions {
  ep0Size?: 8 | 16 | 32 | 64;
  device?: Uint8Array;
  config?: Uint8Array;
  /** false: never writes DADD after SET_ADDRESS (a broken device). */
  setAddress?: boolean;
  /** false: ignores SETUP packets (the host sees NAKs forever). */
  answerSetup?: boolean;
  /** CDC: echo what the host sends. */
  echo?: boolean;
  /** MSC disk size in blocks. */
  mscBlocks?: number;
  /** TEST UNIT READY answers NOT READY this many times first. */
  mscNotReady?: number;
  /** LBAs whose read fails with MEDIUM ERROR. */
  badBlocks?: number[];
  /** Size of the IN data the device sends for GET_DESCRIPTOR(config), overriding wLength (a babbling device). */
  babbleConfig?: boolean;
}

interface Setup {
  bmRequestType: number;
  bRequest: number;
  wValue: number;
  wIndex: number;
  wLength: number;
}

const sizeCode = (n: number) => [8, 16, 32, 64, 128, 256, 512, 1023].indexOf(n);

export class TsUsbDevice {
  readonly log: string[] = [];
  sawSyncbusySwrst = false;
  ready = false;
  address = 0;
  configured = false;
  lineCoding: Uint8Array | null = null;
  dtr = false;
  rts = false;
  readonly cdcReceived: number[] = [];
  readonly disk: Uint8Array;
  setupCount = 0;
  /** SETUP packets as found in RAM (8 bytes) plus the two bytes after them (CRC). */
  readonly setups: Uint8Array[] = [];

  private readonly opts: Required<Omit<TsDeviceOptions, 'device' | 'config'>> & { device: Uint8Array; config: Uint8Array };
  private ctrlStage: 'idle' | 'data-in' | 'data-out' | 'status-in' | 'status-out' = 'idle';
  private afterStatus: (() => void) | null = null;
  private onCtrlOut: ((data: Uint8Array) => void) | null = null;
  private txQueue: number[] = [];
  private cdcInBusy = false;
  private cdcOutArmed = false;
  private msc: {
    state: 'cbw' | 'data-in' | 'data-out' | 'csw' | 'stalled';
    tag: number;
    dataLength: number;
    lba: number;
    remaining: number;
    residue: number;
    pendingCsw: { status: number; residue: number } | null;
    sense: [number, number, number];
    notReady: number;
  };
  private readonly pollEvent: SimEvent;
  private pollCondition: (() => boolean) | null = null;
  private pollThen: (() => void) | null = null;
  private pollCount = 0;

  constructor(
    readonly rig: Rig,
    options: TsDeviceOptions = {},
  ) {
    const ep0 = options.ep0Size ?? 64;
    this.opts = {
      ep0Size: ep0,
      device: options.device ?? deviceDescriptor(ep0),
      config: options.config ?? configDescriptor(),
      setAddress: options.setAddress ?? true,
      answerSetup: options.answerSetup ?? true,
      echo: options.echo ?? true,
      mscBlocks: options.mscBlocks ?? 64,
      mscNotReady: options.mscNotReady ?? 0,
      badBlocks: options.badBlocks ?? [],
      babbleConfig: options.babbleConfig ?? false,
    };
    this.disk = new Uint8Array(this.opts.mscBlocks * BLOCK);
    this.msc = { state: 'cbw', tag: 0, dataLength: 0, lba: 0, remaining: 0, residue: 0, pendingCsw: null, sense: [0, 0, 0], notReady: this.opts.mscNotReady };
    this.pollEvent = new SimEvent('ts-device-poll', () => this.pollStep());
  }

  // ---------------------------------------------------------------- register access (bus)
  private r8(off: number): number {
    return this.rig.bus.read8(USB_BASE + off);
  }
  private w8(off: number, v: number): void {
    this.rig.bus.write8(USB_BASE + off, v);
  }
  private r16(off: number): number {
    return this.rig.bus.read16(USB_BASE + off);
  }
  private w16(off: number, v: number): void {
    this.rig.bus.write16(USB_BASE + off, v);
  }
  private w32(off: number, v: number): void {
    this.rig.bus.write32(USB_BASE + off, v);
  }
  private ep(n: number, reg: number): number {
    return USB_REG.ENDPOINT + n * USB_REG.ENDPOINT_STRIDE + reg;
  }
  private bank(n: number, b: 0 | 1): number {
    return DESC_TABLE + n * USB_DESC.ENDPOINT_STRIDE + b * USB_DESC.BANK_STRIDE;
  }
  private ramRead(addr: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.rig.bus.read8(addr + i);
    return out;
  }
  private ramWrite(addr: number, data: Uint8Array | number[]): void {
    for (let i = 0; i < data.length; i++) this.rig.bus.write8(addr + i, data[i]);
  }
  private setPcksize(n: number, b: 0 | 1, fields: { size?: number; byteCount?: number; multi?: number; autoZlp?: boolean }): void {
    const a = this.bank(n, b) + USB_DESC.PCKSIZE;
    let v = this.rig.bus.read32(a);
    if (fields.size !== undefined) v = (v & ~USB_PCKSIZE.SIZE_Msk) | (sizeCode(fields.size) << USB_PCKSIZE.SIZE_Pos);
    if (fields.byteCount !== undefined) v = (v & ~USB_PCKSIZE.BYTE_COUNT_Msk) | fields.byteCount;
    if (fields.multi !== undefined) v = (v & ~USB_PCKSIZE.MULTI_PACKET_SIZE_Msk) | (fields.multi << USB_PCKSIZE.MULTI_PACKET_SIZE_Pos);
    if (fields.autoZlp !== undefined) v = fields.autoZlp ? v | USB_PCKSIZE.AUTO_ZLP : v & ~USB_PCKSIZE.AUTO_ZLP;
    this.rig.bus.write32(a, v >>> 0);
  }
  private byteCount(n: number, b: 0 | 1): number {
    return this.rig.bus.read32(this.bank(n, b) + USB_DESC.PCKSIZE) & USB_PCKSIZE.BYTE_COUNT_Msk;
  }
  private setAddr(n: number, b: 0 | 1, addr: number): void {
    this.rig.bus.write32(this.bank(n, b) + USB_DESC.ADDR, addr);
  }

  /** Busy-wait in firmware style: re-check every 8 cycles. */
  private poll(cond: () => boolean, then: () => void): void {
    this.pollCondition = cond;
    this.pollThen = then;
    this.pollCount = 0;
    this.rig.scheduler.scheduleIn(this.pollEvent, 8);
  }
  private pollStep(): void {
    if (this.pollCondition!()) {
      const t = this.pollThen!;
      this.pollCondition = null;
      t();
      return;
    }
    if (++this.pollCount > 100_000) throw new Error('TS device: busy-wait never ended');
    this.rig.scheduler.scheduleIn(this.pollEvent, 8);
  }

  // ---------------------------------------------------------------- dcd_init
  /** tud_init: reset the controller, configure and attach. Completes on the scheduler. */
  start(): void {
    this.w8(USB_REG.CTRLA, USB_CTRLA.SWRST);
    this.poll(
      () => (this.r8(USB_REG.SYNCBUSY) & USB_SYNCBUSY.SWRST) !== 0,
      () => {
        this.sawSyncbusySwrst = true;
        this.poll(
          () => (this.r8(USB_REG.SYNCBUSY) & USB_SYNCBUSY.SWRST) === 0,
          () => this.init2(),
        );
      },
    );
  }

  private init2(): void {
    this.w16(USB_REG.PADCAL, (6 << 12) | (9 << 6) | 25);
    this.w8(USB_REG.QOSCTRL, 0x0f);
    this.w32(USB_REG.DESCADD, DESC_TABLE);
    this.w16(USB_REG.CTRLB, 0); // full speed, attach
    this.w8(USB_REG.CTRLA, USB_CTRLA.ENABLE | USB_CTRLA.RUNSTDBY);
    this.poll(
      () => (this.r8(USB_REG.SYNCBUSY) & USB_SYNCBUSY.ENABLE) === 0,
      () => {
        this.w16(USB_REG.INTFLAG, this.r16(USB_REG.INTFLAG));
        this.w16(USB_REG.INTENSET, USB_INT.EORST);
        this.rig.setIsr(() => this.isr());
        this.ready = true;
      },
    );
  }

  /** dcd_disconnect / dcd_connect. */
  detach(): void {
    this.w16(USB_REG.CTRLB, this.r16(USB_REG.CTRLB) | 1);
  }
  attach(): void {
    this.w16(USB_REG.CTRLB, this.r16(USB_REG.CTRLB) & ~1);
  }

  // ---------------------------------------------------------------- ISR
  private isr(): void {
    const status = this.r16(USB_REG.INTFLAG) & this.r16(USB_REG.INTENSET);
    if (status & USB_INT.SOF) this.w16(USB_REG.INTFLAG, USB_INT.SOF);
    if (status & USB_INT.EORST) {
      this.w16(USB_REG.INTFLAG, USB_INT.EORST);
      this.busReset();
    }
    if (this.r8(this.ep(0, USB_REG.EPINTFLAG)) & USB_EPINT.RXSTP) {
      if (!this.opts.answerSetup) {
        // A broken firmware: leaves RXSTP pending and never answers (disable its interrupt).
        this.w8(this.ep(0, USB_REG.EPINTENCLR), USB_EPINT.RXSTP);
      } else {
        const raw = this.ramRead(SETUP_BUF, 10);
        this.setups.push(raw);
        this.w8(this.ep(0, USB_REG.EPINTFLAG), USB_EPINT.RXSTP | USB_EPINT.TRCPT0);
        this.handleSetup(raw);
      }
    }
    const summary = this.r16(USB_REG.EPINTSMRY);
    for (let n = 0; n < 8; n++) {
      if (!(summary & (1 << n))) continue;
      const flags = this.r8(this.ep(n, USB_REG.EPINTFLAG));
      if (flags & USB_EPINT.TRCPT1) {
        this.w8(this.ep(n, USB_REG.EPINTFLAG), USB_EPINT.TRCPT1);
        this.inComplete(n);
      }
      if (flags & USB_EPINT.TRCPT0) {
        this.w8(this.ep(n, USB_REG.EPINTFLAG), USB_EPINT.TRCPT0);
        this.outComplete(n, this.byteCount(n, 0));
      }
    }
  }

  private busReset(): void {
    this.log.push('bus reset');
    this.configured = false;
    this.ctrlStage = 'idle';
    this.setPcksize(0, 0, { size: this.opts.ep0Size });
    this.setPcksize(0, 1, { size: this.opts.ep0Size });
    this.w8(this.ep(0, USB_REG.EPCFG), 0x11);
    this.w8(this.ep(0, USB_REG.EPINTENSET), USB_EPINT.TRCPT0 | USB_EPINT.TRCPT1 | USB_EPINT.RXSTP);
    this.prepareSetup();
  }

  private prepareSetup(): void {
    this.setAddr(0, 0, SETUP_BUF);
    this.setPcksize(0, 0, { multi: 8, byteCount: 0 });
  }

  // ---------------------------------------------------------------- control transfers
  private ctrlIn(data: Uint8Array, wLength: number, after: (() => void) | null = null): void {
    const n = Math.min(data.length, wLength);
    this.ramWrite(EP0_IN_BUF, data.subarray(0, n));
    this.setAddr(0, 1, EP0_IN_BUF);
    // Multi-packet IN; AUTO_ZLP when a short answer ends on a packet boundary.
    this.setPcksize(0, 1, { byteCount: n, multi: 0, autoZlp: n < wLength && n % this.opts.ep0Size === 0 });
    this.ctrlStage = n === 0 ? 'status-in' : 'data-in';
    this.afterStatus = after;
    this.w8(this.ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
  }

  private ctrlStatusIn(after: (() => void) | null = null): void {
    this.setPcksize(0, 1, { byteCount: 0, multi: 0, autoZlp: false });
    this.ctrlStage = 'status-in';
    this.afterStatus = after;
    this.w8(this.ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
  }

  private ctrlOut(length: number, then: (data: Uint8Array) => void): void {
    this.setAddr(0, 0, EP0_OUT_BUF);
    this.setPcksize(0, 0, { multi: length, byteCount: 0 });
    this.ctrlStage = 'data-out';
    this.onCtrlOut = then;
    this.w8(this.ep(0, USB_REG.EPSTATUSCLR), USB_EPSTATUS.BK0RDY);
  }

  private ctrlStall(): void {
    this.ctrlStage = 'idle';
    this.w8(this.ep(0, USB_REG.EPSTATUSSET), USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.STALLRQ1);
  }

  private handleSetup(raw: Uint8Array): void {
    this.setupCount++;
    const s: Setup = {
      bmRequestType: raw[0],
      bRequest: raw[1],
      wValue: raw[2] | (raw[3] << 8),
      wIndex: raw[4] | (raw[5] << 8),
      wLength: raw[6] | (raw[7] << 8),
    };
    const type = (s.bmRequestType >> 5) & 3;
    const recipient = s.bmRequestType & 0x1f;
    if (type === 0) this.standardRequest(s, recipient);
    else if (type === 1) this.classRequest(s);
    else this.ctrlStall();
  }

  private standardRequest(s: Setup, recipient: number): void {
    switch (s.bRequest) {
      case 6: {
        const dtype = s.wValue >> 8;
        const index = s.wValue & 0xff;
        let d: Uint8Array | null = null;
        if (dtype === 1) {
          d = this.opts.device;
          // As TinyUSB: at address 0 a host may ask for 64 bytes; send one packet only.
          if (this.address === 0 && s.wLength > this.opts.ep0Size) return this.ctrlIn(d, this.opts.ep0Size);
        }
        else if (dtype === 2) d = this.opts.config;
        else if (dtype === 3) d = index === 0 ? new Uint8Array([4, 3, 0x09, 0x04]) : index < STRINGS.length ? stringDescriptor(STRINGS[index]) : null;
        else if (dtype === 0x22 && recipient === 1) d = HID_REPORT_DESCRIPTOR;
        if (!d) return this.ctrlStall();
        if (dtype === 2 && this.opts.babbleConfig) return this.ctrlIn(d, d.length);
        return this.ctrlIn(d, s.wLength);
      }
      case 5: {
        const addr = s.wValue & 0x7f;
        this.ctrlStatusIn(() => {
          this.address = addr;
          if (this.opts.setAddress) this.w8(USB_REG.DADD, addr | USB_DADD.ADDEN);
        });
        // TinyUSB enables SUSPEND here.
        this.w16(USB_REG.INTFLAG, USB_INT.SUSPEND);
        this.w16(USB_REG.INTENSET, USB_INT.SUSPEND);
        return;
      }
      case 9:
        this.configure();
        return this.ctrlStatusIn();
      case 8:
        return this.ctrlIn(new Uint8Array([this.configured ? 1 : 0]), s.wLength);
      case 0:
        return this.ctrlIn(new Uint8Array([0, 0]), s.wLength);
      case 1: {
        if (recipient === 2 && s.wValue === 0) {
          const epAddr = s.wIndex;
          const n = epAddr & 0x0f;
          if (epAddr & 0x80) this.w8(this.ep(n, USB_REG.EPSTATUSCLR), USB_EPSTATUS.STALLRQ1 | USB_EPSTATUS.DTGLIN);
          else this.w8(this.ep(n, USB_REG.EPSTATUSCLR), USB_EPSTATUS.STALLRQ0 | USB_EPSTATUS.DTGLOUT);
          this.ctrlStatusIn(() => {
            if (n === EP_MSC && this.msc.pendingCsw && (epAddr & 0x80)) {
              const c = this.msc.pendingCsw;
              this.msc.pendingCsw = null;
              this.mscSendCsw(c.status, c.residue);
            }
          });
          return;
        }
        return this.ctrlStatusIn();
      }
      case 11:
        return this.ctrlStatusIn();
      default:
        return this.ctrlStall();
    }
  }

  private classRequest(s: Setup): void {
    const iface = s.wIndex & 0xff;
    if (iface === 0) {
      if (s.bRequest === 0x20) {
        return this.ctrlOut(s.wLength, (data) => {
          this.lineCoding = data;
          this.ctrlStatusIn();
        });
      }
      if (s.bRequest === 0x21) return this.ctrlIn(this.lineCoding ?? new Uint8Array(7), s.wLength);
      if (s.bRequest === 0x22) {
        this.dtr = (s.wValue & 1) !== 0;
        this.rts = (s.wValue & 2) !== 0;
        return this.ctrlStatusIn();
      }
    } else if (iface === 2) {
      if (s.bRequest === 0xfe) return this.ctrlIn(new Uint8Array([0]), s.wLength);
      if (s.bRequest === 0xff) {
        this.msc.state = 'cbw';
        this.msc.pendingCsw = null;
        return this.ctrlStatusIn(() => this.mscArmCbw());
      }
    } else if (iface === 3 && s.bRequest === 0x0a) {
      return this.ctrlStatusIn();
    }
    this.ctrlStall();
  }

  private configure(): void {
    this.configured = true;
    // CDC
    this.w8(this.ep(EP_CDC_NOTIFY, USB_REG.EPCFG), 0x40);
    this.setPcksize(EP_CDC_NOTIFY, 1, { size: 8 });
    this.w8(this.ep(EP_CDC, USB_REG.EPCFG), 0x33);
    this.setPcksize(EP_CDC, 0, { size: 64 });
    this.setPcksize(EP_CDC, 1, { size: 64 });
    this.w8(this.ep(EP_CDC, USB_REG.EPINTENSET), USB_EPINT.TRCPT0 | USB_EPINT.TRCPT1);
    this.cdcArmOut();
    // MSC
    this.w8(this.ep(EP_MSC, USB_REG.EPCFG), 0x33);
    this.setPcksize(EP_MSC, 0, { size: 64 });
    this.setPcksize(EP_MSC, 1, { size: 64 });
    this.w8(this.ep(EP_MSC, USB_REG.EPINTENSET), USB_EPINT.TRCPT0 | USB_EPINT.TRCPT1);
    this.msc.state = 'cbw';
    this.mscArmCbw();
    // HID
    this.w8(this.ep(EP_HID, USB_REG.EPCFG), 0x40);
    this.setPcksize(EP_HID, 1, { size: 8 });
    // MIDI
    this.w8(this.ep(EP_MIDI, USB_REG.EPCFG), 0x33);
    this.setPcksize(EP_MIDI, 0, { size: 64 });
    this.setPcksize(EP_MIDI, 1, { size: 64 });
    this.setAddr(EP_MIDI, 0, MIDI_OUT_BUF);
    this.setPcksize(EP_MIDI, 0, { multi: 64, byteCount: 0 });
    this.w8(this.ep(EP_MIDI, USB_REG.EPSTATUSCLR), USB_EPSTATUS.BK0RDY);
  }

  // ---------------------------------------------------------------- transfer completions
  private inComplete(n: number): void {
    if (n === 0) {
      if (this.ctrlStage === 'data-in') {
        // Status stage: ZLP OUT into the setup buffer.
        this.prepareSetup();
        this.setPcksize(0, 0, { multi: 0, byteCount: 0 });
        this.ctrlStage = 'status-out';
        this.w8(this.ep(0, USB_REG.EPSTATUSCLR), USB_EPSTATUS.BK0RDY);
      } else if (this.ctrlStage === 'status-in') {
        this.ctrlStage = 'idle';
        const after = this.afterStatus;
        this.afterStatus = null;
        after?.();
        this.prepareSetup();
      }
    } else if (n === EP_CDC) {
      this.cdcInBusy = false;
      this.cdcFlush();
    } else if (n === EP_MSC) {
      this.mscInComplete();
    }
  }

  private outComplete(n: number, count: number): void {
    if (n === 0) {
      if (this.ctrlStage === 'data-out') {
        const data = this.ramRead(EP0_OUT_BUF, count);
        const cb = this.onCtrlOut;
        this.onCtrlOut = null;
        this.prepareSetup();
        cb?.(data);
      } else if (this.ctrlStage === 'status-out') {
        this.ctrlStage = 'idle';
        this.prepareSetup();
      }
    } else if (n === EP_CDC) {
      this.cdcOutArmed = false;
      const data = this.ramRead(CDC_OUT_BUF, count);
      for (const b of data) this.cdcReceived.push(b);
      if (this.opts.echo) this.txQueue.push(...data);
      this.cdcFlush();
      if (this.txQueue.length < 256) this.cdcArmOut();
    } else if (n === EP_MSC) {
      this.mscOutComplete(count);
    }
  }

  // ---------------------------------------------------------------- CDC
  private cdcArmOut(): void {
    if (this.cdcOutArmed) return;
    this.cdcOutArmed = true;
    this.setAddr(EP_CDC, 0, CDC_OUT_BUF);
    this.setPcksize(EP_CDC, 0, { multi: 64, byteCount: 0 });
    this.w8(this.ep(EP_CDC, USB_REG.EPSTATUSCLR), USB_EPSTATUS.BK0RDY);
  }

  /** Device-to-host console output (tud_cdc_write + flush). */
  cdcWrite(text: string | Uint8Array): void {
    const b = typeof text === 'string' ? new TextEncoder().encode(text) : text;
    this.txQueue.push(...b);
    this.cdcFlush();
  }

  private cdcFlush(): void {
    if (this.cdcInBusy || this.txQueue.length === 0 || !this.configured) {
      if (!this.cdcInBusy && this.txQueue.length < 256 && this.configured) this.cdcArmOut();
      return;
    }
    const chunk = this.txQueue.splice(0, 64);
    this.ramWrite(CDC_IN_BUF, chunk);
    this.setAddr(EP_CDC, 1, CDC_IN_BUF);
    this.setPcksize(EP_CDC, 1, { byteCount: chunk.length, multi: 0 });
    this.cdcInBusy = true;
    this.w8(this.ep(EP_CDC, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
  }

  // ---------------------------------------------------------------- MSC (bulk-only)
  private mscArmCbw(): void {
    this.setAddr(EP_MSC, 0, MSC_CBW_BUF);
    this.setPcksize(EP_MSC, 0, { multi: 31, byteCount: 0 });
    this.w8(this.ep(EP_MSC, USB_REG.EPSTATUSCLR), USB_EPSTATUS.BK0RDY);
  }

  private mscSendIn(addr: number, data: Uint8Array, autoZlp = false): void {
    this.ramWrite(addr, data);
    this.setAddr(EP_MSC, 1, addr);
    this.setPcksize(EP_MSC, 1, { byteCount: data.length, multi: 0, autoZlp });
    this.w8(this.ep(EP_MSC, USB_REG.EPSTATUSSET), USB_EPSTATUS.BK1RDY);
  }

  private mscSendCsw(status: number, residue: number): void {
    const csw = new Uint8Array(13);
    const v = new DataView(csw.buffer);
    v.setUint32(0, 0x53425355, true);
    v.setUint32(4, this.msc.tag, true);
    v.setUint32(8, residue, true);
    csw[12] = status;
    this.msc.state = 'csw';
    this.mscSendIn(MSC_CSW_BUF, csw);
  }

  /** Fails the command: STALL the data stage if there is one, CSW status 1 after the clear. */
  private mscFail(sense: [number, number, number], cbwIn: boolean): void {
    this.msc.sense = sense;
    const m = this.msc;
    if (m.dataLength > 0) {
      m.pendingCsw = { status: 1, residue: m.dataLength };
      m.state = 'stalled';
      this.w8(this.ep(EP_MSC, USB_REG.EPSTATUSSET), cbwIn ? USB_EPSTATUS.STALLRQ1 : USB_EPSTATUS.STALLRQ0);
      if (!cbwIn) {
        // OUT data stage stalled: the CSW goes out once the host clears the OUT halt; our
        // CLEAR_FEATURE handler only sends it for IN, so send it now (the IN side is fine).
        m.pendingCsw = null;
        this.mscSendCsw(1, m.dataLength);
      }
    } else {
      this.mscSendCsw(1, 0);
    }
  }

  private mscData(data: Uint8Array): void {
    const m = this.msc;
    const n = Math.min(data.length, m.dataLength);
    m.residue = m.dataLength - n;
    m.state = 'data-in';
    m.remaining = 0;
    this.mscSendIn(MSC_DATA_BUF, data.subarray(0, n), n < m.dataLength && n % 64 === 0);
  }

  private mscOutComplete(count: number): void {
    const m = this.msc;
    if (m.state === 'cbw') {
      const cbw = this.ramRead(MSC_CBW_BUF, 31);
      const v = new DataView(cbw.buffer);
      if (count !== 31 || v.getUint32(0, true) !== 0x43425355) {
        this.log.push(`bad CBW (${count} bytes)`);
        this.mscArmCbw();
        return;
      }
      m.tag = v.getUint32(4, true);
      m.dataLength = v.getUint32(8, true);
      const dirIn = (cbw[12] & 0x80) !== 0;
      const cdb = cbw.subarray(15, 15 + cbw[14]);
      this.mscCommand(cdb, dirIn);
    } else if (m.state === 'data-out') {
      this.disk.set(this.ramRead(MSC_DATA_BUF, BLOCK), m.lba * BLOCK);
      m.lba++;
      m.remaining--;
      if (m.remaining > 0) this.mscArmWrite();
      else this.mscSendCsw(0, 0);
    }
  }

  private mscArmWrite(): void {
    this.setAddr(EP_MSC, 0, MSC_DATA_BUF);
    this.setPcksize(EP_MSC, 0, { multi: BLOCK, byteCount: 0 });
    this.w8(this.ep(EP_MSC, USB_REG.EPSTATUSCLR), USB_EPSTATUS.BK0RDY);
  }

  private mscInComplete(): void {
    const m = this.msc;
    if (m.state === 'data-in') {
      if (m.remaining > 0) {
        this.mscSendBlock();
        return;
      }
      this.mscSendCsw(0, m.residue);
    } else if (m.state === 'csw') {
      m.state = 'cbw';
      this.mscArmCbw();
    }
  }

  private mscSendBlock(): void {
    const m = this.msc;
    m.state = 'data-in';
    this.mscSendIn(MSC_DATA_BUF, this.disk.subarray(m.lba * BLOCK, (m.lba + 1) * BLOCK));
    m.lba++;
    m.remaining--;
  }

  private mscCommand(cdb: Uint8Array, dirIn: boolean): void {
    const m = this.msc;
    const be32 = (o: number) => ((cdb[o] << 24) | (cdb[o + 1] << 16) | (cdb[o + 2] << 8) | cdb[o + 3]) >>> 0;
    const blocks = this.opts.mscBlocks;
    this.log.push(`SCSI 0x${cdb[0].toString(16)}`);
    switch (cdb[0]) {
      case 0x12: {
        const inq = new Uint8Array(36);
        inq[0] = 0;
        inq[1] = 0x80;
        inq[2] = 2;
        inq[3] = 2;
        inq[4] = 31;
        inq.set(new TextEncoder().encode('Adafruit'), 8);
        inq.set(new TextEncoder().encode('Mass Storage    '), 16);
        inq.set(new TextEncoder().encode('1.0 '), 32);
        return this.mscData(inq);
      }
      case 0x00:
        if (m.notReady > 0) {
          m.notReady--;
          return this.mscFail([2, 0x3a, 0], dirIn);
        }
        return this.mscSendCsw(0, 0);
      case 0x25: {
        const d = new Uint8Array(8);
        new DataView(d.buffer).setUint32(0, blocks - 1);
        new DataView(d.buffer).setUint32(4, BLOCK);
        return this.mscData(d);
      }
      case 0x1a:
        return this.mscData(new Uint8Array([3, 0, 0, 0]));
      case 0x03: {
        const d = new Uint8Array(18);
        d[0] = 0x70;
        d[2] = m.sense[0];
        d[7] = 10;
        d[12] = m.sense[1];
        d[13] = m.sense[2];
        m.sense = [0, 0, 0];
        return this.mscData(d);
      }
      case 0x1e:
      case 0x35:
        return this.mscSendCsw(0, 0);
      case 0x28:
      case 0x2a: {
        const lba = be32(2);
        const count = (cdb[7] << 8) | cdb[8];
        if (lba + count > blocks) return this.mscFail([5, 0x21, 0], dirIn);
        if (cdb[0] === 0x28 && this.opts.badBlocks.some((b) => b >= lba && b < lba + count)) return this.mscFail([3, 0x11, 0], dirIn);
        m.lba = lba;
        m.remaining = count;
        m.residue = 0;
        if (count === 0) return this.mscSendCsw(0, 0);
        if (cdb[0] === 0x28) return this.mscSendBlock();
        m.state = 'data-out';
        return this.mscArmWrite();
      }
      default:
        return this.mscFail([5, 0x20, 0], dirIn);
    }
  }
}
