/** USB descriptors of the TypeScript test device: a CircuitPython-like composite device. */

export const VID = 0x239a;
export const PID = 0x8019;

export function deviceDescriptor(ep0Size = 64, overrides: Partial<{ bcdUSB: number; numConfigurations: number }> = {}): Uint8Array {
  const bcd = overrides.bcdUSB ?? 0x0200;
  return new Uint8Array([
    18, 1, bcd & 0xff, bcd >> 8,
    0xef, 0x02, 0x01, // misc / common class / IAD
    ep0Size,
    VID & 0xff, VID >> 8, PID & 0xff, PID >> 8,
    0x00, 0x01, // bcdDevice 1.00
    1, 2, 3, // strings
    overrides.numConfigurations ?? 1,
  ]);
}

const le16 = (v: number) => [v & 0xff, (v >> 8) & 0xff];

export interface ConfigParts {
  cdc?: boolean;
  msc?: boolean;
  hid?: boolean;
  midi?: boolean;
}

export const HID_REPORT_DESCRIPTOR = new Uint8Array([
  0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x85, 0x01, // keyboard, report ID 1
  0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02,
  0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00,
  0xc0,
  0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x02, // consumer control, report ID 2
  0x75, 0x10, 0x95, 0x01, 0x15, 0x01, 0x26, 0x8c, 0x02, 0x19, 0x01, 0x2a, 0x8c, 0x02, 0x81, 0x00,
  0xc0,
]);

/** The configuration: CDC-ACM (IAD) on 0/1, MSC on 2, HID on 3, MIDI (IAD) on 4/5. */
export function configDescriptor(parts: ConfigParts = { cdc: true, msc: true, hid: true, midi: true }): Uint8Array {
  const body: number[] = [];
  let interfaces = 0;
  if (parts.cdc) {
    body.push(8, 11, 0, 2, 0x02, 0x02, 0x00, 0); // IAD: interfaces 0-1, CDC
    body.push(9, 4, 0, 0, 1, 0x02, 0x02, 0x00, 4); // comm interface, 1 endpoint, iInterface 4
    body.push(5, 0x24, 0x00, ...le16(0x0110)); // header
    body.push(5, 0x24, 0x01, 0x00, 1); // call management
    body.push(4, 0x24, 0x02, 0x02); // ACM
    body.push(5, 0x24, 0x06, 0, 1); // union: 0 controls 1
    body.push(7, 5, 0x81, 0x03, ...le16(8), 16); // notification, interrupt IN
    body.push(9, 4, 1, 0, 2, 0x0a, 0x00, 0x00, 0); // data interface
    body.push(7, 5, 0x02, 0x02, ...le16(64), 0); // bulk OUT
    body.push(7, 5, 0x82, 0x02, ...le16(64), 0); // bulk IN
    interfaces += 2;
  }
  if (parts.msc) {
    body.push(9, 4, 2, 0, 2, 0x08, 0x06, 0x50, 0);
    body.push(7, 5, 0x03, 0x02, ...le16(64), 0);
    body.push(7, 5, 0x83, 0x02, ...le16(64), 0);
    interfaces += 1;
  }
  if (parts.hid) {
    body.push(9, 4, 3, 0, 1, 0x03, 0x00, 0x00, 0);
    body.push(9, 0x21, ...le16(0x0111), 0, 1, 0x22, ...le16(HID_REPORT_DESCRIPTOR.length));
    body.push(7, 5, 0x84, 0x03, ...le16(8), 8);
    interfaces += 1;
  }
  if (parts.midi) {
    body.push(8, 11, 4, 2, 0x01, 0x01, 0x00, 0); // IAD: audio
    body.push(9, 4, 4, 0, 0, 0x01, 0x01, 0x00, 0); // audio control
    body.push(9, 0x24, 0x01, ...le16(0x0100), ...le16(9), 1, 5); // AC header, one streaming interface (5)
    const ms: number[] = [];
    ms.push(7, 0x24, 0x01, ...le16(0x0100), 0, 0); // MS_HEADER (wTotalLength patched below)
    ms.push(6, 0x24, 0x02, 0x01, 1, 0); // IN jack embedded 1
    ms.push(6, 0x24, 0x02, 0x02, 2, 0); // IN jack external 2
    ms.push(9, 0x24, 0x03, 0x01, 3, 1, 2, 1, 0); // OUT jack embedded 3 <- 2
    ms.push(9, 0x24, 0x03, 0x02, 4, 1, 1, 1, 0); // OUT jack external 4 <- 1
    ms.push(9, 5, 0x05, 0x02, ...le16(64), 0, 0, 0); // bulk OUT (audio 9-byte endpoint)
    ms.push(5, 0x25, 0x01, 1, 1); // MS_GENERAL: embedded IN jack 1
    ms.push(9, 5, 0x85, 0x02, ...le16(64), 0, 0, 0); // bulk IN
    ms.push(5, 0x25, 0x01, 1, 3); // MS_GENERAL: embedded OUT jack 3
    const msTotal = ms.length;
    ms[5] = msTotal & 0xff;
    ms[6] = msTotal >> 8;
    body.push(9, 4, 5, 0, 2, 0x01, 0x03, 0x00, 0); // MIDI streaming
    body.push(...ms);
    interfaces += 2;
  }
  const total = 9 + body.length;
  return new Uint8Array([9, 2, ...le16(total), interfaces, 1, 0, 0x80, 50, ...body]);
}

export function stringDescriptor(s: string): Uint8Array {
  const out = new Uint8Array(2 + 2 * s.length);
  out[0] = out.length;
  out[1] = 3;
  for (let i = 0; i < s.length; i++) {
    out[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = s.charCodeAt(i) >> 8;
  }
  return out;
}

export const STRINGS = ['', 'circuitemu', 'TS test device', 'CE0001', 'CDC console'];
