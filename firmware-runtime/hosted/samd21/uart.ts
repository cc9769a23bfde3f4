/**
 * busio.UART on the SAMD21: ports/atmel-samd/common-hal/busio/UART.c (CircuitPython 9.2.9) with ASF4's
 * usart_async driver, against the SERCOM's USART registers (data sheet section 26). As on the board the
 * receiver is interrupt-driven: the SERCOM's RXC interrupt (INTENSET.RXC, set by the driver's
 * usart_async_register_callback) moves each character into a ring buffer of receiver_buffer_size bytes
 * (full: the oldest is overwritten, ASF4's ringbuffer_put), from which read() takes. Writes hand each
 * byte to DATA when DRE is set and return once the last one is in DATA (txcnt >= len), as the port's
 * busy-wait on usart_async_get_status does.
 */
import { sercomPadsOn, type SercomPadLocation } from '../../../peripherals/samd21/sercom-pads.js';
import {
  SERCOM_CTRLA,
  SERCOM_MODE,
  SERCOM_REG as R,
  SERCOM_SYNCBUSY,
  SERCOM_USART_CTRLA as A,
  SERCOM_USART_CTRLB as B,
  SERCOM_USART_INT as INT,
} from '../../../peripherals/samd21/sercom-registers.js';
import { GCLK_ID, IRQ } from '../../../peripherals/samd21/memory-map.js';
import { HalError, Samd21Hal } from './hal.js';
import type { HostedNvic } from './nvic.js';

const SERCOM_BASE = 0x42000800;
const SERCOM_HZ = 48e6;
/** Simulated time between two polls of a waiting read (the port's loop runs background tasks). */
const READ_POLL_SECONDS = 100e-6;

/** ASF4 _usart_calculate_baud_rate, arithmetic mode with 16 samples: 65536 - 65536 * 16 * baud / f_ref. */
export function usartBaudRegister(baudrate: number): number {
  const v = 65536n - (65536n * 16n * BigInt(Math.trunc(baudrate) >>> 0)) / BigInt(SERCOM_HZ);
  return Number(v & 0xffffn);
}

export type Parity = 'none' | 'even' | 'odd';

export interface UartConfig {
  tx: string | null;
  rx: string | null;
  /** Flow control: RTS (an output, SERCOM PAD2) and CTS (an input, PAD3). */
  rts: string | null;
  cts: string | null;
  /** The board names of tx, rx, rts and cts (for `in use`). */
  names: [string | null, string | null, string | null, string | null];
  baudrate: number;
  bits: number;
  parity: Parity;
  stop: number;
  /** timeout_ms (uartTimeoutMs). */
  timeoutMs: number;
  bufferSize: number;
}

/**
 * The port's `self->timeout_ms = timeout * 1000` on the board's floats: a Python float is a 30-bit float
 * there (MICROPY_OBJ_REPR_C: a float32 with the two low mantissa bits dropped), an int converts exactly;
 * the product is a float32, converted to an int and stored in a uint32 (a negative timeout above -1 passes
 * the binding's `(int)timeout` check and wraps: -0.5 gives 4294966796 ms). The binding's range check on
 * `(int)timeout` comes first (`timeout must be 0-100`).
 */
