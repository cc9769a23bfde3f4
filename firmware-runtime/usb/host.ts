/**
 * UsbHost: an emulated USB 2.0 full-speed host with one root port, driven by the machine's
 * scheduler.
 *
 * Time: the host keeps a 1 ms frame clock on the scheduler (a start-of-frame token to the
 * device each frame while the port is enabled) and spaces transactions inside a frame by their
 * bus time at 12 Mbit/s. A NAKed transaction is retried after `nakRetryMicros`. Nothing depends
 * on wall-clock time, so runs are deterministic.
 *
 * Life cycle (USB 2.0 9.1.2 and 7.1.7): the host samples `port.attached` every frame; on a
 * connect it waits `attachDebounceFrames`, resets the bus, waits `resetRecoveryFrames`, then
 * enumerates: GET_DESCRIPTOR(device, 64) at address 0, SET_ADDRESS, GET_DESCRIPTOR(device),
 * GET_DESCRIPTOR(configuration) twice (header, then wTotalLength), the language list and the
 * manufacturer/product/serial strings, SET_CONFIGURATION. It then binds a function driver to
 * each recognised function: CDC-ACM (`console` and `cdc`), mass storage (`msc`), HID (`hid`),
 * MIDI (`midi`). A failed enumeration is retried after a new bus reset (up to
 * `enumerationAttempts`), except for malformed descriptors, which no retry can fix. A disconnect
 * (or a device that detaches itself, such as a chip reset) aborts everything pending with a
 * 'disconnected' error and the host starts over on the next connect.
 *
 * Internals are callback driven so that they progress inside scheduler events (a Promise's
 * continuation would only run after the machine's synchronous run loop returns). Sequential
 * logic such as enumeration is written as generator coroutines (`HostTask`): each `yield` hands
 * the host one operation (a control transfer, a bulk transfer, a delay) and resumes with its
 * result, or with its error thrown at the `yield`. Public APIs of the function drivers return
 * Promises that settle when the operation completes on the emulated timeline.
 *
 * Errors: anything the device does wrong (malformed descriptors, protocol violations, no
 * answer, a transfer that never completes) is reported through `onEvent` ('error' events, also
 * kept in `errors`) and by rejecting the operation concerned; the host never throws out of a
 * scheduler event and never waits forever.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import { transactionBitTimes, USB_FULL_SPEED_BIT_RATE, type UsbDevicePort } from '../../peripherals/usb-port.js';
import {
  configurationTotalLength,
  DescriptorType,
  ENDPOINT_HALT,
  parseConfiguration,
  parseDeviceDescriptor,
  parseLanguageIds,
  parseStringDescriptor,
  Request,
  setupPacket,
  UsbDescriptorError,
  type ConfigurationDescriptor,
  type DeviceDescriptor,
  type EndpointDescriptor,
  type EndpointType,
} from './descriptors.js';
import { UsbTransferError } from './errors.js';
import { bindFunctions, type BoundFunctions } from './functions.js';
import { UsbSerial } from './cdc-acm.js';
import type { CdcAcmFunction } from './cdc-acm.js';
import type { MscFunction } from './msc.js';
import type { HidFunction } from './hid.js';
import type { MidiFunction } from './midi.js';

export interface UsbHostOptions {
  /** Address given with SET_ADDRESS (1..127). Default 1. */
  address?: number;
  /** Frames between seeing the pull-up and the bus reset (TATTDB, USB 2.0 7.1.7.3: >= 100 ms). Default 100. */
  attachDebounceFrames?: number;
  /** Frames the bus reset lasts (SE0; TDRSTR, 7.1.7.5: >= 50 ms from a root port). Default 50. */
  resetFrames?: number;
  /** Frames after the reset before the first request (TRSTRCY, 10 ms). Default 10. */
  resetRecoveryFrames?: number;
  /** Frames after SET_ADDRESS before the next request (TSETADDR, 2 ms). Default 2. */
  setAddressRecoveryFrames?: number;
  /** Delay before retrying a NAKed transaction, in microseconds. Default 50. */
  nakRetryMicros?: number;
  /** Polling interval of the CDC data IN endpoint while it NAKs, in microseconds. Default 250. */
  cdcPollMicros?: number;
  /** Time limit of a control transfer in frames (USB 2.0 9.2.6.4 allows 5 s). Default 1000. */
  controlTimeoutFrames?: number;
  /** Time limit of a mass-storage command in frames. Default 10000. */
  mscTimeoutFrames?: number;
  /** Consecutive transactions without any handshake before a transfer fails. Default 3. */
  maxNoResponse?: number;
  /**
   * Whole enumerations tried (each after a bus reset) before giving up. Default 6. A failed
   * attempt is followed by a pause of `retryBackoffFrames`, doubled after every attempt, so a
   * device that is busy for a while (firmware that serves USB from its main loop) gets seconds,
   * not milliseconds, to answer.
   */
  enumerationAttempts?: number;
  /** Pause after the first failed enumeration attempt, in frames (doubles each time). Default 100. */
  retryBackoffFrames?: number;
  /** Assert DTR and RTS on CDC-ACM functions once configured (a terminal opening the port). Default true. */
  cdcDtr?: boolean;
  /** Start the frame clock at construction. Default true. */
  start?: boolean;
}

