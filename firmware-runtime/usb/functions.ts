/**
 * Binding function drivers to the interfaces of a configuration.
 *
 * Functions recognised (alternate setting 0 of each interface):
 *  - CDC-ACM: communication interface class 0x02 / subclass 0x02; its data interface is named by
 *    the Union functional descriptor (CDC 1.2 5.2.3.2), else the next CDC-data (0x0A) interface
 *    of the same IAD, else the interface numbered one higher;
 *  - mass storage: class 0x08, SCSI transparent (0x06), bulk-only (0x50);
 *  - HID: class 0x03;
 *  - MIDI: audio class 0x01, MIDIStreaming subclass 0x03 (its audio-control interface, subclass
 *    0x01, belongs to it and needs no driver).
 * A function whose descriptors do not hold together is reported as an error and left unbound;
 * the rest of the device still works. Interfaces no driver claims are reported as warnings.
 */
import { UsbClass, type ConfigurationDescriptor, type EndpointDescriptor, type InterfaceDescriptor } from './descriptors.js';
import { CdcAcmFunction } from './cdc-acm.js';
import { HidFunction } from './hid.js';
import { MidiFunction } from './midi.js';
import { MscFunction } from './msc.js';
import { asError, type UsbHost } from './host.js';

export interface BoundFunctions {
  cdc: CdcAcmFunction[];
  msc: MscFunction[];
  hid: HidFunction[];
  midi: MidiFunction[];
}

const CS_INTERFACE = 0x24;
const CDC_UNION = 0x06;

function bulk(iface: InterfaceDescriptor, dirIn: boolean): EndpointDescriptor | undefined {
  return iface.endpoints.find((e) => e.type === 'bulk' && e.in === dirIn);
}

export function bindFunctions(host: UsbHost, cfg: ConfigurationDescriptor): BoundFunctions {
  const bound: BoundFunctions = { cdc: [], msc: [], hid: [], midi: [] };
  const primary = cfg.interfaces.filter((i) => i.bAlternateSetting === 0);
  const byNumber = new Map(primary.map((i) => [i.bInterfaceNumber, i]));
  const claimed = new Set<number>();
  const fail = (iface: InterfaceDescriptor, what: string, e: unknown) => {
    const error = asError(e);
    host.reportError(`${what} interface ${iface.bInterfaceNumber}: ${error.message}`, error);
  };

  for (const iface of primary) {
    if (claimed.has(iface.bInterfaceNumber)) continue;
    const cls = iface.bInterfaceClass;
    try {
      if (cls === UsbClass.CDC && iface.bInterfaceSubClass === 0x02) {
        claimed.add(iface.bInterfaceNumber);
        const data = cdcDataInterface(cfg, iface, byNumber);
        if (!data) throw new Error('no CDC data interface (class 0x0A) belongs to it');
        claimed.add(data.bInterfaceNumber);
        const din = bulk(data, true);
        const dout = bulk(data, false);
        if (!din || !dout) throw new Error(`its data interface ${data.bInterfaceNumber} lacks a bulk IN and a bulk OUT endpoint`);
        const notify = iface.endpoints.find((e) => e.type === 'interrupt' && e.in);
        bound.cdc.push(
          new CdcAcmFunction(
            host,
            iface,
            data,
            host.openPipe(din, host.options.cdcPollMicros),
            host.openPipe(dout),
            notify ? host.openPipe(notify) : null,
          ),
        );
      } else if (cls === UsbClass.MASS_STORAGE) {
        claimed.add(iface.bInterfaceNumber);
        if (iface.bInterfaceSubClass !== 0x06 || iface.bInterfaceProtocol !== 0x50) {
          host.reportWarning(
            `mass-storage interface ${iface.bInterfaceNumber}: subclass 0x${iface.bInterfaceSubClass.toString(16)} protocol 0x${iface.bInterfaceProtocol.toString(16)} is not SCSI/bulk-only; not used`,
          );
          continue;
        }
        const din = bulk(iface, true);
        const dout = bulk(iface, false);
        if (!din || !dout) throw new Error('a bulk-only mass-storage interface needs a bulk IN and a bulk OUT endpoint');
        bound.msc.push(new MscFunction(host, iface, host.openPipe(din), host.openPipe(dout)));
      } else if (cls === UsbClass.HID) {
        claimed.add(iface.bInterfaceNumber);
        const din = iface.endpoints.find((e) => e.type === 'interrupt' && e.in);
        const dout = iface.endpoints.find((e) => e.type === 'interrupt' && !e.in);
        if (!din) throw new Error('a HID interface needs an interrupt IN endpoint');
        bound.hid.push(new HidFunction(host, iface, host.openPipe(din), dout ? host.openPipe(dout) : null));
      } else if (cls === UsbClass.AUDIO && iface.bInterfaceSubClass === 0x03) {
        claimed.add(iface.bInterfaceNumber);
        const din = bulk(iface, true);
        const dout = bulk(iface, false);
        bound.midi.push(new MidiFunction(host, iface, din ? host.openPipe(din) : null, dout ? host.openPipe(dout) : null));
      } else if (cls === UsbClass.AUDIO && iface.bInterfaceSubClass === 0x01) {
        claimed.add(iface.bInterfaceNumber); // audio control: part of a MIDI or audio function
      }
    } catch (e) {
      const what = cls === UsbClass.CDC ? 'CDC-ACM' : cls === UsbClass.MASS_STORAGE ? 'mass-storage' : cls === UsbClass.HID ? 'HID' : 'MIDI';
      fail(iface, what, e);
    }
  }
  for (const iface of primary) {
    if (!claimed.has(iface.bInterfaceNumber)) {
      host.reportWarning(
        `no driver for interface ${iface.bInterfaceNumber} (class 0x${iface.bInterfaceClass.toString(16)}, subclass 0x${iface.bInterfaceSubClass.toString(16)})`,
      );
    }
  }
  return bound;
}

function cdcDataInterface(
  cfg: ConfigurationDescriptor,
  comm: InterfaceDescriptor,
  byNumber: Map<number, InterfaceDescriptor>,
): InterfaceDescriptor | undefined {
  const union = comm.extra.find((d) => d.type === CS_INTERFACE && d.subtype === CDC_UNION);
  if (union) {
    if (union.bytes.length < 5) throw new Error(`its Union functional descriptor is ${union.bytes.length} bytes (at least 5)`);
    if (union.bytes[3] !== comm.bInterfaceNumber) {
      throw new Error(`its Union functional descriptor names interface ${union.bytes[3]} as the control interface`);
    }
    const data = byNumber.get(union.bytes[4]);
    if (!data) throw new Error(`its Union functional descriptor names interface ${union.bytes[4]}, which is not described`);
    if (data.bInterfaceClass !== UsbClass.CDC_DATA) {
      throw new Error(`its Union functional descriptor names interface ${data.bInterfaceNumber}, which is class 0x${data.bInterfaceClass.toString(16)}, not CDC data`);
    }
    return data;
  }
  const iad = cfg.associations.find(
    (a) => comm.bInterfaceNumber >= a.bFirstInterface && comm.bInterfaceNumber < a.bFirstInterface + a.bInterfaceCount,
  );
  if (iad) {
    for (let n = iad.bFirstInterface; n < iad.bFirstInterface + iad.bInterfaceCount; n++) {
      const i = byNumber.get(n);
      if (i && i.bInterfaceClass === UsbClass.CDC_DATA) return i;
    }
  }
  const next = byNumber.get(comm.bInterfaceNumber + 1);
  return next && next.bInterfaceClass === UsbClass.CDC_DATA ? next : undefined;
}
