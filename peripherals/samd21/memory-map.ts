/**
 * The SAMD21 memory map, peripheral table and factory NVM contents
 * (data sheet DS40001882, section 9 "Memories", 10.2 "Product Mapping", 11 "Processor and
 * Architecture" tables 11-3 (interrupt lines), and 10.3 "NVM Software Calibration Area").
 */

export const FLASH_BASE = 0x00000000;
export const FLASH_SIZE = 256 * 1024;
/** NVM page: 64 bytes; row: 4 pages = 256 bytes (NVMCTRL PARAM.PSZ = 3, NVMP = 4096). */
export const FLASH_PAGE_SIZE = 64;
export const FLASH_ROW_SIZE = 256;

export const RAM_BASE = 0x20000000;
export const RAM_SIZE = 32 * 1024;

/** NVM auxiliary space (user row, calibration row, serial number), mapped as one 64 KiB device. */
export const NVM_AUX_BASE = 0x00800000;
export const NVM_AUX_SIZE = 0x10000;
export const NVM_USER_ROW = 0x00804000;
/** Software calibration area (data sheet 10.3.2, table 10-4). */
export const NVM_CALIBRATION = 0x00806020;
/** Temperature log row (data sheet 10.3.3). */
export const NVM_TEMP_LOG = 0x00806030;
/** 128-bit serial number words (data sheet 10.3.3 "Serial Number"). */
export const SERIAL_NUMBER_WORDS = [0x0080a00c, 0x0080a040, 0x0080a044, 0x0080a048] as const;

/** Single-cycle I/O port (IOBUS alias of PORT), data sheet 11.2.3 / 23.5.6. */
export const IOBUS_BASE = 0x60000000;

/**
 * Extra CPU cycles per access through an AHB-APB bridge (the IOBUS and SRAM have none). A real
 * SAMD21 at 48 MHz with the APB dividers at 1 takes about 2-3 extra cycles per APB access; the
 * exact figure depends on the bus matrix state. Tunable here.
 */
export const APB_WAIT_STATES = 2;

export type Bridge = 'A' | 'B' | 'C';

export interface PeripheralSlot {
  /** Data-sheet instance name. */
  name: string;
  base: number;
  /** Size of the address slot (0x400 for most; DSU is 0x2000 with its CoreSight ROM table). */
  size: number;
  bridge: Bridge;
  /** Bit of PM APBxMASK gating the bus clock, or -1 when not gated there. */
  apbBit: number;
  /** NVIC line (`IRQ`, table 11-3), or -1. */
  irq: number;
}

/** NVIC lines (table 11-3). */
export const IRQ = {
  PM: 0, SYSCTRL: 1, WDT: 2, RTC: 3, EIC: 4, NVMCTRL: 5, DMAC: 6, USB: 7, EVSYS: 8,
  SERCOM0: 9, SERCOM1: 10, SERCOM2: 11, SERCOM3: 12, SERCOM4: 13, SERCOM5: 14,
  TCC0: 15, TCC1: 16, TCC2: 17, TC3: 18, TC4: 19, TC5: 20, TC6: 21, TC7: 22,
  ADC: 23, AC: 24, DAC: 25, PTC: 26, I2S: 27,
} as const;
export const IRQ_COUNT = 28;