export type UsbHostState = 'detached' | 'attached' | 'enumerating' | 'configured' | 'failed';

export interface EnumeratedDevice {
  address: number;
  speed: 'full' | 'low';
  device: DeviceDescriptor;
  configuration: ConfigurationDescriptor;
  /** The configuration exactly as the device sent it. */
  rawConfiguration: Uint8Array;
  languages: number[];
  manufacturer: string | null;
  product: string | null;
  serialNumber: string | null;
}

export type UsbHostEvent =
  | { type: 'attach'; cycle: number }
  | { type: 'detach'; cycle: number }
  | { type: 'reset'; cycle: number }
  | { type: 'configured'; cycle: number; device: EnumeratedDevice }
  | { type: 'error'; cycle: number; message: string; error: Error }
  | { type: 'warning'; cycle: number; message: string };

// ------------------------------------------------------------------ coroutine operations

export type HostOp =
  | { op: 'control'; setup: Uint8Array; data: Uint8Array | null; timeoutFrames: number }
  | { op: 'in'; pipe: Pipe; length: number; timeoutFrames: number }
  | { op: 'out'; pipe: Pipe; data: Uint8Array; zlp: boolean; timeoutFrames: number }
  | { op: 'delay'; frames: number };

/** A host coroutine: yields operations, is resumed with their results. */
export type HostCoroutine<T> = Generator<HostOp, T, unknown>;

/** One endpoint of the configured device as the host sees it. */
export class Pipe {
  /** Next data PID the host sends (OUT) or expects (IN). */
  toggle: 0 | 1 = 0;
  readonly queue: Transfer[] = [];
  /** Cycle before which the pipe is not retried (after a NAK or no response). */
  readyAt = 0;
  /** Set when the device STALLed a bulk/interrupt transfer; cleared by clearHalt. */
  halted = false;

  /** Direction: true = IN (device to host). */
  readonly in: boolean;

  constructor(
    readonly endpoint: number,
    directionIn: boolean,
    readonly type: EndpointType,
    public maxPacket: number,
    /** Cycles to wait after a NAK. */
    public nakRetryCycles: number,
  ) {
    this.in = directionIn;
  }

  get address(): number {
    return this.endpoint | (this.in ? 0x80 : 0);
  }
}

const enum Stage {
  Setup,
  DataIn,
  DataOut,
  StatusIn,
  StatusOut,
}

/** A transfer in progress on a pipe. */
export class Transfer {
  stage: Stage;
  offset = 0;
  noResponse = 0;
  readonly buffer: Uint8Array;
  /** OUT: remaining zero-length packet to send after the data. */
  zlpPending: boolean;

  constructor(
    readonly pipe: Pipe,
    readonly setup: Uint8Array | null,
    /** OUT data, or null for IN. */
    readonly outData: Uint8Array | null,
    /** IN: bytes wanted. */
    readonly length: number,
    zlp: boolean,
    readonly deadline: number,
    /** Time limit in frames (for messages). */
    readonly limitFrames: number,
    readonly callback: (error: Error | null, data: Uint8Array) => void,
  ) {
    if (setup) {
      this.stage = Stage.Setup;
    } else {
      this.stage = pipe.in ? Stage.DataIn : Stage.DataOut;
    }
    this.buffer = outData ?? new Uint8Array(length);
    const outLength = outData ? outData.length : 0;
    this.zlpPending = !setup && !pipe.in && (outLength === 0 || (zlp && outLength % pipe.maxPacket === 0));
  }
}

/** A running coroutine. */
export class HostTask<T> {
  done = false;
  private staleYields = 0;
  constructor(
    private readonly host: UsbHost,
    private readonly gen: HostCoroutine<T>,
    private readonly epoch: number,
    private readonly onDone: (error: Error | null, value: T | undefined) => void,
  ) {}

  /** Resumes the coroutine with an operation's result (never re-entered synchronously). */
  resume(value: unknown, error: Error | null): void {
    for (;;) {
      let r: IteratorResult<HostOp, T>;
      try {
        r = error ? this.gen.throw(error) : this.gen.next(value);
      } catch (e) {
        this.finish(asError(e), undefined);
        return;
      }
      if (r.done) {
        this.finish(null, r.value);
        return;
      }
      if (this.epoch !== this.host.epoch) {
        // The device went away: every further operation fails. A coroutine that keeps catching
        // that is abandoned rather than allowed to spin.
        if (++this.staleYields > 16) {
          this.finish(new UsbTransferError('disconnected', 'the device was disconnected or reset'), undefined);
          return;
        }
        error = new UsbTransferError('disconnected', 'the device was disconnected or reset');
        value = undefined;
        continue;
      }
      this.host.startOp(r.value, this as HostTask<unknown>);
      return;
    }
  }

