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
 * 1.64 s + 6.55 s, the "about 8 s" after which an unfed ESP8266 resets. The end of stage 0
 * raises the watchdog interrupt (edge line 8, ETS_WDT_INUM, gated by DPORT EDGE_INT_ENABLE bit
 * 0): the SDK's wdt_init attaches its `wdt_feed` there, which keeps its software watchdog (the
 * "Soft WDT reset" after ~3.2 s of a firmware that stops yielding with interrupts on). When stage
 * 1 runs out the chip resets (rst cause 4 in the ROM's banner). Response modes (WDT_CTL bits 2:1)
 * other than the SDK's 0 (interrupt, then reset) are not distinguished.
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
  private readonly stage0End: SimEvent;
  /** Simulated seconds of the last feed (or enable). */
  private fedAt = 0;

  constructor(
    private readonly scheduler: Scheduler,
    /** Resets the chip (stage 1 ran out). */
    private readonly resetChip: () => void,
    /** Pulses the watchdog interrupt (stage 0 ran out). */
    private readonly interrupt: () => void = () => {},
  ) {
    super('WDT', 0x100);
    this.bite = new SimEvent('esp8266.wdt', () => this.expired());
    this.stage0End = new SimEvent('esp8266.wdt-stage0', () => this.stage0Expired());
    this.ctl = this.reg({ name: 'WDT_CTL', offset: 0x00, size: 4, writable: 0x3f, write: (v, old) => this.control(v, old) });
    this.op = this.reg({ name: 'WDT_OP', offset: 0x04, size: 4, writable: 0xf, write: () => this.rearm() });
    this.opNd = this.reg({ name: 'WDT_OP_ND', offset: 0x08, size: 4, writable: 0xf, write: () => this.rearm() });
    this.reg({ name: 'WDT_STAGE', offset: 0x10, size: 4, writable: 0, read: () => this.stage() });
    this.reg({ name: 'WDT_RST', offset: 0x14, size: 4, writeOnly: true, write: (v) => v === WDT_FEED_VALUE && this.feed() });
  }

  reset(): void {
    this.resetRegisters();
    this.scheduler.cancel(this.bite);
    this.scheduler.cancel(this.stage0End);
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
    // The pending events stay: on expiry they find the later deadline and wait again.
    if (this.enabled && (!this.bite.scheduled || !this.stage0End.scheduled)) this.rearm();
  }

  private rearm(): void {
    this.scheduler.cancel(this.bite);
    this.scheduler.cancel(this.stage0End);
    if (!this.enabled) return;
    const now = this.scheduler.seconds;
    this.scheduler.scheduleIn(this.bite, Math.max(1, this.scheduler.cyclesIn(this.fedAt + this.timeoutSeconds - now)));
    const stage0Left = this.fedAt + this.stageSeconds(this.op) - now;
    if (stage0Left > 0) this.scheduler.scheduleIn(this.stage0End, Math.max(1, this.scheduler.cyclesIn(stage0Left)));
  }

  private stage0Expired(): void {
    if (!this.enabled) return;
    const left = this.fedAt + this.stageSeconds(this.op) - this.scheduler.seconds;
    if (left > 1e-9) {
      this.scheduler.scheduleIn(this.stage0End, Math.max(1, this.scheduler.cyclesIn(left)));
      return;
    }
    this.interrupt();
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
