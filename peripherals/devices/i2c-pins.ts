/**
 * The pin-level face of an I2C bus: the parts on an `I2cBus` also answer a controller that
 * toggles SDA and SCL itself (bit-banged: CircuitPython's bitbangio.I2C, software I2C in Arduino
 * sketches), as they do on a real board, where the SERCOM and a bit-banging GPIO drive the same
 * two wires. The SERCOM model hands whole bytes to the bus instead (buses.ts), so the two paths
 * never mix on one transfer.
 *
 * Decoding follows the I2C-bus specification (NXP UM10204, 3.1): with SCL high, SDA falling is a
 * START (or repeated START) and SDA rising a STOP; otherwise SDA may change only while SCL is
 * low, and the receiver samples it on SCL's rising edge, MSB first. After eight bits the receiver
 * drives SDA low for the ninth clock to ACK. For a read the target drives each bit while SCL is
 * low (low for 0, released for 1: open drain) and the controller ACKs all but the last byte.
 * There is no clock stretching: the model's parts always have their answer ready.
 */
import type { Pin } from '../../emulator/kernel/signals.js';
import type { I2cBus } from './buses.js';

type Phase = 'idle' | 'address' | 'write' | 'read' | 'ignore';

export class I2cPinTarget {
  private phase: Phase = 'idle';
  /** Data bits of the current byte clocked so far (0..8). */
  private bits = 0;
  private shift = 0;
  /** In the ninth (acknowledge) clock of a byte. */
  private ninth = false;
  /** Reading: the byte being sent, and whether the controller NACKed the last one. */
  private readByte = 0;
  private nack = false;
  private scl: 0 | 1;
  private sda: 0 | 1;

  constructor(
    private readonly bus: I2cBus,
    /** Our own terminals on the SDA and SCL nets (connected to the chip's pads). */
    private readonly sdaPin: Pin,
    private readonly sclPin: Pin,
  ) {
    this.scl = sclPin.level;
    this.sda = sdaPin.level;
    sdaPin.net.onEdge((_n, level) => this.sdaEdge(level));
    sclPin.net.onEdge((_n, level) => this.sclEdge(level));
  }

  private sdaEdge(level: 0 | 1): void {
    this.sda = level;
    // With SCL low SDA is only changing data; with SCL high it is a START or a STOP.
    if (this.scl !== 1) return;
    if (level === 0) {
      if (this.phase !== 'idle') this.bus.stop(); // a repeated START ends the transfer too
      this.phase = 'address';
      this.bits = 0;
      this.shift = 0;
      this.ninth = false;
    } else if (this.phase !== 'idle') {
      this.bus.stop();
      this.release();
      this.phase = 'idle';
    }
  }

  private sclEdge(level: 0 | 1): void {
    this.scl = level;
    if (this.phase === 'idle' || this.phase === 'ignore') return;
    if (level === 1) this.rising();
    else this.falling();
  }

  /** SCL rising: the receiver samples SDA. */
  private rising(): void {
    if (!this.ninth) {
      if (this.phase !== 'read') this.shift = ((this.shift << 1) | this.sda) & 0xff;
      this.bits++;
    } else if (this.phase === 'read' && this.sda === 1) {
      this.nack = true; // the controller wants no more bytes
    }
  }

  /** SCL falling: the transmitter puts the next bit on SDA. */
  private falling(): void {
    if (!this.ninth && this.bits === 8) {
      // The eighth bit is done: the ninth clock carries the acknowledge.
      this.ninth = true;
      if (this.phase === 'read') return this.release(); // the controller's turn
      if (this.received(this.shift)) this.sdaPin.drive(0);
      return;
    }
    if (this.ninth) {
      this.ninth = false;
      this.bits = 0;
      this.shift = 0;
      this.release();
      if (this.phase === 'read') {
        if (this.nack) {
          this.phase = 'ignore'; // until the STOP
          return;
        }
        this.readByte = this.bus.read();
        this.driveBit(7);
      }
      return;
    }
    if (this.phase === 'read') this.driveBit(7 - this.bits);
  }

  /** A whole byte arrived (the address byte or a data byte); returns whether to ACK it. */
  private received(byte: number): boolean {
    let ack: boolean;
    if (this.phase === 'address') {
      const read = (byte & 1) === 1;
      ack = this.bus.start(byte >> 1, read);
      this.phase = read ? 'read' : 'write';
      this.nack = false;
    } else {
      ack = this.bus.write(byte);
    }
    if (!ack) this.phase = 'ignore';
    return ack;
  }

  /** Open drain: a 0 pulls SDA low, a 1 lets the pull-up have it. */
  private driveBit(index: number): void {
    this.sdaPin.drive((this.readByte >> index) & 1 ? null : 0);
  }

  private release(): void {
    this.sdaPin.drive(null);
  }
}