  private finish(error: Error | null, value: T | undefined): void {
    this.done = true;
    this.onDone(error, value);
  }
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

const hex = (v: number, digits = 2) => `0x${v.toString(16).padStart(digits, '0')}`;

export class UsbHost {
  state: UsbHostState = 'detached';
  /** Incremented on every disconnect/reset: operations of an older epoch are aborted. */
  epoch = 0;
  /** The enumerated device, once configured. */
  device: EnumeratedDevice | null = null;
  /** Every error reported so far (also delivered as 'error' events). */
  readonly errors: string[] = [];
  readonly warnings: string[] = [];
  /** The serial console: the first CDC-ACM function of whatever device is attached. */
  readonly console = new UsbSerial();
  /** Function drivers of the configured device. */
  functions: BoundFunctions = { cdc: [], msc: [], hid: [], midi: [] };
  /** Frame number of the last SOF. */
  frameNumber = 0;
  /** Frames since the host started. */
  frames = 0;

  readonly options: Required<UsbHostOptions>;
  /** Cycles per 1 ms frame and per full-speed bit time, at the CPU clock now (it may change). */
  get frameCycles(): number {
    return Math.round(this.scheduler.frequency / 1000);
  }
  private get bitCycles(): number {
    return this.scheduler.frequency / USB_FULL_SPEED_BIT_RATE;
  }
  private readonly frameEvent: SimEvent;
  private readonly serviceEvent: SimEvent;
  private readonly listeners: ((e: UsbHostEvent) => void)[] = [];
  private sawAttached = false;
  private sawConnectCount = 0;
  private portEnabled = false;
  /** Address the device answers at. */
  private deviceAddress = 0;
  readonly ep0: Pipe;
  private pipes: Pipe[] = [];
  private rr = 0;
  private frameEnd = 0;
  private inService = false;
  private kickPending = false;
  private readonly delays: { frame: number; resume: (error: Error | null) => void }[] = [];
  private running = false;

  constructor(
    readonly scheduler: Scheduler,
    readonly port: UsbDevicePort,
    options: UsbHostOptions = {},
  ) {
    this.options = {
      address: options.address ?? 1,
      attachDebounceFrames: options.attachDebounceFrames ?? 100,
      resetFrames: options.resetFrames ?? 50,
      resetRecoveryFrames: options.resetRecoveryFrames ?? 10,
      setAddressRecoveryFrames: options.setAddressRecoveryFrames ?? 2,
      nakRetryMicros: options.nakRetryMicros ?? 50,
      cdcPollMicros: options.cdcPollMicros ?? 250,
      controlTimeoutFrames: options.controlTimeoutFrames ?? 1000,
      mscTimeoutFrames: options.mscTimeoutFrames ?? 10000,
      maxNoResponse: options.maxNoResponse ?? 3,
      enumerationAttempts: options.enumerationAttempts ?? 6,
      retryBackoffFrames: options.retryBackoffFrames ?? 100,
      cdcDtr: options.cdcDtr ?? true,
      start: options.start ?? true,
    };
    if (this.options.address < 1 || this.options.address > 127) throw new Error(`USB address ${this.options.address} is not in 1..127`);
    this.frameEvent = new SimEvent('usb-host-frame', () => this.frame());
    this.serviceEvent = new SimEvent('usb-host-service', () => this.service());
    this.ep0 = new Pipe(0, false, 'control', 64, this.micros(this.options.nakRetryMicros));
    if (this.options.start) this.start();
  }

  /** Starts the frame clock (sampling the port for a connect). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduler.scheduleIn(this.frameEvent, this.frameCycles);
  }

  /** Stops the frame clock; the device sees no more SOFs (it will suspend). */
  stop(): void {
    this.running = false;
    this.scheduler.cancel(this.frameEvent);
    this.scheduler.cancel(this.serviceEvent);
  }

  onEvent(listener: (e: UsbHostEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** CDC-ACM functions of the configured device (the first is also `console`). */
  get cdc(): CdcAcmFunction[] {
    return this.functions.cdc;
  }
  /** The mass-storage function, if the device has one. */
  get msc(): MscFunction | null {
    return this.functions.msc[0] ?? null;
  }
  get hid(): HidFunction[] {
    return this.functions.hid;
  }
  get midi(): MidiFunction[] {
    return this.functions.midi;
  }

  get configured(): boolean {
    return this.state === 'configured';
  }

  /** Cycles of `us` microseconds. */
  micros(us: number): number {
    return Math.max(1, Math.round((us * this.scheduler.frequency) / 1e6));
  }

  // ================================================================ reporting

  emit(e: UsbHostEvent): void {
    for (const l of this.listeners.slice()) l(e);
  }

  /** Reports a problem with the device. Never throws. */
  reportError(message: string, error: Error = new Error(message)): void {
    this.errors.push(message);
    this.emit({ type: 'error', cycle: this.scheduler.cycles, message, error });
  }

  reportWarning(message: string): void {
    this.warnings.push(message);
    this.emit({ type: 'warning', cycle: this.scheduler.cycles, message });
  }

  // ================================================================ coroutines

  /** Runs a coroutine; `done` receives its result or error (never thrown). */
  spawn<T>(gen: HostCoroutine<T>, done: (error: Error | null, value: T | undefined) => void = () => {}): HostTask<T> {
    const task = new HostTask<T>(this, gen, this.epoch, done);
    task.resume(undefined, null);
    return task;
  }

  /** Runs a coroutine and returns a Promise of its result. */
  run<T>(gen: HostCoroutine<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.spawn(gen, (error, value) => (error ? reject(error) : resolve(value as T)));
    });
  }

