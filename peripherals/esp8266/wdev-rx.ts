/**
 * The receive side of the ESP8266's WiFi MAC: its receive DMA (registers at 0x3FF20000-0x3FF203FF)
 * and what the radio hears on the channel it is tuned to. Espressif documents none of it; the
 * layout below was traced in the SDK's libpp (NONOS 2.2 as MicroPython 1.28 links it):
 *  - wDev_AppendRxBlocks hands the MAC a chain of lldesc-style descriptors, 12 bytes each:
 *    word 0 = size (bits 11:0), length (23:12), eof (30), owner (31: set = the MAC may fill it);
 *    word 1 = buffer; word 2 = next. When its list was empty it writes the chain's first
 *    descriptor to RXDMA_BASE (+0x08); later blocks are linked to the tail in memory only.
 *  - For each frame the MAC fills the next owned descriptor's buffer with a 12-byte receive
 *    header then the 802.11 frame (FCS included), writes the length and eof, clears owner,
 *    writes the descriptor to RXDMA_LAST (+0x14) and raises MAC_INT bit 8 (RX_DONE).
 *    wDev_ProcessFiq then walks its list from the head to the first descriptor with eof set,
 *    up to RXDMA_LAST, and passes single-descriptor frames up (ppRxPkt via lmacRxDone).
 *    It requires RXDMA_LAST's next pointer to be set (it halts otherwise), so the model never
 *    fills a descriptor whose next is 0: the last of a chain stays in reserve.
 *  - The receive header is the SDK's `struct RxControl` (ESP8266 Non-OS SDK API reference,
 *    sniffer section): word 0 rssi (7:0, signed dBm), rate (11:8), is_group (12), sig_mode
 *    (15:14, 0 = legacy), legacy_length (27:16), damatch0/1 (28/29), bssidmatch0/1 (30/31);
 *    word 1 the 802.11n fields (0); word 2 rxend_state (7:0), channel (19:16). The rssi byte
 *    is dBm + 96 (see RSSI_OFFSET); libpp rewrites the channel field itself.
 *  - RXDMA_CONF (+0x04: wDevDisableRx clears bit 31) and RXDMA_AMPDU_BASE (+0x0C, the A-MPDU
 *    length descriptors) are stored only; every other offset reads 0 and is reported.
 *
 * The radio: the SDK programs the RF PLL for a channel's centre frequency (the ROM emulation
 * decodes that and calls `tune`); the MAC hears the access points on that channel. Each defined
 * access point sends a beacon every 100 TU (102.4 ms), with a fixed phase of its own, and
 * answers what the station transmits on its channel (`transmitted`, from Wdev: probe requests,
 * Open System authentication, association requests) 0.5 ms later; a frame that arrives while
 * the radio is tuned to its channel and a descriptor is free is received. Frames to the station
 * carry the damatch bits of the MAC's own addresses. An open access point also carries data
 * frames between the stations it associated and the network behind it (wifi-router.ts: DHCP,
 * ARP, ping and DNS of the gateway), answered 1 ms later. Not modelled: WPA/WPA2's 4-way
 * handshake (so no data on secured networks), deauthentication by the AP, A-MPDU, noise, other
 * stations.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Bus } from '../../emulator/kernel/bus.js';
import type { Register } from '../register-block.js';
import { SparseRegisterBlock } from './sparse-block.js';
import { dmaReachable } from './mac-dma.js';
import {
  BEACON_INTERVAL_TU,
  FC_ASSOC_REQUEST,
  FC_AUTHENTICATION,
  FC_PROBE_REQUEST,
  TU_SECONDS,
  associationResponseFrame,
  authenticationResponseFrame,
  beaconFrame,
  channelOf,
  dataFrameFromAp,
  probeResponseFrame,
  probedSsid,
  resolveAccessPoint,
  stationData,
  type AccessPoint,
  type ResolvedAccessPoint,
} from './wifi-air.js';
import { WifiRouter, macKey } from './wifi-router.js';

export const WDEV_RX_BASE = 0x3ff20000;
export const WDEV_RX_SIZE = 0x400;
/** Descriptor word 0 fields. */
const DESC_OWNER = 0x80000000;
const DESC_EOF = 0x40000000;
const DESC_SIZE_MASK = 0xfff;
/** struct RxControl, the receive header the MAC writes before each frame. */
const RX_HEADER_BYTES = 12;
const RX_IS_GROUP = 1 << 12;
/**
 * The header's rssi byte is the signal in dBm plus 96: every consumer in the SDK (scan_parse_beacon,
 * ic_get_rssi, the promiscuous callback's copy) subtracts 96 before using it as dBm. libpp's
 * receive path (at 0x4021FA1C in MicroPython 1.28's link) first adds 3 to the byte of every frame
 * from a matched BSS, a correction of its own. An access point's `rssi` is what the firmware
 * reports (scan()'s RSSI), so the MAC writes rssi + 96 - 3.
 */
