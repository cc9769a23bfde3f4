/**
 * ESP8266 UART0/UART1 (registers as the SDK's uart_register.h names them; base 0x60000000 /
 * 0x60000F00). Transmission is instantaneous: a byte written to UART_FIFO goes straight to the
 * host (`onTransmit`), so the TX FIFO count in UART_STATUS always reads 0 and TXFIFO_EMPTY is
 * raised whenever its threshold allows. Received bytes (from the host) wait in a 128-byte RX
 * FIFO read through UART_FIFO; UART_STATUS bits 7:0 count them.
 *
 * Interrupts (UART_INT_RAW/ST/ENA/CLR, the RawInterruptRegisters quad):
 *   bit 0 RXFIFO_FULL  (RX count >= UART_CONF1.rxfifo_full_thrhd, bits 6:0)
 *   bit 1 TXFIFO_EMPTY (TX count <  UART_CONF1.txfifo_empty_thrhd, bits 14:8; always, here)
 *   bit 8 RXFIFO_TOUT  (data waiting and UART_CONF1.rx_tout_en, bit 31: the idle timeout is
 *                       taken as elapsed at once, since bytes arrive from the host in bursts)
 * The level of a raw flag follows the FIFO: clearing it while the condition holds raises it again.
 */
import { RawInterruptRegisters, RegisterBlock } from '../register-block.js';

export const UART_RXFIFO_FULL_INT = 1 << 0;
export const UART_TXFIFO_EMPTY_INT = 1 << 1;
export const UART_RXFIFO_TOUT_INT = 1 << 8;
const INT_MASK = 0x1ff;
const RX_FIFO_SIZE = 128;
/** UART_CONF0 bits: FIFO resets. */
const UART_RXFIFO_RST = 1 << 17;
/** UART_CONF1: rx_tout_en. */
const UART_RX_TOUT_EN = 1 << 31;

export class Esp8266Uart extends RegisterBlock {
  readonly int: RawInterruptRegisters;
  private readonly rx = new Uint8Array(RX_FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;
  /** Called with every byte the firmware transmits. */
  onTransmit: ((byte: number) => void) | null = null;

  constructor(name: 'UART0' | 'UART1', line: (level: boolean) => void) {
    super(name, 0x100);
    this.reg({
      name: 'UART_FIFO',
      offset: 0x00,
      size: 4,
      read: () => this.popRx(),
      write: (value) => this.onTransmit?.(value & 0xff),
    });
    this.int = new RawInterruptRegisters(this, { INT_RAW: 0x04, INT_ST: 0x08, INT_ENA: 0x0c, INT_CLR: 0x10 }, 4, INT_MASK, line, {
      INT_RAW: 'UART_INT_RAW',
      INT_ST: 'UART_INT_ST',
      INT_ENA: 'UART_INT_ENA',
      INT_CLR: 'UART_INT_CLR',
    });
    // Clearing a flag whose condition still holds raises it again (level-like FIFO flags).
    const clear = this.int.INT_CLR.writeHook!;
    this.int.INT_CLR.writeHook = (value, old, mask, reg) => {
      clear(value, old, mask, reg);
      this.updateFlags();
    };
    // Reset divisor: 80 MHz / 115200 (the ROM sets 74880 Hz before firmware runs).
    this.reg({ name: 'UART_CLKDIV', offset: 0x14, size: 4, reset: 0x2b6, writable: 0xfffff });
    this.reg({ name: 'UART_AUTOBAUD', offset: 0x18, size: 4, reset: 0x1000, unimplemented: true });
    this.reg({ name: 'UART_STATUS', offset: 0x1c, size: 4, writable: 0, read: () => this.rxCount });
    this.reg({
      name: 'UART_CONF0',
      offset: 0x20,
      size: 4,
      reset: 0x1c,
      write: (value) => {
        if (value & UART_RXFIFO_RST) this.rxCount = 0;
        this.updateFlags();
      },
    });
    this.reg({ name: 'UART_CONF1', offset: 0x24, size: 4, reset: 0x6060, write: () => this.updateFlags() });
    this.reg({ name: 'UART_LOWPULSE', offset: 0x28, size: 4, reset: 0xfffff, writable: 0, unimplemented: true });
    this.reg({ name: 'UART_HIGHPULSE', offset: 0x2c, size: 4, reset: 0xfffff, writable: 0, unimplemented: true });
    this.reg({ name: 'UART_RXD_CNT', offset: 0x30, size: 4, writable: 0, unimplemented: true });
    this.reg({ name: 'UART_DATE', offset: 0x78, size: 4, reset: 0x062000, writable: 0 });
    this.reg({ name: 'UART_ID', offset: 0x7c, size: 4, reset: 0x0500, writable: 0 });
    this.reset();
  }

  reset(): void {
    this.resetRegisters();
    this.int.reset();
    this.rxHead = this.rxCount = 0;
    this.updateFlags();
  }

  /** Baud rate the firmware set: the 80 MHz APB clock over UART_CLKDIV. */
  get baud(): number {
    const div = this.register('UART_CLKDIV').value;
    return div > 0 ? Math.round(80_000_000 / div) : 0;
  }

  /** Bytes from the host; returns how many fitted in the RX FIFO. */
  receive(bytes: Uint8Array): number {
    let n = 0;
    for (; n < bytes.length && this.rxCount < RX_FIFO_SIZE; n++) {
      this.rx[(this.rxHead + this.rxCount) % RX_FIFO_SIZE] = bytes[n]!;
      this.rxCount++;
    }
    this.updateFlags();
    return n;
  }

  get rxFree(): number {
    return RX_FIFO_SIZE - this.rxCount;
  }

  private popRx(): number {
    if (this.rxCount === 0) return 0;
    const b = this.rx[this.rxHead]!;
    this.rxHead = (this.rxHead + 1) % RX_FIFO_SIZE;
    this.rxCount--;
    this.updateFlags();
    return b;
  }

  private updateFlags(): void {
    const conf1 = this.register('UART_CONF1').value;
    const full = this.rxCount > 0 && this.rxCount >= (conf1 & 0x7f);
    const empty = 0 < ((conf1 >>> 8) & 0x7f);
    const tout = this.rxCount > 0 && (conf1 & UART_RX_TOUT_EN) !== 0;
    let bits = 0;
    if (full) bits |= UART_RXFIFO_FULL_INT;
    if (empty) bits |= UART_TXFIFO_EMPTY_INT;
    if (tout) bits |= UART_RXFIFO_TOUT_INT;
    const raw = this.int.INT_RAW.value;
    // Set flags whose condition holds; FIFO-level flags also drop when the condition ends.
    const levelMask = UART_RXFIFO_FULL_INT | UART_RXFIFO_TOUT_INT;
    const next = (raw & ~levelMask) | bits;
    if (next !== raw) {
      this.int.clear(raw & ~next);
      this.int.set(next & ~raw);
    }
  }
}
