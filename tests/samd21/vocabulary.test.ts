/**
 * The register vocabulary (peripherals/samd21/README.md, "Register vocabulary"):
 *  - every `<BLOCK>_REG` offset is the offset the block declares the register at (so the exports
 *    the hosted engine will use are the ones the models use);
 *  - every `_Pos`/`_Msk` pair describes one contiguous field at that position;
 *  - a sample of fields the hosted engine needs first, checked against Microchip's CMSIS device
 *    headers for the SAMD21 (component/port.h, sercom.h, gclk.h, tc.h, adc.h, pm.h: the `_Pos`
 *    and bit values), an oracle independent of the data-sheet reading the models were written from.
 */
import { describe, expect, it } from 'vitest';
import type { RegisterBlock } from '../../peripherals/register-block.js';
import * as adc from '../../peripherals/samd21/adc.js';
import * as dac from '../../peripherals/samd21/dac.js';
import * as dmac from '../../peripherals/samd21/dmac.js';
import * as dsu from '../../peripherals/samd21/dsu.js';
import * as eic from '../../peripherals/samd21/eic.js';
import * as evsys from '../../peripherals/samd21/evsys.js';
import * as gclk from '../../peripherals/samd21/gclk.js';
import * as i2s from '../../peripherals/samd21/i2s.js';
import * as nvmctrl from '../../peripherals/samd21/nvmctrl.js';
import * as pm from '../../peripherals/samd21/pm.js';
import * as port from '../../peripherals/samd21/port.js';
import * as ptc from '../../peripherals/samd21/ptc.js';
import * as rtc from '../../peripherals/samd21/rtc.js';
import * as sercom from '../../peripherals/samd21/sercom-registers.js';
import * as sysctrl from '../../peripherals/samd21/sysctrl.js';
import * as tc from '../../peripherals/samd21/tc.js';
import * as tcc from '../../peripherals/samd21/tcc.js';
import * as usb from '../../peripherals/samd21/usb.js';
import * as wdt from '../../peripherals/samd21/wdt.js';
import { chip } from './helpers.js';

const MODULES: Record<string, Record<string, unknown>> = {
  adc, dac, dmac, dsu, eic, evsys, gclk, i2s, nvmctrl, pm, port, ptc, rtc, sercom, sysctrl, tc, tcc, usb, wdt,
};

/** `<BLOCK>_REG` table → the instance that declares those registers. */
const INSTANCES: Record<string, string> = {
  ADC_REG: 'ADC', DAC_REG: 'DAC', DMAC_REG: 'DMAC', DSU_REG: 'DSU', EIC_REG: 'EIC', EVSYS_REG: 'EVSYS', GCLK_REG: 'GCLK',
  I2S_REG: 'I2S', NVMCTRL_REG: 'NVMCTRL', PM_REG: 'PM', PORT_REG: 'PORT', PTC_REG: 'PTC', RTC_REG: 'RTC', SERCOM_REG: 'SERCOM0',
  SYSCTRL_REG: 'SYSCTRL', TC_REG: 'TC3', TCC_REG: 'TCC0', USB_REG: 'USB', WDT_REG: 'WDT',
};

/**
 * Keys that are not one declared register of that name: strides and bases, mode aliases (RTC
 * CLOCK/ALARM0 are COUNT/COMP0 in MODE2, TC/RTC per-mode CC1/COMP1 halves share one 32-bit slot,
 * SERCOM RXPL sits inside BAUD), and registers a model keeps inside another declaration.
 */
const NOT_A_DECLARATION = new Set([
  'PORT_REG.GROUP_STRIDE', 'USB_REG.ENDPOINT', 'USB_REG.ENDPOINT_STRIDE', 'DSU_REG.ROM',
  'RTC_REG.CLOCK', 'RTC_REG.ALARM0', 'RTC_REG.COMP1', 'SERCOM_REG.RXPL',
  'TC_REG.CC0', 'TC_REG.COUNT8_CC1', 'TC_REG.COUNT16_CC1', 'TC_REG.COUNT32_CC1',
]);