/** Every peripheral slot of the SAMD21 (data sheet 10.2 "Product Mapping", figure 10-1). */
export const PERIPHERALS: readonly PeripheralSlot[] = [
  // Bridge A: PM APBAMASK bits
  { name: 'PAC0', base: 0x40000000, size: 0x400, bridge: 'A', apbBit: 0, irq: -1 },
  { name: 'PM', base: 0x40000400, size: 0x400, bridge: 'A', apbBit: 1, irq: IRQ.PM },
  { name: 'SYSCTRL', base: 0x40000800, size: 0x400, bridge: 'A', apbBit: 2, irq: IRQ.SYSCTRL },
  { name: 'GCLK', base: 0x40000c00, size: 0x400, bridge: 'A', apbBit: 3, irq: -1 },
  { name: 'WDT', base: 0x40001000, size: 0x400, bridge: 'A', apbBit: 4, irq: IRQ.WDT },
  { name: 'RTC', base: 0x40001400, size: 0x400, bridge: 'A', apbBit: 5, irq: IRQ.RTC },
  { name: 'EIC', base: 0x40001800, size: 0x400, bridge: 'A', apbBit: 6, irq: IRQ.EIC },
  // Bridge B: PM APBBMASK bits
  { name: 'PAC1', base: 0x41000000, size: 0x400, bridge: 'B', apbBit: 0, irq: -1 },
  { name: 'DSU', base: 0x41002000, size: 0x2000, bridge: 'B', apbBit: 1, irq: -1 },
  { name: 'NVMCTRL', base: 0x41004000, size: 0x400, bridge: 'B', apbBit: 2, irq: IRQ.NVMCTRL },
  { name: 'PORT', base: 0x41004400, size: 0x400, bridge: 'B', apbBit: 3, irq: -1 },
  { name: 'DMAC', base: 0x41004800, size: 0x400, bridge: 'B', apbBit: 4, irq: IRQ.DMAC },
  { name: 'USB', base: 0x41005000, size: 0x400, bridge: 'B', apbBit: 5, irq: IRQ.USB },
  { name: 'MTB', base: 0x41006000, size: 0x400, bridge: 'B', apbBit: -1, irq: -1 },
  { name: 'SBMATRIX', base: 0x41007000, size: 0x400, bridge: 'B', apbBit: 6, irq: -1 },
  // Bridge C: PM APBCMASK bits
  { name: 'PAC2', base: 0x42000000, size: 0x400, bridge: 'C', apbBit: 0, irq: -1 },
  { name: 'EVSYS', base: 0x42000400, size: 0x400, bridge: 'C', apbBit: 1, irq: IRQ.EVSYS },
  { name: 'SERCOM0', base: 0x42000800, size: 0x400, bridge: 'C', apbBit: 2, irq: IRQ.SERCOM0 },
  { name: 'SERCOM1', base: 0x42000c00, size: 0x400, bridge: 'C', apbBit: 3, irq: IRQ.SERCOM1 },
  { name: 'SERCOM2', base: 0x42001000, size: 0x400, bridge: 'C', apbBit: 4, irq: IRQ.SERCOM2 },
  { name: 'SERCOM3', base: 0x42001400, size: 0x400, bridge: 'C', apbBit: 5, irq: IRQ.SERCOM3 },
  { name: 'SERCOM4', base: 0x42001800, size: 0x400, bridge: 'C', apbBit: 6, irq: IRQ.SERCOM4 },
  { name: 'SERCOM5', base: 0x42001c00, size: 0x400, bridge: 'C', apbBit: 7, irq: IRQ.SERCOM5 },
  { name: 'TCC0', base: 0x42002000, size: 0x400, bridge: 'C', apbBit: 8, irq: IRQ.TCC0 },
  { name: 'TCC1', base: 0x42002400, size: 0x400, bridge: 'C', apbBit: 9, irq: IRQ.TCC1 },
  { name: 'TCC2', base: 0x42002800, size: 0x400, bridge: 'C', apbBit: 10, irq: IRQ.TCC2 },
  { name: 'TC3', base: 0x42002c00, size: 0x400, bridge: 'C', apbBit: 11, irq: IRQ.TC3 },
  { name: 'TC4', base: 0x42003000, size: 0x400, bridge: 'C', apbBit: 12, irq: IRQ.TC4 },
  { name: 'TC5', base: 0x42003400, size: 0x400, bridge: 'C', apbBit: 13, irq: IRQ.TC5 },
  { name: 'TC6', base: 0x42003800, size: 0x400, bridge: 'C', apbBit: 14, irq: IRQ.TC6 },
  { name: 'TC7', base: 0x42003c00, size: 0x400, bridge: 'C', apbBit: 15, irq: IRQ.TC7 },
  { name: 'ADC', base: 0x42004000, size: 0x400, bridge: 'C', apbBit: 16, irq: IRQ.ADC },
  { name: 'AC', base: 0x42004400, size: 0x400, bridge: 'C', apbBit: 17, irq: IRQ.AC },
  { name: 'DAC', base: 0x42004800, size: 0x400, bridge: 'C', apbBit: 18, irq: IRQ.DAC },
  { name: 'PTC', base: 0x42004c00, size: 0x400, bridge: 'C', apbBit: 19, irq: IRQ.PTC },
  { name: 'I2S', base: 0x42005000, size: 0x400, bridge: 'C', apbBit: 20, irq: IRQ.I2S },
];

export function peripheralSlot(name: string): PeripheralSlot {
  const slot = PERIPHERALS.find((p) => p.name === name);
  if (!slot) throw new Error(`SAMD21 has no peripheral ${name}`);
  return slot;
}


/** GCLK clock channel IDs (CLKCTRL.ID, data sheet 15.8.3 table). */
export const GCLK_ID = {
  DFLL48M_REF: 0, DPLL: 1, DPLL_32K: 2, WDT: 3, RTC: 4, EIC: 5, USB: 6,
  /** EVSYS channel n uses 7 + n (n = 0..11). */
  EVSYS_CHANNEL_0: 7,
  SERCOMX_SLOW: 19,
  /** SERCOMn core uses 20 + n. */
  SERCOM0_CORE: 20,
  TCC0_TCC1: 26, TCC2_TC3: 27, TC4_TC5: 28, TC6_TC7: 29,
  ADC: 30, AC_DIG: 31, AC_ANA: 32, DAC: 33, PTC: 34, I2S_0: 35, I2S_1: 36,
} as const;
export const GCLK_CHANNELS = 37;

