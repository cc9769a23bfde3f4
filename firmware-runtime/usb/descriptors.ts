/**
 * USB standard descriptors (USB 2.0 chapter 9.6) and the class-specific ones the host needs:
 * parsing with validation. Everything a device sends is untrusted input: a parser never reads
 * past the bytes received, and every inconsistency is either a `UsbDescriptorError` (the host
 * cannot use the descriptor) or a warning collected on the result (Linux would log and carry on).
 */

export class UsbDescriptorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsbDescriptorError';
  }
}

export const DescriptorType = {
  DEVICE: 1,
  CONFIGURATION: 2,
  STRING: 3,
  INTERFACE: 4,
  ENDPOINT: 5,
  DEVICE_QUALIFIER: 6,
  OTHER_SPEED_CONFIGURATION: 7,
  INTERFACE_POWER: 8,
  OTG: 9,
  DEBUG: 10,
  INTERFACE_ASSOCIATION: 11,
  BOS: 15,
  HID: 0x21,
  HID_REPORT: 0x22,
  CS_INTERFACE: 0x24,
  CS_ENDPOINT: 0x25,
} as const;

export const UsbClass = {
  AUDIO: 0x01,
  CDC: 0x02,
  HID: 0x03,
  MASS_STORAGE: 0x08,
  CDC_DATA: 0x0a,
  MISC: 0xef,
  VENDOR: 0xff,
} as const;

export type EndpointType = 'control' | 'isochronous' | 'bulk' | 'interrupt';
const ENDPOINT_TYPES: readonly EndpointType[] = ['control', 'isochronous', 'bulk', 'interrupt'];

export interface DeviceDescriptor {
  bcdUSB: number;
  bDeviceClass: number;
  bDeviceSubClass: number;
  bDeviceProtocol: number;
  bMaxPacketSize0: number;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  iManufacturer: number;
  iProduct: number;
  iSerialNumber: number;
  bNumConfigurations: number;
}

/** A descriptor the parser does not interpret (class-specific, vendor), kept raw. */
export interface RawDescriptor {
  type: number;
  /** bDescriptorSubtype for CS_INTERFACE / CS_ENDPOINT descriptors (byte 2), else -1. */
  subtype: number;
  bytes: Uint8Array;
}

export interface EndpointDescriptor {
  bEndpointAddress: number;
  /** Endpoint number 1..15. */
  number: number;
  /** Direction: true = IN (device to host). */
  in: boolean;
  type: EndpointType;
  bmAttributes: number;
  wMaxPacketSize: number;
  bInterval: number;
  /** Descriptors following this endpoint (CS_ENDPOINT for MIDI, audio). */
  extra: RawDescriptor[];
}

export interface InterfaceDescriptor {
  bInterfaceNumber: number;
  bAlternateSetting: number;
  bInterfaceClass: number;
  bInterfaceSubClass: number;
  bInterfaceProtocol: number;
  iInterface: number;
  endpoints: EndpointDescriptor[];
  /** Descriptors between the interface and its first endpoint (CS_INTERFACE, HID, ...). */
  extra: RawDescriptor[];
}

export interface InterfaceAssociation {
  bFirstInterface: number;
  bInterfaceCount: number;
  bFunctionClass: number;
  bFunctionSubClass: number;
  bFunctionProtocol: number;
  iFunction: number;
}

export interface ConfigurationDescriptor {
  wTotalLength: number;
  bNumInterfaces: number;
  bConfigurationValue: number;
  iConfiguration: number;
  bmAttributes: number;
  /** bMaxPower in mA (the descriptor holds units of 2 mA). */
  maxPowerMilliamps: number;
  /** Every interface descriptor (all alternate settings), in descriptor order. */
  interfaces: InterfaceDescriptor[];
  associations: InterfaceAssociation[];
  /** Descriptors before the first interface that are not IADs. */
  extra: RawDescriptor[];
  /** Inconsistencies a tolerant host accepts (reported, not fatal). */
  warnings: string[];
}

const hex = (v: number, digits = 2) => `0x${v.toString(16).padStart(digits, '0')}`;

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}