  /** Called by HostTask: starts `op` for `task`; completion resumes the task later. */
  startOp(op: HostOp, task: HostTask<unknown>): void {
    const deadline = (frames: number) => (Number.isFinite(frames) ? this.scheduler.cycles + frames * this.frameCycles : Infinity);
    const limit = (op as { timeoutFrames?: number }).timeoutFrames ?? Infinity;
    const resume = (error: Error | null, data: Uint8Array) => task.resume(data, error);
    switch (op.op) {
      case 'delay':
        this.delays.push({ frame: this.frames + Math.max(1, Math.ceil(op.frames)), resume: (error) => task.resume(undefined, error) });
        break;
      case 'control': {
        const wLength = op.setup[6] | (op.setup[7] << 8);
        const dirIn = (op.setup[0] & 0x80) !== 0;
        if (!dirIn && (op.data?.length ?? 0) !== wLength) {
          this.deferError(task, new Error(`control OUT: ${op.data?.length ?? 0} data bytes for wLength ${wLength}`));
          return;
        }
        this.submit(new Transfer(this.ep0, op.setup, dirIn ? null : op.data ?? new Uint8Array(0), dirIn ? wLength : 0, false, deadline(op.timeoutFrames), limit, resume));
        break;
      }
      case 'in':
        this.submit(new Transfer(op.pipe, null, null, op.length, false, deadline(op.timeoutFrames), limit, resume));
        break;
      case 'out':
        this.submit(new Transfer(op.pipe, null, op.data, 0, op.zlp, deadline(op.timeoutFrames), limit, resume));
        break;
    }
  }

  /** Fails an operation asynchronously (a coroutine is never resumed from inside its own yield). */
  private deferError(task: HostTask<unknown>, error: Error): void {
    this.delays.push({ frame: this.frames, resume: () => task.resume(undefined, error) });
  }

  // ---------------------------------------------------------------- operation helpers

  /** Control transfer with an IN data stage (or none, wLength 0); returns the data received. */
  *controlIn(bmRequestType: number, bRequest: number, wValue: number, wIndex: number, wLength: number, timeoutFrames = this.options.controlTimeoutFrames): HostCoroutine<Uint8Array> {
    const r = yield { op: 'control', setup: setupPacket(bmRequestType | 0x80, bRequest, wValue, wIndex, wLength), data: null, timeoutFrames };
    return r as Uint8Array;
  }

  /** Control transfer with an OUT data stage (or none). */
  *controlOut(bmRequestType: number, bRequest: number, wValue: number, wIndex: number, data: Uint8Array | null = null, timeoutFrames = this.options.controlTimeoutFrames): HostCoroutine<void> {
    const d = data ?? new Uint8Array(0);
    yield { op: 'control', setup: setupPacket(bmRequestType & 0x7f, bRequest, wValue, wIndex, d.length), data: d, timeoutFrames };
  }

  /** Bulk/interrupt IN: reads until a short packet or `length` bytes. */
  *transferIn(pipe: Pipe, length: number, timeoutFrames: number): HostCoroutine<Uint8Array> {
    const r = yield { op: 'in', pipe, length, timeoutFrames };
    return r as Uint8Array;
  }

  /** Bulk/interrupt OUT; `zlp` adds a zero-length packet after a multiple of wMaxPacketSize. */
  *transferOut(pipe: Pipe, data: Uint8Array, timeoutFrames: number, zlp = false): HostCoroutine<void> {
    yield { op: 'out', pipe, data, zlp, timeoutFrames };
  }

  *delay(frames: number): HostCoroutine<void> {
    yield { op: 'delay', frames };
  }

  /** CLEAR_FEATURE(ENDPOINT_HALT) and the host side of it (toggle back to DATA0). */
  *clearHalt(pipe: Pipe): HostCoroutine<void> {
    yield* this.controlOut(0x02, Request.CLEAR_FEATURE, ENDPOINT_HALT, pipe.address);
    pipe.toggle = 0;
    pipe.halted = false;
  }

  /** Creates the host-side pipe for an endpoint of the configuration. */
  openPipe(ep: EndpointDescriptor, nakRetryMicros = this.options.nakRetryMicros): Pipe {
    const existing = this.pipes.find((p) => p.endpoint === ep.number && p.in === ep.in);
    if (existing) return existing;
    const pipe = new Pipe(ep.number, ep.in, ep.type, ep.wMaxPacketSize, this.micros(nakRetryMicros));
    this.pipes.push(pipe);
    this.pipeList = null;
    return pipe;
  }

  // ================================================================ frames

