/**
 * The air around the ESP8266's radio: access points a board, scenario or test defines, and the
 * IEEE 802.11 frames they send (beacons), built as IEEE Std 802.11-2016 lays them out (9.3.3.3
 * Beacon frame format; 9.4.2 elements: SSID 0, Supported Rates 1, DS Parameter Set 3, TIM 5,
 * Extended Supported Rates 50, RSN 48; the WPA vendor element 221 with OUI 00:50:F2 type 1, as
 * Wi-Fi Alliance WPA and hostapd write it). The frame check sequence is the 802.11 CRC-32.
 *
 * Data frames (9.3.2.1) carry RFC 1042 (LLC/SNAP) MSDUs between a station and the network
 * behind its access point (wifi-router.ts).
 *
 * Nothing here knows the ESP8266: wdev-rx.ts hands these frames to the SDK the way the MAC's
 * receive DMA does.
 */
import { DEFAULT_NETWORK, parseNetwork } from './wifi-router.js';

/** Security of an access point, numbered as the SDK's AUTH_MODE and MicroPython's network.AUTH_*. */
export const AUTH_MODES = ['open', 'wep', 'wpa-psk', 'wpa2-psk', 'wpa-wpa2-psk'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export interface AccessPoint {
  ssid: string;
  /** 6 bytes as "aa:bb:cc:dd:ee:ff"; default: derived from the SSID (locally administered). */
  bssid?: string;
  /** 2.4 GHz channel 1-14; default 1. */
  channel?: number;
  /** Signal strength, dBm (-100..-1), as the firmware reports it (scan()'s RSSI); default -60. */
  rssi?: number;
  /** Default 'open'. */
  auth?: AuthMode;
  /** Hidden network: beacons carry an empty SSID. Default false. */
  hidden?: boolean;
  /**
   * The IPv4 network behind it (wifi-router.ts: DHCP, ARP and ping of the gateway, its first
   * host), e.g. "192.168.4.0/24"; default 192.168.1.0/24. Reached by stations of an open AP only.
   */
  network?: string;
}

/** An access point with every field resolved and checked. */
export interface ResolvedAccessPoint {
  readonly ssid: string;
  readonly bssid: Uint8Array;
  readonly channel: number;
  readonly rssi: number;
  readonly auth: AuthMode;
  readonly hidden: boolean;
  readonly network: string;
}

/** Centre frequency of a 2.4 GHz channel (MHz): 2412 + 5 (ch - 1), channel 14 at 2484. */
export function channelMHz(channel: number): number {
  return channel === 14 ? 2484 : 2407 + 5 * channel;
}

/** The 2.4 GHz channel whose centre is nearest `mhz`, or 0 if none is within 2 MHz. */
export function channelOf(mhz: number): number {
  for (let ch = 1; ch <= 14; ch++) if (Math.abs(channelMHz(ch) - mhz) <= 2) return ch;
  return 0;
}

/** Checks an access point's fields; throws an Error naming the bad one. */
export function resolveAccessPoint(ap: AccessPoint): ResolvedAccessPoint {
  const ssid = ap.ssid;
  const ssidBytes = new TextEncoder().encode(ssid);
  if (ssidBytes.length < 1 || ssidBytes.length > 32) throw new Error(`access point SSID ${JSON.stringify(ssid)}: 1 to 32 bytes`);
  const channel = ap.channel ?? 1;
  if (!Number.isInteger(channel) || channel < 1 || channel > 14) throw new Error(`access point ${JSON.stringify(ssid)}: channel ${channel} is not 1-14`);
  const rssi = ap.rssi ?? -60;
  if (!Number.isInteger(rssi) || rssi < -100 || rssi > -1) throw new Error(`access point ${JSON.stringify(ssid)}: RSSI ${rssi} is not -100..-1 dBm`);
  const auth = ap.auth ?? 'open';
  if (!AUTH_MODES.includes(auth)) throw new Error(`access point ${JSON.stringify(ssid)}: auth ${JSON.stringify(auth)} is not one of ${AUTH_MODES.join(', ')}`);
  const network = ap.network ?? DEFAULT_NETWORK;
  try {
    parseNetwork(network);
  } catch (e) {
    throw new Error(`access point ${JSON.stringify(ssid)}: ${(e as Error).message}`);
  }
  return { ssid, bssid: ap.bssid === undefined ? bssidFor(ssidBytes) : parseMac(ap.bssid), channel, rssi, auth, hidden: ap.hidden ?? false, network };
}

/**
 * `SSID[:CH[:RSSI[:AUTH[:NETWORK]]]]` (the CLI's --wifi-ap): "home:6:-55:wpa2-psk",
 * "lab:1:-40:open:10.0.0.0/24". AUTH is a name of AUTH_MODES or its number (MicroPython's
 * network.AUTH_* values).
 */
export function parseAccessPointSpec(spec: string): AccessPoint {
  const [ssid = '', ch, rssi, auth, network] = spec.split(':');
  const ap: AccessPoint = { ssid };
  const int = (text: string, what: string) => {
    if (!/^-?\d+$/.test(text)) throw new Error(`--wifi-ap ${spec}: ${what} ${JSON.stringify(text)} is not a number`);
    return Number(text);
  };
  if (ch) ap.channel = int(ch, 'channel');
  if (rssi) ap.rssi = int(rssi, 'RSSI');
  if (auth) ap.auth = (/^\d$/.test(auth) ? AUTH_MODES[Number(auth)] : auth) as AuthMode;
  if (network) ap.network = network;
  resolveAccessPoint(ap);
  return ap;
}

/** Several `--wifi-ap` specs; two access points may not share a BSSID. */
export function parseAccessPoints(specs: readonly string[]): AccessPoint[] {
  const aps = specs.map(parseAccessPointSpec);
  const seen = new Set<string>();
  for (const ap of aps) {
    const bssid = Array.from(resolveAccessPoint(ap).bssid).join(':');
    if (seen.has(bssid)) throw new Error(`--wifi-ap ${ap.ssid}: two access points with the same SSID (and so the same BSSID)`);
    seen.add(bssid);
  }
  return aps;
}

function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`BSSID ${JSON.stringify(text)} is not six hex bytes (aa:bb:cc:dd:ee:ff)`);
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}

