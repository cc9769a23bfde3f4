/**
 * The SAR ADC / RF measurement block at 0x60000D00. Espressif documents no register here; what
 * the model does follows what the SDK's code (libphy, libmain) does with the block, so firmware
 * built on the SDK reads what a board would give it:
 *  - +0x4C, the PHY calibration's RF measurement (ram_cal_tos_v60): a command word, bit 1 starts
 *    it, bit 24 polled for completion, the result in bit 31. Completed at once with result 0 (no
 *    radio, no analog front end).
 *  - +0x50 starts a conversion of the TOUT pin (`system_adc_read` via `test_tout`: bit 1 written
 *    0 then 1; bits 26:24, the converter's state, polled until 0) and +0x80..+0x9C hold its eight
 *    samples, inverted, 11 bits each. The SDK corrects each sample's low byte (subtracts 21, scales
 *    by 279/256, saturates at 255), averages the eight, halves, and scales by 12/11 (10 bits,
 *    capped at 1024). The model converts `tout` volts (0..1 V full scale, as Espressif's ADC
 *    note gives the TOUT range) to the SAR code that reads back as round(V * 1024), within the
 *    1-count steps of that last 12/11 scaling, and writes the samples that code implies.
 *  - `machine.ADC(1)` (VDD33 via readvdd33) is not modelled; every other word is stored and
 *    reported as unimplemented.
 */
import { RegisterBlock, type Register } from '../register-block.js';

const START = 1 << 1;
const DONE = 1 << 24;
/** TOUT's full-scale input (V). */
export const TOUT_FULL_SCALE = 1.0;

export class SarBlock extends RegisterBlock {
  /** Voltage on the TOUT pin (A0), 0..1 V; higher values saturate. */
  tout = 0;
  private readonly samples: Register[] = [];

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
      } else if (offset === 0x50) {
        // Bits 26:24 (the state) read 0: a conversion ends before firmware can poll it.
        this.reg({ name: 'SAR+0x50 (TOUT conversion)', offset, size: 4, writable: ~(7 << 24), write: (v, old) => v & START && !(old & START) && this.convert() });
      } else if (offset >= 0x80 && offset < 0xa0) {
        this.samples.push(this.reg({ name: `SAR+0x${offset.toString(16)} (TOUT sample ${(offset - 0x80) >> 2})`, offset, size: 4, writable: 0 }));
      } else {
        this.reg({ name: `SAR+0x${offset.toString(16).padStart(2, '0')}`, offset, size: 4, unimplemented: true });
      }
    }
  }

  reset(): void {
    this.resetRegisters();
  }

  /** The eight samples of a conversion of `tout`. */
  private convert(): void {
    const sample = sampleFor(this.tout);
    for (const r of this.samples) r.value = ~sample & 0x7ff;
  }
}

/**
 * The 11-bit sample whose SDK reading (see the file comment) is the nearest to V * 1024: the
 * SDK's result is floor(t * 12 / 11) for t = (sum of eight corrected samples + 8) >> 4, so a
 * corrected sample of 2t gives t.
 */
export function sampleFor(volts: number): number {
  const target = Math.round((Math.min(Math.max(volts, 0), TOUT_FULL_SCALE) / TOUT_FULL_SCALE) * 1024);
  const reading = (t: number) => Math.floor((t * 12) / 11);
  let t = Math.floor((target * 11) / 12);
  while (reading(t + 1) <= target) t++;
  const corrected = 2 * t;
  const high = corrected & 0x700;
  const low = corrected & 0xff;
  // The SDK's correction: ((low8 - 21) * 279) >> 8, so the smallest low8 giving `low`.
  const low8 = low === 0 ? 0 : 21 + Math.ceil((low * 256) / 279);
  return high | low8;
}
