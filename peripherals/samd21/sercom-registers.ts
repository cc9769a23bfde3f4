/**
 * SERCOM register vocabulary: offsets and fields of every mode, as the data sheet names them
 * (DS40001882 26.7 / 27.7 / 28.9 register summaries). sercom.ts, its mode engines
 * (sercom-usart/-spi/-i2c.ts) and the hosted engine's busio modules use these. They live apart
 * from sercom.ts because sercom.ts and the engines import each other.
 */

/** Register offsets: the same in every mode (ADDR: SPI/I2C master; RXPL: USART). */
export const SERCOM_REG = {
  CTRLA: 0x00, CTRLB: 0x04, BAUD: 0x0c, RXPL: 0x0e, INTENCLR: 0x14, INTENSET: 0x16, INTFLAG: 0x18,
  STATUS: 0x1a, SYNCBUSY: 0x1c, ADDR: 0x24, DATA: 0x28, DBGCTRL: 0x30,
} as const;

/** CTRLA fields every mode has (26.8.1, 27.8.1, 28.10.1). */
export const SERCOM_CTRLA = { SWRST: 1 << 0, ENABLE: 1 << 1, MODE_Pos: 2, MODE_Msk: 0x7 << 2, RUNSTDBY: 1 << 7 } as const;
/** CTRLA.MODE values. */
export const SERCOM_MODE = { USART_EXT_CLK: 0, USART_INT_CLK: 1, SPI_SLAVE: 2, SPI_MASTER: 3, I2C_SLAVE: 4, I2C_MASTER: 5 } as const;
/** SYNCBUSY: SWRST, ENABLE, then CTRLB (SPI/USART) or SYSOP (I2C master) at bit 2. */
export const SERCOM_SYNCBUSY = { SWRST: 1 << 0, ENABLE: 1 << 1, CTRLB: 1 << 2, SYSOP: 1 << 2 } as const;
/** DBGCTRL (26.8.12). */
export const SERCOM_DBGCTRL = { DBGSTOP: 1 << 0 } as const;

/** USART CTRLA (26.8.1). */
export const SERCOM_USART_CTRLA = {
  IBON: 1 << 8, SAMPR_Pos: 13, SAMPR_Msk: 0x7 << 13, TXPO_Pos: 16, TXPO_Msk: 0x3 << 16, RXPO_Pos: 20,
  RXPO_Msk: 0x3 << 20, FORM_Pos: 24, FORM_Msk: 0xf << 24, CMODE: 1 << 28, CPOL: 1 << 29, DORD: 1 << 30,
} as const;
/** USART CTRLA.FORM values used by the model. */
export const SERCOM_USART_FORM = { FRAME: 0, FRAME_PARITY: 1 } as const;
/** USART CTRLB (26.8.2). */
export const SERCOM_USART_CTRLB = {
  CHSIZE_Pos: 0, CHSIZE_Msk: 0x7 << 0, SBMODE: 1 << 6, COLDEN: 1 << 8, SFDE: 1 << 9, ENC: 1 << 10,
  PMODE: 1 << 13, TXEN: 1 << 16, RXEN: 1 << 17,
} as const;
/** USART BAUD in fractional modes (SAMPR 1 and 3, 26.8.3): integer part and eighths. */
export const SERCOM_USART_BAUD = { BAUD_Msk: 0xffff, FRAC_BAUD_Pos: 0, FRAC_BAUD_Msk: 0x1fff, FRAC_FP_Pos: 13, FRAC_FP_Msk: 0x7 << 13 } as const;
/** USART INTFLAG / INTENSET / INTENCLR (26.8.6-8). */
export const SERCOM_USART_INT = { DRE: 1 << 0, TXC: 1 << 1, RXC: 1 << 2, RXS: 1 << 3, CTSIC: 1 << 4, RXBRK: 1 << 5, ERROR: 1 << 7 } as const;
/** USART STATUS (26.8.9). */
export const SERCOM_USART_STATUS = { PERR: 1 << 0, FERR: 1 << 1, BUFOVF: 1 << 2, CTS: 1 << 3, ISF: 1 << 4, COLL: 1 << 5 } as const;

