/**
 * --wifi-pcap: every 802.11 frame a board's radio sends or hears, written as a pcap file
 * (the classic libpcap format: magic a1b2c3d4 little-endian, version 2.4, LINKTYPE_IEEE802_11 =
 * 105, microsecond timestamps) for Wireshark or tcpdump. Timestamps are simulated time since
 * power-on, so the same run gives the same file. The FCS is left off: with link type 105 readers
 * assume none (the station's transmit buffers hold only space for it).
 */
import { closeSync, openSync, writeSync } from 'node:fs';

const LINKTYPE_IEEE802_11 = 105;
const SNAPLEN = 65535;
const FCS_BYTES = 4;

/** The 24-byte global header. */
export function pcapHeader(): Uint8Array {
  const h = new DataView(new ArrayBuffer(24));
  h.setUint32(0, 0xa1b2c3d4, true);
  h.setUint16(4, 2, true);
  h.setUint16(6, 4, true);
  h.setUint32(16, SNAPLEN, true);
  h.setUint32(20, LINKTYPE_IEEE802_11, true);
  return new Uint8Array(h.buffer);
}

/** One record: a 16-byte header (seconds, microseconds, lengths) and the frame without its FCS. */
export function pcapRecord(frameWithFcs: Uint8Array, seconds: number): Uint8Array {
  const length = Math.max(0, frameWithFcs.length - FCS_BYTES);
  const out = new Uint8Array(16 + length);
  const h = new DataView(out.buffer);
  const micros = Math.round(seconds * 1e6);
  h.setUint32(0, Math.floor(micros / 1e6), true);
  h.setUint32(4, micros % 1e6, true);
  h.setUint32(8, length, true);
  h.setUint32(12, length, true);
  out.set(frameWithFcs.subarray(0, length), 16);
  return out;
}

export interface PcapWriter {
  frame(frameWithFcs: Uint8Array, seconds: number): void;
  close(): void;
}

/** A pcap file at `path`, written as frames come (so a run that is killed leaves what it had). */
export function openPcap(path: string): PcapWriter {
  const fd = openSync(path, 'w');
  writeSync(fd, pcapHeader());
  return {
    frame: (f, seconds) => void writeSync(fd, pcapRecord(f, seconds)),
    close: () => closeSync(fd),
  };
}