/** Parses a device descriptor (USB 2.0 9.6.1); `bytes` may be longer than 18. */
export function parseDeviceDescriptor(bytes: Uint8Array): DeviceDescriptor {
  if (bytes.length < 18) throw new UsbDescriptorError(`device descriptor: got ${bytes.length} bytes, need 18`);
  if (bytes[0] < 18) throw new UsbDescriptorError(`device descriptor: bLength ${bytes[0]} is less than 18`);
  if (bytes[1] !== DescriptorType.DEVICE) {
    throw new UsbDescriptorError(`device descriptor: bDescriptorType ${hex(bytes[1])}, expected 0x01`);
  }
  const d: DeviceDescriptor = {
    bcdUSB: u16(bytes, 2),
    bDeviceClass: bytes[4],
    bDeviceSubClass: bytes[5],
    bDeviceProtocol: bytes[6],
    bMaxPacketSize0: bytes[7],
    idVendor: u16(bytes, 8),
    idProduct: u16(bytes, 10),
    bcdDevice: u16(bytes, 12),
    iManufacturer: bytes[14],
    iProduct: bytes[15],
    iSerialNumber: bytes[16],
    bNumConfigurations: bytes[17],
  };
  checkMaxPacketSize0(d.bMaxPacketSize0);
  if (d.bNumConfigurations === 0) throw new UsbDescriptorError('device descriptor: bNumConfigurations is 0');
  return d;
}

/** bMaxPacketSize0 must be 8, 16, 32 or 64 at full speed (USB 2.0 9.6.1). */
export function checkMaxPacketSize0(size: number): void {
  if (size !== 8 && size !== 16 && size !== 32 && size !== 64) {
    throw new UsbDescriptorError(`device descriptor: bMaxPacketSize0 ${size} is not 8, 16, 32 or 64`);
  }
}

/** Reads wTotalLength from the 9-byte configuration header. */
export function configurationTotalLength(bytes: Uint8Array): number {
  if (bytes.length < 9) throw new UsbDescriptorError(`configuration descriptor: got ${bytes.length} bytes, need 9`);
  if (bytes[1] !== DescriptorType.CONFIGURATION) {
    throw new UsbDescriptorError(`configuration descriptor: bDescriptorType ${hex(bytes[1])}, expected 0x02`);
  }
  if (bytes[0] < 9) throw new UsbDescriptorError(`configuration descriptor: bLength ${bytes[0]} is less than 9`);
  const total = u16(bytes, 2);
  if (total < 9) throw new UsbDescriptorError(`configuration descriptor: wTotalLength ${total} is less than 9`);
  return total;
}

/**
 * Parses a full configuration (USB 2.0 9.6.3 and the descriptors that follow it): interfaces
 * with their alternate settings and endpoints, IADs, class-specific descriptors kept raw.
 */