  private frame(): void {
    if (!this.running) return;
    const s = this.scheduler;
    this.frames++;
    this.frameEnd = s.cycles + this.frameCycles;
    s.scheduleAt(this.frameEvent, this.frameEnd);

    const attached = this.port.attached;
    const connects = this.port.connectCount;
    if (attached && this.sawAttached && connects !== this.sawConnectCount) {
      // Dropped and restored its pull-up since the last frame (a controller reset).
      this.disconnected('the device detached from the bus');
      this.sawAttached = false;
    }
    this.sawConnectCount = connects;
    if (attached !== this.sawAttached) {
      this.sawAttached = attached;
      if (attached) this.connected();
      else this.disconnected('the device detached from the bus');
    }
    if (this.portEnabled) {
      this.frameNumber = (this.frameNumber + 1) & 0x7ff;
      this.port.startOfFrame(this.frameNumber);
    }
    // Delays and deferred completions due this frame.
    if (this.delays.length) {
      const due = this.delays.filter((d) => d.frame <= this.frames);
      if (due.length) {
        this.delays.splice(0, this.delays.length, ...this.delays.filter((d) => d.frame > this.frames));
        for (const d of due) d.resume(null);
      }
    }
    this.checkTimeouts();
    if (this.portEnabled) this.kick(s.cycles + this.bitTime(0));
  }

  private checkTimeouts(): void {
    const now = this.scheduler.cycles;
    for (const pipe of this.allPipes()) {
      for (let i = 0; i < pipe.queue.length; i++) {
        const t = pipe.queue[i];
        if (now >= t.deadline) {
          const what = t.setup ? `control request ${describeSetup(t.setup)}` : `${pipe.type} ${pipe.in ? 'IN' : 'OUT'} transfer on endpoint ${hex(pipe.address)}`;
          this.fail(t, new UsbTransferError('timeout', `${what} timed out after ${t.limitFrames} ms ${this.describeTimeout(t)}`));
          i--;
        }
      }
    }
  }

  private describeTimeout(t: Transfer): string {
    const stage = ['SETUP', 'IN data', 'OUT data', 'IN status', 'OUT status'][t.stage];
    return `in its ${stage} stage (${t.offset} byte(s) moved; the device kept NAKing)`;
  }

  private pipeList: Pipe[] | null = null;

  /** EP0 and the configured pipes (cached; rebuilt when pipes change). */
  private allPipes(): Pipe[] {
    if (!this.pipeList) this.pipeList = [this.ep0, ...this.pipes];
    return this.pipeList;
  }

  private connected(): void {
    this.state = 'attached';
    this.emit({ type: 'attach', cycle: this.scheduler.cycles });
    const epoch = this.epoch;
    this.spawn(this.enumerate(), (error) => {
      if (!error || epoch !== this.epoch) return;
      if (error instanceof UsbTransferError && error.kind === 'disconnected') return;
      this.state = 'failed';
      this.reportError(`USB enumeration failed: ${error.message}`, error);
    });
  }

  /** Aborts everything (device gone or about to be reset). */
  private disconnected(why: string): void {
    this.abortAll(why);
    this.portEnabled = false;
    this.state = 'detached';
    this.emit({ type: 'detach', cycle: this.scheduler.cycles });
  }

  private abortAll(why: string): void {
    this.epoch++;
    this.unbind();
    const error = new UsbTransferError('disconnected', why);
    for (const pipe of this.allPipes()) {
      const q = pipe.queue.splice(0);
      for (const t of q) t.callback(error, new Uint8Array(0));
    }
    this.pipes = [];
    this.pipeList = null;
    this.ep0.queue.length = 0;
    const delays = this.delays.splice(0);
    for (const d of delays) d.resume(error);
    this.scheduler.cancel(this.serviceEvent);
  }

  private unbind(): void {
    const f = this.functions;
    this.functions = { cdc: [], msc: [], hid: [], midi: [] };
    this.console.unbind();
    for (const fn of [...f.cdc, ...f.msc, ...f.hid, ...f.midi]) fn.detach();
    this.device = null;
  }

  /**
   * USB 2.0 7.1.7.5: drives SE0 on the port for `resetFrames` (no SOFs, no transactions), then
   * ends the reset: the device is in its Default state at address 0 (its end-of-reset event).
   */
  private *busReset(): HostCoroutine<void> {
    this.portEnabled = false;
    this.scheduler.cancel(this.serviceEvent);
    yield* this.delay(this.options.resetFrames);
    this.portEnabled = true;
    this.deviceAddress = 0;
    this.ep0.maxPacket = 64;
    this.ep0.toggle = 0;
    this.port.busReset();
    this.emit({ type: 'reset', cycle: this.scheduler.cycles });
  }

  // ================================================================ enumeration

