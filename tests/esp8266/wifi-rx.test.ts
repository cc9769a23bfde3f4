/**
 * The ESP8266 WiFi MAC's receive side (peripherals/esp8266/wdev-rx.ts) and the access points'
 * frames (wifi-air.ts), without firmware: beacons checked field by field against IEEE Std
 * 802.11-2016 (9.3.3.3, 9.4.2) and the CRC-32 check value, the receive DMA driven through its
 * registers and descriptors as the SDK's libpp drives them.
 */
import { describe, expect, test } from 'vitest';
import { createFeatherHuzzah } from '../../boards/feather-huzzah.js';
import { beaconFrame, channelMHz, channelOf, crc32, parseAccessPointSpec, parseAccessPoints, resolveAccessPoint, type AccessPoint } from '../../peripherals/esp8266/wifi-air.js';

const WDEV = 0x3ff20c00;
const RX = 0x3ff20000;

describe('802.11 frames of the access points', () => {
  test('CRC-32 (the FCS) gives the standard check value for "123456789"', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  test('a beacon: management subtype 8 to broadcast from the BSSID, TSF, 100 TU, capability, SSID/rates/DS/TIM/ERP elements, FCS', () => {
    const ap = resolveAccessPoint({ ssid: 'home', bssid: '24:0a:c4:01:02:03', channel: 6, auth: 'open' });
    const f = beaconFrame(ap, 0x123, 0x0102030405);
    expect(Array.from(f.subarray(0, 4))).toEqual([0x80, 0, 0, 0]); // frame control, duration
    expect(Array.from(f.subarray(4, 10))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(Array.from(f.subarray(10, 16))).toEqual([0x24, 0x0a, 0xc4, 1, 2, 3]); // SA
    expect(Array.from(f.subarray(16, 22))).toEqual([0x24, 0x0a, 0xc4, 1, 2, 3]); // BSSID
    expect(f[22]! | (f[23]! << 8)).toBe(0x123 << 4); // sequence number, fragment 0
    expect(Array.from(f.subarray(24, 32))).toEqual([5, 4, 3, 2, 1, 0, 0, 0]); // TSF, little-endian us
    expect(f[32]! | (f[33]! << 8)).toBe(100); // beacon interval, TU
    expect((f[34]! | (f[35]! << 8)) & 0x11).toBe(0x01); // ESS, no Privacy
    expect(Array.from(f.subarray(36, 42))).toEqual([0, 4, ...new TextEncoder().encode('home')]);
    const elements = new Map<number, number[]>();
    for (let i = 36; i < f.length - 4; i += 2 + f[i + 1]!) elements.set(f[i]!, Array.from(f.subarray(i + 2, i + 2 + f[i + 1]!)));
    expect(elements.get(3)).toEqual([6]); // DS Parameter Set: the channel
    expect(elements.get(1)![0]).toBe(0x82); // 1 Mb/s, basic
    expect(elements.has(48)).toBe(false);
    const fcs = f[f.length - 4]! | (f[f.length - 3]! << 8) | (f[f.length - 2]! << 16) | (f[f.length - 1]! << 24);
    expect(fcs >>> 0).toBe(crc32(f, f.length - 4));
  });

  test('security: Privacy for every secured network, the RSN element for WPA2 (CCMP, PSK), the WPA vendor element for WPA (TKIP, PSK)', () => {
    const elements = (auth: 'wep' | 'wpa-psk' | 'wpa2-psk' | 'wpa-wpa2-psk') => {
      const f = beaconFrame(resolveAccessPoint({ ssid: 'x', auth }), 0, 0);
      const out: number[][] = [];
      for (let i = 36; i < f.length - 4; i += 2 + f[i + 1]!) out.push(Array.from(f.subarray(i, i + 2 + f[i + 1]!)));
      return { privacy: ((f[34]! >> 4) & 1) === 1, rsn: out.find((e) => e[0] === 48), wpa: out.find((e) => e[0] === 221) };
    };
    const wep = elements('wep');
    expect([wep.privacy, wep.rsn, wep.wpa]).toEqual([true, undefined, undefined]);
    const wpa2 = elements('wpa2-psk');
    expect(wpa2.rsn).toEqual([48, 20, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 4, 1, 0, 0x00, 0x0f, 0xac, 2, 0, 0]);
    expect(wpa2.wpa).toBeUndefined();
    const wpa = elements('wpa-psk');
    expect(wpa.wpa!.slice(0, 6)).toEqual([221, 22, 0x00, 0x50, 0xf2, 1]);
    expect(wpa.rsn).toBeUndefined();
    const mixed = elements('wpa-wpa2-psk');
    expect([mixed.privacy, !!mixed.rsn, !!mixed.wpa]).toEqual([true, true, true]);
  });

  test('channels: 2412 + 5 (n - 1) MHz, channel 14 at 2484', () => {
    expect([1, 6, 13, 14].map(channelMHz)).toEqual([2412, 2437, 2472, 2484]);
    expect([2412, 2437.3, 2484, 2449.5, 5180].map(channelOf)).toEqual([1, 6, 14, 0, 0]);
  });

  test('--wifi-ap SSID[:CH[:RSSI[:AUTH]]]: defaults, names and numbers for AUTH, clear errors', () => {
    expect(parseAccessPointSpec('home')).toEqual({ ssid: 'home' });
    expect(resolveAccessPoint(parseAccessPointSpec('home'))).toMatchObject({ channel: 1, rssi: -60, auth: 'open', hidden: false });
    expect(parseAccessPointSpec('lab:11:-48:wpa2-psk')).toEqual({ ssid: 'lab', channel: 11, rssi: -48, auth: 'wpa2-psk' });
    expect(parseAccessPointSpec('lab:11:-48:4')).toMatchObject({ auth: 'wpa-wpa2-psk' });
    expect(() => parseAccessPointSpec('x:15')).toThrow('channel 15 is not 1-14');
    expect(() => parseAccessPointSpec('x:six')).toThrow('channel "six" is not a number');
    expect(() => parseAccessPointSpec('x:1:-200')).toThrow('RSSI -200');
    expect(() => parseAccessPointSpec('x:1:-50:wpa3')).toThrow('auth "wpa3"');
    expect(() => parseAccessPointSpec('')).toThrow('1 to 32 bytes');
    expect(() => parseAccessPoints(['a', 'a:6'])).toThrow('same BSSID');
    expect(() => resolveAccessPoint({ ssid: 'x', bssid: '01:02' })).toThrow('six hex bytes');
  });
});

/** A board whose CPU spins in IRAM (`j .`), so simulated time passes with no firmware. */
function board(accessPoints: AccessPoint[] = [{ ssid: 'cafe', channel: 6, rssi: -70 }]) {
  const b = createFeatherHuzzah({ wifi: { accessPoints } });
  b.load([{ address: 0x40100000, data: Uint8Array.of(0x06, 0xff, 0xff) }], 0x40100000);
  const bus = b.machine.bus;
  return { b, chip: b.chip, read: (a: number) => bus.read(a, 4) >>> 0, write: (a: number, v: number) => bus.write(a, 4, v) };
}

/** Descriptors as wDev_AppendRxBlocks leaves them: owner set, length = size, chained. */
function chain(write: (a: number, v: number) => void, base: number, count: number, size: number): number[] {
  const descs: number[] = [];
  for (let i = 0; i < count; i++) {
    const d = base + 12 * i;
    write(d, (0x80000000 | (size << 12) | size) >>> 0);
    write(d + 4, base + 0x100 + i * size);
    write(d + 8, i + 1 < count ? d + 12 : 0);
    descs.push(d);
  }
  return descs;
}

describe('the receive DMA (WDEV_RX)', () => {
  test('a beacon on the tuned channel fills the next owned descriptor: RxControl header, frame with FCS, length, eof, owner cleared; RXDMA_LAST, RX_DONE', () => {
    const { chip, read, write } = board();
    const descs = chain(write, 0x3fff0000, 3, 400);
    write(RX + 0x08, descs[0]!); // RXDMA_BASE
    write(WDEV + 0x18, 1 << 8); // MAC_INT_ENA: RX_DONE
    chip.wdevRx.tune(2437); // the RF PLL at channel 6
    chip.machine.runFor(0.105); // one beacon interval (102.4 ms)
    expect(chip.wdevRx.framesReceived).toBe(1);
    const w0 = read(descs[0]!);
    const length = (w0 >>> 12) & 0xfff;
    expect(w0 >>> 30).toBe(1); // eof, not owned
    expect(w0 & 0xfff).toBe(400);
    expect(read(RX + 0x14)).toBe(descs[0]); // RXDMA_LAST
    expect(read(WDEV + 0x20) & (1 << 8)).not.toBe(0); // MAC_INT_EVENT: RX_DONE
    expect(chip.core.readSpecial(226) & 1).toBe(1); // CPU line 0 (wDev_ProcessFiq)
    const buf = read(descs[0]! + 4);
    const header = chip.machine.bus.readBlock(buf, 12);
    const frame = chip.machine.bus.readBlock(buf + 12, length - 12);
    expect(header[0]).toBe((-70 + 96 - 3) & 0xff); // rssi byte: dBm + 96, less libpp's +3
    const hw0 = header[0]! | (header[1]! << 8) | (header[2]! << 16) | (header[3]! << 24);
    expect((hw0 >>> 12) & 1).toBe(1); // is_group
    expect((hw0 >>> 14) & 3).toBe(0); // legacy (non-HT)
    expect((hw0 >>> 16) & 0xfff).toBe(frame.length); // legacy_length
    expect((header[10]! & 0xf)).toBe(6); // channel
    expect(frame[0]).toBe(0x80);
    expect(new TextDecoder().decode(frame.subarray(38, 42))).toBe('cafe');
    const fcs = frame[frame.length - 4]! | (frame[frame.length - 3]! << 8) | (frame[frame.length - 2]! << 16) | (frame[frame.length - 1]! << 24);
    expect(fcs >>> 0).toBe(crc32(frame, frame.length - 4));
    write(WDEV + 0x24, 1 << 8); // MAC_INT_CLEAR
    expect(chip.core.readSpecial(226) & 1).toBe(0);
  });

  test('beacons every 102.4 ms; none while tuned elsewhere; none into a descriptor that is not owned or ends the chain', () => {
    const { chip, write } = board();
    const descs = chain(write, 0x3fff0000, 3, 400);
    write(RX + 0x08, descs[0]!);
    chip.wdevRx.tune(2412); // channel 1: the AP is on 6
    chip.machine.runFor(0.5);
    expect(chip.wdevRx.framesReceived).toBe(0);
    chip.wdevRx.tune(2437);
    chip.machine.runFor(0.21); // two beacons: into descriptors 0 and 1
    expect(chip.wdevRx.framesReceived).toBe(2);
    chip.machine.runFor(0.3); // descriptor 2's next is 0: it stays in reserve
    expect(chip.wdevRx.framesReceived).toBe(2);
    expect(chip.wdevRx.framesDropped).toBeGreaterThanOrEqual(2);
  });

  test('a descriptor outside the data RAM is not followed: the frame is dropped, the bus untouched (no error for the CPU to take)', () => {
    const { b, chip, write } = board();
    write(RX + 0x08, 0x50000000); // RXDMA_BASE: nothing there
    chip.wdevRx.tune(2437);
    b.machine.runFor(0.105);
    expect(chip.wdevRx.framesReceived).toBe(0);
    expect(chip.wdevRx.framesDropped).toBe(1);
    expect(b.machine.bus.error).toBe(false);
    expect(b.machine.runFor(0.01)).toBeFalsy(); // the CPU spins on, no fault
  });

  test('the BSSID filters (wDev_SetBssid layout) set bssidmatch: exact match on interface 1, the broadcast wildcard the SDK sets while scanning on interface 0', () => {
    const { chip, read, write } = board([{ ssid: 'cafe', channel: 6, rssi: -70, bssid: '24:0a:c4:01:02:03' }]);
    const descs = chain(write, 0x3fff0000, 4, 400);
    write(RX + 0x08, descs[0]!);
    chip.wdevRx.tune(2437);
    const header = (d: number) => read(read(d + 4));
    chip.machine.runFor(0.105);
    expect(header(descs[0]!) >>> 30).toBe(0); // no filter on
    write(WDEV + 0x30, 0x01c40a24); // interface 1: 24:0a:c4:01:02:03
    write(WDEV + 0x34, 0x0302);
    write(WDEV + 0x40, 0xffffffff);
    write(WDEV + 0x44, 0x1ffff); // mask, enable
    chip.machine.runFor(0.1024);
    expect(header(descs[1]!) >>> 30).toBe(2); // bssidmatch1
    write(WDEV + 0x28, 0xffffffff); // interface 0: broadcast (wDev_SetRxPolicy(1))
    write(WDEV + 0x2c, 0xffff);
    write(WDEV + 0x38, 0xffffffff);
    write(WDEV + 0x3c, 0x1ffff);
    chip.machine.runFor(0.1024);
    expect(header(descs[2]!) >>> 30).toBe(3);
  });

  test('the access points answer the station: probe request (named, wildcard; a hidden AP only when named), Open System authentication, association; damatch for the station address', () => {
    const { chip, read, write } = board([
      { ssid: 'cafe', channel: 6, rssi: -70, bssid: '24:0a:c4:01:02:03' },
      { ssid: 'secret', channel: 6, hidden: true, bssid: '24:0a:c4:09:09:09' },
      { ssid: 'far', channel: 11 },
    ]);
    const descs = chain(write, 0x3fff0000, 8, 400);
    write(RX + 0x08, descs[0]!);
    write(WDEV + 0x48, 0x1234fe18); // MAC_ADDR0: the station, 18:fe:34:12:34:56
    write(WDEV + 0x4c, 0x5634);
    chip.wdevRx.tune(2437);
    const station = [0x18, 0xfe, 0x34, 0x12, 0x34, 0x56];
    const header = (subtype: number, to: number[]) => [subtype, 0, 0, 0, ...to, ...station, ...to, 0, 0];
    const received = () => {
      const out: { fc: number; to: string; from: string; match: number; body: number[] }[] = [];
      for (const d of descs) {
        const w0 = read(d);
        if (w0 >>> 31) break;
        const buf = read(d + 4);
        const bytes = chip.machine.bus.readBlock(buf, (w0 >>> 12) & 0xfff);
        const hex = (a: Uint8Array) => Array.from(a, (b) => b.toString(16).padStart(2, '0')).join(':');
        out.push({ fc: bytes[12]!, to: hex(bytes.subarray(16, 22)), from: hex(bytes.subarray(22, 28)), match: read(buf) >>> 28, body: Array.from(bytes.subarray(36, 48)) });
      }
      return out.filter((f) => f.fc !== 0x80); // beacons aside
    };
    const bcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    chip.wdevRx.transmitted(Uint8Array.from([...header(0x40, bcast), 0, 0, 1, 1, 0x82, 0, 0, 0, 0])); // wildcard probe
    chip.machine.runFor(0.002);
    let r = received();
    expect(r.map((f) => [f.fc, f.from, f.to, f.match])).toEqual([[0x50, '24:0a:c4:01:02:03', '18:fe:34:12:34:56', 1]]); // damatch0
    chip.wdevRx.transmitted(Uint8Array.from([...header(0x40, bcast), 0, 6, ...new TextEncoder().encode('secret'), 0, 0, 0, 0]));
    chip.machine.runFor(0.002);
    r = received();
    expect(r[1]!.from).toBe('24:0a:c4:09:09:09');
    const ap = [0x24, 0x0a, 0xc4, 0x01, 0x02, 0x03];
    chip.wdevRx.transmitted(Uint8Array.from([...header(0xb0, ap), 0, 0, 1, 0, 0, 0, 0, 0, 0, 0])); // auth, Open System, seq 1
    chip.wdevRx.transmitted(Uint8Array.from([...header(0x00, ap), 0x21, 0, 10, 0, 0, 4, ...new TextEncoder().encode('cafe'), 0, 0, 0, 0]));
    chip.machine.runFor(0.002);
    r = received();
    expect(r[2]!.fc).toBe(0xb0);
    expect(r[2]!.body.slice(0, 6)).toEqual([0, 0, 2, 0, 0, 0]); // algorithm 0, transaction 2, status 0
    expect(r[3]!.fc).toBe(0x10);
    expect(r[3]!.body.slice(2, 6)).toEqual([0, 0, 0x01, 0xc0]); // status 0, AID 1
    // Nothing answers on another channel, nor a frame to another BSSID.
    chip.wdevRx.tune(2412);
    chip.wdevRx.transmitted(Uint8Array.from([...header(0x40, bcast), 0, 0, 0, 0, 0, 0]));
    chip.machine.runFor(0.002);
    expect(received().length).toBe(4);
  });
});
