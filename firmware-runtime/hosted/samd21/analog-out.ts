/**
 * analogio.AnalogOut on the SAMD21's DAC: ports/atmel-samd/common-hal/analogio/AnalogOut.c (CircuitPython
 * 9.2.9) with ASF4's dac_sync driver and the port's hpl_dac_config.h (REFSEL = AVCC, LEFTADJ = 1, EOEN = 1),
 * against the DAC registers (data sheet section 35). Only PA02 carries VOUT. The 16-bit value is written
 * to DATA left-adjusted, so the DAC converts its top 10 bits: VOUT = (value >> 6) / 1023 x VDDANA.
 */
import { GCLK_ID } from '../../../peripherals/samd21/memory-map.js';
import { DAC_CTRLA, DAC_CTRLB, DAC_REFSEL, DAC_REG, DAC_STATUS } from '../../../peripherals/samd21/dac.js';
import { HalError, type Samd21Hal } from './hal.js';

const DAC = 0x42004800;
/** The DAC's bus clock: PM.APBCMASK bit 18. */
const APBC_DAC = 18;
export const DAC_PAD = 'PA02';

export class Samd21AnalogOut {
  private open = false;

  constructor(private readonly hal: Samd21Hal) {}

  private sync(): void {
    const h = this.hal;
    h.waitFor(() => (h.r8(DAC + DAC_REG.STATUS) & DAC_STATUS.SYNCBUSY) === 0, 'DAC STATUS.SYNCBUSY');
  }

  construct(pad: string, name: string): void {
    const h = this.hal;
    h.assertFree(pad, name);
    if (pad !== DAC_PAD) throw new HalError('ValueError', 'Invalid pin');
    h.apbc(APBC_DAC);
    h.clockChannel(GCLK_ID.DAC);
    // dac_sync_init: software reset, then the configuration of hpl_dac_config.h.
    h.w8(DAC + DAC_REG.CTRLA, DAC_CTRLA.SWRST);
    h.waitFor(() => (h.r8(DAC + DAC_REG.CTRLA) & DAC_CTRLA.SWRST) === 0, 'DAC CTRLA.SWRST');
    this.sync();
    h.w8(DAC + DAC_REG.CTRLB, DAC_CTRLB.EOEN | DAC_CTRLB.LEFTADJ | (DAC_REFSEL.AVCC << DAC_CTRLB.REFSEL_Pos));
    h.w8(DAC + DAC_REG.EVCTRL, 0);
    h.claim(pad, name);
    h.resetPin(pad);
    h.pmux(pad, 'B');
    // dac_sync_enable_channel
    h.w8(DAC + DAC_REG.CTRLA, DAC_CTRLA.ENABLE);
    this.sync();
    this.open = true;
  }

  /** dac_sync_write: the 16-bit value into DATA (left-adjusted), then the write synchronised. */
  write(value: number): void {
    const h = this.hal;
    h.w16(DAC + DAC_REG.DATA, value & 0xffff);
    this.sync();
  }

  /** dac_sync_disable_channel + dac_sync_deinit (software reset), the pin back to its reset state. */
  deinit(): void {
    if (!this.open) return;
    const h = this.hal;
    h.w8(DAC + DAC_REG.CTRLA, 0);
    this.sync();
    h.w8(DAC + DAC_REG.CTRLA, DAC_CTRLA.SWRST);
    this.sync();
    h.release(DAC_PAD);
    this.open = false;
  }
}