  private *enumerate(): HostCoroutine<void> {
    const o = this.options;
    yield* this.delay(o.attachDebounceFrames);
    let backoff = o.retryBackoffFrames;
    for (let attempt = 1; ; attempt++) {
      try {
        this.state = 'enumerating';
        yield* this.busReset();
        yield* this.delay(o.resetRecoveryFrames);
        yield* this.enumerateOnce();
        return;
      } catch (e) {
        const error = asError(e);
        if (error instanceof UsbTransferError && error.kind === 'disconnected') throw error;
        if (error instanceof UsbDescriptorError || attempt >= o.enumerationAttempts) throw error;
        // Typically firmware that handles requests outside its interrupt handler (TinyUSB's
        // tud_task) while its main program keeps it busy: it takes its address late, or (worse)
        // after the next reset. Give it time, then start over from a reset.
        this.reportWarning(`USB enumeration attempt ${attempt} failed (${error.message}); resetting and retrying in ${backoff} ms`);
        this.ep0.queue.length = 0;
        yield* this.delay(backoff);
        backoff *= 2;
      }
    }
  }

  private *enumerateOnce(): HostCoroutine<void> {
    const o = this.options;
    // 1. The first 8 bytes (at least) of the device descriptor, at address 0, with a 64-byte
    //    request as Linux and Windows do: a device with bMaxPacketSize0 = 8 ends the data stage
    //    with its first (short) packet.
    const first = yield* this.controlIn(0x80, Request.GET_DESCRIPTOR, DescriptorType.DEVICE << 8, 0, 64);
    if (first.length < 8) throw new UsbDescriptorError(`device descriptor: the device sent only ${first.length} byte(s) of it`);
    if (first[1] !== DescriptorType.DEVICE) throw new UsbDescriptorError(`device descriptor: bDescriptorType ${hex(first[1])}, expected 0x01`);
    const mps0 = first[7];
    if (mps0 !== 8 && mps0 !== 16 && mps0 !== 32 && mps0 !== 64) {
      throw new UsbDescriptorError(`device descriptor: bMaxPacketSize0 ${mps0} is not 8, 16, 32 or 64`);
    }
    this.ep0.maxPacket = mps0;

    // 2. SET_ADDRESS; the new address is used once the status stage is done (9.4.6).
    yield* this.controlOut(0x00, Request.SET_ADDRESS, o.address, 0);
    this.deviceAddress = o.address;
    yield* this.delay(o.setAddressRecoveryFrames);

    // 3. Device descriptor.
    const devBytes = yield* this.controlIn(0x80, Request.GET_DESCRIPTOR, DescriptorType.DEVICE << 8, 0, 18);
    const device = parseDeviceDescriptor(devBytes);
    if (device.bMaxPacketSize0 !== mps0) {
      throw new UsbDescriptorError(`device descriptor: bMaxPacketSize0 changed from ${mps0} to ${device.bMaxPacketSize0}`);
    }

    // 4. Configuration 0: header, then all of it.
    const header = yield* this.controlIn(0x80, Request.GET_DESCRIPTOR, DescriptorType.CONFIGURATION << 8, 0, 9);
    const total = configurationTotalLength(header);
    const raw = yield* this.controlIn(0x80, Request.GET_DESCRIPTOR, DescriptorType.CONFIGURATION << 8, 0, total);
    const configuration = parseConfiguration(raw, this.port.speed);
    for (const w of configuration.warnings) this.reportWarning(`configuration descriptor: ${w}`);

    // 5. Strings (optional: a STALL means "no strings").
    let languages: number[] = [];
    const strings: (string | null)[] = [null, null, null];
    if (device.iManufacturer || device.iProduct || device.iSerialNumber) {
      try {
        languages = parseLanguageIds(yield* this.controlIn(0x80, Request.GET_DESCRIPTOR, DescriptorType.STRING << 8, 0, 255));
      } catch (e) {
        this.stringProblem(e, 'the language list (string 0)');
      }
      const lang = languages[0] ?? 0x0409;
      const indexes = [device.iManufacturer, device.iProduct, device.iSerialNumber];
      for (let i = 0; i < 3; i++) {
        if (!indexes[i]) continue;
        try {
          const bytes = yield* this.controlIn(0x80, Request.GET_DESCRIPTOR, (DescriptorType.STRING << 8) | indexes[i], lang, 255);
          strings[i] = parseStringDescriptor(bytes, indexes[i]);
        } catch (e) {
          this.stringProblem(e, `string ${indexes[i]}`);
        }
      }
    }

    // 6. SET_CONFIGURATION; every data pipe starts at DATA0 (9.4.5).
    yield* this.controlOut(0x00, Request.SET_CONFIGURATION, configuration.bConfigurationValue, 0);
    this.device = {
      address: this.deviceAddress,
      speed: this.port.speed,
      device,
      configuration,
      rawConfiguration: raw,
      languages,
      manufacturer: strings[0],
      product: strings[1],
      serialNumber: strings[2],
    };
    this.pipes = [];
    this.pipeList = null;
    this.state = 'configured';
    this.functions = bindFunctions(this, configuration);
    if (this.functions.cdc[0]) this.console.bind(this.functions.cdc[0]);
    this.emit({ type: 'configured', cycle: this.scheduler.cycles, device: this.device });
    for (const fn of [...this.functions.cdc, ...this.functions.msc, ...this.functions.hid, ...this.functions.midi]) fn.start();
  }

