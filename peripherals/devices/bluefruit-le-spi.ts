/**
 * The Bluefruit LE SPI module of the Feather M0 Bluefruit LE (an nRF51822 running Adafruit's
 * "Bluefruit LE SPI Friend" firmware), as its SPI host sees it: SDEP messages over SPI, with an
 * IRQ line that is high while the module has a response to read, and a small model of its AT
 * command set and BLE UART.
 *
 * SDEP (Adafruit's "Simple Data Exchange Protocol", as documented in the Bluefruit LE SPI Friend
 * guide and used by Adafruit_BluefruitLE_nRF51 and adafruit_bluefruitspi): every message is a
 * 4-byte header and up to 16 payload bytes, 20 bytes on the wire:
 *   byte 0      message type: 0x10 command, 0x20 response, 0x40 alert, 0x80 error
 *   bytes 1-2   command id, little-endian: 0x0A00 AT wrapper, 0x0A01 BLE UART TX,
 *               0x0A02 BLE UART RX, 0xBEEF initialise (resets the module); in an error message,
 *               the error code (0x8021 bad message type, 0x8022 unknown command id, 0x8061 AT:
 *               unknown command)
 *   byte 3      payload length (bits 0-4) and "more data follows" (bit 7)
 * A command longer than 16 bytes comes as several messages with the more bit set on all but the
 * last; a response is split the same way. The host writes a command in one chip-select
 * transaction, waits for IRQ to go high, then reads one message per transaction (20 bytes) while
 * IRQ stays high. The module answers a read with the pending message from its first byte; with
 * nothing pending MISO reads 0xFF. While RST is held low, and for `bootSeconds` after it is
 * released, the module ignores the bus (it is starting).
 *
 * AT commands modelled: AT, ATI (module information), ATZ, AT+FACTORYRESET, ATE=<0|1>,
 * AT+GAPDEVNAME[=name], AT+GAPGETCONN, AT+BLEUARTTX=<text>, AT+BLEUARTRX, AT+BLEGETADDR; every
 * other command is an SDEP error 0x8061. `central` is the BLE peer: `connect()`, `send(bytes)`
 * into the module's UART FIFO, `onReceive` for what AT+BLEUARTTX sends.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import type { Pin } from '../../emulator/kernel/signals.js';
import type { SpiDevice } from './buses.js';

export const SDEP = {
  COMMAND: 0x10,
  RESPONSE: 0x20,
  ALERT: 0x40,
  ERROR: 0x80,
  AT_WRAPPER: 0x0a00,
  BLEUART_TX: 0x0a01,
  BLEUART_RX: 0x0a02,
  INITIALIZE: 0xbeef,
  ERROR_INVALID_MSGTYPE: 0x8021,
  ERROR_INVALID_CMDID: 0x8022,
  ERROR_UNKNOWN_AT_COMMAND: 0x8061,
} as const;

const MESSAGE_BYTES = 20;
const MAX_PAYLOAD = 16;
const MORE = 0x80;

/** What ATI reports (the lines the Bluefruit LE SPI Friend firmware prints). */
export const BLUEFRUIT_INFO = ['BLESPIFRIEND', 'nRF51822 QFACA10', '0F3CFA6D2E63C6A9', '0.8.1', '0.8.1', 'Dec 13 2018', 'S110 8.0.0, 0.2'];
const DEFAULT_NAME = 'Adafruit Bluefruit LE';

export interface BluefruitLeSpiOptions {
  cs: Pin;
  /** IRQ output: high while a response waits to be read. */
  irq: Pin;
  /** RST input (active low). */
  reset: Pin;
  scheduler: Scheduler;
  name?: string;
  /** Time from RST released to the module answering (default 0.1 s; the library waits 0.5 s). */
  bootSeconds?: number;
}

