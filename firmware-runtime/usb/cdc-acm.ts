/**
 * CDC-ACM (USB CDC 1.2 and PSTN 1.2, "Abstract Control Model"): the host side of a USB serial
 * port, the CircuitPython console.
 *
 * `CdcAcmFunction` is one ACM function of one enumeration: its communication interface (class
 * requests SET_LINE_CODING 0x20, GET_LINE_CODING 0x21, SET_CONTROL_LINE_STATE 0x22, SEND_BREAK
 * 0x23; PSTN 6.3) and its data interface (a bulk IN pipe polled continuously, as an open tty
 * does, and a bulk OUT pipe fed from a write queue).
 *
 * `UsbSerial` is the long-lived console stream a CLI or UI holds: it survives disconnects and
 * re-enumerations (a chip reset) and binds to the first ACM function each time the device is
 * configured. Bytes written while no device is bound are queued (up to `maxQueued`) and sent
 * once one is, like keys typed into a terminal that is waiting for its port.
 */
import { HostStream } from '../../emulator/kernel/machine.js';
import type { InterfaceDescriptor } from './descriptors.js';
import { UsbTransferError } from './errors.js';
import type { HostCoroutine, Pipe, UsbHost } from './host.js';
import { asError } from './host.js';

export interface LineCoding {
  /** dwDTERate, bits per second. */
  baudRate: number;
  /** bCharFormat: 0 = 1 stop bit, 1 = 1.5, 2 = 2. */
  stopBits: 0 | 1 | 2;
  /** bParityType: 0 none, 1 odd, 2 even, 3 mark, 4 space. */
  parity: 0 | 1 | 2 | 3 | 4;
  /** bDataBits: 5, 6, 7, 8 or 16. */
  dataBits: 5 | 6 | 7 | 8 | 16;
}

export const CDC_REQUEST = {
  SEND_ENCAPSULATED_COMMAND: 0x00,
  GET_ENCAPSULATED_RESPONSE: 0x01,
  SET_LINE_CODING: 0x20,
  GET_LINE_CODING: 0x21,
  SET_CONTROL_LINE_STATE: 0x22,
  SEND_BREAK: 0x23,
} as const;

/** 115200 8N1. */
export const DEFAULT_LINE_CODING: LineCoding = { baudRate: 115200, stopBits: 0, parity: 0, dataBits: 8 };

export function encodeLineCoding(c: LineCoding): Uint8Array {
  const b = new Uint8Array(7);
  new DataView(b.buffer).setUint32(0, c.baudRate >>> 0, true);
  b[4] = c.stopBits;
  b[5] = c.parity;
  b[6] = c.dataBits;
  return b;
}

export function decodeLineCoding(b: Uint8Array): LineCoding {
  if (b.length < 7) throw new UsbTransferError('protocol', `GET_LINE_CODING returned ${b.length} byte(s), expected 7`);
  return {
    baudRate: new DataView(b.buffer, b.byteOffset, 7).getUint32(0, true),
    stopBits: b[4] as LineCoding['stopBits'],
    parity: b[5] as LineCoding['parity'],
    dataBits: b[6] as LineCoding['dataBits'],
  };
}

/** Bytes per bulk OUT transfer from the write queue. */
const WRITE_CHUNK = 512;

export class CdcAcmFunction {
  readonly kind = 'cdc-acm';
  lineCoding: LineCoding = { ...DEFAULT_LINE_CODING };
  dtr = false;
  rts = false;
  /** True between start() and detach() (the device is configured and this function is usable). */
  active = false;
  /** Bytes received since configuration. */
  bytesReceived = 0;
  bytesSent = 0;
  private readonly dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private writeQueue: Uint8Array[] = [];
  private writing = false;
  private readonly drainWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(
    readonly host: UsbHost,
    readonly control: InterfaceDescriptor,
    readonly data: InterfaceDescriptor,
    readonly dataIn: Pipe,
    readonly dataOut: Pipe,
    readonly notification: Pipe | null,
  ) {}

  /** Called once the device is configured: line coding, control lines, then the reader. */
  start(): void {
    this.active = true;
    const host = this.host;
    host.spawn(this.setup(), (error) => {
      if (error && !isDisconnect(error)) host.reportError(`CDC-ACM (interface ${this.control.bInterfaceNumber}): ${error.message}`, error);
    });
  }