/** SPI CTRLA (27.8.1). */
export const SERCOM_SPI_CTRLA = {
  IBON: 1 << 8, DOPO_Pos: 16, DOPO_Msk: 0x3 << 16, DIPO_Pos: 20, DIPO_Msk: 0x3 << 20, FORM_Pos: 24,
  FORM_Msk: 0xf << 24, CPHA: 1 << 28, CPOL: 1 << 29, DORD: 1 << 30,
} as const;
/** SPI CTRLB (27.8.2); CHSIZE 0 = 8 bits, 1 = 9 bits. */
export const SERCOM_SPI_CTRLB = { CHSIZE_Pos: 0, CHSIZE_Msk: 0x7 << 0, PLOADEN: 1 << 6, SSDE: 1 << 9, MSSEN: 1 << 13, AMODE_Pos: 14, AMODE_Msk: 0x3 << 14, RXEN: 1 << 17 } as const;
/** SPI BAUD (27.8.3). */
export const SERCOM_SPI_BAUD = { BAUD_Pos: 0, BAUD_Msk: 0xff << 0 } as const;
/** SPI INTFLAG / INTENSET / INTENCLR (27.8.6-8). */
export const SERCOM_SPI_INT = { DRE: 1 << 0, TXC: 1 << 1, RXC: 1 << 2, SSL: 1 << 3, ERROR: 1 << 7 } as const;
/** SPI STATUS (27.8.9). */
export const SERCOM_SPI_STATUS = { BUFOVF: 1 << 2 } as const;

/** I2C master CTRLA (28.10.1). */
export const SERCOM_I2CM_CTRLA = {
  PINOUT: 1 << 16, SDAHOLD_Pos: 20, SDAHOLD_Msk: 0x3 << 20, MEXTTOEN: 1 << 22, SEXTTOEN: 1 << 23,
  SPEED_Pos: 24, SPEED_Msk: 0x3 << 24, SCLSM: 1 << 27, INACTOUT_Pos: 28, INACTOUT_Msk: 0x3 << 28,
  LOWTOUTEN: 1 << 30,
} as const;
/** I2C master CTRLB (28.10.2). */
export const SERCOM_I2CM_CTRLB = { SMEN: 1 << 8, QCEN: 1 << 9, CMD_Pos: 16, CMD_Msk: 0x3 << 16, ACKACT: 1 << 18 } as const;
/** CTRLB.CMD values (28.10.2). */
export const SERCOM_I2CM_CMD = { NONE: 0, REPEATED_START: 1, READ: 2, STOP: 3 } as const;
/** I2C master BAUD (28.10.3). */
export const SERCOM_I2CM_BAUD = {
  BAUD_Pos: 0, BAUD_Msk: 0xff << 0, BAUDLOW_Pos: 8, BAUDLOW_Msk: 0xff << 8, HSBAUD_Pos: 16,
  HSBAUD_Msk: 0xff << 16, HSBAUDLOW_Pos: 24, HSBAUDLOW_Msk: 0xff << 24,
} as const;
/** I2C master INTFLAG / INTENSET / INTENCLR (28.10.6-8). */
export const SERCOM_I2CM_INT = { MB: 1 << 0, SB: 1 << 1, ERROR: 1 << 7 } as const;
/** I2C master STATUS (28.10.9). */
export const SERCOM_I2CM_STATUS = {
  BUSERR: 1 << 0, ARBLOST: 1 << 1, RXNACK: 1 << 2, BUSSTATE_Pos: 4, BUSSTATE_Msk: 0x3 << 4, LOWTOUT: 1 << 6,
  CLKHOLD: 1 << 7, MEXTTOUT: 1 << 8, SEXTTOUT: 1 << 9, LENERR: 1 << 10,
} as const;
/** STATUS.BUSSTATE values (28.10.9). */
export const SERCOM_I2CM_BUSSTATE = { UNKNOWN: 0, IDLE: 1, OWNER: 2, BUSY: 3 } as const;
/** I2C master ADDR (28.10.11): ADDR bit 0 is the R/W direction of a 7-bit address. */
export const SERCOM_I2CM_ADDR = { READ: 1 << 0, ADDR_Pos: 0, ADDR_Msk: 0x7ff << 0, LENEN: 1 << 13, HS: 1 << 14, TENBITEN: 1 << 15, LEN_Pos: 16, LEN_Msk: 0xff << 16 } as const;
