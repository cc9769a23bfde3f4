/**
 * The IP network behind an open access point: the router a home network has, as far as a
 * station needs it to get an address and find its gateway. It speaks Ethernet-style packets
 * (an EtherType and its payload between two MAC addresses); wdev-rx.ts carries them in 802.11
 * data frames (wifi-air.ts). Nothing here knows the ESP8266.
 *
 * What it answers, each by its RFC:
 *  - DHCP (RFC 2131, options RFC 2132) on UDP 67: DISCOVER -> OFFER, REQUEST -> ACK (or NAK for
 *    an address it cannot give), INFORM -> ACK without a lease; RELEASE and DECLINE free the
 *    lease. Addresses from .100 of the network (or the first free host after the gateway on a
 *    small network), one per client hardware address, kept across reconnections. Replies go to
 *    the client as section 4.1 says: broadcast when the client set the BROADCAST flag or for a
 *    NAK, else unicast to ciaddr or to yiaddr and chaddr.
 *  - ARP (RFC 826) requests for the gateway's address: a reply with the router's MAC.
 *  - ICMP (RFC 792) echo requests to the gateway: echo replies.
 *  - DNS (RFC 1035) queries to the gateway on UDP 53: SERVFAIL (the network has no upstream,
 *    so a name lookup fails at once instead of timing out).
 * Everything else (other destinations, TCP, IPv6, fragments, IP options) is dropped: there is no
 * internet behind this router.
 */

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
const PROTO_ICMP = 1;
const PROTO_UDP = 17;
const DHCP_SERVER_PORT = 67;
const DHCP_CLIENT_PORT = 68;
const DNS_PORT = 53;
const DHCP_MAGIC = 0x63825363;
/** DHCP message types, option 53 (RFC 2132 9.6). */
const DHCPDISCOVER = 1;
const DHCPOFFER = 2;
const DHCPREQUEST = 3;
const DHCPDECLINE = 4;
const DHCPACK = 5;
const DHCPNAK = 6;
const DHCPRELEASE = 7;
const DHCPINFORM = 8;
/** Lease time offered, seconds: a day, as many home routers give. */
export const LEASE_SECONDS = 86400;
/** The fixed part of a BOOTP message (RFC 2131 figure 1), up to the magic cookie. */
const BOOTP_FIXED = 236;
/** Replies are padded to BOOTP's 300-byte minimum, which some clients require. */
const BOOTP_MIN = 300;
const BROADCAST_FLAG = 0x8000;
const IP_BROADCAST = 0xffffffff;
const MAC_BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

/** A packet between two stations: MAC addresses, EtherType, payload. */
export interface Packet {
  da: Uint8Array;
  sa: Uint8Array;
  ethertype: number;
  payload: Uint8Array;
}

/** An IPv4 network "a.b.c.d/n": its address and prefix length. */
export interface IpNetwork {
  readonly base: number;
  readonly prefix: number;
}

export const DEFAULT_NETWORK = '192.168.1.0/24';

/** Parses "192.168.4.0/24" (prefix 8-30); throws an Error saying what is wrong. */
export function parseNetwork(text: string): IpNetwork {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) throw new Error(`network ${JSON.stringify(text)} is not an IPv4 network such as 192.168.1.0/24`);
  const bytes = m.slice(1, 5).map(Number);
  if (bytes.some((b) => b > 255)) throw new Error(`network ${JSON.stringify(text)}: a byte is over 255`);
  const prefix = Number(m[5]);
  if (prefix < 8 || prefix > 30) throw new Error(`network ${JSON.stringify(text)}: prefix /${prefix} is not 8-30`);
  const address = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  return { base: (address & maskOf(prefix)) >>> 0, prefix };
}

function maskOf(prefix: number): number {
  return (0xffffffff << (32 - prefix)) >>> 0;
}

export function formatIp(ip: number): string {
  return [ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff].join('.');
}

