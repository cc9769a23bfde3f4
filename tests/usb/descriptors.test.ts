/** Descriptor parsing and validation (untrusted device input). */
import { describe, expect, it } from 'vitest';
import {
  parseConfiguration,
  parseDeviceDescriptor,
  parseLanguageIds,
  parseStringDescriptor,
  UsbDescriptorError,
} from '../../firmware-runtime/usb/descriptors.js';
import { parseHidReportDescriptor } from '../../firmware-runtime/usb/hid.js';
import { describeSetup } from '../../firmware-runtime/usb/host.js';
import { UsbSerial } from '../../firmware-runtime/usb/cdc-acm.js';
import { configDescriptor, deviceDescriptor, HID_REPORT_DESCRIPTOR, stringDescriptor } from './descriptors-fixture.js';

describe('USB descriptors', () => {
  it('parses the device descriptor and rejects short or mistyped ones', () => {
    const d = parseDeviceDescriptor(deviceDescriptor(64));
    expect(d).toMatchObject({ bcdUSB: 0x200, idVendor: 0x239a, idProduct: 0x8019, bMaxPacketSize0: 64, bNumConfigurations: 1 });
    expect(() => parseDeviceDescriptor(deviceDescriptor().subarray(0, 12))).toThrow(/got 12 bytes, need 18/);
    const bad = deviceDescriptor();
    bad[1] = 2;
    expect(() => parseDeviceDescriptor(bad)).toThrow(UsbDescriptorError);
    expect(() => parseDeviceDescriptor(deviceDescriptor(64, { numConfigurations: 0 }))).toThrow(/bNumConfigurations is 0/);
  });

  it('parses a composite configuration with IADs and class-specific descriptors', () => {
    const c = parseConfiguration(configDescriptor());
    expect(c.bNumInterfaces).toBe(6);
    expect(c.maxPowerMilliamps).toBe(100);
    expect(c.interfaces[0].extra.map((x) => x.subtype)).toEqual([0x00, 0x01, 0x02, 0x06]);
    expect(c.interfaces[5].endpoints[0].extra[0].subtype).toBe(0x01);
    expect(c.warnings).toEqual([]);
  });

  it('reports overruns, stray bytes, endpoints outside interfaces and duplicate endpoints', () => {
    const good = configDescriptor({ cdc: true });
    const trunc = good.slice(0, good.length - 3);
    expect(() => parseConfiguration(trunc)).toThrow(/wTotalLength is \d+ but the device sent/);
    const overrun = good.slice();
    overrun[9 + 8 + 9] = 60; // header functional descriptor claims 60 bytes
    expect(() => parseConfiguration(overrun)).toThrow(/runs past wTotalLength/);
    const stray = new Uint8Array([...good, 0x01]);
    stray[2] += 1;
    expect(() => parseConfiguration(stray)).toThrow(/stray byte/);
    const early = new Uint8Array([9, 2, 16, 0, 1, 1, 0, 0x80, 50, 7, 5, 0x81, 2, 64, 0, 0]);
    expect(() => parseConfiguration(early)).toThrow(/before any interface/);
    const dup = configDescriptor({ msc: true });
    dup[dup.length - 5] = 0x03; // the IN endpoint gets the OUT endpoint's address
    expect(() => parseConfiguration(dup)).toThrow(/appears twice/);
  });

  it('tolerates a wrong bNumEndpoints / bNumInterfaces with warnings, like Linux', () => {
    const c = configDescriptor({ msc: true });
    c[4] = 3; // bNumInterfaces
    c[9 + 4] = 1; // bNumEndpoints
    const parsed = parseConfiguration(c);
    expect(parsed.warnings.join('\n')).toMatch(/bNumInterfaces is 3 but 1 interface/);
    expect(parsed.warnings.join('\n')).toMatch(/bNumEndpoints is 1 but 2 endpoint/);
  });

  it('parses string descriptors and language lists, rejecting odd or overlong lengths', () => {
    expect(parseStringDescriptor(stringDescriptor('CIRCUITPY'), 1)).toBe('CIRCUITPY');
    expect(parseLanguageIds(new Uint8Array([6, 3, 0x09, 0x04, 0x07, 0x04]))).toEqual([0x0409, 0x0407]);
    expect(() => parseStringDescriptor(new Uint8Array([5, 3, 0x41, 0, 0x42]), 2)).toThrow(/odd bLength/);
    expect(() => parseStringDescriptor(new Uint8Array([40, 3, 0x41, 0]), 2)).toThrow(/bLength 40 but 4 bytes/);
    expect(() => parseLanguageIds(new Uint8Array([2, 3]))).toThrow(/no language IDs/);
  });

  it('parses HID report descriptors strictly', () => {
    const r = parseHidReportDescriptor(HID_REPORT_DESCRIPTOR);
    expect(r.collections.length).toBe(2);
    expect(() => parseHidReportDescriptor(new Uint8Array([0x05, 0x01, 0xa1, 0x01]))).toThrow(/1 collection\(s\) not closed/);
    expect(() => parseHidReportDescriptor(new Uint8Array([0x26, 0xff]))).toThrow(/past the end/);
    expect(() => parseHidReportDescriptor(new Uint8Array([0xc0]))).toThrow(/End Collection without Collection/);
  });

  it('describes SETUP packets for error messages', () => {
    expect(describeSetup(new Uint8Array([0x80, 6, 0, 2, 0, 0, 9, 0]))).toBe(
      'GET_DESCRIPTOR(bmRequestType 0x80, wValue 0x0200, wIndex 0x0000, wLength 9)',
    );
    expect(describeSetup(new Uint8Array([0x21, 0x20, 0, 0, 0, 0, 7, 0]))).toMatch(/^class request 0x20/);
  });

  it('UsbSerial queues writes while no device is bound, bounded by maxQueued', () => {
    const s = new UsbSerial();
    s.maxQueued = 10;
    s.write('0123456789');
    s.write('abc');
    expect(s.connected).toBe(false);
    const sent: string[] = [];
    const fake = { onData: () => () => {}, write: (b: Uint8Array) => sent.push(new TextDecoder().decode(b)) };
    s.bind(fake as never);
    expect(sent).toEqual(['abc']); // the oldest chunk was dropped to stay within 10 bytes
  });
});