function declared(block: RegisterBlock, key: string, table: Record<string, number>): { name: string; offset: number } | null {
  const usbEndpoint = ['EPCFG', 'EPSTATUSCLR', 'EPSTATUSSET', 'EPSTATUS', 'EPINTFLAG', 'EPINTENCLR', 'EPINTENSET'].includes(key) && 'ENDPOINT' in table;
  const names = usbEndpoint ? [`${key}0`] : [key, `${key}0`, `Group[0].${key}`, `Group[0].${key}0`];
  for (const name of names) {
    const r = block.registers.find((x) => x.name === name);
    if (r) return { name, offset: usbEndpoint ? r.offset - table.ENDPOINT : r.offset };
  }
  return null;
}

describe('register vocabulary', () => {
  it('every <BLOCK>_REG offset is where the block declares that register', () => {
    const s = chip();
    let checked = 0;
    const missing: string[] = [];
    for (const mod of Object.values(MODULES)) {
      for (const [exportName, value] of Object.entries(mod)) {
        if (!exportName.endsWith('_REG')) continue;
        const block = s.blocks.find((b) => b.name === INSTANCES[exportName]) as unknown as RegisterBlock;
        expect(block, exportName).toBeDefined();
        const table = value as Record<string, number>;
        for (const [key, offset] of Object.entries(table)) {
          if (NOT_A_DECLARATION.has(`${exportName}.${key}`)) continue;
          const d = declared(block, key, table);
          if (!d) {
            missing.push(`${exportName}.${key}`);
            continue;
          }
          expect(d.offset, `${exportName}.${key} (${d.name})`).toBe(offset);
          checked++;
        }
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(INSTANCES).length).toBe(19);
    expect(checked).toBeGreaterThan(250);
  });

  it('every _Pos/_Msk pair is one contiguous field starting at _Pos', () => {
    let pairs = 0;
    for (const mod of Object.values(MODULES)) {
      for (const [exportName, value] of Object.entries(mod)) {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
        const t = value as Record<string, unknown>;
        for (const [key, msk] of Object.entries(t)) {
          if (!key.endsWith('_Msk') || typeof msk !== 'number') continue;
          const pos = t[key.replace(/_Msk$/, '_Pos')];
          if (typeof pos !== 'number') continue;
          const field = (msk >>> 0) / 2 ** pos;
          expect(Number.isInteger(field) && field > 0 && Number.isInteger(Math.log2(field + 1)), `${exportName}.${key}`).toBe(true);
          pairs++;
        }
      }
    }
    expect(pairs).toBeGreaterThan(150);
  });

  it('fields the hosted engine needs first match the CMSIS device headers', () => {
    // component/port.h
    expect(port.PORT_REG).toMatchObject({ DIR: 0x00, DIRCLR: 0x04, DIRSET: 0x08, OUT: 0x10, OUTCLR: 0x14, OUTSET: 0x18, IN: 0x20, WRCONFIG: 0x28, PMUX: 0x30, PINCFG: 0x40 });
    expect(port.PORT_PINCFG).toMatchObject({ PMUXEN: 1 << 0, INEN: 1 << 1, PULLEN: 1 << 2, DRVSTR: 1 << 6 });
    expect(port.PORT_PMUX.PMUXO_Pos).toBe(4);
    expect([port.PORT_WRCONFIG.PMUX_Pos, port.PORT_WRCONFIG.WRPMUX, port.PORT_WRCONFIG.WRPINCFG, port.PORT_WRCONFIG.HWSEL]).toEqual([24, 1 << 28, 1 << 30, 1 << 31]);
    // component/sercom.h (I2CM)
    expect(sercom.SERCOM_REG).toMatchObject({ CTRLA: 0x00, CTRLB: 0x04, BAUD: 0x0c, INTENCLR: 0x14, INTENSET: 0x16, INTFLAG: 0x18, STATUS: 0x1a, SYNCBUSY: 0x1c, ADDR: 0x24, DATA: 0x28 });
    expect(sercom.SERCOM_CTRLA.MODE_Pos).toBe(2);
    expect(sercom.SERCOM_MODE.I2C_MASTER).toBe(5);
    expect([sercom.SERCOM_I2CM_CTRLA.SPEED_Pos, sercom.SERCOM_I2CM_CTRLA.INACTOUT_Pos, sercom.SERCOM_I2CM_CTRLA.SDAHOLD_Pos]).toEqual([24, 28, 20]);
    expect([sercom.SERCOM_I2CM_CTRLB.SMEN, sercom.SERCOM_I2CM_CTRLB.CMD_Pos, sercom.SERCOM_I2CM_CTRLB.ACKACT]).toEqual([1 << 8, 16, 1 << 18]);
    expect([sercom.SERCOM_I2CM_BAUD.BAUDLOW_Pos, sercom.SERCOM_I2CM_BAUD.HSBAUD_Pos]).toEqual([8, 16]);
    expect(sercom.SERCOM_I2CM_STATUS).toMatchObject({ BUSERR: 1 << 0, ARBLOST: 1 << 1, RXNACK: 1 << 2, BUSSTATE_Pos: 4, CLKHOLD: 1 << 7 });
    expect(sercom.SERCOM_I2CM_INT).toMatchObject({ MB: 1 << 0, SB: 1 << 1, ERROR: 1 << 7 });
    expect(sercom.SERCOM_SYNCBUSY.SYSOP).toBe(1 << 2);
    // component/sercom.h (SPI, USART)
    expect([sercom.SERCOM_SPI_CTRLA.DOPO_Pos, sercom.SERCOM_SPI_CTRLA.DIPO_Pos, sercom.SERCOM_SPI_CTRLA.CPHA, sercom.SERCOM_SPI_CTRLA.DORD]).toEqual([16, 20, 1 << 28, 1 << 30]);
    expect([sercom.SERCOM_USART_CTRLA.SAMPR_Pos, sercom.SERCOM_USART_CTRLA.FORM_Pos, sercom.SERCOM_USART_CTRLB.TXEN, sercom.SERCOM_USART_CTRLB.RXEN]).toEqual([13, 24, 1 << 16, 1 << 17]);
    // component/gclk.h, pm.h
    expect([gclk.GCLK_CLKCTRL.GEN_Pos, gclk.GCLK_CLKCTRL.CLKEN, gclk.GCLK_GENCTRL.SRC_Pos, gclk.GCLK_GENCTRL.GENEN, gclk.GCLK_GENCTRL.DIVSEL]).toEqual([8, 1 << 14, 8, 1 << 16, 1 << 20]);
    expect([gclk.GCLK_GENDIV.DIV_Pos, gclk.GCLK_STATUS.SYNCBUSY]).toEqual([8, 1 << 7]);
    expect([pm.PM_REG.APBCMASK, pm.PM_REG.RCAUSE]).toEqual([0x20, 0x38]);
    // component/tc.h, adc.h
    expect([tc.TC_CTRLA.MODE_Pos, tc.TC_CTRLA.WAVEGEN_Pos, tc.TC_CTRLA.PRESCALER_Pos, tc.TC_READREQ.RCONT, tc.TC_STATUS.SYNCBUSY]).toEqual([2, 5, 8, 1 << 14, 1 << 7]);
    expect([adc.ADC_INPUTCTRL.MUXNEG_Pos, adc.ADC_INPUTCTRL.GAIN_Pos, adc.ADC_CTRLB.RESSEL_Pos, adc.ADC_CTRLB.PRESCALER_Pos]).toEqual([8, 24, 4, 8]);
  });
});
