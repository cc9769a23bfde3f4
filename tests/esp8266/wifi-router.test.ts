/**
 * The network behind an open access point (peripherals/esp8266/wifi-router.ts) and the data
 * frames that reach it (wifi-air.ts, wdev-rx.ts), without firmware. The oracle for every packet
 * the router sends is tcpdump: the exchange is written as a pcap of 802.11 frames and tcpdump
 * decodes it, verifying the IP, UDP and ICMP checksums itself (`-vv`), so a wrong field or
 * checksum shows in its text, not in ours.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { pcapHeader, pcapRecord } from '../../emulator/node/pcap-file.js';
import { dataFrameFromAp, parseAccessPointSpec, resolveAccessPoint, stationData } from '../../peripherals/esp8266/wifi-air.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4, LEASE_SECONDS, WifiRouter, formatIp, internetChecksum, parseNetwork, type Packet } from '../../peripherals/esp8266/wifi-router.js';

const STATION = Uint8Array.of(0x18, 0xfe, 0x34, 0x12, 0x34, 0x56);
const OTHER = Uint8Array.of(0x18, 0xfe, 0x34, 0x77, 0x88, 0x99);
const BSSID = Uint8Array.of(0x24, 0x0a, 0xc4, 0x01, 0x02, 0x03);
const BROADCAST = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);

const ip = (text: string) => text.split('.').reduce((a, b) => ((a << 8) | Number(b)) >>> 0, 0);
const be32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** An IPv4/UDP datagram as a client sends it (header checksum and UDP checksum filled in). */
function udp(src: number, dst: number, srcPort: number, dstPort: number, data: number[], corrupt = false): Uint8Array {
  const u = Uint8Array.from([srcPort >> 8, srcPort & 0xff, dstPort >> 8, dstPort & 0xff, 0, 0, 0, 0, ...data]);
  u[4] = u.length >> 8;
  u[5] = u.length & 0xff;
  const pseudo = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 17 + u.length;
  const sum = internetChecksum(u, pseudo) || 0xffff;
  u[6] = sum >> 8;
  u[7] = (sum & 0xff) ^ (corrupt ? 1 : 0);
  return ipv4(src, dst, 17, u);
}

function ipv4(src: number, dst: number, protocol: number, data: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + data.length);
  p.set([0x45, 0, p.length >> 8, p.length & 0xff, 0, 1, 0, 0, 64, protocol, 0, 0, ...be32(src), ...be32(dst)]);
  const sum = internetChecksum(p.subarray(0, 20));
  p[10] = sum >> 8;
  p[11] = sum & 0xff;
  p.set(data, 20);
  return p;
}

/** A DHCP client message (RFC 2131 figure 1) from `mac` with options (type first). */
function dhcp(mac: Uint8Array, type: number, options: number[] = [], ciaddr = 0, flags = 0): Uint8Array {
  const m = new Array<number>(236).fill(0);
  m[0] = 1;
  m[1] = 1;
  m[2] = 6;
  m.splice(4, 4, 0xde, 0xad, 0xbe, 0xef);
  m.splice(10, 2, flags >> 8, flags & 0xff);
  m.splice(12, 4, ...be32(ciaddr));
  m.splice(28, 6, ...mac);
  return udp(ciaddr, 0xffffffff, 68, 67, [...m, 0x63, 0x82, 0x53, 0x63, 53, 1, type, ...options, 255]);
}

const ipPacket = (sa: Uint8Array, payload: Uint8Array): Packet => ({ sa, da: BROADCAST, ethertype: ETHERTYPE_IPV4, payload });

/** A reply's DHCP fields: type, yiaddr, destination IP and MAC, and options by code. */
function dhcpReply(p: Packet) {
  const d = p.payload.subarray(28);
  const options = new Map<number, number[]>();
  for (let i = 240; d[i] !== 255; i += 2 + d[i + 1]!) options.set(d[i]!, Array.from(d.subarray(i + 2, i + 2 + d[i + 1]!)));
  const view = new DataView(p.payload.buffer, p.payload.byteOffset);
  return {
    type: options.get(53)![0],
    yiaddr: formatIp(view.getUint32(28 + 16)),
    dst: formatIp(view.getUint32(16)),
    da: Array.from(p.da, (b) => b.toString(16).padStart(2, '0')).join(':'),
    options,
    size: d.length,
  };
}

