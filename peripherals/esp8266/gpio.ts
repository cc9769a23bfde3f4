/**
 * ESP8266 GPIO block at 0x60000300 (gpio_register.h names): GPIO0..15 output, output enable and
 * input with their write-1-to-set / write-1-to-clear aliases, and the boot strapping pins latched
 * at reset in GPIO_IN bits 18:16 (GPIO15, GPIO0, GPIO2: value 3 = boot from flash).
 * Pin interrupts: GPIO_PINn.GPIO_PIN_INT_TYPE (bits 9:7: 1 rising, 2 falling, 3 any edge, 4 low
 * level, 5 high level) latches the pin's bit in GPIO_STATUS when its pad level (driven output or
 * external input) does so; the CPU's level line 4 (ETS_GPIO_INUM) is high while GPIO_STATUS has a
 * bit set. A level-type pin whose level still holds latches again when cleared. GPIO_RTC_CALIB_SYNC /
 * GPIO_RTC_CALIB_VALUE measure the RTC slow clock against the crystal (the SDK's
 * system_rtc_clock_cali_proc).
 */
import { RegisterBlock, type Register } from '../register-block.js';
import { RTC_SLOW_CLOCK_HZ } from './rtc.js';

/** The crystal on ESP8266 modules (26 MHz): the RTC calibration counts its cycles. */
export const XTAL_HZ = 26_000_000;
/** GPIO_RTC_CALIB_SYNC: RTC_CALIB_START (bit 31), RTC_PERIOD_NUM (bits 9:0). */
const RTC_CALIB_START = 1 << 31;
/** GPIO_RTC_CALIB_VALUE: RTC_CALIB_RDY (bit 31), RTC_CALIB_VALUE (bits 19:0). */
const RTC_CALIB_RDY = 1 << 31;

export const GPIO_PIN_COUNT = 16;
/** Strapping value of a normal flash boot (GPIO15 low, GPIO0 high, GPIO2 high). */
export const BOOT_MODE_FLASH = 3;
/** GPIO_PINn: GPIO_PIN_INT_TYPE, bits 9:7. */
const GPIO_PIN_INT_TYPE_S = 7;
const INT_RISING = 1;
const INT_FALLING = 2;
const INT_ANY = 3;
const INT_LOW = 4;
const INT_HIGH = 5;

export class Esp8266Gpio extends RegisterBlock {
  /** Levels driven from outside on pins configured as inputs (bit n = GPIOn). */
  inputs = 0xffff;
  /** Strapping pins latched at reset, GPIO_IN bits 18:16. */
  bootMode = BOOT_MODE_FLASH;
  /** Called when the driven output levels change (bit n = GPIOn, for pins with ENABLE set). */
  onOutput: ((levels: number, enabled: number) => void) | null = null;
  /** The GPIO interrupt line (CPU line 4): high while GPIO_STATUS is not 0. */
  onInterrupt: ((level: boolean) => void) | null = null;
  private readonly status: Register;
  private readonly pins: Register[] = [];
  /** Pad levels when last sampled, for edge detection. */
  private sampled = 0xffff;

