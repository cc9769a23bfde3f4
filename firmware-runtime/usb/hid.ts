/**
 * HID (Device Class Definition for HID 1.11): enumeration only. The host reads the HID
 * descriptor from the configuration, sends SET_IDLE(0) as Linux does (a STALL is fine, 7.2.4),
 * fetches the report descriptor (GET_DESCRIPTOR type 0x22 to the interface) and parses its item
 * stream to list the top-level collections (usage page / usage) and report IDs. No reports are
 * exchanged beyond an optional `readReport`.
 */
import { DescriptorType, UsbDescriptorError, type InterfaceDescriptor } from './descriptors.js';
import { UsbTransferError } from './errors.js';
import type { HostCoroutine, Pipe, UsbHost } from './host.js';
import { asError } from './host.js';
import { isDisconnect } from './cdc-acm.js';

export interface HidCollection {
  usagePage: number;
  usage: number;
}

export interface HidReportSummary {
  /** Top-level application collections, in order. */
  collections: HidCollection[];
  /** Report IDs declared (empty: the device uses no report IDs). */
  reportIds: number[];
  /** Number of items parsed. */
  items: number;
}

/** Parses a HID report descriptor (HID 1.11 section 6.2.2) strictly: no item may overrun. */
export function parseHidReportDescriptor(d: Uint8Array): HidReportSummary {
  const collections: HidCollection[] = [];
  const reportIds = new Set<number>();
  let usagePage = 0;
  let usage = -1;
  let depth = 0;
  let items = 0;
  const globalsStack: number[] = [];
  for (let i = 0; i < d.length; ) {
    const prefix = d[i];
    if (prefix === 0xfe) {
      // Long item: bDataSize, bLongItemTag, data.
      if (i + 2 >= d.length) throw new UsbDescriptorError(`HID report descriptor: long item at offset ${i} is truncated`);
      const size = d[i + 1];
      if (i + 3 + size > d.length) throw new UsbDescriptorError(`HID report descriptor: long item at offset ${i} overruns the descriptor`);
      i += 3 + size;
      items++;
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 3];
    const type = (prefix >> 2) & 3;
    const tag = prefix >> 4;
    if (i + 1 + size > d.length) {
      throw new UsbDescriptorError(`HID report descriptor: item 0x${prefix.toString(16)} at offset ${i} needs ${size} data byte(s) past the end`);
    }
    let value = 0;
    for (let b = 0; b < size; b++) value |= d[i + 1 + b] << (8 * b);
    value >>>= 0;
    items++;
    if (type === 0) {
      // Main items.
      if (tag === 0x0a) {
        if (depth === 0 && value === 0x01) collections.push({ usagePage, usage: usage >= 0 ? usage & 0xffff : 0 });
        depth++;
      } else if (tag === 0x0c) {
        if (depth === 0) throw new UsbDescriptorError(`HID report descriptor: End Collection without Collection at offset ${i}`);
        depth--;
      }
      usage = -1; // local items end with each main item
    } else if (type === 1) {
      // Global items.
      if (tag === 0x0) usagePage = value;
      else if (tag === 0x8) {
        if (value === 0) throw new UsbDescriptorError(`HID report descriptor: Report ID 0 at offset ${i} is reserved`);
        reportIds.add(value);
      } else if (tag === 0xa) globalsStack.push(usagePage);
      else if (tag === 0xb) {
        if (globalsStack.length === 0) throw new UsbDescriptorError(`HID report descriptor: Pop without Push at offset ${i}`);
        usagePage = globalsStack.pop()!;
      }
    } else if (type === 2) {
      // Local items: Usage (extended usages carry their page in the high half).
      if (tag === 0x0 && usage < 0) usage = size === 4 ? value >>> 0 : value;
    } else {
      throw new UsbDescriptorError(`HID report descriptor: reserved item type at offset ${i}`);
    }
    i += 1 + size;
  }
  if (depth !== 0) throw new UsbDescriptorError(`HID report descriptor: ${depth} collection(s) not closed`);
  return { collections, reportIds: [...reportIds].sort((a, b) => a - b), items };
}

export class HidFunction {
  readonly kind = 'hid';
  active = false;
  /** bcdHID, country code and report descriptor length from the HID descriptor. */
  bcdHID = 0;
  reportDescriptorLength = 0;
  reportDescriptor: Uint8Array | null = null;
  report: HidReportSummary | null = null;

  constructor(
    readonly host: UsbHost,
    readonly iface: InterfaceDescriptor,
    readonly interruptIn: Pipe | null,
    readonly interruptOut: Pipe | null,
  ) {}

  start(): void {
    this.active = true;
    this.host.spawn(this.probe(), (error) => {
      if (error && !isDisconnect(error)) this.host.reportError(`HID interface ${this.iface.bInterfaceNumber}: ${error.message}`, error);
    });
  }

  detach(): void {
    this.active = false;
  }

  private *probe(): HostCoroutine<void> {
    const host = this.host;
    const n = this.iface.bInterfaceNumber;
    const hid = this.iface.extra.find((d) => d.type === DescriptorType.HID);
    if (!hid) throw new UsbDescriptorError(`no HID descriptor (type 0x21) follows interface ${n}`);
    const b = hid.bytes;
    if (b.length < 9) throw new UsbDescriptorError(`HID descriptor of interface ${n} is ${b.length} bytes (at least 9)`);
    this.bcdHID = b[2] | (b[3] << 8);
    const count = b[5];
    let reportLength = -1;
    for (let k = 0; k < count; k++) {
      const o = 6 + 3 * k;
      if (o + 3 > b.length) throw new UsbDescriptorError(`HID descriptor of interface ${n} lists ${count} descriptors but is only ${b.length} bytes`);
      if (b[o] === DescriptorType.HID_REPORT) reportLength = b[o + 1] | (b[o + 2] << 8);
    }
    if (reportLength <= 0) throw new UsbDescriptorError(`HID descriptor of interface ${n} names no report descriptor`);
    this.reportDescriptorLength = reportLength;
    try {
      yield* host.controlOut(0x21, 0x0a, 0, n); // SET_IDLE(0): report only on change
    } catch (e) {
      if (!(e instanceof UsbTransferError && e.kind === 'stall')) throw e;
    }
    const desc = yield* host.controlIn(0x81, 0x06, DescriptorType.HID_REPORT << 8, n, reportLength);
    if (desc.length !== reportLength) {
      throw new UsbDescriptorError(`report descriptor of interface ${n}: got ${desc.length} of ${reportLength} bytes`);
    }
    this.reportDescriptor = desc;
    this.report = parseHidReportDescriptor(desc);
  }

  /** Reads one input report from the interrupt IN endpoint (resolves when the device sends one). */
  readReport(timeoutFrames = 1000): Promise<Uint8Array> {
    const pipe = this.interruptIn;
    if (!pipe) return Promise.reject(new Error(`HID interface ${this.iface.bInterfaceNumber} has no interrupt IN endpoint`));
    return this.host.run(this.host.transferIn(pipe, pipe.maxPacket, timeoutFrames)).catch((e) => {
      throw asError(e);
    });
  }
}
