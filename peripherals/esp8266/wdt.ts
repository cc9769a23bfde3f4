/**
 * ESP8266 hardware watchdog at 0x60000900. Espressif publishes no register description; the
 * layout is the one open projects agree on (Cesanta's esp_hw_wdt_register.h, the ROM-free
 * watchdog driver of John Sanpe's lightcore: `esp8266_wdt_registers`):
 *   WDT_CTL   +0x00  bit 0 enable; bits 2:1 response mode; bits 5:3 reset pulse length
 *   WDT_OP    +0x04  stage 0 timeout exponent (bits 3:0)
 *   WDT_OP_ND +0x08  stage 1 timeout exponent (bits 3:0)
 *   WDT_STAGE +0x10  the current stage (0 or 1), read-only
 *   WDT_RST   +0x14  writing 0x73 feeds it (back to stage 0, counting from now)
 * A stage lasts 2^n ticks of 0.8 ms (the watchdog clock is the 40 MHz crystal / 32000, as
 * lightcore states: n = 13 gives 6.55 s). The SDK writes WDT_OP = 11 and WDT_OP_ND = 13:
 * 1.64 s + 6.55 s, the "about 8 s" after which an unfed ESP8266 resets. When stage 1 runs
 * out the chip resets (rst cause 4 in the ROM's banner). The stage-0 interrupt some response
 * modes raise (ETS_WDT_INUM 8) is not modelled: nothing in the SDK or MicroPython enables it.
 *
 * Feeding costs nothing: the model notes when the last feed happened and one event, due when
 * the unfed watchdog would bite, checks on expiry whether a feed moved the deadline.
 */
import { SimEvent, type Scheduler } from '../../emulator/kernel/scheduler.js';
import { RegisterBlock, type Register } from '../register-block.js';

export const WDT_CTL_EN = 1 << 0;
export const WDT_FEED_VALUE = 0x73;
/** Seconds per watchdog tick: 32000 / 40 MHz. */
export const WDT_TICK_SECONDS = 32000 / 40e6;

export class Esp8266Wdt extends RegisterBlock {
  private readonly ctl: Register;
  private readonly op: Register;
  private readonly opNd: Register;
  private readonly bite: SimEvent;
  /** Simulated seconds of the last feed (or enable). */
  private fedAt = 0;

  constructor(
    private readonly scheduler: Scheduler,
    /** Resets the chip (stage 1 ran out). */
    private readonly resetChip: () => void,
  ) {
    super('WDT', 0x100);
    this.bite = new SimEvent('esp8266.wdt', () => this.expired());
    this.ctl = this.reg({ name: 'WDT_CTL', offset: 0x00, size: 4, writable: 0x3f, write: (v, old) => this.control(v, old) });
    this.op = this.reg({ name: 'WDT_OP', offset: 0x04, size: 4, writable: 0xf, write: () => this.rearm() });
    this.opNd = this.reg({ name: 'WDT_OP_ND', offset: 0x08, size: 4, writable: 0xf, write: () => this.rearm() });
    this.reg({ name: 'WDT_STAGE', offset: 0x10, size: 4, writable: 0, read: () => this.stage() });
    this.reg({ name: 'WDT_RST', offset: 0x14, size: 4, writeOnly: true, write: (v) => v === WDT_FEED_VALUE && this.feed() });
  }

  reset(): void {
    this.resetRegisters();
    this.scheduler.cancel(this.bite);
    this.fedAt = 0;
  }

  get enabled(): boolean {
    return (this.ctl.value & WDT_CTL_EN) !== 0;
  }

  /** Stage lengths in seconds. */
  private stageSeconds(r: Register): number {
    return (1 << (r.value & 0xf)) * WDT_TICK_SECONDS;
  }

  /** Seconds from the last feed to the reset. */
  get timeoutSeconds(): number {
    return this.stageSeconds(this.op) + this.stageSeconds(this.opNd);
  }

  private stage(): number {
    return this.enabled && this.scheduler.seconds - this.fedAt >= this.stageSeconds(this.op) ? 1 : 0;
  }

  private control(value: number, old: number): void {
    if ((value ^ old) & WDT_CTL_EN) {
      this.fedAt = this.scheduler.seconds;
      this.rearm();
    }
  }

  private feed(): void {
    this.fedAt = this.scheduler.seconds;
    // The pending event stays: on expiry it finds the later deadline and waits again.
    if (this.enabled && !this.bite.scheduled) this.rearm();
  }

  private rearm(): void {
    this.scheduler.cancel(this.bite);
    if (!this.enabled) return;
    const left = this.fedAt + this.timeoutSeconds - this.scheduler.seconds;
    this.scheduler.scheduleIn(this.bite, Math.max(1, this.scheduler.cyclesIn(left)));
  }

  private expired(): void {
    if (!this.enabled) return;
    if (this.scheduler.seconds - this.fedAt + 1e-9 < this.timeoutSeconds) {
      this.rearm();
      return;
    }
    this.resetChip();
  }
}
