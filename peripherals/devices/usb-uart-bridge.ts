/**
 * A USB-to-UART bridge as the host sees it: a virtual COM port whose far end is a UART line to
 * the chip (the Arduino Zero's EDBG debugger forwards its CDC port to the SAMD21's SERCOM5).
 *
 * Bytes the chip's UART sends reach `onData` listeners as they finish on the line. Bytes the host
 * writes are put on the line one character time apart (start + 8 data + stop bits at `baud`), as
 * the bridge's own UART would send them: a chip UART set to the same baud takes each one, and
 * firmware that reads too slowly overflows its receive buffer exactly as on the board. The bridge
 * has the shape of a board console (onData / write / close) so a host can use it as one.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import { UartLink } from './buses.js';

export interface UsbUartBridgeOptions {
  scheduler: Scheduler;
  /** The line's baud rate (the host's CDC line coding; 115200 unless set). */
  baud?: number;
  name?: string;
}

/** Bits per character on the line: start, 8 data, stop (8N1). */
const BITS_PER_CHAR = 10;

export class UsbUartBridge {
  readonly name: string;
  /** The UART line; the board attaches it to the SERCOM whose pads it is wired to. */
  readonly link = new UartLink();
  baud: number;
  /** Bytes the chip has sent, in order (the host side's receive log). */
  readonly received: number[] = [];

  private readonly scheduler: Scheduler;
  private readonly queue: number[] = [];
  private readonly sendEvent: SimEvent;
  private readonly listeners: ((bytes: Uint8Array) => void)[] = [];

  constructor(opts: UsbUartBridgeOptions) {
    this.name = opts.name ?? 'USB-UART bridge';
    this.scheduler = opts.scheduler;
    this.baud = opts.baud ?? 115_200;
    this.sendEvent = new SimEvent(`${this.name}.send`, () => this.sendNext());
    this.link.onTransmit((byte) => {
      this.received.push(byte);
      const bytes = Uint8Array.of(byte);
      for (const l of this.listeners) l(bytes);
    });
  }

  /** Bytes from the chip, as they arrive. */
  onData(listener: (bytes: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** Host input: queued and sent to the chip one character time apart. */
  write(bytes: Uint8Array): void {
    for (const b of bytes) this.queue.push(b);
    if (!this.sendEvent.scheduled) this.scheduler.scheduleIn(this.sendEvent, this.charCycles());
  }

  /** A virtual COM port has no end of input. */
  close(): void {}

  /** What the chip has sent, as text. */
  text(): string {
    return new TextDecoder().decode(Uint8Array.from(this.received));
  }

  private charCycles(): number {
    return Math.max(1, this.scheduler.cyclesIn(BITS_PER_CHAR / this.baud));
  }

  private sendNext(): void {
    const byte = this.queue.shift();
    if (byte === undefined) return;
    this.link.receive(byte);
    if (this.queue.length) this.scheduler.scheduleIn(this.sendEvent, this.charCycles());
  }
}
