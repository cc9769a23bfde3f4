/**
 * The SAR ADC / RF measurement block at 0x60000D00. Espressif documents no register here; the
 * SDK's PHY calibration (ram_cal_tos_v60, libphy) writes a command word to +0x4C, sets bit 1 to
 * start a measurement and polls bit 24 for completion before reading the result in bit 31.
 * The model completes every measurement at once with a result of 0 (no radio, no analog front
 * end). Every other word is stored and reported as unimplemented. `machine.ADC(0)` (the TOUT
 * pin through the ROM/SDK's `system_adc_read`) is not modelled yet.
 */
import { RegisterBlock } from '../register-block.js';

const START = 1 << 1;
const DONE = 1 << 24;

export class SarBlock extends RegisterBlock {
  constructor() {
    super('SAR', 0x100);
    for (let offset = 0; offset < 0x100; offset += 4) {
      if (offset === 0x4c) {
        this.reg({
          name: 'SAR+0x4c (RF measurement)',
          offset,
          size: 4,
          write: (value, _old, _mask, reg) => (reg.value = value & START ? (value | DONE) & 0x7fffffff : value & ~DONE),
        });
      } else {
        this.reg({ name: `SAR+0x${offset.toString(16).padStart(2, '0')}`, offset, size: 4, unimplemented: true });
      }
    }
  }

  reset(): void {
    this.resetRegisters();
  }
}