/** A MAC address as "aa:bb:cc:dd:ee:ff" (a map key). */
export function macKey(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** RFC 1071 Internet checksum of `bytes` (plus a partial sum), as the 16-bit field to store. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  for (let i = 0; i + 1 < bytes.length; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length & 1) sum += bytes[bytes.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

interface Ipv4 {
  src: number;
  dst: number;
  protocol: number;
  data: Uint8Array;
}

/** An IPv4 datagram's header fields and data, or null if it is not one this router reads. */
function parseIpv4(p: Uint8Array): Ipv4 | null {
  if (p.length < 20 || p[0] !== 0x45) return null; // version 4, no options
  const total = (p[2]! << 8) | p[3]!;
  const fragment = ((p[6]! << 8) | p[7]!) & 0x3fff; // MF and offset
  if (total < 20 || total > p.length || fragment !== 0 || internetChecksum(p.subarray(0, 20)) !== 0) return null;
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { src: view.getUint32(12), dst: view.getUint32(16), protocol: p[9]!, data: p.subarray(20, total) };
}

export class WifiRouter {
  readonly network: IpNetwork;
  /** The gateway: the network's first host. */
  readonly gateway: number;
  /** Leases by client hardware address ("aa:bb:.."): the IPv4 address given. */
  readonly leases = new Map<string, number>();
  private ipId = 0;

  constructor(
    /** The router's MAC address (an access point's BSSID). */
    readonly mac: Uint8Array,
    network: string = DEFAULT_NETWORK,
  ) {
    this.network = parseNetwork(network);
    this.gateway = (this.network.base + 1) >>> 0;
  }

  get mask(): number {
    return maskOf(this.network.prefix);
  }

  reset(): void {
    this.leases.clear();
    this.ipId = 0;
  }

  /** A packet a station sent into the network; returns the router's answers (often none). */
  receive(packet: Packet): Packet[] {
    if (packet.ethertype === ETHERTYPE_ARP) return this.arp(packet);
    if (packet.ethertype !== ETHERTYPE_IPV4) return [];
    const ip = parseIpv4(packet.payload);
    if (!ip) return [];
    if (ip.protocol === PROTO_UDP) return this.udp(packet.sa, ip);
    if (ip.protocol === PROTO_ICMP && ip.dst === this.gateway) return this.icmp(packet.sa, ip);
    return [];
  }

  /** RFC 826: a request for the gateway's address gets the router's MAC. */
  private arp(packet: Packet): Packet[] {
    const p = packet.payload;
    if (p.length < 28) return [];
    const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
    const ok = view.getUint16(0) === 1 && view.getUint16(2) === ETHERTYPE_IPV4 && p[4] === 6 && p[5] === 4 && view.getUint16(6) === 1;
    if (!ok || view.getUint32(24) !== this.gateway) return [];
    const reply = new Uint8Array(28);
    const out = new DataView(reply.buffer);
    out.setUint16(0, 1);
    out.setUint16(2, ETHERTYPE_IPV4);
    reply[4] = 6;
    reply[5] = 4;
    out.setUint16(6, 2); // reply
    reply.set(this.mac, 8);
    out.setUint32(14, this.gateway);
    reply.set(p.subarray(8, 14), 18); // the requester's MAC and IP
    reply.set(p.subarray(14, 18), 24);
    return [{ da: p.slice(8, 14), sa: this.mac, ethertype: ETHERTYPE_ARP, payload: reply }];
  }

  /** RFC 792: echo request (type 8) -> echo reply (type 0) with the same identifier, sequence and data. */
  private icmp(sa: Uint8Array, ip: Ipv4): Packet[] {
    const m = ip.data;
    if (m.length < 8 || m[0] !== 8 || internetChecksum(m) !== 0) return [];
    const reply = m.slice();
    reply[0] = 0;
    reply[2] = reply[3] = 0;
    const sum = internetChecksum(reply);
    reply[2] = sum >> 8;
    reply[3] = sum & 0xff;
    return [this.ipPacket(sa, ip.src, PROTO_ICMP, reply)];
  }

  private udp(sa: Uint8Array, ip: Ipv4): Packet[] {
    const u = ip.data;
    if (u.length < 8) return [];
    const view = new DataView(u.buffer, u.byteOffset, u.byteLength);
    const length = view.getUint16(4);
    if (length < 8 || length > u.length) return [];
    if (view.getUint16(6) !== 0 && udpChecksum(ip.src, ip.dst, u.subarray(0, length)) !== 0) return [];
    const srcPort = view.getUint16(0);
    const dstPort = view.getUint16(2);
    const data = u.subarray(8, length);
    if (dstPort === DHCP_SERVER_PORT && srcPort === DHCP_CLIENT_PORT) return this.dhcp(data);
    if (dstPort === DNS_PORT && ip.dst === this.gateway) return this.dns(sa, ip.src, srcPort, data);
    return [];
  }

  /** RFC 1035 4.1.1: the query back with QR, RA and RCODE 2 (server failure); no upstream to ask. */
  private dns(sa: Uint8Array, client: number, port: number, query: Uint8Array): Packet[] {
    if (query.length < 12 || query[2]! & 0x80) return [];
    const reply = query.slice();
    reply[2] = 0x80 | (query[2]! & 0x79); // QR, the opcode and RD copied, AA and TC clear
    reply[3] = 0x80 | 2; // RA, RCODE SERVFAIL
    reply.fill(0, 6, 12); // no answer, authority or additional records (an EDNS OPT record is not echoed)
    const end = questionsEnd(query);
    if (end < 0) return [];
    return [this.udpPacket(sa, client, DNS_PORT, port, reply.subarray(0, end))];
  }

  /** RFC 2131 4.3: the server's side of each client message. */
  private dhcp(m: Uint8Array): Packet[] {
    if (m.length < BOOTP_FIXED + 4 || m[0] !== 1 || m[1] !== 1 || m[2] !== 6) return [];
    const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
    if (view.getUint32(BOOTP_FIXED) !== DHCP_MAGIC) return [];
    const options = readOptions(m.subarray(BOOTP_FIXED + 4));
    const type = options.get(53)?.[0];
    const chaddr = m.slice(28, 34);
    const key = macKey(chaddr);
    const ciaddr = view.getUint32(12);
    const serverId = ipOption(options.get(54));
    const requested = ipOption(options.get(50)) ?? ciaddr;
    switch (type) {
      case DHCPDISCOVER:
        return this.reply(m, DHCPOFFER, this.lease(key, requested));
      case DHCPREQUEST: {
        if (serverId !== undefined && serverId !== this.gateway) {
          this.leases.delete(key); // the client took another server's offer
          return [];
        }
        const ip = this.grant(key, requested);
        return ip === null ? this.reply(m, DHCPNAK, 0) : this.reply(m, DHCPACK, ip);
      }
      case DHCPINFORM:
        return this.reply(m, DHCPACK, 0);
      case DHCPRELEASE:
      case DHCPDECLINE:
        if (serverId === undefined || serverId === this.gateway) this.leases.delete(key);
        return [];
      default:
        return [];
    }
  }

  private inNetwork(ip: number): boolean {
    const host = (ip & ~this.mask) >>> 0;
    return ((ip & this.mask) >>> 0) === this.network.base && host !== 0 && host !== (~this.mask >>> 0) && ip !== this.gateway;
  }

  private taken(ip: number, key: string): boolean {
    for (const [k, v] of this.leases) if (v === ip && k !== key) return true;
    return false;
  }

  /** The client's address: its lease, else the address it asks for if free, else the pool's first free one. */
  private lease(key: string, wanted: number): number {
    const held = this.leases.get(key);
    if (held !== undefined) return held;
    let ip = this.inNetwork(wanted) && !this.taken(wanted, key) ? wanted : 0;
    const hosts = ~this.mask >>> 0;
    const first = hosts > 100 ? 100 : 2;
    for (let h = first; !ip && h < hosts; h++) {
      const candidate = (this.network.base + h) >>> 0;
      if (!this.taken(candidate, key)) ip = candidate;
    }
    if (ip) this.leases.set(key, ip);
    return ip;
  }

  /** A REQUEST's address is granted when it is the client's lease, or free in the network (INIT-REBOOT). */
  private grant(key: string, requested: number): number | null {
    const held = this.leases.get(key);
    if (held !== undefined) return requested === held ? held : null;
    if (!this.inNetwork(requested) || this.taken(requested, key)) return null;
    this.leases.set(key, requested);
    return requested;
  }

  /** An OFFER, ACK or NAK for client message `m` (RFC 2131 table 3), addressed as section 4.1 says. */
  private reply(m: Uint8Array, type: number, yiaddr: number): Packet[] {
    if (type === DHCPOFFER && !yiaddr) return []; // the pool is exhausted: no offer
    const view = new DataView(m.buffer, m.byteOffset, m.byteLength);
    const options: number[] = [53, 1, type, 54, 4, ...u32Bytes(this.gateway)];
    if (type !== DHCPNAK) {
      if (yiaddr) options.push(51, 4, ...u32Bytes(LEASE_SECONDS), 58, 4, ...u32Bytes(LEASE_SECONDS / 2), 59, 4, ...u32Bytes((LEASE_SECONDS * 7) / 8));
      const broadcast = (this.network.base | ~this.mask) >>> 0;
      options.push(1, 4, ...u32Bytes(this.mask), 3, 4, ...u32Bytes(this.gateway), 6, 4, ...u32Bytes(this.gateway), 28, 4, ...u32Bytes(broadcast));
    }
    options.push(255);
    const r = new Uint8Array(Math.max(BOOTP_MIN, BOOTP_FIXED + 4 + options.length));
    const out = new DataView(r.buffer);
    r[0] = 2; // BOOTREPLY
    r[1] = 1;
    r[2] = 6;
    r.set(m.subarray(4, 8), 4); // xid
    out.setUint16(10, view.getUint16(10)); // flags
    const ciaddr = type === DHCPACK ? view.getUint32(12) : 0;
    out.setUint32(12, ciaddr);
    out.setUint32(16, yiaddr);
    r.set(m.subarray(24, 44), 24); // giaddr, chaddr
    out.setUint32(BOOTP_FIXED, DHCP_MAGIC);
    r.set(options, BOOTP_FIXED + 4);
    const chaddr = m.slice(28, 34);
    const broadcast = type === DHCPNAK || (view.getUint16(10) & BROADCAST_FLAG) !== 0 || (!ciaddr && !yiaddr);
    const [dst, da] = broadcast ? [IP_BROADCAST, MAC_BROADCAST] : [ciaddr || yiaddr, chaddr];
    return [this.udpPacket(da, dst, DHCP_SERVER_PORT, DHCP_CLIENT_PORT, r)];
  }

  private udpPacket(da: Uint8Array, dst: number, srcPort: number, dstPort: number, data: Uint8Array): Packet {
    const u = new Uint8Array(8 + data.length);
    const view = new DataView(u.buffer);
    view.setUint16(0, srcPort);
    view.setUint16(2, dstPort);
    view.setUint16(4, u.length);
    u.set(data, 8);
    view.setUint16(6, udpChecksum(this.gateway, dst, u) || 0xffff); // 0 means "no checksum" (RFC 768)
    return this.ipPacket(da, dst, PROTO_UDP, u);
  }

  /** An IPv4 datagram from the gateway: no options, TTL 64, a fresh identification. */
  private ipPacket(da: Uint8Array, dst: number, protocol: number, data: Uint8Array): Packet {
    const p = new Uint8Array(20 + data.length);
    const view = new DataView(p.buffer);
    p[0] = 0x45;
    view.setUint16(2, p.length);
    view.setUint16(4, this.ipId);
    this.ipId = (this.ipId + 1) & 0xffff;
    p[8] = 64;
    p[9] = protocol;
    view.setUint32(12, this.gateway);
    view.setUint32(16, dst);
    view.setUint16(10, internetChecksum(p.subarray(0, 20)));
    p.set(data, 20);
    return { da: da.slice(), sa: this.mac, ethertype: ETHERTYPE_IPV4, payload: p };
  }
}

/** RFC 768: the UDP checksum over the pseudo-header and the datagram (0 when `u` carries a correct one). */
function udpChecksum(src: number, dst: number, u: Uint8Array): number {
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + PROTO_UDP + u.length;
  return internetChecksum(u, pseudo);
}

/** DHCP options (RFC 2132): code -> data, up to END; pads skipped; a malformed tail is ignored. */
function readOptions(o: Uint8Array): Map<number, Uint8Array> {
  const options = new Map<number, Uint8Array>();
  for (let i = 0; i < o.length; ) {
    const code = o[i]!;
    if (code === 255) break;
    if (code === 0) {
      i++;
      continue;
    }
    const len = o[i + 1];
    if (len === undefined || i + 2 + len > o.length) break;
    options.set(code, o.subarray(i + 2, i + 2 + len));
    i += 2 + len;
  }
  return options;
}

function ipOption(data: Uint8Array | undefined): number | undefined {
  return data && data.length === 4 ? ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0 : undefined;
}

function u32Bytes(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

/** The offset after a DNS message's question section (names as labels, no compression), or -1. */
function questionsEnd(q: Uint8Array): number {
  let i = 12;
  for (let n = (q[4]! << 8) | q[5]!; n > 0; n--) {
    while (i < q.length && q[i] !== 0) {
      if (q[i]! & 0xc0) return -1;
      i += 1 + q[i]!;
    }
    i += 5; // the root label, QTYPE, QCLASS
    if (i > q.length) return -1;
  }
  return i;
}