/** A locally administered unicast address from the SSID's bytes (stable across runs). */
function bssidFor(ssid: Uint8Array): Uint8Array {
  const crc = crc32(ssid);
  return Uint8Array.of(0x02, 0xce, (crc >>> 24) & 0xff, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The 802.11 FCS: CRC-32 (reflected, polynomial 0x04C11DB7, as Ethernet). */
export function crc32(bytes: Uint8Array, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = 0; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Beacon interval, time units (1 TU = 1024 us): the usual 100. */
export const BEACON_INTERVAL_TU = 100;
export const TU_SECONDS = 1024e-6;

const OUI_IEEE = [0x00, 0x0f, 0xac];
const OUI_WPA = [0x00, 0x50, 0xf2];
/** Cipher suite types: TKIP 2, CCMP 4; AKM 2: PSK. */
const TKIP = 2;
const CCMP = 4;
const AKM_PSK = 2;

/** The RSN element (48): version 1, group CCMP, pairwise CCMP, AKM PSK, capabilities 0. */
function rsnElement(): number[] {
  const body = [1, 0, ...OUI_IEEE, CCMP, 1, 0, ...OUI_IEEE, CCMP, 1, 0, ...OUI_IEEE, AKM_PSK, 0, 0];
  return [48, body.length, ...body];
}

/** The WPA vendor element (221, OUI 00:50:F2 type 1): version 1, TKIP group and pairwise, PSK. */
function wpaElement(): number[] {
  const body = [...OUI_WPA, 1, 1, 0, ...OUI_WPA, TKIP, 1, 0, ...OUI_WPA, TKIP, 1, 0, ...OUI_WPA, AKM_PSK];
  return [221, body.length, ...body];
}

/** Management frame subtypes (frame control byte 0). */
export const FC_ASSOC_REQUEST = 0x00;
export const FC_ASSOC_RESPONSE = 0x10;
export const FC_PROBE_REQUEST = 0x40;
export const FC_PROBE_RESPONSE = 0x50;
export const FC_BEACON = 0x80;
export const FC_AUTHENTICATION = 0xb0;

const BROADCAST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const RATES = [1, 8, 0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24]; // 1 2 5.5 11 (basic) 6 9 12 18 Mb/s
const EXTENDED_RATES = [50, 4, 0x30, 0x48, 0x60, 0x6c]; // 24 36 48 54 Mb/s

/** Capability: ESS, Privacy for any secured network, short preamble. */
function capability(ap: ResolvedAccessPoint): number[] {
  const c = 0x0001 | (ap.auth === 'open' ? 0 : 0x0010) | 0x0020;
  return [c & 0xff, c >> 8];
}

/** A management frame from `ap` to `da`: header, body, FCS. */
function managementFrame(subtype: number, ap: ResolvedAccessPoint, da: ArrayLike<number>, sequence: number, body: number[]): Uint8Array {
  const header = [subtype, 0x00, 0x00, 0x00, ...Array.from(da), ...ap.bssid, ...ap.bssid, (sequence << 4) & 0xf0, (sequence >> 4) & 0xff];
  const frame = new Uint8Array(header.length + body.length + 4);
  frame.set(header, 0);
  frame.set(body, header.length);
  appendFcs(frame);
  return frame;
}

/** The body beacons and probe responses share (9.3.3.3, 9.3.3.11): TSF, interval, capability, elements. */
function beaconBody(ap: ResolvedAccessPoint, tsfMicros: number, hidden: boolean): number[] {
  const ssid = hidden ? [] : Array.from(new TextEncoder().encode(ap.ssid));
  const tsf: number[] = [];
  for (let i = 0, t = Math.floor(tsfMicros); i < 8; i++, t = Math.floor(t / 256)) tsf.push(t % 256);
  return [
    ...tsf,
    BEACON_INTERVAL_TU & 0xff,
    BEACON_INTERVAL_TU >> 8,
    ...capability(ap),
    0,
    ssid.length,
    ...ssid,
    ...RATES,
    3,
    1,
    ap.channel,
    ...(hidden === ap.hidden ? [5, 4, 0, 1, 0, 0] : []), // TIM (beacons only): DTIM count 0, period 1
    ...EXTENDED_RATES,
    ...(ap.auth === 'wpa2-psk' || ap.auth === 'wpa-wpa2-psk' ? rsnElement() : []),
    ...(ap.auth === 'wpa-psk' || ap.auth === 'wpa-wpa2-psk' ? wpaElement() : []),
  ];
}

/**
 * A beacon (management frame, subtype 8) from `ap`, sent at TSF `tsfMicros`, with its FCS.
 * Capability: ESS, plus Privacy for any secured network; the elements a 802.11b/g AP sends.
 */
export function beaconFrame(ap: ResolvedAccessPoint, sequence: number, tsfMicros: number): Uint8Array {
  return managementFrame(FC_BEACON, ap, BROADCAST, sequence, beaconBody(ap, tsfMicros, ap.hidden));
}

/** A probe response (subtype 5) to station `da`: a beacon's body without TIM, the SSID even if hidden. */
export function probeResponseFrame(ap: ResolvedAccessPoint, da: ArrayLike<number>, sequence: number, tsfMicros: number): Uint8Array {
  return managementFrame(FC_PROBE_RESPONSE, ap, da, sequence, beaconBody(ap, tsfMicros, false));
}

/** Open System authentication, transaction 2, status 0 (success) (9.3.3.12). */
export function authenticationResponseFrame(ap: ResolvedAccessPoint, da: ArrayLike<number>, sequence: number): Uint8Array {
  return managementFrame(FC_AUTHENTICATION, ap, da, sequence, [0, 0, 2, 0, 0, 0]);
}

/** Association response (9.3.3.7): capability, status 0, association ID 1 (bits 15:14 set), rates. */
export function associationResponseFrame(ap: ResolvedAccessPoint, da: ArrayLike<number>, sequence: number): Uint8Array {
  return managementFrame(FC_ASSOC_RESPONSE, ap, da, sequence, [...capability(ap), 0, 0, 0x01, 0xc0, ...RATES, ...EXTENDED_RATES]);
}

/** The SSID element of a probe request's body (after the 24-byte header), or null (malformed). */
export function probedSsid(frame: Uint8Array): Uint8Array | null {
  if (frame.length < 26 || frame[24] !== 0 || 26 + frame[25]! > frame.length) return null;
  return frame.subarray(26, 26 + frame[25]!);
}

/** Frame control byte 0 of a data frame (type 2, subtype 0) and of a QoS data frame (subtype 8). */
export const FC_DATA = 0x08;
const FC_QOS_DATA = 0x88;
/** Frame control byte 1: To DS, From DS, Protected Frame. */
const FC1_TO_DS = 0x01;
const FC1_FROM_DS = 0x02;
const FC1_PROTECTED = 0x40;
/** RFC 1042 encapsulation: LLC (DSAP AA, SSAP AA, UI) and SNAP OUI 00:00:00, then the EtherType. */
const LLC_SNAP = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00];

/** A station's data frame to the distribution system, unpacked: its BSS, addresses and the MSDU. */
export interface StationData {
  bssid: Uint8Array;
  sa: Uint8Array;
  da: Uint8Array;
  ethertype: number;
  payload: Uint8Array;
}

/**
 * A data or QoS data frame a station sends to its access point (To DS set, From DS clear:
 * address 1 the BSSID, 2 the source, 3 the destination; IEEE Std 802.11-2016 9.3.2.1), not
 * protected, carrying an RFC 1042 (LLC/SNAP) MSDU; null for anything else. The payload runs to
 * the frame's end less the FCS space (`fcsBytes`): an upper layer reads its own length from it.
 */
export function stationData(frame: Uint8Array, fcsBytes = 4): StationData | null {
  const fc0 = frame[0]!;
  const fc1 = frame[1]!;
  if ((fc0 !== FC_DATA && fc0 !== FC_QOS_DATA) || (fc1 & (FC1_TO_DS | FC1_FROM_DS | FC1_PROTECTED)) !== FC1_TO_DS) return null;
  const body = fc0 === FC_QOS_DATA ? 26 : 24;
  const end = frame.length - fcsBytes;
  if (end < body + 8 || LLC_SNAP.some((b, i) => frame[body + i] !== b)) return null;
  return {
    bssid: frame.subarray(4, 10),
    sa: frame.subarray(10, 16),
    da: frame.subarray(16, 22),
    ethertype: (frame[body + 6]! << 8) | frame[body + 7]!,
    payload: frame.subarray(body + 8, end),
  };
}

/**
 * A data frame from `ap` to a station (From DS: address 1 the destination, 2 the BSSID, 3 the
 * source), an RFC 1042 MSDU of `ethertype` and `payload`, with its FCS.
 */
export function dataFrameFromAp(ap: ResolvedAccessPoint, da: ArrayLike<number>, sa: ArrayLike<number>, sequence: number, ethertype: number, payload: Uint8Array): Uint8Array {
  const header = [FC_DATA, FC1_FROM_DS, 0x00, 0x00, ...Array.from(da), ...ap.bssid, ...Array.from(sa), (sequence << 4) & 0xf0, (sequence >> 4) & 0xff];
  const frame = new Uint8Array(header.length + LLC_SNAP.length + 2 + payload.length + 4);
  frame.set(header, 0);
  frame.set([...LLC_SNAP, ethertype >> 8, ethertype & 0xff], header.length);
  frame.set(payload, header.length + LLC_SNAP.length + 2);
  appendFcs(frame);
  return frame;
}

/** Writes the FCS (CRC-32, little-endian) into a frame's last four bytes. */
function appendFcs(frame: Uint8Array): void {
  const fcs = crc32(frame, frame.length - 4);
  frame.set([fcs & 0xff, (fcs >>> 8) & 0xff, (fcs >>> 16) & 0xff, fcs >>> 24], frame.length - 4);
}
