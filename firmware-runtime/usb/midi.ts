/**
 * USB MIDI (Universal Serial Bus Device Class Definition for MIDI Devices 1.0): enumeration
 * only. The MIDIStreaming interface (audio class 0x01, subclass 0x03) carries a class-specific
 * header (MS_HEADER), MIDI IN/OUT jacks and elements; each bulk endpoint carries an MS_GENERAL
 * descriptor naming its embedded jacks. The host validates these and exposes the jacks; it can
 * send and receive 4-byte USB-MIDI event packets but nothing requires it to.
 */
import { DescriptorType, UsbDescriptorError, type InterfaceDescriptor } from './descriptors.js';
import type { Pipe, UsbHost } from './host.js';

export const MS_SUBTYPE = { MS_HEADER: 0x01, MIDI_IN_JACK: 0x02, MIDI_OUT_JACK: 0x03, ELEMENT: 0x04, MS_GENERAL: 0x01 } as const;

export interface MidiJack {
  id: number;
  direction: 'in' | 'out';
  type: 'embedded' | 'external';
}

export class MidiFunction {
  readonly kind = 'midi';
  active = false;
  bcdMSC = 0;
  readonly jacks: MidiJack[] = [];
  /** Embedded jack IDs served by each endpoint (by endpoint address). */
  readonly endpointJacks = new Map<number, number[]>();

  constructor(
    readonly host: UsbHost,
    readonly iface: InterfaceDescriptor,
    readonly bulkIn: Pipe | null,
    readonly bulkOut: Pipe | null,
  ) {
    this.parse();
  }

  /** Validates the class-specific descriptors (throws UsbDescriptorError). */
  private parse(): void {
    const n = this.iface.bInterfaceNumber;
    const cs = this.iface.extra.filter((d) => d.type === DescriptorType.CS_INTERFACE);
    const header = cs.find((d) => d.subtype === MS_SUBTYPE.MS_HEADER);
    if (!header) throw new UsbDescriptorError(`MIDI interface ${n}: no MS_HEADER descriptor`);
    if (header.bytes.length < 7) throw new UsbDescriptorError(`MIDI interface ${n}: MS_HEADER is ${header.bytes.length} bytes (7 expected)`);
    this.bcdMSC = header.bytes[3] | (header.bytes[4] << 8);
    for (const d of cs) {
      if (d.subtype === MS_SUBTYPE.MIDI_IN_JACK || d.subtype === MS_SUBTYPE.MIDI_OUT_JACK) {
        if (d.bytes.length < 5) throw new UsbDescriptorError(`MIDI interface ${n}: jack descriptor of ${d.bytes.length} bytes`);
        const id = d.bytes[4];
        if (this.jacks.some((j) => j.id === id)) throw new UsbDescriptorError(`MIDI interface ${n}: jack ID ${id} is used twice`);
        this.jacks.push({
          id,
          direction: d.subtype === MS_SUBTYPE.MIDI_IN_JACK ? 'in' : 'out',
          type: d.bytes[3] === 0x01 ? 'embedded' : 'external',
        });
      }
    }
    for (const ep of this.iface.endpoints) {
      const general = ep.extra.find((d) => d.type === DescriptorType.CS_ENDPOINT && d.subtype === MS_SUBTYPE.MS_GENERAL);
      if (!general) continue;
      const b = general.bytes;
      const count = b.length >= 4 ? b[3] : 0;
      if (b.length < 4 + count) throw new UsbDescriptorError(`MIDI endpoint 0x${ep.bEndpointAddress.toString(16)}: MS_GENERAL lists ${count} jacks in ${b.length} bytes`);
      const ids = [...b.subarray(4, 4 + count)];
      for (const id of ids) {
        if (!this.jacks.some((j) => j.id === id)) {
          throw new UsbDescriptorError(`MIDI endpoint 0x${ep.bEndpointAddress.toString(16)}: names jack ${id}, which is not described`);
        }
      }
      this.endpointJacks.set(ep.bEndpointAddress, ids);
    }
  }

  start(): void {
    this.active = true;
  }

  detach(): void {
    this.active = false;
  }

  /** Sends USB-MIDI event packets (4 bytes each) on the bulk OUT endpoint. */
  send(packets: Uint8Array): Promise<void> {
    if (!this.bulkOut) return Promise.reject(new Error(`MIDI interface ${this.iface.bInterfaceNumber} has no OUT endpoint`));
    if (packets.length % 4 !== 0) return Promise.reject(new RangeError('USB-MIDI event packets are 4 bytes each'));
    return this.host.run(this.host.transferOut(this.bulkOut, packets, 1000));
  }

  /** Receives event packets from the bulk IN endpoint (resolves on the next packet). */
  receive(timeoutFrames = 1000): Promise<Uint8Array> {
    if (!this.bulkIn) return Promise.reject(new Error(`MIDI interface ${this.iface.bInterfaceNumber} has no IN endpoint`));
    return this.host.run(this.host.transferIn(this.bulkIn, this.bulkIn.maxPacket, timeoutFrames));
  }
}