/** The BLE peer (a phone running Bluefruit LE Connect), from the host's side. */
export class BleCentral {
  connected = false;
  /** Bytes the module sent over BLE UART. */
  readonly received: number[] = [];
  /** Bytes sent to the module, waiting in its UART FIFO. */
  readonly pending: number[] = [];
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];

  connect(): void {
    this.connected = true;
  }

  disconnect(): void {
    this.connected = false;
  }

  send(bytes: Uint8Array | string): void {
    for (const b of typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes) this.pending.push(b);
  }

  onReceive(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** @internal the module sends over BLE UART. */
  deliver(bytes: Uint8Array): void {
    for (const b of bytes) this.received.push(b);
    for (const l of this.listeners) l(bytes);
  }
}

export class BluefruitLeSpi implements SpiDevice {
  readonly name: string;
  readonly cs: Pin;
  readonly central = new BleCentral();
  /** AT commands executed, in order (diagnostics, tests). */
  readonly commands: string[] = [];
  deviceName = DEFAULT_NAME;
  /** ATE: command echo (it matters on the module's UART interface, not over SDEP). */
  echo = false;
  /** Times the module (re)started: power-on, RST, SDEP initialise, ATZ. */
  resets = 0;

  private readonly irq: Pin;
  private readonly scheduler: Scheduler;
  private readonly bootEvent: SimEvent;
  private readonly bootSeconds: number;
  private booting = true;
  // Incoming message of the current transaction.
  private readonly rx = new Uint8Array(MESSAGE_BYTES);
  private rxLen = 0;
  /** Payload of a command split over several messages. */
  private command: number[] = [];
  private commandId = -1;
  // Outgoing messages: queued whole, one per read transaction.
  private readonly responses: Uint8Array[] = [];
  private txPos = 0;

  constructor(opts: BluefruitLeSpiOptions) {
    this.name = opts.name ?? 'Bluefruit LE SPI';
    this.cs = opts.cs;
    this.irq = opts.irq;
    this.scheduler = opts.scheduler;
    this.bootSeconds = opts.bootSeconds ?? 0.1;
    this.bootEvent = new SimEvent(`${this.name}.boot`, () => {
      this.booting = false;
    });
    this.irq.drive(0);
    opts.reset.net.onEdge((_net, level) => {
      if (level === 0) this.restart(false);
      else this.restart(true);
    });
    this.restart(opts.reset.level === 1);
  }

  // ---- SPI side -----------------------------------------------------------------------------

  transfer(mosi: number): number {
    if (this.booting) return 0xff;
    let miso = 0xff;
    const out = this.responses[0];
    if (out && this.rxLen === 0 && this.txPos < MESSAGE_BYTES) miso = out[this.txPos++];
    // A transaction that started by reading stays a read: MOSI is the host's 0xFF filler.
    if (this.txPos === 0 && this.rxLen < MESSAGE_BYTES) this.rx[this.rxLen++] = mosi;
    return miso;
  }

  deselect(): void {
    if (this.booting) return;
    if (this.txPos >= 4) {
      this.responses.shift();
    } else if (this.rxLen >= 4) {
      this.message();
    }
    this.txPos = 0;
    this.rxLen = 0;
    this.irq.drive(this.responses.length ? 1 : 0);
  }

  // ---- internals ----------------------------------------------------------------------------

  private restart(running: boolean): void {
    this.scheduler.cancel(this.bootEvent);
    this.booting = true;
    this.responses.length = 0;
    this.command = [];
    this.commandId = -1;
    this.rxLen = 0;
    this.txPos = 0;
    this.irq.drive(0);
    if (running) {
      this.resets++;
      this.scheduler.scheduleIn(this.bootEvent, this.scheduler.cyclesIn(this.bootSeconds));
    }
  }

