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
 *  - The same conversion measures the supply (VDD3P3) when the SAR's input multiplexer selects
 *    it: the SDK's readvdd33 (system_get_vdd33, MicroPython's machine.ADC(1)) sets bit 7 of
 *    register 9 of internal I2C block 0x6B around its conversion (`vddSelected`). It sums the
 *    eight corrected samples, takes round(sum / 4), and system_get_vdd33 scales that by 12/11:
 *    the result is in 1/1024 V (Espressif's SDK reference: "unit: 1/1024 V"), so a 3.3 V
 *    supply reads 3379. The model writes the samples that make round(vdd33 * 1024) come out.
 *    (The SDK measures only with byte 107 of the RF init data at 0xFF, as MicroPython's is.)
 *  - Every other word is stored and reported as unimplemented.
 */
import { RegisterBlock, type Register } from '../register-block.js';

/** Internal I2C block, register and bit that route VDD3P3 to the converter (readvdd33). */
export const I2C_SAR = 0x6b;
export const I2C_SAR_INPUT_REG = 9;
export const I2C_SAR_INPUT_VDD33 = 1 << 7;

const START = 1 << 1;
const DONE = 1 << 24;
/** TOUT's full-scale input (V). */
export const TOUT_FULL_SCALE = 1.0;

export class SarBlock extends RegisterBlock {
  /** Voltage on the TOUT pin (A0), 0..1 V; higher values saturate. */
  tout = 0;
  /** The supply on VDD3P3 (V); the Feather HUZZAH's regulator gives 3.3 V. */
  vdd33 = 3.3;
  private readonly samples: Register[] = [];

  constructor(
    /** Whether the analog multiplexer routes VDD3P3 to the converter (else TOUT). */
    private readonly vddSelected: () => boolean = () => false,
  ) {
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

  /** The eight samples of a conversion of `tout`, or of `vdd33` when it is selected. */
  private convert(): void {
    if (this.vddSelected()) {
      const corrected = vddSamples(this.vdd33);
      this.samples.forEach((r, i) => (r.value = ~rawFor(corrected[i]!) & 0x7ff));
      return;
    }
    const sample = sampleFor(this.tout);
    for (const r of this.samples) r.value = ~sample & 0x7ff;
  }
}

/** The largest VDD3P3 the converter can report (8 corrected samples of 2047: 4094 * 12/11 / 1024). */
const VDD_MAX_VOLTS = 4.36;

/**
 * Eight corrected samples whose readvdd33 reading R (round(sum / 4)) gives, through
 * system_get_vdd33's floor(R * 12 / 11), the value nearest round(V * 1024).
 */
export function vddSamples(volts: number): number[] {
  const target = Math.round(Math.min(Math.max(volts, 0), VDD_MAX_VOLTS) * 1024);
  let r = Math.floor((target * 11) / 12);
  while (Math.floor(((r + 1) * 12) / 11) <= target) r++;
  // Sum 4R: four samples of floor(R/2) and four of ceil(R/2).
  const lo = Math.floor(r / 2);
  const hi = r - lo;
  return [lo, hi, lo, hi, lo, hi, lo, hi];
}

/** The 11-bit sample the SDK's correction (read_sar_dout) turns into `corrected`. */
function rawFor(corrected: number): number {
  const low = corrected & 0xff;
  // The SDK's correction: ((low8 - 21) * 279) >> 8, so the smallest low8 giving `low`.
  return (corrected & 0x700) | (low === 0 ? 0 : 21 + Math.ceil((low * 256) / 279));
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
  return rawFor(2 * t);
}