  private *setup(): HostCoroutine<void> {
    try {
      yield* this.setLineCodingOp(this.lineCoding);
    } catch (e) {
      // Many devices accept but some STALL line coding; the port still works (Linux logs it).
      if (isDisconnect(e)) throw e;
      this.host.reportWarning(`CDC-ACM interface ${this.control.bInterfaceNumber}: SET_LINE_CODING failed: ${asError(e).message}`);
    }
    if (this.host.options.cdcDtr) yield* this.setControlLineStateOp(true, true);
    this.host.spawn(this.reader(), (error) => {
      if (error && !isDisconnect(error)) this.host.reportError(`CDC-ACM reader: ${error.message}`, error);
    });
    if (this.writeQueue.length) this.kickWriter();
  }

  /** Device-to-host data listener (called inside scheduler events, in emulated time order). */
  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.dataListeners.push(listener);
    return () => {
      const i = this.dataListeners.indexOf(listener);
      if (i >= 0) this.dataListeners.splice(i, 1);
    };
  }

  /** Queues bytes for the device (bulk OUT). */
  write(bytes: Uint8Array | string): void {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes.slice();
    if (b.length === 0) return;
    this.writeQueue.push(b);
    if (this.active) this.kickWriter();
  }

  /** Bytes waiting to be sent. */
  get pendingWrite(): number {
    let n = 0;
    for (const c of this.writeQueue) n += c.length;
    return n;
  }

  /** Resolves when everything written so far has been accepted by the device. */
  drain(): Promise<void> {
    if (!this.writing && this.writeQueue.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  setLineCoding(coding: LineCoding): Promise<void> {
    return this.host.run(this.setLineCodingOp(coding));
  }

  getLineCoding(): Promise<LineCoding> {
    const self = this;
    return this.host.run(
      (function* (): HostCoroutine<LineCoding> {
        const b = yield* self.host.controlIn(0xa1, CDC_REQUEST.GET_LINE_CODING, 0, self.control.bInterfaceNumber, 7);
        return decodeLineCoding(b);
      })(),
    );
  }

  /** SET_CONTROL_LINE_STATE: DTR (bit 0) and RTS (bit 1); CircuitPython prints only with DTR. */
  setControlLineState(dtr: boolean, rts: boolean): Promise<void> {
    return this.host.run(this.setControlLineStateOp(dtr, rts));
  }

  sendBreak(milliseconds: number): Promise<void> {
    return this.host.run(this.host.controlOut(0x21, CDC_REQUEST.SEND_BREAK, milliseconds & 0xffff, this.control.bInterfaceNumber));
  }

  *setLineCodingOp(coding: LineCoding): HostCoroutine<void> {
    yield* this.host.controlOut(0x21, CDC_REQUEST.SET_LINE_CODING, 0, this.control.bInterfaceNumber, encodeLineCoding(coding));
    this.lineCoding = { ...coding };
  }

  *setControlLineStateOp(dtr: boolean, rts: boolean): HostCoroutine<void> {
    yield* this.host.controlOut(0x21, CDC_REQUEST.SET_CONTROL_LINE_STATE, (dtr ? 1 : 0) | (rts ? 2 : 0), this.control.bInterfaceNumber);
    this.dtr = dtr;
    this.rts = rts;
  }

  /** Polls the bulk IN endpoint for as long as the device is configured. */
  private *reader(): HostCoroutine<void> {
    const host = this.host;
    const pipe = this.dataIn;
    let failures = 0;
    for (;;) {
      let bytes: Uint8Array;
      try {
        bytes = yield* host.transferIn(pipe, pipe.maxPacket, Infinity);
        failures = 0;
      } catch (e) {
        if (isDisconnect(e)) throw e;
        const error = asError(e);
        host.reportError(`CDC-ACM data IN ${hexAddress(pipe)}: ${error.message}`, error);
        if (++failures >= 5) throw new UsbTransferError('protocol', `stopped reading after ${failures} consecutive errors`);
        if (error instanceof UsbTransferError && error.kind === 'stall') yield* host.clearHalt(pipe);
        else yield* host.delay(10);
        continue;
      }
      if (bytes.length === 0) continue;
      this.bytesReceived += bytes.length;
      for (const l of this.dataListeners.slice()) {
        try {
          l(bytes);
        } catch (e) {
          host.reportError(`CDC-ACM data listener threw: ${asError(e).message}`, asError(e));
        }
      }
    }
  }

  private kickWriter(): void {
    if (this.writing) return;
    this.writing = true;
    this.host.spawn(this.writer(), (error) => {
      this.writing = false;
      if (error) {
        const waiters = this.drainWaiters.splice(0);
        for (const w of waiters) w.reject(error);
        if (!isDisconnect(error)) this.host.reportError(`CDC-ACM write: ${error.message}`, error);
        return;
      }
      if (this.writeQueue.length && this.active) this.kickWriter();
      else for (const w of this.drainWaiters.splice(0)) w.resolve();
    });
  }

  private *writer(): HostCoroutine<void> {
    while (this.writeQueue.length) {
      const chunk = takeBytes(this.writeQueue, WRITE_CHUNK);
      try {
        yield* this.host.transferOut(this.dataOut, chunk, Infinity);
      } catch (e) {
        if (e instanceof UsbTransferError && e.kind === 'stall') {
          this.host.reportError(`CDC-ACM data OUT ${hexAddress(this.dataOut)} stalled; ${chunk.length} byte(s) dropped`);
          yield* this.host.clearHalt(this.dataOut);
          continue;
        }
        throw e;
      }
      this.bytesSent += chunk.length;
    }
  }

  /** The device went away: pending writes are dropped. */
  detach(): void {
    this.active = false;
    this.writeQueue = [];
    const waiters = this.drainWaiters.splice(0);
    for (const w of waiters) w.reject(new UsbTransferError('disconnected', 'the device was disconnected'));
  }

  /** Takes the queued, unsent bytes (UsbSerial keeps them across re-enumeration). */
  takeQueued(): Uint8Array[] {
    const q = this.writeQueue;
    this.writeQueue = [];
    return q;
  }
}

/** Removes up to `max` bytes from the front of a queue of chunks. */
function takeBytes(queue: Uint8Array[], max: number): Uint8Array {
  let n = 0;
  for (const c of queue) {
    n += c.length;
    if (n >= max) break;
  }
  const out = new Uint8Array(Math.min(n, max));
  let o = 0;
  while (o < out.length) {
    const c = queue[0];
    const take = Math.min(c.length, out.length - o);
    out.set(c.subarray(0, take), o);
    o += take;
    if (take === c.length) queue.shift();
    else queue[0] = c.subarray(take);
  }
  return out;
}

function hexAddress(pipe: Pipe): string {
  return `0x${pipe.address.toString(16).padStart(2, '0')}`;
}

export function isDisconnect(e: unknown): boolean {
  return e instanceof UsbTransferError && e.kind === 'disconnected';
}

/**
 * The console as a CLI or UI sees it: one byte stream in each direction that outlives
 * enumerations. Device output is appended to `output` (a HostStream: `text()`, `bytes()`,
 * `onData`).
 */
export class UsbSerial {
  readonly output = new HostStream();
  /** Largest number of bytes kept while no device is bound; older bytes are dropped. */
  maxQueued = 1 << 20;
  private fn: CdcAcmFunction | null = null;
  private unsubscribe: (() => void) | null = null;
  private queued: Uint8Array[] = [];
  private queuedBytes = 0;
  private readonly connectListeners: ((connected: boolean) => void)[] = [];

  /** True while a configured CDC-ACM function is bound. */
  get connected(): boolean {
    return this.fn !== null;
  }

  get function(): CdcAcmFunction | null {
    return this.fn;
  }

  /** Device-to-host bytes. */
  onData(listener: (bytes: Uint8Array) => void): void {
    this.output.onData(listener);
  }

  /** Called with true when a device's console appears, false when it goes away. */
  onConnect(listener: (connected: boolean) => void): void {
    this.connectListeners.push(listener);
  }

  /** Everything received so far, decoded as UTF-8. */
  text(): string {
    return this.output.text();
  }

  /** Host-to-device bytes (keys typed into the console). */
  write(bytes: Uint8Array | string): void {
    const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes.slice();
    if (this.fn) {
      this.fn.write(b);
      return;
    }
    this.queued.push(b);
    this.queuedBytes += b.length;
    while (this.queuedBytes > this.maxQueued && this.queued.length > 1) this.queuedBytes -= this.queued.shift()!.length;
  }

  /** Resolves once the bound device has accepted everything written. */
  drain(): Promise<void> {
    return this.fn ? this.fn.drain() : Promise.resolve();
  }

  bind(fn: CdcAcmFunction): void {
    this.unbind();
    this.fn = fn;
    this.unsubscribe = fn.onData((bytes) => this.output.write(bytes));
    const q = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    for (const b of q) fn.write(b);
    for (const l of this.connectListeners.slice()) l(true);
  }

  unbind(): void {
    if (!this.fn) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.fn = null;
    for (const l of this.connectListeners.slice()) l(false);
  }
}