const RSSI_OFFSET = 96 - 3;
/** An access point's answer to the station follows its frame by 0.5 ms (per AP, staggered). */
const ANSWER_DELAY_S = 500e-6;
/** The network behind an access point answers a data frame 1 ms later (a router's turnaround). */
const NETWORK_DELAY_S = 1e-3;

function sameAddress(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class WdevRx extends SparseRegisterBlock {
  private readonly last: Register;
  /** The descriptor the DMA fills next (RXDMA_BASE, then each filled one's next), or 0. */
  private current = 0;
  /** The channel the radio is tuned to (0: not tuned). */
  channel = 0;
  private aps: ResolvedAccessPoint[] = [];
  /** Per access point: the network behind it, and the stations it associated ("aa:bb:.." keys). */
  private routers: WifiRouter[] = [];
  private associated: Set<string>[] = [];
  /** Per access point: simulated seconds of its next beacon; and its sequence number. */
  private nextBeacon: number[] = [];
  private sequence: number[] = [];
  private readonly beacon: SimEvent;
  /** Frames the access points send in answer to the station, due in time order. */
  private answers: { at: number; ap: ResolvedAccessPoint; frame: Uint8Array }[] = [];
  private readonly answer: SimEvent;
  /** Every frame the station sends (`transmitted` true) or receives into a descriptor, FCS included: for captures (--wifi-pcap). */
  onAir: (frame: Uint8Array, transmitted: boolean) => void = () => {};
  /** Frames received into a descriptor, and frames lost (no free descriptor). */
  framesReceived = 0;
  framesDropped = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly bus: Bus,
    /** The MAC raises RX_DONE (MAC_INT bit 8). */
    private readonly rxDone: () => void,
    /** The receive header's bssidmatch bits for a frame from a BSSID (the MAC's filters). */
    private readonly bssidMatch: (bssid: Uint8Array) => number = () => 0,
    /** The receive header's damatch bits for a frame to an address (the MAC's own addresses). */
    private readonly addressMatch: (da: Uint8Array) => number = () => 0,
  ) {
    super('WDEV_RX', WDEV_RX_SIZE);
    this.reg({ name: 'RXDMA_CONF', offset: 0x04, size: 4 });
    this.reg({ name: 'RXDMA_BASE', offset: 0x08, size: 4, write: (v) => (this.current = v >>> 0) });
    this.reg({ name: 'RXDMA_AMPDU_BASE', offset: 0x0c, size: 4 });
    this.last = this.reg({ name: 'RXDMA_LAST', offset: 0x14, size: 4, writable: 0 });
    this.beacon = new SimEvent('wdev.beacon', () => this.onBeacon());
    this.answer = new SimEvent('wdev.answer', () => this.onAnswer());
  }

  /** The access points on the air (checked; throws on a bad one). Takes effect at once. */
  set accessPoints(list: readonly AccessPoint[]) {
    this.aps = list.map(resolveAccessPoint);
    this.sequence = this.aps.map(() => 0);
    this.routers = this.aps.map((ap) => new WifiRouter(ap.bssid, ap.network));
    this.associated = this.aps.map(() => new Set());
    this.restartBeacons();
  }

  get accessPoints(): readonly ResolvedAccessPoint[] {
    return this.aps;
  }

  reset(): void {
    this.resetRegisters();
    this.answers = [];
    this.scheduler.cancel(this.answer);
    this.current = 0;
    this.channel = 0;
    this.framesReceived = 0;
    this.framesDropped = 0;
    for (const router of this.routers) router.reset();
    for (const stations of this.associated) stations.clear();
    this.restartBeacons();
  }

  /** The network behind access point `i` (its DHCP leases, for tests and diagnostics). */
  router(i: number): WifiRouter {
    const router = this.routers[i];
    if (!router) throw new Error(`no access point ${i} (${this.aps.length} defined)`);
    return router;
  }

  /** The RF PLL now runs at `mhz`: the radio listens on that channel (0 if none). */
  tune(mhz: number): void {
    this.channel = channelOf(mhz);
  }

  /** Beacons restart from now; access point i beacons at phase (17 + 29 i) mod 100 TU. */
  private restartBeacons(): void {
    this.scheduler.cancel(this.beacon);
    const now = this.scheduler.seconds;
    this.nextBeacon = this.aps.map((_, i) => now + ((17 + 29 * i) % BEACON_INTERVAL_TU) * TU_SECONDS);
    this.scheduleNext();
  }

  private scheduleNext(): void {
    if (this.aps.length === 0) return;
    const at = Math.min(...this.nextBeacon);
    this.scheduler.scheduleIn(this.beacon, Math.max(1, this.scheduler.cyclesIn(at - this.scheduler.seconds)));
  }

  private onBeacon(): void {
    const now = this.scheduler.seconds;
    for (let i = 0; i < this.aps.length; i++) {
      if (this.nextBeacon[i]! > now + 1e-9) continue;
      this.nextBeacon[i]! += BEACON_INTERVAL_TU * TU_SECONDS;
      const ap = this.aps[i]!;
      if (ap.channel !== this.channel) continue;
      const seq = this.sequence[i]!;
      this.sequence[i] = (seq + 1) & 0xfff;
      this.receive(beaconFrame(ap, seq, now * 1e6), ap.rssi, true, this.bssidMatch(ap.bssid));
    }
    this.scheduleNext();
  }

  /**
   * A frame the station transmitted (Wdev.onTransmit), as the access points on the channel hear
   * it: a probe request for their SSID (or any) gets a probe response; an Open System
   * authentication (transaction 1) or an association request to an AP's BSSID gets its success
   * response; a data frame from a station an open AP associated goes to the network behind it,
   * whose answers come back as data frames. Each answer comes ANSWER_DELAY_S (data:
   * NETWORK_DELAY_S) later, staggered per AP, if the radio is still on that channel then.
   */
  transmitted(frame: Uint8Array): void {
    this.onAir(frame, true);
    const now = this.scheduler.seconds;
    this.aps.forEach((ap, i) => {
      if (ap.channel !== this.channel) return;
      const answers = this.data(i, frame) ?? this.management(i, frame, now);
      for (const answer of answers) this.answers.push({ at: now + (answer.delay ?? ANSWER_DELAY_S) * (1 + i), ap, frame: answer.frame });
    });
    this.answers.sort((a, b) => a.at - b.at);
    if (this.answers.length > 0) this.scheduler.scheduleIn(this.answer, Math.max(1, this.scheduler.cyclesIn(this.answers[0]!.at - now)));
  }

  /** Access point i's answer to a management frame (none, or one). */
  private management(i: number, frame: Uint8Array, now: number): { frame: Uint8Array; delay?: number }[] {
    const ap = this.aps[i]!;
    const subtype = frame[0]! & 0xfc;
    const sa = frame.subarray(10, 16);
    const to = frame.subarray(4, 10);
    const seq = this.sequence[i]!;
    let answer: Uint8Array | null = null;
    if (subtype === FC_PROBE_REQUEST) {
      const ssid = probedSsid(frame);
      // A hidden network answers only probes that name it.
      if (ssid && (ssid.length === 0 ? !ap.hidden : new TextDecoder().decode(ssid) === ap.ssid)) answer = probeResponseFrame(ap, sa, seq, (now + ANSWER_DELAY_S) * 1e6);
    } else if (sameAddress(to, ap.bssid) && subtype === FC_AUTHENTICATION && frame[24] === 0 && frame[25] === 0 && frame[26] === 1) {
      answer = authenticationResponseFrame(ap, sa, seq);
    } else if (sameAddress(to, ap.bssid) && subtype === FC_ASSOC_REQUEST) {
      answer = associationResponseFrame(ap, sa, seq);
      this.associated[i]!.add(macKey(sa));
    }
    if (!answer) return [];
    this.sequence[i] = (seq + 1) & 0xfff;
    return [{ frame: answer }];
  }

  /**
   * Access point i's answers to a data frame (null: the frame is not data for it). Only an open
   * AP passes data, and only from a station it associated; the network's packets come back as
   * From DS data frames.
   */
  private data(i: number, frame: Uint8Array): { frame: Uint8Array; delay: number }[] | null {
    const msdu = stationData(frame);
    const ap = this.aps[i]!;
    if (!msdu || !sameAddress(msdu.bssid, ap.bssid)) return null;
    if (ap.auth !== 'open' || !this.associated[i]!.has(macKey(msdu.sa))) return [];
    return this.routers[i]!.receive({ da: msdu.da, sa: msdu.sa, ethertype: msdu.ethertype, payload: msdu.payload }).map((p) => {
      const seq = this.sequence[i]!;
      this.sequence[i] = (seq + 1) & 0xfff;
      return { frame: dataFrameFromAp(ap, p.da, p.sa, seq, p.ethertype, p.payload), delay: NETWORK_DELAY_S };
    });
  }

  private onAnswer(): void {
    const now = this.scheduler.seconds;
    while (this.answers.length > 0 && this.answers[0]!.at <= now + 1e-9) {
      const { ap, frame } = this.answers.shift()!;
      // Address 1 is the receiver: the station, or a group address (bit 0 of its first byte).
      if (ap.channel === this.channel) this.receive(frame, ap.rssi, (frame[4]! & 1) === 1, this.bssidMatch(ap.bssid) | this.addressMatch(frame.subarray(4, 10)));
    }
    if (this.answers.length > 0) this.scheduler.scheduleIn(this.answer, Math.max(1, this.scheduler.cyclesIn(this.answers[0]!.at - now)));
  }

  /**
   * The MAC receives `frame` (FCS included): into the next free descriptor, as a single
   * descriptor (the SDK drops frames spread over several), then RX_DONE.
   */
  receive(frame: Uint8Array, rssi: number, group: boolean, match: number): boolean {
    const desc = this.current;
    const reachable = dmaReachable(desc, 12);
    const w0 = reachable ? this.bus.read32(desc) >>> 0 : 0;
    const next = reachable ? this.bus.read32(desc + 8) >>> 0 : 0;
    const buffer = reachable ? this.bus.read32(desc + 4) >>> 0 : 0;
    const size = w0 & DESC_SIZE_MASK;
    const length = RX_HEADER_BYTES + frame.length;
    if (!(w0 & DESC_OWNER) || next === 0 || length > size || !dmaReachable(buffer, length)) {
      this.framesDropped++;
      return false;
    }
    const header = new Uint8Array(RX_HEADER_BYTES);
    const view = new DataView(header.buffer);
    view.setUint32(0, (((rssi + RSSI_OFFSET) & 0xff) | (group ? RX_IS_GROUP : 0) | ((frame.length & 0xfff) << 16) | match) >>> 0, true);
    view.setUint32(8, (this.channel & 0xf) << 16, true);
    this.bus.writeBlock(buffer, header);
    this.bus.writeBlock(buffer + RX_HEADER_BYTES, frame);
    this.bus.write32(desc, (size | (length << 12) | DESC_EOF) >>> 0);
    this.last.value = desc;
    this.current = next;
    this.framesReceived++;
    this.onAir(frame, false);
    this.rxDone();
    return true;
  }
}