/** DMAC trigger sources (CHCTRLB.TRIGSRC, data sheet 20.8.19). */
export const DMA_TRIGGER = {
  DISABLE: 0x00,
  /** SERCOMn RX = 0x01 + 2n, TX = 0x02 + 2n. */
  sercomRx: (n: number) => 0x01 + 2 * n,
  sercomTx: (n: number) => 0x02 + 2 * n,
  TCC0_OVF: 0x0d, TCC0_MC0: 0x0e, TCC1_OVF: 0x12, TCC1_MC0: 0x13, TCC2_OVF: 0x15, TCC2_MC0: 0x16,
  /** TCn (n = 3..7): OVF = 0x18 + 3(n-3), MC0 = +1, MC1 = +2. */
  tcOvf: (n: number) => 0x18 + 3 * (n - 3),
  tcMc: (n: number, x: number) => 0x19 + 3 * (n - 3) + x,
  ADC_RESRDY: 0x27, DAC_EMPTY: 0x28,
  I2S_RX_0: 0x29, I2S_RX_1: 0x2a, I2S_TX_0: 0x2b, I2S_TX_1: 0x2c,
} as const;

/**
 * EVSYS event generators (CHANNEL.EVGEN, data sheet DS40001882 24.8.2 / table 24-6). Current
 * silicon has 18 EIC EXTINT generator slots (0x0c-0x1d; the L variants use 16 and 17), so every
 * generator after the EIC sits two places later than in the early SAMD21 data sheets. The values
 * are those real firmware (CircuitPython's audio: TC OVF -> DAC START) programs and relies on.
 */
export const EVENT_GENERATOR = {
  NONE: 0x00,
  RTC_CMP0: 0x01, RTC_CMP1: 0x02, RTC_OVF: 0x03,
  /** RTC PERn: 0x04 + n (n = 0..7). */
  RTC_PER0: 0x04,
  /** EIC EXTINTn: 0x0c + n (n = 0..17). */
  EIC_EXTINT0: 0x0c,
  /** DMAC CHn: 0x1e + n (n = 0..3). */
  DMAC_CH0: 0x1e,
  TCC0_OVF: 0x22, TCC0_TRG: 0x23, TCC0_CNT: 0x24, TCC0_MC0: 0x25,
  TCC1_OVF: 0x29, TCC1_TRG: 0x2a, TCC1_CNT: 0x2b, TCC1_MC0: 0x2c,
  TCC2_OVF: 0x2e, TCC2_TRG: 0x2f, TCC2_CNT: 0x30, TCC2_MC0: 0x31,
  /** TCn (n = 3..7): OVF = 0x33 + 3(n-3), MC0 = +1, MC1 = +2. */
  TC3_OVF: 0x33,
  ADC_RESRDY: 0x42, ADC_WINMON: 0x43,
  AC_COMP0: 0x44, AC_COMP1: 0x45, AC_WIN0: 0x46,
  DAC_EMPTY: 0x47,
  PTC_EOC: 0x48, PTC_WCOMP: 0x49,
} as const;

/** EVSYS event users (USER.USER, data sheet 24.8.3). */
export const EVENT_USER = {
  /** DMAC CHn: n (0..3). */
  DMAC_CH0: 0x00,
  TCC0_EV0: 0x04, TCC0_EV1: 0x05, TCC0_MC0: 0x06,
  TCC1_EV0: 0x0a, TCC1_EV1: 0x0b, TCC1_MC0: 0x0c,
  TCC2_EV0: 0x0e, TCC2_EV1: 0x0f, TCC2_MC0: 0x10,
  /** TCn (n = 3..7): 0x12 + (n-3). */
  TC3: 0x12,
  ADC_START: 0x17, ADC_SYNC: 0x18,
  AC_SOC0: 0x19, AC_SOC1: 0x1a,
  DAC_START: 0x1b,
  PTC_STCONV: 0x1c,
} as const;
export const EVENT_USERS = 0x1f;

export type Variant = 'G18A' | 'E18A';

/**
 * DSU DID (data sheet 13.13.16 and table "Device Selection"): PROCESSOR = 1 (Cortex-M0+),
 * FAMILY = 0, SERIES = 1 (SAMD21), DIE = 0, REVISION = 3 (rev D), DEVSEL = 0x05 for SAMD21G18A and
 * 0x0A for SAMD21E18A.
 */
export const DEVICE_ID: Record<Variant, number> = { G18A: 0x10010305, E18A: 0x1001030a };