  private stringProblem(e: unknown, what: string): void {
    const error = asError(e);
    if (error instanceof UsbTransferError && (error.kind === 'disconnected' || error.kind === 'timeout' || error.kind === 'no-response')) throw error;
    this.reportWarning(`could not read ${what}: ${error.message}`);
  }

  // ================================================================ transactions

  private submit(t: Transfer): void {
    t.pipe.queue.push(t);
    this.kick(this.scheduler.cycles);
  }

  private kick(at: number): void {
    if (!this.portEnabled) return;
    if (this.inService) {
      this.kickPending = true;
      return;
    }
    const e = this.serviceEvent;
    if (e.scheduled && e.cycle <= at) return;
    this.scheduler.scheduleAt(e, at);
  }

  private bitTime(bytes: number): number {
    return Math.max(1, Math.round(transactionBitTimes(bytes) * this.bitCycles));
  }

  /** Runs one transaction (the next pipe with work, round robin), then schedules itself. */
  private service(): void {
    if (!this.portEnabled) return;
    const now = this.scheduler.cycles;
    if (now >= this.frameEnd) return; // the next frame restarts the service
    const pipes = this.allPipes();
    const n = pipes.length;
    let soonest = Infinity;
    this.inService = true;
    this.kickPending = false;
    let used = -1;
    try {
      for (let k = 0; k < n; k++) {
        const index = (this.rr + k) % n;
        const pipe = pipes[index];
        const t = pipe.queue[0];
        if (!t) continue;
        if (pipe.readyAt > now) {
          soonest = Math.min(soonest, pipe.readyAt);
          continue;
        }
        const r = this.step(t);
        if (r >= 0) {
          this.rr = (index + 1) % n;
          used = r;
          break;
        }
        pipe.readyAt = now + pipe.nakRetryCycles;
        soonest = Math.min(soonest, pipe.readyAt);
      }
    } finally {
      this.inService = false;
    }
    let next: number;
    if (used >= 0) next = now + this.bitTime(used);
    else if (this.kickPending) next = now + this.bitTime(0);
    else next = soonest;
    if (next < this.frameEnd - this.bitTime(64)) this.scheduler.scheduleAt(this.serviceEvent, next);
  }

  /**
   * One transaction of transfer `t`. Returns the data bytes on the bus (>= 0) when the transfer
   * moved on (or failed), -1 for a NAK.
   */
  private step(t: Transfer): number {
    const pipe = t.pipe;
    const port = this.port;
    const address = this.deviceAddress;
    switch (t.stage) {
      case Stage.Setup: {
        const h = port.setup(address, 0, t.setup!);
        if (h === 'NONE') return this.noResponse(t, 'SETUP');
        if (h !== 'ACK') {
          this.fail(t, new UsbTransferError('protocol', `the device answered a SETUP with ${h} (USB 2.0 8.5.3: a device must ACK SETUP)`));
          return 8;
        }
        t.noResponse = 0;
        pipe.toggle = 1;
        const wLength = t.setup![6] | (t.setup![7] << 8);
        const dirIn = (t.setup![0] & 0x80) !== 0;
        t.stage = wLength === 0 ? Stage.StatusIn : dirIn ? Stage.DataIn : Stage.DataOut;
        return 8;
      }
      case Stage.DataIn:
        return this.dataIn(t);
      case Stage.DataOut:
        return this.dataOut(t);
      case Stage.StatusOut: {
        const h = port.out(address, 0, EMPTY, 1);
        if (h === 'NAK') return -1;
        if (h === 'NONE') return this.noResponse(t, 'status OUT');
        if (h === 'STALL') {
          this.fail(t, new UsbTransferError('stall', `the device STALLed the status stage of ${describeSetup(t.setup!)}`));
          return 0;
        }
        this.complete(t);
        return 0;
      }
      case Stage.StatusIn: {
        const r = port.in(address, 0);
        if (r.handshake === 'NAK') return -1;
        if (r.handshake === 'NONE') return this.noResponse(t, 'status IN');
        if (r.handshake === 'STALL') {
          this.fail(t, new UsbTransferError('stall', `the device STALLed ${describeSetup(t.setup!)}`));
          return 0;
        }
        if (r.data.length !== 0) {
          this.fail(t, new UsbTransferError('protocol', `the device sent ${r.data.length} byte(s) in the status stage of ${describeSetup(t.setup!)} (expected a zero-length packet)`));
          return r.data.length;
        }
        if (r.pid !== 1) this.reportWarning(`status stage of ${describeSetup(t.setup!)} used DATA0 (USB 2.0 8.5.3: DATA1)`);
        this.complete(t);
        return 0;
      }
    }
  }

