/**
 * Transaction-level buses between a chip's serial controllers and the parts on a board.
 *
 * Serial controllers (SAMD21 SERCOM in SPI/I2C/USART mode, ESP8266 SPI/UART) do not bit-bang
 * their pads; they hand whole bytes to the bus their pads are wired to, with the timing the
 * controller's baud rate implies. Chip selects stay real pins (GPIO driven by firmware), so a
 * device listens only while its CS net is low.
 */
import type { Pin } from '../../emulator/kernel/signals.js';

export interface SpiDevice {
  readonly name: string;
  /** The device's chip-select input; it takes part in transfers only while this is low. */
  readonly cs: Pin;
  /** One full-duplex byte: `mosi` in, the byte shifted out on MISO back. */
  transfer(mosi: number): number;
  /** CS went high: the end of a command (flash program/erase commands execute here). */
  deselect?(): void;
}

export class SpiBus {
  readonly devices: SpiDevice[] = [];

  attach(device: SpiDevice): void {
    this.devices.push(device);
    device.cs.net.onEdge((_net, level) => {
      if (level === 1) device.deselect?.();
    });
  }

  /** Shifts one byte; with no device selected MISO floats high (0xFF). */
  transfer(mosi: number): number {
    let miso = 0xff;
    for (const d of this.devices) if (d.cs.level === 0) miso &= d.transfer(mosi & 0xff);
    return miso;
  }
}

export interface I2cDevice {
  readonly name: string;
  /** 7-bit address. */
  readonly address: number;
  /** START (or repeated START) addressed to this device, with the direction. */
  start?(read: boolean): void;
  /** A byte written by the controller; return false to NACK it. */
  write(byte: number): boolean;
  /** A byte the controller reads. */
  read(): number;
  stop?(): void;
}

export class I2cBus {
  readonly devices: I2cDevice[] = [];
  private current: I2cDevice | null = null;

  attach(device: I2cDevice): void {
    this.devices.push(device);
  }

  /** Address phase: returns true when a device ACKs its address. */
  start(address: number, read: boolean): boolean {
    this.current = this.devices.find((d) => d.address === address) ?? null;
    this.current?.start?.(read);
    return this.current !== null;
  }

  write(byte: number): boolean {
    return this.current ? this.current.write(byte & 0xff) : false;
  }

  read(): number {
    return this.current ? this.current.read() & 0xff : 0xff;
  }

  stop(): void {
    this.current?.stop?.();
    this.current = null;
  }
}

/** A UART link: bytes the chip transmits go to `onTransmit` listeners; `receive` feeds the chip. */
export class UartLink {
  private readonly listeners: ((byte: number) => void)[] = [];
  private receiver: ((byte: number) => void) | null = null;

  /** Called by the chip's UART for each byte it finishes sending. */
  transmit(byte: number): void {
    for (const l of this.listeners) l(byte & 0xff);
  }

  onTransmit(listener: (byte: number) => void): void {
    this.listeners.push(listener);
  }

  /** The chip's UART registers itself to receive bytes. */
  setReceiver(receiver: (byte: number) => void): void {
    this.receiver = receiver;
  }

  /** The outside world sends a byte to the chip. */
  receive(byte: number): void {
    this.receiver?.(byte & 0xff);
  }
}