  constructor() {
    super('GPIO', 0x100);
    const changed = () => {
      this.onOutput?.(this.out, this.enabled);
      this.sample();
    };
    const out = this.reg({ name: 'GPIO_OUT', offset: 0x00, size: 4, writable: 0xffff, write: changed });
    this.reg({ name: 'GPIO_OUT_W1TS', offset: 0x04, size: 4, alias: { target: out, op: 'set' } });
    this.reg({ name: 'GPIO_OUT_W1TC', offset: 0x08, size: 4, alias: { target: out, op: 'clear' } });
    const en = this.reg({ name: 'GPIO_ENABLE', offset: 0x0c, size: 4, writable: 0xffff, write: changed });
    this.reg({ name: 'GPIO_ENABLE_W1TS', offset: 0x10, size: 4, alias: { target: en, op: 'set' } });
    this.reg({ name: 'GPIO_ENABLE_W1TC', offset: 0x14, size: 4, alias: { target: en, op: 'clear' } });
    this.reg({ name: 'GPIO_IN', offset: 0x18, size: 4, writable: 0, read: () => this.levels() | (this.bootMode << 16) });
    const status = this.reg({ name: 'GPIO_STATUS', offset: 0x1c, size: 4, writable: 0xffff, write: () => this.statusChanged() });
    this.status = status;
    this.reg({ name: 'GPIO_STATUS_W1TS', offset: 0x20, size: 4, alias: { target: status, op: 'set' } });
    this.reg({ name: 'GPIO_STATUS_W1TC', offset: 0x24, size: 4, alias: { target: status, op: 'clear' } });
    for (let n = 0; n < GPIO_PIN_COUNT; n++) {
      this.pins.push(this.reg({ name: `GPIO_PIN${n}`, offset: 0x28 + 4 * n, size: 4, write: () => this.statusChanged() }));
    }
    this.reg({ name: 'GPIO_SIGMA_DELTA', offset: 0x68, size: 4, unimplemented: true });
    // RTC slow-clock calibration: starting it counts crystal cycles over RTC_PERIOD_NUM slow-clock
    // periods; the model's clocks are exact, so the count is ready at once.
    const value = this.reg({ name: 'GPIO_RTC_CALIB_VALUE', offset: 0x70, size: 4, writable: 0 });
    this.reg({
      name: 'GPIO_RTC_CALIB_SYNC',
      offset: 0x6c,
      size: 4,
      write: (v) => {
        const periods = v & 0x3ff;
        value.value = v & RTC_CALIB_START ? (RTC_CALIB_RDY | (Math.round((periods * XTAL_HZ) / RTC_SLOW_CLOCK_HZ) & 0xfffff)) >>> 0 : 0;
      },
    });
  }

  reset(): void {
    this.resetRegisters();
    this.sampled = this.levels();
    this.onInterrupt?.(false);
  }

  /** Drives GPIOn from outside (a button, another chip); seen where the pin is not an output. */
  setInput(pin: number, level: boolean): void {
    this.inputs = level ? this.inputs | (1 << pin) : this.inputs & ~(1 << pin);
    this.sample();
  }

  private intType(pin: number): number {
    return (this.pins[pin]!.value >>> GPIO_PIN_INT_TYPE_S) & 7;
  }

  /** Latches GPIO_STATUS bits for the pad level changes since the last sample. */
  private sample(): void {
    const now = this.levels();
    const changed = now ^ this.sampled;
    this.sampled = now;
    let latch = 0;
    for (let pin = 0; pin < GPIO_PIN_COUNT; pin++) {
      const type = this.intType(pin);
      if (type === 0) continue;
      const bit = 1 << pin;
      const high = (now & bit) !== 0;
      const edge = (changed & bit) !== 0;
      if ((edge && (type === INT_ANY || (type === INT_RISING && high) || (type === INT_FALLING && !high))) || this.levelHolds(type, high)) latch |= bit;
    }
    if (latch !== 0) this.status.value |= latch;
    this.onInterrupt?.(this.status.value !== 0);
  }

  private levelHolds(type: number, high: boolean): boolean {
    return (type === INT_LOW && !high) || (type === INT_HIGH && high);
  }

  /** After a GPIO_STATUS or GPIO_PINn write: level-type pins latch again; the line follows. */
  private statusChanged(): void {
    const now = this.levels();
    for (let pin = 0; pin < GPIO_PIN_COUNT; pin++) {
      if (this.levelHolds(this.intType(pin), (now & (1 << pin)) !== 0)) this.status.value |= 1 << pin;
    }
    this.onInterrupt?.(this.status.value !== 0);
  }

  get out(): number {
    return this.register('GPIO_OUT').value;
  }

  get enabled(): number {
    return this.register('GPIO_ENABLE').value;
  }

  /** Pin levels: driven outputs where enabled, external inputs elsewhere. */
  levels(): number {
    const en = this.enabled;
    return ((this.out & en) | (this.inputs & ~en)) & 0xffff;
  }
}