  private dataIn(t: Transfer): number {
    const pipe = t.pipe;
    const r = this.port.in(this.deviceAddress, pipe.endpoint);
    const what = () => (t.setup ? describeSetup(t.setup) : `endpoint ${hex(pipe.address)}`);
    if (r.handshake === 'NAK') return -1;
    if (r.handshake === 'NONE') return this.noResponse(t, `IN on ${what()}`);
    if (r.handshake === 'STALL') {
      if (!t.setup) pipe.halted = true;
      this.fail(t, new UsbTransferError('stall', `the device STALLed ${what()}`));
      return 0;
    }
    t.noResponse = 0;
    const n = r.data.length;
    if (n > pipe.maxPacket) {
      this.fail(t, new UsbTransferError('babble', `the device sent a ${n}-byte packet on ${what()} (wMaxPacketSize ${pipe.maxPacket})`));
      return n;
    }
    if (r.pid !== pipe.toggle) {
      // USB 2.0 8.6.4: a repeated packet (the device missed our ACK) is acknowledged and dropped.
      this.reportWarning(`data toggle mismatch on ${what()} (got DATA${r.pid}, expected DATA${pipe.toggle}); packet dropped`);
      return n;
    }
    pipe.toggle ^= 1;
    if (n > t.length - t.offset) {
      this.fail(t, new UsbTransferError('babble', `the device sent ${t.offset + n} byte(s) on ${what()} where ${t.length} were asked for`));
      return n;
    }
    t.buffer.set(r.data, t.offset);
    t.offset += n;
    if (n < pipe.maxPacket || t.offset >= t.length) {
      if (t.setup) {
        t.stage = Stage.StatusOut;
        pipe.toggle = 1;
      } else {
        this.complete(t);
      }
    }
    return n;
  }

  private dataOut(t: Transfer): number {
    const pipe = t.pipe;
    const data = t.buffer;
    const remaining = data.length - t.offset;
    if (remaining <= 0 && !t.zlpPending) {
      this.finishOut(t);
      return 0;
    }
    const n = Math.min(pipe.maxPacket, Math.max(0, remaining));
    const chunk = data.subarray(t.offset, t.offset + n);
    const h = this.port.out(this.deviceAddress, pipe.endpoint, chunk, pipe.toggle);
    const what = () => (t.setup ? describeSetup(t.setup) : `endpoint ${hex(pipe.address)}`);
    if (h === 'NAK') return -1;
    if (h === 'NONE') return this.noResponse(t, `OUT on ${what()}`);
    if (h === 'STALL') {
      if (!t.setup) pipe.halted = true;
      this.fail(t, new UsbTransferError('stall', `the device STALLed ${what()}`));
      return 0;
    }
    t.noResponse = 0;
    pipe.toggle ^= 1;
    t.offset += n;
    if (n === 0) t.zlpPending = false;
    if (t.offset >= data.length && !t.zlpPending) this.finishOut(t);
    return n;
  }

  private finishOut(t: Transfer): void {
    if (t.setup) {
      t.stage = Stage.StatusIn;
      t.pipe.toggle = 1;
    } else {
      this.complete(t);
    }
  }

  private noResponse(t: Transfer, what: string): number {
    t.noResponse++;
    if (t.noResponse >= this.options.maxNoResponse) {
      this.fail(
        t,
        new UsbTransferError('no-response', `the device did not respond to ${what} at address ${this.deviceAddress} (${t.noResponse} attempts)`),
      );
      return 0;
    }
    // Back off for a frame, as a host controller's error counter retry would.
    t.pipe.readyAt = this.scheduler.cycles + this.frameCycles;
    return 0;
  }

  private complete(t: Transfer): void {
    this.dequeue(t);
    const data = t.pipe.in || (t.setup && (t.setup[0] & 0x80)) ? t.buffer.subarray(0, t.offset) : t.buffer;
    t.callback(null, data);
  }

  private fail(t: Transfer, error: Error): void {
    this.dequeue(t);
    t.callback(error, EMPTY);
  }

  private dequeue(t: Transfer): void {
    const q = t.pipe.queue;
    const i = q.indexOf(t);
    if (i >= 0) q.splice(i, 1);
  }
}

const EMPTY = new Uint8Array(0);

const REQUEST_NAMES: Record<number, string> = {
  0: 'GET_STATUS',
  1: 'CLEAR_FEATURE',
  3: 'SET_FEATURE',
  5: 'SET_ADDRESS',
  6: 'GET_DESCRIPTOR',
  7: 'SET_DESCRIPTOR',
  8: 'GET_CONFIGURATION',
  9: 'SET_CONFIGURATION',
  10: 'GET_INTERFACE',
  11: 'SET_INTERFACE',
};

/** Human-readable SETUP packet, e.g. "GET_DESCRIPTOR(0x0200, 0x0000, 9)". */
export function describeSetup(s: Uint8Array): string {
  const type = (s[0] >> 5) & 3;
  const wValue = s[2] | (s[3] << 8);
  const wIndex = s[4] | (s[5] << 8);
  const wLength = s[6] | (s[7] << 8);
  const name = type === 0 ? REQUEST_NAMES[s[1]] ?? `request ${s[1]}` : `${['standard', 'class', 'vendor', 'reserved'][type]} request ${hex(s[1])}`;
  return `${name}(bmRequestType ${hex(s[0])}, wValue ${hex(wValue, 4)}, wIndex ${hex(wIndex, 4)}, wLength ${wLength})`;
}