/** tcpdump's decoding of 802.11 frames written as a pcap (emulator/node/pcap-file.ts, as --wifi-pcap writes it). */
function tcpdump(frames: Uint8Array[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wifi-router-')), 'air.pcap');
  writeFileSync(file, Buffer.concat([pcapHeader(), ...frames.map((f, i) => pcapRecord(f, 1000 + i))]));
  return execFileSync('tcpdump', ['-r', file, '-n', '-vv', '-e'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A station's To DS data frame carrying an RFC 1042 MSDU (with FCS space). */
function stationFrame(sa: Uint8Array, da: Uint8Array, ethertype: number, payload: Uint8Array, bssid = BSSID): Uint8Array {
  return Uint8Array.from([0x08, 0x01, 0, 0, ...bssid, ...sa, ...da, 0x10, 0, 0xaa, 0xaa, 3, 0, 0, 0, ethertype >> 8, ethertype & 0xff, ...payload, 0, 0, 0, 0]);
}

describe('the router behind an open access point (DHCP, ARP, ping, DNS)', () => {
  test('the Internet checksum gives RFC 1071 section 3\'s example (sum ddf2, checksum 220d)', () => {
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(0x220d);
  });

  test('DISCOVER -> OFFER, REQUEST -> ACK: .100 of 192.168.1.0/24, mask, router and DNS the gateway, a day\'s lease; unicast to the client (no BROADCAST flag)', () => {
    const router = new WifiRouter(BSSID);
    const [offer] = router.receive(ipPacket(STATION, dhcp(STATION, 1)));
    const o = dhcpReply(offer!);
    expect([o.type, o.yiaddr, o.dst, o.da]).toEqual([2, '192.168.1.100', '192.168.1.100', '18:fe:34:12:34:56']);
    expect(o.options.get(54)).toEqual([192, 168, 1, 1]); // server identifier
    expect(o.options.get(1)).toEqual([255, 255, 255, 0]);
    expect(o.options.get(3)).toEqual([192, 168, 1, 1]);
    expect(o.options.get(6)).toEqual([192, 168, 1, 1]);
    expect(o.options.get(51)).toEqual(be32(LEASE_SECONDS));
    expect(o.size).toBeGreaterThanOrEqual(300); // BOOTP's minimum
    const [ack] = router.receive(ipPacket(STATION, dhcp(STATION, 3, [50, 4, 192, 168, 1, 100, 54, 4, 192, 168, 1, 1])));
    expect(dhcpReply(ack!)).toMatchObject({ type: 5, yiaddr: '192.168.1.100' });
    expect(router.leases.get('18:fe:34:12:34:56')).toBe(ip('192.168.1.100'));
  });

  test('a second client gets the next address; the BROADCAST flag gets a broadcast reply; a reconnecting client keeps its lease', () => {
    const router = new WifiRouter(BSSID, '10.0.0.0/24');
    router.receive(ipPacket(STATION, dhcp(STATION, 1)));
    const o = dhcpReply(router.receive(ipPacket(OTHER, dhcp(OTHER, 1, [], 0, 0x8000)))[0]!);
    expect([o.yiaddr, o.dst, o.da]).toEqual(['10.0.0.101', '255.255.255.255', 'ff:ff:ff:ff:ff:ff']);
    expect(dhcpReply(router.receive(ipPacket(STATION, dhcp(STATION, 1)))[0]!).yiaddr).toBe('10.0.0.100');
  });

  test('REQUEST for an address it cannot give: NAK (broadcast); INIT-REBOOT of a free address: ACK; another server chosen: the offer is withdrawn; RELEASE frees', () => {
    const router = new WifiRouter(BSSID);
    router.receive(ipPacket(STATION, dhcp(STATION, 1)));
    const nak = dhcpReply(router.receive(ipPacket(STATION, dhcp(STATION, 3, [50, 4, 192, 168, 1, 7])))[0]!);
    expect([nak.type, nak.dst, nak.options.has(51)]).toEqual([6, '255.255.255.255', false]);
    expect(dhcpReply(router.receive(ipPacket(OTHER, dhcp(OTHER, 3, [50, 4, 10, 1, 1, 5])))[0]!).type).toBe(6); // not our network
    expect(dhcpReply(router.receive(ipPacket(OTHER, dhcp(OTHER, 3, [50, 4, 192, 168, 1, 42])))[0]!)).toMatchObject({ type: 5, yiaddr: '192.168.1.42' });
    expect(router.receive(ipPacket(STATION, dhcp(STATION, 3, [50, 4, 192, 168, 1, 100, 54, 4, 192, 168, 1, 254])))).toEqual([]);
    expect(router.leases.has('18:fe:34:12:34:56')).toBe(false);
    router.receive(ipPacket(OTHER, dhcp(OTHER, 7, [54, 4, 192, 168, 1, 1], ip('192.168.1.42'))));
    expect(router.leases.size).toBe(0);
  });

  test('a /30 has one address to give; once given, the next DISCOVER gets no offer', () => {
    const router = new WifiRouter(BSSID, '172.16.0.4/30');
    expect(dhcpReply(router.receive(ipPacket(STATION, dhcp(STATION, 1)))[0]!).yiaddr).toBe('172.16.0.6');
    expect(router.receive(ipPacket(OTHER, dhcp(OTHER, 1)))).toEqual([]);
  });

  test('ARP for the gateway -> reply with the router\'s MAC; for another address, nothing', () => {
    const router = new WifiRouter(BSSID);
    const arp = (target: string) => Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...STATION, 192, 168, 1, 100, 0, 0, 0, 0, 0, 0, ...be32(ip(target))]);
    const [reply] = router.receive({ sa: STATION, da: BROADCAST, ethertype: ETHERTYPE_ARP, payload: arp('192.168.1.1') });
    expect(Array.from(reply!.payload)).toEqual([0, 1, 8, 0, 6, 4, 0, 2, ...BSSID, 192, 168, 1, 1, ...STATION, 192, 168, 1, 100]);
    expect(Array.from(reply!.da)).toEqual(Array.from(STATION));
    expect(router.receive({ sa: STATION, da: BROADCAST, ethertype: ETHERTYPE_ARP, payload: arp('192.168.1.100') })).toEqual([]);
  });

  test('bad input is dropped, never thrown: truncated, wrong checksums, fragments, garbage, an unknown network spec is refused clearly', () => {
    const router = new WifiRouter(BSSID);
    const good = dhcp(STATION, 1);
    const badIp = good.slice();
    badIp[10]! ^= 0xff;
    const fragment = dhcp(STATION, 1);
    fragment[6] = 0x20; // MF
    for (const payload of [good.subarray(0, 30), badIp, udp(0, 0xffffffff, 68, 67, [1, 2, 3]), dhcp(STATION, 1).fill(0xff, 28), fragment, Uint8Array.of(1, 2, 3), new Uint8Array(0)]) {
      expect(router.receive(ipPacket(STATION, payload))).toEqual([]);
    }
    const corrupt = udp(0, 0xffffffff, 68, 67, Array.from(dhcp(STATION, 1).subarray(28)), true);
    expect(router.receive(ipPacket(STATION, corrupt))).toEqual([]);
    expect(() => parseNetwork('192.168.1.0')).toThrow('is not an IPv4 network');
    expect(() => parseNetwork('192.168.300.0/24')).toThrow('over 255');
    expect(() => parseNetwork('10.0.0.0/31')).toThrow('not 8-30');
    expect(() => resolveAccessPoint({ ssid: 'x', network: 'lan' })).toThrow('access point "x": network "lan"');
    expect(parseAccessPointSpec('lab:6:-40:open:10.1.2.0/24')).toEqual({ ssid: 'lab', channel: 6, rssi: -40, auth: 'open', network: '10.1.2.0/24' });
  });

  test('tcpdump decodes the whole exchange with correct checksums: DHCP Discover/Offer/Request/ACK, ARP, ICMP echo, DNS SERVFAIL', () => {
    const ap = resolveAccessPoint({ ssid: 'home', bssid: '24:0a:c4:01:02:03' });
    const router = new WifiRouter(ap.bssid, ap.network);
    const me = ip('192.168.1.100');
    const icmp = Uint8Array.of(8, 0, 0, 0, 0x12, 0x34, 0, 1, ...new TextEncoder().encode('circuitemu ping'));
    const sum = internetChecksum(icmp);
    icmp[2] = sum >> 8;
    icmp[3] = sum & 0xff;
    const query = [0xab, 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, ...new TextEncoder().encode('example'), 3, ...new TextEncoder().encode('com'), 0, 0, 1, 0, 1];
    const sent: Packet[] = [
      ipPacket(STATION, dhcp(STATION, 1)),
      ipPacket(STATION, dhcp(STATION, 3, [50, 4, 192, 168, 1, 100, 54, 4, 192, 168, 1, 1])),
      { sa: STATION, da: BROADCAST, ethertype: ETHERTYPE_ARP, payload: Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...STATION, ...be32(me), 0, 0, 0, 0, 0, 0, 192, 168, 1, 1]) },
      { sa: STATION, da: ap.bssid, ethertype: ETHERTYPE_IPV4, payload: ipv4(me, ip('192.168.1.1'), 1, icmp) },
      { sa: STATION, da: ap.bssid, ethertype: ETHERTYPE_IPV4, payload: udp(me, ip('192.168.1.1'), 4000, 53, query) },
    ];
    const frames: Uint8Array[] = [];
    let seq = 0;
    for (const p of sent) {
      frames.push(stationFrame(p.sa, p.da, p.ethertype, p.payload));
      for (const r of router.receive(p)) frames.push(dataFrameFromAp(ap, r.da, r.sa, seq++, r.ethertype, r.payload));
    }
    expect(frames.length).toBe(10);
    const text = tcpdump(frames);
    const packets = text.split(/\n(?=\d)/);
    expect(packets.length).toBe(10);
    expect(text).not.toMatch(/bad (udp |icmp )?cksum|malformed|truncated|\[\|/i);
    expect(packets[1]).toMatch(/192\.168\.1\.1\.67 > 192\.168\.1\.100\.68: \[udp sum ok\] BOOTP\/DHCP, Reply/);
    expect(packets[1]).toMatch(/Your-IP 192\.168\.1\.100/);
    expect(packets[1]).toMatch(/DHCP-Message.*Offer/);
    expect(packets[1]).toMatch(/Lease-Time.*86400/);
    expect(packets[1]).toMatch(/Subnet-Mask.*255\.255\.255\.0/);
    expect(packets[1]).toMatch(/Default-Gateway.*192\.168\.1\.1/);
    expect(packets[3]).toMatch(/DHCP-Message.*ACK/);
    expect(packets[5]).toMatch(/ARP.*Reply 192\.168\.1\.1 is-at 24:0a:c4:01:02:03/);
    expect(packets[7]).toMatch(/192\.168\.1\.1 > 192\.168\.1\.100: ICMP echo reply, id 4660, seq 1/);
    expect(packets[9]).toMatch(/192\.168\.1\.1\.53 > 192\.168\.1\.100\.4000: \[udp sum ok\] 43981 ServFail/);
    for (const i of [1, 3, 5, 7, 9]) expect(packets[i]).toMatch(/DA:18:fe:34:12:34:56 BSSID:24:0a:c4:01:02:03 SA:24:0a:c4:01:02:03/);
  });
});

/** A board whose CPU spins (`j .`) with receive descriptors set up as the SDK's libpp leaves them. */
function airBoard(auth: 'open' | 'wpa2-psk' = 'open') {
  const b = createFeatherHuzzah({ wifi: { accessPoints: [{ ssid: 'home', channel: 6, bssid: '24:0a:c4:01:02:03', auth }] } });
  b.load([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff) }], 0x40100000);
  const bus = b.machine.bus;
  const write = (a: number, v: number) => bus.write(a, 4, v);
  const read = (a: number) => bus.read(a, 4) >>> 0;
  const descs: number[] = [];
  for (let i = 0; i < 8; i++) {
    const d = 0x3fff0000 + 12 * i;
    write(d, (0x80000000 | (600 << 12) | 600) >>> 0);
    write(d + 4, 0x3fff0100 + i * 600);
    write(d + 8, i + 1 < 8 ? d + 12 : 0);
    descs.push(d);
  }
  write(0x3ff20008, descs[0]!); // RXDMA_BASE
  write(0x3ff20c48, 0x1234fe18); // MAC_ADDR0: the station
  write(0x3ff20c4c, 0x5634);
  b.chip.wdevRx.tune(2437);
  /** Data frames received (the 12-byte RxControl header, then the frame). */
  const received = () =>
    descs
      .filter((d) => !(read(d) >>> 31))
      .map((d) => bus.readBlock(read(d + 4), (read(d) >>> 12) & 0xfff))
      .filter((f) => f[12] === 0x08);
  const associate = () => b.chip.wdevRx.transmitted(Uint8Array.from([0x00, 0, 0, 0, ...BSSID, ...STATION, ...BSSID, 0, 0, 0x21, 0, 10, 0, 0, 4, 0x68, 0x6f, 0x6d, 0x65, 0, 0, 0, 0]));
  return { b, received, associate };
}

