/**
 * ESP8266 RTC block at 0x60000700. Only GPIO16 (the pin in the RTC domain) is modelled, with
 * the names of the SDK headers (RTC_GPIO_OUT, RTC_GPIO_ENABLE, RTC_GPIO_IN_DATA, RTC_GPIO_CONF,
 * PAD_XPD_DCDC_CONF); every other word of the block is kept as written (the SDK writes and reads
 * back sleep and calibration settings) and each access is reported as unimplemented.
 */
import { RegisterBlock } from '../register-block.js';

const NAMED: Record<number, string> = {
  0x68: 'RTC_GPIO_OUT',
  0x74: 'RTC_GPIO_ENABLE',
  0x8c: 'RTC_GPIO_IN_DATA',
  0x90: 'RTC_GPIO_CONF',
  0xa0: 'PAD_XPD_DCDC_CONF',
};

export class Esp8266Rtc extends RegisterBlock {
  /** GPIO16 input level when not driven. */
  gpio16Input = 1;

  constructor() {
    super('RTC', 0x100);
    for (let offset = 0; offset < 0x100; offset += 4) {
      const name = NAMED[offset];
      if (name === 'RTC_GPIO_IN_DATA') {
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
  }

  /** GPIO16's level: driven when RTC_GPIO_ENABLE bit 0 is set, else the external input. */
  gpio16Level(): number {
    const en = this.register('RTC_GPIO_ENABLE').value & 1;
    return en ? this.register('RTC_GPIO_OUT').value & 1 : this.gpio16Input & 1;
  }
}
