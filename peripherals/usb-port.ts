/**
 * UsbDevicePort: the host-facing side of a USB device controller, at transaction level.
 *
 * A chip's device controller (SAMD21 USB, a future RP2040 or nRF block) implements this; the
 * emulated host (firmware-runtime/usb/) drives it. Nothing here knows about a particular chip,
 * and nothing here knows about wall-clock time: the host calls these methods from events on the
 * machine's scheduler, so every transaction happens at a definite cycle.
 *
 * The model is USB 2.0 full speed (chapter 8, "Protocol Layer") reduced to what a device
 * controller can observe:
 *  - bus states: attach (the device's D+ pull-up, `attached`), bus reset (SE0 for >= 10 ms,
 *    ending with the controller's "end of reset"), start-of-frame tokens every 1 ms;
 *  - transactions: a token addressed to (device address, endpoint number), a data packet with a
 *    DATA0/DATA1 PID, and a handshake. One method call is one complete transaction: the call
 *    returns the device's handshake (or its data packet for IN), and the host's own handshake
 *    for an IN is implied: the host always ACKs a data packet it received (even when it then
 *    discards it because of a data-toggle mismatch, which is what USB 2.0 8.6.4 asks of it), so
 *    the device may commit an IN packet as soon as `in` returns it.
 *  - a device that does not answer (wrong address, endpoint disabled, detached, a controller that
 *    is off) returns 'NONE': on the wire that is a bus turnaround timeout (USB 2.0 7.1.19.1).
 *
 * Buffers passed in are only read during the call (the device copies what it keeps); buffers
 * returned belong to the caller.
 */

/** A device's handshake to a token (or the lack of one). */
export type UsbHandshake = 'ACK' | 'NAK' | 'STALL' | 'NONE';

/** Data PID of a DATA packet: 0 = DATA0, 1 = DATA1. */
export type UsbDataPid = 0 | 1;

/** The device's answer to an IN token. */
export type UsbInResponse =
  | { readonly handshake: 'DATA'; readonly data: Uint8Array; readonly pid: UsbDataPid }
  | { readonly handshake: 'NAK' }
  | { readonly handshake: 'STALL' }
  | { readonly handshake: 'NONE' };

/** Bus speed the device signals with its pull-up (D+ for full speed, D- for low speed). */
export type UsbSpeed = 'full' | 'low';

export interface UsbDevicePort {
  /**
   * True while the device presents its pull-up on the bus (enabled, device mode, not detached).
   * The host samples it once per frame; a change is a connect or a disconnect.
   */
  readonly attached: boolean;
  /**
   * Counts connects (pull-up applied) since power-on. A device can drop its pull-up and put it
   * back within one frame (a controller reset); a hub still sees that as a disconnect (SE0 for
   * TDDIS, 2.5 us), so a host that finds `connectCount` changed treats it as a disconnect
   * followed by a connect even if `attached` looks unchanged.
   */
  readonly connectCount: number;
  /** Speed the device signals (only meaningful while attached). */
  readonly speed: UsbSpeed;

  /**
   * A complete bus reset (SE0 >= 10 ms, USB 2.0 7.1.7.5). The device ends up in the Default
   * state at address 0; a controller raises its end-of-reset interrupt.
   */
  busReset(): void;

  /** A start-of-frame token with its 11-bit frame number (USB 2.0 8.4.3.1). */
  startOfFrame(frameNumber: number): void;

  /**
   * The bus has been idle for 3 ms (USB 2.0 7.1.7.6): the device should enter Suspend.
   * `resume()` is the host's downstream resume (K state, then SOFs again).
   */
  suspend(): void;
  resume(): void;

  /**
   * SETUP transaction: SETUP token, DATA0 with the 8-byte request. A device must answer 'ACK'
   * (it may not NAK or STALL a SETUP, USB 2.0 8.5.3), or 'NONE' if it does not respond at all.
   */
  setup(address: number, endpoint: number, packet: Uint8Array): UsbHandshake;

  /**
   * OUT transaction: OUT token and a DATA packet with `pid`. 'ACK' (accepted, or a repeat of a
   * packet already accepted whose toggle no longer matches), 'NAK' (no buffer: retry later),
   * 'STALL' (halted), 'NONE' (no response).
   */
  out(address: number, endpoint: number, data: Uint8Array, pid: UsbDataPid): UsbHandshake;

  /**
   * IN transaction: IN token; the device answers with a DATA packet (then the host's ACK is
   * implied, see above), 'NAK' (nothing ready), 'STALL' or 'NONE'.
   */
  in(address: number, endpoint: number): UsbInResponse;
}

/** USB 2.0 full speed: 12 Mbit/s. */
export const USB_FULL_SPEED_BIT_RATE = 12_000_000;

/**
 * Approximate bus time in bit times of one full-speed transaction carrying `dataBytes` bytes
 * (token 32 bits + data packet with SYNC/PID/CRC16/EOP + handshake + turnarounds, with an
 * average bit-stuffing allowance). Used by hosts to space transactions within a frame.
 */
export function transactionBitTimes(dataBytes: number): number {
  // token: SYNC 8 + PID 8 + ADDR/ENDP 11 + CRC5 5 + EOP 3 = 35; handshake: 8 + 8 + 3 = 19;
  // data: 8 + 8 + 8n * 7/6 (stuffing) + 16 + 3; turnarounds ~ 2 * 16.
  return 35 + 19 + 35 + Math.ceil((dataBytes * 8 * 7) / 6) + 32;
}