describe('data frames through the access point (wdev-rx.ts)', () => {
  test('an associated station\'s DISCOVER is answered 1 ms later by a From DS data frame: LLC/SNAP, the OFFER, damatch and is_group as addressed', () => {
    const { b, received, associate } = airBoard();
    associate();
    b.machine.runFor(0.002);
    b.chip.wdevRx.transmitted(stationFrame(STATION, BROADCAST, ETHERTYPE_IPV4, dhcp(STATION, 1, [], 0, 0x8000)));
    b.machine.runFor(0.0009);
    expect(received()).toEqual([]);
    b.machine.runFor(0.0003);
    const [rx] = received();
    const header = new DataView(rx!.buffer, rx!.byteOffset).getUint32(0, true);
    expect((header >>> 12) & 1).toBe(1); // is_group: to the broadcast address
    const frame = rx!.subarray(12);
    expect(Array.from(frame.subarray(0, 2))).toEqual([0x08, 0x02]); // data, From DS
    const o = dhcpReply({ da: frame.subarray(4, 10), sa: frame.subarray(16, 22), ethertype: 0x800, payload: frame.subarray(32, frame.length - 4) });
    expect([o.type, o.yiaddr, o.da]).toEqual([2, '192.168.1.100', 'ff:ff:ff:ff:ff:ff']);
    expect(b.chip.wdevRx.router(0).leases.get('18:fe:34:12:34:56')).toBe(ip('192.168.1.100'));
  });

  test('no answer to a station that never associated, to another BSS, to a protected frame, or on a WPA2 network (no 4-way handshake modelled)', () => {
    const discover = stationFrame(STATION, BROADCAST, ETHERTYPE_IPV4, dhcp(STATION, 1));
    let air = airBoard();
    air.b.chip.wdevRx.transmitted(discover);
    air.associate();
    air.b.chip.wdevRx.transmitted(stationFrame(STATION, BROADCAST, ETHERTYPE_IPV4, dhcp(STATION, 1), OTHER));
    const protectedFrame = discover.slice();
    protectedFrame[1] = 0x41;
    air.b.chip.wdevRx.transmitted(protectedFrame);
    air.b.machine.runFor(0.01);
    expect(air.received()).toEqual([]);
    air = airBoard('wpa2-psk');
    air.associate();
    air.b.chip.wdevRx.transmitted(discover);
    air.b.machine.runFor(0.01);
    expect(air.received()).toEqual([]);
  });

  test('stationData reads data and QoS data frames to the DS, and nothing else', () => {
    const f = stationFrame(STATION, BROADCAST, ETHERTYPE_ARP, Uint8Array.of(1, 2, 3));
    expect(stationData(f)).toMatchObject({ ethertype: ETHERTYPE_ARP, payload: Uint8Array.of(1, 2, 3) });
    const qos = Uint8Array.from([0x88, ...f.subarray(1, 24), 0, 0, ...f.subarray(24)]);
    expect(stationData(qos)).toMatchObject({ ethertype: ETHERTYPE_ARP, payload: Uint8Array.of(1, 2, 3) });
    const fromDs = f.slice();
    fromDs[1] = 0x02;
    expect(stationData(fromDs)).toBeNull();
    expect(stationData(f.subarray(0, 30))).toBeNull();
    const noSnap = f.slice();
    noSnap[24] = 0x42;
    expect(stationData(noSnap)).toBeNull();
  });
});

