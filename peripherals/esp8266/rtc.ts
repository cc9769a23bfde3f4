/**
 * ESP8266 RTC block at 0x60000700. Modelled: GPIO16 (the pin in the RTC domain) with the names of
 * the SDK headers (RTC_GPIO_OUT, RTC_GPIO_ENABLE, RTC_GPIO_IN_DATA, RTC_GPIO_CONF,
 * PAD_XPD_DCDC_CONF), and the slow-clock counter with its alarm as esp-open-rtos's rtc_regs.h
 * lays them out (COUNTER +0x1C, COUNTER_ALARM +0x04, interrupt clear +0x24 and flags +0x28; the
 * SDK's sleep/wake-up sequence arms the alarm and polls the flags), and deep sleep as
 * esp-open-rtos's re-implementation of the SDK's system_deep_sleep drives it: bit 3 of +0x18
 * enables the wake-up by the RTC timer, and writing bit 20 of +0x08 starts a sleep (esp-open-rtos
 * calls these words RESET_REASON2 and RESET_REASON0, provisional names). The SDK uses that
 * write for short sleeps during its RF calibration too, which the CPU survives (it polls the
 * alarm flag); only with bit 5 of +0x44 set (esp-open-rtos writes it, with +0x40 = 0xFFFFFFFF,
 * just before the deep-sleep entry; the SDK does the same) is the digital part powered down.
 * Every other word of the block is kept as written (the SDK writes and reads back sleep and
 * calibration settings) and each access is reported as unimplemented.
 */
import { RegisterBlock } from '../register-block.js';

/**
 * The RTC's slow clock: an internal RC oscillator of about 150 kHz (its exact rate is what the
 * SDK's calibration measures; the model fixes it).
 */
export const RTC_SLOW_CLOCK_HZ = 150_000;
/** RTC_INT_RAW bit 0: the counter reached RTC_COUNTER_ALARM (wake-up timer). */
export const RTC_INT_ALARM = 1 << 0;

/** +0x08 bit 20: enter deep sleep. */
export const RTC_SLEEP_ENTER = 1 << 20;
/** +0x44 bit 5: the sleep that +0x08 starts powers the digital part down (deep sleep). */
export const RTC_SLEEP_POWER_DOWN = 1 << 5;
/** +0x18 bit 3: the RTC timer wakes the chip from deep sleep. */
export const RTC_WAKE_TIMER = 1 << 3;

const NAMED: Record<number, string> = {
  0x04: 'RTC_COUNTER_ALARM',
  0x08: 'RTC_RESET_REASON0',
  0x18: 'RTC_RESET_REASON2',
  0x1c: 'RTC_COUNTER',
  0x24: 'RTC_INT_CLR',
  0x28: 'RTC_INT_RAW',
  0x68: 'RTC_GPIO_OUT',
  0x74: 'RTC_GPIO_ENABLE',
  0x8c: 'RTC_GPIO_IN_DATA',
  0x90: 'RTC_GPIO_CONF',
  0xa0: 'PAD_XPD_DCDC_CONF',
};

export class Esp8266Rtc extends RegisterBlock {
  /** GPIO16 input level when not driven. */
  gpio16Input = 1;

  /** Called when firmware puts the chip into deep sleep (RTC_SLEEP_ENTER written). */
  onDeepSleep: (() => void) | null = null;

  /** Alarm flags latched (RTC_INT_RAW), and whether an alarm is armed. */
  private intRaw = 0;
  private armed = false;

  constructor(private readonly now: () => number) {
    super('RTC', 0x100);
    for (let offset = 0; offset < 0x100; offset += 4) {
      const name = NAMED[offset];
      if (name === 'RTC_COUNTER') {
        this.reg({ name, offset, size: 4, writable: 0, read: () => this.counter() });
      } else if (name === 'RTC_COUNTER_ALARM') {
        this.reg({ name, offset, size: 4, write: () => (this.armed = true) });
      } else if (name === 'RTC_INT_RAW') {
        this.reg({ name, offset, size: 4, writable: 0, read: () => this.interrupts() });
      } else if (name === 'RTC_INT_CLR') {
        this.reg({ name, offset, size: 4, writeOnly: true, write: (v) => (this.intRaw &= ~v) });
      } else if (name === 'RTC_RESET_REASON0') {
        this.reg({ name, offset, size: 4, write: (v) => v & RTC_SLEEP_ENTER && this.sleepPowersDown() && this.onDeepSleep?.() });
      } else if (name === 'RTC_GPIO_IN_DATA') {
        this.reg({ name, offset, size: 4, writable: 0, read: () => this.gpio16Level() });
      } else if (name) {
        this.reg({ name, offset, size: 4 });
      } else {
        this.reg({ name: `RTC+0x${offset.toString(16).padStart(2, '0')}`, offset, size: 4, unimplemented: true });
      }
    }
  }

  reset(): void {
    this.resetRegisters();
    this.intRaw = 0;
    this.armed = false;
  }

  /** RTC_COUNTER: slow-clock ticks since power-on (simulated seconds from `now`). */
  counter(): number {
    return Math.floor(this.now() * RTC_SLOW_CLOCK_HZ) >>> 0;
  }

  /**
   * RTC_INT_RAW as the SDK's wake-up wait polls it: the alarm flag latches once the counter has
   * passed RTC_COUNTER_ALARM (evaluated when read; nothing else observes it yet).
   */
  private interrupts(): number {
    if (this.armed && ((this.counter() - this.register('RTC_COUNTER_ALARM').value) | 0) >= 0) {
      this.intRaw |= RTC_INT_ALARM;
      this.armed = false;
    }
    return this.intRaw;
  }

  private sleepPowersDown(): boolean {
    return (this.register('RTC+0x44').value & RTC_SLEEP_POWER_DOWN) !== 0;
  }

  /** Whether deep sleep ends when RTC_COUNTER reaches RTC_COUNTER_ALARM. */
  get timerWake(): boolean {
    return (this.register('RTC_RESET_REASON2').value & RTC_WAKE_TIMER) !== 0;
  }

  /** Simulated seconds until RTC_COUNTER reaches RTC_COUNTER_ALARM (0 if it has). */
  secondsToAlarm(): number {
    const ticks = (this.register('RTC_COUNTER_ALARM').value - this.counter()) | 0;
    return Math.max(0, ticks) / RTC_SLOW_CLOCK_HZ;
  }

  /** GPIO16's level: driven when RTC_GPIO_ENABLE bit 0 is set, else the external input. */
  gpio16Level(): number {
    const en = this.register('RTC_GPIO_ENABLE').value & 1;
    return en ? this.register('RTC_GPIO_OUT').value & 1 : this.gpio16Input & 1;
  }
}