export function parseConfiguration(bytes: Uint8Array, speed: 'full' | 'low' = 'full'): ConfigurationDescriptor {
  const total = configurationTotalLength(bytes);
  if (bytes.length < total) {
    throw new UsbDescriptorError(`configuration descriptor: wTotalLength is ${total} but the device sent ${bytes.length} bytes`);
  }
  const cfg: ConfigurationDescriptor = {
    wTotalLength: total,
    bNumInterfaces: bytes[4],
    bConfigurationValue: bytes[5],
    iConfiguration: bytes[6],
    bmAttributes: bytes[7],
    maxPowerMilliamps: bytes[8] * 2,
    interfaces: [],
    associations: [],
    extra: [],
    warnings: [],
  };
  if ((cfg.bmAttributes & 0x80) === 0) cfg.warnings.push('configuration bmAttributes bit 7 (reserved, must be 1) is 0');
  let iface: InterfaceDescriptor | null = null;
  let endpoint: EndpointDescriptor | null = null;
  let offset = bytes[0];
  while (offset < total) {
    if (total - offset < 2) throw new UsbDescriptorError(`configuration: ${total - offset} stray byte(s) at offset ${offset}`);
    const length = bytes[offset];
    const type = bytes[offset + 1];
    if (length < 2) throw new UsbDescriptorError(`configuration: descriptor at offset ${offset} has bLength ${length}`);
    if (offset + length > total) {
      throw new UsbDescriptorError(
        `configuration: descriptor type ${hex(type)} at offset ${offset} (bLength ${length}) runs past wTotalLength ${total}`,
      );
    }
    const d = bytes.subarray(offset, offset + length);
    const need = (n: number, what: string) => {
      if (length < n) throw new UsbDescriptorError(`configuration: ${what} at offset ${offset} has bLength ${length}, need ${n}`);
    };
    switch (type) {
      case DescriptorType.INTERFACE: {
        need(9, 'interface descriptor');
        closeInterface(iface, cfg);
        iface = {
          bInterfaceNumber: d[2],
          bAlternateSetting: d[3],
          bInterfaceClass: d[5],
          bInterfaceSubClass: d[6],
          bInterfaceProtocol: d[7],
          iInterface: d[8],
          endpoints: [],
          extra: [],
        };
        bytesNumEndpoints.set(iface, d[4]);
        if (cfg.interfaces.some((i) => i.bInterfaceNumber === d[2] && i.bAlternateSetting === d[3])) {
          throw new UsbDescriptorError(`configuration: interface ${d[2]} alternate setting ${d[3]} appears twice`);
        }
        cfg.interfaces.push(iface);
        endpoint = null;
        break;
      }
      case DescriptorType.ENDPOINT: {
        need(7, 'endpoint descriptor');
        if (!iface) throw new UsbDescriptorError(`configuration: endpoint descriptor at offset ${offset} before any interface`);
        const address = d[2];
        const number = address & 0x0f;
        if (number === 0) throw new UsbDescriptorError(`interface ${iface.bInterfaceNumber}: endpoint descriptor for endpoint 0`);
        if (address & 0x70) cfg.warnings.push(`endpoint ${hex(address)}: reserved address bits set`);
        const attributes = d[3];
        const type = ENDPOINT_TYPES[attributes & 3];
        const maxPacket = u16(d, 4) & 0x7ff;
        checkEndpointSize(type, maxPacket, address, speed);
        if (iface.endpoints.some((e) => e.bEndpointAddress === address)) {
          throw new UsbDescriptorError(`interface ${iface.bInterfaceNumber}: endpoint ${hex(address)} appears twice`);
        }
        endpoint = {
          bEndpointAddress: address,
          number,
          in: (address & 0x80) !== 0,
          type,
          bmAttributes: attributes,
          wMaxPacketSize: maxPacket,
          bInterval: d[6],
          extra: [],
        };
        if (type === 'interrupt' && endpoint.bInterval === 0) {
          throw new UsbDescriptorError(`endpoint ${hex(address)}: interrupt endpoint with bInterval 0`);
        }
        iface.endpoints.push(endpoint);
        break;
      }
      case DescriptorType.INTERFACE_ASSOCIATION: {
        need(8, 'interface association descriptor');
        if (d[3] === 0) throw new UsbDescriptorError(`interface association at offset ${offset}: bInterfaceCount is 0`);
        cfg.associations.push({
          bFirstInterface: d[2],
          bInterfaceCount: d[3],
          bFunctionClass: d[4],
          bFunctionSubClass: d[5],
          bFunctionProtocol: d[6],
          iFunction: d[7],
        });
        iface = closeInterface(iface, cfg);
        endpoint = null;
        break;
      }
      case DescriptorType.CONFIGURATION:
      case DescriptorType.DEVICE:
        throw new UsbDescriptorError(`configuration: unexpected descriptor type ${hex(type)} at offset ${offset}`);
      default: {
        const raw: RawDescriptor = {
          type,
          subtype: (type === DescriptorType.CS_INTERFACE || type === DescriptorType.CS_ENDPOINT) && length >= 3 ? d[2] : -1,
          bytes: d.slice(),
        };
        if (endpoint) endpoint.extra.push(raw);
        else if (iface) iface.extra.push(raw);
        else cfg.extra.push(raw);
      }
    }
    offset += length;
  }
  closeInterface(iface, cfg);
  const numbers = new Set(cfg.interfaces.map((i) => i.bInterfaceNumber));
  if (numbers.size !== cfg.bNumInterfaces) {
    cfg.warnings.push(`bNumInterfaces is ${cfg.bNumInterfaces} but ${numbers.size} interface(s) are described`);
  }
  for (const a of cfg.associations) {
    for (let n = a.bFirstInterface; n < a.bFirstInterface + a.bInterfaceCount; n++) {
      if (!numbers.has(n)) cfg.warnings.push(`interface association names interface ${n}, which is not described`);
    }
  }
  // The same endpoint address may not be used by two interfaces that can be active together.
  const used = new Map<number, number>();
  for (const i of cfg.interfaces) {
    if (i.bAlternateSetting !== 0) continue;
    for (const e of i.endpoints) {
      const other = used.get(e.bEndpointAddress);
      if (other !== undefined && other !== i.bInterfaceNumber) {
        throw new UsbDescriptorError(`endpoint ${hex(e.bEndpointAddress)} is used by interfaces ${other} and ${i.bInterfaceNumber}`);
      }
      used.set(e.bEndpointAddress, i.bInterfaceNumber);
    }
  }
  return cfg;
}