describe('circuitemu run --wifi-pcap', () => {
  const root = new URL('../../', import.meta.url).pathname;
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [join(root, 'bin/circuitemu.js'), 'run', ...args], { timeout: 60_000, encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  };
  const esp = join(root, 'tests/firmware/esp8266/timer-irq.elf');

  test('writes a pcap tcpdump reads (802.11 link type); refuses a board without a radio (64) and an unwritable path (73)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'wifi-pcap-')), 'air.pcap');
    expect(cli(['--board', 'feather_huzzah', '--firmware', esp, '--wifi-pcap', file, '--timeout', '0.01']).status).toBe(124);
    const r = spawnSync('tcpdump', ['-r', file], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('link-type IEEE802_11');
    const wrongBoard = cli(['--board', 'cpx', '--firmware', join(root, 'tests/firmware/samd21/button_led.elf'), '--wifi-pcap', file]);
    expect([wrongBoard.status, wrongBoard.stderr.split('\n')[0]]).toEqual([64, 'circuitemu: --wifi-pcap: board cpx has no WiFi radio (feather_huzzah has)']);
    const unwritable = cli(['--board', 'feather_huzzah', '--firmware', esp, '--wifi-pcap', '/nonexistent-dir/air.pcap', '--timeout', '0.01']);
    expect(unwritable.status).toBe(73);
    expect(unwritable.stderr).toContain('--wifi-pcap: cannot write /nonexistent-dir/air.pcap');
  });
});