  private message(): void {
    const type = this.rx[0];
    if (type === 0xff) return; // the host only clocked (a read with nothing pending)
    const id = this.rx[1] | (this.rx[2] << 8);
    const length = Math.min(this.rx[3] & 0x1f, MAX_PAYLOAD, this.rxLen - 4);
    if (type !== SDEP.COMMAND) return this.error(SDEP.ERROR_INVALID_MSGTYPE);
    if (id === SDEP.INITIALIZE) return this.restart(true);
    if (id !== SDEP.AT_WRAPPER && id !== SDEP.BLEUART_TX && id !== SDEP.BLEUART_RX) return this.error(SDEP.ERROR_INVALID_CMDID);
    if (this.commandId !== id) this.command = [];
    this.commandId = id;
    for (let i = 0; i < length; i++) this.command.push(this.rx[4 + i]);
    if (this.rx[3] & MORE) return; // more of this command follows
    const payload = Uint8Array.from(this.command);
    this.command = [];
    this.commandId = -1;
    if (id === SDEP.BLEUART_TX) return this.uartTx(payload, id);
    if (id === SDEP.BLEUART_RX) return this.respond(id, this.uartRx());
    this.at(new TextDecoder().decode(payload).replace(/[\r\n]+$/, ''), id);
  }

  private at(line: string, id: number): void {
    this.commands.push(line);
    const [name, value] = splitCommand(line);
    const ok = (text = '') => this.respond(id, new TextEncoder().encode(`${text}OK\r\n`));
    switch (name) {
      case 'AT':
        return ok();
      case 'ATI':
        return ok(BLUEFRUIT_INFO.map((l) => `${l}\r\n`).join(''));
      case 'ATZ':
        return ok();
      case 'AT+FACTORYRESET':
        this.deviceName = DEFAULT_NAME;
        this.central.pending.length = 0;
        return ok();
      case 'ATE':
        this.echo = value === '1';
        return ok();
      case 'AT+GAPDEVNAME':
        if (value === undefined) return ok(`${this.deviceName}\r\n`);
        this.deviceName = value;
        return ok();
      case 'AT+GAPGETCONN':
        return ok(this.central.connected ? '1\r\n' : '0\r\n');
      case 'AT+BLEGETADDR':
        return ok('E6:3C:C6:A9:2E:63\r\n');
      case 'AT+BLEUARTTX':
        return this.uartTx(new TextEncoder().encode(unescape(value ?? '')), id);
      case 'AT+BLEUARTRX': {
        const data = this.uartRx();
        return this.respond(id, Uint8Array.from([...data, ...(data.length ? [0x0d, 0x0a] : []), 0x4f, 0x4b, 0x0d, 0x0a]));
      }
      default:
        return this.error(SDEP.ERROR_UNKNOWN_AT_COMMAND);
    }
  }

  private uartTx(data: Uint8Array, id: number): void {
    if (this.central.connected) this.central.deliver(data);
    this.respond(id, new TextEncoder().encode('OK\r\n'));
  }

  private uartRx(): Uint8Array {
    return Uint8Array.from(this.central.pending.splice(0));
  }

  /** Queues `payload` as response messages of at most 16 bytes, the more bit on all but the last. */
  private respond(id: number, payload: Uint8Array): void {
    let pos = 0;
    do {
      const n = Math.min(MAX_PAYLOAD, payload.length - pos);
      const more = pos + n < payload.length;
      const m = new Uint8Array(MESSAGE_BYTES);
      m.set([SDEP.RESPONSE, id & 0xff, id >> 8, n | (more ? MORE : 0)]);
      m.set(payload.subarray(pos, pos + n), 4);
      this.responses.push(m);
      pos += n;
    } while (pos < payload.length);
  }

  private error(code: number): void {
    this.responses.push(Uint8Array.of(SDEP.ERROR, code & 0xff, code >> 8, 0, ...new Array<number>(16).fill(0)));
  }
}

/** 'AT+GAPDEVNAME=x' → ['AT+GAPDEVNAME', 'x']; names are case-insensitive. */
function splitCommand(line: string): [string, string | undefined] {
  const eq = line.indexOf('=');
  return eq < 0 ? [line.trim().toUpperCase(), undefined] : [line.slice(0, eq).trim().toUpperCase(), line.slice(eq + 1)];
}

/** AT+BLEUARTTX escapes: \r \n \t \\ (the firmware's documented set). */
function unescape(s: string): string {
  return s.replace(/\\([rnt\\])/g, (_m, c: string) => ({ r: '\r', n: '\n', t: '\t', '\\': '\\' })[c]!);
}