export function uartTimeoutMs(timeout: number, isFloat: boolean): number {
  const f = isFloat ? boardFloat(timeout) : Math.fround(timeout);
  const whole = Math.trunc(f);
  if (!(whole >= 0 && whole <= 100)) throw new HalError('ValueError', 'timeout must be 0-100');
  return Math.trunc(Math.fround(f * 1000)) >>> 0;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** A value as a Python float object holds it on the SAMD21 builds: float32, low two mantissa bits cleared. */
function boardFloat(v: number): number {
  f32[0] = v;
  u32[0] = u32[0]! & ~3;
  return f32[0]!;
}

interface UartState {
  sercom: number;
  pins: string[];
  hasTx: boolean;
  hasRx: boolean;
  baudrate: number;
  timeoutMs: number;
  ring: Uint8Array;
  head: number;
  count: number;
}

/** Where the pad search put the pins: the SERCOM, TX and RX pads, and each pin's PMUX function. */
interface Choice {
  n: number;
  txPad: number;
  rxPad: number;
  txFn: string | null;
  rxFn: string | null;
  rtsFn: string;
  ctsFn: string;
}

/** Something that lets simulated time pass (paced in real-time mode); false when a Ctrl-C arrived. */
export interface HostedWaits {
  wait(seconds: number): boolean;
}

export class Samd21Uart {
  private readonly uarts = new Map<number, UartState>();
  private nextId = 1;

  constructor(
    private readonly hal: Samd21Hal,
    private readonly nvic: HostedNvic,
    private readonly waits: HostedWaits,
  ) {}

  private state(id: number): UartState {
    const u = this.uarts.get(id);
    if (!u) throw new HalError('ValueError', 'Object has been deinitialized and can no longer be used. Create a new object.');
    return u;
  }

  private sync(base: number): void {
    const h = this.hal;
    h.waitFor(() => (h.r32(base + R.SYNCBUSY) & (SERCOM_SYNCBUSY.SWRST | SERCOM_SYNCBUSY.ENABLE | SERCOM_SYNCBUSY.CTRLB)) === 0, 'SERCOM USART SYNCBUSY');
  }

  /**
   * The pad search of common_hal_busio_uart_construct (SAMD21). A pin's SERCOM options are two slots,
   * function C (SERCOM) and D (SERCOM-ALT); a missing one is NO_SERCOM (index 0x3f, pad 0). TX goes on
   * PAD0 or PAD2 of a SERCOM not enabled; RTS must be PAD2 (TX then not on PAD2) and CTS PAD3 (RX then
   * not on PAD3) in the same slot as TX, whatever SERCOM that slot of theirs names (as the port checks
   * only the pad), and take that slot's function (CTS: the RX slot's). RX is another pad of the same
   * SERCOM, or of any free SERCOM when there is no TX (then RTS/CTS are not checked at all).
   */
  private choose(c: Pick<UartConfig, 'tx' | 'rx' | 'rts' | 'cts'>): Choice | null {
    const h = this.hal;
    const variant = h.mcu.variant;
    const enabled = (n: number) => (h.r32(SERCOM_BASE + 0x400 * n + R.CTRLA) & SERCOM_CTRLA.ENABLE) !== 0;
    const slots = (pin: string | null): (SercomPadLocation | undefined)[] => {
      const on = pin ? sercomPadsOn(pin, variant) : [];
      return [on.find((l) => l[2] === 'C'), on.find((l) => l[2] === 'D')];
    };
    const padIn = (l: SercomPadLocation | undefined): number => l?.[1] ?? 0;
    const [txSlots, rxSlots, rtsSlots, ctsSlots] = [slots(c.tx), slots(c.rx), slots(c.rts), slots(c.cts)];
    const fn = (slot: number): 'C' | 'D' => (slot === 0 ? 'C' : 'D');
    for (let i = 0; i < 2; i++) {
      let n = -1;
      let txPad = 255;
      if (c.tx) {
        const t = txSlots[i];
        if (!t || enabled(t[0]) || (t[1] !== 0 && t[1] !== 2)) continue;
        if (c.rts && (padIn(rtsSlots[i]) !== 2 || t[1] === 2)) continue;
        if (c.cts && (padIn(ctsSlots[i]) !== 3 || (c.rx && padIn(rxSlots[i]) === 3))) continue;
        [n, txPad] = t;
        if (!c.rx) return { n, txPad, rxPad: 0, txFn: fn(i), rxFn: null, rtsFn: fn(i), ctsFn: 'A' };
      }
      for (let j = 0; j < 2; j++) {
        const r = rxSlots[j];
        if (r && ((!c.tx && !enabled(r[0])) || r[0] === n) && r[1] !== txPad) {
          return { n: r[0], txPad, rxPad: r[1], txFn: c.tx ? fn(i) : null, rxFn: fn(j), rtsFn: c.tx ? fn(i) : 'A', ctsFn: fn(j) };
        }
      }
    }
    return null;
  }

  construct(c: UartConfig): number {
    const h = this.hal;
    if (c.bits > 8) throw new HalError('ValueError', 'bits must be <= 8');
    if (c.rx && c.bufferSize > 0 && (c.bufferSize & (c.bufferSize - 1)) !== 0) throw new HalError('ValueError', 'receiver_buffer_size must be power of 2');
    const found = this.choose(c);
    if (!found) throw new HalError('ValueError', 'Invalid pins');
    const n = found.n;
    const base = SERCOM_BASE + 0x400 * n;
    h.apbc(2 + n);
    h.clockChannel(GCLK_ID.SERCOM0_CORE + n);
    h.w16(0x40000c00 + 0x02, GCLK_ID.SERCOMX_SLOW | (3 << 8) | (1 << 14));
    // usart_async_init: reset, then the prototype SERCOM (internal clock, 16x arithmetic, LSB first).
    h.w32(base + R.CTRLA, SERCOM_CTRLA.SWRST);
    this.sync(base);
    h.w32(base + R.CTRLA, (SERCOM_MODE.USART_INT_CLK << SERCOM_CTRLA.MODE_Pos) | A.DORD);
    this.sync(base);
    // TXPO 0 (TX on PAD0), 1 (PAD2), 2 (PAD0 with RTS on PAD2 and CTS on PAD3); RXPO = the RX pad; FORM 1 with parity.
    const txpo = found.txPad === 2 ? 1 : c.rts || c.cts ? 2 : 0;
    const rxpo = c.rx ? found.rxPad : 0;
    let ctrla = h.r32(base + R.CTRLA) & ~(A.TXPO_Msk | A.RXPO_Msk | A.FORM_Msk);
    ctrla |= (txpo << A.TXPO_Pos) | (rxpo << A.RXPO_Pos) | (c.parity === 'none' ? 0 : 1 << A.FORM_Pos);
    h.w32(base + R.CTRLA, ctrla);
    let ctrlb = h.r32(base + R.CTRLB) & ~(B.TXEN | B.RXEN | B.PMODE | B.SBMODE | B.CHSIZE_Msk);
    ctrlb |= (c.tx ? B.TXEN : 0) | (c.rx ? B.RXEN : 0) | (c.parity === 'odd' ? B.PMODE : 0) | (c.stop > 1 ? B.SBMODE : 0) | (c.bits % 8);
    h.w32(base + R.CTRLB, ctrlb);
    this.sync(base);
    h.w16(base + R.BAUD, usartBaudRegister(c.baudrate));
    const id = this.nextId++;
    const state: UartState = {
      sercom: n,
      pins: [],
      hasTx: !!c.tx,
      hasRx: !!c.rx,
      baudrate: c.baudrate,
      timeoutMs: c.timeoutMs >>> 0,
      ring: new Uint8Array(c.rx ? Math.max(1, c.bufferSize) : 1),
      head: 0,
      count: 0,
    };
    // usart_async_register_callback(RXC): the receive interrupt on.
    if (c.rx) {
      this.nvic.setHandler(IRQ.SERCOM0 + n, () => this.isr(state, base));
      h.w8(base + R.INTENSET, INT.RXC | INT.ERROR);
    }
    if (c.tx) this.pin(state, c.tx, c.names[0]!, found.txFn!, true);
    if (c.rx) this.pin(state, c.rx, c.names[1]!, found.rxFn!, false);
    if (c.rts) this.pin(state, c.rts, c.names[2]!, found.rtsFn, true);
    if (c.cts) this.pin(state, c.cts, c.names[3]!, found.ctsFn, false);
    // usart_async_enable
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) | SERCOM_CTRLA.ENABLE);
    this.sync(base);
    this.uarts.set(id, state);
    return id;
  }

  private pin(state: UartState, pad: string, name: string, fn: string, output: boolean): void {
    const h = this.hal;
    h.claim(pad, name);
    h.resetPin(pad);
    if (output) h.w32(Samd21Hal.group(pad) + 0x08, 1 << Samd21Hal.bit(pad)); // DIRSET
    h.pmux(pad, fn);
    state.pins.push(pad);
  }

  /** The SERCOM handler (ASF4 _sercom_usart_interrupt_handler): a received character into the ring. */
  private isr(state: UartState, base: number): void {
    const h = this.hal;
    const flags = h.r8(base + R.INTFLAG);
    if (flags & INT.ERROR) {
      h.w8(base + R.INTFLAG, INT.ERROR);
      h.w16(base + R.STATUS, 0xff); // clear the error bits
    }
    if (flags & INT.RXC) {
      const byte = h.r32(base + R.DATA) & 0xff;
      const size = state.ring.length;
      state.ring[(state.head + state.count) % size] = byte;
      if (state.count < size) state.count++;
      else state.head = (state.head + 1) % size;
    }
  }

  /**
   * common_hal_busio_uart_read: takes what the ring holds; waits up to `timeout` for the first character
   * and between characters. Returns the bytes (empty: timed out, Python's None).
   */
  read(id: number, n: number): number[] {
    const u = this.state(id);
    if (!u.hasRx) throw new HalError('ValueError', 'No rx pin');
    const out: number[] = [];
    if (n === 0) return out;
    let waited = 0;
    for (;;) {
      const before = out.length;
      while (u.count > 0 && out.length < n) {
        out.push(u.ring[u.head]!);
        u.head = (u.head + 1) % u.ring.length;
        u.count--;
      }
      if (out.length === n) break;
      if (out.length > before) waited = 0;
      if (u.timeoutMs === 0 || waited * 1000 > u.timeoutMs) break;
      if (!this.waits.wait(READ_POLL_SECONDS)) break;
      waited += READ_POLL_SECONDS;
    }
    return out;
  }

  /** common_hal_busio_uart_write: each byte into DATA when DRE is set. */
  write(id: number, bytes: ArrayLike<number>): number {
    const u = this.state(id);
    if (!u.hasTx) throw new HalError('ValueError', 'No tx pin');
    const h = this.hal;
    const base = SERCOM_BASE + 0x400 * u.sercom;
    for (let i = 0; i < bytes.length; i++) {
      h.waitFor(() => (h.r8(base + R.INTFLAG) & INT.DRE) !== 0, 'SERCOM USART INTFLAG.DRE', 1);
      h.w32(base + R.DATA, bytes[i]! & 0xff);
    }
    return bytes.length;
  }

  inWaiting(id: number): number {
    return this.state(id).count;
  }

  resetInputBuffer(id: number): void {
    const u = this.state(id);
    u.head = 0;
    u.count = 0;
  }

  /** common_hal_busio_uart_set_baudrate: BAUD recomputed (enable-protected: disable around it). */
  setBaudrate(id: number, baudrate: number): void {
    const u = this.state(id);
    const h = this.hal;
    const base = SERCOM_BASE + 0x400 * u.sercom;
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) & ~SERCOM_CTRLA.ENABLE);
    this.sync(base);
    h.w16(base + R.BAUD, usartBaudRegister(baudrate));
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) | SERCOM_CTRLA.ENABLE);
    this.sync(base);
    u.baudrate = baudrate;
  }

  baudrate(id: number): number {
    return this.state(id).baudrate;
  }

  /** `ms` as uartTimeoutMs gave it (a uint32; it may cross from Python as a negative int32). */
  setTimeoutMs(id: number, ms: number): void {
    this.state(id).timeoutMs = ms >>> 0;
  }

  /** common_hal_busio_uart_get_timeout: timeout_ms / 1000, in seconds. */
  timeoutSeconds(id: number): number {
    return this.state(id).timeoutMs / 1000;
  }

  deinit(id: number): void {
    const u = this.uarts.get(id);
    if (!u) return;
    const h = this.hal;
    const base = SERCOM_BASE + 0x400 * u.sercom;
    this.nvic.setHandler(IRQ.SERCOM0 + u.sercom, null);
    h.w32(base + R.CTRLA, h.r32(base + R.CTRLA) & ~SERCOM_CTRLA.ENABLE);
    this.sync(base);
    h.w32(base + R.CTRLA, SERCOM_CTRLA.SWRST);
    this.sync(base);
    for (const pad of u.pins) h.release(pad);
    this.uarts.delete(id);
  }

  resetAll(): void {
    for (const id of [...this.uarts.keys()]) this.deinit(id);
  }
}