// bNumEndpoints of each parsed interface (kept off the public type).
const bytesNumEndpoints = new WeakMap<InterfaceDescriptor, number>();

function closeInterface(iface: InterfaceDescriptor | null, cfg: ConfigurationDescriptor): null {
  // Linux logs this and uses the endpoint descriptors it found; so do we.
  if (iface && iface.endpoints.length !== bytesNumEndpoints.get(iface)) {
    cfg.warnings.push(
      `interface ${iface.bInterfaceNumber} alt ${iface.bAlternateSetting}: bNumEndpoints is ${bytesNumEndpoints.get(iface)} but ${iface.endpoints.length} endpoint descriptor(s) follow`,
    );
  }
  return null;
}

/** wMaxPacketSize limits (USB 2.0 5.5.3, 5.6.3, 5.7.3, 5.8.3). */
function checkEndpointSize(type: EndpointType, size: number, address: number, speed: 'full' | 'low'): void {
  const where = `endpoint ${hex(address)} (${type})`;
  if (type === 'bulk') {
    if (speed === 'low') throw new UsbDescriptorError(`${where}: bulk endpoints are not allowed at low speed`);
    if (size !== 8 && size !== 16 && size !== 32 && size !== 64) {
      throw new UsbDescriptorError(`${where}: wMaxPacketSize ${size} is not 8, 16, 32 or 64`);
    }
  } else if (type === 'interrupt') {
    const max = speed === 'low' ? 8 : 64;
    if (size === 0 || size > max) throw new UsbDescriptorError(`${where}: wMaxPacketSize ${size} is not in 1..${max}`);
  } else if (type === 'isochronous') {
    if (size > 1023) throw new UsbDescriptorError(`${where}: wMaxPacketSize ${size} is over 1023`);
  } else if (size === 0 || size > 64) {
    throw new UsbDescriptorError(`${where}: wMaxPacketSize ${size} is not in 1..64`);
  }
}

/** Parses string descriptor 0 (the LANGID list). */
export function parseLanguageIds(bytes: Uint8Array): number[] {
  const body = stringBody(bytes, 0);
  if (body.length === 0) throw new UsbDescriptorError('string descriptor 0: no language IDs');
  const ids: number[] = [];
  for (let i = 0; i + 1 < body.length; i += 2) ids.push(u16(body, i));
  return ids;
}

/** Parses a UTF-16LE string descriptor (USB 2.0 9.6.7). */
export function parseStringDescriptor(bytes: Uint8Array, index: number): string {
  const body = stringBody(bytes, index);
  let s = '';
  for (let i = 0; i + 1 < body.length; i += 2) s += String.fromCharCode(u16(body, i));
  return s;
}

function stringBody(bytes: Uint8Array, index: number): Uint8Array {
  if (bytes.length < 2) throw new UsbDescriptorError(`string descriptor ${index}: got ${bytes.length} bytes`);
  if (bytes[1] !== DescriptorType.STRING) {
    throw new UsbDescriptorError(`string descriptor ${index}: bDescriptorType ${hex(bytes[1])}, expected 0x03`);
  }
  const length = bytes[0];
  if (length < 2) throw new UsbDescriptorError(`string descriptor ${index}: bLength ${length}`);
  if (length & 1) throw new UsbDescriptorError(`string descriptor ${index}: odd bLength ${length}`);
  if (length > bytes.length) throw new UsbDescriptorError(`string descriptor ${index}: bLength ${length} but ${bytes.length} bytes received`);
  return bytes.subarray(2, length);
}

/** Encodes a SETUP packet (USB 2.0 9.3). */
export function setupPacket(bmRequestType: number, bRequest: number, wValue: number, wIndex: number, wLength: number): Uint8Array {
  return new Uint8Array([
    bmRequestType,
    bRequest,
    wValue & 0xff,
    (wValue >> 8) & 0xff,
    wIndex & 0xff,
    (wIndex >> 8) & 0xff,
    wLength & 0xff,
    (wLength >> 8) & 0xff,
  ]);
}

export const Request = {
  GET_STATUS: 0,
  CLEAR_FEATURE: 1,
  SET_FEATURE: 3,
  SET_ADDRESS: 5,
  GET_DESCRIPTOR: 6,
  SET_DESCRIPTOR: 7,
  GET_CONFIGURATION: 8,
  SET_CONFIGURATION: 9,
  GET_INTERFACE: 10,
  SET_INTERFACE: 11,
} as const;

/** Feature selector ENDPOINT_HALT (USB 2.0 table 9-6). */
export const ENDPOINT_HALT = 0;