/** Pads bonded out per package (48-pin G, 32-pin E); data sheet 7 "I/O Multiplexing". */
export function bondedPins(variant: Variant): string[] {
  const pa = (list: number[]) => list.map((n) => `PA${String(n).padStart(2, '0')}`);
  const pb = (list: number[]) => list.map((n) => `PB${String(n).padStart(2, '0')}`);
  if (variant === 'E18A') return pa([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 22, 23, 24, 25, 27, 28, 30, 31]);
  return [
    ...pa([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 27, 28, 30, 31]),
    ...pb([2, 3, 8, 9, 10, 11, 22, 23]),
  ];
}

// ---------------------------------------------------------------- factory NVM contents

/** Factory calibration values we present (any plausible value works for firmware). */
export const FACTORY_CALIBRATION = {
  ADC_LINEARITY: 0x2a,
  ADC_BIASCAL: 0x4,
  OSC32K_CAL: 0x40,
  USB_TRANSN: 0x09,
  USB_TRANSP: 0x19,
  USB_TRIM: 0x6,
  DFLL48M_COARSE: 0x1d,
  DFLL48M_FINE: 0x200,
} as const;

/** Temperature log (data sheet 10.3.3, table 10-5): calibration points for the sensor model. */
export const TEMPERATURE_LOG = {
  ROOM_TEMP_VAL_INT: 25,
  ROOM_TEMP_VAL_DEC: 0,
  HOT_TEMP_VAL_INT: 85,
  HOT_TEMP_VAL_DEC: 0,
  /** 2's complement mV offsets of the 1 V reference at the two points. */
  ROOM_INT1V_VAL: 0,
  HOT_INT1V_VAL: 0,
  /** 12-bit ADC readings of the sensor with the 1 V reference (0.667 V at 25 °C, +2.4 mV/°C). */
  ROOM_ADC_VAL: 2732,
  HOT_ADC_VAL: 3322,
} as const;

/** NVM user row (data sheet 10.3.1) as the Adafruit UF2 bootloader leaves it: BOOTPROT = 8 KiB. */
export const USER_ROW_WORDS = [0xd8e0c7fa, 0xfffffc5d] as const;

/** Default serial number (any 128 bits; unique per emulated chip if the board wants). */
export const DEFAULT_SERIAL = [0x4a5c1e29, 0x50533253, 0x2e3a1c0d, 0xff0c2b41] as const;

/** Fills a 64 KiB NVM auxiliary image (index 0 = NVM_AUX_BASE). Unprogrammed NVM reads 0xFF. */
export function buildNvmAux(u8: Uint8Array, serial: readonly number[] = DEFAULT_SERIAL): void {
  u8.fill(0xff);
  const put32 = (address: number, value: number) => {
    const o = address - NVM_AUX_BASE;
    for (let i = 0; i < 4; i++) u8[o + i] = (value >>> (8 * i)) & 0xff;
  };
  put32(NVM_USER_ROW, USER_ROW_WORDS[0]);
  put32(NVM_USER_ROW + 4, USER_ROW_WORDS[1]);
  // Software calibration area: a 128-bit little-endian bit string at 0x00806020.
  const c = FACTORY_CALIBRATION;
  let lo = 0n;
  const setBits = (pos: number, width: number, value: number) => {
    lo &= ~(((1n << BigInt(width)) - 1n) << BigInt(pos));
    lo |= BigInt(value & ((1 << width) - 1)) << BigInt(pos);
  };
  lo = (1n << 128n) - 1n; // unused bits read 1
  setBits(27, 8, c.ADC_LINEARITY); // bits 27..34
  setBits(35, 3, c.ADC_BIASCAL);
  setBits(38, 7, c.OSC32K_CAL);
  setBits(45, 5, c.USB_TRANSN);
  setBits(50, 5, c.USB_TRANSP);
  setBits(55, 3, c.USB_TRIM);
  setBits(58, 6, c.DFLL48M_COARSE);
  setBits(64, 10, c.DFLL48M_FINE);
  for (let w = 0; w < 4; w++) put32(NVM_CALIBRATION + 4 * w, Number((lo >> BigInt(32 * w)) & 0xffffffffn));
  const t = TEMPERATURE_LOG;
  put32(
    NVM_TEMP_LOG,
    (t.ROOM_TEMP_VAL_INT | (t.ROOM_TEMP_VAL_DEC << 8) | (t.HOT_TEMP_VAL_INT << 12) | (t.HOT_TEMP_VAL_DEC << 20) | ((t.ROOM_INT1V_VAL & 0xff) << 24)) >>> 0,
  );
  put32(NVM_TEMP_LOG + 4, ((t.HOT_INT1V_VAL & 0xff) | (t.ROOM_ADC_VAL << 8) | (t.HOT_ADC_VAL << 20)) >>> 0);
  SERIAL_NUMBER_WORDS.forEach((address, i) => put32(address, serial[i]));
}
